"""Checks for chapter 06, Multilayer perceptrons (``exercises/06_mlp.ipynb``).

=====  ===================================================  ====================  ============
name   question                                             answer graded         kinds
=====  ===================================================  ====================  ============
q1     forward pass ``mlp_forward(X, W1, b1, W2, b2)``      ``mlp_forward``       code
q2     local affine map of a ReLU network at a point        ``local_affine``      new situation,
                                                                                  code
q3     output of the XOR network on a new input             ``answer_q3``         number
q4     parameters of a maxout network (number)              ``answer_q4``         new situation,
                                                                                  number
q5     derivative of SiLU, ``silu_derivative(z)``           ``silu_derivative``   derivation
q6     what the universal approximation theorem says        ``answer_q6``         choice
q7     gradient of softmax + mean cross-entropy in Z        ``softmax_ce_grad``   derivation,
                                                                                  new situation
=====  ===================================================  ====================  ============

The references are :mod:`coursepkg.nn.feedforward`, :mod:`coursepkg.lessons.examples` and
central finite differences from :mod:`coursepkg.nn.gradcheck` (questions 2, 5 and 7 are
checked against them). Every check draws its random inputs from a generator with a fixed
seed, so a check prints the same line every time it sees the same answer. Each question
declares the usual mistakes it recognises; their candidate answers are computed here, from
the same inputs.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logsumexp

from coursepkg.course.checks import QuestionSet, StudentError
from coursepkg.lessons.examples import xor_forward, xor_network
from coursepkg.nn.activations import softmax
from coursepkg.nn.feedforward import collapse_linear, count_parameters, forward
from coursepkg.nn.gradcheck import numerical_gradient

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "Q2_X", "Q2_COEFS",
           "Q2_INTERCEPTS", "Q3_INPUT", "Q4_SIZES", "Q4_PIECES", "Q6_CHOICES", "Q7_Z",
           "Q7_Y"]

QUESTIONS = QuestionSet("ch06")

# ----------------------------------------------------------------------- question data

#: Question 2's worked instance: a 3-4-3-2 ReLU network and one input.
_Q2_RNG = np.random.default_rng(625)
Q2_COEFS = [np.round(_Q2_RNG.normal(size=(m, k)), 1) for m, k in ((3, 4), (4, 3), (3, 2))]
Q2_INTERCEPTS = [np.round(_Q2_RNG.normal(size=k), 1) for k in (4, 3, 2)]
Q2_X = np.array([0.5, -1.0, 2.0])
#: The input of question 3, fed to the book's XOR network.
Q3_INPUT = (0.25, 0.5)
#: The layer widths of question 4 (inputs, two hidden maxout layers, outputs) and the
#: number of linear pieces of each maxout unit.
Q4_SIZES = (784, 256, 128, 10)
Q4_PIECES = 3
#: Question 7's worked instance: logits of 3 samples over 4 classes and one-hot targets.
Q7_Z = np.array([[2.0, -1.0, 0.5, 0.0],
                 [0.1, 0.2, 3.0, -2.0],
                 [-1.0, 1.5, 1.4, 0.3]])
Q7_Y = np.eye(4)[[0, 3, 1]]

# ------------------------------------------------------------------------------ helpers


def _random_layers(rng, sizes, dtype=np.float64, scale=1.0):
    coefs = [(scale * rng.normal(size=(m, n))).astype(dtype)
             for m, n in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(size=n).astype(dtype) for n in sizes[1:]]
    return coefs, intercepts


def _pair(got, what="a pair (W, b)"):
    """``(W, b)`` from the answer, or a :class:`StudentError` saying what it returned."""
    if got is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise StudentError(f"expected {what}, got {type(got).__name__}"
                           + (f" of length {len(got)}" if isinstance(got, (tuple, list))
                              else ""))
    return got


# -------------------------------------------------------------------------- question 1


def _q1_variants(X, W1, b1, W2, b2):
    H = np.maximum(X @ W1 + b1, 0)
    scores = H @ W2 + b2
    return {"scores": scores,
            "no_hidden_activation": softmax((X @ W1 + b1) @ W2 + b2),
            "columns": softmax(scores.T).T,
            "sigmoid_output": expit(scores)}


@QUESTIONS.question(
    "q1", points=4, title="forward pass of a two-layer MLP", answer_name="mlp_forward",
    kinds=("code",),
    hints=("Two layers, each 'multiply by the weights, add the bias, apply the activation'. "
           "Check the shape of every intermediate array against the chapter's table; the "
           "probabilities of one sample lie along one row.",
           "Softmax is invariant to adding the same constant to every score of a row; use "
           "that to keep each exponent at most 0 (np.max with axis=1 and keepdims=True). "
           "Normalise each row by its own sum, and let NumPy keep the dtype of the inputs."),
    mistakes={
        "overflow": "the result holds inf or nan: the exponentials overflow on large "
                    "scores; the softmax is not computed in its stable form",
        "scores": "these are the output scores, before the softmax: the output activation "
                  "is missing",
        "no_hidden_activation": "the hidden layer has no ReLU: the network computes one "
                                "affine map followed by the softmax",
        "columns": "the softmax normalises the columns (over the samples) instead of each "
                   "row (over the classes)",
        "sigmoid_output": "the output applies a sigmoid to each score: the rows do not "
                          "sum to 1",
        "dtype": "the values are right but a float32 input came back in another dtype",
    },
)
def q1(check, mlp_forward):
    """``mlp_forward(X, W1, b1, W2, b2)``: ReLU hidden layer, softmax output probabilities."""
    rng = np.random.default_rng(61)
    cases = [("6 samples, 4 -> 5 -> 3", (6, 4, 5, 3), np.float64, 1.0),
             ("1 sample, 2 -> 3 -> 2", (1, 2, 3, 2), np.float64, 1.0),
             ("float32 kept, 8 -> 16 -> 10", (5, 8, 16, 10), np.float32, 1.0),
             ("large scores (|z| near 1000)", (4, 3, 6, 4), np.float64, 60.0)]
    for label, (n, d, h, k), dtype, scale in cases:
        with check.case(label):
            X = rng.normal(size=(n, d)).astype(dtype)
            (W1, W2), (b1, b2) = _random_layers(rng, (d, h, k), dtype, scale)
            expected = forward(X, [W1, W2], [b1, b2], "relu", "softmax")[-1]
            got = check.call(mlp_forward, X, W1, b1, W2, b2)
            if (isinstance(got, np.ndarray) and got.shape == expected.shape
                    and np.issubdtype(got.dtype, np.floating)
                    and not np.isfinite(got).all()):
                raise check.mistake("overflow")
            check.same_array(got, expected,
                             mistakes=_q1_variants(X, W1, b1, W2, b2))
            if got.dtype != expected.dtype:
                raise check.mistake("dtype")


# -------------------------------------------------------------------------- question 2


def _local_affine_variant(x, coefs, intercepts, variant=None):
    """``(W, b)`` with ``f(x') = x' @ W + b`` near ``x`` for a ReLU network with an identity
    output, or that map as a usual mistake computes it."""
    a = np.asarray(x, dtype=np.float64)
    W, b = np.eye(len(a)), np.zeros(len(a))
    last = len(coefs) - 1
    for layer, (W_l, b_l) in enumerate(zip(coefs, intercepts)):
        z = a @ W_l + b_l
        W, b = W @ W_l, b @ W_l + b_l
        if layer < last or variant == "output_relu":
            mask = (z > 0).astype(float)
            W = W * mask
            if variant != "bias_unmasked":
                b = b * mask
            a = np.maximum(z, 0)
        else:
            a = z
    return W, b


def _q2_cases():
    rng = np.random.default_rng(62)
    cases = [("the printed network at the printed x", Q2_X, Q2_COEFS, Q2_INTERCEPTS)]
    for label, sizes in [("random 5 -> 6 -> 4 -> 3", (5, 6, 4, 3)),
                         ("one hidden layer, 2 -> 8 -> 1", (2, 8, 1)),
                         ("three hidden layers, 4 -> 7 -> 5 -> 6 -> 2", (4, 7, 5, 6, 2))]:
        coefs, intercepts = _random_layers(rng, sizes)
        cases.append((label, rng.normal(size=sizes[0]), coefs, intercepts))
    return cases


@QUESTIONS.question(
    "q2", points=4, title="local affine map of a ReLU network", answer_name="local_affine",
    kinds=("new situation", "code"),
    hints=("Near a point where no pre-activation is exactly 0, each hidden ReLU unit either "
           "passes its input unchanged or outputs 0, and stays that way for small moves of "
           "x. So each hidden layer acts like a linear layer whose inactive units are "
           "switched off; the chapter's collapse then applies.",
           "Run the forward pass at x and record, for each hidden layer, which units have a "
           "positive pre-activation. Fold the layers as the chapter does, but after each "
           "hidden layer multiply the columns of the running W, and the entries of the "
           "running b, by that 0/1 pattern. The output layer is not masked."),
    mistakes={
        "identity": "this is the collapse of the network with identity activations: the "
                    "ReLUs that are off at x must switch their units off",
        "bias_unmasked": "the weights are masked but the running bias is not: an inactive "
                         "unit's bias term still reaches the next layer",
        "output_relu": "the output layer is masked too, but its activation is the identity",
        "transposed": "W is transposed: it must have shape (n_inputs, n_outputs), like a "
                      "weight matrix in the book",
    },
)
def q2(check, local_affine):
    """``local_affine(x, coefs, intercepts)`` returns ``(W, b)`` with ``f = x' @ W + b``
    near ``x`` (ReLU hidden layers, identity output)."""
    for label, x, coefs, intercepts in _q2_cases():
        with check.case(label):
            W_expected, b_expected = _local_affine_variant(x, coefs, intercepts)
            # The reference is right: it reproduces the network at x and its finite
            # differences there.
            assert np.allclose(x @ W_expected + b_expected,
                               forward(x[None], coefs, intercepts, "relu")[-1][0])
            W, b = _pair(check.call(local_affine, x, [W.copy() for W in coefs],
                                    [b.copy() for b in intercepts]))
            identity = collapse_linear(coefs, intercepts)
            variants = {key: _local_affine_variant(x, coefs, intercepts, key)
                        for key in ("bias_unmasked", "output_relu")}
            check.same_array(W, W_expected,
                             mistakes={"identity": identity[0],
                                       "output_relu": variants["output_relu"][0],
                                       "transposed": W_expected.T})
            check.same_array(b, b_expected,
                             mistakes={"bias_unmasked": variants["bias_unmasked"][1],
                                       "output_relu": variants["output_relu"][1]})


# -------------------------------------------------------------------------- question 3


def _xor_variants(x1, x2):
    (W1, W2), (b1, b2) = xor_network()
    x = np.array([x1, x2])
    z_hidden = x @ W1 + b1
    z_out = float((expit(z_hidden) @ W2 + b2)[0])
    return {"score": z_out,
            "corner": float(xor_forward(np.array([[1.0, 0.0]]))[-1][0, 0]),
            "no_bias": float(expit(expit(x @ W1) @ W2)[0]),
            "no_hidden_sigmoid": float(expit(z_hidden @ W2 + b2)[0])}


@QUESTIONS.question(
    "q3", points=2, title="XOR network on a new input", answer_name="answer_q3",
    kinds=("number",),
    hints=("Repeat the chapter's hand computation for (1, 0), with the new inputs: first "
           "the two hidden units, then the output unit.",
           "Each unit computes its weighted sum plus its bias, then applies the sigmoid "
           "(expit). The output unit's inputs are the two hidden activations, not their "
           "pre-activations, and the answer is the output unit's activation."),
    mistakes={
        "score": "this is the output unit's pre-activation z_G, not its activation a_G",
        "corner": "this is the output at the corner (1, 0), computed in the chapter, not at "
                  "this input",
        "no_bias": "the biases are left out of the units' weighted sums",
        "no_hidden_sigmoid": "the output unit is fed the hidden pre-activations: the "
                             "hidden sigmoids are missing",
    },
)
def q3(check, answer_q3):
    """The book's XOR network's output for the input ``Q3_INPUT`` (1 % tolerance)."""
    expected = float(xor_forward(np.array([Q3_INPUT]))[-1][0, 0])
    with check.case(f"input {Q3_INPUT}", weight=2):
        check.same_number(answer_q3, expected, rtol=0.01,
                          mistakes=_xor_variants(*Q3_INPUT))


# -------------------------------------------------------------------------- question 4


def _maxout_parameters(sizes, pieces, variant=None):
    """Weights and biases of a network whose hidden layers are maxout units of ``pieces``
    linear pieces each (a weight vector and a bias per piece), with a dense output layer."""
    total = 0
    last = len(sizes) - 2
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        k = pieces if (layer < last or variant == "k_output") else 1
        if variant == "plain":
            k = 1
        bias = 0 if variant == "weights_only" else 1
        total += k * (fan_in + bias) * fan_out
    if variant == "input_biases":
        total += sizes[0]
    return total


@QUESTIONS.question(
    "q4", points=2, title="parameters of a maxout network", answer_name="answer_q4",
    kinds=("new situation", "number"),
    hints=("Count layer by layer. A maxout unit is not one linear function of its inputs "
           "but several; how many weights and biases does one unit hold? The output layer "
           "is an ordinary dense layer.",
           "A hidden layer of n_l maxout units on n_(l-1) inputs holds Q4_PIECES times the "
           "parameters of an ordinary dense layer of the same widths; the chapter's "
           "formula gives those. The input layer has no parameters. The answer is an "
           "exact integer."),
    mistakes={
        "plain": "this is the count of an ordinary dense network: each maxout unit has one "
                 "weight vector and one bias per linear piece",
        "weights_only": "the biases are missing: each linear piece of a maxout unit, and "
                        "each output unit, has its own bias",
        "k_output": "the output layer is counted as a maxout layer too; it is an ordinary "
                    "dense layer",
        "input_biases": "the input layer is counted with biases: the inputs are data, "
                        "they have no parameters",
    },
)
def q4(check, answer_q4):
    """Weights plus biases of the maxout network with widths ``Q4_SIZES`` (exact)."""
    assert _maxout_parameters(Q4_SIZES, 1) == count_parameters(Q4_SIZES)
    with check.case(f"widths {Q4_SIZES}, {Q4_PIECES} pieces", weight=2):
        check.same_number(answer_q4, _maxout_parameters(Q4_SIZES, Q4_PIECES), rtol=1e-12,
                          mistakes={key: _maxout_parameters(Q4_SIZES, Q4_PIECES, key)
                                    for key in ("plain", "weights_only", "k_output",
                                                "input_biases")})


# -------------------------------------------------------------------------- question 5


def _silu(z):
    """SiLU (swish) activation ``z * sigmoid(z)``, elementwise."""
    return z * expit(z)


@QUESTIONS.question(
    "q5", points=3, title="derivative of SiLU", answer_name="silu_derivative",
    kinds=("derivation",),
    hints=("SiLU is a product of two functions of z; which rule differentiates a product? "
           "You also need the sigmoid's derivative, which the chapter's table gives in "
           "terms of the sigmoid itself.",
           "Differentiate z and sigma(z) separately, combine them with the product rule, "
           "and factor sigma(z) out. Compute sigma(z) once with expit (no overflow at "
           "z = -800) and reuse it; keep the shape of z."),
    mistakes={
        "sigmoid": "this is sigma(z): the term that differentiates the sigmoid factor is "
                   "missing from the product rule",
        "product_rule": "this is z sigma'(z): the term that differentiates the factor z is "
                        "missing from the product rule",
        "function": "this is SiLU itself, not its derivative",
        "shape": "the values are right but the array lost the shape of z",
    },
)
def q5(check, silu_derivative):
    """``silu_derivative(z)`` matches central finite differences of ``z * sigmoid(z)``."""
    rng = np.random.default_rng(65)
    cases = [("20 random z", rng.normal(scale=3, size=20)),
             ("matrix (3, 4), keeps the shape", rng.normal(scale=2, size=(3, 4))),
             ("large |z|: -800, -40, 0, 40, 800", np.array([-800.0, -40.0, 0.0, 40.0, 800.0]))]
    for label, z in cases:
        with check.case(label):
            # elementwise function: the gradient of the sum is the vector of derivatives
            expected = numerical_gradient(lambda x: _silu(x).sum(), z.copy(), eps=1e-6)
            s = expit(z)
            check.same_array(check.call(silu_derivative, z), expected, rtol=1e-5, atol=1e-6,
                             mistakes={"sigmoid": s, "product_rule": z * s * (1 - s),
                                       "function": _silu(z), "shape": expected.ravel()})


# -------------------------------------------------------------------------- question 6

#: Choices of question 6 (printed by the exercise notebook from here).
Q6_CHOICES = {
    "a": "Gradient descent started from small random weights reaches, for enough hidden "
         "sigmoid units, a network within eps of f on [0, 1]^d.",
    "b": "A width of d + 1 hidden sigmoid units is always enough to come within any eps "
         "of a continuous f on the cube [0, 1]^d.",
    "c": "For any continuous f and any eps > 0, some finite width and some weights keep "
         "the network within eps of f everywhere on [0, 1]^d.",
    "d": "A network within eps of f at every training point of [0, 1]^d is also within "
         "eps of f at points it was not trained on.",
    "e": "Some network with one sigmoid hidden layer stays within eps of a continuous f "
         "on all of R^d, far outside the unit cube too.",
}
_Q6_ANSWER = "c"


@QUESTIONS.question(
    "q6", points=1, title="universal approximation", answer_name="answer_q6",
    kinds=("choice",),
    hints=("Read the theorem's statement word by word: what does it quantify over ('for "
           "every ... there are ...'), and where must the approximation hold?",
           "Then read the chapter's list of what the theorem does not say: each wrong "
           "option claims one of those things (a width, a training method, new data, or a "
           "domain)."),
    mistakes={
        "training": "the theorem is about existence: it says nothing about whether gradient "
                    "descent finds such weights",
        "width": "the theorem gives no bound on the width, and none that small",
        "generalisation": "the theorem says nothing about new points: fitting training "
                          "points is not approximating f everywhere",
        "domain": "the theorem holds on a bounded set; outside it the approximation can be "
                  "arbitrarily bad",
    },
)
def q6(check, answer_q6):
    """Multiple choice: what Cybenko's theorem states."""
    with check.case("multiple choice"):
        check.same_choice(answer_q6, _Q6_ANSWER, choices="".join(Q6_CHOICES),
                          mistakes={"a": "training", "b": "width", "d": "generalisation",
                                    "e": "domain"})


# -------------------------------------------------------------------------- question 7


def _mean_cross_entropy(Z, Y):
    """``-mean over samples of sum_k Y log softmax(Z)``, computed stably."""
    return float(-np.sum(Y * (Z - logsumexp(Z, axis=1, keepdims=True))) / len(Z))


def _q7_variants(Z, Y):
    A, n = softmax(Z), len(Z)
    return {"sum": A - Y, "sign": (Y - A) / n,
            "diagonal": -Y * (1 - A) / n,
            "logits": (Z - Y) / n,
            "transposed": ((A - Y) / n).T}


def _q7_cases():
    rng = np.random.default_rng(67)
    cases = [("the printed Z and Y (3 samples, 4 classes)", Q7_Z, Q7_Y)]
    labels = rng.integers(0, 5, size=8)
    cases.append(("8 samples, 5 classes", rng.normal(scale=2, size=(8, 5)),
                  np.eye(5)[labels]))
    cases.append(("1 sample, 2 classes", rng.normal(size=(1, 2)), np.array([[0.0, 1.0]])))
    soft = rng.dirichlet(np.ones(3), size=6)
    cases.append(("soft targets (each row sums to 1), 6 samples", rng.normal(size=(6, 3)),
                  soft))
    labels = rng.integers(0, 3, size=5)
    cases.append(("large logits (|z| up to about 1200)", rng.normal(scale=900, size=(5, 3)),
                  np.eye(3)[labels]))
    return cases


@QUESTIONS.question(
    "q7", points=5, title="gradient of softmax + cross-entropy", answer_name="softmax_ce_grad",
    kinds=("derivation", "new situation"),
    hints=("J depends on the logit z_ij through every probability of row i, not only a_ij: "
           "softmax couples the classes. Write log a_ik = z_ik - log sum_j exp(z_ij) and "
           "differentiate that with respect to z_ij instead of going through a_ik.",
           "The derivative of log sum_j exp(z_ij) with respect to z_ij is a softmax "
           "probability. Sum over k using that each row of Y sums to 1, keep the 1/n of the "
           "mean, and remember the minus sign in front of J. Compute the probabilities "
           "stably, then test your function against finite differences of J."),
    mistakes={
        "sum": "this is the gradient of the summed loss: the factor 1/n of the mean is "
               "missing",
        "sign": "the sign is flipped: this gradient points uphill",
        "diagonal": "the softmax derivative is taken element-wise (only the diagonal of its "
                    "Jacobian): each probability depends on every logit of its row",
        "logits": "the logits Z are used where the softmax probabilities belong",
        "transposed": "the gradient is transposed: dJ/dZ has the shape of Z, "
                      "(n_samples, n_classes)",
    },
)
def q7(check, softmax_ce_grad):
    """``softmax_ce_grad(Z, Y)`` is ``dJ/dZ`` of the mean categorical cross-entropy of
    ``softmax(Z)`` against ``Y``, checked against central finite differences."""
    for label, Z, Y in _q7_cases():
        with check.case(label):
            expected = numerical_gradient(lambda z: _mean_cross_entropy(z, Y), Z.copy(),
                                          eps=1e-5)
            got = check.call(softmax_ce_grad, Z, Y)
            if got is None:
                raise StudentError("returned None (is the function finished?)")
            check.same_array(got, expected, rtol=1e-5, atol=1e-7,
                             mistakes=_q7_variants(Z, Y))
