"""Comparison with other areas (§5.1): rates per 1,000, the area's rank, its comparator group.

When the crime input covers more areas than the one assessed (the MPS tables and the Met's
police.uk files cover all 32 London boroughs; the borough is the LSOA name's prefix), the
loader fills :attr:`~assessment.dataset.Dataset.all_areas` (area, month, crime_type,
major_category, count) and :attr:`~assessment.dataset.Dataset.all_areas_population` (residents
by area).  The verbs here take those plain frames, so they work — and are tested — without the
loaders:

* :func:`area_counts` — crimes per area and category in a period (plus "All crime");
* :func:`rates` — rate per 1,000 residents;
* :func:`rank_desc` — rank among the areas, 1 = highest rate;
* :func:`pooled_rate` — the rate of a set of areas taken together (all areas, the comparator group);
* :func:`compare` — all of it: the long table written to ``tables/area_comparison.csv`` and the
  assessed area's position by category.

Example
-------
>>> import pandas as pd
>>> f = pd.DataFrame({"area": ["A", "A", "B", "C"], "major_category": ["THEFT", "ROBBERY", "THEFT", "THEFT"],
...                   "count": [30, 10, 10, 60]})
>>> pop = pd.Series({"A": 2000, "B": 1000, "C": 3000})
>>> c = compare(f, pop, "A")
>>> t = c.position.loc["All crime"]
>>> float(t["rate"]), int(t["rank"]), int(t["areas"]), round(float(t["all_area_rate"]), 2)
(20.0, 1, 3, 18.33)
>>> rank_phrase(8, 32), rank_phrase(31, 32), rank_phrase(1, 32)
('8th highest', '2nd lowest', 'the highest')
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import AssessmentError, ConfigError, require_columns
from .periods import Period
from .rounding import PCT_CHANGE
from .words.common import group_position, ordinal, pretty_category, rank_phrase, rank_words  # noqa: F401  (re-exported)

ALL_CRIME = "All crime"

METHODS = r"""
### Comparison with other areas (chapter 5)

* Used when the crime input covers other areas as well as the one assessed (for example the MPS
  recorded-crime tables, which cover all 32 London boroughs). An LSOA's area is its name without
  the code suffix ("Haringey 001A" → Haringey); an area's population is the sum of its LSOAs'
  ONS mid-year estimates (the latest at or before the assessment year).
* **Rate per 1,000 residents** = crimes in the period ÷ population × 1,000, for all crime and for
  each category (MPS major category, or crime type).
* **Rank**: areas are ranked by rate, 1 = the highest rate. Areas with the same rate share the
  better rank ("joint 3rd highest"). Areas without a population figure are not ranked (and are
  listed in the notes). A rank in the lower half is stated from the bottom ("3rd lowest").
* **All-area rate** = all the areas' crimes ÷ all their residents × 1,000 (the areas pooled, not
  the average of their rates), over the areas that have a population figure.
* **Comparator ("most similar") group**: the areas listed in `performance.comparators` together
  with the assessed area. Its rate is pooled in the same way; the area's rank within the group and
  its difference from the group rate are shown. Residential rates overstate risk in central areas
  where many people visit but few live (Westminster, the City).
"""


def _require(df, columns, what: str) -> None:
    require_columns(df, columns, what)


def _population(population, what="population by area") -> pd.Series:
    if isinstance(population, dict):
        population = pd.Series(population)
    if not isinstance(population, pd.Series):
        raise AssessmentError(f"{what}: expected a Series of residents indexed by area, found {type(population).__name__}")
    p = pd.to_numeric(population, errors="coerce").astype("float64")
    p.index = pd.Index(population.index.astype(str), name="area")
    if p.index.duplicated().any():
        raise AssessmentError(f"{what}: area {p.index[p.index.duplicated()][0]!r} appears twice")
    return p


def area_counts(frame: pd.DataFrame, by: str = "major_category", period: Period | None = None) -> pd.DataFrame:
    """Crimes per area (rows) and category (columns), with an "All crime" total column.

    ``frame`` has columns area, ``by`` and count (and month when ``period`` is given: only
    rows whose month falls in it count).  Areas are those in ``frame``; a category an area
    has no rows for counts 0.  Rows with no category count in "All crime" only.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"area": ["A", "A", "B"], "major_category": ["THEFT", "ROBBERY", "THEFT"], "count": [3, 1, 2]})
    >>> area_counts(f).to_dict("index")
    {'A': {'All crime': 4, 'ROBBERY': 1, 'THEFT': 3}, 'B': {'All crime': 2, 'ROBBERY': 0, 'THEFT': 2}}
    """
    _require(frame, ["area", by, "count"] + (["month"] if period is not None else []), "crimes by area")
    f = frame
    if period is not None:
        f = f[period.contains(f["month"])]
    f = f[f["area"].notna()]
    areas = pd.Index(sorted(frame.loc[frame["area"].notna(), "area"].astype(str).unique()), name="area")
    wide = (f.dropna(subset=[by]).astype({"area": str, by: str})
            .pivot_table(index="area", columns=by, values="count", aggfunc="sum", fill_value=0))
    wide = wide.reindex(index=areas, fill_value=0).fillna(0).astype("int64")
    wide = wide.reindex(columns=sorted(wide.columns))
    total = f.astype({"area": str}).groupby("area")["count"].sum().reindex(areas, fill_value=0).astype("int64")
    wide.insert(0, ALL_CRIME, total)
    wide.columns.name = None
    return wide


def rates(counts, population) -> pd.DataFrame | pd.Series:
    """Crimes per 1,000 residents: counts ÷ population × 1,000 (NaN without a positive population).

    ``counts`` is a Series or a frame indexed by area; ``population`` a Series by area.

    >>> import pandas as pd
    >>> rates(pd.Series({"A": 40, "B": 2}), pd.Series({"A": 2000, "B": 0})).tolist()
    [20.0, nan]
    """
    pop = _population(population)
    pop = pop.where(pop > 0)
    p = pop.reindex(pd.Index(counts.index.astype(str)))
    p.index = counts.index
    if isinstance(counts, pd.DataFrame):
        return counts.astype("float64").div(p, axis=0) * 1000
    return counts.astype("float64") / p * 1000


def rank_desc(values: pd.Series) -> pd.Series:
    """Rank, 1 = the highest value; ties share the better rank; NaN is not ranked.

    >>> import pandas as pd
    >>> rank_desc(pd.Series({"A": 5.0, "B": 9.0, "C": 5.0, "D": float("nan")})).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    return values.rank(ascending=False, method="min", na_option="keep")


def pooled_rate(counts: pd.Series, population, areas=None) -> float:
    """Rate per 1,000 of a set of areas taken together: Σ crimes ÷ Σ residents × 1,000,
    over the ``areas`` (default all) that have a positive population.

    >>> import pandas as pd
    >>> pooled_rate(pd.Series({"A": 40, "B": 10, "C": 99}), pd.Series({"A": 2000, "B": 1000}), ["A", "B"])
    16.666666667
    """
    pop = _population(population)
    pop = pop[pop > 0]
    idx = pd.Index(counts.index.astype(str))
    if areas is not None:
        idx = idx.intersection(pd.Index([str(a) for a in areas]))
    idx = idx.intersection(pop.index)
    if len(idx) == 0:
        return float("nan")
    c = pd.Series(counts.to_numpy(), index=counts.index.astype(str)).reindex(idx)
    return round(float(c.sum()) / float(pop.reindex(idx).sum()) * 1000, 9)


def find_area(areas, *names) -> str:
    """The area in ``areas`` matching one of ``names`` (case and surrounding spaces ignored).

    >>> find_area(["Camden", "Haringey"], "haringey ")
    'Haringey'
    """
    lookup = {str(a).strip().casefold(): str(a) for a in areas}
    for n in names:
        if n and str(n).strip().casefold() in lookup:
            return lookup[str(n).strip().casefold()]
    shown = ", ".join(sorted(lookup.values())[:12]) + (" ..." if len(lookup) > 12 else "")
    raise AssessmentError(f"area {next((n for n in names if n), '?')!r} is not among the areas of the crime input "
                          f"({shown}); set area.name or area.lsoa_name_prefix to one of them")


def match_comparators(areas, comparators, where: str = "performance.comparators") -> list[str]:
    """The comparator names matched to ``areas`` (case-insensitive); a name not found is an error."""
    lookup = {str(a).strip().casefold(): str(a) for a in areas}
    out = []
    for c in comparators or []:
        k = str(c).strip().casefold()
        if k not in lookup:
            shown = ", ".join(sorted(lookup.values())[:12]) + (" ..." if len(lookup) > 12 else "")
            raise ConfigError(f"{where}: {c!r} is not an area in the crime input (areas: {shown})")
        out.append(lookup[k])
    return list(dict.fromkeys(out))


@dataclass
class ComparisonResult:
    """What the comparison shows: the long table, the area's position by category, notes."""

    area: str
    table: pd.DataFrame          # area × category rows (tables/area_comparison.csv)
    position: pd.DataFrame       # the assessed area's row per category
    comparators: list
    areas: int
    notes: list = field(default_factory=list)
    by: str = "major_category"
    label: str | None = None
    period_label: str = ""


def compare(frame: pd.DataFrame, population, area: str, by: str = "major_category",
            period: Period | None = None, comparators=()) -> ComparisonResult:
    """Rates, ranks and the comparator group for ``area`` among the areas of ``frame``.

    ``frame``: area, ``by``, count (and month when ``period`` is given); ``population``: a
    Series of residents by area.  Returns a :class:`ComparisonResult` whose ``table`` has one
    row per area and category (count, population, rate_per_1000, rank, areas_ranked,
    assessed, comparator) and whose ``position`` (index: category, "All crime" first) has for
    ``area``: count, rate, rank, areas, tied, rank_phrase, all_area_rate, vs_all (rate ÷
    all-area rate − 1), and with comparators comparator_rate, comparator_rank,
    comparator_areas, vs_comparators.
    """
    counts = area_counts(frame, by, period)
    pop = _population(population)
    area = find_area(counts.index, area)
    comps = [c for c in match_comparators(counts.index, comparators) if c != area]
    notes = []
    no_pop = [a for a in counts.index if not (pop.get(a, np.nan) > 0)]
    if no_pop:
        notes.append(f"{len(no_pop)} area(s) without a population figure are not ranked: {', '.join(no_pop)}")
    if area in no_pop:
        raise AssessmentError(f"no population figure for {area}: rates per 1,000 cannot be compared "
                              "(inputs.population must cover every area of the crime input)")
    r = rates(counts, pop)
    group = [area] + comps
    rows, pos = [], []
    for cat in counts.columns:
        rr = r[cat]
        rk = rank_desc(rr)
        n = int(rr.notna().sum())
        allr = pooled_rate(counts[cat], pop)
        for a in counts.index:
            rows.append({"category": cat, "area": a, "count": int(counts.loc[a, cat]),
                         "population": pop.get(a, np.nan), "rate_per_1000": rr[a], "rank": rk[a],
                         "areas_ranked": n, "all_area_rate": allr, "assessed": a == area, "comparator": a in comps})
        tied = bool((rr == rr[area]).sum() > 1)
        p = {"category": cat, "count": int(counts.loc[area, cat]), "rate": rr[area], "rank": int(rk[area]),
             "areas": n, "tied": tied, "rank_phrase": rank_phrase(rk[area], n, tied), "all_area_rate": allr,
             "vs_all": (rr[area] / allr - 1) if allr and not math.isnan(allr) else np.nan}
        if comps:
            g = rr.reindex(group)
            grk = rank_desc(g)
            gr = pooled_rate(counts[cat], pop, group)
            p.update({"comparator_rate": gr, "comparator_rank": int(grk[area]),
                      "comparator_areas": int(g.notna().sum()),
                      "comparator_tied": bool((g == rr[area]).sum() > 1),
                      "vs_comparators": (rr[area] / gr - 1) if gr and not math.isnan(gr) else np.nan})
        pos.append(p)
    table = pd.DataFrame(rows)
    table["rank"] = table["rank"].astype("Int64")
    table = table.sort_values(["category", "rank", "area"], key=lambda s: s.map(lambda x: (x != ALL_CRIME)) if s.name == "category" else s,
                              kind="stable").reset_index(drop=True)
    position = pd.DataFrame(pos).set_index("category")
    return ComparisonResult(area=area, table=table, position=position, comparators=comps,
                            areas=int(r[ALL_CRIME].notna().sum()), notes=notes, by=by,
                            period_label=period.label if period is not None else "")


def covered(frame: pd.DataFrame, period: Period) -> bool:
    """True when the multi-area data's months span the whole period."""
    if frame is None or frame.empty:
        return False
    return bool(frame["month"].min() <= period.start and frame["month"].max() >= period.end)


def analyse(ds) -> ComparisonResult | None:
    """The comparison for a dataset: None when the crime input covers only the assessed area,
    or has no population by area, or does not cover the period (the reason is in ``ds.notes``
    style: see :func:`unavailable_reason`)."""
    if unavailable_reason(ds):
        return None
    perf = ds.config.performance
    frame = ds.all_areas
    by = perf.comparison_by
    if by == "major_category" and frame["major_category"].isna().all():
        by = "crime_type"
    res = compare(frame, ds.all_areas_population, _area_name(ds), by=by, period=ds.period,
                  comparators=perf.comparators)
    if by != perf.comparison_by:
        res.notes.append("The crime input has no major categories, so areas are compared by crime type.")
    res.label = perf.comparison_label
    res.period_label = ds.period.label
    return res


def _area_name(ds) -> str | None:
    """The assessed area's name among ``ds.all_areas``' areas, or None when it is not one of them."""
    areas = ds.all_areas["area"].dropna().unique()
    try:
        return find_area(areas, ds.config.area.lsoa_name_prefix, ds.config.area.name)
    except AssessmentError:
        return None


def unavailable_reason(ds) -> str | None:
    """Why there is no comparison for this dataset, or None when there is one."""
    if ds.all_areas is None:
        return "The crime input covers only this area, so it cannot be compared with others."
    if ds.all_areas_population is None:
        return "There is no population figure for the other areas, so their rates cannot be compared."
    if not covered(ds.all_areas, ds.period):
        return f"The data for the other areas do not cover the whole of {ds.period.label}."
    if _area_name(ds) is None:
        shown = ", ".join(sorted(map(str, ds.all_areas["area"].dropna().unique()))[:8])
        return (f"{ds.config.area.name} is not one of the areas in the crime input ({shown}, ...), so it cannot be "
                "ranked among them (set area.lsoa_name_prefix to one of them to compare it).")
    return None


def _areas_label(res: ComparisonResult) -> str:
    return f"the {res.areas} {res.label}" if res.label else f"the {res.areas} areas in the data"


def sentence(res: ComparisonResult, category: str = ALL_CRIME, area_label: str | None = None) -> str:
    """'Haringey had the 8th highest rate of theft of the 32 London boroughs in 2024/25 (…)'.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"area": ["A", "B", "C"], "major_category": ["THEFT"] * 3, "count": [30, 10, 60]})
    >>> res = compare(f, pd.Series({"A": 2000, "B": 1000, "C": 3000}), "A")
    >>> sentence(res, "THEFT")
    'A had the 2nd highest rate of theft of the 3 areas in the data (15.0 crimes per 1,000 residents, against 16.7 for all of them together).'
    """
    p = res.position.loc[category]
    what = "recorded crime" if category == ALL_CRIME else pretty_category(category).lower()
    s = (f"{res.area} had {rank_words(p['rank_phrase'])} rate of {what} of {_areas_label(res)}"
         + (f" in {res.period_label}" if res.period_label else "")
         + f" ({p['rate']:.1f} crimes per 1,000 residents, against {p['all_area_rate']:.1f} for all of them together")
    if "comparator_rate" in p and not pd.isna(p.get("comparator_rate")):
        s += (f"; {_ord_in_group(p)} in its comparator group, "
              f"whose rate is {p['comparator_rate']:.1f}")
    return s + ")."


def _ord_in_group(p) -> str:
    return group_position(p["comparator_rank"], p["comparator_areas"], bool(p.get("comparator_tied", False)))


#: how :func:`position_display` is shown (the change against all areas by the report's one rule for
#: percentages, see :mod:`assessment.rounding`)
DISPLAY_FORMATS = {"Rate per 1,000": "{:.1f}", "All-area rate": "{:.1f}", "Comparator group rate": "{:.1f}",
                   "vs all areas": PCT_CHANGE}


def position_display(res: ComparisonResult) -> pd.DataFrame:
    """The area's position by category as published (compact for A4; the CSV has everything)."""
    p = res.position
    out = pd.DataFrame(index=pd.Index([pretty_category(c) for c in p.index], name="Category"))
    out["Crimes"] = p["count"].to_numpy()
    out["Rate per 1,000"] = p["rate"].to_numpy()
    out[f"Position of {res.areas}"] = p["rank_phrase"].to_numpy()
    out["All-area rate"] = p["all_area_rate"].to_numpy()
    out["vs all areas"] = p["vs_all"].to_numpy()
    if "comparator_rate" in p:
        out["Comparator group rate"] = p["comparator_rate"].to_numpy()
        out["Position in group"] = [_ord_in_group(r) for _, r in p.iterrows()]
    return out


def csv_table(res: ComparisonResult) -> pd.DataFrame:
    """``tables/area_comparison.csv``: one row per area and category."""
    t = res.table.copy()
    t.insert(0, "period", res.period_label)
    return t


def headlines(res: ComparisonResult | None) -> dict:
    """summary.json keys: comparison.areas, .area, .rank_total, .tied_total, .rate_total,
    .all_area_rate_total, comparator figures, and comparison.by_category: a list with one object
    per category, {name, rank, tied, rate, all_area_rate} (names are values, never key paths)."""
    if res is None:
        return {"comparison.areas": None, "comparison.rank_total": None, "comparison.rate_total": None,
                "comparison.all_area_rate_total": None}
    p = res.position
    t = p.loc[ALL_CRIME]

    def num(v):
        return None if v is None or pd.isna(v) else float(v)

    h = {"comparison.area": res.area, "comparison.areas": int(res.areas), "comparison.label": res.label,
         "comparison.by": res.by, "comparison.rank_total": int(t["rank"]), "comparison.tied_total": bool(t["tied"]),
         "comparison.rate_total": num(t["rate"]),
         "comparison.all_area_rate_total": num(t["all_area_rate"]), "comparison.comparators": list(res.comparators)}
    if "comparator_rate" in p:
        h.update({"comparison.comparator_rate_total": num(t["comparator_rate"]),
                  "comparison.comparator_rank_total": int(t["comparator_rank"]),
                  "comparison.comparator_tied_total": bool(t["comparator_tied"]),
                  "comparison.comparator_areas": int(t["comparator_areas"])})
    h["comparison.by_category"] = [
        {"name": pretty_category(cat), "rank": int(r["rank"]), "tied": bool(r["tied"]), "rate": num(r["rate"]),
         "all_area_rate": num(r["all_area_rate"])}
        for cat, r in p.drop(index=ALL_CRIME).iterrows()]
    return h


def rate_figure(res: ComparisonResult, category: str = ALL_CRIME):
    """Horizontal bars of every area's rate, the assessed area dark and labelled, comparators
    hatched, the all-area rate as a dashed line (readable without colour)."""
    import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn

    from .figures.style import PALETTE  # plots loads matplotlib: only when a figure is drawn
    t = res.table[res.table["category"] == category].dropna(subset=["rate_per_1000"])
    t = t.sort_values("rate_per_1000")
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.22 * len(t) + 1)))
    colors = [PALETTE[0] if a else ("#9ecae1" if c else "#c8c8c8") for a, c in zip(t["assessed"], t["comparator"])]
    bars = ax.barh(t["area"].astype(str), t["rate_per_1000"], color=colors, edgecolor="white")
    for b, c in zip(bars, t["comparator"]):
        if c:
            b.set_hatch("//")
    allr = t["all_area_rate"].iloc[0] if len(t) else np.nan
    if not pd.isna(allr):
        ax.axvline(allr, color="#3D3D3D", ls="--", lw=1.2)
        ax.annotate(f"All areas {allr:.1f}", (allr, len(t) - 0.5), xytext=(4, 0), textcoords="offset points",
                    fontsize=8.5, va="top")
    for y, (a, v) in enumerate(zip(t["assessed"], t["rate_per_1000"])):
        if a:
            ax.annotate(f"{v:.1f}", (v, y), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize=9, fontweight="bold")
            ax.get_yticklabels()[y].set_fontweight("bold")
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("Crimes per 1,000 residents" + (" (comparator group hatched)" if res.comparators else ""))
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def figure_title(res: ComparisonResult, category: str = ALL_CRIME) -> str:
    """'Haringey had the 8th highest crime rate of the 32 London boroughs in 2024/25'."""
    p = res.position.loc[category]
    what = "crime rate" if category == ALL_CRIME else f"rate of {pretty_category(category).lower()}"
    return (f"{res.area} had {rank_words(p['rank_phrase'])} {what} of {_areas_label(res)}"
            + (f" in {res.period_label}" if res.period_label else ""))
