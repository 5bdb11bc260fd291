"""Repeat victimisation and the look-back: crimes per victim, repeat rates, time to repeat.

The statistics of chapter 4 (:mod:`assessment.chapters.victims`), over victim–crime *pairs*: a
table with one row per distinct (crime, victim), columns ``crime_id``, ``victim_id`` and, for the
look-back, the offence ``date``.  Two measures of repeat victimisation, and how soon repeats come:

* in the year — :func:`crimes_per_victim` (INTERNAL: indexed by victim), :func:`in_year_measures`
  (victims, repeat victims, repeat rate, the share of pairs belonging to repeat victims) and
  :func:`distribution` (victims with 1, 2, …, 5+ crimes);
* looking back (the MARAC convention) — :func:`days_since_previous` (days since the same
  victim's previous crime, earlier years included) and :func:`lookback_measures` (the share of
  pairs that came at most ``lookback_days`` after the victim's previous crime);
* time to repeat — :func:`time_to_repeat` (the share of repeats within d days),
  :func:`repeat_curve` (its cumulative curve) and :func:`front_loaded` (more than half of them in
  the first quarter of the look-back).

A victim id is used to count and never leaves these functions except as the index of
:func:`crimes_per_victim`, which a chapter must not publish.  Nothing here knows about periods,
subsets or disclosure: the chapter picks the pairs (the period, a crime group) and hides small
counts.

Example
-------
>>> import pandas as pd
>>> pairs = pd.DataFrame({"crime_id": ["c0", "c1", "c2", "c3"], "victim_id": ["A", "A", "B", "B"],
...     "date": pd.to_datetime(["2024-03-20", "2024-05-02", "2024-06-10", "2024-07-04"])})
>>> year = pairs.iloc[1:]                       # the crimes of the year: c1, c2, c3
>>> in_year_measures(crimes_per_victim(year))["repeat_rate"]     # B twice in the year; A once
0.5
>>> lookback_measures(days_since_previous(pairs).loc[year.index])["lookback_rate"]  # c1 (43 days after c0), c3
0.6666666666666666
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import StatsError

__all__ = ["crimes_per_victim", "in_year_measures", "distribution", "days_since_previous", "lookback_measures",
           "time_to_repeat", "repeat_curve", "front_loaded", "check_days"]


# -- input checks ------------------------------------------------------------------------------
def _require(df, columns, what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise StatsError(f"{what}: expected a table (pandas DataFrame), found {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise StatsError(f"{what}: expected columns {', '.join(columns)}, found no column(s) "
                         f"{', '.join(repr(c) for c in missing)}")


def check_days(days, what: str = "look-back") -> int:
    """A number of days, checked to be a whole number, 0 or more.

    Parameters
    ----------
    days : int
        The number of days (a bool, a float or a negative number is refused).
    what : str
        The name of the setting in the error message.

    Returns
    -------
    int

    Raises
    ------
    StatsError
        ``days`` is not a whole number of days, 0 or more.

    Examples
    --------
    >>> check_days(365)
    365
    >>> check_days(-1)
    Traceback (most recent call last):
    ...
    assessment.stats.base.StatsError: look-back: expected a whole number of days, 0 or more, found -1
    """
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 0:
        raise StatsError(f"{what}: expected a whole number of days, 0 or more, found {days!r}")
    return int(days)


def _share(num, den):
    return None if den is None or num is None or den == 0 else num / den


def _gaps(gaps) -> pd.Series:
    return pd.to_numeric(pd.Series(gaps), errors="coerce")


# -- in the year -----------------------------------------------------------------------------------
def crimes_per_victim(pairs: pd.DataFrame) -> pd.Series:
    """Distinct crimes per victim among ``pairs`` (INTERNAL: indexed by victim id, never publish).

    Parameters
    ----------
    pairs : DataFrame
        Victim–crime pairs with columns ``crime_id`` and ``victim_id`` (a pair listed twice counts
        once).

    Returns
    -------
    Series of int64
        Named ``crimes``, indexed by ``victim_id`` (sorted); every victim in ``pairs`` once.

    Raises
    ------
    StatsError
        ``pairs`` is not a DataFrame with both columns.

    Notes
    -----
    crimesᵥ = |{distinct crime_id paired with victim v}|.

    References
    ----------
    Farrell, G. and Pease, K. (1993) *Once Bitten, Twice Bitten: Repeat Victimisation and its
    Implications for Crime Prevention*, Crime Prevention Unit Series Paper 46, London: Home Office
    Police Research Group.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"crime_id": ["c1", "c2", "c2", "c3"], "victim_id": ["A", "A", "B", "A"]})
    >>> crimes_per_victim(p).to_dict()
    {'A': 3, 'B': 1}
    """
    _require(pairs, ["crime_id", "victim_id"], "victim-crime pairs")
    d = pairs[["crime_id", "victim_id"]].drop_duplicates()
    return d.groupby("victim_id", sort=True)["crime_id"].size().rename("crimes").astype("int64")


def in_year_measures(per_victim: pd.Series) -> dict:
    """Victims, repeat victims, repeat-victim rate and the share of pairs belonging to repeat victims.

    Parameters
    ----------
    per_victim : Series of int
        Crimes per victim in the period (:func:`crimes_per_victim` of the period's pairs); values
        below 1 are ignored.

    Returns
    -------
    dict
        ``victims``, ``repeat_victims``, ``repeat_rate``, ``pairs``, ``repeat_pairs``,
        ``repeat_pair_share``; a rate is None when its denominator is 0.

    Notes
    -----
    With crimesᵥ the crimes of victim v:

    * victims V = |{v : crimesᵥ ≥ 1}|; repeat victims R = |{v : crimesᵥ ≥ 2}|;
    * repeat_rate = R ÷ V (the *prevalence* of repeat victimisation among victims);
    * pairs P = Σᵥ crimesᵥ; repeat_pairs = Σ_{v: crimesᵥ ≥ 2} crimesᵥ;
      repeat_pair_share = repeat_pairs ÷ P (the share of victimisations — the *incidence* —
      suffered by repeat victims).

    References
    ----------
    Farrell, G. and Pease, K. (1993) *Once Bitten, Twice Bitten: Repeat Victimisation and its
    Implications for Crime Prevention*, Crime Prevention Unit Series Paper 46, London: Home Office
    Police Research Group.

    Pease, K. (1998) *Repeat Victimisation: Taking Stock*, Crime Detection and Prevention Series
    Paper 90, London: Home Office Police Research Group.

    Examples
    --------
    >>> import pandas as pd
    >>> in_year_measures(pd.Series({"A": 3, "B": 1, "C": 2, "D": 1}))
    {'victims': 4, 'repeat_victims': 2, 'repeat_rate': 0.5, 'pairs': 7, 'repeat_pairs': 5, 'repeat_pair_share': 0.7142857142857143}
    """
    x = np.asarray(per_victim, dtype="int64")
    x = x[x >= 1]
    v, r = int(x.size), int((x >= 2).sum())
    p, rp = int(x.sum()), int(x[x >= 2].sum())
    return {"victims": v, "repeat_victims": r, "repeat_rate": _share(r, v),
            "pairs": p, "repeat_pairs": rp, "repeat_pair_share": _share(rp, p)}


def distribution(per_victim: pd.Series, top: int = 5) -> pd.DataFrame:
    """Victims by number of crimes: 1, 2, …, ``top``+ (every band listed, zeros kept).

    Parameters
    ----------
    per_victim : Series of int
        Crimes per victim (:func:`crimes_per_victim`); values below 1 are ignored.
    top : int
        The top band, "``top``+" (2 or more).

    Returns
    -------
    DataFrame
        One row per band, in order: ``crimes_per_victim`` (the band label, "1" … "5+"),
        ``victims``, ``share`` (of all victims; NaN when there are none) and ``pairs`` (the
        victim–crime pairs of the victims in the band).

    Raises
    ------
    StatsError
        ``top`` is not a whole number, 2 or more.

    Notes
    -----
    victimsₖ = |{v : min(crimesᵥ, top) = k}|, shareₖ = victimsₖ ÷ Σⱼ victimsⱼ,
    pairsₖ = Σ_{v : min(crimesᵥ, top) = k} crimesᵥ (so pairsₖ = k · victimsₖ below the top band).

    References
    ----------
    Farrell, G. and Pease, K. (1993) *Once Bitten, Twice Bitten: Repeat Victimisation and its
    Implications for Crime Prevention*, Crime Prevention Unit Series Paper 46, London: Home Office
    Police Research Group.

    Examples
    --------
    >>> import pandas as pd
    >>> t = distribution(pd.Series({"A": 1, "B": 1, "C": 2, "D": 7}))
    >>> t.values.tolist()
    [['1', 2, 0.5, 2], ['2', 1, 0.25, 2], ['3', 0, 0.0, 0], ['4', 0, 0.0, 0], ['5+', 1, 0.25, 7]]
    """
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 2:
        raise StatsError(f"distribution: expected the top band as a whole number, 2 or more, found {top!r}")
    x = np.asarray(per_victim, dtype="int64")
    x = x[x >= 1]
    band = np.minimum(x, top)
    labels = [str(k) for k in range(1, top)] + [f"{top}+"]
    victims = np.bincount(band, minlength=top + 1)[1:top + 1]
    pairs = np.bincount(band, weights=x, minlength=top + 1)[1:top + 1].astype("int64")
    n = x.size
    return pd.DataFrame({"crimes_per_victim": labels, "victims": victims.astype("int64"),
                         "share": victims / n if n else np.full(top, np.nan), "pairs": pairs})


# -- looking back ------------------------------------------------------------------------------------
def days_since_previous(pairs: pd.DataFrame) -> pd.Series:
    """Days since the same victim's previous crime among ``pairs``; NaN for a victim's first crime.

    Parameters
    ----------
    pairs : DataFrame
        Victim–crime pairs with columns ``crime_id``, ``victim_id`` and ``date`` (the offence date;
        NaT when only the month is known).  Include the crimes before the period: they are the
        previous crimes of the period's first repeats.

    Returns
    -------
    Series of float
        Named ``days_since_previous``, indexed like ``pairs``: whole days, NaN for a victim's
        first dated crime and for an undated pair.

    Raises
    ------
    StatsError
        ``pairs`` lacks one of the columns.

    Notes
    -----
    Each victim's dated pairs are put in order of date (the time of day dropped), then
    ``crime_id`` (plain text order), and gᵢ = dateᵢ − date of the pair before it in that order.
    Two crimes on the same day give 0 for the second.  Undated pairs cannot be ordered: they get
    NaN and are no one's previous crime.

    References
    ----------
    Polvi, N., Looman, T., Humphries, C. and Pease, K. (1991) "The time course of repeat burglary
    victimization", *British Journal of Criminology* 31(4), 411–414.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"crime_id": ["c3", "c1", "c2", "c4"], "victim_id": ["A", "A", "A", "B"],
    ...                   "date": pd.to_datetime(["2024-05-01", "2024-01-01", "2024-05-01", "2024-02-01"])})
    >>> days_since_previous(p).tolist()     # order for A: c1, c2, c3 (same day as c2)
    [0.0, nan, 121.0, nan]
    """
    _require(pairs, ["crime_id", "victim_id", "date"], "victim-crime pairs")
    date = pd.to_datetime(pairs["date"]).dt.normalize()
    ok = date.notna().to_numpy()
    d = pd.DataFrame({"victim_id": pairs["victim_id"].astype("string").to_numpy()[ok],
                      "date": date.to_numpy()[ok],
                      "crime_id": pairs["crime_id"].astype("string").to_numpy()[ok]})
    s = d.sort_values(["victim_id", "date", "crime_id"], kind="mergesort")
    prev = s.groupby("victim_id", sort=False)["date"].shift(1)
    gap = (s["date"] - prev).dt.days.astype("float64").sort_index().to_numpy()
    vals = np.full(len(pairs), np.nan)
    vals[np.flatnonzero(ok)] = gap
    return pd.Series(vals, index=pairs.index, dtype="float64", name="days_since_previous")


def lookback_measures(gaps: pd.Series, lookback_days: int = 365) -> dict:
    """The look-back (MARAC) rate: the share of pairs that came soon after the victim's previous crime.

    Parameters
    ----------
    gaps : Series of float
        :func:`days_since_previous` of the dated pairs in the period, one value per pair (NaN: no
        earlier crime against the victim).
    lookback_days : int
        The look-back, in days (0 or more).

    Returns
    -------
    dict
        ``lookback_pairs`` (the pairs), ``lookback_repeat_pairs``, ``lookback_rate`` (None when
        there are no pairs).

    Raises
    ------
    StatsError
        ``lookback_days`` is not a whole number of days, 0 or more.

    Notes
    -----
    With g the days since the victim's previous crime: repeat pairs = |{pairs : g ≤ lookback_days}|
    (g = 0, the same day, counts); lookback_rate = repeat pairs ÷ pairs.  A victim's first crime in
    the data cannot be a repeat, so the rate is understated in the first ``lookback_days`` of the
    data.

    References
    ----------
    See also :func:`in_year_measures`, the in-year measure, which ignores crimes before the period.

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> lookback_measures(pd.Series([np.nan, 0, 365, 366, 12]))
    {'lookback_pairs': 5, 'lookback_repeat_pairs': 3, 'lookback_rate': 0.6}
    """
    days = check_days(lookback_days, "look-back")
    g = _gaps(gaps)
    rep = int((g <= days).sum())
    return {"lookback_pairs": int(len(g)), "lookback_repeat_pairs": rep, "lookback_rate": _share(rep, len(g))}


# -- time to repeat ------------------------------------------------------------------------------------
def time_to_repeat(gaps: pd.Series, windows=(7, 30, 90, 365), lookback_days: int = 365) -> dict:
    """The share of look-back repeats that came within d days of the victim's previous crime.

    Parameters
    ----------
    gaps : Series of float
        :func:`days_since_previous` of the pairs in the period.
    windows : iterable of int
        The d's, in days.
    lookback_days : int
        The look-back: the repeats are the pairs with g ≤ ``lookback_days``.

    Returns
    -------
    dict
        ``repeats``, then for each d ``n_within_d`` and ``within_d`` (None when there are no
        repeats).

    Raises
    ------
    StatsError
        A window or the look-back is not a whole number of days, 0 or more.

    Notes
    -----
    within_d = |{g ≤ d}| ÷ |{g ≤ lookback_days}|, n_within_d its numerator; so within_d = 1 for
    every d ≥ ``lookback_days``, by construction.

    References
    ----------
    Polvi, N., Looman, T., Humphries, C. and Pease, K. (1991) "The time course of repeat burglary
    victimization", *British Journal of Criminology* 31(4), 411–414.

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> time_to_repeat(pd.Series([np.nan, 0, 7, 8, 30, 400]), windows=[7, 30])
    {'repeats': 4, 'n_within_7': 2, 'within_7': 0.5, 'n_within_30': 4, 'within_30': 1.0}
    """
    days = check_days(lookback_days, "look-back")
    g = _gaps(gaps)
    g = g[g <= days]
    n = int(len(g))
    out = {"repeats": n}
    for w in windows:
        w = check_days(w, "time-to-repeat window")
        k = int((g <= w).sum())
        out[f"n_within_{w}"] = k
        out[f"within_{w}"] = _share(k, n)
    return out


def repeat_curve(gaps: pd.Series, lookback_days: int = 365) -> pd.Series:
    """The cumulative share of look-back repeats by days since the previous crime.

    Parameters
    ----------
    gaps : Series of float
        :func:`days_since_previous` of the pairs in the period.
    lookback_days : int
        The look-back, in days.

    Returns
    -------
    Series of float
        Named ``share``, indexed 0 … ``lookback_days`` (``days``); empty when there are no
        repeats.

    Raises
    ------
    StatsError
        ``lookback_days`` is not a whole number of days, 0 or more.

    Notes
    -----
    F(x) = |{g ≤ x}| ÷ |{g ≤ lookback_days}| for x = 0, 1, …, lookback_days: the empirical
    distribution function of the time to repeat.  Against an even spread, F(x) = x ÷ lookback_days.

    References
    ----------
    Polvi, N., Looman, T., Humphries, C. and Pease, K. (1991) "The time course of repeat burglary
    victimization", *British Journal of Criminology* 31(4), 411–414.

    Examples
    --------
    >>> import pandas as pd
    >>> repeat_curve(pd.Series([0, 1, 1, 3]), lookback_days=3).tolist()
    [0.25, 0.75, 0.75, 1.0]
    """
    days = check_days(lookback_days, "look-back")
    g = _gaps(gaps)
    g = g[(g >= 0) & (g <= days)].astype("int64").to_numpy()
    if g.size == 0:
        return pd.Series(dtype="float64", name="share")
    c = np.cumsum(np.bincount(g, minlength=days + 1)[: days + 1]) / g.size
    return pd.Series(c, index=pd.RangeIndex(days + 1, name="days"), name="share")


def front_loaded(gaps: pd.Series, lookback_days: int = 365) -> bool | None:
    """True when more than half of the look-back repeats came within the first quarter of the look-back.

    Parameters
    ----------
    gaps : Series of float
        :func:`days_since_previous` of the pairs in the period.
    lookback_days : int
        The look-back, in days.

    Returns
    -------
    bool or None
        None when there are no repeats.

    Raises
    ------
    StatsError
        ``lookback_days`` is not a whole number of days, 0 or more.

    Notes
    -----
    With q = round(lookback_days ÷ 4) (Python's rounding, half to even): front-loaded ⇔
    |{g ≤ q}| ÷ |{g ≤ lookback_days}| > ½.  An even spread over the look-back would put a quarter of
    the repeats in the first quarter; more than half is twice that.

    References
    ----------
    Polvi, N., Looman, T., Humphries, C. and Pease, K. (1991) "The time course of repeat burglary
    victimization", *British Journal of Criminology* 31(4), 411–414.

    Examples
    --------
    >>> import pandas as pd
    >>> front_loaded(pd.Series([1, 5, 20, 300])), front_loaded(pd.Series([100, 200, 300]))
    (True, False)
    """
    days = check_days(lookback_days, "look-back")
    g = _gaps(gaps)
    g = g[g <= days]
    if g.empty:
        return None
    return bool((g <= round(days / 4)).mean() > 0.5)
