"""A feed-forward network given by its weights: forward pass, parameter count, and the
collapse of linear layers into one.

The layers follow the book's convention: ``coefs[l]`` has shape (fan_in, fan_out),
``intercepts[l]`` has shape (fan_out,), and layer ``l`` computes
``A[l + 1] = f(A[l] @ coefs[l] + intercepts[l])`` with ``A[0] = X``.
"""

from __future__ import annotations

import numpy as np

from . import activations
from .layers import dense

__all__ = ["forward", "collapse_linear", "count_parameters"]


def _check_layers(coefs, intercepts):
    if len(coefs) == 0:
        raise ValueError("a network needs at least one layer; coefs is empty")
    if len(coefs) != len(intercepts):
        raise ValueError(f"{len(coefs)} weight matrices but {len(intercepts)} bias vectors")
    for l in range(1, len(coefs)):
        fan_out, fan_in = np.shape(coefs[l - 1])[-1], np.shape(coefs[l])[0]
        if fan_out != fan_in:
            raise ValueError(f"layer {l} has {fan_out} outputs but layer {l + 1} expects "
                             f"fan_in = {fan_in}")


def forward(X, coefs, intercepts, activation="relu", output_activation="identity"):
    """Forward pass of a multilayer perceptron with given weights.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    coefs : list of L ndarrays, ``coefs[l]`` of shape (fan_in, fan_out)
    intercepts : list of L ndarrays, ``intercepts[l]`` of shape (fan_out,)
    activation : str, default "relu"
        Activation of every hidden layer, a name known to :func:`coursepkg.activations.get`.
    output_activation : str, default "identity"
        Activation of the last layer ("softmax" for class probabilities).

    Returns
    -------
    activations : list of L + 1 ndarrays
        ``activations[0]`` is ``X`` (as a float array) and ``activations[l]``, of shape
        (n_samples, n_l), the output of layer ``l``; the last one is the network's output.
    """
    _check_layers(coefs, intercepts)
    hidden = activations.get(activation).function
    output = activations.get(output_activation).function
    X = np.asarray(X)
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinity")
    A = [X]
    for l, (W, b) in enumerate(zip(coefs, intercepts)):
        f = output if l == len(coefs) - 1 else hidden
        A.append(f(dense(A[-1], W, b)))
    return A


def collapse_linear(coefs, intercepts):
    """The single layer equal to a stack of layers with identity activations.

    Composing ``A @ W1 + b1`` with ``(.) @ W2 + b2`` gives ``A @ (W1 W2) + (b1 W2 + b2)``;
    repeating this for every layer gives one weight matrix and one bias.

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


def count_parameters(layer_sizes):
    """Number of weights and biases of a dense network with the given layer widths.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_0, n_1, ..., n_L)``: input features, then the units of every layer.

    Returns
    -------
    int
        ``sum over l of (n_{l-1} + 1) * n_l``: a weight per pair of connected units and a
        bias per unit.
    """
    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"need at least an input and an output size, got {layer_sizes!r}")
    if min(sizes) < 1:
        raise ValueError(f"layer sizes must be positive, got {layer_sizes!r}")
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))
