"""The chapter 05 checks tell right from wrong, name the usual mistakes, and never raise on
a wrong answer."""

import numpy as np
import pytest
from check_harness import (
    assert_the_number_stays_hidden,
    assert_the_same_line_every_time,
    shared_tests,
)
from sklearn.metrics import roc_auc_score

from coursepkg.course.checks import ch05, grade_question
from coursepkg.nn.activations import sigmoid as package_sigmoid
from coursepkg.nn.gradcheck import numerical_gradient


def raises(*args):
    raise RuntimeError("student bug")


def stable_sigmoid(z):
    e = np.exp(-np.abs(z))                      # at most 1: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))                 # right values, but exp(1e4) overflows


# --------------------------------------------------------------------------- question 3


def gradient_pm(X, t, w, b):
    slope = -t * package_sigmoid(-t * (X @ w + b))
    return X.T @ slope / len(X), slope.mean()


def gradient_pm_by_y(X, t, w, b):
    """The same gradient through y = (t + 1) / 2 and the chapter's formula."""
    error = package_sigmoid(X @ w + b) - (t + 1) / 2
    return X.T @ error / len(X), float(np.mean(error))


def gradient_pm_zero_one(X, t, w, b):
    error = package_sigmoid(X @ w + b) - t
    return X.T @ error / len(X), error.mean()


def gradient_pm_exponent(X, t, w, b):
    slope = -t * package_sigmoid(t * (X @ w + b))
    return X.T @ slope / len(X), slope.mean()


def gradient_pm_no_bias(X, t, w, b):
    return gradient_pm(X, t, w, 0.0)


def gradient_pm_sum(X, t, w, b):
    grad_w, grad_b = gradient_pm(X, t, w, b)
    return grad_w * len(X), grad_b * len(X)


def gradient_pm_sign(X, t, w, b):
    return tuple(-g for g in gradient_pm(X, t, w, b))


def gradient_pm_row(X, t, w, b):
    grad_w, grad_b = gradient_pm(X, t, w, b)
    return grad_w[None, :], grad_b


# --------------------------------------------------------------------------- question 8


def roc_auc(y, scores):
    positive, negative = scores[y == 1], scores[y == 0]
    above = positive[:, None] > negative[None, :]
    tied = positive[:, None] == negative[None, :]
    return (above.sum() + 0.5 * tied.sum()) / (len(positive) * len(negative))


def roc_auc_by_sweeping(y, scores):
    """Trapezoids under the ROC curve, one threshold per distinct score."""
    thresholds = np.r_[np.inf, np.unique(scores)[::-1]]
    tpr = [(scores[y == 1] >= s).mean() for s in thresholds]
    fpr = [(scores[y == 0] >= s).mean() for s in thresholds]
    return float(np.sum(np.diff(fpr) * (np.array(tpr[1:]) + tpr[:-1]) / 2))


def roc_auc_hard(y, scores):
    return roc_auc(y, (scores >= 0.5).astype(float))


def roc_auc_strict(y, scores):
    positive, negative = scores[y == 1], scores[y == 0]
    return float((positive[:, None] > negative[None, :]).mean())


def roc_auc_rank_from_zero(y, scores):
    ranks = np.argsort(np.argsort(scores))             # 0-based, ties broken arbitrarily
    n_pos, n_neg = (y == 1).sum(), (y == 0).sum()
    return (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def roc_auc_count(y, scores):
    return roc_auc(y, scores) * (y == 1).sum() * (y == 0).sum()


# ------------------------------------------------------------------------ the answers

S4 = package_sigmoid(ch05.Q4_Z)
Y2, P2 = ch05.Q2_TARGETS, ch05.Q2_PREDICTIONS
Q2_ANSWER = float(-np.mean(Y2 * np.log(P2) + (1 - Y2) * np.log(1 - P2)))
Q4_ANSWER = float(2 * (S4 - ch05.Q4_TARGET) * S4 * (1 - S4))


def steps_by_hand(X, y, learning_rate, steps, recompute=True, bias=True, sign=1.0,
                  mean=True):
    w, b, rows = np.zeros(X.shape[1]), 0.0, []
    error = None
    for _ in range(steps):
        if recompute or error is None:
            error = package_sigmoid(X @ w + b) - y
        n = len(X) if mean else 1
        w = w - sign * learning_rate * X.T @ error / n
        b = b - sign * learning_rate * error.sum() / n * bias
        rows.append([*w, b])
    return np.array(rows)


Q5_ANSWER = steps_by_hand(ch05.Q5_X, ch05.Q5_Y, ch05.Q5_LEARNING_RATE, 2)
Q5_SUMMED = steps_by_hand(ch05.Q5_X, ch05.Q5_Y, ch05.Q5_LEARNING_RATE, 2, mean=False)
W1, W2 = ch05.Q6_COEF
LOG_ODDS = np.log(ch05.Q6_PROBABILITY / (1 - ch05.Q6_PROBABILITY))
Q6_ANSWER = (-W1 / W2, (LOG_ODDS - ch05.Q6_INTERCEPT) / W2)

# question -> (right answers, {description: (wrong answer, points it still earns
#                                            [, mistake it makes])})
CASES = {
    "q1": ([stable_sigmoid, package_sigmoid], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "not a function": (0.5, 0),
        "raises": (raises, 0),
        "naive, overflows": (naive_sigmoid, 2, "overflow"),
        "exp(z) / (1 + exp(z)) overflows": (lambda z: np.exp(z) / (1 + np.exp(z)), 2,
                                            "overflow"),
        "loses float32": (lambda z: stable_sigmoid(z).astype(np.float64), 3, "dtype"),
        "flattens": (lambda z: stable_sigmoid(z).ravel(), 3, "shape"),
        "sigma(-z)": (lambda z: stable_sigmoid(-z), 0, "sign"),
        "tanh instead": (np.tanh, 0, "tanh"),
        "returns a list": (lambda z: stable_sigmoid(z).tolist(), 0),
    }),
    "q2": ([Q2_ANSWER, np.float64(Q2_ANSWER), np.array(Q2_ANSWER)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "sum instead of mean": (5 * Q2_ANSWER, 0, "sum"),
        "log base 10": (Q2_ANSWER / np.log(10), 0, "log10"),
        "sign flipped": (-Q2_ANSWER, 0, "sign"),
        "labels swapped": (float(-np.mean((1 - Y2) * np.log(P2) + Y2 * np.log(1 - P2))), 0,
                           "swapped"),
        "class-0 term dropped": (float(-np.mean(Y2 * np.log(P2))), 0, "one_term"),
        "a string": (str(Q2_ANSWER), 0),
        "a boolean": (True, 0),
        "nan": (float("nan"), 0),
    }),
    "q3": ([gradient_pm, gradient_pm_by_y,
            lambda X, t, w, b: [g for g in gradient_pm(X, t, w, b)]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns None": (lambda X, t, w, b: None, 0),
        "chapter's formula with t for y": (gradient_pm_zero_one, 0, "zero_one"),
        "sigma(t z) for sigma(-t z)": (gradient_pm_exponent, 0, "exponent"),
        "bias left out of z": (gradient_pm_no_bias, 0, "bias"),
        "forgets 1/n": (gradient_pm_sum, 1, "mean"),          # the 1-sample case passes
        "sign flipped": (gradient_pm_sign, 0, "sign"),
        "grad_w as a row": (gradient_pm_row, 0, "shape"),
        "only grad_w returned": (lambda X, t, w, b: gradient_pm(X, t, w, b)[0], 0),
        "grad_b as a vector": (
            lambda X, t, w, b: (gradient_pm(X, t, w, b)[0],
                                -t * package_sigmoid(-t * (X @ w + b))), 1),
    }),
    "q4": ([Q4_ANSWER, Q4_ANSWER * 1.005], {
        "None": (None, 0),
        "the cross-entropy's slope": (float(S4 - ch05.Q4_TARGET), 0, "cross_entropy"),
        "dL/dy_hat only": (float(2 * (S4 - ch05.Q4_TARGET)), 0, "no_slope"),
        "without the factor 2": (Q4_ANSWER / 2, 0, "half"),
        "sign flipped": (-Q4_ANSWER, 0, "sign"),
        "a boolean": (False, 0),
    }),
    "q5": ([Q5_ANSWER, Q5_ANSWER.tolist(), Q5_ANSWER * (1 + 1e-4)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "one step only": (Q5_ANSWER[:1], 0),
        "first row right": (np.vstack([Q5_ANSWER[0], Q5_ANSWER[0]]), 1),
        "ascent instead of descent": (
            steps_by_hand(ch05.Q5_X, ch05.Q5_Y, 0.5, 2, sign=-1.0), 0, "ascent"),
        "errors not recomputed": (
            steps_by_hand(ch05.Q5_X, ch05.Q5_Y, 0.5, 2, recompute=False), 1, "stale"),
        "summed gradient": (Q5_SUMMED, 0, "no_mean"),
        "bias never updated": (
            steps_by_hand(ch05.Q5_X, ch05.Q5_Y, 0.5, 2, bias=False), 1, "bias"),
        "not numbers": ([["a", "b", "c"], ["d", "e", "f"]], 0),
        "transposed": (Q5_ANSWER.T, 0, "transposed"),
    }),
    "q6": ([Q6_ANSWER, list(Q6_ANSWER), np.array(Q6_ANSWER)], {
        "None": (None, 0),
        "the 0.5 line": ((Q6_ANSWER[0], -ch05.Q6_INTERCEPT / W2), 1, "boundary"),
        "slope sign flipped": ((-Q6_ANSWER[0], Q6_ANSWER[1]), 1, "slope_sign"),
        "one number": (Q6_ANSWER[0], 0),
        "log-odds of 0.1": ((Q6_ANSWER[0], (-LOG_ODDS - ch05.Q6_INTERCEPT) / W2), 1,
                            "odds"),
        "p instead of logit(p)": (
            (Q6_ANSWER[0], (ch05.Q6_PROBABILITY - ch05.Q6_INTERCEPT) / W2), 1,
            "probability"),
        "bias on the wrong side": (
            (Q6_ANSWER[0], (LOG_ODDS + ch05.Q6_INTERCEPT) / W2), 1, "bias_sign"),
    }),
    "q7": (["a", " A "], {
        "None": (None, 0),
        "the gradient is capped": ("b", 0, "capped"),
        "a local minimum": ("c", 0, "convexity"),
        "the loss's value": ("d", 0, "loss_value"),
        "not a letter": (2, 0),
        "not a choice": ("e", 0),
    }),
    "q8": ([roc_auc, roc_auc_by_sweeping,
            lambda y, s: float(roc_auc_score(y, s))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "hard predictions": (roc_auc_hard, 0, "hard"),
        "classes swapped": (lambda y, s: 1 - roc_auc(y, s), 0, "swapped"),
        "ties count nothing": (roc_auc_strict, 2, "ties"),
        "ties count a whole pair": (lambda y, s: 2 * roc_auc(y, s) - roc_auc_strict(y, s),
                                    2, "ties"),
        "a count, not a fraction": (roc_auc_count, 0, "count"),
        "ranks from 0": (roc_auc_rank_from_zero, 0, "off_by_one"),
        "returns a string": (lambda y, s: str(roc_auc(y, s)), 0),
        "accuracy at 0.5": (lambda y, s: float(((s >= 0.5) == y).mean()), 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch05, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question.points for name, question in ch05.QUESTIONS.items()}
    assert points == {"q1": 4, "q2": 2, "q3": 4, "q4": 2, "q5": 3, "q6": 2, "q7": 1,
                      "q8": 4}


def test_overflow_is_named_and_numbers_are_not_revealed():
    assert "FloatingPointError" in ch05.q1(naive_sigmoid).message
    assert_the_number_stays_hidden(ch05.q2, Q2_ANSWER)
    assert "expected a pair (grad_w, grad_b)" in ch05.q3(lambda X, t, w, b: 1.0).message
    assert "expected shape (2, 3), got (1, 3)" in ch05.q5(Q5_ANSWER[:1]).message


def test_the_reference_gradient_agrees_with_finite_differences():
    rng = np.random.default_rng(0)
    X, t = rng.normal(size=(7, 3)), 2 * rng.integers(0, 2, size=7) - 1
    w, b = rng.normal(size=3), np.array([0.4])

    def loss():
        return np.mean(np.log1p(np.exp(-t * (X @ w + b[0]))))

    grad_w, grad_b = ch05._reference_gradient_pm(X, t, w, b[0])
    np.testing.assert_allclose(grad_w, numerical_gradient(loss, w), rtol=1e-6)
    np.testing.assert_allclose(grad_b, numerical_gradient(loss, b)[0], rtol=1e-6)
    np.testing.assert_allclose(grad_w, gradient_pm(X, t, w, b[0])[0], rtol=1e-10)


@pytest.mark.parametrize("case", range(3))
def test_the_reference_auc_is_scikit_learns(case):
    _, y, scores, _, _ = ch05._q8_cases()[case]
    assert ch05._reference_auc(y, scores) == pytest.approx(roc_auc_score(y, scores),
                                                           rel=1e-12)
    assert 0.6 < ch05._reference_auc(y, scores) < 0.95   # swapped is far from right


def test_the_auc_cases_tell_the_mistakes_apart():
    """Every mistake's value is more than the tolerance away from the right one."""
    for _, y, scores, _, _ in ch05._q8_cases():
        right = roc_auc(y, scores)
        for wrong in (roc_auc_hard, roc_auc_count, roc_auc_rank_from_zero,
                      lambda y, s: 1 - roc_auc(y, s)):
            assert abs(wrong(y, scores) - right) > 1e-3


def test_the_reference_steps_are_the_packages_and_the_formulas():
    np.testing.assert_allclose(ch05._gradient_descent_steps(ch05.Q5_X, ch05.Q5_Y, 0.5, 2),
                               Q5_ANSWER, rtol=1e-12)
    assert ch05._squared_error_slope(ch05.Q4_Z, ch05.Q4_TARGET) == pytest.approx(Q4_ANSWER,
                                                                               rel=1e-6)


def test_only_the_right_choice_passes_question_7():
    assert [letter for letter in ch05.Q7_CHOICES if ch05.q7(letter).passed] == ["a"]


def test_hints_come_in_tiers_on_request(capsys):
    question = ch05.QUESTIONS["q8"]
    question.hints_shown = 0
    question.hint()
    question.hint()
    question.hint()
    printed = capsys.readouterr().out
    assert "hint 1 of 2" in printed and printed.count("hint 2 of 2") == 2
    question.hints_shown = 0


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch05.q3, raises)
    assert_the_same_line_every_time(ch05.q8, roc_auc_hard)


def test_the_grader_finds_every_answer_by_name():
    namespace = {"sigmoid": stable_sigmoid, "answer_q2": Q2_ANSWER,
                 "gradient_pm": gradient_pm, "answer_q4": Q4_ANSWER,
                 "answer_q5": Q5_ANSWER, "answer_q6": Q6_ANSWER, "answer_q7": "a",
                 "roc_auc": roc_auc}
    for name in ch05.QUESTIONS:
        assert grade_question("ch05", name, namespace).passed
    assert grade_question("ch05", "q3", {}).points == 0   # an answer never defined
