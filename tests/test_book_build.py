"""The book builds with zero warnings, and every notebook page has working launch links."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from optional_tools import needs_jupyter_book
from test_notebooks_stored import toc_files

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
