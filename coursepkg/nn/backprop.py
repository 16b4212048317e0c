"""Backpropagation written out: the four equations for a plain feed-forward network.

:mod:`coursepkg.models.mlp` trains networks whose output activation and loss form a canonical
pair (the output delta is ``(a - Y) / n``). This module keeps the general form, for any
output activation with the half squared error, so that a textbook example such as a
sigmoid output trained on squared error can be computed exactly as derived::

    J = 1/n * sum_i 1/2 ||a[L]_i - y_i||^2                      (cost of a batch of n rows)
    delta[L] = (a[L] - Y) / n  *  f_L'(z[L])                    (output layer)
    delta[l] = (delta[l+1] @ W[l+1].T)  *  f_l'(z[l])           (hidden layers)
    dJ/dW[l] = a[l-1].T @ delta[l]        dJ/db[l] = column sums of delta[l]

Each ``* f'(z)`` is :meth:`coursepkg.nn.activations.Activation.backward`: the elementwise
product for an elementwise activation, the vector-Jacobian product for softmax.

Layers are numbered from 0 in code: ``coefs[i]`` (fan_in, fan_out) and ``intercepts[i]``
(fan_out,) map ``a[i]`` to ``z[i]`` and ``a[i + 1] = f_i(z[i])``. The forward pass that
keeps them is :func:`coursepkg.nn.feedforward.forward_pass`.
"""

from __future__ import annotations

import numpy as np

from coursepkg.nn import activations as act

__all__ = ["backward", "layer_gradient_norms"]


def backward(cache, coefs, Y, activations):
    """Gradients of :func:`~coursepkg.nn.losses.half_squared_error` by the four
    equations of backpropagation.

    Parameters
    ----------
    cache : coursepkg.nn.feedforward.Cache
        What :func:`coursepkg.nn.feedforward.forward_pass` returned for the batch.
    coefs : list of ndarray
        The weights used in that forward pass (the biases are not needed backwards).
    Y : array-like of shape (n_samples, n_outputs)
        Targets.
    activations : list of str or Activation
        As given to the forward pass.

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
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2 or Y.shape[1] != cache.a[-1].shape[1]:
        raise ValueError(f"Y must have shape (n_samples, {cache.a[-1].shape[1]}), "
                         f"got {Y.shape}")
    if not np.all(np.isfinite(Y)):
        raise ValueError("Y contains NaN or infinity")
    if len(Y) != len(cache.a[0]):
        raise ValueError(f"Y has {len(Y)} rows but the batch has {len(cache.a[0])}")
    n_layers = len(coefs)
    deltas = [None] * n_layers
    # Output layer: dJ/da = (a - Y) / n, then back through the output activation.
    output_grad = (cache.a[-1] - Y) / len(Y)
    deltas[-1] = functions[-1].backward(output_grad, cache.z[-1], cache.a[-1])
    for i in range(n_layers - 2, -1, -1):
        deltas[i] = functions[i].backward(deltas[i + 1] @ coefs[i + 1].T,
                                          cache.z[i], cache.a[i + 1])
    coef_grads = [a.T @ delta for a, delta in zip(cache.a[:-1], deltas)]
    intercept_grads = [delta.sum(axis=0) for delta in deltas]
    return coef_grads, intercept_grads, deltas


def layer_gradient_norms(coef_grads):
    """Frobenius norm of each layer's weight gradient, shape (n_layers,)."""
    return np.array([np.linalg.norm(g) for g in coef_grads])
