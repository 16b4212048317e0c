"""Tests of coursepkg.nn.losses: values, gradients (finite differences), clipping, errors."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_squared_error

from coursepkg.nn import losses
from coursepkg.nn.activations import sigmoid, softmax
from coursepkg.nn.gradcheck import numerical_gradient, relative_error
from coursepkg.nn.preprocessing import one_hot

rng = np.random.default_rng(0)
LABELS = np.array([0, 2, 1, 2, 0])
Y = one_hot(LABELS, 3)
P = softmax(rng.normal(size=(5, 3)))
Y_BIN = np.array([[0.0], [1.0], [1.0], [0.0]])
P_BIN = sigmoid(rng.normal(size=(4, 1)))


CASES = {
    "mse": (rng.normal(size=(5, 2)), rng.normal(size=(5, 2))),
    "half_squared_error": (rng.normal(size=(5, 2)), rng.normal(size=(5, 2))),
    "binary_cross_entropy": (Y_BIN, P_BIN),
    "categorical_cross_entropy": (Y, P),
    "sparse_categorical_cross_entropy": (LABELS, P),
}


@pytest.mark.parametrize("name", CASES)
def test_gradient_matches_finite_differences(name):
    loss, gradient = losses.get(name)
    y, p = CASES[name]
    p = p.copy()
    numeric = numerical_gradient(lambda: loss(y, p), p)
    assert relative_error(gradient(y, p), numeric) < 1e-6


def test_values_agree_with_sklearn_metrics():
    y, p = CASES["mse"]
    assert losses.mse(y, p) == pytest.approx(mean_squared_error(y, p))
    y, p = CASES["half_squared_error"]      # half the squared error summed over 2 outputs
    assert losses.half_squared_error(y, p) == pytest.approx(mean_squared_error(y, p))
    assert losses.categorical_cross_entropy(Y, P) == pytest.approx(log_loss(LABELS, P))
    assert losses.sparse_categorical_cross_entropy(LABELS, P) == pytest.approx(log_loss(LABELS, P))
    assert losses.binary_cross_entropy(Y_BIN, P_BIN) == pytest.approx(
        log_loss(Y_BIN.ravel(), P_BIN.ravel()))


def test_fused_softmax_cross_entropy_gradient_is_the_chain_rule():
    z = rng.normal(size=(5, 3))
    numeric = numerical_gradient(lambda: losses.categorical_cross_entropy(Y, softmax(z)), z)
    fused = losses.softmax_cross_entropy_gradient(Y, softmax(z))
    assert relative_error(fused, numeric) < 1e-6
    np.testing.assert_allclose(losses.softmax_cross_entropy_gradient(LABELS, softmax(z)), fused)
    # The same formula serves a sigmoid output with the binary cross-entropy.
    zb = rng.normal(size=(4, 1))
    numeric = numerical_gradient(lambda: losses.binary_cross_entropy(Y_BIN, sigmoid(zb)), zb)
    assert relative_error(losses.softmax_cross_entropy_gradient(Y_BIN, sigmoid(zb)), numeric) < 1e-6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_probabilities_of_exactly_zero_and_one_stay_finite(dtype):
    y = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    p = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)  # confidently wrong
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        values = [losses.categorical_cross_entropy(y, p), losses.binary_cross_entropy(y, p)]
        grads = [losses.categorical_cross_entropy_gradient(y, p),
                 losses.binary_cross_entropy_gradient(y, p)]
    eps = np.finfo(dtype).eps
    assert values[0] == pytest.approx(-np.log(eps), rel=1e-5)
    assert all(np.isfinite(values)) and all(np.all(np.isfinite(g)) for g in grads)
    assert losses.categorical_cross_entropy(y, y) == pytest.approx(0, abs=1e-6)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="shape"):
        losses.mse(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="NaN or inf"):
        losses.mse([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="integer labels"):
        losses.sparse_categorical_cross_entropy(Y, P)
    with pytest.raises(ValueError, match="unknown loss 'hinge'.*mse"):
        losses.get("hinge")
