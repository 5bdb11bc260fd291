"""Chapter 1 — crime in the area: volumes, change and rates (§5.1).

Small verbs over the canonical ``crimes`` table (see :mod:`assessment.dataset`).
Every count sums the ``count`` column, so record-level extracts (one row per
crime), police.uk rows and published count cells are treated alike.  The statistics
(percentage change, rolling 12-month total, rate per 1,000) are :mod:`assessment.stats.change`;
the totals of a period are :func:`assessment.periods.total`.  The chapter's sentences, titles
and methods text are :mod:`assessment.words.crime_in_the_area`, its charts
:mod:`assessment.figures.crime_in_the_area`.

Example
-------
>>> import pandas as pd
>>> from assessment.periods import financial_year
>>> crimes = pd.DataFrame({
...     "month": pd.to_datetime(["2023-04-01", "2024-05-01", "2024-06-01", "2025-03-01"]),
...     "crime_type": ["Burglary", "Burglary", "Burglary", "Robbery"],
...     "count": [1, 1, 1, 1]})
>>> t = compare_periods(crimes, financial_year(2024))
>>> t.loc["Burglary", ["previous", "current", "change"]].tolist()
[1, 2, 1]
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..periods import Period, coverage, covers, total
from ..scope import Scope
from ..stats.change import pct_change, rate_per_1000

__all__ = ["CrimeInTheAreaResult", "analyse", "compare_periods", "by_group", "monthly_counts", "add_rates",
           "biggest_changes", "largest_change", "composite_groups", "baseline_period", "is_nan"]


@dataclass
class CrimeInTheAreaResult:
    """Everything chapter 1 shows, computed once by :func:`analyse` (data only).

    ``types`` and ``groups`` are the comparison tables of :func:`compare_periods` (machine column
    names); ``types_table`` / ``groups_table`` are the same with ``rate_per_1000`` added when the
    population is known (the published tables).  ``largest_type_change`` /
    ``largest_group_change`` are ``(name, change)`` of the largest change by count (None when
    nothing changed), what the tables' titles state.
    """

    area: str                       #: the area's name
    period: Period                  #: the assessment period
    current: int                    #: crimes in the period
    previous: int | None            #: crimes in the previous 12 months (None: not covered by the data)
    change: int | None              #: current − previous
    pct: float                      #: change as a fraction of previous (NaN without one)
    population: float | None        #: resident population (None: no population figures)
    rate: float                     #: crimes per 1,000 residents (NaN without a population)
    types: pd.DataFrame             #: by crime type (:func:`compare_periods`)
    groups: pd.DataFrame | None     #: by configured crime group (None: no groups configured)
    types_table: pd.DataFrame       #: ``types`` with rates, as published
    groups_table: pd.DataFrame | None   #: ``groups`` with rates, as published
    largest_type_change: tuple | None   #: (crime type, change) with the largest change by count
    largest_group_change: tuple | None  #: (crime group, change) with the largest change by count
    monthly: pd.Series              #: crimes per month over the trend window
    baseline: Period                #: the baseline year
    years_shown: float              #: length of the trend in years
    scope: Scope                    #: what the crime input counts
    no_location: int                #: crimes in the period with no location (in the totals, not mapped)
    population_year: int | None = None  #: the population estimate's year (None: not known)
    headlines: dict = field(default_factory=dict)   #: summary.json keys -> values


# -- the chapter, step by step ------------------------------------------------------------------------
def analyse(ds) -> CrimeInTheAreaResult:
    """Compute chapter 1 for a :class:`~assessment.dataset.Dataset`: totals, tables, trend, headlines.

    Parameters
    ----------
    ds : Dataset
        The run's loaded inputs (crimes, population, config, period, scope).

    Returns
    -------
    CrimeInTheAreaResult
    """
    period, crimes = ds.period, ds.crimes
    span = coverage(crimes, period) if len(crimes) else None
    baseline = baseline_period(ds.config, period)
    current, previous, change, pct = _totals(crimes, period, span)
    population, rate = _population(ds, current)
    types, groups = _tables(crimes, ds.config.crime_groups, period, baseline, span)
    monthly = _trend(crimes, period, ds.config.trend_years)
    scope = getattr(ds, "scope", None) or Scope()
    result = CrimeInTheAreaResult(
        area=ds.area, period=period, current=current, previous=previous, change=change, pct=pct,
        population=population, rate=rate, types=types, groups=groups,
        types_table=_published(types, population),
        groups_table=_published(groups, population) if groups is not None else None,
        largest_type_change=largest_change(types),
        largest_group_change=largest_change(groups) if groups is not None else None,
        monthly=monthly, baseline=baseline, years_shown=len(monthly) / 12, scope=scope,
        no_location=_no_location(crimes, period), population_year=getattr(ds, "population_year", None))
    result.headlines = _headlines(result, span, ds.config.crime_groups)
    return result


def _totals(crimes: pd.DataFrame, period: Period, span) -> tuple:
    """(current, previous, change, pct): previous None when the data do not cover the previous 12 months."""
    current = total(crimes, period)
    prev_ok = span is not None and covers(span, period.previous())
    previous = total(crimes, period.previous()) if prev_ok else None
    change = current - previous if previous is not None else None
    return current, previous, change, pct_change(current, previous)


def _population(ds, current: int) -> tuple:
    """(population, rate per 1,000): the population None when no figures were supplied."""
    population = float(ds.population.sum()) if ds.population is not None and len(ds.population) else None
    return population, rate_per_1000(current, population)


def _tables(crimes: pd.DataFrame, crime_groups, period: Period, baseline: Period, span) -> tuple:
    """(by crime type, by crime group or None)."""
    types = compare_periods(crimes, period, "crime_type", baseline=baseline, span=span)
    groups = (by_group(crimes, crime_groups, period, baseline=baseline, span=span)
              if crime_groups else None)
    return types, groups


def _trend(crimes: pd.DataFrame, period: Period, trend_years: int) -> pd.Series:
    """Crimes per month over the trend window (up to ``trend_years`` years, from the data's start)."""
    start = (max(crimes["month"].min(), period.start - pd.DateOffset(years=trend_years - 1))
             if len(crimes) else period.start)
    return monthly_counts(crimes[crimes["month"] <= period.end], start, period.end)


def _no_location(crimes: pd.DataFrame, period: Period) -> int:
    """Crimes of the period with no LSOA (police.uk 'No Location'): in the totals, not mapped.  A crime
    counted by ward (MPS ward-level counts) has a location: its ward."""
    cur = crimes[period.contains(crimes["month"])]
    if "lsoa_code" not in cur or not len(cur):
        return 0
    none = cur["lsoa_code"].isna()
    if "ward_code" in cur:
        none &= cur["ward_code"].isna()
    return int(cur.loc[none, "count"].sum())


def _published(table: pd.DataFrame, population) -> pd.DataFrame:
    """The comparison table as published: rates added where the population is known."""
    return add_rates(table, population) if population is not None else table.copy()


def _headlines(r: CrimeInTheAreaResult, span, cfg_groups: dict) -> dict:
    """summary.json keys of chapter 1 (``span``: the data's coverage; ``cfg_groups``: the config's crime groups)."""
    period = r.period
    headlines = {
        "period.label": period.label, "period.start": str(period.start.date()),
        "period.end": str(period.end_date.date()), "area.name": r.area,
        "crime.total": r.current, "crime.previous_total": r.previous, "crime.change": r.change,
        "crime.change_pct": None if is_nan(r.pct) else r.pct,
        "crime.population": r.population, "crime.rate_per_1000": None if is_nan(r.rate) else r.rate,
        "crime.population_year": r.population_year if r.population is not None else None,
        "crime.baseline_label": r.baseline.label if covers(span, r.baseline) else None if span else None,
        "crime.no_location": r.no_location,
        **r.scope.headlines(),
    }
    # names are values, never key paths (see assessment.summary): one object per type / group
    headlines["crime.by_type"] = [_row_item(name, row) for name, row in r.types.iterrows()]
    if r.groups is not None:
        composites = composite_groups(cfg_groups)
        headlines["crime.by_group"] = [
            {**_row_item(name, row), "crime_types": [str(t) for t in cfg_groups.get(name, [])],
             "composite": name in composites}
            for name, row in r.groups.iterrows()]
    return headlines


def _row_item(name, row: pd.Series) -> dict:
    """One crime type's or group's figures for summary.json: ``{"name": ..., "current": ..., ...}``."""
    out = {"name": str(name)}
    for k in ("current", "previous", "change", "change_pct", "baseline", "change_vs_baseline_pct"):
        if k in row.index:
            v = row[k]
            out[k] = None if is_nan(v) else (float(v) if "pct" in k else int(v))
    return out


# -- the tables -----------------------------------------------------------------------------------------
def monthly_counts(crimes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Crimes per month from ``start`` to ``end`` (month starts), zeros for empty months.

    Parameters
    ----------
    crimes : DataFrame
        The canonical crimes table (``month``, ``count``).
    start, end : Timestamp
        The first and last month (month starts).

    Returns
    -------
    Series of int64, named ``crimes``, indexed by ``month``

    >>> import pandas as pd
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]), "count": [1, 1, 2]})
    >>> monthly_counts(c, pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01")).tolist()
    [1, 0, 3]
    """
    idx = pd.date_range(start, end, freq="MS", name="month")
    s = crimes.groupby("month")["count"].sum()
    return s.reindex(idx, fill_value=0).astype("int64").rename("crimes")


def compare_periods(crimes: pd.DataFrame, period: Period, by: str = "crime_type",
                    baseline: Period | None = None, span: tuple | None = None) -> pd.DataFrame:
    """Counts by ``by`` in the previous and current 12 months (and a baseline year).

    Columns: previous, current, change, change_pct (fraction), and when ``baseline`` is
    given and covered by the data: baseline, change_vs_baseline_pct.  Sorted by current
    count, largest first.  Index: the ``by`` values.  A period the data do not cover
    (``span``: the data's first and last month, default those of ``crimes``) gives NA,
    not a misleading zero.

    Parameters
    ----------
    crimes : DataFrame
        The canonical crimes table (``month``, ``count`` and the ``by`` column).
    period : Period
        The assessment period (its previous 12 months are compared with it).
    by : str
        The column to count by.
    baseline : Period, optional
        The baseline year.
    span : tuple, optional
        :func:`assessment.periods.coverage` of the whole data.

    Returns
    -------
    DataFrame
    """
    span = span if span is not None else (coverage(crimes) if len(crimes) else None)
    prev = period.previous()
    cur = crimes[period.contains(crimes["month"])].groupby(by)["count"].sum()
    pre = crimes[prev.contains(crimes["month"])].groupby(by)["count"].sum()
    t = pd.DataFrame({"previous": pre, "current": cur}).fillna(0).astype("int64")
    if span is None or not covers(span, prev):
        t["previous"] = pd.NA
    t = _changes(t)
    if baseline is not None:
        if span is not None and covers(span, baseline):
            base = crimes[baseline.contains(crimes["month"])].groupby(by)["count"].sum()
            t["baseline"] = base.reindex(t.index).fillna(0).astype("int64")
            t["change_vs_baseline_pct"] = [pct_change(c, b) for c, b in zip(t["current"], t["baseline"])]
        else:
            t["baseline"] = pd.NA
            t["change_vs_baseline_pct"] = np.nan
    t.index.name = by
    return t.sort_values(["current", "previous"], ascending=False, na_position="last")


def _changes(t: pd.DataFrame) -> pd.DataFrame:
    t = t.copy()
    t["change"] = t["current"] - t["previous"]
    t["change_pct"] = [pct_change(c, p) for c, p in zip(t["current"], t["previous"])]
    return t


def by_group(crimes: pd.DataFrame, groups: dict[str, list[str]], period: Period,
             baseline: Period | None = None, span: tuple | None = None) -> pd.DataFrame:
    """Counts per configured crime group (sum of the group's crime types), as :func:`compare_periods`.

    Parameters
    ----------
    crimes : DataFrame
        The canonical crimes table.
    groups : dict
        Group name -> its crime types (the config's ``crime_groups``).
    period, baseline, span
        As :func:`compare_periods`.

    Returns
    -------
    DataFrame indexed by ``crime_group``

    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-05-01"] * 3),
    ...                   "crime_type": ["Burglary", "Robbery", "Shoplifting"], "count": [1, 1, 1]})
    >>> by_group(c, {"Acquisitive": ["Burglary", "Robbery"]}, financial_year(2024))["current"].tolist()
    [2]
    """
    frames = []
    span = span if span is not None else (coverage(crimes) if len(crimes) else None)
    for name, types in groups.items():
        sub = crimes[crimes["crime_type"].isin(types)]
        zero = pd.DataFrame({"month": [period.start], "count": [0], "crime_type": [""]})
        sub = pd.concat([sub, zero]) if sub.empty else sub  # a group with no crimes is a row of zeros
        t = compare_periods(sub.assign(group=name), period, by="group", baseline=baseline, span=span)
        frames.append(t.reindex([name]))
    if not frames:
        return pd.DataFrame(columns=["previous", "current", "change", "change_pct"])
    out = pd.concat(frames)
    out.index.name = "crime_group"
    return out


def add_rates(table: pd.DataFrame, population) -> pd.DataFrame:
    """Add ``rate_per_1000`` (of the current count) to a comparison table.

    Parameters
    ----------
    table : DataFrame
        A table of :func:`compare_periods` (a ``current`` column).
    population : float or None
        The resident population.

    Returns
    -------
    DataFrame
        A copy with ``rate_per_1000`` (:func:`assessment.stats.change.rate_per_1000`).

    >>> import pandas as pd
    >>> add_rates(pd.DataFrame({"current": [19, 4]}, index=["A", "B"]), 2000)["rate_per_1000"].tolist()
    [9.5, 2.0]
    """
    t = table.copy()
    t["rate_per_1000"] = [rate_per_1000(c, population) for c in t["current"]]
    return t


def biggest_changes(table: pd.DataFrame, n: int = 3, min_previous: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` largest rises and falls by count (types with at least ``min_previous`` last year).

    Parameters
    ----------
    table : DataFrame
        A table of :func:`compare_periods`.
    n : int
        How many rises and falls.
    min_previous : int
        Rows with fewer crimes than this in the previous 12 months are left out.

    Returns
    -------
    (DataFrame, DataFrame)
        The rises (largest first) and the falls (largest first).
    """
    t = table.dropna(subset=["previous"])
    t = t[t["previous"].astype(float) >= min_previous]
    rises = t[t["change"] > 0].sort_values("change", ascending=False).head(n)
    falls = t[t["change"] < 0].sort_values("change").head(n)
    return rises, falls


def largest_change(table: pd.DataFrame) -> tuple | None:
    """``(name, change)`` of the largest change by count (a rise wins a tie); None when nothing changed.

    Parameters
    ----------
    table : DataFrame
        A table of :func:`compare_periods`.

    Returns
    -------
    tuple of (str, int), or None

    >>> import pandas as pd
    >>> t = pd.DataFrame({"previous": [10, 8], "change": [3, -5]}, index=["Burglary", "Robbery"])
    >>> largest_change(t)
    ('Robbery', -5)
    """
    rises, falls = biggest_changes(table, n=1, min_previous=0)
    if not rises.empty and (falls.empty or abs(rises["change"].iloc[0]) >= abs(falls["change"].iloc[0])):
        return rises.index[0], int(rises["change"].iloc[0])
    if not falls.empty:
        return falls.index[0], int(falls["change"].iloc[0])
    return None


def is_nan(v) -> bool:
    """True for None, NA and a float NaN.

    >>> is_nan(None), is_nan(float("nan")), is_nan(0.0)
    (True, True, False)
    """
    try:
        return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
    except TypeError:
        return False


def baseline_period(config, period: Period) -> Period:
    """The baseline year's period: ``config.baseline_year``, else four years before the assessment year.

    Parameters
    ----------
    config : Config
    period : Period

    Returns
    -------
    Period
    """
    year = config.baseline_year if config.baseline_year is not None else period.year - 4
    return period.shift(year - period.year)


def composite_groups(groups: dict) -> set:
    """The crime groups that are composites: a group whose crime types are exactly the union of
    the types of two or more *other* groups (each a proper part of it), e.g. "Neighbourhood crime"
    = Burglary + Robbery + Theft from the person + Vehicle crime.  A composite counts offences
    the other groups count already, so it is not counted again in "all N priority crimes rose".

    Parameters
    ----------
    groups : dict
        Group name -> its crime types.

    Returns
    -------
    set of str

    >>> composite_groups({"Burglary": ["Burglary"], "Robbery": ["Robbery"], "Theft": ["Theft"],
    ...                   "Neighbourhood": ["Burglary", "Robbery"], "Acquisitive": ["Burglary", "Theft", "Fraud"]})
    {'Neighbourhood'}
    """
    sets = {n: frozenset(map(str, t)) for n, t in groups.items()}
    out = set()
    for name, types in sets.items():
        parts = [t for n, t in sets.items() if n != name and t and t < types]
        if len(parts) >= 2 and frozenset().union(*parts) == types:
            out.add(name)
    return out
