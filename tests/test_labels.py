"""Issue 14: human labels in every report table, the data dictionary ``tables/README.md``, CSVs as
UTF-8 with a byte-order mark, category names in sentence case, years named, and no absolute path
in any output.

The fast tests publish through :class:`assessment.workbook.Run` with a stand-in dataset; the slow
ones read the session's demo run (``demo_run`` in conftest.py: the whole report, HTML and PDF).
"""
from __future__ import annotations

import codecs
import csv
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

from assessment import provenance, workbook
from assessment.words import crime_in_the_area as ch1_words
from assessment.words import labels

SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
#: a header a reader would take for a code name: lower-case letters, digits and underscores only
MACHINE = re.compile(r"^[a-z][a-z0-9_]*$")


def _run(tmp_path, monkeypatch) -> tuple[workbook.Run, list]:
    shown: list[str] = []
    monkeypatch.setattr(workbook, "_display", shown.append)
    ds = type("DS", (), {"config": None, "source": "Source: test", "victims": None, "offenders": None,
                         "asb": None})()
    return workbook.Run(dataset=ds, out_dir=tmp_path, chapter="t"), shown


def _headers(fragment: str) -> list[str]:
    return [th.get_text(strip=True) for th in BeautifulSoup(fragment, "html.parser").find_all("th")]


# -- fast: one table through Run.table ------------------------------------------------------------
def test_a_table_shows_labels_and_sentence_case_while_its_csv_keeps_names_and_values(tmp_path, monkeypatch):
    run, shown = _run(tmp_path, monkeypatch)
    t = pd.DataFrame({"crime_type": ["THEFT OR UNAUTH TAKING OF A MOTOR VEH", "Hot spot – 99% confidence"],
                      "top_1pct_share": [0.25, 0.5], "generalised_gini": [0.3, 0.4], "rate_per_1000": [1.5, 2.0]})
    run.table(t, "concentration", title="T", formats={"top_1pct_share": "{:.0%}"})
    heads = _headers(shown[0])
    assert heads == ["Crime type", "Share in the top 1% of LSOAs", "Generalised Gini", "Rate per 1,000 residents"]
    cells = [td.get_text() for td in BeautifulSoup(shown[0], "html.parser").find_all("td")]
    assert cells[:2] == ["Theft or unauth taking of a motor veh", "25%"]   # sentence case; the format by name
    raw = (tmp_path / "tables" / "concentration.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    back = pd.read_csv(tmp_path / "tables" / "concentration.csv")
    assert list(back.columns) == list(t.columns)                           # machine names, no BOM in the first
    assert back["crime_type"].tolist() == t["crime_type"].tolist()         # raw capitals, the en dash intact
    assert raw.decode("utf-8-sig").splitlines()[2].startswith("Hot spot – 99% confidence")


def test_labels_for_one_table_name_a_year_and_format_by_the_label(tmp_path, monkeypatch):
    run, shown = _run(tmp_path, monkeypatch)
    t = pd.DataFrame({"Baseline year": [100], "% change vs baseline": [0.25]},
                     index=pd.Index(["Burglary"], name="crime_group"))
    run.table(t, None, title="T", index=True, labels=labels.year_labels("2020/21"),
              formats={"% change vs baseline": "{:+.0%}"})
    assert _headers(shown[0]) == ["Crime group", "Baseline (2020/21)", "% change vs 2020/21"]
    assert "+25%" in shown[0]
    assert not (tmp_path / "tables").exists()                              # a view only: no CSV


def test_every_label_in_the_dictionary_is_human():
    for name, col in labels.COLUMNS.items():
        assert not MACHINE.match(col.label), name
        assert col.meaning and not col.meaning[0].islower(), name
    for table, t in labels.TABLES.items():
        assert t.row and t.about.endswith("."), table
        for name, col in t.columns.items():
            assert not MACHINE.match(col.label), (table, name)
    for name in ("top_5pct_lsoas", "within_30", "locations_2", "state 2024/25", "z 2024/25", "Cells shown as <10"):
        assert labels.column(name) is not None, name


def test_an_undocumented_machine_name_is_still_shown_as_words():
    assert labels.label("brand_new_count") == "Brand new count"
    assert labels.column("brand_new_count") is None


def test_the_data_dictionary_documents_every_column_of_the_csvs_in_a_folder(tmp_path):
    pd.DataFrame({"lsoa_code": ["E01"], "gi_p_fdr": [0.01], "mystery_col": [1]}).to_csv(
        tmp_path / "lsoa_hotspots.csv", index=False, encoding="utf-8-sig")
    text = labels.data_dictionary(tmp_path, labels.dictionary_intro("2024/25", "2020/21", 2022))
    assert "## lsoa_hotspots.csv" in text and "One row per LSOA of the area." in text
    assert "| `gi_p_fdr` | The Gi* p-value adjusted for testing every LSOA at once" in text
    assert "| `mystery_col` | (not documented) | |" in text
    assert "* Baseline year: 2020/21." in text and "ONS mid-2022 population estimates" in text


def test_category_names_in_sentence_case_but_abbreviations_kept():
    from assessment.words.common import pretty_category
    assert pretty_category("RES BURGLARY OF A HOME") == "Res burglary of a home"
    assert pretty_category("ASB") == "ASB" and pretty_category("Vehicle crime") == "Vehicle crime"


def test_chapter_one_names_the_population_year_and_the_span_of_its_trend():
    assert ch1_words.population_phrase(262_413, "Haringey", 2022) == "262,413 residents in Haringey, ONS mid-2022 estimate"
    months = pd.Series(1, index=pd.date_range("2024-02-01", "2025-03-01", freq="MS"))
    assert ch1_words.trend_heading(months) == "Trend over 14 months (February 2024 to March 2025)"
    five = pd.Series(1, index=pd.date_range("2020-04-01", "2025-03-01", freq="MS"))
    assert ch1_words.trend_heading(five) == "Five-year trend"
    # a table whose comparisons the data cannot make shows the current 12 months only
    t = pd.DataFrame({"previous": [pd.NA], "current": [7], "change": [pd.NA], "change_pct": [float("nan")],
                      "baseline": [pd.NA], "change_vs_baseline_pct": [float("nan")], "rate_per_1000": [1.0]},
                     index=pd.Index(["BURGLARY"], name="crime_type"))
    assert list(ch1_words.shown_table(t).columns) == ["Current 12 months", "Rate per 1,000 residents"]


def test_display_paths_are_never_absolute():
    root = Path("/srv/csp/examples")
    assert provenance.display_path("/srv/csp/examples/data/x.csv", root) == "data/x.csv"
    assert provenance.display_path("/srv/shared/real/x.csv", root) == "../../shared/real/x.csv"
    assert provenance.display_path("/tmp/out/2024-25", root, climb=False) == "2024-25"
    assert provenance.display_path("/srv/csp/examples/reports/2024-25", root, climb=False) == "reports/2024-25"


def test_the_config_text_quoted_in_outputs_shows_absolute_inputs_relative(tmp_path):
    from assessment.config import load_config
    (tmp_path / "cfg" / "data").mkdir(parents=True)
    crimes = tmp_path / "cfg" / "data" / "crimes.csv"
    crimes.write_text("crime_id,offence_date,crime_type,lsoa_code\n")
    (tmp_path / "cfg" / "assessment.yml").write_text(f"area: {{name: Testham}}\ninputs: {{crimes: {crimes}}}\n")
    cfg = load_config(tmp_path / "cfg" / "assessment.yml")
    text = provenance.config_text(cfg)
    assert "inputs: {crimes: data/crimes.csv}" in text and str(tmp_path) not in text
    assert provenance.inputs_table(cfg)["file"].tolist() == ["data/crimes.csv"]


# -- slow: the demo report ------------------------------------------------------------------------


@pytest.mark.slow
def test_no_table_header_in_the_report_is_a_code_name(demo_run):
    html = (demo_run / "strategic-assessment-2024-25.html").read_text(encoding="utf-8")
    heads = [" ".join(th.get_text(" ", strip=True).split()) for th in BeautifulSoup(html, "html.parser").find_all("th")]
    assert len(heads) > 100
    bad = sorted({h for h in heads if SNAKE.match(h) or MACHINE.match(h)})
    assert bad == [], bad
    # the columns of the issue, by their labels; the baseline named by its year
    for label in ("Crime group", "Share in the top 10 LSOAs", "Generalised Gini", "Baseline (2020/21)", "Pattern"):
        assert label in heads, label
    assert "Baseline year" not in heads


@pytest.mark.slow
def test_every_csv_starts_with_a_bom_and_reads_back(demo_run):
    paths = sorted((demo_run / "tables").glob("*.csv"))
    assert len(paths) >= 20
    for p in paths:
        raw = p.read_bytes()
        assert raw.startswith(codecs.BOM_UTF8), p.name
        assert not raw[3:].startswith(codecs.BOM_UTF8), p.name
        with open(p, newline="", encoding="utf-8-sig") as f:
            header = next(csv.reader(f))
        assert list(pd.read_csv(p, nrows=0).columns) == header, p.name    # pandas drops the mark itself
        assert not header[0].startswith("\ufeff")
        assert labels.csv_columns(p) == header
    hot = (demo_run / "tables" / "lsoa_hotspots.csv").read_bytes().decode("utf-8-sig")
    assert "Hot spot – " in hot                                          # the en dash as UTF-8, once
    # the project's own readers of its CSVs: the data-quality table still reconciles
    q = pd.read_csv(demo_run / "tables" / "data_quality.csv")
    assert {"Input", "Rows read", "Rows used", "Rows excluded"} <= set(q.columns)


@pytest.mark.slow
def test_the_data_dictionary_documents_every_column_of_every_csv(demo_run):
    readme = (demo_run / "tables" / "README.md").read_text(encoding="utf-8")
    for p in sorted((demo_run / "tables").glob("*.csv")):
        assert f"## {p.name}" in readme, p.name
        assert p.stem in labels.TABLES, p.name
        for c in labels.csv_columns(p):
            assert labels.column(c, p.stem) is not None, (p.name, c)
            assert f"| `{c}` |" in readme, (p.name, c)
    assert "(not documented)" not in readme
    assert "* Baseline year: 2020/21." in readme


def _texts(out: Path):
    from pypdf import PdfReader
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix == ".pdf":
            yield p, "\n".join(page.extract_text() or "" for page in PdfReader(p).pages)
        else:
            yield p, p.read_bytes().decode("utf-8", errors="ignore")


@pytest.mark.slow
def test_no_absolute_path_in_any_output(demo_run):
    """The output folder, its temporary parent, the project folder (the config's) and the Python
    environment are named in no file of the report: HTML, PDF text, notebooks, run.log, summary.json,
    tables and their README (the PDF's text compared without white space, which a wrapped line adds)."""
    needles = {str(demo_run), str(demo_run.parent), str(ROOT), sys.prefix}
    needles = {n for n in needles if len(n) > 8}
    seen = set()
    for p, text in _texts(demo_run):
        seen.add(p.suffix)
        flat = re.sub(r"\s+", "", text)
        for n in needles:
            assert n not in text and re.sub(r"\s+", "", n) not in flat, f"{p.relative_to(demo_run)} names {n}"
    assert {".html", ".pdf", ".ipynb", ".log", ".json", ".csv", ".md"} <= seen
    log = (demo_run / "run.log").read_text()
    assert "config:   assessment.yml" in log and "output:   2024-25" in log
    import nbformat
    nb = nbformat.read(demo_run / "notebooks" / "01_crime_in_the_area.ipynb", as_version=4)
    assert nb.metadata["papermill"]["parameters"]["config"] == "assessment.yml"
    assert nb.metadata["papermill"]["parameters"]["out_dir"] == "2024-25"
    assert nb.metadata["papermill"]["input_path"] == "notebooks/01_crime_in_the_area.ipynb"


@pytest.mark.slow
def test_the_report_names_the_years_of_its_figures(demo_run):
    html = (demo_run / "strategic-assessment-2024-25.html").read_text(encoding="utf-8")
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "Five-year trend" in text          # the demo covers five whole years before the period's end
    # the demo's population file has no year, and the report says so rather than leave it unsaid
    assert "the population file does not say which year it estimates" in text
    assert "The partnership's priority crime groups: the current 12 months against the previous 12 months and " \
           "the baseline year, 2020/21." in text


def test_without_a_previous_year_a_table_title_states_the_largest_not_a_comparison():
    from assessment.chapters.crime_in_the_area import compare_periods
    from assessment.periods import financial_year
    crimes = pd.DataFrame({"month": pd.to_datetime(["2024-05-01", "2024-06-01", "2025-01-01"]),
                           "crime_type": ["THEFT FROM THE PERSON", "THEFT FROM THE PERSON", "ARSON"], "count": [4, 3, 2]})
    t = compare_periods(crimes, financial_year(2024))
    assert t["previous"].isna().all()                    # the data begin in the period: no previous 12 months
    assert ch1_words._finding(None, "crime types", t, "2024/25") == \
        "Theft from the person had the most crimes of any crime type in 2024/25 (7)"
