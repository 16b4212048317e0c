"""The book's promise (intro.md): every derivation is checked by a computation after it.

A derivation is a markdown cell with a display equation of two or more steps (two ``=``
or an ``aligned`` block). Among the next four code cells, before the next section heading,
one must check something: an ``assert`` or a ``np.testing`` comparison.
"""

import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))
DISPLAY = re.compile(r"\$\$(.*?)\$\$", re.S)
CHECK = re.compile(r"\bassert\b|np\.testing\.")
WINDOW = 4


def is_derivation(markdown):
    return any(block.count("=") >= 2 or r"\begin{aligned}" in block
               for block in DISPLAY.findall(markdown))


def unchecked_derivations(cells):
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or not is_derivation("".join(cell["source"])):
            continue
        code = []
        for later in cells[index + 1:]:
            text = "".join(later["source"])
            if later["cell_type"] == "markdown" and re.match(r"#{1,2} ", text):
                break
            if later["cell_type"] == "code":
                code.append(text)
            if len(code) == WINDOW:
                break
        if not any(CHECK.search(text) for text in code):
            yield index, "".join(cell["source"])[:70]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.stem)
def test_every_derivation_is_followed_by_a_check(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    missing = list(unchecked_derivations(cells))
    assert not missing, f"{path.name}: derivations with no check after them: {missing}"


def test_the_rule_finds_derivations():
    cells = [{"cell_type": "markdown", "source": ["$$\na = b = c\n$$"]},
             {"cell_type": "code", "source": ["print(1)"]}]
    assert list(unchecked_derivations(cells))
    cells.append({"cell_type": "code", "source": ["assert 1 == 1"]})
    assert not list(unchecked_derivations(cells))
    assert sum(is_derivation("".join(c["source"])) for path in CHAPTERS
               for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
               if c["cell_type"] == "markdown") >= 50
