"""Checks for chapter 05, logistic regression (``exercises/05_logistic_regression.ipynb``).

=====  ==================================================  ===============
name   question                                            answer graded
=====  ==================================================  ===============
q1     numerically stable ``sigmoid(z)``                   ``sigmoid``
q2     mean cross-entropy of given predictions (number)    ``answer_q2``
q3     ``gradient(X, y, w, b)`` of the mean cross-entropy  ``gradient``
q4     derived dL/dz of a squared error after a sigmoid    ``answer_q4``
q5     two gradient-descent steps by hand (array)          ``answer_q5``
q6     the line where the model predicts 0.9               ``answer_q6``
q7     why cross-entropy rather than squared error         ``answer_q7``
=====  ==================================================  ===============

The references are the book's code: :mod:`coursepkg.nn.activations`, :mod:`coursepkg.nn.losses`,
reverse-mode :mod:`coursepkg.autodiff` for gradients, :mod:`coursepkg.nn.gradcheck` finite
differences for the derived number, :class:`coursepkg.models.linear.LogisticRegression` for the
gradient-descent steps and :mod:`coursepkg.lessons.decision` for the probability line. Every random
input comes from a generator with a fixed seed.
"""

from __future__ import annotations

import numpy as np

from coursepkg.autodiff import Tensor, grad
from coursepkg.course.checks import QuestionSet, StudentError
from coursepkg.lessons.decision import probability_line
from coursepkg.models.linear import LogisticRegression
from coursepkg.nn.activations import sigmoid as reference_sigmoid
from coursepkg.nn.gradcheck import numerical_gradient
from coursepkg.nn.losses import binary_cross_entropy, mse

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7",
           "Q2_TARGETS", "Q2_PREDICTIONS", "Q4_Z", "Q4_TARGET", "Q5_X", "Q5_Y",
           "Q5_LEARNING_RATE", "Q6_COEF", "Q6_INTERCEPT", "Q6_PROBABILITY", "Q7_CHOICES"]

QUESTIONS = QuestionSet("ch05")

# ----------------------------------------------------------------------- question data

#: Question 2, targets and predicted probabilities of five samples.
Q2_TARGETS = np.array([1, 0, 1, 1, 0])
Q2_PREDICTIONS = np.array([0.9, 0.2, 0.6, 0.99, 0.7])

#: Question 4, the squared error (sigmoid(z) - y)**2 of one sample, at this z and target.
Q4_Z = -4.0
Q4_TARGET = 1.0

#: Question 5, four samples, their labels and the learning rate; start from w = 0, b = 0.
Q5_X = np.array([[1.0, 2.0], [2.0, -1.0], [-1.0, -2.0], [0.0, 1.0]])
Q5_Y = np.array([1, 1, 0, 0])
Q5_LEARNING_RATE = 0.5

#: Question 6, a fitted two-feature model and the probability of the line asked for.
Q6_COEF = np.array([1.5, -2.0])
Q6_INTERCEPT = 0.5
Q6_PROBABILITY = 0.9

#: Choices of question 7 (printed by the exercise notebook from here).
Q7_CHOICES = {
    "a": "The squared error cannot be computed for probabilities between 0 and 1.",
    "b": "With a sigmoid output, the gradient of the squared error with respect to z carries "
         "the factor sigmoid'(z), which is almost 0 when the neuron is confidently wrong; the "
         "gradient of the cross-entropy, y_hat - y, stays large exactly then.",
    "c": "The cross-entropy makes the model's output a linear function of the weights.",
    "d": "The cross-entropy is never larger than the squared error, so its gradient steps "
         "are safer.",
}
Q7_ANSWER = "b"

# ------------------------------------------------------------------------- references


def _reference_gradient(X, y, w, b):
    """Gradient of the mean binary cross-entropy of ``sigmoid(X @ w + b)``, by reverse mode.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), labels in {0, 1}
    w : ndarray of shape (n_features,)
    b : float

    Returns
    -------
    grad_w : ndarray of shape (n_features,)
    grad_b : float
    """
    n_samples, n_features = X.shape
    y = np.asarray(y, dtype=np.float64)

    def mean_cross_entropy(w, b):
        p = (Tensor(X) @ w.reshape(n_features, 1) + b).reshape(n_samples).sigmoid()
        return -(y * p.log() + (1 - y) * (1 - p).log()).mean()

    grad_w, grad_b = grad(mean_cross_entropy)(np.asarray(w, dtype=np.float64),
                                              np.array(float(b)))
    return grad_w, float(grad_b)


def _squared_error_slope(z, y):
    """d/dz of ``(sigmoid(z) - y)**2`` at ``z``, by central finite differences."""
    z = np.array([float(z)])
    return float(numerical_gradient(lambda: mse([y], reference_sigmoid(z)), z)[0])


def _gradient_descent_steps(X, y, learning_rate, steps):
    """Parameters ``(w_1, ..., w_d, b)`` after each of ``steps`` full-batch steps from zero.

    Returns
    -------
    ndarray of shape (steps, n_features + 1)
        Row ``k`` holds the parameters after step ``k + 1``, computed by
        :class:`coursepkg.models.linear.LogisticRegression` with ``epochs = k + 1``.
    """
    rows = []
    for epochs in range(1, steps + 1):
        model = LogisticRegression(learning_rate=learning_rate, epochs=epochs,
                                   shuffle=False).fit(X, y)
        rows.append(np.r_[model.coef_, model.intercept_])
    return np.array(rows)


# ---------------------------------------------------------------------------- helpers


def _strict(function):
    """``function`` with NumPy overflow and invalid operations raised as errors."""
    def strict(*args):
        with np.errstate(over="raise", invalid="raise", under="ignore"):
            return function(*args)
    return strict


def _as_float_array(check, answer, shape):
    """The reader's answer as a float64 array of ``shape``, or a failed case."""
    if answer is None or answer is Ellipsis:
        raise StudentError(f"no answer yet (`{check.answer_name}` is {answer!r}); replace the "
                           "placeholder")
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise StudentError(f"expected numbers, got {type(answer).__name__}: "
                           f"{str(error)[:60]}") from None
    if values.shape != shape:
        raise StudentError(f"expected shape {shape}, got {values.shape}")
    return values


def _pair_of_arrays(check, result, n_features):
    """Split the reader's ``(grad_w, grad_b)`` into an array of shape (n_features,) and a
    0-d array."""
    if result is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise StudentError(f"expected a pair (grad_w, grad_b), got {type(result).__name__}")
    grad_w, grad_b = result
    if not isinstance(grad_w, np.ndarray):
        raise StudentError(f"grad_w should be a NumPy array, got {type(grad_w).__name__}")
    if np.shape(grad_b) not in ((), (1,)):
        raise StudentError(f"grad_b should be one number, got shape {np.shape(grad_b)}")
    try:
        grad_b = np.asarray(grad_b, dtype=np.float64).reshape(())
    except (TypeError, ValueError):
        raise StudentError(f"grad_b should be a number, got {type(grad_b).__name__}") from None
    return grad_w, grad_b


# -------------------------------------------------------------------------- questions


@QUESTIONS.question(
    "q1", points=4, title="stable sigmoid", answer_name="sigmoid",
    hints=("1 / (1 + exp(-z)) overflows for very negative z and exp(z) / (1 + exp(z)) for very "
         "positive z; compute e = exp(-|z|), which is at most 1, and use 1 / (1 + e) where "
         "z >= 0 and e / (1 + e) where z < 0; keep the dtype of z",))
def q1(check, sigmoid):
    """``sigmoid(z)`` is right, keeps shape and float32, and never overflows at |z| = 1e4."""
    rng = np.random.default_rng(51)
    cases = [("7 values in [-6, 6]", rng.uniform(-6, 6, size=7), False),
             ("2-D array (3, 4) keeps its shape", rng.normal(scale=3, size=(3, 4)), False),
             ("z = -1e4, -800, 0, 800, 1e4 (float64), no overflow",
              np.array([-1e4, -800.0, 0.0, 800.0, 1e4]), True),
             ("z = -1e4, -50, 50, 1e4 in float32, no overflow, float32 kept",
              np.array([-1e4, -50.0, 50.0, 1e4], dtype=np.float32), True)]
    for label, z, strict in cases:
        with check.case(label):
            function = _strict(sigmoid) if strict and callable(sigmoid) else sigmoid
            got = check.call(function, z)
            check.same_array(got, reference_sigmoid(z), check_dtype=True, rtol=1e-6,
                             atol=1e-12 if z.dtype == np.float64 else 1e-7)


@QUESTIONS.question(
    "q2", points=2, title="cross-entropy of given predictions", answer_name="answer_q2",
    hints=("the loss of one sample is -log(y_hat) when y = 1 and -log(1 - y_hat) when y = 0 "
         "(natural logarithm); average over the five samples",))
def q2(check, answer_q2):
    """The mean binary cross-entropy of ``Q2_PREDICTIONS`` against ``Q2_TARGETS`` (1 %)."""
    with check.case("5 predictions", weight=2):
        check.same_number(answer_q2, binary_cross_entropy(Q2_TARGETS, Q2_PREDICTIONS),
                          rtol=0.01)


@QUESTIONS.question(
    "q3", points=4, title="gradient of the mean cross-entropy", answer_name="gradient",
    hints=("with p = sigmoid(X @ w + b), grad_w = X.T @ (p - y) / n_samples, shape "
         "(n_features,), and grad_b = mean(p - y); return them as a pair (grad_w, grad_b)",))
def q3(check, gradient):
    """``gradient(X, y, w, b)`` returns ``(X.T (p - y) / n, mean(p - y))``."""
    rng = np.random.default_rng(53)
    cases = []
    for label, n_samples, n_features, scale, labels in [
            ("6 samples, 3 features", 6, 3, 1.0, None),
            ("1 sample, 2 features", 1, 2, 1.0, None),
            ("every label 0", 5, 4, 1.0, 0),
            ("200 samples, large scores |z| up to about 15", 200, 5, 4.0, None)]:
        X = rng.normal(size=(n_samples, n_features))
        y = (rng.integers(0, 2, size=n_samples) if labels is None
             else np.full(n_samples, labels))
        w = rng.normal(scale=scale, size=n_features)
        b = float(rng.normal())
        cases.append((label, X, y, w, b))
    for label, X, y, w, b in cases:
        with check.case(label):
            grad_w, grad_b = _pair_of_arrays(check, check.call(gradient, X, y, w, b),
                                             X.shape[1])
            expected_w, expected_b = _reference_gradient(X, y, w, b)
            check.same_array(grad_w, expected_w)
            check.same_array(grad_b, np.array(expected_b))


@QUESTIONS.question(
    "q4", points=2, title="squared error after a sigmoid: dL/dz", answer_name="answer_q4",
    hints=("chain rule: dL/dz = dL/dy_hat * dy_hat/dz, with the sigmoid's derivative from the "
         "chapter; y_hat - y is negative here, so is the slope",))
def q4(check, answer_q4):
    """dL/dz of ``L = (sigmoid(z) - y)**2`` at ``Q4_Z``, ``Q4_TARGET`` (1 %)."""
    with check.case(f"z = {Q4_Z:g}, y = {Q4_TARGET:g}", weight=2):
        check.same_number(answer_q4, _squared_error_slope(Q4_Z, Q4_TARGET), rtol=0.01)


@QUESTIONS.question(
    "q5", points=3, title="two gradient-descent steps", answer_name="answer_q5",
    hints=("from w = 0, b = 0 every prediction is 0.5; one step is w <- w - lr * X.T (p - y) / n "
         "and b <- b - lr * mean(p - y), with p recomputed before the second step; each row "
         "is (w_1, w_2, b)",))
def q5(check, answer_q5):
    """The parameters ``(w_1, w_2, b)`` after step 1 (row 0) and step 2 (row 1)."""
    expected = _gradient_descent_steps(Q5_X, Q5_Y, Q5_LEARNING_RATE, steps=2)
    for step, points in ((1, 1), (2, 2)):
        with check.case(f"after step {step}", weight=points):
            values = _as_float_array(check, answer_q5, expected.shape)
            check.same_array(values[step - 1], expected[step - 1], rtol=1e-3, atol=1e-4)


@QUESTIONS.question(
    "q6", points=2, title="the line of probability 0.9", answer_name="answer_q6",
    hints=("sigmoid(z) = p exactly where z = log(p / (1 - p)); solve w1 x1 + w2 x2 + b = "
         "log(p / (1 - p)) for x2 and read off (slope, offset)",))
def q6(check, answer_q6):
    """``(slope, offset)`` of the line ``x2 = slope x1 + offset`` where P(y = 1) = 0.9."""
    expected = probability_line(Q6_COEF, Q6_INTERCEPT, Q6_PROBABILITY)
    for index, name in enumerate(("slope", "offset")):
        with check.case(name):
            values = _as_float_array(check, answer_q6, (2,))
            check.same_number(values[index], expected[index], rtol=0.01)


@QUESTIONS.question(
    "q7", points=1, title="why cross-entropy", answer_name="answer_q7",
    hints=("compare dL/dz of both losses for a sample with y = 1 and z = -10: which one "
         "still moves the weights?",))
def q7(check, answer_q7):
    """Multiple choice: why a sigmoid neuron is trained with the cross-entropy."""
    with check.case("multiple choice"):
        check.same_choice(answer_q7, Q7_ANSWER, choices="".join(Q7_CHOICES))
