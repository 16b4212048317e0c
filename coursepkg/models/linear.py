"""Linear models: least squares, Rosenblatt's perceptron, Adaline, logistic regression.

All of them compute the net input ``z = X @ coef_ + intercept_`` with ``X`` of shape
``(n_samples, n_features)``, ``coef_`` of shape ``(n_features,)`` and a scalar
``intercept_``. The classifiers are binary: they accept any two labels (for example
{0, 1} or {-1, +1}), stored in ``classes_``; ``classes_[1]`` is the positive class.
"""

from __future__ import annotations

import functools

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from coursepkg.nn import activations, losses
from coursepkg.nn.divergence import diverged
from coursepkg.nn.seeding import as_generator
from coursepkg.nn.validation import check_positive

__all__ = ["LinearRegression", "Perceptron", "Adaline", "LogisticRegression", "normal_equations",
           "adaline_step", "logistic_step"]


def _divergence_is_reported(fit):
    """Silence overflow warnings inside ``fit``: a diverging loss raises a clear error."""
    @functools.wraps(fit)
    def wrapper(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore"):
            return fit(*args, **kwargs)
    return wrapper


def _diverged(model, loss):
    return diverged(type(model).__name__, model.learning_rate,
                    step=f"after {model.n_iter_} epochs", value=loss)


class _Linear(BaseEstimator):
    """Shared helpers: input validation and the net input ``X @ coef_ + intercept_``."""

    def _net_input(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=np.float64) @ self.coef_ + self.intercept_


class _BinaryClassifier(ClassifierMixin, _Linear):
    """Binary classifiers: labels are mapped to 0/1 (or -1/+1) internally."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _validate_binary(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, y01 = np.unique(y, return_inverse=True)
        if len(self.classes_) == 1:
            raise ValueError(f"{type(self).__name__} needs samples of 2 classes; y holds 1 "
                             f"class only: {self.classes_[0]!r}")
        if len(self.classes_) > 2:
            raise ValueError(
                f"Only binary classification is supported. The type of the target is "
                f"{type_of_target(y)}: {type(self).__name__} is a binary classifier, y must "
                f"hold exactly 2 classes, got {len(self.classes_)}: {self.classes_.tolist()[:10]}")
        return X, y01.astype(np.float64)

    def decision_function(self, X):
        """Net input ``X @ coef_ + intercept_``, shape (n_samples,); > 0 means ``classes_[1]``."""
        return self._net_input(X)

    def predict(self, X):
        """Predicted labels, shape (n_samples,): ``classes_[1]`` where the net input >= 0."""
        positive = self.decision_function(X) >= 0
        return self.classes_[positive.astype(int)]


# ------------------------------------------------------------------ least squares

class LinearRegression(RegressorMixin, _Linear):
    """Least-squares linear regression, optionally with a ridge (L2) penalty.

    Minimises ``||X w + b - y||^2 + alpha ||w||^2`` (the intercept is not penalised).

    Parameters
    ----------
    solver : {"normal", "gd"}, default "normal"
        "normal": the closed form. With centred data ``Xc, yc`` the normal equations
        ``(Xc.T Xc + alpha I) w = Xc.T yc`` are solved (with ``alpha = 0`` by least
        squares, which also handles collinear features); then ``b = mean(y) - mean(X) w``.
        "gd": batch gradient descent on the same objective divided by ``2 n``.
    alpha : float, default 0.0
        Ridge penalty.
    learning_rate : float, default 0.01
        Step size of "gd".
    epochs : int, default 1000
        Maximum number of "gd" steps.
    tol : float, default 1e-8
        "gd" stops when the gradient norm falls below ``tol``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    loss_curve_ : list of float
        With "gd": the objective ``(||r||^2 + alpha ||w||^2) / (2 n)`` before each step.
    n_iter_ : int
    """

    def __init__(self, solver="normal", alpha=0.0, learning_rate=0.01, epochs=1000, tol=1e-8):
        self.solver = solver
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.tol = tol

    @_divergence_is_reported
    def fit(self, X, y):
        """Fit to ``X`` of shape (n_samples, n_features) and ``y`` of shape (n_samples,)."""
        if self.solver not in ("normal", "gd"):
            raise ValueError(f"unknown solver {self.solver!r}; valid names are normal, gd")
        if not self.alpha >= 0:
            raise ValueError(f"alpha must be >= 0, got {self.alpha!r}")
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        self.loss_curve_ = []
        if self.solver == "normal":
            self._fit_normal_equations(X, y)
        else:
            check_positive("learning_rate", self.learning_rate)
            check_positive("epochs", self.epochs, integer=True)
            self._fit_gradient_descent(X, y)
        return self

    def _fit_normal_equations(self, X, y):
        self.coef_, self.intercept_ = normal_equations(X, y, self.alpha)
        self.n_iter_ = 1

    def _fit_gradient_descent(self, X, y):
        n_samples = len(X)
        self.coef_, self.intercept_ = np.zeros(X.shape[1]), 0.0
        for self.n_iter_ in range(1, self.epochs + 1):
            residual = X @ self.coef_ + self.intercept_ - y
            loss = (residual @ residual + self.alpha * self.coef_ @ self.coef_) / (2 * n_samples)
            if not np.isfinite(loss):
                raise _diverged(self, loss)
            self.loss_curve_.append(float(loss))
            grad_w = (X.T @ residual + self.alpha * self.coef_) / n_samples
            grad_b = residual.mean()
            self.coef_ -= self.learning_rate * grad_w
            self.intercept_ -= self.learning_rate * grad_b
            if np.sqrt(grad_w @ grad_w + grad_b ** 2) < self.tol:
                break

    def predict(self, X):
        """Predicted values ``X @ coef_ + intercept_``, shape (n_samples,)."""
        return self._net_input(X)


# --------------------------------------------------------------------- perceptron

class Perceptron(_BinaryClassifier):
    """Rosenblatt's perceptron (1958) with the perceptron learning rule.

    Targets are mapped to ``t = -1`` (``classes_[0]``) and ``t = +1`` (``classes_[1]``).
    Samples are visited one at a time; on a mistake, ``sign(w.x + b) != t``::

        w <- w + learning_rate * t * x
        b <- b + learning_rate * t

    Training stops after the first epoch without a mistake (the data are separated), or
    after ``epochs`` epochs. If the classes are not linearly separable (XOR), the rule
    never settles and every epoch makes mistakes.

    Parameters
    ----------
    learning_rate : float, default 1.0
    epochs : int, default 100
    shuffle : bool, default False
        Visit the samples in a new random order at each epoch.
    random_state : int, RandomState, Generator or None
        See :func:`coursepkg.nn.seeding.as_generator`.

    Attributes
    ----------
    classes_, coef_ (n_features,), intercept_ : float
    mistakes_ : list of int
        Number of updates (misclassified samples) in each epoch.
    n_iter_ : int
        Epochs run.
    """

    def __init__(self, learning_rate=1.0, epochs=100, shuffle=False, random_state=None):
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.shuffle = shuffle
        self.random_state = random_state

    def fit(self, X, y):
        """Run the perceptron rule on ``X`` (n_samples, n_features) and labels ``y``."""
        check_positive("learning_rate", self.learning_rate)
        check_positive("epochs", self.epochs, integer=True)
        X, y01 = self._validate_binary(X, y)
        targets = 2 * y01 - 1  # -1 / +1
        rng = as_generator(self.random_state)
        self.coef_, self.intercept_ = np.zeros(X.shape[1]), 0.0
        self.mistakes_ = []
        for self.n_iter_ in range(1, self.epochs + 1):
            order = rng.permutation(len(X)) if self.shuffle else range(len(X))
            mistakes = 0
            for i in order:
                z = X[i] @ self.coef_ + self.intercept_
                prediction = 2 * activations.step(z) - 1
                if prediction != targets[i]:
                    self.coef_ += self.learning_rate * targets[i] * X[i]
                    self.intercept_ += self.learning_rate * targets[i]
                    mistakes += 1
            self.mistakes_.append(mistakes)
            if mistakes == 0:
                break
        return self


# ------------------------------------------------------------------------- Adaline

class Adaline(_BinaryClassifier):
    """ADAptive LInear NEuron (Widrow & Hoff, 1960): least squares on the net input.

    Targets ``t`` are -1 / +1; the loss is ``1/(2n) sum (w.x + b - t)^2``, minimised by
    batch gradient descent (``solver="gd"``: one step per epoch) or stochastic gradient
    descent (``solver="sgd"``: one step per sample, the Widrow-Hoff rule
    ``w <- w - learning_rate * (w.x + b - t) x``). Prediction thresholds the net input.

    Parameters
    ----------
    solver : {"gd", "sgd"}, default "gd"
    learning_rate : float, default 0.01
    epochs : int, default 50
    shuffle : bool, default True
        For "sgd": new random order each epoch.
    random_state : int, RandomState, Generator or None
        See :func:`coursepkg.nn.seeding.as_generator`.

    Attributes
    ----------
    classes_, coef_ (n_features,), intercept_ : float
    loss_curve_ : list of float
        The loss at the end of each epoch.
    n_iter_ : int
    """

    def __init__(self, solver="gd", learning_rate=0.01, epochs=50, shuffle=True,
                 random_state=None):
        self.solver = solver
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.shuffle = shuffle
        self.random_state = random_state

    @_divergence_is_reported
    def fit(self, X, y):
        """Fit by (stochastic) gradient descent on the squared error of the net input."""
        if self.solver not in ("gd", "sgd"):
            raise ValueError(f"unknown solver {self.solver!r}; valid names are gd, sgd")
        check_positive("learning_rate", self.learning_rate)
        check_positive("epochs", self.epochs, integer=True)
        X, y01 = self._validate_binary(X, y)
        targets = 2 * y01 - 1
        rng = as_generator(self.random_state)
        self.coef_, self.intercept_ = np.zeros(X.shape[1]), 0.0
        self.loss_curve_ = []
        for self.n_iter_ in range(1, self.epochs + 1):
            if self.solver == "gd":
                self._step(X, targets)
            else:
                order = rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
                for i in order:
                    self._step(X[i:i + 1], targets[i:i + 1])
            residual = X @ self.coef_ + self.intercept_ - targets
            loss = 0.5 * float(residual @ residual) / len(X)
            if not np.isfinite(loss):
                raise _diverged(self, loss)
            self.loss_curve_.append(loss)
        return self

    def _step(self, X, targets):
        self.coef_, self.intercept_ = adaline_step(self.coef_, self.intercept_, X, targets,
                                                   self.learning_rate)


# -------------------------------------------------------------- logistic regression

class LogisticRegression(_BinaryClassifier):
    """Binary logistic regression trained by (mini-batch) gradient descent.

    ``P(classes_[1] | x) = sigmoid(w.x + b)``; the objective is the mean binary
    cross-entropy plus ``alpha / (2 n) ||w||^2`` (the MLP's convention), whose gradient
    is ``(X.T (p - y) + alpha w) / n`` and ``mean(p - y)`` for the intercept.

    Parameters
    ----------
    learning_rate : float, default 0.1
    epochs : int, default 200
    batch_size : int or None, default None
        None: full-batch gradient descent; an int: mini-batches of that size.
    alpha : float, default 0.0
        L2 penalty.
    shuffle : bool, default True
        Shuffle the samples every epoch (mini-batches only).
    random_state : int, RandomState, Generator or None
        See :func:`coursepkg.nn.seeding.as_generator`.

    Attributes
    ----------
    classes_, coef_ (n_features,), intercept_ : float
    loss_curve_ : list of float
        The objective on the whole training set after each epoch.
    n_iter_ : int
    """

    def __init__(self, learning_rate=0.1, epochs=200, batch_size=None, alpha=0.0,
                 shuffle=True, random_state=None):
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.alpha = alpha
        self.shuffle = shuffle
        self.random_state = random_state

    @_divergence_is_reported
    def fit(self, X, y):
        """Fit to ``X`` (n_samples, n_features) and two-class labels ``y``."""
        check_positive("learning_rate", self.learning_rate)
        check_positive("epochs", self.epochs, integer=True)
        if self.batch_size is not None:
            check_positive("batch_size", self.batch_size, integer=True)
        if not self.alpha >= 0:
            raise ValueError(f"alpha must be >= 0, got {self.alpha!r}")
        X, y01 = self._validate_binary(X, y)
        rng = as_generator(self.random_state)
        n_samples = len(X)
        batch_size = (n_samples if self.batch_size is None
                      else min(self.batch_size, n_samples))
        self.coef_, self.intercept_ = np.zeros(X.shape[1]), 0.0
        self.loss_curve_ = []
        for self.n_iter_ in range(1, self.epochs + 1):
            order = rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
            for start in range(0, n_samples, batch_size):
                batch = order[start:start + batch_size]
                self._step(X[batch], y01[batch])
            loss = self._objective(X, y01)
            if not np.isfinite(loss):
                raise _diverged(self, loss)
            self.loss_curve_.append(loss)
        return self

    def _objective(self, X, y01):
        p = activations.sigmoid(X @ self.coef_ + self.intercept_)
        if not np.all(np.isfinite(p)):
            return np.nan
        penalty = 0.5 * self.alpha * float(self.coef_ @ self.coef_) / len(X)
        return losses.binary_cross_entropy(y01, p) + penalty

    def _step(self, X, y01):
        self.coef_, self.intercept_ = logistic_step(self.coef_, self.intercept_, X, y01,
                                                    self.learning_rate, self.alpha)

    def predict_proba(self, X):
        """Probabilities of ``classes_[0]`` and ``classes_[1]``: (n_samples, 2)."""
        p = activations.sigmoid(self.decision_function(X))
        return np.column_stack([1 - p, p])


# ------------------------------------------------------------- the models' arithmetic

def normal_equations(X, y, alpha=0.0):
    """Least squares (ridge for ``alpha > 0``) in closed form, intercept not penalised.

    Centring ``X`` and ``y`` removes the intercept from the problem; the weights solve
    ``(Xc^T Xc + alpha I) w = Xc^T yc``, and the intercept puts the fit through the
    means.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    alpha : float, default 0.0

    Returns
    -------
    coef : ndarray of shape (n_features,)
    intercept : float
    """
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    if alpha:
        coef = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
    else:  # lstsq also copes with collinear features
        coef = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    return coef, float(y_mean - x_mean @ coef)


def adaline_step(coef, intercept, X, targets, learning_rate):
    """One gradient step of Adaline on a batch, on the half mean squared error of the
    net input.

    Parameters
    ----------
    coef : ndarray of shape (n_features,)
    intercept : float
    X : ndarray of shape (n_batch, n_features)
    targets : ndarray of shape (n_batch,)
        -1 or +1.
    learning_rate : float

    Returns
    -------
    coef, intercept
        The weights after the step (new objects).
    """
    residual = X @ coef + intercept - targets  # (n_batch,)
    coef = coef - learning_rate * (X.T @ residual) / len(X)
    return coef, intercept - learning_rate * residual.mean()


def logistic_step(coef, intercept, X, y01, learning_rate, alpha=0.0):
    """One gradient step of logistic regression on a batch: mean cross-entropy plus
    ``alpha / (2 n) ||w||^2``.

    Parameters
    ----------
    coef : ndarray of shape (n_features,)
    intercept : float
    X : ndarray of shape (n_batch, n_features)
    y01 : ndarray of shape (n_batch,)
        0 or 1.
    learning_rate, alpha : float

    Returns
    -------
    coef, intercept
        The weights after the step (new objects).
    """
    error = activations.sigmoid(X @ coef + intercept) - y01  # dJ/dz * n
    gradient_sum = X.T @ error + alpha * coef  # n times the gradient
    coef = coef - learning_rate * gradient_sum / len(X)
    return coef, intercept - learning_rate * error.mean()
