"""The whole demo assessment through the CLI: the output contract of §8."""
from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from assessment.summary import REQUIRED_KEYS, get

from conftest import DEMO_CONFIG, ROOT, run_cli

pytestmark = pytest.mark.slow


def test_output_contract(demo_run):
    slug = "2024-25"
    for name in (f"strategic-assessment-{slug}.html", f"strategic-assessment-{slug}.pdf", "summary.json",
                 "run.log", "tables/data_quality.csv", "tables/priority_crimes.csv", "tables/crime_types.csv"):
        assert (demo_run / name).exists(), name
    assert list((demo_run / "notebooks").glob("*.ipynb"))
    assert not (demo_run / "_summary").exists()


def test_summary_has_every_required_key_and_chapter_one_figures(demo_run):
    s = json.loads((demo_run / "summary.json").read_text())
    for key in REQUIRED_KEYS:
        assert get(s, key, default="ABSENT") != "ABSENT", key
    assert s["period"]["label"] == "2024/25"
    # independent count of the demo's record-level extract for 2024/25
    crimes = pd.read_csv(ROOT / "data/demo/crimes.csv", parse_dates=["offence_date"])
    cur = crimes["offence_date"].between("2024-04-01", "2025-03-31").sum()
    prev = crimes["offence_date"].between("2023-04-01", "2024-03-31").sum()
    used = s["records"]["crimes"]["used"]
    assert used <= len(crimes)
    if used == len(crimes):  # nothing excluded: the totals must equal the raw counts
        assert s["crime"]["total"] == cur and s["crime"]["previous_total"] == prev


def test_data_quality_reconciles(demo_run):
    t = pd.read_csv(demo_run / "tables/data_quality.csv")
    for name, g in t.groupby("Input"):
        read, used, excl = g["Rows read"].iloc[0], g["Rows used"].iloc[0], g["Rows excluded"].iloc[0]
        assert read == used + excl, name
        assert g["Rows"].sum() == excl, name


def test_html_is_self_contained(demo_run):
    html = (demo_run / "strategic-assessment-2024-25.html").read_text()
    assert "<script src" not in html.lower()
    assert not re.search(r"""<link[^>]+href=["']https?:""", html, re.I)
    assert not re.search(r"""src=["']https?:""", html, re.I)
    assert "@import" not in html
    assert "SYNTHETIC" in html.upper()


def test_no_identifier_in_any_output(demo_run):
    ids = set()
    for f, col in (("victims.csv", "victim_id"), ("offenders.csv", "offender_id"), ("asb.csv", "caller_id")):
        p = ROOT / "data/demo" / f
        if p.exists():
            ids |= set(pd.read_csv(p, usecols=[col])[col].dropna().astype(str))
    assert ids, "the demo has identifiers to look for"
    pattern = re.compile(r"(?:VIC|OFF|CALL)-[0-9A-Za-z]+")
    texts = []
    for p in demo_run.rglob("*"):
        if p.is_file() and p.suffix in {".html", ".csv", ".json", ".ipynb", ".log", ".txt"}:
            texts.append((p, p.read_text(errors="ignore")))
    pdf = demo_run / "strategic-assessment-2024-25.pdf"
    from pypdf import PdfReader
    texts.append((pdf, "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)))
    for p, text in texts:
        found = {m for m in pattern.findall(text) if m in ids}
        assert not found, f"{p.name} leaks {sorted(found)[:3]}"


def test_failed_run_leaves_previous_output_and_says_one_line(demo_run, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(DEMO_CONFIG.read_text().replace("area:", "area_typo:", 1))
    before = {p: p.read_bytes() for p in demo_run.rglob("*") if p.is_file()}
    proc = run_cli("run", "--config", str(bad), "--out", str(demo_run))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and proc.stderr.startswith("error:")
    assert "Traceback" not in proc.stderr
    after = {p: p.read_bytes() for p in demo_run.rglob("*") if p.is_file()}
    assert before == after
