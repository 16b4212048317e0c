"""Checks for chapter 01, NumPy for neural networks (``exercises/01_numpy.ipynb``).

=====  ===================================================  ===============  ==============
name   question                                             answer graded    kinds
=====  ===================================================  ===============  ==============
q1     vectorised dense layer ``dense(X, W, b)``            ``dense``        code
q2     a layer from samples-in-columns arrays (choice)      ``answer_q2``    choice
q3     ``one_hot(y, n_classes)`` by one broadcast           ``one_hot``      code
q4     stable softmax of a batch or of one 1-D sample       ``softmax``      code, new
                                                                             situation
q5     FLOPs of a two-layer network's forward pass          ``answer_q5``    number, new
                                                                             situation
q6     gradients of a dense layer, derived                  ``dense_grads``  derivation,
                                                                             new situation
q7     standardise a test set with training statistics      ``standardise``  new situation,
                                                                             code
=====  ===================================================  ===============  ==============

Every check draws its random inputs from a generator with a fixed seed, so a check prints the
same line every time it sees the same answer. Each question declares the usual mistakes it
recognises; their candidate answers are computed here, from the same inputs. Question 6 is
checked against central finite differences of the scalar it differentiates.
"""

from __future__ import annotations

import warnings

import numpy as np

from coursepkg.course.checks import QuestionSet, StudentError, describe
from coursepkg.nn.layers import dense as _reference_dense
from coursepkg.nn.preprocessing import one_hot as _reference_one_hot

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "Q2_CHOICES",
           "Q5_BATCH", "Q5_SIZES"]

QUESTIONS = QuestionSet("ch01")

# ------------------------------------------------------------------------------ references


def _reference_softmax(Z):
    """Softmax along the last axis of ``Z``: a batch (n, K) row by row, or one sample (K,)."""
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def _dense_flops(n_samples, fan_in, fan_out):
    """Floating-point operations of ``X @ W + b``, counted as the chapter counts them: per
    entry of Z, fan_in multiplications, fan_in - 1 additions of the products and one
    addition of the bias, so 2 fan_in per entry and ``2 n fan_in fan_out`` in all."""
    return 2 * n_samples * fan_in * fan_out


def _network_flops(n_samples, sizes):
    """FLOPs of the dense layers of a network of widths ``sizes`` (activations not counted)."""
    return sum(_dense_flops(n_samples, a, b) for a, b in zip(sizes[:-1], sizes[1:]))


def _numerical_dense_grads(X, G, W, b, step=1e-6):
    """Central differences of ``L(W, b) = sum(G * (X @ W + b))`` in ``W`` and ``b``."""
    def loss(W_, b_):
        return float(np.sum(G * (X @ W_ + b_)))
    grads = []
    for param in (W, b):
        grad = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            up, down = param.copy(), param.copy()
            up[index] += step
            down[index] -= step
            args_up = (up, b) if param is W else (W, up)
            args_down = (down, b) if param is W else (W, down)
            grad[index] = (loss(*args_up) - loss(*args_down)) / (2 * step)
        grads.append(grad)
    return grads[0], grads[1]


def _close(got, candidate, rtol=1e-6, atol=1e-9):
    """``got`` is a real array of ``candidate``'s shape close to it; never an error."""
    if not isinstance(got, np.ndarray) or got.shape != np.shape(candidate):
        return False
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return bool(np.allclose(got.astype(float), candidate, rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False


def _keeps_dtype(check, got, expected):
    """Name the mistake of an array right in value but promoted to float64."""
    if (isinstance(got, np.ndarray) and expected.dtype == np.float32
            and got.dtype == np.float64 and _close(got, expected, rtol=1e-4, atol=1e-6)):
        raise check.mistake("float64")


# ------------------------------------------------------------------------------ question 1


def _dense_inputs(rng, n_samples, fan_in, fan_out, dtype=np.float64):
    X = rng.normal(size=(n_samples, fan_in)).astype(dtype)
    W = rng.normal(size=(fan_in, fan_out)).astype(dtype)
    b = rng.normal(size=fan_out).astype(dtype)
    return X, W, b


@QUESTIONS.question(
    "q1", points=3, title="dense layer X @ W + b", answer_name="dense",
    hints=("Write the shapes under each other: (n_samples, fan_in), (fan_in, fan_out) and "
           "(fan_out,). Which single operation turns the first two into (n_samples, "
           "fan_out), and what does broadcasting do with the third?",
           "One matrix product, then one addition; no loop and no transpose. A float64 "
           "constant or np.zeros without a dtype turns a float32 result into float64."),
    mistakes={"bias_forgotten": "the bias is forgotten: every output unit j must add b[j]",
              "transposed": "the result is transposed: samples must stay in the rows, "
                            "output units in the columns",
              "float64": "the values are right but float32 inputs gave float64: something "
                         "in the computation is a float64 array"},
    kinds=("code",))
def q1(check, dense):
    """``dense(X, W, b)`` returns ``X @ W + b`` of shape (n_samples, fan_out)."""
    rng = np.random.default_rng(1)
    cases = [("5 samples, fan_in 4, fan_out 3", _dense_inputs(rng, 5, 4, 3)),
             ("1 sample, 1 output", _dense_inputs(rng, 1, 4, 1)),
             ("float32 inputs keep float32", _dense_inputs(rng, 6, 3, 2, np.float32))]
    for label, (X, W, b) in cases:
        expected = _reference_dense(X, W, b)
        with check.case(label):
            got = check.call(dense, X, W, b)
            _keeps_dtype(check, got, expected)
            check.same_array(got, expected, check_dtype=True,
                             mistakes={"bias_forgotten": X @ W, "transposed": expected.T})


# ------------------------------------------------------------------------------ question 2

#: Choices of question 2 (printed by the exercise notebook from here). ``Xc`` holds the
#: samples in its columns, shape (fan_in, n); ``Wc`` has shape (fan_out, fan_in).
Q2_CHOICES = {
    "a": "Xc.T @ Wc + b",
    "b": "Xc.T @ Wc.T + b",
    "c": "Wc @ Xc + b",
    "d": "(Xc @ Wc).T + b",
}
_Q2_MISTAKES = {"a": "weights_not_transposed", "c": "columns_result", "d": "order_kept"}


@QUESTIONS.question(
    "q2", points=1, title="a layer from samples-in-columns arrays", answer_name="answer_q2",
    hints=("Work out the shape of each expression with fan_in = 4, fan_out = 3 and n = 5. "
           "Which ones even run, and which give (n, fan_out)?",
           "Both arrays must be translated to the book's convention before the product, "
           "and a transpose of a product reverses the order of its factors."),
    mistakes={"weights_not_transposed": "that keeps the weights in the columns convention: "
                                        "Wc has shape (fan_out, fan_in), so the inner sizes "
                                        "do not match",
              "columns_result": "that is the columns-convention product: its rows are "
                                "output units, and a 1-D bias broadcasts along the wrong "
                                "axis",
              "order_kept": "transposing a product reverses its factors; Xc @ Wc does not "
                            "even have matching inner sizes"},
    kinds=("choice",))
def q2(check, answer_q2):
    """Multiple choice: the book's ``Z`` from arrays stored with samples in columns."""
    rng = np.random.default_rng(2)
    X, W, b = _dense_inputs(rng, 5, 4, 3)
    right = [key for key, text in Q2_CHOICES.items() if _computes_layer(text, X, W, b)]
    assert right == ["b"], f"question 2 must have exactly the right choice b: {right}"
    with check.case("multiple choice"):
        check.same_choice(answer_q2, "b", choices="".join(Q2_CHOICES),
                          mistakes=_Q2_MISTAKES)


def _computes_layer(expression, X, W, b):
    """Whether ``expression`` in ``Xc = X.T``, ``Wc = W.T`` gives ``X @ W + b``."""
    try:  # the fixed choices above, never user text
        Z = eval(expression, {"Xc": X.T, "Wc": W.T, "b": b})
    except ValueError:  # operands that do not match
        return False
    return Z.shape == (len(X), len(b)) and np.allclose(Z, X @ W + b)


# ------------------------------------------------------------------------------ question 3


@QUESTIONS.question(
    "q3", points=3, title="one-hot encoding by broadcasting", answer_name="one_hot",
    hints=("Entry (i, c) of the result is 1 exactly when y[i] equals c. Which two arrays, "
           "one indexed by i and one by c, can you compare so that broadcasting builds the "
           "whole (n_samples, n_classes) grid?",
           "Turn the labels into a column (n_samples, 1) and compare it with the row of "
           "class numbers 0 .. n_classes - 1; the comparison gives booleans, which astype "
           "makes floats. The width comes from n_classes, not from the labels."),
    mistakes={"width_from_labels": "the width comes from the largest label, not from "
                                   "n_classes: a class without samples loses its column",
              "transposed": "the result is transposed: one row per sample, one column per "
                            "class"},
    kinds=("code",))
def q3(check, one_hot):
    """``one_hot(y, n_classes)`` has shape (n_samples, n_classes) with one 1 per row."""
    rng = np.random.default_rng(3)
    cases = [("8 labels, 4 classes", rng.integers(0, 4, size=8), 4),
             ("class 4 of 5 never occurs", np.array([0, 2, 1, 3, 2]), 5),
             ("1 sample", np.array([2]), 3)]
    for label, y, n_classes in cases:
        expected = _reference_one_hot(y, n_classes)
        with check.case(label):
            got = check.call(one_hot, y, n_classes)
            check.same_array(got, expected,
                             mistakes={"width_from_labels": _reference_one_hot(y),
                                       "transposed": expected.T})


# ------------------------------------------------------------------------------ question 4


def _softmax_without_keepdims(Z):
    with np.errstate(all="ignore"):
        E = np.exp(Z - Z.max(axis=1))
        return [E / E.sum(axis=1), np.exp(Z - Z.max(axis=1, keepdims=True))
                / np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1)]


@QUESTIONS.question(
    "q4", points=4, title="stable softmax, batch or one sample", answer_name="softmax",
    hints=("Two things differ from a formula typed in: exp overflows for large scores, and "
           "the classes are on the LAST axis whether Z is (n_samples, n_classes) or a single "
           "sample (n_classes,). Which axis number means 'the last one' in both cases?",
           "Subtract each sample's largest score before exp (the result does not change), "
           "and divide by each sample's sum; both reductions over axis -1 with keepdims, "
           "so they broadcast back against Z. Do not mix in float64 arrays."),
    mistakes={"overflow": "exp overflowed (inf or nan) on large scores: shift each sample's "
                          "scores before exp",
              "columns": "each column is normalised, not each sample: the reduction runs "
                         "over samples instead of classes",
              "no_keepdims": "a reduction lost its axis (keepdims missing), so it broadcast "
                             "along the wrong axis: rows do not sum to 1",
              "fixed_axis": "the reduction names axis 1, which a single 1-D sample does not "
                            "have: the classes are on the last axis",
              "float64": "the values are right but float32 scores gave float64: something "
                         "in the computation is a float64 array"},
    kinds=("code", "new situation"))
def q4(check, softmax):
    """``softmax(Z)`` normalises the last axis, survives large ``|Z|``, keeps float32."""
    rng = np.random.default_rng(4)
    cases = [("5 samples, 4 classes", 2, rng.normal(size=(5, 4))),
             ("3 samples, 3 classes", 1, rng.normal(size=(3, 3)) * 2),
             ("large |z|", 2, np.array([[1000.0, 1001.0, 1002.0],
                                        [-1000.0, -1001.0, -999.0]])),
             ("one sample as a 1-D array (6,)", 1, rng.normal(size=6)),
             ("2 samples, float32 kept", 1, rng.normal(size=(2, 5)).astype(np.float32)),
             ("1 class", 1, rng.normal(size=(3, 1)))]
    for label, weight, Z in cases:
        expected = _reference_softmax(Z)
        with check.case(label, weight=weight):
            try:
                got = check.call(softmax, Z)
            except StudentError as failure:
                if Z.ndim == 1 and "AxisError" in str(failure):
                    raise check.mistake("fixed_axis") from None
                if Z.ndim == 2 and "could not be broadcast" in str(failure):
                    raise check.mistake("no_keepdims") from None
                raise
            if (isinstance(got, np.ndarray) and got.shape == Z.shape
                    and np.issubdtype(got.dtype, np.number)
                    and not np.all(np.isfinite(got))):
                raise check.mistake("overflow")
            _keeps_dtype(check, got, expected)
            if Z.ndim == 2 and Z.shape[0] == Z.shape[1] > 1 and any(
                    _close(got, c) for c in _softmax_without_keepdims(Z)):
                raise check.mistake("no_keepdims")
            columns = (_reference_softmax(Z.T).T if Z.ndim == 2 and Z.shape[0] > 1
                       else None)
            check.same_array(got, expected, check_dtype=True,
                             mistakes={"columns": columns} if columns is not None else None)


# ------------------------------------------------------------------------------ question 5

#: The network of question 5: widths of its layers (inputs, hidden, outputs) and the batch.
Q5_SIZES = (784, 128, 10)
Q5_BATCH = 64


@QUESTIONS.question(
    "q5", points=2, title="FLOPs of a two-layer forward pass", answer_name="answer_q5",
    hints=("The network is two dense layers one after the other; count each as the chapter "
           "counts one layer, then add. The ReLU between them is not counted.",
           "Per entry of a layer's output: fan_in multiplications, fan_in - 1 additions of "
           "the products and 1 addition of the bias. How many entries does each layer's "
           "output have for the whole batch?"),
    mistakes={"multiplications_only": "only the multiplications are counted: each product "
                                      "is also added to the running sum",
              "first_layer_only": "only the first layer is counted: its output feeds a "
                                  "second dense layer",
              "bias_twice": "the bias is counted twice: the chapter's 2 fan_in per entry "
                            "already includes the addition of the bias",
              "one_sample": "that is the count for one sample: the batch multiplies it"},
    kinds=("number", "new situation"))
def q5(check, answer_q5):
    """FLOPs of the forward pass of the 784-128-10 network on a batch, as counted in the
    chapter (exact)."""
    expected = _network_flops(Q5_BATCH, Q5_SIZES)
    pairs = list(zip(Q5_SIZES[:-1], Q5_SIZES[1:]))
    with check.case(f"sizes {Q5_SIZES}, batch {Q5_BATCH}"):
        check.same_number(answer_q5, expected, rtol=1e-6, mistakes={
            "multiplications_only": expected / 2,
            "first_layer_only": _dense_flops(Q5_BATCH, *pairs[0]),
            "bias_twice": expected + Q5_BATCH * sum(Q5_SIZES[1:]),
            "one_sample": expected / Q5_BATCH})


# ------------------------------------------------------------------------------ question 6


def _as_pair(got):
    """The reader's ``(dW, db)`` as two float arrays."""
    if got is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise StudentError(f"expected a pair (dW, db), got {type(got).__name__} "
                           f"{describe(got)}")
    arrays = []
    for item in got:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                arrays.append(np.asarray(item, dtype=float))
        except (TypeError, ValueError) as error:
            raise StudentError(f"an entry is not numeric: {str(error)[:40]}") from None
    return arrays


@QUESTIONS.question(
    "q6", points=3, title="gradients of a dense layer", answer_name="dense_grads",
    hints=("Write L with indices: L = sum over i and j of G[i, j] (sum over k of X[i, k] "
           "W[k, j] + b[j]). Differentiate with respect to one weight W[k, j] and one bias "
           "b[j]: which terms of the double sum contain it?",
           "dL/dW[k, j] is a sum over the samples i of a product of an entry of X and an "
           "entry of G: a matrix product, whose shape must be that of W, (fan_in, "
           "fan_out). b[j] appears once in every row i of Z."),
    mistakes={"transposed": "dW is transposed: a gradient has the shape of its parameter, "
                            "(fan_in, fan_out) like W",
              "mean_not_sum": "divided by the number of samples: L is a sum over samples, "
                              "not a mean",
              "bias_wrong_axis": "db sums over the wrong axis: b[j] is added to every "
                                 "sample's output j, so sum over the samples"},
    kinds=("derivation", "new situation"))
def q6(check, dense_grads):
    """``dense_grads(X, G)`` returns ``(dW, db)``, the gradients of
    ``L = sum(G * (X @ W + b))``, checked by central finite differences."""
    rng = np.random.default_rng(6)
    for label, n, fan_in, fan_out in (("6 samples, 4 -> 3", 6, 4, 3),
                                      ("1 sample, 5 -> 2", 1, 5, 2)):
        X, W, b = _dense_inputs(rng, n, fan_in, fan_out)
        G = rng.normal(size=(n, fan_out))
        dW, db = _numerical_dense_grads(X, G, W, b)
        for part, weight, expected, mistakes in (
                ("dW", 2, dW, {"transposed": dW.T, "mean_not_sum": dW / n}),
                ("db", 1, db, {"mean_not_sum": db / n, "bias_wrong_axis": G.sum(axis=1)})):
            if n == 1:  # dividing by n = 1 changes nothing; a (1,) sum over axis 1 is
                mistakes = {k: v for k, v in mistakes.items()  # no diagnosis either
                            if k == "transposed"}
            with check.case(f"{label}: {part}", weight=weight):
                got = _as_pair(check.call(dense_grads, X, G))[part == "db"]
                try:
                    check.same_array(got, expected, rtol=1e-5, atol=1e-7, mistakes=mistakes)
                except StudentError as failure:
                    if any(key in check.declared_mistakes and
                           check.declared_mistakes[key] == str(failure) for key in mistakes):
                        raise
                    raise StudentError(f"{part}: {failure}") from None


# ------------------------------------------------------------------------------ question 7


def _standardised(X_train, X_test):
    return (X_test - X_train.mean(axis=0)) / X_train.std(axis=0)


def _standardise_cases():
    rng = np.random.default_rng(7)
    scales, shifts = np.array([1.0, 10.0, 0.1, 3.0]), np.array([0.0, 50.0, -2.0, 7.0])
    big = rng.normal(size=(200, 4)) * scales + shifts
    return [("200 train, 50 test, 4 features", big[:150], big[150:]),
            ("5 train, 3 test, 2 features", rng.normal(size=(5, 2)) * [2.0, 0.5] + 1,
             rng.normal(size=(3, 2)) * [2.0, 0.5] + 1),
            ("1 test sample", big[:150], big[150:151])]


@QUESTIONS.question(
    "q7", points=3, title="standardise with training statistics", answer_name="standardise",
    hints=("Each feature (column) gets its own mean and its own standard deviation. Which "
           "of the two data sets may the statistics come from, given that the test set "
           "stands for data the model has never seen?",
           "Reduce the training set over its samples (a row of one number per feature), "
           "then let broadcasting subtract and divide every test row. The test set only "
           "receives the transformation."),
    mistakes={"test_statistics": "the statistics come from the test set: they must come "
                                 "from the training set alone, or the test set leaks "
                                 "into the preprocessing",
              "rows": "the statistics are per sample (over a row) instead of per feature "
                      "(over the samples, axis 0)",
              "not_scaled": "the features are centred but not divided by their standard "
                            "deviation",
              "variance": "divided by the variance instead of the standard deviation"},
    kinds=("new situation", "code"))
def q7(check, standardise):
    """``standardise(X_train, X_test)`` returns ``X_test`` standardised per feature with the
    mean and standard deviation of ``X_train``."""
    for label, X_train, X_test in _standardise_cases():
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        with np.errstate(all="ignore"):
            candidates = {
                "test_statistics": (X_test - X_test.mean(axis=0)) / X_test.std(axis=0),
                "rows": ((X_test - X_test.mean(axis=1, keepdims=True))
                         / X_test.std(axis=1, keepdims=True)),
                "not_scaled": X_test - mean,
                "variance": (X_test - mean) / std**2}
        with check.case(label):
            got = check.call(standardise, X_train, X_test)
            check.same_array(got, _standardised(X_train, X_test), mistakes=candidates)
