"""A batch's crime input, read once and handed to each of its runs (issue 18).

A batch of areas (``assessment batch --areas A,B,...``) runs one whole assessment per area and
year, all on the same crime input.  Reading and checking that input is the same work for every
run, so the batch does it once (:meth:`SharedInput.read`) and hands each run what it needs
(:meth:`SharedInput.for_run`, a :class:`RunInput`), which
:func:`~assessment.loaders.load_dataset` (``shared=``) uses instead of reading the file:

* the file's rows of **the run's area** (for an MPS LSOA-level table with the area chosen by
  ``area.lsoa_name_prefix``: the rows whose LSOA name is the area's);
* for the rows of every **other** area, a summary: one row for each way such a row leaves the
  selection (a valid LSOA code of another area: "outside the area"; no code: "no location"; a
  malformed code), weighing (``_w``) as many rows as it stands for, with their crimes summed.  Row
  selection (:func:`~assessment.loaders.pipeline.select_rows`) counts weights, and every step a row
  of another area meets before it is excluded depends only on the row itself, so the record
  accounting is exactly that of a run reading the whole file (the same reasons, in the same order,
  with the same counts; ``tests/test_batch.py`` checks it);
* what needs the whole file, worked out once: the crime types of every row (which the config's crime
  groups are checked against) and the counts by area and month for the comparison with other
  areas, for the run's data window;
* the notes reading the file gave (e.g. blank cells read as 0).

Only the MPS tables are handed over in parts.  Any other selection (by boundary file or by
``area.lad_code``, or ward-level tables) gets the whole table read once, with the same checks
per run.  police.uk street files and record-level extracts are not shared: their Parquet cache
(:mod:`assessment.cache`) already makes a second read cheaper than sending millions of rows to
each worker.

Example
-------
>>> from assessment.config import load_config                              # doctest: +SKIP
>>> shared = SharedInput.read(load_config("examples/london-comparison.yml"))  # doctest: +SKIP
>>> cfg.area.name = cfg.area.lsoa_name_prefix = "Camden"                   # doctest: +SKIP
>>> ds = load_dataset(cfg, 2024, shared=shared.for_run(cfg, 2024))        # doctest: +SKIP
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import Config
from ..errors import AssessmentError
from . import _all_areas_mps, _crime_types, _CrimeInput, _mps_window_columns, _period, _read_crime_input, crime_input
from .common import starts_with_area, valid_lsoa
from .counts import CountFiles
from .pipeline import Context

__all__ = ["SharedInput", "RunInput"]


@dataclass
class RunInput:
    """One run's part of a batch's shared crime input (see the module docstring)."""

    kind: str
    src: _CrimeInput
    notes: list = field(default_factory=list)   # the notes reading the file gave
    #: rows of other areas summarised (0 when the run got the whole table)
    summarised: int = 0

    def crime_input(self, kind: str, notes: list) -> _CrimeInput:
        """The crime input for :func:`~assessment.loaders.load_dataset`: a copy (the run may replace
        its parts), with the reading notes added to ``notes``."""
        if kind != self.kind:
            raise AssessmentError(f"the batch handed over a {self.kind} input to a run reading {kind}")
        notes.extend(self.notes)
        raw = dataclasses.replace(self.src.raw) if self.src.raw is not None else None
        return dataclasses.replace(self.src, raw=raw)


@dataclass
class SharedInput:
    """The crime input of a batch, read once (:meth:`read`); :meth:`for_run` hands out each run's part."""

    kind: str
    src: _CrimeInput
    notes: list
    types: list
    _all_areas: dict = field(default_factory=dict)

    @classmethod
    def read(cls, cfg: Config) -> SharedInput | None:
        """Read ``cfg``'s crime input once; None for inputs that are not shared (see the module docstring).

        Raises what reading the input raises (the batch then lets each run read it and report)."""
        kind = crime_input(cfg)
        if kind != "crime_counts":
            return None
        notes: list = []
        src = _read_crime_input(cfg, kind, notes)
        if len(src.raw.files) != 1:     # several count files (one series): each run reads them itself
            return None
        return cls(kind=kind, src=src, notes=notes, types=_crime_types(kind, src.raw))

    def _window_counts(self, cfg: Config, year, to, allow_partial: bool) -> dict:
        """The all-areas counts for the data window of ``year`` (or ``to``), by window columns."""
        period, window = _period(cfg, self.src, year, to, allow_partial=True)
        scratch = Context(cfg=cfg, acc=_Scratch(), notes=[], window_start=window.start, window_end=period.end,
                          harm=None)
        table = self.src.raw.files[0]
        inwin = tuple(_mps_window_columns(table, scratch, period, self.src.span))
        if inwin not in self._all_areas:
            self._all_areas[inwin] = _all_areas_mps(table, pd.Index(inwin))
        return {inwin: self._all_areas[inwin]}

    def for_run(self, cfg: Config, year=None, to=None, allow_partial: bool = True) -> RunInput:
        """What the run of ``cfg`` (its area) for ``year`` (or ``to``) gets (see the module docstring)."""
        raw = self.src.raw.files[0]                 # the one count file (see read)
        all_areas = self._window_counts(cfg, year, to, allow_partial)
        area = cfg.area
        by_name = (raw.level == "lsoa" and area.lsoa_name_prefix and not area.lad_code
                   and cfg.inputs.boundaries is None)
        summarised = 0
        if by_name:
            rows = raw.rows
            mine = starts_with_area(rows["lsoa_name"], area.lsoa_name_prefix).to_numpy()
            parts = _summaries(rows, raw.values, ~mine)
            keep = rows.index[mine]
            rows = pd.concat([rows.loc[keep].assign(_w=1), parts[0]]).sort_index(kind="stable")
            values = pd.concat([raw.values.loc[keep], parts[1]]).sort_index(kind="stable")
            rows["_w"] = rows["_w"].astype("int64")
            summarised = int((~mine).sum())
            raw = dataclasses.replace(raw, rows=rows, values=values)
        src = dataclasses.replace(self.src, raw=CountFiles([raw]), types=list(self.types), all_areas=all_areas)
        return RunInput(kind=self.kind, src=src, notes=list(self.notes), summarised=summarised)


class _Scratch:
    """An accounting that forgets (the window columns are worked out again, and accounted, by the run)."""

    def read(self, *a):
        pass

    def note(self, *a):
        pass


def _summaries(rows: pd.DataFrame, values: pd.DataFrame, other: np.ndarray) -> tuple:
    """One row per way a row of another area leaves the selection (valid code: outside the area;
    no code; a malformed code), the first such row standing for all (``_w``), their cells summed."""
    code = rows["lsoa_code"]
    ok = valid_lsoa(code).to_numpy()
    blank = code.isna().to_numpy()
    reps, cells = [], []
    for cls in (ok, ~ok & blank, ~ok & ~blank):
        m = other & cls
        if not m.any():
            continue
        first = rows.index[m][0]
        reps.append(rows.loc[[first]].assign(_w=int(m.sum())))
        cells.append(values.loc[m].sum().to_frame().T.set_axis([first]).astype("int64"))
    if not reps:
        return rows.iloc[:0].assign(_w=pd.Series(dtype="int64")), values.iloc[:0]
    return pd.concat(reps), pd.concat(cells)
