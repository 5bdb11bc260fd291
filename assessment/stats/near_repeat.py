"""Near-repeat victimisation: the Knox test of space-time interaction, as a table of bands.

For n crimes with a point (metres) and a date, every pair of crimes is placed in one cell of a
table of distance bands × time bands; the count in each cell is compared with what chance would
give if the dates had fallen on the crimes at random (a Monte Carlo permutation of the dates), as
Ratcliffe's Near Repeat Calculator reports it.  A cell with more pairs than chance predicts — close
in space *and* in time — is the sign that one crime raises the risk of another nearby soon after.

* :func:`band_index`, :func:`distance_labels`, :func:`time_labels` — the bands;
* :func:`close_pairs` — the pairs within the widest finite distance band, from a k-d tree (no
  n × n matrix);
* :func:`knox` — the table: observed pairs, expected pairs, ratio and p per cell, in a
  :class:`KnoxResult` (which also sums any block of cells: :meth:`KnoxResult.window`).

Why not PySAL
-------------
PySAL's ``pointpats.spacetime`` has a Knox test (``Knox``, and the deprecated ``knox``), but for a
single pair of thresholds — one 2 × 2 table "close / not close in space" × "close / not close in
time" — not the banded table of the Near Repeat Calculator, and a cell of the banded table is not
a difference of two such tests (a p-value of a band is not a difference of p-values).  So the
table is computed here, the same way ``pointpats`` finds close pairs (a k-d tree,
:class:`scipy.spatial.cKDTree`), and tested against a hand-worked example.

Example
-------
>>> import numpy as np
>>> r = knox([0, 50, 1000], [0, 0, 0], [0, 3, 40], distance_bands=[100], time_bands=[7], permutations=99, seed=1)
>>> r.table[["distance_band", "time_band", "observed"]].values.tolist()[2:4]
[['1-100 m', '0-7 days', 1], ['1-100 m', 'more than 7 days', 0]]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .base import StatsError

__all__ = ["DEFAULT_DISTANCE_BANDS", "DEFAULT_TIME_BANDS", "DEFAULT_PERMUTATIONS", "SAME_PLACE", "distance_labels",
           "time_labels", "band_index", "close_pairs", "knox", "KnoxResult", "MAX_CLOSE_PAIRS"]

#: the Near Repeat Calculator's kind of bands, in metres and days (the issue's defaults)
DEFAULT_DISTANCE_BANDS = (100, 200, 400, 800)
DEFAULT_TIME_BANDS = (7, 14, 30, 60)
DEFAULT_PERMUTATIONS = 999
#: the label of the first distance band: the same point (distance 0)
SAME_PLACE = "same place"
#: the most close pairs :func:`knox` takes (about 16 bytes each per array, a few arrays): beyond it,
#: narrower distance bands are needed
MAX_CLOSE_PAIRS = 60_000_000


def _edges(bands, what: str) -> np.ndarray:
    e = np.asarray(list(bands), dtype=float)
    if e.ndim != 1 or len(e) == 0 or not np.all(np.isfinite(e)) or e[0] <= 0 or np.any(np.diff(e) <= 0):
        raise StatsError(f"{what} bands: expected increasing numbers above 0, found {list(bands)}")
    return e


def _num(v: float) -> str:
    return f"{v:g}"


def distance_labels(bands=DEFAULT_DISTANCE_BANDS) -> list[str]:
    """The distance bands' labels: the same place, then ``1-100 m``, ``101-200 m``, ..., ``more than 800 m``.

    Parameters
    ----------
    bands : sequence of numbers
        The upper edges of the bands after the same place, in metres, increasing.

    Returns
    -------
    list of str

    Examples
    --------
    >>> distance_labels([100, 200])
    ['same place', '1-100 m', '101-200 m', 'more than 200 m']
    """
    e = _edges(bands, "distance")
    lows = [1.0] + [x + 1 for x in e[:-1]]
    return [SAME_PLACE] + [f"{_num(lo)}-{_num(hi)} m" for lo, hi in zip(lows, e)] + [f"more than {_num(e[-1])} m"]


def time_labels(bands=DEFAULT_TIME_BANDS) -> list[str]:
    """The time bands' labels: ``0-7 days``, ``8-14 days``, ..., ``more than 60 days``.

    Parameters
    ----------
    bands : sequence of int
        The upper edges of the bands in days, increasing.

    Returns
    -------
    list of str

    Examples
    --------
    >>> time_labels([7, 14])
    ['0-7 days', '8-14 days', 'more than 14 days']
    """
    e = _edges(bands, "time")
    lows = [0.0] + [x + 1 for x in e[:-1]]
    return [f"{_num(lo)}-{_num(hi)} days" for lo, hi in zip(lows, e)] + [f"more than {_num(e[-1])} days"]


def band_index(values, edges) -> np.ndarray:
    """The band of each value: 0 for values up to the first edge, k for values in (edge k-1, edge k],
    ``len(edges)`` for values above the last (bands closed on the right).

    Parameters
    ----------
    values : array of numbers
    edges : increasing sequence of numbers

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> band_index([0, 7, 7.5, 14, 15, 99], [7, 14]).tolist()
    [0, 0, 1, 1, 2, 2]
    """
    return np.searchsorted(np.asarray(edges, dtype=float), np.asarray(values, dtype=float), side="left")


def close_pairs(x, y, max_distance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of points at most ``max_distance`` apart, from a k-d tree.

    Parameters
    ----------
    x, y : arrays of float
        Coordinates in metres (e.g. British National Grid).
    max_distance : float
        The distance in metres.

    Returns
    -------
    (i, j, d)
        Indices with i < j, and their Euclidean distance, sorted by (i, j).

    Notes
    -----
    :meth:`scipy.spatial.cKDTree.query_pairs` with ``r=max_distance`` (pairs at distance ≤ r): the
    memory and time grow with the number of close pairs, not with n².

    Examples
    --------
    >>> i, j, d = close_pairs([0, 3, 100], [0, 4, 0], 10)
    >>> i.tolist(), j.tolist(), d.tolist()
    ([0], [1], [5.0])
    """
    from scipy.spatial import cKDTree

    xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    if len(xy) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0)
    pairs = cKDTree(xy).query_pairs(r=float(max_distance), output_type="ndarray")
    if len(pairs) > MAX_CLOSE_PAIRS:
        raise StatsError(f"near repeats: {len(pairs):,} pairs of crimes are within {max_distance:g} m of each other, "
                         f"more than {MAX_CLOSE_PAIRS:,}; use a smaller last distance band")
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if len(pairs) else pairs.reshape(0, 2)
    i, j = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    d = np.hypot(xy[i, 0] - xy[j, 0], xy[i, 1] - xy[j, 1])
    return i, j, d


def _pairs_within(days: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Pairs of all n dates per time band (invariant under a permutation of the dates)."""
    s = np.sort(days)
    n = len(s)
    cum = [int((np.searchsorted(s, s + e, side="right") - np.arange(1, n + 1)).sum()) for e in edges]
    total = n * (n - 1) // 2
    return np.diff(np.array([0, *cum, total], dtype=np.int64))


@dataclass
class KnoxResult:
    """A Knox table (:func:`knox`).

    ``table``: one row per cell — distance_band, time_band (labels), observed, expected, ratio, p —
    distance bands outer, time bands inner.  ``simulated``: the simulated counts, one row per
    permutation and one column per cell (the table's order).  ``crimes``: n; ``pairs``: n(n−1)/2.
    """

    table: pd.DataFrame
    simulated: np.ndarray
    crimes: int
    pairs: int
    distance_bands: tuple
    time_bands: tuple
    permutations: int

    def cell(self, distance: int, time: int) -> pd.Series:
        """The row of distance band ``distance`` (0 = the same place) and time band ``time`` (0 = the first)."""
        return self.table.iloc[distance * (len(self.time_bands) + 1) + time]

    def window(self, distances, times) -> dict:
        """Observed, expected, ratio and p of a block of cells taken together (sums of pairs).

        Parameters
        ----------
        distances, times : iterable of int
            Band indices (as :meth:`cell`).

        Returns
        -------
        dict
            observed, expected, ratio (NaN when expected is 0), p — as :func:`knox` defines them,
            on the sums.
        """
        nt = len(self.time_bands) + 1
        cols = [d * nt + t for d in distances for t in times]
        obs = int(self.table["observed"].to_numpy()[cols].sum())
        sims = self.simulated[:, cols].sum(axis=1)
        return _summary(obs, sims)


def _summary(obs: int, sims: np.ndarray) -> dict:
    exp = float(sims.mean()) if len(sims) else float("nan")
    ratio = obs / exp if exp > 0 else float("nan")
    p = (1 + int((sims >= obs).sum())) / (1 + len(sims)) if len(sims) else float("nan")
    return {"observed": obs, "expected": exp, "ratio": ratio, "p": p}


def knox(x, y, days, distance_bands=DEFAULT_DISTANCE_BANDS, time_bands=DEFAULT_TIME_BANDS,
         permutations: int = DEFAULT_PERMUTATIONS, seed: int = 20240401) -> KnoxResult:
    """The Knox table of pairs of crimes by distance band × time band, with Monte Carlo inference.

    Parameters
    ----------
    x, y : arrays of float
        Each crime's point in metres (British National Grid).
    days : array of int
        Each crime's date as a day number (e.g. days since any fixed date).
    distance_bands : sequence of numbers
        Upper edges (metres) of the distance bands after the "same place" band (distance 0).
    time_bands : sequence of numbers
        Upper edges (days) of the time bands.
    permutations : int
        Monte Carlo permutations of the dates (999 by default).
    seed : int
        Seed of the permutations.

    Returns
    -------
    KnoxResult

    Notes
    -----
    Each unordered pair of crimes {i, j} falls in distance band s (same place when dᵢⱼ = 0, then
    (0, b₁], (b₁, b₂], ..., more than b_k metres; Euclidean distance) and time band t
    (|dayᵢ − dayⱼ| in [0, t₁], (t₁, t₂], ..., more than t_m days).  ``observed`` is the number of
    pairs in the cell.  Under the null hypothesis of no space-time interaction, the dates are
    exchangeable among the crimes: each of ``permutations`` simulations assigns the dates to the
    points in a random order (the points stay put) and counts the pairs again.  ``expected`` is the
    mean simulated count, ``ratio`` = observed ÷ expected (NaN when expected is 0), and the p-value
    is one-sided, as the Near Repeat Calculator computes it:

        p = (1 + #{simulations with a count ≥ observed}) ÷ (1 + permutations)

    so the smallest possible p is 1 ÷ (permutations + 1) (0.001 with 999).  Only the pairs within
    b_k metres are counted pair by pair (:func:`close_pairs`); the last distance band's counts are
    the pairs of each time band — which a permutation of the dates does not change — less those
    within b_k metres.  (With all n! orders, the expected count of a cell would be
    S_s × T_t ÷ (n(n−1)/2), S_s and T_t the pairs in the distance and time band: Knox's own
    expectation, which the simulated mean approaches.)

    References
    ----------
    Knox, E. G. (1964) "The detection of space-time interactions", *Journal of the Royal Statistical
    Society C* 13(1), 25–30.  Johnson, S. D. and Bowers, K. J. (2004) "The burglary as clue to the
    future: the beginnings of prospective hot-spotting", *European Journal of Criminology* 1(2),
    237–255.  Ratcliffe, J. H. (2009) *Near Repeat Calculator* (version 1.3), Temple University and
    the National Institute of Justice.

    Examples
    --------
    Three crimes: A and B 50 m and 3 days apart, C 1 km away and 40 days later:

    >>> r = knox([0, 50, 1000], [0, 0, 0], [0, 3, 40], distance_bands=[100], time_bands=[7],
    ...          permutations=999, seed=1)
    >>> r.crimes, r.pairs, int(r.table["observed"].sum())
    (3, 3, 3)
    >>> c = r.cell(1, 0)                              # A-B: 1-100 m, 0-7 days
    >>> int(c["observed"]), float(c["p"])             # exact p: 1 of the 3 ways to share out the dates
    (1, 0.359)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    t = np.asarray(days)
    if not (len(x) == len(y) == len(t)):
        raise StatsError("near repeats: expected as many dates as points")
    if len(t) and not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise StatsError("near repeats: every crime needs a point (found a missing coordinate)")
    t = t.astype(np.int64)
    if not isinstance(permutations, (int, np.integer)) or permutations < 1:
        raise StatsError(f"near repeats: expected 1 or more permutations, found {permutations!r}")
    de = _edges(distance_bands, "distance")
    te = _edges(time_bands, "time")
    n = len(t)
    ns, nt = len(de) + 2, len(te) + 1
    i, j, d = close_pairs(x, y, de[-1])
    t = t - (t.min() if n else 0)
    span = int(t.max()) if n else 0
    # small integer types: the per-permutation work is memory-bound (a million close pairs: ~6 ms each)
    tdtype = np.int16 if span < np.iinfo(np.int16).max else np.int64
    cdtype = np.int8 if (ns - 1) * nt <= np.iinfo(np.int8).max else np.int64
    srow = np.where(d <= 0, 0, 1 + band_index(d, de))          # 0 same place, 1..k the finite bands
    base = (srow * nt).astype(cdtype)
    lut = band_index(np.arange(span + 1), te).astype(cdtype)   # time band of each gap in days
    per_i = np.bincount(i, minlength=n)                        # the pairs are sorted by i: tt[i] is a repeat
    j_idx = j.astype(np.int32 if n < np.iinfo(np.int32).max else np.int64)
    all_pairs = _pairs_within(t, te) if n else np.zeros(nt, dtype=np.int64)
    ncell_near = (ns - 1) * nt

    def counts(tt: np.ndarray) -> np.ndarray:
        tt = tt.astype(tdtype)
        gap = np.repeat(tt, per_i)
        gap -= np.take(tt, j_idx)
        np.abs(gap, out=gap)
        code = np.take(lut, gap)
        code += base
        near = np.bincount(code, minlength=ncell_near)
        beyond = all_pairs - near.reshape(ns - 1, nt).sum(axis=0)
        return np.concatenate([near, beyond])

    observed = counts(t)
    rng = np.random.default_rng(seed)
    sims = np.empty((int(permutations), ns * nt), dtype=np.int64)
    for k in range(int(permutations)):
        sims[k] = counts(rng.permutation(t))
    expected = sims.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.nan)
    p = (1 + (sims >= observed[None, :]).sum(axis=0)) / (1 + int(permutations))
    dl, tl = distance_labels(de), time_labels(te)
    table = pd.DataFrame({"distance_band": np.repeat(dl, nt), "time_band": np.tile(tl, ns),
                          "observed": observed.astype("int64"), "expected": expected, "ratio": ratio, "p": p})
    return KnoxResult(table=table, simulated=sims, crimes=int(n), pairs=int(n * (n - 1) // 2),
                      distance_bands=tuple(float(v) for v in de), time_bands=tuple(float(v) for v in te),
                      permutations=int(permutations))
