"""What some tests need beyond the ``test`` extra, and the reason they give when it is absent.

``pip install -e ".[test]"`` runs every other test; the tests below skip, with the reason,
when TensorFlow or the book tools are not installed. The notebooks that import TensorFlow
skip under nbval too (the root ``conftest.py``)."""

import importlib.util
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from coursepkg.course.notebook import uses_tensorflow

TENSORFLOW_REASON = ("needs TensorFlow, which the keras extra installs: "
                     "pip install -e '.[keras]'")
HAS_TENSORFLOW = importlib.util.find_spec("tensorflow") is not None
needs_tensorflow = pytest.mark.skipif(not HAS_TENSORFLOW, reason=TENSORFLOW_REASON)

BOOK_REASON = "needs jupyter-book, which the book extra installs: pip install -e '.[book]'"
HAS_JUPYTER_BOOK = importlib.util.find_spec("jupyter_book") is not None
needs_jupyter_book = pytest.mark.skipif(not HAS_JUPYTER_BOOK, reason=BOOK_REASON)

@lru_cache(maxsize=None)
def imports_tensorflow(path: Path) -> bool:
    """Whether a code cell of the notebook at ``path`` imports TensorFlow or Keras."""
    return uses_tensorflow(nbformat.read(path, as_version=4))


def notebook_param(path: Path):
    """``path`` as a test parameter that skips without TensorFlow if the notebook needs it."""
    return pytest.param(path, marks=needs_tensorflow) if imports_tensorflow(path) else path
