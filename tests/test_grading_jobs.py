"""``coursepkg grade --jobs N``: the same rows, in the same order, whatever N.

Four submissions of chapter 1 (the master, the blank exercise with one answer filled in, a
notebook whose first answer cell loops forever, and a file that is not a notebook) are
graded once in this process and once with ``--jobs 2``. Every readable notebook writes the
process id of its kernel's parent to a file, which shows where the kernels ran: under this
process at one job, under worker processes at two.
"""

import io
import os
import re
from pathlib import Path

import nbformat
import pytest

from coursepkg.__main__ import main as coursepkg_main
from coursepkg.course import grading

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 3  # seconds per cell: chapter 1's real cells take under 0.5 s


def _with_pid_cell(nb, record: Path):
    """``nb`` with a first code cell that appends its kernel's parent process id to
    ``record``."""
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        f"import os\nwith open({str(record)!r}, 'a') as f:\n"
        "    f.write(f'{os.getppid()}\\n')"))
    return nb


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    record = tmp_path_factory.mktemp("pids") / "pids.txt"
    master = nbformat.read(ROOT / "solutions" / "01_numpy.ipynb", as_version=4)
    exercise = nbformat.read(ROOT / "exercises" / "01_numpy.ipynb", as_version=4)
    index = next(i for i, c in enumerate(exercise.cells) if c.source.startswith("answer_q2"))
    exercise.cells[index].source = 'answer_q2 = "b"'
    looping = nbformat.read(ROOT / "solutions" / "01_numpy.ipynb", as_version=4)
    index = next(i for i, c in enumerate(looping.cells) if c.source.startswith("def dense("))
    looping.cells[index].source = "while True:\n    pass"
    for name, nb in [("a_master.ipynb", master), ("b_partly_done.ipynb", exercise),
                     ("c_looping.ipynb", looping)]:
        nbformat.write(_with_pid_cell(nb, record), folder / name)
    (folder / "01_truncated.ipynb").write_text('{"cells": [{"cell_type": "co')
    return folder, record


def _parents(record: Path) -> set[int]:
    parents = {int(line) for line in record.read_text().split()}
    record.unlink()
    return parents


def _csv(rows) -> str:
    buffer = io.StringIO()
    grading.write_rows(rows, buffer)
    return buffer.getvalue()


def test_two_jobs_give_the_rows_of_one(submissions, tmp_path):
    folder, record = submissions
    rows, errors = grading.grade([folder], timeout=TIMEOUT, progress=False)
    assert errors == []
    assert _parents(record) == {os.getpid()}
    names = [Path(row.notebook).name for row in rows]
    assert list(dict.fromkeys(names)) == sorted(p.name for p in folder.iterdir())
    by_name = {}
    for row in rows:
        by_name.setdefault(Path(row.notebook).name, []).append(row)
    full = sum(row.max_points for row in by_name["a_master.ipynb"])
    assert sum(row.points for row in by_name["a_master.ipynb"]) == full
    assert 0 < sum(row.points for row in by_name["b_partly_done.ipynb"]) < full
    assert any("timed out" in row.message for row in by_name["c_looping.ipynb"])
    assert all("not a valid notebook" in row.message and not row.points
               for row in by_name["01_truncated.ipynb"])

    out = tmp_path / "scores.csv"
    status = coursepkg_main(["grade", str(folder), "--jobs", "2", "--timeout", str(TIMEOUT),
                             "--out", str(out)])
    assert status == 0
    assert out.read_text() == _csv(rows)
    workers = _parents(record)
    assert os.getpid() not in workers and 1 <= len(workers) <= 2


@pytest.mark.parametrize("value, message", [("0", "must be at least 1, got 0"),
                                            ("-3", "must be at least 1, got -3"),
                                            ("two", "expected a whole number, got 'two'")])
def test_jobs_must_be_a_positive_whole_number(tmp_path, capsys, value, message):
    with pytest.raises(SystemExit) as stop:
        grading.main([str(tmp_path), "--jobs", value])
    assert stop.value.code == 2
    assert re.search(rf"argument --jobs: {re.escape(message)}", capsys.readouterr().err)


def test_grade_rejects_a_job_count_below_one(tmp_path):
    with pytest.raises(ValueError, match="at least 1"):
        grading.grade([tmp_path], jobs=0)
