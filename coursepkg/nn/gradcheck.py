"""Gradient checking: compare backpropagation with finite differences.

Run these checks in float64: with ``eps = 1e-6`` a central difference has a truncation
error of order ``eps**2`` and a rounding error of order ``1e-16 / eps``, both far below the
``1e-6`` relative error that flags a wrong gradient.
"""

from __future__ import annotations

import inspect

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "check_gradients"]


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function.

    Parameters
    ----------
    f : callable
        ``f()`` or ``f(x)`` returning a float; it must read ``x``, which is perturbed in
        place one entry at a time (and restored afterwards).
    x : ndarray of any shape, floating point
    eps : float, default 1e-6

    Returns
    -------
    grad : ndarray, same shape as ``x``
        ``grad[i] = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("x must be a floating-point ndarray (it is perturbed in place)")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    call = (lambda: f(x)) if _takes_argument(f) else f
    grad = np.zeros_like(x)
    # Views: writes reach x and grad.
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        saved = flat_x[i]
        flat_x[i] = saved + eps
        f_plus = call()
        flat_x[i] = saved - eps
        f_minus = call()
        flat_x[i] = saved
        flat_grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _takes_argument(f):
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in params)


def relative_error(analytic, numeric):
    """``||a - n|| / (||a|| + ||n||)``, and 0 when both are exactly zero."""
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denominator)


def check_gradients(model, X, y, eps=1e-6):
    """Relative error between a network's backpropagated and numerical gradients.

    Parameters
    ----------
    model : fitted :class:`coursepkg.models.mlp.MLPClassifier` or :class:`~coursepkg.models.mlp.MLPRegressor`
        Without dropout (its masks make the objective random). The objective is
        evaluated in training mode, so batch normalisation uses the batch statistics.
    X : ndarray of shape (n_samples, n_features)
    y : targets as passed to ``fit``
    eps : float, default 1e-6

    Returns
    -------
    errors : dict
        ``{"coefs_[i]": error, "intercepts_[i]": error, ...}`` for every layer ``i`` (and
        ``"batch_norm_scales_[i]"`` with batch normalisation); a correct backward pass
        gives errors below about ``1e-7`` in float64.
    """
    if getattr(model, "dropout", 0):
        raise ValueError("dropout makes the objective random: check gradients with dropout=0")
    grads = model.backward(model.forward(X, training=True), y)
    errors = {}
    for name, params, param_grads in (
            ("coefs_", model.coefs_, grads.coefs),
            ("intercepts_", model.intercepts_, grads.intercepts),
            ("batch_norm_scales_", model.batch_norm_scales_, grads.batch_norm_scales)):
        for i, (param, grad) in enumerate(zip(params, param_grads)):
            numeric = numerical_gradient(lambda: model.objective(X, y, training=True), param, eps)
            errors[f"{name}[{i}]"] = relative_error(grad, numeric)
    return errors
