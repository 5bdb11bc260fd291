"""Issue 12 (items 6 and 9): numbers and dates read strictly, plausibility notes, boundary sanity.

Small, in-process, loader-level tests; the command-line outcome (one line, exit 2) of the main
cases is in the bad-input corpus (tests/bad_inputs/cases.yml).
"""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from assessment.accounting import Accounting
from assessment.config import Config
from assessment.errors import InputError
from assessment.loaders import load_dataset
from assessment.loaders.common import collect_problems, parse_count, parse_date, parse_month
from assessment.loaders.geography import check_overlaps, load_boundaries
from assessment.loaders.links import load_links, read_asb
from assessment.loaders.mps import read_mps
from assessment.loaders.plausibility import NOT_RECORDED, check_rates, dominant_ids, placeholder_ids, validate_lines
from assessment.loaders.population import load_population
from assessment.periods import financial_year

BASE = Path(__file__).resolve().parent / "bad_inputs" / "base"


def _err(fn, *a, **kw) -> str:
    with pytest.raises(InputError) as e:
        fn(*a, **kw)
    return str(e.value).rsplit("/", 1)[-1]


# -- counts and populations ----------------------------------------------------------------------------
@pytest.mark.parametrize("value, number", [("1678", 1678), ("1,678", 1678), ("1,234,567", 1234567),
                                           (" 1 678 ", 1678), ("1\u00a0678", 1678), ("1678.0", 1678),
                                           ("0", 0), ("+12", 12)])
def test_whole_numbers_are_read(value, number):
    assert parse_count(pd.Series([value]), "p.csv", "n", "a count", maximum=10**7).tolist() == [number]


@pytest.mark.parametrize("value, hint", [
    ("1.678", "a dot as thousands separator or a decimal point? write whole numbers without a dot (1678 or 1,678)"),
    ("12.345.678", "a dot as thousands separator or a decimal point?"),
    ("1,678.5", "not a whole number"),
    ("0.5", "not a whole number"),
    ("16,78", "separators in the wrong place: write whole numbers as 1678 or 1,678"),
    ("1.678,5", "separators in the wrong place"),
    ("1e19", "a number in scientific notation: format the column as a whole number before saving"),
    ("1.2E+03", "a number in scientific notation"),
    ("inf", "not a finite number"),
    ("-Infinity", "not a finite number"),
    ("nan", "not a finite number"),
    ("about 900", None),
])
def test_numbers_that_are_not_whole_numbers_stop_with_one_line(value, hint):
    m = _err(parse_count, pd.Series(["5", value]), "p.csv", "population", "a population", personal=False)
    head = f"p.csv: column 'population': expected a population, found '{value}' in row 3"
    assert m == head if hint is None else m.startswith(f"{head} — {hint}")
    assert "\n" not in m


def test_count_bounds_and_personal_files():
    m = _err(parse_count, pd.Series(["5", "-3"]), "p.csv", "n", "a count", negative="a count of 0 or more",
             personal=False)
    assert m == "p.csv: column 'n': expected a count of 0 or more, found '-3' in row 3"
    m = _err(parse_count, pd.Series(["5", "100001"]), "p.csv", "n", "a count", personal=False)
    assert m == "p.csv: column 'n': expected a count of at most 100,000, found '100001' in row 3"
    # the bound applies only where `bounded` says (e.g. LSOA rows of a population file)
    assert parse_count(pd.Series(["100001"]), "p.csv", "n", "a count", bounded=[False]).tolist() == [100001]
    # a file with personal data: the row, never the value
    m = _err(parse_count, pd.Series(["5", "1.678"]), "v.csv", "n", "a count", personal=True)
    assert m.startswith("v.csv: column 'n': expected a count, found something else in row 3 — a dot as")
    assert "1.678" not in m


def test_every_bad_value_is_listed_inside_collect_problems():
    with collect_problems() as found:
        out = parse_count(pd.Series(["inf", "7", "1.678", "-1"]), "p.csv", "n", "a count",
                          negative="a count of 0 or more", personal=False)
    assert out.isna().tolist() == [True, False, True, True]
    assert [str(e).split("found ")[1].split(" —")[0] for e in found] == ["'inf' in row 2", "'1.678' in row 4",
                                                                        "'-1' in row 5"]


def test_population_with_a_dot_thousands_separator_is_not_two_residents(tmp_path):
    p = tmp_path / "population.csv"
    p.write_text("lsoa_code,population\nE01000001,1.678\n")
    assert _err(load_population, p, 2024, Accounting(), []) == (
        "population.csv: column 'population': expected a population (a whole number of residents), found '1.678' "
        "in row 2 — a dot as thousands separator or a decimal point? write whole numbers without a dot (1678 or 1,678)")
    p.write_text('lsoa_code,population\nE01000001,"1,678"\nE01000002,1500.0\n')
    pop = load_population(p, 2024, Accounting(), [])
    assert pop.table["population"].tolist() == [1678, 1500]


def test_population_rows_of_other_years_keep_their_file_row_numbers(tmp_path):
    p = tmp_path / "population.csv"
    p.write_text("lsoa_code,year,population\nE01000001,2021,oops\nE01000001,2023,1500\nE01000002,2023,12.5\n")
    # the 2021 row is not checked (another year); the bad 2023 row is named by its row in the file
    assert _err(load_population, p, 2024, Accounting(), []) == (
        "population.csv: column 'population': expected a population (a whole number of residents), "
        "found '12.5' in row 4 — not a whole number")


def test_population_of_a_non_lsoa_row_is_not_bounded(tmp_path):
    p = tmp_path / "population.csv"
    p.write_text("lsoa_code,population\nE01000001,1500\nE92000001,56000000\n")
    acc = Accounting()
    pop = load_population(p, 2024, acc, [])
    assert pop.table["lsoa_code"].tolist() == ["E01000001"]
    assert acc.exclusions["population"] == {"malformed LSOA code": 1}
    p.write_text("lsoa_code,population\nE01000001,150000\n")
    assert _err(load_population, p, 2024, Accounting(), []) == (
        "population.csv: column 'population': expected a population of at most 100,000 (an LSOA has about "
        "1,500 residents), found '150000' in row 2")


@pytest.mark.parametrize("cell, found", [
    ("inf", "'inf' in row 2 — not a finite number"),
    ("nan", "'nan' in row 2 — not a finite number"),
    ("1e19", "'1e19' in row 2 — a number in scientific notation: format the column as a whole number before saving"),
    ("2.5", "'2.5' in row 2 — not a whole number"),
    ("250000", None),
])
def test_mps_cells_are_whole_numbers(tmp_path, cell, found):
    p = tmp_path / "mps.csv"
    p.write_text(f"lsoa_code,lsoa_name,borough,major_category,minor_category,202404\n"
                 f"E01000001,Testham 001A,E09000099,THEFT,SHOPLIFTING,{cell}\n")
    m = _err(read_mps, p, [])
    if found is None:
        assert m == ("mps.csv: column '202404': expected a count of crimes of at most 100,000 in one cell, "
                     "found '250000' in row 2")
    else:
        assert m == f"mps.csv: column '202404': expected a count of crimes (a whole number, 0 or more), found {found}"


def test_mps_month_column_out_of_range(tmp_path):
    p = tmp_path / "mps.csv"
    p.write_text("lsoa_code,major_category,minor_category,202404,230001\nE01000001,THEFT,SHOPLIFTING,1,2\n")
    assert _err(read_mps, p, []) == ("mps.csv: column '230001': expected month columns named YYYYMM between "
                                     "190001 and 210012, found a column for the year 2300")


# -- dates -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["2300-01-01", "01/01/2300", "2263-04-11T10:00:00+01:00", "0001-01-01",
                                   "31/12/1899", "2101-01-01 00:00", "9999-12-31"])
def test_dates_outside_1900_2100_stop_with_one_line(value):
    m = _err(parse_date, pd.Series(["2024-04-01", value]), "crimes.csv", "offence_date")
    assert m == "crimes.csv: column 'offence_date': expected a date between 1900 and 2100, found something else in row 3"


def test_the_first_bad_row_decides_which_date_problem_stops_the_run():
    m = _err(parse_date, pd.Series(["2300-01-01", "31/04/2024"]), "c.csv", "d")
    assert m == "c.csv: column 'd': expected a date between 1900 and 2100, found something else in row 2"
    with collect_problems() as found:
        out = parse_date(pd.Series(["2300-01-01", "31/04/2024", "2024-04-01"]), "c.csv", "d")
    assert len(found) == 2 and out.isna().tolist() == [True, True, False]


def test_months_outside_1900_2100():
    m = _err(parse_month, pd.Series(["2024-04", "1899-12"]), "2024-04-x-street.csv", "Month", personal=False)
    assert m == "2024-04-x-street.csv: column 'Month': expected a month between 1900 and 2100, found '1899-12' in row 3"


def test_police_uk_month_in_2300_is_one_line_not_a_crash():
    from assessment.loaders.police_uk import parse_street_file
    head = "Crime ID,Month,Falls within,Longitude,Latitude,LSOA code,LSOA name,Crime type\n"
    data = (head + "a1,2024-04,T,-0.1,51.5,E01000001,T 001A,Burglary\na2,2300-04,T,-0.1,51.5,E01000001,T 001A,"
            "Burglary\n").encode()
    assert _err(parse_street_file, data, "2024-04-t-street.csv", []) == (
        "2024-04-t-street.csv: column 'Month': expected a month between 1900 and 2100, found '2300-04' in row 3")


def test_naive_times_are_uk_local_whatever_other_rows_carry():
    s = pd.Series(["2025-03-31 23:30",            # naive, BST not yet: stays in March 2025
                   "2024-06-30 23:30",            # naive in summer: stays
                   "2024-03-31T23:30:00Z",        # UTC -> 00:30 BST on 1 April 2024
                   "2024-12-31T23:30:00+00:00",   # winter: UK time = UTC
                   "2024-07-01T09:00:00-04:00",   # New York -> 14:00 BST
                   "2024-10-27T01:30:00+01:00",   # the ambiguous hour of the clocks going back, by its offset
                   "01/04/2024 10:00"])
    out = parse_date(s, "crimes.csv", "offence_date").astype(str).tolist()
    assert out == ["2025-03-31 23:30:00", "2024-06-30 23:30:00", "2024-04-01 00:30:00", "2024-12-31 23:30:00",
                   "2024-07-01 14:00:00", "2024-10-27 01:30:00", "2024-04-01 10:00:00"]
    # the same naive values without any offset in the column: identical
    assert parse_date(s[[0, 1, 6]], "c", "d").astype(str).tolist() == [out[0], out[1], out[6]]


# -- blank crime types, placeholders, dominant ids, rates ----------------------------------------------------
def _extract_config(tmp_path, crimes: str, **inputs) -> Config:
    (tmp_path / "crimes.csv").write_text(crimes)
    files = {"crimes": str(tmp_path / "crimes.csv"), "boundaries": str(BASE / "lsoa.geojson"),
             "population": str(BASE / "population.csv")}
    for k, text in inputs.items():
        (tmp_path / f"{k}.csv").write_text(text)
        files[k] = str(tmp_path / f"{k}.csv")
    return Config.model_validate({"area": {"name": "Testham"}, "inputs": files})


def test_blank_crime_types_stay_in_the_totals_and_the_tables_by_type(tmp_path):
    from assessment.chapters import crime_in_the_area as volumes
    text = (BASE / "crimes.csv").read_text().replace("C03,2024-05-07,Shoplifting", "C03,2024-05-07,") \
        .replace("C07,2024-10-05,Vehicle crime", "C07,2024-10-05,  ")
    ds = load_dataset(_extract_config(tmp_path, text), 2024)
    cur = ds.crimes_in(ds.period)
    assert int(cur["count"].sum()) == 10
    assert int(cur.loc[cur["crime_type"] == NOT_RECORDED, "count"].sum()) == 2
    by_type = volumes.compare_periods(ds.crimes, ds.period, "crime_type")
    assert int(by_type.loc[NOT_RECORDED, "current"]) == 2 and int(by_type["current"].sum()) == 10
    assert ds.accounting.notes["crimes"] == [
        "2 crime(s) with a blank crime type counted as 'Not recorded' (kept in the totals and in the tables by type)"]
    from assessment.words.appendix import quality_notes
    assert "* **crimes**: 2 crime(s) with a blank crime type counted as 'Not recorded'" in quality_notes(ds)


def test_blank_crime_type_in_police_uk(tmp_path):
    d = tmp_path / "pu"
    d.mkdir()
    head = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
            "Last outcome category,Context\n")
    (d / "2024-04-testshire-street.csv").write_text(
        head + "a1,2024-04,T,T,,,On or near X,E01000001,Testham 001A,,,\n"
               "a2,2024-04,T,T,,,On or near X,E01000002,Testham 001B,Burglary,,\n")
    cfg = Config.model_validate({"area": {"name": "Testham", "lsoa_name_prefix": "Testham"},
                                 "inputs": {"police_uk": str(d)}})
    ds = load_dataset(cfg, 2024)
    assert sorted(ds.crimes["crime_type"]) == ["Burglary", NOT_RECORDED]
    assert any("1 crime(s) with a blank crime type" in n for n in ds.notes)


@pytest.mark.parametrize("value, placeholder", [
    ("0", True), ("000", True), ("-1", True), ("999", True), ("999999", True), ("-", True), ("--", True),
    ("?", True), (".", True), ("UNKNOWN", True), ("Unknown", True), (" unknown offender ", True), ("N/A", True),
    ("n/a", True), ("NA", True), ("NULL", True), ("null", True), ("None", True), ("(blank)", True),
    ("<NULL>", True), ("#N/A", True), ("NK", True), ("TBC", True), ("XXX", True), ("not known", True),
    ("V001", False), ("OFF-0001", False), ("9", False), ("99", False), ("19999", False), ("10", False),
    ("X7", False), ("Nadia", False), ("UNKNOWN-7F3A", False),
])
def test_placeholder_ids(value, placeholder):
    assert placeholder_ids(pd.Series([value]))[0] == placeholder


def test_placeholder_links_are_excluded_and_counted(tmp_path):
    p = tmp_path / "offenders.csv"
    p.write_text("crime_id,offender_id\nC1,O1\nC2,UNKNOWN\nC3,0\nC9,NULL\nC3,O2\n")
    acc, notes = Accounting(), []
    out = load_links(p, "offenders", acc, notes, all_ids={"C1", "C2", "C3"}, used_ids={"C1", "C2", "C3"})
    assert out["offender_id"].tolist() == ["O1", "O2"]
    assert acc.to_summary()["offenders"] == {"read": 5, "used": 2,
                                            "excluded": {"placeholder offender id (not a person)": 3}}
    assert notes == ["offenders.csv: 3 link(s) with a placeholder offender id (a stand-in for 'unknown', not a "
                     "person) left out of the offender analysis, first in row 3"]
    # the data-quality table of the appendix shows the exclusion
    from assessment.chapters.appendix import accounting_table
    t = accounting_table(acc)
    assert t.loc[t["Reason"] == "placeholder offender id (not a person)", "Rows"].tolist() == [3]


def test_one_id_on_an_implausible_share_of_crimes_is_noted_not_quoted(tmp_path):
    rows = [f"C{i},SHOP-1" for i in range(80)] + [f"C{80 + i},V{i}" for i in range(920)]
    p = tmp_path / "victims.csv"
    p.write_text("crime_id,victim_id\n" + "\n".join(rows) + "\n")
    ids = {f"C{i}" for i in range(1000)}
    notes = []
    load_links(p, "victims", Accounting(), notes, all_ids=ids, used_ids=ids)
    assert notes == ["victims.csv: 1 victim id(s) linked to more than 1% of the 1,000 crimes with a victim and to "
                     "more than 50 of them — the largest to 80 crimes (8.0%), first in row 2: check it is not a "
                     "placeholder for an unknown victim (or an organisation, such as a shop) (it is kept)"]
    assert "SHOP-1" not in notes[0]


@pytest.mark.parametrize("n, total, noted", [(50, 1000, False),    # not more than 50
                                             (51, 1000, True),
                                             (60, 10000, False),   # 0.6% of the linked crimes
                                             (120, 10000, True)])
def test_dominant_id_thresholds(n, total, noted):
    ids = pd.Series(["A"] * n + [f"P{i}" for i in range(total - n)])
    crimes = pd.Series([f"c{i}" for i in range(total)])
    assert (dominant_ids(ids, crimes, "o.csv", "offender") is not None) == noted


def test_asb_placeholder_callers_are_kept_as_incidents_without_a_caller(tmp_path):
    p = tmp_path / "asb.csv"
    p.write_text("incident_id,datetime,caller_id,lsoa_code\nA1,2024-04-01 22:15,K1,E01000001\n"
                 "A2,2024-05-01 10:00,UNKNOWN,E01000002\nA3,2024-06-01 10:00,0,E01000002\n")
    a = read_asb(p, [])
    assert a["caller_id"].isna().tolist() == [False, True, True]
    assert a["_caller_placeholder"].tolist() == [False, True, True]


def test_rates_beyond_any_real_lsoa_are_noted():
    lsoas = pd.DataFrame({"population": pd.array([1500, 1500, 99, 100], dtype="Int64")},
                         index=pd.Index(["E01000001", "E01000002", "E01000003", "E01000004"], name="lsoa_code"))
    crimes = pd.DataFrame({"month": pd.to_datetime(["2024-05-01"] * 4), "lsoa_code": list(lsoas.index),
                           "count": [22_500, 22_501, 5, 1_500]})
    acc = Accounting()
    check_rates(crimes, lsoas, financial_year(2024), acc)
    notes = acc.notes["population"]
    assert len(notes) == 2
    assert notes[0].startswith("1 LSOA(s) with fewer than 100 residents (E01000003: 99)")
    # 22,500 / 1,500 = 15,000 per 1,000 (not above); 22,501 is; 1,500 / 100 = 15,000 (not above)
    assert notes[1].startswith("1 LSOA(s) with more than 15,000 crimes per 1,000 residents in 2024/25 "
                               "(E01000002: 15,001)")


def test_real_london_rates_are_not_flagged():
    # the bound sits well above every real LSOA: 2024/25 MPS counts against the mid-2022 population
    from conftest import REAL
    mps = REAL / "mps_recorded_crime" / "mps_lsoa_level_crime_202402_202602_london.csv.gz"
    pop = REAL / "population" / "ons_sape_lsoa21_population_density_mid2011_mid2022_london.csv"
    if not (mps.exists() and pop.exists()):
        pytest.skip("real data not present")
    m = pd.read_csv(mps, dtype={"lsoa_code": str})
    months = [c for c in m.columns if c.isdigit() and "202404" <= c <= "202503"]
    long = m.melt(id_vars=["lsoa_code"], value_vars=months, var_name="month", value_name="count")
    long["month"] = pd.to_datetime(long["month"], format="%Y%m")
    p = pd.read_csv(pop).set_index("LSOA 2021 Code")["Mid-2022: Population"]
    lsoas = pd.DataFrame({"population": p.astype("Int64")})
    acc = Accounting()
    check_rates(long, lsoas, financial_year(2024), acc)
    assert acc.notes.get("population", []) == []


def test_validate_lines_pick_this_modules_notes_only():
    class DS:
        accounting = Accounting()
        notes = ["victims.csv: 2 link(s) with a placeholder victim id (a stand-in ...)", "a harmless note"]
    DS.accounting.exclude("victims", "placeholder victim id (not a person)", 2)
    DS.accounting.exclude("victims", "duplicate link", 1)
    assert validate_lines(DS) == ["victims: 2 row(s) excluded: placeholder victim id (not a person)",
                                  "victims.csv: 2 link(s) with a placeholder victim id (a stand-in ...)"]


# -- boundaries -----------------------------------------------------------------------------------------------
def _boundary_cfg(path) -> Config:
    return Config.model_validate({"area": {"name": "Testham"}, "inputs": {"boundaries": str(path)}})


def _squares(crs=27700, dx=0.0, dy=0.0):
    geoms = [shapely.box(530000 + 1000 * i + dx, 180000 + dy, 531000 + 1000 * i + dx, 181000 + dy) for i in range(3)]
    return gpd.GeoDataFrame({"LSOA21CD": ["E01000001", "E01000002", "E01000003"]}, geometry=geoms, crs=27700)


def test_line_features_stop_with_one_line(tmp_path):
    g = _squares()
    g.loc[1, "geometry"] = shapely.LineString([(531000, 180000), (532000, 181000)])
    g.to_file(tmp_path / "b.gpkg")
    assert _err(load_boundaries, _boundary_cfg(tmp_path / "b.gpkg"), Accounting(), []) == (
        "b.gpkg: geometry: expected LSOA polygons (Polygon or MultiPolygon features), found 1 LineString "
        "feature(s), first 'E01000002' (feature 2): a file of LSOA centroids or lines? Use the LSOA boundary polygons")


def test_metres_labelled_wgs84_stop_with_the_fix(tmp_path):
    g = _squares()
    g.set_crs(4326, allow_override=True).to_file(tmp_path / "b.gpkg")
    m = _err(load_boundaries, _boundary_cfg(tmp_path / "b.gpkg"), Accounting(), [])
    assert m == ("b.gpkg: coordinate reference system EPSG:4326: expected longitude and latitude in degrees in "
                 "Great Britain, found x 530,000 to 533,000, y 180,000 to 181,000, which look like metres (British "
                 "National Grid): set the right CRS with ogr2ogr -a_srs EPSG:27700 or GeoPandas "
                 "set_crs(27700, allow_override=True)")


def test_geojson_without_crs_in_metres_stops(tmp_path):
    # RFC 7946: a GeoJSON without "crs" is longitude/latitude; British National Grid metres in one are wrong
    gj = json.loads((BASE / "lsoa.geojson").read_text())
    del gj["crs"]
    (tmp_path / "b.geojson").write_text(json.dumps(gj))
    m = _err(load_boundaries, _boundary_cfg(tmp_path / "b.geojson"), Accounting(), [])
    assert m.startswith("b.geojson: coordinate reference system EPSG:4326: expected longitude and latitude in degrees "
                        "in Great Britain, found x 530,000 to 532,000, y 180,000 to 182,000, which look like metres")


def test_degrees_outside_great_britain_stop(tmp_path):
    g = _squares().to_crs(4326)
    g["geometry"] = g.geometry.translate(20, 0)   # central Europe
    g.to_file(tmp_path / "b.gpkg")
    m = _err(load_boundaries, _boundary_cfg(tmp_path / "b.gpkg"), Accounting(), [])
    assert m.startswith("b.gpkg: coordinate reference system EPSG:4326: expected longitude and latitude in degrees in "
                        "Great Britain, found x 19.")
    assert m.endswith("outside Great Britain (longitude and latitude swapped?): set the right CRS with ogr2ogr -a_srs "
                      "or GeoPandas set_crs")


def test_projected_crs_outside_great_britain_stops(tmp_path):
    g = _squares()
    g.set_crs(3857, allow_override=True).to_file(tmp_path / "b.gpkg")   # BNG numbers called Web Mercator
    m = _err(load_boundaries, _boundary_cfg(tmp_path / "b.gpkg"), Accounting(), [])
    assert m.startswith("b.gpkg: coordinate reference system EPSG:3857: expected coordinates in Great Britain once "
                        "reprojected to EPSG:27700")
    assert "outside Great Britain in EPSG:3857: set the right CRS" in m


def test_right_crs_of_any_kind_is_accepted(tmp_path):
    for crs in (27700, 4326, 3857, 4258):
        g = _squares().to_crs(crs)
        g.to_file(tmp_path / f"b{crs}.gpkg")
        b = load_boundaries(_boundary_cfg(tmp_path / f"b{crs}.gpkg"), Accounting(), [])
        assert b.gdf.crs.to_epsg() == 27700
        assert round(float(b.gdf.geometry.area.sum()) / 1e6, 2) == 3.0


def _indexed(geoms):
    return gpd.GeoDataFrame(geometry=geoms, crs=27700,
                            index=pd.Index([f"E0100000{i + 1}" for i in range(len(geoms))], name="lsoa_code"))


def test_shared_edges_and_slivers_are_fine():
    squares = [shapely.box(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(3)]
    check_overlaps(_indexed(squares), "b.gpkg")
    sliver = [shapely.box(0, 0, 1005, 1000), shapely.box(1000, 0, 2000, 1000)]   # 0.5% of the smaller one
    check_overlaps(_indexed(sliver), "b.gpkg")


def test_a_polygon_inside_another_or_a_duplicate_polygon_stops():
    inside = [shapely.box(0, 0, 3000, 3000), shapely.box(1000, 1000, 2000, 2000)]
    m = _err(check_overlaps, _indexed(inside), "b.gpkg")
    assert m.startswith("b.gpkg: expected LSOA polygons that do not overlap, found E01000001 and E01000002 "
                        "overlapping by 100% of the smaller one's area:")
    same = [shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000), shapely.box(0, 0, 1000, 1000)]
    m = _err(check_overlaps, _indexed(same), "b.gpkg")
    assert "found E01000001 and E01000003 overlapping by 100%" in m


def test_overlaps_are_listed_by_validate_with_the_rest(tmp_path):
    from assessment.validate import validate
    gj = json.loads((BASE / "lsoa.geojson").read_text())
    gj["features"][3]["geometry"]["coordinates"] = [[[530500, 181000], [532000, 181000], [532000, 182000],
                                                     [530500, 182000], [530500, 181000]]]
    (tmp_path / "lsoa.geojson").write_text(json.dumps(gj))
    (tmp_path / "population.csv").write_text("lsoa_code,population\nE01000001,1500\nE01000002,inf\n"
                                             "E01000003,900\nE01000004,1400\n")
    (tmp_path / "crimes.csv").write_text((BASE / "crimes.csv").read_text())
    (tmp_path / "a.yml").write_text("area: {name: Testham}\ninputs: {crimes: crimes.csv, population: population.csv, "
                                    "boundaries: lsoa.geojson}\n")
    from assessment.config import load_config
    lines = [line.rsplit("/", 1)[-1] for line in validate(load_config(tmp_path / "a.yml"), 2024)]
    assert any(line.startswith("lsoa.geojson: expected LSOA polygons that do not overlap, found E01000003 and "
                            "E01000004 overlapping by 50%") for line in lines), lines
    assert any(line.startswith("population.csv: column 'population': expected a population (a whole number of "
                            "residents), found 'inf' in row 3") for line in lines), lines
