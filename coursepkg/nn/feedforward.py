"""A feed-forward network given by its weights: the forward pass, the size and cost of a
network, and the collapse of linear layers into one.

The layers follow the book's convention: ``coefs[l]`` has shape (fan_in, fan_out),
``intercepts[l]`` has shape (fan_out,), and layer ``l`` computes
``z[l] = a[l] @ coefs[l] + intercepts[l]`` and ``a[l + 1] = f_l(z[l])`` with ``a[0] = X``.

:func:`forward_pass` is the one layer loop of the package: it keeps every ``z`` and ``a`` in a
:class:`Cache` for :func:`coursepkg.nn.backprop.backward`. :func:`forward` is the same pass with a
hidden and an output activation, returning only the activations.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from coursepkg.nn import activations as act
from coursepkg.nn.layers import dense

__all__ = ["Cache", "as_samples", "forward_pass", "forward", "collapse_linear", "count_parameters",
           "count_multiply_adds"]


class Cache(NamedTuple):
    """What :func:`forward_pass` keeps for the backward pass."""

    #: list of ndarray: ``z[l]``, of shape (n_samples, fan_out of layer l), holds the
    #: pre-activations of layer ``l``.
    z: list
    #: list of ndarray: ``a[0]`` is the input and ``a[l + 1] = f_l(z[l])``, so ``a[-1]``
    #: is the output.
    a: list


def _check_layers(coefs, intercepts):
    """Raise ``ValueError`` unless the layers chain: a bias per unit, fan_in = last fan_out."""
    if len(coefs) == 0:
        raise ValueError("a network needs at least one layer; coefs is empty")
    if len(coefs) != len(intercepts):
        raise ValueError(f"{len(coefs)} weight matrices but {len(intercepts)} bias vectors")
    for l, (W, b) in enumerate(zip(coefs, intercepts)):
        W_shape, b_shape = np.shape(W), np.shape(b)
        if len(W_shape) != 2 or b_shape != W_shape[1:]:
            raise ValueError(f"layer {l + 1}: the weights must be (fan_in, fan_out) and the "
                             f"bias (fan_out,), got {W_shape} and {b_shape}")
        if l and W_shape[0] != np.shape(coefs[l - 1])[1]:
            raise ValueError(f"layer {l} has {np.shape(coefs[l - 1])[1]} outputs but layer "
                             f"{l + 1} expects fan_in = {W_shape[0]}")


def as_samples(X, n_features=None):
    """``X`` as a finite 2-D float array (n_samples, n_features), or a clear ``ValueError``.

    Integer input becomes float64; float32 stays float32. ``n_features=None`` accepts any width.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.number) or np.iscomplexobj(X):
        raise ValueError(f"X must hold real numbers, got dtype {X.dtype}")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features per sample but the first layer expects "
                         f"fan_in = {n_features}: X must have shape (n_samples, {n_features})")
    X = X if np.issubdtype(X.dtype, np.floating) else X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinity")
    return X


def forward_pass(X, coefs, intercepts, activations):
    """Forward pass of a dense network, keeping every ``z`` and ``a``.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    coefs : list of L ndarrays, ``coefs[l]`` of shape (fan_in, fan_out)
    intercepts : list of L ndarrays, ``intercepts[l]`` of shape (fan_out,)
    activations : sequence of L str or :class:`coursepkg.nn.activations.Activation`
        One activation per layer, the output layer's last; names as in
        :func:`coursepkg.nn.activations.get`.

    Returns
    -------
    Cache
        ``(z, a)``: ``z[l]`` of shape (n_samples, fan_out of layer l); ``a[0]`` is ``X``
        as a float array (float32 stays float32) and ``a[-1]`` of shape (n_samples,
        n_outputs) is the network's output.
    """
    _check_layers(coefs, intercepts)
    one_name = isinstance(activations, (str, act.Activation))
    if one_name or len(activations) != len(coefs):
        count = 1 if one_name else len(activations)
        raise ValueError(f"{count} activations for {len(coefs)} layers: need one "
                         "weight matrix, bias vector and activation per layer")
    functions = [act.get(name).function for name in activations]
    a = [as_samples(X, np.shape(coefs[0])[0])]
    z = []
    for W, b, f in zip(coefs, intercepts, functions):
        z.append(dense(a[-1], W, b))
        a.append(f(z[-1]))
    return Cache(z, a)


def forward(X, coefs, intercepts, activation="relu", output_activation="identity"):
    """Forward pass of a multilayer perceptron with one hidden and one output activation.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    coefs : list of L ndarrays, ``coefs[l]`` of shape (fan_in, fan_out)
    intercepts : list of L ndarrays, ``intercepts[l]`` of shape (fan_out,)
    activation : str, default "relu"
        Activation of every hidden layer, a name known to :func:`coursepkg.nn.activations.get`.
    output_activation : str, default "identity"
        Activation of the last layer ("softmax" for class probabilities).

    Returns
    -------
    activations : list of L + 1 ndarrays
        ``activations[0]`` is ``X`` (as a float array) and ``activations[l]``, of shape
        (n_samples, n_l), the output of layer ``l``; the last one is the network's output.
        It is ``forward_pass(...).a``.
    """
    names = [activation] * (len(coefs) - 1) + [output_activation]
    return forward_pass(X, coefs, intercepts, names).a


def collapse_linear(coefs, intercepts):
    """The single layer equal to a stack of layers with identity activations.

    Composing ``A @ W1 + b1`` with ``(.) @ W2 + b2`` gives
    ``A @ (W1 W2) + (b1 W2 + b2)``; repeating this for every layer gives one weight
    matrix and one bias.

    Parameters
    ----------
    coefs : list of ndarrays, ``coefs[l]`` of shape (fan_in, fan_out)
    intercepts : list of ndarrays, ``intercepts[l]`` of shape (fan_out,)

    Returns
    -------
    W : ndarray of shape (n_features, n_outputs)
        ``coefs[0] @ coefs[1] @ ... @ coefs[-1]``.
    b : ndarray of shape (n_outputs,)
    """
    _check_layers(coefs, intercepts)
    W, b = np.asarray(coefs[0]), np.asarray(intercepts[0])
    for W_next, b_next in zip(coefs[1:], intercepts[1:]):
        W, b = W @ W_next, b @ W_next + b_next
    return W, b


def _layer_sizes(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs at least an input and an output size, "
                         f"got {layer_sizes!r}")
    if not all(isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_))
               and s >= 1 for s in sizes):
        raise ValueError(f"layer sizes must be positive integers, got {layer_sizes!r}")
    return [int(s) for s in sizes]


def count_parameters(layer_sizes):
    """Number of weights and biases of a dense network with the given layer widths.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_0, n_1, ..., n_L)``: input features, then the units of every layer, for
        example ``(784, 128, 10)``.

    Returns
    -------
    int
        ``sum over l of (n_{l-1} + 1) * n_l``: a weight per pair of connected units and
        a bias per unit.
    """
    sizes = _layer_sizes(layer_sizes)
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))


def count_multiply_adds(layer_sizes, n_samples=1):
    """Multiply-adds of one forward pass of ``n_samples`` samples through the dense layers.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_inputs, n_hidden_1, ..., n_outputs)``.
    n_samples : int, default 1

    Returns
    -------
    int
        ``n_samples * sum_l n_{l-1} * n_l``: every output of layer ``l`` is a dot product of
        length ``n_{l-1}``. The bias additions and the activations are not counted.
    """
    sizes = _layer_sizes(layer_sizes)
    if not isinstance(n_samples, (int, np.integer)) or isinstance(n_samples, (bool, np.bool_)) \
            or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    return int(n_samples) * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
