"""Executive summary: sentences written from summary values; missing or suppressed figures leave them out."""
from __future__ import annotations

import copy

import pandas as pd

from assessment.chapters.summary import trace_table
from assessment.summary import build_summary, get
from assessment.words import summary as nar


def item(name, current, previous, change=None, change_pct=None, **more) -> dict:
    """One named figure of crime.by_type / crime.by_group (names are values, never keys)."""
    d = {"name": name, "current": current, "previous": previous, **more}
    if change is not None:
        d["change"] = change
    if change_pct is not None:
        d["change_pct"] = change_pct
    return d


def full_summary() -> dict:
    flat = {
        "period.label": "2024/25", "period.start": "2024-04-01", "period.end": "2025-03-31", "area.name": "Testham",
        "crime.total": 32038, "crime.previous_total": 29942, "crime.change": 2096, "crime.change_pct": 0.07,
        "crime.rate_per_1000": 41.4,
        "crime.by_group": [
            item("Violence with injury", 2840, 2528, 312, 312 / 2528),
            item("Residential burglary", 1290, 1430, -140, -140 / 1430),
            item("Personal robbery", 15, 12, 3, 0.25)],                    # too few
        "crime.by_type": [
            item("Shoplifting", 1500, 1270, 230, 230 / 1270),
            item("Vehicle crime", 1380, 1500, -120, -0.08)],
        "hotspots.lsoas": 150, "hotspots.top10_lsoas": [f"E0100000{i}" for i in range(10)],
        "hotspots.top10_share": 0.213, "hotspots.hot_spots_95": 12,
        "hotspots.classes_use_fdr": True, "hotspots.permutations": 9999, "hotspots.tested_lsoas": 149,
        "offenders.top_share.1.all": 0.04, "offenders.top_share.10.all": 0.20,
        "offenders.top_share.1.linked": 0.094, "offenders.top_share.10.linked": 0.41,
        "offenders.prolific": 38, "offenders.prolific_threshold": 5, "offenders.prolific_share.all": 0.061,
        "offenders.top_wards": ["Northumberland Park", "Bruce Grove", "Tottenham Hale", "Noel Park"],
        "victims.repeat_rate": 0.171, "victims.repeat_rate_lookback": 0.223, "victims.da_repeat_rate": 0.266,
        "performance.indicators": 8, "performance.on_target": 4, "performance.amber": 1, "performance.red": 2,
        "performance.no_data": 1, "performance.red_indicators": ["Violence with injury", "Residential burglary"],
        "performance.improving": 5, "performance.deteriorating": 2, "performance.amber_threshold": 0.1,
        "comparison.rank_total": 8, "comparison.areas": 32, "comparison.rate_total": 101.5,
        "comparison.all_area_rate_total": 97.8, "comparison.label": "London boroughs",
    }
    return build_summary([flat])


EXPECTED = [
    "Total recorded crime rose 7.0% in 2024/25 compared with the previous 12 months (2,096 more offences, 32,038 in all).",
    "Testham had the 8th highest crime rate of the 32 London boroughs: 101.5 crimes per 1,000 residents, against 97.8 "
    "across all of them.",
    # 312/2528 = 12.3%; 140/1430 = 9.8%; personal robbery (12 last year) is below the 20-offence floor
    "Among the priority crimes, violence with injury rose most, up 312 offences (12.3%); residential burglary fell "
    "most, down 140 offences (9.8%).",
    # 230/1270 = 18.1%
    "By crime type, shoplifting rose most, up 230 offences (18.1%); vehicle crime fell most, down 120 offences (8.0%).",
    # 10/150 = 6.7%
    "The 10 LSOAs with most crime (6.7% of the area's 150 LSOAs) had 21.3% of all recorded crime.",
    # the wording follows the significance rule recorded in the summary (classes on the FDR-adjusted p)
    "12 LSOAs were statistically significant hot spots at 95% confidence or more (Getis–Ord Gi*), allowing for "
    "testing all 149 LSOAs at once (false discovery rate).",
    "The most prolific 1% of offenders were linked to 4.0% of all recorded crime, and the top 10% to 20.0% "
    "(9.4% and 41.0% of the crimes with a known offender).",
    "38 offenders were prolific (5 or more crimes in the year), linked to 6.1% of all recorded crime.",
    "Offenders most often lived in Northumberland Park, Bruce Grove and Tottenham Hale wards.",
    "17.1% of victims were victims of two or more crimes in 2024/25 (repeat victims); 22.3% of crimes against a victim "
    "came within a year of their previous crime (the MARAC-style look-back measure).",
    "26.6% of domestic abuse victims experienced more than one domestic abuse crime in 2024/25.",
    "Of 8 performance indicators, 4 were on target, 1 was up to 10% off target and 2 missed their target by more than "
    "10% (Violence with injury and Residential burglary); 1 could not be measured from the data supplied. Compared "
    "with a year earlier, 5 were improving and 2 deteriorating.",
]


def test_full_summary_sentences():
    s = full_summary()
    got = [f.sentence for f in nar.key_findings(s)]
    assert got == EXPECTED


def test_every_sentence_traces_to_present_keys():
    s = full_summary()
    for f in nar.key_findings(s):
        assert f.keys, f.sentence
        for k in f.keys:
            assert get(s, k) is not None, (k, f.sentence)
    t = trace_table(nar.key_findings(s), s)
    assert list(t.columns) == ["topic", "finding", "summary_keys", "values"]
    row = t[t["topic"] == "performance"].iloc[0]
    assert "performance.red_indicators" in row["summary_keys"] and "Residential burglary" in row["values"]


def test_missing_and_suppressed_figures_leave_sentences_out():
    flat = {"period.label": "2024/25", "area.name": "Testham",
            "crime.total": 5120, "crime.previous_total": None,            # no previous year in the data
            "crime.rate_per_1000": 20.25,
            "offenders.top_share.1.all": None, "offenders.top_share.10.all": 0.2,   # one share missing
            "offenders.prolific": "<5", "offenders.prolific_threshold": 5, "offenders.prolific_share.all": 0.01,
            "victims.repeat_rate": 0.12, "victims.repeat_rate_lookback": None,
            "victims.da_repeat_rate": "<5",                                 # suppressed
            "hotspots.top10_lsoas": [], "hotspots.top10_share": None, "hotspots.hot_spots_95": None}
    s = build_summary([flat])                                               # performance chapter absent
    got = [f.sentence for f in nar.key_findings(s)]
    assert got == [
        "5,120 crimes were recorded in 2024/25.",
        "That is a rate of 20.2 crimes per 1,000 residents.",             # 20.25 is exact in binary: .1f rounds half to even
        "12.0% of victims were victims of two or more crimes in 2024/25 (repeat victims).",
    ]


def test_fell_and_unchanged_wording():
    s = build_summary([{"crime.total": 900, "crime.previous_total": 1000, "crime.change": -100,
                        "crime.change_pct": -0.1, "period.label": "2023/24"}])
    assert nar.total_crime(s)[0].sentence == ("Total recorded crime fell 10.0% in 2023/24 compared with the previous "
                                              "12 months (100 fewer offences, 900 in all).")
    s = build_summary([{"crime.total": 1000, "crime.previous_total": 1000, "period.label": "2023/24"}])
    f = nar.total_crime(s)[0]
    assert f.sentence == "Total recorded crime was unchanged in 2023/24 compared with the previous 12 months, at 1,000 offences."
    assert "crime.change" not in f.keys      # computed from total and previous, which are the keys listed


def test_all_groups_rose():
    flat = {"crime.by_group": [item(name, cur, prev) for name, prev, cur in (("Robbery", 100, 130), ("Burglary", 200, 210))]}
    f = nar.largest_changes(build_summary([flat]))[0]
    assert f.sentence == "Among the priority crimes, all 2 rose; robbery rose most, up 30 offences (30.0%)."


def test_hotspot_wards_from_lookup():
    s = full_summary()
    codes = get(s, "hotspots.top10_lsoas")
    lsoas = pd.DataFrame({"ward_name": ["Northumberland Park"] * 4 + ["Bruce Grove"] * 3 + ["A", "B", "C"]},
                         index=pd.Index(codes, name="lsoa_code"))
    f = nar.hotspots(s, lsoas)[0]
    assert f.sentence.endswith("; most of them in Northumberland Park (4) and Bruce Grove (3) wards.")


def test_quarter_and_comparator_wording():
    s = full_summary()
    s2 = copy.deepcopy(s)
    s2["performance"]["quarter"] = 2
    assert nar.performance(s2)[0].sentence.startswith("At the end of Q2, of 8 performance indicators")
    s2["comparison"].update({"comparator_rate_total": 103.6, "comparator_rank_total": 5, "comparator_areas": 8})
    assert nar.crime_rate(s2)[0].sentence.endswith(
        "; it ranked 4th lowest of 8 in its comparator group (group rate 103.6).")


def test_nothing_computed():
    assert nar.markdown(nar.key_findings(build_summary([]))) == \
        "_No headline figures could be computed from the inputs supplied._"


def test_sharpest_proportional_rise_and_no_repeat_of_group_names():
    flat = {"crime.by_group": [item("Violence", 1442, 1000)],
            "crime.by_type": [item("Violence", 1442, 1000),        # same as the group
                              item("Shoplifting", 1560, 1200),     # +360, +30.0%
                              item("Bicycle theft", 40, 25),       # +60%, but < 100
                              item("Drugs", 700, 500),             # +200, +40.0%
                              item("Robbery", 90, 150)]}           # -60, -40.0%
    got = [f.sentence for f in nar.key_findings(build_summary([flat]))]
    assert got == [
        "Among the priority crimes, violence rose most, up 442 offences (44.2%).",
        # Violence is left out (stated above); Shoplifting rose most in number (+360), Drugs most in
        # proportion (+40.0% among types with >= 100 last year; bicycle theft's +60% is on 25)
        "By crime type, shoplifting rose most, up 360 offences (30.0%); the sharpest rise in proportion was in "
        "drugs, up 40.0% (200 offences); robbery fell most, down 60 offences (40.0%).",
    ]


def test_emerging_and_asb_wording():
    flat = {"hotspots.hot_spots_95": 1, "hotspots.emerging.years": 5,
            "hotspots.emerging.categories": [{"name": "New hot spot", "lsoas": 2},
                                             {"name": "Intensifying hot spot", "lsoas": 0}],
            "victims.repeat_callers": 41, "victims.repeat_caller_call_share": 0.234}
    got = [f.sentence for f in nar.key_findings(build_summary([flat]), asb_rule=(10, 24))]
    assert got == [
        # no significance rule in this summary: the count alone, with no claim about the adjustment either way
        "1 LSOA was a hot spot at 95% confidence or more (Getis–Ord Gi*); over the last 5 years, "
        "2 LSOAs are new hot spots.",                                  # the zero intensifying count is not stated
        "41 people called about anti-social behaviour 10 or more times within 24 weeks (repeat callers), making "
        "23.4% of all ASB calls.",
    ]


def test_comparison_categories():
    flat = {"comparison.rank_total": 11, "comparison.areas": 32, "comparison.rate_total": 101.5,
            "comparison.all_area_rate_total": 97.8, "comparison.label": "London boroughs", "area.name": "Haringey",
            "comparison.by_category": [{"name": "Vehicle offences", "rank": 5}, {"name": "Robbery", "rank": 7},
                                       {"name": "Drug offences", "rank": 8},    # 8 = 32 x 0.25: still in the top quarter
                                       {"name": "Theft", "rank": 11}]}          # not
    got = [f.sentence for f in nar.key_findings(build_summary([flat]))]
    assert got == [
        "Haringey had the 11th highest crime rate of the 32 London boroughs: 101.5 crimes per 1,000 residents, "
        "against 97.8 across all of them.",
        "Its rates were among the highest quarter of the 32 London boroughs for vehicle offences (5th highest), "
        "robbery (7th highest) and drug offences (8th highest).",
    ]


def test_summary_notebook_follows_the_conventions():
    from pathlib import Path

    import nbformat
    nb = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / "00_summary.ipynb", 4)
    assert nb.cells[0].source == "# Executive summary"
    assert nb.cells[1].metadata.get("tags") == ["parameters"] and "quarter = None" in nb.cells[1].source
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
    assert 'chapter="executive_summary"' in nb.cells[2].source and "narrative.run_figures(run)" in nb.cells[2].source


def test_run_figures_carry_the_runs_period_and_say_when_no_chapter_ran(tmp_path):
    from types import SimpleNamespace

    from assessment.chapters.summary import run_figures
    from assessment.periods import financial_year
    from assessment.words.summary import intro, no_chapters_note
    run = SimpleNamespace(out_dir=tmp_path, chapter="executive_summary", period=financial_year(2023),
                          config=SimpleNamespace(area=SimpleNamespace(name="Testham")))
    f = run_figures(run)
    assert f["_chapters"] == 0 and "run them first" in no_chapters_note(f, tmp_path)
    assert intro(f).startswith("This strategic assessment covers Testham for 2023/24 (1 April 2023 to 31 March 2024).")
    (tmp_path / "_summary").mkdir()
    (tmp_path / "_summary" / "volumes.json").write_text('{"crime.total": 12}')
    f = run_figures(run)
    assert f["_chapters"] == 1 and f["crime"]["total"] == 12 and no_chapters_note(f, tmp_path) is None


def test_composite_groups_are_not_counted_in_all_rose():
    # Neighbourhood crime is the four groups below taken together: "all 4 rose", not "all 5"
    flat = {"crime.by_group": [
        item("Burglary", 1116, 1085), item("Robbery", 328, 324), item("Theft from the person", 359, 336),
        item("Vehicle crime", 1270, 1245),
        item("Neighbourhood crime", 3073, 2990, crime_types=["Burglary", "Robbery", "Theft from the person",
                                                             "Vehicle crime"], composite=True)]}
    f = nar.largest_changes(build_summary([flat]))[0]
    assert f.sentence == ("Among the priority crimes, all 4 rose; neighbourhood crime rose most, up 83 offences (2.8%); "
                          "the sharpest rise in proportion was in theft from the person, up 6.8% (23 offences).")
    # a composite alone with one other group: no "all" statement is made for a single group
    flat = {"crime.by_group": [item("Burglary", 100, 90), item("Both", 200, 190, composite=True)]}
    assert nar.largest_changes(build_summary([flat]))[0].sentence.startswith("Among the priority crimes, both rose most")


def test_comparator_position_reads_as_in_the_table():
    s = full_summary()
    s["comparison"].update({"comparator_rate_total": 103.6, "comparator_rank_total": 2, "comparator_areas": 8,
                            "comparator_tied_total": True, "rank_total": 8, "tied_total": True})
    got = nar.crime_rate(s)[0]
    assert got.sentence == ("Testham had the joint 8th highest crime rate of the 32 London boroughs: 101.5 crimes per "
                            "1,000 residents, against 97.8 across all of them; it ranked joint 2nd highest of 8 in its "
                            "comparator group (group rate 103.6).")
    assert "comparison.comparator_tied_total" in got.keys and "comparison.tied_total" in got.keys
