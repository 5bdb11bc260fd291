"""``summary.json``: the headline figures, machine-readable, with stable keys (§8).

Each chapter records its headlines (dotted keys) through
:meth:`assessment.workbook.Run.headline`; :func:`build_summary` merges them,
nests the dotted keys, and fills every required key that no chapter could
compute with ``null`` — never absent and never guessed.

Example
-------
>>> s = build_summary([{"crime.total": 10, "period.label": "2024/25"}])
>>> s["crime"]["total"], s["victims"]["repeat_rate"] is None
(10, True)
"""
from __future__ import annotations

import json
from pathlib import Path

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
]


def nest(flat: dict) -> dict:
    """{'a.b': 1} -> {'a': {'b': 1}}."""
    out: dict = {}
    for key, v in flat.items():
        parts = key.split(".")
        d = out
        for p in parts[:-1]:
            d = d.setdefault(p, {})
        d[parts[-1]] = v
    return out


def build_summary(fragments: list[dict], records: dict | None = None) -> dict:
    """Merge chapter headline fragments; required keys missing from all are ``null``."""
    flat: dict = {}
    for f in fragments:
        flat.update(f)
    for k in REQUIRED_KEYS:
        flat.setdefault(k, None)
    out = nest(flat)
    if records is not None:
        out["records"] = records
    return out


def collect(out_dir: Path, records: dict | None = None) -> dict:
    """Read ``<out_dir>/_summary/*.json`` and build the summary."""
    frags = [json.loads(p.read_text()) for p in sorted((Path(out_dir) / "_summary").glob("*.json"))]
    return build_summary(frags, records)


def get(summary: dict, dotted: str, default=None):
    """Look a dotted key up in a nested summary."""
    d = summary
    for p in dotted.split("."):
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d
