"""The package's layers import only downwards, and its modules use only public names.

The contract itself is in ``pyproject.toml`` (``[tool.importlinter]``): course tools, then
lessons, then the estimators, then data and autodiff, then the library. The second test reads
every module of ``coursepkg`` and fails on ``from coursepkg.x import _name`` or
``module._name`` where ``module`` was imported from another coursepkg module.
"""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "coursepkg"


def test_the_import_contract_is_kept():
    lint = shutil.which("lint-imports") or pytest.skip("import-linter is not installed")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout and " KEPT" in result.stdout


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(path: Path) -> list[str]:
    """Private names of *other* coursepkg modules that ``path`` uses."""
    own = _module_name(path)
    tree = ast.parse(path.read_text())
    found, aliases = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "coursepkg" and node.module != own:
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
                else:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("coursepkg") and alias.name != own:
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr) \
                and isinstance(node.value, ast.Name) and node.value.id in aliases:
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr} "
                         f"({aliases[node.value.id]})")
    return found


def test_no_module_uses_another_modules_private_names():
    offenders = {str(p.relative_to(ROOT)): uses for p in sorted(PACKAGE.rglob("*.py"))
                 if (uses := private_uses(p))}
    assert not offenders, "private names used across modules: " + "; ".join(
        f"{path}: {', '.join(uses)}" for path, uses in offenders.items())


def test_the_scan_finds_a_private_import(tmp_path):
    sample = PACKAGE / "lessons" / "_scan_sample.py"
    assert not sample.exists()
    try:
        sample.write_text("from coursepkg.nn.losses import _hidden\n"
                          "from coursepkg.nn import losses\nlosses._other(1)\n")
        uses = private_uses(sample)
    finally:
        sample.unlink()
    assert len(uses) == 2 and "_hidden" in uses[0] and "losses._other" in uses[1]
