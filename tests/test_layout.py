"""Issue 14, "a report that fits its data": what the inputs do not cover collapses to one line of a
"Not covered this year" box; the printed report has no near-empty page and keeps small tables whole;
the board reads the methods in plain words and the full technical methods go to a technical annex;
and the report carries its own typeface (DejaVu Sans), embedded in the PDF and inlined in the HTML.
"""
from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import nbformat.v4 as v4
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from assessment import render, typeface, workbook
from assessment.chapters.offenders import OffendersResult
from assessment.chapters.victims import NO_ASB_FILE, NO_VICTIMS_LINK, ASBResult, VictimsResult
from assessment.config import load_config
from assessment.periods import financial_year
from assessment.safe_html import csp, markdown_html
from assessment.stats.base import NO_GEOMETRY
from assessment.words import appendix as appendix_words
from assessment.words import hotspots as hotspot_words
from assessment.words import offenders as offender_words
from assessment.words import performance as performance_words
from assessment.words import victims as victim_words

PERIOD = financial_year(2024)
SHIPPED = ("DejaVu-Sans-Report", "DejaVu-Sans-Mono-Report")


# -- helpers -----------------------------------------------------------------------------------------
def _html_cell(html: str):
    return v4.new_code_cell(outputs=[v4.new_output("display_data", data={"text/html": html})])


def _marker(scope: str, reason, keys=()):
    data = {workbook.NOT_COVERED_MIME: {"scope": scope, "reason": reason, "keys": list(keys)}, "text/plain": "x"}
    return v4.new_code_cell(outputs=[v4.new_output("display_data", data=data)])


def _chapter(title: str, *cells):
    return v4.new_notebook(cells=[v4.new_markdown_cell(f"# {title}\n\nWhat this chapter shows."), *cells])


def _report(chapters, tmp_path=None, **kw):
    return render.report_html(chapters, area="Testham", period=PERIOD, synthetic=False, base=tmp_path, **kw)


def _fonts(pdf: Path) -> list[tuple[str, bool]]:
    """Every font of the PDF: (name without the subset tag, embedded?)."""
    from pypdf import PdfReader
    found = {}
    for page in PdfReader(str(pdf)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]
            descendants = font.get("/DescendantFonts") or [font]
            desc = descendants[0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            found[name] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return sorted(found.items())


def _page_texts(pdf: Path) -> list[str]:
    from pypdf import PdfReader
    return [p.extract_text() or "" for p in PdfReader(str(pdf)).pages]


# -- the shipped typeface --------------------------------------------------------------------------------
def test_the_typeface_is_dejavu_sans_from_matplotlib_with_its_licence():
    folder = typeface.font_dir()
    assert folder.parts[-4:] == ("matplotlib", "mpl-data", "fonts", "ttf")
    assert "Bitstream" in (folder / typeface.LICENCE).read_text(encoding="utf-8")
    from fontTools.ttLib import TTFont
    assert [TTFont(folder / f)["name"].getDebugName(1) for f, *_ in typeface.FACES] == \
        ["DejaVu Sans"] * 4 + ["DejaVu Sans Mono"]


def test_font_face_rules_are_data_uris_cut_down_to_the_document():
    from fontTools.ttLib import TTFont
    css = typeface.font_face_css("<p>Ωmega – ▲ Ž</p>")
    faces = re.findall(r'@font-face \{ font-family: "([^"]+)"; font-weight: (\d+); font-style: (\w+);.*?'
                       r'src: url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\)', css)
    assert [(f, w, s) for f, w, s, _ in faces] == [
        ("DejaVu Sans Report", "400", "normal"), ("DejaVu Sans Report", "700", "normal"),
        ("DejaVu Sans Report", "400", "italic"), ("DejaVu Sans Report", "700", "italic"),
        ("DejaVu Sans Mono Report", "400", "normal")]
    regular = TTFont(io.BytesIO(base64.b64decode(faces[0][3])))
    cmap = regular.getBestCmap()
    for ch in "Ωm–▲Ž◦é":          # the document's characters, the base set (list markers, accents)
        assert ord(ch) in cmap, ch
    assert ord("Ж") not in cmap     # not in the document nor the base set: cut
    full = TTFont(typeface.font_dir() / "DejaVuSans.ttf")
    assert len(regular.getGlyphOrder()) < len(full.getGlyphOrder()) / 5
    # the same bytes every time (no timestamp): two runs give identical HTML
    typeface.subset.cache_clear()
    assert typeface.font_face_css("<p>Ωmega – ▲ Ž</p>") == css


def test_the_characters_of_a_page_include_entities_and_css_escapes_but_not_data_uris():
    chars = typeface.characters('<p>&#937; &Zcaron;</p><style>a::after { content: "\\2192" }</style>'
                                '<img src="data:image/png;base64,QUJDRA==">')
    assert {"Ω", "Ž", "→"} <= chars
    assert "Ж" not in typeface.characters("<img src=\"data:image/png;base64,0JY=\">")


def test_charts_use_the_same_family_from_matplotlibs_own_copy():
    import matplotlib
    from matplotlib import font_manager

    from assessment.figures.style import FONT_FAMILY, apply_style
    apply_style()
    assert matplotlib.rcParams["font.family"] == ["sans-serif"]
    assert matplotlib.rcParams["font.sans-serif"][0] == FONT_FAMILY == "DejaVu Sans"
    path = Path(font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False))
    assert path == typeface.font_dir() / "DejaVuSans.ttf"


def test_the_csp_lets_fonts_come_from_data_uris_only():
    policy = csp()
    assert "font-src data:" in policy and "default-src 'none'" in policy
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["font-src"] == "data:"


def test_the_pdf_embeds_the_shipped_fonts_only(tmp_path):
    chapter = _chapter("1. Crime", _html_cell(
        "<p>Plain, <strong>bold</strong>, <em>italic</em>, <strong><em>both</em></strong> and <code>code</code>; "
        "symbols ● ◐ ○ ▲ ▼ – ≥ 5.</p><ul><li>one<ul><li>nested (a circle marker)</li></ul></li></ul>"
        "<pre><code>hotspots:\n  fdr: true</code></pre>"))
    html = _report([("01_crime.ipynb", chapter)], tmp_path)
    faces = re.findall(r"@font-face[^}]*}", html)
    assert len(faces) == 5 and all("src: url(data:font/ttf;base64," in f for f in faces)
    assert 'font-family: "DejaVu Sans Report", sans-serif' in html
    pdf = render.write_pdf(html, tmp_path / "r.pdf")
    fonts = _fonts(pdf)
    assert {name for name, _ in fonts} == {"DejaVu-Sans-Report", "DejaVu-Sans-Report-Bold", "DejaVu-Sans-Report-Italic",
                                           "DejaVu-Sans-Report-Bold-Italic", "DejaVu-Sans-Mono-Report"}
    assert all(embedded for _, embedded in fonts)
    if shutil.which("pdffonts"):
        rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert rows and all(r.split()[0].split("+")[-1].startswith(SHIPPED) and " yes yes yes " in r for r in rows)


# -- not covered this year ------------------------------------------------------------------------------------
def test_a_chapter_without_its_inputs_is_one_line_in_the_box_and_no_heading(tmp_path):
    offenders = _chapter("3. Who drives crime", v4.new_markdown_cell("## How concentrated is offending?"),
                         _marker("chapter", "No offenders link was supplied <script>x()</script>.",
                                 ["inputs.offenders"]),
                         _html_cell("<p>Not available: there are no offender data.</p>"))
    crime = _chapter("1. Crime in the area", _html_cell("<p>Crime rose.</p>"))
    html = _report([("01_crime.ipynb", crime), ("03_offenders.ipynb", offenders)], tmp_path)
    soup = BeautifulSoup(html, "html.parser")
    assert [h.get_text() for h in soup.find_all("h1")][1:] == ["1. Crime in the area"]
    assert "How concentrated is offending?" not in html and "Not available" not in html
    box = soup.find("aside", class_="not-covered")
    assert box.h2.get_text() == "Not covered this year"
    [line] = box.find_all("li")
    assert " ".join(line.get_text().split()) == ("3. Who drives crime – No offenders link was supplied "
                                                 "<script>x()</script>. To include it: inputs.offenders.")
    assert box.find("script") is None and "&lt;script&gt;" in str(box)
    assert [c.get_text() for c in line.find_all("code")] == ["inputs.offenders"]
    # the box is listed in the contents and comes before the first chapter
    assert soup.find("nav").find("a")["href"] == "#not-covered-title"
    assert html.index('class="not-covered"') < html.index("<main>")


def test_sections_without_their_inputs_collapse_into_one_merged_line(tmp_path):
    victims = _chapter(
        "4. Repeat victims",
        v4.new_markdown_cell("## Repeat victims in the 12 months\n\nA repeat victim is ..."),
        _marker("section", "No victims link was supplied.", ["inputs.victims"]),
        v4.new_markdown_cell("## How many crimes per victim"),
        _marker("section", "No victims link was supplied.", ["inputs.victims"]),
        v4.new_markdown_cell("## Repeat locations (a proxy)"), _html_cell("<p>12 map points had 3 or more crimes.</p>"),
        v4.new_markdown_cell("## Repeat anti-social behaviour callers"), _marker("section", "No ASB file.", ["inputs.asb"]),
        v4.new_markdown_cell("## Not needed here"), _marker("section", None),
        v4.new_markdown_cell("## What was suppressed"), _html_cell("<p>Nothing.</p>"))
    soup = BeautifulSoup(_report([("04_victims.ipynb", victims)], tmp_path), "html.parser")
    assert [h.get_text() for h in soup.find("main").find_all("h2")] == ["Repeat locations (a proxy)",
                                                                       "What was suppressed"]
    lines = [" ".join(li.get_text().split()) for li in soup.find("aside", class_="not-covered").find_all("li")]
    assert lines == [
        "4. Repeat victims: Repeat victims in the 12 months; How many crimes per victim – No victims link was "
        "supplied. To include it: inputs.victims.",
        "4. Repeat victims: Repeat anti-social behaviour callers – No ASB file. To include it: inputs.asb."]


def test_a_report_with_everything_covered_has_no_box(tmp_path):
    html = _report([("01_crime.ipynb", _chapter("1. Crime", _html_cell("<p>Crime rose.</p>")))], tmp_path)
    assert "<aside" not in html and "Not covered this year" not in html


def test_run_not_covered_displays_the_marker_and_a_plain_text_line(monkeypatch, tmp_path):
    shown = []
    import IPython.display
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    run = workbook.Run(dataset=SimpleNamespace(), out_dir=tmp_path, chapter="offenders")
    run.not_covered("No offenders link was supplied.", ["inputs.offenders"])
    run.not_covered(None, scope="section")
    (first, raw), (second, _) = shown
    assert raw and first[workbook.NOT_COVERED_MIME] == {"scope": "chapter", "reason": "No offenders link was supplied.",
                                                        "keys": ["inputs.offenders"]}
    assert first["text/plain"] == "Not covered this year: No offenders link was supplied. (config: inputs.offenders)"
    assert second[workbook.NOT_COVERED_MIME]["reason"] is None
    with pytest.raises(ValueError, match="scope"):
        run.not_covered("x", scope="page")


def test_the_chapters_say_when_they_are_not_covered_and_which_keys_bring_them_in():
    off = OffendersResult(available=False, period_label="2024/25", headlines={}, left_out={"all": "no_link"})
    assert offender_words.not_covered(off) == (offender_words.NOT_COVERED["no_link"][0], ["inputs.offenders"])
    wards = OffendersResult(available=True, period_label="2024/25", headlines={}, left_out={"wards": "no_ward_lookup"})
    assert offender_words.not_covered(wards) is None
    assert offender_words.section_not_covered(wards, "wards")[1] == ["inputs.wards"]

    none = VictimsResult("2024/25", reason=NO_VICTIMS_LINK)
    no_asb = ASBResult(period_label="2024/25", reason=NO_ASB_FILE)
    text, keys = victim_words.not_covered(none, no_asb)
    assert keys == ["inputs.victims", "inputs.asb"] and text.startswith("No victims link was supplied")
    points = VictimsResult("2024/25", reason=NO_VICTIMS_LINK, locations=pd.DataFrame({"locations": [3]}))
    assert victim_words.not_covered(points, no_asb) is None          # the repeat-location proxy is shown
    assert victim_words.victims_not_covered(points)[1] == ["inputs.victims"]
    assert victim_words.asb_not_covered(no_asb) == ("No ASB incident file was supplied.", ["inputs.asb"])
    assert victim_words.locations_not_covered(points) is None and victim_words.locations_needed(points)

    ds = SimpleNamespace(all_areas=None, all_areas_population=None)
    text, keys = performance_words.not_covered(None, ds)
    assert keys == ["inputs.targets", "inputs.crime_counts", "area.lsoa_name_prefix"]
    assert "No targets file" in text and "covers only this area" in text
    assert performance_words.not_covered(object(), ds) is None       # targets: the chapter is shown
    assert performance_words.comparison_not_covered(ds)[1] == ["inputs.crime_counts", "area.lsoa_name_prefix"]


def test_uniformly_untested_hot_spot_columns_collapse_to_one_note():
    t = pd.DataFrame({"lsoa_code": ["E1", "E2"], "count": [5, 3], "gi_z": [float("nan")] * 2,
                      "gi_p_fdr": [float("nan")] * 2, "gi_class": [NO_GEOMETRY] * 2}).set_index("lsoa_code")
    assert list(hotspot_words.display_columns(t)) == ["LSOA", "Crimes"]
    assert hotspot_words.untested_note(t) == hotspot_words.UNTESTED_NOTE
    tested = t.assign(gi_z=[2.1, 0.3], gi_p_fdr=[0.01, 0.6], gi_class=["Hot spot – 99% confidence", "Not significant"])
    assert "Gi* class" in hotspot_words.display_columns(tested) and hotspot_words.untested_note(tested) is None


# -- the printed layout ---------------------------------------------------------------------------------------
def _rows(n: int, text: str = "Burglary") -> str:
    return "".join(f'<tr><td>{text} {i:02d}</td><td class="num">{i}</td></tr>' for i in range(n))


def _table(title: str, n: int, text: str = "Burglary") -> str:
    return (f'<figure class="sa-table"><figcaption>{title}</figcaption><table><thead><tr><th>Type</th><th>Crimes</th>'
            f'</tr></thead><tbody>{_rows(n, text)}</tbody></table><p class="source">Source: test</p></figure>')


def test_table_height_estimate_and_marks():
    soup = BeautifulSoup(f"<table>{_rows(10)}</table>", "html.parser")
    assert render.table_height_mm(soup.table) == 18 + 10 * 6
    wide = "".join(f"<tr><td>{'w' * 330}</td></tr>" for _ in range(2))   # 3 lines of 110 characters
    assert render.table_height_mm(BeautifulSoup(f"<table>{wide}</table>", "html.parser").table) == 18 + 2 * (6 + 8)
    soup = BeautifulSoup("<h2>Crime types</h2><p>Intro.</p>" + _table("Small", 10) + _table("Long", 40), "html.parser")
    render._mark_page_breaks(soup)
    small, long = soup.find_all("figure")
    assert "keep" in small["class"] and "keep" not in long["class"]
    rows = long.tbody.find_all("tr")
    assert [r.get("class") for r in rows[:3]] == [["keep-next"], ["keep-next"], None]
    assert [r.get("class") for r in rows[-3:]] == [None, ["keep-previous"], ["keep-previous"]]
    assert soup.p["class"] == ["keep-with-next"]


def test_print_keeps_small_tables_whole_and_leaves_no_lone_rows(tmp_path):
    # laid out (in the shipped typeface) so that, without the rules, the small table would break 5 + 9 rows
    # across a page and the long one would leave its last row alone on a page
    filler = "<p>" + "Words of the chapter. " * 125 + "</p>"
    body = filler * 3 + _table("A small table", 14, "Robbery") + filler * 2 + _table("A long table", 90)
    html = _report([("01_crime.ipynb", _chapter("1. Crime", _html_cell(body)))], tmp_path)
    texts = _page_texts(render.write_pdf(html, tmp_path / "r.pdf"))
    small = [i for i, t in enumerate(texts) if "Robbery" in t]
    assert len(small) == 1 and len(re.findall(r"Robbery \d\d", texts[small[0]])) == 14, "the small table is on one page"
    # the long table spans pages; none of them holds fewer than three of its rows, and its header repeats
    per_page = [n for n in (len(re.findall(r"Burglary \d\d", t)) for t in texts) if n]
    assert len(per_page) >= 2 and min(per_page) >= 3
    assert sum("TypeCrimes" in t.replace(" ", "") for t in texts) >= 2


def test_chapters_follow_on_without_a_page_each(tmp_path):
    chapters = [(f"0{i}_c.ipynb", _chapter(f"{i}. Chapter {i}", _html_cell("<p>Short.</p>"))) for i in range(1, 5)]
    texts = _page_texts(render.write_pdf(_report(chapters, tmp_path), tmp_path / "r.pdf"))
    assert len(texts) == 3            # title, contents, and one page holding all four short chapters
    assert all(f"{i}. Chapter {i}" in texts[2] for i in range(1, 5))


# -- methods for the board, and the technical annex -------------------------------------------------------
def _config(tmp_path, targets: bool = True):
    p = tmp_path / "assessment.yml"
    inputs = "{crimes: c.csv, victims: v.csv, offenders: o.csv, asb: a.csv" + (", targets: t.yml}" if targets else "}")
    p.write_text(f"area: {{name: Testham}}\ninputs: {inputs}\n", encoding="utf-8")
    return load_config(p, check_files=False)


def _full_ds(cfg):
    lsoas = pd.DataFrame(index=pd.Index([f"E{i}" for i in range(150)], name="lsoa_code"))
    return SimpleNamespace(config=cfg, period=PERIOD, offenders=object(), victims=object(), asb=object(),
                           boundaries=object(), all_areas=object(), scope=SimpleNamespace(what="recorded crime"),
                           lsoa_frame=lambda: lsoas)


def test_the_board_methods_are_plain_and_fit_two_pages(tmp_path):
    ds = _full_ds(_config(tmp_path))
    text = appendix_words.board_methods(ds)
    for heading in ("The data and the period", "Where crime concentrates", "Offenders", "Repeat victims",
                    "Repeat anti-social behaviour callers", "Performance against targets", "Comparison with other areas",
                    "Protecting people"):
        assert f"### {heading}" in text, heading
    assert "allowing for testing all 150 LSOAs at once" in text and "technical annex" in text
    # no library function names, no code: those are for the annex
    assert "`" not in text and not re.search(r"\w+\.\w+\(|scipy|esda|linprog", text)
    chapter = _chapter("Appendix A. Methods", _html_cell(markdown_html(text)))
    pages = _page_texts(render.write_pdf(_report([("90_appendix.ipynb", chapter)], tmp_path), tmp_path / "m.pdf"))
    assert len(pages) <= 4, "title, contents and at most two pages of methods"
    # a run without offenders, victims, ASB, targets or other areas explains only what it has
    lean = SimpleNamespace(**{**vars(ds), "offenders": None, "victims": None, "asb": None, "all_areas": None,
                              "config": _config(tmp_path, targets=False)})
    short = appendix_words.board_methods(lean)
    assert "### Offenders" not in short and "### Performance" not in short and "### Protecting people" in short


def test_the_technical_methods_keep_every_chapters_section(tmp_path):
    cfg = _config(tmp_path)
    full = appendix_words.methods_markdown(SimpleNamespace(config=cfg, period=PERIOD))
    for name, text in appendix_words.METHOD_SECTIONS:
        first = next(line for line in text(cfg).strip().splitlines() if line.strip())
        assert first in full, name
    assert "### Disclosure control" in full and "### Periods" in full


def test_the_annex_gets_the_tagged_cells_and_the_report_does_not(tmp_path):
    annex_md = v4.new_markdown_cell("# Technical annex: methods")
    annex_md.metadata["tags"] = [render.ANNEX_TAG]
    annex_code = _html_cell("<h3>Volumes (chapter 1)</h3><p>Computed by <code>volumes.table</code>.</p>")
    annex_code.metadata["tags"] = [render.ANNEX_TAG]
    appendix = _chapter("Appendix A. Methods", _html_cell("<p>In plain words.</p>"), annex_md, annex_code)
    chapters = [("01_crime.ipynb", _chapter("1. Crime", _html_cell("<p>Crime rose.</p>"))),
                ("90_appendix.ipynb", appendix)]
    kw = dict(area="Testham", period=PERIOD, synthetic=True, base=tmp_path)
    report, annex = render.report_html(chapters, **kw), render.annex_html(chapters, **kw)
    assert "In plain words." in report and "volumes.table" not in report and "Technical annex" not in report
    soup = BeautifulSoup(annex, "html.parser")
    assert soup.find("p", class_="report-subtitle").get_text() == "Technical annex: methods"
    assert "volumes.table" in annex and "In plain words." not in annex and "Crime rose." not in annex
    assert [a.get_text() for a in soup.find("nav").find_all("a")] == ["Technical annex: methods", "Volumes (chapter 1)"]
    policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert policy == csp([render.report_script()]) and "SYNTHETIC DATA" in annex and "@font-face" in annex
    assert render.annex_html([chapters[0]], **kw) is None


def test_the_inputs_table_shows_a_short_fingerprint_and_the_csv_keeps_it_whole():
    sha = "0123456789abcdef" * 4
    t = pd.DataFrame({"Input": ["crimes"], "File": ["crimes.csv"], "Rows": [10], "SHA-256": [sha]})
    shown = appendix_words.inputs_display(t)
    assert shown["SHA-256"].tolist() == ["0123456789abcdef…"] and t["SHA-256"].tolist() == [sha]
    assert "full SHA-256 of every file is in tables/inputs.csv" in appendix_words.INPUTS_NOTE


# -- the whole demo report ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_demo_report_and_annex_fonts_pages_and_methods(demo_run):
    from pypdf import PdfReader
    stem = "strategic-assessment-2024-25"
    report, annex = demo_run / f"{stem}.pdf", demo_run / f"{stem}-technical-annex.pdf"
    assert annex.exists() and (demo_run / f"{stem}-technical-annex.html").exists()
    for pdf in (report, annex):
        fonts = _fonts(pdf)
        assert fonts and all(name.startswith(SHIPPED) and embedded for name, embedded in fonts), fonts
    html = (demo_run / f"{stem}.html").read_text(encoding="utf-8")
    annex_html = (demo_run / f"{stem}-technical-annex.html").read_text(encoding="utf-8")
    assert "font-src data:" in html and html.count("@font-face") == 5
    # the report's methods are the board's; the annex has every chapter's technical section
    assert "technical annex" in html and "linprog" not in html
    assert "linprog" in annex_html and "Getis" in annex_html and "Mann" in annex_html
    # no near-empty page: every page but the first and the last holds text or a chart
    reader = PdfReader(str(report))
    for i, page in enumerate(reader.pages[1:-1], start=2):
        lines = [ln for ln in (page.extract_text() or "").splitlines() if ln.strip()]
        assert len(lines) >= 15 or len(page.images) > 0, f"page {i} is nearly empty: {lines}"


def test_lsoa_table_without_a_previous_year_leaves_out_its_blank_change_columns():
    """MPS data starting inside the period: the change columns are blank in every row, so the report
    leaves them out and says why once (the CSV keeps them)."""
    na = pd.array([pd.NA, pd.NA], dtype="Int64")
    t = pd.DataFrame({"lsoa_code": ["E1", "E2"], "count": [5, 3], "previous_count": na, "change": na,
                      "change_pct": [float("nan")] * 2, "gi_class": ["Hot spot – 95% confidence", "Not significant"]})
    shown = hotspot_words.display_columns(t)
    assert "Previous 12 months" not in shown and "Change" not in shown and "% change" not in shown
    assert "Gi* class" in shown and hotspot_words.display_note(t) == hotspot_words.NO_PREVIOUS_NOTE
    t["previous_count"] = pd.array([4, 0], dtype="Int64")
    assert "Previous 12 months" in hotspot_words.display_columns(t) and hotspot_words.display_note(t) is None
