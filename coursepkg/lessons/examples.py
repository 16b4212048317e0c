"""Small networks with fixed, hand-chosen weights that the book computes by hand.

:func:`xor_network` is the 2-2-1 sigmoid network of the chapter "Multilayer perceptrons";
the chapter on backpropagation starts from the same weights.
"""

from __future__ import annotations

import numpy as np

from coursepkg.nn.feedforward import forward

__all__ = ["xor_network", "xor_forward"]


def xor_network():
    """The worked XOR network: two sigmoid hidden units D and E, one sigmoid output G.

    Hidden unit D has weights 3.7, 3.7 and bias -1.5 (it behaves like OR); hidden unit E has
    weights 2.9, 2.9 and bias -4.5 (it behaves like AND); the output G has weight 4.5 on D,
    -5.2 on E and bias -2.0.

    Returns
    -------
    coefs : list of 2 ndarrays
        ``coefs[0]`` of shape (2, 2), column 0 for D and column 1 for E;
        ``coefs[1]`` of shape (2, 1), rows for D and E.
    intercepts : list of 2 ndarrays
        ``intercepts[0]`` of shape (2,) and ``intercepts[1]`` of shape (1,).

    The arrays are new on every call, so a caller may train them in place. They follow the
    book's ``X @ W + b`` convention, the layout of ``coursepkg.models.mlp.MLPClassifier.coefs_``.
    """
    coefs = [np.array([[3.7, 2.9],
                       [3.7, 2.9]]),
             np.array([[4.5],
                       [-5.2]])]
    intercepts = [np.array([-1.5, -4.5]), np.array([-2.0])]
    return coefs, intercepts


def xor_forward(X, coefs=None, intercepts=None):
    """Forward pass of a sigmoid MLP, by default the network of :func:`xor_network`.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    coefs, intercepts : lists of ndarrays, optional
        Weights ``(fan_in, fan_out)`` and biases ``(fan_out,)`` of every layer; both default
        to :func:`xor_network`.

    Returns
    -------
    activations : list of ndarrays
        ``activations[0]`` is ``X`` as a float array, ``activations[l]`` of shape
        (n_samples, fan_out of layer l) is ``sigmoid(activations[l-1] @ coefs[l-1] +
        intercepts[l-1])``; the last one is the network's output.
    """
    if (coefs is None) != (intercepts is None):
        raise ValueError("give both coefs and intercepts, or neither")
    if coefs is None:
        coefs, intercepts = xor_network()
    return forward(np.asarray(X, dtype=float), coefs, intercepts, "sigmoid", "sigmoid")
