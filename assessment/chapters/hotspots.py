"""Chapter 2 — where crime concentrates: hot spots by LSOA and emerging hot spots (§5.2).

:func:`analyse` computes everything the chapter shows for one :class:`~assessment.dataset.Dataset`
and returns a :class:`HotspotsResult` holding data only (tables with machine column names, counts,
codes); its sentences, titles and display labels are :mod:`assessment.words.hotspots`, its charts
:mod:`assessment.figures.hotspots` and :mod:`assessment.figures.maps`.  The statistics are
:mod:`assessment.stats`'s: concentration (:mod:`~assessment.stats.concentration`), Getis–Ord Gi*
(:mod:`~assessment.stats.gistar`), the Mann–Kendall trend (:mod:`~assessment.stats.mann_kendall`)
and the emerging-hot-spot classes (:mod:`~assessment.stats.emerging`).  Hot/cold-spot classes are
decided by the one :class:`~assessment.significance.SignificanceRule` that also words every
sentence about them.

The chapter's own table shaping:

* :func:`rates`, :func:`missing_population`, :func:`rank`, :func:`change` — rate per 1,000
  residents, rank and change per LSOA;
* :func:`concentration`, :func:`concentration_table` — the concentration measures per crime group;
* :func:`lsoa_table`, :func:`ward_rollup`, :func:`largest_changes`, :func:`publishable`,
  :func:`map_frame`, :func:`group_summary` — the published and shown tables;
* :func:`analyse_emerging` (with :func:`emerging_periods`, :func:`yearly_gistar`) — emerging hot
  spots: yearly Gi* per LSOA, a Mann–Kendall trend and a pattern class, in an
  :class:`EmergingResult` (``HotspotsResult.emerging``), with :func:`emerging_summary_table`,
  :func:`emerging_publishable` and :func:`emerging_with_pattern`.

Headline keys written to ``summary.json`` (all shares are fractions in [0, 1];
``null`` when the figure cannot be computed from the inputs):

==============================================  ===============================================
key                                             meaning
==============================================  ===============================================
``hotspots.lsoas``                              number of LSOAs in the area
``hotspots.crimes``                             crimes in the period (sum over LSOAs)
``hotspots.top10_lsoas``                        codes of the ``top_n`` (default 10) LSOAs with most crime
``hotspots.top10_share``                        their share of all crime
``hotspots.top_share.<p>``                      share of crime in the top p% of LSOAs, p = 1, 5, 10, 20
                                                (``_`` for a decimal point: ``2_5`` = 2.5%)
``hotspots.gini`` / ``hotspots.generalised_gini``  Gini and Bernasco–Steenbeek generalised Gini
``hotspots.hot_spots_99`` / ``_95`` / ``_90``   LSOAs that are Gi* hot spots at that confidence or higher
``hotspots.cold_spots_95``                      LSOAs that are Gi* cold spots at 95% or higher
``hotspots.hot_spots_95_fdr``                   hot spots with a BH-adjusted p-value ≤ 0.05
``hotspots.tested_lsoas``                       LSOAs with a Gi* p-value (the m the adjustment allows for)
``hotspots.classes_use_fdr``                    whether the classes use the adjusted p (``hotspots.fdr``)
``hotspots.permutations``                       permutations per LSOA (``hotspots.permutations``)
``hotspots.max_permutations``                   the most a borderline LSOA gets (``hotspots.max_permutations``)
``hotspots.islands``                            LSOAs with no neighbours (not tested)
``hotspots.by_group``                           a list, one object per configured crime group:
                                                name, top10_share, gini, generalised_gini, hot_spots_95,
                                                top_share_<p> (as ``hotspots.top_share.<p>``: the
                                                priorities page reads ``top_share_10``)
``hotspots.emerging.years``                     years in the emerging-hotspot analysis
``hotspots.emerging.categories``                a list: {name: category, lsoas: LSOAs in it}
==============================================  ===============================================

Example
-------
>>> import pandas as pd
>>> d = concentration(pd.Series([0, 0, 0, 3]), shares=[0.25], top_n=1)
>>> d["top_25pct_share"], d["gini"], round(d["generalised_gini"], 4)
(1.0, 0.75, 0.6667)
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..dataset import lsoa_counts, lsoa_universe
from ..periods import Period, coverage, covers
from ..significance import ALPHAS, DEFAULT_FDR, DEFAULT_PERMUTATIONS, SignificanceRule
from ..stats.concentration import as_counts, generalised_gini, gini, share_key, top_areas, top_k, top_share
from ..stats.emerging import CATEGORIES, NO_PATTERN, emerging_hotspots

# the Gi* class labels are the values of the tables' gi_class column: the one set of
# assessment.stats.gistar (tests/test_stats.py checks they are the same objects here)
from ..stats.gistar import (  # noqa: F401
    COLD_90,
    COLD_95,
    COLD_99,
    COLD_AT,
    GI_CLASSES,
    HOT_90,
    HOT_95,
    HOT_99,
    HOT_AT,
    LEVELS,
    NO_GEOMETRY,
    NO_NEIGHBOURS,
    NO_VARIATION,
    NOT_SIGNIFICANT,
    count_classes,
    count_fdr,
    gistar,
    no_geometry,
    queen_weights,
)
from ..stats.rates import rates as area_rates

DEFAULT_SHARES = (0.01, 0.05, 0.10, 0.20)
ALL_CRIME = "All crime"

#: why an :class:`EmergingResult` has no table (its ``reason``); :func:`assessment.words.hotspots.emerging_reason` words it
NO_BOUNDARIES = "no_boundaries"
TOO_FEW_YEARS = "too_few_years"


# -- counts, rates, rank, change ---------------------------------------------------------------
def rates(counts: pd.Series, population) -> pd.Series:
    """Crimes per 1,000 residents per LSOA: count ÷ population × 1,000.

    Parameters
    ----------
    counts : Series
        Crimes per LSOA, indexed by ``lsoa_code``.
    population : Series or None
        Residents per LSOA, indexed by ``lsoa_code``.

    Returns
    -------
    Series
        ``rate_per_1000``, with the index of ``counts``; NaN where the population is missing, zero
        or negative (see :func:`missing_population` for the list).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.Series({"A": 30, "B": 5, "C": 2})
    >>> rates(c, pd.Series({"A": 1500, "B": 0})).round(2).tolist()
    [20.0, nan, nan]
    """
    if population is None:
        return pd.Series(np.nan, index=counts.index, name="rate_per_1000")
    return area_rates(counts, population).rename("rate_per_1000")   # the one rate rule (stats.rates)


def missing_population(counts: pd.Series, population) -> pd.Index:
    """The LSOAs of ``counts`` without a usable (positive) population figure.

    Parameters
    ----------
    counts : Series
        Crimes per LSOA, indexed by ``lsoa_code``.
    population : Series or None
        Residents per LSOA.

    Returns
    -------
    Index
        The codes, in the order of ``counts`` (all of them when ``population`` is None).

    Examples
    --------
    >>> import pandas as pd
    >>> list(missing_population(pd.Series({"A": 1, "B": 2, "C": 0}), pd.Series({"A": 10, "B": 0})))
    ['B', 'C']
    """
    if population is None:
        return pd.Index(counts.index)
    pop = pd.Series(population).reindex(counts.index).astype(float)
    return pd.Index(counts.index[~(pop > 0).to_numpy()])


def rank(counts: pd.Series) -> pd.Series:
    """Rank of each LSOA by count, 1 = most crime; ties share the best rank ("min" ranking).

    Parameters
    ----------
    counts : Series
        Crimes per LSOA.

    Returns
    -------
    Series of int64
        ``rank``, with the index of ``counts``.

    Examples
    --------
    >>> import pandas as pd
    >>> rank(pd.Series({"A": 5, "B": 9, "C": 5, "D": 1})).tolist()
    [2, 1, 2, 4]
    """
    return counts.rank(ascending=False, method="min").astype("int64").rename("rank")


def change(current: pd.Series, previous: pd.Series | None) -> pd.DataFrame:
    """Change against the previous period: previous_count, change, change_pct (a fraction).

    Parameters
    ----------
    current : Series
        Crimes per LSOA in the period.
    previous : Series or None
        Crimes per LSOA in the previous 12 months; None when the data do not cover them.

    Returns
    -------
    DataFrame
        previous_count and change (Int64; NA throughout when ``previous`` is None) and change_pct
        (NaN where the previous count is 0), indexed as ``current``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = change(pd.Series({"A": 12, "B": 3, "C": 4}), pd.Series({"A": 10, "B": 6, "C": 0}))
    >>> t["change"].tolist(), t["change_pct"].round(2).tolist()
    ([2, -3, 4], [0.2, -0.5, nan])
    """
    idx = current.index
    if previous is None:
        out = pd.DataFrame({"previous_count": pd.array([pd.NA] * len(idx), dtype="Int64"),
                            "change": pd.array([pd.NA] * len(idx), dtype="Int64"),
                            "change_pct": np.nan}, index=idx)
        return out
    prev = previous.reindex(idx).fillna(0).astype("int64")
    ch = current.astype("int64") - prev
    pct = (ch / prev.where(prev > 0)).astype(float)
    return pd.DataFrame({"previous_count": prev.astype("Int64"), "change": ch.astype("Int64"),
                         "change_pct": pct.round(12)}, index=idx)


# -- concentration: the measures are assessment.stats.concentration's; the chapter's tables of them
def concentration(counts: pd.Series, shares: Iterable[float] = DEFAULT_SHARES, top_n: int = 10) -> dict:
    """All concentration measures of one set of LSOA counts, as a flat dict.

    Parameters
    ----------
    counts : Series
        Crimes per LSOA.
    shares : iterable of float
        The top shares p (fractions) to report.
    top_n : int
        The number of LSOAs of the ``top<n>_share``.

    Returns
    -------
    dict
        lsoas, crimes, top_<p>pct_lsoas and top_<p>pct_share for each share p (in %),
        top<top_n>_share, gini, generalised_gini.

    Examples
    --------
    >>> import pandas as pd
    >>> d = concentration(pd.Series([50, 30, 10, 5, 5, 0, 0, 0, 0, 0]), shares=[0.1], top_n=2)
    >>> d["top_10pct_lsoas"], d["top_10pct_share"], d["top2_share"], d["crimes"]
    (1, 0.5, 0.8, 100)
    """
    v = as_counts(counts)
    out = {"lsoas": int(len(v)), "crimes": int(round(v.sum()))}
    for p in shares:
        key = share_key(p, decimal=".")
        out[f"top_{key}pct_lsoas"] = top_k(len(v), p)
        out[f"top_{key}pct_share"] = top_share(v, p)
    k = min(top_n, len(v))
    out[f"top{top_n}_share"] = float(top_areas(v, k).sum() / v.sum()) if v.sum() > 0 else float("nan")
    out["gini"] = gini(v)
    out["generalised_gini"] = generalised_gini(v)
    return out


def concentration_table(counts_by_group: dict, shares: Iterable[float] = DEFAULT_SHARES,
                        top_n: int = 10) -> pd.DataFrame:
    """One row of :func:`concentration` per crime group, indexed by crime_group.

    Parameters
    ----------
    counts_by_group : dict
        Crime group name -> crimes per LSOA.
    shares, top_n
        As for :func:`concentration`.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> t = concentration_table({"All crime": pd.Series([3, 1]), "Robbery": pd.Series([0, 2])}, shares=[0.5])
    >>> t["top_50pct_share"].tolist()
    [0.75, 1.0]
    """
    rows = {name: concentration(c, shares, top_n) for name, c in counts_by_group.items()}
    t = pd.DataFrame.from_dict(rows, orient="index")
    t.index.name = "crime_group"
    return t


# -- the published tables ----------------------------------------------------------------------
def lsoa_table(crimes: pd.DataFrame, lsoas: pd.DataFrame, period: Period, boundaries=None,
               population=None, crime_types=None, previous: bool = True, permutations: int = DEFAULT_PERMUTATIONS,
               seed: int = 20240401, fdr: bool = DEFAULT_FDR, weights=None,
               max_permutations: int | None = None) -> pd.DataFrame:
    """The LSOA hotspot table for one selection of crimes, indexed by lsoa_code.

    Parameters
    ----------
    crimes : DataFrame
        The canonical crimes table (lsoa_code, month, count, crime_type).
    lsoas : DataFrame or list
        The area's LSOAs (with lsoa_name, ward_code, ward_name, population where known).
    period : Period
        The assessment period.
    boundaries : GeoDataFrame, optional
        LSOA polygons; None (and no ``weights``) gives no Gi*.
    population : Series, optional
        Residents per LSOA (default: the ``population`` column of ``lsoas``).
    crime_types : list of str, optional
        Count only these crime types (a crime group).
    previous : bool
        False (the data do not cover the previous 12 months) leaves the change columns blank.
    permutations, seed, fdr, weights, max_permutations
        The Gi* settings of :func:`assessment.stats.gistar.gistar`.

    Returns
    -------
    DataFrame
        lsoa_name, ward_code, ward, count, rate_per_1000, rank, previous_count, change,
        change_pct, population, neighbours, gi_z, gi_permutations, gi_p, gi_p_fdr, gi_class;
        sorted by count (largest first, ties by code).

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> lsoas = pd.DataFrame({"lsoa_name": ["Aa", "Bb"], "ward_code": ["W1", "W1"], "ward_name": ["North", "North"],
    ...                       "population": [1000, 2000]}, index=pd.Index(["A", "B"], name="lsoa_code"))
    >>> c = pd.DataFrame({"lsoa_code": ["A", "B", "B"], "count": [1, 1, 1],
    ...                   "month": pd.to_datetime(["2024-04-01", "2024-04-01", "2023-04-01"])})
    >>> t = lsoa_table(c, lsoas, financial_year(2024), population=lsoas["population"])
    >>> t[["count", "rate_per_1000", "previous_count", "change"]].values.tolist()
    [[1, 1.0, 0, 1], [1, 0.5, 1, 0]]
    """
    universe = lsoa_universe(lsoas)
    cur = lsoa_counts(crimes, universe, period, crime_types)
    prev = lsoa_counts(crimes, universe, period.previous(), crime_types) if previous else None
    meta = lsoas.reindex(universe) if isinstance(lsoas, pd.DataFrame) else pd.DataFrame(index=universe)
    if population is None and "population" in meta:
        population = meta["population"]
    t = pd.DataFrame(index=universe)
    t["lsoa_name"] = meta["lsoa_name"].astype("string") if "lsoa_name" in meta else pd.NA
    t["ward_code"] = meta["ward_code"].astype("string") if "ward_code" in meta else pd.NA
    t["ward"] = meta["ward_name"].astype("string") if "ward_name" in meta else pd.NA
    t["count"] = cur
    t["rate_per_1000"] = rates(cur, population)
    t["rank"] = rank(cur)
    t = t.join(change(cur, prev))
    t["population"] = (pd.Series(population).reindex(universe).astype(float) if population is not None
                       else np.nan)
    gi = (gistar(cur, boundaries, permutations=permutations, seed=seed, fdr=fdr, weights=weights,
                 max_permutations=max_permutations)
          if (boundaries is not None or weights is not None) else no_geometry(cur))
    t = t.join(gi)
    order = sorted(range(len(t)), key=lambda i: (-int(t["count"].iloc[i]), str(t.index[i])))
    return t.iloc[order]


def ward_rollup(table: pd.DataFrame) -> pd.DataFrame:
    """Ward totals of an :func:`lsoa_table`: counts, change, rate and hot LSOAs per ward.

    Parameters
    ----------
    table : DataFrame
        An :func:`lsoa_table`.

    Returns
    -------
    DataFrame
        ward, lsoas, count, share_of_crime, previous_count, change, change_pct, population,
        rate_per_1000, hot_lsoas_95 (hot at 95%+), hot_lsoas_90 (hot at any level),
        cold_lsoas_95; indexed by ward_code, sorted by count.  Empty when no ward lookup was given.
        The ward rate needs a population for every LSOA of the ward.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"ward_code": ["W1", "W1", "W2"], "ward": ["North", "North", "South"],
    ...     "count": [10, 5, 5], "previous_count": [8, 5, 10], "population": [1000.0, 1500.0, None],
    ...     "gi_class": [HOT_99, HOT_90, NOT_SIGNIFICANT]}, index=pd.Index(["A", "B", "C"], name="lsoa_code"))
    >>> r = ward_rollup(t)
    >>> r.loc["W1", ["count", "change", "rate_per_1000", "hot_lsoas_95", "hot_lsoas_90"]].tolist()
    [15.0, 2.0, 6.0, 1.0, 2.0]
    >>> import math; math.isnan(r.loc["W2", "rate_per_1000"])
    True
    """
    if "ward_code" not in table or table["ward_code"].isna().all():
        return pd.DataFrame(columns=["ward", "lsoas", "count", "share_of_crime", "previous_count", "change",
                                     "change_pct", "population", "rate_per_1000", "hot_lsoas_95",
                                     "hot_lsoas_90", "cold_lsoas_95"])
    t = table.copy()
    t["ward_code"] = t["ward_code"].fillna("Unknown")
    t["ward"] = t["ward"].fillna("Unknown ward") if "ward" in t else t["ward_code"]
    g = t.groupby("ward_code", sort=False)
    out = pd.DataFrame({"ward": g["ward"].first(), "lsoas": g.size(), "count": g["count"].sum().astype("int64")})
    total = out["count"].sum()
    out["share_of_crime"] = out["count"] / total if total > 0 else np.nan
    prev_known = t["previous_count"].notna().all() if "previous_count" in t else False
    if prev_known:
        out["previous_count"] = g["previous_count"].sum().astype("Int64")
        out["change"] = (out["count"] - out["previous_count"]).astype("Int64")
        prev = out["previous_count"].astype(float)
        out["change_pct"] = (out["change"].astype(float) / prev.where(prev > 0)).round(12)
    else:
        out["previous_count"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["change"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["change_pct"] = np.nan
    pop = t["population"].astype(float) if "population" in t else pd.Series(np.nan, index=t.index)
    pop = pop.where(pop > 0)
    out["population"] = pop.groupby(t["ward_code"], sort=False).sum(min_count=1)
    complete = pop.notna().groupby(t["ward_code"], sort=False).all()
    out.loc[~complete, "population"] = np.nan
    out["rate_per_1000"] = out["count"] / out["population"] * 1000.0
    cls = t["gi_class"] if "gi_class" in t else pd.Series(pd.NA, index=t.index)
    for col, labels in (("hot_lsoas_95", HOT_AT[0.95]), ("hot_lsoas_90", HOT_AT[0.90]),
                        ("cold_lsoas_95", COLD_AT[0.95])):
        out[col] = cls.isin(labels).groupby(t["ward_code"], sort=False).sum().astype("int64")
    out.index.name = "ward_code"
    return out.sort_values(["count", "ward"], ascending=[False, True])


def largest_changes(table: pd.DataFrame, n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` LSOAs with the largest rises and the ``n`` with the largest falls (by count).

    Parameters
    ----------
    table : DataFrame
        An :func:`lsoa_table` (its ``change`` column).
    n : int
        How many of each.

    Returns
    -------
    (DataFrame, DataFrame)
        The rises (largest first) and the falls (largest first), ties by LSOA code; empty when
        the previous year is not covered.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"change": [5, -2, 0, 7, -9]}, index=list("abcde"))
    >>> up, down = largest_changes(t, 2)
    >>> up.index.tolist(), down.index.tolist()
    (['d', 'a'], ['e', 'b'])
    """
    t = table[table["change"].notna()].copy()
    t["_c"] = t["change"].astype(float)
    t["_code"] = [str(i) for i in t.index]
    up = t[t["_c"] > 0].sort_values(["_c", "_code"], ascending=[False, True]).head(n)
    down = t[t["_c"] < 0].sort_values(["_c", "_code"], ascending=[True, True]).head(n)
    return up.drop(columns=["_c", "_code"]), down.drop(columns=["_c", "_code"])


def publishable(table: pd.DataFrame, rule: SignificanceRule = SignificanceRule()) -> pd.DataFrame:
    """The LSOA table as written to ``tables/lsoa_hotspots.csv``.

    Parameters
    ----------
    table : DataFrame
        An :func:`lsoa_table` (or :meth:`HotspotsResult.long_table`, whose crime_group comes first).
    rule : SignificanceRule
        The rule of the classes: the p-value they use comes last, beside ``gi_class``.

    Returns
    -------
    DataFrame
        lsoa_code a column, fixed column order.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"count": [3], "gi_p": [0.2], "gi_p_fdr": [0.4], "gi_class": [NOT_SIGNIFICANT]},
    ...                  index=pd.Index(["A"], name="lsoa_code"))
    >>> list(publishable(t).columns), list(publishable(t, SignificanceRule(fdr=False)).columns)[-2:]
    (['lsoa_code', 'count', 'gi_p', 'gi_p_fdr', 'gi_class'], ['gi_p', 'gi_class'])
    """
    other = "gi_p" if rule.p_column == "gi_p_fdr" else "gi_p_fdr"
    cols = ["lsoa_code", "lsoa_name", "ward_code", "ward", "count", "rate_per_1000", "rank", "previous_count",
            "change", "change_pct", "population", "neighbours", "gi_z", "gi_permutations", other, rule.p_column,
            "gi_class"]
    t = table.reset_index()
    front = [c for c in ["crime_group"] if c in t]
    return t[front + [c for c in cols if c in t]]


def map_frame(boundaries, table: pd.DataFrame):
    """The boundaries joined with an LSOA table, for :mod:`assessment.figures.maps` (index lsoa_code).

    Parameters
    ----------
    boundaries : GeoDataFrame
        LSOA polygons indexed by lsoa_code.
    table : DataFrame
        An LSOA table indexed by lsoa_code.

    Returns
    -------
    GeoDataFrame

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame({"lsoa_name": ["Aa"]}, geometry=[box(0, 0, 1, 1)], index=pd.Index(["A"], name="lsoa_code"))
    >>> map_frame(b, pd.DataFrame({"lsoa_name": ["Aa"], "count": [3]}, index=pd.Index(["A"], name="lsoa_code")))["count"].tolist()
    [3]
    """
    g = boundaries[["geometry"]].join(table, how="left")
    g.index.name = "lsoa_code"
    return g


# -- emerging hot spots ----------------------------------------------------------------------
def emerging_periods(crimes: pd.DataFrame, period: Period, max_years: int = 20) -> list[Period]:
    """The assessment period and the same months in each earlier year the data cover fully, oldest first.

    Parameters
    ----------
    crimes : DataFrame
        The crimes table (its ``month`` column).
    period : Period
        The assessment period.
    max_years : int
        The most years to go back.

    Returns
    -------
    list of Period

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2021-04-01", "2025-03-01"])})
    >>> [p.label for p in emerging_periods(c, financial_year(2024))]
    ['2021/22', '2022/23', '2023/24', '2024/25']
    """
    if crimes.empty:
        return []
    lo, hi = crimes["month"].min(), crimes["month"].max()
    out = []
    for k in range(max_years):
        p = period.shift(-k)
        if not (lo <= p.start and hi >= p.end):
            break
        out.append(p)
    return out[::-1]


def yearly_gistar(crimes: pd.DataFrame, lsoas, periods: Iterable[Period], boundaries=None, weights=None,
                  crime_types=None, permutations: int = DEFAULT_PERMUTATIONS, seed: int = 20240401,
                  fdr: bool = DEFAULT_FDR, max_permutations: int | None = None, alphas=ALPHAS) -> pd.DataFrame:
    """Gi* per LSOA for each period, as one long table.

    Parameters
    ----------
    crimes : DataFrame
        The canonical crimes table.
    lsoas : DataFrame or list
        The area's LSOAs.
    periods : iterable of Period
        The years, oldest first.
    boundaries, weights
        LSOA polygons, or their queen weights (:func:`assessment.stats.gistar.queen_weights`).
    crime_types : list of str, optional
        Count only these crime types.
    permutations, seed, fdr, max_permutations, alphas
        The Gi* settings of :func:`assessment.stats.gistar.gistar` (``alphas``: the thresholds whose
        borderline LSOAs get more permutations); the same seed every year.

    Returns
    -------
    DataFrame
        lsoa_code, year (the period label, e.g. ``2023/24``), count, neighbours, gi_z,
        gi_permutations, gi_p, gi_p_fdr, gi_class.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> from assessment.periods import calendar_year
    >>> g = gpd.GeoDataFrame(geometry=[box(i, 0, i + 1, 1) for i in range(4)],
    ...                      index=pd.Index(list("ABCD"), name="lsoa_code"))
    >>> c = pd.DataFrame({"lsoa_code": list("AABD"), "count": 1,
    ...                   "month": pd.to_datetime(["2023-01-01", "2024-02-01", "2024-03-01", "2024-12-01"])})
    >>> y = yearly_gistar(c, list("ABCD"), [calendar_year(2023), calendar_year(2024)], boundaries=g, permutations=9)
    >>> y.groupby("year")["count"].sum().to_dict()
    {'2023': 1, '2024': 3}
    """
    if weights is None:
        weights = queen_weights(boundaries)
    frames = []
    for p in periods:
        counts = lsoa_counts(crimes, lsoas, p, crime_types)
        gi = gistar(counts, permutations=permutations, seed=seed, fdr=fdr, weights=weights,
                    max_permutations=max_permutations, alphas=alphas)
        frames.append(gi.assign(count=counts, year=p.label).reset_index())
    cols = ["lsoa_code", "year", "count", "neighbours", "gi_z", "gi_permutations", "gi_p", "gi_p_fdr", "gi_class"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


@dataclass
class EmergingResult:
    """What the chapter shows about emerging hot spots (data only).

    ``reason`` is None when there is a table, else why not: :data:`NO_BOUNDARIES` or
    :data:`TOO_FEW_YEARS` (worded by :func:`assessment.words.hotspots.emerging_reason`).
    """

    periods: list
    min_years: int
    table: pd.DataFrame | None = None     # emerging_hotspots(...) joined with names/wards
    yearly: pd.DataFrame | None = None
    reason: str | None = None                 # why there is no table, when there is none (a code)
    rule: SignificanceRule = SignificanceRule()   # the hot-spot map's rule, used for every yearly state
    alpha: float = 0.10                       # a year is hot/cold at p <= alpha (hotspots.emerging_alpha)
    period: Period | None = None              # the assessment period (the last of ``periods`` when there are any)

    @property
    def enough_years(self) -> bool:
        return len(self.periods) >= self.min_years


def analyse_emerging(ds, lsoas=None, boundaries=None, weights=None, crime_types=None,
                     rule: SignificanceRule | None = None) -> EmergingResult:
    """Emerging hot spots for a dataset: the complete years in the data, yearly Gi*, classes.

    Parameters
    ----------
    ds : Dataset
        The run's data and config (``hotspots.emerging_alpha``, ``trend_alpha``, ``emerging_min_years``).
    lsoas : DataFrame, optional
        The area's LSOAs (default ``ds.lsoa_frame()``).
    boundaries, weights : optional
        LSOA polygons or their queen weights (default: ``ds.boundaries``).
    crime_types : list of str, optional
        Count only these crime types.
    rule : SignificanceRule, optional
        The hot-spot map's significance rule (default: the config's).

    Returns
    -------
    EmergingResult
    """
    cfg = ds.config.hotspots
    rule = rule if rule is not None else SignificanceRule.from_config(cfg)
    lsoas = lsoas if lsoas is not None else ds.lsoa_frame()
    res = EmergingResult(periods=emerging_periods(ds.crimes, ds.period), min_years=cfg.emerging_min_years,
                         rule=rule, alpha=getattr(cfg, "emerging_alpha", 0.10), period=ds.period)
    if boundaries is None and weights is None:
        boundaries = ds.boundaries
    res.reason = _emerging_reason(res, boundaries, weights)
    if res.reason is None:
        weights = weights if weights is not None else queen_weights(boundaries)
        res.yearly = _yearly(ds, lsoas, res, weights, crime_types, cfg.seed)
        res.table = _emerging_table(res.yearly, lsoas, res, getattr(cfg, "trend_alpha", 0.05))
    return res


def _emerging_reason(res: EmergingResult, boundaries, weights) -> str | None:
    if boundaries is None and weights is None:
        return NO_BOUNDARIES
    if len(res.periods) < 3:
        return TOO_FEW_YEARS
    return None


def _yearly(ds, lsoas, res: EmergingResult, weights, crime_types, seed: int) -> pd.DataFrame:
    """Yearly Gi* under the hot-spot map's rule; the emerging alpha is one more borderline threshold."""
    rule = res.rule
    return yearly_gistar(ds.crimes, lsoas, res.periods, weights=weights, crime_types=crime_types,
                         permutations=rule.permutations, seed=seed, fdr=rule.fdr,
                         max_permutations=rule.max_permutations, alphas=tuple(sorted(set(ALPHAS) | {res.alpha})))


def _emerging_table(yearly: pd.DataFrame, lsoas, res: EmergingResult, trend_alpha: float) -> pd.DataFrame:
    """The classes per LSOA, with the LSOA's name and ward in front."""
    table = emerging_hotspots(yearly, alpha=res.alpha, trend_alpha=trend_alpha, use_fdr=res.rule.fdr)
    meta = lsoas.reindex(table.index) if isinstance(lsoas, pd.DataFrame) else pd.DataFrame(index=table.index)
    front = pd.DataFrame(index=table.index)
    for src, dst in (("lsoa_name", "lsoa_name"), ("ward_name", "ward")):
        front[dst] = meta[src].astype("string") if src in meta else pd.NA
    return front.join(table)


def emerging_summary_table(res: EmergingResult) -> pd.DataFrame:
    """Number of LSOAs in each emerging-hot-spot category present.

    Parameters
    ----------
    res : EmergingResult

    Returns
    -------
    DataFrame
        category, lsoas; in :data:`~assessment.stats.emerging.CATEGORIES` order.

    Examples
    --------
    >>> r = EmergingResult(periods=[], min_years=5, table=pd.DataFrame({"category": ["New hot spot", "Not tested"] * 2}))
    >>> emerging_summary_table(r).values.tolist()
    [['New hot spot', 2], ['Not tested', 2]]
    """
    if res.table is None:
        return pd.DataFrame(columns=["category", "lsoas"])
    counts = res.table["category"].value_counts()
    rows = [(c, int(counts[c])) for c in CATEGORIES if c in counts]
    return pd.DataFrame(rows, columns=["category", "lsoas"])


def emerging_publishable(res: EmergingResult) -> pd.DataFrame:
    """The table written to ``tables/emerging_hotspots.csv``.

    Parameters
    ----------
    res : EmergingResult
        A result with a table.

    Returns
    -------
    DataFrame
        lsoa_code a column, hot patterns first (:data:`~assessment.stats.emerging.CATEGORIES`
        order), then by code.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["No pattern detected", "New hot spot"]}, index=pd.Index(["A", "B"], name="lsoa_code"))
    >>> emerging_publishable(EmergingResult(periods=[], min_years=5, table=t))["lsoa_code"].tolist()
    ['B', 'A']
    """
    t = res.table.reset_index()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    t["_o"] = t["category"].map(order)
    return t.sort_values(["_o", "lsoa_code"]).drop(columns="_o")


def emerging_with_pattern(res: EmergingResult) -> pd.DataFrame:
    """The rows of :func:`emerging_publishable` with a pattern (all but "No pattern detected").

    Parameters
    ----------
    res : EmergingResult
        A result with a table.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["No pattern detected", "New hot spot"]}, index=pd.Index(["A", "B"], name="lsoa_code"))
    >>> emerging_with_pattern(EmergingResult(periods=[], min_years=5, table=t))["lsoa_code"].tolist()
    ['B']
    """
    shown = emerging_publishable(res)
    return shown[~shown["category"].isin([NO_PATTERN])]


# -- the chapter ---------------------------------------------------------------------------
@dataclass
class HotspotsResult:
    """Everything chapter 2 shows, computed once by :func:`analyse` (data only).

    What its notes say is held as data: ``empty_groups`` (crime groups with no crime in the
    period), ``unmapped`` (crimes in the period with no location), ``has_population`` and
    ``no_population`` (LSOAs without a population figure) and ``has_previous``;
    :func:`assessment.words.hotspots.notes` words them.
    """

    period: Period
    table: pd.DataFrame                      # all crime, indexed by lsoa_code
    group_tables: dict = field(default_factory=dict)   # crime group -> lsoa_table
    concentration: pd.DataFrame = None
    wards: pd.DataFrame = None
    counts_by_group: dict = field(default_factory=dict)
    has_geometry: bool = False
    has_previous: bool = False
    islands: list = field(default_factory=list)
    no_population: list = field(default_factory=list)
    headlines: dict = field(default_factory=dict)
    emerging: EmergingResult | None = None
    rule: SignificanceRule = SignificanceRule()   # the one rule that decided every class shown
    has_population: bool = True              # population figures were supplied (else no rates at all)
    empty_groups: list = field(default_factory=list)   # crime groups with no crime in the period
    unmapped: int = 0                        # crimes in the period with no location (not counted by LSOA)

    @property
    def classes_use_fdr(self) -> bool:
        return self.rule.fdr

    @property
    def tested(self) -> int:
        """LSOAs with a Gi* p-value (all crime): the number the adjustment allows for."""
        return int(self.table["gi_p"].notna().sum()) if "gi_p" in self.table else 0

    def long_table(self) -> pd.DataFrame:
        """All crime and every crime group in one long table with a ``crime_group`` column."""
        frames = [self.table.assign(crime_group=ALL_CRIME)]
        frames += [t.assign(crime_group=name) for name, t in self.group_tables.items()]
        out = pd.concat(frames)
        cols = ["crime_group"] + [c for c in out.columns if c != "crime_group"]
        return out[cols]


def analyse(ds, emerging: bool = True) -> HotspotsResult:
    """Compute chapter 2 for a :class:`~assessment.dataset.Dataset`.

    Parameters
    ----------
    ds : Dataset
        The run's data and config.
    emerging : bool
        Also run the emerging-hot-spot analysis (:func:`analyse_emerging`) over the complete
        years in the data.

    Returns
    -------
    HotspotsResult
        All crime and each configured crime group: the LSOA table (counts, rates, rank, change,
        Gi*), concentration, ward roll-up, the notes as data, headlines.
    """
    by_lsoa = ds.by_lsoa() if hasattr(ds, "by_lsoa") else ds.crimes
    if by_lsoa is not ds.crimes:    # ward-level counts supply the series: the LSOA-level files' counts (issue 17)
        ds = replace(ds, crimes=by_lsoa if by_lsoa is not None else ds.crimes.iloc[:0])
    cfg = ds.config.hotspots
    lsoas, population = ds.lsoa_frame(), _population(ds)
    boundaries, weights = _geometry(ds, lsoas)
    rule = SignificanceRule.from_config(cfg)
    has_prev = _has_previous(ds)
    table, groups = _tables(ds, lsoas, population, boundaries, weights, has_prev, rule)
    counts = {ALL_CRIME: table["count"], **{name: t["count"] for name, t in groups.items()}}
    shares = list(getattr(cfg, "shares", None) or DEFAULT_SHARES)
    res = HotspotsResult(period=ds.period, table=table, group_tables=groups, wards=ward_rollup(table),
                         concentration=concentration_table(counts, shares, cfg.top_n), counts_by_group=counts,
                         has_geometry=weights is not None, has_previous=has_prev, islands=_islands(weights),
                         no_population=list(missing_population(table["count"], population)),
                         has_population=population is not None, empty_groups=_empty_groups(groups),
                         unmapped=_unmapped(ds), rule=rule)
    if emerging:
        res.emerging = analyse_emerging(ds, lsoas=lsoas, boundaries=boundaries, weights=weights, rule=rule)
    res.headlines = headlines(res, cfg.top_n, shares)
    return res


def _population(ds):
    if ds.population is not None and len(ds.population):
        return ds.population
    if ds.lsoas is not None and "population" in ds.lsoas and ds.lsoas["population"].notna().any():
        return ds.lsoas["population"]
    return None


def _geometry(ds, lsoas):
    """The boundaries in the order of the area's LSOAs (when they cover them all), and their queen weights."""
    boundaries = ds.boundaries
    if boundaries is None:
        return None, None
    universe = lsoa_universe(lsoas)
    if set(boundaries.index) >= set(universe):
        boundaries = boundaries.reindex(universe)
    return boundaries, queen_weights(boundaries)


def _has_previous(ds) -> bool:
    """Whether the data cover the previous 12 months (gap-aware: no change against a year with no data)."""
    span = coverage(ds.crimes, ds.period) if len(ds.crimes) else None
    return span is not None and covers(span, ds.period.previous())


def _tables(ds, lsoas, population, boundaries, weights, has_prev: bool, rule: SignificanceRule):
    """The LSOA table of all crime, and one per configured crime group."""
    kw = dict(boundaries=boundaries, population=population, previous=has_prev, permutations=rule.permutations,
              seed=ds.config.hotspots.seed, fdr=rule.fdr, weights=weights, max_permutations=rule.max_permutations)
    table = lsoa_table(ds.crimes, lsoas, ds.period, **kw)
    groups = {name: lsoa_table(ds.crimes, lsoas, ds.period, crime_types=types, **kw)
              for name, types in ds.config.crime_groups.items()}
    return table, groups


def _islands(weights) -> list:
    return sorted(str(i) for i in (weights.islands if weights is not None else []))


def _empty_groups(groups: dict) -> list:
    return [name for name, t in groups.items() if t["count"].sum() == 0]


def _unmapped(ds) -> int:
    """Crimes in the period with no LSOA (police.uk 'No Location')."""
    cur = ds.crimes[ds.period.contains(ds.crimes["month"])]
    return int(cur.loc[cur["lsoa_code"].isna(), "count"].sum())


def headlines(res: HotspotsResult, top_n: int = 10, shares: Iterable[float] = DEFAULT_SHARES) -> dict:
    """The chapter's summary.json keys (see the module docstring for the list).

    Parameters
    ----------
    res : HotspotsResult
    top_n : int
        The ``top_n`` of the config (the top-10 share).
    shares : iterable of float
        The top shares of the config.

    Returns
    -------
    dict
        summary.json key -> value.
    """
    t = res.table
    c = res.concentration.loc[ALL_CRIME]
    geo = res.has_geometry

    def num(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    top = top_areas(t["count"], min(top_n, len(t)))
    h = {
        "hotspots.lsoas": int(len(t)),
        "hotspots.crimes": int(t["count"].sum()),
        "hotspots.top10_lsoas": [str(i) for i in top.index] if t["count"].sum() > 0 else [],
        "hotspots.top10_share": num(c[f"top{top_n}_share"]),
        "hotspots.gini": num(c["gini"]),
        "hotspots.generalised_gini": num(c["generalised_gini"]),
        "hotspots.hot_spots_99": count_classes(t["gi_class"], 0.99) if geo else None,
        "hotspots.hot_spots_95": count_classes(t["gi_class"], 0.95) if geo else None,
        "hotspots.hot_spots_90": count_classes(t["gi_class"], 0.90) if geo else None,
        "hotspots.cold_spots_95": count_classes(t["gi_class"], 0.95, hot=False) if geo else None,
        "hotspots.hot_spots_95_fdr": count_fdr(t, 0.05) if geo else None,
        "hotspots.tested_lsoas": res.tested if geo else None,
        "hotspots.islands": list(res.islands) if geo else None,
        **res.rule.headlines(),
    }
    for p in shares:
        h[f"hotspots.top_share.{share_key(p)}"] = num(c[f"top_{share_key(p, decimal='.')}pct_share"])
    # names are values, never key paths (see assessment.summary): one object per group / category
    groups = []
    for name, gt in res.group_tables.items():
        gc = res.concentration.loc[name]
        tested = geo and not (gt["gi_class"] == NO_VARIATION).all()
        groups.append({"name": str(name), "top10_share": num(gc[f"top{top_n}_share"]), "gini": num(gc["gini"]),
                       "generalised_gini": num(gc["generalised_gini"]),
                       "hot_spots_95": count_classes(gt["gi_class"], 0.95) if tested else None,
                       **{f"top_share_{share_key(p)}": num(gc[f"top_{share_key(p, decimal='.')}pct_share"])
                          for p in shares}})
    if groups:
        h["hotspots.by_group"] = groups
    em = res.emerging
    if em is not None:
        h["hotspots.emerging.years"] = len(em.periods)
        if em.table is not None:
            counts = em.table["category"].value_counts()
            h["hotspots.emerging.categories"] = [{"name": cat, "lsoas": int(counts.get(cat, 0))} for cat in CATEGORIES]
    return h


def group_summary(res: HotspotsResult) -> pd.DataFrame:
    """One row per crime group (all crime first): what the chapter's crime-group table shows.

    Parameters
    ----------
    res : HotspotsResult

    Returns
    -------
    DataFrame
        crime_group, crimes, top<n>_share (the share in the top ``top_n`` LSOAs), gini,
        generalised_gini, hot_spots_95 (NA without Gi*), top_lsoa and top_lsoa_name (the LSOA with
        most crime; None when there is no crime).
    """
    rows = []
    tables = {ALL_CRIME: res.table, **res.group_tables}
    for name, t in tables.items():
        c = res.concentration.loc[name]
        top = t.index[0] if t["count"].sum() > 0 else None
        key = next(k for k in c.index if k.startswith("top") and "pct" not in k)      # e.g. top10_share
        rows.append({"crime_group": name, "crimes": int(c["crimes"]), key: c[key],
                     "gini": c["gini"], "generalised_gini": c["generalised_gini"],
                     "hot_spots_95": count_classes(t["gi_class"], 0.95) if res.has_geometry else pd.NA,
                     "top_lsoa": top, "top_lsoa_name": t.loc[top, "lsoa_name"] if top is not None else None})
    return pd.DataFrame(rows)
