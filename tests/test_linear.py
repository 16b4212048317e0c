"""Tests of coursepkg.models.linear against closed forms, scikit-learn, and the logic gates."""

import warnings

import numpy as np
import pytest

from coursepkg.nn.divergence import TrainingDivergedError
from sklearn.datasets import load_breast_cancer, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

from coursepkg.data import logic_gate
from coursepkg.models.linear import Adaline, LinearRegression, LogisticRegression, Perceptron


@pytest.fixture(scope="module")
def regression():
    return make_regression(n_samples=80, n_features=5, noise=5.0, bias=3.0, random_state=0)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_normal_equations_match_sklearn(regression):
    X, y = regression
    ours, theirs = LinearRegression().fit(X, y), SkLinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-10)
    ridge_ours, ridge_theirs = LinearRegression(alpha=10.0).fit(X, y), Ridge(alpha=10.0).fit(X, y)
    np.testing.assert_allclose(ridge_ours.coef_, ridge_theirs.coef_, rtol=1e-10)
    assert ridge_ours.intercept_ == pytest.approx(ridge_theirs.intercept_, rel=1e-10)


@pytest.mark.parametrize("alpha", [0.0, 10.0])
def test_gradient_descent_reaches_the_closed_form(regression, alpha):
    X, y = regression
    gd = LinearRegression(solver="gd", alpha=alpha, learning_rate=0.1, epochs=5000).fit(X, y)
    closed = LinearRegression(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(gd.coef_, closed.coef_, rtol=1e-6)
    assert gd.intercept_ == pytest.approx(closed.intercept_, rel=1e-6)
    # The loss never rises (beyond rounding, once converged).
    assert np.all(np.diff(gd.loss_curve_) <= 1e-12 * gd.loss_curve_[0])
    assert gd.n_iter_ < 5000  # stopped on the gradient norm


def test_collinear_features_still_have_a_least_squares_solution(regression):
    X, y = regression
    X2 = np.hstack([X, X[:, :1]])
    model = LinearRegression().fit(X2, y)
    np.testing.assert_allclose(model.predict(X2), LinearRegression().fit(X, y).predict(X),
                               rtol=1e-9)


@pytest.mark.parametrize("gate", ["AND", "OR"])
@pytest.mark.parametrize("signed", [False, True])
def test_perceptron_separates_and_or(gate, signed):
    X, y = logic_gate(gate)
    if signed:
        y = 2 * y - 1  # {-1, +1} labels
    model = Perceptron(epochs=100).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), y)
    assert model.mistakes_[-1] == 0
    assert model.n_iter_ == len(model.mistakes_) < 100  # stopped once separated


def test_perceptron_fails_on_xor():
    X, y = logic_gate("XOR")
    model = Perceptron(epochs=100).fit(X, y)
    assert model.n_iter_ == 100
    assert min(model.mistakes_) > 0
    assert model.score(X, y) < 1.0


def test_perceptron_follows_rosenblatts_rule_by_hand():
    # AND gate, w = (0, 0), b = 0, lr = 1, targets t = (-1, -1, -1, +1), step(0) = 1:
    # epoch 1: x=(0,0): z=0 -> +1 != -1: w=(0,0), b=-1
    #          x=(0,1): z=-1 -> -1 ok ; x=(1,0): ok ; x=(1,1): z=-1 -> -1 != +1: w=(1,1), b=0
    X, y = logic_gate("AND")
    model = Perceptron(epochs=1).fit(X, y)
    np.testing.assert_array_equal(model.coef_, [1, 1])
    assert model.intercept_ == 0
    assert model.mistakes_ == [2]


@pytest.mark.parametrize("solver, lr", [("gd", 0.1), ("sgd", 0.001)])
def test_adaline_learns_breast_cancer(cancer, solver, lr):
    X, y = cancer
    model = Adaline(solver=solver, learning_rate=lr, epochs=30, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.95
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_adaline_gd_reaches_least_squares_on_signed_targets(cancer):
    X, y = cancer
    X = X[:, [1, 4, 8, 9]]  # well-conditioned columns (condition number 2.3)
    model = Adaline(solver="gd", learning_rate=0.1, epochs=3000).fit(X, y)
    closed = LinearRegression().fit(X, 2 * y - 1)
    np.testing.assert_allclose(model.coef_, closed.coef_, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("batch_size", [None, 32])
def test_logistic_regression_learns_and_matches_sklearn(cancer, batch_size):
    X, y = cancer
    model = LogisticRegression(learning_rate=0.5, epochs=300, batch_size=batch_size,
                               alpha=1.0, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.97
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1)
    if batch_size is None:
        # Our objective mean BCE + alpha/(2n)||w||^2 is sklearn's with C = 1 / alpha
        # after multiplying by n; full-batch GD converges to the same optimum.
        model = LogisticRegression(learning_rate=1.0, epochs=5000, alpha=1.0).fit(X, y)
        theirs = SkLogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(X, y)
        np.testing.assert_allclose(model.coef_, theirs.coef_[0], rtol=1e-3, atol=1e-4)


def test_logistic_regression_gradient_matches_finite_differences(cancer):
    from coursepkg.nn.gradcheck import numerical_gradient, relative_error
    X, y = cancer[0][:40, :4], cancer[1][:40].astype(float)
    model = LogisticRegression(alpha=0.5, epochs=1).fit(X, y)
    w = model.coef_.copy()
    numeric = numerical_gradient(lambda: model._objective(X, y), model.coef_)
    model._step(X, y)  # one step with learning rate 0.1: w - 0.1 * grad
    assert relative_error((w - model.coef_) / model.learning_rate, numeric) < 1e-6


@pytest.mark.parametrize("cls", [Perceptron, Adaline, LogisticRegression])
def test_binary_classifiers_reject_three_classes(cls):
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        cls().fit(X, [0, 1, 2, 0, 1, 2])


@pytest.mark.parametrize("model", [
    LinearRegression(solver="gd", learning_rate=1e3), Adaline(learning_rate=1e3),
    Adaline(solver="sgd", learning_rate=1e3)])
def test_divergence_suggests_a_smaller_learning_rate(cancer, model):
    X, y = cancer
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TrainingDivergedError, match="learning rate .* too large"):
            model.fit(X, y)


@pytest.mark.parametrize("model", [LinearRegression(), Perceptron(), Adaline(),
                                   LogisticRegression()])
def test_bad_input(model):
    with pytest.raises(NotFittedError):
        model.predict(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        model.fit(np.array([[0.0, np.nan], [1.0, 2.0]]), [0, 1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(np.zeros((3, 2)), [0, 1])


def test_bad_parameters():
    X, y = logic_gate("AND")
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        Perceptron(learning_rate=0).fit(X, y)
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        LogisticRegression(learning_rate=-1).fit(X, y)
    with pytest.raises(ValueError, match="unknown solver 'qr'"):
        LinearRegression(solver="qr").fit(X, y)
    with pytest.raises(ValueError, match="unknown solver 'newton'"):
        Adaline(solver="newton").fit(X, y)


def test_every_trainer_raises_the_one_divergence_error():
    """Linear models, mini-batch descent and the MLP raise the same TrainingDivergedError,
    whose message names the learning rate and a smaller one."""
    from coursepkg.lessons.descent import minibatch_gradient_descent
    from coursepkg.models.linear import Adaline
    from coursepkg.models.mlp import MLPRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)) * 100
    y = X @ np.array([1.0, -2.0, 3.0])
    trainers = [
        lambda: Adaline(learning_rate=10.0, epochs=50).fit(X, (y > 0).astype(int)),
        lambda: minibatch_gradient_descent(X, y, batch_size=8, learning_rate=10.0, epochs=50,
                                           random_state=0),
        lambda: MLPRegressor((4,), optimizer="sgd", learning_rate=10.0, epochs=20,
                             random_state=0).fit(X, y),
    ]
    for train in trainers:
        with pytest.raises(TrainingDivergedError, match=r"\(10\) is probably too large.*1\b"):
            train()
