"""Checks for chapter 08, Automatic differentiation (``exercises/08_autodiff.ipynb``).

=====  ==================================================  ===================
name   question                                            answer graded
=====  ==================================================  ===================
q1     backward rule of ``softplus`` for ``Value``         ``softplus``
q2     forward mode: ``arctan`` of a ``Dual``              ``dual_arctan``
q3     a reverse-mode sweep by hand (adjoints)             ``answer_q3``
q4     a backward pass that visits shared nodes once       ``backward``
q5     un-broadcasting a gradient                          ``unbroadcast``
q6     the gradients of a matrix product                   ``matmul_backward``
=====  ==================================================  ===================

Derivatives are compared with central finite differences (:mod:`coursepkg.nn.gradcheck`) or
with :mod:`coursepkg.autodiff`, whose own tests compare it with finite differences and
TensorFlow. Every check draws its random inputs from a generator with a fixed seed.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from coursepkg.autodiff import Dual, Tensor, Value, topological_order
from coursepkg.autodiff import unbroadcast as reference_unbroadcast
from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.nn.gradcheck import numerical_gradient

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q3_INPUTS", "q3_graph",
           "SHARED_GRAPHS"]

QUESTIONS = QuestionSet("ch08")

# ------------------------------------------------------------------------------ references


def _reference_softplus(x):
    """``log(1 + exp(x))`` of a float, without overflow: ``max(x, 0) + log1p(exp(-|x|))``."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def finite_difference(f, x, eps=1e-6):
    """Central difference ``(f(x + eps) - f(x - eps)) / (2 eps)`` of a scalar function."""
    return float(numerical_gradient(lambda v: f(float(v[0])), np.array([float(x)]), eps)[0])


def _number(got, what):
    """``got`` as a float, or a failed case saying what it is instead."""
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got[()]
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real):
        raise StudentError(f"{what} should be a number, got {type(got).__name__} {describe(got)}")
    got = float(got)
    if not math.isfinite(got):
        raise StudentError(f"{what} should be finite, got {got}")
    return got


def _close(got, expected, what, rtol=1e-6, atol=1e-9):
    """Fail the case when the number ``got`` is not within tolerance of ``expected``."""
    got = _number(got, what)
    if not math.isclose(got, expected, rel_tol=rtol, abs_tol=atol):
        raise StudentError(f"{what}: expected {expected:.6g}, got {got:.6g}")


def _run_backward(out):
    """``out.backward()`` on the reader's node; an error in it is the answer's fault."""
    try:
        out.backward()
    except Exception as error:  # a local derivative of the wrong type, for example
        raise StudentError(f"backward() through your node raised {type(error).__name__}: "
                           f"{describe(str(error))}") from None


def _value_from(check, function, x):
    out = check.call(function, x)
    if not isinstance(out, Value):
        raise StudentError(f"expected a Value, got {type(out).__name__} {describe(out)}")
    return out


# ------------------------------------------------------------------------------- questions


@QUESTIONS.question(
    "q1", points=4, title="softplus for Value", answer_name="softplus",
    hints=("return Value(data, (x,), 'softplus', (local_derivative,)) with "
         "d/dx log(1 + e^x) = e^x / (1 + e^x), the sigmoid of x; for large x compute "
         "log(1 + e^x) as x + log(1 + e^-x)",))
def q1(check, softplus):
    """``softplus(x)`` of a :class:`Value`: the value and the local derivative the chain
    rule uses, compared with finite differences of ``log(1 + exp(x))``."""
    with check.case("value at x = 0.7"):
        out = _value_from(check, softplus, check.run(Value, 0.7))
        _close(out.data, _reference_softplus(0.7), "softplus(0.7)")
    for x0 in (0.7, -2.5):
        with check.case(f"gradient at x = {x0:g}"):
            x = check.run(Value, x0)  # where softplus runs: its backward fills x.grad
            out = _value_from(check, softplus, x)
            _run_backward(out)
            _close(x.grad, finite_difference(_reference_softplus, x0),
                   f"d softplus/dx at {x0:g}", rtol=1e-6)
    with check.case("x = 800, where exp(x) overflows"):
        x = check.run(Value, 800.0)
        out = _value_from(check, softplus, x)
        _close(out.data, 800.0, "softplus(800)")
        _run_backward(out)
        _close(x.grad, 1.0, "d softplus/dx at 800")


def _reference_arctan(a, b):
    """``arctan(a + b eps) = arctan(a) + b / (1 + a^2) eps``, as (value, derivative)."""
    return math.atan(a), b / (1 + a * a)


def _dual_from(check, function, x):
    out = check.call(function, x)
    if not all(hasattr(out, name) for name in ("value", "derivative")):  # duck type, as above
        raise StudentError(f"expected a Dual, got {type(out).__name__} {describe(out)}")
    return out


@QUESTIONS.question(
    "q2", points=3, title="arctan of a Dual", answer_name="dual_arctan",
    hints=("arctan(a + b eps) = arctan(a) + arctan'(a) b eps with arctan'(a) = 1 / (1 + a^2); "
         "the derivative part keeps the factor b, the derivative carried in by x",))
def q2(check, dual_arctan):
    """``dual_arctan(x)`` carries ``arctan`` and its derivative through forward mode."""
    for a, b in ((0.5, 1.0), (-1.3, 2.5)):
        with check.case(f"Dual({a:g}, {b:g})"):
            out = _dual_from(check, dual_arctan, Dual(a, b))
            value, derivative = _reference_arctan(a, b)
            _close(out.value, value, f"value part at {a:g}")
            _close(out.derivative, derivative, f"derivative part at {a:g}")
    with check.case("d/dx arctan(x * x) at x = 0.8, against finite differences"):
        x = 0.8
        out = _dual_from(check, dual_arctan, Dual(x, 1.0) * Dual(x, 1.0))
        expected = finite_difference(lambda t: math.atan(t * t), x)
        _close(out.derivative, expected, "derivative", rtol=1e-6)


#: The inputs of question 3's graph.
Q3_INPUTS = {"x": 1.5, "y": -0.5}
#: The adjoints question 3 asks for, in the order of the backward sweep.
_Q3_ADJOINTS = ("c", "b", "a", "x", "y")


def q3_graph(x=Q3_INPUTS["x"], y=Q3_INPUTS["y"]):
    """Question 3's function as ``Value`` nodes: a = x y, b = exp(a), c = b + x, f = c y.

    Returns
    -------
    dict
        The nodes ``x, y, a, b, c, f`` after ``f.backward()``.
    """
    x, y = Value(x, label="x"), Value(y, label="y")
    a = x * y
    b = a.exp()
    c = b + x
    f = c * y
    f.backward()
    return {"x": x, "y": y, "a": a, "b": b, "c": c, "f": f}


@QUESTIONS.question(
    "q3", points=5, title="reverse-mode sweep by hand", answer_name="answer_q3",
    hints=("start from df/df = 1 and go backwards through c, b and a, multiplying by one "
         "local derivative per edge; x and y each collect one term per use (x is used by a "
         "and by c, y by a and by f)",))
def q3(check, answer_q3):
    """The adjoints ``df/dv`` of every node of a small graph, 1 point each (1 % tolerance)."""
    nodes = q3_graph()
    for name in _Q3_ADJOINTS:
        with check.case(f"df/d{name}"):
            missing = missing_answer(answer_q3, "answer_q3")
            if missing:
                raise StudentError(missing)
            if not isinstance(answer_q3, dict):
                raise StudentError(f"answer with a dict {{'c': ..., 'x': ...}}, got "
                                   f"{type(answer_q3).__name__} {describe(answer_q3)}")
            if name not in answer_q3:
                raise StudentError(f"the dict has no key {name!r}")
            check.same_number(answer_q3[name], nodes[name].grad, rtol=0.01)


# Graphs for question 4. Each builder makes a fresh graph and returns its output node.

def _no_sharing():
    x, y = Value(0.5, label="x"), Value(-1.5, label="y")
    return (x * y + 2.0).tanh()


def _a_plus_a():
    x, y = Value(0.5, label="x"), Value(-1.5, label="y")
    a = x * y
    return a + a


def _diamond():
    x = Value(0.3, label="x")
    a = x * 2.0 + 1.0
    return a.exp() * a.tanh()


def _reused_at_two_depths():
    x = Value(0.8, label="x")
    a = x * 2.0
    return a.tanh() * a + a


def _doublings():
    a = x = Value(0.9, label="x")
    for _ in range(10):  # every step uses a twice: 2**10 paths from the output to x
        a = a + a * 0.1
    return a * x


#: Question 4's graphs, name -> builder of a fresh graph (returns the output node).
SHARED_GRAPHS = {
    "no sharing: tanh(x * y + 2)": _no_sharing,
    "a + a with a = x * y": _a_plus_a,
    "diamond: exp(a) * tanh(a)": _diamond,
    "a used at two depths: tanh(a) * a + a": _reused_at_two_depths,
    "10 doublings, 1024 paths to x": _doublings,
}


def gradients_in_order(out):
    """``grad`` of every node of ``out``'s graph, in topological order."""
    return [node.grad for node in topological_order(out)]


def _node_name(node):
    if node.label:
        return node.label
    return f"the {node.op!r} node" if node.op else f"the constant {node.data:g}"


@QUESTIONS.question(
    "q4", points=5, title="backward visits each node once", answer_name="backward",
    hints=("first list the nodes in topological order (each node once, after its parents, "
         "e.g. coursepkg.autodiff.topological_order), then walk that list in reverse and "
         "push each node's finished gradient to its parents with +=",))
def q4(check, backward):
    """``backward(out)`` fills ``grad`` of every node of a fresh graph, like
    ``Value.backward``, on graphs whose nodes are used several times."""
    for label, build in SHARED_GRAPHS.items():
        with check.case(label):
            reference = build()
            reference.backward()
            out = check.run(build)  # the graph is built where backward runs
            check.call(backward, out)
            got = check.run(gradients_in_order, out)
            for expected, grad in zip(topological_order(reference), got):
                _close(grad, expected.grad, f"grad of {_node_name(expected)}",
                       rtol=1e-9, atol=1e-12)


def _gradient_and_shape(rng, grad_shape, shape, dtype=np.float64):
    return rng.normal(size=grad_shape).astype(dtype), shape


@QUESTIONS.question(
    "q5", points=6, title="un-broadcasting a gradient", answer_name="unbroadcast",
    hints=("sum over the leading axes that broadcasting added (grad.ndim - len(shape) of "
         "them), then over every axis where shape has length 1, with keepdims=True",))
def q5(check, unbroadcast):
    """``unbroadcast(grad, shape)`` against ``coursepkg.autodiff.unbroadcast``."""
    rng = np.random.default_rng(5)
    cases = [("bias: (4, 3) -> (3,)", _gradient_and_shape(rng, (4, 3), (3,))),
             ("column: (4, 3) -> (4, 1)", _gradient_and_shape(rng, (4, 3), (4, 1))),
             ("both: (2, 4, 3) -> (4, 1)", _gradient_and_shape(rng, (2, 4, 3), (4, 1))),
             ("scalar: (2, 3) -> ()", _gradient_and_shape(rng, (2, 3), ())),
             ("nothing broadcast, float32 kept: (2, 1, 3) -> (2, 1, 3)",
              _gradient_and_shape(rng, (2, 1, 3), (2, 1, 3), np.float32))]
    for label, (grad, shape) in cases:
        with check.case(label):
            _same_unbroadcast(check, unbroadcast, grad, shape)
    with check.case("three random shapes"):
        for _ in range(3):
            grad, shape = _random_broadcast(rng)
            try:
                _same_unbroadcast(check, unbroadcast, grad, shape)
            except StudentError as failure:
                raise StudentError(f"{grad.shape} -> {shape}: {failure}") from None


def _same_unbroadcast(check, unbroadcast, grad, shape):
    got = check.call(unbroadcast, grad, shape)
    if isinstance(got, numbers.Real) and not isinstance(got, bool):
        got = np.asarray(got)  # a NumPy scalar from sum() is a 0-d array here
    check.same_array(got, reference_unbroadcast(grad, shape), check_dtype=True)


def _random_broadcast(rng):
    """A gradient of random shape and the shape of an operand that broadcasts to it."""
    ndim = int(rng.integers(2, 5))
    grad_shape = tuple(int(n) for n in rng.integers(2, 5, size=ndim))
    n_kept = int(rng.integers(1, ndim + 1))  # the operand has the last n_kept axes ...
    shape = tuple(1 if rng.random() < 0.5 else n for n in grad_shape[ndim - n_kept:])
    return rng.normal(size=grad_shape), shape  # ... some of them stretched from length 1


def _reference_matmul_backward(A, B, G):
    """``(dL/dA, dL/dB)`` for ``out = A @ B`` and ``G = dL/d(out)``, by :class:`Tensor`."""
    A_node, B_node = Tensor(A), Tensor(B)
    (A_node @ B_node).backward(G)
    return A_node.grad, B_node.grad


@QUESTIONS.question(
    "q6", points=3, title="gradients of a matrix product", answer_name="matmul_backward",
    hints=("write out[i, j] = sum_k A[i, k] B[k, j], differentiate with respect to one entry "
         "A[i, k] (and B[k, j]), then read each sum as a matrix product; dA has the shape "
         "of A and dB the shape of B",))
def q6(check, matmul_backward):
    """``matmul_backward(A, B, G)`` returns ``(dA, dB)`` for ``out = A @ B``."""
    rng = np.random.default_rng(6)
    for label, (n, k, m) in [("(3, 4) @ (4, 2)", (3, 4, 2)), ("square (3, 3) @ (3, 3)", (3, 3, 3)),
                             ("one sample (1, 5) @ (5, 1)", (1, 5, 1))]:
        A, B, G = rng.normal(size=(n, k)), rng.normal(size=(k, m)), rng.normal(size=(n, m))
        with check.case(label):
            got = check.call(matmul_backward, A, B, G)
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise StudentError(f"expected a pair (dA, dB), got {describe(got)}")
            expected_A, expected_B = _reference_matmul_backward(A, B, G)
            check.same_array(got[0], expected_A)
            check.same_array(got[1], expected_B)
