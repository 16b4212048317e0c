"""Threshold units and RBF units."""

import numpy as np
import pytest

from coursepkg.data import logic_gate
from coursepkg.lessons import threshold_logic
from coursepkg.lessons.neurons import rbf_unit, threshold_unit


@pytest.mark.parametrize("gate, weights, threshold", [
    ("AND", [1, 1], 2), ("OR", [1, 1], 1), ("NAND", [-1, -1], -1), ("NOR", [-1, -1], 0)])
def test_threshold_unit_computes_logic_gates(gate, weights, threshold):
    X, y = logic_gate(gate)
    np.testing.assert_array_equal(threshold_unit(X, weights, threshold), y)


def test_threshold_unit_fires_at_the_threshold_and_keeps_float32():
    X = np.array([[0.5, 0.5], [0.5, 0.49]], dtype=np.float32)
    out = threshold_unit(X, [1.0, 1.0], 1.0)
    np.testing.assert_array_equal(out, [1.0, 0.0])
    assert threshold_unit(np.array([[1], [0]]), [1], 1).tolist() == [1.0, 0.0]  # NOT-like


@pytest.mark.parametrize("X, weights, threshold, message", [
    (np.ones(2), [1, 1], 1, "2-D"),
    (np.ones((3, 2)), [1, 1, 1], 1, "shape \\(2,\\)"),
    (np.array([[np.nan, 1.0]]), [1, 1], 1, "NaN"),
    (np.ones((3, 2)), [1, 1], float("nan"), "threshold"),
    (np.ones((3, 2)), [1, 1], "1", "threshold"),
    (np.array([["a", "b"]]), [1, 1], 1, "real numbers"),
])
def test_threshold_unit_rejects_bad_input(X, weights, threshold, message):
    with pytest.raises(ValueError, match=message):
        threshold_unit(X, weights, threshold)


@pytest.mark.parametrize("weights, bias", [([1.0, 1.0, 1.0], -2.0), ([-2.0, -2.0], 3.0),
                                           ([0.5], 0.0)])
def test_the_gate_factory_is_the_same_unit_with_threshold_minus_bias(weights, bias):
    X = np.array(list(np.ndindex(*[2] * len(weights))))
    np.testing.assert_array_equal(threshold_logic.threshold_gate(weights, bias)(X),
                                  threshold_unit(X, weights, -bias))


def test_rbf_unit_depends_only_on_the_distance_to_its_centre():
    center, width = np.array([1.0, -2.0]), 0.7
    angles = np.linspace(0, 2 * np.pi, 9)
    r = 0.9
    ring = center + r * np.column_stack([np.cos(angles), np.sin(angles)])
    out = rbf_unit(ring, center, width)
    np.testing.assert_allclose(out, np.exp(-r ** 2 / (2 * width ** 2)))
    assert rbf_unit(center[None, :], center, width)[0] == 1.0
    half = width * np.sqrt(2 * np.log(2))   # where the Gaussian falls to one half
    np.testing.assert_allclose(rbf_unit([[center[0] + half, center[1]]], center, width), 0.5)


@pytest.mark.parametrize("center, width, message", [
    ([0.0], 1.0, "center"), ([0.0, 0.0], 0.0, "> 0"), ([0.0, 0.0], -1.0, "> 0"),
    ([0.0, 0.0], np.inf, "finite")])
def test_rbf_unit_rejects_bad_input(center, width, message):
    with pytest.raises(ValueError, match=message):
        rbf_unit(np.zeros((2, 2)), center, width)
