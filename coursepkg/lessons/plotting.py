"""Figures that explain arrays: arrays drawn as grids of cells, broadcasting, and timings.

Every function draws with matplotlib and returns the :class:`~matplotlib.figure.Figure`, so a
notebook can call ``plt.show()`` after it. Arrays of at most two dimensions are drawn as grids
of unit cells, row ``i`` below row ``i - 1``, the way NumPy prints them.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch, Rectangle

__all__ = ["broadcast_mask", "draw_array", "plot_arrays", "plot_broadcast", "plot_timings"]

CELL_COLOR = "#cfe2f3"
STRETCHED_COLOR = "#f4cccc"
RESULT_COLOR = "#d9ead3"
BROADCAST_OPERATORS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}
_GAP = 1.2  # horizontal space, in cells, between two drawn items


def _as_drawable(array):
    """Return ``array`` as an ndarray, refusing what cannot be drawn as a grid."""
    array = np.asarray(array)
    if array.ndim > 2:
        raise ValueError(f"only arrays of at most 2 dimensions can be drawn, got shape {array.shape}")
    return array


def _grid_shape(array) -> tuple[int, int]:
    """(rows, columns) of the grid that draws ``array``; 0-D and 1-D arrays take one row."""
    if array.ndim == 2:
        return array.shape
    return (1, array.size)


def broadcast_mask(shape, target_shape):
    """Which cells of ``np.broadcast_to(a, target_shape)`` are copies made by broadcasting.

    Parameters
    ----------
    shape : tuple of int
        Shape of the original array ``a``.
    target_shape : tuple of int
        Shape that ``a`` is broadcast to.

    Returns
    -------
    mask : ndarray of bool, shape ``target_shape``
        ``True`` where a cell repeats an original value along a stretched axis (an axis of
        size 1, or a missing leading axis, stretched to a larger size); ``False`` at the
        original cells.
    """
    shape, target_shape = tuple(shape), tuple(target_shape)
    try:
        compatible = np.broadcast_shapes(shape, target_shape) == target_shape
    except ValueError:
        compatible = False
    if not compatible:
        raise ValueError(f"an array of shape {shape} cannot be broadcast to shape {target_shape}")
    padded = (1,) * (len(target_shape) - len(shape)) + shape
    mask = np.zeros(target_shape, dtype=bool)
    for axis, (size, target_size) in enumerate(zip(padded, target_shape)):
        if size == 1 and target_size > 1:
            copies = [slice(None)] * len(target_shape)
            copies[axis] = slice(1, None)
            mask[tuple(copies)] = True
    return mask


def draw_array(ax, array, *, x=0.0, y=0.0, stretched=None, color=CELL_COLOR, fmt="{:g}"):
    """Draw an array of at most 2 dimensions on ``ax`` as a grid of unit cells with values.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes whose y axis points down (see :func:`plot_arrays`).
    array : array-like of shape (), (n,) or (n, m)
        1-D arrays are drawn as one row inside a dashed outline: they have no orientation,
        unlike row vectors (1, n) and column vectors (n, 1).
    x, y : float
        Position of the top-left corner, in cell units.
    stretched : array-like of bool, same shape as ``array``, optional
        Cells to shade, with dashed edges, as copies made by broadcasting (see :func:`broadcast_mask`).
    color : color
        Fill colour of ordinary cells.
    fmt : str
        Format of the value written in each cell.

    Returns
    -------
    cells : list of Rectangle, row-major
    """
    array = _as_drawable(array)
    rows, cols = _grid_shape(array)
    values = array.reshape(rows, cols)
    if stretched is None:
        stretched = np.zeros((rows, cols), dtype=bool)
    else:
        stretched = np.asarray(stretched, dtype=bool)
        if stretched.shape != array.shape:
            raise ValueError(f"stretched has shape {stretched.shape}, array has {array.shape}")
        stretched = stretched.reshape(rows, cols)
    cells = []
    for i, j in np.ndindex(rows, cols):
        copy = bool(stretched[i, j])
        cell = Rectangle((x + j, y + i), 1, 1, facecolor=STRETCHED_COLOR if copy else color,
                         edgecolor="0.45" if copy else "black", linewidth=1.0,
                         linestyle="--" if copy else "-")
        ax.add_patch(cell)
        ax.text(x + j + 0.5, y + i + 0.5, fmt.format(values[i, j]), ha="center", va="center",
                fontsize=11, color="0.4" if copy else "black",
                style="italic" if copy else "normal")
        cells.append(cell)
    if array.ndim == 1:
        ax.add_patch(FancyBboxPatch((x, y), cols, rows, boxstyle="round,pad=0.12",
                                    fill=False, linestyle="--", linewidth=1.2, edgecolor="0.3"))
    return cells


def plot_arrays(items, labels=None, *, stretched=None, colors=None, fmt="{:g}", ax=None,
                cell_inches=0.42):
    """Draw arrays (and operator symbols) side by side, with the same cell size for all.

    Parameters
    ----------
    items : sequence of array-like or str
        Arrays of at most 2 dimensions; a ``str`` item (``"+"``, ``"="``) is drawn as a symbol.
    labels : sequence of str, optional
        One caption per item, written under it (ignored for symbols); by default the shape.
    stretched : sequence of (array of bool or None), optional
        Per item, the cells to draw as broadcast copies (see :func:`draw_array`).
    colors : sequence of colors, optional
        Per item, the fill colour of its ordinary cells.
    fmt : str
        Format of cell values.
    ax : matplotlib Axes, optional
        Draw there; by default a new figure sized so that a cell is ``cell_inches`` wide.

    Returns
    -------
    fig : matplotlib Figure
    """
    items = [item if isinstance(item, str) else _as_drawable(item) for item in items]
    n_items = len(items)
    if n_items == 0:
        raise ValueError("nothing to draw: items is empty")
    labels = [None] * n_items if labels is None else list(labels)
    stretched = [None] * n_items if stretched is None else list(stretched)
    colors = [CELL_COLOR] * n_items if colors is None else list(colors)
    for name, per_item in (("labels", labels), ("stretched", stretched), ("colors", colors)):
        if len(per_item) != n_items:
            raise ValueError(f"{name} has {len(per_item)} entries for {n_items} items")

    sizes = [(1, 1) if isinstance(item, str) else _grid_shape(item) for item in items]
    height = max(rows for rows, _ in sizes)
    width = sum(cols for _, cols in sizes) + _GAP * (n_items - 1)
    if ax is None:
        fig, ax = plt.subplots(figsize=(cell_inches * (width + 1), cell_inches * (height + 2)))
    else:
        fig = ax.figure

    x = 0.0
    for item, (rows, cols), label, mask, color in zip(items, sizes, labels, stretched, colors):
        top = (height - rows) / 2
        if isinstance(item, str):
            ax.text(x + 0.5, height / 2, item, ha="center", va="center", fontsize=18)
        else:
            draw_array(ax, item, x=x, y=top, stretched=mask, color=color, fmt=fmt)
            caption = str(item.shape) if label is None else label
            ax.text(x + cols / 2, top + rows + 0.25, caption, ha="center", va="top", fontsize=10)
        x += cols + _GAP
    ax.set_xlim(-0.4, width + 0.4)
    ax.set_ylim(height + 1.2, -0.4)  # y points down: row 0 on top
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def plot_broadcast(a, b, op="+", *, fmt="{:g}", ax=None):
    """Draw ``a op b`` with both operands stretched to the broadcast shape.

    Cells that broadcasting copies (they are never stored in memory) are shaded, with dashed edges and grey values.

    Parameters
    ----------
    a, b : array-like of at most 2 dimensions
    op : {"+", "-", "*", "/"}
    fmt : str
        Format of cell values.
    ax : matplotlib Axes, optional

    Returns
    -------
    fig : matplotlib Figure

    Raises
    ------
    ValueError
        If the shapes do not broadcast (NumPy's rule: trailing dimensions must be equal or 1),
        an operand has more than 2 dimensions, or ``op`` is unknown.
    """
    if op not in BROADCAST_OPERATORS:
        raise ValueError(f"unknown operator {op!r}; expected one of {sorted(BROADCAST_OPERATORS)}")
    a, b = _as_drawable(a), _as_drawable(b)
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError as error:
        raise ValueError(f"shapes {a.shape} and {b.shape} do not broadcast: {error}") from None
    result = BROADCAST_OPERATORS[op](a, b)

    def caption(array):
        return str(shape) if array.shape == shape else f"{array.shape} \u2192 {shape}"

    return plot_arrays(
        [np.broadcast_to(a, shape), op, np.broadcast_to(b, shape), "=", result],
        labels=[caption(a), None, caption(b), None, str(shape)],
        stretched=[broadcast_mask(a.shape, shape), None, broadcast_mask(b.shape, shape), None, None],
        colors=[CELL_COLOR, None, CELL_COLOR, None, RESULT_COLOR],
        fmt=fmt, ax=ax)


def plot_timings(timings, *, xlabel="batch size (samples)", ylabel="time per call (s)",
                 title=None, ax=None):
    """Log-log plot of run time against problem size, one line per method.

    Parameters
    ----------
    timings : mapping of str to (sizes, seconds)
        For each method name, the sizes it was timed at and the time per call at each size
        (for example the median of several repetitions).
    xlabel, ylabel, title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    fig : matplotlib Figure
    """
    if not isinstance(timings, Mapping) or not timings:
        raise ValueError("timings must be a non-empty mapping {name: (sizes, seconds)}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
    else:
        fig = ax.figure
    for name, (sizes, seconds) in timings.items():
        sizes, seconds = np.asarray(sizes, dtype=float), np.asarray(seconds, dtype=float)
        if sizes.ndim != 1 or sizes.shape != seconds.shape:
            raise ValueError(f"{name}: sizes {sizes.shape} and seconds {seconds.shape} "
                             "must be 1-D of the same length")
        if not (np.all(np.isfinite(sizes)) and np.all(np.isfinite(seconds))
                and np.all(sizes > 0) and np.all(seconds > 0)):
            raise ValueError(f"{name}: sizes and seconds must be finite and positive "
                             "for a log-log plot")
        ax.plot(sizes, seconds, marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.4)
    ax.legend()
    fig.tight_layout()
    return fig
