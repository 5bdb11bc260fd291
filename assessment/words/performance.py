"""Chapter 5's words: performance against targets and the comparison with other areas.

The methods texts (:func:`methods`, :data:`METHODS`, :data:`COMPARISON_METHODS`), the sentences
and titles stating what :mod:`assessment.chapters.performance` found, and the labels, symbols,
colours and formats of its display tables.  A status is always shown with a symbol and words as
well as a colour, and a direction of travel with an arrow, so the tables read the same in
greyscale print.

Example
-------
>>> status_label("Up to 10% off target"), travel_label("Improving", 95, 100)
('◐ Up to 10% off target', '▼ down, improving')
"""
from __future__ import annotations

import re

import pandas as pd

from ..chapters.performance import ALL_CRIME, ComparisonResult, PerformanceResult, comparison_unavailable
from ..rounding import PCT_CHANGE
from ..stats import rag
from .common import group_position, pretty_category, rank_phrase, rank_words

_METHODS = r"""
### Performance against targets (chapter 5)

* **Targets file.** Each indicator names how it is measured (recorded crimes of a crime group or
  type, a repeat-victim rate, the share of crime linked to the most prolific offenders, or any
  figure in `summary.json`), its baseline (a value, or a baseline year computed from the data),
  its target (a value; a change from the baseline such as −5%; −2pp for rates; or "maintain"),
  its owner and whether lower or higher is better. See `data/TARGETS.md`.
* **Shortfall** s = (actual − target) ÷ |target| where lower is better, (target − actual) ÷
  |target| where higher is better (rounded to 9 decimal places, so that 110 against a target
  of 100 is exactly 10%).
* **RAG status.** s ≤ 0: *On target* (meeting the target exactly is on target);
  0 < s ≤ {amber:.0%}: *Up to {amber:.0%} off target* (exactly {amber:.0%} off is in this band);
  s > {amber:.0%}: *Missing target by more than {amber:.0%}*. With the four-level scheme:
  Green (s ≤ 0), Amber-Green (0 < s ≤ {amber_green:.0%}), Amber-Red ({amber_green:.0%} < s ≤ {amber:.0%}),
  Red (s > {amber:.0%}). A target of zero is met only by zero (lower is better).
* **"Maintain"** sets the target to the baseline: on target when the actual is no worse than the
  baseline.
* **Variance** = actual − target, and (actual − target) ÷ target; for rates the variance is in
  percentage points.
* **Direction of travel** compares the actual with the same period a year earlier: *improving*
  when it moved the good way, *deteriorating* when it moved the bad way, *no change* when it is
  identical{band}. The arrow shows which way the figure moved (▲ up, ▼ down) and the word whether
  that is better or worse, so the table reads without colour.
* **No data.** An indicator whose actual, baseline or target cannot be computed from the inputs
  (for example a repeat-victim rate without a victims link) is shown as "No data", never estimated.
  A rate or share resting on fewer than `disclosure.min_count` victims, repeat victims or crimes
  is not published either (disclosure control, as in chapters 3 and 4).
* **Quarterly profile.** For counts, the annual target is split by quarter in proportion to the
  baseline year's quarterly counts (its seasonality; the previous year's when the baseline was
  given as a value; equal quarters when neither year is in the data). In-year progress (quarter Q)
  compares the year-to-date actual with the sum of the profiled targets for quarters 1 to Q, by the
  same RAG rule. Rates and shares are compared year to date with their annual target.
"""


def methods(amber: float = 0.10, amber_green: float | None = None, band: float = 0.0) -> str:
    """The methods-appendix text for the configured thresholds (``performance.*`` in the config).

    Parameters
    ----------
    amber : float
        ``performance.amber_threshold``.
    amber_green : float, optional
        ``performance.amber_green_threshold`` (default half of ``amber``).
    band : float
        ``performance.no_change_band``.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> "0 < s ≤ 5%: *Up to 5% off target*" in methods(0.05), "or within 2% of it" in methods(band=0.02)
    (True, True)
    """
    ag = amber / 2 if amber_green is None else amber_green
    b = f", or within {band:.0%} of it" if band else ""
    return _METHODS.format(amber=amber, amber_green=ag, band=b)


#: the methods text with the default thresholds (what the appendix shows unless a chapter overrides it)
METHODS = methods()

#: the comparison's methods text
COMPARISON_METHODS = r"""
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

# =============================================================================================
# performance against targets
# =============================================================================================
#: what the chapter says when no targets file is configured
NO_TARGETS = ("No targets file is configured (`inputs.targets` in the config; see `data/TARGETS.md`), "
              "so there is no performance table.")
#: what the chapter says when no indicator is a crime count
NO_PROFILE = "None of the indicators is a crime count, so there is no quarterly profile."
#: the quarterly profile chart's alt text
PROFILE_ALT = "Bar charts of the count in each quarter, with diamonds for the profiled target"

#: symbols that carry the status without colour (fill level: full = on target, empty = worst)
SYMBOLS = {"green": "●", "amber": "◐", "amber_green": "◕", "amber_red": "◔", "red": "○", "no_data": "–"}
#: GOV.UK Design System tag colours: light background, dark text (contrast above 7:1)
COLOURS = {"green": ("#cce2d8", "#005a30"), "amber": ("#fff7bf", "#594d00"),
           "amber_green": ("#e5f0c8", "#3b4d00"), "amber_red": ("#fcd6c3", "#6e3619"),
           "red": ("#f4cdc6", "#2a0b06"), "no_data": ("#f3f2f1", "#383f43")}
#: the RAG table's columns after the indicator
RAG_COLUMNS = ["Owner", "Baseline", "Target", "Actual", "Variance", "Status", "Direction of travel"]
#: the sentence under the RAG table's key
KEY_NOTE = "Arrows show which way the figure moved since last year."
#: the RAG table's last column, shown when an indicator has the analyst's commentary (``# Indicator:``
#: in the commentary file) or notes in the targets file
COMMENTARY_COLUMN = "Commentary"
#: how the targets file's notes are introduced in that column (after the analyst's commentary)
NOTES_LABEL = "Note:"


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def format_value(v, fmt: str = "count", signed: bool = False) -> str:
    """A value as a board paper shows it: counts with thousands separators, rates as 1-decimal %.

    Parameters
    ----------
    v : float or None
        The value (rates and shares as fractions).
    fmt : {'count', 'percent', 'number'}
        The indicator's format.
    signed : bool
        A change: with its sign (percentage points for rates).

    Returns
    -------
    str
        '–' when ``v`` is missing.

    Examples
    --------
    >>> format_value(2096.0), format_value(0.266, "percent"), format_value(-0.012, "percent", signed=True)
    ('2,096', '26.6%', '−1.2pp')
    """
    if _missing(v):
        return "–"
    if fmt == "percent":
        if signed:
            return f"{v * 100:+.1f}pp".replace("-", "−")
        return f"{v * 100:.1f}%"
    if fmt == "count":
        s = f"{v:+,.0f}" if signed else f"{v:,.0f}"
    else:
        s = f"{v:+,.2f}" if signed else f"{v:,.2f}"
    return s.replace("-", "−")


def status_label(status: str) -> str:
    """The status with its symbol: '● On target', '○ Missing target by more than 10%'.

    Parameters
    ----------
    status : str
        A status of :func:`assessment.stats.rag.rag_status`.

    Returns
    -------
    str

    Examples
    --------
    >>> status_label("On target"), status_label("Amber-Red")
    ('● On target', '◔ Amber-Red')
    """
    return f"{SYMBOLS[rag.status_level(status)]} {status}"


def travel_label(travel: str, current=None, previous=None) -> str:
    """The direction of travel with an arrow for the movement, readable without colour.

    Parameters
    ----------
    travel : str
        A result of :func:`assessment.stats.rag.direction_of_travel`.
    current, previous : float, optional
        The values compared (for the arrow).

    Returns
    -------
    str

    Examples
    --------
    >>> travel_label("Deteriorating", 120, 100), travel_label("Improving", 120, 100), travel_label("No change")
    ('▲ up, deteriorating', '▲ up, improving', '► no change')
    """
    if travel == rag.NOT_AVAILABLE:
        return "– not available"
    if travel == rag.NO_CHANGE:
        return "► no change"
    up = current > previous
    return f"{'▲ up' if up else '▼ down'}, {travel.lower()}"


def _target_cell(r) -> str:
    """'1,900 (−5%)', '500 (maintain)', '27, profiled'."""
    spec = r["target_spec"]
    tgt = format_value(r["target"], r["format"])
    if spec.casefold() == "maintain":
        tgt += " (maintain)"
    elif not re.fullmatch(r"[\d.,]+", spec.strip()):
        tgt += f" ({spec.strip().replace('-', '−')})"
    if r.get("target_profiled", False):
        tgt += ", profiled"
    return tgt


def _variance_cell(r) -> str:
    """'+80 (+4.2%)' for counts, '+7.0pp' for rates, '–' when not computable."""
    fmt = r["format"]
    if _missing(r["variance"]):
        return "–"
    var = format_value(r["variance"], fmt, signed=True)
    if fmt != "percent" and not _missing(r["variance_pct"]):
        var += f" ({r['variance_pct'] * 100:+.1f}%)".replace("-", "−")
    return var


def _baseline_cell(r, fmt: str) -> str:
    """The baseline with its year, '5,770 (2023/24)' (a value the targets file gives has none)."""
    value, year = format_value(r["baseline"], fmt), r.get("baseline_label")
    if value != "–" and isinstance(year, str) and year and year != "given":
        return f"{value} ({year})"
    return value


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The performance table as published: formatted strings, symbols with every status.

    Parameters
    ----------
    table : DataFrame
        :attr:`PerformanceResult.table <assessment.chapters.performance.PerformanceResult>`.

    Returns
    -------
    DataFrame
        Index 'Indicator'; columns Measure, Owner, Better, Baseline, Target, Actual, Variance,
        Status, Last year, Direction of travel.

    Examples
    --------
    >>> t = pd.DataFrame({"measure": ["Recorded crimes: all crime"], "owner": ["CSP"], "direction": ["lower"],
    ...     "format": ["count"], "baseline": [2000.0], "target_spec": ["-5%"], "target": [1900.0], "actual": [1980.0],
    ...     "variance": [80.0], "variance_pct": [0.0421], "status": ["Up to 10% off target"], "previous": [2100.0],
    ...     "travel": ["Improving"]}, index=pd.Index(["All crime"], name="indicator"))
    >>> display_table(t).iloc[0].tolist()
    ['Recorded crimes: all crime', 'CSP', 'Lower', '2,000', '1,900 (−5%)', '1,980', '+80 (+4.2%)', '◐ Up to 10% off target', '2,100', '▼ down, improving']
    """
    rows = []
    for name, r in table.iterrows():
        fmt = r["format"]
        rows.append({"Indicator": name, "Measure": r["measure"], "Owner": r["owner"],
                     "Better": "Lower" if r["direction"] == "lower" else "Higher",
                     "Baseline": _baseline_cell(r, fmt), "Target": _target_cell(r),
                     "Actual": format_value(r["actual"], fmt), "Variance": _variance_cell(r),
                     "Status": status_label(r["status"]),
                     "Last year": format_value(r["previous"], fmt),
                     "Direction of travel": travel_label(r["travel"], r["actual"], r["previous"])})
    return pd.DataFrame(rows).set_index("Indicator") if rows else pd.DataFrame()


def rag_rows(table: pd.DataFrame, commentary: dict | None = None) -> list[dict]:
    """The RAG table's rows as plain text for the template ``rag_table.html``.

    Compact for A4: the indicator cell also states the measure and which way is better, and the
    direction-of-travel cell last year's figure.

    Parameters
    ----------
    table : DataFrame
        :attr:`PerformanceResult.table <assessment.chapters.performance.PerformanceResult>`
        (with its ``level`` column, and its ``notes`` column when it has one).
    commentary : dict, optional
        Indicator name -> the analyst's commentary (Markdown, rendered by the publishing layer).

    Returns
    -------
    list of dict
        One per indicator: name, measure (without the indicator's own name), better ('lower is
        better'), level (the colour level), cells (the :data:`RAG_COLUMNS`' texts), last_year
        ('–' when there is no figure), commentary (Markdown, '' when none) and notes (the
        targets file's, '' when none).

    Examples
    --------
    >>> t = pd.DataFrame({"measure": ["Recorded crimes: Burglary"], "owner": ["CSP"], "direction": ["lower"],
    ...     "format": ["count"], "baseline": [100.0], "target_spec": ["90"], "target": [90.0], "actual": [80.0],
    ...     "variance": [-10.0], "variance_pct": [-0.111], "status": ["On target"], "level": ["green"],
    ...     "previous": [None], "travel": ["Not available"]}, index=pd.Index(["Burglary"], name="indicator"))
    >>> r = rag_rows(t)[0]
    >>> r["measure"], r["better"], r["level"], r["cells"]["Status"], r["last_year"], r["commentary"], r["notes"]
    ('Recorded crimes', 'lower is better', 'green', '● On target', '–', '', '')
    """
    d = display_table(table)
    commentary = commentary or {}
    notes = table["notes"].tolist() if "notes" in table else [""] * len(table)
    rows = []
    for (name, r), lv, nt in zip(d.iterrows(), table["level"].tolist(), notes):
        measure_text = r["Measure"]
        if ": " in measure_text and measure_text.split(": ", 1)[1].casefold() == str(name).casefold():
            measure_text = measure_text.split(": ", 1)[0]        # "Recorded crimes: Burglary" beside "Burglary"
        rows.append({"name": str(name), "measure": measure_text, "better": f"{r['Better'].lower()} is better",
                     "level": lv, "cells": {c: str(r[c]) for c in RAG_COLUMNS}, "last_year": r["Last year"],
                     "commentary": str(commentary.get(str(name)) or "").strip(),
                     "notes": "" if _missing(nt) else str(nt).strip()})
    return rows


def rag_columns(rows: list[dict]) -> list[str]:
    """The RAG table's columns after "Indicator": :data:`RAG_COLUMNS`, and :data:`COMMENTARY_COLUMN`
    when any indicator has commentary or notes (a table without either stays as compact as before).

    >>> rag_columns([{"commentary": "", "notes": ""}])[-1], rag_columns([{"commentary": "", "notes": "MOPAC"}])[-1]
    ('Direction of travel', 'Commentary')
    """
    if any(r.get("commentary") or r.get("notes") for r in rows):
        return [*RAG_COLUMNS, COMMENTARY_COLUMN]
    return list(RAG_COLUMNS)


def rag_key(scheme: str = "three", threshold: float = 0.10, amber_green: float | None = None) -> list[dict]:
    """The key to the status symbols and colours: one item per level, then "No data".

    Parameters
    ----------
    scheme : {'three', 'four'}
        ``performance.rag_scheme``.
    threshold : float
        ``performance.amber_threshold``.
    amber_green : float, optional
        ``performance.amber_green_threshold`` (default half the threshold).

    Returns
    -------
    list of dict
        level, symbol and text of each item.

    Examples
    --------
    >>> [(k["symbol"], k["text"]) for k in rag_key()][:2]
    [('●', 'On target'), ('◐', 'Up to 10% off target')]
    >>> rag_key("four", 0.10)[1]["text"]
    'Amber-Green: up to 5% off'
    """
    if scheme == "three":
        items = [("green", rag.ON_TARGET), ("amber", rag.amber_label(threshold)), ("red", rag.red_label(threshold))]
    else:
        ag = threshold / 2 if amber_green is None else amber_green
        items = [("green", "Green: on target"), ("amber_green", f"Amber-Green: up to {ag * 100:g}% off"),
                 ("amber_red", f"Amber-Red: up to {threshold * 100:g}% off"),
                 ("red", f"Red: more than {threshold * 100:g}% off")]
    items.append(("no_data", "No data: cannot be computed from the inputs"))
    return [{"level": lv, "symbol": SYMBOLS[lv], "text": t} for lv, t in items]


def title(result: PerformanceResult) -> str:
    """A title stating the finding: '5 of 8 indicators were on target in 2024/25; 2 missed by more than 10%'.

    Parameters
    ----------
    result : PerformanceResult

    Returns
    -------
    str
    """
    h = result.headlines
    n, on, red = h["performance.indicators"], h["performance.on_target"], h["performance.red"]
    s = f"{on} of {n} indicator{'s' if n != 1 else ''} {'were' if on != 1 else 'was'} on target in {result.period_label}"
    if red:
        s += f"; {red} missed {'their' if red != 1 else 'its'} target by more than {result.threshold * 100:g}%"
    return s


def summary_sentence(result: PerformanceResult) -> str:
    """The chapter's opening sentences: the title's finding, the direction of travel, the no-data count.

    Parameters
    ----------
    result : PerformanceResult

    Returns
    -------
    str
    """
    h = result.headlines
    n = h["performance.indicators"]
    parts = [title(result) + "."]
    imp, det, same = h["performance.improving"], h["performance.deteriorating"], h["performance.no_change"]
    if imp + det + same:
        parts.append(f"Compared with the same period a year earlier, {imp} {'were' if imp != 1 else 'was'} improving "
                     f"and {det} deteriorating" + (f"; {same} had not changed." if same else "."))
    else:
        parts.append("The data do not reach back far enough to compare with the same period a year earlier, so "
                     "there is no direction of travel.")
    if h["performance.no_data"]:
        k = h["performance.no_data"]
        parts.append(f"{k} of the {n} could not be measured from the data supplied (shown as \"No data\").")
    return " ".join(parts)


def notes(result: PerformanceResult) -> list[str]:
    """Why each "No data" indicator has no data: 'Name: no data (reason)'.

    Parameters
    ----------
    result : PerformanceResult

    Returns
    -------
    list of str
    """
    t = result.table
    return [f"{i}: no data ({n})" for i, n in zip(t.index, t["note"]) if n and t.loc[i, "level"] == "no_data"]


def table_note(result: PerformanceResult) -> str | None:
    """The RAG table's note: the :func:`notes` in one line, or None when there are none."""
    return "; ".join(notes(result)) or None


def profile_note(profile: pd.DataFrame) -> str:
    """Which year's seasonality profiled each target, in one line.

    Parameters
    ----------
    profile : DataFrame
        :attr:`PerformanceResult.profile <assessment.chapters.performance.PerformanceResult>`.

    Returns
    -------
    str

    Examples
    --------
    >>> profile_note(pd.DataFrame({"indicator": ["A", "B"], "profiled_by": ["baseline year 2023/24"] * 2}))
    'Targets profiled by the seasonality of the baseline year 2023/24.'
    """
    how = profile.groupby("indicator", sort=False)["profiled_by"].first()
    if how.nunique() == 1:
        return f"Targets profiled by the seasonality of the {how.iloc[0]}." if not how.iloc[0].startswith("equal") \
            else f"Targets profiled in {how.iloc[0]}."
    return "Targets profiled by the seasonality of: " + "; ".join(f"{i}: {h}" for i, h in how.items()) + "."


def profile_display(profile: pd.DataFrame) -> pd.DataFrame:
    """The quarterly profile as published: one row per indicator and quarter, readable columns.

    Parameters
    ----------
    profile : DataFrame
        :attr:`PerformanceResult.profile <assessment.chapters.performance.PerformanceResult>`.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> p = pd.DataFrame({"indicator": ["A"], "quarter": [1], "months": ["Apr–Jun 2024"], "share": [0.1],
    ...     "profiled_target": [9.0], "actual": [8.0], "ytd_actual": [8.0], "ytd_target": [9.0], "status": ["On target"]})
    >>> profile_display(p).iloc[0].tolist()
    ['A', 'Q1 (Apr–Jun 2024)', '10.0%', '9', '8', '8 of 9', '● On target']
    """
    rows = []
    for _, r in profile.iterrows():
        ytd = "–" if _missing(r["ytd_actual"]) else f"{format_value(r['ytd_actual'])} of {format_value(r['ytd_target'])}"
        rows.append({"Indicator": r["indicator"], "Quarter": f"Q{int(r['quarter'])} ({r['months']})",
                     "Share of the year": f"{r['share'] * 100:.1f}%",
                     "Profiled target": format_value(r["profiled_target"]), "Actual": format_value(r["actual"]),
                     "Year to date (actual of target)": ytd, "Year-to-date status": status_label(r["status"])})
    return pd.DataFrame(rows)


def profile_title(profile: pd.DataFrame, quarter: int | None) -> str:
    """'3 of 5 crime-count indicators were within their profiled target at the end of Q4'.

    Parameters
    ----------
    profile : DataFrame
        :attr:`PerformanceResult.profile <assessment.chapters.performance.PerformanceResult>`.
    quarter : int or None
        The quarter reported to (None: Q4).

    Returns
    -------
    str

    Examples
    --------
    >>> p = pd.DataFrame({"quarter": [4, 4], "status": ["On target", "Red"]})
    >>> profile_title(p, None)
    '1 of 2 crime-count indicators was within their profiled target at the end of Q4'
    """
    q = quarter or 4
    last = profile[profile["quarter"] == q]
    on = int(sum(rag.status_level(s) == "green" for s in last["status"]))
    n = len(last)
    return (f"{on} of {n} crime-count indicator{'s' if n != 1 else ''} {'were' if on != 1 else 'was'} within "
            f"{'their' if n != 1 else 'its'} profiled target at the end of Q{q}")


# =============================================================================================
# comparison with other areas
# =============================================================================================
#: the rate chart's alt text
RATE_FIGURE_ALT = "Bar chart of the crime rate per 1,000 residents of every area, this area highlighted"

#: how :func:`position_display` is shown (the change against all areas by the report's one rule for
#: percentages, see :mod:`assessment.rounding`)
POSITION_FORMATS = {"Rate per 1,000": "{:.1f}", "All-area rate": "{:.1f}", "Comparator group rate": "{:.1f}",
                    "vs all areas": PCT_CHANGE}

#: why there is no comparison, by :func:`assessment.chapters.performance.comparison_unavailable`'s code
_UNAVAILABLE = {
    "single_area": "The crime input covers only this area, so it cannot be compared with others.",
    "no_population": "There is no population figure for the other areas, so their rates cannot be compared.",
    "not_covered": "The data for the other areas do not cover the whole of {period}.",
    "area_not_found": ("{area} is not one of the areas in the crime input ({shown}, ...), so it cannot be "
                       "ranked among them (set area.lsoa_name_prefix to one of them to compare it)."),
}


def unavailable_reason(ds) -> str | None:
    """Why there is no comparison for this dataset, in a sentence; None when there is one.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    str or None
    """
    code = comparison_unavailable(ds)
    if code is None:
        return None
    shown = ""
    if code == "area_not_found":
        shown = ", ".join(sorted(map(str, ds.all_areas["area"].dropna().unique()))[:8])
    return _UNAVAILABLE[code].format(period=ds.period.label, area=ds.config.area.name, shown=shown)


def comparison_notes(res: ComparisonResult) -> list[str]:
    """The comparison's notes: the areas not ranked, the categories compared by crime type.

    Parameters
    ----------
    res : ComparisonResult

    Returns
    -------
    list of str
    """
    out = []
    if res.unranked:
        out.append(f"{len(res.unranked)} area(s) without a population figure are not ranked: {', '.join(res.unranked)}")
    if res.by_fallback:
        out.append("The crime input has no major categories, so areas are compared by crime type.")
    return out


def comparison_note(res: ComparisonResult) -> str | None:
    """The position table's note: :func:`comparison_notes` in one line, or None."""
    return "; ".join(comparison_notes(res)) or None


def position_phrase(res: ComparisonResult, category: str = ALL_CRIME) -> str:
    """The area's rank among all the areas in words, from the nearer end: '8th highest', 'joint highest'.

    Parameters
    ----------
    res : ComparisonResult
    category : str
        A category of ``res.position`` ("All crime" by default).

    Returns
    -------
    str
    """
    p = res.position.loc[category]
    return rank_phrase(p["rank"], p["areas"], bool(p["tied"]))


def _areas_label(res: ComparisonResult) -> str:
    return f"the {res.areas} {res.label}" if res.label else f"the {res.areas} areas in the data"


def _group_position(p) -> str:
    return group_position(p["comparator_rank"], p["comparator_areas"], bool(p.get("comparator_tied", False)))


def comparison_sentence(res: ComparisonResult, category: str = ALL_CRIME) -> str:
    """'Haringey had the 8th highest rate of theft of the 32 London boroughs in 2024/25 (…)'.

    Parameters
    ----------
    res : ComparisonResult
    category : str
        A category of ``res.position`` ("All crime" by default).

    Returns
    -------
    str

    Examples
    --------
    >>> from assessment.chapters.performance import compare
    >>> f = pd.DataFrame({"area": ["A", "B", "C"], "major_category": ["THEFT"] * 3, "count": [30, 10, 60]})
    >>> res = compare(f, pd.Series({"A": 2000, "B": 1000, "C": 3000}), "A")
    >>> comparison_sentence(res, "THEFT")
    'A had the 2nd highest rate of theft of the 3 areas in the data (15.0 crimes per 1,000 residents, against 16.7 for all of them together).'
    """
    p = res.position.loc[category]
    what = "recorded crime" if category == ALL_CRIME else pretty_category(category).lower()
    s = (f"{res.area} had {rank_words(position_phrase(res, category))} rate of {what} of {_areas_label(res)}"
         + (f" in {res.period_label}" if res.period_label else "")
         + f" ({p['rate']:.1f} crimes per 1,000 residents, against {p['all_area_rate']:.1f} for all of them together")
    if "comparator_rate" in p and not pd.isna(p.get("comparator_rate")):
        s += (f"; {_group_position(p)} in its comparator group, "
              f"whose rate is {p['comparator_rate']:.1f}")
    return s + ")."


def comparison_figure_title(res: ComparisonResult, category: str = ALL_CRIME) -> str:
    """'Haringey had the 8th highest crime rate of the 32 London boroughs in 2024/25'.

    Parameters
    ----------
    res : ComparisonResult
    category : str
        A category of ``res.position`` ("All crime" by default).

    Returns
    -------
    str
    """
    what = "crime rate" if category == ALL_CRIME else f"rate of {pretty_category(category).lower()}"
    return (f"{res.area} had {rank_words(position_phrase(res, category))} {what} of {_areas_label(res)}"
            + (f" in {res.period_label}" if res.period_label else ""))


def position_title(res: ComparisonResult) -> str:
    """The position table's title: "Haringey's position by crime category"."""
    return f"{res.area}'s position by crime category"


def position_display(res: ComparisonResult) -> pd.DataFrame:
    """The area's position by category as published (compact for A4; the CSV has everything).

    Parameters
    ----------
    res : ComparisonResult

    Returns
    -------
    DataFrame
        Index 'Category'; shown with :data:`POSITION_FORMATS`.
    """
    p = res.position
    out = pd.DataFrame(index=pd.Index([pretty_category(c) for c in p.index], name="Category"))
    out["Crimes"] = p["count"].to_numpy()
    out["Rate per 1,000"] = p["rate"].to_numpy()
    out[f"Position of {res.areas}"] = [position_phrase(res, c) for c in p.index]
    out["All-area rate"] = p["all_area_rate"].to_numpy()
    out["vs all areas"] = p["vs_all"].to_numpy()
    if "comparator_rate" in p:
        out["Comparator group rate"] = p["comparator_rate"].to_numpy()
        out["Position in group"] = [_group_position(r) for _, r in p.iterrows()]
    return out


# -- not covered this year --------------------------------------------------------------------------
#: why there is no performance table: the words of the report's "Not covered this year" box
NO_TARGETS_NOT_COVERED = ("No targets file is configured, so there is no performance table (see data/TARGETS.md).",
                          ["inputs.targets"])
#: the config keys that would bring the comparison in, by :func:`comparison_unavailable` code
COMPARISON_KEYS = {"single_area": ["inputs.crime_counts", "area.lsoa_name_prefix"],
                   "no_population": ["inputs.population"], "not_covered": [],
                   "area_not_found": ["area.lsoa_name_prefix"]}
_SINGLE_AREA = ("The crime input covers only this area, so it cannot be compared with others (a crime input "
                "covering the comparator areas too, such as the MPS counts for every London borough, can be).")


def targets_not_covered(result: PerformanceResult | None) -> tuple[str, list[str]] | None:
    """Why the targets sections are not covered (a sentence, config keys), or None when they are.

    >>> targets_not_covered(None)[1]
    ['inputs.targets']
    """
    return None if result is not None else (NO_TARGETS_NOT_COVERED[0], list(NO_TARGETS_NOT_COVERED[1]))


def comparison_not_covered(ds) -> tuple[str, list[str]] | None:
    """Why the comparison with other areas is not covered (a sentence, config keys), or None when it is."""
    code = comparison_unavailable(ds)
    if code is None:
        return None
    return (_SINGLE_AREA if code == "single_area" else unavailable_reason(ds)), list(COMPARISON_KEYS[code])


def not_covered(result: PerformanceResult | None, ds) -> tuple[str, list[str]] | None:
    """Why chapter 5 as a whole is not covered this year — no targets and no comparison — and the
    config keys that would bring it in; None when either part is shown."""
    targets, comparison = targets_not_covered(result), comparison_not_covered(ds)
    if targets is None or comparison is None:
        return None
    return f"{targets[0]} {comparison[0]}", targets[1] + comparison[1]
