"""MPS published recorded-crime counts (§3.1a): the London Datastore's "MPS Recorded Crime:
Geographic Breakdown" tables.

A wide table: one row per area x major x minor category, one column per month
(``YYYYMM``), at LSOA level (``lsoa_code, lsoa_name, borough, major_category,
minor_category, 202402, ...``) or ward level (``majortext, minortext, wardname,
wardcode, lookup_boroughname, 201004, ...``; older files ``WardCode, WardName,
Borough, Major Category, Minor Category``).

Record accounting for this input counts the file's **rows** (one per area and
category), as for every other input: ``read`` is the number of data rows in the
file, a row outside the area or repeating another is excluded with its reason, and
the rest are ``used``.  Month columns outside the data window are not rows: the
crimes in them are stated in a note.  Zero cells are valid (no crimes) and produce
no crime rows.

Example
-------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "mps.csv"
>>> _ = p.write_text("lsoa_code,lsoa_name,borough,major_category,minor_category,202403,202404\\n"
...                  "E01000001,Testham 001A,E09000099,BURGLARY,DOMESTIC BURGLARY,2,3\\n")
>>> raw = read_mps(p, [])
>>> raw.level, [m.strftime("%Y-%m") for m in raw.months.values()], int(raw.values.to_numpy().sum())
('lsoa', ['2024-03', '2024-04'], 5)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError, quote
from .common import DATE_YEARS, MAX_COUNT, find_column, parse_count, read_csv, strip

_MONTH_COL = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")


@dataclass
class MpsRaw:
    """The wide table split into row attributes (``rows``) and cell values (``values``)."""

    rows: pd.DataFrame      # lsoa_code, lsoa_name, ward_code, ward_name, borough, major_category, crime_type, _area
    values: pd.DataFrame    # one int64 column per month column (same index as rows)
    months: dict            # column -> month Timestamp
    level: str              # "lsoa" or "ward"
    file: Path

    @property
    def last_month(self) -> pd.Timestamp:
        return max(self.months.values())

    @property
    def first_month(self) -> pd.Timestamp:
        return min(self.months.values())


def read_mps(path: Path, notes: list) -> MpsRaw:
    """Read an MPS wide count table; cells must be whole numbers of 0 or more (blank = 0, noted), read
    strictly (:func:`~.common.parse_count`: ``1,563`` is fine; ``1e19``, ``inf``, ``1.563`` or a cell
    above :data:`~.common.MAX_COUNT` stop the run), and month columns must be of 1900-2100."""
    df = read_csv(path, notes=notes)
    orig = df.attrs["original"]
    lo, hi = DATE_YEARS
    far = [c for c in df.columns if (m := _MONTH_COL.match(c)) and not lo <= int(m.group(1)) <= hi]
    if far:
        raise InputError(path, f"column {quote(orig.get(far[0], far[0]))}",
                         f"month columns named YYYYMM between {lo}01 and {hi}12",
                         found=f"a column for the year {far[0][:4]}")
    months = {c: pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1)
              for c in df.columns if (m := _MONTH_COL.match(c))}
    shown = "columns " + ", ".join(orig.get(c, c) for c in df.columns[:12]) + (" ..." if len(df.columns) > 12 else "")
    if not months:
        raise InputError(path, "", "one column per month named YYYYMM (e.g. 202404)", found=shown)
    lsoa = find_column(df, "lsoa_code", "lsoa21cd", "lsoa11cd")
    ward = find_column(df, "ward_code", "wardcode", pattern=r"wd\d\dcd")
    major = find_column(df, "major_category", "majortext", "major_text", "major")
    minor = find_column(df, "minor_category", "minortext", "minor_text", "minor")
    missing = [n for n, c in (("major_category (or majortext)", major), ("minor_category (or minortext)", minor)) if c is None]
    if lsoa is None and ward is None:
        missing.insert(0, "lsoa_code (or wardcode)")
    if missing:
        raise InputError(path, "column " + ", ".join(f"'{m.split(' ')[0]}'" for m in missing),
                         "; ".join(f"a column named {m}" for m in missing), found=shown)
    level = "lsoa" if lsoa else "ward"
    lname = find_column(df, "lsoa_name", "lsoa21nm", "lsoa11nm")
    wname = find_column(df, "ward_name", "wardname", pattern=r"wd\d\dnm")
    borough = find_column(df, "borough", "lookup_boroughname", "borough_name", "boroughname", "lad_name")
    na = pd.Series(pd.NA, index=df.index, dtype="str")
    rows = pd.DataFrame({
        "lsoa_code": strip(df[lsoa]) if lsoa else na,
        "lsoa_name": strip(df[lname]) if lname else na,
        "ward_code": strip(df[ward]) if ward else na,
        "ward_name": strip(df[wname]) if wname else na,
        "borough": strip(df[borough]) if borough else na,
        "major_category": strip(df[major]),
        "crime_type": strip(df[minor]),
    })
    cols = list(months)
    raw = df[cols]
    # whole numbers of 0 or more, read strictly (``1e19``, ``inf``, ``1.5``, ``1.563`` stop the run)
    num = pd.DataFrame({c: parse_count(raw[c], path, orig.get(c, c), "a count of crimes (a whole number, 0 or more)",
                                       too_large=f"a count of crimes of at most {MAX_COUNT:,} in one cell",
                                       personal=False) for c in cols}, index=raw.index)
    bad = num.isna() & raw.notna()
    blank = raw.isna() & ~bad
    if blank.to_numpy().any():
        notes.append(f"{path.name}: {int(blank.to_numpy().sum())} blank count cell(s) read as 0")
    values = num.fillna(0).astype("int64")
    return MpsRaw(rows=rows, values=values, months=months, level=level, file=path)
