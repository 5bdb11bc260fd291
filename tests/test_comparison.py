"""Comparison with other areas: rates, ranks, comparator group — by hand and on real London data."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assessment.chapters import performance as chapter
from assessment.errors import AssessmentError, ConfigError
from assessment.periods import financial_year
from assessment.words import common
from assessment.words import performance as words

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
MPS = REAL / "mps_recorded_crime" / "mps_lsoa_level_crime_202402_202602_london.csv.gz"
POP = REAL / "population" / "ons_sape_lsoa21_population_density_mid2011_mid2022_london.csv"
needs_real = pytest.mark.skipif(not (MPS.exists() and POP.exists()), reason="../shared/data/real is not present")


@pytest.fixture
def small():
    # crimes:           THEFT  ROBBERY  total     population   total rate per 1,000
    #   A                 30      10      40        2,000        20.0
    #   B                 10       0      10        1,000        10.0
    #   C                 60       0      60        3,000        20.0   (ties with A)
    #   D                  5       5      10        none         not ranked
    f = pd.DataFrame({"area": ["A", "A", "B", "C", "D", "D"],
                      "major_category": ["THEFT", "ROBBERY", "THEFT", "THEFT", "THEFT", "ROBBERY"],
                      "count": [30, 10, 10, 60, 5, 5]})
    pop = pd.Series({"A": 2000, "B": 1000, "C": 3000})
    return f, pop


def test_rates_ranks_hand_worked(small):
    f, pop = small
    res = chapter.compare(f, pop, "a", comparators=["B"])
    assert res.area == "A" and res.areas == 3                     # D has no population: not ranked
    p = res.position
    # all crime: A 20.0 joint highest with C; all-area rate (40+10+60)/(6,000) x 1000 = 18.333
    assert p.loc["All crime", "rate"] == 20.0
    assert p.loc["All crime", "rank"] == 1 and p.loc["All crime", "tied"]
    assert words.position_phrase(res, "All crime") == "joint highest"
    assert p.loc["All crime", "all_area_rate"] == pytest.approx(110 / 6000 * 1000)
    assert p.loc["All crime", "vs_all"] == pytest.approx(20 / (110 / 6) - 1)
    # comparator group {A, B}: (40 + 10) / 3,000 x 1000 = 16.667; A ranks 1st of 2
    assert p.loc["All crime", "comparator_rate"] == pytest.approx(50 / 3)
    assert (p.loc["All crime", "comparator_rank"], p.loc["All crime", "comparator_areas"]) == (1, 2)
    # theft: A 15.0, B 10.0, C 20.0 -> A 2nd of 3; all-area 100/6000 = 16.667
    assert p.loc["THEFT", "rate"] == 15.0 and p.loc["THEFT", "rank"] == 2
    assert p.loc["THEFT", "all_area_rate"] == pytest.approx(100 / 6)
    # robbery: A 5.0, B 0, C 0 -> A highest
    assert p.loc["ROBBERY", "rank"] == 1 and words.position_phrase(res, "ROBBERY") == "the highest"
    t = res.table
    d = t[(t["area"] == "D") & (t["category"] == "All crime")].iloc[0]
    assert d["count"] == 10 and pd.isna(d["rank"]) and np.isnan(d["rate_per_1000"])
    assert "D" in words.comparison_notes(res)[0]
    assert list(t["category"].unique())[0] == "All crime"


def test_ordinals_and_phrases():
    assert [common.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 32)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "32nd"]
    assert common.rank_phrase(8, 32) == "8th highest"
    assert common.rank_phrase(16, 32) == "16th highest"    # the upper half is counted from the top
    assert common.rank_phrase(17, 32) == "16th lowest"     # 32 - 17 + 1
    assert common.rank_phrase(32, 32) == "the lowest"
    assert common.rank_phrase(2, 3) == "2nd highest"       # the middle of an odd number, from the top
    assert common.rank_phrase(4, 10, tied=True) == "joint 4th highest"


def test_bad_inputs(small):
    f, pop = small
    with pytest.raises(ConfigError, match="'Zed' is not an area in the crime input"):
        chapter.compare(f, pop, "A", comparators=["Zed"])
    with pytest.raises(AssessmentError, match="'Nowhere' is not among the areas"):
        chapter.compare(f, pop, "Nowhere")
    with pytest.raises(AssessmentError, match="no population figure for D"):
        chapter.compare(f, pop, "D")
    with pytest.raises(Exception, match="column"):
        chapter.compare(f.drop(columns="count"), pop, "A")


def test_sentence_and_headlines(small):
    f, pop = small
    res = chapter.compare(f, pop, "B")
    res.label, res.period_label = "test areas", "2024/25"
    assert words.comparison_sentence(res) == ("B had the lowest rate of recorded crime of the 3 test areas in 2024/25 "
                                 "(10.0 crimes per 1,000 residents, against 18.3 for all of them together).")
    h = chapter.comparison_headlines(res)
    assert (h["comparison.rank_total"], h["comparison.areas"], h["comparison.rate_total"]) == (3, 3, 10.0)
    theft = next(c for c in h["comparison.by_category"] if c["name"] == "Theft")
    assert theft["rank"] == 3 and theft["tied"] is False   # B's theft rate 10.0 is the lowest of 15, 10, 20


def test_period_filter():
    f = pd.DataFrame({"area": ["A", "A", "B"], "major_category": ["THEFT"] * 3, "count": [5, 7, 1],
                      "month": pd.to_datetime(["2024-03-01", "2024-04-01", "2024-04-01"])})
    c = chapter.area_counts(f, period=financial_year(2024))
    assert c.loc["A", "All crime"] == 7 and c.loc["B", "All crime"] == 1   # March 2024 is 2023/24


# ---------------------------------------------------------------------------------------------
# real data: Haringey among the London boroughs, 2024/25 (MPS LSOA-level counts, ONS mid-2022)
# ---------------------------------------------------------------------------------------------
FY_COLS = [f"2024{m:02d}" for m in range(4, 13)] + [f"2025{m:02d}" for m in range(1, 4)]


@pytest.fixture(scope="module")
def london():
    raw = pd.read_csv(MPS, dtype={c: "int64" for c in FY_COLS})
    pop = pd.read_csv(POP)
    return raw, pop


def _borough(lsoa_name: pd.Series) -> pd.Series:
    # "Barking and Dagenham 016A" -> "Barking and Dagenham": drop the last word
    return lsoa_name.str.rsplit(" ", n=1).str[0]


@needs_real
def test_london_haringey_2024_25(london):
    raw, pop = london
    # the library's input: long (area, major_category, month, count) rows, as the loader builds them
    long = raw.assign(area=_borough(raw["lsoa_name"])).melt(
        id_vars=["area", "major_category"], value_vars=[c for c in raw.columns if c.isdigit()],
        var_name="yyyymm", value_name="count")
    long["month"] = pd.to_datetime(long["yyyymm"], format="%Y%m")
    long = long[long["count"] > 0]
    population = pop.assign(area=_borough(pop["LSOA 2021 Name"])).groupby("area")["Mid-2022: Population"].sum()
    res = chapter.compare(long, population, "Haringey", period=financial_year(2024),
                      comparators=["Enfield", "Waltham Forest", "Hackney", "Lambeth"])

    # independent computation: sum the twelve month columns of the wide file per borough and category
    wide = raw.assign(area=_borough(raw["lsoa_name"]), fy=raw[FY_COLS].sum(axis=1))
    by_cat = wide.pivot_table(index="area", columns="major_category", values="fy", aggfunc="sum", fill_value=0)
    by_cat["All crime"] = wide.groupby("area")["fy"].sum()
    pop_b = pop.groupby(pop["LSOA 2021 Name"].str[:-5])["Mid-2022: Population"].sum()   # "Name 001A" -> "Name"
    pop_b = pop_b.reindex(by_cat.index)
    assert len(by_cat) == 32 and pop_b.notna().all()        # 32 boroughs, each with a population (not the City)
    assert res.areas == 32
    checked = 0
    for cat in by_cat.columns:
        rate = by_cat[cat] / pop_b * 1000
        ordered = rate.sort_values(ascending=False)
        expected_rank = int((rate > rate["Haringey"]).sum()) + 1
        assert list(ordered.index).index("Haringey") + 1 == expected_rank   # no tie at Haringey's rate
        p = res.position.loc[cat]
        assert p["count"] == by_cat.loc["Haringey", cat]
        assert p["rate"] == pytest.approx(rate["Haringey"], rel=1e-12)
        assert p["rank"] == expected_rank
        assert p["all_area_rate"] == pytest.approx(by_cat[cat].sum() / pop_b.sum() * 1000, rel=1e-9)
        group = ["Haringey", "Enfield", "Waltham Forest", "Hackney", "Lambeth"]
        assert p["comparator_rate"] == pytest.approx(by_cat.loc[group, cat].sum() / pop_b[group].sum() * 1000, rel=1e-9)
        assert p["comparator_rank"] == int((rate[group] > rate["Haringey"]).sum()) + 1
        # every borough's rate and rank in the long table, not only Haringey's
        t = res.table[res.table["category"] == cat].set_index("area")
        assert t["rate_per_1000"].to_numpy() == pytest.approx(rate.reindex(t.index).to_numpy(), rel=1e-12)
        assert (t["rank"].astype(int) == rate.rank(ascending=False, method="min").reindex(t.index).astype(int)).all()
        checked += 1
    assert checked == 11            # 10 major categories in the LSOA file + all crime
    # a sanity anchor worked from the file: Haringey 2024/25 total and its population (mid-2022: 262,413)
    assert pop_b["Haringey"] == 262_413
    assert res.position.loc["All crime", "count"] == int(wide.loc[wide["area"] == "Haringey", "fy"].sum())


@needs_real
def test_london_through_the_loader(tmp_path):
    try:
        from assessment.config import load_config
        from assessment.loaders import load_dataset
    except ImportError:
        pytest.skip("the loaders are not ready")
    cfg = load_config(ROOT / "examples" / "london-comparison.yml")
    ds = load_dataset(cfg, year=2024)
    assert ds.all_areas is not None and ds.all_areas_population is not None
    res = chapter.comparison(ds)
    assert res is not None and res.areas == 32 and res.area == "Haringey"
    # same independent computation as above, for all crime only
    raw = pd.read_csv(MPS)
    fy = raw.assign(area=_borough(raw["lsoa_name"]), fy=raw[FY_COLS].sum(axis=1)).groupby("area")["fy"].sum()
    pop = pd.read_csv(POP)
    pop_b = pop.groupby(_borough(pop["LSOA 2021 Name"]))["Mid-2022: Population"].sum().reindex(fy.index)
    rate = fy / pop_b * 1000
    p = res.position.loc["All crime"]
    assert p["rate"] == pytest.approx(rate["Haringey"], rel=1e-12)
    assert p["rank"] == int((rate > rate["Haringey"]).sum()) + 1
    assert words.comparison_figure_title(res).startswith("Haringey had the ")


def test_unavailable_reasons():
    from types import SimpleNamespace

    from assessment.config import Config
    cfg = Config.model_validate({"area": {"name": "South Yorkshire"}})
    frame = pd.DataFrame({"area": ["Sheffield", "Rotherham"], "month": pd.to_datetime(["2024-04-01", "2025-03-01"]),
                          "crime_type": ["Burglary"] * 2, "major_category": [pd.NA] * 2, "count": [5, 3]})
    pop = pd.Series({"Sheffield": 500_000, "Rotherham": 250_000})
    ds = SimpleNamespace(config=cfg, period=financial_year(2024), all_areas=None, all_areas_population=None)
    assert "covers only this area" in words.unavailable_reason(ds)
    ds.all_areas = frame
    assert "no population figure" in words.unavailable_reason(ds)
    ds.all_areas_population = pop
    # the assessed area is the whole force, not one of the districts: no ranking, a sentence saying why
    assert words.unavailable_reason(ds).startswith("South Yorkshire is not one of the areas in the crime input")
    assert chapter.comparison(ds) is None
    ds.config = Config.model_validate({"area": {"name": "Sheffield"}})
    res = chapter.comparison(ds)
    # no major categories in police.uk data: compared by crime type; Sheffield 5/500,000 = 0.01 per 1,000
    assert res.by == "crime_type" and res.position.loc["All crime", "rate"] == pytest.approx(0.01)
    assert res.position.loc["All crime", "rank"] == 2     # Rotherham 3/250,000 = 0.012
    ds.period = financial_year(2025)
    assert "do not cover the whole of 2025/26" in words.unavailable_reason(ds)


def test_comparator_position_is_worded_the_same_in_text_table_and_summary():
    # 8 areas, all in the comparator group; A's rate 50 is the 5th highest of 8 = the 4th lowest
    rates = {"A": 50, "B": 80, "C": 70, "D": 60, "E": 55, "F": 40, "G": 30, "H": 20}
    f = pd.DataFrame({"area": list(rates), "major_category": ["THEFT"] * 8, "count": list(rates.values())})
    res = chapter.compare(f, pd.Series({a: 1000 for a in rates}), "A", comparators=[a for a in rates if a != "A"])
    res.label = "test areas"
    assert words.position_display(res).loc["All crime", "Position in group"] == "4th lowest of 8"
    assert "; 4th lowest of 8 in its comparator group, whose rate is 50.6" in words.comparison_sentence(res)
    from assessment.summary import build_summary
    from assessment.words import summary as nar
    s = build_summary([{**chapter.comparison_headlines(res), "area.name": "A"}])
    assert "it ranked 4th lowest of 8 in its comparator group" in nar.crime_rate(s)[0].sentence
    # a tie is "joint" everywhere, and the sentence reads "the joint ..."
    f.loc[f["area"] == "E", "count"] = 50
    res = chapter.compare(f, pd.Series({a: 1000 for a in rates}), "A", comparators=[a for a in rates if a != "A"])
    assert words.position_display(res).loc["All crime", "Position in group"] == "joint 4th highest of 8"
    assert words.comparison_sentence(res).startswith("A had the joint 4th highest rate of recorded crime")
    s = build_summary([{**chapter.comparison_headlines(res), "area.name": "A"}])
    assert "it ranked joint 4th highest of 8 in its comparator group" in nar.crime_rate(s)[0].sentence


def test_a_population_for_one_area_only_is_no_comparison():
    # the synthetic national year's population file has LSOA codes but no names: they are named
    # from the boundary file's features of the assessed area only, so one area had a population and
    # the report said "the highest crime rate of the 1 areas compared"; now there is no comparison,
    # and the report says why
    from assessment.loaders import _all_areas_population
    all_areas = pd.DataFrame({"area": ["Aham", "Beeton", "Ceeford"], "count": [5, 3, 4]})
    pop = pd.DataFrame({"lsoa_code": ["E01000001", "E01000002", "E01000003"], "lsoa_name": [pd.NA] * 3,
                        "population": [1500, 1600, 1700]})
    names = pd.Series({"E01000001": "Aham 001A", "E01000002": "Aham 001B"})     # the area's features only
    assert _all_areas_population(pop, all_areas, names, None) is None
    names["E01000003"] = "Beeton 001A"
    assert _all_areas_population(pop, all_areas, names, None).to_dict() == {"Aham": 3100, "Beeton": 1700}
