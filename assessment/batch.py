"""Batch runs (§8, issue 8): every year, every area, in parallel, with an index page.

``assessment batch --years 2020-2024 [--areas A,B] [--jobs N]`` runs one whole
assessment per (area, year) — each a separate papermill run — and writes
``index.html`` linking every report with its headline figures.  A failed run is
reported and does not stop the others; the exit status is the number of failed
runs (capped at 125).  The output root carries a batch marker and is locked while the
batch runs; each run folder in it is a report folder with its own marker and lock
(see :mod:`assessment.outdir`).

The runner takes any :class:`concurrent.futures.Executor`.  On one machine it
uses a :class:`~concurrent.futures.ProcessPoolExecutor`; on a cluster,
``assessment batch ... --scheduler tcp://host:8786`` (``run_batch(..., scheduler=...)``)
submits each run as one task to a running ``dask.distributed`` scheduler (the ``[dask]``
extra; see ``docs/dask.md``), after checking that every worker runs this version of the
package and sees the config and the output folder at the same paths (a shared file
system); any other engine's executor can be passed as ``executor=``.

Shared inputs.  A batch of areas reads and checks its crime input once, in the batch's own
process (:func:`shared_input`), and hands each run (:func:`hand_over`) its area's rows with a
summary of the other areas' rows and the all-areas counts the comparison needs (:mod:`assessment.loaders.shared`; an
MPS table or police.uk street files); the record accounting of every run is exactly that of a run
reading the whole file.  The hand-off travels with the run's :class:`Job` (pickled to the worker),
made just before the run is submitted (a few runs ahead of those running, so a national batch
never holds every run's part at once), and is not sent back; a run that gets none reads its
inputs itself, as a single run does.

Stopping.  A batch stopped by SIGTERM, SIGINT (Ctrl-C) or SIGHUP stops its runs as a single run
stops (their private folders deleted, their kernels shut down, nothing half-written published),
says so in one line and exits 128 + the signal; the reports of runs that had finished stay.  The
pool's workers are in their own process group, so the terminal's Ctrl-C reaches the batch's
process only, which stops them (:func:`_stop_workers`); a worker whose batch process died
(killed outright, or by the kernel's out-of-memory killer) stops itself (:func:`_worker_init`).

Example
-------
>>> parse_years("2020-2022"), parse_years("2019,2021")
([2020, 2021, 2022], [2019, 2021])
"""
from __future__ import annotations

import datetime as _dt
import html
import itertools
import json
import multiprocessing
import multiprocessing.connection
import os
import platform
import re
import signal
import threading
import time
import traceback
import urllib.parse
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from . import templating
from .config import load_config
from .errors import AssessmentError, ConfigError, one_line
from .outdir import check_output_folder, make_parent, output_lock, signals_raise, write_marker
from .render import run_assessment
from .rounding import pct, signed_pct
from .summary import get


def parse_years(text: str) -> list[int]:
    """``"2020-2024"`` or ``"2020,2022"`` (or a mix) -> sorted list of years."""
    years: set[int] = set()
    for part in str(text).split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if b < a:
                raise ConfigError(f"--years: range {part} runs backwards")
            years.update(range(a, b + 1))
        elif re.fullmatch(r"\d{4}", part):
            years.add(int(part))
        else:
            raise ConfigError(f"--years: expected years like 2020-2024 or 2020,2022, found {part!r}")
    return sorted(years)


def slugify(text: str) -> str:
    """File-name-safe lower-case slug: ``"Barking and Dagenham"`` -> ``"barking-and-dagenham"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "area"


@dataclass
class Job:
    """One run of the batch."""
    config: str
    year: int
    out_dir: str
    area: str | None = None
    allow_partial: bool = False   # --allow-partial: run a year the data do not fully cover
    #: the run's part of the batch's crime input, read once (assessment.loaders.shared.RunInput)
    shared: object | None = None
    #: run the chapters in the worker's kept kernel (its start and imports paid once per worker)
    keep_kernel: bool = True

    @property
    def log_path(self) -> Path:
        """The run's own log: ``<out_root>/logs/[<area>-]<period>.log`` (kept whether it failed or not)."""
        out = Path(self.out_dir)
        root = out.parent.parent if self.area else out.parent
        return root / "logs" / (f"{slugify(self.area)}-{out.name}.log" if self.area else f"{out.name}.log")

    @property
    def name(self) -> str:
        return f"{self.area + ' ' if self.area else ''}{self.year}"


@dataclass
class JobResult:
    job: Job
    ok: bool
    seconds: float
    error: str = ""
    summary: dict = field(default_factory=dict)


def job_config(job: Job):
    """The config of one run: the batch's, with the run's area (name and LSOA-name prefix)."""
    cfg = load_config(job.config)
    if job.area:
        cfg.area.name = job.area
        cfg.area.lsoa_name_prefix = job.area
    return cfg


def shared_input(todo: list[Job], progress=print):
    """The batch's crime input read once (:class:`~assessment.loaders.shared.SharedInput`), or None.

    Only worth it, and only done, for a batch of several runs on an input it shares.  Any problem
    reading the input leaves every job to read it itself (and report the problem as its own
    failure, one line).
    """
    from .loaders.shared import SharedInput  # the loaders: only when a batch shares
    if len(todo) < 2:
        return None
    t0 = time.perf_counter()
    try:
        shared = SharedInput.read(job_config(todo[0]))
    except Exception:  # noqa: BLE001 - each run reads its inputs and reports the problem itself
        return None
    if shared is not None:
        progress(f"crime input shared by the batch's {len(todo)} runs: read once, here "
                 f"({time.perf_counter() - t0:.1f} s; each run's rows are handed over as it is submitted)")
    return shared


def hand_over(shared, job: Job) -> bool:
    """Give ``job`` its part of the batch's crime input (``Job.shared``); False when it is to read
    the input itself (a problem working out its part is then reported by its own run)."""
    try:
        job.shared = shared.for_run(job_config(job), job.year, allow_partial=job.allow_partial)
    except Exception:  # noqa: BLE001 - this run reads its inputs and reports the problem itself
        job.shared = None
    return job.shared is not None


def share_inputs(todo: list[Job], progress=print) -> int:
    """Read the batch's crime input once and give every job its part now; return how many got one.

    (A batch itself hands each run its part just before the run starts: :func:`_run_batch_locked`.)"""
    shared = shared_input(todo, progress)
    return 0 if shared is None else sum(hand_over(shared, j) for j in todo)


def run_job(job: Job, shared=None) -> JobResult:
    """Run one assessment (in a worker process); never raises: failures come back as results.

    Its progress lines, and on failure the error (with the traceback of an unexpected
    one), go to :attr:`Job.log_path`.  ``shared``: the run's part of the batch's crime input when
    it travels beside the job (on a Dask cluster, sent to the worker ahead of the task) instead of
    in :attr:`Job.shared`.
    """
    _IDLE.clear()
    try:
        return _run_one(job, shared)
    finally:
        _IDLE.set()


#: set while this process runs no batch run (:func:`_stop_when_gone` waits for it)
_IDLE = threading.Event()
_IDLE.set()


def _run_one(job: Job, shared) -> JobResult:
    """:func:`run_job`'s body."""
    t0 = time.perf_counter()
    log = job.log_path
    log.parent.mkdir(parents=True, exist_ok=True)
    fh = open(log, "w", encoding="utf-8")

    def note(*parts, **_):
        fh.write(f"{time.perf_counter() - t0:7.1f} s  " + " ".join(str(p) for p in parts) + "\n")
        fh.flush()

    note(f"batch run {job.name}: config {job.config}, output {job.out_dir}, "
         f"pid {os.getpid()} on {platform.node()}, {_dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    try:
        cfg = job_config(job)
        shared, job.shared = (shared if shared is not None else job.shared), None   # not sent back
        out = run_assessment(cfg, year=job.year, out_dir=Path(job.out_dir), log=note,
                             allow_partial=job.allow_partial, shared=shared, kernels=1,
                             keep_kernel=job.keep_kernel)
        summary = json.loads((Path(out) / "summary.json").read_text())
        note("ok")
        fh.close()
        return JobResult(job, True, time.perf_counter() - t0, summary=summary)
    except AssessmentError as e:
        # one line; an input error about a file with personal data names rows and columns, not values
        err = one_line(e)
        note(f"error: {err}")
    except Exception as e:  # noqa: BLE001 - reported, does not stop the batch
        err = f"unexpected {type(e).__name__}: {one_line(e, 300)}"
        note(f"error: {err}")
        fh.write(traceback.format_exc())
    except KeyboardInterrupt as e:   # the batch was stopped (RunInterrupted: cleanup has run)
        note(f"error: {one_line(e) or 'interrupted'}")
        fh.close()
        raise
    fh.close()
    return JobResult(job, False, time.perf_counter() - t0, error=err)


def run_batch(config, years: list[int], areas: list[str] | None = None, jobs: int = 1,
              out_root: Path | None = None, executor: Executor | None = None,
              progress=print, allow_partial: bool = False, scheduler: str | None = None) -> list[JobResult]:
    """Run every (area, year); write ``<out_root>/index.html``; return the results.

    A year the data do not fully cover is a failed run unless ``allow_partial`` (then its
    report says "N of 12 months"; see :func:`assessment.render.run_assessment`).

    ``executor``: any ``concurrent.futures``-style executor (default: a process pool
    of ``jobs`` workers).  ``scheduler``: the address of a running ``dask.distributed``
    scheduler (``tcp://host:8786``) to run on instead (see :func:`dask_client`; ``jobs``
    is then ignored: the cluster's workers set how many run at once).  Results are
    returned in (area, year) order.

    ``out_root`` must be missing, empty, or a batch output of this tool (its marker,
    ``.csp-assessment-report`` with ``"kind": "batch"``, or the layout of an older
    batch: ``index.html``, ``logs/`` and report folders); it is locked for the whole
    batch, so a second batch into it is refused with one line (:class:`ConfigError`).
    Each run folder in it is checked and locked by its own run (see
    :func:`assessment.render.run_assessment`): a folder that is not a report is
    reported as a failed run and left as it is.
    """
    cfg = load_config(config)
    out_root = (Path(out_root) if out_root else cfg.root / "reports" / "batch").resolve()
    if jobs < 1:
        raise ConfigError(f"--jobs: expected 1 or more parallel runs, found {jobs}")
    check_output_folder(out_root, "batch")
    make_parent(out_root)
    with signals_raise(), output_lock(out_root):
        check_output_folder(out_root, "batch")
        try:
            out_root.mkdir(exist_ok=True)
            write_marker(out_root, "batch")
        except OSError as e:
            raise ConfigError(f"{out_root}: cannot write the batch output folder: {e.strerror or e}") from e
        if scheduler is None:
            return _run_batch_locked(cfg, years, areas, jobs, out_root, executor, progress, allow_partial)
        client = dask_client(scheduler, cfg.path, out_root, progress)
        try:
            return _run_batch_locked(cfg, years, areas, jobs, out_root, client.get_executor(pure=False),
                                     progress, allow_partial, slots=sum(client.nthreads().values()),
                                     scatter=lambda part: client.scatter(part, hash=False))
        finally:
            client.close()


def worker_view(config: str, out_root: str) -> dict:
    """What a Dask worker sees (run there by :func:`dask_client`): the package version, and
    whether the config file and the batch output folder are at the paths the client gave."""
    from . import __version__
    return {"version": __version__, "config": os.path.isfile(config),
            "out_root": os.path.isdir(out_root) and os.access(out_root, os.W_OK)}


def dask_client(address: str, config: Path, out_root: Path, progress=print, timeout: float = 30.0):
    """A ``dask.distributed`` client of the scheduler at ``address``, its workers checked.

    Every problem is one line (:class:`ConfigError`): ``distributed`` not installed (the
    ``[dask]`` extra), no scheduler at the address, no worker within ``timeout`` seconds,
    a worker that cannot import this package or runs another version of it, or one that
    does not see the config file or the (already created) output folder at the same path
    (the inputs, config and outputs must be on a file system every worker shares).  A
    worker that runs several tasks at once (``--nthreads`` above 1) gets a progress note:
    each run is a whole report with its own kernel.
    """
    try:
        from distributed import Client
    except ImportError as e:
        raise ConfigError("--scheduler: dask.distributed is not installed here; install the dask extra "
                          "(pip install 'csp-assessment[dask]')") from e
    where = f"--scheduler {one_line(address, 200)}"
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as e:   # OSError, TimeoutError, or ValueError for a malformed address: all one line
        raise ConfigError(f"{where}: no Dask scheduler answered there ({type(e).__name__}: {one_line(e, 200)})") from e
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except Exception as e:   # distributed's own TimeoutError
            raise ConfigError(f"{where}: the scheduler has no worker (waited {timeout:.0f} s); start some "
                              "with `dask worker ADDRESS --nthreads 1`") from e
        from . import __version__
        views = client.run(worker_view, str(config), str(out_root), on_error="return")
        for worker, view in sorted(views.items()):
            if isinstance(view, BaseException):
                raise ConfigError(f"{where}: worker {worker} cannot run this package "
                                  f"({type(view).__name__}: {one_line(view, 200)}); install it on every worker")
            if view["version"] != __version__:
                raise ConfigError(f"{where}: worker {worker} runs csp-assessment {view['version']}, "
                                  f"this is {__version__}; install the same version on every worker")
            for key, path in (("config", config), ("out_root", out_root)):
                if not view[key]:
                    raise ConfigError(f"{where}: worker {worker} does not see {path} (it needs the config, the "
                                      "inputs and the output folder at the same paths: a shared file system)")
        nthreads = client.nthreads()   # worker address -> tasks it runs at once
        progress(f"Dask scheduler {client.scheduler.address}: {len(nthreads)} worker(s), "
                 f"{sum(nthreads.values())} run(s) at a time")
        many = [a for a, n in nthreads.items() if n > 1]
        if many:
            progress(f"note: {len(many)} worker(s) run several tasks at once; each run is a whole report "
                     "with its own kernel (about 1-3 GiB): start workers with --nthreads 1")
    except BaseException:
        client.close()
        raise
    return client


def _run_batch_locked(cfg, years, areas, jobs, out_root, executor, progress,
                      allow_partial: bool = False, slots: int | None = None, scatter=None) -> list[JobResult]:
    """Run the batch's jobs on ``executor`` (own process pool when None); ``slots``: how many
    runs it runs at once (default ``jobs`` for the own pool, all for another executor);
    ``scatter``: sends a run's part of the shared input to the cluster ahead of its task and
    returns what stands for it there (Dask: a national run's part is about 10 MB, more than a
    task graph should carry through the scheduler)."""
    todo = []
    for area in (areas or [None]):
        base = out_root / slugify(area) if area else out_root
        for y in years:
            label = f"{y}-{(y + 1) % 100:02d}" if cfg.period == "financial" else str(y)
            todo.append(Job(str(cfg.path), y, str(base / label), area, allow_partial))
    shared = shared_input(todo, progress)
    own = executor is None
    # fresh worker processes ("spawn"), not forks of this one: this process may hold a shared input
    # of millions of rows (read with pyarrow's threads, which a fork must not inherit)
    ex = executor or ProcessPoolExecutor(max_workers=min(jobs, len(todo)) or 1,
                                         mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)
    progress(f"{len(todo)} run(s) of {cfg.area.name if not areas else f'{len(areas)} area(s)'}, "
             f"{jobs if own else 'as many as the executor runs'} at a time; logs in {out_root / 'logs'}")
    # each run's part of the shared input is made just before it is submitted, a few runs ahead of
    # the ones running: a national batch's parts are not all held at once; the runs are submitted
    # year by year, so the shared input holds one data window's rows at a time
    ahead = (jobs if own else (slots or len(todo))) + 2
    queue = iter(sorted(enumerate(todo), key=lambda item: item[1].year))
    results: dict[int, JobResult] = {}
    futures: dict = {}

    handed = [0, 0.0]        # runs handed their part, seconds spent making the parts

    def submit(n: int) -> None:
        for i, j in itertools.islice(queue, n):
            if shared is not None:
                t0 = time.perf_counter()
                handed[0] += hand_over(shared, j)
                handed[1] += time.perf_counter() - t0
            if scatter is not None and j.shared is not None:
                part, j.shared = scatter(j.shared), None
                futures[ex.submit(run_job, j, part)] = i
            else:
                futures[ex.submit(run_job, j)] = i

    try:
        submit(ahead)
        n = 0
        while futures:
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for fut in done:
                i = futures.pop(fut)
                todo[i].shared = None
                try:
                    r = fut.result()
                except Exception as e:  # noqa: BLE001 - a worker that died
                    r = JobResult(todo[i], False, 0.0, error=f"worker failed: {type(e).__name__}: {one_line(e, 300)}")
                results[i] = r
                n += 1
                state = f"ok in {r.seconds:.0f} s" if r.ok else f"FAILED: {r.error}"
                progress(f"[{n}/{len(todo)}] {r.job.name}: {state}")
            submit(len(done))
    except BaseException:
        if own:       # a signal (or a failure here): the runs still going are stopped, not waited for
            _stop_workers(ex)
        else:         # another executor's (a Dask cluster's): the runs not yet started are cancelled
            for fut in futures:
                fut.cancel()
        raise
    finally:
        shared = None
        if own:
            ex.shutdown()
    if handed[1]:
        progress(f"{handed[0]} of {len(todo)} runs were handed their part of the crime input "
                 f"(made here in {handed[1]:.1f} s, reading the rows included)")
    ordered = [results[i] for i in range(len(todo))]
    index = write_index(out_root, ordered, cfg)
    failed = sum(not r.ok for r in ordered)
    progress(f"{len(ordered) - failed} of {len(ordered)} runs succeeded; index: {index}")
    return ordered


def _worker_init() -> None:
    """A batch worker's initialiser (its own process pool's; see the module docstring, "Stopping").

    The worker leaves the terminal's process group (POSIX), so a Ctrl-C or hang-up reaches the
    batch's process only, which then stops the workers in order (:func:`_stop_workers`), not each
    worker at once and again.  And it watches the batch's process (``multiprocessing``'s parent
    sentinel, readable once the parent has gone): if that dies, the worker sends itself SIGTERM,
    so its run unwinds as a stopped run does, instead of the worker and its kernel waiting for
    work for ever.
    """
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_stop_when_gone, args=(parent.sentinel,), daemon=True,
                         name="watch-batch").start()


def _stop_when_gone(sentinel) -> None:
    """Once ``sentinel`` (the batch's process) is gone: SIGTERM to this worker, which ends it at once
    when idle and otherwise unwinds its run (see :func:`assessment.outdir.signals_raise`); then, the
    run's cleanup done, the worker exits (it would otherwise wait for work from a dead process)."""
    multiprocessing.connection.wait([sentinel])
    os.kill(os.getpid(), signal.SIGTERM)
    _IDLE.wait(_STOP_TIMEOUT)
    os._exit(128 + signal.SIGTERM)


#: seconds a stopped batch gives its workers' runs to clean up before killing them
_STOP_TIMEOUT = 60.0


def _stop_workers(ex: ProcessPoolExecutor, timeout: float = _STOP_TIMEOUT) -> None:
    """Stop a process pool's runs now: the runs not started are cancelled, and each worker is sent
    SIGTERM, so that its run unwinds as a single run stopped by SIGTERM does (private folder
    deleted, kernel shut down, nothing published); a worker still there after ``timeout`` seconds
    is killed.  The pool's processes are read from its ``_processes`` (Python has no public way to
    reach them before 3.14's ``terminate_workers``)."""
    processes = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + timeout
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(5)


def _pct(v):
    return signed_pct(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else "–"


def _share(v):
    return pct(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else "–"


def _text(value) -> str:
    """Text for an HTML cell: one line, escaped (area names, labels, error lines).

    >>> _text('Tottenham <Hale> & "Green"\\nLanes')
    'Tottenham &lt;Hale&gt; &amp; &quot;Green&quot; Lanes'
    """
    return html.escape(one_line(value))


def _cell(value) -> Markup:
    """:func:`_text` as markup for the template: escaped here with :func:`html.escape`, which writes
    ``&quot;`` and ``&#x27;`` (Jinja2's escape writes ``&#34;`` and ``&#39;``), so the page reads as it did."""
    return Markup(_text(value))


def _href(path: Path) -> str:
    """A relative link, URL-quoted (the template escapes it for the attribute).

    >>> _href(Path("a b/2024-25/x&y.html"))
    'a%20b/2024-25/x%26y.html'
    """
    return urllib.parse.quote(Path(path).as_posix())


def _index_row(r: JobResult, out_root: Path, cfg) -> dict:
    """One run's row of the index: its texts escaped (:func:`_cell`), its links URL-quoted (:func:`_href`)."""
    row = {"ok": r.ok, "area": _cell(r.job.area or cfg.area.name),
           "log": _href(Path(r.job.log_path).relative_to(out_root))}
    if not r.ok:
        return {**row, "label": _cell(r.job.year), "error": _cell(r.error)}
    s = r.summary
    report = Path(r.job.out_dir).relative_to(out_root) / f"strategic-assessment-{Path(r.job.out_dir).name}"
    total = get(s, "crime.total")
    spots = get(s, "hotspots.hot_spots_95")
    figures = ["–" if total is None else _cell(f"{total:,}"), _cell(_pct(get(s, "crime.change_pct"))),
               "–" if spots is None else _cell(spots), _cell(_share(get(s, "offenders.top_share.1.all"))),
               _cell(_share(get(s, "victims.repeat_rate")))]
    return {**row, "label": _cell(get(s, "period.label", "")), "figures": figures,
            "html": _href(report.with_name(report.name + ".html")),
            "pdf": _href(report.with_name(report.name + ".pdf"))}


def write_index(out_root: Path, results: list[JobResult], cfg) -> Path:
    """``index.html``: one row per run with links and headline figures (self-contained).

    Rendered from ``assessment/templates/batch_index.html`` (autoescape on).  Every text in it is
    escaped (:func:`_cell`, :func:`_href`); a failed run's error line is the one the run printed,
    which never quotes a value of a file holding personal data.
    """
    doc = templating.render("batch_index.html", runs=[_index_row(r, out_root, cfg) for r in results],
                            failed=sum(not r.ok for r in results), synthetic=bool(cfg.synthetic))
    p = out_root / "index.html"
    p.write_text(doc, encoding="utf-8")
    return p
