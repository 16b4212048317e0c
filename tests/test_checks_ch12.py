"""The chapter 12 checks tell right from wrong, name the usual mistakes, and never raise on
a wrong answer."""

import os

os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")

import warnings  # noqa: E402

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
from scipy.special import expit, softmax  # noqa: E402

from coursepkg.course.checks import ch12, grade_question  # noqa: E402
from coursepkg.nn.gradcheck import numerical_gradient  # noqa: E402


def raises(*args):
    raise RuntimeError("student bug")


# ------------------------------------------------------------------------------ q1

def skip_model(hidden="relu", output="softmax", skip=True, input_first=True):
    keras.utils.set_random_seed(1)
    x = keras.Input(shape=(ch12.Q1_INPUTS,))
    h = keras.layers.Dense(ch12.Q1_HIDDEN, activation=hidden)(x)
    joined = keras.layers.Concatenate()([x, h] if input_first else [h, x]) if skip else h
    return keras.Model(x, keras.layers.Dense(ch12.Q1_CLASSES, activation=output)(joined))


def chain_model():
    """The same parameter count as the skip model, but no skip: 20 -> 16 -> 3 with an
    extra output unit's worth of weights elsewhere is not this network."""
    return keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(18, "relu"),
                             keras.layers.Dense(3, "softmax")])


# ------------------------------------------------------------------------------ q2

Y, P = ch12.Q2_Y, ch12.Q2_P
BCE = -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))
TERMS = Y * np.log(P) + (1 - Y) * np.log(1 - P)


# ------------------------------------------------------------------------------ q3

def bce_logit_gradient(y, z):
    return (1 / (1 + np.exp(-z)) - y) / z.size


# ------------------------------------------------------------------------------ q4

def input_gradient(model, X, y, mode=""):
    X = tf.constant(X)
    with tf.GradientTape() as tape:
        if mode != "unwatched":
            tape.watch(X)
        probabilities = model(X)
        if mode == "logits":
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                y, probabilities))
        else:
            loss = keras.losses.SparseCategoricalCrossentropy()(y, probabilities)
        if mode == "sum":
            loss = loss * len(y)
    gradient = tape.gradient(loss, X)
    return gradient if mode == "tensor" else gradient.numpy()


def input_gradient_by_differences(model, X, y):
    W1, b1, W2, b2 = (w.astype(np.float64) for w in model.get_weights())

    def loss(X):
        P = softmax(np.maximum(X @ W1 + b1, 0) @ W2 + b2, axis=1)
        return -np.mean(np.log(P[np.arange(len(y)), y]))
    return numerical_gradient(loss, X.astype(np.float64), eps=1e-6)


# ------------------------------------------------------------------------------ q6

def to_keras(mlp, hidden_activation=None, last_activation=None, biases=True):
    layers = [keras.Input(shape=(mlp.coefs_[0].shape[0],))]
    n_layers = len(mlp.coefs_)
    for i, W in enumerate(mlp.coefs_):
        if i < n_layers - 1:
            activation = hidden_activation or mlp.activation
        else:
            activation = last_activation or ("sigmoid" if W.shape[1] == 1 else "softmax")
        layers.append(keras.layers.Dense(W.shape[1], activation=activation))
    model = keras.Sequential(layers)
    model.set_weights([w if biases or w.ndim == 2 else np.zeros_like(w)
                       for pair in zip(mlp.coefs_, mlp.intercepts_) for w in pair])
    return model


# ------------------------------------------------------------------------------ q7

def fit_wine(activation="softmax", loss="sparse_categorical_crossentropy",
             metrics=("accuracy",), validation=True, one_hot=False, epochs=20,
             learning_rate=0.01):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(13,)),
                              keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation=activation)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=list(metrics))
    y, y_val = ch12.Q7_Y_TRAIN, ch12.Q7_Y_VAL
    if one_hot:
        y, y_val = np.eye(3)[y], np.eye(3)[y_val]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # Keras warns about softmax + from_logits
        return model.fit(ch12.Q7_X_TRAIN, y, epochs=epochs, batch_size=16, verbose=0,
                         validation_data=(ch12.Q7_X_VAL, y_val) if validation else None)


RIGHT_HISTORY = fit_wine()

# question -> (right answers, {description: (wrong answer, points it still earns[, mistake])})
CASES = {
    "q1": ([skip_model(), skip_model(input_first=False)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "not a model": ([20, 16, 3], 0),
        "no skip connection": (skip_model(skip=False), 0, "no_skip"),
        "no hidden ReLU": (skip_model(hidden=None), 1, "hidden_activation"),
        "sigmoid output": (skip_model(output="sigmoid"), 1, "output_activation"),
        "no output activation": (skip_model(output=None), 1, "output_activation"),
        "another network": (chain_model(), 0),
    }),
    "q2": ([BCE, float(BCE) * 1.0005, np.float32(BCE)], {
        "None": (None, 0),
        "sum instead of mean": (-TERMS.sum(), 0, "sum"),
        "log base 10": (BCE / np.log(10), 0, "log10"),
        "sign flipped": (-BCE, 0, "sign"),
        "class 1 term only": (-np.mean(Y * np.log(P)), 0, "one_term"),
        "a string": (str(BCE), 0),
    }),
    "q3": ([bce_logit_gradient, lambda y, z: (np.tanh(z / 2) / 2 + 0.5 - y) / np.size(z)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "no division by n": (lambda y, z: bce_logit_gradient(y, z) * z.size, 1, "no_n"),
        "sign flipped": (lambda y, z: -bce_logit_gradient(y, z), 0, "sign"),
        "dL/dp instead of dL/dz": (lambda y, z: bce_logit_gradient(y, z) / (
            expit(z) * (1 - expit(z))), 0, "wrt_p"),
        "divided by the rows only": (lambda y, z: bce_logit_gradient(y, z) * z.size / len(z),
                                     3, "rows_only"),
    }),
    "q4": ([input_gradient, input_gradient_by_differences], {
        "None": (None, 0),
        "raises": (raises, 0),
        "X not watched": (lambda m, X, y: input_gradient(m, X, y, "unwatched"), 0,
                          "unwatched"),
        "returns a tf.Tensor": (lambda m, X, y: input_gradient(m, X, y, "tensor"), 0,
                                "tensor"),
        "sum over samples, not mean": (lambda m, X, y: input_gradient(m, X, y, "sum"), 1,
                                       "sum"),
        "probabilities taken for logits": (
            lambda m, X, y: input_gradient(m, X, y, "logits"), 0, "from_logits"),
        "transposed": (lambda m, X, y: input_gradient(m, X, y).T, 0),
    }),
    "q5": (["d", " D "], {
        "None": (None, 0),
        "probabilities expected": ("a", 0, "probabilities"),
        "one-hot expected": ("b", 0, "one_hot"),
        "binary": ("c", 0, "binary"),
        "not a letter": (3, 0),
        "not a choice": ("e", 0),
    }),
    "q6": ([to_keras], {
        "None": (None, 0),
        "raises": (raises, 0),
        "softmax on two classes": (lambda mlp: to_keras(mlp, last_activation="softmax"), 2,
                                   "softmax_one_unit"),
        "relu everywhere": (lambda mlp: to_keras(mlp, hidden_activation="relu"), 2,
                            "hidden_activation"),
        "biases left at zero": (lambda mlp: to_keras(mlp, biases=False), 0, "no_biases"),
        "no output activation": (lambda mlp: to_keras(mlp, last_activation="linear"), 0,
                                 "no_output_activation"),
        "returns the MLP": (lambda mlp: mlp, 0),
        "returns None": (lambda mlp: None, 0),
    }),
    "q7": ([RIGHT_HISTORY,
            fit_wine(activation=None, one_hot=True,
                     loss=keras.losses.CategoricalCrossentropy(from_logits=True))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "the model, not the history": (RIGHT_HISTORY.model, 0),
        "the history dict": (RIGHT_HISTORY.history, 0),
        "sigmoid output": (fit_wine(activation="sigmoid"), 4, "sigmoid_output"),
        "softmax and from_logits": (fit_wine(
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)), 4,
            "softmax_from_logits"),
        "logits taken for probabilities": (fit_wine(activation=None), 2,
                                           "logits_as_probabilities"),
        "no validation data": (fit_wine(validation=False), 4, "no_validation"),
        "no metric": (fit_wine(metrics=()), 4, "no_accuracy"),
        "binary accuracy": (fit_wine(metrics=("binary_accuracy",), one_hot=True,
                                     loss="categorical_crossentropy"), 4,
                            "binary_accuracy"),
        "untrained": (fit_wine(epochs=0), 1),
        "barely trained": (fit_wine(epochs=2, learning_rate=1e-4), 3),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch12, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question.points for name, question in ch12.QUESTIONS.items()}
    assert points == {"q1": 3, "q2": 2, "q3": 4, "q4": 3, "q5": 1, "q6": 3, "q7": 5}


def test_numbers_are_not_revealed_and_lines_repeat():
    assert_the_number_stays_hidden(ch12.q2, BCE)
    assert_the_same_line_every_time(ch12.q6, lambda mlp: to_keras(mlp, hidden_activation="relu"))
    assert_the_same_line_every_time(ch12.q4, lambda m, X, y: input_gradient(m, X, y).T)


def test_the_references_agree_with_finite_differences_and_keras():
    rng = np.random.default_rng(0)
    y, z = rng.integers(0, 2, (3, 4)).astype(float), rng.normal(size=(3, 4))
    np.testing.assert_allclose(ch12._reference_logit_gradient(y, z),
                               ch12._finite_difference_logit_gradient(y, z), rtol=1e-6)
    assert ch12.q2(float(keras.losses.BinaryCrossentropy()(Y, P))).passed
    model = ch12._q4_model(4, 5, 3, 0)
    X, labels = rng.normal(size=(6, 4)).astype(np.float32), rng.integers(0, 3, 6)
    weights = [w.astype(np.float64) for w in model.get_weights()]
    np.testing.assert_allclose(ch12._q4_gradients(X.astype(np.float64), labels, *weights),
                               input_gradient_by_differences(model, X, labels), rtol=1e-5,
                               atol=1e-8)


def test_the_wine_split_is_fixed_and_the_held_out_samples_are_not_public():
    assert ch12.Q7_X_TRAIN.shape == (99, 13) and ch12.Q7_X_VAL.shape == (34, 13)
    assert len(ch12._Q7_Y_HELD) == 45 and "_Q7_X_HELD" not in ch12.__all__
    np.testing.assert_allclose(ch12.Q7_X_TRAIN.mean(axis=0), 0, atol=1e-5)
    assert set(ch12.Q7_Y_TRAIN) == set(ch12.Q7_Y_VAL) == set(ch12._Q7_Y_HELD) == {0, 1, 2}


def test_only_the_sparse_loss_from_logits_passes_question_5():
    assert [letter for letter in ch12.Q5_CHOICES if ch12.q5(letter).passed] == ["d"]
    assert ch12.Q5_CHOICES["d"] == "SparseCategoricalCrossentropy(from_logits=True)"


def test_failures_are_explained():
    assert "should be a Keras model" in ch12.q1([1, 2]).message
    assert "parameters is not the count of this network" in ch12.q1(chain_model()).message
    assert "RuntimeError: 'student bug'" in ch12.q6(raises).message
    assert "returned None" in ch12.q6(lambda mlp: None).message
    assert "should be the History that fit returns" in ch12.q7(RIGHT_HISTORY.model).message
    assert "held-out accuracy" in ch12.q7(fit_wine(epochs=2, learning_rate=1e-4)).message


def test_grade_question_finds_the_answers_by_name():
    assert grade_question("ch12", "q7", {"history_q7": RIGHT_HISTORY}).passed
    result = grade_question("ch12", "q4", {})
    assert result.points == 0 and "`input_gradient` is not defined" in result.message


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(0)
