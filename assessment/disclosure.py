"""Disclosure control (§6): the one place that decides what may be published.

Every table and headline a chapter publishes goes through :class:`assessment.workbook.Run`,
which calls this module's gates:

* **No identifier.** :func:`check_publishable` refuses a table holding a victim,
  offender or caller identifier column or value; :func:`check_publishable_values`
  does the same for headline figures.  Values are looked for by type: identifiers are
  text (string pseudonyms such as ``VIC-244893`` and numeric ones such as ``17`` alike) and
  are looked for in every text value of a table and its index; numbers — counts and shares —
  are not identifiers, nor are suppression marks or the band labels the code makes
  (:data:`CODE_LABEL_COLUMNS`), so sequential numeric pseudonyms (1, 2, 3, …) do not collide
  with a count of 3 or the band "3".
* **No small count.** :data:`PERSON_TABLES` lists every published table built from
  victim, offender or caller records and its count columns; :data:`PERSON_HEADLINES`
  the headline keys that are such counts.  :func:`check_publishable` refuses a listed
  table in which such a count lies between 1 and ``disclosure.min_count − 1``, and a
  table not listed whose columns look like counts of people (``victims``,
  ``offenders``, ``callers``, ...) — so a new table cannot slip past the rule unnoticed.
  The gate refuses rather than repairs: a refused table is a bug in the chapter that
  built it, and the run stops with one line instead of publishing it.
* **How cells are hidden.** :func:`suppress` is the rule the chapters apply before
  publishing: a count of 1 … min_count−1 is shown as ``"<5"`` (primary suppression);
  where a total is published and only one cell of a column would be hidden, the
  next-smallest cell is hidden too (secondary suppression), shown as ``"[c]"``
  ("confidential", the Government Statistical Service symbol) — not as ``"<5"``, which
  would be untrue of it.  Zeros are not disclosive and are kept.
* **Hiding survives arithmetic.** Each chapter audits what it publishes from personal records
  before publishing it (:mod:`assessment.disclosure_audit`): every hidden cell is attacked with
  integer linear programmes over all the figures published with it, and more is hidden until
  none can be worked out.
* **What was hidden is listed.** :func:`suppressed_cells` counts the hidden cells of a
  published table; :class:`~assessment.workbook.Run` records them, with the table's audit
  outcome, in a ledger (:func:`record`) that the data-quality appendix publishes as
  ``tables/suppression.csv`` (:func:`ledger_table`).

Example
-------
>>> t = pd.DataFrame({"ward": ["A", "B", "C"], "offenders": [12, 3, 8]})
>>> out, n = suppress(t, ["offenders"], min_count=5, total=True)
>>> out["offenders"].tolist(), n
([12, '<5', '[c]'], 2)
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from .errors import AssessmentError

ID_COLUMNS = {"victim_id", "offender_id", "caller_id", "attendance_id"}

#: the mark of a cell hidden by secondary suppression (GSS symbol for "confidential")
SECONDARY = "[c]"

#: every published table built from victim, offender or caller records -> its count columns
PERSON_TABLES: dict[str, tuple[str, ...]] = {
    # the group sizes (offenders_in_group = ceil(p x offenders)) follow from the published
    # number of offenders, so hiding a small one would hide nothing
    "offender_concentration": ("crimes",),
    "offender_crime_mix": ("top_crimes", "rest_crimes"),
    "offender_wards": ("offenders",),
    "offender_age_sex": ("offenders",),
    "repeat_victims": ("victims", "repeat_victims", "pairs", "lookback_repeat_pairs"),
    "repeat_victim_distribution": ("victims", "pairs"),
    "repeat_asb_callers": ("callers", "repeat_callers", "repeat_caller_calls"),
    "victim_profile": ("repeat_victims", "other_victims"),
    # emergency-department assault attendances (patients): chapter 8
    "ed_assaults_lsoa": ("ed_assaults",),
    "ed_assaults_profile": ("attendances",),
    "ed_assaults_police_gap": ("ed_assaults",),
    "ed_assaults_top_locations": ("attendances",),
}

#: headline keys (summary.json) that are counts of, or from, victim, offender or caller records
PERSON_HEADLINES = re.compile(r"^(offenders\.(offenders|linked_crimes|prolific|outside_area)|"
                              r"victims\.(victims|repeat_victims|pairs|asb_callers|repeat_callers|da_victims|da_repeat_victims))$")

#: column names that look like counts of people: a table holding one must be in PERSON_TABLES
_PERSONLIKE = re.compile(r"^(repeat_)?(victims|offenders|callers)$|_victims$|_offenders$|_callers$")


def primary_label(min_count: int) -> str:
    """The mark of a count below the threshold: ``"<5"`` for ``min_count=5``."""
    return f"<{min_count}"


def is_small(v, min_count: int) -> bool:
    """True for a count of 1 … min_count−1 (the counts that must not be published).

    >>> [is_small(v, 5) for v in (0, 1, 4, 5, None, float("nan"), "<5")]
    [False, True, True, False, False, False, False]
    """
    if v is None or isinstance(v, (str, bool)):
        return False
    try:
        f = float(v)
    except (TypeError, ValueError):
        return False
    return f == f and 0 < f < min_count


def is_hidden(v) -> bool:
    """True for a cell hidden by :func:`suppress` (``"<5"`` or ``"[c]"``)."""
    return isinstance(v, str) and (v == SECONDARY or bool(re.fullmatch(r"<\d+", v)))


def hidden_mark(v, min_count: int) -> str:
    """How to show a count hidden because another count reveals it: ``"<5"`` if it is itself
    small, otherwise ``"[c]"``."""
    return primary_label(min_count) if is_small(v, min_count) else SECONDARY


class DisclosureError(AssessmentError):
    """A table or figure would publish personal identifiers."""


def identifiers(dataset) -> frozenset:
    """Every victim, offender, caller and ED attendance id in the dataset (cached on the dataset)."""
    cached = getattr(dataset, "_identifiers", None)
    if cached is not None:
        return cached
    ids = set()
    for frame, col in ((dataset.victims, "victim_id"), (dataset.offenders, "offender_id"),
                       (dataset.asb, "caller_id"), (getattr(dataset, "ed_assaults", None), "attendance_id")):
        if frame is not None and col in frame:
            ids.update(frame[col].dropna().astype(str).unique().tolist())
    out = frozenset(ids)
    try:
        object.__setattr__(dataset, "_identifiers", out)
    except (AttributeError, TypeError):  # pragma: no cover - a frozen or slotted dataset
        pass
    return out


def check_publishable(df: pd.DataFrame, dataset, where: str = "table", name: str | None = None,
                      min_count: int | None = None) -> None:
    """Raise :class:`DisclosureError` if ``df`` may not be published.

    Refused: an identifier column or value (always); and, when ``name`` is given, a
    count below ``min_count`` (default: the dataset's ``disclosure.min_count``) in the
    count columns :data:`PERSON_TABLES` lists for ``name``, or — for a table not listed —
    any column that looks like a count of people.

    >>> check_publishable(pd.DataFrame({"ward": ["A"], "offenders": [3]}), None, name="offender_wards")
    Traceback (most recent call last):
    ...
    assessment.disclosure.DisclosureError: table offender_wards: column 'offenders' would publish 1 count(s) below 5 from personal records
    """
    if name is not None:
        _check_small_counts(df, name, _min_count(dataset, min_count))
    bad_cols = ID_COLUMNS.intersection(str(c).lower() for c in df.columns)
    if df.index.name and str(df.index.name).lower() in ID_COLUMNS:
        bad_cols.add(df.index.name)
    if bad_cols:
        raise DisclosureError(f"{where}: would publish identifier column(s) {sorted(bad_cols)}")
    ids = identifiers(dataset) if dataset is not None else frozenset()
    if not ids:
        return
    for c in df.columns:
        if _holds_identifier(df[c], ids, code_labels=str(c) in CODE_LABEL_COLUMNS):
            raise DisclosureError(f"{where}: column {c!r} holds personal identifiers")
    levels = df.index.levels if isinstance(df.index, pd.MultiIndex) else [df.index]
    for level in levels:
        if _holds_identifier(pd.Series(level, dtype=object), ids):
            raise DisclosureError(f"{where}: the index holds personal identifiers")


#: columns whose values are labels the code makes (the bands 1, 2, 3, 4, 5+ of the crimes-per-victim
#: distribution), not text from the data: a number-like label there is not looked up among numeric
#: pseudonyms (band "3" is not victim 3); any other text in them still is
CODE_LABEL_COLUMNS = frozenset({"crimes_per_victim"})
_CODE_LABEL = re.compile(r"^\d+\+?$")


def _holds_identifier(s: pd.Series, ids: frozenset, code_labels: bool = False) -> bool:
    """True if a column (or an index, as a Series) holds an identifier, looked for by the type of
    each value: **text** values are looked up among the identifiers; numbers (counts, shares) are
    not — a count of 3 is not victim 3 — and neither are the suppression marks ("<5", "[c]") of a
    count column, nor, in a :data:`CODE_LABEL_COLUMNS` column, number-like band labels ("3",
    "5+").  Text that is any identifier, string pseudonyms such as "VIC-244893" and numeric ones
    such as "17" alike, is refused.

    >>> ids = frozenset({"VIC-1", "3"})
    >>> _holds_identifier(pd.Series([12, "<5", "[c]", 3], dtype=object), ids)   # a count column
    False
    >>> _holds_identifier(pd.Series(["1", "3", "5+"]), ids, code_labels=True)   # band labels
    False
    >>> _holds_identifier(pd.Series(["Ward A", "3"]), ids), _holds_identifier(pd.Series(["VIC-1"]), ids, True)
    (True, True)
    """
    if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
        return False  # a numeric, boolean or datetime column: counts, shares, dates — not text
    # set lookups of the column's distinct values: Series.isin(a large set) rebuilds the set for
    # every call (seconds per chapter with tens of thousands of ids)
    vals = pd.unique(s.dropna().to_numpy(dtype=object))
    text = {v for v in vals if isinstance(v, str) and not is_hidden(v)}
    if code_labels:
        text = {v for v in text if not _CODE_LABEL.fullmatch(v)}
    return not ids.isdisjoint(text)


def _min_count(dataset, min_count=None) -> int:
    if min_count is not None:
        return int(min_count)
    try:
        return int(dataset.config.disclosure.min_count)
    except AttributeError:
        return 5


def _check_small_counts(df: pd.DataFrame, name: str, min_count: int) -> None:
    cols = [str(c) for c in df.columns]
    if name not in PERSON_TABLES:
        looks = [c for c in cols if _PERSONLIKE.search(c.lower())]
        if looks:
            raise DisclosureError(f"table {name}: column(s) {looks} look like counts of people but the table is not "
                                  "in assessment.disclosure.PERSON_TABLES; add it there so its small counts are checked")
        return
    for c in PERSON_TABLES[name]:
        if c not in cols:
            continue
        k = int(df[c].map(lambda v: is_small(v, min_count)).sum())
        if k:
            raise DisclosureError(f"table {name}: column {c!r} would publish {k} count(s) below {min_count} "
                                  "from personal records")


def suppressed_cells(df: pd.DataFrame, name: str) -> dict:
    """Cells hidden in a published table: ``{"primary": n, "secondary": n}`` over its
    :data:`PERSON_TABLES` columns (zeros for a table not listed)."""
    out = {"primary": 0, "secondary": 0}
    for c in PERSON_TABLES.get(name, ()):
        if c in df.columns:
            col = df[c]
            out["secondary"] += int((col.astype(object) == SECONDARY).sum())
            out["primary"] += int(col.map(lambda v: is_hidden(v) and v != SECONDARY).sum())
    return out


def check_publishable_values(values: dict, dataset, min_count: int | None = None) -> None:
    """Raise if any headline value is an identifier, or a count from personal records
    (:data:`PERSON_HEADLINES`) below the threshold."""
    m = _min_count(dataset, min_count)
    for k, v in values.items():
        if PERSON_HEADLINES.match(k) and is_small(v, m):
            raise DisclosureError(f"headline {k!r} would publish a count below {m} from personal records")
    ids = identifiers(dataset) if dataset is not None else frozenset()

    def strings(v):                      # every string in a figure, at any depth (lists of named figures)
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):
            for x in v.values():
                yield from strings(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                yield from strings(x)
    for k, v in values.items():
        if any(x in ids for x in strings(v)):
            raise DisclosureError(f"headline {k!r} holds a personal identifier")


def suppress(df: pd.DataFrame, columns: list[str], min_count: int = 5,
             total: bool = True) -> tuple[pd.DataFrame, int]:
    """Hide counts 1..min_count-1 in ``columns`` as ``"<min_count"`` (primary suppression).

    With ``total=True`` (a column total is published or derivable), a column with exactly
    one primary cell has its next-smallest non-zero cell hidden as well, shown as
    ``"[c]"`` (secondary suppression).  Zeros are not disclosive and are kept.  Returns
    the new table (suppressed columns become object dtype) and the number of cells hidden.

    >>> out, n = suppress(pd.DataFrame({"n": [20, 3, 0, 7]}), ["n"])
    >>> out["n"].tolist(), n
    ([20, '<5', 0, '[c]'], 2)
    """
    out = df.copy()
    label = primary_label(min_count)
    n = 0
    for c in columns:
        v = pd.to_numeric(out[c], errors="coerce")
        primary = (v > 0) & (v < min_count)
        secondary = pd.Series(False, index=v.index)
        if total and primary.sum() == 1:
            rest = v[~primary & (v > 0)]
            if len(rest):
                secondary.loc[rest.idxmin()] = True
        if primary.any() or secondary.any():
            col = out[c].astype(object)
            col[primary] = label
            col[secondary] = SECONDARY
            out[c] = col
            n += int(primary.sum() + secondary.sum())
    return out, n


def suppress_value(value, min_count: int = 5):
    """A single published count: the value, or ``None`` if it is 1..min_count-1."""
    if value is None:
        return None
    return None if 0 < value < min_count else value


# -- the ledger of what was suppressed --------------------------------------------------------
LEDGER_DIR = "_disclosure"


def record(out_dir: Path, chapter: str, table: str, title: str, cells: dict, audit: dict | None = None) -> None:
    """Add a published table's hidden cells to the run's ledger (``<out_dir>/_disclosure/``),
    with the outcome of its disclosure audit (:mod:`assessment.disclosure_audit`: cells audited,
    cells that would have been determinable, cells hidden further, cells still determinable)
    when the chapter ran one."""
    d = Path(out_dir) / LEDGER_DIR
    d.mkdir(parents=True, exist_ok=True)
    f = d / f"{chapter}.json"
    entries = json.loads(f.read_text()) if f.exists() else {}
    entries[table] = {"chapter": chapter, "table": table, "title": title, **cells, "audit": audit}
    f.write_text(json.dumps(entries, indent=2, sort_keys=True))


#: the ledger's columns for the disclosure audit (see :mod:`assessment.disclosure_audit`)
AUDIT_COLUMNS = {"audited": "Hidden cells audited", "determined_before": "Determinable before the audit",
                 "extra": "Hidden further by the audit", "determined_after": "Determinable now"}


def ledger_table(out_dir: Path, min_count: int = 5) -> pd.DataFrame:
    """Every published table built from personal records, with the cells hidden in it and the
    outcome of its disclosure audit.

    Columns: Chapter, Table, Title, Cells shown as <N, Cells shown as [c], then the audit's: Hidden
    cells audited, Determinable before the audit (hidden cells a reader could have worked out from
    the figures published with them, under the suppression rules alone), Hidden further by the
    audit (figures hidden or withdrawn to protect them), Determinable now (0: otherwise the run
    stops), and Audit ("passed", or "not audited" for a table published without one).
    """
    rows = []
    for f in sorted((Path(out_dir) / LEDGER_DIR).glob("*.json")):
        for e in json.loads(f.read_text()).values():
            a = e.get("audit")
            rows.append({"Chapter": e["chapter"], "Table": f"{e['table']}.csv", "Title": e["title"],
                         f"Cells shown as <{min_count}": e["primary"], "Cells shown as [c]": e["secondary"],
                         **{name: (a[k] if a else pd.NA) for k, name in AUDIT_COLUMNS.items()},
                         "Audit": ("passed" if a["determined_after"] == 0 else "failed") if a else "not audited"})
    cols = ["Chapter", "Table", "Title", f"Cells shown as <{min_count}", "Cells shown as [c]",
            *AUDIT_COLUMNS.values(), "Audit"]
    out = pd.DataFrame(rows, columns=cols)
    for c in AUDIT_COLUMNS.values():
        out[c] = out[c].astype("Int64")
    return out
