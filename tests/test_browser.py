"""The book as a reader's browser shows it: headless Chromium walks every page of the table
of contents, in a laptop's window (1280 x 900) and in a phone's (400 x 800).

On every page, in the laptop's window: no JavaScript console error, math typeset by MathJax
(no raw TeX left in the text), every image loaded, every link to a local page or anchor
resolving, no sideways scrolling of the page, and no code or output block wider than its
column (the notebooks keep their lines within 88 characters, and the book's style sheet makes
88 columns fit). On every notebook page: Binder and Colab links to that notebook, a download
button, and no trace of the Colab setup cell (its ``remove-cell`` tag hides it). In the
phone's window: no page scrolls sideways (long code and display equations scroll in their
own box), and the menu button opens the table of contents. In the laptop's window the same
button folds the sidebar away and back. The search page finds "backpropagation". A chapter
opened from the disk (``file://``) typesets its math. Screenshots go to
``_build/screenshots/``.

The machine has no internet, and the test makes sure the book needs none: the HTML is served
from ``_build/html`` on 127.0.0.1, MathJax comes with the site (``_static/mathjax/``), and
every outside request is refused and reported. The test needs Python's ``playwright`` and
Debian's ``chromium``; without them it skips, except when ``CI`` is set, where it fails.
"""

import contextlib
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

from coursepkg.course.notebook import setup_cell

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
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 400, "height": 800}
# TeX that MathJax should have replaced: display delimiters, inline \( \[, common commands.
RAW_TEX = re.compile(r"\$\$|\\[(\[]|\\(frac|sum|begin|partial|mathbf|sigma)\b")
# The first line of the Colab setup cell, which no page may show.
SETUP_LINE = setup_cell().splitlines()[0]
PAGE_TIMEOUT_MS = 30_000
# Console errors that come from the toolchain, not from the book: jupyter-book 1.0.4 with
# sphinx-thebe 0.3.1 writes sphinx-thebe's configuration script (``const THEBE_JS_URL = ...``)
# twice into every page, and the second copy raises a SyntaxError. Thebe is not enabled, so a
# reader loses nothing. Matched exactly, so that any other error still fails.
TOOLCHAIN_ERRORS = re.compile(r"^uncaught: (SyntaxError: )?Identifier 'THEBE_JS_URL' has "
                              r"already been declared$")


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


def chapters() -> list[str]:
    return sorted(p for p in pages() if p.startswith("book/") and is_notebook(p))


# --------------------------------------------------------------------------- the book, served

def html_is_stale() -> bool:
    # Sphinx writes the search index at the end of every build, even when nothing changed
    # (index.html, the redirect to the front page, is written only once).
    index = HTML / "searchindex.js"
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


@contextlib.contextmanager
def served(html: Path):
    """Base URL of the site in ``html`` served on 127.0.0.1 by a thread, while in the block."""
    handler = functools.partial(QuietHandler, directory=str(html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(html):
    """Base URL of ``_build/html`` served on 127.0.0.1 by a thread."""
    with served(html) as base:
        yield base


# --------------------------------------------------------------------------------- the browser

class OfflineRoutes:
    """Answers the page's requests: the book's own (served, or files of ``_build/html``)
    pass, any other request is refused and remembered."""

    def __init__(self, base: str, html: Path):
        self.allowed = (base, html.resolve().as_uri() + "/", "data:")
        self.refused: set[str] = set()
        self.answered = 0

    def __call__(self, route):
        url = route.request.url
        self.answered += 1
        if url.startswith(self.allowed):
            return route.continue_()
        self.refused.add(url)
        return route.abort()


@contextlib.contextmanager
def offline_browser(base: str, html: Path):
    """A headless Chromium context, in a fresh profile, that may load only the site served at
    ``base`` or the files of ``html`` (:class:`OfflineRoutes`, as ``context.routes``). Skips,
    or fails under CI, without Chromium or playwright."""
    chromium = chromium_path()
    if chromium is None:
        unavailable("no chromium executable (Debian: apt-get install chromium, or set CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Python package playwright is not installed (pip install playwright)")

    routes = OfflineRoutes(base, html)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=CHROMIUM_FLAGS,
            viewport=LAPTOP)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        context.route("**/*", routes)
        context.routes = routes
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def browser_context(server, html):
    with offline_browser(server, html) as context:
        yield context


class Tab:
    """A browser tab and the console errors of the page it shows. Opening page after page in
    one tab takes about 40 % less time than a new tab for each."""

    def __init__(self, context, viewport: dict = LAPTOP):
        self.errors: list[str] = []
        self.page = context.new_page()
        self.page.set_viewport_size(viewport)
        self.page.on("console", self._console)
        self.page.on("pageerror", self._uncaught)

    def open(self, url: str) -> "Tab":
        self.errors = []
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
        # MathJax typesets after the load event; wait until it is done.
        self.page.evaluate("""() => window.MathJax && MathJax.startup && MathJax.startup.promise
                              ? MathJax.startup.promise.then(() => true) : false""")
        return self

    def _uncaught(self, error):
        text = f"uncaught: {error}"
        if not TOOLCHAIN_ERRORS.match(text):
            self.errors.append(text)

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def close(self):
        self.page.close()


class Visit(Tab):
    """One page opened in a tab of its own."""

    def __init__(self, context, url: str, viewport: dict = LAPTOP):
        super().__init__(context, viewport)
        self.open(url)


@pytest.fixture(scope="module")
def tabs(browser_context):
    """``tabs(viewport)``: the one tab of that size that walks the pages."""
    opened = {}

    def tab(viewport: dict) -> Tab:
        key = (viewport["width"], viewport["height"])
        if key not in opened:
            opened[key] = Tab(browser_context, viewport)
        return opened[key]

    yield tab
    for each in opened.values():
        each.close()


def visit(context, server, page, viewport: dict = LAPTOP):
    return Visit(context, f"{server}{page}.html", viewport)


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

# How far the page reaches sideways, and what sticks out past the window's right edge: the
# innermost such elements that are not inside a box that scrolls or clips them (those are the
# ones to fix).
SIDEWAYS = """() => {
  const width = window.innerWidth;
  const boxed = e => {  // inside a box that scrolls or clips, or in a fixed drawer
    if (getComputedStyle(e).position === 'fixed') return true;
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX !== 'visible' || style.position === 'fixed') return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll('*')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !boxed(e);
  });
  const innermost = out.filter(e => !out.some(o => o !== e && e.contains(o)));
  return {scrollWidth: document.scrollingElement.scrollWidth, width,
          sticking: innermost.slice(0, 3).map(e =>
            `<${e.tagName.toLowerCase()} class="${e.className}"> reaches ` +
            `${Math.round(e.getBoundingClientRect().right)} px: ` +
            JSON.stringify((e.innerText || e.textContent || '').trim().slice(0, 60)))};
}"""

# The code and output blocks of the article that the reader has to scroll sideways.
WIDE_BLOCKS = """() => {
  const blocks = [...document.querySelectorAll('.bd-article pre')]
      .filter(b => b.clientWidth > 0);
  const wide = blocks.filter(b => b.scrollWidth > b.clientWidth);
  return {blocks: blocks.length, wide: wide.map(b => {
    const lines = b.innerText.split('\\n');
    const longest = lines.reduce((a, c) => c.length > a.length ? c : a, '');
    return {scrollWidth: b.scrollWidth, clientWidth: b.clientWidth,
            characters: longest.length, line: longest.slice(0, 100)};
  })};
}"""

# Display equations that stick out of the window without a scroll bar of their own.
CLIPPED_EQUATIONS = """() => [...document.querySelectorAll('mjx-container[display="true"]')]
  .filter(e => {
    const box = e.getBoundingClientRect();
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
    return box.right > window.innerWidth + 1 || (e.scrollWidth > e.clientWidth && !scrolls);
  }).map(e => (e.textContent || '').slice(0, 60))"""


def sideways_problems(browser) -> list[str]:
    reach = browser.evaluate(SIDEWAYS)
    if reach["scrollWidth"] <= reach["width"]:
        return []
    return [f"the page scrolls sideways: {reach['scrollWidth']} px wide in a "
            f"{reach['width']} px window; " + "; ".join(reach["sticking"])]


def setup_cell_shown(browser) -> bool:
    code = browser.eval_on_selector_all("div.cell", "cells => cells.map(c => c.innerText)")
    return any(SETUP_LINE in text for text in code)


def read_page(tab: Tab, server: str, page: str) -> dict:
    """What a reader meets on ``page`` in a laptop's window, as plain data."""
    browser = tab.open(f"{server}{page}.html").page
    return {"formulas": browser.locator("span.math, div.math").count(),
            "typeset": browser.locator("mjx-container").count(),
            "text": browser.evaluate(VISIBLE_TEXT),
            "images": browser.evaluate(IMAGES),
            "hrefs": browser.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"),
            "sideways": sideways_problems(browser),
            "blocks": browser.evaluate(WIDE_BLOCKS),
            "setup cell shown": setup_cell_shown(browser),
            "errors": list(tab.errors)}


@pytest.fixture(scope="module")
def laptop(tabs, server):
    """``laptop(page)``: :func:`read_page`, once per page for all the tests that ask."""
    return functools.lru_cache(maxsize=None)(lambda page: read_page(tabs(LAPTOP), server, page))


@pytest.mark.parametrize("page", pages())
def test_page_as_a_reader_sees_it(laptop, server, html, page):
    seen = laptop(page)
    problems = [f"console error: {error}" for error in seen["errors"]]
    if seen["formulas"] and seen["typeset"] < seen["formulas"]:
        problems.append(f"MathJax typeset {seen['typeset']} of {seen['formulas']} formulas")
    text = seen["text"]
    raw = sorted({match.group(0) for match in RAW_TEX.finditer(text)})
    if raw:
        where = RAW_TEX.search(text).start()
        problems.append(f"raw TeX in the text: {raw}, e.g. {text[where - 40:where + 40]!r}")
    problems += [f"image does not load: {image['src']}"
                 for image in seen["images"] if image["width"] == 0]
    hrefs = seen["hrefs"]
    problems += [f"broken link: {link}" for link in broken_links(hrefs, server, html)]
    problems += seen["sideways"]

    if is_notebook(page):
        colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{page}.ipynb"
        binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/{page}.ipynb"
        download = f"{server}_sources/{page}.ipynb"
        for name, url in (("Colab", colab), ("Binder", binder), ("download", download)):
            if url not in hrefs:
                problems.append(f"no {name} link {url}")
        if download in hrefs and broken_links([download], server, html):
            problems.append(f"the download link {download} does not resolve")
        if seen["setup cell shown"]:
            problems.append(f"the Colab setup cell is shown ({SETUP_LINE!r})")
    assert not problems, f"{page}.html:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("page", pages())
def test_code_blocks_fit_their_column_on_a_laptop(laptop, page):
    """In a 1280 px window no code or output block needs a horizontal scroll bar."""
    found = laptop(page)["blocks"]
    wide = found["wide"]
    assert not wide, (
        f"{page}.html: {len(wide)} of {found['blocks']} code/output blocks are wider than "
        f"their column at {LAPTOP['width']} px:\n  " + "\n  ".join(
            f"{b['scrollWidth']} px in {b['clientWidth']} px, longest line "
            f"{b['characters']} characters: {b['line']!r}" for b in wide))


@pytest.mark.parametrize("page", pages())
def test_page_fits_a_phone(tabs, server, page):
    """At 400 px the page never scrolls sideways: long lines and display equations scroll in
    their own box."""
    browser = tabs(PHONE).open(f"{server}{page}.html").page
    problems = sideways_problems(browser)
    problems += [f"display equation wider than the window and not scrollable: {eq!r}"
                 for eq in browser.evaluate(CLIPPED_EQUATIONS)]
    assert not problems, f"{page}.html at {PHONE['width']} px:\n  " + "\n  ".join(problems)


def sidebar_shown(browser) -> bool:
    """Whether the table of contents (primary sidebar) is on the screen."""
    return browser.evaluate("""() => {
      const bar = document.querySelector('.bd-sidebar-primary');
      if (!bar) return false;
      const box = bar.getBoundingClientRect(), style = getComputedStyle(bar);
      return box.width > 50 && box.height > 50 && box.left >= 0 && box.left < innerWidth
             && style.visibility !== 'hidden' && style.display !== 'none';
    }""")


def press_menu_button(browser):
    buttons = browser.locator("button.primary-toggle")
    visible = [buttons.nth(i) for i in range(buttons.count()) if buttons.nth(i).is_visible()]
    assert visible, "no visible menu button (button.primary-toggle)"
    visible[0].click()
    time.sleep(0.5)  # the drawer slides in


def test_menu_button_opens_the_table_of_contents_on_a_phone(browser_context, server):
    chapter, target = chapters()[len(chapters()) // 2], chapters()[-1]
    opened = visit(browser_context, server, chapter, PHONE)
    try:
        browser = opened.page
        assert not sidebar_shown(browser), "the table of contents covers the page on arrival"
        press_menu_button(browser)
        assert sidebar_shown(browser), "the menu button does not open the table of contents"
        link = browser.locator(
            f".bd-sidebar-primary a[href$='{Path(target).name}.html']").first
        assert link.is_visible(), f"no visible link to {target} in the opened drawer"
        link.click()
        browser.wait_for_url(f"**/{target}.html")
        assert opened.errors == []
    finally:
        opened.close()


def test_menu_button_folds_the_sidebar_on_a_laptop(browser_context, server):
    opened = visit(browser_context, server, chapters()[0])
    try:
        browser = opened.page
        assert sidebar_shown(browser), "no table of contents beside the page"
        press_menu_button(browser)
        assert not sidebar_shown(browser), "the menu button does not fold the sidebar away"
        press_menu_button(browser)
        assert sidebar_shown(browser), "the menu button does not bring the sidebar back"
        searches = browser.locator("input[type=search], button.search-button-field")
        shown = [i for i in range(searches.count()) if searches.nth(i).is_visible()]
        assert len(shown) <= 1, f"{len(shown)} search boxes on the screen"
        assert opened.errors == []
    finally:
        opened.close()


def math_page() -> str:
    """The chapter with the most display equations."""
    return max(chapters(), key=lambda p: (ROOT / f"{p}.ipynb").read_text().count("$$"))


def test_math_typesets_from_the_disk_without_a_network(browser_context, html):
    """Opened as a file, as the README suggests, with every network request refused."""
    page = math_page()
    url = (html / f"{page}.html").resolve().as_uri()
    refused_before = set(browser_context.routes.refused)
    opened = Visit(browser_context, url)
    try:
        browser = opened.page
        math_elements = browser.locator("span.math, div.math").count()
        typeset = browser.locator("mjx-container").count()
        fonts = browser.evaluate("""() => document.fonts.ready.then(() => [...document.fonts]
            .filter(f => f.family.startsWith('MJXc-TeX') || f.family.startsWith('MJXZERO')
                         || f.family.startsWith('MJXTEX'))
            .map(f => f.status))""")
        text = browser.evaluate(VISIBLE_TEXT)
        errors = opened.errors
    finally:
        opened.close()
    assert math_elements > 10, f"{page}.html has only {math_elements} formulas"
    assert typeset == math_elements, f"MathJax typeset {typeset} of {math_elements} formulas"
    assert not RAW_TEX.search(text), "raw TeX left in the text"
    assert "loaded" in fonts and "error" not in fonts, f"MathJax's fonts: {fonts}"
    assert errors == []
    assert browser_context.routes.refused == refused_before, "the page asked for the network"


def test_no_outside_request_was_needed(browser_context, server):
    """Every outside request was refused; a page that needs one (MathJax, a font, a script
    from a CDN) would look different for a reader offline and is reported here."""
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
    chosen = [toc_root(), chapters()[len(chapters()) // 2] if chapters() else toc[0],
              next((p for p in reversed(toc) if p.startswith("book/reference/")), toc[-1])]
    return list(dict.fromkeys(chosen))


def test_screenshots(browser_context, server):
    """Screenshots for a person to look at: the top of each page and, on a chapter, its first
    figure, in a laptop's window; a chapter on a phone, with the table of contents open."""
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
    page = chapters()[len(chapters()) // 2]
    opened = visit(browser_context, server, page, PHONE)
    try:
        name = f"phone-{page.replace('/', '-')}"
        opened.page.screenshot(path=SCREENSHOTS / f"{name}.png")
        press_menu_button(opened.page)
        opened.page.screenshot(path=SCREENSHOTS / f"{name}-menu.png")
        taken += [SCREENSHOTS / f"{name}.png", SCREENSHOTS / f"{name}-menu.png"]
    finally:
        opened.close()
    assert all(path.stat().st_size > 10_000 for path in taken), taken
