"""The book builds with zero warnings, and every notebook page has working launch links."""

import html
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from optional_tools import needs_jupyter_book
from test_notebooks_stored import toc_files

from coursepkg.course.notebook import SETUP_CELL_TAG, expected_setup_cell, first_code_cell

pytestmark = needs_jupyter_book

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO = CONFIG["repository"]["url"].removeprefix("https://github.com/")
BRANCH = CONFIG["repository"]["branch"]


@pytest.fixture(scope="module")
def build_log():
    """Build the whole book from scratch (``--all``), as readers' builds and CI do."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book) if jupyter_book.exists() else "jupyter-book",
               "build", str(ROOT), "--all", "-W", "-n", "--keep-going"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"jupyter-book build failed:\n{log[-6000:]}"
    return log


def test_book_builds_without_warnings(build_log):
    warnings = [line for line in build_log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "\n".join(warnings)
    assert (HTML / "index.html").exists()


def notebook_pages():
    return sorted(f for f in toc_files() if (ROOT / f).with_suffix(".ipynb").exists())


@pytest.mark.parametrize("page", notebook_pages())
def test_notebook_pages_have_launch_and_download_buttons(build_log, page):
    html = (HTML / page).with_suffix(".html").read_text()
    colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{page}.ipynb"
    binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/{page}.ipynb"
    assert colab in html, f"no Colab link {colab} in {page}.html"
    assert binder in html, f"no Binder link {binder} in {page}.html"
    assert f"_sources/{page}.ipynb" in html, f"no download link for {page}.ipynb"


def test_reference_pages_describe_every_field(build_log):
    """A NamedTuple field without a ``#:`` comment shows Python's "Alias for field number 0"."""
    pages = sorted((HTML / "book" / "reference").glob("*.html"))
    assert pages, "no reference pages were built"
    undocumented = [page.name for page in pages if "Alias for field number" in page.read_text()]
    assert not undocumented, f"NamedTuple fields without a description on {undocumented}"


def page_text(path: Path) -> str:
    """The text of an HTML page, without its tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


@pytest.mark.parametrize("page", notebook_pages())
def test_setup_cell_is_hidden_in_the_page_and_kept_in_the_download(build_log, page):
    """The Colab setup cell carries the remove-cell tag: not on the page, in the .ipynb."""
    expected = expected_setup_cell(nbformat.read(ROOT / f"{page}.ipynb", as_version=4))
    assert expected.splitlines()[0] not in page_text((HTML / page).with_suffix(".html"))
    download = nbformat.read(HTML / "_sources" / f"{page}.ipynb", as_version=4)
    cell = first_code_cell(download)
    assert cell.source == expected, f"the download of {page} does not start with the setup cell"
    assert SETUP_CELL_TAG in cell.metadata.get("tags", [])


def test_pages_load_mathjax_from_the_site(build_log):
    """MathJax is copied into the site and every page loads it from there, not from a CDN."""
    mathjax = HTML / "_static" / "mathjax"
    assert (mathjax / "tex-chtml.js").is_file(), "MathJax was not copied into the site"
    assert list((mathjax / "output" / "chtml" / "fonts").rglob("*.woff")), "no MathJax fonts"
    with_math, wrong = 0, {}
    for path in sorted(HTML.rglob("*.html")):
        text = path.read_text()
        sources = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', text)
        local = [src for src in sources if "//" not in src
                 and (path.parent / src.split("?")[0]).resolve().is_file()]
        has_math = 'class="math' in text
        with_math += has_math
        if local != sources or (has_math and not local):
            wrong[str(path.relative_to(HTML))] = sources
    assert with_math >= 13, f"only {with_math} pages with math"
    assert not wrong, f"pages that do not load MathJax from _static/mathjax/: {wrong}"


def test_exercises_and_solutions_are_named_after_their_chapter(build_log):
    """Exercises and solutions are unnumbered parts of the table of contents (not sections
    "7.14", "7.15" of their chapter), each page titled "Chapter N: <title of chapter N>"
    where N is the number the chapter's own page carries."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    parts = {part.get("caption"): part for part in toc["parts"]}
    for caption, folder in (("Exercises", "exercises"), ("Solutions", "solutions")):
        assert caption in parts, f"no part {caption!r} in _toc.yml"
        assert not parts[caption].get("numbered"), f"the part {caption!r} is numbered"
        entries = parts[caption]["chapters"]
        notebooks = sorted(f"{folder}/{path.stem}" for path in (ROOT / folder).glob("*.ipynb"))
        assert [entry["file"] for entry in entries] == notebooks
        for entry in entries:
            chapter = HTML / "book" / f"{Path(entry['file']).name}.html"
            heading = re.search(r'<h1><span class="section-number">(\d+)\. </span>(.*?)<a ',
                                chapter.read_text())
            assert heading, f"{chapter.name} has no numbered title"
            number, title = heading.group(1), html.unescape(re.sub(r"<[^>]+>", "",
                                                                   heading.group(2)))
            assert entry.get("title") == f"Chapter {number}: {title}", entry
            page = (HTML / entry["file"]).with_suffix(".html").read_text()
            assert not re.search(r'<h[1-6]><span class="section-number">', page),                 f"{entry['file']} is numbered"
