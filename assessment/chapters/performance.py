"""Chapter 5 — performance against targets (§5.6) and comparison with other areas (§5.1): data only.

:func:`analyse` evaluates the partnership's targets file: each indicator's baseline, target,
actual, variance, RAG status and direction of travel, and the quarterly profile of the count
targets.  :func:`comparison` ranks the area's rates per 1,000 residents among the other areas of
a multi-area crime input.  The rules are the statistics of :mod:`assessment.stats.rag` and
:mod:`assessment.stats.rates`; the sentences, titles and display tables are
:mod:`assessment.words.performance`, the charts :mod:`assessment.figures.performance`.

The targets file
----------------
It lives in a YAML file (``inputs.targets`` in the config; the full guide for analysts is
``data/TARGETS.md``; :mod:`assessment.targets` reads and checks it).  One entry per indicator::

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

An indicator whose actual, baseline or target cannot be computed from the inputs (no victims
link, the data do not cover the period, the key is null) is "No data", never guessed; the
table's ``note`` column says why.  Quarterly profile / in-year progress (``quarter`` = 1–4): for
counts the annual target is split by quarter in proportion to the baseline year's quarterly
counts (the previous year's when the baseline is a value; equal quarters when neither is in the
data), and the year-to-date actual is compared with the year-to-date profiled target.  Rates and
shares are compared year-to-date with the annual target.

The comparison
--------------
When the crime input covers more areas than the one assessed (the MPS tables and the Met's
police.uk files cover all 32 London boroughs), the loader fills
:attr:`~assessment.dataset.Dataset.all_areas` (area, month, crime_type, major_category, count)
and :attr:`~assessment.dataset.Dataset.all_areas_population` (residents by area).
:func:`compare` takes those plain frames, so it works — and is tested — without the loaders.

Example
-------
>>> import pandas as pd
>>> f = pd.DataFrame({"area": ["A", "A", "B", "C"], "major_category": ["THEFT", "ROBBERY", "THEFT", "THEFT"],
...                   "count": [30, 10, 10, 60]})
>>> c = compare(f, pd.Series({"A": 2000, "B": 1000, "C": 3000}), "A")
>>> t = c.position.loc["All crime"]
>>> float(t["rate"]), int(t["rank"]), int(t["areas"]), round(float(t["all_area_rate"]), 2)
(20.0, 1, 3, 18.33)
>>> target_value("-5%", 2000), target_value("maintain", 31)
(1900.0, 31)
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import AssessmentError, ConfigError, InputError, quote, require_columns
from ..periods import Period, coverage, covers
from ..stats import offenders as offender_stats
from ..stats import rag, repeats
from ..stats import rates as area_rates
from ..summary import get, missing_reason
from ..targets import Indicator, check_crime_types, parse_target, read_targets
from ..words.common import pretty_category
from . import offenders as off
from . import victims as vic

#: the "category" of every crime together, in the comparison's tables
ALL_CRIME = "All crime"


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _has_da(crimes: pd.DataFrame) -> bool:
    return "domestic_abuse" in crimes and bool(crimes["domestic_abuse"].fillna(False).astype(bool).any())


# =============================================================================================
# performance against targets
# =============================================================================================
@dataclass
class PerformanceResult:
    """What chapter 5's performance section shows: data only.

    ``table``: one row per indicator (see :func:`evaluate`); ``profile``: the quarterly profile
    of the count indicators (see :func:`profile_table`); ``headlines``: the summary.json keys;
    ``period_label``: '2024/25' or 'Q1–Q2 2024/25' (year to date); ``scheme``, ``threshold``,
    ``amber_green``: the RAG scheme and thresholds it was judged by.
    """

    table: pd.DataFrame
    profile: pd.DataFrame
    headlines: dict
    period_label: str
    scheme: str
    threshold: float
    amber_green: float | None = None
    targets_file: Path | None = None


def analyse(ds, summary: dict | None = None, quarter: int | None = None, targets=None) -> PerformanceResult | None:
    """Chapter 5's performance section for a dataset: read the targets, evaluate, profile, headlines.

    Parameters
    ----------
    ds : Dataset
        The run's data.
    summary : dict, optional
        The other chapters' summary.json figures (for ``summary`` measures).
    quarter : int, optional
        1–4: in-year progress to the end of that quarter; None = the whole period.
    targets : path or list of Indicator, optional
        Overrides ``inputs.targets``.

    Returns
    -------
    PerformanceResult or None
        None when no targets file is configured.
    """
    indicators, path = _indicators(ds, targets)
    if indicators is None:
        return None
    perf = ds.config.performance
    check_crime_types(indicators, ds.crimes, path or "targets")
    table = evaluate(indicators, ds, summary, quarter, perf)
    profile = profile_table(indicators, ds, table, quarter, perf)
    return PerformanceResult(table=table, profile=profile,
                             headlines=headlines(table, perf.rag_scheme, quarter, perf.amber_threshold),
                             period_label=period_label(ds.period, quarter), scheme=perf.rag_scheme,
                             threshold=perf.amber_threshold, amber_green=perf.amber_green_threshold,
                             targets_file=path)


def _indicators(ds, targets) -> tuple:
    """(indicators, targets file): from ``targets`` (a path or a list) or the config; (None, None)
    when there is no targets file."""
    groups = ds.config.crime_groups
    if targets is None:
        path = ds.config.inputs.targets
        return (None, None) if path is None else (read_targets(path, groups), path)
    if isinstance(targets, (str, Path)):
        return read_targets(Path(targets), groups), Path(targets)
    return list(targets), None


def empty_headlines() -> dict:
    """The chapter's keys when there is no targets file (all null)."""
    return {k: None for k in ("performance.indicators", "performance.on_target", "performance.amber",
                              "performance.red", "performance.no_data", "performance.red_indicators",
                              "performance.improving", "performance.deteriorating")}


def target_value(spec, baseline):
    """The target as a value: a targets file's ``target`` applied to ``baseline``.

    Parameters
    ----------
    spec : number or str
        As in the targets file: a value, ``"-5%"``, ``"-2pp"`` or ``"maintain"``
        (read by :func:`assessment.targets.parse_target`).
    baseline : float or None
        The baseline.

    Returns
    -------
    float or None
        :func:`assessment.stats.rag.target_value`; None when it needs a missing baseline.

    Examples
    --------
    >>> target_value("-5%", 2000), target_value("maintain", 31), target_value(0.2, None), target_value("-2pp", 0.3)
    (1900.0, 31, 0.2, 0.28)
    """
    return rag.target_value(*parse_target(spec), baseline)


# -- measuring an indicator -----------------------------------------------------------------------
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
    """The period's label, '2024/25', or 'Q1–Q2 2024/25' for the year to date (the table's ``period``).

    >>> from assessment.periods import financial_year
    >>> period_label(financial_year(2024), None), period_label(financial_year(2024), 1), period_label(financial_year(2024), 3)
    ('2024/25', 'Q1 2024/25', 'Q1–Q3 2024/25')
    """
    if quarter is None:
        return period.label
    return (f"Q1 {period.label}" if quarter == 1 else f"Q1–Q{quarter} {period.label}")


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

    >>> from assessment.periods import calendar_year
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-12-01", "2024-06-01"]), "count": [2, 1, 4]})
    >>> crime_count(c, calendar_year(2024)), crime_count(c, calendar_year(2023))
    (7, None)
    """
    if not covers(crimes, period):
        return None
    return int(crimes.loc[period.contains(crimes["month"]), "count"].sum())


def repeat_victim_measures(victims: pd.DataFrame, crimes: pd.DataFrame, period: Period) -> dict:
    """Victims, repeat victims and the repeat-victim rate (§5.4) for the crimes in ``period``.

    Repeat-victim rate = victims of ≥ 2 distinct crimes in the period ÷ victims of ≥ 1.
    Computed with chapter 4's verbs (:mod:`assessment.chapters.victims`, :mod:`assessment.stats.repeats`), so the figure is the one
    chapter 4 reports.  Only the crimes in ``crimes`` count (pass a subset — domestic abuse, a
    crime group — for that subset's rate).  The rate is None when no victim has a crime in
    the period.

    >>> from assessment.periods import calendar_year
    >>> crimes = pd.DataFrame({"crime_id": ["a", "b", "c", "d"], "month": pd.to_datetime(["2024-01-01"] * 4)})
    >>> victims = pd.DataFrame({"crime_id": ["a", "b", "c", "d", "d"], "victim_id": ["V1", "V1", "V2", "V3", "V3"]})
    >>> m = repeat_victim_measures(victims, crimes, calendar_year(2024))   # V1 of 2 crimes; V2, V3 of 1
    >>> m["victims"], m["repeat_victims"], round(m["repeat_rate"], 4)
    (3, 1, 0.3333)
    """
    year = vic.in_period(vic.victim_pairs(victims, crimes), period)
    return repeats.in_year_measures(repeats.crimes_per_victim(year))


def measured(ind: Indicator, ds, period: Period, summary: dict | None = None,
             previous: bool = False) -> tuple:
    """(value, reason): the indicator's value for ``period``, or None and why there is none.

    Crime counts need data covering the whole period; repeat rates the victims link; offender
    shares the offenders link.  Rates and shares resting on fewer than
    ``disclosure.min_count`` victims, repeat victims or crimes are not published (None,
    "suppressed"), as in chapters 3 and 4.  ``previous=True`` asks for last year's value of
    a ``summary`` measure (its ``previous_key``).
    """
    if ind.measure == "summary":
        return _summary_measure(ind, summary, previous)
    crimes, groups = ds.crimes, ds.config.crime_groups
    if not covers(crimes, period):
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
        return _repeat_rate(ds, sub, period)
    return _offender_share(ind, ds, period)


def _summary_measure(ind: Indicator, summary: dict | None, previous: bool) -> tuple:
    """A ``summary`` measure: the figure at its key (or previous_key) in summary.json."""
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


def _repeat_rate(ds, sub: pd.DataFrame, period: Period) -> tuple:
    """A ``repeat_rate`` measure, unpublished below ``disclosure.min_count``."""
    min_count = ds.config.disclosure.min_count
    if ds.victims is None:
        return None, "no victims link (inputs.victims)"
    m = repeat_victim_measures(ds.victims, sub, period)
    if m["victims"] == 0:
        return None, "no victims of these crimes in the period"
    if 0 < m["victims"] < min_count or 0 < m["repeat_victims"] < min_count:
        return None, f"suppressed: fewer than {min_count} victims or repeat victims"
    return m["repeat_rate"], ""


def _offender_share(ind: Indicator, ds, period: Period) -> tuple:
    """An ``offender_share`` measure, unpublished below ``disclosure.min_count``."""
    min_count, crimes = ds.config.disclosure.min_count, ds.crimes
    if ds.offenders is None:
        return None, "no offenders link (inputs.offenders)"
    links = off.period_links(ds.offenders, crimes, period)
    if links.empty:
        return None, "no offender-linked crimes in the period"
    all_crimes = int(crimes.loc[period.contains(crimes["month"]), "count"].sum())
    row = offender_stats.concentration_table(links, all_crimes, [ind.p]).iloc[0]
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


# -- quarterly profile ------------------------------------------------------------------------------
def quarter_counts(crimes: pd.DataFrame, period: Period, span: tuple | None = None) -> pd.Series:
    """Crimes in each quarter (1–4) of ``period``; NaN for a quarter the data do not cover.

    ``span`` is the (first, last) month of the whole data (default: of ``crimes``), so a
    subset with no crimes in a covered quarter counts 0 there, not "no data".

    >>> from assessment.periods import financial_year
    >>> c = pd.DataFrame({"month": pd.date_range("2024-04-01", periods=12, freq="MS"), "count": range(1, 13)})
    >>> quarter_counts(c, financial_year(2024)).tolist()
    [6.0, 15.0, 24.0, 33.0]
    """
    span = span if span is not None else coverage(crimes)
    out = {}
    for q in (1, 2, 3, 4):
        qp = period.quarter(q)
        out[q] = float(crimes.loc[qp.contains(crimes["month"]), "count"].sum()) if covers(span, qp) else np.nan
    s = pd.Series(out, name="count")
    s.index.name = "quarter"
    return s


def profile_period(ind: Indicator, ds, period: Period) -> tuple[Period | None, str]:
    """The year whose seasonality profiles the target, and how it was chosen (the profile
    table's ``profiled_by``)."""
    crimes = ds.crimes
    bp = baseline_period(ind, period)
    if bp is not None and covers(crimes, bp):
        return bp, f"baseline year {bp.label}"
    prev = period.previous()
    if covers(crimes, prev):
        return prev, f"previous year {prev.label}"
    return None, "equal quarters (no full earlier year in the data)"


def quarterly_profile(ind: Indicator, ds, period: Period, annual_target, quarter: int | None = None,
                      threshold: float = 0.10, scheme: str = "three", amber_green: float | None = None) -> pd.DataFrame:
    """The year's count by quarter against the target profiled by the baseline's seasonality.

    Returns one row per quarter (index 1–4): months, share (:func:`assessment.stats.rag.seasonal_shares`),
    profiled_target = annual target × share, actual (NaN after ``quarter`` or beyond the
    data), and year-to-date ytd_actual, ytd_target and status (RAG of the year to date).
    """
    if ind.measure != "crime_count":
        raise AssessmentError(f"indicator {ind.name!r}: only counts are profiled by quarter, not {ind.measure}")
    sub = indicator_crimes(ind, ds.crimes, ds.config.crime_groups)
    if unknown_group(ind, ds.crimes, ds.config.crime_groups):
        sub = None
    span = coverage(ds.crimes)
    pp, _ = profile_period(ind, ds, period)
    shares = rag.seasonal_shares(quarter_counts(sub, pp, span) if (pp is not None and sub is not None) else None)
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
    t["status"] = [rag.rag_status(rag.shortfall(a, b, ind.direction) if not _missing(a) else None,
                                  threshold, scheme, amber_green)
                   for a, b in zip(t["ytd_actual"], t["ytd_target"])]
    return t


def profile_table(indicators: list[Indicator], ds, table: pd.DataFrame, quarter: int | None = None,
                  perf=None) -> pd.DataFrame:
    """The quarterly profile of every count indicator (rows: indicator × quarter), as
    ``tables/quarterly_profile.csv``."""
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


# -- the performance table --------------------------------------------------------------------------
def evaluate(indicators: list[Indicator], ds, summary: dict | None = None, quarter: int | None = None,
             perf=None) -> pd.DataFrame:
    """Baseline, target, actual, variance, RAG status and direction of travel for each indicator.

    Index: indicator name (the targets file's order).  Columns: measure, owner, direction,
    format, period, baseline_label, baseline, target_spec, target, target_profiled, actual,
    variance, variance_pct, shortfall, status, level, previous, travel, movement, note (why there is no
    data), notes (the targets file's notes).
    """
    perf = perf if perf is not None else ds.config.performance
    rows = [_evaluate_one(ind, ds, summary, quarter, perf) for ind in indicators]
    t = pd.DataFrame(rows).set_index("indicator")
    for c in ("baseline", "target", "actual", "variance", "variance_pct", "shortfall", "previous"):
        t[c] = pd.to_numeric(t[c], errors="coerce").astype("float64")
    return t


def _evaluate_one(ind: Indicator, ds, summary: dict | None, quarter: int | None, perf) -> dict:
    """One indicator's row of the performance table."""
    period = ds.period
    ytd = year_to_date(period, quarter)
    note = []
    base = baseline_value(ind, ds, period)
    if base is None:
        bp = baseline_period(ind, period)
        note.append(f"no baseline ({measured(ind, ds, bp, summary)[1]})" if bp else "no baseline")
    target, profiled = _target(ind, ds, base, quarter, perf)
    actual, why = measured(ind, ds, ytd, summary)
    if actual is None:
        note.append(why)
    prev = measure(ind, ds, ytd.previous(), summary, previous=True)
    s = rag.shortfall(actual, target, ind.direction)
    status = rag.rag_status(s, perf.amber_threshold, perf.rag_scheme, perf.amber_green_threshold)
    var, var_pct = rag.variance(actual, target)
    travel = rag.direction_of_travel(actual, prev, ind.direction, perf.no_change_band)
    movement = None if travel == rag.NOT_AVAILABLE else ("same" if actual == prev else ("up" if actual > prev else "down"))
    return {
        "indicator": ind.name, "measure": ind.description, "owner": ind.owner, "direction": ind.direction,
        "format": ind.format, "period": period_label(period, quarter),
        "baseline_label": (baseline_period(ind, period).label if ind.baseline_year is not None else "given"),
        "baseline": base, "target_spec": str(ind.target), "target": target,
        "target_profiled": profiled, "actual": actual, "variance": var, "variance_pct": var_pct,
        "shortfall": s, "status": status, "level": rag.status_level(status), "previous": prev,
        "travel": travel, "movement": movement, "note": "; ".join(n for n in note if n), "notes": ind.notes,
    }


def _target(ind: Indicator, ds, base, quarter: int | None, perf) -> tuple:
    """(target, profiled): the annual target, or for a count in year-to-date mode the
    year-to-date profiled target."""
    target = target_value(ind.target, base)
    if quarter is None or ind.measure != "crime_count" or _missing(target):
        return target, False
    prof = quarterly_profile(ind, ds, ds.period, target, quarter, perf.amber_threshold, perf.rag_scheme,
                             perf.amber_green_threshold)
    return float(prof.loc[quarter, "ytd_target"]), True


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
        "performance.improving": int((table["travel"] == rag.IMPROVING).sum()),
        "performance.deteriorating": int((table["travel"] == rag.DETERIORATING).sum()),
        "performance.no_change": int((table["travel"] == rag.NO_CHANGE).sum()),
    }
    if scheme == "four":
        h["performance.amber_green"] = int((lv == "amber_green").sum())
        h["performance.amber_red"] = int((lv == "amber_red").sum())
    return h


def csv_table(table: pd.DataFrame, commentary: dict | None = None) -> pd.DataFrame:
    """``tables/performance.csv``: full-precision values plus the status and travel words, the targets
    file's notes, and (``commentary``: indicator name -> the analyst's text) a commentary column."""
    cols = ["measure", "owner", "direction", "period", "baseline_label", "baseline", "target_spec", "target",
            "target_profiled", "actual", "variance", "variance_pct", "status", "previous", "travel", "note"]
    cols += [c for c in ("notes",) if c in table]
    out = table[cols].reset_index()
    if commentary:
        out["commentary"] = [commentary.get(str(i), "") for i in table.index]
    return out


# =============================================================================================
# comparison with other areas
# =============================================================================================
@dataclass
class ComparisonResult:
    """What the comparison shows: data only.

    ``table``: one row per area and category (``tables/area_comparison.csv``); ``position``: the
    assessed area's row per category (see :func:`compare`); ``comparators``: the comparator
    group (without the area); ``areas``: how many areas are ranked; ``unranked``: areas without a
    population figure (not ranked); ``by``: the categories compared (major_category or
    crime_type); ``by_fallback``: True when the config asked for major categories the input
    does not have; ``label``: what the areas are ('London boroughs'); ``period_label``.
    """

    area: str
    table: pd.DataFrame
    position: pd.DataFrame
    comparators: list
    areas: int
    unranked: list = field(default_factory=list)
    by: str = "major_category"
    by_fallback: bool = False
    label: str | None = None
    period_label: str = ""

    @property
    def headlines(self) -> dict:
        """The summary.json keys (:func:`comparison_headlines`)."""
        return comparison_headlines(self)


def comparison(ds) -> ComparisonResult | None:
    """The comparison with other areas for a dataset.

    Parameters
    ----------
    ds : Dataset
        The run's data (its ``all_areas`` and ``all_areas_population``).

    Returns
    -------
    ComparisonResult or None
        None when the crime input covers only the assessed area, has no population by area, does
        not cover the period, or does not include the area (:func:`comparison_unavailable` says
        which).
    """
    if comparison_unavailable(ds):
        return None
    perf = ds.config.performance
    by = _comparison_by(ds)
    res = compare(ds.all_areas, ds.all_areas_population, _area_name(ds), by=by, period=ds.period,
                  comparators=perf.comparators)
    return replace(res, by_fallback=by != perf.comparison_by, label=perf.comparison_label,
                   period_label=ds.period.label)


def comparison_unavailable(ds) -> str | None:
    """Why there is no comparison for this dataset, as a code, or None when there is one.

    'single_area' (the crime input covers only this area), 'no_population' (no residents by
    area), 'not_covered' (the other areas' data do not span the period), 'area_not_found' (the
    assessed area is not one of the input's areas).
    """
    if ds.all_areas is None:
        return "single_area"
    if ds.all_areas_population is None:
        return "no_population"
    if not covers(ds.all_areas, ds.period):
        return "not_covered"
    if _area_name(ds) is None:
        return "area_not_found"
    return None


def _comparison_by(ds) -> str:
    """The configured categories, or crime types when the input has no major categories."""
    by = ds.config.performance.comparison_by
    if by == "major_category" and ds.all_areas["major_category"].isna().all():
        return "crime_type"
    return by


def _area_name(ds) -> str | None:
    """The assessed area's name among ``ds.all_areas``' areas, or None when it is not one of them."""
    areas = ds.all_areas["area"].dropna().unique()
    try:
        return find_area(areas, ds.config.area.lsoa_name_prefix, ds.config.area.name)
    except AssessmentError:
        return None


def area_counts(frame: pd.DataFrame, by: str = "major_category", period: Period | None = None) -> pd.DataFrame:
    """Crimes per area (rows) and category (columns), with an "All crime" total column.

    ``frame`` has columns area, ``by`` and count (and month when ``period`` is given: only
    rows whose month falls in it count).  Areas are those in ``frame``; a category an area
    has no rows for counts 0.  Rows with no category count in "All crime" only.

    >>> f = pd.DataFrame({"area": ["A", "A", "B"], "major_category": ["THEFT", "ROBBERY", "THEFT"], "count": [3, 1, 2]})
    >>> area_counts(f).to_dict("index")
    {'A': {'All crime': 4, 'ROBBERY': 1, 'THEFT': 3}, 'B': {'All crime': 2, 'ROBBERY': 0, 'THEFT': 2}}
    """
    require_columns(frame, ["area", by, "count"] + (["month"] if period is not None else []), "crimes by area")
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
    """The comparator names matched to ``areas`` (case-insensitive); a name not found is an error.

    >>> match_comparators(["Camden", "Haringey"], ["camden", "Camden"])
    ['Camden']
    """
    lookup = {str(a).strip().casefold(): str(a) for a in areas}
    out = []
    for c in comparators or []:
        k = str(c).strip().casefold()
        if k not in lookup:
            shown = ", ".join(sorted(lookup.values())[:12]) + (" ..." if len(lookup) > 12 else "")
            raise ConfigError(f"{where}: {c!r} is not an area in the crime input (areas: {shown})")
        out.append(lookup[k])
    return list(dict.fromkeys(out))


def compare(frame: pd.DataFrame, population, area: str, by: str = "major_category",
            period: Period | None = None, comparators=()) -> ComparisonResult:
    """Rates, ranks and the comparator group for ``area`` among the areas of ``frame``.

    Parameters
    ----------
    frame : DataFrame
        area, ``by``, count (and month when ``period`` is given).
    population : Series
        Residents by area.
    area : str
        The assessed area (matched case-insensitively).
    by : str
        The category column.
    period : Period, optional
        Only the rows whose month falls in it.
    comparators : list of str
        The comparator group (matched case-insensitively).

    Returns
    -------
    ComparisonResult
        ``table``: one row per area and category (count, population, rate_per_1000, rank,
        areas_ranked, all_area_rate, assessed, comparator); ``position`` (index: category, "All
        crime" first): for ``area``, count, rate, rank, areas, tied, all_area_rate, vs_all (rate ÷
        all-area rate − 1), and with comparators comparator_rate, comparator_rank,
        comparator_areas, comparator_tied, vs_comparators.
    """
    counts = area_counts(frame, by, period)
    pop = area_rates.population(population)
    area, comps, unranked = _areas(counts, pop, area, comparators)
    r = area_rates.rates(counts, pop)
    return ComparisonResult(area=area, table=_long_table(counts, pop, r, area, comps),
                            position=_position(counts, pop, r, area, comps), comparators=comps,
                            areas=int(r[ALL_CRIME].notna().sum()), unranked=unranked, by=by,
                            period_label=period.label if period is not None else "")


def _areas(counts: pd.DataFrame, pop: pd.Series, area: str, comparators) -> tuple:
    """(the area's name, the comparators but the area, the areas without a population)."""
    area = find_area(counts.index, area)
    comps = [c for c in match_comparators(counts.index, comparators) if c != area]
    unranked = [a for a in counts.index if not (pop.get(a, np.nan) > 0)]
    if area in unranked:
        raise AssessmentError(f"no population figure for {area}: rates per 1,000 cannot be compared "
                              "(inputs.population must cover every area of the crime input)")
    return area, comps, unranked


def _long_table(counts: pd.DataFrame, pop: pd.Series, r: pd.DataFrame, area: str, comps: list) -> pd.DataFrame:
    """Every area's count, rate and rank by category, "All crime" first, then by rank."""
    rows = []
    for cat in counts.columns:
        rr = r[cat]
        rk = area_rates.rank_desc(rr)
        n = int(rr.notna().sum())
        allr = area_rates.pooled_rate(counts[cat], pop)
        for a in counts.index:
            rows.append({"category": cat, "area": a, "count": int(counts.loc[a, cat]),
                         "population": pop.get(a, np.nan), "rate_per_1000": rr[a], "rank": rk[a],
                         "areas_ranked": n, "all_area_rate": allr, "assessed": a == area, "comparator": a in comps})
    table = pd.DataFrame(rows)
    table["rank"] = table["rank"].astype("Int64")
    return table.sort_values(["category", "rank", "area"],
                             key=lambda s: s.map(lambda x: (x != ALL_CRIME)) if s.name == "category" else s,
                             kind="stable").reset_index(drop=True)


def _position(counts: pd.DataFrame, pop: pd.Series, r: pd.DataFrame, area: str, comps: list) -> pd.DataFrame:
    """The assessed area's rate, rank and pooled rates by category (index: category)."""
    group = [area] + comps
    pos = []
    for cat in counts.columns:
        rr = r[cat]
        rk = area_rates.rank_desc(rr)
        allr = area_rates.pooled_rate(counts[cat], pop)
        p = {"category": cat, "count": int(counts.loc[area, cat]), "rate": rr[area], "rank": int(rk[area]),
             "areas": int(rr.notna().sum()), "tied": bool((rr == rr[area]).sum() > 1), "all_area_rate": allr,
             "vs_all": (rr[area] / allr - 1) if allr and not math.isnan(allr) else np.nan}
        if comps:
            g = rr.reindex(group)
            gr = area_rates.pooled_rate(counts[cat], pop, group)
            p.update({"comparator_rate": gr, "comparator_rank": int(area_rates.rank_desc(g)[area]),
                      "comparator_areas": int(g.notna().sum()),
                      "comparator_tied": bool((g == rr[area]).sum() > 1),
                      "vs_comparators": (rr[area] / gr - 1) if gr and not math.isnan(gr) else np.nan})
        pos.append(p)
    return pd.DataFrame(pos).set_index("category")


def comparison_csv_table(res: ComparisonResult) -> pd.DataFrame:
    """``tables/area_comparison.csv``: one row per area and category, with the period."""
    t = res.table.copy()
    t.insert(0, "period", res.period_label)
    return t


def comparison_headlines(res: ComparisonResult | None) -> dict:
    """summary.json keys: comparison.areas, .area, .rank_total, .tied_total, .rate_total,
    .all_area_rate_total, comparator figures, and comparison.by_category: a list with one object
    per category, {name, rank, tied, rate, all_area_rate} (names are values, never key paths).
    All null when there is no comparison (``res`` None)."""
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
