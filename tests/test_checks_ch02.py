"""The chapter 02 checks tell right from wrong, and never raise on a wrong answer.

Every check is called with reference answers (full marks) and with wrong or unfinished ones
(fewer points, a one-line message that names the failed case and gives the hint).
"""

import math

import numpy as np
import pytest
from check_harness import (
    assert_the_number_stays_hidden,
    assert_the_same_line_every_time,
    shared_tests,
)

from coursepkg.course.checks import ch02, grade_question
from coursepkg.nn import activations

RADIUS = ch02.Q5_WIDTH * math.sqrt(2 * math.log(2))
XNOR_LAYERS = [(np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-1.5, 0.5])),  # AND, NOR
               (np.array([[1.0], [1.0]]), np.array([-0.5]))]                    # OR
XOR_LAYERS = [(np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-0.5, 1.5])),   # OR, NAND
              (np.array([[1.0], [1.0]]), np.array([-1.5]))]                    # AND


def raises(*args):
    raise RuntimeError("student bug")


def forward_loop(X, layers, activation):
    A = X
    for W, b in layers:
        A = activation(A @ W + b)
    return A


def forward_no_last_activation(X, layers, activation):
    A = X
    for l, (W, b) in enumerate(layers):
        A = A @ W + b
        A = activation(A) if l < len(layers) - 1 else A
    return A


# question -> (right answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([([1, 1, 1], 2), (np.array([2.0, 2.0, 2.0]), 3.0), [(1, 1, 1), 1.5]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "AND of three": (([1, 1, 1], 3), 1, "and"),
        "OR of three": (([1, 1, 1], 1), 2, "or"),
        "not a pair": (np.array([1, 1, 1, 2]), 0),
        "two weights": (([1, 1], 2), 0),
        "negative weights": (([-1, -1, -1], -1), 0),
    }),
    "q2": ([([-1, -1], 0), (np.array([-2.0, -2.0]), -1.0), [(-1, -1), -0.5]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "OR instead": (([1, 1], 1), 0, "or"),
        "NAND instead": (([-1, -1], -1), 0, "nand"),
        "not a pair": (np.array([-1, -1, 0]), 0),
        "a number": (3.0, 0),
        "three weights": (([-1, -1, -1], 0), 0),
        "NaN threshold": (([-1, -1], float("nan")), 0),
    }),
    "q3": ([XNOR_LAYERS,
            [(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5])),   # OR, AND
             (np.array([[-1.0], [2.0]]), np.array([0.5]))]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "XOR instead": (XOR_LAYERS, 0, "xor"),
        "thresholds too high": ([(W, b - 5) for W, b in XNOR_LAYERS], 0, "constant"),
        "NOR only": (XNOR_LAYERS[:1] + [(np.array([[0.0], [1.0]]), np.array([-0.5]))], 1.5),
        "one unit (AND)": ([(np.array([[1.0], [1.0]]), np.array([-1.5]))], 1.5),
        "W transposed": ([(np.array([[1.0, 1.0]]), np.array([-0.5]))] + XNOR_LAYERS, 0),
        "a function": (lambda X: X, 0),
    }),
    "q4": (["a", "A", " a "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "one sigmoid separates XOR": ("b", 0, "single_unit_xor"),
        "fewer weights": ("c", 0, "fewer_weights"),
        "exact outputs": ("d", 0, "exact_outputs"),
        "not a letter": ("e", 0),
        "a number": (1, 0),
    }),
    "q5": ([RADIUS, np.float64(RADIUS), RADIUS * 1.0005, np.array(RADIUS)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "sigma sqrt(ln 2)": (ch02.Q5_WIDTH * math.sqrt(math.log(2)), 0, "missing_2"),
        "sigma sqrt(2 ln 2) squared": (RADIUS ** 2, 0, "squared"),
        "base-10 logarithm": (ch02.Q5_WIDTH * math.sqrt(2 * math.log10(2)), 0, "log10"),
        "sigma squared": (ch02.Q5_WIDTH ** 2 * math.sqrt(2 * math.log(2)), 0,
                          "sigma_squared"),
        "the width": (ch02.Q5_WIDTH, 0),
        "a string": (str(RADIUS), 0),
        "infinite": (float("inf"), 0),
    }),
    "q6": ([forward_loop,
            lambda X, layers, activation: ch02._output_of_layers(
                X, layers, {f: n for n, a in activations.ACTIVATIONS.items()
                            for f in [a.function]}[activation])], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "first layer only": (lambda X, layers, f: f(X @ layers[0][0] + layers[0][1]), 1,
                             "first_only"),
        "no activation on the last layer": (forward_no_last_activation, 0, "last_linear"),
        "forgets the biases": (lambda X, layers, f: forward_loop(
            X, [(W, 0 * b) for W, b in layers], f), 0, "no_bias"),
        "returns None": (lambda X, layers, f: None, 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch02, CASES)


def test_messages_say_what_went_wrong():
    assert "no answer yet (`nor_unit` is None)" in ch02.q2(None).message
    assert "expected a pair (weights, threshold)" in ch02.q2(3.0).message
    assert "expected shape (4, 1), got (4, 2)" in ch02.q3(XNOR_LAYERS[:1]).message
    assert "raised RuntimeError: 'student bug'" in ch02.q6(raises).message
    assert "answer with one letter among a, b, c, d" in ch02.q4("e").message


def test_the_numeric_answer_is_not_revealed():
    assert_the_number_stays_hidden(ch02.q5, RADIUS)


def test_the_half_height_radius_is_found_from_the_package():
    assert ch02._half_height_radius(ch02.Q5_WIDTH) == pytest.approx(RADIUS, rel=1e-9)
    assert ch02._half_height_radius(1.0) == pytest.approx(math.sqrt(2 * math.log(2)), rel=1e-9)


def test_grade_question_finds_the_answers_by_name():
    assert grade_question("ch02", "q3", {"xnor_layers": XNOR_LAYERS}).passed
    result = grade_question("ch02", "q1", {})
    assert result.points == 0 and "`majority_unit` is not defined" in result.message


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch02.q6, forward_no_last_activation)
