"""Checks for chapter 04, the perceptron and Adaline (``exercises/04_perceptron.ipynb``).

=====  ==============================================  ======================
name   question                                        answer graded
=====  ==============================================  ======================
q1     three steps of the perceptron rule by hand      ``answer_q1``
q2     weights and bias of a NAND perceptron           ``nand_unit``
q3     one epoch of the margin perceptron (new)        ``margin_epoch``
q4     Novikoff's mistake bound for a data set         ``answer_q4``
q5     gradient of ridge Adaline's cost (derivation)   ``ridge_gradient``
q6     why the perceptron never learns XOR (choice)    ``answer_q6``
q7     largest stable rate of ridge Adaline (number)   ``answer_q7``
=====  ==============================================  ======================

The references are the book's own code where the chapter has it:
:class:`coursepkg.models.linear.Perceptron` for the perceptron rule,
:mod:`coursepkg.lessons.threshold_logic` for the NAND unit, :mod:`coursepkg.lessons.margins`
for the bound, finite differences (:func:`coursepkg.nn.gradcheck.numerical_gradient`) of
ridge Adaline's cost, and short private references for the margin perceptron and the Hessian
of ridge Adaline, which the chapter does not show. Each question also computes the answers of
its declared mistakes and names the one a wrong answer matches. Every random input comes from
a generator with a fixed seed.
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
from coursepkg.lessons.threshold_logic import threshold_gate
from coursepkg.models.linear import Perceptron
from coursepkg.nn import losses
from coursepkg.nn.gradcheck import numerical_gradient

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "Q1_DATA", "Q4_DATA",
           "Q6_CHOICES", "Q7_DATA", "separable_data"]

QUESTIONS = QuestionSet("ch04")

# ------------------------------------------------------------------------------- data

#: Question 1, samples (rows), labels (1 is the positive class, t = +1) and learning rate.
Q1_DATA = {"X": np.array([[1.0, 2.0], [2.0, -1.0], [3.0, 1.0]]),
           "y": np.array([1, 0, 0]),
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


#: Question 7, the samples and the penalty lambda of ridge Adaline.
Q7_DATA = {"X": np.array([[1.0, -0.5], [-0.5, -0.5], [-0.5, -1.5], [0.0, -0.5],
                          [-1.0, 0.5]]),
           "lam": 1.0}


def _ridge_cost(X, t, w, b, lam):
    """``J(w, b) = 1/(2n) sum_i (x_i . w + b - t_i)^2 + lam/2 ||w||^2`` (a float)."""
    return 0.5 * losses.mse(t, X @ w + b) + 0.5 * lam * float(w @ w)


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


def _q1_variant(strict=False, bias=True):
    """Question 1's pass from zero; ``strict``: z = 0 predicts -1; ``bias=False``: b frozen."""
    X, t, rate = Q1_DATA["X"], 2.0 * Q1_DATA["y"] - 1.0, Q1_DATA["learning_rate"]
    w, b = np.zeros(2), 0.0
    for x_i, t_i in zip(X, t):
        z = x_i @ w + b
        if (1.0 if (z > 0 if strict else z >= 0) else -1.0) != t_i:
            w = w + rate * t_i * x_i
            b = b + rate * t_i * bias
    return np.r_[w, b]


@QUESTIONS.question(
    "q1", points=2, title="the perceptron rule by hand", answer_name="answer_q1",
    hints=("go through the three samples one at a time and write z = x . w + b for each "
           "before you decide whether anything changes",
           "at the very first sample z is exactly 0: read the statement again to see which "
           "class that predicts; on a mistake both w and the bias move, by the rate times "
           "the target"),
    mistakes={"strict": "a net input of exactly 0 predicts +1, not -1 (the rule uses >= 0)",
              "bias": "the bias is updated on a mistake too, like a weight on a constant 1"},
    kinds=("number",))
def q1(check, answer_q1):
    """``answer_q1`` holds ``(w_1, w_2, b)`` after one pass over ``Q1_DATA`` from zero."""
    model = Perceptron(learning_rate=Q1_DATA["learning_rate"], epochs=1)
    model.fit(Q1_DATA["X"], Q1_DATA["y"])
    expected = np.r_[model.coef_, model.intercept_]
    with check.case("(w_1, w_2, b) after the 3 samples", weight=2):
        check.same_array(_numbers(check, answer_q1, (3,), "answer_q1"), expected,
                         mistakes={"strict": _q1_variant(strict=True),
                                   "bias": _q1_variant(bias=False)})


@QUESTIONS.question(
    "q2", points=2, title="a NAND perceptron", answer_name="nand_unit",
    hints=("write the four inequalities, one per input pair, that the net input must meet",
           "the input (0, 0) leaves only the bias, so its sign is fixed; the input (1, 1) "
           "then tells you how negative the two weights together must be"),
    mistakes={"and": "this unit computes AND: NAND is its negation, so every sign must flip",
              "or": "this unit computes OR, which differs from NAND on (0, 0) and (1, 1)"},
    kinds=("number",))
def q2(check, nand_unit):
    """``nand_unit = (weights, bias)``: ``step(x . weights + bias)`` is NAND on all 4 inputs."""
    X, expected = logic_gate("NAND")
    for x, output in zip(X, expected):
        with check.case(f"input {tuple(int(v) for v in x)}", weight=0.5):
            weights, bias = _weights_and_bias(check, nand_unit, 2, "nand_unit",
                                              returned=False)
            outputs = np.array([threshold_gate(weights, float(bias))(v) for v in X], float)
            for gate in ("and", "or"):
                if np.array_equal(outputs, np.asarray(logic_gate(gate.upper())[1], float)):
                    raise check.mistake(gate)
            got = threshold_gate(weights, float(bias))(x)
            check.same_array(np.asarray(got, dtype=float), np.asarray(output, dtype=float))


def _margin_epoch(X, t, w, b, rate, margin, variant=None):
    """One pass of the margin perceptron; ``variant`` names a declared mistake."""
    if variant == "batch":
        wrong = t * (X @ w + b) <= margin
        return w + rate * t[wrong] @ X[wrong], b + rate * t[wrong].sum()
    for x_i, t_i in zip(X, t):
        score = t_i * (x_i @ w + b)
        if variant == "strict":
            wrong = score < margin
        elif variant == "no_margin":
            wrong = (1.0 if x_i @ w + b >= 0 else -1.0) != t_i
        else:
            wrong = score <= margin
        if wrong:
            sign = -1.0 if variant == "sign" else 1.0
            w = w + sign * rate * t_i * x_i
            b = b + sign * rate * t_i * (variant != "bias")
    return w, b


def _margin_epochs(X, t, rate, margin, epochs, variant=None):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        w, b = _margin_epoch(X, t, w, b, rate, margin, variant)
    return np.r_[w, b]


_Q3_MISTAKES = ("strict", "no_margin", "batch", "sign", "bias")


@QUESTIONS.question(
    "q3", points=4, title="one epoch of the margin perceptron", answer_name="margin_epoch",
    hints=("start from the perceptron rule of question 1 and change only the test that "
           "decides whether a sample triggers an update",
           "compute the score t_i (x_i . w + b) with the weights as they are when the "
           "sample is visited (they change inside the loop); a score equal to the margin "
           "counts as too small"),
    mistakes={"strict": "a score exactly equal to the margin must trigger an update too "
                        "(the test is <=, not <)",
              "no_margin": "this is the plain perceptron rule: a correct prediction with a "
                           "score below the margin must update too",
              "batch": "the updates are applied one sample at a time, each with the weights "
                       "left by the previous sample, not summed over the epoch",
              "sign": "the update moves w away from t_i x_i: its sign is flipped",
              "bias": "the bias must be updated too, like a weight on a constant 1"},
    kinds=("new situation", "code"))
def q3(check, margin_epoch):
    """``margin_epoch(X, t, w, b, learning_rate, margin)`` returns ``(w, b)`` after one pass.

    Several epochs chained from zero must give the reference's weights.
    """
    rng = np.random.default_rng(4)
    cases = [("20 samples, 2 features, margin 1, 1 epoch", *separable_data(rng, 20, 2),
              1.0, 1.0, 1),
             ("30 samples, 4 features, rate 0.1, margin 0.5, 3 epochs",
              *separable_data(rng, 30, 4), 0.1, 0.5, 3),
             ("a score equal to the margin, 2 epochs",
              np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]]),
              np.array([1, 0, 1, 1]), 1.0, 1.0, 2)]
    for label, X, y, rate, margin, epochs in cases:
        with check.case(label):
            t = 2.0 * y - 1.0
            w, b = np.zeros(X.shape[1]), 0.0
            for _ in range(epochs):
                result = check.call(margin_epoch, X, t, w, b, rate, margin)
                w, b = _weights_and_bias(check, result, X.shape[1], "margin_epoch")
                b = float(b)
            expected = _margin_epochs(X, t, rate, margin, epochs)
            wrong = {key: _margin_epochs(X, t, rate, margin, epochs, key)
                     for key in _Q3_MISTAKES}
            # A slip that gives the right weights, or the same as another slip, on this
            # case is not named here.
            named = {k: v for k, v in wrong.items() if not np.allclose(v, expected)
                     and not any(np.allclose(v, o) for j, o in wrong.items() if j != k)}
            check.same_array(np.r_[w, b], expected, mistakes=named)


def _q4_variants():
    X, y, u = Q4_DATA["X"], Q4_DATA["y"], Q4_DATA["u"]
    X1, t = add_bias_feature(X), 2.0 * y - 1.0
    R, R0 = np.linalg.norm(X1, axis=1).max(), np.linalg.norm(X, axis=1).max()
    gamma = np.min(t * (X1 @ u)) / np.linalg.norm(u)
    return {"no_one": (R0 / gamma) ** 2, "not_squared": R / gamma,
            "unnormalised": (R / (gamma * np.linalg.norm(u))) ** 2}


@QUESTIONS.question(
    "q4", points=2, title="Novikoff's mistake bound", answer_name="answer_q4",
    hints=("compute R and gamma separately and print them before combining them",
           "both R and gamma are measured on the samples with the constant feature "
           "appended, and gamma is a distance, so u enters through its direction only"),
    mistakes={"no_one": "R must be measured on the samples with the constant 1 appended",
              "not_squared": "the bound is the square of R over gamma",
              "unnormalised": "gamma is a distance: divide the scores by the norm of u"},
    kinds=("number",))
def q4(check, answer_q4):
    """``answer_q4`` is ``(R / gamma)^2`` for ``Q4_DATA`` and its separator ``u`` (1 %)."""
    expected = perceptron_mistake_bound(Q4_DATA["X"], Q4_DATA["y"], u=Q4_DATA["u"])
    with check.case("the data set and separator u of question 4", weight=2):
        check.same_number(answer_q4, expected, rtol=0.01, mistakes=_q4_variants())


def _numerical_ridge_gradient(X, t, w, b, lam):
    w, wb = w.copy(), np.array([b], dtype=float)
    grad_w = numerical_gradient(lambda: _ridge_cost(X, t, w, wb[0], lam), w)
    grad_b = numerical_gradient(lambda: _ridge_cost(X, t, w, wb[0], lam), wb)
    return grad_w, grad_b[0]


def _ridge_variants(X, t, w, b, lam):
    """``{mistake: (dJ/dw, dJ/db)}`` of the usual slips."""
    n = len(X)
    r, r0 = X @ w + b - t, X @ w - t
    return {"sign": (-(X.T @ r / n + lam * w), -r.mean()),
            "missing_n": (X.T @ r + lam * w, r.sum()),
            "half": (2 * X.T @ r / n + 2 * lam * w, 2 * r.mean()),
            "bias_forgotten": (X.T @ r0 / n + lam * w, r0.mean()),
            "no_reg": (X.T @ r / n, r.mean()),
            "bias_penalised": (X.T @ r / n + lam * w, r.mean() + lam * b)}


@QUESTIONS.question(
    "q5", points=4, title="the gradient of ridge Adaline's cost", answer_name="ridge_gradient",
    hints=("differentiate the two terms of J separately and add the results; the penalty "
           "does not contain b",
           "write the residuals r_i = x_i . w + b - t_i first; the chain rule turns the "
           "square of r_i into r_i times the derivative of r_i, and the factors 1/2 cancel "
           "the 2 that the squares bring down"),
    mistakes={"sign": "the gradient points uphill: its sign is flipped",
              "missing_n": "the data term of J is an average: the 1/n is missing",
              "half": "the 1/2 in front of each term cancels the 2 of the square: a factor "
                      "2 is left over",
              "bias_forgotten": "the residuals must include the bias b",
              "no_reg": "the penalty (lambda/2) ||w||^2 contributes to dJ/dw too",
              "bias_penalised": "the penalty does not contain b: dJ/db has no lambda term"},
    kinds=("derivation", "new situation"))
def q5(check, ridge_gradient):
    """``ridge_gradient(X, t, w, b, lam)`` returns ``(dJ/dw, dJ/db)``; finite differences
    check it, the derivative with respect to w and to b as separate cases."""
    rng = np.random.default_rng(5)
    for label, n_samples, n_features, lam in [("8 samples, 3 features", 8, 3, 0.5),
                                              ("20 samples, 2 features", 20, 2, 2.0),
                                              ("5 samples, 4 features", 5, 4, 0.1)]:
        X = rng.normal(size=(n_samples, n_features))
        t = rng.choice([-1.0, 1.0], size=n_samples)
        w, b = rng.normal(size=n_features), 1.0 + abs(float(rng.normal()))
        expected_w, expected_b = _numerical_ridge_gradient(X, t, w, b, lam)
        variants = _ridge_variants(X, t, w, b, lam)
        got = None
        with check.case(f"{label}: dJ/dw"):
            got = check.call(ridge_gradient, X, t, w, b, lam)
            grad_w, _ = _pair(check, got, "ridge_gradient", ("dJ/dw", "dJ/db"))
            check.same_array(_numbers(check, grad_w, (n_features,), "dJ/dw"), expected_w,
                             rtol=1e-5, atol=1e-7,
                             mistakes={k: v[0] for k, v in variants.items()
                                       if not np.allclose(v[0], expected_w)})
        with check.case(f"{label}: dJ/db"):
            if got is None:
                got = check.call(ridge_gradient, X, t, w, b, lam)
            _, grad_b = _pair(check, got, "ridge_gradient", ("dJ/dw", "dJ/db"))
            check.same_array(_numbers(check, grad_b, (), "dJ/db"), expected_b,
                             rtol=1e-5, atol=1e-7,
                             mistakes={k: v[1] for k, v in variants.items()
                                       if not np.isclose(v[1], expected_b)})


#: Choices of question 6 (printed by the exercise notebook from here).
Q6_CHOICES = {
    "a": "Its steps are too big: with a small enough learning rate the errors per epoch "
         "would fall to zero.",
    "b": "No straight line has (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the "
         "other side.",
    "c": "It has not run long enough: the mistake bound (R/gamma)^2 is finite, so the "
         "updates must end.",
    "d": "It starts from zero weights: a random starting point would reach a separating "
         "line in the end.",
}
_Q6_ANSWER = "b"


@QUESTIONS.question(
    "q6", points=1, title="the perceptron and XOR", answer_name="answer_q6",
    hints=("draw the four inputs of XOR in the plane and mark which ones have output 1",
           "a perceptron's decision boundary is the set where x . w + b = 0; ask what "
           "shape that set has, and whether any learning rate or start changes it"),
    mistakes={"rate": "the learning rate only scales the weights of a perceptron started "
                      "from zero: it cannot make XOR learnable",
              "bound": "Novikoff's bound holds only for data that some line separates "
                       "with a positive margin",
              "start": "no starting point helps when no weights at all classify the four "
                       "inputs correctly"},
    kinds=("choice",))
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
        check.same_choice(answer_q6, _Q6_ANSWER, choices="".join(Q6_CHOICES),
                          mistakes={"a": "rate", "c": "bound", "d": "start"})


def _q7_rates():
    """``{name: 2 / lambda_max}`` of the right Hessian and of the usual slips."""
    X, lam = Q7_DATA["X"], Q7_DATA["lam"]
    X1, n = add_bias_feature(X), len(X)
    penalty = lam * np.diag(np.r_[np.ones(X.shape[1]), 0.0])
    top = {"right": X1.T @ X1 / n + penalty,
           "no_reg": X1.T @ X1 / n,
           "bias_penalised": X1.T @ X1 / n + lam * np.eye(X1.shape[1]),
           "missing_n": X1.T @ X1 + penalty,
           "no_bias_column": X.T @ X / n + lam * np.eye(X.shape[1])}
    rates = {k: 2.0 / np.linalg.eigvalsh(H).max() for k, H in top.items()}
    rates["factor_2"] = rates["right"] / 2
    return rates


@QUESTIONS.question(
    "q7", points=2, title="the largest stable rate of ridge Adaline", answer_name="answer_q7",
    hints=("the chapter's argument only needs the Hessian of J: find the Hessian of the "
           "ridge cost of question 5, with the bias as the last coordinate",
           "differentiate your gradient of question 5 once more: the penalty adds lambda on "
           "the diagonal, but not on the bias's entry; then apply the chapter's bound"),
    mistakes={"no_reg": "the penalty changes the Hessian: add its second derivative",
              "bias_penalised": "the penalty does not contain b: the bias's diagonal entry "
                                "gets no lambda",
              "missing_n": "the Hessian of an average carries the 1/n",
              "no_bias_column": "the Hessian is over (w, b): include the constant feature",
              "factor_2": "the error is multiplied by 1 - eta lambda: it shrinks for eta "
                          "up to 2 / lambda_max, not 1 / lambda_max"},
    kinds=("derivation", "new situation", "number"))
def q7(check, answer_q7):
    """``answer_q7`` is the largest stable rate ``2 / lambda_max(H)`` for ``Q7_DATA`` (1 %)."""
    rates = _q7_rates()
    expected = rates.pop("right")
    with check.case("the data set and lambda of question 7", weight=2):
        check.same_number(answer_q7, expected, rtol=0.01, mistakes=rates)
