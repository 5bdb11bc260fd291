"""police.uk street files: selection, accounting and LSOA harmonisation on hand-made fixtures.

The fixture folder tests/fixtures/loaders/police_uk/ holds (hand-counted):
  2020-03 file: 1 row (ASB)                          -> before the data window (window starts 2020-04)
  2024-04 file (LF): 7 rows: c1, c2, an ASB row, c3 (No Location), c4 (Otherham, outside),
                     c1 again (duplicate crime id), c5 (code 'E0100003', malformed)
  2024-05 file (CRLF): c6, c7
  sub/2024-05 file: c8                                -> duplicate month file
  2025-04 file (.csv.gz): c9                           -> after the assessment period (2024/25)
  an outcomes file                                     -> not a street file, ignored
read 12 = used 5 (c1, c2, c6, c7 + 1 ASB) + 7 excluded (one per reason).
"""
import zipfile
from pathlib import Path

import pytest

from assessment.config import Config
from assessment.errors import AssessmentError, ConfigError, InputError
from assessment.loaders import load_dataset

F = Path(__file__).resolve().parent / "fixtures" / "loaders"


def cfg(area=None, **inputs):
    return Config.model_validate({"area": area or {"name": "Testham"},
                                  "inputs": {k: str(F / v) if not Path(v).is_absolute() else v
                                             for k, v in inputs.items()}})


def test_police_uk_folder_accounting_by_boundary_codes():
    ds = load_dataset(cfg(police_uk="police_uk", boundaries="lsoa_bng.geojson"), 2024)
    s = ds.accounting.to_summary()["crimes"]
    assert s["read"] == 12
    assert s["used"] == 5
    assert s["excluded"] == {"after the assessment period": 1, "before the data window": 1,
                             "duplicate crime id": 1, "duplicate month file": 1,
                             "malformed LSOA code": 1, "no location": 1, "outside the area": 1}
    assert s["read"] == s["used"] + sum(s["excluded"].values())
    assert sorted(ds.crimes["crime_id"]) == ["c1", "c2", "c6", "c7"]
    assert ds.crimes["count"].tolist() == [1, 1, 1, 1]
    assert ds.crimes.set_index("crime_id").loc["c6", "lsoa_name"] == "Testham 001C"
    # the ASB row lands in asb, with no caller id
    assert len(ds.asb) == 1 and ds.asb["caller_id"].isna().all() and ds.asb["lsoa_code"].iloc[0] == "E01000001"
    assert ds.record_level is True
    assert ds.source == "Source: police.uk, Open Government Licence v3.0"
    # the fixture has files for Apr and May 2024 only: the label says so (issue 12)
    assert ds.period.base_label == "2024/25" and ds.period.label == "2024/25 (2 of 12 months)"


def test_police_uk_missing_and_duplicated_months_are_noted():
    ds = load_dataset(cfg(police_uk="police_uk", boundaries="lsoa_bng.geojson"), 2024)
    notes = " ".join(ds.notes)
    # files exist for Apr and May 2024 only: 10 of the year's months are missing
    assert "no police.uk file for Jun 2024, Jul 2024" in notes
    assert "2024/25 covers 2 of 12 months" in notes
    assert "1 duplicate month file(s) not used: 2024-05-test-street.csv" in notes


def test_police_uk_selection_by_name_prefix_without_boundaries():
    ds = load_dataset(cfg({"name": "Testham", "lsoa_name_prefix": "Testham"}, police_uk="police_uk"), 2024)
    s = ds.accounting.to_summary()["crimes"]
    # no boundary file: c5's malformed code still excluded; c4 (Otherham) outside by name
    assert s["excluded"]["outside the area"] == 1
    assert s["used"] == 5
    assert sorted(ds.lsoas.index) == ["E01000001", "E01000002", "E01000003"]
    # all_areas counts crimes in the window by the area part of the LSOA name, before area selection:
    # Testham c1, c2, c5 (named Testham 001C), c6, c7 = 5 (c1's duplicate and c8's duplicate file not
    # counted); Otherham c4 = 1, which is >= 1% of Testham's 5, so both areas are kept
    assert set(ds.all_areas["area"]) == {"Testham", "Otherham"}
    assert ds.all_areas.groupby("area")["count"].sum().to_dict() == {"Otherham": 1, "Testham": 5}


def test_police_uk_selection_by_force():
    ds = load_dataset(cfg({"name": "Testham", "force": "test police"}, police_uk="police_uk"), 2024)
    # every row is 'Test Police': c4 (Otherham) is used when selecting by force
    assert "c4" in set(ds.crimes["crime_id"])
    assert ds.boundaries is None and ds.boundary_attribution == ""
    with pytest.raises(AssessmentError, match="no crimes in 2024/25 in the area"):
        load_dataset(cfg({"name": "Testham", "force": "Other Police"}, police_uk="police_uk"), 2024)


def test_police_uk_zip_archive_equals_folder(tmp_path):
    z = tmp_path / "archive.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted((F / "police_uk").rglob("*")):
            if p.is_file():
                zf.write(p, f"archive/{p.relative_to(F / 'police_uk')}")
        # a file of another force in the same archive: only used if inside the area (it is not)
        zf.writestr("archive/2024-04/2024-04-other-street.csv",
                    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                    "Crime type,Last outcome category,Context\n"
                    "o1,2024-04,Other,Other,-1.5,53.4,On or near X,E01008888,Elsewhere 001A,Burglary,,\n")
    ds = load_dataset(cfg(police_uk=str(z), boundaries="lsoa_bng.geojson"), 2024)
    s = ds.accounting.to_summary()["crimes"]
    assert s["read"] == 13 and s["used"] == 5 and s["excluded"]["outside the area"] == 2


def test_latest_year_that_has_ended_is_the_partial_default():
    # the data end in Apr 2025 but hold no whole financial year (files for Mar 2020, Apr and May
    # 2024, Apr 2025): allowed a part year, the default is the latest year that has ended,
    # 2024/25, and its label says it has 2 of its 12 months (issue 12)
    ds = load_dataset(cfg(police_uk="police_uk", boundaries="lsoa_bng.geojson"))
    assert ds.period.label == "2024/25 (2 of 12 months)"
    with pytest.raises(ConfigError) as e:     # not allowed: one line, with what to do
        load_dataset(cfg(police_uk="police_uk", boundaries="lsoa_bng.geojson"), allow_partial=False)
    assert str(e.value) == ("no complete financial year in the data (they cover Mar 2020 – Apr 2025); "
                            "add --allow-partial to report 2024/25 from 2 of its 12 months")


def test_no_crimes_in_the_period_is_one_clear_line():
    with pytest.raises(AssessmentError) as e:
        load_dataset(cfg(police_uk="police_uk", boundaries="lsoa_bng.geojson"), 2022)
    assert str(e.value) == "no crimes in 2022/23 in police_uk: the data cover Mar 2020 – Apr 2025"


def test_two_crime_inputs_is_a_config_error():
    with pytest.raises(ConfigError, match="expected exactly one of police_uk, crime_counts or crimes, found police_uk, crimes"):
        load_dataset(cfg(police_uk="police_uk", crimes="crimes.csv"), 2024)


def test_vintage_harmonisation_split_and_merged():
    """police_uk_vintage: v1 on split 2011 LSOA E01000009 with a point in E01000003's square;
    v2 on E01000009 without coordinates (-> first successor E01000002); v3 on merged E01000007
    with a point in E01000001's square (-> E01000001 by point in polygon, which the lookup
    confirms); v4 already a 2021 code."""
    ds = load_dataset(cfg(police_uk="police_uk_vintage", boundaries="lsoa_bng.geojson",
                          lsoa_lookup="lsoa11_to_lsoa21.csv"), 2024)
    got = ds.crimes.set_index("crime_id")["lsoa_code"].to_dict()
    assert got == {"v1": "E01000003", "v2": "E01000002", "v3": "E01000001", "v4": "E01000002"}
    assert ds.crimes.set_index("crime_id").loc["v3", "lsoa_name"] == "Testham 001A"
    notes = ds.accounting.notes["crimes"]
    assert any(n.startswith("1 record(s) on LSOAs split between 2011 and 2021 assigned to a 2021 LSOA by point in polygon") for n in notes)
    assert any(n.startswith("1 record(s) on LSOAs split between 2011 and 2021 without coordinates assigned to the first successor") for n in notes)
    # issue 12: a code of the other vintage with a point is placed by point in polygon (the lookup
    # only for rows without one), so v3 is no longer "converted exactly with the ONS lookup"
    assert any(n.startswith("1 record(s) with 2011 LSOA codes placed in a 2021 LSOA by point in polygon") for n in notes)
    assert not any("exactly with the ONS lookup" in n for n in notes)


def test_other_vintage_without_lookup_is_counted_not_silent():
    ds = load_dataset(cfg(police_uk="police_uk_vintage", boundaries="lsoa_bng.geojson"), 2024)
    s = ds.accounting.to_summary()["crimes"]
    # v1, v2, v3 carry 2011 codes of Testham LSOAs that are not in the 2021 boundary file; v1 and v3
    # have points, so they are placed by point in polygon (issue 12: they used to be excluded too);
    # v2 has none and, without the lookup, cannot be placed
    assert s["excluded"] == {"LSOA code of another vintage (no inputs.lsoa_lookup)": 1}
    assert ds.crimes.set_index("crime_id")["lsoa_code"].to_dict() == {"v1": "E01000003", "v3": "E01000001",
                                                                      "v4": "E01000002"}
    assert any("set inputs.lsoa_lookup" in n for n in ds.notes)


def test_empty_and_header_only_street_file(tmp_path):
    d = tmp_path / "pu"
    d.mkdir()
    (d / "2024-04-x-street.csv").write_text("")
    with pytest.raises(InputError) as e:
        load_dataset(cfg(police_uk=str(d)), 2024)
    assert str(e.value).endswith("2024-04-x-street.csv: expected a header row and data rows, found an empty file")
    (d / "2024-04-x-street.csv").write_text("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,"
                                            "Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n")
    with pytest.raises(InputError) as e:
        load_dataset(cfg(police_uk=str(d)), 2024)
    assert str(e.value).endswith("expected at least one data row under the header, found only the header row")


def test_bad_month_names_the_row(tmp_path):
    d = tmp_path / "pu"
    d.mkdir()
    (d / "2024-04-x-street.csv").write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
        "Last outcome category,Context\n"
        "a,2024-04,X,X,,,,E01000001,Testham 001A,Burglary,,\n"
        "b,2024-13,X,X,,,,E01000001,Testham 001A,Burglary,,\n")
    with pytest.raises(InputError) as e:
        load_dataset(cfg(police_uk=str(d)), 2024)
    assert str(e.value).endswith("2024-04-x-street.csv: column 'Month': expected a month as YYYY-MM, found '2024-13' in row 3")


def test_missing_column_lists_found_columns(tmp_path):
    d = tmp_path / "pu"
    d.mkdir()
    (d / "2024-04-x-street.csv").write_text("Crime ID,Month,Falls within,Longitude,Latitude,LSOA code,LSOA name\n"
                                            "a,2024-04,X,,,E01000001,Testham 001A\n")
    with pytest.raises(InputError) as e:
        load_dataset(cfg(police_uk=str(d)), 2024)
    assert str(e.value).endswith("column 'crime_type': expected a column named crime_type, found columns "
                                 "Crime ID, Month, Falls within, Longitude, Latitude, LSOA code, LSOA name")
