"""The whole demo assessment through the CLI: the output contract of §8."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import DEMO_CONFIG, ROOT, run_cli

from assessment.summary import REQUIRED_KEYS, get

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


def _input_ids() -> set:
    ids = set()
    for f, col in (("victims.csv", "victim_id"), ("offenders.csv", "offender_id"), ("asb.csv", "caller_id")):
        p = ROOT / "data/demo" / f
        if p.exists():
            ids |= set(pd.read_csv(p, usecols=[col], dtype=str)[col].dropna())
    return ids


def _output_texts(out):
    """(path, text) of every file a run wrote; the PDF as its extracted text."""
    from pypdf import PdfReader
    texts = []
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix == ".pdf":
            texts.append((p, "\n".join(page.extract_text() or "" for page in PdfReader(p).pages)))
        elif p.suffix in {".html", ".csv", ".json", ".ipynb", ".log", ".txt", ".md"}:
            texts.append((p, p.read_text(encoding="utf-8", errors="ignore")))
    return texts


def test_no_identifier_in_any_output(demo_run):
    """Every victim, offender and caller id of the input, looked for as a whole token in every
    output file (HTML, PDF text, CSV, JSON, executed notebooks, log): none found."""
    ids = _input_ids()
    assert len(ids) > 1000, "the demo has identifiers to look for"
    token = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
    texts = _output_texts(demo_run)
    assert {p.suffix for p, _ in texts} >= {".html", ".pdf", ".csv", ".json", ".ipynb", ".log"}
    for p, text in texts:
        found = set(token.findall(text)) & ids
        assert not found, f"{p.name} leaks {len(found)} identifier(s), e.g. {sorted(found)[:1]}"


# -- disclosure control with a high threshold ---------------------------------------------------
#: the count columns of every published table built from personal records (worked out from
#: the chapters, independently of assessment.disclosure.PERSON_TABLES)
PERSON_COUNTS = {
    "offender_wards.csv": ["offenders"],
    "offender_age_sex.csv": ["offenders"],
    "offender_crime_mix.csv": ["top_crimes", "rest_crimes"],
    "offender_concentration.csv": ["crimes"],
    "repeat_victims.csv": ["victims", "repeat_victims", "pairs", "lookback_repeat_pairs"],
    "repeat_victim_distribution.csv": ["victims", "pairs"],
    "repeat_asb_callers.csv": ["callers", "repeat_callers", "repeat_caller_calls"],
    "victim_profile.csv": ["repeat_victims", "other_victims"],
    "ed_assaults_lsoa.csv": ["ed_assaults"],
    "ed_assaults_profile.csv": ["attendances"],
}
PERSON_KEYS = ["offenders.offenders", "offenders.linked_crimes", "offenders.prolific", "offenders.outside_area",
               "victims.victims", "victims.repeat_victims", "victims.pairs", "victims.da_victims",
               "victims.da_repeat_victims", "victims.asb_callers", "victims.repeat_callers"]
HIGH = 60


@pytest.fixture(scope="module")
def high_threshold_run(demo_run, tmp_path_factory):
    """The demo with disclosure.min_count = 60, so that many published counts must be hidden."""
    tmp = tmp_path_factory.mktemp("mc60")
    text = DEMO_CONFIG.read_text()
    for rel in ("data/demo/", "maps/demo/", "data/demo-targets.yml"):
        text = text.replace(f" {rel}", f" {ROOT / rel}" + ("/" if rel.endswith("/") else ""))
    text = text.replace("demo: true", "demo: false").replace("min_count: 5 ", f"min_count: {HIGH} ")
    assert f"min_count: {HIGH}" in text and str(ROOT / "data/demo/crimes.csv") in text
    cfg = tmp / "assessment.yml"
    cfg.write_text(text)
    out = tmp / "out"
    proc = run_cli("run", "--config", str(cfg), "--year", "2024", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def test_no_published_count_from_personal_records_is_below_the_threshold(high_threshold_run):
    out = high_threshold_run
    hidden = 0
    for name, cols in PERSON_COUNTS.items():
        t = pd.read_csv(out / "tables" / name, dtype=str, keep_default_na=False)
        for c in cols:
            for v in t[c]:
                if v in (f"<{HIGH}", "[c]"):
                    hidden += 1
                elif v != "":
                    n = float(v)
                    assert n == 0 or n >= HIGH, f"{name}: {c} = {v} is below {HIGH}"
    assert hidden >= 20  # the threshold of 60 hides many cells: the check above is not vacuous
    s = json.loads((out / "summary.json").read_text())
    for key in PERSON_KEYS:
        v = get(s, key)
        assert v is None or v == 0 or v >= HIGH, (key, v)
    # the report lists what was hidden, table by table, and the totals agree with the tables
    led = pd.read_csv(out / "tables/suppression.csv")
    assert set(led["Table"]) == set(PERSON_COUNTS)
    assert int(led.filter(like="Cells shown").to_numpy().sum()) == hidden
    html = (out / "strategic-assessment-2024-25.html").read_text()
    assert "Cells hidden by disclosure control" in html and f"below {HIGH} are shown as" in html


def test_secondary_suppression_is_not_shown_as_below_the_threshold(high_threshold_run):
    """A cell hidden only so a total cannot reveal another is marked [c], never '<60'."""
    t = pd.read_csv(high_threshold_run / "tables/repeat_asb_callers.csv", dtype=str, keep_default_na=False)
    raw = pd.read_csv(ROOT / "data/demo/asb.csv")
    assert (t["repeat_callers"] == f"<{HIGH}").all()       # a handful of repeat callers a year
    assert (t["repeat_caller_calls"] == "[c]").all()       # their calls (>= 10 each) would reveal them
    assert len(raw) > 1000


def test_two_runs_on_the_same_inputs_are_identical(demo_run, tmp_path):
    """summary.json, every table, the HTML and the executed notebooks are byte-identical between two
    runs (seeded permutations; cells' ids from their place, not chance; run metadata only in run.log)."""
    again = tmp_path / "2024-25"     # the same folder name: the notebooks show it (out_dir)
    proc = run_cli("run", "--config", str(DEMO_CONFIG), "--year", "2024", "--out", str(again))
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = ["summary.json", *sorted(p.relative_to(demo_run).as_posix() for p in (demo_run / "tables").glob("*.csv")),
             *sorted(p.relative_to(demo_run).as_posix() for p in demo_run.glob("*.html")),
             *sorted(p.relative_to(demo_run).as_posix() for p in (demo_run / "notebooks").glob("*.ipynb"))]
    assert len(files) > 25
    for f in files:
        assert (demo_run / f).read_bytes() == (again / f).read_bytes(), f
    assert (sorted(p.name for p in (again / "tables").iterdir())
            == sorted(p.name for p in (demo_run / "tables").iterdir()))


def test_a_run_killed_mid_way_leaves_the_previous_output_intact(demo_run, tmp_path):
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time
    out = tmp_path / "2024-25"
    shutil.copytree(demo_run, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    exe = Path(sys.executable).with_name("assessment")
    tmp = tmp_path / "tmp"   # the run's system temporary folder, where its private work folder goes
    tmp.mkdir()
    proc = subprocess.Popen([str(exe), "run", "--config", str(DEMO_CONFIG), "--year", "2024", "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "TMPDIR": str(tmp)})
    try:
        deadline = time.monotonic() + 300
        staged = None
        while time.monotonic() < deadline and proc.poll() is None:
            staged = next(iter(tmp.glob("csp-assessment-*/report/notebooks/02_*.ipynb")), None)
            if staged is not None:   # chapter 1 is written and chapter 2 is running: kill it now
                break
            time.sleep(0.05)
        assert staged is not None and proc.poll() is None, "the run ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before   # every file of the previous report, byte for byte, and nothing else
    # the killed run's work (dataset pickle included) is in its private folder, not beside the report
    # (at most its lock file is); the next run clears the private folder
    assert not list(tmp_path.glob("2024-25.tmp-*"))
    assert {p.name for p in tmp_path.iterdir()} <= {"2024-25", "tmp", ".2024-25.lock"}
    from assessment.outdir import remove_stale_private_dirs
    assert list(tmp.glob("csp-assessment-*/_dataset.pickle"))
    remove_stale_private_dirs(tmp)
    assert not list(tmp.glob("csp-assessment-*")) and out.exists()


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
