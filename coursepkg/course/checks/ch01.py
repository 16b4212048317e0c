"""Checks for chapter 01, NumPy for neural networks (``exercises/01_numpy.ipynb``).

=====  ==============================================  ===============
name   question                                        answer graded
=====  ==============================================  ===============
q1     vectorised dense layer ``dense(X, W, b)``       ``dense``
q2     which expression centres the columns (choice)   ``answer_q2``
q3     ``one_hot(y, n_classes)``                       ``one_hot``
q4     numerically stable row-wise ``softmax(Z)``      ``softmax``
q5     floating-point operations of a dense layer      ``answer_q5``
=====  ==============================================  ===============

Every check draws its random inputs from a generator with a fixed seed, so a check prints the
same line every time it sees the same answer.
"""

from __future__ import annotations

import numpy as np

from coursepkg.course.checks import QuestionSet
from coursepkg.nn.layers import dense as _reference_dense
from coursepkg.nn.preprocessing import one_hot as reference_one_hot

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "Q5_SHAPE"]

QUESTIONS = QuestionSet("ch01")

# ------------------------------------------------------------------------------ references


def _reference_softmax(Z):
    """Row-wise softmax of ``Z`` (n_samples, n_classes), stable for large ``|Z|``.

    ``coursepkg.nn.activations.softmax`` is the book's implementation; this small fallback keeps
    the checks usable with an installed ``coursepkg`` that predates that module.
    """
    try:
        from coursepkg.nn.activations import softmax
    except ImportError:
        shifted = Z - Z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=1, keepdims=True)
    return softmax(Z)


def _dense_flops(n_samples, fan_in, fan_out):
    """Floating-point operations of ``X @ W + b``: one multiply and one add per term of each
    dot product, plus one add per output for the bias."""
    return 2 * n_samples * fan_in * fan_out + n_samples * fan_out


#: The layer whose cost question 5 asks for, as (n_samples, fan_in, fan_out).
Q5_SHAPE = (128, 784, 128)

# ------------------------------------------------------------------------------- questions


def _dense_inputs(rng, n_samples, fan_in, fan_out, dtype=np.float64):
    X = rng.normal(size=(n_samples, fan_in)).astype(dtype)
    W = rng.normal(size=(fan_in, fan_out)).astype(dtype)
    b = rng.normal(size=fan_out).astype(dtype)
    return X, W, b


@QUESTIONS.question(
    "q1", points=3, title="dense layer X @ W + b", answer_name="dense",
    hints=("one matrix product of X (n_samples, fan_in) and W (fan_in, fan_out), then add b; "
         "broadcasting repeats b for every row, and no loop is needed",))
def q1(check, dense):
    """``dense(X, W, b)`` returns ``X @ W + b`` of shape (n_samples, fan_out)."""
    rng = np.random.default_rng(1)
    cases = [("5 samples, fan_in 4, fan_out 3", _dense_inputs(rng, 5, 4, 3)),
             ("1 sample, 1 output", _dense_inputs(rng, 1, 4, 1)),
             ("float32 inputs keep float32", _dense_inputs(rng, 6, 3, 2, np.float32))]
    for label, (X, W, b) in cases:
        with check.case(label):
            check.same_array(check.call(dense, X, W, b), _reference_dense(X, W, b),
                             check_dtype=True)


#: Choices of question 2 (printed by the exercise notebook from here).
Q2_CHOICES = {
    "a": "X - X.mean(axis=1, keepdims=True)",
    "b": "X - X.mean(axis=0)",
    "c": "X - X.mean()",
    "d": "X - X.mean(axis=1)",
}


@QUESTIONS.question(
    "q2", points=1, title="centring the columns", answer_name="answer_q2",
    hints=("the mean of each column is a mean down the rows (over samples); which axis is "
         "that, and which shape broadcasts against (n_samples, n_features)?",))
def q2(check, answer_q2):
    """Multiple choice: the expression that subtracts each column's mean from ``X``."""
    X = np.random.default_rng(2).normal(size=(5, 3))
    correct = [key for key, text in Q2_CHOICES.items() if _centres_columns(text, X)]
    assert len(correct) == 1, f"question 2 must have exactly one right choice: {correct}"
    with check.case("multiple choice"):
        check.same_choice(answer_q2, correct[0], choices="".join(Q2_CHOICES))


def _centres_columns(expression, X):
    """Whether ``expression`` (in terms of ``X``) gives columns of mean 0, the right way."""
    try:
        centred = eval(expression, {"X": X})  # the fixed choices above, never user text
    except ValueError:  # operands that do not broadcast
        return False
    return centred.shape == X.shape and np.allclose(centred, X - X.mean(axis=0))


@QUESTIONS.question(
    "q3", points=3, title="one-hot encoding", answer_name="one_hot",
    hints=("start from zeros of shape (n_samples, n_classes) and set one entry per row with "
         "integer-array indexing (row numbers, labels); the width is n_classes, whatever "
         "labels occur",))
def q3(check, one_hot):
    """``one_hot(y, n_classes)`` has shape (n_samples, n_classes) with one 1 per row."""
    rng = np.random.default_rng(3)
    cases = [("8 labels, 4 classes", rng.integers(0, 4, size=8), 4),
             ("class 4 of 5 never occurs", np.array([0, 2, 1, 3, 2]), 5),
             ("1 sample", np.array([2]), 3)]
    for label, y, n_classes in cases:
        with check.case(label):
            check.same_array(check.call(one_hot, y, n_classes),
                             reference_one_hot(y, n_classes))


@QUESTIONS.question(
    "q4", points=4, title="stable softmax", answer_name="softmax",
    hints=("subtract each row's maximum first (keepdims=True keeps it a column that "
         "broadcasts) so exp never overflows, then divide each row by its sum",))
def q4(check, softmax):
    """``softmax(Z)`` normalises every row, survives large ``|Z|`` and keeps float32."""
    rng = np.random.default_rng(4)
    cases = [("5 samples, 4 classes", rng.normal(size=(5, 4))),
             ("large |z|", np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -999.0]])),
             ("1 sample, float32 kept", rng.normal(size=(1, 6)).astype(np.float32)),
             ("1 class", rng.normal(size=(3, 1)))]
    for label, Z in cases:
        with check.case(label):
            check.same_array(check.call(softmax, Z), _reference_softmax(Z), check_dtype=True)


@QUESTIONS.question(
    "q5", points=1, title="cost of a dense layer", answer_name="answer_q5",
    hints=("each of the n_samples * fan_out outputs is a dot product of length fan_in: "
         "fan_in multiplications and about as many additions",))
def q5(check, answer_q5):
    """Floating-point operations of one dense layer on a batch (1 % tolerance)."""
    with check.case(f"n_samples, fan_in, fan_out = {Q5_SHAPE}"):
        check.same_number(answer_q5, _dense_flops(*Q5_SHAPE), rtol=0.01)
