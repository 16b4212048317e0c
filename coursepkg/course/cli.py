"""The ``coursepkg`` command, the instructor's entry to the course tools.

``coursepkg grade SUBMISSIONS... [--out FILE] [--format csv|json|gradescope|prairielearn]
[--timeout 60] [--jobs N | --scheduler ADDRESS] [--hidden DIR] [--memory-limit MiB]
[--resume] [--roster CSV] [--feedback DIR] [--report HTML]`` scores submitted exercise
notebooks (see :mod:`coursepkg.course.grading`; ``coursepkg grade --help`` explains each
option);
``coursepkg exercises build [--check]`` generates the exercise notebooks from their masters
(see :mod:`coursepkg.course.exercises`);
``coursepkg gradescope-bundle CHAPTER --out ZIP [--hidden DIR] [--package-spec SPEC]``
writes a Gradescope autograder bundle (see :mod:`coursepkg.course.gradescope`).
"""

from __future__ import annotations

import sys

from coursepkg.course.extra import CourseExtraMissing

COMMANDS = {
    "grade": "score submitted exercise notebooks",
    "exercises": "generate exercises/*.ipynb from solutions/*.ipynb",
    "gradescope-bundle": "write a Gradescope autograder bundle for a chapter",
}


def _usage() -> str:
    lines = ["usage: coursepkg COMMAND [ARGS...]", "", "commands:"]
    width = max(map(len, COMMANDS))
    lines += [f"  {name:{width}s} {text}" for name, text in COMMANDS.items()]
    lines.append("\nRun  coursepkg COMMAND --help  for a command's options.")
    return "\n".join(lines)


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
            elif command == "gradescope-bundle":
                from coursepkg.course.gradescope import main as command_main
            else:
                from coursepkg.course.exercises import main as command_main
        except CourseExtraMissing as error:
            print(f"coursepkg {command}: {error}", file=sys.stderr)
            return 3
        return command_main(rest)
    print(f"coursepkg: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
    return 2
