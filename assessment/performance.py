"""Chapter 5 — performance against targets (§5.6): RAG status, direction of travel, quarterly profile.

The partnership's targets live in a YAML file (``inputs.targets`` in the config;
the full guide for analysts is ``data/TARGETS.md``).  One entry per indicator::

    indicators:
      - name: Violence with injury
        measure: crime_count          # crime_count | repeat_rate | offender_share | summary
        group: Violence with injury   # a crime group of the config (or crime_type: ..., or neither = all crime)
        baseline_year: 2023           # or  baseline: 2140  (a value)
        target: -5%                   # a value, a change from the baseline (-5%, +3%, -2pp), or maintain
        direction: lower              # lower or higher is better (required)
        owner: Violence Reduction Board

Measures
--------
``crime_count``
    Recorded crimes (the sum of ``count``) in the period: of one configured crime
    ``group``, one ``crime_type``, or all crime; ``subset: domestic_abuse`` keeps
    crimes flagged as domestic abuse (record-level extracts only).
``repeat_rate``
    Repeat-victim rate (§5.4): victims of two or more distinct crimes in the period ÷
    victims of at least one; ``subset: all`` (default), ``domestic_abuse``, or a crime
    ``group`` (the crimes of that subset alone).  Needs the victims link.
``offender_share``
    Share of crime linked to the top ``p`` of offenders (§5.3), ``denominator: all``
    (all recorded crime, default) or ``linked``.  Needs the offenders link.
``summary``
    Any figure in ``summary.json``, by its path ``key`` (e.g. ``hotspots.top10_share``, or
    ``crime.by_group[name="Burglary"].current`` for a named figure: see
    :mod:`assessment.summary`); ``previous_key`` optionally names last year's value for the
    direction of travel.

Rules (stated in the report's methods appendix, :data:`METHODS`)
------------------------------------------------------------------
* **Target**: a number is the target value (rates and shares as fractions: 0.25 = 25%);
  ``-5%`` / ``+3%`` = the baseline changed by that percentage; ``-2pp`` = the baseline
  minus 2 percentage points (for rates); ``maintain`` = the baseline itself.
* **Shortfall** s = (actual − target) ÷ |target| when lower is better, (target − actual) ÷
  |target| when higher is better, rounded to 9 decimal places (so 110 against 100 is
  exactly 10%).  s ≤ 0: **On target**; 0 < s ≤ ``amber_threshold`` (10%): **Up to 10% off
  target** — exactly 10% off is amber; s > 10%: **Missing target by more than 10%**.
  A target of 0 is met only by 0 (lower is better) or always (higher is better).
* **Four-level scheme** (``performance.rag_scheme: four``): Green (s ≤ 0), Amber-Green
  (0 < s ≤ ``amber_green_threshold``, default half the amber threshold), Amber-Red
  (up to ``amber_threshold``), Red (beyond).
* **Maintain**: the target is the baseline, so the indicator is on target when the actual
  is no worse than the baseline (≤ it when lower is better, ≥ it when higher is better).
* **Variance** = actual − target (signed, in the measure's units: percentage points for
  rates) and (actual − target) ÷ target.
* **Direction of travel**: actual against the same period a year earlier.  Improving when
  it moved the good way (down when lower is better), deteriorating when it moved the bad
  way, no change when identical (or within ``no_change_band`` of last year's value).
* **No data**: an indicator whose actual, baseline or target cannot be computed from the
  inputs (no victims link, the data do not cover the period, the key is null) is shown as
  "No data", never guessed.
* **Quarterly profile / in-year progress** (``quarter`` = 1–4): for counts the annual
  target is split by quarter in proportion to the baseline year's quarterly counts (its
  seasonality; the previous year's when the baseline is a value; equal quarters when
  neither is in the data).  The year-to-date actual (quarters 1…Q) is compared with the
  year-to-date profiled target by the same RAG rule.  Rates and shares are compared
  year-to-date with the annual target (a rate is not split by quarter).

Example
-------
>>> rag_status(shortfall(110, 100, "lower"))
'Up to 10% off target'
>>> rag_status(shortfall(93, 100, "higher"), scheme="four")
'Amber-Red'
>>> direction_of_travel(95, 100, "lower")
'Improving'
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import offenders as off
from . import victims as vic
from .errors import AssessmentError, InputError, quote
from .periods import Period
from .summary import get, missing_reason
from .targets import DIRECTIONS, Indicator, parse_target
from .targets import FORMATS as FORMATS  # re-exported: the targets file was read here before assessment.targets
from .targets import KEYS as KEYS
from .targets import MEASURES as MEASURES
from .targets import check_crime_types as check_crime_types
from .targets import parse_targets as parse_targets
from .targets import read_targets as read_targets
from .targets import summary_format as summary_format
from .workbook import table_figure

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
    """The methods-appendix text for the configured thresholds (``performance.*`` in the config)."""
    ag = amber / 2 if amber_green is None else amber_green
    b = f", or within {band:.0%} of it" if band else ""
    return _METHODS.format(amber=amber, amber_green=ag, band=b)


#: the methods text with the default thresholds (what the appendix shows unless a chapter overrides it)
METHODS = methods()

ON_TARGET = "On target"
NO_DATA = "No data"
FOUR = ("Green", "Amber-Green", "Amber-Red", "Red")
IMPROVING, DETERIORATING, NO_CHANGE, NOT_AVAILABLE = "Improving", "Deteriorating", "No change", "Not available"

#: symbols that carry the status without colour (fill level: full = on target, empty = worst)
SYMBOLS = {"green": "●", "amber": "◐", "amber_green": "◕", "amber_red": "◔", "red": "○", "no_data": "–"}
#: GOV.UK Design System tag colours: light background, dark text (contrast above 7:1)
COLOURS = {"green": ("#cce2d8", "#005a30"), "amber": ("#fff7bf", "#594d00"),
           "amber_green": ("#e5f0c8", "#3b4d00"), "amber_red": ("#fcd6c3", "#6e3619"),
           "red": ("#f4cdc6", "#2a0b06"), "no_data": ("#f3f2f1", "#383f43")}


# ---------------------------------------------------------------------------------------------
# the statistics: target, shortfall, RAG, direction of travel
# ---------------------------------------------------------------------------------------------
def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def target_value(spec, baseline):
    """The target as a value: ``spec`` as in :func:`parse_target`, applied to ``baseline``.

    Formula: value → value; x% → baseline × (1 + x); x pp → baseline + x; maintain → baseline.
    None when the target depends on a baseline that is missing.

    >>> target_value("-5%", 2000), target_value("maintain", 31), target_value(0.2, None), target_value("-2pp", 0.3)
    (1900.0, 31, 0.2, 0.28)
    """
    kind, v = parse_target(spec)
    if kind == "value":
        return v
    if _missing(baseline):
        return None
    if kind == "maintain":
        return baseline
    if kind == "pct":
        return round(baseline * (1 + v), 10)
    return round(baseline + v, 12)


def shortfall(actual, target, direction: str = "lower"):
    """By how much ``actual`` misses ``target``, as a fraction of the target (≤ 0: met).

    Formula: s = (actual − target) ÷ |target| (lower is better) or (target − actual) ÷ |target|
    (higher is better), rounded to 9 decimal places.  With a target of 0: 0 when met, +inf
    when missed.  None when either value is missing.

    >>> shortfall(110, 100), shortfall(90, 100), shortfall(90, 100, "higher"), shortfall(3, 0)
    (0.1, -0.1, 0.1, inf)
    """
    if direction not in DIRECTIONS:
        raise AssessmentError(f"direction: expected 'lower' or 'higher', found {direction!r}")
    if _missing(actual) or _missing(target):
        return None
    diff = (actual - target) if direction == "lower" else (target - actual)
    if target == 0:
        return 0.0 if diff <= 0 else math.inf
    return round(diff / abs(target), 9)


def rag_status(s, threshold: float = 0.10, scheme: str = "three", amber_green: float | None = None) -> str:
    """The RAG status for shortfall ``s`` (see :func:`shortfall`).

    Three-level: s ≤ 0 "On target"; 0 < s ≤ threshold "Up to 10% off target" (exactly 10%
    is in this band); s > threshold "Missing target by more than 10%".  Four-level: Green,
    Amber-Green (0 < s ≤ ``amber_green``, default threshold / 2), Amber-Red (≤ threshold), Red.
    ``None`` (no data) gives "No data".

    >>> [rag_status(s) for s in (-0.2, 0, 0.1, 0.1000001, None)]
    ['On target', 'On target', 'Up to 10% off target', 'Missing target by more than 10%', 'No data']
    >>> [rag_status(s, scheme="four") for s in (0, 0.05, 0.06, 0.1, 0.11)]
    ['Green', 'Amber-Green', 'Amber-Red', 'Amber-Red', 'Red']
    """
    if scheme not in ("three", "four"):
        raise AssessmentError(f"performance.rag_scheme: expected 'three' or 'four', found {scheme!r}")
    if s is None:
        return NO_DATA
    if scheme == "three":
        if s <= 0:
            return ON_TARGET
        return amber_label(threshold) if s <= threshold else red_label(threshold)
    ag = threshold / 2 if amber_green is None else amber_green
    if s <= 0:
        return FOUR[0]
    if s <= ag:
        return FOUR[1]
    if s <= threshold:
        return FOUR[2]
    return FOUR[3]


def amber_label(threshold: float = 0.10) -> str:
    """'Up to 10% off target' for the threshold."""
    return f"Up to {threshold * 100:g}% off target"


def red_label(threshold: float = 0.10) -> str:
    """'Missing target by more than 10%' for the threshold."""
    return f"Missing target by more than {threshold * 100:g}%"


def status_level(status: str) -> str:
    """The colour level of a status: green, amber, amber_green, amber_red, red or no_data.

    >>> status_level("Up to 10% off target"), status_level("Amber-Red"), status_level("No data")
    ('amber', 'amber_red', 'no_data')
    """
    if status in (ON_TARGET, "Green"):
        return "green"
    if status == NO_DATA:
        return "no_data"
    if status in FOUR:
        return status.lower().replace("-", "_")
    if status.startswith("Up to"):
        return "amber"
    if status.startswith("Missing target"):
        return "red"
    raise AssessmentError(f"unknown RAG status {status!r}")


def variance(actual, target) -> tuple:
    """(actual − target, (actual − target) ÷ target); None parts when not computable.

    >>> variance(1980, 1900)
    (80, 0.042105263158)
    """
    if _missing(actual) or _missing(target):
        return (None, None)
    d = actual - target
    if isinstance(d, float):
        d = round(d, 12)
    return (d, None if target == 0 else round(d / target, 12))


def direction_of_travel(current, previous, direction: str = "lower", band: float = 0.0) -> str:
    """Improving / Deteriorating / No change against last year's value; Not available if missing.

    Improving when the value moved the good way (down when lower is better, up when higher
    is better).  No change when identical, or when |current − previous| ≤ band × |previous|
    (``band`` > 0).

    >>> direction_of_travel(95, 100), direction_of_travel(105, 100), direction_of_travel(105, 100, "higher")
    ('Improving', 'Deteriorating', 'Improving')
    >>> direction_of_travel(100, 100), direction_of_travel(101, 100, band=0.02), direction_of_travel(5, None)
    ('No change', 'No change', 'Not available')
    """
    if direction not in DIRECTIONS:
        raise AssessmentError(f"direction: expected 'lower' or 'higher', found {direction!r}")
    if _missing(current) or _missing(previous):
        return NOT_AVAILABLE
    diff = current - previous
    if diff == 0 or (band > 0 and abs(diff) <= band * abs(previous) + 1e-12):
        return NO_CHANGE
    better = diff < 0 if direction == "lower" else diff > 0
    return IMPROVING if better else DETERIORATING


def travel_label(travel: str, current=None, previous=None) -> str:
    """The direction of travel with an arrow for the movement, readable without colour.

    >>> travel_label("Deteriorating", 120, 100), travel_label("Improving", 120, 100), travel_label("No change")
    ('▲ up, deteriorating', '▲ up, improving', '► no change')
    """
    if travel == NOT_AVAILABLE:
        return "– not available"
    if travel == NO_CHANGE:
        return "► no change"
    up = current > previous
    return f"{'▲ up' if up else '▼ down'}, {travel.lower()}"


# ---------------------------------------------------------------------------------------------
# measuring an indicator
# ---------------------------------------------------------------------------------------------
def year_to_date(period: Period, quarter: int | None) -> Period:
    """The first ``quarter`` quarters of ``period`` (the whole period when None).

    >>> from assessment.periods import financial_year
    >>> p = year_to_date(financial_year(2024), 2)
    >>> str(p.start.date()), str(p.end_date.date())
    ('2024-04-01', '2024-09-30')
    """
    if quarter is None:
        return period
    period.quarter(quarter)  # validates 1..4
    return Period(period.start, period.kind, 3 * int(quarter))


def period_label(period: Period, quarter: int | None) -> str:
    """'2024/25', or 'Q1–Q2 2024/25' for year to date."""
    if quarter is None:
        return period.label
    return (f"Q1 {period.label}" if quarter == 1 else f"Q1–Q{quarter} {period.label}")


def _covers(crimes, period: Period) -> bool:
    """True when the data (a crimes frame, or its (first, last) months) span the whole period."""
    if isinstance(crimes, tuple):
        lo, hi = crimes
    elif crimes is None or crimes.empty:
        return False
    else:
        lo, hi = crimes["month"].min(), crimes["month"].max()
    return bool(lo <= period.start and hi >= period.end)


def _span(crimes: pd.DataFrame) -> tuple:
    return (crimes["month"].min(), crimes["month"].max()) if len(crimes) else (pd.Timestamp.max, pd.Timestamp.min)


def _has_da(crimes: pd.DataFrame) -> bool:
    return "domestic_abuse" in crimes and bool(crimes["domestic_abuse"].fillna(False).astype(bool).any())


def indicator_crimes(ind: Indicator, crimes: pd.DataFrame, groups: dict) -> pd.DataFrame | None:
    """The crimes an indicator counts (its group, crime type, domestic-abuse subset); None when
    the subset cannot be told from the data (no domestic-abuse flag anywhere)."""
    c = crimes
    group = ind.group if ind.measure == "crime_count" else (ind.subset if ind.subset in groups else None)
    if group is not None:
        c = c[c["crime_type"].isin(groups[group])]
    if ind.measure == "crime_count" and ind.crime_type is not None:
        known = crimes["crime_type"].dropna().unique()
        if ind.crime_type not in set(known):
            shown = ", ".join(sorted(map(str, known))[:8])
            raise InputError("targets", f"indicator {ind.name!r}, key 'crime_type'",
                             f"a crime type in the data ({shown}, ...)", found=quote(ind.crime_type))
        c = c[c["crime_type"] == ind.crime_type]
    if ind.subset == "domestic_abuse":
        if not _has_da(crimes):
            return None
        c = c[c["domestic_abuse"].fillna(False).astype(bool)]
    return c


def unknown_group(ind: Indicator, crimes: pd.DataFrame, groups: dict) -> str | None:
    """Why an indicator's crime group cannot be measured: none of its crime types occurs anywhere
    in the data (a misspelt type in ``crime_groups`` would otherwise count as zero crimes)."""
    group = ind.group if ind.measure == "crime_count" else (ind.subset if ind.subset in groups else None)
    if group is None:
        return None
    types = groups[group]
    if crimes["crime_type"].isin(types).any():
        return None
    return (f"none of the crime types of group {group!r} ({', '.join(map(str, types))}) occurs in the data: "
            "check crime_groups in the config")


def crime_count(crimes: pd.DataFrame, period: Period):
    """Recorded crimes in ``period`` (sum of ``count``); None when the data do not cover it.

    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-12-01", "2024-06-01"]), "count": [2, 1, 4]})
    >>> crime_count(c, calendar_year(2024)), crime_count(c, calendar_year(2023))
    (7, None)
    """
    if not _covers(crimes, period):
        return None
    return int(crimes.loc[period.contains(crimes["month"]), "count"].sum())


def repeat_victim_measures(victims: pd.DataFrame, crimes: pd.DataFrame, period: Period) -> dict:
    """Victims, repeat victims and the repeat-victim rate (§5.4) for the crimes in ``period``.

    Repeat-victim rate = victims of ≥ 2 distinct crimes in the period ÷ victims of ≥ 1.
    Computed with chapter 4's verbs (:mod:`assessment.victims`), so the figure is the one
    chapter 4 reports.  Only the crimes in ``crimes`` count (pass a subset — domestic abuse, a
    crime group — for that subset's rate).  The rate is None when no victim has a crime in
    the period.

    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> crimes = pd.DataFrame({"crime_id": ["a", "b", "c", "d"], "month": pd.to_datetime(["2024-01-01"] * 4)})
    >>> victims = pd.DataFrame({"crime_id": ["a", "b", "c", "d", "d"], "victim_id": ["V1", "V1", "V2", "V3", "V3"]})
    >>> m = repeat_victim_measures(victims, crimes, calendar_year(2024))   # V1 of 2 crimes; V2, V3 of 1
    >>> m["victims"], m["repeat_victims"], round(m["repeat_rate"], 4)
    (3, 1, 0.3333)
    """
    year = vic.in_period(vic.victim_pairs(victims, crimes), period)
    return vic.in_year_measures(vic.crimes_per_victim(year))


def measured(ind: Indicator, ds, period: Period, summary: dict | None = None,
             previous: bool = False) -> tuple:
    """(value, reason): the indicator's value for ``period``, or None and why there is none.

    Crime counts need data covering the whole period; repeat rates the victims link; offender
    shares the offenders link.  Rates and shares resting on fewer than
    ``disclosure.min_count`` victims, repeat victims or crimes are not published (None,
    "suppressed"), as in chapters 3 and 4.  ``previous=True`` asks for last year's value of
    a ``summary`` measure (its ``previous_key``).
    """
    groups = ds.config.crime_groups
    min_count = ds.config.disclosure.min_count
    if ind.measure == "summary":
        key = ind.previous_key if previous else ind.key
        if key is None:
            return None, "no previous_key for last year's value"
        if summary is None:
            return None, "no summary figures yet"
        v = get(summary, key)
        if isinstance(v, str) and v.startswith("<"):
            return None, f"{key} is suppressed ({v})"
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            return float(v), ""
        return None, missing_reason(summary, key)
    crimes = ds.crimes
    if not _covers(crimes, period):
        return None, f"the data do not cover {period.label if period.months == 12 else 'the period'}"
    bad = unknown_group(ind, crimes, groups)
    if bad:
        return None, bad
    sub = indicator_crimes(ind, crimes, groups)
    if sub is None:
        return None, "the crime data have no domestic-abuse flag"
    if ind.measure == "crime_count":
        return int(sub.loc[period.contains(sub["month"]), "count"].sum()), ""
    if not getattr(ds, "record_level", True) or "crime_id" not in crimes or crimes["crime_id"].isna().all():
        return None, "the crime data are counts, not records that victims or offenders can be linked to"
    if ind.measure == "repeat_rate":
        if ds.victims is None:
            return None, "no victims link (inputs.victims)"
        m = repeat_victim_measures(ds.victims, sub, period)
        if m["victims"] == 0:
            return None, "no victims of these crimes in the period"
        if 0 < m["victims"] < min_count or 0 < m["repeat_victims"] < min_count:
            return None, f"suppressed: fewer than {min_count} victims or repeat victims"
        return m["repeat_rate"], ""
    # offender_share
    if ds.offenders is None:
        return None, "no offenders link (inputs.offenders)"
    links = off.period_links(ds.offenders, crimes, period)
    if links.empty:
        return None, "no offender-linked crimes in the period"
    all_crimes = int(crimes.loc[period.contains(crimes["month"]), "count"].sum())
    row = off.concentration(links, all_crimes, [ind.p]).iloc[0]
    if 0 < row["crimes"] < min_count:
        return None, f"suppressed: fewer than {min_count} crimes linked to the group"
    v = row["share_all" if ind.denominator == "all" else "share_linked"]
    return (None, "no crimes in the period") if _missing(v) else (float(v), "")


def measure(ind: Indicator, ds, period: Period, summary: dict | None = None, previous: bool = False):
    """The indicator's value for ``period`` (see :func:`measured`); None = no data."""
    return measured(ind, ds, period, summary, previous)[0]


def baseline_period(ind: Indicator, period: Period) -> Period | None:
    """The 12 months of the baseline year (same kind of period as the assessment)."""
    if ind.baseline_year is None:
        return None
    return Period(period.start, period.kind, 12).shift(ind.baseline_year - period.year)


def baseline_value(ind: Indicator, ds, period: Period):
    """The baseline: the value given, or the measure over the baseline year (None if not in the data)."""
    if ind.baseline is not None:
        return ind.baseline
    return measure(ind, ds, baseline_period(ind, period))


# ---------------------------------------------------------------------------------------------
# quarterly profile
# ---------------------------------------------------------------------------------------------
def quarter_counts(crimes: pd.DataFrame, period: Period, span: tuple | None = None) -> pd.Series:
    """Crimes in each quarter (1–4) of ``period``; NaN for a quarter the data do not cover.

    ``span`` is the (first, last) month of the whole data (default: of ``crimes``), so a
    subset with no crimes in a covered quarter counts 0 there, not "no data".

    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> c = pd.DataFrame({"month": pd.date_range("2024-04-01", periods=12, freq="MS"), "count": range(1, 13)})
    >>> quarter_counts(c, financial_year(2024)).tolist()
    [6.0, 15.0, 24.0, 33.0]
    """
    span = span if span is not None else _span(crimes)
    out = {}
    for q in (1, 2, 3, 4):
        qp = period.quarter(q)
        out[q] = float(crimes.loc[qp.contains(crimes["month"]), "count"].sum()) if _covers(span, qp) else np.nan
    s = pd.Series(out, name="count")
    s.index.name = "quarter"
    return s


def seasonal_shares(counts: pd.Series | None) -> pd.Series:
    """Each quarter's share of the year (the profile); equal quarters when ``counts`` is
    missing, incomplete or all zero.

    Formula: share_q = count_q ÷ Σ count.

    >>> seasonal_shares(pd.Series([20, 30, 30, 20], index=[1, 2, 3, 4])).tolist()
    [0.2, 0.3, 0.3, 0.2]
    >>> seasonal_shares(None).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    idx = pd.Index([1, 2, 3, 4], name="quarter")
    if counts is None or counts.isna().any() or counts.sum() <= 0:
        return pd.Series(0.25, index=idx, name="share")
    s = (counts / counts.sum()).astype(float)
    s.index = idx
    return s.rename("share")


def profile_period(ind: Indicator, ds, period: Period) -> tuple[Period | None, str]:
    """The year whose seasonality profiles the target, and how it was chosen."""
    crimes = ds.crimes
    bp = baseline_period(ind, period)
    if bp is not None and _covers(crimes, bp):
        return bp, f"baseline year {bp.label}"
    prev = period.previous()
    if _covers(crimes, prev):
        return prev, f"previous year {prev.label}"
    return None, "equal quarters (no full earlier year in the data)"


def quarterly_profile(ind: Indicator, ds, period: Period, annual_target, quarter: int | None = None,
                      threshold: float = 0.10, scheme: str = "three", amber_green: float | None = None) -> pd.DataFrame:
    """The year's count by quarter against the target profiled by the baseline's seasonality.

    Returns one row per quarter (index 1–4): months, share (seasonal profile),
    profiled_target = annual target × share, actual (NaN after ``quarter`` or beyond the
    data), and year-to-date ytd_actual, ytd_target and status (RAG of the year to date).
    """
    if ind.measure != "crime_count":
        raise AssessmentError(f"indicator {ind.name!r}: only counts are profiled by quarter, not {ind.measure}")
    sub = indicator_crimes(ind, ds.crimes, ds.config.crime_groups)
    if unknown_group(ind, ds.crimes, ds.config.crime_groups):
        sub = None
    span = _span(ds.crimes)
    pp, _ = profile_period(ind, ds, period)
    shares = seasonal_shares(quarter_counts(sub, pp, span) if (pp is not None and sub is not None) else None)
    actual = quarter_counts(sub, period, span) if sub is not None else pd.Series(np.nan, index=shares.index)
    actual.index = shares.index
    if quarter is not None:
        actual[actual.index > quarter] = np.nan
    months = [f"{period.quarter(q).start:%b}–{period.quarter(q).end:%b %Y}" for q in (1, 2, 3, 4)]
    t = pd.DataFrame({"indicator": ind.name, "months": months, "share": shares,
                      "profiled_target": shares * annual_target if not _missing(annual_target) else np.nan,
                      "actual": actual}, index=shares.index)
    t["ytd_actual"] = t["actual"].cumsum().where(t["actual"].notna())
    t["ytd_target"] = t["profiled_target"].cumsum()
    t["status"] = [rag_status(shortfall(a, b, ind.direction) if not _missing(a) else None, threshold, scheme, amber_green)
                   for a, b in zip(t["ytd_actual"], t["ytd_target"])]
    return t


# ---------------------------------------------------------------------------------------------
# the performance table
# ---------------------------------------------------------------------------------------------
@dataclass
class PerformanceResult:
    """What chapter 5 shows: the table, the quarterly profile, the headlines, notes."""

    table: pd.DataFrame
    profile: pd.DataFrame
    headlines: dict
    period_label: str
    scheme: str
    threshold: float
    notes: list = field(default_factory=list)
    targets_file: Path | None = None


def evaluate(indicators: list[Indicator], ds, summary: dict | None = None, quarter: int | None = None,
             perf=None) -> pd.DataFrame:
    """Baseline, target, actual, variance, RAG status and direction of travel for each indicator.

    Index: indicator name (the targets file's order).  Columns: measure, owner, direction,
    format, period, baseline_label, baseline, target_spec, target, actual, variance,
    variance_pct, shortfall, status, level, previous, travel, movement, note.
    """
    perf = perf if perf is not None else ds.config.performance
    period = ds.period
    ytd = year_to_date(period, quarter)
    previous = ytd.previous()
    rows = []
    for ind in indicators:
        note = []
        base = baseline_value(ind, ds, period)
        if base is None:
            bp = baseline_period(ind, period)
            note.append(f"no baseline ({measured(ind, ds, bp, summary)[1]})" if bp else "no baseline")
        target = target_value(ind.target, base)
        profiled = False
        if quarter is not None and ind.measure == "crime_count" and not _missing(target):
            prof = quarterly_profile(ind, ds, period, target, quarter, perf.amber_threshold, perf.rag_scheme,
                                     perf.amber_green_threshold)
            target = float(prof.loc[quarter, "ytd_target"])
            profiled = True
        actual, why = measured(ind, ds, ytd, summary)
        if actual is None:
            note.append(why)
        prev = measure(ind, ds, previous, summary, previous=True)
        s = shortfall(actual, target, ind.direction)
        status = rag_status(s, perf.amber_threshold, perf.rag_scheme, perf.amber_green_threshold)
        var, var_pct = variance(actual, target)
        travel = direction_of_travel(actual, prev, ind.direction, perf.no_change_band)
        movement = None if travel == NOT_AVAILABLE else ("same" if actual == prev else ("up" if actual > prev else "down"))
        rows.append({
            "indicator": ind.name, "measure": ind.description, "owner": ind.owner, "direction": ind.direction,
            "format": ind.format, "period": period_label(period, quarter),
            "baseline_label": (baseline_period(ind, period).label if ind.baseline_year is not None else "given"),
            "baseline": base, "target_spec": str(ind.target), "target": target,
            "target_profiled": profiled, "actual": actual, "variance": var, "variance_pct": var_pct,
            "shortfall": s, "status": status, "level": status_level(status), "previous": prev,
            "travel": travel, "movement": movement, "note": "; ".join(n for n in note if n),
        })
    t = pd.DataFrame(rows).set_index("indicator")
    for c in ("baseline", "target", "actual", "variance", "variance_pct", "shortfall", "previous"):
        t[c] = pd.to_numeric(t[c], errors="coerce").astype("float64")
    return t


def profile_table(indicators: list[Indicator], ds, table: pd.DataFrame, quarter: int | None = None,
                  perf=None) -> pd.DataFrame:
    """The quarterly profile of every count indicator (rows: indicator × quarter)."""
    perf = perf if perf is not None else ds.config.performance
    frames = []
    for ind in indicators:
        if ind.measure != "crime_count":
            continue
        base = table.loc[ind.name, "baseline"]
        annual = target_value(ind.target, None if _missing(base) else base)
        if _missing(annual):
            continue
        p = quarterly_profile(ind, ds, ds.period, annual, quarter, perf.amber_threshold, perf.rag_scheme,
                              perf.amber_green_threshold)
        _, how = profile_period(ind, ds, ds.period)
        frames.append(p.assign(profiled_by=how).reset_index())
    cols = ["indicator", "quarter", "months", "share", "profiled_target", "actual", "ytd_actual", "ytd_target",
            "status", "profiled_by"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def headlines(table: pd.DataFrame, scheme: str = "three", quarter: int | None = None,
              threshold: float = 0.10) -> dict:
    """summary.json keys: counts by status and direction of travel, the red indicators.

    >>> t = pd.DataFrame({"level": ["green", "red", "no_data"], "travel": ["Improving", "Deteriorating", "Not available"]},
    ...                  index=pd.Index(["A", "B", "C"], name="indicator"))
    >>> h = headlines(t)
    >>> h["performance.indicators"], h["performance.on_target"], h["performance.red"], h["performance.red_indicators"]
    (3, 1, 1, ['B'])
    """
    lv = table["level"]
    h = {
        "performance.indicators": int(len(table)),
        "performance.scheme": scheme,
        "performance.amber_threshold": threshold,
        "performance.quarter": quarter,
        "performance.on_target": int((lv == "green").sum()),
        "performance.amber": int(lv.isin(["amber", "amber_green", "amber_red"]).sum()),
        "performance.red": int((lv == "red").sum()),
        "performance.no_data": int((lv == "no_data").sum()),
        "performance.red_indicators": [str(i) for i in table.index[lv == "red"]],
        "performance.improving": int((table["travel"] == IMPROVING).sum()),
        "performance.deteriorating": int((table["travel"] == DETERIORATING).sum()),
        "performance.no_change": int((table["travel"] == NO_CHANGE).sum()),
    }
    if scheme == "four":
        h["performance.amber_green"] = int((lv == "amber_green").sum())
        h["performance.amber_red"] = int((lv == "amber_red").sum())
    return h


def analyse(ds, summary: dict | None = None, quarter: int | None = None, targets=None) -> PerformanceResult | None:
    """Chapter 5 for a dataset: read the targets file, evaluate, profile, headlines.

    ``targets`` overrides ``inputs.targets`` (a path or a list of :class:`Indicator`).
    Returns None when no targets file is configured.
    """
    cfg = ds.config
    perf = cfg.performance
    path = None
    if targets is None:
        path = cfg.inputs.targets
        if path is None:
            return None
        indicators = read_targets(path, cfg.crime_groups)
    elif isinstance(targets, (str, Path)):
        path = Path(targets)
        indicators = read_targets(path, cfg.crime_groups)
    else:
        indicators = list(targets)
    check_crime_types(indicators, ds.crimes, path or "targets")
    table = evaluate(indicators, ds, summary, quarter, perf)
    profile = profile_table(indicators, ds, table, quarter, perf)
    notes = [f"{i}: no data ({n})" for i, n in zip(table.index, table["note"]) if n and table.loc[i, "level"] == "no_data"]
    return PerformanceResult(table=table, profile=profile, headlines=headlines(table, perf.rag_scheme, quarter, perf.amber_threshold),
                             period_label=period_label(ds.period, quarter), scheme=perf.rag_scheme,
                             threshold=perf.amber_threshold, notes=notes, targets_file=path)


def empty_headlines() -> dict:
    """The chapter's keys when there is no targets file (all null)."""
    return {k: None for k in ("performance.indicators", "performance.on_target", "performance.amber",
                              "performance.red", "performance.no_data", "performance.red_indicators",
                              "performance.improving", "performance.deteriorating")}


# ---------------------------------------------------------------------------------------------
# presentation
# ---------------------------------------------------------------------------------------------
def format_value(v, fmt: str = "count", signed: bool = False) -> str:
    """A value as a board paper shows it: counts with thousands separators, rates as 1-decimal %.

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
    """The status with its symbol: '● On target', '○ Missing target by more than 10%'."""
    return f"{SYMBOLS[status_level(status)]} {status}"


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The performance table as published: formatted strings, symbols with every status.

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
        spec = r["target_spec"]
        tgt = format_value(r["target"], fmt)
        if spec.casefold() == "maintain":
            tgt += " (maintain)"
        elif not re.fullmatch(r"[\d.,]+", spec.strip()):
            tgt += f" ({spec.strip().replace('-', '−')})"
        if r.get("target_profiled", False):
            tgt += ", profiled"
        if _missing(r["variance"]):
            var = "–"
        elif fmt == "percent":
            var = format_value(r["variance"], fmt, signed=True)
        else:
            var = format_value(r["variance"], fmt, signed=True)
            if not _missing(r["variance_pct"]):
                var += f" ({r['variance_pct'] * 100:+.1f}%)".replace("-", "−")
        rows.append({"Indicator": name, "Measure": r["measure"], "Owner": r["owner"],
                     "Better": "Lower" if r["direction"] == "lower" else "Higher",
                     "Baseline": format_value(r["baseline"], fmt), "Target": tgt,
                     "Actual": format_value(r["actual"], fmt), "Variance": var,
                     "Status": status_label(r["status"]),
                     "Last year": format_value(r["previous"], fmt),
                     "Direction of travel": travel_label(r["travel"], r["actual"], r["previous"])})
    out = pd.DataFrame(rows).set_index("Indicator") if rows else pd.DataFrame()
    return out


def rag_html(table: pd.DataFrame, title: str, source: str, note: str | None = None) -> str:
    """The performance table as accessible HTML: status cells coloured *and* labelled with a
    symbol and words, so it reads the same in greyscale print.

    Compact for A4: the indicator cell also states the measure and which way is better, and
    the direction-of-travel cell last year's figure.
    """
    d = display_table(table)
    levels = table["level"].tolist()
    cols = ["Owner", "Baseline", "Target", "Actual", "Variance", "Status", "Direction of travel"]
    head = '<th scope="col">Indicator</th>' + "".join(f'<th scope="col">{html.escape(c)}</th>' for c in cols)
    body = []
    for (name, r), lv in zip(d.iterrows(), levels):
        bg, fg = COLOURS[lv]
        better = f"{r['Better'].lower()} is better"
        measure_text = r["Measure"]
        if ": " in measure_text and measure_text.split(": ", 1)[1].casefold() == str(name).casefold():
            measure_text = measure_text.split(": ", 1)[0]        # "Recorded crimes: Burglary" beside "Burglary"
        cells = [f'<th scope="row">{html.escape(str(name))}<br><small style="font-weight:normal">'
                 f'{html.escape(measure_text)}; {better}</small></th>']
        for c in cols:
            v = r[c]
            if c == "Status":
                cells.append(f'<td class="rag rag-{lv}" style="background:{bg};color:{fg};font-weight:bold">'
                             f'{html.escape(v)}</td>')
            elif c == "Direction of travel":
                last = f'<br><small>last year {html.escape(r["Last year"])}</small>' if r["Last year"] != "–" else ""
                cells.append(f"<td>{html.escape(v)}{last}</td>")
            elif c in ("Baseline", "Target", "Actual", "Variance"):
                cells.append(f'<td class="num">{html.escape(v)}</td>')
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return table_figure(title, head, body, source, note, css_class="sa-table sa-rag", table_style="font-size:0.85em")


def key_html(scheme: str = "three", threshold: float = 0.10, amber_green: float | None = None) -> str:
    """The key to the status symbols and colours."""
    if scheme == "three":
        items = [("green", ON_TARGET), ("amber", amber_label(threshold)), ("red", red_label(threshold))]
    else:
        ag = threshold / 2 if amber_green is None else amber_green
        items = [("green", "Green: on target"), ("amber_green", f"Amber-Green: up to {ag * 100:g}% off"),
                 ("amber_red", f"Amber-Red: up to {threshold * 100:g}% off"),
                 ("red", f"Red: more than {threshold * 100:g}% off")]
    items.append(("no_data", "No data: cannot be computed from the inputs"))
    spans = " ".join(f'<span style="background:{COLOURS[lv][0]};color:{COLOURS[lv][1]};padding:0 0.4em">'
                     f'{SYMBOLS[lv]} {html.escape(t)}</span>' for lv, t in items)
    return f'<p class="note">Key: {spans}. Arrows show which way the figure moved since last year.</p>'


def show(table: pd.DataFrame, title: str, source: str, scheme: str = "three", threshold: float = 0.10,
         amber_green: float | None = None, note: str | None = None) -> None:
    """Display the coloured performance table and its key in a notebook."""
    from IPython.display import HTML, display  # only in a notebook
    display(HTML(rag_html(table, title, source, note) + key_html(scheme, threshold, amber_green)))


def csv_table(table: pd.DataFrame) -> pd.DataFrame:
    """``tables/performance.csv``: full-precision values plus the status and travel words."""
    cols = ["measure", "owner", "direction", "period", "baseline_label", "baseline", "target_spec", "target",
            "target_profiled", "actual", "variance", "variance_pct", "status", "previous", "travel", "note"]
    return table[cols].reset_index()


def title(result: PerformanceResult) -> str:
    """A title stating the finding: '5 of 8 indicators were on target in 2024/25; 2 missed by more than 10%'."""
    h = result.headlines
    n, on, red = h["performance.indicators"], h["performance.on_target"], h["performance.red"]
    s = f"{on} of {n} indicator{'s' if n != 1 else ''} {'were' if on != 1 else 'was'} on target in {result.period_label}"
    if red:
        s += f"; {red} missed {'their' if red != 1 else 'its'} target by more than {result.threshold * 100:g}%"
    return s


def summary_sentence(result: PerformanceResult) -> str:
    """The chapter's opening sentence, with the direction of travel."""
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


def profile_figure(profile: pd.DataFrame, max_panels: int = 6):
    """Small multiples: each count indicator's quarterly actual (bars) against its profiled
    target (diamonds), year to date annotated."""
    import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn

    from .figures.style import PALETTE  # plots loads matplotlib: only when a figure is drawn
    names = list(dict.fromkeys(profile["indicator"]))[:max_panels]
    ncol = 2 if len(names) > 1 else 1
    nrow = math.ceil(len(names) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(8, 2.6 * nrow), squeeze=False)
    for ax, name in zip(axes.flat, names):
        p = profile[profile["indicator"] == name]
        x = np.arange(len(p))
        ax.bar(x, p["actual"].fillna(0), color=PALETTE[0], width=0.6, label="Actual")
        ax.plot(x, p["profiled_target"], ls="none", marker="D", color=PALETTE[3], ms=7, label="Profiled target")
        ax.set_xticks(x, [f"Q{q}" for q in p["quarter"]])
        ax.set_title(name, fontsize=10, loc="left")
        ax.set_ylim(0, max(p["actual"].max(skipna=True) if p["actual"].notna().any() else 0,
                           p["profiled_target"].max()) * 1.25 or 1)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncols=2, fontsize=9, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def profile_note(profile: pd.DataFrame) -> str:
    """Which year's seasonality profiled each target, in one line.

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
    """'3 of 5 count indicators were within their profiled target at the end of Q4'."""
    q = quarter or 4
    last = profile[profile["quarter"] == q]
    on = int(sum(status_level(s) == "green" for s in last["status"]))
    n = len(last)
    return (f"{on} of {n} crime-count indicator{'s' if n != 1 else ''} {'were' if on != 1 else 'was'} within "
            f"{'their' if n != 1 else 'its'} profiled target at the end of Q{q}")
