"""The Colab path without the network: a plain ``pip install .`` of a fresh copy of the
repository, into a new virtual environment that already has the dependencies (as Colab
does), gives a package whose every module imports.

The new environment sees exactly the packages of the interpreter running the tests, however
that one was made (a venv, a venv of a venv, a system or conda Python): it is a venv without
system site packages whose ``.pth`` file lists the running interpreter's site-packages
folders. Building needs setuptools among them, which the ``test`` extra declares."""

import importlib.util
import json
import os
import re
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from optional_tools import needs_tensorflow

ROOT = Path(__file__).resolve().parents[1]


def tracked_files():
    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:  # not a git checkout (e.g. an sdist): take the package folder
        return [p.relative_to(ROOT) for p in (ROOT / "coursepkg").rglob("*.py")] + [
            Path("pyproject.toml"), Path("README.md")]
    return [Path(line) for line in result.stdout.splitlines()]


def site_folders():
    """The site-packages folders of the running interpreter: its own (a venv's, or a system
    Python's), the base interpreter's when a venv was made with ``--system-site-packages``,
    and the user's when the interpreter reads it. ``.pth`` files in them are not followed,
    so an editable install of this project there stays invisible."""
    paths = sysconfig.get_paths()
    folders = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    return list(dict.fromkeys(f for f in folders if Path(f).is_dir()))


def fresh_environment(venv):
    """A venv that sees exactly the running interpreter's packages, and its own first."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                          "['purelib'])"], capture_output=True, text=True, check=True)
    (Path(own.stdout.strip()) / "outer-site-packages.pth").write_text(
        "".join(f"{folder}\n" for folder in site_folders()))
    return python


def test_pip_install_into_fresh_environment_imports_every_module(tmp_path):
    for tool in ("pip", "setuptools"):
        if importlib.util.find_spec(tool) is None:
            pytest.fail(f"{tool} is not installed beside the tests (the test extra has it)")
    clone = tmp_path / "clone"
    for relative in tracked_files():
        if (ROOT / relative).is_file():
            (clone / relative).parent.mkdir(parents=True, exist_ok=True)
            (clone / relative).write_bytes((ROOT / relative).read_bytes())
    venv = tmp_path / "venv"
    python = fresh_environment(venv)
    env = {k: v for k, v in os.environ.items() if k not in (
        "PYTHONPATH", "PYTHONHOME", "PIP_USER", "PIP_TARGET", "PIP_PREFIX")}
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--ignore-installed", "--disable-pip-version-check", str(clone)],
        capture_output=True, text=True, cwd=tmp_path, env=env)
    assert install.returncode == 0, install.stdout + install.stderr
    script = (
        "import importlib, pkgutil, coursepkg\n"
        "names = [m.name for m in pkgutil.walk_packages(coursepkg.__path__, 'coursepkg.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(coursepkg.__file__); print(len(names)); print(' '.join(names))\n")
    result = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr
    location, count, names = result.stdout.splitlines()
    assert Path(location).is_relative_to(venv), f"imported {location}, not the installed copy"
    for module in ("nn.activations", "nn.losses", "nn.initializers", "nn.optimizers",
                   "nn.gradcheck", "models.linear", "models.mlp", "autodiff", "data.mnist",
                   "lessons.training", "course.checks", "course.grading", "course.exercises"):
        assert f"coursepkg.{module}" in names.split(), f"coursepkg.{module} is not installed"


def requirement_closure(requirements):
    """The distributions that installing ``requirements`` brings in, read from the metadata
    of the installed ones, and the names of those that are not installed here."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found, absent, seen = set(), set(), set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        found.add(name)
        try:
            dependencies = requires(name) or []
        except PackageNotFoundError:
            absent.add(name)
            continue
        for dependency in map(Requirement, dependencies):
            if dependency.marker is None or any(
                    dependency.marker.evaluate({"extra": extra})
                    for extra in (requirement.extras or {""})):
                todo.append(dependency)
    return found, absent


def module_providers():
    """{top-level module: [distribution names]} of the installed distributions. Python 3.10's
    ``packages_distributions`` reads only ``top_level.txt``, which wheels built without
    setuptools lack (scikit-learn, seaborn); the files a distribution installed say it too."""
    from importlib.metadata import distributions, packages_distributions

    providers = {module: list(names) for module, names in packages_distributions().items()}
    for dist in distributions():
        if dist.read_text("top_level.txt") is not None:
            continue  # packages_distributions read it
        name = dist.metadata["Name"]
        tops = {file.parts[0] if len(file.parts) > 1 else file.parts[0].split(".")[0]
                for file in dist.files or []}
        for module in tops - {"..", "__pycache__", ""}:
            if not module.endswith((".dist-info", ".data")) and name not in providers.get(
                    module, []):
                providers.setdefault(module, []).append(name)
    return providers


@needs_tensorflow  # follows the installed metadata of TensorFlow and Keras
def test_environment_yml_installs_what_the_notebooks_need_only():
    """Binder gets coursepkg with the keras extra and ipywidgets, not the book and test tools,
    and every package the notebooks import comes with them."""
    from packaging.utils import canonicalize_name

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = env["dependencies"]
    assert any(str(d).startswith("python=") for d in dependencies)
    assert "pip" in dependencies
    pip_section = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert pip_section == ["-e .[keras]", "ipywidgets>=8"]

    imported = set()
    for path in sorted(ROOT.glob("*/[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                imported |= {m.split(".")[0] for m in re.findall(
                    r"^\s*(?:from|import)\s+([\w.]+)", "".join(cell["source"]), re.M)}
    third_party = imported - set(sys.stdlib_module_names)
    assert {"numpy", "sklearn", "tensorflow", "keras", "coursepkg"} <= third_party

    # A notebook runs in a kernel: repo2docker's base environment (like Colab and any local
    # Jupyter) has ipykernel and with it IPython, whatever environment.yml lists.
    requirements = [r.replace("-e .", "coursepkg") for r in pip_section] + ["ipykernel"]
    binder, absent = requirement_closure(requirements)
    assert not binder & {"jupyter-book", "pytest", "nbval", "playwright"}, (
        "environment.yml brings in the book or test tools")
    providers = module_providers()
    missing = {module for module in third_party
               if not {canonicalize_name(d) for d in providers.get(module, [])} & binder}
    assert not missing, (f"the notebooks import {sorted(missing)}, which Binder would not "
                         f"have (not installed here, so not followed: {sorted(absent)})")
