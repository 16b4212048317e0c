"""``benchmarks/synthetic_class.py``: a class of submissions with the mistakes students make.

The script runs as a command on chapters 1 and 7 (twice with one seed, once with another);
the tests read what it wrote. Three of its chapter-1 notebooks go through the grader: the
correct one scores full marks, one with mistakes fewer points, a blank one none.
"""

import ast
import json
import random
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from scripts import load_script

from coursepkg.course import grading
from coursepkg.course.exercises import CODE_BEGIN, CODE_END

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "synthetic_class.py"
CHAPTERS = {"ch01": "01_numpy", "ch07": "07_backprop"}
PER_CHAPTER = 30


@pytest.fixture(scope="module")
def script():
    return load_script("benchmarks/synthetic_class.py")


def _write(folder: Path, seed: int) -> Path:
    subprocess.run([sys.executable, str(SCRIPT), str(folder), "--chapters", "01", "07",
                    "--per-chapter", str(PER_CHAPTER), "--seed", str(seed)],
                   check=True, capture_output=True, text=True)
    return folder


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = _write(tmp_path_factory.mktemp("class"), seed=0)
    return folder, json.loads((folder / "manifest.json").read_text())


def _notebooks(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _master(chapter: str):
    return nbformat.read(ROOT / "solutions" / f"{CHAPTERS[chapter]}.ipynb", as_version=4)


def test_at_least_30_valid_notebooks_per_chapter(made):
    folder, manifest = made
    files = sorted(p.name for p in folder.glob("*.ipynb"))
    assert files == sorted(manifest["submissions"])
    for chapter, stem in CHAPTERS.items():
        mine = [name for name in files if name.startswith(stem)]
        assert len(mine) >= PER_CHAPTER
        for name in mine:
            nb = nbformat.read(folder / name, as_version=4)
            nbformat.validate(nb)
            assert nb.metadata["coursepkg"]["chapter"] == chapter
            assert manifest["submissions"][name]["chapter"] == chapter


def test_the_same_seed_writes_the_same_bytes(made, tmp_path):
    folder, _ = made
    first = _notebooks(folder)
    assert _notebooks(_write(tmp_path / "again", seed=0)) == first
    other = _notebooks(_write(tmp_path / "other", seed=1))
    assert other.keys() == first.keys() and other != first


def test_every_kind_of_mistake_appears_in_each_chapter(made, script):
    _, manifest = made
    for chapter in CHAPTERS:
        kinds = {m["kind"] for entry in manifest["submissions"].values()
                 if entry["chapter"] == chapter for m in entry["mistakes"]}
        assert kinds == set(script.KINDS), chapter


def test_the_mix_is_mostly_partly_wrong(made):
    _, manifest = made
    for chapter in CHAPTERS:
        entries = [e for e in manifest["submissions"].values() if e["chapter"] == chapter]
        correct = sum(not e["mistakes"] for e in entries)
        blank = sum(bool(e["mistakes"]) and all(m["kind"] == "blank" for m in e["mistakes"])
                    and len(e["mistakes"]) > 3 for e in entries)
        partly = sum(1 <= len(e["mistakes"]) <= 3 for e in entries)
        assert correct >= 1 and blank >= 1 and partly >= len(entries) // 2


def test_answer_cells_hold_the_master_or_its_mistake(made, script):
    """Every code cell parses; a cell without a mistake holds the master's answer (without
    the markers), a cell with one differs from it in the way its kind says."""
    folder, manifest = made
    for name, entry in manifest["submissions"].items():
        master = _master(entry["chapter"])
        exercise_cells = nbformat.read(folder / name, as_version=4).cells
        mistakes = {m["cell"]: m for m in entry["mistakes"]}
        for index, cell in enumerate(exercise_cells):
            if cell.cell_type != "code":
                continue
            ast.parse(cell.source)
            assert CODE_BEGIN not in cell.source and CODE_END not in cell.source
            if index not in script.answer_cells(master):
                assert cell.source == master.cells[index].source
                continue
            right = "\n".join(line for line in master.cells[index].source.splitlines()
                              if line.strip() not in (CODE_BEGIN, CODE_END))
            kind = mistakes.get(index, {}).get("kind")
            if kind is None:
                assert cell.source == right
            elif kind == "blank":
                assert "# your" in cell.source and cell.source != right
            elif kind == "raise":
                assert script.RAISE_LINE in cell.source
            elif kind == "loop":
                assert "while True:" in cell.source
            else:
                assert ast.dump(ast.parse(cell.source)) != ast.dump(ast.parse(right))


@pytest.mark.parametrize("kind, code, expected", [
    ("sign_flip", "return X @ W + b", {"return X @ W - b"}),
    ("sign_flip", "y = -np.mean(a)", {"y = np.mean(a)"}),
    ("transpose", "g = A.T @ G", {"g = A @ G", "g = A.T @ G.T"}),
    ("missing_factor", "return X.T @ e / len(X)", {"return X.T @ e"}),
    ("missing_factor", "c = 0.5 * x", {"c = x"}),
    ("missing_factor", "d = a * (1 - h)", {"d = a", "d = 1 - h"}),
    ("off_by_one", "for i in range(n):\n    pass", {"for i in range(n - 1):\n    pass"}),
    ("off_by_one", "z = np.zeros(len(y))", {"z = np.zeros(len(y) - 1)"}),
    ("wrong_choice", 'answer = "b"', {"answer = 'c'"}),
])
def test_a_tree_mistake_changes_one_place(script, kind, code, expected):
    made = {script.tree_mistake(code, kind, random.Random(seed))[0] for seed in range(20)}
    assert made == expected


def test_no_place_for_a_mistake_gives_none(script):
    assert script.tree_mistake('answer = "b"', "transpose", random.Random(0)) is None


def test_grading_tells_right_from_wrong(made, tmp_path):
    folder, manifest = made
    chapter_1 = {name: e["mistakes"] for name, e in manifest["submissions"].items()
                 if e["chapter"] == "ch01"}
    correct = next(name for name, mistakes in chapter_1.items() if not mistakes)
    wrong = next(name for name, mistakes in chapter_1.items()
                 if 1 <= len(mistakes) <= 3 and "sign_flip" in {m["kind"] for m in mistakes}
                 and {m["kind"] for m in mistakes} <= {"sign_flip", "blank"})
    blank = next(name for name, mistakes in chapter_1.items()
                 if len(mistakes) > 3 and all(m["kind"] == "blank" for m in mistakes))
    rows, errors = grading.grade([folder / correct, folder / wrong, folder / blank],
                                 timeout=20, progress=False)
    assert errors == []
    points = {name: sum(r.points for r in rows if Path(r.notebook).name == name)
              for name in (correct, wrong, blank)}
    full = sum(r.max_points for r in rows if Path(r.notebook).name == correct)
    assert points[correct] == full
    assert 0 < points[wrong] < full
    assert points[blank] == 0
