"""The record-level crime extract (§3.2) — what a police data-sharing agreement supplies.

One row per crime: ``crime_id``, ``offence_date``, ``crime_type``, optional
``offence_time`` (``HH:MM``; or the time in the date column, ``offence_datetime``:
``2024-04-02 21:30``), optional ``offence_code``, a location as ``lsoa_code`` or ``easting``/``northing``
(EPSG:27700) or ``longitude``/``latitude`` (WGS84), optional
``domestic_abuse`` (true/false, yes/no, Y/N, 1/0; blank = false).

A row with a well-formed LSOA code is placed by it; otherwise by its
coordinates (point in polygon against the boundary file).  Coordinates outside
Great Britain, or latitude and longitude swapped, are counted exclusions when
the row has no LSOA code to fall back on.

A row's **hour** (0-23) comes from ``offence_time`` when the extract has that
column, else from a time written in the date column; a row with no time (a blank
``offence_time``, a date without a time) has no hour: it counts towards days but not
hours.  An ``offence_time`` that is not a time of day (``25:00``, ``noon``) is never
quoted (the extract holds personal data) and never stops the run: the row has no hour,
and a note counts such rows.

Example
-------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "crimes.csv"
>>> _ = p.write_text("crime_id,offence_date,crime_type,lsoa_code,domestic_abuse\\n"
...                  "C1,2024-04-02,Burglary,E01000001,N\\nC2,03/05/2024,Violence with injury,E01000002,Y\\n")
>>> f = read_extract(p, [])
>>> f["month"].dt.strftime("%Y-%m").tolist(), f["domestic_abuse"].tolist()
(['2024-04', '2024-05'], [False, True])
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..cache import NO_CACHE
from ..errors import InputError
from .common import (
    find_column,
    gb_grid,
    gb_lonlat,
    lonlat_to_bng,
    parse_date,
    parse_flag,
    parse_number,
    read_csv,
    require,
    strip,
)

_REQUIRED = {
    "crime_id": ("crime_id", "crime_reference", "crime_ref", "crime_number"),
    "offence_date": ("offence_date", "date", "offence_datetime", "committed_date", "date_committed"),
    "crime_type": ("crime_type", "offence_type", "crime_category", "offence"),
}
#: the optional time-of-day column (its values ``HH:MM`` or ``HH:MM:SS``)
TIME_ALIASES = ("offence_time", "time", "time_committed", "committed_time", "offence_time_from")
_TIME_RE = r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$"
_TIME_IN_DATE_RE = r"^\S+[ T]\d{1,2}:\d{2}"


def offence_hours(raw_date: pd.Series, date: pd.Series, raw_time: pd.Series | None) -> tuple[pd.Series, int]:
    """The hour of each offence (Int64, 0-23; <NA> when the row has no usable time) and how many
    rows have an ``offence_time`` that is not a time of day.

    ``raw_time`` is the ``offence_time`` column (None when the extract has none): its hour is used,
    and the date column's time is not; without it, the hour of a date column value written with a
    time (``2024-04-02 21:30``, or an ISO time with an offset, already converted to UK time in
    ``date``).  A date without a time (``2024-04-02``) has no hour: midnight is not assumed.

    >>> raw = pd.Series(["2024-04-05 23:10", "2024-04-05", "05/04/2024 00:30"])
    >>> date = pd.to_datetime(pd.Series(["2024-04-05 23:10", "2024-04-05 00:00", "2024-04-05 00:30"]))
    >>> h, bad = offence_hours(raw, date, None)
    >>> h.tolist(), bad
    ([23, <NA>, 0], 0)
    >>> t = pd.Series(["21:30", None, "25:00", "7:05:59"])
    >>> h, bad = offence_hours(pd.Series(["2024-04-05"] * 4), pd.Series(pd.NaT, index=range(4)), t)
    >>> h.tolist(), bad
    ([21, <NA>, <NA>, 7], 1)
    """
    if raw_time is not None:
        t = strip(raw_time)
        parts = t.str.extract(_TIME_RE)
        hh = pd.to_numeric(parts[0], errors="coerce")
        mm = pd.to_numeric(parts[1], errors="coerce")
        ss = pd.to_numeric(parts[2], errors="coerce").fillna(0)
        ok = hh.notna() & (hh <= 23) & (mm <= 59) & (ss <= 59)
        bad = int((t.notna() & ~ok).sum())
        return hh.where(ok).astype("Int64"), bad
    timed = raw_date.str.match(_TIME_IN_DATE_RE).fillna(False).astype(bool) & date.notna()
    return date.dt.hour.where(timed).astype("Int64"), 0


def add_coordinates(out: pd.DataFrame, df: pd.DataFrame, file) -> pd.DataFrame:
    """Add ``_x``/``_y`` (EPSG:27700) and ``_xy_bad`` (reason) from easting/northing or lon/lat columns.

    Also sets ``longitude``/``latitude`` (WGS84) where given.
    """
    e = find_column(df, "easting", "x", "x_coordinate", "grid_easting")
    n = find_column(df, "northing", "y", "y_coordinate", "grid_northing")
    lon = find_column(df, "longitude", "lon", "long", "lng")
    lat = find_column(df, "latitude", "lat")
    idx = out.index
    x = pd.Series(np.nan, index=idx)
    y = pd.Series(np.nan, index=idx)
    reason = pd.Series(pd.NA, index=idx, dtype="str")
    out["longitude"] = np.nan
    out["latitude"] = np.nan
    orig = df.attrs.get("original", {})

    def number(col, what):
        # a coordinate that is not a number stops the run (like a bad date, it is usually the whole
        # column's format); blank cells are fine (no point)
        # the extract and the ASB file hold personal data: a bad cell's value is never quoted
        return parse_number(df[col], file, orig.get(col, col), f"a number ({what})", personal=True)

    if e and n:
        ev = number(e, "metres, British National Grid")
        nv = number(n, "metres, British National Grid")
        given = ev.notna() & nv.notna()
        ok = gb_grid(ev, nv)
        x[ok], y[ok] = ev[ok], nv[ok]
        reason[given & ~ok] = "coordinates outside Great Britain"
    if lon and lat:
        lo = number(lon, "degrees, WGS84")
        la = number(lat, "degrees, WGS84")
        given = lo.notna() & la.notna() & x.isna()
        ok, swapped = gb_lonlat(lo, la)
        out["longitude"] = lo.where(ok).astype("float64")
        out["latitude"] = la.where(ok).astype("float64")
        use = ok & x.isna()
        if use.any():
            bx, by = lonlat_to_bng(lo[use], la[use])
            x[use], y[use] = bx, by
        reason[given & swapped] = "latitude and longitude swapped"
        reason[given & ~ok & ~swapped] = "coordinates outside Great Britain"
        reason[use] = pd.NA
    out["_x"] = x.astype("float64")
    out["_y"] = y.astype("float64")
    out["_xy_bad"] = reason
    return out


def has_location_columns(df: pd.DataFrame) -> bool:
    lsoa = find_column(df, "lsoa_code", "lsoa", "lsoa21cd", "lsoa11cd")
    en = find_column(df, "easting") and find_column(df, "northing")
    ll = find_column(df, "longitude", "lon", "lng") and find_column(df, "latitude", "lat")
    return bool(lsoa or en or ll)


def read_extract(path: Path, notes: list, cache=None) -> pd.DataFrame:
    """Read the extract into the pipeline's columns (see the module docstring).

    With a :class:`~assessment.cache.Cache`, the parsed rows come from its Parquet copy
    while the file is unchanged (same size and modification time).
    """
    entry = (cache or NO_CACHE).entry("extract", Path(path))
    df = entry.load(lambda n: parse_extract(path, n))
    notes.extend(n for n in entry.notes if n not in notes)
    return df


def parse_extract(path: Path, notes: list) -> pd.DataFrame:
    """Parse the extract CSV (no cache): see :func:`read_extract`."""
    df = read_csv(path, notes=notes)
    orig = df.attrs["original"]
    cols = require(df, path, _REQUIRED, orig, personal=True)   # crime ids (and possibly names)
    if not has_location_columns(df):
        raise InputError(path, "column 'lsoa_code'", "a location: an lsoa_code column, easting and northing "
                         "columns, or longitude and latitude columns",
                         found="columns " + ", ".join(orig.get(c, c) for c in df.columns))
    raw_date = strip(df[cols["offence_date"]])
    date = parse_date(raw_date, path, orig[cols["offence_date"]], personal=True)
    out = pd.DataFrame({
        "crime_id": strip(df[cols["crime_id"]]),
        "date": date.dt.normalize(),
        "month": date.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]"),
        "crime_type": strip(df[cols["crime_type"]]),
    })
    tcol = find_column(df, *TIME_ALIASES)
    out["hour"], bad_times = offence_hours(raw_date, date, df[tcol] if tcol else None)
    if bad_times:
        notes.append(f"{bad_times:,} row{'s' if bad_times != 1 else ''} of column '{orig.get(tcol, tcol)}' "
                     f"{'are' if bad_times != 1 else 'is'} not a time of day (expected HH:MM, 00:00 to 23:59): "
                     "counted towards days, not hours")
    out["_date_problem"] = pd.Series(pd.NA, index=out.index, dtype="str")
    out.loc[raw_date.isna(), "_date_problem"] = "no offence date"
    out.loc[raw_date.notna() & date.isna(), "_date_problem"] = "bad offence date"
    lsoa = find_column(df, "lsoa_code", "lsoa", "lsoa21cd", "lsoa11cd")
    out["lsoa_code"] = strip(df[lsoa]).str.upper() if lsoa else pd.Series(pd.NA, index=df.index, dtype="str")
    lname = find_column(df, "lsoa_name", "lsoa21nm", "lsoa11nm")
    out["lsoa_name"] = strip(df[lname]) if lname else pd.Series(pd.NA, index=df.index, dtype="str")
    da = find_column(df, "domestic_abuse", "domestic_abuse_flag", "da_flag", "domestic", "da")
    out["domestic_abuse"] = (parse_flag(df[da], path, orig[da], personal=True) if da
                             else pd.Series(False, index=df.index, dtype="boolean"))
    oc = find_column(df, "offence_code", "home_office_code", "ho_code")
    out["offence_code"] = strip(df[oc]) if oc else pd.Series(pd.NA, index=df.index, dtype="str")
    loc = find_column(df, "location", "street", "address")
    out["location"] = strip(df[loc]) if loc else pd.Series(pd.NA, index=df.index, dtype="str")
    mj = find_column(df, "major_category", "crime_group")
    out["major_category"] = strip(df[mj]) if mj else pd.Series(pd.NA, index=df.index, dtype="str")
    out = add_coordinates(out, df, path)
    notype = out["crime_type"].isna()
    out["_type_problem"] = notype
    out["_w"] = np.int64(1)
    return out
