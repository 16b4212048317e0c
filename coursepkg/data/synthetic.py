"""Small data sets made on the spot: logic-gate truth tables and a noisy quadratic surface."""

from __future__ import annotations

import numpy as np

__all__ = ["logic_gate", "make_quadratic_regression"]


_GATES = {
    "AND": lambda a, b: a & b,
    "OR": lambda a, b: a | b,
    "NAND": lambda a, b: 1 - (a & b),
    "NOR": lambda a, b: 1 - (a | b),
    "XOR": lambda a, b: a ^ b,
}


def logic_gate(name: str):
    """Truth table of a two-input logic gate.

    Parameters
    ----------
    name : {"AND", "OR", "NAND", "NOR", "XOR"}
        Case-insensitive gate name.

    Returns
    -------
    X : ndarray of shape (4, 2), int
        The inputs (0, 0), (0, 1), (1, 0), (1, 1).
    y : ndarray of shape (4,), int
        The gate's output for each row of ``X``.
    """
    gate = _GATES.get(str(name).upper())
    if gate is None:
        raise ValueError(f"unknown logic gate {name!r}; choose one of {', '.join(_GATES)}")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    return X, gate(X[:, 0], X[:, 1])


def make_quadratic_regression(n_samples, noise=0.0, random_state=None):
    """Samples of y = x0^2 + 3 x0 x1 + x1^2 + 5 with x drawn uniformly from [-1, 1]^2.

    Parameters
    ----------
    n_samples : int
        Number of samples.
    noise : float, default 0.0
        Standard deviation of Gaussian noise added to ``y``.
    random_state : int, numpy Generator or None
        Seed for reproducible samples.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
    """
    if int(n_samples) != n_samples or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise!r}")
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-1.0, 1.0, size=(int(n_samples), 2))
    y = X[:, 0] ** 2 + 3 * X[:, 0] * X[:, 1] + X[:, 1] ** 2 + 5
    if noise:
        y = y + rng.normal(0.0, noise, size=y.shape)
    return X, y
