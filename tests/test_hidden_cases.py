"""Hidden cases: an instructor's folder of cases added to questions when grading.

The folder ``tests/hidden_cases/`` holds two: a large batch for chapter 1's ``dense`` and a
one-hot encoding with classes that do not occur. The students' checks never run them.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

from coursepkg.course import grading
from coursepkg.course.checks import ch01, load_hidden_cases

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = Path(__file__).resolve().parent / "hidden_cases"


def correct_dense(X, W, b):
    return X @ W + b


def dense_without_bias_on_large_batches(X, W, b):
    """Right on the public cases (at most 6 samples), wrong on a large batch."""
    return X @ W if len(X) > 100 else X @ W + b


def test_the_folder_adds_cases_to_existing_questions():
    cases = load_hidden_cases(HIDDEN)
    assert set(cases) == {("ch01", "q1"), ("ch01", "q3")}
    assert [case.points for case in cases[("ch01", "q1")]] == [2]


def test_hidden_points_are_added_and_failures_are_counted_not_described():
    hidden = load_hidden_cases(HIDDEN)[("ch01", "q1")]
    right = ch01.QUESTIONS["q1"].run(correct_dense, hidden=hidden)
    assert (right.points, right.max_points) == (5, 5)
    assert "public cases passed; hidden cases: 1 of 1 passed" in right.message
    wrong = ch01.QUESTIONS["q1"].run(dense_without_bias_on_large_batches, hidden=hidden)
    assert (wrong.points, wrong.max_points) == (3, 5)
    assert wrong.message.endswith("public cases passed; hidden cases: 0 of 1 passed")
    assert "257" not in wrong.message and "shape" not in wrong.message
    # without hidden cases the student's own check says "correct", as always
    assert ch01.QUESTIONS["q1"].run(correct_dense).message.endswith("- correct")


def test_a_public_failure_is_still_described_beside_the_hidden_count():
    hidden = load_hidden_cases(HIDDEN)[("ch01", "q1")]
    result = ch01.QUESTIONS["q1"].run(lambda X, W, b: X @ W, hidden=hidden)
    assert result.points == 0 and "case '5 samples" in result.message
    assert "hidden cases: 0 of 1 passed" in result.message


@pytest.mark.parametrize("source, message", [
    ("from coursepkg.course.checks import hidden_case\n"
     "@hidden_case('ch01', 'q9')\ndef f(check, answer):\n    pass\n", "ch01 has no question 'q9'"),
    ("from coursepkg.course.checks import hidden_case\n"
     "@hidden_case('ch77', 'q1')\ndef f(check, answer):\n    pass\n", "no checks for chapter"),
])
def test_a_case_for_an_unknown_question_is_a_clear_error(tmp_path, source, message):
    (tmp_path / "cases.py").write_text(source)
    with pytest.raises(ValueError, match=message):
        load_hidden_cases(tmp_path)


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no such folder"):
        load_hidden_cases(tmp_path / "nowhere")


def test_grading_with_the_hidden_folder(tmp_path):
    master = nbformat.read(ROOT / "solutions" / "01_numpy.ipynb", as_version=4)
    nbformat.write(master, tmp_path / "a_master.ipynb")
    index = next(i for i, c in enumerate(master.cells)
                 if c.cell_type == "code" and c.source.startswith("def dense("))
    master.cells[index].source = (
        "def dense(X, W, b):\n    return X @ W if len(X) > 100 else X @ W + b")
    nbformat.write(master, tmp_path / "b_public_only.ipynb")
    rows, errors = grading.grade([tmp_path], timeout=30, progress=False, hidden=HIDDEN)
    assert errors == []
    by_key = {(Path(r.notebook).name, r.question): r for r in rows}
    full = by_key[("a_master.ipynb", "ch01.q1")]
    assert (full.points, full.max_points) == (5, 5)
    assert (by_key[("a_master.ipynb", "ch01.q3")].max_points
            == ch01.QUESTIONS["q3"].points + 1)
    partial = by_key[("b_public_only.ipynb", "ch01.q1")]
    assert (partial.points, partial.max_points) == (3, 5)
    assert "public cases passed; hidden cases: 0 of 1 passed" in partial.message
    assert np.isclose(by_key[("b_public_only.ipynb", "ch01.q2")].points,
                      ch01.QUESTIONS["q2"].points)


def test_the_command_line_takes_the_folder_and_rejects_a_missing_one(tmp_path, capsys):
    from coursepkg.__main__ import main
    (tmp_path / "01_numpy.ipynb").write_text("not a notebook")
    assert main(["grade", str(tmp_path), "--hidden", str(HIDDEN)]) == 0
    with pytest.raises(SystemExit):
        main(["grade", str(tmp_path), "--hidden", str(tmp_path / "nowhere")])
    assert "no such folder" in capsys.readouterr().err
