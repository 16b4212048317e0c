"""One version everywhere. ``coursepkg.__version__`` is written once; pyproject.toml reads it,
every notebook's setup cell installs its tag on Colab, and the book (its ``{{ version }}``
substitution), CITATION.cff, the changelog and the citing page state it."""

import importlib.metadata
import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import nbformat
import pytest
import yaml

import coursepkg
from coursepkg.course import notebook

ROOT = Path(__file__).resolve().parents[1]
VERSION = coursepkg.__version__
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text())
CHANGELOG = (ROOT / "CHANGELOG.md").read_text()
CITING = (ROOT / "book" / "citing.md").read_text()
NOTEBOOKS = sorted(p for folder in ("book", "exercises", "solutions")
                   for p in (ROOT / folder).glob("*.ipynb"))
# "## [0.1.0] - 2026-12-24" or "## [0.1.0] - unreleased"; "## [Unreleased]" has no date.
SECTION = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\S+))?[ \t]*$", re.M)


def test_version_is_major_minor_patch():
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION), VERSION


def test_pyproject_reads_the_version_from_the_package():
    project = PYPROJECT["project"]
    assert "version" not in project, "write the version once, in coursepkg/__init__.py"
    assert "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "coursepkg.__version__"}


def test_installed_metadata_is_this_version():
    installed = importlib.metadata.version("coursepkg")
    assert installed == VERSION, (
        f"the installed coursepkg says {installed}, the source {VERSION}: reinstall with "
        "pip install -e .")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_setup_cell_installs_the_tag_of_this_version(path):
    nb = nbformat.read(path, as_version=4)
    cell = notebook.first_code_cell(nb)
    tags = re.findall(r"git\+" + re.escape(notebook.REPOSITORY_URL) + r"@([^\"'\s]+)",
                      cell.source)
    assert tags == [f"v{VERSION}"], (
        f"{path.name} installs {tags}, not v{VERSION}: run python -m coursepkg.course.notebook "
        "book/*.ipynb exercises/*.ipynb solutions/*.ipynb")


def test_the_book_states_this_version():
    assert CONFIG["parse"]["myst_substitutions"]["version"] == VERSION
    assert "substitution" in CONFIG["parse"]["myst_enable_extensions"]
    assert "{{ version }}" in CITING


def changelog_sections() -> list[tuple[str, str | None]]:
    return [(m["version"], m["date"]) for m in SECTION.finditer(CHANGELOG)]


def test_changelog_newest_section_is_this_version():
    released = [(v, d) for v, d in changelog_sections() if v.lower() != "unreleased"]
    assert released, "CHANGELOG.md has no version section"
    newest, date = released[0]
    assert newest == VERSION, f"the changelog's newest section is {newest}, not {VERSION}"
    assert date == "unreleased" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", date or ""), (
        f"'## [{newest}] - {date}': the date is YYYY-MM-DD, or 'unreleased' until tagged")
    versions = [tuple(int(n) for n in v.split(".")) for v, _ in released]
    assert versions == sorted(versions, reverse=True), "newest section first"
    link = f"[{VERSION}]: {CONFIG['repository']['url']}/releases/tag/v{VERSION}"
    assert link in CHANGELOG.splitlines()


def test_citation_cff_has_the_required_fields_of_cff_1_2_0():
    assert CITATION["cff-version"] == "1.2.0"
    assert isinstance(CITATION["message"], str) and CITATION["message"].strip()
    for key in ("title", "authors", "version", "license", "repository-code"):
        assert CITATION.get(key), f"CITATION.cff has no {key}"
    assert all(set(author) == {"name"} for author in CITATION["authors"]), (
        "the authors are one entity, with a name")


def test_citation_cff_agrees_with_the_book_and_the_package():
    assert CITATION["version"] == VERSION
    assert CITATION["title"] == CONFIG["title"]
    assert CITATION["authors"] == [{"name": CONFIG["author"]}]
    assert CITATION["repository-code"] == CONFIG["repository"]["url"]
    assert CITATION["repository-code"] == PYPROJECT["project"]["urls"]["Repository"]
    # The code is MIT (pyproject), the text and figures CC BY 4.0 (LICENSE).
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    assert "Creative Commons Attribution 4.0" in (ROOT / "LICENSE").read_text()
    assert CITATION["license"] == ["MIT", "CC-BY-4.0"]


def test_citation_release_date_is_the_changelog_date():
    date = dict(changelog_sections())[VERSION]
    if date == "unreleased":
        assert "date-released" not in CITATION, "this version is not released yet"
    else:
        assert str(CITATION.get("date-released")) == date, (
            f"CITATION.cff date-released must be {date}, the changelog's date of {VERSION}")


def bibtex_entry() -> str:
    """The BibTeX entry that the citing page shows, made from CITATION.cff and the book's
    configuration: the year is the release year, or the copyright year before a release."""
    released = CITATION.get("date-released")
    year = str(released)[:4] if released else str(CONFIG["copyright"])
    authors = " and ".join("{" + author["name"] + "}" for author in CITATION["authors"])
    return "\n".join([
        "@misc{nn-textbook,",
        f"  author = {{{authors}}},",
        f"  title = {{{CITATION['title']}}},",
        f"  year = {{{year}}},",
        f"  note = {{Version {CITATION['version']}}},",
        f"  url = {{{CITATION['repository-code']}}},",
        "}",
    ])


def test_citing_page_shows_the_bibtex_of_citation_cff():
    blocks = re.findall(r"^```bibtex\n(.*?)^```$", CITING, re.M | re.S)
    assert len(blocks) == 1, "book/citing.md has one ```bibtex block"
    expected = bibtex_entry()
    assert blocks[0].strip() == expected, f"book/citing.md's BibTeX must be:\n{expected}"


def test_citing_page_links_the_tracker_and_the_citation_file():
    url = CONFIG["repository"]["url"]
    assert f"<{url}/issues>" in CITING
    assert f"{url}/blob/{CONFIG['repository']['branch']}/CITATION.cff" in CITING
    assert f"{url}/blob/{CONFIG['repository']['branch']}/CHANGELOG.md" in CITING
    assert re.search(rf"^> {re.escape(CONFIG['author'])} \({CONFIG['copyright']}\)\. "
                     rf"\*{re.escape(CONFIG['title'])}\*, version \{{\{{ version \}}\}}\.",
                     CITING, re.M), "the plain-text citation names the author, year and title"
