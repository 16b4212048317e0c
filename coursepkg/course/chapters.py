"""What names a chapter, in one place: its id, the notebook metadata and TensorFlow's quiet logs.

A chapter's id is ``"ch"`` and two digits (``"ch07"``). A notebook tells its chapter in three
ways, tried in this order by :func:`chapter_of_notebook`: the metadata the exercise generator
writes under :data:`METADATA_KEY`, an import of the chapter's check module, and a file name
that starts with the chapter number (``07_backprop.ipynb``).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["METADATA_KEY", "TENSORFLOW_QUIET_ENV", "is_chapter_id", "chapter_of_path",
           "chapter_of_source", "chapter_of_notebook"]

#: Notebook metadata key holding what the grader needs (the chapter).
METADATA_KEY = "coursepkg"
#: Environment that silences TensorFlow's C++ logs; it must be set before the import.
TENSORFLOW_QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}

_ID = re.compile(r"ch\d\d")
_FILE = re.compile(r"(\d\d)_")
_CHECK_IMPORT = re.compile(r"coursepkg\.course\.checks(?:\s+import\s+|\.)(ch\d\d)\b")


def is_chapter_id(value) -> bool:
    """Whether ``value`` is a chapter id such as ``"ch07"``."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def chapter_of_path(path) -> str | None:
    """``"ch07"`` for ``07_backprop.ipynb`` (any folder); ``None`` for a name without it."""
    match = _FILE.match(Path(path).name)
    return f"ch{match[1]}" if match else None


def chapter_of_source(source: str) -> str | None:
    """The chapter whose check module ``source`` imports, e.g.
    ``from coursepkg.course.checks import ch07``; ``None`` if it imports none."""
    match = _CHECK_IMPORT.search(source)
    return match[1] if match else None


def chapter_of_notebook(nb, path=None) -> str | None:
    """The chapter of a notebook (a dict or ``nbformat`` node), or ``None`` when nothing tells.

    Tries the metadata, then an import of a check module in a code cell, then the file name,
    so a renamed notebook is still found.
    """
    nb = nb or {}
    chapter = nb.get("metadata", {}).get(METADATA_KEY, {}).get("chapter")
    if is_chapter_id(chapter):
        return chapter
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            found = chapter_of_source(cell.get("source", ""))
            if found:
                return found
    return chapter_of_path(path) if path is not None else None
