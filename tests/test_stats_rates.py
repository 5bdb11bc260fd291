"""Rates per 1,000, ranks and pooled rates (assessment.stats.rates), worked by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from assessment.stats import StatsError, rates


def test_rates_hand_worked():
    # A: 30 crimes / 12,000 residents x 1,000 = 2.5; B: 7 / 2,000 x 1,000 = 3.5; C: no residents -> NaN
    r = rates.rates(pd.Series({"A": 30, "B": 7, "C": 4}), pd.Series({"A": 12_000, "B": 2_000, "C": 0}))
    assert r.index.tolist() == ["A", "B", "C"]                    # the counts' index kept
    assert r["A"] == 2.5 and r["B"] == 3.5 and math.isnan(r["C"])


def test_rates_of_a_frame_and_missing_areas():
    counts = pd.DataFrame({"All crime": [12, 9], "THEFT": [3, 0]}, index=pd.Index(["X", "Y"], name="area"))
    r = rates.rates(counts, {"X": 4_000})                       # Y has no population figure
    # X: 12 / 4,000 x 1,000 = 3.0 and 3 / 4,000 x 1,000 = 0.75; Y: not computable
    assert r.loc["X"].tolist() == [3.0, 0.75]
    assert r.loc["Y"].isna().all()
    assert r.index.name == "area" and r.columns.tolist() == ["All crime", "THEFT"]


def test_rates_match_integer_area_names_to_text():
    # area codes read as integers in one input and text in the other still match
    r = rates.rates(pd.Series([5, 8], index=[101, 102]), pd.Series({"101": 1000, "102": 4000}))
    assert r.tolist() == [5.0, 2.0] and r.index.tolist() == [101, 102]


def test_rank_desc_competition_ranking():
    # values 9, 7, 7, 7, 3: ranks 1, 2, 2, 2, 5 (the three ties share the better rank; 3 and 4 are skipped)
    v = pd.Series({"a": 7.0, "b": 9.0, "c": 7.0, "d": 3.0, "e": 7.0, "f": np.nan})
    assert rates.rank_desc(v).tolist()[:5] == [2.0, 1.0, 2.0, 5.0, 2.0]
    assert math.isnan(rates.rank_desc(v)["f"])
    # rank = 1 + the number of values strictly greater, for every ranked area
    for a in "abcde":
        assert rates.rank_desc(v)[a] == 1 + (v > v[a]).sum()


def test_pooled_rate_is_not_the_mean_of_rates():
    counts = pd.Series({"A": 40, "B": 10, "C": 60, "D": 99})
    pop = pd.Series({"A": 2000, "B": 1000, "C": 3000})               # D: no population, left out
    # all: (40 + 10 + 60) / (2000 + 1000 + 3000) x 1000 = 110 / 6 = 18.333333333
    assert rates.pooled_rate(counts, pop) == 18.333333333
    # the mean of the rates 20, 10, 20 would be 16.67: the pooled rate weights by residents
    assert rates.pooled_rate(counts, pop) != pytest.approx(50 / 3)
    # a group {A, B}: 50 / 3000 x 1000 = 16.666666667; an area not in the counts is ignored
    assert rates.pooled_rate(counts, pop, ["A", "B", "Z"]) == 16.666666667
    assert math.isnan(rates.pooled_rate(counts, pop, ["D"]))         # no area with a population


def test_population_checks():
    assert rates.population({"A": "12", "B": None}).tolist()[0] == 12.0
    assert math.isnan(rates.population({"A": "12", "B": None})["B"])
    with pytest.raises(StatsError, match="expected a Series of residents indexed by area, found list"):
        rates.rates(pd.Series({"A": 1}), [1000])
    with pytest.raises(StatsError, match="area 'A' appears twice"):
        rates.pooled_rate(pd.Series({"A": 1}), pd.Series([1, 2], index=["A", "A"]))
