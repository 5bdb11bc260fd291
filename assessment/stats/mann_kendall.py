"""The Mann–Kendall trend test, with the tie and continuity corrections.

Written here in a few lines rather than adding a dependency for it; the emerging hot-spot analysis
(:mod:`assessment.stats.emerging`, :mod:`assessment.chapters.hotspots`) applies it to each LSOA's series of
yearly Gi* z-scores.

Example
-------
>>> mk = mann_kendall([1, 2, 3, 4, 5])
>>> mk.s, round(mk.var_s, 4), round(mk.z, 4), round(mk.p, 4)
(10, 16.6667, 2.2045, 0.0275)
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = ["MannKendall", "mann_kendall"]


class MannKendall(NamedTuple):
    """Result of :func:`mann_kendall`."""

    n: int          #: length of the series
    s: int          #: S, the sum of signs
    var_s: float    #: Var(S), tie-corrected
    z: float        #: Z, continuity-corrected
    p: float        #: two-sided p-value
    tau: float      #: Kendall's τ


def mann_kendall(x: Sequence[float]) -> MannKendall:
    """Mann–Kendall trend test with tie correction and continuity correction.

    Parameters
    ----------
    x : sequence of float
        The series in time order.

    Returns
    -------
    MannKendall
        ``(n, s, var_s, z, p, tau)``; NaN statistics (S = 0) for fewer than two values or any NaN.

    Notes
    -----
    S = Σᵢ<ⱼ sign(xⱼ − xᵢ);  Var(S) = [n(n−1)(2n+5) − Σₜ t(t−1)(2t+5)] / 18  (t: sizes of
    tied groups);  Z = (S − sign(S)) / √Var(S) (0 when S = 0 or Var(S) = 0);  p = 2·(1 − Φ(|Z|))
    two-sided;  τ = S / (n(n−1)/2).

    References
    ----------
    Mann, H. B. (1945) "Nonparametric tests against trend", *Econometrica* 13(3), 245–259.
    Kendall, M. G. (1975) *Rank Correlation Methods*, 4th ed.  Hipel, K. W. and McLeod, A. I.
    (1994) *Time Series Modelling of Water Resources and Environmental Systems*, ch. 23.

    Examples
    --------
    Hand-worked: [1, 2, 2, 3]: five rising pairs, one tie, S = 5;
    Var = (4·3·13 − 2·1·9)/18 = 138/18 = 7.667; Z = 4/√7.667 = 1.4446; p = 0.1486.

    >>> r = mann_kendall([1, 2, 2, 3])
    >>> r.s, round(r.var_s, 4), round(r.z, 4), round(r.p, 4), round(r.tau, 4)
    (5, 7.6667, 1.4446, 0.1486, 0.8333)
    """
    from scipy.stats import norm
    a = np.asarray(x, dtype=float)
    n = len(a)
    if n < 2 or np.isnan(a).any():
        return MannKendall(n, 0, float("nan"), float("nan"), float("nan"), float("nan"))
    diff = a[None, :] - a[:, None]                     # diff[i, j] = x_j - x_i
    s = int(np.sign(diff[np.triu_indices(n, k=1)]).sum())
    _, ties = np.unique(a, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - float((ties * (ties - 1) * (2 * ties + 5)).sum())) / 18.0
    if var <= 0:
        z = 0.0
    elif s > 0:
        z = (s - 1) / math.sqrt(var)
    elif s < 0:
        z = (s + 1) / math.sqrt(var)
    else:
        z = 0.0
    p = float(2.0 * norm.sf(abs(z)))
    tau = s / (n * (n - 1) / 2.0)
    return MannKendall(n, s, float(var), float(z), p, float(tau))
