"""Emerging hotspots: Mann–Kendall on hand-worked series, each class on a constructed series,
yearly Gi* on a grid with a planted emerging cluster, and the real police.uk burglary months."""
from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from assessment.chapters import hotspots as h
from assessment.errors import AssessmentError
from assessment.periods import calendar_year, financial_year
from assessment.stats import emerging as em
from assessment.stats import mann_kendall
from assessment.words import hotspots as words

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real is not present")


# -- Mann-Kendall -------------------------------------------------------------------------
def test_mann_kendall_strictly_rising_five_years():
    # all 10 pairs rise: S = 10; Var = 5*4*15/18 = 16.6667; Z = (10 - 1)/sqrt(16.6667) = 2.20454;
    # p = 2*(1 - Phi(2.20454)) = 0.02749; tau = 10/10 = 1
    r = mann_kendall.mann_kendall([1.2, 1.9, 2.5, 3.0, 4.4])
    assert r.s == 10 and r.n == 5
    assert r.var_s == pytest.approx(300 / 18)
    assert r.z == pytest.approx(9 / math.sqrt(300 / 18))
    assert r.z == pytest.approx(2.20454, abs=1e-5)
    assert r.p == pytest.approx(0.02749, abs=1e-5)
    assert r.tau == pytest.approx(1.0)
    f = mann_kendall.mann_kendall([5, 4, 3, 2, 1])
    assert f.s == -10 and f.z == pytest.approx(-r.z) and f.p == pytest.approx(r.p)


def test_mann_kendall_with_ties():
    # [1, 2, 2, 3]: pairs (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+ -> S = 5
    # one tied group of size 2: Var = (4*3*13 - 2*1*9)/18 = 138/18 = 7.6667
    # Z = (5 - 1)/sqrt(7.6667) = 1.44463; p = 0.14857; tau = 5/6
    r = mann_kendall.mann_kendall([1, 2, 2, 3])
    assert r.s == 5
    assert r.var_s == pytest.approx(138 / 18)
    assert r.z == pytest.approx(1.44463, abs=1e-5)
    assert r.p == pytest.approx(0.14857, abs=1e-5)
    assert r.tau == pytest.approx(5 / 6)


def test_mann_kendall_mixed_series_and_edge_cases():
    # [3, 1, 4, 1, 5]: + pairs (3,4)(3,5)(1,4)(1,5)(4,5)(1,5) = 6, - pairs (3,1)(3,1)(4,1) = 3, tie (1,1): S = 3
    # ties: the two 1s -> Var = (5*4*15 - 2*1*9)/18 = 282/18 = 15.6667; Z = 2/sqrt(15.6667) = 0.50529; p = 0.61336
    r = mann_kendall.mann_kendall([3, 1, 4, 1, 5])
    assert r.s == 3 and r.var_s == pytest.approx(282 / 18)
    assert r.z == pytest.approx(0.50529, abs=1e-5) and r.p == pytest.approx(0.61336, abs=1e-5)
    flat = mann_kendall.mann_kendall([2, 2, 2])
    assert flat.s == 0 and flat.z == 0 and flat.p == pytest.approx(1.0)
    # S = 8 of 10 (one falling pair): Z = 7/sqrt(16.6667) = 1.71464, p = 0.08641: not significant at 0.05
    eight = mann_kendall.mann_kendall([1, 3, 2, 4, 5])
    assert eight.s == 8 and eight.p == pytest.approx(0.08641, abs=1e-5)
    assert math.isnan(mann_kendall.mann_kendall([1.0]).p) and math.isnan(mann_kendall.mann_kendall([1.0, np.nan, 2.0]).z)


# -- classes on constructed series ----------------------------------------------------------
RISING, FALLING, FLAT = (0.03, 10), (0.03, -10), (0.6, 2)   # (trend p, S)


@pytest.mark.parametrize("states, trend, expected", [
    ([0, 0, 0, 0, 1], FLAT, "New hot spot"),
    ([0, 0, 1, 1, 1], FLAT, "Consecutive hot spot"),
    ([1, 1, 1, 1, 1], RISING, "Intensifying hot spot"),
    ([1, 1, 1, 1, 1], FLAT, "Persistent hot spot"),
    ([1, 1, 1, 1, 1], FALLING, "Diminishing hot spot"),
    ([1, 0, 1, 0, 1], FLAT, "Sporadic hot spot"),
    ([1, 1, 0, 1, 1], FLAT, "Sporadic hot spot"),          # 80% < 90%, two runs
    ([-1, 0, 0, 1, 1], FLAT, "Oscillating hot spot"),
    ([-1, 0, 0, 0, 1], FLAT, "Oscillating hot spot"),       # a cold year outranks 'new'
    ([1] * 9 + [0], FLAT, "Historical hot spot"),          # 9 of 10 years hot, final not
    ([1, 1, 1, 1, 0], FLAT, "No pattern detected"),         # 4 of 5 = 80% < 90%
    ([0, 1, 0, 0, 0], FLAT, "No pattern detected"),
    ([0, 0, 0, 0, 0], FLAT, "No pattern detected"),
    ([0, 0, 0, 0, -1], FLAT, "New cold spot"),
    ([0, 0, -1, -1, -1], FLAT, "Consecutive cold spot"),
    ([-1, -1, -1, -1, -1], FALLING, "Intensifying cold spot"),   # z falling = low clustering stronger
    ([-1, -1, -1, -1, -1], FLAT, "Persistent cold spot"),
    ([-1, -1, -1, -1, -1], RISING, "Diminishing cold spot"),
    ([-1, 0, -1, 0, -1], FLAT, "Sporadic cold spot"),
    ([1, 0, 0, -1, -1], FLAT, "Oscillating cold spot"),
    ([-1] * 9 + [0], FLAT, "Historical cold spot"),
    ([1] * 9 + [1], RISING, "Intensifying hot spot"),      # 10 years
    ([1] * 8 + [0, 1], FLAT, "Persistent hot spot"),        # 9 of 10 hot incl. the final year
])
def test_each_class_on_a_constructed_series(states, trend, expected):
    p, s = trend
    assert em.classify(states, trend_p=p, trend_s=s) == expected


def test_classify_rejects_bad_states():
    with pytest.raises(AssessmentError, match="-1, 0 or 1"):
        em.classify([0, 2, 1], 0.5, 0)


def test_emerging_hotspots_from_z_and_p_series():
    years = ["2020", "2021", "2022", "2023", "2024"]
    rows = []
    series = {
        "INT": ([2.0, 2.4, 2.9, 3.3, 4.0], [0.01] * 5),   # hot every year, z rising every year: S = 10, p = 0.027
        "PER": ([3.0, 2.5, 3.2, 2.8, 3.1], [0.01] * 5),   # hot every year, no trend
        "NEW": ([0.1, -0.2, 0.3, 0.2, 3.5], [0.8, 0.7, 0.6, 0.7, 0.01]),
        "CNS": ([0.1, 0.2, 2.5, 2.6, 2.7], [0.8, 0.7, 0.05, 0.04, 0.04]),
        "NOP": ([0.1, 0.2, 0.3, 0.1, 0.0], [0.9] * 5),
        "EDGE": ([2.0, 2.0, 2.0, 2.0, 2.0], [0.10, 0.10, 0.10, 0.10, 0.11]),   # p = alpha counts as hot; 0.11 not
    }
    for code, (z, p) in series.items():
        rows += [{"lsoa_code": code, "year": y, "gi_z": zz, "gi_p": pp, "gi_p_fdr": pp} for y, zz, pp in zip(years, z, p)]
    rows += [{"lsoa_code": "ISL", "year": y, "gi_z": np.nan, "gi_p": np.nan, "gi_p_fdr": np.nan} for y in years]
    t = em.emerging_hotspots(pd.DataFrame(rows))
    assert t.loc["INT", "category"] == "Intensifying hot spot" and t.loc["INT", "mk_s"] == 10
    assert t.loc["PER", "category"] == "Persistent hot spot"
    assert t.loc["NEW", "category"] == "New hot spot" and t.loc["NEW", "hot_years"] == 1
    assert t.loc["CNS", "category"] == "Consecutive hot spot"
    assert t.loc["NOP", "category"] == "No pattern detected"
    assert t.loc["EDGE", "hot_years"] == 4 and t.loc["EDGE", "final_state"] == 0
    assert t.loc["EDGE", "category"] == "No pattern detected"     # 4 of 5 = 80% < 90%: not historical
    assert t.loc["ISL", "category"] == "Not tested"
    assert t.loc["INT", "z 2024"] == pytest.approx(4.0) and t.loc["NEW", "state 2024"] == 1


# -- yearly Gi* on a grid ------------------------------------------------------------------
def grid(n):
    cells = [box(c, r, c + 1, r + 1) for r in range(n) for c in range(n)]
    codes = [f"L{r:02d}{c:02d}" for r in range(n) for c in range(n)]
    return gpd.GeoDataFrame(geometry=cells, index=pd.Index(codes, name="lsoa_code"), crs=27700)


def test_emerging_periods_are_complete_years_oldest_first():
    c = pd.DataFrame({"month": pd.to_datetime(["2019-05-01", "2025-03-01"])})
    got = [p.label for p in h.emerging_periods(c, financial_year(2024))]
    assert got == ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]   # 2019/20 starts in April 2019: not covered
    assert h.emerging_periods(c.iloc[:0], financial_year(2024)) == []


def _yearly(block, extra_by_year, seed=11):
    """Five calendar years on a 10 x 10 grid: one fixed Poisson(3) background, ``block`` raised by
    ``extra_by_year[k]`` crimes per LSOA in year k."""
    g = grid(10)
    rng = np.random.default_rng(seed)
    background = pd.Series(rng.poisson(3, len(g)), index=g.index)
    years = [2020, 2021, 2022, 2023, 2024]
    rows = []
    for k, year in enumerate(years):
        y = background.copy()
        y[block] += extra_by_year[k]
        rows += [{"lsoa_code": code, "month": pd.Timestamp(f"{year}-06-01"), "count": int(n)} for code, n in y.items() if n]
    yearly = h.yearly_gistar(pd.DataFrame(rows), list(g.index), [calendar_year(y) for y in years], boundaries=g,
                              permutations=999, seed=5)
    return background, years, yearly


def test_yearly_gistar_finds_an_intensifying_cluster():
    block = [f"L{r:02d}{c:02d}" for r in (1, 2, 3) for c in (1, 2, 3)]
    background, years, yearly = _yearly(block, [10, 16, 22, 28, 34])
    assert len(yearly) == 5 * 100
    assert yearly.groupby("year")["count"].sum().loc["2020"] == background.sum() + 9 * 10
    t = em.emerging_hotspots(yearly)
    z = t.loc["L0202", [f"z {y}" for y in years]].to_numpy(dtype=float)
    assert (np.diff(z) > 0).all()                         # the growing block's centre: z rises every year
    assert t.loc["L0202", "mk_s"] == 10
    assert t.loc["L0202", "category"] == "Intensifying hot spot"


def test_yearly_gistar_finds_a_new_cluster():
    block = [f"L{r:02d}{c:02d}" for r in (6, 7, 8) for c in (6, 7, 8)]
    _, _, yearly = _yearly(block, [0, 0, 0, 0, 25])
    t = em.emerging_hotspots(yearly)
    assert t.loc["L0707", "category"] == "New hot spot"
    assert t.loc["L0707", "hot_years"] == 1 and t.loc["L0707", "final_state"] == 1


def test_fewer_years_note_is_plain():
    assert "only 3 complete years" in words.fewer_years_note(3)
    assert "no trend can be statistically significant" in words.fewer_years_note(4)


# -- real data: police.uk burglary, Haringey (36 months: 2022-03 to 2025-02) -------------------
@needs_real
@pytest.mark.real
def test_real_burglary_runs_on_the_months_available_and_says_fewer_than_five_years():
    cfg_path = ROOT / "examples" / "haringey-burglary-policeuk.yml"
    if not cfg_path.exists():
        pytest.skip("examples/haringey-burglary-policeuk.yml not written yet")
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    cfg = load_config(cfg_path)
    ds = load_dataset(cfg, to="2025-02")                 # rolling 12 months: three complete 12-month spans
    res = h.analyse_emerging(ds)
    assert [p.label for p in res.periods] == ["12 months to Feb 2023", "12 months to Feb 2024", "12 months to Feb 2025"]
    assert res.table is not None and len(res.table) == len(ds.lsoas)
    assert not res.enough_years and any("only 3 complete years" in n for n in words.emerging_notes(res))
    assert set(res.table["category"]) <= set(em.CATEGORIES)
    # the yearly counts are an independent groupby of the raw police.uk rows (one per distinct Crime ID:
    # the files repeat some rows) by 12-month span, and per LSOA in the last span (all 2021 codes by then)
    raw = pd.concat(pd.read_csv(f) for f in sorted((REAL / "police_uk" / "metropolitan_burglary_haringey").glob("*.csv")))
    raw = raw.drop_duplicates("Crime ID")
    raw["month"] = pd.to_datetime(raw["Month"], format="%Y-%m")
    for p in res.periods:
        n_raw = int(p.contains(raw["month"]).sum())
        assert res.yearly.loc[res.yearly["year"] == p.label, "count"].sum() == n_raw
    last = res.periods[-1]
    by_lsoa = raw[last.contains(raw["month"])].groupby("LSOA code").size()
    got = res.yearly[res.yearly["year"] == last.label].set_index("lsoa_code")["count"]
    assert (got == by_lsoa.reindex(got.index).fillna(0).astype(int)).all()
    fy = load_dataset(cfg, year=2023)                    # 2023/24: only two complete financial years
    short = h.analyse_emerging(fy)
    assert short.table is None and "2 complete years" in words.emerging_reason(short)


def test_docstring_examples_hold():
    import doctest

    from assessment.words import hotspots
    result = doctest.testmod(hotspots, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 5 and result.failed == 0
