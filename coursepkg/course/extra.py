"""The ``course`` extra: what grading, exercise generation and the setup-cell writer need.

A reader's ``pip install coursepkg`` brings the chapters' dependencies only. The tools that
execute or write notebooks import the extra's packages at the top of their module through
:func:`missing_course_extra`, so a missing one says what to install instead of a bare
``ModuleNotFoundError``.
"""

from __future__ import annotations

__all__ = ["PACKAGES", "INSTALL_COMMAND", "CourseExtraMissing", "missing_course_extra"]

#: Top-level modules of the extra's distributions (jupyter_client comes with nbclient).
PACKAGES = ("nbformat", "nbclient", "jupyter_client", "ipykernel")
INSTALL_COMMAND = "pip install 'coursepkg[course]'"


class CourseExtraMissing(ImportError):
    """A course tool was imported without the ``course`` extra installed."""


def missing_course_extra(error: ImportError, tool: str) -> ImportError:
    """The error to raise when importing ``tool`` failed with ``error``.

    A missing package of the extra gives :class:`CourseExtraMissing`, whose message names
    the install command; any other import error is returned unchanged.
    """
    if error.name is None or error.name.split(".")[0] not in PACKAGES:
        return error
    missing = CourseExtraMissing(
        f"{tool} needs the course extra ({', '.join(PACKAGES)}), and {error.name} is not "
        f"installed. Install it with:\n    {INSTALL_COMMAND}", name=error.name)
    return missing
