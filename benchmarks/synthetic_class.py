"""Write a synthetic class: submitted exercise notebooks with the mistakes students make.

Every submission starts from the exercise notebook that :func:`make_exercise` generates from
the chapter's master ``solutions/NN_name.ipynb``, with each answer cell filled in from the
master's solution region: unchanged (a correct answer), or changed by one of these mistakes:

``sign_flip``
    ``+`` and ``-`` exchanged, ``a - b`` written ``b - a``, a unary minus dropped, ``+=``
    written ``-=``;
``transpose``
    a ``.T`` dropped, or one added to an operand of ``@``;
``missing_factor``
    a divisor dropped (``/ n``, ``/ 2``, ``/ len(X)``), or one factor of a product (``* 0.5``,
    ``2 *``, ``* (1 - h)``);
``off_by_one``
    an integer constant one larger, ``range(n)`` written ``range(n - 1)``, ``len(x)``
    written ``len(x) - 1``;
``wrong_choice``
    another letter for a multiple-choice answer;
``blank``
    the exercise's placeholder left as it is (the question is unanswered);
``raise``
    the answer starts with ``raise NotImplementedError(...)``;
``loop``
    the answer starts with ``while True: pass``, an infinite loop.

The code mistakes are made on the syntax tree of the region (:mod:`ast`) and written back
with :func:`ast.unparse` (comments of a changed region are lost, as a student's rewrite would
lose them). The mix is that of a real class: about one submission in eight is fully correct,
one in fifteen is handed in blank, and the others have 1 to 3 answers wrong. Each mistake
kind that some answer of the chapter admits appears at least once per chapter. Everything
follows from ``--seed``: the same seed writes the same bytes.

The submissions are written as ``OUT_DIR/NN_name-student-MMM.ipynb``, beside a
``manifest.json`` that lists, for every file, its chapter and the mistakes in it (chapter,
cell index, kind and the change)::

    python benchmarks/synthetic_class.py OUT_DIR [--chapters 01 07] [--per-chapter 30] \\
        [--seed 0]

``benchmarks/grading_throughput.py`` grades such a class to measure the grader.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import random
import sys
from pathlib import Path

import nbformat

from coursepkg.course.chapters import chapter_of_path
from coursepkg.course.exercises import CODE_BEGIN, CODE_END, make_exercise, solution_regions

ROOT = Path(__file__).resolve().parents[1]
#: Every kind of mistake, with its weight when a wrong answer is drawn at random.
KINDS = {"sign_flip": 0.24, "transpose": 0.11, "missing_factor": 0.19, "off_by_one": 0.13,
         "wrong_choice": 0.06, "blank": 0.18, "raise": 0.08, "loop": 0.01}
#: Kinds made by editing the region's syntax tree; the others replace or prefix the answer.
TREE_KINDS = ("sign_flip", "transpose", "missing_factor", "off_by_one", "wrong_choice")
CORRECT_SHARE, BLANK_SHARE = 0.13, 0.07
#: How many answers a submission with mistakes gets wrong, and how often.
WRONG_ANSWERS = {1: 0.5, 2: 0.3, 3: 0.2}
RAISE_LINE = 'raise NotImplementedError("not finished")'
LOOP_LINES = ["while True:", "    pass"]
CHOICES = "abcdef"


def _is_sequence(node) -> bool:
    """A literal list, tuple or string: ``+`` and ``*`` on it are not arithmetic."""
    return isinstance(node, (ast.List, ast.ListComp, ast.Tuple, ast.JoinedStr)) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str))


def _is_number(node) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool))


def _call_of(node, name: str) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == name)


def _sites(tree: ast.AST, kind: str) -> list[tuple[ast.AST, str]]:
    """``(node, variant)`` pairs where ``kind`` of mistake can be made, in a fixed order."""
    keyword_values = {id(k.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
                      for k in node.keywords}
    sites = []
    for node in ast.walk(tree):
        if kind == "sign_flip":
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) \
                    and not (_is_sequence(node.left) or _is_sequence(node.right)):
                sites.append((node, "flip"))
                if isinstance(node.op, ast.Sub):
                    sites.append((node, "swap"))
            elif isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
                sites.append((node, "flip"))
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
                    and not _is_number(node.operand):
                sites.append((node, "drop"))
        elif kind == "transpose":
            if isinstance(node, ast.Attribute) and node.attr == "T":
                sites.append((node, "drop"))
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
                for side in ("left", "right"):
                    operand = getattr(node, side)
                    if isinstance(operand, (ast.Name, ast.Subscript)) or (
                            isinstance(operand, ast.Attribute) and operand.attr != "T"):
                        sites.append((node, side))
        elif kind == "missing_factor":
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) \
                    and not _is_number(node.left):
                sites.append((node, "left"))
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) \
                    and not (_is_sequence(node.left) or _is_sequence(node.right)):
                # a constant factor is the one forgotten: 0.5 * x becomes x, not 0.5
                sites += [(node, side) for side, other in (("left", node.right),
                                                           ("right", node.left))
                          if _is_number(other) or not (_is_number(node.left)
                                                       or _is_number(node.right))]
        elif kind == "off_by_one":
            if _is_number(node) and isinstance(node.value, int) \
                    and id(node) not in keyword_values:
                sites.append((node, "plus"))
            elif (_call_of(node, "range") and len(node.args) == 1) or _call_of(node, "len"):
                sites.append((node, "minus"))
        elif kind == "wrong_choice" and isinstance(node, ast.Constant) \
                and isinstance(node.value, str) and len(node.value) == 1 \
                and node.value in CHOICES:
            sites.append((node, "next"))
    return sites


def _changed(node: ast.AST, kind: str, variant: str) -> ast.AST:
    """The node that replaces ``node`` for this mistake."""
    if kind == "sign_flip":
        if variant == "drop":
            return node.operand
        if variant == "swap":
            return ast.BinOp(node.right, ast.Sub(), node.left)
        flipped = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        if isinstance(node, ast.AugAssign):
            return ast.AugAssign(node.target, flipped, node.value)
        return ast.BinOp(node.left, flipped, node.right)
    if kind == "transpose":
        if variant == "drop":
            return node.value
        operands = {"left": node.left, "right": node.right}
        operands[variant] = ast.Attribute(operands[variant], "T", ast.Load())
        return ast.BinOp(operands["left"], node.op, operands["right"])
    if kind == "missing_factor":
        return node.left if variant == "left" else node.right
    if kind == "off_by_one":
        if variant == "plus":
            return ast.Constant(node.value + 1)
        if node.func.id == "range":
            return ast.Call(node.func, [ast.BinOp(node.args[0], ast.Sub(), ast.Constant(1))],
                            [])
        return ast.BinOp(node, ast.Sub(), ast.Constant(1))
    if kind == "wrong_choice":
        return ast.Constant(CHOICES[(CHOICES.index(node.value) + 1) % len(CHOICES)])
    raise ValueError(f"not a tree mistake: {kind}")


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, replacement: ast.AST):
        self.target, self.replacement = target, replacement

    def visit(self, node):
        if node is self.target:
            return self.replacement
        return super().visit(node)


def _region_code(lines: list[str], indent: str) -> str:
    """The region's lines without their common indentation (the ``BEGIN`` line's)."""
    return "\n".join(line[len(indent):] if line.startswith(indent) else line.lstrip()
                     for line in lines)


def tree_mistake(code: str, kind: str, rng: random.Random) -> tuple[str, str] | None:
    """``(new code, description)`` with one ``kind`` of mistake made in ``code`` (a region,
    not indented); ``None`` when no place in it admits that mistake."""
    tree = ast.parse(code)
    sites = _sites(tree, kind)
    while sites:
        node, variant = sites.pop(rng.randrange(len(sites)))
        before = ast.unparse(node)
        replacement = _changed(node, kind, variant)
        after = ast.unparse(replacement)
        if after == before:
            continue
        new = ast.fix_missing_locations(_Replace(node, replacement).visit(tree))
        return ast.unparse(new), f"{before} -> {after}"
    return None


def answer_cells(master) -> dict[int, list[tuple[int, int, str]]]:
    """The code cells of ``master`` with solution regions: ``{cell index: regions}``."""
    cells = {}
    for index, cell in enumerate(master.cells):
        if cell.cell_type == "code":
            regions = list(solution_regions(cell.source, CODE_BEGIN, CODE_END))
            if regions:
                cells[index] = regions
    return cells


def admits(master, index: int, kind: str) -> bool:
    """Whether answer cell ``index`` of ``master`` admits a ``kind`` of mistake."""
    if kind not in TREE_KINDS:
        return True
    lines = master.cells[index].source.splitlines()
    return any(_sites(ast.parse(_region_code(lines[first + 1:last], indent)), kind)
               for first, last, indent in answer_cells(master)[index])


def answered(master, index: int, kind: str | None, rng: random.Random
             ) -> tuple[str, str]:
    """Source of answer cell ``index`` filled in from the master, with one ``kind`` of mistake
    (``None``: correct) in one of its regions, and the change made; not for ``blank``."""
    lines = master.cells[index].source.splitlines()
    regions = answer_cells(master)[index]
    codes = [_region_code(lines[first + 1:last], indent) for first, last, indent in regions]
    new_codes = list(codes)
    change = ""
    if kind is not None:
        order = list(range(len(regions)))
        rng.shuffle(order)
        for choice in order:
            if kind == "raise":
                new_codes[choice], change = f"{RAISE_LINE}\n{codes[choice]}", RAISE_LINE
            elif kind == "loop":
                new_codes[choice] = "\n".join(LOOP_LINES + [codes[choice]])
                change = "while True: pass"
            else:
                made = tree_mistake(codes[choice], kind, rng)
                if made is None:
                    continue
                new_codes[choice], change = made
            break
        else:
            raise ValueError(f"cell {index} admits no {kind} mistake")
    out, position = [], 0
    for (first, last, indent), code, new in zip(regions, codes, new_codes):
        out += lines[position:first]
        body = lines[first + 1:last] if new == code else [
            indent + line if line else line for line in new.splitlines()]
        out += body
        position = last + 1
    out += lines[position:]
    return "\n".join(out), change


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def plan_chapter(master, count: int, rng: random.Random) -> list[list[tuple[int, str]]]:
    """For each of ``count`` submissions, the ``(cell index, kind)`` of its mistakes."""
    cells = sorted(answer_cells(master))
    n_correct = max(1, round(CORRECT_SHARE * count))
    n_blank = max(1, round(BLANK_SHARE * count))
    profiles = ["correct"] * n_correct + ["blank"] * n_blank
    profiles += ["wrong"] * max(0, count - len(profiles))
    profiles = profiles[:count]
    rng.shuffle(profiles)
    # Each kind some answer admits is made at least once, by the first wrong submissions.
    forced = [kind for kind in KINDS if any(admits(master, i, kind) for i in cells)]
    plans = []
    for profile in profiles:
        if profile == "correct":
            plans.append([])
            continue
        if profile == "blank":
            plans.append([(index, "blank") for index in cells])
            continue
        wrong = min(_weighted(rng, WRONG_ANSWERS), len(cells))
        plan = []
        if forced:
            kind = forced.pop(0)
            plan.append((rng.choice([i for i in cells if admits(master, i, kind)]), kind))
        while len(plan) < wrong:
            index = rng.choice([i for i in cells if i not in {i for i, _ in plan}])
            kinds = {k: w for k, w in KINDS.items() if admits(master, index, k)}
            plan.append((index, _weighted(rng, kinds)))
        plans.append(sorted(plan))
    return plans


def submission(master, exercise, plan: list[tuple[int, str]], chapter: str,
               rng: random.Random) -> tuple[nbformat.NotebookNode, list[dict]]:
    """The notebook a student hands in: ``exercise`` with every answer cell filled in from
    ``master``, correctly except for the ``(cell, kind)`` mistakes of ``plan``."""
    nb = copy.deepcopy(exercise)
    kinds = dict(plan)
    mistakes = []
    for index in answer_cells(master):
        kind = kinds.get(index)
        if kind == "blank":
            change = "left blank"  # the exercise's placeholder stays
        else:
            nb.cells[index].source, change = answered(master, index, kind, rng)
        if kind is not None:
            mistakes.append({"chapter": chapter, "cell": index, "kind": kind,
                             "change": change})
    return nb, mistakes


def masters(solutions: Path, chapters=None) -> list[Path]:
    """The masters of ``chapters`` (``"01"`` or ``"ch01"``; all when ``None``)."""
    found = sorted(solutions.glob("[0-9][0-9]_*.ipynb"))
    if chapters:
        wanted = {f"ch{str(c).removeprefix('ch').zfill(2)}" for c in chapters}
        unknown = wanted - {chapter_of_path(p) for p in found}
        if unknown:
            raise ValueError(f"no master for {', '.join(sorted(unknown))} in {solutions}")
        found = [p for p in found if chapter_of_path(p) in wanted]
    return found


def make_class(out_dir, *, solutions=ROOT / "solutions", chapters=None,
               per_chapter: int = 30, seed: int = 0) -> dict:
    """Write ``per_chapter`` submissions for each chapter and ``manifest.json`` into
    ``out_dir``; returns the manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {"seed": seed, "per_chapter": per_chapter, "submissions": {}}
    for path in masters(Path(solutions), chapters):
        chapter = chapter_of_path(path)
        rng = random.Random(f"{seed}-{chapter}")
        master = nbformat.read(path, as_version=4)
        exercise = make_exercise(master, chapter, f"solutions/{path.name}")
        for number, plan in enumerate(plan_chapter(master, per_chapter, rng), start=1):
            nb, mistakes = submission(master, exercise, plan, chapter, rng)
            nbformat.validate(nb)
            name = f"{path.stem}-student-{number:03d}.ipynb"
            nbformat.write(nb, out_dir / name)
            manifest["submissions"][name] = {"chapter": chapter, "mistakes": mistakes}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Write submitted exercise notebooks with typical mistakes, and a "
                    "manifest of the mistakes.")
    parser.add_argument("out_dir", type=Path, help="folder to write the notebooks into")
    parser.add_argument("--chapters", nargs="+", metavar="NN",
                        help="chapter numbers, e.g. 01 07 (default: every chapter)")
    parser.add_argument("--per-chapter", type=int, default=30,
                        help="submissions per chapter (default 30)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions",
                        help="folder of the masters (default: the book's solutions/)")
    args = parser.parse_args(argv)
    if args.per_chapter < 1:
        parser.error("--per-chapter must be at least 1")
    try:
        manifest = make_class(args.out_dir, solutions=args.solutions, chapters=args.chapters,
                              per_chapter=args.per_chapter, seed=args.seed)
    except ValueError as error:
        parser.error(str(error))
    counts: dict[str, int] = {}
    for entry in manifest["submissions"].values():
        for mistake in entry["mistakes"]:
            counts[mistake["kind"]] = counts.get(mistake["kind"], 0) + 1
    print(f"wrote {len(manifest['submissions'])} submissions to {args.out_dir}; mistakes: "
          + ", ".join(f"{kind} {counts.get(kind, 0)}" for kind in KINDS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
