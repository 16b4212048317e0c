"""Threshold logic: perceptrons with fixed weights as logic gates, and circuits of NAND units.

A threshold unit with weights ``w`` and bias ``b`` outputs ``step(x . w + b)``: 1 when the net
input is at least 0, else 0. It is the McCulloch–Pitts unit :func:`coursepkg.lessons.neurons.threshold_unit`
with threshold ``-b``; :func:`threshold_gate` fixes its weights and bias. The unit with weights
(-2, -2) and bias 3 computes NAND, and NAND is universal: every Boolean function is a circuit of
NAND gates. :func:`not_`, :func:`and_`, :func:`or_`, :func:`xor` and :func:`half_adder` are built
from :func:`nand` alone, so they are networks of perceptrons.

Inputs are 0/1 values: Python ints or booleans, or integer/boolean/float arrays holding only
0 and 1 (one gate evaluation per element, with broadcasting). Outputs are int arrays.
"""

from __future__ import annotations

import itertools

import numpy as np

from coursepkg.lessons import neurons

__all__ = ["NAND_WEIGHTS", "NAND_BIAS", "threshold_gate", "nand", "not_", "and_", "or_",
           "xor", "half_adder", "truth_table"]

#: Weights and bias of a perceptron that computes NAND (-2 a - 2 b + 3 >= 0 unless a = b = 1).
NAND_WEIGHTS = np.array([-2.0, -2.0])
NAND_BIAS = 3.0


def _bits(value, name="input"):
    """``value`` as an int array of 0s and 1s; ValueError for anything else."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold 0s and 1s, got dtype {array.dtype}")
    if not np.all((array == 0) | (array == 1)):
        raise ValueError(f"{name} must hold only 0s and 1s, got {value!r}")
    return array.astype(int)


def threshold_gate(weights, bias):
    """A perceptron with fixed weights, as a function of its binary inputs.

    Parameters
    ----------
    weights : array-like of shape (n_inputs,)
    bias : float

    Returns
    -------
    unit : callable
        ``unit(X)`` takes ``X`` of shape (n_samples, n_inputs) (or one sample of shape
        (n_inputs,), or any stack of samples along the last axis) holding 0s and 1s and
        returns ``step(X @ weights + bias)`` as an int array of shape (n_samples,) (or a 0-d
        array for one sample).
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 1 or not np.all(np.isfinite(weights)) or not np.isfinite(bias):
        raise ValueError("weights must be a finite 1-D array and bias a finite number, got "
                         f"weights of shape {weights.shape} and bias {bias!r}")

    def unit(X):
        X = _bits(X, "X")
        if X.shape[-1:] != weights.shape:
            raise ValueError(f"this unit has {len(weights)} inputs; X has shape {X.shape}")
        # Any leading shape: one row per evaluation, then the leading shape back.
        fired = neurons.threshold_unit(X.reshape(-1, len(weights)), weights, -float(bias))
        return fired.reshape(X.shape[:-1]).astype(int)

    return unit


def nand(a, b):
    """NAND of 0/1 inputs ``a`` and ``b`` (broadcast), computed by one threshold unit."""
    a, b = np.broadcast_arrays(_bits(a, "a"), _bits(b, "b"))
    return threshold_gate(NAND_WEIGHTS, NAND_BIAS)(np.stack([a, b], axis=-1))


def not_(a):
    """NOT from one NAND: ``nand(a, a)``."""
    return nand(a, a)


def and_(a, b):
    """AND from two NANDs: NOT of NAND."""
    return not_(nand(a, b))


def or_(a, b):
    """OR from three NANDs, by De Morgan: ``a or b = nand(not a, not b)``."""
    return nand(not_(a), not_(b))


def xor(a, b):
    """XOR from four NANDs.

    With ``c = nand(a, b)``, ``xor = nand(nand(a, c), nand(b, c))``.
    """
    c = nand(a, b)
    return nand(nand(a, c), nand(b, c))


def half_adder(a, b):
    """Add two bits with five NANDs: returns ``(sum_bit, carry_bit)``, with
    ``a + b = sum + 2 carry``.

    The XOR circuit gives the sum bit; the carry, ``a and b``, reuses its first gate
    ``c = nand(a, b)`` and needs one more NAND, ``nand(c, c)``.
    """
    c = nand(a, b)
    return nand(nand(a, c), nand(b, c)), nand(c, c)


def truth_table(gate, n_inputs=2):
    """Evaluate a gate on every combination of ``n_inputs`` bits.

    Parameters
    ----------
    gate : callable
        Takes ``n_inputs`` arrays of 0s and 1s and returns one array, or a tuple of arrays
        (for example :func:`half_adder`).
    n_inputs : int, default 2

    Returns
    -------
    X : ndarray of shape (2 ** n_inputs, n_inputs), int
        The inputs, in binary counting order: (0, 0), (0, 1), (1, 0), (1, 1) for two inputs.
    outputs : ndarray of shape (2 ** n_inputs,) or (2 ** n_inputs, n_outputs), int
    """
    if not isinstance(n_inputs, (int, np.integer)) or n_inputs < 1:
        raise ValueError(f"n_inputs must be a positive integer, got {n_inputs!r}")
    X = np.array(list(itertools.product([0, 1], repeat=n_inputs)))
    outputs = gate(*X.T)
    if isinstance(outputs, tuple):
        outputs = np.stack([np.asarray(column) for column in outputs], axis=1)
    return X, np.asarray(outputs).astype(int)
