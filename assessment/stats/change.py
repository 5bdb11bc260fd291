"""Counts, change and rates: percentage change, the rolling 12-month total, the rate per 1,000 residents.

Chapter 1 (:mod:`assessment.chapters.crime_in_the_area`) applies these to recorded crime: the change
against the previous 12 months and the baseline year, the trend line of its monthly chart and the
crime rate.  One copy of each rule:

* :func:`pct_change` — change as a fraction of the earlier count, NaN with no earlier count;
* :func:`rolling_12` — the rolling 12-month total of a monthly series (NaN until 12 months exist);
* :func:`rate_per_1000` — a count per 1,000 residents, NaN without a positive population.

Example
-------
>>> pct_change(107, 100), rate_per_1000(414, 10_000)
(0.07, 41.4)
"""
from __future__ import annotations

import pandas as pd

__all__ = ["pct_change", "rolling_12", "rate_per_1000"]


def pct_change(current, previous) -> float:
    """Percentage change from ``previous`` to ``current``, as a fraction (0.07 for +7%).

    Parameters
    ----------
    current : int or float
        The count of the later period.
    previous : int or float or None
        The count of the earlier period; 0, None, NaN or NA when there is none to compare with.

    Returns
    -------
    float
        (current − previous) ÷ previous, rounded to 12 decimal places (so that floating point does
        not show 0.07 as 0.07000000000000001); NaN when ``previous`` is 0 or either count is
        missing or not a number.

    Notes
    -----
    Δ% = (c − p) / p.  A rise from zero has no percentage (it is not "infinitely" more), so it is
    NaN, shown as "–" in the report, never ∞.

    References
    ----------
    Office for National Statistics, *User guide to crime statistics for England and Wales*
    (revised with each release): percentage changes between years ending in the same month.

    Examples
    --------
    >>> pct_change(107, 100), pct_change(90, 120)
    (0.07, -0.25)
    >>> import math
    >>> math.isnan(pct_change(5, 0)), math.isnan(pct_change(5, None))
    (True, True)
    """
    if previous is None or current is None:
        return float("nan")
    try:
        if pd.isna(previous) or pd.isna(current) or previous == 0:
            return float("nan")
    except TypeError:
        return float("nan")
    return round((current - previous) / previous, 12)


def rolling_12(monthly: pd.Series) -> pd.Series:
    """Rolling 12-month total of a monthly series: each month's value with the eleven before it.

    Parameters
    ----------
    monthly : Series
        Counts per month, one row per month in time order (no month missing: a month with no
        events is a 0).

    Returns
    -------
    Series of float, named ``rolling_12``
        Same index as ``monthly``; NaN for the first eleven months (a total needs twelve).

    Notes
    -----
    Rₜ = Σ_{k=0}^{11} x_{t−k}, defined from the twelfth month on.  The "year ending" figure of
    each month: it has no seasonality, so its rise or fall is a change in the level of crime.

    References
    ----------
    Office for National Statistics, *User guide to crime statistics for England and Wales*
    (revised with each release): police recorded crime is published as rolling 12-month totals,
    "year ending" each quarter.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(range(1, 14), index=pd.date_range("2023-01-01", periods=13, freq="MS"))
    >>> rolling_12(s).dropna().tolist()
    [78.0, 90.0]
    >>> int(rolling_12(s).isna().sum())
    11
    """
    return monthly.rolling(12, min_periods=12).sum().rename("rolling_12")


def rate_per_1000(count, population) -> float:
    """Events per 1,000 residents.

    Parameters
    ----------
    count : int or float
        The number of events (crimes).
    population : int or float or None
        The resident population; None, NaN, 0 or negative when unknown.

    Returns
    -------
    float
        count ÷ population × 1,000, rounded to 10 decimal places; NaN when the population is
        missing or not positive.

    Notes
    -----
    r = 1000 · c / P, with P the resident population (in the report, the ONS mid-year estimate).
    A residential rate overstates risk where many people visit but few live (town centres).

    References
    ----------
    Office for National Statistics, *User guide to crime statistics for England and Wales*
    (revised with each release): rates per 1,000 population, from the mid-year population
    estimates.

    Examples
    --------
    >>> rate_per_1000(414, 10_000), rate_per_1000(19, 2000)
    (41.4, 9.5)
    >>> import math
    >>> math.isnan(rate_per_1000(19, 0)), math.isnan(rate_per_1000(19, None))
    (True, True)
    """
    if population is None or pd.isna(population) or population <= 0:
        return float("nan")
    return round(count / population * 1000, 10)
