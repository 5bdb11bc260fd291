"""The executive summary in words: key findings written from the computed figures in ``summary.json``.

Every sentence is built from values in the merged summary (the chapters' headline
figures, gathered by :func:`assessment.chapters.summary.run_figures`) and carries the summary
paths it was written from (see :mod:`assessment.summary`), so each can be traced back
(:class:`~assessment.chapters.summary.Finding`, :func:`~assessment.chapters.summary.trace_table`).  A sentence is written only when all its figures are present: a
figure that is null, absent, or suppressed (a "<5" string) leaves its sentence out, and a
chapter that did not run leaves out its lines — the summary never fills a gap with a guess.

Numbers are formatted as a board paper would: percentages to one decimal place, counts
with thousands separators, changes as "rose" / "fell" / "was unchanged".

Example
-------
>>> s = {"period": {"label": "2024/25"}, "area": {"name": "Testham"},
...      "crime": {"total": 32038, "previous_total": 29942, "change": 2096, "change_pct": 0.07}}
>>> f = total_crime(s)[0]
>>> f.sentence
'Total recorded crime rose 7.0% in 2024/25 compared with the previous 12 months (2,096 more offences, 32,038 in all).'
>>> f.keys
('crime.total', 'crime.previous_total', 'crime.change', 'crime.change_pct', 'period.label')
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

import pandas as pd

from ..chapters.summary import Finding, changes, named, names, text, value
from ..periods import month_ranges
from ..rounding import pct
from ..scope import Scope
from ..significance import SignificanceRule
from ..summary import get, item_path
from .common import group_position, rank_phrase, rank_words
from .hospital import key_findings as hospital_findings

_METHODS = r"""
### Executive summary

The key findings are written by the workbook from the headline figures in `summary.json`; none
is typed by hand. Each sentence lists the summary keys it was written from
(`tables/key_findings.csv`). A sentence is left out when any of its figures is missing
(null) or suppressed for disclosure control, and a chapter that could not be computed from the
inputs (for example offenders without an offenders link) has no lines. The largest rises and falls
are by number of offences, among crime groups and crime types with at least
{min_previous} offences in the previous 12 months (a crime type already named as a priority crime
group is not named again); the sharpest rise in proportion is named as well when it is a different
crime, among those with at least {min_previous_pct} offences in the previous 12 months. When every
priority crime rose (or fell), the count ("all 7 rose") leaves out composite groups — a group whose
crime types are exactly those of two or more other groups together, such as neighbourhood crime —
because their offences are counted in those groups already. Percentages are given to one decimal
place throughout the report: in the text, in chart titles and labels, and in tables.
"""

#: crime types / groups with fewer offences than this last year are not named as largest rise/fall
MIN_PREVIOUS = 20
#: ... and a proportional rise is named only for those with at least this many last year
MIN_PREVIOUS_PCT = 100
METHODS = _METHODS.format(min_previous=MIN_PREVIOUS, min_previous_pct=MIN_PREVIOUS_PCT)

#: the title of the trace table (``tables/key_findings.csv``)
TRACE_TITLE = "Key findings and the summary.json figures each is written from"


# ---------------------------------------------------------------------------------------------
# values and formatting
# ---------------------------------------------------------------------------------------------
def count(n) -> str:
    """A count with thousands separators: 2096 -> '2,096'.

    Parameters
    ----------
    n : int or float

    Returns
    -------
    str

    >>> count(2096), count(32038.0)
    ('2,096', '32,038')
    """
    return f"{n:,.0f}"


def join_names(items: list[str]) -> str:
    """Names joined as in a sentence: 'A', 'A and B', 'A, B and C'.

    Parameters
    ----------
    items : list of str

    Returns
    -------
    str

    >>> join_names(["A"]), join_names(["A", "B"]), join_names(["A", "B", "C"])
    ('A', 'A and B', 'A, B and C')
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lower(name: str) -> str:
    """Crime names inside a sentence: 'Violence with injury' -> 'violence with injury'
    (all-capital MPS categories too); names with inner capitals (ASB, 'Other theft') keep them."""
    s = str(name)
    if s.isupper():
        return s.lower()
    return s[:1].lower() + s[1:] if s[1:2].islower() else s


def _plural(n, one: str, many: str) -> str:
    return one if n == 1 else many


def _all_of(summary: dict, keys: list) -> str:
    """'all recorded crime' — or what was counted ('all recorded burglary'), 'with a location' when
    crimes with no location are in the totals but not in a share of places; adds the keys used."""
    scope = Scope.from_summary(summary)
    unlocated = value(summary, "crime.no_location")
    if not scope.is_all_crime:
        keys.append("crime.scope.what")
    if unlocated:
        keys.append("crime.no_location")
    return scope.all_of(unlocated)


def _lsoa_base(summary: dict, keys: list) -> str:
    """What a share of crime by LSOA is a share of: :func:`_all_of`, unless the crimes counted by LSOA
    are fewer than the area's total less the unlocated ones (ward-level count files beside LSOA-level
    ones, which hold only the crimes geocoded to an LSOA): then 'the N crimes geocoded to an LSOA'.

    >>> _lsoa_base({"crime": {"total": 27500}, "hotspots": {"crimes": 26638}}, [])
    'the 26,638 crimes geocoded to an LSOA'
    >>> _lsoa_base({"crime": {"total": 100, "no_location": 0}, "hotspots": {"crimes": 100}}, [])
    'all recorded crime'
    """
    by_lsoa, total = value(summary, "hotspots.crimes"), value(summary, "crime.total")
    unlocated = value(summary, "crime.no_location") or 0
    # (ward-level counts have no LSOA: were they all counted as unlocated, only by_lsoa < total tells)
    if by_lsoa is not None and total is not None and by_lsoa < total and (by_lsoa + unlocated < total
                                                                          or unlocated >= total):
        keys += ["hotspots.crimes", "crime.total"]
        return f"the {count(by_lsoa)} crimes geocoded to an LSOA"
    return _all_of(summary, keys)


# ---------------------------------------------------------------------------------------------
# findings, one function per topic
# ---------------------------------------------------------------------------------------------
def total_crime(summary: dict) -> list[Finding]:
    """'Total recorded crime rose 7.0% in 2024/25 compared with the previous 12 months (2,096 more
    offences, 32,038 in all).'  Needs crime.total and crime.previous_total.

    Parameters
    ----------
    summary : dict
        The merged summary (:func:`assessment.chapters.summary.run_figures`).

    Returns
    -------
    list of Finding
        Empty when its figures are missing.
    """
    total, prev = value(summary, "crime.total"), value(summary, "crime.previous_total")
    label = text(summary, "period.label")
    when = f" in {label}" if label else ""
    scope = Scope.from_summary(summary)       # what was counted: "Total recorded crime", "Recorded burglary"
    keys = ["crime.total"] + ([] if scope.is_all_crime else ["crime.scope.what"])
    if total is None:
        return []
    if prev is None or prev == 0:
        return [Finding("crime", f"{scope.count_phrase(total)}{when}.", tuple(keys + (["period.label"] if label else [])))]
    change = value(summary, "crime.change")
    keys += ["crime.previous_total"]
    if change is None:
        change = total - prev
    else:
        keys.append("crime.change")
    share = value(summary, "crime.change_pct")
    if share is None:
        share = change / prev
    else:
        keys.append("crime.change_pct")
    if label:
        keys.append("period.label")
    if change == 0:
        s = f"{scope.total} was unchanged{when} compared with the previous 12 months, at {count(total)} offences."
    else:
        verb, more = ("rose", "more") if change > 0 else ("fell", "fewer")
        s = (f"{scope.total} {verb} {pct(abs(share))}{when} compared with the previous 12 months "
             f"({count(abs(change))} {more} offences, {count(total)} in all).")
    return [Finding("crime", s, tuple(keys))]


def crime_rate(summary: dict) -> list[Finding]:
    """'That is 41.4 crimes per 1,000 residents, the 8th highest rate of the 32 London boroughs
    (38.0 across them all).'  The comparison part only when chapter 5's comparison ran.

    Parameters
    ----------
    summary : dict
        The merged summary (:func:`assessment.chapters.summary.run_figures`).

    Returns
    -------
    list of Finding
        Empty when its figures are missing.
    """
    rate = value(summary, "crime.rate_per_1000")
    rank, n = value(summary, "comparison.rank_total"), value(summary, "comparison.areas")
    crate, arate = value(summary, "comparison.rate_total"), value(summary, "comparison.all_area_rate_total")
    area = text(summary, "area.name") or text(summary, "comparison.area")
    out = []
    if rank is not None and n is not None and crate is not None and arate is not None:
        label = text(summary, "comparison.label")
        of = f"the {int(n)} {label}" if label else f"the {int(n)} areas compared"
        tied = get(summary, "comparison.tied_total") is True
        phrase = rank_words(rank_phrase(rank, n, tied))
        who = area or "The area"
        s = (f"{who} had {phrase} crime rate of {of}: {crate:.1f} crimes per 1,000 residents, "
             f"against {arate:.1f} across all of them.")
        keys = ["comparison.rank_total", "comparison.areas", "comparison.rate_total", "comparison.all_area_rate_total"]
        if tied:
            keys.append("comparison.tied_total")
        if area:
            keys.append("area.name")
        if label:
            keys.append("comparison.label")
        comp, crank = value(summary, "comparison.comparator_rate_total"), value(summary, "comparison.comparator_rank_total")
        cn = value(summary, "comparison.comparator_areas")
        if comp is not None and crank is not None and cn is not None:
            ctied = get(summary, "comparison.comparator_tied_total") is True
            s = s[:-1] + (f"; it ranked {group_position(crank, cn, ctied).replace('the ', '')} in its comparator "
                          f"group (group rate {comp:.1f}).")
            keys += ["comparison.comparator_rate_total", "comparison.comparator_rank_total", "comparison.comparator_areas"]
            if ctied:
                keys.append("comparison.comparator_tied_total")
        out.append(Finding("comparison", s, tuple(keys)))
    elif rate is not None:
        scope = Scope.from_summary(summary)
        out.append(Finding("crime", f"That is {scope.rate_phrase(rate)}.",
                           ("crime.rate_per_1000",) + (() if scope.is_all_crime else ("crime.scope.unit",))))
    return out


def comparison_categories(summary: dict, share: float = 0.25) -> list[Finding]:
    """The categories in which the area's rate is among the highest quarter of the areas compared.

    'Its rates were among the highest quarter of the 32 London boroughs for vehicle offences (5th
    highest) and robbery (7th highest).'

    Parameters
    ----------
    summary : dict
        The merged summary.
    share : float
        The top share of the areas compared (0.25: the highest quarter).

    Returns
    -------
    list of Finding
    """
    n = value(summary, "comparison.areas")
    if not n:
        return []
    top = []
    for d in named(summary, "comparison.by_category"):
        r = value(d, "rank")
        if r is not None and r <= max(1, math.floor(n * share)):
            top.append((r, d["name"], d.get("tied") is True))
    if not top:
        return []
    top.sort()
    label = text(summary, "comparison.label")
    of = f"the {int(n)} {label}" if label else f"the {int(n)} areas compared"
    items = [f"{_lower(c)} ({rank_phrase(r, n, t).replace('the ', '')})" for r, c, t in top]
    keys = ["comparison.areas"] + [item_path("comparison.by_category", c, "rank") for _, c, _ in top] + \
        (["comparison.label"] if label else [])
    return [Finding("comparison", f"Its rates were among the highest quarter of {of} for {join_names(items)}.",
                    tuple(keys), tuple(c for _, c, _ in top))]


def _change_phrase(r) -> str:
    if r["change"] > 0:
        return f"up {count(r['change'])} offences ({pct(r['change_pct'])})" if r["change_pct"] is not None else \
            f"up {count(r['change'])} offences"
    return f"down {count(-r['change'])} offences ({pct(-r['change_pct'])})" if r["change_pct"] is not None else \
        f"down {count(-r['change'])} offences"


def _keys_for(prefix: str, r) -> list:
    keys = [item_path(prefix, r["name"], "current"), item_path(prefix, r["name"], "previous")]
    if r["has_change"]:
        keys.append(item_path(prefix, r["name"], "change"))
    if r["has_pct"]:
        keys.append(item_path(prefix, r["name"], "change_pct"))
    return keys


def largest_changes(summary: dict, prefix: str = "crime.by_group", what: str = "Among the priority crimes",
                    min_previous: int = MIN_PREVIOUS, exclude=(), min_previous_pct: int = MIN_PREVIOUS_PCT) -> list[Finding]:
    """The largest rise and the largest fall (by number of offences) among crime groups or types.

    'Among the priority crimes, violence with injury rose most, up 312 offences (12.4%); residential
    burglary fell most, down 140 offences (9.8%).'  Only groups with at least ``min_previous``
    offences in the previous 12 months are compared; names in ``exclude`` (already stated, e.g.
    by the crime-group sentence) are left out.  When the sharpest rise in proportion (among those
    with at least ``min_previous_pct`` offences last year) is not the largest rise in number, it is
    named too: 'the sharpest rise in proportion was in shoplifting, up 26.0% (390 offences)'.

    When every group rose (or fell) the sentence says so — 'all 7 rose' — counting the groups
    that are not composites (``"composite": true`` in summary.json: a group made of two or more
    other groups, whose offences those groups count already).

    Parameters
    ----------
    summary : dict
        The merged summary.
    prefix : str
        'crime.by_group' or 'crime.by_type'.
    what : str
        The sentence's opening words.
    min_previous, min_previous_pct : int
        The smallest previous count of a named change, and of a named proportional rise.
    exclude : iterable of str
        Names already stated.

    Returns
    -------
    list of Finding
    """
    t = changes(summary, prefix, min_previous)
    t = t[~t["name"].isin(list(exclude))]
    if t.empty:
        return []
    rises = t[t["change"] > 0].sort_values(["change", "name"], ascending=[False, True])
    falls = t[t["change"] < 0].sort_values(["change", "name"])
    parts, keys, said = [], [], []
    if len(rises):
        r = rises.iloc[0]
        parts.append(f"{_lower(r['name'])} rose most, {_change_phrase(r)}")
        keys += _keys_for(prefix, r)
        said.append(r["name"])
    if len(falls):
        r = falls.iloc[0]
        parts.append(f"{_lower(r['name'])} fell most, {_change_phrase(r)}")
        keys += _keys_for(prefix, r)
        said.append(r["name"])
    if not parts:
        return [Finding(prefix.split(".")[-1], f"{what}, none changed from the previous 12 months.",
                        tuple(k for _, r in t.iterrows() for k in _keys_for(prefix, r)))]
    sharp = t[(t["change"] > 0) & (t["previous"] >= min_previous_pct) & t["change_pct"].notna()]
    sharp = sharp.sort_values(["change_pct", "name"], ascending=[False, True])
    if len(rises) and len(sharp) and sharp.iloc[0]["name"] != rises.iloc[0]["name"]:
        r = sharp.iloc[0]
        parts.insert(1, f"the sharpest rise in proportion was in {_lower(r['name'])}, up {pct(r['change_pct'])} "
                        f"({count(r['change'])} offences)")
        keys += _keys_for(prefix, r)
        said.append(r["name"])
    s = f"{what}, " + "; ".join(parts) + "."
    n = int((~t["composite"].astype(bool)).sum())     # composites are not counted again
    if len(rises) and not len(falls) and n > 1:
        s = f"{what}, all {n} rose; " + "; ".join(parts) + "."
    elif len(falls) and not len(rises) and n > 1:
        s = f"{what}, all {n} fell; " + "; ".join(parts) + "."
    return [Finding("crime", s, tuple(keys), tuple(said))]


def hotspots(summary: dict, lsoas: pd.DataFrame | None = None) -> list[Finding]:
    """Concentration ('The 10 LSOAs with most crime — 6.7% of the area's 150 — had 21.3% of it'),
    the wards they are in (when the LSOA-to-ward lookup is given), and the Gi* hot spots.

    Parameters
    ----------
    summary : dict
        The merged summary.
    lsoas : DataFrame, optional
        The LSOA table with ``ward_name`` (the Dataset's ``lsoas``), to name the wards.

    Returns
    -------
    list of Finding
    """
    out = []
    top = get(summary, "hotspots.top10_lsoas")
    share, n = value(summary, "hotspots.top10_share"), value(summary, "hotspots.lsoas")
    if isinstance(top, list) and top and share is not None:
        k = len(top)
        s = f"The {k} LSOAs with most crime"
        keys = ["hotspots.top10_lsoas", "hotspots.top10_share"]
        if n:
            s += f" ({pct(k / n)} of the area's {count(n)} LSOAs)"
            keys.append("hotspots.lsoas")
        s += f" had {pct(share)} of {_lsoa_base(summary, keys)}"
        wards = _wards_of(top, lsoas)
        if wards:
            s += "; " + wards
        out.append(Finding("hotspots", s + ".", tuple(keys)))
    hot = value(summary, "hotspots.hot_spots_95")
    if hot is not None:
        s, keys = _hot_spot_clause(summary, hot)
        if hot:
            years = value(summary, "hotspots.emerging.years")
            bits = []
            for cat, one, many in (("New hot spot", "LSOA is a new hot spot", "LSOAs are new hot spots"),
                                   ("Intensifying hot spot", "LSOA is an intensifying hot spot",
                                    "LSOAs are intensifying hot spots")):
                path = item_path("hotspots.emerging.categories", cat, "lsoas")
                k = value(summary, path)
                if k:
                    bits.append(f"{count(k)} {_plural(k, one, many)}")
                    keys.append(path)
            if years and bits:
                s += f"; over the last {int(years)} years, " + join_names(bits)
                keys.append("hotspots.emerging.years")
        out.append(Finding("hotspots", s + ".", tuple(keys)))
    return out


def _hot_spot_clause(summary: dict, hot) -> tuple[str, list]:
    """The Gi* hot-spot count, worded by the significance rule recorded in the summary
    (:class:`~assessment.significance.SignificanceRule`): 'statistically significant' and 'allowing
    for testing all 150 LSOAs at once' only when the classes use the adjusted p-value; under the
    unadjusted rule the count that survives the adjustment follows.  A summary without the rule
    gets the count alone, with no claim either way."""

    rule = SignificanceRule.from_summary(summary)
    tested = value(summary, "hotspots.tested_lsoas")
    keys = ["hotspots.hot_spots_95"]
    how, sig = "", ""
    if rule is not None and tested:
        how = ", " + rule.allowance(int(tested))
        sig = "statistically significant " if rule.fdr else ""
        keys += ["hotspots.classes_use_fdr", "hotspots.permutations", "hotspots.tested_lsoas"]
    if hot == 0:
        return f"The hot-spot analysis (Getis–Ord Gi*) found no {sig}hot spots at 95% confidence{how}", keys
    s = (f"{count(hot)} {_plural(hot, 'LSOA was a', 'LSOAs were')} {sig}hot {_plural(hot, 'spot', 'spots')} at 95% "
         f"confidence or more (Getis–Ord Gi*){how}")
    fdr95 = value(summary, "hotspots.hot_spots_95_fdr")
    if rule is not None and tested and not rule.fdr and fdr95 is not None:
        s += f"; {replace(rule, fdr=True).allowance(int(tested))}, {count(fdr95) if fdr95 else 'none'} of them remain"
        s = s if fdr95 != 1 else s[:-len("remain")] + "remains"
        keys.append("hotspots.hot_spots_95_fdr")
    return s, keys


def _wards_of(codes: list, lsoas: pd.DataFrame | None, most: int = 3) -> str:
    """'most of them in Northumberland Park (4) and Bruce Grove (3) wards' from the ward lookup."""
    if lsoas is None or "ward_name" not in lsoas or lsoas["ward_name"].isna().all():
        return ""
    w = lsoas["ward_name"].reindex([str(c) for c in codes]).dropna()
    if w.empty:
        return ""
    counts = w.value_counts()
    counts = counts[counts >= 2].head(most)
    if counts.empty:
        return ""
    listed = join_names([f"{name} ({int(c)})" for name, c in counts.items()])
    lead = "most of them" if counts.sum() > len(codes) / 2 else "several of them"
    return f"{lead} in {listed} {_plural(len(counts), 'ward', 'wards')}"


def offenders(summary: dict) -> list[Finding]:
    """'The most prolific 1% of offenders were linked to 4.0% of all recorded crime, and the top
    10% to 20.0%.' and where offenders live.

    Parameters
    ----------
    summary : dict
        The merged summary.

    Returns
    -------
    list of Finding
    """
    out = []
    s1, s10 = value(summary, "offenders.top_share.1.all"), value(summary, "offenders.top_share.10.all")
    l1, l10 = value(summary, "offenders.top_share.1.linked"), value(summary, "offenders.top_share.10.linked")
    if s1 is not None and s10 is not None:
        s = (f"The most prolific 1% of offenders were linked to {pct(s1)} of all recorded crime, "
             f"and the top 10% to {pct(s10)}")
        keys = ["offenders.top_share.1.all", "offenders.top_share.10.all"]
        if l1 is not None and l10 is not None:
            s += f" ({pct(l1)} and {pct(l10)} of the crimes with a known offender)"
            keys += ["offenders.top_share.1.linked", "offenders.top_share.10.linked"]
        out.append(Finding("offenders", s + ".", tuple(keys)))
    elif l1 is not None and l10 is not None:
        out.append(Finding("offenders", f"The most prolific 1% of offenders were linked to {pct(l1)} of the crimes with a "
                                        f"known offender, and the top 10% to {pct(l10)}.",
                           ("offenders.top_share.1.linked", "offenders.top_share.10.linked")))
    prolific, thr = value(summary, "offenders.prolific"), value(summary, "offenders.prolific_threshold")
    pshare = value(summary, "offenders.prolific_share.all")
    if prolific is not None and thr is not None and pshare is not None and prolific > 0:
        out.append(Finding("offenders",
                           f"{count(prolific)} {_plural(prolific, 'offender was', 'offenders were')} prolific "
                           f"({int(thr)} or more crimes in the year), linked to {pct(pshare)} of all recorded crime.",
                           ("offenders.prolific", "offenders.prolific_threshold", "offenders.prolific_share.all")))
    wards = names(summary, "offenders.top_wards")
    if wards:
        top = wards[:3]
        out.append(Finding("offenders", f"Offenders most often lived in {join_names(top)} "
                                        f"{_plural(len(top), 'ward', 'wards')}.", ("offenders.top_wards",)))
    return out


def victims(summary: dict, asb_rule: tuple = (10, 24)) -> list[Finding]:
    """'17.1% of victims were victims of two or more crimes in the year; 26.6% of domestic abuse
    victims experienced more than one incident.'  ``asb_rule`` = (calls, weeks) of the config's
    repeat-caller definition (``asb.repeat_calls``, ``asb.window_weeks``).

    Parameters
    ----------
    summary : dict
        The merged summary.
    asb_rule : tuple of (int, int)
        The repeat-caller rule: calls, within weeks.

    Returns
    -------
    list of Finding
    """
    out = []
    label = text(summary, "period.label")
    when = f" in {label}" if label else " in the year"
    r = value(summary, "victims.repeat_rate")
    if r is not None:
        s = f"{pct(r)} of victims were victims of two or more crimes{when} (repeat victims)"
        keys = ["victims.repeat_rate"] + (["period.label"] if label else [])
        lb = value(summary, "victims.repeat_rate_lookback")
        if lb is not None:
            s += (f"; {pct(lb)} of crimes against a victim came within a year of their previous crime "
                  "(the MARAC-style look-back measure)")
            keys.append("victims.repeat_rate_lookback")
        out.append(Finding("victims", s + ".", tuple(keys)))
    da = value(summary, "victims.da_repeat_rate")
    if da is not None:
        out.append(Finding("victims", f"{pct(da)} of domestic abuse victims experienced more than one domestic abuse "
                                      f"crime{when}.", ("victims.da_repeat_rate",) + (("period.label",) if label else ())))
    if r is None:
        loc, locshare = value(summary, "victims.repeat_locations"), value(summary, "victims.repeat_location_crime_share")
        if loc is not None and locshare is not None and loc > 0:
            keys = ["victims.repeat_locations", "victims.repeat_location_crime_share"]
            out.append(Finding("victims", f"With no victim records, repeat locations stand in: {count(loc)} map points "
                                          f"had more than one crime, {pct(locshare)} of {_all_of(summary, keys)}.",
                               tuple(keys)))
    callers, share = value(summary, "victims.repeat_callers"), value(summary, "victims.repeat_caller_call_share")
    if callers is not None and callers > 0:
        calls, weeks = asb_rule
        s = (f"{count(callers)} {_plural(callers, 'person', 'people')} called about anti-social behaviour {calls} or "
             f"more times within {weeks} weeks (repeat callers)")
        keys = ["victims.repeat_callers"]
        if share is not None:
            s += f", making {pct(share)} of all ASB calls"
            keys.append("victims.repeat_caller_call_share")
        out.append(Finding("asb", s + ".", tuple(keys)))
    return out


def performance(summary: dict) -> list[Finding]:
    """'Of 8 performance indicators, 4 were on target, 1 was up to 10% off target and 2 missed their
    target by more than 10% (violence with injury and residential burglary); 1 had no data.'

    Parameters
    ----------
    summary : dict
        The merged summary.

    Returns
    -------
    list of Finding
    """
    n = value(summary, "performance.indicators")
    if not n:
        return []
    on, amber, red = (value(summary, f"performance.{k}") for k in ("on_target", "amber", "red"))
    if on is None or amber is None or red is None:
        return []
    keys = ["performance.indicators", "performance.on_target", "performance.amber", "performance.red"]
    thr = value(summary, "performance.amber_threshold")
    band = f"{thr * 100:g}%" if thr else None
    if band:
        keys.append("performance.amber_threshold")
    parts = [f"{count(on)} {_plural(on, 'was', 'were')} on target"]
    if amber:
        parts.append(f"{count(amber)} {_plural(amber, 'was', 'were')} " + (f"up to {band} off target" if band else "amber"))
    red_names = names(summary, "performance.red_indicators")
    rs = f"{count(red)} missed {_plural(red, 'its', 'their')} target" + (f" by more than {band}" if band else " (red)")
    if red and red_names:
        rs += f" ({join_names(red_names)})"
        keys.append("performance.red_indicators")
    if red:
        parts.append(rs)
    s = f"Of {count(n)} performance {_plural(n, 'indicator', 'indicators')}, " + join_names(parts)
    nd = value(summary, "performance.no_data")
    if nd:
        s += f"; {count(nd)} could not be measured from the data supplied"
        keys.append("performance.no_data")
    imp, det = value(summary, "performance.improving"), value(summary, "performance.deteriorating")
    if imp is not None and det is not None:
        s += f". Compared with a year earlier, {count(imp)} {_plural(imp, 'was', 'were')} improving and {count(det)} deteriorating"
        keys += ["performance.improving", "performance.deteriorating"]
    q = value(summary, "performance.quarter")
    if q:
        s = s.replace("Of ", f"At the end of Q{int(q)}, of ", 1)
        keys.append("performance.quarter")
    return [Finding("performance", s + ".", tuple(keys))]


def near_repeats(summary: dict, alpha: float = 0.05) -> list[Finding]:
    """'Burglaries close to an earlier one in space and time (1-100 m, 0-7 days) were 1.4 times as
    frequent as chance predicts (p = 0.002).' — for each crime type of chapter 7 whose near cell has
    more pairs than chance at p ≤ ``alpha``.

    >>> s = {"near_repeat": {"burglary": {"name": "Burglary", "near_ratio": 1.425, "p": 0.002}}}
    >>> [f.sentence for f in near_repeats(s)]
    ['Near repeats: pairs of burglary crimes close in space and time (the nearest distance band, in the first time band) were 1.4 times as frequent as chance predicts (p = 0.002).']
    """
    out = []
    block = summary.get("near_repeat") if isinstance(summary.get("near_repeat"), dict) else {}
    for key, fig in block.items():
        if not isinstance(fig, dict):
            continue
        r, p = value(summary, f"near_repeat.{key}.near_ratio"), value(summary, f"near_repeat.{key}.p")
        if r is None or p is None or r <= 1 or p > alpha:
            continue
        name = str(fig.get("name") or key)
        p_words = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
        out.append(Finding("near_repeat", f"Near repeats: pairs of {_lower(name)} crimes close in space and time (the "
                                          f"nearest distance band, in the first time band) were {r:.1f} times as "
                                          f"frequent as chance predicts ({p_words}).",
                           (f"near_repeat.{key}.near_ratio", f"near_repeat.{key}.p"), (name,)))
    return out


def key_findings(summary: dict, lsoas: pd.DataFrame | None = None, min_previous: int = MIN_PREVIOUS,
                 asb_rule: tuple = (10, 24)) -> list[Finding]:
    """All the key findings, in report order; a topic whose figures are missing has none.

    Parameters
    ----------
    summary : dict
        The merged summary (:func:`assessment.chapters.summary.run_figures`).
    lsoas : DataFrame, optional
        The LSOA table with ``ward_name``, to name the wards of the hot spots.
    min_previous : int
        The smallest previous count of a crime group or type named as the largest rise or fall.
    asb_rule : tuple of (int, int)
        The repeat-caller rule: calls, within weeks.

    Returns
    -------
    list of Finding

    Example
    -------
    >>> s = {"crime": {"total": 100, "previous_total": None}, "victims": {"repeat_rate": None, "da_repeat_rate": 0.2}}
    >>> [f.sentence for f in key_findings(s)]
    ['100 crimes were recorded.', '20.0% of domestic abuse victims experienced more than one domestic abuse crime in the year.']
    """
    out = []
    out += total_crime(summary)
    out += crime_rate(summary)
    if out and out[-1].topic == "comparison":
        out += comparison_categories(summary)
    groups = largest_changes(summary, "crime.by_group", "Among the priority crimes", min_previous)
    out += groups
    said = {n for f in groups for n in f.names}
    out += largest_changes(summary, "crime.by_type", "By crime type", min_previous, exclude=said)
    out += hotspots(summary, lsoas)
    out += offenders(summary)
    out += victims(summary, asb_rule)
    out += near_repeats(summary)
    out += hospital_findings(summary)
    out += performance(summary)
    return out


def markdown(findings: list[Finding]) -> str:
    """The findings as a markdown bullet list.

    Parameters
    ----------
    findings : list of Finding

    Returns
    -------
    str
    """
    if not findings:
        return "_No headline figures could be computed from the inputs supplied._"
    return "\n".join(f"- {f.sentence}" for f in findings)


def no_chapters_note(figures: dict, out_dir) -> str | None:
    """A note when no chapter has been run into ``out_dir`` yet (the summary is written last).

    Parameters
    ----------
    figures : dict
        :func:`assessment.chapters.summary.run_figures` of the run.
    out_dir : path
        The run's output folder.

    Returns
    -------
    str or None
    """
    if figures.get("_chapters", 1):
        return None
    return (f"_No chapter results were found in `{out_dir}`: the executive summary is written from the other "
            "chapters' figures, so run them first into the same folder — `assessment run` runs every chapter "
            "in order and this summary last._")


def intro(summary: dict, synthetic: bool = False) -> str:
    """The opening line: what the assessment covers.

    Parameters
    ----------
    summary : dict
        The merged summary (its period and area).
    synthetic : bool
        The data are the synthetic demo (said in bold).

    Returns
    -------
    str
    """
    area, label = text(summary, "area.name"), text(summary, "period.label")
    start, end = text(summary, "period.start"), text(summary, "period.end")
    partial = get(summary, "period.complete") is False and value(summary, "period.months_with_data") is not None
    if partial and label:
        label = re.sub(r" \(\d+ of \d+ months\)$", "", label)   # said in full below
    s = "This strategic assessment"
    if area:
        s += f" covers {area}"
    if label:
        s += f" for {label}"
        if start and end:
            try:
                s += f" ({pd.Timestamp(start):%-d %B %Y} to {pd.Timestamp(end):%-d %B %Y})"
            except ValueError:
                pass
    s += "."
    if partial:
        n, of = value(summary, "period.months_with_data"), value(summary, "period.months") or 12
        missing = get(summary, "period.missing_months") or []
        try:
            none_for = f" (none for {month_ranges(pd.to_datetime([m + '-01' for m in missing]))})" if missing else ""
        except (TypeError, ValueError):
            none_for = ""
        what = label or "the period"
        s += (f" **Only {count(n)} of the {count(of)} months of {what} are in the data{none_for}: every figure "
              f"for {what} counts those {count(n)} months only, so it is not comparable with a whole year.**")
    s += " The key findings below are computed from the data by the workbook; the chapters that follow give the detail."
    if synthetic:
        s += " **The data are synthetic (the demo borough): no figure describes a real place.**"
    return s
