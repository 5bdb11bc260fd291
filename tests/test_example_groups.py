"""Every shipped config's crime groups name crime types its data hold (issue 12, item 2).

For each example config (``examples/*.yml`` on the real open data, skipped when
``../shared/data/real`` is absent) and the demo config, the crime types are read
from the raw files with pandas, independently of the loaders: every type a group
names must be one of them, and every group must count crimes in the assessment
period — a group spelt as another source spells it would print 0 in the report.
The loader's own check must pass, and chapter 1's group counts must equal the
counts worked out here from the raw files (for South Yorkshire, selected by force, with
the crimes that have no location).
"""
from __future__ import annotations

import glob

import pandas as pd
import pytest
from conftest import DEMO_CONFIG, REAL, ROOT

from assessment.config import load_config
from assessment.loaders import load_dataset
from assessment.loaders.groups import group_problems

EXAMPLES = sorted((ROOT / "examples").glob("*.yml"))
#: the assessment period each example is written for (its comment says how to run it)
PERIODS = {
    "haringey-burglary-policeuk.yml": {"year": 2023},
    "haringey-mps-2024.yml": {"year": 2024},
    "haringey-five-years.yml": {"year": 2024},
    "london-comparison.yml": {"year": 2024},
    "south-yorkshire-rolling.yml": {"to": "2021-09"},
    "assessment.yml": {"year": 2024},
}


def _months(first: str, n: int = 12) -> list[str]:
    return [p.strftime("%Y-%m") for p in pd.period_range(first, periods=n, freq="M")]


def _raw(cfg) -> tuple[pd.DataFrame, str]:
    """(the crime input's rows as month, crime_type, area, crime_id, count; the area column's meaning)."""
    inp = cfg.inputs
    if inp.police_uk is not None:
        files = sorted(glob.glob(str(inp.police_uk / "**" / "*-street.csv*"), recursive=True))
        df = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
        df = df[~(df["Crime type"].eq("Anti-social behaviour") & df["Crime ID"].isna())]
        return pd.DataFrame({"month": df["Month"], "crime_type": df["Crime type"], "crime_id": df["Crime ID"],
                             "lsoa_name": df["LSOA name"], "force": df["Falls within"], "count": 1}), "police_uk"
    if isinstance(inp.crime_counts, list):
        return _several_count_files(inp.crime_counts), "mps"
    if inp.crime_counts is not None:
        df = pd.read_csv(inp.crime_counts)
        types = df[["minor_category"]].drop_duplicates().assign(lsoa_name="", month="", count=0)
        if cfg.area.lsoa_name_prefix:          # the area's rows only (every type is kept above)
            df = df[df["lsoa_name"].str.startswith(cfg.area.lsoa_name_prefix + " ")]
        months = [c for c in df.columns if c.isdigit()]
        long = df.melt(id_vars=["lsoa_name", "minor_category"], value_vars=months, var_name="month", value_name="count")
        long["month"] = long["month"].str[:4] + "-" + long["month"].str[4:]
        return pd.concat([long, types]).rename(columns={"minor_category": "crime_type"}), "mps"
    df = pd.read_csv(inp.crimes, dtype=str)
    return pd.DataFrame({"month": df["offence_date"].str[:7], "crime_type": df["crime_type"],
                         "crime_id": df["crime_id"], "count": 1}), "extract"


def _several_count_files(paths) -> pd.DataFrame:
    """MPS count files (ward level: minortext; LSOA level: minor_category) as one series, worked out here:
    each month from the file with most crimes that month, a tie to the file listed later (README)."""
    frames = []
    for i, f in enumerate(paths):
        df = pd.read_csv(f)
        minor = "minortext" if "minortext" in df else "minor_category"
        months = [c for c in df.columns if c.isdigit()]
        types = df[[minor]].drop_duplicates().rename(columns={minor: "crime_type"}).assign(month="", count=0, file=i)
        long = df.melt(id_vars=[minor], value_vars=months, var_name="month", value_name="count")
        long = long.rename(columns={minor: "crime_type"}).assign(file=i)
        long["month"] = long["month"].str[:4] + "-" + long["month"].str[4:]
        frames += [long, types]
    raw = pd.concat(frames, ignore_index=True)
    totals = raw[raw["month"] != ""].groupby(["month", "file"])["count"].sum().reset_index()
    best = totals.sort_values(["month", "count", "file"]).groupby("month").tail(1)
    keep = raw.merge(best[["month", "file"]], on=["month", "file"])
    return pd.concat([keep, raw[raw["month"] == ""]], ignore_index=True).assign(lsoa_name="")


def _configs():
    out = []
    for p in EXAMPLES + [DEMO_CONFIG]:
        marks = [pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real is not present")] \
            if p.parent.name == "examples" else []
        out.append(pytest.param(p, id=p.name, marks=marks))
    return out


@pytest.mark.parametrize("path", _configs())
def test_every_crime_group_of_a_shipped_config_counts_crimes_of_its_data(path):
    cfg = load_config(path)
    if cfg.demo:
        from assessment.demo import ensure_demo
        ensure_demo(cfg)
    assert cfg.crime_groups, f"{path.name} has no crime groups"
    raw, kind = _raw(cfg)
    types = set(raw["crime_type"].dropna())
    for group, names in cfg.crime_groups.items():
        assert set(names) <= types, (path.name, group, sorted(set(names) - types))
    assert group_problems(cfg.crime_groups, types) == []

    when = PERIODS[path.name]
    first = f"{when['year']}-04" if "year" in when else (pd.Period(when["to"], "M") - 11).strftime("%Y-%m")
    cur = raw[raw["month"].isin(_months(first))]
    if cfg.area.lsoa_name_prefix:
        cur = cur[cur["lsoa_name"].fillna("").str.startswith(cfg.area.lsoa_name_prefix + " ")]
    if cfg.area.force:
        cur = cur[cur["force"] == cfg.area.force]
    if "crime_id" in cur:   # police.uk repeats some crimes (same id, another outcome): each counts once
        cur = cur[cur["crime_id"].isna() | ~cur["crime_id"].duplicated()]

    ds = load_dataset(cfg, **when)          # the loader's check passes: no group is unmatched
    from assessment.chapters import crime_in_the_area as volumes
    got = volumes.analyse(ds).groups["current"]
    for group, names in cfg.crime_groups.items():
        expected = int(cur.loc[cur["crime_type"].isin(names), "count"].sum())
        assert expected > 0, (path.name, group)
        assert int(got[group]) == expected, (path.name, group)


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real is not present")
def test_haringey_mps_priority_groups_count_what_the_file_holds():
    """The reviewer's figures: residential burglary 973 and vehicle crime 3,439 in 2024/25 (not 0)."""
    ds = load_dataset(load_config(ROOT / "examples" / "haringey-mps-2024.yml"), 2024)
    from assessment.chapters import crime_in_the_area as volumes
    groups = volumes.analyse(ds).groups["current"]
    raw = pd.read_csv(REAL / "mps_recorded_crime" / "mps_lsoa_level_crime_202402_202602_haringey.csv")
    months = [m.replace("-", "") for m in _months("2024-04")]
    by_type = raw.groupby("minor_category")[months].sum().sum(axis=1)
    assert int(groups["Residential burglary"]) == int(by_type["RES BURGLARY OF A HOME"]) == 973
    vehicle = by_type[["THEFT FROM A VEHICLE", "THEFT OR UNAUTH TAKING OF A MOTOR VEH",
                       "INTERFERING WITH A MOTOR VEHICLE"]].sum()
    assert int(groups["Vehicle crime"]) == int(vehicle) == 3_439
