import numpy as np
import pytest

from coursepkg.lessons.examples import xor_forward, xor_network
from coursepkg.models.mlp import MLPClassifier
from coursepkg.nn.activations import sigmoid

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def test_xor_network_shapes_follow_fan_in_fan_out():
    coefs, intercepts = xor_network()
    assert [W.shape for W in coefs] == [(2, 2), (2, 1)]
    assert [b.shape for b in intercepts] == [(2,), (1,)]


def test_xor_network_weights_are_the_books():
    coefs, intercepts = xor_network()
    np.testing.assert_array_equal(coefs[0][:, 0], [3.7, 3.7])    # D
    np.testing.assert_array_equal(coefs[0][:, 1], [2.9, 2.9])    # E
    np.testing.assert_array_equal(coefs[1][:, 0], [4.5, -5.2])   # G on D, E
    np.testing.assert_array_equal(intercepts[0], [-1.5, -4.5])
    np.testing.assert_array_equal(intercepts[1], [-2.0])


def test_xor_network_returns_fresh_arrays():
    coefs, intercepts = xor_network()
    coefs[0][0, 0] = 100.0
    intercepts[1][0] = 100.0
    again_coefs, again_intercepts = xor_network()
    assert again_coefs[0][0, 0] == 3.7
    assert again_intercepts[1][0] == -2.0


def test_worked_example_input_1_0():
    _, hidden, output = xor_forward([[1.0, 0.0]])
    np.testing.assert_array_equal(np.round(hidden, 2), [[0.90, 0.17]])
    assert round(float(output[0, 0]), 2) == 0.76


def test_forward_by_hand():
    coefs, intercepts = xor_network()
    for x1, x2 in XOR_INPUTS:
        d = sigmoid(3.7 * x1 + 3.7 * x2 - 1.5)
        e = sigmoid(2.9 * x1 + 2.9 * x2 - 4.5)
        g = sigmoid(4.5 * d - 5.2 * e - 2.0)
        _, hidden, output = xor_forward([[x1, x2]], coefs, intercepts)
        np.testing.assert_allclose(hidden[0], [d, e])
        np.testing.assert_allclose(output[0, 0], g)


def test_hidden_units_are_or_and_and():
    _, hidden, _ = xor_forward(XOR_INPUTS)
    np.testing.assert_array_equal(np.round(hidden[:, 0]), [0, 1, 1, 1])
    np.testing.assert_array_equal(np.round(hidden[:, 1]), [0, 0, 0, 1])


def test_weights_load_into_mlp_classifier():
    coefs, intercepts = xor_network()
    model = MLPClassifier(hidden_layer_sizes=(2,), activation="sigmoid", epochs=1,
                          random_state=0, dtype=np.float64)
    model.fit(XOR_INPUTS, [0, 1, 1, 0])
    model.coefs_, model.intercepts_ = coefs, intercepts
    np.testing.assert_allclose(model.predict_proba(XOR_INPUTS)[:, 1],
                               xor_forward(XOR_INPUTS)[-1][:, 0])


def test_bad_input_raises():
    with pytest.raises(ValueError, match="2-D"):
        xor_forward([1.0, 0.0])
    with pytest.raises(ValueError, match="NaN"):
        xor_forward([[np.nan, 0.0]])
    with pytest.raises(ValueError, match="features"):
        xor_forward([[1.0, 0.0, 1.0]])
    coefs, intercepts = xor_network()
    with pytest.raises(ValueError, match="both"):
        xor_forward(XOR_INPUTS, coefs=coefs)
    with pytest.raises(ValueError, match="bias"):
        xor_forward(XOR_INPUTS, coefs, intercepts[:1])
