"""assessment.stats.repeats: every statistic against values worked out by hand (and one brute force).

The look-back pairs used below (2024 is a leap year, so 31 Jan -> 1 Mar is 29 + 1 = 30 days):

    row  crime  victim  date
    r0   x1     X       2024-01-31
    r1   x3     X       2024-03-01
    r2   x2     X       (no date)
    r3   x0     X       2024-03-01        same day as x3; "x0" < "x3", so x0 comes first
    r4   y1     Y       2023-12-31 23:59  (the time of day is dropped)
    r5   y2     Y       2024-01-01 00:01

X in order: x1 (first: NaN), x0 (30 days after x1), x3 (0 days: same day as x0); x2 undated: NaN.
Y: y1 (NaN), y2 (1 day).  So the gaps by row are r0 NaN, r1 0, r2 NaN, r3 30, r4 NaN, r5 1.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from assessment.errors import AssessmentError
from assessment.stats import repeats as R
from assessment.stats.base import StatsError


def _pairs():
    return pd.DataFrame({"crime_id": ["x1", "x3", "x2", "x0", "y1", "y2"],
                         "victim_id": ["X", "X", "X", "X", "Y", "Y"],
                         "date": pd.to_datetime(["2024-01-31", "2024-03-01", None, "2024-03-01",
                                                 "2023-12-31 23:59", "2024-01-01 00:01"], format="ISO8601")},
                        index=pd.Index([f"r{i}" for i in range(6)], name="row"))


def _same(a, b):
    return all((math.isnan(x) and math.isnan(y)) or x == y for x, y in zip(a, b)) and len(a) == len(b)


# -- in the year -------------------------------------------------------------------------------------
def test_crimes_per_victim_counts_distinct_crimes():
    # A: c1, c2 (listed twice), c3 -> 3; B: c2 -> 1; C: c4 -> 1
    p = pd.DataFrame({"crime_id": ["c1", "c2", "c2", "c3", "c2", "c4"], "victim_id": ["A", "A", "A", "A", "B", "C"]})
    per = R.crimes_per_victim(p)
    assert per.to_dict() == {"A": 3, "B": 1, "C": 1}
    assert per.name == "crimes" and per.index.name == "victim_id" and per.dtype == "int64"


def test_in_year_measures_by_hand():
    # crimes per victim 1, 2, 4, 1 (and a 0, ignored): V = 4, R = 2 (2 and 4), P = 8, RP = 6
    m = R.in_year_measures(pd.Series({"A": 1, "B": 2, "C": 4, "D": 1, "E": 0}))
    assert m == {"victims": 4, "repeat_victims": 2, "repeat_rate": 0.5, "pairs": 8, "repeat_pairs": 6,
                 "repeat_pair_share": 0.75}


def test_in_year_measures_no_victims_no_rates():
    m = R.in_year_measures(pd.Series([], dtype="int64"))
    assert m == {"victims": 0, "repeat_victims": 0, "repeat_rate": None, "pairs": 0, "repeat_pairs": 0,
                 "repeat_pair_share": None}


def test_distribution_bands_and_pairs_by_hand():
    # counts 1, 2, 4, 1, 3 with top band 3+: band 1 = 2 victims (2 pairs), band 2 = 1 (2), band 3+ = 2 (4 + 3 = 7)
    d = R.distribution(pd.Series([1, 2, 4, 1, 3]), top=3)
    assert d["crimes_per_victim"].tolist() == ["1", "2", "3+"]
    assert d["victims"].tolist() == [2, 1, 2]
    assert d["pairs"].tolist() == [2, 2, 7]
    assert d["share"].tolist() == pytest.approx([2 / 5, 1 / 5, 2 / 5])
    # below the top band, pairs = k x victims
    assert d["pairs"].iloc[1] == 2 * d["victims"].iloc[1]


def test_distribution_of_nobody_lists_every_band():
    d = R.distribution(pd.Series([], dtype="int64"))
    assert d["victims"].tolist() == [0, 0, 0, 0, 0] and d["share"].isna().all()


# -- looking back ------------------------------------------------------------------------------------
def test_days_since_previous_by_hand():
    g = R.days_since_previous(_pairs())
    assert g.index.tolist() == [f"r{i}" for i in range(6)] and g.index.name == "row"   # index kept
    assert _same(g.tolist(), [np.nan, 0.0, np.nan, 30.0, np.nan, 1.0])


def test_days_since_previous_does_not_depend_on_row_order():
    p = _pairs()
    shuffled = p.iloc[[5, 2, 0, 4, 3, 1]]
    assert _same(R.days_since_previous(shuffled).reindex(p.index).tolist(), R.days_since_previous(p).tolist())


def test_days_since_previous_equals_a_brute_force():
    # for each dated pair: the latest earlier pair of the same victim in (date, crime_id) order
    rng = np.random.default_rng(3)
    n = 400
    p = pd.DataFrame({"crime_id": [f"c{k:04d}" for k in rng.permutation(n)],
                      "victim_id": [f"V{k}" for k in rng.integers(0, 60, n)],
                      "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 500, n), unit="D")})
    p.loc[rng.random(n) < 0.05, "date"] = pd.NaT
    got = R.days_since_previous(p)
    for i, row in p.iterrows():
        if pd.isna(row["date"]):
            assert math.isnan(got[i])
            continue
        key = (row["date"], row["crime_id"])
        earlier = [(d, c) for d, c, v in zip(p["date"], p["crime_id"], p["victim_id"])
                   if v == row["victim_id"] and pd.notna(d) and (d, c) < key]
        want = (row["date"] - max(earlier)[0]).days if earlier else np.nan
        assert (math.isnan(got[i]) and math.isnan(want)) or got[i] == want


def test_lookback_measures_by_hand():
    g = R.days_since_previous(_pairs())
    # gaps 0, 30, 1 and three NaN over 6 pairs: within 29 days 0 and 1 -> 2/6; within 30 days all three -> 3/6
    assert R.lookback_measures(g, 29) == {"lookback_pairs": 6, "lookback_repeat_pairs": 2, "lookback_rate": 2 / 6}
    assert R.lookback_measures(g, 30) == {"lookback_pairs": 6, "lookback_repeat_pairs": 3, "lookback_rate": 0.5}
    # a look-back of 0 days counts only same-day repeats
    assert R.lookback_measures(g, 0)["lookback_repeat_pairs"] == 1
    assert R.lookback_measures(pd.Series([], dtype=float))["lookback_rate"] is None


# -- time to repeat ------------------------------------------------------------------------------------
def test_time_to_repeat_by_hand():
    g = R.days_since_previous(_pairs())
    # repeats within 365 days: 0, 30, 1 -> within 0: 1/3; within 1: 2/3; within 7: 2/3; within 30: 3/3
    tt = R.time_to_repeat(g, windows=[0, 1, 7, 30], lookback_days=365)
    assert tt["repeats"] == 3
    assert [tt[f"n_within_{w}"] for w in (0, 1, 7, 30)] == [1, 2, 2, 3]
    assert [tt[f"within_{w}"] for w in (0, 1, 7, 30)] == pytest.approx([1 / 3, 2 / 3, 2 / 3, 1.0])
    # a 7-day look-back: the 30-day gap is not a repeat; a 30-day window is then 100% by construction
    tt7 = R.time_to_repeat(g, windows=[1, 30], lookback_days=7)
    assert (tt7["repeats"], tt7["within_1"], tt7["within_30"]) == (2, 1.0, 1.0)


def test_time_to_repeat_without_repeats():
    assert R.time_to_repeat(pd.Series([np.nan, 400.0]), windows=[7]) == {"repeats": 0, "n_within_7": 0,
                                                                         "within_7": None}


def test_repeat_curve_by_hand():
    g = R.days_since_previous(_pairs())
    # look-back 2: repeats 0 and 1 (30 is outside) -> F(0) = 1/2, F(1) = 2/2, F(2) = 2/2
    c = R.repeat_curve(g, 2)
    assert c.tolist() == [0.5, 1.0, 1.0] and c.index.tolist() == [0, 1, 2] and c.name == "share"
    # look-back 30: F(0) = 1/3, F(1..29) = 2/3, F(30) = 1
    c30 = R.repeat_curve(g, 30)
    assert len(c30) == 31 and c30.iloc[0] == pytest.approx(1 / 3) and c30.iloc[29] == pytest.approx(2 / 3)
    assert c30.iloc[30] == 1.0
    assert R.repeat_curve(pd.Series([np.nan, 500.0])).empty


def test_front_loaded_by_hand():
    # look-back 40: the first quarter is 10 days
    assert R.front_loaded(pd.Series([1, 2, 9, 40]), 40) is True      # 3 of 4 within 10 days
    assert R.front_loaded(pd.Series([1, 2, 30, 40]), 40) is False    # exactly half is not more than half
    assert R.front_loaded(pd.Series([10, 20, 30, 40, 41]), 40) is False   # 1 of the 4 repeats (41 is none)
    # look-back 10: a quarter is 2.5 days, rounded half to even -> 2
    assert R.front_loaded(pd.Series([2, 2, 9]), 10) is True
    assert R.front_loaded(pd.Series([3, 3, 9]), 10) is False
    assert R.front_loaded(pd.Series([np.nan, 400.0]), 365) is None


# -- bad input -------------------------------------------------------------------------------------------
def test_bad_input_is_a_stats_error():
    with pytest.raises(StatsError, match="whole number of days"):
        R.check_days(True)
    with pytest.raises(StatsError, match="whole number of days"):
        R.time_to_repeat(pd.Series([1.0]), windows=[7.5])
    with pytest.raises(StatsError, match="top band"):
        R.distribution(pd.Series([1, 2]), top=1)
    with pytest.raises(StatsError, match="victim_id"):
        R.crimes_per_victim(pd.DataFrame({"crime_id": ["c1"]}))
    with pytest.raises(StatsError, match="date"):
        R.days_since_previous(pd.DataFrame({"crime_id": ["c1"], "victim_id": ["A"]}))
    with pytest.raises(AssessmentError):        # one line from the command line, a ValueError elsewhere
        R.repeat_curve(pd.Series([1.0]), lookback_days=-1)
    with pytest.raises(ValueError):
        R.front_loaded(pd.Series([1.0]), lookback_days=-1)
