"""MPS published counts (wide YYYYMM columns), hand-counted on tests/fixtures/loaders/mps_lsoa.csv.

Cells (months 2020-03, 2024-04, 2024-05, 2025-04):
  row 1 Testham 001A burglary      1 2 3 4
  row 2 Testham 001B robbery       0 1 0 2
  row 3 Otherham 001A burglary     5 6 7 8   (outside the area)
  row 4 = row 1 again              1 1 1 1   (duplicate row)
Accounting counts the file's rows, as for every input (it counted crimes, the sum of the cells,
so a 3,200-row file was "53,771 rows read"): read 4 data rows.
  outside the area: row 3;  duplicate row: row 4;  used: rows 1 and 2;  1 + 1 + 2 = 4.
Crimes in month columns outside the data window (2020-04 to 2025-03) are not rows; a note states them:
  before (2020-03): 1+0+5+1 = 7;  after (2025-04): 4+2+8+1 = 15.
Crimes used: row 1 2+3 + row 2 1 = 6.
"""
from pathlib import Path

import pytest

from assessment.config import Config
from assessment.errors import InputError
from assessment.loaders import load_dataset

F = Path(__file__).resolve().parent / "fixtures" / "loaders"


def cfg(area=None, **inputs):
    return Config.model_validate({"area": area or {"name": "Testham"},
                                  "inputs": {k: str(F / v) if not Path(v).is_absolute() else v
                                             for k, v in inputs.items()}})


def test_mps_lsoa_accounting_and_melt():
    ds = load_dataset(cfg(crime_counts="mps_lsoa.csv", boundaries="lsoa_bng.geojson"), 2024)
    s = ds.accounting.to_summary()["crimes"]
    assert s == {"read": 4, "used": 2, "excluded": {"duplicate row (same area and category)": 1, "outside the area": 1}}
    assert s["read"] == len((F / "mps_lsoa.csv").read_text().splitlines()) - 1      # the file's data rows
    assert ("crimes: mps_lsoa.csv: crimes in month columns outside Apr 2020 – Mar 2025 are not used: 7 in the 1 "
            "month column(s) before the data window and 15 in the 1 month column(s) after the assessment period"
            in ds.notes)
    c = ds.crimes
    assert int(c["count"].sum()) == 6
    assert c["crime_id"].isna().all() and c["date"].isna().all()
    got = {(r.month.strftime("%Y-%m"), r.lsoa_code, r.crime_type, r.major_category): r.count for r in c.itertuples()}
    assert got == {("2024-04", "E01000001", "DOMESTIC BURGLARY", "BURGLARY"): 2,
                   ("2024-04", "E01000002", "PERSONAL ROBBERY", "ROBBERY"): 1,
                   ("2024-05", "E01000001", "DOMESTIC BURGLARY", "BURGLARY"): 3}
    assert ds.record_level is False
    assert ds.source == "Source: Metropolitan Police Service recorded crime (London Datastore), OGL v2.0"


def test_mps_all_areas_and_their_population():
    ds = load_dataset(cfg(crime_counts="mps_lsoa.csv", boundaries="lsoa_bng.geojson",
                          population="population_ons_wide.csv"), 2024)
    # in-window counts by area (duplicate row dropped): Testham 2+3+1 = 6, Otherham 6+7 = 13
    assert ds.all_areas.groupby("area")["count"].sum().to_dict() == {"Otherham": 13, "Testham": 6}
    # ONS wide file: the latest estimate at or before 2024 is mid-2022 (not mid-2025)
    assert ds.population.to_dict() == {"E01000001": 1510, "E01000002": 1200, "E01000003": 890}
    assert ds.all_areas_population.to_dict() == {"Otherham": 5100, "Testham": 1510 + 1200 + 890}
    assert ds.accounting.to_summary()["population"] == {"read": 4, "used": 3, "excluded": {"outside the area": 1}}


def test_mps_selection_by_borough_code_without_boundaries():
    ds = load_dataset(cfg({"name": "Testham", "lad_code": "E09000099"}, crime_counts="mps_lsoa.csv"), 2024)
    assert int(ds.crimes["count"].sum()) == 6
    assert sorted(ds.lsoas.index) == ["E01000001", "E01000002"]


def test_mps_ward_level():
    ds = load_dataset(cfg({"name": "Testham", "lsoa_name_prefix": "Testham"}, crime_counts="mps_ward.csv"), 2024)
    # 3 rows: Testham's 2 wards (2+3 + 1+0 = 6 crimes) used; Otherham's row outside the area
    s = ds.accounting.to_summary()["crimes"]
    assert s == {"read": 3, "used": 2, "excluded": {"outside the area": 1}}
    assert int(ds.crimes["count"].sum()) == 6 and ds.crimes["lsoa_code"].isna().all()
    assert any("ward-level counts have no LSOA" in n for n in ds.notes)


def test_mps_bad_cell_names_row_and_column(tmp_path):
    p = tmp_path / "mps.csv"
    p.write_text("lsoa_code,lsoa_name,borough,major_category,minor_category,202404,202405\n"
                 "E01000001,Testham 001A,E09000099,BURGLARY,DOMESTIC BURGLARY,1,2\n"
                 "E01000002,Testham 001B,E09000099,ROBBERY,PERSONAL ROBBERY,x,-1\n")
    with pytest.raises(InputError) as e:
        load_dataset(cfg(crime_counts=str(p)), 2024)
    assert str(e.value).endswith("mps.csv: column '202404': expected a count of crimes (a whole number, 0 or more), "
                                 "found 'x' in row 3")


def test_mps_thousands_separator_cells(tmp_path):
    p = tmp_path / "mps.csv"
    p.write_text('lsoa_code,lsoa_name,borough,major_category,minor_category,202404\n'
                 'E01000001,Testham 001A,E09000099,THEFT,OTHER THEFT,"1,563"\n')
    ds = load_dataset(cfg(crime_counts=str(p)), None, "2024-04")
    assert int(ds.crimes["count"].sum()) == 1563


def test_mps_without_month_columns(tmp_path):
    p = tmp_path / "mps.csv"
    p.write_text("lsoa_code,major_category,minor_category,April\nE01000001,BURGLARY,DOMESTIC BURGLARY,1\n")
    with pytest.raises(InputError) as e:
        load_dataset(cfg(crime_counts=str(p)), 2024)
    assert str(e.value).endswith("mps.csv: expected one column per month named YYYYMM (e.g. 202404), found columns "
                                 "lsoa_code, major_category, minor_category, April")
