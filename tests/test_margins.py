"""Margins, the max-margin direction and Novikoff's bound on the perceptron's mistakes."""

import numpy as np
import pytest

from coursepkg.lessons import margins
from coursepkg.models.linear import Perceptron


def separable(seed, n_samples=40, n_features=2, gap=0.1):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n_samples, n_features))
    w, b = rng.normal(size=n_features), 0.3 * rng.normal()
    z = (X @ w + b) / np.linalg.norm(w)
    keep = np.abs(z) > gap
    return X[keep], np.where(z[keep] > 0, "yes", "no"), np.r_[w, b]


def test_margin_by_hand():
    X = np.array([[2.0, 0.0], [0.0, -1.0], [-3.0, 1.0]])
    y = np.array([1, 0, 0])
    # u = (1, 1) / sqrt(2): signed distances 2, 1, 2 over sqrt(2)
    assert margins.margin(X, y, [1.0, 1.0]) == pytest.approx(1 / np.sqrt(2))
    assert margins.margin(X, y, [-1.0, -1.0]) < 0
    assert margins.margin(X, y, [10.0, 10.0]) == pytest.approx(1 / np.sqrt(2))  # scale-free
    assert margins.radius(X) == pytest.approx(np.sqrt(10))


def test_signed_targets_follow_the_perceptrons_classes():
    np.testing.assert_array_equal(margins.signed_targets(np.array(["b", "a", "b"])), [1, -1, 1])
    with pytest.raises(ValueError, match="exactly 2 classes"):
        margins.signed_targets(np.array([0, 1, 2]))


def test_max_margin_direction_beats_a_fine_grid_of_directions():
    X, y, _ = separable(1, gap=0.0)
    X = X[np.abs(X[:, 0] - X[:, 1]) > 0.2]               # separable through the origin
    y = np.where(X[:, 0] > X[:, 1], 1, 0)
    u = margins.max_margin_direction(X, y)
    assert np.linalg.norm(u) == pytest.approx(1)
    angles = np.linspace(0, 2 * np.pi, 20001)
    best = max(margins.margin(X, y, [np.cos(a), np.sin(a)]) for a in angles)
    gamma = margins.margin(X, y, u)
    assert best <= gamma <= best * (1 + 2e-3)   # the grid's angle step costs about 1e-3


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("shuffle", [False, True])
def test_the_perceptron_respects_novikoffs_bound(seed, shuffle):
    X, y, true_separator = separable(seed, n_features=3)
    bound = margins.perceptron_mistake_bound(X, y)
    assert bound <= margins.perceptron_mistake_bound(X, y, u=true_separator) + 1e-9
    for learning_rate in (1.0, 0.01):
        model = Perceptron(learning_rate=learning_rate, epochs=10_000, shuffle=shuffle,
                           random_state=seed).fit(X, y)
        assert model.mistakes_[-1] == 0
        assert sum(model.mistakes_) <= bound


def test_bad_input_is_refused():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    xor = np.array([0, 1, 1, 0])
    with pytest.raises(ValueError, match="not linearly separable"):
        margins.perceptron_mistake_bound(X, xor)
    with pytest.raises(ValueError, match="does not separate"):
        margins.perceptron_mistake_bound(X, np.array([0, 0, 0, 1]), u=[-1.0, -1.0, 1.5])
    with pytest.raises(ValueError, match="shape"):
        margins.margin(X, xor, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="non-zero"):
        margins.margin(X, xor, [0.0, 0.0])
    with pytest.raises(ValueError, match="NaN"):
        margins.radius(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="2-D"):
        margins.radius(np.ones(3))
    with pytest.raises(ValueError, match="samples"):
        margins.margin(X, np.array([0, 1]), [1.0, 1.0])
