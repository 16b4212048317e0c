"""``coursepkg grade --scheduler ADDRESS``: grading on a Dask distributed cluster.

A ``LocalCluster`` of two worker processes, started here, grades chapter 1's master, its
blank exercise and a file that is not a notebook; the rows are those of ``grade`` in this
process, in the same order. Without Dask distributed (the ``cluster`` extra) the test is
skipped with the reason, except under CI, where the extra is installed and its absence is a
failure.
"""

import io
import os
import shutil
from pathlib import Path

import pytest

from coursepkg.course import grading

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 10

try:
    import distributed
except ImportError:
    if os.environ.get("CI") == "true":
        raise  # CI installs .[all]: a missing extra is a failure there
    distributed = None
needs_distributed = pytest.mark.skipif(
    distributed is None, reason="Dask distributed is not installed (the cluster extra: "
                                "pip install \"coursepkg[cluster]\")")


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    shutil.copy(ROOT / "solutions" / "01_numpy.ipynb", folder / "a_master.ipynb")
    shutil.copy(ROOT / "exercises" / "01_numpy.ipynb", folder / "b_blank.ipynb")
    (folder / "01_truncated.ipynb").write_text('{"cells": [{"cell_type": "co')
    return folder


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as local:
        yield local


@needs_distributed
def test_a_local_cluster_gives_the_rows_of_one_process(submissions, cluster):
    journal = []
    on_cluster, errors = grading.grade([submissions], timeout=TIMEOUT, progress=False,
                                       scheduler=cluster.scheduler_address,
                                       on_notebook=lambda rows, _: journal.append(rows))
    here, errors_here = grading.grade([submissions], timeout=TIMEOUT, progress=False)
    assert errors == errors_here == []
    assert on_cluster == here
    assert [row.notebook for row in on_cluster][0].endswith("01_truncated.ipynb")
    assert on_cluster[0].status == grading.NOT_GRADABLE
    master = [row for row in on_cluster if row.notebook.endswith("a_master.ipynb")]
    blank = [row for row in on_cluster if row.notebook.endswith("b_blank.ipynb")]
    assert master and all(row.points == row.max_points for row in master)
    assert blank and all(row.points == 0 for row in blank)
    # every notebook was handed to on_notebook (the journal) as it came back
    assert sorted(len(rows) for rows in journal) == sorted(
        [1, len(master), len(blank)])


def test_scheduler_and_jobs_together_are_an_error(submissions, capsys):
    with pytest.raises(ValueError, match="scheduler or jobs"):
        grading.grade([submissions], scheduler="tcp://127.0.0.1:1", jobs=2)
    with pytest.raises(SystemExit):
        grading.main([str(submissions), "--scheduler", "tcp://127.0.0.1:1", "--jobs", "2"])
    assert "--scheduler and --jobs" in capsys.readouterr().err


@needs_distributed
def test_the_command_line_grades_on_the_cluster(submissions, cluster, capsys):
    out = io.StringIO()
    status = grading.main([str(submissions / "b_blank.ipynb"), "--timeout", str(TIMEOUT),
                           "--scheduler", cluster.scheduler_address])
    out.write(capsys.readouterr().out)
    assert status == 0
    assert "b_blank.ipynb" in out.getvalue()


def test_without_the_extra_the_error_names_the_install_command(monkeypatch, capsys,
                                                                 submissions):
    import builtins
    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name.split(".")[0] == "distributed":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_distributed)
    with pytest.raises(grading.ClusterExtraMissing, match=r'coursepkg\[cluster\]'):
        grading.grade([submissions], scheduler="tcp://127.0.0.1:1")
    assert grading.main([str(submissions), "--scheduler", "tcp://127.0.0.1:1"]) == 3
    assert 'pip install "coursepkg[cluster]"' in capsys.readouterr().err


@needs_distributed
def test_ctrl_c_keeps_the_journal_and_resume_finishes_on_the_cluster(
        submissions, cluster, tmp_path, monkeypatch, capsys):
    out = tmp_path / "scores.csv"
    add = grading.Journal.add

    def add_then_interrupt(journal, rows, errors=()):
        add(journal, rows, errors)
        raise KeyboardInterrupt  # Ctrl-C as soon as the first notebook is saved
    monkeypatch.setattr(grading.Journal, "add", add_then_interrupt)
    command = [str(submissions), "--out", str(out), "--timeout", str(TIMEOUT),
               "--scheduler", cluster.scheduler_address]
    assert grading.main(command) == 130
    assert "--resume" in capsys.readouterr().err
    assert len({row.notebook for row in grading.read_rows(out)}) == 1
    monkeypatch.setattr(grading.Journal, "add", add)
    assert grading.main(command + ["--resume"]) == 0
    here, _ = grading.grade([submissions], timeout=TIMEOUT, progress=False)
    assert sorted(grading.read_rows(out), key=lambda r: (r.notebook, r.question)) == sorted(
        here, key=lambda r: (r.notebook, r.question))
