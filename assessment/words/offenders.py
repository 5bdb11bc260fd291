"""Chapter 3's words: methods text, sentences, titles, notes and the readable tables.

Every function states what an :class:`~assessment.chapters.offenders.OffendersResult` (or one of
its tables) holds; nothing here computes a figure.  Shares are formatted by
:func:`assessment.rounding.pct`, the report's one rule, so the chapter and the executive summary
state the same figure alike.

Example
-------
>>> import pandas as pd
>>> t = pd.DataFrame({"group": ["Top 1%"], "offenders": [3], "share_linked": [0.09], "share_all": [0.02]},
...                  index=pd.Index([0.01], name="p"))
>>> concentration_title(t)
'The top 1% of offenders were linked to 9.0% of offender-linked crimes (2.0% of all recorded crime)'
"""
from __future__ import annotations

import pandas as pd

from ..chapters.offenders import NOT_RECORDED, OUTSIDE, OffendersResult, ward_rows
from ..rounding import PCT, pct

__all__ = ["METHODS", "NOT_AVAILABLE", "NOTHING_PUBLISHED", "NO_WARD_MAP", "LORENZ_ALT", "LORENZ_NOTE", "MIX_ALT",
           "WARD_MAP_ALT", "pct_label", "note", "notes", "link_note", "concentration_sentence", "concentration_title",
           "lorenz_title", "ties_note", "prolific_sentence", "common_offences_sentence", "mix_title", "wards_sentence",
           "wards_title", "age_sex_sentence", "age_sex_title", "concentration_display", "table_text",
           "suppressed_items", "suppression_text", "NOT_COVERED", "not_covered", "SECTION_KEYS",
           "section_not_covered"]

METHODS = r"""
### Prolific offenders (chapter 3)

* **Offenders and linked crimes.** The offenders link names, for each crime, the offenders
  (suspects, accused or charged, as the police extract defines them) linked to it. Only crimes
  whose month falls in the assessment period count. An offender is credited **once for each
  distinct crime** they are linked to (a crime listed twice for the same offender counts once).
  *Linked crimes* are the distinct crimes in the period with at least one linked offender. Links
  whose crime is not in the crimes data, or outside the period, are left out and counted in the
  chapter's notes.
* **Ranking and ties.** Offenders are ranked by crimes in the period, most first; offenders with
  the same number of crimes are ordered by their (pseudonymised) offender reference, in plain text
  order. That order is arbitrary — it has nothing to do with offending — but it is reproducible:
  the same data always give the same ranking and the same figures.
* **Top p% of offenders** = the first ⌈p × N⌉ offenders in that ranking, where N is the number of
  offenders linked to at least one crime in the period (so the top 1% of 250 offenders is 3
  offenders). The number in each group is a function of N, which is published, so it is not
  suppressed.
* **Share of crime.** For each p (1%, 5%, 10% and 20% by default) the *crimes* of the group are
  the distinct crimes linked to **at least one** offender in the group (a crime committed jointly
  with someone outside the group still counts). Two shares are given, and every table and
  sentence says which:
  - share of **offender-linked crime** = group crimes ÷ linked crimes;
  - share of **all recorded crime** = group crimes ÷ all crimes recorded in the area in the period
    (the way partnership papers usually quote it: "the top 1% of offenders are responsible for 4%
    of all crime"). Most crimes have no known offender, so this share is much lower.
* **Concentration curve and Gini.** The curve plots, for the k most prolific offenders
  (k = 1 … N), the share of offenders k/N against the share of offender-linked crimes linked to
  at least one of them. When no crime has more than one offender it is the Lorenz curve of crimes
  per offender drawn from the top. The **Gini coefficient** of crimes per offender x₁ ≤ … ≤ xₙ is
  G = Σᵢ (2i − n − 1)·xᵢ ÷ (n·Σᵢ xᵢ) — half the mean absolute difference between two offenders'
  counts divided by the mean (Gini 1912; Cowell, *Measuring Inequality*, 3rd ed. 2011, §2.2).
  G = 0 when every offender has the same number of crimes and approaches 1 when one offender has
  nearly all of them. It describes concentration among *known* offenders only.
* **Prolific offenders** are those linked to at least `offenders.prolific_threshold` (default 5)
  distinct crimes in the 12-month period; their share of crime uses both denominators as above.
* **Crime-type mix.** Linked crimes are split into those linked to at least one of the top 10%
  (`offenders.mix_share`) and the rest; each group's crimes are shared out by crime type.
* **Where offenders live.** Each offender's home is the home LSOA on their most recent linked
  crime in the period (by month, offence date, then crime reference) that has one; it is placed
  in a ward with the area's LSOA-to-ward lookup. Home LSOAs not in the area are counted as
  "outside the area" and not mapped; offenders with no home LSOA as "not recorded". Each ward's
  share is of all offenders linked to crimes in the period.
* **Age and sex.** An offender's age is the age recorded on their earliest linked crime in the
  period that has one (their age when first linked in the year); ages below 0 or above 120 are
  treated as not recorded. Sex is the value recorded most often on their links (ties in
  alphabetical order). Shares are of all offenders in the period.
* **Disclosure control.** Counts of offenders, and of crimes counted from offender records, below
  `disclosure.min_count` are shown as "<5" in the ward, crime-mix and age/sex tables and the map,
  with secondary suppression where a total would reveal a suppressed cell; a share whose count is
  suppressed is left blank. The chapter's tables, the prolific-offender figures and the headline
  figures are then audited together (see Disclosure control below) — totals, shares, the order
  rows are listed in, and the crimes of the top 1%, 5%, 10%, 20% and of the prolific offenders,
  which never fall as the group grows — and where a hidden count could still be worked out more
  is hidden (the next-smallest count of the column, or the prolific offenders' shares of crime).
  No offender reference appears in any output.
"""

#: what a section says when the chapter has no offender data for the period
NOT_AVAILABLE = "Not available: there are no offender data for this period (see the start of this chapter)."
#: the disclosure-control section when nothing is published
NOTHING_PUBLISHED = "No offender figures are published for this period, so nothing needed to be suppressed."
#: where the ward map would be, when there is none
NO_WARD_MAP = "No ward map is shown: no boundary file was supplied, or every ward count is suppressed."
LORENZ_ALT = ("Concentration curve: share of offender-linked crimes against share of offenders, most prolific first, "
              "with the top 1%, 5%, 10% and 20% marked and a dashed line of equal shares")
LORENZ_NOTE = ("The further the curve bows above the dashed line, the more crime is concentrated among a few "
               "offenders. The Gini coefficient runs from 0 (every offender linked to the same number of crimes) "
               "to 1 (one offender linked to almost all of them).")
MIX_ALT = ("Paired bar chart of the share of each crime type among crimes linked to the most prolific "
           "offenders (solid) and other offenders (hatched)")
WARD_MAP_ALT = ("Map of the area's wards shaded by the number of offenders living in each; wards with "
                "too few offenders to publish are dotted")

#: why a section is left out: (section, reason code) -> the note shown in its place
_LEFT_OUT = {
    ("all", "no_link"): ("No offenders link was supplied (police.uk and published-count data hold no offender "
                         "information), so this chapter is left out; its headline figures are null."),
    ("all", "no_crime_references"): ("The crime data have no crime references to join the offenders link to, so "
                                     "this chapter is left out; its headline figures are null."),
    ("all", "no_links_in_period"): ("No offender is linked to a crime in {label}, so there are no offender figures "
                                    "for this period; its headline figures are null."),
    ("mix", "no_crime_types"): "The crime data hold no crime types, so the crime-type mix is not shown.",
    ("wards", "no_home_lsoa"): "The offenders link has no home LSOA, so where offenders live is not shown.",
    ("wards", "no_ward_lookup"): ("No LSOA-to-ward lookup was supplied (inputs.wards), so offenders cannot be placed "
                                  "in wards and where offenders live is not shown."),
    ("age", "no_age"): "The offenders link has no ages, so the age breakdown is not shown.",
    ("sex", "no_sex"): "The offenders link has no sex recorded, so the breakdown by sex is not shown.",
}


def pct_label(p: float) -> str:
    """A top share as a label: 0.01 -> '1%', 0.125 -> '12.5%'.

    Parameters
    ----------
    p : float
        The share, a fraction.

    Returns
    -------
    str

    >>> pct_label(0.01), pct_label(0.2), pct_label(0.125)
    ('1%', '20%', '12.5%')
    """
    return f"{p * 100:g}%"


def _pct(x) -> str:
    """A share in a sentence, chart label or title: the report's one rule (1 decimal place)."""
    return pct(x)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------------------------------------
# notes: what is left out, and the links used
# ---------------------------------------------------------------------------------------------
def note(result: OffendersResult, section: str) -> str:
    """The one-line note for a section that is left out ('' when it is shown).

    Parameters
    ----------
    result : OffendersResult
    section : str
        ``"all"``, ``"mix"``, ``"wards"``, ``"age"`` or ``"sex"``.

    Returns
    -------
    str

    >>> r = OffendersResult(available=False, period_label="2024/25", headlines={},
    ...                     left_out={"all": "no_links_in_period"})
    >>> note(r, "all")
    'No offender is linked to a crime in 2024/25, so there are no offender figures for this period; its headline figures are null.'
    >>> note(r, "mix")
    ''
    """
    reason = result.left_out.get(section)
    if reason is None:
        return ""
    return _LEFT_OUT[(section, reason)].format(label=result.period_label)


def notes(result: OffendersResult) -> dict:
    """Every left-out section's note: section -> sentence (empty when every section is shown).

    Parameters
    ----------
    result : OffendersResult

    Returns
    -------
    dict
    """
    return {section: note(result, section) for section in result.left_out}


def link_note(result: OffendersResult) -> str:
    """How many offender–crime links the chapter used, and why the others were not ('' without links).

    Parameters
    ----------
    result : OffendersResult

    Returns
    -------
    str

    >>> r = OffendersResult(available=True, period_label="2024/25", headlines={}, link_quality={
    ...     "rows": 12, "no_reference": 0, "duplicate": 2, "crime_not_found": 0, "other_period": 0, "used": 10})
    >>> link_note(r)
    '10 offender–crime links are to crimes in 2024/25; not used in this chapter: 2 repeated link(s) (the same offender and crime listed again). Rows excluded when the offenders file was loaded are listed in the data-quality appendix.'
    """
    q = result.link_quality
    if q is None:
        return ""
    s = f"{q['used']:,} offender–crime links are to crimes in {result.period_label}"
    bits = []
    if q["other_period"]:
        bits.append(f"{q['other_period']:,} link(s) to crimes in other years of the data")
    if q["crime_not_found"]:
        bits.append(f"{q['crime_not_found']:,} link(s) to crimes not in the crimes data")
    if q["duplicate"]:
        bits.append(f"{q['duplicate']:,} repeated link(s) (the same offender and crime listed again)")
    if q["no_reference"]:
        bits.append(f"{q['no_reference']:,} link(s) with no crime or offender reference")
    if bits:
        s += "; not used in this chapter: " + "; ".join(bits)
    return s + ". Rows excluded when the offenders file was loaded are listed in the data-quality appendix."


# ---------------------------------------------------------------------------------------------
# concentration
# ---------------------------------------------------------------------------------------------
def concentration_sentence(table: pd.DataFrame, label: str) -> str:
    """'In 2024/25 the top 1% of offenders (3 offenders) were linked to 9.0% of offender-linked crimes
    and 2.0% of all recorded crime; ...'.

    Parameters
    ----------
    table : DataFrame
        ``OffendersResult.concentration`` (as published).
    label : str
        The period, e.g. ``"2024/25"``.

    Returns
    -------
    str

    >>> import pandas as pd
    >>> t = pd.DataFrame({"group": ["Top 1%"], "offenders": [3], "share_linked": [0.09], "share_all": [0.02]},
    ...                  index=pd.Index([0.01], name="p"))
    >>> concentration_sentence(t, "2024/25")
    'In 2024/25 the top 1% of offenders (3 offenders) were linked to 9.0% of offender-linked crimes and 2.0% of all recorded crime.'
    """
    parts = []
    for p, r in table.iterrows():
        who = f"the top {pct_label(p)} of offenders ({int(r['offenders']):,} offender{'s' if r['offenders'] != 1 else ''})"
        if pd.isna(r["share_linked"]):
            parts.append(f"{who}: figures suppressed (fewer than the disclosure threshold)")
            continue
        s = f"{who} were linked to {_pct(r['share_linked'])} of offender-linked crimes"
        if pd.notna(r["share_all"]):
            s += f" and {_pct(r['share_all'])} of all recorded crime"
        parts.append(s)
    if not parts:
        return ""
    return f"In {label} " + "; ".join(parts) + "."


def concentration_title(table: pd.DataFrame) -> str:
    """The concentration table's title, stating the top 10%'s share (or the nearest group shown).

    Parameters
    ----------
    table : DataFrame
        ``OffendersResult.concentration``.

    Returns
    -------
    str
    """
    ok = table[pd.notna(table["share_linked"])]
    if ok.empty:
        return "Share of crime linked to the most prolific offenders"
    p = 0.10 if 0.10 in ok.index else ok.index[min(len(ok) - 1, 2)]
    r = ok.loc[p]
    s = f"The top {pct_label(p)} of offenders were linked to {_pct(r['share_linked'])} of offender-linked crimes"
    if pd.notna(r["share_all"]):
        s += f" ({_pct(r['share_all'])} of all recorded crime)"
    return s


def lorenz_title(table: pd.DataFrame, gini: float) -> str:
    """The concentration curve's title: the top 20%'s share and the Gini coefficient.

    Parameters
    ----------
    table : DataFrame
        ``OffendersResult.concentration``.
    gini : float
        ``OffendersResult.gini``.

    Returns
    -------
    str

    >>> import pandas as pd
    >>> t = pd.DataFrame({"share_linked": [0.5]}, index=pd.Index([0.2], name="p"))
    >>> lorenz_title(t, 0.345)
    'One in five offenders is linked to 50.0% of offender-linked crimes (Gini 0.34)'
    """
    ok = table[pd.notna(table["share_linked"])]
    if 0.2 in ok.index:
        return (f"One in five offenders is linked to {_pct(ok.loc[0.2, 'share_linked'])} of offender-linked crimes "
                f"(Gini {gini:.2f})")
    return f"Offender-linked crime is concentrated among a few offenders (Gini {gini:.2f})"


def ties_note(result: OffendersResult) -> str:
    """Which group boundaries the tie rule decided ('' when none).

    Parameters
    ----------
    result : OffendersResult

    Returns
    -------
    str

    >>> r = OffendersResult(available=True, period_label="2024/25", headlines={}, tied_shares=[0.1])
    >>> ties_note(r)[:60]
    'At the 10% boundary some offenders just outside the group ha'
    """
    tied = [pct_label(p) for p in result.tied_shares]
    if not tied:
        return ""
    return (f"At the {', '.join(tied)} boundar{'ies' if len(tied) > 1 else 'y'} some offenders just outside "
            "the group had as many crimes as the last offender inside it; who is in the group was decided "
            "by the tie rule (offender reference order — arbitrary but reproducible).")


# ---------------------------------------------------------------------------------------------
# prolific offenders
# ---------------------------------------------------------------------------------------------
def prolific_sentence(result: OffendersResult) -> str:
    """'12 offenders (3.0% of all offenders) were linked to 5 or more crimes in 2024/25 ...'.

    Parameters
    ----------
    result : OffendersResult
        With ``prolific`` (as published) and ``min_count``.

    Returns
    -------
    str

    >>> pub = {"threshold": 5, "offenders": None, "offenders_share": None, "crimes": 6, "share_linked": None,
    ...        "share_all": None}
    >>> r = OffendersResult(available=True, period_label="2024/25", headlines={}, prolific=pub)
    >>> prolific_sentence(r)
    "Fewer than 5 offenders were linked to 5 or more crimes in 2024/25 (the 'prolific' threshold)."
    """
    pub, label = result.prolific, result.period_label
    t = pub["threshold"]
    if pub["offenders"] == 0:
        return f"No offender was linked to {t} or more crimes in {label}."
    if pub["offenders"] is None:
        who = f"Fewer than {result.min_count} offenders"
    else:
        who = f"{pub['offenders']:,} offenders ({_pct(pub['offenders_share'])} of all offenders)"
    s = f"{who} were linked to {t} or more crimes in {label} (the 'prolific' threshold)"
    if pub["share_linked"] is not None:
        s += (f"; between them they were linked to {_pct(pub['share_linked'])} of offender-linked crimes"
              + (f" and {_pct(pub['share_all'])} of all recorded crime" if pub["share_all"] is not None else ""))
    return s + "."


# ---------------------------------------------------------------------------------------------
# crime mix
# ---------------------------------------------------------------------------------------------
def _lower_first(s: str) -> str:
    # "Burglary" -> "burglary", but keep acronyms such as "ASB" or "MOPAC"
    return s if len(s) > 1 and s[:2].isupper() else s[:1].lower() + s[1:]


def common_offences_sentence(mix: pd.DataFrame, p: float = 0.10, n: int = 3) -> str:
    """'Common offences committed by the most prolific offenders (the top 10%) include ...'.

    Parameters
    ----------
    mix : DataFrame
        ``OffendersResult.mix`` (suppressed cells are skipped).
    p : float
        The top group (``OffendersResult.mix_share``).
    n : int
        How many crime types to name.

    Returns
    -------
    str

    >>> import pandas as pd
    >>> m = pd.DataFrame({"top_crimes": [40, 30, 10], "top_share": [0.5, 0.375, 0.125]},
    ...                  index=["Burglary", "Theft from motor vehicle", "Robbery"])
    >>> common_offences_sentence(m, n=2)
    'Common offences committed by the most prolific offenders (the top 10%) include burglary (50.0% of their linked crimes) and theft from motor vehicle (37.5%).'
    """
    m = mix[pd.to_numeric(mix["top_share"], errors="coerce").notna()]
    m = m[m.index.astype(str) != NOT_RECORDED]
    m = m.reindex(pd.to_numeric(m["top_share"]).sort_values(ascending=False, kind="mergesort").index).head(n)
    if m.empty:
        return ""
    items = [f"{_lower_first(str(t))} ({_pct(float(s))}{' of their linked crimes' if i == 0 else ''})"
             for i, (t, s) in enumerate(zip(m.index, m["top_share"]))]
    return f"Common offences committed by the most prolific offenders (the top {pct_label(p)}) include {_listed(items)}."


def mix_title(mix: pd.DataFrame, p: float) -> str:
    """The crime-mix table's and chart's title: the crime type most over-represented in the top group.

    Parameters
    ----------
    mix : DataFrame
        ``OffendersResult.mix``.
    p : float
        The top group (``OffendersResult.mix_share``).

    Returns
    -------
    str

    >>> import pandas as pd
    >>> m = pd.DataFrame({"top_share": [0.6, 0.4], "rest_share": [0.2, 0.8]}, index=["Burglary", "Theft"])
    >>> mix_title(m, 0.1)
    'Burglary makes up 60.0% of crimes linked to the top 10% of offenders, against 20.0% for other offenders'
    """
    m = mix.copy()
    m["top_share"] = pd.to_numeric(m["top_share"], errors="coerce")
    m["rest_share"] = pd.to_numeric(m["rest_share"], errors="coerce")
    m = m.dropna(subset=["top_share", "rest_share"])
    m = m[m.index.astype(str) != NOT_RECORDED]
    if m.empty:
        return f"Crime types of the top {pct_label(p)} of offenders and the rest"
    diff = (m["top_share"] - m["rest_share"]).sort_values(ascending=False, kind="mergesort")
    t = diff.index[0]
    if diff.iloc[0] <= 0:
        return f"The top {pct_label(p)} of offenders commit a similar mix of crimes to other offenders"
    return (f"{t} makes up {_pct(m.loc[t, 'top_share'])} of crimes linked to the top {pct_label(p)} of offenders, "
            f"against {_pct(m.loc[t, 'rest_share'])} for other offenders")


# ---------------------------------------------------------------------------------------------
# where offenders live, age and sex
# ---------------------------------------------------------------------------------------------
def wards_sentence(wards: pd.DataFrame, n: int = 5) -> str:
    """'North (40.0%), South (20.0%) ... house the highest numbers of offenders.'

    Parameters
    ----------
    wards : DataFrame
        ``OffendersResult.wards`` (suppressed wards, the total and the 'outside' / 'not recorded'
        rows are skipped).
    n : int
        How many wards to name (``OffendersResult.top_wards``).

    Returns
    -------
    str

    >>> import pandas as pd
    >>> w = pd.DataFrame({"ward_name": ["North", "South", "Outside the area"], "offenders": [8, 6, 2],
    ...                   "share": [0.5, 0.375, 0.125]})
    >>> wards_sentence(w)
    'North (50.0%) and South (37.5%) house the highest numbers of offenders.'
    """
    w = wards[~wards["ward_name"].isin([OUTSIDE, NOT_RECORDED, "Total"])]
    w = w[pd.to_numeric(w["offenders"], errors="coerce").fillna(0) > 0]
    w = w[pd.to_numeric(w["share"], errors="coerce").notna()].head(n)
    if w.empty:
        return ""
    items = [f"{name} ({_pct(float(s))})" for name, s in zip(w["ward_name"], w["share"])]
    verb = "houses" if len(items) == 1 else "house"
    return f"{_listed(items)} {verb} the highest numbers of offenders."


def wards_title(wards: pd.DataFrame) -> str:
    """The ward table's and map's title: the ward where most offenders live.

    Parameters
    ----------
    wards : DataFrame
        ``OffendersResult.wards``.

    Returns
    -------
    str
    """
    ok = ward_rows(wards)
    ok = ok[~ok["ward_name"].isin([OUTSIDE, NOT_RECORDED])]
    ok = ok[pd.to_numeric(ok["share"], errors="coerce").notna() & (pd.to_numeric(ok["offenders"], errors="coerce") > 0)]
    if ok.empty:
        return "Offenders by ward of home address"
    r = ok.iloc[0]
    return f"More offenders live in {r['ward_name']} than in any other ward ({_pct(float(r['share']))} of offenders)"


def _peak_share(table: pd.DataFrame, peak: str) -> float:
    r = table[(table["breakdown"] == "Age band") & (table["group"] == peak)].iloc[0]
    return float(r["share"])


def age_sex_sentence(table: pd.DataFrame, peak: str | None) -> str:
    """The peak age band and the shares of men and women ('' when neither is published).

    Parameters
    ----------
    table : DataFrame
        ``OffendersResult.age_sex``.
    peak : str or None
        The peak age band (headline ``offenders.peak_age_band``).

    Returns
    -------
    str

    >>> import pandas as pd
    >>> t = pd.DataFrame({"breakdown": ["Age band", "Sex"], "group": ["16–24", "Male"], "share": [0.4, 0.8]})
    >>> age_sex_sentence(t, "16–24")
    'The peak offending age band is 16–24: 40.0% of offenders were aged 16–24 when first linked to a crime in the period. 80.0% of offenders are recorded as male.'
    """
    bits = []
    if peak is not None:
        bits.append(f"The peak offending age band is {peak}: {_pct(_peak_share(table, peak))} of offenders were aged "
                    f"{peak} when first linked to a crime in the period.")
    s = table[(table["breakdown"] == "Sex") & table["group"].isin(["Male", "Female"])]
    s = s[pd.to_numeric(s["share"], errors="coerce").notna()]
    if len(s):
        bits.append(" ".join(f"{_pct(float(r['share']))} of offenders are recorded as {str(r['group']).lower()}."
                             for _, r in s.iterrows()))
    return " ".join(bits)


def age_sex_title(table: pd.DataFrame, peak: str | None) -> str:
    """The age and sex table's title: the largest age group, when published.

    Parameters
    ----------
    table : DataFrame
        ``OffendersResult.age_sex``.
    peak : str or None
        The peak age band.

    Returns
    -------
    str
    """
    if peak is None:
        return "Offenders by age band and sex"
    return f"Offenders aged {peak} are the largest age group ({_pct(_peak_share(table, peak))})"


# ---------------------------------------------------------------------------------------------
# the readable tables
# ---------------------------------------------------------------------------------------------
def concentration_display(t: pd.DataFrame) -> pd.DataFrame:
    """The concentration table as shown in the report, each column naming its denominator.

    Parameters
    ----------
    t : DataFrame
        ``OffendersResult.concentration``.

    Returns
    -------
    DataFrame

    >>> import pandas as pd
    >>> from assessment.stats.offenders import concentration_table
    >>> t = concentration_table(pd.DataFrame({"crime_id": ["c1"], "offender_id": ["A"]}), 4, [0.1])
    >>> list(concentration_display(t).columns)[:3]
    ['Top share of offenders', 'Offenders in group', 'Crimes linked to the group']
    """
    d = t.reset_index()
    d["p"] = d["p"].map(lambda p: f"Top {pct_label(p)}")
    d = d.drop(columns=["group"])
    return d.rename(columns={
        "p": "Top share of offenders", "offenders": "Offenders in group", "crimes": "Crimes linked to the group",
        "linked_crimes": "Offender-linked crimes (linked denominator)",
        "share_linked": "Share of offender-linked crimes",
        "all_crimes": "All recorded crimes (all denominator)", "share_all": "Share of all recorded crime"})


def table_text(result: OffendersResult, name: str) -> dict | None:
    """A published table's readable version and words: ``{"display", "title", "formats", "note"}``.

    ``display`` is what the report shows (readable column names stating each denominator);
    the machine-friendly table written to ``tables/<name>.csv`` is
    :func:`assessment.chapters.offenders.published_tables`.

    Parameters
    ----------
    result : OffendersResult
    name : str
        offender_concentration, offender_crime_mix, offender_wards or offender_age_sex.

    Returns
    -------
    dict or None
        None when the table's section is left out.
    """
    if name == "offender_concentration" and result.concentration is not None:
        return {"display": concentration_display(result.concentration), "title": concentration_title(result.concentration),
                "formats": {"Share of offender-linked crimes": PCT, "Share of all recorded crime": PCT},
                "note": ("Crimes linked to the group: distinct crimes linked to at least one offender in the group. "
                         "Linked denominator: distinct crimes in the period with at least one linked offender. "
                         "All denominator: all crimes recorded in the area in the period. " + ties_note(result)).strip()}
    if name == "offender_crime_mix" and result.mix is not None:
        p = pct_label(result.mix_share)
        disp = result.mix.reset_index().rename(columns={
            "crime_type": "Crime type", "top_crimes": f"Crimes linked to the top {p}",
            "top_share": f"Share of the top {p}'s crimes", "rest_crimes": "Crimes linked only to other offenders",
            "rest_share": "Share of other offenders' crimes"})
        return {"display": disp, "title": mix_title(result.mix, result.mix_share),
                "formats": {f"Share of the top {p}'s crimes": PCT, "Share of other offenders' crimes": PCT},
                "note": (f"A crime linked to at least one offender in the top {p} counts in the top group, otherwise in "
                         "'other offenders'. Shares are of each group's offender-linked crimes.")}
    if name == "offender_wards" and result.wards is not None:
        disp = result.wards.rename(columns={"ward_code": "Ward code", "ward_name": "Ward",
                                            "offenders": "Offenders living there", "share": "Share of all offenders"})
        return {"display": disp, "title": wards_title(result.wards), "formats": {"Share of all offenders": PCT},
                "note": ("Ward of each offender's most recent home LSOA in the period. 'Outside the area': a home LSOA "
                         "that is not in the area; 'Not recorded': no home LSOA.")}
    if name == "offender_age_sex" and result.age_sex is not None:
        disp = result.age_sex.rename(columns={"breakdown": "Breakdown", "group": "Group", "offenders": "Offenders",
                                              "share": "Share of all offenders"})
        return {"display": disp, "title": age_sex_title(result.age_sex, result.headlines.get("offenders.peak_age_band")),
                "formats": {"Share of all offenders": PCT}, "note": "Age when first linked to a crime in the period."}
    return None


# ---------------------------------------------------------------------------------------------
# disclosure control
# ---------------------------------------------------------------------------------------------
def suppressed_items(result: OffendersResult) -> list[str]:
    """What disclosure control hid in this chapter, one phrase per table (and the audit's extra).

    Parameters
    ----------
    result : OffendersResult
        ``suppressed``, ``audit_hidden`` and ``min_count``.

    Returns
    -------
    list of str

    >>> r = OffendersResult(available=True, period_label="2024/25", headlines={}, suppressed={"offender_wards": 2})
    >>> suppressed_items(r)
    ['offenders by ward: 2 count(s) (below 5, or hidden so the total cannot reveal one)']
    """
    m, k = result.min_count, result.suppressed
    phrases = {
        "offender_concentration": "offender concentration: {k} group crime count(s) below {m} and their shares",
        "prolific_offenders": "number of prolific offenders (below {m})",
        "offender_crime_mix": ("offender crime mix: {k} crime-type count(s) (below {m}, or hidden so a total cannot "
                               "reveal one)"),
        "offender_wards": "offenders by ward: {k} count(s) (below {m}, or hidden so the total cannot reveal one)",
        "offender_age_sex": ("offenders by age band and sex: {k} count(s) (below {m}, or hidden so a total cannot "
                             "reveal one)"),
    }
    out = [text.format(k=k[name], m=m) for name, text in phrases.items() if k.get(name)]
    if result.audit_hidden:
        out.append("hidden as well, because with the other published figures they would have let a reader work out a "
                   "hidden count (disclosure audit): " + "; ".join(result.audit_hidden))
    return out


def suppression_text(result: OffendersResult, min_count: int) -> str:
    """What was suppressed in this chapter and why (one paragraph for the report).

    Parameters
    ----------
    result : OffendersResult
    min_count : int
        The disclosure threshold.

    Returns
    -------
    str

    >>> r = OffendersResult(available=True, period_label="2024/25", headlines={}, suppressed={"offender_wards": 2})
    >>> suppression_text(r, 5)
    'Disclosure control: counts below 5 — of offenders, or of crimes in tables built from offender records — are shown as "<5" (with the matching share left blank), and where a total would let a reader work one out, the next-smallest count is hidden too. Suppressed in this chapter: offenders by ward: 2 count(s) (below 5, or hidden so the total cannot reveal one).'
    """
    head = (f"Disclosure control: counts below {min_count} — of offenders, or of crimes in tables built from "
            f'offender records — are shown as "<{min_count}" (with the matching share left blank), and where a '
            "total would let a reader work one out, the next-smallest count is hidden too.")
    items = suppressed_items(result)
    if not items:
        return head + " Nothing needed to be suppressed in this chapter."
    return head + " Suppressed in this chapter: " + "; ".join(items) + "."


# ---------------------------------------------------------------------------------------------
# not covered this year
# ---------------------------------------------------------------------------------------------
#: why chapter 3 is not covered, by reason code (``OffendersResult.left_out["all"]``): the line of
#: the report's "Not covered this year" box, and the config keys that would bring the chapter in
NOT_COVERED = {
    "no_link": ("No offenders link was supplied: police.uk data and published counts hold no offender "
                "information.", ["inputs.offenders"]),
    "no_crime_references": ("The crime data have no crime references to join the offenders link to (a "
                            "record-level crime extract has them).", ["inputs.crimes"]),
    "no_links_in_period": ("No offender in the offenders link is linked to a crime in {label}.", []),
}


def not_covered(result: OffendersResult) -> tuple[str, list[str]] | None:
    """Why chapter 3 is not covered this year and the config keys that would bring it in, or None
    when it is (see :meth:`assessment.workbook.Run.not_covered`).

    Parameters
    ----------
    result : OffendersResult

    Returns
    -------
    (str, list of str) or None

    >>> r = OffendersResult(available=False, period_label="2024/25", headlines={}, left_out={"all": "no_link"})
    >>> not_covered(r)[1]
    ['inputs.offenders']
    >>> not_covered(OffendersResult(available=True, period_label="2024/25", headlines={})) is None
    True
    """
    if result.available:
        return None
    text, keys = NOT_COVERED[result.left_out.get("all", "no_link")]
    return text.format(label=result.period_label), list(keys)


#: the config keys that would bring a left-out section of chapter 3 in, by (section, reason code)
SECTION_KEYS = {("wards", "no_ward_lookup"): ["inputs.wards"]}


def section_not_covered(result: OffendersResult, *sections: str) -> tuple[str, list[str]]:
    """Why a section of chapter 3 (``"mix"``, ``"wards"``, or ``"age"`` and ``"sex"`` together) is
    not covered: its notes (:func:`note`) as one sentence, and the config keys that would bring it in.

    >>> r = OffendersResult(available=True, period_label="2024/25", headlines={},
    ...                     left_out={"wards": "no_ward_lookup"})
    >>> section_not_covered(r, "wards")[1]
    ['inputs.wards']
    """
    text = " ".join(note(result, s) for s in sections if note(result, s))
    keys = [k for s in sections for k in SECTION_KEYS.get((s, result.left_out.get(s)), [])]
    return text, keys
