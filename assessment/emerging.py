"""Emerging hotspots (§5.2): yearly Gi* per LSOA, a Mann–Kendall trend test, a pattern class.

An adaptation of ArcGIS Pro's *Emerging Hot Spot Analysis* to LSOAs and years:

1. for each complete year in the data, Gi* per LSOA (:func:`assessment.hotspots.gistar`,
   binary queen contiguity including the LSOA, seeded permutations, the significance rule of
   the hot-spot map, :class:`~assessment.significance.SignificanceRule`) — a yearly state of
   hot (+1), cold (−1) or neither (0) at the configured confidence;
2. the Mann–Kendall test (:func:`mann_kendall`, written here in a few lines with the tie
   and continuity corrections, rather than adding a dependency for it) on each LSOA's
   series of yearly Gi* z-scores;
3. a class per LSOA from the states and the trend (:func:`classify`).

Example
-------
>>> mk = mann_kendall([1, 2, 3, 4, 5])
>>> mk.s, round(mk.var_s, 4), round(mk.z, 4), round(mk.p, 4)
(10, 16.6667, 2.2045, 0.0275)
>>> classify([0, 0, 0, 0, 1], trend_p=0.5, trend_s=4)
'New hot spot'
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from .dataset import lsoa_counts
from .errors import AssessmentError
from .maps import choropleth
from .periods import Period
from .significance import ALPHAS, DEFAULT_FDR, DEFAULT_PERMUTATIONS, SignificanceRule

#: categories, hot then cold, then no pattern (the order of legends and tables)
HOT_CATEGORIES = ["New hot spot", "Consecutive hot spot", "Intensifying hot spot", "Persistent hot spot",
                  "Diminishing hot spot", "Sporadic hot spot", "Oscillating hot spot", "Historical hot spot"]
COLD_CATEGORIES = [c.replace("hot spot", "cold spot") for c in HOT_CATEGORIES]
NO_PATTERN = "No pattern detected"
NOT_TESTED = "Not tested"
CATEGORIES = HOT_CATEGORIES + COLD_CATEGORIES + [NO_PATTERN, NOT_TESTED]

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


class MannKendall(NamedTuple):
    """Result of :func:`mann_kendall`."""

    n: int
    s: int
    var_s: float
    z: float
    p: float
    tau: float


def mann_kendall(x: Sequence[float]) -> MannKendall:
    """Mann–Kendall trend test with tie correction and continuity correction.

    S = Σᵢ<ⱼ sign(xⱼ − xᵢ);  Var(S) = [n(n−1)(2n+5) − Σₜ t(t−1)(2t+5)] / 18  (t: sizes of
    tied groups);  Z = (S − sign(S)) / √Var(S) (0 when S = 0);  p = 2·(1 − Φ(|Z|)) two-sided;
    τ = S / (n(n−1)/2).  References: Mann (1945) *Econometrica* 13, 245–259; Kendall (1975)
    *Rank Correlation Methods*; Hipel & McLeod (1994) ch. 23.

    Parameters
    ----------
    x : sequence of float
        The series in time order; NaN is not allowed (returns NaN statistics).

    Example (hand-worked: [1, 2, 2, 3]: five rising pairs, one tie, S = 5;
    Var = (4·3·13 − 2·1·9)/18 = 138/18 = 7.667; Z = 4/√7.667 = 1.4446; p = 0.1486)
    -------
    >>> r = mann_kendall([1, 2, 2, 3])
    >>> r.s, round(r.var_s, 4), round(r.z, 4), round(r.p, 4), round(r.tau, 4)
    (5, 7.6667, 1.4446, 0.1486, 0.8333)
    """
    from scipy.stats import norm  # heavy (~1 s): scipy.stats only for the Mann-Kendall test
    a = np.asarray(x, dtype=float)
    n = len(a)
    if n < 2 or np.isnan(a).any():
        return MannKendall(n, 0, float("nan"), float("nan"), float("nan"), float("nan"))
    diff = a[None, :] - a[:, None]                     # diff[i, j] = x_j - x_i
    s = int(np.sign(diff[np.triu_indices(n, k=1)]).sum())
    _, ties = np.unique(a, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - float((ties * (ties - 1) * (2 * ties + 5)).sum())) / 18.0
    if var <= 0:
        z = 0.0
    elif s > 0:
        z = (s - 1) / math.sqrt(var)
    elif s < 0:
        z = (s + 1) / math.sqrt(var)
    else:
        z = 0.0
    p = float(2.0 * norm.sf(abs(z)))
    tau = s / (n * (n - 1) / 2.0)
    return MannKendall(n, s, float(var), float(z), p, float(tau))


def _run_ending_at_final(states: np.ndarray, kind: int) -> int:
    """Length of the run of ``kind`` states ending in the final year."""
    k = 0
    for v in states[::-1]:
        if v != kind:
            break
        k += 1
    return k


def classify(states: Sequence[int], trend_p: float, trend_s: float, trend_alpha: float = 0.05,
             share: float = 0.90) -> str:
    """The emerging-hotspot class of one LSOA (rules in :data:`METHODS`).

    Parameters
    ----------
    states : sequence of int
        Yearly states, oldest first: +1 hot, −1 cold, 0 neither.
    trend_p, trend_s : float
        Mann–Kendall p-value and S of the yearly z-scores.
    trend_alpha : float
        A trend is significant when ``trend_p < trend_alpha``.
    share : float
        The "90%" of the ArcGIS definitions.

    Example
    -------
    >>> classify([1, 1, 1, 1, 1], trend_p=0.03, trend_s=10)
    'Intensifying hot spot'
    >>> classify([0, 1, 0, 1, 1], trend_p=0.5, trend_s=3)
    'Sporadic hot spot'
    >>> classify([-1, 0, 0, 0, 0], trend_p=0.5, trend_s=2)
    'No pattern detected'
    """
    st = np.asarray(states, dtype=int)
    n = len(st)
    if n == 0 or not set(np.unique(st)) <= {-1, 0, 1}:
        raise AssessmentError(f"emerging hotspots: expected yearly states of -1, 0 or 1, found {list(states)}")
    final = st[-1]
    sig_trend = (trend_p is not None and not math.isnan(trend_p) and trend_p < trend_alpha)
    if final == 0:
        if (st == 1).sum() / n >= share - 1e-12:
            return "Historical hot spot"
        if (st == -1).sum() / n >= share - 1e-12:
            return "Historical cold spot"
        return NO_PATTERN
    kind = int(final)
    word = "hot spot" if kind == 1 else "cold spot"
    same = int((st == kind).sum())
    other = int((st == -kind).sum())
    if same / n >= share - 1e-12:
        if sig_trend and trend_s != 0:
            rising = trend_s > 0
            intensifying = rising if kind == 1 else not rising
            return ("Intensifying " if intensifying else "Diminishing ") + word
        return "Persistent " + word
    if other > 0:
        return "Oscillating " + word
    if same == 1:
        return "New " + word
    if _run_ending_at_final(st, kind) == same:
        return "Consecutive " + word
    return "Sporadic " + word


def states(z: pd.Series, p: pd.Series, alpha: float = 0.10) -> pd.Series:
    """Yearly state per row: +1 hot (z > 0, p ≤ alpha), −1 cold (z < 0, p ≤ alpha), 0 otherwise.

    >>> import pandas as pd
    >>> states(pd.Series([2.5, -2.0, 3.0, 1.0]), pd.Series([0.01, 0.08, 0.2, 0.01])).tolist()
    [1, -1, 0, 1]
    """
    sig = p <= alpha + 1e-12
    out = pd.Series(0, index=z.index, dtype="int64")
    out[sig & (z > 0)] = 1
    out[sig & (z < 0)] = -1
    return out.rename("state")


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
    # cycle until Gi* moves to assessment.stats (issue 13): hotspots imports this module
    from .hotspots import gistar, queen_weights
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


def emerging_hotspots(yearly: pd.DataFrame, alpha: float = 0.10, trend_alpha: float = 0.05,
                      use_fdr: bool = DEFAULT_FDR) -> pd.DataFrame:
    """One row per LSOA: yearly states, the Mann–Kendall trend of the z-scores, and the class.

    The yearly state uses ``gi_p_fdr`` when ``use_fdr`` (the significance rule's ``fdr``), else ``gi_p``.

    Columns: category, years, hot_years, cold_years, final_state, mk_s, mk_var, mk_z, mk_p,
    mk_tau, then ``z <year>`` and ``state <year>`` per year.  Indexed by lsoa_code.  An LSOA
    with any untested year (no neighbours, no variation) is "Not tested".

    Example
    -------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"lsoa_code": ["A"] * 5, "year": ["1", "2", "3", "4", "5"],
    ...                   "gi_z": [2.0, 2.5, 3.0, 3.5, 4.0], "gi_p": [0.01] * 5, "gi_p_fdr": [0.02] * 5})
    >>> r = emerging_hotspots(y).loc["A"]
    >>> r["category"], int(r["mk_s"]), int(r["hot_years"])
    ('Intensifying hot spot', 10, 5)
    """
    pcol = "gi_p_fdr" if use_fdr else "gi_p"
    years = list(dict.fromkeys(yearly["year"].tolist()))
    z = yearly.pivot(index="lsoa_code", columns="year", values="gi_z")[years]
    p = yearly.pivot(index="lsoa_code", columns="year", values=pcol)[years]
    rows = {}
    for code in z.index:
        zs, ps = z.loc[code].astype(float), p.loc[code].astype(float)
        if zs.isna().any() or ps.isna().any():
            rows[code] = {"category": NOT_TESTED, "years": len(years)}
            continue
        st = states(zs, ps, alpha).to_numpy()
        mk = mann_kendall(zs.to_numpy())
        rows[code] = {"category": classify(st, mk.p, mk.s, trend_alpha), "years": len(years),
                      "hot_years": int((st == 1).sum()), "cold_years": int((st == -1).sum()),
                      "final_state": int(st[-1]), "mk_s": mk.s, "mk_var": mk.var_s, "mk_z": mk.z,
                      "mk_p": mk.p, "mk_tau": mk.tau,
                      **{f"state {y}": int(s) for y, s in zip(years, st)}}
    out = pd.DataFrame.from_dict(rows, orient="index")
    for col in ("hot_years", "cold_years", "final_state", "mk_s"):
        if col in out:
            out[col] = out[col].astype("Int64")
    for y in years:
        out[f"z {y}"] = z[y].astype(float)
    out.index.name = "lsoa_code"
    return out


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
    from .hotspots import queen_weights
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
