"""The bad-input corpus (tests/bad_inputs/cases.yml): every case gives its expected outcome.

Each case is a small bad file (or config) over a tiny valid base dataset.  An ``error`` case must
stop ``assessment run`` with exit status 2 and exactly one line on stderr, ``error: <message>``,
naming the file, the row or column and what was expected — no traceback — and
``assessment validate`` must list the same line.  A ``counted`` case must load, with the record
accounting reconciled, the exact exclusion counts in the data-quality table, and the headline
figures equal to the values worked out by hand in the manifest.  See tests/bad_inputs/README.md.
"""
from __future__ import annotations

import contextlib
import copy
import csv
import gzip
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from assessment.outdir import write_marker

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
BASE = CORPUS / "base"
MANIFEST = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
CASES = {c["name"]: c for c in MANIFEST["cases"]}
ERROR_CASES = [n for n, c in CASES.items() if c["expect"] == "error"]
COUNTED_CASES = [n for n, c in CASES.items() if c["expect"] == "counted"]
STREET = re.compile(r"^\d{4}-\d{2}-.+-street\.csv(\.gz)?$")


# -- building a case ---------------------------------------------------------------------------------
def _deep_merge(a: dict, b: dict) -> dict:
    out = copy.deepcopy(a)
    for k, v in (b or {}).items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _resolve(case_dir: Path, value, tmp: Path, name: str) -> Path:
    if isinstance(value, dict):   # a copy of a base folder, with the case's files laid over it
        src = value["from"]
        dest = tmp / "inputs" / name
        shutil.copytree(BASE / src, dest)
        for r in value.get("remove", []):
            (dest / r).unlink()
        if (case_dir / src).is_dir():
            shutil.copytree(case_dir / src, dest, dirs_exist_ok=True)
        return dest
    for d in (case_dir, BASE):
        if (d / value).exists():
            return d / value
    return tmp / value            # a file that does not exist (config cases)


def build(name: str, tmp: Path) -> tuple[Path, dict]:
    """Write the case's config into ``tmp``; return (config path, {input: path})."""
    case = CASES[name]
    profile = MANIFEST["profiles"][case.get("profile", "extract")]
    inputs = {**profile["inputs"], **case.get("inputs", {})}
    paths = {k: _resolve(CORPUS / name, v, tmp, k) for k, v in inputs.items() if v is not None}
    cfg = _deep_merge({"area": profile["area"], "inputs": {k: str(p) for k, p in paths.items()}},
                      case.get("config", {}))
    p = tmp / "assessment.yml"
    p.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding=case.get("config_encoding", "utf-8"))
    return p, paths


def year_args(case) -> list[str]:
    """The command line's period arguments: the case's ``args``, else ``--year`` (none for
    ``year: null``: the default period), with ``--allow-partial`` for ``allow_partial: true``."""
    if "args" in case:
        return [str(a) for a in case["args"]]
    year = case.get("year", 2024)
    return ([] if year is None else ["--year", str(year)]) + (["--allow-partial"] if case.get("allow_partial") else [])


def short(text: str) -> str:
    """Paths shortened to file names (the temporary and corpus folders differ per run)."""
    return re.sub(r"(?<![\w.])/(?:[^/\s:'\"(),]+/)+", "", text)


# -- an independent count of the rows of an input file -------------------------------------------------
def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]


def rows_in(path: Path, kind: str) -> int:
    """Rows of ``path`` counted without the loaders: CSV records under the header, police.uk street
    files of a folder or zip, GeoJSON features; MPS counts too are rows (one per area and category)."""
    if kind == "boundaries":
        return len(json.loads(path.read_text())["features"])
    if path.is_dir():
        files = [p.read_bytes() if p.suffix != ".gz" else gzip.decompress(p.read_bytes())
                 for p in path.rglob("*") if STREET.match(p.name)]
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            files = [z.read(n) for n in z.namelist() if STREET.match(Path(n).name)]
    else:
        files = [path.read_bytes()]
    return sum(len(_csv_rows(f)) - 1 for f in files)


# -- error cases: `assessment run` and `assessment validate` --------------------------------------------
def cli_in_process(*args, cwd: Path) -> subprocess.CompletedProcess:
    """`assessment <args>` run in this process (no interpreter start-up, so the corpus takes
    seconds, not minutes): exit status, stdout and stderr as a CompletedProcess."""
    from assessment.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse's own errors
            code = e.code if isinstance(e.code, int) else 2
    return subprocess.CompletedProcess(["assessment", *args], code or 0, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory):
    """`assessment run` and `assessment validate` on every error case.

    Each run here has one kernel (``default_kernels`` is 1), so it starts no kernel while its inputs
    load: every case fails while loading, and two kernels started and shut down again for each of
    48 cases doubled the suite's CPU for this module.  A run with early kernels that fails while
    loading is tested in test_concurrent_chapters.py (its kernels shut down, its one line said)."""
    from assessment import render
    results = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(render, "default_kernels", lambda: 1)
        _run_every_error_case(tmp_path_factory, results)
    return results


def _run_every_error_case(tmp_path_factory, results: dict) -> None:
    for name in ERROR_CASES:
        tmp = tmp_path_factory.mktemp(name)
        cfg, _ = build(name, tmp)
        y = year_args(CASES[name])
        cwd = tmp / "cwd"   # elsewhere, so that every path in a message is absolute (see short())
        cwd.mkdir()
        results[(name, "run")] = cli_in_process("run", "--config", str(cfg), *y, "--out", str(tmp / "out"), cwd=cwd)
        results[(name, "validate")] = cli_in_process("validate", "--config", str(cfg), *y, cwd=cwd)


def test_the_corpus_is_big_enough_and_every_case_has_its_files():
    assert len(CASES) == len(MANIFEST["cases"]), "case names must be unique"
    assert len(CASES) >= 30
    assert len(ERROR_CASES) >= 15 and len(COUNTED_CASES) >= 15
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir()} - {"base"}
    assert folders <= set(CASES), f"folders without a case: {sorted(folders - set(CASES))}"
    for name, case in CASES.items():
        assert case.get("about"), name
        for k, v in case.get("inputs", {}).items():
            if isinstance(v, str) and not name.startswith("config-"):
                assert (CORPUS / name / v).exists() or (BASE / v).exists(), (name, k, v)


def _failed_cleanly(proc) -> str:
    """A command that must fail: exit status 2, no traceback; returns stdout + stderr."""
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out
    assert proc.returncode == 2, out
    return out


def _no_secret(case, out) -> None:
    for secret in case.get("forbid", []):
        assert secret not in out


@pytest.mark.parametrize("name", ERROR_CASES)
def test_error_case_stops_with_one_clear_line(name, cli_results):
    case = CASES[name]
    proc = cli_results[(name, "run")]
    out = _failed_cleanly(proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    message = short(lines[0][len("error: "):])
    assert re.fullmatch(case["message"], message), message
    assert not (proc.stdout and "wrote" in proc.stdout)
    _no_secret(case, out)


@pytest.mark.parametrize("name", ERROR_CASES)
def test_error_case_is_listed_by_validate(name, cli_results):
    case = CASES[name]
    proc = cli_results[(name, "validate")]
    out = _failed_cleanly(proc)
    lines = [short(line) for line in proc.stdout.splitlines()]
    stderr = proc.stderr.strip().splitlines()
    if stderr[-1].startswith("error: "):       # the config itself cannot be read: one line, as `run`
        assert len(stderr) == 1 and re.fullmatch(case["message"], short(stderr[0][len("error: "):]))
        return
    assert stderr == [f"{len(lines)} problem(s) found"]
    if "validate" in case:
        for pattern in case["validate"]:
            assert any(re.search(pattern, line) for line in lines), (pattern, lines)
    else:
        assert any(re.fullmatch(case["message"], line) for line in lines), (case["message"], lines)
    _no_secret(case, out)


# -- counted cases: load_dataset, the data-quality table and the figures ---------------------------------
def _figures(ds, keys) -> dict:
    from assessment.chapters import crime_in_the_area as volumes
    from assessment.chapters import victims
    h = dict(volumes.analyse(ds).headlines)
    if any(k.startswith("victims.") for k in keys):
        h.update(victims.analyse(ds).headlines)
    return {k: h.get(k) for k in keys}


@pytest.mark.parametrize("name", COUNTED_CASES)
def test_counted_case_loads_and_counts_the_problem(name, tmp_path):
    from assessment.chapters.appendix import data_quality
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    from assessment.validate import validate

    case = CASES[name]
    cfg_path, paths = build(name, tmp_path)
    cfg = load_config(cfg_path)
    ds = load_dataset(cfg, year=case.get("year", 2024), allow_partial=case.get("allow_partial", False))
    ds.accounting.check()
    summary = ds.accounting.to_summary()
    table = data_quality(ds)
    for inp, want in case["records"].items():
        assert summary[inp] == want, (inp, summary[inp])
        kind = "mps" if inp == "crimes" and "crime_counts" in paths else inp
        src = paths["crime_counts" if kind == "mps" else ("police_uk" if "police_uk" in paths and inp == "crimes"
                                                          else inp)]
        assert want["read"] == rows_in(src, kind), f"{inp}: read != the rows in {src.name}"
        t = table[table["Input"] == inp]
        assert set(t["Rows read"]) == {want["read"]} and set(t["Rows used"]) == {want["used"]}
        for reason, n in want["excluded"].items():
            assert t.loc[t["Reason"] == reason, "Rows"].tolist() == [n], (reason, t)
    if "figures" in case:
        got = _figures(ds, list(case["figures"]))
        for k, v in case["figures"].items():
            assert (got[k] is None) if v is None else got[k] == pytest.approx(v), (k, got[k], v)
    if "lsoa_counts" in case:
        cur = ds.crimes[ds.period.contains(ds.crimes["month"])]
        assert cur.groupby("lsoa_code")["count"].sum().to_dict() == case["lsoa_counts"]
    if "crime_types" in case:
        assert set(case["crime_types"]) <= set(ds.crimes["crime_type"])
    notes = [short(n) for n in ds.notes]
    for pattern in case.get("notes", []):
        assert any(re.search(pattern, n) for n in notes), (pattern, notes)
    problems = [short(line) for line in validate(cfg, case.get("year", 2024))]
    if case.get("clean"):
        assert problems == []
    for pattern in case.get("validate", []):
        assert any(re.search(pattern, line) for line in problems), (pattern, problems)
    everything = "\n".join(notes + problems + table.astype(str).to_csv().splitlines())
    for secret in case.get("forbid", []):
        assert secret not in everything


# -- the whole run, on two representative cases -----------------------------------------------------------
def test_a_failed_run_leaves_the_previous_output_folder_as_it_was(tmp_path):
    cfg, _ = build("date-31-april", tmp_path)
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    (out / "summary.json").write_text('{"previous": true}')
    (out / "tables" / "data_quality.csv").write_text("previous run\n")
    write_marker(out)   # a report of this tool (else the run refuses the folder before reading the inputs)
    before = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    proc = run_cli("run", "--config", str(cfg), "--year", "2024", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    after = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assessment.yml", "out"]  # no half-written folder


@pytest.mark.slow
def test_a_whole_run_with_counted_problems_publishes_them(tmp_path):
    # police.uk files with May 2024 twice (case police-uk-month-duplicated), and September 2024 missing
    cfg, paths = build("police-uk-month-duplicated", tmp_path)
    (paths["police_uk"] / "2024-09-testshire-street.csv").unlink()
    out = tmp_path / "out"
    # a year with a month missing runs only when allowed to, saying so (issue 12)
    proc = run_cli("run", "--config", str(cfg), "--year", "2024", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        "error: 2024/25 is not complete in the data: no data for Sep 2024 (the data cover Apr 2024 – Mar 2025); "
        "add --allow-partial to report 2024/25 from 11 of its 12 months"] and not out.exists()
    proc = run_cli("run", "--config", str(cfg), "--year", "2024", "--out", str(out), "--allow-partial", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["period"]["label"] == "2024/25 (11 of 12 months)"
    assert (summary["period"]["months_with_data"], summary["period"]["complete"],
            summary["period"]["missing_months"]) == (11, False, ["2024-09"])
    assert summary["crime"]["total"] == 22          # 11 months of 2 crimes
    assert summary["records"]["crimes"] == {"read": 26, "used": 24, "excluded": {"duplicate month file": 2}}
    with open(out / "tables" / "data_quality.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    dup = [r for r in rows if r["Input"] == "crimes" and r["Reason"] == "duplicate month file"]
    assert len(dup) == 1 and dup[0]["Rows"] == "2" and dup[0]["Rows read"] == "26"
    html = next(p for p in out.glob("*.html") if not p.stem.endswith("-technical-annex")).read_text(encoding="utf-8")
    assert "duplicate month file" in html
    assert "no police.uk file for Sep 2024: 2024/25 covers 11 of 12 months" in html
    # the cover, the chapter titles naming the period and the summary's opening say so
    assert 'Strategic assessment <span class="label">2024/25 (11 of 12 months)</span>' in html
    assert "PART PERIOD.</strong> The data hold 11 of the 12 months of 2024/25: there are none for Sep 2024." in html
    assert "22 crimes were recorded in 2024/25 (11 of 12 months)" in html
    assert "Only 11 of the 12 months of 2024/25 are in the data (none for Sep 2024)" in html
