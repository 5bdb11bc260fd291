"""``assessment batch --areas``: names, ``all`` (every local authority of the LSOA -> LAD lookup) and
``force:NAME`` (those of one police force area) — issue 18, item 4."""
from __future__ import annotations

import pytest
from conftest import REAL, needs_real, run_cli

from assessment.areas import lookup_areas, parse_areas
from assessment.errors import ConfigError

LOOKUP = ("LSOA21CD,WD24CD,WD24NM,LAD24CD,LAD24NM,PFA23NM\n"
          "E01007321,E05000001,Ward A,E08000016,Barnsley,South Yorkshire\n"
          "E01007322,E05000001,Ward A,E08000016,Barnsley,South Yorkshire\n"
          "E01007500,E05000002,Ward B,E08000019,Sheffield,South Yorkshire\n"
          "E01007600,E05000003,Ward C,E08000018,Rotherham,South Yorkshire\n"
          "E01011000,E05000004,Ward D,E08000035,Leeds,West Yorkshire\n"
          "E01011001,E05000005,Ward E,E08000036,Wakefield, west yorkshire \n")


@pytest.fixture()
def lookup(tmp_path):
    p = tmp_path / "lookup.csv"
    p.write_text(LOOKUP, encoding="utf-8")
    return p


def test_all_is_every_local_authority_once_sorted(lookup):
    assert parse_areas("all", lookup) == parse_areas(" ALL ", lookup) == [
        "Barnsley", "Leeds", "Rotherham", "Sheffield", "Wakefield"]


def test_a_force_is_its_local_authorities_whatever_the_case_and_spaces(lookup):
    assert parse_areas("force:South Yorkshire", lookup) == ["Barnsley", "Rotherham", "Sheffield"]
    assert parse_areas("Force: WEST YORKSHIRE ", lookup) == ["Leeds", "Wakefield"]


def test_names_are_as_before(lookup):
    assert parse_areas("Haringey, Camden", None) == ["Haringey", "Camden"]
    assert parse_areas(None, lookup) is None


@pytest.mark.parametrize("spec, text, says", [
    ("force:Kent", LOOKUP, "--areas force:Kent: no police force area of that name in lookup.csv; it names 3: "
                           "South Yorkshire, West Yorkshire, west yorkshire"),
    ("force:", LOOKUP, "--areas force: name the police force area"),
    (",,", LOOKUP, "--areas: expected area names"),
    ("force:Kent", "LSOA21CD,LAD24NM\nE01000001,Haringey\n", "lookup.csv has no police force area column (PFA23NM"),
    ("all", "LSOA21CD,WD24CD,WD24NM\nE01000001,E05000001,North\n", "lookup.csv has no local authority name column "
                                                                    "(LAD24NM or lad_name); found LSOA21CD, WD24CD, WD24NM"),
    ("all", "", "--areas all: "),
])
def test_a_lookup_that_cannot_answer_is_one_line(tmp_path, spec, text, says):
    p = tmp_path / "lookup.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        parse_areas(spec, p)
    assert says in str(e.value) and "\n" not in str(e.value)


def test_all_without_a_lookup_says_which_input_is_needed():
    with pytest.raises(ConfigError, match=r"--areas all: needs the LSOA -> local authority lookup in the config "
                                          r"\(inputs.wards"):
        parse_areas("all", None)


def test_cli_all_runs_one_area_per_local_authority(tmp_path):
    # a year with no crimes: every run fails fast, and the batch shows which areas it ran
    (tmp_path / "wards.csv").write_text(LOOKUP, encoding="utf-8")
    (tmp_path / "crimes.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\nC1,2024-05-01,Robbery,E01007321\n")
    (tmp_path / "assessment.yml").write_text("area: {name: Barnsley}\nsynthetic: true\n"
                                             "inputs: {crimes: crimes.csv, wards: wards.csv}\n")
    p = run_cli("batch", "--config", str(tmp_path / "assessment.yml"), "--years", "2030", "--areas",
                "force:South Yorkshire", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert p.returncode == 3, p.stderr
    assert "3 run(s) of 3 area(s)" in p.stdout and "0 of 3 runs succeeded" in p.stdout
    for area in ("Barnsley", "Rotherham", "Sheffield"):
        assert f"{area} 2030: FAILED" in p.stdout
        assert (tmp_path / "out" / "logs" / f"{area.lower()}-2030-31.log").is_file()
    assert "Leeds" not in p.stdout
    bad = run_cli("batch", "--config", str(tmp_path / "assessment.yml"), "--years", "2030", "--areas", "force:Kent",
                  "--out", str(tmp_path / "out2"), cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no police force area of that name" in bad.stderr
    assert not (tmp_path / "out2").exists()


@needs_real
def test_the_real_london_lookup_names_the_33_london_authorities():
    areas = lookup_areas(REAL / "lookups" / "ons_lsoa21_to_ward24_to_lad24_bestfit_london.csv")
    assert len(areas) == 33
    assert {"City of London", "Haringey", "Barking and Dagenham", "Westminster"} <= set(areas)
    with pytest.raises(ConfigError, match="no police force area column"):
        lookup_areas(REAL / "lookups" / "ons_lsoa21_to_ward24_to_lad24_bestfit_london.csv", force="Metropolitan Police")
