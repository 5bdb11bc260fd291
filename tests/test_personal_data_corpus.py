"""Identifiers in the wrong column never reach an output through text (issue 11).

Every case of tests/personal_data/cases.yml slips a victim, offender, caller or crime id into a
wrong column of a file with personal data.  Whatever the outcome — the run stops with one line
(exit status 2), or the row is counted / the value left blank with a note — the id must not be in
the error line, in the data-quality notes (which the HTML, the PDF and the appendix notebook
print), in the data-quality table, nor in `assessment validate`'s output; a failed run of
`assessment batch` must not copy it into index.html or any log.  See tests/personal_data/README.md.

The commands run in-process (`assessment.cli.main`): the whole corpus takes seconds.
"""
from __future__ import annotations

import csv
import html
import io
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "personal_data"
BASE = HERE / "bad_inputs" / "base"
MANIFEST = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
CASES = {c["name"]: c for c in MANIFEST["cases"]}
PERSONAL = {"victims": BASE / "victims.csv", "offenders": BASE / "offenders.csv",
            "asb": CORPUS / "base" / "asb.csv", "crimes": BASE / "crimes.csv",
            "ed_assaults": CORPUS / "base" / "ed_assaults.csv"}
PUBLIC = {"population": BASE / "population.csv", "boundaries": BASE / "lsoa.geojson", "wards": BASE / "wards.csv"}


# -- building a case -------------------------------------------------------------------------------------
def edited(path: Path, edit: dict) -> str:
    """The CSV at ``path`` with the case's edit applied (rows numbered as a spreadsheet: header = 1)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    sets = edit.get("set", [])
    for e in sets if isinstance(sets, list) else [sets]:
        rows[e["row"] - 1][header.index(e["column"])] = e["value"]
    if "shift" in edit:
        e = edit["shift"]
        rows[e["row"] - 1].insert(header.index(e["column"]), e["value"])
    if edit.get("drop_header"):
        rows = rows[1:]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def build(name: str, tmp: Path) -> tuple[Path, dict]:
    """The case's inputs and config in ``tmp`` (the edited file under its usual name); returns
    (config path, {input: path})."""
    case = CASES[name]
    d = tmp / "inputs"
    d.mkdir()
    paths = {}
    for inp, src in {**PERSONAL, **PUBLIC}.items():
        dest = d / src.name
        if inp == case["input"]:
            dest.write_text(edited(src, case["edit"]), encoding="utf-8")
        else:
            shutil.copyfile(src, dest)
        paths[inp] = dest
    cfg = {"area": {"name": "Testham"}, "inputs": {k: str(p) for k, p in paths.items()}}
    p = tmp / "assessment.yml"
    p.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return p, paths


def short(text: str) -> str:
    """Paths shortened to file names (the temporary folder differs per run)."""
    return re.sub(r"(?<![\w.])/(?:[^/\s:'\"(),]+/)+", "", text)


def cli(capsys, *args) -> tuple[int, str, str]:
    """`assessment <args>` in-process: (exit status, stdout, stderr)."""
    from assessment.cli import main
    capsys.readouterr()
    rc = main([str(a) for a in args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def assert_no_secret(case, *texts) -> None:
    for text in texts:
        for secret in case["secrets"]:
            assert secret not in text, f"{secret} leaked: {text[:2000]}"


# -- the corpus itself ----------------------------------------------------------------------------------
def test_every_personal_file_has_cases_and_every_case_holds_its_identifier(tmp_path):
    assert len(CASES) == len(MANIFEST["cases"]), "case names must be unique"
    by_input = {inp: [c for c in CASES.values() if c["input"] == inp] for inp in PERSONAL}
    for inp, cases in by_input.items():
        assert cases, f"no case for {inp}"
    assert {c["input"] for c in CASES.values()} <= set(PERSONAL)
    for name, case in CASES.items():
        assert case.get("about") and case["secrets"] and case["expect"] in ("error", "counted"), name
        text = edited(PERSONAL[case["input"]], case["edit"])
        for secret in case["secrets"]:
            assert secret in text, f"{name}: {secret} is not in the edited {case['input']} file"
        assert text != PERSONAL[case["input"]].read_text(encoding="utf-8"), name


# -- the cases ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c["expect"] == "error"])
def test_error_case_names_the_row_not_the_identifier(name, tmp_path, capsys):
    case = CASES[name]
    cfg, _ = build(name, tmp_path)
    rc, out, err = cli(capsys, "run", "--config", cfg, "--year", "2024", "--out", tmp_path / "out")
    assert rc == 2, err
    assert_no_secret(case, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert re.fullmatch(case["message"], short(lines[0][len("error: "):])), lines[0]
    assert not (tmp_path / "out").exists()

    rc, vout, verr = cli(capsys, "validate", "--config", cfg, "--year", "2024")
    assert rc == 2 and verr.strip().endswith("problem(s) found"), verr
    assert_no_secret(case, vout, verr)
    assert any(re.fullmatch(case["message"], short(line)) for line in vout.splitlines()), vout


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c["expect"] == "counted"])
def test_counted_case_names_the_row_not_the_identifier(name, tmp_path, capsys):
    from assessment.chapters.appendix import data_quality
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    from assessment.words.appendix import quality_notes

    case = CASES[name]
    cfg_path, _ = build(name, tmp_path)
    ds = load_dataset(load_config(cfg_path), 2024)
    summary = ds.accounting.to_summary()
    for inp, want in case["records"].items():
        assert summary[inp] == want, (inp, summary[inp])
    notes = short(quality_notes(ds))           # the appendix text: the HTML, the PDF, the notebook
    note_lines = [re.sub(r"^\* (\*\*\w+\*\*: )?", "", ln) for ln in notes.splitlines()]
    for pattern in case.get("notes", []):
        assert any(re.search(pattern, ln) for ln in note_lines), (pattern, note_lines)
    table = data_quality(ds).astype(str).to_csv()

    rc, vout, verr = cli(capsys, "validate", "--config", cfg_path, "--year", "2024")
    lines = [short(ln) for ln in vout.splitlines()]
    assert rc == 2 and verr.strip().endswith("problem(s) found"), (vout, verr)
    for pattern in case["validate"]:
        assert any(re.search(pattern, ln) for ln in lines), (pattern, lines)
    assert_no_secret(case, notes, "\n".join(ds.notes), table, vout, verr)


# -- assessment batch: a failed run copies no identifier into index.html or a log ---------------------------------
@pytest.mark.parametrize("name", ["victims-id-shifted-into-age", "asb-caller-id-in-datetime",
                                  "crimes-id-in-offence-date"])
def test_a_failed_batch_run_leaves_no_identifier_in_the_index_or_the_logs(name, tmp_path):
    from assessment.batch import run_batch

    case = CASES[name]
    cfg, _ = build(name, tmp_path)
    out = tmp_path / "batch"
    progress = []
    with ThreadPoolExecutor(1) as ex:
        res = run_batch(cfg, [2024], out_root=out, executor=ex, progress=progress.append)
    assert [r.ok for r in res] == [False]
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert_no_secret(case, "\n".join(progress), *(p.read_text(encoding="utf-8", errors="replace") for p in written))
    assert re.fullmatch(case["message"], short(res[0].error)), res[0].error
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "1 run(s), 1 failed" in page and html.escape(res[0].error) in page
    logs = [p for p in written if p.suffix == ".log"]
    assert [p.relative_to(out).as_posix() for p in logs] == ["logs/2024-25.log"]
    assert f"error: {res[0].error}" in logs[0].read_text(encoding="utf-8")


# -- public files: the value may be quoted, but short and on one line --------------------------------------------
def test_a_public_files_bad_value_is_quoted_short_and_on_one_line(tmp_path, capsys):
    value = "about\n900 " + "x" * 80 + "\x1b[2J"
    case = CASES["victims-id-in-age"]          # any case: population.csv is replaced below
    cfg, paths = build("victims-id-in-age", tmp_path)
    rows = list(csv.reader(io.StringIO(paths["population"].read_text(encoding="utf-8"))))
    rows[3][1] = value                          # row 4 (Excel quotes a cell with a line break)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    paths["population"].write_text(buf.getvalue(), encoding="utf-8")
    rc, out, err = cli(capsys, "run", "--config", cfg, "--year", "2024", "--out", tmp_path / "out")
    assert rc == 2 and err.count("\n") == 1, err
    m = re.fullmatch(r"error: population\.csv: column 'population': expected a population \(a whole number of "
                     r"residents\), found '(.*)' in row 4\n", short(err))
    assert m, err
    shown = m.group(1)
    assert shown.startswith("about 900 xxx") and shown.endswith("…") and len(shown) == 40
    assert "\x1b" not in err
    assert_no_secret(case, err)


def test_a_validate_of_several_personal_files_lists_rows_and_no_identifier(tmp_path, capsys):
    # three personal files wrong at once: validate reports them all, none with its value
    cfg, paths = build("asb-caller-id-in-datetime", tmp_path)
    paths["victims"].write_text(edited(PERSONAL["victims"], CASES["victims-id-in-age"]["edit"]), encoding="utf-8")
    paths["crimes"].write_text(edited(PERSONAL["crimes"], CASES["crimes-id-in-easting"]["edit"]), encoding="utf-8")
    rc, out, err = cli(capsys, "validate", "--config", cfg, "--year", "2024")
    lines = [short(ln) for ln in out.splitlines()]
    assert rc == 2
    for name in ("asb-caller-id-in-datetime", "crimes-id-in-easting"):
        assert any(re.fullmatch(CASES[name]["message"], ln) for ln in lines), (name, lines)
    assert any(re.fullmatch(CASES["victims-id-in-age"]["validate"][0], ln) for ln in lines), lines
    for secret in ("CALLER-777", "VIC-244893", "CR-99999"):
        assert secret not in out + err
