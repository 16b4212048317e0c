"""The forward pass, the collapse of linear layers, and the size and cost of a network."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursepkg.data import logic_gate
from coursepkg.lessons.examples import xor_forward, xor_network
from coursepkg.models.mlp import MLPClassifier, MLPRegressor
from coursepkg.nn import activations
from coursepkg.nn.activations import relu, sigmoid, softmax
from coursepkg.nn.feedforward import (
    Cache,
    collapse_linear,
    count_multiply_adds,
    count_parameters,
    forward,
    forward_pass,
)
from coursepkg.nn.layers import dense


def random_network(rng, sizes, dtype=np.float64):
    coefs = [rng.normal(size=(m, n)).astype(dtype) for m, n in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(size=n).astype(dtype) for n in sizes[1:]]
    return coefs, intercepts


def test_forward_by_hand():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 4))
    coefs, intercepts = random_network(rng, (4, 5, 3))
    A = forward(X, coefs, intercepts, "relu", "softmax")
    assert [a.shape for a in A] == [(7, 4), (7, 5), (7, 3)]
    hidden = relu(X @ coefs[0] + intercepts[0])
    np.testing.assert_allclose(A[1], hidden)
    np.testing.assert_allclose(A[2], softmax(hidden @ coefs[1] + intercepts[1]))


def test_forward_keeps_float32_and_accepts_integers():
    rng = np.random.default_rng(1)
    coefs, intercepts = random_network(rng, (2, 3, 1), np.float32)
    assert forward(rng.normal(size=(4, 2)).astype(np.float32), coefs, intercepts)[-1].dtype \
        == np.float32
    out = forward([[0, 1], [1, 0]], *xor_network(), "sigmoid", "sigmoid")
    np.testing.assert_allclose(out[-1], xor_forward([[0, 1], [1, 0]])[-1])


def test_forward_agrees_with_mlp_regressor_and_classifier():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    reg = MLPRegressor((5, 4), activation="tanh", epochs=2, random_state=0,
                       dtype=np.float64).fit(X, y)
    np.testing.assert_allclose(forward(X, reg.coefs_, reg.intercepts_, "tanh")[-1][:, 0],
                               reg.predict(X))
    clf = MLPClassifier((6,), epochs=2, random_state=0, dtype=np.float64).fit(
        X, rng.integers(0, 3, size=20))
    np.testing.assert_allclose(forward(X, clf.coefs_, clf.intercepts_, "relu", "softmax")[-1],
                               clf.predict_proba(X))


def test_forward_pass_keeps_every_z_and_a_with_one_activation_per_layer():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 3))
    coefs, intercepts = random_network(rng, (3, 4, 2))
    cache = forward_pass(X, coefs, intercepts, ["tanh", activations.get("sigmoid")])
    assert isinstance(cache, Cache) and len(cache.z) == 2 and len(cache.a) == 3
    np.testing.assert_allclose(cache.z[0], dense(X, coefs[0], intercepts[0]))
    np.testing.assert_allclose(cache.a[1], np.tanh(cache.z[0]))
    np.testing.assert_allclose(cache.z[1], dense(cache.a[1], coefs[1], intercepts[1]))
    np.testing.assert_allclose(cache.a[2], sigmoid(cache.z[1]))
    steps = forward_pass(X, coefs, intercepts, ["step", "step"]).a[-1]
    assert set(np.unique(steps)) <= {0.0, 1.0} and steps.shape == (7, 2)


def test_forward_is_forward_pass_with_hidden_and_output_activations():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 2))
    coefs, intercepts = random_network(rng, (2, 3, 3, 1))
    for got, expected in zip(forward(X, coefs, intercepts, "tanh", "sigmoid"),
                             forward_pass(X, coefs, intercepts, ["tanh", "tanh", "sigmoid"]).a):
        np.testing.assert_array_equal(got, expected)


def test_threshold_units_compute_xor_with_one_hidden_layer():
    X, y = logic_gate("XOR")
    coefs = [np.array([[1, -1], [1, -1]]), np.array([[1], [1]])]      # OR, NAND; then AND
    intercepts = [np.array([-1, 1.5]), np.array([-2])]
    np.testing.assert_array_equal(forward(X, coefs, intercepts, "step", "step")[-1][:, 0], y)


@pytest.mark.parametrize("coefs, intercepts, names, message", [
    ([], [], [], "empty"),
    ([np.ones((3, 2))], [np.ones(2)], ["step"], "X has 2 features .* fan_in = 3"),
    ([np.ones((2, 2))], [np.ones(3)], ["step"], "bias \\(fan_out,\\)"),
    ([np.ones(2)], [np.ones(2)], ["step"], "\\(fan_in, fan_out\\)"),
    ([np.ones((2, 2)), np.ones((3, 1))], [np.ones(2), np.ones(1)], ["step"] * 2,
     "layer 1 has 2 outputs but layer 2 expects fan_in = 3"),
    ([np.ones((2, 2))], [np.ones(2)], ["stepp"], "unknown activation"),
    ([np.ones((2, 2))], [np.ones(2)], ["step", "step"], "2 activations for 1 layers"),
    ([np.ones((2, 2))], [np.ones(2)], "step", "1 activations for 1 layers"),
])
def test_forward_pass_rejects_bad_layers(coefs, intercepts, names, message):
    with pytest.raises(ValueError, match=message):
        forward_pass(np.ones((3, 2)), coefs, intercepts, names)


@pytest.mark.parametrize("X, message", [
    (np.ones(2), "2-D"), (np.array([[np.nan, 1.0]]), "NaN"), (np.array([["a", "b"]]), "real"),
    (np.ones((4, 3)), "shape \\(n_samples, 2\\)")])
def test_forward_pass_rejects_bad_samples(X, message):
    coefs, intercepts = xor_network()
    with pytest.raises(ValueError, match=message):
        forward_pass(X, coefs, intercepts, ["sigmoid", "sigmoid"])


@pytest.mark.parametrize("sizes", [(3, 4, 5, 2), (6, 1), (2, 8, 1), (5, 5, 5, 5, 5)])
def test_collapse_linear_equals_the_identity_network(sizes):
    rng = np.random.default_rng(len(sizes))
    coefs, intercepts = random_network(rng, sizes)
    X = rng.normal(size=(9, sizes[0]))
    W, b = collapse_linear(coefs, intercepts)
    assert W.shape == (sizes[0], sizes[-1]) and b.shape == (sizes[-1],)
    np.testing.assert_allclose(X @ W + b, forward(X, coefs, intercepts, "identity")[-1],
                               rtol=1e-10, atol=1e-10)


def test_a_nonlinear_network_is_not_its_collapse():
    coefs, intercepts = xor_network()
    W, b = collapse_linear(coefs, intercepts)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    assert not np.allclose(sigmoid(X @ W + b), xor_forward(X)[-1], atol=0.05)


def test_count_parameters():
    assert count_parameters((2, 2, 1)) == 9
    assert count_parameters([784, 128, 10]) == 785 * 128 + 129 * 10
    clf = MLPClassifier((7, 5), epochs=1, random_state=0).fit(
        np.zeros((6, 4)), [0, 1, 2, 0, 1, 2])
    assert count_parameters((4, 7, 5, 3)) == sum(W.size for W in clf.coefs_) + sum(
        b.size for b in clf.intercepts_)


def test_bad_input_raises():
    coefs, intercepts = xor_network()
    with pytest.raises(ValueError, match="bias vectors"):
        forward(np.zeros((1, 2)), coefs, intercepts[:1])
    with pytest.raises(ValueError, match="empty"):
        collapse_linear([], [])
    with pytest.raises(ValueError, match="layer 1 has 2 outputs"):
        collapse_linear([np.ones((2, 2)), np.ones((3, 1))], [np.ones(2), np.ones(1)])
    with pytest.raises(ValueError, match="unknown activation"):
        forward(np.zeros((1, 2)), coefs, intercepts, "sigmoidd")
    with pytest.raises(ValueError, match="2-D"):
        forward(np.zeros(2), coefs, intercepts)
    with pytest.raises(ValueError, match="NaN"):
        forward(np.array([[np.nan, 0.0]]), coefs, intercepts)
    with pytest.raises(ValueError, match="features"):
        forward(np.zeros((1, 3)), coefs, intercepts)
    with pytest.raises(ValueError, match="positive"):
        count_parameters((3, 0, 1))
    with pytest.raises(ValueError, match="at least"):
        count_parameters((3,))


@pytest.mark.parametrize("sizes", [(2, 1), (4, 3), (64, 16, 10), (5, 7, 3, 2)])
def test_count_parameters_matches_a_fitted_network(sizes):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, sizes[0]))
    Y = rng.normal(size=(20, sizes[-1]))
    model = MLPRegressor(hidden_layer_sizes=sizes[1:-1], epochs=1, random_state=0).fit(X, Y)
    fitted = sum(W.size + b.size for W, b in zip(model.coefs_, model.intercepts_))
    assert count_parameters(sizes) == fitted


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=2, max_size=6), st.integers(1, 9))
def test_counts_follow_the_layer_formulas(sizes, n_samples):
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert count_parameters(sizes) == weights + sum(sizes[1:])
    assert count_multiply_adds(sizes, n_samples) == n_samples * weights


def test_count_multiply_adds_is_the_work_of_the_matrix_products():
    assert count_multiply_adds((784, 128, 10)) == 784 * 128 + 128 * 10
    assert count_multiply_adds([3, 2], n_samples=5) == 30
    assert isinstance(count_parameters(np.array([3, 2])), int)


@pytest.mark.parametrize("sizes", [[3], [], [3, 0], [3, 2.0], [3, True], [-1, 2]])
def test_counts_reject_bad_sizes(sizes):
    with pytest.raises(ValueError, match="layer"):
        count_parameters(sizes)


def test_count_multiply_adds_rejects_a_bad_batch():
    with pytest.raises(ValueError, match="n_samples"):
        count_multiply_adds((3, 2), n_samples=0)
