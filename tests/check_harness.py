"""The tests every chapter's checks must pass, written once.

A chapter's test module lists, per question, answers that must earn every point and wrong
answers with the points they still earn, and, for a wrong answer that makes one of the
question's declared mistakes, the key of that mistake::

    CASES = {"q1": ([right, ...], {"description": (wrong, points),
                                   "sign flipped": (wrong, 0, "sign"), ...}), ...}

and takes the shared tests from :func:`shared_tests`::

    (test_every_question_is_tested, test_a_right_answer_earns_every_point,
     test_a_wrong_answer_fails_without_raising,
     test_every_declared_mistake_is_diagnosed) = shared_tests(ch02, CASES)

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
    tuple of 4 test functions
        ``test_every_question_is_tested``, ``test_a_right_answer_earns_every_point``,
        ``test_a_wrong_answer_fails_without_raising`` and
        ``test_every_declared_mistake_is_diagnosed``, to be bound to those names in the
        chapter's test module so that pytest collects them there.
    """
    right = [pytest.param(q, answer, id=f"{q}-{i}")
             for q, (answers, _) in cases.items() for i, answer in enumerate(answers)]
    wrong = [pytest.param(q, entry[0], entry[1], entry[2] if len(entry) > 2 else None,
                          id=f"{q}-{description}")
             for q, (_, wrongs) in cases.items()
             for description, entry in wrongs.items()]

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

    @pytest.mark.parametrize("question, answer, points, mistake", wrong)
    def test_a_wrong_answer_fails_without_raising(question, answer, points, mistake,
                                                  capsys):
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
        assert not any(hint in result.message for hint in check.hints), "no hint shown"
        if check.hints:
            assert result.message.endswith(f"More help: {chapter.QUESTIONS.chapter}."
                                           f"{question}.hint()")
        if mistake is not None:
            assert mistake in result.mistakes, result.message
            assert check.mistakes[mistake] in result.message

    def test_every_declared_mistake_is_diagnosed():
        """Each mistake a question declares is fed to its check by a wrong answer."""
        fed = {(q, entry[2]) for q, (_, wrongs) in cases.items()
               for entry in wrongs.values() if len(entry) > 2}
        declared = {(name, key) for name, question in chapter.QUESTIONS.items()
                    for key in question.mistakes}
        assert declared <= fed, f"declared but never fed: {sorted(declared - fed)}"
        assert fed <= declared, f"fed but not declared: {sorted(fed - declared)}"

    return (test_every_question_is_tested, test_a_right_answer_earns_every_point,
            test_a_wrong_answer_fails_without_raising,
            test_every_declared_mistake_is_diagnosed)


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
