"""Issue 11, "nothing personal gets out": the output folder is only ever this tool's report, one run
writes it at a time, and no file holding an identifier is left beside it, however the run ends.

Each case and the outcome it must give:

* ``--out`` a folder holding ``notes.txt`` and a ``run.log`` (not a report): refused, exit 2, one
  line, nothing touched, nothing loaded;
* ``--out`` a file (or a path through a file): refused, exit 2, one line;
* ``--out`` inside a read-only folder: refused, exit 2, one line, nothing created (as root, which
  ignores permission bits, the run is started without CAP_DAC_OVERRIDE via ``setpriv``);
* a second run into a folder another process is writing: refused at once, exit 2, one line naming
  the holder's pid; once the holder is SIGKILLed the folder is free again;
* a report written by this tool (marked), and one of the layout written before markers: replaced;
  the same layout plus an analyst's file: refused;
* batch: a foreign output root is refused; a locked root is refused; a foreign run folder inside a
  batch root fails that run only and is left as it was;
* a real run SIGKILLed after the dataset pickle is written (first chapter running) and during the
  PDF, and one stopped by SIGTERM: no file under the output folder's parent holds a victim,
  offender or caller id of the inputs; the killed runs' private folders are removed by the next
  run; SIGTERM cleans up itself and exits 143 with one line;
* a signal whose exception a finaliser (or a bare ``except:``) swallowed: the run still stops, and
  publishes nothing;
* a chapter that leaves a temporary file holding a victim id: nothing is left in the system
  temporary folder (the kernels' ``TMPDIR`` is the run's private folder), nor WeasyPrint's fonts.
"""
from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import DEMO_CONFIG, ROOT
from test_render import FIXTURES, _area

from assessment import outdir
from assessment.batch import run_batch
from assessment.cli import main
from assessment.config import load_config
from assessment.errors import ConfigError
from assessment.outdir import MARKER, lock_path, output_lock, replaceable, write_marker
from assessment.render import run_assessment

PY = sys.executable


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and "unexpected" not in err
    return lines[0]


def _cli(capsys, *args) -> tuple[int, str, str]:
    """``assessment`` in this process (cheap: no interpreter start-up)."""
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _tree(folder: Path) -> dict:
    return {p.relative_to(folder): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def _old_report(folder: Path, slug: str = "2023-24") -> Path:
    """A report folder laid out as the tool wrote it before markers existed."""
    (folder / "tables").mkdir(parents=True)
    (folder / "notebooks").mkdir()
    (folder / "tables" / "old_table.csv").write_text("a\n1\n")
    (folder / "notebooks" / "01_old.ipynb").write_text("{}")
    for name in ("run.log", "summary.json", f"strategic-assessment-{slug}.html", f"strategic-assessment-{slug}.pdf"):
        (folder / name).write_text("old " + name)
    return folder


# -- the folder checks (no run) ------------------------------------------------------------------------
def test_a_folder_that_is_not_a_report_is_refused_and_left_untouched(tmp_path, capsys):
    out = tmp_path / "my-work"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    (out / "run.log").write_text("a log of something else")
    (out / "analysis.xlsx").write_bytes(b"PK\x03\x04 spreadsheet")
    before = _tree(out)
    code, stdout, err = _cli(capsys, "run", "--config", str(DEMO_CONFIG), "--year", "2024", "--out", str(out))
    assert code == 2
    line = _one_error_line(err)
    assert str(out) in line and "not a previous report" in line and MARKER in line
    assert "loading the inputs" not in stdout            # refused before the long work
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-work"]   # no lock, no temp folder left


def test_out_that_is_a_file_is_one_line(tmp_path, capsys):
    f = tmp_path / "report.pdf"
    f.write_text("not a folder")
    code, _, err = _cli(capsys, "run", "--config", str(DEMO_CONFIG), "--year", "2024", "--out", str(f))
    assert code == 2 and "is a file, not a folder" in _one_error_line(err)
    code, _, err = _cli(capsys, "run", "--config", str(DEMO_CONFIG), "--year", "2024", "--out", str(f / "sub"))
    assert code == 2 and f"{f} is a file, not a folder" in _one_error_line(err)
    assert f.read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_out_inside_a_read_only_folder_is_one_line(tmp_path):
    ro = tmp_path / "read-only"
    ro.mkdir()
    ro.chmod(0o555)
    cmd = [PY, "-m", "assessment.cli", "run", "--config", str(DEMO_CONFIG), "--year", "2024",
           "--out", str(ro / "2024-25")]
    if os.geteuid() == 0:  # root ignores permission bits: run it without the capabilities that do that
        setpriv = shutil.which("setpriv")
        if not setpriv:
            pytest.skip("running as root and setpriv is not available to drop CAP_DAC_OVERRIDE")
        cmd = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *cmd]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        line = _one_error_line(proc.stderr)
        assert f"{ro} is read-only" in line and "choose another --out" in line
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def test_replaceable_accepts_this_tools_reports_only():
    import tempfile
    base = Path(tempfile.mkdtemp())
    try:
        assert replaceable(base / "missing") == (True, "")
        assert replaceable(_old_report(base / "old")) == (True, "")                     # old layout
        extra = _old_report(base / "old+notes")
        (extra / "notes.txt").write_text("mine")
        assert replaceable(extra)[0] is False                                            # plus a file of mine
        inner = _old_report(base / "old+xlsx")
        (inner / "tables" / "analysis.xlsx").write_text("mine")
        assert replaceable(inner)[0] is False                                            # one inside tables/
        runlog = base / "runlog-only"
        runlog.mkdir()
        (runlog / "run.log").write_text("x")
        assert replaceable(runlog)[0] is False                                           # run.log is not enough
        marked = base / "marked"
        marked.mkdir()
        (marked / "anything.txt").write_text("x")
        write_marker(marked)
        assert replaceable(marked) == (True, "")
        assert json.loads((marked / MARKER).read_text()) == {"format": 1, "tool": "csp-assessment",
                                                             "kind": "report"}
        assert replaceable(marked, "batch")[0] is False                                  # kinds do not mix
        (marked / MARKER).write_text('{"format": 1, "tool": "something-else"}')
        assert replaceable(marked)[0] is False                                           # not our marker
    finally:
        shutil.rmtree(base)


# -- the lock ------------------------------------------------------------------------------------------
def test_a_second_run_into_a_locked_folder_is_refused_and_a_killed_holder_frees_it(tmp_path, capsys):
    out = tmp_path / "2024-25"
    holder = subprocess.Popen(
        [PY, "-c", "import sys, time; from pathlib import Path; from assessment.outdir import output_lock\n"
                   "with output_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(300)",
         str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        code, _, err = _cli(capsys, "run", "--config", str(DEMO_CONFIG), "--year", "2024", "--out", str(out))
        assert code == 2
        assert _one_error_line(err) == (f"error: another assessment run is writing {out} (pid {holder.pid}); "
                                        "wait for it to finish or choose another --out")
        with pytest.raises(ConfigError, match="another assessment run is writing"):
            run_batch(DEMO_CONFIG, [2024], out_root=out, progress=lambda _: None)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert lock_path(out).exists()            # a SIGKILLed holder leaves its (empty-of-data) lock file ...
    with output_lock(out):                    # ... and does not block the next run
        assert lock_path(out).read_text().strip() == str(os.getpid())
    assert not lock_path(out).exists()        # released normally: removed


# -- a real (small) run into marked and old-layout reports ------------------------------------------------
def test_a_marked_report_is_replaced_and_the_new_one_is_marked(tmp_path):
    cfg, ds = _area(tmp_path / "area")
    out = tmp_path / "reports" / "2024-25"
    _old_report(out)
    (out / "left-over-from-the-old-run.txt").write_text("old")  # anything, once the folder is marked
    write_marker(out)
    run_assessment(cfg, out_dir=out, dataset=ds, notebooks_dir=FIXTURES, notebooks=["01_alpha.ipynb"],
                   log=lambda *a: None)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "notebooks", "run.log",
                                                     "strategic-assessment-2024-25.html",
                                                     "strategic-assessment-2024-25.pdf", "summary.json", "tables"]
    assert json.loads((out / MARKER).read_text())["tool"] == "csp-assessment"
    assert "Strategic assessment run" in (out / "run.log").read_text()
    assert sorted(p.name for p in out.parent.iterdir()) == ["2024-25"]   # no lock, .old or .tmp left


def _chapter_leaving_a_temporary_file(folder: Path) -> str:
    """A chapter that makes a temporary file and never deletes it (as a library might, or a kernel
    killed half-way through writing one), holding a victim id."""
    import nbformat
    alpha = nbformat.read(FIXTURES / "01_alpha.ipynb", as_version=4)
    params = alpha.cells[1]
    nb = nbformat.v4.new_notebook(metadata=alpha.metadata, cells=[
        nbformat.v4.new_markdown_cell("# 2. Leftovers"), params,
        nbformat.v4.new_code_cell("import os, tempfile\nfd, _ = tempfile.mkstemp(suffix='.csv')\n"
                                  "os.write(fd, b'victim_id\\nVIC-424242\\n')\nos.close(fd)")])
    nbformat.write(nb, folder / "02_leftovers.ipynb")
    return "02_leftovers.ipynb"


@pytest.mark.parametrize("kernels", [pytest.param(1, marks=pytest.mark.slow), 2])   # early kernels, or one
def test_a_chapters_temporary_files_go_to_the_private_folder_and_are_deleted_with_it(tmp_path, monkeypatch, kernels):
    system_tmp = tmp_path / "system-tmp"          # the machine's temporary folder, for this run and its kernels
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))
    monkeypatch.setattr("tempfile.tempdir", None)
    cfg, ds = _area(tmp_path / "area")
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    shutil.copy(FIXTURES / "01_alpha.ipynb", nb_dir)
    leaves = _chapter_leaving_a_temporary_file(nb_dir)
    out = tmp_path / "reports" / "2024-25"
    run_assessment(cfg, out_dir=out, dataset=ds, notebooks_dir=nb_dir, notebooks=["01_alpha.ipynb", leaves],
                   kernels=kernels, log=lambda *a: None)
    assert (out / "strategic-assessment-2024-25.pdf").exists()
    assert list(system_tmp.iterdir()) == []       # the chapter's file, the kernels' connection files: all gone
    assert _files_with_ids(tmp_path, {"VIC-424242"}) == []


# -- batch ---------------------------------------------------------------------------------------------
def test_batch_respects_the_marker_for_its_root_and_each_run_folder(tmp_path, capsys):
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "budget.xlsx").write_text("keep me")
    with pytest.raises(ConfigError, match="not a previous batch output"):
        run_batch(DEMO_CONFIG, [2024], out_root=foreign, progress=lambda _: None)
    assert sorted(p.name for p in foreign.iterdir()) == ["budget.xlsx"]
    # a batch root: marked as such; a run folder in it that is not a report fails that run only
    root = tmp_path / "batch"
    (root / "2024-25").mkdir(parents=True)
    (root / "2024-25" / "notes.txt").write_text("mine")
    write_marker(root, "batch")
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as ex:
        res = run_batch(DEMO_CONFIG, [2024], out_root=root, executor=ex, progress=lambda _: None)
    assert [r.ok for r in res] == [False] and "not a previous report" in res[0].error
    assert (root / "2024-25" / "notes.txt").read_text() == "mine"
    assert json.loads((root / MARKER).read_text())["kind"] == "batch"
    assert (root / "index.html").exists()
    # `assessment run` never replaces a batch root
    code, _, err = _cli(capsys, "run", "--config", str(DEMO_CONFIG), "--year", "2024", "--out", str(root))
    assert code == 2 and "batch output, not a report output" in _one_error_line(err)


# -- killed at any moment: no identifier beside the report -----------------------------------------------
_ID = re.compile(rb"(?:VIC|OFF|CALL)-\d+")


def _demo_ids() -> set:
    import pandas as pd
    data = ROOT / "data" / "demo"
    ids = set()
    for file, col in (("victims.csv", "victim_id"), ("offenders.csv", "offender_id"), ("asb.csv", "caller_id")):
        ids |= set(pd.read_csv(data / file, usecols=[col], dtype=str)[col].dropna())
    assert len(ids) > 1000 and all(_ID.fullmatch(i.encode()) for i in list(ids)[:100])
    return {i.encode() for i in ids}


def _files_with_ids(folder: Path, ids: set) -> list:
    hits = []
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            found = set(_ID.findall(p.read_bytes())) & ids
            if found:
                hits.append((str(p.relative_to(folder)), sorted(found)[:3]))
    return hits


def _private_dirs(tmp: Path) -> list:
    return sorted(p for p in tmp.iterdir() if p.name.startswith(outdir.PRIVATE_PREFIX))


class _SignalsItselfWhenCollected:
    """Sends this process SIGTERM from its finaliser: the handler then runs inside ``__del__``,
    where Python ignores any exception it raises (as when the signal of a real run arrives
    while the garbage collector runs a weakref callback: seen in CI, the run went on to the end)."""

    def __del__(self):
        signal.raise_signal(signal.SIGTERM)


def test_a_signal_whose_exception_a_finaliser_swallowed_still_stops_the_block(capfd):
    hook, handler = sys.unraisablehook, signal.getsignal(signal.SIGTERM)
    t0 = time.monotonic()
    with pytest.raises(outdir.RunInterrupted) as e:
        with outdir.signals_raise():
            _SignalsItselfWhenCollected()      # collected at once: the handler's exception is ignored ...
            for _ in range(500):               # ... and the signal delivered again, 50 ms later
                time.sleep(0.01)
    assert e.value.signum == signal.SIGTERM and e.value.exit_status == 143
    assert time.monotonic() - t0 < 2.0
    assert "Exception ignored" not in capfd.readouterr().err      # no traceback on the terminal
    assert sys.unraisablehook is hook and signal.getsignal(signal.SIGTERM) is handler   # both put back


def test_a_signal_whose_exception_a_bare_except_swallowed_stops_the_run_before_it_publishes():
    with outdir.signals_raise():
        outdir.check_not_interrupted()          # no signal yet: goes on
        try:
            signal.raise_signal(signal.SIGTERM)
        except BaseException:  # noqa: BLE001 - what a library's bare ``except:`` does
            pass
        with pytest.raises(outdir.RunInterrupted) as e:
            outdir.check_not_interrupted()
    assert e.value.signum == signal.SIGTERM
    with outdir.signals_raise():                # a new block (the next run of a process) starts clean
        outdir.check_not_interrupted()


class _Run:
    """``assessment run`` in a subprocess, its output lines read as they come."""

    def __init__(self, config: Path, out: Path, tmp: Path):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp)}
        self.proc = subprocess.Popen([PY, "-m", "assessment.cli", "run", "--config", str(config), "--year", "2024",
                                      "--out", str(out)], cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        self._q: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self._q.put(line.rstrip("\n"))
        self._q.put(None)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._q.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"the run ended before {text!r}: {self.lines[-5:]}")
            self.lines.append(line)
            if text in line:
                return
        raise AssertionError(f"no {text!r} within {timeout} s: {self.lines[-5:]}")

    def finish(self, timeout: float = 60) -> int:
        rc = self.proc.wait(timeout=timeout)
        while True:
            try:
                line = self._q.get(timeout=5)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
        return rc

    def kill(self, sig=signal.SIGKILL) -> int:
        self.proc.send_signal(sig)
        return self.finish()


@pytest.mark.slow
def test_a_run_killed_at_any_moment_leaves_no_identifier_beside_the_report(tmp_path, capsys):
    from assessment.demo import ensure_demo
    ensure_demo(load_config(DEMO_CONFIG))
    ids = _demo_ids()
    data = ROOT / "data" / "demo"
    project = tmp_path / "project"          # the demo's records, and the three tiny fixture chapters
    (project / "notebooks").mkdir(parents=True)
    for nb in FIXTURES.glob("*.ipynb"):
        shutil.copy(nb, project / "notebooks")
    config = project / "assessment.yml"
    config.write_text("area: {name: Killtown (synthetic)}\nsynthetic: true\ninputs:\n"
                      + "".join(f"  {k}: {data / f'{k}.csv'}\n" for k in ("crimes", "victims", "offenders", "asb")))
    tmp = tmp_path / "tmp"                  # the subprocesses' system temporary folder
    tmp.mkdir()
    reports = tmp_path / "reports"
    out = reports / "2024-25"

    # 1. SIGKILL once the dataset pickle is written and the first chapter is running
    run = _Run(config, out, tmp)
    run.wait_for("running 01_alpha.ipynb")
    code, _, err = _cli(capsys, "run", "--config", str(config), "--year", "2024", "--out", str(out))
    assert code == 2 and f"another assessment run is writing {out} (pid {run.proc.pid})" in _one_error_line(err)
    assert run.kill() == -signal.SIGKILL
    first = _private_dirs(tmp)
    assert len(first) == 1 and (first[0] / "_dataset.pickle").exists()
    assert first[0].stat().st_mode & 0o777 == 0o700
    assert _files_with_ids(first[0], ids), "the scan must see the ids in the pickle, or it proves nothing"
    assert _files_with_ids(reports, ids) == []
    assert not out.exists()

    # 2. the next run removes that folder as it starts (the dead run's lock does not block it);
    #    SIGKILL it while it writes the PDF
    run = _Run(config, out, tmp)
    run.wait_for("loading the inputs")
    assert not first[0].exists()
    run.wait_for("writing the PDF")
    assert run.kill() == -signal.SIGKILL
    second = _private_dirs(tmp)
    assert len(second) == 1 and second[0] != first[0]
    assert (second[0] / "report" / "strategic-assessment-2024-25.html").exists()  # the report was staged there
    assert _files_with_ids(reports, ids) == []
    assert not out.exists() and not list(reports.glob("2024-25.*"))

    # 3. SIGTERM: the run cleans up after itself (and the stale folder of run 2 at its start)
    run = _Run(config, out, tmp)
    run.wait_for("running 3 chapter notebook(s)")     # printed just after the pickle is written
    assert run.kill(signal.SIGTERM) == 128 + signal.SIGTERM
    assert run.lines[-1] == "error: stopped by SIGTERM", run.lines[-3:]
    assert _private_dirs(tmp) == []
    assert _files_with_ids(reports, ids) == []
    assert sorted(p.name for p in reports.iterdir()) == []   # lock released and removed
