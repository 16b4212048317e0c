"""Checks for chapter 03, linear models and gradient descent (``exercises/03_linear_models.ipynb``).

=====  ==============================================  ======================
name   question                                        answer graded
=====  ==============================================  ======================
q1     least squares with a bias (normal equations)    ``fit_least_squares``
q2     gradient of the ridge cost                      ``ridge_gradient``
q3     largest stable learning rate for ``Q3_X``       ``answer_q3``
q4     one gradient-descent step by hand               ``answer_q4``
q5     number of mini-batches in one epoch             ``n_minibatches``
q6     which penalty gives exact zeros (choice)        ``answer_q6``
=====  ==============================================  ======================

Every check draws its random inputs from a generator with a fixed seed, so a check prints the
same line every time it sees the same answer.
"""

from __future__ import annotations

import numbers

import numpy as np

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.lessons import descent
from coursepkg.models.linear import LinearRegression
from coursepkg.nn.gradcheck import numerical_gradient

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q3_X", "Q4_PROBLEM",
           "Q6_CHOICES"]

QUESTIONS = QuestionSet("ch03")

# ------------------------------------------------------------------------------ references


def _reference_fit(X, y):
    """``(coef_, intercept_)`` of ``coursepkg.models.linear.LinearRegression`` fitted to ``X, y``."""
    model = LinearRegression().fit(X, y)
    return model.coef_, model.intercept_


#: The data matrix of question 3, shape (50, 3), correlated features of different scales.
Q3_X = (np.random.default_rng(30).normal(size=(50, 3))
        @ np.array([[2.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 0.5]]))

#: The problem of question 4, cost (1/2n) ||X w - y||^2, one step from ``w0``.
Q4_PROBLEM = {
    "X": np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]),
    "y": np.array([1.0, 2.0, 0.0]),
    "w0": np.array([1.0, -1.0]),
    "learning_rate": 0.3,
}


def _reference_step(X, y, w0, learning_rate):
    """One gradient-descent step on ``(1/2n) ||X w - y||^2`` from ``w0``."""
    return w0 - learning_rate * descent.least_squares_gradient(w0, X, y)


# ------------------------------------------------------------------------------- helpers


def _real_number(value, what):
    """``value`` as a float, or :class:`StudentError` naming ``what`` it should have been."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise StudentError(f"{what} should be a number, got {type(value).__name__} "
                           f"{describe(value)}")
    return float(value)


def _pair(got):
    """Split the answer of question 1 into ``coef`` and ``intercept``."""
    if got is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise StudentError(f"expected a pair (coef, intercept), got {type(got).__name__} "
                           f"{describe(got)}")
    return got[0], _real_number(got[1], "the intercept")


def _vector(check, answer, shape):
    """The reader's numeric answer as a float array of ``shape``."""
    missing = missing_answer(answer, check.answer_name)
    if missing:
        raise StudentError(missing)
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise StudentError(f"expected {shape[0]} numbers, got {describe(answer)}") from None
    if values.shape != shape:
        raise StudentError(f"expected shape {shape}, got {values.shape}")
    return values


# ------------------------------------------------------------------------------- questions


@QUESTIONS.question(
    "q1", points=4, title="least squares with a bias", answer_name="fit_least_squares",
    hints=("centre X and y, solve the normal equations (Xc.T Xc) w = Xc.T yc with "
         "np.linalg.solve, then b = mean(y) - mean(X, axis=0) @ w; or append a column of "
         "ones to X and solve for (b, w) together",))
def q1(check, fit_least_squares):
    """``fit_least_squares(X, y)`` returns the least-squares ``(coef, intercept)``."""
    rng = np.random.default_rng(1)
    X_offset = rng.normal(size=(40, 2)) + [10.0, -5.0]
    X_exact = rng.normal(size=(4, 3))
    cases = [("30 samples, 3 features", rng.normal(size=(30, 3)), None),
             ("1 feature", rng.normal(size=(12, 1)), None),
             ("features far from 0", X_offset, None),
             ("4 samples, 3 features: an exact fit", X_exact, rng.normal(size=4))]
    for label, X, y in cases:
        if y is None:
            y = X @ rng.normal(size=X.shape[1]) + 3.0 + 0.1 * rng.normal(size=len(X))
        with check.case(label):
            coef, intercept = _pair(check.call(fit_least_squares, X, y))
            expected_coef, expected_intercept = _reference_fit(X, y)
            check.same_array(coef, expected_coef, rtol=1e-6, atol=1e-8)
            check.same_array(np.asarray(intercept), np.asarray(expected_intercept),
                             rtol=1e-6, atol=1e-8)


@QUESTIONS.question(
    "q2", points=4, title="gradient of the ridge cost", answer_name="ridge_gradient",
    hints=("expand ||Xw - y||^2 = w.T X.T X w - 2 y.T X w + y.T y and differentiate term by "
         "term; the penalty alpha ||w||^2 = alpha w.T w adds a multiple of w; keep the factor "
         "1 / (2n), and return an array of the shape of w",))
def q2(check, ridge_gradient):
    """``ridge_gradient(w, X, y, alpha)`` agrees with finite differences of the ridge cost."""
    rng = np.random.default_rng(2)
    cases = [("30 samples, 4 features, alpha 0.5", 30, 4, 0.5),
             ("alpha 0: plain least squares", 20, 3, 0.0),
             ("1 sample", 1, 3, 2.0),
             ("1 feature, large alpha", 15, 1, 100.0)]
    for label, n_samples, n_features, alpha in cases:
        X = rng.normal(size=(n_samples, n_features))
        y = rng.normal(size=n_samples)
        w = rng.normal(size=n_features)
        expected = numerical_gradient(lambda v: descent.least_squares_cost(v, X, y, alpha),
                                      w.copy())
        np.testing.assert_allclose(expected, descent.least_squares_gradient(w, X, y, alpha),
                                   rtol=1e-6, atol=1e-8)  # the references agree
        with check.case(label):
            got = check.call(ridge_gradient, w, X, y, alpha)
            check.same_array(got, expected, rtol=1e-5, atol=1e-7)


@QUESTIONS.question(
    "q3", points=2, title="largest stable learning rate", answer_name="answer_q3",
    hints=("gradient descent multiplies the error along each eigenvector of the Hessian "
         "H = X.T X / n by (1 - lr * lambda) at every step; for which lr is "
         "|1 - lr * lambda| < 1 for every eigenvalue? (np.linalg.eigvalsh gives them)",))
def q3(check, answer_q3):
    """The threshold ``2 / lambda_max(Q3_X.T Q3_X / n)`` (1 % tolerance)."""
    with check.case("X = ch03.Q3_X", weight=2):
        check.same_number(answer_q3, descent.max_stable_learning_rate(Q3_X), rtol=0.01)


@QUESTIONS.question(
    "q4", points=2, title="one gradient-descent step", answer_name="answer_q4",
    hints=("w1 = w0 - lr * X.T (X w0 - y) / n: compute the residual X w0 - y first, then "
         "X.T times it, and do not forget the 1/n",))
def q4(check, answer_q4):
    """The weights after one step from ``Q4_PROBLEM["w0"]``."""
    with check.case("ch03.Q4_PROBLEM", weight=2):
        expected = _reference_step(**Q4_PROBLEM)
        check.same_array(_vector(check, answer_q4, expected.shape), expected, rtol=1e-4,
                         atol=1e-6)


@QUESTIONS.question(
    "q5", points=2, title="mini-batches per epoch", answer_name="n_minibatches",
    hints=("one update per batch; the last batch may be smaller than batch_size, so round the "
         "division up (-(-a // b) or math.ceil), and a batch larger than the data set is one "
         "batch",))
def q5(check, n_minibatches):
    """``n_minibatches(n_samples, batch_size)`` is ``ceil(n_samples / batch_size)``."""
    cases = [("60000 samples, batches of 128", 60000, 128),
             ("100 samples, batches of 10", 100, 10),
             ("5 samples, batches of 8", 5, 8),
             ("7 samples, batches of 1", 7, 1)]
    for label, n_samples, batch_size in cases:
        with check.case(label, weight=0.5):
            got = check.call(n_minibatches, n_samples, batch_size)
            if got is None:
                raise StudentError("returned None (is the function finished?)")
            expected = descent.n_minibatches(n_samples, batch_size)
            if _real_number(got, "the number of batches") != expected:
                raise StudentError(f"expected {expected}, got {describe(got)}")


#: Choices of question 6 (printed by the exercise notebook from here).
Q6_CHOICES = {
    "a": "ridge, because its penalty grows fastest for large weights",
    "b": "the lasso, because the kink of |w| at 0 makes soft thresholding set small weights "
         "exactly to 0",
    "c": "both equally: any penalty sets the weights of useless features exactly to 0",
    "d": "neither: a penalty only shrinks weights, exact zeros need feature selection by hand",
}


@QUESTIONS.question(
    "q6", points=1, title="which penalty gives exact zeros", answer_name="answer_q6",
    hints=("minimise (w - z)^2 / 2 + t |w| and (w - z)^2 / 2 + t w^2 for |z| < t: which "
         "minimiser is exactly 0? Look at the two regularisation paths of the chapter",))
def q6(check, answer_q6):
    """Multiple choice: the lasso (``"b"``) sets weights exactly to 0; ridge does not."""
    z, t = 0.4, 1.0
    assert descent.soft_threshold(z, t) == 0 and z / (1 + 2 * t) != 0  # why "b" is right
    with check.case("multiple choice"):
        check.same_choice(answer_q6, "b", choices="".join(Q6_CHOICES))
