"""The analyst's commentary (issue 14, item 1): the file, its checks, the scaffold, where the report
places it, and that it is escaped like every other text (HTML, PDF, CSV).

Fast tests work on the parser, the scaffold's text, the workbook's HTML and the notebooks' source;
the slow test renders the whole demo with a commentary (examples/commentary-demo.md plus hostile
text) and checks the HTML, the PDF and the CSV it writes.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import DEMO_CONFIG, ROOT, run_cli
from test_hostile import live_markup, payloads

from assessment import workbook
from assessment.commentary import CHAPTERS, parse_commentary, read_commentary
from assessment.config import load_config
from assessment.dataset import Dataset
from assessment.errors import InputError
from assessment.periods import financial_year
from assessment.safe_html import sanitize
from assessment.targets import parse_targets
from assessment.words import commentary as words

EXAMPLE = ROOT / "examples" / "commentary-demo.md"
INDS = ["Violence and sexual offences", "Robbery", "Shoplifting"]


# -- the file ------------------------------------------------------------------------------------
FULL = """<!-- a note at the top,
over two lines -->
# Commentary for 2024/25

# Foreword
A year of *change*.

Second paragraph.

# recommendations
1. Act on shoplifting.
2. Keep going.

# Areas of concern
| Concern | Mitigation |
|---|---|
| Shoplifting | a plan |

# Chapter: Hot spots
## The town centre
Still the main hot spot.

```
# not a heading: inside a code block
```

# Chapter: 1
Crime rose.

# Chapter: crime_in_the_area_typo_free
"""


def test_every_kind_of_section_is_read_and_placed_by_its_heading():
    c = parse_commentary(FULL.replace("# Chapter: crime_in_the_area_typo_free\n", "# Chapter: summary\n\n"
                                      "<!-- only a prompt -->\n# Indicator: ROBBERY\nDown by a fifth.\n"),
                         indicators=INDS, period_labels=["2024/25", "2024-25"])
    assert c.period == "2024/25"
    assert c.front("foreword") == "A year of *change*.\n\nSecond paragraph."
    assert c.front("recommendations") == "1. Act on shoplifting.\n2. Keep going."
    assert c.front("concerns").startswith("| Concern | Mitigation |")
    # '## The town centre' and the fenced '# not a heading' stay in the section's text
    assert c.chapter("hotspots").startswith("## The town centre\nStill the main hot spot.")
    assert "# not a heading: inside a code block" in c.chapter("hotspots")
    assert c.chapter("crime_in_the_area") == "Crime rose."          # '# Chapter: 1'
    assert c.chapter("summary") == ""                                # only a note: not shown
    assert c.indicators == {"Robbery": "Down by a fifth."}          # the targets file's spelling
    assert c.indicator("robbery") == "Down by a fifth."
    # lines are the file's: the note at the top spans lines 1-2, so the title is line 3, the foreword line 5
    assert c.lines[("front", "foreword")] == 5 and c.lines[("indicator", "Robbery")] == 33
    assert [s[0] for s in c.sections()] == ["Foreword", "Recommendations", "Areas of concern and mitigation",
                                            "Chapter: Hot spots", "Chapter: Crime in the area", "Indicator: Robbery"]


@pytest.mark.parametrize("title,ok", [("# Commentary for 2024/25", True), ("# Commentary: Testham CSP, 2024/25", True),
                                       ("# Commentary", True), ("# Commentary: the partnership's view", True),
                                       ("# Commentary for 2023/24", False), ("# Commentary: draft 2025", False)])
def test_a_title_naming_another_year_is_refused(title, ok):
    text = f"{title}\n# Foreword\nx\n"
    if ok:
        assert parse_commentary(text, period_labels=["2024/25", "2024-25"]).front("foreword") == "x"
    else:
        with pytest.raises(InputError, match="line 1: expected the commentary for 2024/25"):
            parse_commentary(text, period_labels=["2024/25", "2024-25"])


def test_a_file_of_prompts_only_shows_nothing():
    c = parse_commentary("# Foreword\n<!-- write here -->\n\n# Chapter: Victims\n   \n<!-- and here -->\n")
    assert not c and c.front("foreword") == "" and c.chapter("victims") == ""


@pytest.mark.parametrize("text,expected", [
    ("# Recomendations\n1. x\n", "commentary.md: line 1: expected one of the headings '# Foreword', '# Recommendations', "
     "'# Areas of concern and mitigation', '# Chapter: <Executive summary, Crime in the area, Hot spots, Offenders, "
     "Victims or Performance>', '# Indicator: <Violence and sexual offences, Robbery or Shoplifting>', found "
     "'# Recomendations' (did you mean '# Recommendations'?)"),
    ("# Foreword\nx\n# Chapter: Hotspot\n", "line 3: expected a chapter after '# Chapter:': one of Executive summary "
     "(summary), Crime in the area (crime_in_the_area), Hot spots (hotspots), Offenders (offenders), Victims "
     "(victims), Performance (performance), found '# Chapter: Hotspot' (did you mean '# Chapter: Hot spots'?)"),
    ("# Indicator: Robery\nx\n", "line 1: expected an indicator of the targets file after '# Indicator:': Violence "
     "and sexual offences, Robbery or Shoplifting, found '# Indicator: Robery' (did you mean '# Indicator: Robbery'?)"),
    ("# Foreword\na\n\n# Foreword\nb\n", "line 4: expected each heading once (a second '# Foreword'), found it on "
     "line 1 too; put the text under one of them"),
    ("A title line\n# Foreword\nx\n", "line 1: expected text under a heading (# Foreword, # Recommendations, "
     "# Chapter: ..., see data/COMMENTARY.md), found text before the first heading"),
    ("# Foreword\nx <!-- never closed\n# Recommendations\n", "line 2: expected a note opened with '<!--' to be "
     "closed with '-->', found no '-->' after it"),
    ("# Commentary for 2023/24\n# Foreword\nx\n", "line 1: expected the commentary for 2024/25 (this run's period), "
     "found a title for '2023/24'"),
    ("# Foreword\nx\n# Commentary for 2024/25\n", "(a '# Commentary for <period>' title may only be the first heading)"),
    ("# Commentary for 2024/25\nA subtitle\n# Foreword\nx\n", "line 2: expected text under a section heading"),
    ("# Chapter\nx\n", "expected a chapter after '# Chapter:'"),
])
def test_a_problem_is_one_line_naming_the_line_and_what_was_expected(text, expected):
    with pytest.raises(InputError) as e:
        parse_commentary(text, "commentary.md", indicators=INDS, period_labels=["2024/25", "2024-25"])
    msg = str(e.value)
    assert expected in msg and "\n" not in msg, msg


def test_an_indicator_heading_without_a_targets_file_is_refused():
    with pytest.raises(InputError, match=r"line 1: expected no '# Indicator:' heading: there is no targets file"):
        parse_commentary("# Indicator: Robbery\nx\n", indicators=[])
    # not checked (None): kept as written
    assert parse_commentary("# Indicator: Robbery\nx\n").indicators == {"Robbery": "x"}


def test_reading_the_file_missing_a_folder_or_not_utf8_is_one_line(tmp_path):
    with pytest.raises(InputError, match=r"c\.md: expected the commentary file named by inputs\.commentary .*found no such file"):
        read_commentary(tmp_path / "c.md")
    (tmp_path / "d.md").mkdir()
    with pytest.raises(InputError, match="expected a commentary file \\(Markdown\\), found a folder"):
        read_commentary(tmp_path / "d.md")
    p = tmp_path / "w.md"
    p.write_bytes("# Foreword\nCaf\u00e9 r\u00e9sum\u00e9\n".encode("cp1252"))
    with pytest.raises(InputError, match="expected UTF-8 text, found a byte that is not UTF-8 on line 2"):
        read_commentary(p)
    p.write_bytes(b"\xef\xbb\xbf# Foreword\r\nWindows line ends\r\n")        # UTF-8 with a BOM, CRLF: fine
    assert read_commentary(p).front("foreword") == "Windows line ends"


def test_the_demo_example_parses_against_the_demo_targets_and_fills_every_front_section():
    cfg = load_config(DEMO_CONFIG, check_files=False)
    names = [i.name for i in parse_targets(__import__("yaml").safe_load(cfg.inputs.targets.read_text()),
                                           "t.yml", cfg.crime_groups)]
    c = read_commentary(EXAMPLE, names, ["2024/25", "2024-25"])
    assert all(c.front(k) for k in ("foreword", "recommendations", "concerns"))
    assert set(c.chapters) == set(CHAPTERS)
    assert set(c.indicators) == {"Shoplifting", "Robbery", "Domestic abuse crimes recorded"}


# -- the config and validate -----------------------------------------------------------------------
def _config(tmp_path, extra="", commentary="words.md"):
    (tmp_path / "crimes.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\n"
                                         "C1,2024-04-02,Burglary,E01000001\n")
    p = tmp_path / "a.yml"
    p.write_text(f"area: {{name: Testham}}\ninputs: {{crimes: crimes.csv, commentary: {commentary}}}\n{extra}")
    return p


def test_the_config_names_the_file_relative_to_itself_and_may_name_one_not_written_yet(tmp_path):
    cfg = load_config(_config(tmp_path))            # words.md does not exist: the scaffold may write it
    assert cfg.inputs.commentary == (tmp_path / "words.md").resolve()
    from assessment.validate import validate
    assert f"inputs.commentary: file not found: {tmp_path.resolve() / 'words.md'}" in validate(cfg)


def test_validate_lists_a_bad_heading_of_the_commentary(tmp_path):
    cfg = load_config(_config(tmp_path))
    (tmp_path / "words.md").write_text("# Foreword\nx\n# Indicator: Robbery\ny\n")
    from assessment.validate import validate
    problems = validate(cfg)
    assert any("words.md: line 3: expected no '# Indicator:' heading: there is no targets file" in p for p in problems)


def test_a_missing_commentary_stops_a_run_with_one_line_before_the_data_are_read(tmp_path):
    p = _config(tmp_path)
    proc = run_cli("run", "--config", str(p), "--year", "2024", "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    line = proc.stderr.strip()
    assert "\n" not in line and "words.md: expected the commentary file named by inputs.commentary" in line
    assert "found no such file" in line and not (tmp_path / "out").exists()


# -- the workbook: identifiers, rendering, placement ------------------------------------------------
def _ds(tmp_path, text, targets=None):
    (tmp_path / "c.md").write_text(text, encoding="utf-8")
    inputs = {"commentary": str(tmp_path / "c.md")}
    if targets:
        (tmp_path / "t.yml").write_text(targets, encoding="utf-8")
        inputs["targets"] = str(tmp_path / "t.yml")
    from assessment.config import Config
    cfg = Config.model_validate({"area": {"name": "Testham"}, "inputs": inputs})
    crimes = pd.DataFrame({"crime_id": ["CRI-77A1"], "month": [pd.Timestamp("2024-05-01")], "crime_type": ["Burglary"],
                           "count": [1]})
    victims = pd.DataFrame({"crime_id": ["CRI-77A1"], "victim_id": ["VIC-0042X"]})
    return Dataset(config=cfg, period=financial_year(2024), crimes=crimes, victims=victims)


def test_a_personal_identifier_in_the_commentary_stops_the_run_without_quoting_it(tmp_path):
    ds = _ds(tmp_path, "# Foreword\nFine.\n\n# Chapter: Victims\nAs VIC-0042X told us, ...\n")
    with pytest.raises(InputError) as e:
        workbook.load_commentary(ds.config, ds.period, ds)
    msg = str(e.value)
    assert "the section '# Chapter: Victims' (line 4)" in msg and "personal identifiers" in msg
    assert "VIC-0042X" not in msg
    ok = _ds(tmp_path, "# Foreword\nNo one is named.\n")
    assert workbook.load_commentary(ok.config, ok.period, ok).front("foreword") == "No one is named."


def test_the_title_is_checked_against_the_runs_period(tmp_path):
    ds = _ds(tmp_path, "# Commentary for 2023/24\n# Foreword\nx\n")
    with pytest.raises(InputError, match="expected the commentary for 2024/25"):
        workbook.load_commentary(ds.config, ds.period)


def _shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(workbook, "_display", out.append)
    return out


def test_run_commentary_shows_front_sections_under_headings_and_a_chapter_in_a_box(tmp_path, monkeypatch):
    ds = _ds(tmp_path, "# Recommendations\n1. Do <b>this</b>.\n\n# Foreword\nWhy.\n## Sub\n\n# Chapter: Hot spots\n"
                       "Near the station.\n\n# Chapter: Crime in the area\nUp.\n")
    shown = _shown(monkeypatch)
    run = workbook.Run(dataset=ds, out_dir=tmp_path, chapter="executive_summary")
    run.commentary("foreword", "recommendations", "concerns")    # no concerns section: nothing for it
    assert shown == ["<h2>Foreword</h2><div class=\"sa-commentary-front\"><p>Why.</p>\n<h3>Sub</h3>\n</div>",
                     "<h2>Recommendations</h2><div class=\"sa-commentary-front\"><ol>\n<li>Do &lt;b&gt;this&lt;/b&gt;.</li>\n"
                     "</ol>\n</div>"]
    shown.clear()
    run.commentary()                                   # the executive summary's own: none in this file
    assert shown == []
    workbook.Run(dataset=ds, out_dir=tmp_path, chapter="hotspots").commentary()
    workbook.Run(dataset=ds, out_dir=tmp_path, chapter="volumes").commentary()   # chapter 1's run name
    assert shown == ['<div class="sa-commentary"><p class="sa-commentary-label">Commentary</p><p>Near the station.</p>\n</div>',
                     '<div class="sa-commentary"><p class="sa-commentary-label">Commentary</p><p>Up.</p>\n</div>']


def test_a_run_without_a_commentary_file_shows_nothing(tmp_path, monkeypatch):
    from assessment.config import Config
    ds = Dataset(config=Config.model_validate({"area": {"name": "T"}}), period=financial_year(2024),
                 crimes=pd.DataFrame())
    shown = _shown(monkeypatch)
    run = workbook.Run(dataset=ds, out_dir=tmp_path, chapter="performance")
    run.commentary()
    run.commentary("foreword")
    assert shown == [] and run.indicator_commentary() == {} and not run.analyst_commentary()


RAG = pd.DataFrame({"measure": ["Recorded crimes: Robbery", "Recorded crimes: Shoplifting"], "owner": ["YSP", "BCG"],
                    "direction": ["lower", "lower"], "format": ["count", "count"], "baseline": [420.0, 1434.0],
                    "target_spec": ["maintain", "maintain"], "target": [420.0, 1434.0], "actual": [328.0, 1703.0],
                    "variance": [-92.0, 269.0], "variance_pct": [-92 / 420, 269 / 1434],
                    "status": ["On target", "Missing target by more than 10%"], "level": ["green", "red"],
                    "previous": [324.0, 1434.0], "travel": ["Deteriorating", "Deteriorating"],
                    "notes": ["", "MOPAC priority"]}, index=pd.Index(["Robbery", "Shoplifting"], name="indicator"))


def test_the_rag_table_gains_a_commentary_column_in_each_indicators_row():
    h = workbook.rag_table_html(RAG, "t", "s", commentary={"Shoplifting": "Up **sharply**: see recommendation 1."})
    soup = BeautifulSoup(h, "html.parser")
    heads = [th.get_text() for th in soup.find("thead").find_all("th")]
    assert heads[-1] == "Commentary" and len(heads) == 9
    rows = {tr.find("th").contents[0]: tr.find_all("td") for tr in soup.find("tbody").find_all("tr")}
    shop = rows["Shoplifting"][-1]
    assert "sa-commentary-cell" in shop["class"]
    assert shop.find("strong").get_text() == "sharply"                        # Markdown rendered
    assert shop.find("p", class_="sa-notes").get_text() == "Note: MOPAC priority"
    assert rows["Robbery"][-1].get_text() == ""                               # no commentary, no notes: empty cell
    assert [len(r) for r in rows.values()] == [8, 8]
    # without commentary or notes the table is as compact as before: no column
    bare = workbook.rag_table_html(RAG.drop(columns="notes"), "t", "s")
    assert "Commentary" not in bare and bare.count("<th scope=\"col\">") == 8


def test_the_csv_has_the_notes_and_the_commentary():
    from assessment.chapters.performance import csv_table
    t = RAG.assign(period="2024/25", baseline_label="given", target_profiled=False, note="")
    out = csv_table(t, {"Shoplifting": "See recommendation 1."})
    assert out.set_index("indicator").loc["Shoplifting", ["notes", "commentary"]].tolist() == \
        ["MOPAC priority", "See recommendation 1."]
    assert out.set_index("indicator").loc["Robbery", "commentary"] == ""


# -- escaping: every hostile payload, in every place commentary goes --------------------------------
CASES = payloads("http://127.0.0.1:9", Path("/tmp/secret.csv"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_commentary_is_inert_text_in_a_box_a_front_section_and_the_rag_table(case, tmp_path, monkeypatch):
    payload = CASES[case].replace("\n# ", "\n## ")   # a level-1 line in a section would start a section
    text = f"# Foreword\n{payload}\n\n# Chapter: Hot spots\n{payload}\n\n# Indicator: Robbery\n{payload}\n"
    ds = _ds(tmp_path, text, targets="indicators:\n  - {name: Robbery, baseline: 5, target: maintain, direction: lower}\n")
    shown = _shown(monkeypatch)
    workbook.Run(dataset=ds, out_dir=tmp_path, chapter="executive_summary").commentary("foreword")
    run = workbook.Run(dataset=ds, out_dir=tmp_path, chapter="hotspots")
    run.commentary()
    shown.append(workbook.rag_table_html(RAG, "t", "s", commentary=run.indicator_commentary()))
    assert len(shown) == 3
    for h in shown:
        assert live_markup(h) == [], h
        # the report's allow-list (assessment.safe_html.sanitize) keeps every word the reader should see
        assert BeautifulSoup(sanitize(h), "html.parser").get_text() == BeautifulSoup(h, "html.parser").get_text()


def test_the_hostile_words_are_shown_not_run():
    h = workbook.commentary_html("<script>alert(1)</script> <img src=http://127.0.0.1:9/x.png> "
                                 "[click](javascript:alert(1)) =cmd|' /C calc'!A0")
    text = BeautifulSoup(h, "html.parser").get_text()
    assert "<script>alert(1)</script>" in text and "<img src=http://127.0.0.1:9/x.png>" in text
    assert "click" in text and "=cmd|' /C calc'!A0" in text
    soup = BeautifulSoup(h, "html.parser")
    assert soup.find(["script", "img", "a"]) is None and [t.name for t in soup.find_all(True)] == ["p"]
    assert not soup.find("p").attrs


# -- the notebooks: each chapter's commentary at its start, the front sections before the findings ----
CHAPTER_NOTEBOOKS = {"01_crime_in_the_area": "volumes", "02_hotspots": "hotspots", "03_offenders": "offenders",
                     "04_victims": "victims", "05_performance": "performance"}
PUBLISHING = re.compile(r"\brun\.(text|table|figure|rag_table|commentary)\(")


@pytest.mark.parametrize("stem", sorted(CHAPTER_NOTEBOOKS))
def test_each_chapter_shows_its_commentary_first_after_its_heading(stem):
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", 4)
    h1 = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("# "))
    calls = [m.group(0) for c in nb.cells[h1 + 1:] if c.cell_type == "code"
             for m in PUBLISHING.finditer(c.source) if not c.source[:m.start()].rstrip().endswith("#")]
    assert calls[0] == "run.commentary(", (stem, calls[:3])
    assert f'chapter="{CHAPTER_NOTEBOOKS[stem]}"' in "".join(c.source for c in nb.cells)
    assert workbook.COMMENTARY_CHAPTERS[CHAPTER_NOTEBOOKS[stem]] in CHAPTERS


def test_the_summary_places_the_front_sections_before_the_key_findings():
    nb = nbformat.read(ROOT / "notebooks" / "00_summary.ipynb", 4)
    src = [(c.cell_type, c.source) for c in nb.cells]
    key = next(i for i, (t, s) in enumerate(src) if t == "markdown" and s.strip() == "## Key findings")
    front = next(i for i, (t, s) in enumerate(src) if 'run.commentary("foreword", "recommendations", "concerns")' in s)
    intro = next(i for i, (t, s) in enumerate(src) if "run.text(words.intro(" in s)
    assert intro <= front < key
    assert src[key + 1][1].startswith("run.commentary()")           # the summary's own, at the start of the findings


# -- the scaffold ----------------------------------------------------------------------------------
SUMMARY = {"period": {"label": "2024/25", "start": "2024-04-01", "end": "2025-03-31"}, "area": {"name": "Testham"},
           "crime": {"total": 14210, "previous_total": 13703, "change": 507, "change_pct": 507 / 13703},
           "hotspots": {"top10_lsoas": ["E01000001"], "top10_share": 0.2, "lsoas": 100, "hot_spots_95": 0},
           "performance": {"indicators": 2, "on_target": 1, "amber": 0, "red": 1, "no_data": 0,
                           "red_indicators": ["Shoplifting"], "improving": 0, "deteriorating": 2, "no_change": 0,
                           "amber_threshold": 0.1, "scheme": "three"}}
TARGETS = ("indicators:\n  - {name: Robbery, group: Robbery, baseline: 420, target: maintain, direction: lower, owner: YSP}\n"
           "  - {name: Shoplifting, crime_type: Shoplifting, baseline: 1434, target: maintain, direction: lower}\n")


def _report(tmp_path, summary=SUMMARY):
    rep = tmp_path / "rep"
    (rep / "tables").mkdir(parents=True)
    (rep / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    t = RAG.drop(columns=["level", "format"]).assign(period="2024/25", baseline_label="given", target_profiled=False,
                                                     note="")
    t.reset_index().to_csv(rep / "tables" / "performance.csv", index=False, encoding="utf-8")
    return rep


def _scaffold_config(tmp_path):
    (tmp_path / "t.yml").write_text(TARGETS)
    (tmp_path / "crimes.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\n")
    p = tmp_path / "a.yml"
    p.write_text("area: {name: Testham}\ninputs: {crimes: crimes.csv, targets: t.yml}\n"
                 "crime_groups: {Robbery: [Robbery]}\n")
    return p


def test_the_scaffold_has_every_heading_and_this_years_figures_as_prompts_that_are_never_shown(tmp_path):
    cfg = _scaffold_config(tmp_path)
    proc = run_cli("commentary", "--year", "2024", "--config", str(cfg), "--report", str(_report(tmp_path)))
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "commentary-2024-25.md"
    assert f"wrote {path}" in proc.stdout
    text = path.read_text(encoding="utf-8")
    # the figures: 14,210 crimes, up 507 = 3.7% on 13,703 (507 / 13,703 = 0.0370)
    assert ("> Total recorded crime rose 3.7% in 2024/25 compared with the previous 12 months (507 more offences, "
            "14,210 in all). (summary.json: crime.total, crime.previous_total, crime.change, crime.change_pct)") in text
    # chapter 5's table in words: 1,703 against 1,434 is 18.8% over a 'maintain' target: red
    assert ("> 1,703 against a target of 1,434 (maintain): ○ Missing target by more than 10%; ▲ up, deteriorating "
            "(last year 1,434). Owner: BCG. Say why, and what is being done.") in text
    assert "- Shoplifting: Missing target by more than 10%; deteriorating" in text      # a concern
    for heading in ("# Commentary for 2024/25", "# Foreword", "# Recommendations", "# Areas of concern and mitigation",
                    "# Chapter: Executive summary", "# Chapter: Crime in the area", "# Chapter: Hot spots",
                    "# Chapter: Offenders", "# Chapter: Victims", "# Chapter: Performance", "# Indicator: Robbery",
                    "# Indicator: Shoplifting"):
        assert f"\n{heading}\n" in text
    assert "from rep/summary.json" in text and "inputs: {commentary: commentary-2024-25.md}" in text
    # it is a valid commentary for the period, and every prompt is a note: nothing would be shown
    c = parse_commentary(text, indicators=["Robbery", "Shoplifting"], period_labels=["2024/25"])
    assert not c and c.period == "2024/25"


def test_the_scaffold_never_overwrites_a_file(tmp_path):
    cfg = _scaffold_config(tmp_path)
    mine = tmp_path / "commentary-2024-25.md"
    mine.write_text("# Foreword\nMy words.\n", encoding="utf-8")
    proc = run_cli("commentary", "--year", "2024", "--config", str(cfg), "--report", str(_report(tmp_path)))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {mine}: exists already and is never overwritten; edit it, or give --out for a new file"
    assert mine.read_text(encoding="utf-8") == "# Foreword\nMy words.\n"
    # the file the config names is the default target, and is not overwritten either
    cfg.write_text(cfg.read_text().replace("targets: t.yml}", "targets: t.yml, commentary: commentary-2024-25.md}"))
    assert run_cli("commentary", "--year", "2024", "--config", str(cfg), "--report", str(tmp_path / "rep")).returncode == 2
    assert mine.read_text(encoding="utf-8") == "# Foreword\nMy words.\n"
    # --out a new file: written
    assert run_cli("commentary", "--year", "2024", "--config", str(cfg), "--report", str(tmp_path / "rep"),
                   "--out", str(tmp_path / "new.md")).returncode == 0
    assert (tmp_path / "new.md").read_text(encoding="utf-8").startswith("<!--")


def test_the_scaffold_refuses_a_report_of_another_period_and_a_missing_period(tmp_path):
    cfg = _scaffold_config(tmp_path)
    rep = _report(tmp_path)
    proc = run_cli("commentary", "--year", "2023", "--config", str(cfg), "--report", str(rep))
    assert proc.returncode == 2 and "its summary.json does not fit: it is for '2024/25', not 2023/24" in proc.stderr
    proc = run_cli("commentary", "--config", str(cfg), "--report", str(rep))
    assert proc.returncode == 2 and "give the period: --year 2024" in proc.stderr
    assert not list(tmp_path.glob("commentary-*.md"))


def test_scaffold_prompts_cannot_close_their_note_nor_name_more_than_published():
    hostile = dict(SUMMARY, crime={"total": 10, "previous_total": None,
                                   "by_type": []}, area={"name": "A --> <!-- B\nC"})
    text = words.scaffold(hostile, None, None)
    assert "-->" not in text.split("\n", 1)[0] and "A - -> < !-- B C" in text
    assert parse_commentary(text).period == "2024/25"    # still one note per prompt: the file parses, shows nothing
    assert not parse_commentary(text)


# -- the whole demo with a commentary (slow) ---------------------------------------------------------
HOSTILE = ("<script>alert(1)</script> <img src=http://127.0.0.1:9/x.png> [click](javascript:alert(1)) "
           "![pic](http://127.0.0.1:9/p.png)")
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def commented_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("commented")
    cfg = load_config(DEMO_CONFIG)
    from assessment.demo import ensure_demo
    ensure_demo(cfg)
    words_md = EXAMPLE.read_text(encoding="utf-8")
    words_md = words_md.replace("# Recommendations\n", f"Hostile: {HOSTILE}\n\n# Recommendations\n", 1)
    words_md += f"\n# Indicator: Neighbourhood crime\n{FORMULA} {HOSTILE}\n"
    (tmp / "words.md").write_text(words_md, encoding="utf-8")
    text = DEMO_CONFIG.read_text()
    for rel in ("data/demo/", "maps/demo/", "data/demo-targets.yml"):
        text = text.replace(f" {rel}", f" {ROOT / rel}" + ("/" if rel.endswith("/") else ""))
    text = text.replace("demo: true", "demo: false").replace("  targets: ", "  commentary: words.md\n  targets: ", 1)
    (tmp / "assessment.yml").write_text(text)
    out = tmp / "out"
    proc = run_cli("run", "--config", str(tmp / "assessment.yml"), "--year", "2024", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return tmp, out


def _sections(out: Path):
    html = next(p for p in sorted(out.glob("*.html")) if "technical-annex" not in p.name).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    return html, soup, {s["id"]: s for s in soup.find_all("section", class_="chapter")}


def _pos(tag):
    """Where a tag starts in the HTML file (line, column): document order."""
    return (tag.sourceline, tag.sourcepos)


@pytest.mark.slow
def test_demo_report_places_the_commentary_where_a_board_reader_expects_it(commented_run):
    _, out = commented_run
    html, soup, chapters = _sections(out)
    summary = chapters["ch-00-summary"]
    h2 = {h.get_text(" ", strip=True): h for h in summary.find_all("h2")}
    # the front sections, in order, after the opening line and before the key findings
    intro = next(p for p in summary.find_all("p") if p.get_text().startswith("This strategic assessment covers"))
    assert _pos(summary.find("h1")) < _pos(intro) < _pos(h2["Foreword"]) < _pos(h2["Recommendations"]) \
        < _pos(h2["Areas of concern and mitigation"]) < _pos(h2["Key findings"])
    foreword = h2["Foreword"].find_next("div", class_="sa-commentary-front")
    assert "Crime and Disorder Act 1998" in foreword.get_text() and _pos(foreword) < _pos(h2["Recommendations"])
    assert h2["Areas of concern and mitigation"].find_next("table").find("th").get_text() == "Concern"
    # the executive summary's own commentary opens the key findings, before their list
    box = summary.find("div", class_="sa-commentary")
    findings = h2["Key findings"].find_next("ul")
    assert _pos(h2["Key findings"]) < _pos(box) < _pos(findings)
    assert "Crime rose for a second year" in box.get_text() and "Total recorded crime rose" in findings.get_text()
    # each chapter: the commentary box after the chapter's heading and introduction, before anything else
    for sid, phrase in (("ch-01-crime-in-the-area", "Recorded crime rose 3.7% to 16,580"),
                        ("ch-02-hotspots", "The town centre"), ("ch-03-offenders", "prolific offenders drives"),
                        ("ch-04-victims", "repeat-victim rate for domestic abuse"),
                        ("ch-05-performance", "Three indicators were on target")):
        sec = chapters[sid]
        boxes = sec.find_all("div", class_="sa-commentary")
        assert len(boxes) == 1 and phrase in boxes[0].get_text(" "), sid
        box = boxes[0]
        h1 = sec.find("h1")
        later = [t for t in sec.find_all(["h2", "figure", "table", "ul", "ol"]) if _pos(t) > _pos(h1)]
        assert _pos(h1) < _pos(box) < min(_pos(t) for t in later), sid
        # only the chapter's own introduction (its heading's Markdown cell) comes before: the box is the
        # first thing the chapter's code shows
        assert box.find_parent("div", class_="output_html") is sec.find("div", class_="output_html"), sid
    # the indicator's row of the RAG table
    rag = chapters["ch-05-performance"].find("figure", class_="sa-rag")
    assert rag.find("thead").find_all("th")[-1].get_text() == "Commentary"
    rows = {tr.find("th").contents[0].strip(): tr for tr in rag.find("tbody").find_all("tr")}
    assert "see recommendation 1" in rows["Shoplifting"].find("td", class_="sa-commentary-cell").get_text()
    assert "Note: Baseline from the 2023 partnership plan" in \
        rows["Robbery"].find("td", class_="sa-commentary-cell").get_text(" ")
    assert rows["Neighbourhood crime"].find_all("td")[-1]["class"] == ["sa-commentary-cell"]


@pytest.mark.slow
def test_demo_report_shows_hostile_commentary_as_text_in_html_pdf_and_csv(commented_run):
    _, out = commented_run
    html, soup, _ = _sections(out)
    assert live_markup(html) == []
    text = soup.get_text(" ")
    assert "<script>alert(1)</script>" in text and "<img src=http://127.0.0.1:9/x.png>" in text
    assert "javascript:" not in html and "127.0.0.1:9/p.png" not in html      # links and images: their words only
    from pypdf import PdfReader
    reader = PdfReader(str(next(p for p in sorted(out.glob("*.pdf")) if "technical-annex" not in p.name)))
    pdf_text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "<script>alert(1)</script>" in pdf_text and "Crime and Disorder Act 1998" in pdf_text
    assert not reader.attachments
    annots = [a.get_object() for p in reader.pages for a in (p.get("/Annots") or [])]
    assert not [a for a in annots if "/URI" in str(a.get("/A", {}))], "no link leaves the PDF"
    csv = pd.read_csv(out / "tables" / "performance.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cell = csv.set_index("indicator").loc["Neighbourhood crime", "commentary"]
    assert cell.startswith("'" + FORMULA)                 # Excel shows it as text, never runs it


@pytest.mark.slow
def test_scaffold_from_the_demo_report_holds_its_figures_and_no_identifier(commented_run):
    tmp, out = commented_run
    proc = run_cli("commentary", "--year", "2024", "--config", str(tmp / "assessment.yml"), "--report", str(out),
                   "--out", str(tmp / "scaffold.md"))
    assert proc.returncode == 0, proc.stderr
    text = (tmp / "scaffold.md").read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert f"{summary['crime']['total']:,} in all" in text
    from assessment import leaks
    from assessment.loaders import load_dataset
    ds = load_dataset(load_config(tmp / "assessment.yml"), 2024)
    assert leaks.found_in(text, leaks.of_dataset(ds)) == 0
    assert not parse_commentary(text)


def test_commentary_module_has_no_room_violation():
    """assessment.commentary is in the loading room: it imports nothing above it."""
    src = (ROOT / "assessment" / "commentary.py").read_text(encoding="utf-8")
    for above in ("workbook", "render", "words", "chapters", "figures", "targets", "safe_html"):
        assert not re.search(rf"from \.{above}\b|import assessment\.{above}\b", src), above


def test_example_shortcuts_are_what_the_guide_says():
    guide = (ROOT / "data" / "COMMENTARY.md").read_text(encoding="utf-8")
    block = guide.split("## Example", 1)[1].split("```markdown\n", 1)[1].split("```", 1)[0]
    c = parse_commentary(block, indicators=["Shoplifting"], period_labels=["2024/25"])
    assert c.front("recommendations").startswith("1. Shoplifting") and c.chapter("hotspots") and c.indicator("Shoplifting")
