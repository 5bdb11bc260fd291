"""The priorities page: the evidence a partnership uses to choose next year's priority crimes.

One row per configured crime group (``crime_groups``), side by side: its crimes this year, the
change on the previous year and on the baseline year, its rate per 1,000 residents against the
comparator areas, and how concentrated it is in place — ranked by a transparent points score.
Data only: the words (title, the rule in plain words, column labels) are
:mod:`assessment.words.priorities`.

Where the figures come from (nothing is worked out a second way):

* volume and change: chapter 1's ``crime.by_group`` in the run's summary figures
  (:func:`assessment.chapters.summary.run_figures`), all crime's change ``crime.change_pct``;
* rate per 1,000 residents: the group's count ÷ chapter 1's population ``crime.population``, by
  the one rate rule (:func:`assessment.stats.change.rate_per_1000`, as chapter 1's tables);
* comparators: chapter 5's comparison (:func:`assessment.chapters.performance.compare`) run with
  each group as the category, on the multi-area crime input (``Dataset.all_areas``), against the
  comparator group's pooled rate (``performance.comparators``), or all the areas' when none is
  configured; not available when the input covers one area (:func:`comparison_unavailable`);
* concentration: chapter 2's ``hotspots.by_group`` (the share of the group's crime in the 10% of
  LSOAs with most of it, :data:`SHARE`; the Gini coefficients).

The rule (:func:`score`): one point for each criterion a group meets, each a comparison with a
benchmark stated beside it —

===============  ============================================================================
volume           more crimes this year than the median of the ranked groups
rising           a percentage change on the previous year above all recorded crime's
rate             a rate per 1,000 residents above the comparators' (their pooled rate)
concentrated     a larger share in its busiest 10% of LSOAs than the median of the ranked groups
===============  ============================================================================

Groups are ranked by points, then by crimes this year (more first), then by name.  A criterion
whose figures are missing gives no point, and the page says which criteria could not be assessed.
A *composite* group (one whose crime types are exactly those of two or more other groups, e.g.
neighbourhood crime = burglary + robbery + theft from the person + vehicle crime; chapter 1's
:func:`~assessment.chapters.crime_in_the_area.composite_groups`) is shown with its figures but
not ranked, and is left out of the medians: its offences are ranked already in its parts.

Example
-------
>>> s = {"crime": {"change_pct": 0.05, "population": 10000, "by_group": [
...     {"name": "Burglary", "current": 120, "previous": 100, "change": 20, "change_pct": 0.2},
...     {"name": "Robbery", "current": 40, "previous": 42, "change": -2, "change_pct": -0.0476}]},
...     "hotspots": {"by_group": [{"name": "Burglary", "top_share_10": 0.3},
...                               {"name": "Robbery", "top_share_10": 0.5}]}}
>>> r = analyse(s)
>>> r.table[["crime_group", "rank", "points", "rate_per_1000"]].values.tolist()
[['Burglary', 1, 2, 12.0], ['Robbery', 2, 1, 4.0]]
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..stats.change import rate_per_1000
from ..summary import share_key
from . import performance as perf
from .crime_in_the_area import baseline_period
from .summary import named, text, value

__all__ = ["SHARE", "CRITERIA", "PrioritiesResult", "analyse", "score", "group_comparison", "headlines"]

#: the concentration measure: the share of a group's crime in the top 10% of LSOAs (chapter 2's)
SHARE = 0.10
#: the criteria of the points score, in the order the page lists them
CRITERIA = ("volume", "rising", "rate", "concentrated")

#: the machine columns of ``tables/priorities.csv``, in order
COLUMNS = ["rank", "crime_group", "composite", "points", "criteria_met", "current", "previous", "change",
           "change_pct", "baseline", "change_vs_baseline_pct", "rate_per_1000", "comparison_area_rate",
           "comparison_rate", "vs_comparison", "top_share_10", "gini", "generalised_gini",
           *[f"point_{c}" for c in CRITERIA]]


@dataclass
class PrioritiesResult:
    """The priorities table and what its words need (data only).

    ``table``: one row per crime group, ranked groups first in rank order, then the composites
    (``rank`` NA); machine columns :data:`COLUMNS`.  ``benchmarks``: the value each criterion is
    compared with (None when it cannot be assessed).  ``missing``: the criteria that could not be
    assessed for any group, each with a reason code (see :func:`score`; for 'rate', the code of
    :func:`group_comparison` when it gave one).  ``comparison``: 'comparators', 'all_areas' or
    None; ``comparison_reason``: why there is none (``missing['rate']``).
    """

    table: pd.DataFrame
    period_label: str
    previous_label: str
    baseline_label: str | None            #: None: the data do not cover the baseline year
    baseline_wanted: str | None = None    #: the baseline year's label (from the config), covered or not
    benchmarks: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    composites: list = field(default_factory=list)
    comparison: str | None = None
    comparison_reason: str | None = None
    comparison_label: str | None = None    #: what the areas are ('London boroughs'), from the config
    comparators: list = field(default_factory=list)
    headlines: dict = field(default_factory=dict)

    @property
    def ranked(self) -> pd.DataFrame:
        """The ranked groups (composites left out), in rank order."""
        return self.table[self.table["rank"].notna()]


# -- the chapter ----------------------------------------------------------------------------------------
def analyse(figures: dict, ds=None, comparison: pd.DataFrame | None = None) -> PrioritiesResult:
    """The priorities table from the run's summary figures (and the dataset, for the comparison).

    Parameters
    ----------
    figures : dict
        The merged summary (:func:`assessment.chapters.summary.run_figures`).
    ds : Dataset, optional
        The run's dataset: its period labels the columns and its multi-area input gives the
        comparison (:func:`group_comparison`).  Without it, the period labels are read from the
        figures and there is no comparison.
    comparison : DataFrame, optional
        :func:`group_comparison`'s table, when it was computed already.

    Returns
    -------
    PrioritiesResult
    """
    groups = named(figures, "crime.by_group")
    period_label, previous_label = _labels(figures, ds)
    why = None
    if comparison is None and ds is not None:
        comparison, why = group_comparison(ds)
    kind = comparison.attrs.get("kind", "all_areas") if comparison is not None else None
    rows = [_row(g, figures, comparison) for g in groups]
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if not c.startswith("point_") and c not in
                                        ("rank", "points", "criteria_met")])
    table, benchmarks, missing = score(table, all_change_pct=value(figures, "crime.change_pct"),
                                       comparison=kind is not None)
    if "rate" in missing and why is not None:
        missing["rate"] = why
    res = PrioritiesResult(
        table=table, period_label=period_label, previous_label=previous_label,
        baseline_label=text(figures, "crime.baseline_label"), benchmarks=benchmarks, missing=missing,
        baseline_wanted=baseline_period(ds.config, ds.period).base_label if ds is not None else None,
        composites=table.loc[table["composite"].astype(bool), "crime_group"].tolist(), comparison=kind,
        comparison_reason=missing.get("rate"),
        comparison_label=ds.config.performance.comparison_label if ds is not None else None,
        comparators=list(comparison.attrs.get("comparators", [])) if comparison is not None else [])
    res.headlines = headlines(res)
    return res


def _labels(figures: dict, ds) -> tuple[str, str]:
    """(this period's label, the previous 12 months' label)."""
    if ds is not None:
        return ds.period.label, ds.period.previous().base_label
    return text(figures, "period.label") or "this year", "the previous 12 months"


def _num(v) -> float:
    return float(v) if v is not None else np.nan


def _row(g: dict, figures: dict, cmp: pd.DataFrame | None) -> dict:
    """One crime group's figures: chapter 1's counts and changes, its rate, the comparison, chapter 2's concentration."""
    name = g["name"]
    hot = next((h for h in named(figures, "hotspots.by_group") if h["name"] == name), {})
    pop = value(figures, "crime.population")
    cur = value(g, "current")
    rate = rate_per_1000(cur, pop) if cur is not None and pop is not None else np.nan
    c = cmp.loc[name] if cmp is not None and name in cmp.index else None
    return {"crime_group": name, "composite": g.get("composite") is True,
            "current": cur, "previous": value(g, "previous"), "change": value(g, "change"),
            "change_pct": _num(value(g, "change_pct")), "baseline": value(g, "baseline"),
            "change_vs_baseline_pct": _num(value(g, "change_vs_baseline_pct")),
            "rate_per_1000": float(rate) if rate is not None else np.nan,
            "comparison_area_rate": float(c["area_rate"]) if c is not None else np.nan,
            "comparison_rate": float(c["rate"]) if c is not None else np.nan,
            "vs_comparison": float(c["vs"]) if c is not None else np.nan,
            "top_share_10": _num(value(hot, f"top_share_{share_key(SHARE)}")),
            "gini": _num(value(hot, "gini")), "generalised_gini": _num(value(hot, "generalised_gini"))}


# -- the rule -------------------------------------------------------------------------------------------
def _median(s: pd.Series) -> float | None:
    s = pd.to_numeric(s, errors="coerce").dropna()
    return float(s.median()) if len(s) else None


def _above(s: pd.Series, benchmark) -> pd.Series:
    """True where ``s`` is strictly above ``benchmark`` (False for a missing value or benchmark)."""
    s = pd.to_numeric(s, errors="coerce").astype(float)
    if benchmark is None or (isinstance(benchmark, float) and math.isnan(benchmark)):
        return pd.Series(False, index=s.index)
    return (s > benchmark + 1e-12).fillna(False)


def score(table: pd.DataFrame, all_change_pct=None, comparison: bool = True) -> tuple[pd.DataFrame, dict, dict]:
    """The points score and the rank of each crime group (see the module docstring for the rule).

    Parameters
    ----------
    table : DataFrame
        One row per crime group: crime_group, composite, current, change_pct, vs_comparison,
        top_share_10 (NaN where a figure is missing).
    all_change_pct : float or None
        All recorded crime's change on the previous 12 months (the 'rising' benchmark).
    comparison : bool
        Whether there is a comparison with other areas (else no group gets the 'rate' point).

    Returns
    -------
    (DataFrame, dict, dict)
        The table with point_<criterion> (bool), points, criteria_met ('volume; rising') and rank
        (Int64, NA for a composite), ranked groups first in rank order, then the composites; the
        benchmarks (criterion -> the value compared with, None when not assessed); the criteria
        that could not be assessed for any ranked group (criterion -> reason code: 'no_previous',
        'no_comparison', 'no_concentration').

    Examples
    --------
    >>> t = pd.DataFrame({"crime_group": ["A", "B", "C", "A+B"], "composite": [False, False, False, True],
    ...                   "current": [300, 200, 100, 500], "change_pct": [0.01, 0.20, 0.10, 0.08],
    ...                   "vs_comparison": [0.3, -0.1, float("nan"), 0.1], "top_share_10": [0.2, 0.5, 0.4, 0.3]})
    >>> out, bench, missing = score(t, all_change_pct=0.05)
    >>> out[["crime_group", "points", "rank", "criteria_met"]].values.tolist()
    [['A', 2, 1, 'volume; rate'], ['B', 2, 2, 'rising; concentrated'], ['C', 1, 3, 'rising'], ['A+B', 0, <NA>, '']]
    >>> bench["volume"], bench["concentrated"], missing
    (200.0, 0.4, {})
    """
    t = table.copy()
    comp = t["composite"].astype(bool)
    ranked = t[~comp]
    bench = {"volume": _median(ranked["current"]),
             "rising": None if all_change_pct is None or pd.isna(all_change_pct) else float(all_change_pct),
             "rate": 0.0 if comparison else None,
             "concentrated": _median(ranked["top_share_10"])}
    missing = {}
    if bench["rising"] is None or ranked["change_pct"].isna().all():
        missing["rising"] = "no_previous"
    if not comparison or ranked["vs_comparison"].isna().all():
        missing["rate"] = "no_comparison"
        bench["rate"] = None
    if bench["concentrated"] is None:
        missing["concentrated"] = "no_concentration"
    points = {"volume": _above(t["current"], bench["volume"]),
              "rising": _above(t["change_pct"], bench["rising"]) if "rising" not in missing else False,
              "rate": _above(t["vs_comparison"], bench["rate"]) if "rate" not in missing else False,
              "concentrated": _above(t["top_share_10"], bench["concentrated"])}
    for c in CRITERIA:
        t[f"point_{c}"] = pd.Series(points[c], index=t.index).astype(bool) & ~comp
    t["points"] = t[[f"point_{c}" for c in CRITERIA]].sum(axis=1).astype("int64")
    t["criteria_met"] = ["; ".join(c for c in CRITERIA if r[f"point_{c}"]) for _, r in t.iterrows()]
    t["_cur"] = pd.to_numeric(t["current"], errors="coerce").fillna(-1)
    t = t.sort_values(["composite", "points", "_cur", "crime_group"], ascending=[True, False, False, True],
                      kind="stable").drop(columns="_cur")
    t["rank"] = pd.array([pd.NA] * len(t), dtype="Int64")
    n_ranked = int((~t["composite"].astype(bool)).sum())
    t.loc[~t["composite"].astype(bool), "rank"] = range(1, n_ranked + 1)
    t = t.reset_index(drop=True)
    return t[[c for c in COLUMNS if c in t.columns]], bench, missing


# -- the comparison with other areas, by crime group ------------------------------------------------------
def group_comparison(ds) -> tuple[pd.DataFrame | None, str | None]:
    """Each crime group's rate in the assessed area against the comparators' pooled rate.

    Chapter 5's comparison (:func:`assessment.chapters.performance.compare`), with the group as
    the category: a row of the multi-area input counts in a group when its crime type is one of
    the group's.  The comparators are ``performance.comparators`` (the area and its comparators
    pooled, as chapter 5 does); with none configured, every area of the input (the all-area rate).

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    (DataFrame or None, str or None)
        Indexed by crime group: area_rate (the area's rate in the comparison), rate (the
        comparators' or all areas' rate), vs (area_rate ÷ rate − 1); ``attrs`` 'kind'
        ('comparators' or 'all_areas') and 'comparators'.  Or None and why not (a code of
        :func:`~assessment.chapters.performance.comparison_unavailable`, or 'no_rows').
    """
    why = perf.comparison_unavailable(ds)
    groups = ds.config.crime_groups or {}
    if why is not None or not groups:
        return None, why or "no_groups"
    whole = perf.comparison(ds)
    if whole is None:                    # pragma: no cover - comparison_unavailable said there is one
        return None, "single_area"
    frame = ds.all_areas
    rows = {}
    for name, types in groups.items():
        cat = pd.Series(pd.NA, index=frame.index, dtype="string")
        cat[frame["crime_type"].isin([str(t) for t in types]).fillna(False).to_numpy()] = str(name)
        res = perf.compare(frame.assign(crime_group=cat), ds.all_areas_population, whole.area, by="crime_group",
                           period=ds.period, comparators=whole.comparators)
        if str(name) not in res.position.index:
            continue
        p = res.position.loc[str(name)]
        if whole.comparators:
            rows[str(name)] = {"area_rate": p["rate"], "rate": p["comparator_rate"], "vs": p["vs_comparators"]}
        else:
            rows[str(name)] = {"area_rate": p["rate"], "rate": p["all_area_rate"], "vs": p["vs_all"]}
    if not rows:
        return None, "no_rows"
    out = pd.DataFrame.from_dict(rows, orient="index").astype(float)
    out.index.name = "crime_group"
    out.attrs["kind"] = "comparators" if whole.comparators else "all_areas"
    out.attrs["comparators"] = list(whole.comparators)
    return out, None


# -- summary.json ---------------------------------------------------------------------------------------
def headlines(res: PrioritiesResult) -> dict:
    """summary.json keys: ``priorities.groups``, one object per crime group in rank order (name,
    rank — null for a composite — and points), and ``priorities.criteria_assessed``.

    Parameters
    ----------
    res : PrioritiesResult

    Returns
    -------
    dict
    """
    t = res.table
    return {"priorities.groups": [{"name": str(r["crime_group"]),
                                   "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
                                   "points": None if r["composite"] else int(r["points"])}
                                  for _, r in t.iterrows()],
            "priorities.criteria_assessed": [c for c in CRITERIA if c not in res.missing]}
