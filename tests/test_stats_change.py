"""assessment.stats.change (counts, change and rates) against values worked out by hand."""
from __future__ import annotations

import inspect
import math

import numpy as np
import pandas as pd
import pytest

from assessment.stats import change


def test_pct_change_by_hand():
    # 29,942 -> 32,038: +2,096; 2,096 / 29,942 = 0.07000200387...
    assert change.pct_change(32_038, 29_942) == pytest.approx(2096 / 29942, abs=1e-12)
    assert change.pct_change(107, 100) == 0.07            # rounded: not 0.07000000000000001
    assert change.pct_change(90, 120) == -0.25
    assert change.pct_change(14, 14) == 0.0
    assert change.pct_change(np.int64(19), np.int64(14)) == pytest.approx(5 / 14)


@pytest.mark.parametrize("previous", [0, 0.0, None, float("nan"), pd.NA])
def test_pct_change_with_nothing_to_compare_with_is_nan(previous):
    assert math.isnan(change.pct_change(5, previous))


def test_pct_change_of_a_missing_current_count_is_nan():
    assert math.isnan(change.pct_change(None, 10)) and math.isnan(change.pct_change(pd.NA, 10))


def test_rolling_12_by_hand_keeps_the_index():
    idx = pd.date_range("2023-01-01", periods=14, freq="MS", name="month")
    s = pd.Series([1] * 12 + [5, 0], index=idx)
    r = change.rolling_12(s)
    assert r.index.equals(idx) and r.name == "rolling_12"
    assert r.iloc[:11].isna().all()
    # months 1-12: 12 ones = 12; months 2-13: 11 ones + 5 = 16; months 3-14: 10 ones + 5 + 0 = 15
    assert r.iloc[11:].tolist() == [12.0, 16.0, 15.0]


def test_rolling_12_of_fewer_than_twelve_months_is_all_nan():
    s = pd.Series([3] * 11, index=pd.date_range("2024-01-01", periods=11, freq="MS"))
    assert change.rolling_12(s).isna().all()


def test_rate_per_1000_by_hand():
    assert change.rate_per_1000(19, 2000) == 9.5            # 19 / 2,000 × 1,000
    assert change.rate_per_1000(414, 10_000) == 41.4
    assert change.rate_per_1000(1, 3) == pytest.approx(333.3333333333, abs=1e-10)
    for population in (0, -5, None, float("nan")):
        assert math.isnan(change.rate_per_1000(19, population))


def test_documented_like_the_other_statistics():
    for name in change.__all__:
        doc = inspect.getdoc(getattr(change, name))
        for section in ("Parameters", "Returns", "Notes", "References", "Examples"):
            assert f"\n{section}\n---" in doc, f"{name}: no {section} section"
