"""Gradient descent on least-squares costs: cost, gradient, stable step sizes, trajectories.

For weights ``w`` of shape (n_features,) and no intercept (centre ``X`` and ``y`` first, or
append a column of ones to ``X``), the least-squares cost with an optional ridge penalty is::

    J(w) = (||X w - y||^2 + alpha ||w||^2) / (2 n)

Its gradient is ``(X.T (X w - y) + alpha w) / n`` and its Hessian
``H = (X.T X + alpha I) / n`` does not depend on ``w``. Gradient descent with step size
``learning_rate`` therefore converges from every start if and only if
``learning_rate < 2 / lambda_max(H)`` (:func:`max_stable_learning_rate`).

The lasso replaces the ridge penalty by ``alpha ||w||_1`` (scikit-learn's ``Lasso`` scaling,
``||X w - y||^2 / (2 n) + alpha ||w||_1``); :func:`lasso_ista` minimises it by proximal
gradient descent.
"""

from __future__ import annotations

import math

import numpy as np

from coursepkg.nn.divergence import diverged
from coursepkg.nn.seeding import as_generator
from coursepkg.nn.validation import check_positive

__all__ = ["least_squares_cost", "least_squares_gradient", "least_squares_hessian",
           "max_stable_learning_rate", "gradient_descent", "n_minibatches",
           "minibatch_gradient_descent", "soft_threshold", "lasso_ista"]


def _check_data(X, y=None):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have shape (n_samples, n_features) with both > 0, "
                         f"got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinity")
    if y is None:
        return X
    y = np.asarray(y, dtype=np.float64)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape (n_samples,) = ({X.shape[0]},), got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or infinity")
    return X, y


def _check_weights(w, n_features):
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (n_features,):
        raise ValueError(f"w must have shape (n_features,) = ({n_features},), got {w.shape}")
    return w


def _check_alpha(alpha):
    if not (np.isscalar(alpha) and np.isfinite(alpha) and alpha >= 0):
        raise ValueError(f"alpha must be a number >= 0, got {alpha!r}")


def least_squares_cost(w, X, y, alpha=0.0):
    """Ridge-penalised least-squares cost ``(||X w - y||^2 + alpha ||w||^2) / (2 n)``.

    Parameters
    ----------
    w : ndarray of shape (n_features,)
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    alpha : float, default 0.0
        Ridge penalty; 0 gives plain least squares.

    Returns
    -------
    float
    """
    X, y = _check_data(X, y)
    w = _check_weights(w, X.shape[1])
    _check_alpha(alpha)
    residual = X @ w - y
    return float(residual @ residual + alpha * w @ w) / (2 * len(X))


def least_squares_gradient(w, X, y, alpha=0.0):
    """Gradient of :func:`least_squares_cost`: ``(X.T (X w - y) + alpha w) / n``.

    Returns
    -------
    ndarray of shape (n_features,)
    """
    X, y = _check_data(X, y)
    w = _check_weights(w, X.shape[1])
    _check_alpha(alpha)
    return (X.T @ (X @ w - y) + alpha * w) / len(X)


def least_squares_hessian(X, alpha=0.0):
    """Hessian of :func:`least_squares_cost`: ``(X.T X + alpha I) / n``, shape (d, d)."""
    X = _check_data(X)
    _check_alpha(alpha)
    return (X.T @ X + alpha * np.eye(X.shape[1])) / len(X)


def max_stable_learning_rate(X, alpha=0.0):
    """The step size above which gradient descent on the least-squares cost diverges.

    Gradient descent on a quadratic multiplies the error along the Hessian's eigenvector ``k``
    by ``1 - learning_rate * lambda_k`` at each step; it converges from every start iff all
    these factors lie in (-1, 1), that is iff ``learning_rate < 2 / lambda_max``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    alpha : float, default 0.0

    Returns
    -------
    float
        ``2 / lambda_max((X.T X + alpha I) / n)``; ``inf`` if the Hessian is zero.
    """
    lambda_max = np.linalg.eigvalsh(least_squares_hessian(X, alpha))[-1]
    return 2.0 / lambda_max if lambda_max > 0 else math.inf


def gradient_descent(gradient, w0, learning_rate, n_steps):
    """Run ``w <- w - learning_rate * gradient(w)`` and return every iterate.

    Parameters
    ----------
    gradient : callable
        ``gradient(w)`` returns an array of the shape of ``w``.
    w0 : ndarray of shape (n_params,)
        Starting point.
    learning_rate : float
    n_steps : int

    Returns
    -------
    ndarray of shape (n_steps + 1, n_params)
        Row ``t`` is the iterate after ``t`` steps. A diverging run stops at the last
        finite iterate, so fewer rows may be returned.
    """
    check_positive("learning_rate", learning_rate)
    check_positive("n_steps", n_steps, integer=True)
    w = np.array(w0, dtype=np.float64)
    path = [w.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            step = np.asarray(gradient(w), dtype=np.float64)
            if step.shape != w.shape:
                raise ValueError(f"gradient returned shape {step.shape}, "
                                 f"expected {w.shape}")
            w = w - learning_rate * step
            if not np.all(np.isfinite(w)):
                break
            path.append(w.copy())
    return np.array(path)


def n_minibatches(n_samples, batch_size):
    """Number of mini-batches (parameter updates) in one epoch: ``ceil(n_samples / batch_size)``.

    The last batch holds the remaining ``n_samples % batch_size`` samples when the division
    is not exact; a batch size larger than the data set gives one batch.
    """
    check_positive("n_samples", n_samples, integer=True)
    check_positive("batch_size", batch_size, integer=True)
    return -(-int(n_samples) // int(batch_size))


def minibatch_gradient_descent(X, y, *, batch_size, learning_rate, epochs, alpha=0.0,
                               w0=None, random_state=None):
    """Mini-batch gradient descent on :func:`least_squares_cost`.

    Every epoch shuffles the samples and takes one step per batch of ``batch_size``
    samples, on the batch's own cost. ``batch_size = n_samples`` is batch gradient
    descent, ``batch_size = 1`` stochastic gradient descent.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    batch_size : int
    learning_rate : float
    epochs : int
    alpha : float, default 0.0
    w0 : ndarray of shape (n_features,) or None
        Starting weights; zeros by default.
    random_state : int, RandomState, Generator or None
        Seeds the shuffling.

    Returns
    -------
    w : ndarray of shape (n_features,)
        The final weights.
    costs : ndarray of shape (epochs * n_minibatches + 1,)
        The cost on the *whole* data set before the first update and after every update.
    """
    X, y = _check_data(X, y)
    check_positive("learning_rate", learning_rate)
    check_positive("epochs", epochs, integer=True)
    _check_alpha(alpha)
    n_samples = len(X)
    n_minibatches(n_samples, batch_size)  # validates batch_size
    w = np.zeros(X.shape[1]) if w0 is None else _check_weights(w0, X.shape[1]).copy()
    rng = as_generator(random_state)
    costs = [least_squares_cost(w, X, y, alpha)]
    for _ in range(epochs):
        order = rng.permutation(n_samples)
        for start in range(0, n_samples, batch_size):
            batch = order[start:start + batch_size]
            with np.errstate(over="ignore", invalid="ignore"):
                gradient = least_squares_gradient(w, X[batch], y[batch], alpha)
                w -= learning_rate * gradient
                finite = np.all(np.isfinite(w))
                cost = least_squares_cost(w, X, y, alpha) if finite else np.inf
            if not np.isfinite(cost):
                raise diverged("mini-batch gradient descent", learning_rate, value=cost,
                               step=f"after {len(costs)} updates")
            costs.append(cost)
    return w, np.array(costs)


def soft_threshold(z, threshold):
    """The proximal operator of ``threshold * |.|``: ``sign(z) * max(|z| - threshold, 0)``.

    Entries with ``|z| <= threshold`` become exactly 0: this is where the lasso's zeros come
    from.
    """
    if not threshold >= 0:
        raise ValueError(f"threshold must be >= 0, got {threshold!r}")
    z = np.asarray(z, dtype=np.float64)
    return np.sign(z) * np.maximum(np.abs(z) - threshold, 0.0) + 0.0  # + 0.0: no -0.0


def lasso_ista(X, y, alpha, *, n_steps=10_000, tol=1e-10):
    """Minimise ``||X w - y||^2 / (2 n) + alpha ||w||_1`` by proximal gradient descent
    (ISTA).

    Each step is a gradient step on the smooth least-squares part with the step size
    ``1 / lambda_max(X.T X / n)``, followed by :func:`soft_threshold` with threshold
    ``step * alpha``. There is no intercept: centre ``X`` and ``y`` first.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    alpha : float
        L1 penalty, scaled as in ``sklearn.linear_model.Lasso``.
    n_steps : int, default 10000
        Maximum number of steps.
    tol : float, default 1e-10
        Stop when no weight moves by more than ``tol`` in one step.

    Returns
    -------
    w : ndarray of shape (n_features,)
    """
    X, y = _check_data(X, y)
    _check_alpha(alpha)
    check_positive("n_steps", n_steps, integer=True)
    step = max_stable_learning_rate(X) / 2  # 1 / lambda_max
    if not math.isfinite(step):  # X is all zeros: the penalty alone decides
        return np.zeros(X.shape[1])
    w = np.zeros(X.shape[1])
    for _ in range(n_steps):
        gradient = least_squares_gradient(w, X, y)
        w_next = soft_threshold(w - step * gradient, step * alpha)
        if np.max(np.abs(w_next - w)) <= tol:
            return w_next
        w = w_next
    return w
