"""Checks for chapter 11, neural networks in scikit-learn (``exercises/11_sklearn.ipynb``).

=====  ==============================================  ======================  ==============
name   question                                        answer graded           kinds
=====  ==============================================  ======================  ==============
q1     a scaling + MLP ``Pipeline``                    ``model``               code
q2     the same penalty for ``lbfgs`` and ``adam``     ``answer_q2``           derivation,
                                                                               new situation
q3     ``predict_proba`` from the weights              ``predict_proba``       code
q4     gradient of the objective, last layer           ``output_gradients``    derivation,
                                                                               code
q5     alpha by the one-standard-error rule            ``answer_q5``           new situation,
                                                                               number
q6     the solvers (choice)                            ``answer_q6``           choice
=====  ==============================================  ======================  ==============

The references are scikit-learn's fitted networks and the book's package
(:func:`coursepkg.models.transfer.from_sklearn` and
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
from coursepkg.nn.preprocessing import one_hot

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "Q1_MIN_ACCURACY", "Q2_SETTING",
           "Q5_RESULTS", "Q5_FOLDS", "Q6_CHOICES", "breast_cancer_split", "fitted_networks"]

QUESTIONS = QuestionSet("ch11")

#: Question 1 - the held-out accuracy the pipeline must reach on the breast-cancer data.
Q1_MIN_ACCURACY = 0.95

#: Question 2 - a network trained with L-BFGS and the penalty ``alpha_lbfgs`` on
#: ``n_samples`` samples, to be trained with Adam on batches of ``batch_size`` instead.
Q2_SETTING = {"n_samples": 320, "batch_size": 32, "alpha_lbfgs": 1.0}

#: Question 5 - a grid search's results over alpha (``Q5_FOLDS``-fold cross-validation), in
#: the layout of ``GridSearchCV.cv_results_``; the standard deviations are over the folds.
Q5_FOLDS = 5
Q5_RESULTS = {
    "param_alpha": np.array([1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6]),
    "mean_test_score": np.array([0.900, 0.955, 0.958, 0.961, 0.957, 0.955]),
    "std_test_score": np.array([0.020, 0.012, 0.010, 0.008, 0.011, 0.013]),
    "mean_train_score": np.array([0.912, 0.966, 0.985, 0.995, 1.000, 0.999]),
}

Q6_CHOICES = {
    "a": "'lbfgs' takes mini-batches of batch_size samples and records a loss_curve_.",
    "b": "'lbfgs' uses every training sample at each iteration, with no step size.",
    "c": "'adam' and 'sgd' ignore learning_rate_init and choose their own step.",
    "d": "'sgd' is the default solver, since it is the fastest on small data.",
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


def _one_standard_error_alpha(results, n_folds, spread="standard_error"):
    """The largest alpha whose mean test score is within one standard error of the best.

    ``results`` is laid out like ``GridSearchCV.cv_results_`` (``param_alpha``,
    ``mean_test_score``, ``std_test_score`` over ``n_folds`` folds). The standard error of
    the best mean is its fold standard deviation over the square root of ``n_folds``;
    ``spread="std"`` uses the fold standard deviation itself (a usual mistake).
    """
    alphas = np.asarray(results["param_alpha"], dtype=float)
    mean = np.asarray(results["mean_test_score"])
    best = np.argmax(mean)
    margin = results["std_test_score"][best]
    if spread == "standard_error":
        margin = margin / np.sqrt(n_folds)
    return float(alphas[mean >= mean[best] - margin].max())


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
    "q1", points=4, title="a scaling + MLP pipeline", answer_name="model", kinds=("code",),
    hints=("Two steps, in order: one that puts every feature on the same scale, learned from "
           "the training data only, then the network.",
           "If the held-out accuracy is too low, look at whether the network converges: a "
           "solver suited to a few hundred samples, or more iterations, and a penalty that "
           "keeps the weights small."),
    mistakes={
        "not_pipeline": "this is a bare estimator, not a Pipeline: the scaling must be a "
                        "step of the model so that it is fitted on the training data only",
        "no_scaler": "there is no scaler before the network: features from 0.001 to 4,000 "
                     "reach it unscaled",
    },
)
def q1(check, model):
    """``model`` is a Pipeline: a scaler, then an MLPClassifier, accurate on held-out data."""
    missing = missing_answer(model, "model")

    def require_answer():
        if missing:
            raise StudentError(missing)

    network = model[-1] if isinstance(model, Pipeline) else model
    with check.case("a Pipeline"):
        require_answer()
        if isinstance(model, MLPClassifier):
            raise check.mistake("not_pipeline")
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
            raise check.mistake("no_scaler")
    with check.case(f"breast cancer, held-out accuracy >= {Q1_MIN_ACCURACY}"):
        X_train, X_test, y_train, y_test = breast_cancer_split()

        def fit_and_score(estimator):
            return clone(estimator).fit(X_train, y_train).score(X_test, y_test)

        accuracy = check.call(fit_and_score, model)
        if not accuracy >= Q1_MIN_ACCURACY:
            raise StudentError(f"held-out accuracy {accuracy:.3f}")


@QUESTIONS.question(
    "q2", points=2, title="the same penalty with another solver", answer_name="answer_q2",
    kinds=("derivation", "new situation"),
    hints=("Write the penalty term of the objective each solver descends, with the number of "
           "samples it is divided by, next to the data term it is weighed against.",
           "L-BFGS descends the objective of the whole training set; Adam descends the "
           "objective of one batch at every step. Ask that the penalty pull equally hard "
           "against the same mean data loss in both."),
    mistakes={
        "inverted": "the ratio is upside down: a batch is smaller than the training set, so "
                    "the penalty divided by the batch size is already the stronger one",
        "unchanged": "alpha does not mean the same with both solvers: scikit-learn divides "
                     "it by the number of samples of the batch the step uses",
    },
)
def q2(check, answer_q2):
    """The ``alpha`` for Adam that gives the penalty of ``Q2_SETTING``'s L-BFGS run (1 %)."""
    n, b, alpha = (Q2_SETTING[key] for key in ("n_samples", "batch_size", "alpha_lbfgs"))
    with check.case("the setting of Q2_SETTING", weight=2):
        check.same_number(answer_q2, alpha * b / n, rtol=0.01,
                          mistakes={"inverted": alpha * n / b, "unchanged": alpha})


def _probabilities_as(network, X, variant):
    """What ``predict_proba`` of a usual mistake returns for a fitted classifier."""
    ours = from_sklearn(network)
    cache = ours.forward(X)
    z = cache.z[-1]
    if variant == "one_column":
        return 1 / (1 + np.exp(-z))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


@QUESTIONS.question(
    "q3", points=4, title="predict_proba from coefs_ and intercepts_",
    answer_name="predict_proba", kinds=("code",),
    hints=("Every hidden layer is a dense layer followed by the named activation; only the "
           "output layer is different.",
           "The output layer depends on the number of output units: one unit for two classes, "
           "and predict_proba always returns one column per class. A softmax of logits in "
           "the thousands needs a shift that changes nothing mathematically."),
    mistakes={
        "one_column": "a two-class network has one output unit, but predict_proba returns "
                      "two columns, P(class 0) and P(class 1)",
        "overflow": "the softmax overflows on large logits: subtract each row's maximum "
                    "before the exponential",
    },
)
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
            expected = network.predict_proba(X)
            if expected.shape[1] == 2 and np.shape(got) in ((len(X), 1), (len(X),)):
                raise check.mistake("one_column")
            if (isinstance(got, np.ndarray) and got.shape == expected.shape
                    and not np.all(np.isfinite(got))
                    and not np.all(np.isfinite(_probabilities_as(network, X, "naive")))):
                raise check.mistake("overflow")
            check.same_array(got, expected)


@QUESTIONS.question(
    "q4", points=4, title="gradient of the objective for the last layer",
    answer_name="output_gradients", kinds=("derivation", "code"),
    hints=("Derive dJ/dZ for the output pre-activations first, for the mean over the batch; "
           "the rest is the chain rule through one dense layer, plus the penalty's own "
           "derivative.",
           "The penalty's derivative has the factor of the objective in front of it, and the "
           "biases are not penalised. Compare with finite differences of J, as the cell "
           "after the answer does."),
    mistakes={
        "no_penalty": "dJ/dW lacks the derivative of the penalty (alpha / n) W",
        "penalty_not_over_n": "the penalty's derivative is alpha W: the objective divides "
                              "the penalty by 2n, so its derivative is (alpha / n) W",
        "sum_not_mean": "these are the gradients of the summed objective, n times too "
                        "large: J is a mean over the batch",
        "transposed": "dJ/dW is transposed: it must have the shape (h, K) of W",
    },
)
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
        data_W, _ = _reference_gradients(network, X, Y, 0.0)
        W = network.coefs_[-1]
        candidates = {"no_penalty": data_W, "penalty_not_over_n": data_W + alpha * W,
                      "sum_not_mean": n * expected_W, "transposed": expected_W.T}
        with check.case(label, weight=points):
            got = check.call(output_gradients, list(network.coefs_), list(network.intercepts_),
                             X, Y, alpha, network.activation)
            if not isinstance(got, tuple) or len(got) != 2:
                raise StudentError(f"expected a pair (dW, db), got {describe(got)}")
            check.same_array(got[0], expected_W, mistakes={
                key: value for key, value in candidates.items()
                if value.shape != expected_W.shape or not np.allclose(value, expected_W)})
            check.same_array(got[1], expected_b, mistakes={"sum_not_mean": n * expected_b}
                             if n > 1 else None)


@QUESTIONS.question(
    "q5", points=2, title="alpha by the one-standard-error rule", answer_name="answer_q5",
    kinds=("new situation", "number"),
    hints=("The rule compares every mean score with the best mean minus one standard error "
           "of that best mean, then prefers the strongest penalty among those that pass.",
           "The table gives the standard deviation over the folds, the spread of one fold's "
           "score; the mean of Q5_FOLDS folds is less uncertain than one fold. Only the "
           "validation scores take part."),
    mistakes={
        "fold_std": "the margin is the standard deviation over the folds; the rule uses the "
                    "standard error of the mean, that deviation over the square root of the "
                    "number of folds",
        "best_mean": "this is the alpha of the best mean score: the rule then prefers the "
                     "largest alpha within one standard error of it",
        "training_scores": "this alpha was chosen on the training scores, which reward the "
                           "weakest penalty; only validation scores can choose",
    },
)
def q5(check, answer_q5):
    """The alpha chosen from ``Q5_RESULTS`` by the one-standard-error rule (1 %)."""
    alphas = Q5_RESULTS["param_alpha"]
    expected = _one_standard_error_alpha(Q5_RESULTS, Q5_FOLDS)
    with check.case("the grid search of Q5_RESULTS", weight=2):
        check.same_number(answer_q5, expected, rtol=0.01, mistakes={
            "fold_std": _one_standard_error_alpha(Q5_RESULTS, Q5_FOLDS, spread="std"),
            "best_mean": alphas[np.argmax(Q5_RESULTS["mean_test_score"])],
            "training_scores": alphas[np.argmax(Q5_RESULTS["mean_train_score"])]})


@QUESTIONS.question(
    "q6", points=1, title="the solvers", answer_name="answer_q6", kinds=("choice",),
    hints=("Recall what each solver needs from the data at every iteration, and what it needs "
           "from you.",
           "Look at the default of solver in MLPClassifier's signature, and at which fitted "
           "attributes a network trained by each solver has."),
    mistakes={
        "lbfgs_batches": "L-BFGS uses the whole training set at every iteration and records "
                         "no loss curve",
        "adam_rate": "learning_rate_init is the step size of both adam and sgd",
        "default_solver": "the default solver of MLPClassifier is adam",
    },
)
def q6(check, answer_q6):
    """Multiple choice: the true statement about scikit-learn's MLP solvers."""
    default = MLPClassifier().solver
    lbfgs = _fit_quietly(MLPClassifier((3,), solver="lbfgs", max_iter=5, random_state=0),
                         np.eye(4), np.arange(4) % 2)
    # The question is only fair while scikit-learn behaves as choices b and d say.
    assert default == "adam" and not hasattr(lbfgs, "loss_curve_"), "question 6 is outdated"
    with check.case("multiple choice"):
        check.same_choice(answer_q6, "b", choices="".join(Q6_CHOICES), mistakes={
            "a": "lbfgs_batches", "c": "adam_rate", "d": "default_solver"})
