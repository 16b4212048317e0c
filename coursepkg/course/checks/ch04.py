"""Checks for chapter 04, the perceptron and Adaline (``exercises/04_perceptron.ipynb``).

=====  ==============================================  ======================
name   question                                        answer graded
=====  ==============================================  ======================
q1     three steps of the perceptron rule by hand      ``answer_q1``
q2     weights and bias of a NAND perceptron           ``nand_unit``
q3     one epoch of the perceptron rule                ``perceptron_epoch``
q4     Novikoff's mistake bound for a data set         ``answer_q4``
q5     the gradient of Adaline's cost                  ``adaline_gradient``
q6     why the perceptron never learns XOR (choice)    ``answer_q6``
=====  ==============================================  ======================

The references are the book's own code: :class:`coursepkg.models.linear.Perceptron` for the
perceptron rule, :mod:`coursepkg.lessons.threshold_logic` for the NAND unit, :mod:`coursepkg.lessons.margins`
for the bound and finite differences (:func:`coursepkg.nn.gradcheck.numerical_gradient`) of
Adaline's cost. Every random input comes from a generator with a fixed seed.
"""

from __future__ import annotations

import numpy as np

from coursepkg.course.checks import QuestionSet, StudentError, missing_answer
from coursepkg.data import logic_gate
from coursepkg.lessons.margins import (
    add_bias_feature,
    max_margin_direction,
    perceptron_mistake_bound,
)
from coursepkg.lessons.threshold_logic import threshold_unit
from coursepkg.models.linear import Perceptron
from coursepkg.nn import losses
from coursepkg.nn.gradcheck import numerical_gradient

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q1_DATA", "Q4_DATA",
           "Q6_CHOICES", "separable_data"]

QUESTIONS = QuestionSet("ch04")

# ------------------------------------------------------------------------------- data

#: Question 1, samples (rows), labels (1 is the positive class, t = +1) and learning rate.
Q1_DATA = {"X": np.array([[1.0, 2.0], [2.0, -1.0], [3.0, 1.0]]),
           "y": np.array([1, 0, 1]),
           "learning_rate": 0.5}

#: Question 4, a small separable data set and a separator u = (w_1, w_2, b) for it.
Q4_DATA = {"X": np.array([[1.0, 3.0], [2.0, 2.5], [3.0, 4.0],
                          [2.0, 0.5], [3.5, 1.0], [4.0, 2.0]]),
           "y": np.array([1, 1, 1, 0, 0, 0]),
           "u": np.array([-1.0, 1.0, 0.0])}


def separable_data(rng, n_samples, n_features, gap=0.1):
    """Random samples in [-1, 1]^d, labelled 0/1 by a random hyperplane, none within ``gap``.

    Returns ``X`` (n_kept, n_features) and ``y`` (n_kept,); both classes always occur.
    """
    while True:
        X = rng.uniform(-1, 1, size=(n_samples, n_features))
        w, b = rng.normal(size=n_features), 0.3 * rng.normal()
        distance = (X @ w + b) / np.linalg.norm(w)
        keep = np.abs(distance) > gap
        y = (distance[keep] > 0).astype(int)
        if 0 < y.sum() < len(y):
            return X[keep], y


def _adaline_cost(X, t, w, b):
    """Adaline's cost ``J(w, b) = 1/(2n) sum_i (x_i . w + b - t_i)^2`` (a float)."""
    return 0.5 * losses.mse(t, X @ w + b)


# --------------------------------------------------------------------------- helpers


def _numbers(check, got, shape, what):
    """``got`` (an array, list or tuple of real numbers) as a float array of ``shape``."""
    missing = missing_answer(got, what)
    if missing:
        raise StudentError(missing)
    if isinstance(got, (str, bytes, dict)):
        raise StudentError(f"{what} should hold numbers, got {type(got).__name__}")
    try:
        array = np.asarray(got)
    except Exception as error:  # a ragged list, an object with a broken __array__
        raise StudentError(f"{what} is not an array of numbers: {error}") from None
    if array.dtype.kind not in "biuf":
        raise StudentError(f"{what} should hold real numbers, got dtype {array.dtype}")
    if shape == () and array.size == 1:
        array = array.reshape(())
    if array.shape != shape:
        raise StudentError(f"{what}: expected shape {shape}, got {array.shape}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise StudentError(f"{what} contains NaN or infinite values")
    return array


def _pair(check, got, what, shapes, returned=True):
    """Unpack a ``(first, second)`` pair: a function's result, or a value (``returned=False``)."""
    missing = None if returned else missing_answer(got, what)
    if missing:
        raise StudentError(missing)
    if got is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        verb = "should return" if returned else "should be"
        raise StudentError(f"{what} {verb} a pair ({', '.join(shapes)}), got "
                           f"{type(got).__name__}")
    return got


def _weights_and_bias(check, got, n_features, what, returned=True):
    w, b = _pair(check, got, what, ("w", "b"), returned)
    return (_numbers(check, w, (n_features,), "w"), _numbers(check, b, (), "b"))


# ------------------------------------------------------------------------- questions


@QUESTIONS.question(
    "q1", points=2, title="the perceptron rule by hand", answer_name="answer_q1",
    hints=("visit the samples in order; predict +1 when w.x + b >= 0 (so z = 0 predicts +1); "
         "only on a mistake add learning_rate * t * x to w and learning_rate * t to b",))
def q1(check, answer_q1):
    """``answer_q1`` holds ``(w_1, w_2, b)`` after one pass over ``Q1_DATA`` from zero."""
    model = Perceptron(learning_rate=Q1_DATA["learning_rate"], epochs=1)
    model.fit(Q1_DATA["X"], Q1_DATA["y"])
    expected = np.r_[model.coef_, model.intercept_]
    with check.case("(w_1, w_2, b) after the 3 samples", weight=2):
        check.same_array(_numbers(check, answer_q1, (3,), "answer_q1"), expected)


@QUESTIONS.question(
    "q2", points=2, title="a NAND perceptron", answer_name="nand_unit",
    hints=("the net input w1 a + w2 b + bias must be >= 0 for (0, 0), (0, 1), (1, 0) and < 0 "
         "for (1, 1): start with a positive bias and negative weights",))
def q2(check, nand_unit):
    """``nand_unit = (weights, bias)``: ``step(x . weights + bias)`` is NAND on all 4 inputs."""
    X, expected = logic_gate("NAND")
    for x, output in zip(X, expected):
        with check.case(f"input {tuple(int(v) for v in x)}", weight=0.5):
            weights, bias = _weights_and_bias(check, nand_unit, 2, "nand_unit",
                                              returned=False)
            got = threshold_unit(weights, float(bias))(x)
            check.same_array(np.asarray(got, dtype=float), np.asarray(output, dtype=float))


def _run_epochs(check, perceptron_epoch, X, t, learning_rate, epochs):
    """Apply the reader's ``perceptron_epoch`` ``epochs`` times, starting from zeros."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        result = check.call(perceptron_epoch, X, t, w, b, learning_rate)
        w, b = _weights_and_bias(check, result, X.shape[1], "perceptron_epoch")
        b = float(b)
    return w, b


@QUESTIONS.question(
    "q3", points=4, title="one epoch of the perceptron rule", answer_name="perceptron_epoch",
    hints=("loop over the samples in order; the prediction is +1 when x_i . w + b >= 0, "
         "else -1; only when it differs from t_i add learning_rate * t_i * x_i to w and "
         "learning_rate * t_i to b, and return (w, b)",))
def q3(check, perceptron_epoch):
    """``perceptron_epoch(X, t, w, b, learning_rate)`` returns ``(w, b)`` after one pass.

    Several epochs chained from zero must give the weights of
    :class:`coursepkg.models.linear.Perceptron` trained for as many epochs without shuffling.
    """
    rng = np.random.default_rng(4)
    boundary_X = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5], [0.5, -1.0]])
    cases = [("20 samples, 2 features, 1 epoch", *separable_data(rng, 20, 2), 1.0, 1),
             ("30 samples, 4 features, rate 0.1, 3 epochs", *separable_data(rng, 30, 4), 0.1, 3),
             ("net input exactly 0 (predicts +1), 2 epochs", boundary_X, np.array([0, 1, 1, 0]),
              1.0, 2),
             ("2 samples, 1 feature, 5 epochs", np.array([[2.0], [-1.0]]), np.array([1, 0]),
              0.5, 5)]
    for label, X, y, learning_rate, epochs in cases:
        with check.case(label):
            model = Perceptron(learning_rate=learning_rate, epochs=epochs).fit(X, y)
            w, b = _run_epochs(check, perceptron_epoch, X, 2.0 * y - 1.0, learning_rate,
                               epochs)
            check.same_array(np.r_[w, b], np.r_[model.coef_, model.intercept_])


@QUESTIONS.question(
    "q4", points=2, title="Novikoff's mistake bound", answer_name="answer_q4",
    hints=("append a 1 to every sample; R is the largest norm of these vectors, gamma the "
         "smallest t_i (x_i, 1) . u over ||u||, and the bound is (R / gamma) ** 2",))
def q4(check, answer_q4):
    """``answer_q4`` is ``(R / gamma)^2`` for ``Q4_DATA`` and its separator ``u`` (1 %)."""
    expected = perceptron_mistake_bound(Q4_DATA["X"], Q4_DATA["y"], u=Q4_DATA["u"])
    with check.case("the data set and separator u of question 4", weight=2):
        check.same_number(answer_q4, expected, rtol=0.01)


def _numerical_adaline_gradient(X, t, w, b):
    w, wb = w.copy(), np.array([b], dtype=float)
    grad_w = numerical_gradient(lambda: _adaline_cost(X, t, w, wb[0]), w)
    grad_b = numerical_gradient(lambda: _adaline_cost(X, t, w, wb[0]), wb)
    return grad_w, grad_b[0]


@QUESTIONS.question(
    "q5", points=3, title="the gradient of Adaline's cost", answer_name="adaline_gradient",
    hints=("with the residuals r = X @ w + b - t of shape (n,), dJ/dw = X.T @ r / n "
         "(shape (n_features,)) and dJ/db = mean(r)",))
def q5(check, adaline_gradient):
    """``adaline_gradient(X, t, w, b)`` returns ``(dJ/dw, dJ/db)``; finite differences check it."""
    rng = np.random.default_rng(5)
    cases = []
    for label, n_samples, n_features, scale in [("8 samples, 3 features", 8, 3, 1.0),
                                                ("1 sample, 2 features", 1, 2, 1.0),
                                                ("50 samples, 5 features, large x", 50, 5, 100.0)]:
        X = scale * rng.normal(size=(n_samples, n_features))
        t = rng.choice([-1.0, 1.0], size=n_samples)
        cases.append((label, X, t, rng.normal(size=n_features), float(rng.normal())))
    for label, X, t, w, b in cases:
        with check.case(label):
            expected_w, expected_b = _numerical_adaline_gradient(X, t, w, b)
            got = check.call(adaline_gradient, X, t, w, b)
            grad_w, grad_b = _pair(check, got, "adaline_gradient", ("dJ/dw", "dJ/db"))
            grad_w = _numbers(check, grad_w, (X.shape[1],), "dJ/dw")
            grad_b = _numbers(check, grad_b, (), "dJ/db")
            scale = np.abs(np.r_[expected_w, expected_b]).max()
            check.same_array(np.r_[grad_w, grad_b], np.r_[expected_w, expected_b],
                             rtol=1e-5, atol=1e-7 * scale)


#: Choices of question 6 (printed by the exercise notebook from here).
Q6_CHOICES = {
    "a": "The learning rate is too large: with a small enough one the mistakes reach 0.",
    "b": "No line separates the two classes, so every (w, b) misclassifies at least one of "
         "the four inputs, and every epoch makes at least one update.",
    "c": "It needs more epochs: Novikoff's theorem bounds the mistakes by (R / gamma)^2 on "
         "any data set.",
    "d": "Zero initial weights are the problem: random initial weights would converge.",
}
_Q6_ANSWER = "b"


@QUESTIONS.question(
    "q6", points=1, title="the perceptron and XOR", answer_name="answer_q6",
    hints=("draw the four inputs of XOR and try to separate the 1s from the 0s with one line; "
         "Novikoff's theorem needs a separator with margin gamma > 0",))
def q6(check, answer_q6):
    """Multiple choice: why the perceptron's mistakes per epoch never reach 0 on XOR."""
    X, y = logic_gate("XOR")
    try:                     # the premise of the right choice: nothing separates XOR
        max_margin_direction(add_bias_feature(X), y)
    except ValueError:
        pass
    else:
        raise AssertionError("question 6 assumes that XOR is not linearly separable")
    with check.case("multiple choice"):
        check.same_choice(answer_q6, _Q6_ANSWER, choices="".join(Q6_CHOICES))
