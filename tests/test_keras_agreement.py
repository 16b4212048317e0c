"""Agreement with Keras: the same weights give the same outputs and the same gradients."""

import os

os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from optional_tools import TENSORFLOW_REASON  # noqa: E402

# Imported once for the whole module: about 5 s.
tf = pytest.importorskip("tensorflow", reason=TENSORFLOW_REASON)
keras = pytest.importorskip("keras", reason=TENSORFLOW_REASON)

from coursepkg.models.mlp import MLPClassifier, MLPRegressor  # noqa: E402

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]


def keras_activation(name):
    if name == "leaky_relu":  # Keras's default slope is 0.2, ours 0.01
        return keras.layers.LeakyReLU(negative_slope=0.01)
    return keras.layers.Activation({"identity": "linear"}.get(name, name))


def keras_copy(model, activations, output):
    """A Keras Sequential with the layers and weights of our fitted ``model``."""
    layers = [keras.Input(shape=(model.n_features_in_,))]
    for i, W in enumerate(model.coefs_):
        layers.append(keras.layers.Dense(W.shape[1]))
        layers.append(keras_activation(activations[i]) if i < len(activations)
                      else keras.layers.Activation(output))
    net = keras.Sequential(layers)
    net.set_weights([w for pair in zip(model.coefs_, model.intercepts_) for w in pair])
    return net


def _data(n_classes):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 6)).astype(np.float32)
    y = np.arange(32) % n_classes
    return X, y


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(0)


@pytest.mark.parametrize("activation", HIDDEN)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_outputs_and_gradients_match_keras(activation, n_classes):
    X, y = _data(n_classes)
    activations = [activation, "tanh"]
    ours = MLPClassifier((8, 5), activation=activations, alpha=0.0, epochs=3,
                         learning_rate=0.01, random_state=0).fit(X, y)
    output = "sigmoid" if n_classes == 2 else "softmax"
    net = keras_copy(ours, activations, output)

    cache = ours.forward(X)
    np.testing.assert_allclose(cache.a[-1], net(X).numpy(), rtol=0, atol=1e-6)

    target = (y[:, None] if n_classes == 2 else keras.utils.to_categorical(y, n_classes))
    loss_fn = (keras.losses.BinaryCrossentropy() if n_classes == 2
               else keras.losses.CategoricalCrossentropy())
    with tf.GradientTape() as tape:
        loss = loss_fn(target.astype(np.float32), net(X))
    keras_grads = [g.numpy() for g in tape.gradient(loss, net.trainable_variables)]
    coef_grads, intercept_grads = ours.backward(cache, y)
    assert float(loss) == pytest.approx(ours.objective(X, y), rel=1e-5)
    for mine, theirs in zip([g for pair in zip(coef_grads, intercept_grads) for g in pair],
                            keras_grads):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-5)


def test_regressor_outputs_and_gradients_match_keras():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 4)).astype(np.float32)
    y = rng.normal(size=(20, 1)).astype(np.float32)
    ours = MLPRegressor((7,), activation="relu", alpha=0.0, epochs=2, learning_rate=0.01,
                        random_state=0).fit(X, y)
    net = keras_copy(ours, ["relu"], "linear")
    cache = ours.forward(X)
    np.testing.assert_allclose(cache.a[-1], net(X).numpy(), rtol=0, atol=1e-6)
    with tf.GradientTape() as tape:
        # Our regression loss is half the squared error (scikit-learn's).
        loss = 0.5 * keras.losses.MeanSquaredError()(y, net(X))
    keras_grads = [g.numpy() for g in tape.gradient(loss, net.trainable_variables)]
    coef_grads, intercept_grads = ours.backward(cache, y)
    for mine, theirs in zip([coef_grads[0], intercept_grads[0], coef_grads[1],
                             intercept_grads[1]], keras_grads):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-5)
