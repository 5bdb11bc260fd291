"""The package, the tests, the notebooks and the benchmarks are clean under ruff (rules in pyproject.toml)."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    exe = shutil.which("ruff")
    if exe is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    return [exe]


def test_ruff_check_finds_nothing():
    out = subprocess.run([*_ruff(), "check", "--no-cache", "--output-format", "concise",
                          "assessment", "tests", "notebooks", "benchmarks"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"ruff check found:\n{out.stdout}{out.stderr}"
