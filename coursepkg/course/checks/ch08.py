"""Checks for chapter 08, Automatic differentiation (``exercises/08_autodiff.ipynb``).

=====  ==================================================  =============================  ==============
name   question                                            answer graded                  kinds
=====  ==================================================  =============================  ==============
q1     backward rule of ``softplus`` for ``Value``         ``softplus``                   derivation,
                                                                                          code
q2     forward mode: ``arctan`` of a ``Dual``              ``dual_arctan``                new situation,
                                                                                          code
q3     a reverse-mode sweep by hand (adjoints)             ``answer_q3``                  number
q4     a backward pass that visits shared nodes once       ``backward``                   code
q5     the backward rule of a row-wise log-sum-exp         ``logsumexp_backward``         derivation,
                                                                                          new situation
q6     the gradients of a batched matrix product           ``batched_matmul_backward``    new situation,
                                                                                          code
=====  ==================================================  =============================  ==============

Derivatives are compared with central finite differences (:mod:`coursepkg.nn.gradcheck`) or
with :mod:`coursepkg.autodiff`, whose own tests compare it with finite differences and
TensorFlow. Each question declares the usual mistakes it recognises; their candidate answers
are computed here, from the same inputs. Every check draws its random inputs from a
generator with a fixed seed.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy.special import logsumexp

from coursepkg.autodiff import Dual, Value, topological_order
from coursepkg.course.checks import (QuestionSet, StudentError, answer_once, describe,
                                     missing_answer)
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


def _gradient_close(check, got, expected, what, candidates):
    """``_close``, naming a declared mistake when ``got`` matches one of ``candidates``,
    a list of ``(key, value)``."""
    try:
        _close(got, expected, what, rtol=1e-6)
    except StudentError:
        value = _number(got, what)
        for key, candidate in candidates:
            if math.isfinite(candidate) and math.isclose(value, candidate, rel_tol=1e-6,
                                                         abs_tol=1e-12):
                raise check.mistake(key) from None
        raise


@QUESTIONS.question(
    "q1", points=4, title="softplus for Value", answer_name="softplus",
    kinds=("derivation", "code"),
    hints=("A node needs its value and its local derivative; derive the derivative with the "
           "chain rule through the logarithm, and simplify: it is a function you have met "
           "in every chapter since the fifth.",
           "For x = 800 the exponential overflows: rewrite log(1 + e^x) for positive x so "
           "that only e^(-|x|) is computed, and compute the derivative the same way."),
    mistakes={
        "derivative_exp": "the local derivative is e^x, the derivative of the inner "
                          "function only: the chain rule also divides by 1 + e^x",
        "derivative_value": "the local derivative is softplus(x) itself, not its derivative",
        "overflow": "softplus(800) is not finite: log(1 + e^x) overflows for large x unless "
                    "it is rewritten",
    },
)
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
            _gradient_close(check, x.grad, finite_difference(_reference_softplus, x0),
                            f"d softplus/dx at {x0:g}",
                            [("derivative_exp", math.exp(x0)),
                             ("derivative_value", _reference_softplus(x0))])
    with check.case("x = 800, where exp(x) overflows"):
        x = check.run(Value, 800.0)
        out = _value_from(check, softplus, x)
        if isinstance(out.data, numbers.Real) and not math.isfinite(out.data):
            raise check.mistake("overflow")
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
    kinds=("new situation", "code"),
    hints=("Taylor's formula with eps^2 = 0 says what f(a + b eps) is, for any differentiable "
           "f: one value part and one derivative part.",
           "The derivative part carries the derivative that came in with x, so it is a "
           "product of two factors; check your formula on a dual number whose derivative "
           "part is not 1."),
    mistakes={
        "no_chain": "the derivative part drops the derivative b carried in by x: it is "
                    "arctan'(a) b, not arctan'(a)",
        "tan_derivative": "the derivative part uses 1 + a^2, the derivative of tan, instead "
                          "of the derivative of arctan",
    },
)
def q2(check, dual_arctan):
    """``dual_arctan(x)`` carries ``arctan`` and its derivative through forward mode."""
    for a, b in ((0.5, 1.0), (-1.3, 2.5)):
        with check.case(f"Dual({a:g}, {b:g})"):
            out = _dual_from(check, dual_arctan, Dual(a, b))
            value, derivative = _reference_arctan(a, b)
            _close(out.value, value, f"value part at {a:g}")
            _gradient_close(check, out.derivative, derivative, f"derivative part at {a:g}",
                            [("no_chain", 1 / (1 + a * a)),
                             ("tan_derivative", b * (1 + a * a))])
    with check.case("d/dx arctan(x * x) at x = 0.8, against finite differences"):
        x = 0.8
        out = _dual_from(check, dual_arctan, Dual(x, 1.0) * Dual(x, 1.0))
        expected = finite_difference(lambda t: math.atan(t * t), x)
        _gradient_close(check, out.derivative, expected, "derivative",
                        [("no_chain", 1 / (1 + x ** 4)),
                         ("tan_derivative", 2 * x * (1 + x ** 4))])


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


def _q3_one_use(nodes, name):
    """The adjoints of ``x`` or ``y`` that count only one of their two uses."""
    a, c, f, x, y = (nodes[k] for k in ("a", "c", "f", "x", "y"))
    if name == "x":
        return [a.grad * y.data, c.grad * 1.0]
    return [a.grad * x.data, f.grad * c.data]


@QUESTIONS.question(
    "q3", points=5, title="reverse-mode sweep by hand", answer_name="answer_q3",
    kinds=("number",),
    hints=("Run the forward pass first and keep every intermediate value; then start from "
           "the adjoint of f, which is 1, and go backwards one node at a time.",
           "An adjoint is a sum with one term per use of the variable: each term is the "
           "adjoint of the user times the local derivative of the user with respect to "
           "the variable. Look at how many times x and y are used."),
    mistakes={
        "one_use": "this adjoint counts only one of the variable's two uses: x and y each "
                   "feed two nodes, and their adjoints add one term per use",
    },
)
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
            try:
                check.same_number(answer_q3[name], nodes[name].grad, rtol=0.01)
            except StudentError:
                if name in ("x", "y"):
                    value = _number(answer_q3[name], f"df/d{name}")
                    if any(math.isclose(value, c, rel_tol=0.01)
                           for c in _q3_one_use(nodes, name)):
                        raise check.mistake("one_use") from None
                raise


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


def _backward_recursive(out):
    """The tempting recursion: each node pushes its gradient and recurses (wrong when a node
    is used twice)."""
    out.grad = 1.0

    def push(node):
        for parent, local_grad in zip(node.parents, node.local_grads):
            parent.grad += local_grad * node.grad
            push(parent)

    push(out)


def _backward_overwrite(out):
    """The topological sweep with ``=`` instead of ``+=``."""
    out.grad = 1.0
    for node in reversed(topological_order(out)):
        for parent, local_grad in zip(node.parents, node.local_grads):
            parent.grad = local_grad * node.grad


def _gradients_of(build, sweep):
    out = build()
    sweep(out)
    return gradients_in_order(out)


@QUESTIONS.question(
    "q4", points=5, title="backward visits each node once", answer_name="backward",
    kinds=("code",),
    hints=("A node may pass its gradient to its parents only once every node that uses it "
           "has contributed. How can you tell, while the sweep runs, that this moment has "
           "come for a given node?",
           "A first walk over the graph can count each node's users; during the sweep, "
           "every contribution a node receives brings its count down, and a count of zero "
           "means the node is ready. Each node adds to its parents' gradients, and "
           "nothing else writes to a gradient."),
    mistakes={
        "recursive": "shared nodes are visited once per path: a node passed on its gradient "
                     "before every user had contributed",
        "overwrite": "a parent's gradient is overwritten instead of accumulated: a node "
                     "used twice keeps only one contribution",
        "not_seeded": "every gradient is 0: the sweep must start from d out / d out = 1",
    },
)
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
            expected = [node.grad for node in topological_order(reference)]
            values = np.asarray(got, dtype=float)
            if values.shape == (len(expected),) and not np.allclose(values, expected,
                                                                    rtol=1e-9, atol=1e-12):
                if not values.any():
                    raise check.mistake("not_seeded")
                for key, sweep in (("recursive", _backward_recursive),
                                   ("overwrite", _backward_overwrite)):
                    if np.allclose(values, _gradients_of(build, sweep), rtol=1e-9,
                                   atol=1e-12):
                        raise check.mistake(key)
            for node, grad in zip(topological_order(reference), got):
                _close(grad, node.grad, f"grad of {_node_name(node)}",
                       rtol=1e-9, atol=1e-12)


def _softmax_rows(X):
    E = np.exp(X - X.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _reference_logsumexp_backward(X, G):
    """Finite differences of ``sum_i G_i log sum_k exp(X_ik)``, shape of ``X``."""
    X = np.array(X, dtype=float)
    return numerical_gradient(lambda: float(G @ logsumexp(X, axis=1)), X)


@QUESTIONS.question(
    "q5", points=4, title="backward rule of a row-wise log-sum-exp",
    answer_name="logsumexp_backward", kinds=("derivation", "new situation", "code"),
    hints=("Differentiate one output, log sum_k exp(x_ik), with respect to one input x_ij: "
           "the result is a function you met in chapter 6. Then apply the chain rule with "
           "the upstream gradient G_i of that output.",
           "Each row's output depends only on its own row, so row i of the answer is G_i "
           "times a row of probabilities; broadcast G as a column. Compute the probabilities "
           "stably, subtracting each row's maximum."),
    mistakes={
        "exp_only": "this multiplies by exp(X), the derivative of the sum inside; the "
                    "logarithm's 1 / sum_k exp(x_ik) is missing",
        "no_upstream": "the upstream gradient G is missing: each row must be multiplied by "
                       "the gradient that arrives at its output",
        "wrong_axis": "G is broadcast along the rows instead of down the columns: row i "
                      "must be scaled by G[i]",
        "column_softmax": "the probabilities are normalised over each column; each output "
                          "sums over its own row",
    },
)
def q5(check, logsumexp_backward):
    """``logsumexp_backward(X, G)``: ``dL/dX`` for ``out = log(sum(exp(X), axis=1))`` and
    ``G = dL/d(out)`` of shape (n,), against finite differences."""
    rng = np.random.default_rng(5)
    square = (rng.normal(size=(3, 3)), rng.normal(size=3))
    cases = [("square 3 x 3", *square),
             ("4 rows, 3 columns", rng.normal(size=(4, 3)), rng.normal(size=4)),
             ("values near 1000", 1000 + rng.normal(size=(2, 5)), rng.normal(size=2))]
    for label, X, G in cases:
        expected = _reference_logsumexp_backward(X, G)
        with np.errstate(over="ignore", invalid="ignore"):
            column = np.exp(X - X.max(axis=0)) / np.exp(X - X.max(axis=0)).sum(axis=0)
            mistakes = {"exp_only": G[:, None] * np.exp(X),
                        "no_upstream": _softmax_rows(X),
                        "column_softmax": G[:, None] * column}
            if X.shape[0] == X.shape[1]:           # G along the rows broadcasts only here
                mistakes["wrong_axis"] = G[None, :] * _softmax_rows(X)
        with check.case(label):
            got = check.call(logsumexp_backward, X.copy(), G.copy())
            check.same_array(got, expected, rtol=1e-5, atol=1e-8, mistakes=mistakes)


def _reference_batched_matmul(X, W, G):
    """``(dL/dX, dL/dW)`` for ``out = X @ W`` with X (B, n, k), W (k, m), G (B, n, m),
    written with explicit sums over the batch and the rows."""
    return np.einsum("bnm,km->bnk", G, W), np.einsum("bnk,bnm->km", X, G)


@QUESTIONS.question(
    "q6", points=3, title="gradients of a batched matrix product",
    answer_name="batched_matmul_backward", kinds=("new situation", "code"),
    hints=("Write one entry of the output as a sum, and ask which entries each weight "
           "W[l, j] takes part in: it is shared by every matrix of the batch.",
           "A weight used in several places collects one term per use, as in chapter 8's "
           "un-broadcasting: the gradient of W is a sum over the batch, of the shape of W. "
           "X's gradient has one matrix per batch entry."),
    mistakes={
        "no_batch_sum": "dW has one matrix per batch entry: W is shared by the whole batch, "
                        "so its gradient is the sum of those matrices",
        "batch_mean": "dW is the mean over the batch: a shared weight's gradient is the "
                      "sum of its contributions",
        "transposed": "dW is transposed: it must have the shape (k, m) of W",
    },
)
def q6(check, batched_matmul_backward):
    """``batched_matmul_backward(X, W, G)`` returns ``(dX, dW)``; dX and dW of each shape
    are cases of their own."""
    rng = np.random.default_rng(6)
    for label, (b, n, k, m) in [("batch of 2, (3, 4) @ (4, 2)", (2, 3, 4, 2)),
                                ("batch of 3, (1, 5) @ (5, 3)", (3, 1, 5, 3)),
                                ("batch of 4, square (2, 2) @ (2, 2)", (4, 2, 2, 2))]:
        X, W = rng.normal(size=(b, n, k)), rng.normal(size=(k, m))
        G = rng.normal(size=(b, n, m))
        expected_X, expected_W = _reference_batched_matmul(X, W, G)
        memo = {}

        def pair():
            got = check.call(batched_matmul_backward, X.copy(), W.copy(), G.copy())
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise StudentError(f"expected a pair (dX, dW), got {describe(got)}")
            return got

        with check.case(f"{label}: dX"):
            check.same_array(answer_once(memo, pair)[0], expected_X)
        with check.case(f"{label}: dW"):
            dW = answer_once(memo, pair)[1]
            if isinstance(dW, np.ndarray) and dW.shape == (b, k, m):
                raise check.mistake("no_batch_sum")
            if isinstance(dW, np.ndarray) and dW.shape == (m, k) != (k, m):
                raise check.mistake("transposed")
            check.same_array(dW, expected_W, mistakes={"batch_mean": expected_W / b,
                                                       "transposed": expected_W.T})
