"""Settings for every notebook the test command collects (book/, exercises/, solutions/).

A notebook that imports TensorFlow or Keras is skipped under nbval, with the reason, when
TensorFlow is not installed: the ``test`` extra alone runs everything else."""

from pathlib import Path

import pytest

from tests.optional_tools import HAS_TENSORFLOW, TENSORFLOW_REASON, imports_tensorflow


def pytest_collection_modifyitems(config, items):
    if HAS_TENSORFLOW:
        return
    for item in items:
        path = Path(item.path)
        if path.suffix == ".ipynb" and imports_tensorflow(path):
            item.add_marker(pytest.mark.skip(
                reason=f"{path.name} imports TensorFlow or Keras; {TENSORFLOW_REASON}"))
