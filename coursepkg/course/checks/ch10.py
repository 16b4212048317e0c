"""Checks for chapter 10, the MNIST MLP from scratch (``exercises/10_mnist_mlp.ipynb``).

=====  ================================================  ====================  ==============
name   question                                          answer graded         kinds
=====  ================================================  ====================  ==============
q1     choose a grid cell and report its accuracy        ``answer_q1``         new situation,
                                                                               number
q2     ``scale_pixels(X)``: raw 0..255 to [0, 1]         ``scale_pixels``      code
q3     the initial loss of a network whose logits        ``initial_loss``      derivation,
       spread a little                                                         new situation
q4     ``top_k_accuracy(y_true, proba, k)``              ``top_k_accuracy``    new situation,
                                                                               code
q5     ``confusion_matrix(y_true, y_pred, n)``           ``confusion_matrix``  code
q6     reading a confusion matrix (choice)               ``answer_q6``         choice
q7     two architectures over five seeds (choice)        ``answer_q7``         choice
=====  ================================================  ====================  ==============

The references are the book's package and :mod:`sklearn.metrics`. Question 1's accuracies
were measured with :class:`coursepkg.models.mlp.MLPClassifier` on the 8 x 8 digits (the test
module measures them again). Question 3's formula is the second-order expansion of the
log-sum-exp; the test module compares it with a simulation. Each question declares the usual
mistakes it recognises; their candidate answers are computed here from the same inputs, and a
wrong answer that matches one is named. Every random input comes from a generator with a
fixed seed, so a check prints the same line every time it sees the same answer.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix
from sklearn.metrics import top_k_accuracy_score

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.nn.preprocessing import scale_pixels

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "Q1_RATES", "Q1_ALPHAS",
           "Q1_ACCURACY", "Q3_CASES", "Q6_DIGITS", "Q6_MATRIX", "Q6_CHOICES", "Q7_SCORES",
           "Q7_CHOICES"]

QUESTIONS = QuestionSet("ch10")

# ------------------------------------------------------------------------ question data

#: Question 1: a grid over the learning rate (rows) and the L2 penalty alpha (columns) of a
#: 64-20-10 network trained with SGD for 30 epochs on 1,247 of the 8 x 8 digits, scored on
#: those images, on 150 validation images and on 400 test images.
Q1_RATES = (0.03, 0.1, 0.3, 1.0)
Q1_ALPHAS = (1e-3, 0.1, 1.0, 3.0)
Q1_ACCURACY = {
    "training": np.array([[0.9014, 0.9006, 0.8949, 0.8853],
                          [0.9631, 0.9623, 0.9479, 0.9150],
                          [0.9856, 0.9816, 0.9543, 0.8829],
                          [0.9976, 0.9856, 0.8460, 0.5638]]),
    "validation": np.array([[0.9067, 0.9067, 0.8933, 0.8733],
                            [0.9533, 0.9600, 0.9533, 0.9200],
                            [0.9733, 0.9733, 0.9533, 0.9067],
                            [0.9733, 0.9800, 0.8400, 0.5667]]),
    "test": np.array([[0.9050, 0.9075, 0.9000, 0.9075],
                      [0.9600, 0.9600, 0.9525, 0.9175],
                      [0.9800, 0.9825, 0.9525, 0.8675],
                      [0.9625, 0.9650, 0.8300, 0.5700]]),
}

#: Question 3: the (number of classes, standard deviation of the logits) of each case.
Q3_CASES = ((10, 0.0), (10, 0.6), (4, 0.4), (3, 0.3))

#: Question 6, the digits of the rows and columns and the confusion matrix (rows are the
#: true digit, columns the predicted digit).
Q6_DIGITS = (3, 5, 8, 9)
Q6_MATRIX = np.array([[90, 6, 3, 1],
                      [4, 70, 24, 2],
                      [12, 1, 80, 7],
                      [0, 1, 10, 89]])

Q6_CHOICES = {
    "a": "true 3",
    "b": "true 5",
    "c": "true 8",
    "d": "true 9",
}

#: Question 7: validation accuracies of two architectures, trained the same way from five
#: seeds each (the same seeds, the same 5,000 validation images).
Q7_SCORES = {"A": np.array([0.9731, 0.9694, 0.9708, 0.9739, 0.9688]),
             "B": np.array([0.9702, 0.9771, 0.9745, 0.9698, 0.9759])}

Q7_CHOICES = {
    "a": "B is the better network, since its mean validation accuracy is higher.",
    "b": "A is the better network, since its accuracy varies less from seed to seed.",
    "c": "Neither is shown to be better: the gap is small next to the seed-to-seed spread.",
    "d": "Score both once on the test set and keep whichever of the two scores higher.",
}

# ------------------------------------------------------------------------------ helpers


def _cell(scores):
    """``(learning rate, alpha)`` of the best cell of a grid of ``scores``."""
    i, j = np.unravel_index(np.argmax(scores), scores.shape)
    return Q1_RATES[i], Q1_ALPHAS[j]


def _grid_answer(answer_q1):
    """The reader's ``(learning_rate, alpha, accuracy)`` as three floats."""
    missing = missing_answer(answer_q1, "answer_q1")
    if missing:
        raise StudentError(missing)
    try:
        values = np.asarray(answer_q1, dtype=float)
    except (TypeError, ValueError):
        values = None
    if values is None or values.shape != (3,):
        raise StudentError("expected three numbers (learning_rate, alpha, accuracy), got "
                           f"{describe(answer_q1)}")
    return values


def _initial_loss(n_classes, spread):
    """Second-order value of the mean cross-entropy of ``n_classes`` logits drawn
    independently with standard deviation ``spread``: ``ln K + spread^2 (K - 1) / (2 K)``."""
    return np.log(n_classes) + spread ** 2 * (n_classes - 1) / (2 * n_classes)


def _probabilities(rng, n_samples, n_classes):
    logits = rng.normal(scale=2.0, size=(n_samples, n_classes))
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def _labels(rng, n_samples, n_classes, error_rate):
    y_true = rng.integers(0, n_classes, size=n_samples)
    wrong = rng.random(n_samples) < error_rate
    y_pred = np.where(wrong, rng.integers(0, n_classes, size=n_samples), y_true)
    return y_true, y_pred


def _fancy_index_counts(y_true, y_pred, n_classes):
    """The matrix ``C[y_true, y_pred] += 1`` gives: a repeated pair counted once."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    C[y_true, y_pred] += 1
    return C


# ------------------------------------------------------------------------------ questions


@QUESTIONS.question(
    "q1", points=3, title="choose a cell of the grid, report its accuracy",
    answer_name="answer_q1", kinds=("new situation", "number"),
    hints=("Three sets, three jobs: one set trains the weights, one chooses among the "
           "trained networks, one measures the chosen network once. Which table is each "
           "job's?",
           "A score that took part in a choice is biased upwards by that choice: the number "
           "you report must come from images that chose nothing."),
    mistakes={
        "chose_on_test": "the cell was chosen on the test accuracies: the test set then "
                         "takes part in the choice and no longer measures it fairly",
        "chose_on_training": "the cell was chosen on the training accuracies, which reward "
                             "fitting the training images, not accuracy on new ones",
        "reported_validation": "the reported number is the validation accuracy, which "
                               "chose the cell and so flatters it",
        "reported_best_test": "the reported number is the best test accuracy of the whole "
                              "grid, the maximum over 16 networks, not the chosen one's",
    },
)
def q1(check, answer_q1):
    """``answer_q1 = (learning_rate, alpha, accuracy)``: the cell chosen on validation
    accuracy (2 of 3 points) and its test accuracy (1 point)."""
    chosen = _cell(Q1_ACCURACY["validation"])
    i, j = Q1_RATES.index(chosen[0]), Q1_ALPHAS.index(chosen[1])
    with check.case("the chosen cell", weight=2):
        rate, alpha, _ = _grid_answer(answer_q1)
        check.same_array(np.array([rate, alpha]), np.array(chosen), rtol=1e-6, mistakes={
            "chose_on_test": np.array(_cell(Q1_ACCURACY["test"])),
            "chose_on_training": np.array(_cell(Q1_ACCURACY["training"]))})
    with check.case("the reported accuracy"):
        _, _, accuracy = _grid_answer(answer_q1)
        check.same_number(accuracy, Q1_ACCURACY["test"][i, j], rtol=1e-3, mistakes={
            "reported_validation": Q1_ACCURACY["validation"][i, j],
            "reported_best_test": Q1_ACCURACY["test"].max()})


def _raw_pixels(rng, n_samples, n_pixels):
    return rng.integers(0, 256, size=(n_samples, n_pixels)).astype(np.uint8)


@QUESTIONS.question(
    "q2", points=3, title="scaling raw pixels", answer_name="scale_pixels", kinds=("code",),
    hints=("One fixed linear map for every image: which number must become 1, whatever the "
           "image?",
           "Check the dtype of what you return, and how NumPy divides two integer arrays "
           "with // and with /."),
    mistakes={
        "float64": "the values are right but the dtype is float64: the question asks for "
                   "float32",
        "batch_max": "the pixels are divided by the brightest pixel of the batch, not by "
                     "the fixed largest intensity, so a faint image is stretched",
        "by_256": "the pixels are divided by 256: the brightest pixel, 255, does not "
                  "become 1",
        "integer_division": "this is integer division: every pixel below 255 becomes 0",
    },
)
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
            got = check.call(scale_pixels_answer, X)
            expected = scale_pixels(X)
            if (isinstance(got, np.ndarray) and got.dtype == np.float64
                    and got.shape == expected.shape and np.allclose(got, expected)):
                raise check.mistake("float64")
            check.same_array(got, expected, check_dtype=True, mistakes={
                "integer_division": X // 255,
                "batch_max": X / max(int(X.max()), 1),
                "by_256": X / 256})


@QUESTIONS.question(
    "q3", points=3, title="the initial loss, to second order in the spread",
    answer_name="initial_loss", kinds=("derivation", "new situation"),
    hints=("Write the loss of one sample as the log-sum-exp of the logits minus the logit "
           "of the true class, and take expectations of each part. Only the log-sum-exp "
           "needs an approximation.",
           "Write each logit as the mean of the K logits plus a deviation; expand the "
           "exponential of a small deviation to second order and the logarithm to first. "
           "The mean squared deviation of K independent values from their own mean is not "
           "their variance: count the degrees of freedom."),
    mistakes={
        "no_spread": "this is ln K, the loss of exactly equal logits: the spread of the "
                     "logits is left out",
        "variance_not_within": "the spread term uses the variance of the logits where the "
                               "expansion needs their squared deviation from their own "
                               "mean, smaller by the factor (K - 1)/K",
        "not_squared": "the spread enters linearly: the first-order terms cancel, the "
                       "loss grows with the square of the standard deviation",
        "no_half": "the factor 1/2 of the second-order term of the exponential is missing",
        "log10": "the logarithm is base 10: the cross-entropy uses the natural logarithm",
    },
)
def q3(check, initial_loss):
    """``initial_loss(n_classes, spread)`` is ``ln K + spread^2 (K - 1) / (2 K)``; each
    case of ``Q3_CASES`` is a share of the points."""
    for n_classes, spread in Q3_CASES:
        with check.case(f"{n_classes} classes, logits of standard deviation {spread:g}"):
            log_k, variance = np.log(n_classes), spread ** 2
            within = variance * (n_classes - 1) / n_classes
            candidates = {"log10": np.log10(n_classes) + within / 2,
                          "no_spread": log_k, "variance_not_within": log_k + variance / 2,
                          "not_squared": log_k + spread * (n_classes - 1) / (2 * n_classes),
                          "no_half": log_k + within}
            expected = _initial_loss(n_classes, spread)
            check.same_number(check.call(initial_loss, n_classes, spread), expected,
                              rtol=1e-5, mistakes={key: value for key, value
                                                   in candidates.items()
                                                   if not np.isclose(value, expected)})


@QUESTIONS.question(
    "q4", points=3, title="top-k accuracy", answer_name="top_k_accuracy",
    kinds=("new situation", "code"),
    hints=("A sample counts as right when its true class is among the k classes with the "
           "highest probabilities. Find those k columns for every row at once.",
           "np.argsort sorts from the smallest value up; compare each row's k columns with "
           "its true label and ask whether any of them matches. The result is a fraction "
           "of the samples."),
    mistakes={
        "least_likely": "the k classes taken are the k least probable ones: the sort is "
                        "ascending",
        "ignores_k": "this is the plain accuracy of the single most probable class: k is "
                     "ignored",
        "count": "this is the number of right samples, not their fraction",
    },
)
def q4(check, top_k_accuracy):
    """``top_k_accuracy(y_true, proba, k)`` equals :func:`sklearn.metrics.top_k_accuracy_score`."""
    rng = np.random.default_rng(4)
    cases = [("200 samples, 10 classes, k = 3", 200, 10, 3),
             ("50 samples, 4 classes, k = 2", 50, 4, 2),
             ("30 samples, 5 classes, k = 1", 30, 5, 1)]
    for label, n_samples, n_classes, k in cases:
        proba = _probabilities(rng, n_samples, n_classes)
        y_true = rng.integers(0, n_classes, size=n_samples)
        labels = np.arange(n_classes)
        expected = top_k_accuracy_score(y_true, proba, k=k, labels=labels)
        least = np.argsort(proba, axis=1)[:, :k]
        candidates = {
            "least_likely": np.mean(np.any(least == y_true[:, None], axis=1)),
            "ignores_k": np.mean(proba.argmax(axis=1) == y_true),
            "count": expected * n_samples}
        with check.case(label):
            check.same_number(check.call(top_k_accuracy, y_true, proba, k), expected,
                              rtol=1e-9, mistakes={key: value for key, value
                                                   in candidates.items()
                                                   if not np.isclose(value, expected)})


@QUESTIONS.question(
    "q5", points=3, title="confusion matrix", answer_name="confusion_matrix",
    kinds=("code",),
    hints=("Start from an integer array of zeros whose shape comes from n_classes, not "
           "from the labels you happen to see.",
           "Which index is the row, the true or the predicted label? And when one "
           "(true, predicted) pair occurs twice, is it counted twice by the way you add?"),
    mistakes={
        "transposed": "the matrix is transposed: rows must be the true classes and columns "
                      "the predicted ones",
        "fancy_index": "a (true, predicted) pair that occurs several times is counted "
                       "once: indexed += 1 does not accumulate repeated indices",
        "size_from_labels": "the size comes from the labels present, so a class that never "
                            "occurs has no row or column",
    },
)
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
            seen = int(max(t.max(), p.max())) + 1
            candidates = {"transposed": expected.T,
                          "fancy_index": _fancy_index_counts(t, p, n_classes),
                          "size_from_labels": expected[:seen, :seen]}
            check.same_array(check.call(confusion_matrix, t, p, n_classes), expected,
                             mistakes={key: value for key, value in candidates.items()
                                       if not np.array_equal(value, expected)})


def _lowest_recall_choice():
    recall = np.diag(Q6_MATRIX) / Q6_MATRIX.sum(axis=1)
    digit = Q6_DIGITS[int(np.argmin(recall))]
    return next(key for key, text in Q6_CHOICES.items() if text == f"true {digit}")


@QUESTIONS.question(
    "q6", points=1, title="reading a confusion matrix", answer_name="answer_q6",
    kinds=("choice",),
    hints=("Recall asks: of the images that truly are this digit, what fraction did the "
           "classifier get right? Which entries of the matrix hold those images?",
           "Rows are the true digits. The largest single error and the weakest column are "
           "other questions."),
    mistakes={
        "precision": "that digit has the lowest precision (its column), not the lowest "
                     "recall (its row)",
        "largest_error": "that is the digit most often predicted by mistake for another, "
                         "which says nothing of how often it is itself recognised",
    },
)
def q6(check, answer_q6):
    """Multiple choice: which true digit has the lowest recall."""
    recall = np.diag(Q6_MATRIX) / Q6_MATRIX.sum(axis=1)
    precision = np.diag(Q6_MATRIX) / Q6_MATRIX.sum(axis=0)
    # The question is only a fair test when recall and precision disagree.
    assert np.argmin(recall) != np.argmin(precision), "question 6 needs another matrix"
    with check.case("multiple choice"):
        check.same_choice(answer_q6, _lowest_recall_choice(), choices="".join(Q6_CHOICES),
                          mistakes={"c": "precision", "a": "largest_error"})


@QUESTIONS.question(
    "q7", points=1, title="two architectures over five seeds", answer_name="answer_q7",
    kinds=("choice",),
    hints=("Compare the gap between the two means with how much one architecture's "
           "accuracy moves when only the seed changes.",
           "A difference in spread is not a difference in accuracy, and a choice made on "
           "the test set spoils the test set for reporting."),
    mistakes={
        "mean_only": "the means differ by less than the seed-to-seed spread: another five "
                     "seeds could reverse the order",
        "spread_is_quality": "a smaller spread over seeds makes a network more predictable, "
                             "not more accurate",
        "test_selection": "choosing on the test set makes it part of the choice: it then "
                          "no longer gives an unbiased score of the chosen network",
    },
)
def q7(check, answer_q7):
    """Multiple choice: what five seeds of each architecture support."""
    gap = Q7_SCORES["B"].mean() - Q7_SCORES["A"].mean()
    standard_error = np.sqrt(sum(s.var(ddof=1) / len(s) for s in Q7_SCORES.values()))
    # The question is only fair while the gap is within two standard errors.
    assert 0 < gap < 2 * standard_error, "question 7 needs other scores"
    with check.case("multiple choice"):
        check.same_choice(answer_q7, "c", choices="".join(Q7_CHOICES),
                          mistakes={"a": "mean_only", "b": "spread_is_quality",
                                    "d": "test_selection"})
