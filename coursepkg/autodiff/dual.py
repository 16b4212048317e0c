"""Forward-mode automatic differentiation with dual numbers.

A dual number is :math:`a + b\\varepsilon` with :math:`\\varepsilon^2 = 0`. Taylor's
formula then becomes exact, :math:`f(a + b\\varepsilon) = f(a) + f'(a)\\,b\\,\\varepsilon`,
so evaluating ``f`` on ``Dual(x, 1)`` carries the derivative ``f'(x)`` along with the value,
one operation at a time. One forward pass gives the derivative with respect to *one* input;
a function of ``n`` inputs needs ``n`` passes (reverse mode needs one).
"""

from __future__ import annotations

import math
from numbers import Real

from .value import _sigmoid

__all__ = ["Dual", "derivative", "exp", "log", "sin", "cos", "tanh", "sqrt"]


class Dual:
    """The dual number ``value + derivative * eps``, with ``eps ** 2 == 0``.

    Parameters
    ----------
    value : float
    derivative : float, default 0.0
        Seed it with 1 for the variable you differentiate with respect to.
    """

    __array_ufunc__ = None  # make NumPy defer to our reflected operators

    def __init__(self, value, derivative=0.0):
        self.value = _real(value, "value")
        self.derivative = _real(derivative, "derivative")

    def __repr__(self):
        return f"Dual({self.value:.6g}, {self.derivative:.6g})"

    # ---------------------------------------------------- arithmetic: the rules
    # (a + a' eps) op (b + b' eps), expanded with eps**2 = 0.

    def __add__(self, other):
        other = _as_dual(other)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    def __sub__(self, other):
        other = _as_dual(other)
        return Dual(self.value - other.value, self.derivative - other.derivative)

    def __mul__(self, other):  # product rule
        other = _as_dual(other)
        return Dual(self.value * other.value,
                    self.derivative * other.value + self.value * other.derivative)

    def __truediv__(self, other):  # quotient rule
        other = _as_dual(other)
        if other.value == 0:
            raise ZeroDivisionError(f"Dual division by zero ({self.value:g} / 0)")
        return Dual(self.value / other.value,
                    (self.derivative * other.value - self.value * other.derivative)
                    / other.value ** 2)

    def __pow__(self, exponent):
        if isinstance(exponent, Dual):  # a ** b = exp(b log a)
            return (exponent * self.log()).exp()
        n = _as_dual(exponent).value
        x = self.value
        if x < 0 and not n.is_integer():
            raise ValueError(f"Dual {x:g} ** {n:g}: a negative base needs an integer exponent")
        if x == 0 and n < 1:
            raise ValueError(f"Dual 0 ** {n:g}: the derivative is infinite at 0")
        return Dual(x ** n, n * x ** (n - 1) * self.derivative)

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __radd__(self, other):
        return _as_dual(other) + self

    def __rsub__(self, other):
        return _as_dual(other) - self

    def __rmul__(self, other):
        return _as_dual(other) * self

    def __rtruediv__(self, other):
        return _as_dual(other) / self

    def __rpow__(self, base):
        return _as_dual(base) ** self

    # ----------------------------------- elementary functions: f(a) + f'(a) a' eps

    def _chain(self, f_a, df_a):
        return Dual(f_a, df_a * self.derivative)

    def exp(self):
        e = math.exp(self.value)
        return self._chain(e, e)

    def log(self):
        if self.value <= 0:
            raise ValueError(f"Dual.log needs a positive number, got {self.value:g}")
        return self._chain(math.log(self.value), 1 / self.value)

    def sin(self):
        return self._chain(math.sin(self.value), math.cos(self.value))

    def cos(self):
        return self._chain(math.cos(self.value), -math.sin(self.value))

    def tanh(self):
        t = math.tanh(self.value)
        return self._chain(t, 1 - t * t)

    def sqrt(self):
        if self.value <= 0:
            raise ValueError(f"Dual.sqrt needs a positive number, got {self.value:g}")
        r = math.sqrt(self.value)
        return self._chain(r, 0.5 / r)

    def sigmoid(self):
        s = _sigmoid(self.value)
        return self._chain(s, s * (1 - s))

    def relu(self):
        return self._chain(max(self.value, 0.0), 1.0 if self.value > 0 else 0.0)


def derivative(f, x):
    """``f'(x)`` by one forward pass of ``f`` on the dual number ``x + 1 eps``.

    Parameters
    ----------
    f : callable taking and returning a number; it may use ``+ - * / **`` and the
        functions of this module.
    x : float

    Returns
    -------
    float
    """
    out = f(Dual(x, 1.0))
    if isinstance(out, Dual):
        return out.derivative
    _real(out, "f(x)")
    return 0.0  # f did not use x


def _unary(name, math_function):
    def function(x):
        if isinstance(x, Dual):
            return getattr(x, name)()
        return math_function(_real(x, "x"))

    function.__name__ = name
    function.__doc__ = (f"``{name}(x)`` of a Dual (value and derivative) or of a plain "
                        f"number (same as ``math.{name}``).")
    return function


exp = _unary("exp", math.exp)
log = _unary("log", math.log)
sin = _unary("sin", math.sin)
cos = _unary("cos", math.cos)
tanh = _unary("tanh", math.tanh)
sqrt = _unary("sqrt", math.sqrt)


def _real(x, name):
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"Dual {name} must be a real number, got {type(x).__name__}")
    if math.isnan(x):
        raise ValueError(f"Dual {name} is NaN")
    return float(x)


def _as_dual(other):
    if isinstance(other, Dual):
        return other
    if isinstance(other, Real) and not isinstance(other, bool):
        return Dual(other)
    raise TypeError(f"cannot combine Dual with {type(other).__name__}: Dual works with "
                    "plain numbers only")
