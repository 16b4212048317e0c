"""Checks for chapter 07, Backpropagation (``exercises/07_backprop.ipynb``).

=====  ===================================================  =================
name   question                                             answer graded
=====  ===================================================  =================
q1     the nine derivatives of a 2-2-1 sigmoid network      ``gradients_221``
q2     output delta of the XOR network (number)             ``answer_q2``
q3     one gradient-descent step by hand (number)           ``answer_q3``
q4     mini-batch backward pass in matrix form              ``backward``
q5     largest factor of one sigmoid layer (number)         ``answer_q5``
q6     what the forward pass caches (choice)                ``answer_q6``
=====  ===================================================  =================

Every check draws its random inputs from a generator with a fixed seed, so a check prints the
same line every time it sees the same answer. Question 1 is checked against central finite
differences, question 4 against :meth:`coursepkg.models.mlp.MLPRegressor.backward`.
"""

from __future__ import annotations

import warnings

import numpy as np

from coursepkg.course.checks import QuestionSet, StudentError, describe
from coursepkg.lessons.examples import xor_network
from coursepkg.models.mlp import MLPRegressor
from coursepkg.nn import backprop
from coursepkg.nn.activations import sigmoid, sigmoid_derivative
from coursepkg.nn.feedforward import forward_pass
from coursepkg.nn.gradcheck import numerical_gradient

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "XOR_COEFS", "XOR_INTERCEPTS",
           "Q2_INPUT", "Q2_TARGET", "Q3_LEARNING_RATE", "Q6_CHOICES"]

QUESTIONS = QuestionSet("ch07")

# ------------------------------------------------------------------------ the XOR network

#: The XOR network of the chapter in (fan_in, fan_out) form, hidden units D and E, output G.
XOR_COEFS, XOR_INTERCEPTS = xor_network()
_SIGMOIDS = ("sigmoid", "sigmoid")

#: Input and target of questions 2 and 3; learning rate of question 3.
Q2_INPUT = (0.0, 0.0)
Q2_TARGET = 0.0
Q3_LEARNING_RATE = 10.0


def _xor_step_quantities():
    cache = forward_pass(np.array([Q2_INPUT]), XOR_COEFS, XOR_INTERCEPTS, _SIGMOIDS)
    _, intercept_grads, deltas = backprop.backward(cache, XOR_COEFS, [[Q2_TARGET]], _SIGMOIDS)
    return deltas, intercept_grads


def _xor_output_delta():
    """``dE/dz_G`` of the XOR network at ``Q2_INPUT`` for ``E = (y_hat - y)^2 / 2``."""
    deltas, _ = _xor_step_quantities()
    return float(deltas[-1][0, 0])


def _xor_bias_after_step():
    """Bias of hidden unit D after one gradient-descent step at ``Q2_INPUT``."""
    _, intercept_grads = _xor_step_quantities()
    return float(XOR_INTERCEPTS[0][0] - Q3_LEARNING_RATE * intercept_grads[0][0])


def _max_sigmoid_slope():
    """``max_z sigma'(z)``, reached at ``z = 0``."""
    return float(sigmoid_derivative(np.array(0.0)))


# ------------------------------------------------------------------------------ helpers


def _as_arrays(got, count, what):
    """The reader's sequence ``got`` of ``count`` entries, each made a float array."""
    if got is None:
        raise StudentError("returned None (is the function finished?)")
    if not isinstance(got, (tuple, list)) or len(got) != count:
        raise StudentError(f"expected {what}, got {type(got).__name__} {describe(got)}")
    arrays = []
    for item in got:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                array = np.asarray(item, dtype=float)
        except (TypeError, ValueError) as error:
            raise StudentError(f"an entry is not numeric: {str(error)[:40]}") from None
        arrays.append(array)
    return arrays


# ------------------------------------------------------------------------------ question 1


def _cost_221(x, y, W1, b1, w2, b2):
    cache = forward_pass(x[np.newaxis], [W1, w2[:, np.newaxis]], [b1, np.array([b2])],
                         _SIGMOIDS)
    return backprop.half_squared_error(cache.a[-1], np.array([[y]]))


def _reference_gradients_221(x, y, W1, b1, w2, b2):
    """Central finite differences of ``E = (y_hat - y)^2 / 2`` for the 2-2-1 network.

    ``y_hat = sigmoid(sigmoid(x @ W1 + b1) @ w2 + b2)``; returns ``(dW1, db1, dw2, db2)``
    with shapes (2, 2), (2,), (2,) and () (a 0-d array).
    """
    params = [np.array(W1, dtype=float), np.array(b1, dtype=float),
              np.array(w2, dtype=float), np.array(b2, dtype=float).reshape(1)]
    grads = [numerical_gradient(lambda: _cost_221(x, y, params[0], params[1], params[2],
                                                  params[3][0]), p) for p in params]
    return grads[0], grads[1], grads[2], grads[3].reshape(())


def _cases_221():
    rng = np.random.default_rng(71)
    cases = []
    for label in ("random weights, target 1", "random weights, target 0"):
        cases.append((label, rng.normal(size=2), float(label.endswith("1")),
                      rng.normal(size=(2, 2)), rng.normal(size=2), rng.normal(size=2),
                      float(rng.normal())))
    # The XOR network of the chapter on its classic example.
    cases.append(("XOR network, input (1, 0), target 1", np.array([1.0, 0.0]), 1.0,
                  XOR_COEFS[0], XOR_INTERCEPTS[0], XOR_COEFS[1][:, 0],
                  float(XOR_INTERCEPTS[1][0])))
    # Unequal hidden units and a target far from the output: every derivative matters.
    cases.append(("asymmetric weights, negative input", np.array([-1.5, 0.5]), 1.0,
                  np.array([[0.5, -2.0], [1.5, 0.3]]), np.array([0.1, -0.4]),
                  np.array([-1.2, 2.2]), 0.3))
    return cases


@QUESTIONS.question(
    "q1", points=4, title="the nine derivatives of the 2-2-1 network", answer_name="gradients_221",
    hints=("run the forward pass first and keep h and y_hat; the output delta is "
         "(y_hat - y) * sigma'(z_out), each weight's derivative is the delta of the unit it "
         "feeds times the input it multiplies, and delta_h[j] = delta_out * w2[j] * "
         "sigma'(z_h[j]); sigma' = a (1 - a)",))
def q1(check, gradients_221):
    """``gradients_221(x, y, W1, b1, w2, b2)`` returns ``(dW1, db1, dw2, db2)``."""
    names = ("dW1", "db1", "dw2", "db2")
    for label, x, y, W1, b1, w2, b2 in _cases_221():
        expected = _reference_gradients_221(x, y, W1, b1, w2, b2)
        with check.case(label):
            got = check.call(gradients_221, x, y, W1, b1, w2, b2)
            arrays = _as_arrays(got, len(expected), "a tuple (dW1, db1, dw2, db2)")
            for name, array, reference in zip(names, arrays, expected):
                if array.shape != reference.shape and not (reference.ndim == 0
                                                           and array.shape == (1,)):
                    raise StudentError(f"{name}: expected shape {reference.shape}, "
                                       f"got {array.shape}")
                try:
                    check.same_array(array.reshape(reference.shape), reference,
                                     rtol=1e-5, atol=1e-8)
                except StudentError as failure:
                    raise StudentError(f"{name}: {failure}") from None


# -------------------------------------------------------------------------- questions 2, 3


@QUESTIONS.question(
    "q2", points=1, title="output delta of the XOR network", answer_name="answer_q2",
    hints=("delta_G = dE/dz_G = (y_hat - y) * y_hat * (1 - y_hat); first run the forward "
         "pass through D and E at this input",))
def q2(check, answer_q2):
    """``dE/dz_G`` at ``Q2_INPUT`` with target ``Q2_TARGET`` (1 % tolerance)."""
    with check.case(f"input {Q2_INPUT}, target {Q2_TARGET:g}"):
        check.same_number(answer_q2, _xor_output_delta(), rtol=0.01)


@QUESTIONS.question(
    "q3", points=1, title="one gradient-descent step on the XOR network", answer_name="answer_q3",
    hints=("delta_D = delta_G * w_GD * a_D * (1 - a_D) and dE/db_D = delta_D; gradient "
         "descent subtracts the learning rate times the gradient from the old bias -1.5",))
def q3(check, answer_q3):
    """New bias of hidden unit D after one step at ``Q2_INPUT`` (1 % tolerance)."""
    with check.case(f"input {Q2_INPUT}, target {Q2_TARGET:g}, "
                    f"learning rate {Q3_LEARNING_RATE:g}"):
        check.same_number(answer_q3, _xor_bias_after_step(), rtol=0.01)


# ------------------------------------------------------------------------------ question 4


def _regressor(rng, X, Y, hidden):
    """An :class:`MLPRegressor` with sigmoid hidden layers and random float64 weights."""
    model = MLPRegressor(hidden, activation="sigmoid", optimizer="sgd", epochs=1,
                         batch_size=len(X), alpha=0.0, shuffle=False, dtype=np.float64,
                         random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, Y)
    model.coefs_ = [rng.normal(size=W.shape) for W in model.coefs_]
    model.intercepts_ = [rng.normal(size=b.shape) for b in model.intercepts_]
    return model


def _cases_backward():
    rng = np.random.default_rng(74)
    cases = []
    for label, n, sizes in [("6 samples, 3-4-5-2", 6, (3, (4, 5), 2)),
                            ("1 sample, 4-3-1", 1, (4, (3,), 1)),
                            ("5 samples, 2-3-3-3-3", 5, (2, (3, 3, 3), 3)),
                            ("large weights, saturated units, 4-6-2", 4, (4, (6,), 2))]:
        n_in, hidden, n_out = sizes
        X, Y = rng.normal(size=(n, n_in)), rng.normal(size=(n, n_out))
        model = _regressor(rng, X, Y, hidden)
        if label.startswith("large"):
            model.coefs_ = [8 * W for W in model.coefs_]
        cases.append((label, X, Y, model))
    return cases


@QUESTIONS.question(
    "q4", points=4, title="mini-batch backward pass in matrix form", answer_name="backward",
    hints=("sigmoid on the hidden layers, identity on the output; delta starts as "
         "(A_out - Y) / n; for each layer from the last, dW = A_prev.T @ delta and db = "
         "the column sums of delta, then send delta back through W.T and multiply by "
         "sigma' = A_prev (1 - A_prev)",))
def q4(check, backward):
    """``backward(X, Y, coefs, intercepts)`` returns ``(coef_grads, intercept_grads)``."""
    for label, X, Y, model in _cases_backward():
        expected = model.backward(model.forward(X), Y)
        with check.case(label):
            coefs = [W.copy() for W in model.coefs_]
            intercepts = [b.copy() for b in model.intercepts_]
            got = check.call(backward, X, Y, coefs, intercepts)
            if got is None:
                raise StudentError("returned None (is the function finished?)")
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise StudentError("expected a pair (coef_grads, intercept_grads)")
            for kind, grads, reference in (("coef_grads", got[0], expected.coefs),
                                           ("intercept_grads", got[1], expected.intercepts)):
                if not isinstance(grads, (tuple, list)) or len(grads) != len(reference):
                    raise StudentError(f"{kind} should be a list of {len(reference)} arrays, "
                                       f"one per layer")
                for i, (grad, ref) in enumerate(zip(grads, reference)):
                    try:
                        check.same_array(grad, ref)
                    except StudentError as failure:
                        raise StudentError(f"{kind}[{i}]: {failure}") from None


# -------------------------------------------------------------------------- questions 5, 6


@QUESTIONS.question(
    "q5", points=1, title="largest slope of the sigmoid", answer_name="answer_q5",
    hints=("sigma'(z) = sigma(z) (1 - sigma(z)) = p (1 - p) with p in (0, 1); where is a "
         "product p (1 - p) largest?",))
def q5(check, answer_q5):
    """``max_z sigma'(z)``, the bound on the factor of one sigmoid layer (1 % tolerance)."""
    grid = np.linspace(-10, 10, 20001)
    assert np.isclose(sigmoid_derivative(grid).max(), _max_sigmoid_slope())
    assert np.isclose(_max_sigmoid_slope(), sigmoid(0.0) * (1 - sigmoid(0.0)))
    with check.case("max of sigma'"):
        check.same_number(answer_q5, _max_sigmoid_slope(), rtol=0.01)


#: Choices of question 6 (printed by the exercise notebook from here).
Q6_CHOICES = {
    "a": "the gradients dJ/dW[l] of every layer",
    "b": "the activations A[l] of every layer, A[0] = X included",
    "c": "only the output Y_hat, from which the backward pass recomputes the rest",
    "d": "the learning rate and the targets",
}


@QUESTIONS.question(
    "q6", points=1, title="what the forward pass caches", answer_name="answer_q6",
    hints=("look at the matrix equations: which arrays computed on the way forward appear in "
         "dW[l] = A[l-1].T @ delta[l] and in sigma'(Z[l]) = A[l] (1 - A[l])?",))
def q6(check, answer_q6):
    """Multiple choice: what a sigmoid network keeps from the forward pass."""
    with check.case("multiple choice"):
        check.same_choice(answer_q6, "b", choices="".join(Q6_CHOICES))
