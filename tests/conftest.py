"""Test-suite wide settings: a report of how long each stage of the run took."""

import os
import time
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # no display in CI


class StageTimer:
    """Adds up test durations per stage: unit tests, each notebook folder, the book build,
    the browser walk and the PDF."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self.notebooks = defaultdict(float)  # nbval time per notebook, kernel start included
        self.start = time.time()

    @staticmethod
    def stage(nodeid: str) -> str:
        path = nodeid.split("::")[0]
        if path.endswith(".ipynb"):
            return f"notebooks under nbval ({path.split('/')[0]}/)"
        return {"tests/test_book_build.py": "book build (jupyter-book -W)",
                "tests/test_browser.py": "browser (chromium, every page)",
                "tests/test_student_edition.py": "student edition (build and walk)",
                "tests/test_pdf.py": "PDF (xelatex)"}.get(path, "unit tests (tests/)")

    def pytest_runtest_logreport(self, report):
        self.seconds[self.stage(report.nodeid)] += report.duration
        path = report.nodeid.split("::")[0]
        if path.endswith(".ipynb"):
            self.notebooks[path] += report.duration

    def pytest_terminal_summary(self, terminalreporter):
        write = terminalreporter.write_line
        terminalreporter.section("time per stage")
        ci_start = os.environ.get("COURSEPKG_CI_START")
        if ci_start:
            write(f"{'install (before pytest started)':40s} {self.start - float(ci_start):8.1f} s")
        for stage, seconds in sorted(self.seconds.items()):
            write(f"{stage:40s} {seconds:8.1f} s")
        write(f"{'whole pytest session':40s} {time.time() - self.start:8.1f} s")
        if self.notebooks:
            terminalreporter.section("nbval time per notebook")
            for path, seconds in sorted(self.notebooks.items(), key=lambda item: -item[1]):
                write(f"{path:40s} {seconds:8.1f} s")


def pytest_configure(config):
    # Registered as a plugin so that it also sees the notebooks outside tests/.
    config.pluginmanager.register(StageTimer(), "coursepkg-stage-timer")
