"""The appendix's data: record accounting, the cells disclosure control hid, the input files
and the software versions (the appendix's words are in :mod:`assessment.words.appendix`).

Example
-------
>>> from assessment.accounting import Accounting
>>> acc = Accounting(); acc.read("crimes", 5); acc.use("crimes", 4); acc.exclude("crimes", "duplicate crime id", 1)
>>> accounting_table(acc)[["Input", "Rows read", "Rows used", "Rows excluded", "Reason"]].values.tolist()
[['crimes', 5, 4, 1, 'duplicate crime id']]
"""
from __future__ import annotations

import pandas as pd

from .. import provenance
from ..disclosure import ledger_table


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


def suppression_table(run) -> pd.DataFrame:
    """The tables built from victim, offender or caller records and the cells hidden in each
    (from the run's disclosure ledger, see :mod:`assessment.disclosure`)."""
    return ledger_table(run.out_dir, run.config.disclosure.min_count)


def inputs(ds) -> pd.DataFrame:
    """Input files with rows and SHA-256 (see :mod:`assessment.provenance`)."""
    t = provenance.inputs_table(ds.config)
    return t.rename(columns={"input": "Input", "file": "File", "rows": "Rows", "bytes": "Bytes",
                             "sha256": "SHA-256"})


def versions() -> pd.DataFrame:
    """The versions of Python and of every package the run used."""
    return provenance.versions().rename(columns={"package": "Package", "version": "Version"})
