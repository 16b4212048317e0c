"""Generate the exercise notebooks from their masters in ``solutions/``.

``solutions/NN_name.ipynb`` is the single source of truth. Its answers are marked:

- in code cells, by the lines ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
- in markdown cells (written answers), by ``<!-- BEGIN SOLUTION -->`` and
  ``<!-- END SOLUTION -->``.

``python -m coursepkg.course.exercises build`` writes ``exercises/NN_name.ipynb`` with every region
replaced by a placeholder that runs without error:

- a region that only assigns names (``answer_q2 = "b"``) becomes
  ``answer_q2 = None  # your answer here``;
- a region that returns (a function body) becomes ``return None  # your code here``;
- any other code region becomes ``...  # your code here``;
- a markdown region (or one in a raw cell) becomes ``*Your answer here.*``; images attached
  to the written answer are dropped with it.

The indentation of the ``BEGIN`` line is kept. Outputs of the master are dropped; the exercise
notebook is executed with nbclient in a clean kernel and stored with its own outputs, so a
reader sees what the checks print for an unsolved exercise. ``build --check`` compares the
sources of ``exercises/`` with what ``build`` would write and exits with status 1 on any
difference (outputs are nbval's business). ``execute NOTEBOOK...`` stores a notebook (a
master, after editing it) run in a clean kernel, without timing metadata.
"""

from __future__ import annotations

import argparse
import ast
import copy
import sys
from pathlib import Path

from coursepkg.course.chapters import METADATA_KEY, chapter_of_path
from coursepkg.course.extra import missing_course_extra

try:
    import nbformat
    from nbclient import NotebookClient
except ImportError as error:
    raise missing_course_extra(error, "exercise generation") from error

__all__ = ["make_exercise", "chapter_of", "solution_regions", "execute", "build", "check",
           "main"]

CODE_BEGIN, CODE_END = "### BEGIN SOLUTION", "### END SOLUTION"
MARKDOWN_BEGIN, MARKDOWN_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
MARKDOWN_PLACEHOLDER = "*Your answer here.*"
#: Title prefixes of a master and of the exercise generated from it.
SOLUTIONS_TITLE, EXERCISES_TITLE = "# Solutions:", "# Exercises:"


def chapter_of(path) -> str:
    """``"ch01"`` for ``solutions/01_numpy.ipynb``; ``ValueError`` if the name has no number."""
    chapter = chapter_of_path(path)
    if chapter is None:
        raise ValueError(f"{path}: notebook names start with the chapter number, e.g. 01_numpy")
    return chapter


def solution_regions(source: str, begin: str, end: str):
    """Yield ``(first, last, indent)`` line indices of each marked region (markers included).

    Raises ``ValueError`` on a ``BEGIN`` without ``END``, an ``END`` without ``BEGIN``, or
    nested regions.
    """
    lines = source.splitlines()
    start = None
    for number, line in enumerate(lines):
        marker = line.strip()
        if marker == begin:
            if start is not None:
                raise ValueError(f"line {number + 1}: {begin} inside another region")
            start = number
        elif marker == end:
            if start is None:
                raise ValueError(f"line {number + 1}: {end} without {begin}")
            yield start, number, lines[start][:len(lines[start]) - len(lines[start].lstrip())]
            start = None
    if start is not None:
        raise ValueError(f"line {start + 1}: {begin} without {end}")


def _code_placeholder(region: list[str], indent: str) -> list[str]:
    """Placeholder lines for the code of one region (``region`` excludes the markers)."""
    body = "\n".join(line[len(indent):] if line.startswith(indent) else line
                     for line in region)
    try:
        statements = ast.parse(body).body
    except SyntaxError:
        statements = None
    if statements and all(isinstance(s, (ast.Assign, ast.AnnAssign)) for s in statements):
        names = []
        for statement in statements:
            targets = statement.targets if isinstance(statement, ast.Assign) else [
                statement.target]
            names += [t.id for t in targets if isinstance(t, ast.Name) and t.id not in names]
        if names:
            return [f"{indent}{name} = None  # your answer here" for name in names]
    if any(line.startswith(indent + "return") for line in region):
        return [f"{indent}return None  # your code here"]
    return [f"{indent}...  # your code here"]


def _replace_regions(source: str, cell_type: str) -> str:
    begin, end = (CODE_BEGIN, CODE_END) if cell_type == "code" else (MARKDOWN_BEGIN,
                                                                     MARKDOWN_END)
    regions = list(solution_regions(source, begin, end))
    if not regions:
        return source
    lines = source.splitlines()
    out, position = [], 0
    for first, last, indent in regions:
        out += lines[position:first]
        if cell_type == "code":
            out += _code_placeholder(lines[first + 1:last], indent)
        else:
            out.append(indent + MARKDOWN_PLACEHOLDER)
        position = last + 1
    out += lines[position:]
    return "\n".join(out)


def _retitle(nb: nbformat.NotebookNode) -> None:
    """The master's title ``# Solutions: X`` becomes ``# Exercises: X`` in the exercise."""
    first = next((cell for cell in nb.cells if cell.cell_type == "markdown"), None)
    if first is not None and first.source.startswith(SOLUTIONS_TITLE):
        first.source = EXERCISES_TITLE + first.source[len(SOLUTIONS_TITLE):]


def make_exercise(solution: nbformat.NotebookNode, chapter: str, generated_from: str
                  ) -> nbformat.NotebookNode:
    """The exercise notebook for a master, without outputs (not executed).

    Parameters
    ----------
    solution : NotebookNode
        The master notebook (it is not modified).
    chapter : str
        Its chapter, e.g. ``"ch01"``; stored in the metadata for the grader.
    generated_from : str
        Path of the master, stored in the metadata.
    """
    nb = copy.deepcopy(solution)
    _retitle(nb)
    for index, cell in enumerate(nb.cells):
        try:
            cell.source = _replace_regions(cell.source, cell.cell_type)
        except ValueError as error:
            raise ValueError(f"{generated_from}, cell {index}: {error}") from None
        if "attachments" in cell:  # images pasted into a written answer go with it
            cell.attachments = {name: data for name, data in cell.attachments.items()
                                if f"attachment:{name}" in cell.source}
            if not cell.attachments:
                del cell["attachments"]
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata[METADATA_KEY] = {"chapter": chapter, "generated_from": generated_from}
    return nb


def execute(nb: nbformat.NotebookNode, cwd, timeout: int = 120) -> nbformat.NotebookNode:
    """Run ``nb`` in place in a clean kernel (execution counts 1..n); cells may not fail."""
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _pairs(solutions: Path, exercises: Path, only=None):
    masters = sorted(solutions.glob("*.ipynb"))
    if only:
        names = {Path(name).name for name in only}
        unknown = names - {master.name for master in masters}
        if unknown:
            raise FileNotFoundError(f"no master {', '.join(sorted(unknown))} in {solutions}")
        masters = [master for master in masters if master.name in names]
    if not masters:
        raise FileNotFoundError(f"no notebooks in {solutions}")
    for master in masters:
        yield master, exercises / master.name


def _generated(master: Path, root: Path) -> nbformat.NotebookNode:
    solution = nbformat.read(master, as_version=4)
    chapter = solution.metadata.get(METADATA_KEY, {}).get("chapter") or chapter_of(master)
    try:
        generated_from = master.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        generated_from = master.name
    return make_exercise(solution, chapter, generated_from)


def build(solutions: Path, exercises: Path, *, run: bool = True, only=None) -> list[Path]:
    """Write every exercise notebook (or those named in ``only``) from its master; returns
    the paths written."""
    exercises.mkdir(parents=True, exist_ok=True)
    written = []
    for master, target in _pairs(solutions, exercises, only):
        nb = _generated(master, solutions.parent)
        if run:
            execute(nb, cwd=exercises)
        nbformat.validate(nb)
        nbformat.write(nb, target)
        written.append(target)
    return written


def _sources(nb):
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def check(solutions: Path, exercises: Path, only=None) -> list[str]:
    """Differences between ``exercises/`` (or the notebooks of the masters named in ``only``)
    and what :func:`build` would write (sources and metadata, not outputs); an empty list
    when they agree."""
    problems = []
    expected_names = set()
    for master, target in _pairs(solutions, exercises, only):
        expected_names.add(target.name)
        if not target.exists():
            problems.append(f"{target} is missing")
            continue
        expected = _generated(master, solutions.parent)
        actual = nbformat.read(target, as_version=4)
        if actual.metadata.get(METADATA_KEY) != expected.metadata[METADATA_KEY]:
            problems.append(f"{target}: metadata {METADATA_KEY!r} differs")
        if _sources(actual) != _sources(expected):
            differing = [i for i, (a, e) in enumerate(zip(_sources(actual), _sources(expected)))
                         if a != e]
            where = (f"cells {differing}" if differing else
                     f"{len(actual.cells)} cells instead of {len(expected.cells)}")
            problems.append(f"{target}: {where} differ from {master}")
    for stale in sorted(exercises.glob("*.ipynb")):
        if stale.name not in expected_names and not only:
            problems.append(f"{stale} has no master in {solutions}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coursepkg.course.exercises",
        description="Generate exercises/*.ipynb from the masters in solutions/.")
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="write (or with --check, compare) the "
                                                     "exercise notebooks")
    build_parser.add_argument("--check", action="store_true",
                              help="write nothing; exit 1 if exercises/ is out of date")
    build_parser.add_argument("--no-execute", action="store_true",
                              help="store the notebooks without running them")
    build_parser.add_argument("masters", nargs="*", metavar="MASTER",
                              help="build only these masters (file names in solutions/)")
    build_parser.add_argument("--solutions", type=Path, default=Path("solutions"))
    build_parser.add_argument("--exercises", type=Path, default=Path("exercises"))
    execute_parser = commands.add_parser(
        "execute", help="run notebooks (e.g. a master) in a clean kernel and store them")
    execute_parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "execute":
        for path in args.notebooks:
            nb = execute(nbformat.read(path, as_version=4), cwd=path.parent)
            nbformat.write(nb, path)
            print(f"executed {path}")
        return 0
    if args.check:
        problems = check(args.solutions, args.exercises, only=args.masters)
        for problem in problems:
            print(problem)
        if problems:
            print("exercises/ is out of date: run  python -m coursepkg.course.exercises build")
            return 1
        print(f"{args.exercises} is up to date with {args.solutions}")
        return 0
    try:
        written = build(args.solutions, args.exercises, run=not args.no_execute,
                        only=args.masters)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
