"""Threshold units, feed-forward passes, RBF units and network size counts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursepkg import activations
from coursepkg.datasets import logic_gate
from coursepkg.examples import xor_forward, xor_network
from coursepkg.layers import dense
from coursepkg.mlp import MLPRegressor
from coursepkg.neurons import (count_multiply_adds, count_parameters, feed_forward,
                               rbf_unit, threshold_unit)


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


def test_feed_forward_is_dense_then_activation_layer_by_layer():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 3))
    layers = [(rng.normal(size=(3, 4)), rng.normal(size=4)),
              (rng.normal(size=(4, 2)), rng.normal(size=2))]
    expected = activations.sigmoid(dense(np.tanh(dense(X, *layers[0])), *layers[1]))
    np.testing.assert_allclose(feed_forward(X, layers, ["tanh", "sigmoid"]), expected)
    step_out = feed_forward(X, layers)
    assert set(np.unique(step_out)) <= {0.0, 1.0} and step_out.shape == (7, 2)


def test_feed_forward_agrees_with_the_worked_xor_network():
    X, _ = logic_gate("XOR")
    coefs, intercepts = xor_network()
    np.testing.assert_allclose(feed_forward(X, zip(coefs, intercepts), "sigmoid"),
                               xor_forward(X)[-1])


def test_threshold_units_compute_xor_with_one_hidden_layer():
    X, y = logic_gate("XOR")
    layers = [(np.array([[1, -1], [1, -1]]), np.array([-1, 1.5])),   # OR, NAND
              (np.array([[1], [1]]), np.array([-2]))]                 # AND
    np.testing.assert_array_equal(feed_forward(X, layers)[:, 0], y)


@pytest.mark.parametrize("layers, activation, message", [
    ([], "step", "empty"),
    ([(np.ones((3, 2)), np.ones(2))], "step", "receives 2 inputs"),
    ([(np.ones((2, 2)), np.ones(3))], "step", "fan_out"),
    ([(np.ones((2, 2)),)], "step", "pair"),
    ([(np.ones((2, 2)), np.ones(2))], "stepp", "unknown activation"),
    ([(np.ones((2, 2)), np.ones(2))], ["step", "step"], "2 activations for 1 layers"),
])
def test_feed_forward_rejects_bad_layers(layers, activation, message):
    with pytest.raises(ValueError, match=message):
        feed_forward(np.ones((3, 2)), layers, activation)


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


@pytest.mark.parametrize("sizes", [(2, 1), (4, 3), (64, 16, 10), (5, 7, 3, 2)])
def test_count_parameters_matches_a_fitted_network(sizes):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, sizes[0]))
    Y = rng.normal(size=(20, sizes[-1]))
    model = MLPRegressor(hidden_layer_sizes=sizes[1:-1], epochs=1, random_state=0).fit(X, Y)
    fitted = sum(W.size + b.size for W, b in zip(model.coefs_, model.intercepts_))
    assert count_parameters(sizes) == fitted


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=2, max_size=6), st.integers(1, 9))
def test_counts_follow_the_layer_formulas(sizes, n_samples):
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert count_parameters(sizes) == weights + sum(sizes[1:])
    assert count_multiply_adds(sizes, n_samples) == n_samples * weights


def test_count_multiply_adds_is_the_work_of_the_matrix_products():
    assert count_multiply_adds((784, 128, 10)) == 784 * 128 + 128 * 10
    assert count_multiply_adds([3, 2], n_samples=5) == 30
    assert isinstance(count_parameters(np.array([3, 2])), int)


@pytest.mark.parametrize("sizes", [[3], [], [3, 0], [3, 2.0], [3, True], [-1, 2]])
def test_counts_reject_bad_sizes(sizes):
    with pytest.raises(ValueError, match="layer"):
        count_parameters(sizes)


def test_count_multiply_adds_rejects_a_bad_batch():
    with pytest.raises(ValueError, match="n_samples"):
        count_multiply_adds((3, 2), n_samples=0)
