"""Tests of coursepkg.nn.initializers: shapes, ranges, variances, seeding, the zeros warning."""

import numpy as np
import pytest

from coursepkg.nn import initializers as init

RANDOM = ["uniform", "lecun_uniform", "glorot_uniform", "glorot_normal", "he_normal"]


@pytest.mark.parametrize("name", RANDOM)
def test_shape_dtype_and_seeding(name):
    f = init.get(name)
    W = f(30, 20, np.random.default_rng(0))
    assert W.shape == (30, 20) and W.dtype == np.float64
    np.testing.assert_array_equal(W, f(30, 20, np.random.default_rng(0)))
    assert not np.array_equal(W, f(30, 20, np.random.default_rng(1)))
    assert f(3, 2, 0, dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize("name, limit", [
    ("uniform", 0.01), ("lecun_uniform", np.sqrt(3 / 400)),
    ("glorot_uniform", np.sqrt(6 / (400 + 300)))])
def test_uniform_limits(name, limit):
    W = init.get(name)(400, 300, np.random.default_rng(0))
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.99 * limit
    assert W.var() == pytest.approx(limit ** 2 / 3, rel=0.02)


@pytest.mark.parametrize("name, std", [
    ("glorot_normal", np.sqrt(2 / (400 + 300))), ("he_normal", np.sqrt(2 / 400))])
def test_normal_standard_deviation(name, std):
    W = init.get(name)(400, 300, np.random.default_rng(0))
    assert W.mean() == pytest.approx(0, abs=0.01 * std)
    assert W.std() == pytest.approx(std, rel=0.02)


def test_zeros_warns_about_symmetry():
    with pytest.warns(UserWarning, match="symmetry"):
        W = init.zeros(4, 3)
    assert W.shape == (4, 3) and not W.any()


def test_bad_arguments():
    with pytest.raises(ValueError, match="fan_in must be a positive integer"):
        init.glorot_uniform(0, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="seeded numpy Generator"):
        init.he_normal(3, 3, None)
    with pytest.raises(ValueError, match="unknown initializer 'xavier'.*glorot_uniform"):
        init.get("xavier")


def test_lecun_uniform_has_lecuns_variance():
    # LeCun (1998): variance 1 / fan_in, the variance of lecun_normal too.
    W = init.lecun_uniform(500, 400, np.random.default_rng(0))
    assert W.var() == pytest.approx(1 / 500, rel=0.02)
    assert init.lecun_normal(500, 400, np.random.default_rng(0)).var() == pytest.approx(
        1 / 500, rel=0.02)
