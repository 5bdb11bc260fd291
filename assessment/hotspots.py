"""Chapter 2 — where crime concentrates: hotspots by LSOA (§5.2).

Small verbs over the canonical tables of :mod:`assessment.dataset`, each
returning a pandas object indexed by ``lsoa_code``:

* :func:`lsoa_counts` — crimes per LSOA over the whole LSOA universe (zeros included);
* :func:`rates`, :func:`rank`, :func:`change` — rate per 1,000 residents, rank, change;
* :func:`top_share`, :func:`lorenz`, :func:`gini`, :func:`generalised_gini` — concentration
  (:mod:`assessment.stats.concentration`'s, re-exported here);
* :func:`queen_weights`, :func:`gistar`, :func:`refine` — Getis–Ord Gi* with permutation inference,
  more permutations where a class is borderline, and FDR (:mod:`assessment.stats.gistar`'s,
  re-exported here) — classes decided by the one
  :class:`~assessment.significance.SignificanceRule` that also words every sentence about them;
* :func:`lsoa_table`, :func:`ward_rollup`, :func:`concentration_table` — the published tables;
* :func:`analyse` — everything the chapter shows, for one :class:`~assessment.dataset.Dataset`.

Emerging hotspots (yearly Gi* + Mann–Kendall) live in :mod:`assessment.emerging`;
choropleth maps in :mod:`assessment.figures.maps`.

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
                                                name, top10_share, gini, generalised_gini, hot_spots_95
``hotspots.emerging.years``                     years in the emerging-hotspot analysis
``hotspots.emerging.categories``                a list: {name: category, lsoas: LSOAs in it}
==============================================  ===============================================

Example
-------
>>> import pandas as pd
>>> crimes = pd.DataFrame({"lsoa_code": ["A", "A", "B"], "count": [1, 1, 1],
...                        "month": pd.to_datetime(["2024-05-01"] * 3)})
>>> lsoa_counts(crimes, ["A", "B", "C"]).tolist()
[2, 1, 0]
>>> round(gini(pd.Series([0, 0, 0, 3])), 4), round(generalised_gini(pd.Series([0, 0, 0, 3])), 4)
(0.75, 0.6667)
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd

from . import emerging as em
from .dataset import lsoa_counts
from .dataset import lsoa_universe as _universe
from .emerging import CATEGORIES
from .errors import AssessmentError
from .periods import Period, coverage, covers
from .rounding import GINI, PCT, PCT_CHANGE, pct
from .significance import (  # noqa: F401
    ALPHAS,
    DECISION_ERROR,
    DEFAULT_FDR,
    DEFAULT_MAX_PERMUTATIONS,
    DEFAULT_PERMUTATIONS,
    SignificanceRule,
)

# the statistics are assessment.stats's; their old names here are the same objects (re-exported)
from .stats.concentration import as_counts as _as_counts
from .stats.concentration import generalised_gini, gini, lorenz, share_key, top_areas, top_k, top_share
from .stats.gistar import (  # noqa: F401
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
    Refinement,
    _distinct_draws,
    _import_esda,
    _levels,
    _more_permutations,
    _p_bounds,
    _pseudo_p,
    _reuse_permutation_draws,
    _tail_counts,
    bh_adjust,
    count_classes,
    count_fdr,
    gi_class,
    gistar,
    no_geometry,
    queen_weights,
    refine,
    two_sided_pseudo_p,
)

_METHODS_HEAD = r"""
### Hotspots by LSOA (chapter 2)

* **Counts** are the crimes recorded in each LSOA in the period, over every LSOA of the area
  (an LSOA with no crime counts as 0). Published count tables (MPS) add each cell's value.
  Counts per **crime group** sum the crime types the config lists for the group.
* **Rate per 1,000 residents** = count ÷ resident population × 1,000 (ONS mid-year estimate).
  An LSOA with no population figure, or a population of 0, has no rate. Residential rates
  mislead in town centres and other places where many people visit, work or travel but few
  live: there the rate is high because the denominator is small, not because residents are at
  greater risk.
* **Rank** 1 is the LSOA with most crime; tied LSOAs share the best rank ("min" ranking).
* **Change** = count − count in the previous 12 months; **% change** = change ÷ previous count
  (blank when the previous count is 0, or when the data do not cover the previous 12 months).
* **Share of crime in the top p% of LSOAs**: the LSOAs are sorted by count (largest first; ties
  by LSOA code); the top p% are the first ⌈p·N⌉ of the N LSOAs (at least one); the share is their
  crimes ÷ all crimes, for p = 1%, 5%, 10% and 20%. The top-10 share uses the 10 LSOAs with
  most crime.
* **Lorenz curve**: the cumulative share of crime against the cumulative share of LSOAs, LSOAs
  ordered from most to least crime (the curve bows further from the diagonal the more crime
  concentrates).
* **Gini coefficient** G = Σᵢ (2i − N − 1)·xᵢ ÷ (N·Σᵢ xᵢ), with the N LSOA counts xᵢ sorted
  from smallest to largest (i = 1 … N): 0 when every LSOA has the same count, (N − 1)/N when one
  LSOA has all the crime.
* **Generalised Gini** (Bernasco & Steenbeek 2017): when there are fewer crimes C than places N,
  even the most even spread leaves N − C places with none, so the ordinary Gini cannot fall
  below 1 − C/N. The generalised Gini rescales it: G′ = max(1, N/C)·(G − 1) + 1, which equals G
  when C ≥ N and is 0 for the most even spread possible with C crimes. Reference: Bernasco, W.
  and Steenbeek, W. (2017) "More places than crimes: implications for evaluating the law of
  crime concentration at place", *Journal of Quantitative Criminology* 33(3), 451–467.
* **Getis–Ord Gi\*** (Getis & Ord 1992; Ord & Getis 1995) compares the crime in each LSOA and its
  neighbours with the area as a whole. Neighbours are LSOAs sharing a boundary or a corner
  (queen contiguity), with binary weights wᵢⱼ = 1, and the LSOA itself included (wᵢᵢ = 1):
  Gᵢ* = Σⱼ wᵢⱼ xⱼ ÷ Σⱼ xⱼ, and the z-score is (Gᵢ* − E[Gᵢ*]) ÷ √Var[Gᵢ*] under the normal
  approximation (computed with esda's `G_Local(y, w, transform="B", star=True)`; esda's default,
  row-standardised weights without the focal LSOA, is a different statistic).
"""

_METHODS_TAIL = r"""
* **Not tested**: an LSOA with no neighbour (an **island**, e.g. separated from the rest by a river
  or a boundary gap) is not tested — Gi* would compare it only with itself — and is classed "Not
  tested – no neighbours"; the report lists such LSOAs. When every LSOA has the same count (e.g.
  none), nothing is tested ("Not tested – counts do not vary"); without a boundary file Gi* cannot
  be computed ("Not tested – no boundary file").
* **Ward roll-up**: ward counts, previous counts and populations are the sums over the ward's
  LSOAs (LSOA → ward best-fit lookup); the ward rate uses the ward population only when every
  LSOA in the ward has one; "hot LSOAs" counts the ward's LSOAs in each Gi* hot-spot class.
* **Maps** classify counts and rates with Fisher–Jenks natural breaks (mapclassify), so that
  LSOAs within a class are as alike as possible; class ranges are in the legend.
"""


def methods(rule: SignificanceRule = SignificanceRule()) -> str:
    """The methods text of chapter 2 for a significance rule (the appendix uses this run's rule)."""
    return _METHODS_HEAD.rstrip("\n") + "\n" + rule.methods() + "\n" + _METHODS_TAIL.lstrip("\n")


METHODS = methods()

DEFAULT_SHARES = (0.01, 0.05, 0.10, 0.20)
ALL_CRIME = "All crime"


# -- input checks ------------------------------------------------------------------------------
def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AssessmentError(f"{what}: expected column(s) {', '.join(missing)}; found "
                              f"{', '.join(map(str, df.columns)) or 'no columns'}")


# -- counts, rates, rank, change ---------------------------------------------------------------
def rates(counts: pd.Series, population) -> pd.Series:
    """Crimes per 1,000 residents per LSOA: count ÷ population × 1,000.

    NaN where the population is missing, zero or negative (see :func:`missing_population`
    for the list).  ``population`` is a Series indexed by ``lsoa_code``.

    Example
    -------
    >>> import pandas as pd
    >>> c = pd.Series({"A": 30, "B": 5, "C": 2})
    >>> rates(c, pd.Series({"A": 1500, "B": 0})).round(2).tolist()
    [20.0, nan, nan]
    """
    if population is None:
        return pd.Series(np.nan, index=counts.index, name="rate_per_1000")
    pop = pd.Series(population).reindex(counts.index).astype(float)
    pop = pop.where(pop > 0)
    out = counts.astype(float) / pop * 1000.0
    out.index.name = counts.index.name
    return out.rename("rate_per_1000")


def missing_population(counts: pd.Series, population) -> pd.Index:
    """The LSOAs of ``counts`` without a usable (positive) population figure.

    >>> import pandas as pd
    >>> list(missing_population(pd.Series({"A": 1, "B": 2, "C": 0}), pd.Series({"A": 10, "B": 0})))
    ['B', 'C']
    """
    if population is None:
        return pd.Index(counts.index)
    pop = pd.Series(population).reindex(counts.index).astype(float)
    return pd.Index(counts.index[~(pop > 0).to_numpy()])


def rank(counts: pd.Series) -> pd.Series:
    """Rank of each LSOA by count, 1 = most crime; ties share the best rank.

    >>> import pandas as pd
    >>> rank(pd.Series({"A": 5, "B": 9, "C": 5, "D": 1})).tolist()
    [2, 1, 2, 4]
    """
    return counts.rank(ascending=False, method="min").astype("int64").rename("rank")


def change(current: pd.Series, previous: Optional[pd.Series]) -> pd.DataFrame:
    """Change against the previous period: previous_count, change, change_pct (a fraction).

    ``previous`` None (the data do not cover the previous 12 months) gives NA throughout;
    change_pct is NaN where the previous count is 0.

    Example
    -------
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


# -- concentration: top_k, top_areas, top_share, lorenz, gini, generalised_gini are
# -- assessment.stats.concentration's (imported above); the chapter's tables of them are here
def concentration(counts: pd.Series, shares: Iterable[float] = DEFAULT_SHARES, top_n: int = 10) -> dict:
    """All concentration measures of one set of LSOA counts, as a flat dict.

    Keys: lsoas, crimes, top_<p>pct_lsoas and top_<p>pct_share for each share p (in %),
    top<top_n>_share, gini, generalised_gini.

    Example
    -------
    >>> import pandas as pd
    >>> d = concentration(pd.Series([50, 30, 10, 5, 5, 0, 0, 0, 0, 0]), shares=[0.1], top_n=2)
    >>> d["top_10pct_lsoas"], d["top_10pct_share"], d["top2_share"], d["crimes"]
    (1, 0.5, 0.8, 100)
    """
    v = _as_counts(counts)
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
    """One row of :func:`concentration` per crime group (``{name: counts}``), indexed by crime_group.

    >>> import pandas as pd
    >>> t = concentration_table({"All crime": pd.Series([3, 1]), "Robbery": pd.Series([0, 2])}, shares=[0.5])
    >>> t["top_50pct_share"].tolist()
    [0.75, 1.0]
    """
    rows = {name: concentration(c, shares, top_n) for name, c in counts_by_group.items()}
    t = pd.DataFrame.from_dict(rows, orient="index")
    t.index.name = "crime_group"
    return t


# -- Getis-Ord Gi*: queen_weights, gistar, refine, gi_class, ... are assessment.stats.gistar's (imported above)


# -- the published tables ----------------------------------------------------------------------
def lsoa_table(crimes: pd.DataFrame, lsoas: pd.DataFrame, period: Period, boundaries=None,
               population=None, crime_types=None, previous: bool = True, permutations: int = DEFAULT_PERMUTATIONS,
               seed: int = 20240401, fdr: bool = DEFAULT_FDR, weights=None,
               max_permutations: Optional[int] = None) -> pd.DataFrame:
    """The LSOA hotspot table for one selection of crimes, indexed by lsoa_code.

    Columns: lsoa_name, ward_code, ward, count, rate_per_1000, rank, previous_count, change,
    change_pct, population, neighbours, gi_z, gi_permutations, gi_p, gi_p_fdr, gi_class.  Sorted
    by count (largest first, ties by code).  ``previous`` False (the data do not cover the previous
    12 months) leaves the change columns blank; ``boundaries`` None gives no Gi*.  The Gi* settings
    are those of :func:`gistar`.

    Example
    -------
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
    universe = _universe(lsoas)
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

    Columns: ward, lsoas, count, share_of_crime, previous_count, change, change_pct,
    population, rate_per_1000, hot_lsoas_95 (hot at 95%+), hot_lsoas_90 (hot at any level),
    cold_lsoas_95.  Indexed by ward_code, sorted by count.  Empty when no ward lookup was
    given.  The ward rate needs a population for every LSOA of the ward.

    Example
    -------
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

    Ties by LSOA code.  Empty frames when the previous year is not covered.

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


# -- figures -------------------------------------------------------------------------------
def lorenz_figure(counts_by_group: dict, shares: Iterable[float] = (0.10, 0.20)):
    """Lorenz (concentration) curves, one line per crime group, with the top-p% shares marked.

    Lines differ by style and marker as well as colour; the diagonal is 'crime spread evenly'.
    """
    import matplotlib.pyplot as plt

    from .figures.style import LINESTYLES, MARKERS, PALETTE
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    ax.plot([0, 1], [0, 1], color="#9a9a9a", lw=1, ls=":", label="Crime spread evenly")
    for i, (name, counts) in enumerate(counts_by_group.items()):
        if float(pd.Series(counts).sum()) <= 0:
            continue
        lz = lorenz(counts)
        ax.plot(lz["share_of_lsoas"], lz["share_of_crime"], color=PALETTE[i % len(PALETTE)],
                ls=LINESTYLES[i % len(LINESTYLES)], lw=2.2 if i == 0 else 1.6, label=name,
                marker=MARKERS[i % len(MARKERS)], markevery=[top_k(len(counts), p) for p in shares])
        if i == 0:
            for p in shares:
                sh = top_share(counts, p)
                k = top_k(len(counts), p)
                ax.annotate(f"top {p * 100:g}% of LSOAs:\n{pct(sh)} of crime", (k / len(counts), sh),
                            xytext=(12, -28), textcoords="offset points", fontsize=8.5,
                            arrowprops={"arrowstyle": "-", "color": "#3D3D3D", "lw": 0.6})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.set_xlabel("Share of LSOAs (most crime first)")
    ax.set_ylabel("Share of crime")
    ax.grid(axis="both")
    ax.legend(loc="lower right", fontsize=8.5)
    fig.tight_layout()
    return fig


# -- the chapter ---------------------------------------------------------------------------
@dataclass
class HotspotsResult:
    """Everything chapter 2 shows, computed once by :func:`analyse`."""

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
    emerging: object = None                  # assessment.emerging.EmergingResult
    notes: list = field(default_factory=list)
    rule: SignificanceRule = SignificanceRule()   # the one rule that decided every class shown

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


def publishable(table: pd.DataFrame, rule: SignificanceRule = SignificanceRule()) -> pd.DataFrame:
    """The LSOA table as written to ``tables/lsoa_hotspots.csv`` (lsoa_code a column, fixed column
    order; the p-value the classes use comes last, beside ``gi_class``)."""
    other = "gi_p" if rule.p_column == "gi_p_fdr" else "gi_p_fdr"
    cols = ["lsoa_code", "lsoa_name", "ward_code", "ward", "count", "rate_per_1000", "rank", "previous_count",
            "change", "change_pct", "population", "neighbours", "gi_z", "gi_permutations", other, rule.p_column,
            "gi_class"]
    t = table.reset_index()
    front = [c for c in ["crime_group"] if c in t]
    return t[front + [c for c in cols if c in t]]


def _population(ds):
    if ds.population is not None and len(ds.population):
        return ds.population
    if ds.lsoas is not None and "population" in ds.lsoas and ds.lsoas["population"].notna().any():
        return ds.lsoas["population"]
    return None


def _lsoa_frame(ds) -> pd.DataFrame:
    return ds.lsoa_frame()


def analyse(ds, emerging: bool = True) -> HotspotsResult:
    """Compute chapter 2 for a :class:`~assessment.dataset.Dataset`.

    All crime and each configured crime group: the LSOA table (counts, rates, rank, change,
    Gi*), concentration, ward roll-up, headlines; and (``emerging``) the emerging-hotspot
    analysis of :mod:`assessment.emerging` over the complete years in the data.
    """
    cfg = ds.config.hotspots
    period = ds.period
    lsoas = _lsoa_frame(ds)
    population = _population(ds)
    span = coverage(ds.crimes, ds.period) if len(ds.crimes) else None  # gap-aware: no change against a year with no data
    has_prev = span is not None and covers(span, period.previous())
    boundaries = ds.boundaries
    weights = None
    if boundaries is not None:
        boundaries = boundaries.reindex(_universe(lsoas)) if set(boundaries.index) >= set(_universe(lsoas)) else boundaries
        weights = queen_weights(boundaries)
    rule = SignificanceRule.from_config(cfg)
    kw = dict(boundaries=boundaries, population=population, previous=has_prev, permutations=rule.permutations,
              seed=cfg.seed, fdr=rule.fdr, weights=weights, max_permutations=rule.max_permutations)
    table = lsoa_table(ds.crimes, lsoas, period, **kw)
    groups = {name: lsoa_table(ds.crimes, lsoas, period, crime_types=types, **kw)
              for name, types in ds.config.crime_groups.items()}
    counts = {ALL_CRIME: table["count"]}
    counts.update({name: t["count"] for name, t in groups.items()})
    shares = list(getattr(cfg, "shares", None) or DEFAULT_SHARES)
    conc = concentration_table(counts, shares, cfg.top_n)
    wards = ward_rollup(table)
    islands = sorted(str(i) for i in (weights.islands if weights is not None else []))
    no_pop = list(missing_population(table["count"], population))
    res = HotspotsResult(period=period, table=table, group_tables=groups, concentration=conc, wards=wards,
                         counts_by_group=counts, has_geometry=weights is not None, has_previous=has_prev,
                         islands=islands, no_population=no_pop, rule=rule)
    for name, t in groups.items():
        if t["count"].sum() == 0:
            res.notes.append(f"The crime group '{name}' has no crimes in {period.label}: check that its crime types "
                             "in the config match the crime types in the data.")
    cur = ds.crimes[period.contains(ds.crimes["month"])]
    unmapped = int(cur.loc[cur["lsoa_code"].isna(), "count"].sum())
    if unmapped:
        res.notes.append(f"{unmapped:,} crimes in {period.label} have no location (police.uk 'No Location'): they are "
                         "in chapter 1's totals but not in this chapter's counts by LSOA, shares or hot spots.")
    if population is None:
        res.notes.append("No population figures were supplied, so rates per 1,000 residents are not shown.")
    elif no_pop:
        res.notes.append(f"{len(no_pop)} LSOA{'s have' if len(no_pop) != 1 else ' has'} no population figure "
                         f"({', '.join(no_pop[:5])}{', ...' if len(no_pop) > 5 else ''}), so no rate.")
    if not has_prev:
        res.notes.append(f"The data do not cover the 12 months before the assessment period ({period.label}), "
                         "so there is no change against the previous year.")
    if emerging:
        res.emerging = em.analyse(ds, lsoas=lsoas, boundaries=boundaries, weights=weights, rule=rule)
    res.headlines = headlines(res, cfg.top_n, shares)
    return res


def headlines(res: HotspotsResult, top_n: int = 10, shares: Iterable[float] = DEFAULT_SHARES) -> dict:
    """The chapter's summary.json keys (see the module docstring for the list)."""
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
                       "hot_spots_95": count_classes(gt["gi_class"], 0.95) if tested else None})
    if groups:
        h["hotspots.by_group"] = groups
    em = res.emerging
    if em is not None:
        h["hotspots.emerging.years"] = len(em.periods)
        if em.table is not None:
            counts = em.table["category"].value_counts()
            h["hotspots.emerging.categories"] = [{"name": cat, "lsoas": int(counts.get(cat, 0))} for cat in CATEGORIES]
    return h


# -- sentences -----------------------------------------------------------------------------
def concentration_sentence(res: HotspotsResult, area: str) -> str:
    """'The 10 LSOAs with most crime (6.7% of Testham's 150 LSOAs) had 21.3% of its crime ...'."""
    c = res.concentration.loc[ALL_CRIME]
    n, total = int(c["lsoas"]), int(c["crimes"])
    if total == 0:
        return f"No crimes were recorded in {area}'s LSOAs in {res.period.label}."
    top_n = [k for k in c.index if k.startswith("top") and k.endswith("_share") and "pct" not in k][0]
    k = int(top_n[3:-6])
    k = min(k, n)
    parts = [f"The {k} LSOAs with most crime ({pct(k / n)} of {area}'s {n:,} LSOAs) had "
             f"{pct(c[top_n])} of its {total:,} crimes in {res.period.label}"]
    if "top_20pct_share" in c and not pd.isna(c["top_20pct_share"]):
        parts.append(f"; a fifth of the LSOAs had {pct(c['top_20pct_share'])}")
    g, gg = c["gini"], c["generalised_gini"]
    sent = "".join(parts) + f". The Gini coefficient is {GINI.format(g)}"
    if total < n:
        sent += (f" (generalised Gini {GINI.format(gg)}: there are fewer crimes than LSOAs, so the ordinary Gini "
                 "overstates concentration)")
    return sent + " (0 = crime spread evenly, 1 = all of it in one LSOA)."


def gi_sentence(res: HotspotsResult) -> str:
    """How many hot and cold spots Gi* found, and which LSOAs were not tested."""
    if not res.has_geometry:
        return "There is no boundary file, so the hot-spot statistic (Gi*) could not be computed."
    t = res.table
    if (t["gi_class"] == NO_VARIATION).all():
        return "Every LSOA had the same count, so there are no hot or cold spots to find."
    hot95, hot90 = count_classes(t["gi_class"], 0.95), count_classes(t["gi_class"], 0.90)
    cold95 = count_classes(t["gi_class"], 0.95, hot=False)

    def lsoas(n, what):
        if n == 0:
            return f"no LSOA is a {what}"
        return f"{n} LSOAs are {what}s" if n != 1 else f"1 LSOA is a {what}"
    s = (f"{lsoas(hot95, 'hot spot')} at 95% confidence or more ({hot90} at 90% or more), and "
         f"{lsoas(cold95, 'cold spot')} at 95% or more")
    s = s[0].upper() + s[1:] + f", {res.rule.allowance(res.tested)}."
    more = res.rule.remainder(hot95, count_fdr(t, 0.05), res.tested)
    if more:
        s += " " + more
    if res.islands:
        s += (f" {len(res.islands)} LSOA{'s have' if len(res.islands) != 1 else ' has'} no neighbouring LSOA "
              f"and {'were' if len(res.islands) != 1 else 'was'} not tested: {', '.join(res.islands)}.")
    return s


def significance_text(res: HotspotsResult) -> str:
    """What the confidence levels of the classes mean under this run's rule, and where the p-values
    come from (the chapter's paragraph before the hot-spot map; empty without Gi*)."""
    if not res.has_geometry or not res.tested:
        return ""
    return (res.rule.explanation(res.tested) + f" The p-values come from {res.rule.permutation_phrase()}; the "
            "method is in the appendix.")


def hot_spot_title(res: HotspotsResult) -> str:
    """A finding-stating title for the Gi* map."""
    t = res.table
    hot = t[t["gi_class"].isin(HOT_AT[0.95])]
    if hot.empty:
        return "No LSOA is a hot spot at 95% confidence"
    wards = hot["ward"].dropna()
    if len(wards):
        top = wards.value_counts()
        names = [str(w) for w in top.index[:2]]
        return f"{len(hot)} LSOAs are hot spots at 95% confidence, most in {' and '.join(names)}"
    return f"{len(hot)} LSOAs are hot spots at 95% confidence"


def display_columns(table: pd.DataFrame, rule: SignificanceRule = SignificanceRule()) -> pd.DataFrame:
    """The LSOA table with readable column names, for display in the report: beside the class, the
    p-value the classes use (``rule.p_label``)."""
    names = {"lsoa_code": "LSOA", "lsoa_name": "LSOA name", "ward": "Ward", "count": "Crimes",
             "rate_per_1000": "Rate per 1,000 residents", "rank": "Rank", "previous_count": "Previous 12 months",
             "change": "Change", "change_pct": "% change", "gi_z": "Gi* z-score", rule.p_column: rule.p_label,
             "gi_class": "Gi* class"}
    t = table.reset_index() if table.index.name == "lsoa_code" else table
    keep = [c for c in names if c in t]
    return t[keep].rename(columns=names)


DISPLAY_FORMATS = {"% change": PCT_CHANGE, "Rate per 1,000 residents": "{:.1f}", "Gi* z-score": "{:.2f}",
                   SignificanceRule(fdr=True).p_label: "{:.4f}", SignificanceRule(fdr=False).p_label: "{:.4f}"}


def map_frame(boundaries, table: pd.DataFrame):
    """The boundaries joined with an LSOA table, for :mod:`assessment.figures.maps` (index lsoa_code).

    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame({"lsoa_name": ["Aa"]}, geometry=[box(0, 0, 1, 1)], index=pd.Index(["A"], name="lsoa_code"))
    >>> map_frame(b, pd.DataFrame({"lsoa_name": ["Aa"], "count": [3]}, index=pd.Index(["A"], name="lsoa_code")))["count"].tolist()
    [3]
    """
    g = boundaries[["geometry"]].join(table, how="left")
    g.index.name = "lsoa_code"
    return g


def _place(row, code) -> str:
    name = row.get("lsoa_name")
    ward = row.get("ward")
    label = f"{name} ({code})" if isinstance(name, str) and name else str(code)
    return label + (f", {ward}" if isinstance(ward, str) and ward else "")


def count_map_title(res: HotspotsResult) -> str:
    """'Crime was highest in Haringey 016B (E01002029), Noel Park: 1,281 crimes in 2024/25'."""
    t = res.table
    if t["count"].sum() == 0:
        return f"No crimes were recorded in {res.period.label}"
    code = t.index[0]
    return f"Crime was highest in {_place(t.iloc[0], code)}: {int(t.iloc[0]['count']):,} crimes in {res.period.label}"


def rate_map_title(res: HotspotsResult) -> str:
    """The LSOA with the highest rate per 1,000 residents, as a title."""
    r = res.table["rate_per_1000"].dropna()
    if r.empty:
        return "No rates: no population figures"
    code = r.idxmax()
    return f"The highest rate was in {_place(res.table.loc[code], code)}: {r.max():,.0f} crimes per 1,000 residents"


def lorenz_title(res: HotspotsResult) -> str:
    """'The 10% of LSOAs with most crime had 35% of it in 2024/25'."""
    c = res.concentration.loc[ALL_CRIME]
    if "top_10pct_share" not in c or pd.isna(c["top_10pct_share"]):
        return "Concentration of crime across LSOAs"
    return f"The 10% of LSOAs with most crime had {pct(c['top_10pct_share'])} of it in {res.period.label}"


def peaks_not_clusters(res: HotspotsResult, n: int = 5) -> str:
    """A sentence when LSOAs among the ``n`` with most crime are not Gi* hot spots (a peak is not a cluster)."""
    if not res.has_geometry:
        return ""
    top = res.table.head(n)
    lone = top[~top["gi_class"].isin(HOT_AT[0.90])]
    if lone.empty:
        return ""
    return (f"{len(lone)} of the {len(top)} LSOAs with most crime {'is' if len(lone) == 1 else 'are'} not a hot spot "
            f"({', '.join(map(str, lone.index))}). Gi* looks for clusters: an LSOA is a hot spot when it *and its "
            "neighbours* have more crime than the area as a whole would give by chance. A single LSOA with a great "
            "deal of crime — a town centre, a shopping street, a transport hub — surrounded by ordinary LSOAs is a "
            "peak, not a cluster; it shows on the count map above but not here.")


def group_summary(res: HotspotsResult) -> pd.DataFrame:
    """One row per crime group: crimes, share in the top 10 LSOAs, Gini, hot spots at 95%, the top LSOA."""
    rows = []
    tables = {ALL_CRIME: res.table, **res.group_tables}
    for name, t in tables.items():
        c = res.concentration.loc[name]
        top = t.index[0] if t["count"].sum() > 0 else None
        key = next(k for k in c.index if k.startswith("top") and "pct" not in k)      # e.g. top10_share
        rows.append({"Crime group": name, "Crimes": int(c["crimes"]),
                     f"Share in the top {key[3:-6]} LSOAs": c[key],
                     "Gini": c["gini"], "Generalised Gini": c["generalised_gini"],
                     "Hot spots (95%+)": count_classes(t["gi_class"], 0.95) if res.has_geometry else pd.NA,
                     "LSOA with most": (f"{t.loc[top, 'lsoa_name']} ({top})" if top is not None and
                                        isinstance(t.loc[top, "lsoa_name"], str) else top)})
    return pd.DataFrame(rows)


def ward_display(wards: pd.DataFrame) -> pd.DataFrame:
    """The ward roll-up with readable column names."""
    names = {"ward_code": "Ward code", "ward": "Ward", "lsoas": "LSOAs", "count": "Crimes", "share_of_crime": "Share of crime",
             "previous_count": "Previous 12 months", "change": "Change", "change_pct": "% change",
             "rate_per_1000": "Rate per 1,000 residents", "hot_lsoas_95": "Hot LSOAs (95%+)",
             "hot_lsoas_90": "Hot LSOAs (90%+)", "cold_lsoas_95": "Cold LSOAs (95%+)"}
    t = wards.reset_index()
    return t[[c for c in names if c in t]].rename(columns=names)


WARD_FORMATS = {"Share of crime": PCT, "% change": PCT_CHANGE, "Rate per 1,000 residents": "{:.1f}"}
CONCENTRATION_FORMATS = {c: PCT for c in ("top_1pct_share", "top_5pct_share", "top_10pct_share", "top_20pct_share",
                                          "top10_share")} | {"gini": GINI, "generalised_gini": GINI}
#: the crime-group summary table (:func:`group_summary`)
GROUP_FORMATS = {"Share in the top 10 LSOAs": PCT, "Gini": GINI, "Generalised Gini": GINI}
