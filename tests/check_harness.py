"""The tests every chapter's checks must pass, written once.

A chapter's test module lists, per question, answers that must earn every point and wrong
answers with the points they still earn::

    CASES = {"q1": ([right, ...], {"description": (wrong, points), ...}), ...}

and takes the shared tests from :func:`shared_tests`::

    (test_every_question_is_tested, test_a_right_answer_earns_every_point,
     test_a_wrong_answer_fails_without_raising) = shared_tests(ch02, CASES)

Test ids name the question and the answer: ``q1-0`` for the first right answer of q1,
``q1-strict inequality`` for a wrong one.
"""

import warnings

import pytest

from coursepkg.course.checks import CheckResult, wrap_message


def assert_printed_wrapped(printed, result):
    """The check printed ``result.message`` wrapped: lines of at most 88 characters, the
    first with the question and its points, the others indented."""
    assert printed == wrap_message(result.message) + "\n"
    first, *rest = printed.splitlines()
    assert all(len(line) <= 88 for line in printed.splitlines()), printed
    assert first.startswith(f"{result.question} ")
    assert f"{result.points:g}/{result.max_points:g}" in first
    assert all(line.startswith("    ") for line in rest), printed


def shared_tests(chapter, cases):
    """The three tests of a chapter's checks, parametrized by ``cases``.

    Parameters
    ----------
    chapter : module
        A module of :mod:`coursepkg.course.checks` with its ``QUESTIONS``.
    cases : dict
        ``{question: (right answers, {description: (wrong answer, points it still earns)})}``.

    Returns
    -------
    tuple of 3 test functions
        ``test_every_question_is_tested``, ``test_a_right_answer_earns_every_point`` and
        ``test_a_wrong_answer_fails_without_raising``, to be bound to those names in the
        chapter's test module so that pytest collects them there.
    """
    right = [pytest.param(q, answer, id=f"{q}-{i}")
             for q, (answers, _) in cases.items() for i, answer in enumerate(answers)]
    wrong = [pytest.param(q, answer, points, id=f"{q}-{description}")
             for q, (_, wrongs) in cases.items()
             for description, (answer, points) in wrongs.items()]

    def test_every_question_is_tested():
        assert set(cases) == set(chapter.QUESTIONS)

    @pytest.mark.parametrize("question, answer", right)
    def test_a_right_answer_earns_every_point(question, answer, capsys):
        result = chapter.QUESTIONS[question](answer)
        assert isinstance(result, CheckResult)
        assert result.passed and result.points == result.max_points > 0, result.message
        line = capsys.readouterr().out
        assert_printed_wrapped(line, result)
        assert line.startswith(f"{question} ") and "Hint" not in line

    @pytest.mark.parametrize("question, answer, points", wrong)
    def test_a_wrong_answer_fails_without_raising(question, answer, points, capsys):
        check = chapter.QUESTIONS[question]
        with warnings.catch_warnings():
            warnings.simplefilter("error")           # and prints no warning
            result = check(answer)
        printed = capsys.readouterr().out
        assert "\n" not in result.message, "one line"
        assert_printed_wrapped(printed, result)
        assert result.points == points < result.max_points, result.message
        assert f"{points:g}/{result.max_points:g}" in result.message
        assert "case '" in result.message, "the failed input is named"
        assert f"Hint: {check.hint}" in result.message

    return (test_every_question_is_tested, test_a_right_answer_earns_every_point,
            test_a_wrong_answer_fails_without_raising)


def assert_the_number_stays_hidden(check, answer):
    """Twice ``answer`` is "too large" and half of it "too small"; neither message shows it.

    ``check`` is a question of a chapter and ``answer`` its right (positive) numeric answer.
    """
    too_large, too_small = check(answer * 2).message, check(answer / 2).message
    assert "too large" in too_large and "too small" in too_small
    assert f"{answer:.6g}" not in too_large + too_small


def assert_the_same_line_every_time(check, answer, times=3):
    """``check(answer)`` prints the same message every time (its random inputs are seeded)."""
    first = check(answer).message
    assert all(check(answer).message == first for _ in range(times))
