"""An MLP written with coursepkg.autodiff.Tensor gets the same gradients as the
hand-derived backward pass of coursepkg.models.mlp, and can be trained."""

import numpy as np
import pytest

from coursepkg.autodiff import Tensor, softmax_cross_entropy
from coursepkg.models.mlp import MLPClassifier


def tensor_objective(coefs, intercepts, X, y_index, n_classes, activation, alpha):
    """Mean cross-entropy + alpha / (2 n) * sum ||W||^2, as coursepkg.models.mlp defines it."""
    a = Tensor(X)
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        z = a @ W + b
        a = getattr(z, activation)() if i < len(coefs) - 1 else z
    n = len(X)
    if n_classes == 2:  # one sigmoid unit and the binary cross-entropy
        p, Y = z.sigmoid(), y_index.reshape(-1, 1)
        loss = -(Y * p.log() + (1 - Y) * (1 - p).log()).mean()
    else:
        loss = softmax_cross_entropy(z, y_index)
    penalty = sum((W * W).sum() for W in coefs)
    return loss + penalty * (alpha / (2 * n))


@pytest.mark.parametrize("n_classes, activation, alpha", [
    (3, "relu", 0.0), (3, "tanh", 0.1), (2, "sigmoid", 0.01), (4, "relu", 1e-3)])
def test_tensor_mlp_gradients_equal_coursepkg_mlp_backward(n_classes, activation, alpha):
    rng = np.random.default_rng(n_classes)
    X = rng.normal(size=(40, 5))
    y = np.arange(40) % n_classes
    model = MLPClassifier(hidden_layer_sizes=(7, 6), activation=activation, alpha=alpha,
                          epochs=2, batch_size=10, dtype=np.float64, random_state=0)
    model.fit(X, y)
    coef_grads, intercept_grads = model.backward(model.forward(X), y)

    coefs = [Tensor(W) for W in model.coefs_]
    intercepts = [Tensor(b) for b in model.intercepts_]
    objective = tensor_objective(coefs, intercepts, X, y, n_classes, activation, alpha)
    objective.backward()

    assert objective.item() == pytest.approx(model.objective(X, y), rel=1e-12)
    for ours, theirs in zip(coefs + intercepts, coef_grads + intercept_grads):
        assert ours.grad.shape == theirs.shape
        np.testing.assert_allclose(ours.grad, theirs, rtol=1e-10, atol=1e-14)


def test_tensor_mlp_trains_by_gradient_descent():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    y = np.repeat(np.arange(3), 50)
    X = centres[y] + rng.normal(scale=0.6, size=(150, 2))
    W1, b1 = Tensor(rng.normal(scale=0.5, size=(2, 16))), Tensor(np.zeros(16))
    W2, b2 = Tensor(rng.normal(scale=0.5, size=(16, 3))), Tensor(np.zeros(3))
    params = [W1, b1, W2, b2]
    losses = []
    for _ in range(150):
        loss = softmax_cross_entropy((Tensor(X) @ W1 + b1).tanh() @ W2 + b2, y)
        for p in params:
            p.grad[...] = 0
        loss.backward()
        for p in params:
            p.data -= 0.5 * p.grad
        losses.append(loss.item())
    logits = np.tanh(X @ W1.data + b1.data) @ W2.data + b2.data
    assert losses[-1] < 0.25 * losses[0]
    assert np.mean(logits.argmax(axis=1) == y) > 0.95
