"""Checks for chapter 02, Neural networks: the idea (``exercises/02_idea.ipynb``).

====  ==============================================  ====================
name  question                                        answer graded
====  ==============================================  ====================
q1    a threshold unit for the majority of 3 inputs   ``majority_unit``
q2    weights and threshold of a NOR unit             ``nor_unit``
q3    a network of threshold units for XNOR           ``xnor_layers``
q4    why step units are swapped for sigmoids         ``answer_q4``
q5    half-height radius of a Gaussian RBF unit       ``answer_q5``
q6    forward pass of a feed-forward network          ``forward``
====  ==============================================  ====================

The references are :mod:`coursepkg.lessons.neurons` and :mod:`coursepkg.nn.feedforward` (built on
:func:`coursepkg.nn.layers.dense` and :mod:`coursepkg.nn.activations`) and the truth tables of
:func:`coursepkg.data.logic_gate`.
Every check draws its random inputs from a generator with a fixed seed, so a check prints the
same line every time it sees the same answer.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import brentq

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.data import logic_gate
from coursepkg.lessons.neurons import rbf_unit, threshold_unit
from coursepkg.nn import activations
from coursepkg.nn.feedforward import forward_pass

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q1_INPUTS", "Q4_CHOICES",
           "Q5_WIDTH"]

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


def _unit_parameters(check, answer):
    _answer_given(check, answer)
    try:
        weights, threshold = answer
    except (TypeError, ValueError):
        raise StudentError("expected a pair (weights, threshold), got "
                           f"{type(answer).__name__} {describe(answer)}") from None
    return weights, threshold


# ------------------------------------------------------------------------------- questions

#: The eight inputs of three binary voters, one row each, for question 1.
Q1_INPUTS = np.array(list(itertools.product([0, 1], repeat=3)))


@QUESTIONS.question(
    "q1", points=3, title="a threshold unit for a majority vote", answer_name="majority_unit",
    hints=("The three voters count equally, so give them equal weights; the question is only "
           "where to put the threshold.",
           "List the possible weighted sums (0, 1, 2 or 3 voters on) and pick a threshold "
           "that the sum of two voters reaches but the sum of one voter does not."),
    mistakes={"and": "your unit fires only when all three voters are on (a three-input "
                     "AND): the threshold is too high",
              "or": "your unit fires as soon as one voter is on (a three-input OR): the "
                    "threshold is too low",
},
    kinds=("new situation", "number"))
def q1(check, majority_unit):
    """``majority_unit = (weights, threshold)`` fires when at least 2 of 3 inputs are 1."""
    X = Q1_INPUTS
    count = X.sum(axis=1)
    for label, rows, weight, wrong in [
            ("no voter or one voter on", count <= 1, 1, {"or": count >= 1}),
            ("two or three voters on", count >= 2, 2, {"and": count >= 3})]:
        with check.case(label, weight=weight):
            weights, threshold = _unit_parameters(check, majority_unit)
            out = check.call(threshold_unit, X, weights, threshold)
            check.same_array(np.asarray(out)[rows], (count[rows] >= 2).astype(float),
                             mistakes={k: v[rows].astype(float) for k, v in wrong.items()})


@QUESTIONS.question(
    "q2", points=2, title="a McCulloch-Pitts unit for NOR", answer_name="nor_unit",
    hints=("NOR fires only for the input (0, 0): every active input should push the unit "
           "away from firing. What sign does that give the weights?",
           "With negative weights the weighted sums are 0 (no input on), then negative. "
           "Choose a threshold that the sum 0 reaches but the sum of one active input "
           "does not."),
    mistakes={"or": "your unit computes OR, the negation of NOR: the weights should "
                    "inhibit the unit, not excite it",
              "nand": "your unit computes NAND: it still fires when one input is on, so "
                      "the threshold is too low"},
    kinds=("number",))
def q2(check, nor_unit):
    """``nor_unit = (weights, threshold)`` computes NOR on the four inputs of its truth table."""
    X, y = logic_gate("NOR")
    with check.case("the NOR truth table", weight=2):
        weights, threshold = _unit_parameters(check, nor_unit)
        check.same_array(check.call(threshold_unit, X, weights, threshold), y,
                         mistakes={"or": logic_gate("OR")[1], "nand": logic_gate("NAND")[1]})


@QUESTIONS.question(
    "q3", points=3, title="XNOR from threshold units", answer_name="xnor_layers",
    hints=("XNOR is 1 when both inputs agree: either both are on or both are off. Each of "
           "those two situations is one gate a single unit can compute.",
           "Use a hidden layer of two units (both on; both off) and an output unit that "
           "fires when either hidden unit fires. A unit with threshold theta has bias "
           "-theta, and W has shape (fan_in, fan_out)."),
    mistakes={"xor": "your network computes XOR, the negation of XNOR: check which "
                     "hidden units you combine and how the output unit combines them",
              "constant": "your network outputs 0 for all four inputs: some thresholds "
                          "are too high for the weighted sums to reach"},
    kinds=("new situation", "code"))
def q3(check, xnor_layers):
    """``xnor_layers = [(W1, b1), (W2, b2), ...]`` of step units computes XNOR, shape (4, 1)."""
    X, y_xor = logic_gate("XOR")
    y = (1 - y_xor)[:, np.newaxis].astype(float)
    agree = y[:, 0] == 1
    for label, rows in [("the inputs that agree, (0, 0) and (1, 1)", agree),
                        ("the inputs that differ, (0, 1) and (1, 0)", ~agree)]:
        with check.case(label, weight=1.5):
            _answer_given(check, xnor_layers)
            output = check.call(lambda: _output_of_layers(X, xnor_layers, "step"))
            if np.shape(output) != (4, 1) or np.array_equal(output, 1 - y) or (
                    not np.any(output)):
                # the whole table names the shape or the mistake
                check.same_array(output, y,
                                 mistakes={"xor": 1 - y, "constant": np.zeros((4, 1))})
            check.same_array(np.asarray(output)[rows], y[rows])


#: The options of question 4 (why the chapter's trained networks use sigmoid units).
Q4_CHOICES = {
    "a": "A step unit has a flat graph on both sides of its jump, so small weight changes "
         "never show which way the error falls.",
    "b": "A single sigmoid unit can separate the XOR inputs, which a single step unit "
         "can never do in the plane.",
    "c": "A sigmoid unit has fewer weights than a step unit with the same inputs, so "
         "the network is smaller to train.",
    "d": "Sigmoid outputs are exactly 0 or 1 on the training inputs, so the network's "
         "error becomes zero much sooner.",
}


@QUESTIONS.question(
    "q4", points=2, title="why train with sigmoid units", answer_name="answer_q4",
    hints=("Training nudges the weights a little and looks at how the error changes. "
           "What does a step unit's output do when its weighted sum moves a little?",
           "Compare the derivatives the chapter prints for the step function with the "
           "shape of the sigmoid; then test each option against the XOR picture and the "
           "parameter table."),
    mistakes={"single_unit_xor": "one sigmoid unit still draws a straight boundary at "
                                 "output 1/2, so it cannot separate XOR either",
              "fewer_weights": "the activation does not change the number of weights: "
                               "a unit has one weight per input and a bias either way",
              "exact_outputs": "a sigmoid never outputs exactly 0 or 1; its outputs "
                               "are graded, strictly between them"},
    kinds=("choice",))
def q4(check, answer_q4):
    """The letter of the right option of ``Q4_CHOICES``."""
    with check.case("the choice", weight=2):
        check.same_choice(answer_q4, "a", "abcd",
                          mistakes={"b": "single_unit_xor", "c": "fewer_weights",
                                    "d": "exact_outputs"})


#: The width (standard deviation) of the RBF unit of question 5.
Q5_WIDTH = 1.5


def _half_height_radius(width):
    """Distance from the centre at which :func:`coursepkg.lessons.neurons.rbf_unit` outputs 1/2,
    found numerically (no formula) from the package's unit."""
    def above_half(r):
        return rbf_unit(np.array([[r, 0.0]]), np.zeros(2), width)[0] - 0.5
    return brentq(above_half, 0.0, 10 * width, xtol=1e-12)


@QUESTIONS.question(
    "q5", points=2, title="half-height radius of an RBF unit", answer_name="answer_q5",
    hints=("Write the unit's output as a function of the distance r alone, set it equal to "
           "1/2 and solve for r.",
           "Take the natural logarithm of both sides (ln of 1/2 is -ln 2), keep the factor "
           "in the denominator of the exponent, and take the positive square root."),
    mistakes={"missing_2": "you dropped the 2 of 2 sigma^2 in the exponent",
              "squared": "you gave r^2, not the distance r: take the square root",
              "log10": "you used the base-10 logarithm; the exponential needs the natural "
                       "logarithm",
              "sigma_squared": "you used sigma where the formula has sigma^2 (or the "
                               "reverse): the width here is sigma, not the variance"},
    kinds=("derivation", "number"))
def q5(check, answer_q5):
    """The distance at which a Gaussian unit of width ``Q5_WIDTH`` outputs 1/2 (1 %)."""
    radius = _half_height_radius(Q5_WIDTH)
    s = Q5_WIDTH
    with check.case(f"width sigma = {Q5_WIDTH}", weight=2):
        check.same_number(answer_q5, radius, rtol=0.01, mistakes={
            "missing_2": radius / np.sqrt(2), "squared": radius ** 2,
            "log10": radius * np.sqrt(np.log10(2) / np.log(2)),
            "sigma_squared": radius * s})


def _random_layers(rng, sizes):
    return [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:])]


def _variant(X, layers, name, *, bias=True, last=True, only_first=False):
    f = activations.get(name).function
    A = X
    layers = layers[:1] if only_first else layers
    for i, (W, b) in enumerate(layers):
        Z = A @ W + (b if bias else 0)
        A = f(Z) if (last or i < len(layers) - 1) else Z
    return A


@QUESTIONS.question(
    "q6", points=3, title="forward pass of a feed-forward network", answer_name="forward",
    hints=("Each layer takes the previous layer's output as its input; the first layer "
           "takes X. Go through the list of layers in order.",
           "For one layer: the matrix product with W, plus b, then the activation; "
           "keep the result as the input of the next layer and return the last one."),
    mistakes={"no_bias": "your output is what the network gives with every bias left out",
              "last_linear": "the activation is missing on the last layer: it returns the "
                             "pre-activation of the output layer",
              "first_only": "only the first layer is applied: the loop stops (or returns) "
                            "too early"},
    kinds=("code",))
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
            wrong = {"no_bias": _variant(X, layers, name, bias=False),
                     "last_linear": _variant(X, layers, name, last=False)}
            if len(layers) > 1:
                wrong["first_only"] = _variant(X, layers, name, only_first=True)
            check.same_array(got, _output_of_layers(X, layers, name), mistakes=wrong)
