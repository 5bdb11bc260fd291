"""Rates per 1,000 residents, ranks among areas, and the pooled rate of a set of areas.

Chapter 5's comparison with other areas (:mod:`assessment.chapters.performance`) ranks the
assessed area among the areas of a multi-area crime input with these:

* :func:`population` — the input check: residents by area as a float Series;
* :func:`rates` — crimes per 1,000 residents, area by area;
* :func:`rank_desc` — the rank among areas, 1 = the highest, ties sharing the better rank;
* :func:`pooled_rate` — the rate of a set of areas taken together (all areas, a comparator group).

Counts and populations are indexed by area; results keep the counts' index.

Example
-------
>>> import pandas as pd
>>> counts, pop = pd.Series({"A": 40, "B": 10, "C": 60}), pd.Series({"A": 2000, "B": 1000, "C": 3000})
>>> r = rates(counts, pop)
>>> r.tolist(), rank_desc(r).tolist(), round(pooled_rate(counts, pop), 2)
([20.0, 10.0, 20.0], [1.0, 3.0, 1.0], 18.33)
"""
from __future__ import annotations

import pandas as pd

from .base import StatsError

__all__ = ["PER", "population", "rates", "rank_desc", "pooled_rate"]

#: rates are per this many residents
PER = 1000


def population(residents, what: str = "population by area") -> pd.Series:
    """Residents by area as a float Series indexed by the area's name (as text), after checks.

    Parameters
    ----------
    residents : Series or dict
        Residents, indexed (keyed) by area.
    what : str
        The name of the input in error messages.

    Returns
    -------
    Series of float
        Index 'area' (the names as text); a value that is not a number becomes NaN.

    Raises
    ------
    StatsError
        ``residents`` is not a Series or dict, or an area appears twice.

    Examples
    --------
    >>> population({"A": 2000, "B": "n/a"}).to_dict()
    {'A': 2000.0, 'B': nan}
    >>> population(pd.Series([1, 2], index=["A", "A"]))
    Traceback (most recent call last):
    ...
    assessment.stats.base.StatsError: population by area: area 'A' appears twice
    """
    if isinstance(residents, dict):
        residents = pd.Series(residents)
    if not isinstance(residents, pd.Series):
        raise StatsError(f"{what}: expected a Series of residents indexed by area, found {type(residents).__name__}")
    p = pd.to_numeric(residents, errors="coerce").astype("float64")
    p.index = pd.Index(residents.index.astype(str), name="area")
    if p.index.duplicated().any():
        raise StatsError(f"{what}: area {p.index[p.index.duplicated()][0]!r} appears twice")
    return p


def rates(counts, residents) -> pd.DataFrame | pd.Series:
    """Crimes per 1,000 residents, area by area.

    Parameters
    ----------
    counts : Series or DataFrame
        Counts indexed by area (a frame: one column per category).
    residents : Series or dict
        Residents by area (see :func:`population`).

    Returns
    -------
    Series or DataFrame of float
        The same shape and index as ``counts``; NaN for an area without a positive population.

    Notes
    -----
    rate = count ÷ population × 1,000: the crude rate per 1,000 residents, as the Office for
    National Statistics publishes police recorded crime by area.

    References
    ----------
    Office for National Statistics, *Crime in England and Wales*, police force area and
    Community Safety Partnership data tables: offences and rates per 1,000 population.

    Examples
    --------
    >>> rates(pd.Series({"A": 40, "B": 2}), pd.Series({"A": 2000, "B": 0})).tolist()
    [20.0, nan]
    >>> rates(pd.DataFrame({"THEFT": [3, 1]}, index=["A", "B"]), {"A": 1000, "B": 500}).to_dict()
    {'THEFT': {'A': 3.0, 'B': 2.0}}
    """
    pop = population(residents)
    pop = pop.where(pop > 0)
    p = pop.reindex(pd.Index(counts.index.astype(str)))
    p.index = counts.index
    if isinstance(counts, pd.DataFrame):
        return counts.astype("float64").div(p, axis=0) * PER
    return counts.astype("float64") / p * PER


def rank_desc(values: pd.Series) -> pd.Series:
    """Rank among the areas, 1 = the highest value; tied values share the better rank.

    Parameters
    ----------
    values : Series
        Values (rates) indexed by area; NaN is not ranked.

    Returns
    -------
    Series of float
        The ranks, same index; NaN where the value is NaN.

    Notes
    -----
    Standard competition ranking ("1224"): rank = 1 + the number of values strictly greater,
    so tied values take the better rank and the next rank is skipped (pandas'
    ``rank(ascending=False, method="min")``).

    Examples
    --------
    >>> rank_desc(pd.Series({"A": 5.0, "B": 9.0, "C": 5.0, "D": float("nan")})).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    return values.rank(ascending=False, method="min", na_option="keep")


def pooled_rate(counts: pd.Series, residents, areas=None) -> float:
    """The rate per 1,000 of a set of areas taken together (not the mean of their rates).

    Parameters
    ----------
    counts : Series
        Counts indexed by area.
    residents : Series or dict
        Residents by area (see :func:`population`).
    areas : iterable of str, optional
        The set of areas (default: all the areas of ``counts``).

    Returns
    -------
    float
        The pooled rate, rounded to 9 decimal places; NaN when no area of the set has a positive
        population.

    Notes
    -----
    R = Σ count ÷ Σ population × 1,000 over the areas of the set that have a positive population:
    the population-weighted mean of their rates.

    References
    ----------
    See also :func:`rates`; the comparison's methods text
    (:data:`assessment.words.performance.COMPARISON_METHODS`).

    Examples
    --------
    >>> pooled_rate(pd.Series({"A": 40, "B": 10, "C": 99}), pd.Series({"A": 2000, "B": 1000}), ["A", "B"])
    16.666666667
    >>> pooled_rate(pd.Series({"A": 40}), pd.Series({"A": 0}))
    nan
    """
    pop = population(residents)
    pop = pop[pop > 0]
    idx = pd.Index(counts.index.astype(str))
    if areas is not None:
        idx = idx.intersection(pd.Index([str(a) for a in areas]))
    idx = idx.intersection(pop.index)
    if len(idx) == 0:
        return float("nan")
    c = pd.Series(counts.to_numpy(), index=counts.index.astype(str)).reindex(idx)
    return round(float(c.sum()) / float(pop.reindex(idx).sum()) * PER, 9)
