"""Scalar reverse mode (coursepkg.autodiff.Value): accumulation, deep graphs, bad input,
and random expression graphs checked against finite differences and TensorFlow."""

import math
import os

os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")

import expression_programs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optional_tools import HAS_TENSORFLOW, needs_tensorflow

from coursepkg.autodiff import Tensor, Value, grad

if HAS_TENSORFLOW:  # only the comparison with TensorFlow needs it
    import tensorflow as tf
else:
    tf = None


# ------------------------------------------------------------ accumulation, by hand

def test_a_plus_a_counts_both_uses():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0  # d(2a)/da


def test_a_times_a_counts_both_uses():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0  # d(a^2)/da = 2a


def test_diamond_graph():
    # a feeds b = 2a and c = a^2, both feed d = b * c = 2a^3, so dd/da = 6 a^2 = 24
    a = Value(2.0)
    b, c = 2 * a, a * a
    d = b * c
    d.backward()
    assert d.data == 16.0
    assert a.grad == 24.0
    assert (b.grad, c.grad) == (c.data, b.data)


def test_backward_twice_accumulates_in_leaves_only():
    a = Value(3.0)
    b = a * a
    out = b + 1
    out.backward()
    out.backward()
    assert a.grad == 12.0  # 6 per call, accumulated in the leaf
    assert b.grad == 1.0   # intermediate gradients are recomputed, not accumulated


def test_chain_of_100000_nodes_needs_no_recursion():
    # y = x * c * c * ... (100,000 multiplications), so dy/dx = c ** 100000
    c = 1.00001
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y * c
    y.backward()
    assert x.grad == pytest.approx(c ** 100_000, rel=1e-9)
    assert y.data == pytest.approx(0.5 * c ** 100_000, rel=1e-9)


def test_reflected_operators_with_plain_numbers():
    x = Value(2.0)
    for expression, derivative in [(lambda x: 3 + x, 1.0), (lambda x: 3 - x, -1.0),
                                   (lambda x: 3 * x, 3.0), (lambda x: 3 / x, -3 / 4),
                                   (lambda x: 3 ** x, 9 * math.log(3)),
                                   (lambda x: np.float64(3) * x, 3.0)]:
        x.grad = 0.0
        out = expression(x)
        assert isinstance(out, Value)
        out.backward()
        assert x.grad == pytest.approx(derivative, rel=1e-15)


def test_graph_attributes_for_drawing():
    x = Value(1.0, label="x")
    y = x.exp()
    assert y.op == "exp" and y.parents == (x,) and x.parents == () and x.label == "x"


def test_relu_and_sigmoid_values():
    assert Value(-2.0).relu().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0  # no overflow for large |x|
    assert Value(-800.0).sigmoid().data == 0.0


# ------------------------------------------------------------------- bad input

@pytest.mark.parametrize("bad, error, match", [
    ("a", TypeError, "real number"), (np.ones(3), TypeError, "real number"),
    (True, TypeError, "real number"), (float("nan"), ValueError, "NaN")])
def test_bad_data(bad, error, match):
    with pytest.raises(error, match=match):
        Value(bad)


def test_mixing_with_tensor_or_arrays_is_refused():
    with pytest.raises(TypeError, match="cannot combine Value with Tensor"):
        Value(1.0) + Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="cannot combine Tensor with Value"):
        Tensor([1.0, 2.0]) * Value(1.0)
    with pytest.raises(TypeError, match="cannot combine Value with ndarray"):
        np.ones(2) * Value(1.0)
    with pytest.raises(TypeError, match="cannot combine Value with str"):
        Value(1.0) + "1"


def test_domain_errors():
    with pytest.raises(ValueError, match="positive"):
        Value(-1.0).log()
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Value(1.0) / 0
    with pytest.raises(ValueError, match="integer exponent"):
        Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match="base must be positive"):
        Value(-2.0) ** Value(2.0)


# ------------------------------------------ random expression graphs (Hypothesis)
# A program is a list of steps (op, operand indices); operands are any earlier node, so
# nodes are reused. Ops are drawn only where they are smooth with a margin (log, **, / on
# values >= 0.2 away from 0; relu at least 0.1 from its kink) and every node stays within
# [-10, 10], so a central difference with h = 1e-5 is accurate to about 1e-10.

def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


FLOAT = dict(exp=math.exp, log=math.log, tanh=math.tanh, sigmoid=_sigmoid,
             relu=lambda x: max(x, 0.0))
VALUE = dict(exp=Value.exp, log=Value.log, tanh=Value.tanh, sigmoid=Value.sigmoid,
             relu=Value.relu)
TF = None if tf is None else dict(exp=tf.exp, log=tf.math.log, tanh=tf.tanh,
                                  sigmoid=tf.sigmoid, relu=tf.nn.relu)


def _away_from_zero(x):
    return abs(x) >= 0.2


def _positive(x):
    return x >= 0.2


OPS = {  # name: (function of (backend, *operands), condition on the operands' values)
    "add": (lambda B, a, b: a + b, None),
    "sub": (lambda B, a, b: a - b, None),
    "mul": (lambda B, a, b: a * b, None),
    "div": (lambda B, a, b: a / b, lambda a, b: _away_from_zero(b)),
    "pow": (lambda B, a, b: a ** b, lambda a, b: _positive(a)),
    "neg": (lambda B, a: -a, None),
    "square": (lambda B, a: a ** 2, None),
    "pow1.5": (lambda B, a: a ** 1.5, _positive),
    "const+": (lambda B, a: 1.5 + a, None),
    "const-": (lambda B, a: 2.0 - a, None),
    "const*": (lambda B, a: 0.5 * a, None),
    "const/": (lambda B, a: 1.0 / a, _away_from_zero),
    "const**": (lambda B, a: 2.0 ** a, None),
    "-const": (lambda B, a: a - 0.7, None),
    "exp": (lambda B, a: B["exp"](a), None),
    "log": (lambda B, a: B["log"](a), _positive),
    "tanh": (lambda B, a: B["tanh"](a), None),
    "sigmoid": (lambda B, a: B["sigmoid"](a), None),
    "relu": (lambda B, a: B["relu"](a), lambda a: abs(a) >= 0.1),
}


def _arity(name):
    return expression_programs.arity(OPS, name)


def run(program, leaves, backend):
    return expression_programs.run(OPS, program, leaves, backend)


@st.composite
def programs(draw, max_leaves=3, max_steps=12):
    leaves = draw(st.lists(st.floats(-2, 2), min_size=1, max_size=max_leaves))
    values, program = list(leaves), []
    for _ in range(draw(st.integers(3, max_steps))):
        for _attempt in range(20):
            name = draw(st.sampled_from(sorted(OPS)))
            function, condition = OPS[name]
            candidates = []
            for operands in np.ndindex(*[len(values)] * _arity(name)):
                args = [values[i] for i in operands]
                if condition and not condition(*args):
                    continue
                result = function(FLOAT, *args)
                if isinstance(result, float) and abs(result) <= 10:
                    candidates.append((operands, result))
            if candidates:
                operands, result = draw(st.sampled_from(candidates))
                program.append((name, operands))
                values.append(result)
                break
    if not program:  # every op was out of domain: fall back to a smooth one
        program.append(("tanh", (len(values) - 1,)))
    return leaves, program


def central_difference(f, x, i, h=1e-5):
    """Fourth-order central difference of f along x[i]."""
    def at(step):
        shifted = list(x)
        shifted[i] += step
        return f(shifted)
    return (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h)


def _our_output_and_gradients(leaves, program):
    values = [Value(x) for x in leaves]
    out = run(program, values, VALUE)
    out.backward()
    return out.data, np.array([v.grad for v in values])


@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_graphs_match_finite_differences(case):
    leaves, program = case
    out, ours = _our_output_and_gradients(leaves, program)

    assert out == pytest.approx(run(program, leaves, FLOAT), rel=1e-12, abs=1e-14)
    numeric = np.array([central_difference(lambda x: run(program, x, FLOAT), leaves, i)
                        for i in range(len(leaves))])
    np.testing.assert_allclose(ours, numeric, rtol=1e-8, atol=1e-9)


@needs_tensorflow
@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_graphs_match_tensorflow(case):
    leaves, program = case
    out, ours = _our_output_and_gradients(leaves, program)

    variables = [tf.Variable(x, dtype=tf.float64) for x in leaves]
    with tf.GradientTape() as tape:
        tf_out = run(program, variables, TF)
    tf_grads = [0.0 if g is None else g.numpy() for g in tape.gradient(tf_out, variables)]
    assert out == pytest.approx(float(tf_out.numpy()), rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(ours, tf_grads, rtol=1e-8, atol=1e-12)


def test_grad_of_a_function_of_floats():
    f = lambda x, y: (x * y).tanh() + y.log()  # noqa: E731
    dx, dy = grad(f)(0.3, 2.0)
    t = math.tanh(0.6)
    assert dx == pytest.approx(2.0 * (1 - t * t), rel=1e-14)
    assert dy == pytest.approx(0.3 * (1 - t * t) + 1 / 2.0, rel=1e-14)
    assert grad(f, argnums=1)(0.3, 2.0) == dy
