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

Of the MPS tables only an LSOA-level table with areas chosen by LSOA name is handed over in
parts.  Any other selection (by boundary file or by ``area.lad_code``, or ward-level tables) gets
the whole table read once, with the same checks per run.

**police.uk street files** (a national batch: 6.5 million rows a year) are read once too, for
each data window the batch's runs have (:class:`_Window`), and each run gets
(:meth:`SharedInput.for_run`, working out the run's LSOAs with the run's own
:func:`~assessment.loaders._load_geography`, each geography file read once for all the runs):

* whole, every row whose fate depends on the area: its LSOA codes and the codes of its
  no-polygon features, codes of the other vintage (harmonised and counted in the notes whatever
  their area), names of the area where the run would look at them (no lookup), and, for an area
  that is a whole force, the rows with no location;
* for the other rows, one row per *group* (same file, month, force, ASB flag, duplicate-file
  flag, point and date problems, code present and well-formed), weighing (``_w``) as many rows as
  it stands for.  Such a row leaves the selection as "outside the area", "no location" or
  "malformed LSOA code", or earlier (another force, before the window, a duplicate month file)
  for reasons that depend only on what the group shares, and every count of those steps is of
  weights; so the accounting is exactly that of a run reading every file
  (``tests/test_batch_shared_police_uk.py``: by hand, and on real files of two forces);
* what needs every row, worked out once: the notes on files holding another month's rows, the
  crime types, the counts by area and month for the comparison, the files' row summaries.

A batch with victim or offender links reads the files in every run (the links are checked
against every crime id read), and so does a run whose area has no LSOA codes to select by (no
boundary file or ward lookup).  Record-level extracts are not shared: their Parquet cache
(:mod:`assessment.cache`) already makes a second read cheap, and they hold personal data that
is better not copied to every worker.

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
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..accounting import Accounting
from ..config import Config
from ..errors import AssessmentError
from . import (
    Handed,
    _all_areas_mps,
    _all_areas_records,
    _check_file_months,
    _crime_types,
    _CrimeInput,
    _load_geography,
    _mps_window_columns,
    _period,
    _read_crime_input,
    by_force,
    crime_input,
)
from .common import area_of_lsoa_name, isin, starts_with_area, valid_lsoa
from .counts import CountFiles
from .pipeline import Context
from .plausibility import fill_blank_types

__all__ = ["SharedInput", "RunInput"]

#: a police.uk run that would be handed more rows than this reads them itself (from the Parquet
#: cache) rather than being sent them (a London borough's five years are about 800,000 rows)
WHOLE_AT_MOST = 2_000_000


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
    types: list | None
    _all_areas: dict = field(default_factory=dict)
    _windows: dict = field(default_factory=dict)    # police.uk: the rows of the last data window (_Window)
    _files: dict = field(default_factory=dict)      # police.uk: the geography files read (_load_geography)

    @classmethod
    def read(cls, cfg: Config) -> SharedInput | None:
        """Read ``cfg``'s crime input once; None for inputs that are not shared (see the module docstring).

        Raises what reading the input raises (the batch then lets each run read it and report)."""
        kind = crime_input(cfg)
        if kind == "police_uk":
            if cfg.inputs.victims is not None or cfg.inputs.offenders is not None:
                return None             # the links are checked against every crime id read
            notes: list = []
            return cls(kind=kind, src=_read_crime_input(cfg, kind, notes), notes=notes, types=None)
        if kind != "crime_counts":
            return None
        notes = []
        src = _read_crime_input(cfg, kind, notes)
        if len(src.raw.files) != 1:     # several count files (one series): each run reads them itself
            return None
        return cls(kind=kind, src=src, notes=notes, types=_crime_types(kind, src.raw))

    def _window_counts(self, cfg: Config, year, to, allow_partial: bool) -> dict:
        """The all-areas counts for the data window of ``year`` (or ``to``), by window columns."""
        period, window = _period(cfg, self.src, year, to, allow_partial=True)
        scratch = Context(cfg=cfg, acc=_Notes(), notes=[], window_start=window.start, window_end=period.end,
                          harm=None)
        table = self.src.raw.files[0]
        inwin = tuple(_mps_window_columns(table, scratch, period, self.src.span))
        if inwin not in self._all_areas:
            self._all_areas[inwin] = _all_areas_mps(table, pd.Index(inwin))
        return {inwin: self._all_areas[inwin]}

    def for_run(self, cfg: Config, year=None, to=None, allow_partial: bool = True) -> RunInput | None:
        """What the run of ``cfg`` (its area) for ``year`` (or ``to``) gets (see the module docstring);
        None when the run is to read the input itself."""
        if self.kind == "police_uk":
            return self._police_uk_run(cfg, year, to)
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


    def _police_uk_run(self, cfg: Config, year, to) -> RunInput | None:
        """The run's police.uk rows: its data window's rows, those of other areas grouped (see the module docstring)."""
        period, window = _period(cfg, self.src, year, to, allow_partial=True)
        key = (window.start, period.end)
        if key not in self._windows:        # one window held at a time: a batch hands runs out year by year
            self._windows = {key: _Window.read(self.src, key)}
        rows = self._windows[key]
        geo = _load_geography(cfg, Accounting(), [], self._files)   # the run's LSOAs, how its codes are harmonised
        if geo.universe is None:                         # rows selected by LSOA name: the run reads them itself
            return None
        foreign = rows.foreign(geo, keep_unlocated=by_force(cfg))
        if (~foreign).sum() > WHOLE_AT_MOST:     # e.g. a whole force's years: cheaper read from the cache
            return None
        src = dataclasses.replace(self.src, raw=rows.raw, frame=rows.part(foreign), skipped=list(rows.skipped),
                                  types=list(rows.types), all_areas={key: rows.all_areas},
                                  handed=Handed(key, list(rows.file_notes)))
        return RunInput(kind=self.kind, src=src, notes=list(self.notes), summarised=int(foreign.sum()))


@dataclass
class _Window:
    """A data window's police.uk rows, read once for every run of a batch whose window it is.

    Besides the rows (``frame``, blank crime types filled, as a run has them before selecting) and
    what a run works out from all of them (the notes on the files' months, the crime types, the
    counts by area), each row's LSOA code and name as numbers into their distinct values, and
    each row's *group*: the rows of one group are alike in everything that decides how a row that
    is not the area's leaves the selection (its file, month, force, ASB flag, duplicate-file flag,
    problems with its date or point, whether it has an LSOA code and whether that is well-formed).
    """

    frame: pd.DataFrame
    raw: object                     # the files' summaries (police_uk.PoliceUkRaw of FileSummary)
    skipped: list                   # the summaries of the files left unread (outside the window)
    file_notes: list
    types: list
    all_areas: pd.DataFrame | None
    codes: pd.Series                # the distinct LSOA codes
    code: np.ndarray                # each row's code: its place in ``codes`` (-1: none)
    valid: np.ndarray               # each distinct code: well-formed
    names: pd.Series                # the area part of each distinct LSOA name
    name: np.ndarray                # each row's name: its place in ``names`` (-1: none)
    order: np.ndarray               # the rows by group (stable: in file order within a group)
    group: np.ndarray               # the group of each row of ``order``

    _GROUP_BY = ("_file", "month", "_force", "_asb", "_dupfile", "_xy_bad", "_date_problem")

    @classmethod
    def read(cls, src: _CrimeInput, key: tuple) -> _Window:
        start, end = key
        frame, skipped = src.raw.frame_within(start, end)
        notes = _Notes()
        _check_file_months(src.raw, frame, notes)
        frame = fill_blank_types(frame)
        all_areas = _all_areas_records(frame, SimpleNamespace(window_start=start, window_end=end))
        code, codes = pd.factorize(frame["lsoa_code"])
        name, names = pd.factorize(frame["lsoa_name"])
        codes = pd.Series(np.asarray(codes, dtype=object), dtype="str")
        valid = valid_lsoa(codes).to_numpy(dtype=bool)
        by = [frame[c] for c in cls._GROUP_BY if c in frame]
        has = frame["lsoa_code"].notna().rename("_has_code")
        ok = pd.Series(np.append(valid, False)[code], index=frame.index, name="_ok_code")
        group = pd.concat([*by, has, ok], axis=1).groupby(
            [c.name for c in (*by, has, ok)], dropna=False, sort=False, observed=True).ngroup().to_numpy()
        order = np.argsort(group, kind="stable")
        summaries = src.raw.summaries()
        wanted = {f.label for f in skipped}
        return cls(frame=frame, raw=summaries, skipped=[f for f in summaries.files if f.label in wanted],
                   file_notes=notes.texts, types=_crime_types("police_uk", frame), all_areas=all_areas,
                   codes=codes, code=code, valid=valid,
                   names=area_of_lsoa_name(pd.Series(np.asarray(names, dtype=object), dtype="str")),
                   name=name, order=order, group=group[order])

    def foreign(self, geo, keep_unlocated: bool) -> np.ndarray:
        """The rows that certainly leave the selection of the run whose geography is ``geo`` in the
        same way as every row of their group: a well-formed code that is not of the area, of the
        other vintage, or on a name of the area (the rows :func:`~.pipeline.select_rows` excludes as
        "outside the area" at step 8 without counting them anywhere else); and, unless the area
        keeps its crimes with no location (``keep_unlocated``), the rows without a well-formed code."""
        mine = set(geo.universe) | set(geo.no_polygon)
        per_code = self.valid & ~isin(self.codes, mine) & ~geo.harm.converts(self.codes)
        out = np.append(per_code, False)[self.code]
        if not geo.harm.active and geo.area_names:      # step 8's "LSOA code of another vintage"
            named = isin(self.names, geo.area_names)
            out &= ~np.append(named, False)[self.name]
        if not keep_unlocated:
            out |= ~np.append(self.valid, False)[self.code]
        return out

    def part(self, foreign: np.ndarray) -> pd.DataFrame:
        """The rows not ``foreign``, and for each group the first ``foreign`` row standing for all (``_w``)."""
        at = np.flatnonzero(foreign[self.order])
        g = self.group[at]
        first = np.r_[True, g[1:] != g[:-1]] if len(at) else np.zeros(0, bool)
        weights = np.diff(np.r_[np.flatnonzero(first), len(at)])
        take = np.concatenate([np.flatnonzero(~foreign), self.order[at[first]]])
        w = np.concatenate([np.ones((~foreign).sum(), dtype=np.int64), weights.astype(np.int64)])
        o = np.argsort(take, kind="stable")
        part = self.frame.take(take[o])
        part["_w"] = w[o]
        return part


class _Notes:
    """A scratch accounting: it counts nothing and keeps the notes it is given, in order (the MPS
    window columns are worked out again, and accounted, by the run; police.uk file notes are
    handed to it)."""

    def __init__(self):
        self.texts: list = []

    def read(self, *a):
        pass

    def note(self, name, text):
        self.texts.append(text)


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
