"""The PDF of the book (``bash .ci/build-pdf``): every page of the table of contents is in it,
the chapters carry the numbers the HTML gives them, the figures and the math are rendered,
and the LaTeX run left no errors, missing glyphs or undefined references in its log.

The PDF is rebuilt when a source is newer than ``_build/pdf/book.pdf``; otherwise the
existing one is checked. It needs the book extra (jupyter-book; without it the tests skip),
xelatex, latexmk and poppler's pdftotext, pdfinfo, pdfimages and pdffonts
(``bash .ci/build-pdf --install-only`` installs them on Debian); without those the tests
skip, except under CI, where they fail.
"""

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml
from test_notebooks_stored import toc_files

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "_build" / "pdf" / "book.pdf"
LATEX_LOG = ROOT / "_build" / "pdf" / "_build" / "latex" / "book.log"
SOURCES = [ROOT / name for name in ("book", "exercises", "solutions", "coursepkg",
                                    "_config.yml", "_toc.yml", ".ci/build-pdf", ".ci/latex")]
TOOLS = ("xelatex", "latexmk", "pdftotext", "pdfinfo", "pdfimages", "pdffonts")
# A display equation of chapter 5 and the glyphs unicode-math sets it in (math italic).
KNOWN_FORMULA = ("book/05_logistic_regression.ipynb", r"1 - \sigma(z) = \sigma(-z)",
                 "1−𝜎(𝑧)=𝜎(−𝑧)")


def newest_source_time() -> float:
    times = []
    for source in SOURCES:
        files = source.rglob("*") if source.is_dir() else [source]
        times += [f.stat().st_mtime for f in files if f.is_file()
                  and "__pycache__" not in f.parts and ".ipynb_checkpoints" not in f.parts]
    return max(times)


@pytest.fixture(scope="module")
def pdf() -> Path:
    if importlib.util.find_spec("jupyter_book") is None:
        pytest.skip("needs jupyter-book, which the book extra installs: "
                    "pip install -e '.[book]'")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        reason = (f"the PDF build needs {', '.join(missing)}: "
                  "bash .ci/build-pdf --install-only (Debian TeX Live and poppler-utils)")
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: the PDF must be built)", pytrace=False)
        pytest.skip(reason)
    if not (PDF.exists() and LATEX_LOG.exists()
            and PDF.stat().st_mtime > newest_source_time()):
        result = subprocess.run(["bash", str(ROOT / ".ci" / "build-pdf")], cwd=ROOT,
                                capture_output=True, text=True)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f".ci/build-pdf failed:\n{output[-6000:]}"
        print(output)
    return PDF


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pdf_text(pdf) -> str:
    """The text of the PDF, each run of whitespace one space, typographic quotes plain."""
    text = run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text)


def page_title(page: str) -> str:
    """The first level-1 heading of a page of the table of contents, without markup."""
    path = ROOT / page
    if path.with_suffix(".ipynb").exists():
        nb = nbformat.read(path.with_suffix(".ipynb"), as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    else:
        text = path.with_suffix(".md").read_text()
    heading = re.search(r"^# (.+)$", text, flags=re.M)
    assert heading, f"{page} has no '# ' title"
    return re.sub(r"[`*]", "", heading.group(1)).replace("\u2019", "'").strip()


def numbered_chapters() -> list[tuple[int, str]]:
    """(number, page) of the chapters in the parts that _toc.yml numbers, as the HTML does."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [chapter["file"] for part in toc["parts"] if part.get("numbered")
             for chapter in part["chapters"]]
    return list(enumerate(pages, start=1))


def test_every_page_of_the_table_of_contents_is_in_the_pdf(pdf_text):
    titles = {page: page_title(page) for page in sorted(toc_files())}
    missing = {page: title for page, title in titles.items() if title not in pdf_text}
    assert not missing, f"titles not found in {PDF.name}: {missing}"


def test_chapters_carry_the_numbers_of_the_html_book(pdf_text):
    """Prose says "chapter 7"; the PDF's running head says "Chapter 7." on the same one."""
    chapters = numbered_chapters()
    assert len(chapters) >= 13
    wrong = [f"Chapter {number}. {page_title(page)}" for number, page in chapters
             if f"Chapter {number}. {page_title(page)}" not in pdf_text]
    assert not wrong, f"running heads not found in {PDF.name}: {wrong}"
    first_unnumbered = page_title(yaml.safe_load((ROOT / "_toc.yml").read_text())
                                  ["parts"][0]["chapters"][0]["file"])
    assert f"Chapter 1. {first_unnumbered}" not in pdf_text


def png_outputs() -> int:
    """The PNG outputs of the chapter notebooks that the book shows (not tagged remove-*)."""
    count = 0
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            tags = cell.get("metadata", {}).get("tags", [])
            if cell.cell_type != "code" or {"remove-cell", "remove-output"} & set(tags):
                continue
            count += sum("image/png" in out.get("data", {}) for out in cell.outputs)
    return count


def test_every_figure_is_embedded(pdf):
    expected = png_outputs()
    assert expected > 0, "the chapter notebooks have no PNG outputs"
    listing = run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    images = [line for line in listing if line.split()[2] == "image"]
    assert len(images) >= expected, (
        f"{len(images)} images in {PDF.name}, the chapters show {expected} PNG figures")


def markdown_math_and_code():
    """TeX control words used in the math of markdown cells, and all code-like text."""
    math, code = set(), []
    for folder in ("book", "exercises", "solutions"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type != "markdown":
                    code.append(cell.source)
                    code += [str(out) for out in cell.get("outputs", [])]
                    continue
                spans = re.findall(r"```.*?```|`[^`\n]*`", cell.source, flags=re.S)
                code += spans
                prose = re.sub(r"```.*?```|`[^`\n]*`", "", cell.source, flags=re.S)
                for formula in re.findall(r"\$\$(.*?)\$\$|\$([^$]+)\$", prose, flags=re.S):
                    math.update(re.findall(r"\\[A-Za-z]+", "".join(formula)))
    code += [p.read_text() for p in sorted((ROOT / "book").rglob("*.md"))]
    code += [p.read_text() for p in sorted((ROOT / "coursepkg").rglob("*.py"))]
    return math, "\n".join(code)


def test_math_is_typeset_not_printed_as_tex(pdf, pdf_text):
    math, code = markdown_math_and_code()
    # Control words that only the math uses (not code, outputs or docstrings) must not
    # survive into the text: if they do, a formula was printed as TeX source.
    only_math = sorted(word for word in math if word not in code)
    assert len(only_math) >= 20, f"too few math-only control words to check: {only_math}"
    leaked = [word for word in only_math
              if re.search(re.escape(word) + r"(?![A-Za-z])", pdf_text)]
    assert not leaked, f"TeX source in the text of {PDF.name}: {leaked}"
    assert "$$" not in pdf_text or "$$" in code
    fonts = run("pdffonts", str(pdf))
    assert "LatinModernMath" in fonts, f"no math font embedded in {PDF.name}:\n{fonts}"
    notebook, source, glyphs = KNOWN_FORMULA
    assert source in (ROOT / notebook).read_text().replace("\\\\", "\\"), (
        f"{notebook} no longer has the formula {source}; choose another one")
    assert glyphs in pdf_text.replace(" ", ""), f"{source} not typeset as {glyphs}"


def test_latex_log_has_no_errors_missing_glyphs_or_undefined_references(pdf):
    log = LATEX_LOG.read_text(errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("! ")]
    assert not errors, f"LaTeX errors in {LATEX_LOG}: {errors[:20]}"
    missing = sorted(set(re.findall(r"Missing character: There is no .*", log)))
    assert not missing, f"characters without a glyph in the fonts:\n" + "\n".join(missing[:40])
    undefined = sorted(set(re.findall(
        r"LaTeX Warning: (?:Reference|Citation) .* undefined", log)))
    assert not undefined, "\n".join(undefined[:40])
    pages = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), flags=re.M).group(1))
    assert pages > 100, f"{PDF.name} has only {pages} pages"
