"""The dense (fully connected) layer, written twice: with loops and vectorised.

Convention used throughout the book: samples are rows. A batch ``X`` has shape
``(n_samples, fan_in)``, the weights ``W`` have shape ``(fan_in, fan_out)`` and the bias
``b`` has shape ``(fan_out,)``, so the layer computes ``X @ W + b`` (as scikit-learn's
``coefs_`` and Keras's ``Dense`` kernels do).
"""

from __future__ import annotations

import numpy as np

__all__ = ["dense", "dense_loop", "check_dense_shapes"]


def check_dense_shapes(X, W, b) -> None:
    """Raise ``ValueError`` with a readable message unless ``X @ W + b`` is well formed."""
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, fan_in), got shape {X.shape}")
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (fan_in, fan_out), got shape {W.shape}")
    if b.ndim != 1:
        raise ValueError(f"b must be 1-D (fan_out,), got shape {b.shape}")
    if X.shape[1] != W.shape[0]:
        raise ValueError(
            f"X has {X.shape[1]} features per sample but W expects fan_in = {W.shape[0]} "
            f"(X {X.shape} @ W {W.shape}); samples must be rows of X")
    if W.shape[1] != b.shape[0]:
        raise ValueError(f"W has fan_out = {W.shape[1]} columns but b has {b.shape[0]} entries")


def dense(X, W, b):
    """Vectorised dense layer ``X @ W + b``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, fan_in)
    W : ndarray of shape (fan_in, fan_out)
    b : ndarray of shape (fan_out,)

    Returns
    -------
    Z : ndarray of shape (n_samples, fan_out)
        ``Z[i, j] = sum_k X[i, k] * W[k, j] + b[j]``; ``b`` is broadcast over the rows.
    """
    check_dense_shapes(X, W, b)
    return np.asarray(X) @ np.asarray(W) + np.asarray(b)


def dense_loop(X, W, b):
    """The same layer as :func:`dense`, computed one multiply-add at a time in Python.

    It exists to be read and to be timed against :func:`dense`; never use it for real
    work.
    """
    check_dense_shapes(X, W, b)
    n_samples, fan_in = len(X), len(W)
    fan_out = len(b)
    Z = np.empty((n_samples, fan_out), dtype=np.result_type(X, W, b))
    for i in range(n_samples):
        for j in range(fan_out):
            total = b[j]
            for k in range(fan_in):
                total += X[i][k] * W[k][j]
            Z[i, j] = total
    return Z
