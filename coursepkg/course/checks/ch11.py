"""Checks for chapter 11, neural networks in scikit-learn (``exercises/11_sklearn.ipynb``).

=====  ==============================================  ======================
name   question                                        answer graded
=====  ==============================================  ======================
q1     a scaling + MLP ``Pipeline``                    ``model``
q2     parameters of a fitted MLP from ``coefs_``      ``count_parameters``
q3     ``predict_proba`` from the weights              ``predict_proba``
q4     gradient of the objective, last layer           ``output_gradients``
q5     alpha by the one-standard-error rule            ``answer_q5``
q6     the solvers (choice)                            ``answer_q6``
=====  ==============================================  ======================

The references are scikit-learn's fitted networks and the book's package
(:func:`coursepkg.nn.feedforward.count_parameters`, :func:`coursepkg.models.transfer.from_sklearn` and
:meth:`coursepkg.models.mlp.MLPClassifier.backward`). Every check fits its networks with fixed seeds,
so it prints the same line every time it sees the same answer.
"""

from __future__ import annotations

import copy
import functools
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer
from coursepkg.data import load_breast_cancer, load_digits
from coursepkg.models.transfer import from_sklearn
from coursepkg.nn.feedforward import count_parameters
from coursepkg.nn.preprocessing import one_hot

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q1_MIN_ACCURACY", "Q5_RESULTS",
           "Q6_CHOICES", "breast_cancer_split", "fitted_networks"]

QUESTIONS = QuestionSet("ch11")

#: Question 1 - the held-out accuracy the pipeline must reach on the breast-cancer data.
Q1_MIN_ACCURACY = 0.95

#: Question 5 - a grid search's results over alpha (5-fold cross-validation), in the layout
#: of ``GridSearchCV.cv_results_``.
Q5_RESULTS = {
    "param_alpha": np.array([1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6]),
    "mean_test_score": np.array([0.900, 0.952, 0.958, 0.961, 0.957, 0.955]),
    "std_test_score": np.array([0.020, 0.012, 0.010, 0.008, 0.011, 0.013]),
    "mean_train_score": np.array([0.912, 0.966, 0.985, 0.995, 1.000, 1.000]),
}

Q6_CHOICES = {
    "a": "'lbfgs' takes mini-batches of batch_size samples and records loss_curve_",
    "b": "'lbfgs' uses the whole training set at every iteration, ignores batch_size and "
         "learning_rate_init, and records no loss_curve_",
    "c": "'adam' and 'sgd' ignore learning_rate_init",
    "d": "'sgd' is the default solver of MLPClassifier",
}

_SCALERS = (StandardScaler, MinMaxScaler, RobustScaler, MaxAbsScaler)


# ------------------------------------------------------------------------------ references


def breast_cancer_split():
    """The breast-cancer data split 3:1, stratified, with a fixed seed: train and test."""
    X, y = load_breast_cancer()
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=11)


def _fit_quietly(estimator, X, y):
    # Short trainings are the point here: a converged network is not needed. Newer SciPy
    # warns about the iprint option older scikit-learn passes to L-BFGS (SciPy 1.18 with
    # scikit-learn 1.6: "Unknown solver options: iprint").
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message=r".*\biprint\b")
        return estimator.fit(X, y)


@functools.cache
def _networks():
    X, y = load_digits(scale=True)
    X, y = X[:300], y[:300]
    Xb, yb = load_breast_cancer()
    Xb = StandardScaler().fit_transform(Xb)[:200]
    yb = yb[:200]
    rng = np.random.default_rng(11)
    Xr = rng.normal(size=(60, 5))
    Yr = np.column_stack([Xr.sum(axis=1), Xr[:, 0] * Xr[:, 1]])
    return {
        "digits, 64-30-10, relu": (
            _fit_quietly(MLPClassifier((30,), max_iter=30, random_state=0), X, y), X[:25]),
        "breast cancer, 30-8-4-1, tanh": (
            _fit_quietly(MLPClassifier((8, 4), activation="tanh", max_iter=30,
                                       random_state=0), Xb, yb), Xb[:25]),
        "digits, 64-12-10, logistic": (
            _fit_quietly(MLPClassifier((12,), activation="logistic", max_iter=30,
                                       random_state=0), X, y), X[:1]),
        "regression, 5-7-2, identity": (
            _fit_quietly(MLPRegressor(hidden_layer_sizes=(7,), activation="identity",
                                      max_iter=30, random_state=0), Xr, Yr), Xr[:5]),
    }


def fitted_networks():
    """Small scikit-learn networks fitted with fixed seeds, with a few samples for each.

    Returns
    -------
    dict
        ``{label: (fitted MLPClassifier or MLPRegressor, X of shape (n_samples, n_features))}``.
        Copies: changing them changes nothing in the checks.
    """
    return copy.deepcopy(_networks())


def _one_standard_error_alpha(results):
    """The largest alpha whose mean test score is within one standard deviation of the best.

    ``results`` is laid out like ``GridSearchCV.cv_results_`` (``param_alpha``,
    ``mean_test_score``, ``std_test_score``).
    """
    alphas = np.asarray(results["param_alpha"], dtype=float)
    mean = np.asarray(results["mean_test_score"])
    best = np.argmax(mean)
    good_enough = mean >= mean[best] - results["std_test_score"][best]
    return float(alphas[good_enough].max())


def _reference_gradients(network, X, Y, alpha):
    """``(dJ/dW, dJ/db)`` of the last layer of a fitted sklearn softmax ``network``.

    ``J`` is scikit-learn's objective with penalty ``alpha``: mean cross-entropy plus
    ``alpha / (2 n) * sum ||W_l||^2``; ``Y`` is one-hot (n_samples, n_classes). Computed by
    :meth:`coursepkg.models.mlp.MLPClassifier.backward` on a copy of the network's weights.
    """
    ours = from_sklearn(network)
    ours.alpha = alpha
    grads = ours.backward(ours.forward(X), ours.classes_[Y.argmax(axis=1)])
    return grads.coefs[-1], grads.intercepts[-1]


# ------------------------------------------------------------------------------- questions


@QUESTIONS.question(
    "q1", points=4, title="a scaling + MLP pipeline", answer_name="model",
    hints=("make_pipeline(StandardScaler(), MLPClassifier(...)); the network sees standardised "
         "features, and with max_iter large enough (or solver='lbfgs') it converges",))
def q1(check, model):
    """``model`` is a Pipeline: a scaler, then an MLPClassifier, accurate on held-out data."""
    missing = missing_answer(model, "model")

    def require_answer():
        if missing:
            raise StudentError(missing)

    network = model[-1] if isinstance(model, Pipeline) else model
    with check.case("a Pipeline"):
        require_answer()
        if not isinstance(model, Pipeline):
            raise StudentError(f"expected a sklearn Pipeline, got {type(model).__name__}")
    with check.case("an MLPClassifier as the last step"):
        require_answer()
        if not isinstance(network, MLPClassifier):
            raise StudentError("expected sklearn.neural_network.MLPClassifier, got "
                               f"{type(network).__name__}")
    with check.case("a scaler before the network"):
        require_answer()
        steps = model[:-1] if isinstance(model, Pipeline) else []
        if not any(isinstance(step, _SCALERS) for step in steps):
            raise StudentError("no scaler (StandardScaler, MinMaxScaler, ...) before the "
                               "network")
    with check.case(f"breast cancer, held-out accuracy >= {Q1_MIN_ACCURACY}"):
        X_train, X_test, y_train, y_test = breast_cancer_split()

        def fit_and_score(estimator):
            return clone(estimator).fit(X_train, y_train).score(X_test, y_test)

        accuracy = check.call(fit_and_score, model)
        if not accuracy >= Q1_MIN_ACCURACY:
            raise StudentError(f"held-out accuracy {accuracy:.3f}")


def _layer_sizes(estimator):
    return [W.shape[0] for W in estimator.coefs_] + [estimator.coefs_[-1].shape[1]]


@QUESTIONS.question(
    "q2", points=3, title="parameters of a fitted MLP", answer_name="count_parameters",
    hints=("every layer has a weight matrix coefs_[i] and a bias vector intercepts_[i]: add "
         "their sizes (.size); a two-class classifier has ONE output unit",))
def q2(check, count_parameters_answer):
    """``count_parameters(model)`` counts the weights and biases of a fitted sklearn MLP."""
    for label, (network, _) in fitted_networks().items():
        with check.case(label, weight=0.75):
            got = check.call(count_parameters_answer, network)
            check.same_number(got, count_parameters(_layer_sizes(network)), rtol=1e-12)


@QUESTIONS.question(
    "q3", points=4, title="predict_proba from coefs_ and intercepts_", answer_name="predict_proba",
    hints=("a = X, then a = f(a @ W + b) for every hidden layer; the output layer uses softmax "
         "(subtract the row maximum before exp) or, for two classes, one logistic unit p, "
         "returned as the two columns [1 - p, p]",))
def q3(check, predict_proba):
    """``predict_proba(coefs, intercepts, X, activation)`` equals sklearn's."""
    networks = {label: pair for label, pair in fitted_networks().items()
                if isinstance(pair[0], MLPClassifier)}
    large = copy.deepcopy(networks["digits, 64-30-10, relu"])
    large[0].coefs_[-1] *= 1000.0                 # logits in the thousands: exp overflows
    networks["digits, last layer x 1000 (logits in the thousands)"] = large
    for label, (network, X) in networks.items():
        with check.case(label):
            got = check.call(predict_proba, [W.copy() for W in network.coefs_],
                             [b.copy() for b in network.intercepts_], X, network.activation)
            check.same_array(got, network.predict_proba(X))


@QUESTIONS.question(
    "q4", points=4, title="gradient of the objective for the last layer",
    answer_name="output_gradients",
    hints=("with softmax and cross-entropy dJ/dz = (P - Y) / n for the output pre-activation z; "
         "then dJ/dW = A.T @ (P - Y) / n + (alpha / n) * W with A the last hidden layer's "
         "output, and dJ/db = the column sums of (P - Y) / n (no penalty on b)",))
def q4(check, output_gradients):
    """``output_gradients(coefs, intercepts, X, Y, alpha, activation)`` = (dJ/dW, dJ/db)."""
    networks = fitted_networks()
    cases = [("digits, relu, alpha = 0.1, 25 samples", "digits, 64-30-10, relu", 0.1, 25, 2),
             ("digits, logistic, alpha = 0, 1 sample", "digits, 64-12-10, logistic", 0.0, 1,
              1),
             ("digits, relu, alpha = 3, 10 samples", "digits, 64-30-10, relu", 3.0, 10, 1)]
    X_all, y_all = load_digits(scale=True)
    for label, network_label, alpha, n, points in cases:
        network = networks[network_label][0]
        X, Y = X_all[-n:], one_hot(y_all[-n:], 10)
        expected_W, expected_b = _reference_gradients(network, X, Y, alpha)
        with check.case(label, weight=points):
            got = check.call(output_gradients, list(network.coefs_), list(network.intercepts_),
                             X, Y, alpha, network.activation)
            if not isinstance(got, tuple) or len(got) != 2:
                raise StudentError(f"expected a pair (dW, db), got {describe(got)}")
            check.same_array(got[0], expected_W)
            check.same_array(got[1], expected_b)


@QUESTIONS.question(
    "q5", points=2, title="alpha by the one-standard-error rule", answer_name="answer_q5",
    hints=("find the best mean_test_score and its std_test_score; among the alphas whose mean "
         "test score is at least best - std, take the LARGEST alpha (the strongest penalty); "
         "the training scores play no part",))
def q5(check, answer_q5):
    """The alpha chosen from ``Q5_RESULTS`` by the one-standard-error rule (1 %)."""
    with check.case("the grid search of Q5_RESULTS", weight=2):
        check.same_number(answer_q5, _one_standard_error_alpha(Q5_RESULTS), rtol=0.01)


@QUESTIONS.question(
    "q6", points=1, title="the solvers", answer_name="answer_q6",
    hints=("L-BFGS is a full-batch quasi-Newton method: it has no step size and no mini-batches; "
         "look at the default of solver in MLPClassifier's signature",))
def q6(check, answer_q6):
    """Multiple choice: the true statement about scikit-learn's MLP solvers."""
    default = MLPClassifier().solver
    lbfgs = _fit_quietly(MLPClassifier((3,), solver="lbfgs", max_iter=5, random_state=0),
                         np.eye(4), np.arange(4) % 2)
    # The question is only fair while scikit-learn behaves as choices b and d say.
    assert default == "adam" and not hasattr(lbfgs, "loss_curve_"), "question 6 is outdated"
    with check.case("multiple choice"):
        check.same_choice(answer_q6, "b", choices="".join(Q6_CHOICES))
