"""Checks of arguments shared by the whole package.

Bad arguments raise ``ValueError`` with the argument's name, never a wrong answer later.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_positive"]


def check_positive(name: str, value, *, integer: bool = False) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite number > 0 (an int if ``integer``).

    Booleans are refused: ``True`` is not a learning rate.
    """
    kind = numbers.Integral if integer else numbers.Real
    if not isinstance(value, kind) or isinstance(value, (bool, np.bool_)) \
            or not np.isfinite(value) or not value > 0:
        raise ValueError(
            f"{name} must be a positive {'integer' if integer else 'number'}, got {value!r}")
