"""The statistics of RAG and direction of travel (assessment.stats.rag): target, shortfall, status,
variance, direction of travel, seasonal shares.

Every expected value is worked by hand in the comment beside it.  The cases from RAG_CASES to
test_seasonal_shares_fallback moved here unchanged from tests/test_performance.py.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from assessment.errors import AssessmentError
from assessment.stats import StatsError, rag

AMBER, RED = "Up to 10% off target", "Missing target by more than 10%"


# ---------------------------------------------------------------------------------------------
# RAG status: a table of hand-worked cases, edges included
# ---------------------------------------------------------------------------------------------
RAG_CASES = [
    # actual, target, direction, scheme, threshold, expected status      # shortfall worked by hand
    (95, 100, "lower", "three", 0.10, "On target"),                       # (95-100)/100 = -0.05
    (100, 100, "lower", "three", 0.10, "On target"),                      # 0: meeting it exactly is on target
    (110, 100, "lower", "three", 0.10, AMBER),                            # 10/100 = 0.10 exactly: amber
    (111, 100, "lower", "three", 0.10, RED),                              # 0.11 > 0.10
    (0.2475, 0.225, "lower", "three", 0.10, AMBER),                       # 0.0225/0.225 = 0.1 (float noise rounded)
    (120, 100, "higher", "three", 0.10, "On target"),                     # higher is better: (100-120)/100 < 0
    (90, 100, "higher", "three", 0.10, AMBER),                            # (100-90)/100 = 0.10 exactly
    (89, 100, "higher", "three", 0.10, RED),                              # 0.11
    (1980, 1900, "lower", "three", 0.10, AMBER),                          # 80/1900 = 0.0421
    (0, 0, "lower", "three", 0.10, "On target"),                          # target 0 met by 0
    (1, 0, "lower", "three", 0.10, RED),                                  # any miss of a zero target is red
    (107, 100, "lower", "three", 0.05, "Missing target by more than 5%"),  # 0.07 > 0.05 with a 5% band
    (104, 100, "lower", "three", 0.05, "Up to 5% off target"),            # 0.04 <= 0.05
    (100, 100, "lower", "four", 0.10, "Green"),                           # 0
    (105, 100, "lower", "four", 0.10, "Amber-Green"),                     # 0.05 = half the threshold: Amber-Green
    (106, 100, "lower", "four", 0.10, "Amber-Red"),                       # 0.06 in (0.05, 0.10]
    (110, 100, "lower", "four", 0.10, "Amber-Red"),                       # 0.10 exactly: still Amber-Red
    (111, 100, "lower", "four", 0.10, "Red"),                             # 0.11
    (96, 100, "higher", "four", 0.10, "Amber-Green"),                     # (100-96)/100 = 0.04
    (None, 100, "lower", "three", 0.10, "No data"),                       # actual not computable
    (100, None, "lower", "four", 0.10, "No data"),                        # target not computable
]


@pytest.mark.parametrize("actual,target,direction,scheme,threshold,expected", RAG_CASES)
def test_rag_status_hand_worked(actual, target, direction, scheme, threshold, expected):
    s = rag.shortfall(actual, target, direction)
    assert rag.rag_status(s, threshold, scheme) == expected


def test_shortfall_values():
    assert rag.shortfall(110, 100) == 0.1            # exactly 0.1 after rounding
    assert rag.shortfall(0.2475, 0.225) == 0.1       # raw float is 0.10000000000000009
    assert rag.shortfall(90, 100, "higher") == 0.1
    assert rag.shortfall(3, 0) == math.inf
    assert rag.shortfall(5, None) is None


def test_four_level_custom_amber_green():
    # amber_green 0.02: 0.03 is past it (Amber-Red), 0.02 is within (Amber-Green)
    assert rag.rag_status(0.02, 0.10, "four", amber_green=0.02) == "Amber-Green"
    assert rag.rag_status(0.03, 0.10, "four", amber_green=0.02) == "Amber-Red"


TRAVEL_CASES = [
    (95, 100, "lower", 0.0, "Improving"),        # down, lower is better
    (105, 100, "lower", 0.0, "Deteriorating"),   # up, lower is better
    (105, 100, "higher", 0.0, "Improving"),      # up, higher is better
    (95, 100, "higher", 0.0, "Deteriorating"),
    (100, 100, "lower", 0.0, "No change"),
    (101, 100, "lower", 0.02, "No change"),      # |1| <= 0.02 x 100
    (102, 100, "lower", 0.02, "No change"),      # the band's edge is no change
    (103, 100, "lower", 0.02, "Deteriorating"),  # 3 > 2
    (0.25, 0.1765, "lower", 0.0, "Deteriorating"),
    (5, None, "lower", 0.0, "Not available"),
]


@pytest.mark.parametrize("current,previous,direction,band,expected", TRAVEL_CASES)
def test_direction_of_travel(current, previous, direction, band, expected):
    assert rag.direction_of_travel(current, previous, direction, band) == expected


def test_variance():
    assert rag.variance(1980, 1900) == (80, pytest.approx(80 / 1900))
    assert rag.variance(0.25, 0.18) == (pytest.approx(0.07), pytest.approx(0.07 / 0.18))
    assert rag.variance(None, 5) == (None, None)


def test_seasonal_shares_fallback():
    assert rag.seasonal_shares(pd.Series([0, 0, 0, 0], index=[1, 2, 3, 4])).tolist() == [0.25] * 4
    assert rag.seasonal_shares(pd.Series([1, float("nan"), 1, 1], index=[1, 2, 3, 4])).tolist() == [0.25] * 4



# ---------------------------------------------------------------------------------------------
# further hand-worked cases of the family
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,change,baseline,expected", [
    ("pct", -0.05, 2000, 1900),        # 2000 x (1 - 0.05)
    ("pct", 0.03, 200, 206),           # 200 x 1.03
    ("pct", -0.10, 100, 90),           # 100 x 0.9 = 90 (raw float 90.00000000000001, rounded)
    ("pp", -0.02, 0.20, 0.18),         # 0.20 - 0.02 (raw float 0.18000000000000002, rounded)
    ("pp", 0.05, 0.25, 0.30),          # 0.25 + 0.05
    ("maintain", None, 31, 31),        # the baseline itself
    ("value", 1234, None, 1234),       # a value needs no baseline
    ("value", 0.2, 0.5, 0.2),          # ... and ignores one
    ("pct", -0.05, None, None),        # a change with no baseline: not computable
    ("maintain", None, float("nan"), None),
])
def test_target_value_by_kind(kind, change, baseline, expected):
    assert rag.target_value(kind, change, baseline) == expected     # exact: the rounding removes float noise


def test_target_value_rejects_an_unknown_kind():
    with pytest.raises(StatsError, match="kind of target"):
        rag.target_value("percent", -0.05, 100)


def test_shortfall_hand_worked():
    assert rag.shortfall(1980, 1900) == round(80 / 1900, 9)            # 0.042105263
    assert rag.shortfall(0.25, 0.18) == round(0.07 / 0.18, 9)          # 0.388888889
    assert rag.shortfall(100, 110.25, "higher") == round(10.25 / 110.25, 9)   # 0.092970522
    assert rag.shortfall(-5, -10) == 0.5                                # (-5 - -10) / |-10|: the target's size
    assert rag.shortfall(0, 0, "higher") == 0.0                         # a zero target, met
    assert rag.shortfall(-1, 0, "higher") == math.inf                   # a zero target, missed
    assert rag.shortfall(float("nan"), 5) is None                       # NaN is missing, like None


def test_labels_follow_the_threshold():
    assert rag.amber_label(0.15) == "Up to 15% off target"
    assert rag.red_label(0.025) == "Missing target by more than 2.5%"
    assert rag.rag_status(0.15, 0.15) == "Up to 15% off target"         # the edge is amber
    assert rag.rag_status(0.150001, 0.15) == "Missing target by more than 15%"


def test_status_levels():
    assert [rag.status_level(s) for s in ("On target", "Green", "Amber-Green", "Amber-Red", "Red", "No data",
                                           "Up to 5% off target", "Missing target by more than 5%")] == \
        ["green", "green", "amber_green", "amber_red", "red", "no_data", "amber", "red"]
    assert set(rag.LEVELS) == {"green", "amber_green", "amber", "amber_red", "red", "no_data"}
    with pytest.raises(StatsError, match="unknown RAG status"):
        rag.status_level("Purple")


def test_bad_direction_and_scheme_are_stats_errors():
    for call in (lambda: rag.shortfall(1, 2, "down"), lambda: rag.direction_of_travel(1, 2, "up"),
                 lambda: rag.rag_status(0.1, scheme="five")):
        with pytest.raises(StatsError) as e:
            call()
        assert isinstance(e.value, AssessmentError) and isinstance(e.value, ValueError)


def test_variance_hand_worked():
    assert rag.variance(93, 90) == (3, round(3 / 90, 12))              # 0.033333333333
    assert rag.variance(0.10, 0.12) == (-0.02, round(-0.02 / 0.12, 12))  # -0.166666666667 (0.10 - 0.12 rounded)
    assert rag.variance(7, 0) == (7, None)                              # no relative variance from a zero target
    assert rag.variance(float("nan"), 5) == (None, None)


def test_direction_of_travel_band_on_a_rate():
    # 0.255 against 0.25 with a 2% band: |0.005| <= 0.02 x 0.25 = 0.005 -> the edge, no change
    assert rag.direction_of_travel(0.255, 0.25, "lower", 0.02) == "No change"
    # 0.2551: 0.0051 > 0.005 -> moved; up and lower is better -> deteriorating
    assert rag.direction_of_travel(0.2551, 0.25, "lower", 0.02) == "Deteriorating"
    assert rag.direction_of_travel(0.2551, 0.25, "higher", 0.02) == "Improving"
    # a band around a negative previous value uses its size: |(-98) - (-100)| = 2 <= 0.02 x 100
    assert rag.direction_of_travel(-98, -100, "lower", 0.02) == "No change"


def test_seasonal_shares_hand_worked():
    # 10, 20, 30, 40 of 100 -> 0.1, 0.2, 0.3, 0.4; an annual target of 90 profiles as 9, 18, 27, 36
    s = rag.seasonal_shares(pd.Series([10.0, 20.0, 30.0, 40.0], index=[1, 2, 3, 4]))
    assert s.tolist() == [0.1, 0.2, 0.3, 0.4]
    assert s.name == "share" and s.index.name == "quarter" and s.index.tolist() == [1, 2, 3, 4]
    assert (s * 90).tolist() == pytest.approx([9, 18, 27, 36])
    assert (s * 90).cumsum().tolist() == pytest.approx([9, 27, 54, 90])    # year-to-date targets
    # 1, 1, 1, 5 of 8 -> 0.125, 0.125, 0.125, 0.625
    assert rag.seasonal_shares(pd.Series([1, 1, 1, 5], index=[1, 2, 3, 4])).tolist() == [0.125] * 3 + [0.625]
