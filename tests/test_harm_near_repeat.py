"""Chapter 7 (issue 16, parts 2 and 3): the near-repeat Knox table and harm-weighted hot spots.

Values are worked out here independently: by hand, by brute force over every pair, by exact
enumeration of every order of the dates, or from the demo generator's truth.json.
"""
from __future__ import annotations

import itertools
import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assessment.chapters import harm as chapter
from assessment.errors import ConfigError, InputError
from assessment.stats import near_repeat as nr
from assessment.stats.base import StatsError
from assessment.stats.gistar import HOT_95, NOT_SIGNIFICANT

ROOT = Path(__file__).resolve().parents[1]


# -- the Knox table by hand ------------------------------------------------------------------------------
# five crimes on a line (metres) with their days:
#   A (0, 0) day 0;  B (0, 0) day 3 — same place as A;  C (60, 0) day 5;  D (150, 0) day 20;  E (1000, 0) day 2
# pairs, distance band (same / 1-100 / 101-200 / more than 200) x time band (0-7 / 8-14 / more than 14):
#   A-B same, 3 d -> (same, 0-7)      A-C 60, 5 -> (1-100, 0-7)     A-D 150, 20 -> (101-200, >14)
#   A-E 1000, 2 -> (>200, 0-7)        B-C 60, 2 -> (1-100, 0-7)     B-D 150, 17 -> (101-200, >14)
#   B-E 1000, 1 -> (>200, 0-7)        C-D 90, 15 -> (1-100, >14)    C-E 940, 3 -> (>200, 0-7)
#   D-E 850, 18 -> (>200, >14)
HAND = {("same place", "0-7 days"): 1, ("1-100 m", "0-7 days"): 2, ("1-100 m", "more than 14 days"): 1,
        ("101-200 m", "more than 14 days"): 2, ("more than 200 m", "0-7 days"): 3,
        ("more than 200 m", "more than 14 days"): 1}
X, Y, DAYS = [0, 0, 60, 150, 1000], [0, 0, 0, 0, 0], [0, 3, 5, 20, 2]


def test_the_knox_table_counts_the_hand_worked_pairs():
    r = nr.knox(X, Y, DAYS, distance_bands=[100, 200], time_bands=[7, 14], permutations=99, seed=3)
    t = r.table.set_index(["distance_band", "time_band"])
    assert list(t.index.get_level_values(0).unique()) == ["same place", "1-100 m", "101-200 m", "more than 200 m"]
    assert list(t.index.get_level_values(1).unique()) == ["0-7 days", "8-14 days", "more than 14 days"]
    got = {k: int(v) for k, v in t["observed"].items() if v}
    assert got == HAND
    assert r.crimes == 5 and r.pairs == 10 and int(t["observed"].sum()) == 10
    assert r.cell(1, 0)["observed"] == 2 and r.cell(0, 0)["observed"] == 1


def _exact(x, y, days, dist, time_, cell):
    """Exact expected count and p of one cell over all n! orders of the dates (brute force)."""
    n = len(days)
    counts = []
    for perm in itertools.permutations(days):
        c = 0
        for i in range(n):
            for j in range(i + 1, n):
                d = math.hypot(x[i] - x[j], y[i] - y[j])
                sb = 0 if d == 0 else 1 + sum(d > e for e in dist)
                tb = sum(abs(perm[i] - perm[j]) > e for e in time_)
                c += (sb, tb) == cell
        counts.append(c)
    counts = np.array(counts)
    return counts.mean(), counts


def test_expected_and_p_approach_the_exact_permutation_values():
    exp, counts = _exact(X, Y, DAYS, [100, 200], [7, 14], (1, 0))
    obs = 2
    exact_p = float((counts >= obs).mean())
    r = nr.knox(X, Y, DAYS, distance_bands=[100, 200], time_bands=[7, 14], permutations=20000, seed=11)
    c = r.cell(1, 0)
    # the Monte Carlo mean and p are within a few standard errors of the exact values
    assert abs(c["expected"] - exp) < 4 * counts.std() / math.sqrt(20000)
    assert abs(c["p"] - exact_p) < 0.012
    assert c["ratio"] == pytest.approx(obs / c["expected"])
    # Knox's closed form: S_s x T_t / P (pairs in the distance band x pairs in the time band / all pairs)
    s_pairs, t_pairs = 3, 6      # 1-100 m: A-C, B-C, C-D; 0-7 days among the dates 0, 3, 5, 20, 2: six pairs
    assert exp == pytest.approx(s_pairs * t_pairs / 10)


def test_p_is_the_near_repeat_calculators_one_sided_rule():
    r = nr.knox(X, Y, DAYS, distance_bands=[100, 200], time_bands=[7, 14], permutations=99, seed=5)
    obs = r.table["observed"].to_numpy()
    expect = (1 + (r.simulated >= obs[None, :]).sum(axis=0)) / 100
    assert np.allclose(r.table["p"], expect)
    assert r.table["p"].min() >= 1 / 100


def test_the_table_matches_a_brute_force_count_of_every_pair():
    rng = np.random.default_rng(7)
    n = 300
    x, y = np.round(rng.uniform(0, 3000, n)), np.round(rng.uniform(0, 3000, n))
    x[:20], y[:20] = x[20:40], y[20:40]          # some crimes at the same place
    days = rng.integers(0, 365, n)
    r = nr.knox(x, y, days, permutations=19, seed=1)
    brute = np.zeros((6, 5), dtype=int)
    for i in range(n):
        for j in range(i + 1, n):
            d = math.hypot(x[i] - x[j], y[i] - y[j])
            sb = 0 if d == 0 else 1 + sum(d > e for e in (100, 200, 400, 800))
            tb = sum(abs(int(days[i]) - int(days[j])) > e for e in (7, 14, 30, 60))
            brute[sb, tb] += 1
    assert r.table["observed"].tolist() == brute.ravel().tolist()
    # the simulations keep the margins: every permutation has as many pairs per distance and time band
    sims = r.simulated.reshape(-1, 6, 5)
    assert (sims.sum(axis=2) == brute.sum(axis=1)).all() and (sims.sum(axis=1) == brute.sum(axis=0)).all()


def test_twenty_thousand_burglaries_are_quick_enough():
    """A force-sized year: 20,000 burglaries over 20 km x 20 km (about a million pairs within 800 m)."""
    rng = np.random.default_rng(0)
    n = 20_000
    x, y, days = rng.uniform(0, 20_000, n), rng.uniform(0, 20_000, n), rng.integers(0, 365, n)
    t0 = time.perf_counter()
    r = nr.knox(x, y, days, permutations=49, seed=2)
    took = time.perf_counter() - t0
    assert int(r.table["observed"].sum()) == n * (n - 1) // 2
    assert took < 60, took            # ~1.5 s on a quiet machine (99 permutations: ~2 s; 999: ~7 s)


@pytest.mark.slow
def test_twenty_thousand_burglaries_with_999_permutations():
    rng = np.random.default_rng(0)
    n = 20_000
    x, y, days = rng.uniform(0, 20_000, n), rng.uniform(0, 20_000, n), rng.integers(0, 365, n)
    t0 = time.perf_counter()
    r = nr.knox(x, y, days, permutations=999, seed=2)
    assert time.perf_counter() - t0 < 120
    # no space-time interaction in uniform random data: the near cell's ratio is close to 1
    assert 0.85 < r.cell(1, 0)["ratio"] < 1.15


def test_bad_inputs_to_the_knox_table_say_what_was_expected():
    with pytest.raises(StatsError, match="increasing"):
        nr.knox([0, 1], [0, 1], [0, 1], distance_bands=[200, 100])
    with pytest.raises(StatsError, match="missing coordinate"):
        nr.knox([0, np.nan], [0, 1], [0, 1])
    with pytest.raises(StatsError, match="as many dates"):
        nr.knox([0, 1], [0, 1], [0])


def test_type_keys_are_identifiers_and_distinct():
    assert chapter.type_keys(["Burglary", "Theft from shops (inc. shoplifting)", "BURGLARY", "—"]) == [
        "burglary", "theft_from_shops_inc_shoplifting", "burglary_2", "type_4"]


# -- harm ----------------------------------------------------------------------------------------------
def test_harm_weights_file_errors_are_one_line(tmp_path):
    from assessment.loaders.harm_weights import read_harm_weights
    cases = {
        "crime_type,score\nBurglary,3\n": "a column named weight",
        "weight\n3\n": "a column named weight|crime_type or offence_code",
        "crime_type,weight\nBurglary,-3\n": "a weight of 0 or more",
        "crime_type,weight\nBurglary,three\n": "a weight",
        "crime_type,weight\nBurglary,3\n burglary ,4\n": "each crime type once",
    }
    for i, (text, msg) in enumerate(cases.items()):
        p = tmp_path / f"w{i}.csv"
        p.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as e:
            read_harm_weights(p)
        assert "\n" not in str(e.value) and pytest.importorskip("re").search(msg, str(e.value)), str(e.value)
    p = tmp_path / "both.csv"
    p.write_text("offence_code,crime_type,weight\n28/1,,45\n,Burglary,30\n", encoding="utf-8")
    w = read_harm_weights(p)
    assert w.attrs["key"] == "offence_code" and w["key"].tolist() == ["28/1"]
    crimes = pd.DataFrame({"crime_type": ["Burglary", "Burglary", "Drugs"], "offence_code": ["28/1", None, None]})
    assert chapter.crime_weights(crimes, w).tolist()[:2] == [45.0, 30.0]
    assert math.isnan(chapter.crime_weights(crimes, w).tolist()[2])


def test_weights_need_a_named_source(tmp_path):
    from assessment.config import load_config
    (tmp_path / "c.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\n", encoding="utf-8")
    (tmp_path / "w.csv").write_text("crime_type,weight\nBurglary,3\n", encoding="utf-8")
    (tmp_path / "a.yml").write_text("area: {name: T}\ninputs: {crimes: c.csv, harm_weights: w.csv}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="harm.source"):
        load_config(tmp_path / "a.yml")
    (tmp_path / "a.yml").write_text("area: {name: T}\ninputs: {crimes: c.csv, harm_weights: w.csv}\n"
                                    "harm: {source: ONS CSS 2024}\n", encoding="utf-8")
    assert load_config(tmp_path / "a.yml").harm.source == "ONS CSS 2024"


def test_a_harm_hot_spot_that_is_not_a_count_hot_spot():
    """A 7 x 7 grid: crimes cluster in the north-west (many, light), harm in the south-east (few, heavy)."""
    import geopandas as gpd
    from shapely.geometry import box

    from assessment.stats.gistar import gistar
    from assessment.stats.harm import harm_by_area, hot_not_count, weigh
    codes = [f"L{i}{j}" for i in range(7) for j in range(7)]
    g = gpd.GeoDataFrame(geometry=[box(i, j, i + 1, j + 1) for i in range(7) for j in range(7)],
                         index=pd.Index(codes, name="lsoa_code"))
    rows = []
    for c in codes:
        i, j = int(c[1]), int(c[2])
        rows += [(c, "Shoplifting")] * (20 if i <= 1 and j <= 1 else 5)
        rows += [(c, "Robbery")] * (1 if i >= 4 and j >= 4 else 0)
    crimes = pd.DataFrame(rows, columns=["lsoa_code", "crime_type"])
    w = weigh(crimes["crime_type"], pd.Series({"Shoplifting": 1.0, "Robbery": 100.0}))
    harm = harm_by_area(crimes["lsoa_code"], w, codes)
    assert harm["L66"] == 5 * 1 + 1 * 100 and harm["L00"] == 20
    counts = crimes.groupby("lsoa_code").size().reindex(codes)
    gh = gistar(harm, g, permutations=999, seed=1, fdr=False)
    gc = gistar(counts, g, permutations=999, seed=1, fdr=False)
    flag = hot_not_count(gh["gi_class"], gc["gi_class"])
    assert flag["L66"] and flag["L55"] and not flag["L00"]
    assert set(flag[flag].index) <= {f"L{i}{j}" for i in range(3, 7) for j in range(3, 7)}
    assert gc.loc["L00", "gi_class"].startswith("Hot spot") and not flag["L00"]       # a count hot spot only
    assert hot_not_count(pd.Series([HOT_95]), pd.Series([NOT_SIGNIFICANT])).tolist() == [True]


# -- the demo: the planted chain and the synthetic weights are recovered ------------------------------------
@pytest.fixture(scope="module")
def demo_ds():
    from assessment.config import load_config
    from assessment.demo import ensure_demo
    from assessment.loaders import load_dataset
    cfg = load_config(ROOT / "assessment.yml")
    ensure_demo(cfg)
    ds = load_dataset(cfg, 2024)
    truth = json.loads((ROOT / "data/demo/truth.json").read_text(encoding="utf-8"))["harm_near_repeat"]
    return ds, truth


def test_the_planted_near_repeat_chain_is_recovered(demo_ds):
    ds, truth = demo_ds
    chain = truth["near_repeat_chain"]
    res = chapter.analyse_near_repeats(ds)
    assert res.reason is None and [r.crime_type for r in res.results] == ["Burglary"]
    r = res.results[0]
    near = r.near()
    assert near["ratio"] > 1.25 and near["p"] <= 0.01, near
    # the chain alone: its own pairs, counted pair by pair by the generator
    c = ds.crimes[ds.crimes["crime_id"].isin(chain["crime_ids"])]
    assert len(c) == chain["crimes"]
    k = nr.knox(c["easting"], c["northing"], chapter.day_numbers(c["date"]), permutations=9)
    got = {f"{i // 5},{i % 5}": int(v) for i, v in enumerate(k.table["observed"]) if v}
    assert got == chain["pairs_by_band"]
    # without the chain the near cell is what chance gives
    ds2 = type(ds)(**{**ds.__dict__, "crimes": ds.crimes[~ds.crimes["crime_id"].isin(chain["crime_ids"])]})
    r2 = chapter.analyse_near_repeats(ds2).results[0]
    assert r2.near()["p"] > 0.05 and r2.near()["observed"] == near["observed"] - chain["pairs_by_band"]["1,0"]
    h = chapter.headlines(chapter.HarmChapter(period=ds.period, near=res, harm=chapter.HarmResult(ds.period)),
                          ["Burglary"])
    assert h["near_repeat.burglary.near_ratio"] == near["ratio"] and h["near_repeat.burglary.pairs"] == near["observed"]


def test_the_synthetic_harm_weighting_is_recovered(demo_ds):
    ds, truth = demo_ds
    ht = truth["harm"]
    cfg = ds.config.model_copy(deep=True)
    cfg.hotspots.permutations, cfg.hotspots.max_permutations = 199, 0      # quick: the classes are not checked here
    ds2 = type(ds)(**{**ds.__dict__, "config": cfg})
    res = chapter.analyse_harm(ds2)
    assert res.reason is None and res.synthetic and "synthetic" in res.source.lower()
    by = res.table["harm"]
    assert by.sum() == pytest.approx(ht["total"])
    assert {k: float(v) for k, v in by[by > 0].items()} == pytest.approx(ht["by_lsoa"])
    assert list(res.top().index) == ht["top_lsoas"] and res.top().index[0] == ht["top_lsoa"]
    town = json.loads((ROOT / "data/demo/truth.json").read_text(encoding="utf-8"))["geography"]["town_centre"][0]
    assert town in ht["top_count_lsoas"] and town not in ht["top_lsoas"]
    from assessment.words import harm as words
    assert town in words.moved_sentence(res)
    assert "synthetic" in words.weights_line(res).lower()
    # the publishable table: the contract's columns first, in order
    assert list(res.publishable().columns[:7]) == ["lsoa_code", "count", "harm", "harm_rate_per_1000", "gi_z", "gi_p",
                                                   "gi_class"]
    h = chapter.headlines(chapter.HarmChapter(period=ds.period, near=chapter.NearRepeatsResult(ds.period), harm=res))
    assert h["harm.total"] == pytest.approx(ht["total"]) and h["harm.top10_lsoas"] == ht["top_lsoas"]
    assert 0 < h["harm.gini"] < 1 and h["harm.top10_share"] == pytest.approx(
        sum(ht["by_lsoa"][c] for c in ht["top_lsoas"]) / ht["total"])


def test_what_the_inputs_cannot_give_is_null_and_said_once(demo_ds):
    from assessment import summary as sm
    ds, _ = demo_ds
    month_only = ds.crimes.assign(date=pd.NaT)
    ds2 = type(ds)(**{**ds.__dict__, "crimes": month_only, "harm_weights": None})
    res = chapter.analyse(ds2)
    assert res.near.reason == chapter.NO_DATES and res.harm.reason == chapter.NO_WEIGHTS
    h = res.headlines
    assert h["near_repeat.burglary.near_ratio"] is None and h["near_repeat.burglary.p"] is None
    assert h["harm.total"] is None and h["harm.gini"] is None and h["harm.top10_lsoas"] is None
    from assessment.words import harm as words
    assert "month" in words.near_reason(res.near.reason)[0] and "inputs.harm_weights" in words.harm_reason(res.harm.reason)[1]
    s = sm.build_summary([h, {"period.label": "2024/25", "area.name": "T"}])
    assert s["near_repeat"]["burglary"]["same_place_ratio"] is None and s["harm"]["top10_share"] is None


def test_harm_weight_rows_are_accounted_a_row_with_no_crime_type_is_excluded(tmp_path):
    from assessment.loaders.harm_weights import read_harm_weights
    f = tmp_path / "w.csv"
    f.write_text("crime_type,weight\nBurglary,10\n,3\nRobbery,20\n", encoding="utf-8")
    w = read_harm_weights(f)
    assert w["key"].tolist() == ["Burglary", "Robbery"] and w["weight"].tolist() == [10.0, 20.0]
    assert (w.attrs["rows"], w.attrs["unkeyed"]) == (3, 1)
