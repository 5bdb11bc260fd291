"""The analyst's commentary file (``inputs.commentary``): reading and checking it.

The commentary is a Markdown file the analyst writes, in sections under level-1 headings that
say where the report places them (the guide for analysts is ``data/COMMENTARY.md``)::

    # Commentary for 2024/25              (optional title: a file titled for another year is refused)
    # Foreword                            at the front, in the executive summary
    # Recommendations                     at the front, after the foreword
    # Areas of concern and mitigation     at the front, before the key findings
    # Chapter: Hot spots                  at the start of that chapter (one heading per chapter)
    # Indicator: Robbery                  in the Commentary column of chapter 5's performance table

Everything else in the file is the sections' text, in Markdown (sub-headings ``##`` and below
included).  Notes between ``<!--`` and ``-->`` are never shown: the scaffold that
``assessment commentary`` writes keeps its prompts in such notes, so a section still holding only
its prompt is not shown.  A section with no text is left out.

A heading the report does not know (``# Recomendations``), a chapter or an indicator that does not
exist, the same heading twice, text before the first heading, a note that is never closed, a
title naming another period, or a file that is not UTF-8 text stops the run with one line naming
the file, the line and what was expected (exit status 2) — a typo must not quietly drop the
analyst's words from a board paper.

This module only reads the file (loading room): the text is rendered, escaped, by
:meth:`assessment.workbook.Run.commentary` through :func:`assessment.safe_html.markdown_html`.

Example
-------
>>> c = parse_commentary("# Foreword\\nA year of *change*.\\n\\n# Chapter: hot spots\\nSee the map.\\n"
...                      "# Indicator: robbery\\n<!-- prompt -->Down by a fifth.\\n", indicators=["Robbery"])
>>> c.front("foreword"), c.chapter("hotspots"), c.indicators
('A year of *change*.', 'See the map.', {'Robbery': 'Down by a fifth.'})
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, _short, quote
from .yamlfile import read_text

#: the sections at the front of the report, in report order: key -> heading
FRONT = {"foreword": "Foreword", "recommendations": "Recommendations",
         "concerns": "Areas of concern and mitigation"}
#: other spellings of the front headings (casefolded)
FRONT_ALIASES = {"recommendation": "recommendations", "areas of concern": "concerns",
                 "areas of concern and mitigations": "concerns", "concerns and mitigation": "concerns"}

#: the chapters, in report order: id -> (heading in the scaffold, other names accepted after "Chapter:")
CHAPTERS = {
    "summary": ("Executive summary", ("summary", "0")),
    "crime_in_the_area": ("Crime in the area", ("1", "volumes")),
    "hotspots": ("Hot spots", ("2", "where crime concentrates", "hotspots")),
    "offenders": ("Offenders", ("3", "who drives crime: prolific offenders", "prolific offenders")),
    "victims": ("Victims", ("4", "who is harmed again and again: repeat victimisation", "repeat victimisation",
                            "repeat victims")),
    "performance": ("Performance", ("5", "performance against targets")),
}

#: the largest commentary file read (a commentary is a few pages of text)
MAX_BYTES = 1_000_000

_HEADING = re.compile(r"^ {0,3}#(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NOTE = re.compile(r"<!--.*?-->", re.S)
_TITLE = re.compile(r"^commentary(?:\s*(?:[:\-–—]|\bfor\b)\s*(?P<period>.*))?$", re.I)


def _norm(text: str) -> str:
    """A heading as compared: casefolded, one space between words, no trailing colon or full stop."""
    return " ".join(str(text).replace("_", " ").split()).casefold().rstrip(":. ")


def allowed_headings(indicators: Iterable[str] | None = None) -> str:
    """The headings the report places, as listed in messages.

    >>> allowed_headings(["Robbery"])
    "'# Foreword', '# Recommendations', '# Areas of concern and mitigation', '# Chapter: <Executive summary, Crime in the area, Hot spots, Offenders, Victims or Performance>', '# Indicator: <Robbery>'"
    """
    chapters = [c[0] for c in CHAPTERS.values()]
    ch = ", ".join(chapters[:-1]) + " or " + chapters[-1]
    inds = list(indicators) if indicators is not None else None
    ind = ("an indicator of the targets file" if inds is None else
           ("none: there is no targets file" if not inds else _names(inds)))
    return ", ".join(f"'# {h}'" for h in FRONT.values()) + f", '# Chapter: <{ch}>', '# Indicator: <{ind}>'"


def _names(names: list[str], most: int = 12) -> str:
    shown = list(names)[:most]
    s = ", ".join(shown[:-1]) + (" or " if len(shown) > 1 else "") + shown[-1]
    return s + (f" (and {len(names) - most} more)" if len(names) > most else "")


@dataclass(frozen=True)
class Commentary:
    """The sections of a commentary file: text (Markdown, stripped) by where it goes.

    ``front``: foreword / recommendations / concerns (see :data:`FRONT`); ``chapters``: by chapter id
    (see :data:`CHAPTERS`); ``indicators``: by the indicator's name as the targets file spells it;
    ``lines``: the line of each section's heading (``("front", "foreword") -> 3``), for messages;
    ``period``: the title's text after "Commentary for" (``"2024/25"``), or None without one.
    """

    path: Path | None = None
    front_sections: dict = field(default_factory=dict)
    chapters: dict = field(default_factory=dict)
    indicators: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)
    period: str | None = None

    def front(self, key: str) -> str:
        """The text of a front section (``foreword``, ``recommendations``, ``concerns``); '' when none."""
        if key not in FRONT:
            raise KeyError(f"{key!r} is not a front section ({', '.join(FRONT)})")
        return self.front_sections.get(key, "")

    def chapter(self, chapter_id: str) -> str:
        """The text for a chapter (an id of :data:`CHAPTERS`); '' when none."""
        if chapter_id not in CHAPTERS:
            raise KeyError(f"{chapter_id!r} is not a chapter ({', '.join(CHAPTERS)})")
        return self.chapters.get(chapter_id, "")

    def indicator(self, name: str) -> str:
        """The text for an indicator, by name (any case); '' when none."""
        want = _norm(name)
        return next((t for n, t in self.indicators.items() if _norm(n) == want), "")

    def sections(self) -> list[tuple[str, str, int]]:
        """Every section with text, in file order: (heading as the report names it, text, line)."""
        out = [(FRONT[k], t, self.lines[("front", k)]) for k, t in self.front_sections.items()]
        out += [(f"Chapter: {CHAPTERS[k][0]}", t, self.lines[("chapter", k)]) for k, t in self.chapters.items()]
        out += [(f"Indicator: {k}", t, self.lines[("indicator", k)]) for k, t in self.indicators.items()]
        return sorted(out, key=lambda s: s[2])

    def __bool__(self) -> bool:
        return bool(self.front_sections or self.chapters or self.indicators)


def strip_notes(text: str, file="commentary") -> str:
    """``text`` without its notes (``<!-- ... -->``), each replaced by as many line breaks as it held
    (so line numbers stay those of the file).  A note never closed is one line naming where it opens.

    >>> strip_notes("a <!-- not\\nshown --> b")
    'a \\n b'
    """
    out = _NOTE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    if "<!--" in out:
        line = out[:out.index("<!--")].count("\n") + 1
        raise InputError(file, f"line {line}", "a note opened with '<!--' to be closed with '-->'",
                         found="no '-->' after it")
    return out


def _chapter_id(name: str) -> str | None:
    n = _norm(name)
    n = re.sub(r"^(\d)\.?\s+", "", n) if not n.isdigit() else n      # "2. Where crime concentrates"
    for cid, (heading, aliases) in CHAPTERS.items():
        if n in {_norm(cid), _norm(heading), *(_norm(a) for a in aliases)}:
            return cid
    return None


def _period_matches(stated: str, labels: Iterable[str]) -> bool:
    """True when the title's text names the run's period (``2024/25`` in 'Haringey, 2024/25'), or names
    no year at all ('# Commentary: the partnership's view'); False when it names another year.

    >>> _period_matches("Haringey CSP, 2024/25", ["2024/25"]), _period_matches("our view", ["2024/25"])
    (True, True)
    >>> _period_matches("2023/24", ["2024/25"]), _period_matches("2024/25 draft", ["2023/24", "2023-24"])
    (False, False)
    """
    text = f" {_norm(stated)} "
    if any(re.search(rf"(?<![\w/-]){re.escape(_norm(x))}(?![\w/-])", text) for x in labels if x):
        return True
    return not re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text)


def parse_commentary(text: str, file="commentary.md", indicators: Iterable[str] | None = None,
                     period_labels: Iterable[str] | None = None) -> Commentary:
    """Read the sections of a commentary (see the module docstring).

    Parameters
    ----------
    text : str
        The file's text.
    file : path or str
        How messages name the file.
    indicators : list of str, optional
        The targets file's indicator names: an ``# Indicator:`` heading must name one (any case),
        and is stored under the name as the targets file spells it.  ``[]``: there is no targets
        file, so any indicator heading is refused.  None: not checked (names kept as written).
    period_labels : list of str, optional
        The run's period as labels (``["2024/25", "2024-25"]``): a title naming another period is
        refused.  None: not checked.

    Returns
    -------
    Commentary

    Raises
    ------
    InputError
        One line naming the file, the line and what was expected.

    Examples
    --------
    >>> parse_commentary("# Recomendations\\n1. Act.\\n")
    Traceback (most recent call last):
    ...
    assessment.errors.InputError: commentary.md: line 1: expected one of the headings '# Foreword', '# Recommendations', '# Areas of concern and mitigation', '# Chapter: <Executive summary, Crime in the area, Hot spots, Offenders, Victims or Performance>', '# Indicator: <an indicator of the targets file>', found '# Recomendations' (did you mean '# Recommendations'?)
    >>> parse_commentary("# Commentary for 2023/24\\n# Foreword\\nHi.\\n", period_labels=["2024/25", "2024-25"])
    Traceback (most recent call last):
    ...
    assessment.errors.InputError: commentary.md: line 1: expected the commentary for 2024/25 (this run's period), found a title for '2023/24'; point inputs.commentary at this period's file, or change the title
    """
    inds = None if indicators is None else [str(i) for i in indicators]
    body = strip_notes(str(text).replace("\r\n", "\n").replace("\r", "\n"), file)
    front, chapters, named, lines = {}, {}, {}, {}
    period = None
    current: tuple | None = None
    buf: list[str] = []
    fence = None
    headings = 0

    def close():
        if current is None:
            return
        t = "\n".join(x.rstrip() for x in buf).strip("\n") if any(x.strip() for x in buf) else ""
        if t and current[0] == "title":
            first = next(i for i, x in enumerate(buf) if x.strip())
            raise InputError(file, f"line {lines[current] + 1 + first}", "text under a section heading (# Foreword, "
                             "# Recommendations, # Chapter: ...); the title takes none", found="text under the title")
        if t:
            {"front": front, "chapter": chapters, "indicator": named}[current[0]][current[1]] = t

    for n, line in enumerate(body.split("\n"), start=1):
        m_fence = _FENCE.match(line)
        if fence is not None:
            if m_fence and m_fence.group(1)[0] == fence[0] and len(m_fence.group(1)) >= len(fence):
                fence = None
            buf.append(line)
            continue
        if m_fence:
            fence = m_fence.group(1)
            buf.append(line)
            continue
        m = _HEADING.match(line)
        if not m:
            if current is None and line.strip():
                raise InputError(file, f"line {n}", "text under a heading (# Foreword, # Recommendations, "
                                 "# Chapter: ..., see data/COMMENTARY.md)", found="text before the first heading")
            buf.append(line)
            continue
        close()
        buf = []
        raw = _CLOSING_HASHES.sub("", m.group("text") or "").strip()
        key = _classify(raw, n, file, inds, headings == 0)
        headings += 1
        if key[0] == "title":
            period = key[1] or None
            if period and period_labels is not None and not _period_matches(period, period_labels):
                labels = [x for x in period_labels if x]
                raise InputError(file, f"line {n}", f"the commentary for {labels[0]} (this run's period)",
                                 found=f"a title for {quote(period)}; point inputs.commentary at this period's "
                                       "file, or change the title")
            current = ("title", None)
            lines[current] = n
            continue
        if key in lines:
            raise InputError(file, f"line {n}", f"each heading once (a second {quote('# ' + raw)})",
                             found=f"it on line {lines[key]} too; put the text under one of them")
        lines[key] = n
        current = key
    close()   # (an unclosed code fence runs to the end of the file, as in Markdown)
    lines.pop(("title", None), None)
    return Commentary(path=Path(file) if file else None, front_sections=_ordered(front, FRONT),
                      chapters=_ordered(chapters, CHAPTERS), indicators=named, lines=lines, period=period)


def _ordered(found: dict, order: dict) -> dict:
    return {k: found[k] for k in order if k in found}


def _classify(raw: str, n: int, file, inds: list[str] | None, first: bool) -> tuple:
    """(kind, key) of a level-1 heading; one line naming the heading and the allowed ones otherwise."""
    norm = _norm(raw)
    if norm in {_norm(h) for h in FRONT.values()} or norm in FRONT_ALIASES or norm in FRONT:
        key = FRONT_ALIASES.get(norm) or next((k for k, h in FRONT.items() if _norm(h) == norm), norm)
        return ("front", key)
    m = re.match(r"^(chapter|indicator)\b\s*[:\-–—]?\s*(?P<name>.*)$", raw, re.I)
    if m:
        kind, name = m.group(1).casefold(), m.group("name").strip()
        if kind == "chapter":
            cid = _chapter_id(name) if name else None
            if cid is None:
                names = ", ".join(f"{h} ({cid})" for cid, (h, _) in CHAPTERS.items())
                near = difflib.get_close_matches(_norm(name), [_norm(h) for h, _ in CHAPTERS.values()], n=1,
                                                 cutoff=0.6)
                hint = f" (did you mean '# Chapter: {near[0].capitalize()}'?)" if near else ""
                raise InputError(file, f"line {n}", f"a chapter after '# Chapter:': one of {names}",
                                 found=quote("# " + raw, 80) + hint)
            return ("chapter", cid)
        if inds is None:
            if not name:
                raise InputError(file, f"line {n}", "an indicator's name after '# Indicator:'", found="none")
            return ("indicator", name)
        if not inds:
            raise InputError(file, f"line {n}", "no '# Indicator:' heading: there is no targets file "
                             "(inputs.targets in the config) whose indicators it could comment on",
                             found=quote("# " + raw, 80))
        match = next((i for i in inds if _norm(i) == _norm(name)), None) if name else None
        if match is None:
            near = difflib.get_close_matches(name, inds, n=1, cutoff=0.6)
            hint = f" (did you mean '# Indicator: {near[0]}'?)" if near else ""
            raise InputError(file, f"line {n}", f"an indicator of the targets file after '# Indicator:': {_names(inds)}",
                             found=quote("# " + raw, 80) + hint)
        return ("indicator", match)
    t = _TITLE.match(raw.strip())
    if t and first:
        return ("title", (t.group("period") or "").strip())
    known = [f"# {h}" for h in FRONT.values()] + ["# Chapter", "# Indicator", "# Commentary"]
    near = difflib.get_close_matches("# " + raw.split(":")[0].strip(), known, n=1, cutoff=0.6)
    hint = ""
    if near and near[0] == "# Commentary":
        hint = " (a '# Commentary for <period>' title may only be the first heading)"
    elif near:
        hint = f" (did you mean '{near[0]}{':' if near[0] in ('# Chapter', '# Indicator') else ''}'?)"
    raise InputError(file, f"line {n}", f"one of the headings {allowed_headings(inds)}",
                     found=quote("# " + raw, 80) + hint)


def read_commentary(path, indicators: Iterable[str] | None = None,
                    period_labels: Iterable[str] | None = None) -> Commentary:
    """Read and check a commentary file (see :func:`parse_commentary`).

    One line for a file that is missing, a folder, too large (over :data:`MAX_BYTES`) or not UTF-8
    text, or whose sections fail :func:`parse_commentary`'s checks.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.md"
    >>> _ = p.write_text("# Foreword\\nOur year.\\n", encoding="utf-8")
    >>> read_commentary(p).front("foreword")
    'Our year.'
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "", "the commentary file named by inputs.commentary (Markdown; "
                         "`assessment commentary --year Y` writes one to start from)", found="no such file")
    if path.is_file() and path.stat().st_size > MAX_BYTES:
        raise InputError(path, "", f"a commentary of at most {MAX_BYTES // 1_000_000} MB of text",
                         found=f"{path.stat().st_size:,} bytes")
    text = read_text(path, "commentary file (Markdown)", name=_short(path))
    return parse_commentary(text, path, indicators, period_labels)
