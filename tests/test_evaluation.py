"""Accuracy grids, architecture tables and digit galleries."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursepkg.data import load_digits  # noqa: E402
from coursepkg.lessons.evaluation import (  # noqa: E402
    accuracy_grid,
    compare_architectures,
    plot_accuracy_grid,
    plot_digits,
)
from coursepkg.models.mlp import MLPClassifier  # noqa: E402


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(scale=True)
    return X[:300], y[:300], X[300:500], y[300:500]


def test_grid_records_accuracies_and_divergence(digits):
    model = MLPClassifier((8,), optimizer="sgd", epochs=3, batch_size=32, random_state=0)
    result = accuracy_grid(model, {"learning_rate": [1e-2, 1e30], "alpha": [0.0, 1e-3]},
                           *digits)
    assert result.names == ("learning_rate", "alpha")
    assert result.train.shape == result.validation.shape == result.diverged.shape == (2, 2)
    assert not result.diverged[0].any() and result.diverged[1].all()
    assert np.isnan(result.validation[1]).all() and np.isfinite(result.validation[0]).all()
    expected = MLPClassifier((8,), optimizer="sgd", epochs=3, batch_size=32, random_state=0,
                             learning_rate=1e-2, alpha=1e-3).fit(*digits[:2])
    assert result.validation[0, 1] == expected.score(*digits[2:])
    assert model.learning_rate == 0.001, "the estimator given is not modified"
    fig = plot_accuracy_grid(result)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("div.") == 2
    plt.close(fig)


@pytest.mark.parametrize("grid", [{"learning_rate": [0.1]}, {"learning_rate": [], "alpha": [1]},
                                  {"learning_rate": [0.1], "no_such_name": [1]}])
def test_grid_rejects_bad_grids(digits, grid):
    with pytest.raises(ValueError):
        accuracy_grid(MLPClassifier(), grid, *digits)


def test_architectures_count_parameters_exactly(digits):
    rows = compare_architectures(MLPClassifier(epochs=2, random_state=0), [(3, 3), 5],
                                 *digits)
    assert [r.hidden_layer_sizes for r in rows] == [(3, 3), (5,)]
    assert rows[0].n_parameters == (64 * 3 + 3) + (3 * 3 + 3) + (3 * 10 + 10)
    assert rows[1].n_parameters == 65 * 5 + 6 * 10
    assert all(0 <= r.validation_accuracy <= 1 and r.seconds > 0 for r in rows)


def test_plot_digits_reshapes_rows_and_checks_titles():
    fig = plot_digits(np.zeros((3, 64)), ["a", "b", "c"], n_columns=2)
    assert len(fig.axes) == 4 and fig.axes[1].get_title() == "b"
    assert fig.axes[0].images[0].get_array().shape == (8, 8)
    plt.close(fig)
    with pytest.raises(ValueError, match="titles"):
        plot_digits(np.zeros((3, 64)), ["a"])
    with pytest.raises(ValueError, match="square"):
        plot_digits(np.zeros((3, 10)))
