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
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import disclosure
from .config import Config, load_config
from .dataset import Dataset
from .demo import ensure_demo
from .disclosure import check_publishable_values
from .loaders import load_dataset
from .periods import Period
from .periods import resolve_period as resolve_period  # re-exported: it lived here before assessment.periods
from .safe_html import markdown_html, spreadsheet_safe
from .summary import check_keys
from .templating import render
from .words import performance as performance_words

#: set by the runner: a pickle of the loaded Dataset, in the run's private temporary folder
#: (mode 0700, deleted when the run ends; see assessment.outdir) - never beside the report
DATASET_ENV = "ASSESSMENT_DATASET"
#: the MIME type of a "not covered this year" marker (:meth:`Run.not_covered`), read by assessment.render
NOT_COVERED_MIME = "application/vnd.csp-assessment.not-covered+json"


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
    def table(self, df: pd.DataFrame, name: str | None, title: str, source: str | None = None,
              note: str | None = None, index: bool = False, show: bool = True,
              formats: dict | None = None, max_rows: int | None = None, audit: dict | None = None) -> pd.DataFrame:
        """Show ``df`` as a captioned table and write it to ``tables/<name>.csv``.

        ``formats`` maps column -> format string (e.g. ``"{:.2f}"``) or function (e.g.
        :data:`assessment.rounding.PCT`, the report's rule for percentages) for display only;
        the CSV keeps full precision.  ``max_rows`` limits what is shown, not what is saved.
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
            spreadsheet_safe(df).to_csv(self.tables_dir / f"{name}.csv", index=index, encoding="utf-8")
        if show:
            _display(table_html(df if max_rows is None else df.head(max_rows), title,
                                source or self.source, note=note, index=index, formats=formats))
        return df

    def figure(self, fig, title: str, source: str | None = None, alt: str | None = None,
               note: str | None = None) -> None:
        """Show a matplotlib figure as an embedded PNG with its title and source line."""
        import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
        plt.close(fig)
        _display(figure_html(buf.getvalue(), title, source or self.source, alt=alt or title, note=note))

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
        """
        _display(rag_table_html(table, title, source or self.source, note, scheme, threshold, amber_green))

    def text(self, markdown_text: str) -> None:
        """Show computed narrative (markdown) in the report.

        Rendered here, by :func:`assessment.safe_html.markdown_html`: raw HTML in the text
        is shown as text and links and images as their words, so a name from the data can
        never become markup.  Fill data values in with :func:`assessment.safe_html.text`.
        """
        _display(f'<div class="sa-text">{markdown_html(markdown_text)}</div>')

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
                   threshold: float = 0.10, amber_green: float | None = None) -> str:
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

    Returns
    -------
    str
        A ``<figure>`` holding the table, then the key paragraph.
    """
    w = performance_words
    return render("rag_table.html", title=title, source=source, note=note, columns=w.RAG_COLUMNS,
                  rows=w.rag_rows(table), key=w.rag_key(scheme, threshold, amber_green), key_note=w.KEY_NOTE,
                  colours=w.COLOURS)


def figure_html(png: bytes, title: str, source: str, alt: str, note: str | None = None) -> str:
    """A captioned embedded PNG figure with alt text and a source line."""
    b64 = base64.b64encode(png).decode("ascii")
    note_html = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return (f'<figure class="sa-figure"><figcaption>{html.escape(title)}</figcaption>'
            f'<img src="data:image/png;base64,{b64}" alt="{html.escape(alt)}"/>'
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
