"""The grader: full marks for the masters, zero for the blanks, and robust to what students do.

Executing a notebook costs a kernel start (about 2 s here), so one module-scoped fixture
grades every submission variant at once with a short cell timeout; the tests then read its
rows. Unreadable files need no kernel and go through the command line.
"""

import csv
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from optional_tools import HAS_TENSORFLOW, imports_tensorflow, notebook_param

from coursepkg.__main__ import main as coursepkg_main
from coursepkg.course import grading
from coursepkg.course.checks import ch01, chapter_module

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
# Seconds per cell. Every real cell of chapter 01 takes under 0.5 s, so a busy machine still
# has a wide margin; the loops of the variants below cost this much each.
TIMEOUT = 3
CHAPTER_TIMEOUT = 120  # the masters and blanks of every chapter: their real cells' limit
QUESTIONS = [f"ch01.{name}" for name in ch01.QUESTIONS]
CHECK_CALL = re.compile(r"^ch01\.(q\d)\(")


def master():
    return nbformat.read(ROOT / "solutions" / "01_numpy.ipynb", as_version=4)


def blank():
    return nbformat.read(ROOT / "exercises" / "01_numpy.ipynb", as_version=4)


def cell_defining(nb, name):
    """Index of the code cell that defines ``name`` (``def name`` or ``name =``)."""
    pattern = re.compile(rf"^(def {name}\(|{name} = )", re.MULTILINE)
    return next(i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and pattern.search(c.source))


def check_cells(nb):
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
            and CHECK_CALL.match(c.source)]


def tampered_blank():
    """The unsolved notebook whose check cells print full marks and redefine the checks."""
    nb = blank()
    for index in check_cells(nb):
        question = CHECK_CALL.match(nb.cells[index].source)[1]
        nb.cells[index].source = f'print("{question}: full marks - correct")'
    nb.cells.append(nbformat.v4.new_code_cell(
        "import coursepkg.course.checks\n"
        "from coursepkg.course.checks import CheckResult\n"
        "for name, q in ch01.QUESTIONS.items():\n"
        "    q.body = lambda check, answer: None\n"
        "ch01.q1 = lambda answer: print('q1: 3/3')\n"
        "coursepkg.course.checks.grade_question = lambda c, q, ns: CheckResult(q, 99, 99, 'ok')"))
    return nb


def master_without_checks():
    nb = master()
    nb.cells = [c for i, c in enumerate(nb.cells) if i not in check_cells(nb)]
    return nb


def raising():
    """A cell that raises early, and q3's answer cell raising instead of defining one_hot."""
    nb = master()
    nb.cells[cell_defining(nb, "one_hot")].source = "raise ValueError('half done')"
    nb.cells.insert(cell_defining(nb, "dense"), nbformat.v4.new_code_cell("1 / 0"))
    return nb


def looping():
    """q1's answer cell never ends; q4's function never returns (its check cell is gone)."""
    nb = master()
    nb.cells[cell_defining(nb, "dense")].source = "while True:\n    pass"
    nb.cells[cell_defining(nb, "softmax")].source = (
        "def softmax(Z):\n    while True:\n        pass")
    nb.cells = [c for c in nb.cells if not c.source.startswith("ch01.q4(")]
    return nb


def stubborn():
    """A cell that ignores interrupts (the kernel must be restarted without it)."""
    nb = master()
    nb.cells.insert(cell_defining(nb, "dense"), nbformat.v4.new_code_cell(
        "import time\nwhile True:\n    try:\n        time.sleep(0.01)\n"
        "    except KeyboardInterrupt:\n        pass"))
    return nb


def killing():
    """A cell that kills the kernel."""
    nb = master()
    nb.cells.insert(cell_defining(nb, "one_hot"),
                    nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    return nb


def renamed_without_metadata():
    nb = master()
    del nb.metadata["coursepkg"]
    return nb


#: Cells a submission may add to fool a comparison made in its own kernel: NumPy's
#: comparisons that always agree, the package's checks and reference functions replaced,
#: builtins replaced. The grader compares in its own process, so none of them counts.
NUMPY_PATCH = (
    "import numpy as np\n"
    "np.isclose = lambda a, b, **k: np.ones(np.broadcast(a, b).shape, bool)\n"
    "np.allclose = lambda *a, **k: True\n"
    "np.array_equal = lambda *a, **k: True\n"
    "np.testing.assert_allclose = lambda *a, **k: None")
PACKAGE_PATCH = (
    "import coursepkg.course.checks as checks\n"
    "import coursepkg.nn.layers as layers\n"
    "checks.Check.same_array = lambda self, *a, **k: None\n"
    "checks.Check.same_number = lambda self, *a, **k: None\n"
    "layers.dense = lambda X, W, b: np.zeros((len(X), W.shape[1]))")
BUILTINS_PATCH = (
    "import builtins\n"
    "builtins.isinstance = lambda *a, **k: True\n"
    "builtins.abs = lambda x: 0\n"
    "builtins.float = lambda *a: 0.0")
ZERO_DENSE = "def dense(X, W, b):\n    return np.zeros((X.shape[0], W.shape[1]))"


def wrong_and_patched(patch):
    """q1's dense returns zeros, and a cell applies ``patch`` before the checks."""
    def make():
        nb = master()
        nb.cells[cell_defining(nb, "dense")].source = ZERO_DENSE
        nb.cells.insert(cell_defining(nb, "dense") + 1, nbformat.v4.new_code_cell(patch))
        return nb
    return make


def right_and_patched():
    """The master with every patch: its right answers keep their marks."""
    nb = master()
    nb.cells.insert(cell_defining(nb, "dense") + 1,
                    nbformat.v4.new_code_cell(NUMPY_PATCH + "\n" + PACKAGE_PATCH))
    return nb


def package_answers():
    """The master whose dense and one_hot are the package's own functions."""
    nb = master()
    nb.cells[cell_defining(nb, "dense")].source = "from coursepkg.nn.layers import dense"
    nb.cells[cell_defining(nb, "one_hot")].source = (
        "from coursepkg.nn.preprocessing import one_hot")
    return nb


def private_answers():
    """The master plus a cell that reaches the check module's private code: right
    answers or not, every question scores zero."""
    nb = master()
    nb.cells.append(nbformat.v4.new_code_cell(
        "import coursepkg.course.checks.ch01 as answers\n"
        "secret = getattr(answers, '_' + 'reference')"))
    return nb


VARIANTS = {
    "package_answers.ipynb": package_answers,
    "private_answers.ipynb": private_answers,
    "numpy_patched.ipynb": wrong_and_patched(NUMPY_PATCH),
    "package_patched.ipynb": wrong_and_patched(PACKAGE_PATCH),
    "builtins_patched.ipynb": wrong_and_patched(BUILTINS_PATCH),
    "right_and_patched.ipynb": right_and_patched,
    "tampered.ipynb": tampered_blank,
    "01_no_check_cells.ipynb": master_without_checks,
    "raising.ipynb": raising,
    "looping.ipynb": looping,
    "stubborn.ipynb": stubborn,
    "killing.ipynb": killing,
    "my homework (final).ipynb": renamed_without_metadata,
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the masters, the blanks and every variant once: {(file name, question): row}."""
    folder = tmp_path_factory.mktemp("submissions")
    for name, make in VARIANTS.items():
        nbformat.write(make(), folder / name)
    (folder / "broken.ipynb").write_text('{"cells": [')
    # Every chapter's notebooks, graded with a timeout that fits their slowest real cell.
    chapters = tmp_path_factory.mktemp("chapters")
    for path in SOLUTIONS + EXERCISES:
        if HAS_TENSORFLOW or not imports_tensorflow(path):
            shutil.copy(path, chapters / f"{path.parent.name}-{path.name}")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grading, "_PROBE_TIMEOUT", 1)
        rows, errors = grading.grade([folder], timeout=TIMEOUT, progress=False)
    chapter_rows, chapter_errors = grading.grade([chapters], timeout=CHAPTER_TIMEOUT,
                                                 progress=False)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    rows = {(Path(r.notebook).name, r.question): r for r in rows + chapter_rows}
    return rows, errors + chapter_errors, before, after


def scores(graded, name):
    rows = graded[0]
    return {q: rows[(name, q)].points for q in QUESTIONS}


def full_marks():
    return {f"ch01.{name}": q.run(None).max_points for name, q in ch01.QUESTIONS.items()}


def test_no_grader_errors(graded):
    assert graded[1] == []


def rows_of(graded, name):
    """{question: row} of one graded notebook, whatever its chapter."""
    return {question: row for (notebook, question), row in graded[0].items() if notebook == name}


def registered_questions(path):
    """The questions the notebook's chapter registers, e.g. {"ch01.q1", ...}."""
    chapter = grading.detect_chapter(nbformat.read(path, as_version=4), path)
    return {f"{chapter}.{name}" for name in chapter_module(chapter).QUESTIONS}


@pytest.mark.parametrize("path", [notebook_param(p) for p in SOLUTIONS], ids=lambda p: p.stem)
def test_every_master_scores_full_marks(graded, path):
    rows = rows_of(graded, f"solutions-{path.name}")
    assert set(rows) == registered_questions(path)
    lost = {q: r.message for q, r in rows.items() if r.points != r.max_points}
    assert not lost, lost


@pytest.mark.parametrize("path", [notebook_param(p) for p in EXERCISES], ids=lambda p: p.stem)
def test_every_blank_scores_zero(graded, path):
    rows = rows_of(graded, f"exercises-{path.name}")
    assert set(rows) == registered_questions(path)
    earned = {q: r.message for q, r in rows.items() if r.points != 0}
    assert not earned, earned


def test_tampering_with_check_cells_changes_nothing(graded):
    assert set(scores(graded, "tampered.ipynb").values()) == {0}
    assert scores(graded, "01_no_check_cells.ipynb") == full_marks()


@pytest.mark.parametrize("name", ["numpy_patched.ipynb", "package_patched.ipynb",
                                  "builtins_patched.ipynb"])
def test_patching_numpy_the_package_or_builtins_does_not_raise_a_grade(graded, name):
    """A dense layer that returns zeros scores 0, whatever the notebook patched."""
    assert scores(graded, name)["ch01.q1"] == 0


def test_the_packages_own_functions_are_not_answers(graded):
    assert scores(graded, "package_answers.ipynb") == {
        **full_marks(), "ch01.q1": 0, "ch01.q3": 0}
    message = graded[0][("package_answers.ipynb", "ch01.q1")].message
    assert "`dense` is the package's own coursepkg.nn.layers.dense" in message


@pytest.mark.parametrize("chapter, name", [
    ("ch07", "reference_gradients_221"), ("ch07", "xor_bias_after_step"),
    ("ch07", "xor_output_delta"), ("ch08", "Q3_ADJOINTS"), ("ch05", "reference_gradient"),
    ("ch03", "reference_fit"), ("ch09", "adam_reference"), ("ch13", "reference_sgd_step")])
def test_check_modules_export_no_answers(chapter, name):
    module = chapter_module(chapter)
    assert not hasattr(module, name) and name not in module.__all__


def test_answers_from_the_checks_private_code_score_zero(graded):
    assert set(scores(graded, "private_answers.ipynb").values()) == {0}
    message = graded[0][("private_answers.ipynb", "ch01.q1")].message
    assert "uses the exercise checks' private code" in message
    assert "getattr(answers, '_' + 'reference')" in message and "flagged" in message


def test_patches_do_not_cost_right_answers_their_marks(graded):
    assert scores(graded, "right_and_patched.ipynb") == full_marks()


def test_a_raising_cell_does_not_stop_the_notebook(graded):
    got = scores(graded, "raising.ipynb")
    assert got == {**full_marks(), "ch01.q3": 0}
    message = graded[0][("raising.ipynb", "ch01.q3")].message
    assert "`one_hot` is not defined" in message
    assert "(1 / 0) raised ZeroDivisionError" in message and "raised ValueError" in message


def test_infinite_loops_time_out(graded):
    assert scores(graded, "looping.ipynb") == {**full_marks(), "ch01.q1": 0, "ch01.q4": 0}
    rows = graded[0]
    assert f"timed out after {TIMEOUT} s" in rows[("looping.ipynb", "ch01.q1")].message
    assert (f"checking the answer timed out after {TIMEOUT} s"
            in rows[("looping.ipynb", "ch01.q4")].message)


def test_a_hung_or_dead_kernel_is_restarted_without_the_offending_cell(graded):
    assert scores(graded, "stubborn.ipynb") == full_marks()
    assert scores(graded, "killing.ipynb") == full_marks()


def test_a_renamed_notebook_is_still_graded(graded):
    assert scores(graded, "my homework (final).ipynb") == full_marks()


def test_an_invalid_notebook_is_not_gradable_rather_than_zero(graded):
    row = graded[0][("broken.ipynb", "-")]
    assert row.status == "not gradable" and row.points is None and row.max_points is None
    assert row.message.startswith("not a valid notebook")


def test_submissions_are_never_modified(graded):
    _, _, before, after = graded
    assert before == after


def test_detect_chapter_fallbacks():
    nb = renamed_without_metadata()
    assert grading.detect_chapter(nb, "anything.ipynb") == "ch01"
    assert grading.detect_chapter(nbformat.v4.new_notebook(), "01_numpy.ipynb") == "ch01"
    assert grading.detect_chapter(nbformat.v4.new_notebook(), "homework.ipynb") is None


def test_command_line_csv_and_json(tmp_path, capsys):
    (tmp_path / "01_numpy.ipynb").write_text("not json at all")
    (tmp_path / "notes.ipynb").write_bytes(b"\xff\xfe")
    out = tmp_path / "scores.csv"
    assert coursepkg_main(["grade", str(tmp_path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert ("mean points per question over 0 notebook(s): none; 2 file(s) not gradable"
            in printed)
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == list(grading.FIELDS)
    assert len(rows) == 2
    assert all(r["question"] == "-" and r["points"] == "" and r["max_points"] == ""
               and r["status"] == "not gradable"
               and r["message"].startswith("not a valid notebook") for r in rows)

    assert coursepkg_main(["grade", str(tmp_path / "01_numpy.ipynb"), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["question"], r["points"], r["status"]) for r in rows] == [
        ("-", None, "not gradable")]


def test_a_notebook_of_no_known_chapter_is_not_gradable(tmp_path):
    path = tmp_path / "homework.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    rows, errors = grading.grade([path], progress=False)
    assert errors == [] and len(rows) == 1
    assert rows[0].status == "not gradable" and rows[0].points is None
    assert "cannot tell its chapter" in rows[0].message


def test_command_line_rejects_a_missing_path(tmp_path):
    with pytest.raises(SystemExit):
        coursepkg_main(["grade", str(tmp_path / "nowhere")])
