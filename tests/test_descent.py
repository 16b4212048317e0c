"""Least-squares gradient descent helpers against finite differences, closed forms and sklearn."""

import numpy as np
import pytest

from coursepkg.nn.divergence import TrainingDivergedError
from sklearn.linear_model import Lasso

from coursepkg.lessons import descent
from coursepkg.nn.gradcheck import numerical_gradient


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3)) * [1.0, 2.0, 0.5]
    y = X @ np.array([1.5, -2.0, 0.0]) + 0.1 * rng.normal(size=30)
    return X, y


@pytest.mark.parametrize("alpha", [0.0, 0.7])
def test_gradient_matches_finite_differences(data, alpha):
    X, y = data
    w = np.random.default_rng(1).normal(size=3)
    numeric = numerical_gradient(lambda v: descent.least_squares_cost(v, X, y, alpha), w.copy())
    np.testing.assert_allclose(descent.least_squares_gradient(w, X, y, alpha), numeric,
                               rtol=1e-6, atol=1e-8)


def test_hessian_is_the_jacobian_of_the_gradient(data):
    X, y = data
    w = np.zeros(3)
    columns = [numerical_gradient(lambda v: descent.least_squares_gradient(v, X, y, 0.3)[k],
                                  w.copy()) for k in range(3)]
    np.testing.assert_allclose(descent.least_squares_hessian(X, 0.3), np.array(columns),
                               rtol=1e-6)


def test_cost_value():
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    y = np.array([1.0, 0.0])
    # w = (0, 1): residual (-1, 2), ||r||^2 = 5, n = 2
    assert descent.least_squares_cost(np.array([0.0, 1.0]), X, y) == pytest.approx(5 / 4)
    # w = (1, 1): residual (0, 2), ||r||^2 = 4, alpha ||w||^2 = 2 * 2
    assert descent.least_squares_cost(np.ones(2), X, y, alpha=2.0) == pytest.approx(8 / 4)


def test_stability_threshold_separates_convergence_from_divergence(data):
    X, y = data
    limit = descent.max_stable_learning_rate(X)
    gradient = lambda w: descent.least_squares_gradient(w, X, y)  # noqa: E731
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    converged = descent.gradient_descent(gradient, np.zeros(3), 0.95 * limit, 3000)
    np.testing.assert_allclose(converged[-1], w_star, rtol=1e-6)
    diverged = descent.gradient_descent(gradient, np.zeros(3), 1.05 * limit, 3000)
    assert len(diverged) < 3001 or np.linalg.norm(diverged[-1]) > 1e6
    assert np.linalg.norm(diverged[-1] - w_star) > 100 * np.linalg.norm(diverged[1] - w_star)


def test_gradient_descent_returns_every_iterate():
    path = descent.gradient_descent(lambda w: 2 * w, np.array([1.0, -2.0]), 0.25, 3)
    np.testing.assert_allclose(path, [[1, -2], [0.5, -1], [0.25, -0.5], [0.125, -0.25]])


def test_a_diverging_run_stops_at_the_first_non_finite_iterate():
    path = descent.gradient_descent(lambda w: 1e150 * w, np.array([1e150]), 1.0, 10)
    assert len(path) == 2 and np.all(np.isfinite(path))


@pytest.mark.parametrize("n, b, expected", [(100, 10, 10), (101, 10, 11), (5, 8, 1), (7, 1, 7)])
def test_n_minibatches(n, b, expected):
    assert descent.n_minibatches(n, b) == expected


def test_minibatch_costs_one_per_update(data):
    X, y = data
    w, costs = descent.minibatch_gradient_descent(X, y, batch_size=8, learning_rate=0.05,
                                                  epochs=5, random_state=0)
    assert costs.shape == (5 * 4 + 1,)
    assert costs[-1] < costs[0] / 10
    np.testing.assert_allclose(costs[-1], descent.least_squares_cost(w, X, y))


def test_full_batch_is_plain_gradient_descent(data):
    X, y = data
    w, costs = descent.minibatch_gradient_descent(X, y, batch_size=len(X), learning_rate=0.1,
                                                  epochs=20, random_state=0)
    path = descent.gradient_descent(lambda v: descent.least_squares_gradient(v, X, y),
                                    np.zeros(3), 0.1, 20)
    np.testing.assert_allclose(w, path[-1], rtol=1e-12)


def test_minibatch_divergence_is_reported(data):
    X, y = data
    with pytest.raises(TrainingDivergedError, match="try a smaller one"):
        descent.minibatch_gradient_descent(X, y, batch_size=30, learning_rate=50.0, epochs=500)


def test_soft_threshold():
    np.testing.assert_array_equal(descent.soft_threshold([-3.0, -0.5, 0.0, 0.5, 3.0], 1.0),
                                  [-2.0, 0.0, 0.0, 0.0, 2.0])
    assert not np.signbit(descent.soft_threshold(-0.5, 1.0))  # prints as 0., not -0.


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5])
def test_lasso_ista_matches_sklearn(data, alpha):
    X, y = data
    X, y = X - X.mean(axis=0), y - y.mean()
    reference = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(descent.lasso_ista(X, y, alpha), reference.coef_, atol=1e-7)


def test_a_large_lasso_penalty_gives_all_zeros(data):
    X, y = data
    alpha_max = np.max(np.abs(X.T @ y)) / len(X)
    assert np.all(descent.lasso_ista(X, y, 1.01 * alpha_max) == 0)


@pytest.mark.parametrize("call, message", [
    (lambda X, y: descent.least_squares_cost(np.zeros(2), X, y), "w must have shape"),
    (lambda X, y: descent.least_squares_cost(np.zeros(3), X, y[:-1]), "y must have shape"),
    (lambda X, y: descent.least_squares_cost(np.zeros(3), X[0], y), "X must have shape"),
    (lambda X, y: descent.least_squares_gradient(np.zeros(3), X * np.nan, y), "NaN"),
    (lambda X, y: descent.least_squares_hessian(X, alpha=-1.0), "alpha"),
    (lambda X, y: descent.gradient_descent(lambda w: w, np.zeros(3), -0.1, 5), "learning_rate"),
    (lambda X, y: descent.gradient_descent(lambda w: w[:1], np.zeros(3), 0.1, 5), "gradient"),
    (lambda X, y: descent.n_minibatches(10, 0), "batch_size"),
    (lambda X, y: descent.n_minibatches(10, 2.5), "batch_size"),
    (lambda X, y: descent.soft_threshold(X, -1.0), "threshold"),
])
def test_bad_input_gets_a_clear_error(data, call, message):
    with pytest.raises(ValueError, match=message):
        call(*data)
