"""Tests of coursepkg.lessons.decision: probability lines and probability contours in the plane."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression  # noqa: E402

from coursepkg.lessons.decision import plot_probability_contours, probability_grid, probability_line  # noqa: E402
from coursepkg.models.linear import LogisticRegression  # noqa: E402
from coursepkg.nn.activations import sigmoid  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal([-1, -1], 0.8, size=(30, 2)), rng.normal([1, 1], 0.8, size=(30, 2))])
    y = np.repeat([0, 1], 30)
    return X, y


@pytest.mark.parametrize("probability", [0.5, 0.1, 0.9, 0.999])
def test_points_on_the_line_have_that_probability(probability):
    rng = np.random.default_rng(1)
    coef, intercept = rng.normal(size=2), rng.normal()
    slope, offset = probability_line(coef, intercept, probability)
    x1 = np.linspace(-5, 5, 11)
    points = np.column_stack([x1, slope * x1 + offset])
    np.testing.assert_allclose(sigmoid(points @ coef + intercept), probability, rtol=1e-10)


def test_the_decision_boundary_by_hand():
    # 2 x1 - 4 x2 + 1 = 0  <=>  x2 = x1 / 2 + 1 / 4
    assert probability_line([2.0, -4.0], 1.0) == (0.5, 0.25)
    slope, offset = probability_line(np.array([[2.0, -4.0]]), np.array([1.0]))  # sklearn shapes
    assert (slope, offset) == (0.5, 0.25)


@pytest.mark.parametrize("coef, intercept, probability, message", [
    ([1.0, 0.0], 0.0, 0.5, "vertical"),
    ([1.0, 2.0, 3.0], 0.0, 0.5, "2 weights"),
    ([1.0, np.nan], 0.0, 0.5, "finite"),
    ([1.0, 1.0], np.inf, 0.5, "finite"),
    ([1.0, 1.0], 0.0, 1.0, "strictly between 0 and 1"),
    ([1.0, 1.0], 0.0, 0.0, "strictly between 0 and 1"),
    ([1.0, 1.0], 0.0, True, "strictly between 0 and 1"),
])
def test_bad_input_is_refused(coef, intercept, probability, message):
    with pytest.raises(ValueError, match=message):
        probability_line(coef, intercept, probability)


@pytest.mark.parametrize("model", [LogisticRegression(learning_rate=0.5, epochs=200),
                                   SklearnLogisticRegression()])
def test_grid_probabilities_are_the_models(model, blobs):
    X, y = blobs
    model.fit(X, y)
    x1, x2, probability = probability_grid(model, X, resolution=7, margin=1.0)
    assert x1.shape == x2.shape == probability.shape == (7, 7)
    assert x1.min() == pytest.approx(X[:, 0].min() - 1) and x2.max() == pytest.approx(
        X[:, 1].max() + 1)
    expected = model.predict_proba(np.column_stack([x1.ravel(), x2.ravel()]))[:, 1]
    np.testing.assert_allclose(probability.ravel(), expected)
    assert probability[0, 0] < 0.5 < probability[-1, -1]   # class 1 is up and to the right


def test_grid_refuses_bad_input(blobs):
    X, y = blobs
    model = SklearnLogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=r"\(n_samples, 2\)"):
        probability_grid(model, np.ones((5, 3)))
    with pytest.raises(ValueError, match="finite"):
        probability_grid(model, np.array([[0.0, np.nan]]))
    with pytest.raises(ValueError, match="resolution"):
        probability_grid(model, X, resolution=1)
    with pytest.raises(TypeError, match="predict_proba"):
        probability_grid(object(), X)


def test_plot_draws_contours_and_both_classes(blobs):
    X, y = blobs
    model = LogisticRegression(learning_rate=0.5, epochs=100).fit(X, y)
    ax = plot_probability_contours(model, X, y, resolution=30, title="blobs")
    assert ax.get_title() == "blobs" and ax.get_xlabel() == "$x_1$"
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["y = 0", "y = 1"]
    assert len(ax.collections) >= 4   # filled contours, dashed lines, the boundary, 2 scatters
    with pytest.raises(ValueError, match="y must have shape"):
        plot_probability_contours(model, X, y[:-1])
    with pytest.raises(ValueError, match="strictly between"):
        plot_probability_contours(model, X, y, levels=(0.5, 1.5))
