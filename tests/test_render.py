"""The run and the rendering (§8): execution order, one-line errors, self-contained HTML, A4 PDF,
deterministic summary.json, and atomic output.

The kernel-using tests run the tiny fixture chapters in ``tests/fixtures/notebooks`` on a
hand-made dataset (no loaders): three runs in all (one good run shared by several tests, one
failing run, one repeat run for reproducibility).
"""
from __future__ import annotations

import base64
import hashlib
import json
import pickle
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from assessment.accounting import Accounting
from assessment.config import load_config
from assessment.dataset import CRIME_COLUMNS, Dataset, conform
from assessment.errors import AssessmentError, ConfigError
from assessment.periods import financial_year
from assessment.render import (
    _recover_interrupted,
    chapter_html,
    chapter_notebooks,
    execution_error_line,
    execution_order,
    pickle_dataset,
    replace_dir,
    run_assessment,
)
from assessment.workbook import figure_html, table_html

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
A4 = (595.28, 841.89)  # points


# -- a hand-made dataset: 10 crimes in 2024/25, 6 in 2023/24 --------------------------------------
def _area(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "crimes.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\nC-9999,2024-05-01,Robbery,E01000001\n")
    (folder / "assessment.yml").write_text("area: {name: Testham}\nsynthetic: true\ninputs: {crimes: crimes.csv}\n")
    cfg = load_config(folder / "assessment.yml")
    rows = []
    for month, types in (("2024-05-01", ["Violence"] * 5 + ["Burglary"] * 3 + ["Robbery"] * 2),
                         ("2023-06-01", ["Violence"] * 4 + ["Burglary"] * 2)):
        for t in types:
            rows.append({"crime_id": f"C-{len(rows):04d}", "month": pd.Timestamp(month), "crime_type": t,
                         "lsoa_code": "E01000001"})
    acc = Accounting()
    acc.read("crimes", 17)
    acc.use("crimes", 16)
    acc.exclude("crimes", "outside the period", 1)
    ds = Dataset(config=cfg, period=financial_year(2024), crimes=conform(pd.DataFrame(rows), CRIME_COLUMNS),
                 accounting=acc, source="Source: fixture data (synthetic)")
    return cfg, ds


def _run(cfg, ds, out, **kw):
    return run_assessment(cfg, out_dir=out, dataset=ds, notebooks_dir=FIXTURES, log=lambda *a: None, **kw)


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def area(tmp_path_factory):
    return _area(tmp_path_factory.mktemp("testham"))


@pytest.fixture(scope="module")
def report(area):
    cfg, ds = area
    return _run(cfg, ds, cfg.root / "reports" / "2024-25")


# -- no kernel ---------------------------------------------------------------------------------------
def test_report_order_is_by_name_but_the_summary_runs_last(tmp_path):
    for n in ("90_appendix.ipynb", "00_summary.ipynb", "02_hotspots.ipynb", "01_crime.ipynb", "notes.ipynb"):
        (tmp_path / n).write_text("{}")
    report_order = chapter_notebooks(tmp_path)
    assert [p.name for p in report_order] == ["00_summary.ipynb", "01_crime.ipynb", "02_hotspots.ipynb",
                                              "90_appendix.ipynb"]
    assert [p.name for p in execution_order(report_order)] == ["01_crime.ipynb", "02_hotspots.ipynb",
                                                                "90_appendix.ipynb", "00_summary.ipynb"]
    assert [p.name for p in chapter_notebooks(tmp_path, ["02_hotspots.ipynb"])] == ["02_hotspots.ipynb"]
    with pytest.raises(ConfigError, match="notebook not found"):
        chapter_notebooks(tmp_path, ["07_missing.ipynb"])


def test_error_line_counts_cells_as_the_source_notebook_shows_them(tmp_path):
    from papermill.exceptions import PapermillExecutionError
    # executed notebook as papermill writes it: error banner, md, parameters, INJECTED, code, md,
    # anchor, failing code.  Failing cell index in the parameterised notebook (no markers) = 5;
    # in the source notebook (no injected cell) it is the 5th cell -> "cell 5".
    nb = new_notebook()
    banner = new_markdown_cell("error")
    banner.metadata["tags"] = ["papermill-error-cell-tag"]
    params = new_code_cell("year = None")
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell("year = 2024")
    injected.metadata["tags"] = ["injected-parameters"]
    anchor = new_markdown_cell("here")
    anchor.metadata["tags"] = ["papermill-error-cell-tag"]
    nb.cells = [banner, new_markdown_cell("# 3."), params, injected, new_code_cell("x = 1"),
                new_markdown_cell("##"), anchor, new_code_cell("results['gi_z']")]
    path = tmp_path / "03_broken.ipynb"
    nbformat.write(nb, path)
    err = PapermillExecutionError(5, 4, "results['gi_z']", "KeyError", "'gi_z'", [])
    assert execution_error_line("03_broken.ipynb", err, path) == "notebook 03_broken.ipynb, cell 5: KeyError: 'gi_z'"
    other = execution_error_line("01_x.ipynb", RuntimeError("Kernel died\nmore detail"))
    assert other == "notebook 01_x.ipynb: RuntimeError: Kernel died"


def _chapter_notebook():
    nb = new_notebook()
    tbl = table_html(pd.DataFrame({"Ward": ["North", "South"], "Crimes": [1200, 34]}), "North has most crime",
                     "Source: test")
    png = bytes.fromhex("89504e470d0a1a0a")  # a PNG signature is enough for embedding
    fig = figure_html(png, "A rising trend", "Source: test", alt="trend")
    code = new_code_cell("run.table(...)")
    code.outputs = [new_output("stream", name="stdout", text="PRINTED-NOISE"),
                    new_output("stream", name="stderr", text="WARNED-NOISE"),
                    new_output("display_data", data={"text/html": tbl, "text/plain": "table"}),
                    new_output("display_data", data={"text/html": fig, "text/plain": "figure"}),
                    new_output("execute_result", data={"text/plain": "VIC-0001 bare result"}, execution_count=3)]
    hidden = new_markdown_cell("HIDDEN-CELL")
    hidden.metadata["tags"] = ["remove-cell"]
    nb.cells = [new_markdown_cell("# 2. Hotspots\n\nText.\n\n## Method\n\n![map](map.png) ![remote](https://example.org/x.png)"),
                code, hidden, new_markdown_cell("## Method\n\nAgain.")]
    return nb


def test_chapter_html_keeps_what_readers_should_see_only(tmp_path):
    (tmp_path / "map.png").write_bytes(bytes.fromhex("89504e470d0a1a0a"))
    warnings = []
    used = set()
    body, heads = chapter_html(_chapter_notebook(), "ch-02", tmp_path, used, warn=warnings.append)
    for noise in ("PRINTED-NOISE", "WARNED-NOISE", "VIC-0001", "HIDDEN-CELL", "run.table", "anchor-link", "¶"):
        assert noise not in body, noise
    assert "North has most crime" in body and "A rising trend" in body
    # headings: H1 and both H2s, with distinct ids
    assert [(h["level"], h["text"]) for h in heads] == [(1, "2. Hotspots"), (2, "Method"), (2, "Method")]
    ids = [h["id"] for h in heads]
    assert len(set(ids)) == 3 and all(f'id="{i}"' in body for i in ids)
    # the local image is embedded, the remote one replaced by its alt text (and reported)
    srcs = re.findall(r'<img[^>]+src="([^"]+)"', body)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs) and len(srcs) == 2
    assert "example.org" not in body and "[image not available offline: remote]" in body
    assert warnings and "example.org" in warnings[0]
    # the numeric column's header is right-aligned like its cells
    assert re.search(r'<th class="num" scope="col">Crimes</th>|<th scope="col" class="num">Crimes</th>', body)


def test_a_chapter_with_inline_images_only_is_parsed_once_and_an_image_without_alt_gets_nbconvert_s(tmp_path,
                                                                                                      monkeypatch):
    from assessment import render
    png = base64.b64encode(bytes.fromhex("89504e470d0a1a0a")).decode()
    nb = new_notebook()
    code = new_code_cell("plt.show()")
    code.outputs = [new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
                    new_output("display_data", data={"text/html": figure_html(bytes.fromhex("89504e470d0a1a0a"),
                                                                              "A rising trend", "Source: test",
                                                                              alt="trend")})]
    nb.cells = [new_markdown_cell("# 1. Crime\n\nText."), code]
    parses = []
    real = render._embed_images
    monkeypatch.setattr(render, "_embed_images", lambda *a: parses.append(1) or real(*a))
    body, heads = chapter_html(nb, "ch-01", tmp_path, set())
    assert parses == []                                   # every image inline: no pass over them
    alts = re.findall(r'<img[^>]+alt="([^"]*)"', body)
    assert sorted(alts) == sorted(["trend", render._NO_ALT]), alts
    assert "anchor-link" not in body and heads == [{"level": 1, "id": "ch-01-1-crime", "text": "1. Crime"}]


def test_dataset_pickle_round_trip_keeps_accounting_usable(tmp_path):
    _, ds = _area(tmp_path / "a")
    path = pickle_dataset(ds, tmp_path / "ds.pickle")
    back = pickle.loads(path.read_bytes())
    assert back.accounting.to_summary() == {"crimes": {"read": 17, "used": 16, "excluded": {"outside the period": 1}}}
    back.accounting.exclude("crimes", "a new reason", 2)  # still a defaultdict underneath
    assert back.accounting.excluded("crimes") == 3
    assert isinstance(back.accounting.exclusions, defaultdict)
    pd.testing.assert_frame_equal(back.crimes, ds.crimes)


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_replace_dir_and_recovery_after_a_killed_run(tmp_path):
    out = tmp_path / "2024-25"
    out.mkdir()
    (out / "run.log").write_text("old")
    new = tmp_path / "new"
    new.mkdir()
    (new / "run.log").write_text("new")
    replace_dir(new, out)
    assert (out / "run.log").read_text() == "new" and not new.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["2024-25"]
    # a run killed between the two renames: out missing, the old output aside under a dead pid
    pid = _dead_pid()
    os_old = tmp_path / f"2024-25.old-{pid}"
    out.rename(os_old)
    (tmp_path / f"2024-25.tmp-{pid}").mkdir()
    _recover_interrupted(out, log=lambda *a: None)
    assert (out / "run.log").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-25"]


def test_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path):
    cfg, ds = _area(tmp_path / "a")
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "budget.xlsx").write_text("keep me")
    with pytest.raises(ConfigError, match="not a previous report"):
        _run(cfg, ds, precious)
    assert (precious / "budget.xlsx").read_text() == "keep me"


# -- a whole run of the fixture chapters -----------------------------------------------------------
def test_run_writes_the_output_contract(report):
    names = sorted(p.name for p in report.iterdir())
    assert names == [".csp-assessment-report", "notebooks", "run.log", "strategic-assessment-2024-25.html",
                     "strategic-assessment-2024-25.pdf", "summary.json", "tables"]
    assert sorted(p.name for p in (report / "notebooks").iterdir()) == ["00_summary.ipynb", "01_alpha.ipynb",
                                                                       "02_beta.ipynb"]
    # the CSVs and their data dictionary (issue 14)
    assert sorted(p.name for p in (report / "tables").iterdir()) == ["README.md", "alpha_counts.csv", "beta_long.csv"]
    assert pd.read_csv(report / "tables/alpha_counts.csv").values.tolist() == [["Violence", 5], ["Burglary", 3],
                                                                                ["Robbery", 2]]
    # nothing left beside it: no temporary or failed folder
    assert sorted(p.name for p in report.parent.iterdir()) == ["2024-25"]


def test_summary_json_merges_chapter_headlines_with_the_run(report):
    s = json.loads((report / "summary.json").read_text())
    assert s["crime"] == {"total": 10, "previous_total": 6, "change_pct": pytest.approx(10 / 6 - 1)}
    assert s["period"] == {"label": "2024/25", "start": "2024-04-01", "end": "2025-03-31", "kind": "financial"}
    assert s["area"] == {"name": "Testham"}
    assert s["records"] == {"crimes": {"read": 17, "used": 16, "excluded": {"outside the period": 1}}}
    assert s["summary"] == {"chapters_seen": 1}  # 00_summary ran after 01_alpha and read its headline
    assert s["victims"]["repeat_rate"] is None  # required key no chapter computed: null, not absent
    text = (report / "summary.json").read_text()
    assert text == json.dumps(s, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_html_is_self_contained_and_readable(report):
    html = (report / "strategic-assessment-2024-25.html").read_text()
    low = html.lower()
    # one script only: the report's own (sortable tables), inline, allowed by the policy by its hash
    from assessment.render import report_script
    from assessment.safe_html import csp
    assert low.count("<script") == 1 and f"<script>{report_script()}</script>" in html
    assert f'content="{csp([report_script()])}"' in html.replace("&#39;", "'").replace("&#x27;", "'")
    assert not re.search(r"<link\b", low)
    assert "@import" not in low
    # the one font source: the shipped typeface, inlined (issue 14: every machine renders the same)
    faces = re.findall(r"@font-face\s*{[^}]*}", low)
    assert faces and all(re.search(r"src: url\(data:font/ttf;base64,[a-z0-9+/=]+\)", f) for f in faces)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", low)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", low)
    srcs = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert len(srcs) == 1 and srcs[0].startswith("data:image/png;base64,")
    # title block, synthetic banner, period dates, no run date
    assert "Testham" in html and "Strategic assessment <span class=\"label\">2024/25</span>" in html
    assert "1 April 2024 to 31 March 2025" in html and "SYNTHETIC DATA" in html
    assert date.today().isoformat() not in html and date.today().strftime("%-d %B %Y") not in html
    # report order by file name (summary first); contents links resolve to headings
    assert html.index(">Summary</h1>") < html.index(">1. Alpha chapter</h1>") < html.index(">2. Beta chapter</h1>")
    targets = re.findall(r'<li class="toc-\d"><a href="#([^"]+)">', html)
    assert len(targets) == 7 and len(set(targets)) == 7
    assert all(f'id="{t}"' in html for t in targets)
    # code, printed output, warnings and bare cell results stay out of the report
    for noise in ("PRINTED-NOISE", "WARNED-NOISE", "C-0001", "workbook.open_run", "In&nbsp;["):
        assert noise not in html, noise


def test_pdf_is_a4_with_contents_page_numbers_and_repeated_table_headers(report):
    from pypdf import PdfReader
    reader = PdfReader(report / "strategic-assessment-2024-25.pdf")
    n = len(reader.pages)
    assert n >= 6  # title, contents, summary, chapter 1, chapter 2 (its 90-row table spans pages)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
    texts = [page.extract_text() for page in reader.pages]
    title = " ".join(texts[0].split())  # the title's large type wraps onto two lines
    assert "SYNTHETIC DATA" in title and "Strategic assessment 2024/25" in title
    assert "Page" not in texts[0]  # no header or footer on the title page
    for i in range(1, n):
        assert f"Page {i + 1} of {n}" in texts[i]
        assert "Testham" in texts[i] and "SYNTHETIC DATA" in texts[i]
    # contents: each chapter with the page it starts on
    start = {t: min(i + 1 for i, page in enumerate(texts) if t in page and i > 1)
             for t in ("1. Alpha chapter", "2. Beta chapter")}
    for title, page_no in start.items():
        assert re.search(re.escape(title) + r"[ .]*" + str(page_no), texts[1]), (title, page_no, texts[1])
    # the long table's header row is repeated on each page it spans
    assert sum("Rate per 1,000" in t for t in texts) >= 2
    assert not any("PRINTED-NOISE" in t or "WARNED-NOISE" in t for t in texts)


def test_run_log_has_versions_inputs_and_timings(report, area):
    cfg, _ = area
    log = (report / "run.log").read_text()
    for pkg in ("python", "pandas", "geopandas", "esda", "papermill", "weasyprint"):
        assert re.search(rf"^  {pkg}\s+\d", log, re.M), pkg
    sha = hashlib.sha256((cfg.root / "crimes.csv").read_bytes()).hexdigest()
    assert "crimes.csv  rows=1  bytes=" in log and sha in log
    assert "01_alpha.ipynb" in log and "PDF" in log and "total before the move" in log
    assert "area: {name: Testham}" in log  # the config text
    assert "crimes       read=17 used=16 excluded: outside the period: 1" in log


def test_executed_notebooks_point_at_the_final_folder_and_carry_no_timestamps(report):
    for p in (report / "notebooks").iterdir():
        text = p.read_text()
        assert ".tmp-" not in text and "start_time" not in text and "iopub" not in text
        nb = nbformat.read(p, as_version=4)
        # relative to the config file's folder: no published file names a local folder (issue 14)
        assert nb.metadata["papermill"]["parameters"]["out_dir"] == "reports/2024-25"
        assert nb.metadata["papermill"]["parameters"]["config"] == "assessment.yml"
        assert str(report) not in text and str(report.parents[1]) not in text
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1))


def test_a_notebook_already_read_is_tidied_exactly_as_the_file_is_and_is_left_unchanged(tmp_path):
    from assessment.render import _count_stderr, tidy_executed_notebook
    v4 = nbformat.v4
    nb = v4.new_notebook(metadata={"papermill": {"start_time": "t0", "duration": 1.5, "parameters": {}}})
    cell = v4.new_code_cell("x", execution_count=7, metadata={"execution": {"iopub.status.busy": "t"}})
    cell.outputs = [v4.new_output("stream", name="stderr", text="warn\n"),
                    v4.new_output("stream", name="stdout", text=f"{tmp_path}/staging/tables\n"),
                    v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=7)]
    nb.cells = [v4.new_markdown_cell("# A"), cell, v4.new_code_cell("y", execution_count=9, outputs=[
        v4.new_output("stream", name="stderr", text="again\n")])]
    assert _count_stderr(nb) == 2
    for name in ("read.ipynb", "given.ipynb"):
        nbformat.write(nb, tmp_path / name)
    given = nbformat.read(tmp_path / "given.ipynb", as_version=4)
    before = nbformat.writes(given)
    tidy_executed_notebook(tmp_path / "read.ipynb", tmp_path / "staging", Path("reports/2024-25"))
    tidy_executed_notebook(tmp_path / "given.ipynb", tmp_path / "staging", Path("reports/2024-25"), nb=given)
    assert (tmp_path / "given.ipynb").read_bytes() == (tmp_path / "read.ipynb").read_bytes()
    assert nbformat.writes(given) == before                      # the notebook given is not changed
    tidied = nbformat.read(tmp_path / "given.ipynb", as_version=4)
    assert [c.execution_count for c in tidied.cells if c.cell_type == "code"] == [1, 2]
    assert "start_time" not in tidied.metadata["papermill"] and "reports/2024-25/tables" in tidied.cells[1].outputs[1].text


def test_a_failing_chapter_leaves_the_previous_output_and_names_notebook_and_cell(report, area):
    cfg, ds = area
    before = _snapshot(report)
    with pytest.raises(AssessmentError) as exc:
        _run(cfg, ds, report, notebooks=[FIXTURES / "broken" / "03_broken.ipynb"])
    msg = str(exc.value)
    assert msg.startswith("notebook 03_broken.ipynb, cell 5: KeyError: 'gi_z'"), msg
    assert "\n" not in msg
    assert _snapshot(report) == before
    failed = report.with_name("2024-25.failed")
    assert str(failed / "notebooks") in msg
    assert (failed / "notebooks" / "03_broken.ipynb").exists()
    assert not list(failed.rglob("*.pickle"))  # the dataset (identifiers) never stays behind
    assert sorted(p.name for p in report.parent.iterdir()) == ["2024-25", "2024-25.failed"]


def test_two_runs_give_identical_summary_tables_and_html(report, area):
    cfg, ds = area
    again = _run(cfg, ds, cfg.root / "reports" / "again")
    for rel in ("summary.json", "tables/alpha_counts.csv", "tables/beta_long.csv",
                "strategic-assessment-2024-25.html"):
        assert (again / rel).read_bytes() == (report / rel).read_bytes(), rel


def test_the_html_exporter_is_kept_per_thread_and_gives_the_same_html_again():
    """One nbconvert exporter a thread, kept between documents and runs (its templates compile once)."""
    import threading

    import nbformat

    from assessment.render import _exporter, chapter_html

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Crime in the area\n\nText & more.")])
    first = _exporter()
    assert _exporter() is first
    other = []
    t = threading.Thread(target=lambda: other.append(_exporter()))
    t.start()
    t.join()
    assert other[0] is not first
    made = [chapter_html(nb, "c1", Path("."), set(), exporter=e) for e in (first, first, other[0])]
    assert made[0] == made[1] == made[2]
    html, headings = made[0]
    assert "Text &amp; more." in html and [h["text"] for h in headings] == ["Crime in the area"]


def test_run_log_names_the_machine_s_folders_by_role_not_by_path(area, tmp_path):
    """The kernel process's own messages (here a traceback-like line it writes to its real stderr, as
    ipykernel's heartbeat thread does when its port is taken) reach run.log with the Python environment,
    the project and the output folder named, not spelt out."""
    import shutil

    import nbformat
    cfg, ds = area
    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, notebooks, ignore=shutil.ignore_patterns("broken"))
    nb = nbformat.read(notebooks / "02_beta.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys, os\n"
        "print(f'  File \"{sys.prefix}/lib/heartbeat.py\", line 79; cwd {os.getcwd()}; out {run.out_dir}',"
        " file=sys.__stderr__, flush=True)"))
    nbformat.write(nb, notebooks / "02_beta.ipynb")
    out = cfg.root / "reports" / "kernel-messages"
    run_assessment(cfg, out_dir=out, dataset=ds, notebooks_dir=notebooks, log=lambda *a: None, kernels=1)
    log = (out / "run.log").read_text(encoding="utf-8")
    line = next(ln for ln in log.splitlines() if "heartbeat.py" in ln)
    assert line.strip().startswith('File "<python environment>/lib/heartbeat.py", line 79; cwd ')
    for path in (sys.prefix, str(out), str(out.parent), str(cfg.root), str(notebooks)):
        assert path not in log, path
