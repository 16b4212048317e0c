import numpy as np
import pytest

from coursepkg.activations import relu, sigmoid, softmax
from coursepkg.examples import xor_forward, xor_network
from coursepkg.feedforward import collapse_linear, count_parameters, forward
from coursepkg.mlp import MLPClassifier, MLPRegressor


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
