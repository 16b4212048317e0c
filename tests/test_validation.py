"""coursepkg.nn.validation: the one positive-number check the estimators and lessons share."""

import math

import numpy as np
import pytest

from coursepkg.nn.validation import check_positive


@pytest.mark.parametrize("value", [0.1, 3, np.float32(2.5), np.int64(4)])
def test_positive_numbers_pass(value):
    check_positive("learning_rate", value)


@pytest.mark.parametrize("value", [0, -1.0, math.inf, math.nan, True, "1", None])
def test_anything_else_is_refused_with_the_name(value):
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        check_positive("learning_rate", value)


@pytest.mark.parametrize("value", [2.0, 1.5, np.float64(3)])
def test_integers_only_when_asked(value):
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        check_positive("epochs", value, integer=True)
    check_positive("epochs", np.int32(3), integer=True)
