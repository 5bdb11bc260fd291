"""Chapter 1, ward profiles: one compact profile per ward (issue 15).

Per ward: crimes in the period, rate per 1,000 residents and change on the previous 12 months
(chapter 2's :func:`~assessment.chapters.hotspots.ward_rollup` of its all-crime LSOA table, so the
figures are those of ``ward_hotspots.csv``), the most common crime types, the LSOAs that are
Getis–Ord Gi* hot spots at 95% confidence or more (chapter 2's rule and settings), ASB incidents
(:mod:`assessment.chapters.asb_da`) and deprivation (the ward's LSOAs in the most deprived 20% of
England, IMD deciles 1–2, and the median decile of its LSOAs).  Data only; the words are
:mod:`assessment.words.wards`.

Example
-------
>>> res = analyse(run.dataset, deciles=dep.deciles)  # doctest: +SKIP
>>> res.table.columns[:4].tolist()  # doctest: +SKIP
['ward_code', 'ward', 'lsoas', 'crimes']
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import lsoa_universe
from ..significance import SignificanceRule
from ..stats.gistar import HOT_AT
from .asb_da import asb_lsoa_counts
from .deprivation import population_of
from .hotspots import _geometry as geometry
from .hotspots import _has_previous, lsoa_table, ward_rollup
from .victims import covers as asb_covers

NO_WARDS = "no_wards"

COLUMNS = ["ward_code", "ward", "lsoas", "crimes", "rate_per_1000", "change_pct", "top_crime_types",
           "hot_spot_lsoas", "hot_spot_lsoa_names", "asb_incidents", "asb_change_pct",
           "most_deprived_20pct_lsoas", "median_imd_decile"]


def top_types(crimes: pd.DataFrame, ward_of: pd.Series, n: int = 3) -> pd.DataFrame:
    """The ``n`` crime types with most crimes in each ward (ties alphabetical): ward_code, crime_type, count, rank.

    Examples
    --------
    >>> c = pd.DataFrame({"lsoa_code": ["A", "A", "A", "B"], "crime_type": ["Theft", "Theft", "Burglary", "Robbery"],
    ...                   "count": [1, 1, 1, 1]})
    >>> top_types(c, pd.Series({"A": "W1", "B": "W2"}), 1)[["ward_code", "crime_type", "count"]].values.tolist()
    [['W1', 'Theft', 2], ['W2', 'Robbery', 1]]
    """
    c = crimes[crimes["lsoa_code"].isin(ward_of.index)]
    g = (c.assign(ward_code=c["lsoa_code"].map(ward_of)).groupby(["ward_code", "crime_type"])["count"].sum()
         .reset_index())
    g = g[g["count"] > 0].sort_values(["ward_code", "count", "crime_type"], ascending=[True, False, True],
                                     kind="mergesort")
    g["rank"] = g.groupby("ward_code").cumcount() + 1
    return g[g["rank"] <= n].reset_index(drop=True)


@dataclass
class WardProfiles:
    """The ward profiles (data only)."""

    available: bool = False
    reason: str | None = None
    table: pd.DataFrame | None = None      # tables/ward_profiles.csv
    types: pd.DataFrame | None = None      # top crime types per ward (ward_code, crime_type, count, rank)
    has_geometry: bool = False
    has_asb: bool = False
    has_asb_previous: bool = False
    has_deprivation: bool = False
    has_population: bool = False
    has_previous: bool = False


def analyse(ds, deciles: pd.Series | None = None, n_types: int = 3) -> WardProfiles:
    """The ward profiles of a Dataset (left out without a ward lookup).

    Parameters
    ----------
    ds : Dataset
    deciles : Series, optional
        IMD decile by LSOA (:attr:`DeprivationResult.deciles`).
    n_types : int
        How many crime types each profile names.
    """
    res = WardProfiles()
    lsoas = ds.lsoa_frame()
    if "ward_code" not in lsoas or lsoas["ward_code"].isna().all():
        res.reason = NO_WARDS
        return res
    universe = lsoa_universe(lsoas)
    rule = SignificanceRule.from_config(ds.config.hotspots)
    boundaries, weights = geometry(ds, lsoas)
    res.has_geometry, res.has_previous = weights is not None, _has_previous(ds)
    pop = population_of(ds)
    res.has_population = pop is not None
    t = lsoa_table(ds.crimes, lsoas, ds.period, boundaries=boundaries, population=pop, previous=res.has_previous,
                   permutations=rule.permutations, seed=ds.config.hotspots.seed, fdr=rule.fdr, weights=weights,
                   max_permutations=rule.max_permutations)
    w = ward_rollup(t)
    ward_of = t["ward_code"].fillna("Unknown").astype(str)
    out = pd.DataFrame({"ward_code": w.index.astype(str), "ward": w["ward"].astype(str).to_numpy(),
                        "lsoas": w["lsoas"].to_numpy(), "crimes": w["count"].to_numpy(),
                        "rate_per_1000": w["rate_per_1000"].to_numpy(dtype=float),
                        "change_pct": w["change_pct"].to_numpy(dtype=float)}).set_index("ward_code", drop=False)
    cur = ds.crimes_in(ds.period)
    res.types = top_types(cur, ward_of, n_types)
    out["top_crime_types"] = [
        "; ".join(res.types.loc[res.types["ward_code"] == wc, "crime_type"].astype(str)) for wc in out.index]
    hot = t[t["gi_class"].isin(HOT_AT[0.95])] if res.has_geometry else t.iloc[0:0]
    names = hot["lsoa_name"].astype("string").fillna(pd.Series(hot.index, index=hot.index).astype("string"))
    out["hot_spot_lsoas"] = [int((hot["ward_code"] == wc).sum()) if res.has_geometry else pd.NA for wc in out.index]
    out["hot_spot_lsoas"] = out["hot_spot_lsoas"].astype("Int64")
    out["hot_spot_lsoa_names"] = ["; ".join(sorted(names[hot["ward_code"] == wc].astype(str))) for wc in out.index]
    _asb(ds, universe, ward_of, out, res)
    _deprivation(deciles, ward_of, out, res)
    res.table = out[COLUMNS].reset_index(drop=True)
    res.available = True
    return res


def _asb(ds, universe, ward_of, out, res) -> None:
    asb = ds.asb
    if asb is None or len(asb) == 0:
        out["asb_incidents"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["asb_change_pct"] = np.nan
        return
    res.has_asb = True
    cur, _ = asb_lsoa_counts(asb, universe, ds.period)
    out["asb_incidents"] = cur.groupby(ward_of.reindex(cur.index)).sum().reindex(out.index).fillna(0).astype("Int64")
    prev_p = ds.period.previous()
    if asb_covers(asb, prev_p):
        res.has_asb_previous = True
        prev, _ = asb_lsoa_counts(asb, universe, prev_p)
        pw = prev.groupby(ward_of.reindex(prev.index)).sum().reindex(out.index).fillna(0).astype(float)
        out["asb_change_pct"] = ((out["asb_incidents"].astype(float) - pw) / pw.where(pw > 0)).round(12)
    else:
        out["asb_change_pct"] = np.nan


def _deprivation(deciles, ward_of, out, res) -> None:
    if deciles is None or deciles.notna().sum() == 0:
        out["most_deprived_20pct_lsoas"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["median_imd_decile"] = np.nan
        return
    res.has_deprivation = True
    d = pd.to_numeric(deciles.reindex(ward_of.index), errors="coerce")
    g = d.groupby(ward_of)
    out["most_deprived_20pct_lsoas"] = (d <= 2).groupby(ward_of).sum().reindex(out.index).astype("Int64")
    out["median_imd_decile"] = g.median().reindex(out.index).astype(float)
