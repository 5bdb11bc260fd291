"""Keeping the output folder safe (issue 11): the report marker, the lock, the private work folder.

Three rules, used by :func:`assessment.render.run_assessment` and :mod:`assessment.batch`:

**Only this tool's own report is ever replaced.**  Every report folder gets a marker
file, :data:`MARKER` (``.csp-assessment-report``), holding JSON such as
``{"format": 1, "tool": "csp-assessment", "kind": "report"}``.  A run replaces an
existing output folder only when it is empty, carries the marker (of the same kind),
or has exactly the layout of a report written before markers existed:
``run.log``, ``summary.json``, one ``strategic-assessment-<period>.html`` and the
matching ``.pdf``, ``tables/`` holding only ``.csv`` files and ``notebooks/`` holding
only ``.ipynb`` files, and nothing else.  Anything else (``notes.txt``, a stray
``analysis.xlsx``, a file that merely happens to be called ``run.log``) is refused
with one line (:class:`~assessment.errors.ConfigError`, exit status 2) before any
work starts.  A batch output root is marked ``"kind": "batch"``; a run never
replaces it, and a batch writes only into an empty, batch-marked or old-layout root.

**One run at a time per output folder.**  :func:`output_lock` takes an OS lock
(``fcntl.flock``) on ``.<name>.lock`` beside the output folder, so a second run into
the same folder is refused at once ("another assessment run is writing ... (pid N)").
The operating system releases the lock when the process ends in any way, so a run
that was killed (even with SIGKILL) never blocks the next one; the lock file is
deleted when the run ends normally.

**Personal records never go near the output folder.**  The dataset pickle (every
victim, offender and caller id), the kernel's own log and connection file, the chapters'
working output and the temporary files of the kernels and the run's helper process (their
``TMPDIR``) live in :func:`private_workdir`: a mode-0700 folder under the system temporary
folder (:func:`tempfile.gettempdir`, so ``TMPDIR`` moves it), named
``csp-assessment-<pid>-<random>``.  It is deleted when the run ends, normally, with
an error, or on SIGTERM, SIGINT or SIGHUP (:func:`signals_raise`); a folder left by
a run that was killed outright is deleted by the next run to start
(:func:`remove_stale_private_dirs`).  Only the finished report is copied beside the
output folder.

Example
-------
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> replaceable(d)                      # empty: fine
(True, '')
>>> _ = (d / "notes.txt").write_text("mine"); _ = (d / "run.log").write_text("x")
>>> replaceable(d)[0]                   # not a report: refused
False
>>> _ = write_marker(d); replaceable(d)  # marked by this tool
(True, '')
"""
from __future__ import annotations

import _thread
import contextlib
import errno
import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import ConfigError

#: the marker file written into every folder this tool may later replace
MARKER = ".csp-assessment-report"
#: its format version
MARKER_FORMAT = 1
TOOL = "csp-assessment"
#: prefix of the private work folders under the system temporary folder
PRIVATE_PREFIX = "csp-assessment-"
_PRIVATE_RE = re.compile(re.escape(PRIVATE_PREFIX) + r"(\d+)-[A-Za-z0-9_]+$")
_OWNER = ".owner"
#: a private folder whose owner is not holding its lock is left alone this long (creation race)
_STALE_GRACE_SECONDS = 60.0

_REPORT_RE = re.compile(r"^strategic-assessment-(.+)\.(html|pdf)$")


class RunInterrupted(KeyboardInterrupt):
    """The run was stopped by a signal (SIGTERM, SIGINT, SIGHUP); cleanup has run.

    A subclass of :class:`KeyboardInterrupt` so that libraries which let an interrupt
    through (asyncio, the kernel client) let this through too.
    """

    def __init__(self, signum: int):
        self.signum = signum
        try:
            name = signal.Signals(signum).name
        except ValueError:  # pragma: no cover
            name = f"signal {signum}"
        super().__init__(f"stopped by {name}")

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


# -- the marker ----------------------------------------------------------------------------------
def write_marker(folder: Path, kind: str = "report") -> Path:
    """Write :data:`MARKER` into ``folder`` (``kind``: ``report``, ``batch`` or ``failed``)."""
    p = Path(folder) / MARKER
    p.write_text(json.dumps({"format": MARKER_FORMAT, "tool": TOOL, "kind": kind}) + "\n", encoding="utf-8")
    return p


def read_marker(folder: Path) -> dict | None:
    """The folder's marker as a dict (``kind`` defaults to ``report``), or None if absent or not ours."""
    p = Path(folder) / MARKER
    try:
        if not p.is_file():
            return None
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tool") != TOOL:
        return None
    fmt = data.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        return None
    return {"kind": "report", **data}


def _only(folder: Path, suffix: str) -> bool:
    try:
        return all(p.is_file() and not p.is_symlink() and p.name.endswith(suffix) for p in folder.iterdir())
    except OSError:
        return False


def old_report_layout(folder: Path) -> bool:
    """True if ``folder`` holds exactly a report as written before markers existed (see the module doc)."""
    folder = Path(folder)
    try:
        entries = {p.name: p for p in folder.iterdir()}
    except OSError:
        return False
    stems = {}
    for name in entries:
        m = _REPORT_RE.match(name)
        if m:
            stems.setdefault(m.group(1), set()).add(m.group(2))
    if len(stems) != 1 or next(iter(stems.values())) != {"html", "pdf"}:
        return False
    stem = next(iter(stems))
    expected = {"run.log", "summary.json", "tables", "notebooks",
                f"strategic-assessment-{stem}.html", f"strategic-assessment-{stem}.pdf"}
    if set(entries) != expected:
        return False
    for name in ("run.log", "summary.json", f"strategic-assessment-{stem}.html", f"strategic-assessment-{stem}.pdf"):
        if not entries[name].is_file() or entries[name].is_symlink():
            return False
    for name, suffix in (("tables", ".csv"), ("notebooks", ".ipynb")):
        if entries[name].is_symlink() or not entries[name].is_dir() or not _only(entries[name], suffix):
            return False
    return True


#: what a run's working folder held before this change (a folder ``<out>.tmp-<pid>`` of a killed run)
_OLD_STAGING_NAMES = {"_dataset.pickle", "_kernel.log", "notebooks", "tables", "_summary", "_disclosure",
                      "summary.json", "run.log", MARKER}
#: what a failed run's kept folder (``<out>.failed``) held before this change
_OLD_FAILED_NAMES = {"notebooks", "tables", "_kernel.log", "_summary", "_disclosure"}


def _names(folder: Path) -> set:
    return {p.name for p in Path(folder).iterdir()}


def old_staging_layout(folder: Path) -> bool:
    """True if ``folder`` looks like an interrupted run's working folder (old or new layout)."""
    try:
        names = _names(folder)
    except OSError:
        return False
    return all(n in _OLD_STAGING_NAMES or _REPORT_RE.match(n) for n in names)


def replaceable(folder: Path, kind: str = "report") -> tuple[bool, str]:
    """May this tool replace (or, for ``batch``, write into) ``folder``?  Returns ``(ok, reason)``.

    ``reason`` says why not, for the one-line error.  A missing or empty folder is
    always fine; otherwise the folder needs this tool's marker of the same ``kind``, or
    the layout that kind had before markers existed.
    """
    folder = Path(folder)
    if not folder.exists() and not folder.is_symlink():
        return True, ""
    if folder.is_symlink() or not folder.is_dir():
        return False, "it is a file, not a folder"
    try:
        names = _names(folder)
    except OSError as e:
        return False, f"it cannot be read ({e.strerror or e})"
    if not names:
        return True, ""
    marker = read_marker(folder)
    if marker is not None:
        if marker.get("kind") == kind:
            return True, ""
        return False, f"it holds an assessment {marker.get('kind')} output, not a {kind} output"
    old = {"report": old_report_layout, "batch": _old_batch_layout,
           "failed": lambda f: names <= _OLD_FAILED_NAMES}[kind](folder)
    if old:
        return True, ""
    return False, (f"it holds files that are not a previous {'batch output' if kind == 'batch' else kind} "
                   f"of this tool (there is no {MARKER} marker)")


def _report_or_failed(p: Path) -> bool:
    if not p.is_dir() or p.is_symlink():
        return False
    if p.name.endswith(".failed"):
        return replaceable(p, "failed")[0]
    return replaceable(p, "report")[0]


def _old_batch_layout(folder: Path) -> bool:
    """A batch output root written before markers: index.html, logs/*.log, and report folders
    (directly, or one level down in per-area folders), nothing else."""
    entries = list(Path(folder).iterdir())
    if "index.html" not in {p.name for p in entries}:
        return False
    for p in entries:
        if p.name == "index.html" and p.is_file():
            continue
        if p.name == "logs" and p.is_dir() and _only(p, ".log"):
            continue
        if _report_or_failed(p):
            continue
        if p.is_dir() and not p.is_symlink() and all(_report_or_failed(q) for q in p.iterdir()):
            continue                                           # an area folder of report folders
        return False
    return True


# -- checking the output folder before the long work starts ----------------------------------------
def check_output_folder(out: Path, kind: str = "report") -> None:
    """Raise one line (:class:`ConfigError`) unless ``out`` can be written, and replaced, by this tool.

    Checks that ``out`` is not a file, that the tool may replace it (:func:`replaceable`)
    and that its parent folder (or the nearest one that exists) is writable.  Root is
    not held back by permission bits, so for root the real test is creating the lock
    file (:func:`output_lock`).
    """
    out = Path(out)
    ok, why = replaceable(out, kind)
    if not ok:
        what = "output folder" if kind != "batch" else "batch output folder"
        if why.startswith("it is a file"):
            raise ConfigError(f"{out}: the {what} is a file, not a folder - choose a folder for --out")
        raise ConfigError(f"{out}: the folder exists and {why}; the run would replace it - "
                          "choose a new or empty output folder")
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ConfigError(f"{out}: cannot create the output folder: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(f"{out}: cannot write the output folder: {parent} is read-only for this user "
                          "- choose another --out")
    if out.is_dir() and any(True for _ in out.iterdir()) and not os.access(out, os.W_OK | os.X_OK):
        raise ConfigError(f"{out}: cannot replace the output folder: it is read-only for this user "
                          "- choose another --out")


def make_parent(out: Path) -> None:
    """Create ``out``'s parent folder, turning any failure into one line."""
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"{out}: cannot create the folder {Path(out).parent}: {e.strerror or e}") from e


# -- the lock -------------------------------------------------------------------------------------
def lock_path(out: Path) -> Path:
    """``<parent>/.<name>.lock``: the lock file of output folder ``out``."""
    out = Path(out)
    return out.with_name(f".{out.name}.lock")


def _try_lock(fd: int) -> bool:
    try:
        import fcntl  # POSIX only (Windows: msvcrt below)
    except ImportError:  # pragma: no cover - Windows
        import msvcrt  # Windows only
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as e:
        if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return text if re.fullmatch(r"\d+", text) else ""


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[Path]:
    """Hold an exclusive OS lock on output folder ``out`` for the ``with`` block.

    Raises :class:`ConfigError` at once (one line) when another process holds it.  The
    lock file ``.<name>.lock`` beside ``out`` holds the holder's pid; it is deleted on
    release.  After taking the lock the file's path is checked to still name the locked
    file (another run may have deleted it between our open and our lock); if not, the
    lock is taken again.
    """
    path = lock_path(out)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise ConfigError(f"{out}: cannot write beside the output folder ({path.parent}): "
                              f"{e.strerror or e} - choose another --out") from e
        try:
            if not _try_lock(fd):
                pid = _holder(path)
                raise ConfigError(f"another assessment run is writing {out}"
                                  f"{f' (pid {pid})' if pid else ''}; wait for it to finish or choose another --out")
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if same:
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the file we locked was unlinked by a run that just finished: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        try:
            path.unlink()  # still holding the lock: nobody can be between open and lock on it
        except OSError:
            pass
        os.close(fd)


# -- the private work folder ------------------------------------------------------------------------
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def remove_stale_private_dirs(tmp: Path | None = None) -> list[Path]:
    """Delete private work folders left by runs that were killed; return what was deleted.

    A folder ``csp-assessment-<pid>-*`` in the system temporary folder is stale when
    nobody holds the lock on its ``.owner`` file and either its pid is no longer alive
    or it is older than a minute (the pid was reused).  Only this user's folders are
    considered; those of this process (another thread's run) are left alone.
    """
    tmp = Path(tmp or tempfile.gettempdir())
    removed = []
    try:
        entries = list(tmp.iterdir())
    except OSError:
        return removed
    me = os.getpid()
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    for p in entries:
        m = _PRIVATE_RE.match(p.name)
        if not m or int(m.group(1)) == me:
            continue
        try:
            st = p.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or (uid is not None and st.st_uid != uid):
            continue
        fd = None
        try:
            try:
                fd = os.open(p / _OWNER, os.O_RDONLY)
            except FileNotFoundError:
                fd = None
            except OSError:
                continue
            if fd is not None and not _try_lock(fd):
                continue                                     # its run is alive
            if _pid_alive(int(m.group(1))) and time.time() - st.st_mtime < _STALE_GRACE_SECONDS:
                continue                                     # just created: its owner may not have locked yet
            shutil.rmtree(p, ignore_errors=True)
            if not p.exists():
                removed.append(p)
        finally:
            if fd is not None:
                os.close(fd)
    return removed


@contextlib.contextmanager
def private_workdir() -> Iterator[Path]:
    """A mode-0700 folder under the system temporary folder, locked by this run, deleted on exit.

    Stale folders of killed runs are deleted first (:func:`remove_stale_private_dirs`).
    """
    remove_stale_private_dirs()
    d = Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))
    fd = None
    try:
        os.chmod(d, 0o700)
        fd = os.open(d / _OWNER, os.O_RDWR | os.O_CREAT, 0o600)
        _try_lock(fd)
        yield d
    finally:
        if fd is not None:
            os.close(fd)
        shutil.rmtree(d, ignore_errors=True)


# -- signals ----------------------------------------------------------------------------------------
_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, n))


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Turn SIGTERM, SIGINT and SIGHUP into :class:`RunInterrupted` for the ``with`` block.

    The exception unwinds the run, so every ``finally`` (the private folder's removal,
    the kernel's shutdown, the lock's release) runs.  The first signal restores the
    previous handlers, so a second one acts as it would have without us.  Only in the
    main thread (Python delivers signals there); elsewhere this does nothing.

    Notes
    -----
    Python runs a signal handler between any two bytecodes of the main thread, also inside a
    finaliser or a weakref callback that the garbage collector happens to call; an exception
    raised there is "ignored" (handed to :func:`sys.unraisablehook`) and the run would go on to
    the end as if no signal had come.  So while the block runs, a :class:`RunInterrupted` that
    reaches the unraisable hook is delivered again (:func:`_thread.interrupt_main`, from a timer
    thread 50 ms later): the handler runs once more, after the finaliser has returned.
    :func:`check_not_interrupted` is the last guard, for an exception swallowed by a bare
    ``except:``.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    hook = sys.unraisablehook

    def restore():
        for s, h in previous.items():
            try:
                signal.signal(s, h)
            except (ValueError, OSError):  # pragma: no cover
                pass

    def handler(signum, frame):
        _received.append(signum)
        restore()
        raise RunInterrupted(signum)

    def swallowed(unraisable):
        exc = unraisable.exc_value
        if isinstance(exc, RunInterrupted) and threading.current_thread() is threading.main_thread():
            signal.signal(exc.signum, handler)      # once more, for this one delivery
            # from another thread, a moment later: the main thread runs the handler at its next
            # bytecode, which must not be this hook's own (or it would be swallowed again)
            threading.Timer(_REDELIVER_AFTER, _thread.interrupt_main, (exc.signum,)).start()
            return
        hook(unraisable)

    _received.clear()
    try:
        for s in _SIGNALS:
            previous[s] = signal.getsignal(s)
            signal.signal(s, handler)
        sys.unraisablehook = swallowed
        yield
    finally:
        restore()
        sys.unraisablehook = hook


#: seconds after a swallowed :class:`RunInterrupted` that its signal is delivered again
_REDELIVER_AFTER = 0.05
#: the signals :func:`signals_raise`'s handler has received since the block was entered
_received: list[int] = []


def check_not_interrupted() -> None:
    """Raise :class:`RunInterrupted` if :func:`signals_raise`'s handler has run (called before a
    run publishes anything: a signal whose exception some library swallowed still stops it)."""
    if _received:
        raise RunInterrupted(_received[0])


# -- moving a finished folder beside the output -------------------------------------------------------
def move_folder(src: Path, dest: Path, kind: str = "report") -> Path:
    """Move ``src`` to ``dest`` (which must not exist): a rename, or a copy from another file system.

    ``dest`` gets the marker of ``kind`` before anything else is copied into it, so a
    copy interrupted half-way is still recognised (and cleaned up) as this tool's.
    """
    src, dest = Path(src), Path(dest)
    write_marker(src, kind)
    try:
        os.rename(src, dest)
        return dest
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
    dest.mkdir()
    write_marker(dest, kind)
    shutil.copytree(src, dest, dirs_exist_ok=True)
    shutil.rmtree(src, ignore_errors=True)
    return dest


__all__ = ["MARKER", "MARKER_FORMAT", "RunInterrupted", "write_marker", "read_marker", "old_report_layout",
           "replaceable", "check_output_folder", "make_parent", "lock_path", "output_lock",
           "remove_stale_private_dirs", "private_workdir", "signals_raise", "check_not_interrupted", "move_folder"]
