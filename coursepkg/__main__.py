"""The ``coursepkg`` command.

``coursepkg grade SUBMISSIONS... [--out scores.csv] [--format csv|json] [--timeout 60]``
scores submitted exercise notebooks (see :mod:`coursepkg.grading`);
``coursepkg exercises build [--check]`` generates the exercise notebooks from their masters
(see :mod:`coursepkg.exercises`).
"""

from __future__ import annotations

import sys

COMMANDS = {
    "grade": "score submitted exercise notebooks",
    "exercises": "generate exercises/*.ipynb from solutions/*.ipynb",
}


def _usage() -> str:
    lines = ["usage: coursepkg COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:10s} {text}" for name, text in COMMANDS.items()]
    lines.append("\nRun  coursepkg COMMAND --help  for a command's options.")
    return "\n".join(lines)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "grade":
        from coursepkg.grading import main as grade_main
        return grade_main(rest)
    if command == "exercises":
        from coursepkg.exercises import main as exercises_main
        return exercises_main(rest)
    print(f"coursepkg: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
