"""Appendices: methods (gathered from each chapter module's ``METHODS``), data quality, provenance.

Example
-------
>>> from assessment.accounting import Accounting
>>> acc = Accounting(); acc.read("crimes", 5); acc.use("crimes", 4); acc.exclude("crimes", "duplicate crime id", 1)
>>> accounting_table(acc)[["Input", "Rows read", "Rows used", "Rows excluded", "Reason"]].values.tolist()
[['crimes', 5, 4, 1, 'duplicate crime id']]
"""
from __future__ import annotations

import importlib
import textwrap

import pandas as pd

from . import provenance

#: chapter modules in report order; a module that is absent or has no METHODS is skipped
METHOD_MODULES = ["volumes", "hotspots", "emerging", "offenders", "victims", "asb", "performance",
                  "comparison", "narrative", "disclosure"]

DISCLOSURE_METHODS = """
### Disclosure control

Victim, offender and caller identifiers are personal data: no identifier appears in any table,
chart, log or file this workbook writes. Counts derived from victim or offender records that are
below the threshold ({min_count}) are shown as "<{min_count}" (primary suppression); where a published
total would let a reader work out a suppressed count, the next-smallest count is hidden too and shown
as "[c]" (secondary suppression; "[c]", the Government Statistical Service's symbol for confidential,
because such a count is not itself below {min_count}). Rates and shares resting on a hidden count are
left blank. Zeros are not disclosive and are shown. One gate decides what is published: every table
written to `tables/` and every headline figure passes through it, and a table built from personal
records that still held a count below the threshold would stop the run rather than be published.
Counts of crimes and of places (LSOAs, wards, map points) are not personal data and are not
suppressed. Appendix B lists what was hidden.
"""


def _configured_methods(name: str, mod, cfg):
    """A module's methods text for this run's settings (thresholds, windows, the hot-spot
    significance rule), where it has them."""
    m = cfg.disclosure.min_count
    if name == "victims":
        return mod.methods(cfg.victims.lookback_days, cfg.victims.repeat_windows, m)
    if name == "asb":
        return mod.methods(cfg.asb.repeat_calls, cfg.asb.window_weeks, m)
    if name == "performance":
        p = cfg.performance
        return mod.methods(p.amber_threshold, p.amber_green_threshold, p.no_change_band)
    if name in ("hotspots", "emerging"):
        from .significance import SignificanceRule
        rule, h = SignificanceRule.from_config(cfg.hotspots), cfg.hotspots
        if name == "hotspots":
            return mod.methods(rule)
        return mod.methods(rule, h.emerging_alpha, h.trend_alpha, h.emerging_min_years)
    return getattr(mod, "METHODS", None)


def methods_markdown(ds) -> str:
    """The methods appendix: each chapter module's methods text (with this run's settings), in
    report order."""
    parts = []
    for name in METHOD_MODULES:
        try:
            mod = importlib.import_module(f"assessment.{name}")
        except ImportError:
            continue
        text = _configured_methods(name, mod, ds.config)
        if text:
            parts.append(textwrap.dedent(text).strip())
    parts.append(textwrap.dedent(DISCLOSURE_METHODS.format(min_count=ds.config.disclosure.min_count)).strip())
    parts.append(periods_methods(ds))
    return "\n\n".join(parts)


def periods_methods(ds) -> str:
    p = ds.period
    return ("### Periods\n\n"
            f"The assessment period is {p.label} ({p.start:%-d %B %Y} to {p.end_date:%-d %B %Y}). "
            "Financial years run from 1 April to 31 March; a rolling period is the 12 months ending "
            "with the month given. The previous 12 months are the same months one year earlier. "
            "police.uk data are monthly, so periods are whole months.")


def accounting_table(acc) -> pd.DataFrame:
    """The accounting as a published table (one row per input and exclusion reason)."""
    t = acc.to_frame().rename(columns={"input": "Input", "read": "Rows read", "used": "Rows used",
                                       "excluded": "Rows excluded", "reason": "Reason", "rows": "Rows"})
    t["Reason"] = t["Reason"].replace("", "—")
    return t


def data_quality(ds) -> pd.DataFrame:
    """Record accounting for every input of the run (``read = used + excluded``)."""
    ds.accounting.check()
    return accounting_table(ds.accounting)


def quality_title(ds) -> str:
    acc = ds.accounting
    read = sum(acc.reads.values())
    excl = sum(acc.excluded(k) for k in acc.reads)
    if read == 0:
        return "No input rows were read"
    return f"{read - excl:,} of {read:,} input rows were used ({excl / read:.1%} excluded, each with a reason)"


def quality_notes(ds) -> str:
    notes = []
    for name, texts in ds.accounting.notes.items():
        notes += [f"* **{name}**: {t}" for t in texts]
    notes += [f"* {t}" for t in ds.notes]
    if not notes:
        return "No further data-quality notes."
    return "Notes on the inputs:\n\n" + "\n".join(notes)


def suppression_table(run) -> pd.DataFrame:
    """The tables built from victim, offender or caller records and the cells hidden in each
    (from the run's disclosure ledger, see :mod:`assessment.disclosure`)."""
    from .disclosure import ledger_table
    return ledger_table(run.out_dir, run.config.disclosure.min_count)


def suppression_text(table: pd.DataFrame, min_count: int = 5) -> str:
    """What disclosure control hid across the whole report, in words.

    >>> t = pd.DataFrame({"Table": ["offender_wards.csv", "repeat_victims.csv"],
    ...                   "Cells shown as <5": [3, 0], "Cells shown as [c]": [1, 0]})
    >>> print(suppression_text(t))  # doctest: +NORMALIZE_WHITESPACE
    Counts from victim, offender and caller records below 5 are shown as "<5"; where a published
    total would let a reader work out a hidden count, the next-smallest count is hidden too and
    shown as "[c]". 4 cells were hidden, in 1 of the 2 tables built from personal records
    (offender_wards.csv). Rates and shares resting on a hidden count are left blank.
    """
    head = (f'Counts from victim, offender and caller records below {min_count} are shown as "<{min_count}"; '
            "where a published total would let a reader work out a hidden count, the next-smallest count is "
            'hidden too and shown as "[c]".')
    if table is None or not len(table):
        return head + " No table built from victim, offender or caller records was published in this report."
    cells = table.filter(like="Cells shown").sum(axis=1)
    hidden = table.loc[cells > 0, "Table"].tolist()
    if not hidden:
        return head + (f" No count needed hiding: every count in the {len(table)} tables built from personal "
                       f"records is {min_count} or more, or zero.")
    return head + (f" {int(cells.sum()):,} cells were hidden, in {len(hidden)} of the {len(table)} tables built "
                   f"from personal records ({', '.join(hidden)}). Rates and shares resting on a hidden count are "
                   "left blank.")


def inputs(ds) -> pd.DataFrame:
    """Input files with rows and SHA-256 (see :mod:`assessment.provenance`)."""
    t = provenance.inputs_table(ds.config)
    return t.rename(columns={"input": "Input", "file": "File", "rows": "Rows", "bytes": "Bytes",
                             "sha256": "SHA-256"})


def config_markdown(ds) -> str:
    cfg = ds.config
    if cfg.path is None:
        return "The configuration was given in code, not from a file."
    text = cfg.path.read_text(encoding="utf-8-sig")
    return f"The configuration file used (`{cfg.path.name}`):\n\n```yaml\n{text.rstrip()}\n```"


def versions() -> pd.DataFrame:
    return provenance.versions().rename(columns={"package": "Package", "version": "Version"})
