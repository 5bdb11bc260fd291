"""Chapter 2 — hotspots by LSOA: counts, rates, change, concentration, Gi*, ward roll-up.

Expected values are worked out by hand in the comments, or come from esda run directly, or
from an independent groupby of the raw input rows (real data, skipped without ../shared).
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from assessment import dataset
from assessment.chapters import hotspots as h
from assessment.errors import AssessmentError
from assessment.periods import financial_year
from assessment.stats import concentration, gistar
from assessment.words import hotspots as words

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real is not present")


def grid(n: int, island: bool = False, prefix: str = "L") -> gpd.GeoDataFrame:
    """An n x n grid of unit squares (code L<row><col>), plus an optional far-away island."""
    cells, codes = [], []
    for r in range(n):
        for c in range(n):
            cells.append(box(c, r, c + 1, r + 1))
            codes.append(f"{prefix}{r:02d}{c:02d}")
    if island:
        cells.append(box(3 * n, 3 * n, 3 * n + 1, 3 * n + 1))
        codes.append(f"{prefix}ISLE")
    return gpd.GeoDataFrame(geometry=cells, index=pd.Index(codes, name="lsoa_code"), crs=27700)


# -- counts, rates, rank, change ------------------------------------------------------------
def test_lsoa_counts_sum_count_column_and_include_zero_lsoas():
    c = pd.DataFrame({"lsoa_code": ["A", "A", "B", "B", "A"], "count": [3, 1, 7, 1, 1],
                      "crime_type": ["Robbery", "Burglary", "Burglary", "Robbery", "Robbery"],
                      "month": pd.to_datetime(["2024-04-01", "2025-03-01", "2024-09-01", "2025-04-01", "2024-03-01"])})
    lsoas = pd.DataFrame(index=pd.Index(["C", "B", "A"], name="lsoa_code"))
    got = dataset.lsoa_counts(c, lsoas, financial_year(2024))
    # 2024/25 = Apr 2024 - Mar 2025: A has 3 + 1 (the Mar 2024 and Apr 2025 rows are outside), B has 7
    assert got.to_dict() == {"C": 0, "B": 7, "A": 4}
    assert got.index.tolist() == ["C", "B", "A"] and got.dtype == "int64" and got.index.name == "lsoa_code"
    assert dataset.lsoa_counts(c, lsoas, financial_year(2024), ["Robbery"]).to_dict() == {"C": 0, "B": 0, "A": 3}


def test_lsoa_counts_refuses_crimes_outside_the_area():
    c = pd.DataFrame({"lsoa_code": ["A", "Z9"], "count": [1, 1]})
    with pytest.raises(AssessmentError, match=r"1 rows have an LSOA code that is not one of the area's 2 LSOAs \(e.g. Z9\)"):
        dataset.lsoa_counts(c, ["A", "B"])
    with pytest.raises(AssessmentError, match="expected column"):
        dataset.lsoa_counts(pd.DataFrame({"lsoa": ["A"]}), ["A"])


def test_rates_per_1000_and_missing_population():
    counts = pd.Series({"A": 30, "B": 5, "C": 2, "D": 7})
    pop = pd.Series({"A": 1500, "B": 0, "D": 3500})
    r = h.rates(counts, pop)
    assert r["A"] == pytest.approx(20.0)      # 30 / 1500 * 1000
    assert r["D"] == pytest.approx(2.0)       # 7 / 3500 * 1000
    assert math.isnan(r["B"]) and math.isnan(r["C"])
    assert list(h.missing_population(counts, pop)) == ["B", "C"]
    assert h.rates(counts, None).isna().all()


def test_rank_ties_share_best_rank_and_change():
    counts = pd.Series({"A": 5, "B": 9, "C": 5, "D": 1})
    assert h.rank(counts).to_dict() == {"A": 2, "B": 1, "C": 2, "D": 4}
    ch = h.change(pd.Series({"A": 12, "B": 3, "C": 4}), pd.Series({"A": 10, "B": 6}))
    assert ch["previous_count"].tolist() == [10, 6, 0]
    assert ch["change"].tolist() == [2, -3, 4]
    assert ch["change_pct"].iloc[0] == pytest.approx(0.2) and ch["change_pct"].iloc[1] == pytest.approx(-0.5)
    assert math.isnan(ch["change_pct"].iloc[2])  # previous 0: no % change
    none = h.change(pd.Series({"A": 1}), None)
    assert none["previous_count"].isna().all() and none["change"].isna().all()


def test_largest_changes():
    t = pd.DataFrame({"change": pd.array([5, -2, 0, 7, -9, pd.NA], dtype="Int64")}, index=list("abcdef"))
    up, down = h.largest_changes(t, 3)
    assert up.index.tolist() == ["d", "a"] and down.index.tolist() == ["e", "b"]


# -- concentration -------------------------------------------------------------------------
def test_top_k_rule_is_ceiling_of_p_times_n():
    # ceil(0.01*150)=2, ceil(0.05*150)=8 (7.5 up), ceil(0.1*150)=15 (not 16 from float error), ceil(0.2*147)=30 (29.4 up)
    assert [concentration.top_k(150, p) for p in (0.01, 0.05, 0.10, 0.20)] == [2, 8, 15, 30]
    assert concentration.top_k(147, 0.20) == 30 and concentration.top_k(10, 0.01) == 1 and concentration.top_k(0, 0.1) == 0
    with pytest.raises(AssessmentError, match="fraction"):
        concentration.top_k(10, 5)


def test_top_share_by_hand():
    # 10 LSOAs, 100 crimes: top 10% = 1 LSOA (50) -> 0.5; top 20% = 2 (50+30) -> 0.8;
    # top 1% = ceil(0.1) = 1 LSOA -> 0.5; top 50% = 5 -> (50+30+10+5+5)/100 = 1.0
    c = pd.Series([0, 30, 0, 5, 50, 0, 10, 0, 5, 0], index=list("abcdefghij"))
    assert concentration.top_share(c, 0.10) == pytest.approx(0.5)
    assert concentration.top_share(c, 0.20) == pytest.approx(0.8)
    assert concentration.top_share(c, 0.01) == pytest.approx(0.5)
    assert concentration.top_share(c, 0.50) == pytest.approx(1.0)
    assert math.isnan(concentration.top_share(pd.Series([0, 0]), 0.1))


def test_gini_hand_worked():
    # sorted [1, 2, 3, 4]: sum (2i - 5) x_i = -3*1 - 1*2 + 1*3 + 3*4 = 10; G = 10 / (4 * 10) = 0.25
    assert concentration.gini(pd.Series([4, 1, 3, 2])) == pytest.approx(0.25)
    assert concentration.gini(pd.Series([5, 5, 5])) == pytest.approx(0.0)
    # one LSOA has everything: (N - 1) / N
    assert concentration.gini(pd.Series([0, 0, 0, 0, 9])) == pytest.approx(0.8)


def test_generalised_gini_hand_worked_bernasco_steenbeek():
    # N = 5 places, C = 2 crimes, spread as evenly as possible: [0, 0, 0, 1, 1]
    # G = sum (2i - 6) x_i / (5 * 2) = (2*4-6)*1 + (2*5-6)*1 = 2 + 4 = 6 -> 6/10 = 0.6 = 1 - C/N
    # G' = max(1, 5/2) * (0.6 - 1) + 1 = 2.5 * (-0.4) + 1 = 0
    even = pd.Series([0, 1, 0, 1, 0])
    assert concentration.gini(even) == pytest.approx(0.6)
    assert concentration.generalised_gini(even) == pytest.approx(0.0)
    # same places, both crimes in one: G = (2*5-6)*2 / 10 = 0.8; G' = 2.5 * (0.8 - 1) + 1 = 0.5
    lumped = pd.Series([0, 0, 2, 0, 0])
    assert concentration.gini(lumped) == pytest.approx(0.8)
    assert concentration.generalised_gini(lumped) == pytest.approx(0.5)
    # more crimes than places: G' = G
    many = pd.Series([10, 3, 0, 7])
    assert concentration.generalised_gini(many) == pytest.approx(concentration.gini(many))


def test_generalised_gini_of_an_even_spread_is_zero_not_minus_zero():
    # N = 7 places, C = 1 crime: G = 6/7, G' = 7 * (6/7 - 1) + 1, which floating point made -4.4e-16
    # (the reviewer saw -1.1e-15 published); every even spread of fewer crimes than places is exactly 0.0
    import json

    from assessment.rounding import GINI
    for n in range(2, 40):
        for c in range(1, n):
            g = concentration.generalised_gini(pd.Series([1] * c + [0] * (n - c)))
            assert g == 0.0 and math.copysign(1.0, g) == 1.0, (n, c, g)
    g = concentration.generalised_gini(pd.Series([1, 0, 0, 0, 0, 0, 0]))
    assert json.dumps(g) == "0.0" and GINI.format(g) == "0.00"
    assert concentration.gini(pd.Series([4, 4, 4])) == 0.0 and math.copysign(1.0, concentration.gini(pd.Series([4, 4, 4]))) == 1.0


def test_lorenz_points():
    lz = concentration.lorenz(pd.Series({"A": 1, "B": 3, "C": 0, "D": 4}))
    # most crime first: D(4), B(3), A(1), C(0) of 8
    assert lz["share_of_lsoas"].tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert lz["share_of_crime"].tolist() == pytest.approx([0, 0.5, 0.875, 1.0, 1.0])
    assert lz.index[1:].tolist() == ["D", "B", "A", "C"]
    asc = concentration.lorenz(pd.Series({"A": 1, "B": 3, "C": 0, "D": 4}), descending=False)
    assert asc["share_of_crime"].tolist() == pytest.approx([0, 0, 0.125, 0.5, 1.0])


def test_concentration_table_rows_per_group():
    t = h.concentration_table({"All crime": pd.Series([50, 30, 10, 5, 5, 0, 0, 0, 0, 0]),
                               "Robbery": pd.Series([1, 0, 0, 0, 0, 0, 0, 0, 0, 0])}, top_n=2)
    assert t.loc["All crime", "top_10pct_share"] == pytest.approx(0.5)
    assert t.loc["All crime", "top2_share"] == pytest.approx(0.8)
    assert t.loc["All crime", "top_20pct_lsoas"] == 2
    # Robbery: 1 crime in 10 places: G = (2*10-11)*1/(10*1) = 0.9; G' = 10 * (0.9 - 1) + 1 = 0
    assert t.loc["Robbery", "gini"] == pytest.approx(0.9)
    assert t.loc["Robbery", "generalised_gini"] == pytest.approx(0.0)


# -- Gi* ----------------------------------------------------------------------------------
def test_gistar_z_equals_esda_on_same_weights_whatever_the_input_order():
    import esda
    import libpysal
    g = grid(8)
    rng = np.random.default_rng(7)
    y = pd.Series(rng.poisson(4, len(g)), index=g.index)
    y[["L0303", "L0304", "L0403", "L0404"]] += 25
    shuffled = y.sample(frac=1.0, random_state=3)         # counts in a different order from the boundaries
    got = gistar.gistar(shuffled, g.sample(frac=1.0, random_state=5), permutations=99, seed=11)
    assert got.index.tolist() == shuffled.index.tolist()
    w = libpysal.weights.Queen.from_dataframe(g, use_index=True)
    ref = esda.G_Local(y.to_numpy(dtype=float), w, transform="B", star=True, permutations=0)
    ref_z = pd.Series(ref.Zs, index=g.index)
    np.testing.assert_allclose(got["gi_z"].to_numpy(), ref_z.reindex(got.index).to_numpy(), rtol=0, atol=1e-9)


def test_gistar_z_by_hand_on_a_5x5_grid():
    # 25 cells; the 2x2 block in the corner (L0000, L0001, L0100, L0101) has 20 crimes each, the rest 1.
    # Corner cell L0000: queen neighbourhood with itself = the 2x2 block, so sum_j w_ij x_j = 80, W_i = 4.
    # n = 25, sum x = 101, mean = 4.04, mean of squares = (4*400 + 21)/25 = 64.84, s^2 = 64.84 - 4.04^2 = 48.5184
    # Gi* = 80/101 = 0.792079; E = W_i/n = 0.16; Var = W_i (n - W_i)/(n - 1)/n^2 * s^2/mean^2
    #     = 4*21/24/625 * 48.5184/16.3216 = 0.0166468;  z = (0.792079 - 0.16)/sqrt(0.0166468) = 4.8990
    g = grid(5)
    y = pd.Series(1, index=g.index)
    y[["L0000", "L0001", "L0100", "L0101"]] = 20
    r = gistar.gistar(y, g, permutations=0)
    assert r.loc["L0000", "gi_z"] == pytest.approx(4.8990, abs=1e-4)
    assert r.loc["L0000", "neighbours"] == 3
    # with permutations=0 the p-value is two-sided normal: 2 * (1 - Phi(4.899)) ~ 9.6e-7
    assert r.loc["L0000", "gi_p"] == pytest.approx(9.63e-7, rel=0.01)


def test_two_sided_pseudo_p_by_hand():
    sims = np.arange(1, 1000, dtype=float)[None, :].repeat(4, axis=0)   # 999 simulations 1..999
    obs = np.array([1000.0, 0.0, 990.0, 500.0])
    # above all: (0 + 1)/1000 * 2 = 0.002; below all: same; 990: #sim >= 990 = 10 -> 2 * 11/1000 = 0.022;
    # 500: #>= = 500, #<= = 500 -> 2 * 501/1000 > 1 -> 1
    np.testing.assert_allclose(gistar.two_sided_pseudo_p(obs, sims), [0.002, 0.002, 0.022, 1.0])


def test_gistar_p_two_sided_is_twice_esdas_directed_p_sim_and_seeded():
    import esda
    import libpysal
    g = grid(8)
    rng = np.random.default_rng(3)
    y = pd.Series(rng.gamma(2.0, 2.0, len(g)), index=g.index)   # continuous values: no ties among simulations
    y[["L0101", "L0102", "L0201"]] += 30
    a = gistar.gistar(y, g, permutations=999, seed=42)
    b = gistar.gistar(y, g, permutations=999, seed=42)
    pd.testing.assert_frame_equal(a, b)                         # same seed, same answer
    w = libpysal.weights.Queen.from_dataframe(g, use_index=True)
    ref = esda.G_Local(y.to_numpy(), w, transform="B", star=True, permutations=999, seed=42, n_jobs=1)
    # esda's p_sim is one-sided in the observed direction; ours doubles it (no ties here)
    np.testing.assert_allclose(a["gi_p"].to_numpy(), np.minimum(1, 2 * ref.p_sim), atol=1e-6)  # p_sim is float32
    assert a["gi_p"].min() >= 0.002 - 1e-12                     # the floor with 999 permutations


def test_gistar_fdr_and_classes():
    g = grid(10)
    rng = np.random.default_rng(5)
    y = pd.Series(rng.poisson(3, len(g)), index=g.index)
    for r in range(2, 5):
        for c in range(2, 5):
            y[f"L{r:02d}{c:02d}"] += 20
    out = gistar.gistar(y, g, permutations=999, seed=1, fdr=True)
    from scipy.stats import false_discovery_control
    np.testing.assert_allclose(out["gi_p_fdr"], false_discovery_control(out["gi_p"], method="bh"))
    assert (out["gi_p_fdr"] >= out["gi_p"] - 1e-15).all()
    # classes follow the FDR p and the sign of z
    for code, row in out.iterrows():
        p, z = row["gi_p_fdr"], row["gi_z"]
        if p <= 0.01:
            expected = gistar.HOT_99 if z > 0 else gistar.COLD_99
        elif p <= 0.05:
            expected = gistar.HOT_95 if z > 0 else gistar.COLD_95
        elif p <= 0.10:
            expected = gistar.HOT_90 if z > 0 else gistar.COLD_90
        else:
            expected = gistar.NOT_SIGNIFICANT
        assert row["gi_class"] == expected, code
    raw = gistar.gistar(y, g, permutations=999, seed=1, fdr=False)   # hotspots.fdr: false: classes on the unadjusted p
    assert (raw["gi_p"] == out["gi_p"]).all()
    assert (raw["gi_class"] == gistar.gi_class(raw["gi_z"], raw["gi_p"])).all()
    assert gistar.count_classes(raw["gi_class"], 0.90) >= gistar.count_classes(out["gi_class"], 0.90)
    assert gistar.count_fdr(raw, 0.05) == gistar.count_classes(out["gi_class"], 0.95)
    # the planted block's centre is a hot spot at 95% or more: its raw p is the floor 2/1000, but with
    # 999 permutations and 100 tests BH reaches 0.01 only when >= 20 LSOAs sit at that floor
    assert out.loc["L0303", "gi_p"] == pytest.approx(0.002)
    assert out.loc["L0303", "gi_class"] in gistar.HOT_AT[0.95]


def test_planted_cluster_found_with_few_false_hot_spots():
    # 12 x 12 grid, background Poisson(5); a planted cluster: core L0606 and its 8 queen neighbours Poisson(25)
    g = grid(12)
    rng = np.random.default_rng(2024)
    y = pd.Series(rng.poisson(5, len(g)), index=g.index)
    cluster = [f"L{r:02d}{c:02d}" for r in (5, 6, 7) for c in (5, 6, 7)]
    y[cluster] = rng.poisson(25, len(cluster))
    out = gistar.gistar(y, g, permutations=999, seed=20240401)
    assert out.loc["L0606", "gi_class"] in gistar.HOT_AT[0.95]
    hot = set(out.index[out["gi_class"].isin(gistar.HOT_AT[0.95])])
    ring = {f"L{r:02d}{c:02d}" for r in range(4, 9) for c in range(4, 9)}   # cluster + the LSOAs touching it
    assert len(hot - ring) <= 2


def test_gistar_island_is_reported_not_tested_and_does_not_crash():
    g = grid(6, island=True)
    y = pd.Series(2, index=g.index)
    y["L0000"] = 30
    y["LISLE"] = 50     # a big count on an island must not make it a 'hot spot'
    out = gistar.gistar(y, g, permutations=99, seed=1)
    assert out.loc["LISLE", "gi_class"] == gistar.NO_NEIGHBOURS
    assert out.loc["LISLE", "neighbours"] == 0
    assert math.isnan(out.loc["LISLE", "gi_z"]) and math.isnan(out.loc["LISLE", "gi_p_fdr"])
    assert out.drop("LISLE")["gi_z"].notna().all()
    assert gistar.queen_weights(g).islands == ["LISLE"]


def test_gistar_with_no_variation_and_mismatched_inputs():
    g = grid(3)
    out = gistar.gistar(pd.Series(0, index=g.index), g, permutations=9)
    assert (out["gi_class"] == gistar.NO_VARIATION).all() and out["gi_z"].isna().all()
    with pytest.raises(AssessmentError, match="same LSOAs"):
        gistar.gistar(pd.Series(1, index=g.index[:-1]), g)
    with pytest.raises(AssessmentError, match="boundary file"):
        gistar.gistar(pd.Series(1, index=g.index), None)
    with pytest.raises(AssessmentError, match="permutations"):
        gistar.gistar(pd.Series([1, 2] * 4 + [3], index=g.index), g, permutations=-1)


def test_gistar_999_permutations_on_150_lsoas_is_fast():
    g = grid(12)                       # 144 LSOAs
    y = pd.Series(np.random.default_rng(1).poisson(8, len(g)), index=g.index)
    w = gistar.queen_weights(g)
    gistar.gistar(y, weights=w, permutations=999)          # warm-up (imports)
    t = time.perf_counter()
    gistar.gistar(y, weights=w, permutations=999)
    assert time.perf_counter() - t < 1.0


# -- tables -------------------------------------------------------------------------------
def _small_area():
    g = grid(4)
    lsoas = pd.DataFrame({"lsoa_name": [f"Area {i}" for i in range(16)],
                          "ward_code": ["W1"] * 8 + ["W2"] * 8, "ward_name": ["North"] * 8 + ["South"] * 8,
                          "population": [1000] * 15 + [np.nan]}, index=g.index)
    rows = []
    for i, code in enumerate(g.index):
        rows += [{"lsoa_code": code, "month": pd.Timestamp("2024-06-01"), "count": i % 5, "crime_type": "Robbery"},
                 {"lsoa_code": code, "month": pd.Timestamp("2023-06-01"), "count": 2, "crime_type": "Burglary"}]
    return g, lsoas, pd.DataFrame(rows)


def test_lsoa_table_columns_and_ward_rollup():
    g, lsoas, crimes = _small_area()
    t = h.lsoa_table(crimes, lsoas, financial_year(2024), boundaries=g, permutations=99, seed=1)
    for col in ["lsoa_name", "ward", "count", "rate_per_1000", "gi_z", "gi_p", "gi_p_fdr", "gi_class",
                "previous_count", "change", "change_pct", "rank"]:
        assert col in t
    assert t.index.name == "lsoa_code" and len(t) == 16
    # L0004 does not exist; L0100 is the 5th cell (i = 4): 4 crimes this year, 2 last year, rate 4/1000*1000 = 4
    assert t.loc["L0100", "count"] == 4 and t.loc["L0100", "previous_count"] == 2
    assert t.loc["L0100", "change"] == 2 and t.loc["L0100", "rate_per_1000"] == pytest.approx(4.0)
    assert t["count"].tolist() == sorted(t["count"].tolist(), reverse=True)
    w = h.ward_rollup(t)
    # North = cells 0..7: counts 0,1,2,3,4,0,1,2 = 13; previous 8*2 = 16; population 8000 -> 1.625 per 1,000
    assert w.loc["W1", "count"] == 13 and w.loc["W1", "previous_count"] == 16 and w.loc["W1", "change"] == -3
    assert w.loc["W1", "rate_per_1000"] == pytest.approx(1.625)
    # South has an LSOA without population: no ward rate
    assert math.isnan(w.loc["W2", "rate_per_1000"])
    assert w["share_of_crime"].sum() == pytest.approx(1.0)
    assert (w["hot_lsoas_95"] == t["gi_class"].isin(gistar.HOT_AT[0.95]).groupby(t["ward_code"]).sum().reindex(w.index)).all()


def test_lsoa_table_without_boundaries_or_previous_year():
    g, lsoas, crimes = _small_area()
    t = h.lsoa_table(crimes, lsoas, financial_year(2024), previous=False)
    assert (t["gi_class"] == gistar.NO_GEOMETRY).all() and t["gi_z"].isna().all()
    assert t["previous_count"].isna().all()
    assert h.ward_rollup(t.assign(ward_code=pd.NA))["count"].empty


def test_publishable_has_the_contract_columns():
    g, lsoas, crimes = _small_area()
    t = h.publishable(h.lsoa_table(crimes, lsoas, financial_year(2024), boundaries=g, permutations=9))
    need = ["lsoa_code", "lsoa_name", "ward", "count", "rate_per_1000", "gi_z", "gi_p", "gi_p_fdr", "gi_class",
            "previous_count", "change"]
    assert all(c in t.columns for c in need) and t.columns[0] == "lsoa_code"


# -- the demo area: planted truth ---------------------------------------------------------
DEMO_CONFIG = ROOT / "assessment.yml"
MINIMAL_DEMO_CONFIG = """area: {name: Demoborough}
synthetic: true
inputs:
  crimes: data/demo/crimes.csv
  population: data/demo/population.csv
  boundaries: maps/demo/lsoa.gpkg
  wards: maps/demo/lsoa_wards.csv
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(dataset for 2024/25, truth.json): the project's demo config when present, else the demo
    generated into a temporary folder and read with a minimal record-level config."""
    import json
    try:
        from assessment.config import load_config
        from assessment.demo import ensure_demo, generate
        from assessment.loaders import load_dataset
    except ImportError as e:  # pragma: no cover - while the demo generator is being written
        pytest.skip(f"demo generator or loaders not available: {e}")
    if DEMO_CONFIG.exists():
        cfg = load_config(DEMO_CONFIG)
        ensure_demo(cfg)
    else:
        root = tmp_path_factory.mktemp("demo")
        generate(root)
        (root / "assessment.yml").write_text(MINIMAL_DEMO_CONFIG)
        cfg = load_config(root / "assessment.yml")
    truth = json.loads((cfg.root / "data" / "demo" / "truth.json").read_text(encoding="utf-8"))
    return load_dataset(cfg, year=2024), truth


#: at most this many LSOAs outside the planted clusters and the LSOAs touching them may be hot at 95%+
MAX_FALSE_HOT = 2


def test_demo_planted_hotspots_are_found(demo):
    ds, truth = demo
    clusters = truth["hotspots"]["clusters"]
    res = h.analyse(ds, emerging=False)
    t = res.table
    planted = set()
    for cl in clusters:
        assert t.loc[cl["core"], "gi_class"] in gistar.HOT_AT[0.95], (cl["pattern"], t.loc[cl["core"], "gi_class"])
        planted |= set(cl["members"]) | set(cl["ring"])   # ring LSOAs' Gi* includes cluster members
    hot = set(t.index[t["gi_class"].isin(gistar.HOT_AT[0.95])])
    assert len(hot - planted) <= MAX_FALSE_HOT, sorted(hot - planted)
    island = truth["geography"]["island"]
    assert res.islands == [island] and t.loc[island, "gi_class"] == gistar.NO_NEIGHBOURS
    assert res.headlines["hotspots.hot_spots_95"] == len(hot)


def test_demo_emerging_patterns_of_the_planted_clusters(demo):
    ds, truth = demo
    res = h.analyse_emerging(ds)
    assert len(res.periods) >= 5 and res.enough_years and not words.emerging_notes(res)
    t = res.table
    cores = {cl["pattern"]: cl["core"] for cl in truth["hotspots"]["clusters"]}
    years = [p.label for p in res.periods]
    # persistent: x2.5 every year -> hot every year, no significant trend
    assert t.loc[cores["persistent"], "category"] == "Persistent hot spot"
    # diminishing: x4.2 falling to x2.2, still hot in the final year -> hot every year, significant downward trend
    assert t.loc[cores["diminishing"], "category"] == "Diminishing hot spot"
    # emerging: elevated only in the last two years -> hot in the final year, never hot before the last two
    e = t.loc[cores["emerging"]]
    assert e["final_state"] == 1 and all(e[f"state {y}"] != 1 for y in years[:-2])
    assert e["category"] in {"New hot spot", "Consecutive hot spot", "Oscillating hot spot"}


def _hot95_by_seed(ds, seeds):
    """All-crime hot spots at 95%+ under the config's significance rule, for each seed."""
    from assessment.significance import SignificanceRule
    rule = SignificanceRule.from_config(ds.config.hotspots)
    lsoas = ds.lsoa_frame()
    w = gistar.queen_weights(ds.boundaries.reindex(dataset.lsoa_universe(lsoas)))
    counts = dataset.lsoa_counts(ds.crimes, lsoas, ds.period)
    return rule, {s: gistar.count_classes(gistar.gistar(counts, weights=w, permutations=rule.permutations, seed=s, fdr=rule.fdr,
                                              max_permutations=rule.max_permutations)["gi_class"], 0.95)
                  for s in seeds}


def test_demo_hot_spot_count_at_95_does_not_depend_on_the_seed(demo):
    """Issue 12: with the default rule (FDR-adjusted classes, 9,999 permutations, more for borderline
    LSOAs), another seed moves the demo's 95% hot-spot count by at most one.  (Measured over 20 seeds:
    11 every time; with 999 permutations and the FDR p it ranged from 5 to 16.)"""
    ds, truth = demo
    rule, hot = _hot95_by_seed(ds, [20240401, 1, 2])
    assert (rule.fdr, rule.permutations) == (True, 9999)
    assert max(hot.values()) - min(hot.values()) <= 1, hot
    assert min(hot.values()) >= len(truth["hotspots"]["clusters"])      # every planted core, at least


# -- real data: Haringey 2024/25 from the MPS LSOA counts ----------------------------------
MPS = REAL / "mps_recorded_crime" / "mps_lsoa_level_crime_202402_202602_haringey.csv"
BOUNDARIES = REAL / "boundaries" / "haringey_lsoa2021_gen20_wgs84.geojson"


@needs_real
@pytest.mark.real
def test_real_haringey_mps_counts_equal_independent_groupby_and_gistar_runs():
    raw = pd.read_csv(MPS, dtype={"lsoa_code": str})
    months = [f"2024{m:02d}" for m in range(4, 13)] + [f"2025{m:02d}" for m in range(1, 4)]
    expected = raw.groupby("lsoa_code")[months].sum().sum(axis=1)          # independent: wide sum of 2024/25 months
    # the crimes frame the workbook's loaders produce (canonical columns), built here from the raw file
    long = raw.melt(id_vars=["lsoa_code", "lsoa_name", "borough", "major_category", "minor_category"],
                    var_name="yyyymm", value_name="count")
    long["month"] = pd.to_datetime(long["yyyymm"], format="%Y%m")
    long = long.rename(columns={"minor_category": "crime_type"})
    bnd = gpd.read_file(BOUNDARIES).to_crs(27700).set_index("LSOA21CD")
    bnd.index.name = "lsoa_code"
    counts = dataset.lsoa_counts(long, bnd, financial_year(2024))
    assert len(counts) == 147
    pd.testing.assert_series_equal(counts.sort_index(), expected.reindex(counts.index).fillna(0).astype("int64")
                                   .sort_index().rename("count"), check_names=False)
    assert counts.sum() == int(raw[months].to_numpy().sum())
    t = time.perf_counter()
    out = gistar.gistar(counts, bnd, permutations=999, seed=20240401)
    elapsed = time.perf_counter() - t
    assert out["gi_z"].notna().sum() + (out["gi_class"] == gistar.NO_NEIGHBOURS).sum() == 147
    assert set(out["gi_class"]) <= set(gistar.GI_CLASSES)
    assert elapsed < 3.0    # includes building the queen weights


@needs_real
@pytest.mark.real
def test_real_haringey_via_the_loaders_matches_raw_rows():
    cfg_path = ROOT / "examples" / "haringey-mps-2024.yml"
    if not cfg_path.exists():
        pytest.skip("examples/haringey-mps-2024.yml not written yet")
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    ds = load_dataset(load_config(cfg_path), year=2024)
    res = h.analyse(ds, emerging=False)
    raw = pd.read_csv(MPS, dtype={"lsoa_code": str})
    months = [f"2024{m:02d}" for m in range(4, 13)] + [f"2025{m:02d}" for m in range(1, 4)]
    expected = raw.groupby("lsoa_code")[months].sum().sum(axis=1)
    got = res.table["count"]
    assert len(got) == 147
    assert (got.sort_index() == expected.reindex(got.index).fillna(0).astype("int64").sort_index()).all()
    assert res.headlines["hotspots.crimes"] == int(raw[months].to_numpy().sum())
    assert res.headlines["hotspots.islands"] == []          # the 2021 Haringey LSOAs all touch another
    assert len(res.headlines["hotspots.top10_lsoas"]) == 10
    assert res.headlines["hotspots.top10_lsoas"][0] == expected.idxmax()
    assert not res.has_previous                              # the MPS file starts in Feb 2024


@needs_real
@pytest.mark.real
def test_real_haringey_hot_spot_count_at_95_does_not_depend_on_the_seed(tmp_path):
    """Issue 12 on real data: Haringey 2024/25 (MPS LSOA counts), the default rule, three seeds.
    Read from a copy of examples/haringey-mps-2024.yml without its crime groups (their names are
    being fixed elsewhere; the all-crime counts do not use them)."""
    import yaml

    from assessment.config import load_config
    from assessment.loaders import load_dataset
    src = ROOT / "examples" / "haringey-mps-2024.yml"
    if not src.exists():
        pytest.skip("examples/haringey-mps-2024.yml not present")
    cfg = yaml.safe_load(src.read_text(encoding="utf-8"))
    cfg.pop("crime_groups", None)
    cfg.pop("hotspots", None)                               # the defaults: the rule under test
    cfg["inputs"] = {k: str((src.parent / v).resolve()) for k, v in cfg["inputs"].items()}
    (tmp_path / "assessment.yml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    ds = load_dataset(load_config(tmp_path / "assessment.yml"), year=2024)
    rule, hot = _hot95_by_seed(ds, [20240401, 1, 2])
    assert (rule.fdr, rule.permutations) == (True, 9999)
    assert max(hot.values()) - min(hot.values()) <= 1, hot


def test_docstring_examples_hold():
    import doctest

    from assessment.chapters import hotspots
    result = doctest.testmod(hotspots, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 5 and result.failed == 0


def test_no_lsoa_change_against_a_year_with_no_data(tmp_path):
    """A missing extract for the previous year is a gap, not zero crime: no change is computed
    (the corpus case year-gap-previous-year: crimes in 2022/23 and 2024/25 only)."""
    import shutil

    from assessment.config import load_config
    from assessment.loaders import load_dataset
    corpus = ROOT / "tests" / "bad_inputs"
    for f in ("lsoa.geojson", "population.csv", "wards.csv"):
        shutil.copy(corpus / "base" / f, tmp_path / f)
    shutil.copy(corpus / "year-gap-previous-year" / "crimes.csv", tmp_path / "crimes.csv")
    (tmp_path / "assessment.yml").write_text("area: {name: Testham}\ninputs: {crimes: crimes.csv, "
                                             "population: population.csv, boundaries: lsoa.geojson, wards: wards.csv}\n")
    ds = load_dataset(load_config(tmp_path / "assessment.yml"), year=2024)
    res = h.analyse(ds, emerging=False)
    assert res.table["count"].sum() == 10
    assert not res.has_previous and res.table["change"].isna().all()


def test_concentration_title_sentence_and_summary_round_alike():
    """The share the chart title, the chapter's sentence and the executive summary state is one figure,
    to one decimal place everywhere (the sentence and title said '16%' where the summary said 16.5%)."""
    from types import SimpleNamespace

    from assessment.summary import build_summary
    from assessment.words import summary as narrative
    counts = pd.Series([20, 15, 12] + [1] * 97, index=[f"L{i:03d}" for i in range(100)])   # 144 crimes
    conc = pd.DataFrame({h.ALL_CRIME: h.concentration(counts, top_n=10)}).T
    res = SimpleNamespace(concentration=conc, period=financial_year(2024))
    # top 10% = 10 LSOAs: 20 + 15 + 12 + 7 = 54 of 144 = 37.5%; the top 10 LSOAs are the same 10
    assert words.lorenz_title(res) == "The 10% of LSOAs with most crime had 37.5% of it in 2024/25"
    assert words.concentration_sentence(res, "Testham").startswith(
        "The 10 LSOAs with most crime (10.0% of Testham's 100 LSOAs) had 37.5% of its 144 crimes in 2024/25")
    s = build_summary([{"hotspots.top10_lsoas": list(counts.index[:10]), "hotspots.lsoas": 100,
                        "hotspots.top10_share": float(conc.loc[h.ALL_CRIME, "top10_share"])}])
    assert "had 37.5% of all recorded crime" in narrative.hotspots(s)[0].sentence
