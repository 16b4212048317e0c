"""Forward mode with dual numbers (coursepkg.autodiff.Dual), checked against closed-form
derivatives and against the reverse mode of coursepkg.autodiff.Value."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursepkg.autodiff import Dual, Value, derivative, dual

POINTS = [0.3, 1.0, 2.5]


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("f, df", [
    (dual.exp, math.exp),
    (dual.log, lambda x: 1 / x),
    (dual.sin, math.cos),
    (dual.cos, lambda x: -math.sin(x)),
    (dual.tanh, lambda x: 1 - math.tanh(x) ** 2),
    (dual.sqrt, lambda x: 0.5 / math.sqrt(x)),
    (lambda x: x ** 3, lambda x: 3 * x ** 2),
    (lambda x: 2 ** x, lambda x: 2 ** x * math.log(2)),
    (lambda x: x ** x, lambda x: x ** x * (math.log(x) + 1)),
    (lambda x: 1 / x - x / 4 + (3 - x) * 2, lambda x: -1 / x ** 2 - 0.25 - 2),
    (lambda x: -x + 1, lambda x: -1.0),
])
def test_derivatives_of_elementary_functions(f, df, x):
    assert derivative(f, x) == pytest.approx(df(x), rel=1e-14)


def test_value_and_derivative_are_carried_together():
    y = Dual(2.0, 1.0) * Dual(2.0, 1.0) + 1  # x^2 + 1 at x = 2
    assert (y.value, y.derivative) == (5.0, 4.0)


def test_module_functions_accept_plain_numbers():
    assert dual.exp(1.0) == math.exp(1.0)
    assert dual.sqrt(4) == 2.0
    assert derivative(lambda x: 3.0, 1.0) == 0.0  # a constant function


def test_numpy_scalars_defer_to_dual():
    y = np.float64(3.0) * Dual(2.0, 1.0)
    assert isinstance(y, Dual) and y.derivative == 3.0


@pytest.mark.parametrize("action, error, match", [
    (lambda: Dual("a"), TypeError, "real number"),
    (lambda: Dual(float("nan")), ValueError, "NaN"),
    (lambda: Dual(1.0) + Value(1.0), TypeError, "cannot combine Dual with Value"),
    (lambda: Dual(1.0) * np.ones(2), TypeError, "cannot combine Dual with ndarray"),
    (lambda: dual.exp("x"), TypeError, "real number"),
    (lambda: Dual(-1.0).log(), ValueError, "positive"),
    (lambda: Dual(0.0).sqrt(), ValueError, "positive"),
    (lambda: Dual(1.0) / 0, ZeroDivisionError, "division by zero"),
    (lambda: Dual(-1.0) ** 0.5, ValueError, "integer exponent"),
])
def test_bad_input(action, error, match):
    with pytest.raises(error, match=match):
        action()


# ------------------------------------------- forward mode equals reverse mode
# Functions written with the operations Dual and Value share (+ - * / **, exp, log,
# tanh, sigmoid, relu); each argument is differentiated by its own forward pass.

FUNCTIONS = [
    lambda x, y: x * y + (x / y).exp(),
    lambda x, y: (x * x + y).log() - 3 / (1 + y ** 2),
    lambda x, y: (x.tanh() * y - x).sigmoid() ** 2 + (2 - y) * x,
    lambda x, y: ((x - y) * 2).relu() + x ** y + 2 ** x,
    lambda x, y: (x * y * x).tanh() / (y.exp() + x.sigmoid()),
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(range(len(FUNCTIONS))), st.floats(0.2, 3.0), st.floats(0.2, 3.0))
def test_dual_derivatives_equal_value_gradients(index, x, y):
    f = FUNCTIONS[index]
    vx, vy = Value(x), Value(y)
    out = f(vx, vy)
    out.backward()
    forward_x = f(Dual(x, 1.0), Dual(y, 0.0))
    forward_y = f(Dual(x, 0.0), Dual(y, 1.0))
    assert forward_x.value == pytest.approx(out.data, rel=1e-14)
    assert forward_x.derivative == pytest.approx(vx.grad, rel=1e-12, abs=1e-14)
    assert forward_y.derivative == pytest.approx(vy.grad, rel=1e-12, abs=1e-14)
