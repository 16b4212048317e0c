"""draw_graph: one box per node, one arrow per use of a node, for Value and Tensor graphs."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from coursepkg.autodiff import Tensor, Value, draw_graph, topological_order


def _boxes(fig):
    return [t for t in fig.axes[0].texts if t.get_bbox_patch() is not None]


def _arrows(fig):
    return [t for t in fig.axes[0].texts if t.get_bbox_patch() is None]


def test_value_graph_has_one_box_per_node_and_one_arrow_per_edge():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    loss = (c + a).tanh()  # nodes: a, b, c, c + a, tanh -> 5; edges: 2 + 2 + 1 -> 5
    loss.backward()
    open_before = plt.get_fignums()
    fig = draw_graph(loss)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == open_before  # closed in pyplot: shown once, by the caller
    boxes = _boxes(fig)
    assert len(boxes) == 5
    assert len(_arrows(fig)) == 5
    texts = [box.get_text() for box in boxes]
    assert any(t.startswith("a\ndata 2\ngrad ") for t in texts)
    assert any(t.startswith("tanh\n") and t.endswith("grad 1") for t in texts)


def test_node_used_twice_is_drawn_once():
    a = Value(3.0)
    fig = draw_graph(a * a)
    assert len(_boxes(fig)) == 2  # a and the product
    assert len(_arrows(fig)) == 2  # both uses of a


def test_tensor_graph_shows_small_arrays_and_shapes_of_large_ones():
    X, b = Tensor(np.ones((4, 3)), label="X"), Tensor([1.0, 2.0, 3.0], label="b")
    loss = (X + b).mean()
    loss.backward()
    fig = draw_graph(loss)
    texts = [box.get_text() for box in _boxes(fig)]
    assert len(texts) == len(topological_order(loss)) == 4
    assert "X\ndata shape (4, 3)\ngrad shape (4, 3)" in texts
    assert "b\ndata [1 2 3]\ngrad [0.333 0.333 0.333]" in texts


def test_bad_input():
    with pytest.raises(TypeError, match="Value or Tensor"):
        draw_graph(3.0)
    x = Value(0.0)
    for _ in range(40):
        x = x + 1
    with pytest.raises(ValueError, match="81 nodes"):
        draw_graph(x)


def test_arrows_that_skip_a_column_or_repeat_a_use_are_curved():
    x = Value(0.7, label="x")
    a = x * x                  # x used twice by the same node: one straight, one curved
    out = a.exp() + a          # a -> + skips the exp column: curved over it
    fig = draw_graph(out)
    styles = sorted(arrow.arrow_patch.get_connectionstyle().rad for arrow in _arrows(fig))
    assert len(styles) == 5
    assert styles.count(0.0) == 3          # x -> *, * -> exp, exp -> +
    assert sum(r < 0 for r in styles) == 1  # a -> +, over the exp box
    assert sum(r > 0 for r in styles) == 1  # the second x -> *
