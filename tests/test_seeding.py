import numpy as np
import pytest

from coursepkg.models.linear import Perceptron
from coursepkg.models.mlp import MLPClassifier
from coursepkg.models.random_features import RandomFeatureRegressor
from coursepkg.nn.seeding import as_generator


def test_an_int_and_its_random_state_give_one_stream():
    a = as_generator(7).standard_normal(5)
    b = as_generator(np.random.RandomState(7)).standard_normal(5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, as_generator(8).standard_normal(5))


def test_a_generator_is_used_as_it_is():
    generator = np.random.default_rng(0)
    assert as_generator(generator) is generator


def test_none_follows_numpy_global_state():
    np.random.seed(3)
    first = as_generator(None).standard_normal(3)
    np.random.seed(3)
    np.testing.assert_array_equal(as_generator(None).standard_normal(3), first)


@pytest.mark.parametrize("bad", [1.5, "0", -1, 2**32, True])
def test_anything_else_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="random_state must be"):
        as_generator(bad)


def test_every_estimator_follows_the_rule():
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    fits = {
        "perceptron": lambda rs: Perceptron(epochs=3, shuffle=True, random_state=rs)
        .fit(X, y).coef_,
        "mlp": lambda rs: MLPClassifier((4,), epochs=2, random_state=rs).fit(X, y).coefs_[0],
        "random features": lambda rs: RandomFeatureRegressor(5, random_state=rs)
        .fit(X, X[:, 0]).coefs_[0],
    }
    for name, fit in fits.items():
        np.testing.assert_array_equal(fit(5), fit(np.random.RandomState(5)), err_msg=name)
        np.testing.assert_array_equal(fit(5), fit(as_generator(5)), err_msg=name)


def test_functions_that_take_a_seed_follow_the_same_rule():
    from coursepkg.data import make_quadratic_regression, make_tones
    from coursepkg.lessons.descent import minibatch_gradient_descent
    from coursepkg.nn.initializers import he_normal

    X = np.random.default_rng(0).normal(size=(30, 2))
    draws = {
        "make_tones": lambda rs: make_tones(4, random_state=rs)[0],
        "make_quadratic_regression": lambda rs: make_quadratic_regression(
            4, noise=0.1, random_state=rs)[1],
        "he_normal": lambda rs: he_normal(3, 2, rs),
        "minibatch_gradient_descent": lambda rs: minibatch_gradient_descent(
            X, X[:, 0], batch_size=7, learning_rate=0.1, epochs=2, random_state=rs)[0],
    }
    for name, draw in draws.items():
        np.testing.assert_array_equal(draw(3), draw(np.random.RandomState(3)), err_msg=name)
        np.testing.assert_array_equal(draw(3), draw(as_generator(3)), err_msg=name)
