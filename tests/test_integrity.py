"""The grader's scan for uses of the exercise checks' private code."""

import pytest

from coursepkg.course.integrity import private_check_uses

FLAGGED = {
    "private function": ["from coursepkg.course.checks import ch06",
                         "answer_q4 = ch06._maxout_parameters(ch06.Q4_SIZES, 3)"],
    "module alias": ["import coursepkg.course.checks.ch06 as c", "x = c._maxout_parameters"],
    "full path": ["import coursepkg", "y = coursepkg.course.checks.ch07._reference(1)"],
    "private import": ["from coursepkg.course.checks.ch06 import _maxout_parameters as m"],
    "computed getattr": ["from coursepkg.course.checks import ch06",
                         "f = getattr(ch06, '_max' + 'out')"],
    "vars": ["from coursepkg.course.checks import ch06", "vars(ch06)"],
    "importlib": ["import importlib",
                  "m = importlib.import_module('coursepkg.course.checks.ch06')"],
    "module dict": ["from coursepkg.course import checks as k", "k.ch06.__dict__['_x']"],
    "after a magic": ["%matplotlib inline\nfrom coursepkg.course.checks import ch03",
                      "w = ch03._fit()"],
}
ALLOWED = {
    "checks and hints": ["from coursepkg.course.checks import ch06",
                         "ch06.q4(answer_q4)\nch06.q4.hint()\nsizes = ch06.Q4_SIZES"],
    "public getattr": ["from coursepkg.course.checks import ch06", "getattr(ch06, 'q4')"],
    "other private names": ["import numpy as np", "np._NoValue"],
    "magics, shell, broken cells": ["%timeit 1 + 1", "!ls", "def f(:"],
}


@pytest.mark.parametrize("cells", FLAGGED.values(), ids=FLAGGED)
def test_reaching_the_private_code_is_flagged(cells):
    uses = private_check_uses(cells)
    assert uses and uses[0][0] == len(cells) - 1


@pytest.mark.parametrize("cells", ALLOWED.values(), ids=ALLOWED)
def test_what_the_exercises_do_is_not_flagged(cells):
    assert private_check_uses(cells) == []


def test_the_flag_names_the_cell_and_the_name():
    assert private_check_uses(FLAGGED["private function"]) == [
        (1, "ch06._maxout_parameters")]
