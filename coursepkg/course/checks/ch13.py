"""Checks for chapter 13, three implementations of one network (``exercises/13_comparison.ipynb``).

=====  ==============================================  ==================  ==============
name   question                                        answer graded       kinds
=====  ==============================================  ==================  ==============
q1     ``to_coursepkg(sk, X, y)``: copy sklearn        ``to_coursepkg``    code
       weights into a ``coursepkg`` MLP
q2     one SGD step by hand: a new weight              ``answer_q2``       derivation,
                                                                           new situation
q3     ``sgd_step(X, y, coefs, intercepts, eta)``      ``sgd_step``        code
q4     mean and sample std of accuracies over seeds    ``answer_q4``       number
q5     a paired comparison over the same seeds         ``answer_q5``       new situation,
                                                                           number
q6     what one run of each library shows (choice)     ``answer_q6``       choice
=====  ==============================================  ==================  ==============

The references are :class:`coursepkg.models.mlp.MLPClassifier` (its ``partial_fit`` takes the
SGD step) and :func:`coursepkg.lessons.comparison.mean_std`. Each question declares the usual
mistakes it recognises; their candidate answers are computed here from the same inputs, and a
wrong answer that matches one is named. Every random input comes from a generator with a fixed
seed, so the same answer always prints the same line.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.lessons.comparison import mean_std
from coursepkg.models.mlp import MLPClassifier

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q2_NETWORK", "Q4_ACCURACIES",
           "Q5_ACCURACIES", "Q6_CHOICES", "sklearn_model"]

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

#: Question 5 - test accuracies of two networks trained from the same five seeds (seed i of
#: each starts from the same data split and the same order of batches).
Q5_ACCURACIES = {"A": np.array([0.951, 0.944, 0.957, 0.948, 0.953]),
                 "B": np.array([0.956, 0.947, 0.961, 0.950, 0.959])}

#: Question 6 - what two single runs can conclude.
Q6_CHOICES = {
    "a": "coursepkg is the more accurate library: 0.962 is the higher score.",
    "b": "Keras learns faster per epoch: it got within a point in a third of the epochs.",
    "c": "Nothing about the libraries: the budgets, optimisers and runs all differ.",
    "d": "The 0.7-point gap is real, since both were scored on the same test images.",
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


def _layers_of(model):
    """The weights and biases of a model, as two lists of arrays."""
    return [np.asarray(W) for W in model.coefs_], [np.asarray(b) for b in model.intercepts_]


@QUESTIONS.question(
    "q1", points=3, title="copying scikit-learn weights", answer_name="to_coursepkg",
    kinds=("code",),
    hints=("A coursepkg model learns its input size and its classes when it is first fitted; "
           "after that, its layers are plain lists of arrays that can be replaced.",
           "Three things must match scikit-learn's network: the hidden sizes, the hidden "
           "activation and every array of both lists, copied, not shared, in float64."),
    mistakes={
        "not_copied": "the weights are the model's own, not scikit-learn's: fitting alone "
                      "does not copy them",
        "no_biases": "the weights are copied but the biases (intercepts_) are not",
        "activation": "the layers are copied but the hidden activation is not "
                      "scikit-learn's, so the same weights compute another function",
    },
)
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
            expected = sk.predict_proba(X)
            if not _close(got, expected):
                coefs, intercepts = check.call(_layers_of, model)
                same = [_close(a, b) for a, b in zip(coefs, sk.coefs_)]
                if len(same) != len(sk.coefs_) or not all(same):
                    raise check.mistake("not_copied")
                if not all(_close(a, b) for a, b in zip(intercepts, sk.intercepts_)):
                    raise check.mistake("no_biases")
                raise check.mistake("activation")
            check.same_array(got, expected, rtol=0, atol=1e-6)


def _close(got, expected):
    got = np.asarray(got) if isinstance(got, (list, tuple, np.ndarray)) else got
    return (isinstance(got, np.ndarray) and got.shape == np.shape(expected)
            and bool(np.allclose(got, expected, rtol=0, atol=1e-6)))


def _q2_values():
    """The forward and backward values of question 2's step, in closed form."""
    net = Q2_NETWORK
    z1 = net["X"] @ net["W1"] + net["b1"]
    a1 = np.maximum(z1, 0)
    scores = a1 @ net["W2"] + net["b2"]
    p = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    target = np.eye(3)[net["y"]]
    gradient = (net["X"].T @ (((p - target) @ net["W2"].T) * (z1 > 0)))[0, 0]
    raw = (net["X"].T @ (((scores - target) @ net["W2"].T) * (z1 > 0)))[0, 0]
    return gradient, raw


@QUESTIONS.question(
    "q2", points=2, title="one SGD step by hand", answer_name="answer_q2",
    kinds=("derivation", "new situation"),
    hints=("Run the forward pass to the probabilities, then go back one layer at a time: the "
           "output error, then the hidden error, then the derivative of the one weight.",
           "The output error of a softmax with the cross-entropy is the difference between "
           "the probabilities and the one-hot target; it reaches a hidden unit through the "
           "weights leaving that unit and through the unit's slope. The answer is the "
           "weight after the step, not the derivative."),
    mistakes={
        "sign": "the step goes up the gradient: the weight must move against the derivative",
        "gradient_only": "this is the derivative of the loss, not the weight after the step",
        "scores_not_probabilities": "the output error uses the raw scores instead of the "
                                    "softmax probabilities",
    },
)
def q2(check, answer_q2):
    """The new ``W1[0, 0]`` after one SGD step on the network ``Q2_NETWORK`` (1 %)."""
    net = Q2_NETWORK
    coefs, _ = _reference_sgd_step(net["X"], net["y"], [net["W1"], net["W2"]],
                                   [net["b1"], net["b2"]], net["learning_rate"])
    gradient, raw = _q2_values()
    weight, rate = net["W1"][0, 0], net["learning_rate"]
    with check.case("the network of Q2_NETWORK", weight=2):
        check.same_number(answer_q2, float(coefs[0][0, 0]), rtol=0.01, mistakes={
            "sign": weight + rate * gradient, "gradient_only": gradient,
            "scores_not_probabilities": weight - rate * raw})


def _sgd_step_variant(X, y, coefs, intercepts, learning_rate, variant=None):
    """One SGD step in closed form, right (``variant=None``) or as a usual mistake makes it."""
    a, zs = [X], []
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        zs.append(a[-1] @ W + b)
        if i < len(coefs) - 1:
            a.append(np.maximum(zs[-1], 0))
        else:
            e = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
            a.append(e / e.sum(axis=1, keepdims=True))
    delta = a[-1] - np.eye(coefs[-1].shape[1])[y]
    if variant != "no_mean":
        delta = delta / len(X)
    step = -learning_rate if variant == "sign" else learning_rate
    new_coefs, new_intercepts = list(coefs), list(intercepts)
    for i in reversed(range(len(coefs))):
        new_coefs[i] = coefs[i] - step * a[i].T @ delta
        if variant != "bias_not_updated":
            new_intercepts[i] = intercepts[i] - step * delta.sum(axis=0)
        if i > 0:
            W = new_coefs[i] if variant == "updated_weights" else coefs[i]
            delta = (delta @ W.T) * (zs[i - 1] > 0)
    return new_coefs, new_intercepts


def _flat(coefs, intercepts):
    return np.concatenate([np.ravel(a) for a in [*coefs, *intercepts]])


@QUESTIONS.question(
    "q3", points=3, title="one SGD step of a ReLU-softmax network", answer_name="sgd_step",
    kinds=("code",),
    hints=("Keep what the forward pass computes: the backward pass needs every layer's "
           "input and pre-activation. The loss is a mean over the batch.",
           "Go through the layers from the last: each layer's gradients come from its input "
           "and its error, and the error of the layer below is computed with this layer's "
           "weights as they were before the step. Biases take a step too."),
    mistakes={
        "no_mean": "the gradients are n times too large: the loss is the mean over the "
                   "batch, and its 1/n is missing",
        "sign": "the step goes up the gradient: subtract the learning rate times the "
                "gradient",
        "updated_weights": "the error is sent to the layer below through the weights "
                           "already updated; backpropagation uses the weights of the "
                           "forward pass",
        "bias_not_updated": "the weights take the step but the biases stay where they were",
    },
)
def q3(check, sgd_step):
    """``sgd_step(X, y, coefs, intercepts, learning_rate)`` equals coursepkg's step."""
    rng = np.random.default_rng(13)
    cases = [("8 samples, 5-4-3, learning rate 0.1", _random_network(rng, (5, 4, 3), 8), 0.1),
             ("two hidden layers 6-5-4-4, learning rate 0.5",
              _random_network(rng, (6, 5, 4, 4), 10), 0.5),
             ("1 sample, 3-2-3, learning rate 1", _random_network(rng, (3, 2, 3), 1), 1.0)]
    for label, (X, y, coefs, intercepts), learning_rate in cases:
        with check.case(label):
            expected = _flat(*_reference_sgd_step(X, y, coefs, intercepts, learning_rate))
            got = check.call(sgd_step, X, y, [W.copy() for W in coefs],
                             [b.copy() for b in intercepts], learning_rate)
            got = _layers(got, len(coefs))
            shapes = [np.shape(a) for a in [*got[0], *got[1]]]
            if shapes != [a.shape for a in [*coefs, *intercepts]]:
                raise StudentError(f"expected arrays of shapes {[a.shape for a in coefs]} "
                                   f"and {[b.shape for b in intercepts]}, got {shapes}")
            candidates = {key: _flat(*_sgd_step_variant(X, y, coefs, intercepts,
                                                         learning_rate, key))
                          for key in ("no_mean", "sign", "updated_weights",
                                      "bias_not_updated")}
            check.same_array(_flat(*got), expected, mistakes={
                key: value for key, value in candidates.items()
                if not np.allclose(value, expected)})


@QUESTIONS.question(
    "q4", points=2, title="mean and standard deviation over seeds", answer_name="answer_q4",
    kinds=("number",),
    hints=("Answer a pair (mean, standard deviation) of the five accuracies.",
           "The five runs are a sample of all the seeds one could have used: the sample "
           "standard deviation divides the squared deviations by one less than their "
           "number."),
    mistakes={
        "population_std": "this is the population standard deviation (dividing by k): for "
                          "a sample of seeds divide by k - 1",
        "variance": "this is the variance; the standard deviation is its square root",
    },
)
def q4(check, answer_q4):
    """``answer_q4 = (mean, std)`` of ``Q4_ACCURACIES``, std with ``ddof=1`` (1 %)."""
    expected = mean_std(Q4_ACCURACIES)
    candidates = {"population_std": float(np.std(Q4_ACCURACIES)),
                  "variance": float(np.var(Q4_ACCURACIES, ddof=1))}
    for index, name in enumerate(("mean", "sample standard deviation")):
        with check.case(name):
            pair = _pair(answer_q4, "answer_q4", "(mean, std)")
            check.same_number(pair[index], expected[index], rtol=0.01,
                              mistakes=candidates if index else None)


def _pair(answer, name, what):
    missing = missing_answer(answer, name)
    if missing:
        raise StudentError(missing)
    if not isinstance(answer, (tuple, list, np.ndarray)) or len(answer) != 2:
        raise StudentError(f"expected a pair {what}, got {describe(answer)}")
    return answer


@QUESTIONS.question(
    "q5", points=3, title="a paired comparison over the same seeds", answer_name="answer_q5",
    kinds=("new situation", "number"),
    hints=("Seed i of A and seed i of B share their data split and batch order, so compare "
           "them seed by seed before averaging anything.",
           "Work with the five differences: their mean estimates the gap, and the standard "
           "error of that mean is their sample standard deviation divided by the square root "
           "of their number."),
    mistakes={
        "unpaired": "this standard error treats A and B as independent samples; paired by "
                    "seed, the spread to use is that of the differences",
        "population_std": "the standard deviation of the differences divides by k, not by "
                          "k - 1",
        "no_sqrt_n": "this is the standard deviation of the differences, not the standard "
                     "error of their mean (divide by the square root of k)",
        "sign": "this is A minus B; the question asks for B minus A",
    },
)
def q5(check, answer_q5):
    """``answer_q5 = (mean difference B - A, its standard error)`` (1 %); the standard error
    weighs 2 of the 3 points."""
    a, b = Q5_ACCURACIES["A"], Q5_ACCURACIES["B"]
    d, k = b - a, len(a)
    standard_error = d.std(ddof=1) / np.sqrt(k)
    with check.case("the mean difference"):
        pair = _pair(answer_q5, "answer_q5", "(mean difference, standard error)")
        check.same_number(pair[0], d.mean(), rtol=0.01, mistakes={"sign": -d.mean()})
    with check.case("its standard error", weight=2):
        pair = _pair(answer_q5, "answer_q5", "(mean difference, standard error)")
        check.same_number(pair[1], standard_error, rtol=0.01, mistakes={
            "unpaired": np.sqrt(a.var(ddof=1) / k + b.var(ddof=1) / k),
            "population_std": d.std() / np.sqrt(k),
            "no_sqrt_n": d.std(ddof=1)})


@QUESTIONS.question(
    "q6", points=1, title="what one run of each library shows", answer_name="answer_q6",
    kinds=("choice",),
    hints=("List everything that differs between the two runs besides which package ran "
           "them.",
           "A comparison says something about one factor only when everything else is held "
           "the same and the runs are repeated."),
    mistakes={
        "one_run_ranking": "one run each, with different optimisers and budgets, cannot rank "
                           "the libraries",
        "per_epoch": "the epochs are not comparable: another optimiser, another budget and "
                     "one seed each",
        "same_test_set": "a shared test set removes one source of variation, not the others: "
                         "one seed, different optimisers and budgets",
    },
)
def q6(check, answer_q6):
    """Multiple choice: what two single runs with different settings can conclude."""
    with check.case("multiple choice"):
        check.same_choice(answer_q6, "c", choices="".join(Q6_CHOICES), mistakes={
            "a": "one_run_ranking", "b": "per_epoch", "d": "same_test_set"})
