"""Crime and deprivation: crime rates by Index of Multiple Deprivation (IMD) decile.

Pure functions over per-LSOA Series (indexed by LSOA code): the LSOA's crimes, residents and
national IMD decile (1 = the most deprived 10% of England's LSOAs, 10 = the least deprived).

Example
-------
>>> import pandas as pd
>>> crimes = pd.Series({"A": 30, "B": 10, "C": 5, "D": 5})
>>> residents = pd.Series({"A": 1000, "B": 1000, "C": 1000, "D": 1500})
>>> deciles = pd.Series({"A": 1, "B": 1, "C": 5, "D": 10})
>>> t = decile_table(crimes, residents, deciles)
>>> t["rate_per_1000"].round(2).tolist()
[20.0, 5.0, 3.33]
>>> round(rate_ratio(t), 3), share_most_deprived(crimes, deciles)
(6.0, 0.8)
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .base import StatsError

#: the most deprived 20% of LSOAs nationally: deciles 1 and 2
MOST_DEPRIVED_DECILES = 2


def _aligned(counts, deciles) -> tuple[pd.Series, pd.Series]:
    c = pd.Series(counts, dtype="float64")
    d = pd.Series(deciles).reindex(c.index)
    known = d.notna()
    dd = pd.to_numeric(d[known], errors="coerce")
    if dd.isna().any() or not dd.between(1, 10).all() or (dd != dd.round()).any():
        raise StatsError("deciles: expected whole numbers 1 to 10 (1 = most deprived)")
    if (c < 0).any():
        raise StatsError("counts: expected counts of 0 or more")
    return c[known], dd.astype("int64")


def decile_table(counts, residents, deciles) -> pd.DataFrame:
    """Crimes, residents and the crime rate per 1,000 residents of each IMD decile present.

    Parameters
    ----------
    counts : Series
        Crimes per LSOA (indexed by LSOA code).
    residents : Series or None
        Residents per LSOA; None gives no population or rate.
    deciles : Series
        IMD decile per LSOA (1–10); an LSOA with no decile (missing, or absent) is left out.

    Returns
    -------
    DataFrame
        indexed by ``imd_decile`` (the deciles present, 1 first): ``lsoas``, ``crimes``,
        ``population`` and ``rate_per_1000`` (NaN when a LSOA of the decile has no residents
        figure, or none is given).

    Notes
    -----
    For decile :math:`d` with LSOAs :math:`L_d`:

    .. math:: r_d = 1000 \\times \\frac{\\sum_{i \\in L_d} c_i}{\\sum_{i \\in L_d} p_i}

    a pooled rate (all the decile's crimes over all its residents), not a mean of LSOA rates.

    References
    ----------
    Ministry of Housing, Communities & Local Government (2019). *The English Indices of
    Deprivation 2019: Technical report*, section 3 (ranks and deciles).

    Examples
    --------
    >>> import pandas as pd
    >>> t = decile_table(pd.Series({"A": 4, "B": 6, "C": 1}), pd.Series({"A": 1000, "B": 1000, "C": 500}),
    ...                  pd.Series({"A": 2, "B": 2, "C": 9}))
    >>> t.index.tolist(), t["lsoas"].tolist(), t["crimes"].tolist(), t["rate_per_1000"].tolist()
    ([2, 9], [2, 1], [10, 1], [5.0, 2.0])
    """
    c, d = _aligned(counts, deciles)
    g = c.groupby(d)
    out = pd.DataFrame({"lsoas": g.size().astype("int64"), "crimes": g.sum().astype("int64")})
    if residents is None:
        out["population"] = np.nan
    else:
        p = pd.Series(residents, dtype="float64").reindex(c.index)
        p = p.where(p > 0)
        pop = p.groupby(d).sum(min_count=1)
        complete = p.notna().groupby(d).all()
        out["population"] = pop.where(complete)
    out["rate_per_1000"] = out["crimes"] / out["population"] * 1000.0
    out.index.name = "imd_decile"
    return out.sort_index()


def rate_ratio(table: pd.DataFrame) -> float | None:
    """The crime rate of the most deprived decile present ÷ that of the least deprived present.

    Parameters
    ----------
    table : DataFrame
        :func:`decile_table`.

    Returns
    -------
    float or None
        None with fewer than two deciles, a rate unknown, or a least-deprived rate of 0.

    Notes
    -----
    :math:`R = r_{d_{min}} / r_{d_{max}}`, with :math:`d_{min}` and :math:`d_{max}` the lowest and
    highest deciles among the area's LSOAs (not necessarily 1 and 10).

    Examples
    --------
    >>> import pandas as pd
    >>> rate_ratio(pd.DataFrame({"rate_per_1000": [30.0, 20.0, 10.0]}, index=[2, 5, 8]))
    3.0
    >>> rate_ratio(pd.DataFrame({"rate_per_1000": [30.0]}, index=[2])) is None
    True
    """
    if len(table) < 2:
        return None
    hi, lo = float(table["rate_per_1000"].iloc[0]), float(table["rate_per_1000"].iloc[-1])
    if math.isnan(hi) or math.isnan(lo) or lo == 0:
        return None
    return hi / lo


def share_most_deprived(counts, deciles, up_to: int = MOST_DEPRIVED_DECILES) -> float | None:
    """The share of crime (in LSOAs with a decile) that is in the most deprived deciles 1 … ``up_to``.

    Parameters
    ----------
    counts : Series
        Crimes per LSOA.
    deciles : Series
        IMD decile per LSOA.
    up_to : int
        The least deprived decile counted (2: the most deprived 20% of LSOAs in England).

    Returns
    -------
    float or None
        None when no crime is in an LSOA with a decile.

    Notes
    -----
    :math:`S = \\sum_{i: d_i \\le k} c_i \\, / \\sum_{i: d_i \\text{ known}} c_i`.

    Examples
    --------
    >>> import pandas as pd
    >>> share_most_deprived(pd.Series({"A": 6, "B": 3, "C": 1}), pd.Series({"A": 1, "B": 2, "C": 7}))
    0.9
    """
    c, d = _aligned(counts, deciles)
    tot = float(c.sum())
    return None if tot == 0 else float(c[d <= up_to].sum()) / tot
