"""Chapter 4 — who is harmed again and again: repeat victimisation (§5.4).

Small verbs over the canonical ``victims`` link (crime_id, victim_id, age, sex) and
``crimes`` table (see :mod:`assessment.dataset`).  The chain is::

    pairs = victim_pairs(ds.victims, ds.crimes)            # distinct victim-crime pairs, every year held
    year  = in_period(pairs, period)                       # pairs whose crime's month is in the period
    per   = crimes_per_victim(year)                        # INTERNAL: indexed by victim_id
    in_year_measures(per)                                  # victims, repeat victims, rate, pair share
    gaps  = days_since_previous(pairs)                     # look-back: days since the victim's previous crime
    lookback_measures(gaps[year.index], 365)               # MARAC look-back rate
    time_to_repeat(gaps[year.index], [7, 30, 90, 365])     # share of repeats within d days

and :func:`repeat_table` runs it for all crime, domestic abuse and every crime group, each on
that subset of crimes alone.  Victim ids are used to count and never leave this module in
anything the chapter publishes: :func:`analyse` returns tables without them, and
:meth:`assessment.workbook.Run.table` refuses any table that holds one.

With police.uk data (no victims) the chapter falls back on repeat *locations*
(:func:`location_counts`), a clearly labelled proxy; repeat ASB callers are in
:mod:`assessment.asb`.

Example
-------
>>> import pandas as pd
>>> from assessment.periods import financial_year
>>> crimes = pd.DataFrame({"crime_id": ["c0", "c1", "c2", "c3"],
...     "month": pd.to_datetime(["2024-03-01", "2024-05-01", "2024-06-01", "2024-07-01"]),
...     "date": pd.to_datetime(["2024-03-20", "2024-05-02", "2024-06-10", "2024-07-04"]),
...     "crime_type": ["Burglary"] * 4})
>>> links = pd.DataFrame({"crime_id": ["c0", "c1", "c2", "c3"], "victim_id": ["A", "A", "B", "B"]})
>>> pairs = victim_pairs(links, crimes)
>>> year = in_period(pairs, financial_year(2024))
>>> in_year_measures(crimes_per_victim(year))["repeat_rate"]    # B twice in the year; A once
0.5
>>> lookback_measures(days_since_previous(pairs).loc[year.index])["lookback_rate"]   # c1 (43 days after c0) and c3
0.6666666666666666
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .disclosure import SECONDARY, hidden_mark, is_hidden, is_small, suppress
from .disclosure_audit import VictimsFamily, protect, verify
from .errors import AssessmentError, require_columns
from .periods import Period
from .rounding import PCT, pct

_METHODS = r"""
### Repeat victimisation (chapter 4)

* **Victim–crime pairs.** The victims link names, for each crime, its victims (pseudonymised). A
  crime with two victims gives two pairs; the same victim listed twice for the same crime counts
  once. Links whose crime is not in the crimes data are left out (counted in the data-quality
  table).
* **In-year measure.** A *victim* is a person linked to at least one distinct crime whose month
  falls in the assessment period; a **repeat victim** is a victim of two or more distinct crimes
  in the period (two crimes on the same day count as two). **Repeat-victim rate** = repeat
  victims ÷ victims. **Share of pairs belonging to repeat victims** = victim–crime pairs in the
  period whose victim is a repeat victim ÷ all victim–crime pairs in the period. The
  **distribution** counts victims with 1, 2, 3, 4 and 5 or more crimes in the period. Crimes
  before the period play no part in this measure.
* **Look-back measure (the MARAC convention).** Each victim's crimes are put in order of offence
  date, then crime reference (plain text order), using every crime in the data up to the end of
  the period — including crimes before the period starts. A crime is a **repeat** when the
  victim's previous crime in that order is dated at most {lookback} days earlier
  (`victims.lookback_days` in the config; the same day counts: 0 days). **Look-back rate** = repeat victim–crime pairs in the period ÷ all victim–crime
  pairs in the period. A victim's first crime in the data cannot be a repeat, so in the first
  {lookback} days of the data the rate is understated. Pairs whose crime has no offence date
  (month only) cannot be ordered and are left out of this measure and the next (the number is
  stated when there are any).
* **Time to repeat.** For each repeat in the period (a victim–crime pair whose victim's previous
  crime was at most {lookback} days earlier, as above), the days since that previous crime. *Share
  within d days* = repeats whose previous crime was at most d days earlier ÷ all repeats, for d =
  {windows} days (`victims.repeat_windows`; with a {lookback}-day look-back a {lookback}-day
  window is 100% by construction). The chart
  shows the cumulative share of repeats by days since the previous crime against an even spread
  over the {lookback} days; repeats are called **front-loaded** when more than half of them came
  within the first quarter ({quarter} days), twice what an even spread would give.
* **Subsets.** Every measure is computed for all crime, for crimes flagged as domestic abuse,
  and for each configured crime group, **each on that subset of crimes alone**: a victim of one
  burglary and one robbery is a repeat victim of crime, but not a repeat burglary victim.
* **Repeat locations (police.uk proxy).** police.uk data hold no victims. When no victims link is
  supplied but crimes carry map points, a **repeat location** is a map point (longitude, latitude)
  with two or more crimes in the period. police.uk points are anonymised "on or near" snap points
  shared by many addresses, so this is a proxy for repeat victimisation at best: several crimes
  at one point may be against different people, and one person's repeats may fall at different
  points.
* **Disclosure control.** Counts of victims and of pairs below `disclosure.min_count` are shown
  as "<{min_count}", with secondary suppression in the distribution table (whose totals are
  published); the pairs of a hidden band are hidden with it and shown as "[c]" whatever their
  size (band k holds k pairs per victim, so they would reveal its victims); a rate or share is
  left blank when its numerator or denominator is suppressed — in particular a subset's
  repeat-victim rate is blank when it has fewer than {min_count} repeat victims. The two tables
  and the chapter's headline figures are then audited together (see Disclosure control below):
  where a hidden count could still be worked out — from a subset's victims, repeat victims,
  pairs and share of pairs, from the groups a crime group is made of, or from the bands' zeros
  — more is hidden: further bands of the distribution, a small group's whole distribution (shown
  blank), or a group's victim–crime pairs or look-back repeats with the rates resting on them.
  Repeat-location counts come from public police.uk records, not from victim records, and are
  not suppressed. No victim reference appears in any output.
"""

ALL_CRIME = "All crime"
DOMESTIC_ABUSE = "Domestic abuse"
BANDS = ["1", "2", "3", "4", "5+"]


def methods(lookback_days: int = 365, windows=(7, 30, 90, 365), min_count: int = 5) -> str:
    """The methods text with the configured look-back, windows and disclosure threshold filled in.

    >>> "at most 365 days earlier" in methods()
    True
    """
    ws = [int(w) for w in windows]
    listed = ", ".join(str(w) for w in ws[:-1]) + (" and " if len(ws) > 1 else "") + str(ws[-1]) if ws else "–"
    return _METHODS.format(lookback=lookback_days, windows=listed, quarter=int(round(lookback_days / 4)),
                          min_count=min_count)


#: the methods text with the default settings (the report's methods appendix shows it)
METHODS = methods()


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------
def _require(df, columns, what: str) -> None:
    require_columns(df, columns, what)


def _check_days(days, what: str) -> int:
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 0:
        raise AssessmentError(f"{what}: expected a whole number of days, 0 or more, found {days!r}")
    return int(days)


def _share(num, den):
    return None if den is None or num is None or den == 0 else num / den


# ---------------------------------------------------------------------------------------------
# pairs
# ---------------------------------------------------------------------------------------------
def victim_pairs(victims: pd.DataFrame, crimes: pd.DataFrame) -> pd.DataFrame:
    """Distinct (crime, victim) pairs, with the crime's month, date, type and domestic-abuse flag.

    Every crime in ``crimes`` counts, whatever its period (the look-back needs earlier years).
    Links with no crime or victim reference, or whose crime is not in ``crimes``, are dropped; a
    pair listed twice is kept once (its first row).  The result keeps the link table's index.

    Example
    -------
    >>> import pandas as pd
    >>> crimes = pd.DataFrame({"crime_id": ["c1", "c2"], "month": pd.to_datetime(["2024-05-01", "2024-06-01"]),
    ...                        "date": pd.to_datetime(["2024-05-03", "2024-06-09"]), "crime_type": ["Robbery", "Burglary"]})
    >>> links = pd.DataFrame({"crime_id": ["c1", "c1", "c1", "c2", "c9"], "victim_id": ["A", "A", "B", "A", "C"]})
    >>> victim_pairs(links, crimes)[["crime_id", "victim_id", "crime_type"]].values.tolist()
    [['c1', 'A', 'Robbery'], ['c1', 'B', 'Robbery'], ['c2', 'A', 'Burglary']]
    """
    _require(victims, ["crime_id", "victim_id"], "victims link")
    _require(crimes, ["crime_id", "month"], "crimes")
    keep = [c for c in ("crime_id", "month", "date", "crime_type", "domestic_abuse") if c in crimes.columns]
    c = crimes.loc[crimes["crime_id"].notna(), keep].copy()
    c["crime_id"] = c["crime_id"].astype("string")
    c = c.drop_duplicates("crime_id")
    if "date" not in c:
        c["date"] = pd.Series(pd.NaT, index=c.index, dtype="datetime64[ns]")
    if "domestic_abuse" not in c:
        c["domestic_abuse"] = pd.Series(False, index=c.index, dtype="boolean")
    v = victims[victims["crime_id"].notna() & victims["victim_id"].notna()].copy()
    v["crime_id"] = v["crime_id"].astype("string")
    v["victim_id"] = v["victim_id"].astype("string")
    v = v.drop(columns=[k for k in c.columns if k != "crime_id" and k in v.columns])
    v = v.drop_duplicates(["crime_id", "victim_id"])
    idx_name = v.index.name or "_row"
    m = v.rename_axis(idx_name).reset_index().merge(c, on="crime_id", how="inner", validate="many_to_one")
    m = m.set_index(idx_name)
    m.index.name = victims.index.name
    return m


def in_period(pairs: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The pairs whose crime's month falls in ``period`` (index kept).

    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> p = pd.DataFrame({"victim_id": ["A", "A"], "month": pd.to_datetime(["2024-03-01", "2024-04-01"])})
    >>> in_period(p, financial_year(2024)).index.tolist()
    [1]
    """
    _require(pairs, ["month"], "victim-crime pairs")
    if not isinstance(period, Period):
        raise AssessmentError(f"period: expected an assessment Period, found {type(period).__name__}")
    return pairs[period.contains(pairs["month"])]


def subset_masks(crimes: pd.DataFrame, groups: dict | None = None, domestic_abuse: bool | None = None) -> dict:
    """Boolean masks over ``crimes`` rows (or victim–crime pairs), one per subset: all crime,
    domestic abuse, each crime group.

    ``domestic_abuse``: True always includes the domestic-abuse subset, False never, None (the
    default) only when some row carries the flag (a flag that is never set is indistinguishable
    from one not supplied).  Crime groups are lists of crime types (``config.crime_groups``);
    crime types match exactly.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"crime_type": ["Burglary", "Robbery", "Burglary"], "domestic_abuse": [False, True, False]})
    >>> {k: v.tolist() for k, v in subset_masks(c, {"Acquisitive": ["Burglary"]}).items()}
    {'All crime': [True, True, True], 'Domestic abuse': [False, True, False], 'Acquisitive': [True, False, True]}
    """
    _require(crimes, ["crime_type"], "crimes")
    out = {ALL_CRIME: pd.Series(True, index=crimes.index)}
    if domestic_abuse is not False:
        if "domestic_abuse" in crimes.columns:
            da = crimes["domestic_abuse"].astype("boolean").fillna(False).astype(bool)
        else:
            da = pd.Series(False, index=crimes.index)
        if domestic_abuse or da.any():
            out[DOMESTIC_ABUSE] = da
    for name, types in (groups or {}).items():
        if name in out:
            raise AssessmentError(f"crime group {name!r}: the name clashes with a built-in subset; rename the group")
        if not types:
            raise AssessmentError(f"crime group {name!r} lists no crime types")
        out[name] = crimes["crime_type"].astype("string").isin([str(t) for t in types]).fillna(False).astype(bool)
    return out


# ---------------------------------------------------------------------------------------------
# in-year measure
# ---------------------------------------------------------------------------------------------
def crimes_per_victim(pairs: pd.DataFrame) -> pd.Series:
    """Distinct crimes per victim among ``pairs`` (INTERNAL: indexed by victim_id, never publish).

    Formula: crimesᵥ = |{distinct crime_id paired with victim v}|.

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

    ``per_victim`` is :func:`crimes_per_victim` of the pairs in the period.  Formulas:

    * victims V = |{v : crimesᵥ ≥ 1}|; repeat victims R = |{v : crimesᵥ ≥ 2}|;
    * repeat_rate = R ÷ V;
    * pairs P = Σᵥ crimesᵥ; repeat_pairs = Σ_{v: crimesᵥ ≥ 2} crimesᵥ;
      repeat_pair_share = repeat_pairs ÷ P.

    Rates are None when their denominator is 0.

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
    """Victims by number of crimes in the period: 1, 2, …, ``top``+ (every band listed, zeros kept).

    Columns ``crimes_per_victim`` (band label), ``victims``, ``share`` (of victims) and
    ``pairs`` (victim–crime pairs of the victims in the band).

    >>> import pandas as pd
    >>> t = distribution(pd.Series({"A": 1, "B": 1, "C": 2, "D": 7}))
    >>> t.values.tolist()
    [['1', 2, 0.5, 2], ['2', 1, 0.25, 2], ['3', 0, 0.0, 0], ['4', 0, 0.0, 0], ['5+', 1, 0.25, 7]]
    """
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 2:
        raise AssessmentError(f"distribution: expected the top band as a whole number, 2 or more, found {top!r}")
    x = np.asarray(per_victim, dtype="int64")
    x = x[x >= 1]
    band = np.minimum(x, top)
    labels = [str(k) for k in range(1, top)] + [f"{top}+"]
    victims = np.bincount(band, minlength=top + 1)[1:top + 1]
    pairs = np.bincount(band, weights=x, minlength=top + 1)[1:top + 1].astype("int64")
    n = x.size
    return pd.DataFrame({"crimes_per_victim": labels, "victims": victims.astype("int64"),
                         "share": victims / n if n else np.full(top, np.nan), "pairs": pairs})


# ---------------------------------------------------------------------------------------------
# look-back measure and time to repeat
# ---------------------------------------------------------------------------------------------
def days_since_previous(pairs: pd.DataFrame) -> pd.Series:
    """Days since the same victim's previous crime among ``pairs``; NaN for a victim's first crime.

    Each victim's pairs are ordered by offence ``date``, then ``crime_id`` (plain text order);
    the result for a pair is date − date of the pair before it in that order, in whole days (two
    crimes on the same day: 0 for the second).  Pairs with no date (NaT) cannot be ordered: they
    get NaN and are not anyone's previous crime.  Indexed like ``pairs``.

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
    """The look-back (MARAC) rate from :func:`days_since_previous` of the pairs in the period.

    ``gaps`` holds one value per dated victim–crime pair in the period (NaN = no earlier crime
    against the victim).  Formulas, with g the days since the victim's previous crime:

    * repeat pairs = |{pairs : g ≤ lookback_days}| (g = 0, the same day, counts);
    * lookback_rate = repeat pairs ÷ pairs.

    >>> import pandas as pd, numpy as np
    >>> lookback_measures(pd.Series([np.nan, 0, 365, 366, 12]))
    {'lookback_pairs': 5, 'lookback_repeat_pairs': 3, 'lookback_rate': 0.6}
    """
    days = _check_days(lookback_days, "look-back")
    g = pd.to_numeric(pd.Series(gaps), errors="coerce")
    rep = int((g <= days).sum())
    return {"lookback_pairs": int(len(g)), "lookback_repeat_pairs": rep, "lookback_rate": _share(rep, len(g))}


def time_to_repeat(gaps: pd.Series, windows=(7, 30, 90, 365), lookback_days: int = 365) -> dict:
    """Share of repeats (look-back repeats) that came within d days of the victim's previous crime.

    ``gaps`` are :func:`days_since_previous` of the pairs in the period.  The repeats are the pairs
    with g ≤ ``lookback_days`` (:func:`lookback_measures`); for each d in ``windows``:
    ``within_d`` = |{g ≤ d}| ÷ |{g ≤ lookback_days}|, with ``n_within_d`` its numerator (so with
    the default 365-day look-back, within_365 is 1 by construction).

    >>> import pandas as pd, numpy as np
    >>> time_to_repeat(pd.Series([np.nan, 0, 7, 8, 30, 400]), windows=[7, 30])
    {'repeats': 4, 'n_within_7': 2, 'within_7': 0.5, 'n_within_30': 4, 'within_30': 1.0}
    """
    days = _check_days(lookback_days, "look-back")
    g = pd.to_numeric(pd.Series(gaps), errors="coerce")
    g = g[g <= days]
    n = int(len(g))
    out = {"repeats": n}
    for w in windows:
        w = _check_days(w, "time-to-repeat window")
        k = int((g <= w).sum())
        out[f"n_within_{w}"] = k
        out[f"within_{w}"] = _share(k, n)
    return out


def repeat_curve(gaps: pd.Series, lookback_days: int = 365) -> pd.Series:
    """Cumulative share of look-back repeats by days since the previous crime (index 0 … lookback_days).

    Value at x = |{g ≤ x}| ÷ |{g ≤ lookback_days}|; empty when there are no repeats.

    >>> import pandas as pd
    >>> repeat_curve(pd.Series([0, 1, 1, 3]), lookback_days=3).tolist()
    [0.25, 0.75, 0.75, 1.0]
    """
    days = _check_days(lookback_days, "look-back")
    g = pd.to_numeric(pd.Series(gaps), errors="coerce")
    g = g[(g >= 0) & (g <= days)].astype("int64").to_numpy()
    if g.size == 0:
        return pd.Series(dtype="float64", name="share")
    c = np.cumsum(np.bincount(g, minlength=days + 1)[: days + 1]) / g.size
    return pd.Series(c, index=pd.RangeIndex(days + 1, name="days"), name="share")


def front_loaded(gaps: pd.Series, lookback_days: int = 365) -> bool | None:
    """True when more than half of the look-back repeats came within the first quarter of the look-back.

    An even spread over the look-back would put a quarter of them there; more than half is twice
    that.  None when there are no repeats.

    >>> import pandas as pd
    >>> front_loaded(pd.Series([1, 5, 20, 300])), front_loaded(pd.Series([100, 200, 300]))
    (True, False)
    """
    days = _check_days(lookback_days, "look-back")
    g = pd.to_numeric(pd.Series(gaps), errors="coerce")
    g = g[g <= days]
    if g.empty:
        return None
    return bool((g <= round(days / 4)).mean() > 0.5)


# ---------------------------------------------------------------------------------------------
# all subsets in one table
# ---------------------------------------------------------------------------------------------
def subset_measures(pairs: pd.DataFrame, period: Period, lookback_days: int = 365,
                    windows=(7, 30, 90, 365)) -> tuple[dict, pd.DataFrame, pd.Series]:
    """Every measure for one subset's pairs (all years held): (measures, distribution, gaps in the period).

    ``measures`` joins :func:`in_year_measures`, :func:`lookback_measures` (over the dated pairs in
    the period), :func:`time_to_repeat` and ``undated_pairs`` (pairs in the period with no offence
    date).  The gaps Series is INTERNAL (indexed like the pairs, no ids in it, but small).

    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> p = pd.DataFrame({"crime_id": ["c1", "c2"], "victim_id": ["A", "A"],
    ...                   "month": pd.to_datetime(["2023-12-01", "2024-01-01"]),
    ...                   "date": pd.to_datetime(["2023-12-25", "2024-01-01"])})
    >>> m, _, _ = subset_measures(p, calendar_year(2024))
    >>> m["repeat_victims"], m["lookback_rate"], m["within_7"]     # Dec 25 -> Jan 1: a repeat after 7 days
    (0, 1.0, 1.0)
    """
    _require(pairs, ["crime_id", "victim_id", "month", "date"], "victim-crime pairs")
    held = pairs[pairs["month"] <= period.end]  # crimes up to the end of the period, earlier years included
    year = in_period(held, period)
    per = crimes_per_victim(year)
    m = in_year_measures(per)
    dist = distribution(per)
    gaps_all = days_since_previous(held)
    year_dated = year[year["date"].notna()]
    gaps = gaps_all.reindex(year_dated.index)
    m.update(lookback_measures(gaps, lookback_days))
    tt = time_to_repeat(gaps, windows, lookback_days)
    tt.pop("repeats")  # = lookback_repeat_pairs
    m.update(tt)
    m["undated_pairs"] = int(len(year) - len(year_dated))
    return m, dist, gaps


def repeat_table(victims: pd.DataFrame, crimes: pd.DataFrame, period: Period, groups: dict | None = None,
                 lookback_days: int = 365, windows=(7, 30, 90, 365)) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """All measures for all crime, domestic abuse and each crime group, each on that subset alone.

    Returns (table, distribution, gaps):

    * table — one row per subset (index ``subset``) with victims, repeat_victims, repeat_rate,
      pairs, repeat_pairs, repeat_pair_share, lookback_pairs, lookback_repeat_pairs, lookback_rate,
      n_within_d / within_d for each window, undated_pairs (unsuppressed: see
      :func:`publishable_table`);
    * distribution — long table: subset, crimes_per_victim, victims, share, pairs;
    * gaps — INTERNAL dict subset -> days since previous crime for the period's dated pairs.

    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> crimes = pd.DataFrame({"crime_id": ["c1", "c2"], "month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...     "date": pd.to_datetime(["2024-01-05", "2024-02-05"]), "crime_type": ["Burglary", "Robbery"]})
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2"], "victim_id": ["A", "A"]})
    >>> t, _, _ = repeat_table(links, crimes, calendar_year(2024), {"Burglary": ["Burglary"]})
    >>> t["repeat_victims"].to_dict()    # a repeat victim of crime, not a repeat burglary victim
    {'All crime': 1, 'Burglary': 0}
    """
    _require(crimes, ["crime_id", "month", "crime_type"], "crimes")
    pairs = victim_pairs(victims, crimes)
    has_da = "domestic_abuse" in crimes.columns and bool(crimes["domestic_abuse"].astype("boolean").fillna(False).any())
    masks = subset_masks(pairs, groups, domestic_abuse=has_da)
    rows, dists, gaps = [], [], {}
    for name, mask in masks.items():
        sub = pairs[mask.to_numpy(dtype=bool)]
        m, d, g = subset_measures(sub, period, lookback_days, windows)
        rows.append({"subset": name, **m})
        dists.append(d.assign(subset=name))
        gaps[name] = g
    table = pd.DataFrame(rows).set_index("subset")
    dist = pd.concat(dists, ignore_index=True)[["subset", "crimes_per_victim", "victims", "share", "pairs"]]
    return table, dist, gaps


# ---------------------------------------------------------------------------------------------
# disclosure
# ---------------------------------------------------------------------------------------------
def _small(v, min_count) -> bool:
    return is_small(v, min_count)


def publishable_table(table: pd.DataFrame, windows=(7, 30, 90, 365), min_count: int = 5) -> tuple[pd.DataFrame, list]:
    """The published ``repeat_victims`` table: small counts shown as "<N", dependent rates blanked.

    Columns: victims, repeat_victims, repeat_rate, pairs, repeat_pair_share, lookback_rate,
    within_d for each window, lookback_repeat_pairs.  Rules (per row; rows
    overlap, so no row totals exist and no secondary suppression is needed):

    * a count (victims, repeat_victims, pairs, lookback_repeat_pairs) of
      1 … min_count−1 is shown as "<min_count";
    * repeat_rate and repeat_pair_share are blank when victims or repeat_victims is suppressed;
    * lookback_rate is blank when lookback_repeat_pairs or the dated pairs are 1 … min_count−1;
    * within_d is blank when its numerator or lookback_repeat_pairs is 1 … min_count−1.

    Returns (table, notes) with one note per blanked figure.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"victims": [40, 6], "repeat_victims": [9, 2], "repeat_rate": [0.225, 1 / 3],
    ...     "pairs": [52, 8], "repeat_pairs": [21, 4], "repeat_pair_share": [21 / 52, 0.5],
    ...     "lookback_pairs": [52, 8], "lookback_repeat_pairs": [14, 2], "lookback_rate": [14 / 52, 0.25],
    ...     "n_within_7": [6, 1], "within_7": [6 / 14, 0.5]},
    ...     index=pd.Index(["All crime", "Robbery"], name="subset"))
    >>> out, notes = publishable_table(t, windows=[7])
    >>> out.loc["Robbery", ["repeat_victims", "repeat_rate", "within_7"]].tolist()
    ['<5', <NA>, <NA>]
    >>> float(out.loc["All crime", "repeat_rate"])
    0.225
    """
    label = f"<{min_count}"
    counts = ["victims", "repeat_victims", "pairs", "lookback_repeat_pairs"]
    rows, notes = [], []
    for name, r in table.iterrows():
        o = {}
        for c in counts:
            o[c] = label if _small(r[c], min_count) else int(r[c])
        rate_ok = not (_small(r["victims"], min_count) or _small(r["repeat_victims"], min_count))
        o["repeat_rate"] = _f(r["repeat_rate"]) if rate_ok else None
        o["repeat_pair_share"] = _f(r["repeat_pair_share"]) if rate_ok else None
        if not rate_ok and r["victims"] > 0:
            notes.append(f"{name}: fewer than {min_count} repeat victims, so the repeat-victim rate and "
                         "share of pairs are not published")
        lb_ok = not (_small(r["lookback_repeat_pairs"], min_count) or _small(r["lookback_pairs"], min_count))
        o["lookback_rate"] = _f(r["lookback_rate"]) if lb_ok else None
        if not lb_ok:
            notes.append(f"{name}: fewer than {min_count} look-back repeats, so the look-back rate is not published")
        hidden = []
        for w in windows:
            ok = not (_small(r[f"n_within_{w}"], min_count) or _small(r["lookback_repeat_pairs"], min_count))
            o[f"within_{w}"] = _f(r[f"within_{w}"]) if ok else None
            if not ok:
                hidden.append(str(w))
        if hidden:
            notes.append(f"{name}: share of repeats within {', '.join(hidden)} days not published "
                         f"(fewer than {min_count} repeats)")
        rows.append({"subset": name, **o})
    cols = ["subset", "victims", "repeat_victims", "repeat_rate", "pairs", "repeat_pair_share", "lookback_rate",
            *[f"within_{w}" for w in windows], "lookback_repeat_pairs"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ["repeat_rate", "repeat_pair_share", "lookback_rate", *[f"within_{w}" for w in windows]]:
        out[c] = out[c].astype("Float64")
    return out.set_index("subset"), notes


def _f(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def publishable_distribution(dist: pd.DataFrame, min_count: int = 5) -> tuple[pd.DataFrame, int]:
    """The distribution with victims and pairs of 1 … min_count−1 shown as "<N" (per subset, with
    secondary suppression, since each subset's total is published); a share whose count is hidden
    is blanked.  Returns (table, cells suppressed).

    >>> import pandas as pd
    >>> d = pd.DataFrame({"subset": ["All crime"] * 5, "crimes_per_victim": ["1", "2", "3", "4", "5+"],
    ...                   "victims": [80, 12, 6, 3, 0], "share": [80 / 101, 12 / 101, 6 / 101, 3 / 101, 0.0],
    ...                   "pairs": [80, 24, 18, 12, 0]})
    >>> out, k = publishable_distribution(d)
    >>> out["victims"].tolist(), k    # 3 is small; 6, the next smallest, goes too (a total is published)
    ([80, 12, '[c]', '<5', 0], 4)
    >>> out["pairs"].tolist()         # and so do their pairs (band 3 has 3 x 6 = 18 pairs, band 4 12)
    [80, 24, '[c]', '[c]', 0]
    """
    parts, n = [], 0
    for _, d in dist.groupby("subset", sort=False):
        out, k1 = suppress(d, ["victims"], min_count=min_count, total=True)
        hidden = out["victims"].astype(object).map(is_hidden).to_numpy(dtype=bool)
        out["share"] = out["share"].astype("Float64").mask(hidden)
        # pairs in a band reveal its victims (band k: pairs = k x victims), so hide them together; a
        # band's pairs are "[c]" whatever their size (band 1 aside, whose pairs are its victims): "<5"
        # on 3 pairs in band 3 would say the band holds exactly 1 victim
        if hidden.any():
            p = out["pairs"].astype(object)
            first = (np.arange(len(out)) == 0)
            p[hidden] = [hidden_mark(v, min_count) if f else SECONDARY for v, f in zip(p[hidden], first[hidden])]
            out["pairs"] = p
        out, k2 = suppress(out, ["pairs"], min_count=min_count, total=True)
        parts.append(out)
        n += k1 + int(hidden.sum()) + k2
    if not parts:
        return dist.copy(), 0
    return pd.concat(parts, ignore_index=True), n


# ---------------------------------------------------------------------------------------------
# repeat locations (police.uk proxy)
# ---------------------------------------------------------------------------------------------
def location_counts(crimes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Crimes in ``period`` per map point (longitude, latitude): one row per point.

    Columns longitude, latitude, crimes, location (most common street description at the point),
    lsoa_code, lsoa_name (most common at the point), top_crime_type (most common; ties
    alphabetical).  Rows without a point are left out.  Sorted by crimes (most first), then street
    description.  Each record counts ``count`` crimes (1 for police.uk rows).

    >>> import pandas as pd
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-05-01"] * 3), "longitude": [-0.1, -0.1, -0.2],
    ...     "latitude": [51.5, 51.5, 51.6], "location": ["On or near High Road"] * 2 + ["On or near Park Lane"],
    ...     "lsoa_code": ["E01"] * 3, "crime_type": ["Burglary", "Robbery", "Burglary"]})
    >>> from assessment.periods import financial_year
    >>> location_counts(c, financial_year(2024))[["location", "crimes", "top_crime_type"]].values.tolist()
    [['On or near High Road', 2, 'Burglary'], ['On or near Park Lane', 1, 'Burglary']]
    """
    _require(crimes, ["month", "longitude", "latitude"], "crimes")
    c = crimes[period.contains(crimes["month"]) & crimes["longitude"].notna() & crimes["latitude"].notna()].copy()
    if "count" not in c:
        c["count"] = 1
    key = ["longitude", "latitude"]
    out = c.groupby(key, sort=False)["count"].sum().rename("crimes").astype("int64").reset_index()
    for col, name in (("location", "location"), ("lsoa_code", "lsoa_code"), ("lsoa_name", "lsoa_name"),
                      ("crime_type", "top_crime_type")):
        if col in c:
            out[name] = _mode_by(c, key, col).reindex(pd.MultiIndex.from_frame(out[key])).to_numpy()
        else:
            out[name] = pd.NA
        out[name] = out[name].astype("string")
    out = out.sort_values(["crimes", "location", "longitude", "latitude"], ascending=[False, True, True, True],
                          kind="mergesort", na_position="last").reset_index(drop=True)
    return out


def _mode_by(c: pd.DataFrame, key: list, col: str) -> pd.Series:
    d = c[key + [col, "count"]].copy()
    d[col] = d[col].astype("string")
    d = d[d[col].notna()]
    g = d.groupby(key + [col], sort=False)["count"].sum().rename("n").reset_index()
    g = g.sort_values(key + ["n", col], ascending=[True] * len(key) + [False, True], kind="mergesort")
    return g.drop_duplicates(key).set_index(key)[col]


def repeat_location_summary(points: pd.DataFrame, top: int = 5) -> dict:
    """How concentrated crime is at repeat locations (map points with 2 or more crimes).

    ``points`` is :func:`location_counts`.  Returns locations, repeat_locations, crimes,
    crimes_at_repeat_locations, repeat_location_crime_share (= crimes at repeat locations ÷
    crimes with a map point) and locations_2, …, locations_``top``plus.

    >>> import pandas as pd
    >>> repeat_location_summary(pd.DataFrame({"crimes": [6, 3, 2, 1, 1]}))
    {'locations': 5, 'repeat_locations': 3, 'crimes': 13, 'crimes_at_repeat_locations': 11, 'repeat_location_crime_share': 0.8461538461538461, 'locations_1': 2, 'locations_2': 1, 'locations_3': 1, 'locations_4': 0, 'locations_5plus': 1}
    """
    _require(points, ["crimes"], "crimes per location")
    x = points["crimes"].to_numpy(dtype="int64")
    x = x[x >= 1]
    rep = x[x >= 2]
    out = {"locations": int(x.size), "repeat_locations": int(rep.size), "crimes": int(x.sum()),
           "crimes_at_repeat_locations": int(rep.sum()),
           "repeat_location_crime_share": _share(int(rep.sum()), int(x.sum()))}
    for k in range(1, top):
        out[f"locations_{k}"] = int((x == k).sum())
    out[f"locations_{top}plus"] = int((x >= top).sum())
    return out


def location_table(crimes: pd.DataFrame, period: Period, groups: dict | None = None) -> pd.DataFrame:
    """:func:`repeat_location_summary` for all crime and each crime group (index ``subset``).

    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-05-01"] * 3), "longitude": [-0.1, -0.1, -0.2],
    ...     "latitude": [51.5, 51.5, 51.6], "crime_type": ["Burglary", "Robbery", "Burglary"]})
    >>> location_table(c, financial_year(2024), {"Burglary": ["Burglary"]})["repeat_locations"].to_dict()
    {'All crime': 1, 'Burglary': 0}
    """
    masks = subset_masks(crimes, groups, domestic_abuse=False)
    rows = []
    for name, mask in masks.items():
        s = repeat_location_summary(location_counts(crimes[mask.to_numpy(dtype=bool)], period))
        rows.append({"subset": name, **s})
    return pd.DataFrame(rows).set_index("subset")


def top_locations(points: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` map points with most crimes (2 or more), by street description and LSOA (no coordinates).

    >>> import pandas as pd
    >>> p = pd.DataFrame({"longitude": [0, 1, 2], "latitude": [0, 1, 2], "crimes": [5, 2, 1],
    ...     "location": ["On or near A", "On or near B", "On or near C"], "lsoa_code": ["L1", "L2", "L3"],
    ...     "lsoa_name": ["X 001A", "X 002A", "X 003A"], "top_crime_type": ["Theft", "Burglary", "Robbery"]})
    >>> top_locations(p)[["rank", "location", "crimes"]].values.tolist()
    [[1, 'On or near A', 5], [2, 'On or near B', 2]]
    """
    _require(points, ["crimes"], "crimes per location")
    t = points[points["crimes"] >= 2].head(n).copy()
    t.insert(0, "rank", np.arange(1, len(t) + 1, dtype="int64"))
    cols = ["rank"] + [c for c in ("location", "lsoa_code", "lsoa_name", "crimes", "top_crime_type") if c in t]
    return t[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# sentences and figures
# ---------------------------------------------------------------------------------------------
def _pct(x) -> str:
    """A share in a sentence, chart label or title: the report's one rule (1 decimal place, see
    :mod:`assessment.rounding`)."""
    return "–" if x is pd.NA else pct(x)


def _n(v) -> str:
    """A published count in words: "1,234"; "fewer than 5" for "<5"; "an unpublished number of"
    for a count hidden so that it cannot reveal another ("[c]").

    >>> _n(1234), _n("<5"), _n("[c]")
    ('1,234', 'fewer than 5', 'an unpublished number of')
    """
    if isinstance(v, str):
        return f"fewer than {v[1:]}" if v.startswith("<") else "an unpublished number of"
    return f"{int(v):,}"


def headline_sentence(table: pd.DataFrame, label: str, area: str, lookback_days: int = 365) -> str:
    """The chapter's opening sentences from the published table.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"victims": [1200, 300], "repeat_victims": [204, 80], "repeat_rate": [0.17, 0.2667],
    ...                   "repeat_pair_share": [0.31, 0.45], "lookback_rate": [0.19, 0.3]},
    ...                  index=pd.Index(["All crime", "Domestic abuse"], name="subset"))
    >>> print(headline_sentence(t, "2024/25", "Testham"))
    In 2024/25, 1,200 people in Testham were victims of at least one recorded crime; 204 of them (17.0%) were victims of two or more crimes in the 12 months, and their crimes made up 31.0% of all victimisations. On the look-back measure used for MARAC, 19.0% of victimisations came within 365 days of an earlier crime against the same victim. 26.7% of domestic abuse victims experienced more than one incident in the 12 months.
    """
    if ALL_CRIME not in table.index:
        return ""
    r = table.loc[ALL_CRIME]
    s = f"In {label}, {_n(r['victims'])} people in {area} were victims of at least one recorded crime"
    if pd.notna(r["repeat_rate"]):
        s += (f"; {_n(r['repeat_victims'])} of them ({_pct(r['repeat_rate'])}) were victims of two or more crimes "
              f"in the 12 months, and their crimes made up {_pct(r['repeat_pair_share'])} of all victimisations.")
    else:
        s += f"; fewer than {str(r['repeat_victims']).lstrip('<')} were victims of two or more crimes (not published)."
    if pd.notna(r.get("lookback_rate")):
        s += (f" On the look-back measure used for MARAC, {_pct(r['lookback_rate'])} of victimisations came within "
              f"{lookback_days} days of an earlier crime against the same victim.")
    if DOMESTIC_ABUSE in table.index:
        d = table.loc[DOMESTIC_ABUSE]
        if pd.notna(d["repeat_rate"]):
            s += f" {_pct(d['repeat_rate'])} of domestic abuse victims experienced more than one incident in the 12 months."
        else:
            s += " The domestic abuse repeat-victim rate is not published (too few repeat victims)."
    return s


def distribution_figure(dist: pd.DataFrame, subsets=(ALL_CRIME, DOMESTIC_ABUSE)):
    """Bars: share of victims with 1, 2, 3, 4, 5+ crimes in the period, for up to two subsets
    (solid and hatched, labelled with their percentages; suppressed bands are left out)."""
    import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn

    from .figures.style import PALETTE  # plots loads matplotlib: only when a figure is drawn
    withdrawn = {s for s, d in dist.groupby("subset") if d["victims"].isna().all()}  # by the disclosure audit
    subs = [s for s in subsets if s in set(dist["subset"]) and s not in withdrawn]
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    bands = list(dict.fromkeys(dist["crimes_per_victim"]))
    x = np.arange(len(bands))
    w = 0.8 / max(1, len(subs))
    for i, s in enumerate(subs):
        d = dist[dist["subset"] == s].set_index("crimes_per_victim").reindex(bands)
        share = pd.to_numeric(d["share"], errors="coerce").astype(float)
        xs = x - 0.4 + w * (i + 0.5)
        ax.bar(xs, share.fillna(0) * 100, width=w, color=PALETTE[i], hatch=None if i == 0 else "//",
               edgecolor="white", label=s)
        for xx, v in zip(xs, share):
            ax.annotate("<" if pd.isna(v) else _pct(v), (xx, 0 if pd.isna(v) else v * 100), xytext=(0, 2),
                        textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(x, bands)
    ax.set_xlabel("Crimes against the victim in the 12 months")
    ax.set_ylabel("Share of victims (%)")
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def time_to_repeat_figure(curves: dict, lookback_days: int = 365, marks=(7, 30, 90),
                          subsets=(ALL_CRIME, DOMESTIC_ABUSE)):
    """Cumulative share of look-back repeats by days since the previous crime, for up to two
    subsets (solid / dashed lines, marked points at ``marks`` days with their values labelled),
    against a dotted grey even-spread line."""
    import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn

    from .figures.style import PALETTE  # plots loads matplotlib: only when a figure is drawn
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.plot([0, lookback_days], [0, 100], color="#9e9e9e", lw=1.2, ls=":",
            label="If repeats were spread evenly over the year")
    shown = [s for s in subsets if s in curves and curves[s] is not None and not curves[s].empty]
    styles, markers = ["-", "--"], ["o", "s"]
    for i, name in enumerate(shown):
        curve = curves[name]
        colour = PALETTE[i]
        ms = [m for m in marks if m <= lookback_days]
        vals = [float(curve.iloc[m]) * 100 for m in ms]
        label = name + ": " + ", ".join(pct(v / 100) for v in vals) + " within " + " / ".join(str(m) for m in ms) + " days"
        ax.step(curve.index, curve.to_numpy() * 100, where="post", color=colour, ls=styles[i], lw=2, label=label)
        ax.plot(ms, vals, markers[i], color=colour, ms=5, ls="none")
        if i == 0:  # direct labels for the first line; the legend gives the second's values
            for j, (m, v) in enumerate(zip(ms, vals)):
                ax.annotate(f"{pct(v / 100)} within {m} days", (m, v), xytext=(14, -16 - 12 * j),
                            textcoords="offset points", fontsize=8, color=colour,
                            arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6})
    ax.set_xlim(0, lookback_days)
    ax.set_ylim(0, 101)
    ax.set_xlabel("Days since the victim's previous crime")
    ax.set_ylabel("Cumulative share of repeats (%)")
    ax.legend(loc="lower right", fontsize=8.5)
    fig.tight_layout()
    return fig


def time_to_repeat_title(gaps, lookback_days: int = 365) -> str:
    """'Repeats are front-loaded: 42.0% of repeats within a year came within 30 days of the previous crime'.

    >>> import pandas as pd
    >>> time_to_repeat_title(pd.Series([1, 5, 20, 300]))
    'Repeats are front-loaded: 75.0% of repeats within 365 days came within 30 days of the previous crime'
    """
    g = pd.to_numeric(pd.Series(gaps), errors="coerce")
    g = g[g <= lookback_days]
    if g.empty:
        return "No victim was a victim again within the look-back period"
    share30 = float((g <= 30).mean())
    fl = front_loaded(g, lookback_days)
    lead = "Repeats are front-loaded" if fl else "Repeats are not front-loaded"
    return f"{lead}: {pct(share30)} of repeats within {lookback_days} days came within 30 days of the previous crime"


# ---------------------------------------------------------------------------------------------
# the chapter
# ---------------------------------------------------------------------------------------------
@dataclass
class VictimsResult:
    """Everything chapter 4 publishes (no identifiers anywhere)."""

    period_label: str
    available: bool = False
    table: pd.DataFrame | None = None            # published repeat_victims table
    distribution: pd.DataFrame | None = None     # published distribution
    curves: dict = field(default_factory=dict)   # subset -> cumulative share (aggregate)
    repeat_title: str = ""
    front_loaded: bool | None = None
    locations: pd.DataFrame | None = None        # repeat-location summary (proxy)
    top_locations: pd.DataFrame | None = None
    asb: object = None                            # assessment.asb.ASBResult
    headlines: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    suppressed: list = field(default_factory=list)
    sentence: str = ""
    methods: str = ""
    audit: dict = field(default_factory=dict)    # table -> disclosure-audit outcome (see disclosure_audit)


HEADLINE_KEYS = ["victims.victims", "victims.repeat_victims", "victims.repeat_rate", "victims.repeat_pair_share",
                 "victims.repeat_rate_lookback", "victims.pairs", "victims.da_victims", "victims.da_repeat_victims",
                 "victims.da_repeat_rate", "victims.da_repeat_rate_lookback"]


def empty_headlines(windows=(7, 30, 90, 365)) -> dict:
    """Every headline key of chapter 4, all None (a figure that cannot be computed is null).

    >>> empty_headlines([7])["victims.repeat_within.7"] is None
    True
    """
    h = {k: None for k in HEADLINE_KEYS}
    for w in windows:
        h[f"victims.repeat_within.{w}"] = None
    for k in ("victims.repeat_locations", "victims.repeat_location_crime_share"):
        h[k] = None
    return h


def victims_family(table: pd.DataFrame, dist: pd.DataFrame, raw: pd.DataFrame, ds, windows, lookback: int,
                   min_count: int):
    """The chapter's published tables as the disclosure audit sees them
    (:class:`assessment.disclosure_audit.VictimsFamily`): which subset holds which crime types,
    the crime types and crimes recorded in the period, the undated pairs (published in the
    chapter's note) and which time-to-repeat numerators are below the threshold."""
    cfg = ds.config
    subsets = {}
    for name in table.index:
        if name == ALL_CRIME:
            subsets[name] = None
        elif name == DOMESTIC_ABUSE:
            subsets[name] = "flag"
        else:
            subsets[name] = frozenset(str(t) for t in (cfg.crime_groups or {}).get(name, ()))
    cur = ds.crimes[ds.period.contains(ds.crimes["month"])] if ds.crimes is not None else None
    universe = set(cur["crime_type"].dropna().astype(str)) if cur is not None and "crime_type" in cur else set()
    crimes = int(cur["count"].sum()) if cur is not None and "count" in cur else (len(cur) if cur is not None else 0)
    small = {(n, int(w)) for n in raw.index for w in windows if is_small(raw.loc[n, f"n_within_{w}"], min_count)}
    return VictimsFamily(table, dist, min_count, windows, lookback, subsets, universe, crimes,
                         int(raw.loc[ALL_CRIME, "undated_pairs"]), small)


def _count_or_none(v):
    return None if v is None or isinstance(v, str) else int(v)


def analyse(ds) -> VictimsResult:
    """Compute chapter 4 (without ASB; see :func:`assessment.asb.analyse`) for a Dataset.

    Everything returned is publishable: counts below ``config.disclosure.min_count`` are shown as
    "<N" and rates depending on them are None; no table holds a victim id.  Without a victims
    link the victim sections are left out with a note in ``result.notes`` and their headlines are
    None; with police.uk-style map points the repeat-location proxy is computed instead.

    >>> result = analyse(run.dataset)  # doctest: +SKIP
    >>> result.headlines["victims.repeat_rate"]  # doctest: +SKIP
    0.171
    """
    cfg = ds.config
    vc = cfg.victims
    min_count = cfg.disclosure.min_count
    windows = [int(w) for w in vc.repeat_windows]
    lookback = int(vc.lookback_days)
    period = ds.period
    res = VictimsResult(period_label=period.label, headlines=empty_headlines(windows))
    res.methods = methods(lookback, windows, min_count)
    h = res.headlines
    victims = ds.victims
    crimes = ds.crimes
    has_ids = (ds.record_level and crimes is not None and "crime_id" in crimes.columns
               and bool(crimes["crime_id"].notna().any()))
    if victims is None or "victim_id" not in victims.columns or not victims["victim_id"].notna().any() or not has_ids:
        why = ("No victims link was supplied (police.uk and published-count data hold no victims)"
               if victims is None or "victim_id" not in victims.columns or not victims["victim_id"].notna().any()
               else "The crime data have no crime references to join the victims link to")
        res.notes["victims"] = f"{why}, so repeat victimisation is not measured; its headline figures are null."
    else:
        raw, dist, gaps = repeat_table(victims, crimes, period, cfg.crime_groups, lookback, windows)
        if raw.loc[ALL_CRIME, "victims"] == 0:
            res.notes["victims"] = (f"No victim is linked to a crime in {period.label}, so there are no "
                                    "repeat-victim figures for this period; its headline figures are null.")
        else:
            res.available = True
            table, notes = publishable_table(raw, windows, min_count)
            res.suppressed.extend(notes)
            pub_dist, k = publishable_distribution(dist, min_count)
            if k:
                res.suppressed.append(f"crimes-per-victim distribution: {k} count(s) hidden — shown as "
                                      f'"<{min_count}" when below {min_count}, or "[c]" when hidden so that a '
                                      "published total cannot reveal another")
            # disclosure audit: no hidden count may be worked out from everything published together
            fam = victims_family(table, pub_dist, raw, ds, windows, lookback, min_count)
            res.audit = {k: v.as_dict() for k, v in protect(fam).items()}
            if fam.log:
                res.suppressed.append("hidden as well, because with the other published figures they would have let "
                                      "a reader work out a hidden count (disclosure audit), with the shares and rates "
                                      "resting on them: " + "; ".join(fam.hidden_labels()))
            table, pub_dist = fam.table, fam.dist
            res.table, res.distribution = table, pub_dist
            if DOMESTIC_ABUSE not in raw.index:
                res.notes["domestic_abuse"] = ("No crime in the data is flagged as domestic abuse, so the domestic "
                                               "abuse measures are left out; their headline figures are null.")
            undated = int(raw.loc[ALL_CRIME, "undated_pairs"])
            if undated:
                res.notes["undated"] = (f"{undated:,} victim–crime pair(s) in {period.label} have no offence date "
                                        "(month only) and are left out of the look-back and time-to-repeat measures.")
            for name, g in gaps.items():
                lb = g[g <= lookback]
                if len(lb) >= min_count:
                    res.curves[name] = repeat_curve(g, lookback)
            g_all = gaps[ALL_CRIME]
            res.front_loaded = front_loaded(g_all, lookback)
            res.repeat_title = time_to_repeat_title(g_all, lookback)
            r = table.loc[ALL_CRIME]
            h["victims.victims"] = _count_or_none(r["victims"])
            h["victims.repeat_victims"] = _count_or_none(r["repeat_victims"])
            h["victims.pairs"] = _count_or_none(r["pairs"])
            h["victims.repeat_rate"] = _f_na(r["repeat_rate"])
            h["victims.repeat_pair_share"] = _f_na(r["repeat_pair_share"])
            h["victims.repeat_rate_lookback"] = _f_na(r["lookback_rate"])
            for w in windows:
                h[f"victims.repeat_within.{w}"] = _f_na(r[f"within_{w}"])
            if DOMESTIC_ABUSE in table.index:
                d = table.loc[DOMESTIC_ABUSE]
                h["victims.da_victims"] = _count_or_none(d["victims"])
                h["victims.da_repeat_victims"] = _count_or_none(d["repeat_victims"])
                h["victims.da_repeat_rate"] = _f_na(d["repeat_rate"])
                h["victims.da_repeat_rate_lookback"] = _f_na(d["lookback_rate"])
            res.sentence = headline_sentence(table, period.label, ds.area, lookback)
            # the headlines repeat the audited table's figures: audit them with everything else
            fam.headlines = h
            verify(fam)
            res.audit = {k: v.as_dict() for k, v in fam.outcome.items()}
    # repeat locations: the proxy when there are no victims
    if not res.available and crimes is not None and {"longitude", "latitude"} <= set(crimes.columns) \
            and bool(crimes["longitude"].notna().any()):
        cur = ds.crimes_in(period)
        if len(cur) and cur["longitude"].notna().any():
            res.locations = location_table(crimes, period, cfg.crime_groups)
            res.top_locations = top_locations(location_counts(crimes, period), n=int(vc.top_locations))
            a = res.locations.loc[ALL_CRIME]
            h["victims.repeat_locations"] = int(a["repeat_locations"])
            h["victims.repeat_location_crime_share"] = _f_na(a["repeat_location_crime_share"])
    return res


def _f_na(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def location_sentence(table: pd.DataFrame, label: str) -> str:
    """'In 2024/25, 1,234 map points had two or more crimes (repeat locations — a proxy ...)'.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"locations": [500], "repeat_locations": [120], "crimes": [900],
    ...     "crimes_at_repeat_locations": [520], "repeat_location_crime_share": [520 / 900], "locations_5plus": [20]},
    ...     index=pd.Index(["All crime"], name="subset"))
    >>> print(location_sentence(t, "2024/25"))
    In 2024/25, 120 of the 500 map points with a crime had two or more crimes (repeat locations); they account for 57.8% of crimes with a map point, and 20 points had five or more. This is a proxy: police.uk points are anonymised and shared by many addresses, so it is not a count of repeat victims.
    """
    if ALL_CRIME not in table.index:
        return ""
    r = table.loc[ALL_CRIME]
    return (f"In {label}, {int(r['repeat_locations']):,} of the {int(r['locations']):,} map points with a crime had "
            f"two or more crimes (repeat locations); they account for {_pct(r['repeat_location_crime_share'])} of "
            f"crimes with a map point, and {int(r['locations_5plus']):,} points had five or more. This is a proxy: "
            "police.uk points are anonymised and shared by many addresses, so it is not a count of repeat victims.")


def table_title(table: pd.DataFrame) -> str:
    """A title stating the finding of the repeat-victims table: which subset has the highest
    published repeat-victim rate, against all crime.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"repeat_rate": [0.17, 0.266, None]},
    ...                  index=pd.Index(["All crime", "Domestic abuse", "Robbery"], name="subset"))
    >>> table_title(t)
    'Domestic abuse victims are the most likely to be victimised again: 26.6% were repeat victims, against 17.0% for all crime'
    """
    rates = pd.to_numeric(table["repeat_rate"], errors="coerce").astype(float).dropna()
    if ALL_CRIME not in rates.index:
        return "Repeat victimisation by crime type: the repeat-victim rates are not published (too few repeat victims)"
    others = rates.drop(ALL_CRIME)
    if others.empty or others.max() <= rates[ALL_CRIME]:
        return f"{_pct(rates[ALL_CRIME])} of victims of crime were victims of two or more crimes in the 12 months"
    top = others.idxmax()
    return (f"{top} victims are the most likely to be victimised again: {_pct(others.max())} were repeat victims, "
            f"against {_pct(rates[ALL_CRIME])} for all crime")


# ---------------------------------------------------------------------------------------------
# readable versions of the tables (the CSVs keep the stable column names)
# ---------------------------------------------------------------------------------------------
def empty_subsets(table: pd.DataFrame) -> list:
    """Subsets (crime groups) with no victim linked to any of their crimes in the period."""
    v = table["victims"]
    return [str(i) for i, x in v.items() if not isinstance(x, str) and x == 0]


def empty_subsets_note(table: pd.DataFrame) -> str | None:
    """'No victim is linked to vehicle crime or shoplifting ...', or None.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"victims": [40, 0, 0]}, index=pd.Index(["All crime", "Vehicle crime", "Shoplifting"]))
    >>> empty_subsets_note(t)
    'No victim in the victims link is linked to a vehicle crime or shoplifting crime in the period, so those groups are left out of the tables below (the link may not cover them: businesses are often the victims of shoplifting).'
    """
    empty = empty_subsets(table)
    if not empty:
        return None
    names = [e.lower() for e in empty]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    why = (" (the link may not cover them: businesses are often the victims of shoplifting)"
           if any("shoplifting" in n for n in names) else " (the link may not cover them)")
    return (f"No victim in the victims link is linked to a {listed} crime in the period, so "
            f"{'that group is' if len(empty) == 1 else 'those groups are'} left out of the tables below{why}.")


def display_table(table: pd.DataFrame, windows=(7, 30, 90, 365)) -> pd.DataFrame:
    """The published repeat-victims table with readable column names, groups without victims
    left out (see :func:`empty_subsets_note`)."""
    t = table.drop(index=empty_subsets(table))
    names = {"victims": "Victims", "repeat_victims": "Repeat victims", "repeat_rate": "Repeat-victim rate",
             "pairs": "Victim–crime pairs", "repeat_pair_share": "Share of pairs: repeat victims",
             "lookback_rate": "Look-back repeat rate", "lookback_repeat_pairs": "Look-back repeats",
             **{f"within_{w}": f"Repeats within {w} days" for w in windows}}
    cols = ["victims", "repeat_victims", "repeat_rate", "pairs", "repeat_pair_share", "lookback_repeat_pairs",
            "lookback_rate", *[f"within_{w}" for w in windows]]
    t = t[[c for c in cols if c in t.columns]].rename(columns=names)
    t.index.name = "Crimes"
    return t


def display_formats(windows=(7, 30, 90, 365)) -> dict:
    """Display formats for :func:`display_table` (shares as percentages)."""
    pct = PCT
    return {"Repeat-victim rate": pct, "Share of pairs: repeat victims": pct, "Look-back repeat rate": pct,
            **{f"Repeats within {w} days": pct for w in windows}}


def distribution_display(dist: pd.DataFrame, skip=()) -> pd.DataFrame:
    """The crimes-per-victim distribution as one row per subset, one column per band (victims),
    with hidden cells kept as published ("<5", "[c]").

    >>> import pandas as pd
    >>> d = pd.DataFrame({"subset": ["All crime"] * 5, "crimes_per_victim": ["1", "2", "3", "4", "5+"],
    ...                   "victims": [80, 12, "[c]", "<5", 0], "share": [0.8, 0.12, None, None, 0.0],
    ...                   "pairs": [80, 24, "[c]", "[c]", 0]})
    >>> distribution_display(d).loc["All crime"].tolist()
    [80, 12, '[c]', '<5', 0]
    """
    d = dist[~dist["subset"].isin(list(skip))]
    order = list(dict.fromkeys(d["subset"]))
    wide = d.pivot(index="subset", columns="crimes_per_victim", values="victims")
    bands = [b for b in BANDS if b in wide.columns]
    wide = wide.reindex(index=order, columns=bands)
    wide.columns = [("1 crime" if b == "1" else "5 or more crimes" if b == "5+" else f"{b} crimes") for b in bands]
    wide.index.name = "Victims of"
    return wide.astype(object)


def distribution_title(dist: pd.DataFrame) -> str:
    """A title stating the finding of the crimes-per-victim chart (published shares only).

    >>> import pandas as pd
    >>> d = pd.DataFrame({"subset": ["All crime"] * 5 + ["Domestic abuse"] * 5,
    ...                   "crimes_per_victim": ["1", "2", "3", "4", "5+"] * 2,
    ...                   "share": [0.91, 0.05, 0.02, 0.01, 0.01, 0.70, 0.13, 0.07, 0.06, 0.04]})
    >>> distribution_title(d)
    'Most victims were victims once; 30.0% of domestic abuse victims had two or more crimes, against 9.0% of all victims'
    """
    def two_plus(name):
        d = dist[dist["subset"] == name]
        one = pd.to_numeric(d.loc[d["crimes_per_victim"] == "1", "share"], errors="coerce")
        return None if one.empty or pd.isna(one.iloc[0]) else 1 - float(one.iloc[0])
    a, da = two_plus(ALL_CRIME), two_plus(DOMESTIC_ABUSE)
    if a is None:
        return "Victims by the number of crimes against them in the 12 months"
    if da is None:
        return f"Most victims were victims once; {_pct(a)} had two or more crimes in the 12 months"
    return (f"Most victims were victims once; {_pct(da)} of domestic abuse victims had two or more crimes, "
            f"against {_pct(a)} of all victims")


def lookback_sentence(table: pd.DataFrame, lookback_days: int = 365) -> str:
    """Compare the in-year and look-back measures for all crime and domestic abuse.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"repeat_rate": [0.17, 0.266], "repeat_pair_share": [0.3, 0.45], "lookback_rate": [0.2, 0.135]},
    ...                  index=pd.Index(["All crime", "Domestic abuse"], name="subset"))
    >>> print(lookback_sentence(t))
    On the look-back measure, 20.0% of victimisations of all crime and 13.5% of domestic abuse victimisations followed an earlier crime against the same victim within 365 days.
    """
    parts = []
    for name, what in ((ALL_CRIME, "of victimisations of all crime"), (DOMESTIC_ABUSE, "of domestic abuse victimisations")):
        if name in table.index and pd.notna(table.loc[name, "lookback_rate"]):
            parts.append(f"{_pct(table.loc[name, 'lookback_rate'])} {what}")
    if not parts:
        return "The look-back rates are not published (too few repeats)."
    return (f"On the look-back measure, {' and '.join(parts)} followed an earlier crime against the same victim "
            f"within {lookback_days} days.")


def suppression_text(suppressed: list, min_count: int = 5, personal: bool = True) -> str:
    """What was suppressed and why, as markdown (a sentence when nothing was).

    ``personal``: whether the chapter published anything from victim or caller records.

    >>> print(suppression_text([], personal=False))
    No figures from victim or caller records are published in this chapter, so nothing needed suppressing.
    >>> print(suppression_text([]))
    No figure in this chapter needed suppressing: every published count from victim or caller records is 5 or more (or zero).
    >>> print(suppression_text(["Robbery: fewer than 5 repeat victims"]))
    Counts from victim and caller records below 5 are shown as "<5", and rates built on them are left blank, so that no one can be identified:
    <BLANKLINE>
    - Robbery: fewer than 5 repeat victims
    """
    if not suppressed and not personal:
        return "No figures from victim or caller records are published in this chapter, so nothing needed suppressing."
    if not suppressed:
        return (f"No figure in this chapter needed suppressing: every published count from victim or caller records is "
                f"{min_count} or more (or zero).")
    items = "\n".join(f"- {s}" for s in suppressed)
    return (f'Counts from victim and caller records below {min_count} are shown as "<{min_count}", and rates built on '
            f"them are left blank, so that no one can be identified:\n\n{items}")


def locations_title(table: pd.DataFrame) -> str:
    """Finding title for the repeat-locations table.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"repeat_locations": [120], "repeat_location_crime_share": [0.578]},
    ...                  index=pd.Index(["All crime"], name="subset"))
    >>> locations_title(t)
    'Map points with two or more crimes account for 57.8% of crime (a proxy for repeat victimisation)'
    """
    r = table.loc[ALL_CRIME]
    return (f"Map points with two or more crimes account for {_pct(r['repeat_location_crime_share'])} of crime "
            "(a proxy for repeat victimisation)")
