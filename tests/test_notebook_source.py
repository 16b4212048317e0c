"""The book prints the source of public functions only.

A notebook that shows ``inspect.getsource(MLPClassifier._backward)`` ties the page to a
private detail: the next refactor changes the book, and the reader sees code written for the
package rather than for the page. Every ``getsource`` call in a notebook must name a public
object: no part of its dotted name starts with an underscore (dunder methods such as
``Value.__mul__`` are public operators and are allowed).
"""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("book", "solutions", "exercises")
                   for p in (ROOT / folder).glob("*.ipynb"))


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _private(name: str) -> bool:
    return any(part.startswith("_") and not (part.startswith("__") and part.endswith("__"))
               for part in name.split("."))


def private_sources(source: str) -> list[str]:
    """Dotted names of private objects whose source ``source`` prints."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: not this test's business
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args \
                and (_dotted(node.func) or "").split(".")[-1] in ("getsource", "getsourcelines"):
            name = _dotted(node.args[0])
            if name is None or _private(name):
                found.append(name or ast.unparse(node.args[0]))
    return found


def test_the_scan_recognises_private_names():
    assert private_sources("print(inspect.getsource(MLPClassifier._backward))") \
        == ["MLPClassifier._backward"]
    assert private_sources("inspect.getsource(Value.__mul__)") == []
    assert private_sources("inspect.getsource(backprop.backward)") == []
    assert private_sources("inspect.getsourcelines(m._step)") == ["m._step"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebooks_print_only_public_source(path):
    nb = nbformat.read(path, as_version=4)
    offenders = [f"cell {i}: {name}" for i, cell in enumerate(nb.cells)
                 if cell.cell_type == "code" for name in private_sources(cell.source)]
    assert not offenders, f"{path.name} prints the source of private names: {offenders}"
