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

from coursepkg.autodiff import Dual, Value, topological_order, unbroadcast
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


def unbroadcast_leading_only(grad, shape):
    return grad.sum(axis=tuple(range(grad.ndim - len(shape))))


def matmul_backward(A, B, G):
    return G @ B.T, A.T @ G


CASES = {
    "q1": ([softplus], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns a float": (lambda x: ch08._reference_softplus(x.data), 0),
        "overflows at 800": (softplus_composed, 3),
        "local derivative exp(x)": (softplus_local_derivative_exp, 1),
        "not connected to x": (softplus_no_parents, 1),
        "local derivative of the wrong type": (softplus_string_derivative, 1),
        "exits": (lambda x: sys.exit(1), 0),
    }),
    "q2": ([dual_arctan], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "forgets the incoming derivative": (dual_arctan_without_seed, 1),
        "returns a tuple": (lambda x: (math.atan(x.value), 1.0), 0),
        "derivative of tan": (lambda x: Dual(math.atan(x.value),
                                             x.derivative / math.cos(x.value) ** 2), 0),
    }),
    "q3": ([q3_answer()], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "a tuple": (tuple(q3_answer().values()), 0),
        "uses of x and y counted once": (q3_first_use_only(), 3),
        "key missing": ({k: v for k, v in q3_answer().items() if k != "y"}, 4),
        "strings": ({k: str(v) for k, v in q3_answer().items()}, 0),
    }),
    "q4": ([backward, lambda out: out.backward()], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "does nothing": (lambda out: None, 0),
        "recursion visiting shared nodes twice": (backward_recursive_buggy, 1),
        "= instead of +=": (backward_assigns, 1),
        "forward order": (backward_in_forward_order, 0),
    }),
    "q5": ([unbroadcast], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "leading axes only": (unbroadcast_leading_only, 3),
        "returns the gradient unchanged": (lambda g, s: g, 1),
        "loses float32": (lambda g, s: unbroadcast(g, s).astype(np.float64), 5),
        "reshape instead of sum": (lambda g, s: g.reshape(-1)[:max(1, math.prod(s))]
                                   .reshape(s), 1),
    }),
    "q6": ([matmul_backward], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "no transposes": (lambda A, B, G: (G @ B, A @ G), 0),
        "dB right, dA without the transpose": (lambda A, B, G: (G @ B, A.T @ G), 0),
        "returns one array": (lambda A, B, G: G @ B.T, 0),
        "the pair in the wrong order": (lambda A, B, G: (A.T @ G, G @ B.T), 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch08, CASES)


def test_points_match_the_table():
    points = {name: q.run(CASES[name][0][0]).max_points for name, q in ch08.QUESTIONS.items()}
    assert points == {"q1": 4, "q2": 3, "q3": 5, "q4": 5, "q5": 6, "q6": 3}


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


def test_question_5_random_shapes_broadcast_to_the_gradient():
    rng = np.random.default_rng(0)
    stretched = 0
    for _ in range(200):
        grad, shape = ch08._random_broadcast(rng)
        assert np.broadcast_shapes(shape, grad.shape) == grad.shape
        stretched += any(n == 1 for n in shape)
    assert stretched > 50  # most draws need the keepdims sum, not only the leading one


def test_question_6_reference_equals_finite_differences():
    rng = np.random.default_rng(0)
    A, B, G = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    dA, dB = ch08._reference_matmul_backward(A, B, G)
    loss = lambda: np.sum(G * (A @ B))  # noqa: E731  dL/d(A @ B) = G
    np.testing.assert_allclose(dA, numerical_gradient(loss, A), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dB, numerical_gradient(loss, B), rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------------ messages and grading

def test_messages_name_the_node_and_the_numbers():
    message = ch08.q4(backward_recursive_buggy).message
    assert "case 'a + a with a = x * y'" in message and "expected" in message
    assert "raised OverflowError" in ch08.q1(softplus_composed).message
    assert "expected a Value, got float" in ch08.q1(lambda x: 1.0).message
    assert "expected a Dual" in ch08.q2(lambda x: 1.0).message
    assert "expected shape (4, 1), got (4, 3)" in ch08.q5(unbroadcast_leading_only).message
    assert "expected a pair (dA, dB)" in ch08.q6(lambda A, B, G: None).message


def test_a_numeric_answer_is_not_revealed():
    answer = q3_answer()
    message = ch08.q3({**answer, "x": answer["x"] * 2}).message
    assert "too small" in message and f"{answer['x']:.6g}" not in message


def test_grade_question_finds_the_answers_by_name():
    assert grade_question("ch08", "q5", {"unbroadcast": unbroadcast}).passed
    result = grade_question("ch08", "q4", {})
    assert result.points == 0 and "`backward` is not defined" in result.message


def test_a_wrong_answer_prints_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ch08.q5(lambda g, s: np.log(-np.abs(g))).points == 0
        assert ch08.q6(lambda A, B, G: (np.log(-np.abs(G @ B.T)), A.T @ G)).points == 0
        assert ch08.q1(softplus_composed).points == 3


def test_the_checks_leave_the_answers_inputs_alone():
    def overwrites(grad, shape):
        result = unbroadcast(grad, shape)
        grad[...] = 0
        return result
    assert ch08.q5(overwrites).passed
