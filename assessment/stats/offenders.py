"""Offender concentration: how much crime is linked to the most prolific offenders.

The input is a link table with one row per (crime, offender) link — columns ``crime_id`` and
``offender_id``, and ``crime_type`` for :func:`crime_mix` — already restricted to the crimes of
the period studied (chapter 3 does that with :func:`assessment.chapters.offenders.period_links`).
A crime may have several offenders (co-offending), so the functions here count *distinct crimes*:
an offender is credited once for each crime they are linked to, and the crimes of a group of
offenders are the crimes linked to at least one of them.

* :func:`crimes_per_offender`, :func:`rank_offenders` — crimes per offender, ranked most first
  (ties by offender reference);
* :func:`top_offenders`, :func:`ties_at_boundary` — the top p% of offenders (⌈p·N⌉, the one "top p%
  of n" rule :func:`assessment.stats.concentration.top_k`) and whether the tie rule decided it;
* :func:`crime_best_rank`, :func:`crimes_linked_to_top` — each crime's best offender rank, and the
  crimes linked to the top k;
* :func:`concentration_table`, :func:`concentration_curve` — the top-p% shares of crime and the
  concentration curve;
* :func:`prolific` — offenders at or above a threshold of crimes and their share of crime;
* :func:`crime_mix` — the crime types of the top group against the rest.

The Gini coefficient of crimes per offender is :func:`assessment.stats.concentration.gini` (one
Gini for places and people).  Offender ids index the intermediate results (they are the rows
being ranked); nothing here publishes anything.

Example
-------
>>> import pandas as pd
>>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3", "c3"], "offender_id": ["A", "A", "A", "B"]})
>>> per = crimes_per_offender(links)
>>> per["crimes"].tolist(), per["rank"].tolist()
([3, 1], [1, 2])
>>> t = concentration_table(links, all_crimes=4, shares=[0.5])
>>> t[["offenders", "crimes", "linked_crimes", "share_linked", "share_all"]].to_dict("records")
[{'offenders': 1, 'crimes': 3, 'linked_crimes': 3, 'share_linked': 1.0, 'share_all': 0.75}]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import StatsError
from .concentration import check_share, top_k

__all__ = ["NOT_RECORDED", "SHARES", "crimes_per_offender", "rank_offenders", "top_offenders", "crime_best_rank",
           "crimes_linked_to_top", "concentration_table", "ties_at_boundary", "concentration_curve", "prolific",
           "crime_mix"]

#: the category of a crime with no crime type recorded (:func:`crime_mix`)
NOT_RECORDED = "Not recorded"
#: the top shares of offenders reported by default: 1%, 5%, 10% and 20%
SHARES = (0.01, 0.05, 0.10, 0.20)


def _require(df, columns, what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise StatsError(f"{what}: expected a table (pandas DataFrame), found {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise StatsError(f"{what}: expected columns {', '.join(columns)}, found columns "
                         f"{', '.join(map(str, df.columns))}")


def _share(num, den):
    return None if den is None or den == 0 or num is None else num / den


def _ranked(links: pd.DataFrame, per_offender: pd.DataFrame | None) -> pd.DataFrame:
    return per_offender if per_offender is not None else crimes_per_offender(links)


# -- crimes per offender and the ranking ----------------------------------------------------------
def rank_offenders(counts: pd.Series) -> pd.DataFrame:
    """Rank offenders by crimes, most first; equal counts in the text order of the offender reference.

    Parameters
    ----------
    counts : Series
        Crimes per offender, indexed by offender reference.

    Returns
    -------
    DataFrame
        Indexed by ``offender_id`` (as text), in rank order, with ``crimes`` (int) and ``rank``
        (1 … N).

    Raises
    ------
    StatsError
        ``counts`` is not a Series.

    Notes
    -----
    Offenders are sorted by (−crimesᵢ, offender_idᵢ) with a stable sort and numbered 1 … N.  The
    tie rule is arbitrary — it has nothing to do with offending — but reproducible: the same data
    always give the same ranking, whatever the order of their rows.

    See Also
    --------
    assessment.stats.concentration.top_areas : the same tie rule for places.

    Examples
    --------
    "A" < "A10" < "B" in text order, so of the three offenders with 2 crimes "A" ranks first:

    >>> import pandas as pd
    >>> rank_offenders(pd.Series({"B": 2, "A": 2, "C": 5, "A10": 2}))["rank"].to_dict()
    {'C': 1, 'A': 2, 'A10': 3, 'B': 4}
    """
    if not isinstance(counts, pd.Series):
        raise StatsError(f"crimes per offender: expected a Series indexed by offender, found {type(counts).__name__}")
    t = pd.DataFrame({"offender_id": pd.Index(counts.index).astype("string"),
                      "crimes": np.asarray(counts.values, dtype="int64")})
    t = t.sort_values(["crimes", "offender_id"], ascending=[False, True], kind="mergesort")
    t["rank"] = np.arange(1, len(t) + 1, dtype="int64")
    return t.set_index("offender_id")


def crimes_per_offender(links: pd.DataFrame) -> pd.DataFrame:
    """Distinct crimes per offender, ranked most first (ties by offender reference).

    Parameters
    ----------
    links : DataFrame
        One row per (crime, offender) link, with ``crime_id`` and ``offender_id``; a link listed
        more than once counts once.

    Returns
    -------
    DataFrame
        :func:`rank_offenders` of the counts: indexed by ``offender_id``, columns ``crimes`` and
        ``rank``.  It holds offender references: a working table, never a published one.

    Raises
    ------
    StatsError
        ``links`` lacks ``crime_id`` or ``offender_id``.

    Notes
    -----
    crimesᵢ = |{distinct crime_id linked to offender i}|, so Σᵢ crimesᵢ is the number of distinct
    (crime, offender) links; it exceeds the number of linked crimes when crimes have several
    offenders.

    References
    ----------
    Wolfgang, M. E., Figlio, R. M. and Sellin, T. (1972) *Delinquency in a Birth Cohort*.
    Chicago: University of Chicago Press (offences per offender in a cohort).

    Examples
    --------
    B is linked to c1 (twice), c2 and c3: 3 crimes; A to c3: 1 crime.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c1", "c2", "c3", "c3"],
    ...                       "offender_id": ["B", "B", "B", "A", "B"]})
    >>> crimes_per_offender(links).to_dict("index")
    {'B': {'crimes': 3, 'rank': 1}, 'A': {'crimes': 1, 'rank': 2}}
    """
    _require(links, ["crime_id", "offender_id"], "offender links")
    pairs = links[["crime_id", "offender_id"]].drop_duplicates()
    counts = pairs.groupby("offender_id", sort=False)["crime_id"].size()
    return rank_offenders(counts)


def top_offenders(per_offender: pd.DataFrame, p: float) -> pd.Index:
    """The offenders in the top ``p`` (a fraction): the first ⌈p·N⌉ in rank order.

    Parameters
    ----------
    per_offender : DataFrame
        :func:`crimes_per_offender`'s ranked table (``crimes``, ``rank``).
    p : float
        The share of offenders, a fraction in (0, 1]: 0.01 for the top 1%.

    Returns
    -------
    Index
        The offender references of the group, in rank order.

    Notes
    -----
    k = ⌈p·N⌉ (:func:`assessment.stats.concentration.top_k`), N = the number of offenders; ties at
    the boundary are broken by offender reference, as in :func:`rank_offenders` (see
    :func:`ties_at_boundary`).

    Examples
    --------
    N = 4: the top 50% is ⌈2⌉ = 2 offenders (B and C, 4 crimes each); the top 25% is 1 (B, the
    first of the tie in text order).

    >>> import pandas as pd
    >>> per = rank_offenders(pd.Series({"A": 1, "B": 4, "C": 4, "D": 2}))
    >>> top_offenders(per, 0.5).tolist(), top_offenders(per, 0.25).tolist()
    (['B', 'C'], ['B'])
    """
    _require(per_offender, ["crimes", "rank"], "crimes per offender")
    ordered = per_offender.sort_values("rank")
    return ordered.index[:top_k(len(ordered), p)]


def ties_at_boundary(per_offender: pd.DataFrame, p: float) -> int:
    """Offenders just outside the top ``p`` with as many crimes as the last offender inside it.

    Parameters
    ----------
    per_offender : DataFrame
        :func:`crimes_per_offender`'s ranked table.
    p : float
        The share of offenders, a fraction in (0, 1].

    Returns
    -------
    int
        0 when the group is decided by the counts alone; otherwise how many offenders outside the
        group tie with its last member (the tie rule decided who is in, and the group's share of
        crime may depend on it, since tied offenders' crimes can differ).

    Notes
    -----
    With k = ⌈p·N⌉ and x₍₁₎ ≥ … ≥ x₍N₎ the ranked counts: |{j > k : x₍ⱼ₎ = x₍ₖ₎}|, and 0 when
    k = 0 or k = N.

    Examples
    --------
    Counts 3, 2, 2, 2, 1: the top 40% is ⌈2⌉ = 2 offenders, the second with 2 crimes; two more
    offenders have 2 crimes.

    >>> import pandas as pd
    >>> ties_at_boundary(rank_offenders(pd.Series({"A": 3, "B": 2, "C": 2, "D": 2, "E": 1})), 0.4)
    2
    """
    _require(per_offender, ["crimes", "rank"], "crimes per offender")
    ordered = per_offender.sort_values("rank")
    k = top_k(len(ordered), p)
    if k == 0 or k >= len(ordered):
        return 0
    last = ordered["crimes"].iloc[k - 1]
    return int((ordered["crimes"].iloc[k:] == last).sum())


# -- crimes linked to the top k -----------------------------------------------------------------
def crime_best_rank(links: pd.DataFrame, per_offender: pd.DataFrame) -> pd.Series:
    """For each linked crime, the best (lowest) rank among its offenders.

    Parameters
    ----------
    links : DataFrame
        The links (``crime_id``, ``offender_id``).
    per_offender : DataFrame
        The ranking of the same links' offenders (:func:`crimes_per_offender`).

    Returns
    -------
    Series of int
        ``best_rank``, indexed by crime_id (one row per distinct linked crime).

    Raises
    ------
    StatsError
        An offender of ``links`` is not in ``per_offender``.

    Notes
    -----
    best_rank(c) = min{rank(i) : offender i is linked to crime c}.  A crime is linked to at least
    one of the top k offenders exactly when best_rank(c) ≤ k, so one pass over the links answers
    "crimes linked to the top k" for every k at once.

    Examples
    --------
    c1 has offenders A (rank 2) and B (rank 1); c2 has B:

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c1", "c2"], "offender_id": ["A", "B", "B"]})
    >>> crime_best_rank(links, rank_offenders(pd.Series({"A": 1, "B": 2}))).to_dict()
    {'c1': 1, 'c2': 1}
    """
    _require(links, ["crime_id", "offender_id"], "offender links")
    _require(per_offender, ["rank"], "crimes per offender")
    r = links["offender_id"].astype("string").map(per_offender["rank"])
    if r.isna().any():
        raise StatsError("offender links: some offenders are missing from the ranked table "
                         "(rank the same links with crimes_per_offender)")
    return r.astype("int64").groupby(links["crime_id"].to_numpy()).min().rename("best_rank")


def crimes_linked_to_top(best_rank: pd.Series, k: int) -> int:
    """Distinct crimes linked to at least one of the ``k`` highest-ranked offenders.

    Parameters
    ----------
    best_rank : Series
        :func:`crime_best_rank`.
    k : int
        How many offenders, from the top.

    Returns
    -------
    int
        |{c : best_rank(c) ≤ k}|.

    Notes
    -----
    Never falls as k grows; at k = N it is the number of linked crimes.

    Examples
    --------
    >>> import pandas as pd
    >>> crimes_linked_to_top(pd.Series([1, 1, 2, 3]), 2)
    3
    """
    return int((best_rank <= k).sum())


def concentration_table(links: pd.DataFrame, all_crimes: int | None, shares=SHARES,
                        per_offender: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of crime linked to the top p% of offenders, for each p in ``shares``.

    Parameters
    ----------
    links : DataFrame
        The links (``crime_id``, ``offender_id``) of the period.
    all_crimes : int or None
        Every crime recorded in the area and period (linked or not); None when unknown.
    shares : sequence of float
        The top shares, fractions in (0, 1] (default 1%, 5%, 10%, 20%).
    per_offender : DataFrame, optional
        :func:`crimes_per_offender` of ``links``, when already computed.

    Returns
    -------
    DataFrame
        One row per p (index ``p``), columns:

        * ``group`` — "Top 1%" …;
        * ``offenders`` — kₚ = ⌈p·N⌉, the offenders in the group (N = offenders with a linked crime);
        * ``crimes`` — distinct crimes linked to at least one offender in the group;
        * ``linked_crimes`` — the "linked" denominator: distinct crimes with at least one offender;
        * ``share_linked`` = crimes ÷ linked_crimes;
        * ``all_crimes`` — the "all" denominator, as given;
        * ``share_all`` = crimes ÷ all_crimes (None when ``all_crimes`` is None or 0).

    Notes
    -----
    With kₚ = ⌈p·N⌉ (:func:`assessment.stats.concentration.top_k`) and the best rank of each
    crime (:func:`crime_best_rank`), crimesₚ = |{c : best_rank(c) ≤ kₚ}|.  A crime committed jointly
    with someone outside the group still counts for the group.  When no crime has more than one
    offender, share_linked equals :func:`assessment.stats.concentration.top_share` of the crimes
    per offender.

    References
    ----------
    Martinez, N. N., Lee, Y., Eck, J. E. and O, S. (2017) "Ravenous wolves revisited: a systematic
    review of offending concentration", *Crime Science* 6, 10 (the share of offences committed by
    the top p% of offenders, across 73 studies).

    Examples
    --------
    N = 3 offenders; A has c1–c3, B and C share c4.  The top 34% is ⌈1.02⌉ = 2 offenders (A, B),
    linked to all 4 crimes: 4/4 of linked crime and 4/10 of all crime.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3", "c4", "c4"],
    ...                       "offender_id": ["A", "A", "A", "B", "C"]})
    >>> t = concentration_table(links, all_crimes=10, shares=[0.34, 1.0])
    >>> t[["offenders", "crimes", "share_linked", "share_all"]].to_dict("list")
    {'offenders': [2, 3], 'crimes': [4, 4], 'share_linked': [1.0, 1.0], 'share_all': [0.4, 0.4]}
    """
    per = _ranked(links, per_offender)
    best = crime_best_rank(links, per)
    n, linked = len(per), len(best)
    rows = []
    for p in shares:
        p = check_share(p)
        k = top_k(n, p)
        c = crimes_linked_to_top(best, k)
        rows.append({"p": p, "group": f"Top {p * 100:g}%", "offenders": k, "crimes": c,
                     "linked_crimes": linked, "share_linked": _share(c, linked),
                     "all_crimes": all_crimes, "share_all": _share(c, all_crimes)})
    return pd.DataFrame(rows, columns=["p", "group", "offenders", "crimes", "linked_crimes", "share_linked",
                                       "all_crimes", "share_all"]).set_index("p")


def concentration_curve(links: pd.DataFrame, per_offender: pd.DataFrame | None = None) -> pd.DataFrame:
    """Points of the concentration curve of crime over offenders, most prolific first.

    Parameters
    ----------
    links : DataFrame
        The links (``crime_id``, ``offender_id``) of the period.
    per_offender : DataFrame, optional
        :func:`crimes_per_offender` of ``links``, when already computed.

    Returns
    -------
    DataFrame
        N + 1 rows (k = 0 … N): ``offenders_share`` = k/N and ``crimes_share`` = the share of linked
        crimes linked to at least one of the k highest-ranked offenders.

    Notes
    -----
    Point k = (k/N, |{c : best_rank(c) ≤ k}| ÷ L), L = linked crimes.  When no crime has more than
    one offender it is the Lorenz curve of crimes per offender drawn from the top
    (:func:`assessment.stats.concentration.lorenz`); with co-offending it lies at or below it,
    since a crime is counted once however many of the group committed it.

    References
    ----------
    Lorenz, M. O. (1905) "Methods of measuring the concentration of wealth", *Publications of the
    American Statistical Association* 9(70), 209–219.

    Examples
    --------
    A has 2 of the 3 crimes: the top half of offenders (A) has 2/3 of them.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3"], "offender_id": ["A", "A", "B"]})
    >>> concentration_curve(links).round(3).values.tolist()
    [[0.0, 0.0], [0.5, 0.667], [1.0, 1.0]]
    """
    per = _ranked(links, per_offender)
    best = crime_best_rank(links, per)
    n, linked = len(per), len(best)
    counts = np.bincount(best.to_numpy(), minlength=n + 1)[: n + 1]
    cum = np.cumsum(counts)
    k = np.arange(n + 1)
    return pd.DataFrame({"offenders_share": k / n if n else k * 0.0,
                         "crimes_share": cum / linked if linked else cum * 0.0})


def prolific(links: pd.DataFrame, all_crimes: int | None, threshold: int,
             per_offender: pd.DataFrame | None = None) -> dict:
    """Offenders linked to at least ``threshold`` distinct crimes, and the crimes linked to them.

    Parameters
    ----------
    links : DataFrame
        The links (``crime_id``, ``offender_id``) of the period.
    all_crimes : int or None
        Every crime recorded in the area and period; None when unknown.
    threshold : int
        Crimes that make an offender "prolific" (1 or more).
    per_offender : DataFrame, optional
        :func:`crimes_per_offender` of ``links``, when already computed.

    Returns
    -------
    dict
        ``threshold``; ``offenders`` K (how many are prolific); ``offenders_share`` = K ÷ N;
        ``crimes`` C (distinct crimes linked to at least one prolific offender);
        ``share_linked`` = C ÷ linked crimes; ``share_all`` = C ÷ all crimes (None when unknown).

    Raises
    ------
    StatsError
        ``threshold`` is not a whole number of 1 or more.

    Notes
    -----
    K = |{i : crimesᵢ ≥ threshold}|.  Offenders are ranked by crimes, so the prolific offenders are
    exactly the top K and C = |{c : best_rank(c) ≤ K}| (:func:`crime_best_rank`).

    References
    ----------
    Wolfgang, M. E., Figlio, R. M. and Sellin, T. (1972) *Delinquency in a Birth Cohort*.
    Chicago: University of Chicago Press (the "chronic offenders", with five or more offences, a
    small part of the cohort responsible for over half of its offences).

    Examples
    --------
    A has 2 crimes, B 1: with a threshold of 2, K = 1 of 2 offenders, C = 2 of 3 linked crimes and
    of 6 crimes in all.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3"], "offender_id": ["A", "A", "B"]})
    >>> prolific(links, all_crimes=6, threshold=2)
    {'threshold': 2, 'offenders': 1, 'offenders_share': 0.5, 'crimes': 2, 'share_linked': 0.6666666666666666, 'share_all': 0.3333333333333333}
    """
    if not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise StatsError(f"prolific threshold: expected a whole number of crimes, 1 or more, found {threshold!r}")
    per = _ranked(links, per_offender)
    best = crime_best_rank(links, per)
    k = int((per["crimes"] >= threshold).sum())
    c = crimes_linked_to_top(best, k)
    return {"threshold": int(threshold), "offenders": k, "offenders_share": _share(k, len(per)), "crimes": c,
            "share_linked": _share(c, len(best)), "share_all": _share(c, all_crimes)}


def crime_mix(links: pd.DataFrame, p: float = 0.10, per_offender: pd.DataFrame | None = None) -> pd.DataFrame:
    """Crime types of the crimes linked to the top ``p`` of offenders, against the rest of linked crime.

    Parameters
    ----------
    links : DataFrame
        The links of the period, with ``crime_id``, ``offender_id`` and ``crime_type`` (a missing
        type counts as :data:`NOT_RECORDED`).
    p : float
        The top group, a fraction in (0, 1] (default the top 10%).
    per_offender : DataFrame, optional
        :func:`crimes_per_offender` of ``links``, when already computed.

    Returns
    -------
    DataFrame
        Indexed by ``crime_type``: ``top_crimes``, ``top_share`` (of the top group's crimes),
        ``rest_crimes``, ``rest_share`` (of the other linked crimes); most top-group crimes first,
        then most other crimes, then type name.  A share column is NaN when its group has no
        crimes.

    Notes
    -----
    With k = ⌈p·N⌉, a linked crime c is in the top group when best_rank(c) ≤ k
    (:func:`crime_best_rank`), otherwise in the rest.  top_shareₜ = top_crimesₜ ÷ Σ top_crimes and
    rest_shareₜ = rest_crimesₜ ÷ Σ rest_crimes; each crime counts once, under the type of its first
    link row.

    Examples
    --------
    N = 3, the top 20% is ⌈0.6⌉ = 1 offender (A, with c1 and c2): Burglary and Theft are half each
    of its crimes; the rest are c3 (Theft) and c4 (Robbery).

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3", "c4"], "offender_id": ["A", "A", "B", "C"],
    ...                       "crime_type": ["Burglary", "Theft", "Theft", "Robbery"]})
    >>> crime_mix(links, p=0.2).to_dict("index")["Theft"]
    {'top_crimes': 1, 'top_share': 0.5, 'rest_crimes': 1, 'rest_share': 0.5}
    """
    _require(links, ["crime_id", "offender_id", "crime_type"], "offender links")
    per = _ranked(links, per_offender)
    best = crime_best_rank(links, per)
    k = top_k(len(per), p)
    types = links.drop_duplicates("crime_id").set_index("crime_id")["crime_type"].astype("string").fillna(NOT_RECORDED)
    types = types.reindex(best.index)
    top = types[best <= k].value_counts()
    rest = types[best > k].value_counts()
    t = pd.DataFrame({"top_crimes": top, "rest_crimes": rest}).fillna(0).astype("int64")
    t["top_share"] = t["top_crimes"] / t["top_crimes"].sum() if t["top_crimes"].sum() else np.nan
    t["rest_share"] = t["rest_crimes"] / t["rest_crimes"].sum() if t["rest_crimes"].sum() else np.nan
    t.index.name = "crime_type"
    t = t.reindex(sorted(t.index, key=lambda s: (-t.at[s, "top_crimes"], -t.at[s, "rest_crimes"], str(s))))
    return t[["top_crimes", "top_share", "rest_crimes", "rest_share"]]
