"""Checks for chapter 05, logistic regression (``exercises/05_logistic_regression.ipynb``).

=====  ====================================================  ===============  ===========
name   question                                              answer graded    kinds
=====  ====================================================  ===============  ===========
q1     numerically stable ``sigmoid(z)``                     ``sigmoid``      code
q2     mean cross-entropy of given predictions (number)      ``answer_q2``    number
q3     gradient of the cross-entropy with labels -1 and +1   ``gradient_pm``  derivation,
                                                                              new situation
q4     derived dL/dz of a squared error after a sigmoid      ``answer_q4``    derivation
q5     two gradient-descent steps by hand (array)            ``answer_q5``    number
q6     the line where the model predicts 0.9                 ``answer_q6``    number
q7     why a confident mistake stalls the squared error      ``answer_q7``    choice
q8     area under the ROC curve from scores                  ``roc_auc``      new situation
=====  ====================================================  ===============  ===========

The references are the book's code: :mod:`coursepkg.nn.activations`, :mod:`coursepkg.nn.losses`,
reverse-mode :mod:`coursepkg.autodiff` for the gradient of question 3,
:mod:`coursepkg.nn.gradcheck` finite differences for the derived number of question 4,
:class:`coursepkg.models.linear.LogisticRegression` for the gradient-descent steps,
:mod:`coursepkg.lessons.decision` for the probability line, and the rank-sum (Mann-Whitney)
form of the AUC, with ties counted half, for question 8 (the tests compare it with
scikit-learn's ``roc_auc_score``). Every random input comes from a generator with a fixed
seed. Each question declares the usual mistakes it recognises; their candidate answers are
computed here, from the same inputs.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.stats import rankdata

from coursepkg.autodiff import Tensor, grad
from coursepkg.course.checks import QuestionSet, StudentError, missing_answer
from coursepkg.lessons.decision import probability_line
from coursepkg.models.linear import LogisticRegression
from coursepkg.nn.activations import sigmoid as reference_sigmoid
from coursepkg.nn.gradcheck import numerical_gradient
from coursepkg.nn.losses import binary_cross_entropy, mse

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8",
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

#: Choices of question 7 (printed by the exercise notebook from here). A sample of class 1
#: sits at z = -8; why does the squared error barely move the weights?
Q7_CHOICES = {
    "a": "Its slope in z keeps the factor sigma'(-8), about 0.0003, whereas the "
         "cross-entropy's slope there is y_hat - 1, close to -1.",
    "b": "The squared error of a probability never exceeds 1, so its gradient is capped "
         "at 1 and cannot grow with the size of the mistake.",
    "c": "The squared error is not convex in y_hat, so at z = -8 gradient descent sits in "
         "a local minimum of the loss of this sample.",
    "d": "Its value, below 1, is far smaller than the cross-entropy's value of about 8, "
         "and a smaller loss gives a smaller gradient step.",
}
_Q7_ANSWER = "a"

# ------------------------------------------------------------------------- references


def _reference_gradient_pm(X, t, w, b):
    """Gradient of ``mean(log(1 + exp(-t * (X @ w + b))))`` for labels ``t`` in {-1, +1},
    by reverse-mode autodiff (``log(1 + e^-m) = -log(sigmoid(m))``).

    Returns
    -------
    grad_w : ndarray of shape (n_features,)
    grad_b : float
    """
    n_samples, n_features = X.shape
    t = np.asarray(t, dtype=np.float64)

    def mean_loss(w, b):
        z = (Tensor(X) @ w.reshape(n_features, 1) + b).reshape(n_samples)
        return -((z * t).sigmoid().log()).mean()

    grad_w, grad_b = grad(mean_loss)(np.asarray(w, dtype=np.float64), np.array(float(b)))
    return grad_w, float(grad_b)


def _gradient_pm_variant(X, t, w, b, variant):
    """The gradient of question 3 as a usual mistake computes it (closed forms)."""
    z = X @ w + (0.0 if variant == "bias" else b)
    slope = {"zero_one": reference_sigmoid(z) - t,           # the 0/1 formula with t for y
             "exponent": -t * reference_sigmoid(t * z),      # sigma(t z) for sigma(-t z)
             }.get(variant, -t * reference_sigmoid(-t * z))
    scale = 1.0 if variant == "mean" else 1.0 / len(X)
    sign = -1.0 if variant == "sign" else 1.0
    return sign * X.T @ slope * scale, sign * slope.sum() * scale


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


def _steps_variant(X, y, learning_rate, steps, variant):
    """The steps of question 5 as a usual mistake takes them."""
    w, b, rows, first = np.zeros(X.shape[1]), 0.0, [], None
    for _ in range(steps):
        error = reference_sigmoid(X @ w + b) - y
        if variant == "stale":                       # the first step's error, reused
            first = error if first is None else first
            error = first
        scale = 1.0 if variant == "no_mean" else 1.0 / len(X)
        sign = -1.0 if variant == "ascent" else 1.0
        w = w - sign * learning_rate * X.T @ error * scale
        if variant != "bias":
            b = b - sign * learning_rate * error.sum() * scale
        rows.append([*w, b])
    return np.array(rows)


def _reference_auc(y, scores):
    """Area under the ROC curve: the fraction of (positive, negative) pairs in which the
    positive scores higher, ties counted half (the rank-sum form, average ranks for ties).
    """
    y = np.asarray(y) == 1
    ranks = rankdata(scores)                          # 1-based, ties get their mean rank
    n_pos, n_neg = y.sum(), (~y).sum()
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _auc_strict(y, scores):
    """AUC with ties counted as losses (``>`` instead of half)."""
    y = np.asarray(y) == 1
    pos, neg = scores[y], scores[~y]
    return float((pos[:, None] > neg[None, :]).mean())


# ---------------------------------------------------------------------------- helpers


def _strict_call(function, *args):
    """``function(*args)`` with NumPy overflow and invalid operations raised as errors; a
    module-level function, so that :meth:`Check.run` runs it where the answer lives."""
    with np.errstate(over="raise", invalid="raise", under="ignore"):
        return function(*args)


def _as_float_array(check, answer, shape, transposed_mistake=None):
    """The reader's answer as a float64 array of ``shape``, or a failed case; an answer of
    the transposed shape is the mistake ``transposed_mistake`` when one is given."""
    missing = missing_answer(answer, check.answer_name)
    if missing:
        raise StudentError(missing)
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise StudentError(f"expected numbers, got {type(answer).__name__}: "
                           f"{str(error)[:60]}") from None
    if transposed_mistake and values.shape == shape[::-1] and shape[0] != shape[-1]:
        raise check.mistake(transposed_mistake)
    if values.shape != shape:
        raise StudentError(f"expected shape {shape}, got {values.shape}")
    return values


def _same_number(check, got, expected, rtol, candidates):
    """``check.same_number`` with several candidate values per mistake: ``candidates`` is a
    list of ``(key, value)``; a wrong number close to a value names its mistake."""
    try:
        check.same_number(got, expected, rtol=rtol)
    except StudentError:
        if isinstance(got, np.ndarray) and got.ndim == 0:
            got = got[()]
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real):
            raise
        value = float(got)
        for key, candidate in candidates:
            if np.isclose(value, candidate, rtol=rtol, atol=0):
                raise check.mistake(key) from None
        raise


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
    if grad_w.shape in ((1, n_features), (n_features, 1)) and n_features > 1:
        raise check.mistake("shape")
    if np.shape(grad_b) not in ((), (1,)):
        raise StudentError(f"grad_b should be one number, got shape {np.shape(grad_b)}")
    try:
        grad_b = np.asarray(grad_b, dtype=np.float64).reshape(())
    except (TypeError, ValueError):
        raise StudentError(f"grad_b should be a number, got {type(grad_b).__name__}") from None
    return grad_w, grad_b


# -------------------------------------------------------------------------- question 1


@QUESTIONS.question(
    "q1", points=4, title="stable sigmoid", answer_name="sigmoid", kinds=("code",),
    hints=("Which of exp(-z) and exp(z) overflows, and for which sign of z? A formula that "
           "is safe for z >= 0 may not be safe for z < 0; you may use two formulas and "
           "choose per element.",
           "Exponentiate only -|z|, which is never positive, so the exponential lies in "
           "(0, 1]. Rewrite 1 / (1 + exp(-z)) for z < 0 by multiplying numerator and "
           "denominator by exp(z); select per element with np.where; keep the dtype of z "
           "(a Python float literal does not change a float32 array's dtype)."),
    mistakes={
        "overflow": "an exponential overflowed (NumPy raised FloatingPointError): the "
                    "formula exponentiates a large positive number for some sign of z",
        "dtype": "the values are right but a float32 input came back in another dtype",
        "shape": "the values are right but the array lost the shape of z",
        "sign": "this is sigma(-z), the probability of class 0: the sign of z is flipped",
        "tanh": "this is tanh(z), which maps onto (-1, 1), not the logistic sigmoid",
    },
)
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
            if strict:
                missing = missing_answer(sigmoid, check.answer_name)
                if missing:
                    raise StudentError(missing)
                try:
                    got = check.run(_strict_call, sigmoid, z)
                except StudentError as failure:
                    if "FloatingPointError" in str(failure):
                        raise check.mistake("overflow") from None
                    raise
            else:
                got = check.call(sigmoid, z)
            expected = reference_sigmoid(z)
            tolerance = dict(rtol=1e-6, atol=1e-12 if z.dtype == np.float64 else 1e-7)
            check.same_array(got, expected, **tolerance,
                             mistakes={"shape": expected.ravel(),
                                       "sign": reference_sigmoid(-z), "tanh": np.tanh(z)})
            if got.dtype != expected.dtype:
                raise check.mistake("dtype")


# -------------------------------------------------------------------------- question 2


def _q2_variants():
    y, p = Q2_TARGETS, Q2_PREDICTIONS
    right = binary_cross_entropy(y, p)
    return [("sum", len(y) * right), ("log10", right / np.log(10)), ("sign", -right),
            ("swapped", binary_cross_entropy(1 - y, p)),
            ("one_term", float(-np.mean(y * np.log(p))))]


@QUESTIONS.question(
    "q2", points=2, title="cross-entropy of given predictions", answer_name="answer_q2",
    kinds=("number",),
    hints=("Each sample contributes the negative log of the probability the model gave to "
           "its own label; J is the average of these five numbers.",
           "For a label 1 that probability is y_hat, for a label 0 it is 1 - y_hat. Use the "
           "natural logarithm (np.log), divide by the number of samples, and check that "
           "J is positive."),
    mistakes={
        "sum": "this is the sum over the samples: the factor 1/n of the mean is missing",
        "log10": "this uses the base-10 logarithm; the cross-entropy uses the natural one",
        "sign": "the sign is flipped: a cross-entropy is never negative",
        "swapped": "the two terms are swapped: each label is scored with the probability "
                   "of the other class",
        "one_term": "only the y log(y_hat) term is counted: the samples of class 0 "
                    "contribute nothing",
    },
)
def q2(check, answer_q2):
    """The mean binary cross-entropy of ``Q2_PREDICTIONS`` against ``Q2_TARGETS`` (1 %)."""
    with check.case("5 predictions", weight=2):
        _same_number(check, answer_q2, binary_cross_entropy(Q2_TARGETS, Q2_PREDICTIONS),
                     0.01, _q2_variants())


# -------------------------------------------------------------------------- question 3


def _q3_cases():
    rng = np.random.default_rng(53)
    cases = []
    for label, n_samples, n_features, scale, labels in [
            ("6 samples, 3 features", 6, 3, 1.0, None),
            ("1 sample, 2 features, t = -1", 1, 2, 1.0, -1),
            ("every label -1", 5, 4, 1.0, -1),
            ("200 samples, large scores |z| up to about 15", 200, 5, 4.0, None)]:
        X = rng.normal(size=(n_samples, n_features))
        t = (2 * rng.integers(0, 2, size=n_samples) - 1 if labels is None
             else np.full(n_samples, labels))
        w = rng.normal(scale=scale, size=n_features)
        b = float(rng.normal())
        cases.append((label, X, t, w, b))
    return cases


_Q3_VARIANTS = ("zero_one", "exponent", "bias", "mean", "sign")


@QUESTIONS.question(
    "q3", points=4, title="gradient with labels -1 and +1", answer_name="gradient_pm",
    kinds=("derivation", "new situation"),
    hints=("Call m = t z the margin. Differentiate the loss of one sample with respect to m "
           "first, then chain: dm/dz = t, dz/dw = x, dz/db = 1. The mean over the samples "
           "is vectorised exactly as in the chapter.",
           "d/dm log(1 + e^(-m)) = -e^(-m) / (1 + e^(-m)); divide numerator and denominator "
           "by e^(-m) and compare with the chapter's symmetry 1 - sigma(m) = sigma(-m). "
           "Your dL/dz is then one number per sample; check its sign on a sample with t = +1 "
           "and a very negative z (the loss falls as z grows)."),
    mistakes={
        "zero_one": "this is the chapter's gradient for labels 0 and 1 with t put in place "
                    "of y: with t in {-1, +1} the loss and its derivative are different",
        "exponent": "the sign inside the sigmoid is wrong: the derivative of log(1 + e^(-m)) "
                    "is not -sigma(m)",
        "bias": "the bias b is missing from the net input z",
        "mean": "this is the gradient of the summed loss: the factor 1/n of the mean is "
                "missing",
        "sign": "the sign is flipped: this gradient points uphill",
        "shape": "grad_w must have the shape of w, (n_features,), not a row or column matrix",
    },
)
def q3(check, gradient_pm):
    """``gradient_pm(X, t, w, b)`` returns the gradient of ``mean(log(1 + exp(-t z)))``."""
    for label, X, t, w, b in _q3_cases():
        with check.case(label):
            grad_w, grad_b = _pair_of_arrays(check, check.call(gradient_pm, X, t, w, b),
                                             X.shape[1])
            expected_w, expected_b = _reference_gradient_pm(X, t, w, b)
            variants = {key: _gradient_pm_variant(X, t, w, b, key) for key in _Q3_VARIANTS}
            check.same_array(grad_w, expected_w,
                             mistakes={key: v[0] for key, v in variants.items()})
            check.same_array(grad_b, np.array(expected_b),
                             mistakes={key: np.array(v[1]) for key, v in variants.items()})


# -------------------------------------------------------------------------- question 4


def _q4_variants():
    p, y = float(reference_sigmoid(Q4_Z)), Q4_TARGET
    return [("cross_entropy", p - y), ("no_slope", 2 * (p - y)),
            ("half", (p - y) * p * (1 - p)), ("sign", -2 * (p - y) * p * (1 - p))]


@QUESTIONS.question(
    "q4", points=2, title="squared error after a sigmoid: dL/dz", answer_name="answer_q4",
    kinds=("derivation", "number"),
    hints=("The graph is z -> y_hat = sigma(z) -> L = (y_hat - y)^2: two edges, so dL/dz is "
           "a product of two local derivatives.",
           "The outer derivative is that of a square (do not drop its factor 2); the inner "
           "one is the sigmoid's derivative, which the chapter writes with y_hat alone. "
           "Here y_hat < y, so the slope is negative."),
    mistakes={
        "cross_entropy": "this is the cross-entropy's dL/dz, y_hat - y, not the squared "
                         "error's",
        "no_slope": "this is dL/dy_hat only: the chain rule's factor dy_hat/dz is missing",
        "half": "the factor 2 from differentiating the square is missing (that is the "
                "derivative of (y_hat - y)^2 / 2)",
        "sign": "the sign is flipped: raising z brings y_hat closer to y = 1, so L falls",
    },
)
def q4(check, answer_q4):
    """dL/dz of ``L = (sigmoid(z) - y)**2`` at ``Q4_Z``, ``Q4_TARGET`` (1 %)."""
    with check.case(f"z = {Q4_Z:g}, y = {Q4_TARGET:g}", weight=2):
        _same_number(check, answer_q4, _squared_error_slope(Q4_Z, Q4_TARGET), 0.01,
                     _q4_variants())


# -------------------------------------------------------------------------- question 5

_Q5_VARIANTS = ("ascent", "stale", "no_mean", "bias")


@QUESTIONS.question(
    "q5", points=3, title="two gradient-descent steps", answer_name="answer_q5",
    kinds=("number",),
    hints=("At w = 0, b = 0 every score is 0, so every prediction is 0.5. Compute the "
           "errors y_hat - y, then the mean gradient, then the step; the second step "
           "starts from the new parameters.",
           "The second step needs new predictions: recompute y_hat from w and b after "
           "step 1 before taking the gradient again. Descent subtracts the learning rate "
           "times the gradient; the bias has its own gradient, the mean error. Each row "
           "of the answer is (w_1, w_2, b)."),
    mistakes={
        "ascent": "the parameters moved along the gradient (ascent): descent subtracts it",
        "stale": "the second step reuses the errors of the first: the predictions were not "
                 "recomputed with the parameters after step 1",
        "no_mean": "the gradient is summed over the samples: the factor 1/n of the mean is "
                   "missing",
        "bias": "the bias was never updated: it has a gradient of its own",
        "transposed": "the array is transposed: one row per step, columns (w_1, w_2, b)",
    },
)
def q5(check, answer_q5):
    """The parameters ``(w_1, w_2, b)`` after step 1 (row 0) and step 2 (row 1)."""
    expected = _gradient_descent_steps(Q5_X, Q5_Y, Q5_LEARNING_RATE, steps=2)
    variants = {key: _steps_variant(Q5_X, Q5_Y, Q5_LEARNING_RATE, 2, key)
                for key in _Q5_VARIANTS}
    for step, points in ((1, 1), (2, 2)):
        with check.case(f"after step {step}", weight=points):
            values = _as_float_array(check, answer_q5, expected.shape, "transposed")
            check.same_array(values[step - 1], expected[step - 1], rtol=1e-3, atol=1e-4,
                             mistakes={key: v[step - 1] for key, v in variants.items()})


# -------------------------------------------------------------------------- question 6


def _q6_offsets():
    w1, w2 = Q6_COEF
    log_odds = np.log(Q6_PROBABILITY / (1 - Q6_PROBABILITY))
    return [("boundary", -Q6_INTERCEPT / w2), ("odds", (-log_odds - Q6_INTERCEPT) / w2),
            ("probability", (Q6_PROBABILITY - Q6_INTERCEPT) / w2),
            ("bias_sign", (log_odds + Q6_INTERCEPT) / w2)]


@QUESTIONS.question(
    "q6", points=2, title="the line of probability 0.9", answer_name="answer_q6",
    kinds=("number",),
    hints=("The sigmoid is increasing, so P(y = 1) = 0.9 on a set where the net input z "
           "is one constant. Which constant? Invert the sigmoid.",
           "The constant is the log-odds of 0.9. Set w1 x1 + w2 x2 + b equal to it and "
           "solve for x2: the coefficient of x1 is the slope, the rest the offset."),
    mistakes={
        "slope_sign": "the slope has the wrong sign: moving x2 onto its own side of the "
                      "equation changes the sign of w1",
        "boundary": "this is the decision boundary, where P(y = 1) = 0.5 (log-odds 0)",
        "odds": "this is the line of probability 0.1: the odds are inverted",
        "probability": "the probability itself was used where the net input needs its "
                       "log-odds",
        "bias_sign": "the bias is on the wrong side of the equation (its sign is flipped)",
    },
)
def q6(check, answer_q6):
    """``(slope, offset)`` of the line ``x2 = slope x1 + offset`` where P(y = 1) = 0.9."""
    expected = probability_line(Q6_COEF, Q6_INTERCEPT, Q6_PROBABILITY)
    for index, name in enumerate(("slope", "offset")):
        with check.case(name):
            values = _as_float_array(check, answer_q6, (2,))
            candidates = ([("slope_sign", -expected[0])] if index == 0 else _q6_offsets())
            _same_number(check, values[index], expected[index], 0.01, candidates)


# -------------------------------------------------------------------------- question 7


@QUESTIONS.question(
    "q7", points=1, title="a confident mistake and the squared error",
    answer_name="answer_q7", kinds=("choice",),
    hints=("What moves the weights is dL/dz, the slope of the loss, not the loss's value. "
           "Write dL/dz for each loss as a product of local derivatives.",
           "Evaluate both slopes at z = -8 for y = 1 (your answer to question 4 is the "
           "same computation at z = -4), and ask which factor makes one of them tiny."),
    mistakes={
        "capped": "a bounded loss does not cap its gradient at 1, and the slope here is far "
                  "below 1: the cause is elsewhere",
        "convexity": "(y_hat - y)^2 is convex in y_hat and the loss of one sample falls "
                     "steadily as z grows: there is no local minimum at z = -8",
        "loss_value": "the size of a gradient step depends on the slope of the loss, not on "
                      "the loss's value",
    },
)
def q7(check, answer_q7):
    """Multiple choice: why a confidently wrong sigmoid neuron barely learns under the
    squared error."""
    with check.case("multiple choice"):
        check.same_choice(answer_q7, _Q7_ANSWER, choices="".join(Q7_CHOICES),
                          mistakes={"b": "capped", "c": "convexity", "d": "loss_value"})


# -------------------------------------------------------------------------- question 8


def _q8_cases():
    rng = np.random.default_rng(58)
    cases = []
    y = np.r_[np.ones(5, int), np.zeros(7, int)]
    rng.shuffle(y)
    scores = reference_sigmoid(1.6 * y - 0.8 + rng.normal(scale=2.0, size=12))
    cases.append(("12 samples, distinct probabilities", y, scores, 0.5, 1))
    y = (rng.random(40) < 0.4).astype(int)
    scores = np.round(reference_sigmoid(1.5 * y - 0.6 + rng.normal(size=40)), 1)
    cases.append(("40 samples, probabilities rounded to 0.1 (ties)", y, scores, 0.5, 2))
    y = (rng.random(300) < 0.3).astype(int)
    logits = 2.0 * y - 1.2 + rng.normal(scale=1.3, size=300)
    cases.append(("300 samples, scores are logits (any real number)", y, logits, 0.0, 1))
    return cases


@QUESTIONS.question(
    "q8", points=4, title="area under the ROC curve", answer_name="roc_auc",
    kinds=("new situation", "code"),
    hints=("The AUC does not depend on any one threshold: it compares the scores of the "
           "positive samples with those of the negative samples, pair by pair.",
           "Split the scores by label. Count the (positive, negative) pairs in which the "
           "positive has the higher score, add half the pairs with equal scores, and "
           "divide by the number of pairs. Broadcasting a column of positive scores "
           "against a row of negative ones gives every pair at once."),
    mistakes={
        "hard": "this is the AUC of hard 0/1 predictions: thresholding the scores first "
                "throws away the ranking the AUC measures",
        "swapped": "the classes are swapped: this is the probability that a negative "
                   "outranks a positive (1 - AUC)",
        "ties": "ties between a positive and a negative score are not counted as half a "
                "pair",
        "count": "this is a count of pairs, not a fraction: the AUC lies in [0, 1]",
        "off_by_one": "off by one in the rank-sum formula: ranks start at 1 and the "
                      "positives' own rank sum is n_pos (n_pos + 1) / 2",
    },
)
def q8(check, roc_auc):
    """``roc_auc(y, scores)`` returns the area under the ROC curve (ties count half)."""
    for label, y, scores, threshold, weight in _q8_cases():
        with check.case(label, weight=weight):
            expected = _reference_auc(y, scores)
            n_pos, n_neg = int((y == 1).sum()), int((y == 0).sum())
            strict = _auc_strict(y, scores)
            candidates = [("hard", _reference_auc(y, (scores >= threshold).astype(float))),
                          ("hard", _reference_auc(y, (scores >= 0.5).astype(float))),
                          ("swapped", 1 - expected), ("swapped", 1 - strict),
                          ("ties", strict), ("ties", 2 * expected - strict),
                          ("count", expected * n_pos * n_neg),
                          ("off_by_one", expected - 1 / n_neg),
                          ("off_by_one", expected + 1 / n_neg)]
            got = check.call(roc_auc, y, scores)
            _same_number(check, got, expected, 1e-6, candidates)
