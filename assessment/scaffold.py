"""``assessment commentary``: write a commentary scaffold for a period — never over an existing file.

The scaffold (:func:`assessment.words.commentary.scaffold`) is a commentary file with every heading
the report places and, under each, a prompt holding this period's figures.  It is written to
``--out``, else to the file the config names (``inputs.commentary``) when that does not exist
yet, else to ``commentary-<period>.md`` beside the config.  An existing file is never overwritten:
that is one line and exit status 2, before anything else is done.

Where the figures come from (the simpler, robust route: the figures a run publishes, read back).
The period's ``summary.json`` and ``tables/performance.csv`` — figures that have passed disclosure
control, never a record:

1. from the report folder given with ``--report``;
2. else from the default report folder ``reports/<period>/`` beside the config, when it holds a
   ``summary.json`` of the same area and period (a whole period, not an in-year ``--quarter`` report);
3. else the command runs the assessment for the period into a temporary folder (private, deleted
   afterwards; about as long as ``assessment run``) and reads that.  The scaffold is then also
   checked for the run's personal identifiers before it is written.

A run for the scaffold leaves the commentary file out (it may not exist yet).

Example
-------
::

    assessment commentary --year 2024                   # commentary-2024-25.md beside assessment.yml
    assessment commentary --year 2024 --out words.md --report reports/2024-25
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import leaks
from .config import load_config
from .demo import ensure_demo
from .disclosure import DisclosureError
from .errors import ConfigError
from .loaders import load_dataset
from .periods import Period, make_period
from .render import run_assessment
from .targets import read_targets
from .words.commentary import read_performance, scaffold

#: the default scaffold's name beside the config (``{slug}``: the period's, e.g. 2024-25)
DEFAULT_NAME = "commentary-{slug}.md"


def target_path(cfg, period: Period, out=None) -> Path:
    """Where the scaffold goes: ``out``, else ``inputs.commentary``, else ``commentary-<slug>.md`` beside the config."""
    if out is not None:
        return Path(out)
    if cfg.inputs.commentary is not None:
        return Path(cfg.inputs.commentary)
    return cfg.root / DEFAULT_NAME.format(slug=period.slug)


def check_target(path: Path) -> None:
    """One line (:class:`ConfigError`) when the scaffold cannot be written there: the file exists
    (it is never overwritten), it is a folder, or its folder does not exist."""
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; give the commentary file's name (--out my-commentary.md)")
    if path.exists():
        raise ConfigError(f"{path}: exists already and is never overwritten; edit it, or give --out for a new file")
    if not path.parent.is_dir():
        raise ConfigError(f"{path}: its folder {path.parent} does not exist")


def summary_matches(summary: dict, cfg, period: Period) -> str | None:
    """Why ``summary`` is not the figures of ``cfg``'s area for ``period`` (None when it is)."""
    p, area = summary.get("period") or {}, (summary.get("area") or {}).get("name")
    if area != cfg.area.name:
        return f"it is for {area!r}, not {cfg.area.name!r}"
    if (p.get("start"), p.get("end")) != (str(period.start.date()), str(period.end_date.date())):
        return f"it is for {p.get('label')!r}, not {period.label}"
    if p.get("quarter"):
        return "it is an in-year (--quarter) report, not the whole period"
    return None


def _read_report(folder: Path) -> tuple[dict, object]:
    s = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    if not isinstance(s, dict):
        raise ConfigError(f"{folder / 'summary.json'}: expected the summary of a report (a JSON object)")
    return s, read_performance(folder / "tables" / "performance.csv")


def figures(cfg, period: Period, to: str | None = None, report=None, allow_partial: bool = False,
            log: Callable = print) -> tuple:
    """``(summary, performance table or None, where from, dataset or None)`` for the scaffold (see the
    module docstring for the route)."""
    if report is not None:
        folder = Path(report)
        if not (folder / "summary.json").is_file():
            raise ConfigError(f"--report {folder}: no summary.json there; give a report folder written by "
                              "`assessment run`")
        summary, perf = _read_report(folder)
        why = summary_matches(summary, cfg, period)
        if why:
            raise ConfigError(f"--report {folder}: its summary.json does not fit: {why}")
        return summary, perf, f"{folder.name}/summary.json", None
    default = cfg.root / "reports" / period.slug
    if (default / "summary.json").is_file():
        try:
            summary, perf = _read_report(default)
        except (OSError, ValueError):
            summary, perf = None, None
        why = summary_matches(summary, cfg, period) if summary is not None else "it cannot be read"
        if not why:
            return summary, perf, f"reports/{period.slug}/summary.json", None
        log(f"not using reports/{period.slug}/summary.json ({why}): running the assessment for {period.label}")
    else:
        log(f"no report for {period.label} yet (reports/{period.slug}/): running the assessment for it "
            "in a temporary folder to take its figures")
    run_cfg = cfg.model_copy(deep=True)
    run_cfg.inputs.commentary = None          # a run for the scaffold leaves the commentary out
    run_cfg.path = cfg.path
    ensure_demo(run_cfg)
    year = period.year if to is None else None
    ds = load_dataset(run_cfg, year=year, to=to, allow_partial=allow_partial)
    with tempfile.TemporaryDirectory(prefix="assessment-commentary-") as tmp:
        out = run_assessment(run_cfg, year=year, to=to, out_dir=Path(tmp) / "report", dataset=ds,
                             allow_partial=allow_partial, log=lambda line: log(f"  {line}"))
        summary, perf = _read_report(out)
    return summary, perf, f"a run of the assessment for {period.label}", ds


def write_scaffold(config=None, year=None, to: str | None = None, out=None, report=None,
                   allow_partial: bool = False, log: Callable = print) -> Path:
    """Write the commentary scaffold for the period; return its path (see the module docstring).

    Raises :class:`ConfigError` (one line) when the file exists, and every error of reading the
    config, the targets file, the data or the report as one line.
    """
    cfg = load_config(config)   # a commentary file the config names may not exist yet (config.LATER_INPUTS)
    period = make_period(cfg.period, year=year, to=to)
    path = target_path(cfg, period, out)
    check_target(path)
    indicators = read_targets(cfg.inputs.targets, cfg.crime_groups) if cfg.inputs.targets else None
    summary, perf, source, ds = figures(cfg, period, to, report, allow_partial, log)
    try:
        name = os.path.relpath(path.resolve(), cfg.root)
    except ValueError:      # another drive (Windows)
        name = str(path)
    text = scaffold(summary, indicators, perf, source=source, lsoas=None if ds is None else ds.lsoas,
                    asb_rule=(cfg.asb.repeat_calls, cfg.asb.window_weeks), file_name=name.replace(os.sep, "/"))
    if ds is not None and leaks.found_in(text, leaks.of_dataset(ds)):
        raise DisclosureError("the scaffold would hold a personal identifier; nothing was written "
                              "(please report this as a bug)")
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        raise ConfigError(f"{path}: exists already and is never overwritten; edit it, or give --out for a new file") from None
    return path
