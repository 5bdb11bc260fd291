"""Population (§3.6): residents per LSOA for the assessment year.

Three layouts are read:

* long: ``lsoa_code, population`` with an optional ``year`` column — the latest
  year at or before the assessment year is used;
* the ONS SAPE wide file: one ``Mid-YYYY: Population`` column per year
  (``LSOA 2021 Code, LSOA 2021 Name, Mid-2011: Population, ...``) — the latest
  year at or before the assessment year is used;
* the ONS mid-year estimates by broad age (``LSOA11CD, ..., Persons_All-Ages``,
  files named ``*-mid2019-pop.csv``) — the year is taken from the file name.

If no year is at or before the assessment year, the earliest year is used and
a note says so.  A population is a whole number, read strictly by
:func:`~.common.parse_count`: comma thousands separators are fine (``"1,563"``), but
``1.563`` (a dot as thousands separator, or a decimal point?), ``1,563.5``, ``inf`` or
``1e19`` stop the run with one line, as do a negative population and one above
:data:`~.common.MAX_COUNT` for an LSOA; a zero population is a counted exclusion
("zero population": no rate can be computed).

Example
-------
>>> import tempfile, pathlib
>>> from assessment.accounting import Accounting
>>> p = pathlib.Path(tempfile.mkdtemp()) / "pop.csv"
>>> _ = p.write_text('lsoa_code,year,population\\nE01000001,2022,"1,500"\\nE01000001,2023,1600\\n')
>>> pop = load_population(p, 2024, Accounting(), [])
>>> pop.table[["lsoa_code", "population"]].values.tolist(), pop.year
([['E01000001', 1600]], 2023)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .common import MAX_COUNT, find_column, parse_count, parse_number, read_csv, strip, valid_lsoa
from .geography import vintage_of_column

_CODE = ("lsoa_code", "lsoa21cd", "lsoa11cd", "lsoa_2021_code", "lsoa_2011_code", "lsoa")
_NAME = ("lsoa_name", "lsoa21nm", "lsoa11nm", "lsoa_2021_name", "lsoa_2011_name")
_POP = ("population", "persons_all_ages", "all_ages", "total_population", "usual_residents", "persons")


@dataclass
class Population:
    """``table``: lsoa_code, lsoa_name (may be NA), population (int) for the chosen year."""

    table: pd.DataFrame
    year: int | None
    vintage: int | None
    file: Path


def _pick_year(years: list[int], assessment_year: int, notes: list, file: Path) -> int:
    before = [y for y in years if y <= assessment_year]
    if before:
        return max(before)
    y = min(years)
    notes.append(f"{file.name}: no population estimate at or before {assessment_year}; used mid-{y}, the earliest")
    return y


def load_population(path: Path, assessment_year: int, acc, notes: list) -> Population:
    """Read the population file; see the module docstring for the layouts accepted.

    Accounting ("population") counts LSOA rows: rows of other years are
    excluded as "another year's estimate"; duplicate codes, malformed codes and
    zero populations are excluded with those reasons.
    """
    df = read_csv(path, notes=notes)
    orig = df.attrs["original"]
    code = find_column(df, *_CODE, pattern=r"lsoa\d\dcd")
    if code is None:
        raise InputError(path, "column 'lsoa_code'", "a column named lsoa_code (or LSOA21CD, LSOA11CD, "
                         "LSOA 2021 Code)", found="columns " + ", ".join(orig.get(c, c) for c in df.columns))
    name = find_column(df, *_NAME, pattern=r"lsoa\d\dnm")
    wide = {int(m.group(1)): c for c in df.columns if (m := re.fullmatch(r"mid_?(\d{4}):?_?population", c))}
    acc.read("population", len(df))
    popcol, year, years = _population_column(df, wide, path, assessment_year, notes)
    out = pd.DataFrame({"lsoa_code": strip(df[code]),
                        "lsoa_name": strip(df[name]) if name else pd.Series(pd.NA, index=df.index, dtype="str")})
    other = np.zeros(len(df), dtype=bool)
    if years is not None and year is not None:
        other = (years != year).fillna(True).to_numpy()
    # a whole number of residents, read strictly (``1.678`` stops the run: 1,678 or 1.678?); the
    # rows of other years are not checked, and all rows are passed so that a message names the
    # file's row; the upper bound applies to LSOA rows (another geography's total is excluded as
    # a malformed code)
    out["population"] = parse_count(df[popcol].where(~other, "0"), path, orig.get(popcol, popcol),
                                    "a population (a whole number of residents)", negative="a population of 0 or more",
                                    too_large=f"a population of at most {MAX_COUNT:,} (an LSOA has about 1,500 residents)",
                                    bounded=valid_lsoa(out["lsoa_code"]).to_numpy(), blank_ok=False, personal=False)
    out = _drop_unusable_rows(out, other, acc)
    return Population(table=out.reset_index(drop=True), year=year,
                      vintage=vintage_of_column(orig.get(code, code)), file=path)


def _population_column(df: pd.DataFrame, wide: dict, path: Path, assessment_year: int, notes: list):
    """The population column, the estimate's year (None when not known) and each row's year (None
    without a year column): a wide file's ``Mid-YYYY: Population`` column of the year picked, else
    the population column with the year from a year column or the file name."""
    orig = df.attrs["original"]
    if wide:
        year = _pick_year(sorted(wide), assessment_year, notes, path)
        return wide[year], year, None
    popcol = find_column(df, *_POP)
    if popcol is None:
        raise InputError(path, "column 'population'", "a column named population (or 'Mid-YYYY: Population' "
                         "columns, or Persons_All-Ages)", found="columns " + ", ".join(orig.get(c, c) for c in df.columns))
    ycol = find_column(df, "year", "mid_year", "estimate_year")
    year = years = None
    if ycol is not None:
        years = parse_number(df[ycol], path, orig.get(ycol, ycol), "a year such as 2022", integer=True,
                             personal=False)
        if years.notna().any():
            year = _pick_year(sorted(int(y) for y in years.dropna().unique()), assessment_year, notes, path)
    elif m := re.search(r"mid[_\-]?(\d{4})", path.name.lower()):
        year = int(m.group(1))
    return popcol, year, years


def _drop_unusable_rows(out: pd.DataFrame, other: np.ndarray, acc) -> pd.DataFrame:
    """Exclude (counted) other years' rows, invalid and zero populations, malformed and repeated codes."""
    acc.exclude("population", "another year's estimate", int(other.sum()))
    out = out[~other]
    bad = out["population"].isna() | (out["population"] < 0)
    acc.exclude("population", "not a valid population", int(bad.sum()))
    out = out[~bad]
    zero = out["population"] == 0
    acc.exclude("population", "zero population", int(zero.sum()))
    out = out[~zero]
    malformed = ~valid_lsoa(out["lsoa_code"])
    acc.exclude("population", "malformed LSOA code", int(malformed.sum()))
    out = out[~malformed]
    dup = out["lsoa_code"].duplicated()
    acc.exclude("population", "duplicate LSOA code", int(dup.sum()))
    out = out[~dup]
    out["population"] = out["population"].astype("int64")
    return out


def harmonise_population(pop: Population, harm, acc) -> pd.DataFrame:
    """The population rows with codes moved to the boundary vintage (one row per row read).

    Unchanged codes stay; merged LSOAs map to their successor (summed by :func:`aggregate`);
    a split LSOA's population cannot be apportioned and is excluded
    ("LSOA split between 2011 and 2021: population not apportioned").
    """
    t = pop.table.copy()
    if harm is None or not harm.active:
        return t
    succ = t["lsoa_code"].map(harm.successors)
    split = (succ.str.len() > 1).to_numpy()
    acc.exclude("population", "LSOA split between 2011 and 2021: population not apportioned", int(split.sum()))
    t = t[~split]
    new = succ[~split].str[0]
    t.loc[new != t["lsoa_code"], "lsoa_name"] = pd.NA
    t["lsoa_code"] = new
    return t


def aggregate(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per LSOA code: population summed (merged LSOAs), first name kept.

    >>> aggregate(pd.DataFrame({"lsoa_code": ["A", "A", "B"], "lsoa_name": [None, None, "b"],
    ...                         "population": [1, 2, 5]}))["population"].tolist()
    [3, 5]
    """
    agg = rows.groupby("lsoa_code", sort=False).agg(lsoa_name=("lsoa_name", "first"),
                                                    population=("population", "sum"))
    return agg.reset_index()
