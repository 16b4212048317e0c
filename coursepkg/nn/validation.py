"""Checks of arguments shared by the whole package, and its one random-generator rule.

Every function and estimator that draws random numbers takes ``random_state`` (or ``rng``):
``None``, an integer seed, a :class:`numpy.random.Generator` or a legacy
:class:`numpy.random.RandomState` (what scikit-learn passes), turned into a generator by
:func:`as_generator`. Bad arguments raise ``ValueError`` or ``TypeError`` with the
argument's name, never a wrong answer later.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_positive", "as_generator"]


def check_positive(name: str, value, *, integer: bool = False) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite number > 0 (an int if ``integer``).

    Booleans are refused: ``True`` is not a learning rate.
    """
    kind = numbers.Integral if integer else numbers.Real
    if not isinstance(value, kind) or isinstance(value, (bool, np.bool_)) \
            or not np.isfinite(value) or not value > 0:
        raise ValueError(
            f"{name} must be a positive {'integer' if integer else 'number'}, got {value!r}")


def as_generator(random_state=None) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from ``None``, a seed or a generator.

    ``None`` gives fresh entropy; an integer gives the same stream every time; a generator
    is returned as it is, so a caller can share one stream across calls; a ``RandomState``
    seeds a new generator from its next draw.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31))
    if random_state is None or (isinstance(random_state, numbers.Integral)
                                and not isinstance(random_state, bool)):
        return np.random.default_rng(random_state)
    raise TypeError("random_state must be None, an int seed, a numpy Generator or a "
                    "RandomState, got "
                    f"{type(random_state).__name__}")
