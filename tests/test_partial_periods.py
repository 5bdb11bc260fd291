"""Issue 12: a year is complete or it says so everywhere; every period, config and targets problem is
one line with exit status 2, and `validate` lists them all.

Fast: the command line runs in-process (``assessment.cli.main``) on tiny files; nothing here starts a
kernel.  The whole part-year run is tested in tests/test_bad_input_corpus.py (slow).
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import REAL, ROOT

from assessment.cli import main
from assessment.errors import ConfigError
from assessment.periods import financial_year

HEAD = "crime_id,offence_date,crime_type,lsoa_code\n"


def area(tmp_path: Path, first: str = "2023-04-02", last: str = "2025-03-30", extra: str = "") -> Path:
    """A tiny record-level area: crimes on the first and last dates (and in between), config beside it."""
    (tmp_path / "crimes.csv").write_text(HEAD + f"C1,{first},Burglary,E01000001\nC2,2024-10-15,Robbery,E01000002\n"
                                                f"C3,{last},Burglary,E01000001\n")
    p = tmp_path / "assessment.yml"
    p.write_text("area: {name: Testham}\ninputs: {crimes: crimes.csv}\n" + extra)
    return p


def cli(capsys, *args) -> tuple[int, list[str], list[str]]:
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out.splitlines(), err.splitlines()


# -- --year and --to -------------------------------------------------------------------------------------
@pytest.mark.parametrize("year", ["2024", "2024/25", "2024-25", "2024/2025"])
def test_validate_reads_the_year_as_analysts_write_it(tmp_path, capsys, year):
    rc, out, err = cli(capsys, "validate", "--config", area(tmp_path), "--year", year)
    assert (rc, out, err) == (0, ["inputs OK"], [])


@pytest.mark.parametrize("args, says", [
    (["--year", "0"], "--year: expected a year between 1900 and 2100 (e.g. 2024 or 2024/25), found '0'"),
    (["--year", "99999"], "--year: expected a year between 1900 and 2100 (e.g. 2024 or 2024/25), found '99999'"),
    (["--year", "2024/26"], "--year: in 2024/26 the second year must be the year after the first (2024/25)"),
    (["--to", "garbage"], "--to: expected a month as YYYY-MM (e.g. 2025-03 for the 12 months to March 2025), "
                          "found 'garbage'"),
    (["--to", "2024-13"], "--to: expected a month as YYYY-MM (e.g. 2025-03 for the 12 months to March 2025), "
                          "found '2024-13'"),
    (["--year", "2024", "--to", "2025-03"], "--year and --to: give one or the other (--year 2024 for 2024/25, "
                                            "--to 2025-03 for the 12 months to March 2025)"),
])
@pytest.mark.parametrize("command", ["run", "validate"])
def test_bad_period_arguments_are_one_line_with_exit_2(tmp_path, capsys, command, args, says):
    rc, out, err = cli(capsys, command, "--config", area(tmp_path), *args, *(["--out", tmp_path / "out"]
                                                                          if command == "run" else []))
    assert (rc, err) == (2, [f"error: {says}"]) and out == []
    assert not (tmp_path / "out").exists()


def test_a_financial_year_form_with_a_calendar_config_is_one_line(tmp_path, capsys):
    rc, out, err = cli(capsys, "validate", "--config", area(tmp_path, extra="period: calendar\n"), "--year", "2024/25")
    assert rc == 2 and out == ["--year: 2024/25 is a financial year, but the config has period: calendar; "
                               "give --year 2024 (or set period: financial)"]


# -- a part year ---------------------------------------------------------------------------------------------
def test_a_part_year_stops_with_one_line_before_any_output(tmp_path, capsys):
    cfg = area(tmp_path, first="2024-10-01")          # the extract starts in October 2024
    rc, out, err = cli(capsys, "run", "--config", cfg, "--year", "2024", "--out", tmp_path / "out")
    assert rc == 2 and err == [
        "error: 2024/25 is not complete in the data: no data for Apr – Sep 2024 (the data cover Oct 2024 – Mar 2025); "
        "add --allow-partial to report 2024/25 from 6 of its 12 months"]
    assert not (tmp_path / "out").exists()
    # no --year: no whole year in the data (before: 2024/25 from 6 months, as if it were whole)
    rc, out, err = cli(capsys, "run", "--config", cfg, "--out", tmp_path / "out")
    assert rc == 2 and err == ["error: no complete financial year in the data (they cover Oct 2024 – Mar 2025); "
                               "add --allow-partial to report 2024/25 from 6 of its 12 months"]
    # validate says the same, and is content when a part year is allowed
    rc, out, err = cli(capsys, "validate", "--config", cfg)
    assert rc == 2 and out == [err_line[len("error: "):] for err_line in
                               ["error: no complete financial year in the data (they cover Oct 2024 – Mar 2025); "
                                "add --allow-partial to report 2024/25 from 6 of its 12 months"]]
    assert cli(capsys, "validate", "--config", cfg, "--allow-partial")[:2] == (0, ["inputs OK"])


def test_the_default_year_is_the_latest_with_all_its_months(tmp_path):
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    # data from April 2023 to June 2025: 2024/25 is the latest whole year (2025/26 has 3 months)
    ds = load_dataset(load_config(area(tmp_path, last="2025-06-30")), allow_partial=False)
    assert (ds.period.label, ds.period.complete, ds.period.months_with_data) == ("2024/25", True, 12)


def test_a_dataset_given_to_run_assessment_is_checked_too(tmp_path):
    from assessment.config import load_config
    from assessment.render import run_assessment
    cfg = load_config(area(tmp_path))
    ds = SimpleNamespace(period=financial_year(2024).with_coverage(pd.date_range("2024-04-01", "2024-12-01", freq="MS")),
                         config=cfg)
    with pytest.raises(ConfigError, match=r"^2024/25 is not complete in the data: no data for Jan – Mar 2025; "
                                          r"add --allow-partial to report it from 9 of its 12 months$"):
        run_assessment(cfg, out_dir=tmp_path / "out", dataset=ds, log=lambda *a: None)


def test_in_year_progress_needs_only_the_months_to_the_end_of_the_quarter(tmp_path):
    from assessment.config import load_config
    from assessment.render import run_assessment
    cfg = load_config(area(tmp_path))
    ds = SimpleNamespace(period=financial_year(2024).with_coverage(pd.date_range("2024-04-01", "2024-09-01", freq="MS")),
                         config=cfg)
    (tmp_path / "no-notebooks").mkdir()
    kw = dict(out_dir=tmp_path / "out", dataset=ds, log=lambda *a: None, notebooks_dir=tmp_path / "no-notebooks")
    # quarter 2 (April to September) is all there: the run goes on (to find no chapter notebooks here)
    with pytest.raises(ConfigError, match="no chapter notebooks"):
        run_assessment(cfg, quarter=2, **kw)
    with pytest.raises(ConfigError, match=r"^2024/25 is not complete in the data to the end of quarter 3: no data for "
                                          r"Oct – Dec 2024; add --allow-partial to report it from 6 of its 12 months$"):
        run_assessment(cfg, quarter=3, **kw)


def test_the_cover_the_summary_and_summary_json_say_how_many_months(tmp_path):
    from assessment.render import report_html, write_summary
    from assessment.words import summary as narrative
    period = financial_year(2020).with_coverage(pd.date_range("2020-10-01", "2021-09-01", freq="MS"))
    html = report_html([], area="South Yorkshire", period=period, synthetic=False)
    assert "<title>South Yorkshire – Strategic assessment 2020/21 (6 of 12 months)</title>" in html
    assert 'Strategic assessment <span class="label">2020/21 (6 of 12 months)</span>' in html
    assert ("<strong>PART PERIOD.</strong> The data hold 6 of the 12 months of 2020/21: there are none for "
            "Apr – Sep 2020. Every figure for 2020/21 counts those 6 months only") in html
    whole = report_html([], area="X", period=financial_year(2020).with_coverage(
        pd.date_range("2020-04-01", "2021-03-01", freq="MS")), synthetic=False)
    assert "PART PERIOD" not in whole and "(12 of 12" not in whole
    # summary.json
    (tmp_path / "_summary").mkdir()
    (tmp_path / "_summary" / "volumes.json").write_text(json.dumps({"crime.total": 63181, "period.label": period.label}))
    acc = SimpleNamespace(to_summary=lambda: {})
    ds = SimpleNamespace(period=period, accounting=acc, config=SimpleNamespace(area=SimpleNamespace(name="South Yorkshire")))
    s = write_summary(tmp_path, ds)
    assert s["period"] == json.loads((tmp_path / "summary.json").read_text())["period"] == {
        "label": "2020/21 (6 of 12 months)", "start": "2020-04-01", "end": "2021-03-31", "kind": "financial",
        "months": 12, "months_with_data": 6, "complete": False,
        "missing_months": ["2020-04", "2020-05", "2020-06", "2020-07", "2020-08", "2020-09"]}
    # the executive summary's opening and its headline on total crime
    intro = narrative.intro(s)
    assert intro.startswith("This strategic assessment covers South Yorkshire for 2020/21 (1 April 2020 to 31 March "
                            "2021). **Only 6 of the 12 months of 2020/21 are in the data (none for Apr – Sep 2020)")
    assert narrative.total_crime(s)[0].sentence == "63,181 crimes were recorded in 2020/21 (6 of 12 months)."


def test_batch_passes_allow_partial_to_every_run(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from assessment import batch
    seen = []

    def fake(job):
        seen.append(job.allow_partial)
        return batch.JobResult(job, False, 0.0, error="not run")
    monkeypatch.setattr(batch, "run_job", fake)
    with ThreadPoolExecutor(1) as ex:
        batch.run_batch(area(tmp_path), [2023, 2024], out_root=tmp_path / "b", executor=ex, progress=lambda _: None,
                        allow_partial=True)
    assert seen == [True, True]


# -- validate reads every input: the config's every key, the targets file ------------------------------------
def test_validate_lists_every_config_typo(tmp_path, capsys):
    cfg = area(tmp_path, extra="crime_group: {}\nhotspots: {permutation: 9}\n")
    rc, out, err = cli(capsys, "validate", "--config", cfg)
    assert rc == 2 and err == ["2 problem(s) found"]
    assert out == [f"{cfg}: key 'hotspots.permutation': unknown key (did you mean 'hotspots.permutations'?)",
                   f"{cfg}: key 'crime_group': unknown key (did you mean 'crime_groups'?)"]


TARGETS = """indicators:
  - {name: All crime, baseline: 12, target: -5%, direction: lower}
  - {name: Burglary, group: Burglary, baseline: 4, target: maintain, direction: down}
"""


def test_validate_reads_the_targets_file_with_the_runs_checks(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)   # messages name files relative to the working folder
    cfg = area(tmp_path, extra="crime_groups: {Burglary: [Burglary]}\n")
    cfg.write_text(cfg.read_text().replace("inputs: {crimes: crimes.csv}",
                                           "inputs: {crimes: crimes.csv, targets: targets.yml, victims: none.csv}"))
    (tmp_path / "targets.yml").write_text(TARGETS)
    rc, out, err = cli(capsys, "validate", "--config", cfg, "--year", "2024/25")
    assert rc == 2 and err == ["2 problem(s) found"]
    assert out == [f"inputs.victims: file not found: {tmp_path / 'none.csv'}",
                   "targets.yml: indicator 2 ('Burglary'), key 'direction': expected 'lower' or 'higher' "
                   "(which is better), found 'down'"]
    # a crime type that is not in the data is found too (it needs the data)
    (tmp_path / "targets.yml").write_text(TARGETS.replace("group: Burglary", "crime_type: Burglery").replace("down", "lower"))
    rc, out, err = cli(capsys, "validate", "--config", cfg, "--year", "2024")
    assert out[-1] == ("targets.yml: indicator 2 ('Burglary'), key 'crime_type': expected a crime type in the data "
                       "(Burglary, Robbery), found 'Burglery'")


def test_run_reads_the_targets_file_before_the_inputs(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = area(tmp_path)
    cfg.write_text(cfg.read_text().replace("inputs: {crimes: crimes.csv}", "inputs: {crimes: crimes.csv, targets: t.yml}"))
    (tmp_path / "t.yml").write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 10)}]\n" for c in "bcdefghij"))
    rc, out, err = cli(capsys, "run", "--config", cfg, "--year", "2024", "--out", tmp_path / "out")
    assert rc == 2 and out == [] and err == [
        "error: t.yml: expected plain YAML, found aliases (*name) that expand to more than 100,000 values "
        "(a 'billion laughs' file?); write the values out instead of repeating aliases"]
    rc, out, err = cli(capsys, "validate", "--config", cfg, "--year", "2024")
    assert rc == 2 and out[0].startswith("t.yml: expected plain YAML, found aliases")


def test_a_utf16_config_and_a_folder_for_a_config_are_one_line(tmp_path, capsys):
    cfg = area(tmp_path)
    cfg.write_text(cfg.read_text(), encoding="utf-16")
    for command in ("run", "validate"):
        rc, out, err = cli(capsys, command, "--config", cfg, "--year", "2024")
        assert rc == 2 and err == [f"error: {cfg}: expected UTF-8 text, found UTF-16 text; save it as UTF-8 "
                                   "(in Notepad: File > Save as, Encoding: UTF-8)"]
    rc, out, err = cli(capsys, "validate", "--config", tmp_path)
    assert rc == 2 and err == [f"error: {tmp_path}: expected a config file, found a folder; give the file itself "
                               f"(e.g. {cfg})"]


# -- the real South Yorkshire files: October 2020 to September 2021 ------------------------------------------
@pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real is not present")
def test_south_yorkshire_without_to_is_refused_with_the_twelve_months_it_has(capsys):
    cfg = ROOT / "examples" / "south-yorkshire-rolling.yml"
    rc, out, err = cli(capsys, "validate", "--config", cfg)
    assert rc == 2 and out == [
        "no complete financial year in the data (they cover Oct 2020 – Sep 2021); give --to 2021-09 for the latest "
        "complete 12 months, or add --allow-partial to report 2020/21 from 6 of its 12 months",
        "crimes: no police.uk file for Apr 2020, May 2020, Jun 2020, Jul 2020, Aug 2020, Sep 2020: 2020/21 covers "
        "6 of 12 months"]
    assert cli(capsys, "validate", "--config", cfg, "--to", "2021-09")[:2] == (0, ["inputs OK"])
