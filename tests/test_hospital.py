"""Chapter 8, violence seen by hospitals (issue 16, part 1): ED assault attendances beside
police-recorded violence.

A hand-worked small example (the Testham base of the bad-input corpus with six ED attendances)
checks the loader, the rank correlation, the not-reported share and the flagged LSOAs; the demo's
planted LSOAs are recovered; the personal-data rules (no attendance id in any output, small counts
hidden, rare free text never shown, homes never listed) are checked on the chapter's tables.
"""
from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest
import yaml
from conftest import DEMO_CONFIG, ROOT

from assessment.chapters import hospital
from assessment.config import load_config
from assessment.disclosure import check_publishable, is_hidden
from assessment.errors import InputError
from assessment.loaders import load_dataset
from assessment.stats import correlation
from assessment.summary import build_summary
from assessment.words import hospital as words

BASE = ROOT / "tests" / "bad_inputs" / "base"
ED = ROOT / "tests" / "personal_data" / "base" / "ed_assaults.csv"


def _config(tmp_path, ed_text: str | None = None, lookup: str | None = None, **extra):
    d = tmp_path / "in"
    d.mkdir(exist_ok=True)
    for f in ("crimes.csv", "population.csv", "lsoa.geojson", "wards.csv"):
        shutil.copyfile(BASE / f, d / f)
    (d / "ed.csv").write_text(ed_text if ed_text is not None else ED.read_text(encoding="utf-8"), encoding="utf-8")
    inputs = {"crimes": "crimes.csv", "population": "population.csv", "boundaries": "lsoa.geojson",
              "wards": "wards.csv", "ed_assaults": "ed.csv"}
    if lookup is not None:
        (d / "pc.csv").write_text(lookup, encoding="utf-8")
        inputs["postcode_lookup"] = "pc.csv"
    cfg = {"area": {"name": "Testham"}, "inputs": inputs, **extra}
    p = d / "assessment.yml"
    p.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return load_config(p)


# -- the hand-worked example ---------------------------------------------------------------------------
# ED01, ED02 in E01000001; ED03 and ED05 (by its point, 531500 180500) in E01000002; ED06 in
# E01000004; ED04 has no location (unmatched).  Reported: N, Y, N, unknown, N, Y.
# Police-recorded violence in 2024/25 (Violence and sexual offences): C02 (E01000001), C06 (E01000004).
ED_BY_LSOA = {"E01000001": 2, "E01000002": 2, "E01000003": 0, "E01000004": 1}
POLICE_BY_LSOA = {"E01000001": 1, "E01000002": 0, "E01000003": 0, "E01000004": 1}
# Spearman by hand: ED ranks (3.5, 3.5, 1, 2), police ranks (3.5, 1.5, 1.5, 3.5); deviations from
# the mean rank 2.5: (1, 1, -1.5, -0.5) and (1, -1, -1, 1); Σ products 1; Σ squares 4.5 and 4.
RHO = 1 / math.sqrt(4.5 * 4)


def test_the_hand_worked_example_gives_the_counts_the_correlation_and_the_not_reported_share(tmp_path):
    cfg = _config(tmp_path, disclosure={"min_count": 1})
    ds = load_dataset(cfg, 2024)
    assert ds.accounting.to_summary()["ed_assaults"] == {"read": 6, "used": 6, "excluded": {}}
    r = hospital.analyse(ds)
    assert (r.total, r.unmatched) == (6, 1)
    assert r.lsoa.set_index("lsoa_code")["ed_assaults"].to_dict() == ED_BY_LSOA
    assert r.lsoa.set_index("lsoa_code")["police_violence"].to_dict() == POLICE_BY_LSOA
    assert list(r.lsoa.columns) == ["lsoa_code", "ed_assaults", "police_violence"]
    assert r.correlation["rho"] == pytest.approx(RHO) and r.correlation["n"] == 4
    # not reported, of the known answers: 3 N of 3 N + 2 Y
    assert r.not_reported_share == pytest.approx(3 / 5)
    # the flag: ED percentile ranks (.875, .875, .25, .5) > 0.8 and police (.875, .375, .375, .875) <= 0.5
    assert r.gap["lsoa_code"].tolist() == ["E01000002"]
    h = r.headlines
    assert h["ed_assaults.total"] == 6 and h["ed_assaults.unmatched"] == 1
    assert h["ed_assaults.not_reported_share"] == pytest.approx(0.6)
    assert h["ed_assaults.police_rank_correlation"] == round(RHO, 3)
    # time of day: ED01 23:10, ED02 01:30, ED04 22:00, ED05 02:15, ED06 21:45; ED03 has a date only
    t = r.profile[r.profile["breakdown"] == "time"].set_index("category")["attendances"]
    assert t["20:00–23:59"] == 3 and t["00:00–03:59"] == 2 and t["Time not known"] == 1 and t.sum() == 6


def test_with_the_usual_threshold_every_small_count_is_hidden_and_the_share_is_not_given(tmp_path):
    ds = load_dataset(_config(tmp_path), 2024)
    r = hospital.analyse(ds)
    assert r.lsoa["ed_assaults"].tolist() == ["<5", "<5", 0, "<5"]    # sum 5: three cells of 1-4, not pinned
    assert r.not_reported_share is None and r.headlines["ed_assaults.not_reported_share"] is None
    for name, t in (("ed_assaults_lsoa", r.lsoa), ("ed_assaults_profile", r.profile)):
        check_publishable(t, ds, name=name)                 # the gate accepts the published tables
    # every means of assault has fewer than 5 attendances: one "Other" row of 6, no label shown
    means = r.profile[r.profile["breakdown"] == "means"]
    assert means["category"].tolist() == ["Other (each fewer than 5)"] and means["attendances"].tolist() == [6]
    assert r.audit["ed_assaults_lsoa"]["determined_after"] == 0
    # location type: Street 3 and two types of 1, all under 5, merged into "Other" (5 -> [c] beside the
    # one blank, "<5"): the two must be 5 and 1 whatever is hidden, so the breakdown is withdrawn
    assert r.withdrawn == ["location_type"]
    lt = r.profile[r.profile["breakdown"] == "location_type"]
    assert lt["attendances"].isna().all() and "left blank" in words.suppression_text(r)


def test_a_postcode_places_an_attendance_through_the_lookup_and_unknown_ones_are_unmatched(tmp_path):
    ed = ("attendance_id,incident_datetime,location,postcode\n"
          "A1,2024-05-01 22:00,High St,tm1 1aa\nA2,2024-05-02 23:00,Quay,TM1 2BB\nA3,2024-05-03 01:00,Park,ZZ9 9ZZ\n"
          "A4,2024-06-01 02:00,Bar,not a postcode\nA5,2024-06-02 03:00,Bar,TM9 9XX\n")
    lookup = "pcd7,pcds,lsoa21cd,lsoa11cd\nTM1 1AA,TM1 1AA,E01000003,\nTM1 2BB,TM1 2BB,E01000004,\nTM9 9XX,TM9 9XX,S01000001,\n"
    ds = load_dataset(_config(tmp_path, ed, lookup, disclosure={"min_count": 1}), 2024)
    acc = ds.accounting.to_summary()
    assert acc["postcode_lookup"] == {"read": 3, "used": 2, "excluded": {"not an England or Wales LSOA (or no postcode)": 1}}
    assert acc["ed_assaults"] == {"read": 5, "used": 5, "excluded": {}}
    assert ds.ed_assaults["lsoa_code"].tolist()[:2] == ["E01000003", "E01000004"]
    assert ds.ed_assaults["lsoa_code"].isna().sum() == 3
    r = hospital.analyse(ds)
    assert r.unmatched == 3 and r.total == 5
    assert any("1 postcode(s) not a UK postcode, first in row 5" in n for n in ds.notes)
    assert any("2 postcode(s) not in the postcode lookup, first in row 4" in n for n in ds.notes)


def test_a_bad_date_stops_with_one_line_naming_the_row_and_a_duplicate_id_is_counted(tmp_path):
    ed = ED.read_text(encoding="utf-8").replace("2024-06-20", "31/04/2024")
    with pytest.raises(InputError) as e:
        load_dataset(_config(tmp_path, ed), 2024)
    assert str(e.value).endswith("/ed.csv: column 'incident_datetime': expected a date (YYYY-MM-DD or DD/MM/YYYY), found "
                                 "something else in row 4")
    ed = ED.read_text(encoding="utf-8").replace("ED03,", "ED02,")
    ds = load_dataset(_config(tmp_path, ed), 2024)
    assert ds.accounting.to_summary()["ed_assaults"] == {"read": 6, "used": 5, "excluded": {"duplicate attendance id": 1}}


def test_a_postcode_lookup_without_its_columns_is_one_line(tmp_path):
    with pytest.raises(InputError, match=r"pc\.csv: columns 'lsoa21cd or lsoa11cd': expected the ONS postcode "
                                         r"directory's columns pcds and lsoa21cd \(or lsoa11cd\), found columns pcds, oa21"):
        load_dataset(_config(tmp_path, lookup="pcds,oa21\nTM1 1AA,E00000001\n"), 2024)


def test_rare_free_text_is_never_a_label_and_homes_and_addresses_are_never_listed():
    ed = pd.DataFrame({
        "means": ["Fist"] * 6 + ["EDA-424242"],              # an id typed into the means column, once
        "location": ["The Anchor"] * 5 + ["14 Bramble Close"] * 2,
        "location_type": ["Licensed premises"] * 5 + ["Street"] * 2,
        "reported": ["no"] * 7, "has_time": [False] * 7,
        "datetime": pd.to_datetime(["2024-05-01"] * 7)})
    p = hospital.profile(ed, min_count=5)
    assert "EDA-424242" not in set(p["category"])
    assert p[p["breakdown"] == "means"]["category"].tolist() == ["Fist", "Other (each fewer than 5)"]
    ed = pd.concat([ed] * 3, ignore_index=True)              # 15 at The Anchor, 6 at a numbered address
    top = hospital.top_locations(ed, min_count=5, most=10)
    assert top["location"].tolist() == ["The Anchor"]
    ed.loc[:, "location"] = "Flat 3, Quay House"
    assert hospital.top_locations(ed, min_count=5, most=10).empty
    ed.loc[:, "location"], ed.loc[:, "location_type"] = "Quay House", "Home"
    assert hospital.top_locations(ed, min_count=5, most=10).empty


def test_the_spearman_correlation_agrees_with_scipy_and_the_formula_without_ties():
    from scipy import stats
    x = pd.Series([3, 1, 4, 15, 9, 2, 6])
    y = pd.Series([2, 7, 1, 8, 28, 18, 4])
    assert correlation.spearman(x, y)["rho"] == pytest.approx(stats.spearmanr(x, y).statistic)
    d = x.rank() - y.rank()
    n = len(x)
    assert correlation.spearman(x, y)["rho"] == pytest.approx(1 - 6 * float((d ** 2).sum()) / (n * (n * n - 1)))
    assert correlation.known_share(18, 12) == pytest.approx(0.6)


def test_no_ed_file_gives_nulls_and_one_not_covered_line(tmp_path):
    cfg = _config(tmp_path)
    cfg.inputs.ed_assaults = None
    ds = load_dataset(cfg, 2024)
    r = hospital.analyse(ds)
    assert not r.available and r.headlines == {"ed_assaults.total": None, "ed_assaults.not_reported_share": None,
                                               "ed_assaults.police_rank_correlation": None,
                                               "ed_assaults.unmatched": None}
    line, keys = words.not_covered(r)
    assert "No emergency-department assault data were supplied" in line and keys[0] == "inputs.ed_assaults"
    s = build_summary([{"crime.total": 10}])
    assert {k: s["ed_assaults"][k] for k in ("total", "not_reported_share", "police_rank_correlation", "unmatched")} \
        == {"total": None, "not_reported_share": None, "police_rank_correlation": None, "unmatched": None}
    assert words.key_findings(s) == []


# -- the demo's planted truth --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_2024():
    from assessment.demo import ensure_demo
    cfg = load_config(DEMO_CONFIG)
    ensure_demo(cfg)
    truth = json.loads((ROOT / "data" / "demo" / "truth.json").read_text(encoding="utf-8"))["ed_assaults"]
    return load_dataset(cfg, 2024), truth


def test_the_demo_recovers_its_planted_lsoas_and_its_realised_figures(demo_2024):
    ds, truth = demo_2024
    r = hospital.analyse(ds)
    real = truth["realised"]["2024/25"]
    assert sorted(r.gap["lsoa_code"]) == sorted(truth["planted_lsoas"])
    assert r.total == real["total"] and r.unmatched == real["unmatched"]
    assert r.not_reported_share == pytest.approx(real["not_reported"] / (real["not_reported"] + real["reported"]))
    pub = r.lsoa.set_index("lsoa_code")["ed_assaults"]
    for code, n in real["by_lsoa"].items():        # every shown count is the generator's
        assert is_hidden(pub[code]) or pub[code] == n
    assert all(pub[c] == real["by_lsoa"][c] for c in truth["planted_lsoas"])
    assert 0 < r.correlation["rho"] < 1
    assert "14 Bramble Close" not in set(r.top_locations["location"])      # the recurring home address
    ids = set(ds.ed_assaults["attendance_id"])
    for t in (r.lsoa, r.profile, r.gap, r.top_locations):
        assert not ids & set(t.astype(str).to_numpy().ravel())


@pytest.mark.slow
def test_the_demo_report_has_the_chapter_the_contract_and_no_attendance_id(demo_run):
    lsoa = pd.read_csv(demo_run / "tables" / "ed_assaults_lsoa.csv", encoding="utf-8-sig")
    assert list(lsoa.columns) == ["lsoa_code", "ed_assaults", "police_violence"]
    s = json.loads((demo_run / "summary.json").read_text(encoding="utf-8"))
    assert set(s["ed_assaults"]) >= {"total", "not_reported_share", "police_rank_correlation", "unmatched"}
    assert s["ed_assaults"]["total"] > 0
    html = next(p for p in demo_run.glob("strategic-assessment-*.html") if "annex" not in p.name).read_text(encoding="utf-8")
    assert "8. Violence seen by hospitals" in html
    for p in demo_run.rglob("*"):
        if p.is_file() and p.suffix in {".html", ".csv", ".json", ".ipynb", ".md", ".log"}:
            text = p.read_text(encoding="utf-8", errors="replace")
            assert "EDA-0" not in text and "14 Bramble Close" not in text, p
