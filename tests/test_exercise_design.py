"""What every chapter's exercises must be, checked on the masters and the check modules.

- at least six graded questions, of which at least two apply the chapter to a situation it
  does not show (``kinds={"new situation"}``) and at least one is a derivation checked
  numerically (``kinds={"derivation"}``);
- every question declares the usual mistakes its check names, and hints in at least two
  tiers, none of which contains a line of the solution;
- no line of a solution (30 characters or more, whitespace normalised) appears in the
  chapter's notebook in ``book/``: a question never asks for what the chapter prints;
- multiple choice: at least four options of similar length, and the right one does not
  quote the chapter (no run of six words of it appears in the chapter);
- one ungraded open problem, with a rubric, per chapter.

Chapters whose exercises are still to be reworked are listed in ``PENDING``; their tests are
expected to fail, and a chapter in ``PENDING`` that meets every rule fails
``test_pending_chapters_still_break_a_rule``: it must leave the list.
"""

import re
from pathlib import Path

import nbformat
import pytest

from coursepkg.course import checks
from coursepkg.course.exercises import (
    CODE_BEGIN,
    CODE_END,
    MARKDOWN_BEGIN,
    MARKDOWN_END,
    chapter_of,
    solution_regions,
)

ROOT = Path(__file__).resolve().parents[1]
MASTERS = sorted((ROOT / "solutions").glob("*.ipynb"))
#: Chapters whose exercises do not meet the list yet.
PENDING: set[str] = set()
#: A solution line at least this long must not appear in the chapter.
MIN_QUOTED = 30
#: Longest option over shortest, for the options of one multiple-choice question.
MAX_LENGTH_RATIO = 1.8
#: A run of this many words of the right option found in the chapter is a quotation.
QUOTE_WORDS = 6


def chapters():
    for master in MASTERS:
        chapter = chapter_of(master)
        marks = [pytest.mark.xfail(reason="exercises not reworked yet")
                 ] if chapter in PENDING else []
        yield pytest.param(master, chapter, id=chapter, marks=marks)


def normal(text):
    return " ".join(text.split())


def solution_lines(nb):
    for cell in nb.cells:
        begin, end = ((CODE_BEGIN, CODE_END) if cell.cell_type == "code"
                      else (MARKDOWN_BEGIN, MARKDOWN_END))
        lines = cell.source.splitlines()
        for first, last, _ in solution_regions(cell.source, begin, end):
            for line in lines[first + 1:last]:
                code = line.split("#", 1)[0] if cell.cell_type == "code" else line
                if normal(code):
                    yield normal(code)


def chapter_text(master):
    nb = nbformat.read(ROOT / "book" / master.name, as_version=4)
    return normal(" ".join(cell.source for cell in nb.cells))


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.mark.parametrize("master, chapter", chapters())
def test_enough_questions_of_each_kind(master, chapter):
    questions = checks.chapter_module(chapter).QUESTIONS.values()
    assert len(questions) >= 6
    assert sum("new situation" in q.kinds for q in questions) >= 2
    assert sum("derivation" in q.kinds for q in questions) >= 1


@pytest.mark.parametrize("master, chapter", chapters())
def test_every_question_names_mistakes_and_has_tiered_hints(master, chapter):
    for question in checks.chapter_module(chapter).QUESTIONS.values():
        assert question.mistakes, f"{question.name} declares no mistake"
        assert len(question.hints) >= 2, f"{question.name} has fewer than two hint tiers"


@pytest.mark.parametrize("master, chapter", chapters())
def test_no_hint_contains_a_line_of_the_solution(master, chapter):
    lines = [line for line in solution_lines(nbformat.read(master, as_version=4))
             if len(line) >= 12]
    for question in checks.chapter_module(chapter).QUESTIONS.values():
        for hint in question.hints:
            leaked = [line for line in lines if line in normal(hint)]
            assert not leaked, f"{question.name}'s hint holds {leaked}"


@pytest.mark.parametrize("master, chapter", chapters())
def test_no_solution_line_is_printed_by_the_chapter(master, chapter):
    text = chapter_text(master)
    quoted = [line for line in solution_lines(nbformat.read(master, as_version=4))
              if len(line) >= MIN_QUOTED and line in text]
    assert not quoted, f"book/{master.name} already prints {quoted}"


def choice_questions(chapter):
    """``(question, options, right letter)`` of each multiple-choice question: its
    options are the module's ``Qn_CHOICES``; the right letter is the one that scores."""
    module = checks.chapter_module(chapter)
    for name, question in module.QUESTIONS.items():
        options = getattr(module, f"{name.upper()}_CHOICES", None)
        if options is None:
            continue
        right = [letter for letter in options if question.run(letter).passed]
        assert len(right) == 1, f"{name}: {right} score full marks"
        yield question, options, right[0]


@pytest.mark.parametrize("master, chapter", chapters())
def test_multiple_choice_cannot_be_guessed_from_the_options(master, chapter):
    text = " ".join(words(chapter_text(master)))
    for question, options, right in choice_questions(chapter):
        assert len(options) >= 4, question.name
        lengths = [len(option) for option in options.values()]
        assert max(lengths) <= MAX_LENGTH_RATIO * min(lengths), (question.name, lengths)
        said = words(options[right])
        runs = {" ".join(said[i:i + QUOTE_WORDS]) for i in range(len(said) - QUOTE_WORDS + 1)}
        quoted = [run for run in runs if f" {run} " in f" {text} "]
        assert not quoted, f"{question.name}'s right option quotes the chapter: {quoted}"
        assert "choice" in question.kinds, question.name


@pytest.mark.parametrize("master, chapter", chapters())
def test_one_open_problem_with_a_rubric(master, chapter):
    nb = nbformat.read(master, as_version=4)
    open_problems = [cell.source for cell in nb.cells if cell.cell_type == "markdown"
                     and cell.source.startswith("## Open problem")]
    assert len(open_problems) == 1
    assert "Rubric" in open_problems[0]


RULES = [test_enough_questions_of_each_kind, test_every_question_names_mistakes_and_has_tiered_hints, test_no_hint_contains_a_line_of_the_solution, test_no_solution_line_is_printed_by_the_chapter, test_multiple_choice_cannot_be_guessed_from_the_options, test_one_open_problem_with_a_rubric]


@pytest.mark.parametrize("chapter", sorted(PENDING))
def test_pending_chapters_still_break_a_rule(chapter):
    master = next(m for m in MASTERS if chapter_of(m) == chapter)
    broken = []
    for rule in RULES:
        try:
            rule(master, chapter)
        except AssertionError:
            broken.append(rule.__name__)
    assert broken, f"{chapter} meets every rule: take it out of PENDING"
