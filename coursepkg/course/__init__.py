"""The course tools: the checks exercise notebooks call, grading, exercise generation.

:mod:`~coursepkg.course.checks` runs in a student's notebook and needs nothing beyond the
package. :mod:`~coursepkg.course.grading`, :mod:`~coursepkg.course.exercises` and
:mod:`~coursepkg.course.notebook` execute or write notebooks and need the ``course`` extra:
``pip install 'coursepkg[course]'``. :mod:`~coursepkg.course.chapters` says what names a
chapter; :mod:`~coursepkg.course.cli` is the ``coursepkg`` command.
"""
