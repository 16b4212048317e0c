"""exercises/ is generated from solutions/ and gives nothing away.

- the sources of every exercise notebook equal what ``python -m coursepkg.course.exercises build``
  writes from its master (outputs are compared by nbval);
- no line of a solution region appears anywhere in the exercise file;
- the stored outputs of the check cells are failure lines, not tracebacks, and show no hint;
- every line outside the solution regions is kept;
- the placeholders follow the rules of :mod:`coursepkg.course.exercises`.
"""

import ast
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from coursepkg.course import checks, exercises
from coursepkg.course.exercises import (
    CODE_BEGIN,
    CODE_END,
    MARKDOWN_BEGIN,
    MARKDOWN_END,
    make_exercise,
    solution_regions,
)

ROOT = Path(__file__).resolve().parents[1]
MASTERS = sorted((ROOT / "solutions").glob("*.ipynb"))
IDS = [p.stem for p in MASTERS]
CHECK_CALL = re.compile(r"^ch\d\d\.q\w+\(", re.MULTILINE)


def region_lines(nb):
    """Every non-empty line inside a solution region of ``nb``."""
    for cell in nb.cells:
        begin, end = ((CODE_BEGIN, CODE_END) if cell.cell_type == "code"
                      else (MARKDOWN_BEGIN, MARKDOWN_END))
        lines = cell.source.splitlines()
        for first, last, _ in solution_regions(cell.source, begin, end):
            yield from (line.strip() for line in lines[first + 1:last] if line.strip())


def test_there_are_masters_and_each_has_regions():
    assert MASTERS, "no notebooks in solutions/"
    for master in MASTERS:
        assert list(region_lines(nbformat.read(master, as_version=4))), master.name


def test_exercises_are_in_sync_with_solutions():
    problems = exercises.check(ROOT / "solutions", ROOT / "exercises")
    assert not problems, "\n".join(problems + ["run  python -m coursepkg.course.exercises build"])


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_no_solution_text_in_the_exercise(master):
    text = (ROOT / "exercises" / master.name).read_text()
    for marker in (CODE_BEGIN, CODE_END, MARKDOWN_BEGIN, MARKDOWN_END):
        assert marker not in text
    for line in region_lines(nbformat.read(master, as_version=4)):
        assert line not in text, f"solution line {line!r} leaks into exercises/{master.name}"
        # JSON escapes quotes: look for the escaped form as well.
        assert line.replace('"', '\\"') not in text, f"solution line {line!r} leaks"


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_stored_check_outputs_are_failure_lines(master):
    nb = nbformat.read(ROOT / "exercises" / master.name, as_version=4)
    check_cells = [cell for cell in nb.cells
                   if cell.cell_type == "code" and CHECK_CALL.search(cell.source)]
    assert check_cells
    for cell in check_cells:
        assert [o.output_type for o in cell.outputs] == ["stream"], cell.source
        text = cell.outputs[0].text
        # One result, printed wrapped: the continuation lines are indented.
        first, *rest = text.splitlines()
        assert re.search(r": 0/\d+ - case '", first), text
        assert all(line.startswith("    ") for line in rest), text
        assert "More help: " in " ".join(text.split()) and "Traceback" not in text


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_a_blank_notebook_shows_no_hint(master):
    """A student opening the exercise sees the questions, not their hints: the checks'
    stored lines point to the hints, which print only on request."""
    chapter = checks.chapter_module(exercises.chapter_of(master))
    nb = nbformat.read(ROOT / "exercises" / master.name, as_version=4)
    shown = " ".join(" ".join(output.get("text", "").split())
                     for cell in nb.cells if cell.cell_type == "code"
                     for output in cell.outputs)
    for question in chapter.QUESTIONS.values():
        for hint in question.hints:
            assert " ".join(hint.split()) not in shown, (question.name, hint)


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_the_blank_keeps_every_line_outside_the_answer_regions(master):
    """Scaffolding and data access are never lost: the master's lines outside its solution
    regions are the exercise's lines outside its placeholders, in order."""
    solution = nbformat.read(master, as_version=4)
    blank = nbformat.read(ROOT / "exercises" / master.name, as_version=4)
    assert len(solution.cells) == len(blank.cells)
    for index, (kept, made) in enumerate(zip(solution.cells, blank.cells)):
        begin, end = ((CODE_BEGIN, CODE_END) if kept.cell_type == "code"
                      else (MARKDOWN_BEGIN, MARKDOWN_END))
        lines = kept.source.splitlines()
        outside, position = [], 0
        for first, last, _ in solution_regions(kept.source, begin, end):
            outside += lines[position:first]
            position = last + 1
        outside += lines[position:]
        outside = [line.replace(exercises.SOLUTIONS_TITLE, exercises.EXERCISES_TITLE, 1)
                   for line in outside]
        remaining = iter(made.source.splitlines())
        missing = [line for line in outside if line not in remaining]
        assert not missing, f"cell {index} of exercises/{master.name} lost {missing}"


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_generated_code_is_valid_python(master):
    nb = nbformat.read(ROOT / "exercises" / master.name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            ast.parse(cell.source)


def test_placeholders():
    solution = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(
            "def f(x):\n    '''Doc.'''\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
            "    ### END SOLUTION"),
        nbformat.v4.new_code_cell(
            "### BEGIN SOLUTION\nanswer = 'b'\nother: int = 3\n### END SOLUTION\nprint(1)"),
        nbformat.v4.new_code_cell(
            "for i in range(3):\n    ### BEGIN SOLUTION\n    print(i)\n    ### END SOLUTION"),
        nbformat.v4.new_markdown_cell(
            "Why?\n\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->"),
        nbformat.v4.new_code_cell("untouched = 1\n", execution_count=3),
        nbformat.v4.new_markdown_cell(
            "<!-- BEGIN SOLUTION -->\n![sketch](attachment:sketch.png)\n<!-- END SOLUTION -->",
            attachments={"sketch.png": {"image/png": "iVBORw0KGgo="}}),
        nbformat.v4.new_raw_cell("<!-- BEGIN SOLUTION -->\nraw secret\n<!-- END SOLUTION -->"),
    ])
    solution.cells[4].outputs = [nbformat.v4.new_output("stream", text="secret\n")]
    nb = make_exercise(solution, "ch99", "solutions/99_x.ipynb")
    assert [cell.source for cell in nb.cells] == [
        "def f(x):\n    '''Doc.'''\n    return None  # your code here",
        "answer = None  # your answer here\nother = None  # your answer here\nprint(1)",
        "for i in range(3):\n    ...  # your code here",
        "Why?\n\n*Your answer here.*",
        "untouched = 1\n",
        "*Your answer here.*",
        "*Your answer here.*",
    ]
    assert "attachments" not in nb.cells[5]
    assert nb.cells[4].outputs == [] and nb.cells[4].execution_count is None
    assert nb.metadata["coursepkg"] == {"chapter": "ch99",
                                        "generated_from": "solutions/99_x.ipynb"}
    assert solution.cells[0].source.count("BEGIN") == 1, "the master is not modified"


@pytest.mark.parametrize("source, problem", [
    ("### BEGIN SOLUTION\nx = 1", "without ### END"),
    ("x = 1\n### END SOLUTION", "without ### BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another region"),
])
def test_unbalanced_markers_are_errors(source, problem):
    solution = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    with pytest.raises(ValueError, match=problem):
        make_exercise(solution, "ch99", "solutions/99_x.ipynb")


def test_check_mode_detects_an_edited_exercise(tmp_path, capsys):
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    args = ["build", "--check", "--solutions", str(tmp_path / "solutions"),
            "--exercises", str(tmp_path / "exercises")]
    assert exercises.main(args) == 0
    target = tmp_path / "exercises" / MASTERS[0].name
    nb = nbformat.read(target, as_version=4)
    nb.cells[-1].source += "\n# edited by hand"
    nbformat.write(nb, target)
    assert exercises.main(args) == 1
    assert "out of date" in capsys.readouterr().out
    target.unlink()
    assert exercises.main(args) == 1
    assert "is missing" in capsys.readouterr().out


def test_the_master_is_titled_solutions_and_its_exercise_exercises():
    from coursepkg.course.exercises import make_exercise
    master = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Solutions: Topic\n\nText")])
    exercise = make_exercise(master, "ch99", "solutions/99_topic.ipynb")
    assert exercise.cells[0].source == "# Exercises: Topic\n\nText"
    assert master.cells[0].source.startswith("# Solutions:")  # the master is not modified
