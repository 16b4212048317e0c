"""The chapter 07 checks tell right from wrong, and never raise on a wrong answer."""

import sys
import warnings

import numpy as np
import pytest
from check_harness import shared_tests

from coursepkg.course.checks import ch07, grade_question
from coursepkg.nn.activations import sigmoid


def raises(*args):
    raise RuntimeError("student bug")


def gradients_221(x, y, W1, b1, w2, b2):
    h = sigmoid(x @ W1 + b1)
    y_hat = sigmoid(h @ w2 + b2)
    delta_out = (y_hat - y) * y_hat * (1 - y_hat)
    delta_h = delta_out * w2 * h * (1 - h)
    return np.outer(x, delta_h), delta_h, delta_out * h, delta_out


def gradients_221_list(*args):
    dW1, db1, dw2, db2 = gradients_221(*args)
    return [dW1.tolist(), db1.tolist(), dw2.tolist(), [float(db2)]]   # lists, db2 of shape (1,)


def gradients_221_transposed(*args):
    dW1, db1, dw2, db2 = gradients_221(*args)
    return dW1.T, db1, dw2, db2


def gradients_221_sign(*args):
    return tuple(-g for g in gradients_221(*args))


def gradients_221_new_w2(x, y, W1, b1, w2, b2):
    """Sends delta back through the updated output weights (a classic slip)."""
    dW1, db1, dw2, db2 = gradients_221(x, y, W1, b1, w2, b2)
    return gradients_221(x, y, W1, b1, w2 - 10 * dw2, b2)[:2] + (dw2, db2)


def backward(X, Y, coefs, intercepts, hidden_slope=True):
    A = [X]
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = A[-1] @ W + b
        A.append(Z if i == len(coefs) - 1 else sigmoid(Z))
    delta = (A[-1] - Y) / len(X)
    coef_grads, intercept_grads = [None] * len(coefs), [None] * len(coefs)
    for i in reversed(range(len(coefs))):
        coef_grads[i] = A[i].T @ delta
        intercept_grads[i] = delta.sum(axis=0)
        if i:
            delta = delta @ coefs[i].T
            if hidden_slope:
                delta = delta * A[i] * (1 - A[i])
    return coef_grads, intercept_grads


def backward_without_mean(X, Y, coefs, intercepts):
    coef_grads, intercept_grads = backward(X, Y, coefs, intercepts)
    return [len(X) * g for g in coef_grads], [len(X) * g for g in intercept_grads]


def backward_without_slope(X, Y, coefs, intercepts):
    """Forgets sigma'(Z): right for the last layer only."""
    return backward(X, Y, coefs, intercepts, hidden_slope=False)


def backward_one_sample_only(X, Y, coefs, intercepts):
    if len(X) != 1:
        raise ValueError("only one sample")
    return backward(X, Y, coefs, intercepts)


DELTA_G = ch07._xor_output_delta()
NEW_BIAS = ch07._xor_bias_after_step()

# question -> (correct answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([gradients_221, gradients_221_list], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "exits": (lambda *a: sys.exit(1), 0),
        "returns None": (lambda *a: None, 0),
        "three gradients": (lambda *a: gradients_221(*a)[:3], 0),
        "dW1 transposed": (gradients_221_transposed, 0),
        "ascent direction": (gradients_221_sign, 0),
        "uses updated output weights": (gradients_221_new_w2, 0),
        "strings": (lambda *a: ("a", "b", "c", "d"), 0),
    }),
    "q2": ([DELTA_G, np.float32(DELTA_G), np.array(DELTA_G), round(DELTA_G, 4)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "classic sign (y - y_hat)": (-DELTA_G, 0),
        "error (y - y_hat)^2, twice as large": (2 * DELTA_G, 0),
        "a string": (str(DELTA_G), 0),
        "nan": (float("nan"), 0),
    }),
    "q3": ([NEW_BIAS, round(NEW_BIAS, 3)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "unchanged": (-1.5, 0),
        "step uphill": (-1.5 - (NEW_BIAS + 1.5), 0),
        "the change only": (NEW_BIAS + 1.5, 0),
        "a list": ([NEW_BIAS], 0),
    }),
    "q4": ([backward], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns None": (lambda *a: None, 0),
        "sum instead of mean": (backward_without_mean, 1),   # the 1-sample case passes
        "forgets sigma'": (backward_without_slope, 0),
        "one sample only": (backward_one_sample_only, 1),
        "returns the weights": (lambda X, Y, c, i: (c, i), 0),
        "a single list": (lambda *a: backward(*a)[0], 0),
        "too few layers": (lambda *a: tuple(g[1:] for g in backward(*a)), 0),
    }),
    "q5": ([0.25, 1 / 4, np.float64(0.25)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "max of sigma": (1.0, 0),
        "sigma at 0": (0.5, 0),
        "a string": ("1/4", 0),
        "a boolean": (True, 0),
    }),
    "q6": (["b", "B", " b "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "the gradients": ("a", 0),
        "only the output": ("c", 0),
        "not a letter": (2, 0),
        "not a choice": ("e", 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch07, CASES)


def test_the_reference_numbers_follow_from_the_network():
    # Forward pass of the XOR network at (0, 0), by hand.
    a_D, a_E = sigmoid(-1.5), sigmoid(-4.5)
    y_hat = sigmoid(4.5 * a_D - 5.2 * a_E - 2.0)
    delta_G = (y_hat - 0.0) * y_hat * (1 - y_hat)
    assert DELTA_G == pytest.approx(delta_G, rel=1e-12)
    delta_D = delta_G * 4.5 * a_D * (1 - a_D)
    assert NEW_BIAS == pytest.approx(-1.5 - 10 * delta_D, rel=1e-12)
    assert ch07._max_sigmoid_slope() == 0.25


def test_the_finite_difference_reference_matches_the_formulas():
    rng = np.random.default_rng(0)
    args = (rng.normal(size=2), 1.0, rng.normal(size=(2, 2)), rng.normal(size=2),
            rng.normal(size=2), 0.4)
    for numeric, exact in zip(ch07._reference_gradients_221(*args), gradients_221(*args)):
        np.testing.assert_allclose(numeric, exact, rtol=1e-6, atol=1e-10)


def test_messages_say_what_went_wrong():
    assert "dW1: at [0, 1] expected" in ch07.q1(gradients_221_transposed).message
    assert "expected a tuple (dW1, db1, dw2, db2)" in ch07.q1(
        lambda *a: gradients_221(*a)[:3]).message
    message = ch07.q4(backward_without_slope).message
    assert "coef_grads[0]: at [0, 0] expected" in message
    assert "should be a list of 3 arrays" in ch07.q4(
        lambda *a: tuple(g[1:] for g in backward(*a))).message
    assert "raised RuntimeError: 'student bug'" in ch07.q4(raises).message


def test_a_numeric_answer_is_not_revealed():
    message = ch07.q2(2 * DELTA_G).message
    assert "too large" in message and f"{DELTA_G:.6g}" not in message
    assert "too small" in ch07.q3(-2.0).message


def test_only_one_choice_passes_question_6():
    assert [letter for letter in ch07.Q6_CHOICES if ch07.q6(letter).passed] == ["b"]


def test_the_answer_gets_copies_of_the_inputs():
    def overwrites(X, Y, coefs, intercepts):
        result = backward(X, Y, coefs, intercepts)
        X[...] = 0
        for W in coefs:
            W[...] = 0
        return result
    assert ch07.q4(overwrites).passed
    assert ch07.q4(backward).passed        # the next call still sees the original weights


def test_grade_question_finds_the_answers():
    assert grade_question("ch07", "q4", {"backward": backward}).passed
    result = grade_question("ch07", "q1", {})
    assert result.points == 0 and "`gradients_221` is not defined" in result.message


def test_a_wrong_answer_prints_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ch07.q1(lambda *a: tuple(np.log(-np.abs(g)) for g in gradients_221(*a))
                       ).points == 0
        assert ch07.q4(lambda *a: tuple([g * np.inf for g in gs] for gs in backward(*a))
                       ).points == 0
