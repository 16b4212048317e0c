"""Tests of coursepkg.nn.activations: values, derivatives (finite differences), stability."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from coursepkg.nn import activations as act
from coursepkg.nn.gradcheck import numerical_gradient, relative_error

ELEMENTWISE = [name for name in act.ELEMENTWISE if name != "step"]


def _away_from_kinks(z):
    # ReLU-like functions are not differentiable at 0; keep the samples away from it.
    return np.where(np.abs(z) < 1e-3, 0.5, z)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_derivative_matches_finite_differences(name):
    rng = np.random.default_rng(0)
    z = _away_from_kinks(rng.normal(scale=3, size=(5, 4)))
    f = act.get(name)
    # d/dz sum(f(z)) is the elementwise derivative because f acts on each entry alone.
    numeric = numerical_gradient(lambda: f.function(z).sum(), z)
    assert relative_error(f.derivative(z), numeric) < 1e-6
    assert relative_error(f.derivative(z, f.function(z)), numeric) < 1e-6


@given(arrays(np.float64, (3, 4), elements=st.floats(-20, 20)))
@settings(max_examples=30, deadline=None)
def test_derivative_from_output_equals_derivative_from_input(z):
    for name in ELEMENTWISE:
        f = act.get(name)
        np.testing.assert_allclose(f.derivative(z, f.function(z)), f.derivative(z), atol=1e-12)


def test_softmax_jacobian_matches_finite_differences():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(3, 5))
    jac = act.softmax_jacobian(z)
    for j in range(5):
        numeric = numerical_gradient(lambda: act.softmax(z)[:, j].sum(), z)
        # row i of numeric is d p_ij / d z_i.
        assert relative_error(jac[:, j, :], numeric) < 1e-6


def test_softmax_backward_is_the_jacobian_product():
    rng = np.random.default_rng(2)
    z, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    p = act.softmax(z)
    expected = np.einsum("ij,ijk->ik", g, act.softmax_jacobian(z))
    np.testing.assert_allclose(act.softmax_backward(g, p), expected, atol=1e-12)


@given(arrays(np.float64, (4, 6), elements=st.floats(-1e4, 1e4)))
@settings(max_examples=50, deadline=None)
def test_softmax_rows_are_probabilities(z):
    p = act.softmax(z)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-12)
    np.testing.assert_allclose(p, act.softmax(z + 123.0), atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_and_softmax_are_stable_at_large_inputs(dtype):
    z = np.array([[-1e4, 0.0, 1e4], [1e4, 1e4, -1e4]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        s = act.sigmoid(z)
        p = act.softmax(z)
        ds = act.sigmoid_derivative(z)
    assert s.dtype == p.dtype == dtype
    np.testing.assert_array_equal(s, [[0, 0.5, 1], [1, 1, 0]])
    np.testing.assert_allclose(p, [[0, 0, 1], [0.5, 0.5, 0]], atol=1e-30)
    assert np.all(np.isfinite(ds))


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(act.step(z), [0, 1, 1])
    np.testing.assert_array_equal(act.relu(z), [0, 0, 3])
    np.testing.assert_allclose(act.leaky_relu(z), [-0.02, 0, 3])
    np.testing.assert_allclose(act.leaky_relu(z, alpha=0.2), [-0.4, 0, 3])
    np.testing.assert_allclose(act.elu(z), [np.exp(-2) - 1, 0, 3])
    np.testing.assert_allclose(act.sigmoid(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(act.tanh(z), np.tanh(z))
    np.testing.assert_array_equal(act.step_derivative(z), 0)
    np.testing.assert_array_equal(act.identity_derivative(z), 1)
    np.testing.assert_allclose(act.sigmoid_derivative(0.0), 0.25)


def test_dtype_is_preserved():
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    for name in act.ACTIVATIONS:
        f = act.get(name)
        assert f.function(z).dtype == np.float32, name
        if name != "softmax":
            assert f.derivative(z).dtype == np.float32, name


def test_maxout_and_its_derivative():
    z = np.array([[1.0, 5.0, -2.0, -1.0], [0.5, 0.0, 7.0, 8.0]])
    np.testing.assert_array_equal(act.maxout(z, 2), [[5, -1], [0.5, 8]])
    mask = act.maxout_derivative(z, n_pieces=2)
    np.testing.assert_array_equal(mask, [[0, 1, 0, 1], [1, 0, 0, 1]])
    numeric = numerical_gradient(lambda: act.maxout(z, 2).sum(), z)
    np.testing.assert_allclose(mask, numeric, atol=1e-8)
    with pytest.raises(ValueError, match="multiple of n_pieces = 3"):
        act.maxout(z, 3)


def test_maxout_backward_is_the_chain_rule_through_the_winners():
    rng = np.random.default_rng(0)
    z, grad = rng.normal(size=(5, 6)), rng.normal(size=(5, 2))
    numeric = numerical_gradient(lambda: np.sum(grad * act.maxout(z, 3)), z)
    np.testing.assert_allclose(act.maxout_backward(grad, z, n_pieces=3), numeric, atol=1e-7)
    with pytest.raises(ValueError, match="2 x n_pieces"):
        act.maxout_backward(grad, z, n_pieces=2)


def test_every_derivative_takes_z_then_a():
    import inspect
    for name in act.__all__:
        if name.endswith("_derivative"):
            params = list(inspect.signature(getattr(act, name)).parameters)
            assert params[:2] == ["z", "a"], name


def test_get_unknown_name_lists_valid_names():
    assert act.get("logistic") is act.get("sigmoid")
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'.*relu"):
        act.get("sigmoidd")
