"""Operation counts of a function and its derivative, measured by evaluating the formulas
on a counting number. The expected counts are derived by hand in the comments."""

import math

import pytest

from coursepkg.autodiff import Counted, OpCounter, count_operations, operation_count_table
from coursepkg.autodiff.opcount import FORMULAS


def test_counted_records_every_operation():
    counter = OpCounter()
    x = Counted(2.0, counter)
    y = -(1 + x * 3 - x / 2) ** 2
    assert y.value == -((1 + 6 - 1) ** 2)
    assert counter.by_op == {"*": 1, "+": 1, "/": 1, "-": 1, "**": 1, "neg": 1}
    assert counter.total == 6


def test_table_of_the_classic_counts():
    rows = {(r["function"], r["method"]): r for r in operation_count_table(x=0.7)}
    counts = {key: (r["ops_f"], r["ops_df"], r["total"]) for key, r in rows.items()}
    # exp(x^2), naive: f = exp(x**2) is 2 ops (**, exp); f' = 2 * x * exp(x**2) is 4
    # (*, **, exp, *), recomputing exp(x**2).
    assert counts[("exp(x^2)", "naive")] == (2, 4, 6)
    # reused: a = x**2, b = exp(a) (2 ops); f' = b * (2 * x) (2 ops).
    assert counts[("exp(x^2)", "reused")] == (2, 2, 4)
    # sqrt(x^2 + exp(x^2)), naive: f = sqrt(x**2 + exp(x**2)) is 5 ops (**, **, exp, +,
    # sqrt); f' = (2x + 2x exp(x**2)) / (2 sqrt(x**2 + exp(x**2))): numerator 6 (2*x,
    # 2*x, **, exp, *, +), denominator 6 (**, **, exp, +, sqrt, 2*), one division: 13.
    assert counts[("sqrt(x^2 + exp(x^2))", "naive")] == (5, 13, 18)
    # reused: a = x**2, b = exp(a), c = a + b, d = sqrt(c) (4 ops); a' = 2x, b' = b a',
    # c' = a' + b', d' = c' / (2 d) (5 ops).
    assert counts[("sqrt(x^2 + exp(x^2))", "reused")] == (4, 5, 9)


@pytest.mark.parametrize("key", sorted(FORMULAS))
def test_every_formula_computes_the_right_derivative(key):
    x = 0.7
    result = count_operations(FORMULAS[key], x)
    if key[0] == "exp(x^2)":
        f, df = math.exp(x * x), 2 * x * math.exp(x * x)
    else:
        f = math.sqrt(x * x + math.exp(x * x))
        df = (x + x * math.exp(x * x)) / f
    assert result["f"] == pytest.approx(f, rel=1e-15)
    assert result["df"] == pytest.approx(df, rel=1e-15)
    assert result["total"] == sum(result["by_op"].values())


def test_a_formula_must_mark_once():
    with pytest.raises(ValueError, match="mark"):
        count_operations(lambda x, mark: (x, x * 2))
    with pytest.raises(TypeError, match="cannot combine Counted with str"):
        Counted(1.0, OpCounter()) + "a"
