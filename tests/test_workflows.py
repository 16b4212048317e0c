"""The GitHub Actions workflows in .github/workflows/ cannot run here; these tests read them
and check what they would do: the triggers, the jobs, and that the commands they run are the
README's commands (read from its markers, as .ci/run does) and the rows of requirements/."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
REQUIREMENTS = ROOT / "requirements"
CHAPTERS_ON_COLAB = ["book/05_logistic_regression.ipynb", "book/10_mnist_mlp.ipynb",
                     "book/12_keras.ipynb"]


def readme_command(marker: str) -> str:
    """The command in the fenced block after ``<!-- marker -->`` in README.md, read as
    .ci/run reads it: the lines between the opening and the closing fence, unindented."""
    lines = (ROOT / "README.md").read_text().splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == f"<!-- {marker} -->"]
    assert len(starts) == 1, f"README.md must have exactly one <!-- {marker} --> marker"
    block = lines[starts[0] + 1:]
    assert block and block[0].strip().startswith("```"), f"no code fence after {marker}"
    end = next(i for i in range(1, len(block)) if re.fullmatch(r" *```", block[i]))
    command = "\n".join(line.lstrip(" ") for line in block[1:end]).strip()
    assert command, f"empty command after <!-- {marker} -->"
    return command


def load(name: str) -> dict:
    path = WORKFLOWS / name
    assert path.is_file(), f"missing workflow {path.relative_to(ROOT)}"
    workflow = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the bare key "on" as the boolean True.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def triggers(workflow: dict) -> dict:
    on = workflow["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {event: None for event in on}
    return on


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(job: dict) -> list[str]:
    """The shell commands of a job's ``run`` steps, stripped."""
    return [step["run"].strip() for step in steps(job) if "run" in step]


def uses(job: dict) -> list[str]:
    """The actions a job uses, as ``owner/name@ref``."""
    return [step["uses"] for step in steps(job) if "uses" in step]


def action(job: dict, name: str) -> dict:
    matches = [step for step in steps(job) if step.get("uses", "").split("@")[0] == name]
    assert matches, f"the job does not use {name}"
    return matches[0]


def test_every_workflow_parses_and_names_pinned_actions():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"test.yml", "deploy.yml", "release.yml"}
    for path in files:
        workflow = load(path.name)
        assert workflow["jobs"], f"{path.name} has no jobs"
        for name, job in workflow["jobs"].items():
            assert "runs-on" in job, f"{path.name}: job {name} has no runs-on"
            for ref in uses(job):
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", ref), (
                    f"{path.name}: {ref} must name an action at a major version (owner/name@vN)")


# ------------------------------------------------------------------------------------ tests

def test_tests_run_on_push_and_pull_request():
    on = triggers(load("test.yml"))
    assert "push" in on and "pull_request" in on
    for event in ("push", "pull_request"):  # every branch, no path filters
        assert not (on[event] or {}).keys() & {"branches", "paths"}, on[event]


def test_test_job_runs_exactly_the_readme_test_command():
    job = load("test.yml")["jobs"]["test"]
    assert job["runs-on"] == "ubuntu-latest"
    setup = action(job, "actions/setup-python")["with"]
    assert str(setup["python-version"]) == "3.11"
    assert setup["cache"] == "pip"
    command = readme_command("test-command")
    assert command == 'pip install -e ".[all]" && python -m pytest'
    assert runs(job).count(command) == 1, f"the test job must run {command!r}"
    assert runs(job)[-1] == command, "the README's command is the job's last step"


def test_test_job_caches_mnist_and_installs_the_browser_as_ci_does():
    job = load("test.yml")["jobs"]["test"]
    cache = action(job, "actions/cache")["with"]
    assert cache["path"] == "~/.cache/coursepkg"  # coursepkg.data' default folder
    assert "hashFiles('coursepkg/data/mnist.py')" in cache["key"]
    browser = "\n".join(runs(job)[:-1])
    assert "apt-get install" in browser and "chromium" in browser
    ci_run = (ROOT / ".ci" / "run").read_text()
    assert "apt_install chromium" in ci_run
    # The book carries its own MathJax (sphinx-mathjax-offline): neither installs it.
    assert "npm install" not in browser + ci_run and "mathjax@" not in browser + ci_run


def matrix_rows() -> list[dict]:
    job = load("test.yml")["jobs"]["matrix"]
    return job["strategy"]["matrix"]["include"]


def test_matrix_covers_lowest_colab_and_newest_versions():
    rows = {row["row"]: row for row in matrix_rows()}
    assert set(rows) == {"lowest", "colab", "newest"}
    assert str(rows["lowest"]["python"]) == "3.10"
    assert str(rows["colab"]["python"]) == "3.13"
    assert rows["lowest"]["constraints"] == "requirements/lowest.txt"
    assert rows["colab"]["constraints"] == "requirements/colab.txt"
    assert rows["newest"]["constraints"] == ""  # newest: no constraints at all
    assert rows["colab"]["notebooks"].split() == CHAPTERS_ON_COLAB
    assert all("notebooks" not in row for name, row in rows.items() if name != "colab")
    for path in CHAPTERS_ON_COLAB:
        assert (ROOT / path).is_file(), path


def test_matrix_rows_name_files_in_requirements():
    if not REQUIREMENTS.is_dir():
        pytest.skip("requirements/ does not exist yet: the rows' constraint files cannot be "
                    "checked until it does")
    for row in matrix_rows():
        if row["constraints"]:
            assert (ROOT / row["constraints"]).is_file(), (
                f"row {row['row']} names {row['constraints']}, which does not exist")
            assert Path(row["constraints"]).parent == Path("requirements")


def test_matrix_job_installs_with_constraints_and_runs_the_unit_tests():
    job = load("test.yml")["jobs"]["matrix"]
    setup = action(job, "actions/setup-python")["with"]
    assert setup["python-version"] == "${{ matrix.python }}"
    assert setup["cache"] == "pip"
    install = next(step for step in steps(job) if "pip install" in step.get("run", ""))
    assert install["env"]["CONSTRAINTS"] == "${{ matrix.constraints }}"
    commands = [line.strip() for line in install["run"].splitlines()]
    assert 'pip install -c "$CONSTRAINTS" -e ".[keras,test]"' in commands
    assert 'pip install -e ".[keras,test]"' in commands
    unit = [c for c in runs(job) if c.startswith("python -m pytest tests")]
    assert len(unit) == 1
    # Only the two tests that need the book extra (run by the test job) are left out.
    args = shlex.split(unit[0])[4:]
    assert args == ["--ignore=tests/test_book_build.py", "--ignore=tests/test_browser.py"]
    for arg in args:
        assert (ROOT / arg.split("=", 1)[1]).is_file(), arg
    notebooks = next(step for step in steps(job)
                     if step.get("run", "").startswith("python -m pytest ${{ matrix.notebooks"))
    assert notebooks["if"] == "matrix.notebooks"


def test_matrix_job_caches_mnist():
    job = load("test.yml")["jobs"]["matrix"]
    assert action(job, "actions/cache")["with"]["path"] == "~/.cache/coursepkg"


# ----------------------------------------------------------------------------------- deploy

def test_deploy_runs_on_main_and_by_hand():
    workflow = load("deploy.yml")
    on = triggers(workflow)
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["branch"] == "main"
    assert workflow["concurrency"]["group"] == "pages"
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_deploy_builds_with_the_readme_book_command_and_uploads_the_html():
    job = load("deploy.yml")["jobs"]["build"]
    command = readme_command("book-command")
    assert command == 'pip install -e ".[book]" && jupyter-book build .'
    assert runs(job).count(command) == 1
    upload = action(job, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"
    assert steps(job).index(upload) > [s.get("run", "").strip() for s in steps(job)].index(
        command), "the artifact is uploaded after the build"


def test_deploy_job_uses_deploy_pages_with_the_required_permissions():
    workflow = load("deploy.yml")
    job = workflow["jobs"]["deploy"]
    assert job["needs"] == "build"
    assert job["permissions"] == {"pages": "write", "id-token": "write"}
    assert job["environment"]["name"] == "github-pages"
    deploy = action(job, "actions/deploy-pages")
    assert job["environment"]["url"] == f"${{{{ steps.{deploy['id']}.outputs.page_url }}}}"
    # Nothing else in the workflow may write.
    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in workflow["jobs"]["build"]


# ---------------------------------------------------------------------------------- release

def test_release_runs_on_version_tags_only():
    workflow = load("release.yml")
    assert triggers(workflow) == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "write"}


def test_release_checks_the_tag_against_the_package_version():
    job = load("release.yml")["jobs"]["release"]
    check = runs(job)[0]
    assert "coursepkg.__version__" in check
    assert '"$GITHUB_REF_NAME" != "v$version"' in check and "exit 1" in check
    assert "python -m pytest -p no:cacheprovider tests/test_version.py" in runs(job)


def test_release_builds_html_and_pdf_and_attaches_them_with_the_notebooks():
    job = load("release.yml")["jobs"]["release"]
    commands = runs(job)
    book, pdf = readme_command("book-command"), "bash .ci/build-pdf"
    assert book in commands and pdf in commands
    assert commands.index(book) < commands.index(pdf)
    assets = next(c for c in commands if c.startswith("mkdir -p dist"))
    assert "(cd _build/html && zip" in assets
    assert "book/*.ipynb exercises/*.ipynb" in assets
    assert "cp _build/pdf/book.pdf" in assets
    release = action(job, "softprops/action-gh-release")["with"]
    assert release["fail_on_unmatched_files"] is True
    files = release["files"].strip().splitlines()
    assert [Path(f).suffix for f in files] == [".zip", ".zip", ".pdf"]
    for name in files:
        produced = name.replace("${{ env.VERSION }}", "$VERSION")
        assert produced.split("/")[-1] in assets, f"{name} is not produced by the assets step"


def test_release_notes_come_from_the_changelog():
    job = load("release.yml")["jobs"]["release"]
    notes = next(c for c in runs(job) if "CHANGELOG.md" in c)
    assert "release-notes.md" in notes
    assert action(job, "softprops/action-gh-release")["with"]["body_path"] == "release-notes.md"


def release_step(name: str) -> str:
    job = load("release.yml")["jobs"]["release"]
    return next(step["run"] for step in steps(job) if step.get("name") == name)


@pytest.mark.parametrize("tag_matches", [True, False])
def test_release_tag_check_runs(tmp_path, tag_matches):
    import subprocess

    import coursepkg
    tag = f"v{coursepkg.__version__}" if tag_matches else f"v{coursepkg.__version__}.post9"
    env_file = tmp_path / "github_env"
    result = subprocess.run(
        ["bash", "-e", "-c", release_step("Check the tag against the version")], cwd=ROOT,
        capture_output=True, text=True,
        env={"PATH": str(Path(__import__("sys").executable).parent) + ":/usr/bin:/bin",
             "GITHUB_REF_NAME": tag, "GITHUB_ENV": str(env_file)})
    if tag_matches:
        assert result.returncode == 0, result.stdout + result.stderr
        assert env_file.read_text() == f"VERSION={coursepkg.__version__}\n"
    else:
        assert result.returncode == 1
        assert f"tag {tag} is not v{coursepkg.__version__}" in result.stdout


def test_release_notes_step_takes_the_dated_section(tmp_path):
    import subprocess
    import sys
    script = release_step("Release notes from the changelog")
    changelog = ("# Changelog\n\n## [Unreleased]\n\n- in flight\n\n"
                 "## [1.2.0] - 2030-01-31\n\n### Added\n\n- a chapter\n\n"
                 "## [1.1.0] - 2029-05-01\n\n- older\n\n"
                 "[1.2.0]: https://example.org/v1.2.0\n")
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    ok = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, capture_output=True,
                        text=True, env={**env, "VERSION": "1.2.0"})
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "release-notes.md").read_text() == "### Added\n\n- a chapter\n"
    for version, text in [("1.3.0", changelog),
                          ("1.2.0", changelog.replace("2030-01-31", "unreleased"))]:
        (tmp_path / "CHANGELOG.md").write_text(text)
        failed = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path,
                                capture_output=True, text=True, env={**env, "VERSION": version})
        assert failed.returncode == 1
        assert f"no dated section '## [{version}] - YYYY-MM-DD'" in failed.stderr


def test_release_attaches_the_pdf_that_build_pdf_writes():
    script = ROOT / ".ci" / "build-pdf"
    if not script.is_file():
        pytest.skip(".ci/build-pdf does not exist yet: the PDF path it writes cannot be "
                    "checked until it does")
    assert "_build/pdf/book.pdf" in script.read_text(), (
        ".ci/build-pdf must write _build/pdf/book.pdf, the file release.yml attaches")
