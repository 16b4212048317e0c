"""Tests of coursepkg.lessons.plotting: what is drawn, where, and which inputs are refused."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Rectangle  # noqa: E402

from coursepkg.lessons.plotting import (  # noqa: E402
    STRETCHED_COLOR,
    broadcast_mask,
    draw_array,
    plot_arrays,
    plot_broadcast,
    plot_timings,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def cell_rectangles(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def texts(ax):
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize("shape, target, expected", [
    ((1, 3), (2, 3), [[False] * 3, [True] * 3]),
    ((3,), (2, 3), [[False] * 3, [True] * 3]),
    ((2, 1), (2, 3), [[False, True, True], [False, True, True]]),
    ((), (2, 2), [[False, True], [True, True]]),
    ((2, 3), (2, 3), [[False] * 3, [False] * 3]),
    ((1, 1), (1, 1), [[False]]),
])
def test_broadcast_mask_marks_copies(shape, target, expected):
    np.testing.assert_array_equal(broadcast_mask(shape, target), expected)


def test_broadcast_mask_keeps_one_original_per_value():
    # Every value of the original appears exactly once unshaded.
    mask = broadcast_mask((4, 1), (4, 5))
    assert (~mask).sum() == 4


@pytest.mark.parametrize("shape, target", [((3,), (2, 4)), ((2, 3), (3,)), ((2, 3), (2, 1))])
def test_broadcast_mask_refuses_incompatible_shapes(shape, target):
    with pytest.raises(ValueError, match="cannot be broadcast"):
        broadcast_mask(shape, target)


def test_draw_array_draws_one_cell_per_value_in_row_major_order():
    fig, ax = plt.subplots()
    cells = draw_array(ax, np.arange(6).reshape(2, 3), x=1, y=2)
    assert len(cells) == 6
    assert [c.get_xy() for c in cells[:4]] == [(1, 2), (2, 2), (3, 2), (1, 3)]
    assert texts(ax) == ["0", "1", "2", "3", "4", "5"]


def test_draw_array_outlines_only_1d_arrays():
    fig, ax = plt.subplots()
    draw_array(ax, np.arange(3).reshape(1, 3))
    assert not [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    draw_array(ax, np.arange(3), y=2)
    assert len([p for p in ax.patches if isinstance(p, FancyBboxPatch)]) == 1


def test_draw_array_shades_stretched_cells():
    fig, ax = plt.subplots()
    cells = draw_array(ax, np.zeros((2, 2)), stretched=[[False, True], [True, True]])
    shaded = [matplotlib.colors.same_color(c.get_facecolor(), STRETCHED_COLOR) for c in cells]
    assert shaded == [False, True, True, True]


def test_draw_array_refuses_bad_input():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="at most 2 dimensions"):
        draw_array(ax, np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="stretched has shape"):
        draw_array(ax, np.zeros((2, 2)), stretched=np.zeros(4, dtype=bool))


def test_plot_arrays_uses_labels_and_default_shape_captions():
    fig = plot_arrays([np.zeros((3, 1)), "=", np.ones(2)], labels=["column", None, None])
    ax = fig.axes[0]
    assert len(cell_rectangles(ax)) == 5
    assert {"column", "=", "(2,)"} <= set(texts(ax))


def test_plot_arrays_checks_per_item_lengths():
    with pytest.raises(ValueError, match="labels has 1 entries for 2 items"):
        plot_arrays([np.zeros(2), np.zeros(2)], labels=["a"])
    with pytest.raises(ValueError, match="empty"):
        plot_arrays([])


def test_plot_broadcast_draws_operands_result_and_copies():
    a = np.arange(6).reshape(2, 3)
    b = np.array([10, 20, 30])
    ax = plot_broadcast(a, b).axes[0]
    cells = cell_rectangles(ax)
    assert len(cells) == 3 * 6  # a, b stretched to (2, 3), and the result
    shaded = [matplotlib.colors.same_color(c.get_facecolor(), STRETCHED_COLOR) for c in cells]
    assert sum(shaded) == 3  # the second row of b
    values = texts(ax)
    for value in (a + b).ravel():
        assert str(value) in values
    assert "(3,) \u2192 (2, 3)" in values


def test_plot_broadcast_outer_product_values():
    column, row = np.arange(1, 4).reshape(3, 1), np.arange(1, 5).reshape(1, 4)
    ax = plot_broadcast(column, row, "*").axes[0]
    # The last 12 cell labels drawn are the result, row-major.
    numbers = [t for t in texts(ax) if t.isdigit()]
    assert numbers[-12:] == [str(v) for v in (column * row).ravel()]


def test_plot_broadcast_refuses_bad_input():
    with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(2,\) do not broadcast"):
        plot_broadcast(np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="unknown operator"):
        plot_broadcast(np.zeros(2), np.zeros(2), op="@")
    with pytest.raises(ValueError, match="at most 2 dimensions"):
        plot_broadcast(np.zeros((1, 2, 2)), np.zeros(2))


def test_plot_timings_is_log_log_with_one_line_per_method():
    fig = plot_timings({"loop": ([1, 10], [1e-3, 1e-2]), "vectorised": ([1, 10, 100], [1e-6] * 3)})
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["loop", "vectorised"]
    assert ax.get_xlabel() and ax.get_ylabel()


@pytest.mark.parametrize("timings, match", [
    ({}, "non-empty mapping"),
    ({"a": ([1, 2], [1.0])}, "same length"),
    ({"a": ([1, 2], [1.0, 0.0])}, "finite and positive"),
    ({"a": ([1, 2], [1.0, np.nan])}, "finite and positive"),
])
def test_plot_timings_refuses_bad_input(timings, match):
    with pytest.raises(ValueError, match=match):
        plot_timings(timings)
