"""The chapter 09 checks tell right from wrong, name the usual mistakes, and never raise on
a wrong answer."""

import numpy as np
import pytest
from check_harness import (
    assert_the_number_stays_hidden,
    assert_the_same_line_every_time,
    shared_tests,
)

from coursepkg.course.checks import ch09
from coursepkg.nn.optimizers import Adam


def raises(*args):
    raise RuntimeError("student bug")


# ------------------------------------------------------------------------------ q1


def leaky_uniform_limit(fan_in, slope):
    return np.sqrt(6 / ((1 + slope ** 2) * fan_in))


def limit_by_simulation(fan_in, slope):
    """The limit found numerically: the r that keeps Var(z) through 5 leaky layers."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, fan_in))
    z = x
    for _ in range(5):
        a = np.where(z > 0, z, slope * z)
        W = rng.uniform(-1, 1, size=(fan_in, fan_in))
        z = a @ W
    # each layer of U[-1, 1] weights multiplies Var(z) by `ratio`; U[-r, r] by r**2 ratio
    ratio = (z.var() / x.var()) ** (1 / 5)
    return float(1 / np.sqrt(ratio))


# ------------------------------------------------------------------------------ q3


def inverted_dropout(a, rate, rng):
    keep = rng.random(a.shape) >= rate
    return a * keep / (1 - rate)


def dropout_not_scaled(a, rate, rng):
    return a * (rng.random(a.shape) >= rate)


def dropout_global_rng(a, rate, rng):
    keep = np.random.default_rng().random(a.shape) >= rate
    return a * keep / (1 - rate)


def dropout_keeps_rate(a, rate, rng):               # drops 1 - rate instead of rate
    keep = rng.random(a.shape) < rate
    return a * keep / (1 - rate)


# ------------------------------------------------------------------------------ q5


def momentum_sgd(theta, gradient, learning_rate, momentum, n_steps):
    theta = np.array(theta, dtype=float)
    v = np.zeros_like(theta)
    for _ in range(n_steps):
        v = momentum * v - learning_rate * gradient(theta)
        theta = theta + v
    return theta


def momentum_variant(key):
    return lambda *args: ch09._momentum_variant(*args, key)


# ------------------------------------------------------------------------------ q7


def adam_decay(theta, curvatures, learning_rate, weight_decay, decoupled, n_steps):
    theta = np.array(theta, dtype=float)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t in range(1, n_steps + 1):
        g = curvatures * theta + (0 if decoupled else weight_decay * theta)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        step = (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        theta = theta - learning_rate * (step + (weight_decay * theta if decoupled else 0))
    return theta


def adam_decay_package(theta, curvatures, learning_rate, weight_decay, decoupled, n_steps):
    """With the package's Adam (epsilon 1e-8 enters a little differently)."""
    theta = np.array(theta, dtype=float)
    adam = Adam(learning_rate=learning_rate, epsilon=1e-8)
    for _ in range(n_steps):
        before = theta.copy()
        g = curvatures * theta + (0 if decoupled else weight_decay * theta)
        adam.step([theta], [g])
        if decoupled:
            theta -= learning_rate * weight_decay * before
    return theta


def adam_decay_variant(key):
    return lambda *args: ch09._adam_decay(*args, variant=key)


def adam_decay_l2_only(theta, c, lr, wd, decoupled, n):
    return adam_decay(theta, c, lr, wd, False, n)


# ------------------------------------------------------------------------------ q8


def early_stopping(val_losses, patience):
    best_epoch, best, waited = 1, float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best_epoch, best, waited = epoch, loss, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def early_stopping_variant(key):
    return lambda losses, patience: ch09._early_stopping(losses, patience, key)


def early_stopping_last_tie(val_losses, patience):      # <= keeps the last of equal losses
    best_epoch, best, waited = 1, float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best:
            best_epoch, best, waited = epoch, loss, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


ADAM = ch09._adam_reference(**ch09.Q2)
LOSS_26 = float(np.log(26))

# question -> (right answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([leaky_uniform_limit, lambda n, a: float((3 * 2 / (n + n * a * a)) ** 0.5)], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "standard deviation": (lambda n, a: np.sqrt(2 / ((1 + a * a) * n)), 0, "std"),
        "plain ReLU": (lambda n, a: np.sqrt(6 / n), 0.6, "relu_only"),
        "slope not squared": (lambda n, a: np.sqrt(6 / ((1 + a) * n)), 1.2,
                              "slope_not_squared"),
        "half missing": (lambda n, a: np.sqrt(3 / ((1 + a * a) * n)), 0, "no_half"),
        "Glorot's limit": (lambda n, a: np.sqrt(6 / (n + n)), 0.6),
        "returns an array": (lambda n, a: np.full(2, leaky_uniform_limit(n, a)), 0),
    }),
    "q2": ([ADAM, np.float64(ADAM), ADAM * 1.0005], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "one step only": (0.9, 0, "one_step"),
        "no bias correction": (ch09._adam_reference(**ch09.Q2, variant="no_bias_correction"),
                               0, "no_bias_correction"),
        "sign flipped": (ch09._adam_reference(**ch09.Q2, variant="sign"), 0, "sign"),
        "a string": (str(ADAM), 0),
        "nan": (float("nan"), 0),
    }),
    "q3": ([inverted_dropout, lambda a, r, g: np.where(g.random(a.shape) < r, 0.0,
                                                       a / (1 - r))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "not scaled": (dropout_not_scaled, 0, "not_scaled"),
        "ignores the rng": (dropout_global_rng, 2, "global_rng"),
        "keeps a fraction rate": (dropout_keeps_rate, 1, "keeps_rate"),
        "returns the mask": (lambda a, r, g: (g.random(a.shape) >= r) / (1 - r), 0,
                             "mask_only"),
        "flattens": (lambda a, r, g: inverted_dropout(a, r, g).ravel(), 0),
        "returns a list": (lambda a, r, g: inverted_dropout(a, r, g).tolist(), 0),
    }),
    "q4": ([LOSS_26, LOSS_26 * 0.995], {
        "None": (None, 0),
        "probability instead of loss": (1 / 26, 0, "probability"),
        "log base 10": (np.log10(26), 0, "log10"),
        "sign flipped": (-LOSS_26, 0, "sign"),
        "a boolean": (True, 0),
    }),
    "q5": ([momentum_sgd], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "one step short": (momentum_variant("one_step_short"), 0, "one_step_short"),
        "one step more": (momentum_variant("one_step_more"), 0, "one_step_more"),
        "momentum ignored": (lambda t, g, lr, mo, n: momentum_sgd(t, g, lr, 0.0, n), 0.75,
                             "no_momentum"),
        "gradient ascent": (momentum_variant("sign"), 0, "sign"),
        "returns a list": (lambda *args: momentum_sgd(*args).tolist(), 0),
    }),
    "q6": (["b", " B "], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "the test set is unseen": ("a", 0, "test_unseen"),
        "select on training accuracy": ("c", 0, "train_selection"),
        "more values": ("d", 0, "more_values"),
        "a tuple": (("b",), 0),
        "not a letter": ("e", 0),
    }),
    "q7": ([adam_decay, adam_decay_package], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "methods swapped": (adam_decay_variant("swapped"), 0, "swapped"),
        "no bias correction": (adam_decay_variant("no_bias_correction"), 0,
                               "no_bias_correction"),
        "decay not scaled": (adam_decay_variant("decay_not_scaled"), 2, "decay_not_scaled"),
        "L2 in both": (adam_decay_l2_only, 2),
        "returns a list": (lambda *args: adam_decay(*args).tolist(), 0),
    }),
    "q8": ([early_stopping, lambda losses, p: list(early_stopping(losses, p))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "raises": (raises, 0),
        "keeps the last weights": (early_stopping_variant("last_weights"), 2.5,
                                   "last_weights"),
        "counts from 0": (early_stopping_variant("zero_based"), 0, "zero_based"),
        "maximises the loss": (early_stopping_variant("maximises"), 0, "maximises"),
        "one epoch late": (early_stopping_variant("patience_late"), 2.5, "patience_late"),
        "last of the ties": (early_stopping_last_tie, 2, "ties"),
        "a single number": (lambda losses, p: 3, 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch09, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question.points for name, question in ch09.QUESTIONS.items()}
    assert points == {"q1": 3, "q2": 2, "q3": 3, "q4": 1, "q5": 3, "q6": 2, "q7": 4,
                      "q8": 4}


def test_numbers_are_not_revealed_and_failures_are_explained():
    assert_the_number_stays_hidden(ch09.q4, LOSS_26)
    assert_the_number_stays_hidden(ch09.q2, ADAM)
    assert "RuntimeError: 'student bug'" in ch09.q5(raises).message


def test_the_references_agree_with_the_package_and_the_derivations():
    for fan_in, slope in [(784, 0.0), (3, 0.2), (1, 1.0)]:
        expected = np.sqrt(6 / fan_in) if slope == 0 else np.sqrt(6 / ((1 + slope ** 2)
                                                                       * fan_in))
        assert ch09._leaky_limit(fan_in, slope) == pytest.approx(expected, rel=1e-12)
    # the derived limit keeps the variance of deep leaky layers (numerically, 5 %)
    for slope in (0.0, 0.3):
        assert ch09._leaky_limit(200, slope) == pytest.approx(
            limit_by_simulation(200, slope), rel=0.05)
    assert ch09._initial_loss(26) == pytest.approx(np.log(26), rel=1e-12)
    param = np.array([ch09.Q2["theta"]])
    adam = Adam(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=0.0)
    for g in ch09.Q2["gradients"]:
        adam.step([param], [np.array([g])])
    assert ADAM == pytest.approx(param[0], rel=1e-9)
    for args in [(np.array(ch09.Q7["theta"]), np.array(ch09.Q7["curvatures"]), 0.1, 0.5,
                  decoupled, 3) for decoupled in (False, True)]:
        np.testing.assert_allclose(ch09._adam_decay(*args), adam_decay_package(*args),
                                   rtol=1e-5, atol=1e-5)
    assert ch09._early_stopping(ch09.Q8_CURVE, ch09.Q8_PATIENCE) == (6, 9)


def test_the_two_methods_differ_on_every_case():
    for _, theta, c, lr, wd, steps in ch09._q7_cases():
        l2 = ch09._adam_decay(theta, c, lr, wd, False, steps)
        decoupled = ch09._adam_decay(theta, c, lr, wd, True, steps)
        assert not np.allclose(l2, decoupled, rtol=1e-3)


def test_the_answer_is_not_changed_in_place_by_the_check():
    assert ch09.q5(momentum_sgd).passed and ch09.q7(adam_decay).passed


def test_the_same_answer_always_prints_the_same_line():
    assert_the_same_line_every_time(ch09.q3, dropout_keeps_rate)
    assert_the_same_line_every_time(ch09.q8, early_stopping_last_tie)
