"""The generated setup cell: installs coursepkg on Colab and nowhere else."""

import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
import types
from pathlib import Path

import nbformat
import pytest
import yaml

import coursepkg
from coursepkg.course import notebook

ROOT = Path(__file__).resolve().parents[1]
EXPECTED_COMMAND = [sys.executable, "-m", "pip", "install", "--quiet",
                    "coursepkg @ git+https://github.com/nn-textbook/nn-textbook@v"
                    + coursepkg.__version__]


def run_cell(source, monkeypatch, *, colab):
    """Execute a setup cell with subprocess.run recorded instead of run."""
    calls = []
    monkeypatch.setattr("subprocess.run", lambda *args, **kwargs: calls.append((args, kwargs)))
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "<setup cell>", "exec"), {})
    return calls


@pytest.mark.parametrize("tensorflow", [False, True])
def test_on_colab_the_cell_runs_exactly_the_install_command(monkeypatch, tensorflow):
    calls = run_cell(notebook.setup_cell(tensorflow), monkeypatch, colab=True)
    assert calls == [((EXPECTED_COMMAND,), {"check": True})]
    assert notebook.install_command() == EXPECTED_COMMAND


@pytest.mark.parametrize("tensorflow", [False, True])
def test_elsewhere_the_cell_installs_nothing(monkeypatch, tensorflow):
    assert run_cell(notebook.setup_cell(tensorflow), monkeypatch, colab=False) == []


def test_tensorflow_variant_quiets_tensorflow(monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    run_cell(notebook.setup_cell(tensorflow=True), monkeypatch, colab=False)
    import os
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert "TF_CPP" not in notebook.setup_cell(tensorflow=False)


def test_repository_url_agrees_with_book_config_and_pyproject():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert notebook.REPOSITORY_URL == config["repository"]["url"]
    assert notebook.REPOSITORY_URL == pyproject["project"]["urls"]["Repository"]


def test_write_setup_cell_inserts_then_updates(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("import tensorflow as tf"),
    ])
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    assert notebook.write_setup_cell(path) is True
    cells = nbformat.read(path, as_version=4).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert cells[1].source == notebook.setup_cell(tensorflow=True)
    assert cells[1].metadata.tags == ["remove-cell"]  # kept out of the HTML pages
    assert notebook.write_setup_cell(path) is False  # idempotent
    # an outdated setup cell is replaced in place, not duplicated
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = "# Setup: on Colab, an older version"
    nbformat.write(nb, path)
    assert notebook.write_setup_cell(path) is True
    assert len(nbformat.read(path, as_version=4).cells) == 3


def test_an_untagged_setup_cell_gets_its_tag(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(notebook.setup_cell())])
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    assert notebook.write_setup_cell(path) is True
    cell = nbformat.read(path, as_version=4).cells[0]
    assert notebook.is_hidden(cell) and cell.source == notebook.setup_cell()
    assert notebook.write_setup_cell(path) is False


@pytest.mark.parametrize("tensorflow", [False, True])
def test_setup_cell_lines_fit_the_page(tensorflow):
    assert max(map(len, notebook.setup_cell(tensorflow).splitlines())) <= 88


def test_setup_cell_installs_the_release_of_this_version():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "coursepkg.__version__"}
    assert f"@v{coursepkg.__version__}\"" in notebook.setup_cell()
