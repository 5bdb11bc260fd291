"""Shared fixtures: paths, the real-data folder, and one full demo run reused by end-to-end tests."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
DEMO_CONFIG = ROOT / "assessment.yml"

needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real is not present")


def run_cli(*args, cwd=ROOT, env=None, timeout=900):
    """Run the `assessment` console script; return the CompletedProcess."""
    exe = Path(sys.executable).with_name("assessment")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "assessment.cli"]), *args]
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=e)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """One whole demo assessment (all notebooks, HTML + PDF) into a temporary folder."""
    out = tmp_path_factory.mktemp("demo-run") / "2024-25"
    proc = run_cli("run", "--config", str(DEMO_CONFIG), "--year", "2024", "--out", str(out))
    assert proc.returncode == 0, f"demo run failed: {proc.stderr[-3000:]}"
    return out
