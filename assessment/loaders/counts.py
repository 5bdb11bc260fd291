"""Several MPS count files read as one series (issue 17): ``inputs.crime_counts`` as a list.

London analysts combine the MPS "Recorded Crime: Geographic Breakdown" tables: the ward-level
history (April 2010 to the month before the current tables begin) with the current ward- and
LSOA-level tables.  Their months overlap, and the first and last month of a published extract are
often partial (the current Haringey ward table holds 2 crimes for February 2024 where the history
holds 2,220).  :func:`choose_months` is the rule that makes them one series:

* **each month is counted once**, from one file;
* **the file with most crimes in the area that month supplies it** — a partial edge month holds
  fewer crimes than the complete month of the other file, and an LSOA-level table holds only the
  crimes geocoded to an LSOA, so a ward-level table of the same month (every crime) wins over it;
* a tie goes to the file listed **later** in ``crime_counts`` (list the newest last).

Where files disagree on a month both totals are stated in the data-quality notes
(:func:`overlap_notes`).  The LSOA-level files still feed the analyses by LSOA (hot spots) for
their own months when a ward-level file supplies the series: :class:`CountFiles` keeps the files
apart, and the loader (:func:`assessment.loaders.load_dataset`) builds the series and the LSOA
detail from them.

Example
-------
>>> import pandas as pd
>>> t = pd.DataFrame({0: [2300, 2220, None], 1: [None, 2, 2176]},
...                  index=pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
>>> choose_months(t).tolist()
[0, 0, 1]
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .common import month_label

#: how far below the other file's total a month must be to be called partial in the notes
PARTIAL_SHARE = 0.5


def choose_months(totals: pd.DataFrame) -> pd.Series:
    """The file that supplies each month: most crimes in the area, a tie to the file listed later.

    Parameters
    ----------
    totals : DataFrame
        Indexed by month; one column per file (its position in ``crime_counts``): the crimes the
        file holds in the area that month, NaN when the file has no column for the month.

    Returns
    -------
    Series
        Month -> the chosen file's column label (months no file holds are left out).

    Notes
    -----
    For month :math:`m`, the chosen file is :math:`\\arg\\max_f (T_{f,m}, f)` over the files
    :math:`f` with a column for :math:`m`: the largest total :math:`T_{f,m}`, ties broken by the
    later position :math:`f`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({0: [5.0, 7.0], 1: [5.0, 6.0]}, index=pd.to_datetime(["2024-01-01", "2024-02-01"]))
    >>> choose_months(t).tolist()     # a tie to the later file; otherwise the larger month
    [1, 0]
    """
    out = {}
    for month, row in totals.iterrows():
        held = row.dropna()
        if held.empty:
            continue
        best = max(held.index, key=lambda f: (held[f], list(totals.columns).index(f)))
        out[month] = best
    return pd.Series(out, dtype="object").sort_index()


def overlap_notes(totals: pd.DataFrame, chosen: pd.Series, names: list[str]) -> list[str]:
    """One data-quality line per pair of files that share months, with both totals.

    A month where the smaller total is under half the larger (a partial month) is named with both
    totals; the other shared months are summed.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({0: [2254.0, 2220.0, None], 1: [None, 2.0, 2176.0]},
    ...                  index=pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    >>> print(overlap_notes(t, choose_months(t), ["hist.csv", "current.csv"])[0])
    hist.csv and current.csv both hold Feb 2024: hist.csv 2,220 crimes, current.csv 2 (a partial month); \
each month is counted once, from the file with more crimes (hist.csv)
    """
    lines = []
    cols = list(totals.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            both = totals[[a, b]].dropna()
            if both.empty:
                continue
            lo, hi = both.min(axis=1), both.max(axis=1)
            partial = both[lo < PARTIAL_SHARE * hi]
            rest = both.drop(partial.index)
            parts = [f"{month_label(m)}: {names[a]} {int(r[a]):,} crimes, {names[b]} {int(r[b]):,} (a partial month)"
                     for m, r in partial.iterrows()]
            if len(rest):
                span = f"{month_label(rest.index.min())} – {month_label(rest.index.max())}"
                what = (f"{names[a]} {int(rest[a].sum()):,} crimes, {names[b]} {int(rest[b].sum()):,}"
                        if (rest[a] != rest[b]).any() else f"the same totals in both ({int(rest[a].sum()):,} crimes)")
                parts.append(what if partial.empty else f"{len(rest)} other month(s), {span}: {what}")
            winners = sorted({names[chosen[m]] for m in both.index if m in chosen.index})
            if len(both) == 1 and partial.shape[0] == 1:
                head = f"{names[a]} and {names[b]} both hold {month_label(both.index[0])}: "
                parts = [parts[0].split(": ", 1)[1]]
            elif partial.empty:
                head = f"{names[a]} and {names[b]} share {len(both)} month(s), {span}: "
            else:
                head = f"{names[a]} and {names[b]} share {len(both)} month(s): "
            lines.append(head + "; ".join(parts) + "; each month is counted once, from the file with more crimes ("
                         + " and ".join(winners) + ")")
    return lines


@dataclass
class CountFiles:
    """The MPS count files of ``inputs.crime_counts``, each read on its own (:class:`~.mps.MpsRaw`), in
    the order listed."""

    files: list

    @property
    def level(self) -> str:
        """``lsoa`` or ``ward`` when every file is at that level, else ``mixed``."""
        levels = {f.level for f in self.files}
        return levels.pop() if len(levels) == 1 else "mixed"

    @property
    def levels(self) -> tuple:
        return tuple(sorted({f.level for f in self.files}))

    @property
    def file(self) -> Path:
        return self.files[-1].file

    @property
    def last_month(self) -> pd.Timestamp:
        return max(f.last_month for f in self.files)

    @property
    def first_month(self) -> pd.Timestamp:
        return min(f.first_month for f in self.files)

    @property
    def rows(self) -> pd.DataFrame:
        """Every file's rows (for the crime types the config's groups are checked against)."""
        return pd.concat([f.rows for f in self.files], ignore_index=True)

    def months_with_crime(self) -> pd.DatetimeIndex:
        """The months any file holds a crime in (any area)."""
        ms = set()
        for f in self.files:
            totals = f.values.sum(axis=0)
            ms.update(m for c, m in f.months.items() if totals.get(c, 0) > 0)
        return pd.DatetimeIndex(sorted(ms))
