"""The last gate: no personal identifier in any file the run leaves behind.

Tables and headlines are checked as they are published (:mod:`assessment.disclosure`);
this module checks every *file* of a finished run before it is moved into place —
the HTML, the executed notebooks, the CSVs, the GeoPackage (its text values),
``summary.json``, ``run.log`` — and any text (an error line, a log line) before it is
printed or written.  It is the channel-wide
check: whatever route an identifier took (a sentence, a note, a warning, a traceback),
it is caught here.

Which identifiers are looked for.  Every victim, offender and caller id of the run's
dataset, and every crime reference of a record-level extract, that contains a letter and is at least three characters long.  Purely numeric
pseudonyms (``1``, ``2``, ``244893``) cannot be told apart from the counts and years a
report is made of, so they are not searched for in text; they are kept out by
construction instead (error lines and notes about personal files never quote a cell
value, and the table gate checks text columns).

How.  Text is split into tokens (runs of letters, digits and ``-_./:#@``, trimmed of
trailing punctuation) and the tokens are looked up in the set of identifiers; an
identifier that is not a single token (it holds a space, say) is searched for as a
substring.  Linear in the size of the files, whatever the number of identifiers.

Example
-------
>>> ids = searchable({"VIC-244893", "17", "OFF 9"})
>>> sorted(ids.tokens), sorted(ids.phrases)
(['VIC-244893'], ['OFF 9'])
>>> found_in("first 'VIC-244893' in row 4.", ids), found_in("17 victims", ids)
(1, 0)
>>> scrub("error: 'VIC-244893' in row 4", ids)
'error: [identifier] in row 4'
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .disclosure import identifiers

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-./:#@]*")
_TRAIL = ".:/#@-_"
#: files scanned (by suffix); a PDF is rendered from the HTML, which is scanned
TEXT_SUFFIXES = {".html", ".htm", ".csv", ".json", ".ipynb", ".log", ".txt", ".md", ".svg", ".geojson"}
MARK = "[identifier]"
#: binary files scanned by their text values: a GeoPackage is an SQLite database
SQLITE_SUFFIXES = {".gpkg"}


@dataclass(frozen=True)
class Identifiers:
    """The identifiers to look for: single tokens (set lookup) and phrases (substring search)."""

    tokens: frozenset
    phrases: tuple

    def __bool__(self) -> bool:
        return bool(self.tokens or self.phrases)


def _tokens(text: str) -> set:
    return {t.rstrip(_TRAIL) for t in _TOKEN.findall(text)}


def searchable(ids: Iterable) -> Identifiers:
    """The identifiers that can be searched for in text (see the module docstring)."""
    tokens, phrases = set(), []
    for raw in ids:
        s = str(raw).strip()
        if len(s) < 3 or not re.search(r"[A-Za-z]", s):
            continue
        toks = _tokens(s)
        if toks == {s}:
            tokens.add(s)
        else:
            phrases.append(s)
    return Identifiers(frozenset(tokens), tuple(sorted(phrases)))


def of_dataset(dataset) -> Identifiers:
    """The searchable identifiers of a loaded dataset: victim, offender and caller ids, and the
    crime references of a record-level extract (``inputs.crimes``; police.uk's crime ids are
    public and are not searched for)."""
    ids = set(identifiers(dataset))
    try:
        extract = dataset.config.inputs.crimes is not None
    except AttributeError:
        extract = False
    crimes = getattr(dataset, "crimes", None)
    if extract and crimes is not None and "crime_id" in crimes.columns:
        ids.update(crimes["crime_id"].dropna().astype(str).unique().tolist())
    return searchable(ids)


def found_in(text: str, ids: Identifiers) -> int:
    """How many distinct identifiers occur in ``text`` (also after HTML unescaping)."""
    if not ids:
        return 0
    hits = set()
    for t in (text, html.unescape(text)) if "&" in text else (text,):
        hits |= ids.tokens.intersection(_tokens(t))
        hits |= {p for p in ids.phrases if p in t}
    return len(hits)


def scrub(text: str, ids: Identifiers) -> str:
    """``text`` with every identifier (and the quotes around it) replaced by ``[identifier]``."""
    if not ids or not found_in(text, ids):
        return text

    def one(m):
        tok = m.group(0)
        core = tok.rstrip(_TRAIL)
        return MARK + tok[len(core):] if core in ids.tokens else tok

    out = _TOKEN.sub(one, text)
    for p in ids.phrases:
        out = out.replace(p, MARK)
    return re.sub(r"(['\"])" + re.escape(MARK) + r"\1", MARK, out)


def sqlite_text(path: Path) -> str:
    """Every text value of an SQLite file (a GeoPackage's layers), with its table and column
    names, one per line; the raw bytes decoded when it cannot be read as a database."""
    import sqlite3
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            out = []
            for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall():
                cur = con.execute('SELECT * FROM "{}"'.format(table.replace('"', '""')))
                out += [table] + [d[0] for d in cur.description]
                for row in cur:
                    out += [v for v in row if isinstance(v, str)]
            return "\n".join(out)
        finally:
            con.close()
    except sqlite3.Error:
        return Path(path).read_bytes().decode("utf-8", errors="replace")


def _file_text(p: Path) -> str:
    if p.suffix.lower() in SQLITE_SUFFIXES:
        return sqlite_text(p)
    return p.read_text(encoding="utf-8", errors="replace")


def scan_folder(folder: Path, ids: Identifiers) -> list[tuple[str, int]]:
    """Every text file (and GeoPackage) under ``folder`` holding identifiers: ``[(relative path, how many)]``."""
    folder = Path(folder)
    out = []
    if not ids or not folder.exists():
        return out
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.suffix.lower() not in TEXT_SUFFIXES | SQLITE_SUFFIXES:
            continue
        n = found_in(_file_text(p), ids)
        if n:
            out.append((str(p.relative_to(folder)), n))
    return out


def scrub_folder(folder: Path, ids: Identifiers) -> list[str]:
    """Replace identifiers in every text file under ``folder`` (a failed run kept for
    inspection); a GeoPackage holding one is deleted (a database is not rewritten as text).
    Returns the files changed."""
    changed = []
    for rel, _ in scan_folder(folder, ids):
        p = Path(folder) / rel
        if p.suffix.lower() in SQLITE_SUFFIXES:
            p.unlink()
        else:
            p.write_text(scrub(p.read_text(encoding="utf-8", errors="replace"), ids), encoding="utf-8")
        changed.append(rel)
    return changed
