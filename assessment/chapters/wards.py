"""Chapter 2 at ward level (issue 17): crime, change, five-year trend, concentration and Getis–Ord
Gi* hot spots by ward, for crime inputs counted by ward (the MPS ward-level tables).

:func:`analyse` returns a :class:`WardResult` (data only); the sentences are
:mod:`assessment.words.wards`.  The ward is the unit the LSOA is in the LSOA analyses of
:mod:`assessment.chapters.hotspots`, whose table shaping (:func:`~.hotspots.lsoa_table`,
:func:`~.hotspots.concentration_table`) is reused with ward codes in place of LSOA codes:

* the area's wards: the ward lookup's wards of the area's LSOAs, the ward boundary file's and the
  wards of the crime rows;
* residents per ward: the sum of the ward's LSOAs' residents (the ONS best-fit LSOA -> ward lookup),
  blank when any of its LSOAs has no estimate;
* Gi* on the ward polygons (``inputs.ward_boundaries``, else the LSOA polygons dissolved by the
  ward lookup), queen contiguity, as for LSOAs;
* the yearly table: crimes per ward in each of the ``trend_years`` years to the assessment year,
  with the change on the previous year and on the baseline year.

Headline keys written to ``summary.json`` (``null`` when the inputs cannot give the figure):

====================================  ===================================================
key                                   meaning
====================================  ===================================================
``wards.count``                       wards in the area
``wards.crimes``                      crimes in the period counted by ward
``wards.top_ward``                    the ward with most crime (name)
``wards.top_ward_share``              its share of the area's crime
``wards.gini``                        Gini coefficient of crime across wards
``wards.hot_spots_95``                wards that are Gi* hot spots at 95% or higher
====================================  ===================================================

Example
-------
>>> import pandas as pd
>>> from assessment.periods import financial_year
>>> c = pd.DataFrame({"ward_code": ["W1", "W2", "W1"], "count": [5, 1, 2],
...                   "month": pd.to_datetime(["2024-04-01", "2025-03-01", "2023-04-01"])})
>>> t = yearly_table(c, ["W1", "W2"], financial_year(2024), years=2)
>>> t[["crimes 2023/24", "crimes 2024/25"]].values.tolist()
[[2, 5], [0, 1]]
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..loaders.geography import boundary_attribution
from ..periods import Period, coverage, covers
from ..significance import SignificanceRule
from ..stats.gistar import count_classes, queen_weights
from . import hotspots

#: the top shares of wards in the concentration table (an area has some 15-30 wards)
WARD_SHARES = (0.10, 0.25, 0.50)
#: how many wards the "top wards" share counts
TOP_WARDS = 3


#: chapter 2's required summary.json keys when nothing is counted by LSOA (ward-level counts only): null
NO_LSOA_HEADLINES = {k: None for k in ("hotspots.lsoas", "hotspots.crimes", "hotspots.top10_lsoas",
                                         "hotspots.top10_share", "hotspots.gini", "hotspots.generalised_gini",
                                         "hotspots.hot_spots_95")}


def attribution(ds) -> str:
    """The ONS/OS attribution for maps drawn on the ward polygons (real ONS ward codes, not synthetic)."""
    codes = ds.ward_boundaries.index if ds.ward_boundaries is not None else None
    return boundary_attribution(codes, ds.config.synthetic)


def available(ds) -> bool:
    """Whether the crimes carry ward codes (MPS ward-level counts, or LSOA counts with a ward lookup in
    a run that has ward-level files)."""
    return bool(getattr(ds, "ward_level", False)) and "ward_code" in ds.crimes and ds.crimes["ward_code"].notna().any()


@dataclass
class WardResult:
    """Everything the ward-level sections show (data only)."""

    period: Period
    table: pd.DataFrame                         # hotspots.lsoa_table's columns, indexed by ward code
    yearly: pd.DataFrame                        # crimes per ward per year, change on previous year and baseline
    concentration: pd.DataFrame
    group_tables: dict = field(default_factory=dict)
    counts_by_group: dict = field(default_factory=dict)
    boundaries: object | None = None            # ward polygons indexed by ward code (ward_name)
    has_geometry: bool = False
    has_previous: bool = False
    boundary_source: str = ""                   # "ward_boundaries", "dissolved" or ""
    no_ward: int = 0                            # crimes in the period with no ward (not counted by ward)
    baseline_label: str | None = None
    rule: SignificanceRule = SignificanceRule()
    headlines: dict = field(default_factory=dict)


def ward_frame(ds) -> pd.DataFrame:
    """The area's wards indexed by ward code: ward name, residents (see the module docstring), LSOAs."""
    codes = set(ds.crimes["ward_code"].dropna()) if "ward_code" in ds.crimes else set()
    names = pd.Series(dtype="string")
    lsoas = ds.lsoa_frame() if ds.lsoas is not None else None
    pop = pd.Series(dtype="float64")
    n_lsoas = pd.Series(dtype="int64")
    if lsoas is not None and "ward_code" in lsoas and lsoas["ward_code"].notna().any():
        w = lsoas.dropna(subset=["ward_code"])
        codes |= set(w["ward_code"])
        names = w.drop_duplicates("ward_code").set_index("ward_code")["ward_name"].astype("string")
        n_lsoas = w.groupby("ward_code").size()
        if "population" in w:
            p = w["population"].astype("Float64")
            pop = p.groupby(w["ward_code"]).sum(min_count=1).astype(float)
            pop[p.isna().groupby(w["ward_code"]).any()] = np.nan
    if ds.ward_boundaries is not None:
        codes |= set(ds.ward_boundaries.index)
        names = names.combine_first(ds.ward_boundaries["ward_name"].astype("string"))
    if ds.ward_names is not None:
        names = names.combine_first(ds.ward_names.astype("string"))
    idx = pd.Index(sorted(codes), name="lsoa_code")      # the unit code, under the name the LSOA tables use
    out = pd.DataFrame(index=idx)
    out["lsoa_name"] = names.reindex(idx).fillna(pd.Series(idx, index=idx)).astype("string")
    out["ward_code"] = pd.Series(idx, index=idx, dtype="string")
    out["ward_name"] = out["lsoa_name"]
    out["population"] = pop.reindex(idx) if len(pop) else np.nan
    out["lsoas"] = n_lsoas.reindex(idx).astype("Int64") if len(n_lsoas) else pd.array([pd.NA] * len(idx), dtype="Int64")
    return out


def ward_polygons(ds, units: pd.DataFrame):
    """The ward polygons in the order of ``units`` and where they came from: ``inputs.ward_boundaries``,
    else the LSOA polygons dissolved by the ward lookup; (None, "") when neither covers every ward."""
    if ds.ward_boundaries is not None and set(ds.ward_boundaries.index) >= set(units.index):
        g = ds.ward_boundaries.reindex(units.index)
        return g.rename(columns={"ward_name": "lsoa_name"}), "ward_boundaries"
    lsoas = ds.lsoa_frame() if ds.lsoas is not None else None
    if ds.boundaries is not None and lsoas is not None and "ward_code" in lsoas:
        b = ds.boundaries[["geometry"]].join(lsoas[["ward_code"]], how="inner").dropna(subset=["ward_code"])
        if len(b):
            g = b.dissolve(by="ward_code")
            if set(g.index) >= set(units.index):
                g = g.reindex(units.index)
                g["lsoa_name"] = units["lsoa_name"]
                g.index.name = "lsoa_code"
                return g, "dissolved"
    return None, ""


def yearly_table(crimes: pd.DataFrame, wards, period: Period, years: int = 5, baseline: Period | None = None) -> pd.DataFrame:
    """Crimes per ward in each of the ``years`` years to ``period`` (columns ``crimes <year label>``,
    oldest first), with ``change_previous`` / ``change_previous_pct`` on the year before and
    ``change_baseline`` / ``change_baseline_pct`` on ``baseline`` (blank when the data do not cover
    that year; a percentage is blank on a year with no crime).

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> c = pd.DataFrame({"ward_code": ["W1", "W1", "W1"], "count": [4, 3, 5],
    ...                   "month": pd.to_datetime(["2022-04-01", "2023-04-01", "2025-03-01"])})
    >>> t = yearly_table(c, ["W1"], financial_year(2024), years=3, baseline=financial_year(2022))
    >>> t.loc["W1", ["crimes 2022/23", "crimes 2023/24", "crimes 2024/25", "change_previous", "change_baseline",
    ...              "change_baseline_pct"]].tolist()
    [4.0, 3.0, 5.0, 2.0, 1.0, 0.25]
    """
    codes = pd.Index(list(wards), name="ward_code")
    span = coverage(crimes, period) if len(crimes) else None
    out = pd.DataFrame(index=codes)
    for k in range(years - 1, -1, -1):
        p = period.shift(-k)
        if span is None or not covers(span, p):
            continue
        sub = crimes[p.contains(crimes["month"])]
        out[f"crimes {p.base_label}"] = sub.groupby("ward_code")["count"].sum().reindex(codes, fill_value=0).astype("int64")
    cur = out[f"crimes {period.base_label}"] if f"crimes {period.base_label}" in out else None
    for key, other in (("previous", period.previous()), ("baseline", baseline)):
        if cur is None or other is None or f"crimes {other.base_label}" not in out:
            out[f"change_{key}"] = pd.array([pd.NA] * len(out), dtype="Int64")
            out[f"change_{key}_pct"] = np.nan
            continue
        base = out[f"crimes {other.base_label}"]
        out[f"change_{key}"] = (cur - base).astype("Int64")
        out[f"change_{key}_pct"] = ((cur - base) / base.where(base > 0)).astype(float).round(12)
    return out


def analyse(ds) -> WardResult:
    """The ward-level sections of chapter 2 for a Dataset whose crimes carry ward codes."""
    cfg = ds.config
    rule = SignificanceRule.from_config(cfg.hotspots)
    units = ward_frame(ds)
    crimes = ds.crimes.assign(lsoa_code=ds.crimes["ward_code"])
    period = ds.period
    cur = crimes[period.contains(crimes["month"])]
    no_ward = int(cur.loc[cur["lsoa_code"].isna(), "count"].sum())
    span = coverage(crimes, period) if len(crimes) else None
    has_prev = span is not None and covers(span, period.previous())
    boundaries, source = ward_polygons(ds, units)
    weights = queen_weights(boundaries) if boundaries is not None else None
    pop = units["population"] if units["population"].notna().any() else None
    kw = dict(boundaries=boundaries, population=pop, previous=has_prev, permutations=rule.permutations,
              seed=cfg.hotspots.seed, fdr=rule.fdr, weights=weights, max_permutations=rule.max_permutations)
    table = hotspots.lsoa_table(crimes, units, period, **kw)
    groups = {name: hotspots.lsoa_table(crimes, units, period, crime_types=types, **kw)
              for name, types in cfg.crime_groups.items()}
    counts = {hotspots.ALL_CRIME: table["count"], **{n: t["count"] for n, t in groups.items()}}
    base_year = cfg.baseline_year if cfg.baseline_year is not None else period.year - 4
    baseline = period.shift(base_year - period.year)
    yearly = yearly_table(crimes.dropna(subset=["ward_code"]), units.index, period, cfg.trend_years, baseline)
    yearly.insert(0, "ward", units["lsoa_name"].reindex(yearly.index))
    res = WardResult(period=period, table=table, yearly=yearly,
                     concentration=hotspots.concentration_table(counts, WARD_SHARES, TOP_WARDS),
                     group_tables=groups, counts_by_group=counts, boundaries=boundaries,
                     has_geometry=weights is not None, has_previous=has_prev, boundary_source=source,
                     no_ward=no_ward, baseline_label=baseline.base_label if f"crimes {baseline.base_label}" in yearly else None, rule=rule)
    res.headlines = headlines(res)
    return res


def headlines(res: WardResult) -> dict:
    """The ward keys of summary.json (see the module docstring)."""
    t = res.table
    total = int(t["count"].sum())
    top = t.iloc[0] if len(t) and total > 0 else None
    has_gi = res.has_geometry and "gi_class" in t
    return {
        "wards.count": int(len(t)),
        "wards.crimes": total,
        "wards.top_ward": None if top is None else str(top["lsoa_name"]),
        "wards.top_ward_share": None if top is None else float(top["count"] / total),
        "wards.gini": float(res.concentration.loc[hotspots.ALL_CRIME, "gini"]) if total > 0 else None,
        "wards.hot_spots_95": int(count_classes(t["gi_class"], 0.95)) if has_gi else None,
    }


def map_frame(res: WardResult, table: pd.DataFrame | None = None):
    """The ward polygons joined with a ward table (default: all crime), for the map functions."""
    return hotspots.map_frame(res.boundaries, res.table if table is None else table)
