"""Count the arithmetic operations needed to compute a function and its derivative.

Written out symbolically, a derivative repeats sub-expressions of the function: the
derivative of ``exp(x**2)`` is ``2 * x * exp(x**2)``, which recomputes ``exp(x**2)``.
Automatic differentiation names every intermediate result once (``a = x**2``,
``b = exp(a)``) and reuses it in the chain rule. The counts below are measured, not
typed: each formula is evaluated on a :class:`Counted` number, which records every
operation applied to it.
"""

from __future__ import annotations

import math
from collections import Counter
from numbers import Real

__all__ = ["Counted", "OpCounter", "count_operations", "operation_count_table",
           "FORMULAS"]


class OpCounter:
    """Tallies operations by name; ``mark()`` remembers how many had happened so far."""

    def __init__(self):
        self.by_op = Counter()
        self.marks = []

    @property
    def total(self):
        return sum(self.by_op.values())

    def record(self, op):
        self.by_op[op] += 1

    def mark(self):
        self.marks.append(self.total)


class Counted:
    """A float that reports every ``+ - * / **``, ``exp`` and ``sqrt`` to its counter.

    Parameters
    ----------
    value : float
    counter : OpCounter
    """

    def __init__(self, value, counter):
        self.value = float(value)
        self.counter = counter

    def __repr__(self):
        return f"Counted({self.value:.6g})"

    def _result(self, value, op):
        self.counter.record(op)
        return Counted(value, self.counter)

    def __add__(self, other):
        return self._result(self.value + _plain(other), "+")

    def __sub__(self, other):
        return self._result(self.value - _plain(other), "-")

    def __mul__(self, other):
        return self._result(self.value * _plain(other), "*")

    def __truediv__(self, other):
        return self._result(self.value / _plain(other), "/")

    def __pow__(self, other):
        return self._result(self.value ** _plain(other), "**")

    def __radd__(self, other):
        return self._result(_plain(other) + self.value, "+")

    def __rsub__(self, other):
        return self._result(_plain(other) - self.value, "-")

    def __rmul__(self, other):
        return self._result(_plain(other) * self.value, "*")

    def __rtruediv__(self, other):
        return self._result(_plain(other) / self.value, "/")

    def __neg__(self):
        return self._result(-self.value, "neg")

    def exp(self):
        return self._result(math.exp(self.value), "exp")

    def sqrt(self):
        return self._result(math.sqrt(self.value), "sqrt")


def exp(x):
    """``exp`` of a :class:`Counted` number (one operation)."""
    return x.exp()


def sqrt(x):
    """``sqrt`` of a :class:`Counted` number (one operation)."""
    return x.sqrt()


# ------------------------------------------------------------------ the formulas
# Each computes (f, f') from x; `mark()` separates the work for f from the work for f'.

def exp_square_naive(x, mark):
    f = exp(x ** 2)
    mark()
    df = 2 * x * exp(x ** 2)  # d/dx exp(x^2), written out
    return f, df


def exp_square_reused(x, mark):
    a = x ** 2
    b = exp(a)
    mark()
    da = 2 * x  # chain rule: b' = b a'
    db = b * da
    return b, db


def sqrt_naive(x, mark):
    f = sqrt(x ** 2 + exp(x ** 2))
    mark()
    df = (2 * x + 2 * x * exp(x ** 2)) / (2 * sqrt(x ** 2 + exp(x ** 2)))
    return f, df


def sqrt_reused(x, mark):
    a = x ** 2
    b = exp(a)
    c = a + b
    d = sqrt(c)
    mark()
    da = 2 * x  # chain rule, reusing b and d: b' = b a', c' = a' + b', d' = c' / (2 d)
    db = b * da
    dc = da + db
    dd = dc / (2 * d)
    return d, dd


FORMULAS = {
    ("exp(x^2)", "naive"): exp_square_naive,
    ("exp(x^2)", "reused"): exp_square_reused,
    ("sqrt(x^2 + exp(x^2))", "naive"): sqrt_naive,
    ("sqrt(x^2 + exp(x^2))", "reused"): sqrt_reused,
}


def count_operations(formula, x=0.7):
    """Evaluate ``formula(x, mark) -> (f, df)`` on a counting number.

    Returns
    -------
    dict
        ``f`` and ``df`` (floats), ``ops_f`` (operations before ``mark()``), ``ops_df``
        (after), ``total``, and ``by_op`` (a ``Counter`` of operation names).
    """
    counter = OpCounter()
    f, df = formula(Counted(x, counter), counter.mark)
    if len(counter.marks) != 1:
        raise ValueError("a formula must call mark() exactly once, after computing f")
    ops_f = counter.marks[0]
    return {"f": f.value, "df": df.value, "ops_f": ops_f, "ops_df": counter.total - ops_f,
            "total": counter.total, "by_op": counter.by_op}


def operation_count_table(x=0.7):
    """One row per (function, method) of ``FORMULAS``, ready to print.

    Returns
    -------
    list of dict
        Keys ``function``, ``method``, ``ops_f``, ``ops_df``, ``total``, ``f``, ``df``.
    """
    rows = []
    for (function, method), formula in FORMULAS.items():
        counts = count_operations(formula, x)
        rows.append({"function": function, "method": method,
                     **{k: counts[k] for k in ("ops_f", "ops_df", "total", "f", "df")}})
    return rows


def _plain(x):
    if isinstance(x, Counted):
        return x.value
    if isinstance(x, Real) and not isinstance(x, bool):
        return x
    raise TypeError(f"cannot combine Counted with {type(x).__name__}")
