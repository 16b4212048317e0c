"""Inverted dropout (Srivastava et al., 2014): the mask a training step multiplies by.

Each unit is dropped with probability ``rate`` and the kept ones are scaled by
``1 / (1 - rate)``, so the expected output is unchanged and evaluation needs no rescaling.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dropout_mask"]


def dropout_mask(shape, rate, rng, dtype=np.float64):
    """A mask of 0 (probability ``rate``) and ``1 / (1 - rate)`` entries.

    Parameters
    ----------
    shape : tuple of int
        The shape of the layer output it multiplies, (n_samples, n_units).
    rate : float in [0, 1)
        The probability of dropping a unit.
    rng : numpy.random.Generator
    dtype : float dtype, default float64

    Returns
    -------
    ndarray of ``shape`` and ``dtype``
    """
    if not 0 <= rate < 1:
        raise ValueError(f"the dropout rate must be in [0, 1), got {rate!r}")
    dtype = np.dtype(dtype)
    keep = rng.random(shape, dtype=dtype) >= rate
    return keep * dtype.type(1 / (1 - rate))
