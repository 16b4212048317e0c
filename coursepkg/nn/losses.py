"""Loss functions and their gradients with respect to the prediction.

Arguments follow scikit-learn's order, ``loss(y_true, y_pred)``. Every loss is a mean over
the samples (the rows), so its gradient carries a factor ``1 / n_samples``.

Probabilities are clipped to ``[eps, 1 - eps]`` before taking a logarithm, where ``eps``
is the machine epsilon of their dtype (``2.2e-16`` in float64, ``1.2e-7`` in float32, the
choice of :func:`sklearn.metrics.log_loss`). So a prediction of exactly 0 or 1 gives a
large but finite loss and gradient, never ``inf`` or ``NaN``.
"""

from __future__ import annotations

import numpy as np

from coursepkg.nn.preprocessing import one_hot

__all__ = [
    "mse", "mse_gradient", "half_squared_error", "half_squared_error_gradient",
    "binary_cross_entropy", "binary_cross_entropy_gradient",
    "categorical_cross_entropy", "categorical_cross_entropy_gradient",
    "sparse_categorical_cross_entropy", "sparse_categorical_cross_entropy_gradient",
    "softmax_cross_entropy_gradient",
    "clip_probabilities", "get",
]


def _pair(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    if not np.issubdtype(y_pred.dtype, np.floating):
        y_pred = y_pred.astype(np.float64)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
            "they must match (use one_hot for integer class labels)")
    if not (np.all(np.isfinite(y_true)) and np.all(np.isfinite(y_pred))):
        raise ValueError("y_true and y_pred must not contain NaN or inf")
    return y_true, y_pred


def _n_samples(y):
    return y.shape[0] if y.ndim else 1


def clip_probabilities(p):
    """Clip ``p`` to ``[eps, 1 - eps]`` with ``eps`` the machine epsilon of its dtype."""
    eps = np.finfo(p.dtype).eps
    return np.clip(p, eps, 1 - eps)


# ------------------------------------------------------------------ squared error

def mse(y_true, y_pred, *, validate=True):
    """Mean squared error ``mean((y_pred - y_true)**2)`` over every entry.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
    validate : bool, default True
        Check shapes and finiteness first. A training loop whose arrays are already checked
        passes ``False``: the formula is the same, without the cost of the checks.

    Returns
    -------
    float
    """
    Y, P = _pair(y_true, y_pred) if validate else (y_true, y_pred)
    return float(np.mean((P - Y) ** 2))


def mse_gradient(y_true, y_pred):
    """Gradient of :func:`mse`: ``2 (y_pred - y_true) / y_pred.size``, shape of ``y_pred``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return 2 * (y_pred - y_true) / y_pred.size


def half_squared_error(y_true, y_pred, *, validate=True):
    """Half the squared error summed over the outputs, averaged over the samples:
    ``J = 1/n sum_i 1/2 ||y_pred_i - y_true_i||^2``, the cost of backpropagation's
    derivation (chapter 7) and of :class:`coursepkg.models.mlp.MLPRegressor`.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
    validate : bool, default True
        As for :func:`mse`.

    Returns
    -------
    float
        ``n_outputs / 2`` times :func:`mse`.
    """
    Y, P = _pair(y_true, y_pred) if validate else (y_true, y_pred)
    return 0.5 * float(np.sum((P - Y) ** 2)) / len(Y)


def half_squared_error_gradient(y_true, y_pred):
    """Gradient of :func:`half_squared_error`: ``(y_pred - y_true) / n_samples``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_pred - y_true) / len(y_true)


# ------------------------------------------------------------ binary cross-entropy

def binary_cross_entropy(y_true, y_pred, *, validate=True):
    """``-mean(y log p + (1 - y) log(1 - p))`` over every entry.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Targets in {0, 1} (or soft targets in [0, 1]).
    y_pred : ndarray, same shape
        Predicted probabilities of the class 1.
    validate : bool, default True
        Check shapes and finiteness first (see :func:`mse`).
    """
    Y, P = _pair(y_true, y_pred) if validate else (y_true, y_pred)
    P = clip_probabilities(P)
    return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log1p(-P)))


def binary_cross_entropy_gradient(y_true, y_pred):
    """Gradient of :func:`binary_cross_entropy`: ``(p - y) / (p (1 - p)) / y_pred.size``.

    Multiplied by the sigmoid's derivative ``p (1 - p)`` it becomes ``(p - y) / size``:
    see :func:`softmax_cross_entropy_gradient`, which also serves a sigmoid output.
    """
    y_true, p = _pair(y_true, y_pred)
    p = clip_probabilities(p)
    return (p - y_true) / (p * (1 - p)) / p.size


# ------------------------------------------------------- categorical cross-entropy

def categorical_cross_entropy(y_true, y_pred, *, validate=True):
    """``-mean_i sum_k Y_ik log P_ik`` with one-hot targets.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples, n_classes)
        One-hot rows (or any probability rows).
    y_pred : ndarray of shape (n_samples, n_classes)
        Predicted probabilities, each row summing to 1.
    validate : bool, default True
        Check shapes and finiteness first (see :func:`mse`).
    """
    Y, P = _pair(y_true, y_pred) if validate else (y_true, y_pred)
    return float(-np.sum(Y * np.log(clip_probabilities(P))) / _n_samples(P))


def categorical_cross_entropy_gradient(y_true, y_pred):
    """Gradient of :func:`categorical_cross_entropy`: ``-Y / P / n_samples``."""
    Y, P = _pair(y_true, y_pred)
    return -Y / clip_probabilities(P) / _n_samples(P)


def _one_hot_like(y, P):
    P = np.asarray(P)
    if P.ndim != 2:
        raise ValueError(f"y_pred must be 2-D (n_samples, n_classes), got shape {P.shape}")
    y = np.asarray(y)
    if y.shape != (P.shape[0],):
        raise ValueError(
            f"integer labels y_true must have shape ({P.shape[0]},), got {y.shape}")
    return one_hot(y, n_classes=P.shape[1], dtype=P.dtype if
                   np.issubdtype(P.dtype, np.floating) else np.float64)


def sparse_categorical_cross_entropy(y_true, y_pred):
    """:func:`categorical_cross_entropy` with integer labels ``y_true`` of shape (n_samples,)."""
    return categorical_cross_entropy(_one_hot_like(y_true, y_pred), y_pred)


def sparse_categorical_cross_entropy_gradient(y_true, y_pred):
    """Gradient of :func:`sparse_categorical_cross_entropy`, shape (n_samples, n_classes)."""
    return categorical_cross_entropy_gradient(_one_hot_like(y_true, y_pred), y_pred)


def softmax_cross_entropy_gradient(y_true, y_pred):
    """Fused gradient of cross-entropy with respect to the *pre-activations* ``z``.

    When ``y_pred = softmax(z)`` and the loss is the categorical cross-entropy, the chain
    rule through the softmax Jacobian collapses to

    .. math:: \\frac{\\partial L}{\\partial z} = \\frac{\\hat y - y}{n}.

    The same formula holds for a sigmoid output with the binary cross-entropy, and for an
    identity output with half the squared error.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples, n_classes), or integer labels (n_samples,)
    y_pred : ndarray of shape (n_samples, n_classes)
        The probabilities ``softmax(z)``.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
    """
    y_pred = np.asarray(y_pred)
    if np.ndim(y_true) == 1 and y_pred.ndim == 2:
        y_true = _one_hot_like(y_true, y_pred)
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_pred - y_true) / _n_samples(y_pred)


LOSSES = {
    "mse": (mse, mse_gradient),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_gradient),
    "half_squared_error": (half_squared_error, half_squared_error_gradient),
    "categorical_cross_entropy": (categorical_cross_entropy,
                                  categorical_cross_entropy_gradient),
    "sparse_categorical_cross_entropy": (sparse_categorical_cross_entropy,
                                         sparse_categorical_cross_entropy_gradient),
}


def get(name):
    """Return ``(loss, gradient)`` for a loss name; unknown names raise ``ValueError``."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; valid names are {', '.join(LOSSES)}")
    return LOSSES[name]
