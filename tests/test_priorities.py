"""The priorities page (issue 14, item 2) and the front of the appendix (item 8).

Values are worked out by hand on a small area of ten LSOAs, and independently from the demo's
files (data/demo/truth.json and crimes.csv) for the demo borough.
"""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from assessment.accounting import Accounting
from assessment.chapters import crime_in_the_area as chapter1
from assessment.chapters import hotspots as chapter2
from assessment.chapters import priorities as chapter
from assessment.config import Config
from assessment.dataset import CRIME_COLUMNS, Dataset, conform
from assessment.periods import financial_year
from assessment.summary import build_summary, validate
from assessment.words import appendix as appendix_words
from assessment.words import priorities as words

FY = financial_year(2024)
LSOAS = [f"E010000{i:02d}" for i in range(1, 11)]
GROUPS = {"Group A": ["Type A"], "Group B": ["Type B"], "Group C": ["Type C"],
          "Groups A and B": ["Type A", "Type B"]}


# -- a small area, by hand ----------------------------------------------------------------------------
#
# Ten LSOAs of 1,000 residents (10,000 in all).  Crimes (financial years):
#
#   type     2024/25 (where)                  2023/24   2020/21 (baseline)
#   Type A   60 (6 in each LSOA)              50        40
#   Type B   30 (all in the first LSOA)       20        30
#   Type C   21 (7 in each of LSOAs 2-4)      20        14
#   Type D   12 (one a month, every month)    12 + 10   12        (in no group)
#
# All crime: 123 in 2024/25 against 112 in 2023/24: +9.82%.
#
#   group  volume  change    rate/1,000  top 10% share   points
#   A      60      +20.0%    6.0         6/60  = 0.100   volume (60 > median 30), rising (+20% > +9.82%)
#   B      30      +50.0%    3.0         30/30 = 1.000   rising, concentrated (1.0 > median 1/3)
#   C      21      +5.0%     2.1         7/21  = 0.333   none (+5% rose, but less than all crime;
#                                                         1/3 is the median itself, not above it)
#   A+B    90      +28.6%    9.0         a composite: shown, not ranked, not in the medians
#
# A and B have 2 points each; A has more crimes, so A ranks 1st, B 2nd, C 3rd.
def _rows(crime_type, month, lsoas):
    return [{"month": pd.Timestamp(month), "crime_type": crime_type, "lsoa_code": code} for code in lsoas]


def small_dataset(**extra) -> Dataset:
    rows = []
    rows += _rows("Type A", "2024-06-01", LSOAS * 6)
    rows += _rows("Type A", "2023-06-01", [LSOAS[0]] * 50)
    rows += _rows("Type A", "2020-06-01", [LSOAS[0]] * 40)
    rows += _rows("Type B", "2024-06-01", [LSOAS[0]] * 30)
    rows += _rows("Type B", "2023-06-01", [LSOAS[1]] * 20)
    rows += _rows("Type B", "2020-06-01", [LSOAS[1]] * 30)
    rows += _rows("Type C", "2024-06-01", LSOAS[1:4] * 7)
    rows += _rows("Type C", "2023-06-01", [LSOAS[2]] * 20)
    rows += _rows("Type C", "2020-06-01", [LSOAS[2]] * 14)
    for m in pd.date_range("2020-04-01", "2025-03-01", freq="MS"):
        rows += _rows("Type D", m, [LSOAS[9]])
    rows += _rows("Type D", "2023-07-01", [LSOAS[8]] * 10)
    crimes = conform(pd.DataFrame(rows), CRIME_COLUMNS)
    cfg = Config.model_validate({"area": {"name": "Testham"}, "crime_groups": GROUPS,
                                 "hotspots": {"permutations": 0}, **extra.pop("config", {})})
    pop = pd.Series(1000, index=pd.Index(LSOAS, name="lsoa_code"), name="population")
    return Dataset(config=cfg, period=FY, crimes=crimes, accounting=Accounting(), population=pop, **extra)


def headlines_of(ds) -> list[dict]:
    """Chapters 1 and 2's headline fragments."""
    return [chapter1.analyse(ds).headlines, chapter2.analyse(ds, emerging=False).headlines]


def figures_of(ds) -> dict:
    """The summary figures the executive summary reads: chapters 1 and 2's headlines, merged."""
    return build_summary(headlines_of(ds), records={})


@pytest.fixture(scope="module")
def small():
    ds = small_dataset()
    return ds, figures_of(ds)


def test_chapter_2_records_each_groups_top_10pct_share(small):
    _, s = small
    got = {g["name"]: g["top_share_10"] for g in s["hotspots"]["by_group"]}
    assert got["Group A"] == pytest.approx(0.1) and got["Group B"] == pytest.approx(1.0)
    assert got["Group C"] == pytest.approx(1 / 3)
    validate(s)


def test_the_small_area_by_hand(small):
    ds, s = small
    r = chapter.analyse(s, ds)
    t = r.table.set_index("crime_group")
    assert list(t.index) == ["Group A", "Group B", "Group C", "Groups A and B"]
    assert t["rank"].tolist()[:3] == [1, 2, 3] and pd.isna(t.loc["Groups A and B", "rank"])
    assert t["points"].tolist()[:3] == [2, 2, 0]
    assert t.loc["Group A", "criteria_met"] == "volume; rising"
    assert t.loc["Group B", "criteria_met"] == "rising; concentrated"
    assert t.loc["Group C", "criteria_met"] == ""
    # the figures side by side, from chapters 1 and 2
    assert t.loc["Group A", ["current", "previous", "baseline"]].tolist() == [60, 50, 40]
    assert t.loc["Group A", "change_pct"] == pytest.approx(0.2)
    assert t.loc["Group B", "change_vs_baseline_pct"] == pytest.approx(0.0)
    assert t.loc["Group C", "change_vs_baseline_pct"] == pytest.approx(0.5)
    assert t["rate_per_1000"].tolist() == pytest.approx([6.0, 3.0, 2.1, 9.0])
    assert t.loc["Group C", "top_share_10"] == pytest.approx(1 / 3)
    # the composite: shown with its figures, no points
    assert t.loc["Groups A and B", "current"] == 90 and t.loc["Groups A and B", "points"] == 0
    assert r.composites == ["Groups A and B"]
    # the benchmarks: medians of the three ranked groups (not the composite), all crime's change
    assert r.benchmarks["volume"] == 30
    assert r.benchmarks["rising"] == pytest.approx(11 / 112)
    assert r.benchmarks["concentrated"] == pytest.approx(1 / 3)
    # no other areas: the rate criterion is not assessed, and says why
    assert r.missing == {"rate": "single_area"} and r.comparison is None
    assert (r.period_label, r.previous_label, r.baseline_label) == ("2024/25", "2023/24", "2020/21")


def test_the_headlines_validate(small):
    ds, s = small
    r = chapter.analyse(s, ds)
    assert r.headlines["priorities.groups"][0] == {"name": "Group A", "rank": 1, "points": 2}
    assert r.headlines["priorities.groups"][-1] == {"name": "Groups A and B", "rank": None, "points": None}
    assert r.headlines["priorities.criteria_assessed"] == ["volume", "rising", "concentrated"]
    validate(build_summary([*headlines_of(ds), r.headlines], records={}))


def _other_areas() -> tuple[pd.DataFrame, pd.Series]:
    # crimes in 2024/25 by area and type; residents: Testham 10,000, Otherby 20,000, Thirdton 10,000
    counts = {"Testham": {"Type A": 60, "Type B": 30, "Type C": 21},
              "Otherby": {"Type A": 40, "Type B": 100, "Type C": 10},
              "Thirdton": {"Type A": 10, "Type B": 10, "Type C": 50}}
    rows = [{"area": a, "month": pd.Timestamp("2024-04-01"), "crime_type": t, "major_category": None, "count": n}
            for a, d in counts.items() for t, n in d.items()]
    rows.append({"area": "Testham", "month": pd.Timestamp("2025-03-01"), "crime_type": "Type D",
                 "major_category": None, "count": 1})
    return pd.DataFrame(rows), pd.Series({"Testham": 10000, "Otherby": 20000, "Thirdton": 10000})


def test_rates_against_the_comparator_group_by_hand(small):
    _, s = small
    frame, pop = _other_areas()
    ds = small_dataset(all_areas=frame, all_areas_population=pop,
                       config={"performance": {"comparators": ["otherby"], "comparison_label": "test areas"}})
    cmp, why = chapter.group_comparison(ds)
    assert why is None and cmp.attrs["kind"] == "comparators" and cmp.attrs["comparators"] == ["Otherby"]
    # the comparator group is Testham and Otherby pooled (30,000 residents), as chapter 5 pools it
    assert cmp.loc["Group A", "rate"] == pytest.approx(100 / 30)      # (60 + 40) / 30,000 x 1,000
    assert cmp.loc["Group B", "rate"] == pytest.approx(130 / 30)
    assert cmp.loc["Group C", "rate"] == pytest.approx(31 / 30)
    assert cmp.loc["Groups A and B", "rate"] == pytest.approx(230 / 30)
    assert cmp.loc["Group A", "area_rate"] == pytest.approx(6.0)
    assert cmp.loc["Group A", "vs"] == pytest.approx(6.0 / (100 / 30) - 1)   # +80%
    r = chapter.analyse(s, ds)
    t = r.table.set_index("crime_group")
    # A: volume, rising, rate = 3; B: rising, concentrated = 2 (3.0 is below 4.33); C: rate = 1
    assert t["points"].tolist()[:3] == [3, 2, 1]
    assert t.loc["Group C", "criteria_met"] == "rate"
    assert r.missing == {} and r.comparison == "comparators"
    note = words.rule_note(r)
    assert "above the pooled rate of the area and its comparators (Otherby)" in note
    assert "not available" not in note


def test_rates_against_all_areas_without_a_comparator_group(small):
    _, s = small
    frame, pop = _other_areas()
    ds = small_dataset(all_areas=frame, all_areas_population=pop)
    cmp, _ = chapter.group_comparison(ds)
    assert cmp.attrs["kind"] == "all_areas"
    # every area pooled: 40,000 residents
    assert cmp.loc["Group A", "rate"] == pytest.approx(110 / 40)
    assert cmp.loc["Group B", "vs"] == pytest.approx(3.0 / (140 / 40) - 1)
    assert cmp.loc["Group C", "vs"] == pytest.approx(2.1 / (81 / 40) - 1)      # +3.7%: above
    r = chapter.analyse(s, ds)
    assert r.table.set_index("crime_group")["point_rate"].tolist() == [True, False, True, False]
    assert words.labels(r)["vs_comparison"] == "Rate against all areas"
    shown = words.display_table(r)
    assert shown["Rate against all areas"].tolist()[:3] == pytest.approx([6 / 2.75 - 1, 3 / 3.5 - 1, 2.1 / 2.025 - 1])
    assert words.formats(r)["Rate against all areas"](6 / 2.75 - 1) == "+118.2%"


def test_a_missing_previous_year_gives_no_rising_point():
    s = build_summary([{"crime.change_pct": None, "crime.population": 1000.0, "crime.by_group": [
        {"name": "X", "current": 10, "previous": None, "change": None, "change_pct": None, "composite": False},
        {"name": "Y", "current": 5, "previous": None, "change": None, "change_pct": None, "composite": False}]}])
    r = chapter.analyse(s)
    assert r.missing["rising"] == "no_previous" and "concentrated" in r.missing
    assert r.table["points"].tolist() == [1, 0]                    # X: more crimes than the median 7.5
    assert "could not be assessed" in words.rule_note(r)
    shown = words.display_table(r)
    assert not any("Change on" in c for c in shown.columns)        # no column of dashes
    assert not any("busiest" in c for c in shown.columns)


# -- the words ----------------------------------------------------------------------------------------
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def test_the_table_as_shown_has_human_labels_naming_the_years(small):
    ds, s = small
    r = chapter.analyse(s, ds)
    shown = words.display_table(r)
    assert list(shown.columns) == ["Rank", "Crime group", "Crimes in 2024/25", "Change on 2023/24",
                                   "Change on 2020/21 (baseline)", "Rate per 1,000 residents",
                                   "Share in the busiest 10% of LSOAs", "Points (of 3)", "Points for"]
    assert not [c for c in shown.columns if SNAKE.match(c) or "_" in c]
    assert shown["Points for"].tolist() == ["volume, rising", "rising, concentrated", "—", "not ranked"]
    assert pd.isna(shown["Points (of 3)"].iloc[-1])
    fmts = words.formats(r)
    assert fmts["Change on 2023/24"](0.2) == "+20.0%"
    assert fmts["Share in the busiest 10% of LSOAs"](1 / 3) == "33.3%"


def test_the_title_states_the_finding_and_the_note_the_rule(small):
    ds, s = small
    r = chapter.analyse(s, ds)
    assert words.title(r) == ("Group A ranks first on the evidence (2 of 3 points): high volume and rising faster "
                              "than all crime (level on points with Group B, ahead on volume)")
    note = words.rule_note(r, "The crime input covers only this area, so it cannot be compared with others.")
    assert "more crimes in 2024/25 than the median group (30)" in note
    assert "above all recorded crime's (+9.8%)" in note
    assert "than the median group (33.3%)" in note
    assert "Rates in other areas are not available, so no group gets the rate point. The crime input" in note
    assert "Groups A and B is shown but not ranked" in note


def test_the_csv_keeps_machine_names_and_the_periods(small):
    ds, s = small
    t = words.csv_table(chapter.analyse(s, ds))
    assert list(t.columns[:5]) == ["period", "previous_period", "baseline_period", "rank", "crime_group"]
    assert all(SNAKE.match(c) or c.isalpha() for c in t.columns)
    assert {"point_volume", "point_rising", "point_rate", "point_concentrated"} <= set(t.columns)


def test_the_methods_text_states_the_rule():
    assert ("priorities", ) == tuple(n for n, _ in appendix_words.METHOD_SECTIONS if n == "priorities")
    m = words.METHODS
    for phrase in ("median of the ranked groups", "above all recorded crime's", "above the comparators' rate",
                   "busiest 10% of LSOAs", "then by crimes in the period", "not ranked"):
        assert phrase in m, phrase


# -- the demo borough, from its own files -------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    from assessment.config import load_config
    from assessment.demo import ensure_demo
    from assessment.loaders import load_dataset
    cfg = load_config(ROOT / "assessment.yml")
    ensure_demo(cfg)
    cfg = cfg.model_copy(update={"hotspots": cfg.hotspots.model_copy(update={"permutations": 0})})
    ds = load_dataset(cfg, year=2024)
    return ds, figures_of(ds), json.loads((ROOT / "data/demo/truth.json").read_text(encoding="utf-8"))


def _top_10pct_share(counts: pd.Series) -> float:
    """Independently: the share of crime in the ceil(10% of N) LSOAs with most of it."""
    v = sorted(counts.tolist(), reverse=True)
    k = math.ceil(round(0.10 * len(v), 9))
    return sum(v[:k]) / sum(v)


def test_the_demo_against_its_planted_truth(demo):
    ds, s, truth = demo
    r = chapter.analyse(s, ds)
    t = r.table.set_index("crime_group")
    real = truth["crime"]["realised"]
    pop = truth["geography"]["population"]["total"]
    groups = ds.config.crime_groups
    crimes = pd.read_csv(ROOT / "data/demo/crimes.csv", usecols=["offence_date", "crime_type", "lsoa_code"])
    crimes = crimes[(crimes["offence_date"] >= "2024-04-01") & (crimes["offence_date"] <= "2025-03-31")]
    expected = {}
    for name, types in groups.items():
        cur = sum(real["2024/25"]["by_type"][x] for x in types)
        prev = sum(real["2023/24"]["by_type"][x] for x in types)
        base = sum(real["2020/21"]["by_type"][x] for x in types)
        by_lsoa = (crimes[crimes["crime_type"].isin(types)].groupby("lsoa_code").size()
                   .reindex(truth["geography"]["population"]["by_lsoa"].keys(), fill_value=0))
        expected[name] = {"current": cur, "previous": prev, "baseline": base, "change_pct": cur / prev - 1,
                          "rate": cur / pop * 1000, "share": _top_10pct_share(by_lsoa),
                          "composite": name == "Neighbourhood crime"}
    for name, e in expected.items():
        row = t.loc[name]
        assert (row["current"], row["previous"], row["baseline"]) == (e["current"], e["previous"], e["baseline"])
        assert row["change_pct"] == pytest.approx(e["change_pct"])
        assert row["rate_per_1000"] == pytest.approx(e["rate"])
        assert row["top_share_10"] == pytest.approx(e["share"])
        assert bool(row["composite"]) == e["composite"]
    # the planted change: shoplifting's expected count rose exactly 20% in 2024/25; realised, it rose most
    planted = truth["crime"]["planted_change"]
    assert planted["crime_type"] == "Shoplifting" and planted["factor"] == 1.2
    ranked = {n: e for n, e in expected.items() if not e["composite"]}
    assert max(ranked, key=lambda n: ranked[n]["change_pct"]) == "Shoplifting"
    # the rule, applied by hand to the independent figures
    all_change = real["2024/25"]["total"] / real["2023/24"]["total"] - 1
    vol = float(np.median([e["current"] for e in ranked.values()]))
    conc = float(np.median([e["share"] for e in ranked.values()]))
    pts = {n: int(e["current"] > vol) + int(e["change_pct"] > all_change) + int(e["share"] > conc)
           for n, e in ranked.items()}
    order = sorted(ranked, key=lambda n: (-pts[n], -ranked[n]["current"], n))
    assert r.ranked["crime_group"].tolist() == order
    assert r.ranked["points"].tolist() == [pts[n] for n in order]
    # shoplifting — the planted rise, in the town centre's shops — ranks first; neighbourhood crime is not ranked
    assert order[0] == "Shoplifting" and pd.isna(t.loc["Neighbourhood crime", "rank"])
    assert r.missing == {"rate": "single_area"}
    assert words.title(r).startswith("Shoplifting ranks first on the evidence")


# -- the front of the appendix: statutory context and glossary ----------------------------------------
REQUIRED_TERMS = ["LSOA", "Ward", "Gi*", "Hot spot", "Cold spot", "False discovery rate (FDR)", "Permutation",
                  "Gini", "Lorenz curve", "Mann–Kendall", "Emerging hot spot", "MARAC", "Repeat victim",
                  "Prolific offender", "RAG", "Direction of travel", "Rate per 1,000", "Baseline",
                  "Suppression ([c] and <5)", "(ASB)"]


def test_the_glossary_covers_the_terms_of_the_report():
    t = appendix_words.glossary_table()
    assert list(t.columns) == ["Term", "Meaning"]
    for term in REQUIRED_TERMS:
        assert t["Term"].str.contains(term, regex=False).any(), term
    assert t["Term"].is_unique and t["Meaning"].str.len().min() > 30
    assert "`" not in "".join(t["Meaning"])                        # table cells are plain text, not markdown


def test_the_glossary_states_this_runs_settings():
    cfg = Config.model_validate({"area": {"name": "Testham"}, "disclosure": {"min_count": 10},
                                 "offenders": {"prolific_threshold": 8}, "baseline_year": 2019})
    g = dict(appendix_words.glossary(cfg))
    assert "Suppression ([c] and <10)" in g and 'shown as "<10"' in g["Suppression ([c] and <10)"]
    assert g["Prolific offender"] == "An offender linked to 8 or more crimes in the year."
    assert "2019/20" in g["Baseline year"]
    assert "9,999 for each LSOA" in dict(appendix_words.glossary())["Permutation test"]


def test_the_statutory_context_is_one_paragraph_of_checked_facts():
    p = appendix_words.STATUTORY_CONTEXT
    assert "\n" not in p
    for fact in ("Sections 5 and 6 of the Crime and Disorder Act 1998", "formulate and implement a strategy",
                 "Crime and Disorder (Formulation and Implementation of Strategy) Regulations 2007",
                 "SI 2007/1830", "strategic assessment each year", "Wales has its own regulations"):
        assert fact in p, fact
    assert appendix_words.front_markdown().startswith("# Statutory context and glossary\n\nSections 5 and 6")


def test_the_appendix_opens_with_the_context_and_glossary():
    nb = json.loads((ROOT / "notebooks/90_appendix.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"]]
    front = next(i for i, src in enumerate(sources) if "words.front_markdown()" in src)
    methods = next(i for i, src in enumerate(sources) if src.startswith("# Appendix A."))
    opened = next(i for i, src in enumerate(sources) if "open_run(" in src)
    assert opened < front < methods
    assert not any(c["cell_type"] == "markdown" for c in nb["cells"][:front])   # nothing shown before it


def test_the_summary_places_the_priorities_after_the_key_findings():
    nb = json.loads((ROOT / "notebooks/00_summary.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"]]
    findings = next(i for i, src in enumerate(sources) if src.startswith("## Key findings"))
    table = next(i for i, src in enumerate(sources) if "priorities.analyse(" in src)
    assert findings < table and '"priorities"' in sources[table]
