"""The words of chapter 2's ward-level sections (issue 17): methods, sentences, titles and display
tables for :class:`~assessment.chapters.wards.WardResult`; and the lines that say why the LSOA
sections are absent from a run on ward-level counts.

Example
-------
>>> LSOA_REASON.startswith("The crime counts are by ward")
True
"""
from __future__ import annotations

import pandas as pd

from ..chapters.wards import WARD_SHARES, WardResult
from ..rounding import GINI, PCT, PCT_CHANGE, pct
from ..stats.gistar import NO_VARIATION, count_classes

#: why the LSOA sections of chapter 2 are absent when every count file is at ward level
LSOA_REASON = ("The crime counts are by ward, not by LSOA, so crime by LSOA, its hot spots and emerging hot "
               "spots cannot be shown; the same measures are shown by ward instead.")
#: the config keys that would bring the LSOA sections in
LSOA_KEYS = ["inputs.crime_counts (add an LSOA-level count file)"]

METHODS = r"""
### Several count files and ward-level counts

* **Several count files as one series.** `inputs.crime_counts` may list several MPS tables (the
  ward-level history and the current ward- and LSOA-level tables). Each month is counted **once**,
  from **one file: the one holding most crimes in the area that month**; a tie goes to the file
  listed later. The rule prefers the complete month: the first and last month of a published
  extract are often partial (the current Haringey ward table holds 2 crimes for February 2024,
  the history 2,220), and an LSOA-level table holds only the crimes geocoded to an LSOA, so a
  ward-level table of the same month (every crime) supplies it. Where files share months, both
  totals are given in the data-quality notes. Every file's rows are accounted: a file whose
  months are all taken from another file is excluded with that reason.
* **LSOA-level files beside ward-level files** feed only the analyses by LSOA (hot spots), for
  their own months; the totals, trends, priority crimes and analyses by ward use the ward-level
  series.
* **Ward codes** are those of the count files (the MPS tables use the current, 2022, wards). A row
  whose ward code is not one of the area's wards in the ward lookup — a ward of an older vintage
  — is excluded and counted ("ward code not among the area's wards"); no older-ward lookup is used.
* **Crime by ward** counts every crime of the area's wards; an LSOA-level count is placed in a
  ward by the ONS best-fit LSOA → ward lookup. **Residents per ward** are the sum of the ward's
  LSOAs' mid-year estimates (best fit: an LSOA is wholly in one ward); a ward with an LSOA
  without an estimate has no rate.
* **Concentration by ward**: the share of crime in the top 10%, 25% and 50% of wards and the
  Gini coefficient, as for LSOAs; an area has some 15–30 wards, so these measures are coarse.
* **Hot spots by ward**: Getis–Ord Gi* on the ward polygons (`inputs.ward_boundaries`, else the
  LSOA polygons dissolved by the ward lookup), queen contiguity, with the permutations and
  significance rule of the LSOA hot spots. With so few wards a hot spot needs a large cluster:
  read it with the ward counts.
* **The yearly table** gives crimes per ward in each year of the trend window, the change on the
  previous year and on the baseline year (blank where the data do not cover that year).
"""


def _n(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def opening(res: WardResult, area: str) -> str:
    """The ward-level opening: the ward with most crime, its share, and how concentrated crime is.

    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> t = pd.DataFrame({"lsoa_name": ["North", "South"], "count": [30, 10]}, index=["W1", "W2"])
    >>> c = pd.DataFrame({"top_50pct_share": [0.75], "gini": [0.25]}, index=["All crime"])
    >>> opening(WardResult(financial_year(2024), t, pd.DataFrame(), c), "Testham")
    'Across Testham’s 2 wards, North had the most crime in 2024/25: 30 crimes, 75.0% of the total. The half of the wards with most crime had 75.0% of it (Gini 0.25: 0 = spread evenly, 1 = all in one ward).'
    """
    t = res.table
    total = int(t["count"].sum())
    if total == 0:
        return f"No crime was recorded by ward in {res.period.label}."
    top = t.iloc[0]
    c = res.concentration.iloc[0]
    s = (f"Across {area}’s {len(t)} wards, {top['lsoa_name']} had the most crime in {res.period.label}: "
         f"{int(top['count']):,} crimes, {pct(top['count'] / total)} of the total.")
    if "top_50pct_share" in c:
        s += (f" The half of the wards with most crime had {pct(c['top_50pct_share'])} of it "
              f"(Gini {GINI.format(c['gini'])}: 0 = spread evenly, 1 = all in one ward).")
    return s


def notes(res: WardResult) -> list[str]:
    """What the reader needs to know about the ward figures."""
    out = []
    if res.no_ward:
        out.append(f"{res.no_ward:,} crimes in {res.period.label} have no ward and are not counted by ward.")
    if res.boundary_source == "dissolved":
        out.append("The ward outlines are the LSOA boundaries merged by the ONS best-fit lookup "
                   "(set `inputs.ward_boundaries` for the official ward boundaries).")
    return out


def gi_sentence(res: WardResult) -> str:
    """How many wards are hot and cold spots.

    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> t = pd.DataFrame({"gi_class": ["Hot spot – 99% confidence", "Not significant"], "count": [5, 1]})
    >>> gi_sentence(WardResult(financial_year(2024), t, pd.DataFrame(), pd.DataFrame(), has_geometry=True))
    '1 ward is a hot spot at 95% confidence or more, and no ward is a cold spot at 95% or more.'
    """
    if not res.has_geometry:
        return ("There are no ward boundaries (`inputs.ward_boundaries`, or LSOA boundaries with a ward lookup), "
                "so the hot-spot statistic (Gi*) could not be computed by ward.")
    t = res.table
    if (t["gi_class"] == NO_VARIATION).all():
        return "Every ward had the same count, so there are no hot or cold spots to find."
    hot, cold = count_classes(t["gi_class"], 0.95), count_classes(t["gi_class"], 0.95, hot=False)

    def wards(n, what):
        return f"no ward is a {what}" if n == 0 else (f"1 ward is a {what}" if n == 1 else f"{n} wards are {what}s")
    s = f"{wards(hot, 'hot spot')} at 95% confidence or more, and {wards(cold, 'cold spot')} at 95% or more."
    return s[0].upper() + s[1:]


def table_title(res: WardResult) -> str:
    """The ward table's title: a finding."""
    t = res.table
    if not len(t) or t["count"].sum() == 0:
        return f"Crime by ward, {res.period.label}"
    return f"{t['lsoa_name'].iloc[0]} had the most crime of any ward in {res.period.label}"


def yearly_title(res: WardResult) -> str:
    """The yearly table's title: the ward with the largest rise on the baseline, when there is one."""
    y = res.yearly
    years = [str(c)[len("crimes "):] for c in y.columns if str(c).startswith("crimes ")]
    if "change_baseline" in y and y["change_baseline"].notna().any() and res.baseline_label:
        w = y.loc[y["change_baseline"].astype(float).idxmax()]
        if w["change_baseline"] > 0:
            return (f"{w['ward']} had the largest rise on {res.baseline_label}: "
                    f"{int(w['change_baseline']):+,} crimes ({years[0]} to {years[-1]} by ward)")
    return f"Crime by ward, {years[0]} to {years[-1]}" if years else "Crime by ward"


def count_map_title(res: WardResult) -> str:
    return f"Recorded crime by ward, {res.period.label}"


def rate_map_title(res: WardResult) -> str:
    return f"Crimes per 1,000 residents by ward, {res.period.label}"


def hot_spot_title(res: WardResult) -> str:
    n = count_classes(res.table["gi_class"], 0.95) if "gi_class" in res.table else 0
    return (f"{_n(n, 'ward')} {'is a hot spot' if n == 1 else 'are hot spots'} at 95% confidence or more, "
            f"{res.period.label} (Getis–Ord Gi*)")


def display_table(res: WardResult, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ward table with readable column names (change columns only when the previous year is covered,
    Gi* columns only with ward polygons)."""
    t = res.table if table is None else table
    names = {"lsoa_name": "Ward", "count": "Crimes", "rate_per_1000": "Rate per 1,000 residents", "rank": "Rank",
             "previous_count": "Previous 12 months", "change": "Change", "change_pct": "% change",
             "gi_z": "Gi* z-score", "gi_class": "Gi* class"}
    keep = [c for c in names if c in t and not (c in ("previous_count", "change", "change_pct") and not res.has_previous)
            and not (c in ("gi_z", "gi_class") and not res.has_geometry)]
    return t.reset_index(drop=True)[keep].rename(columns=names)


def publishable(res: WardResult) -> pd.DataFrame:
    """The ward table for ``tables/ward_counts.csv`` (machine column names, the ward code kept)."""
    t = res.table.drop(columns=["ward_code", "ward"], errors="ignore").rename(columns={"lsoa_name": "ward"})
    t.index.name = "ward_code"
    return t.reset_index()


def yearly_display(res: WardResult) -> pd.DataFrame:
    """The yearly table with readable names."""
    y = res.yearly.reset_index(drop=True)
    names = {c: str(c)[len("crimes "):] for c in y.columns if str(c).startswith("crimes ")}
    names |= {"ward": "Ward", "change_previous": "Change on previous year", "change_previous_pct": "% change on previous year",
             "change_baseline": f"Change on {res.baseline_label}", "change_baseline_pct": f"% change on {res.baseline_label}"}
    drop = [c for c in ("change_baseline", "change_baseline_pct") if res.baseline_label is None]
    return y.drop(columns=drop).rename(columns=names)


def yearly_formats(res: WardResult) -> dict:
    return {"% change on previous year": PCT_CHANGE, f"% change on {res.baseline_label}": PCT_CHANGE}


DISPLAY_FORMATS = {"% change": PCT_CHANGE, "Rate per 1,000 residents": "{:.1f}", "Gi* z-score": "{:.2f}"}
CONCENTRATION_TITLE = "Share of crime in the top " + ", ".join(f"{round(p * 100)}%" for p in WARD_SHARES) + " of wards"


def concentration_display(res: WardResult) -> pd.DataFrame:
    """Crime group, the top-share columns and the Gini, with readable names."""
    c = res.concentration
    cols = {f"top_{round(p * 100)}pct_share": f"Top {round(p * 100)}% of wards" for p in WARD_SHARES}
    cols["gini"] = "Gini"
    t = c[[k for k in cols if k in c]].rename(columns=cols)
    t.index = [str(i) for i in t.index]
    t.index.name = "Crime group"
    return t.reset_index()


CONCENTRATION_FORMATS = {**{f"Top {round(p * 100)}% of wards": PCT for p in WARD_SHARES}, "Gini": GINI}
