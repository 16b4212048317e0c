"""The chapter 08 checks tell right from wrong, and never raise on a wrong answer.

Each question gets its reference answer (full marks) and wrong or unfinished answers (fewer
points, one line naming the failed case, and the hint).
"""

import math
import sys
import warnings

import numpy as np
import pytest
from check_harness import shared_tests
from scipy.special import softmax as scipy_softmax

from coursepkg.autodiff import Dual, Value, topological_order
from coursepkg.course.checks import ch08, grade_question
from coursepkg.nn.gradcheck import numerical_gradient


def raises(*args):
    raise RuntimeError("student bug")


# ----------------------------------------------------------------- right and wrong answers

def softplus(x):
    return Value(ch08._reference_softplus(x.data), (x,), "softplus", (x.sigmoid().data,))


def softplus_composed(x):
    return (x.exp() + 1).log()  # right, but exp overflows at 800


def softplus_local_derivative_exp(x):
    return Value(ch08._reference_softplus(x.data), (x,), "softplus", (math.exp(x.data),))


def softplus_no_parents(x):
    return Value(ch08._reference_softplus(x.data))


def softplus_string_derivative(x):
    return Value(ch08._reference_softplus(x.data), (x,), "softplus", ("sigmoid",))


def dual_arctan(x):
    return Dual(math.atan(x.value), x.derivative / (1 + x.value ** 2))


def dual_arctan_without_seed(x):
    return Dual(math.atan(x.value), 1 / (1 + x.value ** 2))


def q3_answer():
    nodes = ch08.q3_graph()
    return {name: nodes[name].grad for name in ch08._Q3_ADJOINTS}


def q3_first_use_only():
    """Forgets that x and y are used twice: keeps the gradient through a only."""
    answer = q3_answer()
    nodes = ch08.q3_graph()
    answer["x"] = answer["a"] * nodes["y"].data
    answer["y"] = answer["a"] * nodes["x"].data
    return answer


def backward(out):
    out.grad = 1.0
    for node in reversed(topological_order(out)):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad


def backward_recursive_buggy(out):
    out.grad = 1.0

    def visit(node):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
            visit(parent)
    visit(out)


def backward_assigns(out):
    out.grad = 1.0
    for node in reversed(topological_order(out)):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad = local * node.grad  # = instead of +=


def backward_in_forward_order(out):
    out.grad = 1.0
    for node in topological_order(out):  # a node pushes before its users reached it
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad


def softplus_overflowing(x):
    value = math.inf if x.data > 700 else ch08._reference_softplus(x.data)
    return Value(value, (x,), "softplus", (x.sigmoid().data,))


def softplus_value_as_derivative(x):
    value = ch08._reference_softplus(x.data)
    return Value(value, (x,), "softplus", (value,))


def logsumexp_backward(X, G):
    E = np.exp(X - X.max(axis=1, keepdims=True))
    return G[:, None] * E / E.sum(axis=1, keepdims=True)


def batched_matmul_backward(X, W, G):
    return G @ W.T, np.einsum("bnk,bnm->km", X, G)


def batched_matmul_loops(X, W, G):
    grad_X, grad_W = np.zeros_like(X), np.zeros_like(W)
    for b in range(len(X)):
        grad_X[b] = G[b] @ W.T
        grad_W += X[b].T @ G[b]
    return grad_X, grad_W


CASES = {
    "q1": ([softplus], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns a float": (lambda x: ch08._reference_softplus(x.data), 0),
        "overflows at 800": (softplus_composed, 3),
        "infinite at 800": (softplus_overflowing, 3, "overflow"),
        "local derivative exp(x)": (softplus_local_derivative_exp, 1, "derivative_exp"),
        "the value as derivative": (softplus_value_as_derivative, 1, "derivative_value"),
        "not connected to x": (softplus_no_parents, 1),
        "local derivative of the wrong type": (softplus_string_derivative, 1),
        "exits": (lambda x: sys.exit(1), 0),
    }),
    "q2": ([dual_arctan], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "forgets the incoming derivative": (dual_arctan_without_seed, 1, "no_chain"),
        "returns a tuple": (lambda x: (math.atan(x.value), 1.0), 0),
        "derivative of tan": (lambda x: Dual(math.atan(x.value),
                                             x.derivative * (1 + x.value ** 2)), 0,
                              "tan_derivative"),
    }),
    "q3": ([q3_answer()], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "a tuple": (tuple(q3_answer().values()), 0),
        "uses of x and y counted once": (q3_first_use_only(), 3, "one_use"),
        "key missing": ({k: v for k, v in q3_answer().items() if k != "y"}, 4),
        "strings": ({k: str(v) for k, v in q3_answer().items()}, 0),
    }),
    "q4": ([backward, lambda out: out.backward()], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "does nothing": (lambda out: None, 0, "not_seeded"),
        "recursion visiting shared nodes twice": (backward_recursive_buggy, 1, "recursive"),
        "= instead of +=": (backward_assigns, 1, "overwrite"),
        "forward order": (backward_in_forward_order, 0),
    }),
    "q5": ([logsumexp_backward, lambda X, G: G[:, None] * scipy_softmax(X, axis=1)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "exp only": (lambda X, G: G[:, None] * np.exp(X - 1000 * (X.max() > 500)), 0,
                     "exp_only"),
        "no upstream gradient": (lambda X, G: scipy_softmax(X, axis=1), 0, "no_upstream"),
        "G along the rows": (lambda X, G: G[None, :] * scipy_softmax(X, axis=1), 0,
                             "wrong_axis"),
        "softmax over columns": (lambda X, G: G[:, None] * scipy_softmax(X, axis=0), 0,
                                 "column_softmax"),
        "one number per row": (lambda X, G: G, 0),
    }),
    "q6": ([batched_matmul_backward, batched_matmul_loops], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "dW per batch entry": (lambda X, W, G: (G @ W.T, np.swapaxes(X, 1, 2) @ G), 1.5,
                               "no_batch_sum"),
        "dW averaged": (lambda X, W, G: (G @ W.T, batched_matmul_backward(X, W, G)[1]
                                         / len(X)), 1.5, "batch_mean"),
        "dW transposed": (lambda X, W, G: (G @ W.T, batched_matmul_backward(X, W, G)[1].T),
                          1.5, "transposed"),
        "returns one array": (lambda X, W, G: G @ W.T, 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch08, CASES)


def test_points_match_the_table():
    points = {name: q.run(CASES[name][0][0]).max_points for name, q in ch08.QUESTIONS.items()}
    assert points == {"q1": 4, "q2": 3, "q3": 5, "q4": 5, "q5": 4, "q6": 3}


# ------------------------------------------------------- the references are themselves right

def test_reference_softplus_is_log_one_plus_exp_and_never_overflows():
    for x in (-30.0, -2.5, 0.0, 0.7, 30.0):
        assert ch08._reference_softplus(x) == pytest.approx(math.log(1 + math.exp(x)), rel=1e-12)
    assert ch08._reference_softplus(800.0) == 800.0
    assert ch08._reference_softplus(-800.0) == 0.0
    assert ch08.finite_difference(ch08._reference_softplus, 0.7) == pytest.approx(
        1 / (1 + math.exp(-0.7)), rel=1e-8)


def test_question_3_adjoints_equal_finite_differences():
    nodes = ch08.q3_graph()

    def f(v):
        x, y = v
        return (math.exp(x * y) + x) * y
    inputs = np.array([ch08.Q3_INPUTS["x"], ch08.Q3_INPUTS["y"]])
    numeric = numerical_gradient(f, inputs)
    np.testing.assert_allclose([nodes["x"].grad, nodes["y"].grad], numeric, rtol=1e-8)
    # the intermediate adjoints, from the chain rule written out
    x, y = ch08.Q3_INPUTS["x"], ch08.Q3_INPUTS["y"]
    assert nodes["c"].grad == y and nodes["b"].grad == y
    assert nodes["a"].grad == pytest.approx(y * math.exp(x * y), rel=1e-14)


def test_question_4_graphs_share_nodes_and_the_buggy_recursion_shows_it():
    for label, build in ch08.SHARED_GRAPHS.items():
        out = build()
        order = topological_order(out)
        uses = sum(len(node.parents) for node in order)
        shared = uses > len(order) - 1  # a tree has one edge fewer than nodes
        assert shared == (not label.startswith("no sharing")), label
        reference, buggy = build(), build()
        reference.backward()
        backward_recursive_buggy(buggy)
        leaves = [(r, b) for r, b in zip(topological_order(reference), topological_order(buggy))
                  if r.label]
        same = all(math.isclose(r.grad, b.grad, rel_tol=1e-12) for r, b in leaves)
        assert same == (not shared), label


def test_question_5_reference_is_the_row_softmax_times_the_upstream_gradient():
    rng = np.random.default_rng(0)
    X, G = rng.normal(size=(4, 3)), rng.normal(size=4)
    np.testing.assert_allclose(ch08._reference_logsumexp_backward(X, G),
                               logsumexp_backward(X, G), rtol=1e-6, atol=1e-10)


def test_question_6_reference_equals_finite_differences():
    rng = np.random.default_rng(0)
    X, W, G = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(2, 3, 2))
    dX, dW = ch08._reference_batched_matmul(X, W, G)
    loss = lambda: np.sum(G * (X @ W))  # noqa: E731  dL/d(X @ W) = G
    np.testing.assert_allclose(dX, numerical_gradient(loss, X), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dW, numerical_gradient(loss, W), rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------------ messages and grading

def test_messages_name_the_node_and_the_numbers():
    message = ch08.q4(backward_recursive_buggy).message
    assert "case 'a + a with a = x * y'" in message and "once per path" in message
    assert "expected" in ch08.q4(backward_in_forward_order).message
    assert "raised OverflowError" in ch08.q1(softplus_composed).message
    assert "expected a Value, got float" in ch08.q1(lambda x: 1.0).message
    assert "expected a Dual" in ch08.q2(lambda x: 1.0).message
    assert "expected a pair (dX, dW)" in ch08.q6(lambda X, W, G: None).message


def test_a_numeric_answer_is_not_revealed():
    answer = q3_answer()
    message = ch08.q3({**answer, "x": answer["x"] * 2}).message
    assert "too small" in message and f"{answer['x']:.6g}" not in message


def test_grade_question_finds_the_answers_by_name():
    assert grade_question("ch08", "q5", {"logsumexp_backward": logsumexp_backward}).passed
    result = grade_question("ch08", "q4", {})
    assert result.points == 0 and "`backward` is not defined" in result.message


def test_a_wrong_answer_prints_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ch08.q5(lambda X, G: np.log(-np.abs(X))).points == 0
        assert ch08.q6(lambda X, W, G: (np.log(-np.abs(G @ W.T)), None)).points == 0
        assert ch08.q1(softplus_composed).points == 3


def test_the_checks_leave_the_answers_inputs_alone():
    def overwrites(X, G):
        result = logsumexp_backward(X, G)
        X[...], G[...] = 0, 0
        return result
    assert ch08.q5(overwrites).passed and ch08.q5(logsumexp_backward).passed
