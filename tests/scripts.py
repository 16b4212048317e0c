"""Load one of the repository's scripts (``benchmarks/``, ``tools/``) as a module, so that
tests can call its functions: they are files, not part of the installed package."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_script(relative_path: str, name: str | None = None):
    """The module of the script at ``ROOT / relative_path``, executed once per call."""
    path = ROOT / relative_path
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
