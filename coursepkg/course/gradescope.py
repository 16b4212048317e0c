"""A Gradescope autograder bundle for one chapter: ``coursepkg gradescope-bundle``.

``coursepkg gradescope-bundle ch07 --out bundle.zip [--hidden DIR] [--package-spec SPEC]
[--timeout 60]`` writes the zip file Gradescope's programming assignments take as their
autograder (its *Autograder Specifications*,
https://gradescope-autograders.readthedocs.io/en/latest/specs/):

- ``setup.sh``, run once when Gradescope builds the image: it installs pip and git with
  apt, then ``python3 -m pip install SPEC``, by default the package's release that the
  notebooks' Colab setup cell installs (:mod:`coursepkg.course.notebook`), with the
  ``course`` extra, into the image's ``python3``, which ``run_autograder`` then runs;
- ``run_autograder``, run for each submission: it grades the ``.ipynb`` found in
  ``/autograder/submission`` with the chapter's checks (and the hidden cases shipped in the
  bundle), and writes ``/autograder/results/results.json`` with
  :func:`coursepkg.course.exports.gradescope_results`;
- ``hidden/``, the instructor's hidden-case modules, when ``--hidden`` is given.

Gradescope unzips the bundle into ``/autograder/source``. The root ``/autograder`` can be
moved with the environment variable ``AUTOGRADER_ROOT`` (to try the bundle on one's own
machine), and the Python that runs the grader with ``PYTHON`` (default ``python3``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import zipfile
from pathlib import Path

from coursepkg.course.chapters import is_chapter_id

__all__ = ["default_package_spec", "setup_script", "run_script", "build_bundle",
           "autograde", "main"]

#: The root Gradescope lays out: source/, submission/, results/.
DEFAULT_ROOT = "/autograder"


def default_package_spec() -> str:
    """``coursepkg[course] @ git+URL@TAG``: the release the notebooks' setup cell installs,
    with the course extra the grader needs."""
    from coursepkg.course.notebook import RELEASE_TAG, REPOSITORY_URL
    return f"coursepkg[course] @ git+{REPOSITORY_URL}@{RELEASE_TAG}"


def setup_script(package_spec: str) -> str:
    """The text of ``setup.sh``."""
    return "\n".join([
        "#!/usr/bin/env bash",
        "# Gradescope runs this once, when it builds the autograder's image.",
        "set -euo pipefail",
        "export DEBIAN_FRONTEND=noninteractive",
        "# The image's own Python: newer Ubuntu images mark it as managed by apt (PEP 668);",
        "# an older pip ignores this variable.",
        "export PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore",
        "apt-get update -qq && apt-get install -y -qq python3-pip git > /dev/null || true",
        "python3 -m pip install --upgrade pip",
        f"python3 -m pip install {shlex.quote(package_spec)}",
        "python3 -m ipykernel install --sys-prefix > /dev/null 2>&1 || true",
        ""])


def run_script(chapter: str, timeout: int, hidden: bool) -> str:
    """The text of ``run_autograder``."""
    hidden_option = ' --hidden "$ROOT/source/hidden"' if hidden else ""
    return "\n".join([
        "#!/usr/bin/env bash",
        "# Gradescope runs this for each submission; AUTOGRADER_ROOT moves /autograder.",
        "set -uo pipefail",
        f'ROOT="${{AUTOGRADER_ROOT:-{DEFAULT_ROOT}}}"',
        'mkdir -p "$ROOT/results"',
        f'exec "${{PYTHON:-python3}}" -m coursepkg.course.gradescope run {chapter} '
        f'--root "$ROOT" --timeout {timeout}{hidden_option}',
        ""])


def build_bundle(chapter: str, out, hidden=None, package_spec: str | None = None,
                 timeout: int = 60) -> Path:
    """Write the autograder zip of ``chapter`` (``"ch07"``) to ``out``; returns its path.

    ``hidden`` is a folder of hidden-case modules, checked now (a bad case fails here, not
    on Gradescope) and shipped as ``hidden/``.
    """
    from coursepkg.course.checks import chapter_module, load_hidden_cases

    if not is_chapter_id(chapter):
        raise ValueError(f"expected a chapter id such as ch07, not {chapter!r}")
    chapter_module(chapter)  # an unknown chapter fails here
    modules = []
    if hidden is not None:
        hidden = Path(hidden)
        load_hidden_cases(hidden)
        modules = sorted(hidden.glob("*.py"))
    spec = package_spec or default_package_spec()
    out = Path(out)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        def add(name: str, text: str, mode: int = 0o644):
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, text)
        add("setup.sh", setup_script(spec), 0o755)
        add("run_autograder", run_script(chapter, timeout, bool(modules)), 0o755)
        for module in modules:
            add(f"hidden/{module.name}", module.read_text(encoding="utf-8"))
    return out


def _result(score: float, output: str) -> dict:
    return {"score": score, "output": output, "output_format": "text", "tests": []}


def autograde(chapter: str, root=DEFAULT_ROOT, hidden=None, timeout: int = 60) -> dict:
    """Grade the notebook in ``root/submission`` and write ``root/results/results.json``;
    returns what was written.

    No notebook, or a notebook of another chapter, gives score 0 and the reason in
    ``output``; with several notebooks, the one whose chapter is ``chapter`` is graded
    (the first by name among them).
    """
    from coursepkg.course import exports, grading

    root = Path(root)
    submission = root / "submission"
    found = grading.find_notebooks([submission]) if submission.is_dir() else []
    if not found:
        result = _result(0.0, f"No notebook (.ipynb file) in the submission: upload the "
                              f"exercise notebook of {chapter} (File > Download > "
                              f".ipynb), not a PDF or a zip of it.")
    else:
        def chapter_of(path):
            import nbformat
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception:  # not a readable notebook: grade_notebook says why
                return None
            return grading.detect_chapter(nb, path)
        matching = [path for path in found if chapter_of(path) == chapter]
        path = (matching or found)[0]
        rows, _errors = grading.grade_notebook(path, timeout=timeout, hidden=hidden)
        graded = {row.question.split(".")[0] for row in rows if row.status == "graded"}
        if graded and graded != {chapter}:
            result = _result(0.0, f"{path.name} is a notebook of {', '.join(sorted(graded))}"
                                  f", not of {chapter}: submit the exercise notebook of "
                                  f"{chapter}.")
        else:
            result = exports.gradescope_results(rows)
            name = str(path.relative_to(submission))
            result["output"] = f"{name}: " + result["output"].split(": ", 1)[-1] \
                if result["tests"] else result["output"]
            result["extra_data"]["notebook"] = name
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "results.json").write_text(json.dumps(result, indent=2, allow_nan=False)
                                          + "\n", encoding="utf-8")
    return result


def _bundle_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coursepkg gradescope-bundle",
        description="Write a Gradescope autograder bundle (setup.sh, run_autograder) that "
                    "grades one chapter's exercise notebook.")
    parser.add_argument("chapter", help="the chapter id, e.g. ch07")
    parser.add_argument("--out", type=Path, required=True, help="the zip file to write")
    parser.add_argument("--hidden", type=Path, metavar="DIR",
                        help="folder of hidden-case modules to ship in the bundle")
    parser.add_argument("--package-spec", metavar="SPEC",
                        help="what setup.sh pip-installs (default: "
                             f"{default_package_spec()!r}; add the keras extra for the "
                             "Keras chapters)")
    parser.add_argument("--timeout", type=int, default=60,
                        help="seconds a cell (or one question's check) may run (default 60)")
    return parser


def main(argv=None) -> int:
    """``coursepkg gradescope-bundle``; ``python -m coursepkg.course.gradescope run`` is
    what ``run_autograder`` calls."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["run"]:
        parser = argparse.ArgumentParser(prog="python -m coursepkg.course.gradescope run")
        parser.add_argument("chapter")
        parser.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT",
                                                             DEFAULT_ROOT))
        parser.add_argument("--hidden", type=Path)
        parser.add_argument("--timeout", type=int, default=60)
        args = parser.parse_args(argv[1:])
        result = autograde(args.chapter, args.root, args.hidden, args.timeout)
        print(result["output"])
        return 0
    parser = _bundle_parser()
    args = parser.parse_args(argv)
    try:
        out = build_bundle(args.chapter, args.out, args.hidden, args.package_spec,
                           args.timeout)
    except ValueError as error:
        parser.error(str(error))
    print(f"wrote the Gradescope autograder bundle of {args.chapter} to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
