"""``coursepkg gradescope-bundle``: a Gradescope autograder bundle for one chapter.

The bundle of chapter 1 is built, unzipped into ``tmp/source`` as Gradescope unzips it into
``/autograder/source``, and its ``run_autograder`` is run with ``AUTOGRADER_ROOT=tmp`` on a
submission folder holding the master (full score), the blank exercise (0), or nothing (0,
with the reason in ``output``), with the package installed here. One test runs ``setup.sh``
too, as Gradescope does when it builds the image, on a Python with nothing installed (a
new virtual environment standing in for the image's ``python3``; ``apt-get`` is a stub that
records its arguments), then grades the master with the ``python3`` it prepared.
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


def _package_source(dest: Path) -> Path:
    """What pip builds the package from, copied so that the build leaves the checkout as
    it is."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "coursepkg", dest / "coursepkg",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def test_setup_sh_prepares_a_bare_python_that_run_autograder_uses(tmp_path):
    source = _package_source(tmp_path / "source-of-the-package")
    spec = f"coursepkg[course] @ {source.as_uri()}"
    bundle = gradescope.build_bundle("ch01", tmp_path / "ch01.zip", package_spec=spec,
                                     timeout=20)
    image = tmp_path / "image"  # the image's python3, with nothing installed
    subprocess.run([sys.executable, "-m", "venv", str(image)], check=True)
    stubs, apt_log = tmp_path / "stubs", tmp_path / "apt-get.log"
    stubs.mkdir()
    apt = stubs / "apt-get"
    apt.write_text(f'#!/bin/sh\necho "$@" >> "{apt_log}"\n')
    apt.chmod(0o755)
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHON", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
           and not name.startswith("JUPYTER")}
    env.update(PATH=f"{image / 'bin'}:{stubs}:{os.environ['PATH']}",
               PIP_CACHE_DIR=str(Path.home() / ".cache" / "pip"),
               HOME=str(tmp_path / "home"))  # no kernel specs of this machine's user
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root / "source",
                           env=env, capture_output=True, text=True, timeout=900)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    assert "install" in apt_log.read_text()  # pip and git from apt, as on the real image

    python = str(image / "bin" / "python3")
    probe = subprocess.run(
        [python, "-c", "import coursepkg, nbclient\n"
         "from jupyter_client.kernelspec import KernelSpecManager\n"
         "print(coursepkg.__file__)\n"
         "print(KernelSpecManager().get_kernel_spec('python3').argv[0])"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    package_file, kernel_python = probe.stdout.split()
    assert Path(package_file).is_relative_to(image)  # installed, not this checkout
    assert Path(kernel_python).parent == image / "bin"  # the kernels run that Python too

    (root / "submission").mkdir()
    shutil.copy(ROOT / "solutions" / "01_numpy.ipynb", root / "submission")
    env["AUTOGRADER_ROOT"] = str(root)  # PYTHON unset: run_autograder runs python3
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads((root / "results" / "results.json").read_text())
    assert result["tests"]
    assert result["score"] == sum(test["max_score"] for test in result["tests"]) > 0
