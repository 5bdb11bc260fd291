"""Getis–Ord Gi* per place, with permutation inference, borderline refinement and hot/cold-spot classes.

The statistic of chapter 2's hot-spot map and of each year of the emerging hot-spot analysis
(:mod:`assessment.chapters.hotspots`):

* :func:`queen_weights` — binary queen-contiguity weights from polygons;
* :func:`gistar` — z-score, two-sided permutation p, Benjamini–Hochberg adjusted p and class per
  place (esda's ``G_Local(star=True, transform="B")`` underneath);
* :func:`refine` — more permutations for the places whose class is not settled;
* :func:`two_sided_pseudo_p`, :func:`bh_adjust` — the p-values;
* :func:`gi_class`, :func:`count_classes`, :func:`count_fdr`, :func:`no_geometry` — the classes,
  labelled with the constants :data:`HOT_99` … :data:`NO_GEOMETRY` (:data:`GI_CLASSES` in order).

The numbers of the significance rule (the class thresholds :data:`ALPHAS`, the default
permutations, the decision error of the refinement) are in :mod:`assessment.stats.base`; the words
about them are :class:`assessment.significance.SignificanceRule`'s.

Example
-------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import box
>>> cells = [box(i, j, i + 1, j + 1) for i in range(5) for j in range(5)]
>>> g = gpd.GeoDataFrame(geometry=cells, index=pd.Index([f"L{i:02d}" for i in range(25)], name="lsoa_code"))
>>> y = pd.Series(1, index=g.index); y[["L00", "L01", "L05", "L06"]] = 20
>>> r = gistar(y, weights=queen_weights(g), permutations=999, seed=1, fdr=False)
>>> r.loc["L00", ["gi_z", "gi_p"]].round(3).tolist(), r.loc["L00", "gi_class"]
([4.899, 0.006], 'Hot spot – 99% confidence')
"""
from __future__ import annotations

import itertools
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd

# the class labels are defined in .base (standard library only), so that assessment.significance and
# assessment.figures.maps can name them without importing numpy; they are this module's public names too
from .base import (
    ALPHAS,
    COLD_90,
    COLD_95,
    COLD_99,
    COLD_AT,
    DECISION_ERROR,
    DEFAULT_FDR,
    DEFAULT_PERMUTATIONS,
    GI_CLASSES,
    HOT_90,
    HOT_95,
    HOT_99,
    HOT_AT,
    LEVELS,
    NO_GEOMETRY,
    NO_NEIGHBOURS,
    NO_VARIATION,
    NOT_SIGNIFICANT,
    StatsError,
)
from .concentration import as_counts

__all__ = ["HOT_99", "HOT_95", "HOT_90", "NOT_SIGNIFICANT", "COLD_90", "COLD_95", "COLD_99", "NO_NEIGHBOURS",
           "NO_VARIATION", "NO_GEOMETRY", "GI_CLASSES", "HOT_AT", "COLD_AT", "LEVELS", "queen_weights",
           "two_sided_pseudo_p", "bh_adjust", "gi_class", "Refinement", "refine", "gistar", "no_geometry",
           "count_fdr", "count_classes"]

# -- weights -------------------------------------------------------------------------------------
def queen_weights(boundaries):
    """Binary queen-contiguity weights between places (a shared edge or corner), ids = the index.

    Parameters
    ----------
    boundaries : GeoDataFrame
        Polygons indexed by place code (``lsoa_code``), each code once; any CRS (contiguity is
        topological).

    Returns
    -------
    libpysal.weights.W
        Binary weights, ids in ``boundaries``' order.  Islands (places with no neighbour) are kept,
        with no neighbours: see ``w.islands``.

    Notes
    -----
    wᵢⱼ = 1 when polygons i ≠ j share at least one boundary point, else 0 (libpysal's
    ``Queen.from_dataframe``).  :func:`gistar` adds wᵢᵢ = 1.

    References
    ----------
    Rey, S. J. and Anselin, L. (2007) "PySAL: a Python library of spatial analytical methods",
    *Review of Regional Studies* 37(1), 5–27.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)],
    ...                      index=pd.Index(["A", "B", "C"], name="lsoa_code"))
    >>> w = queen_weights(g)
    >>> w.neighbors["A"], w.islands
    (['B'], ['C'])
    """
    from libpysal.weights import Queen
    if boundaries is None or len(boundaries) == 0:
        raise StatsError("Gi*: expected LSOA boundaries (a boundary file), found none")
    if boundaries.index.has_duplicates:
        dup = boundaries.index[boundaries.index.duplicated()][0]
        raise StatsError(f"boundaries: LSOA code {dup!r} appears more than once")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "not fully connected" / islands: reported by the chapter
        w = Queen.from_dataframe(boundaries, use_index=True, silence_warnings=True)
    return w


# -- p-values ------------------------------------------------------------------------------------
def _tail_counts(observed: np.ndarray, simulated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: #{sim ≥ obs} and #{sim ≤ obs}, ties (within a relative 1e-9) counting on both sides."""
    obs = np.asarray(observed, dtype=float)[:, None]
    sims = np.asarray(simulated, dtype=float)
    tol = 1e-9 * np.maximum(np.abs(obs), 1e-300)
    return (sims >= obs - tol).sum(axis=1), (sims <= obs + tol).sum(axis=1)


def _pseudo_p(ge, le, permutations) -> np.ndarray:
    """min(1, 2·(min(ge, le) + 1) ÷ (P + 1)), P per row or one for all."""
    return np.minimum(2.0 * (np.minimum(ge, le) + 1.0) / (np.asarray(permutations, dtype=float) + 1.0), 1.0)


def two_sided_pseudo_p(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """Two-sided conditional-permutation pseudo p-value for each row.

    Parameters
    ----------
    observed : array of shape (n,)
        The observed statistic per place.
    simulated : array of shape (n, P)
        P simulated statistics per place.

    Returns
    -------
    array of shape (n,)
        p in [2/(P + 1), 1].

    Notes
    -----
    p = min(1, 2·(min(#{sim ≥ obs}, #{sim ≤ obs}) + 1) ÷ (P + 1)): twice the one-sided pseudo
    p-value in the direction of the observed statistic.  Ties (within a relative 1e-9) count on both
    sides, which is conservative.  (esda 2.9's ``p_sim`` is the one-sided value, ties on the upper
    side only.)

    References
    ----------
    Hope, A. C. A. (1968) "A simplified Monte Carlo significance test procedure", *Journal of the
    Royal Statistical Society B* 30(3), 582–598.

    Examples
    --------
    >>> import numpy as np
    >>> sims = np.arange(1, 1000, dtype=float)[None, :]      # 999 simulations 1..999
    >>> two_sided_pseudo_p(np.array([1000.0]), sims), two_sided_pseudo_p(np.array([500.0]), sims)
    (array([0.002]), array([1.]))
    """
    ge, le = _tail_counts(observed, simulated)
    return _pseudo_p(ge, le, np.asarray(simulated).shape[1])


def bh_adjust(p: pd.Series) -> pd.Series:
    """Benjamini–Hochberg adjusted p-values over the non-missing ``p`` (NaN stays NaN).

    Parameters
    ----------
    p : Series of float
        p-values, NaN for untested places.

    Returns
    -------
    Series of float
        Same index; the adjusted p-values.

    Notes
    -----
    With the m non-missing p-values sorted, p₍₁₎ ≤ … ≤ p₍ₘ₎, the k-th becomes
    min(1, minⱼ≥ₖ p₍ⱼ₎·m/j) (``scipy.stats.false_discovery_control(method="bh")``).

    References
    ----------
    Benjamini, Y. and Hochberg, Y. (1995) "Controlling the false discovery rate: a practical and
    powerful approach to multiple testing", *Journal of the Royal Statistical Society B* 57(1),
    289–300.

    Examples
    --------
    >>> import pandas as pd
    >>> bh_adjust(pd.Series([0.01, 0.04, float("nan"), 0.03])).round(4).tolist()
    [0.03, 0.04, nan, 0.04]
    """
    from scipy.stats import false_discovery_control
    out = pd.Series(np.nan, index=p.index, dtype=float)
    ok = p.notna()
    if ok.any():
        out[ok] = false_discovery_control(p[ok].to_numpy(dtype=float), method="bh")
    return out


# -- classes -------------------------------------------------------------------------------------
def gi_class(z: pd.Series, p: pd.Series) -> pd.Series:
    """Hot/cold-spot class from the z-score's sign and the p-value (see :data:`LEVELS`).

    Parameters
    ----------
    z : Series of float
        Gi* z-scores.
    p : Series of float
        The p-values the classes use (adjusted or not), same index.

    Returns
    -------
    Series of string ``gi_class``
        Same index.  A NaN z or p gives "Not significant"; callers mark untested places.

    Notes
    -----
    Hot at 99% when z > 0 and p ≤ 0.01, at 95% when 0.01 < p ≤ 0.05, at 90% when 0.05 < p ≤ 0.10
    (the thresholds :data:`~assessment.stats.base.ALPHAS`, compared with a tolerance of 1e−12);
    cold likewise for z < 0; otherwise "Not significant".

    Examples
    --------
    >>> import pandas as pd
    >>> gi_class(pd.Series([3.1, 2.0, 1.7, -2.5, 0.3]), pd.Series([0.002, 0.04, 0.09, 0.03, 0.6])).tolist()
    ['Hot spot – 99% confidence', 'Hot spot – 95% confidence', 'Hot spot – 90% confidence', 'Cold spot – 95% confidence', 'Not significant']
    """
    out = pd.Series(NOT_SIGNIFICANT, index=z.index, dtype=object)
    for alpha, hot, cold in reversed(LEVELS):
        sig = (p <= alpha + 1e-12)
        out[sig & (z > 0)] = hot
        out[sig & (z < 0)] = cold
    return out.astype("string").rename("gi_class")


def count_classes(classes: pd.Series, at: float = 0.95, hot: bool = True) -> int:
    """Number of places that are hot (or cold) spots at confidence ``at`` or higher.

    Parameters
    ----------
    classes : Series
        Gi* classes (:func:`gi_class` labels).
    at : {0.90, 0.95, 0.99}
        The confidence.
    hot : bool
        Hot spots (True) or cold spots (False).

    Returns
    -------
    int

    Examples
    --------
    >>> import pandas as pd
    >>> count_classes(pd.Series([HOT_99, HOT_95, HOT_90, NOT_SIGNIFICANT]), 0.95)
    2
    """
    labels = (HOT_AT if hot else COLD_AT)[at]
    return int(classes.isin(labels).sum())


def count_fdr(table: pd.DataFrame, alpha: float = 0.05, hot: bool = True) -> int:
    """Places that are hot (or cold) spots with a Benjamini–Hochberg adjusted p-value at most ``alpha``.

    Parameters
    ----------
    table : DataFrame
        With ``gi_z`` and ``gi_p_fdr`` (:func:`gistar`'s columns).
    alpha : float
        The threshold.
    hot : bool
        Positive z (True) or negative z (False).

    Returns
    -------
    int

    Examples
    --------
    >>> import pandas as pd
    >>> count_fdr(pd.DataFrame({"gi_z": [3.0, 2.5, -3.0], "gi_p_fdr": [0.01, 0.2, 0.01]}))
    1
    """
    sig = table["gi_p_fdr"] <= alpha + 1e-12
    return int((sig & ((table["gi_z"] > 0) if hot else (table["gi_z"] < 0))).sum())


def no_geometry(counts: pd.Series) -> pd.DataFrame:
    """The Gi* columns when there are no boundaries: NaN statistics, class 'Not tested – no boundary file'.

    Parameters
    ----------
    counts : Series
        Counts indexed by place.

    Returns
    -------
    DataFrame
        :func:`gistar`'s columns, same index as ``counts``.

    Examples
    --------
    >>> import pandas as pd
    >>> no_geometry(pd.Series({"A": 1}))["gi_class"].tolist()
    ['Not tested – no boundary file']
    """
    idx = counts.index
    return pd.DataFrame({"neighbours": pd.array([pd.NA] * len(idx), dtype="Int64"), "gi_z": np.nan,
                         "gi_permutations": pd.array([pd.NA] * len(idx), dtype="Int64"),
                         "gi_p": np.nan, "gi_p_fdr": np.nan,
                         "gi_class": pd.array([NO_GEOMETRY] * len(idx), dtype="string")}, index=idx)


# -- esda ----------------------------------------------------------------------------------------
def _import_esda():
    """``import esda`` without tqdm's "IProgress not found ... update jupyter and ipywidgets"
    warning, which esda's import triggers in any kernel without ipywidgets and which an analyst
    would otherwise see as a red box in the chapter (it is about progress bars we never show)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        import esda
    _reuse_permutation_draws()
    return esda


def _reuse_permutation_draws() -> None:
    """Let esda reuse its table of permuted neighbour positions between Gi* calls.

    ``esda.crand.vec_permutations(max_card, n, permutations, seed)`` draws the same table for the
    same arguments (it seeds numpy first), and a chapter calls Gi* with the same weights and seed
    for all crime, each crime group and each year.  Without numba it is a Python loop over the
    permutations — about 0.2 s of each 9,999-permutation call whatever the number of LSOAs — so the
    table is kept (the last few, by arguments) and handed back unchanged: the p-values are exactly
    esda's.  Done once per process."""
    import functools

    import esda.crand as crand
    if getattr(crand.vec_permutations, "_sa_reused", False):
        return
    draw = crand.vec_permutations

    @functools.lru_cache(maxsize=4)
    def reused(max_card, n, k_replications, seed):
        return draw(max_card, n, k_replications, seed)

    def vec_permutations(max_card, n, k_replications, seed):
        return reused(int(max_card), int(n), int(k_replications), int(seed))
    vec_permutations._sa_reused = True
    crand.vec_permutations = vec_permutations


# -- settling borderline classes: more permutations where the Monte Carlo error could change one --
def _levels(p: np.ndarray, z: np.ndarray, fdr: bool, alphas) -> np.ndarray:
    """Signed class level per place: +k hot / −k cold when the class p is at most k of ``alphas``
    (so +3 = hot at 99% with the three default levels), 0 not significant; NaN p gives 0."""
    q = p.copy()
    ok = ~np.isnan(p)
    if fdr and ok.any():
        from scipy.stats import false_discovery_control
        q[ok] = false_discovery_control(p[ok], method="bh")
    k = np.zeros(len(p), dtype=int)
    for a in alphas:
        k += (ok & (q <= a + 1e-12)).astype(int)
    return k * np.sign(np.nan_to_num(z)).astype(int)


def _p_bounds(ge, le, perms, error: float) -> tuple[np.ndarray, np.ndarray]:
    """Clopper–Pearson bounds (confidence 1 − ``error``) of the two-sided p-value 2π, where π is the
    probability of a permutation at least as extreme as the observed statistic on its side."""
    from scipy.stats import beta
    b = np.asarray(perms, dtype=float)
    c = np.minimum(np.minimum(ge, le), b).astype(float)
    with np.errstate(all="ignore"):
        lo = np.where(c > 0, beta.ppf(error / 2, c, b - c + 1), 0.0)
        hi = np.where(c < b, beta.ppf(1 - error / 2, c + 1, b - c), 1.0)
    return np.minimum(2 * lo, 1.0), np.minimum(2 * hi, 1.0)


def _distinct_draws(rng: np.random.Generator, rows: int, m: int, k: int) -> np.ndarray:
    """``rows`` × ``k`` positions in 0 … m − 1, distinct within a row: each row a uniformly random
    ordered draw without replacement, so its first j columns are one too (for any j ≤ k).  Rows with
    a repeat are drawn again (exact, and quick when k is small beside m); small m: random sort keys."""
    if k == 0:
        return np.empty((rows, 0), dtype=np.int64)
    if 4 * k > m:
        out = np.empty((rows, k), dtype=np.int64)
        step = max(1, 4_000_000 // m)
        for a in range(0, rows, step):
            b = min(rows, a + step)
            out[a:b] = np.argsort(rng.random((b - a, m)), axis=1)[:, :k]
        return out
    idx = rng.integers(0, m, size=(rows, k))
    todo = np.arange(rows)
    while len(todo):
        sub = idx[todo]
        bad = np.zeros(len(todo), dtype=bool)
        for a in range(1, k):
            for b in range(a):
                bad |= sub[:, a] == sub[:, b]
        todo = todo[bad]
        idx[todo] = rng.integers(0, m, size=(len(todo), k))
    return idx


def _more_permutations(y: np.ndarray, i: int, k: int, observed: float, scaling: float,
                       draws_t: np.ndarray) -> tuple[int, int]:
    """#{sim ≥ obs}, #{sim ≤ obs} over further conditional permutations of place ``i``: its own count
    held fixed, ``k`` neighbours drawn without replacement from the other places — the scheme of esda's
    ``crand`` for ``G_Local(star=True, transform="B")``.  ``draws_t`` holds one *column* per
    permutation of positions among the other places (:func:`_distinct_draws`, transposed, so that
    each neighbour's values are gathered from one contiguous row); its first ``k`` rows are used."""
    others = np.delete(y, i)
    sums = np.zeros(draws_t.shape[1])
    for j in range(k):
        sums += others[draws_t[j]]
    # sim ≥ obs - tol, with sim = (sums + y_i) / scaling, compared as sums against the same bound
    tol = 1e-9 * max(abs(observed), 1e-300)
    hi_bound, lo_bound = (observed - tol) * scaling - y[i], (observed + tol) * scaling - y[i]
    return int(np.count_nonzero(sums >= hi_bound)), int(np.count_nonzero(sums <= lo_bound))


class Refinement(NamedTuple):
    """Result of :func:`refine`, per place (arrays in the input's order)."""

    ge: np.ndarray             #: permutations at least as large as the observed statistic
    le: np.ndarray             #: permutations at most as large
    permutations: np.ndarray   #: permutations drawn in all
    settled: np.ndarray        #: False for a place whose class is still not settled at the cap


def refine(y: np.ndarray, neighbour_counts: np.ndarray, observed: np.ndarray, z: np.ndarray,
           ge: np.ndarray, le: np.ndarray, permutations: int, max_permutations: int, seed: int,
           fdr: bool, alphas=ALPHAS, error: float = DECISION_ERROR) -> Refinement:
    """Draw more permutations for the places whose class is not settled.

    Parameters
    ----------
    y : array of float
        The counts, in the weights' order.
    neighbour_counts : array of int
        Neighbours of each place (not counting itself).
    observed : array of float
        The observed Gi* per place.
    z : array of float
        The Gi* z-scores (their signs give hot or cold); NaN for an untested place, which is left alone.
    ge, le : array of int
        #{permutation ≥ observed} and #{permutation ≤ observed} so far.
    permutations : int
        Permutations behind ``ge`` and ``le``.
    max_permutations : int
        The most any place gets.
    seed : int
        Seed of the further permutations (each round ``step`` draws from ``[seed, step]``).
    fdr : bool
        Whether the classes use the Benjamini–Hochberg adjusted p-values.
    alphas : sequence of float
        The class thresholds whose crossing must be settled.
    error : float
        The chance allowed, per place, that a class counted as settled lies on the wrong side of
        a threshold.

    Returns
    -------
    Refinement
        ``(ge, le, permutations, settled)`` per place: the counts over all permutations drawn, how
        many, and whether the class is settled (False: still unsettled at the cap; :func:`gistar`
        then uses the high end of the p-value's interval).

    Notes
    -----
    A place's class is *settled* when it is the same with every tested place's p-value at the low
    end of its Clopper–Pearson interval (confidence 1 − ``error``) as at the high end — after the
    Benjamini–Hochberg adjustment when ``fdr``.  For the interval, c = min(ge, le) of B permutations
    gives π ∈ [Beta⁻¹(ε/2; c, B − c + 1), Beta⁻¹(1 − ε/2; c + 1, B − c)] and p = 2π.  For each unsettled
    place the permutations drawn so far are doubled (up to ``max_permutations``), with the place's
    own count held fixed and its neighbours drawn without replacement from the others (esda's
    conditional scheme), and the check is repeated until every class is settled or at the cap.

    References
    ----------
    Gandy, A. and Hahn, G. (2014) "MMCTest — a safe algorithm for implementing multiple Monte Carlo
    tests", *Scandinavian Journal of Statistics* 41(4), 1083–1101.  Clopper, C. J. and Pearson, E. S.
    (1934) "The use of confidence or fiducial limits illustrated in the case of the binomial",
    *Biometrika* 26(4), 404–413.

    Examples
    --------
    Hand-worked: place 0's observed statistic, 1.0, is above every possible permutation, so none
    is as extreme and the Clopper–Pearson upper bound of its p-value is 2·(1 − 0.0005^(1/B)) after B
    permutations; it is classed at 99% only once that is at most 0.01, i.e. B ≥ 1,518:
    99 → 199 → 399 → 799 → 1,599 permutations.  The places with z = 0 are never significant.

    >>> import numpy as np
    >>> y = np.array([10.0, 5, 1, 1, 1, 1, 1, 1, 1])
    >>> ge, le, n, settled = refine(y, np.ones(9, int), np.array([1.0] + [0.1] * 8),
    ...                             np.array([3.0] + [0.0] * 8), np.zeros(9, int), np.full(9, 99), 99, 99999, 1, fdr=False)
    >>> n.tolist(), int(ge[0]), int(le[0]), bool(settled.all())
    ([1599, 99, 99, 99, 99, 99, 99, 99, 99], 0, 1599, True)
    """
    ge = np.asarray(ge, dtype=np.int64).copy()
    le = np.asarray(le, dtype=np.int64).copy()
    perms = np.full(len(y), int(permutations), dtype=np.int64)
    tested = ~np.isnan(z)
    if not permutations or max_permutations <= permutations or not tested.any():
        return Refinement(ge, le, perms, np.ones(len(y), dtype=bool))
    scaling = float(y.sum())
    k = np.asarray(neighbour_counts, dtype=int)
    for step in itertools.count(1):
        lo, hi = _p_bounds(ge, le, perms, error)
        lo[~tested] = np.nan
        hi[~tested] = np.nan
        unsettled = (_levels(lo, z, fdr, alphas) != _levels(hi, z, fdr, alphas)) & tested
        open_ = np.flatnonzero(unsettled & (perms < max_permutations))
        if not len(open_):
            return Refinement(ge, le, perms, ~unsettled)
        extra = np.minimum(perms[open_] + 1, max_permutations - perms[open_])
        rng = np.random.default_rng([int(seed) % 2**63, step])
        draws_t = np.ascontiguousarray(_distinct_draws(rng, int(extra.max()), len(y) - 1, int(k[open_].max())).T)
        for i, e in zip(open_, extra):
            a, b = _more_permutations(y, int(i), int(k[i]), float(observed[i]), scaling, draws_t[:, :e])
            ge[i] += a
            le[i] += b
            perms[i] += e


# -- Gi* -----------------------------------------------------------------------------------------
def gistar(counts: pd.Series, boundaries=None, permutations: int = DEFAULT_PERMUTATIONS, seed: int = 20240401,
           fdr: bool = DEFAULT_FDR, weights=None, max_permutations: int | None = None,
           alphas=ALPHAS) -> pd.DataFrame:
    """Getis–Ord Gi* per place: z-score, two-sided permutation p, BH-adjusted p and class.

    Parameters
    ----------
    counts : Series indexed by place code (``lsoa_code``)
        Non-negative counts for every place in ``boundaries`` (or ``weights``), in any order.
    boundaries : GeoDataFrame indexed by place code, optional
        Polygons (any CRS; contiguity is topological).  Not needed when ``weights`` is given.
    permutations : int
        Conditional permutations for every place (9,999 by default; 0 = normal approximation only).
    seed : int
        Seed for the permutations, so that a rerun gives the same p-values.
    fdr : bool
        Classify on the Benjamini–Hochberg adjusted p-values (default True) rather than the raw ones.
    weights : libpysal.weights.W, optional
        Precomputed :func:`queen_weights` (ids = place codes), to reuse across years and groups.
    max_permutations : int, optional
        Cap of the permutations for a place whose class is not settled (None: no refinement;
        :func:`refine`).
    alphas : sequence of float
        The p thresholds whose crossing the refinement settles (the class levels; the emerging
        analysis adds its own).

    Returns
    -------
    DataFrame indexed like ``counts`` (same order)
        ``neighbours`` (Int), ``gi_z``, ``gi_permutations`` (Int: permutations behind each p),
        ``gi_p`` (two-sided), ``gi_p_fdr`` (BH-adjusted over the tested places), ``gi_class``.
        Islands get NaN statistics and class "Not tested – no neighbours"; when every count is
        the same (e.g. none) nothing is tested ("Not tested – counts do not vary").

    Notes
    -----
    Binary queen contiguity with the place itself included (wᵢᵢ = 1) — esda's
    ``G_Local(y, w, transform="B", star=True)``:

        Gᵢ* = Σⱼ wᵢⱼ xⱼ ÷ Σⱼ xⱼ,   zᵢ = (Gᵢ* − E[Gᵢ*]) ÷ √Var[Gᵢ*]

    under the normal approximation.  The p-value is the two-sided conditional-permutation pseudo
    p-value (:func:`two_sided_pseudo_p` on esda's simulated statistics, each place's own count held
    fixed and its neighbours drawn from the others), or 2·(1 − Φ(|z|)) when ``permutations`` is 0.
    With ``max_permutations`` above ``permutations``, places whose class is not settled get more
    permutations (:func:`refine`); one still unsettled at the cap gets the high end of its
    Clopper–Pearson interval as its p-value.  The class (:func:`gi_class`) uses ``gi_p_fdr`` when
    ``fdr``, else ``gi_p``.

    References
    ----------
    Getis, A. and Ord, J. K. (1992) "The analysis of spatial association by use of distance
    statistics", *Geographical Analysis* 24(3), 189–206.  Ord, J. K. and Getis, A. (1995) "Local
    spatial autocorrelation statistics: distributional issues and an application", *Geographical
    Analysis* 27(4), 286–306.  Benjamini and Hochberg (1995), see :func:`bh_adjust`.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> cells = [box(i, j, i + 1, j + 1) for i in range(5) for j in range(5)]
    >>> g = gpd.GeoDataFrame(geometry=cells, index=pd.Index([f"L{i:02d}" for i in range(25)], name="lsoa_code"))
    >>> y = pd.Series(1, index=g.index); y[["L00", "L01", "L05", "L06"]] = 20
    >>> r = gistar(y, g, permutations=99, seed=1)
    >>> r.loc["L00", "gi_z"].round(2), r.loc["L24", "gi_class"]
    (np.float64(4.9), 'Not significant')
    """
    esda = _import_esda()
    from scipy.stats import norm

    v = as_counts(counts)
    if not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise StatsError(f"Gi* permutations: expected a whole number of 0 or more, found {permutations!r}")
    w = weights if weights is not None else queen_weights(boundaries)
    ids = [str(i) for i in w.id_order]
    missing = v.index.difference(pd.Index(ids))
    extra = pd.Index(ids).difference(v.index)
    if len(missing) or len(extra):
        what = (f"{len(missing)} LSOAs with counts have no boundary (e.g. {missing[0]})" if len(missing)
                else f"{len(extra)} LSOAs in the boundary file have no count (e.g. {extra[0]})")
        raise StatsError(f"Gi*: the counts and the boundary file must cover the same LSOAs; {what}")
    y = v.reindex(ids).to_numpy(dtype=float)
    cards = np.array([w.cardinalities[i] for i in w.id_order])
    neighbours = pd.Series(cards, index=pd.Index(ids, name="lsoa_code"), name="neighbours")
    out = pd.DataFrame({"neighbours": neighbours.astype("int64"), "gi_z": np.nan,
                        "gi_permutations": pd.array([pd.NA] * len(ids), dtype="Int64"), "gi_p": np.nan,
                        "gi_p_fdr": np.nan}, index=neighbours.index)
    island = cards == 0
    if y.sum() <= 0 or np.all(y == y[0]):
        out["gi_class"] = pd.array([NO_VARIATION] * len(out), dtype="string")
        out.loc[island, "gi_class"] = NO_NEIGHBOURS
        return out.reindex(v.index)
    from libpysal.weights import W
    w_copy = W(dict(w.neighbors), {k: [1.0] * len(n) for k, n in w.neighbors.items()},
               id_order=list(w.id_order), silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda's alternative= deprecation; disconnected-graph notes
        g = esda.G_Local(y, w_copy, transform="B", star=True, permutations=int(permutations),
                         seed=int(seed), n_jobs=1, keep_simulations=True)
    z = np.asarray(g.Zs, dtype=float)
    z[island] = np.nan
    if permutations:
        observed = np.asarray(g.Gs, dtype=float)
        ge, le = _tail_counts(observed, np.asarray(g.rGs, dtype=float))
        del g
        perms = np.full(len(y), int(permutations), dtype=np.int64)
        settled = np.ones(len(y), dtype=bool)
        if max_permutations is not None:
            ge, le, perms, settled = refine(y, cards, observed, z, ge, le, int(permutations),
                                            int(max_permutations), int(seed), fdr, alphas)
        p = _pseudo_p(ge, le, perms)
        if not settled.all():               # still unsettled at the cap: the conservative end of the interval
            p = np.where(settled, p, _p_bounds(ge, le, perms, DECISION_ERROR)[1])
    else:
        p = 2.0 * norm.sf(np.abs(z))
        perms = np.zeros(len(y), dtype=np.int64)
    p = np.where(island, np.nan, p)
    out["gi_z"] = z
    out["gi_permutations"] = pd.array(np.where(island, pd.NA, perms).tolist(), dtype="Int64")
    out["gi_p"] = p
    out["gi_p_fdr"] = bh_adjust(out["gi_p"])
    cls = gi_class(out["gi_z"], out["gi_p_fdr"] if fdr else out["gi_p"]).astype(object)
    cls[island] = NO_NEIGHBOURS
    out["gi_class"] = pd.array(cls.tolist(), dtype="string")
    return out.reindex(v.index)
