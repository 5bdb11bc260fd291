"""What a chapter notebook calls: load the run's data, show and save tables, figures, headlines.

A chapter notebook is thin::

    from assessment import workbook
    from assessment.chapters import crime_in_the_area as chapter
    from assessment.words import crime_in_the_area as words
    run = workbook.open_run(config, year, to=to, out_dir=out_dir, chapter="volumes")
    result = chapter.analyse(run.dataset)
    run.table(words.display_table(result.types_table), "crime_types", title=words.types_title(result))
    run.headline(result.headlines)

Tables are displayed as HTML (with a title that states the finding and a
source line) and written to ``<out_dir>/tables/<name>.csv``; figures are
embedded PNGs with the same title and source; headline figures are written to
``<out_dir>/_summary/<chapter>.json`` and merged into ``summary.json`` by the
runner.  Everything published passes through here, so disclosure control and
identifier checks live in one place (see :mod:`assessment.disclosure`).
"""
from __future__ import annotations

import base64
import html
import io
import json
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from . import disclosure, leaks
from .commentary import CHAPTERS, FRONT, Commentary, read_commentary
from .config import Config, load_config
from .dataset import Dataset
from .demo import ensure_demo
from .disclosure import check_publishable_values
from .errors import AssessmentError, InputError
from .loaders import load_dataset
from .periods import Period
from .periods import resolve_period as resolve_period  # re-exported: it lived here before assessment.periods
from .safe_html import markdown_html, spreadsheet_safe
from .summary import check_keys
from .targets import read_targets
from .templating import render
from .words import labels as column_labels
from .words import performance as performance_words

#: the coordinate reference system of the GeoPackage layers (:meth:`Run.geopackage`): British National Grid
GIS_CRS = "EPSG:27700"
#: set by the runner: a pickle of the loaded Dataset, in the run's private temporary folder
#: (mode 0700, deleted when the run ends; see assessment.outdir) - never beside the report
DATASET_ENV = "ASSESSMENT_DATASET"
#: the MIME type of a "not covered this year" marker (:meth:`Run.not_covered`), read by assessment.render
NOT_COVERED_MIME = "application/vnd.csp-assessment.not-covered+json"

#: the CSVs in tables/: UTF-8 with a byte-order mark, so that Excel (which reads a CSV without one
#: in the machine's legacy code page) shows "Hot spot – 99% confidence", not "Hot spot â€“ 99%"
CSV_ENCODING = "utf-8-sig"


def _label_formats(formats: dict | None, name: str | None, labels: dict | None) -> dict:
    """``formats`` keyed by the labels the table shows (a key may be a column's name or its label)."""
    out = {}
    for k, v in (formats or {}).items():
        out[k] = v
        out[(labels or {}).get(k) or column_labels.label(k, name)] = v
    return out


#: the chapter notebooks' names for their runs (``open_run(chapter=...)``) -> the commentary file's chapters
COMMENTARY_CHAPTERS = {"executive_summary": "summary", "volumes": "crime_in_the_area", "hotspots": "hotspots",
                       "offenders": "offenders", "victims": "victims", "performance": "performance"}
#: the label of a chapter's commentary box
COMMENTARY_LABEL = "Commentary"


def _display(obj_html: str) -> None:
    try:
        from IPython.display import HTML, display  # only in a notebook
        display(HTML(obj_html))
    except ImportError:  # pragma: no cover - IPython is a dependency via ipykernel
        pass


def load_run_dataset(cfg: Config, year=None, to=None) -> Dataset:
    """Load the dataset for a run: from the runner's pickle when present, else from the inputs."""
    cached = os.environ.get(DATASET_ENV)
    if cached and Path(cached).exists():
        with open(cached, "rb") as f:
            return pickle.load(f)
    return load_dataset(cfg, year=year, to=to)


@dataclass
class Run:
    """One chapter's view of a run: the dataset plus where and how to publish."""

    dataset: Dataset
    out_dir: Path
    chapter: str
    headlines: dict = field(default_factory=dict)
    _commentary: Commentary | None = field(default=None, init=False, repr=False)

    @property
    def config(self) -> Config:
        return self.dataset.config

    @property
    def period(self) -> Period:
        return self.dataset.period

    @property
    def tables_dir(self) -> Path:
        return self.out_dir / "tables"

    @property
    def source(self) -> str:
        return self.dataset.source

    # -- publishing -----------------------------------------------------------------
    def table_pair(self, name: str, data: pd.DataFrame, text: dict, audit: dict | None = None) -> None:
        """Publish a table twice: ``tables/<name>.csv`` from ``data`` (machine column names, checked
        by the disclosure audit ``audit``) and, in the report, its readable version
        ``text["display"]`` with ``text["title"]``, ``text["formats"]`` and ``text["note"]`` (as a
        chapter's words module gives them, e.g. :func:`assessment.words.offenders.table_text`)."""
        self.table(data, name, title=text["title"], show=False, audit=audit)
        self.table(text["display"], None, title=text["title"], formats=text["formats"], note=text["note"])

    def table(self, df: pd.DataFrame, name: str | None, title: str, source: str | None = None,
              note: str | None = None, index: bool = False, show: bool | str = True,
              formats: dict | None = None, max_rows: int | None = None, audit: dict | None = None,
              labels: dict | None = None) -> pd.DataFrame:
        """Show ``df`` as a captioned table and write it to ``tables/<name>.csv``.

        The CSV keeps the column names of ``df`` (stable machine names), as UTF-8 with a
        byte-order mark so that Excel reads it right; the table shown has human labels:
        every column and index name by :func:`assessment.words.labels.human` (the one
        dictionary of column labels, which also writes ``tables/README.md``), crime type
        and category names in sentence case.  ``labels`` maps a column to a label for this
        table only (e.g. one naming a year).
        ``formats`` maps column -> format string (e.g. ``"{:.2f}"``) or function (e.g.
        :data:`assessment.rounding.PCT`, the report's rule for percentages) for display only
        (by the column's name in ``df`` or its label); the CSV keeps full precision.
        ``max_rows`` limits what is shown, not what is saved.
        ``show``: ``True`` shows the table, ``False`` only writes the CSV, ``"collapsed"`` shows
        it folded away (:func:`collapsed_html`: a full table in the HTML a reader opens when
        wanted, left out of the PDF).
        ``audit`` is the table's disclosure-audit outcome (the chapter result's ``audit[name]``,
        see :mod:`assessment.disclosure_audit`), recorded in the suppression ledger.
        """
        # the disclosure gate: identifiers always; small counts from personal records for
        # every table written to tables/ (a display-only table is a view of one of those)
        disclosure.check_publishable(df, self.dataset, where=f"table {name or title!r}", name=name)
        if name:
            if name in disclosure.PERSON_TABLES:
                disclosure.record(self.out_dir, self.chapter, name, title, disclosure.suppressed_cells(df, name),
                                  audit=audit)
            self.tables_dir.mkdir(parents=True, exist_ok=True)
            spreadsheet_safe(df).to_csv(self.tables_dir / f"{name}.csv", index=index, encoding=CSV_ENCODING)
        if show not in (True, False, "collapsed"):
            raise ValueError(f"show must be True, False or 'collapsed', not {show!r}")
        if show:
            shown = df if max_rows is None else df.head(max_rows)
            fragment = table_html(column_labels.human(shown, name, labels), title, source or self.source, note=note,
                                  index=index, formats=_label_formats(formats, name, labels))
            _display(collapsed_html(fragment, title, len(shown)) if show == "collapsed" else fragment)
        return df

    def figure(self, fig, title: str, source: str | None = None, alt: str | None = None,
               note: str | None = None) -> None:
        """Show a matplotlib figure as an embedded PNG with its title and source line."""
        import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
        plt.close(fig)
        _display(figure_html(buf.getvalue(), title, source or self.source, alt=alt or title, note=note))

    def geopackage(self, name: str, layers: dict) -> Path | None:
        """Write ``tables/<name>.gpkg``, a GeoPackage for QGIS or ArcGIS: one layer per table.

        Parameters
        ----------
        name : str
            The file's name without ``.gpkg`` (e.g. ``hotspots``).
        layers : dict
            Layer name -> ``(table, polygons)``: a published table (the frame written to its
            CSV, its key as a column, e.g. ``lsoa_code`` or ``ward_code``) and the polygons it is
            drawn with (a GeoDataFrame indexed by that key: ``Dataset.boundaries``, or
            :func:`assessment.figures.maps.ward_boundaries`).  A layer whose table or polygons
            are None is left out.

        Returns
        -------
        Path or None
            The file written; None when no layer had both a table and polygons.

        Every layer keeps its table's rows (in order) and columns, plus the polygon of each row
        (empty when the row's key has none), in EPSG:27700 (British National Grid).  Each table
        passes the same disclosure gate as :meth:`table` before anything is written; the
        file's date is the period's end, so two runs on the same inputs write the same layers.
        """
        import geopandas as gpd  # heavy: geopandas only when a GeoPackage is written
        import pyogrio
        todo = {k: v for k, v in layers.items() if v is not None and v[0] is not None and v[1] is not None}
        if not todo:
            return None
        frames = {}
        for layer, (table, polygons) in todo.items():
            disclosure.check_publishable(table, self.dataset, where=f"GeoPackage layer {layer!r}", name=layer)
            key = polygons.index.name
            if key not in table.columns:
                raise AssessmentError(f"GeoPackage layer {layer!r}: expected a column {key!r} to join the "
                                      f"polygons on, found {', '.join(map(str, table.columns))}")
            geoms = polygons.geometry.copy()
            geoms.index = geoms.index.astype(str)
            shapes = geoms.reindex(table[key].astype("string").fillna("").astype(str).tolist()).to_numpy()
            g = gpd.GeoDataFrame(table.reset_index(drop=True), geometry=gpd.GeoSeries(shapes, crs=polygons.crs))
            g = g.set_crs(GIS_CRS) if g.crs is None else g.to_crs(GIS_CRS)
            frames[layer] = g
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        path = self.tables_dir / f"{name}.gpkg"
        path.unlink(missing_ok=True)
        date = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": f"{self.period.end_date:%Y-%m-%d}T00:00:00.000Z"})
        try:
            for layer, g in frames.items():
                g.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": date})
        return path

    def rag_table(self, table: pd.DataFrame, title: str, source: str | None = None, note: str | None = None,
                  scheme: str = "three", threshold: float = 0.10, amber_green: float | None = None) -> None:
        """Show chapter 5's performance table as a RAG table, with the key to its symbols and colours.

        Parameters
        ----------
        table : DataFrame
            :attr:`PerformanceResult.table <assessment.chapters.performance.PerformanceResult>`
            (its CSV is written by :meth:`table`; this is a view of it).
        title, source, note : str
            The caption stating the finding, the source line (default the run's), a note.
        scheme, threshold, amber_green
            The RAG scheme and thresholds (``performance.*`` in the config), for the key.

        Each indicator's commentary (``# Indicator: <name>`` in the commentary file) and its notes in
        the targets file are shown in a last column, "Commentary", when any indicator has either.
        """
        _display(rag_table_html(table, title, source or self.source, note, scheme, threshold, amber_green,
                                commentary=self.indicator_commentary()))

    def block(self, template: str, title: str, source: str | None = None, note: str | None = None,
              **context) -> None:
        """Show a block of the report drawn by a template of ``assessment/templates/`` (e.g. the ward
        profiles, ``ward_profiles.html``), with ``title``, the source line and ``note``; every value
        in ``context`` is escaped by the template."""
        _display(render(template, title=title, source=source or self.source, note=note, **context))

    def text(self, markdown_text: str) -> None:
        """Show computed narrative (markdown) in the report.

        Rendered here, by :func:`assessment.safe_html.markdown_html`: raw HTML in the text
        is shown as text and links and images as their words, so a name from the data can
        never become markup.  Fill data values in with :func:`assessment.safe_html.text`.
        """
        _display(f'<div class="sa-text">{markdown_html(markdown_text)}</div>')

    # -- the analyst's words (inputs.commentary; see assessment.commentary and data/COMMENTARY.md) ------
    def analyst_commentary(self) -> Commentary:
        """The run's commentary file, read once and checked (:func:`load_commentary`); empty without one."""
        if self._commentary is None:
            self._commentary = load_commentary(self.config, self.period) or Commentary()
        return self._commentary

    def commentary(self, *sections: str) -> None:
        """Show the analyst's commentary where a board reader expects it.

        Without arguments: this chapter's commentary (``# Chapter: ...`` in the file), in a box
        labelled "Commentary" — called at the start of each chapter.  With front sections
        (``"foreword"``, ``"recommendations"``, ``"concerns"``): each under its own heading, in the
        order given — called by the executive summary before its key findings.  A section the file
        does not have, or leaves empty, shows nothing; so does a run without a commentary file.

        The text is the analyst's Markdown rendered by :func:`commentary_html` (raw HTML shown as
        text, links and images as their words), like every other text of the report.
        """
        c = self.analyst_commentary()
        if not sections:
            cid = COMMENTARY_CHAPTERS.get(self.chapter, self.chapter)
            text = c.chapter(cid) if cid in CHAPTERS else ""
            if text:
                _display(f'<div class="sa-commentary"><p class="sa-commentary-label">{html.escape(COMMENTARY_LABEL)}'
                         f"</p>{commentary_html(text)}</div>")
            return
        for key in sections:
            text = c.front(key)
            if text:
                _display(f"<h2>{html.escape(FRONT[key])}</h2>"
                         f'<div class="sa-commentary-front">{commentary_html(text)}</div>')

    def indicator_commentary(self) -> dict:
        """Indicator name (as the targets file spells it) -> the analyst's commentary (Markdown), for
        chapter 5's table and ``tables/performance.csv``."""
        return dict(self.analyst_commentary().indicators)

    def not_covered(self, reason: str | None, keys=(), scope: str = "chapter") -> None:
        """Leave this chapter (``scope="chapter"``), or the section this cell is in (``"section"``:
        from its heading to the next heading of the same level), out of the report: its inputs are
        absent.  The report says so in one line of its "Not covered this year" box, after the
        contents — ``reason`` (a sentence, shown as text) and the config ``keys`` that would bring it
        in — instead of headings answered "Not available" (see :func:`assessment.render.not_covered`).
        ``reason=None`` leaves a section out without a line (nothing is missing: it is not needed).
        The chapter's cells still run: its headline figures are recorded as before.
        """
        if scope not in ("chapter", "section"):
            raise ValueError(f"scope must be 'chapter' or 'section', not {scope!r}")
        data = {"scope": scope, "reason": None if reason is None else str(reason), "keys": [str(k) for k in keys]}
        plain = (f"Not covered this year: {reason}" + (f" (config: {', '.join(data['keys'])})" if keys else "")
                 if reason else "Left out of the report (not needed).")
        try:
            from IPython.display import display  # only in a notebook
            display({NOT_COVERED_MIME: data, "text/plain": plain}, raw=True)
        except ImportError:  # pragma: no cover - IPython is a dependency via ipykernel
            pass

    def headline(self, values: dict) -> None:
        """Record headline figures for summary.json: keys are dotted paths of identifiers (e.g.
        ``crime.total``); figures per named thing are a list of ``{"name": ...}`` objects under one
        key (e.g. ``crime.by_type``) — a name is never part of a key (see :mod:`assessment.summary`)."""
        check_keys(values)
        check_publishable_values(values, self.dataset)
        self.headlines.update(_jsonable(values))
        d = self.out_dir / "_summary"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{self.chapter}.json").write_text(json.dumps(self.headlines, indent=2, sort_keys=True))


def load_commentary(cfg: Config, period: Period | None = None, dataset: Dataset | None = None) -> Commentary | None:
    """The commentary file of the config (``inputs.commentary``) read and checked; None without one.

    Its ``# Indicator:`` headings are checked against the targets file's indicators (none are allowed
    without a targets file), its title (``# Commentary for 2024/25``) against ``period``, and, with
    ``dataset``, its text for the run's personal identifiers (the reference of a victim, offender,
    caller or crime), which it must never hold: the report is published.  Every problem is one line
    (:class:`~assessment.errors.InputError`, exit status 2).  The runner calls this before the
    chapters run, so a bad commentary stops the run at once.
    """
    path = cfg.inputs.commentary
    if path is None:
        return None
    names = [i.name for i in read_targets(cfg.inputs.targets, cfg.crime_groups)] if cfg.inputs.targets else []
    labels = None if period is None else [period.label, period.base_label, period.slug]
    c = read_commentary(path, names, labels)
    if dataset is not None and c:
        ids = leaks.of_dataset(dataset)
        for heading, text, line in c.sections():
            if leaks.found_in(text, ids):
                raise InputError(path, f"the section '# {heading}' (line {line})",
                                 "no reference of a victim, offender, caller or crime: the report is published",
                                 found="one of this run's personal identifiers; take it out")
    return c


def commentary_html(markdown_text: str) -> str:
    """The analyst's Markdown as safe HTML: :func:`assessment.safe_html.markdown_html` (raw HTML shown as
    text, links and images as their words), with its headings made sub-headings (``#`` and ``##`` become
    ``<h3>``) so that they never compete with the report's chapters and sections in the contents.

    >>> commentary_html("## Why <script>x()</script>\\n[see](javascript:alert(1))")
    '<h3>Why &lt;script&gt;x()&lt;/script&gt;</h3>\\n<p>see</p>\\n'
    """
    return re.sub(r"<(/?)h[12]\b", r"<\1h3", markdown_html(markdown_text))


def open_run(config=None, year=None, to=None, out_dir=None, chapter: str = "chapter") -> Run:
    """Open a chapter's run: load the config and dataset, decide the output folder.

    Parameters are the notebook's papermill parameters.  ``config`` defaults to the
    ``assessment.yml`` found in the working folder or a parent; ``year`` to the latest
    complete year in the data; ``out_dir`` to ``reports/<period>/`` beside the config.

    Example
    -------
    >>> run = open_run("assessment.yml", 2024, chapter="volumes")  # doctest: +SKIP
    >>> run.period.label  # doctest: +SKIP
    '2024/25'
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    if cfg.demo:
        ensure_demo(cfg)
    ds = load_run_dataset(cfg, year=year, to=to)
    out = Path(out_dir) if out_dir else cfg.root / "reports" / ds.period.slug
    out.mkdir(parents=True, exist_ok=True)
    _apply_plot_style()
    return Run(dataset=ds, out_dir=out, chapter=chapter)


def _apply_plot_style():
    try:
        from .figures.style import apply_style  # plots loads matplotlib: only when a figure is drawn
        apply_style()
    except ImportError:  # pragma: no cover
        pass


# -- HTML fragments -------------------------------------------------------------------
def _fmt(v, fmt: str | None):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return "–"
    if callable(fmt):                     # e.g. rounding.PCT: the report's one rounding rule
        return v if isinstance(v, str) else fmt(v)
    if fmt:
        try:
            return fmt.format(v)
        except (ValueError, TypeError):
            return str(v)
    if isinstance(v, float):
        return f"{v:,.1f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)


def table_html(df: pd.DataFrame, title: str, source: str, note: str | None = None,
               index: bool = False, formats: dict | None = None) -> str:
    """A captioned, accessible HTML table (numbers right-aligned, header row marked)."""
    formats = formats or {}
    d = df.reset_index() if index else df
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in d.columns)
    numeric = {c for c in d.columns if pd.api.types.is_numeric_dtype(d[c])}
    rows = []
    for rec in d.itertuples(index=False):
        cells = []
        for c, v in zip(d.columns, rec):
            v = v.item() if hasattr(v, "item") else v
            cls = ' class="num"' if c in numeric else ""
            cells.append(f"<td{cls}>{html.escape(_fmt(v, formats.get(c)))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return table_figure(title, head, rows, source, note)


#: the line a folded-away table shows (``Run.table(..., show="collapsed")``)
COLLAPSED_SUMMARY = "{title}: the full table, {rows:,} rows"
COLLAPSED_PRINT_NOTE = "The full table is in the HTML report and the CSV file beside it."


def collapsed_html(fragment: str, title: str, rows: int) -> str:
    """A table (``fragment``, from :func:`table_html`) folded into ``<details>``: closed until the
    reader opens it.  The PDF shows the summary line and a note instead of the rows (print.css).

    >>> collapsed_html("<figure>…</figure>", "Crime by LSOA", 1350).split("</summary>")[0]
    '<details class="sa-collapsed"><summary>Crime by LSOA: the full table, 1,350 rows'
    """
    return (f'<details class="sa-collapsed"><summary>{html.escape(COLLAPSED_SUMMARY.format(title=title, rows=rows))}'
            f'</summary><p class="note sa-print-only">{html.escape(COLLAPSED_PRINT_NOTE)}</p>{fragment}</details>')


def table_figure(title: str, head_cells: str, body_rows: list, source: str, note: str | None = None,
                 css_class: str = "sa-table", table_style: str = "") -> str:
    """The captioned ``<figure>`` every report table sits in: caption (the title stating the
    finding), the table, an optional note and the source line.  ``head_cells`` is the header
    row's ``<th>`` cells and ``body_rows`` the ``<tr>`` rows, already escaped."""
    note_html = f'<p class="note">{html.escape(note)}</p>' if note else ""
    style = f' style="{table_style}"' if table_style else ""
    return (f'<figure class="{css_class}"><figcaption>{html.escape(title)}</figcaption>'
            f'<table{style}><thead><tr>{head_cells}</tr></thead><tbody>{"".join(body_rows)}</tbody></table>'
            f'{note_html}<p class="source">{html.escape(source)}</p></figure>')


def rag_table_html(table: pd.DataFrame, title: str, source: str, note: str | None = None, scheme: str = "three",
                   threshold: float = 0.10, amber_green: float | None = None, commentary: dict | None = None) -> str:
    """Chapter 5's RAG table and its key as accessible HTML (template ``rag_table.html``).

    Status cells are coloured *and* labelled with a symbol and words, so the table reads the same
    in greyscale print; the texts are :mod:`assessment.words.performance`'s, escaped by the template.

    Parameters
    ----------
    table : DataFrame
        :attr:`PerformanceResult.table <assessment.chapters.performance.PerformanceResult>`.
    title, source, note : str
        The caption, the source line, an optional note.
    scheme, threshold, amber_green
        The RAG scheme and thresholds, for the key.
    commentary : dict, optional
        Indicator name -> the analyst's commentary (Markdown), shown with the targets file's notes
        in a last column (:data:`assessment.words.performance.COMMENTARY_COLUMN`) when any
        indicator has either; rendered by :func:`commentary_html`.

    Returns
    -------
    str
        A ``<figure>`` holding the table, then the key paragraph.
    """
    w = performance_words
    rows = w.rag_rows(table, commentary)
    for r in rows:   # Markup: made safe by markdown_html (raw HTML escaped), not by the template
        r["commentary_html"] = Markup(commentary_html(r["commentary"])) if r["commentary"] else ""
    return render("rag_table.html", title=title, source=source, note=note, columns=w.rag_columns(rows),
                  rows=rows, key=w.rag_key(scheme, threshold, amber_green), key_note=w.KEY_NOTE,
                  colours=w.COLOURS, commentary_column=w.COMMENTARY_COLUMN, notes_label=w.NOTES_LABEL)


#: figures are saved at this resolution (pixels per figure inch) ...
FIGURE_DPI = 150
#: ... and shown on screen at this many CSS pixels per figure inch at least: the charts' smallest
#: text (6.5 pt, map labels) is then 9 CSS px, the least a phone reader can read.  A screen
#: narrower than the chart scrolls it sideways (report.css) rather than shrinking its text.
READABLE_PX_PER_INCH = 100


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG (its IHDR chunk).

    >>> png_size(bytes.fromhex("89504e470d0a1a0a0000000d49484452000004b0000002a3"))
    (1200, 675)
    """
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def figure_html(png: bytes, title: str, source: str, alt: str, note: str | None = None,
                dpi: float = FIGURE_DPI) -> str:
    """A captioned embedded PNG figure with alt text and a source line.

    The image's ``width`` and ``height`` are its readable size in CSS pixels
    (:data:`READABLE_PX_PER_INCH` per inch of a figure saved at ``dpi``); wide screens show it
    as wide as the column, narrow ones at this size, scrolled sideways (report.css).
    """
    b64 = base64.b64encode(png).decode("ascii")
    note_html = f'<p class="note">{html.escape(note)}</p>' if note else ""
    try:
        w, h = (round(v * READABLE_PX_PER_INCH / dpi) for v in png_size(png))
        size = f' width="{w}" height="{h}"'
    except ValueError:  # not a whole PNG: shown at its own size
        size = ""
    return (f'<figure class="sa-figure"><figcaption>{html.escape(title)}</figcaption>'
            f'<img src="data:image/png;base64,{b64}" alt="{html.escape(alt)}"{size}/>'
            f'{note_html}<p class="source">{html.escape(source)}</p></figure>')


def _jsonable_value(v):
    if hasattr(v, "item") and not isinstance(v, (dict, list, tuple, str)):
        v = v.item()
    if v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, dict):
        return _jsonable(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable_value(x) for x in v]
    return v


def _jsonable(values: dict) -> dict:
    """Plain JSON values: numpy scalars as Python numbers, NaN and NA as None, at any depth."""
    return {k: _jsonable_value(v) for k, v in values.items()}
