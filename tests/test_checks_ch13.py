"""The chapter 13 checks tell right from wrong, and never raise on a wrong answer."""

import numpy as np
import pytest
from check_harness import (
    assert_the_same_line_every_time,
    shared_tests,
)

from coursepkg.course.checks import ch13
from coursepkg.lessons.comparison import mean_std
from coursepkg.models.mlp import MLPClassifier


def raises(*args):
    raise RuntimeError("student bug")


def to_coursepkg(sk, X, y):
    model = MLPClassifier(sk.hidden_layer_sizes, activation=sk.activation, dtype=np.float64,
                          epochs=1, random_state=0).fit(X, y)
    model.coefs_ = [W.copy() for W in sk.coefs_]
    model.intercepts_ = [b.copy() for b in sk.intercepts_]
    return model


def to_coursepkg_relu_always(sk, X, y):
    model = to_coursepkg(sk, X, y)
    model.activation = "relu"
    return model


def to_coursepkg_weights_not_copied(sk, X, y):
    return MLPClassifier(sk.hidden_layer_sizes, activation=sk.activation, dtype=np.float64,
                         epochs=1, random_state=0).fit(X, y)


def relu(z):
    return np.maximum(z, 0)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def make_sgd_step(mean=True, new_weights_in_backward=False, sigmoid_derivative=False):
    """The right step, or one of the usual mistakes."""
    def sgd_step(X, y, coefs, intercepts, learning_rate):
        a, zs = [X], []
        for i, (W, b) in enumerate(zip(coefs, intercepts)):
            zs.append(a[-1] @ W + b)
            a.append(relu(zs[-1]) if i < len(coefs) - 1 else softmax(zs[-1]))
        delta = a[-1] - np.eye(coefs[-1].shape[1])[y]
        if mean:
            delta = delta / len(X)
        new_coefs, new_intercepts = list(coefs), list(intercepts)
        for i in reversed(range(len(coefs))):
            new_coefs[i] = coefs[i] - learning_rate * a[i].T @ delta
            new_intercepts[i] = intercepts[i] - learning_rate * delta.sum(axis=0)
            if i:
                W = new_coefs[i] if new_weights_in_backward else coefs[i]
                derivative = a[i] * (1 - a[i]) if sigmoid_derivative else zs[i - 1] > 0
                delta = (delta @ W.T) * derivative
        return new_coefs, new_intercepts
    return sgd_step


sgd_step = make_sgd_step()
NET = ch13.Q2_NETWORK
Q2 = sgd_step(NET["X"], NET["y"], [NET["W1"], NET["W2"]], [NET["b1"], NET["b2"]],
              NET["learning_rate"])[0][0][0, 0]
Q4 = (float(np.mean(ch13.Q4_ACCURACIES)), float(np.std(ch13.Q4_ACCURACIES, ddof=1)))
A5, B5 = ch13.Q5_ACCURACIES["A"], ch13.Q5_ACCURACIES["B"]
D5 = B5 - A5
Q5 = (float(D5.mean()), float(D5.std(ddof=1) / np.sqrt(5)))


def to_coursepkg_no_biases(sk, X, y):
    model = to_coursepkg_weights_not_copied(sk, X, y)
    model.coefs_ = [W.copy() for W in sk.coefs_]
    return model


def make_sign_step():
    right = make_sgd_step()

    def sgd_step(X, y, coefs, intercepts, learning_rate):
        return right(X, y, coefs, intercepts, -learning_rate)
    return sgd_step


def sgd_step_bias_kept(X, y, coefs, intercepts, learning_rate):
    new_coefs, _ = sgd_step(X, y, coefs, intercepts, learning_rate)
    return new_coefs, [b.copy() for b in intercepts]


# question -> (right answers, {description: (wrong answer, points, mistake key)})
CASES = {
    "q1": ([to_coursepkg], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "returns the scikit-learn model": (lambda sk, X, y: sk, 0),
        "weights not copied": (to_coursepkg_weights_not_copied, 0, "not_copied"),
        "biases not copied": (to_coursepkg_no_biases, 0, "no_biases"),
        "ReLU whatever sklearn used": (to_coursepkg_relu_always, 1, "activation"),
    }),
    "q2": ([Q2, np.float64(Q2)], {
        "None": (None, 0),
        "the old weight": (float(NET["W1"][0, 0]), 0),
        "step uphill": (2 * float(NET["W1"][0, 0]) - Q2, 0, "sign"),
        "the derivative": ((float(NET["W1"][0, 0]) - Q2) / NET["learning_rate"], 0,
                           "gradient_only"),
        "raw scores as probabilities": (-1.125, 0, "scores_not_probabilities"),
        "a string": (str(Q2), 0),
    }),
    "q3": ([sgd_step, lambda *args: tuple(tuple(part) for part in sgd_step(*args))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "sum instead of mean (right for 1 sample)": (make_sgd_step(mean=False), 1,
                                                     "no_mean"),
        "updated weights used backwards": (make_sgd_step(new_weights_in_backward=True), 0,
                                           "updated_weights"),
        "step uphill": (make_sign_step(), 0, "sign"),
        "biases kept": (sgd_step_bias_kept, 0, "bias_not_updated"),
        "sigmoid derivative": (make_sgd_step(sigmoid_derivative=True), 0),
        "returns the gradients' lists only": (lambda *args: sgd_step(*args)[0], 0),
        "returns the old weights": (lambda X, y, coefs, intercepts, lr: (coefs, intercepts), 0),
    }),
    "q4": ([Q4, list(Q4), np.array(Q4)], {
        "None": (None, 0),
        "population std (ddof=0)": ((Q4[0], float(np.std(ch13.Q4_ACCURACIES))), 1,
                                    "population_std"),
        "variance instead of std": ((Q4[0], Q4[1] ** 2), 1, "variance"),
        "mean only": (Q4[0], 0),
        "three numbers": ((*Q4, 0.0), 0),
    }),
    "q5": ([Q5, list(Q5), np.array(Q5)], {
        "None": (None, 0),
        "A minus B": ((-Q5[0], Q5[1]), 2, "sign"),
        "unpaired standard error": (
            (Q5[0], float(np.sqrt(A5.var(ddof=1) / 5 + B5.var(ddof=1) / 5))), 1,
            "unpaired"),
        "population std of the differences": ((Q5[0], float(D5.std() / np.sqrt(5))), 1,
                                              "population_std"),
        "standard deviation, not standard error": ((Q5[0], float(D5.std(ddof=1))), 1,
                                                   "no_sqrt_n"),
        "one number": (Q5[0], 0),
    }),
    "q6": (["c", " C "], {
        "None": (None, 0),
        "the higher score wins": ("a", 0, "one_run_ranking"),
        "per epoch": ("b", 0, "per_epoch"),
        "the same test set": ("d", 0, "same_test_set"),
        "not a letter": (2, 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch13, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question(CASES[name][0][0]).max_points
              for name, question in ch13.QUESTIONS.items()}
    assert points == {"q1": 3, "q2": 2, "q3": 3, "q4": 2, "q5": 3, "q6": 1}


def test_numbers_are_not_revealed():
    for wrong in (0.0, 2 * Q2, Q2 / 2):
        assert f"{Q2:.6g}" not in ch13.q2(wrong).message
    for wrong in ((0.0, 0.0), (Q5[0], 1.0)):
        assert f"{Q5[1]:.6g}" not in ch13.q5(wrong).message


def test_a_paired_comparison_sees_what_an_unpaired_one_misses():
    unpaired = np.sqrt(A5.var(ddof=1) / 5 + B5.var(ddof=1) / 5)
    assert Q5[0] > 4 * Q5[1] and Q5[0] < 2 * unpaired   # B wins seed by seed only


def test_the_references_agree_with_the_formulas():
    assert mean_std(ch13.Q4_ACCURACIES) == pytest.approx(Q4, rel=1e-12)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 4)), rng.integers(0, 3, size=7)
    coefs = [rng.normal(size=(4, 5)), rng.normal(size=(5, 3))]
    intercepts = [rng.normal(size=5), rng.normal(size=3)]
    before = [W.copy() for W in coefs]
    expected = sgd_step(X, y, coefs, intercepts, 0.3)
    got = ch13._reference_sgd_step(X, y, coefs, intercepts, 0.3)
    for mine, theirs in zip([*got[0], *got[1]], [*expected[0], *expected[1]]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-12)
    for W, W0 in zip(coefs, before):
        np.testing.assert_array_equal(W, W0)   # the arguments are left alone


def test_question_2_needs_the_relu_to_pass_the_gradient():
    z1 = NET["X"] @ NET["W1"] + NET["b1"]
    assert np.all(z1 > 0) and Q2 != NET["W1"][0, 0]


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch13.q3, make_sgd_step(mean=False))
    assert_the_same_line_every_time(ch13.q1, to_coursepkg_relu_always)
