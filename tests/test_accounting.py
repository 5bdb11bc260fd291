import csv as _csv
import gzip as _gzip
import io as _io
import json as _json
import re as _re
import sqlite3 as _sqlite3
import zipfile as _zipfile
from pathlib import Path as _Path

import pytest
from conftest import DEMO_CONFIG, REAL, ROOT, needs_real

from assessment.accounting import Accounting, AccountingError


def test_reconciles_and_reports_by_reason():
    acc = Accounting()
    acc.read("crimes", 100)
    acc.read("crimes", 20)  # a second file of the same input adds up
    acc.exclude("crimes", "outside the area", 15)
    acc.exclude("crimes", "duplicate crime id", 5)
    acc.exclude("crimes", "outside the area", 2)
    acc.use("crimes", 98)
    acc.check()
    s = acc.to_summary()["crimes"]
    assert s == {"read": 120, "used": 98, "excluded": {"duplicate crime id": 5, "outside the area": 17}}
    t = acc.to_frame()
    assert t["reason"].tolist() == ["outside the area", "duplicate crime id"]  # largest first
    assert t["rows"].tolist() == [17, 5]


def test_unreconciled_input_is_an_error():
    acc = Accounting()
    acc.read("victims", 10)
    acc.use("victims", 9)
    with pytest.raises(AccountingError, match="read 10 != used 9 \\+ excluded 0"):
        acc.check()


def test_zero_exclusions_are_not_listed_and_inputs_without_exclusions_have_one_row():
    acc = Accounting()
    acc.read("population", 3)
    acc.exclude("population", "negative", 0)
    acc.use("population", 3)
    t = acc.to_frame()
    assert len(t) == 1 and t.loc[0, "reason"] == "" and t.loc[0, "excluded"] == 0


def test_merge_adds_counts():
    a, b = Accounting(), Accounting()
    a.read("x", 2)
    a.use("x", 2)
    b.read("x", 3)
    b.use("x", 1)
    b.exclude("x", "bad", 2)
    a.merge(b)
    a.check()
    assert a.to_summary()["x"] == {"read": 5, "used": 3, "excluded": {"bad": 2}}


# -- read = used + Σ excluded for every input of real runs, and read = the rows in the files ------------
# (issue 7).  "read" is checked against a count of the input files made without the loaders: CSV
# records under the header (csv module), police.uk street files of a folder or zip, GeoPackage
# features (SQLite) or GeoJSON features; MPS published counts are rows too (one per area and category).

_STREET = _re.compile(r"^\d{4}-\d{2}-.+-street\.csv(\.gz)?$")


def _records(data: bytes) -> list:
    if data[:2] == b"\x1f\x8b":
        data = _gzip.decompress(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return [r for r in _csv.reader(_io.StringIO(text)) if any(c.strip() for c in r)]


def _street_files(path: _Path) -> list[bytes]:
    if path.is_dir():
        return [p.read_bytes() for p in sorted(path.rglob("*")) if _STREET.match(p.name)]
    with _zipfile.ZipFile(path) as z:
        return [z.read(n) for n in z.namelist() if _STREET.match(_Path(n).name)]


def _features(path: _Path) -> int:
    if path.suffix.lower() == ".gpkg":
        with _sqlite3.connect(path) as db:
            (table,), = db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' "
                                   "ORDER BY rowid LIMIT 1").fetchall()
            return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    return len(_json.loads(path.read_text(encoding="utf-8"))["features"])


def rows_in_input(cfg, name: str) -> int:
    """The rows of the input ``name`` of ``cfg``, counted without the loaders."""
    inp = cfg.inputs
    if name == "crimes" and inp.police_uk is not None:
        return sum(len(_records(f)) - 1 for f in _street_files(_Path(inp.police_uk)))
    if name == "crimes" and inp.crime_counts is not None:
        return len(_records(_Path(inp.crime_counts).read_bytes())) - 1
    path = _Path(getattr(inp, name))
    if name == "boundaries":
        return _features(path)
    return len(_records(path.read_bytes())) - 1


def assert_every_input_reconciles(ds, expected_inputs: set) -> dict:
    summary = ds.accounting.to_summary()
    assert set(summary) == expected_inputs
    for name, s in summary.items():
        assert s["read"] == s["used"] + sum(s["excluded"].values()), name
        assert s["read"] == rows_in_input(ds.config, name), name
        assert all(n > 0 for n in s["excluded"].values()), name
    ds.accounting.check()
    return summary


def _demo_config():
    from assessment.config import load_config
    from assessment.demo import ensure_demo
    cfg = load_config(DEMO_CONFIG)
    ensure_demo(cfg)
    return cfg


def test_every_demo_input_reconciles_with_its_file():
    from assessment.loaders import load_dataset
    ds = load_dataset(_demo_config(), 2024)
    s = assert_every_input_reconciles(ds, {"crimes", "victims", "offenders", "asb", "population",
                                           "boundaries", "wards", "ed_assaults", "postcode_lookup", "imd", "harm_weights"})
    assert s["ed_assaults"]["used"] == len(ds.ed_assaults)
    assert s["crimes"]["used"] == len(ds.crimes)
    assert s["victims"]["used"] == len(ds.victims) and s["offenders"]["used"] == len(ds.offenders)
    assert s["asb"]["used"] == len(ds.asb)


def test_the_demo_in_police_uk_form_reconciles_with_its_files():
    from assessment.loaders import load_dataset
    cfg = _demo_config().model_copy(deep=True)
    cfg.inputs.police_uk, cfg.inputs.crimes = ROOT / "data" / "demo" / "police-uk", None
    cfg.inputs.victims = cfg.inputs.offenders = None
    ds = load_dataset(cfg, 2024)
    s = assert_every_input_reconciles(ds, {"crimes", "asb", "population", "boundaries", "wards", "ed_assaults",
                                           "postcode_lookup", "imd", "harm_weights"})
    # with the asb input also given, the police.uk ASB rows are excluded (not counted twice), with a reason
    assert s["crimes"]["excluded"].get("anti-social behaviour (the asb input is used instead)", 0) > 0


@needs_real
def test_real_haringey_police_uk_every_input_reconciles():
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    ds = load_dataset(load_config(ROOT / "examples" / "haringey-burglary-policeuk.yml"), 2023)
    s = assert_every_input_reconciles(ds, {"crimes", "boundaries", "wards", "population", "lsoa_lookup"})
    assert s["crimes"]["read"] == 5_154          # the rows ../shared/data/real/README.md gives
    assert s["boundaries"]["read"] == 147 and s["wards"]["read"] == 147


@needs_real
def test_real_south_yorkshire_police_uk_every_input_reconciles():
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    ds = load_dataset(load_config(ROOT / "examples" / "south-yorkshire-rolling.yml"), to="2021-09")
    s = assert_every_input_reconciles(ds, {"crimes"})
    assert s["crimes"]["read"] == 169_496        # the rows ../shared/data/real/README.md gives


@needs_real
def test_real_city_of_london_police_uk_every_input_reconciles():
    from assessment.config import Config
    from assessment.loaders import load_dataset
    cfg = Config.model_validate({"area": {"name": "City of London", "force": "City of London Police"},
                                 "inputs": {"police_uk": str(REAL / "police_uk" / "city_of_london_full")}})
    ds = load_dataset(cfg, 2020)
    s = assert_every_input_reconciles(ds, {"crimes"})
    assert s["crimes"]["read"] == 28_761         # the rows ../shared/data/real/README.md gives


@needs_real
def test_real_haringey_mps_counts_every_input_reconciles():
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    ds = load_dataset(load_config(ROOT / "examples" / "haringey-mps-2024.yml"), 2024)
    s = assert_every_input_reconciles(ds, {"crimes", "boundaries", "wards", "population"})
    assert s["crimes"]["read"] == 3_200          # the file's data rows (was 53,771: the sum of its month cells)
