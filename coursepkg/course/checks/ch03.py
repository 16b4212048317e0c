"""Checks for chapter 03, linear models and gradient descent (``exercises/03_linear_models.ipynb``).

=====  ==============================================  ======================  ==============
name   question                                        answer graded           kinds
=====  ==============================================  ======================  ==============
q1     least squares with a bias (normal equations)    ``fit_least_squares``   code
q2     gradient of a weighted least-squares cost       ``weighted_gradient``   derivation,
                                                                               new situation
q3     largest stable learning rate for ``Q3_X``       ``answer_q3``           number
q4     one gradient-descent step by hand               ``answer_q4``           number
q5     number of mini-batches in one epoch             ``n_minibatches``       code
q6     the ridge penalty chosen on a validation set    ``answer_q6``           new situation,
       and its test error                                                      number
q7     which penalty gives exact zeros (choice)        ``answer_q7``           choice
=====  ==============================================  ======================  ==============

The references are :class:`coursepkg.models.linear.LinearRegression` and
:mod:`coursepkg.lessons.descent`; the gradient of question 2 is compared with central finite
differences (:func:`coursepkg.nn.gradcheck.numerical_gradient`). Each question declares the
usual mistakes it recognises; their candidate answers are computed here, from the same
inputs. Every random input comes from a generator with a fixed seed, so a check prints the
same line every time it sees the same answer.
"""

from __future__ import annotations

import numbers

import numpy as np

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.lessons import descent
from coursepkg.models.linear import LinearRegression
from coursepkg.nn.gradcheck import numerical_gradient

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "Q3_X", "Q4_PROBLEM",
           "Q6_DATA", "Q6_ALPHAS", "Q7_CHOICES"]

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


def _fit_through_origin(X, y):
    """Least squares without a bias: the mistake of question 1 that forgets it."""
    return np.linalg.lstsq(X, y, rcond=None)[0]


@QUESTIONS.question(
    "q1", points=4, title="least squares with a bias", answer_name="fit_least_squares",
    kinds=("code",),
    hints=("The bias is a weight like the others, on a feature that is always 1; or, "
           "equivalently, the bias only moves the fitted plane up and down, so it can be "
           "found after the slope.",
           "Either solve the normal equations of a data matrix with an extra column, or "
           "solve them for centred data and recover the bias from the means. Solve the "
           "linear system (np.linalg.solve) rather than inverting a matrix; return the "
           "weights and the bias as a pair."),
    mistakes={
        "no_bias": "these are the weights of a fit through the origin: the bias is missing "
                   "from the model, so the slope absorbs the offset",
        "intercept_mean": "the weights are right, but the intercept is the mean of y: it "
                          "must also account for the mean of X along the weights",
    },
)
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
            check.same_array(coef, expected_coef, rtol=1e-6, atol=1e-8,
                             mistakes={"no_bias": _fit_through_origin(X, y)})
            check.same_array(np.asarray(intercept), np.asarray(expected_intercept),
                             rtol=1e-6, atol=1e-8,
                             mistakes={"intercept_mean": np.asarray(y.mean())})


def _weighted_cost(w, b, X, y, s):
    """``sum_i s_i (x_i . w + b - y_i)^2 / (2 sum_i s_i)``."""
    r = X @ w + b - y
    return float(s @ (r * r) / (2 * s.sum()))


def _weighted_variant(w, b, X, y, s, variant):
    """The gradient ``(grad_w, grad_b)`` as a usual mistake computes it."""
    r = X @ w + b - y
    if variant == "unweighted":
        return X.T @ r / len(X), float(r.mean())
    scale = {"no_normalisation": 1.0, "double": 2.0 / s.sum()}.get(variant, 1.0 / s.sum())
    sign = -1.0 if variant == "sign" else 1.0
    return sign * scale * X.T @ (s * r), sign * scale * float(s @ r)


@QUESTIONS.question(
    "q2", points=4, title="gradient of a weighted least-squares cost",
    answer_name="weighted_gradient", kinds=("derivation", "new situation", "code"),
    hints=("Differentiate one term of the sum first: the chain rule through the residual "
           "r_i = x_i . w + b - y_i. The weights s_i are constants, and the normalisation "
           "by their sum stays as it is.",
           "Stack the per-sample derivatives as the chapter does for the plain cost: a sum "
           "over samples of a number times x_i is a product with X.T. With all s_i equal, "
           "your gradient must reduce to the chapter's."),
    mistakes={
        "unweighted": "this is the gradient of the plain mean squared error: the sample "
                      "weights s_i are ignored",
        "no_normalisation": "the division by the sum of the weights is missing",
        "double": "this is twice the gradient: the factor 1/2 of the cost cancels the 2 "
                  "of the derivative of a square",
        "sign": "the sign is flipped: this is the gradient of -J, the direction of ascent",
    },
)
def q2(check, weighted_gradient):
    """``weighted_gradient(w, b, X, y, s)`` agrees with finite differences of the weighted
    cost, for ``grad_w`` and ``grad_b``."""
    rng = np.random.default_rng(2)
    cases = [("30 samples, 4 features", 30, 4), ("1 feature", 15, 1),
             ("8 samples, 3 features, weights far apart", 8, 3)]
    for label, n_samples, n_features in cases:
        X, y = rng.normal(size=(n_samples, n_features)), rng.normal(size=n_samples)
        w, b = rng.normal(size=n_features), float(rng.normal())
        s = (rng.uniform(0.1, 3.0, size=n_samples) if "far" not in label
             else np.geomspace(0.01, 10.0, n_samples))
        grad_w = numerical_gradient(lambda v: _weighted_cost(v, b, X, y, s), w.copy())
        grad_b = numerical_gradient(lambda v: _weighted_cost(w, v[0], X, y, s),
                                    np.array([b]))[0]
        expected = np.r_[grad_w, grad_b]
        variants = {key: np.r_[_weighted_variant(w, b, X, y, s, key)]
                    for key in ("unweighted", "no_normalisation", "double", "sign")}
        with check.case(label):
            got = check.call(weighted_gradient, w, b, X, y, s)
            if got is None:
                raise StudentError("returned None (is the function finished?)")
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise StudentError(f"expected a pair (grad_w, grad_b), got "
                                   f"{type(got).__name__} {describe(got)}")
            got_w = _vector(check, got[0], (n_features,))
            got_b = _real_number(got[1], "grad_b")
            check.same_array(np.r_[got_w, got_b], expected, rtol=1e-5, atol=1e-8,
                             mistakes=variants)


@QUESTIONS.question(
    "q3", points=2, title="largest stable learning rate", answer_name="answer_q3",
    kinds=("number",),
    hints=("Along each eigenvector of the Hessian of the cost, one step multiplies the "
           "error by a factor that depends on the learning rate and on that eigenvalue. "
           "When does every such factor have a magnitude below 1?",
           "Write the Hessian of the chapter's cost (with its 1/n) for this X, take its "
           "eigenvalues (np.linalg.eigvalsh), and solve the condition for the one that "
           "limits the rate most."),
    mistakes={
        "lambda_min": "this is the limit set by the smallest eigenvalue: the largest one "
                      "is the first to make the steps overshoot",
        "no_two": "this rate is stable but not the largest: steps overshoot and still "
                  "shrink up to twice it",
        "no_mean": "this uses the eigenvalues of X.T X without the 1/n of the cost",
    },
)
def q3(check, answer_q3):
    """The threshold ``2 / lambda_max(Q3_X.T Q3_X / n)`` (1 % tolerance)."""
    eigenvalues = np.linalg.eigvalsh(Q3_X.T @ Q3_X / len(Q3_X))
    with check.case("X = ch03.Q3_X", weight=2):
        check.same_number(answer_q3, descent.max_stable_learning_rate(Q3_X), rtol=0.01,
                          mistakes={"lambda_min": 2 / eigenvalues.min(),
                                    "no_two": 1 / eigenvalues.max(),
                                    "no_mean": 2 / (len(Q3_X) * eigenvalues.max())})


@QUESTIONS.question(
    "q4", points=2, title="one gradient-descent step", answer_name="answer_q4",
    kinds=("number",),
    hints=("Compute the gradient of the cost at w0 first, then move against it by the "
           "learning rate times it.",
           "The gradient is built from the residual at w0; the cost is a mean over the "
           "samples, so the gradient has the factor 1/n. Check the shape: two weights."),
    mistakes={
        "ascent": "the step goes up the gradient: gradient descent subtracts it",
        "no_mean": "the 1/n of the mean cost is missing: the step is n times too long",
    },
)
def q4(check, answer_q4):
    """The weights after one step from ``Q4_PROBLEM["w0"]``."""
    with check.case("ch03.Q4_PROBLEM", weight=2):
        expected = _reference_step(**Q4_PROBLEM)
        w0 = Q4_PROBLEM["w0"]
        n = len(Q4_PROBLEM["X"])
        check.same_array(_vector(check, answer_q4, expected.shape), expected, rtol=1e-4,
                         atol=1e-6, mistakes={"ascent": 2 * w0 - expected,
                                              "no_mean": w0 - n * (w0 - expected)})


@QUESTIONS.question(
    "q5", points=2, title="mini-batches per epoch", answer_name="n_minibatches",
    kinds=("code",),
    hints=("One update per batch. What happens to the samples left over when the batch "
           "size does not divide the number of samples?",
           "The last batch may be smaller than the others, and a batch larger than the data "
           "set is still one batch: round the division the right way."),
    mistakes={
        "floor": "the samples left over after the last full batch are dropped: they form "
                 "one more, smaller batch",
        "always_one_more": "a batch size that divides the number of samples leaves no "
                           "remainder, so there is no extra batch",
    },
)
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
            value = _real_number(got, "the number of batches")
            if value != expected:
                if value == n_samples // batch_size:
                    raise check.mistake("floor")
                if value == n_samples // batch_size + 1:
                    raise check.mistake("always_one_more")
                raise StudentError(f"{describe(got)} is not the number of updates")


def _q6_data():
    """Training, validation and test sets of question 6: 8 features, noise 1.5."""
    rng = np.random.default_rng(45)
    w = rng.normal(size=8) * np.array([1, 1, 0.5, 0.5, 0.2, 0, 0, 0])

    def sample(n):
        X = rng.normal(size=(n, 8))
        return X, X @ w + 1.0 + rng.normal(scale=1.5, size=n)

    (X_train, y_train), (X_val, y_val), (X_test, y_test) = sample(30), sample(30), sample(200)
    return {"X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val,
            "X_test": X_test, "y_test": y_test}


#: Question 6: the three sets, and the penalties to choose from.
Q6_DATA = _q6_data()
Q6_ALPHAS = (0.01, 0.1, 1.0, 10.0, 100.0)


def _q6_errors():
    """Mean squared errors of every penalty's model on the three sets, shape (3, 5)."""
    rows = []
    for alpha in Q6_ALPHAS:
        model = LinearRegression(alpha=alpha).fit(Q6_DATA["X_train"], Q6_DATA["y_train"])
        rows.append([np.mean((model.predict(Q6_DATA[f"X_{part}"]) - Q6_DATA[f"y_{part}"]) ** 2)
                     for part in ("train", "val", "test")])
    return np.array(rows).T


@QUESTIONS.question(
    "q6", points=3, title="choosing the penalty on a validation set", answer_name="answer_q6",
    kinds=("new situation", "number"),
    hints=("Three sets, three roles: one to fit each candidate model, one to compare them, "
           "one to report the error of the model chosen. Which set may the choice see?",
           "Fit one model per penalty on the training set, compare their mean squared "
           "errors on the validation set, and only then compute the test error of the "
           "chosen one, once."),
    mistakes={
        "test_selection": "this penalty is the one with the lowest test error: choosing on "
                          "the test set makes its error an optimistic estimate",
        "train_selection": "this penalty is the one with the lowest training error, which "
                           "always favours the weakest penalty",
        "validation_score": "the penalty is right, but the error reported is its validation "
                            "error, which was used to choose it; report its test error",
    },
)
def q6(check, answer_q6):
    """``answer_q6 = (alpha, test_mse)``: the penalty with the lowest validation error
    among ``Q6_ALPHAS`` and the test error of its model (1 % tolerance)."""
    train, val, test = _q6_errors()
    chosen = int(np.argmin(val))
    missing = missing_answer(answer_q6, check.answer_name)
    with check.case("the penalty chosen"):
        if missing:
            raise StudentError(missing)
        if not isinstance(answer_q6, (tuple, list)) or len(answer_q6) != 2:
            raise StudentError(f"expected a pair (alpha, test_mse), got {describe(answer_q6)}")
        alpha = _real_number(answer_q6[0], "alpha")
        if not np.isclose(alpha, Q6_ALPHAS[chosen], rtol=1e-9):
            if np.isclose(alpha, Q6_ALPHAS[int(np.argmin(test))], rtol=1e-9):
                raise check.mistake("test_selection")
            if np.isclose(alpha, Q6_ALPHAS[int(np.argmin(train))], rtol=1e-9):
                raise check.mistake("train_selection")
            raise StudentError(f"{alpha:g} is not the penalty the validation set chooses")
    with check.case("its test error"):
        if missing:
            raise StudentError(missing)
        if not isinstance(answer_q6, (tuple, list)) or len(answer_q6) != 2:
            raise StudentError("expected a pair (alpha, test_mse)")
        check.same_number(answer_q6[1], test[chosen], rtol=0.01,
                          mistakes={"validation_score": val[chosen],
                                    "test_selection": test.min()})


#: Choices of question 7 (printed by the exercise notebook from here). Which penalty tends
#: to make some fitted weights exactly 0, and why?
Q7_CHOICES = {
    "a": "Ridge, because its penalty grows fastest once a weight is large.",
    "b": "The lasso: the corner of its penalty at 0 can hold a small weight there.",
    "c": "Both alike, because any penalty removes the weights of useless features.",
    "d": "Neither, because a penalty only shrinks weights and never sets one to 0.",
}


@QUESTIONS.question(
    "q7", points=1, title="which penalty gives exact zeros", answer_name="answer_q7",
    kinds=("choice",),
    hints=("Minimise (w - z)^2 / 2 plus each penalty, for one weight w and a small z: "
           "which minimiser can be exactly 0?",
           "Compare the slopes of the two penalties near w = 0: one vanishes there, the "
           "other does not."),
    mistakes={
        "large_weights": "how fast a penalty grows for large weights says nothing about "
                         "weights near 0: ridge's slope vanishes there, so it only shrinks",
        "any_penalty": "a smooth penalty has zero slope at 0 and cannot hold a weight "
                       "there: only some penalties give exact zeros",
        "only_shrinks": "one of the two does set weights exactly to 0: its slope does not "
                        "vanish at 0",
    },
)
def q7(check, answer_q7):
    """Multiple choice: the lasso (``"b"``) sets weights exactly to 0; ridge does not."""
    z, t = 0.4, 1.0
    assert descent.soft_threshold(z, t) == 0 and z / (1 + 2 * t) != 0  # why "b" is right
    with check.case("multiple choice"):
        check.same_choice(answer_q7, "b", choices="".join(Q7_CHOICES),
                          mistakes={"a": "large_weights", "c": "any_penalty",
                                    "d": "only_shrinks"})
