import numpy as np
import pytest

from coursepkg.models.random_features import RandomFeatureRegressor
from coursepkg.nn.activations import sigmoid


def target(x):
    return np.sin(3 * x) + 0.8 * np.abs(x - 0.4)


X = np.linspace(-2, 2, 300)[:, None]
y = target(X[:, 0])


def test_prediction_is_the_network_formula():
    model = RandomFeatureRegressor(n_hidden=12, random_state=0).fit(X, y)
    assert [W.shape for W in model.coefs_] == [(1, 12), (12, 1)]
    assert [b.shape for b in model.intercepts_] == [(12,), (1,)]
    hidden = sigmoid(X @ model.coefs_[0] + model.intercepts_[0])
    np.testing.assert_allclose(model.predict(X), (hidden @ model.coefs_[1])[:, 0]
                               + model.intercepts_[1][0])


def test_wider_networks_contain_narrower_ones_so_training_error_never_grows():
    errors = []
    for width in (1, 2, 4, 8, 16, 32, 64):
        model = RandomFeatureRegressor(n_hidden=width, random_state=3).fit(X, y)
        errors.append(np.mean((model.predict(X) - y) ** 2))
        narrow = RandomFeatureRegressor(n_hidden=max(width // 2, 1), random_state=3).fit(X, y)
        np.testing.assert_array_equal(narrow.coefs_[0], model.coefs_[0][:, :narrow.n_hidden])
    assert all(b <= a * (1 + 1e-9) + 1e-15 for a, b in zip(errors, errors[1:]))
    assert errors[-1] < 1e-3 * errors[0]


def test_output_layer_is_the_least_squares_fit():
    model = RandomFeatureRegressor(n_hidden=5, random_state=1).fit(X, y)
    base = np.mean((model.predict(X) - y) ** 2)
    fitted = model.coefs_[1].copy()
    rng = np.random.default_rng(0)
    for _ in range(5):
        model.coefs_[1] = fitted + 1e-3 * rng.normal(size=fitted.shape)
        assert np.mean((model.predict(X) - y) ** 2) > base


def test_seeded_and_multi_output():
    Y = np.column_stack([y, -y])
    a = RandomFeatureRegressor(n_hidden=8, random_state=0).fit(X, Y).predict(X)
    b = RandomFeatureRegressor(n_hidden=8, random_state=0).fit(X, Y).predict(X)
    assert a.shape == (300, 2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a[:, 0], -a[:, 1], atol=1e-8)


def test_bad_parameters_and_input():
    with pytest.raises(ValueError, match="n_hidden"):
        RandomFeatureRegressor(n_hidden=0).fit(X, y)
    with pytest.raises(ValueError, match="weight_scale"):
        RandomFeatureRegressor(weight_scale=-1).fit(X, y)
    with pytest.raises(ValueError, match="unknown activation"):
        RandomFeatureRegressor(activation="sigmod").fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        RandomFeatureRegressor().fit(np.array([[np.nan], [1.0]]), [0.0, 1.0])
    model = RandomFeatureRegressor(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(np.zeros((2, 3)))
