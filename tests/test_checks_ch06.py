"""The chapter 06 checks tell right from wrong, and never raise on a wrong answer."""

import sys

import numpy as np
from check_harness import assert_the_same_line_every_time, shared_tests
from scipy.special import expit

from coursepkg.course.checks import ch06, grade_question
from coursepkg.lessons.examples import xor_forward
from coursepkg.nn.activations import relu, softmax
from coursepkg.nn.feedforward import collapse_linear, count_parameters, forward

Q3_ANSWER = float(xor_forward(np.array([ch06.Q3_INPUT]))[-1][0, 0])
Q4_ANSWER = count_parameters(ch06.Q4_SIZES)


def raises(*args):
    raise RuntimeError("student bug")


def mlp_forward(X, W1, b1, W2, b2):
    H = np.maximum(X @ W1 + b1, 0)
    Z = H @ W2 + b2
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def mlp_forward_naive_softmax(X, W1, b1, W2, b2):
    E = np.exp(np.maximum(X @ W1 + b1, 0) @ W2 + b2)
    return E / E.sum(axis=1, keepdims=True)


def collapse_loop(coefs, intercepts):
    W, b = coefs[0], intercepts[0]
    for W_next, b_next in zip(coefs[1:], intercepts[1:]):
        W, b = W @ W_next, b @ W_next + b_next
    return W, b


def collapse_forgets_bias_propagation(coefs, intercepts):
    W = coefs[0]
    for W_next in coefs[1:]:
        W = W @ W_next
    return W, intercepts[-1]


def silu_derivative(z):
    s = expit(z)
    return s * (1 + z * (1 - s))


# question -> (correct answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([mlp_forward, lambda X, W1, b1, W2, b2: softmax(relu(X @ W1 + b1) @ W2 + b2),
            lambda X, W1, b1, W2, b2: forward(X, [W1, W2], [b1, b2], "relu", "softmax")[-1]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "exits": (lambda *args: sys.exit(1), 0),
        "not a function": ("softmax", 0),
        "overflows on large scores": (mlp_forward_naive_softmax, 3),
        "returns the scores": (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2 + b2, 0),
        "no hidden activation": (lambda X, W1, b1, W2, b2: softmax((X @ W1 + b1) @ W2 + b2), 0),
        "softmax over columns": (lambda X, W1, b1, W2, b2: softmax(
            (relu(X @ W1 + b1) @ W2 + b2).T).T, 0),
        "loses float32": (lambda *args: mlp_forward(*args).astype(np.float64), 3),
        "returns the hidden layer": (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1), 0),
    }),
    "q2": ([collapse_loop, collapse_linear,
            lambda c, i: list(collapse_linear(c, i))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns None": (lambda c, i: None, 0),
        "returns W only": (lambda c, i: collapse_linear(c, i)[0], 0),
        "a triple": (lambda c, i: (*collapse_linear(c, i), 0), 0),
        "last bias only": (collapse_forgets_bias_propagation, 1),   # right for 1 layer
        "transposed W": (lambda c, i: (collapse_linear(c, i)[0].T,
                                       collapse_linear(c, i)[1]), 0),
    }),
    "q3": ([Q3_ANSWER, np.float64(Q3_ANSWER), np.array(Q3_ANSWER), round(Q3_ANSWER, 3)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "the (1, 0) output": (0.76, 0),
        "the score, not the probability": (float(np.log(Q3_ANSWER / (1 - Q3_ANSWER))), 0),
        "a string": (str(Q3_ANSWER), 0),
        "an array of shape (1, 1)": (np.array([[Q3_ANSWER]]), 0),
    }),
    "q4": ([Q4_ANSWER, np.int64(Q4_ANSWER), float(Q4_ANSWER)], {
        "None": (None, 0),
        "weights only": (Q4_ANSWER - sum(ch06.Q4_SIZES[1:]), 0),
        "one off": (Q4_ANSWER + 1, 0),
        "a boolean": (True, 0),
        "a list": ([Q4_ANSWER], 0),
    }),
    "q5": ([silu_derivative, lambda z: expit(z) + z * expit(z) * expit(-z)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "the sigmoid": (expit, 1),                       # right only at large |z| and 0
        "forgets the product rule": (lambda z: z * expit(z) * (1 - expit(z)), 0),
        "the function itself": (lambda z: z * expit(z), 0),
        "flattens": (lambda z: silu_derivative(z).ravel(), 2),
        "returns a list": (lambda z: silu_derivative(z).tolist(), 0),
    }),
    "q6": (["c", "C", " c "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "gradient descent": ("a", 0),
        "d + 1 units": ("b", 0),
        "generalisation": ("d", 0),
        "not a letter": (3, 0),
        "not a choice": ("e", 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch06, CASES)


def test_messages_say_what_went_wrong():
    assert "got nan (overflow?)" in ch06.q1(mlp_forward_naive_softmax).message
    assert "expected a pair (W, b), got ndarray" in ch06.q2(
        lambda c, i: collapse_linear(c, i)[0]).message
    assert "expected a pair (W, b), got tuple of length 3" in ch06.q2(
        lambda c, i: (*collapse_linear(c, i), 0)).message
    assert "returned None" in ch06.q2(lambda c, i: None).message
    assert "expected shape (3, 4), got (12,)" in ch06.q5(
        lambda z: silu_derivative(z).ravel()).message
    assert "raised RuntimeError: 'student bug'" in ch06.q5(raises).message


def test_a_numeric_answer_is_not_revealed():
    message = ch06.q3(0.9).message
    assert "too large" in message and f"{Q3_ANSWER:.6g}" not in message
    assert "too small" in ch06.q4(Q4_ANSWER - 10).message
    assert str(Q4_ANSWER) not in ch06.q4(Q4_ANSWER - 10).message


def test_the_answer_gets_copies_of_the_inputs():
    def overwrites(coefs, intercepts):
        result = collapse_linear(coefs, intercepts)
        for W in coefs:
            W[...] = 0
        return result
    assert ch06.q2(overwrites).passed

    def overwrites_X(X, W1, b1, W2, b2):
        result = mlp_forward(X, W1, b1, W2, b2)
        X[...] = 0
        W1[...] = 0
        return result
    assert ch06.q1(overwrites_X).passed


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch06.q5, expit)


def test_exactly_one_choice_passes_question_6():
    assert [letter for letter in ch06.Q6_CHOICES if ch06.q6(letter).passed] == ["c"]


def test_silu_reference_and_question_3_input():
    z = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(ch06._silu(z), z / (1 + np.exp(-z)))
    assert 0.5 < Q3_ANSWER < 0.9        # on the XOR side of the threshold, not a corner value


def test_grade_question_finds_the_answers_by_name():
    assert grade_question("ch06", "q1", {"mlp_forward": mlp_forward}).passed
    assert grade_question("ch06", "q4", {"answer_q4": Q4_ANSWER}).passed
    result = grade_question("ch06", "q5", {})
    assert result.points == 0 and "`silu_derivative` is not defined" in result.message
