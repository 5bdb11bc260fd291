"""Bad inputs to the loaders: each gives one clear line (file, row/column, what was expected)
or a run that completes with the problem counted — never a traceback or a silent wrong figure."""
from pathlib import Path

import pytest

from assessment.config import Config
from assessment.errors import AssessmentError
from assessment.loaders import load_dataset

F = Path(__file__).resolve().parent / "fixtures" / "loaders"
HEAD = "crime_id,offence_date,crime_type,lsoa_code\n"


def cfg(tmp_path, text: str | bytes, name="crimes.csv", kind="crimes", **more):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    inputs = {kind: str(p), **{k: str(F / v) for k, v in more.items()}}
    if kind != "crimes":
        inputs["crimes"] = str(F / "crimes.csv")
    return Config.model_validate({"area": {"name": "Testham"}, "inputs": inputs})


def message(tmp_path, text, **kw):
    with pytest.raises(AssessmentError) as e:
        load_dataset(cfg(tmp_path, text, **kw), 2024)
    return str(e.value).replace(str(tmp_path) + "/", "")  # the temp folder differs per run


@pytest.mark.parametrize("text, expected", [
    (HEAD + "C1,2024-13-01,Burglary,E01000001\n",
     "crimes.csv: column 'offence_date': expected a date (YYYY-MM-DD or DD/MM/YYYY), found something else in row 2"),
    (HEAD + "C1,2024-04-01,Burglary,E01000001\nC2,31/04/2024,Burglary,E01000001\nC3,31/06/2024,Burglary,E01000001\n",
     "crimes.csv: column 'offence_date': expected a date (YYYY-MM-DD or DD/MM/YYYY), found something else in row 3 "
     "(and 1 more row)"),
    (HEAD + "C1,45383,Burglary,E01000001\nC2,45384,Burglary,E01000001\nC3,45385,Burglary,E01000001\n",
     "crimes.csv: column 'offence_date': expected a date (YYYY-MM-DD or DD/MM/YYYY), found something else in row 2 "
     "(and 2 more rows) — an Excel serial number: format the column as a date before saving"),
    ("crime_id,offence_date,crime_type,lsoa_code,domestic_abuse\nC1,2024-04-01,Burglary,E01000001,maybe\n",
     "crimes.csv: column 'domestic_abuse': expected true/false, yes/no, Y/N or 1/0, found something else in row 2"),
    ("", "crimes.csv: expected a header row and data rows, found an empty file"),
    (HEAD, "crimes.csv: expected at least one data row under the header, found only the header row"),
    ("crime_id,date_of_offence,lsoa_code\nC1,2024-04-01,E01000001\n",
     "crimes.csv: columns 'offence_date', 'crime_type': expected a column named offence_date (or date, "
     "offence_datetime, committed_date, date_committed); a column named crime_type (or offence_type, "
     "crime_category, offence), found columns crime_id, date_of_offence, lsoa_code"),
    ("crime_id,offence_date,crime_type,ward\nC1,2024-04-01,Burglary,North\n",
     "crimes.csv: column 'lsoa_code': expected a location: an lsoa_code column, easting and northing columns, "
     "or longitude and latitude columns, found columns crime_id, offence_date, crime_type, ward"),
    (HEAD + "C1,2019-04-01,Burglary,E01000001\n",
     "no crimes in 2024/25 in crimes.csv: the data cover Apr 2019 – Apr 2019"),
])
def test_one_clear_line(tmp_path, text, expected):
    assert message(tmp_path, text) == expected


def test_links_missing_column(tmp_path):
    m = message(tmp_path, "crime_id,person\nC1,P1\n", name="victims.csv", kind="victims")
    assert m == ("victims.csv: column 'victim_id': expected a column named victim_id (or victim, person_id, "
                 "victim_ref), found columns crime_id, person")


def test_asb_bad_datetime(tmp_path):
    m = message(tmp_path, "incident_id,datetime,caller_id,lsoa_code\nA1,2024-04-01 25:00,K1,E01000001\n",
                name="asb.csv", kind="asb")
    assert m == ("asb.csv: column 'datetime': expected a date (YYYY-MM-DD or DD/MM/YYYY), "
                 "found something else in row 2")


def test_cp1252_and_bom_and_messy_headers(tmp_path):
    # Windows-1252 text (a £ and an é) with headers in odd case and spaces: read, with a note
    text = (" Crime_ID ,OFFENCE DATE,Crime Type,LSOA Code\n"
            "C1,2024-04-01,Théft £5,E01000001\n").encode("cp1252")
    d = load_dataset(cfg(tmp_path, text), 2024)
    assert d.crimes["crime_type"].tolist() == ["Théft £5"]
    assert any("not UTF-8; read as Windows-1252" in n for n in d.notes)
    d = load_dataset(cfg(tmp_path, "\ufeff" + HEAD + "C1,2024-04-01,Burglary,E01000001\n"), 2024)
    assert d.crimes["crime_id"].tolist() == ["C1"]


def test_malformed_and_mixed_vintage_codes_are_counted(tmp_path):
    text = HEAD + ("C1,2024-04-01,Burglary,E01000001\nC2,2024-04-01,Burglary,E0100001\n"
                   "C3,2024-04-01,Burglary,X01000001\nC4,2024-04-01,Burglary,e01000002\n")
    d = load_dataset(cfg(tmp_path, text), 2024)
    # lower-case codes are upper-cased; E0100001 (7 digits... 6) and X01... are malformed
    assert d.accounting.to_summary()["crimes"]["excluded"] == {"malformed LSOA code": 2}
    assert sorted(d.crimes["lsoa_code"]) == ["E01000001", "E01000002"]


def test_duplicate_crime_ids_are_counted(tmp_path):
    text = HEAD + "C1,2024-04-01,Burglary,E01000001\nC1,2024-04-02,Burglary,E01000001\n"
    d = load_dataset(cfg(tmp_path, text), 2024)
    assert d.accounting.to_summary()["crimes"] == {"read": 2, "used": 1, "excluded": {"duplicate crime id": 1}}


def test_ragged_row(tmp_path):
    m = message(tmp_path, HEAD + "C1,2024-04-01,Burglary,E01000001,extra,fields\n")
    assert m == "crimes.csv: row 2: expected the same number of fields as the header (4), found 6"
    m = message(tmp_path, HEAD + "C1,2024-04-01,Burglary,E01000001\nC2,2024-04-01,Burglary,E01000001,x\n")
    assert m == "crimes.csv: row 3: expected the same number of fields as the header (4), found 5"
