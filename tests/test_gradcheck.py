"""Tests of coursepkg.nn.gradcheck on functions whose gradients are known in closed form."""

import numpy as np
import pytest

from coursepkg.nn.gradcheck import numerical_gradient, relative_error


def test_numerical_gradient_of_a_quadratic_form():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    x_before = x.copy()
    numeric = numerical_gradient(lambda v: v @ A @ v, x)
    np.testing.assert_allclose(numeric, (A + A.T) @ x, rtol=1e-7)
    np.testing.assert_array_equal(x, x_before)  # restored after perturbation


def test_numerical_gradient_of_a_matrix_argument():
    X = np.arange(6.0).reshape(2, 3)
    numeric = numerical_gradient(lambda: np.sum(np.sin(X)), X)
    np.testing.assert_allclose(numeric, np.cos(X), rtol=1e-8)


def test_relative_error_detects_a_wrong_gradient():
    x = np.linspace(-1, 1, 5)
    numeric = numerical_gradient(lambda: np.sum(x ** 3), x)
    assert relative_error(3 * x ** 2, numeric) < 1e-8
    assert relative_error(2 * x ** 2, numeric) > 0.1
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_bad_arguments():
    with pytest.raises(TypeError, match="floating-point ndarray"):
        numerical_gradient(lambda v: v.sum(), np.arange(3))
    with pytest.raises(ValueError, match="eps must be positive"):
        numerical_gradient(lambda v: v.sum(), np.ones(3), eps=0)
