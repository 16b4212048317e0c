"""Checks for chapter 13, three implementations of one network (``exercises/13_comparison.ipynb``).

=====  ==============================================  ====================
name   question                                        answer graded
=====  ==============================================  ====================
q1     ``to_coursepkg(sk, X, y)``: copy sklearn         ``to_coursepkg``
       weights into a ``coursepkg`` MLP
q2     one SGD step by hand: a new weight              ``answer_q2``
q3     ``sgd_step(X, y, coefs, intercepts, eta)``      ``sgd_step``
q4     mean and sample std of accuracies over seeds    ``answer_q4``
q5     parameters of the 8 x 8 digits network          ``answer_q5``
q6     which library (choice)                          ``answer_q6``
=====  ==============================================  ====================

The references are :class:`coursepkg.models.mlp.MLPClassifier` (its ``partial_fit`` takes the SGD
step), :func:`coursepkg.lessons.comparison.mean_std` and
:func:`coursepkg.nn.feedforward.count_parameters`. Every random input comes from a generator with
a fixed seed, so the same answer always prints the same line.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

from coursepkg.course.checks import QuestionSet, StudentError, describe
from coursepkg.lessons.comparison import mean_std
from coursepkg.models.mlp import MLPClassifier
from coursepkg.nn.feedforward import count_parameters

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q2_NETWORK", "Q4_ACCURACIES",
           "Q5_LAYERS", "Q6_CHOICES", "sklearn_model"]

QUESTIONS = QuestionSet("ch13")

#: Question 2 - one sample, a 2-2-3 network (ReLU hidden layer, softmax output), its label
#: and the learning rate.
Q2_NETWORK = {
    "X": np.array([[1.0, 2.0]]),
    "W1": np.array([[0.5, -1.0], [0.25, 0.5]]),
    "b1": np.array([0.0, 0.5]),
    "W2": np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 0.0]]),
    "b2": np.array([0.0, 0.0, 0.0]),
    "y": np.array([2]),
    "learning_rate": 0.5,
}

#: Question 4 - test accuracies of one network trained with five seeds.
Q4_ACCURACIES = (0.912, 0.905, 0.921, 0.899, 0.917)

#: Question 5 - the shared architecture of the chapter on the 8 x 8 digits.
Q5_LAYERS = (64, 128, 10)

Q6_CHOICES = {
    "a": "coursepkg.models.mlp.MLPClassifier",
    "b": "sklearn.neural_network.MLPClassifier",
    "c": "Keras on TensorFlow",
}


# ------------------------------------------------------------------------------ references


def _reference_sgd_step(X, y, coefs, intercepts, learning_rate):
    """One plain SGD step of a ReLU network with a softmax output, taken by ``coursepkg``.

    The batch is the whole of ``(X, y)``, the loss the mean cross-entropy, the labels
    ``0 .. K - 1`` with ``K = coefs[-1].shape[1] >= 3``. Returns the new
    ``(coefs, intercepts)``; the arguments are not modified.
    """
    n_classes = coefs[-1].shape[1]
    model = MLPClassifier([W.shape[1] for W in coefs[:-1]], activation="relu",
                          optimizer="sgd", learning_rate=learning_rate, alpha=0.0,
                          batch_size=len(X), shuffle=False, dtype=np.float64, random_state=0)
    model.partial_fit(X, y, classes=np.arange(n_classes))  # creates the layers
    model.coefs_ = [np.array(W, dtype=float) for W in coefs]
    model.intercepts_ = [np.array(b, dtype=float) for b in intercepts]
    model.partial_fit(X, y)                                 # exactly one step
    return model.coefs_, model.intercepts_


def sklearn_model(n_classes, hidden, activation, seed):
    """A small scikit-learn MLP fitted on random data, and that data ``(sk, X, y)``."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 5))
    y = np.arange(40) % n_classes
    sk = SkMLPClassifier(hidden, activation=activation, max_iter=20, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(X, y)
    return sk, X, y


def _predict_proba(model, X):
    if not isinstance(model, MLPClassifier):
        raise TypeError(f"expected a coursepkg.models.mlp.MLPClassifier, got "
                        f"{type(model).__module__}.{type(model).__name__}")
    return model.predict_proba(X)


def _layers(got, n_layers):
    """``got`` as two lists of ``n_layers`` arrays, or a StudentError saying what it is."""
    if got is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(got, (tuple, list)) or len(got) != 2\
            or not all(isinstance(part, (tuple, list)) and len(part) == n_layers
                       for part in got):
        raise StudentError(f"expected a pair (coefs, intercepts) of lists of {n_layers} "
                           f"arrays, got {describe(got)}")
    return got


def _random_network(rng, sizes, n_samples):
    coefs = [rng.normal(scale=0.8, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(scale=0.3, size=b) for b in sizes[1:]]
    X = rng.normal(size=(n_samples, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n_samples)
    return X, y, coefs, intercepts


# ------------------------------------------------------------------------------- questions


@QUESTIONS.question(
    "q1", points=3, title="copying scikit-learn weights", answer_name="to_coursepkg",
    hints=("build MLPClassifier(sk.hidden_layer_sizes, activation=sk.activation, "
         "dtype=np.float64, epochs=1), fit it on (X, y) so that it knows the classes, then "
         "replace its coefs_ and intercepts_ by copies of sk's",))
def q1(check, to_coursepkg):
    """``to_coursepkg(sk, X, y)`` gives the same ``predict_proba`` as ``sk`` (1e-6)."""
    cases = [("3 classes, ReLU, hidden (6,)", (3, (6,), "relu", 0)),
             ("2 classes, tanh, hidden (5, 4)", (2, (5, 4), "tanh", 1)),
             ("4 classes, logistic, hidden (8,)", (4, (8,), "logistic", 2))]
    for label, arguments in cases:
        with check.case(label):
            sk, X, y = sklearn_model(*arguments)
            model = check.call(to_coursepkg, sk, X, y)
            got = check.call(_predict_proba, model, X)
            check.same_array(got, sk.predict_proba(X), rtol=0, atol=1e-6)


@QUESTIONS.question(
    "q2", points=2, title="one SGD step by hand", answer_name="answer_q2",
    hints=("forward: z1 = X W1 + b1, a1 = relu(z1), p = softmax(a1 W2 + b2); backward: "
         "d2 = p - onehot(y), d1 = (d2 W2^T) * (z1 > 0), dJ/dW1 = X^T d1; the new weight is "
         "W1[0, 0] - learning_rate * dJ/dW1[0, 0]",))
def q2(check, answer_q2):
    """The new ``W1[0, 0]`` after one SGD step on the network ``Q2_NETWORK`` (1 %)."""
    net = Q2_NETWORK
    coefs, _ = _reference_sgd_step(net["X"], net["y"], [net["W1"], net["W2"]],
                                  [net["b1"], net["b2"]], net["learning_rate"])
    with check.case("the network of Q2_NETWORK", weight=2):
        check.same_number(answer_q2, float(coefs[0][0, 0]), rtol=0.01)


@QUESTIONS.question(
    "q3", points=3, title="one SGD step of a ReLU-softmax network", answer_name="sgd_step",
    hints=("keep every z of the forward pass; start from delta = (P - onehot(y)) / n_samples; "
         "for each layer from the last: dW = a_prev.T @ delta, db = delta.sum(axis=0), then "
         "delta = (delta @ W.T) * (z_prev > 0) with the OLD W; return new lists, W - eta * dW",))
def q3(check, sgd_step):
    """``sgd_step(X, y, coefs, intercepts, learning_rate)`` equals coursepkg's step."""
    rng = np.random.default_rng(13)
    cases = [("8 samples, 5-4-3, learning rate 0.1", _random_network(rng, (5, 4, 3), 8), 0.1),
             ("two hidden layers 6-5-4-4, learning rate 0.5",
              _random_network(rng, (6, 5, 4, 4), 10), 0.5),
             ("1 sample, 3-2-3, learning rate 1", _random_network(rng, (3, 2, 3), 1), 1.0)]
    for label, (X, y, coefs, intercepts), learning_rate in cases:
        with check.case(label):
            expected = _reference_sgd_step(X, y, coefs, intercepts, learning_rate)
            got = check.call(sgd_step, X, y, [W.copy() for W in coefs],
                             [b.copy() for b in intercepts], learning_rate)
            got = _layers(got, len(coefs))
            for new, reference in zip([*got[0], *got[1]], [*expected[0], *expected[1]]):
                check.same_array(new, reference)


@QUESTIONS.question(
    "q4", points=2, title="mean and standard deviation over seeds", answer_name="answer_q4",
    hints=("answer a pair (mean, std); the sample standard deviation divides the squared "
         "deviations by n - 1 (np.std(..., ddof=1)), not by n",))
def q4(check, answer_q4):
    """``answer_q4 = (mean, std)`` of ``Q4_ACCURACIES``, std with ``ddof=1`` (1 %)."""
    expected = mean_std(Q4_ACCURACIES)
    for index, name in enumerate(("mean", "sample standard deviation")):
        with check.case(name):
            if not isinstance(answer_q4, (tuple, list, np.ndarray)) or len(answer_q4) != 2:
                raise StudentError(f"expected a pair (mean, std), got {describe(answer_q4)}")
            check.same_number(answer_q4[index], expected[index], rtol=0.01)


@QUESTIONS.question(
    "q5", points=1, title="parameters of the 64-128-10 network", answer_name="answer_q5",
    hints=("each dense layer from n_in to n_out units has n_in * n_out weights and n_out "
         "biases; add the two layers",))
def q5(check, answer_q5):
    """Number of weights and biases of the network ``Q5_LAYERS`` (exact)."""
    with check.case(f"layers {Q5_LAYERS}"):
        check.same_number(answer_q5, count_parameters(Q5_LAYERS), rtol=1e-12)


@QUESTIONS.question(
    "q6", points=1, title="choosing a library", answer_name="answer_q6",
    hints=("a dense network on a small table, tuned inside a Pipeline with GridSearchCV, and "
         "no TensorFlow in the service: which library has that API and no heavy dependency?",))
def q6(check, answer_q6):
    """Multiple choice: the library for a dense network in a scikit-learn pipeline."""
    with check.case("multiple choice"):
        check.same_choice(answer_q6, "b", choices="".join(Q6_CHOICES))
