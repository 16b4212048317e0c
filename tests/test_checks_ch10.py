"""The chapter 10 checks tell right from wrong, name the usual mistakes, and never raise on a
wrong answer."""

import numpy as np
import pytest
from check_harness import assert_the_same_line_every_time, shared_tests
from sklearn.model_selection import train_test_split

from coursepkg.course.checks import ch10
from coursepkg.data import load_digits
from coursepkg.models.mlp import MLPClassifier


def raises(*args):
    raise RuntimeError("student bug")


def scale_pixels(X):
    return (X / 255).astype(np.float32)


def initial_loss(n_classes, spread):
    return np.log(n_classes) + spread ** 2 * (n_classes - 1) / (2 * n_classes)


def top_k_accuracy(y_true, proba, k):
    top = np.argsort(proba, axis=1)[:, -k:]
    return float(np.mean(np.any(top == y_true[:, None], axis=1)))


def top_k_by_rank(y_true, proba, k):
    # rank of the true class's probability: how many classes beat it
    beaten_by = (proba > proba[np.arange(len(y_true)), y_true][:, None]).sum(axis=1)
    return np.mean(beaten_by < k)


def confusion_matrix(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def confusion_matrix_fancy_index(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    C[y_true, y_pred] += 1                      # repeated pairs are counted once
    return C


RIGHT_Q1 = (1.0, 0.1, 0.965)

# question -> (right answers, {description: (wrong answer, points, mistake key)})
CASES = {
    "q1": ([RIGHT_Q1, [1, 0.1, 0.965], np.array(RIGHT_Q1)], {
        "None": (None, 0),
        "two numbers": ((1.0, 0.1), 0),
        "chose on the test set": ((0.3, 0.1, 0.9825), 0, "chose_on_test"),
        "chose on the training set": ((1.0, 1e-3, 0.9625), 0, "chose_on_training"),
        "reported the validation accuracy": ((1.0, 0.1, 0.98), 2, "reported_validation"),
        "reported the best test accuracy": ((1.0, 0.1, 0.9825), 2, "reported_best_test"),
        "a percentage": ((1.0, 0.1, 96.5), 2),
    }),
    "q2": ([scale_pixels, lambda X: X.astype(np.float32) / np.float32(255)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "float64 kept": (lambda X: X / 255, 0, "float64"),
        "divides by the batch maximum": (lambda X: (X / X.max()).astype(np.float32), 2,
                                         "batch_max"),
        "divides by 256": (lambda X: (X / 256).astype(np.float32), 0, "by_256"),
        "integer division": (lambda X: (X // 255).astype(np.float32), 1,
                             "integer_division"),
        "flattens": (lambda X: scale_pixels(X).ravel(), 0),
    }),
    "q3": ([initial_loss, lambda K, s: float(np.log(K) + s * s / 2 - s * s / (2 * K))], {
        "None": (None, 0),
        "raises": (raises, 0),
        "ln K only": (lambda K, s: np.log(K), 0.75, "no_spread"),
        "variance, not the deviation from the mean": (
            lambda K, s: np.log(K) + s ** 2 / 2, 0.75, "variance_not_within"),
        "spread not squared": (lambda K, s: np.log(K) + s * (K - 1) / (2 * K), 0.75,
                               "not_squared"),
        "no factor 1/2": (lambda K, s: np.log(K) + s ** 2 * (K - 1) / K, 0.75, "no_half"),
        "log base 10": (lambda K, s: np.log10(K) + s ** 2 * (K - 1) / (2 * K), 0,
                        "log10"),
        "a simulation, not the formula": (
            lambda K, s: initial_loss(K, s) * (1 - 2e-3), 0),
    }),
    "q4": ([top_k_accuracy, top_k_by_rank], {
        "None": (None, 0),
        "raises": (raises, 0),
        "the k least likely classes": (
            lambda t, p, k: np.mean(np.any(np.argsort(p, axis=1)[:, :k] == t[:, None],
                                           axis=1)), 0, "least_likely"),
        "k ignored": (lambda t, p, k: np.mean(p.argmax(axis=1) == t), 1, "ignores_k"),
        "a count": (lambda t, p, k: top_k_accuracy(t, p, k) * len(t), 0, "count"),
        "an array": (lambda t, p, k: np.argsort(p, axis=1)[:, -k:], 0),
    }),
    "q5": ([confusion_matrix, lambda t, p, n: confusion_matrix(t, p, n).astype(float)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "transposed": (lambda t, p, n: confusion_matrix(t, p, n).T, 0, "transposed"),
        "fancy-index += 1": (confusion_matrix_fancy_index, 2, "fancy_index"),
        "size from the labels seen": (lambda t, p, n: confusion_matrix(
            t, p, int(max(t.max(), p.max())) + 1), 2, "size_from_labels"),
    }),
    "q6": (["b", " B "], {
        "None": (None, 0),
        "lowest precision": ("c", 0, "precision"),
        "most often predicted by mistake": ("a", 0, "largest_error"),
        "d": ("d", 0),
        "not a letter": (5, 0),
    }),
    "q7": (["c", "C"], {
        "None": (None, 0),
        "the higher mean": ("a", 0, "mean_only"),
        "the smaller spread": ("b", 0, "spread_is_quality"),
        "choose on the test set": ("d", 0, "test_selection"),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch10, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question(CASES[name][0][0]).max_points
              for name, question in ch10.QUESTIONS.items()}
    assert points == {"q1": 3, "q2": 3, "q3": 3, "q4": 3, "q5": 3, "q6": 1, "q7": 1}


def test_the_grid_of_question_1_is_what_the_package_measures():
    X, y = load_digits(scale=True)
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=400, stratify=y,
                                                      random_state=12)
    X_fit, X_val, y_fit, y_val = train_test_split(X_rest, y_rest, test_size=150,
                                                  stratify=y_rest, random_state=12)
    assert len(X_fit) == 1247
    for i, rate in enumerate(ch10.Q1_RATES):
        for j, alpha in enumerate(ch10.Q1_ALPHAS):
            net = MLPClassifier((20,), optimizer="sgd", learning_rate=rate, alpha=alpha,
                                epochs=30, batch_size=64, random_state=0).fit(X_fit, y_fit)
            for name, (X_part, y_part) in {"training": (X_fit, y_fit),
                                           "validation": (X_val, y_val),
                                           "test": (X_test, y_test)}.items():
                assert net.score(X_part, y_part) == pytest.approx(
                    ch10.Q1_ACCURACY[name][i, j], abs=6e-5), (name, rate, alpha)


def test_question_1_tells_the_three_choices_apart():
    grid = ch10.Q1_ACCURACY
    cells = {name: np.unravel_index(np.argmax(scores), scores.shape)
             for name, scores in grid.items()}
    assert len(set(cells.values())) == 3
    for scores in grid.values():                # the best cell of each table is unique
        assert np.sum(scores == scores.max()) == 1
    chosen = cells["validation"]
    reported = {grid["test"][chosen], grid["validation"][chosen], grid["test"].max(),
                grid["test"][cells["training"]]}
    assert len(reported) == 4


def test_the_second_order_loss_agrees_with_a_simulation():
    rng = np.random.default_rng(0)
    for n_classes, spread in ch10.Q3_CASES:
        logits = rng.normal(scale=spread, size=(200_000, n_classes))
        labels = rng.integers(0, n_classes, size=len(logits))
        top = logits.max(axis=1)
        log_sum_exp = top + np.log(np.exp(logits - top[:, None]).sum(axis=1))
        loss = np.mean(log_sum_exp - logits[np.arange(len(logits)), labels])
        # the neglected terms are of order spread^4
        assert loss == pytest.approx(ch10._initial_loss(n_classes, spread),
                                     abs=5e-3 + spread ** 4 / 4)


def test_numbers_are_not_revealed_and_failures_are_explained():
    message = ch10.q3(lambda K, s: 3.0).message
    assert "too large" in message and "2.30" not in message
    assert "raised RuntimeError: 'student bug'" in ch10.q5(raises).message
    assert "0.965" not in ch10.q1((1.0, 0.1, 0.5)).message


def test_only_the_right_choice_passes():
    assert [letter for letter in ch10.Q6_CHOICES if ch10.q6(letter).passed] == ["b"]
    assert [letter for letter in ch10.Q7_CHOICES if ch10.q7(letter).passed] == ["c"]


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch10.q4, lambda t, p, k: np.mean(p.argmax(1) == t))
    assert_the_same_line_every_time(ch10.q5, confusion_matrix_fancy_index)
