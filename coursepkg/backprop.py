"""Backpropagation written out: the four equations for a plain feed-forward network.

:mod:`coursepkg.mlp` trains networks whose output activation and loss form a canonical
pair (the output delta is ``(a - Y) / n``). This module keeps the general form, for any
elementwise output activation with the half squared error, so that a textbook example such
as a sigmoid output trained on squared error can be computed exactly as derived::

    J = 1/n * sum_i 1/2 ||a[L]_i - y_i||^2                      (cost of a batch of n rows)
    delta[L] = (a[L] - Y) / n  *  f_L'(z[L])                    (output layer)
    delta[l] = (delta[l+1] @ W[l+1].T)  *  f_l'(z[l])           (hidden layers)
    dJ/dW[l] = a[l-1].T @ delta[l]        dJ/db[l] = column sums of delta[l]

Layers are numbered from 0 in code: ``coefs[i]`` (fan_in, fan_out) and ``intercepts[i]``
(fan_out,) map ``a[i]`` to ``z[i]`` and ``a[i + 1] = f_i(z[i])``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import activations as act

__all__ = ["Cache", "forward", "backward", "half_squared_error", "layer_gradient_norms"]


class Cache(NamedTuple):
    """What :func:`forward` keeps for :func:`backward`.

    ``z[i]`` (n_samples, fan_out of layer i) are the pre-activations; ``a[0]`` is the input
    and ``a[i + 1] = f_i(z[i])``, so ``a[-1]`` is the output.
    """

    z: list
    a: list


def _check_network(coefs, intercepts, activations):
    if not len(coefs) == len(intercepts) == len(activations) or not coefs:
        raise ValueError(f"need one weight matrix, bias and activation per layer, got "
                         f"{len(coefs)}, {len(intercepts)} and {len(activations)}")
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(f"layer {i}: weights must be (fan_in, fan_out) and the bias "
                             f"(fan_out,), got {W.shape} and {b.shape}")
        if i and W.shape[0] != np.shape(coefs[i - 1])[1]:
            raise ValueError(f"layer {i} has fan_in {W.shape[0]} but layer {i - 1} has "
                             f"{np.shape(coefs[i - 1])[1]} outputs")
    return [act.get(name) for name in activations]


def _as_batch(X, name, width):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != width:
        raise ValueError(f"{name} must have shape (n_samples, {width}), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def forward(X, coefs, intercepts, activations):
    """Forward pass, keeping every ``z`` and ``a`` for the backward pass.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    coefs : list of ndarray
        ``coefs[i]`` of shape (fan_in, fan_out).
    intercepts : list of ndarray
        ``intercepts[i]`` of shape (fan_out,).
    activations : list of str or :class:`coursepkg.activations.Activation`
        One elementwise activation per layer, the output layer's last.

    Returns
    -------
    Cache
        ``(z, a)``; ``a[-1]`` of shape (n_samples, n_outputs) is the output.
    """
    functions = _check_network(coefs, intercepts, activations)
    a = [_as_batch(X, "X", np.shape(coefs[0])[0])]
    z = []
    for W, b, f in zip(coefs, intercepts, functions):
        z.append(a[-1] @ W + b)
        a.append(f.function(z[-1]))
    return Cache(z, a)


def half_squared_error(output, Y):
    """Cost ``J = 1/n sum_i 1/2 ||output_i - Y_i||^2`` of a batch (both (n_samples, n_outputs))."""
    return 0.5 * float(np.sum((output - Y) ** 2)) / len(Y)


def backward(cache, coefs, Y, activations):
    """Gradients of :func:`half_squared_error` by the four equations of backpropagation.

    Parameters
    ----------
    cache : Cache
        What :func:`forward` returned for the batch.
    coefs : list of ndarray
        The weights used in that forward pass (the biases are not needed backwards).
    Y : array-like of shape (n_samples, n_outputs)
        Targets.
    activations : list of str or Activation
        As given to :func:`forward`.

    Returns
    -------
    coef_grads : list of ndarray
        ``dJ/dcoefs[i]``, shaped like ``coefs[i]``.
    intercept_grads : list of ndarray
        ``dJ/dintercepts[i]``, shape (fan_out,).
    deltas : list of ndarray
        ``deltas[i] = dJ/dz[i]``, shape (n_samples, fan_out), with the 1/n of the mean.
    """
    functions = [act.get(name) for name in activations]
    if len(functions) != len(coefs) or len(cache.z) != len(coefs):
        raise ValueError("cache, coefs and activations must describe the same layers")
    Y = _as_batch(Y, "Y", cache.a[-1].shape[1])
    if len(Y) != len(cache.a[0]):
        raise ValueError(f"Y has {len(Y)} rows but the batch has {len(cache.a[0])}")
    n_layers = len(coefs)
    deltas = [None] * n_layers
    # Output layer: dJ/da = (a - Y) / n, times f'(z) elementwise.
    deltas[-1] = (cache.a[-1] - Y) / len(Y) * functions[-1].derivative(cache.z[-1], cache.a[-1])
    for i in range(n_layers - 2, -1, -1):
        deltas[i] = (deltas[i + 1] @ coefs[i + 1].T) \
            * functions[i].derivative(cache.z[i], cache.a[i + 1])
    coef_grads = [a.T @ delta for a, delta in zip(cache.a[:-1], deltas)]
    intercept_grads = [delta.sum(axis=0) for delta in deltas]
    return coef_grads, intercept_grads, deltas


def layer_gradient_norms(coef_grads):
    """Frobenius norm of each layer's weight gradient, shape (n_layers,)."""
    return np.array([np.linalg.norm(g) for g in coef_grads])
