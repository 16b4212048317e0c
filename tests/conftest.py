"""Test-suite wide settings: a report of how long each stage of the run took."""

import os
import time
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # no display in CI

_stage_seconds = defaultdict(float)
_session_start = time.time()


def _stage(nodeid: str) -> str:
    if ".ipynb" in nodeid:
        return "notebooks (nbval, " + nodeid.split("/")[0] + "/)"
    if nodeid.startswith("tests/test_book_build.py"):
        return "book build (jupyter-book -W)"
    return "unit tests (tests/)"


def pytest_runtest_logreport(report):
    _stage_seconds[_stage(report.nodeid)] += report.duration


def pytest_terminal_summary(terminalreporter):
    write = terminalreporter.write_line
    terminalreporter.section("time per stage")
    ci_start = os.environ.get("COURSEPKG_CI_START")
    if ci_start:
        write(f"{'install and setup (before pytest)':40s} {_session_start - float(ci_start):8.1f} s")
    for stage, seconds in sorted(_stage_seconds.items()):
        write(f"{stage:40s} {seconds:8.1f} s")
    write(f"{'pytest session':40s} {time.time() - _session_start:8.1f} s")
