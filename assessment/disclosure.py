"""Disclosure control (§6): one place decides what may be published.

* No victim, offender or caller identifier ever reaches an output:
  :func:`check_publishable` is called on every table and headline that
  :class:`assessment.workbook.Run` publishes and refuses one that holds an
  identifier column or value.
* Counts derived from victim or offender records that fall below the threshold
  (``disclosure.min_count``, default 5) are published as ``"<5"``
  (primary suppression); where a row or column total is published and only one
  cell in that line is suppressed, the next-smallest cell is suppressed too
  (secondary suppression), so the total cannot be used to recover it.

Example
-------
>>> t = pd.DataFrame({"ward": ["A", "B", "C"], "offenders": [12, 3, 8]})
>>> out, n = suppress(t, ["offenders"], min_count=5, total=True)
>>> out["offenders"].tolist(), n
([12, '<5', '<5'], 2)
"""
from __future__ import annotations

import pandas as pd

from .errors import AssessmentError

ID_COLUMNS = {"victim_id", "offender_id", "caller_id"}


class DisclosureError(AssessmentError):
    """A table or figure would publish personal identifiers."""


def identifiers(dataset) -> frozenset:
    """Every victim, offender and caller id in the dataset (cached on the dataset)."""
    cached = getattr(dataset, "_identifiers", None)
    if cached is not None:
        return cached
    ids = set()
    for frame, col in ((dataset.victims, "victim_id"), (dataset.offenders, "offender_id"),
                       (dataset.asb, "caller_id")):
        if frame is not None and col in frame:
            ids.update(frame[col].dropna().astype(str).unique().tolist())
    out = frozenset(ids)
    try:
        object.__setattr__(dataset, "_identifiers", out)
    except Exception:  # pragma: no cover
        pass
    return out


def check_publishable(df: pd.DataFrame, dataset, where: str = "table") -> None:
    """Raise :class:`DisclosureError` if ``df`` holds an identifier column or value."""
    bad_cols = ID_COLUMNS.intersection(str(c).lower() for c in df.columns)
    if df.index.name and str(df.index.name).lower() in ID_COLUMNS:
        bad_cols.add(df.index.name)
    if bad_cols:
        raise DisclosureError(f"{where}: would publish identifier column(s) {sorted(bad_cols)}")
    ids = identifiers(dataset) if dataset is not None else frozenset()
    if not ids:
        return
    for c in df.columns:
        s = df[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            # set lookups of the column's distinct values: Series.isin(a large set) rebuilds
            # the set for every call (seconds per chapter with tens of thousands of ids)
            if not ids.isdisjoint(s.dropna().astype(str).unique()):
                raise DisclosureError(f"{where}: column {c!r} holds personal identifiers")
    if df.index.dtype == object and not ids.isdisjoint(pd.Index(df.index.astype(str)).unique()):
        raise DisclosureError(f"{where}: the index holds personal identifiers")


def check_publishable_values(values: dict, dataset) -> None:
    """Raise if any headline value is an identifier."""
    ids = identifiers(dataset) if dataset is not None else frozenset()
    for k, v in values.items():
        vals = v if isinstance(v, (list, tuple)) else [v]
        for x in vals:
            if isinstance(x, str) and x in ids:
                raise DisclosureError(f"headline {k!r} holds a personal identifier")


def suppress(df: pd.DataFrame, columns: list[str], min_count: int = 5,
             total: bool = True) -> tuple[pd.DataFrame, int]:
    """Replace counts 1..min_count-1 in ``columns`` by ``"<min_count"``.

    With ``total=True`` (a column total is published or derivable), a column
    with exactly one suppressed cell has its next-smallest unsuppressed cell
    suppressed as well.  Zeros are not disclosive and are kept.  Returns the new
    table (suppressed columns become object dtype) and the number of cells
    suppressed.
    """
    out = df.copy()
    label = f"<{min_count}"
    n = 0
    for c in columns:
        v = pd.to_numeric(out[c], errors="coerce")
        mask = (v > 0) & (v < min_count)
        if total and mask.sum() == 1:
            rest = v[~mask & (v > 0)]
            if len(rest):
                mask.loc[rest.idxmin()] = True
        if mask.any():
            col = out[c].astype(object)
            col[mask] = label
            out[c] = col
            n += int(mask.sum())
    return out, n


def suppress_value(value, min_count: int = 5):
    """A single published count: the value, or ``None`` if it is 1..min_count-1."""
    if value is None:
        return None
    return None if 0 < value < min_count else value
