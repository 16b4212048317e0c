"""Gates built from NAND threshold units compute the right truth tables."""

import itertools

import numpy as np
import pytest

from coursepkg.data import logic_gate
from coursepkg.lessons import threshold_logic as tl


@pytest.mark.parametrize("gate, name", [(tl.nand, "NAND"), (tl.and_, "AND"), (tl.or_, "OR"),
                                        (tl.xor, "XOR")])
def test_two_input_gates_match_the_truth_tables(gate, name):
    X, outputs = tl.truth_table(gate)
    X_expected, y_expected = logic_gate(name)
    np.testing.assert_array_equal(X, X_expected)
    np.testing.assert_array_equal(outputs, y_expected)
    assert outputs.dtype.kind == "i"


def test_not_and_half_adder():
    np.testing.assert_array_equal(tl.truth_table(tl.not_, 1)[1], [1, 0])
    X, outputs = tl.truth_table(tl.half_adder)
    np.testing.assert_array_equal(outputs[:, 0] + 2 * outputs[:, 1], X.sum(axis=1))


def test_truth_table_counts_in_binary():
    X, outputs = tl.truth_table(lambda a, b, c: a & b | c, 3)
    assert X.shape == (8, 3)
    np.testing.assert_array_equal(X @ [4, 2, 1], np.arange(8))
    np.testing.assert_array_equal(outputs, [0, 1, 0, 1, 0, 1, 1, 1])


def test_gates_broadcast_and_accept_bools_and_floats():
    np.testing.assert_array_equal(tl.xor(np.array([[0], [1]]), np.array([0, 1])),
                                  [[0, 1], [1, 0]])
    assert tl.and_(True, True) == 1 and tl.or_(0.0, 0.0) == 0


def test_threshold_gate_is_step_of_the_net_input():
    unit = tl.threshold_gate([1.0, 1.0, 1.0], -2.0)          # majority of three bits
    X = np.array(list(itertools.product([0, 1], repeat=3)))
    np.testing.assert_array_equal(unit(X), (X.sum(axis=1) >= 2).astype(int))
    assert unit(np.array([1, 1, 0])) == 1                    # one sample
    assert tl.threshold_gate([1.0], 0.0)(np.array([[0]]))[0] == 1   # step(0) = 1


@pytest.mark.parametrize("bad", [2, -1, 0.5, np.nan, "1"])
def test_non_binary_inputs_are_refused(bad):
    with pytest.raises(ValueError, match="0s and 1s"):
        tl.nand(bad, 1)


def test_bad_units_and_shapes_are_refused():
    with pytest.raises(ValueError, match="finite"):
        tl.threshold_gate([[1.0, 2.0]], 0.0)
    with pytest.raises(ValueError, match="finite"):
        tl.threshold_gate([1.0, np.inf], 0.0)
    with pytest.raises(ValueError, match="2 inputs"):
        tl.threshold_gate([1.0, 1.0], 0.0)(np.ones((4, 3), dtype=int))
    with pytest.raises(ValueError, match="positive integer"):
        tl.truth_table(tl.nand, 0)
