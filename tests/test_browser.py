"""The book as a reader's browser shows it: headless Chromium walks every page of the table
of contents.

On every page: no JavaScript console error, math typeset by MathJax (no raw TeX left in the
text), every image loaded, every link to a local page or anchor resolving. On every notebook
page: Binder and Colab links to that notebook, and a download button. The search page finds
"backpropagation". Screenshots of three pages go to ``_build/screenshots/``.

The machine has no internet: the HTML is served from ``_build/html`` on 127.0.0.1, requests for
MathJax are answered from a local copy of the npm package ``mathjax@3`` (``.ci/run`` installs
it), and every other outside request is refused and reported. The test needs Python's
``playwright`` and Debian's ``chromium``; without them it skips, except when ``CI`` is set, where
it fails.
"""

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from test_notebooks_stored import toc_files

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO = CONFIG["repository"]["url"].removeprefix("https://github.com/")
BRANCH = CONFIG["repository"]["branch"]
# What the build reads: the HTML is stale when any of these is newer than it.
SOURCES = ("_config.yml", "_toc.yml", "book", "exercises", "solutions", "coursepkg")

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
# A MathJax 3 URL on a CDN, e.g. https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js;
# the group is the file's path inside the npm package.
MATHJAX_URL = re.compile(r"^https://[^/]+/(?:npm/)?mathjax@3[^/]*/(.+)$")
# TeX that MathJax should have replaced: display delimiters, inline \( \[, common commands.
RAW_TEX = re.compile(r"\$\$|\\[(\[]|\\(frac|sum|begin|partial|mathbf|sigma)\b")
PAGE_TIMEOUT_MS = 30_000
# Console errors that come from the toolchain, not from the book: jupyter-book 1.0.4 with
# sphinx-thebe 0.3.1 writes sphinx-thebe's configuration script (``const THEBE_JS_URL = ...``)
# twice into every page, and the second copy raises a SyntaxError. Thebe is not enabled, so a
# reader loses nothing. Matched exactly, so that any other error still fails.
TOOLCHAIN_ERRORS = re.compile(r"^uncaught: (SyntaxError: )?Identifier 'THEBE_JS_URL' has "
                              r"already been declared$")


def mathjax_dir() -> Path:
    """The ``mathjax`` npm package: ``$COURSEPKG_MATHJAX`` or ``.ci/run``'s cache folder."""
    if "COURSEPKG_MATHJAX" in os.environ:
        return Path(os.environ["COURSEPKG_MATHJAX"])
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "coursepkg" / "npm" / "node_modules" / "mathjax"


def chromium_path() -> str | None:
    """``$CHROMIUM`` if set, else Debian's ``chromium`` on the PATH; None when not there."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    return path if path and os.access(path, os.X_OK) else None


def unavailable(reason: str):
    """Skip on a reader's machine; fail in CI, where the browser must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser test must run)", pytrace=False)
    pytest.skip(reason)


def toc_root() -> str:
    return yaml.safe_load((ROOT / "_toc.yml").read_text())["root"]


def pages() -> list[str]:
    """Every page of the table of contents, in a stable order."""
    return sorted(toc_files())


def is_notebook(page: str) -> bool:
    return (ROOT / page).with_suffix(".ipynb").exists()


# --------------------------------------------------------------------------- the book, served

def html_is_stale() -> bool:
    index = HTML / "index.html"
    if not index.exists():
        return True
    built = index.stat().st_mtime
    for name in SOURCES:
        path = ROOT / name
        files = path.rglob("*") if path.is_dir() else [path]
        if any(f.is_file() and f.stat().st_mtime > built and "__pycache__" not in f.parts
               for f in files):
            return True
    return False


@pytest.fixture(scope="module")
def html():
    """``_build/html``: the one tests/test_book_build.py built if it is up to date, else a
    build made now (warnings are that test's business, not this one's)."""
    if html_is_stale():
        jupyter_book = Path(sys.executable).with_name("jupyter-book")
        command = [str(jupyter_book) if jupyter_book.exists() else "jupyter-book",
                   "build", str(ROOT)]
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 0, f"jupyter-book build failed:\n{result.stdout[-4000:]}"
    return HTML


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server(html):
    """Base URL of ``_build/html`` served on 127.0.0.1 by a thread."""
    handler = functools.partial(QuietHandler, directory=str(html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


# --------------------------------------------------------------------------------- the browser

class OfflineRoutes:
    """Answers the page's requests: local ones pass, MathJax comes from the npm package, any
    other outside request is refused and remembered."""

    def __init__(self, base: str, mathjax: Path):
        self.base = base
        self.mathjax = mathjax
        self.refused: set[str] = set()
        self.answered = 0

    def __call__(self, route):
        url = route.request.url
        self.answered += 1
        if url.startswith(self.base) or url.startswith("data:"):
            return route.continue_()
        match = MATHJAX_URL.match(url.split("?")[0])
        if match:
            path = self.mathjax / match.group(1)
            if path.is_file():
                return route.fulfill(path=str(path))
        self.refused.add(url)
        return route.abort()


@pytest.fixture(scope="module")
def browser_context(server):
    chromium = chromium_path()
    if chromium is None:
        unavailable("no chromium executable (Debian: apt-get install chromium, or set CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Python package playwright is not installed (pip install playwright)")
    mathjax = mathjax_dir()
    if not (mathjax / "es5" / "tex-mml-chtml.js").is_file():
        unavailable(f"no local MathJax 3 in {mathjax} (npm install mathjax@3, see .ci/run)")

    routes = OfflineRoutes(server, mathjax)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        context.route("**/*", routes)
        context.routes = routes
        yield context
        context.close()


class Visit:
    """One page opened in the browser, with the console errors it produced."""

    def __init__(self, context, url: str):
        self.errors: list[str] = []
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", self._uncaught)
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
        # MathJax typesets after the load event; wait until it is done.
        self.page.evaluate("""() => window.MathJax && MathJax.startup && MathJax.startup.promise
                              ? MathJax.startup.promise.then(() => true) : false""")

    def _uncaught(self, error):
        text = f"uncaught: {error}"
        if not TOOLCHAIN_ERRORS.match(text):
            self.errors.append(text)

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def close(self):
        self.page.close()


def visit(context, server, page):
    return Visit(context, f"{server}{page}.html")


# ---------------------------------------------------------------------------- what is checked

class IdCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def anchors_in(path: Path) -> frozenset:
    collector = IdCollector()
    collector.feed(path.read_text(errors="replace"))
    return frozenset(collector.ids)


def broken_links(hrefs: list[str], server: str, html: Path) -> list[str]:
    """The local links among ``hrefs`` (absolute URLs) whose file or anchor does not exist."""
    broken = []
    for href in sorted(set(hrefs)):
        if not href.startswith(server):
            continue
        parts = urlsplit(href)
        target = html / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href} (no file)")
        elif parts.fragment and target.suffix == ".html" and \
                unquote(parts.fragment) not in anchors_in(target):
            broken.append(f"{href} (no anchor #{parts.fragment})")
    return broken


VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, mjx-container, .highlight, .output')
      .forEach(e => e.remove());
  return body.innerText;
}"""

IMAGES = """async () => {
  const images = [...document.images];
  await Promise.all(images.map(i => i.complete ? null
      : new Promise(done => { i.onload = i.onerror = done; })));
  return images.map(i => ({src: i.currentSrc || i.src, width: i.naturalWidth}));
}"""


@pytest.mark.parametrize("page", pages())
def test_page_as_a_reader_sees_it(browser_context, server, html, page):
    problems = []
    opened = visit(browser_context, server, page)
    try:
        browser = opened.page
        problems += [f"console error: {error}" for error in opened.errors]

        math_elements = browser.locator("span.math, div.math").count()
        typeset = browser.locator("mjx-container").count()
        if math_elements and typeset < math_elements:
            problems.append(f"MathJax typeset {typeset} of {math_elements} formulas")
        text = browser.evaluate(VISIBLE_TEXT)
        raw = sorted({match.group(0) for match in RAW_TEX.finditer(text)})
        if raw:
            where = RAW_TEX.search(text).start()
            problems.append(f"raw TeX in the text: {raw}, e.g. {text[where - 40:where + 40]!r}")

        for image in browser.evaluate(IMAGES):
            if image["width"] == 0:
                problems.append(f"image does not load: {image['src']}")

        hrefs = browser.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        problems += [f"broken link: {link}" for link in broken_links(hrefs, server, html)]

        if is_notebook(page):
            colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{page}.ipynb"
            binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/{page}.ipynb"
            download = f"{server}_sources/{page}.ipynb"
            for name, url in (("Colab", colab), ("Binder", binder), ("download", download)):
                if url not in hrefs:
                    problems.append(f"no {name} link {url}")
            if download in hrefs and broken_links([download], server, html):
                problems.append(f"the download link {download} does not resolve")
    finally:
        opened.close()
    assert not problems, f"{page}.html:\n  " + "\n  ".join(problems)


def test_no_outside_request_was_needed(browser_context, server):
    """Outside requests other than MathJax were refused; a page that needs one (a font, a
    script from a CDN) would look different for a reader offline and is reported here."""
    if browser_context.routes.answered == 0:  # run alone: open the front page at least
        visit(browser_context, server, toc_root()).close()
    assert browser_context.routes.answered > 0
    refused = sorted(browser_context.routes.refused)
    assert not refused, "requests outside the book:\n  " + "\n  ".join(refused)


def test_search_finds_backpropagation(browser_context, server):
    opened = Visit(browser_context, f"{server}search.html?q=backpropagation")
    try:
        results = opened.page.locator("#search-results ul.search li")
        results.first.wait_for()
        titles = results.all_inner_texts()
        assert opened.errors == []
    finally:
        opened.close()
    assert any("backprop" in title.lower() for title in titles), titles


def representative_pages() -> list[str]:
    """The front page, the chapter notebook in the middle of the book, the last page listed
    under book/reference/ or, failing that, the last page of the table of contents."""
    toc = pages()
    chapters = sorted(p for p in toc if p.startswith("book/") and is_notebook(p))
    reference = [p for p in toc if p.startswith("book/reference/")]
    chosen = [toc_root(), chapters[len(chapters) // 2] if chapters else toc[0],
              reference[-1] if reference else toc[-1]]
    return list(dict.fromkeys(chosen))


def test_screenshots(browser_context, server):
    """Screenshots for a person to look at: the top of each page and, on a chapter, its first
    figure."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken = []
    for number, page in enumerate(representative_pages(), start=1):
        opened = visit(browser_context, server, page)
        try:
            name = f"{number:02d}-{page.replace('/', '-')}"
            opened.page.screenshot(path=SCREENSHOTS / f"{name}.png")
            taken.append(SCREENSHOTS / f"{name}.png")
            figure = opened.page.locator("div.cell_output img, figure img")
            if figure.count():
                figure.first.scroll_into_view_if_needed()
                time.sleep(0.2)
                opened.page.screenshot(path=SCREENSHOTS / f"{name}-figure.png")
                taken.append(SCREENSHOTS / f"{name}-figure.png")
        finally:
            opened.close()
    assert all(path.stat().st_size > 10_000 for path in taken), taken
