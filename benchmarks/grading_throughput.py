"""Benchmark: how many submitted notebooks ``coursepkg grade`` scores per minute, at 1 and at
2 jobs, and where the time of one notebook goes.

The class is synthetic: :mod:`synthetic_class` (beside this file) writes ``--per-chapter``
submissions for each chapter of ``--chapters`` (default: all 13, 30 each) into a temporary
folder, with the usual mix of correct answers, wrong ones, blanks, answers that raise and
infinite loops. The whole class is then graded by :func:`coursepkg.course.grading.grade`,
once with ``jobs=1`` and once with ``jobs=2`` (``--jobs`` changes the list). For each run
the report gives the wall time, the notebooks graded per minute, the speed-up over one job
(target: at least 1.7 at 2 jobs on a 2-core machine) and whether the rows are identical.

Then one process grades a sample of the class (``--sample`` notebooks spread over the
chapters) with timers around the nbclient calls the grader makes: starting a kernel and
its client (``NotebookClient.start_new_kernel`` and ``start_new_kernel_client``), executing
a cell (``NotebookClient.execute_cell``; the notebook's own cells are those it had when its
kernel started, every later cell is a request of the checks) and shutting the kernel down
(``NotebookClient._cleanup_kernel``). The time per notebook splits into kernel start, the
notebook's own cells, the checks (their requests to the kernel and the comparisons in the
grader's process) and shutdown; the checks take what the other three leave of the time
:func:`~coursepkg.course.grading.grade_notebook` took.

Threads: this script sets ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``,
``MKL_NUM_THREADS`` and TensorFlow's ``TF_NUM_INTRAOP_THREADS`` and
``TF_NUM_INTEROP_THREADS`` to 1 (``--blas-threads`` changes it) in its own environment
before NumPy loads. The grader's worker processes and every kernel inherit that environment,
so two jobs on two cores run two single-threaded BLAS instead of two pools that spin-wait for
each other's core. The report prints the threads of the BLAS of this process and of a kernel,
as threadpoolctl sees them.

Run (not part of the test suite; about 3 s per notebook and job, so the full class takes
the better part of an hour)::

    COURSEPKG_DATA=../shared/data python benchmarks/grading_throughput.py \\
        [--chapters 01 02 03 07] [--per-chapter 30] [--timeout 20] [--sample 12]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

#: Read by OpenBLAS, OpenMP, MKL and TensorFlow when they load.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
KERNEL_THREADS_SOURCE = """\
from threadpoolctl import threadpool_info
import numpy
print(sorted({(p["internal_api"], p["num_threads"]) for p in threadpool_info()}))
"""


def _parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", nargs="+", metavar="NN",
                        help="chapter numbers, e.g. 01 07 (default: every chapter)")
    parser.add_argument("--per-chapter", type=int, default=30,
                        help="submissions per chapter (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic class")
    parser.add_argument("--timeout", type=int, default=20,
                        help="seconds a cell or a check may run (default 20; above every "
                             "real cell of the book, and what each infinite loop costs)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="job counts to grade the class with (default: 1 2)")
    parser.add_argument("--sample", type=int, default=12,
                        help="notebooks graded with timers for the time split (default 12)")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS and OpenMP threads per process (default 1)")
    args = parser.parse_args(argv)
    if args.per_chapter < 1 or args.sample < 0 or min(args.jobs) < 1:
        parser.error("--per-chapter and --jobs must be at least 1, --sample at least 0")
    return args


class PhaseTimer:
    """Adds up the time of nbclient's kernel start, cell execution and kernel shutdown,
    by wrapping those methods of :class:`nbclient.NotebookClient` while it is active."""

    PHASES = ("kernel start", "notebook cells", "checks", "kernel shutdown")

    def __init__(self):
        self.seconds = dict.fromkeys(self.PHASES, 0.0)
        self._saved = {}

    def _wrap(self, client_class, name, phase_of):
        original = getattr(client_class, name)
        timer = self

        def timed(client, *args, **kwargs):
            if name == "start_new_kernel":
                client._bench_own_cells = len(client.nb.cells)
            start = time.perf_counter()
            try:
                return original(client, *args, **kwargs)
            finally:
                timer.seconds[phase_of(client, args, kwargs)] += time.perf_counter() - start
        self._saved[name] = original
        setattr(client_class, name, timed)

    def __enter__(self):
        from nbclient import NotebookClient

        def cell_phase(client, args, kwargs):
            index = kwargs.get("cell_index", args[1] if len(args) > 1 else None)
            own = getattr(client, "_bench_own_cells", 0)
            return "notebook cells" if index is not None and index < own else "checks"
        self._wrap(NotebookClient, "start_new_kernel", lambda *_: "kernel start")
        self._wrap(NotebookClient, "start_new_kernel_client", lambda *_: "kernel start")
        self._wrap(NotebookClient, "execute_cell", cell_phase)
        self._wrap(NotebookClient, "_cleanup_kernel", lambda *_: "kernel shutdown")
        return self

    def __exit__(self, *exc):
        from nbclient import NotebookClient
        for name, original in self._saved.items():
            setattr(NotebookClient, name, original)


def kernel_blas_threads() -> str:
    """The BLAS and OpenMP pools of a fresh kernel and their threads, as threadpoolctl
    reports them inside it."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(KERNEL_THREADS_SOURCE)])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    return "".join(o.get("text", "") for o in nb.cells[0].outputs).strip()


def split_times(notebooks: list[Path], timeout: int) -> tuple[dict, float]:
    """Seconds per phase, summed over ``notebooks`` graded one by one, and the total."""
    from coursepkg.course import grading

    total = 0.0
    with PhaseTimer() as timer:
        for path in notebooks:
            start = time.perf_counter()
            grading.grade_notebook(path, timeout=timeout)
            total += time.perf_counter() - start
    seconds = dict(timer.seconds)
    seconds["checks"] = total - sum(v for k, v in seconds.items() if k != "checks")
    return seconds, total


def _sample(notebooks: list[Path], count: int) -> list[Path]:
    """``count`` notebooks spread evenly over the sorted list (so over the chapters)."""
    if count >= len(notebooks):
        return list(notebooks)
    return [notebooks[round(i * len(notebooks) / count)] for i in range(count)]


def _load() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def main(argv=None) -> int:
    args = _parse(argv)
    for name in THREAD_VARIABLES:
        os.environ[name] = str(args.blas_threads)  # before NumPy loads, here and below
    os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic_class import make_class
    from threadpoolctl import threadpool_info

    from coursepkg.course import grading

    print(f"cores: {os.cpu_count()}; OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}"
          " (also OMP_, MKL_ and TF_NUM_INTRA/INTEROP_THREADS) for this process, the workers "
          "and every kernel")
    here = sorted({(p["internal_api"], p["num_threads"]) for p in threadpool_info()})
    print(f"BLAS/OpenMP threads in the grader's process: {here}")
    print(f"BLAS/OpenMP threads in a kernel:             {kernel_blas_threads()}")
    with tempfile.TemporaryDirectory(prefix="synthetic-class-") as folder:
        manifest = make_class(folder, chapters=args.chapters, per_chapter=args.per_chapter,
                              seed=args.seed)
        notebooks = grading.find_notebooks([folder])
        chapters = sorted({e["chapter"] for e in manifest["submissions"].values()})
        kinds: dict[str, int] = {}
        for entry in manifest["submissions"].values():
            for mistake in entry["mistakes"]:
                kinds[mistake["kind"]] = kinds.get(mistake["kind"], 0) + 1
        print(f"class: {len(notebooks)} notebooks, {args.per_chapter} per chapter for "
              f"{' '.join(chapters)} (seed {args.seed}); timeout {args.timeout} s")
        print("mistakes: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))

        rates, first_rows = {}, None
        for jobs in args.jobs:
            load = _load()
            start = time.perf_counter()
            rows, errors = grading.grade([folder], timeout=args.timeout, progress=True,
                                         jobs=jobs)
            seconds = time.perf_counter() - start
            rates[jobs] = 60 * len(notebooks) / seconds
            differ = [] if first_rows is None else [
                (a, b) for a, b in zip(first_rows, rows) if a != b]
            same = "" if first_rows is None else (
                "; rows identical to the first run" if rows == first_rows
                else f"; {len(differ)} ROWS DIFFER from the first run")
            first_rows = rows if first_rows is None else first_rows
            print(f"jobs {jobs}: {seconds:7.1f} s, {rates[jobs]:6.1f} notebooks/min, "
                  f"{seconds / len(notebooks):5.2f} s per notebook, {len(errors)} grader "
                  f"errors (load average before {load}, after {_load()}){same}")
            for a, b in differ[:5]:
                print(f"  {Path(a.notebook).name} {a.question}: {a.points:g} ({a.message})"
                      f"\n  {'':{len(Path(a.notebook).name)}s} now {b.points:g} ({b.message})")
        base = rates.get(1)
        for jobs, rate in rates.items():
            if base and jobs > 1:
                verdict = ("met" if rate / base >= 1.7 else "NOT met") if jobs == 2 else ""
                print(f"speed-up at {jobs} jobs: {rate / base:.2f}x"
                      + (f" (target >= 1.7x: {verdict})" if verdict else ""))

        if args.sample:
            sample = _sample(notebooks, args.sample)
            seconds, total = split_times(sample, args.timeout)
            print(f"time per notebook, one process, {len(sample)} notebooks "
                  f"({total / len(sample):.2f} s each):")
            for phase in PhaseTimer.PHASES:
                print(f"  {phase:16s} {seconds[phase] / len(sample):6.2f} s "
                      f"{100 * seconds[phase] / total:5.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
