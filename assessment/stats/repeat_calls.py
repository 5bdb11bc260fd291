"""Repeat callers: the most calls a caller made within any sliding window of days.

The statistics of chapter 4's repeat anti-social behaviour callers
(:mod:`assessment.chapters.victims`): a caller is a repeat caller with ``repeat_calls`` or more
calls within some window of ``window_weeks`` weeks.

* :func:`window_days` — the window's length in days (7 × weeks);
* :func:`has_caller` — which calls carry a caller reference (a blank one is none);
* :func:`calls_in_window` — for each call, the same caller's calls from its day to the window's end;
* :func:`most_calls_in_window` — per caller, the most calls in any window (INTERNAL: indexed by
  caller);
* :func:`repeat_callers` — the callers reaching the threshold (INTERNAL: caller ids).

The window slides: every run of ``window`` consecutive calendar days is a window, not calendar
blocks.  A call's day is its calendar date (the time of day is ignored), so a window starting on
day t holds days t, t+1, …, t+window−1: with a 168-day (24-week) window, **calls on day 0 and day
167 are in one window; a call on day 168 is not**.  The counts come from one
``numpy.searchsorted`` over sorted (caller, day) keys — O(n log n), no loop over pairs of calls.

Example
-------
>>> import pandas as pd
>>> days = pd.Timestamp("2024-01-01") + pd.to_timedelta([0, 20, 40, 60, 80, 100, 120, 140, 160, 167], unit="D")
>>> calls = pd.DataFrame({"datetime": days, "caller_id": "K1"})
>>> most_calls_in_window(calls, window_days(24)).tolist(), repeat_callers(calls, 10, 24).size
([10], 1)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import StatsError

__all__ = ["window_days", "has_caller", "calls_in_window", "most_calls_in_window", "repeat_callers"]


def _whole(v, what: str, minimum: int = 1) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
        raise StatsError(f"{what}: expected a whole number, {minimum} or more, found {v!r}")
    return int(v)


def window_days(window_weeks: int) -> int:
    """The window's length in days: 7 × weeks.

    Parameters
    ----------
    window_weeks : int
        Weeks, 1 or more.

    Returns
    -------
    int

    Raises
    ------
    StatsError
        ``window_weeks`` is not a whole number, 1 or more.

    Notes
    -----
    days = 7 · weeks (24 weeks = 168 days).

    References
    ----------
    See also :func:`most_calls_in_window`, which slides a window of this many days.

    Examples
    --------
    >>> window_days(24)
    168
    >>> window_days(0)
    Traceback (most recent call last):
    ...
    assessment.stats.base.StatsError: ASB window (weeks): expected a whole number, 1 or more, found 0
    """
    return 7 * _whole(window_weeks, "ASB window (weeks)")


def has_caller(caller_ids: pd.Series) -> pd.Series:
    """Which calls carry a caller reference: not missing and not blank.

    Parameters
    ----------
    caller_ids : Series
        The caller reference of each call.

    Returns
    -------
    Series of bool
        Same index.

    Notes
    -----
    A reference counts when, with leading and trailing white space removed, it is not missing and
    not empty.

    References
    ----------
    See also :func:`most_calls_in_window`, which counts only these calls.

    Examples
    --------
    >>> import pandas as pd
    >>> has_caller(pd.Series(["K1", None, "  ", "K2"])).tolist()
    [True, False, False, True]
    """
    c = pd.Series(caller_ids).astype("string").str.strip()
    return (c.notna() & (c != "")).fillna(False).astype(bool)


def calls_in_window(caller_codes: np.ndarray, days: np.ndarray, window: int) -> np.ndarray:
    """For each call, how many calls by the same caller fall on its day or the next ``window − 1`` days.

    Parameters
    ----------
    caller_codes : array of int
        The caller of each call, as integer codes.
    days : array of int
        The day number of each call (any origin).
    window : int
        The window's length in days, 1 or more.

    Returns
    -------
    array of int64
        One count per call, in the input order (1 at least: the call itself).

    Raises
    ------
    StatsError
        The calls are not sorted by caller, then day, or ``window`` is not a whole number, 1 or
        more.

    Notes
    -----
    The calls must be sorted by code, then day.  With keyᵢ = codeᵢ · span + dayᵢ (span larger than
    the range of days plus the window, so that keys of different callers never mix), the count for
    call i is searchsorted(keys, keyᵢ + window − 1, side="right") − i: the calls from i up to the
    last one on day dayᵢ + window − 1.

    References
    ----------
    See also :func:`most_calls_in_window`.

    Examples
    --------
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
        raise StatsError("calls_in_window: expected calls sorted by caller, then day")
    return np.searchsorted(keys, keys + (w - 1), side="right") - np.arange(keys.size)


def most_calls_in_window(calls: pd.DataFrame, window: int = 168) -> pd.Series:
    """The most calls each caller made within any ``window`` consecutive days (INTERNAL: indexed by
    caller_id, never publish).

    Parameters
    ----------
    calls : DataFrame
        One row per call, with ``caller_id`` and ``datetime``; calls with no caller reference
        (:func:`has_caller`) or no date are left out.
    window : int
        The window's length in days (:func:`window_days`).

    Returns
    -------
    Series of int64
        Named ``most_calls``, indexed by ``caller_id`` (sorted).

    Raises
    ------
    StatsError
        ``calls`` lacks a column, or ``window`` is not a whole number, 1 or more.

    Notes
    -----
    mₖ = maxₜ |{calls by k on days t … t + window − 1}|, a call's day being its calendar date.  The
    maximum is reached with t the day of one of k's calls (move any window forward to the day of
    its first call), so mₖ is the largest :func:`calls_in_window` over k's calls.

    References
    ----------
    See also :func:`repeat_callers`.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"caller_id": ["A", "A", "A", "B"],
    ...                   "datetime": pd.to_datetime(["2024-01-01", "2024-06-16", "2024-06-17", "2024-02-01"])})
    >>> most_calls_in_window(c, 168).to_dict()     # 1 Jan + 167 days = 16 Jun; 17 Jun is day 168
    {'A': 2, 'B': 1}
    """
    if not isinstance(calls, pd.DataFrame) or not {"caller_id", "datetime"} <= set(calls.columns):
        found = ", ".join(map(str, calls.columns)) if isinstance(calls, pd.DataFrame) else type(calls).__name__
        raise StatsError(f"ASB calls: expected a table with columns caller_id, datetime, found {found}")
    c = calls[has_caller(calls["caller_id"]) & calls["datetime"].notna()]
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

    Parameters
    ----------
    calls : DataFrame
        One row per call, with ``caller_id`` and ``datetime`` (see :func:`most_calls_in_window`).
    repeat_calls : int
        The threshold, 1 or more.
    window_weeks : int
        The window, in weeks.

    Returns
    -------
    Index
        The repeat callers' ids (sorted).

    Raises
    ------
    StatsError
        ``repeat_calls`` or ``window_weeks`` is not a whole number, 1 or more.

    Notes
    -----
    repeat callers = {k : mₖ ≥ repeat_calls}, with mₖ from :func:`most_calls_in_window` over
    :func:`window_days` (``window_weeks``) days.

    References
    ----------
    See also :func:`most_calls_in_window`.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.Timestamp("2024-01-01") + pd.to_timedelta(range(0, 10), unit="D")
    >>> c = pd.DataFrame({"caller_id": ["A"] * 10 + ["B"], "datetime": list(d) + [d[0]]})
    >>> repeat_callers(c).tolist()
    ['A']
    """
    k = _whole(repeat_calls, "repeat calls")
    most = most_calls_in_window(calls, window_days(window_weeks))
    return most.index[most >= k]
