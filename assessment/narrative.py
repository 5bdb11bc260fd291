"""The executive summary: key findings written from the computed figures in ``summary.json``.

Every sentence is built from values in the merged summary (the chapters' headline
figures) and carries the summary paths it was written from (see :mod:`assessment.summary`),
so each can be traced back (:class:`Finding`).  A sentence is written only when all its figures are present: a
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

import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .periods import month_ranges
from .rounding import pct
from .scope import Scope
from .significance import SignificanceRule
from .summary import collect, get, item_path
from .words.common import group_position, rank_phrase, rank_words

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


@dataclass(frozen=True)
class Finding:
    """One sentence of the executive summary and the summary keys it was written from."""

    topic: str
    sentence: str
    keys: tuple
    names: tuple = ()      # the crime types / groups the sentence names


# ---------------------------------------------------------------------------------------------
# values and formatting
# ---------------------------------------------------------------------------------------------
def value(summary: dict, key: str):
    """A numeric figure from the summary, or None when it is null, absent, suppressed or not a number.

    >>> value({"a": {"b": 3}}, "a.b"), value({"a": {"b": "<5"}}, "a.b"), value({"a": {}}, "a.b"), value({"a": True}, "a")
    (3, None, None, None)
    """
    v = get(summary, key)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def text(summary: dict, key: str) -> str | None:
    """A text figure (a name, a label) from the summary, or None."""
    v = get(summary, key)
    return v if isinstance(v, str) and v and not v.startswith("<") else None


def names(summary: dict, key: str) -> list | None:
    """A non-empty list of names from the summary, or None."""
    v = get(summary, key)
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, str) for x in v):
        return list(v)
    return None


def count(n) -> str:
    """A count with thousands separators: 2096 -> '2,096'.

    >>> count(2096), count(32038.0)
    ('2,096', '32,038')
    """
    return f"{n:,.0f}"


def join_names(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'.

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


# ---------------------------------------------------------------------------------------------
# findings, one function per topic
# ---------------------------------------------------------------------------------------------
def total_crime(summary: dict) -> list[Finding]:
    """'Total recorded crime rose 7.0% in 2024/25 compared with the previous 12 months (2,096 more
    offences, 32,038 in all).'  Needs crime.total and crime.previous_total."""
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
    (38.0 across them all).'  The comparison part only when chapter 5's comparison ran."""
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
    """
    n = value(summary, "comparison.areas")
    if not n:
        return []
    top = []
    for d in _named(summary, "comparison.by_category"):
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


def _named(summary: dict, path: str) -> list[dict]:
    """The objects of a list of named figures (``[{"name": ..., ...}, ...]``), or [] (each named once)."""
    block = get(summary, path)
    out, seen = [], set()
    if isinstance(block, list):
        for d in block:
            if isinstance(d, dict) and isinstance(d.get("name"), str) and d["name"] and d["name"] not in seen:
                seen.add(d["name"])
                out.append(d)
    return out


def _changes(summary: dict, prefix: str, min_previous: int) -> pd.DataFrame:
    rows = []
    for d in _named(summary, prefix):
        cur, prev = value(d, "current"), value(d, "previous")
        if cur is None or prev is None or prev < min_previous:
            continue
        ch = value(d, "change")
        ch = cur - prev if ch is None else ch
        p = value(d, "change_pct")
        p = (ch / prev if prev else None) if p is None else p
        rows.append({"name": d["name"], "current": cur, "previous": prev, "change": ch, "change_pct": p,
                     "has_change": value(d, "change") is not None, "has_pct": value(d, "change_pct") is not None,
                     "composite": d.get("composite") is True})
    return pd.DataFrame(rows, columns=["name", "current", "previous", "change", "change_pct", "has_change", "has_pct",
                                       "composite"])


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
    """
    t = _changes(summary, prefix, min_previous)
    t = t[~t["name"].isin(list(exclude))]
    if t.empty:
        return []
    rises = t[t["change"] > 0].sort_values(["change", "name"], ascending=[False, True])
    falls = t[t["change"] < 0].sort_values(["change", "name"])
    parts, keys, named = [], [], []
    if len(rises):
        r = rises.iloc[0]
        parts.append(f"{_lower(r['name'])} rose most, {_change_phrase(r)}")
        keys += _keys_for(prefix, r)
        named.append(r["name"])
    if len(falls):
        r = falls.iloc[0]
        parts.append(f"{_lower(r['name'])} fell most, {_change_phrase(r)}")
        keys += _keys_for(prefix, r)
        named.append(r["name"])
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
        named.append(r["name"])
    s = f"{what}, " + "; ".join(parts) + "."
    n = int((~t["composite"].astype(bool)).sum())     # composites are not counted again
    if len(rises) and not len(falls) and n > 1:
        s = f"{what}, all {n} rose; " + "; ".join(parts) + "."
    elif len(falls) and not len(rises) and n > 1:
        s = f"{what}, all {n} fell; " + "; ".join(parts) + "."
    return [Finding("crime", s, tuple(keys), tuple(named))]


def hotspots(summary: dict, lsoas: pd.DataFrame | None = None) -> list[Finding]:
    """Concentration ('The 10 LSOAs with most crime — 6.7% of the area's 150 — had 21.3% of it'),
    the wards they are in (when the LSOA-to-ward lookup is given), and the Gi* hot spots."""
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
        s += f" had {pct(share)} of {_all_of(summary, keys)}"
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
    10% to 20.0%.' and where offenders live."""
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
    repeat-caller definition (``asb.repeat_calls``, ``asb.window_weeks``)."""
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
    target by more than 10% (violence with injury and residential burglary); 1 had no data.'"""
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


def key_findings(summary: dict, lsoas: pd.DataFrame | None = None, min_previous: int = MIN_PREVIOUS,
                 asb_rule: tuple = (10, 24)) -> list[Finding]:
    """All the key findings, in report order; a topic whose figures are missing has none.

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
    named = {n for f in groups for n in f.names}
    out += largest_changes(summary, "crime.by_type", "By crime type", min_previous, exclude=named)
    out += hotspots(summary, lsoas)
    out += offenders(summary)
    out += victims(summary, asb_rule)
    out += performance(summary)
    return out


def markdown(findings: list[Finding]) -> str:
    """The findings as a markdown bullet list."""
    if not findings:
        return "_No headline figures could be computed from the inputs supplied._"
    return "\n".join(f"- {f.sentence}" for f in findings)


def trace_table(findings: list[Finding], summary: dict) -> pd.DataFrame:
    """``tables/key_findings.csv``: each sentence, the summary keys behind it and their values."""
    rows = [{"topic": f.topic, "finding": f.sentence, "summary_keys": "; ".join(f.keys),
             "values": json.dumps({k: get(summary, k) for k in f.keys}, ensure_ascii=False, default=str)}
            for f in findings]
    return pd.DataFrame(rows, columns=["topic", "finding", "summary_keys", "values"])


def headlines(findings: list[Finding]) -> dict:
    """summary.json keys of the executive summary: the sentences and how many."""
    return {"executive_summary.findings": len(findings),
            "executive_summary.sentences": [f.sentence for f in findings]}


def run_figures(run) -> dict:
    """The figures the summary is written from: the chapters' headline fragments in the run's
    output folder, with the run's own period and area (as ``summary.json`` will have them).

    ``figures["_chapters"]`` is the number of chapter fragments found (0 when the chapter
    notebooks have not been run into this folder yet).
    """
    frags = sorted((Path(run.out_dir) / "_summary").glob("*.json"))
    frags = [p for p in frags if p.stem != run.chapter]
    s = collect(run.out_dir)
    s["period"] = {**(s.get("period") or {}), **run.period.to_dict()}
    s["area"] = {**(s.get("area") or {}), "name": run.config.area.name}
    s["_chapters"] = len(frags)
    return s


def no_chapters_note(figures: dict, out_dir) -> str | None:
    """A note when no chapter has been run into ``out_dir`` yet (the summary is written last)."""
    if figures.get("_chapters", 1):
        return None
    return (f"_No chapter results were found in `{out_dir}`: the executive summary is written from the other "
            "chapters' figures, so run them first into the same folder — `assessment run` runs every chapter "
            "in order and this summary last._")


def intro(summary: dict, synthetic: bool = False) -> str:
    """The opening line: what the assessment covers."""
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
