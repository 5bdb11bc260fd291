"""run.log's provenance: every input file listed with its SHA-256, whether or not it has CSV rows."""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from assessment import provenance
from assessment.accounting import Accounting
from assessment.config import load_config
from assessment.periods import financial_year

F = Path(__file__).resolve().parent / "fixtures" / "loaders"


def config(tmp_path):
    for name in ("crimes.csv", "lsoa_bng.geojson", "wards.csv"):
        shutil.copy(F / name, tmp_path / name)
    (tmp_path / "targets.yml").write_text("indicators: []\n")
    (tmp_path / "assessment.yml").write_text(
        "area: {name: Testham}\n"
        "inputs: {crimes: crimes.csv, boundaries: lsoa_bng.geojson, wards: wards.csv, targets: targets.yml}\n")
    return load_config(tmp_path / "assessment.yml")


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_files_without_rows_are_listed_with_their_hashes(tmp_path):
    cfg = config(tmp_path)
    t = provenance.inputs_table(cfg)
    assert t["rows"].isna().tolist() == [False, True, False, True]   # the GeoJSON and the YAML have no CSV rows
    lines = provenance.input_lines(cfg)
    assert [ln.split()[0] for ln in lines] == ["crimes", "boundaries", "wards", "targets"]
    for name in ("lsoa_bng.geojson", "wards.csv", "targets.yml"):
        assert any(name in ln and f"sha256={sha(tmp_path / name)}" in ln for ln in lines), name
    boundary = next(ln for ln in lines if "lsoa_bng.geojson" in ln)
    assert "rows=  bytes=" in boundary                               # blank, not "nan" or "<NA>"
    crimes_rows = len(pd.read_csv(tmp_path / "crimes.csv"))
    assert f"rows={crimes_rows:,}" in lines[0]


def test_run_log_lists_every_input_after_a_file_without_rows(tmp_path):
    from assessment.render import write_run_log
    cfg = config(tmp_path)
    ds = SimpleNamespace(period=financial_year(2024), accounting=Accounting())
    log = write_run_log(tmp_path / "run.log", cfg=cfg, ds=ds, out=tmp_path / "out", args={}, runs=[], timings=[],
                        started=dt.datetime.now().astimezone(), warnings=[])
    text = log.read_text()
    assert "could not list the input files" not in text and "ambiguous" not in text
    for name in ("crimes.csv", "lsoa_bng.geojson", "wards.csv", "targets.yml"):
        assert f"sha256={sha(tmp_path / name)}" in text, name


def test_format_rows():
    assert [provenance.format_rows(v) for v in (pd.NA, None, float("nan"), 3200, 0)] == ["", "", "", "3,200", "0"]
