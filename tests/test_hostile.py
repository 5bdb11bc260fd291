"""Hostile inputs (issue 11): no name in any input becomes live markup, a fetch, a file read or
a PDF attachment.

Each payload below is what a downloaded public file or a supplier's extract could carry in a
crime type, ward, LSOA, group, indicator or owner name, or a config string.  The outcome every
case must give: the text is shown literally; the HTML holds no script, event handler, form,
meta refresh, frame, external link or fetchable URL; the report carries the
Content-Security-Policy; the PDF renderer requests nothing (a local HTTP server counts
requests) and attaches nothing.

Layers tested one by one (each must hold alone) and together (a whole run on hostile data).
"""
from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from assessment import render, safe_html, workbook

SECRET = "TOPSECRET-4fd1c9"  # the content of a local file a payload tries to pull into the PDF


@pytest.fixture(scope="module")
def server():
    """A local HTTP server that records every request (nothing may reach it)."""
    hits: list[str] = []

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # http.server's naming
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("secret") / "victims.csv"
    p.write_text(f"crime_id,victim_id\nDB1,{SECRET}\n")
    return p


def payloads(base: str, secret: Path) -> dict[str, str]:
    """The hostile names: each a kind of attack, with the outcome 'shown as text, does nothing'."""
    f = secret.as_uri()
    return {
        "attachment-link": f'Public order <a rel="attachment" href="{f}">(note)</a>',
        "attachment-link-tag": f'<link rel="attachment" href="{f}">Ward',
        "img-onerror": '<img src="data:image/png;base64,AAAA" onerror="alert(1)">Shoplifting',
        "img-remote": f'<img src="{base}/img.png">Burglary',
        "script": f"<script>fetch('{base}/js')</script>Robbery",
        "script-breakout": f"</script><script>new Image().src='{base}/b'</script>",
        "md-link-javascript": "[click me](javascript:alert(1)) Theft",
        "md-link-remote": f"[details]({base}/md) Vehicle crime",
        "md-image-file": f"![x]({f}) Arson",
        "md-image-remote": f"![x]({base}/mdimg.png) Drugs",
        "meta-refresh": f'<meta http-equiv="refresh" content="0;url={base}/refresh">Other theft',
        "form": f'<form action="{base}/post" method="post"><input name="q" value="x"><button>Go</button></form>',
        "css-url-style-tag": f"<style>body{{background:url({base}/css)}}</style>Possession",
        "css-url-attribute": f'<div style="background:url({base}/attr)">Criminal damage</div>',
        "css-import": f"<style>@import url('{base}/import.css');</style>Public order",
        "iframe": f'<iframe src="{base}/frame"></iframe>Bicycle theft',
        "object-file": f'<object data="{f}"></object>Weapons',
        "embed": f'<embed src="{base}/embed">Anti-social',
        "base-href": f'<base href="{base}/">Theft from the person',
        "svg-onload": "<svg onload=alert(1)><circle r=5></circle></svg>Hate crime",
        "a-onclick": '<a href="#x" onclick="alert(1)">Ward 7</a>',
        "jinja": "{{ 7*7 }} {% for x in y %}{{ x }}{% endfor %} Domestic",
        "jinja-config": "{{ config.__class__.__init__.__globals__ }}",
        "entity": "&lt;b&gt;not bold&lt;/b&gt; &amp; more",
        "newline-heading": "Theft\n# Injected heading\n<b>bold</b>",
        "mathtext": r"$\frac{1}{0}$ Theft $x^2$",
        "data-url-html": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">open</a>',
        "file-url-text": f"url({f}) Misc",
        "csv-formula": f'=HYPERLINK("{base}/xl","Open")',
        "csv-formula-at": "@SUM(1+1)*cmd|' /C calc'!A0",
    }


def live_markup(doc: str) -> list[str]:
    """Everything in an HTML document or fragment that could run, fetch, send or navigate."""
    soup = BeautifulSoup(doc, "html.parser")
    bad = []
    head_ok = {("meta", "charset"), ("meta", "viewport"), ("meta", "generator"), ("meta", "csp")}
    for tag in soup.find_all(True):
        name = tag.name
        if name == "script" and tag.parent is not None and tag.parent.name == "body" and not tag.attrs \
                and tag.string == render.report_script():
            continue  # the report's own script (sortable tables), allowed by the policy by its hash
        if name in ("script", "iframe", "object", "embed", "form", "input", "button", "base", "link", "frame",
                    "frameset", "applet", "svg", "math", "textarea", "select", "video", "audio", "source"):
            bad.append(f"<{name}>")
        if name == "meta":
            kind = ("meta", "charset") if tag.get("charset") else ("meta", tag.get("name") or "")
            if (tag.get("http-equiv") or "").lower() == "content-security-policy" and tag.parent.name == "head":
                kind = ("meta", "csp")
            if kind not in head_ok:
                bad.append(f"<meta {dict(tag.attrs)}>")
        if name == "style" and (tag.parent is None or tag.parent.name != "head"):
            bad.append("<style> outside head")
        for attr, value in tag.attrs.items():
            v = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                bad.append(f"{name}[{attr}]")
            if attr == "href" and not v.startswith("#"):
                bad.append(f"{name}[href={v[:40]}]")
            if attr in ("src", "data", "action", "formaction", "srcset", "poster", "background") and \
                    not (attr == "src" and v.startswith("data:image/")):
                bad.append(f"{name}[{attr}={v[:40]}]")
            if attr == "style" and "url(" in v.replace(" ", "").lower():
                bad.append(f"{name}[style url()]")
            if attr == "rel":
                bad.append(f"{name}[rel={v}]")
    for style in soup.find_all("style"):
        # the one url() allowed: the shipped typeface, inlined as data: (assessment.typeface; CSP font-src data:)
        css = re.sub(r"url\(data:font/ttf;base64,[A-Za-z0-9+/=]+\)", "", style.get_text())
        if "url(" in css.replace(" ", "").lower() or "@import" in css:
            bad.append("url() in a stylesheet")
    return bad


@pytest.fixture(scope="module")
def cases(server, secret_file):
    return payloads(server[0], secret_file)


CASE_NAMES = list(payloads("http://127.0.0.1:1", Path("/tmp/x")).keys())


def test_the_corpus_is_large_enough():
    assert len(CASE_NAMES) >= 25


# -- layer 1: prose ------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASE_NAMES)
def test_prose_with_a_hostile_name_is_text(case, cases):
    payload = cases[case]
    out = safe_html.markdown_html(f"The largest rise was in {payload}.")
    assert live_markup(out) == [], out
    # and with the value escaped as prose should fill it in, the words survive literally
    literal = safe_html.markdown_html(safe_html.text("The largest rise was in {name}.", name=payload))
    assert live_markup(literal) == []
    shown = BeautifulSoup(literal, "html.parser").get_text()
    assert " ".join(payload.split()) in shown


# -- layer 2: every way a chapter publishes, through the report's own assembly --------------------
def _chapter_with(payload: str, captured: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# 1. Crime in the area"))
    cell = nbformat.v4.new_code_cell("")
    for h in captured:
        cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/html": h}))
    # a chapter that displays raw markdown or HTML itself (not through Run) must not get past either
    cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/markdown": f"Raw: {payload}"}))
    cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/html": f"<p>Raw: {payload}</p>"}))
    nb.cells.append(cell)
    return nb


def _publish(payload: str, tmp_path, monkeypatch) -> list:
    captured: list[str] = []
    monkeypatch.setattr(workbook, "_display", captured.append)
    ds = type("DS", (), {"config": None, "source": f"Source: {payload}", "victims": None, "offenders": None,
                         "asb": None})()
    run = workbook.Run(dataset=ds, out_dir=tmp_path, chapter="t")
    run.text(f"**Most crime** was in {payload}; see {payload}.")
    run.table(pd.DataFrame({"crime_type": [payload, "Burglary"], "count": [3, 4]}), "hostile",
              title=f"{payload} rose most", note=f"Note on {payload}")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from assessment.figures.style import apply_style
    apply_style()
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.set_title(payload)
    ax.bar([payload[:20]], [1])
    run.figure(fig, title=payload, alt=payload, note=payload)
    return captured


@pytest.mark.parametrize("case", CASE_NAMES)
def test_a_chapter_publishing_hostile_names_gives_inert_html(case, cases, tmp_path, monkeypatch):
    payload = cases[case]
    captured = _publish(payload, tmp_path, monkeypatch)
    body, heads = render.chapter_html(_chapter_with(payload, captured), "ch-1", tmp_path, set())
    assert live_markup(body) == [], body[:2000]
    # the table cell shows the name literally
    assert " ".join(payload.split()) in " ".join(BeautifulSoup(body, "html.parser").get_text().split())
    # the CSV keeps it as data (a formula is neutralised for Excel, see the csv-formula case)
    csv = pd.read_csv(tmp_path / "tables" / "hostile.csv", dtype=str, encoding="utf-8")
    assert csv["crime_type"].iloc[0] in (payload, "'" + payload)


@pytest.mark.parametrize("case", ["csv-formula", "csv-formula-at"])
def test_a_name_that_excel_would_run_as_a_formula_is_written_as_text(case, cases, tmp_path, monkeypatch):
    _publish(cases[case], tmp_path, monkeypatch)
    csv = pd.read_csv(tmp_path / "tables" / "hostile.csv", dtype=str, encoding="utf-8")
    assert csv["crime_type"].iloc[0] == "'" + cases[case]
    assert csv["count"].tolist() == ["3", "4"]


def test_whole_report_document_carries_the_policy_and_nothing_live(cases, tmp_path, monkeypatch):
    from assessment.periods import make_period
    chapters = []
    for case, payload in cases.items():
        chapters.append((f"0{len(chapters) % 9}_{case}.ipynb", _chapter_with(payload, _publish(payload, tmp_path, monkeypatch))))
    doc = render.report_html(chapters, area=cases["attachment-link"], period=make_period("financial", year=2024),
                             synthetic=True, source=cases["jinja"])
    assert live_markup(doc) == []
    soup = BeautifulSoup(doc, "html.parser")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None and csp.parent.name == "head"
    policy = csp["content"]
    own = safe_html.csp([render.report_script()]).split("script-src ")[1].split(";")[0]
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", own)  # the report's own script, by hash, and no other
    for directive in ("default-src 'none'", "img-src data:", f"script-src {own};", "form-action 'none'",
                      "base-uri 'none'", "connect-src 'none'"):
        assert directive in policy
    assert len(soup.find_all("script")) == 1
    assert "{{" in soup.find("p", class_="report-source").get_text()  # a Jinja-like name stays text
    assert "49" not in soup.find("p", class_="report-source").get_text()


# -- layer 3: the PDF renderer fetches nothing it was not given ----------------------------------
def _raw_hostile_document(base: str, secret: Path) -> str:
    """HTML that bypasses the first two layers, as if both had failed."""
    f = secret.as_uri()
    return (f'<html><head><link rel="stylesheet" href="{base}/sheet.css"><style>@import url("{base}/imp.css");'
            f'body {{ background: url("{base}/bg.png") }} @font-face {{ font-family: X; src: url("{base}/f.woff") }}'
            f'</style></head><body><p>Report</p><a rel="attachment" href="{f}">attached</a>'
            f'<link rel="attachment" href="/etc/hostname"><img src="{base}/i.png"><img src="{f}">'
            f'<object data="{f}"></object><embed src="{f}"><iframe src="{base}/frame"></iframe>'
            f'<div style="background-image:url({f})">x</div><img src="relative.png"></body></html>')


def test_pdf_renderer_requests_nothing_and_attaches_nothing(server, secret_file, tmp_path):
    base, hits = server
    before = len(hits)
    refused: list[str] = []
    pdf = render.write_pdf(_raw_hostile_document(base, secret_file), tmp_path / "r.pdf", warn=refused.append)
    assert hits[before:] == []
    data = pdf.read_bytes()
    assert SECRET.encode() not in data
    assert b"/EmbeddedFile" not in data and b"/FileAttachment" not in data
    assert refused, "the refused URLs are reported"
    from pypdf import PdfReader
    reader = PdfReader(str(pdf))
    assert not reader.attachments
    assert "Report" in reader.pages[0].extract_text()


def test_offline_fetcher_serves_data_uris_and_package_assets_only(tmp_path):
    asset = next(p for p in safe_html.ASSETS.iterdir() if p.is_file())
    assert safe_html.allowed_url(asset.as_uri())
    assert not safe_html.allowed_url((safe_html.ASSETS / ".." / "__init__.py").resolve().as_uri())
    assert not safe_html.allowed_url(Path("/etc/passwd").as_uri())
    for url in ("http://127.0.0.1/x", "https://example.org/", "ftp://x/y", "javascript:alert(1)", "about:blank",
                "//127.0.0.1/x", "x.png"):
        assert not safe_html.allowed_url(url)


def test_the_fetcher_serves_the_fonts_it_is_given_and_nothing_else_by_their_names():
    """The PDF's fonts come from memory under short names (render._fonts_by_reference); a name it was not
    given is refused like any other URL, and a document's own text never becomes one."""
    from weasyprint.urls import URLFetchingError, fetch

    from assessment.render import _fonts_by_reference
    given = {"sa-font:0": (b"\x00\x01", "font/ttf")}
    with fetch(safe_html.offline_fetcher(given=given), "sa-font:0") as r:
        assert r.read() == b"\x00\x01"
    plain = safe_html.offline_fetcher()
    for fetcher, url in ((plain, "sa-font:0"), (safe_html.offline_fetcher(given=given), "sa-font:1")):
        with pytest.raises(URLFetchingError):
            with fetch(fetcher, url):
                pass
        assert fetcher.refused == [url]
    hostile = "url(data:font/ttf;base64,AAEC)"
    page = f"<title>{hostile}</title><style>@font-face {{ src: {hostile} }}</style><p>{hostile}</p>"
    out, fonts = _fonts_by_reference(page)
    assert out.count(hostile) == 2 and list(fonts) == ["sa-font:0"]


# -- a browser opening the report ------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_browser_opening_a_policy_page_fetches_nothing(server, tmp_path):
    """The Content-Security-Policy alone stops fetches and scripts in a real browser."""
    base, hits = server
    before = len(hits)
    page = tmp_path / "p.html"
    page.write_text(f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
                    f'content="{safe_html.csp()}"><style>body{{background:url({base}/css-bg)}}</style></head><body>'
                    f'<img src="{base}/img"><script>fetch("{base}/script")</script>'
                    f'<div style="background:url({base}/attr)">x</div>'
                    f'<img src="data:image/png;base64,AAAA" onerror="new Image().src=\'{base}/onerror\'">'
                    f'</body></html>', encoding="utf-8")
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'ud'}",
                           "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert "<body>" in proc.stdout
    assert hits[before:] == []


# -- the whole run on hostile data -----------------------------------------------------------------
def _hostile_copy(root: Path, cases: dict) -> Path:
    """The demo's inputs with hostile names in crime types, ward and LSOA names, groups, indicators,
    owners, the area name and the source line."""
    import geopandas as gpd
    import yaml
    from conftest import DEMO_CONFIG

    from assessment.config import load_config
    from assessment.demo import ensure_demo
    cfg = load_config(DEMO_CONFIG)
    ensure_demo(cfg)
    data = root / "data"
    data.mkdir()
    for name in ("victims.csv", "offenders.csv", "asb.csv", "population.csv"):
        shutil.copy(DEMO_CONFIG.parent / "data" / "demo" / name, data / name)
    types = {"Public order": cases["attachment-link"], "Shoplifting": cases["img-onerror"],
             "Drugs": cases["md-link-javascript"], "Bicycle theft": cases["meta-refresh"],
             "Other theft": cases["css-url-style-tag"], "Possession of weapons": cases["jinja"],
             "Robbery": cases["form"], "Burglary": cases["md-image-file"]}
    crimes = pd.read_csv(DEMO_CONFIG.parent / "data" / "demo" / "crimes.csv", dtype=str)
    crimes["crime_type"] = crimes["crime_type"].replace(types)
    crimes.to_csv(data / "crimes.csv", index=False)
    wards = pd.read_csv(DEMO_CONFIG.parent / "maps" / "demo" / "lsoa_wards.csv", dtype=str)
    ward_col = next(c for c in wards.columns if c.upper().startswith("WD") and c.upper().endswith("NM"))
    first = sorted(wards[ward_col].unique())
    wards[ward_col] = wards[ward_col].replace({first[0]: cases["attachment-link-tag"], first[1]: cases["script"],
                                               first[2]: cases["svg-onload"], first[3]: cases["base-href"]})
    wards.to_csv(data / "wards.csv", index=False)
    g = gpd.read_file(DEMO_CONFIG.parent / "maps" / "demo" / "lsoa.gpkg")
    name_col = next(c for c in g.columns if c.upper().endswith("NM"))
    g.loc[g.index[:4], name_col] = [cases["iframe"], cases["css-import"], cases["object-file"], cases["mathtext"]]
    g.to_file(data / "lsoa.gpkg", driver="GPKG")
    targets = yaml.safe_load((DEMO_CONFIG.parent / "data" / "demo-targets.yml").read_text())
    targets["title"] = cases["data-url-html"]
    for ind, key in zip(targets["indicators"], ("a-onclick", "embed", "newline-heading", "md-link-remote")):
        ind["owner"] = cases[key]
    targets["indicators"][0]["name"] = cases["css-url-attribute"]
    groups = {"Violence and sexual offences": ["Violence and sexual offences"],
              cases["script-breakout"]: [types["Robbery"], types["Burglary"]],
              cases["newline-heading"].replace("\n", " "): [types["Shoplifting"]]}
    for ind in targets["indicators"]:
        if ind.get("group") and ind["group"] not in groups:
            ind["group"] = cases["script-breakout"]
        if ind.get("crime_type") in types:
            ind["crime_type"] = types[ind["crime_type"]]
    (data / "targets.yml").write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
    config = {"area": {"name": cases["attachment-link"]}, "synthetic": True, "period": "financial",
              "source": cases["md-image-remote"],
              "inputs": {"crimes": "data/crimes.csv", "victims": "data/victims.csv", "offenders": "data/offenders.csv",
                         "asb": "data/asb.csv", "population": "data/population.csv", "boundaries": "data/lsoa.gpkg",
                         "wards": "data/wards.csv", "targets": "data/targets.yml"},
              "crime_groups": groups}
    path = root / "hostile.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, cases, server):
    root = tmp_path_factory.mktemp("hostile")
    config = _hostile_copy(root, cases)
    from conftest import run_cli
    base, hits = server
    before = len(hits)
    proc = run_cli("run", "--config", str(config), "--year", "2024", "--out", str(root / "out"))
    return root, proc, hits[before:]


def test_hostile_run_succeeds_and_shows_every_name_as_text(hostile_run, cases):
    root, proc, hits = hostile_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = root / "out"
    html = next(p for p in out.glob("*.html") if not p.stem.endswith("-technical-annex")).read_text(encoding="utf-8")
    assert live_markup(html) == []
    assert hits == [], "nothing was fetched from the local server while the report was made"
    assert "Content-Security-Policy" in html


def test_hostile_run_pdf_has_no_attachment_and_no_local_file(hostile_run, secret_file):
    root, proc, _ = hostile_run
    from pypdf import PdfReader
    pdfs = sorted((root / "out").glob("*.pdf"))   # the report and its technical annex
    assert len(pdfs) == 2
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert SECRET.encode() not in data
        assert not PdfReader(str(pdf)).attachments
        if shutil.which("pdfdetach"):
            listing = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True).stdout
            assert listing.strip().startswith("0 embedded files")


def test_hostile_run_notebooks_and_tables_hold_names_as_data(hostile_run, cases):
    root, proc, _ = hostile_run
    out = root / "out"
    for nb_path in (out / "notebooks").glob("*.ipynb"):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for o in cell.get("outputs", []):
                h = o.get("data", {}).get("text/html")
                if h:
                    h = "".join(h) if isinstance(h, list) else h
                    # pandas' own repr of a bare cell result carries this fixed stylesheet
                    h = re.sub(r"<style scoped>\s*\.dataframe[^<]*</style>", "", h)
                    assert live_markup(h) == [], nb_path.name
                assert "text/markdown" not in o.get("data", {}), "prose is rendered safely, not as raw markdown"
    types = pd.read_csv(out / "tables" / "crime_types.csv", dtype=str, encoding="utf-8")
    assert cases["attachment-link"] in set(types.iloc[:, 0])
