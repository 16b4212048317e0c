"""Margins of linear separators, and the perceptron's mistake bound (Novikoff, 1962).

A separator through the origin is a direction ``u``; it classifies sample ``x`` as
``sign(x . u)``. Its (geometric) margin on labelled data is the smallest signed distance of a
sample to the hyperplane ``x . u = 0``::

    gamma(u) = min_i t_i x_i . u / ||u||        (t_i = -1 or +1)

positive exactly when ``u`` separates the classes. A separator with a bias, ``x . w + b``, is
the direction ``u = (w, b)`` for the samples with a constant feature 1 appended
(:func:`add_bias_feature`), which is how the perceptron's bias is handled: on those samples
the perceptron rule with a bias is the rule without one.

Novikoff's theorem: if some unit ``u`` has margin ``gamma > 0`` and every sample has
``||x_i|| <= R``, the perceptron started from zero makes at most ``(R / gamma) ** 2`` mistakes,
whatever the order of the samples and the learning rate.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

__all__ = ["add_bias_feature", "signed_targets", "radius", "margin", "max_margin_direction",
           "perceptron_mistake_bound"]


def _check_X(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n_samples, n_features), got shape "
                         f"{X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    return X


def add_bias_feature(X):
    """Append a constant feature 1: (n_samples, n_features) -> (n_samples, n_features + 1)."""
    X = _check_X(X)
    return np.column_stack([X, np.ones(len(X))])


def signed_targets(y):
    """Two-class labels as -1 / +1, shape (n_samples,): the smaller label becomes -1.

    This is the mapping of :class:`coursepkg.models.linear.Perceptron` (``classes_[0]`` is -1).
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    classes, index = np.unique(y, return_inverse=True)
    if len(classes) != 2:
        raise ValueError(f"y must hold exactly 2 classes, got {len(classes)}: "
                         f"{classes.tolist()[:10]}")
    return 2.0 * index - 1.0


def radius(X):
    """Largest Euclidean norm of a sample, ``max_i ||x_i||``, of ``X`` (n_samples, n_features)."""
    return float(np.linalg.norm(_check_X(X), axis=1).max())


def margin(X, y, u):
    """Geometric margin ``min_i t_i x_i . u / ||u||`` of the direction ``u``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), two classes (mapped by :func:`signed_targets`)
    u : ndarray of shape (n_features,), not zero

    Returns
    -------
    gamma : float
        Positive if and only if ``u`` separates the classes (with ``x . u = 0`` counted as an
        error); then it is the distance from the hyperplane to the closest sample.
    """
    X, t = _check_X(X), signed_targets(y)
    u = np.asarray(u, dtype=float)
    if u.shape != (X.shape[1],):
        raise ValueError(f"u must have shape ({X.shape[1]},) to match X {X.shape}, got {u.shape}")
    if len(t) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(t)}")
    norm = np.linalg.norm(u)
    if not np.isfinite(norm) or norm == 0:
        raise ValueError("u must be a finite, non-zero vector")
    return float(np.min(t * (X @ u)) / norm)


def max_margin_direction(X, y):
    """The unit direction through the origin with the largest margin (a hard-margin SVM).

    Solves ``min ||u||^2 / 2`` subject to ``t_i x_i . u >= 1`` with SLSQP; the solution
    divided by its norm has margin ``1 / ||u||``, the largest possible.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Append a column of ones first (:func:`add_bias_feature`) for separators with a bias.
    y : ndarray of shape (n_samples,), two classes

    Returns
    -------
    u : ndarray of shape (n_features,), unit norm

    Raises
    ------
    ValueError
        If no direction separates the classes.
    """
    X, t = _check_X(X), signed_targets(y)
    if len(t) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(t)}")
    signed = t[:, np.newaxis] * X                                   # rows t_i x_i
    result = minimize(lambda u: 0.5 * u @ u, np.zeros(X.shape[1]), jac=lambda u: u,
                      constraints=[{"type": "ineq", "fun": lambda u: signed @ u - 1.0,
                                    "jac": lambda u: signed}],
                      method="SLSQP", options={"maxiter": 1000, "ftol": 1e-12})
    u = result.x
    if not result.success or not np.all(signed @ u > 0):
        raise ValueError("the classes are not linearly separable by a hyperplane through the "
                         "origin (add_bias_feature allows a bias)")
    return u / np.linalg.norm(u)


def perceptron_mistake_bound(X, y, u=None):
    """Novikoff's bound ``(R / gamma) ** 2`` on the mistakes of the perceptron with a bias.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The raw features; the constant feature for the bias is appended here.
    y : ndarray of shape (n_samples,), two classes
    u : ndarray of shape (n_features + 1,), optional
        A separator ``(w, b)``; by default the one of largest margin, which gives the
        smallest bound.

    Returns
    -------
    bound : float
        With ``R`` the largest norm of ``(x_i, 1)`` and ``gamma`` the margin of ``u`` on those
        vectors.

    Raises
    ------
    ValueError
        If ``u`` does not separate the classes, or (without ``u``) if nothing does.
    """
    X1 = add_bias_feature(X)
    if u is None:
        u = max_margin_direction(X1, y)
    gamma = margin(X1, y, u)
    if gamma <= 0:
        raise ValueError(f"u does not separate the classes: its margin is {gamma:g} <= 0")
    return (radius(X1) / gamma) ** 2
