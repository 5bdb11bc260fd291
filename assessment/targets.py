"""The partnership's targets file: reading and checking it (the indicators of chapter 5).

The file's format and the measures are described in :mod:`assessment.chapters.performance`
(the chapter that evaluates the indicators), the target rules in :mod:`assessment.stats.rag`,
and, for analysts, in ``data/TARGETS.md``.  This module only reads and validates the file, so the
loaders and ``assessment validate`` can check it without loading the chapter.

Example
-------
>>> inds = parse_targets([{"name": "All crime", "baseline": 100, "target": "-5%", "direction": "lower"}])
>>> inds[0].measure, parse_target(inds[0].target)
('crime_count', ('pct', -0.05))
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import InputError, _short
from .stats.rag import DIRECTIONS
from .summary import parse_path
from .yamlfile import read_yaml

MEASURES = ("crime_count", "repeat_rate", "offender_share", "summary")
KEYS = {"name", "measure", "group", "crime_type", "subset", "p", "denominator", "key", "previous_key",
        "baseline", "baseline_year", "target", "direction", "owner", "format", "notes"}
FORMATS = ("count", "percent", "number")


@dataclass(frozen=True)
class Indicator:
    """One indicator of the targets file (see the module docstring for the fields)."""

    name: str
    measure: str
    direction: str
    target: object                      # the raw target: a number, "-5%", "-2pp", "maintain"
    baseline: float | None = None    # a baseline value ...
    baseline_year: int | None = None  # ... or the year to compute it from
    group: str | None = None
    crime_type: str | None = None
    subset: str | None = None
    p: float | None = None
    denominator: str = "all"
    key: str | None = None
    previous_key: str | None = None
    owner: str = ""
    format: str = "count"
    notes: str = ""                  # free text, shown in chapter 5's table (Commentary column) and performance.csv

    @property
    def description(self) -> str:
        """How the indicator is measured, in words (for the table)."""
        sub = " (domestic abuse)" if self.subset == "domestic_abuse" else ""
        if self.measure == "crime_count":
            what = self.group or self.crime_type or "all crime"
            return f"Recorded crimes: {what}{sub}"
        if self.measure == "repeat_rate":
            what = {None: "all crime", "all": "all crime", "domestic_abuse": "domestic abuse"}.get(self.subset, self.subset)
            return f"Repeat-victim rate: {what}"
        if self.measure == "offender_share":
            den = "all recorded crime" if self.denominator == "all" else "offender-linked crime"
            return f"Share of {den} linked to the top {self.p * 100:g}% of offenders"
        return f"summary.json: {self.key}"


def _where(i: int, name, key: str | None = None) -> str:
    s = f"indicator {i + 1}" + (f" ({name!r})" if name else "")
    return s + (f", key '{key}'" if key else "")


def parse_target(spec, file="targets", where: str = "target"):
    """Parse a target: ``("value", x)``, ``("pct", f)``, ``("pp", f)`` or ``("maintain", None)``.

    Numbers are target values; ``"-5%"`` is a 5% reduction from the baseline (``f = -0.05``);
    ``"-2pp"`` two percentage points below it (``f = -0.02``); ``"maintain"`` the baseline.

    >>> parse_target(1200), parse_target("-5%"), parse_target("+2.5 %"), parse_target("-2pp"), parse_target("Maintain")
    (('value', 1200.0), ('pct', -0.05), ('pct', 0.025), ('pp', -0.02), ('maintain', None))
    """
    if isinstance(spec, bool) or spec is None:
        raise InputError(file, where, "a value, a change such as -5%, or 'maintain'", found=repr(spec))
    if isinstance(spec, (int, float)):
        if not math.isfinite(spec):
            raise InputError(file, where, "a finite number", found=repr(spec))
        return ("value", float(spec))
    s = str(spec).strip().replace("−", "-")
    if s.casefold() == "maintain":
        return ("maintain", None)
    m = re.fullmatch(r"([+-])\s*(\d+(?:\.\d+)?)\s*%", s)
    if m:
        v = float(m.group(2)) / 100
        return ("pct", round(-v if m.group(1) == "-" else v, 12))
    m = re.fullmatch(r"([+-])\s*(\d+(?:\.\d+)?)\s*(?:pp|percentage points?)", s, flags=re.I)
    if m:
        v = float(m.group(2)) / 100
        return ("pp", round(-v if m.group(1) == "-" else v, 12))
    try:
        return ("value", float(s.replace(",", "")))
    except ValueError:
        pass
    if re.fullmatch(r"\d+(?:\.\d+)?\s*%", s):
        raise InputError(file, where, "a change with its sign (-5% for a 5% reduction, +5% for a rise), or a rate "
                                      "as a fraction (0.25 for 25%)", found=repr(spec))
    raise InputError(file, where, "a value (1200 or 0.25), a change from the baseline (-5%, +3%, -2pp) or 'maintain'",
                     found=repr(spec))


def parse_targets(raw, file="targets.yml", groups: dict | None = None) -> list[Indicator]:
    """Validate the parsed YAML of a targets file and return its indicators.

    ``raw`` is a list of indicator mappings, or a mapping with an ``indicators:`` list.
    ``groups`` are the config's crime groups (a ``group`` must be one of them).  Every
    problem raises :class:`~assessment.errors.InputError` naming the indicator and key.

    Example
    -------
    >>> inds = parse_targets([{"name": "Burglary", "measure": "crime_count", "group": "Burglary",
    ...                        "baseline": 500, "target": "-5%", "direction": "lower"}],
    ...                      groups={"Burglary": ["Burglary"]})
    >>> inds[0].group, inds[0].baseline, inds[0].target
    ('Burglary', 500.0, '-5%')
    """
    if isinstance(raw, dict):
        unknown = set(raw) - {"indicators", "title", "notes", "period"}
        if unknown:
            raise InputError(file, f"key '{sorted(unknown)[0]}'", "the keys indicators (and optionally title, notes)")
        raw = raw.get("indicators")
    if not isinstance(raw, list) or not raw:
        raise InputError(file, "", "a list of indicators (indicators: followed by '- name: ...' entries)",
                         found=type(raw).__name__ if raw is not None else "nothing")
    groups = groups or {}
    out, seen = [], set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InputError(file, _where(i, None), "a mapping of keys (name:, measure:, target:, ...)", found=repr(item))
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(file, _where(i, None, "name"), "the indicator's name", found=repr(name))
        name = name.strip()
        bad = sorted(set(item) - KEYS)
        if bad:
            raise InputError(file, _where(i, name, bad[0]), f"one of the keys {', '.join(sorted(KEYS))}")
        if name.casefold() in seen:
            raise InputError(file, _where(i, name, "name"), "a name not used by another indicator")
        seen.add(name.casefold())
        measure = item.get("measure", "crime_count")
        if measure not in MEASURES:
            raise InputError(file, _where(i, name, "measure"), f"one of {', '.join(MEASURES)}", found=repr(measure))
        direction = item.get("direction")
        if direction not in DIRECTIONS:
            raise InputError(file, _where(i, name, "direction"), "'lower' or 'higher' (which is better)",
                             found=repr(direction))
        if "target" not in item:
            raise InputError(file, _where(i, name, "target"), "a target (a value, -5%, or maintain)", found="no target")
        kind, _ = parse_target(item["target"], file, _where(i, name, "target"))
        baseline, byear = item.get("baseline"), item.get("baseline_year")
        if isinstance(baseline, dict):
            if set(baseline) != {"year"}:
                raise InputError(file, _where(i, name, "baseline"), "a value, or {year: YYYY}", found=repr(baseline))
            byear, baseline = baseline["year"], None
        if baseline is not None and byear is not None:
            raise InputError(file, _where(i, name, "baseline"), "either baseline (a value) or baseline_year, not both")
        if baseline is not None:
            if isinstance(baseline, bool) or not isinstance(baseline, (int, float)):
                raise InputError(file, _where(i, name, "baseline"), "a number (or baseline_year: YYYY)", found=repr(baseline))
            baseline = float(baseline)
        if byear is not None:
            if isinstance(byear, bool) or not isinstance(byear, int) or not 1990 <= byear <= 2100:
                raise InputError(file, _where(i, name, "baseline_year"), "a year such as 2023", found=repr(byear))
        if baseline is None and byear is None:
            raise InputError(file, _where(i, name, "baseline"), "a baseline value or baseline_year: YYYY",
                             found="neither")
        kw = dict(name=name, measure=measure, direction=direction, target=item["target"], baseline=baseline,
                  baseline_year=byear, owner=str(item.get("owner") or ""), notes=_notes(item.get("notes"), file, i, name))
        group, ctype, subset = item.get("group"), item.get("crime_type"), item.get("subset")
        if group is not None and group not in groups:
            known = ", ".join(groups) or "none are configured"
            raise InputError(file, _where(i, name, "group"), f"a crime group of the config ({known})", found=repr(group))
        if measure == "crime_count":
            if group is not None and ctype is not None:
                raise InputError(file, _where(i, name, "crime_type"), "either group or crime_type, not both")
            if subset not in (None, "all", "domestic_abuse"):
                raise InputError(file, _where(i, name, "subset"), "'domestic_abuse' (or leave it out)", found=repr(subset))
            kw.update(group=group, crime_type=None if ctype is None else str(ctype), subset=subset, format="count")
        elif measure == "repeat_rate":
            if subset is not None and group is not None:
                raise InputError(file, _where(i, name, "subset"), "either subset or group, not both")
            if subset not in (None, "all", "domestic_abuse"):
                raise InputError(file, _where(i, name, "subset"), "'all' or 'domestic_abuse' (or group: <crime group>)",
                                 found=repr(subset))
            kw.update(subset=group if group is not None else (subset or "all"), group=group, format="percent")
        elif measure == "offender_share":
            p = item.get("p")
            if isinstance(p, str) and p.strip().endswith("%"):
                try:
                    p = float(p.strip()[:-1]) / 100
                except ValueError:
                    pass
            if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 < p <= 1:
                raise InputError(file, _where(i, name, "p"), "the top share of offenders as a fraction (0.01) or '1%'",
                                 found=repr(item.get("p")))
            den = item.get("denominator", "all")
            if den not in ("all", "linked"):
                raise InputError(file, _where(i, name, "denominator"), "'all' or 'linked'", found=repr(den))
            kw.update(p=float(p), denominator=den, format="percent")
        else:
            key = item.get("key")
            if not isinstance(key, str) or not key.strip():
                raise InputError(file, _where(i, name, "key"), "a dotted summary.json key such as hotspots.top10_share",
                                 found=repr(key))
            for what, k in (("key", key), ("previous_key", item.get("previous_key"))):
                try:
                    if isinstance(k, str):
                        parse_path(k.strip())
                except ValueError:
                    raise InputError(file, _where(i, name, what),
                                     'a summary.json path such as hotspots.top10_share or '
                                     'crime.by_group[name="Burglary"].current', found=repr(k)) from None
            if byear is not None:
                raise InputError(file, _where(i, name, "baseline_year"),
                                 "a baseline value (a summary figure has no baseline year)")
            pk = item.get("previous_key")
            guess = summary_format(key)
            kw.update(key=key.strip(), previous_key=pk.strip() if isinstance(pk, str) else None, format=guess)
        fmt = item.get("format")
        if fmt is not None:
            if fmt not in FORMATS:
                raise InputError(file, _where(i, name, "format"), f"one of {', '.join(FORMATS)}", found=repr(fmt))
            kw["format"] = fmt
        if kind == "pp" and kw["format"] != "percent":
            raise InputError(file, _where(i, name, "target"), "a percentage-point change only for rates and shares "
                                                              "(use -5% for counts)", found=repr(item["target"]))
        out.append(Indicator(**kw))
    return out


def _notes(v, file, i: int, name: str) -> str:
    """An indicator's ``notes`` as shown in chapter 5's table: text; a list of texts joined with '; '.

    >>> _notes(["MOPAC priority", 2024], "t.yml", 0, "A"), _notes(None, "t.yml", 0, "A")
    ('MOPAC priority; 2024', '')
    """
    if v is None:
        return ""
    items = v if isinstance(v, list) else [v]
    if any(isinstance(x, (list, dict)) for x in items):
        raise InputError(file, _where(i, name, "notes"), "text (a line, a YAML block of lines, or a list of lines)",
                         found="a mapping" if isinstance(v, dict) or any(isinstance(x, dict) for x in items)
                         else "a list inside a list")
    return "; ".join(" ".join(str(x).split()) for x in items if str(x).strip())


def summary_format(key: str) -> str:
    """How a summary.json figure is shown: ``percent`` for shares and rates that are fractions,
    ``number`` otherwise (rates per 1,000, Gini, counts).

    >>> summary_format("victims.repeat_rate"), summary_format("offenders.top_share.1.all"), summary_format("crime.rate_per_1000")
    ('percent', 'percent', 'number')
    """
    parts = key.split(".")
    if any("per_1000" in x for x in parts):
        return "number"
    if any("share" in x or x.endswith("rate") or x.endswith("rate_lookback") for x in parts):
        return "percent"
    return "number"


def check_crime_types(indicators: list[Indicator], crimes: pd.DataFrame, file="targets") -> None:
    """Every ``crime_type`` named by an indicator occurs in the crime data (else a misspelling
    would count zero crimes): raise :class:`InputError` naming the indicator otherwise."""
    known = set(crimes["crime_type"].dropna().astype(str).unique())
    for i, ind in enumerate(indicators):
        if ind.crime_type is not None and ind.crime_type not in known:
            shown = ", ".join(sorted(known)[:10]) + (" ..." if len(known) > 10 else "")
            raise InputError(file, _where(i, ind.name, "crime_type"), f"a crime type in the data ({shown})",
                             found=repr(ind.crime_type))


def read_targets(path, groups: dict | None = None) -> list[Indicator]:
    """Read and validate a targets YAML file (see :func:`parse_targets`).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.yml"
    >>> _ = p.write_text("indicators:\\n  - {name: All crime, baseline: 100, target: maintain, direction: lower}\\n")
    >>> [i.name for i in read_targets(p)]
    ['All crime']
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "", "a targets file (YAML)", found="no such file")
    # a folder, text that is not UTF-8, invalid YAML or an alias bomb: one line (assessment.yamlfile)
    raw = read_yaml(path, "targets file (YAML)", name=_short(path))
    return parse_targets(raw, path, groups)
