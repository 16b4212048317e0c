"""coursepkg.lessons.comparison: the three training scripts, weight copying, and the helpers."""

import os

import numpy as np
import pytest
from optional_tools import needs_tensorflow

from coursepkg.lessons.comparison import (
    count_code_lines,
    keras_network,
    keras_sgd_step,
    mean_std,
    train_coursepkg,
    train_keras,
    train_sklearn,
)
from coursepkg.data import make_tones
from coursepkg.models.mlp import MLPClassifier
from coursepkg.models.transfer import get_weights, set_weights
from coursepkg.nn.preprocessing import spectrum_features

os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")


def _data(n_samples=60, n_features=6, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)).astype(np.float32)
    return X, np.arange(n_samples) % n_classes


@pytest.mark.parametrize("train", [train_coursepkg, train_sklearn,
                                   pytest.param(train_keras, marks=needs_tensorflow)])
def test_every_script_trains_the_shared_network_and_times_each_epoch(train):
    X, y = _data()
    run = train(X, y, hidden=(8,), epochs=3, batch_size=16, seed=0)
    coefs, intercepts = get_weights(run.model)
    assert [W.shape for W in coefs] == [(6, 8), (8, 3)]
    assert [b.shape for b in intercepts] == [(8,), (3,)]
    assert len(run.epoch_seconds) == 3 and all(s > 0 for s in run.epoch_seconds)


def test_the_same_seed_gives_the_same_coursepkg_and_sklearn_weights():
    X, y = _data()
    for train in (train_coursepkg, train_sklearn):
        first, second = (get_weights(train(X, y, hidden=(5,), epochs=2, batch_size=16,
                                                seed=3).model)[0]
                         for _ in range(2))
        for a, b in zip(first, second):
            np.testing.assert_array_equal(a, b)


@needs_tensorflow
def test_copied_weights_give_the_same_probabilities_in_all_three():
    X, y = _data(n_classes=4)
    sk = train_sklearn(X.astype(np.float64), y, hidden=(7,), epochs=5, batch_size=16,
                       seed=0).model
    ours = MLPClassifier((7,), dtype=np.float64, epochs=1, random_state=0).fit(X, y)
    set_weights(ours, *get_weights(sk))
    net = set_weights(keras_network([6, 7, 4]), *get_weights(sk))
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-6, rtol=0)
    np.testing.assert_allclose(net.predict(X, verbose=0), sk.predict_proba(X), atol=1e-5, rtol=0)
    assert get_weights(net)[0][0].dtype == np.float32   # converted to the model's dtype


@needs_tensorflow
def test_keras_sgd_step_is_coursepkgs_step():
    X, y = _data(n_samples=12, n_classes=3)
    X = X.astype(np.float64)
    ours = MLPClassifier((5,), optimizer="sgd", learning_rate=0.3, alpha=0.0, batch_size=12,
                         shuffle=False, dtype=np.float64, random_state=0)
    ours.partial_fit(X, y, classes=np.arange(3))
    start = get_weights(ours)
    net = set_weights(keras_network([6, 5, 3]), *start)
    loss = keras_sgd_step(net, X.astype(np.float32), y, 0.3)
    assert loss == pytest.approx(ours.objective(X, y), rel=1e-5)
    ours.partial_fit(X, y)
    for mine, theirs in zip([*get_weights(ours)[0], *get_weights(ours)[1]],
                            [*get_weights(net)[0], *get_weights(net)[1]]):
        np.testing.assert_allclose(theirs, mine, atol=1e-5, rtol=0)


def test_set_weights_rejects_wrong_layers_and_shapes():
    X, y = _data()
    ours = MLPClassifier((4,), epochs=1, random_state=0).fit(X, y)
    coefs, intercepts = get_weights(ours)
    with pytest.raises(ValueError, match="2 layers"):
        set_weights(ours, coefs[:1], intercepts[:1])
    with pytest.raises(ValueError, match=r"shape \(6, 4\)"):
        set_weights(ours, [coefs[0].T, coefs[1]], intercepts)
    with pytest.raises(ValueError, match="neither a fitted MLP"):
        get_weights(MLPClassifier())


def test_mean_std_uses_the_sample_standard_deviation():
    assert mean_std([0.9, 0.92, 0.94]) == pytest.approx((0.92, 0.02))
    with pytest.raises(ValueError, match="at least 2"):
        mean_std([0.9])
    with pytest.raises(ValueError, match="finite"):
        mean_std([0.9, np.nan])


def _example(x):
    """A docstring

    of three lines."""
    # a comment
    y = x + 1  # a trailing comment keeps the line

    return y


def test_count_code_lines_skips_docstring_comments_and_blank_lines():
    assert count_code_lines(_example) == 3
    assert count_code_lines(_no_docstring) == 2


def _no_docstring():
    return 1


def test_tones_are_separated_by_the_spectrum_and_not_by_a_shift():
    X, y = make_tones(50, noise=0.0, random_state=0)
    assert X.shape == (50, 64) and set(np.unique(y)) == {0, 1}
    features = spectrum_features(X)
    assert features.shape == (50, 33)
    np.testing.assert_array_equal(features.argmax(axis=1), np.where(y == 0, 4, 6))
    np.testing.assert_allclose(spectrum_features(np.roll(X, 7, axis=1)), features, atol=1e-12)
    first, second = make_tones(5, random_state=1), make_tones(5, random_state=1)
    np.testing.assert_array_equal(first[0], second[0])


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="n_samples"):
        make_tones(0)
    with pytest.raises(ValueError, match="noise"):
        make_tones(5, noise=-1)
    with pytest.raises(ValueError, match="2-D"):
        spectrum_features(np.zeros(8))
    with pytest.raises(ValueError, match="NaN"):
        spectrum_features(np.array([[1.0, np.nan]]))


@needs_tensorflow
def test_a_keras_network_needs_two_sizes():
    with pytest.raises(ValueError, match="layer_sizes"):
        keras_network([4])
