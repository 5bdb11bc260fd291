"""Repeat ASB callers: 10 or more calls within any 24-week (168-day) sliding window.

The rule (written down in assessment.stats.repeat_calls): a call's day is its calendar date; a window starting
on day t holds days t … t+167.  Calls on day 0 and day 167 are in one window; day 168 is not.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.chapters import victims as A
from assessment.config import Area, Config, Disclosure
from assessment.dataset import ASB_COLUMNS, CRIME_COLUMNS, Dataset, conform, empty_frame
from assessment.errors import AssessmentError
from assessment.periods import financial_year
from assessment.stats import repeat_calls as RC
from assessment.words import victims as W

FY = financial_year(2024)                   # 1 Apr 2024 - 31 Mar 2025
T0 = pd.Timestamp("2024-05-01")


def _calls(caller, day_offsets, start=T0, times=None, prefix=None):
    days = [start + pd.Timedelta(days=int(d)) for d in day_offsets]
    if times is not None:
        days = [d + pd.Timedelta(t) for d, t in zip(days, times)]
    prefix = prefix or caller
    return pd.DataFrame({"incident_id": [f"{prefix}-{i}" for i in range(len(days))], "datetime": days,
                         "caller_id": caller, "lsoa_code": "E01000001"})


NINE = [0, 10, 20, 30, 40, 50, 60, 70, 80]


def test_tenth_call_on_last_day_inside_window_counts():
    # nine calls on days 0..80 and the tenth on day 167: all ten within days 0..167 -> repeat caller
    c = _calls("K1", NINE + [167])
    assert RC.most_calls_in_window(c, 168).to_dict() == {"K1": 10}
    assert RC.repeat_callers(c, 10, 24).tolist() == ["K1"]


def test_tenth_call_one_day_later_does_not():
    # the same with the tenth on day 168: the window from day 0 holds 9 calls (days 0..80), the
    # window from day 10 holds days 10..177 -> 8 + 1 = 9; no window holds 10
    c = _calls("K1", NINE + [168])
    assert RC.most_calls_in_window(c, 168).to_dict() == {"K1": 9}
    assert RC.repeat_callers(c, 10, 24).tolist() == []


def test_time_of_day_is_ignored():
    # day 0 at 23:59 and day 167 at 00:01 are 166 days and 2 minutes apart; day 0 at 00:01 and
    # day 168 at 00:00 are under 168 x 24 hours apart but on calendar days 0 and 168
    inside = _calls("K1", NINE + [167], times=["23:59:00"] + ["12:00:00"] * 8 + ["00:01:00"])
    outside = _calls("K2", NINE + [168], times=["00:01:00"] + ["12:00:00"] * 8 + ["00:00:00"])
    assert RC.repeat_callers(pd.concat([inside, outside]), 10, 24).tolist() == ["K1"]


def test_sliding_not_calendar_blocks():
    # ten calls on ten consecutive days 160..169 after 1 May: split 8 / 2 by a 168-day block
    # starting 1 May, but one sliding window holds all ten
    c = _calls("K1", range(160, 170))
    assert RC.repeat_callers(c, 10, 24).tolist() == ["K1"]
    # ten calls 20 days apart span 180 days: at most 9 in any 168 days (days 0..160 or 20..180)
    c2 = _calls("K2", range(0, 200, 20))
    assert RC.most_calls_in_window(c2, 168).to_dict() == {"K2": 9}


def test_several_calls_on_one_day_each_count():
    c = _calls("K1", [5] * 10)
    assert RC.most_calls_in_window(c, 168).to_dict() == {"K1": 10}


def test_vectorised_equals_brute_force():
    rng = np.random.default_rng(7)
    n = 3000
    callers = rng.integers(0, 300, n)
    # heavy-tailed: a few callers much busier
    callers = np.where(rng.random(n) < 0.3, rng.integers(0, 10, n), callers)
    days = rng.integers(0, 500, n)
    c = pd.DataFrame({"caller_id": [f"C{k:03d}" for k in callers],
                      "datetime": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D")})
    fast = RC.most_calls_in_window(c, 168)
    # O(n^2) reference: for each call, count the caller's calls on its day .. day + 167
    ref = {}
    for k, g in c.groupby("caller_id"):
        d = (g["datetime"] - pd.Timestamp("2023-01-01")).dt.days.to_numpy()
        ref[k] = max(int(((d >= x) & (d <= x + 167)).sum()) for x in d)
    assert fast.to_dict() == ref
    assert (fast >= 10).sum() > 5          # the test data really hold repeat callers


def test_only_calls_in_the_period_count():
    # five calls in March 2024 (previous year) + five in April 2024: ten within 40 days, but only
    # five fall in 2024/25 -> not a repeat caller in 2024/25
    c = pd.concat([_calls("K1", range(5), start=pd.Timestamp("2024-03-10"), prefix="a"),
                   _calls("K1", range(5), start=pd.Timestamp("2024-04-01"), prefix="b")])
    assert A.caller_summary(c, FY)["repeat_callers"] == 0
    assert A.caller_summary(c, FY.previous())["repeat_callers"] == 0
    assert A.caller_summary(c, FY)["calls"] == 5


def test_summary_counts_and_share():
    # K1: 12 calls within 12 days (repeat); K2: 10 calls 20 days apart (never 10 in 168 days);
    # K3: 1 call; 3 calls with no caller reference; one incident listed twice (counted once)
    k1 = _calls("K1", range(12))
    k2 = _calls("K2", range(0, 200, 20))
    k3 = _calls("K3", [3])
    anon = _calls(None, [1, 2, 3], prefix="anon")
    anon.loc[2, "caller_id"] = "  "                         # a blank reference is no reference
    dup = k1.iloc[[0]]
    a = pd.concat([k1, k2, k3, anon, dup], ignore_index=True)
    s = A.caller_summary(a, FY)
    # calls = 12 + 10 + 1 + 3 = 26; with caller 23; callers 3; repeat 1 (K1) with 12 calls
    assert (s["calls"], s["calls_with_caller"], s["callers"], s["repeat_callers"], s["repeat_caller_calls"]) == (
        26, 23, 3, 1, 12)
    assert s["repeat_caller_call_share"] == pytest.approx(12 / 23)       # of calls with a caller reference
    assert s["repeat_caller_share_all_calls"] == pytest.approx(12 / 26)
    assert s["repeat_caller_share"] == pytest.approx(1 / 3)


def test_publishable_hides_small_counts():
    s = {"period": "2024/25", "calls": 26, "calls_with_caller": 23, "callers": 3, "repeat_callers": 1,
         "repeat_caller_calls": 12, "repeat_caller_call_share": 12 / 23, "repeat_caller_share_all_calls": 12 / 26,
         "repeat_caller_share": 1 / 3}
    out, notes = A.publishable([s], min_count=5)
    r = out.iloc[0]
    assert r["repeat_callers"] == "<5" and r["callers"] == "<5"
    assert r["repeat_caller_calls"] == "[c]"   # 12 calls: hidden with the callers, but not "fewer than 5"
    assert pd.isna(r["repeat_caller_call_share"]) and notes
    assert "caller_id" not in out.columns


def test_bad_inputs():
    with pytest.raises(AssessmentError, match="caller_id"):
        A.caller_calls(pd.DataFrame({"incident_id": ["a"], "datetime": [T0]}))
    with pytest.raises(AssessmentError, match="whole number"):
        RC.window_days(0)
    with pytest.raises(AssessmentError, match="sorted"):
        RC.calls_in_window(np.array([0, 0]), np.array([5, 1]), 168)


def _dataset(asb, min_count=1):
    cfg = Config(area=Area(name="Testham"), disclosure=Disclosure(min_count=min_count))
    crimes = empty_frame(CRIME_COLUMNS)
    a = None if asb is None else conform(asb.assign(month=asb["datetime"].dt.to_period("M").dt.to_timestamp()),
                                         ASB_COLUMNS)
    return Dataset(config=cfg, period=FY, crimes=crimes, asb=a)


def test_analyse_headlines_and_previous_year():
    # 2024/25: K1 repeat (12 calls), K2 not; 2023/24 (covered: calls in Apr 2023 and Mar 2024): K9 repeat
    cur = pd.concat([_calls("K1", range(12)), _calls("K2", range(0, 200, 20))])
    prev = pd.concat([_calls("K9", range(10), start=pd.Timestamp("2023-04-03")),
                      _calls("K8", [0], start=pd.Timestamp("2024-03-20"))])
    res = A.analyse_asb(_dataset(pd.concat([cur, prev], ignore_index=True)))
    assert res.available
    assert res.table["period"].tolist() == ["2023/24", "2024/25"]
    assert res.table["repeat_callers"].tolist() == [1, 1]
    h = res.headlines
    assert (h["victims.asb_calls"], h["victims.asb_callers"], h["victims.repeat_callers"]) == (22, 2, 1)
    assert h["victims.repeat_caller_call_share"] == pytest.approx(12 / 22)
    assert "K1" not in res.table.to_csv() and "K1" not in W.asb_sentence(res)


def test_analyse_missing_inputs():
    res = A.analyse_asb(_dataset(None))
    assert not res.available and "No ASB incident file" in W.asb_note(res)
    assert all(v is None for v in res.headlines.values())
    police_uk_asb = _calls(None, [1, 2])
    res2 = A.analyse_asb(_dataset(police_uk_asb))
    assert not res2.available and "no caller references" in W.asb_note(res2)


# ---------------------------------------------------------------------------------------------
# the demo data: realised truth computed independently by the generator (exact agreement)
# ---------------------------------------------------------------------------------------------
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_asb(tmp_path_factory):
    import json
    d = ROOT / "data" / "demo"
    if not (d / "truth.json").exists():
        from assessment.demo import generate
        root = tmp_path_factory.mktemp("demo")
        generate(root)
        d = root / "data" / "demo"
    a = pd.read_csv(d / "asb.csv", dtype="string")
    a["datetime"] = pd.to_datetime(a["datetime"])
    return a, json.loads((d / "truth.json").read_text())


def test_demo_repeat_callers_equal_truth_every_year(demo_asb):
    a, truth = demo_asb
    for label, tr in truth["asb"]["realised"].items():
        fy = financial_year(int(label[:4]))
        s = A.caller_summary(a, fy)
        assert (s["repeat_callers"], s["repeat_caller_calls"], s["calls_with_caller"], s["callers"]) == (
            tr["repeat_callers"], tr["calls"], tr["all_calls_with_caller"], tr["callers"]), label
        assert s["repeat_caller_call_share"] == pytest.approx(tr["share_of_calls"], abs=1e-12), label


def test_demo_planted_edge_callers(demo_asb):
    # the generator plants, in 2024/25, a caller with 10 calls spanning exactly 167 days (counted),
    # one spanning 168 days (not), one with 9 calls, one over 25 weeks (not); and ordinary repeat callers
    a, truth = demo_asb
    fy = financial_year(2024)
    rep = set(RC.repeat_callers(A.caller_calls(a, fy)).tolist())
    planted = [p for p in truth["asb"]["planted_callers"] if p["year"] == fy.label]
    kinds = {p["kind"] for p in planted}
    assert {"edge_in_167_days", "edge_out_168_days"} <= kinds
    for p in planted:
        assert (p["caller_id"] in rep) == p["counted"], p["kind"]
