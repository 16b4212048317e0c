"""The data of the book: MNIST, scikit-learn's bundled data, and small synthetic sets.

Every loader is importable from here, for example ``from coursepkg.data import load_mnist``.
MNIST is read from four IDX files in ``<data root>/mnist/``. The data root is, in order,
the ``data_home`` argument, the ``COURSEPKG_DATA`` environment variable, or
``~/.cache/coursepkg`` (the same meaning as scikit-learn's ``data_home``); see
:mod:`coursepkg.data.mnist`.
"""

from coursepkg.data.bundled import load_breast_cancer, load_digits
from coursepkg.data.mnist import DatasetError, get_data_home, load_mnist, read_idx
from coursepkg.data.synthetic import logic_gate, make_quadratic_regression, make_tones

__all__ = ["DatasetError", "get_data_home", "load_mnist", "read_idx", "load_digits",
           "load_breast_cancer", "logic_gate", "make_quadratic_regression", "make_tones"]
