"""Batches on a real dask.distributed cluster (issue 18, item 3): `assessment batch --scheduler ADDRESS`.

Each test that needs a cluster starts a real ``dask scheduler`` and two ``dask worker`` processes
on 127.0.0.1 (random ports, found through a scheduler file; one task per worker, no nanny), and
tears them down by process group.  The scheduler stops itself after two idle minutes and the
workers when their scheduler is gone, so an interrupted test run leaves nothing running.

The quick test runs a small two-area fixture (four LSOAs of Alphaton and Betaville, the tiny
fixture chapters of ``tests/fixtures/notebooks`` in a ``notebooks/`` folder beside its config,
so a run takes seconds) and an area with no LSOA, on the cluster and in a local batch, and
checks the outputs are byte for byte the same.  The slow test does the same for the demo's
real chapters against the session's demo run.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from conftest import DEMO_CONFIG, run_cli

pytest.importorskip("distributed", reason="the dask extra is not installed (pip install -e '.[dask]')")

from assessment.batch import dask_client, run_batch, worker_view
from assessment.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"

#: the fixture's LSOAs: code -> (name, local authority code, local authority name, x, y of a 1 km square)
LSOAS = {"E01000001": ("Alphaton 001A", "E09000101", "Alphaton", 530000, 180000),
         "E01000002": ("Alphaton 001B", "E09000101", "Alphaton", 531000, 180000),
         "E01000003": ("Betaville 001A", "E09000102", "Betaville", 530000, 181000),
         "E01000004": ("Betaville 001B", "E09000102", "Betaville", 531000, 181000)}
TYPES = ["Violence", "Burglary", "Robbery", "Shoplifting"]


def crimes_rows() -> list[tuple]:
    """Crimes of 2023/24 and 2024/25: 1-4 a month per LSOA, types in turn."""
    rows = []
    for y in (2023, 2024):
        for m in range(12):
            month = pd.Timestamp(f"{y}-04-01") + pd.DateOffset(months=m)
            for j, code in enumerate(LSOAS):
                for k in range(1 + (m + j + y) % 4):
                    rows.append((f"C-{len(rows):05d}", month.strftime("%Y-%m-%d"), TYPES[(k + j) % 4], code))
    return rows


def make_areas(root: Path) -> Path:
    """The two-area fixture: crimes, LSOA squares, the LSOA -> ward -> LAD lookup, a config and the
    fixture chapters in ``notebooks/`` beside it (the runner's default notebook folder)."""
    import geopandas as gpd
    import shapely
    root.mkdir(parents=True, exist_ok=True)
    gpd.GeoDataFrame({"LSOA21CD": list(LSOAS), "LSOA21NM": [v[0] for v in LSOAS.values()]},
                     geometry=[shapely.box(v[3], v[4], v[3] + 1000, v[4] + 1000) for v in LSOAS.values()],
                     crs=27700).to_file(root / "lsoa.gpkg")
    pd.DataFrame({"LSOA21CD": list(LSOAS), "WD24CD": [f"E0500000{i}" for i in range(1, 5)],
                  "WD24NM": [f"{v[2]} ward {i}" for i, v in enumerate(LSOAS.values(), 1)],
                  "LAD24CD": [v[1] for v in LSOAS.values()], "LAD24NM": [v[2] for v in LSOAS.values()]}
                 ).to_csv(root / "wards.csv", index=False)
    pd.DataFrame(crimes_rows(), columns=["crime_id", "offence_date", "crime_type", "lsoa_code"]).to_csv(
        root / "crimes.csv", index=False)
    (root / "assessment.yml").write_text("area: {name: Alphaton}\nsynthetic: true\nperiod: financial\n"
                                         "inputs: {crimes: crimes.csv, boundaries: lsoa.gpkg, wards: wards.csv}\n")
    (root / "notebooks").mkdir(exist_ok=True)
    for name in ("00_summary.ipynb", "01_alpha.ipynb"):
        shutil.copy(FIXTURES / name, root / "notebooks" / name)
    return root / "assessment.yml"


# -- a real cluster on 127.0.0.1 --------------------------------------------------------------------
def _start(args: list[str], log: Path) -> subprocess.Popen:
    fh = open(log, "wb")
    try:
        # its own process group: the teardown stops the process and every kernel its runs started
        return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    finally:
        fh.close()


def _stop(procs: list[subprocess.Popen]) -> None:
    """Stop each process in turn, waiting for one to exit before signalling the next.

    Signalled together, a worker closing while the scheduler also closes can hang in its
    shutdown (distributed cancels the worker's closing calls to the scheduler, then waits for
    them): seen in about one run in three of this module, 15 s per worker before SIGKILL.
    """
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=15)


@contextmanager
def dask_cluster(folder: Path, workers: int = 2):
    """A ``dask scheduler`` and ``workers`` ``dask worker`` processes on 127.0.0.1; yields the address."""
    folder.mkdir(parents=True, exist_ok=True)
    sfile = folder / "scheduler.json"
    procs = []
    try:
        procs.append(_start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                             "--scheduler-file", str(sfile), "--idle-timeout", "120s"], folder / "scheduler.log"))
        deadline = time.monotonic() + 60
        while not (sfile.exists() and sfile.stat().st_size):
            if procs[0].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the dask scheduler did not start: " + (folder / "scheduler.log").read_text()[-2000:])
            time.sleep(0.2)
        address = json.loads(sfile.read_text())["address"]
        assert re.fullmatch(r"tcp://127\.0\.0\.1:\d+", address), address
        for i in range(workers):
            procs.append(_start(["worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny",
                                 "--no-dashboard", "--name", f"w{i + 1}", "--death-timeout", "30",
                                 "--local-directory", str(folder / f"w{i + 1}")], folder / f"worker{i + 1}.log"))
        from distributed import Client
        with Client(address, timeout=30, set_as_default=False) as c:
            c.wait_for_workers(workers, timeout=90)
        yield address
    finally:
        _stop(procs[::-1])   # workers first, then the scheduler


def _outputs(run_dir: Path) -> dict:
    """The files a run's outputs are compared by: summary.json and every table."""
    files = [run_dir / "summary.json", *sorted((run_dir / "tables").rglob("*"))]
    return {p.relative_to(run_dir).as_posix(): p.read_bytes() for p in files if p.is_file()}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """One real cluster (a scheduler, two workers) for this module's tests: (address, its folder)."""
    folder = tmp_path_factory.mktemp("cluster")
    with dask_cluster(folder) as address:
        yield address, folder


# -- the tests -------------------------------------------------------------------------------------
def test_a_batch_on_a_real_cluster_matches_a_local_batch_and_a_failed_area_fails_alone(tmp_path, cluster):
    address, folder = cluster
    config = make_areas(tmp_path / "areas")
    areas = ["Alphaton", "Gammaford"]     # Gammaford has no LSOA: its run fails, alone
    local = run_batch(config, [2024], areas=areas, jobs=1, out_root=tmp_path / "local", progress=lambda _: None)
    lines: list[str] = []
    remote = run_batch(config, [2024], areas=areas, out_root=tmp_path / "dask", scheduler=address,
                       progress=lines.append)
    logs = [(folder / f"worker{i}.log").read_text(errors="replace") for i in (1, 2)]
    assert lines[0].startswith(f"Dask scheduler {address}: 2 worker(s), 2 run(s) at a time"), lines
    assert not any(ln.startswith("note:") for ln in lines)            # one task per worker: no note
    assert [(r.job.area, r.ok) for r in remote] == [("Alphaton", True), ("Gammaford", False)]
    assert [r.error for r in remote] == [r.error for r in local]
    assert remote[1].error == "lsoa.gpkg: no LSOA of the area (named 'Gammaford ...') in the boundary file"
    # the runs ran on the workers, not here: each log names the worker's process
    pids = {re.search(r"pid (\d+)", (tmp_path / "dask" / "logs" / f"{a.lower()}-2024-25.log").read_text())[1]
            for a in areas}
    assert str(os.getpid()) not in pids
    assert all("Traceback" not in w for w in logs)
    # the same outputs, byte for byte, in the same layout
    mine, theirs = tmp_path / "local" / "alphaton" / "2024-25", tmp_path / "dask" / "alphaton" / "2024-25"
    out = _outputs(theirs)
    assert set(out) == {"summary.json", "tables/README.md", "tables/alpha_counts.csv"}
    assert out == _outputs(mine)
    s = json.loads(out["summary.json"])
    total_2024 = sum(1 for _, d, _, code in crimes_rows() if code in ("E01000001", "E01000002")
                     and "2024-04-01" <= d < "2025-04-01")
    assert s["crime"]["total"] == total_2024 == remote[0].summary["crime"]["total"]
    assert {p.name for p in theirs.iterdir()} == {p.name for p in mine.iterdir()}
    # index.html: the same page (links, figures, the failed row's one line)
    page = (tmp_path / "dask" / "index.html").read_text(encoding="utf-8")
    assert page == (tmp_path / "local" / "index.html").read_text(encoding="utf-8")
    assert "2 run(s), 1 failed" in page and "Traceback" not in page
    assert "no LSOA of the area (named &#x27;Gammaford ...&#x27;) in the boundary file" in page
    assert 'href="alphaton/2024-25/strategic-assessment-2024-25.html"' in page and f"{total_2024:,}" in page


def make_police_uk_areas(root: Path) -> Path:
    """The two-area fixture with its crimes as police.uk street files (which a batch reads once and
    hands out in parts: :mod:`assessment.loaders.shared`), one file per month."""
    config = make_areas(root)
    head = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context"
    by_month: dict = {}
    for cid, day, kind, code in crimes_rows():
        by_month.setdefault(day[:7], []).append(f"{cid},{day[:7]},Test Police,Test Police,,,On or near X,{code},"
                                                f"{LSOAS[code][0]},{kind},,")
    for month, rows in by_month.items():
        (root / "police-uk").mkdir(exist_ok=True)
        (root / "police-uk" / f"{month}-test-street.csv").write_text(head + "\n" + "\n".join(rows) + "\n")
    config.write_text(config.read_text().replace("crimes: crimes.csv", "police_uk: police-uk"))
    return config


def test_a_police_uk_batch_sends_each_part_ahead_of_its_task_and_matches_a_local_batch(tmp_path, cluster,
                                                                                      monkeypatch):
    address, _ = cluster
    config = make_police_uk_areas(tmp_path / "areas")
    monkeypatch.setenv("ASSESSMENT_CACHE_DIR", str(tmp_path / "cache"))
    areas = ["Alphaton", "Betaville"]
    from distributed import Client
    sent, scatter = [], Client.scatter
    monkeypatch.setattr(Client, "scatter", lambda self, data, **kw: sent.append(type(data).__name__)
                        or scatter(self, data, **kw))
    lines: list[str] = []
    local = run_batch(config, [2024], areas=areas, jobs=1, out_root=tmp_path / "local", progress=lines.append)
    remote = run_batch(config, [2024], areas=areas, out_root=tmp_path / "dask", scheduler=address,
                       progress=lines.append)
    # both batches read the street files once and handed every run its part; on the cluster each
    # part went to the workers ahead of its task, not through the scheduler inside the task
    assert sum("2 of 2 runs were handed their part of the crime input" in ln for ln in lines) == 2, lines
    assert sent == ["RunInput", "RunInput"]
    assert [r.ok for r in local] == [r.ok for r in remote] == [True, True]
    for a in ("alphaton", "betaville"):
        assert _outputs(tmp_path / "dask" / a / "2024-25") == _outputs(tmp_path / "local" / a / "2024-25")
    total = sum(1 for _, d, _, code in crimes_rows() if code in ("E01000003", "E01000004")
                and "2024-04-01" <= d < "2025-04-01")
    assert remote[1].summary["crime"]["total"] == total


@pytest.mark.slow
def test_cli_scheduler_runs_every_area_and_counts_failures_in_the_exit_status(tmp_path, cluster):
    address, _ = cluster
    config = make_areas(tmp_path / "areas")
    p = run_cli("batch", "--config", str(config), "--years", "2024", "--areas", "Betaville,Gammaford",
                "--scheduler", address, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert "Betaville 2024: ok in" in p.stdout and "Gammaford 2024: FAILED: lsoa.gpkg: no LSOA" in p.stdout
    assert "1 of 2 runs succeeded" in p.stdout and "Traceback" not in p.stdout + p.stderr
    s = json.loads((tmp_path / "out" / "betaville" / "2024-25" / "summary.json").read_text())
    assert s["crime"]["total"] == sum(1 for _, d, _, code in crimes_rows() if code in ("E01000003", "E01000004")
                                      and "2024-04-01" <= d < "2025-04-01")


# -- one-line errors, no cluster needed --------------------------------------------------------------
def test_no_scheduler_at_the_address_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match=r"^--scheduler tcp://127\.0\.0\.1:9: no Dask scheduler answered there") as e:
        dask_client("tcp://127.0.0.1:9", tmp_path / "assessment.yml", tmp_path, timeout=1)
    assert "\n" not in str(e.value)


def test_cli_without_distributed_says_which_extra_to_install(tmp_path):
    # a Python that cannot import distributed (a module of that name that fails), as without the extra
    (tmp_path / "distributed").mkdir()
    (tmp_path / "distributed" / "__init__.py").write_text("raise ImportError('no distributed here')\n")
    config = make_areas(tmp_path / "areas")
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    p = run_cli("batch", "--config", str(config), "--years", "2024", "--scheduler", "tcp://127.0.0.1:9",
                "--out", str(tmp_path / "out"), env=env, cwd=tmp_path)
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr
    assert "dask.distributed is not installed here" in p.stderr and "csp-assessment[dask]" in p.stderr


def test_worker_view_checks_the_shared_paths_and_the_version(tmp_path):
    import assessment
    config = make_areas(tmp_path / "areas")
    assert worker_view(str(config), str(tmp_path)) == {"version": assessment.__version__, "config": True,
                                                        "out_root": True}
    assert worker_view(str(tmp_path / "nowhere.yml"), str(tmp_path / "missing")) == {
        "version": assessment.__version__, "config": False, "out_root": False}


class _FakeClient:
    """A client whose workers report what :func:`worker_view` would on another machine."""
    closed = False

    def __init__(self, views, nthreads):
        self.views, self._nthreads = views, nthreads

    def wait_for_workers(self, n, timeout):
        pass

    def run(self, fn, *args, on_error):
        assert fn is worker_view and on_error == "return"
        return self.views

    def nthreads(self):
        return self._nthreads

    class scheduler:
        address = "tcp://10.0.0.5:8786"

    def close(self):
        _FakeClient.closed = True


@pytest.mark.parametrize("view, says", [
    ({"version": "0.0.1", "config": True, "out_root": True}, "runs csp-assessment 0.0.1, this is"),
    ({"config": False, "out_root": True}, "does not see {config} (it needs the config, the inputs and the output "
                                          "folder at the same paths: a shared file system)"),
    ({"config": True, "out_root": False}, "does not see {out}"),
    (ModuleNotFoundError("No module named 'assessment'"), "cannot run this package (ModuleNotFoundError: No module"),
])
def test_a_worker_that_cannot_run_the_batch_stops_it_before_any_run_with_one_line(tmp_path, monkeypatch, view, says):
    import distributed

    import assessment
    config = make_areas(tmp_path / "areas")
    if isinstance(view, dict):
        view = {"version": assessment.__version__, **view}
    views = {"tcp://10.0.0.6:40001": {"version": assessment.__version__, "config": True, "out_root": True},
             "tcp://10.0.0.7:40002": view}
    monkeypatch.setattr(distributed, "Client", lambda *a, **k: _FakeClient(views, {w: 1 for w in views}))
    _FakeClient.closed = False
    with pytest.raises(ConfigError) as e:
        run_batch(config, [2024], areas=["Alphaton"], out_root=tmp_path / "out", scheduler="tcp://10.0.0.5:8786",
                  progress=lambda _: None)
    msg = str(e.value)
    assert msg.startswith("--scheduler tcp://10.0.0.5:8786: worker tcp://10.0.0.7:40002 ") and "\n" not in msg
    assert says.format(config=config.resolve(), out=(tmp_path / "out").resolve()) in msg
    assert _FakeClient.closed
    assert not (tmp_path / "out" / "logs").exists()          # no run started


def test_workers_running_several_tasks_at_once_get_a_note(tmp_path, monkeypatch):
    import distributed

    import assessment
    config = make_areas(tmp_path / "areas")
    ok = {"version": assessment.__version__, "config": True, "out_root": True}
    client = _FakeClient({"tcp://10.0.0.6:1": ok, "tcp://10.0.0.7:2": ok}, {"tcp://10.0.0.6:1": 4, "tcp://10.0.0.7:2": 1})
    monkeypatch.setattr(distributed, "Client", lambda *a, **k: client)
    lines: list[str] = []
    assert dask_client("tcp://10.0.0.5:8786", config, tmp_path, progress=lines.append) is client
    assert lines == ["Dask scheduler tcp://10.0.0.5:8786: 2 worker(s), 5 run(s) at a time",
                     "note: 1 worker(s) run several tasks at once; each run is a whole report with its own kernel "
                     "(about 1-3 GiB): start workers with --nthreads 1"]


# -- the demo's real chapters on the cluster ---------------------------------------------------------
@pytest.mark.slow
def test_the_demo_on_a_real_cluster_matches_the_local_run(tmp_path, cluster, demo_run):
    res = run_batch(DEMO_CONFIG, [2024, 2030], out_root=tmp_path / "dask", scheduler=cluster[0],
                    progress=lambda _: None)
    assert [(r.job.year, r.ok) for r in res] == [(2024, True), (2030, False)]
    assert "no crimes in 2030/31" in res[1].error
    theirs = _outputs(tmp_path / "dask" / "2024-25")
    assert len(theirs) > 20 and theirs == _outputs(demo_run)
    assert (tmp_path / "dask" / "2024-25" / "strategic-assessment-2024-25.pdf").is_file()
