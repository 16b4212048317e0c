"""Checks for chapter 02, Neural networks: the idea (``exercises/02_idea.ipynb``).

====  ============================================  ====================
name  question                                      answer graded
====  ============================================  ====================
q1    McCulloch–Pitts unit ``threshold_unit``       ``threshold_unit``
q2    weights and threshold of a NOR unit           ``nor_unit``
q3    a network of threshold units for XOR          ``xor_layers``
q4    parameters of a network from its layer sizes  ``count_parameters``
q5    half-height radius of a Gaussian RBF unit     ``answer_q5``
q6    forward pass of a feed-forward network        ``forward``
====  ============================================  ====================

The references are :mod:`coursepkg.lessons.neurons` and :mod:`coursepkg.nn.feedforward` (built on
:func:`coursepkg.nn.layers.dense` and :mod:`coursepkg.nn.activations`) and the truth tables of
:func:`coursepkg.data.logic_gate`.
Every check draws its random inputs from a generator with a fixed seed, so a check prints the
same line every time it sees the same answer.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.data import logic_gate
from coursepkg.lessons.neurons import rbf_unit, threshold_unit
from coursepkg.nn import activations
from coursepkg.nn.feedforward import count_parameters as reference_count_parameters
from coursepkg.nn.feedforward import forward_pass

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q4_EXAMPLE", "Q5_WIDTH"]

QUESTIONS = QuestionSet("ch02")


def _output_of_layers(X, layers, activation):
    """Output of the network ``layers = [(W, b), ...]`` with ``activation`` after every layer."""
    layers = list(layers)
    coefs, intercepts = [W for W, _ in layers], [b for _, b in layers]
    return forward_pass(X, coefs, intercepts, [activation] * len(layers)).a[-1]


def _answer_given(check, answer):
    """Raise :class:`StudentError` while ``answer`` is still a placeholder."""
    missing = missing_answer(answer, check.answer_name)
    if missing:
        raise StudentError(missing)


# ------------------------------------------------------------------------------- questions


@QUESTIONS.question(
    "q1", points=3, title="McCulloch-Pitts threshold unit", answer_name="threshold_unit",
    hints=("compute the weighted sum X @ weights for every row, subtract the threshold and "
         "apply coursepkg.nn.activations.step, which gives 1 at exactly 0: the unit fires when "
         "the sum reaches the threshold",))
def q1(check, answer):
    """``threshold_unit(X, weights, threshold)`` returns ``step(X @ weights - threshold)``."""
    rng = np.random.default_rng(21)
    cases = [
        ("6 random samples, 3 inputs", rng.normal(size=(6, 3)), rng.normal(size=3), 0.3),
        ("sums exactly at the threshold", np.array([[1.0, 1.0], [0.5, 0.5], [0.0, 0.99]]),
         np.array([1.0, 1.0]), 1.0),
        ("1 sample, 1 input, negative weight", np.array([[2.0]]), np.array([-1.0]), -3.0),
    ]
    for label, X, weights, threshold in cases:
        with check.case(label):
            check.same_array(check.call(answer, X, weights, threshold),
                             threshold_unit(X, weights, threshold))


def _unit_parameters(check, answer):
    _answer_given(check, answer)
    try:
        weights, threshold = answer
    except (TypeError, ValueError):
        raise StudentError("expected a pair (weights, threshold), got "
                           f"{type(answer).__name__} {describe(answer)}") from None
    return weights, threshold


@QUESTIONS.question(
    "q2", points=2, title="a McCulloch-Pitts unit for NOR", answer_name="nor_unit",
    hints=("NOR fires only for the input (0, 0): make every input inhibit the unit (negative "
         "weights) and choose a threshold that the sum 0 reaches but the sum of one active "
         "input does not",))
def q2(check, nor_unit):
    """``nor_unit = (weights, threshold)`` computes NOR on the four inputs of its truth table."""
    X, y = logic_gate("NOR")
    with check.case("the NOR truth table", weight=2):
        weights, threshold = _unit_parameters(check, nor_unit)
        check.same_array(check.call(threshold_unit, X, weights, threshold), y)


@QUESTIONS.question(
    "q3", points=2, title="XOR from threshold units", answer_name="xor_layers",
    hints=("no single threshold unit computes XOR; use a hidden layer of two units (OR and "
         "NAND, say), then an output unit that computes the AND of them. A unit with "
         "threshold theta has bias -theta; W of each layer has shape (fan_in, fan_out)",))
def q3(check, xor_layers):
    """``xor_layers = [(W1, b1), (W2, b2), ...]`` of step units computes XOR, shape (4, 1)."""
    X, y = logic_gate("XOR")
    with check.case("the XOR truth table", weight=2):
        _answer_given(check, xor_layers)
        output = check.call(lambda: _output_of_layers(X, xor_layers, "step"))
        check.same_array(output, y[:, np.newaxis].astype(float))


#: The architecture whose size question 4's statement works out as an example.
Q4_EXAMPLE = (784, 128, 10)


@QUESTIONS.question(
    "q4", points=3, title="parameters of a feed-forward network", answer_name="count_parameters",
    hints=("a layer from d_in to d_out units has a (d_in, d_out) weight matrix and d_out "
         "biases; add this over consecutive pairs of layer sizes",))
def q4(check, count_parameters):
    """``count_parameters(layer_sizes)`` is the number of weights and biases (exact)."""
    rng = np.random.default_rng(24)
    cases = [("(784, 128, 10)", Q4_EXAMPLE),
             ("no hidden layer (4, 1)", (4, 1)),
             ("4 random layers", tuple(int(s) for s in rng.integers(1, 60, size=5)))]
    for label, sizes in cases:
        with check.case(label):
            got = check.call(count_parameters, sizes)
            if got is None:
                raise StudentError("returned None (is the function finished?)")
            check.same_number(got, reference_count_parameters(sizes), rtol=1e-12)


#: The width (standard deviation) of the RBF unit of question 5.
Q5_WIDTH = 1.5


def _half_height_radius(width):
    """Distance from the centre at which :func:`coursepkg.lessons.neurons.rbf_unit` outputs 1/2,
    found numerically (no formula) from the package's unit."""
    def above_half(r):
        return rbf_unit(np.array([[r, 0.0]]), np.zeros(2), width)[0] - 0.5
    return brentq(above_half, 0.0, 10 * width, xtol=1e-12)


@QUESTIONS.question(
    "q5", points=1, title="half-height radius of an RBF unit", answer_name="answer_q5",
    hints=("set exp(-r^2 / (2 sigma^2)) = 1/2, take logarithms and solve for r > 0",))
def q5(check, answer_q5):
    """The distance at which a Gaussian unit of width ``Q5_WIDTH`` outputs 1/2 (1 %)."""
    with check.case(f"width sigma = {Q5_WIDTH}"):
        check.same_number(answer_q5, _half_height_radius(Q5_WIDTH), rtol=0.01)


def _random_layers(rng, sizes):
    return [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:])]


@QUESTIONS.question(
    "q6", points=3, title="forward pass of a feed-forward network", answer_name="forward",
    hints=("begin with the inputs; for every (W, b) pair in order, apply the dense layer (the "
         "matrix product with W, plus b) and then the activation, and feed the result to the "
         "next layer; return the last layer's output, of shape (n_samples, fan_out)",))
def q6(check, forward):
    """``forward(X, layers, activation)`` equals dense + activation, layer after layer."""
    rng = np.random.default_rng(26)
    cases = [
        ("sigmoid, 5 samples, 3-4-2", rng.normal(size=(5, 3)), _random_layers(rng, (3, 4, 2)),
         "sigmoid"),
        ("step units, 6 samples, 2-3-3-1", rng.normal(size=(6, 2)),
         _random_layers(rng, (2, 3, 3, 1)), "step"),
        ("1 sample, no hidden layer, tanh", rng.normal(size=(1, 4)),
         _random_layers(rng, (4, 2)), "tanh"),
    ]
    for label, X, layers, name in cases:
        with check.case(label):
            got = check.call(forward, X, [(W.copy(), b.copy()) for W, b in layers],
                             activations.get(name).function)
            check.same_array(got, _output_of_layers(X, layers, name))
