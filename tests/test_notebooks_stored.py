"""Every notebook is stored executed: in order, from a clean kernel, with clean outputs.

nbval (run on every notebook by the same test command) re-executes the notebooks and compares
their outputs with these stored ones; the checks here catch what nbval cannot see: a notebook
stored without outputs, executed out of order, or not listed in the table of contents.
"""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from coursepkg.course.notebook import expected_setup_cell, first_code_cell, is_hidden

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = ("book", "exercises", "solutions")
NOTEBOOKS = sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]
# Text that would differ between machines or leak a local path into the published book.
MACHINE_SPECIFIC = re.compile(r"(/root/|/home/\w|/tmp/|/work/|site-packages|\bat 0x[0-9a-f]+)")


def _toc_files(entries):
    for entry in entries:
        if "file" in entry:
            yield entry["file"]
        for key in ("sections", "chapters", "parts"):
            yield from _toc_files(entry.get(key, []))


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return {toc["root"], *_toc_files(toc.get("parts", []) + toc.get("chapters", []))}


def output_text(output) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    return "\n".join(v for k, v in output.get("data", {}).items() if k.startswith("text/"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_in_order_from_a_clean_kernel(path):
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code" and cell.source.strip()]
    counts = [cell.execution_count for cell in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(code)}; re-run the notebook "
        f"from a clean kernel (jupyter nbconvert --to notebook --execute --inplace)")
    assert any(cell.outputs for cell in code), f"{path.name} is stored without outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_are_clean(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        # A cell whose output is machine-dependent (timings, progress bars) is marked so;
        # only there may stderr (a tqdm bar) appear. The book removes stderr when rendering.
        volatile = cell.get("source", "").startswith("# NBVAL_IGNORE_OUTPUT")
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{path.name} cell {index} stores a traceback"
            assert volatile or not (output.output_type == "stream" and output.name == "stderr"), (
                f"{path.name} cell {index} stores stderr: {output.text[:200]!r}")
            match = MACHINE_SPECIFIC.search(output_text(output))
            assert match is None, f"{path.name} cell {index} prints machine-specific text {match[0]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_starts_with_the_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    cell = first_code_cell(nb)
    assert cell.source == expected_setup_cell(nb) and is_hidden(cell), (
        f"{path.name}: the first code cell is not the generated setup cell, tagged to be "
        f"hidden; run  python -m coursepkg.course.notebook {path.relative_to(ROOT)}")


def test_every_page_is_in_the_table_of_contents():
    pages = {str(p.relative_to(ROOT).with_suffix("")) for d in NOTEBOOK_DIRS
             for p in (ROOT / d).rglob("*") if p.suffix in (".ipynb", ".md")
             and ".ipynb_checkpoints" not in p.parts}
    missing = sorted(pages - toc_files())
    assert not missing, f"pages not listed in _toc.yml: {missing}"
    dangling = sorted(f for f in toc_files() if not any(
        (ROOT / f).with_suffix(s).exists() for s in (".ipynb", ".md")))
    assert not dangling, f"_toc.yml lists pages that do not exist: {dangling}"
