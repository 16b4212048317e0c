"""Checks for chapter 09, training neural networks in practice (``exercises/09_training.ipynb``).

=====  ===============================================  =========================  ==============
name   question                                         answer graded              kinds
=====  ===============================================  =========================  ==============
q1     uniform limit for leaky-ReLU layers (derived)    ``leaky_uniform_limit``    derivation,
                                                                                   new situation
q2     the parameter after two Adam steps               ``answer_q2``              number
q3     ``inverted_dropout(a, rate, rng)``               ``inverted_dropout``       code
q4     the initial loss of a 26-class network           ``answer_q4``              number
q5     ``momentum_sgd(theta, gradient, ...)``           ``momentum_sgd``           code
q6     choosing the L2 strength on the test set         ``answer_q6``              choice
q7     Adam with L2 penalty or decoupled weight decay   ``adam_decay``             new situation,
                                                                                   code
q8     early stopping on a validation-loss curve        ``early_stopping``         new situation,
                                                                                   code
=====  ===============================================  =========================  ==============

The references are the book's package (:class:`coursepkg.nn.optimizers.Adam` and
:class:`~coursepkg.nn.optimizers.SGD`, :mod:`coursepkg.nn.losses`) and short NumPy
functions written here. Every check draws its random inputs from a generator with a fixed
seed, so it prints the same line every time it sees the same answer. Each question declares
the usual mistakes it recognises; their candidate answers are computed here, from the same
inputs.
"""

from __future__ import annotations

import numpy as np

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.lessons.training import (
    optimizer_path,
    quadratic_gradient,
    rosenbrock_gradient,
)
from coursepkg.nn.losses import categorical_cross_entropy
from coursepkg.nn.optimizers import SGD
from coursepkg.nn.preprocessing import one_hot

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "Q2",
           "Q4_CLASSES", "Q6_CHOICES", "Q7", "Q8_CURVE", "Q8_PATIENCE"]

QUESTIONS = QuestionSet("ch09")

# ----------------------------------------------------------------------- question data

#: Question 2 - a scalar parameter, the gradients of two steps, Adam's hyper-parameters.
Q2 = {"theta": 1.0, "gradients": (0.5, -1.0), "learning_rate": 0.1, "beta_1": 0.9,
      "beta_2": 0.999}

#: Number of classes in question 4 (the letters of the alphabet).
Q4_CLASSES = 26

#: Question 6 - what is wrong with choosing alpha by the test accuracy.
Q6_CHOICES = {
    "a": "nothing: the network never trained on the test set, so its accuracy stays fair",
    "b": "the reported accuracy is biased upwards; pick alpha on held-out validation data",
    "c": "alpha should be picked on the training accuracy, which measures the fit directly",
    "d": "six values are too few; trying more values of alpha on the test set removes bias",
}
_Q6_ANSWER = "b"

#: Question 7's worked instance: start, the data gradient (a quadratic), hyper-parameters.
Q7 = {"theta": (2.0, -0.5, 0.05), "curvatures": (1.0, 10.0, 0.1), "learning_rate": 0.1,
      "weight_decay": 0.5, "n_steps": 3}

#: Question 8's worked instance: a validation-loss curve (epoch 1 first) and the patience.
Q8_CURVE = (0.92, 0.71, 0.60, 0.55, 0.56, 0.53, 0.54, 0.55, 0.53, 0.57, 0.58, 0.61, 0.63)
Q8_PATIENCE = 3


# -------------------------------------------------------------------------- question 1


def _leaky_limit(fan_in, slope, variant=None):
    """Limit ``r`` of ``U[-r, r]`` that keeps the pre-activation variance of a leaky-ReLU
    layer: ``Var(w) = 2 / ((1 + slope**2) fan_in)`` and ``r**2 / 3 = Var(w)``, or what a
    usual mistake gives."""
    gain = {None: 1 + slope ** 2, "relu_only": 1.0, "slope_not_squared": 1 + slope,
            "no_half": 2 * (1 + slope ** 2)}.get(variant, 1 + slope ** 2)
    variance = 2 / (gain * fan_in)
    return float(np.sqrt(variance) if variant == "std" else np.sqrt(3 * variance))


@QUESTIONS.question(
    "q1", points=3, title="uniform limit for leaky-ReLU layers",
    answer_name="leaky_uniform_limit", kinds=("derivation", "new situation"),
    hints=("Repeat the chapter's argument for He's scale, but with the leaky ReLU: for a "
           "symmetric pre-activation z, what is the mean of leaky(z)**2 in terms of Var(z) "
           "and the slope? Then ask for Var(z) to stay the same from layer to layer.",
           "Half of the pre-activations pass unchanged, the other half are multiplied by "
           "the slope, so the second moment of the activation is a weighted mean of the two "
           "halves. Once you have Var(w), turn it into the limit of a uniform law using "
           "the variance of U[-r, r] (integrate x**2 / (2 r))."),
    mistakes={
        "std": "this is the standard deviation of the weights, not the limit r of the "
               "uniform law: U[-r, r] has variance r**2 / 3",
        "relu_only": "the slope is ignored: this is the limit for a plain ReLU, whose "
                     "negative half is 0; a leaky unit passes slope * z there",
        "slope_not_squared": "the negative half contributes slope * Var(z) instead of "
                             "slope**2 * Var(z): the activation is squared, so is the slope",
        "no_half": "the factor 1/2 is missing: only half of a symmetric pre-activation is "
                   "positive, the other half is scaled by the slope",
    },
)
def q1(check, leaky_uniform_limit):
    """``leaky_uniform_limit(fan_in, slope)`` preserves the variance (1e-6)."""
    for fan_in, slope in [(256, 0.01), (100, 0.2), (784, 0.0), (9, 1.0), (50, 0.5)]:
        with check.case(f"fan_in={fan_in}, slope={slope}"):
            got = check.call(leaky_uniform_limit, fan_in, slope)
            check.same_number(got, _leaky_limit(fan_in, slope), rtol=1e-6,
                              mistakes={key: _leaky_limit(fan_in, slope, key)
                                        for key in ("std", "slope_not_squared",
                                                    "no_half", "relu_only")})


# -------------------------------------------------------------------------- question 2


def _adam_reference(theta, gradients, learning_rate, beta_1, beta_2, variant=None):
    """The parameter after one Adam step per gradient (epsilon 0), or what a usual mistake
    gives."""
    m = v = 0.0
    for t, g in enumerate(gradients, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
        m_hat, v_hat = ((m, v) if variant == "no_bias_correction"
                        else (m / (1 - beta_1 ** t), v / (1 - beta_2 ** t)))
        step = learning_rate * m_hat / np.sqrt(v_hat)
        theta = theta + step if variant == "sign" else theta - step
        if variant == "one_step":
            break
    return float(theta)


@QUESTIONS.question(
    "q2", points=2, title="two Adam steps by hand", answer_name="answer_q2",
    kinds=("number",),
    hints=("Both averages start at 0 and are updated before each step; only the step uses "
           "the bias-corrected averages. Write down the four numbers m, v, m_hat, v_hat for "
           "each of the two steps.",
           "The first step does not depend on the size of the gradient: its corrected "
           "averages are g and g**2. At the second step the correction divides by "
           "1 - beta**2, with beta_1 for m and beta_2 for v; do not divide the raw "
           "averages of the first step again."),
    mistakes={
        "no_bias_correction": "the steps use m_t and v_t without the bias correction: "
                              "divide them by (1 - beta_1**t) and (1 - beta_2**t)",
        "one_step": "this is the parameter after the first step only",
        "sign": "the steps go up the gradient: Adam subtracts eta * m_hat / sqrt(v_hat)",
    },
)
def q2(check, answer_q2):
    """The parameter of ``Q2`` after two Adam steps (0.1 %)."""
    with check.case("theta after two steps", weight=2):
        check.same_number(answer_q2, _adam_reference(**Q2), rtol=1e-3,
                          mistakes={key: _adam_reference(**Q2, variant=key)
                                    for key in ("no_bias_correction", "one_step", "sign")})


# -------------------------------------------------------------------------- question 3


def _dropout_case(check, inverted_dropout, a, rate, seed):
    """The answer's output on ``a``: right shape, and every entry 0 or a / (1 - rate)."""
    out = check.call(inverted_dropout, a, rate, np.random.default_rng(seed))
    if not isinstance(out, np.ndarray):
        check.same_array(out, a)                 # reports "None" or "not an array"
    if out.shape != a.shape:
        raise StudentError(f"expected shape {a.shape}, got {out.shape}")
    try:
        out = out.astype(np.float64)
    except (TypeError, ValueError):
        raise StudentError(f"got an array of {out.dtype}, not of numbers") from None
    kept = np.isclose(out, a / (1 - rate), rtol=1e-6)
    dropped = out == 0
    if np.all(np.isclose(out, a, rtol=1e-6) | dropped) and rate > 0:
        raise check.mistake("not_scaled")
    if np.all(np.isclose(out, 1 / (1 - rate), rtol=1e-6) | dropped):
        raise check.mistake("mask_only")
    if not np.all(kept | dropped):
        where = tuple(int(i) for i in np.argwhere(~(kept | dropped))[0])
        raise StudentError(f"at {list(where)} got {float(out[where]):.6g}, which is neither "
                           f"0 nor a / (1 - rate) = {float(a[where] / (1 - rate)):.6g}")
    return out, dropped


@QUESTIONS.question(
    "q3", points=3, title="inverted dropout", answer_name="inverted_dropout",
    kinds=("code",),
    hints=("Each entry needs its own uniform random number, drawn from the generator you "
           "are given; compare it with the rate to decide whether the unit is dropped.",
           "A unit is dropped with probability rate, so it is kept with probability "
           "1 - rate; the kept ones are enlarged so that the expected output equals the "
           "input. Multiply the activations by a boolean mask and by one scale factor."),
    mistakes={
        "not_scaled": "the kept units are not divided by (1 - rate): the expected output "
                      "is (1 - rate) * a, not a",
        "mask_only": "this is the scaled mask, not the activations multiplied by it",
        "keeps_rate": "the fraction dropped is 1 - rate: rate is the probability of "
                      "dropping a unit, not of keeping it",
        "global_rng": "two calls with generators of the same seed gave different masks: "
                      "draw the mask from the rng argument",
    },
)
def q3(check, inverted_dropout):
    """``inverted_dropout(a, rate, rng)``: 0 or ``a / (1 - rate)``, dropping a fraction
    ``rate``, expectation ``a``, seeded by ``rng``."""
    rng = np.random.default_rng(3)
    big = rng.uniform(0.5, 2.0, size=(400, 250))
    with check.case("100,000 activations, rate 0.3: values and dropped fraction"):
        out, dropped = _dropout_case(check, inverted_dropout, big, 0.3, seed=0)
        fraction = dropped.mean()
        if abs(fraction - 0.7) < 0.01:
            raise check.mistake("keeps_rate")
        if abs(fraction - 0.3) > 0.01:
            raise StudentError(f"dropped a fraction {fraction:.3f} of the units, expected "
                               "about 0.3")
    with check.case("100,000 activations, rate 0.5: the mean is preserved"):
        out, _ = _dropout_case(check, inverted_dropout, big, 0.5, seed=1)
        if not np.isclose(out.mean(), big.mean(), rtol=0.02):
            raise StudentError(f"mean of the output {out.mean():.4f}, mean of the input "
                               f"{big.mean():.4f}: they should agree")
    with check.case("rate 0 keeps a 3-D array unchanged; the same seed, the same mask"):
        small = rng.normal(size=(2, 3, 4))
        check.same_array(check.call(inverted_dropout, small, 0.0, np.random.default_rng(5)),
                         small)
        first, _ = _dropout_case(check, inverted_dropout, big[:20], 0.5, seed=7)
        second, _ = _dropout_case(check, inverted_dropout, big[:20], 0.5, seed=7)
        if not np.array_equal(first, second):
            raise check.mistake("global_rng")


# -------------------------------------------------------------------------- question 4


def _initial_loss(n_classes):
    """Cross-entropy of a network that gives every one of ``n_classes`` classes the same
    probability, measured with the package's loss on labels of every class."""
    uniform = np.full((n_classes, n_classes), 1.0 / n_classes)
    return categorical_cross_entropy(one_hot(np.arange(n_classes), n_classes), uniform)


@QUESTIONS.question(
    "q4", points=1, title="initial loss of a 26-class network", answer_name="answer_q4",
    kinds=("number",),
    hints=("If every score is the same, what probability does the softmax give each class, "
           "in particular the right one?",
           "The loss of one sample is minus the natural logarithm of the probability of its "
           "class; with equal scores it is the same for every sample, so the mean is that "
           "one value."),
    mistakes={
        "probability": "this is the probability of the right class, not the loss",
        "log10": "the logarithm is taken in base 10: cross-entropy uses the natural log",
        "sign": "the sign is flipped: the loss is minus the log of a probability, so it "
                "is positive",
    },
)
def q4(check, answer_q4):
    """The cross-entropy of a uniform softmax over ``Q4_CLASSES`` classes (1 %)."""
    expected = _initial_loss(Q4_CLASSES)
    with check.case(f"{Q4_CLASSES} classes"):
        check.same_number(answer_q4, expected, rtol=0.01,
                          mistakes={"probability": 1 / Q4_CLASSES, "sign": -expected,
                                    "log10": np.log10(Q4_CLASSES)})


# -------------------------------------------------------------------------- question 5


class ScaledGradient:
    """The gradient ``scales * p`` of ``sum(scales * p**2) / 2``: a quadratic whose
    curvature differs along each axis."""

    def __init__(self, scales):
        self.scales = np.asarray(scales, dtype=np.float64)

    def __call__(self, p):
        return p * self.scales


def _momentum_variant(theta, gradient, lr, momentum, n_steps, variant):
    theta = np.array(theta, dtype=float)
    v = np.zeros_like(theta)
    steps = {"one_step_short": n_steps - 1, "one_step_more": n_steps + 1}.get(variant,
                                                                               n_steps)
    for _ in range(steps):
        g = gradient(theta)
        v = (momentum * v + lr * g) if variant == "sign" else (momentum * v - lr * g)
        theta = theta + v
    return theta


@QUESTIONS.question(
    "q5", points=3, title="momentum SGD", answer_name="momentum_sgd",
    kinds=("code",),
    hints=("Keep two arrays, the parameters and the velocity; the velocity starts at zero "
           "and remembers the past steps.",
           "In each of the n_steps iterations: evaluate the gradient at the current "
           "parameters, update the velocity first, then move the parameters by the new "
           "velocity. Work on a float copy of theta so the caller's array is untouched."),
    mistakes={
        "no_momentum": "the velocity is not carried over: this is plain gradient descent",
        "sign": "the steps go up the gradient: the velocity must subtract "
                "learning_rate * gradient",
        "one_step_short": "off by one: one step fewer than n_steps",
        "one_step_more": "off by one: one step more than n_steps",
    },
)
def q5(check, momentum_sgd):
    """``momentum_sgd(theta, gradient, learning_rate, momentum, n_steps)`` agrees with
    :class:`coursepkg.nn.optimizers.SGD` with momentum."""
    cases = [("quadratic, 2 steps", [-4.0, 1.5], quadratic_gradient, 0.02, 0.9, 2),
             ("Rosenbrock, 2 steps", [-1.5, 2.0], rosenbrock_gradient, 0.001, 0.9, 2),
             ("3 parameters, 5 steps", [1.0, -2.0, 0.5], ScaledGradient([1, 3, 10]), 0.05,
              0.5, 5),
             ("momentum 0 is plain gradient descent, 3 steps", [2.0, 2.0],
              quadratic_gradient, 0.04, 0.0, 3)]
    for label, start, gradient, lr, momentum, n_steps in cases:
        with check.case(label):
            theta = np.array(start)
            got = check.call(momentum_sgd, theta, gradient, lr, momentum, n_steps)
            expected = optimizer_path(SGD(lr, momentum=momentum), gradient, theta, n_steps)[-1]
            variants = {key: _momentum_variant(theta, gradient, lr, momentum, n_steps, key)
                        for key in ("sign", "one_step_short", "one_step_more")}
            if momentum:
                variants["no_momentum"] = _momentum_variant(theta, gradient, lr, 0.0,
                                                            n_steps, None)
            check.same_array(got, expected, mistakes=variants)


# -------------------------------------------------------------------------- question 6


@QUESTIONS.question(
    "q6", points=2, title="choosing alpha on the test set", answer_name="answer_q6",
    kinds=("choice",),
    hints=("Ask what the test accuracy is supposed to estimate, and whether it can still "
           "do that after it has been used to make a decision.",
           "Among six values, the best test accuracy is partly luck of the particular test "
           "samples; the maximum of several noisy estimates is larger on average than the "
           "accuracy the chosen model will have on new data."),
    mistakes={
        "test_unseen": "not being trained on does not keep the test set independent: it "
                       "was used to select the model, so its best score is optimistic",
        "train_selection": "the training accuracy rewards fitting the training data, so it "
                           "always prefers the weakest penalty, whatever the overfitting",
        "more_values": "trying more values on the test set makes the selection bias "
                       "larger, not smaller",
    },
)
def q6(check, answer_q6):
    """Multiple choice: a letter of ``Q6_CHOICES``."""
    with check.case("the choice"):
        check.same_choice(answer_q6, _Q6_ANSWER, choices="".join(Q6_CHOICES),
                          mistakes={"a": "test_unseen", "c": "train_selection",
                                    "d": "more_values"})


# -------------------------------------------------------------------------- question 7


def _adam_decay(theta, curvatures, learning_rate, weight_decay, decoupled, n_steps,
                variant=None):
    """Adam (beta 0.9, 0.999, epsilon 1e-8) on ``J = sum(c * theta**2) / 2`` with an L2
    term added to the gradient, or with decoupled weight decay; or a usual mistake."""
    if variant == "swapped":
        decoupled = not decoupled
    theta = np.array(theta, dtype=np.float64)
    c = np.asarray(curvatures, dtype=np.float64)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t in range(1, n_steps + 1):
        g = c * theta
        if not decoupled:
            g = g + weight_decay * theta
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = ((m, v) if variant == "no_bias_correction"
                        else (m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)))
        step = learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
        if decoupled:
            decay = weight_decay * theta
            step = step + (decay if variant == "decay_not_scaled" else learning_rate * decay)
        theta = theta - step
    return theta


def _q7_cases():
    rng = np.random.default_rng(97)
    cases = [("the printed instance", Q7["theta"], Q7["curvatures"], Q7["learning_rate"],
              Q7["weight_decay"], Q7["n_steps"])]
    for label, n, steps in [("5 parameters, 4 steps", 5, 4), ("2 parameters, 6 steps", 2, 6)]:
        cases.append((label, tuple(rng.normal(size=n)), tuple(rng.uniform(0.1, 5, size=n)),
                      0.05, 0.3, steps))
    return cases


@QUESTIONS.question(
    "q7", points=4, title="Adam with L2 or decoupled weight decay", answer_name="adam_decay",
    kinds=("new situation", "code"),
    hints=("The two methods differ only in where the term weight_decay * theta enters: "
           "once inside the gradient that feeds m and v, once outside Adam's normalised "
           "step. Write one loop and branch on decoupled.",
           "With the L2 penalty, the term is added to the data gradient before the two "
           "averages are updated, so Adam rescales it like any gradient. With decoupled "
           "decay the averages see the data gradient only, and the decay term, taken at "
           "the parameters before the step and multiplied by the learning rate, is added "
           "to Adam's step."),
    mistakes={
        "swapped": "the two methods are swapped: with decoupled=True the decay must stay "
                   "out of m and v",
        "no_bias_correction": "the steps use m and v without the bias correction",
        "decay_not_scaled": "the decoupled decay is not multiplied by the learning rate: "
                            "each step shrinks theta by weight_decay * theta",
    },
)
def q7(check, adam_decay):
    """``adam_decay(theta, curvatures, learning_rate, weight_decay, decoupled, n_steps)``,
    with L2 in the gradient and with decoupled decay, per case and method."""
    for label, theta, c, lr, wd, steps in _q7_cases():
        for decoupled in (False, True):
            name = "decoupled decay" if decoupled else "L2 in the gradient"
            with check.case(f"{label}, {name}"):
                args = (np.array(theta), np.array(c), lr, wd, decoupled, steps)
                got = check.call(adam_decay, *args)
                check.same_array(got, _adam_decay(*args), rtol=1e-5, atol=1e-5, mistakes={
                    key: _adam_decay(*args, variant=key)
                    for key in ("swapped", "no_bias_correction", "decay_not_scaled")})


# -------------------------------------------------------------------------- question 8


def _early_stopping(losses, patience, variant=None):
    """``(kept epoch, stopping epoch)``, 1-based: the first epoch of lowest validation loss,
    and the epoch after which ``patience`` epochs in a row brought no strict improvement."""
    sign = -1 if variant == "maximises" else 1
    best, best_value, waited, stop = 0, np.inf, 0, len(losses)
    for epoch, value in enumerate(losses):
        if sign * value < best_value or (variant == "ties" and value == best_value):
            best, best_value, waited = epoch, sign * value, 0
        else:
            waited += 1
            if waited == patience + (variant == "patience_late"):
                stop = epoch + 1
                break
    kept = stop if variant == "last_weights" else best + 1
    shift = 1 if variant == "zero_based" else 0
    return kept - shift, stop - shift


def _q8_cases():
    rng = np.random.default_rng(98)
    cases = [("the printed curve", Q8_CURVE, Q8_PATIENCE)]
    epochs = np.arange(1, 41)
    noisy = 1 / epochs + 0.01 * epochs + 0.02 * rng.standard_normal(40)
    cases.append(("a noisy U-shaped curve, patience 5", tuple(np.round(noisy, 4)), 5))
    cases.append(("a curve that keeps falling, patience 2",
                  tuple(np.round(1 / epochs[:15], 4)), 2))
    cases.append(("a tie with the best, patience 2", (0.9, 0.5, 0.7, 0.5, 0.6, 0.4, 0.6), 2))
    return cases


@QUESTIONS.question(
    "q8", points=4, title="early stopping on the validation loss",
    answer_name="early_stopping", kinds=("new situation", "code"),
    hints=("Walk through the epochs once, remembering the best validation loss so far, "
           "the epoch it was reached, and how many epochs have passed since.",
           "An epoch improves only if its loss is strictly lower than the best so far; then "
           "the counter goes back to 0, otherwise it grows by one, and training stops at "
           "the epoch where the counter reaches the patience. Epochs are numbered from 1; "
           "a run that never stops ends at the last epoch."),
    mistakes={
        "last_weights": "the kept epoch is the last one trained: early stopping restores "
                        "the weights of the epoch with the lowest validation loss",
        "zero_based": "off by one: epochs are numbered from 1, not from 0",
        "maximises": "the highest validation loss is kept: a loss, unlike an accuracy, "
                     "is minimised",
        "patience_late": "off by one: training runs one epoch longer than the patience "
                         "allows",
        "ties": "an equal loss is counted as an improvement: only a strictly lower loss "
                "moves the kept epoch and restarts the patience",
    },
)
def q8(check, early_stopping):
    """``early_stopping(val_losses, patience)`` returns ``(kept epoch, stopping epoch)``."""
    for label, losses, patience in _q8_cases():
        expected = _early_stopping(losses, patience)
        for index, what in enumerate(("kept epoch", "stopping epoch")):
            with check.case(f"{label}: {what}"):
                got = check.call(early_stopping, list(losses), patience)
                missing = missing_answer(got, check.answer_name)
                if missing:
                    raise StudentError("returned None (is the function finished?)")
                try:
                    pair = np.array(got, dtype=np.float64)
                except (TypeError, ValueError):
                    pair = None
                if pair is None or pair.shape != (2,):
                    raise StudentError(f"expected a pair (kept epoch, stopping epoch), "
                                       f"got {describe(got)}")
                if pair[index] != expected[index]:
                    keys = ("ties", "last_weights", "zero_based", "maximises",
                            "patience_late")
                    wrongs = {key: _early_stopping(losses, patience, key) for key in keys}
                    for key, wrong in wrongs.items():       # the whole pair first
                        if tuple(pair) == wrong:
                            raise check.mistake(key)
                    for key, wrong in wrongs.items():
                        if wrong[index] != expected[index] and pair[index] == wrong[index]:
                            raise check.mistake(key)
                    late = "too late" if pair[index] > expected[index] else "too early"
                    raise StudentError(f"the {what} is {pair[index]:g}, which is {late}")
