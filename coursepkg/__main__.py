"""``python -m coursepkg``: the ``coursepkg`` command (:mod:`coursepkg.course.cli`)."""

import sys

from coursepkg.course.cli import main

if __name__ == "__main__":
    sys.exit(main())
