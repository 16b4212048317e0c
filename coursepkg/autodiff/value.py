"""Scalar reverse-mode automatic differentiation: backpropagation on single numbers.

Each :class:`Value` remembers the values it was computed from (``parents``) and, for each
parent, the *local derivative* ``d(self)/d(parent)``, evaluated when the value is
computed. :meth:`~coursepkg.autodiff.Value.backward` then applies the chain rule once per edge, from the
output back to the inputs:

.. math:: \\bar p \\mathrel{+}= \\frac{\\partial v}{\\partial p}\\, \\bar v

where :math:`\\bar v = \\partial L / \\partial v` is stored in ``v.grad``. The ``+=`` is
what makes a value used twice (``a * a``) receive both contributions.
"""

from __future__ import annotations

import math
from numbers import Real

from .topo import topological_order

__all__ = ["Value"]


class Value:
    """A scalar in a computation graph, with the gradient of the output with respect to it.

    Parameters
    ----------
    data : float
    parents : tuple of Value, default ()
        The values ``data`` was computed from; empty for an input (a leaf).
    op : str, default ""
        Name of the operation that produced the value (shown by ``draw_graph``).
    local_grads : tuple of float, default ()
        ``d(data)/d(parent.data)`` for each parent, in the same order.
    label : str, default ""
        Optional name shown by ``draw_graph`` (for example ``"x"``).

    Attributes
    ----------
    grad : float
        ``dL/d(data)`` after ``L.backward()``; 0 before.
    """

    __array_ufunc__ = None  # make NumPy defer to our reflected operators

    def __init__(self, data, parents=(), op="", local_grads=(), label=""):
        if isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(f"Value holds a real number, got {type(data).__name__}; "
                            "use Tensor for arrays")
        if math.isnan(data):
            raise ValueError(f"Value got NaN (op {op!r})" if op else "Value got NaN")
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(local_grads)
        self.op = op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    # ----------------------------------------------------------------- arithmetic

    def __add__(self, other):
        other = _as_value(other)
        return Value(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __sub__(self, other):
        other = _as_value(other)
        return Value(self.data - other.data, (self, other), "-", (1.0, -1.0))

    def __mul__(self, other):
        other = _as_value(other)
        return Value(self.data * other.data, (self, other), "*",
                     (other.data, self.data))

    def __truediv__(self, other):
        other = _as_value(other)
        if other.data == 0:
            raise ZeroDivisionError(f"Value division by zero ({self.data:g} / 0)")
        a, b = self.data, other.data
        return Value(a / b, (self, other), "/", (1 / b, -a / b ** 2))

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            return self._pow_value(exponent)
        n = _as_value(exponent).data
        x = self.data
        if x < 0 and not n.is_integer():
            raise ValueError(f"Value {x:g} ** {n:g}: a negative base needs an integer exponent")
        if x == 0 and n < 1:
            raise ValueError(f"Value 0 ** {n:g}: the derivative is infinite at 0")
        return Value(x ** n, (self,), f"**{n:g}", (n * x ** (n - 1),))

    def _pow_value(self, exponent):
        """``a ** b`` with both in the graph: d/da = b a**(b-1), d/db = a**b log a."""
        a, b = self.data, exponent.data
        if a <= 0:
            raise ValueError(f"Value {a:g} ** Value: the base must be positive")
        out = a ** b
        return Value(out, (self, exponent), "**", (b * a ** (b - 1), out * math.log(a)))

    def __neg__(self):
        return Value(-self.data, (self,), "neg", (-1.0,))

    def __radd__(self, other):
        return _as_value(other) + self

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rmul__(self, other):
        return _as_value(other) * self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    def __rpow__(self, base):
        return _as_value(base) ** self

    # ------------------------------------------------------- elementary functions

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), "exp", (e,))  # d exp(x)/dx = exp(x)

    def log(self):
        if self.data <= 0:
            raise ValueError(f"Value.log needs a positive number, got {self.data:g}")
        return Value(math.log(self.data), (self,), "log", (1 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), "tanh", (1 - t * t,))

    def sigmoid(self):
        s = _sigmoid(self.data)
        return Value(s, (self,), "sigmoid", (s * (1 - s),))

    def relu(self):
        x = self.data
        return Value(max(x, 0.0), (self,), "relu", (1.0 if x > 0 else 0.0,))

    # ---------------------------------------------------------- backpropagation

    def backward(self, seed=1.0):
        """Fill ``grad`` of every value this one depends on with ``d self / d value``.

        Intermediate gradients are reset first; the gradients of leaves (inputs) keep
        accumulating across calls, as in PyTorch. ``seed`` is ``dL/d self`` when this
        value is itself an intermediate result of a larger computation.
        """
        order = topological_order(self)
        for node in order:
            if node.parents:
                node.grad = 0.0
        self.grad += float(seed)
        for node in reversed(order):  # every user of a node is processed before it
            for parent, local_grad in zip(node.parents, node.local_grads):
                parent.grad += local_grad * node.grad  # chain rule


def _sigmoid(x):
    """Logistic function, computed without overflow for large ``|x|``."""
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def _as_value(other):
    if isinstance(other, Value):
        return other
    if isinstance(other, Real) and not isinstance(other, bool):
        return Value(other)
    raise TypeError(f"cannot combine Value with {type(other).__name__}: Value works with "
                    "plain numbers only (use Tensor for arrays, and do not mix the two)")
