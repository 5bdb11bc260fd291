"""Headlines name what was counted when the crime input is not all crime (issue 12, item 3).

The wording comes from one place, :mod:`assessment.scope`: the loaders detect the scope
(``Dataset.scope``), chapter 1 writes it into its sentences and into ``summary.json``
(``crime.scope.*``), and the executive summary reads it back from there.
"""
from __future__ import annotations

import glob

import pandas as pd
from conftest import REAL, ROOT, needs_real

from assessment.accounting import Accounting
from assessment.chapters import crime_in_the_area as volumes
from assessment.config import Config, load_config
from assessment.dataset import Dataset
from assessment.periods import financial_year
from assessment.scope import MPS_LSOA_NOTE, Scope, detect
from assessment.summary import build_summary
from assessment.words import crime_in_the_area as words
from assessment.words import summary as narrative


def _crimes(spec):
    """spec: list of (crime_type, 'YYYY-MM', n, lsoa_code or None)."""
    rows = []
    for ctype, month, n, lsoa in spec:
        rows += [{"crime_id": f"{ctype[:2]}{month}{i}{lsoa}", "month": pd.Timestamp(month + "-01"),
                  "crime_type": ctype, "lsoa_code": lsoa, "count": 1} for i in range(n)]
    df = pd.DataFrame(rows)
    df["lsoa_code"] = df["lsoa_code"].astype("string")
    return df


def test_detect_names_the_scope_from_the_inputs_and_the_config():
    assert detect(None, "police_uk", ["Burglary", "Robbery"]) == Scope()
    b = detect(None, "police_uk", ["Burglary"])
    assert (b.what, b.all_types, b.unit, b.total) == ("recorded burglary", False, "burglary offences", "Recorded burglary")
    m = detect(None, "crime_counts", ["ARSON", "SHOPLIFTING"], level="lsoa")
    assert (m.total, m.unit, m.note) == ("Total recorded crime geocoded to an LSOA", "geocoded crimes", MPS_LSOA_NOTE)
    assert detect(None, "crime_counts", ["ARSON", "SHOPLIFTING"], level="ward") == Scope()
    cfg = Config.model_validate({"area": {"name": "X"}, "scope": "recorded violent crime"})
    v = detect(cfg, "crimes", ["Violence with injury", "Violence without injury"])
    assert (v.total, v.unit) == ("Recorded violent crime", "violent crimes")
    assert Scope.from_summary(build_summary([b.headlines()])) == b
    assert Scope.from_summary({}) == Scope()


def test_chapter_1_and_the_summary_say_recorded_burglary():
    crimes = _crimes([("Burglary", "2023-04", 10, "E1"), ("Burglary", "2024-05", 8, "E1"), ("Burglary", "2024-06", 1, "E2")])
    ds = Dataset(config=Config.model_validate({"area": {"name": "Testham"}}), period=financial_year(2024),
                 crimes=crimes, accounting=Accounting(), population=pd.Series([1000, 1000], index=["E1", "E2"]),
                 scope=detect(None, "police_uk", ["Burglary"]))
    r = volumes.analyse(ds)
    assert words.sentence(r) == ("Recorded burglary in Testham fell 10.0% in 2024/25 compared with the previous "
                                 "12 months (1 fewer offences, 9 in all).")
    assert words.rate_sentence(r, "Testham") == ("That is a rate of 4.5 burglary offences per 1,000 residents "
                                                 "(2,000 residents in Testham; the population file does not say "
                                                 "which year it estimates).")   # issue 14: the year, or that it is unknown
    assert words.trend_title(r) == "Recorded burglary fell 10.0% in 2024/25 (-1)"  # one rounding rule (issue 12)
    assert words.scope_sentences(r) == []
    s = build_summary([r.headlines])
    assert s["crime"]["scope"] == {"what": "recorded burglary", "all_types": False, "unit": "burglary offences", "note": ""}
    found = [f.sentence for f in narrative.key_findings(s)]
    assert found[:2] == ["Recorded burglary fell 10.0% in 2024/25 compared with the previous 12 months (1 fewer "
                         "offences, 9 in all).", "That is a rate of 4.5 burglary offences per 1,000 residents."]
    s["hotspots"] = {"top10_lsoas": ["E1"], "top10_share": 8 / 9, "lsoas": 2}
    assert narrative.hotspots(s)[0].sentence.startswith("The 1 LSOAs with most crime (50.0% of the area's 2 LSOAs) "
                                                        "had 88.9% of all recorded burglary")


def test_crimes_with_no_location_are_in_the_totals_and_said_once():
    crimes = _crimes([("Robbery", "2024-05", 3, "E1"), ("Robbery", "2024-05", 1, None), ("Burglary", "2024-07", 4, "E2")])
    ds = Dataset(config=Config.model_validate({"area": {"name": "Testham"}}), period=financial_year(2024),
                 crimes=crimes, accounting=Accounting())
    r = volumes.analyse(ds)
    assert (r.current, r.headlines["crime.no_location"]) == (8, 1)
    assert r.types.loc["Robbery", "current"] == 4
    assert words.scope_sentences(r) == [
        "1 of these crimes (12.5%) have no location in the data (police.uk 'No Location'): they are in the totals and "
        "the crime-type tables but cannot be mapped, so the analyses by LSOA leave them out."]
    from assessment import dataset
    assert dataset.lsoa_counts(crimes, ["E1", "E2"], financial_year(2024)).to_dict() == {"E1": 3, "E2": 4}
    s = build_summary([r.headlines, {"hotspots.top10_lsoas": ["E2"], "hotspots.top10_share": 4 / 7}])
    assert narrative.hotspots(s)[0].sentence == "The 1 LSOAs with most crime had 57.1% of all recorded crime with a location."


@needs_real
def test_haringey_burglary_police_uk_headline_says_burglary():
    """The reviewer's case: "Total recorded crime fell 4.9%" and "6.4 crimes per 1,000" of a burglary-only input."""
    from assessment.loaders import load_dataset
    ds = load_dataset(load_config(ROOT / "examples" / "haringey-burglary-policeuk.yml"), 2023)
    raw = pd.concat([pd.read_csv(f) for f in sorted(glob.glob(str(REAL / "police_uk" / "metropolitan_burglary_haringey" / "*.csv")))])
    assert set(raw["Crime type"]) == {"Burglary"}
    cur = raw[raw["Month"].between("2023-04", "2024-03")]["Crime ID"].nunique()
    prev = raw[raw["Month"].between("2022-04", "2023-03")]["Crime ID"].nunique()
    pop = pd.read_csv(REAL / "population" / "ons_sape_lsoa21_population_density_mid2011_mid2022_haringey.csv")
    residents = int(pop["Mid-2022: Population"].astype(str).str.replace(",", "").astype(int).sum())
    r = volumes.analyse(ds)
    pct = (prev - cur) / prev * 100
    assert words.sentence(r) == (f"Recorded burglary in Haringey fell {pct:.1f}% in 2023/24 compared with the "
                                 f"previous 12 months ({prev - cur:,} fewer offences, {cur:,} in all).")
    assert words.rate_sentence(r, ds.area) == (f"That is a rate of {cur / residents * 1000:.1f} burglary offences per "
                                               f"1,000 residents ({residents:,} residents in Haringey, ONS mid-2022 "
                                               "estimate).")   # issue 14: the estimate's year named
    assert "crimes per 1,000" not in words.rate_sentence(r, ds.area)
    assert ds.scope.cover_line(ds.source).endswith("Figures count recorded burglary.")


@needs_real
def test_mps_lsoa_counts_are_called_geocoded_and_the_ward_file_counts_more():
    from assessment.loaders import load_dataset
    ds = load_dataset(load_config(ROOT / "examples" / "haringey-mps-2024.yml"), 2024)
    r = volumes.analyse(ds)
    assert words.sentence(r) == f"{r.current:,} geocoded crimes were recorded in Haringey in 2024/25."
    assert words.scope_sentences(r) == [MPS_LSOA_NOTE]
    # what the note says, checked on the files: the ward-level counts of the same months are higher
    months = [str(m) for m in list(range(202404, 202413)) + [202501, 202502, 202503]]
    lsoa = pd.read_csv(REAL / "mps_recorded_crime" / "mps_lsoa_level_crime_202402_202602_haringey.csv")
    ward = pd.read_csv(REAL / "mps_recorded_crime" / "mps_ward_level_crime_202402_202602_haringey.csv")
    assert r.current == int(lsoa[months].to_numpy().sum()) == 26_638
    assert int(ward[months].to_numpy().sum()) == 27_500 > r.current
