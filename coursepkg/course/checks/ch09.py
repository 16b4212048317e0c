"""Checks for chapter 09, training neural networks in practice (``exercises/09_training.ipynb``).

=====  ==============================================  ========================
name   question                                        answer graded
=====  ==============================================  ========================
q1     ``glorot_uniform_limit(fan_in, fan_out)``       ``glorot_uniform_limit``
q2     the parameter after two Adam steps              ``answer_q2``
q3     ``inverted_dropout(a, rate, rng)``              ``inverted_dropout``
q4     the initial loss of a 26-class network          ``answer_q4``
q5     ``momentum_sgd(theta, gradient, ...)``          ``momentum_sgd``
q6     symptoms and remedies (three choices)           ``answer_q6``
=====  ==============================================  ========================

The references are the book's package: :mod:`coursepkg.nn.initializers`,
:class:`coursepkg.nn.optimizers.Adam` and :class:`~coursepkg.nn.optimizers.SGD`,
:mod:`coursepkg.nn.losses`. Every check draws its random inputs from a generator with a fixed
seed, so it prints the same line every time it sees the same answer.
"""

from __future__ import annotations

import numpy as np

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.lessons.training import optimizer_path, quadratic_gradient, rosenbrock_gradient
from coursepkg.nn.initializers import glorot_uniform
from coursepkg.nn.losses import categorical_cross_entropy
from coursepkg.nn.optimizers import SGD, Adam
from coursepkg.nn.preprocessing import one_hot

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q2", "Q4_CLASSES",
           "Q6_SYMPTOMS", "Q6_CHOICES"]

QUESTIONS = QuestionSet("ch09")

#: Question 2 - a scalar parameter, the gradients of two steps, Adam's hyper-parameters.
Q2 = {"theta": 1.0, "gradients": (0.5, -1.0), "learning_rate": 0.1, "beta_1": 0.9,
      "beta_2": 0.999}

#: Number of classes in question 4 (the letters of the alphabet).
Q4_CLASSES = 26

#: Question 6 - three training runs, described by their symptoms.
Q6_SYMPTOMS = (
    "The training loss grows from epoch to epoch and becomes NaN in epoch 4.",
    "The training loss stays at its initial value ln(10) for 50 epochs; the learning rate is "
    "1e-6 and the gradient norms are small but not zero.",
    "The training accuracy reaches 100 %, the test accuracy stays at 70 %, and the "
    "validation loss has been rising since epoch 8.",
)

Q6_CHOICES = {
    "a": "lower the learning rate, or clip the gradients",
    "b": "raise the learning rate, guided by a learning-rate range test",
    "c": "regularise: an L2 penalty, dropout or early stopping",
    "d": "add more hidden layers",
}
_Q6_ANSWERS = ("a", "b", "c")


# ------------------------------------------------------------------------------ references


def _package_glorot_limit(fan_in, fan_out, seed=0):
    """The limit ``r`` of the package's Glorot uniform law ``U[-r, r]``, read off its draws.

    :func:`coursepkg.nn.initializers.glorot_uniform` draws ``-r + 2 r u`` from the uniform
    numbers ``u`` of ``numpy.random.default_rng(seed).random``; the same ``u`` give ``r``.
    """
    W = glorot_uniform(fan_in, fan_out, seed)
    u = np.random.default_rng(seed).random(W.shape)
    usable = np.abs(2 * u - 1) > 0.1
    return float(np.median(W[usable] / (2 * u[usable] - 1)))


def _adam_reference(theta, gradients, learning_rate, beta_1, beta_2):
    """The parameter after one :class:`~coursepkg.nn.optimizers.Adam` step per gradient."""
    param = np.array([theta], dtype=np.float64)
    adam = Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2)
    for g in gradients:
        adam.step([param], [np.array([g], dtype=np.float64)])
    return float(param[0])


def _initial_loss(n_classes):
    """Cross-entropy of a network that gives every one of ``n_classes`` classes the same
    probability, measured with the package's loss on labels of every class."""
    uniform = np.full((n_classes, n_classes), 1.0 / n_classes)
    return categorical_cross_entropy(one_hot(np.arange(n_classes), n_classes), uniform)


# ------------------------------------------------------------------------------- questions


@QUESTIONS.question(
    "q1", points=2, title="Glorot uniform limit", answer_name="glorot_uniform_limit",
    hints=("Glorot's variance is 2 / (fan_in + fan_out), and U[-r, r] has variance r**2 / 3: "
         "solve for r",))
def q1(check, glorot_uniform_limit):
    """``glorot_uniform_limit(fan_in, fan_out)`` is the package's limit (1 %)."""
    for fan_in, fan_out in [(784, 128), (3, 2), (1, 1), (256, 10)]:
        with check.case(f"fan_in={fan_in}, fan_out={fan_out}", weight=0.5):
            check.same_number(check.call(glorot_uniform_limit, fan_in, fan_out),
                              _package_glorot_limit(fan_in, fan_out), rtol=0.01)


@QUESTIONS.question(
    "q2", points=2, title="two Adam steps by hand", answer_name="answer_q2",
    hints=("m and v start at 0; at step t divide m by (1 - beta_1**t) and v by "
         "(1 - beta_2**t) before the step -learning_rate * m_hat / sqrt(v_hat); the first "
         "step has length learning_rate whatever the gradient",))
def q2(check, answer_q2):
    """The parameter of ``Q2`` after two Adam steps (1 %)."""
    with check.case("theta after two steps", weight=2):
        check.same_number(answer_q2, _adam_reference(**Q2), rtol=0.01)


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
    if not np.all(kept | dropped):
        where = tuple(int(i) for i in np.argwhere(~(kept | dropped))[0])
        raise StudentError(f"at {list(where)} got {float(out[where]):.6g}, which is neither "
                           f"0 nor a / (1 - rate) = {float(a[where] / (1 - rate)):.6g}")
    return out, dropped


@QUESTIONS.question(
    "q3", points=3, title="inverted dropout", answer_name="inverted_dropout",
    hints=("drop each entry with probability rate using uniform numbers from rng, and divide "
         "the kept entries by (1 - rate), so that the expected output is a",))
def q3(check, inverted_dropout):
    """``inverted_dropout(a, rate, rng)``: 0 or ``a / (1 - rate)``, dropping a fraction
    ``rate``, expectation ``a``, seeded by ``rng``."""
    rng = np.random.default_rng(3)
    big = rng.uniform(0.5, 2.0, size=(400, 250))
    with check.case("100,000 activations, rate 0.3: values and dropped fraction"):
        out, dropped = _dropout_case(check, inverted_dropout, big, 0.3, seed=0)
        fraction = dropped.mean()
        if abs(fraction - 0.3) > 0.01:
            raise StudentError(f"dropped a fraction {fraction:.3f} of the units, expected "
                               "about 0.3")
    with check.case("100,000 activations, rate 0.5: the mean is preserved"):
        out, _ = _dropout_case(check, inverted_dropout, big, 0.5, seed=1)
        if not np.isclose(out.mean(), big.mean(), rtol=0.02):
            raise StudentError(f"mean of the output {out.mean():.4f}, mean of the input "
                               f"{big.mean():.4f}: they should agree (scale the kept units)")
    with check.case("rate 0 keeps a 3-D array unchanged; the same seed, the same mask",
                    weight=1):
        small = rng.normal(size=(2, 3, 4))
        check.same_array(check.call(inverted_dropout, small, 0.0, np.random.default_rng(5)),
                         small)
        first, _ = _dropout_case(check, inverted_dropout, big[:20], 0.5, seed=7)
        second, _ = _dropout_case(check, inverted_dropout, big[:20], 0.5, seed=7)
        if not np.array_equal(first, second):
            raise StudentError("two calls with generators of the same seed gave different "
                               "masks: draw the mask from the rng argument")


@QUESTIONS.question(
    "q4", points=1, title="initial loss of a 26-class network", answer_name="answer_q4",
    hints=("an untrained network gives every class about the same probability; the "
         "cross-entropy of one sample is minus the natural log of its class's probability",))
def q4(check, answer_q4):
    """The cross-entropy of a uniform softmax over ``Q4_CLASSES`` classes (1 %)."""
    with check.case(f"{Q4_CLASSES} classes"):
        check.same_number(answer_q4, _initial_loss(Q4_CLASSES), rtol=0.01)


class ScaledGradient:
    """The gradient ``scales * p`` of ``sum(scales * p**2) / 2``: a quadratic whose
    curvature differs along each axis."""

    def __init__(self, scales):
        self.scales = np.asarray(scales, dtype=np.float64)

    def __call__(self, p):
        return p * self.scales


@QUESTIONS.question(
    "q5", points=3, title="momentum SGD", answer_name="momentum_sgd",
    hints=("start with a velocity of zeros; at each step v = momentum * v - learning_rate * "
         "gradient(theta), then theta = theta + v; do not change the caller's array",))
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
        with check.case(label, weight=0.75):
            theta = np.array(start)
            got = check.call(momentum_sgd, theta, gradient, lr, momentum, n_steps)
            expected = optimizer_path(SGD(lr, momentum=momentum), gradient, theta, n_steps)[-1]
            check.same_array(got, expected)


@QUESTIONS.question(
    "q6", points=3, title="symptoms and remedies", answer_name="answer_q6",
    hints=("a loss that explodes means steps that are too large; a loss that does not move "
         "with a tiny learning rate means steps that are too small; a gap between training "
         "and test accuracy is overfitting",))
def q6(check, answer_q6):
    """Multiple choice: one remedy (a letter of ``Q6_CHOICES``) per symptom, as a tuple."""
    for number, expected in enumerate(_Q6_ANSWERS):
        with check.case(f"symptom {number + 1}"):
            missing = missing_answer(answer_q6, check.answer_name)
            if missing:
                raise StudentError(missing)
            if not isinstance(answer_q6, (tuple, list)) or len(answer_q6) != 3:
                raise StudentError(f"expected a tuple of 3 letters, got {describe(answer_q6)}")
            check.same_choice(answer_q6[number], expected, choices="".join(Q6_CHOICES))
