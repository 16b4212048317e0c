"""``benchmarks/references.py`` keeps working and builds the networks its sources describe.

The full reproduction takes minutes and is the script's business; here each reference is
trained for a few epochs on a slice of MNIST, and its estimator is checked against the
source's setup (shapes, initial weights, the mapping of the learning rate and penalty).
"""


import numpy as np
import pytest
from scripts import load_script

from coursepkg.data import load_mnist



@pytest.fixture(scope="module")
def references():
    return load_script("benchmarks/references.py")


@pytest.fixture(scope="module")
def mnist_slice():
    (X, y), (X_test, y_test) = load_mnist(scale=True, flatten=True, download=False)
    return (X[:12_000], y[:12_000]), (X_test[:2_000], y_test[:2_000])


def test_the_networks_start_as_their_sources_draw_them(references):
    X, y = np.random.default_rng(0).random((20, 784)), np.arange(20) % 10
    raschka = references.raschka_network(0, epochs=1).set_params(learning_rate=1e-12)
    raschka.fit(X, y)
    assert [W.shape for W in raschka.coefs_] == [(784, 50), (50, 10)]
    assert raschka.coefs_[0].std() == pytest.approx(0.1, rel=0.02)
    assert max(np.abs(b).max() for b in raschka.intercepts_) < 1e-9
    nielsen = references.nielsen_chapter1_network(0).set_params(learning_rate=1e-12)
    nielsen.fit(X, y)
    assert nielsen.coefs_[0].std() == pytest.approx(1, rel=0.02)
    assert nielsen.intercepts_[0].std() == pytest.approx(1, rel=0.5)
    chapter3 = references.nielsen_chapter3_network(0).set_params(learning_rate=1e-12)
    chapter3.fit(X, y)
    assert chapter3.coefs_[0].std() == pytest.approx(1 / np.sqrt(784), rel=0.02)
    # Nielsen's weight decay per step, eta * lambda / n, equals ours, eta * alpha / m
    assert 0.5 * chapter3.alpha / 10 == pytest.approx(0.5 * 5.0 / 50_000)


@pytest.mark.mnist
def test_each_reference_learns_on_a_slice(references, mnist_slice):
    # squared error on sigmoid outputs starts slowly: 4 epochs of 70 steps
    assert references.run_raschka(mnist_slice, [0], epochs=4)[0] > 0.4
    chapter1 = references.run_nielsen_chapter1(mnist_slice, [0, 1], epochs=2,
                                               n_train=10_000)
    assert chapter1.shape == (2, 2) and chapter1.min() > 0.6
    assert references.run_nielsen_chapter3(mnist_slice, [0], epochs=1,
                                           n_train=10_000)[0] > 0.8
    assert "±" in references.summary([0.9, 0.92])
