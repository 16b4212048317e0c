"""Artificial neurons and the feed-forward networks built from them.

* :func:`threshold_unit`: the McCulloch–Pitts neuron (1943), which fires when the weighted
  sum of its inputs reaches a threshold;
* :func:`feed_forward`: a stack of dense layers ``A @ W + b``, each followed by an activation
  (threshold units when the activation is ``"step"``);
* :func:`rbf_unit`: a Gaussian radial-basis-function unit, which responds to the distance
  between the input and its centre instead of a weighted sum;
* :func:`count_parameters` and :func:`count_multiply_adds`: the size and the cost of a
  feed-forward network from its layer sizes alone.

Samples are rows: ``X`` has shape ``(n_samples, n_inputs)``.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import activations
from .layers import dense

__all__ = ["threshold_unit", "feed_forward", "rbf_unit", "count_parameters",
           "count_multiply_adds"]


def _as_samples(X):
    """``X`` as a finite 2-D float array (n_samples, n_inputs), or a clear ``ValueError``."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_inputs), got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.number) or np.iscomplexobj(X):
        raise ValueError(f"X must hold real numbers, got dtype {X.dtype}")
    X = X if np.issubdtype(X.dtype, np.floating) else X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinity")
    return X


def _real_number(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) \
            or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    return float(value)


def threshold_unit(X, weights, threshold):
    """McCulloch–Pitts threshold unit: fires (1) when ``x . w >= threshold``, else 0.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_inputs)
    weights : array_like of shape (n_inputs,)
    threshold : float

    Returns
    -------
    y : ndarray of shape (n_samples,)
        ``step(X @ weights - threshold)``, with the step of
        :func:`coursepkg.activations.step` (1 at exactly 0, so the unit fires *at* the
        threshold).
    """
    X = _as_samples(X)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (X.shape[1],):
        raise ValueError(f"weights must have shape ({X.shape[1]},), one per input, "
                         f"got {weights.shape}")
    threshold = _real_number("threshold", threshold)
    return activations.step(X @ weights - threshold)


def feed_forward(X, layers, activation="step"):
    """Output of a feed-forward network of dense layers.

    Layer ``l`` computes ``A[l + 1] = f_l(A[l] @ W_l + b_l)`` from ``A[0] = X``.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_inputs)
    layers : sequence of (W, b) pairs
        ``W`` of shape (fan_in, fan_out) and ``b`` of shape (fan_out,), first layer first.
        A threshold unit with threshold ``theta`` has bias ``b = -theta``.
    activation : str or sequence of str, default "step"
        One activation name of :mod:`coursepkg.activations` for every layer, or one per
        layer.

    Returns
    -------
    output : ndarray of shape (n_samples, fan_out of the last layer)
    """
    A = _as_samples(X)
    layers = list(layers)
    if not layers:
        raise ValueError("layers is empty: a network needs at least one (W, b) layer")
    names = [activation] * len(layers) if isinstance(activation, str) else list(activation)
    if len(names) != len(layers):
        raise ValueError(f"{len(names)} activations for {len(layers)} layers")
    functions = [activations.get(name).function for name in names]
    for l, (layer, f) in enumerate(zip(layers, functions)):
        if len(layer) != 2:
            raise ValueError(f"layer {l} must be a (W, b) pair, got {len(layer)} items")
        W, b = layer
        if np.shape(W)[:1] != (A.shape[1],):
            raise ValueError(f"layer {l} receives {A.shape[1]} inputs, but its W has shape "
                             f"{np.shape(W)} (expected ({A.shape[1]}, fan_out))")
        A = f(dense(A, W, b))
    return A


def rbf_unit(X, center, width):
    """Gaussian radial-basis-function unit ``exp(-||x - c||^2 / (2 width^2))``.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_inputs)
    center : array_like of shape (n_inputs,)
        The input at which the unit responds most (output 1).
    width : float
        The standard deviation ``sigma`` of the Gaussian, > 0.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        In (0, 1]; it depends on the input only through its distance to ``center``.
    """
    X = _as_samples(X)
    center = np.asarray(center, dtype=np.float64)
    if center.shape != (X.shape[1],):
        raise ValueError(f"center must have shape ({X.shape[1]},), got {center.shape}")
    width = _real_number("width", width)
    if width <= 0:
        raise ValueError(f"width must be > 0, got {width}")
    squared_distance = ((X - center) ** 2).sum(axis=1)
    return np.exp(-squared_distance / (2 * width ** 2))


def _layer_sizes(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs the input size and at least one layer, got {sizes}")
    if not all(isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_))
               and s >= 1 for s in sizes):
        raise ValueError(f"layer sizes must be positive integers, got {sizes}")
    return [int(s) for s in sizes]


def count_parameters(layer_sizes):
    """Number of weights and biases of a fully connected feed-forward network.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_inputs, n_hidden_1, ..., n_outputs)``, for example ``(784, 128, 10)``.

    Returns
    -------
    int
        ``sum_l (d_l + 1) * d_{l+1}``: each layer has a ``(d_l, d_{l+1})`` weight matrix and a
        bias for each of its ``d_{l+1}`` units.
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
        ``n_samples * sum_l d_l * d_{l+1}``: every output of layer ``l`` is a dot product of
        length ``d_l``. The bias additions and the activations are not counted.
    """
    sizes = _layer_sizes(layer_sizes)
    if not isinstance(n_samples, (int, np.integer)) or isinstance(n_samples, bool) \
            or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    return int(n_samples) * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
