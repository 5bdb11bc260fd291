"""The crime names of the config and the targets file, checked against the crime types in the data.

A crime group whose crime type is misspelt, or spelt as another source spells it
(``DOMESTIC BURGLARY`` where the MPS file says ``RES BURGLARY OF A HOME``), would
silently count nothing: the report would print 0.  So every crime type a
``crime_groups`` entry names must be a crime type of the data, and so must every
``crime_type`` of an indicator in the targets file; otherwise the run (and
``assessment validate``) stops with one line naming the group or indicator, the
names not found, and the closest names in the data (:func:`closest`).

Names are compared exactly (as the chapters select crimes); the suggestions are
found case-insensitively, so ``[burglary]`` is told the data say ``Burglary``.

The crime types "in the data" are those of every crime row read (police.uk ASB
rows aside), whatever its area and month: all areas and months of an MPS table or a
record-level extract, and every police.uk file of the data window.  A type the
data hold, but not in the area or the assessment year, is a true zero, not a
misspelling, so it passes.

Example
-------
>>> from assessment.config import Config
>>> cfg = Config.model_validate({"area": {"name": "X"}, "crime_groups": {"Burglary": ["Burglarly"]}})
>>> try:
...     check_crime_names(cfg, ["Burglary", "Robbery"])
... except Exception as e:
...     print(e)
crime_groups: 'Burglary' names 'Burglarly', which is not a crime type in the data; closest: 'Burglary'
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..errors import AssessmentError, ConfigError, InputError, quote
from ..targets import read_targets
from .common import problem

#: suggestions scoring within this much of the best (difflib ratio) are listed too, at most 3
_NEAR = 0.1


def closest(name: str, types: Iterable[str], n: int = 3) -> list[str]:
    """The crime types closest to ``name``, best first (difflib ratio, case-insensitive):
    the best one, and those scoring within 0.1 of it (at most ``n``).

    >>> closest("DOMESTIC BURGLARY", ["RES BURGLARY OF A HOME", "ARSON", "SHOPLIFTING"])
    ['RES BURGLARY OF A HOME']
    >>> closest("violence", ["VIOLENCE WITH INJURY", "VIOLENCE WITHOUT INJURY", "ARSON"])
    ['VIOLENCE WITH INJURY', 'VIOLENCE WITHOUT INJURY']
    """
    folded: dict = {}
    for t in types:
        folded.setdefault(str(t).casefold(), str(t))
    key = str(name).casefold()
    scored = sorted(((difflib.SequenceMatcher(None, key, k).ratio(), k) for k in folded),
                    key=lambda s: (-s[0], s[1]))
    if not scored:
        return []
    best = scored[0][0]
    return [folded[k] for r, k in scored[:n] if r >= best - _NEAR]


def _suggest(names: list[str], types, shown=None) -> str:
    """"closest: 'A'" for one name; "closest: 'A' for 'x'; 'B' or 'C' for 'y'" for several.

    The closest names are found among all ``types``; only those in ``shown`` (default all) are
    quoted — the others are types of a file holding personal data held by too few rows.
    """
    def alts(name):
        c = closest(name, types)
        if shown is not None:
            c = [x for x in c if x in shown]
        return " or ".join(quote(x) for x in c) if c else "none that may be quoted"
    if len(names) == 1:
        return f"closest: {alts(names[0])}"
    return "closest: " + "; ".join(f"{alts(n)} for {quote(n)}" for n in names)


def _names(names: list[str]) -> str:
    q = [quote(n) for n in names]
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + " and " + q[-1]


def group_problems(groups: dict, types, suggest=None) -> list[str]:
    """One line per crime group naming a crime type not in ``types``; [] when all are found.
    The closest names are found among ``types``; only those in ``suggest`` (default all) are quoted.

    >>> group_problems({"Vehicle": ["THEFT FROM A MOTOR VEHICLE", "ARSON"]}, ["THEFT FROM A VEHICLE", "ARSON"])
    ["crime_groups: 'Vehicle' names 'THEFT FROM A MOTOR VEHICLE', which is not a crime type in the data; closest: 'THEFT FROM A VEHICLE'"]
    """
    known = set(types)
    out = []
    for group, names in groups.items():
        missing = list(dict.fromkeys(str(n) for n in names if n not in known))
        if not missing:
            continue
        which = ("which is not a crime type in the data" if len(missing) == 1
                 else "which are not crime types in the data")
        out.append(f"crime_groups: {quote(group)} names {_names(missing)}, {which}; "
                   f"{_suggest(missing, known, None if suggest is None else set(suggest))}")
    return out


def check_crime_names(cfg, types, suggest=None) -> None:
    """Stop (or, inside :func:`~.common.collect_problems`, record) a crime group or a targets
    indicator that names a crime type not in ``types`` — the crime types of the data loaded.

    ``suggest`` limits the closest names quoted to these types (default: all of ``types``): for a
    file holding personal data, only the types held by at least ``disclosure.min_count`` rows (a
    value in one row may be an identifier typed into the wrong column).

    The config's groups give a :class:`~assessment.errors.ConfigError` each; the targets file
    (``inputs.targets``) is read, and each indicator's ``crime_type`` not in the data gives an
    :class:`~assessment.errors.InputError` naming the indicator.  A targets file that cannot be
    read is left for the performance chapter to report.
    """
    types = {str(t) for t in types if t is not None and t == t}
    shown = None if suggest is None else {str(t) for t in suggest if t is not None and t == t}
    where = f"{cfg.path.name}: " if getattr(cfg, "path", None) else ""
    for line in group_problems(cfg.crime_groups, types, shown):
        problem(ConfigError(where + line))
    path = cfg.inputs.targets
    if path is None or not types:
        return
    try:
        indicators = read_targets(path, cfg.crime_groups)
    except AssessmentError:
        return
    for i, ind in enumerate(indicators):
        if ind.crime_type is not None and ind.crime_type not in types:
            problem(InputError(path, f"indicator {i + 1} ({quote(ind.name)}), key 'crime_type'",
                               f"a crime type in the data ({_suggest([ind.crime_type], types, shown)})",
                               found=quote(ind.crime_type)))
