"""The executive summary's data: the chapters' headline figures gathered, read and traced.

The summary is written last, from the figures the other chapters left in the run's output folder
(:func:`run_figures`, the merged ``summary.json`` as :mod:`assessment.summary` builds it).  Its
sentences are :mod:`assessment.words.summary`; each is a :class:`Finding` that carries the summary
keys it was written from, so :func:`trace_table` can list the figure behind every sentence
(``tables/key_findings.csv``) and :func:`headlines` record them in ``summary.json``.

The readers :func:`value`, :func:`text`, :func:`names` and :func:`named` return a figure only when
it is there to be stated: null, absent, suppressed ("<5") or non-numeric figures come back as
None, so a sentence needing one is left out, never filled with a guess.

Example
-------
>>> s = {"crime": {"total": 32038, "change_pct": None}, "offenders": {"top_share": "<5"}}
>>> value(s, "crime.total"), value(s, "crime.change_pct"), value(s, "offenders.top_share")
(32038, None, None)
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..summary import collect, get

__all__ = ["Finding", "value", "text", "names", "named", "changes", "trace_table", "headlines", "run_figures"]


@dataclass(frozen=True)
class Finding:
    """One sentence of the executive summary and the summary keys it was written from."""

    topic: str
    sentence: str
    keys: tuple
    names: tuple = ()      # the crime types / groups the sentence names


# -- reading the figures --------------------------------------------------------------------------------
def value(summary: dict, key: str):
    """A numeric figure from the summary, or None when it is null, absent, suppressed or not a number.

    Parameters
    ----------
    summary : dict
        The merged summary (nested) or one of its objects.
    key : str
        A dotted path ('crime.total').

    Returns
    -------
    int or float or None

    >>> value({"a": {"b": 3}}, "a.b"), value({"a": {"b": "<5"}}, "a.b"), value({"a": {}}, "a.b"), value({"a": True}, "a")
    (3, None, None, None)
    """
    v = get(summary, key)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def text(summary: dict, key: str) -> str | None:
    """A text figure (a name, a label) from the summary, or None.

    Parameters
    ----------
    summary : dict
    key : str

    Returns
    -------
    str or None
        None when absent, empty or suppressed ('<5').

    >>> text({"period": {"label": "2024/25"}}, "period.label"), text({"x": "<5"}, "x")
    ('2024/25', None)
    """
    v = get(summary, key)
    return v if isinstance(v, str) and v and not v.startswith("<") else None


def names(summary: dict, key: str) -> list | None:
    """A non-empty list of names from the summary, or None.

    Parameters
    ----------
    summary : dict
    key : str

    Returns
    -------
    list of str or None

    >>> names({"w": ["A", "B"]}, "w"), names({"w": []}, "w")
    (['A', 'B'], None)
    """
    v = get(summary, key)
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, str) for x in v):
        return list(v)
    return None


def named(summary: dict, path: str) -> list[dict]:
    """The objects of a list of named figures (``[{"name": ..., ...}, ...]``), or [] (each named once).

    Parameters
    ----------
    summary : dict
    path : str
        A list of named figures ('crime.by_type').

    Returns
    -------
    list of dict

    >>> [d["name"] for d in named({"c": [{"name": "A"}, {"name": "A"}, {"x": 1}, {"name": "B"}]}, "c")]
    ['A', 'B']
    """
    block = get(summary, path)
    out, seen = [], set()
    if isinstance(block, list):
        for d in block:
            if isinstance(d, dict) and isinstance(d.get("name"), str) and d["name"] and d["name"] not in seen:
                seen.add(d["name"])
                out.append(d)
    return out


def changes(summary: dict, prefix: str, min_previous: int) -> pd.DataFrame:
    """The named figures of ``prefix`` with a change to state: one row each, with at least
    ``min_previous`` in the previous 12 months.

    Parameters
    ----------
    summary : dict
    prefix : str
        'crime.by_group' or 'crime.by_type'.
    min_previous : int
        Rows with fewer in the previous 12 months (or no previous count) are left out.

    Returns
    -------
    DataFrame
        name, current, previous, change, change_pct (worked out when the summary has none),
        has_change, has_pct (whether the summary holds them), composite.

    >>> s = {"crime": {"by_type": [{"name": "Theft", "current": 30, "previous": 20}]}}
    >>> changes(s, "crime.by_type", 10)[["name", "change", "change_pct", "has_change"]].values.tolist()
    [['Theft', 10, 0.5, False]]
    """
    rows = []
    for d in named(summary, prefix):
        cur, prev = value(d, "current"), value(d, "previous")
        if cur is None or prev is None or prev < min_previous:
            continue
        ch = value(d, "change")
        ch = cur - prev if ch is None else ch
        p = value(d, "change_pct")
        p = (ch / prev if prev else None) if p is None else p
        rows.append({"name": d["name"], "current": cur, "previous": prev, "change": ch, "change_pct": p,
                     "has_change": value(d, "change") is not None, "has_pct": value(d, "change_pct") is not None,
                     "composite": d.get("composite") is True})
    return pd.DataFrame(rows, columns=["name", "current", "previous", "change", "change_pct", "has_change", "has_pct",
                                       "composite"])


# -- the figures of the run -------------------------------------------------------------------------------
def run_figures(run) -> dict:
    """The figures the summary is written from: the chapters' headline fragments in the run's
    output folder, with the run's own period and area (as ``summary.json`` will have them).

    ``figures["_chapters"]`` is the number of chapter fragments found (0 when the chapter
    notebooks have not been run into this folder yet).

    Parameters
    ----------
    run : Run
        The summary notebook's run (:func:`assessment.workbook.open_run`).

    Returns
    -------
    dict
        The merged summary (nested).
    """
    frags = sorted((Path(run.out_dir) / "_summary").glob("*.json"))
    frags = [p for p in frags if p.stem != run.chapter]
    s = collect(run.out_dir)
    s["period"] = {**(s.get("period") or {}), **run.period.to_dict()}
    s["area"] = {**(s.get("area") or {}), "name": run.config.area.name}
    s["_chapters"] = len(frags)
    return s


# -- what the summary publishes ---------------------------------------------------------------------------
def trace_table(findings: list[Finding], summary: dict) -> pd.DataFrame:
    """``tables/key_findings.csv``: each sentence, the summary keys behind it and their values.

    Parameters
    ----------
    findings : list of Finding
    summary : dict
        The figures the findings were written from.

    Returns
    -------
    DataFrame
        topic, finding, summary_keys, values (JSON).
    """
    rows = [{"topic": f.topic, "finding": f.sentence, "summary_keys": "; ".join(f.keys),
             "values": json.dumps({k: get(summary, k) for k in f.keys}, ensure_ascii=False, default=str)}
            for f in findings]
    return pd.DataFrame(rows, columns=["topic", "finding", "summary_keys", "values"])


def headlines(findings: list[Finding]) -> dict:
    """summary.json keys of the executive summary: the sentences and how many.

    Parameters
    ----------
    findings : list of Finding

    Returns
    -------
    dict

    >>> headlines([Finding("crime", "100 crimes were recorded.", ("crime.total",))])
    {'executive_summary.findings': 1, 'executive_summary.sentences': ['100 crimes were recorded.']}
    """
    return {"executive_summary.findings": len(findings),
            "executive_summary.sentences": [f.sentence for f in findings]}
