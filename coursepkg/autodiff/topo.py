"""Topological order of a computation graph, without recursion.

Every node of the engine (:class:`~coursepkg.autodiff.Value`,
:class:`~coursepkg.autodiff.Tensor`) keeps the nodes it was computed from in
``node.parents``. Backpropagation must visit a node only after every node that uses it,
so it walks the *reverse* of a topological order. A recursive depth-first search would
hit Python's recursion limit (about 1,000 frames) on a long chain; an explicit stack does
not.
"""

from __future__ import annotations

__all__ = ["topological_order"]


def topological_order(root):
    """Every node that ``root`` depends on, each after all of its parents.

    Parameters
    ----------
    root : node with a ``parents`` tuple

    Returns
    -------
    order : list of nodes
        Leaves come first and ``root`` comes last; each node appears once, however many
        times it is used.
    """
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:  # second visit: all parents are already in `order`
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((parent, False) for parent in node.parents
                     if id(parent) not in seen)
    return order
