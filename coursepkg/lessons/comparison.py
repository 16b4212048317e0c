"""One network in three libraries: ``coursepkg``, scikit-learn and Keras.

The three training functions build the same dense network (ReLU hidden layers, softmax
output, cross-entropy, plain SGD, no L2 penalty) and time every epoch; their source is what
the comparison chapter (chapter 13) shows and counts. The weights move between the libraries
with :mod:`coursepkg.models.transfer`. TensorFlow is imported only by the functions that
need it.

Also here: :func:`mean_std` for accuracies over seeds and :func:`count_code_lines`. The
chapter's small problem on which a hand-engineered feature beats raw inputs is
:func:`coursepkg.data.make_tones` with :func:`coursepkg.nn.preprocessing.spectrum_features`.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import time
from typing import Any, NamedTuple

import numpy as np

__all__ = ["TrainingRun", "train_coursepkg", "train_sklearn", "train_keras", "keras_network",
           "keras_sgd_step", "mean_std", "count_code_lines"]


class TrainingRun(NamedTuple):
    """A trained model and the wall-clock seconds of each of its epochs."""

    #: The trained model (an estimator of coursepkg or scikit-learn, or a Keras model).
    model: Any
    #: list of float: Wall-clock seconds of each epoch, in order.
    epoch_seconds: list


def train_coursepkg(X, y, *, hidden=(128,), epochs=5, batch_size=128, learning_rate=0.1,
                    seed=0):
    """Train :class:`~coursepkg.models.mlp.MLPClassifier` by plain SGD, timing epochs.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32
    y : ndarray of shape (n_samples,), integer labels 0 .. n_classes - 1
    hidden : tuple of int
        Units of the hidden layers.
    epochs, batch_size, learning_rate, seed
        The shared hyper-parameters and the seed of the initial weights and shuffling.

    Returns
    -------
    TrainingRun
    """
    from coursepkg.models.mlp import MLPClassifier

    model = MLPClassifier(hidden, activation="relu", optimizer="sgd", alpha=0.0,
                          learning_rate=learning_rate, batch_size=batch_size,
                          random_state=seed)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.partial_fit(X, y, classes=np.unique(y))  # one pass over the data
        seconds.append(time.perf_counter() - start)
    return TrainingRun(model, seconds)


def train_sklearn(X, y, *, hidden=(128,), epochs=5, batch_size=128, learning_rate=0.1,
                  seed=0):
    """Train :class:`sklearn.neural_network.MLPClassifier` with plain SGD (no momentum).

    Parameters and return value as :func:`train_coursepkg`.
    """
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden, activation="relu", solver="sgd", alpha=0.0,
                          momentum=0.0, learning_rate_init=learning_rate,
                          batch_size=batch_size, random_state=seed)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.partial_fit(X, y, classes=np.unique(y))  # one pass over the data
        seconds.append(time.perf_counter() - start)
    return TrainingRun(model, seconds)


def train_keras(X, y, *, hidden=(128,), epochs=5, batch_size=128, learning_rate=0.1,
                seed=0):
    """Train a Keras ``Sequential`` network with plain SGD.

    Parameters and return value as :func:`train_coursepkg`.
    """
    import keras

    keras.utils.set_random_seed(seed)
    model = keras_network([X.shape[1], *hidden, len(np.unique(y))])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy")

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    seconds = []
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0,
              callbacks=[EpochTimer()])
    return TrainingRun(model, seconds)


def keras_network(layer_sizes, activation="relu"):
    """A Keras ``Sequential`` of dense layers: ``activation`` hidden, softmax output.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_features, n_hidden_1, ..., n_classes)``, at least 3 classes (softmax).
    activation : str
        A Keras activation name for the hidden layers.
    """
    import keras

    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer_sizes must hold at least 2 positive sizes, got {layer_sizes!r}")
    layers = [keras.Input(shape=(sizes[0],))]
    layers += [keras.layers.Dense(units, activation=activation) for units in sizes[1:-1]]
    layers.append(keras.layers.Dense(sizes[-1], activation="softmax"))
    return keras.Sequential(layers)


def keras_sgd_step(model, X, y, learning_rate):
    """One plain SGD step of a Keras softmax network on the batch ``(X, y)``.

    The loss is the mean cross-entropy of the batch (integer labels ``y``); the gradient
    comes from ``tf.GradientTape`` and the update from ``keras.optimizers.SGD``. Returns
    the loss before the step.
    """
    import keras
    import tensorflow as tf

    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(X, training=True))
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return float(loss)


def mean_std(values):
    """Mean and sample standard deviation (``ddof=1``) of repeated measurements.

    Parameters
    ----------
    values : array-like of shape (n_repeats,), at least 2 finite values

    Returns
    -------
    (float, float)
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"need a 1-D sequence of at least 2 values, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("the values must be finite")
    return float(values.mean()), float(values.std(ddof=1))


def count_code_lines(function):
    """Lines of code of ``function``: its source without the docstring, comments and blank
    lines (a comment after code on the same line keeps the line)."""
    source = textwrap.dedent(inspect.getsource(function))
    body = ast.parse(source).body[0]
    docstring = set()
    first = body.body[0] if body.body else None
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
            and isinstance(first.value.value, str):
        docstring = set(range(first.lineno, first.end_lineno + 1))
    lines = source.splitlines()
    return sum(1 for number, line in enumerate(lines, start=1)
               if number not in docstring and line.strip() and not line.strip().startswith("#"))
