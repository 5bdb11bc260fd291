"""Emerging hotspots (§5.2): yearly Gi* per LSOA, a Mann–Kendall trend test, a pattern class.

An adaptation of ArcGIS Pro's *Emerging Hot Spot Analysis* to LSOAs and years:

1. for each complete year in the data, Gi* per LSOA (:func:`assessment.hotspots.gistar`,
   binary queen contiguity including the LSOA, seeded permutations, the significance rule of
   the hot-spot map, :class:`~assessment.significance.SignificanceRule`) — a yearly state of
   hot (+1), cold (−1) or neither (0) at the configured confidence;
2. the Mann–Kendall test (:func:`mann_kendall`, written in a few lines with the tie and
   continuity corrections, rather than adding a dependency for it) on each LSOA's series of
   yearly Gi* z-scores;
3. a class per LSOA from the states and the trend (:func:`classify`).

The statistics of steps 2 and 3 — :func:`mann_kendall`, :func:`states`, :func:`classify`,
:func:`emerging_hotspots` and the :data:`CATEGORIES` — are :mod:`assessment.stats.mann_kendall`'s
and :mod:`assessment.stats.emerging`'s, re-exported here; this module computes the yearly Gi*
from the crimes and words the results.

Example
-------
>>> mk = mann_kendall([1, 2, 3, 4, 5])
>>> mk.s, round(mk.var_s, 4), round(mk.z, 4), round(mk.p, 4)
(10, 16.6667, 2.2045, 0.0275)
>>> classify([0, 0, 0, 0, 1], trend_p=0.5, trend_s=4)
'New hot spot'
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from .dataset import lsoa_counts
from .figures.maps import choropleth
from .periods import Period
from .significance import ALPHAS, DEFAULT_FDR, DEFAULT_PERMUTATIONS, SignificanceRule

# the statistics are assessment.stats's; their old names here are the same objects (re-exported)
from .stats.emerging import (  # noqa: F401
    CATEGORIES,
    COLD_CATEGORIES,
    HOT_CATEGORIES,
    NO_PATTERN,
    NOT_TESTED,
    _run_ending_at_final,
    classify,
    emerging_hotspots,
    states,
)
from .stats.gistar import gistar, queen_weights
from .stats.mann_kendall import MannKendall, mann_kendall  # noqa: F401

_METHODS_HEAD = r"""
### Emerging hotspots (chapter 2)

An adaptation of ArcGIS Pro's *Emerging Hot Spot Analysis* (Esri, "How Emerging Hot Spot Analysis
works") to LSOAs and years, since no Python library offers it. ArcGIS computes Gi* on space-time
bins; here Gi* is computed separately for each year, on the same queen-contiguity weights as the
hot-spot map.

* **Years**: every complete assessment-length year (the assessment period and the same months in
  earlier years) that the data cover, oldest first. The classes need at least three years and
  are designed for {min_years} or more (`hotspots.emerging_min_years`); the report says so plainly when
  there are fewer.
"""

_METHODS_TAIL = r"""
* **Trend**: the Mann–Kendall test on the LSOA's yearly Gi* z-scores z₁ … zₙ (Mann 1945; Kendall
  1975): S = Σᵢ<ⱼ sign(zⱼ − zᵢ); Var(S) = [n(n − 1)(2n + 5) − Σₜ t(t − 1)(2t + 5)] ÷ 18, where t runs
  over the sizes of groups of tied values; Z = (S − 1)/√Var(S) if S > 0, (S + 1)/√Var(S) if S < 0,
  0 if S = 0 (continuity correction); two-sided p = 2·(1 − Φ(|Z|)); Kendall's τ = S ÷ (n(n − 1)/2).
  The trend is significant when p < {trend_alpha:g} (`hotspots.trend_alpha`). With five years only a series
  that rises (or falls) every year reaches significance (S = ±10, p = 0.027).
* **Classes** (hot% = share of years that are hot; "final" = the assessment year). For an LSOA
  whose final year is hot, the first rule that applies:
  - **Intensifying hot spot**: hot% ≥ 90% and a significant upward trend in z;
  - **Diminishing hot spot**: hot% ≥ 90% and a significant downward trend in z;
  - **Persistent hot spot**: hot% ≥ 90% and no significant trend;
  - **Oscillating hot spot**: hot% < 90% and at least one earlier year was cold;
  - **New hot spot**: the final year is the only hot year (and no year was cold);
  - **Consecutive hot spot**: the hot years form one unbroken run of two or more years ending in the
    final year (no year cold, hot% < 90%);
  - **Sporadic hot spot**: any other pattern of hot years, on and off, never cold (hot% < 90%).

  For an LSOA whose final year is not hot and not cold: **Historical hot spot** when hot% ≥ 90%,
  **Historical cold spot** when cold% ≥ 90%, otherwise **No pattern detected**. The cold classes
  mirror the hot ones with hot and cold swapped; for cold spots *intensifying* means a significant
  **downward** trend in z (clustering of low counts growing stronger) and *diminishing* a
  significant upward trend. Where ArcGIS leaves the order open we chose: oscillating (any earlier
  year of the opposite kind) before new and consecutive. LSOAs without neighbours, or with no
  test in some year, are "Not tested".
"""


def methods(rule: SignificanceRule = SignificanceRule(), alpha: float = 0.10, trend_alpha: float = 0.05,
            min_years: int = 5) -> str:
    """The methods text of the emerging-hotspot analysis for a run's significance rule and settings.

    The yearly state uses the same p-value as the hot-spot map (``rule.p_column``):

    >>> "adjusted for testing every LSOA at once within each year" in methods(SignificanceRule(fdr=True))
    True
    >>> "each LSOA is tested on its own within each year" in methods(SignificanceRule(fdr=False))
    True
    """
    conf = f"{round((1 - alpha) * 100):g}%"
    which = (f"{rule.p_clause(' within each year')} — the rule of the hot-spot map "
             f"(`hotspots.fdr: {'true' if rule.fdr else 'false'}`)")
    if rule.fdr:
        which += "; ArcGIS's Emerging Hot Spot Analysis adjusts too"
    else:
        which += f"; so with no real clustering about {alpha:.0%} of LSOA-years would count as hot or cold by chance"
    state = (f"* **Yearly state**: Gi* per LSOA per year, as for the hot-spot map: binary queen weights with the "
             f"LSOA itself, and {rule.permutation_phrase()}. A year is **hot** for an LSOA when its z-score is "
             f"positive and its p-value is at most α = {alpha:.2f} ({conf} confidence; ArcGIS's threshold is 0.10; "
             f"`hotspots.emerging_alpha`), **cold** when negative with p ≤ α, otherwise neither. The p-value is "
             f"{which}.\n")
    return (_METHODS_HEAD.format(min_years=min_years).rstrip("\n") + "\n" + state
            + _METHODS_TAIL.format(trend_alpha=trend_alpha).lstrip("\n") + "\n")


METHODS = methods()


def emerging_periods(crimes: pd.DataFrame, period: Period, max_years: int = 20) -> list[Period]:
    """The assessment period and the same months in each earlier year the data cover fully, oldest first.

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
    """Gi* per LSOA for each period: long table (lsoa_code, year, count, neighbours, gi_z,
    gi_permutations, gi_p, gi_p_fdr, gi_class).

    ``year`` is the period label (e.g. ``2023/24``).  Uses the same seed every year.  The Gi*
    settings are those of :func:`assessment.hotspots.gistar` (``alphas``: the thresholds whose
    borderline LSOAs get more permutations).

    Example
    -------
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
    """What the chapter shows about emerging hotspots."""

    periods: list
    min_years: int
    table: pd.DataFrame | None = None     # emerging_hotspots(...) joined with names/wards
    yearly: pd.DataFrame | None = None
    reason: str = ""                          # why there is no table, when there is none
    notes: list = field(default_factory=list)
    rule: SignificanceRule = SignificanceRule()   # the hot-spot map's rule, used for every yearly state
    alpha: float = 0.10                       # a year is hot/cold at p <= alpha (hotspots.emerging_alpha)

    @property
    def enough_years(self) -> bool:
        return len(self.periods) >= self.min_years


def analyse(ds, lsoas=None, boundaries=None, weights=None, crime_types=None,
            rule: SignificanceRule | None = None) -> EmergingResult:
    """Emerging hotspots for a dataset: the complete years in the data, yearly Gi*, classes.

    ``rule``: the hot-spot map's significance rule (default: the config's)."""
    # cycle until Gi* moves to assessment.stats (issue 13): hotspots imports this module
    cfg = ds.config.hotspots
    rule = rule if rule is not None else SignificanceRule.from_config(cfg)
    alpha = getattr(cfg, "emerging_alpha", 0.10)
    lsoas = lsoas if lsoas is not None else ds.lsoa_frame()
    periods = emerging_periods(ds.crimes, ds.period)
    res = EmergingResult(periods=periods, min_years=cfg.emerging_min_years, rule=rule, alpha=alpha)
    if boundaries is None and weights is None:
        boundaries = ds.boundaries
    if boundaries is None and weights is None:
        res.reason = "There is no boundary file, so emerging hotspots (which need Gi*) cannot be computed."
        return res
    if len(periods) < 3:
        res.reason = (f"The data cover {len(periods)} complete year{'s' if len(periods) != 1 else ''} up to "
                      f"{ds.period.label}; emerging hotspots need at least three (five or more to be reliable).")
        return res
    if weights is None:
        weights = queen_weights(boundaries)
    trend_alpha = getattr(cfg, "trend_alpha", 0.05)
    yearly = yearly_gistar(ds.crimes, lsoas, periods, weights=weights, crime_types=crime_types,
                           permutations=rule.permutations, seed=cfg.seed, fdr=rule.fdr,
                           max_permutations=rule.max_permutations, alphas=tuple(sorted(set(ALPHAS) | {alpha})))
    table = emerging_hotspots(yearly, alpha=alpha, trend_alpha=trend_alpha, use_fdr=rule.fdr)
    meta = lsoas.reindex(table.index) if isinstance(lsoas, pd.DataFrame) else pd.DataFrame(index=table.index)
    front = pd.DataFrame(index=table.index)
    for src, dst in (("lsoa_name", "lsoa_name"), ("ward_name", "ward")):
        front[dst] = meta[src].astype("string") if src in meta else pd.NA
    res.table = front.join(table)
    res.yearly = yearly
    if not res.enough_years:
        res.notes.append(fewer_years_note(len(periods), res.min_years))
    return res


def state_sentence(res: EmergingResult) -> str:
    """Which years count as hot or cold for an LSOA, worded from the significance rule.

    >>> r = EmergingResult(periods=[1, 2, 3], min_years=5, yearly=pd.DataFrame({"year": ["a"] * 4 + ["b"] * 4,
    ...                    "gi_p": [0.1, 0.2, None, 0.3] * 2}))
    >>> state_sentence(r)
    'A year counts as hot (or cold) for an LSOA when its Gi* z-score is positive (negative) at 90% confidence or more, allowing for testing all 3 LSOAs at once each year (false discovery rate) — the rule of the hot-spot map.'
    """
    if res.yearly is None or not len(res.yearly):
        return ""
    tested = int(res.yearly.groupby("year")["gi_p"].count().max())
    conf = f"{round((1 - res.alpha) * 100):g}%"
    return (f"A year counts as hot (or cold) for an LSOA when its Gi* z-score is positive (negative) at {conf} "
            f"confidence or more, {res.rule.allowance(tested, within=' each year')} — the rule of the hot-spot map.")


def fewer_years_note(n: int, min_years: int = 5) -> str:
    """The plain note shown when the data hold fewer years than the method is designed for.

    >>> fewer_years_note(3)
    'The data cover only 3 complete years, fewer than the 5 this method is designed for: treat these classes as provisional, and note that with so few years no trend can be statistically significant.'
    """
    return (f"The data cover only {n} complete years, fewer than the {min_years} this method is designed for: "
            "treat these classes as provisional, and note that with so few years no trend can be "
            "statistically significant.")


def summary_table(res: EmergingResult) -> pd.DataFrame:
    """Number of LSOAs in each category present (in :data:`CATEGORIES` order)."""
    if res.table is None:
        return pd.DataFrame(columns=["category", "lsoas"])
    counts = res.table["category"].value_counts()
    rows = [(c, int(counts[c])) for c in CATEGORIES if c in counts]
    return pd.DataFrame(rows, columns=["category", "lsoas"])


def publishable(res: EmergingResult) -> pd.DataFrame:
    """The table written to ``tables/emerging_hotspots.csv`` (lsoa_code a column, hot patterns first)."""
    t = res.table.reset_index()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    t["_o"] = t["category"].map(order)
    return t.sort_values(["_o", "lsoa_code"]).drop(columns="_o")


#: map colours: hot patterns in reds, cold in blues, no pattern light grey; hot ones are also hatched
EMERGING_COLORS = {
    "New hot spot": "#fcbba1", "Consecutive hot spot": "#fc9272", "Intensifying hot spot": "#a50f15",
    "Persistent hot spot": "#cb181d", "Diminishing hot spot": "#ef3b2c", "Sporadic hot spot": "#fdd0c2",
    "Oscillating hot spot": "#fb6a4a", "Historical hot spot": "#67000d",
    "New cold spot": "#c6dbef", "Consecutive cold spot": "#9ecae1", "Intensifying cold spot": "#08519c",
    "Persistent cold spot": "#2171b5", "Diminishing cold spot": "#4292c6", "Sporadic cold spot": "#deebf7",
    "Oscillating cold spot": "#6baed6", "Historical cold spot": "#08306b",
    NO_PATTERN: "#eeeeee", NOT_TESTED: "#ffffff",
}
EMERGING_HATCHES = {"New hot spot": "..", "Consecutive hot spot": "//", "Intensifying hot spot": "xx",
                    "Persistent hot spot": "///", "Diminishing hot spot": "\\\\", "Sporadic hot spot": "--",
                    "Oscillating hot spot": "++", "Historical hot spot": "||", NOT_TESTED: "..."}


def emerging_map(res: EmergingResult, boundaries, attribution: str = "", label_column: str = "lsoa_code"):
    """Categorical map of the emerging-hotspot classes (hot patterns hatched)."""
    gdf = boundaries[["geometry"]].join(res.table[["category"]])
    present = [c for c in CATEGORIES if c in set(gdf["category"].dropna())]
    return choropleth(gdf, "category", categorical=True, colors=EMERGING_COLORS, hatches=EMERGING_HATCHES,
                      order=present, legend_title="Emerging-hotspot pattern", attribution=attribution)


def map_title(res: EmergingResult) -> str:
    """A finding-stating title for the emerging-hotspot map.

    >>> r = EmergingResult(periods=[1, 2, 3, 4, 5], min_years=5,
    ...                    table=pd.DataFrame({"category": ["New hot spot", "Persistent hot spot", NO_PATTERN]}))
    >>> map_title(r)
    '2 LSOAs show a hot-spot pattern over 5 years: 1 new, 1 persistent'
    """
    counts = res.table["category"].value_counts()
    hot = [(c, int(counts[c])) for c in HOT_CATEGORIES if c in counts]
    n = sum(k for _, k in hot)
    if n == 0:
        return f"No LSOA shows a hot-spot pattern over {len(res.periods)} years"
    parts = ", ".join(f"{k} {c.split()[0].lower()}" for c, k in sorted(hot, key=lambda x: -x[1])[:3])
    return f"{n} LSOA{'s show' if n != 1 else ' shows'} a hot-spot pattern over {len(res.periods)} years: {parts}"


def display_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The emerging-hotspot table with readable column names, for display."""
    names = {"lsoa_code": "LSOA", "lsoa_name": "LSOA name", "ward": "Ward", "category": "Pattern",
             "hot_years": "Hot years", "cold_years": "Cold years", "mk_tau": "Kendall's tau", "mk_p": "Trend p"}
    t = table.reset_index() if table.index.name == "lsoa_code" else table
    return t[[c for c in names if c in t]].rename(columns=names)
