"""Every module of coursepkg has its place in the API reference of the book."""

import pkgutil
import re
from pathlib import Path

import coursepkg

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "book" / "reference"


def documented_modules():
    text = "\n".join(page.read_text() for page in REFERENCE.glob("*.md"))
    return set(re.findall(r"\.\. automodule:: (coursepkg[\w.]*)", text))


def test_every_module_has_a_reference_entry():
    modules = {m.name for m in pkgutil.walk_packages(coursepkg.__path__, "coursepkg.")}
    missing = sorted(modules - documented_modules())
    assert not missing, (f"modules without an automodule entry under book/reference/: {missing}; "
                         "add a page (and a line in book/reference/index.md)")


def test_every_reference_page_is_linked_from_the_index():
    index = (REFERENCE / "index.md").read_text()
    pages = sorted(p.stem for p in REFERENCE.glob("*.md") if p.stem != "index")
    unlinked = [page for page in pages if page not in index]
    assert not unlinked, f"reference pages not named in book/reference/index.md: {unlinked}"
