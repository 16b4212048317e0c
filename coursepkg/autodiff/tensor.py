"""Reverse-mode automatic differentiation on NumPy arrays.

The idea of :class:`~coursepkg.autodiff.Value`, one array at a time. Every
:class:`Tensor` remembers its parents and, for each parent, a *vector-Jacobian product*
``vjp``: a function that takes ``G = dL/d(out)`` (the shape of the output) and returns
this operation's contribution to ``dL/d(parent)`` (the shape of the parent). For
``out = A @ B`` they are ``G @ B.T`` and ``A.T @ G``; the Jacobian itself, which would have
``out.size * A.size`` entries, is never formed.

Shapes follow the book's convention: samples are rows, a dense layer is ``X @ W + b``
with ``X`` (n_samples, fan_in), ``W`` (fan_in, fan_out) and ``b`` (fan_out,).
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from .topo import topological_order

__all__ = ["Tensor", "unbroadcast", "softmax_cross_entropy"]


def unbroadcast(grad, shape):
    """Sum a gradient back to the shape of an operand that NumPy broadcast.

    In ``out = a + b`` with ``b`` of shape ``(3,)`` and ``a`` of shape ``(2, 3)``, the
    same ``b[j]`` is used in every row, so its gradient is the *sum* of the gradients of
    all the entries it was copied into.

    Parameters
    ----------
    grad : ndarray
        Gradient with respect to the broadcast result.
    shape : tuple of int
        Shape of the operand before broadcasting.

    Returns
    -------
    ndarray of shape ``shape``
        ``grad`` summed over the leading axes that broadcasting added, and over the axes
        where the operand had length 1 (keeping them, with length 1).
    """
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))  # added leading axes
    stretched = tuple(axis for axis, n in enumerate(shape)
                      if n == 1 and grad.shape[axis] != 1)
    return grad.sum(axis=stretched, keepdims=True) if stretched else grad


class Tensor:
    """An array in a computation graph, with the gradient of a scalar output w.r.t. it.

    Parameters
    ----------
    data : array_like of real numbers, any shape
    dtype : NumPy floating dtype, default float64
    label : str, default ""
        Optional name shown by ``draw_graph`` (for example ``"W1"``).

    Attributes
    ----------
    data : ndarray
    grad : ndarray, same shape as ``data``
        ``dL/d(data)`` after ``L.backward()``; zeros before.
    parents : tuple of Tensor
        The tensors ``data`` was computed from; empty for an input (a leaf).
    vjps : tuple of callables
        For each parent, ``G -> contribution to dL/d(parent)``.
    op : str
        Name of the operation that produced the tensor.
    """

    __array_ufunc__ = None  # make NumPy defer to our reflected operators

    def __init__(self, data, dtype=np.float64, label=""):
        if isinstance(data, Tensor) or not _is_numeric(data):
            raise TypeError(f"Tensor needs an array of real numbers, got {_describe(data)}")
        data = np.array(data, dtype=dtype)
        if not np.issubdtype(data.dtype, np.floating):
            raise TypeError(f"Tensor dtype must be floating point, got {data.dtype}")
        if np.isnan(data).any():
            raise ValueError(f"Tensor data of shape {data.shape} contains NaN")
        self._init(data, (), "", (), label)

    def _init(self, data, parents, op, vjps, label=""):
        self.data, self.grad = data, np.zeros_like(data)
        self.parents, self.vjps, self.op, self.label = parents, vjps, op, label

    @classmethod
    def _result(cls, data, parents, op, vjps):
        """A Tensor computed by an operation (``data`` is already a checked array)."""
        out = cls.__new__(cls)
        out._init(np.asarray(data), tuple(parents), op, tuple(vjps))
        return out

    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)

    def __repr__(self):
        body = np.array2string(self.data, precision=4, threshold=20, separator=", ")
        return f"Tensor({body}{', op=' + repr(self.op) if self.op else ''})"

    def item(self):
        """The value of a one-element tensor as a Python float."""
        return self.data.item()

    def _lift(self, other):
        """Wrap a constant operand (number or array) as a leaf of the same dtype."""
        if isinstance(other, Tensor):
            return other
        if _is_numeric(other):
            return Tensor(other, dtype=self.dtype)
        raise TypeError(f"cannot combine Tensor with {_describe(other)}: use Tensors, "
                        "NumPy arrays or numbers (Tensor and Value do not mix)")

    # ------------------------------------------- broadcasting arithmetic: + - * /

    def _broadcast_op(self, other, op, forward, vjp_self, vjp_other):
        other = self._lift(other)
        a, b = self.data, other.data
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise ValueError(f"Tensor {op}: shapes {a.shape} and {b.shape} do not "
                             "broadcast together") from None
        return Tensor._result(forward(a, b), (self, other), op,
                              (lambda g: unbroadcast(vjp_self(g, a, b), a.shape),
                               lambda g: unbroadcast(vjp_other(g, a, b), b.shape)))

    def __add__(self, other):
        return self._broadcast_op(other, "+", lambda a, b: a + b,
                                  lambda g, a, b: g, lambda g, a, b: g)

    def __sub__(self, other):
        return self._broadcast_op(other, "-", lambda a, b: a - b,
                                  lambda g, a, b: g, lambda g, a, b: -g)

    def __mul__(self, other):
        return self._broadcast_op(other, "*", lambda a, b: a * b,
                                  lambda g, a, b: g * b, lambda g, a, b: g * a)

    def __truediv__(self, other):
        other = self._lift(other)
        if (other.data == 0).any():
            raise ZeroDivisionError(f"Tensor /: the divisor of shape {other.shape} has zeros")
        return self._broadcast_op(other, "/", lambda a, b: a / b,
                                  lambda g, a, b: g / b, lambda g, a, b: -g * a / b ** 2)

    def __radd__(self, other):
        return self._lift(other) + self

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rmul__(self, other):
        return self._lift(other) * self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __neg__(self):
        return Tensor._result(-self.data, (self,), "neg", (lambda g: -g,))

    def __pow__(self, exponent):
        if isinstance(exponent, bool) or not isinstance(exponent, Real):
            raise TypeError(f"Tensor ** needs a constant real exponent, got {_describe(exponent)}")
        x, n = self.data, float(exponent)
        if not n.is_integer() and (x < 0).any():
            raise ValueError(f"Tensor ** {n:g}: negative entries need an integer exponent")
        if n < 1 and (x == 0).any():
            raise ValueError(f"Tensor ** {n:g}: the derivative is infinite at the zero entries")
        return Tensor._result(x ** n, (self,), f"**{n:g}", (lambda g: g * n * x ** (n - 1),))

    # -------------------------------------------------------- matrix product

    def __matmul__(self, other):
        other = self._lift(other)
        A, B = self.data, other.data
        if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
            raise ValueError(f"Tensor @: shapes {A.shape} and {B.shape} do not match; "
                             "need (n, k) @ (k, m)")
        # out[i, j] = sum_k A[i, k] B[k, j], so dL/dA = G @ B.T and dL/dB = A.T @ G
        return Tensor._result(A @ B, (self, other), "@",
                              (lambda g: g @ B.T, lambda g: A.T @ g))

    def __rmatmul__(self, other):
        return self._lift(other) @ self

    # ------------------------------------------------------ sums and averages

    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis`` (int, tuple or None for all); each input entry gets ``G``."""
        return Tensor._result(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum",
                              (lambda g: self._spread(g, axis, keepdims),))

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis``; each input entry gets ``G / (number of entries averaged)``."""
        out = self.data.mean(axis=axis, keepdims=keepdims)
        count = self.data.size // max(np.size(out), 1)
        return Tensor._result(out, (self,), "mean",
                              (lambda g: self._spread(g, axis, keepdims) / count,))

    def _spread(self, g, axis, keepdims):
        """Broadcast the gradient of a reduction back over the reduced axes."""
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        return np.broadcast_to(g, self.shape)

    # ------------------------------------------------- elementwise functions

    def _elementwise(self, op, out, local_grad):
        """``out = f(x)`` entry by entry, so ``dL/dx = G * f'(x)`` entry by entry."""
        return Tensor._result(out, (self,), op, (lambda g: g * local_grad,))

    def exp(self):
        e = np.exp(self.data)
        return self._elementwise("exp", e, e)

    def log(self):
        if (self.data <= 0).any():
            raise ValueError(f"Tensor.log needs positive entries (shape {self.shape})")
        return self._elementwise("log", np.log(self.data), 1 / self.data)

    def tanh(self):
        t = np.tanh(self.data)
        return self._elementwise("tanh", t, 1 - t ** 2)

    def sigmoid(self):
        # 1 / (1 + exp(-x)) = exp(-log(1 + exp(-x))); logaddexp never overflows
        s = np.exp(-np.logaddexp(0.0, -self.data))
        return self._elementwise("sigmoid", s, s * (1 - s))

    def relu(self):
        above_kink = (self.data > 0).astype(self.dtype)  # derivative 1 for x > 0, else 0
        return self._elementwise("relu", np.maximum(self.data, 0), above_kink)

    # --------------------------------------------------------- shape changes

    def reshape(self, *shape):
        """Same entries, new shape; the gradient is reshaped back."""
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        try:
            out = self.data.reshape(shape)
        except ValueError:
            raise ValueError(f"Tensor.reshape: cannot reshape shape {self.shape} "
                             f"({self.size} entries) into {tuple(shape)}") from None
        return Tensor._result(out, (self,), "reshape", (lambda g: g.reshape(self.shape),))

    def transpose(self, *axes):
        """Permute the axes (reverse them by default); the gradient is permuted back."""
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        axes = tuple(axes) or tuple(reversed(range(self.ndim)))
        inverse = tuple(np.argsort(axes))
        return Tensor._result(self.data.transpose(axes), (self,), "transpose",
                              (lambda g: g.transpose(inverse),))

    T = property(transpose)

    # ---------------------------------------------------------- backpropagation

    def backward(self, grad=None):
        """Fill ``grad`` of every tensor this one depends on.

        Parameters
        ----------
        grad : array_like of shape ``self.shape``, optional
            The seed ``dL/d self``. It may be omitted only when ``self`` has one entry
            (a loss), and then it is 1.

        Intermediate gradients are reset first; gradients of leaves keep accumulating
        across calls, so reset them (``t.grad[...] = 0``) between optimisation steps.
        """
        if grad is None:
            if self.size != 1:
                raise ValueError(f"backward() on a Tensor of shape {self.shape} needs a seed "
                                 "gradient of that shape; without one, call it on a scalar loss")
            grad = np.ones_like(self.data)
        grad = np.asarray(grad, dtype=self.dtype)
        if grad.shape != self.shape:
            raise ValueError(f"backward(): seed gradient of shape {grad.shape} does not "
                             f"match the tensor's shape {self.shape}")
        order = topological_order(self)
        for node in order:
            if node.parents:
                node.grad = np.zeros_like(node.data)
        self.grad = self.grad + grad
        for node in reversed(order):  # every user of a node is processed before it
            for parent, vjp in zip(node.parents, node.vjps):
                parent.grad = parent.grad + vjp(node.grad)  # chain rule, accumulated


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy between ``softmax(logits)`` and the targets, fused and stable.

    Parameters
    ----------
    logits : Tensor of shape (n_samples, n_classes)
        Pre-activations ``Z`` of the output layer.
    y : ndarray of shape (n_samples,) with integer labels in ``[0, n_classes)``, or of
        shape (n_samples, n_classes) with one probability distribution per row (one-hot).

    Returns
    -------
    Tensor of shape ()
        ``-mean_i sum_k Y[i, k] log softmax(Z)[i, k]``. Its gradient with respect to
        ``Z`` is ``(softmax(Z) - Y) / n_samples``: the softmax Jacobian cancels.
    """
    if not isinstance(logits, Tensor):
        raise TypeError(f"logits must be a Tensor, got {_describe(logits)}")
    Z = logits.data
    if Z.ndim != 2:
        raise ValueError(f"logits must be 2-D (n_samples, n_classes), got shape {Z.shape}")
    Y = _targets(y, Z.shape).astype(Z.dtype)
    shifted = Z - Z.max(axis=1, keepdims=True)  # softmax(z) = softmax(z - max z): no overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = Z.shape[0]
    probs = np.exp(log_probs)
    loss = -(Y * log_probs).sum() / n
    return Tensor._result(loss, (logits,), "softmax_ce", (lambda g: g * (probs - Y) / n,))


def _targets(y, shape):
    """Integer labels or one-hot rows as a (n_samples, n_classes) array of probabilities."""
    if isinstance(y, Tensor) or not _is_numeric(y):
        raise TypeError(f"targets y must be a NumPy array of labels or one-hot rows, "
                        f"got {_describe(y)}")
    y = np.asarray(y)
    n, k = shape
    if y.ndim == 1:
        if len(y) != n:
            raise ValueError(f"{len(y)} labels for {n} rows of logits")
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"labels must be integers, got dtype {y.dtype}")
        if n and (y.min() < 0 or y.max() >= k):
            raise ValueError(f"labels must lie in [0, {k}), got values from {y.min()} to {y.max()}")
        return np.eye(k)[y]
    if y.shape != shape:
        raise ValueError(f"one-hot targets of shape {y.shape} do not match logits {shape}")
    if np.isnan(y).any() or (y < 0).any() or not np.allclose(y.sum(axis=1), 1.0):
        raise ValueError("each row of one-hot targets must be non-negative and sum to 1")
    return y


def _is_numeric(x):
    """True for numbers and arrays of numbers (not for bools alone, strings, objects)."""
    if isinstance(x, (bool, np.bool_)):
        return False
    try:
        kind = np.asarray(x).dtype.kind
    except (TypeError, ValueError):
        return False
    return kind in "iuf"


def _describe(x):
    return f"{type(x).__name__}" + (f" of dtype {x.dtype}" if hasattr(x, "dtype") else "")
