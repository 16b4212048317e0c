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
    assert_the_same_line_every_time,
    shared_tests,
)

from coursepkg.course.checks import (
    NOT_DEFINED, Check, Question, QuestionSet, StudentError, ch01, grade_question)
from coursepkg.nn.layers import dense, dense_loop
from coursepkg.nn.preprocessing import one_hot

Q5_ANSWER = ch01._network_flops(ch01.Q5_BATCH, ch01.Q5_SIZES)
Q5_LAYER1 = 2 * ch01.Q5_BATCH * ch01.Q5_SIZES[0] * ch01.Q5_SIZES[1]


def raises(*args):
    raise RuntimeError("student bug")


def naive_softmax(Z):
    return np.exp(Z) / np.exp(Z).sum(axis=-1, keepdims=True)


def softmax_axis_1(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_no_keepdims(Z):
    E = np.exp(Z - Z.max(axis=-1))
    return E / E.sum(axis=-1)


def softmax_of_columns(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def one_hot_from_max(y, n_classes):
    return one_hot(y)  # ignores n_classes: too narrow when the last class is absent


def one_hot_broadcast(y, n_classes):
    return (np.asarray(y)[:, np.newaxis] == np.arange(n_classes)).astype(float)


def standardise(X_train, X_test):
    return (X_test - X_train.mean(axis=0)) / X_train.std(axis=0)


# question -> (correct answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([dense, dense_loop], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "not a function": (3.0, 0),
        "raises": (raises, 0),
        "returns None": (lambda X, W, b: None, 0),
        "forgets the bias": (lambda X, W, b: X @ W, 0, "bias_forgotten"),
        "transposed result": (lambda X, W, b: (X @ W + b).T, 1, "transposed"),  # (1, 1)
        "returns a list": (lambda X, W, b: (X @ W + b).tolist(), 0),
        "complex dtype": (lambda X, W, b: (X @ W + b) + 0j, 0),
        "loses float32": (lambda X, W, b: (X @ W + b).astype(np.float64), 2, "float64"),
    }),
    "q2": (["b", "B", " b "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "weights kept in columns": ("a", 0, "weights_not_transposed"),
        "columns product": ("c", 0, "columns_result"),
        "order kept": ("d", 0, "order_kept"),
        "not a letter": (2, 0),
        "not a choice": ("e", 0),
    }),
    "q3": ([one_hot, one_hot_broadcast], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "width from max(y)": (one_hot_from_max, 2, "width_from_labels"),
        "exits": (lambda y, n: sys.exit(3), 0),
        "transposed": (lambda y, n: one_hot(y, n).T, 0, "transposed"),
        "all ones": (lambda y, n: np.ones((len(y), n)), 0),
    }),
    "q4": ([ch01._reference_softmax], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "overflows for large |z|": (naive_softmax, 3, "overflow"),
        "normalises columns": (softmax_of_columns, 0.5, "columns"),
        "axis 1 fails on one sample": (softmax_axis_1, 3.5, "fixed_axis"),
        "no keepdims": (softmax_no_keepdims, 0.5, "no_keepdims"),
        "loses float32": (lambda Z: ch01._reference_softmax(Z).astype(np.float64), 3.5,
                          "float64"),
    }),
    "q5": ([Q5_ANSWER, np.int64(Q5_ANSWER), float(Q5_ANSWER), np.array(Q5_ANSWER)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "multiplications only": (Q5_ANSWER // 2, 0, "multiplications_only"),
        "first layer only": (Q5_LAYER1, 0, "first_layer_only"),
        "bias counted twice": (Q5_ANSWER + ch01.Q5_BATCH * 138, 0, "bias_twice"),
        "one sample": (Q5_ANSWER // ch01.Q5_BATCH, 0, "one_sample"),
        "1 % off": (Q5_ANSWER * 1.01, 0),
        "a string": (str(Q5_ANSWER), 0),
        "a boolean": (True, 0),
        "infinite": (float("inf"), 0),
        "a list": ([Q5_ANSWER], 0),
    }),
    "q6": ([lambda X, G: (X.T @ G, G.sum(axis=0)),
            lambda X, G: [np.einsum("ik,ij->kj", X, G), list(G.sum(axis=0))]], {
        "None": (None, 0),
        "raises": (raises, 0),
        "returns one array": (lambda X, G: X.T @ G, 0),
        "dW transposed": (lambda X, G: (G.T @ X, G.sum(axis=0)), 1, "transposed"),
        "means over samples": (lambda X, G: (X.T @ G / len(X), G.mean(axis=0)), 1.5,
                               "mean_not_sum"),
        "db over the wrong axis": (lambda X, G: (X.T @ G, G.sum(axis=1)), 2,
                                   "bias_wrong_axis"),
        "dW doubled": (lambda X, G: (2 * X.T @ G, G.sum(axis=0)), 1),
    }),
    "q7": ([standardise], {
        "None": (None, 0),
        "raises": (raises, 0),
        "test statistics": (lambda A, B: (B - B.mean(axis=0)) / B.std(axis=0), 0,
                            "test_statistics"),
        "per sample": (lambda A, B: (B - B.mean(axis=1, keepdims=True))
                       / B.std(axis=1, keepdims=True), 0, "rows"),
        "centred only": (lambda A, B: B - A.mean(axis=0), 0, "not_scaled"),
        "divided by the variance": (lambda A, B: (B - A.mean(axis=0)) / A.var(axis=0), 0,
                                    "variance"),
        "sample standard deviation": (lambda A, B: (B - A.mean(axis=0))
                                      / A.std(axis=0, ddof=1), 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch01, CASES)


def test_messages_say_expected_and_got():
    message = ch01.q1(lambda X, W, b: 2 * X @ W + b).message
    assert "expected" in message and "got" in message and "at [0, 0]" in message
    assert "expected shape (5, 3), got (6, 4)" in ch01.q1(
        lambda X, W, b: np.zeros((len(X) + 1, len(b) + 1))).message
    half = ch01.q4(lambda Z: ch01._reference_softmax(Z).astype(np.float16))
    assert "expected dtype float64, got float16" in half.message and not half.mistakes
    assert "raised RuntimeError: 'student bug'" in ch01.q3(raises).message
    assert "no answer yet (`answer_q2` is None)" in ch01.q2(None).message
    assert "dW: at [0, 0] expected" in ch01.q6(lambda X, G: (2 * X.T @ G, G.sum(0))).message


def test_a_numeric_answer_is_not_revealed():
    too_large, too_small = ch01.q5(Q5_ANSWER * 3).message, ch01.q5(Q5_ANSWER / 3).message
    assert "too large" in too_large and "too small" in too_small
    assert f"{Q5_ANSWER:.6g}" not in too_large + too_small and str(Q5_ANSWER) not in (
        too_large + too_small)


def test_question_5_counts_the_bias_as_the_chapter_does():
    """2 fan_in operations per output entry, bias included: the bias is not added again,
    and the tolerance is tight enough to tell the two counts apart."""
    n, sizes = ch01.Q5_BATCH, ch01.Q5_SIZES
    assert Q5_ANSWER == sum(2 * n * a * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert not ch01.q5(Q5_ANSWER + n * sum(sizes[1:])).passed


def test_question_6_is_checked_by_finite_differences():
    rng = np.random.default_rng(0)
    X, G = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    dW, db = ch01._numerical_dense_grads(X, G, rng.normal(size=(3, 2)), rng.normal(size=2))
    np.testing.assert_allclose(dW, X.T @ G, rtol=1e-6)
    np.testing.assert_allclose(db, G.sum(axis=0), rtol=1e-6)


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch01.q4, naive_softmax)
    assert_the_same_line_every_time(ch01.q7, CASES["q7"][1]["test statistics"][0])


def test_the_answer_gets_copies_of_the_inputs():
    def overwrites(X, W, b):
        result = X @ W + b
        X[...] = 0
        W[...] = 0
        return result
    assert ch01.q1(overwrites).passed


def test_only_the_right_choice_passes_question_2():
    passing = [letter for letter in ch01.Q2_CHOICES if ch01.q2(letter).passed]
    assert passing == ["b"]


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
