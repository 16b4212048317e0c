"""One rule for turning an estimator's ``random_state`` into a random generator.

The package's estimators take ``random_state`` as scikit-learn's do: ``None``, an ``int``
seed or a :class:`numpy.random.RandomState`; a :class:`numpy.random.Generator` is accepted
too. Every estimator draws from the :class:`~numpy.random.Generator` that
:func:`as_generator` returns, so one seed means one stream whichever estimator it is
given to. Plain functions that take a seed (the data generators, the initializers) follow
NumPy's own rule instead, :func:`numpy.random.default_rng`.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_generator"]

_SEED_RANGE = 2**31


def as_generator(random_state):
    """The :class:`numpy.random.Generator` an estimator draws from.

    Parameters
    ----------
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator
        A ``Generator`` is used as it is. Otherwise, as in scikit-learn, ``None`` means
        NumPy's global random state, an ``int`` seeds a ``RandomState``, and a
        ``RandomState`` is used as it is; one draw from that state seeds the new
        ``Generator``, so ``0`` and ``RandomState(0)`` give the same stream.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    ValueError
        For anything else (a float, a string, a negative seed, ...).
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        seed = np.random.randint(_SEED_RANGE)        # NumPy's global RandomState
    elif isinstance(random_state, np.random.RandomState):
        seed = random_state.randint(_SEED_RANGE)
    elif (isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool)
          and 0 <= random_state < 2**32):
        seed = np.random.RandomState(int(random_state)).randint(_SEED_RANGE)
    else:
        raise ValueError(
            f"random_state must be None, an int in [0, 2**32), a numpy RandomState or a "
            f"numpy Generator; got {random_state!r}")
    return np.random.default_rng(seed)
