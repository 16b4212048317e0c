"""Checks for chapter 07, Backpropagation (``exercises/07_backprop.ipynb``).

=====  ====================================================  =================  ==============
name   question                                              answer graded      kinds
=====  ====================================================  =================  ==============
q1     the nine derivatives of a 2-2-1 network with tanh     ``gradients_221``  derivation,
       hidden units                                                             new situation,
                                                                                code
q2     output delta of the XOR network (number)              ``answer_q2``      number
q3     one gradient-descent step by hand (number)            ``answer_q3``      number
q4     mini-batch backward pass, ReLU hidden layers and      ``backward``       new situation,
       a softmax output with the cross-entropy                                  code
q5     the gradient of the error with respect to the input   ``answer_q5``      derivation,
                                                                                new situation
q6     where a gradient check locates a bug (choice)         ``answer_q6``      choice
=====  ====================================================  =================  ==============

Every derivative is checked against central finite differences
(:func:`coursepkg.nn.gradcheck.numerical_gradient`) of the cost computed with the package's
forward pass; the XOR network is :func:`coursepkg.lessons.examples.xor_network`. Each question
declares the usual mistakes it recognises; their candidate answers are computed here, from
the same inputs, and a wrong answer that matches one is named. Questions 1 and 4 give partial
credit: each gradient array (question 1) and, for each network, the gradients up to a common
factor and their values (question 4) are cases of their own. Every random input comes from a
generator with a fixed seed, so a check prints the same line every time it sees the same
answer.
"""

from __future__ import annotations

import warnings

import numpy as np

from coursepkg.course.checks import (QuestionSet, StudentError, answer_once, describe,
                                     missing_answer)
from coursepkg.lessons.examples import xor_network
from coursepkg.nn.activations import relu, sigmoid, softmax
from coursepkg.nn.feedforward import forward_pass
from coursepkg.nn.gradcheck import numerical_gradient
from coursepkg.nn.losses import categorical_cross_entropy, half_squared_error

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "XOR_COEFS", "XOR_INTERCEPTS",
           "Q2_INPUT", "Q2_TARGET", "Q3_LEARNING_RATE", "Q5_INPUT", "Q5_TARGET",
           "Q6_CHOICES"]

QUESTIONS = QuestionSet("ch07")

# ------------------------------------------------------------------------ the XOR network

#: The XOR network of the chapter in (fan_in, fan_out) form, hidden units D and E, output G.
XOR_COEFS, XOR_INTERCEPTS = xor_network()
_SIGMOIDS = ("sigmoid", "sigmoid")

#: Input and target of questions 2 and 3; learning rate of question 3.
Q2_INPUT = (0.0, 0.0)
Q2_TARGET = 0.0
Q3_LEARNING_RATE = 10.0

#: Input and target of question 5.
Q5_INPUT = (1.0, 1.0)
Q5_TARGET = 0.0


def _xor_error(x, y):
    """``E = (y_hat - y)^2 / 2`` of the XOR network at the input row ``x``."""
    cache = forward_pass(np.asarray(x, dtype=float)[np.newaxis], XOR_COEFS, XOR_INTERCEPTS,
                         _SIGMOIDS)
    return half_squared_error(np.array([[y]]), cache.a[-1])


def _xor_values(x, y):
    """Forward values and deltas of the XOR network at ``x`` in closed form: the
    activations ``(a_hidden (2,), y_hat)``, the output delta, the hidden deltas (2,) and the
    hidden slopes (2,)."""
    a_hidden = sigmoid(np.asarray(x, dtype=float) @ XOR_COEFS[0] + XOR_INTERCEPTS[0])
    y_hat = float(sigmoid(a_hidden @ XOR_COEFS[1][:, 0] + XOR_INTERCEPTS[1][0]))
    delta_out = (y_hat - y) * y_hat * (1 - y_hat)
    slopes = a_hidden * (1 - a_hidden)
    return a_hidden, y_hat, delta_out, delta_out * XOR_COEFS[1][:, 0] * slopes, slopes


def _xor_output_delta():
    """``dE/dz_G`` at ``Q2_INPUT``, by finite differences through the output's net input."""
    a_hidden, _, _, _, _ = _xor_values(Q2_INPUT, Q2_TARGET)
    z_G = np.array([a_hidden @ XOR_COEFS[1][:, 0] + XOR_INTERCEPTS[1][0]])
    return float(numerical_gradient(
        lambda: 0.5 * (float(sigmoid(z_G[0])) - Q2_TARGET) ** 2, z_G)[0])


def _xor_bias_gradient():
    """``dE/db_D`` at ``Q2_INPUT``, by finite differences."""
    intercepts = [b.copy() for b in XOR_INTERCEPTS]

    def error():
        cache = forward_pass(np.array([Q2_INPUT]), XOR_COEFS, intercepts, _SIGMOIDS)
        return half_squared_error(np.array([[Q2_TARGET]]), cache.a[-1])

    return float(numerical_gradient(error, intercepts[0])[0])


def _input_gradient():
    """``dE/dx`` of the XOR network at ``Q5_INPUT``, by finite differences, shape (2,)."""
    x = np.array(Q5_INPUT, dtype=float)
    return numerical_gradient(lambda: _xor_error(x, Q5_TARGET), x)


# ------------------------------------------------------------------------------ helpers


def _as_arrays(got, count, what):
    """The reader's sequence ``got`` of ``count`` entries, each made a float array."""
    if got is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(got, (tuple, list)) or len(got) != count:
        raise StudentError(f"expected {what}, got {type(got).__name__} {describe(got)}")
    arrays = []
    for item in got:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                array = np.asarray(item, dtype=float)
        except (TypeError, ValueError) as error:
            raise StudentError(f"an entry is not numeric: {str(error)[:40]}") from None
        arrays.append(array)
    return arrays


def _named(check, name, compare):
    """Run ``compare()``; a failure's message starts with the array's ``name``, unless it
    names a mistake, which says which array it is about."""
    diagnosed = len(check.diagnosed)
    try:
        compare()
    except StudentError as failure:
        if len(check.diagnosed) > diagnosed:
            raise
        raise StudentError(f"{name}: {failure}") from None


# ------------------------------------------------------------------------------ question 1


def _cost_221(x, y, W1, b1, w2, b2):
    """``E = (y_hat - y)^2 / 2`` with ``y_hat = sigmoid(tanh(x @ W1 + b1) @ w2 + b2)``."""
    cache = forward_pass(x[np.newaxis], [W1, w2[:, np.newaxis]], [b1, np.array([b2])],
                         ("tanh", "sigmoid"))
    return half_squared_error(np.array([[y]]), cache.a[-1])


def _reference_gradients_221(x, y, W1, b1, w2, b2):
    """Central finite differences of the 2-2-1 network's error; ``(dW1, db1, dw2, db2)``
    with shapes (2, 2), (2,), (2,) and () (a 0-d array)."""
    params = [np.array(W1, dtype=float), np.array(b1, dtype=float),
              np.array(w2, dtype=float), np.array(b2, dtype=float).reshape(1)]
    grads = [numerical_gradient(lambda: _cost_221(x, y, params[0], params[1], params[2],
                                                  params[3][0]), p) for p in params]
    return grads[0], grads[1], grads[2], grads[3].reshape(())


def _gradients_221_variant(x, y, W1, b1, w2, b2, variant):
    """The four arrays as a usual mistake computes them (closed forms)."""
    z = x @ W1 + b1
    h = sigmoid(z) if variant == "sigmoid_units" else np.tanh(z)
    y_hat = float(sigmoid(h @ w2 + b2))
    output_slope = 1.0 if variant == "output_slope" else y_hat * (1 - y_hat)
    delta_out = (y_hat - y) * output_slope
    sigmoid_slope = variant in ("sigmoid_slope", "sigmoid_units")
    hidden_slope = h * (1 - h) if sigmoid_slope else 1 - h ** 2
    delta_h = delta_out * w2 * hidden_slope
    return np.outer(x, delta_h), delta_h, delta_out * h, np.array(delta_out)


def _cases_221():
    rng = np.random.default_rng(71)
    cases = [("random network, target 1", rng.normal(size=2), 1.0,
              rng.normal(size=(2, 2)), rng.normal(size=2), rng.normal(size=2),
              float(rng.normal()))]
    # Unequal hidden units and a target far from the output: every derivative matters.
    cases.append(("asymmetric network, negative input", np.array([-1.5, 0.5]), 0.0,
                  np.array([[0.5, -2.0], [1.5, 0.3]]), np.array([0.1, -0.4]),
                  np.array([-1.2, 2.2]), 0.3))
    return cases


@QUESTIONS.question(
    "q1", points=4, title="the nine derivatives of a tanh 2-2-1 network",
    answer_name="gradients_221", kinds=("derivation", "new situation", "code"),
    hints=("Run the forward pass first and keep what the chain rule will need. Work from "
           "the output back: one delta per unit, then every weight's derivative from the "
           "delta of the unit it feeds.",
           "Only the hidden activation changed from the chapter's network: its slope, "
           "written with the unit's output, is the one thing to derive anew (differentiate "
           "tanh). Each array has the shape of the parameter it differentiates: row i of "
           "dW1 belongs to input i."),
    mistakes={
        "transposed": "dW1 is transposed: row i must hold the derivatives of the weights "
                      "leaving input i, the shape (fan_in, fan_out) of W1",
        "sign": "the sign is flipped: these are the derivatives of -E",
        "sigmoid_slope": "the hidden units are tanh, but the hidden deltas use the "
                         "sigmoid's slope a (1 - a)",
        "output_slope": "the output delta lacks the slope of the output sigmoid: with the "
                        "squared error, dE/dz of the output is not y_hat - y",
        "sigmoid_units": "these are the derivatives of the chapter's network, with sigmoid "
                         "hidden units; this network's hidden units are tanh",
    },
)
def q1(check, gradients_221):
    """``gradients_221(x, y, W1, b1, w2, b2)`` returns ``(dW1, db1, dw2, db2)``; each array
    of each network is a case (dW1 weighs 2), so a wrong array costs only its share."""
    names, weights = ("dW1", "db1", "dw2", "db2"), (2, 1, 1, 1)
    for label, x, y, W1, b1, w2, b2 in _cases_221():
        args = (x, y, W1, b1, w2, b2)
        expected = _reference_gradients_221(*args)
        variants = {key: _gradients_221_variant(*args, key)
                    for key in ("sigmoid_slope", "output_slope", "sigmoid_units")}
        memo = {}

        def answer():
            got = check.call(gradients_221, *args)
            return _as_arrays(got, 4, "a tuple (dW1, db1, dw2, db2)")

        for k, (name, weight) in enumerate(zip(names, weights)):
            with check.case(f"{label}: {name}", weight=weight):
                arrays = answer_once(memo, answer)
                array, reference = arrays[k], expected[k]
                if reference.ndim == 0 and array.shape == (1,):
                    array = array.reshape(())
                mistakes = {"transposed": reference.T} if name == "dW1" else {}
                mistakes.update({"sign": -reference,
                                 "sigmoid_slope": variants["sigmoid_slope"][k],
                                 "output_slope": variants["output_slope"][k],
                                 "sigmoid_units": variants["sigmoid_units"][k]})
                _named(check, name, lambda: check.same_array(
                    array, reference, rtol=1e-5, atol=1e-8, mistakes=mistakes))


# -------------------------------------------------------------------------- questions 2, 3


@QUESTIONS.question(
    "q2", points=1, title="output delta of the XOR network", answer_name="answer_q2",
    kinds=("number",),
    hints=("Run the forward pass at this input through D and E to the output, without "
           "rounding; the delta is a derivative of the error E, not of the output.",
           "It is the product of two factors, the derivative of E with respect to y_hat "
           "and the slope of the output sigmoid at its net input; the slope can be written "
           "with y_hat alone."),
    mistakes={
        "sign": "the sign is flipped: a delta is dE/dz, positive when a larger z would "
                "increase the error",
        "no_slope": "the slope of the output sigmoid is missing: this is dE/dy_hat, not "
                    "dE/dz_G",
        "full_error": "this is the delta of (y_hat - y)^2, without the factor 1/2 of E",
    },
)
def q2(check, answer_q2):
    """``dE/dz_G`` at ``Q2_INPUT`` with target ``Q2_TARGET`` (1 % tolerance)."""
    _, y_hat, delta_out, _, _ = _xor_values(Q2_INPUT, Q2_TARGET)
    with check.case(f"input {Q2_INPUT}, target {Q2_TARGET:g}"):
        check.same_number(answer_q2, _xor_output_delta(), rtol=0.01,
                          mistakes={"sign": -delta_out, "no_slope": y_hat - Q2_TARGET,
                                    "full_error": 2 * delta_out})


@QUESTIONS.question(
    "q3", points=1, title="one gradient-descent step on the XOR network",
    answer_name="answer_q3", kinds=("number",),
    hints=("The bias of D moves by minus the learning rate times dE/db_D, and dE/db_D is "
           "D's own delta.",
           "D's delta comes from the output delta of question 2, sent back along the weight "
           "from D to G and multiplied by D's own slope at this input."),
    mistakes={
        "ascent": "the step goes up the gradient: gradient descent subtracts the learning "
                  "rate times the derivative",
        "no_hidden_slope": "D's delta lacks D's own slope sigma'(z_D)",
        "output_delta": "this step uses the output delta delta_G for D's bias: D's delta "
                        "has to be sent back through the weight w_GD first",
    },
)
def q3(check, answer_q3):
    """New bias of hidden unit D after one step at ``Q2_INPUT`` (1 % tolerance)."""
    _, _, delta_out, delta_hidden, slopes = _xor_values(Q2_INPUT, Q2_TARGET)
    b_D, eta = float(XOR_INTERCEPTS[0][0]), Q3_LEARNING_RATE
    expected = b_D - eta * _xor_bias_gradient()
    with check.case(f"input {Q2_INPUT}, target {Q2_TARGET:g}, learning rate {eta:g}"):
        check.same_number(answer_q3, expected, rtol=0.01, mistakes={
            "ascent": b_D + eta * delta_hidden[0],
            "no_hidden_slope": b_D - eta * delta_hidden[0] / slopes[0],
            "output_delta": b_D - eta * delta_out})


# ------------------------------------------------------------------------------ question 4


def _forward_relu_softmax(X, coefs, intercepts):
    """Activations ``A[0] = X, ..., A[-1]`` (softmax probabilities) of a ReLU network."""
    A = [X]
    for layer, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = A[-1] @ W + b
        A.append(softmax(Z) if layer == len(coefs) - 1 else relu(Z))
    return A


def _reference_backward(X, Y, coefs, intercepts):
    """Central finite differences of the mean cross-entropy, for every weight and bias."""
    coefs = [W.copy() for W in coefs]
    intercepts = [b.copy() for b in intercepts]

    def cost():
        return categorical_cross_entropy(Y, _forward_relu_softmax(X, coefs, intercepts)[-1])

    return ([numerical_gradient(cost, W) for W in coefs],
            [numerical_gradient(cost, b) for b in intercepts])


def _backward_variant(X, Y, coefs, intercepts, variant):
    """The gradients as a usual mistake computes them (closed forms)."""
    A = _forward_relu_softmax(X, coefs, intercepts)
    delta = (A[-1] - Y) / (1 if variant == "mean" else len(X))
    coef_grads, intercept_grads = [None] * len(coefs), [None] * len(coefs)
    for layer in reversed(range(len(coefs))):
        coef_grads[layer] = A[layer].T @ delta
        intercept_grads[layer] = delta.sum(axis=0)
        if layer:
            delta = delta @ coefs[layer].T
            if variant == "sigmoid_slope":
                delta = delta * A[layer] * (1 - A[layer])
            elif variant != "no_slope":
                delta = delta * (A[layer] > 0)
    return coef_grads, intercept_grads


def _cases_backward():
    rng = np.random.default_rng(74)
    cases = []
    for label, n, sizes in [("6 samples, 3-4-5-3", 6, (3, 4, 5, 3)),
                            ("5 samples, 2-3-3-4", 5, (2, 3, 3, 4)),
                            ("1 sample, 4-3-2", 1, (4, 3, 2))]:
        X = rng.normal(size=(n, sizes[0]))
        Y = np.eye(sizes[-1])[rng.integers(sizes[-1], size=n)]
        coefs = [rng.normal(size=(m, k)) for m, k in zip(sizes[:-1], sizes[1:])]
        intercepts = [rng.normal(scale=0.5, size=k) for k in sizes[1:]]
        cases.append((label, X, Y, coefs, intercepts))
    return cases


def _gradient_lists(check, got, coefs, intercepts):
    """The reader's ``(coef_grads, intercept_grads)`` as float arrays of the right shapes."""
    if got is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise StudentError("expected a pair (coef_grads, intercept_grads)")
    lists = []
    for kind, grads, params in (("coef_grads", got[0], coefs),
                                ("intercept_grads", got[1], intercepts)):
        if not isinstance(grads, (tuple, list)) or len(grads) != len(params):
            raise StudentError(f"{kind} should be a list of {len(params)} arrays, one per "
                               f"layer")
        arrays = _as_arrays(grads, len(params), f"{kind}, one array per layer")
        for layer, (grad, param) in enumerate(zip(arrays, params)):
            if kind == "coef_grads" and grad.shape == param.shape[::-1] != param.shape:
                raise check.mistake("transposed")
            if grad.shape != param.shape:
                raise StudentError(f"{kind}[{layer}]: expected shape {param.shape}, "
                                   f"got {grad.shape}")
        lists.append(arrays)
    return lists


def _flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays])


@QUESTIONS.question(
    "q4", points=4, title="mini-batch backward pass, ReLU and softmax",
    answer_name="backward", kinds=("new situation", "code"),
    hints=("Keep every layer's activations from one forward pass. The softmax output with "
           "the cross-entropy gives an output delta as simple as the sigmoid's with the "
           "binary cross-entropy; chapter 6 and this chapter show why.",
           "J is a mean over the n rows, so every gradient carries a 1/n. Going back through "
           "a hidden layer multiplies by the slope of ReLU, which depends only on whether "
           "the unit was active. Each gradient has the shape of its parameter."),
    mistakes={
        "mean": "the gradients are n times too large: J is the mean over the n samples, "
                "and its 1/n is missing",
        "transposed": "a weight gradient is transposed: coef_grads[l] must have the shape "
                      "(fan_in, fan_out) of coefs[l]",
        "sigmoid_slope": "the hidden layers are ReLU, but the delta is multiplied by the "
                         "sigmoid's slope A (1 - A)",
        "no_slope": "the delta goes back through the weights without the slope of the "
                    "hidden activation",
        "sign": "the sign is flipped: these are the gradients of -J",
    },
)
def q4(check, backward):
    """``backward(X, Y, coefs, intercepts)`` returns ``(coef_grads, intercept_grads)``.

    For each network with several samples, one case checks the gradients up to a common
    positive factor (the method), another their values (the scale, where a missing 1/n
    shows); the one-sample network is one case.
    """
    for label, X, Y, coefs, intercepts in _cases_backward():
        expected_coefs, expected_intercepts = _reference_backward(X, Y, coefs, intercepts)
        expected = _flat(expected_coefs + expected_intercepts)
        variants = {}
        for key in ("mean", "sigmoid_slope", "no_slope"):
            variant_coefs, variant_intercepts = _backward_variant(X, Y, coefs, intercepts,
                                                                  key)
            variants[key] = _flat(variant_coefs + variant_intercepts)
        variants["sign"] = -expected
        memo = {}

        def answer():
            got = check.call(backward, X, Y, [W.copy() for W in coefs],
                             [b.copy() for b in intercepts])
            grads, biases = _gradient_lists(check, got, coefs, intercepts)
            return _flat(grads + biases)

        if len(X) > 1:
            with check.case(f"{label}: the gradients up to a common factor"):
                got = answer_once(memo, answer)
                factor = float(got @ expected / (expected @ expected))
                if not (factor > 0 and np.allclose(got, factor * expected, rtol=1e-5,
                                                   atol=1e-8)):
                    check.same_array(got, expected, rtol=1e-5, atol=1e-8,
                                     mistakes={k: v for k, v in variants.items()
                                               if k != "mean"})
        with check.case(f"{label}: the values"):
            got = answer_once(memo, answer)
            check.same_array(got, expected, rtol=1e-5, atol=1e-8, mistakes=variants)


# ------------------------------------------------------------------------------ question 5


@QUESTIONS.question(
    "q5", points=2, title="the gradient with respect to the input",
    answer_name="answer_q5", kinds=("derivation", "new situation"),
    hints=("The input is the activation of layer 0: the delta rule that sends a delta from "
           "one layer to the one before it reaches it too, but layer 0 has no activation "
           "function.",
           "Compute the output delta and the hidden deltas at this input as in questions 2 "
           "and 3, then send the hidden deltas back through the first weight matrix, "
           "transposed as in BP2. The answer has one entry per input, shape (2,)."),
    mistakes={
        "transposed": "the hidden deltas went back through W1 instead of its transpose: "
                      "entry i must collect the weights leaving input i",
        "no_hidden_slope": "the hidden deltas lack the hidden units' slope sigma'(z)",
        "sign": "the sign is flipped: this is the gradient of -E",
    },
)
def q5(check, answer_q5):
    """``dE/dx`` of the XOR network at ``Q5_INPUT`` with target ``Q5_TARGET``, shape (2,)."""
    _, _, _, delta_hidden, slopes = _xor_values(Q5_INPUT, Q5_TARGET)
    W1 = XOR_COEFS[0]
    expected = _input_gradient()
    with check.case(f"input {Q5_INPUT}, target {Q5_TARGET:g}"):
        missing = missing_answer(answer_q5, check.answer_name)
        if missing:
            raise StudentError(missing)
        got = _as_arrays([answer_q5], 1, "an array of shape (2,)")[0]
        check.same_array(got, expected, rtol=1e-4, atol=1e-9, mistakes={
            "transposed": W1.T @ delta_hidden,
            "no_hidden_slope": W1 @ (delta_hidden / slopes),
            "sign": -expected})


# ------------------------------------------------------------------------------ question 6

#: Choices of question 6 (printed by the exercise notebook from here). A gradient check of
#: a network with three sigmoid layers gives relative errors near 1e-10 for the output
#: layer's weights and biases and near 0.3 for the weights and biases of both hidden layers.
#: Where is the bug most likely?
Q6_CHOICES = {
    "a": "In the output delta, since every other gradient is computed from it.",
    "b": "In the step that carries a delta back from one layer to the layer before.",
    "c": "In the finite differences: a step h that small lets rounding spoil them.",
    "d": "In the bias gradients, which sum the deltas over the wrong axis of the batch.",
}
_Q6_ANSWER = "b"


@QUESTIONS.question(
    "q6", points=1, title="where a gradient check locates a bug", answer_name="answer_q6",
    kinds=("choice",),
    hints=("Ask, for each option, which layers' gradients it would spoil and by roughly "
           "how much, and compare with the errors reported.",
           "The output layer's gradients are computed before anything is sent backwards; "
           "errors of rounding are of the order of 1e-6 at worst, everywhere."),
    mistakes={
        "output_delta": "a wrong output delta would spoil the output layer's gradients "
                        "too, and those agree to 1e-10",
        "step_size": "rounding in the finite differences would show in every layer alike, "
                     "and far below 0.3",
        "bias_axis": "a bias bug would leave the weight gradients right, and here the "
                     "hidden weights are wrong too",
    },
)
def q6(check, answer_q6):
    """Multiple choice: which part of a backward pass a layer-by-layer check points to."""
    with check.case("multiple choice"):
        check.same_choice(answer_q6, _Q6_ANSWER, choices="".join(Q6_CHOICES),
                          mistakes={"a": "output_delta", "c": "step_size",
                                    "d": "bias_axis"})
