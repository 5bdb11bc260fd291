"""``summary.json``: the headline figures, machine-readable, with stable keys (§8).

Each chapter records its headlines through :meth:`assessment.workbook.Run.headline` as a
flat dict whose keys are **summary paths** of identifiers (``crime.total``,
``offenders.top_share.1.all``); :func:`build_summary` merges the chapters' fragments, nests
the paths, adds ``schema_version`` and fills every required key that no chapter could
compute with ``null`` — never absent and never guessed.

Names are values, never keys
----------------------------
A crime type, crime group, comparison category or emerging-hotspot category is named by the
data or the config, and a name may hold any character ("Theft from shops (inc.
shoplifting)").  So no name is ever part of a key path: figures per named thing are **lists of
objects** with a ``"name"`` member, e.g.::

    "crime": {"by_type": [{"name": "Theft from shops (inc. shoplifting)", "current": 812,
                           "previous": 790, "change": 22, "change_pct": 0.0278, ...}, ...]}

Every key path segment a chapter writes must match :data:`KEY_PART` (lower-case letters,
digits, ``_``): :func:`check_keys` refuses anything else, so a name cannot slip into a key.
The one map with free-text keys is ``records.<input>.excluded`` (exclusion reason -> rows),
which is built as a whole and never split.

Reading a figure: :func:`get` takes a path, where a named list item is selected with
``[name="..."]`` (the name written as a JSON string, so any character is safe) and a
free-text map key with ``["..."]``::

    crime.total
    crime.by_type[name="Theft from shops (inc. shoplifting)"].change_pct
    records.crimes.excluded["outside the area"]

:func:`item_path` builds such a path.  The published JSON Schema
(``assessment/schemas/summary.schema.json``, :data:`SCHEMA_VERSION`) documents every key;
:func:`validate` checks a summary against it and the runner refuses to publish one that
does not validate.

Example
-------
>>> s = build_summary([{"crime.total": 10, "period.label": "2024/25",
...                     "crime.by_type": [{"name": "Theft (inc. shoplifting)", "current": 7}]}])
>>> s["crime"]["total"], s["victims"]["repeat_rate"] is None, s["schema_version"] == SCHEMA_VERSION
(10, True, True)
>>> get(s, item_path("crime.by_type", "Theft (inc. shoplifting)", "current"))
7
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

from .errors import AssessmentError

_MISSING = object()

#: the version of summary.json's layout; the schema's ``$id`` ends with it
SCHEMA_VERSION = "1.0.0"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "summary.schema.json"

SHARES = (1, 5, 10, 20)

REQUIRED_KEYS = [
    "period.label", "period.start", "period.end", "area.name",
    "crime.total", "crime.previous_total", "crime.change_pct",
    "hotspots.top10_lsoas", "hotspots.top10_share", "hotspots.gini",
    "hotspots.generalised_gini", "hotspots.hot_spots_95",
    "offenders.offenders", "offenders.linked_crimes",
    *[f"offenders.top_share.{p}.{d}" for p in SHARES for d in ("linked", "all")],
    "victims.victims", "victims.repeat_victims", "victims.repeat_rate",
    "victims.repeat_rate_lookback", "victims.da_repeat_rate",
    "ed_assaults.total", "ed_assaults.not_reported_share", "ed_assaults.police_rank_correlation",
    "ed_assaults.unmatched",
    "patterns.peak_month", "patterns.peak_weekday", "patterns.peak_hour", "patterns.nte_violence_share",
    "patterns.timed_share",
]

#: one segment of a key path a chapter may write
KEY_PART = re.compile(r"^[a-z0-9_]+$")


class SummaryError(AssessmentError):
    """A summary.json that breaks its contract (a bad key path, or a schema violation)."""


# ---------------------------------------------------------------------------------------------
# key paths
# ---------------------------------------------------------------------------------------------
def check_keys(values: dict) -> None:
    """Raise :class:`SummaryError` unless every key of ``values`` is a dotted path of identifiers.

    >>> check_keys({"crime.total": 1, "offenders.top_share.2_5.all": 0.1})
    >>> check_keys({"crime.by_type.Theft from shops (inc. shoplifting).current": 1})
    Traceback (most recent call last):
    ...
    assessment.summary.SummaryError: headline key 'crime.by_type.Theft from shops (inc. shoplifting).current' is not a path of lower-case identifiers: a name (crime type, group, category) belongs in a value, as a list of {"name": ...} objects
    """
    for key in values:
        if not isinstance(key, str) or not all(KEY_PART.match(p) for p in key.split(".")):
            raise SummaryError(f"headline key {key!r} is not a path of lower-case identifiers: a name (crime type, "
                               'group, category) belongs in a value, as a list of {"name": ...} objects')


def share_key(p: float) -> str:
    """The key part for a share ``p`` (``offenders.top_share.<part>.all``): ``0.01 -> '1'``, ``0.025 -> '2_5'``.

    >>> share_key(0.01), share_key(0.2), share_key(0.025)
    ('1', '20', '2_5')
    """
    return f"{round(p * 100, 6):g}".replace(".", "_")


def nest(flat: dict) -> dict:
    """{'a.b': 1} -> {'a': {'b': 1}} (keys checked by :func:`check_keys`)."""
    check_keys(flat)
    out: dict = {}
    for key, v in flat.items():
        parts = key.split(".")
        d = out
        for p in parts[:-1]:
            nxt = d.setdefault(p, {})
            if not isinstance(nxt, dict):
                raise SummaryError(f"headline key {key!r}: {p!r} already holds a figure, not a block of figures")
            d = nxt
        if isinstance(d.get(parts[-1]), dict) and not isinstance(v, dict):
            raise SummaryError(f"headline key {key!r} would replace a block of figures")
        d[parts[-1]] = v
    return out


_SEGMENT = re.compile(r"[^.\[\]]+")


def parse_path(path: str) -> list[tuple[str, str]]:
    """A summary path as steps: ``("key", k)`` for a map key, ``("name", n)`` for a named list item.

    >>> parse_path('crime.by_type[name="A.b [c]"].current')
    [('key', 'crime'), ('key', 'by_type'), ('name', 'A.b [c]'), ('key', 'current')]
    >>> parse_path('records.crimes.excluded["outside the area"]')
    [('key', 'records'), ('key', 'crimes'), ('key', 'excluded'), ('key', 'outside the area')]
    """
    if not isinstance(path, str) or not path:
        raise ValueError(f"a summary path is a non-empty string, found {path!r}")
    steps: list = []
    i, n = 0, len(path)
    dec = json.JSONDecoder()
    expect_key = True
    while i < n:
        if expect_key:
            m = _SEGMENT.match(path, i)
            if not m:
                raise ValueError(f"summary path {path!r}: expected a key at character {i + 1}")
            steps.append(("key", m.group(0)))
            i = m.end()
            expect_key = False
        elif path[i] == ".":
            i += 1
            expect_key = True
            if i == n:
                raise ValueError(f"summary path {path!r} ends with '.'")
        elif path[i] == "[":
            kind = "name" if path.startswith("[name=", i) else "key"
            j = i + (6 if kind == "name" else 1)
            try:
                value, j = dec.raw_decode(path, j)
            except json.JSONDecodeError:
                value = None
            if not isinstance(value, str) or j >= n or path[j] != "]":
                raise ValueError(f"summary path {path!r}: expected [name=\"...\"] or [\"...\"] at character {i + 1}")
            steps.append((kind, value))
            i = j + 1
        else:
            raise ValueError(f"summary path {path!r}: unexpected {path[i]!r} at character {i + 1}")
    return steps


def item_path(list_path: str, name: str, field: str | None = None) -> str:
    """The path of a named list item (and one of its figures).

    >>> item_path("crime.by_group", 'Say "hi". Then [go]', "current")
    'crime.by_group[name="Say \\\\"hi\\\\". Then [go]"].current'
    """
    p = f"{list_path}[name={json.dumps(str(name), ensure_ascii=False)}]"
    return f"{p}.{field}" if field else p


def get(summary: dict, path: str, default=None):
    """Look a figure up by its path (see the module docstring); ``default`` when absent.

    >>> s = {"a": {"b": 3, "l": [{"name": "x.y", "v": 1}]}}
    >>> get(s, "a.b"), get(s, 'a.l[name="x.y"].v'), get(s, "a.l.x.y.v", "absent"), get(s, "a.c")
    (3, 1, 'absent', None)
    """
    try:
        steps = parse_path(path)
    except ValueError:
        return default
    d = summary
    for kind, k in steps:
        if kind == "key":
            if not isinstance(d, dict) or k not in d:
                return default
            d = d[k]
        else:
            if not isinstance(d, list):
                return default
            d = next((x for x in d if isinstance(x, dict) and x.get("name") == k), _MISSING)
            if d is _MISSING:
                return default
    return d



def missing_reason(summary: dict, path: str) -> str:
    """Why ``path`` finds no figure, in words (for the performance chapter's notes).

    >>> missing_reason({"crime": {"by_group": [{"name": "Burglary"}]}}, "crime.by_group.Burglary.current")
    'crime.by_group is a list of named figures: select one as crime.by_group[name="Burglary"]'
    """
    try:
        steps = parse_path(path)
    except ValueError as e:
        return str(e)
    d, where = summary, ""
    for kind, k in steps:
        if kind == "key" and isinstance(d, list):
            return f'{where} is a list of named figures: select one as {item_path(where, k)}'
        if kind == "key":
            d = d.get(k) if isinstance(d, dict) else None
            where += ("." if where else "") + k
        else:
            d = next((x for x in d if isinstance(x, dict) and x.get("name") == k), None) if isinstance(d, list) else None
            where = item_path(where, k)
        if d is None:
            break
    return f"{path} is null or not in summary.json"


# ---------------------------------------------------------------------------------------------
# building, reading, validating
# ---------------------------------------------------------------------------------------------
def build_summary(fragments: list[dict], records: dict | None = None) -> dict:
    """Merge chapter headline fragments; required keys missing from all are ``null``."""
    flat: dict = {}
    for f in fragments:
        flat.update(f)
    for k in REQUIRED_KEYS:
        flat.setdefault(k, None)
    out = {"schema_version": SCHEMA_VERSION, **nest(flat)}
    if records is not None:
        out["records"] = records
    return out


def collect(out_dir: Path, records: dict | None = None) -> dict:
    """Read ``<out_dir>/_summary/*.json`` and build the summary."""
    frags = [json.loads(p.read_text()) for p in sorted((Path(out_dir) / "_summary").glob("*.json"))]
    return build_summary(frags, records)


@lru_cache(maxsize=1)
def schema() -> dict:
    """The published JSON Schema of summary.json."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _where(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if KEY_PART.match(str(p)) else f"[{json.dumps(p)}]")
    return out.lstrip(".") or "(top level)"


def _non_finite(obj, parts=()):
    if isinstance(obj, float) and not math.isfinite(obj):
        return parts
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, list):
        items = enumerate(obj)
    else:
        return None
    for k, v in items:
        hit = _non_finite(v, parts + (k,))
        if hit is not None:
            return hit
    return None


def _duplicate_names(obj, parts=()):
    if isinstance(obj, list):
        names = [x.get("name") for x in obj if isinstance(x, dict) and "name" in x]
        dup = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if dup is not None:
            return parts, dup
        items = enumerate(obj)
    elif isinstance(obj, dict):
        items = obj.items()
    else:
        return None
    for k, v in items:
        hit = _duplicate_names(v, parts + (k,))
        if hit is not None:
            return hit
    return None


def validate(summary: dict) -> None:
    """Raise :class:`SummaryError` (one line) unless ``summary`` matches the published schema.

    Beyond the schema: no figure is NaN or infinite (JSON has no such number), and the names
    in each list of named figures are distinct.
    """
    import jsonschema  # only when summary.json is validated
    where = f"summary.json does not match its schema (summary.schema.json {SCHEMA_VERSION})"
    bad = _non_finite(summary)
    if bad is not None:
        raise SummaryError(f"{where}: at {_where(bad)}: a figure is not a finite number")
    cls = jsonschema.validators.validator_for(schema())
    errors = list(cls(schema()).iter_errors(summary))
    if errors:
        e = jsonschema.exceptions.best_match(errors)
        msg = " ".join(str(e.message).split())
        if len(msg) > 200:
            msg = msg[:197] + "..."
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise SummaryError(f"{where}: at {_where(e.absolute_path)}: {msg}{more}")
    dup = _duplicate_names(summary)
    if dup is not None:
        raise SummaryError(f"{where}: at {_where(dup[0])}: the name {dup[1]!r} appears twice")


def validate_file(path: Path) -> dict:
    """Read a written summary.json and :func:`validate` it; returns the summary."""
    try:
        s = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SummaryError(f"{path}: not readable JSON: {e}") from e
    validate(s)
    return s
