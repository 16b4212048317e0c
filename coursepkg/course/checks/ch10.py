"""Checks for chapter 10, the MNIST MLP from scratch (``exercises/10_mnist_mlp.ipynb``).

=====  ==============================================  ====================
name   question                                        answer graded
=====  ==============================================  ====================
q1     parameter count of a 784-256-128-10 network     ``answer_q1``
q2     ``scale_pixels(X)``: raw 0..255 to [0, 1]       ``scale_pixels``
q3     expected initial loss of a 10-class network     ``answer_q3``
q4     ``accuracy(y_true, y_pred)``                    ``accuracy``
q5     ``confusion_matrix(y_true, y_pred, n)``         ``confusion_matrix``
q6     ``macro_f1(C)`` from a confusion matrix         ``macro_f1``
q7     reading a confusion matrix (choice)             ``answer_q7``
=====  ==============================================  ====================

The references are the book's package and :mod:`sklearn.metrics`. Every check draws its
random inputs from a generator with a fixed seed, so it prints the same line every time it
sees the same answer.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

from coursepkg.course.checks import QuestionSet
from coursepkg.nn.feedforward import count_parameters
from coursepkg.nn.losses import categorical_cross_entropy
from coursepkg.nn.preprocessing import one_hot, scale_pixels

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "Q1_LAYERS", "Q3_CLASSES",
           "Q7_DIGITS", "Q7_MATRIX", "Q7_CHOICES"]

QUESTIONS = QuestionSet("ch10")

#: The network of question 1, as (inputs, hidden units..., outputs).
Q1_LAYERS = (784, 256, 128, 10)

#: Number of classes in question 3.
Q3_CLASSES = 10

#: Question 7, the digits of the rows and columns and the confusion matrix (rows are the
#: true digit, columns the predicted digit).
Q7_DIGITS = (3, 5, 8, 9)
Q7_MATRIX = np.array([[90, 6, 3, 1],
                      [4, 70, 24, 2],
                      [12, 1, 80, 7],
                      [0, 1, 10, 89]])

Q7_CHOICES = {
    "a": "true 3",
    "b": "true 5",
    "c": "true 8",
    "d": "true 9",
}


# ------------------------------------------------------------------------------ references


def _initial_loss(n_classes):
    """Cross-entropy of a network that gives every one of ``n_classes`` classes the same
    probability, measured with the package's loss on labels of every class."""
    labels = np.arange(n_classes)
    uniform = np.full((n_classes, n_classes), 1.0 / n_classes)
    return categorical_cross_entropy(one_hot(labels, n_classes), uniform)


def _reference_macro_f1(C):
    """Macro-averaged F1 of the confusion matrix ``C`` (rows: true, columns: predicted),
    computed by :func:`sklearn.metrics.f1_score` on the labels the matrix counts."""
    C = np.asarray(C)
    n_classes = len(C)
    pairs = [(t, p) for t in range(n_classes) for p in range(n_classes)
             for _ in range(int(C[t, p]))]
    y_true, y_pred = (np.array(column) for column in zip(*pairs))
    return float(f1_score(y_true, y_pred, labels=np.arange(n_classes), average="macro",
                          zero_division=0))


def _lowest_recall_choice():
    recall = np.diag(Q7_MATRIX) / Q7_MATRIX.sum(axis=1)
    digit = Q7_DIGITS[int(np.argmin(recall))]
    return next(key for key, text in Q7_CHOICES.items() if text == f"true {digit}")


# ------------------------------------------------------------------------------- questions


@QUESTIONS.question(
    "q1", points=1, title="parameters of a 784-256-128-10 network", answer_name="answer_q1",
    hints=("a dense layer from d_in to d_out units has a (d_in, d_out) weight matrix and d_out "
         "biases; add the three layers",))
def q1(check, answer_q1):
    """Number of weights and biases of the network ``Q1_LAYERS`` (exact)."""
    with check.case(f"layers {Q1_LAYERS}"):
        check.same_number(answer_q1, count_parameters(Q1_LAYERS), rtol=1e-12)


def _raw_pixels(rng, n_samples, n_pixels):
    return rng.integers(0, 256, size=(n_samples, n_pixels)).astype(np.uint8)


@QUESTIONS.question(
    "q2", points=3, title="scaling raw pixels", answer_name="scale_pixels",
    hints=("divide by 255 so that 0 stays 0 and 255 becomes 1, then convert with "
         ".astype(np.float32); do not subtract the minimum or divide by the maximum of the "
         "batch",))
def q2(check, scale_pixels_answer):
    """``scale_pixels(X)`` maps uint8 pixels 0..255 to float32 in [0, 1], shape kept."""
    rng = np.random.default_rng(2)
    dim = np.array([[0, 10, 20, 40]], dtype=np.uint8)   # a dark image: max is not 255
    cases = [("5 images of 784 raw pixels", _raw_pixels(rng, 5, 784)),
             ("a dark image, brightest pixel 40", dim),
             ("black and white pixels 0 and 255",
              np.array([[0, 255], [255, 0], [0, 0]], dtype=np.uint8))]
    for label, X in cases:
        with check.case(label):
            check.same_array(check.call(scale_pixels_answer, X), scale_pixels(X),
                             check_dtype=True)


@QUESTIONS.question(
    "q3", points=2, title="expected initial loss", answer_name="answer_q3",
    hints=("a network whose outputs are all equal gives every class the probability 1/10; "
         "the cross-entropy of one sample is minus the log of the probability of its class",))
def q3(check, answer_q3):
    """The cross-entropy of a network whose softmax is uniform over ``Q3_CLASSES`` (1 %)."""
    with check.case(f"{Q3_CLASSES} classes", weight=2):
        check.same_number(answer_q3, _initial_loss(Q3_CLASSES), rtol=0.01)


def _labels(rng, n_samples, n_classes, error_rate):
    y_true = rng.integers(0, n_classes, size=n_samples)
    wrong = rng.random(n_samples) < error_rate
    y_pred = np.where(wrong, rng.integers(0, n_classes, size=n_samples), y_true)
    return y_true, y_pred


@QUESTIONS.question(
    "q4", points=3, title="accuracy", answer_name="accuracy",
    hints=("compare the two label arrays element-wise (y_true == y_pred gives booleans) and "
         "take the mean: the fraction of right predictions, between 0 and 1",))
def q4(check, accuracy):
    """``accuracy(y_true, y_pred)`` is the fraction of equal labels."""
    rng = np.random.default_rng(4)
    cases = [("200 labels, 10 classes", _labels(rng, 200, 10, 0.3)),
             ("every prediction right", (np.arange(10), np.arange(10))),
             ("1 sample, wrong", (np.array([7]), np.array([1])))]
    for label, (y_true, y_pred) in cases:
        with check.case(label):
            check.same_number(check.call(accuracy, y_true, y_pred),
                              accuracy_score(y_true, y_pred), rtol=1e-9)


@QUESTIONS.question(
    "q5", points=3, title="confusion matrix", answer_name="confusion_matrix",
    hints=("start from zeros of shape (n_classes, n_classes); row = true label, column = "
         "predicted label; np.add.at counts a repeated (true, predicted) pair every time, "
         "fancy-index assignment with += only once",))
def q5(check, confusion_matrix):
    """``confusion_matrix(y_true, y_pred, n_classes)`` counts (true, predicted) pairs."""
    rng = np.random.default_rng(5)
    y_true, y_pred = _labels(rng, 300, 10, 0.4)
    absent = (np.array([0, 1, 2, 1, 0]), np.array([0, 2, 2, 1, 1]))
    cases = [("300 labels, 10 classes", (y_true, y_pred, 10)),
             ("class 3 of 4 never occurs", (*absent, 4)),
             ("1 sample", (np.array([2]), np.array([0]), 3))]
    for label, (t, p, n_classes) in cases:
        with check.case(label):
            expected = sklearn_confusion_matrix(t, p, labels=np.arange(n_classes))
            check.same_array(check.call(confusion_matrix, t, p, n_classes), expected)


@QUESTIONS.question(
    "q6", points=3, title="macro F1 from a confusion matrix", answer_name="macro_f1",
    hints=("for class k: TP = C[k, k], FP = column sum - TP, FN = row sum - TP; "
         "F1_k = 2 TP / (2 TP + FP + FN), taken as 0 when that denominator is 0; macro-F1 is "
         "the plain mean over the classes",))
def q6(check, macro_f1):
    """``macro_f1(C)`` equals sklearn's macro-averaged F1 on the labels ``C`` counts."""
    rng = np.random.default_rng(6)
    cases = [("10 classes, 300 labels",
              sklearn_confusion_matrix(*_labels(rng, 300, 10, 0.4), labels=np.arange(10))),
             ("class 2 never predicted", np.array([[5, 1, 0], [2, 6, 0], [1, 3, 0]])),
             ("class 3 never occurs nor predicted", np.array([[4, 1, 0], [0, 3, 0],
                                                             [0, 0, 0]])),
             ("every prediction right", np.diag([3, 4, 5]))]
    for label, C in cases:
        with check.case(label, weight=0.75):
            check.same_number(check.call(macro_f1, C), _reference_macro_f1(C), rtol=1e-9)


@QUESTIONS.question(
    "q7", points=1, title="reading a confusion matrix", answer_name="answer_q7",
    hints=("rows are the true digits: the recall of a digit is its diagonal entry divided by "
         "its ROW sum; do not confuse it with the largest off-diagonal entry or the column "
         "(precision)",))
def q7(check, answer_q7):
    """Multiple choice: which true digit has the lowest recall."""
    recall = np.diag(Q7_MATRIX) / Q7_MATRIX.sum(axis=1)
    precision = np.diag(Q7_MATRIX) / Q7_MATRIX.sum(axis=0)
    # The question is only a fair test when recall and precision disagree.
    assert np.argmin(recall) != np.argmin(precision), "question 7 needs another matrix"
    with check.case("multiple choice"):
        check.same_choice(answer_q7, _lowest_recall_choice(), choices="".join(Q7_CHOICES))
