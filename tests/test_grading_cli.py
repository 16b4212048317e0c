"""The command line around the grader: nothing is lost (each notebook's rows are saved as
soon as it is graded, an interrupted run writes what it graded, and ``--resume`` grades only
the rest), and the grades go where the instructor asks (a score sheet with student ids,
Gradescope or PrairieLearn results, feedback files). The kernels are replaced by a stand-in
grader here: what is tested is the bookkeeping, not the grading."""

import json
from pathlib import Path

import pytest

from coursepkg.course import grading
from coursepkg.course.grading import Row


@pytest.fixture
def submissions(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in ("a.ipynb", "b.ipynb", "c.ipynb"):
        (folder / name).write_text("{}")
    return folder


@pytest.fixture
def stand_in(monkeypatch):
    """Replace grade_notebook; ``calls`` lists the notebooks graded, and the notebook named
    in ``interrupt_at`` raises KeyboardInterrupt as Ctrl-C would."""
    state = {"calls": [], "interrupt_at": None}

    def grade_notebook(path, **options):
        if Path(path).name == state["interrupt_at"]:
            raise KeyboardInterrupt
        state["calls"].append(Path(path).name)
        return [Row(str(path), "ch01.q1", 2.0, 3.0, f"graded {Path(path).name}")], []
    monkeypatch.setattr(grading, "grade_notebook", grade_notebook)
    return state


def test_an_interrupted_run_keeps_what_it_graded_and_resume_does_the_rest(
        submissions, stand_in, tmp_path, capsys):
    out = tmp_path / "scores.csv"
    stand_in["interrupt_at"] = "b.ipynb"
    assert grading.main([str(submissions), "--out", str(out)]) == 130
    assert "--resume" in capsys.readouterr().err
    assert [Path(r.notebook).name for r in grading.read_rows(out)] == ["a.ipynb"]
    assert Path(f"{out}.partial").exists()

    stand_in.update(interrupt_at=None, calls=[])
    assert grading.main([str(submissions), "--out", str(out), "--resume"]) == 0
    assert stand_in["calls"] == ["b.ipynb", "c.ipynb"]  # a.ipynb is not graded again
    rows = grading.read_rows(out)
    assert [Path(r.notebook).name for r in rows] == ["a.ipynb", "b.ipynb", "c.ipynb"]
    assert not Path(f"{out}.partial").exists()


def test_resume_after_a_finished_run_grades_only_new_notebooks(
        submissions, stand_in, tmp_path):
    out = tmp_path / "scores.json"
    assert grading.main([str(submissions), "--out", str(out), "--format", "json"]) == 0
    (submissions / "d.ipynb").write_text("{}")
    stand_in["calls"].clear()
    assert grading.main([str(submissions), "--out", str(out), "--format", "json",
                         "--resume"]) == 0
    assert stand_in["calls"] == ["d.ipynb"]
    assert len(json.loads(out.read_text())) == 4


def test_a_fresh_run_forgets_an_old_journal(submissions, stand_in, tmp_path):
    out = tmp_path / "scores.csv"
    Path(f"{out}.partial").write_text(json.dumps(
        {"notebook": "old.ipynb", "question": "ch01.q1", "points": 1, "max_points": 3,
         "message": "old", "status": "graded"}) + "\n")
    assert grading.main([str(submissions), "--out", str(out)]) == 0
    assert "old.ipynb" not in out.read_text()


def test_resume_needs_an_output_file(submissions, stand_in):
    with pytest.raises(SystemExit):
        grading.main([str(submissions), "--resume"])


def test_the_score_sheet_is_replaced_whole(tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text("old content")

    def failing(file):
        file.write("half")
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        grading.write_atomically(out, failing)
    assert out.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["scores.csv"]


def test_rows_survive_csv_and_json(tmp_path):
    rows = [Row("a.ipynb", "ch01.q1", 2.5, 3.0, "msg, with comma"),
            Row("b.ipynb", "-", None, None, "not a valid notebook", "not gradable")]
    for fmt in ("csv", "json"):
        path = tmp_path / f"rows.{fmt}"
        grading.write_atomically(path, lambda file: grading.write_rows(rows, file, fmt))
        assert grading.read_rows(path) == rows


def test_results_for_gradescope_and_prairielearn(submissions, stand_in, tmp_path):
    for fmt in ("gradescope", "prairielearn"):
        out = tmp_path / fmt
        assert grading.main([str(submissions), "--out", str(out), "--format", fmt]) == 0
        results = json.loads((out / "a" / "results.json").read_text())
        assert (results["score"] == 2.0 if fmt == "gradescope"
                else results["score"] == pytest.approx(2 / 3))
    with pytest.raises(SystemExit):
        grading.main([str(submissions), "--format", "gradescope"])  # needs --out DIR


def test_a_roster_names_the_students_and_the_feedback_files(submissions, stand_in, tmp_path,
                                                            capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("notebook,student_id\na.ipynb,s001\nb.ipynb,s002\n")
    out, feedback = tmp_path / "scores.csv", tmp_path / "feedback"
    assert grading.main([str(submissions), "--out", str(out), "--roster", str(roster),
                         "--feedback", str(feedback)]) == 0
    assert "c.ipynb" in capsys.readouterr().err  # not in the roster: said, not dropped
    lines = out.read_text().splitlines()
    assert lines[0].startswith("student_id,notebook,")
    assert lines[1].startswith("s001,") and lines[3].startswith(",")
    assert sorted(p.name for p in feedback.iterdir()) == ["c.md", "s001.md", "s002.md"]
    assert "graded a.ipynb" in (feedback / "s001.md").read_text()


def test_a_bad_roster_stops_before_grading(submissions, stand_in, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("file,who\na.ipynb,s001\n")
    with pytest.raises(SystemExit):
        grading.main([str(submissions), "--roster", str(roster)])
    assert stand_in["calls"] == []


def test_the_class_report(submissions, stand_in, tmp_path):
    report = tmp_path / "report.html"
    assert grading.main([str(submissions), "--out", str(tmp_path / "scores.csv"),
                         "--report", str(report)]) == 0
    page = report.read_text()
    assert "ch01.q1" in page and "<img" in page
