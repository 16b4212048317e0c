"""Score a folder of submitted exercise notebooks: ``coursepkg grade SUBMISSIONS... --out FILE``.

For each notebook the grader

1. reads it (a file that is not a notebook gets a row saying so) and finds its chapter: the
   ``coursepkg.chapter`` metadata written by :mod:`coursepkg.course.exercises`, else the
   ``from coursepkg.course.checks import chNN`` line, else a file name starting with ``NN_``;
2. executes a copy of it with nbclient in a fresh kernel, in a temporary directory, with a
   per-cell timeout and ``allow_errors`` (a cell that raises does not stop later cells, a cell
   that loops forever is interrupted, a kernel that dies or stays stuck is restarted and the
   notebook re-run without the offending cell);
3. grades every question of the chapter (``coursepkg.course.checks.chNN.QUESTIONS``) in the
   grader's own process, with its own NumPy and its own copy of the package: the check
   reaches the notebook's answer through :mod:`coursepkg.course.remote`, so the kernel only
   calls the student's objects on the check's inputs and sends back their raw results,
   which the grader decodes and compares. A notebook that patches NumPy, the package or a
   builtin, or edits its check cells, changes nothing but its own answers. The kernel's
   end of the conversation is installed after the notebook ran, under a name chosen then;
   printed text is never read: replies come back as a display output of a private MIME
   type, tagged with a random token per request.

The submission file is only read, never written. One row per notebook and question:
``notebook, question, points, max_points, message, status``; a summary line gives the mean
points of each question. A file that is not a readable notebook, or whose chapter cannot be
told, is *not gradable*: one row with that status and the reason, and no points (a zero
would read as a graded blank). Points are what each question declares; the grader does not
run a check to learn them.
"""

from __future__ import annotations

import argparse
import copy
import csv
import functools
import io
import json
import logging
import secrets
import subprocess
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

from tqdm import tqdm

from coursepkg.course.chapters import chapter_of_notebook
from coursepkg.course.extra import missing_course_extra

try:
    import nbformat
    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError
except ImportError as error:
    raise missing_course_extra(error, "grading") from error
from coursepkg.course import remote
from coursepkg.course.checks import chapter_module, load_hidden_cases

__all__ = ["Row", "find_notebooks", "detect_chapter", "grade_notebook", "grade", "summary",
           "write_rows", "main"]

FIELDS = ("notebook", "question", "points", "max_points", "message", "status")
NOT_GRADABLE = "not gradable"
RESULT_MIME = "application/vnd.coursepkg.grade+json"
#: Execute reply nbclient reports when a cell exceeds its timeout (after interrupting it).
_TIMEOUT_ENAME = "CellTimeout"
#: How long a kernel may take to answer a trivial cell after an interrupt.
_PROBE_TIMEOUT = 5
#: A notebook whose kernel dies or hangs this many times is given up.
_MAX_KERNEL_STARTS = 3

_QUIET = logging.getLogger("coursepkg.course.grading.kernel")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def _serve_requests(kernel: "_Kernel", cwd: str) -> remote.Session | None:
    """Install the kernel's end of :mod:`coursepkg.course.remote` under a name chosen now,
    after the notebook ran, and return the grader's end; ``None`` if the kernel refuses."""
    name = f"_coursepkg_agent_{secrets.token_hex(8)}"
    status, _ = kernel.run_extra(remote.AGENT_SOURCE.format(name=name, mime=RESULT_MIME))
    if status != "ok":
        return None

    def execute(request: str):
        token = secrets.token_hex(16)
        status, cell = kernel.run_extra(f"{name}({request!r}, {token!r})")
        payload = _result_of(cell, token)
        if payload is None:
            return ("error" if status == "ok" else status), None
        return "ok", payload.get("result")
    return remote.Session(execute, folder=cwd)


def _grade_question(question, session: remote.Session, hidden: tuple = ()) -> dict:
    """Run ``question``'s check here, with its ``hidden`` cases, on the kernel's answer;
    ``KernelLost`` propagates."""
    answer = session.lookup(question.answer_name)
    origin = session.origin(answer) if isinstance(answer, remote.Remote) else None
    if origin and origin.split(".")[0] == "coursepkg":
        max_points = question.points + sum(case.points for case in hidden)
        return {"points": 0, "message": (
            f"{question.name} {question.title}: 0/{max_points:g} - `{question.answer_name}` "
            f"is the package's own {origin}, not code written in the notebook")}
    result = question.run(answer, session, hidden)
    return {"points": result.points, "message": result.message}


@functools.lru_cache(maxsize=4)
def hidden_cases(folder: str) -> dict:
    """The hidden cases in ``folder`` (:func:`coursepkg.course.checks.load_hidden_cases`),
    loaded once per process."""
    return load_hidden_cases(folder)


@dataclass(frozen=True)
class Row:
    """One line of the score sheet.

    ``status`` is ``"graded"``, or ``"not gradable"`` for a file that is not a readable
    notebook or whose chapter cannot be told: one row with question ``"-"``, no points
    (``None``, an empty cell in CSV) and the reason in ``message``. It is not a zero.
    """

    notebook: str
    question: str
    points: float | None
    max_points: float | None
    message: str
    status: str = "graded"


def find_notebooks(paths) -> list[Path]:
    """The ``.ipynb`` files among ``paths``, searching folders recursively (sorted, unique)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts)
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return list(dict.fromkeys(found))


def detect_chapter(nb, path) -> str | None:
    """The chapter (``"ch01"``) of a notebook, or ``None`` when nothing tells; see
    :func:`coursepkg.course.chapters.chapter_of_notebook`."""
    return chapter_of_notebook(nb, path)


def _read(path: Path):
    """``(notebook, None)`` or ``(None, reason)``; the file is only read."""
    try:
        text = path.read_bytes().decode("utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
    except Exception as error:  # any unreadable file is reported, never fatal
        reason = " ".join(str(error).split())[:120]
        return None, f"not a valid notebook ({type(error).__name__}: {reason})"
    return nb, None


def _data_limit(megabytes: int):
    """A ``preexec_fn`` that caps the process's data segment at ``megabytes`` MiB."""
    def limit():
        import resource
        size = megabytes * 2**20
        resource.setrlimit(resource.RLIMIT_DATA, (size, size))
    return limit


class _Kernel:
    """One kernel running a copy of a notebook, able to run extra cells after it."""

    def __init__(self, nb, cwd: str, timeout: int):
        self.nb = copy.deepcopy(nb)
        self.replies: dict[int, dict] = {}
        self.client = NotebookClient(
            self.nb, timeout=timeout, kernel_name=NATIVE_KERNEL_NAME, allow_errors=True,
            interrupt_on_timeout=True, record_timing=False, log=_QUIET,
            shutdown_kernel="immediate",
            error_on_timeout={"ename": _TIMEOUT_ENAME, "evalue": f"{timeout} s",
                              "traceback": []},
            resources={"metadata": {"path": cwd}},
            on_cell_executed=self._record_reply)

    def _record_reply(self, cell, cell_index, execute_reply):
        self.replies[cell_index] = (execute_reply or {}).get("content", {})

    def start(self, memory_limit: int | None = None):
        """Start the kernel; with ``memory_limit`` (MiB) its data segment is capped, so an
        allocation beyond it raises ``MemoryError`` in the notebook instead of exhausting
        the machine (Linux counts every private writable mapping: NumPy's arrays)."""
        limit = {} if memory_limit is None else {"preexec_fn": _data_limit(memory_limit)}
        # The kernel's own log lines (stderr) are not the submission's output.
        return self.client.setup_kernel(stderr=subprocess.DEVNULL, **limit)

    def run(self, index: int) -> str:
        """Run cell ``index``: ``"ok"``, ``"error"``, ``"timeout"`` or ``"dead"``."""
        try:
            self.client.execute_cell(self.nb.cells[index], index)
        except DeadKernelError:
            return "dead"
        reply = self.replies.get(index, {})
        if reply.get("status") != "error":
            return "ok"
        return "timeout" if reply.get("ename") == _TIMEOUT_ENAME else "error"

    def run_extra(self, source: str) -> tuple[str, object]:
        """Run ``source`` in a new cell appended to the copy; returns (status, cell)."""
        self.nb.cells.append(nbformat.v4.new_code_cell(source))
        status = self.run(len(self.nb.cells) - 1)
        return status, self.nb.cells[-1]

    def responsive(self) -> bool:
        """Whether the kernel still answers after an interrupted cell."""
        previous = self.client.timeout, self.client.iopub_timeout
        self.client.timeout = self.client.iopub_timeout = _PROBE_TIMEOUT
        try:
            return self.run_extra("pass")[0] == "ok"
        finally:
            self.client.timeout, self.client.iopub_timeout = previous


def _result_of(cell, token: str) -> dict | None:
    for output in cell.get("outputs", []):
        payload = output.get("data", {}).get(RESULT_MIME)
        if isinstance(payload, dict) and payload.get("token") == token:
            return payload
    return None


def _grade_in_kernels(nb, chapter: str, questions, timeout: int, hidden: dict,
                      memory_limit: int | None = None):
    """Run the notebook and grade ``questions``; returns ({question: dict}, notes, bugs)."""
    code_cells = [i for i, cell in enumerate(nb.cells)
                  if cell.cell_type == "code" and cell.source.strip()]
    skipped: set[int] = set()
    results: dict[str, dict] = {}
    internal_errors: list[str] = []
    def cell(index):  # how a note names a cell: its number and first line
        first = nb.cells[index].source.strip().splitlines()[0]
        return f"cell {index + 1} ({first[:30] + '...' if len(first) > 30 else first})"

    for _ in range(_MAX_KERNEL_STARTS):
        notes: list[str] = [f"{cell(i)} was skipped: it killed or hung the kernel"
                            for i in sorted(skipped)]
        with tempfile.TemporaryDirectory(prefix="coursepkg-grade-") as cwd:
            kernel = _Kernel(nb, cwd, timeout)
            restart = False
            with kernel.start(memory_limit):
                for index in code_cells:
                    if index in skipped:
                        continue
                    status = kernel.run(index)
                    if status == "error":
                        ename = kernel.replies[index].get("ename")
                        over = (f" (over the memory limit of {memory_limit} MiB)"
                                if memory_limit and "MemoryError" in str(ename) else "")
                        notes.append(f"{cell(index)} raised {ename}{over}")
                    elif status == "timeout":
                        notes.append(f"{cell(index)} timed out after {timeout} s")
                        if not kernel.responsive():
                            skipped.add(index)
                            restart = True
                            break
                    elif status == "dead":
                        skipped.add(index)
                        restart = True
                        break
                session = None if restart else _serve_requests(kernel, cwd)
                for name, question in questions.items():
                    if restart or name in results:
                        continue
                    if session is None:
                        results[name] = {"points": 0, "message": (
                            "not graded: the notebook's kernel cannot run the grader's "
                            "requests (did the notebook remove IPython or coursepkg?)")}
                        continue
                    try:
                        results[name] = _grade_question(
                            question, session, hidden.get((chapter, name), ()))
                    except remote.KernelLost as lost:
                        results[name] = {"points": 0, "message": (
                            f"checking the answer timed out after {timeout} s"
                            if lost.status == "timeout" else
                            "the kernel died while checking the answer"
                            if lost.status == "dead" else
                            "the notebook's kernel stopped answering the grader")}
                        restart = lost.status == "dead" or not kernel.responsive()
                        if not restart:
                            session = _serve_requests(kernel, cwd)
                    except Exception as error:  # the check's own code failed: a bug
                        text = f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"
                        internal_errors.append(f"{chapter}.{name}: {text}")
                        results[name] = {"points": 0, "message": f"grader error: {text}"}
        if not restart:
            return results, notes, internal_errors
    for name in questions:
        results.setdefault(name, {"points": 0, "message": (
            f"not graded: the kernel died or hung {_MAX_KERNEL_STARTS} times")})
    return results, notes, internal_errors


def grade_notebook(path, *, timeout: int = 60, hidden=None, memory_limit: int | None = None
                   ) -> tuple[list[Row], list[str]]:
    """Rows of one notebook and the grader errors met (a non-empty list means a check bug).

    ``hidden`` is a folder of hidden-case modules (see :func:`hidden_cases`), or ``None``;
    ``memory_limit`` caps the kernel's memory in MiB (see :meth:`_Kernel.start`).
    """
    path = Path(path)
    cases = hidden_cases(str(hidden)) if hidden is not None else {}
    nb, unreadable = _read(path)
    chapter = None if unreadable else detect_chapter(nb, path)
    if unreadable or chapter is None:
        reason = unreadable or "cannot tell its chapter (no coursepkg metadata, no check " \
                               "import, no NN_ file name)"
        return [Row(str(path), "-", None, None, reason, NOT_GRADABLE)], []
    try:
        questions = chapter_module(chapter).QUESTIONS
    except ValueError as error:
        return [Row(str(path), "-", None, None, str(error), NOT_GRADABLE)], []
    max_points = {name: q.points + sum(case.points for case in cases.get((chapter, name), ()))
                  for name, q in questions.items()}  # declared, never found by running
    results, notes, internal_errors = _grade_in_kernels(nb, chapter, questions, timeout,
                                                        cases, memory_limit)
    rows = []
    for name in questions:
        result = results[name]
        message = result["message"]
        if result["points"] < max_points[name] and notes:
            message += f" [notebook: {'; '.join(notes[:3])}]"
        rows.append(Row(str(path), f"{chapter}.{name}", result["points"], max_points[name],
                        message))
    return rows, internal_errors


def _grade_in_workers(notebooks: list[Path], timeout: int, jobs: int, bar,
                      hidden=None) -> list:
    """``grade_notebook`` of each notebook, in ``jobs`` worker processes; results in the
    order of ``notebooks``. Workers are spawned, not forked: each starts a clean interpreter
    and no thread or socket of this process is copied into it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results = [None] * len(notebooks)
    with ProcessPoolExecutor(max_workers=min(jobs, len(notebooks)),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(grade_notebook, path, timeout=timeout, hidden=hidden): index
                   for index, path in enumerate(notebooks)}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return results


def grade(paths, *, timeout: int = 60, progress: bool | None = None, jobs: int = 1,
          hidden=None) -> tuple[list[Row], list[str]]:
    """Grade every notebook found in ``paths``; returns (rows, grader errors).

    ``hidden`` is a folder of the instructor's hidden-case modules
    (:func:`coursepkg.course.checks.load_hidden_cases`), checked before any grading.

    ``jobs`` worker processes grade notebooks at the same time, each notebook still in a
    fresh kernel of its own; the rows come in the same order (that of
    :func:`find_notebooks`) and are the same for any ``jobs``. The workers are spawned, so
    a script that calls this with ``jobs`` above 1 keeps its own top-level code under
    ``if __name__ == "__main__":``.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer of at least 1, not {jobs!r}")
    if hidden is not None:
        hidden = str(Path(hidden).resolve())
        hidden_cases(hidden)  # a bad folder or case fails now, not in every notebook
    notebooks = find_notebooks(paths)
    with tqdm(total=len(notebooks), desc="grading", unit="notebook",
              disable=not progress if progress is not None else None, file=sys.stderr) as bar:
        if jobs == 1 or len(notebooks) < 2:
            results = []
            for path in notebooks:
                results.append(grade_notebook(path, timeout=timeout, hidden=hidden))
                bar.update()
        else:
            results = _grade_in_workers(notebooks, timeout, jobs, bar, hidden)
    rows, errors = [], []
    for notebook_rows, notebook_errors in results:
        rows += notebook_rows
        errors += notebook_errors
    return rows, errors


def summary(rows: list[Row]) -> str:
    """One line: the mean points of each question over the notebooks graded, and how many
    files were not gradable."""
    by_question: dict[str, list[Row]] = {}
    for row in rows:
        if row.status != NOT_GRADABLE:
            by_question.setdefault(row.question, []).append(row)
    notebooks = len({row.notebook for row in rows if row.status != NOT_GRADABLE})
    not_gradable = len({row.notebook for row in rows if row.status == NOT_GRADABLE})
    means = ", ".join(
        f"{question} {sum(r.points for r in group) / len(group):.2f}/{group[0].max_points:g}"
        for question, group in by_question.items())
    line = f"mean points per question over {notebooks} notebook(s): {means or 'none'}"
    return line + (f"; {not_gradable} file(s) not gradable" if not_gradable else "")


def write_rows(rows: list[Row], file, fmt: str = "csv") -> None:
    """Write ``rows`` to an open text file as CSV (with a header) or as a JSON list."""
    if fmt == "json":
        json.dump([asdict(row) for row in rows], file, indent=1)
        file.write("\n")
        return
    writer = csv.DictWriter(file, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    def number(value):
        return "" if value is None else f"{value:g}"
    for row in rows:
        writer.writerow({**asdict(row), "points": number(row.points),
                         "max_points": number(row.max_points)})


def _jobs_count(text: str) -> int:
    """``--jobs``: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="coursepkg grade",
        description="Execute submitted exercise notebooks and score every question.")
    parser.add_argument("submissions", nargs="+", type=Path,
                        help="notebooks, or folders searched recursively for *.ipynb")
    parser.add_argument("--out", default="-",
                        help="file to write the scores to (default: standard output)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--timeout", type=int, default=60,
                        help="seconds a cell (or one question's check) may run (default 60)")
    parser.add_argument("--jobs", type=_jobs_count, default=1, metavar="N",
                        help="grade N notebooks at a time, in N worker processes, each "
                             "notebook in a fresh kernel (default 1; at most one per core "
                             "helps)")
    parser.add_argument("--hidden", type=Path, metavar="DIR",
                        help="folder of hidden-case modules: cases added to the questions "
                             "when grading, which students never see")
    args = parser.parse_args(argv)
    try:
        rows, errors = grade(args.submissions, timeout=args.timeout, jobs=args.jobs,
                             hidden=args.hidden)
    except (FileNotFoundError, ValueError) as error:
        parser.error(str(error))
    if args.out == "-":
        buffer = io.StringIO()
        write_rows(rows, buffer, args.format)
        sys.stdout.write(buffer.getvalue())
        report = sys.stderr
    else:
        with open(args.out, "w", newline="", encoding="utf-8") as file:
            write_rows(rows, file, args.format)
        report = sys.stdout
        print(f"wrote {len(rows)} rows to {args.out}", file=report)
    print(summary(rows), file=report)
    for error in errors:
        print(f"grader error (a bug in a check, not the submission's fault): {error}",
              file=sys.stderr)
    return 1 if errors else 0
