"""The setup cell that opens every notebook of the book.

A notebook opened on Colab runs in a kernel that does not have ``coursepkg``. Its first code
cell therefore installs the package from the book's repository when ``google.colab`` is
loaded, and does nothing elsewhere (Binder and local installs already have it). That cell
cannot import its logic from ``coursepkg`` before ``coursepkg`` is installed, so this module
*generates* its text: :func:`setup_cell` is the single source, ``python -m coursepkg.course.notebook
FILE...`` writes it into notebooks, and the test suite fails when a notebook's first code
cell differs from it.
"""

from __future__ import annotations

import sys

from coursepkg import __version__
from coursepkg.course.chapters import TENSORFLOW_QUIET_ENV
from coursepkg.course.extra import missing_course_extra

try:
    import nbformat
except ImportError as error:
    raise missing_course_extra(error, "the setup-cell writer") from error

REPOSITORY_URL = "https://github.com/nn-textbook/nn-textbook"
#: The release of the package that the book's notebooks install on Colab: the git tag of
#: the version the book was published with, not whatever the default branch holds that day.
RELEASE_TAG = f"v{__version__}"
#: Cell tag that keeps the setup cell out of the HTML pages; it stays in the notebook and in
#: the downloaded ``.ipynb``.
SETUP_CELL_TAG = "remove-cell"


def install_command(executable: str = sys.executable) -> list[str]:
    """The pip command that installs ``coursepkg`` on Colab (which has its dependencies)."""
    return [executable, "-m", "pip", "install", "--quiet", _requirement()]


def _requirement() -> str:
    return f"coursepkg @ git+{REPOSITORY_URL}@{RELEASE_TAG}"


def setup_cell(tensorflow: bool = False) -> str:
    """Source of a notebook's first code cell.

    Parameters
    ----------
    tensorflow : bool
        Also set the environment variables that keep TensorFlow's C++ logs quiet.
    """
    lines = [
        "# Setup: on Colab, install the book's package coursepkg; elsewhere do nothing.",
        "import os, subprocess, sys" if tensorflow else "import subprocess, sys",
        'if "google.colab" in sys.modules:',
        "    subprocess.run(",
        '        [sys.executable, "-m", "pip", "install", "--quiet",',
        f'         "{_requirement()}"],',
        "        check=True)",
    ]
    if tensorflow:
        quiet = ", ".join(f'"{k}": "{v}"' for k, v in TENSORFLOW_QUIET_ENV.items())
        lines += ["# Quiet TensorFlow's C++ logs; this must come before it is imported.",
                  f"os.environ.update({{{quiet}}})"]
    return "\n".join(lines)


def uses_tensorflow(nb: nbformat.NotebookNode) -> bool:
    """Whether any code cell imports TensorFlow or Keras."""
    markers = ("import tensorflow", "from tensorflow", "import keras", "from keras")
    return any(cell.cell_type == "code" and any(m in cell.source for m in markers)
               for cell in nb.cells)


def first_code_cell(nb: nbformat.NotebookNode):
    """The notebook's first code cell, or ``None``."""
    return next((cell for cell in nb.cells if cell.cell_type == "code"), None)


def expected_setup_cell(nb: nbformat.NotebookNode) -> str:
    """The setup cell this notebook must start with."""
    return setup_cell(tensorflow=uses_tensorflow(nb))


def is_hidden(cell) -> bool:
    """Whether the cell carries the tag that keeps it out of the HTML pages."""
    return SETUP_CELL_TAG in cell.get("metadata", {}).get("tags", [])


def write_setup_cell(path) -> bool:
    """Make the first code cell of the notebook at ``path`` the setup cell.

    Returns ``True`` when the file was changed. A notebook whose first code cell is not a
    setup cell gets a new cell inserted before it.
    """
    nb = nbformat.read(path, as_version=4)
    expected = expected_setup_cell(nb)
    cell = first_code_cell(nb)
    if cell is not None and cell.source == expected and is_hidden(cell):
        return False
    if cell is not None and cell.source.startswith("# Setup: on Colab"):
        cell.source = expected
    else:
        index = nb.cells.index(cell) if cell is not None else len(nb.cells)
        cell = nbformat.v4.new_code_cell(expected)
        nb.cells.insert(index, cell)
    tags = cell.metadata.setdefault("tags", [])
    if SETUP_CELL_TAG not in tags:
        tags.append(SETUP_CELL_TAG)
    nbformat.write(nb, path)
    return True


def main(argv=None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    for path in paths:
        if write_setup_cell(path):
            print(f"updated {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
