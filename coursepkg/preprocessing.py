"""Small preprocessing helpers: one-hot encoding of integer labels."""

from __future__ import annotations

import numpy as np

__all__ = ["one_hot"]


def one_hot(y, n_classes=None, dtype=np.float64):
    """Encode integer labels as one-hot rows.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Integer class labels in ``0 .. n_classes - 1``.
    n_classes : int, optional
        Number of classes; by default ``max(y) + 1``.
    dtype : numpy dtype, default float64

    Returns
    -------
    Y : ndarray of shape (n_samples, n_classes)
        ``Y[i, y[i]] = 1`` and every other entry is 0.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (n_samples,), got shape {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise ValueError("y must hold integer class labels")
        y = y.astype(np.int64)
    if y.size and y.min() < 0:
        raise ValueError(f"class labels must be >= 0, got {y.min()}")
    if n_classes is None:
        n_classes = int(y.max()) + 1 if y.size else 0
    if y.size and y.max() >= n_classes:
        raise ValueError(f"label {y.max()} does not fit n_classes = {n_classes}")
    Y = np.zeros((y.size, n_classes), dtype=dtype)
    Y[np.arange(y.size), y] = 1
    return Y
