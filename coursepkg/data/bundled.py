"""The two data sets that scikit-learn ships: the 8 x 8 digits and the breast-cancer data."""

from __future__ import annotations

import sklearn.datasets

__all__ = ["load_digits", "load_breast_cancer"]


def load_digits(*, scale=False):
    """The 8 x 8 handwritten digits bundled with scikit-learn.

    Returns
    -------
    X : ndarray of shape (1797, 64)
        Pixel intensities 0..16 (float64), or in [0, 1] with ``scale=True``.
    y : ndarray of shape (1797,)
        Digit labels 0..9.
    """
    X, y = sklearn.datasets.load_digits(return_X_y=True)
    return (X / 16.0 if scale else X), y


def load_breast_cancer():
    """The Wisconsin breast-cancer data bundled with scikit-learn.

    Returns
    -------
    X : ndarray of shape (569, 30)
        Thirty real-valued features of cell nuclei.
    y : ndarray of shape (569,)
        1 for benign, 0 for malignant.
    """
    return sklearn.datasets.load_breast_cancer(return_X_y=True)
