"""Plausibility checks on loaded inputs: values that parse but cannot be right.

Each check either changes what is analysed — with the change counted in the record
accounting and said in a data-quality note — or only warns (a note).  Every note is
listed by ``assessment validate`` (:func:`validate_lines`) and shown in the report's
data-quality appendix.

* **Blank crime types** become :data:`NOT_RECORDED`: the crimes stay in the totals and
  in the tables by type, and a note counts them (:func:`fill_blank_types`,
  :func:`note_blank_types`).
* **Placeholder ids** — a victim, offender or caller id such as ``0``, ``UNKNOWN``,
  ``N/A``, ``NULL``, ``-`` or ``999999`` (:func:`placeholder_ids`) — are not people: a
  victim or offender link with one is excluded ("placeholder victim id (not a person)");
  an ASB incident with one is kept as an incident without a caller (so it is left out of
  the repeat-caller analysis), and a note counts them.
* **One id linked to an implausible share** — more than :data:`ID_SHARE` of the linked
  crimes (ASB: incidents with a caller) and more than :data:`ID_MIN` of them
  (:func:`dominant_ids`) — is noted: it is probably a placeholder the list above does not
  know (or, for victims, an organisation).  It is kept.
* **Rates per 1,000 residents beyond any real LSOA's** (:func:`check_rates`): an LSOA with
  fewer than :data:`POP_MIN` residents (an LSOA has about 1,000-3,000; the smallest in
  London has 961), or with more than :data:`RATE_MAX` crimes per 1,000 residents a year
  (the highest in London, in the West End, has about 6,200) is noted.

Messages about the victims, offenders, ASB and crime extract files (personal data) name
rows, never a cell value.

Example
-------
>>> placeholder_ids(pd.Series(["V001", "0", " unknown ", "N/A", "NULL", "-", "999999", None])).tolist()
[False, True, True, True, True, True, True, False]
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .common import isin

#: the crime type given to a crime whose type is blank
NOT_RECORDED = "Not recorded"

#: an id linked to more than this share of the linked crimes (and more than ID_MIN) is noted
ID_SHARE = 0.01
ID_MIN = 50

#: an LSOA with fewer residents than this is noted (an LSOA has about 1,000-3,000)
POP_MIN = 100
#: crimes per 1,000 residents a year above which an LSOA's rate is noted (London's highest is ~6,200)
RATE_MAX = 15_000

_PLACEHOLDER_WORDS = frozenset({
    "unknown", "unk", "unkn", "not known", "notknown", "nk", "n/k", "n.k.", "n/a", "na", "n.a.", "n.a",
    "nan", "null", "nil", "none", "missing", "blank", "empty", "not recorded", "not stated", "not given",
    "tbc", "tba", "#n/a", "#null!", "#value!", "#ref!", "undefined", "anonymous", "anon", "unidentified",
    "redacted", "withheld", "x", "xx", "xxx", "xxxx", "-1",
})
_PLACEHOLDER_RE = re.compile(
    r"^(?:0+|9{3,}|[\W_]+|x+|(?:unknown|not known|unidentified|anonymous)[\s_-]*"
    r"(?:offender|victim|caller|suspect|person|male|female|member of (?:the )?public)?)$")

#: note fragments :func:`validate_lines` lists (the notes this module writes)
NOTE_MARKERS = ("with a blank crime type counted as", "linked to more than", "with a placeholder ",
                "with fewer than 100 residents", "crimes per 1,000 residents in")


# -- blank crime types ------------------------------------------------------------------------
def fill_blank_types(frame: pd.DataFrame) -> pd.DataFrame:
    """``crime_type`` with blanks as :data:`NOT_RECORDED`, and ``_type_blank`` marking them.

    >>> fill_blank_types(pd.DataFrame({"crime_type": ["Burglary", None]}))[["crime_type", "_type_blank"]].values.tolist()
    [['Burglary', False], ['Not recorded', True]]
    """
    blank = frame["crime_type"].isna().to_numpy()
    frame = frame.assign(_type_blank=blank)      # a new frame sharing the columns (copy on write)
    if blank.any():
        frame["crime_type"] = frame["crime_type"].fillna(NOT_RECORDED)
    return frame


def note_blank_types(acc, rows: pd.DataFrame) -> None:
    """Count (in a note on the crimes input) the used crimes whose type was blank."""
    if "_type_blank" not in rows or not len(rows):
        return
    weight = rows["_crimes"] if "_crimes" in rows else rows["_w"]   # a published-counts row holds many crimes
    n = int(weight.to_numpy()[rows["_type_blank"].to_numpy(dtype=bool)].sum())
    if n:
        acc.note("crimes", f"{n:,} crime(s) with a blank crime type counted as '{NOT_RECORDED}' (kept in the "
                 "totals and in the tables by type)")


# -- placeholder and dominant ids -------------------------------------------------------------------
def placeholder_ids(ids: pd.Series) -> np.ndarray:
    """True where an id is a placeholder for "unknown" rather than a person: ``0`` (or ``000``),
    ``-1``, ``999`` and longer runs of 9, punctuation only (``-``, ``?``, ``.``), ``x``/``XX``,
    ``UNKNOWN`` (also ``Unknown offender``), ``N/A``, ``NA``, ``NULL``, ``NONE``, ``NK``, ``TBC``,
    ``#N/A``, ``(blank)``, ... in any case, with surrounding spaces, brackets or quotes.
    Blank ids are not placeholders (they are counted as "no ... id").

    Numeric pseudonyms: where most of at least 20 distinct ids are whole numbers (sequential pseudonyms 1, 2, 3, ...),
    ``0``, ``999`` and the like are people like any other and only the placeholder *words* are
    flagged.

    >>> placeholder_ids(pd.Series(["O-0001", "(blank)", "Unknown Offender", "000", "?", "12999", "X7"])).tolist()
    [False, True, True, True, True, False, False]
    >>> ids = pd.Series([str(i) for i in range(1, 1001)] + ["0", "UNKNOWN"])
    >>> placeholder_ids(ids)[[998, 1000, 1001]].tolist()
    [False, False, True]
    """
    s = ids.astype("string")
    uniq = pd.Series(s.dropna().unique(), dtype="string")
    if not len(uniq):
        return np.zeros(len(s), dtype=bool)
    t = uniq.str.strip().str.casefold()
    t = t.str.strip("()[]{}<>\"' ").str.replace(r"\s+", " ", regex=True)
    hit = t.isin(_PLACEHOLDER_WORDS) | t.str.fullmatch(_PLACEHOLDER_RE).fillna(False) | (t == "")
    numeric = t.str.fullmatch(r"-?\d+").fillna(False)
    if len(t) >= 20 and numeric.mean() > 0.5:  # numeric pseudonyms: numbers are people, only the words are placeholders
        hit = hit & ~numeric
    bad = set(uniq[hit.fillna(False).to_numpy(dtype=bool)])
    return isin(s, bad) if bad else np.zeros(len(s), dtype=bool)


def dominant_ids(ids: pd.Series, events: pd.Series, file, noun: str, what: str = "crimes",
                 extra: str = "") -> str | None:
    """A note when an id is linked to more than :data:`ID_SHARE` of the ``events`` (crimes, or
    incidents) that have an id and to more than :data:`ID_MIN` of them — or None.

    ``ids`` and ``events`` are aligned, indexed by the file's row (0 = the first data row,
    spreadsheet row 2).  The id is never shown: the note gives the first row it is on.

    >>> ids = pd.Series(["A"] * 60 + [f"P{i}" for i in range(40)])
    >>> print(dominant_ids(ids, pd.Series([f"c{i}" for i in range(100)]), "offenders.csv", "offender"))
    offenders.csv: 1 offender id(s) linked to more than 1% of the 100 crimes with an offender and to more than 50 of them — the largest to 60 crimes (60.0%), first in row 2: check it is not a placeholder for an unknown offender (it is kept)
    """
    ok = ids.notna().to_numpy() & events.notna().to_numpy()
    if not ok.any():
        return None
    pairs = pd.DataFrame({"id": ids[ok].astype("string"), "ev": events[ok].astype("string")}).drop_duplicates()
    total = int(pairs["ev"].nunique())
    per = pairs.groupby("id", sort=False).size()
    big = per[(per > ID_MIN) & (per > ID_SHARE * total)]
    if big.empty:
        return None
    top = big.idxmax()
    first = int(pairs.index[(pairs["id"] == top).to_numpy()][0]) + 2
    return (f"{Path(str(file)).name}: {len(big)} {noun} id(s) linked to more than {ID_SHARE:.0%} of the {total:,} "
            f"{what} with {'an' if noun[0] in 'aeiou' else 'a'} {noun} and to more than {ID_MIN} of them — the "
            f"largest to {int(big.max()):,} {what} ({big.max() / total:.1%}), first in row {first}: check it is not a "
            f"placeholder for an unknown {noun}{extra} (it is kept)")


def check_asb_callers(kept: pd.DataFrame, path, acc) -> None:
    """Notes on the used ASB incidents: placeholder caller ids (made blank by
    :func:`~.links.read_asb`) and a caller id linked to an implausible share of incidents."""
    name = Path(str(path)).name
    if "_caller_placeholder" in kept:
        ph = kept["_caller_placeholder"].to_numpy(dtype=bool)
        if ph.any():
            acc.note("asb", f"{name}: {int(ph.sum()):,} incident(s) with a placeholder caller id (a stand-in for "
                     "'unknown', not a person) kept as incidents without a caller, so left out of the "
                     f"repeat-caller analysis; first in row {int(kept.index[ph][0]) + 2}")
    if "caller_id" in kept:
        note = dominant_ids(kept["caller_id"], pd.Series(kept.index.astype(str), index=kept.index), path,
                            "caller", what="incidents")
        if note:
            acc.note("asb", note)


# -- rates per 1,000 residents ------------------------------------------------------------------------
def check_rates(crimes: pd.DataFrame, lsoas, period, acc) -> None:
    """Note LSOAs whose population or rate per 1,000 residents no real LSOA has (see the module
    docstring): fewer than :data:`POP_MIN` residents, or more than :data:`RATE_MAX` crimes per
    1,000 residents a year in the assessment period.

    >>> from assessment.accounting import Accounting
    >>> from assessment.periods import financial_year
    >>> acc = Accounting()
    >>> lsoas = pd.DataFrame({"population": pd.array([2, 1500, 120], dtype="Int64")},
    ...                      index=pd.Index(["E01000001", "E01000002", "E01000003"], name="lsoa_code"))
    >>> crimes = pd.DataFrame({"month": pd.to_datetime(["2024-05-01"] * 3), "count": [30, 40, 2000],
    ...                        "lsoa_code": ["E01000001", "E01000002", "E01000003"]})
    >>> check_rates(crimes, lsoas, financial_year(2024), acc)
    >>> for n in acc.notes["population"]: print(n)
    1 LSOA(s) with fewer than 100 residents (E01000001: 2) — an LSOA has about 1,000-3,000: check the population file (a dot as thousands separator, another column?); their rates per 1,000 residents cannot be right
    1 LSOA(s) with more than 15,000 crimes per 1,000 residents in 2024/25 (E01000003: 16,667), more than any real LSOA (the highest in London has about 6,200): check the population and the crimes of those LSOAs
    """
    if lsoas is None or "population" not in lsoas or crimes is None or crimes.empty:
        return
    pop = lsoas["population"].dropna().astype("int64")
    pop = pop[pop > 0]
    if pop.empty:
        return
    small = pop[pop < POP_MIN]
    if len(small):
        shown = ", ".join(f"{c}: {int(v):,}" for c, v in small.sort_values().head(5).items())
        acc.note("population", f"{len(small)} LSOA(s) with fewer than {POP_MIN} residents ({shown}"
                 f"{', ...' if len(small) > 5 else ''}) — an LSOA has about 1,000-3,000: check the population "
                 "file (a dot as thousands separator, another column?); their rates per 1,000 residents cannot be right")
    cur = crimes[period.contains(crimes["month"]).fillna(False).to_numpy()]
    counts = cur.groupby("lsoa_code")["count"].sum()
    big = pop[pop >= POP_MIN]
    rate = (counts.reindex(big.index).fillna(0) / big * 1000 * 12 / max(int(period.months), 1))
    high = rate[rate > RATE_MAX].sort_values(ascending=False)
    if len(high):
        shown = ", ".join(f"{c}: {v:,.0f}" for c, v in high.head(5).items())
        acc.note("population", f"{len(high)} LSOA(s) with more than {RATE_MAX:,} crimes per 1,000 residents in "
                 f"{period.label} ({shown}{', ...' if len(high) > 5 else ''}), more than any real LSOA (the highest "
                 "in London has about 6,200): check the population and the crimes of those LSOAs")


# -- assessment validate ----------------------------------------------------------------------------
def validate_lines(ds) -> list[str]:
    """The lines ``assessment validate`` lists for this module's checks: the placeholder-id
    exclusions and the notes of :data:`NOTE_MARKERS`."""
    lines = [f"{name}: {n} row(s) excluded: {reason}"
             for name, reasons in ds.accounting.exclusions.items()
             for reason, n in sorted(reasons.items()) if reason.startswith("placeholder ") and n]
    lines += [n for n in ds.notes if any(m in n for m in NOTE_MARKERS)]
    return lines
