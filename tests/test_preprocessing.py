"""Scaling raw pixels (the one-hot encoder is tested with the losses and the MLP)."""

import numpy as np
import pytest

from coursepkg.nn.preprocessing import scale_pixels


def test_scale_pixels_maps_0_255_to_0_1_in_float32():
    X = np.array([[0, 51, 255]], dtype=np.uint8)
    scaled = scale_pixels(X)
    assert scaled.dtype == np.float32 and scaled.shape == (1, 3)
    np.testing.assert_allclose(scaled, [[0.0, 0.2, 1.0]], rtol=1e-7)
    np.testing.assert_allclose(scale_pixels([[16, 8]], max_value=16), [[1.0, 0.5]])
    assert scale_pixels(np.zeros((0, 784), dtype=np.uint8)).shape == (0, 784)


@pytest.mark.parametrize("X", [[[np.nan, 1.0]], [[-1, 3]], [[256, 0]], [["a", "b"]]])
def test_scale_pixels_rejects_what_is_not_raw_pixels(X):
    with pytest.raises(ValueError):
        scale_pixels(np.array(X))


def test_scale_pixels_rejects_a_bad_maximum():
    with pytest.raises(ValueError, match="max_value"):
        scale_pixels([[1]], max_value=0)
