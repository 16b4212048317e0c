"""The ``coursepkg`` command, the instructor's entry to the course tools.

``coursepkg grade SUBMISSIONS... [--out scores.csv] [--format csv|json] [--timeout 60]``
scores submitted exercise notebooks (see :mod:`coursepkg.course.grading`);
``coursepkg exercises build [--check]`` generates the exercise notebooks from their masters
(see :mod:`coursepkg.course.exercises`).
"""

from __future__ import annotations

import sys

#: The packages of the ``course`` extra, which grading and exercise generation need.
COURSE_EXTRA = ("nbformat", "nbclient", "ipykernel")

COMMANDS = {
    "grade": "score submitted exercise notebooks",
    "exercises": "generate exercises/*.ipynb from solutions/*.ipynb",
}


def _usage() -> str:
    lines = ["usage: coursepkg COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:10s} {text}" for name, text in COMMANDS.items()]
    lines.append("\nRun  coursepkg COMMAND --help  for a command's options.")
    return "\n".join(lines)


def missing_extra_message(error: ImportError) -> str:
    """What to install when a course tool's dependency is missing."""
    return (f"coursepkg: {error.name or 'a course dependency'} is not installed. Grading and "
            f"exercise generation need the course extra ({', '.join(COURSE_EXTRA)}):\n"
            f"    pip install 'coursepkg[course]'")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command in COMMANDS:
        try:
            if command == "grade":
                from coursepkg.course.grading import main as command_main
            else:
                from coursepkg.course.exercises import main as command_main
        except ImportError as error:
            if error.name not in COURSE_EXTRA:
                raise
            print(missing_extra_message(error), file=sys.stderr)
            return 3
        return command_main(rest)
    print(f"coursepkg: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
    return 2
