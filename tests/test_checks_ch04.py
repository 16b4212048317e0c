"""The chapter 04 checks tell right from wrong, and never raise on a wrong answer."""

import sys
import warnings

import numpy as np
from check_harness import assert_the_number_stays_hidden, shared_tests

from coursepkg.course.checks import NOT_DEFINED, ch04, grade_question
from coursepkg.lessons.margins import add_bias_feature, margin, perceptron_mistake_bound, radius
from coursepkg.lessons.threshold_logic import NAND_BIAS, NAND_WEIGHTS
from coursepkg.models.linear import Perceptron


def raises(*args):
    raise RuntimeError("student bug")


def perceptron_epoch(X, t, w, b, learning_rate):
    for x_i, t_i in zip(X, t):
        if (1 if x_i @ w + b >= 0 else -1) != t_i:
            w = w + learning_rate * t_i * x_i
            b = b + learning_rate * t_i
    return w, b


def in_place_epoch(X, t, w, b, learning_rate):
    for x_i, t_i in zip(X, t):
        if np.sign(x_i @ w + b + 0.5 * (x_i @ w + b == 0)) != t_i:
            w += learning_rate * t_i * x_i
            b += learning_rate * t_i
    return w, np.float64(b)


def strict_epoch(X, t, w, b, learning_rate):      # z = 0 predicts -1
    for x_i, t_i in zip(X, t):
        if (1 if x_i @ w + b > 0 else -1) != t_i:
            w = w + learning_rate * t_i * x_i
            b = b + learning_rate * t_i
    return w, b


def batch_epoch(X, t, w, b, learning_rate):        # all mistakes of the epoch at once
    wrong = np.where(X @ w + b >= 0, 1, -1) != t
    return w + learning_rate * t[wrong] @ X[wrong], b + learning_rate * t[wrong].sum()


def adaline_gradient(X, t, w, b):
    residual = X @ w + b - t
    return X.T @ residual / len(X), residual.mean()


Q1_ANSWER = np.r_[Perceptron(learning_rate=0.5, epochs=1).fit(
    ch04.Q1_DATA["X"], ch04.Q1_DATA["y"]).coef_, 0.0]
Q4_ANSWER = perceptron_mistake_bound(ch04.Q4_DATA["X"], ch04.Q4_DATA["y"], u=ch04.Q4_DATA["u"])

# question -> (correct answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([Q1_ANSWER, Q1_ANSWER.tolist(), tuple(Q1_ANSWER), Q1_ANSWER + 1e-9], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "zeros": (np.zeros(3), 0),
        "updates on z = 0 too": (np.array([-1.0, 0.0, -0.5]), 0),
        "w only": (Q1_ANSWER[:2], 0),
        "a string": ("0.5 1 0", 0),
        "ragged": ([[0.5], 1.0, 0.0], 0),
    }),
    "q2": ([(NAND_WEIGHTS, NAND_BIAS), ([-1, -1], 1.5), (np.array([-0.5, -0.5]), np.array([0.7]))],
           {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "AND": (([1.0, 1.0], -1.5), 0),
        "OR": (([1.0, 1.0], -0.5), 1),     # agrees with NAND on (0, 1) and (1, 0) only
        "always 1": (([0.0, 0.0], 1.0), 1.5),
        "3 weights": (([-2.0, -2.0, 0.0], 3.0), 0),
        "not a pair": (3.0, 0),
        "nan bias": (([-2.0, -2.0], np.nan), 0),
    }),
    "q3": ([perceptron_epoch, in_place_epoch], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "exits": (lambda *args: sys.exit(3), 0),
        "returns None": (lambda X, t, w, b, lr: None, 0),
        "returns w only": (lambda X, t, w, b, lr: perceptron_epoch(X, t, w, b, lr)[0], 0),
        "no update": (lambda X, t, w, b, lr: (w, b), 0),
        "z = 0 predicts -1": (strict_epoch, 0),
        "batch update": (batch_epoch, 1),
        "ignores the learning rate": (
            lambda X, t, w, b, lr: perceptron_epoch(X, t, w, b, 1.0), 2),
    }),
    "q4": ([Q4_ANSWER, np.float64(Q4_ANSWER), np.array(Q4_ANSWER), Q4_ANSWER * 1.005], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "R without the constant 1": ((radius(ch04.Q4_DATA["X"]) / margin(
            add_bias_feature(ch04.Q4_DATA["X"]), ch04.Q4_DATA["y"], ch04.Q4_DATA["u"])) ** 2, 0),
        "R / gamma, not squared": (np.sqrt(Q4_ANSWER), 0),
        "a string": (str(Q4_ANSWER), 0),
        "infinite": (float("inf"), 0),
    }),
    "q5": ([adaline_gradient,
            lambda X, t, w, b: (adaline_gradient(X, t, w, b)[0],
                                np.array([adaline_gradient(X, t, w, b)[1]]))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "sum, not mean": (lambda X, t, w, b: tuple(len(X) * g
                                                   for g in adaline_gradient(X, t, w, b)), 1),
        "factor 2": (lambda X, t, w, b: tuple(2 * g for g in adaline_gradient(X, t, w, b)), 0),
        "wrong sign": (lambda X, t, w, b: tuple(-g for g in adaline_gradient(X, t, w, b)), 0),
        "forgets the bias in r": (lambda X, t, w, b: adaline_gradient(X, t, w, 0.0), 0),
        "transposed product": (lambda X, t, w, b: (X @ X.T, 0.0), 0),
        "returns one array": (lambda X, t, w, b: adaline_gradient(X, t, w, b)[0], 0),
    }),
    "q6": (["b", "B", " b "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "more epochs": ("c", 0),
        "not a letter": (2, 0),
        "not a choice": ("e", 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch04, CASES)


def test_the_points_add_up_to_14():
    assert sum(q.run(CASES[name][0][0]).max_points for name, q in ch04.QUESTIONS.items()) == 14


def test_messages_name_the_problem():
    assert "no answer yet (`answer_q1` is None)" in ch04.q1(None).message
    assert "expected shape (3,), got (2,)" in ch04.q1(Q1_ANSWER[:2]).message
    assert "no answer yet (`nand_unit` is Ellipsis)" in ch04.q2(...).message
    assert "should be a pair" in ch04.q2(3.0).message
    assert "raised RuntimeError: 'student bug'" in ch04.q3(raises).message
    assert "should return a pair" in ch04.q5(lambda X, t, w, b: X.T @ t).message
    assert "'c' is not the right choice" in ch04.q6("c").message


def test_a_numeric_answer_is_not_revealed():
    assert_the_number_stays_hidden(ch04.q4, Q4_ANSWER)


def test_the_answer_gets_copies_of_the_inputs():
    def overwrites(X, t, w, b):
        gradient = adaline_gradient(X, t, w, b)
        X[...] = 0
        t[...] = 0
        return gradient
    assert ch04.q5(overwrites).passed


def test_only_one_choice_passes_question_6():
    assert [letter for letter in ch04.Q6_CHOICES if ch04.q6(letter).passed] == ["b"]


def test_the_grader_finds_the_answers_by_name():
    assert grade_question("ch04", "q3", {"perceptron_epoch": perceptron_epoch}).passed
    assert grade_question("ch04", "q2", {"nand_unit": (NAND_WEIGHTS, NAND_BIAS)}).passed
    for name in ch04.QUESTIONS:
        result = grade_question("ch04", name, {})
        assert result.points == 0 and "is not defined" in result.message
    assert ch04.q1(NOT_DEFINED).points == 0


def test_separable_data_has_both_classes_and_a_gap():
    rng = np.random.default_rng(0)
    for _ in range(20):
        X, y = ch04.separable_data(rng, 5, 3)
        assert 0 < y.sum() < len(y) and X.shape == (len(y), 3)


def test_a_wrong_answer_prints_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ch04.q5(lambda X, t, w, b: (np.exp(1000 * X[0]), np.log(-1.0))).points == 0
        assert ch04.q3(lambda X, t, w, b, lr: (w / 0.0, b)).points == 0
