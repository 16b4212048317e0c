"""``grad(f)``: the gradient of a scalar function as a new function, in the style of JAX."""

from __future__ import annotations

from numbers import Real

import numpy as np

from .tensor import Tensor
from .value import Value

__all__ = ["grad"]


def grad(f, argnums=None):
    """Return a function that computes the gradient of ``f`` by reverse mode.

    Parameters
    ----------
    f : callable
        ``f(*args)`` returns a scalar: a :class:`~coursepkg.autodiff.Value`, or a :class:`~coursepkg.autodiff.Tensor` with one
        entry. Inside ``f``, numbers arrive as :class:`~coursepkg.autodiff.Value` and arrays as
        :class:`~coursepkg.autodiff.Tensor`.
    argnums : int or tuple of int, optional
        Which positional arguments to differentiate with respect to. Default: all of
        them. Arguments not listed are passed to ``f`` unchanged (labels, for example).

    Returns
    -------
    gradient : callable
        ``gradient(*args)`` takes plain floats and NumPy arrays. It returns the gradient
        with respect to argument ``argnums`` (a float, or an ndarray of the argument's
        shape) when ``argnums`` is an int, and a tuple of them otherwise.

    Examples
    --------
    >>> grad(lambda x, y: x * y + y.exp())(2.0, 0.0)
    (0.0, 3.0)
    """
    single = isinstance(argnums, int)

    def gradient(*args):
        chosen = range(len(args)) if argnums is None else ((argnums,) if single else argnums)
        chosen = [_check_argnum(i, len(args)) for i in chosen]
        nodes = list(args)
        for i in chosen:
            nodes[i] = _leaf(args[i], i)
        out = f(*nodes)
        if not isinstance(out, (Value, Tensor)):
            raise TypeError(f"f must return a Value or a one-entry Tensor, got "
                            f"{type(out).__name__}")
        out.backward()  # raises a clear error for a Tensor with more than one entry
        grads = tuple(nodes[i].grad.copy() if isinstance(nodes[i], Tensor) else nodes[i].grad
                      for i in chosen)
        return grads[0] if single else grads

    return gradient


def _leaf(x, position):
    if isinstance(x, Real) and not isinstance(x, bool):
        return Value(x, label=f"arg{position}")
    if isinstance(x, (np.ndarray, list, tuple)):
        return Tensor(x, label=f"arg{position}")
    raise TypeError(f"argument {position} must be a float or a NumPy array to be "
                    f"differentiated, got {type(x).__name__}")


def _check_argnum(i, n_args):
    if not isinstance(i, int) or not -n_args <= i < n_args:
        raise ValueError(f"argnums entry {i!r} does not name one of the {n_args} arguments")
    return i % n_args
