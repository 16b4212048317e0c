"""The chapter 05 checks tell right from wrong, and never raise on a wrong answer."""

import numpy as np
import pytest
from check_harness import assert_the_same_line_every_time, shared_tests

from coursepkg.course.checks import ch05, grade_question
from coursepkg.nn.activations import sigmoid as package_sigmoid
from coursepkg.nn.gradcheck import numerical_gradient
from coursepkg.nn.losses import binary_cross_entropy


def raises(*args):
    raise RuntimeError("student bug")


def stable_sigmoid(z):
    e = np.exp(-np.abs(z))                      # at most 1: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))                 # right values, but exp(1e4) overflows


def gradient(X, y, w, b):
    p = package_sigmoid(X @ w + b)
    return X.T @ (p - y) / len(X), np.mean(p - y)


def squared_error_gradient(X, y, w, b):
    p = package_sigmoid(X @ w + b)
    delta = (p - y) * p * (1 - p)               # the sigmoid's derivative stays in
    return X.T @ delta / len(X), np.mean(delta)


def steps_by_hand(X, y, learning_rate, steps):
    w, b, rows = np.zeros(X.shape[1]), 0.0, []
    for _ in range(steps):
        grad_w, grad_b = gradient(X, y, w, b)
        w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
        rows.append([*w, b])
    return np.array(rows)


S4 = package_sigmoid(ch05.Q4_Z)
Q2_ANSWER = float(-np.mean(ch05.Q2_TARGETS * np.log(ch05.Q2_PREDICTIONS)
                           + (1 - ch05.Q2_TARGETS) * np.log(1 - ch05.Q2_PREDICTIONS)))
Q4_ANSWER = float(2 * (S4 - ch05.Q4_TARGET) * S4 * (1 - S4))
Q5_ANSWER = steps_by_hand(ch05.Q5_X, ch05.Q5_Y, ch05.Q5_LEARNING_RATE, 2)
W1, W2 = ch05.Q6_COEF
LOG_ODDS = np.log(ch05.Q6_PROBABILITY / (1 - ch05.Q6_PROBABILITY))
Q6_ANSWER = (-W1 / W2, (LOG_ODDS - ch05.Q6_INTERCEPT) / W2)

# question -> (right answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([stable_sigmoid, package_sigmoid], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "not a function": (0.5, 0),
        "raises": (raises, 0),
        "naive, overflows": (naive_sigmoid, 2),
        "exp(z) / (1 + exp(z)) gives nan": (lambda z: np.exp(z) / (1 + np.exp(z)), 2),
        "loses float32": (lambda z: stable_sigmoid(z).astype(np.float64), 3),
        "flattens": (lambda z: stable_sigmoid(z).ravel(), 3),
        "tanh instead": (np.tanh, 0),
        "returns a list": (lambda z: stable_sigmoid(z).tolist(), 0),
    }),
    "q2": ([Q2_ANSWER, np.float64(Q2_ANSWER), np.array(Q2_ANSWER)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "sum instead of mean": (5 * Q2_ANSWER, 0),
        "log base 10": (Q2_ANSWER / np.log(10), 0),
        "sign flipped": (-Q2_ANSWER, 0),
        "a string": (str(Q2_ANSWER), 0),
        "nan": (float("nan"), 0),
    }),
    "q3": ([gradient, lambda X, y, w, b: [g for g in gradient(X, y, w, b)]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns None": (lambda X, y, w, b: None, 0),
        "forgets 1/n": (lambda X, y, w, b: (X.T @ (package_sigmoid(X @ w + b) - y),
                                            np.sum(package_sigmoid(X @ w + b) - y)), 1),
        "sign flipped": (lambda X, y, w, b: tuple(-g for g in gradient(X, y, w, b)), 0),
        "only grad_w returned": (lambda X, y, w, b: gradient(X, y, w, b)[0], 0),
        "grad_w transposed to (1, d)": (
            lambda X, y, w, b: (gradient(X, y, w, b)[0][None, :], gradient(X, y, w, b)[1]), 0),
        "grad_b as a vector": (
            lambda X, y, w, b: (gradient(X, y, w, b)[0], package_sigmoid(X @ w + b) - y), 1),
        "squared-error gradient": (squared_error_gradient, 0),
    }),
    "q4": ([Q4_ANSWER, Q4_ANSWER * 1.005], {
        "None": (None, 0),
        "the cross-entropy's slope": (float(S4 - ch05.Q4_TARGET), 0),
        "without the factor 2": (Q4_ANSWER / 2, 0),
        "sign flipped": (-Q4_ANSWER, 0),
        "a boolean": (False, 0),
    }),
    "q5": ([Q5_ANSWER, Q5_ANSWER.tolist(), Q5_ANSWER * (1 + 1e-4)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "one step only": (Q5_ANSWER[:1], 0),
        "first row right": (np.vstack([Q5_ANSWER[0], Q5_ANSWER[0]]), 1),
        "ascent instead of descent": (-Q5_ANSWER, 0),
        "not numbers": ([["a", "b", "c"], ["d", "e", "f"]], 0),
        "transposed": (Q5_ANSWER.T, 0),
    }),
    "q6": ([Q6_ANSWER, list(Q6_ANSWER), np.array(Q6_ANSWER)], {
        "None": (None, 0),
        "the 0.5 line": ((Q6_ANSWER[0], -ch05.Q6_INTERCEPT / W2), 1),
        "slope sign flipped": ((-Q6_ANSWER[0], Q6_ANSWER[1]), 1),
        "one number": (Q6_ANSWER[0], 0),
        "log-odds of 0.1": ((Q6_ANSWER[0], (-LOG_ODDS - ch05.Q6_INTERCEPT) / W2), 1),
    }),
    "q7": (["b", " B "], {
        "None": (None, 0),
        "a": ("a", 0),
        "d": ("d", 0),
        "not a letter": (2, 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch05, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question(answer).max_points
              for name, question in ch05.QUESTIONS.items()
              for answer in [CASES[name][0][0]]}
    assert points == {"q1": 4, "q2": 2, "q3": 4, "q4": 2, "q5": 3, "q6": 2, "q7": 1}


def test_overflow_is_named_and_numbers_are_not_revealed():
    assert "FloatingPointError" in ch05.q1(naive_sigmoid).message
    message = ch05.q2(2 * Q2_ANSWER).message
    assert "too large" in message and f"{Q2_ANSWER:.6g}" not in message
    assert "expected a pair (grad_w, grad_b)" in ch05.q3(lambda X, y, w, b: 1.0).message
    assert "expected shape (2, 3), got (1, 3)" in ch05.q5(Q5_ANSWER[:1]).message


def test_the_reference_gradient_agrees_with_finite_differences():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, size=7)
    w, b = rng.normal(size=3), np.array([0.4])

    def loss():
        return binary_cross_entropy(y, package_sigmoid(X @ w + b[0]))

    grad_w, grad_b = ch05._reference_gradient(X, y, w, b[0])
    np.testing.assert_allclose(grad_w, numerical_gradient(loss, w), rtol=1e-6)
    np.testing.assert_allclose(grad_b, numerical_gradient(loss, b)[0], rtol=1e-6)
    np.testing.assert_allclose(grad_w, gradient(X, y, w, b[0])[0], rtol=1e-10)


def test_the_reference_steps_are_the_packages_and_the_formulas():
    np.testing.assert_allclose(ch05._gradient_descent_steps(ch05.Q5_X, ch05.Q5_Y, 0.5, 2),
                               Q5_ANSWER, rtol=1e-12)
    assert ch05._squared_error_slope(ch05.Q4_Z, ch05.Q4_TARGET) == pytest.approx(Q4_ANSWER,
                                                                               rel=1e-6)


def test_only_the_right_choice_passes_question_7():
    assert [letter for letter in ch05.Q7_CHOICES if ch05.q7(letter).passed] == ["b"]


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch05.q3, raises)


def test_the_grader_finds_every_answer_by_name():
    namespace = {"sigmoid": stable_sigmoid, "answer_q2": Q2_ANSWER, "gradient": gradient,
                 "answer_q4": Q4_ANSWER, "answer_q5": Q5_ANSWER, "answer_q6": Q6_ANSWER,
                 "answer_q7": "b"}
    for name in ch05.QUESTIONS:
        assert grade_question("ch05", name, namespace).passed
    assert grade_question("ch05", "q3", {}).points == 0   # an answer never defined
