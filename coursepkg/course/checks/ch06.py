"""Checks for chapter 06, Multilayer perceptrons (``exercises/06_mlp.ipynb``).

====  =================================================  ===================
name  question                                           answer graded
====  =================================================  ===================
q1    forward pass ``mlp_forward(X, W1, b1, W2, b2)``    ``mlp_forward``
q2    collapse identity layers ``collapse(coefs, ...)``  ``collapse``
q3    output of the XOR network on a new input           ``answer_q3``
q4    number of parameters of an MLP                     ``answer_q4``
q5    derivative of SiLU, ``silu_derivative(z)``         ``silu_derivative``
q6    what the universal approximation theorem says      ``answer_q6``
====  =================================================  ===================

The references are :mod:`coursepkg.nn.feedforward`, :mod:`coursepkg.lessons.examples` and central finite
differences from :mod:`coursepkg.nn.gradcheck`. Every check draws its random inputs from a
generator with a fixed seed, so a check prints the same line every time it sees the same answer.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from coursepkg.course.checks import QuestionSet, StudentError
from coursepkg.lessons.examples import xor_forward
from coursepkg.nn.feedforward import collapse_linear, count_parameters, forward
from coursepkg.nn.gradcheck import numerical_gradient

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q3_INPUT", "Q4_SIZES",
           "Q6_CHOICES"]

QUESTIONS = QuestionSet("ch06")

#: The input of question 3, fed to the book's XOR network.
Q3_INPUT = (0.25, 0.5)
#: The layer widths of question 4 (inputs, two hidden layers, outputs).
Q4_SIZES = (784, 256, 128, 10)
#: Choices of question 6 (printed by the exercise notebook from here).
Q6_CHOICES = {
    "a": "Gradient descent on a network with one hidden layer of sigmoid units always finds "
         "weights whose output is within any given distance of f.",
    "b": "One hidden layer of d + 1 sigmoid units is enough to approximate every continuous "
         "function on [0, 1]^d as closely as we like.",
    "c": "For every continuous f on [0, 1]^d and every tolerance, some network with one hidden "
         "layer of sigmoid units is within that tolerance of f at every point of [0, 1]^d.",
    "d": "A network whose output is within a tolerance of f at the training points is also "
         "within that tolerance at new points.",
}
_Q6_ANSWER = "c"


def _silu(z):
    """SiLU (swish) activation ``z * sigmoid(z)``, elementwise."""
    return z * expit(z)


def _random_layers(rng, sizes, dtype=np.float64, scale=1.0):
    coefs = [(scale * rng.normal(size=(m, n))).astype(dtype)
             for m, n in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(size=n).astype(dtype) for n in sizes[1:]]
    return coefs, intercepts


@QUESTIONS.question(
    "q1", points=4, title="forward pass of a two-layer MLP", answer_name="mlp_forward",
    hints=("H = relu(X @ W1 + b1) has shape (n_samples, n_hidden); the output is the row-wise "
         "softmax of H @ W2 + b2, after subtracting each row's maximum",))
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
            check.same_array(check.call(mlp_forward, X, W1, b1, W2, b2), expected,
                             check_dtype=dtype == np.float32)


def _pair(got):
    """``(W, b)`` from the answer, or a :class:`StudentError` saying what it returned."""
    if got is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise StudentError(f"expected a pair (W, b), got {type(got).__name__}"
                           + (f" of length {len(got)}" if isinstance(got, (tuple, list))
                              else ""))
    return got


@QUESTIONS.question(
    "q2", points=3, title="collapse of identity layers", answer_name="collapse",
    hints=("fold the layers from the first: (A W1 + b1) W2 + b2 = A (W1 W2) + (b1 W2 + b2), "
         "so keep W <- W @ W_next and b <- b @ W_next + b_next",))
def q2(check, collapse):
    """``collapse(coefs, intercepts)`` returns the single ``(W, b)`` of an identity MLP."""
    rng = np.random.default_rng(62)
    for label, sizes in [("3 layers, 3 -> 8 -> 6 -> 2", (3, 8, 6, 2)),
                         ("1 layer, 4 -> 3", (4, 3)),
                         ("4 layers, 5 -> 4 -> 7 -> 3 -> 1", (5, 4, 7, 3, 1))]:
        with check.case(label):
            coefs, intercepts = _random_layers(rng, sizes)
            W_expected, b_expected = collapse_linear(coefs, intercepts)
            W, b = _pair(check.call(collapse, coefs, intercepts))
            check.same_array(W, W_expected)
            check.same_array(b, b_expected)


@QUESTIONS.question(
    "q3", points=2, title="XOR network on a new input", answer_name="answer_q3",
    hints=("z_D = 3.7 x1 + 3.7 x2 - 1.5 and z_E = 2.9 x1 + 2.9 x2 - 4.5; then "
         "z_G = 4.5 sigmoid(z_D) - 5.2 sigmoid(z_E) - 2.0 and the output is sigmoid(z_G)",))
def q3(check, answer_q3):
    """The book's XOR network's output for the input ``Q3_INPUT`` (1 % tolerance)."""
    expected = float(xor_forward(np.array([Q3_INPUT]))[-1][0, 0])
    with check.case(f"input {Q3_INPUT}", weight=2):
        check.same_number(answer_q3, expected, rtol=0.01)


@QUESTIONS.question(
    "q4", points=1, title="number of parameters", answer_name="answer_q4",
    hints=("layer l has a (n_{l-1}, n_l) weight matrix and n_l biases: "
         "sum (n_{l-1} + 1) * n_l over the layers",))
def q4(check, answer_q4):
    """Weights plus biases of a dense network with widths ``Q4_SIZES`` (exact)."""
    with check.case(f"layer widths {Q4_SIZES}"):
        check.same_number(answer_q4, count_parameters(Q4_SIZES), rtol=1e-9)


@QUESTIONS.question(
    "q5", points=3, title="derivative of SiLU", answer_name="silu_derivative",
    hints=("product rule: d/dz [z sigmoid(z)] = sigmoid(z) + z sigmoid'(z), and "
         "sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)); use scipy.special.expit for sigmoid",))
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
            check.same_array(check.call(silu_derivative, z), expected, rtol=1e-5, atol=1e-6)


@QUESTIONS.question(
    "q6", points=1, title="universal approximation", answer_name="answer_q6",
    hints=("the theorem is about existence: it promises that some weights exist, on a bounded "
         "domain, for a large enough width; not how many units, nor how to find them, nor "
         "anything about new data",))
def q6(check, answer_q6):
    """Multiple choice: what Cybenko's theorem states."""
    with check.case("multiple choice"):
        check.same_choice(answer_q6, _Q6_ANSWER, choices="".join(Q6_CHOICES))
