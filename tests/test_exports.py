"""Exports of the grader's rows: results files for Gradescope and PrairieLearn, the roster,
the feedback files. Built on hand-made rows, so no kernel runs."""

import json
import os
from pathlib import Path

import pytest

from coursepkg.course import exports, grading
from coursepkg.course.grading import NOT_GRADABLE, Row

HIDDEN = "public cases passed; hidden cases: 1 of 3 passed"
# The fields each format defines (Gradescope's autograder specification; PrairieLearn's
# external grading page): what the exports write must be among them.
GRADESCOPE_TOP = {"score", "execution_time", "output", "output_format", "test_output_format",
                  "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
                  "leaderboard"}
GRADESCOPE_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output",
                   "output_format", "tags", "visibility", "extra_data"}
PRAIRIELEARN_TOP = {"gradable", "score", "message", "output", "images", "format_errors",
                    "tests"}
PRAIRIELEARN_TEST = {"name", "description", "points", "max_points", "message", "output",
                     "images"}


def submission(notebook="subs/alice/01_numpy.ipynb", points=(2, 3, 1.5),
               max_points=(2, 3, 1.5), messages=None):
    messages = messages or [f"q{i + 1}: message {i + 1}" for i in range(len(points))]
    return [Row(notebook, f"ch01.q{i + 1}", p, m, text)
            for i, (p, m, text) in enumerate(zip(points, max_points, messages, strict=True))]


def full_marks(notebook="subs/alice/01_numpy.ipynb"):
    return submission(notebook)


def partial(notebook="subs/bob/01_numpy.ipynb"):
    return submission(notebook, points=(2, 0, 0.5), messages=["ok", "q2: wrong shape", HIDDEN])


def not_gradable(notebook="subs/carol/01_numpy.ipynb", reason="not a valid notebook (x)"):
    return [Row(notebook, "-", None, None, reason, NOT_GRADABLE)]


def roundtrip(results):
    """The results as a JSON reader sees them (no NaN, nothing but JSON types)."""
    return json.loads(json.dumps(results, allow_nan=False))


# -- Gradescope -------------------------------------------------------------------------------

def test_gradescope_full_marks():
    results = roundtrip(exports.gradescope_results(full_marks()))
    assert set(results) <= GRADESCOPE_TOP
    assert results["score"] == 6.5
    assert [t["name"] for t in results["tests"]] == ["ch01.q1", "ch01.q2", "ch01.q3"]
    for test in results["tests"]:
        assert set(test) <= GRADESCOPE_TEST
        assert test["status"] == "passed" and test["visibility"] == "visible"
        assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
    assert results["extra_data"]["status"] == "graded"


def test_gradescope_partial_score_is_the_sum_of_the_tests():
    results = roundtrip(exports.gradescope_results(partial()))
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"])) == 2.5
    assert [t["status"] for t in results["tests"]] == ["passed", "failed", "failed"]
    assert [t["max_score"] for t in results["tests"]] == [2, 3, 1.5]
    assert "2.5/6.5" in results["output"]


def test_gradescope_output_is_the_check_message_verbatim():
    results = exports.gradescope_results(partial())
    assert [t["output"] for t in results["tests"]] == ["ok", "q2: wrong shape", HIDDEN]
    assert results["output_format"] == "text"  # a message's < or * is not markup


def test_gradescope_not_gradable_scores_zero_and_says_why():
    results = roundtrip(exports.gradescope_results(not_gradable(reason="cannot tell chapter")))
    assert set(results) <= GRADESCOPE_TOP
    assert results["score"] == 0 and results["tests"] == []
    assert "cannot tell chapter" in results["output"] and "Not gradable" in results["output"]
    assert results["extra_data"] == {"notebook": "subs/carol/01_numpy.ipynb",
                                     "status": NOT_GRADABLE}


# -- PrairieLearn -----------------------------------------------------------------------------

def test_prairielearn_full_marks():
    results = roundtrip(exports.prairielearn_results(full_marks()))
    assert set(results) <= PRAIRIELEARN_TOP
    assert results["gradable"] is True and results["score"] == 1.0
    for test, row in zip(results["tests"], full_marks(), strict=True):
        assert set(test) <= PRAIRIELEARN_TEST
        assert (test["name"], test["points"], test["max_points"], test["message"]) == (
            row.question, row.points, row.max_points, row.message)


def test_prairielearn_partial_score_is_a_fraction():
    results = roundtrip(exports.prairielearn_results(partial()))
    assert results["score"] == pytest.approx(2.5 / 6.5)
    assert isinstance(results["score"], float) and 0 <= results["score"] <= 1
    assert results["tests"][2]["message"] == HIDDEN
    assert sum(t["points"] for t in results["tests"]) == 2.5


def test_prairielearn_score_stays_in_the_unit_interval():
    over = exports.prairielearn_results(submission(points=(3,), max_points=(2,)))
    nothing = exports.prairielearn_results(submission(points=(0,), max_points=(0,)))
    assert over["score"] == 1.0 and nothing["score"] == 0.0


def test_prairielearn_not_gradable():
    results = roundtrip(exports.prairielearn_results(not_gradable(reason="not a notebook")))
    assert set(results) <= PRAIRIELEARN_TOP
    assert results["gradable"] is False
    assert results["format_errors"] == ["not a notebook"]
    assert "not a notebook" in results["message"] and results["tests"] == []


@pytest.mark.parametrize("make", [exports.gradescope_results, exports.prairielearn_results,
                                  exports.feedback_markdown])
def test_one_submission_only(make):
    with pytest.raises(ValueError, match="no rows"):
        make([])
    with pytest.raises(ValueError, match="2 notebooks"):
        make(full_marks("a.ipynb") + partial("b.ipynb"))
    with pytest.raises(ValueError, match="exactly one row"):
        make(not_gradable("a.ipynb") + full_marks("a.ipynb"))
    with pytest.raises(ValueError, match="no points"):
        make([Row("a.ipynb", "ch01.q1", None, 2, "?")])


# -- roster -----------------------------------------------------------------------------------

def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_read_roster(tmp_path):
    path = write(tmp_path / "roster.csv",
                 "student_id, notebook\n s1 ,alice\\01_numpy.ipynb\n\n"
                 "s2,./bob/01_numpy.ipynb\ns1,02_mlp.ipynb\n", encoding="utf-8-sig")
    assert exports.read_roster(path) == {"alice/01_numpy.ipynb": "s1",
                                         "bob/01_numpy.ipynb": "s2", "02_mlp.ipynb": "s1"}


@pytest.mark.parametrize("text, error", [
    ("notebook,student_id,email\na.ipynb,s1,x\n", r"line 1: unknown column\(s\) 'email'"),
    ("notebook\na.ipynb\n", r"line 1: missing column\(s\) student_id"),
    ("notebook,student_id,notebook\n", "line 1: a column appears twice"),
    ("", "line 1: missing column"),
    ("notebook,student_id\na.ipynb,s1\nb.ipynb\n", "line 3: 1 field"),
    ("notebook,student_id\na.ipynb,\n", "line 2: empty student_id"),
    ("notebook,student_id\n ,s1\n", "line 2: empty notebook"),
    ("notebook,student_id\n../a.ipynb,s1\n", "line 2: '../a.ipynb' is not"),
    ("notebook,student_id\n/subs/a.ipynb,s1\n", "line 2: '/subs/a.ipynb' is not"),
    ("notebook,student_id\nx/a.ipynb,s1\nb.ipynb,s2\n./x//a.ipynb,s3\n",
     "line 4: notebook './x//a.ipynb' is already on line 2"),
])
def test_read_roster_errors_name_the_line(tmp_path, text, error):
    path = write(tmp_path / "roster.csv", text)
    with pytest.raises(ValueError, match=error):
        exports.read_roster(path)


def test_apply_roster_path_first_then_file_name():
    rows = (full_marks("subs/alice/01_numpy.ipynb") + partial("subs/malice/01_numpy.ipynb")
            + not_gradable("subs/02_mlp.ipynb"))
    roster = {"alice/01_numpy.ipynb": "s1", "01_numpy.ipynb": "s2", "02_mlp.ipynb": "s3"}
    pairs, warnings = exports.apply_roster(rows, roster)
    assert [row for _, row in pairs] == rows
    assert [student for student, _ in pairs] == ["s1"] * 3 + ["s2"] * 3 + ["s3"]
    assert warnings == []


def test_apply_roster_reports_missing_ambiguous_and_unused_entries():
    rows = (full_marks("subs/a/01_numpy.ipynb") + partial("subs/b/01_numpy.ipynb")
            + not_gradable("subs/c/stray.ipynb"))
    roster = {"01_numpy.ipynb": "s1", "gone.ipynb": "s9"}
    pairs, warnings = exports.apply_roster(rows, roster)
    assert len(pairs) == len(rows) and {student for student, _ in pairs} == {None}
    assert warnings == [
        "subs/a/01_numpy.ipynb: roster entry '01_numpy.ipynb' matches 2 notebooks; "
        "give its path instead",
        "subs/b/01_numpy.ipynb: roster entry '01_numpy.ipynb' matches 2 notebooks; "
        "give its path instead",
        "subs/c/stray.ipynb: not in the roster",
        "roster entry 'gone.ipynb' (s9): no notebook"]


def test_apply_roster_refuses_entries_read_roster_would_refuse():
    with pytest.raises(ValueError, match="not a relative path"):
        exports.apply_roster(full_marks("a.ipynb"), {"../a.ipynb": "s1"})


# -- file names -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, name", [
    ("s1", "s1"), ("Jane Doe/..\\x", "Jane_Doe_.._x"), ("..hidden.", "hidden"),
    ("-rf", "rf"), ("CON", "_CON"), ("nul.txt", "_nul.txt"), ("", "submission"),
    ("...", "submission"), ("José", "José"), ("x" * 200, "x" * 80),
])
def test_safe_name(text, name):
    assert exports.safe_name(text) == name


def test_submission_names_unique_ignoring_case():
    rows = (full_marks("subs/alice/01_numpy.ipynb") + partial("subs/bob/01_numpy.ipynb")
            + not_gradable("subs/x.ipynb") + not_gradable("subs/X.ipynb")
            + not_gradable("subs/x-2.ipynb"))
    assert list(exports.submission_names(rows).values()) == [
        "alice_01_numpy", "bob_01_numpy", "x", "X-2", "x-2-2"]


def test_submission_names_from_the_roster():
    rows = (full_marks("subs/a/01_numpy.ipynb") + partial("subs/a/02_mlp.ipynb")
            + partial("subs/b/01_numpy.ipynb") + not_gradable("subs/c/01_numpy.ipynb"))
    roster = {"a/01_numpy.ipynb": "s1", "a/02_mlp.ipynb": "s1", "b/01_numpy.ipynb": "o'neil"}
    assert list(exports.submission_names(rows, roster).values()) == [
        "s1_01_numpy", "s1_02_mlp", "o_neil", "01_numpy"]


# -- feedback files ---------------------------------------------------------------------------

def test_feedback_content(tmp_path):
    rows = partial("subs/bob/01_numpy.ipynb") + not_gradable("subs/carol/01_numpy.ipynb")
    roster = {"bob/01_numpy.ipynb": "s2"}
    paths = exports.write_feedback(rows, tmp_path / "feedback", roster)
    assert [p.name for p in paths] == ["s2.md", "01_numpy.md"]
    graded, refused = (p.read_text(encoding="utf-8") for p in paths)
    assert "- Student: `s2`" in graded and "`subs/bob/01_numpy.ipynb`" in graded
    assert "- Total: 2.5/6.5 points" in graded
    for heading, message in [("## ch01.q1: 2/2 points", "ok"),
                             ("## ch01.q2: 0/3 points", "q2: wrong shape"),
                             ("## ch01.q3: 0.5/1.5 points", HIDDEN)]:
        assert f"{heading}\n\n```text\n{message}\n```" in graded
    assert "not graded" in refused and "not a valid notebook (x)" in refused
    assert "points (not a zero)" in refused and "/" not in refused.split("Total:")[1][:20]


def test_feedback_shows_messages_verbatim():
    rows = submission(points=(0,), max_points=(1,), messages=["got ```x``` and `y`"])
    text = exports.feedback_markdown(rows)
    assert "````text\ngot ```x``` and `y`\n````" in text


def test_feedback_names_are_safe_and_unique(tmp_path):
    rows = (full_marks("subs/a/hw.ipynb") + full_marks("subs/b/hw.ipynb")
            + full_marks("subs/c/d.ipynb") + full_marks("subs/e/f.ipynb"))
    roster = {"c/d.ipynb": "../etc/passwd", "e/f.ipynb": "_Etc_Passwd"}
    paths = exports.write_feedback(rows, tmp_path, roster)
    assert [p.name for p in paths] == ["a_hw.md", "b_hw.md", "_etc_passwd.md",
                                       "_Etc_Passwd-2.md"]
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in paths)


def test_feedback_replaces_an_existing_file_whole(tmp_path):
    old = write(tmp_path / "01_numpy.md", "old feedback\n" * 1000)
    [path] = exports.write_feedback(partial(), tmp_path)
    assert path == old
    text = path.read_text(encoding="utf-8")
    assert text == exports.feedback_markdown(partial()) and "old feedback" not in text
    assert os.listdir(tmp_path) == ["01_numpy.md"]  # no temporary file left


def test_an_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    old = write(tmp_path / "01_numpy.md", "old feedback\n")
    moved = []

    def fail(source, target):
        moved.append(Path(source).parent)
        raise KeyboardInterrupt

    monkeypatch.setattr(grading.os, "replace", fail)  # the one atomic writer
    with pytest.raises(KeyboardInterrupt):
        exports.write_feedback(partial(), tmp_path)
    assert moved == [tmp_path]  # the temporary file was in the target's folder
    assert old.read_text() == "old feedback\n"
    assert os.listdir(tmp_path) == ["01_numpy.md"]


# -- results files ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["gradescope", "prairielearn"])
def test_results_layout(tmp_path, fmt):
    rows = full_marks("subs/alice/01_numpy.ipynb") + not_gradable("subs/carol/02.ipynb")
    roster = {"alice/01_numpy.ipynb": "s1"}
    paths = exports.write_results(rows, tmp_path / "out", fmt, roster)
    assert paths == [tmp_path / "out" / "s1" / "results.json",
                     tmp_path / "out" / "02" / "results.json"]
    make = exports.FORMATS[fmt]
    for path, group in zip(paths, exports.group_rows(rows).values(), strict=True):
        assert json.loads(path.read_text(encoding="utf-8")) == make(group)
        assert os.listdir(path.parent) == ["results.json"]


def test_results_are_rewritten_whole(tmp_path):
    exports.write_results(full_marks(), tmp_path, "gradescope")
    [path] = exports.write_results(partial("subs/alice/01_numpy.ipynb"), tmp_path, "gradescope")
    assert json.loads(path.read_text())["score"] == 2.5


def test_results_unknown_format_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="unknown results format 'canvas'"):
        exports.write_results(full_marks(), tmp_path / "out", "canvas")
    assert not (tmp_path / "out").exists()
