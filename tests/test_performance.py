"""Performance against targets: RAG, direction of travel, targets file, quarterly profile.

Every expected value is worked by hand in the comment beside it.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from assessment import targets, workbook
from assessment.chapters import performance as perf
from assessment.config import Config
from assessment.dataset import Dataset
from assessment.errors import InputError
from assessment.periods import financial_year
from assessment.stats import rag
from assessment.words import performance as words

ROOT = Path(__file__).resolve().parents[1]
AMBER, RED = "Up to 10% off target", "Missing target by more than 10%"


TARGET_CASES = [
    ("-5%", 2000, 1900.0),        # 2000 x 0.95
    ("+3%", 200, 206.0),          # 200 x 1.03
    ("maintain", 500, 500),       # the baseline itself
    ("-2pp", 0.20, 0.18),         # 0.20 - 0.02
    (1234, None, 1234.0),         # a value needs no baseline
    ("-5%", None, None),          # a change with no baseline: not computable
]


@pytest.mark.parametrize("spec,baseline,expected", TARGET_CASES)
def test_target_value(spec, baseline, expected):
    got = perf.target_value(spec, baseline)
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_maintain_is_no_worse_than_baseline():
    t = perf.target_value("maintain", 500)
    assert rag.rag_status(rag.shortfall(500, t, "lower")) == "On target"      # equal: no worse
    assert rag.rag_status(rag.shortfall(480, t, "lower")) == "On target"      # better
    assert rag.rag_status(rag.shortfall(501, t, "lower")) == AMBER            # 1/500 = 0.2% worse
    assert rag.rag_status(rag.shortfall(499, t, "higher")) == AMBER           # higher is better: 0.2% worse
    assert rag.rag_status(rag.shortfall(560, t, "lower")) == RED              # 60/500 = 12% worse


def test_travel_and_status_read_without_colour():
    assert words.travel_label("Deteriorating", 120, 100) == "▲ up, deteriorating"
    assert words.travel_label("Improving", 80, 100) == "▼ down, improving"
    assert words.status_label("On target") == "● On target"
    assert words.status_label(RED) == "○ " + RED
    assert words.status_label("Amber-Red") == "◔ Amber-Red"


# ---------------------------------------------------------------------------------------------
# the targets file
# ---------------------------------------------------------------------------------------------
GROUPS = {"Burglary": ["Burglary"], "Robbery": ["Robbery"]}


def _ind(**kw):
    d = {"name": "X", "measure": "crime_count", "baseline": 100, "target": "-5%", "direction": "lower"}
    d.update(kw)
    return d


@pytest.mark.parametrize("item,message", [
    (_ind(direction="down"), "key 'direction': expected 'lower' or 'higher'"),
    (_ind(target="25%"), "expected a change with its sign"),
    (_ind(target="lots"), "key 'target': expected a value"),
    (_ind(group="Burglaryy"), "key 'group': expected a crime group of the config (Burglary, Robbery)"),
    (_ind(measure="count"), "key 'measure': expected one of crime_count"),
    (_ind(baseline_year=2023), "either baseline (a value) or baseline_year, not both"),
    (_ind(owners="x"), "key 'owners': expected one of the keys"),
    (_ind(baseline=None), "expected a baseline value or baseline_year"),
    (_ind(measure="offender_share", p=5), "key 'p': expected the top share of offenders"),
    (_ind(target="-2pp"), "percentage-point change only for rates"),
    (_ind(measure="summary"), "key 'key': expected a dotted summary.json key"),
])
def test_bad_targets_give_one_clear_line(item, message):
    with pytest.raises(InputError) as e:
        targets.parse_targets([item], "targets.yml", GROUPS)
    assert message in str(e.value)
    assert str(e.value).startswith("targets.yml: indicator 1")
    assert "\n" not in str(e.value)


def test_duplicate_names_and_empty_file():
    with pytest.raises(InputError, match="a name not used by another indicator"):
        targets.parse_targets([_ind(), _ind()], "t.yml")
    with pytest.raises(InputError, match="a list of indicators"):
        targets.parse_targets({"indicators": []}, "t.yml")


def test_read_targets_bad_yaml(tmp_path):
    p = tmp_path / "t.yml"
    p.write_text("indicators:\n  - name: [unclosed\n")
    with pytest.raises(InputError, match="valid YAML"):
        targets.read_targets(p)


def test_parse_forms():
    inds = targets.parse_targets({"indicators": [
        _ind(name="A", baseline={"year": 2023}),
        _ind(name="B", measure="repeat_rate", subset="domestic_abuse", baseline=0.2, target="-2pp"),
        _ind(name="C", measure="offender_share", p="1%", baseline=0.05, target="maintain"),
        _ind(name="D", measure="summary", key="victims.repeat_rate", baseline=0.2, target=0.18),
        _ind(name="E", measure="repeat_rate", group="Burglary", baseline=0.1, target="-5%"),
    ]}, "t.yml", GROUPS)
    assert inds[0].baseline_year == 2023 and inds[0].baseline is None
    assert inds[1].format == "percent" and inds[1].subset == "domestic_abuse"
    assert inds[2].p == pytest.approx(0.01) and inds[2].denominator == "all"
    assert inds[3].format == "percent"   # the key names a rate
    assert inds[4].subset == "Burglary"
    assert inds[1].description == "Repeat-victim rate: domestic abuse"
    assert inds[2].description == "Share of all recorded crime linked to the top 1% of offenders"


# ---------------------------------------------------------------------------------------------
# evaluating indicators on a hand-made dataset
# ---------------------------------------------------------------------------------------------
def _crimes(spec):
    """spec: list of (crime_type, "YYYY-MM", n, id_prefix) -> one row per crime."""
    rows = []
    for ctype, month, n, pre in spec:
        for i in range(n):
            rows.append({"crime_id": f"{pre}{i}", "month": pd.Timestamp(month + "-01"), "crime_type": ctype,
                         "count": 1, "domestic_abuse": False})
    return pd.DataFrame(rows)


@pytest.fixture
def ds():
    # FY2023 burglary by quarter 10, 20, 30, 40 (=100); FY2024 8, 20, 30, 35 (=93)
    # robbery: 5 in Apr 2023; 7 in Mar 2025
    crimes = _crimes([
        ("Burglary", "2023-04", 10, "a"), ("Burglary", "2023-07", 20, "b"), ("Burglary", "2023-10", 30, "c"),
        ("Burglary", "2024-01", 40, "d"), ("Robbery", "2023-04", 5, "r"),
        ("Burglary", "2024-04", 8, "e"), ("Burglary", "2024-07", 20, "f"), ("Burglary", "2024-10", 30, "g"),
        ("Burglary", "2025-01", 35, "h"), ("Robbery", "2025-03", 7, "s"),
    ])
    # victims FY2024: V0..V9 each of 2 crimes (f0..f19), 30 single victims (g0..g29): 10/40 = 0.25
    # victims FY2023: W0..W5 each of 2 crimes (d0..d11), 28 single victims (c0..c27): 6/34 = 0.17647
    vic = [(f"f{2 * i + j}", f"V{i}") for i in range(10) for j in (0, 1)] + [(f"g{i}", f"S{i}") for i in range(30)]
    vic += [(f"d{2 * i + j}", f"W{i}") for i in range(6) for j in (0, 1)] + [(f"c{i}", f"T{i}") for i in range(28)]
    victims = pd.DataFrame(vic, columns=["crime_id", "victim_id"])
    # offenders FY2024: O1 linked to 10 crimes (h0..h9), O2..O10 one each (h10..h18): top 10% = 1 offender, 10/100
    # offenders FY2023: P1 linked to 5 crimes (d0..d4), P2..P10 one each (d5..d13): 5/105
    off = [(f"h{i}", "O1") for i in range(10)] + [(f"h{9 + k}", f"O{k}") for k in range(2, 11)]
    off += [(f"d{i}", "P1") for i in range(5)] + [(f"d{4 + k}", f"P{k}") for k in range(2, 11)]
    offenders = pd.DataFrame(off, columns=["crime_id", "offender_id"])
    cfg = Config.model_validate({"area": {"name": "Testham"}, "crime_groups": GROUPS})
    return Dataset(config=cfg, period=financial_year(2024), crimes=crimes, victims=victims, offenders=offenders)


INDICATORS = [
    _ind(name="A burglary", group="Burglary", baseline=None, baseline_year=2023, target="-10%"),
    _ind(name="B robbery", group="Robbery", baseline=5, target="maintain"),
    _ind(name="C all crime", baseline=None, baseline_year=2023, target="+5%", direction="higher"),
    _ind(name="D repeat", measure="repeat_rate", baseline=0.20, target="-2pp"),
    _ind(name="E offenders", measure="offender_share", p=0.10, baseline=0.15, target=0.12),
    _ind(name="F DA repeat", measure="repeat_rate", subset="domestic_abuse", baseline=0.3, target="-5%"),
    _ind(name="G summary", measure="summary", key="hotspots.top10_share", baseline=0.32, target=0.35),
    _ind(name="H missing key", measure="summary", key="hotspots.nothing", baseline=1, target=1),
]


def test_evaluate_hand_worked(ds):
    inds = targets.parse_targets(INDICATORS, "t.yml", GROUPS)
    t = perf.evaluate(inds, ds, summary={"hotspots": {"top10_share": 0.30}})
    # A: baseline FY2023 burglary = 100; target 90; actual 93 -> 3/90 = 3.3% off: amber; last year 100: improving
    a = t.loc["A burglary"]
    assert (a["baseline"], a["target"], a["actual"], a["previous"]) == (100, 90, 93, 100)
    assert a["variance"] == 3 and a["variance_pct"] == pytest.approx(3 / 90)
    assert (a["status"], a["travel"]) == (AMBER, "Improving")
    # B: maintain 5; actual 7 -> 2/5 = 40% worse: red; last year 5: deteriorating
    b = t.loc["B robbery"]
    assert (b["target"], b["actual"], b["status"], b["travel"]) == (5, 7, RED, "Deteriorating")
    # C: higher is better; baseline 105, target 110.25; actual 100 -> 10.25/110.25 = 9.3%: amber; 105 -> 100 worse
    c = t.loc["C all crime"]
    assert (c["baseline"], c["target"], c["actual"]) == (105, pytest.approx(110.25), 100)
    assert (c["status"], c["travel"]) == (AMBER, "Deteriorating")
    # D: target 0.20 - 0.02 = 0.18; actual 10/40 = 0.25 -> 0.07/0.18 = 39% off: red; last year 6/34: deteriorating
    d = t.loc["D repeat"]
    assert d["target"] == pytest.approx(0.18) and d["actual"] == pytest.approx(0.25)
    assert d["previous"] == pytest.approx(6 / 34)
    assert (d["status"], d["travel"]) == (RED, "Deteriorating")
    # E: top 10% of 10 offenders = 1 offender, 10 of 100 crimes = 0.10 <= 0.12: on target; last year 5/105
    e = t.loc["E offenders"]
    assert e["actual"] == pytest.approx(0.10) and e["previous"] == pytest.approx(5 / 105)
    assert (e["status"], e["travel"]) == ("On target", "Deteriorating")
    # F: no domestic-abuse flag in the data: no data, not a guessed zero
    f = t.loc["F DA repeat"]
    assert f["status"] == "No data" and math.isnan(f["actual"]) and "domestic-abuse flag" in f["note"]
    # G: a summary figure 0.30 against 0.35 (lower is better): on target; no previous_key: travel not available
    g = t.loc["G summary"]
    assert (g["actual"], g["status"], g["travel"]) == (0.30, "On target", "Not available")
    # H: a key not in the summary: no data
    assert t.loc["H missing key", "status"] == "No data"
    h = perf.headlines(t)
    assert (h["performance.indicators"], h["performance.on_target"], h["performance.amber"], h["performance.red"],
            h["performance.no_data"]) == (8, 2, 2, 2, 2)
    assert h["performance.red_indicators"] == ["B robbery", "D repeat"]
    assert (h["performance.improving"], h["performance.deteriorating"]) == (1, 4)


def test_evaluate_four_level(ds):
    ds.config.performance.rag_scheme = "four"
    inds = targets.parse_targets(INDICATORS[:3], "t.yml", GROUPS)
    t = perf.evaluate(inds, ds)
    # A 3.3% off -> Amber-Green (<= 5%); B 40% -> Red; C 9.3% -> Amber-Red
    assert t["status"].tolist() == ["Amber-Green", "Red", "Amber-Red"]
    h = perf.headlines(t, "four")
    assert (h["performance.amber_green"], h["performance.amber_red"], h["performance.red"]) == (1, 1, 1)


def test_small_repeat_counts_are_suppressed(ds):
    # keep only 3 repeat victims in FY2024 (V0..V2): fewer than 5 -> the rate is not published
    ds.victims = ds.victims[~ds.victims["victim_id"].isin([f"V{i}" for i in range(3, 10)])]
    inds = targets.parse_targets([INDICATORS[3]], "t.yml", GROUPS)
    t = perf.evaluate(inds, ds)
    assert t.loc["D repeat", "status"] == "No data"
    assert "suppressed" in t.loc["D repeat", "note"]


def test_no_victims_link_is_no_data(ds):
    ds.victims = None
    t = perf.evaluate(targets.parse_targets([INDICATORS[3]], "t.yml", GROUPS), ds)
    assert t.loc["D repeat", "status"] == "No data" and "no victims link" in t.loc["D repeat", "note"]


def test_quarterly_profile_hand_worked(ds):
    ind = targets.parse_targets([INDICATORS[0]], "t.yml", GROUPS)[0]
    p = perf.quarterly_profile(ind, ds, ds.period, 90.0, quarter=2)
    # baseline FY2023 seasonality 10/100, 20/100, 30/100, 40/100; annual target 90 -> 9, 18, 27, 36
    assert p["share"].tolist() == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert p["profiled_target"].tolist() == pytest.approx([9, 18, 27, 36])
    # actual Q1 8, Q2 20; Q3 and Q4 not yet reported (quarter=2)
    assert p["actual"].tolist()[:2] == [8, 20] and p["actual"].iloc[2:].isna().all()
    assert p["ytd_actual"].tolist()[:2] == [8, 28] and p["ytd_target"].tolist() == pytest.approx([9, 27, 54, 90])
    # Q1: 8 <= 9 on target; Q2: 28 vs 27 -> 1/27 = 3.7% off: amber
    assert p["status"].tolist() == ["On target", AMBER, "No data", "No data"]


def test_in_year_progress_uses_profiled_target(ds):
    inds = targets.parse_targets(INDICATORS[:2] + [INDICATORS[3]], "t.yml", GROUPS)
    t = perf.evaluate(inds, ds, quarter=2)
    a = t.loc["A burglary"]
    # YTD Q1-Q2: actual 8 + 20 = 28 against profiled 9 + 18 = 27; a year earlier 10 + 20 = 30
    assert (a["actual"], a["target"], a["previous"]) == (28, pytest.approx(27), 30)
    assert (a["status"], a["travel"], a["period"]) == (AMBER, "Improving", "Q1–Q2 2024/25")
    # B robbery: baseline is a value, so the previous year (FY2023: all 5 in Q1) profiles it -> YTD target 5; actual 0
    b = t.loc["B robbery"]
    assert (b["actual"], b["target"], b["status"]) == (0, pytest.approx(5), "On target")
    # D repeat: a rate is compared year to date with its annual target (no profiling): YTD victims are
    # V0..V9 (f0..f19 in Jul 2024) -> 10 repeat victims of 10 = 1.0
    assert t.loc["D repeat", "target"] == pytest.approx(0.18) and t.loc["D repeat", "actual"] == pytest.approx(1.0)


def test_profile_table_and_display(ds):
    inds = targets.parse_targets(INDICATORS[:3], "t.yml", GROUPS)
    res = perf.analyse(ds, targets=inds)
    assert set(res.profile["indicator"]) == {"A burglary", "B robbery", "C all crime"}
    assert len(res.profile) == 12
    d = words.display_table(res.table)
    assert d.loc["A burglary", "Target"] == "90 (−10%)"
    assert d.loc["A burglary", "Variance"] == "+3 (+3.3%)"
    assert d.loc["B robbery", "Target"] == "5 (maintain)"
    assert d.loc["A burglary", "Direction of travel"] == "▼ down, improving"
    html = workbook.rag_table_html(res.table, "t", "src")
    assert "◐ Up to 10% off target" in html and "○ Missing target by more than 10%" in html
    assert "background:#fff7bf" in html            # amber cell coloured as well as labelled
    assert words.title(res) == "0 of 3 indicators were on target in 2024/25; 1 missed its target by more than 10%"


RAG_HTML = (  # what the RAG table's HTML was when it was built in Python strings (before the template)
    '<figure class="sa-table sa-rag"><figcaption>T &quot;x&quot;</figcaption><table style="font-size:0.85em"><thead><tr>'
    '<th scope="col">Indicator</th><th scope="col">Owner</th><th scope="col">Baseline</th><th scope="col">Target</th>'
    '<th scope="col">Actual</th><th scope="col">Variance</th><th scope="col">Status</th>'
    '<th scope="col">Direction of travel</th></tr></thead><tbody><tr><th scope="row">Burglary &amp; &lt;b&gt;<br>'
    '<small style="font-weight:normal">Recorded crimes; higher is better</small></th><td>O&#x27;Neil</td>'
    '<td class="num">100</td><td class="num">90 (−10%), profiled</td><td class="num">93</td>'
    '<td class="num">+3 (+3.3%)</td><td class="rag rag-amber_green" style="background:#e5f0c8;color:#3b4d00;'
    'font-weight:bold">◕ Amber-Green</td><td>▼ down, deteriorating<br><small>last year 100</small></td></tr>'
    '</tbody></table><p class="note">n &lt;1&gt;</p><p class="source">S</p></figure><p class="note">Key: '
    '<span style="background:#cce2d8;color:#005a30;padding:0 0.4em">● Green: on target</span> '
    '<span style="background:#e5f0c8;color:#3b4d00;padding:0 0.4em">◕ Amber-Green: up to 5% off</span> '
    '<span style="background:#fcd6c3;color:#6e3619;padding:0 0.4em">◔ Amber-Red: up to 10% off</span> '
    '<span style="background:#f4cdc6;color:#2a0b06;padding:0 0.4em">○ Red: more than 10% off</span> '
    '<span style="background:#f3f2f1;color:#383f43;padding:0 0.4em">– No data: cannot be computed from the inputs</span>'
    '. Arrows show which way the figure moved since last year.</p>')


def test_rag_table_template_gives_the_same_html():
    """The template (rag_table.html) gives the HTML the Python strings gave: same cells, classes, symbols,
    colours and escaping (Jinja2 spells the escaped quotes &#34; and &#39;, html.escape &quot; and &#x27;)."""
    t = pd.DataFrame({"measure": ["Recorded crimes: Burglary & <b>"], "owner": ["O'Neil"], "direction": ["higher"],
                      "format": ["count"], "baseline": [100.0], "target_spec": ["-10%"], "target": [90.0],
                      "target_profiled": [True], "actual": [93.0], "variance": [3.0], "variance_pct": [3 / 90],
                      "status": ["Amber-Green"], "level": ["amber_green"], "previous": [100.0],
                      "travel": ["Deteriorating"]}, index=pd.Index(["Burglary & <b>"], name="indicator"))
    got = workbook.rag_table_html(t, 'T "x"', "S", note="n <1>", scheme="four", threshold=0.10)
    assert got.replace("&#39;", "&#x27;").replace("&#34;", "&quot;") == RAG_HTML


def test_demo_targets_file_parses():
    demo = ROOT / "data" / "demo-targets.yml"
    cfg = ROOT / "assessment.yml"
    if not cfg.exists():
        pytest.skip("the demo config assessment.yml is not there yet")
    from assessment.config import load_config
    groups = load_config(cfg, check_files=False).crime_groups
    inds = targets.read_targets(demo, groups)
    assert 6 <= len(inds) <= 10
    assert {i.direction for i in inds} == {"lower", "higher"}
    assert {i.measure for i in inds} >= {"crime_count", "repeat_rate", "offender_share"}
    assert any(str(i.target).casefold() == "maintain" for i in inds)
    assert any(str(i.target).endswith("%") for i in inds)


def test_group_whose_types_never_occur_is_no_data_not_zero(ds):
    # a misspelt crime type in crime_groups ("Burglery") must not be reported as zero crimes on target
    ds.config.crime_groups["Typo"] = ["Burglery"]
    groups = dict(ds.config.crime_groups)
    inds = targets.parse_targets([_ind(name="T", group="Typo", baseline=10, target="-5%")], "t.yml", groups)
    t = perf.evaluate(inds, ds)
    assert t.loc["T", "status"] == "No data"
    assert "none of the crime types of group 'Typo' (Burglery) occurs in the data" in t.loc["T", "note"]


def test_notebook_follows_the_conventions():
    import nbformat
    nb = nbformat.read(ROOT / "notebooks" / "05_performance.ipynb", 4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# 5. ")
    params = nb.cells[1]
    assert params.metadata.get("tags") == ["parameters"]
    for name in ("year = None", "config = None", "to = None", "out_dir = None", "quarter = None"):
        assert name in params.source
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
    assert sum(c.source.startswith("# ") for c in nb.cells if c.cell_type == "markdown") == 1


def test_misspelt_crime_type_is_one_clear_line(ds, tmp_path):
    p = tmp_path / "targets.yml"
    p.write_text("indicators:\n  - {name: Burg, crime_type: Burglery, baseline: 10, target: -5%, direction: lower}\n")
    with pytest.raises(InputError) as e:
        perf.analyse(ds, targets=p)
    assert "indicator 1 ('Burg'), key 'crime_type': expected a crime type in the data (Burglary, Robbery)" in str(e.value)
    assert "found 'Burglery'" in str(e.value)
