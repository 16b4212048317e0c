"""The student edition, ``python tools/build_edition.py student``: the book without
``solutions/``, for a graded course.

The edition is built once, from scratch and with warnings as errors, into its own folder
(``_build/student/``), so the full book in ``_build/html`` is left alone. Checked: the build
has no warnings; no file of the site comes from ``solutions/`` and no notebook offered for
download is a master with its solutions; no page links to, or loads, anything in
``solutions/`` (on the site, on GitHub, Colab or Binder); the search index holds exactly the
pages of the edition: every page of the book's table of contents except the solutions, every
exercise page among them. Headless Chromium then starts from the front page, follows every
local link, and must reach every page of the edition, none of the solutions and no missing
file; the search page finds the exercises and no solution. On 2 cores the build takes 40 to
60 s and the browser 35 to 40 s.

Needs jupyter-book, and for the browser Chromium and playwright (as ``tests/test_browser.py``,
whose helpers it uses); without them it skips, except when ``CI`` is set, where it fails.
"""

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from optional_tools import BOOK_REASON, HAS_JUPYTER_BOOK
from scripts import load_script
from test_browser import (
    Tab,
    broken_links,
    offline_browser,
    served,
    toc_root,
    unavailable,
)
from test_notebooks_stored import toc_files

from coursepkg.course.exercises import CODE_BEGIN

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "build_edition.py"
EDITION, LEFT_OUT = "student", "solutions"
MASTERS = sorted((ROOT / LEFT_OUT).glob("*.ipynb"))
EXERCISES = sorted(f"exercises/{path.stem}" for path in (ROOT / "exercises").glob("*.ipynb"))


def in_left_out_folder(path: str) -> bool:
    """Whether the path of a URL, or of a file of the site, lies in ``solutions/``."""
    return LEFT_OUT in PurePosixPath(unquote(urlsplit(path).path)).parts


# The pages of the edition: the book's table of contents without the solutions.
PAGES = sorted(page for page in toc_files() if not in_left_out_folder(page))


def edition_script():
    return load_script(str(SCRIPT.relative_to(ROOT)), "build_edition")


def test_the_edition_has_something_to_leave_out():
    """The full book lists a solution page for every master, so the checks below that find
    no solution in the edition have something to look for."""
    assert MASTERS, f"no notebooks in {LEFT_OUT}/"
    assert EXERCISES and set(EXERCISES) <= set(PAGES)
    listed = {page for page in toc_files() if in_left_out_folder(page)}
    assert listed == {f"{LEFT_OUT}/{path.stem}" for path in MASTERS}


@pytest.fixture(scope="module")
def build_log():
    """Build the edition from scratch with the documented command, warnings as errors."""
    if not HAS_JUPYTER_BOOK:
        unavailable(BOOK_REASON)
    command = [sys.executable, str(SCRIPT), EDITION, "--all", "-W", "-n", "--keep-going"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command[1:])} failed:\n{log[-6000:]}"
    return log


@pytest.fixture(scope="module")
def site(build_log) -> Path:
    html = edition_script().html_dir(EDITION)
    assert (html / "index.html").is_file(), f"no {html}/index.html"
    return html


def test_edition_builds_without_warnings(build_log):
    warnings = [line for line in build_log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "\n".join(warnings)


def test_no_file_of_the_site_comes_from_the_solutions(site):
    files = sorted(path.relative_to(site).as_posix() for path in site.rglob("*")
                   if path.is_file())
    from_left_out = [name for name in files if in_left_out_folder(name)]
    assert not from_left_out, f"files from {LEFT_OUT}/ in the site: {from_left_out}"
    masters = {path.read_bytes() for path in MASTERS}
    notebooks = sorted(site.rglob("*.ipynb"))
    assert len(notebooks) >= len(EXERCISES), "the exercise notebooks are not offered"
    with_solutions = [str(path.relative_to(site)) for path in notebooks
                      if path.read_bytes() in masters or CODE_BEGIN in path.read_text()]
    assert not with_solutions, f"notebooks with solutions in the site: {with_solutions}"


class LinkCollector(HTMLParser):
    """Every ``href`` and ``src`` of a page."""

    def __init__(self):
        super().__init__()
        self.targets = []

    def handle_starttag(self, tag, attrs):
        self.targets += [value for name, value in attrs if name in ("href", "src") and value]


def test_no_page_links_into_the_solutions(site):
    """Neither on the site nor elsewhere (a Colab, Binder or GitHub link to a master)."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= len(PAGES)
    found = {}
    for path in pages:
        collector = LinkCollector()
        collector.feed(path.read_text(errors="replace"))
        url = f"https://site.invalid/{path.relative_to(site).as_posix()}"
        into = sorted({target for target in collector.targets
                       if in_left_out_folder(urljoin(url, target))})
        if into:
            found[str(path.relative_to(site))] = into
    assert not found, f"links into {LEFT_OUT}/: {found}"


def test_search_index_holds_exactly_the_pages_of_the_edition(site):
    text = (site / "searchindex.js").read_text()
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    indexed = sorted(index["docnames"])
    assert indexed == PAGES, (f"indexed but not pages of the edition: "
                              f"{sorted(set(indexed) - set(PAGES))}; pages not indexed: "
                              f"{sorted(set(PAGES) - set(indexed))}")
    assert not [name for name in index["filenames"] if in_left_out_folder(name)]


def test_every_page_of_the_edition_is_there(site):
    missing = [f"{page}.html" for page in PAGES if not (site / f"{page}.html").is_file()]
    missing += [f"_sources/{page}.ipynb" for page in EXERCISES
                if not (site / "_sources" / f"{page}.ipynb").is_file()]
    assert not missing, f"missing from the edition: {missing}"


# ------------------------------------------------------------------------------ in the browser

# Every href and src of the page, as absolute URLs.
TARGETS = """() => [...document.querySelectorAll('[href], [src]')].flatMap(e =>
  ['href', 'src'].map(name => e.getAttribute(name)).filter(value => value)
    .map(value => { try { return new URL(value, document.baseURI).href; }
                    catch (error) { return value; } }))"""
SEARCH_DONE = """() => {
  const summary = document.querySelector('#search-results .search-summary');
  return summary !== null && summary.innerText.includes('found');
}"""
SEARCH_WORD = "chapter"  # in the title of every exercise (and every solution) page


def page_of(url: str, base: str) -> str | None:
    """The page (``book/intro``) a local URL opens, or None when it is not a page."""
    if not url.startswith(base):
        return None
    path = unquote(urlsplit(url).path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path.removesuffix(".html") if path.endswith(".html") else None


def walk(tab: Tab, base: str, site: Path) -> dict:
    """Open the front page, then every local page it links to, and so on."""
    start = toc_root()
    queue, seen = [start], {start}
    targets, broken = {}, {}
    while queue:
        page = queue.pop(0)
        found = tab.open(f"{base}{page}.html").page.evaluate(TARGETS)
        broken.update({link: page for link in broken_links(found, base, site)})
        for url in found:
            targets.setdefault(url, page)
            linked = page_of(url, base)
            if linked is not None and linked not in seen and (site / f"{linked}.html").is_file():
                seen.add(linked)
                queue.append(linked)
    return {"pages": seen, "targets": targets, "broken": broken}


def search(tab: Tab, base: str, word: str) -> list[str]:
    """The pages that the search page lists for ``word``."""
    browser = tab.open(f"{base}search.html?q={word}").page
    browser.wait_for_function(SEARCH_DONE)
    hrefs = browser.eval_on_selector_all("#search-results ul.search li a",
                                         "links => links.map(a => a.href)")
    return sorted({page_of(href, base) or href for href in hrefs})


def links_only(route):
    """The walk is after links: it loads the pages and their scripts, not what only shows
    them (images, fonts, style sheets, MathJax), which halves its time. How the pages look
    is tests/test_browser.py's business."""
    request = route.request
    if request.resource_type in ("image", "font", "media", "stylesheet") or \
            "/_static/mathjax/" in request.url:
        return route.abort()
    return route.fallback()


@pytest.fixture(scope="module")
def in_browser(site):
    with served(site) as base, offline_browser(base, site) as context:
        tab = Tab(context)
        tab.page.route("**/*", links_only)
        try:
            seen = walk(tab, base, site)
            seen["search"] = search(tab, base, SEARCH_WORD)
        finally:
            tab.close()
    return seen


def test_browser_reaches_every_page_and_no_solution(in_browser):
    reached = in_browser["pages"]
    assert not [page for page in PAGES if page not in reached], "pages the walk did not reach"
    into = {url: page for url, page in in_browser["targets"].items() if in_left_out_folder(url)}
    assert not into, f"links into {LEFT_OUT}/ (link: on page): {into}"
    assert not [page for page in reached if in_left_out_folder(page)], "solution pages reached"
    assert not in_browser["broken"], f"broken links (link: on page): {in_browser['broken']}"


def test_search_finds_the_exercises_and_no_solution(in_browser):
    results = in_browser["search"]
    assert set(EXERCISES) <= set(results), f"the search for {SEARCH_WORD!r} found {results}"
    assert not [page for page in results if in_left_out_folder(page)], results
