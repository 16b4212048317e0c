"""Artificial neurons, one unit at a time.

* :func:`threshold_unit`: the McCulloch–Pitts neuron (1943), which fires when the weighted
  sum of its inputs reaches a threshold;
* :func:`rbf_unit`: a Gaussian radial-basis-function unit, which responds to the distance
  between the input and its centre instead of a weighted sum.

Samples are rows: ``X`` has shape ``(n_samples, n_inputs)``. Networks of these units, their
forward pass, size and cost are in :mod:`coursepkg.nn.feedforward` (a layer of threshold units
is a dense layer followed by the ``"step"`` activation).
"""

from __future__ import annotations

import numbers

import numpy as np

from coursepkg.nn import activations
from coursepkg.nn.feedforward import as_samples

__all__ = ["threshold_unit", "rbf_unit"]


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
        :func:`coursepkg.nn.activations.step` (1 at exactly 0, so the unit fires *at*
        the threshold).
    """
    X = as_samples(X)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (X.shape[1],):
        raise ValueError(f"weights must have shape ({X.shape[1]},), one per input, "
                         f"got {weights.shape}")
    threshold = _real_number("threshold", threshold)
    return activations.step(X @ weights - threshold)


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
    X = as_samples(X)
    center = np.asarray(center, dtype=np.float64)
    if center.shape != (X.shape[1],):
        raise ValueError(f"center must have shape ({X.shape[1]},), got {center.shape}")
    width = _real_number("width", width)
    if width <= 0:
        raise ValueError(f"width must be > 0, got {width}")
    squared_distance = ((X - center) ** 2).sum(axis=1)
    return np.exp(-squared_distance / (2 * width ** 2))
