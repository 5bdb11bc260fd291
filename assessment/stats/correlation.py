"""Two measures of the same thing, compared place by place: rank correlation, percentile ranks,
the places one measure puts high and the other low, and a share of known answers.

Used for the Cardiff Model (§5.5): emergency-department assault attendances by LSOA against
police-recorded violence by LSOA.  Pure functions: pandas, numpy and scipy only.

Example
-------
>>> import pandas as pd
>>> ed = pd.Series([1, 5, 9, 30], index=list("ABCD"))
>>> police = pd.Series([2, 6, 20, 1], index=list("ABCD"))
>>> spearman(ed, police)["rho"]
-0.2
>>> high_low(ed, police, high=0.25, low=0.5, min_high=5).loc[lambda s: s].index.tolist()
['D']
"""
from __future__ import annotations

import math

import pandas as pd

from .base import StatsError


def spearman(x, y) -> dict:
    """Spearman's rank correlation of two measures of the same places.

    Parameters
    ----------
    x, y : Series
        Values by place, aligned on their index (a place missing from one is left out, as is a
        place with a missing value).

    Returns
    -------
    dict
        ``rho`` (float, −1 … 1), ``p`` (two-sided, against no association) and ``n`` (places
        used); ``rho`` and ``p`` are None with fewer than 3 places or when either measure is the
        same everywhere (no ranking to compare).

    Notes
    -----
    Each measure is ranked, ties given their average rank, and ρ is Pearson's correlation of the
    ranks: ρ = cov(R(x), R(y)) / (σ(R(x)) σ(R(y))).  Without ties this equals
    1 − 6 Σ dᵢ² / (n (n² − 1)), dᵢ the difference of place i's two ranks.  The p-value is
    :func:`scipy.stats.spearmanr`'s (a t distribution with n − 2 degrees of freedom).

    References
    ----------
    Spearman, C. (1904). The proof and measurement of association between two things. *American
    Journal of Psychology*, 15(1), 72–101.

    Examples
    --------
    Ranks (1, 2, 3, 4) against (2, 3, 4, 1): Σd² = 1 + 1 + 1 + 9 = 12, ρ = 1 − 72 / 60 = −0.2.

    >>> r = spearman(pd.Series([10, 20, 30, 40]), pd.Series([5, 7, 9, 1]))
    >>> r["rho"], r["n"]
    (-0.2, 4)
    >>> spearman(pd.Series([1, 1, 1]), pd.Series([1, 2, 3]))["rho"] is None
    True
    """
    from scipy import stats  # heavy: only when a correlation is computed
    a = pd.Series(x, dtype="float64")
    b = pd.Series(y, dtype="float64")
    both = pd.concat([a.rename("x"), b.rename("y")], axis=1, join="inner").dropna()
    n = len(both)
    if n < 3 or both["x"].nunique() < 2 or both["y"].nunique() < 2:
        return {"rho": None, "p": None, "n": n}
    res = stats.spearmanr(both["x"].to_numpy(), both["y"].to_numpy())
    rho, p = float(res.statistic), float(res.pvalue)
    return {"rho": round(rho, 12), "p": None if math.isnan(p) else p, "n": n}


def percentile_ranks(values) -> pd.Series:
    """Each place's percentile rank: its rank (ties: the average rank) ÷ the number of places.

    Parameters
    ----------
    values : Series

    Returns
    -------
    Series of float in (0, 1], same index: 1 for the highest value.

    Notes
    -----
    ``pandas.Series.rank(method="average", pct=True)``.  Tied places share a rank, so no place is
    put above another with the same value.

    Examples
    --------
    >>> percentile_ranks(pd.Series([0, 0, 5, 9], index=list("ABCD"))).tolist()
    [0.375, 0.375, 0.75, 1.0]
    """
    s = pd.Series(values, dtype="float64")
    return s.rank(method="average", pct=True)


def high_low(high_measure, low_measure, high: float = 0.2, low: float = 0.5, min_high: float = 0) -> pd.Series:
    """The places the first measure puts high and the second low.

    A place is flagged when its percentile rank (:func:`percentile_ranks`) on ``high_measure``
    is above ``1 − high`` (in the top ``high`` fraction of places), its percentile rank on
    ``low_measure`` is at most ``low`` (in the bottom ``low`` fraction) and its value on
    ``high_measure`` is at least ``min_high``.

    Parameters
    ----------
    high_measure, low_measure : Series
        Values by place, on the same index.
    high, low : float
        Fractions of places, in (0, 1).
    min_high : float
        The least value of ``high_measure`` a flagged place has (e.g. the disclosure threshold).

    Returns
    -------
    Series of bool, the index of ``high_measure``.

    Notes
    -----
    Ranks rather than values, so the two measures need not be on the same scale (attendances at a
    hospital against crimes recorded by the police).

    Examples
    --------
    >>> ed = pd.Series([0, 2, 6, 40, 12], index=list("ABCDE"))
    >>> police = pd.Series([9, 1, 3, 2, 30], index=list("ABCDE"))
    >>> high_low(ed, police, high=0.4, low=0.4).tolist()
    [False, False, False, True, False]
    """
    if not (0 < high < 1 and 0 < low < 1):
        raise StatsError(f"high and low are fractions between 0 and 1, found {high} and {low}")
    a = pd.Series(high_measure, dtype="float64")
    b = pd.Series(low_measure, dtype="float64").reindex(a.index)
    if b.isna().any():
        raise StatsError("the two measures must give a value for the same places")
    ra, rb = percentile_ranks(a), percentile_ranks(b)
    out = (ra > 1 - high + 1e-12) & (rb <= low + 1e-12) & (a >= min_high)
    return out.astype(bool)


def known_share(part: int, other: int):
    """``part ÷ (part + other)``: a share among the answers that are known (None when there are none).

    Examples
    --------
    Of 40 attendances, 18 not reported to the police, 12 reported and 10 not known: 18 ÷ 30.

    >>> known_share(18, 12)
    0.6
    >>> known_share(0, 0) is None
    True
    """
    part, other = int(part), int(other)
    if part < 0 or other < 0:
        raise StatsError(f"counts cannot be negative, found {part} and {other}")
    n = part + other
    return None if n == 0 else part / n

