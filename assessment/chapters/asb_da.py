"""Chapter 4, volumes: the anti-social behaviour and domestic-abuse trends (issue 15).

Data only; the words are :mod:`assessment.words.asb_da`, the charts :mod:`assessment.figures.asb_da`.

* :func:`analyse_asb` — ASB incidents in the period and in each earlier 12 months (the same
  months) that the ASB data cover (:func:`assessment.chapters.victims.covers`), each incident
  reference once (:func:`assessment.chapters.victims.period_calls`); ASB by LSOA with Getis–Ord Gi*
  hot spots by chapter 2's own table (:func:`assessment.chapters.hotspots.lsoa_table`, the same
  settings and significance rule).  The ASB input, else police.uk's ASB rows (which the loaders
  put in ``Dataset.asb`` when there is no ASB input).
* :func:`analyse_da` — crimes flagged as domestic abuse in each 12 months the crime data cover,
  and their share of violence (crime types, or MPS major categories, that start with
  "Violence").

Headline keys: ``asb.total``, ``asb.previous_total``, ``asb.change_pct``, ``asb.years``,
``asb.hot_spots_95``; ``domestic_abuse.total``, ``domestic_abuse.previous_total``,
``domestic_abuse.change_pct``, ``domestic_abuse.share_of_violence``.  Null where the inputs
cannot give a figure.

Example
-------
>>> import pandas as pd
>>> from assessment.periods import financial_year
>>> a = pd.DataFrame({"incident_id": ["a", "b", "c"], "datetime": pd.to_datetime(["2023-04-02", "2024-04-09", "2025-03-30"])})
>>> yearly_incidents(a, [financial_year(2023), financial_year(2024)])
[1, 2]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import lsoa_universe
from ..periods import Period, coverage
from ..periods import covers as crimes_cover
from ..significance import SignificanceRule
from ..stats.change import pct_change
from ..stats.gistar import count_classes
from .deprivation import population_of
from .hotspots import _geometry as geometry
from .hotspots import lsoa_table
from .victims import covers as asb_covers
from .victims import period_calls

#: why a section is left out
NO_ASB = "no_asb"
NO_ASB_IN_PERIOD = "no_asb_in_period"
NO_DA_FLAG = "no_da_flag"
#: violence: a crime type (or MPS major category) starting with this word
VIOLENCE = re.compile(r"^\s*violence", re.I)
#: the most earlier years a trend looks back
MAX_YEARS = 20
ASB_TYPE = "Anti-social behaviour"

ASB_KEYS = ("asb.total", "asb.previous_total", "asb.change_pct", "asb.years", "asb.hot_spots_95")
DA_KEYS = ("domestic_abuse.total", "domestic_abuse.previous_total", "domestic_abuse.change_pct",
           "domestic_abuse.share_of_violence")


def trend_periods(period: Period, covered, max_years: int = MAX_YEARS) -> list[Period]:
    """``period`` and the same months of each earlier year while ``covered(p)`` holds, oldest first.

    Examples
    --------
    >>> from assessment.periods import financial_year
    >>> [p.label for p in trend_periods(financial_year(2024), lambda p: p.year >= 2022)]
    ['2022/23', '2023/24', '2024/25']
    """
    out, p = [period], period
    for _ in range(max_years - 1):
        p = p.previous()
        if not covered(p):
            break
        out.append(p)
    return out[::-1]


def yearly_incidents(asb: pd.DataFrame, periods: list[Period]) -> list[int]:
    """ASB incidents in each period (each incident reference once)."""
    return [int(len(period_calls(asb, p))) for p in periods]


def trend_table(periods: list[Period], values: list[int]) -> pd.DataFrame:
    """period, start, end, count, change, change_pct — one row per period, oldest first.

    Examples
    --------
    >>> from assessment.periods import calendar_year
    >>> t = trend_table([calendar_year(2023), calendar_year(2024)], [100, 80])
    >>> t[["period", "count", "change", "change_pct"]].values.tolist()
    [['2023', 100, <NA>, nan], ['2024', 80, -20, -0.2]]
    """
    prev = [None] + list(values[:-1])
    return pd.DataFrame({
        "period": [p.label for p in periods],
        "start": [p.start.strftime("%Y-%m-%d") for p in periods],
        "end": [p.end_date.strftime("%Y-%m-%d") for p in periods],
        "count": pd.array(values, dtype="int64"),
        "change": pd.array([None if b is None else a - b for a, b in zip(values, prev)], dtype="Int64"),
        "change_pct": [pct_change(a, b) for a, b in zip(values, prev)]})


def asb_lsoa_counts(asb: pd.DataFrame, universe, period: Period) -> tuple[pd.Series, int]:
    """ASB incidents of ``period`` per LSOA of the area (0 where none), and incidents with no area LSOA."""
    u = lsoa_universe(universe)
    a = period_calls(asb, period)
    codes = a["lsoa_code"].astype("string") if "lsoa_code" in a else pd.Series(pd.NA, index=a.index, dtype="string")
    inside = codes.isin(u).fillna(False).to_numpy(dtype=bool)
    s = codes[inside].value_counts().reindex(u, fill_value=0).astype("int64")
    s.index.name = "lsoa_code"
    return s, int((~inside).sum())


def asb_as_crimes(asb: pd.DataFrame, universe, period: Period, previous: Period | None) -> pd.DataFrame:
    """The period's (and the previous one's) ASB incidents in the area as canonical crime rows."""
    frames = []
    for p in [period] + ([previous] if previous is not None else []):
        s, _ = asb_lsoa_counts(asb, universe, p)
        s = s[s > 0]
        frames.append(pd.DataFrame({"lsoa_code": s.index.astype(str), "count": s.to_numpy(),
                                    "month": p.start, "crime_type": ASB_TYPE}))
    return pd.concat(frames, ignore_index=True)


@dataclass
class ASBTrendResult:
    """What the ASB volume sections show (data only; no caller id anywhere)."""

    available: bool = False
    reason: str | None = None
    source: str = ""                        # "asb" (the ASB input) or "police_uk" (police.uk ASB rows)
    trend: pd.DataFrame | None = None       # tables/asb_trend.csv
    lsoa: pd.DataFrame | None = None        # the LSOA table (hotspots.lsoa_table columns)
    outside: int = 0                        # incidents of the period with no LSOA of the area
    has_geometry: bool = False
    has_previous: bool = False
    rule: SignificanceRule = field(default_factory=SignificanceRule)
    headlines: dict = field(default_factory=lambda: {k: None for k in ASB_KEYS})


def analyse_asb(ds, hotspots: bool = True) -> ASBTrendResult:
    """The ASB trend, and ASB by LSOA with hot spots (``hotspots=False``: counts, no Gi*).

    Parameters
    ----------
    ds : Dataset
    hotspots : bool
        Compute Gi* hot spots of ASB (the area's boundaries needed).

    Returns
    -------
    ASBTrendResult
    """
    res = ASBTrendResult(rule=SignificanceRule.from_config(ds.config.hotspots))
    asb = ds.asb
    if asb is None or len(asb) == 0 or not asb["datetime"].notna().any():
        res.reason = NO_ASB
        return res
    res.source = "asb" if ds.config.inputs.asb is not None else "police_uk"
    periods = trend_periods(ds.period, lambda p: asb_covers(asb, p))
    counts = yearly_incidents(asb, periods)
    if counts[-1] == 0:
        res.reason = NO_ASB_IN_PERIOD
        return res
    res.available = True
    res.trend = trend_table(periods, counts)
    res.has_previous = len(periods) > 1
    lsoas = ds.lsoa_frame()
    universe = lsoa_universe(lsoas)
    _, res.outside = asb_lsoa_counts(asb, universe, ds.period)
    rows = asb_as_crimes(asb, universe, ds.period, ds.period.previous() if res.has_previous else None)
    boundaries, weights = geometry(ds, lsoas) if hotspots else (None, None)
    res.has_geometry = weights is not None
    cfg = ds.config.hotspots
    res.lsoa = lsoa_table(rows, lsoas, ds.period, boundaries=boundaries, population=population_of(ds),
                          previous=res.has_previous, permutations=res.rule.permutations, seed=cfg.seed,
                          fdr=res.rule.fdr, weights=weights, max_permutations=res.rule.max_permutations)
    prev = counts[-2] if res.has_previous else None
    res.headlines = {"asb.total": counts[-1], "asb.previous_total": prev, "asb.change_pct": _num(pct_change(counts[-1], prev)),
                     "asb.years": len(periods),
                     "asb.hot_spots_95": count_classes(res.lsoa["gi_class"], 0.95) if res.has_geometry else None}
    return res


def _num(v):
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)


# -- domestic abuse -------------------------------------------------------------------------------
def is_violence(crimes: pd.DataFrame) -> pd.Series:
    """True for a violence crime: its crime type, or MPS major category, starts with "Violence".

    Examples
    --------
    >>> c = pd.DataFrame({"crime_type": ["Violence and sexual offences", "Burglary", "Common assault"],
    ...                   "major_category": [None, None, "VIOLENCE AGAINST THE PERSON"]})
    >>> is_violence(c).tolist()
    [True, False, True]
    """
    out = crimes["crime_type"].astype("string").str.match(VIOLENCE).fillna(False)
    if "major_category" in crimes:
        out |= crimes["major_category"].astype("string").str.match(VIOLENCE).fillna(False)
    return out.astype(bool)


def da_year(crimes: pd.DataFrame, period: Period) -> dict:
    """Flagged crimes, violence and flagged violence in ``period`` (sums of ``count``).

    Examples
    --------
    >>> from assessment.periods import calendar_year
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-01-01"] * 3), "count": [1, 1, 1],
    ...                   "crime_type": ["Violence and sexual offences", "Violence and sexual offences", "Burglary"],
    ...                   "domestic_abuse": [True, False, True]})
    >>> da_year(c, calendar_year(2024))
    {'crimes': 2, 'violence': 2, 'da_violence': 1, 'share_of_violence': 0.5}
    """
    c = crimes[period.contains(crimes["month"])]
    da = c["domestic_abuse"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    vi = is_violence(c).to_numpy(dtype=bool)
    n = c["count"].to_numpy()
    v = int(n[vi].sum())
    dv = int(n[vi & da].sum())
    return {"crimes": int(n[da].sum()), "violence": v, "da_violence": dv, "share_of_violence": dv / v if v else None}


@dataclass
class DATrendResult:
    """What the domestic-abuse volume section shows (data only)."""

    available: bool = False
    reason: str | None = None
    trend: pd.DataFrame | None = None       # tables/da_trend.csv
    headlines: dict = field(default_factory=lambda: {k: None for k in DA_KEYS})


def analyse_da(ds) -> DATrendResult:
    """Crimes flagged as domestic abuse per 12 months, and their share of violence.

    A flag that is never set cannot be told from one not supplied: no flagged crime in the data
    leaves the section out (``reason``).

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    DATrendResult
    """
    res = DATrendResult()
    crimes = ds.crimes
    if "domestic_abuse" not in crimes or not crimes["domestic_abuse"].astype("boolean").fillna(False).any():
        res.reason = NO_DA_FLAG
        return res
    span = coverage(crimes, ds.period)
    periods = trend_periods(ds.period, lambda p: crimes_cover(span, p))
    years = [da_year(crimes, p) for p in periods]
    t = trend_table(periods, [y["crimes"] for y in years])
    for k in ("violence", "da_violence"):
        t[k] = pd.array([y[k] for y in years], dtype="int64")
    t["share_of_violence"] = [y["share_of_violence"] for y in years]
    res.available, res.trend = True, t
    cur = years[-1]
    prev = years[-2]["crimes"] if len(years) > 1 else None
    res.headlines = {"domestic_abuse.total": cur["crimes"], "domestic_abuse.previous_total": prev,
                     "domestic_abuse.change_pct": _num(pct_change(cur["crimes"], prev)),
                     "domestic_abuse.share_of_violence": _num(cur["share_of_violence"])}
    return res
