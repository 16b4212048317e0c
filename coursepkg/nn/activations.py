"""Activation functions and their derivatives.

Every function works elementwise on an array ``z`` of any shape (usually the
pre-activations ``Z = X @ W + b`` of shape ``(n_samples, fan_out)``) and returns an array
of the same shape and dtype. Each ``<name>_derivative(z, a=None)`` returns
``d<name>/dz`` elementwise; pass ``a = <name>(z)`` when you already have it, which saves
recomputing the activation (backpropagation always has it).

Two functions are not elementwise: :func:`softmax` normalises each row (the last axis), so
its backward pass is the vector-Jacobian product :func:`softmax_backward` (its full
Jacobian, :func:`softmax_jacobian`, is there to study, never needed); :func:`maxout` takes
the maximum over groups of units and changes the width of a layer, so
:func:`maxout_derivative` (same signature as the others, ``n_pieces`` by keyword) is a 0/1
mask of the shape of its input, and :func:`maxout_backward` maps ``dL/da`` back to
``dL/dz``.

Every activation of the registry (:func:`get`) keeps one contract,
:meth:`Activation.backward`: ``dL/dz`` from ``dL/da``, both (n_samples, n_units).

Use :func:`get` to look an activation up by name.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import expit

__all__ = [
    "step", "step_derivative",
    "identity", "identity_derivative",
    "sigmoid", "sigmoid_derivative",
    "tanh", "tanh_derivative",
    "relu", "relu_derivative",
    "leaky_relu", "leaky_relu_derivative",
    "elu", "elu_derivative",
    "softmax", "softmax_jacobian", "softmax_backward",
    "maxout", "maxout_derivative", "maxout_backward",
    "Activation", "ACTIVATIONS", "ELEMENTWISE", "get",
]


def _as_float(z):
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)  # kind "f": a float dtype


@functools.cache
def _log_tiny(dtype):
    """``log`` of the smallest normal number of a float dtype, e.g. -87.3 for float32."""
    return np.log(np.finfo(dtype).tiny)


# ----------------------------------------------------------------------------- step

def step(z):
    """Heaviside step: 1 where ``z >= 0``, else 0 (Rosenblatt's perceptron)."""
    z = _as_float(z)
    return (z >= 0).astype(z.dtype)


def step_derivative(z, a=None):
    """0 everywhere (undefined at 0): the reason the step cannot be trained by gradients."""
    return np.zeros_like(_as_float(z))


# ------------------------------------------------------------------------- identity

def identity(z):
    """``f(z) = z`` (output of a regression network)."""
    return _as_float(z)


def identity_derivative(z, a=None):
    """1 everywhere."""
    return np.ones_like(_as_float(z))


# -------------------------------------------------------------------------- sigmoid

def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))``.

    Computed by :func:`scipy.special.expit`, which never overflows: ``sigmoid(-1e4)`` is
    exactly 0 and ``sigmoid(1e4)`` exactly 1, without warnings.
    """
    return expit(_as_float(z))


def sigmoid_derivative(z, a=None):
    """``sigmoid(z) * (1 - sigmoid(z))``, at most 1/4 (at ``z = 0``)."""
    a = sigmoid(z) if a is None else a
    return a * (1 - a)


# ----------------------------------------------------------------------------- tanh

def tanh(z):
    """Hyperbolic tangent, ``2 * sigmoid(2 z) - 1``, with values in (-1, 1)."""
    return np.tanh(_as_float(z))


def tanh_derivative(z, a=None):
    """``1 - tanh(z)**2``."""
    a = tanh(z) if a is None else a
    return 1 - a * a


# ----------------------------------------------------------------------------- ReLU

def relu(z):
    """Rectified linear unit ``max(z, 0)``."""
    return np.maximum(_as_float(z), 0)


def relu_derivative(z, a=None):
    """1 where ``z > 0``, else 0 (we take 0 at the kink ``z = 0``)."""
    z = _as_float(z)
    return np.greater(z, 0, out=np.empty_like(z))  # True and False written as 1 and 0


def leaky_relu(z, alpha=0.01):
    """``z`` where ``z > 0``, else ``alpha * z``: a small slope keeps negative units alive."""
    z = _as_float(z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z, a=None, alpha=0.01):
    """1 where ``z > 0``, else ``alpha``."""
    z = _as_float(z)
    return np.where(z > 0, 1, alpha).astype(z.dtype)


def elu(z, alpha=1.0):
    """Exponential linear unit: ``z`` where ``z > 0``, else ``alpha * (exp(z) - 1)``."""
    z = _as_float(z)
    # expm1 of min(z, 0) avoids overflow for large positive z and is accurate near 0.
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))


def elu_derivative(z, a=None, alpha=1.0):
    """1 where ``z > 0``, else ``alpha * exp(z)`` which equals ``elu(z) + alpha``."""
    z = _as_float(z)
    a = elu(z, alpha) if a is None else a
    return np.where(z > 0, 1, a + alpha).astype(z.dtype)


# -------------------------------------------------------------------------- softmax

def softmax(z):
    """Row-wise softmax over the last axis: ``exp(z_j) / sum_k exp(z_k)``.

    Parameters
    ----------
    z : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    p : ndarray of shape (n_samples, n_classes)
        Every row is a probability vector (non-negative, sums to 1).

    Notes
    -----
    Subtracting the row maximum leaves the result unchanged and makes every exponent
    ``<= 0``, so ``exp`` cannot overflow. The shifted values are also floored at
    ``log(tiny)`` (``tiny`` = the smallest normal number of the dtype), so ``exp`` does
    not underflow either; that changes a probability by at most ``1e-38`` (float32).
    """
    z = _as_float(z)
    shifted = z - z.max(axis=-1, keepdims=True)
    np.maximum(shifted, _log_tiny(z.dtype), out=shifted)
    e = np.exp(shifted, out=shifted)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def softmax_jacobian(z, a=None):
    """Jacobian of :func:`softmax` for every row.

    Softmax is not elementwise, so it has no derivative of the shape of ``z``; backward
    passes use :func:`softmax_backward`, which never forms this array.

    Returns
    -------
    J : ndarray of shape (n_samples, n_classes, n_classes)
        ``J[i, j, k] = d p_ij / d z_ik = p_ij * (delta_jk - p_ik)``.
    """
    p = softmax(z) if a is None else a
    return p[..., :, None] * (np.eye(p.shape[-1], dtype=p.dtype) - p[..., None, :])


def softmax_backward(grad, a):
    """Vector-Jacobian product of softmax without forming the Jacobian.

    Parameters
    ----------
    grad : ndarray of shape (n_samples, n_classes)
        Gradient of the loss with respect to the probabilities ``a``.
    a : ndarray of shape (n_samples, n_classes)
        ``softmax(z)``.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Gradient with respect to ``z``: ``a * (grad - sum_k grad_k a_k)``.
    """
    return a * (grad - np.sum(grad * a, axis=-1, keepdims=True))


# --------------------------------------------------------------------------- maxout

def _maxout_groups(z, n_pieces):
    z = _as_float(z)
    if n_pieces < 1 or z.shape[-1] % n_pieces:
        raise ValueError(
            f"maxout needs the last axis ({z.shape[-1]} units) to be a multiple of "
            f"n_pieces = {n_pieces}")
    return z.reshape(*z.shape[:-1], z.shape[-1] // n_pieces, n_pieces)


def maxout(z, n_pieces):
    """Maxout unit (Goodfellow et al., 2013): the maximum of ``n_pieces`` linear pieces.

    Parameters
    ----------
    z : ndarray of shape (n_samples, n_units * n_pieces)
        Pre-activations of a dense layer with ``n_units * n_pieces`` outputs; unit ``j``
        owns the columns ``j * n_pieces .. (j + 1) * n_pieces - 1``.
    n_pieces : int

    Returns
    -------
    ndarray of shape (n_samples, n_units)
    """
    return _maxout_groups(z, n_pieces).max(axis=-1)


def maxout_derivative(z, a=None, *, n_pieces):
    """``d maxout(z) / d z`` as a 0/1 mask of the shape of ``z``.

    The same signature as every ``<name>_derivative(z, a=None)``, with the activation's
    parameter by keyword (as ``alpha`` of :func:`leaky_relu_derivative`); ``a`` is not
    needed. 1 marks the piece that won the maximum in its group (the first one on ties);
    the gradient of a maxout layer flows only through those pieces.
    """
    groups = _maxout_groups(z, n_pieces)
    winner = groups.argmax(axis=-1)[..., None]
    mask = np.zeros_like(groups)
    np.put_along_axis(mask, winner, 1, axis=-1)
    return mask.reshape(np.shape(z))


def maxout_backward(grad, z, *, n_pieces):
    """Backward pass of :func:`maxout`: ``dL/dz`` from ``grad = dL/da``.

    Parameters
    ----------
    grad : ndarray of shape (n_samples, n_units)
        Gradient of the loss with respect to the maxout outputs.
    z : ndarray of shape (n_samples, n_units * n_pieces)
        The pre-activations the forward pass took.

    Returns
    -------
    ndarray of shape (n_samples, n_units * n_pieces)
        Each unit's gradient goes to its winning piece; the other pieces get 0.
    """
    grad = _as_float(grad)
    if grad.shape[-1] * n_pieces != np.shape(z)[-1]:
        raise ValueError(
            f"grad has {grad.shape[-1]} units but z has {np.shape(z)[-1]} columns, not "
            f"{grad.shape[-1]} x n_pieces = {grad.shape[-1] * n_pieces}")
    return np.repeat(grad, n_pieces, axis=-1) * maxout_derivative(z, n_pieces=n_pieces)


# --------------------------------------------------------------------------- lookup

@dataclass(frozen=True)
class Activation:
    """An activation looked up by name, with one backward contract for all of them.

    ``function(z)`` maps pre-activations (n_samples, n_units) to activations of the same
    shape. :meth:`backward` turns ``dL/da`` into ``dL/dz``, both (n_samples, n_units): for an
    elementwise activation that is ``grad * derivative(z, a)``; an activation that mixes the
    units of a row (softmax) has no elementwise ``derivative`` (``None``) and gives its
    vector-Jacobian product ``vjp(grad, a)`` instead.
    """

    name: str
    function: Callable
    derivative: Callable | None
    vjp: Callable | None = None

    @property
    def elementwise(self) -> bool:
        """Whether ``a[:, j]`` depends on ``z[:, j]`` only (usable in a hidden layer)."""
        return self.derivative is not None

    def backward(self, grad, z, a):
        """``dL/dz`` from ``grad = dL/da``; ``z`` and ``a = function(z)`` from the forward pass.

        All three arrays and the result have shape (n_samples, n_units).
        """
        if self.vjp is not None:
            return self.vjp(grad, a)
        return grad * self.derivative(z, a)


ACTIVATIONS = {
    activation.name: activation
    for activation in [
        Activation("step", step, step_derivative),
        Activation("identity", identity, identity_derivative),
        Activation("sigmoid", sigmoid, sigmoid_derivative),
        Activation("tanh", tanh, tanh_derivative),
        Activation("relu", relu, relu_derivative),
        Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
        Activation("elu", elu, elu_derivative),
        Activation("softmax", softmax, None, vjp=softmax_backward),
    ]
}

#: Names of the elementwise activations, the ones usable in a hidden layer.
ELEMENTWISE = tuple(name for name, found in ACTIVATIONS.items() if found.elementwise)

_ALIASES = {"logistic": "sigmoid", "linear": "identity"}


def get(name):
    """Return the :class:`Activation` called ``name`` (``"logistic"`` and ``"linear"``,
    scikit-learn's and Keras's names, are accepted too).

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    if isinstance(name, Activation):
        return name
    key = _ALIASES.get(name, name)
    if not isinstance(key, str) or key not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; valid names are {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[key]
