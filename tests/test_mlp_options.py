"""MLPClassifier's choice of loss and output activation, bias initialisation, early stopping
that keeps the best weights, ``best_loss_``, ``predict_log_proba`` and multilabel targets."""

import warnings
from functools import partial

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

from coursepkg.models import mlp
from coursepkg.models.mlp import MLPClassifier, MLPRegressor
from coursepkg.nn import initializers
from coursepkg.nn.activations import sigmoid
from coursepkg.nn.gradcheck import check_gradients
from coursepkg.nn.optimizers import SGD

PAIRS = [("log_loss", "auto"), ("log_loss", "softmax"), ("log_loss", "sigmoid"),
         ("squared_error", "auto"), ("squared_error", "softmax"),
         ("squared_error", "sigmoid"), ("squared_error", "identity")]


def _data(n_classes, n_samples=9, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3))
    return X, np.arange(n_samples) % n_classes


@pytest.mark.parametrize("loss, output", PAIRS)
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("alpha", [0.0, 0.2])
def test_every_loss_and_output_pair_has_exact_gradients(loss, output, n_classes, alpha):
    X, y = _data(n_classes)
    model = MLPClassifier((4,), activation="tanh", loss=loss, output_activation=output,
                          alpha=alpha, epochs=2, batch_size=9, bias_init="normal",
                          dtype=np.float64, random_state=1).fit(X, y)
    errors = check_gradients(model, X, y)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_multilabel_gradients_are_exact(loss):
    X, Y = make_multilabel_classification(n_samples=10, n_features=3, n_classes=4,
                                          random_state=0)
    model = MLPClassifier((5,), activation="tanh", loss=loss, epochs=2, batch_size=10,
                          dtype=np.float64, random_state=0).fit(X / 3, Y)
    errors = check_gradients(model, X / 3, Y)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("n_classes, output, units", [
    (2, "auto", 1), (2, "sigmoid", 1), (2, "identity", 1), (2, "softmax", 2),
    (3, "auto", 3), (3, "sigmoid", 3), (3, "identity", 3), (3, "softmax", 3)])
def test_output_units_follow_the_output_activation(n_classes, output, units):
    X, y = _data(n_classes)
    model = MLPClassifier((4,), loss="squared_error", output_activation=output,
                          epochs=1).fit(X, y)
    assert model.coefs_[-1].shape == (4, units) and model.n_outputs_ == units
    assert model.out_activation_ == {"auto": "sigmoid" if n_classes == 2 else "softmax"}.get(
        output, output)
    assert model.predict(X).shape == (len(X),) and set(model.predict(X)) <= set(y)


def test_one_hand_worked_sgd_step_of_the_quadratic_cost_with_sigmoid_outputs():
    """Nielsen's update (network.py, update_mini_batch) on one mini-batch of 3 samples:
    delta = (a - y) * sigmoid'(z) at the output, w -= eta / m * sum of the per-sample
    gradients; the half squared error averaged over the batch gives the same step."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(3, 2)), np.array([0, 2, 1])
    W1, b1 = rng.normal(size=(2, 4)), rng.normal(size=4)
    W2, b2 = rng.normal(size=(4, 3)), rng.normal(size=3)
    model = MLPClassifier.from_weights(
        [W1, W2], [b1, b2], classes=[0, 1, 2], activation="sigmoid", loss="squared_error",
        output_activation="sigmoid", optimizer=SGD(3.0), alpha=0.0, batch_size=3,
        shuffle=False, dtype=np.float64)
    model.partial_fit(X, y)

    Y = np.eye(3)[y]
    z1 = X @ W1 + b1
    a1 = sigmoid(z1)
    a2 = sigmoid(a1 @ W2 + b2)
    delta2 = (a2 - Y) * a2 * (1 - a2)
    delta1 = (delta2 @ W2.T) * a1 * (1 - a1)
    eta_over_m = 3.0 / 3
    np.testing.assert_allclose(model.coefs_[1], W2 - eta_over_m * a1.T @ delta2, atol=1e-12)
    np.testing.assert_allclose(model.intercepts_[1], b2 - eta_over_m * delta2.sum(0),
                               atol=1e-12)
    np.testing.assert_allclose(model.coefs_[0], W1 - eta_over_m * X.T @ delta1, atol=1e-12)
    np.testing.assert_allclose(model.intercepts_[0], b1 - eta_over_m * delta1.sum(0),
                               atol=1e-12)
    assert model.loss_curve_[0] == pytest.approx(0.5 * np.sum((a2 - Y) ** 2) / 3)


def test_sigmoid_outputs_with_cross_entropy_sum_the_binary_losses_over_the_classes():
    X, y = _data(3)
    model = MLPClassifier((4,), output_activation="sigmoid", alpha=0.0, epochs=1,
                          dtype=np.float64, random_state=0).fit(X, y)
    P, Y = model.forward(X).a[-1], np.eye(3)[y]
    expected = -np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)) / len(X)
    assert model.objective(X, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("params, message", [
    (dict(loss="log_loss", output_activation="identity"), "needs probabilities"),
    (dict(loss="hinge"), "loss must be one of log_loss, squared_error"),
    (dict(output_activation="relu"), "output_activation must be one of"),
    (dict(bias_init="ones"), "bias_init must be one of zeros, normal"),
])
def test_pairs_and_names_that_make_no_sense_are_clear_errors(params, message):
    X, y = _data(3)
    with pytest.raises(ValueError, match=message):
        MLPClassifier((4,), epochs=1, **params).fit(X, y)


def test_softmax_with_multilabel_targets_is_a_clear_error():
    X, Y = make_multilabel_classification(n_samples=20, n_classes=3, random_state=0)
    with pytest.raises(ValueError, match="softmax makes the classes exclusive"):
        MLPClassifier((4,), output_activation="softmax", epochs=1).fit(X, Y)


def test_identity_output_has_no_probabilities():
    X, y = _data(3)
    model = MLPClassifier((4,), loss="squared_error", output_activation="identity",
                          epochs=1).fit(X, y)
    assert not hasattr(model, "predict_proba") and not hasattr(model, "predict_log_proba")
    assert hasattr(MLPClassifier(), "predict_proba")


def test_bias_init_normal_draws_standard_normal_biases_and_zeros_is_the_default():
    X, y = _data(2, n_samples=20)
    drawn = MLPClassifier((4000,), bias_init="normal", epochs=1, random_state=0,
                          learning_rate=1e-12, dtype=np.float64).fit(X, y)
    assert abs(drawn.intercepts_[0].mean()) < 0.05
    assert drawn.intercepts_[0].std() == pytest.approx(1, abs=0.05)
    zero = MLPClassifier((4,), epochs=1, learning_rate=1e-12, random_state=0).fit(X, y)
    assert np.abs(zero.intercepts_[0]).max() < 1e-9


def test_bias_init_zeros_leaves_the_weights_of_a_seed_unchanged():
    """The default draws no biases, so a seed gives the weights it always gave."""
    X, y = _data(3)
    default = MLPClassifier((5,), epochs=1, learning_rate=1e-12, random_state=3).fit(X, y)
    rng = np.random.default_rng(np.random.RandomState(3).randint(2**31))
    expected = initializers.he_normal(3, 5, rng, dtype=np.float32)
    np.testing.assert_allclose(default.coefs_[0], expected, atol=1e-9)


def test_init_accepts_a_function_such_as_a_normal_of_chosen_spread():
    X, y = _data(2, n_samples=20)
    model = MLPClassifier((3000,), init=partial(initializers.normal, std=0.1), epochs=1,
                          learning_rate=1e-12, random_state=0).fit(X, y)
    assert model.coefs_[0].std() == pytest.approx(0.1, rel=0.05)
    lecun = MLPClassifier((3000,), init="lecun_normal", epochs=1, learning_rate=1e-12,
                          random_state=0).fit(X, y)
    assert lecun.coefs_[0].std() == pytest.approx(1 / np.sqrt(3), rel=0.05)


# ------------------------------------------------------------------- early stopping

def _validation_split(monkeypatch):
    """Record the validation split that fit makes."""
    seen = {}
    real = mlp.train_test_split

    def recording(*arrays, **kwargs):
        parts = real(*arrays, **kwargs)
        seen["X_val"], seen["Y_val"] = parts[1], parts[3]
        return parts
    monkeypatch.setattr(mlp, "train_test_split", recording)
    return seen


def _old_rule_best(scores, tol):
    """The score an estimator keeps when it updates its best only on a gain above tol."""
    best = None
    for score in scores:
        if best is None or score > best + tol:
            best = score
    return best


def test_early_stopping_restores_the_weights_of_the_maximum_validation_score(monkeypatch):
    seen = _validation_split(monkeypatch)
    X, y = make_classification(n_samples=600, n_features=20, n_informative=5, flip_y=0.1,
                               random_state=0)
    tol = 0.03
    model = MLPClassifier((32,), learning_rate=0.003, batch_size=32, epochs=100,
                          early_stopping=True, validation_fraction=0.3, n_iter_no_change=8,
                          tol=tol, random_state=0, dtype=np.float64).fit(X, y)
    scores = model.validation_scores_
    # This run has gains smaller than tol after the last gain above it: keeping the best
    # only on gains above tol would keep a lower score.
    assert _old_rule_best(scores, tol) < max(scores)
    assert model.best_validation_score_ == max(scores)
    X_val, Y_val = seen["X_val"], seen["Y_val"]
    restored = np.mean(model.predict(X_val) == model.classes_[Y_val[:, 0].astype(int)])
    assert restored == max(scores)
    assert model.best_loss_ is None


def test_early_stopping_stops_after_n_iter_no_change_epochs_without_a_gain_above_tol():
    X, y = make_classification(n_samples=300, random_state=1)
    model = MLPClassifier((16,), learning_rate=0.01, epochs=300, early_stopping=True,
                          n_iter_no_change=5, tol=0.5, random_state=0).fit(X, y)
    assert model.n_iter_ == 6  # nothing gains 0.5 over the first score


def test_regressor_early_stopping_restores_its_maximum_r2(monkeypatch):
    seen = _validation_split(monkeypatch)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2 + 0.3 * rng.normal(size=300)
    model = MLPRegressor((16,), learning_rate=0.003, epochs=300, early_stopping=True,
                         n_iter_no_change=10, tol=0.2, random_state=0,
                         dtype=np.float64).fit(X, y)
    assert _old_rule_best(model.validation_scores_, 0.2) < max(model.validation_scores_)
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.score(seen["X_val"], seen["Y_val"].ravel()) == pytest.approx(
        max(model.validation_scores_), rel=1e-12)


def test_best_loss_is_the_smallest_training_loss():
    X, y = _data(3, n_samples=60)
    model = MLPClassifier((8,), learning_rate=0.05, epochs=30, random_state=0).fit(X, y)
    assert model.best_loss_ == min(model.loss_curve_)
    model.partial_fit(X, y)
    assert model.best_loss_ == min(model.loss_curve_)


# --------------------------------------------------------------- predict_log_proba

@pytest.mark.parametrize("n_classes, output", [(2, "auto"), (2, "softmax"), (3, "auto"),
                                               (3, "sigmoid")])
def test_predict_log_proba_is_the_log_of_predict_proba(n_classes, output):
    X, y = _data(n_classes, n_samples=30)
    model = MLPClassifier((6,), output_activation=output, epochs=20, learning_rate=0.05,
                          dtype=np.float64, random_state=0).fit(X, y)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), model.predict_proba(X),
                               rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_log_proba_stays_finite_where_a_probability_rounds_to_zero(n_classes):
    X, y = _data(n_classes, n_samples=30)
    model = MLPClassifier((6,), epochs=1, dtype=np.float64, random_state=0).fit(X, y)
    X_far = 1e4 * X
    assert (model.predict_proba(X_far) < 1e-300).any()
    log_p = model.predict_log_proba(X_far)
    # finite, and far below log(tiny) = -708, the least a log of predict_proba can give
    assert np.isfinite(log_p).all() and log_p.min() < -1000


def test_predict_log_proba_agrees_with_scikit_learn_on_the_same_weights():
    X, y = _data(4, n_samples=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = SkMLPClassifier((5,), max_iter=30, random_state=0).fit(X, y)
    ours = MLPClassifier.from_weights(sk.coefs_, sk.intercepts_, classes=sk.classes_,
                                      dtype=np.float64)
    np.testing.assert_allclose(ours.predict_log_proba(X), sk.predict_log_proba(X),
                               atol=1e-10)


# ---------------------------------------------------------------------- multilabel

def test_multilabel_targets_as_scikit_learn_defines_them():
    X, Y = make_multilabel_classification(n_samples=400, n_features=10, n_classes=5,
                                          random_state=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    X_train, X_test, Y_train, Y_test = X[:300], X[300:], Y[:300], Y[300:]
    model = MLPClassifier((32,), learning_rate=0.01, epochs=60, random_state=0).fit(
        X_train, Y_train)
    np.testing.assert_array_equal(model.classes_, np.arange(5))
    assert model.out_activation_ == "sigmoid" and model.coefs_[-1].shape == (32, 5)
    predicted = model.predict(X_test)
    assert predicted.shape == Y_test.shape and set(np.unique(predicted)) <= {0, 1}
    proba = model.predict_proba(X_test)
    assert proba.shape == Y_test.shape
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))
    assert model.score(X_test, Y_test) == accuracy_score(Y_test, predicted)  # subset accuracy
    # the labels are learnt: per-label accuracy well above always predicting each label's
    # majority value, and as good as scikit-learn's network of the same shape and budget
    per_label = (predicted == Y_test).mean()
    majority = np.maximum(Y_test.mean(axis=0), 1 - Y_test.mean(axis=0)).mean()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = SkMLPClassifier((32,), learning_rate_init=0.01, max_iter=60,
                             random_state=0).fit(X_train, Y_train)
    assert per_label > majority + 0.1
    assert per_label > (sk.predict(X_test) == Y_test).mean() - 0.03


def test_multilabel_predictions_agree_with_scikit_learn_on_the_same_weights():
    X, Y = make_multilabel_classification(n_samples=50, n_features=6, n_classes=3,
                                          random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = SkMLPClassifier((7,), max_iter=20, random_state=0).fit(X, Y)
    ours = MLPClassifier((7,), epochs=1, dtype=np.float64, random_state=0).fit(X, Y)
    ours.coefs_ = [W.copy() for W in sk.coefs_]
    ours.intercepts_ = [b.copy() for b in sk.intercepts_]
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


def test_multilabel_early_stopping_and_partial_fit():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    model = MLPClassifier((8,), epochs=20, early_stopping=True, random_state=0).fit(X, Y)
    assert 0 <= model.best_validation_score_ <= 1
    online = MLPClassifier((8,), random_state=0).partial_fit(X, Y)
    np.testing.assert_array_equal(online.classes_, np.arange(4))
    with pytest.raises(ValueError, match="multilabel targets must be 0/1"):
        online.partial_fit(X, Y[:, :3])
