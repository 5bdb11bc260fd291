"""Crime groups and targets name crime types of the data, or the run stops (issue 12, item 2).

The examples' groups against their real data are in test_example_groups.py; the one-line errors of
`assessment run` and `assessment validate` are cases of the bad-input corpus (config-crime-group-*,
targets-crime-type-misspelt).  Here: the suggestions, and a file holding personal data.
"""
from __future__ import annotations

import pytest

from assessment.config import Config
from assessment.errors import ConfigError
from assessment.loaders import load_dataset
from assessment.loaders.common import collect_problems
from assessment.loaders.groups import closest, group_problems


def test_suggestions_are_found_case_insensitively_and_name_each_missing_type():
    types = ["RES BURGLARY OF A HOME", "THEFT FROM A VEHICLE", "THEFT OR UNAUTH TAKING OF A MOTOR VEH",
             "INTERFERING WITH A MOTOR VEHICLE", "ARSON"]
    assert closest("theft from a vehicle", types) == ["THEFT FROM A VEHICLE"]
    assert group_problems({"Vehicle crime": ["THEFT FROM A MOTOR VEHICLE", "THEFT FROM A VEHICLE"]}, types) == [
        "crime_groups: 'Vehicle crime' names 'THEFT FROM A MOTOR VEHICLE', which is not a crime type in the data; "
        "closest: 'THEFT FROM A VEHICLE'"]
    assert group_problems({"Burglary": ["RES BURGLARY OF A HOME"], "Arson": ["ARSON"]}, types) == []


def _extract(tmp_path, groups):
    rows = ["crime_id,offence_date,crime_type,lsoa_code"]
    rows += [f"C{i},2024-05-01,Burglary,E01000001" for i in range(6)]
    rows += ["C90,2024-05-02,VIC-244893,E01000001"]          # a victim id typed into crime_type
    (tmp_path / "crimes.csv").write_text("\n".join(rows) + "\n")
    return Config.model_validate({"area": {"name": "Testham"}, "inputs": {"crimes": str(tmp_path / "crimes.csv")},
                                  "crime_groups": groups})


def test_a_personal_file_never_has_a_rare_value_quoted_as_a_suggestion(tmp_path):
    with pytest.raises(ConfigError) as e:
        load_dataset(_extract(tmp_path, {"Victims": ["VIC-24489"]}), 2024)
    assert str(e.value) == ("crime_groups: 'Victims' names 'VIC-24489', which is not a crime type in the data; "
                            "closest: none that may be quoted")
    # a type held by at least disclosure.min_count (5) rows is quoted
    with pytest.raises(ConfigError, match="closest: 'Burglary'$"):
        load_dataset(_extract(tmp_path, {"Burglary": ["Burglarly"]}), 2024)


def test_validate_collects_every_group_and_carries_on(tmp_path):
    cfg = _extract(tmp_path, {"A": ["Burglarly"], "B": ["Burglary"], "C": ["burglary"]})
    with collect_problems() as found:
        ds = load_dataset(cfg, 2024)
    assert [str(p) for p in found] == [
        "crime_groups: 'A' names 'Burglarly', which is not a crime type in the data; closest: 'Burglary'",
        "crime_groups: 'C' names 'burglary', which is not a crime type in the data; closest: 'Burglary'"]
    assert ds.accounting.uses["crimes"] == 7
