"""``assessment validate``: check every input without running, and report ALL problems at once.

Each problem is one line (file, row or column, what was expected).  An empty
list means the inputs are clean.  Three passes, so one broken file does not
hide the problems of another:

1. every input file named in the config exists (and is a file where a file is expected);
2. every input other than the crime input is read on its own (bad rows do not
   stop the reading: each bad column is reported with its first bad row and
   how many more there are) — the targets file too, with every check the run
   makes of it (keys, measures, directions, crime groups, targets), and the commentary file (its
   headings, against the targets file's indicators and the period asked for);
3. the whole dataset is loaded, and the counted exclusions that point to a
   fault in the data (malformed LSOA codes, duplicate ids, links to crimes
   that do not exist, empty geometries, police.uk months missing from the
   assessment year, ...) are reported with their counts.  Ordinary exclusions
   (outside the area, outside the data window, police.uk rows with no
   location) are not problems.  A period the data do not fully cover is a
   problem unless ``allow_partial`` (``--allow-partial``), as it stops a run.

The config itself is read by :func:`assessment.config.load_config`, whose
:class:`~assessment.config.ConfigProblems` lists every unknown or mistyped key.

Example
-------
>>> import tempfile, pathlib
>>> from assessment.config import load_config
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "crimes.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\\n"
...     "C1,2024-04-02,Burglary,E01000001\\nC1,2024-04-02,Burglary,E01000001\\nC2,2024-05-01,Robbery,E0100\\n")
>>> _ = (d / "a.yml").write_text("area: {name: Testham}\\ninputs: {crimes: crimes.csv}\\n")
>>> for line in validate(load_config(d / "a.yml"), 2024): print(line)
2024/25 is not complete in the data: no data for Jun 2024 – Mar 2025 (the data cover Apr 2024 – May 2024); add --allow-partial to report 2024/25 from 2 of its 12 months
crimes: 1 row(s) excluded: duplicate crime id
crimes: 1 row(s) excluded: malformed LSOA code
"""
from __future__ import annotations

from .accounting import Accounting
from .commentary import read_commentary
from .config import FOLDER_INPUTS, Config, Inputs, folder_problem, input_paths
from .errors import AssessmentError, collect_problems, one_line
from .loaders import geography, hospital, links, load_dataset, plausibility, population
from .loaders import wards as ward_input
from .periods import make_period
from .targets import check_crime_types, read_targets

#: exclusion reasons that mean something is wrong with the data (reported by validate)
PROBLEM_REASONS = {
    "malformed LSOA code", "duplicate crime id", "duplicate incident id", "duplicate month file",
    "crime not in the crimes table", "duplicate link", "bad offence date", "bad date", "no offence date",
    "no date", "coordinates outside Great Britain", "latitude and longitude swapped",
    "LSOA code of another vintage (no inputs.lsoa_lookup)", "LSOA code not in the boundary file",
    "empty geometry", "duplicate LSOA code", "no LSOA code", "zero population", "not a valid population",
    "no crime id", "no victim id", "no offender id", "duplicate attendance id", "duplicate row (same area and category)",
    "LSOA with an empty geometry in the boundary file",
}

#: note fragments of months missing from the period: not problems with ``allow_partial``
PARTIAL_NOTES = ("no police.uk file for", "no police.uk rows for")

#: note fragments that are problems too
PROBLEM_NOTES = ("no police.uk file for", "no police.uk rows for", "named for",
                 "duplicate month file", "invalid geometr", "not UTF-8", "other vintage",
                 "have no population estimate", "not an age", "not an LSOA code", "blank count cell",
                 "not in the boundary file (", "no crimes at all in",
                 # ED assaults (chapter 8): values that are not what the ISTV columns hold
                 "not a UK postcode", "not in the postcode lookup", "not yes, no or not known", "not a time of day",
                 "not a number of people", "cannot be placed without a postcode lookup")


def validate(cfg: Config, year=None, to=None, allow_partial: bool = False) -> list[str]:
    """Every problem with the inputs of ``cfg``, one line each; ``[]`` when clean.

    Parameters are those of :func:`assessment.loaders.load_dataset` (``allow_partial``:
    a period the data do not fully cover is not a problem).
    """
    problems = _Problems()
    year, period_ok = _period_arguments(cfg, year, to, problems)
    cfg = _check_files(cfg, problems)                                         # 1. files exist
    targets = _read_each_input(cfg, year, to, period_ok, problems)           # 2. the other inputs on their own
    if period_ok:
        _check_dataset(cfg, year, to, allow_partial, targets, problems)     # 3. the whole dataset
    return list(problems)


class _Problems(list):
    """The problem lines found, in the order found, each once."""

    def add(self, line: str) -> None:
        line = one_line(line)   # one problem, one line (a personal file's values are never in it)
        if line not in self:
            self.append(line)


def _period_arguments(cfg: Config, year, to, problems: _Problems) -> tuple:
    """A bad ``year``/``to`` is a problem (and the dataset is then not loaded); the year asked for."""
    if year is None and to is None:
        return year, True
    try:
        requested = make_period(cfg.period, year=year, to=to)
    except AssessmentError as e:
        problems.add(str(e))
        return year, False
    return (None if to is not None else requested.year), True


def _check_files(cfg: Config, problems: _Problems) -> Config:
    """Pass 1: every input file named exists (a file where a file is expected); the config without
    the inputs that do not (a copy, when any is missing)."""
    missing = set()
    for name in Inputs.model_fields:
        for p in input_paths(cfg.inputs, name):
            if not p.exists():
                problems.add(f"inputs.{name}: file not found: {p}")
                missing.add(name)
            elif name not in FOLDER_INPUTS and p.is_dir():
                problems.add(folder_problem(cfg.path or "config", name, p))
                missing.add(name)
    if missing:
        cfg = cfg.model_copy(deep=True)
        for name in missing:
            setattr(cfg.inputs, name, None)
        cfg.path = getattr(cfg, "path", None)
    return cfg


def _read_each_input(cfg: Config, year, to, period_ok: bool, problems: _Problems) -> list:
    """Pass 2: every input other than the crime input read on its own, every problem of each
    collected; returns the targets file's indicators (empty without one, or when it failed)."""
    acc, notes = Accounting(), []
    year_for_pop = 9999 if not period_ok else year if year is not None else (int(to[:4]) if to else 9999)
    readers = []
    inp = cfg.inputs
    if inp.lsoa_lookup:
        readers.append(lambda: geography.load_lsoa_lookup(inp.lsoa_lookup, acc, notes))
    if inp.boundaries:
        readers.append(lambda: geography.load_boundaries(cfg, acc, notes))
    if inp.wards:
        readers.append(lambda: geography.load_wards(inp.wards, acc, notes))
    if inp.ward_boundaries:
        readers.append(lambda: ward_input.load_ward_boundaries(inp.ward_boundaries, acc, notes))
    if inp.population:
        readers.append(lambda: population.load_population(inp.population, year_for_pop, acc, notes))
    if inp.victims:
        readers.append(lambda: links.load_links(inp.victims, "victims", acc, notes, set(), set()))
    if inp.offenders:
        readers.append(lambda: links.load_links(inp.offenders, "offenders", acc, notes, set(), set()))
    if inp.asb:
        readers.append(lambda: links.read_asb(inp.asb, notes))
    if inp.postcode_lookup:
        readers.append(lambda: hospital.load_postcode_lookup(inp.postcode_lookup, acc, notes, None))
    if inp.ed_assaults:
        readers.append(lambda: hospital.read_ed_assaults(inp.ed_assaults, notes))
    targets: list = []
    if inp.targets:
        readers.append(lambda: targets.extend(read_targets(inp.targets, cfg.crime_groups)))
    if inp.commentary:   # after the targets: its '# Indicator:' headings name their indicators
        period = None
        if period_ok and (year is not None or to is not None):
            period = make_period(cfg.period, year=year, to=to)
        labels = None if period is None else [period.label, period.base_label, period.slug]
        # indicator names unchecked (None) when the targets file could not be read: that is its own problem
        readers.append(lambda: read_commentary(inp.commentary, [i.name for i in targets] if targets else
                                               (None if inp.targets else []), labels))
    for read in readers:
        _collect(read, problems)
    return targets


def _collect(fn, problems: _Problems):
    """Run ``fn`` inside ``collect_problems``: its error and every problem it recorded are added."""
    result = None
    with collect_problems() as found:
        try:
            result = fn()
        except AssessmentError as e:
            problems.add(str(e))
    for e in found:
        problems.add(str(e))
    return result


def _check_dataset(cfg: Config, year, to, allow_partial: bool, targets: list, problems: _Problems) -> None:
    """Pass 3: the whole dataset loaded; the counted exclusions and notes that point to a fault in
    the data, the plausibility checks and the targets' crime types are problems."""
    ds = _collect(lambda: load_dataset(cfg, year=year, to=to, allow_partial=allow_partial), problems)
    if ds is None:
        return
    for name, reasons in ds.accounting.exclusions.items():
        for reason, n in sorted(reasons.items()):
            if reason in PROBLEM_REASONS and n:
                problems.add(f"{name}: {n} row(s) excluded: {reason}")
    for note in ds.notes:
        if any(k in note for k in PROBLEM_NOTES) and not (allow_partial and any(k in note for k in PARTIAL_NOTES)):
            problems.add(note)
    for line in plausibility.validate_lines(ds):   # placeholder ids, implausible values (notes)
        problems.add(line)
    if targets:
        try:
            check_crime_types(targets, ds.crimes, cfg.inputs.targets)
        except AssessmentError as e:
            problems.add(str(e))
