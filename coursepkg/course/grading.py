"""Score a folder of submitted exercise notebooks: ``coursepkg grade SUBMISSIONS... --out FILE``.

For each notebook the grader

1. reads it (a file that is not a notebook gets a row saying so) and finds its chapter: the
   ``coursepkg.chapter`` metadata written by :mod:`coursepkg.course.exercises`, else the
   ``from coursepkg.course.checks import chNN`` line, else a file name starting with ``NN_``;
2. reads its code cells for uses of the exercise checks' private code
   (:mod:`coursepkg.course.integrity`): a notebook that computes its answers with them
   scores zero on every question, with the cells named in the message;
3. executes a copy of it with nbclient in a fresh kernel, in a temporary directory, with a
   per-cell timeout and ``allow_errors`` (a cell that raises does not stop later cells, a cell
   that loops forever is interrupted, a kernel that dies or stays stuck is restarted and the
   notebook re-run without the offending cell);
4. grades every question of the chapter (``coursepkg.course.checks.chNN.QUESTIONS``) in the
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
import contextlib
import copy
import csv
import functools
import io
import json
import logging
import os
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
from coursepkg.course.integrity import private_check_uses

__all__ = ["Row", "NOT_GRADABLE", "find_notebooks", "detect_chapter", "hidden_cases",
           "grade_notebook", "grade", "summary", "write_rows", "read_rows", "write_atomically",
           "Journal", "CLUSTER_INSTALL_COMMAND", "ClusterExtraMissing", "main"]

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
    ``memory_limit`` caps the kernel's data segment in MiB: an allocation beyond it raises
    ``MemoryError`` in the notebook, noted in its rows.
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
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    uses = private_check_uses([nb.cells[i].source for i in code])
    if uses:
        where = "; ".join(f"cell {code[i] + 1}: {name}" for i, name in uses[:3])
        return [Row(str(path), f"{chapter}.{name}", 0, max_points[name], (
            f"{name} {q.title}: 0/{max_points[name]:g} - the notebook uses the exercise "
            f"checks' private code ({where}), which computes the expected answers; "
            f"flagged for the instructor")) for name, q in questions.items()], []
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


def _grade_in_workers(notebooks: list[Path], options: dict, jobs: int, done) -> None:
    """``grade_notebook(path, **options)`` of each notebook in ``jobs`` worker processes,
    calling ``done(index, result)`` as each finishes. Workers are spawned, not forked: each
    starts a clean interpreter and no thread or socket of this process is copied into it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=min(jobs, len(notebooks)),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(grade_notebook, path, **options): index
                   for index, path in enumerate(notebooks)}
        try:
            for future in as_completed(futures):
                done(futures[future], future.result())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


#: The install command named when ``--scheduler`` is used without Dask distributed.
CLUSTER_INSTALL_COMMAND = 'pip install "coursepkg[cluster]"'


class ClusterExtraMissing(ImportError):
    """``--scheduler`` was used without the ``cluster`` extra (Dask distributed)."""


def _distributed():
    """The ``distributed`` module, imported only when a scheduler is used."""
    try:
        import distributed
    except ImportError as error:
        raise ClusterExtraMissing(
            f"grading on a Dask cluster (--scheduler) needs the cluster extra, and "
            f"{error.name or 'distributed'} is not installed. Install it with:\n"
            f"    {CLUSTER_INSTALL_COMMAND}", name=error.name) from error
    return distributed


def _grade_on_cluster(notebooks: list[Path], options: dict, scheduler, done) -> None:
    """``grade_notebook(path, **options)`` of each notebook on the Dask cluster whose
    scheduler is ``scheduler`` (an address such as ``tcp://host:8786``, or a
    ``distributed`` cluster object), calling ``done(index, result)`` as each finishes.

    Each notebook is one task (``pure=False``: graded again on every run, never taken from
    a cache); the workers read the notebooks and the hidden-case folder by the paths given,
    so they need the same files at the same paths (a shared file system)."""
    distributed = _distributed()
    with distributed.Client(scheduler) as client:
        futures = {client.submit(grade_notebook, path, **options, pure=False): index
                   for index, path in enumerate(notebooks)}
        try:
            for future in distributed.as_completed(futures):
                done(futures[future], future.result())
        except BaseException:
            client.cancel(list(futures), force=True)
            raise


def grade(paths, *, timeout: int = 60, progress: bool | None = None, jobs: int = 1,
          hidden=None, memory_limit: int | None = None, skip=(), on_notebook=None,
          scheduler=None) -> tuple[list[Row], list[str]]:
    """Grade every notebook found in ``paths``; returns (rows, grader errors).

    ``hidden`` is a folder of the instructor's hidden-case modules
    (:func:`coursepkg.course.checks.load_hidden_cases`), checked before any grading;
    ``memory_limit`` caps each kernel's memory in MiB.

    ``jobs`` worker processes grade notebooks at the same time, each notebook still in a
    fresh kernel of its own; the rows come in the same order (that of
    :func:`find_notebooks`) and are the same for any ``jobs``. The workers are spawned, so
    a script that calls this with ``jobs`` above 1 keeps its own top-level code under
    ``if __name__ == "__main__":``.

    ``skip`` holds notebooks already graded (as :func:`find_notebooks` names them), left
    out; ``on_notebook(rows, errors)`` is called as soon as each notebook is graded, so a
    caller can save its rows at once and an interruption loses only the notebooks under way.

    ``scheduler``, the address of a Dask distributed scheduler (``tcp://host:8786``) or a
    cluster object, sends each notebook to that cluster's workers instead (the ``cluster``
    extra); the rows are the same, in the same order. It excludes ``jobs`` above 1.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer of at least 1, not {jobs!r}")
    if scheduler is not None and jobs != 1:
        raise ValueError("use either a scheduler or jobs, not both: the cluster's workers "
                         "set how many notebooks are graded at a time")
    if scheduler is not None:
        _distributed()  # a missing extra fails now, before anything is graded
    if hidden is not None:
        hidden = str(Path(hidden).resolve())
        hidden_cases(hidden)  # a bad folder or case fails now, not in every notebook
    options = {"timeout": timeout, "hidden": hidden, "memory_limit": memory_limit}
    skip = {str(path) for path in skip}
    notebooks = [path for path in find_notebooks(paths) if str(path) not in skip]
    results: dict[int, tuple[list[Row], list[str]]] = {}
    with tqdm(total=len(notebooks), desc="grading", unit="notebook",
              disable=not progress if progress is not None else None, file=sys.stderr) as bar:
        def done(index, result):
            results[index] = result
            if on_notebook is not None:
                on_notebook(*result)
            bar.update()
        if scheduler is not None:
            if notebooks:
                _grade_on_cluster(notebooks, options, scheduler, done)
        elif jobs == 1 or len(notebooks) < 2:
            for index, path in enumerate(notebooks):
                done(index, grade_notebook(path, **options))
        else:
            _grade_in_workers(notebooks, options, jobs, done)
    rows, errors = [], []
    for index in sorted(results):
        rows += results[index][0]
        errors += results[index][1]
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


def write_rows(rows: list[Row], file, fmt: str = "csv", students: list | None = None
               ) -> None:
    """Write ``rows`` to an open text file as CSV (with a header) or as a JSON list.

    ``students``, one student id (or ``None``) per row, adds a ``student_id`` column.
    """
    records = [asdict(row) for row in rows]
    if students is not None:
        records = [{"student_id": student, **record}
                   for student, record in zip(students, records)]
    if fmt == "json":
        json.dump(records, file, indent=1)
        file.write("\n")
        return
    fields = (("student_id",) if students is not None else ()) + FIELDS
    writer = csv.DictWriter(file, fieldnames=fields, lineterminator="\n")
    writer.writeheader()

    def number(value):
        return "" if value is None else f"{value:g}"
    for record in records:
        writer.writerow({**record, "points": number(record["points"]),
                         "max_points": number(record["max_points"])})


def write_atomically(path, write) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then put it in its place:
    a reader (or an interrupted run) sees the old file or the new one, never half of one.
    The file is readable by all, like one written by ``open``."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _row(data: dict) -> Row:
    def number(value):
        return None if value in (None, "") else float(value)
    return Row(str(data["notebook"]), str(data["question"]), number(data["points"]),
               number(data["max_points"]), str(data["message"]),
               str(data.get("status") or "graded"))


def read_rows(path) -> list[Row]:
    """The rows of a score sheet written by :func:`write_rows` (CSV or JSON), or of the
    journal of an unfinished run (one JSON row per line)."""
    text = Path(path).read_text(encoding="utf-8")
    if not text.strip():
        return []
    if text.lstrip().startswith("["):
        return [_row(data) for data in json.loads(text)]
    if text.lstrip().startswith("{"):
        return [_row(json.loads(line)) for line in text.splitlines() if line.strip()]
    return [_row(data) for data in csv.DictReader(io.StringIO(text))]


class Journal:
    """The rows of an unfinished run, saved as each notebook is graded (``OUT.partial``):
    one JSON row per line, flushed to the disk, so that an interruption loses only the
    notebooks under way and ``--resume`` goes on from there."""

    def __init__(self, out):
        self.path = Path(f"{out}.partial")

    def previous(self, out=None) -> list[Row]:
        """The rows graded before: the journal's, else those of a finished score sheet
        ``out``."""
        if self.path.exists():
            return read_rows(self.path)
        return read_rows(out) if out is not None and Path(out).exists() else []

    def add(self, rows: list[Row], errors: list[str] = ()) -> None:
        with self.path.open("a", encoding="utf-8") as file:
            file.write("".join(json.dumps(asdict(row)) + "\n" for row in rows))
            file.flush()
            os.fsync(file.fileno())

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


def _positive_integer(text: str) -> int:
    """``--jobs``, ``--memory-limit``: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coursepkg grade",
        description="Execute submitted exercise notebooks and score every question.")
    parser.add_argument("submissions", nargs="+", type=Path,
                        help="notebooks, or folders searched recursively for *.ipynb")
    parser.add_argument("--out", default="-",
                        help="file to write the scores to (default: standard output)")
    parser.add_argument("--format", choices=("csv", "json", "gradescope", "prairielearn"),
                        default="csv",
                        help="a score sheet (csv, json), or with gradescope and prairielearn "
                             "a folder --out with one results.json per submission")
    parser.add_argument("--timeout", type=int, default=60,
                        help="seconds a cell (or one question's check) may run (default 60)")
    parser.add_argument("--jobs", type=_positive_integer, metavar="N",
                        help="grade N notebooks at a time, in N worker processes, each "
                             "notebook in a fresh kernel (default 1; at most one per core "
                             "helps)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on a Dask distributed cluster: the address of its "
                             "scheduler (tcp://host:8786); each notebook is one task, "
                             "and the workers must see the same files at the same paths "
                             "(needs pip install \"coursepkg[cluster]\"; not with --jobs)")
    parser.add_argument("--hidden", type=Path, metavar="DIR",
                        help="folder of hidden-case modules: cases added to the questions "
                             "when grading, which students never see")
    parser.add_argument("--memory-limit", type=_positive_integer, metavar="MiB",
                        help="cap each kernel's memory: an allocation beyond it fails in "
                             "that notebook only")
    parser.add_argument("--resume", action="store_true",
                        help="with --out FILE: keep the notebooks already graded there (or in "
                             "FILE.partial, left by an interrupted run) and grade the rest")
    parser.add_argument("--roster", type=Path, metavar="CSV",
                        help="CSV with columns notebook,student_id: adds a student_id column "
                             "and names the results and feedback files")
    parser.add_argument("--feedback", type=Path, metavar="DIR",
                        help="also write one Markdown feedback file per submission into DIR")
    parser.add_argument("--report", type=Path, metavar="HTML",
                        help="also write the class report: per question the mean, the pass "
                             "rate, the distribution of scores and the most frequent "
                             "mistakes")
    return parser


def _write_outputs(args, rows: list[Row], roster: dict | None) -> str:
    """Write the score sheet or results files, and the feedback files; returns what to
    print about where they went."""
    from coursepkg.course import exports  # it builds on this module's rows

    written = []
    if args.format in exports.FORMATS:
        paths = exports.write_results(rows, args.out, args.format, roster)
        written.append(f"wrote {len(paths)} {args.format} results.json file(s) under "
                       f"{args.out}")
    else:
        students = ([student for student, _ in exports.apply_roster(rows, roster)[0]]
                    if roster is not None else None)
        if args.out == "-":
            buffer = io.StringIO()
            write_rows(rows, buffer, args.format, students)
            sys.stdout.write(buffer.getvalue())
        else:
            write_atomically(args.out,
                             lambda file: write_rows(rows, file, args.format, students))
            written.append(f"wrote {len(rows)} rows to {args.out}")
    if args.feedback is not None:
        paths = exports.write_feedback(rows, args.feedback, roster)
        written.append(f"wrote {len(paths)} feedback file(s) into {args.feedback}")
    if args.report is not None and rows:
        from coursepkg.course.report import write_report
        write_report(rows, args.report)
        written.append(f"wrote the class report to {args.report}")
    return "\n".join(written)


def main(argv=None) -> int:
    from coursepkg.course import exports

    parser = _parser()
    args = parser.parse_args(argv)
    if args.scheduler is not None and args.jobs is not None:
        parser.error("--scheduler and --jobs cannot be used together: the cluster's "
                     "workers set how many notebooks are graded at a time")
    if args.scheduler is not None:
        try:
            _distributed()
        except ClusterExtraMissing as error:
            print(f"coursepkg grade: {error}", file=sys.stderr)
            return 3
    if args.resume and args.out == "-":
        parser.error("--resume needs --out FILE: it goes on from what FILE holds")
    results_folder = args.format in exports.FORMATS
    if results_folder and args.out == "-":
        parser.error(f"--format {args.format} needs --out DIR, the folder of results files")
    try:
        roster = exports.read_roster(args.roster) if args.roster is not None else None
    except (OSError, ValueError) as error:
        parser.error(f"--roster: {error}")
    journal = Journal(args.out) if args.out != "-" else None
    previous = (journal.previous(None if results_folder else args.out)
                if args.resume else [])
    if journal is not None and not args.resume:
        journal.close()  # a fresh run: forget what an earlier one left
    if journal is not None and args.resume and not journal.path.exists():
        journal.add(previous)
    graded_before = {row.notebook for row in previous}
    interrupted = False
    try:
        new_rows, errors = grade(args.submissions, timeout=args.timeout,
                                 jobs=args.jobs or 1,
                                 hidden=args.hidden, memory_limit=args.memory_limit,
                                 skip=graded_before, scheduler=args.scheduler,
                                 on_notebook=journal.add if journal else None)
    except (FileNotFoundError, ValueError) as error:
        parser.error(str(error))
    except KeyboardInterrupt:
        if journal is None:
            raise
        interrupted, errors = True, []
        new_rows = read_rows(journal.path)[len(previous):]
    rows = previous + new_rows
    if roster is not None:
        for warning in exports.apply_roster(rows, roster)[1]:
            print(f"roster: {warning}", file=sys.stderr)
    report = sys.stderr if args.out == "-" else sys.stdout
    written = _write_outputs(args, rows, roster)
    if written:
        kept = f" ({len(graded_before)} notebook(s) kept from before)" if previous else ""
        print(written + kept, file=report)
    print(summary(rows), file=report)
    for error in errors:
        print(f"grader error (a bug in a check, not the submission's fault): {error}",
              file=sys.stderr)
    if interrupted:
        print(f"interrupted: the notebooks graded so far are in {args.out}; run the same "
              f"command with --resume to grade the rest", file=sys.stderr)
        return 130
    if journal is not None:
        journal.close()
    return 1 if errors else 0
