"""What a graded submission may not use: the exercise checks' private code.

The checks that give instant feedback run in the student's kernel, so the code that computes
their expected values ships with the package, as the private functions of the check modules
(``coursepkg.course.checks.chNN._...``). A value computed by calling one of them cannot be
told from a value the student computed, so the grader reads the submission's code cells
and flags any that reach that code: a private name of a check module, or a way around
writing one (``getattr``, ``vars``, ``__dict__``, ``inspect`` or ``importlib`` applied to a
check module). A flagged submission scores zero and says where; the instructor decides.

Calling a question's check (``ch06.q4(answer_q4)``) and its hints is what the exercise
notebooks do, and is never flagged.
"""

from __future__ import annotations

import ast

__all__ = ["CHECKS_PACKAGE", "private_check_uses"]

#: The package whose modules hold the exercise checks.
CHECKS_PACKAGE = "coursepkg.course.checks"
_ALLOWED_DUNDERS = {"__name__", "__doc__"}
_INDIRECT = {"getattr", "vars", "getsource", "getmembers", "import_module", "reload",
             "__import__"}


def _private(name: str) -> bool:
    return name.startswith("_") and name not in _ALLOWED_DUNDERS


def _in_checks(module: str) -> bool:
    return module == CHECKS_PACKAGE or module.startswith(CHECKS_PACKAGE + ".")


def _dotted(node) -> list[str] | None:
    """``a.b.c`` as ``["a", "b", "c"]``, or None for anything but names and attributes."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


class _Finder(ast.NodeVisitor):
    def __init__(self):
        self.aliases: dict[str, str] = {}   # local name -> the module path it stands for
        self.found: list[str] = []

    def _module_of(self, parts):
        """The check-module path ``parts`` starts with, and how many parts that takes."""
        if parts[0] not in self.aliases:
            return None, 0
        path, used = self.aliases[parts[0]], 1
        while used < len(parts) and not _private(parts[used]):
            path, used = f"{path}.{parts[used]}", used + 1
        return (path, used) if _in_checks(path) else (None, 0)

    def visit_Import(self, node):
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                self.aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
            if _in_checks(alias.name) and any(_private(p) for p in alias.name.split(".")):
                self.found.append(alias.name)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        for alias in node.names:
            full = f"{module}.{alias.name}"
            if _in_checks(module) and _private(alias.name):
                self.found.append(full)
            elif _in_checks(full) or _in_checks(module):
                self.aliases[alias.asname or alias.name] = full

    def visit_Attribute(self, node):
        parts = _dotted(node)
        if parts:
            path, used = self._module_of(parts)
            if path and used < len(parts) and _private(parts[used]):
                self.found.append(".".join(parts[:used + 1]))
                return
        self.generic_visit(node)

    def visit_Call(self, node):
        function = _dotted(node.func)
        if function and function[-1] in _INDIRECT and node.args:
            target = _dotted(node.args[0])
            literal = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
            reaches = ((target and self._module_of(target)[0])
                       or (isinstance(literal, str) and CHECKS_PACKAGE in literal))
            name = node.args[1] if len(node.args) > 1 else None
            public = (function[-1] == "getattr" and isinstance(name, ast.Constant)
                      and isinstance(name.value, str) and not _private(name.value))
            if reaches and not public:
                self.found.append(ast.unparse(node)[:60])
        self.generic_visit(node)


def _to_python():
    """A function turning a cell into plain Python: IPython's magics and shell escapes
    translated away (unchanged without IPython)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - IPython comes with the course extra
        return lambda source: source
    return TransformerManager().transform_cell


def private_check_uses(sources) -> list[tuple[int, str]]:
    """Where code cells reach the check modules' private code.

    Parameters
    ----------
    sources : sequence of str
        The notebook's code cells, in order (imports in one cell hold in the next).

    Returns
    -------
    list of (int, str)
        The cell's position in ``sources`` and what it reached, e.g.
        ``(12, "ch06._maxout_parameters")``. A cell that does not parse is skipped: it
        fails in the kernel anyway.
    """
    finder, uses, to_python = _Finder(), [], _to_python()
    for index, source in enumerate(sources):
        try:
            tree = ast.parse(to_python(source))
        except SyntaxError:
            continue
        before = len(finder.found)
        finder.visit(tree)
        uses += [(index, name) for name in finder.found[before:]]
    return uses
