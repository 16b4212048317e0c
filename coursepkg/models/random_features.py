"""One hidden layer as a function approximator: random sigmoid features.

The universal approximation theorem says that sums ``sum_j v_j sigmoid(w_j x + c_j) + v_0``
can approximate any continuous function on a closed interval. :class:`RandomFeatureRegressor`
shows it at work without gradient descent: it draws the hidden weights ``w_j, c_j`` at random
and fits only the output layer ``v`` by linear least squares.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from coursepkg.nn import activations
from coursepkg.nn.seeding import as_generator

__all__ = ["RandomFeatureRegressor"]


class RandomFeatureRegressor(RegressorMixin, BaseEstimator):
    """A one-hidden-layer network whose hidden layer is random and whose output is fitted.

    Parameters
    ----------
    n_hidden : int, default 10
        Hidden units.
    activation : str, default "sigmoid"
        Hidden activation (a name known to :func:`coursepkg.nn.activations.get`).
    weight_scale : float, default 10.0
        Standard deviation of the hidden weights; larger values give steeper units.
    random_state : int, RandomState, Generator or None
        See :func:`coursepkg.nn.seeding.as_generator`.

    Attributes
    ----------
    coefs_ : list of 2 ndarrays
        Hidden weights (n_features, n_hidden) and output weights (n_hidden, n_outputs).
    intercepts_ : list of 2 ndarrays
        Hidden biases (n_hidden,) and output bias (n_outputs,).
    n_features_in_ : int

    Notes
    -----
    Each hidden unit ``j`` gets a weight vector ``w_j`` and a centre ``c_j`` drawn from the
    training inputs, with bias ``-w_j . c_j``, so its transition lies where the data are.
    The random draws of a network are the first ``n_hidden`` draws of the same stream, so
    with one ``random_state`` a wider network contains the narrower one and its training
    error cannot be larger.
    """

    def __init__(self, n_hidden=10, activation="sigmoid", weight_scale=10.0,
                 random_state=None):
        self.n_hidden = n_hidden
        self.activation = activation
        self.weight_scale = weight_scale
        self.random_state = random_state

    def _hidden(self, X):
        return activations.get(self.activation).function(
            X @ self.coefs_[0] + self.intercepts_[0])

    def fit(self, X, y):
        """Draw the hidden layer, then fit the output layer by least squares.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        """
        if not isinstance(self.n_hidden, (int, np.integer)) or self.n_hidden < 1:
            raise ValueError(
                f"n_hidden must be a positive integer, got {self.n_hidden!r}")
        if not self.weight_scale > 0:
            raise ValueError(
                f"weight_scale must be positive, got {self.weight_scale!r}")
        activations.get(self.activation)
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True,
                             dtype=np.float64)
        Y = y.reshape(len(y), -1)
        rng = as_generator(self.random_state)
        n_features = X.shape[1]
        W = np.empty((n_features, self.n_hidden))
        centres = np.empty((self.n_hidden, n_features))
        # One unit at a time: wider networks extend narrower ones.
        for j in range(self.n_hidden):
            W[:, j] = rng.normal(scale=self.weight_scale, size=n_features)
            centres[j] = X[rng.integers(len(X))]
        self.coefs_ = [W, None]
        self.intercepts_ = [-np.einsum("ij,ji->i", centres, W), None]
        H = np.hstack([self._hidden(X), np.ones((len(X), 1))])
        V, *_ = np.linalg.lstsq(H, Y, rcond=None)
        self.coefs_[1], self.intercepts_[1] = V[:-1], V[-1]
        self.n_outputs_ = Y.shape[1]
        return self

    def predict(self, X):
        """Network output, shape (n_samples,) for one output, else (n_samples, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        P = self._hidden(X) @ self.coefs_[1] + self.intercepts_[1]
        return P.ravel() if self.n_outputs_ == 1 else P
