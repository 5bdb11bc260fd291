"""The run (§8): execute the chapter notebooks, then write the report, atomically.

:func:`run_assessment` is what ``assessment run`` calls.  In order it

1. loads the config and the dataset ONCE (the demo data are generated first when
   ``demo: true``) and pickles the dataset, so every chapter reuses it instead of
   reading the inputs again (``assessment.workbook.DATASET_ENV`` points the kernels
   at the pickle);
2. executes the chapter notebooks (``NN_*.ipynb``) with papermill — chapters ``01``
   onwards in file-name order, then ``00_*`` (the summary reads the other chapters'
   headlines) — into ``<out>/notebooks/``;
3. writes ``summary.json`` (the chapters' headline fragments merged, deterministic),
   one self-contained HTML file and one A4 PDF, ``strategic-assessment-<slug>.*``, the
   technical annex beside them as its own HTML and PDF (the full methods:
   ``strategic-assessment-<slug>-technical-annex.*``, :func:`annex_context`), and ``run.log``
   (timings, versions, input files with row counts and SHA-256, the config text: the only
   file with timestamps);
4. moves the result into place only when every step succeeded.

Atomic output.  The chapters work in a private folder (mode 0700) under the system
temporary folder, never beside the report: the dataset pickle (which holds every victim,
offender and caller id), the kernel's own log and the half-written report all live there
(:func:`assessment.outdir.private_workdir`), and it is deleted whenever the run ends —
normally, with an error, or on SIGTERM, SIGINT or SIGHUP; one left by a run that was
killed outright is deleted by the next run.  Only the finished report is moved beside
the output folder, as ``<out>.tmp-<pid>``; the previous ``<out>`` is then renamed aside,
the new folder renamed into place and the old one deleted.  On failure ``<out>`` is left
exactly as it was, the executed notebooks are kept for inspection in ``<out>.failed/``
(replacing an older one) and :class:`AssessmentError` is raised with one line naming the
notebook, the cell and the error, e.g. ``notebook 02_hotspots.ipynb, cell 7: KeyError:
'gi_z'``.  Cells are numbered from 1 in the order JupyterLab shows them (markdown cells
included; the cell papermill injects is not counted).  A run killed while moving the
report leaves ``<out>.tmp-<pid>``; the next run into ``<out>`` removes it (and restores
``<out>`` if it was killed between the two renames).

Whose folder.  ``<out>`` is replaced only when it is this tool's report: every report
holds the marker file ``.csp-assessment-report``, and a non-empty folder without it is
refused with one line unless it has exactly the layout of a report written before
markers existed (see :mod:`assessment.outdir`).  ``<out>`` being a file, or in a
folder this user cannot write, is one line too, and so is a second run into a folder
another run is writing (an OS lock on ``.<out>.lock``, released when the holder ends,
however it ends).  These checks run before the inputs are loaded whenever the output
folder is known by then (``out_dir`` given, or ``year``/``to``).

Speed.  All chapters run in ONE warm kernel: imports (pandas, geopandas, esda, ...)
and numba compilation are paid once per run rather than once per chapter.  Between
chapters every name in the kernel's namespace is deleted and its output cache emptied
(:data:`_RESET_CODE`), figures closed and the working folder restored, so a chapter cannot see
another's variables.
``fresh_kernels=True`` starts a new kernel per chapter instead (slower; full
isolation).

What reaches the report.  Markdown cells, and what cells *display*: tables, figures
and text published through :class:`assessment.workbook.Run` (and any other
``display(...)``).  Code, printed output, warnings, error output and bare cell
results (the ``Out[n]`` of a last expression, which would bypass the disclosure
checks in ``Run.table``) stay in the executed notebooks and never reach HTML or PDF.
Cells tagged ``remove-cell`` are left out; cells tagged ``technical-annex`` go to the technical
annex instead of the report.  What a chapter marks as not covered this year
(:meth:`assessment.workbook.Run.not_covered`) is left out too, and said once, in the box after
the contents (:func:`not_covered`).  The report and its annex carry the project's own typeface
(:mod:`assessment.typeface`) and print with the page-break rules of ``print.css``
(:func:`_mark_page_breaks`).

Example
-------
>>> from assessment.render import execution_order
>>> [p.name for p in execution_order([Path("00_summary.ipynb"), Path("02_b.ipynb"), Path("01_a.ipynb")])]
['01_a.ipynb', '02_b.ipynb', '00_summary.ipynb']
"""
from __future__ import annotations

import base64
import contextlib
import copy
import datetime as _dt
import functools
import importlib
import json
import logging
import mimetypes
import os
import pickle
import platform
import re
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from markupsafe import Markup

from . import leaks, provenance, templating, typeface
from . import outdir as _outdir
from .accounting import Accounting
from .config import Config, load_config
from .demo import ensure_demo
from .disclosure import LEDGER_DIR, DisclosureError
from .errors import AssessmentError, ConfigError
from .loaders import load_dataset
from .periods import make_period, month_ranges
from .safe_html import ASSETS, csp, offline_fetcher, sanitize
from .summary import collect, validate_file
from .targets import check_crime_types, read_targets
from .words import labels as column_labels
from .workbook import DATASET_ENV, NOT_COVERED_MIME, load_commentary

TEMPLATES = templating.TEMPLATES
CHAPTER_RE = re.compile(r"^(\d{2})_[^/\\]+\.ipynb$")
REPORT_PREFIX = "strategic-assessment-"
KERNEL_NAME = "python3"
#: added to the report kernels' environment: figures are drawn off screen (Agg) and reach the report only
#: through Run.figure - never as an inline copy (assessment.figures.style leaves a kernel's backend alone)
KERNEL_ENV = {"MPLBACKEND": "Agg"}
#: cell tags whose cells are left out of the report
REMOVE_TAGS = ("remove-cell", "remove_cell")
#: cells tagged so go to the technical annex (its own HTML and PDF beside the report), not the report
ANNEX_TAG = "technical-annex"
#: the technical annex's file names: the report's stem followed by this
ANNEX_SUFFIX = "-technical-annex"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# -- which notebooks, in which order -------------------------------------------------------
def default_notebooks_dir(cfg) -> Path:
    """The chapter notebooks: ``notebooks/`` beside the config if it exists, else the project's.

    Example
    -------
    >>> from types import SimpleNamespace
    >>> default_notebooks_dir(SimpleNamespace(root=Path("/nonexistent"))).name
    'notebooks'
    """
    here = Path(cfg.root) / "notebooks"
    if here.is_dir() and any(CHAPTER_RE.match(p.name) for p in here.iterdir()):
        return here
    return Path(__file__).resolve().parents[1] / "notebooks"


def chapter_notebooks(folder: Path, names: Iterable | None = None) -> list[Path]:
    """The chapter notebooks in REPORT order (by file name).

    ``names`` (file names relative to ``folder``, or paths) overrides the default,
    which is every ``NN_*.ipynb`` in ``folder``.

    Example
    -------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for n in ("02_b.ipynb", "00_summary.ipynb", "01_a.ipynb", "scratch.ipynb"):
    ...     _ = (d / n).write_text("{}")
    >>> [p.name for p in chapter_notebooks(d)]
    ['00_summary.ipynb', '01_a.ipynb', '02_b.ipynb']
    """
    folder = Path(folder)
    if names is None:
        if not folder.is_dir():
            raise ConfigError(f"{folder}: notebooks folder not found")
        paths = [p for p in folder.iterdir() if CHAPTER_RE.match(p.name)]
        if not paths:
            raise ConfigError(f"{folder}: no chapter notebooks (NN_name.ipynb) found")
    else:
        paths = []
        for n in names:
            p = Path(n)
            p = p if p.is_absolute() else folder / p
            if not p.exists():
                raise ConfigError(f"notebook not found: {p}")
            paths.append(p)
    return sorted(paths, key=lambda p: (p.name, str(p)))


def execution_order(paths: list[Path]) -> list[Path]:
    """Chapters ``01`` onwards by file name, then ``00_*`` (the summary reads their headlines)."""
    first = [p for p in paths if not p.name.startswith("00_")]
    last = [p for p in paths if p.name.startswith("00_")]
    return sorted(first, key=lambda p: p.name) + sorted(last, key=lambda p: p.name)


# -- the dataset pickle ------------------------------------------------------------------
def _plain(v):
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return list(v)
    return v


def _fill(target, plain: dict):
    for k, v in plain.items():
        if isinstance(v, dict) and isinstance(target, defaultdict):
            _fill(target[k], v)
        else:
            target[k] = v


def _rebuild_accounting(state: dict):
    """Unpickle an :class:`~assessment.accounting.Accounting` (its defaultdicts hold lambdas)."""
    acc = Accounting()
    for name, value in state.items():
        target = getattr(acc, name, None)
        if isinstance(target, dict):
            _fill(target, value)
        else:
            setattr(acc, name, value)
    return acc


class _DatasetPickler(pickle.Pickler):
    def reducer_override(self, obj):
        if type(obj) is Accounting:
            return _rebuild_accounting, ({f.name: _plain(getattr(obj, f.name)) for f in fields(obj)},)
        return NotImplemented


def pickle_dataset(ds, path: Path) -> Path:
    """Write ``ds`` to ``path`` so that every chapter kernel can load it (see ``workbook.DATASET_ENV``)."""
    with open(path, "wb") as f:
        _DatasetPickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(ds)
    return path


# -- executing notebooks -----------------------------------------------------------------
@dataclass
class NotebookRun:
    """One executed chapter notebook."""
    source: Path
    output: Path
    seconds: float = 0.0
    stderr_outputs: int = 0


#: between chapters: every name the chapters made deleted from the namespace, the output cache
#: (``Out``, ``_``) emptied, figures closed, the working folder restored.  Not ``%reset -f``: that
#: does the same and collects garbage twice over every object of the loaded libraries, 0.25 s a
#: chapter (benchmarks/README.md); the chapters' data are freed as their names go, and the cycles
#: among them by Python's own collector.
_RESET_CODE = (
    "def _sa_reset(ip=get_ipython()):\n"
    "    import os, matplotlib.pyplot as plt\n"
    "    ip.user_ns.get('Out', {{}}).clear()\n"
    "    for k in [k for k in ip.user_ns if k not in ip.user_ns_hidden]:\n"
    "        del ip.user_ns[k]\n"
    "    ip.user_ns.update(_='', __='', ___='')\n"
    "    plt.close('all')\n"
    "    os.chdir({cwd!r})\n"
    "_sa_reset()\n"
)


class _Kernel:
    """One kernel shared by every chapter of a run (see the module docstring)."""

    def __init__(self, cwd: Path, env: dict, stderr_path: Path | None = None):
        self.cwd = str(cwd)
        self.env = env
        self.km = None
        self.bc = None
        self.kc = None
        self.stderr_path = stderr_path
        self._stderr = None

    def launch(self):
        """Start the kernel process and connect this side's client, without waiting for the kernel
        to answer (``__enter__`` waits)."""
        from jupyter_client.manager import AsyncKernelManager  # heavy: the notebook stack only when chapters run
        from jupyter_core.utils import run_sync  # heavy: with jupyter_client, only when chapters run
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME, **self._connection_file())
        io = {}
        if self.stderr_path is not None:  # the kernel process's own messages, for run.log
            self._stderr = open(self.stderr_path, "wb")
            io = {"stdout": self._stderr, "stderr": self._stderr}
        run_sync(self.km.start_kernel)(cwd=self.cwd, env=self.env, **io)
        self.bc = self.km.blocking_client()
        self.bc.start_channels(hb=False)   # see client(): no heartbeat thread
        return self

    def _connection_file(self) -> dict:
        """Where the kernel's connection file (its ports and message key) goes: beside its log, in the
        run's private folder, so that it is deleted with the folder however the run ends.  Without a
        log, jupyter_client's default (a ``tmp*.json`` in the system temporary folder, deleted when
        the kernel is shut down, but left there by a run stopped while its kernel was starting)."""
        if self.stderr_path is None:
            return {}
        return {"connection_file": str(self.stderr_path.with_name(f"{self.stderr_path.stem}-connection.json"))}

    def __enter__(self):
        self.launch()
        self.bc.wait_for_ready(timeout=120)
        return self

    def client(self):
        """The asynchronous client papermill executes every chapter through (:func:`_kept_client_engine`):
        made, connected and checked ready on first use, in the thread that runs the chapters (its
        sockets belong to that thread's event loop), then kept.

        Not one client a chapter, as papermill makes by default: a new client misses the kernel's first
        IOPub messages while its subscription connects, and jupyter_client's ``wait_for_ready`` then
        waits 0.2 s for one that never comes — about 0.2 s of idle time a chapter (benchmarks/README.md).
        A kept client's IOPub channel also receives the messages of earlier chapters and resets;
        nbclient reads only those answering its own requests.

        Neither client starts a heartbeat channel: a client made by a kernel manager asks the manager
        whether the kernel is alive, and a heartbeat thread left polling a kernel that has died (a batch
        worker stopped with its kernels) only delays the process's exit.
        """
        if self.kc is None:
            from jupyter_core.utils import run_sync  # heavy: with jupyter_client, only when chapters run
            kc = self.km.client()
            kc.start_channels(hb=False)
            run_sync(kc.wait_for_ready)(timeout=120)
            kc.allow_stdin = False
            self.kc = kc
        return self.kc

    def papermill(self) -> dict:
        """The arguments of ``papermill.execute_notebook`` that run a chapter in this kernel, through its
        kept client."""
        return {"kernel_name": KERNEL_NAME, "km": self.km, "kc": self.client(), "engine_name": _kept_client_engine()}

    def reset(self, env: dict | None = None) -> None:
        """Clear the user namespace, close figures, go back to the notebooks folder (and, for a kernel
        kept between runs, set the run's ``env``: its dataset pickle and temporary folder, which
        :mod:`tempfile` looks up again)."""
        code = _RESET_CODE.format(cwd=self.cwd)
        if env:
            code += (f"import os as _os, tempfile as _tf\n_os.environ.update({dict(env)!r})\n"
                     "_tf.tempdir = None\ndel _os, _tf\n")
        reply = self.bc.execute_interactive(code, store_history=False,
                                            timeout=120, output_hook=lambda msg: None)
        if reply["content"].get("status") != "ok":
            raise AssessmentError(f"could not reset the kernel between chapters: "
                                  f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    def __exit__(self, *exc):
        from jupyter_core.utils import run_sync  # heavy: with jupyter_client, only when chapters run
        if exc and exc[0] is not None:
            _cancel_pending_tasks()
        try:
            for client in (self.kc, self.bc):
                if client is not None:
                    client.stop_channels()
        finally:
            if self.km is not None:
                try:
                    run_sync(self.km.shutdown_kernel)(now=True)
                except Exception:  # noqa: BLE001 - a kernel that already died
                    pass
            if self._stderr is not None:
                self._stderr.close()
        return False


_ENGINE = "assessment-kept-client"


@functools.lru_cache(maxsize=1)
def _kept_client_engine() -> str:
    """The name of papermill's engine for chapters run through a kept kernel client (registered once,
    on first use: papermill is imported only when chapters run)."""
    from papermill.engines import papermill_engines
    papermill_engines.register(_ENGINE, _kept_client_engine_class())
    return _ENGINE


def _kept_client_engine_class():
    """papermill's own nbclient engine, except that the notebook client is given the kernel's kept client
    (:meth:`_Kernel.client`) instead of making one.

    nbclient takes a kernel manager (``km``) but no client, so the engine's one method is written
    again here, with papermill's arguments (``papermill.engines.NBClientEngine``, papermill 2.7),
    and the client set on the notebook client before it runs: nbclient then uses it and, not owning
    the kernel manager, leaves it open.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, logger
    from papermill.utils import remove_args

    class KeptClientEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, kc=None, **kwargs):
            timeout = execution_timeout or kwargs.get("timeout")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(nb_man, timeout=timeout,
                                             startup_timeout=start_timeout, kernel_name=kernel_name,
                                             log=logger, log_output=log_output, stdout_file=stdout_file,
                                             stderr_file=stderr_file, **kwargs)
            client.kc = kc
            return client.execute()

    return KeptClientEngine


#: what a kernel started early imports while the inputs load (the chapters' own imports, paid once
#: per kernel either way): nothing is left in the user namespace
_WARM_IMPORTS = ("pandas", "geopandas", "matplotlib.pyplot", "scipy.stats", "libpysal", "esda",
                 "assessment.workbook", "assessment.chapters.hotspots", "assessment.figures.maps")
_WARM_CODE = (
    "import importlib as _il\n"
    "for _m in {mods!r}:\n"
    "    try:\n"
    "        _il.import_module(_m)\n"
    "    except Exception:\n"
    "        pass\n"
    "del _il, _m\n"
)

#: how often a kernel starting early looks whether its run has stopped (seconds)
_POLL = 0.05


class _KernelStart:
    """Kernels started in background threads while the run loads its inputs (issue 18), each importing
    :data:`_WARM_IMPORTS` once ready; :meth:`take` hands one to the chapters (waiting for it), and
    :meth:`close` shuts down every kernel not taken (a run that stops before its chapters)."""

    def __init__(self, n: int, cwd: Path, env: dict, logs: list):
        # imported here, on one thread: two threads importing jupyter_client at once can meet a
        # partially initialised module (see _preload_renderers)
        from jupyter_client.manager import AsyncKernelManager  # noqa: F401
        from jupyter_core.utils import run_sync  # noqa: F401
        self.t0 = time.perf_counter()
        self._kernels: list = [None] * n
        self._errors: list = [None] * n
        self._taken: set = set()
        self._lock = threading.Lock()
        self._closed = False
        self._threads = [threading.Thread(target=self._start, args=(k, cwd, env, logs[k]), daemon=True,
                                          name=f"kernel-start-{k + 1}") for k in range(n)]
        for th in self._threads:
            th.start()

    def _start(self, k: int, cwd: Path, env: dict, log_path) -> None:
        kernel = _Kernel(cwd, env, log_path)
        try:
            kernel.launch()
            self._warm(kernel)
        except BaseException as e:  # noqa: BLE001 - raised in the thread that takes this kernel
            self._errors[k] = e
            kernel.__exit__(None, None, None)
            return
        with self._lock:
            self._kernels[k] = kernel
            if not self._closed:
                return
        kernel.__exit__(None, None, None)      # the run stopped while this kernel started

    def _warm(self, kernel: _Kernel, timeout: float = 120) -> None:
        """Ask the kernel for :data:`_WARM_IMPORTS` and wait for its answer, which also shows it ready;
        give up at once when the run stops (:meth:`close`): the caller then shuts the kernel down
        whatever it is doing, without waiting for its start or its imports.

        Sent as soon as the client connects, before the kernel answers (the request waits in the
        socket's queue until the kernel reads it), instead of through ``wait_for_ready``, which looks
        for an answer once a second.
        """
        import queue
        msg_id = kernel.bc.execute(_WARM_CODE.format(mods=_WARM_IMPORTS), silent=True, store_history=False)
        deadline = time.monotonic() + timeout
        while not self._closed:
            try:
                msg = kernel.bc.get_shell_msg(timeout=_POLL)
            except queue.Empty:
                if not kernel.bc.is_alive():
                    raise AssessmentError("a chapter kernel stopped while it started (run.log holds its "
                                          "messages)") from None
                if time.monotonic() > deadline:
                    raise AssessmentError(f"a chapter kernel did not answer within {timeout:.0f} s of "
                                          "starting") from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return

    def take(self, k: int) -> _Kernel:
        """Kernel ``k``, once started and warm (its start's error, if it failed)."""
        self._threads[k].join()
        if self._errors[k] is not None:
            raise self._errors[k]
        with self._lock:
            self._taken.add(k)
        return self._kernels[k]

    def close(self) -> None:
        """Shut down every kernel started and not taken, and wait for a kernel still starting to shut
        itself down (within :data:`_POLL` seconds of this call, plus its shutdown): none is left when
        the run has stopped."""
        with self._lock:
            self._closed = True
            left = [kn for k, kn in enumerate(self._kernels) if kn is not None and k not in self._taken]
        for kernel in left:
            kernel.__exit__(None, None, None)
        for k, th in enumerate(self._threads):
            if k not in self._taken:
                th.join()


@contextlib.contextmanager
def _taken(started: _KernelStart, k: int):
    """Kernel ``k`` of ``started`` as a context: shut down when the chapters are done with it."""
    kernel = started.take(k)
    try:
        yield kernel
    finally:
        kernel.__exit__(None, None, None)


class _WarmKernel:
    """A kernel kept between the runs of one process (a batch worker: ``run_assessment(keep_kernel=True)``):
    its start and imports (3-5 s) are paid once per worker, not once per run.  Its own messages go to a
    log in a private folder of the process (:func:`assessment.outdir.private_workdir`); each run copies
    the part written during it into its own kernel log.  A run that fails shuts it down."""

    def __init__(self, cwd: Path, env: dict):
        self.cwd = str(cwd)
        self.stack = contextlib.ExitStack()
        try:
            folder = self.stack.enter_context(_outdir.private_workdir())
            self.log = folder / "_kernel.log"
            self.kernel = self.stack.enter_context(_Kernel(cwd, env, self.log))
        except BaseException:
            self.stack.close()
            raise
        self.offset = 0

    def copy_log(self, to: Path | None) -> None:
        """Append what the kernel wrote since the last copy to ``to``."""
        try:
            with open(self.log, "rb") as fh:
                fh.seek(self.offset)
                new = fh.read()
        except OSError:
            return
        self.offset += len(new)
        if to is not None and new:
            with open(to, "ab") as out:
                out.write(new)


#: the kept kernels of this process, one per thread (a thread pool's runs each keep their own)
_WARM: dict = {}
_WARM_LOCK = threading.Lock()


def _warm_kernel(cwd: Path, env: dict) -> _WarmKernel:
    """This thread's kept kernel for chapters in ``cwd``, started if there is none (or it ran elsewhere)."""
    me = threading.get_ident()
    w = _WARM.get(me)
    if w is not None and w.cwd != str(cwd):
        drop_warm_kernel()
        w = None
    if w is None:
        w = _WarmKernel(cwd, env)
        with _WARM_LOCK:
            first = not _WARM
            _WARM[me] = w
        if first:   # shut down when the process ends: atexit, and a process pool's worker finalizers
            import atexit
            import multiprocessing.util
            atexit.register(drop_warm_kernel, every=True)
            multiprocessing.util.Finalize(None, drop_warm_kernel, kwargs={"every": True}, exitpriority=10)
    return w


def drop_warm_kernel(every: bool = False) -> None:
    """Shut down this thread's kept kernel (``every``: every thread's), if any.  A worker killed
    outright leaves none running: a kernel stops when its parent process does, and the next run
    deletes the private folder of its log."""
    with _WARM_LOCK:
        gone = list(_WARM.values()) if every else [w for w in [_WARM.get(threading.get_ident())] if w]
        for k in [k for k, w in _WARM.items() if w in gone]:
            del _WARM[k]
    for w in gone:
        w.stack.close()


def _failing_cell(executed: Path, cell_index: int) -> int:
    """1-based number of the failing cell in the SOURCE notebook (injected cell not counted)."""
    import nbformat  # heavy: the notebook stack only when notebooks are read
    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:  # noqa: BLE001 - the number is still useful without the correction
        return cell_index + 1
    cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    injected = sum("injected-parameters" in c.metadata.get("tags", []) for c in cells[:cell_index])
    return cell_index - injected + 1


def execution_error_line(name: str, exc: BaseException, executed: Path | None = None) -> str:
    """One line for a failed chapter: ``notebook <name>, cell <n>: <Error>: <message>``.

    Example
    -------
    >>> from papermill.exceptions import PapermillExecutionError
    >>> e = PapermillExecutionError(6, 3, "x", "KeyError", "'gi_z'", [])
    >>> execution_error_line("02_hotspots.ipynb", e)
    "notebook 02_hotspots.ipynb, cell 7: KeyError: 'gi_z'"
    """
    cell_index = getattr(exc, "cell_index", None)
    if cell_index is not None and getattr(exc, "ename", None):
        n = _failing_cell(executed, cell_index) if executed and Path(executed).exists() else cell_index + 1
        evalue = _ANSI.sub("", str(exc.evalue or "")).strip().splitlines()
        msg = f"{exc.ename}: {evalue[0]}" if evalue else exc.ename
        return f"notebook {name}, cell {n}: {msg}"
    text = _ANSI.sub("", str(exc)).strip().splitlines()
    return f"notebook {name}: {type(exc).__name__}" + (f": {text[0]}" if text else "")


def execute_notebooks(paths: list[Path], out_dir: Path, parameters: dict, cwd: Path, env: dict,
                      log: Callable = print, fresh_kernels: bool = False,
                      kernel_log: Path | None = None, kernels: int = 1,
                      keep_kernel: bool = False, started: _KernelStart | None = None) -> list[NotebookRun]:
    """Execute ``paths`` (in the given order) with papermill into ``out_dir``.

    ``env`` is added to the kernels' environment; the shared kernel's own stdout and
    stderr (not the cells' output) go to ``kernel_log``.  Raises
    :class:`AssessmentError` (one line, see :func:`execution_error_line`) at the
    first failing chapter.  ``kernels`` > 1 runs the chapters in that many warm kernels at
    once (:func:`_execute_concurrently`); the summary and the appendix still run last.
    ``keep_kernel`` runs them in this process's kept kernel (:class:`_WarmKernel`), started by
    the first run that asks for it and reset before each chapter.  ``started``: the ``kernels``
    kernels, started while the inputs loaded (:func:`start_kernels_early`).
    """
    import papermill as pm  # heavy: the notebook stack only when chapters run
    # papermill warns about every commented parameter line and every parameter a
    # chapter does not declare (e.g. ``quarter``): noise for an analyst.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    out_dir.mkdir(parents=True, exist_ok=True)
    runs: list[NotebookRun] = []
    common = dict(parameters=parameters, progress_bar=False, log_output=False,
                  request_save_on_cell_execute=False, record_timing=False)

    def one(path: Path, **kw) -> NotebookRun:
        out = out_dir / path.name
        t0 = time.perf_counter()
        log(f"  running {path.name} ...")
        try:
            nb = pm.execute_notebook(str(path), str(out), **common, **kw)
        except Exception as e:
            raise AssessmentError(execution_error_line(path.name, e, out)) from e
        r = NotebookRun(path, out, time.perf_counter() - t0, _count_stderr(nb))
        log(f"  {path.name}: {r.seconds:.1f} s")
        return r

    if fresh_kernels:
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            for p in paths:
                runs.append(one(p, kernel_name=KERNEL_NAME, cwd=str(cwd)))
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return runs

    t0 = time.perf_counter()
    if kernels > 1 and sum(not runs_last(p) for p in paths) > 1:
        return _execute_concurrently(paths, kernels, one, cwd, {**os.environ, **env}, kernel_log, log, started)
    if keep_kernel:
        return _execute_in_warm_kernel(paths, one, cwd, env, kernel_log, log)
    with _Kernel(cwd, {**os.environ, **env}, kernel_log) as kernel:
        log(f"  kernel started in {time.perf_counter() - t0:.1f} s")
        for i, p in enumerate(paths):
            if i:
                kernel.reset()
            runs.append(one(p, **kernel.papermill()))
    return runs


def default_kernels() -> int:
    """2 when the machine has two or more cores and at least one of them is free now, else 1: a
    second kernel costs its start and imports (3-5 s of CPU), which pay only when it gets a core
    of its own (benchmarks/README.md).

    "Free now" is measured (:func:`busy_cores`), not read from the load average: the 1-minute load
    average still counts a run that ended seconds ago (the previous run of a benchmark, the
    analyst's last run), and so kept every run after one on a single kernel.
    """
    cores = os.cpu_count() or 1
    if cores < 2:
        return 1
    busy = busy_cores()
    return 2 if busy is None or cores - busy >= 1 else 1


def busy_cores(interval: float = 0.2) -> float | None:
    """How many cores other processes keep busy, measured over ``interval`` seconds (this
    process's own use left out); None where it cannot be measured.

    >>> 0 <= busy_cores() <= os.cpu_count()
    True
    """
    try:
        import psutil
    except ImportError:   # a dependency of the notebook stack, but not essential here
        return None
    try:
        me = psutil.Process()
        me.cpu_percent(None)
        psutil.cpu_percent(None)
        time.sleep(interval)
        mine = me.cpu_percent(None) / 100
        total = psutil.cpu_percent(None) / 100 * (psutil.cpu_count() or 1)
    except Exception:  # noqa: BLE001 - a sandbox may hide the counters: assume free
        return None
    return max(0.0, total - mine)


def _execute_in_warm_kernel(paths: list[Path], one: Callable, cwd: Path, env: dict, kernel_log: Path | None,
                            log: Callable) -> list[NotebookRun]:
    """The chapters in order in this process's kept kernel (:class:`_WarmKernel`), each after a reset
    that also sets the run's ``env``; any failure shuts the kernel down."""
    t0 = time.perf_counter()
    kept = _WARM.get(threading.get_ident())
    warm = kept is not None and kept.cwd == str(cwd)
    w = _warm_kernel(cwd, {**os.environ, **env})
    log(f"  kernel {'kept from the last run' if warm else 'started'} in {time.perf_counter() - t0:.1f} s")
    runs: list[NotebookRun] = []
    ok = False
    try:
        for p in paths:
            w.kernel.reset(env)
            runs.append(one(p, **w.kernel.papermill()))
        w.kernel.reset()          # nothing of this run's data left in the namespace
        ok = True
    finally:
        w.copy_log(kernel_log)
        if not ok:
            _cancel_pending_tasks()
            drop_warm_kernel()
    return runs


def _cancel_pending_tasks() -> None:
    """Cancel what this thread's event loop (jupyter_core's, which nbclient runs on) still holds: a
    chapter's cell execution cut short by a signal.  Left pending, it runs on when the loop next runs
    (the kernel's shutdown), fails with "Kernel died", and asyncio prints "Task exception was never
    retrieved" and a traceback on the terminal."""
    import asyncio

    from jupyter_core.utils import ensure_event_loop  # heavy: with jupyter_client, only when chapters run
    loop = ensure_event_loop()
    if loop.is_running() or loop.is_closed():
        return
    tasks = asyncio.all_tasks(loop)
    for t in tasks:
        t.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def runs_last(path: Path) -> bool:
    """Whether a chapter reads what the others write, so runs after them: the summary (``00``, their
    headlines) and the appendix chapters (``90`` onwards: the disclosure ledger of every table).

    >>> [runs_last(Path(n)) for n in ("00_summary.ipynb", "02_hotspots.ipynb", "90_appendix.ipynb")]
    [True, False, True]
    """
    m = CHAPTER_RE.match(Path(path).name)
    return bool(m) and (m.group(1) == "00" or int(m.group(1)) >= 90)


def _execute_concurrently(paths: list[Path], kernels: int, one: Callable, cwd: Path, env: dict,
                          kernel_log: Path | None, log: Callable,
                          started: _KernelStart | None = None) -> list[NotebookRun]:
    """The chapters shared out over ``kernels`` warm kernels, each in its own thread, taking the next
    chapter as it finishes one; then the chapters that read the others' output (:func:`runs_last`) in
    the first kernel, in order.  The first failure stops every kernel taking a new chapter and is
    raised once the others have finished theirs.  Returns the runs in ``paths`` order."""
    import queue

    from jupyter_client.manager import AsyncKernelManager  # noqa: F401 - imported once, here, not in two threads
    from jupyter_core.utils import run_sync  # noqa: F401
    first = [p for p in paths if not runs_last(p)]
    last = [p for p in paths if runs_last(p)]
    n = min(kernels, len(first))
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for p in first:
        todo.put(p)
    runs: dict = {}
    errors: list = []
    barrier = threading.Barrier(n)
    logs = _kernel_logs(kernel_log, n)
    t0 = started.t0 if started is not None else time.perf_counter()

    def chapters(kernel: _Kernel, items, done: int) -> int:
        for p in items:
            if errors:
                break
            if done:
                kernel.reset()
            runs[p] = one(p, **kernel.papermill())
            done += 1
        return done

    def worker(k: int) -> None:
        try:
            with _taken(started, k) if started is not None else _Kernel(cwd, env, logs[k]) as kernel:
                log(f"  kernel {k + 1} of {n} started in {time.perf_counter() - t0:.1f} s")
                done = chapters(kernel, _drain(todo), 0)
                barrier.wait()
                if k == 0:
                    chapters(kernel, last, done)
        except threading.BrokenBarrierError:
            pass
        except BaseException as e:  # noqa: BLE001 - raised below, in the calling thread
            errors.append(e)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(k,), name=f"chapters-{k + 1}", daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.2)
    except BaseException:
        errors.append(None)     # a signal: no kernel takes another chapter; theirs end with the process
        raise
    finally:
        for extra in logs[1:]:   # every kernel's own messages in the one log
            if extra is not None and extra.exists():
                with open(logs[0], "ab") as fh:
                    fh.write(extra.read_bytes())
                extra.unlink()
    if errors:
        raise errors[0]
    return [runs[p] for p in paths]


def _kernel_logs(kernel_log: Path | None, n: int) -> list:
    """Each of ``n`` kernels' own log: the run's kernel log, then ``<log>.1``, ... (merged into it at the end)."""
    return [kernel_log if k == 0 or kernel_log is None else kernel_log.with_name(f"{kernel_log.name}.{k}")
            for k in range(n)]


def _drain(todo):
    """The items of a queue until it is empty (several threads take from it)."""
    import queue
    while True:
        try:
            yield todo.get_nowait()
        except queue.Empty:
            return


def _count_stderr(nb) -> int:
    """How many stderr outputs the executed notebook ``nb`` (papermill's, as it wrote it) holds."""
    return sum(1 for c in nb.cells for o in c.get("outputs", [])
               if o.get("output_type") == "stream" and o.get("name") == "stderr")


def tidy_executed_notebook(path: Path, staging: Path, final: Path, paths: dict | None = None, nb=None) -> None:
    """Make an executed notebook reproducible and true after the move.

    Removes timing metadata (the only timestamps papermill writes), numbers the
    executed cells from 1 (one kernel runs every chapter) and replaces the
    temporary folder's path with the final one.  ``paths`` maps further local paths
    (the config, the source notebooks) to what the notebook shows instead; ``final``
    is what the temporary folder's path becomes (see :func:`_notebook_paths`: no
    published notebook names a local folder).  ``nb``: the file already read (it is not changed:
    a copy is tidied), so that it is not read and validated again.
    """
    import nbformat  # heavy: the notebook stack only when notebooks are read
    nb = nbformat.read(path, as_version=4) if nb is None else copy.deepcopy(nb)
    meta = nb.metadata.get("papermill", {})
    for k in ("start_time", "end_time", "duration"):
        meta.pop(k, None)
    n = 0
    for c in nb.cells:
        pmeta = c.metadata.get("papermill")
        if isinstance(pmeta, dict):
            for k in ("start_time", "end_time", "duration"):
                pmeta.pop(k, None)
        c.metadata.pop("execution", None)
        if c.cell_type == "code" and c.get("execution_count") is not None:
            n += 1
            c.execution_count = n
            for o in c.outputs:
                if o.get("output_type") == "execute_result":
                    o["execution_count"] = n
    text = nbformat.writes(nb)
    swaps = {**(paths or {}), str(staging): str(final)}
    for old in sorted(swaps, key=len, reverse=True):    # the longest first: a folder's files before the folder
        text = text.replace(json.dumps(old)[1:-1], json.dumps(swaps[old])[1:-1])
    path.write_text(text, encoding="utf-8")


_KERNEL_NOISE = ("running over TCP without encryption",)


def _kernel_messages(path: Path, limit: int = 50) -> list[str]:
    """The kernel process's own output (not the cells'), less known noise; the file is removed."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    path.unlink()
    lines = [_ANSI.sub("", ln).rstrip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln.strip() and not any(n in ln for n in _KERNEL_NOISE)]
    return lines[:limit] + ([f"... {len(lines) - limit} more line(s)"] if len(lines) > limit else [])


def _preload_renderers() -> None:
    """Import nbconvert and WeasyPrint in a thread while the kernel works (about 2-3 s saved).

    papermill (and with it jupyter_client and nbclient, which nbconvert also imports) is
    imported here first, on the calling thread: two threads importing jupyter_client at
    once can meet a partially initialised module ("cannot import name
    'AsyncKernelManager' ... circular import"), which failed runs at random.
    """
    importlib.import_module("papermill")   # on this thread first: see above

    def go():
        try:
            for name in ("bs4", "jinja2", "nbconvert", "weasyprint"):
                importlib.import_module(name)
        except Exception:  # noqa: BLE001 - imported again (and reported) when used
            pass

    # not a daemon: a run stopped meanwhile waits for the imports to end rather than kill the thread
    # half-way (ctypes.util.find_library, which WeasyPrint's import calls, would leave its temporary
    # file behind in the system temporary folder)
    threading.Thread(target=go, name="preload-renderers").start()


# -- HTML -----------------------------------------------------------------------------------
def _report_cells(nb, annex: bool = False):
    """A copy of ``nb`` holding only what a reader should see (see the module docstring): of the
    report (``annex=False``: the cells not tagged :data:`ANNEX_TAG`) or of the technical annex
    (``annex=True``: the tagged cells only)."""
    nb = copy.deepcopy(nb)
    keep = []
    for c in nb.cells:
        tags = set(c.metadata.get("tags", []))
        if tags.intersection(REMOVE_TAGS) or "papermill-error-cell-tag" in tags:
            continue
        if (ANNEX_TAG in tags) != annex:
            continue
        if c.cell_type == "code":
            c.outputs = [o for o in c.outputs if o.get("output_type") == "display_data"]
            if not c.outputs:
                continue
        elif c.cell_type == "raw":
            continue
        keep.append(c)
    nb.cells = keep
    return nb


# -- what is not covered this year -------------------------------------------------------------
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
_MARKUP = re.compile(r"[*_`]")


def _heading(cell) -> tuple[int, str] | None:
    """A markdown cell's first heading, ``(level, text)``, or None."""
    if cell.cell_type != "markdown":
        return None
    m = _HEADING.search(cell.source if isinstance(cell.source, str) else "".join(cell.source))
    return (len(m.group(1)), _MARKUP.sub("", m.group(2)).strip()) if m else None


def _markers(cell) -> list[dict]:
    return [o["data"][NOT_COVERED_MIME] for o in cell.get("outputs", [])
            if o.get("output_type") == "display_data" and NOT_COVERED_MIME in o.get("data", {})]


def not_covered(nb) -> tuple[object, list[dict]]:
    """The chapter notebook ``nb`` without what is not covered this year, and the lines saying so.

    A chapter marks what it leaves out with :meth:`assessment.workbook.Run.not_covered`.  A
    chapter-wide marker drops the whole chapter (the copy returned has no cells); a section marker
    drops its section — from the markdown heading before it to the next heading of the same or a
    higher level.  Each returns a line ``{"chapter", "sections", "reason", "keys"}`` for the report's
    "Not covered this year" box (none for a section left out with no reason); the lines of one
    chapter with the same reason and keys are merged, their sections listed together.  The
    markers themselves never reach the report.  ``nb`` is not changed.

    Example
    -------
    >>> import nbformat.v4 as v4
    >>> def marker(scope, reason, keys=()):
    ...     data = {NOT_COVERED_MIME: {"scope": scope, "reason": reason, "keys": list(keys)}, "text/plain": ""}
    ...     return v4.new_code_cell(outputs=[v4.new_output("display_data", data=data)])
    >>> nb = v4.new_notebook(cells=[v4.new_markdown_cell("# 4. Victims\\n\\nIntro"),
    ...     v4.new_markdown_cell("## Repeat victims"), marker("section", "No victims link.", ["inputs.victims"]),
    ...     v4.new_markdown_cell("## Crimes per victim"), marker("section", "No victims link.", ["inputs.victims"]),
    ...     v4.new_markdown_cell("## Repeat locations"), v4.new_code_cell("run.table(...)")])
    >>> kept, lines = not_covered(nb)
    >>> [c.source for c in kept.cells]
    ['# 4. Victims\\n\\nIntro', '## Repeat locations', 'run.table(...)']
    >>> lines
    [{'chapter': '4. Victims', 'sections': ['Repeat victims', 'Crimes per victim'], 'reason': 'No victims link.', 'keys': ['inputs.victims']}]
    >>> nb.cells.append(marker("chapter", "Nothing to show."))
    >>> kept, lines = not_covered(nb)
    >>> kept.cells, lines
    ([], [{'chapter': '4. Victims', 'sections': [], 'reason': 'Nothing to show.', 'keys': []}])
    """
    cells = list(nb.cells)
    title = next((h[1] for h in map(_heading, cells) if h and h[0] == 1), "")
    found = [(i, m) for i, c in enumerate(cells) for m in _markers(c)]
    out = copy.copy(nb)
    chapter = [m for _, m in found if m.get("scope") == "chapter"]
    if chapter:
        out.cells = []
        return out, _merged([{"chapter": title, "sections": [], "reason": m.get("reason"), "keys": m.get("keys") or []}
                             for m in chapter])
    drop, lines = set(), []
    for i, m in found:
        start = next((j for j in range(i, -1, -1) if _heading(cells[j])), None)
        section = None
        if start is not None and _heading(cells[start])[0] > 1:
            level, section = _heading(cells[start])
            end = next((k for k in range(i + 1, len(cells)) if _heading(cells[k]) and _heading(cells[k])[0] <= level),
                       len(cells))
            drop.update(range(start, end))
        lines.append({"chapter": title, "sections": [section] if section else [], "reason": m.get("reason"),
                      "keys": m.get("keys") or []})
    kept = []
    for j, c in enumerate(cells):
        if j in drop:
            continue
        if _markers(c):
            c = copy.deepcopy(c)
            c.outputs = [o for o in c.outputs if NOT_COVERED_MIME not in o.get("data", {})]
        kept.append(c)
    out.cells = kept
    return out, _merged([ln for ln in lines if ln["reason"]])


def _merged(lines: list[dict]) -> list[dict]:
    """Lines of one chapter with the same reason and keys as one, their sections listed together."""
    out: list[dict] = []
    for ln in lines:
        same = next((o for o in out if (o["chapter"], o["reason"], o["keys"]) == (ln["chapter"], ln["reason"], ln["keys"])),
                    None)
        if same is None:
            out.append({**ln, "sections": list(ln["sections"])})
        else:
            same["sections"] += [s for s in ln["sections"] if s not in same["sections"]]
    return out


_EXPORTERS = threading.local()


def _exporter():
    """nbconvert's HTML exporter for chapter outputs: one a thread, kept between documents and runs (a
    new exporter compiles its Jinja templates again, about 0.15 s a document: benchmarks/README.md)."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        exporter = _EXPORTERS.exporter = _report_exporter_class()(
            template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
            exclude_anchor_links=True)
    return exporter


@functools.lru_cache(maxsize=1)
def _report_exporter_class():
    """nbconvert's ``HTMLExporter`` without the BeautifulSoup pass it ends with (default alt text,
    and ``tabindex`` for a notebook page's cells): :func:`chapter_html` parses each fragment itself,
    once, and gives an image without alt text the same default.  Three parses a chapter instead of
    one made the demo's report and annex HTML 2.8-3.1 s instead of 1.1-1.5 s (benchmarks/README.md).

    The method is nbconvert's own (``nbconvert.exporters.html.HTMLExporter.from_notebook_node``,
    nbconvert 7.17) up to that pass, written again here because nbconvert has no setting for it.
    """
    from nbconvert import HTMLExporter  # heavy: nbconvert only when the HTML is written
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


#: nbconvert's alt text for an image without one (``HTMLExporter.from_notebook_node``)
_NO_ALT = "No description has been provided for this image"


def slugify(text: str) -> str:
    """Anchor-safe slug: ``"1. Crime in the area"`` -> ``"1-crime-in-the-area"``."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "section"


def _has_other_images(html_text: str) -> bool:
    """Whether ``html_text`` may hold an image that is not a ``data:`` URL (:func:`_embed_images`
    then deals with it): any ``<img`` not written exactly as ``<img src="data:``, as the chapters'
    figures and nbconvert's inline images are.  Errs towards True.

    >>> _has_other_images('<img src="data:image/png;base64,AA" alt="x"/>'), _has_other_images('<IMG SRC=a.png>')
    (False, True)
    """
    return len(re.findall(r"<img", html_text, re.I)) != html_text.count('<img src="data:')


def _embed_images(soup, base: Path, warn: Callable) -> None:
    """Inline images of the notebooks' own folder as data: URIs; drop any other (the report
    must read offline and may carry nothing from elsewhere on the machine)."""
    base = Path(base).resolve()
    for img in soup.find_all("img"):
        src = (img.get("src") or "").strip()
        if src.startswith("data:"):
            continue
        alt = img.get("alt") or "image"
        local = None if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I) else (base / src).resolve()
        if local is not None and base in local.parents and local.is_file():
            mime = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
            img["src"] = f"data:{mime};base64,{base64.b64encode(local.read_bytes()).decode('ascii')}"
            continue
        warn(f"image not embedded (not a local file): {src[:80]}")
        span = soup.new_tag("span", attrs={"class": "image-missing"})
        span.string = f"[image not available offline: {alt}]"
        img.replace_with(span)


def _mark_numeric_headers(soup, wide: int = 7) -> None:
    """Right-align the header of every column whose cells are all numeric (``td.num``).

    Tables with ``wide`` or more columns get the class ``wide`` (smaller type on paper).
    """
    from bs4 import NavigableString  # heavy: only when the HTML is written
    for table in soup.find_all("table"):
        for th in table.find_all("th"):  # let snake_case headers wrap after each underscore
            for text in list(th.find_all(string=True)):
                if "_" in text:
                    parts = str(text).split("_")
                    nodes = []
                    for i, part in enumerate(parts):
                        nodes.append(NavigableString(part + ("_" if i < len(parts) - 1 else "")))
                        if i < len(parts) - 1:
                            nodes.append(soup.new_tag("wbr"))
                    text.replace_with(*nodes)
        first = table.find("tr")
        if first is not None and len(first.find_all(["th", "td"], recursive=False)) >= wide:
            table["class"] = list(table.get("class") or []) + ["wide"]
        head = table.find("thead")
        body = table.find("tbody")
        if not head or not body:
            continue
        ths = head.find_all("tr")[-1].find_all(["th", "td"], recursive=False)
        rows = [tr.find_all(["td", "th"], recursive=False) for tr in body.find_all("tr", recursive=False)]
        rows = [r for r in rows if len(r) == len(ths)]
        if not rows:
            continue
        for j, th in enumerate(ths):
            if all("num" in (r[j].get("class") or []) for r in rows):
                th["class"] = list(th.get("class") or []) + ["num"]


#: a table whose estimated printed height (:func:`table_height_mm`) is at most this is kept on
#: one page in print (``print.css``: ``.keep``); a taller one may break between rows
SMALL_TABLE_MM = 120
#: a table that may break keeps at least this many rows together where it starts and where it ends
TABLE_ORPHANS = 3
_BLOCKS = ("p", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "table", "dl")


def table_height_mm(table) -> float:
    """About how tall ``table`` (a bs4 ``<table>``) prints, in mm, with its caption and source line.

    A model of the browser's automatic table layout on an A4 page (``print.css``): a line holds
    about 110 characters at 8 pt (130 in a ``wide`` table at 7 pt); when the columns' longest texts
    do not fit on one line together, each column gets a share of the line in proportion to its
    longest text and its cells wrap within it.  A one-line row is about 6 mm, each further line 4 mm.

    Example
    -------
    >>> from bs4 import BeautifulSoup
    >>> short = BeautifulSoup("<table>" + "<tr><td>Burglary</td><td>1,234</td></tr>" * 10 + "</table>", "html.parser")
    >>> round(table_height_mm(short.table))
    78
    >>> wrapped = BeautifulSoup("<table>" + f"<tr><td>{'x' * 300}</td><td>{'y' * 300}</td></tr>" * 10 + "</table>",
    ...                         "html.parser")
    >>> round(table_height_mm(wrapped.table))
    278
    """
    rows = [[" ".join(c.get_text(" ", strip=True).split()) for c in tr.find_all(["td", "th"], recursive=False)]
            for tr in table.find_all("tr")]
    rows = [r for r in rows if r]
    if not rows:
        return 0.0
    per_line = 130 if "wide" in (table.get("class") or []) else 110
    ncols = max(len(r) for r in rows)
    longest = [max((len(r[j]) for r in rows if j < len(r)), default=0) + 2 for j in range(ncols)]
    total = sum(longest)
    width = [per_line if total <= per_line else max(4.0, per_line * n / total) for n in longest]
    height = 18.0   # the caption and the source line
    for r in rows:
        lines = max(-(-len(text) // max(1, int(width[j]))) if text else 1 for j, text in enumerate(r))
        height += 6.0 + 4.0 * (max(lines, 1) - 1)
    return height


def _add_class(tag, name: str) -> None:
    tag["class"] = [*(tag.get("class") or []), name]  # bs4 keeps class as a list


def _mark_page_breaks(soup) -> None:
    """Mark where the printed report may not break a page (the rules are in ``print.css``).

    * A small table — one that prints at most :data:`SMALL_TABLE_MM` high (:func:`table_height_mm`)
      — is kept whole, with its caption, note and source (class ``keep`` on its ``<figure>``);
    * a longer one keeps its first and last :data:`TABLE_ORPHANS` rows together, so no page holds
      a lone row of it (``keep-next`` / ``keep-previous`` on the rows; the header row repeats);
    * the paragraph, list or heading just before a table or figure stays on its page
      (``keep-with-next``), so an introduction is never left at the foot of a page without it;
    * a chapter's heading stays with the two blocks after it (the first is ``keep-with-next``):
      a chapter never opens at a page's foot.

    Example
    -------
    >>> from bs4 import BeautifulSoup
    >>> rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(30))
    >>> soup = BeautifulSoup(f"<p>Intro</p><figure><table><tbody>{rows}</tbody></table></figure>"
    ...                      "<figure><table><tbody><tr><td>1</td></tr></tbody></table></figure>", "html.parser")
    >>> _mark_page_breaks(soup)
    >>> [tr.get("class") for tr in soup.find_all("tr")][:3], soup.find_all("figure")[1]["class"]
    ([['keep-next'], ['keep-next'], None], ['keep'])
    >>> soup.p["class"], soup.find_all("tr")[29]["class"]
    (['keep-with-next'], ['keep-previous'])
    """
    for table in soup.find_all("table"):
        body = table.find("tbody") or table
        rows = body.find_all("tr", recursive=False)
        figure = table.find_parent("figure")
        if table_height_mm(table) <= SMALL_TABLE_MM:
            _add_class(figure if figure is not None else table, "keep")
            continue
        for tr in rows[:TABLE_ORPHANS - 1]:
            _add_class(tr, "keep-next")
        for tr in rows[len(rows) - (TABLE_ORPHANS - 1):] if TABLE_ORPHANS > 1 else []:
            _add_class(tr, "keep-previous")
    for figure in soup.find_all("figure"):
        before = figure.find_previous(_BLOCKS)
        if before is None or before.name in ("figure", "table") or before.find_parent("figure") is not None:
            continue   # a figure after a figure: nothing to keep with it
        if "keep-with-next" not in (before.get("class") or []):
            _add_class(before, "keep-with-next")
    for h1 in soup.find_all("h1"):
        for block in h1.find_all_next(_BLOCKS, limit=1):   # one: a longer chain moves whole pages
            if block.name in ("figure", "table", "pre") or block.find_parent("figure") is not None:
                break
            if "keep-with-next" not in (block.get("class") or []):
                _add_class(block, "keep-with-next")


def chapter_html(nb, chapter_id: str, base: Path, used_ids: set, exporter=None,
                 warn: Callable = lambda m: None, annex: bool = False, depth: int = 2) -> tuple[str, list[dict]]:
    """One executed notebook as an HTML fragment, and its headings (H1 to H``depth``) for the contents.

    Code, prompts, printed output and warnings are left out; headings get ids unique
    in the report; local images are embedded.  Returns ``(html, headings)`` where each
    heading is ``{"level": 1|2|..., "id": ..., "text": ...}``.  ``annex=True``: the cells of the
    technical annex instead (tagged :data:`ANNEX_TAG`).
    """
    from bs4 import BeautifulSoup  # heavy: only when the HTML is written

    exporter = exporter or _exporter()
    body, _ = exporter.from_notebook_node(_report_cells(nb, annex))
    if _has_other_images(body):   # an image not inline: embedded from the notebooks' folder, or dropped
        soup = BeautifulSoup(body, "html.parser")
        _embed_images(soup, base, warn)
        body = str(soup)
    # the allow-list: only the markup the report makes survives (see assessment.safe_html)
    soup = BeautifulSoup(sanitize(body), "html.parser")
    for img in soup.find_all("img", alt=False):
        img["alt"] = _NO_ALT
    headings = []
    for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        text = " ".join(h.get_text(" ", strip=True).split())
        hid = f"{chapter_id}-{slugify(text)}"
        k = 2
        while hid in used_ids:
            hid = f"{chapter_id}-{slugify(text)}-{k}"
            k += 1
        used_ids.add(hid)
        h["id"] = hid
        if int(h.name[1]) <= depth and text:
            headings.append({"level": int(h.name[1]), "id": hid, "text": text})
    _mark_numeric_headers(soup)
    _mark_page_breaks(soup)
    return str(soup), headings


def _contents(headings: list[dict]) -> list[dict]:
    out: list[dict] = []
    for h in headings:
        if h["level"] == 1 or not out:
            out.append({"id": h["id"], "text": h["text"], "children": []})
        else:
            out[-1]["children"].append({"id": h["id"], "text": h["text"]})
    return out


def _day(d) -> str:
    return f"{d.day} {d:%B %Y}"


def report_context(chapters: list[tuple[str, object]], *, area: str, period, synthetic: bool,
                   source: str = "", quarter: int | None = None, base: Path | None = None,
                   warn: Callable = lambda m: None) -> dict:
    """What the report's HTML document holds (``report.html``'s context; :func:`report_html` renders it).

    ``chapters`` is a list of ``(name, executed notebook)`` in report order.  The page
    carries a title block (area, "Strategic assessment <label>", the period's dates, a
    SYNTHETIC DATA banner when ``synthetic``, a PART-PERIOD banner when the data do not hold
    every month of ``period``), a contents list of the chapters' H1/H2
    headings, a "Not covered this year" box listing in one line each what the chapters left out
    for want of inputs (:func:`not_covered`), inline screen and print CSS, the shipped typeface, and
    the report's one inline script (``tables.js``: sortable, filterable tables), which the
    Content-Security-Policy allows by its hash; no script, font or stylesheet is fetched from anywhere.
    """
    exporter = _exporter()
    used: set = set()
    parts, headings, missing = [], [], []
    for _i, (name, nb) in enumerate(chapters):
        nb, lines = not_covered(nb)
        missing += lines
        if not nb.cells:
            continue   # the whole chapter is not covered: one line in the box, no heading
        cid = "ch-" + slugify(Path(name).stem)
        used.add(cid)
        body, heads = chapter_html(nb, cid, base or Path.cwd(), used, exporter, warn)
        parts.append({"id": cid, "body": Markup(body)})
        headings += heads
    return dict(_page(area, period, synthetic, source, quarter), subtitle=None, contents=_contents(headings),
                chapters=parts, not_covered=missing)


def report_html(chapters: list[tuple[str, object]], **kw) -> str:
    """The whole report as one self-contained HTML document (see :func:`report_context`)."""
    return render_pages([report_context(chapters, **kw)])[0]


def annex_html(chapters: list[tuple[str, object]], **kw) -> str | None:
    """The technical annex as one self-contained HTML document, or None (see :func:`annex_context`)."""
    context = annex_context(chapters, **kw)
    return None if context is None else render_pages([context])[0]


def annex_context(chapters: list[tuple[str, object]], *, area: str, period, synthetic: bool,
               source: str = "", quarter: int | None = None, base: Path | None = None,
               warn: Callable = lambda m: None) -> dict | None:
    """What the technical annex's HTML document holds, or None when no chapter has any annex cell.

    The annex holds the chapters' cells tagged :data:`ANNEX_TAG` (the full technical methods of
    ``90_appendix``), in report order, made exactly as the report is — the same template, CSS,
    typeface and Content-Security-Policy, every fragment sanitised — under the report's title
    with the subtitle "Technical annex: methods" and a contents list down to H3.  The run writes it
    beside the report as ``<report>-technical-annex.html`` and ``.pdf`` (:data:`ANNEX_SUFFIX`).
    """
    exporter = _exporter()
    used: set = set()
    parts, headings = [], []
    for name, nb in chapters:
        if not any(ANNEX_TAG in c.metadata.get("tags", []) for c in nb.cells):
            continue
        cid = "annex-" + slugify(Path(name).stem)
        used.add(cid)
        body, heads = chapter_html(nb, cid, base or Path.cwd(), used, exporter, warn, annex=True, depth=3)
        parts.append({"id": cid, "body": Markup(body)})
        headings += heads
    if not parts:
        return None
    return dict(_page(area, period, synthetic, source, quarter), subtitle="Technical annex: methods",
                contents=_contents(headings), chapters=parts, not_covered=[])


def _page(area: str, period, synthetic: bool, source: str, quarter: int | None) -> dict:
    """What the title block and the page's frame say (shared by the report and its annex)."""
    quarter_text = None
    if quarter:
        q = period.quarter(quarter)
        quarter_text = f"In-year progress: quarter {quarter}, {_day(q.start)} to {_day(q.end_date)}"
    partial_text = None
    if getattr(period, "complete", None) is False:
        partial_text = (f"The data hold {period.months_with_data} of the {period.months} months of "
                        f"{period.base_label}: there are none for {month_ranges(period.missing)}. Every figure "
                        f"for {period.base_label} counts those {period.months_with_data} months only, so it is "
                        "not comparable with a whole year.")
    script = report_script()
    return dict(csp=csp([script]), script=Markup(script), area=area, label=period.label, synthetic=synthetic,
                partial_text=partial_text, period_text=f"{_day(period.start)} to {_day(period.end_date)}",
                quarter_text=quarter_text, source=source,
                css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
                print_css=Markup((TEMPLATES / "print.css").read_text(encoding="utf-8")))


def render_pages(contexts: list[dict], prepared_fonts: dict | None = None) -> list[str]:
    """``report.html`` rendered with each context, the shipped typeface inlined as ``@font-face``
    rules cut down to the characters of all the pages together (one subset for the report and its
    annex: :func:`assessment.typeface.font_face_css`; ``prepared_fonts``, its base subsets made
    beforehand)."""
    drafts = [templating.render("report.html", fonts=Markup(""), **c) for c in contexts]
    fonts = Markup(typeface.font_face_css("".join(drafts), prepared=prepared_fonts))
    return [templating.render("report.html", fonts=fonts, **c) for c in contexts]


def report_script() -> str:
    """The report's own script (``templates/tables.js``), exactly as inlined: the CSP hashes this text."""
    return (TEMPLATES / "tables.js").read_text(encoding="utf-8").strip()


def write_pdf(html_text: str, path: Path, base: Path | None = None,
              warn: Callable = lambda m: None) -> Path:
    """Render the report HTML to an A4 PDF with WeasyPrint (its ``@media print`` styles).

    WeasyPrint fetches through :func:`assessment.safe_html.offline_fetcher`: ``data:``
    URIs and the package's own assets only, never a local file, a network address or an
    attachment (``warn`` is told of each refused URL).  ``base`` is ignored (kept for
    callers); relative URLs resolve against the package's assets.
    """
    import weasyprint  # heavy: WeasyPrint only when a PDF is written

    html_text, fonts = _fonts_by_reference(html_text)
    fetcher = offline_fetcher(given=fonts)
    wlog = logging.getLogger("weasyprint")
    level = wlog.level
    wlog.setLevel(logging.CRITICAL)  # unsupported screen-only CSS and refused URLs: reported below
    font_config = weasyprint.text.fonts.FontConfiguration()
    try:
        weasyprint.HTML(string=html_text, base_url=str(ASSETS) + "/", url_fetcher=fetcher).write_pdf(
            str(path), attachments=[], font_config=font_config)
    finally:
        wlog.setLevel(level)
        _remove_font_folder(font_config)
    for url in fetcher.refused:
        warn(f"the PDF did not fetch {url!r} (the report fetches nothing it was not given)")
    return path


def _remove_font_folder(font_config) -> None:
    """Delete the folder of the report's fonts that WeasyPrint's ``FontConfiguration`` made in the
    system temporary folder (``weasyprint-*``, about 250 KB a PDF).  WeasyPrint deletes it only in the
    object's ``__del__``, which often never runs before the process exits: every run left one."""
    folder = getattr(font_config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


#: a font of the report's ``@font-face`` rules (:func:`assessment.typeface.font_face_css`)
_FONT_URL = re.compile(r"url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\)")


def _fonts_by_reference(html_text: str) -> tuple[str, dict]:
    """The report's HTML for WeasyPrint, with each embedded font a short URL served from memory.

    The same fonts, not a copy of the HTML's styles: WeasyPrint's CSS tokenizer reads and writes
    back a ``data:`` URL character by character in Python, about 0.1 s for the report's five
    fonts, a document (benchmarks/README.md); a short URL costs nothing.  Only the page's first
    stylesheet, where ``report.html`` puts the ``@font-face`` rules, is changed: text from the
    inputs (escaped, in the title and body) is left as it is, whatever it says.  Returns the HTML
    and the URLs for :func:`assessment.safe_html.offline_fetcher` (``given``).

    >>> page = '<title>url(data:font/ttf;base64,AAEC)</title><style>src: url(data:font/ttf;base64,AAEC)</style>'
    >>> html, fonts = _fonts_by_reference(page)
    >>> html
    '<title>url(data:font/ttf;base64,AAEC)</title><style>src: url("sa-font:0")</style>'
    >>> fonts
    {'sa-font:0': (b'\\x00\\x01\\x02', 'font/ttf')}
    """
    fonts: dict = {}

    def short(m):
        url = f"sa-font:{len(fonts)}"
        fonts[url] = (base64.b64decode(m.group(1)), "font/ttf")
        return f'url("{url}")'

    title_end = html_text.find("</title>")
    start = html_text.find("<style>", title_end) if title_end >= 0 else -1
    end = html_text.find("</style>", start) if start >= 0 else -1
    if end < 0:
        return html_text, fonts
    return html_text[:start] + _FONT_URL.sub(short, html_text[start:end]) + html_text[end:], fonts


# -- summary.json and run.log ---------------------------------------------------------------
def write_summary(staging: Path, ds, quarter: int | None = None) -> dict:
    """Merge the chapters' headline fragments into ``summary.json`` and delete the fragments.

    The run's own period and area are authoritative; keys are sorted and no timestamp
    is written, so two runs on the same inputs give identical files.  The file written is read
    back and validated against the published schema (``assessment/schemas/summary.schema.json``):
    a summary that does not validate fails the run with one line (:class:`~.summary.SummaryError`).
    """
    s = collect(staging, records=ds.accounting.to_summary())
    s["period"] = {**(s.get("period") or {}), **ds.period.to_dict()}
    if quarter:
        q = ds.period.quarter(quarter)
        s["period"]["quarter"] = {"number": quarter, "start": str(q.start.date()), "end": str(q.end_date.date())}
    s["area"] = {**(s.get("area") or {}), "name": ds.config.area.name}
    path = staging / "summary.json"
    path.write_text(json.dumps(s, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    validate_file(path)
    shutil.rmtree(staging / "_summary", ignore_errors=True)
    shutil.rmtree(staging / LEDGER_DIR, ignore_errors=True)  # published by the appendix as tables/suppression.csv
    return s


def write_data_dictionary(staging: Path, ds, summary: dict) -> Path | None:
    """``tables/README.md``: every CSV the run wrote, what a row is and each column's meaning and
    unit (:func:`assessment.words.labels.data_dictionary`), with this run's period, baseline year
    and population estimate."""
    crime = summary.get("crime") or {}
    p = ds.period
    intro = column_labels.dictionary_intro(f"{p.label} ({_day(p.start)} to {_day(p.end_date)})",
                                           crime.get("baseline_label"), crime.get("population_year"),
                                           population=ds.population is not None)
    return column_labels.write_data_dictionary(staging / "tables", intro)


def write_run_log(path: Path, *, cfg, ds, out: Path, args: dict, runs: list[NotebookRun],
                  timings: list[tuple[str, float]], started: _dt.datetime, warnings: list[str],
                  kernel_messages: list[str] | None = None) -> Path:
    """``run.log``: what ran, when, how long, with which software, inputs and config."""
    lines = [
        "Strategic assessment run",
        "========================",
        f"started:  {started.isoformat(timespec='seconds')}",
        f"finished: {_dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"area:     {cfg.area.name}" + (" (synthetic data)" if cfg.synthetic else ""),
        f"period:   {ds.period.label} ({ds.period.start.date()} to {ds.period.end_date.date()})",
        f"config:   {provenance.display_path(cfg.path, cfg.root) if cfg.path is not None else '(built in code)'}",
        f"output:   {provenance.display_path(out, cfg.root, climb=False)}",
        f"host:     {platform.node()} ({platform.platform()})",
        "arguments: " + ", ".join(f"{k}={v!r}" for k, v in args.items()),
        "",
        "Timings (seconds)",
        "-----------------",
    ]
    for name, secs in timings:
        lines.append(f"  {name:<40} {secs:8.2f}")
    lines += ["", "Chapter notebooks (in the order they ran)", "-----------------------------------------"]
    for r in runs:
        extra = f"   {r.stderr_outputs} warning/stderr output(s): see notebooks/{r.output.name}" if r.stderr_outputs else ""
        lines.append(f"  {r.source.name:<40} {r.seconds:8.2f}{extra}")
    if warnings:
        lines += ["", "Warnings", "--------"] + [f"  {w}" for w in warnings]
    if kernel_messages:
        lines += ["", "Messages from the kernel process", "--------------------------------"]
        lines += [f"  {m}" for m in kernel_messages]
    lines += ["", "Software versions", "-----------------"]
    for row in provenance.versions().itertuples(index=False):
        lines.append(f"  {row.package:<16} {row.version}")
    lines += ["", "Input files (rows = data rows of a CSV; SHA-256 of the bytes)",
              "---------------------------------------------------------------"]
    lines += provenance.input_lines(cfg)
    lines += ["", "Record accounting (rows read = used + excluded)", "-----------------------------------------------"]
    for name, rec in ds.accounting.to_summary().items():
        excl = ", ".join(f"{r}: {n:,}" for r, n in rec["excluded"].items()) or "none"
        lines.append(f"  {name:<12} read={rec['read']:,} used={rec['used']:,} excluded: {excl}")
    lines += ["", "Config file", "-----------"]
    lines += ["  " + ln for ln in provenance.config_text(cfg).splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- atomic output --------------------------------------------------------------------------
_pid_alive = _outdir._pid_alive


def _recover_interrupted(out: Path, log: Callable) -> None:
    """Clean up after a run that was killed: stale temp folders; an output renamed aside.

    Only folders named ``<out>.tmp-<pid>`` / ``<out>.old-<pid>`` of a pid no longer alive
    are touched.  An ``.old-`` folder is renamed back to ``<out>`` when ``<out>`` is
    missing; otherwise a folder is deleted only when it is this tool's (marked, empty,
    or laid out like a run's working folder or report).  Call it holding the output lock.
    """
    parent = out.parent
    if not parent.exists():
        return
    pat = re.compile(re.escape(out.name) + r"\.(tmp|old)-(\d+)$")
    for p in sorted(parent.iterdir()):
        m = pat.match(p.name)
        if not m or p.is_symlink() or not p.is_dir() or _pid_alive(int(m.group(2))):
            continue
        if m.group(1) == "old":
            if not out.exists():  # killed between the two renames: put the previous output back
                os.replace(p, out)
                log(f"restored {out.name} from an interrupted run")
                continue
            if not _outdir.replaceable(p, "report")[0]:
                continue
        elif not (_outdir.read_marker(p) or _outdir.old_staging_layout(p)):
            continue
        shutil.rmtree(p, ignore_errors=True)


def _looks_like_report(out: Path) -> bool:
    """May a run replace ``out``?  (Missing, empty, marked, or an old report; see :mod:`assessment.outdir`.)"""
    return _outdir.replaceable(out, "report")[0]


def replace_dir(new: Path, out: Path) -> None:
    """Move ``new`` into place as ``out``: old aside, new in, old deleted (two renames)."""
    old = out.with_name(f"{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        if old.exists() and not out.exists():
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _check_no_identifiers(staging: Path, ds) -> None:
    """The channel-wide gate (:mod:`assessment.leaks`): stop before publishing any file
    that holds a personal identifier, whatever route it took."""
    leaked = leaks.scan_folder(staging, leaks.of_dataset(ds))
    if leaked:
        files = ", ".join(name for name, _ in leaked[:3]) + (f" and {len(leaked) - 3} more" if len(leaked) > 3 else "")
        raise DisclosureError(f"stopped before publishing: personal identifiers reached {files}; "
                              "nothing was written (please report this as a bug)")


def _claim_output(out: Path, stack: contextlib.ExitStack, log: Callable) -> Path:
    """Check ``out`` may be written and replaced, take its lock (held until ``stack`` closes), tidy
    up; return ``out``."""
    _outdir.check_output_folder(out)
    _outdir.make_parent(out)
    stack.enter_context(_outdir.output_lock(out))
    _outdir.check_output_folder(out)  # again, holding the lock: a run may just have finished into it
    _recover_interrupted(out, log)
    return out


def _publish(staging: Path, out: Path) -> None:
    """Move the finished report from the private folder into place as ``out`` (atomically)."""
    dest = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    if dest.exists() or dest.is_symlink():
        if dest.is_symlink() or not (_outdir.read_marker(dest) or _outdir.old_staging_layout(dest)):
            raise ConfigError(f"{dest}: is in the way of the new report and is not this tool's; "
                              f"move it and run again ({out} was left as it is)")
        shutil.rmtree(dest)
    try:
        _outdir.move_folder(staging, dest, "report")
        ok, why = _outdir.replaceable(out, "report")
        if not ok:  # someone put files into it while the run was working
            raise ConfigError(f"{out}: the folder changed during the run and {why}; "
                              "it was left as it is - choose a new or empty output folder")
        replace_dir(dest, out)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise


def _keep_failed(staging: Path, out: Path) -> Path | None:
    """Keep a failed run's executed notebooks as ``<out>.failed`` (unless that name is taken by
    something that is not a failed run of this tool); return the folder, or None."""
    failed = out.with_name(f"{out.name}.failed")
    for name in ("_summary", "_disclosure"):
        shutil.rmtree(staging / name, ignore_errors=True)
    if not _outdir.replaceable(failed, "failed")[0]:
        return None
    try:
        shutil.rmtree(failed, ignore_errors=True)
        return _outdir.move_folder(staging, failed, "failed")
    except OSError:
        shutil.rmtree(failed, ignore_errors=True)
        return None


# -- the run --------------------------------------------------------------------------------
def run_assessment(config=None, year: int | None = None, to: str | None = None,
                   out_dir=None, quarter: int | None = None, notebooks: Iterable | None = None,
                   log: Callable = print, notebooks_dir=None, dataset=None,
                   fresh_kernels: bool = False, allow_partial: bool = False, shared=None,
                   kernels: int | None = None, keep_kernel: bool = False) -> Path:
    """Run the whole assessment and write the output contract of §8; return the output folder.

    Parameters
    ----------
    config : path, Config or None
        The config file (``None``: ``assessment.yml`` here or in a parent folder), or a
        loaded :class:`~assessment.config.Config` (which must come from a file).
    year, to, quarter
        The period (see :mod:`assessment.periods`; ``year`` as 2024 or "2024/25"); ``year=None``
        and ``to=None`` mean the latest year with all its months in the data.
    allow_partial : bool
        Run a period the data do not fully cover (``--allow-partial``): the cover, the titles
        naming the period, the summary and ``summary.json`` (``period.months_with_data``,
        ``period.complete``) then say "N of 12 months".  Without it such a period — or, with
        no ``year``/``to``, no whole year in the data — stops with one line naming the missing
        months and the latest complete 12 months (``--to YYYY-MM``).  With ``quarter`` (in-year
        progress) only the months to the end of that quarter must be in the data.
    out_dir : path, optional
        Default ``<config folder>/reports/<slug>/``.  Replaced only when the run succeeds,
        and only if it is missing, empty or this tool's report (its marker file; see the
        module docstring); otherwise, or if it is a file, read-only or being written by
        another run, :class:`ConfigError` is raised — before the inputs are loaded when
        the folder is known by then (``out_dir``, ``year`` or ``to`` given).
    notebooks : list, optional
        Chapter notebooks to run (names in ``notebooks_dir`` or paths); default: every
        ``NN_*.ipynb`` there.
    log : callable
        Progress lines (default :func:`print`).
    notebooks_dir : path, optional
        Default: ``notebooks/`` beside the config if present, else the project's.
    dataset : Dataset, optional
        A dataset already loaded (tests, or callers that load once); skips the loaders.
    fresh_kernels : bool
        One new kernel per chapter instead of one warm kernel for the run.
    kernels : int, optional
        Warm kernels running chapters at once (default :func:`default_kernels`; a batch gives
        each run 1, as it runs several runs at once).  The report is the same either way.
    keep_kernel : bool
        Run the chapters in a kernel kept for the next run of this process (a batch worker's runs:
        the kernel's start and imports paid once per worker; see :class:`_WarmKernel`).
    shared : :class:`~assessment.loaders.shared.RunInput`, optional
        A batch's crime input, read once for all its runs (see :mod:`assessment.loaders.shared`).

    Raises
    ------
    AssessmentError
        One line, for anything the user can fix (:class:`ConfigError` for the output
        folder checks).
    assessment.outdir.RunInterrupted
        On SIGTERM, SIGINT or SIGHUP (when called from the main thread), after cleaning up.

    Notes
    -----
    The steps (see the module docstring): the config, and the output folder claimed when it is
    known (:func:`_config_and_output`); the private folder made (:func:`_private_folder`) and the
    kernels started (:func:`start_kernels_early`); the inputs loaded once (:func:`_load_inputs`) and
    the period checked (:func:`_check_period`); the dataset pickled into the private folder; the
    helper process started (:func:`_side_process`); the chapters executed (:func:`_run_chapters`) and
    tidied (:func:`_executed_chapters`); ``summary.json``, the HTML and the PDF (:func:`_write_report`),
    ``run.log`` (:func:`_write_run_log`); the folder checked for identifiers and moved into place
    (:func:`_publish_checked`).

    Example
    -------
    >>> out = run_assessment("assessment.yml", year=2024)  # doctest: +SKIP
    >>> sorted(p.name for p in out.iterdir())  # doctest: +SKIP
    ['.csp-assessment-report', 'notebooks', 'run.log', 'strategic-assessment-2024-25.html', 'strategic-assessment-2024-25.pdf', 'summary.json', 'tables']
    """
    record = _RunRecord()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_outdir.signals_raise())   # SIGTERM/SIGHUP unwind like Ctrl-C: cleanup runs
        _outdir.remove_stale_private_dirs()
        record.restart()
        cfg, year, out = _config_and_output(config, year, to, out_dir, dataset, stack, log)
        try:
            nb_dir, chapters = _chapters(cfg, notebooks_dir, notebooks)
        except ConfigError:       # said after the inputs' and the period's problems, as ever
            nb_dir, chapters = None, []
        kernels = kernels if kernels is not None else default_kernels()
        work = _private_folder(stack)
        started = start_kernels_early(stack, chapters, nb_dir, work, kernels, fresh_kernels or keep_kernel)
        ds = dataset if dataset is not None else _load_inputs(cfg, year, to, quarter, allow_partial, log, shared)
        record.warnings += _check_period(ds.period, quarter, allow_partial)
        record.step("config and inputs")
        if nb_dir is None:
            nb_dir, chapters = _chapters(cfg, notebooks_dir, notebooks)
        if out is None:
            out = _claim_output((cfg.root / "reports" / ds.period.slug).resolve(), stack, log)
        pickle_dataset(ds, work.pickle)
        params = _parameters(cfg, ds.period, to, quarter, work.staging)
        record.step("dataset pickle")
        side = _side_process(stack, kernels > 1 and not (fresh_kernels or keep_kernel), work.tmp)
        runs = _run_chapters(cfg, ds, chapters, nb_dir, work, params, out, fresh_kernels, log,
                             kernels, keep_kernel, started)
        record.step("chapter notebooks", runs)
        executed = _executed_chapters(chapters, runs, work.staging, out, cfg)
        _write_report(executed, cfg, ds, quarter, nb_dir, work.staging, record, log, side)
        args = _arguments(cfg, year, to, quarter, out, chapters, fresh_kernels, allow_partial)
        _write_run_log(work, cfg, ds, out, args, runs, record)
        _outdir.check_not_interrupted()   # a signal whose exception a library swallowed publishes nothing
        _publish_checked(work.staging, ds, out)
    _log_warnings(record.warnings, ds, log)
    log(f"done in {time.perf_counter() - record.start:.1f} s: {out}")
    return out


# -- the steps of run_assessment --------------------------------------------------------------
@dataclass
class _RunRecord:
    """What ``run.log`` records of the run as it goes: when it started, each step's seconds, its warnings."""

    start: float = field(default_factory=time.perf_counter)
    started: _dt.datetime = field(default_factory=lambda: _dt.datetime.now().astimezone())
    timings: list[tuple[str, float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last: float = 0.0

    def restart(self) -> None:
        """The next step is timed from now."""
        self.last = time.perf_counter()

    def step(self, name: str, runs: list[NotebookRun] = ()) -> None:
        """Record the step ``name`` (seconds since the last), then each chapter notebook's own time."""
        t = time.perf_counter()
        self.timings.append((name, t - self.last))
        self.last = t
        for r in runs:
            self.timings.append((f"  {r.source.name}", r.seconds))


def _config_and_output(config, year, to, out_dir, dataset, stack: contextlib.ExitStack,
                       log: Callable) -> tuple[Config, int | None, Path | None]:
    """The config (read from a file), the year asked for, and the output folder when it is known
    already (``out_dir``, or ``year``/``to`` without a dataset): checked and locked before the long work."""
    cfg = config if isinstance(config, Config) else load_config(config)
    if cfg.path is None:
        raise ConfigError("the config was built in code; run_assessment needs one read from a file (load_config)")
    # a bad --year or --to (or both) is one line before anything else
    requested = make_period(cfg.period, year=year, to=to) if year is not None or to is not None else None
    if requested is not None and to is None:
        year = requested.year
    out = None
    if out_dir:
        out = Path(out_dir).resolve()
    elif dataset is None and requested is not None:
        out = (cfg.root / "reports" / requested.slug).resolve()
    if out is not None:
        _claim_output(out, stack, log)
    return cfg, year, out


def _read_targets(cfg):
    """The targets file's indicators, read and checked before the inputs load (None without one)."""
    if cfg.inputs.targets is None or not Path(cfg.inputs.targets).exists():
        return None   # chapter 5 says there is no targets file (a missing one is a config error already)
    return read_targets(cfg.inputs.targets, cfg.crime_groups)


def _load_inputs(cfg: Config, year, to, quarter: int | None, allow_partial: bool, log: Callable, shared=None):
    """The dataset, loaded once for every chapter (the demo data made first when ``demo: true``);
    the targets file and the commentary file (:func:`assessment.workbook.load_commentary`) are read
    first, then checked against the data: the targets' crime types, the commentary's period and that it
    holds no personal identifier."""
    if cfg.demo:
        ensure_demo(cfg)
    targets = _read_targets(cfg)   # a bad targets file stops the run now, not in chapter 5
    load_commentary(cfg)           # ... and a missing or bad commentary file (its period and text: below)
    log("loading the inputs ...")
    # in-year progress (--quarter) needs the months to the end of the quarter: checked below
    dataset = load_dataset(cfg, year=year, to=to, allow_partial=allow_partial or quarter is not None, shared=shared)
    if targets:
        check_crime_types(targets, dataset.crimes, cfg.inputs.targets)
    load_commentary(cfg, dataset.period, dataset)   # its title against the period; no identifier in it
    return dataset


def _check_period(period, quarter: int | None, allow_partial: bool) -> list[str]:
    """Check ``quarter``; a period the data do not fully cover stops the run (one line) unless
    ``allow_partial`` (with ``quarter``: only the months to its end must be there).  Returns the
    run's warning about a part period (none for a whole one)."""
    if quarter is not None:
        period.quarter(quarter)  # checks 1..4 with a one-line error
    if period.complete is not False:
        return []
    needed = set(period.month_starts()[:3 * quarter] if quarter else period.month_starts())
    gaps = [m for m in period.missing if m in needed]
    if gaps and not allow_partial:
        to_q = f" to the end of quarter {quarter}" if quarter else ""
        raise ConfigError(f"{period.base_label} is not complete in the data{to_q}: no data for "
                          f"{month_ranges(gaps)}; add --allow-partial to report it from "
                          f"{period.months_with_data} of its {period.months} months")
    return [f"{period.base_label} has data for {period.months_with_data} of its {period.months} "
            f"months (none for {month_ranges(period.missing)}): every figure for the "
            "period covers those months only, as the report says"]


def _chapters(cfg: Config, notebooks_dir, notebooks: Iterable | None) -> tuple[Path, list[Path]]:
    """The notebooks folder and the chapter notebooks to run, in report order."""
    nb_dir = Path(notebooks_dir) if notebooks_dir else default_notebooks_dir(cfg)
    return nb_dir, chapter_notebooks(nb_dir, notebooks)


def _parameters(cfg: Config, period, to: str | None, quarter: int | None, staging: Path) -> dict:
    """The papermill parameters every chapter gets (in this order: papermill writes them so)."""
    params = {"year": period.year if to is None else None, "config": str(Path(cfg.path).resolve()),
              "to": to, "out_dir": str(staging)}
    if quarter is not None:
        params["quarter"] = quarter
    return params


@dataclass
class _Workspace:
    """The run's private folder (:func:`assessment.outdir.private_workdir`): the report being written
    (``staging``), the dataset pickle the chapters read and the kernel's own log."""

    staging: Path
    pickle: Path
    kernel_log: Path
    tmp: Path

    def kernel_env(self) -> dict:
        """What the chapters' kernels are given on top of the environment: where the dataset pickle
        is, and the system temporary folder pointed into this folder (``TMPDIR``), so that a temporary
        file a chapter or a library makes is deleted with the folder, however the run ends."""
        return {DATASET_ENV: str(self.pickle), "TMPDIR": str(self.tmp), **KERNEL_ENV}


def _private_folder(stack: contextlib.ExitStack) -> _Workspace:
    """The private folder (deleted when ``stack`` closes); the run pickles its dataset into it once
    loaded (the kernels, started before, read it when the chapters run)."""
    # everything that holds records, or output not yet checked, stays in the private folder
    work = stack.enter_context(_outdir.private_workdir())
    staging = work / "report"
    staging.mkdir()
    (work / "tmp").mkdir()
    ws = _Workspace(staging=staging, pickle=work / "_dataset.pickle", kernel_log=work / "_kernel.log",
                    tmp=work / "tmp")
    return ws


def early_kernels(chapters: list[Path], kernels: int, kept_or_fresh: bool = False) -> int:
    """How many kernels a run starts while its inputs load: its ``kernels`` (at most one per chapter
    that does not run last) when its chapters will run in several warm kernels at once, else 0.

    >>> names = [Path(n) for n in ("00_summary.ipynb", "01_a.ipynb", "02_b.ipynb", "90_appendix.ipynb")]
    >>> early_kernels(names, 2), early_kernels(names, 3), early_kernels(names, 1), early_kernels(names, 2, True)
    (2, 2, 0, 0)
    >>> early_kernels(names[:2] + names[3:], 2)    # one chapter before the summary: one kernel, as ever
    0
    """
    n = min(kernels, sum(not runs_last(p) for p in chapters))
    return 0 if kept_or_fresh or n < 2 else n


def start_kernels_early(stack: contextlib.ExitStack, chapters: list[Path], nb_dir: Path, work: _Workspace,
                        kernels: int, kept_or_fresh: bool) -> _KernelStart | None:
    """The run's kernels, started now — while its inputs load — when its chapters will run in
    several warm kernels at once (:func:`_execute_concurrently`); shut down when ``stack`` closes
    if the run stops first.  None when they will not (one kernel, fresh kernels, a kept kernel)."""
    n = early_kernels(chapters, kernels, kept_or_fresh)
    if not n:
        return None
    env = {**os.environ, **work.kernel_env()}
    started = _KernelStart(n, nb_dir, env, _kernel_logs(work.kernel_log, n))
    stack.callback(started.close)
    return started


@dataclass
class _Side:
    """The run's helper process (:class:`assessment.sidework.SideProcess`) and the fonts it cuts."""

    process: object
    fonts: object = None   # a job: typeface.base_subsets()


def _side_process(stack: contextlib.ExitStack, enabled: bool, tmpdir: Path | None = None) -> _Side:
    """The helper process, started now (with a spare core: ``enabled``) and stopped when ``stack``
    closes; it cuts the typeface's base subsets and imports WeasyPrint while the chapters run.  Its
    temporary files go to ``tmpdir`` (the run's private folder: it is stopped, not waited for)."""
    from .sidework import SideProcess
    process = stack.enter_context(SideProcess(enabled, tmpdir))
    if not process.running:
        return _Side(process)
    side = _Side(process, process.submit(typeface.base_subsets))
    process.submit(warm_helper)
    return side


def _prepared_fonts(side: _Side | None) -> dict | None:
    """The base subsets the helper cut, or None (none asked for, or the helper failed: cut here)."""
    if side is None or side.fonts is None:
        return None
    try:
        return side.fonts.get(timeout=120)
    except Exception:  # noqa: BLE001 - the same subsets are cut in this process instead
        return None


def _run_chapters(cfg: Config, ds, chapters: list[Path], nb_dir: Path, work: _Workspace, params: dict,
                  out: Path, fresh_kernels: bool, log: Callable, kernels: int = 1,
                  keep_kernel: bool = False, started: _KernelStart | None = None) -> list[NotebookRun]:
    """Execute the chapters (see :func:`execute_notebooks`); then delete the dataset pickle.

    A failing chapter raises one line; its executed notebooks are kept, scrubbed of identifiers,
    in ``<out>.failed`` (see :func:`_keep_failed`)."""
    log(f"{cfg.area.name} {ds.period.label}: running {len(chapters)} chapter notebook(s)")
    _preload_renderers()
    try:
        runs = execute_notebooks(execution_order(chapters), work.staging / "notebooks", params, nb_dir,
                                 work.kernel_env(), log=log, fresh_kernels=fresh_kernels,
                                 kernel_log=work.kernel_log, kernels=kernels, keep_kernel=keep_kernel,
                                 started=started)
    except AssessmentError as e:
        work.pickle.unlink(missing_ok=True)
        ids = leaks.of_dataset(ds)
        leaks.scrub_folder(work.staging, ids)  # a traceback may quote a value: kept without identifiers
        failed = _keep_failed(work.staging, out)
        if failed is None:
            raise AssessmentError(leaks.scrub(f"{e} (executed notebooks not kept: {out.name}.failed is not "
                                              "a failed run of this tool)", ids)) from e
        raise AssessmentError(leaks.scrub(f"{e} (executed notebooks kept in {failed / 'notebooks'})", ids)) from e
    work.pickle.unlink()
    return runs


def _executed_chapters(chapters: list[Path], runs: list[NotebookRun], staging: Path, out: Path,
                       cfg: Config | None = None) -> list:
    """The executed notebooks in report order, ``(name, notebook)``, as the kernel left them; the
    files are then tidied for publishing (:func:`tidy_executed_notebook`), their paths made relative
    (:func:`_notebook_paths`)."""
    import nbformat  # heavy: the notebook stack only when notebooks are read
    by_name = {r.source: r for r in runs}
    # each notebook read (and validated) once, for the report and for tidying: 0.2 s for the demo's ten
    read = {p: stable_cell_ids(nbformat.read(by_name[p].output, as_version=4), p.stem) for p in chapters}
    executed = [(p.name, read[p]) for p in chapters]
    root = cfg.root if cfg is not None else None
    paths = _notebook_paths(cfg, [r.source for r in runs]) if cfg is not None else {}
    for r in runs:
        tidy_executed_notebook(r.output, staging, provenance.display_path(out, root, climb=False) if root else out,
                               paths, nb=read.get(r.source))
    return executed


def stable_cell_ids(nb, chapter: str):
    """``nb`` with each cell's id made from its chapter and its place, not chance: a source notebook
    without cell ids (nbformat 4.4, as this project's chapters are) gets random ones from papermill
    on every run, which the published notebooks and the report's HTML (``id="cell-id=..."``) would
    otherwise carry, so that no two runs wrote the same files.  Unique within the report, as the
    chapters' file names are.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A"), nbformat.v4.new_code_cell("1")])
    >>> [c.id for c in stable_cell_ids(nb, "05_performance").cells]
    ['05_performance-1', '05_performance-2']
    >>> stable_cell_ids(nb, "Ward report (draft)").cells[0].id
    'ward-report-draft-1'
    """
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", chapter).strip("-").lower()[:50] or "chapter"
    for i, cell in enumerate(nb.cells, 1):
        cell.id = f"{stem}-{i}"
    return nb


def _notebook_paths(cfg: Config, sources: list[Path]) -> dict:
    """The local paths papermill writes into an executed notebook (its ``config`` parameter, the
    source notebook's path), each mapped to what the published notebook shows: the path relative
    to the config file's folder, or the file's name (:func:`assessment.provenance.display_path`)."""
    out = {}
    for p in [Path(cfg.path), *sources]:
        shown = provenance.display_path(p, cfg.root, climb=False)
        for form in {str(p), str(p.resolve()), str(p.absolute())}:
            out[form] = shown
    return out


def _write_report(executed: list, cfg: Config, ds, quarter: int | None, nb_dir: Path, staging: Path,
                  record: _RunRecord, log: Callable, side: _Side | None = None) -> None:
    """``summary.json`` and the data dictionary, then the report as HTML and as PDF,
    ``strategic-assessment-<slug>.*``, and its technical annex beside it,
    ``strategic-assessment-<slug>-technical-annex.*`` (:func:`annex_html`).  With a helper
    process (``side``), the annex's PDF is written there while this process writes the report's."""
    s = write_summary(staging, ds, quarter)
    write_data_dictionary(staging, ds, s)
    record.step("summary.json")
    period = ds.period
    kw = dict(area=cfg.area.name, period=period, synthetic=cfg.synthetic, source=ds.scope.cover_line(ds.source),
              quarter=quarter, base=nb_dir, warn=record.warnings.append)
    stem = f"{REPORT_PREFIX}{period.slug}"
    contexts = [(stem, report_context(executed, **kw)), (stem + ANNEX_SUFFIX, annex_context(executed, **kw))]
    contexts = [(name, c) for name, c in contexts if c is not None]
    pages = render_pages([c for _, c in contexts], prepared_fonts=_prepared_fonts(side))
    documents = list(zip([name for name, _ in contexts], pages))
    for name, text in documents:
        (staging / f"{name}.html").write_text(text, encoding="utf-8")
    record.step("HTML")
    log("  writing the PDF ...")
    _write_pdfs(documents, staging, nb_dir, record.warnings, side)
    record.step("PDF")
    record.timings.append(("total before the move", time.perf_counter() - record.start))


def write_pdf_job(html_text: str, path: str) -> list[str]:
    """Write one PDF (:func:`write_pdf`) and return its warnings: the helper process's job."""
    warnings: list[str] = []
    write_pdf(html_text, Path(path), warn=warnings.append)
    return warnings


def warm_helper() -> None:
    """Import what the helper's PDF job uses, while the chapters run (the helper process's job)."""
    importlib.import_module("weasyprint")


def _write_pdfs(documents: list[tuple[str, str]], staging: Path, nb_dir: Path, warnings: list,
                side: _Side | None) -> None:
    """Each document's PDF beside its HTML: the first (the report) here, the others (the annex) in
    the helper process at the same time when there is one.  A failure is one line."""
    helper = side.process if side is not None and side.process.running else None
    jobs = [helper.submit(write_pdf_job, text, str(staging / f"{name}.pdf")) for name, text in documents[1:]] \
        if helper is not None else []
    try:
        for name, text in documents if helper is None else documents[:1]:
            write_pdf(text, staging / f"{name}.pdf", base=nb_dir, warn=warnings.append)
        for job in jobs:
            warnings += job.get()
    except Exception as e:
        raise AssessmentError(f"writing the PDF failed: {type(e).__name__}: {e}") from e


def _arguments(cfg: Config, year, to, quarter, out: Path, chapters: list[Path], fresh_kernels: bool,
               allow_partial: bool) -> dict:
    """The run's arguments as ``run.log`` lists them."""
    return {"config": provenance.display_path(cfg.path, cfg.root), "year": year, "to": to, "quarter": quarter,
            "out_dir": provenance.display_path(out, cfg.root, climb=False), "notebooks": [p.name for p in chapters],
            "fresh_kernels": fresh_kernels, "allow_partial": allow_partial}


def _write_run_log(work: _Workspace, cfg: Config, ds, out: Path, args: dict, runs: list[NotebookRun],
                   record: _RunRecord) -> None:
    """``run.log`` in the report (see :func:`write_run_log`), with the kernel process's own messages."""
    write_run_log(work.staging / "run.log", cfg=cfg, ds=ds, out=out, args=args, runs=runs,
                  timings=record.timings, started=record.started, warnings=record.warnings,
                  kernel_messages=local_folders_named(_kernel_messages(work.kernel_log), cfg.root, out))


def local_folders_named(lines: list[str], project: Path | None, out: Path) -> list[str]:
    """Messages with this machine's folders named by what they are, not by their paths.

    The kernel process writes its own messages (a library's warning, the traceback of a thread
    that failed) with absolute paths: the Python environment's, the project's, the output's.
    ``run.log`` travels with the report, so those folders are named instead: the output folder,
    the folder it is in, the project folder, the Python environment and installation, the
    temporary folder and the home folder.  The longest path wins where several match.

    >>> import sys
    >>> local_folders_named([f'  File "{sys.prefix}/lib/x.py", line 1'], None, Path("/srv/out/2024-25"))
    ['  File "<python environment>/lib/x.py", line 1']
    >>> local_folders_named(["wrote /srv/out/2024-25/a.csv and /srv/out/b"], None, Path("/srv/out/2024-25"))
    ["wrote <output folder>/a.csv and <output folder's parent>/b"]
    """
    import sys
    import tempfile
    places = {str(Path.home()): "~", tempfile.gettempdir(): "<temporary folder>",
              sys.base_prefix: "<python installation>", sys.exec_prefix: "<python environment>",
              sys.prefix: "<python environment>", str(Path(out).parent): "<output folder's parent>",
              str(out): "<output folder>"}
    if project is not None:
        places[str(project)] = "<project folder>"
    paths = sorted((k for k in places if len(k) > 1), key=len, reverse=True)
    if not paths:
        return lines
    pattern = re.compile("|".join(re.escape(k) for k in paths))
    return [pattern.sub(lambda m: places[m.group(0)], ln) for ln in lines]


def _publish_checked(staging: Path, ds, out: Path) -> None:
    """Stop if any file holds a personal identifier; move the report into place as ``out``; delete
    an older failed run's ``<out>.failed``."""
    _check_no_identifiers(staging, ds)
    _publish(staging, out)
    failed = out.with_name(f"{out.name}.failed")
    if failed.exists() and _outdir.replaceable(failed, "failed")[0]:
        shutil.rmtree(failed, ignore_errors=True)


def _log_warnings(warnings: list[str], ds, log: Callable) -> None:
    """Each warning of the run, one line, without a personal identifier."""
    ids = leaks.of_dataset(ds)
    for w in warnings:
        log(f"warning: {leaks.scrub(w, ids)}")
