"""coursepkg.nn.backprop: the four equations agree with finite differences and with coursepkg.models.mlp."""

import numpy as np
import pytest

from coursepkg.models.mlp import MLPRegressor
from coursepkg.nn import backprop, losses
from coursepkg.nn.feedforward import forward_pass
from coursepkg.nn.gradcheck import numerical_gradient, relative_error


def random_network(rng, sizes):
    coefs = [rng.normal(size=(m, k)) for m, k in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(size=k) for k in sizes[1:]]
    return coefs, intercepts


@pytest.mark.parametrize("sizes, activations", [
    ([2, 2, 1], ["sigmoid", "sigmoid"]),
    ([4, 5, 3, 2], ["tanh", "sigmoid", "identity"]),
    ([3, 1], ["sigmoid"]),
])
def test_gradients_match_finite_differences(sizes, activations):
    rng = np.random.default_rng(sum(sizes))
    coefs, intercepts = random_network(rng, sizes)
    X, Y = rng.normal(size=(6, sizes[0])), rng.normal(size=(6, sizes[-1]))

    def cost():
        return losses.half_squared_error(
            Y, forward_pass(X, coefs, intercepts, activations).a[-1])

    coef_grads, intercept_grads, deltas = backprop.backward(
        forward_pass(X, coefs, intercepts, activations), coefs, Y, activations)
    for params, grads in ((coefs, coef_grads), (intercepts, intercept_grads)):
        for param, grad in zip(params, grads):
            assert grad.shape == param.shape
            assert relative_error(grad, numerical_gradient(cost, param)) < 1e-7
    assert [d.shape for d in deltas] == [(6, k) for k in sizes[1:]]


def test_agrees_with_the_mlp_backward_pass():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    model = MLPRegressor((4, 5), activation="sigmoid", epochs=1, alpha=0.0,
                         dtype=np.float64, random_state=0).fit(X, y)
    mlp_grads = model.backward(model.forward(X), y)
    ours = backprop.backward(forward_pass(X, model.coefs_, model.intercepts_,
                                          ["sigmoid", "sigmoid", "identity"]),
                             model.coefs_, y, ["sigmoid", "sigmoid", "identity"])
    for mine, theirs in zip(ours[0] + ours[1], mlp_grads.coefs + mlp_grads.intercepts):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


def test_cost_is_half_the_mean_squared_distance():
    output, Y = np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [3.0, 4.0]])
    assert losses.half_squared_error(Y, output) == pytest.approx((5 + 25) / 2 / 2)


def test_layer_gradient_norms():
    norms = backprop.layer_gradient_norms([np.full((2, 2), 1.0), np.array([[3.0], [4.0]])])
    np.testing.assert_allclose(norms, [2.0, 5.0])


def test_bad_targets_are_refused():
    rng = np.random.default_rng(1)
    coefs, intercepts = random_network(rng, [2, 3, 1])
    acts = ["sigmoid", "sigmoid"]
    cache = forward_pass(np.ones((4, 2)), coefs, intercepts, acts)
    with pytest.raises(ValueError, match="rows"):
        backprop.backward(cache, coefs, np.ones((3, 1)), acts)
    with pytest.raises(ValueError, match="shape"):
        backprop.backward(cache, coefs, np.ones((4, 2)), acts)
    with pytest.raises(ValueError, match="NaN"):
        backprop.backward(cache, coefs, np.full((4, 1), np.nan), acts)
    with pytest.raises(ValueError, match="same layers"):
        backprop.backward(cache, coefs, np.ones((4, 1)), acts[:1])


@pytest.mark.parametrize("n_samples", [3, 4])  # 3 == the number of classes: the old bug
def test_a_softmax_output_gives_gradients_of_the_weights_shape(n_samples):
    """A softmax output used to return (n, k, k)-shaped deltas: gradients of shape (3, 4, 5)
    for a (4, 5) layer when n_samples equalled n_classes, a broadcast error otherwise."""
    rng = np.random.default_rng(0)
    coefs, intercepts = random_network(rng, [2, 4, 3])
    X = rng.normal(size=(n_samples, 2))
    Y = np.eye(3)[rng.integers(0, 3, size=n_samples)]
    activations = ["tanh", "softmax"]
    cache = forward_pass(X, coefs, intercepts, activations)
    coef_grads, intercept_grads, deltas = backprop.backward(cache, coefs, Y, activations)
    assert [g.shape for g in coef_grads] == [c.shape for c in coefs]
    assert [g.shape for g in intercept_grads] == [b.shape for b in intercepts]

    def cost(W):
        out = forward_pass(X, [coefs[0], W], intercepts, activations).a[-1]
        return losses.half_squared_error(Y, out)

    assert relative_error(coef_grads[1], numerical_gradient(cost, coefs[1])) < 1e-6


def test_every_activation_keeps_the_backward_contract():
    from coursepkg.nn import activations as act
    rng = np.random.default_rng(1)
    z, grad = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    for name in act.ACTIVATIONS:
        f = act.get(name)
        a = f.function(z)
        result = f.backward(grad, z, a)
        assert result.shape == z.shape, name
        if name == "step":
            continue  # zero almost everywhere, not differentiable at 0
        numeric = numerical_gradient(lambda zz: float(np.sum(grad * f.function(zz))), z)
        assert relative_error(result, numeric) < 1e-6, name
