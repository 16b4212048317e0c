"""A reader's install carries what the chapters need; the course tools name their extra.

``pip install coursepkg`` (no extras) must not bring nbformat, nbclient or ipykernel, the
packages that only grading and exercise generation use. Without them, every reader's
module still imports, and the course tools fail with the command that installs the extra.
"""

import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from test_install import requirement_closure

from coursepkg.course.extra import INSTALL_COMMAND, PACKAGES

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
COURSE_DISTRIBUTIONS = {"nbformat", "nbclient", "ipykernel", "jupyter-client"}

# Run in a fresh interpreter where the extra's modules cannot be imported.
HIDE_EXTRA = ("import sys\n"
              f"for name in {PACKAGES!r}: sys.modules[name] = None\n")


def run_without_extra(code):
    return subprocess.run([sys.executable, "-c", HIDE_EXTRA + code], capture_output=True,
                          text=True, cwd=ROOT)


def test_the_course_extra_declares_the_notebook_tools():
    course = {canonicalize_name(Requirement(r).name)
              for r in PROJECT["optional-dependencies"]["course"]}
    assert {"nbformat", "nbclient", "ipykernel"} <= course


def test_a_plain_install_brings_none_of_the_course_packages():
    direct = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    assert not direct & COURSE_DISTRIBUTIONS
    closure, _ = requirement_closure(PROJECT["dependencies"])
    assert not closure & COURSE_DISTRIBUTIONS, sorted(closure & COURSE_DISTRIBUTIONS)


def test_every_readers_module_imports_without_the_extra():
    code = ("import importlib, pkgutil, coursepkg\n"
            "names = [m.name for m in pkgutil.walk_packages(coursepkg.__path__, 'coursepkg.')\n"
            "         if m.name.split('.')[1] != 'course' or m.name.startswith(\n"
            "             ('coursepkg.course.checks', 'coursepkg.course.chapters'))]\n"
            "for name in names:\n"
            "    importlib.import_module(name)\n"
            "print(len(names))\n")
    result = run_without_extra(code)
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout) > 30


def test_grading_without_the_extra_says_what_to_install():
    result = run_without_extra("import coursepkg.course.grading")
    assert result.returncode != 0
    assert "CourseExtraMissing" in result.stderr and INSTALL_COMMAND in result.stderr


def test_the_command_without_the_extra_says_what_to_install(tmp_path):
    for command in (["grade", str(tmp_path)], ["exercises", "build"]):
        result = run_without_extra(
            "from coursepkg.course.cli import main\n"
            f"raise SystemExit(main({command!r}))")
        assert result.returncode == 3, result.stderr
        assert INSTALL_COMMAND in result.stderr and "nbformat" in result.stderr
