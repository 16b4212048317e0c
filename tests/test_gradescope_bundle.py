"""``coursepkg gradescope-bundle``: a Gradescope autograder bundle for one chapter.

The bundle of chapter 1 is built, unzipped into ``tmp/source`` as Gradescope unzips it into
``/autograder/source``, and its ``run_autograder`` is run with ``AUTOGRADER_ROOT=tmp`` on a
submission folder holding the master (full score), the blank exercise (0), or nothing (0,
with the reason in ``output``). ``setup.sh`` is not run: the package is installed here.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coursepkg.course import gradescope
from coursepkg.course.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ROOT / "tests" / "hidden_cases"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "ch01.zip"
    assert cli_main(["gradescope-bundle", "ch01", "--out", str(out), "--timeout", "20"]) == 0
    return out


def _autograder(bundle: Path, tmp_path: Path, notebook: Path | None) -> dict:
    """Lay out ``tmp_path`` as ``/autograder``, run ``run_autograder``, read results.json."""
    tmp_path.mkdir(exist_ok=True)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "source")
    script = tmp_path / "source" / "run_autograder"
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "submission").mkdir()
    if notebook is not None:
        shutil.copy(notebook, tmp_path / "submission" / notebook.name)
    env = {**os.environ, "AUTOGRADER_ROOT": str(tmp_path), "PYTHON": sys.executable}
    done = subprocess.run([str(script)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((tmp_path / "results" / "results.json").read_text())


def test_the_bundle_holds_the_scripts(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        setup = archive.read("setup.sh").decode()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert names == {"setup.sh", "run_autograder"}
    assert gradescope.default_package_spec() in setup
    assert "coursepkg[course]" in setup
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111


def test_the_master_gets_the_full_score(bundle, tmp_path):
    result = _autograder(bundle, tmp_path, ROOT / "solutions" / "01_numpy.ipynb")
    assert result["tests"]
    assert result["score"] == sum(test["max_score"] for test in result["tests"]) > 0
    assert all(test["status"] == "passed" for test in result["tests"])


def test_the_blank_gets_zero(bundle, tmp_path):
    result = _autograder(bundle, tmp_path, ROOT / "exercises" / "01_numpy.ipynb")
    assert result["tests"] and result["score"] == 0


def test_no_notebook_gets_zero_and_the_reason(bundle, tmp_path):
    result = _autograder(bundle, tmp_path, None)
    assert result["score"] == 0
    assert "No notebook" in result["output"]


def test_hidden_cases_are_shipped_and_checked_first(tmp_path):
    if not HIDDEN.is_dir() or not list(HIDDEN.glob("*.py")):
        pytest.skip("no hidden-case modules in tests/hidden_cases")
    out = tmp_path / "bundle.zip"
    gradescope.build_bundle("ch01", out, hidden=HIDDEN)
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        run = archive.read("run_autograder").decode()
    assert {f"hidden/{p.name}" for p in HIDDEN.glob("*.py")} <= names
    assert "--hidden" in run
    plain = _autograder(bundle_of_plain(tmp_path), tmp_path / "plain",
                        ROOT / "solutions" / "01_numpy.ipynb")
    result = _autograder(out, tmp_path / "hidden", ROOT / "solutions" / "01_numpy.ipynb")
    total = sum(test["max_score"] for test in result["tests"])
    assert total > sum(test["max_score"] for test in plain["tests"])
    assert result["score"] == total
    with pytest.raises(ValueError):
        gradescope.build_bundle("ch01", out, hidden=tmp_path / "missing")


def bundle_of_plain(tmp_path: Path) -> Path:
    return gradescope.build_bundle("ch01", tmp_path / "plain.zip")


def test_an_unknown_chapter_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        gradescope.main(["ch99", "--out", str(tmp_path / "x.zip")])
    assert "ch99" in capsys.readouterr().err
