"""Array reverse mode (coursepkg.autodiff.Tensor): un-broadcasting, reductions, the fused
softmax cross-entropy, grad(), bad input, and random expression graphs checked against
finite differences and TensorFlow."""

import os

os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")

import expression_programs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from optional_tools import HAS_TENSORFLOW, needs_tensorflow
from scipy.special import log_softmax

from coursepkg.autodiff import Tensor, Value, grad, softmax_cross_entropy, unbroadcast

if HAS_TENSORFLOW:  # only the comparison with TensorFlow needs it
    import tensorflow as tf
else:
    tf = None


# --------------------------------------------------------------- un-broadcasting

@pytest.mark.parametrize("shape, expected", [
    ((2, 3), np.arange(6.0).reshape(2, 3)),
    ((3,), np.array([3.0, 5.0, 7.0])),             # added leading axis: sum over rows
    ((1, 3), np.array([[3.0, 5.0, 7.0]])),         # length-1 axis: sum, keep the axis
    ((2, 1), np.array([[3.0], [12.0]])),
    ((), np.array(15.0)),
])
def test_unbroadcast_sums_over_broadcast_axes(shape, expected):
    g = np.arange(6.0).reshape(2, 3)
    out = unbroadcast(g, shape)
    assert out.shape == shape
    np.testing.assert_array_equal(out, expected)


def test_bias_gradient_is_the_column_sum():
    X, W, b = Tensor(np.ones((4, 3))), Tensor(np.ones((3, 2))), Tensor(np.zeros(2))
    (X @ W + b).sum().backward()
    np.testing.assert_array_equal(b.grad, [4.0, 4.0])  # one per sample
    np.testing.assert_array_equal(W.grad, np.full((3, 2), 4.0))


def test_reused_tensor_accumulates():
    a = Tensor([1.0, 2.0])
    (a * a + a).sum().backward()
    np.testing.assert_array_equal(a.grad, [3.0, 5.0])  # 2a + 1


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_and_mean_gradients(axis, keepdims):
    x = Tensor(np.arange(6.0).reshape(2, 3))
    x.sum(axis=axis, keepdims=keepdims).sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))
    y = Tensor(np.arange(6.0).reshape(2, 3))
    out = y.mean(axis=axis, keepdims=keepdims)
    assert out.shape == np.mean(y.data, axis=axis, keepdims=keepdims).shape
    out.sum().backward()
    n_averaged = 6 // out.size
    np.testing.assert_allclose(y.grad, np.full((2, 3), 1 / n_averaged), rtol=1e-15)


def test_float64_by_default_and_float32_on_request():
    assert Tensor([1, 2]).dtype == np.float64
    t = Tensor([1, 2], dtype=np.float32)
    assert (t * 2).dtype == np.float32 and t.grad.dtype == np.float32


def test_stable_sigmoid_and_softmax_cross_entropy():
    x = Tensor([-800.0, 0.0, 800.0])
    s = x.sigmoid()
    np.testing.assert_array_equal(s.data, [0.0, 0.5, 1.0])
    logits = Tensor([[1000.0, 0.0, -1000.0]])
    loss = softmax_cross_entropy(logits, np.array([1]))
    loss.backward()
    assert loss.item() == pytest.approx(1000.0)
    np.testing.assert_allclose(logits.grad, [[1.0, -1.0, 0.0]], atol=1e-300)


def test_softmax_cross_entropy_labels_and_one_hot_agree():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(5, 4))
    y = np.array([0, 3, 1, 1, 2])
    a, b = Tensor(Z), Tensor(Z)
    loss_labels, loss_one_hot = softmax_cross_entropy(a, y), softmax_cross_entropy(b, np.eye(4)[y])
    loss_labels.backward()
    loss_one_hot.backward()
    assert loss_labels.item() == loss_one_hot.item()
    expected = -log_softmax(Z, axis=1)[np.arange(5), y].mean()
    assert loss_labels.item() == pytest.approx(expected, rel=1e-14)
    probs = np.exp(log_softmax(Z, axis=1))
    np.testing.assert_allclose(a.grad, (probs - np.eye(4)[y]) / 5, rtol=1e-13)
    np.testing.assert_array_equal(a.grad, b.grad)


# ------------------------------------------------------------------------- grad()

def test_grad_with_argnums_passes_other_arguments_unchanged():
    rng = np.random.default_rng(1)
    X, W, y = rng.normal(size=(6, 3)), rng.normal(size=(3, 4)), rng.integers(0, 4, 6)
    loss = lambda W, X, y: softmax_cross_entropy(Tensor(X) @ W, y)  # noqa: E731
    dW = grad(loss, argnums=0)(W, X, y)
    probs = np.exp(log_softmax(X @ W, axis=1))
    np.testing.assert_allclose(dW, X.T @ (probs - np.eye(4)[y]) / 6, rtol=1e-12)
    dW_again, dX = grad(lambda W, X: softmax_cross_entropy(X @ W, y))(W, X)
    np.testing.assert_array_equal(dW_again, dW)
    assert dX.shape == X.shape


def test_grad_bad_use():
    with pytest.raises(ValueError, match="seed gradient"):
        grad(lambda x: x * 2)(np.ones(3))
    with pytest.raises(TypeError, match="must return a Value or"):
        grad(lambda x: 3.0)(np.ones(3))
    with pytest.raises(ValueError, match="argnums"):
        grad(lambda x: x.sum(), argnums=2)(np.ones(3))
    with pytest.raises(TypeError, match="float or a NumPy array"):
        grad(lambda x: x)("1.0")


# --------------------------------------------------------------------- bad input

@pytest.mark.parametrize("action, error, match", [
    (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3))), ValueError,
     r"shapes \(2, 3\) and \(2, 3\) do not match"),
    (lambda: Tensor(np.ones(3)) @ Tensor(np.ones((3, 1))), ValueError, r"shapes \(3,\) and"),
    (lambda: Tensor(np.ones((2, 3))) + Tensor(np.ones((2,))), ValueError,
     r"Tensor \+: shapes \(2, 3\) and \(2,\) do not broadcast"),
    (lambda: Tensor(np.ones((2, 3))) * np.ones(4), ValueError, r"\(2, 3\) and \(4,\)"),
    (lambda: Tensor(np.ones(6)).reshape(4), ValueError, r"cannot reshape shape \(6,\)"),
    (lambda: Tensor(np.ones(3)).backward(), ValueError, r"shape \(3,\) needs a seed"),
    (lambda: Tensor(np.ones(3)).backward(np.ones(2)), ValueError, "does not match"),
    (lambda: Tensor(["a"]), TypeError, "array of real numbers"),
    (lambda: Tensor([1.0, np.nan]), ValueError, "NaN"),
    (lambda: Tensor([1.0]) + "a", TypeError, "cannot combine Tensor with str"),
    (lambda: Tensor([1.0]) + Value(1.0), TypeError, "cannot combine Tensor with Value"),
    (lambda: Tensor([1.0]) ** Tensor([2.0]), TypeError, "constant real exponent"),
    (lambda: Tensor([-1.0]).log(), ValueError, "positive"),
    (lambda: Tensor([1.0]) / Tensor([0.0]), ZeroDivisionError, "zeros"),
    (lambda: Tensor([-1.0]) ** 0.5, ValueError, "integer exponent"),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), [0, 1]), TypeError, "must be a Tensor"),
    (lambda: softmax_cross_entropy(Tensor(np.ones(3)), [0]), ValueError, "2-D"),
    (lambda: softmax_cross_entropy(Tensor(np.ones((2, 3))), np.array([0, 3])), ValueError,
     r"\[0, 3\)"),
    (lambda: softmax_cross_entropy(Tensor(np.ones((2, 3))), np.array([0.0, 1.0])), TypeError,
     "integers"),
    (lambda: softmax_cross_entropy(Tensor(np.ones((2, 3))), np.array([0])), ValueError,
     "1 labels for 2 rows"),
    (lambda: softmax_cross_entropy(Tensor(np.ones((2, 3))), np.ones((2, 2))), ValueError,
     r"\(2, 2\) do not match logits \(2, 3\)"),
    (lambda: softmax_cross_entropy(Tensor(np.ones((2, 3))), np.ones((2, 3))), ValueError,
     "sum to 1"),
])
def test_bad_input(action, error, match):
    with pytest.raises(error, match=match):
        action()


# ------------------------------------------ random expression graphs (Hypothesis)
# Leaves have shapes that broadcast with (n, m): (n, m), (m,), (1, m), (n, 1), () and
# (m, m) for products. Operands are any earlier node (reuse), chosen among those whose
# shapes fit. Ops are drawn only where smooth with a margin (log, ** 1.5, / on entries
# >= 0.2 away from 0; relu at least 0.1 from its kink) and every entry stays in
# [-10, 10]. The output is sum(C * last node) with a random C, so every entry of the
# gradient is tested with a different weight.

def _np_softmax_ce(z, Y):
    return -(Y * log_softmax(z, axis=1)).sum() / len(z)


def _tf_softmax_ce(z, Y):
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=z))


def _tf_sparse_softmax_ce(z, y):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=z))


NUMPY = dict(
    exp=np.exp, log=np.log, tanh=np.tanh, sigmoid=lambda x: 1 / (1 + np.exp(-x)),
    relu=lambda x: np.maximum(x, 0), reshape=np.reshape,
    sum=lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    mean=lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
    T=np.transpose, matmul=np.matmul, sparse_softmax_ce=lambda z, y: _np_softmax_ce(
        z, np.eye(z.shape[1])[y]), softmax_ce=_np_softmax_ce)
TENSOR = dict(
    exp=Tensor.exp, log=Tensor.log, tanh=Tensor.tanh, sigmoid=Tensor.sigmoid,
    relu=Tensor.relu, sum=lambda x, axis, keepdims: x.sum(axis=axis, keepdims=keepdims),
    mean=lambda x, axis, keepdims: x.mean(axis=axis, keepdims=keepdims),
    reshape=Tensor.reshape, T=lambda x: x.T, matmul=lambda a, b: a @ b,
    sparse_softmax_ce=softmax_cross_entropy, softmax_ce=softmax_cross_entropy)
TF = None if tf is None else dict(
    exp=tf.exp, log=tf.math.log, tanh=tf.tanh, sigmoid=tf.sigmoid, relu=tf.nn.relu,
    sum=lambda x, axis, keepdims: tf.reduce_sum(x, axis=axis, keepdims=keepdims),
    mean=lambda x, axis, keepdims: tf.reduce_mean(x, axis=axis, keepdims=keepdims),
    reshape=tf.reshape, T=tf.transpose, matmul=tf.matmul,
    sparse_softmax_ce=_tf_sparse_softmax_ce, softmax_ce=_tf_softmax_ce)


def _all(condition):
    return lambda *arrays: condition(arrays[-1]).all()


def _ndim_at_least(k):
    return lambda a: np.ndim(a) >= k


OPS = {  # name: (function of (backend, *operands), condition on the operand values)
    "add": (lambda B, a, b: a + b, None),
    "sub": (lambda B, a, b: a - b, None),
    "mul": (lambda B, a, b: a * b, None),
    "div": (lambda B, a, b: a / b, _all(lambda b: np.abs(b) >= 0.2)),
    "matmul": (lambda B, a, b: B["matmul"](a, b),
               lambda a, b: a.ndim == b.ndim == 2 and a.shape[1] == b.shape[0]),
    "neg": (lambda B, a: -a, None),
    "square": (lambda B, a: a ** 2, None),
    "pow1.5": (lambda B, a: a ** 1.5, _all(lambda a: a >= 0.2)),
    "const+": (lambda B, a: 1.5 + a, None),
    "const-": (lambda B, a: 2.0 - a, None),
    "const*": (lambda B, a: 0.5 * a, None),
    "const/": (lambda B, a: 1.0 / a, _all(lambda a: np.abs(a) >= 0.2)),
    "array*": (lambda B, a: np.array([0.5, -1.5, 2.0])[:a.shape[-1]] * a,
               lambda a: a.ndim >= 1 and a.shape[-1] <= 3),
    "+array": (lambda B, a: a + np.array([[0.25], [-0.5], [1.0]])[:a.shape[0]],
               lambda a: a.ndim == 2 and a.shape[0] <= 3),
    "exp": (lambda B, a: B["exp"](a), None),
    "log": (lambda B, a: B["log"](a), _all(lambda a: a >= 0.2)),
    "tanh": (lambda B, a: B["tanh"](a), None),
    "sigmoid": (lambda B, a: B["sigmoid"](a), None),
    "relu": (lambda B, a: B["relu"](a), _all(lambda a: np.abs(a) >= 0.1)),
    "sum": (lambda B, a: B["sum"](a, None, False), None),
    "sum0": (lambda B, a: B["sum"](a, 0, False), _ndim_at_least(1)),
    "sum-1k": (lambda B, a: B["sum"](a, -1, True), _ndim_at_least(1)),
    "mean0k": (lambda B, a: B["mean"](a, 0, True), _ndim_at_least(1)),
    "mean1": (lambda B, a: B["mean"](a, 1, False), _ndim_at_least(2)),
    "mean": (lambda B, a: B["mean"](a, None, False), None),
    "flatten": (lambda B, a: B["reshape"](a, (-1,)), None),
    "column": (lambda B, a: B["reshape"](a, (-1, 1)), None),
    "T": (lambda B, a: B["T"](a), _ndim_at_least(2)),
    "softmax_ce_labels": (lambda B, a: B["sparse_softmax_ce"](a, _labels(*a.shape)),
                          lambda a: a.ndim == 2 and a.shape[1] >= 2),
    "softmax_ce_one_hot": (lambda B, a: B["softmax_ce"](a, _targets(*a.shape)),
                           lambda a: a.ndim == 2 and a.shape[1] >= 2),
}


def _labels(n_samples, n_classes):
    return np.arange(n_samples) * 7 % n_classes


def _targets(n_samples, n_classes):
    """One-hot rows, except one row that is a spread-out distribution."""
    Y = np.eye(n_classes)[_labels(n_samples, n_classes)]
    Y[0] = np.arange(1, n_classes + 1) / (n_classes * (n_classes + 1) / 2)
    return Y


def _arity(name):
    return expression_programs.arity(OPS, name)


def run(program, leaves, backend):
    return expression_programs.run(OPS, program, leaves, backend)


@st.composite
def programs(draw, max_leaves=3, max_steps=12):
    n, m = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shapes = draw(st.lists(st.sampled_from([(n, m), (m,), (1, m), (n, 1), (), (m, m)]),
                           min_size=1, max_size=max_leaves))
    leaves = [draw(hnp.arrays(np.float64, shape, elements=st.floats(-2, 2))) for shape in shapes]
    values, program = list(leaves), []
    for _ in range(draw(st.integers(4, max_steps))):
        for name in draw(st.permutations(sorted(OPS))):  # the first op that fits
            function, condition = OPS[name]
            candidates = []
            for operands in np.ndindex(*[len(values)] * _arity(name)):
                args = [values[i] for i in operands]
                if _arity(name) == 2 and name != "matmul" and not _broadcasts(*args):
                    continue
                if condition and not condition(*args):
                    continue
                result = np.asarray(function(NUMPY, *args))
                if result.ndim <= 2 and np.all(np.abs(result) <= 10):
                    candidates.append((operands, result))
            if candidates:
                operands, result = draw(st.sampled_from(candidates))
                program.append((name, operands))
                values.append(result)
                break
    if not program:
        program.append(("tanh", (len(values) - 1,)))
    weights = draw(hnp.arrays(np.float64, values[-1].shape, elements=st.floats(-2, 2)))
    return leaves, program, weights


def _broadcasts(a, b):
    try:
        np.broadcast_shapes(a.shape, b.shape)
        return True
    except ValueError:
        return False


def central_difference(f, x, h=1e-5):
    """Fourth-order central difference of the scalar f(x) for every entry of x."""
    out = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        def at(step):
            shifted = x.copy()
            shifted[index] += step
            return f(shifted)
        out[index] = (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h)
    return out


def _our_output_and_gradients(leaves, program, weights):
    tensors = [Tensor(x) for x in leaves]
    out = (run(program, tensors, TENSOR) * weights).sum()
    out.backward()
    for x, t in zip(leaves, tensors):
        assert t.grad.shape == x.shape
    return out.item(), [t.grad for t in tensors]


@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_graphs_match_finite_differences(case):
    leaves, program, weights = case
    out, grads = _our_output_and_gradients(leaves, program, weights)

    def objective(i):
        return lambda x: np.sum(run(program, leaves[:i] + [x] + leaves[i + 1:], NUMPY) * weights)

    assert out == pytest.approx(objective(0)(leaves[0]), rel=1e-12, abs=1e-13)
    for i, (x, g) in enumerate(zip(leaves, grads)):
        np.testing.assert_allclose(g, central_difference(objective(i), x), rtol=1e-8, atol=1e-9)


@needs_tensorflow
@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_graphs_match_tensorflow(case):
    leaves, program, weights = case
    out, grads = _our_output_and_gradients(leaves, program, weights)

    variables = [tf.Variable(x) for x in leaves]
    with tf.GradientTape() as tape:
        tf_out = tf.reduce_sum(run(program, variables, TF) * weights)
    tf_grads = tape.gradient(tf_out, variables)
    assert out == pytest.approx(float(tf_out.numpy()), rel=1e-12, abs=1e-13)
    for x, g, t in zip(leaves, grads, tf_grads):
        expected = np.zeros_like(x) if t is None else t.numpy()
        np.testing.assert_allclose(g, expected, rtol=1e-8, atol=1e-12)
