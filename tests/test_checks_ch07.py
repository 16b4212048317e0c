"""The chapter 07 checks tell right from wrong, name the usual mistakes, give partial credit
by case, and never raise on a wrong answer."""

import sys
import warnings

import numpy as np
import pytest
from check_harness import shared_tests

from coursepkg.course.checks import ch07, grade_question
from coursepkg.nn.activations import sigmoid
from coursepkg.nn.gradcheck import numerical_gradient


def raises(*args):
    raise RuntimeError("student bug")


# ------------------------------------------------------------------------------ q1


def gradients_221(x, y, W1, b1, w2, b2, hidden_slope="tanh", output_slope=True):
    h = np.tanh(x @ W1 + b1)
    y_hat = sigmoid(h @ w2 + b2)
    delta_out = (y_hat - y) * (y_hat * (1 - y_hat) if output_slope else 1.0)
    slope = 1 - h ** 2 if hidden_slope == "tanh" else h * (1 - h)
    delta_h = delta_out * w2 * slope
    return np.outer(x, delta_h), delta_h, delta_out * h, delta_out


def gradients_221_list(*args):
    dW1, db1, dw2, db2 = gradients_221(*args)
    return [dW1.tolist(), db1.tolist(), dw2.tolist(), [float(db2)]]   # lists, db2 of shape (1,)


def gradients_221_transposed(*args):
    dW1, db1, dw2, db2 = gradients_221(*args)
    return dW1.T, db1, dw2, db2


def gradients_221_sign(*args):
    return tuple(-g for g in gradients_221(*args))


def gradients_221_sigmoid_slope(*args):
    return gradients_221(*args, hidden_slope="sigmoid")


def gradients_221_no_output_slope(*args):
    return gradients_221(*args, output_slope=False)


def gradients_221_sigmoid_net(x, y, W1, b1, w2, b2):
    """The chapter's network, sigmoid hidden units: the new activation ignored."""
    h = sigmoid(x @ W1 + b1)
    y_hat = sigmoid(h @ w2 + b2)
    delta_out = (y_hat - y) * y_hat * (1 - y_hat)
    delta_h = delta_out * w2 * h * (1 - h)
    return np.outer(x, delta_h), delta_h, delta_out * h, delta_out


# ------------------------------------------------------------------------------ q4


def backward(X, Y, coefs, intercepts, mean=True, slope="relu"):
    A = [X]
    for layer, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = A[-1] @ W + b
        if layer < len(coefs) - 1:
            A.append(np.maximum(Z, 0))
        else:
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            A.append(E / E.sum(axis=1, keepdims=True))
    delta = (A[-1] - Y) / (len(X) if mean else 1)
    coef_grads, intercept_grads = [None] * len(coefs), [None] * len(coefs)
    for layer in reversed(range(len(coefs))):
        coef_grads[layer] = A[layer].T @ delta
        intercept_grads[layer] = delta.sum(axis=0)
        if layer:
            delta = delta @ coefs[layer].T
            if slope == "relu":
                delta = delta * (A[layer] > 0)
            elif slope == "sigmoid":
                delta = delta * A[layer] * (1 - A[layer])
    return coef_grads, intercept_grads


def backward_without_mean(*args):
    return backward(*args, mean=False)


def backward_sigmoid_slope(*args):
    return backward(*args, slope="sigmoid")


def backward_without_slope(*args):
    return backward(*args, slope=None)


def backward_transposed(*args):
    coef_grads, intercept_grads = backward(*args)
    return [g.T for g in coef_grads], intercept_grads


def backward_sign(*args):
    coef_grads, intercept_grads = backward(*args)
    return [-g for g in coef_grads], [-g for g in intercept_grads]


def backward_one_sample_only(X, Y, coefs, intercepts):
    if len(X) != 1:
        raise ValueError("only one sample")
    return backward(X, Y, coefs, intercepts)


# ------------------------------------------------------------------------------ numbers


def xor_values(x, y):
    a = sigmoid(np.array(x) @ ch07.XOR_COEFS[0] + ch07.XOR_INTERCEPTS[0])
    y_hat = sigmoid(a @ ch07.XOR_COEFS[1] + ch07.XOR_INTERCEPTS[1])[0]
    delta_out = (y_hat - y) * y_hat * (1 - y_hat)
    return a, y_hat, delta_out, delta_out * ch07.XOR_COEFS[1][:, 0] * a * (1 - a)


A_Q2, Y_HAT_Q2, DELTA_G, DELTAS_Q2 = xor_values(ch07.Q2_INPUT, ch07.Q2_TARGET)
NEW_BIAS = -1.5 - 10 * DELTAS_Q2[0]
_, _, _, DELTAS_Q5 = xor_values(ch07.Q5_INPUT, ch07.Q5_TARGET)
W1 = ch07.XOR_COEFS[0]
INPUT_GRADIENT = W1 @ DELTAS_Q5
SLOPES_Q5 = (lambda a: a * (1 - a))(sigmoid(np.array(ch07.Q5_INPUT) @ W1
                                            + ch07.XOR_INTERCEPTS[0]))

# question -> (right answers, {description: (wrong answer, points, mistake key)})
CASES = {
    "q1": ([gradients_221, gradients_221_list], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "exits": (lambda *a: sys.exit(1), 0),
        "returns None": (lambda *a: None, 0),
        "three gradients": (lambda *a: gradients_221(*a)[:3], 0),
        "dW1 transposed": (gradients_221_transposed, 2.4, "transposed"),
        "ascent direction": (gradients_221_sign, 0, "sign"),
        "the sigmoid's slope": (gradients_221_sigmoid_slope, 1.6, "sigmoid_slope"),
        "no output slope": (gradients_221_no_output_slope, 0, "output_slope"),
        "the chapter's sigmoid network": (gradients_221_sigmoid_net, 0, "sigmoid_units"),
        "strings": (lambda *a: ("a", "b", "c", "d"), 0),
    }),
    "q2": ([DELTA_G, np.float32(DELTA_G), np.array(DELTA_G), round(DELTA_G, 4)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "classic sign (y - y_hat)": (-DELTA_G, 0, "sign"),
        "no slope": (Y_HAT_Q2 - ch07.Q2_TARGET, 0, "no_slope"),
        "error (y - y_hat)^2, twice as large": (2 * DELTA_G, 0, "full_error"),
        "a string": (str(DELTA_G), 0),
        "nan": (float("nan"), 0),
    }),
    "q3": ([NEW_BIAS, round(NEW_BIAS, 3)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "unchanged": (-1.5, 0),
        "step uphill": (-1.5 + 10 * DELTAS_Q2[0], 0, "ascent"),
        "no hidden slope": (-1.5 - 10 * DELTAS_Q2[0] / (A_Q2[0] * (1 - A_Q2[0])), 0,
                            "no_hidden_slope"),
        "the output delta": (-1.5 - 10 * DELTA_G, 0, "output_delta"),
        "a list": ([NEW_BIAS], 0),
    }),
    "q4": ([backward], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns None": (lambda *a: None, 0),
        # right up to a factor on both batches, and right on the one-sample network
        "sum instead of mean": (backward_without_mean, 2.4, "mean"),
        "the sigmoid's slope": (backward_sigmoid_slope, 0, "sigmoid_slope"),
        "forgets the slope": (backward_without_slope, 0, "no_slope"),
        "transposed weight gradients": (backward_transposed, 0, "transposed"),
        "ascent direction": (backward_sign, 0, "sign"),
        "one sample only": (backward_one_sample_only, 0.8),
        "returns the weights": (lambda X, Y, c, i: (c, i), 0),
        "a single list": (lambda *a: backward(*a)[0], 0),
        "too few layers": (lambda *a: tuple(g[1:] for g in backward(*a)), 0),
    }),
    "q5": ([INPUT_GRADIENT, INPUT_GRADIENT.tolist(), tuple(INPUT_GRADIENT)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "through W1, not its transpose": (W1.T @ DELTAS_Q5, 0, "transposed"),
        "no hidden slope": (W1 @ (DELTAS_Q5 / SLOPES_Q5), 0, "no_hidden_slope"),
        "ascent direction": (-INPUT_GRADIENT, 0, "sign"),
        "the hidden deltas": (DELTAS_Q5, 0),
        "a number": (float(INPUT_GRADIENT[0]), 0),
        "a string": ("0.1", 0),
    }),
    "q6": (["b", "B", " b "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "the output delta": ("a", 0, "output_delta"),
        "the step h": ("c", 0, "step_size"),
        "the bias axis": ("d", 0, "bias_axis"),
        "not a letter": (2, 0),
        "not a choice": ("e", 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch07, CASES)


def test_the_weak_student_experiment():
    """A student with a transposed dW1, a sign flip in question 2 and a missing 1/n in
    question 4 reads messages that name each mistake, and keeps the points of what is right.
    """
    q1 = ch07.q1(gradients_221_transposed)
    assert "dW1 is transposed" in q1.message and 0 < q1.points < q1.max_points
    assert q1.points == pytest.approx(4 * 6 / 10)      # db1, dw2, db2 of both networks
    q2 = ch07.q2(-DELTA_G)
    assert "the sign is flipped" in q2.message
    q4 = ch07.q4(backward_without_mean)
    assert "1/n is missing" in q4.message and 0 < q4.points < q4.max_points
    assert q4.points == pytest.approx(4 * 3 / 5)       # the method twice, one sample right


def test_the_references_follow_from_the_network():
    assert ch07._xor_output_delta() == pytest.approx(DELTA_G, rel=1e-8)
    assert -1.5 - 10 * ch07._xor_bias_gradient() == pytest.approx(NEW_BIAS, rel=1e-8)
    np.testing.assert_allclose(ch07._input_gradient(), INPUT_GRADIENT, rtol=1e-7)


def test_the_finite_difference_reference_matches_the_formulas():
    rng = np.random.default_rng(0)
    args = (rng.normal(size=2), 1.0, rng.normal(size=(2, 2)), rng.normal(size=2),
            rng.normal(size=2), 0.4)
    for numeric, exact in zip(ch07._reference_gradients_221(*args), gradients_221(*args)):
        np.testing.assert_allclose(numeric, exact, rtol=1e-6, atol=1e-10)


def test_the_backward_reference_matches_the_softmax_derivation():
    for _, X, Y, coefs, intercepts in ch07._cases_backward():
        numeric_coefs, numeric_intercepts = ch07._reference_backward(X, Y, coefs, intercepts)
        exact_coefs, exact_intercepts = backward(X, Y, coefs, intercepts)
        for numeric, exact in zip(numeric_coefs + numeric_intercepts,
                                  exact_coefs + exact_intercepts):
            np.testing.assert_allclose(numeric, exact, rtol=1e-6, atol=1e-9)


def test_the_input_gradient_is_a_derivative():
    x = np.array(ch07.Q5_INPUT)

    def error():
        a = sigmoid(x @ W1 + ch07.XOR_INTERCEPTS[0])
        return 0.5 * (sigmoid(a @ ch07.XOR_COEFS[1] + ch07.XOR_INTERCEPTS[1])[0]) ** 2

    np.testing.assert_allclose(numerical_gradient(error, x), INPUT_GRADIENT, rtol=1e-6)


def test_messages_say_what_went_wrong():
    assert "expected a tuple (dW1, db1, dw2, db2)" in ch07.q1(
        lambda *a: gradients_221(*a)[:3]).message
    assert "should be a list of 3 arrays" in ch07.q4(
        lambda *a: tuple(g[1:] for g in backward(*a))).message
    assert "raised RuntimeError: 'student bug'" in ch07.q4(raises).message


def test_a_numeric_answer_is_not_revealed():
    message = ch07.q2(3 * DELTA_G).message
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
