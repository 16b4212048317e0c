"""The Colab path without the network: a plain ``pip install .`` of a fresh copy of the
repository, into a new virtual environment that already has the dependencies (as Colab
does), gives a package whose every module imports."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def tracked_files():
    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:  # not a git checkout (e.g. an sdist): take the package folder
        return [p.relative_to(ROOT) for p in (ROOT / "coursepkg").rglob("*.py")] + [
            Path("pyproject.toml"), Path("README.md")]
    return [Path(line) for line in result.stdout.splitlines()]


def test_pip_install_into_fresh_environment_imports_every_module(tmp_path):
    clone = tmp_path / "clone"
    for relative in tracked_files():
        if (ROOT / relative).is_file():
            (clone / relative).parent.mkdir(parents=True, exist_ok=True)
            (clone / relative).write_bytes((ROOT / relative).read_bytes())
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-build-isolation",
         "--disable-pip-version-check", str(clone)], capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    script = (
        "import importlib, pkgutil, coursepkg\n"
        "names = [m.name for m in pkgutil.walk_packages(coursepkg.__path__, 'coursepkg.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(coursepkg.__file__); print(len(names)); print(' '.join(names))\n")
    result = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    location, count, names = result.stdout.splitlines()
    assert str(venv) in location, f"imported {location}, not the installed copy"
    for module in ("activations", "losses", "initializers", "optimizers", "linear", "mlp",
                   "autodiff", "datasets", "checks", "gradcheck", "grading", "exercises"):
        assert f"coursepkg.{module}" in names.split(), f"coursepkg.{module} is not installed"


def test_environment_yml_installs_the_package_with_everything():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = env["dependencies"]
    assert any(str(d).startswith("python") for d in dependencies)
    assert "pip" in dependencies
    pip_section = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert "-e .[all]" in pip_section
