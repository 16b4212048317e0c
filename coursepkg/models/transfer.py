"""Weights moved between libraries: scikit-learn and Keras networks and the book's MLPs.

Both libraries store a dense network the same way: ``coefs_[i]`` of shape
(fan_in, fan_out) and ``intercepts_[i]`` of shape (fan_out,), a logistic output unit for two
classes and a softmax for more. :func:`from_sklearn` copies the weights of a fitted
:class:`sklearn.neural_network.MLPClassifier` or ``MLPRegressor`` into the matching
:mod:`coursepkg.models.mlp` estimator, so that both compute the same predictions and the package's
``forward``/``backward`` can be used on scikit-learn's weights. :func:`get_weights` and
:func:`set_weights` read and write the same two lists for a Keras network of dense layers.
Every path into :mod:`coursepkg.models.mlp` goes through its public ``from_weights``.
"""

from __future__ import annotations

import numpy as np
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.utils.validation import check_is_fitted

from coursepkg.models import mlp

__all__ = ["ACTIVATION_NAMES", "from_sklearn", "get_weights", "set_weights"]

#: scikit-learn's hidden activation names and the package's.
ACTIVATION_NAMES = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh",
                    "relu": "relu"}


def from_sklearn(estimator):
    """A copy of a fitted scikit-learn MLP as a :mod:`coursepkg.models.mlp` estimator.

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
    targets = {"classes": estimator.classes_} if target is mlp.MLPClassifier else {}
    return target.from_weights(estimator.coefs_, estimator.intercepts_, **targets,
                               activation=ACTIVATION_NAMES[estimator.activation],
                               alpha=estimator.alpha, dtype=np.float64)


def _is_keras(model):
    return hasattr(model, "get_weights") and hasattr(model, "trainable_variables")


def get_weights(model):
    """The dense layers of ``model``: two lists ``(coefs, intercepts)`` of NumPy copies.

    ``model`` is a fitted ``coursepkg`` or scikit-learn MLP, or a Keras network of dense
    layers; ``coefs[i]`` has shape (fan_in, fan_out) and ``intercepts[i]`` (fan_out,).
    """
    if _is_keras(model):
        arrays = model.get_weights()
        return [np.array(W) for W in arrays[0::2]], [np.array(b) for b in arrays[1::2]]
    if not hasattr(model, "coefs_"):
        raise ValueError(f"{type(model).__name__} is neither a fitted MLP "
                         "nor a Keras network")
    return [W.copy() for W in model.coefs_], [b.copy() for b in model.intercepts_]


def set_weights(model, coefs, intercepts):
    """Give ``model`` (as in :func:`get_weights`) copies of these weights, in its dtype.

    Raises
    ------
    ValueError
        If the number of layers or a shape differs from the model's.
    """
    old_coefs, old_intercepts = get_weights(model)
    if len(coefs) != len(old_coefs) or len(intercepts) != len(old_intercepts):
        raise ValueError(f"the model has {len(old_coefs)} layers, got {len(coefs)} "
                         f"weight matrices and {len(intercepts)} bias vectors")
    for new, old in zip([*coefs, *intercepts], [*old_coefs, *old_intercepts]):
        if np.shape(new) != old.shape:
            raise ValueError(f"expected an array of shape {old.shape}, "
                             f"got {np.shape(new)}")
    coefs = [np.array(W, dtype=old.dtype) for W, old in zip(coefs, old_coefs)]
    intercepts = [np.array(b, dtype=old.dtype)
                  for b, old in zip(intercepts, old_intercepts)]
    if _is_keras(model):
        model.set_weights([w for pair in zip(coefs, intercepts) for w in pair])
    else:
        model.coefs_, model.intercepts_ = coefs, intercepts
    return model
