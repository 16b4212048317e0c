"""Draw a computation graph with matplotlib: one box per node, arrows from inputs to users.

The layout is layered: a node's column is the length of the longest path from a leaf to
it, so every arrow points to the right, and nodes of a column are stacked vertically.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .topo import topological_order

__all__ = ["draw_graph"]


def draw_graph(node, max_nodes=60):
    """Draw the graph that computed ``node``, showing each node's label, value and gradient.

    Parameters
    ----------
    node : Value or Tensor
        The output; every node it depends on is drawn.
    max_nodes : int, default 60
        Refuse larger graphs, which would be unreadable.

    Returns
    -------
    matplotlib.figure.Figure
        One rounded box per node (its label or operation, ``data`` and ``grad``) and one
        arrow per use of a node. It is closed in pyplot, so it appears once when it is
        the last expression of a notebook cell (and not otherwise); ``fig.savefig`` works.
    """
    if not hasattr(node, "parents"):
        raise TypeError(f"draw_graph needs a Value or Tensor, got {type(node).__name__}")
    order = topological_order(node)
    if len(order) > max_nodes:
        raise ValueError(f"the graph has {len(order)} nodes; draw_graph draws at most "
                         f"max_nodes={max_nodes}")
    positions = _layered_layout(order)
    n_columns = 1 + max(x for x, _ in positions.values())
    n_rows = 1 + max(len([p for p in positions.values() if p[0] == x]) for x in range(n_columns))
    fig, ax = plt.subplots(figsize=(2.8 * n_columns, 1.1 * n_rows + 0.4))
    plt.close(fig)  # returned, not shown as a side effect: the caller decides
    boxes = {}
    for n in order:
        x, y = positions[id(n)]
        boxes[id(n)] = ax.text(x, y, _box_text(n), ha="center", va="center", fontsize=8,
                               family="monospace",
                               bbox=dict(boxstyle="round,pad=0.4",
                                         fc="#dbe9f6" if n.parents else "#fde4c8"))
    for n in order:
        uses = {}
        for parent in n.parents:
            repeat = uses[id(parent)] = uses.get(id(parent), -1) + 1
            span = positions[id(n)][0] - positions[id(parent)][0]
            ax.annotate("", xy=(0, 0.5), xycoords=boxes[id(n)], xytext=(1, 0.5),
                        textcoords=boxes[id(parent)],
                        arrowprops=dict(arrowstyle="->", shrinkA=6, shrinkB=6, color="0.3",
                                        connectionstyle=f"arc3,rad={_bend(span, repeat)}"))
    rows = [y for _, y in positions.values()]
    ax.set_xlim(-0.6, n_columns - 0.4)
    ax.set_ylim(min(rows) - 0.6, max(rows) + 0.6)
    ax.axis("off")
    return fig


def _bend(span, repeat):
    """Curvature of an arrow, so that no arrow hides behind a box or another arrow.

    An arrow that skips columns (``span > 1``) arcs over the boxes between its ends; the
    second, third, ... use of the same parent by the same node (``a + a``) bends away from
    the first. Straight otherwise.
    """
    rad = -0.4 / span if span > 1 else 0.0
    return round(rad + 0.3 * repeat, 3)


def _layered_layout(order):
    """``{id(node): (column, row)}``; column = longest path from a leaf."""
    column = {}
    for n in order:  # parents come first in a topological order
        column[id(n)] = 1 + max((column[id(p)] for p in n.parents), default=-1)
    positions, used = {}, {}
    for n in order:
        x = column[id(n)]
        positions[id(n)] = [x, used.get(x, 0)]
        used[x] = used.get(x, 0) + 1
    for p in positions.values():  # centre each column vertically
        p[1] = (used[p[0]] - 1) / 2 - p[1]
    return {k: tuple(v) for k, v in positions.items()}


def _box_text(node):
    name = node.op or node.label or "leaf"
    if node.op and node.label:
        name = f"{node.label} = {node.op}"
    return f"{name}\ndata {_fmt(node.data)}\ngrad {_fmt(node.grad)}"


def _fmt(x):
    x = np.asarray(x)
    if x.ndim == 0:
        return f"{x:.4g}"
    if x.size <= 3:
        return "[" + " ".join(f"{v:.3g}" for v in x.ravel()) + "]"
    return f"shape {x.shape}"
