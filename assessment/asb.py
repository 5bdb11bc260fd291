"""Repeat anti-social behaviour callers (§5.4): 10 or more calls within any 24-week window.

Small verbs over the canonical ``asb`` table (incident_id, datetime, month, caller_id,
lsoa_code; see :mod:`assessment.dataset`).  The chain is::

    calls = caller_calls(ds.asb, period)                 # calls in the period with a caller reference
    most  = most_calls_in_window(calls, 168)             # INTERNAL: per caller, most calls in any window
    repeat = most[most >= 10].index                      # INTERNAL: repeat callers
    caller_summary(ds.asb, period, 10, 24)               # the published aggregates

The window slides: every run of 168 consecutive calendar days is a window, not calendar blocks.
A call's day is its calendar date (the time of day is ignored), so a window starting on day t
holds days t, t+1, …, t+167: **calls on day 0 and day 167 are in one window; a call on day
168 is not**.  The most calls a caller made in any window is found with one
``numpy.searchsorted`` over (caller, day) keys — O(n log n), no loops over pairs of calls.

Example
-------
>>> import pandas as pd
>>> from assessment.periods import calendar_year
>>> days = pd.Timestamp("2024-01-01") + pd.to_timedelta([0, 20, 40, 60, 80, 100, 120, 140, 160, 167], unit="D")
>>> asb = pd.DataFrame({"incident_id": [f"i{k}" for k in range(10)], "datetime": days, "caller_id": "K1"})
>>> caller_summary(asb, calendar_year(2024), repeat_calls=10, window_weeks=24)["repeat_callers"]
1
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .disclosure import hidden_mark, is_small
from .disclosure_audit import ASBFamily, protect, verify
from .errors import AssessmentError, require_columns
from .periods import Period
from .rounding import PCT, pct

_METHODS = r"""
### Repeat anti-social behaviour callers (chapter 4)

* **Calls.** Each ASB incident with a caller reference and a date is one call; an incident
  reference listed twice counts once. Only calls whose date falls in the assessment period count
  (windows do not reach back into the previous year, so a caller's status in one year does not
  depend on calls made in another, and years can be compared).
* **Sliding 24-week window.** A window is any run of {days} consecutive calendar days
  ({weeks} weeks), starting on any day — not calendar blocks. The time of day is ignored: calls on
  day 0 and on day {last} are in the same window; a call on day {days} is not.
* **Repeat caller** = a caller with {calls} or more calls in at least one such window inside the
  period (`asb.repeat_calls` and `asb.window_weeks` in the config). (The busiest window for a caller can always be taken to start on the day of one of
  their calls, so each call's day is tried as a start: the number of the caller's calls on days
  t … t+{last} is found by binary search over the caller's sorted call days.)
* **Share of calls** = calls in the period made by repeat callers (all their calls in the period,
  not just those in their busiest window) ÷ ASB calls in the period **with a caller reference**
  (calls with none cannot be attributed to anyone). The share of all ASB calls, with or without
  a caller reference, is shown too. A blank caller reference counts as none.
* **Disclosure control.** Callers are people: a number of repeat callers below
  `disclosure.min_count` is shown as "<{min_count}", their calls as "[c]", and the shares depending on
  them are left blank. The table and the headline figures are audited together (see Disclosure
  control below: a repeat caller made {calls} or more calls, every other caller at least one), and
  where the hidden numbers could still be worked out the number of callers is hidden too. No
  caller reference appears in any output.
"""


def methods(repeat_calls: int = 10, window_weeks: int = 24, min_count: int = 5) -> str:
    """The methods text with the configured rule filled in.

    >>> "on day 167 are in the same window; a call on day 168 is not" in methods()
    True
    """
    d = window_days(window_weeks)
    return _METHODS.format(days=d, weeks=window_weeks, last=d - 1, calls=repeat_calls, min_count=min_count)


def _require(df, columns, what: str) -> None:
    require_columns(df, columns, what)


def _whole(v, what: str, minimum: int = 1) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
        raise AssessmentError(f"{what}: expected a whole number, {minimum} or more, found {v!r}")
    return int(v)


def _share(num, den):
    return None if den is None or num is None or den == 0 else num / den


def window_days(window_weeks: int) -> int:
    """The window's length in days: 7 × weeks (24 weeks = 168 days).

    >>> window_days(24)
    168
    """
    return 7 * _whole(window_weeks, "ASB window (weeks)")


# ---------------------------------------------------------------------------------------------
# calls and the sliding window
# ---------------------------------------------------------------------------------------------
def period_calls(asb: pd.DataFrame, period: Period | None = None) -> pd.DataFrame:
    """ASB incidents with a date (in ``period`` when given), each incident reference once.

    Keeps the table's index; adds ``day``, the calendar date (time of day dropped).

    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> a = pd.DataFrame({"incident_id": ["i1", "i1", "i2", "i3"], "caller_id": ["K", "K", None, "K"],
    ...     "datetime": pd.to_datetime(["2024-03-01 10:00", "2024-03-01 10:00", "2024-04-01 08:00", "2023-12-31 23:00"])})
    >>> period_calls(a, calendar_year(2024))["incident_id"].tolist()
    ['i1', 'i2']
    """
    _require(asb, ["incident_id", "datetime"], "ASB incidents")
    a = asb[asb["datetime"].notna()].copy()
    a["day"] = pd.to_datetime(a["datetime"]).dt.normalize()
    if period is not None:
        if not isinstance(period, Period):
            raise AssessmentError(f"period: expected an assessment Period, found {type(period).__name__}")
        a = a[(a["day"] >= period.start) & (a["day"] <= period.end_date)]
    has_ref = a["incident_id"].notna()
    a = a[~(has_ref & a["incident_id"].astype("string").duplicated())]
    return a


def caller_calls(asb: pd.DataFrame, period: Period | None = None) -> pd.DataFrame:
    """:func:`period_calls` that have a caller reference (INTERNAL: holds caller_id).

    >>> import pandas as pd
    >>> a = pd.DataFrame({"incident_id": ["i1", "i2"], "caller_id": ["K", None],
    ...                   "datetime": pd.to_datetime(["2024-03-01", "2024-04-01"])})
    >>> caller_calls(a)["incident_id"].tolist()
    ['i1']
    """
    _require(asb, ["incident_id", "datetime", "caller_id"], "ASB incidents")
    a = period_calls(asb, period)
    return a[_has_caller(a)]


def _has_caller(a: pd.DataFrame) -> pd.Series:
    c = a["caller_id"].astype("string").str.strip()
    return (c.notna() & (c != "")).fillna(False).astype(bool)


def calls_in_window(caller_codes: np.ndarray, days: np.ndarray, window: int) -> np.ndarray:
    """For each call, how many calls by the same caller fall on its day or the next ``window − 1`` days.

    ``caller_codes`` (integers) and ``days`` (integer day numbers) must be sorted by code, then
    day.  With key = code × span + day (span larger than any day range plus the window, so keys of
    different callers never mix), the count for call i is
    searchsorted(keys, keyᵢ + window − 1, side="right") − i.

    >>> import numpy as np
    >>> calls_in_window(np.array([0, 0, 0, 1]), np.array([0, 167, 168, 5]), 168).tolist()
    [2, 2, 1, 1]
    """
    codes = np.asarray(caller_codes, dtype="int64")
    d = np.asarray(days, dtype="int64")
    w = _whole(window, "ASB window (days)")
    if codes.size == 0:
        return np.zeros(0, dtype="int64")
    d = d - d.min()
    span = int(d.max()) + w + 1
    keys = codes * span + d
    if np.any(np.diff(keys) < 0):
        raise AssessmentError("calls_in_window: expected calls sorted by caller, then day")
    return np.searchsorted(keys, keys + (w - 1), side="right") - np.arange(keys.size)


def most_calls_in_window(calls: pd.DataFrame, window: int = 168) -> pd.Series:
    """The most calls each caller made within any ``window`` consecutive days (INTERNAL: indexed by
    caller_id, never publish).

    Formula: mₖ = max over t of |{calls by k on days t … t + window − 1}|; the maximum is reached
    with t the day of one of k's calls.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"caller_id": ["A", "A", "A", "B"],
    ...                   "datetime": pd.to_datetime(["2024-01-01", "2024-06-16", "2024-06-17", "2024-02-01"])})
    >>> most_calls_in_window(c, 168).to_dict()     # 1 Jan + 167 days = 16 Jun; 17 Jun is day 168
    {'A': 2, 'B': 1}
    """
    _require(calls, ["caller_id", "datetime"], "ASB calls")
    c = calls[_has_caller(calls) & calls["datetime"].notna()]
    if c.empty:
        return pd.Series(dtype="int64", name="most_calls", index=pd.Index([], name="caller_id", dtype="string"))
    caller = c["caller_id"].astype("string")
    codes, uniques = pd.factorize(caller, sort=True)
    day = (pd.to_datetime(c["datetime"]).dt.normalize() - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype="int64")
    order = np.lexsort((day, codes))
    n = calls_in_window(codes[order], day[order], window)
    most = np.zeros(len(uniques), dtype="int64")
    np.maximum.at(most, codes[order], n)
    return pd.Series(most, index=pd.Index(uniques, name="caller_id", dtype="string"), name="most_calls")


def repeat_callers(calls: pd.DataFrame, repeat_calls: int = 10, window_weeks: int = 24) -> pd.Index:
    """Callers with at least ``repeat_calls`` calls in some window of ``window_weeks`` weeks
    (INTERNAL: caller ids, never publish).

    >>> import pandas as pd
    >>> d = pd.Timestamp("2024-01-01") + pd.to_timedelta(range(0, 10), unit="D")
    >>> c = pd.DataFrame({"caller_id": ["A"] * 10 + ["B"], "datetime": list(d) + [d[0]]})
    >>> repeat_callers(c).tolist()
    ['A']
    """
    k = _whole(repeat_calls, "repeat calls")
    most = most_calls_in_window(calls, window_days(window_weeks))
    return most.index[most >= k]


# ---------------------------------------------------------------------------------------------
# published aggregates
# ---------------------------------------------------------------------------------------------
def caller_summary(asb: pd.DataFrame, period: Period, repeat_calls: int = 10, window_weeks: int = 24) -> dict:
    """Repeat callers in ``period`` and their share of the period's calls (aggregates only).

    Returns calls (all ASB calls in the period), calls_with_caller, callers, repeat_callers,
    repeat_caller_calls (all their calls in the period), repeat_caller_call_share =
    repeat_caller_calls ÷ calls_with_caller, repeat_caller_share_all_calls = repeat_caller_calls ÷
    calls, repeat_caller_share = repeat_callers ÷ callers.

    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> d = pd.Timestamp("2024-01-01") + pd.to_timedelta(range(0, 12), unit="D")
    >>> a = pd.DataFrame({"incident_id": [f"i{k}" for k in range(14)],
    ...                   "caller_id": ["A"] * 12 + ["B", None], "datetime": list(d) + [d[0], d[0]]})
    >>> s = caller_summary(a, calendar_year(2024))
    >>> s["calls"], s["callers"], s["repeat_callers"], s["repeat_caller_calls"], s["repeat_caller_call_share"]
    (14, 2, 1, 12, 0.9230769230769231)
    """
    calls = period_calls(asb, period)
    with_caller = calls[_has_caller(calls)] if "caller_id" in calls else calls.iloc[0:0]
    rep = repeat_callers(with_caller, repeat_calls, window_weeks) if len(with_caller) else pd.Index([])
    rc = int(with_caller["caller_id"].astype("string").isin(rep).sum()) if len(with_caller) else 0
    callers = int(with_caller["caller_id"].nunique()) if len(with_caller) else 0
    return {"period": period.label, "calls": int(len(calls)), "calls_with_caller": int(len(with_caller)),
            "callers": callers, "repeat_callers": int(len(rep)), "repeat_caller_calls": rc,
            "repeat_caller_call_share": _share(rc, len(with_caller)),
            "repeat_caller_share_all_calls": _share(rc, len(calls)),
            "repeat_caller_share": _share(int(len(rep)), callers)}


def covers(asb: pd.DataFrame, period: Period) -> bool:
    """True when ASB calls exist in the first and last month of ``period`` or beyond on both sides.

    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> a = pd.DataFrame({"datetime": pd.to_datetime(["2023-01-05", "2023-12-30"])})
    >>> covers(a, calendar_year(2023)), covers(a, calendar_year(2022))
    (True, False)
    """
    d = pd.to_datetime(asb["datetime"]).dropna()
    if d.empty:
        return False
    return bool(d.min() < period.start + pd.DateOffset(months=1) and d.max() >= period.end)


def publishable(summaries: list[dict], min_count: int = 5) -> tuple[pd.DataFrame, list]:
    """The published ``repeat_asb_callers`` table: one row per period, small caller counts as "<N".

    A repeat-caller count of 1 … min_count−1 is shown as "<min_count" and the two shares and
    repeat_caller_calls depending on it are blank; caller totals below the threshold likewise.

    >>> out, notes = publishable([{"period": "2024/25", "calls": 900, "calls_with_caller": 800, "callers": 300,
    ...     "repeat_callers": 3, "repeat_caller_calls": 40, "repeat_caller_call_share": 0.05,
    ...     "repeat_caller_share_all_calls": 0.044, "repeat_caller_share": 0.01}])
    >>> out.iloc[0][["repeat_callers", "repeat_caller_calls", "repeat_caller_call_share"]].tolist()
    ['<5', '[c]', <NA>]

    (40 calls by fewer than 5 callers: the calls are hidden too, as ``"[c]"`` since they are
    not themselves fewer than 5, because with the callers' share they would reveal the count.)
    """
    label = f"<{min_count}"
    rows, notes = [], []
    for s in summaries:
        r = dict(s)
        small_rep = is_small(s["repeat_callers"], min_count)
        small_callers = is_small(s["callers"], min_count)
        if small_callers:
            r["callers"] = label
        if small_rep or small_callers:
            r["repeat_callers"] = hidden_mark(s["repeat_callers"], min_count)
            r["repeat_caller_calls"] = hidden_mark(s["repeat_caller_calls"], min_count)
            r["repeat_caller_call_share"] = None
            r["repeat_caller_share_all_calls"] = None
            r["repeat_caller_share"] = None
            notes.append(f"{s['period']}: fewer than {min_count} repeat ASB callers, so their number and share "
                         "of calls are not published")
        rows.append(r)
    cols = ["period", "calls", "calls_with_caller", "callers", "repeat_callers", "repeat_caller_calls",
            "repeat_caller_call_share", "repeat_caller_share_all_calls", "repeat_caller_share"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("repeat_caller_call_share", "repeat_caller_share_all_calls", "repeat_caller_share"):
        out[c] = out[c].astype("Float64")
    return out, notes


#: readable column names for the published repeat-callers table
DISPLAY_NAMES = {"period": "Period", "calls": "ASB calls", "calls_with_caller": "Calls with a caller reference",
                 "callers": "Callers", "repeat_callers": "Repeat callers", "repeat_caller_calls": "Calls by repeat callers",
                 "repeat_caller_call_share": "Share of calls with a caller reference",
                 "repeat_caller_share_all_calls": "Share of all calls", "repeat_caller_share": "Share of callers"}


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The published repeat-callers table with readable column names (the CSV keeps the stable ones)."""
    return table.rename(columns=DISPLAY_NAMES)


def display_formats() -> dict:
    return {DISPLAY_NAMES[c]: PCT for c in ("repeat_caller_call_share", "repeat_caller_share_all_calls",
                                            "repeat_caller_share")}


def _pct(x) -> str:
    """A share in a sentence or title: the report's one rule (see :mod:`assessment.rounding`)."""
    return "–" if x is pd.NA else pct(x)


def sentence(row: dict, repeat_calls: int = 10, window_weeks: int = 24) -> str:
    """'In 2024/25, 37 callers made 10 or more calls within a 24-week period ...'.

    >>> print(sentence({"period": "2024/25", "calls": 5200, "calls_with_caller": 5000, "callers": 2100,
    ...                 "repeat_callers": 37, "repeat_caller_calls": 610, "repeat_caller_call_share": 0.122}))
    In 2024/25, 37 of 2,100 ASB callers were repeat callers (10 or more calls within a 24-week period); they made 610 of the 5,000 ASB calls with a caller reference (12.2%).
    """
    rc = row["repeat_callers"]
    if isinstance(rc, str):
        return (f"In {row['period']}, fewer than {rc.lstrip('<')} ASB callers made {repeat_calls} or more calls within a "
                f"{window_weeks}-week period (the exact number is not published).")
    callers = "" if isinstance(row["callers"], str) else f" of {int(row['callers']):,}"
    s = (f"In {row['period']}, {int(rc):,}{callers} ASB callers were repeat callers ({repeat_calls} or more "
         f"calls within a {window_weeks}-week period); they made {int(row['repeat_caller_calls']):,}")
    if isinstance(row["calls_with_caller"], str):  # hidden by the disclosure audit
        return s + " ASB calls."
    return s + (f" of the {int(row['calls_with_caller']):,} ASB calls with a caller reference "
                f"({_pct(row['repeat_caller_call_share'])}).")


@dataclass
class ASBResult:
    """What the repeat-callers section publishes (aggregates only)."""

    available: bool = False
    table: pd.DataFrame | None = None
    sentence: str = ""
    note: str = ""
    suppressed: list = field(default_factory=list)
    headlines: dict = field(default_factory=dict)
    methods: str = ""
    audit: dict = field(default_factory=dict)    # table -> disclosure-audit outcome (see disclosure_audit)


def empty_headlines() -> dict:
    """The ASB headline keys, all None.

    >>> sorted(empty_headlines())
    ['victims.asb_callers', 'victims.asb_calls', 'victims.repeat_caller_call_share', 'victims.repeat_callers']
    """
    return {"victims.asb_calls": None, "victims.asb_callers": None, "victims.repeat_callers": None,
            "victims.repeat_caller_call_share": None}


def analyse(ds) -> ASBResult:
    """Repeat ASB callers for a Dataset: the current period, and the previous one when the data cover it.

    No ASB input, or ASB data with no caller references (police.uk ASB rows), leaves the section
    out with a one-line note and null headlines.

    >>> result = analyse(run.dataset)  # doctest: +SKIP
    >>> result.headlines["victims.repeat_callers"]  # doctest: +SKIP
    41
    """
    cfg = ds.config.asb
    min_count = ds.config.disclosure.min_count
    res = ASBResult(headlines=empty_headlines(), methods=methods(cfg.repeat_calls, cfg.window_weeks, min_count))
    asb = ds.asb
    if asb is None or len(asb) == 0:
        res.note = "No ASB incident file was supplied, so repeat ASB callers are not measured; their headline figures are null."
        return res
    if "caller_id" not in asb.columns or not _has_caller(asb).any():
        res.note = ("The ASB data hold no caller references (police.uk ASB records have none), so repeat ASB callers "
                    "are not measured; their headline figures are null.")
        return res
    period = ds.period
    cur = caller_summary(asb, period, cfg.repeat_calls, cfg.window_weeks)
    if cur["calls"] == 0:
        res.note = f"No ASB call is dated in {period.label}, so repeat ASB callers are not measured; their headline figures are null."
        return res
    summaries = [cur]
    prev = period.previous()
    if covers(asb, prev):
        summaries.insert(0, caller_summary(asb, prev, cfg.repeat_calls, cfg.window_weeks))
    table, notes = publishable(summaries, min_count)
    # disclosure audit: no hidden count may be worked out from everything published together
    fam = ASBFamily(table, min_count, cfg.repeat_calls, cfg.window_weeks)
    res.audit = {k: v.as_dict() for k, v in protect(fam).items()}
    if fam.log:
        notes.append("hidden as well, because with the other published figures they would have let a reader work "
                     "out a hidden count (disclosure audit), with the shares resting on them: "
                     + "; ".join(fam.hidden_labels()))
    table = fam.table
    res.available = True
    res.table = table
    res.suppressed = notes
    row = table.iloc[-1].to_dict()
    res.sentence = sentence(row, cfg.repeat_calls, cfg.window_weeks)
    if len(table) == 2:
        p = table.iloc[0]
        if not isinstance(p["repeat_callers"], str) and not isinstance(row["repeat_callers"], str):
            res.sentence += f" In {p['period']} there were {int(p['repeat_callers']):,}."
    h = res.headlines
    h["victims.asb_calls"] = int(cur["calls"])
    h["victims.asb_callers"] = None if isinstance(row["callers"], str) else int(row["callers"])
    h["victims.repeat_callers"] = None if isinstance(row["repeat_callers"], str) else int(row["repeat_callers"])
    v = row["repeat_caller_call_share"]
    h["victims.repeat_caller_call_share"] = None if v is None or v is pd.NA else float(v)
    # the headlines repeat the audited table's figures: audit them with everything else
    fam.headlines = h
    verify(fam)
    res.audit = {k: v.as_dict() for k, v in fam.outcome.items()}
    return res


#: the methods text with the default settings (the report's methods appendix shows it)
METHODS = methods()
