"""Weight initializers for a dense layer.

Each function returns a weight matrix of shape ``(fan_in, fan_out)`` (the book's
convention ``X @ W + b``) drawn from a seeded :class:`numpy.random.Generator` ``rng`` (an
``int`` seed or a ``RandomState`` is accepted too, see
:func:`coursepkg.nn.seeding.as_generator`). Biases are usually started at zero.
"""

from __future__ import annotations

import warnings

import numpy as np

from coursepkg.nn.seeding import as_generator

__all__ = ["zeros", "uniform", "normal", "lecun_uniform", "lecun_normal", "glorot_uniform",
           "glorot_normal", "he_normal", "get"]


def _check_fans(fan_in, fan_out):
    for name, fan in (("fan_in", fan_in), ("fan_out", fan_out)):
        if not isinstance(fan, (int, np.integer)) or fan < 1:
            raise ValueError(f"{name} must be a positive integer, got {fan!r}")


def _rng(rng):
    if rng is None:
        raise ValueError("pass a seeded numpy Generator (or an int seed) as rng")
    return as_generator(rng)


def zeros(fan_in, fan_out, rng=None, dtype=np.float64):
    """All-zero weights.

    Warns (``UserWarning``) when the layer has more than one unit: all units then compute
    the same output and receive the same gradient, so training never makes them differ.
    """
    _check_fans(fan_in, fan_out)
    if fan_out > 1:
        warnings.warn(
            "zero weights cannot break the symmetry between the units of a layer: every "
            "unit will learn the same function; use a random initializer", UserWarning,
            stacklevel=2)
    return np.zeros((fan_in, fan_out), dtype=dtype)


def uniform(fan_in, fan_out, rng, scale=0.01, dtype=np.float64):
    """Uniform on ``[-scale, scale]``, independent of the layer size."""
    _check_fans(fan_in, fan_out)
    return _rng(rng).uniform(-scale, scale, size=(fan_in, fan_out)).astype(dtype)


def normal(fan_in, fan_out, rng, std=1.0, dtype=np.float64):
    """Normal with mean 0 and standard deviation ``std``, independent of the layer size.

    The classic networks draw this way: ``std=1`` in Nielsen's chapter 1, ``std=0.1`` in
    Raschka's MNIST network; ``functools.partial(normal, std=0.1)`` passes it as ``init``.
    """
    _check_fans(fan_in, fan_out)
    return (_rng(rng).standard_normal((fan_in, fan_out)) * std).astype(dtype)


def lecun_uniform(fan_in, fan_out, rng, dtype=np.float64):
    """Uniform on ``±sqrt(3 / fan_in)``, variance ``1 / fan_in`` (LeCun et al., 1998).

    The same variance as :func:`lecun_normal` and as Keras's ``LecunUniform``.
    """
    _check_fans(fan_in, fan_out)
    limit = np.sqrt(3 / fan_in)
    return _rng(rng).uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype)


def lecun_normal(fan_in, fan_out, rng, dtype=np.float64):
    """Normal with standard deviation ``1 / sqrt(fan_in)`` (LeCun et al., 1998).

    Each unit's pre-activation then has about the variance of one input; Nielsen's
    chapter-3 network draws its weights so.
    """
    _check_fans(fan_in, fan_out)
    return (_rng(rng).standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(dtype)


def glorot_uniform(fan_in, fan_out, rng, dtype=np.float64):
    """Uniform on ``±sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, 2010).

    The variance ``2 / (fan_in + fan_out)`` keeps activations and gradients at about the
    same scale from layer to layer for tanh and sigmoid units.
    """
    _check_fans(fan_in, fan_out)
    limit = np.sqrt(6 / (fan_in + fan_out))
    return _rng(rng).uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype)


def glorot_normal(fan_in, fan_out, rng, dtype=np.float64):
    """Normal with mean 0 and standard deviation ``sqrt(2 / (fan_in + fan_out))``."""
    _check_fans(fan_in, fan_out)
    std = np.sqrt(2 / (fan_in + fan_out))
    return (_rng(rng).standard_normal((fan_in, fan_out)) * std).astype(dtype)


def he_normal(fan_in, fan_out, rng, dtype=np.float64):
    """Normal with standard deviation ``sqrt(2 / fan_in)`` (He et al., 2015), for ReLU.

    A ReLU zeroes half of its inputs on average, hence the factor 2 over LeCun's
    ``1 / fan_in``.
    """
    _check_fans(fan_in, fan_out)
    std = np.sqrt(2 / fan_in)
    return (_rng(rng).standard_normal((fan_in, fan_out)) * std).astype(dtype)


INITIALIZERS = {f.__name__: f for f in
                (zeros, uniform, normal, lecun_uniform, lecun_normal, glorot_uniform,
                 glorot_normal, he_normal)}


def get(name):
    """Return the initializer called ``name``; unknown names raise ``ValueError``."""
    if callable(name):
        return name
    if name not in INITIALIZERS:
        raise ValueError(
            f"unknown initializer {name!r}; valid names are {', '.join(INITIALIZERS)}")
    return INITIALIZERS[name]
