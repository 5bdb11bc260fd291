"""The HTML report partners can use (issue 14, item 6): it reads on a phone, its tables sort and
filter with the report's own small script (allowed by the Content-Security-Policy by its hash,
nothing else runs, nothing is fetched), and the full LSOA table is in it, folded away.

The browser tests drive headless Chromium over the DevTools protocol (tests/headless.py): a
headless window cannot be narrower than 500 px, so ``--window-size=390,…`` does not give a phone;
device-metrics emulation does.
"""
from __future__ import annotations

import base64
import hashlib
import io
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from headless import CHROMIUM, Chromium

from assessment import render, safe_html, workbook
from assessment.periods import make_period

ROOT = Path(__file__).resolve().parents[1]
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _png(width_in: float, height_in: float) -> bytes:
    """A real chart PNG, saved as Run.figure saves it (150 dpi), with 6.5 pt text on it."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(width_in, height_in))
    fig.text(0.02, 0.5, "Smallest label 6.5 pt", fontsize=6.5)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=workbook.FIGURE_DPI)
    plt.close(fig)
    return buf.getvalue()


# the sort column: what a reader expects, worked out by hand
SORT_CELLS = ["1,234", "<5", "[c]", "12", "\u2013", "5", "\u22123", "0", "12.5%", "+3.1%", "250"]
SORT_DESCENDING = ["1,234", "250", "12.5%", "12", "5", "<5", "+3.1%", "0", "\u22123", "[c]", "\u2013"]
SORT_ASCENDING = ["\u22123", "0", "+3.1%", "<5", "5", "12", "12.5%", "250", "1,234", "[c]", "\u2013"]
WARDS = ["Ward 10", "ward 1", "Ward 2", "Alder", "Bruce Grove", "Ward 3", "Zeta", "Ward 11", "Ward 20", "Ward 9", "Crouch End"]
WARDS_ASCENDING = ["Alder", "Bruce Grove", "Crouch End", "ward 1", "Ward 2", "Ward 3", "Ward 9", "Ward 10", "Ward 11",
                   "Ward 20", "Zeta"]


def _chapter(tmp_path, monkeypatch) -> nbformat.NotebookNode:
    """A chapter published through Run as the notebooks publish: a small and a long table, a wide
    table, a chart, a folded-away full table, and hostile markup the sanitiser must strip."""
    captured: list[str] = []
    monkeypatch.setattr(workbook, "_display", captured.append)
    ds = type("DS", (), {"config": None, "source": "Source: test data", "victims": None, "offenders": None,
                         "asb": None})()
    run = workbook.Run(dataset=ds, out_dir=tmp_path, chapter="t")
    run.table(pd.DataFrame({"Ward": WARDS, "Value": SORT_CELLS}), None, title="Eleven rows to sort")
    run.table(pd.DataFrame({"Group": ["A", "B"], "Crimes": [2, 1]}), None, title="Two rows")
    wide = pd.DataFrame({f"A long column heading {i}": [f"value-{i}-{j}-with-some-length" for j in range(3)]
                         for i in range(12)})
    run.table(wide, None, title="A table much wider than a phone")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot([2020, 2025], [1, 2])
    ax.set_title("A chart 8 inches wide")
    run.figure(fig, title="An 8-inch chart")
    full = pd.DataFrame({"LSOA": [f"E0100{i:04d}" for i in range(40)], "Crimes": list(range(40, 0, -1))})
    run.table(full, "lsoa_full", title="Crime by LSOA", show="collapsed")
    run.text("A file name with no break in it: `tables/lsoa_hotspots_by_group_with_a_very_long_name_indeed.csv`.")
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# 1. Tables"))
    cell = nbformat.v4.new_code_cell("")
    for h in captured:
        cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/html": h}))
    # a chapter cannot add a script, not even a copy of the report's own (whose hash the policy allows)
    smuggled = (f"<script>{render.report_script()}</script><script>document.title='pwned'</script>"
                "<button onclick=\"document.title='pwned'\">x</button><img src=x onerror=\"document.title='pwned'\">")
    cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/html": smuggled}))
    nb.cells.append(cell)
    return nb


@pytest.fixture
def report_page(tmp_path, monkeypatch) -> Path:
    doc = render.report_html([("01_tables.ipynb", _chapter(tmp_path, monkeypatch))], area="Testham",
                             period=make_period("financial", year=2024), synthetic=False)
    page = tmp_path / "report.html"
    page.write_text(doc, encoding="utf-8")
    return page


# -- the page as written ------------------------------------------------------------------------
def test_the_only_script_is_the_reports_own_and_the_policy_allows_it_by_hash(report_page):
    doc = report_page.read_text(encoding="utf-8")
    soup = BeautifulSoup(doc, "html.parser")
    scripts = soup.find_all("script")
    own = (ROOT / "assessment" / "templates" / "tables.js").read_text(encoding="utf-8").strip()
    assert len(scripts) == 1 and scripts[0].string == own and not scripts[0].attrs
    assert scripts[0].parent.name == "body"
    policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == _sha256(own)          # that script, by hash, and nothing else
    assert "unsafe" not in directives["script-src"] and directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'none'" and directives["img-src"] == "data:"
    # nothing the chapter tried: no handler, no button in the page as written (tables.js adds its own)
    assert not soup.find_all("button") and "pwned" not in doc
    assert not any(a.startswith("on") for t in soup.find_all(True) for a in t.attrs)


def test_the_script_text_is_safe_to_inline():
    js = render.report_script()
    assert "</script" not in js.lower() and "<!--" not in js
    assert js.isascii()  # the hash is of UTF-8 bytes: ASCII leaves no room for an encoding slip
    assert not re.search(r"\b(fetch|XMLHttpRequest|WebSocket|sendBeacon|eval|innerHTML|import)\b", js)
    assert safe_html.csp([js]) == safe_html.CSP.replace("script-src 'none'", "script-src " + _sha256(js))


def test_a_collapsed_table_is_folded_with_a_summary_and_its_csv_is_written(tmp_path, monkeypatch):
    captured: list[str] = []
    monkeypatch.setattr(workbook, "_display", captured.append)
    ds = type("DS", (), {"config": None, "source": "Source: x", "victims": None, "offenders": None, "asb": None})()
    run = workbook.Run(dataset=ds, out_dir=tmp_path, chapter="t")
    df = pd.DataFrame({"LSOA": ["E01000001", "E01000002", "E01000003"], "Crimes": [1500, 20, 3]})
    run.table(df, "lsoa_all", title="<b>Crime</b> by LSOA", show="collapsed")
    assert (tmp_path / "tables" / "lsoa_all.csv").exists()
    soup = BeautifulSoup(captured[0], "html.parser")
    details = soup.find("details")
    assert details["class"] == ["sa-collapsed"] and "open" not in details.attrs
    assert details.summary.get_text() == "<b>Crime</b> by LSOA: the full table, 3 rows"  # escaped, shown as text
    assert [td.get_text() for td in details.find_all("td")] == ["E01000001", "1,500", "E01000002", "20", "E01000003", "3"]
    assert details.find("p", class_="sa-print-only").get_text() == workbook.COLLAPSED_PRINT_NOTE
    captured.clear()
    run.table(df, "lsoa_all", title="t", show=False)
    assert captured == []
    with pytest.raises(ValueError, match="collapsed"):
        run.table(df, None, title="t", show="folded")


def test_the_pdf_shows_the_folded_tables_note_not_its_rows(tmp_path, monkeypatch):
    captured: list[str] = []
    monkeypatch.setattr(workbook, "_display", captured.append)
    ds = type("DS", (), {"config": None, "source": "Source: x", "victims": None, "offenders": None, "asb": None})()
    run = workbook.Run(dataset=ds, out_dir=tmp_path, chapter="t")
    run.table(pd.DataFrame({"LSOA": ["E01009991", "E01009992"], "Crimes": [77, 66]}), None, title="All LSOAs",
              show="collapsed")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": captured[0]})]
    nb.cells = [nbformat.v4.new_markdown_cell("# 1. Chapter"), cell]
    doc = render.report_html([("01_x.ipynb", nb)], area="Testham", period=make_period("financial", year=2024),
                             synthetic=False)
    pdf = render.write_pdf(doc, tmp_path / "r.pdf")
    from pypdf import PdfReader
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    assert "All LSOAs: the full table, 2 rows" in text and workbook.COLLAPSED_PRINT_NOTE in text
    assert "E01009991" not in text and "77" not in text


def test_a_figure_is_sized_to_be_read(tmp_path):
    """An 8 x 4 inch chart saved at 150 dpi is 1200 x 600 px; shown at 100 CSS px per figure inch it
    is 800 x 400 CSS px, where 6.5 pt text is 6.5 / 72 * 100 = 9.03 px."""
    png = _png(8, 4)
    assert workbook.png_size(png) == (1200, 600)
    img = BeautifulSoup(workbook.figure_html(png, "t", "s", alt="a"), "html.parser").img
    assert (img["width"], img["height"]) == ("800", "400")
    assert img["src"].startswith("data:image/png;base64,")
    with pytest.raises(ValueError):
        workbook.png_size(b"GIF89a" + bytes(30))


def test_every_chart_text_size_is_readable_at_the_readable_size():
    """No chart sets text smaller than 9 CSS px at READABLE_PX_PER_INCH (pt / 72 * px per inch)."""
    sizes = []
    for path in (ROOT / "assessment" / "figures").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        sizes += [float(v) for v in re.findall(r"fontsize\s*=\s*([0-9.]+)", text)]
        sizes += [float(v) for v in re.findall(r"[\"'](?:font\.size|\w+\.labelsize|\w+\.titlesize)[\"']\s*:\s*([0-9.]+)", text)]
    assert sizes and min(sizes) >= 6.5
    assert min(sizes) / 72 * workbook.READABLE_PX_PER_INCH >= 9


def test_the_hotspots_chapter_shows_the_full_lsoa_table_folded():
    import json
    nb = json.loads((ROOT / "notebooks" / "02_hotspots.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert re.search(r"run\.table\(words\.display_columns\(res\.table, res\.rule\), None,[^)]*show=\"collapsed\"\)",
                     code.replace("\n", " "))


# -- in a browser ---------------------------------------------------------------------------------
_COLUMN = "Array.from(document.querySelectorAll('table')[{t}].tBodies[0].rows).map(r => r.cells[{c}].textContent)"


@needs_chromium
def test_on_a_phone_the_page_does_not_overflow_and_wide_things_scroll_in_their_box(report_page):
    with Chromium() as browser:
        page = browser.open(report_page.as_uri(), width=390, height=844)
        assert page.evaluate("innerWidth") == 390
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        wide = page.evaluate("(() => { const f = document.querySelectorAll('figure.sa-table')[2]; "
                             "return [f.scrollWidth, f.clientWidth, getComputedStyle(f).overflowX]; })()")
        assert wide[0] > wide[1] and wide[2] == "auto"     # the table scrolls inside its own box
        fig = page.evaluate("(() => { const f = document.querySelector('figure.sa-figure'); const i = f.querySelector('img'); "
                            "return [i.getBoundingClientRect().width, Number(i.getAttribute('width')), "
                            "f.scrollWidth > f.clientWidth, f.querySelector('.sa-fit-button').hidden]; })()")
        assert fig[0] == fig[1] > 600 and fig[2:] == [True, False]  # the chart at its readable size, scrolled
        page.evaluate("document.querySelector('.sa-fit-button').click()")
        fitted = page.evaluate("(() => { const f = document.querySelector('figure.sa-figure'); "
                               "return [f.querySelector('img').getBoundingClientRect().width, f.clientWidth]; })()")
        assert fitted[0] == pytest.approx(fitted[1], abs=1) and fitted[0] < 390  # or fitted to the screen
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        assert page.csp_violations == []
        desktop = browser.open(report_page.as_uri(), width=1280, height=900)
        shown = desktop.evaluate("(() => { const f = document.querySelector('figure.sa-figure'); "
                                 "return [f.querySelector('img').getBoundingClientRect().width, f.clientWidth, "
                                 "f.querySelector('.sa-fit-button').hidden]; })()")
        # as wide as the column (its own pixels are wider), never below the readable size
        assert shown[0] == pytest.approx(shown[1], abs=1) and shown[0] >= fig[1] and shown[2] is True
        assert desktop.evaluate("document.scrollingElement.scrollWidth") <= 1280


@needs_chromium
def test_tables_sort_and_filter_under_the_policy_and_nothing_is_fetched(report_page):
    with Chromium() as browser:
        page = browser.open(report_page.as_uri(), width=1280, height=900)
        assert page.csp_violations == []
        assert page.evaluate("document.title").endswith("Strategic assessment 2024/25")  # nothing else ran
        # every header is a button (the script ran under the policy); the smuggled ones are gone
        assert page.evaluate("document.querySelectorAll('main button.sa-sort').length") == 2 + 2 + 12 + 2
        assert page.evaluate("document.querySelectorAll('main button:not(.sa-sort):not(.sa-fit-button)').length") == 0
        assert page.evaluate(_COLUMN.format(t=0, c=1)) == SORT_CELLS
        page.evaluate("document.querySelectorAll('table')[0].tHead.rows[0].cells[1].querySelector('button').click()")
        assert page.evaluate(_COLUMN.format(t=0, c=1)) == SORT_DESCENDING          # numbers, largest first
        assert page.evaluate("document.querySelectorAll('table')[0].tHead.rows[0].cells[1].getAttribute('aria-sort')") \
            == "descending"
        page.evaluate("document.querySelectorAll('table')[0].tHead.rows[0].cells[1].querySelector('button').click()")
        assert page.evaluate(_COLUMN.format(t=0, c=1)) == SORT_ASCENDING
        # the keyboard: Enter on the focused header button sorts (words A to Z, "Ward 2" before "Ward 10")
        page.evaluate("document.querySelectorAll('table')[0].tHead.rows[0].cells[0].querySelector('button').focus()")
        for kind in ("keyDown", "keyUp"):
            page.send("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter",
                                                 "windowsVirtualKeyCode": 13, "text": "\r" if kind == "keyDown" else ""})
        assert page.evaluate(_COLUMN.format(t=0, c=0)) == WARDS_ASCENDING
        assert page.evaluate("document.querySelectorAll('table')[0].tHead.rows[0].cells[1].hasAttribute('aria-sort')") \
            is False
        assert page.evaluate("document.querySelector('.sa-filter input').getAttribute('aria-label')") == \
            "Filter the rows of: Eleven rows to sort"
        # a filter box above tables of more than 10 rows only
        assert page.evaluate("Array.from(document.querySelectorAll('table')).map(t => "
                             "!!t.parentNode.querySelector('.sa-filter'))") == [True, False, False, True]
        for typed, rows, count in (("WARD 12.5", ["Ward 20"], "1 of 11 rows"),   # every word, in any cell
                                   ("ward 3", ["Ward 3", "Ward 9", "Ward 10"], "3 of 11 rows"),  # +3.1%, 1,234
                                   ("ward101", [], "0 of 11 rows"),            # cells' words do not run together
                                   ("", WARDS_ASCENDING, "11 rows")):
            page.evaluate(f"(() => {{ const i = document.querySelector('.sa-filter input'); i.value = {typed!r};"
                          " i.dispatchEvent(new Event('input')); })()")
            shown = page.evaluate("Array.from(document.querySelectorAll('table')[0].tBodies[0].rows)"
                                  ".filter(r => !r.hidden).map(r => r.cells[0].textContent)")
            assert (shown, page.evaluate("document.querySelector('.sa-count').textContent")) == (rows, count), typed
        # the folded table is closed, and opens
        assert page.evaluate("document.querySelector('details.sa-collapsed').open") is False
        folded = "(() => { const d = document.querySelector('details.sa-collapsed'); " \
                 "return [d.getBoundingClientRect().height < 150, d.querySelector('table').checkVisibility()]; })()"
        assert page.evaluate(folded) == [True, False]
        page.evaluate("document.querySelector('details.sa-collapsed > summary').click()")
        assert page.evaluate(folded) == [False, True]
        assert page.evaluate("document.querySelector('details.sa-collapsed table').tBodies[0].rows.length") == 40
        # nothing fetched: the page itself and its embedded data: images only
        assert [u for u in page.requests if not u.startswith("data:")] == [report_page.as_uri()]


@needs_chromium
def test_the_policy_lets_the_reports_script_run_and_blocks_any_other(tmp_path):
    """The hash is what lets tables.js run: under the same policy another inline script is refused."""
    own = render.report_script()
    page_path = tmp_path / "p.html"
    page_path.write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{safe_html.csp([own])}">'
        '<title>t</title></head><body><main><table><thead><tr><th>N</th></tr></thead><tbody><tr><td>1</td></tr>'
        f'<tr><td>2</td></tr></tbody></table></main><script>document.title = "other";</script>'
        f'<script>{own}</script></body></html>', encoding="utf-8")
    with Chromium() as browser:
        page = browser.open(page_path.as_uri())
        assert page.evaluate("document.title") == "t"
        assert page.evaluate("document.querySelectorAll('button.sa-sort').length") == 1
        assert page.csp_violations, "the other script was refused and the refusal reported"


@pytest.mark.slow
@needs_chromium
def test_the_demo_report_reads_on_a_phone(demo_run):
    """The whole demo report at 390 px: no sideways scroll of the page, every chart at its readable
    size, every table sortable, the full LSOA table folded in, no policy violation, nothing fetched."""
    report = next(p for p in sorted(demo_run.glob("strategic-assessment-*.html")) if "technical-annex" not in p.name)
    with Chromium() as browser:
        page = browser.open(report.as_uri(), width=390, height=844)
        assert page.evaluate("[innerWidth, document.scrollingElement.scrollWidth]") == [390, 390]
        assert page.csp_violations == []
        charts = page.evaluate("Array.from(document.querySelectorAll('figure.sa-figure img')).map(i => "
                               "[Math.round(i.getBoundingClientRect().width), Number(i.getAttribute('width'))])")
        assert len(charts) >= 10 and all(shown == readable > 390 for shown, readable in charts)
        tables = page.evaluate("Array.from(document.querySelectorAll('main table')).filter(t => t.tHead && "
                               "t.tHead.rows.length === 1 && t.tBodies.length === 1 && t.tBodies[0].rows.length > 1)"
                               ".map(t => !!t.querySelector('th > button.sa-sort'))")
        assert len(tables) >= 20 and all(tables)  # every table with one header row and rows to order
        summary = page.evaluate("document.querySelector('#ch-02-hotspots details.sa-collapsed > summary').textContent")
        assert re.fullmatch(r"Crime, rate, change and hot-spot class by LSOA: the full table, \d+ rows", summary)
        assert [u for u in page.requests if not u.startswith("data:")] == [report.as_uri()]
