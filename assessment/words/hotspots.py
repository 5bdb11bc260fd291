"""The words of chapter 2 (hot spots by LSOA and emerging hot spots): methods text, sentences,
titles, notes, display labels and formats, as functions of the chapter's result
(:class:`~assessment.chapters.hotspots.HotspotsResult`, :class:`~assessment.chapters.hotspots.EmergingResult`).

Everything said about significance comes from the run's
:class:`~assessment.significance.SignificanceRule`; numbers are formatted by :mod:`assessment.rounding`.

Example
-------
>>> import pandas as pd
>>> from assessment.chapters.hotspots import EmergingResult
>>> r = EmergingResult(periods=[1, 2, 3], min_years=5, table=pd.DataFrame({"category": ["New hot spot"]}))
>>> emerging_notes(r)[0].startswith("The data cover only 3 complete years")
True
"""
from __future__ import annotations

import pandas as pd

from ..chapters.hotspots import ALL_CRIME, NO_BOUNDARIES, TOO_FEW_YEARS, EmergingResult, HotspotsResult
from ..rounding import GINI, PCT, PCT_CHANGE, pct
from ..significance import SignificanceRule
from ..stats.base import NO_GEOMETRY
from ..stats.emerging import HOT_CATEGORIES
from ..stats.gistar import HOT_AT, NO_VARIATION, count_classes, count_fdr

# -- methods ------------------------------------------------------------------------------------
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
    """The methods text of chapter 2 for a significance rule (the appendix uses this run's rule).

    Parameters
    ----------
    rule : SignificanceRule
        The run's significance rule.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> "The classes use the adjusted p-value" in methods(SignificanceRule(fdr=True))
    True
    """
    return _METHODS_HEAD.rstrip("\n") + "\n" + rule.methods() + "\n" + _METHODS_TAIL.lstrip("\n")


METHODS = methods()

_EMERGING_HEAD = r"""
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

_EMERGING_TAIL = r"""
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


def emerging_methods(rule: SignificanceRule = SignificanceRule(), alpha: float = 0.10, trend_alpha: float = 0.05,
                     min_years: int = 5) -> str:
    """The methods text of the emerging-hotspot analysis for a run's significance rule and settings.

    Parameters
    ----------
    rule : SignificanceRule
        The hot-spot map's rule: the yearly state uses the same p-value (``rule.p_column``).
    alpha : float
        A year is hot or cold at p ≤ alpha (``hotspots.emerging_alpha``).
    trend_alpha : float
        The Mann–Kendall significance level (``hotspots.trend_alpha``).
    min_years : int
        The years the classes are designed for (``hotspots.emerging_min_years``).

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> "adjusted for testing every LSOA at once within each year" in emerging_methods(SignificanceRule(fdr=True))
    True
    >>> "each LSOA is tested on its own within each year" in emerging_methods(SignificanceRule(fdr=False))
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
    return (_EMERGING_HEAD.format(min_years=min_years).rstrip("\n") + "\n" + state
            + _EMERGING_TAIL.format(trend_alpha=trend_alpha).lstrip("\n") + "\n")


EMERGING_METHODS = emerging_methods()


# -- the chapter's notes ------------------------------------------------------------------------
#: shown when there is no boundary file (the maps, Gi* and emerging hot spots need one)
NO_BOUNDARY_FILE = ("*There is no boundary file (`inputs.boundaries`), so the maps, the hot-spot statistic and the "
                    "emerging-hotspot analysis are not shown; everything else is.*")


def notes(res: HotspotsResult) -> list[str]:
    """The chapter's notes on its data (empty crime groups, crimes without a location, missing
    population figures, no previous year), one sentence each.

    Parameters
    ----------
    res : HotspotsResult

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> r = HotspotsResult(period=financial_year(2024), table=pd.DataFrame(), has_previous=True, unmapped=1200,
    ...                    no_population=["E1"])
    >>> notes(r)
    ["1,200 crimes in 2024/25 have no location (police.uk 'No Location'): they are in chapter 1's totals but not in this chapter's counts by LSOA, shares or hot spots.", '1 LSOA has no population figure (E1), so no rate.']
    """
    label = res.period.label
    out = [f"The crime group '{name}' has no crimes in {label}: check that its crime types in the config match "
           "the crime types in the data." for name in res.empty_groups]
    if res.unmapped:
        out.append(f"{res.unmapped:,} crimes in {label} have no location (police.uk 'No Location'): they are "
                   "in chapter 1's totals but not in this chapter's counts by LSOA, shares or hot spots.")
    no_pop = list(res.no_population)
    if not res.has_population:
        out.append("No population figures were supplied, so rates per 1,000 residents are not shown.")
    elif no_pop:
        out.append(f"{len(no_pop)} LSOA{'s have' if len(no_pop) != 1 else ' has'} no population figure "
                   f"({', '.join(no_pop[:5])}{', ...' if len(no_pop) > 5 else ''}), so no rate.")
    if not res.has_previous:
        out.append(f"The data do not cover the 12 months before the assessment period ({label}), "
                   "so there is no change against the previous year.")
    return out


# -- sentences ----------------------------------------------------------------------------------
def concentration_sentence(res: HotspotsResult, area: str) -> str:
    """'The 10 LSOAs with most crime (6.7% of Testham's 150 LSOAs) had 21.3% of its crime ...'.

    Parameters
    ----------
    res : HotspotsResult
        Its ``concentration`` table and ``period``.
    area : str
        The area's name.

    Returns
    -------
    str
    """
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
    """How many hot and cold spots Gi* found, and which LSOAs were not tested.

    Parameters
    ----------
    res : HotspotsResult

    Returns
    -------
    str
    """
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
    come from (the chapter's paragraph before the hot-spot map; empty without Gi*).

    Parameters
    ----------
    res : HotspotsResult

    Returns
    -------
    str
    """
    if not res.has_geometry or not res.tested:
        return ""
    return (res.rule.explanation(res.tested) + f" The p-values come from {res.rule.permutation_phrase()}; the "
            "method is in the appendix.")


def peaks_not_clusters(res: HotspotsResult, n: int = 5) -> str:
    """A sentence when LSOAs among the ``n`` with most crime are not Gi* hot spots (a peak is not a cluster).

    Parameters
    ----------
    res : HotspotsResult
    n : int
        How many of the LSOAs with most crime to look at.

    Returns
    -------
    str
        Empty when all of them are hot spots, or without Gi*.
    """
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


# -- titles -------------------------------------------------------------------------------------
def top_table_title(res: HotspotsResult, top: pd.DataFrame) -> str:
    """The title of the table of the LSOAs with most crime.

    Parameters
    ----------
    res : HotspotsResult
        Its headlines (the top-10 share) and period.
    top : DataFrame
        The rows shown.

    Returns
    -------
    str
    """
    return (f"The {len(top)} LSOAs with most crime had {pct(res.headlines['hotspots.top10_share'] or 0)} of it in "
            f"{res.period.label}")


def hot_spot_title(res: HotspotsResult) -> str:
    """A finding-stating title for the Gi* map.

    Parameters
    ----------
    res : HotspotsResult

    Returns
    -------
    str
    """
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


def group_map_title(name: str, table: pd.DataFrame) -> str:
    """The title of a crime group's Gi* map: how many of its LSOAs are hot spots at 95%.

    Parameters
    ----------
    name : str
        The crime group.
    table : DataFrame
        Its LSOA table (the ``gi_class`` column).

    Returns
    -------
    str

    Examples
    --------
    >>> from assessment.stats.gistar import HOT_99, NOT_SIGNIFICANT
    >>> group_map_title("Robbery", pd.DataFrame({"gi_class": [HOT_99, NOT_SIGNIFICANT]}))
    'Robbery: 1 LSOA is a hot spot at 95% confidence'
    """
    n95 = count_classes(table["gi_class"], 0.95)
    return f"{name}: {n95} LSOA{'s' if n95 != 1 else ''} {'are hot spots' if n95 != 1 else 'is a hot spot'} at 95% confidence"


def _place(row, code) -> str:
    name = row.get("lsoa_name")
    ward = row.get("ward")
    label = f"{name} ({code})" if isinstance(name, str) and name else str(code)
    return label + (f", {ward}" if isinstance(ward, str) and ward else "")


def count_map_title(res: HotspotsResult) -> str:
    """'Crime was highest in Haringey 016B (E01002029), Noel Park: 1,281 crimes in 2024/25'.

    Parameters
    ----------
    res : HotspotsResult

    Returns
    -------
    str
    """
    t = res.table
    if t["count"].sum() == 0:
        return f"No crimes were recorded in {res.period.label}"
    code = t.index[0]
    return f"Crime was highest in {_place(t.iloc[0], code)}: {int(t.iloc[0]['count']):,} crimes in {res.period.label}"


def rate_map_title(res: HotspotsResult) -> str:
    """The LSOA with the highest rate per 1,000 residents, as a title.

    Parameters
    ----------
    res : HotspotsResult

    Returns
    -------
    str
    """
    r = res.table["rate_per_1000"].dropna()
    if r.empty:
        return "No rates: no population figures"
    code = r.idxmax()
    return f"The highest rate was in {_place(res.table.loc[code], code)}: {r.max():,.0f} crimes per 1,000 residents"


def lorenz_title(res: HotspotsResult) -> str:
    """'The 10% of LSOAs with most crime had 35% of it in 2024/25'.

    Parameters
    ----------
    res : HotspotsResult
        Its ``concentration`` table and ``period``.

    Returns
    -------
    str
    """
    c = res.concentration.loc[ALL_CRIME]
    if "top_10pct_share" not in c or pd.isna(c["top_10pct_share"]):
        return "Concentration of crime across LSOAs"
    return f"The 10% of LSOAs with most crime had {pct(c['top_10pct_share'])} of it in {res.period.label}"


def rises_title(up: pd.DataFrame) -> str:
    """'The 10 LSOAs where crime rose most'.

    >>> rises_title(pd.DataFrame(index=range(3)))
    'The 3 LSOAs where crime rose most'
    """
    return f"The {len(up)} LSOAs where crime rose most"


def falls_title(down: pd.DataFrame) -> str:
    """'The 10 LSOAs where crime fell most'.

    >>> falls_title(pd.DataFrame(index=range(3)))
    'The 3 LSOAs where crime fell most'
    """
    return f"The {len(down)} LSOAs where crime fell most"


def ward_table_title(wards: pd.DataFrame) -> str:
    """The title of the ward roll-up: the ward with most crime and its share.

    Parameters
    ----------
    wards : DataFrame
        A :func:`~assessment.chapters.hotspots.ward_rollup` (not empty).

    Returns
    -------
    str

    Examples
    --------
    >>> ward_table_title(pd.DataFrame({"ward": ["North"], "share_of_crime": [0.25]}))
    'North had the most crime of any ward (25.0%)'
    """
    return f"{wards['ward'].iloc[0]} had the most crime of any ward ({pct(wards['share_of_crime'].iloc[0])})"


# -- display labels and formats -----------------------------------------------------------------
def display_columns(table: pd.DataFrame, rule: SignificanceRule = SignificanceRule()) -> pd.DataFrame:
    """The LSOA table with readable column names, for display in the report.

    Parameters
    ----------
    table : DataFrame
        An LSOA table (indexed by lsoa_code, or with an lsoa_code column).
    rule : SignificanceRule
        Beside the class, the p-value the classes use (``rule.p_label``).

    Returns
    -------
    DataFrame
    """
    names = {"lsoa_code": "LSOA", "lsoa_name": "LSOA name", "ward": "Ward", "count": "Crimes",
             "rate_per_1000": "Rate per 1,000 residents", "rank": "Rank", "previous_count": "Previous 12 months",
             "change": "Change", "change_pct": "% change", "gi_z": "Gi* z-score", rule.p_column: rule.p_label,
             "gi_class": "Gi* class"}
    t = table.reset_index() if table.index.name == "lsoa_code" else table
    keep = [c for c in names if c in t and not (c in GI_COLUMNS + (rule.p_column,) and untested(t))
            and not (c in CHANGE_COLUMNS and no_previous(t))]
    return t[keep].rename(columns=names)


#: the change columns of an LSOA table, left out of its display when the data hold no previous 12 months
CHANGE_COLUMNS = ("previous_count", "change", "change_pct")
#: the note under an LSOA table whose change columns are left out (:func:`no_previous`)
NO_PREVIOUS_NOTE = "Change columns left out: the data do not cover the previous 12 months."


def no_previous(table: pd.DataFrame) -> bool:
    """True when ``table`` has no previous-12-months count for any LSOA (the data start within the
    period): its change columns are then left out of the display and :data:`NO_PREVIOUS_NOTE` says why.

    >>> no_previous(pd.DataFrame({"previous_count": pd.array([pd.NA, pd.NA], dtype="Int64")}))
    True
    >>> no_previous(pd.DataFrame({"previous_count": [3, 0]}))
    False
    """
    return "previous_count" in table and len(table) > 0 and bool(table["previous_count"].isna().all())


def display_note(table: pd.DataFrame) -> str | None:
    """The note under an LSOA table shown with :func:`display_columns`: why columns were left out
    (no boundary file: :data:`UNTESTED_NOTE`; no previous 12 months: :data:`NO_PREVIOUS_NOTE`), or None.

    >>> display_note(pd.DataFrame({"previous_count": pd.array([pd.NA], dtype="Int64"), "gi_class": ["Hot"]}))
    'Change columns left out: the data do not cover the previous 12 months.'
    """
    notes = [n for n in (untested_note(table), NO_PREVIOUS_NOTE if no_previous(table) else None) if n]
    return " ".join(notes) or None


#: the Gi* columns of an LSOA table, left out of its display when no LSOA could be tested
GI_COLUMNS = ("gi_z", "gi_class")
#: the note under an LSOA table whose Gi* columns are left out (:func:`untested`)
UNTESTED_NOTE = ("Hot-spot columns left out: there is no boundary file (inputs.boundaries), so no LSOA could be "
                 "tested for hot spots.")


def untested(table: pd.DataFrame) -> bool:
    """True when every LSOA of ``table`` is "Not tested – no boundary file": its Gi* columns are then
    left out of the display (:func:`display_columns`) and :data:`UNTESTED_NOTE` says why, once.

    >>> untested(pd.DataFrame({"gi_class": [NO_GEOMETRY, NO_GEOMETRY]})), untested(pd.DataFrame({"gi_class": ["Hot"]}))
    (True, False)
    """
    return "gi_class" in table and len(table) > 0 and bool((table["gi_class"] == NO_GEOMETRY).all())


def untested_note(table: pd.DataFrame) -> str | None:
    """:data:`UNTESTED_NOTE` when ``table``'s Gi* columns are left out of its display, else None."""
    return UNTESTED_NOTE if untested(table) else None


DISPLAY_FORMATS = {"% change": PCT_CHANGE, "Rate per 1,000 residents": "{:.1f}", "Gi* z-score": "{:.2f}",
                   SignificanceRule(fdr=True).p_label: "{:.4f}", SignificanceRule(fdr=False).p_label: "{:.4f}"}


def group_display(summary: pd.DataFrame) -> pd.DataFrame:
    """The crime-group summary (:func:`~assessment.chapters.hotspots.group_summary`) with readable
    column names, the LSOA with most crime as 'name (code)'.

    Parameters
    ----------
    summary : DataFrame

    Returns
    -------
    DataFrame
    """
    key = next(c for c in summary.columns if c.startswith("top") and c.endswith("_share"))      # e.g. top10_share
    most = [f"{name} ({code})" if code is not None and isinstance(name, str) else code
            for code, name in zip(summary["top_lsoa"], summary["top_lsoa_name"])]
    names = {"crime_group": "Crime group", "crimes": "Crimes", key: f"Share in the top {key[3:-6]} LSOAs",
             "gini": "Gini", "generalised_gini": "Generalised Gini", "hot_spots_95": "Hot spots (95%+)"}
    out = summary[list(names)].rename(columns=names)
    out["LSOA with most"] = most
    return out


def ward_display(wards: pd.DataFrame) -> pd.DataFrame:
    """The ward roll-up with readable column names.

    Parameters
    ----------
    wards : DataFrame
        A :func:`~assessment.chapters.hotspots.ward_rollup`.

    Returns
    -------
    DataFrame
    """
    names = {"ward_code": "Ward code", "ward": "Ward", "lsoas": "LSOAs", "count": "Crimes", "share_of_crime": "Share of crime",
             "previous_count": "Previous 12 months", "change": "Change", "change_pct": "% change",
             "rate_per_1000": "Rate per 1,000 residents", "hot_lsoas_95": "Hot LSOAs (95%+)",
             "hot_lsoas_90": "Hot LSOAs (90%+)", "cold_lsoas_95": "Cold LSOAs (95%+)"}
    t = wards.reset_index()
    return t[[c for c in names if c in t]].rename(columns=names)


WARD_FORMATS = {"Share of crime": PCT, "% change": PCT_CHANGE, "Rate per 1,000 residents": "{:.1f}"}
CONCENTRATION_FORMATS = {c: PCT for c in ("top_1pct_share", "top_5pct_share", "top_10pct_share", "top_20pct_share",
                                          "top10_share")} | {"gini": GINI, "generalised_gini": GINI}
#: the concentration table's title
CONCENTRATION_TITLE = "Share of crime in the top 1%, 5%, 10% and 20% of LSOAs"


def concentration_display(concentration: pd.DataFrame) -> pd.DataFrame:
    """The concentration table's columns the report shows: per crime group its crimes, the shares
    in the top p% of LSOAs, the top-10 share and the Gini coefficients (``tables/concentration.csv``
    keeps every column; the labels are :func:`concentration_labels`).

    Parameters
    ----------
    concentration : DataFrame
        ``res.concentration`` (indexed by crime_group).

    Returns
    -------
    DataFrame
        Machine column names; shown with :data:`CONCENTRATION_FORMATS` and :func:`concentration_labels`.

    Examples
    --------
    >>> c = pd.DataFrame({"lsoas": [150], "crimes": [900], "top_1pct_lsoas": [2], "top_1pct_share": [0.05],
    ...                   "top10_share": [0.2], "gini": [0.3], "generalised_gini": [0.3]},
    ...                  index=pd.Index(["All crime"], name="crime_group"))
    >>> list(concentration_display(c).columns)
    ['crime_group', 'crimes', 'top_1pct_share', 'top10_share', 'gini', 'generalised_gini']
    >>> concentration_labels(c)
    {'top_1pct_share': 'Top 1% (2 LSOAs)', 'top10_share': 'Top 10 LSOAs'}
    """
    t = concentration.reset_index()
    shares = [c for c in t.columns if c.startswith("top_") and c.endswith("pct_share")]
    keep = ["crime_group", "crimes", *shares, "top10_share", "gini", "generalised_gini"]
    return t[[c for c in keep if c in t]]


def concentration_labels(concentration: pd.DataFrame) -> dict:
    """The concentration table's headers naming how many LSOAs each top p% is (the same for every
    crime group): ``{"top_1pct_share": "Top 1% (2 LSOAs)", ...}``.

    Parameters
    ----------
    concentration : DataFrame
        ``res.concentration``.

    Returns
    -------
    dict
    """
    out = {}
    for c in concentration.columns:
        if c.startswith("top_") and c.endswith("pct_share"):
            p, n = c[len("top_"):-len("pct_share")], concentration.get(c.replace("_share", "_lsoas"))
            n = None if n is None or not len(n) or pd.isna(n.max()) else int(n.max())
            out[c] = f"Top {p}%" + ("" if n is None else f" ({n} LSOA{'s' if n != 1 else ''})")
    if "top10_share" in concentration.columns:
        out["top10_share"] = "Top 10 LSOAs"
    return out


#: the crime-group summary table (:func:`group_display`)
GROUP_FORMATS = {"Share in the top 10 LSOAs": PCT, "Gini": GINI, "Generalised Gini": GINI}


# -- emerging hot spots -------------------------------------------------------------------------
def emerging_reason(res: EmergingResult) -> str:
    """Why there is no emerging-hotspot table (``res.reason``), in a sentence; empty when there is one.

    Parameters
    ----------
    res : EmergingResult

    Returns
    -------
    str

    Examples
    --------
    >>> from assessment.chapters.hotspots import TOO_FEW_YEARS
    >>> from assessment.periods import financial_year
    >>> emerging_reason(EmergingResult(periods=[1, 2], min_years=5, reason=TOO_FEW_YEARS, period=financial_year(2023)))
    'The data cover 2 complete years up to 2023/24; emerging hotspots need at least three (five or more to be reliable).'
    """
    if res.reason == NO_BOUNDARIES:
        return "There is no boundary file, so emerging hotspots (which need Gi*) cannot be computed."
    if res.reason == TOO_FEW_YEARS:
        n = len(res.periods)
        return (f"The data cover {n} complete year{'s' if n != 1 else ''} up to "
                f"{res.period.label}; emerging hotspots need at least three (five or more to be reliable).")
    return ""


def fewer_years_note(n: int, min_years: int = 5) -> str:
    """The plain note shown when the data hold fewer years than the method is designed for.

    Parameters
    ----------
    n : int
        Complete years in the data.
    min_years : int
        The years the method is designed for.

    Returns
    -------
    str

    Examples
    --------
    >>> fewer_years_note(3)
    'The data cover only 3 complete years, fewer than the 5 this method is designed for: treat these classes as provisional, and note that with so few years no trend can be statistically significant.'
    """
    return (f"The data cover only {n} complete years, fewer than the {min_years} this method is designed for: "
            "treat these classes as provisional, and note that with so few years no trend can be "
            "statistically significant.")


def emerging_notes(res: EmergingResult) -> list[str]:
    """The notes shown above the emerging-hotspot results: fewer years than the method is designed for.

    Parameters
    ----------
    res : EmergingResult

    Returns
    -------
    list of str
        Empty when there is no table or enough years.
    """
    if res.table is None or res.enough_years:
        return []
    return [fewer_years_note(len(res.periods), res.min_years)]


def state_sentence(res: EmergingResult) -> str:
    """Which years count as hot or cold for an LSOA, worded from the significance rule.

    Parameters
    ----------
    res : EmergingResult
        Its ``yearly`` Gi* (the LSOAs tested each year), ``alpha`` and ``rule``.

    Returns
    -------
    str
        Empty without yearly Gi*.

    Examples
    --------
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


def years_sentence(res: EmergingResult) -> str:
    """'Years analysed: 2020/21, ..., 2024/25. ' followed by :func:`state_sentence`.

    Parameters
    ----------
    res : EmergingResult

    Returns
    -------
    str
    """
    return f"Years analysed: {', '.join(p.label for p in res.periods)}. " + state_sentence(res)


def emerging_map_title(res: EmergingResult) -> str:
    """A finding-stating title for the emerging-hotspot map.

    Parameters
    ----------
    res : EmergingResult
        A result with a table.

    Returns
    -------
    str

    Examples
    --------
    >>> from assessment.stats.emerging import NO_PATTERN
    >>> r = EmergingResult(periods=[1, 2, 3, 4, 5], min_years=5,
    ...                    table=pd.DataFrame({"category": ["New hot spot", "Persistent hot spot", NO_PATTERN]}))
    >>> emerging_map_title(r)
    '2 LSOAs show a hot-spot pattern over 5 years: 1 new, 1 persistent'
    """
    counts = res.table["category"].value_counts()
    hot = [(c, int(counts[c])) for c in HOT_CATEGORIES if c in counts]
    n = sum(k for _, k in hot)
    if n == 0:
        return f"No LSOA shows a hot-spot pattern over {len(res.periods)} years"
    parts = ", ".join(f"{k} {c.split()[0].lower()}" for c, k in sorted(hot, key=lambda x: -x[1])[:3])
    return f"{n} LSOA{'s show' if n != 1 else ' shows'} a hot-spot pattern over {len(res.periods)} years: {parts}"


def emerging_display_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The emerging-hotspot table with readable column names, for display.

    Parameters
    ----------
    table : DataFrame
        An emerging-hotspot table (indexed by lsoa_code, or with an lsoa_code column).

    Returns
    -------
    DataFrame
    """
    names = {"lsoa_code": "LSOA", "lsoa_name": "LSOA name", "ward": "Ward", "category": "Pattern",
             "hot_years": "Hot years", "cold_years": "Cold years", "mk_tau": "Kendall's tau", "mk_p": "Trend p"}
    t = table.reset_index() if table.index.name == "lsoa_code" else table
    return t[[c for c in names if c in t]].rename(columns=names)


#: the emerging-hotspot table (:func:`emerging_display_columns`)
EMERGING_FORMATS = {"Trend p": "{:.3f}", "Kendall's tau": "{:+.2f}"}
#: the count of LSOAs by emerging-hotspot pattern (:func:`~assessment.chapters.hotspots.emerging_summary_table`)
EMERGING_SUMMARY_LABELS = {"category": "Pattern", "lsoas": "LSOAs"}
