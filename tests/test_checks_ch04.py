"""The chapter 04 checks tell right from wrong, and never raise on a wrong answer."""

import sys
import warnings

import numpy as np
from check_harness import shared_tests

from coursepkg.course.checks import NOT_DEFINED, ch04, grade_question
from coursepkg.lessons.margins import perceptron_mistake_bound
from coursepkg.lessons.threshold_logic import NAND_BIAS, NAND_WEIGHTS
from coursepkg.models.linear import Perceptron


def raises(*args):
    raise RuntimeError("student bug")


def margin_epoch(X, t, w, b, learning_rate, margin):
    for x_i, t_i in zip(X, t):
        if t_i * (x_i @ w + b) <= margin:
            w = w + learning_rate * t_i * x_i
            b = b + learning_rate * t_i
    return w, b


def in_place_epoch(X, t, w, b, learning_rate, margin):
    w = w.astype(float)
    for x_i, t_i in zip(X, t):
        if not t_i * (x_i @ w + b) > margin:
            w += learning_rate * t_i * x_i
            b += learning_rate * t_i
    return w, np.float64(b)


def strict_epoch(X, t, w, b, learning_rate, margin):       # < instead of <=
    for x_i, t_i in zip(X, t):
        if t_i * (x_i @ w + b) < margin:
            w = w + learning_rate * t_i * x_i
            b = b + learning_rate * t_i
    return w, b


def plain_epoch(X, t, w, b, learning_rate, margin):        # the chapter's rule
    for x_i, t_i in zip(X, t):
        if (1 if x_i @ w + b >= 0 else -1) != t_i:
            w = w + learning_rate * t_i * x_i
            b = b + learning_rate * t_i
    return w, b


def batch_epoch(X, t, w, b, learning_rate, margin):        # all updates of the epoch at once
    wrong = t * (X @ w + b) <= margin
    return w + learning_rate * t[wrong] @ X[wrong], b + learning_rate * t[wrong].sum()


def sign_epoch(X, t, w, b, learning_rate, margin):
    for x_i, t_i in zip(X, t):
        if t_i * (x_i @ w + b) <= margin:
            w = w - learning_rate * t_i * x_i
            b = b - learning_rate * t_i
    return w, b


def frozen_bias_epoch(X, t, w, b, learning_rate, margin):
    for x_i, t_i in zip(X, t):
        if t_i * (x_i @ w + b) <= margin:
            w = w + learning_rate * t_i * x_i
    return w, b


def ridge_gradient(X, t, w, b, lam):
    residual = X @ w + b - t
    return X.T @ residual / len(X) + lam * w, residual.mean()


def _changed(grad_w=None, grad_b=None):
    """A ridge gradient whose parts are replaced by ``grad_w(X, t, w, b, lam)``, ..."""
    def answer(X, t, w, b, lam):
        right = ridge_gradient(X, t, w, b, lam)
        return ((grad_w(X, t, w, b, lam) if grad_w else right[0]),
                (grad_b(X, t, w, b, lam) if grad_b else right[1]))
    return answer


def _hessian_rate(X, lam, penalty_on_bias=False, scale=None):
    X1 = np.column_stack([X, np.ones(len(X))])
    P = lam * np.eye(3) if penalty_on_bias else lam * np.diag([1.0, 1.0, 0.0])
    n = len(X) if scale is None else scale
    return 2 / np.linalg.eigvalsh(X1.T @ X1 / n + P).max()


model = Perceptron(learning_rate=0.5, epochs=1).fit(ch04.Q1_DATA["X"], ch04.Q1_DATA["y"])
Q1_ANSWER = np.r_[model.coef_, model.intercept_]
Q4_ANSWER = perceptron_mistake_bound(ch04.Q4_DATA["X"], ch04.Q4_DATA["y"], u=ch04.Q4_DATA["u"])
X7, LAM7 = ch04.Q7_DATA["X"], ch04.Q7_DATA["lam"]
Q7_ANSWER = _hessian_rate(X7, LAM7)

# question -> (correct answers, {description: (wrong answer, points it still earns[, mistake])})
CASES = {
    "q1": ([Q1_ANSWER, Q1_ANSWER.tolist(), tuple(Q1_ANSWER), Q1_ANSWER + 1e-9], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "zeros": (np.zeros(3), 0),
        "z = 0 predicts -1": (np.array([-0.5, 1.5, 0.0]), 0, "strict"),
        "bias never updated": (np.array([-1.0, 0.5, 0.0]), 0, "bias"),
        "w only": (Q1_ANSWER[:2], 0),
        "a string": ("0.5 1 0", 0),
        "ragged": ([[0.5], 1.0, 0.0], 0),
    }),
    "q2": ([(NAND_WEIGHTS, NAND_BIAS), ([-1, -1], 1.5), (np.array([-0.5, -0.5]), np.array([0.7]))],
           {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "AND": (([1.0, 1.0], -1.5), 0, "and"),
        "OR": (([1.0, 1.0], -0.5), 0, "or"),
        "always 1": (([0.0, 0.0], 1.0), 1.5),
        "3 weights": (([-2.0, -2.0, 0.0], 3.0), 0),
        "not a pair": (3.0, 0),
        "nan bias": (([-2.0, -2.0], np.nan), 0),
    }),
    "q3": ([margin_epoch, in_place_epoch], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "exits": (lambda *args: sys.exit(3), 0),
        "returns None": (lambda X, t, w, b, lr, m: None, 0),
        "returns w only": (lambda X, t, w, b, lr, m: margin_epoch(X, t, w, b, lr, m)[0], 0),
        "no update": (lambda X, t, w, b, lr, m: (w, b), 0),
        "score equal to the margin does not update": (strict_epoch, round(8 / 3, 6), "strict"),
        "plain perceptron rule": (plain_epoch, 0, "no_margin"),
        "batch update": (batch_epoch, 0, "batch"),
        "sign flipped": (sign_epoch, 0, "sign"),
        "bias never updated": (frozen_bias_epoch, 0, "bias"),
        "ignores the learning rate": (
            lambda X, t, w, b, lr, m: margin_epoch(X, t, w, b, 1.0, m), round(8 / 3, 6)),
    }),
    "q4": ([Q4_ANSWER, np.float64(Q4_ANSWER), np.array(Q4_ANSWER), Q4_ANSWER * 1.005], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "R without the constant 1": (200.0, 0, "no_one"),
        "R / gamma, not squared": (np.sqrt(Q4_ANSWER), 0, "not_squared"),
        "u not normalised": (104.0, 0, "unnormalised"),
        "a string": (str(Q4_ANSWER), 0),
        "infinite": (float("inf"), 0),
    }),
    "q5": ([ridge_gradient,
            lambda X, t, w, b, lam: (ridge_gradient(X, t, w, b, lam)[0],
                                     np.array([ridge_gradient(X, t, w, b, lam)[1]]))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "sign": (lambda *a: tuple(-g for g in ridge_gradient(*a)), 0, "sign"),
        "sum, not mean": (_changed(lambda X, t, w, b, lam: X.T @ (X @ w + b - t) + lam * w,
                                   lambda X, t, w, b, lam: (X @ w + b - t).sum()),
                          0, "missing_n"),
        "factor 2": (lambda *a: tuple(2 * g for g in ridge_gradient(*a)), 0, "half"),
        "forgets the bias in r": (lambda X, t, w, b, lam: ridge_gradient(X, t, w, 0.0, lam),
                                  0, "bias_forgotten"),
        "no penalty": (_changed(lambda X, t, w, b, lam: ridge_gradient(X, t, w, b, 0.0)[0]),
                       2, "no_reg"),
        "bias penalised": (_changed(grad_b=lambda X, t, w, b, lam: (
            (X @ w + b - t).mean() + lam * b)), 2, "bias_penalised"),
        "transposed product": (lambda X, t, w, b, lam: (X @ X.T, 0.0), 0),
        "returns one array": (lambda *a: ridge_gradient(*a)[0], 0),
    }),
    "q6": (["b", "B", " b "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "smaller rate": ("a", 0, "rate"),
        "more epochs": ("c", 0, "bound"),
        "random start": ("d", 0, "start"),
        "not a letter": (2, 0),
        "not a choice": ("e", 0),
    }),
    "q7": ([Q7_ANSWER, np.float64(Q7_ANSWER), Q7_ANSWER * 1.005], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "the chapter's rate, no penalty": (_hessian_rate(X7, 0.0), 0, "no_reg"),
        "bias penalised": (_hessian_rate(X7, LAM7, penalty_on_bias=True), 0,
                           "bias_penalised"),
        "no 1/n": (_hessian_rate(X7, LAM7, scale=1), 0, "missing_n"),
        "no bias column": (2 / np.linalg.eigvalsh(X7.T @ X7 / len(X7) + LAM7 * np.eye(2)).max(),
                           0, "no_bias_column"),
        "1 / lambda_max": (Q7_ANSWER / 2, 0, "factor_2"),
        "a string": (str(Q7_ANSWER), 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch04, CASES)


def test_the_points_add_up_to_17():
    assert sum(q.run(CASES[name][0][0]).max_points for name, q in ch04.QUESTIONS.items()) == 17


def test_messages_name_the_problem():
    assert "no answer yet (`answer_q1` is None)" in ch04.q1(None).message
    assert "expected shape (3,), got (2,)" in ch04.q1(Q1_ANSWER[:2]).message
    assert "no answer yet (`nand_unit` is Ellipsis)" in ch04.q2(...).message
    assert "should be a pair" in ch04.q2(3.0).message
    assert "raised RuntimeError: 'student bug'" in ch04.q3(raises).message
    assert "should return a pair" in ch04.q5(lambda X, t, w, b, lam: X.T @ t).message
    assert "More help: ch04.q5.hint()" in ch04.q5(lambda X, t, w, b, lam: X.T @ t).message


def test_a_mistake_message_does_not_give_the_answer():
    message = ch04.q7(Q7_ANSWER / 2).message
    assert f"{Q7_ANSWER:.3g}" not in message and "2 / lambda_max" in message


def test_a_numeric_answer_is_not_revealed():
    # Half the answer is a declared mistake in both questions: 3 times and a third.
    for question, answer in [(ch04.q4, Q4_ANSWER), (ch04.q7, Q7_ANSWER)]:
        too_large, too_small = question(3 * answer).message, question(answer / 3).message
        assert "too large" in too_large and "too small" in too_small
        assert f"{answer:.6g}" not in too_large + too_small


def test_the_answer_gets_copies_of_the_inputs():
    def overwrites(X, t, w, b, lam):
        gradient = ridge_gradient(X, t, w, b, lam)
        X[...] = 0
        t[...] = 0
        return gradient
    assert ch04.q5(overwrites).passed


def test_only_one_choice_passes_question_6():
    assert [letter for letter in ch04.Q6_CHOICES if ch04.q6(letter).passed] == ["b"]


def test_hints_come_in_tiers_on_request(capsys):
    question = ch04.QUESTIONS["q3"]
    question.hints_shown = 0
    question.hint()
    question.hint()
    printed = capsys.readouterr().out
    assert "hint 1 of 2" in printed and "hint 2 of 2" in printed
    question.hints_shown = 0


def test_the_grader_finds_the_answers_by_name():
    assert grade_question("ch04", "q3", {"margin_epoch": margin_epoch}).passed
    assert grade_question("ch04", "q2", {"nand_unit": (NAND_WEIGHTS, NAND_BIAS)}).passed
    for name in ch04.QUESTIONS:
        result = grade_question("ch04", name, {})
        assert result.points == 0 and "is not defined" in result.message
    assert ch04.q1(NOT_DEFINED).points == 0


def test_separable_data_has_both_classes_and_a_gap():
    rng = np.random.default_rng(0)
    for _ in range(20):
        X, y = ch04.separable_data(rng, 5, 3)
        assert 0 < y.sum() < len(y) and X.shape == (len(y), 3)


def test_a_wrong_answer_prints_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ch04.q5(lambda X, t, w, b, lam: (np.exp(1000 * X[0]), np.log(-1.0))).points == 0
        assert ch04.q3(lambda X, t, w, b, lr, m: (w / 0.0, b)).points == 0
