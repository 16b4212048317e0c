"""Checks for chapter 12, TensorFlow and Keras (``exercises/12_keras.ipynb``).

=====  ===================================================  ======================  ==============
name   question                                             answer graded           kinds
=====  ===================================================  ======================  ==============
q1     a functional model with a skip connection            ``model_q1``            new situation,
                                                                                    code
q2     binary cross-entropy by hand (number)                ``answer_q2``           number
q3     derived gradient of the sigmoid cross-entropy with   ``bce_logit_gradient``  derivation,
       respect to the logits                                                        code
q4     the gradient with respect to the input, with         ``input_gradient``      new situation,
       ``tf.GradientTape``                                                          code
q5     the loss for integer labels and a logits output      ``answer_q5``           choice
q6     copying a ``coursepkg`` MLP into Keras               ``to_keras``            new situation,
                                                                                    code
q7     compile and fit a classifier of the wine data        ``history_q7``          new situation,
                                                                                    code
=====  ===================================================  ======================  ==============

The references are the book's package (:mod:`coursepkg.nn.losses`,
:mod:`coursepkg.nn.gradcheck` for finite differences, :mod:`coursepkg.nn.feedforward`) and
forward and backward passes written here in NumPy from a model's own weights. Question 7
judges a fitted model on held-out wine samples that the notebook never shows (so nothing can
be chosen on them), with an accuracy threshold that leaves a margin for the rounding
differences between machines, and reads its configuration (output layer, loss, validation
data, metric) from the ``History`` that ``fit`` returned. Keras is imported by the checks
that need it, so the module itself imports without TensorFlow. Each question declares the
usual mistakes it recognises; their candidate answers are computed here, from the same
inputs. Every random input comes from a generator with a fixed seed, so a check prints the
same line every time it sees the same answer.
"""

from __future__ import annotations

import os

from coursepkg.course.chapters import TENSORFLOW_QUIET_ENV

for _name, _value in TENSORFLOW_QUIET_ENV.items():
    os.environ.setdefault(_name, _value)  # quiet TensorFlow if the notebook has not yet

import numpy as np  # noqa: E402
from scipy.special import expit, softmax  # noqa: E402

from coursepkg.course.checks import QuestionSet, StudentError, describe, missing_answer  # noqa: E402
from coursepkg.models.mlp import MLPClassifier  # noqa: E402
from coursepkg.nn.feedforward import forward  # noqa: E402
from coursepkg.nn.gradcheck import numerical_gradient  # noqa: E402
from coursepkg.nn.losses import binary_cross_entropy  # noqa: E402

__all__ = ["QUESTIONS", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "Q1_INPUTS", "Q1_HIDDEN",
           "Q1_CLASSES", "Q2_Y", "Q2_P", "Q5_CHOICES", "Q7_X_TRAIN", "Q7_Y_TRAIN",
           "Q7_X_VAL", "Q7_Y_VAL", "Q7_MIN_ACCURACY", "keras_outputs"]

QUESTIONS = QuestionSet("ch12")

# ----------------------------------------------------------------------- question data

#: Question 1: input width, hidden ReLU units and softmax classes of the skip model.
Q1_INPUTS, Q1_HIDDEN, Q1_CLASSES = 20, 16, 3

#: Question 2: labels and predicted probabilities of the class 1.
Q2_Y = np.array([1, 0, 1, 1, 0, 0])
Q2_P = np.array([0.8, 0.3, 0.55, 0.97, 0.6, 0.05])

#: Question 5: the losses to choose from for integer labels 0..9 and a Dense(10) output
#: without activation (logits).
Q5_CHOICES = {
    "a": "SparseCategoricalCrossentropy()",
    "b": "CategoricalCrossentropy(from_logits=True)",
    "c": "BinaryCrossentropy(from_logits=True)",
    "d": "SparseCategoricalCrossentropy(from_logits=True)",
}
_Q5_ANSWER = "d"


def _wine_split():
    """The wine data (178 samples, 13 features, 3 cultivars) split in a stratified way into
    training (99), validation (34) and held-out (45) samples, standardised with the
    training set's mean and deviation, as float32."""
    from sklearn.datasets import load_wine
    from sklearn.model_selection import train_test_split

    X, y = load_wine(return_X_y=True)
    X_rest, X_held, y_rest, y_held = train_test_split(X, y, test_size=0.25, stratify=y,
                                                      random_state=12)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.25,
                                                      stratify=y_rest, random_state=12)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    X_train, X_val, X_held = ((A - mean) / std for A in (X_train, X_val, X_held))
    return ((X_train.astype(np.float32), y_train), (X_val.astype(np.float32), y_val),
            (X_held.astype(np.float32), y_held))


#: Question 7: the training and validation samples of the wine data (standardised).
(Q7_X_TRAIN, Q7_Y_TRAIN), (Q7_X_VAL, Q7_Y_VAL), (_Q7_X_HELD, _Q7_Y_HELD) = _wine_split()
#: Question 7: the accuracy the fitted model must reach on the held-out wine samples.
Q7_MIN_ACCURACY = 0.85


# ------------------------------------------------------------------------------ helpers

def keras_outputs(model, X):
    """``model(X)`` of a Keras model, as a NumPy array."""
    return np.asarray(model(X))


def _keras_weights(model):
    """``model.get_weights()``, a list of NumPy arrays."""
    return [np.asarray(w) for w in model.get_weights()]


def _matches(got, candidates, rtol=1e-4, atol=1e-6):
    """``got`` is an array close to one of ``candidates`` (same shape)."""
    if not isinstance(got, np.ndarray):
        return False
    with np.errstate(all="ignore"):
        return any(got.shape == c.shape and np.allclose(got, c, rtol=rtol, atol=atol)
                   for c in candidates)


def _keras_model(check, model):
    """``model`` if it is a Keras model, or a failed case that says what it is."""
    missing = missing_answer(model, check.answer_name)
    if missing:
        raise StudentError(missing)
    import keras

    if not isinstance(model, keras.Model):
        raise StudentError(f"`{check.answer_name}` should be a Keras model, got "
                           f"{describe(model)}")
    return model


def _activation_name(layer):
    name = getattr(layer.activation, "__name__", "?")
    return "linear" if name in ("linear", "identity") else name


# -------------------------------------------------------------------------- question 1

def _skip_outputs(X, W1, b1, W2, b2, hidden="relu", output="softmax", input_first=True):
    """Outputs of the skip model from its weights: ``h = hidden(X W1 + b1)``, then
    ``output([X, h] W2 + b2)`` (or ``[h, X]``)."""
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0) if hidden == "relu" else Z1
    both = np.hstack([X, H] if input_first else [H, X])
    Z2 = both @ W2 + b2
    return {"softmax": softmax(Z2, axis=1), "sigmoid": expit(Z2), "linear": Z2}[output]


@QUESTIONS.question(
    "q1", points=3, title="a model with a skip connection", answer_name="model_q1",
    kinds=("new situation", "code"),
    hints=("The Sequential API cannot express this network: the output layer reads two "
           "tensors, the input and the hidden layer. Build it with the functional API, "
           "calling each layer on a tensor, and join the two tensors with a layer of "
           "keras.layers before the output layer.",
           "keras.layers.Concatenate() called on a list of two tensors of widths 20 and 16 "
           "gives one tensor of width 36. The hidden Dense layer has the ReLU, the output "
           "Dense layer the softmax; keras.Model(inputs, outputs) ties them together."),
    mistakes={
        "no_skip": "the output layer sees only the hidden layer: the input is not "
                   "concatenated to it",
        "hidden_activation": "the hidden layer has no ReLU: it is an affine map",
        "output_activation": "the output layer does not apply a softmax: its outputs are "
                             "not probabilities that sum to 1",
    },
)
def q1(check, model_q1):
    """``model_q1`` maps 20 inputs to 3 softmax outputs through ``[x, relu(x W1 + b1)]``."""
    n_in, n_hidden, n_out = Q1_INPUTS, Q1_HIDDEN, Q1_CLASSES
    expected_count = (n_in + 1) * n_hidden + (n_in + n_hidden + 1) * n_out
    with check.case(f"{n_in} inputs, parameter count"):
        model = _keras_model(check, model_q1)
        got = check.call(model.count_params)
        if got == (n_in + 1) * n_hidden + (n_hidden + 1) * n_out:
            raise check.mistake("no_skip")
        if got != expected_count:
            raise StudentError(f"{got} parameters is not the count of this network")
    rng = np.random.default_rng(12)
    X = rng.normal(size=(5, n_in)).astype(np.float32)
    with check.case("outputs of 5 inputs, from the model's own weights", weight=2):
        model = _keras_model(check, model_q1)
        weights = check.run(_keras_weights, model)
        shapes = [np.shape(w) for w in weights]
        if shapes == [(n_in, n_hidden), (n_hidden,), (n_hidden, n_out), (n_out,)]:
            raise check.mistake("no_skip")
        if shapes != [(n_in, n_hidden), (n_hidden,), (n_in + n_hidden, n_out), (n_out,)]:
            raise StudentError(f"expected weights of shapes (20, 16), (16,), (36, 3), "
                               f"(3,), got {', '.join(map(str, shapes))}")
        got = check.run(keras_outputs, model, X)
        W1, b1, W2, b2 = (np.asarray(w, dtype=np.float64) for w in weights)
        args = (X.astype(np.float64), W1, b1, W2, b2)
        right = [_skip_outputs(*args, input_first=first) for first in (True, False)]
        if _matches(got, right):
            return
        if _matches(got, [_skip_outputs(*args, hidden="linear", input_first=first)
                          for first in (True, False)]):
            raise check.mistake("hidden_activation")
        if _matches(got, [_skip_outputs(*args, output=out, input_first=first)
                          for out in ("sigmoid", "linear") for first in (True, False)]):
            raise check.mistake("output_activation")
        check.same_array(got, right[0])


# -------------------------------------------------------------------------- question 2

def _q2_variants(y, p):
    terms = y * np.log(p) + (1 - y) * np.log(1 - p)
    return {"sum": -terms.sum(), "log10": -np.mean(terms) / np.log(10),
            "sign": np.mean(terms), "one_term": -np.mean(y * np.log(p))}


@QUESTIONS.question(
    "q2", points=2, title="binary cross-entropy by hand", answer_name="answer_q2",
    kinds=("number",),
    hints=("Each sample contributes minus the log of the probability the model gave to its "
           "TRUE label: p when y = 1, 1 - p when y = 0. Which logarithm do the losses of "
           "the book use?",
           "Write the two terms of the formula for all samples at once with NumPy, with "
           "np.log (natural log), add them, flip the sign, and average over the samples "
           "rather than adding them up."),
    mistakes={
        "sum": "this is the sum over the samples: the mean divides it by their number",
        "log10": "this uses the base-10 logarithm: the cross-entropy uses the natural one",
        "sign": "the sign is flipped: a cross-entropy is never negative",
        "one_term": "only the y log p term is counted: the samples of class 0 contribute "
                    "(1 - y) log(1 - p)",
    },
)
def q2(check, answer_q2):
    """The binary cross-entropy of ``Q2_P`` against ``Q2_Y`` (0.1 %)."""
    with check.case(f"{len(Q2_Y)} predictions", weight=2):
        check.same_number(answer_q2, binary_cross_entropy(Q2_Y, Q2_P), rtol=1e-3,
                          mistakes=_q2_variants(Q2_Y, Q2_P))


# -------------------------------------------------------------------------- question 3

def _reference_logit_gradient(y, z):
    """``dL/dz`` of ``L = binary_cross_entropy(y, sigmoid(z))``: ``(sigmoid(z) - y) / z.size``."""
    z = np.asarray(z, dtype=float)
    return (expit(z) - y) / z.size


def _finite_difference_logit_gradient(y, z):
    """The same gradient by central differences of ``binary_cross_entropy(y, sigmoid(z))``."""
    z = np.array(z, dtype=float)
    return numerical_gradient(lambda: binary_cross_entropy(y, expit(z)), z)


def _q3_variants(y, z):
    p, n = expit(z), np.size(z)
    with np.errstate(all="ignore"):
        return {"no_n": p - y, "sign": (y - p) / n, "wrt_p": (p - y) / (p * (1 - p) * n),
                "rows_only": (p - y) / len(z)}


@QUESTIONS.question(
    "q3", points=4, title="gradient of the sigmoid cross-entropy",
    answer_name="bce_logit_gradient", kinds=("derivation", "code"),
    hints=("Use the chain rule through p: dL/dz_j = dL/dp_j * dp_j/dz_j, where only the "
           "term of sample j depends on z_j. The sigmoid's derivative is written with the "
           "sigmoid itself, and the factor it brings cancels something in dL/dp_j.",
           "Write dL/dp_j for one entry (do not forget the 1/n of the mean, with n the "
           "number of entries of z, whatever its shape), multiply by p_j (1 - p_j) and "
           "simplify; the result is short and never divides by p. Test it against "
           "finite differences before running the check."),
    mistakes={
        "no_n": "the 1/n of the mean is missing: this is the gradient of the summed loss",
        "sign": "the sign is flipped: this is y - sigma(z), the direction that increases "
                "the loss",
        "wrt_p": "this is the derivative with respect to the probability p, not the logit "
                 "z: the factor sigma'(z) of the chain rule is missing",
        "rows_only": "the mean is taken over the rows only: n is the number of entries of "
                     "z, rows times columns",
    },
)
def q3(check, bce_logit_gradient):
    """``bce_logit_gradient(y, z)`` equals the finite-difference gradient of the loss."""
    rng = np.random.default_rng(3)
    moderate = [("6 samples", (rng.integers(0, 2, 6).astype(float), rng.normal(size=6))),
                ("1 sample", (np.array([1.0]), np.array([-0.7]))),
                ("4 samples x 2 outputs", (rng.integers(0, 2, (4, 2)).astype(float),
                                           rng.normal(size=(4, 2))))]
    for label, (y, z) in moderate:
        with check.case(label):
            check.same_array(check.call(bce_logit_gradient, y, z),
                             _finite_difference_logit_gradient(y, z), rtol=1e-5, atol=1e-8,
                             mistakes=_q3_variants(y, z))
    # Finite differences are useless where the loss is clipped; the derived formula is not.
    y, z = np.array([1.0, 0.0, 0.0]), np.array([40.0, -40.0, 40.0])
    with check.case("confident logits +-40"):
        check.same_array(check.call(bce_logit_gradient, y, z), _reference_logit_gradient(y, z),
                         rtol=1e-6, atol=1e-9, mistakes=_q3_variants(y, z))


# -------------------------------------------------------------------------- question 4

def _q4_model(n_inputs, n_hidden, n_classes, seed):
    """A Keras model ``Dense(n_hidden, relu) -> Dense(n_classes, softmax)`` with seeded
    random weights (built where the answer lives)."""
    import keras

    rng = np.random.default_rng(seed)
    model = keras.Sequential([keras.Input(shape=(n_inputs,)),
                              keras.layers.Dense(n_hidden, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.set_weights([rng.normal(size=w.shape).astype(np.float32)
                       for w in model.get_weights()])
    return model


def _q4_gradients(X, y, W1, b1, W2, b2, n=None, probabilities_as_logits=False):
    """``dL/dX`` of the mean sparse cross-entropy of the model's probabilities, by hand."""
    n = len(X) if n is None else n
    Z1 = X @ W1 + b1
    Z2 = np.maximum(Z1, 0) @ W2 + b2
    P = softmax(Z2, axis=1)
    Y = np.eye(W2.shape[1])[y]
    if probabilities_as_logits:
        dP = (softmax(P, axis=1) - Y) / n
        dZ2 = P * (dP - (dP * P).sum(axis=1, keepdims=True))
    else:
        dZ2 = (P - Y) / n
    return ((dZ2 @ W2.T) * (Z1 > 0)) @ W1.T


@QUESTIONS.question(
    "q4", points=3, title="the gradient with respect to the input",
    answer_name="input_gradient", kinds=("new situation", "code"),
    hints=("The tape differentiates with respect to what it watches. Variables (the "
           "weights) are watched by themselves; an input converted to a tensor is a "
           "constant, and the chapter says how to make the tape record it.",
           "Convert X to a tensor, watch it inside the with-block, compute the model's "
           "probabilities and the mean sparse cross-entropy of the labels (the model "
           "already applies the softmax), ask the tape for the gradient with respect to "
           "that tensor and return it as a NumPy array."),
    mistakes={
        "unwatched": "tape.gradient returned None: the tape does not record a constant "
                     "tensor unless it watches it",
        "sum": "this is the gradient of the summed loss: the 1/n of the mean is missing",
        "from_logits": "the loss treats the model's probabilities as logits "
                       "(from_logits=True): it applies a second softmax",
        "tensor": "the values may be right but this is a TensorFlow tensor: return a NumPy "
                  "array",
    },
)
def q4(check, input_gradient):
    """``input_gradient(model, X, y)`` is ``dL/dX`` of the mean sparse cross-entropy."""
    rng = np.random.default_rng(4)
    cases = [("5 samples, 4 -> 6 -> 3", (4, 6, 3), 5, 40),
             ("1 sample, 3 -> 5 -> 2", (3, 5, 2), 1, 41),
             ("8 samples, 6 -> 10 -> 10", (6, 10, 10), 8, 42)]
    for label, sizes, n, seed in cases:
        with check.case(label):
            X = rng.normal(size=(n, sizes[0])).astype(np.float32)
            y = rng.integers(0, sizes[-1], size=n)
            model = check.run(_q4_model, *sizes, seed)
            weights = [np.asarray(w, dtype=np.float64)
                       for w in check.run(_keras_weights, model)]
            args = (X.astype(np.float64), y, *weights)
            try:
                got = check.call(input_gradient, model, X, y)
            except StudentError as error:
                if "NoneType" in str(error) and "numpy" in str(error):
                    raise check.mistake("unwatched") from None
                raise
            if got is None:
                raise StudentError("returned None (is the function finished?)")
            if not isinstance(got, np.ndarray) and hasattr(got, "numpy"):
                raise check.mistake("tensor")
            check.same_array(got, _q4_gradients(*args), rtol=1e-3, atol=1e-6,
                             mistakes={"sum": _q4_gradients(*args, n=1),
                                       "from_logits": _q4_gradients(
                                           *args, probabilities_as_logits=True)})


# -------------------------------------------------------------------------- question 5

@QUESTIONS.question(
    "q5", points=1, title="the loss for integer labels and logits", answer_name="answer_q5",
    kinds=("choice",),
    hints=("Two facts decide: what the labels look like (one integer per sample, or one-hot "
           "rows?) and what the last layer outputs (probabilities, or scores that a "
           "softmax has not yet turned into probabilities?).",
           "The chapter's table pairs each label shape with a loss; its paragraph on "
           "from_logits says what changes when the last layer has no activation."),
    mistakes={
        "probabilities": "this loss reads the outputs as probabilities, but the last layer "
                         "has no activation: its outputs are logits",
        "one_hot": "CategoricalCrossentropy expects one-hot rows of shape (n, 10), not one "
                   "integer label per sample",
        "binary": "BinaryCrossentropy treats each of the 10 outputs as its own yes/no "
                  "question, not one choice among 10 classes",
    },
)
def q5(check, answer_q5):
    """Multiple choice: the Keras loss for integer labels and a logits output."""
    with check.case("multiple choice"):
        check.same_choice(answer_q5, _Q5_ANSWER, choices="".join(Q5_CHOICES),
                          mistakes={"a": "probabilities", "b": "one_hot", "c": "binary"})


# -------------------------------------------------------------------------- question 6

def _fitted_mlp(hidden, activation, n_classes, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 5)).astype(np.float32)
    y = np.arange(40) % n_classes
    mlp = MLPClassifier(hidden, activation=activation, epochs=3, batch_size=20,
                        random_state=seed).fit(X, y)
    return mlp, X


def _q6_variants(mlp, X):
    coefs, intercepts = mlp.coefs_, mlp.intercepts_
    output = forward(X, coefs, intercepts, mlp.activation, mlp.out_activation_)[-1]
    variants = {"no_biases": forward(X, coefs, [0 * b for b in intercepts], mlp.activation,
                                     mlp.out_activation_)[-1],
                "no_output_activation": forward(X, coefs, intercepts, mlp.activation)[-1],
                "softmax_one_unit": np.ones_like(output)}
    if mlp.activation != "relu":
        variants["hidden_activation"] = forward(X, coefs, intercepts, "relu",
                                                mlp.out_activation_)[-1]
    return variants


@QUESTIONS.question(
    "q6", points=3, title="copying a coursepkg MLP into Keras", answer_name="to_keras",
    kinds=("new situation", "code"),
    hints=("Build a Keras model of the same shape first: one Dense layer per weight matrix "
           "of the MLP, with the widths its matrices give, then copy the numbers in. Which "
           "activation does each layer of the MLP apply?",
           "The hidden layers apply mlp.activation; the output layer a sigmoid when it has "
           "one unit, a softmax otherwise (a softmax over one unit is always 1). "
           "model.set_weights takes one list, kernel then bias, layer after layer."),
    mistakes={
        "no_biases": "the outputs are those of the MLP without its biases: the intercepts "
                     "were not copied",
        "no_output_activation": "the output layer has no activation: these are the MLP's "
                                "scores, not its probabilities",
        "softmax_one_unit": "every output is 1: a softmax over a single unit; one output "
                            "unit needs a sigmoid",
        "hidden_activation": "the hidden layers use ReLU, not the MLP's activation",
    },
)
def q6(check, to_keras):
    """``to_keras(mlp)`` returns a Keras model whose outputs equal the MLP's."""
    cases = [("5-8-3, relu", ((8,), "relu", 3, 60)),
             ("5-6-4-4, tanh", ((6, 4), "tanh", 4, 61)),
             ("5-7-1, two classes (sigmoid output)", ((7,), "relu", 2, 62))]
    for label, (hidden, activation, n_classes, seed) in cases:
        with check.case(label):
            mlp, X = _fitted_mlp(hidden, activation, n_classes, seed)
            model = check.call(to_keras, mlp)
            if model is None:
                raise StudentError("returned None (is the function finished?)")
            got = check.run(keras_outputs, model, X)
            check.same_array(got, mlp.forward(X).a[-1], rtol=1e-4, atol=1e-6,
                             mistakes=_q6_variants(mlp, X))


# -------------------------------------------------------------------------- question 7

def _loss_of(loss):
    """``(name, from_logits)`` of a compiled Keras loss: a string, a loss object or a
    function; the name lower-case without underscores."""
    if isinstance(loss, str):
        name, from_logits = loss, False
    elif callable(getattr(loss, "get_config", None)):
        config = loss.get_config()
        name, from_logits = str(config.get("name", "")), bool(config.get("from_logits"))
    else:
        name, from_logits = str(getattr(loss, "__name__", loss)), False
    return name.lower().replace("_", ""), from_logits


@QUESTIONS.question(
    "q7", points=5, title="compile and fit a wine classifier", answer_name="history_q7",
    kinds=("new situation", "code"),
    hints=("Three things must agree: the output layer (three classes), the loss (integer "
           "labels, and does it receive probabilities or logits?) and what fit reports. "
           "Keras does not stop you from mixing them up; it trains something else.",
           "A softmax output goes with a sparse categorical cross-entropy left at its "
           "default; an output without activation needs the loss to be told it gets "
           "logits. Pass the given validation arrays to fit and ask compile for the "
           "accuracy, then store what fit returns. A few dozen epochs of Adam suffice."),
    mistakes={
        "sigmoid_output": "the output layer applies a sigmoid but the loss is a categorical "
                          "cross-entropy: the three outputs are not probabilities that sum "
                          "to 1",
        "softmax_from_logits": "the output layer applies a softmax but the loss is told it "
                               "receives logits (from_logits=True): the two contradict each "
                               "other, and Keras only warns and guesses which one you meant",
        "logits_as_probabilities": "the output layer has no activation but the loss "
                                   "expects probabilities (from_logits is False)",
        "no_validation": "fit was given no validation data: the history has no val_loss",
        "no_accuracy": "compile was given no accuracy metric: the history records the loss "
                       "only",
        "binary_accuracy": "the metric is binary accuracy: it scores each of the three "
                           "outputs as its own yes/no question, not the predicted class",
    },
)
def q7(check, history_q7):
    """``history_q7``, what ``fit`` returned, belongs to a model that reaches
    ``Q7_MIN_ACCURACY`` on held-out wine samples, with a loss that matches its output
    layer, validation data and an accuracy metric."""
    def model_of():
        missing = missing_answer(history_q7, check.answer_name)
        if missing:
            raise StudentError(missing)
        try:
            model, history = history_q7.model, history_q7.history
        except Exception:  # not a History (a model, a number, ...)
            raise StudentError(f"`{check.answer_name}` should be the History that fit "
                               f"returns, got {describe(history_q7)}") from None
        if not isinstance(history, dict):
            raise StudentError(f"`{check.answer_name}.history` should be a dict, got "
                               f"{describe(history)}")
        return _keras_model(check, model), history

    with check.case("the loss matches the output layer"):
        model, _ = model_of()
        import keras

        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        if not dense:
            raise StudentError("the model has no Dense layer")
        activation = _activation_name(dense[-1])
        name, from_logits = _loss_of(check.call(getattr, model, "loss"))
        if "categoricalcrossentropy" not in name:
            raise StudentError(f"the loss {name!r} is not a categorical cross-entropy")
        if activation == "sigmoid":
            raise check.mistake("sigmoid_output")
        if activation == "softmax" and from_logits:
            raise check.mistake("softmax_from_logits")
        if activation == "linear" and not from_logits:
            raise check.mistake("logits_as_probabilities")
        if activation not in ("softmax", "linear"):
            raise StudentError(f"the output layer applies {activation!r}")
    with check.case("validation data"):
        _, history = model_of()
        if "val_loss" not in history:
            raise check.mistake("no_validation")
    with check.case("an accuracy metric"):
        _, history = model_of()
        if any("binary_accuracy" in key for key in history):
            raise check.mistake("binary_accuracy")
        if not any("accuracy" in key for key in history):
            raise check.mistake("no_accuracy")
    with check.case(f"accuracy on {len(_Q7_Y_HELD)} held-out samples", weight=2):
        model, _ = model_of()
        outputs = check.run(keras_outputs, model, _Q7_X_HELD)
        if not isinstance(outputs, np.ndarray) or outputs.shape != (len(_Q7_Y_HELD), 3):
            raise StudentError(f"expected outputs of shape ({len(_Q7_Y_HELD)}, 3), got "
                               f"{describe(getattr(outputs, 'shape', outputs))}")
        accuracy = float(np.mean(outputs.argmax(axis=1) == _Q7_Y_HELD))
        if not accuracy >= Q7_MIN_ACCURACY:
            raise StudentError(f"held-out accuracy {accuracy:.3f} is below "
                               f"{Q7_MIN_ACCURACY}")
