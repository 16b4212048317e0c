"""Notebooks fit the page and describe their figures.

- every code line is at most 88 characters, so no code block of the HTML book scrolls
  sideways;
- every line of a text output (stream, ``text/plain``) is at most 88 characters too; a check
  prints its result wrapped (:func:`coursepkg.course.checks.wrap_message`);
- every figure (a code cell with an image output) carries a short description in the cell
  metadata, ``{"mystnb": {"image": {"alt": "..."}}}``, which myst-nb writes as the ``alt``
  text of the ``<img>`` (without it the alt text is the image's file name).
"""

import re
from pathlib import Path

import nbformat
import pytest

from coursepkg.course.checks import QuestionSet, wrap_message

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = ("book", "exercises", "solutions")
NOTEBOOKS = sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]

WIDTH = 88
MAX_ALT = 150
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
# A file name or path rather than a description: no spaces and an image extension or a slash.
LOOKS_LIKE_PATH = re.compile(r"^\S*(/\S*|\.(png|jpe?g|svg|gif))$", re.IGNORECASE)


def code_cells(nb):
    return [(index, cell) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def text_lines(output):
    """The lines of text a reader sees for ``output`` (stream or text/plain)."""
    if output.output_type == "stream":
        return output.text.splitlines()
    if output.output_type in ("execute_result", "display_data"):
        return output.get("data", {}).get("text/plain", "").splitlines()
    return []


def has_image(cell):
    return any(kind in output.get("data", {}) for output in cell.outputs
               for kind in IMAGE_TYPES)


def too_long(lines):
    return [(len(line), line) for line in lines if len(line) > WIDTH]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_lines_fit_the_page(path):
    nb = nbformat.read(path, as_version=4)
    problems = [f"cell {index}: {length} characters: {line}"
                for index, cell in code_cells(nb)
                for length, line in too_long(cell.source.splitlines())]
    assert not problems, f"{path.name}: code lines over {WIDTH} characters\n" + "\n".join(
        problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_text_output_lines_fit_the_page(path):
    nb = nbformat.read(path, as_version=4)
    problems = [f"cell {index}: {length} characters: {line}"
                for index, cell in code_cells(nb)
                for output in cell.outputs
                for length, line in too_long(text_lines(output))]
    assert not problems, f"{path.name}: output lines over {WIDTH} characters\n" + "\n".join(
        problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_figure_has_a_description(path):
    nb = nbformat.read(path, as_version=4)
    problems = []
    for index, cell in code_cells(nb):
        if not has_image(cell):
            continue
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
        if not isinstance(alt, str) or not alt.strip():
            problems.append(f"cell {index}: no mystnb.image.alt")
        elif LOOKS_LIKE_PATH.match(alt.strip()):
            problems.append(f"cell {index}: alt text is a file name: {alt!r}")
        elif len(alt) > MAX_ALT or "\n" in alt:
            problems.append(f"cell {index}: alt text is not one short line "
                            f"({len(alt)} characters): {alt!r}")
    assert not problems, f"{path.name}: figures without a description\n" + "\n".join(
        problems)


def test_path_detection():
    for path in ("fig.png", "_build/html/_images/0a1b2c.png", "images/plot.SVG", "a/b"):
        assert LOOKS_LIKE_PATH.match(path), path
    for text in ("The sigmoid and its derivative.", "Loss against z; see fig.png"):
        assert not LOOKS_LIKE_PATH.match(text), text


MESSAGE = ("q1 the nine derivatives of the 2-2-1 network: 0/4 - case 'random weights, "
           "target 1': returned None (is the function finished?). Hint: run the forward "
           "pass first and keep h and y_hat; each weight's derivative is the delta of the "
           "unit it feeds times the input it multiplies")


def test_a_long_check_message_wraps_with_a_hanging_indent():
    first, *rest = wrap_message(MESSAGE).splitlines()
    assert rest, "the message is longer than one line"
    assert first.startswith("q1 the nine derivatives of the 2-2-1 network: 0/4 - case")
    assert all(len(line) <= WIDTH for line in [first, *rest])
    assert all(line.startswith("    ") and not line.startswith("     ") for line in rest)
    assert " ".join(wrap_message(MESSAGE).split()) == MESSAGE  # no word lost or split


def test_a_short_message_stays_one_line():
    assert wrap_message("q2 softmax: 3/3 - correct") == "q2 softmax: 3/3 - correct"


def test_an_unbreakable_word_is_cut_to_fit():
    message = "q3 title: 0/1 - case 'x': got " + "9" * 200
    assert all(len(line) <= WIDTH for line in wrap_message(message).splitlines())


def test_a_check_prints_the_wrapped_message_and_returns_the_one_line_result(capsys):
    questions = QuestionSet("ch99")

    @questions.question("q1", points=4, title="the nine derivatives of the 2-2-1 network",
                        answer_name="gradients", hints=("h",))
    def q1(check, answer):
        with check.case("random weights, target 1"):
            check.same_number(check.call(answer), 1.0)

    result = q1(lambda: None)
    printed = capsys.readouterr().out
    assert "\n" not in result.message and len(result.message) > WIDTH
    assert printed == wrap_message(result.message) + "\n"
    assert printed.count("\n") > 1 and printed.startswith("q1 the nine derivatives")
