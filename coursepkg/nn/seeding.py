"""One rule for turning a seed into a random generator, everywhere in the package.

Whatever takes a seed (an estimator's ``random_state``, a data generator's
``random_state``, an initializer's or an experiment's ``rng``) accepts what
scikit-learn accepts, ``None``, an ``int`` or a :class:`numpy.random.RandomState`, and a
:class:`numpy.random.Generator` too, and draws from the :class:`~numpy.random.Generator`
that :func:`as_generator` returns. So one seed means one stream, whatever it is given to.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_generator"]

_SEED_RANGE = 2**31


def as_generator(random_state):
    """The :class:`numpy.random.Generator` that ``random_state`` stands for.

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
