"""When crime happens: the month of the year against its usual level, day of week × hour, and the
night-time-economy window.

* :func:`exact_rate_test` — one-sided exact conditional test of a count against the same months of
  earlier years (two Poisson counts compared through the binomial);
* :func:`holm` — Holm's step-down adjustment of a family of p-values;
* :func:`monthly_profile` — each month of the period: count, usual level, ratio, p-values and
  whether it is significantly above its usual level;
* :func:`day_hour` — crimes by weekday and hour (a full 7 × 24 grid), and by weekday alone;
* :func:`in_night_window` — whether an offence falls in a night-time window such as 20:00–04:00
  on Friday and Saturday nights (the early hours belong to the previous evening's night);
* :func:`peak` — the largest cell of a table of counts, ties to the first.

Pure functions of pandas objects: no config, no files, no words.

Example
-------
>>> import pandas as pd
>>> round(exact_rate_test(40, 40, 2), 4)   # 40 this July against 40 in the two previous Julys
0.0015
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import StatsError

#: weekday numbers as pandas gives them (``Timestamp.weekday()``): 0 = Monday ... 6 = Sunday
WEEKDAYS = tuple(range(7))
HOURS = tuple(range(24))


def exact_rate_test(count, previous_total, years):
    """One-sided p-value that ``count`` is above the level of the ``years`` earlier counts summing to
    ``previous_total``.

    Parameters
    ----------
    count : int or array of int
        The count this period (e.g. crimes this July).
    previous_total : int or array of int
        The counts of the same period in the ``years`` earlier years, added up.
    years : int or array of int
        How many earlier years ``previous_total`` covers; 0 gives NaN (nothing to compare).

    Returns
    -------
    float or ndarray
        P(X >= count) for X ~ Binomial(count + previous_total, 1 / (years + 1)).

    Notes
    -----
    With the count X ~ Poisson(λ₁) and the earlier total S ~ Poisson(k·λ₀) (k years), under the
    null hypothesis λ₁ = λ₀ the count given the sum n = X + S is Binomial(n, 1/(k + 1)), whatever
    λ₀ is: the conditional (Przyborowski–Wilenski) exact test of two Poisson rates.  Unlike a test
    against the average as if it were known, it allows for the noise in the earlier years too.

    References
    ----------
    .. [1] Przyborowski, J. and Wilenski, H. (1940). Homogeneity of results in testing samples
       from Poisson series. Biometrika 31, 313–323.
    .. [2] Krishnamoorthy, K. and Thomson, J. (2004). A more powerful test for comparing two
       Poisson means. Journal of Statistical Planning and Inference 119, 23–35.

    Examples
    --------
    >>> round(exact_rate_test(40, 40, 2), 4)       # twice the usual level of 20
    0.0015
    >>> round(exact_rate_test(30, 40, 2), 3)       # 1.5 times it: not enough evidence on its own
    0.061
    >>> import math; math.isnan(exact_rate_test(5, 0, 0))
    True
    """
    from scipy.stats import binom  # only when a month is tested
    x = np.asarray(count, dtype=float)
    s = np.asarray(previous_total, dtype=float)
    k = np.asarray(years, dtype=float)
    if (x < 0).any() or (s < 0).any() or (k < 0).any():
        raise StatsError("exact_rate_test: counts and years must not be negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(k > 0, binom.sf(x - 1, x + s, 1.0 / (k + 1.0)), np.nan)
    return float(p) if np.ndim(p) == 0 else p


def holm(pvalues) -> pd.Series:
    """Holm's step-down adjustment of a family of p-values (NaN ignored: not part of the family).

    Parameters
    ----------
    pvalues : Series or array-like
        The family's unadjusted p-values.

    Returns
    -------
    Series
        Adjusted p-values (same index), capped at 1; NaN where the input is NaN.

    Notes
    -----
    With the m p-values ordered p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value of p₍ᵢ₎ is
    max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎).  Rejecting where the adjusted value is at most α
    keeps the chance of any false "significant" in the family at most α (family-wise error rate),
    under any dependence between the tests.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       Scandinavian Journal of Statistics 6, 65–70.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, None]).round(3).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    p = pd.Series(pvalues, dtype=float) if not isinstance(pvalues, pd.Series) else pvalues.astype(float)
    ok = p.dropna()
    m = len(ok)
    out = pd.Series(np.nan, index=p.index, dtype=float)
    if m == 0:
        return out
    order = np.argsort(ok.to_numpy(), kind="mergesort")
    vals = ok.to_numpy()[order] * (m - np.arange(m))
    adj = np.minimum(np.maximum.accumulate(vals), 1.0)
    out[ok.index[order]] = adj
    return out


def monthly_profile(counts: pd.Series, months, alpha: float = 0.05) -> pd.DataFrame:
    """Each month of a period against the same calendar month of the earlier years in the data.

    Parameters
    ----------
    counts : Series
        Counts indexed by the first day of each month the data cover (a month missing from the
        index is not covered; a covered month with no crime is 0).
    months : list of Timestamp
        The first days of the period's months, in order.
    alpha : float
        The family-wise significance level of :func:`holm` over the period's months.

    Returns
    -------
    DataFrame, one row per month of ``months``
        month (calendar month 1–12), count (NaN when not covered), usual (the mean of the same
        calendar month in every earlier year the data cover; NaN when none), years (how many),
        ratio (count ÷ usual; NaN when usual is 0 or NaN), p (:func:`exact_rate_test`), p_holm
        (:func:`holm` over the months) and above (p_holm ≤ alpha and count > usual).

    Notes
    -----
    usual = (1/k) Σⱼ count(month − 12j) over the k earlier years j = 1, 2, … whose month the data
    cover.  Because usual is the same month's own history, seasonality common to every year
    (a July peak each year) gives a ratio near 1: a ratio well above 1 is this year's excess.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.to_datetime(["2022-07-01", "2023-07-01", "2024-07-01", "2024-08-01"])
    >>> t = monthly_profile(pd.Series([20, 20, 40, 5], index=idx), pd.to_datetime(["2024-07-01", "2024-08-01"]))
    >>> t[["month", "count", "usual", "years", "ratio", "above"]].values.tolist()
    [[7, 40.0, 20.0, 2, 2.0, True], [8, 5.0, nan, 0, nan, False]]
    """
    counts = pd.Series(counts, dtype=float)
    months = pd.DatetimeIndex(months)
    first = counts.index.min() if len(counts) else None
    rows = []
    for m in months:
        earlier = []   # the same calendar month of each earlier year, back to the first the data cover
        j = 1
        while first is not None and (e := m - pd.DateOffset(years=j)) >= first:
            if e in counts.index:
                earlier.append(e)
            j += 1
        prev = counts.reindex(earlier)
        rows.append({"month": int(m.month), "count": counts.get(m, np.nan), "usual": prev.mean() if len(prev) else np.nan,
                     "years": len(prev), "previous_total": prev.sum()})
    t = pd.DataFrame(rows, index=months)
    with np.errstate(divide="ignore", invalid="ignore"):
        t["ratio"] = np.where(t["usual"] > 0, t["count"] / t["usual"], np.nan)
    testable = t["count"].notna() & (t["years"] > 0)
    t["p"] = np.nan
    if testable.any():
        t.loc[testable, "p"] = exact_rate_test(t.loc[testable, "count"].to_numpy(),
                                               t.loc[testable, "previous_total"].to_numpy(),
                                               t.loc[testable, "years"].to_numpy())
    t["p_holm"] = holm(t["p"])
    t["above"] = ((t["p_holm"] <= alpha) & (t["count"] > t["usual"])).fillna(False).astype(bool)
    t["years"] = t["years"].astype(int)
    return t.drop(columns="previous_total").reset_index(drop=True)


def day_hour(dates: pd.Series, hours: pd.Series, weights=None) -> tuple[pd.DataFrame, pd.Series]:
    """Counts by weekday × hour (every one of the 7 × 24 cells) and by weekday alone.

    Parameters
    ----------
    dates : Series of datetime64
        Offence dates (NaT rows are not counted).
    hours : Series of Int64
        Offence hours 0–23; <NA> for a row with no time (counted by weekday, not by hour).
    weights : Series, optional
        What each row counts (default 1).

    Returns
    -------
    cells : DataFrame
        weekday (0 = Monday), hour, count: 168 rows, zero-filled, rows with a time only.
    by_weekday : Series
        Counts by weekday 0–6 of every dated row, with or without a time.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.to_datetime(pd.Series(["2024-04-05", "2024-04-05", "2024-04-06"]))   # Fri, Fri, Sat
    >>> cells, days = day_hour(d, pd.Series([23, None, 1], dtype="Int64"))
    >>> cells.query("count > 0").values.tolist(), days.tolist()
    ([[4, 23, 1], [5, 1, 1]], [0, 0, 0, 0, 2, 1, 0])
    """
    w = pd.Series(1, index=dates.index) if weights is None else pd.Series(weights, index=dates.index)
    ok = dates.notna()
    wd = dates[ok].dt.weekday
    by_weekday = w[ok].groupby(wd).sum().reindex(WEEKDAYS, fill_value=0).astype("int64")
    by_weekday.index.name = "weekday"
    h = pd.Series(hours, index=dates.index).astype("Int64")
    timed = ok & h.notna()
    if ((h[timed] < 0) | (h[timed] > 23)).any():
        raise StatsError("day_hour: hours must be 0 to 23")
    g = w[timed].groupby([dates[timed].dt.weekday.rename("weekday"), h[timed].astype(int).rename("hour")]).sum()
    full = pd.MultiIndex.from_product([WEEKDAYS, HOURS], names=["weekday", "hour"])
    cells = g.reindex(full, fill_value=0).astype("int64").rename("count").reset_index()
    return cells, by_weekday


def in_night_window(dates: pd.Series, hours: pd.Series, start: int = 20, end: int = 4,
                    nights=(4, 5)) -> pd.Series:
    """Whether each offence falls in a night-time window, e.g. 20:00–04:00 on Friday and Saturday nights.

    Parameters
    ----------
    dates : Series of datetime64
        Offence dates.
    hours : Series of Int64
        Offence hours 0–23; <NA> (no time) is never in the window.
    start, end : int
        The hours the window opens and closes.  When ``end < start`` it closes the next morning.
    nights : iterable of int
        The nights, by the weekday of their evening (4 = Friday, 5 = Saturday).

    Returns
    -------
    Series of bool

    Notes
    -----
    With ``end < start``: in the window when hour ≥ start and the date's weekday is a night's, or
    hour < end and the previous day's weekday is (00:00–04:00 on a Saturday belongs to Friday
    night).  With ``start < end``: start ≤ hour < end on a night's weekday.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.to_datetime(pd.Series(["2024-04-05", "2024-04-06", "2024-04-07", "2024-04-08", "2024-04-05"]))
    >>> in_night_window(d, pd.Series([21, 3, 2, 2, None], dtype="Int64")).tolist()   # Fri 21h, Sat 3h, Sun 2h, Mon 2h
    [True, True, True, False, False]
    """
    if start == end:
        raise StatsError("in_night_window: the window opens and closes at the same hour")
    h = pd.Series(hours, index=dates.index).astype("Int64")
    wd = dates.dt.weekday
    nights = list(nights)
    if end < start:
        evening = (h >= start) & wd.isin(nights)
        early = (h < end) & ((wd - 1) % 7).isin(nights)
        inside = evening | early
    else:
        inside = (h >= start) & (h < end) & wd.isin(nights)
    return inside.fillna(False).astype(bool)


def peak(counts: pd.Series):
    """The index label of the largest count (ties: the first in the Series' order); None when the
    Series is empty or holds no positive count.

    Examples
    --------
    >>> import pandas as pd
    >>> int(peak(pd.Series([3, 7, 7], index=[1, 2, 3]))), peak(pd.Series([0, 0])) is None
    (2, True)
    """
    s = pd.Series(counts, dtype=float)
    if s.empty or not (s > 0).any():
        return None
    return s.index[int(np.nanargmax(s.to_numpy()))]
