"""A second process for a run's side work, on the core the chapters leave idle.

A single run on a machine with two or more cores (:func:`assessment.render.default_kernels`
gives it two warm kernels) spends about a quarter of its chapter time with a core idle, and then
renders its PDFs one after the other on one core.  :class:`SideProcess` is one helper process,
started with the chapters, that does in the meantime what does not depend on them:

- the report's typeface cut down to the fixed base set of characters
  (:func:`assessment.typeface.base_subsets`), which a report whose characters all belong to that
  set uses as it is (:func:`assessment.typeface.font_face_css`);
- the technical annex's PDF, written while this process writes the report's
  (:func:`assessment.render.write_pdf_job`).

The helper is given only published text (the report's HTML, after the chapters' outputs are
sanitised) and file paths in the run's private folder; never a record.  It ignores Ctrl-C (the
run that started it stops it) and is terminated when the run ends, however it ends.  Where a
process cannot be started (a daemonic batch or Dask worker, a locked-down machine) or the run
has no spare core, every job runs in this process when its result is asked for: the outputs are
the same either way.

Example
-------
>>> with SideProcess(enabled=False) as side:
...     job = side.submit(sum, [1, 2, 3])
...     job.get()
6
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path


def _helper_init(tmpdir: str | None = None) -> None:
    """The helper's initialiser: it ignores Ctrl-C (which reaches the whole process group; the run
    stops the helper).  Its temporary files (and its children's) go to ``tmpdir``, when given."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if tmpdir is not None:
        os.environ["TMPDIR"] = tmpdir
        tempfile.tempdir = tmpdir


class _Later:
    """A job run in this process when its result is first asked for (the helper is not running)."""

    def __init__(self, fn: Callable, args: tuple):
        self.fn, self.args = fn, args

    def get(self, timeout: float | None = None):
        return self.fn(*self.args)


class SideProcess:
    """One helper process (``multiprocessing``'s *spawn* start, as on Windows), or none.

    Parameters
    ----------
    enabled : bool
        Start the helper (a single run with a core to spare); False runs every job in this
        process when its result is asked for.
    tmpdir : path, optional
        The helper's system temporary folder (the run's private folder): it is terminated, not
        waited for, so a temporary file it was using is deleted with that folder.
    """

    def __init__(self, enabled: bool = True, tmpdir: Path | str | None = None):
        self.enabled = enabled
        self.tmpdir = None if tmpdir is None else str(tmpdir)
        self._pool = None

    def __enter__(self) -> SideProcess:
        if self.enabled:
            try:
                ctx = multiprocessing.get_context("spawn")
                self._pool = ctx.Pool(1, initializer=_helper_init, initargs=(self.tmpdir,))
            except (AssertionError, OSError, RuntimeError, ValueError):
                # a daemonic process may not have children; a sandbox may forbid them
                self._pool = None
        return self

    @property
    def running(self) -> bool:
        """True when jobs go to the helper process."""
        return self._pool is not None

    def submit(self, fn: Callable, *args):
        """``fn(*args)`` in the helper (``fn`` importable by name), or here when asked for.

        Returns an object whose ``get()`` returns the result or raises the job's exception."""
        if self._pool is None:
            return _Later(fn, args)
        return self._pool.apply_async(fn, args)

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.terminate()   # nothing it holds is needed once the run has ended
            self._pool.join()
            self._pool = None

