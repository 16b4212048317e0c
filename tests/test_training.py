"""Tests of coursepkg.lessons.training: deep-network statistics, test surfaces, optimizer paths, dead units."""

import numpy as np
import pytest

from coursepkg.data import load_digits
from coursepkg.lessons import descent, training
from coursepkg.models.mlp import MLPClassifier
from coursepkg.nn.gradcheck import numerical_gradient
from coursepkg.nn.optimizers import SGD, Adam


def test_layer_statistics_shapes_and_reproducibility():
    first = training.layer_statistics("glorot_uniform", "tanh", 0, n_layers=4, width=16,
                                      n_samples=8)
    again = training.layer_statistics("glorot_uniform", "tanh", 0, n_layers=4, width=16,
                                      n_samples=8)
    for got, same in zip(first, again):
        assert got.shape == (4,)
        np.testing.assert_array_equal(got, same)


def test_he_keeps_the_relu_signal_and_tiny_weights_kill_it():
    # He normal with ReLU keeps the second moment; tiny uniform weights kill the signal.
    he = training.layer_statistics("he_normal", "relu", 1, n_layers=10, width=128)
    tiny = training.layer_statistics("uniform", "relu", 1, n_layers=10, width=128)
    assert 0.5 < he.activation_std[-1] / he.activation_std[0] < 2
    assert tiny.activation_std[-1] < 1e-10


def test_layer_statistics_rejects_zeros_and_bad_sizes():
    with pytest.raises(ValueError, match="random initializer"):
        training.layer_statistics("zeros", "tanh", 0)
    with pytest.raises(ValueError, match="n_layers"):
        training.layer_statistics("he_normal", "relu", 0, n_layers=0)
    with pytest.raises(ValueError, match="unknown initializer"):
        training.layer_statistics("glorot", "relu", 0)


@pytest.mark.parametrize("f, grad", [(training.quadratic, training.quadratic_gradient),
                                     (training.rosenbrock, training.rosenbrock_gradient)])
def test_surface_gradients_match_finite_differences(f, grad):
    rng = np.random.default_rng(0)
    for _ in range(5):
        p = rng.normal(size=2)
        numeric = numerical_gradient(lambda q: f(q), p.copy())
        np.testing.assert_allclose(grad(p), numeric, rtol=1e-5, atol=1e-6)


def test_surfaces_evaluate_grids_and_have_their_minimum():
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 4)), axis=-1)
    assert training.rosenbrock(grid).shape == (4, 5)
    assert training.quadratic_gradient(grid).shape == (4, 5, 2)
    assert training.rosenbrock([1.0, 1.0]) == 0
    np.testing.assert_array_equal(training.rosenbrock_gradient([1.0, 1.0]), [0, 0])
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        training.quadratic(np.zeros(3))


def test_optimizer_path_is_plain_gradient_descent_for_sgd():
    path = training.optimizer_path(SGD(0.1), training.quadratic_gradient, [1.0, 1.0], 3)
    expected = [[1.0, 1.0]]
    for _ in range(3):
        p = np.array(expected[-1])
        expected.append(p - 0.1 * training.quadratic_gradient(p))
    np.testing.assert_allclose(path, expected)
    assert training.optimizer_path(Adam(0.1), training.rosenbrock_gradient,
                                   [-1.0, 1.0], 0).shape == (1, 2)


def test_optimizer_path_stops_when_it_diverges():
    path = training.optimizer_path(SGD(1.0), training.rosenbrock_gradient, [-1.5, 2.0], 50)
    assert 2 <= len(path) < 51 and np.isfinite(path).all()
    # the same contract as chapter 3's gradient_descent: the finite prefix of the path
    same = descent.gradient_descent(training.rosenbrock_gradient, [-1.5, 2.0], 1.0, 50)
    np.testing.assert_array_equal(path, same)


def test_optimizer_path_checks_its_arguments():
    with pytest.raises(TypeError):
        training.optimizer_path("sgd", training.quadratic_gradient, [0.0, 0.0], 3)
    with pytest.raises(ValueError, match="start"):
        training.optimizer_path(SGD(0.1), training.quadratic_gradient, [np.nan, 0.0], 3)
    with pytest.raises(ValueError, match="n_steps"):
        training.optimizer_path(SGD(0.1), training.quadratic_gradient, [0.0, 0.0], -1)


def test_dead_units_counts_units_silent_on_every_sample():
    X, y = load_digits(scale=True)
    X, y = X[:200], y[:200]
    model = MLPClassifier((8, 6), epochs=1, random_state=0).fit(X, y)
    assert training.dead_units(model, X).tolist() == [0, 0]
    model.coefs_[0][:, :3] = -1.0            # pixels are >= 0: these units never fire
    model.intercepts_[0][:3] = -1.0
    dead = training.dead_units(model, X)
    assert dead[0] == 3 and dead.dtype.kind == "i"
