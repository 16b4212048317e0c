"""The class report: its numbers on a small known class, the grouping of failures, and a
page that is self-contained, escaped and written atomically. Hand-made rows, no kernels."""

import math
import os
import re

import matplotlib
import pytest

from coursepkg.course import grading, report
from coursepkg.course.grading import NOT_GRADABLE, Row
from coursepkg.course.report import class_summary, diagnosis, write_report

HINT_Q1 = "More help: ch07.q1.hint()"
HINT_Q2 = "More help: ch07.q2.hint()"


def q1(notebook, points, case="5 samples, fan_in 4, fan_out 3",
       why="expected shape (5, 3), got (3, 5)", tail=""):
    """A row of question 1 (3 points): full marks, or a failure with ``why``."""
    if points == 3:
        return Row(notebook, "ch07.q1", 3, 3, "q1 dense layer X @ W + b: 3/3 - correct")
    return Row(notebook, "ch07.q1", points, 3,
               f"q1 dense layer X @ W + b: {points:g}/3 - case '{case}': {why}. "
               f"{HINT_Q1}{tail}")


def q2(notebook, points, why="at [0] expected 0, got -1"):
    """A row of question 2 (2 points)."""
    if points == 2:
        return Row(notebook, "ch07.q2", 2, 2, "q2 ReLU: 2/2 - correct")
    return Row(notebook, "ch07.q2", points, 2,
               f"q2 ReLU: {points:g}/2 - case 'x = [-1, 0, 2]': {why}. {HINT_Q2}")


def small_class():
    """Four graded notebooks and two files that are not gradable.

    q1 scores 3, 0, 1, 0 (mean 1, one full mark); q2 scores 2, 2, 0, 2 (mean 1.5, three).
    """
    return [
        q1("a.ipynb", 3), q2("a.ipynb", 2),
        q1("b.ipynb", 0), q2("b.ipynb", 2),
        q1("c.ipynb", 1, case="1 sample, fan_in 2, fan_out 2",
           why="expected shape (1, 2), got (2, 1)",
           tail=" [notebook: cell 4 (import numpy as np) raised ModuleNotFoundError]"),
        q2("c.ipynb", 0, why="returned None (is the function finished?)"),
        q1("d.ipynb", 0, why="`dense` is not defined"),
        q2("d.ipynb", 2),
        Row("e.ipynb", "-", None, None,
            "not a valid notebook (NotJSONError: Notebook does not appear to be JSON: '')",
            NOT_GRADABLE),
        Row("f.ipynb", "-", None, None,
            "not a valid notebook (NotJSONError: Notebook does not appear to be JSON: 'x')",
            NOT_GRADABLE),
    ]


def question(summary, name):
    return next(q for q in summary.questions if q.question == name)


def test_the_numbers_of_a_small_class():
    summary = class_summary(small_class())
    assert (summary.graded, summary.not_gradable) == (4, 2)
    assert summary.mean_total == pytest.approx((5 + 2 + 1 + 2) / 4)
    assert summary.max_total == 5
    assert [q.question for q in summary.questions] == ["ch07.q1", "ch07.q2"]
    first, second = summary.questions
    assert (first.title, first.max_points, first.submissions) == ("dense layer X @ W + b", 3, 4)
    assert first.mean == pytest.approx(1.0)
    assert first.pass_rate == pytest.approx(0.25)
    assert first.failed == 3
    assert first.scores == (3, 0, 1, 0)
    assert second.mean == pytest.approx(1.5)
    assert second.pass_rate == pytest.approx(0.75)
    assert [(f.diagnosis, f.count, f.share) for f in second.failures] == [
        ("returned None (is the function finished?)", 1, 0.25)]


def test_not_gradable_files_are_counted_apart_with_their_reasons():
    summary = class_summary(small_class())
    assert summary.not_gradable_reasons == (("not a valid notebook (NotJSONError)", 2),)
    assert all(q.submissions == 4 for q in summary.questions)
    only_failed = class_summary(small_class()[-2:])
    assert (only_failed.graded, only_failed.not_gradable) == (0, 2)
    assert only_failed.questions == ()
    assert only_failed.mean_total is None


def test_diagnosis_strips_head_case_label_notes_and_hint():
    message = ("q1 dense layer X @ W + b: 0/3 - case '5 samples, fan_in 4': expected shape "
               "(5, 3), got (3, 5) (+2 more failed cases); hidden cases: 0 of 1 passed. "
               "More help: ch07.q1.hint() [notebook: cell 4 (x = 1) raised ValueError]")
    assert diagnosis(message) == "expected shape (5, 3), got (3, 5)"
    assert diagnosis("q1 dense: 2/3 - public cases passed; hidden cases: 0 of 1 passed"
                     ) == "public cases passed; hidden cases: 0 of 1 passed"
    assert diagnosis("the kernel died while checking the answer [notebook: cell 2 (while "
                     "True:) timed out after 3 s]") == "the kernel died while checking the answer"


def test_failures_differing_in_case_label_hint_or_numbers_group_together():
    rows = [q1("a", 0), q1("b", 0, case="another case"), q1("c", 1),
            Row("d", "ch07.q1", 0, 3, "q1 dense layer X @ W + b: 0/3 - case '2 samples': "
                "expected shape (2, 3), got (3, 2). More help: ch02.q1.hint()"),
            q1("e", 0, why="`dense` is not defined"), q1("f", 3)]
    failures = question(class_summary(rows), "ch07.q1").failures
    assert [(f.diagnosis, f.count, f.variants) for f in failures] == [
        ("expected shape (5, 3), got (3, 5)", 4, 2), ("`dense` is not defined", 1, 1)]
    assert failures[0].share == pytest.approx(4 / 6)


def test_different_diagnoses_stay_apart_and_only_the_top_five_are_kept():
    whys = [f"raised {name}Error: boom" for name in "ABCDEFG"]
    rows = [q1(f"n{i}-{j}", 0, why=why) for i, why in enumerate(whys)
            for j in range(len(whys) - i)]
    failures = question(class_summary(rows), "ch07.q1").failures
    assert len(failures) == report.TOP_FAILURES == 5
    assert [f.count for f in failures] == [7, 6, 5, 4, 3]
    assert [f.diagnosis for f in failures] == whys[:5]


def test_an_empty_class_is_a_clear_error_and_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="no rows"):
        class_summary([])
    with pytest.raises(ValueError, match="no rows"):
        write_report([], tmp_path / "report.html")
    assert list(tmp_path.iterdir()) == []


def test_messages_are_escaped(tmp_path):
    attack = "<script>alert('x')</script> & <img src=x onerror=alert(1)>"
    rows = small_class() + [q1("g.ipynb", 0, why=f"raised RuntimeError: {attack}"),
                            Row("h.ipynb", "-", None, None, attack, NOT_GRADABLE)]
    path = tmp_path / "report.html"
    write_report(rows, path, title="<b>Week 7</b>")
    page = path.read_text(encoding="utf-8")
    assert "<script" not in page and "<img src=x" not in page and "<b>Week" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;img" in page
    assert "<title>&lt;b&gt;Week 7&lt;/b&gt;</title>" in page


def test_the_page_is_self_contained_with_one_image_per_plot(tmp_path):
    path = tmp_path / "report.html"
    summary = write_report(small_class(), path)
    page = path.read_text(encoding="utf-8")
    images = re.findall(r"<img\b[^>]*>", page)
    # The overview, then one figure of scores per question.
    assert len(images) == 1 + len(summary.questions)
    assert all(re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', image)
               for image in images)
    references = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page)
    assert references and all(ref.startswith(("data:", "#")) for ref in references)
    assert not re.search(r"https?://|<link\b|@import|url\(", page)
    assert "<title>Class report: ch07</title>" in page
    for q in summary.questions:
        assert f'<section id="{q.question}">' in page


def test_the_page_shows_the_numbers(tmp_path):
    path = tmp_path / "report.html"
    write_report(small_class(), path)
    page = path.read_text(encoding="utf-8")
    assert "2.50 / 5" in page  # mean total
    assert "mean <b>1.00</b> of 3 points" in page and "full marks <b>25%</b>" in page
    assert "expected shape (5, 3), got (3, 5)" in page
    assert "NotJSONError" in page and "Notebook does not appear" not in page
    assert HINT_Q1 not in page and "ModuleNotFoundError" not in page


def test_many_distinct_scores_become_a_histogram(tmp_path):
    rows = [Row(f"n{i}", "ch07.q3", i / 10, 4, f"q3 loss: {i / 10:g}/4 - case 'c': "
                f"{i / 10:g} is too small (tolerance 1%). More help: ch01.q1.hint()") for i in range(40)]
    summary = write_report(rows, tmp_path / "report.html")
    only = summary.questions[0]
    assert only.mean == pytest.approx(1.95) and only.pass_rate == 0
    assert [(f.count, f.variants) for f in only.failures] == [(40, 40)]


def test_the_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "report.html"
    write_report(small_class(), path)
    assert os.listdir(tmp_path) == ["report.html"]
    before = path.read_bytes()

    def fail(source, target):
        assert os.path.exists(source) and os.path.dirname(source) == str(tmp_path)
        raise OSError("disk full")
    monkeypatch.setattr(grading.os, "replace", fail)  # the one atomic writer
    with pytest.raises(OSError, match="disk full"):
        write_report(small_class()[:2], path)
    assert os.listdir(tmp_path) == ["report.html"]
    assert path.read_bytes() == before


def test_the_users_matplotlib_backend_is_left_alone(tmp_path):
    backend = matplotlib.get_backend()
    write_report(small_class(), tmp_path / "report.html")
    assert matplotlib.get_backend() == backend


def test_graded_rows_need_points():
    rows = [Row("a", "ch07.q1", None, 3, "q1 dense: ?")]
    with pytest.raises(ValueError, match="without points"):
        class_summary(rows)


def test_notebooks_of_different_chapters_have_no_common_maximum():
    rows = [q1("a", 3), Row("b", "ch08.q1", 1, 1, "q1 graph: 1/1 - correct")]
    summary = class_summary(rows)
    assert summary.max_total is None and math.isclose(summary.mean_total, 2)
    assert [q.question for q in summary.questions] == ["ch07.q1", "ch08.q1"]
