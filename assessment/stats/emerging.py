"""Emerging hot spots: yearly hot/cold states, the Mann–Kendall trend and a pattern class per place.

An adaptation of ArcGIS Pro's *Emerging Hot Spot Analysis* to places and years, on a long table of
yearly Gi* results (:func:`assessment.stats.gistar.gistar` per year; :mod:`assessment.chapters.hotspots`
computes that table from the crimes):

* :func:`states` — +1 hot, −1 cold, 0 neither, per year, from the z-score and the p-value;
* :func:`classify` — the pattern of one place's states and trend (:data:`CATEGORIES`);
* :func:`emerging_hotspots` — states, trend and class for every place of a yearly table.

Example
-------
>>> classify([0, 0, 0, 0, 1], trend_p=0.5, trend_s=4)
'New hot spot'
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .base import DEFAULT_FDR, StatsError
from .mann_kendall import mann_kendall

__all__ = ["HOT_CATEGORIES", "COLD_CATEGORIES", "NO_PATTERN", "NOT_TESTED", "CATEGORIES", "states", "classify",
           "emerging_hotspots"]

#: categories, hot then cold, then no pattern (the order of legends and tables)
HOT_CATEGORIES = ["New hot spot", "Consecutive hot spot", "Intensifying hot spot", "Persistent hot spot",
                  "Diminishing hot spot", "Sporadic hot spot", "Oscillating hot spot", "Historical hot spot"]
COLD_CATEGORIES = [c.replace("hot spot", "cold spot") for c in HOT_CATEGORIES]
NO_PATTERN = "No pattern detected"
NOT_TESTED = "Not tested"
CATEGORIES = HOT_CATEGORIES + COLD_CATEGORIES + [NO_PATTERN, NOT_TESTED]


def states(z: pd.Series, p: pd.Series, alpha: float = 0.10) -> pd.Series:
    """Yearly state per row: +1 hot (z > 0, p ≤ alpha), −1 cold (z < 0, p ≤ alpha), 0 otherwise.

    Parameters
    ----------
    z : Series of float
        Gi* z-scores.
    p : Series of float
        The p-values that decide the state (adjusted or not), same index.
    alpha : float
        The threshold (ArcGIS's is 0.10); compared with a tolerance of 1e−12.

    Returns
    -------
    Series of int64 ``state``
        Same index.

    Examples
    --------
    >>> import pandas as pd
    >>> states(pd.Series([2.5, -2.0, 3.0, 1.0]), pd.Series([0.01, 0.08, 0.2, 0.01])).tolist()
    [1, -1, 0, 1]
    """
    sig = p <= alpha + 1e-12
    out = pd.Series(0, index=z.index, dtype="int64")
    out[sig & (z > 0)] = 1
    out[sig & (z < 0)] = -1
    return out.rename("state")


def _run_ending_at_final(states: np.ndarray, kind: int) -> int:
    """Length of the run of ``kind`` states ending in the final year."""
    k = 0
    for v in states[::-1]:
        if v != kind:
            break
        k += 1
    return k


def classify(states: Sequence[int], trend_p: float, trend_s: float, trend_alpha: float = 0.05,
             share: float = 0.90) -> str:
    """The emerging-hotspot class of one place.

    Parameters
    ----------
    states : sequence of int
        Yearly states, oldest first: +1 hot, −1 cold, 0 neither.
    trend_p, trend_s : float
        Mann–Kendall p-value and S of the yearly z-scores.
    trend_alpha : float
        A trend is significant when ``trend_p < trend_alpha``.
    share : float
        The "90%" of the ArcGIS definitions.

    Returns
    -------
    str
        One of :data:`CATEGORIES` (never "Not tested", which callers give).

    Notes
    -----
    With hot% the share of hot years and "final" the last year, for a place whose final year is hot,
    the first rule that applies: Intensifying (hot% ≥ 90% and a significant rising trend in z),
    Diminishing (hot% ≥ 90%, significant falling trend), Persistent (hot% ≥ 90%, no significant
    trend), Oscillating (some earlier year cold), New (the final year is the only hot year),
    Consecutive (the hot years are one run ending in the final year), Sporadic (otherwise).  A final
    year neither hot nor cold gives Historical hot (cold) spot when hot% (cold%) ≥ 90%, else No
    pattern detected.  Cold classes mirror the hot ones; for them *intensifying* is a falling trend.

    References
    ----------
    Esri, "How Emerging Hot Spot Analysis works", ArcGIS Pro documentation (Space Time Pattern
    Mining toolbox).

    Examples
    --------
    >>> classify([1, 1, 1, 1, 1], trend_p=0.03, trend_s=10)
    'Intensifying hot spot'
    >>> classify([0, 1, 0, 1, 1], trend_p=0.5, trend_s=3)
    'Sporadic hot spot'
    >>> classify([-1, 0, 0, 0, 0], trend_p=0.5, trend_s=2)
    'No pattern detected'
    """
    st = np.asarray(states, dtype=int)
    n = len(st)
    if n == 0 or not set(np.unique(st)) <= {-1, 0, 1}:
        raise StatsError(f"emerging hotspots: expected yearly states of -1, 0 or 1, found {list(states)}")
    final = st[-1]
    sig_trend = (trend_p is not None and not math.isnan(trend_p) and trend_p < trend_alpha)
    if final == 0:
        if (st == 1).sum() / n >= share - 1e-12:
            return "Historical hot spot"
        if (st == -1).sum() / n >= share - 1e-12:
            return "Historical cold spot"
        return NO_PATTERN
    kind = int(final)
    word = "hot spot" if kind == 1 else "cold spot"
    same = int((st == kind).sum())
    other = int((st == -kind).sum())
    if same / n >= share - 1e-12:
        if sig_trend and trend_s != 0:
            rising = trend_s > 0
            intensifying = rising if kind == 1 else not rising
            return ("Intensifying " if intensifying else "Diminishing ") + word
        return "Persistent " + word
    if other > 0:
        return "Oscillating " + word
    if same == 1:
        return "New " + word
    if _run_ending_at_final(st, kind) == same:
        return "Consecutive " + word
    return "Sporadic " + word


def emerging_hotspots(yearly: pd.DataFrame, alpha: float = 0.10, trend_alpha: float = 0.05,
                      use_fdr: bool = DEFAULT_FDR) -> pd.DataFrame:
    """One row per place: yearly states, the Mann–Kendall trend of the z-scores, and the class.

    Parameters
    ----------
    yearly : DataFrame
        Long table with ``lsoa_code``, ``year`` (in time order), ``gi_z``, ``gi_p`` and ``gi_p_fdr``.
    alpha : float
        A year is hot (cold) when z > 0 (z < 0) and p ≤ alpha (:func:`states`).
    trend_alpha : float
        A trend is significant when its p < trend_alpha (:func:`classify`).
    use_fdr : bool
        The yearly state uses ``gi_p_fdr`` (True, the significance rule's default), else ``gi_p``.

    Returns
    -------
    DataFrame indexed by lsoa_code
        category, years, hot_years, cold_years, final_state, mk_s, mk_var, mk_z, mk_p, mk_tau, then
        ``state <year>`` and ``z <year>`` per year.  A place with any untested year (NaN z or p: no
        neighbours, no variation) is "Not tested".

    Notes
    -----
    For each place: the states of :func:`states`, :func:`~assessment.stats.mann_kendall.mann_kendall`
    on the yearly z-scores, and :func:`classify` of the two.

    References
    ----------
    Esri, "How Emerging Hot Spot Analysis works", ArcGIS Pro documentation.  Mann (1945); Kendall
    (1975): see :func:`~assessment.stats.mann_kendall.mann_kendall`.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"lsoa_code": ["A"] * 5, "year": ["1", "2", "3", "4", "5"],
    ...                   "gi_z": [2.0, 2.5, 3.0, 3.5, 4.0], "gi_p": [0.01] * 5, "gi_p_fdr": [0.02] * 5})
    >>> r = emerging_hotspots(y).loc["A"]
    >>> r["category"], int(r["mk_s"]), int(r["hot_years"])
    ('Intensifying hot spot', 10, 5)
    """
    pcol = "gi_p_fdr" if use_fdr else "gi_p"
    years = list(dict.fromkeys(yearly["year"].tolist()))
    z = yearly.pivot(index="lsoa_code", columns="year", values="gi_z")[years]
    p = yearly.pivot(index="lsoa_code", columns="year", values=pcol)[years]
    rows = {}
    for code in z.index:
        zs, ps = z.loc[code].astype(float), p.loc[code].astype(float)
        if zs.isna().any() or ps.isna().any():
            rows[code] = {"category": NOT_TESTED, "years": len(years)}
            continue
        st = states(zs, ps, alpha).to_numpy()
        mk = mann_kendall(zs.to_numpy())
        rows[code] = {"category": classify(st, mk.p, mk.s, trend_alpha), "years": len(years),
                      "hot_years": int((st == 1).sum()), "cold_years": int((st == -1).sum()),
                      "final_state": int(st[-1]), "mk_s": mk.s, "mk_var": mk.var_s, "mk_z": mk.z,
                      "mk_p": mk.p, "mk_tau": mk.tau,
                      **{f"state {y}": int(s) for y, s in zip(years, st)}}
    out = pd.DataFrame.from_dict(rows, orient="index")
    for col in ("hot_years", "cold_years", "final_state", "mk_s"):
        if col in out:
            out[col] = out[col].astype("Int64")
    for y in years:
        out[f"z {y}"] = z[y].astype(float)
    out.index.name = "lsoa_code"
    return out
