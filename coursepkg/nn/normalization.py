"""Batch normalisation (Ioffe and Szegedy, 2015) of a dense layer's pre-activations.

Each unit's input ``u = a @ W`` is normalised over the batch, then given a learnt scale
``gamma`` and shift ``beta``: ``z = gamma * (u - mean) / sqrt(var + eps) + beta``. Training
uses the batch's own mean and variance (and backpropagates through them); evaluation uses
running averages of them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["BATCH_NORM_EPSILON", "BATCH_NORM_MOMENTUM", "BatchNormCache",
           "batch_norm_forward", "batch_norm_backward"]

BATCH_NORM_EPSILON = 1e-5  # added to the variance before the square root
BATCH_NORM_MOMENTUM = 0.9  # running <- momentum * running + (1 - momentum) * batch value


class BatchNormCache(NamedTuple):
    """Values of one batch-normalised layer kept for the backward pass."""

    #: ndarray of shape (n_samples, units): The normalised ``u``.
    x_hat: np.ndarray
    #: ndarray of shape (units,): ``1 / sqrt(var + eps)``.
    inv_std: np.ndarray
    #: ndarray of shape (units,): The mean used, the batch's own when ``training`` is
    #: True, else the running average.
    mean: np.ndarray
    #: ndarray of shape (units,): The variance used, chosen like ``mean``.
    var: np.ndarray
    #: bool: Whether the batch's own statistics were used.
    training: bool


def batch_norm_forward(u, scale, shift, mean=None, var=None):
    """Normalise ``u`` (n_samples, units) and give it the scale and shift (units,) each.

    Without ``mean`` and ``var`` (training) the batch's own statistics are used; at
    evaluation, pass the running averages. Returns ``z`` (n_samples, units) and the
    :class:`BatchNormCache` that :func:`batch_norm_backward` needs.
    """
    training = mean is None
    if training:
        mean, var = u.mean(axis=0), u.var(axis=0)
    inv_std = 1 / np.sqrt(var + BATCH_NORM_EPSILON)
    x_hat = (u - mean) * inv_std
    z = x_hat * scale + shift
    return z, BatchNormCache(x_hat, inv_std, mean, var, training)


def batch_norm_backward(delta, scale, cache):
    """From ``dJ/dz`` (n_samples, units) to ``dJ/du`` through the normalisation.

    Returns ``(dJ/du, dJ/dscale)``; ``dJ/dshift`` is the column sum of ``delta``.
    """
    scale_grad = (delta * cache.x_hat).sum(axis=0)
    d_x_hat = delta * scale
    if not cache.training:  # fixed statistics: a plain elementwise affine map
        return d_x_hat * cache.inv_std, scale_grad
    # The batch mean and variance depend on every sample of the batch as well.
    d_u = (d_x_hat - d_x_hat.mean(axis=0)
           - cache.x_hat * (d_x_hat * cache.x_hat).mean(axis=0)) * cache.inv_std
    return d_u, scale_grad
