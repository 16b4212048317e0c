"""Tools for the practice of training: signal statistics of deep networks, optimizer paths on
two-dimensional test surfaces, and dead ReLU units.

The test surfaces take points of shape ``(..., 2)``, so that one call evaluates a whole grid
for a contour plot:

* :func:`quadratic`: ``f(p) = (c_0 p_0^2 + c_1 p_1^2) / 2``, an ill-conditioned bowl when the
  curvatures ``c`` differ a lot (its condition number is ``max(c) / min(c)``);
* :func:`rosenbrock`: ``f(p) = (a - p_0)^2 + b (p_1 - p_0^2)^2``, a curved narrow valley with
  its minimum at ``(a, a^2)`` (Rosenbrock, 1960).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from coursepkg.nn import initializers
from coursepkg.nn.backprop import backward
from coursepkg.nn.feedforward import forward_pass
from coursepkg.nn.optimizers import Optimizer
from coursepkg.nn.seeding import as_generator

__all__ = ["LayerStatistics", "layer_statistics", "quadratic", "quadratic_gradient",
           "rosenbrock", "rosenbrock_gradient", "optimizer_path", "dead_units"]


class LayerStatistics(NamedTuple):
    """What :func:`layer_statistics` returns, one value per layer, first layer first."""

    #: ndarray: ``activation_std[l]`` is the standard deviation of the output of layer ``l``.
    activation_std: np.ndarray
    #: ndarray: ``delta_std[l]`` is that of the backpropagated gradient ``dJ/dz[l]``.
    delta_std: np.ndarray
    #: ndarray: ``weight_gradient_std[l]`` is that of the gradient ``dJ/dW[l]`` of the
    #: weights of layer ``l``.
    weight_gradient_std: np.ndarray


def layer_statistics(initializer, activation, rng, *, n_layers=10, width=256,
                     n_samples=256):
    """Signal and gradient sizes through a deep square network at initialisation.

    A network of ``n_layers`` dense layers of ``width`` units, all with ``activation``
    and zero biases, gets standard normal inputs; the cost is the half squared error
    against standard normal targets, backpropagated by
    :func:`coursepkg.nn.backprop.backward`.

    Parameters
    ----------
    initializer : str or callable
        A name of :mod:`coursepkg.nn.initializers` (not "zeros"), called as
        ``initializer(fan_in, fan_out, rng)`` for every layer.
    activation : str
        A name known to :func:`coursepkg.nn.activations.get`.
    rng : int, RandomState or Generator
        See :func:`coursepkg.nn.seeding.as_generator`.
        Draws the inputs, the targets and the weights.
    n_layers, width, n_samples : int
        Depth, units per layer, and rows of the input batch of shape (n_samples, width).

    Returns
    -------
    LayerStatistics
        Three arrays of shape (n_layers,).
    """
    for name, value in (("n_layers", n_layers), ("width", width),
                        ("n_samples", n_samples)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    init = initializers.get(initializer)
    if init is initializers.zeros:
        raise ValueError("zero weights give zero signals: use a random initializer")
    rng = as_generator(rng)
    X = rng.standard_normal((n_samples, width))
    Y = rng.standard_normal((n_samples, width))
    coefs = [init(width, width, rng) for _ in range(n_layers)]
    intercepts = [np.zeros(width) for _ in range(n_layers)]
    names = [activation] * n_layers
    cache = forward_pass(X, coefs, intercepts, names)
    coef_grads, _, deltas = backward(cache, coefs, Y, names)
    return LayerStatistics(np.array([a.std() for a in cache.a[1:]]),
                           np.array([d.std() for d in deltas]),
                           np.array([g.std() for g in coef_grads]))


def _points(p):
    p = np.asarray(p, dtype=np.float64)
    if p.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (..., 2), got {p.shape}")
    return p


def quadratic(p, curvatures=(1.0, 20.0)):
    """``(c_0 p_0^2 + c_1 p_1^2) / 2`` for points ``p`` of shape (..., 2); shape (...)."""
    p = _points(p)
    return 0.5 * (curvatures[0] * p[..., 0] ** 2 + curvatures[1] * p[..., 1] ** 2)


def quadratic_gradient(p, curvatures=(1.0, 20.0)):
    """Gradient ``(c_0 p_0, c_1 p_1)`` of :func:`quadratic`, shape (..., 2)."""
    return _points(p) * np.asarray(curvatures, dtype=np.float64)


def rosenbrock(p, a=1.0, b=100.0):
    """``(a - p_0)^2 + b (p_1 - p_0^2)^2`` for points ``p`` of shape (..., 2); shape (...)."""
    p = _points(p)
    x, y = p[..., 0], p[..., 1]
    return (a - x) ** 2 + b * (y - x ** 2) ** 2


def rosenbrock_gradient(p, a=1.0, b=100.0):
    """Gradient of :func:`rosenbrock`, shape (..., 2)."""
    p = _points(p)
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (a - x) - 4 * b * x * (y - x ** 2), 2 * b * (y - x ** 2)], axis=-1)


def optimizer_path(optimizer, gradient, start, n_steps):
    """The points visited by ``optimizer`` descending ``gradient`` from ``start``.

    Parameters
    ----------
    optimizer : coursepkg.nn.optimizers.Optimizer
        A fresh optimizer (its state is built at the first step and kept afterwards).
    gradient : callable
        ``gradient(p)`` of a point of shape (2,) (or (n,)), same shape.
    start : array_like of shape (n,)
    n_steps : int

    Returns
    -------
    ndarray of shape (n_steps + 1, n)
        ``start`` then the point after every step. A diverging run stops at the last
        finite point, so fewer rows may be returned (the contract of every trajectory
        helper, see :mod:`coursepkg.nn.divergence`).
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a coursepkg Optimizer, got {optimizer!r}")
    if not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
        raise ValueError(f"n_steps must be an integer >= 0, got {n_steps!r}")
    p = np.array(start, dtype=np.float64)
    if p.ndim != 1 or not np.all(np.isfinite(p)):
        raise ValueError(f"start must be a finite 1-D point, got {start!r}")
    path = [p.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            optimizer.step([p], [np.asarray(gradient(p), dtype=np.float64)])
            if not np.all(np.isfinite(p)):
                break
            path.append(p.copy())
    return np.array(path)


def dead_units(model, X):
    """Hidden units of a fitted MLP that output 0 on every sample of ``X``.

    Parameters
    ----------
    model : fitted :class:`coursepkg.models.mlp.MLPClassifier` or :class:`~coursepkg.models.mlp.MLPRegressor`
    X : array_like of shape (n_samples, n_features)

    Returns
    -------
    ndarray of int, shape (n_hidden_layers,)
        For each hidden layer, how many of its units are never active. A ReLU unit that is
        dead on the whole training set gets no gradient and stays dead.
    """
    hidden = model.forward(X).a[1:-1]
    return np.array([int(np.sum(np.all(a == 0, axis=0))) for a in hidden], dtype=int)
