"""Checks for chapter 12, TensorFlow and Keras (``exercises/12_keras.ipynb``).

=====  ================================================  ======================
name   question                                          answer graded
=====  ================================================  ======================
q1     a Sequential model of a given architecture        ``model_q1``
q2     binary cross-entropy by hand                      ``answer_q2``
q3     derived gradient of the sigmoid cross-entropy     ``bce_logit_gradient``
q4     a gradient with ``tf.GradientTape``               ``tape_gradient``
q5     the loss for integer labels (choice)              ``answer_q5``
q6     copying a ``coursepkg`` MLP into Keras            ``to_keras``
=====  ================================================  ======================

The references are the book's package: :mod:`coursepkg.nn.losses`, :mod:`coursepkg.nn.gradcheck`
(finite differences), :mod:`coursepkg.autodiff` and :mod:`coursepkg.models.mlp`. Keras is imported
by the checks that need it, so the module itself imports without TensorFlow. Every check
draws its random inputs from a generator with a fixed seed, so it prints the same line every
time it sees the same answer.
"""

from __future__ import annotations

import os

from coursepkg.course.chapters import TENSORFLOW_QUIET_ENV

for _name, _value in TENSORFLOW_QUIET_ENV.items():
    os.environ.setdefault(_name, _value)  # quiet TensorFlow if the notebook has not yet

import numpy as np  # noqa: E402

from coursepkg.autodiff import Tensor, grad, softmax_cross_entropy  # noqa: E402
from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer  # noqa: E402
from coursepkg.models.mlp import MLPClassifier  # noqa: E402
from coursepkg.nn.activations import sigmoid  # noqa: E402
from coursepkg.nn.feedforward import count_parameters  # noqa: E402
from coursepkg.nn.gradcheck import numerical_gradient  # noqa: E402
from coursepkg.nn.losses import binary_cross_entropy  # noqa: E402

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q1_INPUTS", "Q1_LAYERS",
           "Q2_Y", "Q2_P", "Q5_CHOICES"]

QUESTIONS = QuestionSet("ch12")

#: Question 1: the input width, then (units, activation) of every Dense layer.
Q1_INPUTS = 20
Q1_LAYERS = ((16, "relu"), (8, "relu"), (3, "softmax"))

#: Question 2: labels and predicted probabilities of the class 1.
Q2_Y = np.array([1, 0, 1, 1, 0])
Q2_P = np.array([0.9, 0.2, 0.6, 0.99, 0.45])

#: Question 5: the losses to choose from for integer labels 0..9 and a softmax output.
Q5_CHOICES = {
    "a": "keras.losses.BinaryCrossentropy()",
    "b": "keras.losses.CategoricalCrossentropy()",
    "c": "keras.losses.SparseCategoricalCrossentropy()",
    "d": "keras.losses.MeanSquaredError()",
}


# ------------------------------------------------------------------------------ references

def _reference_logit_gradient(y, z):
    """``dL/dz`` of ``L = binary_cross_entropy(y, sigmoid(z))``: ``(sigmoid(z) - y) / z.size``."""
    z = np.asarray(z, dtype=float)
    return (sigmoid(z) - y) / z.size


def _finite_difference_logit_gradient(y, z):
    """The same gradient by central differences of ``binary_cross_entropy(y, sigmoid(z))``."""
    z = np.array(z, dtype=float)
    return numerical_gradient(lambda: binary_cross_entropy(y, sigmoid(z)), z)


def _reference_tape_gradient(X, y, W):
    """``dL/dW`` of the mean softmax cross-entropy of ``X @ W`` (labels ``y``), by our autodiff."""
    return grad(lambda W: softmax_cross_entropy(Tensor(X) @ W, y), argnums=0)(np.asarray(W, float))


# ------------------------------------------------------------------------------ questions

def _dense_layers(check, model):
    """The Dense layers of the reader's model, or a failed case that says what is wrong."""
    missing = missing_answer(model, check.answer_name)
    if missing:
        raise StudentError(missing)
    import keras

    if not isinstance(model, keras.Model):
        raise StudentError(f"`{check.answer_name}` should be a Keras model, got "
                           f"{describe(model)}")
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


@QUESTIONS.question(
    "q1", points=3, title="a Sequential model", answer_name="model_q1",
    hints=("keras.Sequential([keras.Input(shape=(n_inputs,)), keras.layers.Dense(units, "
         "activation=...), ...]): one Dense layer per entry of Q1_LAYERS, with the activation "
         "given inside Dense",))
def q1(check, model_q1):
    """``model_q1`` has the Dense widths, activations and parameter count of ``Q1_LAYERS``."""
    widths = [units for units, _ in Q1_LAYERS]
    activations = [name for _, name in Q1_LAYERS]
    with check.case("Dense layer widths"):
        dense = _dense_layers(check, model_q1)
        got = [layer.units for layer in dense]
        if got != widths:
            raise StudentError(f"expected Dense widths {widths}, got {got}")
    with check.case("activations"):
        got = [getattr(layer.activation, "__name__", "?") for layer in
               _dense_layers(check, model_q1)]
        got = ["identity" if name == "linear" else name for name in got]
        if got != activations:
            raise StudentError(f"expected activations {activations}, got {got}")
    with check.case(f"{Q1_INPUTS} inputs, parameter count"):
        _dense_layers(check, model_q1)
        expected = count_parameters((Q1_INPUTS, *widths))
        got = check.call(model_q1.count_params)
        if got != expected:
            raise StudentError(f"expected {expected} parameters, got {got} (is the input "
                               f"width {Q1_INPUTS}?)")


@QUESTIONS.question(
    "q2", points=2, title="binary cross-entropy by hand", answer_name="answer_q2",
    hints=("for each sample, minus the natural log of the probability given to its TRUE label "
         "(p if y = 1, 1 - p if y = 0); then the mean over the samples, not the sum",))
def q2(check, answer_q2):
    """The binary cross-entropy of ``Q2_P`` against ``Q2_Y`` (0.1 %)."""
    with check.case(f"{len(Q2_Y)} predictions", weight=2):
        check.same_number(answer_q2, binary_cross_entropy(Q2_Y, Q2_P), rtol=1e-3)


@QUESTIONS.question(
    "q3", points=4, title="gradient of the sigmoid cross-entropy", answer_name="bce_logit_gradient",
    hints=("with p = sigmoid(z), dL/dp = (p - y) / (p (1 - p) n) and dp/dz = p (1 - p): the "
         "product simplifies; n is the number of entries averaged (z.size)",))
def q3(check, bce_logit_gradient):
    """``bce_logit_gradient(y, z)`` equals the finite-difference gradient of the loss."""
    rng = np.random.default_rng(3)
    moderate = [("6 samples", (rng.integers(0, 2, 6).astype(float), rng.normal(size=6))),
                ("1 sample", (np.array([1.0]), np.array([-0.7]))),
                ("4 samples x 2 outputs", (rng.integers(0, 2, (4, 2)).astype(float),
                                           rng.normal(size=(4, 2))))]
    for label, (y, z) in moderate:
        with check.case(label):
            check.same_array(check.call(bce_logit_gradient, y, z),
                             _finite_difference_logit_gradient(y, z), rtol=1e-5, atol=1e-8)
    # Finite differences are useless where the loss is clipped; the derived formula is not.
    y, z = np.array([1.0, 0.0, 0.0]), np.array([40.0, -40.0, 40.0])
    with check.case("confident logits +-40"):
        check.same_array(check.call(bce_logit_gradient, y, z), _reference_logit_gradient(y, z),
                         rtol=1e-6, atol=1e-9)


@QUESTIONS.question(
    "q4", points=3, title="a gradient with tf.GradientTape", answer_name="tape_gradient",
    hints=("make W a tf.Variable, compute the mean cross-entropy of the logits X @ W inside "
         "the tape's with-block (a Keras sparse loss with from_logits=True, or tf.nn), ask the "
         "tape for the gradient with respect to W and convert it with .numpy()",))
def q4(check, tape_gradient):
    """``tape_gradient(X, y, W)`` equals our reverse-mode gradient of the softmax loss."""
    rng = np.random.default_rng(4)
    cases = [("5 samples, 4 features, 3 classes",
              (rng.normal(size=(5, 4)), rng.integers(0, 3, 5), rng.normal(size=(4, 3)))),
             ("1 sample", (rng.normal(size=(1, 3)), np.array([1]), rng.normal(size=(3, 2)))),
             ("float32 inputs, 10 classes",
              (rng.normal(size=(8, 6)).astype(np.float32), rng.integers(0, 10, 8),
               rng.normal(size=(6, 10)).astype(np.float32)))]
    for label, (X, y, W) in cases:
        with check.case(label):
            check.same_array(check.call(tape_gradient, X, y, W),
                             _reference_tape_gradient(X, y, W).astype(W.dtype))


@QUESTIONS.question(
    "q5", points=1, title="the loss for integer labels", answer_name="answer_q5",
    hints=("labels such as 3 or 7, one integer per sample, are not one-hot rows; one of the "
         "cross-entropies one-hot encodes them for you",))
def q5(check, answer_q5):
    """Multiple choice: the Keras loss for integer labels and a softmax output."""
    with check.case("multiple choice"):
        check.same_choice(answer_q5, "c", choices="".join(Q5_CHOICES))


def keras_outputs(model, X):
    """``model(X)`` of a Keras model, as a NumPy array."""
    return np.asarray(model(X))


def _fitted_mlp(hidden, activation, n_classes, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 5)).astype(np.float32)
    y = np.arange(40) % n_classes
    mlp = MLPClassifier(hidden, activation=activation, epochs=3, batch_size=20,
                        random_state=seed).fit(X, y)
    return mlp, X


@QUESTIONS.question(
    "q6", points=3, title="copying a coursepkg MLP into Keras", answer_name="to_keras",
    hints=("one Dense layer per entry of mlp.coefs_, with units coefs_[l].shape[1], the hidden "
         "activation mlp.activation, and sigmoid (one output) or softmax on the last layer; "
         "then model.set_weights([W0, b0, W1, b1, ...])",))
def q6(check, to_keras):
    """``to_keras(mlp)`` returns a Keras model whose outputs equal the MLP's."""
    cases = [("5-8-3, relu", ((8,), "relu", 3, 60)),
             ("5-6-4-4, tanh", ((6, 4), "tanh", 4, 61)),
             ("5-7-1, two classes (sigmoid output)", ((7,), "relu", 2, 62))]
    for label, (hidden, activation, n_classes, seed) in cases:
        with check.case(label):
            mlp, X = _fitted_mlp(hidden, activation, n_classes, seed)
            model = check.call(to_keras, mlp)
            if model is None:
                raise StudentError("returned None (is the function finished?)")
            got = check.run(keras_outputs, model, X)
            check.same_array(got, mlp.forward(X).a[-1], rtol=1e-4, atol=1e-6)
