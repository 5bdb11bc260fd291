"""Issue 17: several MPS count files as one series, and ward-level counts end to end.

Small synthetic files (totals worked out by hand in each test), then the real MPS files (skipped
when ../shared/data/real is absent): the five-year Haringey example's totals against pandas run
straight on the raw CSVs, and the ward-level history that used to fail in chapter 2.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import REAL, ROOT, needs_real, run_cli

from assessment.chapters import hotspots
from assessment.chapters import wards as ward_chapter
from assessment.config import load_config
from assessment.errors import ConfigError
from assessment.loaders import load_dataset
from assessment.loaders.counts import choose_months, overlap_notes
from assessment.validate import validate
from assessment.words import wards as ward_words

MPS = REAL / "mps_recorded_crime"
HIST = MPS / "mps_ward_level_crime_historical_201004_202402_haringey.csv"
WARD = MPS / "mps_ward_level_crime_202402_202602_haringey.csv"
LSOA = MPS / "mps_lsoa_level_crime_202402_202602_haringey.csv"


# -- the rule ------------------------------------------------------------------------------------
def test_each_month_comes_from_the_file_with_most_crimes_and_a_tie_goes_to_the_later_file():
    m = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"])
    t = pd.DataFrame({0: [10.0, 2220.0, None, 7.0], 1: [None, 2.0, 5.0, 7.0]}, index=m)
    assert choose_months(t).tolist() == [0, 0, 1, 1]
    line = overlap_notes(t, choose_months(t), ["hist.csv", "cur.csv"])[0]
    # both totals of the partial month are stated, and which file supplied it
    assert "2,220" in line and "cur.csv 2 (a partial month)" in line and line.endswith("(cur.csv and hist.csv)")


# -- synthetic files -----------------------------------------------------------------------------
def _write(d, name, text):
    p = d / name
    p.write_text(text)
    return p


@pytest.fixture()
def three_files(tmp_path):
    """A ward history to 2024-02, a current ward file from a partial 2024-02, an LSOA file of the current months."""
    hist = _write(tmp_path, "hist.csv",
                  "wardname,wardcode,majortext,minortext,lookup_boroughname,202303,202304,202402\n"
                  "North,E05000001,BURGLARY,DOMESTIC BURGLARY,Testham,4,5,6\n"
                  "South,E05000002,BURGLARY,DOMESTIC BURGLARY,Testham,1,2,3\n"
                  "Elsewhere,E05000099,BURGLARY,DOMESTIC BURGLARY,Otherham,50,50,50\n")
    cur = _write(tmp_path, "cur.csv",
                 "majortext,minortext,wardname,wardcode,lookup_boroughname,202402,202403,202404,202503\n"
                 "BURGLARY,RES BURGLARY OF A HOME,North,E05000001,Testham,1,7,8,9\n"
                 "BURGLARY,RES BURGLARY OF A HOME,South,E05000002,Testham,0,2,2,2\n")
    lsoa = _write(tmp_path, "lsoa.csv",
                  "lsoa_code,lsoa_name,borough,major_category,minor_category,202402,202403,202404,202503\n"
                  "E01000001,Testham 001A,Testham,BURGLARY,RES BURGLARY OF A HOME,1,6,7,8\n"
                  "E01000002,Testham 002A,Testham,BURGLARY,RES BURGLARY OF A HOME,0,2,1,2\n")
    cfg = _write(tmp_path, "a.yml", "area: {name: Testham}\ninputs:\n  crime_counts: [hist.csv, cur.csv, lsoa.csv]\n"
                 "baseline_year: 2023\ntrend_years: 2\n")
    return cfg, (hist, cur, lsoa)


def test_a_list_of_count_files_is_one_series_each_month_counted_once(three_files):
    cfg, _ = three_files
    ds = load_dataset(load_config(cfg), 2024, allow_partial=True)
    by_month = ds.crimes.groupby("month")["count"].sum()
    # 2023-04 from the history (5 + 2); 2024-02 from the history (6 + 3 = 9 > the current file's partial 1);
    # 2024-03 onwards from the current ward file (7 + 2, ...), never from the LSOA file (fewer: geocoded only)
    assert by_month[pd.Timestamp("2023-04-01")] == 7
    assert by_month[pd.Timestamp("2024-02-01")] == 9
    assert by_month[pd.Timestamp("2024-03-01")] == 9
    assert by_month[pd.Timestamp("2024-04-01")] == 10 and by_month[pd.Timestamp("2025-03-01")] == 11
    assert int(ds.crimes_in(ds.period)["count"].sum()) == 10 + 11
    assert int(ds.crimes_in(ds.period.previous())["count"].sum()) == 7 + 9 + 9
    # the LSOA-level file feeds the analyses by LSOA only
    assert ds.count_levels == ("lsoa", "ward") and ds.by_lsoa() is ds.lsoa_crimes
    assert int(ds.lsoa_crimes["count"].sum()) == 1 + 6 + 7 + 8 + 0 + 2 + 1 + 2
    # record accounting covers every file: 3 + 2 + 2 rows read; Otherham's row is outside the area
    rec = ds.accounting.to_summary()["crimes"]
    assert rec["read"] == 7 and rec["used"] == 6 and rec["excluded"] == {"outside the area": 1}
    notes = " ".join(ds.notes)
    assert "hist.csv 9 crimes, cur.csv 1 (a partial month)" in notes      # both totals of Feb 2024
    assert "lsoa.csv" in notes and "analyses by LSOA only" in notes


def test_a_file_whose_months_are_all_taken_is_accounted(tmp_path):
    _write(tmp_path, "a.csv", "wardcode,wardname,borough,majortext,minortext,202404,202503\n"
                              "E05000001,North,Testham,X,Y,5,5\n")
    _write(tmp_path, "b.csv", "wardcode,wardname,borough,majortext,minortext,202404,202503\n"
                              "E05000001,North,Testham,X,Y,4,4\n")
    cfg = _write(tmp_path, "a.yml", "area: {name: Testham}\ninputs: {crime_counts: [a.csv, b.csv]}\n")
    ds = load_dataset(load_config(cfg), 2024, allow_partial=True)
    assert int(ds.crimes["count"].sum()) == 10
    rec = ds.accounting.to_summary()["crimes"]
    assert rec["read"] == 2 and rec["used"] == 1
    assert list(rec["excluded"].values()) == [1] and "counted once" in next(iter(rec["excluded"]))


def test_an_empty_list_of_count_files_is_one_line(tmp_path):
    cfg = _write(tmp_path, "a.yml", "area: {name: Testham}\ninputs: {crime_counts: []}\n")
    with pytest.raises(ConfigError, match="empty list"):
        load_config(cfg)


def test_ward_level_counts_give_the_ward_analyses_and_no_lsoa_analyses(three_files):
    cfg, (hist, cur, _lsoa) = three_files
    p = cfg.parent / "w.yml"
    p.write_text("area: {name: Testham}\ninputs: {crime_counts: [hist.csv, cur.csv]}\ntrend_years: 2\n")
    ds = load_dataset(load_config(p), 2024, allow_partial=True)
    assert ds.by_lsoa() is None and ward_chapter.available(ds)
    r = ward_chapter.analyse(ds)
    assert r.table.loc["E05000001", "count"] == 8 + 9 and r.table.loc["E05000002", "count"] == 2 + 2
    # previous year: North 5 (Apr 23) + 6 (Feb 24, the history) + 7 (Mar 24, current) = 18
    assert r.table.loc["E05000001", "previous_count"] == 18
    assert r.yearly.loc["E05000001", "crimes 2023/24"] == 18 and r.yearly.loc["E05000001", "change_previous"] == -1
    assert not r.has_geometry and "no ward boundaries" in ward_words.gi_sentence(r)
    assert r.headlines["wards.top_ward"] == "North" and r.headlines["wards.hot_spots_95"] is None
    assert ward_words.opening(r, "Testham").startswith("Across Testham’s 2 wards, North had the most crime")


# -- the real MPS files --------------------------------------------------------------------------
def _months(first: str, last: str) -> list[str]:
    return [m.strftime("%Y%m") for m in pd.date_range(first, last, freq="MS")]


def _real_year(y: int) -> int:
    """Haringey's crimes in financial year y/y+1, counted straight from the raw ward-level CSVs: the
    history to February 2024, the current ward table from March 2024 (its February 2024 is partial)."""
    hist, cur = pd.read_csv(HIST), pd.read_csv(WARD)
    months = _months(f"{y}-04-01", f"{y + 1}-03-01")
    total = 0
    for m in months:
        src = hist if m <= "202402" else cur
        total += int(src[m].sum())
    return total


@needs_real
def test_the_five_year_haringey_example_equals_an_independent_count_of_the_raw_files():
    cfg = load_config(ROOT / "examples" / "haringey-five-years.yml")
    ds = load_dataset(cfg, 2024)
    got = {y: int(ds.crimes_in(ds.period.shift(y - 2024))["count"].sum()) for y in range(2020, 2025)}
    want = {y: _real_year(y) for y in range(2020, 2025)}
    assert got == want
    assert want[2024] == 27_500 and want[2023] == 29_011        # 2024/25 against 2023/24: -1,511 (-5.2%)
    # February 2024 from the history (2,220), not the current ward table's partial month (2)
    feb = ds.crimes[ds.crimes["month"] == pd.Timestamp("2024-02-01")]
    assert int(feb["count"].sum()) == 2_220
    # the LSOA detail is the LSOA file's own count, and every file's rows are accounted
    lsoa = pd.read_csv(LSOA)
    assert int(ds.lsoa_crimes["count"].sum()) == int(lsoa[_months("2024-02-01", "2025-03-01")].to_numpy().sum())
    rec = ds.accounting.to_summary()["crimes"]
    assert rec["read"] == len(pd.read_csv(HIST)) + len(pd.read_csv(WARD)) + len(lsoa) == rec["used"]
    # by ward, year by year, against the raw ward files
    r = ward_chapter.analyse(ds)
    cur = pd.read_csv(WARD).groupby("wardcode")[_months("2024-04-01", "2025-03-01")].sum().sum(axis=1)
    assert r.table["count"].sort_index().tolist() == cur.sort_index().tolist()
    base = pd.read_csv(HIST).groupby("wardcode")[_months("2020-04-01", "2021-03-01")].sum().sum(axis=1)
    assert r.yearly["crimes 2020/21"].sort_index().tolist() == base.sort_index().tolist()
    assert r.has_geometry and r.boundary_source == "ward_boundaries" and len(r.table) == 21
    # the LSOA hot spots use the LSOA file (no previous year by LSOA: it begins in February 2024)
    h = hotspots.analyse(ds, emerging=False)
    assert int(h.table["count"].sum()) == int(lsoa[_months("2024-04-01", "2025-03-01")].to_numpy().sum())
    assert not h.has_previous


@needs_real
def test_the_ward_level_history_alone_runs_through_chapter_2(tmp_path):
    """Was: validate said 'inputs OK', then chapter 2 stopped on 'rows have an LSOA code that is not one
    of the area's 0 LSOAs' / a TypeError.  Now the LSOA sections are not covered and the wards are analysed."""
    cfg = tmp_path / "a.yml"
    cfg.write_text(f"area: {{name: Haringey}}\ninputs:\n  crime_counts: {HIST}\n"
                   f"  ward_boundaries: {REAL / 'boundaries/haringey_wards2024_bgc_wgs84.geojson'}\n")
    c = load_config(cfg)
    assert validate(c, 2022) == []
    ds = load_dataset(c, 2022)
    assert ds.by_lsoa() is None
    r = ward_chapter.analyse(ds)
    raw = pd.read_csv(HIST)
    assert int(r.table["count"].sum()) == int(raw[_months("2022-04-01", "2023-03-01")].to_numpy().sum())
    assert r.has_geometry and r.table["gi_class"].notna().all()


@needs_real
@pytest.mark.slow
@pytest.mark.real
def test_the_five_year_report(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("run", "--config", str(ROOT / "examples" / "haringey-five-years.yml"), "--year", "2024",
                   "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    s = json.loads((out / "summary.json").read_text())
    assert s["crime"]["total"] == _real_year(2024) and s["crime"]["previous_total"] == _real_year(2023)
    assert s["crime"]["change"] == _real_year(2024) - _real_year(2023) and s["crime"]["no_location"] == 0
    assert s["wards"]["count"] == 21
    years = pd.read_csv(out / "tables/ward_years.csv")
    assert [c for c in years.columns if c.startswith("crimes ")] == [f"crimes {y}/{y - 1999}" for y in range(2020, 2025)]
    assert years["crimes 2024/25"].sum() == _real_year(2024)
    html = next(p for p in out.glob("*.html") if "annex" not in p.name).read_text()
    assert "Crime by ward, year by year" in html and "Hot spots and concentration by ward" in html
