"""Settings for every notebook the test command collects (book/, exercises/, solutions/).

A notebook that imports TensorFlow or Keras is skipped under nbval, with the reason, when
TensorFlow is not installed: the ``test`` extra alone runs everything else."""

import importlib.util
import sys
from pathlib import Path

import pytest


def _optional_tools():
    """``tests/optional_tools.py``, loaded once under the name the tests import it by."""
    if "optional_tools" not in sys.modules:
        path = Path(__file__).resolve().parent / "tests" / "optional_tools.py"
        spec = importlib.util.spec_from_file_location("optional_tools", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["optional_tools"] = module
        spec.loader.exec_module(module)
    return sys.modules["optional_tools"]


def pytest_collection_modifyitems(config, items):
    tools = _optional_tools()
    if tools.HAS_TENSORFLOW:
        return
    for item in items:
        path = Path(item.path)
        if path.suffix == ".ipynb" and tools.imports_tensorflow(path):
            item.add_marker(pytest.mark.skip(
                reason=f"{path.name} imports TensorFlow or Keras; {tools.TENSORFLOW_REASON}"))
