"""Concentration of counts over places or people: Lorenz curve, Gini, generalised Gini, top-p% shares.

Chapter 2 applies these to crimes per LSOA (:mod:`assessment.chapters.hotspots`), chapter 3 to crimes per
offender (:mod:`assessment.stats.offenders`, :mod:`assessment.chapters.offenders`); they use the
functions here (by the same names), so there is one copy of each rule:

* :func:`top_k` — the one "top p% of n" size rule, ⌈p·n⌉ (at least 1 of a non-empty set);
* :func:`top_areas`, :func:`top_share` — the k largest counts (ties by label) and their share;
* :func:`lorenz` — the points of the Lorenz (concentration) curve;
* :func:`gini`, :func:`generalised_gini` — the Gini coefficient and Bernasco and Steenbeek's
  generalisation for fewer events than places;
* :func:`share_key` — a share p as the percentage in a key or column name ('12.5', '2_5');
* :func:`as_counts` — the input check they all share.

Every function takes counts as a pandas Series (a list, array, dict or other iterable is turned
into one); a missing or negative count is an error (:class:`~assessment.stats.base.StatsError`).

Example
-------
>>> import pandas as pd
>>> counts = pd.Series([50, 30, 10, 5, 5, 0, 0, 0, 0, 0], index=list("abcdefghij"))
>>> top_k(len(counts), 0.20), top_share(counts, 0.20), gini(counts)
(2, 0.8, 0.73)
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .base import StatsError, zero_clip

__all__ = ["as_counts", "check_share", "top_k", "share_key", "top_areas", "top_share", "lorenz", "gini",
           "generalised_gini", "zero_clip"]


# -- input checks ------------------------------------------------------------------------------
def as_counts(counts, what: str = "counts") -> pd.Series:
    """Counts as a float Series with their index, after checking that none is missing or negative.

    Parameters
    ----------
    counts : Series, or list, array, dict or any iterable of numbers
        Counts of 0 or more (a Series keeps its index; a dict's keys become the index).
    what : str
        The name of the input in error messages.

    Returns
    -------
    Series of float
        The same values, same index.

    Raises
    ------
    StatsError
        A count is missing (NaN/None) or negative.

    Examples
    --------
    >>> as_counts({"A": 2, "B": 0}).tolist()
    [2.0, 0.0]
    >>> as_counts([1, None])
    Traceback (most recent call last):
    ...
    assessment.stats.base.StatsError: counts: expected non-negative counts, found 1 missing
    """
    if isinstance(counts, pd.Series):
        s = counts
    elif isinstance(counts, dict) or hasattr(counts, "__array__") or isinstance(counts, (list, tuple)):
        s = pd.Series(counts)
    else:
        s = pd.Series(list(counts))
    missing = int(s.isna().sum())
    if missing:
        raise StatsError(f"{what}: expected non-negative counts, found {missing} missing")
    v = s.astype(float)
    if (v < 0).any():
        raise StatsError(f"{what}: expected non-negative counts (0 or more), found {v.min():g}")
    return v


def check_share(p) -> float:
    """A share ``p`` of a set (0.01 = the top 1%) as a float, checked to lie in (0, 1].

    Parameters
    ----------
    p : float, or anything ``float()`` takes
        The share, a fraction: 0.01 for the top 1%.

    Returns
    -------
    float

    Raises
    ------
    StatsError
        ``p`` is not a number, or not in (0, 1].

    Examples
    --------
    >>> check_share(0.05), check_share("0.2")
    (0.05, 0.2)
    >>> check_share(5)
    Traceback (most recent call last):
    ...
    assessment.stats.base.StatsError: top share: expected a fraction between 0 and 1 (0.01 = top 1%), found 5
    """
    try:
        p = float(p)
    except (TypeError, ValueError):
        raise StatsError(f"top share: expected a fraction such as 0.01 for the top 1%, found {p!r}") from None
    if not 0 < p <= 1:
        raise StatsError(f"top share: expected a fraction between 0 and 1 (0.01 = top 1%), found {p:g}")
    return p


# -- the top p% ----------------------------------------------------------------------------------
def top_k(n: int, p: float) -> int:
    """Number of members in the top ``p`` (a fraction) of a set of ``n``: ⌈p·n⌉, at least 1.

    The one size rule of every "top p%" in the report: the top 1% of 150 LSOAs is 2 LSOAs, the
    top 1% of 250 offenders is 3 offenders.

    Parameters
    ----------
    n : int
        The size of the set (0 or more).
    p : float
        The share, a fraction in (0, 1]: 0.01 for the top 1%.

    Returns
    -------
    int
        ⌈p·n⌉ for n ≥ 1 (so at least 1), 0 for n = 0.

    Notes
    -----
    k = ⌈p·n⌉, with p·n first rounded to 9 decimal places so that floating point cannot push a
    whole number over the next one (0.07 × 100 = 7.000000000000001 gives 7, not 8).

    Examples
    --------
    >>> top_k(150, 0.01), top_k(150, 0.05), top_k(150, 0.10), top_k(147, 0.20)
    (2, 8, 15, 30)
    >>> top_k(250, 0.01), top_k(100, 0.07), top_k(0, 0.2)
    (3, 7, 0)
    """
    p = check_share(p)
    if n < 0:
        raise StatsError(f"top share: expected a set of 0 or more to take the top share of, found {n}")
    if n == 0:
        return 0
    return max(1, math.ceil(round(p * n, 9)))


def share_key(p: float, decimal: str = "_") -> str:
    """A share ``p`` as the percentage in a key or column name: 0.01 -> '1', 0.025 -> '2_5'.

    Parameters
    ----------
    p : float
        The share, a fraction (0.125 = 12.5%).
    decimal : str
        What stands for the decimal point: '_' in ``summary.json`` keys (a '.' there would split
        the key path), '.' in table column names (``top_12.5pct_share``).

    Returns
    -------
    str
        100·p rounded to 6 decimal places, with no trailing zeros.

    Examples
    --------
    >>> share_key(0.01), share_key(0.2), share_key(0.025), share_key(0.125, decimal=".")
    ('1', '20', '2_5', '12.5')
    """
    return f"{round(p * 100, 6):g}".replace(".", decimal)


def _sorted_desc(counts: pd.Series) -> pd.Series:
    """Largest first; equal counts in the text order of their labels."""
    s = pd.Series(counts)
    order = sorted(range(len(s)), key=lambda i: (-float(s.iloc[i]), str(s.index[i])))
    return s.iloc[order]


def top_areas(counts: pd.Series, n: int) -> pd.Series:
    """The ``n`` largest counts, largest first, equal counts in the text order of their labels.

    Parameters
    ----------
    counts : Series
        Counts indexed by place (e.g. lsoa_code).
    n : int
        How many.

    Returns
    -------
    Series
        ``n`` rows of ``counts`` (fewer if it is shorter), same labels and values.

    Notes
    -----
    The tie rule (equal counts ordered by label) is arbitrary but reproducible: which of two
    equal places is "in the top 10" never depends on the input's row order.

    Examples
    --------
    >>> import pandas as pd
    >>> top_areas(pd.Series({"B": 5, "A": 5, "C": 9, "D": 1}), 3).index.tolist()
    ['C', 'A', 'B']
    """
    return _sorted_desc(counts).head(n)


def top_share(counts: pd.Series, p: float) -> float:
    """Share of the total held by the top ``p`` (a fraction) of places: the :func:`top_k` largest.

    Parameters
    ----------
    counts : Series
        Non-negative counts, one per place.
    p : float
        The share of places, a fraction in (0, 1].

    Returns
    -------
    float
        In [0, 1]; NaN when the total is 0.

    Notes
    -----
    With the N counts sorted largest first, x₍₁₎ ≥ x₍₂₎ ≥ … ≥ x₍N₎, and k = ⌈p·N⌉ (:func:`top_k`):
    share = Σᵢ₌₁..ₖ x₍ᵢ₎ ÷ Σᵢ₌₁..N xᵢ.  Ties at the cut do not change the share (the tied counts
    are equal).

    References
    ----------
    Weisburd, D. (2015) "The law of crime concentration and the criminology of place",
    *Criminology* 53(2), 133–157.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.Series([50, 30, 10, 5, 5, 0, 0, 0, 0, 0], index=list("abcdefghij"))
    >>> top_share(c, 0.10), top_share(c, 0.20), top_share(c, 0.05)
    (0.5, 0.8, 0.5)
    """
    v = as_counts(counts)
    total = float(v.sum())
    if total <= 0:
        return float("nan")
    k = top_k(len(v), p)
    return float(_sorted_desc(v).head(k).sum() / total)


def lorenz(counts: pd.Series, descending: bool = True) -> pd.DataFrame:
    """Points of the Lorenz (concentration) curve: cumulative share of places and of the total.

    Parameters
    ----------
    counts : Series
        Non-negative counts indexed by place.
    descending : bool
        Order places from most to least (True, the crime-concentration convention: the curve lies
        above the diagonal) or least to most (False, the economists' convention: below it).

    Returns
    -------
    DataFrame
        N + 1 rows: ``share_of_lsoas`` (k/N) and ``share_of_crime`` (cumulative share of the total,
        NaN when the total is 0).  The first row is (0, 0) with a missing label; row k is labelled
        with the k-th place's label (index name as ``counts``').

    Notes
    -----
    With the counts ordered as above, point k = (k/N, Σᵢ₌₁..ₖ x₍ᵢ₎ ÷ Σᵢ xᵢ), k = 0 … N; equal counts
    in the text order of their labels.

    References
    ----------
    Lorenz, M. O. (1905) "Methods of measuring the concentration of wealth", *Publications of the
    American Statistical Association* 9(70), 209–219.

    Examples
    --------
    >>> import pandas as pd
    >>> lorenz(pd.Series({"A": 1, "B": 3})).round(2).values.tolist()
    [[0.0, 0.0], [0.5, 0.75], [1.0, 1.0]]
    >>> lorenz(pd.Series({"A": 1, "B": 3})).index.tolist()
    [<NA>, 'B', 'A']
    """
    v = as_counts(counts)
    s = _sorted_desc(v)
    if not descending:
        s = s.iloc[::-1]
    n, total = len(s), float(s.sum())
    cum = s.cumsum() / total if total > 0 else pd.Series(np.nan, index=s.index)
    out = pd.DataFrame({"share_of_lsoas": np.arange(0, n + 1) / max(n, 1),
                        "share_of_crime": np.r_[0.0, cum.to_numpy()]})
    labels = list(s.index)
    if all(isinstance(i, str) for i in labels):
        out.index = pd.Index([pd.NA] + labels, name=v.index.name, dtype="string")
    else:
        out.index = pd.Index([pd.NA] + labels, name=v.index.name, dtype=object)
    return out


# -- Gini ----------------------------------------------------------------------------------------
def gini(counts) -> float:
    """Gini coefficient of non-negative counts (crimes per LSOA, crimes per offender).

    Parameters
    ----------
    counts : Series, or list, array or any iterable of numbers
        Counts of 0 or more.

    Returns
    -------
    float
        In [0, (N − 1)/N]: 0 when all counts are equal, (N − 1)/N when one holds the whole total;
        NaN for no counts or a total of 0.  Exactly 0.0 for equal counts (floating-point noise
        within 1e−12 of 0 is removed, so no −0.0 is published).

    Notes
    -----
    With the N counts sorted ascending, x₁ ≤ … ≤ x_N, and i = 1 … N (no small-sample correction):

        G = Σᵢ (2i − N − 1)·xᵢ ÷ (N·Σᵢ xᵢ)

    equal to Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2N²·x̄), half the mean absolute difference divided by the mean.

    References
    ----------
    Gini, C. (1912) *Variabilità e mutabilità*.  Cowell, F. (2011) *Measuring Inequality*, 3rd ed.,
    §2.2.  Bernasco, W. and Steenbeek, W. (2017) "More places than crimes: implications for
    evaluating the law of crime concentration at place", *Journal of Quantitative Criminology*
    33(3), 451–467, eq. 1.

    Examples
    --------
    Hand-worked: N = 4, sorted [0, 0, 0, 3], Σ(2i − 5)xᵢ = 3·3 = 9, G = 9 / (4·3) = 0.75;
    and [1, 1, 1, 5]: (−3 − 1 + 1)·1 + 3·5 = 12, G = 12 / (4·8) = 0.375.

    >>> import pandas as pd
    >>> gini(pd.Series([3, 0, 0, 0])), gini([1, 1, 1, 5]), gini([1, 1, 1, 1])
    (0.75, 0.375, 0.0)
    """
    x = np.sort(as_counts(counts).to_numpy())
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return zero_clip(float(((2 * i - n - 1) * x).sum() / (n * total)))


def generalised_gini(counts) -> float:
    """Generalised Gini of Bernasco and Steenbeek (2017), for counts sparse relative to places.

    Parameters
    ----------
    counts : Series, or list, array or any iterable of numbers
        Counts of 0 or more, one per place.

    Returns
    -------
    float
        Equal to :func:`gini` when the total is at least the number of places; 0 for the most even
        spread possible of a smaller total; NaN when the total is 0.  Exactly 0.0, never −0.0 or
        −1e−16.

    Notes
    -----
    With N places, C events and G the :func:`gini`:

        G′ = max(1, N/C)·(G − 1) + 1

    When C < N even the most even spread (C places with one event each) has G = 1 − C/N; G′
    rescales it to 0.  Floating-point noise within 1e−12 of 0 is removed (4/3·(0.25 − 1) + 1 can
    come out as −2.2e−16).

    References
    ----------
    Bernasco, W. and Steenbeek, W. (2017) "More places than crimes: implications for evaluating
    the law of crime concentration at place", *Journal of Quantitative Criminology* 33(3), 451–467.

    Examples
    --------
    Hand-worked: N = 4, C = 3, G = 0.75, G′ = 4/3·(0.75 − 1) + 1 = 2/3; and the even spread
    [0, 1, 1, 1]: G = 0.25, G′ = 4/3·(0.25 − 1) + 1 = 0.

    >>> import pandas as pd
    >>> round(generalised_gini(pd.Series([3, 0, 0, 0])), 6), generalised_gini(pd.Series([0, 1, 1, 1]))
    (0.666667, 0.0)
    """
    v = as_counts(counts)
    n, c = len(v), float(v.sum())
    g = gini(v)
    if math.isnan(g):
        return g
    return zero_clip(float(max(1.0, n / c) * (g - 1.0) + 1.0))
