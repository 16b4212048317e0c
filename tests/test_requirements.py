"""The constraint files of the test matrix (requirements/) agree with pyproject.toml.

``requirements/lowest.txt`` pins every direct dependency at the lower bound pyproject.toml
declares, so a bound cannot move without the tested set moving with it (and the other way
round); ``requirements/colab.txt`` holds versions pyproject.toml allows."""

import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# The platform of the lowest row: Python 3.10 on Linux x86-64.
LOWEST_ENVIRONMENT = {"python_version": "3.10", "python_full_version": "3.10.13",
                      "sys_platform": "linux", "platform_system": "Linux",
                      "platform_machine": "x86_64", "os_name": "posix",
                      "implementation_name": "cpython", "platform_python_implementation":
                      "CPython", "extra": ""}


def direct_requirements(extras=("keras", "test")):
    """The package's dependencies and those of ``extras`` that apply on the lowest row."""
    listed = list(PROJECT["dependencies"])
    pending = list(extras)
    while pending:  # an extra may name others, as in "coursepkg[course]"
        for line in PROJECT["optional-dependencies"][pending.pop()]:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) == "coursepkg":
                pending += sorted(requirement.extras)
            else:
                listed.append(line)
    requirements = [Requirement(r) for r in listed]
    return [r for r in requirements
            if r.marker is None or r.marker.evaluate(LOWEST_ENVIRONMENT)]


def pins(name):
    """{distribution: version} of a constraints file; every line must be ``name==version``."""
    found = {}
    for number, line in enumerate((REQUIREMENTS / name).read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert match, f"requirements/{name}:{number}: not a pin (name==version): {line!r}"
        key = canonicalize_name(match[1])
        assert key not in found, f"requirements/{name}:{number}: {match[1]} pinned twice"
        found[key] = Version(match[2])
    return found


def lower_bound(requirement):
    bounds = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
    assert len(bounds) == 1, f"{requirement}: expected exactly one lower bound (>=)"
    return bounds[0]


@pytest.mark.parametrize("requirement", direct_requirements(), ids=str)
def test_lowest_pins_each_direct_dependency_at_its_bound(requirement):
    pinned = pins("lowest.txt").get(canonicalize_name(requirement.name))
    assert pinned is not None, f"requirements/lowest.txt does not pin {requirement.name}"
    assert pinned == lower_bound(requirement), (
        f"pyproject.toml says {requirement}, requirements/lowest.txt pins {pinned}: "
        f"move both together, after running the tests on the new lowest versions")


@pytest.mark.parametrize("name", ["lowest.txt", "colab.txt"])
def test_every_pin_is_allowed_by_pyproject(name):
    allowed = {canonicalize_name(r.name): r.specifier for r in direct_requirements()}
    for distribution, version in pins(name).items():
        if distribution in allowed:
            assert allowed[distribution].contains(version, prereleases=True), (
                f"requirements/{name} pins {distribution}=={version}, which pyproject.toml "
                f"does not allow ({allowed[distribution]})")


def test_the_headers_give_the_command_that_uses_each_file():
    for name, python in (("lowest.txt", "python3.10"), ("colab.txt", "python3.13")):
        text = (REQUIREMENTS / name).read_text()
        assert f"{python} -m venv" in text, name
        assert f'pip install -c requirements/{name} -e ".[keras,test]"' in text, name
