"""The chapter 12 checks tell right from wrong, and never raise on a wrong answer."""

import os

os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from optional_tools import TENSORFLOW_REASON  # noqa: E402

tf = pytest.importorskip("tensorflow", reason=TENSORFLOW_REASON)
keras = pytest.importorskip("keras", reason=TENSORFLOW_REASON)

from check_harness import (  # noqa: E402
    assert_the_number_stays_hidden,
    assert_the_same_line_every_time,
    shared_tests,
)

from coursepkg.course.checks import ch12  # noqa: E402


def raises(*args):
    raise RuntimeError("student bug")


def sequential(n_inputs, layers):
    return keras.Sequential([keras.Input(shape=(n_inputs,))]
                            + [keras.layers.Dense(units, activation=activation)
                               for units, activation in layers])


def right_model():
    return sequential(ch12.Q1_INPUTS, ch12.Q1_LAYERS)


def bce(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_logit_gradient(y, z):
    return (1 / (1 + np.exp(-z)) - y) / z.size


def tape_gradient(X, y, W):
    W = tf.Variable(W)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, X @ W)
    return tape.gradient(loss, W).numpy()


def tape_gradient_by_hand(X, y, W):
    Z = X @ W
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1
    return X.T @ P / len(X)


def to_keras(mlp, hidden_activation=None, last_activation=None):
    layers = [keras.Input(shape=(mlp.coefs_[0].shape[0],))]
    n_layers = len(mlp.coefs_)
    for i, W in enumerate(mlp.coefs_):
        if i < n_layers - 1:
            activation = hidden_activation or mlp.activation
        else:
            activation = last_activation or ("sigmoid" if W.shape[1] == 1 else "softmax")
        layers.append(keras.layers.Dense(W.shape[1], activation=activation))
    model = keras.Sequential(layers)
    model.set_weights([w for pair in zip(mlp.coefs_, mlp.intercepts_) for w in pair])
    return model


def to_keras_without_biases(mlp):
    model = to_keras(mlp)
    model.set_weights([w if w.ndim == 2 else np.zeros_like(w) for w in model.get_weights()])
    return model


Y, P = ch12.Q2_Y, ch12.Q2_P
BCE = bce(Y, P)

# question -> (right answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([right_model(), keras.Sequential([keras.Input(shape=(20,)),
                                             keras.layers.Dense(16, "relu"),
                                             keras.layers.Dense(8, "relu"),
                                             keras.layers.Dense(3, "softmax")])], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "not a model": ([16, 8, 3], 0),
        "wrong input width": (sequential(10, ch12.Q1_LAYERS), 2),
        "sigmoid output": (sequential(20, ch12.Q1_LAYERS[:-1] + ((3, "sigmoid"),)), 2),
        "no activations": (sequential(20, [(u, None) for u, _ in ch12.Q1_LAYERS]), 2),
        "a hidden layer missing": (sequential(20, ch12.Q1_LAYERS[1:]), 0),
    }),
    "q2": ([BCE, float(BCE) * 1.0005, np.float32(BCE)], {
        "None": (None, 0),
        "sum instead of mean": (BCE * len(Y), 0),
        "log base 10": (BCE / np.log(10), 0),
        "sign flipped": (-BCE, 0),
        "a string": (str(BCE), 0),
    }),
    "q3": ([bce_logit_gradient, lambda y, z: (np.tanh(z / 2) / 2 + 0.5 - y) / np.size(z)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "no division by n": (lambda y, z: bce_logit_gradient(y, z) * z.size, 1),
        "sign flipped": (lambda y, z: -bce_logit_gradient(y, z), 0),
        "dL/dp instead of dL/dz": (lambda y, z: bce_logit_gradient(y, z) / (
            (1 / (1 + np.exp(-z))) * (1 - 1 / (1 + np.exp(-z)))), 0),
        "divided by the rows only": (lambda y, z: bce_logit_gradient(y, z) * z.size / len(z), 3),
    }),
    "q4": ([tape_gradient, tape_gradient_by_hand], {
        "None": (None, 0),
        "raises": (raises, 0),
        "returns a tf.Tensor": (lambda X, y, W: tf.constant(tape_gradient(X, y, W)), 0),
        "sum over samples, not mean": (lambda X, y, W: tape_gradient(X, y, W) * len(X), 1),
        "transposed": (lambda X, y, W: tape_gradient(X, y, W).T, 0),
    }),
    "q5": (["c", " C "], {
        "None": (None, 0),
        "categorical": ("b", 0),
        "binary": ("a", 0),
        "not a letter": (3, 0),
    }),
    "q6": ([to_keras], {
        "None": (None, 0),
        "raises": (raises, 0),
        "softmax on two classes": (lambda mlp: to_keras(mlp, last_activation="softmax"), 2),
        "relu everywhere": (lambda mlp: to_keras(mlp, hidden_activation="relu"), 2),
        "biases left at zero": (to_keras_without_biases, 0),
        "returns the MLP": (lambda mlp: mlp, 0),
        "returns None": (lambda mlp: None, 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch12, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question(CASES[name][0][0]).max_points
              for name, question in ch12.QUESTIONS.items()}
    assert points == {"q1": 3, "q2": 2, "q3": 4, "q4": 3, "q5": 1, "q6": 3}


def test_numbers_are_not_revealed_and_lines_repeat():
    assert_the_number_stays_hidden(ch12.q2, BCE)
    assert_the_same_line_every_time(ch12.q6, lambda mlp: to_keras(mlp, hidden_activation="relu"))


def test_the_references_agree_with_finite_differences_and_keras():
    rng = np.random.default_rng(0)
    y, z = rng.integers(0, 2, (3, 4)).astype(float), rng.normal(size=(3, 4))
    np.testing.assert_allclose(ch12._reference_logit_gradient(y, z),
                               ch12._finite_difference_logit_gradient(y, z), rtol=1e-6)
    X, labels, W = rng.normal(size=(7, 3)), rng.integers(0, 4, 7), rng.normal(size=(3, 4))
    np.testing.assert_allclose(ch12._reference_tape_gradient(X, labels, W),
                               tape_gradient(X, labels, W), rtol=1e-5)  # Keras losses use float32
    assert ch12.q2(float(keras.losses.BinaryCrossentropy()(Y, P))).passed


def test_only_the_sparse_loss_passes_question_5():
    assert [letter for letter in ch12.Q5_CHOICES if ch12.q5(letter).passed] == ["c"]
    assert "Sparse" in ch12.Q5_CHOICES["c"]


def test_failures_are_explained():
    assert "expected a NumPy array" in ch12.q4(
        lambda X, y, W: tf.constant(tape_gradient(X, y, W))).message
    assert "should be a Keras model" in ch12.q1([1, 2]).message
    assert "expected Dense widths [16, 8, 3], got [8, 3]" in ch12.q1(
        sequential(20, ch12.Q1_LAYERS[1:])).message
    assert "RuntimeError: 'student bug'" in ch12.q6(raises).message
    assert "returned None" in ch12.q6(lambda mlp: None).message


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(0)
