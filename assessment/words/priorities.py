"""The priorities page in words: its title (the finding), the rule in plain words, the column
labels a board reader sees, and the methods text.

The figures are :mod:`assessment.chapters.priorities`'s; percentages and counts are written by
:mod:`assessment.rounding`, as everywhere in the report.

Example
-------
>>> criteria_phrase(["volume", "rising"])
'high volume and rising faster than all crime'
"""
from __future__ import annotations

import pandas as pd

from ..chapters.priorities import CRITERIA, SHARE, PrioritiesResult
from ..rounding import PCT, PCT_CHANGE, count, pct, signed_pct

#: the criteria as the "Points for" column lists them
CRITERION_LABELS = {"volume": "volume", "rising": "rising", "rate": "rate", "concentrated": "concentrated"}

#: the criteria in a sentence (the title; the exact tests are in the note under the table)
CRITERION_PHRASES = {"volume": "high volume",
                     "rising": "rising faster than all crime",
                     "rate": "a rate above other areas'",
                     "concentrated": "concentrated in place"}

#: the section's opening sentence
INTRO = ("The priority crime groups side by side: how many crimes, how they changed, how the rate compares "
         "with other areas and how concentrated they are in place. Each group gets a point for each criterion "
         "it meets, and the groups are ranked by points; the table is the evidence for choosing next year's "
         "priorities, not the choice itself.")

#: what the page says when chapter 1's figures are not in the run's folder (the notebook run on its own)
NO_FIGURES = ("The priorities table is written from the other chapters' figures, which are not in this run's "
              "folder yet: run the whole assessment (`assessment run`) to see it.")

#: what the page says when no crime groups are configured
NO_GROUPS = ("No priority crime groups are configured (`crime_groups` in the config), so there is no "
             "priorities table.")

#: the table's title in the trace of what is published
CSV_NAME = "priorities"

_SHARE_LABEL = f"Share in the busiest {SHARE:.0%} of LSOAs"

METHODS = rf"""
### Priorities (executive summary)

The priorities table sets each priority crime group (`crime_groups` in the config) side by side:
its crimes in the assessment period, the change on the previous 12 months and on the baseline year
(chapter 1's figures), its rate per 1,000 residents (the group's crimes ÷ the residents × 1,000),
how far that rate is above or below the comparator areas' rate for the same crime types (the
area's rate ÷ theirs − 1), and the share of its crime in the
{SHARE:.0%} of LSOAs with most of it (chapter 2's figures). The comparator rate is chapter 5's
comparison with each group as the category: the comparator group's pooled rate (the area and the
areas in `performance.comparators` together), or all the areas' pooled rate when no comparator
group is configured; it is available only when the crime input covers other areas as well (for
example the MPS London-wide counts).

**The rule.** Each group gets one point for each criterion it meets:

* **Volume**: more crimes in the period than the median of the ranked groups.
* **Rising**: a percentage change on the previous 12 months above all recorded crime's.
* **Rate**: a rate per 1,000 residents above the comparators' rate.
* **Concentrated**: a larger share of its crime in its busiest {SHARE:.0%} of LSOAs than the median
  of the ranked groups (a concentrated problem suits a place-based response).

Groups are ranked by points, then by crimes in the period (more first), then by name. A criterion
whose figures are missing (no previous year in the data, no other areas to compare with, no
hot-spot figures) gives no group a point, and the table's note says so. A *composite* group — one
whose crime types are exactly those of two or more other groups, such as neighbourhood crime — is
shown but not ranked and is left out of the medians, because its offences are ranked already in
its parts. Small groups tend to look more concentrated than large ones (a few
crimes cannot spread over every LSOA), so read the concentration point with the group's size in
mind. The points
are evidence for the board's choice, not the choice: harm, public concern and the partnership's
other duties weigh too. `tables/priorities.csv` holds every figure and each point.
"""


# -- sentences ------------------------------------------------------------------------------------------
def _join(items: list[str]) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def criteria_phrase(criteria: list[str]) -> str:
    """The criteria a group meets, in a sentence.

    Parameters
    ----------
    criteria : list of str
        Names from :data:`~assessment.chapters.priorities.CRITERIA`.

    Returns
    -------
    str

    >>> criteria_phrase(["concentrated", "rate"])
    "concentrated in place and a rate above other areas'"
    """
    return _join([CRITERION_PHRASES[c] for c in criteria])


def assessed(res: PrioritiesResult) -> list[str]:
    """The criteria that could be assessed (the points a group can get)."""
    return [c for c in CRITERIA if c not in res.missing]


def title(res: PrioritiesResult) -> str:
    """The table's title: the group that ranks first and why.

    Parameters
    ----------
    res : PrioritiesResult

    Returns
    -------
    str
        'Shoplifting ranks first on the evidence (3 of 3 points): high volume, rising faster than
        all crime and concentrated in place'.
    """
    ranked = res.ranked
    if not len(ranked):
        return "Priority crime groups"
    first = ranked.iloc[0]
    n = len(assessed(res))
    met = [c for c in CRITERIA if first[f"point_{c}"]]
    if not met:
        return (f"No priority crime group meets any of the {n} criteria assessed; by volume, "
                f"{first['crime_group']} comes first")
    tied = ranked[ranked["points"] == first["points"]]
    head = f"{first['crime_group']} ranks first on the evidence ({int(first['points'])} of {n} points): "
    if len(tied) > 1:
        others = _join([str(x) for x in tied["crime_group"].iloc[1:]])
        return head + criteria_phrase(met) + f" (level on points with {others}, ahead on volume)"
    return head + criteria_phrase(met)


def rule_note(res: PrioritiesResult, unavailable: str | None = None) -> str:
    """The rule in plain words with this run's benchmarks, and what could not be assessed (the
    note under the table).

    Parameters
    ----------
    res : PrioritiesResult
    unavailable : str, optional
        Why there is no comparison with other areas, in a sentence
        (:func:`assessment.words.performance.unavailable_reason`).

    Returns
    -------
    str
    """
    b = res.benchmarks
    parts = []
    if b.get("volume") is not None:
        parts.append(f"volume, more crimes in {res.period_label} than the median group ({count(b['volume'])})")
    if "rising" not in res.missing:
        parts.append(f"rising, a change on {res.previous_label} above all recorded crime's ({signed_pct(b['rising'])})")
    if "rate" not in res.missing:
        what = (f"the pooled rate of the area and its comparators ({_join(res.comparators)})"
                if res.comparison == "comparators" and res.comparators
                else f"the pooled rate of all the {res.comparison_label or 'areas in the crime input'}")
        parts.append(f"rate, a rate per 1,000 residents above {what}, the table showing how far above (+) or "
                     "below (−) it is")
    if "concentrated" not in res.missing:
        parts.append(f"concentrated, a larger share of the group's crime in its busiest {SHARE:.0%} of LSOAs "
                     f"than the median group ({pct(b['concentrated'])})")
    text = ("How the groups are ranked: one point for each criterion met — " + "; ".join(parts)
            + f". Groups level on points are ranked by crimes in {res.period_label}.") if parts else \
        "No criterion could be assessed, so the groups are ranked by crimes."
    gaps = []
    if "rising" in res.missing:
        gaps.append(f"The change on {res.previous_label} could not be assessed (the data do not cover it).")
    if "rate" in res.missing:
        gaps.append("Rates in other areas are not available, so no group gets the rate point. "
                    + (unavailable or "There are no other areas in the crime input to compare with."))
    if "concentrated" in res.missing:
        gaps.append("Concentration is not available (the hot-spot figures were not computed), so no group gets "
                    "that point.")
    if res.baseline_label is None:
        year = f" ({res.baseline_wanted})" if res.baseline_wanted else ""
        gaps.append(f"The data do not cover the baseline year{year}, so there is no change on it.")
    if res.composites:
        gaps.append(f"{_join(res.composites)} {'is' if len(res.composites) == 1 else 'are'} shown but not ranked: "
                    "it is made up of other groups, whose offences are ranked already.")
    return " ".join([text, *gaps])


# -- the table ------------------------------------------------------------------------------------------
def labels(res: PrioritiesResult) -> dict:
    """Machine column -> the column label a reader sees (naming the years).

    >>> from assessment.chapters.priorities import PrioritiesResult
    >>> r = PrioritiesResult(table=pd.DataFrame(), period_label="2024/25", previous_label="2023/24",
    ...                      baseline_label="2020/21")
    >>> labels(r)["change_pct"], labels(r)["change_vs_baseline_pct"]
    ('Change on 2023/24', 'Change on 2020/21 (baseline)')
    """
    comp = "Rate against comparators" if res.comparison == "comparators" else "Rate against all areas"
    return {"rank": "Rank", "crime_group": "Crime group", "current": f"Crimes in {res.period_label}",
            "change_pct": f"Change on {res.previous_label}",
            "change_vs_baseline_pct": f"Change on {res.baseline_label} (baseline)",
            "rate_per_1000": "Rate per 1,000 residents", "vs_comparison": comp,
            "top_share_10": _SHARE_LABEL, "points": f"Points (of {len(assessed(res))})",
            "criteria_met": "Points for"}


def display_table(res: PrioritiesResult) -> pd.DataFrame:
    """The priorities table as shown: human labels, the years named, columns with no figure to
    show left out (their absence is said once, in :func:`rule_note`), composites last and unranked.

    Parameters
    ----------
    res : PrioritiesResult

    Returns
    -------
    DataFrame
        Shown with :func:`formats`.
    """
    t = res.table
    cols = ["rank", "crime_group", "current", "change_pct"]
    if res.baseline_label is not None:
        cols.append("change_vs_baseline_pct")
    cols.append("rate_per_1000")
    if res.comparison is not None:
        cols.append("vs_comparison")
    cols += ["top_share_10", "points", "criteria_met"]
    drop = {c for c in ("change_pct", "rate_per_1000", "top_share_10")
            if pd.to_numeric(t[c], errors="coerce").isna().all()}
    out = t[[c for c in cols if c not in drop]].copy()
    comp = t["composite"].astype(bool).to_numpy()
    out["points"] = pd.array([pd.NA if c else int(p) for c, p in zip(comp, t["points"])], dtype="Int64")
    out["criteria_met"] = ["not ranked" if c else (", ".join(CRITERION_LABELS[k] for k in m.split("; ")) if m else "—")
                           for c, m in zip(comp, t["criteria_met"])]
    out["crime_group"] = out["crime_group"].astype(str)
    return out.rename(columns=labels(res))


def formats(res: PrioritiesResult) -> dict:
    """How :func:`display_table`'s columns are written (the report's one rounding rule)."""
    lab = labels(res)
    return {lab["change_pct"]: PCT_CHANGE, lab["change_vs_baseline_pct"]: PCT_CHANGE,
            lab["rate_per_1000"]: "{:.1f}", lab["vs_comparison"]: PCT_CHANGE, lab["top_share_10"]: PCT}


def csv_table(res: PrioritiesResult) -> pd.DataFrame:
    """``tables/priorities.csv``: every figure and each point, with stable machine column names,
    and the period each figure is for."""
    t = res.table.copy()
    t.insert(0, "period", res.period_label)
    t.insert(1, "previous_period", res.previous_label)
    t.insert(2, "baseline_period", res.baseline_label)
    return t
