"""Repeat victimisation (§5.4): every figure against a hand-worked answer.

The hand-made data (assessment year 2024/25 = 1 Apr 2024 – 31 Mar 2025):

    crime  date        type                  DA    victims
    c09    2023-01-05  Robbery               no    V5
    c01    2024-02-10  Burglary              no    V1          (before the year)
    c02    2024-05-01  Burglary              no    V2
    c03    2024-05-01  Robbery               no    V2          (same day as c02)
    c04    2024-06-15  Violence with injury  yes   V3, V4      (a crime with two victims)
    c05    2024-06-20  Violence with injury  yes   V3
    c11    2024-08-08  Violence with injury  no    V6
    c06    2024-09-01  Violence with injury  yes   V3
    c07    2024-10-10  Burglary              no    V1
    c10    2024-12-01  Robbery               no    V5
    c08    2025-03-31  Robbery               no    V2
    c12    2025-04-02  Robbery               no    V6          (after the year: ignored)

plus a duplicated link (V3, c04), a link to a crime not in the data (V7, c99) and a link with
no victim reference.

Days between crimes (worked by month lengths; 2024 is a leap year):
    c01 -> c07: Feb 10 -> Oct 10 2024 = 29+31+30+31+30+31+31+30 = 243
    c02 -> c03: 0 (same day; c02 before c03 by crime reference)
    c03 -> c08: May 1 2024 -> Mar 31 2025 = 31+30+31+31+30+31+30+31+31+28 (to Mar 1) + 30 = 334
    c04 -> c05: 5;  c05 -> c06: Jun 20 -> Sep 1 = 10+31+31+1 = 73
    c09 -> c10: Jan 5 2023 -> Dec 1 2024 = 361 (to Jan 1 2024) + 335 (Jan 1 -> Dec 1 2024) = 696
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from assessment.chapters import victims as V
from assessment.config import Area, Config, Disclosure
from assessment.dataset import CRIME_COLUMNS, VICTIM_COLUMNS, Dataset, conform
from assessment.errors import AssessmentError
from assessment.periods import financial_year
from assessment.stats import repeats as R
from assessment.words import victims as W

FY = financial_year(2024)
GROUPS = {"Burglary": ["Burglary"], "Robbery": ["Robbery"], "Violence": ["Violence with injury"]}


def _crimes():
    rows = [("c09", "2023-01-05", "Robbery", False), ("c01", "2024-02-10", "Burglary", False),
            ("c02", "2024-05-01", "Burglary", False), ("c03", "2024-05-01", "Robbery", False),
            ("c04", "2024-06-15", "Violence with injury", True), ("c05", "2024-06-20", "Violence with injury", True),
            ("c11", "2024-08-08", "Violence with injury", False), ("c06", "2024-09-01", "Violence with injury", True),
            ("c07", "2024-10-10", "Burglary", False), ("c10", "2024-12-01", "Robbery", False),
            ("c08", "2025-03-31", "Robbery", False), ("c12", "2025-04-02", "Robbery", False)]
    df = pd.DataFrame(rows, columns=["crime_id", "date", "crime_type", "domestic_abuse"])
    df["date"] = pd.to_datetime(df["date"])
    df["month"] = df["date"].dt.to_period("M").dt.to_timestamp()
    df["lsoa_code"] = "E01000001"
    df["longitude"] = np.nan   # conform() cannot yet fill absent float columns itself
    df["latitude"] = np.nan
    return conform(df, CRIME_COLUMNS)


def _links():
    rows = [("c01", "V1"), ("c07", "V1"), ("c02", "V2"), ("c03", "V2"), ("c08", "V2"),
            ("c04", "V3"), ("c04", "V3"), ("c05", "V3"), ("c06", "V3"), ("c04", "V4"),
            ("c09", "V5"), ("c10", "V5"), ("c11", "V6"), ("c12", "V6"), ("c99", "V7"), ("c05", None)]
    return pd.DataFrame(rows, columns=["crime_id", "victim_id"])


@pytest.fixture(scope="module")
def table():
    t, dist, gaps = V.repeat_table(_links(), _crimes(), FY, GROUPS)
    return t, dist, gaps


def test_pairs_dedupe_and_drop_unknown():
    p = V.victim_pairs(_links(), _crimes())
    # 16 link rows - duplicate (V3,c04) - unknown crime c99 - no victim = 13 pairs
    assert len(p) == 13
    assert p.index.tolist() == [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13]  # the link table's index is kept
    assert set(p.loc[p["crime_id"] == "c04", "victim_id"]) == {"V3", "V4"}


def test_in_year_all_crime(table):
    t, _, _ = table
    r = t.loc["All crime"]
    # in-year pairs: V1 c07 | V2 c02 c03 c08 | V3 c04 c05 c06 | V4 c04 | V5 c10 | V6 c11  -> 10 pairs
    # victims 6; repeat victims V2 (3 crimes, two on the same day) and V3 (3) -> 2; V1 is NOT an
    # in-year repeat (c01 is before the year); c12 (after the year) does not make V6 a repeat.
    assert (r["victims"], r["repeat_victims"], r["pairs"], r["repeat_pairs"]) == (6, 2, 10, 6)
    assert r["repeat_rate"] == pytest.approx(2 / 6)
    assert r["repeat_pair_share"] == pytest.approx(6 / 10)


def test_lookback_all_crime(table):
    t, _, gaps = table
    r = t.loc["All crime"]
    # gaps for the 10 pairs: c07 243 (previous crime c01 in the previous year: counts), c02 none,
    # c03 0 (same day), c08 334, c04 none (V3) and none (V4), c05 5, c06 73, c10 696 (> 365), c11 none
    # repeats (<= 365): c07, c03, c08, c05, c06 = 5 -> 5 / 10
    assert r["lookback_pairs"] == 10 and r["lookback_repeat_pairs"] == 5
    assert r["lookback_rate"] == pytest.approx(0.5)
    assert sorted(gaps["All crime"].dropna().astype(int).tolist()) == [0, 5, 73, 243, 334, 696]
    assert r["undated_pairs"] == 0


def test_time_to_repeat_all_crime(table):
    t, _, _ = table
    r = t.loc["All crime"]
    # the 5 look-back repeats have gaps 0, 5, 73, 243, 334 (696 is not a repeat)
    assert r["n_within_7"] == 2 and r["within_7"] == pytest.approx(2 / 5)     # 0, 5
    assert r["within_30"] == pytest.approx(2 / 5)
    assert r["within_90"] == pytest.approx(3 / 5)    # + 73
    assert r["within_365"] == 1.0                   # every repeat, by construction


def test_domestic_abuse_subset(table):
    t, _, _ = table
    r = t.loc["Domestic abuse"]
    # DA crimes c04, c05, c06: V3 (3 crimes), V4 (c04) -> 2 victims, 1 repeat, 4 pairs, 3 repeat pairs
    assert (r["victims"], r["repeat_victims"], r["pairs"], r["repeat_pairs"]) == (2, 1, 4, 3)
    assert r["repeat_rate"] == pytest.approx(0.5)
    assert r["repeat_pair_share"] == pytest.approx(0.75)
    # look-back: c05 (5 days), c06 (73) -> 2 / 4; time to repeat: both within 90
    assert r["lookback_rate"] == pytest.approx(0.5)
    assert (r["within_7"], r["within_30"], r["within_90"], r["within_365"]) == pytest.approx((0.5, 0.5, 1.0, 1.0))


def test_each_group_on_its_own_crimes(table):
    t, _, _ = table
    b = t.loc["Burglary"]
    # burglary: V1 c07 (previous burglary c01, 243 days), V2 c02 (V2's robbery c03 does not count)
    assert (b["victims"], b["repeat_victims"], b["pairs"]) == (2, 0, 2)
    assert b["repeat_rate"] == 0.0
    assert b["lookback_rate"] == pytest.approx(0.5)            # c07 only
    assert b["within_90"] == 0.0 and b["within_365"] == 1.0      # 1 repeat: 243 days
    r = t.loc["Robbery"]
    # robbery: V2 c03, c08; V5 c10 -> 2 victims, 1 repeat (V2), 3 pairs, 2 repeat pairs
    assert (r["victims"], r["repeat_victims"], r["pairs"], r["repeat_pairs"]) == (2, 1, 3, 2)
    # look-back: c03 none (c02 is a burglary), c08 334 -> repeat, c10 696 -> not: 1 / 3
    assert r["lookback_rate"] == pytest.approx(1 / 3)
    assert r["lookback_repeat_pairs"] == 1 and r["within_90"] == 0.0 and r["within_365"] == 1.0
    v = t.loc["Violence"]
    # violence: V3 c04 c05 c06, V4 c04, V6 c11 -> 3 victims, 1 repeat, 5 pairs; look-back c05, c06: 2 / 5
    assert (v["victims"], v["repeat_victims"], v["pairs"]) == (3, 1, 5)
    assert v["repeat_rate"] == pytest.approx(1 / 3)
    assert v["lookback_rate"] == pytest.approx(0.4)
    assert t.index.tolist() == ["All crime", "Domestic abuse", "Burglary", "Robbery", "Violence"]


def test_distribution(table):
    _, dist, _ = table
    d = dist[dist["subset"] == "All crime"]
    # 1 crime: V1, V4, V5, V6; 3 crimes: V2, V3
    assert d["crimes_per_victim"].tolist() == ["1", "2", "3", "4", "5+"]
    assert d["victims"].tolist() == [4, 0, 2, 0, 0]
    assert d["pairs"].tolist() == [4, 0, 6, 0, 0]
    assert d["share"].tolist() == pytest.approx([4 / 6, 0, 2 / 6, 0, 0])


def test_distribution_top_band():
    d = R.distribution(pd.Series({"A": 5, "B": 9, "C": 4}))
    assert d["victims"].tolist() == [0, 0, 0, 1, 2] and d["pairs"].tolist() == [0, 0, 0, 4, 14]


def test_same_day_order_by_crime_reference():
    # the second crime of the day (by reference) is the repeat, whatever the row order
    p = pd.DataFrame({"crime_id": ["b", "a"], "victim_id": ["X", "X"], "date": pd.to_datetime(["2024-05-01"] * 2)})
    assert R.days_since_previous(p).tolist()[0] == 0.0 and math.isnan(R.days_since_previous(p).tolist()[1])


def test_lookback_boundary_365_and_366_days():
    p = pd.DataFrame({"crime_id": ["a", "b", "c", "d"], "victim_id": ["X", "X", "Y", "Y"],
                      "date": pd.to_datetime(["2023-05-01", "2024-04-30", "2023-05-01", "2024-05-01"])})
    g = R.days_since_previous(p)
    assert g.tolist()[1] == 365 and g.tolist()[3] == 366   # 2024 is a leap year
    assert R.lookback_measures(g.iloc[[1, 3]])["lookback_repeat_pairs"] == 1


def test_undated_pairs_left_out_of_lookback():
    c = _crimes()
    c.loc[c["crime_id"] == "c05", "date"] = pd.NaT
    t, _, _ = V.repeat_table(_links(), c, FY, {})
    r = t.loc["All crime"]
    # in-year unchanged (month is known); look-back over the 9 dated pairs: c05 gone, so c06's
    # previous is c04 (78 days) -> repeats c07, c03, c08, c06 = 4 of 9
    assert r["repeat_victims"] == 2 and r["undated_pairs"] == 1
    assert (r["lookback_pairs"], r["lookback_repeat_pairs"]) == (9, 4)


def test_time_to_repeat_and_curve():
    g = pd.Series([np.nan, 0, 7, 8, 30, 400])
    tt = R.time_to_repeat(g, [7, 30], lookback_days=365)
    # repeats (<= 365): 0, 7, 8, 30 -> within 7: 2 of 4; within 30: 4 of 4
    assert tt == {"repeats": 4, "n_within_7": 2, "within_7": 0.5, "n_within_30": 4, "within_30": 1.0}
    tt8 = R.time_to_repeat(g, [7], lookback_days=8)
    assert tt8["repeats"] == 3 and tt8["within_7"] == pytest.approx(2 / 3)
    c = R.repeat_curve(g, 30)
    assert len(c) == 31 and c.iloc[0] == 0.25 and c.iloc[7] == 0.5 and c.iloc[30] == 1.0
    assert R.front_loaded(g, 365) is True   # 4 of the 4 repeats within 91 days


def test_publishable_table_suppresses_small_subsets(table):
    t, _, _ = table
    out, withheld = V.publishable_table(t, min_count=5)
    notes = W.withheld_lines(withheld, min_count=5)
    # 2 repeat victims (< 5): count shown as "<5", rate and share blank, and the notes say so
    assert out.loc["All crime", "repeat_victims"] == "<5"
    assert out.loc["All crime", "victims"] == 6
    assert pd.isna(out.loc["All crime", "repeat_rate"]) and pd.isna(out.loc["All crime", "repeat_pair_share"])
    assert out.loc["All crime", "lookback_rate"] == pytest.approx(0.5)      # 5 look-back repeats: published
    assert pd.isna(out.loc["All crime", "within_7"])                         # 2 within 7 days: hidden
    assert out.loc["All crime", "within_365"] == 1.0                         # 5 of 5: published
    assert any("All crime: fewer than 5 repeat victims" in n for n in notes)
    assert list(out.columns[:6]) == ["victims", "repeat_victims", "repeat_rate", "pairs", "repeat_pair_share",
                                     "lookback_rate"]
    out1, withheld1 = V.publishable_table(t, min_count=1)
    notes1 = W.withheld_lines(withheld1, min_count=1)
    assert out1.loc["Domestic abuse", "repeat_rate"] == pytest.approx(0.5) and notes1 == []


def test_subset_masks_checks():
    c = pd.DataFrame({"crime_type": ["A"], "domestic_abuse": [False]})
    assert list(V.subset_masks(c)) == ["All crime"]          # flag never set: no DA subset
    assert list(V.subset_masks(c, domestic_abuse=True)) == ["All crime", "Domestic abuse"]
    with pytest.raises(AssessmentError, match="clashes"):
        V.subset_masks(c, {"All crime": ["A"]})


def test_bad_input_is_one_clear_line():
    with pytest.raises(AssessmentError, match="victim_id"):
        V.victim_pairs(pd.DataFrame({"crime_id": ["c1"]}), _crimes())
    with pytest.raises(AssessmentError, match="whole number of days"):
        R.lookback_measures(pd.Series([1.0]), lookback_days=-1)


# ---------------------------------------------------------------------------------------------
# the chapter on a Dataset
# ---------------------------------------------------------------------------------------------
def _dataset(min_count=1, victims=True, crimes=None):
    cfg = Config(area=Area(name="Testham"), crime_groups=GROUPS, disclosure=Disclosure(min_count=min_count))
    v = conform(_links().dropna(), VICTIM_COLUMNS) if victims else None
    return Dataset(config=cfg, period=FY, crimes=_crimes() if crimes is None else crimes, victims=v)


def test_analyse_headlines():
    res = V.analyse(_dataset(min_count=1))
    h = res.headlines
    assert res.available
    assert (h["victims.victims"], h["victims.repeat_victims"]) == (6, 2)
    assert h["victims.repeat_rate"] == pytest.approx(1 / 3)
    assert h["victims.repeat_rate_lookback"] == pytest.approx(0.5)
    assert h["victims.da_repeat_rate"] == pytest.approx(0.5)
    assert h["victims.repeat_within.90"] == pytest.approx(0.6)   # 3 of the 5 repeats
    assert h["victims.repeat_locations"] is None          # victims supplied: no location proxy
    assert "V1" not in res.table.to_csv() and "victim_id" not in res.table.to_csv()
    assert W.sentence(res).startswith("In 2024/25, 6 people in Testham were victims")


def test_analyse_suppresses_headline_rate_below_threshold():
    res = V.analyse(_dataset(min_count=5))
    h = res.headlines
    # 2 repeat victims < 5: rate published as null, and said so
    assert h["victims.victims"] == 6 and h["victims.repeat_victims"] is None and h["victims.repeat_rate"] is None
    assert h["victims.repeat_rate_lookback"] == pytest.approx(0.5)   # 5 look-back repeats: not small
    assert h["victims.da_repeat_rate"] is None
    assert any("fewer than 5 repeat victims" in s for s in W.suppressed(res))
    assert "not published" in W.sentence(res)


def test_analyse_without_victims_uses_locations():
    c = _crimes()
    c["longitude"] = [-0.1] * 6 + [-0.2] * 6
    c["latitude"] = 51.5
    c["location"] = ["On or near High Road"] * 6 + ["On or near Park Lane"] * 6
    res = V.analyse(_dataset(victims=False, crimes=c))
    assert not res.available and "No victims link" in W.notes(res)["victims"]
    assert res.headlines["victims.repeat_rate"] is None and res.headlines["victims.victims"] is None
    # in 2024/25: High Road has c02 c03 c04 c05 (4; c09, c01 before the year), Park Lane c11 c06 c07 c10 c08 (5)
    assert res.headlines["victims.repeat_locations"] == 2
    assert res.top_locations["location"].tolist() == ["On or near Park Lane", "On or near High Road"]
    assert res.top_locations["crimes"].tolist() == [5, 4]


# ---------------------------------------------------------------------------------------------
# repeat locations on a police.uk-style frame
# ---------------------------------------------------------------------------------------------
def test_repeat_locations_police_uk_frame():
    # 7 map points in 2024/25: A x5, B x3, C x2, D x2, E x1, F x1 ; G x4 but in March 2024 (outside)
    pts = {"A": (-0.101, 51.601, "On or near Station Road", "E01000001", "Haringey 001A", 5),
           "B": (-0.102, 51.602, "On or near High Road", "E01000002", "Haringey 002A", 3),
           "C": (-0.103, 51.603, "On or near Park Lane", "E01000002", "Haringey 002A", 2),
           "D": (-0.104, 51.604, "On or near Supermarket", "E01000003", "Haringey 003A", 2),
           "E": (-0.105, 51.605, "On or near Bus Station", "E01000003", "Haringey 003A", 1),
           "F": (-0.106, 51.606, "On or near Nightclub", "E01000004", "Haringey 004A", 1)}
    rows = []
    for k, (lon, lat, loc, code, name, n) in pts.items():
        for i in range(n):
            rows.append({"crime_id": f"{k}{i}", "month": "2024-06-01", "longitude": lon, "latitude": lat,
                         "location": loc, "lsoa_code": code, "lsoa_name": name,
                         "crime_type": "Burglary" if (k == "A" and i < 2) or k == "C" else "Shoplifting"})
    for i in range(4):
        rows.append({"crime_id": f"G{i}", "month": "2024-03-01", "longitude": -0.107, "latitude": 51.607,
                     "location": "On or near Old Road", "lsoa_code": "E01000005", "lsoa_name": "Haringey 005A",
                     "crime_type": "Burglary"})
    rows.append({"crime_id": "H0", "month": "2024-06-01", "longitude": np.nan, "latitude": np.nan,
                 "location": "No Location", "lsoa_code": pd.NA, "lsoa_name": pd.NA, "crime_type": "Burglary"})
    c = pd.DataFrame(rows)
    c["month"] = pd.to_datetime(c["month"])
    pts_ = V.location_counts(c, FY)
    s = V.repeat_location_summary(pts_)
    # 6 points, 4 with 2+ crimes (A, B, C, D), 14 crimes, 12 at repeat points; bands: 2 -> C, D; 3 -> B; 5+ -> A
    assert (s["locations"], s["repeat_locations"], s["crimes"], s["crimes_at_repeat_locations"]) == (6, 4, 14, 12)
    assert s["repeat_location_crime_share"] == pytest.approx(12 / 14)
    assert (s["locations_1"], s["locations_2"], s["locations_3"], s["locations_4"], s["locations_5plus"]) == (2, 2, 1, 0, 1)
    top = V.top_locations(pts_, n=3)
    assert top["location"].tolist() == ["On or near Station Road", "On or near High Road", "On or near Park Lane"]
    assert top["lsoa_code"].tolist() == ["E01000001", "E01000002", "E01000002"]
    assert top["top_crime_type"].tolist() == ["Shoplifting", "Shoplifting", "Burglary"]   # A: 3 shoplifting, 2 burglary
    assert "longitude" not in top.columns and "crime_id" not in top.columns
    by = V.location_table(c, FY, {"Burglary": ["Burglary"]})
    # burglary alone: A has 2, C has 2 -> 2 repeat points out of 2 burglary points with a map point
    assert by.loc["Burglary", ["locations", "repeat_locations", "crimes"]].tolist() == [2, 2, 4]


# ---------------------------------------------------------------------------------------------
# the notebook on the hand-made data: runs, writes its tables, and no identifier gets out
# ---------------------------------------------------------------------------------------------
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def _tokens(text: str) -> set:
    import re
    return set(re.findall(r"[A-Za-z0-9_\-]+", text))


def test_notebook_runs_and_publishes_no_identifier(tmp_path, monkeypatch):
    import pickle

    import papermill as pm

    from assessment.config import load_config
    (tmp_path / "crimes.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\n")
    (tmp_path / "assessment.yml").write_text(
        "area: {name: Testham}\ninputs: {crimes: crimes.csv}\ndisclosure: {min_count: 1}\n"
        "crime_groups: {Burglary: [Burglary], Robbery: [Robbery], Violence: [Violence with injury]}\n")
    cfg = load_config(tmp_path / "assessment.yml")
    # ASB: caller "Kx01" makes 12 calls in 12 days (repeat), "Kx02" one call
    days = pd.Timestamp("2024-06-01") + pd.to_timedelta(list(range(12)) + [3], unit="D")
    asb = pd.DataFrame({"incident_id": [f"I{i}" for i in range(13)], "datetime": days,
                        "caller_id": ["Kx01"] * 12 + ["Kx02"], "lsoa_code": "E01000001"})
    asb["month"] = asb["datetime"].dt.to_period("M").dt.to_timestamp()
    from assessment.dataset import ASB_COLUMNS
    ds = Dataset(config=cfg, period=FY, crimes=_crimes(), victims=conform(_links().dropna(), VICTIM_COLUMNS),
                 asb=conform(asb, ASB_COLUMNS), source="Hand-made test data", accounting=None)
    pk = tmp_path / "ds.pkl"
    pk.write_bytes(pickle.dumps(ds))
    monkeypatch.setenv("ASSESSMENT_DATASET", str(pk))
    out = tmp_path / "out"
    pm.execute_notebook(str(ROOT / "notebooks" / "04_victims.ipynb"), str(tmp_path / "04.ipynb"),
                        parameters={"config": str(tmp_path / "assessment.yml"), "year": 2024, "out_dir": str(out)},
                        cwd=str(tmp_path), progress_bar=False, kernel_name="python3")
    rv = pd.read_csv(out / "tables" / "repeat_victims.csv").set_index("subset")
    assert rv.loc["All crime", "repeat_victims"] == 2 and rv.loc["All crime", "lookback_rate"] == pytest.approx(0.5)
    assert rv.loc["Burglary", "lookback_rate"] == pytest.approx(0.5)
    assert (out / "tables" / "repeat_victim_distribution.csv").exists()
    ac = pd.read_csv(out / "tables" / "repeat_asb_callers.csv")
    assert ac["repeat_callers"].tolist() == [1] and ac["calls"].tolist() == [13]
    import json
    h = json.loads((out / "_summary" / "victims.json").read_text())
    assert h["victims.repeat_rate"] == pytest.approx(1 / 3) and h["victims.repeat_callers"] == 1
    ids = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "Kx01", "Kx02"}
    for f in [*out.rglob("*"), tmp_path / "04.ipynb"]:
        if f.is_file():
            found = ids & _tokens(f.read_text(errors="ignore"))
            assert not found, f"{f.name} holds identifiers {found}"


REAL = ROOT.parent / "shared" / "data" / "real"
HARINGEY_BURGLARY = REAL / "police_uk" / "metropolitan_burglary_haringey"


@pytest.mark.skipif(not HARINGEY_BURGLARY.exists(), reason="../shared/data/real is not present")
def test_repeat_locations_on_real_police_uk_burglary():
    # real police.uk rows (Haringey burglary), 2023/24 = the files 2023-04 ... 2024-03
    import csv
    files = sorted(HARINGEY_BURGLARY.glob("*.csv"))
    frames = [pd.read_csv(f, dtype=str) for f in files]
    raw = pd.concat(frames, ignore_index=True)
    c = pd.DataFrame({"crime_id": raw["Crime ID"], "month": pd.to_datetime(raw["Month"]),
                      "longitude": pd.to_numeric(raw["Longitude"]), "latitude": pd.to_numeric(raw["Latitude"]),
                      "location": raw["Location"], "lsoa_code": raw["LSOA code"], "lsoa_name": raw["LSOA name"],
                      "crime_type": raw["Crime type"]})
    s = V.repeat_location_summary(V.location_counts(c, financial_year(2023)))
    # independent count: the csv module, the coordinate TEXT as the key, months by string prefix
    per_point: dict = {}
    for f in files:
        if not ("2023-04" <= f.name[:7] <= "2024-03"):
            continue
        with open(f, newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                if row["Longitude"] and row["Latitude"]:
                    k = (row["Longitude"], row["Latitude"])
                    per_point[k] = per_point.get(k, 0) + 1
    counts = list(per_point.values())
    assert s["locations"] == len(counts)
    assert s["crimes"] == sum(counts)
    assert s["repeat_locations"] == sum(1 for n in counts if n >= 2)
    assert s["crimes_at_repeat_locations"] == sum(n for n in counts if n >= 2)
    assert s["locations_5plus"] == sum(1 for n in counts if n >= 5)


# ---------------------------------------------------------------------------------------------
# the demo data: the generator's realised truth, computed independently in assessment.demo
# ---------------------------------------------------------------------------------------------
DEMO_TYPES_KEY = ("victims", "generating", "victim_crime_types")


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    """The demo CSVs and truth.json: the repository's copy when generated, else a fresh one."""
    import json
    d = ROOT / "data" / "demo"
    if not (d / "truth.json").exists():
        from assessment.demo import generate
        root = tmp_path_factory.mktemp("demo")
        generate(root)
        d = root / "data" / "demo"
    return d, json.loads((d / "truth.json").read_text())


def _read_demo(d):
    cr = pd.read_csv(d / "crimes.csv", dtype={"crime_id": "string", "crime_type": "string"})
    cr["date"] = pd.to_datetime(cr["offence_date"])
    cr["month"] = cr["date"].dt.to_period("M").dt.to_timestamp()
    cr["domestic_abuse"] = cr["domestic_abuse"].astype(str).str.lower().eq("true")
    vi = pd.read_csv(d / "victims.csv", dtype="string")
    return cr, vi


@pytest.mark.parametrize("year", [2023, 2024])
def test_demo_equals_realised_truth(demo_files, year):
    # The truth holds REALISED values computed from the generated records by the generator's own
    # implementation of the same definitions, so the figures must agree exactly (to 1e-12 for rates).
    d, truth = demo_files
    cr, vi = _read_demo(d)
    types = truth["victims"]["generating"]["victim_crime_types"]
    fy = financial_year(year)
    t, dist, _ = V.repeat_table(vi, cr, fy, {k: [k] for k in types})
    real = truth["victims"]["realised"][fy.label]
    subsets = [("All crime", real["all"]), ("Domestic abuse", real["domestic_abuse"])]
    subsets += [(k, real["by_crime_type"][k]) for k in types]
    for name, tr in subsets:
        r = t.loc[name]
        assert (r["victims"], r["repeat_victims"], r["pairs"], r["repeat_pairs"], r["lookback_repeat_pairs"]) == (
            tr["victims"], tr["repeat_victims"], tr["pairs"], tr["repeat_victim_pairs"], tr["lookback_repeat_pairs"]), name
        for mine, theirs in (("repeat_rate", "repeat_rate"), ("repeat_pair_share", "repeat_pair_share"),
                             ("lookback_rate", "lookback_rate")):
            assert r[mine] == pytest.approx(tr[theirs], abs=1e-12), (name, mine)
        for w in (7, 30, 90, 365):
            assert r[f"within_{w}"] == pytest.approx(tr["time_to_repeat"][str(w)], abs=1e-12), (name, w)
        got = dist.loc[dist["subset"] == name, "victims"].tolist()
        assert got == [tr["crimes_per_victim"][k] for k in ("1", "2", "3", "4", "5+")], name
    # every 2nd, 3rd ... crime of an in-year repeat victim is at most 365 days after the one before
    # (both are in one 12-month year), so it is a look-back repeat; look-back repeats whose previous
    # crime was in the year before come on top, and the demo has some
    assert real["all"]["lookback_repeats_with_previous_crime_before_year"] > 0
    in_year_repeats = t.loc["All crime", "repeat_pairs"] - t.loc["All crime", "repeat_victims"]
    assert t.loc["All crime", "lookback_repeat_pairs"] == (
        in_year_repeats + real["all"]["lookback_repeats_with_previous_crime_before_year"])


def _demo_config(d, tmp_path):
    """A config for the demo files ``d`` (data/demo of a generated demo), written in ``tmp_path``."""
    from assessment.config import load_config
    root = d.parent.parent
    lines = ["area: {name: Demo borough}", "synthetic: true", "inputs:",
             f"  crimes: {d / 'crimes.csv'}", f"  victims: {d / 'victims.csv'}", f"  asb: {d / 'asb.csv'}"]
    for key, path in (("boundaries", root / "maps/demo/lsoa.gpkg"), ("wards", root / "maps/demo/lsoa_wards.csv"),
                      ("population", d / "population.csv")):
        if path.exists():
            lines.append(f"  {key}: {path}")
    lines += ["crime_groups:", "  Burglary: [Burglary]", "  Robbery: [Robbery]"]
    (tmp_path / "assessment.yml").write_text("\n".join(lines) + "\n")
    return load_config(tmp_path / "assessment.yml")


def test_demo_through_the_loader_equals_truth(demo_files, tmp_path):
    # the same figures when the demo goes through the real loader and analyse() (disclosure on:
    # every count here is far above 5, so nothing is suppressed)
    from assessment.loaders import load_dataset
    d, truth = demo_files
    ds = load_dataset(_demo_config(d, tmp_path), year=2024)
    res = V.analyse(ds)
    real = truth["victims"]["realised"]["2024/25"]
    h = res.headlines
    assert (h["victims.victims"], h["victims.repeat_victims"], h["victims.pairs"]) == (
        real["all"]["victims"], real["all"]["repeat_victims"], real["all"]["pairs"])
    assert h["victims.repeat_rate"] == pytest.approx(real["all"]["repeat_rate"], abs=1e-12)
    assert h["victims.repeat_pair_share"] == pytest.approx(real["all"]["repeat_pair_share"], abs=1e-12)
    assert h["victims.repeat_rate_lookback"] == pytest.approx(real["all"]["lookback_rate"], abs=1e-12)
    assert h["victims.da_repeat_rate"] == pytest.approx(real["domestic_abuse"]["repeat_rate"], abs=1e-12)
    assert h["victims.da_repeat_rate_lookback"] == pytest.approx(real["domestic_abuse"]["lookback_rate"], abs=1e-12)
    assert res.table.loc["Burglary", "repeat_victims"] == real["by_crime_type"]["Burglary"]["repeat_victims"]
    ah = V.analyse_asb(ds).headlines
    ta = truth["asb"]["realised"]["2024/25"]
    assert ah["victims.repeat_callers"] == ta["repeat_callers"]
    assert ah["victims.repeat_caller_call_share"] == pytest.approx(ta["share_of_calls"], abs=1e-12)


def test_demo_notebook_outputs_hold_no_victim_or_caller_id(demo_files, tmp_path):
    # run the chapter on the demo through the loader and papermill; scan every file it wrote
    # (tables, summary fragment, the executed notebook) for every victim and caller id in the input
    import papermill as pm
    d, _ = demo_files
    _demo_config(d, tmp_path)
    out = tmp_path / "out"
    pm.execute_notebook(str(ROOT / "notebooks" / "04_victims.ipynb"), str(tmp_path / "04.ipynb"),
                        parameters={"config": str(tmp_path / "assessment.yml"), "year": 2024, "out_dir": str(out)},
                        cwd=str(tmp_path), progress_bar=False, kernel_name="python3")
    ids = set(pd.read_csv(d / "victims.csv", dtype="string")["victim_id"].dropna())
    ids |= set(pd.read_csv(d / "asb.csv", dtype="string")["caller_id"].dropna())
    assert len(ids) > 1000
    files = [f for f in [*out.rglob("*"), tmp_path / "04.ipynb"] if f.is_file()]
    names = {f.name for f in files}
    assert {"repeat_victims.csv", "repeat_victim_distribution.csv", "repeat_asb_callers.csv", "victims.json"} <= names
    for f in files:
        found = ids & _tokens(f.read_text(errors="ignore"))
        assert not found, f"{f.name} holds identifiers {sorted(found)[:3]}"
