"""Small preprocessing helpers: one-hot encoding of integer labels, scaling of raw pixels."""

from __future__ import annotations

import numpy as np

__all__ = ["one_hot", "scale_pixels", "spectrum_features"]


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


def scale_pixels(X, max_value=255, dtype=np.float32):
    """Map raw pixel intensities ``0 .. max_value`` linearly onto ``[0, 1]``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_pixels) or any shape
        Raw intensities, for MNIST ``uint8`` values in ``0 .. 255``.
    max_value : float, default 255
        The intensity that becomes 1 (16 for scikit-learn's 8 x 8 digits).
    dtype : numpy dtype, default float32

    Returns
    -------
    ndarray of the same shape as ``X`` and dtype ``dtype``
        ``X / max_value``.

    Raises
    ------
    ValueError
        If ``X`` holds NaN, infinities, negative values or values above ``max_value``:
        such data are not raw pixels.
    """
    if not np.isfinite(max_value) or not max_value > 0:
        raise ValueError(f"max_value must be a positive number, got {max_value!r}")
    X = np.asarray(X)
    if not (np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating)):
        raise ValueError(f"pixels must be numbers, got dtype {X.dtype}")
    if X.size:
        if np.issubdtype(X.dtype, np.floating) and not np.all(np.isfinite(X)):
            raise ValueError("pixels must be finite numbers, got NaN or infinity")
        low, high = X.min(), X.max()
        if low < 0 or high > max_value:
            raise ValueError(f"pixels must lie in [0, {max_value:g}], got values in "
                             f"[{low:g}, {high:g}]")
    return (X / max_value).astype(dtype)


def spectrum_features(X):
    """Magnitude of the discrete Fourier transform of each row: a phase-free feature.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_points)

    Returns
    -------
    ndarray of shape (n_samples, n_points // 2 + 1)
        ``|rfft(X)| / n_points``; shifting a row in time leaves it unchanged.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_points), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    return np.abs(np.fft.rfft(X, axis=1)) / X.shape[1]
