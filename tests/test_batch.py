"""Batch runs (issue 8): years in parallel over any executor, failures reported, index.html."""
from __future__ import annotations

import html
import json
import re
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest
from conftest import DEMO_CONFIG, run_cli

from assessment import batch
from assessment.batch import Job, JobResult, parse_years, run_batch, slugify, write_index
from assessment.config import load_config
from assessment.errors import ConfigError


# -- parsing and naming ------------------------------------------------------------------------
def test_parse_years_ranges_lists_and_mixtures():
    assert parse_years("2020-2024") == [2020, 2021, 2022, 2023, 2024]
    assert parse_years("2024,2020") == [2020, 2024]
    assert parse_years("2019, 2021-2022,2021") == [2019, 2021, 2022]


@pytest.mark.parametrize("text, says", [("2024-2020", "runs backwards"), ("twenty", "expected years"),
                                        ("2020-", "expected years")])
def test_parse_years_rejects_bad_input_with_one_line(text, says):
    with pytest.raises(ConfigError, match=says):
        parse_years(text)


def test_slugify_and_log_paths():
    assert slugify("Barking and Dagenham") == "barking-and-dagenham"
    j = Job("c.yml", 2024, "/out/barking-and-dagenham/2024-25", area="Barking and Dagenham")
    assert j.log_path.as_posix() == "/out/logs/barking-and-dagenham-2024-25.log"
    assert Job("c.yml", 2023, "/out/2023-24").log_path.as_posix() == "/out/logs/2023-24.log"


def test_cli_bad_years_and_jobs_are_one_line_errors(tmp_path):
    p = run_cli("batch", "--config", str(DEMO_CONFIG), "--years", "20x4", "--out", str(tmp_path / "b"))
    assert p.returncode == 2 and p.stderr.strip().count("\n") == 0 and "--years" in p.stderr
    assert "Traceback" not in p.stderr
    p = run_cli("batch", "--config", str(DEMO_CONFIG), "--years", "2024", "--jobs", "0", "--out", str(tmp_path / "b"))
    assert p.returncode == 2 and "--jobs" in p.stderr and "Traceback" not in p.stderr


# -- the index page ----------------------------------------------------------------------------
def test_index_links_each_report_with_its_headline_figures_and_marks_failures(tmp_path):
    cfg = load_config(DEMO_CONFIG)
    ok = JobResult(Job(str(DEMO_CONFIG), 2024, str(tmp_path / "2024-25")), True, 12.0, summary={
        "period": {"label": "2024/25"}, "crime": {"total": 20960, "change_pct": 0.07},
        "hotspots": {"hot_spots_95": 14}, "offenders": {"top_share": {"1": {"all": 0.04}}},
        "victims": {"repeat_rate": 0.266}})
    bad = JobResult(Job(str(DEMO_CONFIG), 2030, str(tmp_path / "2030-31")), False, 0.4,
                    error="no crimes in 2030/31 in crimes.csv <check>")
    page = write_index(tmp_path, [ok, bad], cfg).read_text(encoding="utf-8")
    assert 'href="2024-25/strategic-assessment-2024-25.html"' in page
    assert 'href="2024-25/strategic-assessment-2024-25.pdf"' in page
    assert 'href="logs/2024-25.log"' in page and 'href="logs/2030-31.log"' in page
    for figure in ("2024/25", "20,960", "+7.0%", ">14<", "4.0%", "26.6%"):
        assert figure in page, figure
    assert "2 run(s), 1 failed" in page
    assert html.escape("<check>") in page and "<check>" not in page      # errors are escaped
    assert not re.search(r"<(script|link)\b", page)                       # self-contained


def test_index_escapes_every_text_from_the_inputs_and_the_errors(tmp_path):
    # area names, labels and figures come from the config and the inputs, error lines from the inputs
    cfg = load_config(DEMO_CONFIG)
    area = '<b>Tottenham & "Hale"</b>'
    ok = JobResult(Job(str(DEMO_CONFIG), 2024, str(tmp_path / "tottenham-hale" / "2024-25"), area=area), True, 1.0,
                   summary={"period": {"label": "<i>2024/25</i>"}, "hotspots": {"hot_spots_95": "<script>x</script>"}})
    bad = JobResult(Job(str(DEMO_CONFIG), 2030, str(tmp_path / "tottenham-hale" / "2030-31"), area=area), False, 0.1,
                    error="asb.csv: line one\nline two <img src=x onerror=alert(1)>\x1b[2J")
    page = write_index(tmp_path, [ok, bad], cfg).read_text(encoding="utf-8")
    for raw in ("<b>", "<i>", "<script", "<img", "\x1b", "line one\n"):
        assert raw not in page, raw
    assert html.escape(area) in page and "&lt;i&gt;2024/25&lt;/i&gt;" in page
    assert "asb.csv: line one line two &lt;img src=x onerror=alert(1)&gt;[2J" in page
    assert 'href="tottenham-hale/2024-25/strategic-assessment-2024-25.html"' in page
    assert f'href="logs/{slugify(area)}-2030-31.log"' in page and slugify(area) == "b-tottenham-hale-b"


# -- the runner with any executor --------------------------------------------------------------
def _fake_job(job):   # module level: picklable for a process pool
    if job.year == 2030:
        return JobResult(job, False, 0.0, error="no crimes in 2030/31")
    return JobResult(job, True, 0.1, summary={"period": {"label": f"{job.year}/{(job.year + 1) % 100:02d}"},
                                              "crime": {"total": job.year}})


def test_run_batch_takes_any_executor_and_keeps_year_order(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "run_job", _fake_job)
    lines = []
    with ThreadPoolExecutor(max_workers=3) as ex:
        res = run_batch(DEMO_CONFIG, [2030, 2022, 2023], out_root=tmp_path, executor=ex, progress=lines.append)
    assert [r.job.year for r in res] == [2030, 2022, 2023]
    assert [r.ok for r in res] == [False, True, True]
    assert any("2030: FAILED: no crimes" in ln for ln in lines)
    assert lines[-1].startswith("2 of 3 runs succeeded")
    assert "2,022" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_run_batch_one_job_per_area_and_year(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "run_job", _fake_job)
    res = run_batch(DEMO_CONFIG, [2023, 2024], areas=["Haringey", "Barking and Dagenham"], out_root=tmp_path,
                    executor=ThreadPoolExecutor(2), progress=lambda _: None)
    assert [(r.job.area, r.job.year) for r in res] == [("Haringey", 2023), ("Haringey", 2024),
                                                       ("Barking and Dagenham", 2023), ("Barking and Dagenham", 2024)]
    assert res[3].job.out_dir == str(tmp_path / "barking-and-dagenham" / "2024-25")


def test_cli_failing_years_are_reported_and_counted_in_the_exit_status(tmp_path):
    out = tmp_path / "batch"
    p = run_cli("batch", "--config", str(DEMO_CONFIG), "--years", "2030-2031", "--jobs", "2", "--out", str(out))
    assert p.returncode == 2, p.stderr
    assert "2030: FAILED: no crimes in 2030/31" in p.stdout and "2031: FAILED" in p.stdout
    assert "0 of 2 runs succeeded" in p.stdout
    log = (out / "logs" / "2030-31.log").read_text(encoding="utf-8")
    assert "error: no crimes in 2030/31" in log
    assert "2 run(s), 2 failed" in (out / "index.html").read_text(encoding="utf-8")


# -- real runs: two demo years with two processes, one failing year ----------------------------
@pytest.mark.slow
def test_two_demo_years_in_two_processes_and_a_failing_year(tmp_path):
    out = tmp_path / "batch"
    with ProcessPoolExecutor(max_workers=2) as ex:
        res = run_batch(DEMO_CONFIG, [2023, 2024, 2030], out_root=out, executor=ex, progress=lambda _: None)
    by_year = {r.job.year: r for r in res}
    assert by_year[2030].ok is False and "no crimes in 2030/31" in by_year[2030].error
    for year, label in ((2023, "2023-24"), (2024, "2024-25")):
        r = by_year[year]
        assert r.ok, r.error
        folder = out / label
        for name in (f"strategic-assessment-{label}.html", f"strategic-assessment-{label}.pdf", "summary.json",
                     "run.log", "tables/lsoa_hotspots.csv"):
            assert (folder / name).is_file(), name
        s = json.loads((folder / "summary.json").read_text())
        assert s["period"]["label"] == f"{year}/{(year + 1) % 100:02d}" and s == r.summary
        assert (out / "logs" / f"{label}.log").read_text().rstrip().endswith("ok")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "3 run(s), 1 failed" in page
    for year, label in ((2023, "2023-24"), (2024, "2024-25")):
        total = by_year[year].summary["crime"]["total"]
        assert f'href="{label}/strategic-assessment-{label}.html"' in page
        assert f"{total:,}" in page
    # the two years differ, and each year's figures are its own
    assert by_year[2023].summary["crime"]["total"] == by_year[2024].summary["crime"]["previous_total"]
