"""Chapters run in two warm kernels at once (issue 18): the same report, the summary still last,
a failing chapter still one line with the previous output left as it was.

Uses the tiny fixture chapters and the hand-made dataset of ``tests/test_render.py``.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from test_render import FIXTURES, _area, _run, _snapshot

from assessment.errors import AssessmentError
from assessment.render import runs_last


@pytest.fixture(scope="module")
def area(tmp_path_factory):
    return _area(tmp_path_factory.mktemp("testham-concurrent"))


def test_which_chapters_wait_for_the_others():
    names = ["00_summary.ipynb", "01_crime_in_the_area.ipynb", "05_performance.ipynb", "89_x.ipynb",
             "90_appendix.ipynb", "99_extra.ipynb", "notes.ipynb"]
    assert [n for n in names if runs_last(Path(n))] == ["00_summary.ipynb", "90_appendix.ipynb", "99_extra.ipynb"]


def test_two_kernels_write_the_report_one_kernel_writes(area):
    cfg, ds = area
    one = _run(cfg, ds, cfg.root / "reports" / "one", kernels=1)
    lines = []
    before = _kernels_of_this_process()
    two = run_assessment_logged(cfg, ds, cfg.root / "reports" / "two", lines)   # kernels started early
    assert _kernels_of_this_process() - before == set()          # both shut down with the run
    for rel in ("summary.json", "tables/alpha_counts.csv", "tables/beta_long.csv",
                "strategic-assessment-2024-25.html"):
        assert (two / rel).read_bytes() == (one / rel).read_bytes(), rel
    # two kernels started; the summary ran after both chapters, and saw both headlines
    assert sum("kernel" in ln and "of 2 started" in ln for ln in lines) == 2
    order = [ln.split()[1] for ln in lines if ln.startswith("  running ")]
    assert order[-1] == "00_summary.ipynb" and set(order[:2]) == {"01_alpha.ipynb", "02_beta.ipynb"}
    summary = json.loads((two / "summary.json").read_text(encoding="utf-8"))
    assert summary == json.loads((one / "summary.json").read_text(encoding="utf-8"))
    log = (two / "run.log").read_text(encoding="utf-8")
    assert "01_alpha.ipynb" in log and "02_beta.ipynb" in log and "00_summary.ipynb" in log


def run_assessment_logged(cfg, ds, out, lines):
    from assessment.render import run_assessment
    return run_assessment(cfg, out_dir=out, dataset=ds, notebooks_dir=FIXTURES, kernels=2,
                          log=lambda *a: lines.append(" ".join(str(x) for x in a)))


def test_a_failing_chapter_in_one_kernel_stops_the_run_with_one_line(area):
    cfg, ds = area
    report = _run(cfg, ds, cfg.root / "reports" / "kept", kernels=2)
    before = _snapshot(report)
    with pytest.raises(AssessmentError) as exc:
        _run(cfg, ds, report, kernels=2, notebooks=[FIXTURES / "01_alpha.ipynb", FIXTURES / "broken" / "03_broken.ipynb",
                                                    FIXTURES / "00_summary.ipynb"])
    msg = str(exc.value)
    assert msg.startswith("notebook 03_broken.ipynb, cell 5: KeyError: 'gi_z'"), msg
    assert "\n" not in msg
    assert _snapshot(report) == before
    assert not list(report.with_name("kept.failed").rglob("*.pickle"))


@pytest.mark.parametrize("cores, busy, expected", [(1, 0.0, 1), (2, 0.0, 2), (2, 0.5, 2), (2, 1.0, 2), (2, 1.5, 1),
                                                   (8, 6.9, 2), (8, 7.5, 1), (2, None, 2)])
def test_a_second_kernel_only_when_a_core_is_free(monkeypatch, cores, busy, expected):
    from assessment import render
    monkeypatch.setattr(render.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(render, "busy_cores", lambda: busy)
    assert render.default_kernels() == expected


def test_busy_cores_sees_another_busy_process():
    import subprocess
    import sys

    from assessment.render import busy_cores
    spin = "import time\nt = time.time()\nwhile time.time() - t < 5: pass"
    child = subprocess.Popen([sys.executable, "-c", spin])
    try:
        time.sleep(0.3)
        assert busy_cores(0.5) >= 0.6       # the spinning child: about one core
    finally:
        child.kill()
        child.wait()


# -- a kernel kept between the runs of one process (batch workers) -------------------------------------
def test_a_kept_kernel_serves_the_next_run_and_writes_the_same_report(area):
    from assessment import render
    cfg, ds = area
    plain = _run(cfg, ds, cfg.root / "reports" / "plain", kernels=1)
    lines: list = []
    note = lambda *a: lines.append(" ".join(str(x) for x in a))   # noqa: E731
    try:
        first = render.run_assessment(cfg, out_dir=cfg.root / "reports" / "kept1", dataset=ds, notebooks_dir=FIXTURES,
                                      kernels=1, keep_kernel=True, log=note)
        pid = render._WARM[threading.get_ident()].kernel.km.provisioner.pid
        second = render.run_assessment(cfg, out_dir=cfg.root / "reports" / "kept2", dataset=ds,
                                       notebooks_dir=FIXTURES, kernels=1, keep_kernel=True, log=note)
        # the same kernel process ran the second run's chapters
        assert render._WARM[threading.get_ident()].kernel.km.provisioner.pid == pid
        kernel_lines = [ln.strip().split(" in ")[0] for ln in lines if ln.strip().startswith("kernel")]
        assert kernel_lines == ["kernel started", "kernel kept from the last run"]
        for out in (first, second):
            for rel in ("summary.json", "tables/alpha_counts.csv", "tables/beta_long.csv",
                        "strategic-assessment-2024-25.html"):
                assert (out / rel).read_bytes() == (plain / rel).read_bytes(), (out, rel)
        # a failing run shuts the kept kernel down; the next run starts a new one
        with pytest.raises(AssessmentError):
            _run(cfg, ds, cfg.root / "reports" / "kept3", kernels=1, keep_kernel=True,
                 notebooks=[FIXTURES / "broken" / "03_broken.ipynb"])
        assert threading.get_ident() not in render._WARM
    finally:
        render.drop_warm_kernel(every=True)
    assert render._WARM == {}


# -- kernels started while the inputs load --------------------------------------------------------------
def _kernels_of_this_process() -> set:
    import psutil
    return {p.pid for p in psutil.Process().children(recursive=True)
            if any("ipykernel" in part for part in _cmdline(p))}


def _cmdline(p) -> list:
    try:
        return p.cmdline()
    except Exception:  # noqa: BLE001 - gone meanwhile
        return []


def test_a_run_that_stops_while_loading_its_inputs_shuts_its_early_kernels_down(tmp_path):
    from assessment.config import load_config
    from assessment.render import run_assessment
    (tmp_path / "crimes.csv").write_text("crime_id,offence_date\nC-1,2024-05-01\n")   # no crime type, no place
    (tmp_path / "assessment.yml").write_text("area: {name: Testham}\nsynthetic: true\ninputs: {crimes: crimes.csv}\n")
    cfg = load_config(tmp_path / "assessment.yml")
    before = _kernels_of_this_process()
    with pytest.raises(AssessmentError) as exc:
        run_assessment(cfg, year=2024, out_dir=tmp_path / "out", notebooks_dir=FIXTURES, kernels=2,
                       log=lambda *a: None)
    assert "\n" not in str(exc.value)
    deadline = time.time() + 30
    while _kernels_of_this_process() - before and time.time() < deadline:
        time.sleep(0.2)
    assert _kernels_of_this_process() - before == set()
    assert not (tmp_path / "out").exists()


def test_closing_early_kernels_does_not_wait_for_their_start_or_their_imports(tmp_path, monkeypatch):
    """A run that fails while its inputs load reports its error at once: the kernels still starting
    or importing are shut down where they are, not waited for (a warm-up of 60 s here)."""
    import os

    from assessment import render
    monkeypatch.setattr(render, "_WARM_CODE", "import time\ntime.sleep(60)  # {mods!r}\n")
    before = _kernels_of_this_process()
    started = render._KernelStart(2, tmp_path, {**os.environ, **render.KERNEL_ENV}, [None, None])
    deadline = time.time() + 60                  # until both kernels run the warm-up (or a start failed)
    while len(_kernels_of_this_process() - before) < 2 and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)                              # the kernels still start, or sleep in the 60 s warm-up
    t0 = time.perf_counter()
    started.close()
    took = time.perf_counter() - t0
    assert took < 20, took                       # not the 60 s the warm-up would take
    assert not any(th.is_alive() for th in started._threads)
    assert _kernels_of_this_process() - before == set()


# -- between chapters ---------------------------------------------------------------------------------
def test_a_reset_leaves_no_name_no_cached_output_no_figure_and_the_folder_back(tmp_path):
    import os

    from assessment.render import KERNEL_ENV, _Kernel

    def run(kernel, code):
        out = []
        kernel.bc.execute_interactive(code, store_history=True, timeout=60, output_hook=lambda m: out.append(
            m["content"].get("text") or m["content"].get("data", {}).get("text/plain"))
            if m["msg_type"] in ("stream", "execute_result") else None)
        return out

    with _Kernel(tmp_path, {**os.environ, **KERNEL_ENV}) as kernel:
        run(kernel, "import pandas as pd, matplotlib.pyplot as plt, os\nsecret = pd.DataFrame({'id': ['C-1']})\n"
                    "plt.figure()\nos.chdir(os.path.expanduser('~'))")
        assert "C-1" in run(kernel, "secret")[0]            # a bare result: cached in Out and _
        t0 = time.perf_counter()
        kernel.reset()
        took = time.perf_counter() - t0
        seen = run(kernel, "import matplotlib.pyplot as _p, os as _o\n"
                           "print(sorted(n for n in dir() if not n.startswith('_')), dict(Out), repr(_), "
                           "len(_p.get_fignums()), _o.getcwd() == " + repr(str(tmp_path)) + ")")[0]
    names, rest = seen.strip().split("] ", 1)
    assert not {"secret", "pd", "plt", "os"} & set(eval(names + "]"))   # IPython's own names only
    assert rest == "{} '' 0 True"
    assert took < 2


def test_chapters_share_one_kept_client_and_each_keeps_only_its_own_output(tmp_path):
    """papermill runs every chapter of a kernel through the kernel's one kept client (no 0.2 s wait for
    a new client's IOPub a chapter); a chapter's output never picks up an earlier chapter's or a reset's."""
    import os

    import nbformat
    import papermill as pm

    from assessment.render import KERNEL_ENV, _Kernel

    paths = []
    for name, code in [("a", "print('from a')\nimport sys; print('a to stderr', file=sys.stderr)\n41 + 1"),
                       ("b", "print('from b')")]:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        paths.append(tmp_path / f"{name}.ipynb")
        nbformat.write(nb, paths[-1])
    with _Kernel(tmp_path, {**os.environ, **KERNEL_ENV}) as kernel:
        first = kernel.papermill()
        pm.execute_notebook(str(paths[0]), str(tmp_path / "a-out.ipynb"), progress_bar=False, **first)
        kernel.reset()
        second = kernel.papermill()
        pm.execute_notebook(str(paths[1]), str(tmp_path / "b-out.ipynb"), progress_bar=False, **second)
        assert second["kc"] is first["kc"] and kernel.kc.channels_running
    assert not kernel.kc.channels_running          # closed with the kernel

    def outputs(name):
        cells = nbformat.read(tmp_path / f"{name}-out.ipynb", as_version=4).cells
        return [(o.get("name") or o["output_type"], o.get("text") or o.get("data", {}).get("text/plain"))
                for c in cells for o in c.get("outputs", [])]

    assert outputs("a") == [("stdout", "from a\n"), ("stderr", "a to stderr\n"), ("execute_result", "42")]
    assert outputs("b") == [("stdout", "from b\n")]
