"""Small data sets made on the spot: logic-gate truth tables and a noisy quadratic surface."""

from __future__ import annotations

import numpy as np

from coursepkg.nn.seeding import as_generator

__all__ = ["logic_gate", "make_quadratic_regression", "make_tones"]


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
    random_state : int, RandomState, Generator or None
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
    rng = as_generator(random_state)
    X = rng.uniform(-1.0, 1.0, size=(int(n_samples), 2))
    y = X[:, 0] ** 2 + 3 * X[:, 0] * X[:, 1] + X[:, 1] ** 2 + 5
    if noise:
        y = y + rng.normal(0.0, noise, size=y.shape)
    return X, y


def make_tones(n_samples, *, n_points=64, frequencies=(4, 6), noise=1.0, random_state=None):
    """Noisy sine waves of two frequencies, each with a random phase.

    Class ``k`` is a sine of ``frequencies[k]`` periods over ``n_points`` samples, shifted
    by a uniformly random phase, plus Gaussian noise of standard deviation ``noise``. The
    phase hides the class from any single input: a linear model on the raw samples cannot
    separate the classes, while the magnitude of the spectrum (:func:`coursepkg.nn.preprocessing.spectrum_features`)
    ignores the phase.

    Returns
    -------
    X : ndarray of shape (n_samples, n_points)
    y : ndarray of shape (n_samples,), labels 0 .. len(frequencies) - 1
    """
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = as_generator(random_state)
    y = rng.integers(0, len(frequencies), size=n_samples)
    t = np.arange(n_points) / n_points
    phase = rng.uniform(0, 2 * np.pi, size=(n_samples, 1))
    X = np.sin(2 * np.pi * np.asarray(frequencies)[y][:, None] * t + phase)
    return X + noise * rng.normal(size=X.shape), y
