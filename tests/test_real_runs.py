"""Whole `assessment run`s on the real open data in ../shared/data/real, through the example
configs, each checked against an independent count of the raw input rows (skipped without it)."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import REAL, ROOT, needs_real, run_cli

pytestmark = [needs_real, pytest.mark.real, pytest.mark.slow]


def _report_files(out, suffix: str) -> list:
    """The report's own ``.html`` or ``.pdf`` (not its technical annex)."""
    return [p for p in out.glob(f"*.{suffix}") if not p.stem.endswith("-technical-annex")]


def _run(tmp_path, example: str, *args) -> tuple:
    out = tmp_path / "out"
    proc = run_cli("run", "--config", str(ROOT / "examples" / f"{example}.yml"), *args, "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    pdfs, htmls = _report_files(out, "pdf"), _report_files(out, "html")
    assert len(pdfs) == 1 and len(htmls) == 1 and pdfs[0].stat().st_size > 50_000
    # and the technical annex beside it (issue 14)
    assert sorted(p.name for p in out.glob("*-technical-annex.*")) == [
        pdfs[0].name.replace(".pdf", "-technical-annex.html"), pdfs[0].name.replace(".pdf", "-technical-annex.pdf")]
    return out, json.loads((out / "summary.json").read_text())


def _reconciles(summary):
    for name, r in summary["records"].items():
        assert r["read"] == r["used"] + sum(r["excluded"].values()), name


def test_haringey_2024_25_from_the_mps_lsoa_counts(tmp_path):
    out, s = _run(tmp_path, "haringey-mps-2024", "--year", "2024")
    raw = pd.read_csv(REAL / "mps_recorded_crime/mps_lsoa_level_crime_202402_202602_haringey.csv")
    months = [f"{y}{m:02d}" for y, m in [(2024, m) for m in range(4, 13)] + [(2025, m) for m in range(1, 4)]]
    per_lsoa = raw.groupby("lsoa_code")[months].sum().sum(axis=1)
    assert s["period"]["label"] == "2024/25" and s["crime"]["total"] == int(per_lsoa.sum())
    t = pd.read_csv(out / "tables/lsoa_hotspots.csv").set_index("lsoa_code")["count"]
    assert t.sum() == per_lsoa.sum()
    assert (t - per_lsoa.reindex(t.index).fillna(0)).abs().max() == 0
    _reconciles(s)
    # hot spots, concentration and the source line of real ONS boundaries
    assert s["hotspots"]["hot_spots_95"] is not None and 0 < s["hotspots"]["gini"] < 1
    html = _report_files(out, "html")[0].read_text()
    assert html.count("data:image/png;base64,") >= 5 and "SYNTHETIC" not in html   # maps drawn, not marked synthetic


def test_haringey_burglary_2023_24_from_police_uk_across_the_lsoa_vintage_switch(tmp_path):
    out, s = _run(tmp_path, "haringey-burglary-policeuk", "--year", "2023")
    files = sorted((REAL / "police_uk/metropolitan_burglary_haringey").glob("*-street.csv"))
    rows = pd.concat([pd.read_csv(f) for f in files if "2023-04" <= f.name[:7] <= "2024-03"])
    assert s["crime"]["total"] == rows["Crime ID"].nunique()       # police.uk repeats a few crime ids
    dup = s["records"]["crimes"]["excluded"].get("duplicate crime id", 0)
    assert dup > 0
    t = pd.read_csv(out / "tables/lsoa_hotspots.csv")
    assert t["count"].sum() == s["crime"]["total"]
    assert t["lsoa_code"].str.match(r"E0103\d{4}|E0100\d{4}").all()  # one (2021) vintage, harmonised
    _reconciles(s)
    # the input is burglary only: the headlines say so (issue 12), on the title page too
    html = _report_files(out, "html")[0].read_text()
    assert "Recorded burglary in Haringey fell" in html and "Total recorded crime" not in html
    assert "burglary offences per 1,000 residents" in html and "Figures count recorded burglary." in html
    assert s["crime"]["scope"]["what"] == "recorded burglary"


def test_south_yorkshire_rolling_12_months_selected_by_force_without_geometry(tmp_path):
    out, s = _run(tmp_path, "south-yorkshire-rolling", "--to", "2021-09")
    files = sorted((REAL / "police_uk/south_yorkshire_full_gz").glob("*-street.csv*"))
    rows = pd.concat([pd.read_csv(f) for f in files if "2020-10" <= f.name[:7] <= "2021-09"])
    crimes = rows[rows["Crime type"] != "Anti-social behaviour"]
    located = crimes[crimes["LSOA code"].notna()]
    assert s["period"]["label"] == "12 months to September 2021" or "2021" in s["period"]["label"]
    # the force owns its crimes with no location: in the total (issue 12: it was len(located),
    # 133,264), not in the LSOA table
    assert s["crime"]["total"] == len(crimes) == crimes["Crime ID"].nunique() == 138_775
    assert s["crime"]["no_location"] == len(crimes) - len(located) == 5_511
    by_type = pd.read_csv(out / "tables/crime_types.csv").set_index("crime_type")["Current 12 months"]
    assert by_type.sum() == len(crimes) and by_type["Violence and sexual offences"] == \
        (crimes["Crime type"] == "Violence and sexual offences").sum()
    t = pd.read_csv(out / "tables/lsoa_hotspots.csv").set_index("lsoa_code")["count"]
    assert t.sum() == len(located)
    assert (t - located.groupby("LSOA code").size().reindex(t.index).fillna(0)).abs().max() == 0
    assert s["hotspots"]["hot_spots_95"] is None                    # no boundary file: no Gi*
    html = _report_files(out, "html")[0].read_text()
    assert "There is no boundary file, so the hot-spot statistic (Gi*) could not be computed." in html
    _reconciles(s)
