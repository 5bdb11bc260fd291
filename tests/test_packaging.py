"""Habits of the package: ``python -m assessment`` runs the command, the version is written once,
and environment.yml (conda) lists the same dependencies as pyproject.toml, with the same lower bounds."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import assessment

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _requirement(spec: str) -> tuple[str, str | None]:
    """``"pandas>=2.2"`` -> ``("pandas", "2.2")``; the name normalised (PEP 503), no bound -> None."""
    m = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:>=\s*([^,;\s]+))?.*", spec)
    assert m, spec
    return re.sub(r"[-_.]+", "-", m.group(1)).lower(), m.group(2)


def test_python_m_assessment_runs_the_command(tmp_path):
    out = subprocess.run([sys.executable, "-m", "assessment", "--help"], capture_output=True, text=True,
                         cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "usage: assessment" in out.stdout and "validate" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "assessment", "run", "--year", "24/25x"], capture_output=True,
                         text=True, cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1, bad.stderr


def test_the_version_is_written_once():
    project = _pyproject()
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "assessment.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?(?:\.dev\d+)?", assessment.__version__)


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = _pyproject()["project"]
    pip = dict(_requirement(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    pip["python"] = project["requires-python"].removeprefix(">=")
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(_requirement(s) for s in env["dependencies"] if isinstance(s, str) and _requirement(s)[0] != "pip")
    assert sorted(set(pip) - set(conda)) == [], "in pyproject.toml, not in environment.yml"
    assert sorted(set(conda) - set(pip)) == [], "in environment.yml, not in pyproject.toml"
    differ = {name: (pip[name], conda[name]) for name in pip if pip[name] != conda[name]}
    assert differ == {}, "lower bounds differ (pyproject, environment.yml)"


def test_the_command_line_starts_without_pandas():
    """``assessment --help`` and a mistyped argument answer in ~50 ms: cli imports its commands lazily."""
    code = "import sys, assessment.cli; print(sorted(m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
