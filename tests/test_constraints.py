"""The tested dependency set (issue 13): constraints.txt pins every dependency pyproject.toml names,
at a version its lower bound admits, so the README's commands install what the tests ran on."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python 3.11+


def _pins() -> dict:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
            assert m, f"constraints.txt: not a pin: {line!r}"
            pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def test_every_dependency_is_pinned_within_its_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _pins()
    extras = [spec for specs in project["optional-dependencies"].values() for spec in specs]   # test, dask
    for spec in project["dependencies"] + extras:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is a dependency but not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), (req.name, pins[name], str(req.specifier))


def test_the_makefile_installs_with_the_constraints():
    assert "-c constraints.txt" in (ROOT / "Makefile").read_text(encoding="utf-8")
