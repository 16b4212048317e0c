"""The chapter 10 checks tell right from wrong, and never raise on a wrong answer."""

import numpy as np
import pytest
from check_harness import shared_tests

from coursepkg.course.checks import ch10


def raises(*args):
    raise RuntimeError("student bug")


def scale_pixels(X):
    return (X / 255).astype(np.float32)


def accuracy(y_true, y_pred):
    return np.mean(y_true == y_pred)


def confusion_matrix(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def confusion_matrix_fancy_index(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    C[y_true, y_pred] += 1                      # repeated pairs are counted once
    return C


def macro_f1(C):
    tp = np.diag(C).astype(float)
    denominator = C.sum(axis=0) + C.sum(axis=1)    # 2 TP + FP + FN
    f1 = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    return f1.mean()


def macro_f1_nan(C):
    tp = np.diag(C)
    return np.mean(2 * tp / (C.sum(axis=0) + C.sum(axis=1)))  # 0/0 gives nan


def micro_f1(C):
    return np.trace(C) / C.sum()


def macro_f1_present_classes_only(C):
    tp = np.diag(C).astype(float)
    denominator = C.sum(axis=0) + C.sum(axis=1)
    return np.mean(2 * tp[denominator > 0] / denominator[denominator > 0])


N_PARAMETERS = (784 + 1) * 256 + (256 + 1) * 128 + (128 + 1) * 10

# question -> (right answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([N_PARAMETERS, float(N_PARAMETERS), np.int64(N_PARAMETERS)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "weights only": (784 * 256 + 256 * 128 + 128 * 10, 0),
        "a string": (str(N_PARAMETERS), 0),
    }),
    "q2": ([scale_pixels, lambda X: X.astype(np.float32) / np.float32(255)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "float64 kept": (lambda X: X / 255, 0),
        "divides by the batch maximum": (lambda X: (X / X.max()).astype(np.float32), 2),
        "divides by 256": (lambda X: (X / 256).astype(np.float32), 0),
        "flattens": (lambda X: scale_pixels(X).ravel(), 0),
        "uint8 division": (lambda X: X // 255, 0),
    }),
    "q3": ([np.log(10), float(np.log(10)) * 1.005], {
        "None": (None, 0),
        "log base 10": (1.0, 0),
        "probability instead of loss": (0.1, 0),
        "sign flipped": (-np.log(10), 0),
        "a boolean": (True, 0),
        "nan": (float("nan"), 0),
    }),
    "q4": ([accuracy, lambda t, p: float(np.sum(t == p)) / len(t)], {
        "None": (None, 0),
        "raises": (raises, 0),
        "error rate": (lambda t, p: np.mean(t != p), 0),
        "count instead of fraction": (lambda t, p: np.sum(t == p), 1),
        "returns an array": (lambda t, p: t == p, 0),
    }),
    "q5": ([confusion_matrix, lambda t, p, n: confusion_matrix(t, p, n).astype(float)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "transposed": (lambda t, p, n: confusion_matrix(t, p, n).T, 0),
        "fancy-index += 1": (confusion_matrix_fancy_index, 2),
        "size from the labels seen": (lambda t, p, n: confusion_matrix(
            t, p, int(max(t.max(), p.max())) + 1), 2),
    }),
    "q6": ([macro_f1, lambda C: float(macro_f1(C))], {
        "None": (None, 0),
        "raises": (raises, 0),
        "0/0 gives nan": (macro_f1_nan, 2.25),
        "micro F1 (accuracy)": (micro_f1, 0.75),
        "mean over the classes present": (macro_f1_present_classes_only, 2.25),
        "returns the per-class array": (lambda C: np.atleast_1d(macro_f1(C)) * np.ones(3), 0),
    }),
    "q7": (["b", " B "], {
        "None": (None, 0),
        "lowest precision": ("c", 0),
        "a": ("a", 0),
        "not a letter": (5, 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch10, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question(CASES[name][0][0]).max_points
              for name, question in ch10.QUESTIONS.items()}
    assert points == {"q1": 1, "q2": 3, "q3": 2, "q4": 3, "q5": 3, "q6": 3, "q7": 1}


def test_numbers_are_not_revealed_and_failures_are_explained():
    message = ch10.q3(3.0).message
    assert "too large" in message and "2.30" not in message
    assert "expected dtype float32, got float64" in ch10.q2(lambda X: X / 255).message
    assert "RuntimeError: 'student bug'" in ch10.q5(raises).message


def test_the_references_agree_with_the_formulas():
    assert ch10._initial_loss(10) == pytest.approx(np.log(10), rel=1e-12)
    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 5, 100), rng.integers(0, 5, 100)
    C = confusion_matrix(t, p, 5)
    assert ch10._reference_macro_f1(C) == pytest.approx(macro_f1(C), rel=1e-12)


def test_only_the_right_choice_passes_question_7():
    assert [letter for letter in ch10.Q7_CHOICES if ch10.q7(letter).passed] == ["b"]


def test_the_same_answer_always_prints_the_same_line():
    first = ch10.q6(macro_f1_nan).message
    assert all(ch10.q6(macro_f1_nan).message == first for _ in range(3))
