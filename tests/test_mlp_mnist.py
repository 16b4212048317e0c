"""Learning test on MNIST: 784-128-10 with Adam reaches >= 97.5 % test accuracy in 10 epochs.

Marked ``mnist`` (select it with ``-m mnist``). It always runs: the data root comes from
``COURSEPKG_DATA`` (CI points it at the shared data folder); it takes about 6 s.
"""

import numpy as np
import pytest

from coursepkg.data import load_mnist
from coursepkg.models.mlp import MLPClassifier


@pytest.mark.mnist
def test_mnist_784_128_10_adam_reaches_97_5_percent_in_10_epochs():
    (X_train, y_train), (X_test, y_test) = load_mnist(scale=True, flatten=True, download=False)
    assert X_train.shape == (60000, 784) and X_train.dtype == np.float32
    model = MLPClassifier((128,), activation="relu", optimizer="adam", learning_rate=1e-3,
                          batch_size=128, epochs=10, random_state=0)
    model.fit(X_train, y_train)
    assert model.n_iter_ == 10
    accuracy = model.score(X_test, y_test)
    assert accuracy >= 0.975, f"test accuracy {accuracy:.4f} after 10 epochs"
