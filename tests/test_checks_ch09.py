"""The chapter 09 checks tell right from wrong, and never raise on a wrong answer."""

import numpy as np
import pytest
from check_harness import (
    assert_the_number_stays_hidden,
    assert_the_same_line_every_time,
    shared_tests,
)

from coursepkg.course.checks import ch09


def raises(*args):
    raise RuntimeError("student bug")


def glorot_uniform_limit(fan_in, fan_out):
    return np.sqrt(6 / (fan_in + fan_out))


def inverted_dropout(a, rate, rng):
    keep = rng.random(a.shape) >= rate
    return a * keep / (1 - rate)


def dropout_not_scaled(a, rate, rng):
    return a * (rng.random(a.shape) >= rate)


def dropout_global_rng(a, rate, rng):
    keep = np.random.default_rng().random(a.shape) >= rate
    return a * keep / (1 - rate)


def dropout_keeps_rate(a, rate, rng):               # drops 1 - rate instead of rate
    keep = rng.random(a.shape) < rate
    return a * keep / (1 - rate)


def momentum_sgd(theta, gradient, learning_rate, momentum, n_steps):
    theta = np.array(theta, dtype=float)
    v = np.zeros_like(theta)
    for _ in range(n_steps):
        v = momentum * v - learning_rate * gradient(theta)
        theta = theta + v
    return theta


def momentum_one_step_short(theta, gradient, learning_rate, momentum, n_steps):
    return momentum_sgd(theta, gradient, learning_rate, momentum, n_steps - 1)


def momentum_forgotten(theta, gradient, learning_rate, momentum, n_steps):
    return momentum_sgd(theta, gradient, learning_rate, 0.0, n_steps)


def momentum_gradient_added(theta, gradient, learning_rate, momentum, n_steps):
    theta = np.array(theta, dtype=float)
    v = np.zeros_like(theta)
    for _ in range(n_steps):
        v = momentum * v + learning_rate * gradient(theta)   # wrong sign: ascent
        theta = theta + v
    return theta


ADAM = ch09._adam_reference(**ch09.Q2)

# question -> (right answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([glorot_uniform_limit, lambda i, o: float((6 / (i + o)) ** 0.5)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "standard deviation instead of limit": (lambda i, o: np.sqrt(2 / (i + o)), 0),
        "fan_in only": (lambda i, o: np.sqrt(6 / i), 0),
        "returns an array": (lambda i, o: np.full(2, np.sqrt(6 / (i + o))), 0),
    }),
    "q2": ([ADAM, np.float64(ADAM), ADAM * 1.0005], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "one step only": (0.9, 0),
        "no bias correction": (1.0 - 0.1 * 0.05 / np.sqrt(0.00025 + 1e-8) + 0.0, 0),
        "a string": (str(ADAM), 0),
        "nan": (float("nan"), 0),
    }),
    "q3": ([inverted_dropout, lambda a, r, g: np.where(g.random(a.shape) < r, 0.0,
                                                       a / (1 - r))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "not scaled": (dropout_not_scaled, 0),
        "ignores the rng": (dropout_global_rng, 2),
        "keeps a fraction rate": (dropout_keeps_rate, 1),
        "returns the mask": (lambda a, r, g: (g.random(a.shape) >= r) / (1 - r), 0),
        "flattens": (lambda a, r, g: inverted_dropout(a, r, g).ravel(), 0),
        "returns a list": (lambda a, r, g: inverted_dropout(a, r, g).tolist(), 0),
    }),
    "q4": ([np.log(26), float(np.log(26)) * 0.995], {
        "None": (None, 0),
        "probability instead of loss": (1 / 26, 0),
        "log base 10": (np.log10(26), 0),
        "sign flipped": (-np.log(26), 0),
        "a boolean": (True, 0),
    }),
    "q5": ([momentum_sgd], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "one step short": (momentum_one_step_short, 0),
        "momentum ignored": (momentum_forgotten, 0.75),
        "gradient ascent": (momentum_gradient_added, 0),
        "returns a list": (lambda *args: momentum_sgd(*args).tolist(), 0),
    }),
    "q6": ([("a", "b", "c"), ["A", " b", "c "]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "a single letter": ("a", 0),
        "two letters": (("a", "b"), 0),
        "remedies swapped": (("b", "a", "c"), 1),
        "more layers for overfitting": (("a", "b", "d"), 2),
        "not letters": ((1, 2, 3), 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch09, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question(CASES[name][0][0]).max_points
              for name, question in ch09.QUESTIONS.items()}
    assert points == {"q1": 2, "q2": 2, "q3": 3, "q4": 1, "q5": 3, "q6": 3}


def test_numbers_are_not_revealed_and_failures_are_explained():
    assert_the_number_stays_hidden(ch09.q4, np.log(26))
    assert_the_number_stays_hidden(ch09.q2, ADAM)
    assert "neither 0 nor a / (1 - rate)" in ch09.q3(dropout_not_scaled).message
    assert "same seed" in ch09.q3(dropout_global_rng).message
    assert "RuntimeError: 'student bug'" in ch09.q5(raises).message


def test_the_references_agree_with_the_formulas():
    for fan_in, fan_out in [(784, 128), (3, 2), (1, 1)]:
        assert ch09._package_glorot_limit(fan_in, fan_out) == pytest.approx(
            np.sqrt(6 / (fan_in + fan_out)), rel=1e-12)
    assert ch09._initial_loss(26) == pytest.approx(np.log(26), rel=1e-12)
    # Adam by hand: the first step has length learning_rate, the second follows the formula.
    m, v = 0.05, 0.001 * 0.25
    m, v = 0.9 * m + 0.1 * -1.0, 0.999 * v + 0.001 * 1.0
    step = 0.1 * (m / (1 - 0.9 ** 2)) / np.sqrt(v / (1 - 0.999 ** 2))
    assert ADAM == pytest.approx(1.0 - 0.1 - step, rel=1e-6)


def test_the_answer_is_not_changed_in_place_by_the_check():
    theta = np.array([-4.0, 1.5])
    momentum_sgd(theta, lambda p: p, 0.1, 0.9, 2)
    assert ch09.q5(momentum_sgd).passed


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch09.q3, dropout_keeps_rate)
    assert_the_same_line_every_time(ch09.q5, momentum_forgotten)
