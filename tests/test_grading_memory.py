"""A submission that allocates more than ``memory_limit`` gets a MemoryError in its own
kernel, reported in its notes; its other answers are graded, and the machine is spared."""

from pathlib import Path

import nbformat

from coursepkg.course import grading
from coursepkg.course.checks import ch01

ROOT = Path(__file__).resolve().parents[1]


def test_an_allocation_over_the_limit_fails_in_the_notebook_only(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / "01_numpy.ipynb", as_version=4)
    index = next(i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and c.source.startswith("def dense("))
    nb.cells[index].source = "def dense(X, W, b):\n    return X @ W"
    nb.cells.insert(index, nbformat.v4.new_code_cell(
        "import numpy as np\nhuge = np.ones(2**30)  # 8 GiB"))
    path = tmp_path / "01_greedy.ipynb"
    nbformat.write(nb, path)
    rows, errors = grading.grade_notebook(path, timeout=30, memory_limit=1024)
    assert errors == []
    by_question = {row.question: row for row in rows}
    assert by_question["ch01.q1"].points == 0
    assert "over the memory limit of 1024 MiB" in by_question["ch01.q1"].message
    assert by_question["ch01.q4"].points == ch01.QUESTIONS["q4"].points
