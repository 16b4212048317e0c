"""coursepkg.models.transfer: from_sklearn copies a fitted scikit-learn MLP into coursepkg.models.mlp (through from_weights) with the same predictions."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from coursepkg.models import mlp
from coursepkg.models.transfer import from_sklearn


def _fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@pytest.mark.parametrize("n_classes, activation, hidden", [
    (2, "logistic", (5,)), (3, "relu", (6, 4)), (4, "tanh", (3,)), (3, "identity", ())])
def test_the_copy_predicts_the_same_probabilities(n_classes, activation, hidden):
    rng = np.random.default_rng(n_classes)
    X = rng.normal(size=(30, 4))
    y = np.array(["a", "b", "c", "d"])[np.arange(30) % n_classes]
    sk = _fit(SkMLPClassifier(hidden, activation=activation, max_iter=20, alpha=0.3,
                              random_state=0), X, y)
    ours = from_sklearn(sk)
    assert isinstance(ours, mlp.MLPClassifier) and ours.alpha == 0.3
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-12)
    assert (ours.predict(X) == sk.predict(X)).all()
    sk.coefs_[0][0, 0] += 1.0                     # a copy, not a view
    assert ours.coefs_[0][0, 0] != sk.coefs_[0][0, 0]


def test_a_regressor_copy_predicts_the_same_values_and_can_train_on():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    Y = np.column_stack([X.sum(axis=1), X[:, 0] ** 2])
    sk = _fit(SkMLPRegressor(hidden_layer_sizes=(8,), max_iter=30, random_state=0), X, Y)
    ours = from_sklearn(sk)
    assert isinstance(ours, mlp.MLPRegressor)
    np.testing.assert_allclose(ours.predict(X), sk.predict(X), rtol=1e-12)
    before = ours.objective(X, Y)
    ours.partial_fit(X, Y)
    assert ours.objective(X, Y) < before


def test_the_gradient_is_the_one_of_scikit_learns_objective():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(20, 3)), np.arange(20) % 3
    sk = _fit(SkMLPClassifier((4,), activation="tanh", alpha=0.5, max_iter=5, random_state=0),
              X, y)
    ours = from_sklearn(sk)
    grads = ours.backward(ours.forward(X), y)
    W = ours.coefs_[1]
    eps = 1e-6
    W[0, 0] += eps
    up = ours.objective(X, y)
    W[0, 0] -= 2 * eps
    down = ours.objective(X, y)
    W[0, 0] += eps
    assert grads.coefs[1][0, 0] == pytest.approx((up - down) / (2 * eps), rel=1e-6)


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="MLPClassifier or MLPRegressor"):
        from_sklearn(LogisticRegression())
    with pytest.raises(Exception, match="not fitted"):
        from_sklearn(SkMLPClassifier())
    X = np.random.default_rng(0).normal(size=(12, 2))
    Y = np.array([[0, 1], [1, 0], [1, 1]] * 4)
    with pytest.raises(ValueError, match="multi-label"):
        from_sklearn(_fit(SkMLPClassifier((3,), max_iter=5, random_state=0), X, Y))
    if "loss" in SkMLPRegressor().get_params():  # scikit-learn 1.7 added the Poisson loss
        with pytest.raises(ValueError, match="poisson"):
            from_sklearn(_fit(SkMLPRegressor(loss="poisson", max_iter=5, random_state=0), X,
                              np.arange(12.0)))


def test_from_weights_is_the_public_way_in():
    """A fitted network rebuilt from its own weights predicts the same; bad shapes and
    bad targets are refused with a message."""
    from coursepkg.models.mlp import MLPClassifier, MLPRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = rng.integers(0, 3, size=60)
    fitted = MLPClassifier((5,), epochs=3, random_state=0).fit(X, y)
    rebuilt = MLPClassifier.from_weights(fitted.coefs_, fitted.intercepts_,
                                         classes=fitted.classes_)
    np.testing.assert_array_equal(rebuilt.predict_proba(X), fitted.predict_proba(X))
    assert rebuilt.hidden_layer_sizes == (5,) and rebuilt.n_iter_ == 0
    rebuilt.partial_fit(X, y)  # training can go on
    assert rebuilt.n_iter_ == 1
    W = [np.ones((4, 2)), np.ones((2, 1))]
    b = [np.zeros(2), np.array([0.5])]
    binary = MLPClassifier.from_weights(W, b, classes=[0, 1], activation="identity",
                                        dtype=np.float64)
    expected = 1 / (1 + np.exp(-(X @ W[0] @ W[1] + 0.5)))
    np.testing.assert_allclose(binary.predict_proba(X)[:, 1], expected[:, 0], rtol=1e-12)
    with pytest.raises(ValueError, match="fan_in"):
        MLPRegressor.from_weights([np.ones((4, 2)), np.ones((3, 1))], [np.zeros(2), np.zeros(1)])
    with pytest.raises(ValueError, match="needs classes"):
        MLPClassifier.from_weights(W, b)
    with pytest.raises(ValueError, match="output unit"):
        MLPClassifier.from_weights(W, b, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="batch normalisation"):
        MLPRegressor.from_weights(W, b, batch_norm=True)
    with pytest.raises(ValueError, match="disagrees"):
        MLPRegressor.from_weights(W, b, hidden_layer_sizes=(3,))
