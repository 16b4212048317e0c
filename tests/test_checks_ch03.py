"""The chapter 03 checks give full marks to right answers, name the usual mistakes, and fail
wrong ones without raising."""

import math
import sys

import numpy as np
from check_harness import assert_the_same_line_every_time, shared_tests

from coursepkg.course.checks import ch03
from coursepkg.lessons import descent
from coursepkg.nn.gradcheck import numerical_gradient


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


def weighted_gradient(w, b, X, y, s, variant=None):
    r = s * (X @ w + b - y)
    scale = {"no_normalisation": 1.0, "double": 2 / s.sum()}.get(variant, 1 / s.sum())
    sign = -1.0 if variant == "sign" else 1.0
    return sign * scale * X.T @ r, sign * scale * float(r.sum())


def weighted_gradient_loop(w, b, X, y, s):
    grad_w, grad_b = np.zeros_like(w), 0.0
    for x_i, y_i, s_i in zip(X, y, s):
        residual = x_i @ w + b - y_i
        grad_w, grad_b = grad_w + s_i * residual * x_i, grad_b + s_i * residual
    return grad_w / s.sum(), grad_b / s.sum()


def unweighted_gradient(w, b, X, y, s):
    r = X @ w + b - y
    return X.T @ r / len(X), r.mean()


TRAIN, VAL, TEST = ch03._q6_errors()
CHOSEN = int(np.argmin(VAL))
Q6_ANSWER = (ch03.Q6_ALPHAS[CHOSEN], TEST[CHOSEN])


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
        "forgets the bias": (fit_without_bias, 0, "no_bias"),
        "coefficients only": (lambda X, y: fit_centred(X, y)[0], 0),
        "three values": (lambda X, y: (*fit_centred(X, y), 0.0), 0),
        "intercept as a string": (lambda X, y: (fit_centred(X, y)[0], "3.0"), 0),
        "coefficients as a list": (lambda X, y: (list(fit_centred(X, y)[0]),
                                                 fit_centred(X, y)[1]), 0),
        "bias from uncentred X": (lambda X, y: (np.linalg.lstsq(X, y, rcond=None)[0],
                                                y.mean()), 0),
        "intercept = mean(y)": (lambda X, y: (fit_centred(X, y)[0], y.mean()), 0,
                                "intercept_mean"),
    }),
    "q2": ([weighted_gradient, weighted_gradient_loop,
            lambda *a: [list(weighted_gradient(*a)[0]), weighted_gradient(*a)[1]]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "ignores the weights": (unweighted_gradient, 0, "unweighted"),
        "no normalisation": (lambda *a: weighted_gradient(*a, variant="no_normalisation"), 0,
                             "no_normalisation"),
        "twice the gradient": (lambda *a: weighted_gradient(*a, variant="double"), 0,
                               "double"),
        "wrong sign": (lambda *a: weighted_gradient(*a, variant="sign"), 0, "sign"),
        "grad_w only": (lambda *a: weighted_gradient(*a)[0], 0),
        "grad_b as an array": (lambda *a: (weighted_gradient(*a)[0], np.ones(2)), 0),
    }),
    "q3": ([Q3_ANSWER, np.float64(Q3_ANSWER), Q3_ANSWER * 1.005, np.array(Q3_ANSWER),
            descent.max_stable_learning_rate(ch03.Q3_X)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "1 / lambda_max": (Q3_ANSWER / 2, 0, "no_two"),
        "2 / lambda_min": (2 / np.linalg.eigvalsh(ch03.Q3_X.T @ ch03.Q3_X / 50).min(), 0,
                           "lambda_min"),
        "without 1/n": (2 / np.linalg.eigvalsh(ch03.Q3_X.T @ ch03.Q3_X).max(), 0, "no_mean"),
        "a string": (str(Q3_ANSWER), 0),
        "infinite": (math.inf, 0),
        "an array of 3": (np.full(3, Q3_ANSWER), 0),
    }),
    "q4": ([Q4_ANSWER, [1.0, -0.2], (1, -0.2), ch03._reference_step(**P)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "forgets 1/n": (np.array([1.0, 1.4]), 0, "no_mean"),
        "wrong sign": (np.array([1.0, -1.8]), 0, "ascent"),
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
        "rounds down": (lambda n, b: n // b, 1, "floor"),
        "true division": (lambda n, b: n / b, 1),
        "one extra batch": (lambda n, b: n // b + 1, 1, "always_one_more"),
        "returns a string": (lambda n, b: str(math.ceil(n / b)), 0),
        "returns a boolean": (lambda n, b: True, 0),
    }),
    "q6": ([Q6_ANSWER, list(Q6_ANSWER), (Q6_ANSWER[0], round(Q6_ANSWER[1], 3))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "chosen on the test set": ((ch03.Q6_ALPHAS[int(np.argmin(TEST))], TEST.min()), 0,
                                   "test_selection"),
        "chosen on the training set": ((ch03.Q6_ALPHAS[int(np.argmin(TRAIN))],
                                        TEST[int(np.argmin(TRAIN))]), 0, "train_selection"),
        "the validation error": ((Q6_ANSWER[0], VAL[CHOSEN]), 1.5, "validation_score"),
        "the penalty only": (Q6_ANSWER[0], 0),
        "another penalty": ((1.0, TEST[2]), 0),
    }),
    "q7": (["b", "B", " b "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "ridge": ("a", 0, "large_weights"),
        "both": ("c", 0, "any_penalty"),
        "neither": ("d", 0, "only_shrinks"),
        "not a letter": (2, 0),
        "not a choice": ("e", 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch03, CASES)


def test_the_chapter_has_seven_questions():
    assert set(ch03.QUESTIONS) == {f"q{k}" for k in range(1, 8)}


def test_points_are_declared_once_and_shown_in_each_questions_documentation():
    points = {q: ch03.QUESTIONS[q].points for q in ch03.QUESTIONS}
    assert points == {"q1": 4, "q2": 4, "q3": 2, "q4": 2, "q5": 2, "q6": 3, "q7": 1}
    for name, value in points.items():
        assert f"Worth {value:g} point(s)." in ch03.QUESTIONS[name].__doc__
        assert ch03.QUESTIONS[name].run(None).max_points == value


def test_messages_say_what_went_wrong():
    assert "expected a pair (coef, intercept)" in ch03.q1(
        lambda X, y: fit_centred(X, y)[0]).message
    assert "the intercept should be a number, got str" in ch03.q1(
        lambda X, y: (fit_centred(X, y)[0], "3.0")).message
    assert "returned None" in ch03.q1(lambda X, y: None).message
    assert "expected a pair (grad_w, grad_b)" in ch03.q2(
        lambda *a: weighted_gradient(*a)[0]).message
    assert "raised RuntimeError: 'student bug'" in ch03.q2(raises).message
    assert "expected shape (2,), got (3,)" in ch03.q4(np.zeros(3)).message
    assert "samples left over" in ch03.q5(lambda n, b: n // b).message
    assert "returned None" in ch03.q5(lambda n, b: None).message
    assert "no answer yet (`answer_q6` is None)" in ch03.q6(None).message
    assert "not the penalty the validation set chooses" in ch03.q6((1.0, 3.0)).message


def test_a_numeric_answer_is_not_revealed():
    # half the answer is a named mistake (1 / lambda_max); a third is only too small
    too_large, too_small = ch03.q3(Q3_ANSWER * 3).message, ch03.q3(Q3_ANSWER / 3).message
    assert "too large" in too_large and "too small" in too_small
    assert f"{Q3_ANSWER:.6g}" not in too_large + too_small


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


def test_only_the_right_choice_passes_question_7():
    assert [letter for letter in ch03.Q7_CHOICES if ch03.q7(letter).passed] == ["b"]


def test_the_three_choices_of_question_6_differ():
    # the data were drawn so that each wrong way of choosing picks another penalty
    assert len({int(np.argmin(TRAIN)), int(np.argmin(VAL)), int(np.argmin(TEST))}) == 3


def test_the_weighted_gradient_is_a_derivative():
    rng = np.random.default_rng(5)
    X, y, s = rng.normal(size=(9, 3)), rng.normal(size=9), rng.uniform(0.5, 2, size=9)
    w, b = rng.normal(size=3), 0.3
    grad_w = numerical_gradient(lambda v: ch03._weighted_cost(v, b, X, y, s), w.copy())
    np.testing.assert_allclose(weighted_gradient(w, b, X, y, s)[0], grad_w, rtol=1e-6)
    equal = weighted_gradient(w, b, X, y, np.ones(9))[0]
    np.testing.assert_allclose(equal, descent.least_squares_gradient(w, X, y - b), rtol=1e-12)


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch03.q2, unweighted_gradient)
