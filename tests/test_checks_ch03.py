"""The chapter 03 checks give full marks to right answers and fail wrong ones without raising."""

import math
import sys

import numpy as np
from check_harness import (
    assert_the_number_stays_hidden,
    assert_the_same_line_every_time,
    shared_tests,
)

from coursepkg.course.checks import ch03
from coursepkg.lessons import descent


def raises(*args):
    raise RuntimeError("student bug")


def fit_with_ones_column(X, y):
    X1 = np.column_stack([np.ones(len(X)), X])
    b_and_w = np.linalg.solve(X1.T @ X1, X1.T @ y)
    return b_and_w[1:], b_and_w[0]


def fit_centred(X, y):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    w = np.linalg.solve(Xc.T @ Xc, Xc.T @ yc)
    return w, y.mean() - X.mean(axis=0) @ w


def fit_without_bias(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0], 0.0


def ridge_gradient(w, X, y, alpha):
    return (X.T @ (X @ w - y) + alpha * w) / len(X)


Q3_ANSWER = 2 / np.linalg.eigvalsh(ch03.Q3_X.T @ ch03.Q3_X / len(ch03.Q3_X)).max()
Q4_ANSWER = np.array([1.0, -0.2])   # worked by hand: residual (0, -4, 0), X.T r / 3 = (0, -8/3)
P = ch03.Q4_PROBLEM

# question -> (correct answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([ch03._reference_fit, fit_with_ones_column, fit_centred,
            lambda X, y: [*fit_centred(X, y)],                                  # a list
            lambda X, y: (fit_centred(X, y)[0], np.float64(fit_centred(X, y)[1]))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "exits": (lambda X, y: sys.exit(1), 0),
        "returns None": (lambda X, y: None, 0),
        "forgets the bias": (fit_without_bias, 0),
        "coefficients only": (lambda X, y: fit_centred(X, y)[0], 0),
        "three values": (lambda X, y: (*fit_centred(X, y), 0.0), 0),
        "intercept as a string": (lambda X, y: (fit_centred(X, y)[0], "3.0"), 0),
        "coefficients as a list": (lambda X, y: (list(fit_centred(X, y)[0]),
                                                 fit_centred(X, y)[1]), 0),
        "bias from uncentred X": (lambda X, y: (np.linalg.lstsq(X, y, rcond=None)[0],
                                                y.mean()), 0),
    }),
    "q2": ([descent.least_squares_gradient, ridge_gradient], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "forgets 1/n": (lambda w, X, y, a: X.T @ (X @ w - y) + a * w, 1),   # 1 sample passes
        "forgets the penalty": (lambda w, X, y, a: X.T @ (X @ w - y) / len(X), 1),
        "penalty 2 alpha w": (lambda w, X, y, a: (X.T @ (X @ w - y) + 2 * a * w) / len(X), 1),
        "wrong sign": (lambda w, X, y, a: -ridge_gradient(w, X, y, a), 0),
        "per-sample gradients": (lambda w, X, y, a: X * (X @ w - y)[:, None], 0),
        "scalar": (lambda w, X, y, a: float(np.sum(ridge_gradient(w, X, y, a))), 0),
    }),
    "q3": ([Q3_ANSWER, np.float64(Q3_ANSWER), Q3_ANSWER * 1.005, np.array(Q3_ANSWER),
            descent.max_stable_learning_rate(ch03.Q3_X)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "1 / lambda_max": (Q3_ANSWER / 2, 0),
        "2 / lambda_min": (2 / np.linalg.eigvalsh(ch03.Q3_X.T @ ch03.Q3_X / 50).min(), 0),
        "without 1/n": (2 / np.linalg.eigvalsh(ch03.Q3_X.T @ ch03.Q3_X).max(), 0),
        "a string": (str(Q3_ANSWER), 0),
        "infinite": (math.inf, 0),
        "an array of 3": (np.full(3, Q3_ANSWER), 0),
    }),
    "q4": ([Q4_ANSWER, [1.0, -0.2], (1, -0.2), ch03._reference_step(**P)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "forgets 1/n": (np.array([1.0, 1.4]), 0),
        "wrong sign": (np.array([1.0, -1.8]), 0),
        "the start": (P["w0"], 0),
        "three numbers": (np.array([1.0, -0.2, 0.0]), 0),
        "not numbers": ("1, -0.2", 0),
        "a function": (ch03._reference_step, 0),
    }),
    "q5": ([descent.n_minibatches, lambda n, b: math.ceil(n / b), lambda n, b: -(-n // b),
            lambda n, b: float(math.ceil(n / b))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "rounds down": (lambda n, b: n // b, 1),
        "true division": (lambda n, b: n / b, 1),
        "one extra batch": (lambda n, b: n // b + 1, 1),
        "returns a string": (lambda n, b: str(math.ceil(n / b)), 0),
        "returns a boolean": (lambda n, b: True, 0),
    }),
    "q6": (["b", "B", " b "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "ridge": ("a", 0),
        "both": ("c", 0),
        "not a letter": (2, 0),
        "not a choice": ("e", 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch03, CASES)


def test_the_chapter_has_six_questions():
    assert set(ch03.QUESTIONS) == {f"q{k}" for k in range(1, 7)}


def test_points_are_declared_once_and_shown_in_each_questions_documentation():
    points = {q: ch03.QUESTIONS[q].points for q in ch03.QUESTIONS}
    assert points == {"q1": 4, "q2": 4, "q3": 2, "q4": 2, "q5": 2, "q6": 1}
    for name, value in points.items():
        assert f"Worth {value:g} point(s)." in ch03.QUESTIONS[name].__doc__
        assert ch03.QUESTIONS[name].run(None).max_points == value


def test_messages_say_what_went_wrong():
    assert "expected a pair (coef, intercept)" in ch03.q1(
        lambda X, y: fit_centred(X, y)[0]).message
    assert "the intercept should be a number, got str" in ch03.q1(
        lambda X, y: (fit_centred(X, y)[0], "3.0")).message
    assert "returned None" in ch03.q1(lambda X, y: None).message
    assert "expected shape (4,), got (30, 4)" in ch03.q2(
        lambda w, X, y, a: X * (X @ w - y)[:, None]).message
    assert "raised RuntimeError: 'student bug'" in ch03.q2(raises).message
    assert "expected shape (2,), got (3,)" in ch03.q4(np.zeros(3)).message
    assert "expected 469, got 468" in ch03.q5(lambda n, b: n // b).message
    assert "returned None" in ch03.q5(lambda n, b: None).message
    assert "no answer yet (`answer_q6` is None)" in ch03.q6(None).message


def test_a_numeric_answer_is_not_revealed():
    assert_the_number_stays_hidden(ch03.q3, Q3_ANSWER)


def test_the_answers_are_what_the_chapter_derives():
    X = ch03.Q3_X
    w = np.zeros(3)
    limit = descent.max_stable_learning_rate(X)
    y = X @ np.array([1.0, -1.0, 2.0])
    gradient = lambda v: descent.least_squares_gradient(v, X, y)  # noqa: E731
    assert np.linalg.norm(descent.gradient_descent(gradient, w, 0.98 * limit, 2000)[-1]
                          - [1.0, -1.0, 2.0]) < 1e-6
    assert np.linalg.norm(descent.gradient_descent(gradient, w, 1.02 * limit, 2000)[-1]) > 1e3
    np.testing.assert_allclose(ch03._reference_step(**P), Q4_ANSWER)


def test_only_the_right_choice_passes_question_6():
    assert [letter for letter in ch03.Q6_CHOICES if ch03.q6(letter).passed] == ["b"]


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch03.q2, lambda w, X, y, a: X.T @ (X @ w - y))
