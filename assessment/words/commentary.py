"""The commentary scaffold in words: the file ``assessment commentary --year Y`` writes.

A scaffold is a commentary file (see :mod:`assessment.commentary` and ``data/COMMENTARY.md``) with
every heading the report places — foreword, recommendations, areas of concern and mitigation, one
per chapter, one per indicator of the targets file — and under each a **prompt**: what to write
there and this year's figures to write about ("say why they changed, and what the partnership will
do about them"), each with the ``summary.json`` keys it comes from (``> Total recorded crime rose
3.7% ... (summary.json: crime.total, crime.change_pct)``).  The prompts are notes (``<!-- ... -->``), which the report
never shows, so a section the analyst has not written yet is left out rather than printed as a
prompt.

The figures are the published ones only: the key-finding sentences the executive summary writes
from ``summary.json`` (:func:`assessment.words.summary.key_findings`) and each indicator's row of
``tables/performance.csv`` — figures that have passed disclosure control, never a record.

Example
-------
>>> s = {"period": {"label": "2024/25"}, "area": {"name": "Testham"},
...      "crime": {"total": 1100, "previous_total": 1000, "change": 100, "change_pct": 0.1}}
>>> text = scaffold(s)
>>> "# Commentary for 2024/25" in text and "# Chapter: Crime in the area" in text
True
>>> print(next(line for line in text.splitlines() if line.startswith("> Total")))
> Total recorded crime rose 10.0% in 2024/25 compared with the previous 12 months (100 more offences, 1,100 in all). (summary.json: crime.total, crime.previous_total, crime.change, crime.change_pct)
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..commentary import CHAPTERS, FRONT
from ..errors import one_line
from ..stats import rag
from .performance import display_table
from .summary import key_findings

#: which chapter each key finding's topic belongs to (:class:`assessment.chapters.summary.Finding`)
TOPIC_CHAPTER = {"crime": "crime_in_the_area", "by_group": "crime_in_the_area", "by_type": "crime_in_the_area",
                 "hotspots": "hotspots", "offenders": "offenders", "victims": "victims", "asb": "victims",
                 "performance": "performance", "comparison": "performance"}

#: what to write under each front section
FRONT_PROMPTS = {
    "foreword": "Who this assessment is for, what it covers and what the board is asked to do with it "
                "(a few sentences; the partnership's chair often signs it).",
    "recommendations": "What the partnership should do in the coming year: numbered, each with who will do it "
                       "and by when, each following from the evidence in the chapters.",
    "concerns": "Each concern, the evidence for it, and what the partnership is doing to mitigate it.",
}

#: what to write at the start of each chapter
CHAPTER_PROMPTS = {
    "summary": "Your reading of the year as a whole: what the board should take from the key findings below "
               "(shown at the start of the key findings).",
    "crime_in_the_area": "What changed in the volume and mix of crime, why, and what the partnership will do.",
    "hotspots": "Where crime concentrates, whether the places are new or persistent, and what is planned for them.",
    "offenders": "What the picture of prolific offending means for the partnership's offender management.",
    "victims": "What repeat victimisation and repeat calling mean for support and safeguarding.",
    "performance": "How the partnership is doing against its targets overall (each indicator has its own "
                   "section below, shown in the table's Commentary column).",
}

#: what the chapter prompts ask of this year's figures
ASK = "This year's figures: say why they changed, and what the partnership will do about them."
#: how each indicator prompt ends
INDICATOR_ASK = "Say why, and what is being done."


def _safe(text: str) -> str:
    """Text for inside a note: one line, and no ``-->`` (which would end the note) nor ``<!--``."""
    return one_line(text).replace("-->", "- ->").replace("<!--", "< !--")


def _keys(keys) -> str:
    """' (summary.json: crime.total, crime.by_group[name="Burglary"])': a named item's figures as the item."""
    shown = []
    for k in keys:
        if k.startswith(("period.", "crime.scope.")):
            continue
        k = k[:k.index("]") + 1] if "[" in k and "]" in k else k
        if k not in shown:
            shown.append(k)
    return f" (summary.json: {', '.join(shown)})" if shown else ""


def finding_prompts(summary: dict, lsoas: pd.DataFrame | None = None, asb_rule: tuple = (10, 24)) -> dict:
    """Chapter id -> the prompt lines of its key findings (``> sentence (summary.json: keys)``).

    Parameters
    ----------
    summary : dict
        ``summary.json`` of the period.
    lsoas : DataFrame, optional
        The LSOA table with ward names (to name the wards of the hot spots).
    asb_rule : tuple
        The repeat-caller rule (calls, weeks), as in the config.

    Returns
    -------
    dict
        Every chapter of :data:`assessment.commentary.CHAPTERS` but the summary, each a list of lines.
    """
    out = {cid: [] for cid in CHAPTERS if cid != "summary"}
    for f in key_findings(summary, lsoas, asb_rule=asb_rule):
        cid = TOPIC_CHAPTER.get(f.topic, "crime_in_the_area")
        out[cid].append(f"> {_safe(f.sentence)}{_safe(_keys(f.keys))}")
    return out


def indicator_lines(performance: pd.DataFrame | None, indicators: list) -> dict:
    """Indicator name -> its prompt: this year's figures from ``tables/performance.csv`` in the words of
    chapter 5's table ('5,871 against a target of 5,482 (−5%): ◐ Up to 10% off target; ▲ up, deteriorating
    (last year 5,770). Owner: ...'), or what it measures when there is no table.

    Parameters
    ----------
    performance : DataFrame or None
        ``tables/performance.csv`` indexed by indicator (as :func:`read_performance` reads it).
    indicators : list of Indicator
        The targets file's indicators (their formats, and the list of headings).

    Returns
    -------
    dict
    """
    fmt = {i.name: i.format for i in indicators}
    shown = {}
    if performance is not None and len(performance):
        t = performance.copy()
        t["format"] = [fmt.get(str(n), "count") for n in t.index]
        d = display_table(t)
        for name, r in d.iterrows():
            s = (f"{r['Actual']} against a target of {r['Target']}: {r['Status']}; {r['Direction of travel']}"
                 + (f" (last year {r['Last year']})" if r["Last year"] != "–" else "")
                 + (f". Owner: {r['Owner']}" if str(r["Owner"]).strip() and str(r["Owner"]) != "nan" else "") + ".")
            note = performance.loc[name, "note"] if "note" in performance else None
            if isinstance(note, str) and note.strip():
                s += f" Why no data: {note.strip()}."
            shown[str(name)] = s
    out = {}
    for ind in indicators:
        figures = shown.get(ind.name) or f"{ind.description} (no figures: chapter 5 did not report it)."
        out[ind.name] = f"> {_safe(figures)} {INDICATOR_ASK}"
    return out


def concern_lines(performance: pd.DataFrame | None) -> list[str]:
    """The indicators that may be concerns: missing their target, or deteriorating, worst first."""
    if performance is None or not len(performance):
        return []
    order = {"red": 0, "amber_red": 1, "amber": 2, "amber_green": 3}
    rows = []
    for name, r in performance.iterrows():
        level = rag.status_level(str(r["status"])) if isinstance(r["status"], str) else "no_data"
        worse = str(r.get("travel", "")) == rag.DETERIORATING
        if level in order or worse:
            what = str(r["status"]) + ("; deteriorating" if worse else "")
            rows.append((order.get(level, 9), f"- {_safe(str(name))}: {_safe(what)}"))
    return [line for _, line in sorted(rows, key=lambda x: x[0])]


def _note(lines: list[str]) -> list[str]:
    return ["<!--", *lines, "-->"]


def scaffold(summary: dict, indicators: list | None = None, performance: pd.DataFrame | None = None,
             source: str = "summary.json", lsoas: pd.DataFrame | None = None, asb_rule: tuple = (10, 24),
             file_name: str = "commentary.md") -> str:
    """The scaffold's text (see the module docstring).

    Parameters
    ----------
    summary : dict
        ``summary.json`` of the period.
    indicators : list of Indicator, optional
        The targets file's indicators (one ``# Indicator:`` heading each); None without a targets file.
    performance : DataFrame, optional
        ``tables/performance.csv`` indexed by indicator.
    source : str
        Where the figures come from, for the note at the top.
    lsoas : DataFrame, optional
        The LSOA table with ward names.
    asb_rule : tuple
        The repeat-caller rule (calls, weeks).
    file_name : str
        The scaffold's file name, for the line telling how to use it.

    Returns
    -------
    str
        Markdown, ending with a line break.
    """
    area = (summary.get("area") or {}).get("name") or "the area"
    label = (summary.get("period") or {}).get("label") or ""
    out = _note([
        f"Commentary for {_safe(area)}, {_safe(label)}: your own words in the strategic assessment.",
        "",
        "Write under each heading. The report places each section where a board reader expects it:",
        "  # Foreword, # Recommendations, # Areas of concern and mitigation: at the front, before the key findings;",
        "  # Chapter: ...  at the start of that chapter;",
        "  # Indicator: ...  in the Commentary column of the performance table (chapter 5).",
        "A section left empty, or holding only a note like this one, is not shown: delete the sections you do",
        "not need. Notes like this one are never shown; the prompts under the headings are notes too.",
        "Markdown works (**bold**, lists, tables, ## sub-headings). HTML is shown as text and links as their",
        "words. Never name or identify a victim, offender or caller.",
        "",
        f"To use it, name it in the config:   inputs: {{commentary: {_safe(file_name)}}}   (see data/COMMENTARY.md).",
        f"The figures in the prompts are the published figures of {_safe(label)}, from {_safe(source)}.",
    ])
    out += ["", f"# Commentary for {label}" if label else "# Commentary", ""]
    findings = finding_prompts(summary, lsoas, asb_rule)
    concerns = concern_lines(performance)
    for key, heading in FRONT.items():
        lines = [FRONT_PROMPTS[key]]
        if key == "concerns" and concerns:
            lines += ["This year's indicators that missed their target or worsened:", *concerns]
        out += [f"# {heading}", *_note(lines), ""]
    for cid, (heading, _) in CHAPTERS.items():
        lines = [CHAPTER_PROMPTS[cid]]
        if cid != "summary":
            figs = findings.get(cid) or []
            lines += ([ASK, *figs] if figs else
                      ["No key findings for this chapter this year (its inputs were not supplied, or its figures "
                       "were suppressed); say so if the board should know why."])
        out += [f"# Chapter: {heading}", *_note(lines), ""]
    if indicators:
        for name, line in indicator_lines(performance, indicators).items():
            out += [f"# Indicator: {one_line(name)}", *_note([line]), ""]
    else:
        out += _note(["No targets file (inputs.targets), so there are no '# Indicator:' sections."]) + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def read_performance(path) -> pd.DataFrame | None:
    """``tables/performance.csv`` of a report, indexed by indicator (None when the file is not there)."""
    path = Path(path)
    if not path.is_file():
        return None
    t = pd.read_csv(path, encoding="utf-8-sig", dtype={"indicator": str, "target_spec": str, "status": str,
                                                       "travel": str, "owner": str, "note": str, "notes": str})
    for c in t.columns:
        if t[c].dtype == object or pd.api.types.is_string_dtype(t[c]):   # text as the workbook had it: without
            # the ' that kept Excel from running it as a formula
            t[c] = t[c].fillna("").map(_unguard)
    return t.set_index("indicator")


def _unguard(v):
    """A CSV cell without the ``'`` :func:`assessment.safe_html.spreadsheet_safe` put before text Excel would
    run as a formula ('+5%' was written as "'+5%").

    >>> _unguard("'+5%"), _unguard("'=1+1"), _unguard("O'Neil"), _unguard("'quoted'")
    ('+5%', '=1+1', "O'Neil", "'quoted'")
    """
    return v[1:] if isinstance(v, str) and len(v) > 1 and v[0] == "'" and v[1] in "=+-@\t\r" else v
