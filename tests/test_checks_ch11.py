"""The chapter 11 checks tell right from wrong, and never raise on a wrong answer."""

import numpy as np
from check_harness import shared_tests
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from coursepkg.course.checks import ch11
from coursepkg.nn.gradcheck import numerical_gradient


def raises(*args):
    raise RuntimeError("student bug")


HIDDEN = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "identity": lambda z: z,
          "logistic": lambda z: 1 / (1 + np.exp(-z))}


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def hidden_output(coefs, intercepts, X, activation):
    A = X
    for W, b in zip(coefs[:-1], intercepts[:-1]):
        A = HIDDEN[activation](A @ W + b)
    return A


def predict_proba(coefs, intercepts, X, activation):
    Z = hidden_output(coefs, intercepts, X, activation) @ coefs[-1] + intercepts[-1]
    if Z.shape[1] == 1:
        p = 1 / (1 + np.exp(-Z))
        return np.hstack([1 - p, p])
    return softmax(Z)


def predict_proba_naive_softmax(coefs, intercepts, X, activation):
    Z = hidden_output(coefs, intercepts, X, activation) @ coefs[-1] + intercepts[-1]
    if Z.shape[1] == 1:
        p = 1 / (1 + np.exp(-Z))
        return np.hstack([1 - p, p])
    return np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)


def predict_proba_softmax_always(coefs, intercepts, X, activation):
    Z = hidden_output(coefs, intercepts, X, activation) @ coefs[-1] + intercepts[-1]
    return softmax(Z)


def output_gradients(coefs, intercepts, X, Y, alpha, activation):
    A = hidden_output(coefs, intercepts, X, activation)
    delta = (softmax(A @ coefs[-1] + intercepts[-1]) - Y) / len(X)
    return A.T @ delta + alpha / len(X) * coefs[-1], delta.sum(axis=0)


def gradients_without_penalty(coefs, intercepts, X, Y, alpha, activation):
    return output_gradients(coefs, intercepts, X, Y, 0.0, activation)


def gradients_penalty_alpha_w(coefs, intercepts, X, Y, alpha, activation):
    dW, db = output_gradients(coefs, intercepts, X, Y, 0.0, activation)
    return dW + alpha * coefs[-1], db


def gradients_summed_not_averaged(coefs, intercepts, X, Y, alpha, activation):
    dW, db = output_gradients(coefs, intercepts, X, Y, alpha, activation)
    return dW * len(X), db * len(X)


def pipeline():
    return make_pipeline(StandardScaler(), MLPClassifier((20,), solver="lbfgs", max_iter=1000,
                                                         random_state=0))


def unscaled_network():
    return MLPClassifier((20,), solver="lbfgs", max_iter=1000, random_state=0)


# question -> (right answers, {description: (wrong answer, points it still earns)})
CASES = {
    "q1": ([pipeline(), make_pipeline(MinMaxScaler(), MLPClassifier(
        (10,), solver="lbfgs", max_iter=500, random_state=1))], {
        "None": (None, 0),
        "Ellipsis": (..., 0),
        "the network alone": (unscaled_network(), 1, "not_pipeline"),
        "a pipeline without a scaler": (make_pipeline(unscaled_network()), 2, "no_scaler"),
        "logistic regression": (make_pipeline(StandardScaler(), LogisticRegression()), 3),
        "a network too small to learn": (make_pipeline(StandardScaler(), MLPClassifier(
            (1,), solver="lbfgs", max_iter=1, alpha=1e4, random_state=0)), 3),
        "a string": ("make_pipeline(StandardScaler(), MLPClassifier())", 0),
    }),
    "q2": ([0.1, np.float64(0.1), 0.1005], {
        "None": (None, 0),
        "n / b instead of b / n": (10.0, 0, "inverted"),
        "the same alpha": (1.0, 0, "unchanged"),
        "a string": ("0.1", 0),
    }),
    "q3": ([predict_proba], {
        "None": (None, 0),
        "raises": (raises, 0),
        "softmax without the maximum": (predict_proba_naive_softmax, 3, "overflow"),
        "softmax for two classes too": (predict_proba_softmax_always, 3),
        "only P(class 1) for two classes": (
            lambda *args: predict_proba(*args)[:, 1:] if predict_proba(*args).shape[1] == 2
            else predict_proba(*args), 3, "one_column"),
        "relu whatever the activation": (
            lambda c, i, X, a: predict_proba(c, i, X, "relu"), 2),
    }),
    "q4": ([output_gradients, lambda *a: tuple(g.astype(np.float32)
                                               for g in output_gradients(*a))], {
        "None": (None, 0),
        "raises": (raises, 0),
        "penalty forgotten": (gradients_without_penalty, 1, "no_penalty"),
        "penalty alpha W, not alpha W / n": (gradients_penalty_alpha_w, 1,
                                             "penalty_not_over_n"),
        "summed, not averaged (right for 1 sample)": (gradients_summed_not_averaged, 1,
                                                      "sum_not_mean"),
        "dW transposed": (lambda *a: (output_gradients(*a)[0].T, output_gradients(*a)[1]),
                          0, "transposed"),
        "returns dW only": (lambda *a: output_gradients(*a)[0], 0),
    }),
    "q5": ([1e-3, np.float64(1e-3)], {
        "None": (None, 0),
        "the best mean test score": (1e-4, 0, "best_mean"),
        "the best training score": (1e-5, 0, "training_scores"),
        "the fold standard deviation as the margin": (1e-2, 0, "fold_std"),
        "the index instead of the value": (2, 0),
        "a string": ("0.001", 0),
    }),
    "q6": (["b", " B "], {
        "None": (None, 0),
        "a": ("a", 0, "lbfgs_batches"),
        "c": ("c", 0, "adam_rate"),
        "d": ("d", 0, "default_solver"),
        "not a letter": (2, 0),
    }),
}
(test_every_question_is_tested, test_a_right_answer_earns_every_point,
 test_a_wrong_answer_fails_without_raising,
 test_every_declared_mistake_is_diagnosed) = shared_tests(ch11, CASES)


def test_the_points_add_up_to_the_table():
    points = {name: question(CASES[name][0][0]).max_points
              for name, question in ch11.QUESTIONS.items()}
    assert points == {"q1": 4, "q2": 2, "q3": 4, "q4": 4, "q5": 2, "q6": 1}


def test_the_reference_gradient_matches_finite_differences():
    network, _ = ch11.fitted_networks()["digits, 64-12-10, logistic"]
    rng = np.random.default_rng(0)
    X = rng.random((6, 64))
    Y = np.eye(10)[rng.integers(0, 10, 6)]
    alpha = 0.7
    expected_W, expected_b = ch11._reference_gradients(network, X, Y, alpha)

    def objective(W_last):
        A = hidden_output(network.coefs_, network.intercepts_, X, "logistic")
        P = softmax(A @ W_last + network.intercepts_[-1])
        penalty = sum(np.sum(W ** 2) for W in network.coefs_[:-1]) + np.sum(W_last ** 2)
        return -np.mean(np.sum(Y * np.log(P), axis=1)) + alpha / (2 * len(X)) * penalty

    np.testing.assert_allclose(expected_W, numerical_gradient(objective,
                                                              network.coefs_[-1].copy()),
                               rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(expected_b, (softmax(hidden_output(
        network.coefs_, network.intercepts_, X, "logistic") @ network.coefs_[-1]
        + network.intercepts_[-1]) - Y).mean(axis=0), rtol=1e-10)


def test_the_rule_of_question_5_differs_from_the_naive_choices():
    results = ch11.Q5_RESULTS
    chosen = ch11._one_standard_error_alpha(results, ch11.Q5_FOLDS)
    assert chosen != ch11._one_standard_error_alpha(results, ch11.Q5_FOLDS, spread="std")
    assert chosen != results["param_alpha"][np.argmax(results["mean_test_score"])]
    assert chosen != results["param_alpha"][np.argmax(results["mean_train_score"])]


def test_only_the_right_choice_passes_question_6():
    assert [letter for letter in ch11.Q6_CHOICES if ch11.q6(letter).passed] == ["b"]


def test_the_networks_are_copies():
    first = ch11.fitted_networks()["digits, 64-30-10, relu"][0]
    first.coefs_[0][:] = 0
    assert ch11.fitted_networks()["digits, 64-30-10, relu"][0].coefs_[0].any()


def test_numbers_are_not_revealed_and_failures_are_explained():
    assert "0.001" not in ch11.q5(1e-4).message
    assert "RuntimeError: 'student bug'" in ch11.q3(raises).message
    assert "no scaler" in ch11.q1(make_pipeline(unscaled_network())).message


def test_the_alpha_of_question_2_gives_the_same_penalty_gradient():
    # scikit-learn adds (alpha / n_batch) W to a weight's gradient: the L-BFGS run over all
    # n samples and the Adam run over batches of b pull equally hard when these agree
    n, b, alpha = (ch11.Q2_SETTING[k] for k in ("n_samples", "batch_size", "alpha_lbfgs"))
    assert alpha / n == 0.1 / b
