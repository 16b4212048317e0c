"""The chapter 02 checks tell right from wrong, and never raise on a wrong answer.

Every check is called with reference answers (full marks) and with wrong or unfinished ones
(fewer points, a one-line message that names the failed case and gives the hint).
"""

import math
import sys

import numpy as np
import pytest
from check_harness import (
    assert_the_number_stays_hidden,
    assert_the_same_line_every_time,
    shared_tests,
)

from coursepkg.course.checks import ch02, grade_question
from coursepkg.lessons.neurons import threshold_unit
from coursepkg.nn import activations
from coursepkg.nn.feedforward import count_parameters

RADIUS = ch02.Q5_WIDTH * math.sqrt(2 * math.log(2))
XOR_LAYERS = [(np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-1.0, 1.5])),   # OR, NAND
              (np.array([[1.0], [1.0]]), np.array([-2.0]))]                    # AND


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
    "q1": ([threshold_unit,
            lambda X, w, theta: (X @ w >= theta).astype(int),
            lambda X, w, theta: activations.step(X @ w - theta)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "not a function": (1.0, 0),
        "raises": (raises, 0),
        "strict inequality": (lambda X, w, theta: (X @ w > theta).astype(float), 2),
        "adds the threshold": (lambda X, w, theta: activations.step(X @ w + theta), 0),
        "a column (n, 1)": (lambda X, w, theta: threshold_unit(X, w, theta)[:, None], 0),
        "exits": (lambda X, w, theta: sys.exit(1), 0),
    }),
    "q2": ([([-1, -1], 0), (np.array([-2.0, -2.0]), -1.0), [(-1, -1), -0.5]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "OR instead": (([1, 1], 1), 0),
        "NAND instead": (([-1, -1], -1), 0),
        "not a pair": (np.array([-1, -1, 0]), 0),
        "a number": (3.0, 0),
        "three weights": (([-1, -1, -1], 0), 0),
        "NaN threshold": (([-1, -1], float("nan")), 0),
    }),
    "q3": ([XOR_LAYERS,
            [(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5])),
             (np.array([[1.0], [-2.0]]), np.array([-0.5]))]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "one unit (OR)": ([(np.array([[1.0], [1.0]]), np.array([-1.0]))], 0),
        "output AND of OR and AND": ([(np.array([[1.0, 1.0], [1.0, 1.0]]),
                                       np.array([-1.0, -2.0])),
                                      (np.array([[1.0], [1.0]]), np.array([-2.0]))], 0),
        "W transposed": ([(W.T, b) for W, b in XOR_LAYERS], 0),
        "a function": (lambda X: X, 0),
    }),
    "q4": ([count_parameters,
            lambda sizes: sum((a + 1) * b for a, b in zip(sizes, sizes[1:])),
            lambda sizes: float(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "weights only": (lambda sizes: sum(a * b for a, b in zip(sizes, sizes[1:])), 0),
        "bias on the inputs too": (lambda sizes: sum((a + 1) * b for a, b in
                                                     zip(sizes, sizes[1:])) + sizes[0], 0),
        "returns a string": (lambda sizes: str(count_parameters(sizes)), 0),
        "returns None": (lambda sizes: None, 0),
    }),
    "q5": ([RADIUS, np.float64(RADIUS), RADIUS * 1.0005, np.array(RADIUS)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "sigma sqrt(ln 2)": (ch02.Q5_WIDTH * math.sqrt(math.log(2)), 0),
        "sigma sqrt(2 ln 2) squared": (RADIUS ** 2, 0),
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
        "first layer only": (lambda X, layers, f: f(X @ layers[0][0] + layers[0][1]), 1),
        "no activation on the last layer": (forward_no_last_activation, 0),
        "forgets the biases": (lambda X, layers, f: forward_loop(
            X, [(W, 0 * b) for W, b in layers], f), 0),
        "returns None": (lambda X, layers, f: None, 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch02, CASES)


def test_messages_say_what_went_wrong():
    assert "no answer yet (`nor_unit` is None)" in ch02.q2(None).message
    assert "expected a pair (weights, threshold)" in ch02.q2(3.0).message
    assert "at [0] expected 1, got 0" in ch02.q2(([1, 1], 1)).message
    assert "expected shape (4, 1), got (4, 2)" in ch02.q3(XOR_LAYERS[:1]).message
    assert "raised ValueError" in ch02.q3([(W.T, b) for W, b in XOR_LAYERS]).message
    assert "raised RuntimeError: 'student bug'" in ch02.q1(raises).message
    assert "returned None (is the function finished?)" in ch02.q4(lambda sizes: None).message
    assert "expected shape (6,), got (6, 1)" in ch02.q1(
        lambda X, w, theta: threshold_unit(X, w, theta)[:, None]).message


def test_the_numeric_answer_is_not_revealed():
    assert_the_number_stays_hidden(ch02.q5, RADIUS)


def test_the_half_height_radius_is_found_from_the_package():
    assert ch02._half_height_radius(ch02.Q5_WIDTH) == pytest.approx(RADIUS, rel=1e-9)
    assert ch02._half_height_radius(1.0) == pytest.approx(math.sqrt(2 * math.log(2)), rel=1e-9)


def test_grade_question_finds_the_answers_by_name():
    assert grade_question("ch02", "q3", {"xor_layers": XOR_LAYERS}).passed
    result = grade_question("ch02", "q4", {})
    assert result.points == 0 and "`count_parameters` is not defined" in result.message


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch02.q6, forward_no_last_activation)
