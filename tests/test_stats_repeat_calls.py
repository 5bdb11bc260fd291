"""assessment.stats.repeat_calls: the sliding window against values worked out by hand.

The calls of ``test_calls_in_window_by_hand`` (sorted by caller, then day):

    i  caller  day      window 7 (days d .. d+6)          window 1 (day d only)
    0  0       0        days 0, 3, 3 -> 3                 1
    1  0       3        days 3, 3, 9 -> 3                 2 (both calls on day 3)
    2  0       3        days 3, 9 -> 2                    1
    3  0       9        day 9 -> 1                        1
    4  1       2        day 2 (day 9 is day 2 + 7) -> 1   1
    5  1       9        day 9 -> 1                        1
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.stats import repeat_calls as RC
from assessment.stats.base import StatsError


def test_window_days():
    assert (RC.window_days(1), RC.window_days(24), RC.window_days(52)) == (7, 168, 364)
    for bad in (0, -1, True, 1.5, "24"):
        with pytest.raises(StatsError, match="whole number"):
            RC.window_days(bad)


def test_has_caller():
    s = pd.Series(["K1", None, "", "  ", " K2 ", pd.NA], index=list("abcdef"))
    got = RC.has_caller(s)
    assert got.tolist() == [True, False, False, False, True, False] and got.index.tolist() == list("abcdef")


def test_calls_in_window_by_hand():
    codes = np.array([0, 0, 0, 0, 1, 1])
    days = np.array([0, 3, 3, 9, 2, 9])
    assert RC.calls_in_window(codes, days, 7).tolist() == [3, 3, 2, 1, 1, 1]
    assert RC.calls_in_window(codes, days, 1).tolist() == [1, 2, 1, 1, 1, 1]
    # a window of 10 days reaches day 9 from day 0: 4 calls; caller 1's calls 7 days apart: 2
    assert RC.calls_in_window(codes, days, 10).tolist() == [4, 3, 2, 1, 2, 1]
    # day numbers from any origin: shifting every day changes nothing
    assert RC.calls_in_window(codes, days + 19_000, 7).tolist() == [3, 3, 2, 1, 1, 1]
    assert RC.calls_in_window(np.array([], dtype=int), np.array([], dtype=int), 7).tolist() == []


def test_calls_in_window_refuses_unsorted_calls():
    with pytest.raises(StatsError, match="sorted"):
        RC.calls_in_window(np.array([1, 0]), np.array([0, 0]), 7)


def test_most_calls_in_window_by_hand():
    # A: 1 Jan 10:00, 7 Jan 23:00, 8 Jan 00:30.  Calendar days 0, 6, 7: a 7-day window (days t .. t+6)
    # holds days 0 and 6 (2 calls) or 6 and 7 (2 calls), never all three; an 8-day window holds all 3.
    # B: a blank reference and a call with no date do not count; "B" has one call.
    c = pd.DataFrame({"caller_id": ["A", "A", "A", "  ", "B", "B"],
                      "datetime": pd.to_datetime(["2024-01-01 10:00", "2024-01-07 23:00", "2024-01-08 00:30",
                                                  "2024-01-02", "2024-01-03", None], format="ISO8601")})
    assert RC.most_calls_in_window(c, 7).to_dict() == {"A": 2, "B": 1}
    assert RC.most_calls_in_window(c, 8).to_dict() == {"A": 3, "B": 1}
    m = RC.most_calls_in_window(c, 8)
    assert m.name == "most_calls" and m.index.name == "caller_id"
    assert RC.most_calls_in_window(c.iloc[3:4], 7).empty


def test_repeat_callers_by_hand():
    # with a 1-week window A's busiest week holds 2 calls: a repeat caller at 2 calls, not at 3
    c = pd.DataFrame({"caller_id": ["A", "A", "A", "B"],
                      "datetime": pd.to_datetime(["2024-01-01", "2024-01-07", "2024-01-08", "2024-01-03"])})
    assert RC.repeat_callers(c, repeat_calls=2, window_weeks=1).tolist() == ["A"]
    assert RC.repeat_callers(c, repeat_calls=3, window_weeks=1).tolist() == []
    assert RC.repeat_callers(c, repeat_calls=1, window_weeks=1).tolist() == ["A", "B"]
    with pytest.raises(StatsError, match="whole number"):
        RC.repeat_callers(c, repeat_calls=0)


def test_most_calls_needs_its_columns():
    with pytest.raises(StatsError, match="caller_id"):
        RC.most_calls_in_window(pd.DataFrame({"datetime": [pd.Timestamp("2024-01-01")]}))
