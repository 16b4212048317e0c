"""The chapter 01 checks tell right from wrong, and never raise on a wrong answer.

Every check is called with the reference implementation (full marks) and with a set of wrong
or unfinished answers (fewer points, a one-line message naming the failed case and the hint).
A bug in a check's own code must still raise, so the machinery is tested for that too.
"""

import sys
import warnings

import numpy as np
import pytest
from check_harness import (
    assert_the_number_stays_hidden,
    assert_the_same_line_every_time,
    shared_tests,
)

from coursepkg.course.checks import (
    NOT_DEFINED, Check, Question, QuestionSet, StudentError, ch01, grade_question)
from coursepkg.nn.layers import dense, dense_loop
from coursepkg.nn.preprocessing import one_hot

Q5_ANSWER = ch01._dense_flops(*ch01.Q5_SHAPE)


def raises(*args):
    raise RuntimeError("student bug")


def naive_softmax(Z):
    return np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)


def one_hot_from_max(y, n_classes):
    return one_hot(y)  # ignores n_classes: too narrow when the last class is absent


# question -> (correct answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([dense, dense_loop], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "not a function": (3.0, 0),
        "raises": (raises, 0),
        "returns None": (lambda X, W, b: None, 0),
        "forgets the bias": (lambda X, W, b: X @ W, 0),
        "transposed result": (lambda X, W, b: (X @ W + b).T, 1),  # (1, 1) happens to pass
        "returns a list": (lambda X, W, b: (X @ W + b).tolist(), 0),
        "complex dtype": (lambda X, W, b: (X @ W + b) + 0j, 0),
        "loses float32": (lambda X, W, b: (X @ W + b).astype(np.float64), 2),
    }),
    "q2": (["b", "B", " b "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "row means": ("a", 0),
        "not a letter": (2, 0),
        "not a choice": ("e", 0),
    }),
    "q3": ([one_hot], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "width from max(y)": (one_hot_from_max, 2),
        "exits": (lambda y, n: sys.exit(3), 0),
        "transposed": (lambda y, n: one_hot(y, n).T, 0),
        "all ones": (lambda y, n: np.ones((len(y), n)), 0),
    }),
    "q4": ([ch01._reference_softmax], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "overflows for large |z|": (naive_softmax, 3),
        "normalises columns": (lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True), 0),
        "loses float32": (lambda Z: ch01._reference_softmax(Z).astype(np.float64), 3),
        "no keepdims": (lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(axis=1), 1),
    }),
    "q5": ([Q5_ANSWER, np.int64(Q5_ANSWER), float(Q5_ANSWER) * 1.005, np.array(Q5_ANSWER),
            2 * np.prod(ch01.Q5_SHAPE)], {   # without the bias: within 1 %
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "multiplications only": (int(np.prod(ch01.Q5_SHAPE)), 0),
        "a string": (str(Q5_ANSWER), 0),
        "a boolean": (True, 0),
        "infinite": (float("inf"), 0),
        "a list": ([Q5_ANSWER], 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch01, CASES)


def test_messages_say_expected_and_got():
    message = ch01.q1(lambda X, W, b: X @ W).message
    assert "expected" in message and "got" in message and "at [0, 0]" in message
    assert "expected shape (5, 3), got (3, 5)" in ch01.q1(
        lambda X, W, b: (X @ W + b).T).message
    assert "expected dtype float32, got float64" in ch01.q4(
        lambda Z: ch01._reference_softmax(Z).astype(np.float64)).message
    assert "got nan (overflow?)" in ch01.q4(naive_softmax).message
    assert "raised RuntimeError: 'student bug'" in ch01.q3(raises).message
    assert "no answer yet (`answer_q2` is None)" in ch01.q2(None).message


def test_a_numeric_answer_is_not_revealed():
    assert_the_number_stays_hidden(ch01.q5, Q5_ANSWER)


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch01.q4, naive_softmax)


def test_the_answer_gets_copies_of_the_inputs():
    def overwrites(X, W, b):
        result = X @ W + b
        X[...] = 0
        W[...] = 0
        return result
    assert ch01.q1(overwrites).passed


def test_only_the_right_choice_passes_question_2():
    passing = [letter for letter in ch01.Q2_CHOICES if ch01.q2(letter).passed]
    assert len(passing) == 1


def test_grade_question_uses_the_namespace_and_reports_missing_answers():
    assert grade_question("ch01", "q1", {"dense": dense}).passed
    result = grade_question("ch01", "q1", {})
    assert result.points == 0 and "`dense` is not defined" in result.message
    with pytest.raises(ValueError, match="no checks for chapter"):
        grade_question("ch98", "q1", {})
    with pytest.raises(ValueError, match="not a chapter name"):
        grade_question("../x", "q1", {})


def test_a_bug_in_a_check_is_not_hidden():
    def buggy_body(check, answer):
        with check.case("first case"):
            expected = np.ones(3) @ np.ones(4)  # a bug in the reference side: raises
            check.same_array(check.call(answer), expected)
    with pytest.raises(ValueError):
        Question("qx", "buggy", "f", ("none",), buggy_body).run(lambda: np.ones(3))


def test_check_machinery_catches_only_the_answers_errors():
    check = Check("qx", "title", "f", points=3)
    with check.case("raises"):
        check.call(raises)
    with check.case("not an array"):
        check.same_array(object(), np.zeros(2))
    with check.case("strings"):
        check.same_array(np.array(["a", "b"]), np.zeros(2))
    result = check.result()
    assert (result.points, result.max_points) == (0, 3)
    assert "+2 more failed cases" in result.message
    assert NOT_DEFINED is not None and repr(NOT_DEFINED) == "<not defined>"


def test_points_are_declared_and_shared_by_the_cases_weights():
    check = Check("qx", "title", "f", points=3)
    with check.case("light"):
        pass
    with check.case("heavy", weight=2):
        raise StudentError("wrong")
    assert (check.result().points, check.result().max_points) == (1, 3)
    assert Check("qx", "title", "f", points=3).result().points == 0


def test_a_question_declares_positive_points():
    questions = QuestionSet("ch99")
    with pytest.raises(ValueError, match="points must be a positive number"):
        questions.question("q1", points=0, title="t", answer_name="a", hints=("h",))
    question = questions.question("q2", points=2.5, title="t", answer_name="a",
                                  hints=("h",))(lambda check, answer: None)
    assert question.points == 2.5 and "Worth 2.5 point(s)." in question.__doc__


def test_a_wrong_answer_prints_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ch01.q4(naive_softmax).points < 4       # overflow in exp
        assert ch01.q1(lambda X, W, b: (X @ W + b) + 0j).points == 0
        assert ch01.q1(lambda X, W, b: np.log(-np.abs(X @ W + b))).points == 0


def _diagnosing_question():
    questions = QuestionSet("ch99")

    @questions.question("q1", points=2, title="t", answer_name="f",
                        hints=("look at the shapes", "write the sum out for one entry"),
                        mistakes={"transposed": "the result is transposed: rows are samples",
                                  "sign": "the sign is flipped",
                                  "half": "the factor 1/2 is missing"},
                        kinds=("code",))
    def q1(check, answer):
        expected = np.arange(6.0).reshape(2, 3) + 1
        with check.case("a 2 x 3 case"):
            check.same_array(check.call(answer), expected,
                             mistakes={"transposed": expected.T, "sign": -expected})
        with check.case("a number"):
            got = check.call(answer)
            number = float(got.sum()) if isinstance(got, np.ndarray) else got
            check.same_number(number, 21.0, mistakes={"half": 42.0})
    return q1


def test_a_recognised_mistake_is_named_not_the_answer():
    q1 = _diagnosing_question()
    expected = np.arange(6.0).reshape(2, 3) + 1
    transposed = q1.run(lambda: expected.T)
    assert "the result is transposed: rows are samples" in transposed.message
    assert transposed.mistakes == ("transposed",) and transposed.points == 1
    flipped = q1.run(lambda: -expected)
    assert "the sign is flipped" in flipped.message and flipped.mistakes == ("sign",)
    assert "21" not in flipped.message and "expected" not in flipped.message
    other = q1.run(lambda: expected * 3)
    assert other.mistakes == () and "expected 1, got 3" in other.message
    assert q1.run(lambda: expected).passed


def test_a_mistake_the_question_does_not_declare_is_a_bug_in_the_check():
    check = Check("qx", "title", "f", points=1, mistakes={"sign": "flipped"})
    with pytest.raises(KeyError, match="declares no mistake 'typo'"):
        check.mistake("typo")


def test_hints_come_in_tiers_on_request_and_never_in_the_check_line(capsys):
    q1 = _diagnosing_question()
    result = q1(lambda: None)
    line = capsys.readouterr().out
    assert "look at the shapes" not in line and line.rstrip().endswith("ch99.q1.hint()")
    q1.hint()
    q1.hint()
    q1.hint()
    tiers = capsys.readouterr().out.splitlines()
    assert tiers == ["q1 hint 1 of 2: look at the shapes",
                     "q1 hint 2 of 2: write the sum out for one entry",
                     "q1 hint 2 of 2: write the sum out for one entry"]
    assert result.points == 0


def test_a_question_declares_hints_as_tiers_and_known_kinds():
    questions = QuestionSet("ch99")
    with pytest.raises(TypeError, match="tuple of tiers"):
        questions.question("q1", points=1, title="t", answer_name="a", hints="one string")
    with pytest.raises(ValueError, match="unknown kinds"):
        questions.question("q2", points=1, title="t", answer_name="a", kinds=("essay",))


def test_a_wrong_choice_names_its_misconception():
    check = Check("qx", "title", "a", points=1, mistakes={"cause": "that is a symptom"})
    with check.case("choice"):
        check.same_choice("c", "b", "abcd", mistakes={"c": "cause"})
    with check.case("choice"):
        check.same_choice("d", "b", "abcd", mistakes={"c": "cause"})
    assert [why for _, why in check.failures] == ["that is a symptom",
                                                  "'d' is not the right choice"]
