"""`assessment validate` reports every problem of a dataset at once, one line each."""
from pathlib import Path

from assessment.config import load_config
from assessment.validate import validate

F = Path(__file__).resolve().parent / "fixtures" / "loaders"


def write_config(tmp_path, inputs: dict) -> Path:
    lines = ["area: {name: Testham}", "inputs:"] + [f"  {k}: {v}" for k, v in inputs.items()]
    p = tmp_path / "assessment.yml"
    p.write_text("\n".join(lines) + "\n")
    return p


def test_clean_inputs_give_no_problems(tmp_path):
    # (a crime in the first and the last month: the data cover the whole of 2024/25)
    (tmp_path / "crimes.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\nC1,2024-04-01,Burglary,E01000001\n"
                                         "C9,2025-03-31,Burglary,E01000001\n")
    (tmp_path / "victims.csv").write_text("crime_id,victim_id\nC1,V1\n")
    cfg = load_config(write_config(tmp_path, {"crimes": "crimes.csv", "victims": "victims.csv",
                                              "boundaries": str(F / "lsoa_bng.geojson")}))
    assert validate(cfg, 2024) == []


def test_all_problems_at_once(tmp_path):
    # crimes: a bad date in row 3, a duplicate id, a malformed code; victims: a link to a crime that
    # does not exist; population: a non-numeric value; offenders: a missing column; asb: file missing
    (tmp_path / "crimes.csv").write_text(
        "crime_id,offence_date,crime_type,lsoa_code\n"
        "C1,2024-04-01,Burglary,E01000001\nC2,31/04/2024,Burglary,E01000001\n"
        "C1,2024-04-02,Burglary,E01000001\nC3,2024-05-01,Robbery,E010\n"
        "C9,2025-03-31,Burglary,E01000001\n")   # (the data cover the whole of 2024/25)
    (tmp_path / "victims.csv").write_text("crime_id,victim_id\nC1,V1\nC404,V2\n")
    (tmp_path / "offenders.csv").write_text("crime_id,person\nC1,O1\n")
    (tmp_path / "population.csv").write_text("lsoa_code,population\nE01000001,many\n")
    p = write_config(tmp_path, {"crimes": "crimes.csv", "victims": "victims.csv", "offenders": "offenders.csv",
                                "population": "population.csv", "asb": "asb.csv"})
    cfg = load_config(p, check_files=False)
    got = [line.replace(str(tmp_path) + "/", "") for line in validate(cfg, 2024)]
    assert got == [
        f"inputs.asb: file not found: {tmp_path / 'asb.csv'}".replace(str(tmp_path) + "/", ""),
        "population.csv: column 'population': expected a population (a whole number of residents), found 'many' in row 2",
        "offenders.csv: column 'offender_id': expected a column named offender_id (or offender, person_id, "
        "suspect_id, nominal_id), found columns crime_id, person",
        "crimes.csv: column 'offence_date': expected a date (YYYY-MM-DD or DD/MM/YYYY), found something else in row 3",
        "crimes: 1 row(s) excluded: bad offence date",
        "crimes: 1 row(s) excluded: duplicate crime id",
        "crimes: 1 row(s) excluded: malformed LSOA code",
        "victims: 1 row(s) excluded: crime not in the crimes table",
        "population: 1 row(s) excluded: not a valid population",
        "population: 1 of the area's 1 LSOAs have no population estimate",
    ]


def test_police_uk_missing_month_and_duplicate_file_reported():
    from assessment.config import Config
    cfg = Config.model_validate({"area": {"name": "Testham"},
                                 "inputs": {"police_uk": str(F / "police_uk"),
                                            "boundaries": str(F / "lsoa_bng.geojson")}})
    got = validate(cfg, 2024)
    assert "crimes: 1 row(s) excluded: duplicate month file" in got
    assert "crimes: 1 row(s) excluded: malformed LSOA code" in got
    assert any(line.startswith("crimes: no police.uk file for Jun 2024") for line in got)
