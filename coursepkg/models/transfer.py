"""Moving a fitted scikit-learn MLP into the book's :mod:`coursepkg.models.mlp`.

Both libraries store a dense network the same way: ``coefs_[i]`` of shape
(fan_in, fan_out) and ``intercepts_[i]`` of shape (fan_out,), a logistic output unit for two
classes and a softmax for more. :func:`from_sklearn` copies the weights of a fitted
:class:`sklearn.neural_network.MLPClassifier` or ``MLPRegressor`` into the matching
:mod:`coursepkg.models.mlp` estimator, so that both compute the same predictions and the package's
``forward``/``backward`` can be used on scikit-learn's weights.
"""

from __future__ import annotations

import numpy as np
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.utils.validation import check_is_fitted

from coursepkg.models import mlp

__all__ = ["ACTIVATION_NAMES", "from_sklearn"]

#: scikit-learn's hidden activation names and the package's.
ACTIVATION_NAMES = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh",
                    "relu": "relu"}


def from_sklearn(estimator):
    """A :mod:`coursepkg.models.mlp` estimator holding a copy of a fitted scikit-learn MLP.

    Parameters
    ----------
    estimator : fitted sklearn.neural_network.MLPClassifier or MLPRegressor

    Returns
    -------
    coursepkg.models.mlp.MLPClassifier or coursepkg.models.mlp.MLPRegressor
        Fitted, in float64, with the same ``hidden_layer_sizes``, hidden activation,
        ``alpha``, ``coefs_``, ``intercepts_`` (copies) and ``classes_`` (classifier),
        so its ``predict_proba`` / ``predict`` equal the original's. It can be trained
        further.
    """
    if isinstance(estimator, SkMLPClassifier):
        target = mlp.MLPClassifier
    elif isinstance(estimator, SkMLPRegressor):
        target = mlp.MLPRegressor
    else:
        raise TypeError("from_sklearn expects a scikit-learn MLPClassifier or "
                        f"MLPRegressor, got {type(estimator).__name__}")
    check_is_fitted(estimator, "coefs_")
    if target is mlp.MLPClassifier and estimator.out_activation_ == "logistic" \
            and estimator.n_outputs_ > 1:
        raise ValueError("a multi-label classifier (several logistic outputs) has no "
                         "counterpart in coursepkg.models.mlp")
    if getattr(estimator, "loss", "squared_error") not in ("squared_error", "log_loss"):
        raise ValueError(f"loss={estimator.loss!r} has no counterpart in "
                         "coursepkg.models.mlp, which fits the squared error")
    hidden = [W.shape[1] for W in estimator.coefs_[:-1]]
    model = target(hidden_layer_sizes=tuple(hidden),
                   activation=ACTIVATION_NAMES[estimator.activation],
                   alpha=estimator.alpha, dtype=np.float64)
    model.n_features_in_ = estimator.coefs_[0].shape[0]
    if target is mlp.MLPClassifier:
        model.classes_ = np.asarray(estimator.classes_)
    else:
        model.n_outputs_ = estimator.n_outputs_
    model._initialize(model.n_features_in_, estimator.coefs_[-1].shape[1])
    model.coefs_ = [np.array(W, dtype=np.float64) for W in estimator.coefs_]
    model.intercepts_ = [np.array(b, dtype=np.float64) for b in estimator.intercepts_]
    return model
