"""Where grades go: results files for Gradescope and PrairieLearn, a roster, feedback files.

The grader (:mod:`coursepkg.course.grading`) gives a list of
:class:`~coursepkg.course.grading.Row`; the rows of one notebook are one *submission*. This
module turns them into

- the ``results.json`` of one submission for **Gradescope**'s autograder
  (:func:`gradescope_results`), in the format of its *Autograder Specifications*
  (https://gradescope-autograders.readthedocs.io/en/latest/specs/);
- the ``results.json`` of one submission for a **PrairieLearn** external grader
  (:func:`prairielearn_results`), in the format of its *External Grading* page
  (https://prairielearn.readthedocs.io/en/latest/externalGrading/);
- a Markdown feedback file per submission (:func:`write_feedback`), to hand back to students;
- a folder of results files, one per submission (:func:`write_results`).

A roster (:func:`read_roster`) names the student of each notebook; :func:`apply_roster`
pairs rows with student ids and lists the notebooks it cannot name. File names come from the
student id when the roster gives one, else from the notebook's file name, made safe and
unique (:func:`submission_names`). Every file is written whole or not at all: to a temporary
file in the same folder, then moved over the target (``os.replace``).
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from collections import Counter
from pathlib import Path, PurePath, PurePosixPath

from coursepkg.course.grading import NOT_GRADABLE, Row, write_atomically

__all__ = ["group_rows", "gradescope_results", "prairielearn_results", "read_roster",
           "apply_roster", "safe_name", "submission_names", "feedback_markdown",
           "write_feedback", "write_results", "FORMATS"]

ROSTER_COLUMNS = ("notebook", "student_id")
#: Names Windows refuses for a file, whatever its extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r"[^\w.-]+")
_EDGES = re.compile(r"^[.-]+|\.+$")
_MAX_NAME = 80


# -- one submission ---------------------------------------------------------------------------

def group_rows(rows) -> dict[str, list[Row]]:
    """The rows of each notebook, in the order the notebooks first appear.

    Parameters
    ----------
    rows : iterable of Row
        Rows of any number of notebooks, as :func:`coursepkg.course.grading.grade` gives them.

    Returns
    -------
    dict of str to list of Row
        Notebook path (as recorded in the rows) to its rows, in their order.
    """
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.notebook, []).append(row)
    return groups


def _submission(rows) -> tuple[str, list[Row], str | None]:
    """``(notebook, rows, reason)`` of one submission; ``reason`` is ``None`` if graded.

    Raises ``ValueError`` for no rows, rows of several notebooks, a not-gradable row among
    others, or a graded row without points.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("no rows: a submission has at least one row")
    notebooks = list(group_rows(rows))
    if len(notebooks) > 1:
        raise ValueError(f"rows of {len(notebooks)} notebooks ({', '.join(notebooks[:3])}); "
                         "pass the rows of one submission (see group_rows)")
    reasons = [row.message for row in rows if row.status == NOT_GRADABLE]
    if reasons and len(rows) > 1:
        raise ValueError(f"{notebooks[0]}: a not-gradable notebook has exactly one row")
    for row in rows:
        if not reasons and (row.points is None or row.max_points is None):
            raise ValueError(f"{row.notebook}: graded row {row.question} has no points")
    return notebooks[0], rows, reasons[0] if reasons else None


def _totals(rows: list[Row]) -> tuple[float, float]:
    """Points and maximum points of graded rows."""
    return (math.fsum(row.points for row in rows),
            math.fsum(row.max_points for row in rows))


def _passed(row: Row) -> bool:
    return row.points >= row.max_points


def gradescope_results(rows) -> dict:
    """The content of Gradescope's ``results.json`` for the rows of one submission.

    Gradescope's autograder reads ``/autograder/results/results.json``; its specification
    defines a top-level ``score``, ``output``, ``output_format``, ``extra_data`` and a list
    of ``tests`` with ``name``, ``score``, ``max_score``, ``status`` (``"passed"`` or
    ``"failed"``), ``output`` and ``visibility``.

    Parameters
    ----------
    rows : iterable of Row
        The rows of one notebook.

    Returns
    -------
    dict
        ``score`` is the total of the questions' points. Each question is a test named by its
        id (``"ch01.q3"``) whose ``output`` is the check's message, always ``"visible"`` (the
        message names how many hidden cases passed, never what they are); ``status`` is
        ``"passed"`` at full marks, else ``"failed"``. Texts are plain (``output_format``
        ``"text"``). ``extra_data`` keeps the notebook's path and status.

    Raises
    ------
    ValueError
        If ``rows`` is empty, mixes notebooks, or is not a consistent submission.

    Notes
    -----
    Gradescope has no "not gradable" result: such a file gets ``score`` 0 and no tests,
    with the reason in the top-level ``output`` and ``extra_data["status"]`` set to
    ``"not gradable"``, so the student sees why and can submit again.
    """
    notebook, rows, reason = _submission(rows)
    extra = {"notebook": notebook, "status": NOT_GRADABLE if reason else "graded"}
    if reason is not None:
        return {"score": 0.0, "output": f"Not gradable: {reason}", "output_format": "text",
                "extra_data": extra, "tests": []}
    points, max_points = _totals(rows)
    tests = [{"name": row.question, "score": float(row.points),
              "max_score": float(row.max_points),
              "status": "passed" if _passed(row) else "failed",
              "output": row.message, "visibility": "visible"} for row in rows]
    return {"score": points, "output": f"{_name(notebook)}: {points:g}/{max_points:g} points",
            "output_format": "text", "extra_data": extra, "tests": tests}


def prairielearn_results(rows) -> dict:
    """The content of a PrairieLearn external grader's ``results.json`` for one submission.

    PrairieLearn reads ``/grade/results/results.json``; its *External Grading* page defines
    ``gradable``, ``score`` (a fraction in [0, 1]), ``message``, ``format_errors`` (when not
    gradable) and ``tests`` with ``name``, ``points``, ``max_points``, ``message`` and an
    optional ``output``.

    Parameters
    ----------
    rows : iterable of Row
        The rows of one notebook.

    Returns
    -------
    dict
        ``gradable`` is ``True`` and ``score`` is the points over the maximum (0 when the
        maximum is 0), clipped to [0, 1]; one test per question, named by its id, with the
        check's message as ``message`` (the grader reads no printed output, so tests have no
        ``output``). A not-gradable file has ``gradable`` ``False``, the reason in
        ``message`` and ``format_errors``, no tests and ``score`` 0.0, which PrairieLearn
        ignores for a submission that is not gradable: it awards or takes no points and
        does not count the attempt.

    Raises
    ------
    ValueError
        If ``rows`` is empty, mixes notebooks, or is not a consistent submission.
    """
    notebook, rows, reason = _submission(rows)
    if reason is not None:
        return {"gradable": False, "score": 0.0, "message": f"Not gradable: {reason}",
                "format_errors": [reason], "tests": []}
    points, max_points = _totals(rows)
    score = min(1.0, max(0.0, points / max_points)) if max_points > 0 else 0.0
    tests = [{"name": row.question, "points": float(row.points),
              "max_points": float(row.max_points), "message": row.message} for row in rows]
    return {"gradable": True, "score": score,
            "message": f"{_name(notebook)}: {points:g}/{max_points:g} points", "tests": tests}


#: The results formats of :func:`write_results`.
FORMATS = {"gradescope": gradescope_results, "prairielearn": prairielearn_results}


# -- roster -----------------------------------------------------------------------------------

def _roster_key(text: str) -> tuple[str, ...] | None:
    """The path components of a roster entry; ``None`` if it names no file."""
    path = PurePosixPath(text.strip().replace("\\", "/"))
    if not path.parts or path.is_absolute() or ".." in path.parts:
        return None
    return path.parts


def _check_header(header: list[str], where: str) -> dict[str, int]:
    """Column positions of a roster header; ``ValueError`` on anything but the two columns."""
    names = [name.strip() for name in header]
    unknown = [name for name in names if name not in ROSTER_COLUMNS]
    missing = [name for name in ROSTER_COLUMNS if name not in names]
    if unknown or missing or len(set(names)) != len(names):
        problem = (f"unknown column(s) {', '.join(map(repr, unknown))}" if unknown else
                   f"missing column(s) {', '.join(missing)}" if missing else
                   "a column appears twice")
        raise ValueError(f"{where}, line 1: {problem}; a roster has exactly the columns "
                         f"{','.join(ROSTER_COLUMNS)}")
    return {name: names.index(name) for name in ROSTER_COLUMNS}


def _roster_entry(record: list[str], columns: dict[str, int], where: str):
    """``(key, notebook, student)`` of one roster line; ``ValueError`` naming the line."""
    if len(record) != len(columns):
        raise ValueError(f"{where}: {len(record)} field(s), the header has {len(columns)}")
    notebook = record[columns["notebook"]].strip()
    student = record[columns["student_id"]].strip()
    if not notebook or not student:
        raise ValueError(f"{where}: empty {'notebook' if not notebook else 'student_id'}")
    key = _roster_key(notebook)
    if key is None:
        raise ValueError(f"{where}: {notebook!r} is not a file name or a relative path")
    return key, notebook, student


def read_roster(path) -> dict[str, str]:
    """Read a roster: a CSV file with the columns ``notebook,student_id``.

    ``notebook`` is a notebook's file name (``01_numpy.ipynb``) or its path relative to the
    submissions folder (``alice/01_numpy.ipynb``; ``/`` or ``\\`` between folders). See
    :func:`apply_roster` for how entries find notebooks. A student id may appear on several
    lines (a student hands in several notebooks); blank lines are skipped; a UTF-8 byte
    order mark (as spreadsheets write) is accepted.

    Parameters
    ----------
    path : str or path-like
        The CSV file.

    Returns
    -------
    dict of str to str
        Notebook entry (normalised: ``/`` between folders, no ``./``) to student id.

    Raises
    ------
    ValueError
        Naming the file and line: a header other than the two columns (an unknown, missing
        or repeated column), a line with another number of fields, an empty field, an entry
        that is not a relative path (absolute, or with ``..``), or a notebook already on
        another line.
    """
    roster: dict[str, str] = {}
    lines: dict[tuple[str, ...], int] = {}
    with open(path, newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        columns = _check_header(next(reader, []), str(path))
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            where = f"{path}, line {reader.line_num}"
            key, notebook, student = _roster_entry(record, columns, where)
            if key in lines:
                raise ValueError(f"{where}: notebook {notebook!r} is already on line "
                                 f"{lines[key]}")
            lines[key] = reader.line_num
            roster[PurePosixPath(*key).as_posix()] = student
    return roster


def _best_entry(notebook: str, keys: dict[tuple[str, ...], str]) -> tuple[str, ...] | None:
    """The longest roster key that the notebook's path ends with, component by component."""
    parts = PurePath(notebook).parts
    matches = [key for key in keys if len(key) <= len(parts) and parts[-len(key):] == key]
    return max(matches, key=len, default=None)


def _roster_keys(roster: dict[str, str]) -> dict[tuple[str, ...], str]:
    """Path components of each roster entry to the entry, refusing what
    :func:`read_roster` refuses."""
    keys: dict[tuple[str, ...], str] = {}
    for entry in roster:
        key = _roster_key(entry)
        if key is None or key in keys:
            raise ValueError(f"roster entry {entry!r} is not a relative path, or names the "
                             "notebook of another entry; read rosters with read_roster")
        keys[key] = entry
    return keys


def _students(notebooks: list[str], roster: dict[str, str]):
    """``({notebook: student or None}, warnings)``: see :func:`apply_roster`."""
    keys = _roster_keys(roster)
    best = {notebook: _best_entry(notebook, keys) for notebook in notebooks}
    claims: dict[tuple[str, ...], list[str]] = {}
    for notebook, key in best.items():
        if key is not None:
            claims.setdefault(key, []).append(notebook)
    students, warnings = {}, []
    for notebook, key in best.items():
        students[notebook] = None
        if key is None:
            warnings.append(f"{notebook}: not in the roster")
        elif len(claims[key]) > 1:
            warnings.append(f"{notebook}: roster entry {keys[key]!r} matches "
                            f"{len(claims[key])} notebooks; give its path instead")
        else:
            students[notebook] = roster[keys[key]]
    warnings += [f"roster entry {entry!r} ({roster[entry]}): no notebook"
                 for key, entry in keys.items() if key not in claims]
    return students, warnings


def apply_roster(rows, roster: dict[str, str]) -> tuple[list[tuple[str | None, Row]],
                                                        list[str]]:
    """Pair every row with its student id.

    A roster entry matches a notebook whose path, as the rows record it, ends with the
    entry, folder by folder: ``alice/01_numpy.ipynb`` matches
    ``submissions/alice/01_numpy.ipynb`` but not ``submissions/malice/01_numpy.ipynb``, and
    a bare file name matches that file in any folder. Of the entries a notebook matches,
    the longest wins, so an exact relative path comes first and a file name last. An entry
    that is the best match of several notebooks names none of them (which one is it?).
    Matching is case-sensitive.

    Parameters
    ----------
    rows : iterable of Row
        Rows of any number of notebooks.
    roster : dict of str to str
        Notebook entry to student id, as :func:`read_roster` returns it.

    Returns
    -------
    pairs : list of (str or None, Row)
        Every row, in order, with its student id, or ``None`` when the roster does not name
        its notebook; no row is dropped.
    warnings : list of str
        One line per notebook without a student id (saying why), then one per roster entry
        that matched no notebook.
    """
    rows = list(rows)
    students, warnings = _students(list(group_rows(rows)), roster)
    return [(students[row.notebook], row) for row in rows], warnings


# -- file names -------------------------------------------------------------------------------

def _name(notebook: str) -> str:
    return PurePath(notebook).name


def safe_name(text: str) -> str:
    """``text`` as a file name any common file system accepts.

    Runs of characters other than letters, digits, ``_``, ``.`` and ``-`` become ``_``;
    leading dots and dashes and trailing dots go (no hidden file, no name read as a command
    option, nothing Windows refuses); a name Windows
    reserves (``CON``, ``NUL``, ``COM1``...) gets a leading ``_``; the result has at most 80
    characters and is never empty (``"submission"``).
    """
    name = _EDGES.sub("", _UNSAFE.sub("_", unicodedata.normalize("NFC", text)))
    name = _EDGES.sub("", name[:_MAX_NAME]) or "submission"
    if name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"[:_MAX_NAME]
    return name


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``...: the first not in ``taken`` ignoring case."""
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f"-{number}"
        candidate = name[:_MAX_NAME - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _labels(notebooks: list[str], students: dict[str, str | None]) -> dict[str, str]:
    """The student id, or else the notebook's stem; a label that several notebooks share
    is prefixed to the stem (the student id, or else the notebook's folder)."""
    labels = {nb: students[nb] or PurePath(nb).stem for nb in notebooks}
    shared = {label for label, count in Counter(labels.values()).items() if count > 1}
    for notebook, label in labels.items():
        path = PurePath(notebook)
        prefix = students[notebook] or path.parent.name
        if label in shared and prefix:
            labels[notebook] = f"{prefix}_{path.stem}"
    return labels


def submission_names(rows, roster: dict[str, str] | None = None) -> dict[str, str]:
    """A file name (without extension) for each notebook, safe and unique.

    The name is the student id when the roster gives one, else the notebook's file name
    without ``.ipynb``. A name that several notebooks would share becomes
    ``<student id>_<stem>`` (a student with several notebooks) or ``<folder>_<stem>``
    (``alice/01_numpy.ipynb`` and ``bob/01_numpy.ipynb`` give ``alice_01_numpy`` and
    ``bob_01_numpy``). Then :func:`safe_name`, and ``-2``, ``-3``... for a name already
    given (ignoring case, as macOS and Windows do), in the order of the notebooks.

    Parameters
    ----------
    rows : iterable of Row
        Rows of any number of notebooks.
    roster : dict of str to str, optional
        As :func:`read_roster` returns it.

    Returns
    -------
    dict of str to str
        Notebook path (as recorded in the rows) to its name.
    """
    notebooks = list(group_rows(rows))
    students = _students(notebooks, roster)[0] if roster else dict.fromkeys(notebooks)
    taken: set[str] = set()
    return {notebook: _unique(safe_name(label), taken)
            for notebook, label in _labels(notebooks, students).items()}


# -- writing ----------------------------------------------------------------------------------

def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all
    (:func:`~coursepkg.course.grading.write_atomically`)."""
    write_atomically(path, lambda file: file.write(text))


def _code(text: str) -> str:
    """``text`` as Markdown inline code, whatever backticks it holds."""
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _block(text: str) -> str:
    """``text`` as a fenced Markdown block, shown verbatim whatever it holds."""
    fence = "`" * max(3, max(map(len, re.findall("`+", text)), default=0) + 1)
    return f"{fence}text\n{text}\n{fence}"


def feedback_markdown(rows, student: str | None = None) -> str:
    """The Markdown feedback of one submission.

    Parameters
    ----------
    rows : iterable of Row
        The rows of one notebook.
    student : str, optional
        The student id, written under the title when given.

    Returns
    -------
    str
        A title with the notebook's file name; the student, the notebook's path and the
        total; then a section per question with its points and the check's message, shown
        verbatim. A not-gradable file says that it was not graded, has no points (which is
        not a zero), and why.
    """
    notebook, rows, reason = _submission(rows)
    lines = [f"# Feedback on {_name(notebook)}", ""]
    lines += [f"- Student: {_code(student)}"] if student is not None else []
    lines.append(f"- Notebook: {_code(notebook)}")
    if reason is not None:
        lines += ["- Total: not graded", "",
                  "This file could not be graded, so it has no points (not a zero). "
                  "The reason:", "", _block(reason)]
        return "\n".join(lines) + "\n"
    points, max_points = _totals(rows)
    lines.append(f"- Total: {points:g}/{max_points:g} points")
    for row in rows:
        lines += ["", f"## {row.question}: {row.points:g}/{row.max_points:g} points", "",
                  _block(row.message)]
    return "\n".join(lines) + "\n"


def _prepared(rows, folder, roster):
    """``(folder, groups, names, students)`` shared by the two writers."""
    rows = list(rows)
    groups = group_rows(rows)
    students = _students(list(groups), roster)[0] if roster else dict.fromkeys(groups)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder, groups, submission_names(rows, roster), students


def write_feedback(rows, folder, roster: dict[str, str] | None = None) -> list[Path]:
    """Write one Markdown feedback file per submission into ``folder``.

    Parameters
    ----------
    rows : iterable of Row
        Rows of any number of notebooks.
    folder : str or path-like
        Created if missing. A file of the same name is replaced whole.
    roster : dict of str to str, optional
        As :func:`read_roster` returns it; names the files and the students. A notebook it
        does not name is still written, under its own name (:func:`apply_roster` lists them).

    Returns
    -------
    list of Path
        ``folder/<name>.md`` per notebook, in order, with names from
        :func:`submission_names`; content from :func:`feedback_markdown`. Each file is
        written atomically: an interrupted run leaves whole files, never part of one.
    """
    folder, groups, names, students = _prepared(rows, folder, roster)
    paths = []
    for notebook, group in groups.items():
        path = folder / f"{names[notebook]}.md"
        _write_atomic(path, feedback_markdown(group, students[notebook]))
        paths.append(path)
    return paths


def write_results(rows, folder, fmt: str, roster: dict[str, str] | None = None
                  ) -> list[Path]:
    """Write one ``results.json`` per submission, for Gradescope or PrairieLearn.

    The layout is ``folder/<name>/results.json``, one sub-folder per notebook named by
    :func:`submission_names` (the student id with a roster, else the notebook's stem), so
    each sub-folder holds what that submission's grading job leaves in
    ``/autograder/results/`` (Gradescope) or ``/grade/results/`` (PrairieLearn).

    Parameters
    ----------
    rows : iterable of Row
        Rows of any number of notebooks.
    folder : str or path-like
        Created if missing, as are its sub-folders; a ``results.json`` already there is
        replaced whole (atomically).
    fmt : {"gradescope", "prairielearn"}
        :func:`gradescope_results` or :func:`prairielearn_results`.
    roster : dict of str to str, optional
        As :func:`read_roster` returns it.

    Returns
    -------
    list of Path
        The files written, in the order of the notebooks.

    Raises
    ------
    ValueError
        For an unknown ``fmt`` (before anything is written).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown results format {fmt!r}; choose from {', '.join(FORMATS)}")
    folder, groups, names, _ = _prepared(rows, folder, roster)
    paths = []
    for notebook, group in groups.items():
        path = folder / names[notebook] / "results.json"
        path.parent.mkdir(exist_ok=True)
        text = json.dumps(FORMATS[fmt](group), indent=2, allow_nan=False)
        _write_atomic(path, text + "\n")
        paths.append(path)
    return paths
