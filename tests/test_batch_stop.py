"""A batch stopped half-way leaves nothing running and nothing personal behind (``batch`` module
docstring, "Stopping").

A real ``assessment batch --jobs 2`` of two years of the demo's records, whose chapters are the tiny
fixture chapters plus one that waits (so both runs are surely inside a chapter, dataset pickled,
kernel busy, when the batch is stopped):

* SIGTERM to the batch's process: one line, ``error: stopped by SIGTERM``, exit 143; every worker
  and kernel gone; no private folder (they hold the dataset pickle) left in the temporary folder;
  no report published; each run's log says it was stopped;
* SIGINT to the whole process group, as Ctrl-C at a terminal sends it: the same, exit 130 (the
  workers are in their own group: the batch's process stops them, once);
* SIGKILL to the batch's process (nothing it can do): its workers see it gone and stop their runs
  themselves, cleaning up as above, instead of waiting for work for ever.

Before, the batch's process died at once on SIGTERM and its workers went on: they published their
reports and then waited for ever, each with its kernel (about 0.5 GB a worker).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DEMO_CONFIG, ROOT
from test_render import FIXTURES

from assessment import outdir

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")]


def _waiting_chapter(folder: Path) -> None:
    import nbformat
    alpha = nbformat.read(FIXTURES / "01_alpha.ipynb", as_version=4)
    nb = nbformat.v4.new_notebook(metadata=alpha.metadata, cells=[
        nbformat.v4.new_markdown_cell("# 2. Waiting"), alpha.cells[1],
        nbformat.v4.new_code_cell("import time\ntime.sleep(120)")])
    nbformat.write(nb, folder / "02_waiting.ipynb")


@pytest.fixture
def project(tmp_path) -> Path:
    from assessment.config import load_config
    from assessment.demo import ensure_demo
    ensure_demo(load_config(DEMO_CONFIG))
    data = ROOT / "data" / "demo"
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    for name in ("00_summary.ipynb", "01_alpha.ipynb"):
        shutil.copy(FIXTURES / name, project / "notebooks")
    _waiting_chapter(project / "notebooks")
    (project / "assessment.yml").write_text(
        "area: {name: Stoptown (synthetic)}\nsynthetic: true\ninputs:\n"
        + "".join(f"  {k}: {data / f'{k}.csv'}\n" for k in ("crimes", "victims", "offenders", "asb")))
    return project


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(d.name))
    return kids


def _descendants(pid: int) -> set[int]:
    kids, found, todo = _children(), set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            if k not in found:
                found.add(k)
                todo.append(k)
    return found


def _alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie, ended but not yet reaped, is not)."""
    alive = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(p)
    return alive


def _start(project: Path, tmp: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp)}
    return subprocess.Popen([sys.executable, "-m", "assessment.cli", "batch", "--config", str(project / "assessment.yml"),
                             "--years", "2023,2024", "--jobs", "2", "--out", str(out)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_until_both_runs_wait(out: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        logs = list((out / "logs").glob("*.log")) if (out / "logs").exists() else []
        if len(logs) == 2 and all("running 02_waiting.ipynb" in p.read_text() for p in logs):
            time.sleep(1.0)   # inside the cell
            return
        time.sleep(0.2)
    raise AssertionError(f"the two runs did not reach the waiting chapter within {timeout} s")


def _wait_gone(pids: set[int], timeout: float = 60) -> set[int]:
    deadline = time.monotonic() + timeout
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _alive(pids)


def _check_left_nothing(tmp: Path, out: Path, descendants: set[int]) -> None:
    assert _wait_gone(descendants) == set(), "a worker or kernel was left running"
    assert [p.name for p in tmp.iterdir() if p.name.startswith(outdir.PRIVATE_PREFIX)] == []
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["logs"]   # nothing published
    for log in (out / "logs").glob("*.log"):
        assert log.read_text().strip().splitlines()[-1].endswith("error: stopped by SIGTERM"), log.read_text()


def _batch_inside_its_chapters(project: Path, tmp_path: Path):
    """A batch started, once both its runs are inside the waiting chapter: the process, the temporary
    folder, the output folder and the batch's processes then (two workers, each with its kernel)."""
    tmp, out = tmp_path / "tmp", tmp_path / "batch"
    tmp.mkdir()
    proc = _start(project, tmp, out)
    try:
        _wait_until_both_runs_wait(out)
    except BaseException:
        proc.kill()
        raise
    descendants = _descendants(proc.pid)
    assert len(descendants) >= 4
    return proc, tmp, out, descendants


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_stopped_batch_stops_its_runs_and_leaves_nothing_running_or_behind(project, tmp_path, how):
    proc, tmp, out, descendants = _batch_inside_its_chapters(project, tmp_path)
    try:
        if how == "SIGTERM":
            proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGINT)  # the terminal's Ctrl-C: the whole foreground group
        output, _ = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
    signum = signal.SIGTERM if how == "SIGTERM" else signal.SIGINT
    assert proc.returncode == 128 + signum, output
    lines = output.strip().splitlines()
    assert lines[-1] == f"error: stopped by {signum.name}", output
    assert "Traceback" not in output and "Task exception" not in output, output
    _check_left_nothing(tmp, out, descendants)


def test_the_workers_of_a_batch_killed_outright_stop_themselves(project, tmp_path):
    proc, tmp, out, descendants = _batch_inside_its_chapters(project, tmp_path)
    try:
        # multiprocessing's resource tracker is not ours to stop: it ends once it has tidied up
        helpers = {p for p in descendants if b"resource_tracker" in Path(f"/proc/{p}/cmdline").read_bytes()}
        proc.kill()
        proc.communicate(timeout=30)
        _check_left_nothing(tmp, out, descendants - helpers)
    finally:
        for p in _alive(_descendants(proc.pid) | descendants):
            os.kill(p, signal.SIGKILL)
