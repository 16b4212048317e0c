"""The chapter 06 checks tell right from wrong, name the usual mistakes, and never raise on
a wrong answer."""

import sys
import warnings

import numpy as np
from check_harness import (
    assert_the_number_stays_hidden,
    assert_the_same_line_every_time,
    shared_tests,
)
from scipy.special import expit

from coursepkg.course.checks import ch06, grade_question
from coursepkg.lessons.examples import xor_forward
from coursepkg.nn.activations import relu, softmax
from coursepkg.nn.feedforward import collapse_linear, forward
from coursepkg.nn.gradcheck import numerical_gradient

Q3_ANSWER = float(xor_forward(np.array([ch06.Q3_INPUT]))[-1][0, 0])
Q4_ANSWER = ch06._maxout_parameters(ch06.Q4_SIZES, ch06.Q4_PIECES)


def raises(*args):
    raise RuntimeError("student bug")


# ------------------------------------------------------------------------------ q1


def mlp_forward(X, W1, b1, W2, b2):
    H = np.maximum(X @ W1 + b1, 0)
    Z = H @ W2 + b2
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def mlp_forward_naive_softmax(X, W1, b1, W2, b2):
    E = np.exp(np.maximum(X @ W1 + b1, 0) @ W2 + b2)
    return E / E.sum(axis=1, keepdims=True)


# ------------------------------------------------------------------------------ q2


def local_affine(x, coefs, intercepts):
    a, W, b = x, np.eye(len(x)), np.zeros(len(x))
    for i, (W_l, b_l) in enumerate(zip(coefs, intercepts)):
        z = a @ W_l + b_l
        W, b = W @ W_l, b @ W_l + b_l
        if i < len(coefs) - 1:
            on = z > 0
            W, b, a = W * on, b * on, np.maximum(z, 0)
    return W, b


def local_affine_by_differences(x, coefs, intercepts):
    """The Jacobian by finite differences, and the intercept that goes with it."""
    def f(v):
        return forward(v[None], coefs, intercepts, "relu")[-1][0]
    W = np.array([(f(x + 1e-6 * e) - f(x - 1e-6 * e)) / 2e-6 for e in np.eye(len(x))])
    return W, f(x) - x @ W


def local_affine_variant(key):
    return lambda x, c, i: ch06._local_affine_variant(x, c, i, key)


# ------------------------------------------------------------------------------ q5


def silu_derivative(z):
    s = expit(z)
    return s * (1 + z * (1 - s))


# ------------------------------------------------------------------------------ q7


def softmax_ce_grad(Z, Y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return (E / E.sum(axis=1, keepdims=True) - Y) / len(Z)


def softmax_ce_grad_naive(Z, Y):
    E = np.exp(Z)
    return (E / E.sum(axis=1, keepdims=True) - Y) / len(Z)


def softmax_ce_grad_one_hot_only(Z, Y):
    """Uses a_k - 1 at the label and a_j elsewhere: right for one-hot targets only."""
    labels = Y.argmax(axis=1)
    return (softmax(Z) - np.eye(Z.shape[1])[labels]) / len(Z)


# question -> (right answers, {description: (wrong answer, points it still earns[, mistake])})
CASES = {
    "q1": ([mlp_forward, lambda X, W1, b1, W2, b2: softmax(relu(X @ W1 + b1) @ W2 + b2),
            lambda X, W1, b1, W2, b2: forward(X, [W1, W2], [b1, b2], "relu", "softmax")[-1]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "exits": (lambda *args: sys.exit(1), 0),
        "not a function": ("softmax", 0),
        "overflows on large scores": (mlp_forward_naive_softmax, 3, "overflow"),
        "returns the scores": (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2 + b2, 0,
                               "scores"),
        "no hidden activation": (lambda X, W1, b1, W2, b2: softmax((X @ W1 + b1) @ W2 + b2),
                                 0, "no_hidden_activation"),
        "softmax over columns": (lambda X, W1, b1, W2, b2: softmax(
            (relu(X @ W1 + b1) @ W2 + b2).T).T, 0, "columns"),
        "sigmoid output": (lambda X, W1, b1, W2, b2: expit(relu(X @ W1 + b1) @ W2 + b2), 0,
                           "sigmoid_output"),
        "loses float32": (lambda *args: mlp_forward(*args).astype(np.float64), 3, "dtype"),
        "returns the hidden layer": (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1), 0),
    }),
    "q2": ([local_affine, local_affine_by_differences,
            lambda x, c, i: list(local_affine(x, c, i))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns None": (lambda x, c, i: None, 0),
        "returns W only": (lambda x, c, i: local_affine(x, c, i)[0], 0),
        "a triple": (lambda x, c, i: (*local_affine(x, c, i), 0), 0),
        "ignores the ReLUs": (lambda x, c, i: collapse_linear(c, i), 0, "identity"),
        "bias not masked": (local_affine_variant("bias_unmasked"), 0, "bias_unmasked"),
        "masks the output": (local_affine_variant("output_relu"), 2, "output_relu"),
        "transposed W": (lambda x, c, i: (local_affine(x, c, i)[0].T,
                                          local_affine(x, c, i)[1]), 0, "transposed"),
    }),
    "q3": ([Q3_ANSWER, np.float64(Q3_ANSWER), np.array(Q3_ANSWER), round(Q3_ANSWER, 3)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "the (1, 0) output": (0.7645, 0, "corner"),
        "the score, not the probability": (
            float(np.log(Q3_ANSWER / (1 - Q3_ANSWER))), 0, "score"),
        "biases left out": (ch06._xor_variants(*ch06.Q3_INPUT)["no_bias"], 0, "no_bias"),
        "hidden sigmoids left out": (
            ch06._xor_variants(*ch06.Q3_INPUT)["no_hidden_sigmoid"], 0,
            "no_hidden_sigmoid"),
        "a string": (str(Q3_ANSWER), 0),
        "an array of shape (1, 1)": (np.array([[Q3_ANSWER]]), 0),
    }),
    "q4": ([Q4_ANSWER, np.int64(Q4_ANSWER), float(Q4_ANSWER)], {
        "None": (None, 0),
        "an ordinary network": (235146, 0, "plain"),
        "weights only": (ch06._maxout_parameters(ch06.Q4_SIZES, 3, "weights_only"), 0,
                         "weights_only"),
        "maxout output layer": (ch06._maxout_parameters(ch06.Q4_SIZES, 3, "k_output"), 0,
                                "k_output"),
        "input biases": (Q4_ANSWER + ch06.Q4_SIZES[0], 0, "input_biases"),
        "one off": (Q4_ANSWER + 1, 0),
        "a boolean": (True, 0),
        "a list": ([Q4_ANSWER], 0),
    }),
    "q5": ([silu_derivative, lambda z: expit(z) + z * expit(z) * expit(-z)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "the sigmoid": (expit, 1, "sigmoid"),
        "forgets the product rule": (lambda z: z * expit(z) * (1 - expit(z)), 0,
                                     "product_rule"),
        "the function itself": (lambda z: z * expit(z), 0, "function"),
        "flattens": (lambda z: silu_derivative(z).ravel(), 2, "shape"),
        "returns a list": (lambda z: silu_derivative(z).tolist(), 0),
    }),
    "q6": (["c", "C", " c "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "gradient descent": ("a", 0, "training"),
        "d + 1 units": ("b", 0, "width"),
        "generalisation": ("d", 0, "generalisation"),
        "outside the cube": ("e", 0, "domain"),
        "not a letter": (3, 0),
        "not a choice": ("f", 0),
    }),
    "q7": ([softmax_ce_grad, lambda Z, Y: (softmax(Z) - Y) / Z.shape[0]], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns None": (lambda Z, Y: None, 0),
        "summed loss": (lambda Z, Y: softmax(Z) - Y, 1, "sum"),
        "uphill": (lambda Z, Y: (Y - softmax(Z)) / len(Z), 0, "sign"),
        "diagonal of the Jacobian only": (lambda Z, Y: -Y * (1 - softmax(Z)) / len(Z), 0,
                                          "diagonal"),
        "logits for probabilities": (lambda Z, Y: (Z - Y) / len(Z), 0, "logits"),
        "transposed": (lambda Z, Y: softmax_ce_grad(Z, Y).T, 0, "transposed"),
        "overflows on large logits": (softmax_ce_grad_naive, 4),
        "one-hot targets only": (softmax_ce_grad_one_hot_only, 4),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch06, CASES)


def test_messages_say_what_went_wrong():
    assert "expected a pair (W, b), got ndarray" in ch06.q2(
        lambda x, c, i: local_affine(x, c, i)[0]).message
    assert "expected a pair (W, b), got tuple of length 3" in ch06.q2(
        lambda x, c, i: (*local_affine(x, c, i), 0)).message
    assert "returned None" in ch06.q2(lambda x, c, i: None).message
    assert "raised RuntimeError: 'student bug'" in ch06.q5(raises).message
    assert "case 'large logits" in ch06.q7(softmax_ce_grad_naive).message
    assert "case 'soft targets" in ch06.q7(softmax_ce_grad_one_hot_only).message


def test_a_numeric_answer_is_not_revealed():
    assert_the_number_stays_hidden(ch06.q3, Q3_ANSWER)
    assert_the_number_stays_hidden(ch06.q4, Q4_ANSWER)


def test_the_answer_gets_copies_of_the_inputs():
    def overwrites(x, coefs, intercepts):
        result = local_affine(x, coefs, intercepts)
        x[...] = 0
        for W in coefs:
            W[...] = 0
        return result
    assert ch06.q2(overwrites).passed
    assert ch06.q2(local_affine).passed

    def overwrites_X(X, W1, b1, W2, b2):
        result = mlp_forward(X, W1, b1, W2, b2)
        X[...] = 0
        W1[...] = 0
        return result
    assert ch06.q1(overwrites_X).passed


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch06.q5, expit)
    assert_the_same_line_every_time(ch06.q7, softmax_ce_grad_naive)


def test_exactly_one_choice_passes_question_6():
    assert [letter for letter in ch06.Q6_CHOICES if ch06.q6(letter).passed] == ["c"]


def test_the_references_follow_from_the_chapter():
    z = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(ch06._silu(z), z / (1 + np.exp(-z)))
    assert 0.5 < Q3_ANSWER < 0.9        # on the XOR side of the threshold, not a corner value
    # maxout with one piece is an ordinary network; by hand with three pieces
    assert ch06._maxout_parameters((4, 5, 2), 1) == (4 + 1) * 5 + (5 + 1) * 2
    assert Q4_ANSWER == 3 * 785 * 256 + 3 * 257 * 128 + 129 * 10
    # the local affine map matches the network's finite differences at every case
    for _, x, coefs, intercepts in ch06._q2_cases():
        for got, numeric in zip(ch06._local_affine_variant(x, coefs, intercepts),
                                local_affine_by_differences(x, coefs, intercepts)):
            np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-8)


def test_the_softmax_gradient_is_the_derived_formula():
    """The finite differences the check uses agree with (A - Y) / n on every case."""
    for _, Z, Y in ch06._q7_cases():
        numeric = numerical_gradient(lambda z: ch06._mean_cross_entropy(z, Y), Z.copy(),
                                     eps=1e-5)
        np.testing.assert_allclose(numeric, softmax_ce_grad(Z, Y), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ch06.Q7_Y.sum(axis=1), 1)


def test_grade_question_finds_the_answers_by_name():
    assert grade_question("ch06", "q1", {"mlp_forward": mlp_forward}).passed
    assert grade_question("ch06", "q4", {"answer_q4": Q4_ANSWER}).passed
    assert grade_question("ch06", "q7", {"softmax_ce_grad": softmax_ce_grad}).passed
    result = grade_question("ch06", "q5", {})
    assert result.points == 0 and "`silu_derivative` is not defined" in result.message


def test_a_wrong_answer_prints_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ch06.q7(lambda Z, Y: np.log(-np.abs(softmax_ce_grad(Z, Y)))).points == 0
