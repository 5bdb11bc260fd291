"""Chapter 4 — who is harmed again and again: repeat victims and repeat ASB callers (§5.4).

Two analyses of one chapter, each a short list of named steps returning data only (tables with
machine column names, the curves the chart is drawn from, headline figures, reason codes and the
list of what the disclosure rules withheld); the words are :mod:`assessment.words.victims`, the
charts :mod:`assessment.figures.victims`, the statistics :mod:`assessment.stats.repeats` and
:mod:`assessment.stats.repeat_calls`.

* :func:`analyse` — repeat victims over the canonical ``victims`` link (crime_id, victim_id)
  and ``crimes`` table (see :mod:`assessment.dataset`)::

      pairs = victim_pairs(ds.victims, ds.crimes)          # distinct victim-crime pairs, every year held
      year  = in_period(pairs, period)                     # pairs whose crime's month is in the period
      repeats.in_year_measures(repeats.crimes_per_victim(year))
      gaps  = repeats.days_since_previous(pairs)           # look-back: days since the victim's previous crime
      repeats.lookback_measures(gaps[year.index], 365)     # the MARAC look-back rate

  :func:`repeat_table` runs this for all crime, domestic abuse and every crime group, each on
  that subset of crimes alone; :func:`publishable_table` and :func:`publishable_distribution`
  hide small counts, and the disclosure audit (:class:`~assessment.disclosure_audit.VictimsFamily`)
  hides what could still be worked out.  With police.uk data (no victims) the chapter falls back
  on repeat *locations* (:func:`location_counts`), a clearly labelled proxy.
* :func:`analyse_asb` — repeat anti-social behaviour callers (10 or more calls within any
  24-week window) over the canonical ``asb`` table: :func:`caller_summary` per period,
  :func:`publishable`, the audit (:class:`~assessment.disclosure_audit.ASBFamily`).

Victim and caller ids are used to count and never leave this module in anything it returns: the
tables hold no id, and :meth:`assessment.workbook.Run.table` refuses any table that holds one.

Example
-------
>>> import pandas as pd
>>> from assessment.periods import financial_year
>>> from assessment.stats import repeats
>>> crimes = pd.DataFrame({"crime_id": ["c0", "c1", "c2", "c3"],
...     "month": pd.to_datetime(["2024-03-01", "2024-05-01", "2024-06-01", "2024-07-01"]),
...     "date": pd.to_datetime(["2024-03-20", "2024-05-02", "2024-06-10", "2024-07-04"]),
...     "crime_type": ["Burglary"] * 4})
>>> links = pd.DataFrame({"crime_id": ["c0", "c1", "c2", "c3"], "victim_id": ["A", "A", "B", "B"]})
>>> pairs = victim_pairs(links, crimes)
>>> year = in_period(pairs, financial_year(2024))
>>> repeats.in_year_measures(repeats.crimes_per_victim(year))["repeat_rate"]    # B twice in the year; A once
0.5
>>> repeats.lookback_measures(repeats.days_since_previous(pairs).loc[year.index])["lookback_rate"]  # c1, c3
0.6666666666666666
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..disclosure import SECONDARY, hidden_mark, is_hidden, is_small, suppress
from ..disclosure_audit import ASBFamily, VictimsFamily, protect, verify
from ..errors import AssessmentError, require_columns
from ..periods import Period
from ..stats import repeat_calls as calls_stats
from ..stats import repeats

#: the subset of every crime, and of crimes flagged as domestic abuse (row labels of the tables)
ALL_CRIME = "All crime"
DOMESTIC_ABUSE = "Domestic abuse"
#: the bands of the crimes-per-victim distribution
BANDS = ["1", "2", "3", "4", "5+"]

#: why the repeat-victim measures are left out (``VictimsResult.reason``)
NO_VICTIMS_LINK = "no_victims_link"
NO_CRIME_REFERENCES = "no_crime_references"
NO_VICTIMS_IN_PERIOD = "no_victims_in_period"
#: why the repeat-caller measures are left out (``ASBResult.reason``)
NO_ASB_FILE = "no_asb_file"
NO_CALLER_REFERENCES = "no_caller_references"
NO_CALLS_IN_PERIOD = "no_calls_in_period"


@dataclass(frozen=True)
class Withheld:
    """One thing the disclosure rules withheld, as data (:mod:`assessment.words.victims` words it).

    ``kind`` is one of:

    * ``"repeat_rate"`` — a subset's repeat-victim rate and share of pairs (fewer than min_count
      repeat victims);
    * ``"lookback_rate"`` — a subset's look-back rate (fewer than min_count look-back repeats);
    * ``"within"`` — a subset's shares of repeats within the ``windows`` days;
    * ``"distribution"`` — ``cells`` counts of the crimes-per-victim distribution;
    * ``"repeat_callers"`` — a period's (``where``) repeat ASB callers and their share of calls;
    * ``"audit"`` — figures the disclosure audit hid as well (``labels``, the audit's names).
    """

    kind: str
    where: str = ""
    windows: tuple = ()
    cells: int = 0
    labels: tuple = ()


# ---------------------------------------------------------------------------------------------
# pairs and subsets
# ---------------------------------------------------------------------------------------------
def victim_pairs(victims: pd.DataFrame, crimes: pd.DataFrame) -> pd.DataFrame:
    """Distinct (crime, victim) pairs, with the crime's month, date, type and domestic-abuse flag.

    Every crime in ``crimes`` counts, whatever its period (the look-back needs earlier years).
    Links with no crime or victim reference, or whose crime is not in ``crimes``, are dropped; a
    pair listed twice is kept once (its first row).  The result keeps the link table's index.

    Parameters
    ----------
    victims : DataFrame
        The victims link: ``crime_id``, ``victim_id``.
    crimes : DataFrame
        Crimes: ``crime_id``, ``month`` and, where known, ``date``, ``crime_type``,
        ``domestic_abuse``.

    Returns
    -------
    DataFrame
        One row per pair (INTERNAL: holds victim ids).

    Examples
    --------
    >>> import pandas as pd
    >>> crimes = pd.DataFrame({"crime_id": ["c1", "c2"], "month": pd.to_datetime(["2024-05-01", "2024-06-01"]),
    ...                        "date": pd.to_datetime(["2024-05-03", "2024-06-09"]), "crime_type": ["Robbery", "Burglary"]})
    >>> links = pd.DataFrame({"crime_id": ["c1", "c1", "c1", "c2", "c9"], "victim_id": ["A", "A", "B", "A", "C"]})
    >>> victim_pairs(links, crimes)[["crime_id", "victim_id", "crime_type"]].values.tolist()
    [['c1', 'A', 'Robbery'], ['c1', 'B', 'Robbery'], ['c2', 'A', 'Burglary']]
    """
    require_columns(victims, ["crime_id", "victim_id"], "victims link")
    require_columns(crimes, ["crime_id", "month"], "crimes")
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

    Parameters
    ----------
    pairs : DataFrame
        Rows with a ``month`` column (:func:`victim_pairs`).
    period : Period
        The assessment period.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> p = pd.DataFrame({"victim_id": ["A", "A"], "month": pd.to_datetime(["2024-03-01", "2024-04-01"])})
    >>> in_period(p, financial_year(2024)).index.tolist()
    [1]
    """
    require_columns(pairs, ["month"], "victim-crime pairs")
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

    Parameters
    ----------
    crimes : DataFrame
        Rows with ``crime_type`` (and ``domestic_abuse`` where flagged).
    groups : dict, optional
        Crime group name -> crime types.
    domestic_abuse : bool or None
        Whether to include the domestic-abuse subset (see above).

    Returns
    -------
    dict
        Subset name -> boolean Series over ``crimes``' index.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"crime_type": ["Burglary", "Robbery", "Burglary"], "domestic_abuse": [False, True, False]})
    >>> {k: v.tolist() for k, v in subset_masks(c, {"Acquisitive": ["Burglary"]}).items()}
    {'All crime': [True, True, True], 'Domestic abuse': [False, True, False], 'Acquisitive': [True, False, True]}
    """
    require_columns(crimes, ["crime_type"], "crimes")
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
# all subsets in one table
# ---------------------------------------------------------------------------------------------
def subset_measures(pairs: pd.DataFrame, period: Period, lookback_days: int = 365,
                    windows=(7, 30, 90, 365)) -> tuple[dict, pd.DataFrame, pd.Series]:
    """Every measure for one subset's pairs (all years held): (measures, distribution, gaps in the period).

    ``measures`` joins :func:`~assessment.stats.repeats.in_year_measures`,
    :func:`~assessment.stats.repeats.lookback_measures` (over the dated pairs in the period),
    :func:`~assessment.stats.repeats.time_to_repeat` and ``undated_pairs`` (pairs in the period
    with no offence date).  The gaps Series is INTERNAL (indexed like the pairs, no ids in it, but
    small).

    Parameters
    ----------
    pairs : DataFrame
        One subset's victim–crime pairs (:func:`victim_pairs`), every year held.
    period : Period
        The assessment period.
    lookback_days : int
        The look-back, in days.
    windows : iterable of int
        The time-to-repeat windows, in days.

    Returns
    -------
    tuple
        (dict of measures, distribution DataFrame, Series of days since the previous crime).

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> p = pd.DataFrame({"crime_id": ["c1", "c2"], "victim_id": ["A", "A"],
    ...                   "month": pd.to_datetime(["2023-12-01", "2024-01-01"]),
    ...                   "date": pd.to_datetime(["2023-12-25", "2024-01-01"])})
    >>> m, _, _ = subset_measures(p, calendar_year(2024))
    >>> m["repeat_victims"], m["lookback_rate"], m["within_7"]     # Dec 25 -> Jan 1: a repeat after 7 days
    (0, 1.0, 1.0)
    """
    require_columns(pairs, ["crime_id", "victim_id", "month", "date"], "victim-crime pairs")
    held = pairs[pairs["month"] <= period.end]  # crimes up to the end of the period, earlier years included
    year = in_period(held, period)
    per = repeats.crimes_per_victim(year)
    m = repeats.in_year_measures(per)
    dist = repeats.distribution(per)
    gaps_all = repeats.days_since_previous(held)
    year_dated = year[year["date"].notna()]
    gaps = gaps_all.reindex(year_dated.index)
    m.update(repeats.lookback_measures(gaps, lookback_days))
    tt = repeats.time_to_repeat(gaps, windows, lookback_days)
    tt.pop("repeats")  # = lookback_repeat_pairs
    m.update(tt)
    m["undated_pairs"] = int(len(year) - len(year_dated))
    return m, dist, gaps


def repeat_table(victims: pd.DataFrame, crimes: pd.DataFrame, period: Period, groups: dict | None = None,
                 lookback_days: int = 365, windows=(7, 30, 90, 365)) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """All measures for all crime, domestic abuse and each crime group, each on that subset alone.

    Parameters
    ----------
    victims : DataFrame
        The victims link (crime_id, victim_id).
    crimes : DataFrame
        Crimes (crime_id, month, date, crime_type[, domestic_abuse]).
    period : Period
        The assessment period.
    groups : dict, optional
        Crime group name -> crime types.
    lookback_days : int
        The look-back, in days.
    windows : iterable of int
        The time-to-repeat windows, in days.

    Returns
    -------
    tuple
        (table, distribution, gaps):

        * table — one row per subset (index ``subset``) with victims, repeat_victims,
          repeat_rate, pairs, repeat_pairs, repeat_pair_share, lookback_pairs,
          lookback_repeat_pairs, lookback_rate, n_within_d / within_d for each window,
          undated_pairs (unsuppressed: see :func:`publishable_table`);
        * distribution — long table: subset, crimes_per_victim, victims, share, pairs;
        * gaps — INTERNAL dict subset -> days since previous crime for the period's dated pairs.

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> crimes = pd.DataFrame({"crime_id": ["c1", "c2"], "month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...     "date": pd.to_datetime(["2024-01-05", "2024-02-05"]), "crime_type": ["Burglary", "Robbery"]})
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2"], "victim_id": ["A", "A"]})
    >>> t, _, _ = repeat_table(links, crimes, calendar_year(2024), {"Burglary": ["Burglary"]})
    >>> t["repeat_victims"].to_dict()    # a repeat victim of crime, not a repeat burglary victim
    {'All crime': 1, 'Burglary': 0}
    """
    require_columns(crimes, ["crime_id", "month", "crime_type"], "crimes")
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


def empty_subsets(table: pd.DataFrame) -> list:
    """Subsets (crime groups) with no victim linked to any of their crimes in the period.

    Parameters
    ----------
    table : DataFrame
        The repeat-victims table (index: subset).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> empty_subsets(pd.DataFrame({"victims": [40, 0, "<5"]}, index=["All crime", "Vehicle crime", "Robbery"]))
    ['Vehicle crime']
    """
    v = table["victims"]
    return [str(i) for i, x in v.items() if not isinstance(x, str) and x == 0]


# ---------------------------------------------------------------------------------------------
# disclosure
# ---------------------------------------------------------------------------------------------
def _f(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def publishable_table(table: pd.DataFrame, windows=(7, 30, 90, 365),
                      min_count: int = 5) -> tuple[pd.DataFrame, list[Withheld]]:
    """The published ``repeat_victims`` table: small counts shown as "<N", dependent rates blanked.

    Columns: victims, repeat_victims, repeat_rate, pairs, repeat_pair_share, lookback_rate,
    within_d for each window, lookback_repeat_pairs.  Rules (per row; rows overlap, so no row
    totals exist and no secondary suppression is needed):

    * a count (victims, repeat_victims, pairs, lookback_repeat_pairs) of 1 … min_count−1 is
      shown as "<min_count";
    * repeat_rate and repeat_pair_share are blank when victims or repeat_victims is suppressed;
    * lookback_rate is blank when lookback_repeat_pairs or the dated pairs are 1 … min_count−1;
    * within_d is blank when its numerator or lookback_repeat_pairs is 1 … min_count−1.

    Parameters
    ----------
    table : DataFrame
        :func:`repeat_table`'s table.
    windows : iterable of int
        The time-to-repeat windows.
    min_count : int
        The disclosure threshold.

    Returns
    -------
    tuple
        (table, withheld): one :class:`Withheld` per blanked figure (``repeat_rate``,
        ``lookback_rate``, ``within``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"victims": [40, 6], "repeat_victims": [9, 2], "repeat_rate": [0.225, 1 / 3],
    ...     "pairs": [52, 8], "repeat_pairs": [21, 4], "repeat_pair_share": [21 / 52, 0.5],
    ...     "lookback_pairs": [52, 8], "lookback_repeat_pairs": [14, 2], "lookback_rate": [14 / 52, 0.25],
    ...     "n_within_7": [6, 1], "within_7": [6 / 14, 0.5]},
    ...     index=pd.Index(["All crime", "Robbery"], name="subset"))
    >>> out, withheld = publishable_table(t, windows=[7])
    >>> out.loc["Robbery", ["repeat_victims", "repeat_rate", "within_7"]].tolist()
    ['<5', <NA>, <NA>]
    >>> float(out.loc["All crime", "repeat_rate"]), [w.kind for w in withheld]
    (0.225, ['repeat_rate', 'lookback_rate', 'within'])
    """
    label = f"<{min_count}"
    counts = ["victims", "repeat_victims", "pairs", "lookback_repeat_pairs"]
    rows, withheld = [], []
    for name, r in table.iterrows():
        o = {}
        for c in counts:
            o[c] = label if is_small(r[c], min_count) else int(r[c])
        rate_ok = not (is_small(r["victims"], min_count) or is_small(r["repeat_victims"], min_count))
        o["repeat_rate"] = _f(r["repeat_rate"]) if rate_ok else None
        o["repeat_pair_share"] = _f(r["repeat_pair_share"]) if rate_ok else None
        if not rate_ok and r["victims"] > 0:
            withheld.append(Withheld("repeat_rate", str(name)))
        lb_ok = not (is_small(r["lookback_repeat_pairs"], min_count) or is_small(r["lookback_pairs"], min_count))
        o["lookback_rate"] = _f(r["lookback_rate"]) if lb_ok else None
        if not lb_ok:
            withheld.append(Withheld("lookback_rate", str(name)))
        hidden = []
        for w in windows:
            ok = not (is_small(r[f"n_within_{w}"], min_count) or is_small(r["lookback_repeat_pairs"], min_count))
            o[f"within_{w}"] = _f(r[f"within_{w}"]) if ok else None
            if not ok:
                hidden.append(int(w))
        if hidden:
            withheld.append(Withheld("within", str(name), windows=tuple(hidden)))
        rows.append({"subset": name, **o})
    cols = ["subset", "victims", "repeat_victims", "repeat_rate", "pairs", "repeat_pair_share", "lookback_rate",
            *[f"within_{w}" for w in windows], "lookback_repeat_pairs"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ["repeat_rate", "repeat_pair_share", "lookback_rate", *[f"within_{w}" for w in windows]]:
        out[c] = out[c].astype("Float64")
    return out.set_index("subset"), withheld


def publishable_distribution(dist: pd.DataFrame, min_count: int = 5) -> tuple[pd.DataFrame, int]:
    """The distribution with victims and pairs of 1 … min_count−1 shown as "<N" (per subset, with
    secondary suppression, since each subset's total is published); a share whose count is hidden
    is blanked.

    Parameters
    ----------
    dist : DataFrame
        :func:`repeat_table`'s distribution.
    min_count : int
        The disclosure threshold.

    Returns
    -------
    tuple
        (table, cells suppressed).

    Examples
    --------
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


def victims_family(table: pd.DataFrame, dist: pd.DataFrame, raw: pd.DataFrame, ds, windows, lookback: int,
                   min_count: int) -> VictimsFamily:
    """The chapter's published tables as the disclosure audit sees them.

    Which subset holds which crime types, the crime types and crimes recorded in the period, the
    undated pairs (published in the chapter's note) and which time-to-repeat numerators are below
    the threshold.

    Parameters
    ----------
    table, dist : DataFrame
        The published repeat-victims table and distribution.
    raw : DataFrame
        :func:`repeat_table`'s unsuppressed table.
    ds : Dataset
        The dataset (config, period, crimes).
    windows : iterable of int
        The time-to-repeat windows.
    lookback : int
        The look-back, in days.
    min_count : int
        The disclosure threshold.

    Returns
    -------
    VictimsFamily
    """
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


# ---------------------------------------------------------------------------------------------
# repeat locations (police.uk proxy)
# ---------------------------------------------------------------------------------------------
def location_counts(crimes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Crimes in ``period`` per map point (longitude, latitude): one row per point.

    Columns longitude, latitude, crimes, location (most common street description at the point),
    lsoa_code, lsoa_name (most common at the point), top_crime_type (most common; ties
    alphabetical).  Rows without a point are left out.  Sorted by crimes (most first), then street
    description.  Each record counts ``count`` crimes (1 for police.uk rows).

    Parameters
    ----------
    crimes : DataFrame
        Crimes with ``month``, ``longitude``, ``latitude``.
    period : Period
        The assessment period.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-05-01"] * 3), "longitude": [-0.1, -0.1, -0.2],
    ...     "latitude": [51.5, 51.5, 51.6], "location": ["On or near High Road"] * 2 + ["On or near Park Lane"],
    ...     "lsoa_code": ["E01"] * 3, "crime_type": ["Burglary", "Robbery", "Burglary"]})
    >>> from assessment.periods import financial_year
    >>> location_counts(c, financial_year(2024))[["location", "crimes", "top_crime_type"]].values.tolist()
    [['On or near High Road', 2, 'Burglary'], ['On or near Park Lane', 1, 'Burglary']]
    """
    require_columns(crimes, ["month", "longitude", "latitude"], "crimes")
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

    Parameters
    ----------
    points : DataFrame
        :func:`location_counts` (a ``crimes`` column).
    top : int
        The top band of the counts of points (``locations_<top>plus``).

    Returns
    -------
    dict
        locations, repeat_locations, crimes, crimes_at_repeat_locations,
        repeat_location_crime_share (= crimes at repeat locations ÷ crimes with a map point) and
        locations_1, …, locations_``top``plus.

    Examples
    --------
    >>> import pandas as pd
    >>> repeat_location_summary(pd.DataFrame({"crimes": [6, 3, 2, 1, 1]}))
    {'locations': 5, 'repeat_locations': 3, 'crimes': 13, 'crimes_at_repeat_locations': 11, 'repeat_location_crime_share': 0.8461538461538461, 'locations_1': 2, 'locations_2': 1, 'locations_3': 1, 'locations_4': 0, 'locations_5plus': 1}
    """
    require_columns(points, ["crimes"], "crimes per location")
    x = points["crimes"].to_numpy(dtype="int64")
    x = x[x >= 1]
    rep = x[x >= 2]
    total = int(x.sum())
    out = {"locations": int(x.size), "repeat_locations": int(rep.size), "crimes": total,
           "crimes_at_repeat_locations": int(rep.sum()),
           "repeat_location_crime_share": int(rep.sum()) / total if total else None}
    for k in range(1, top):
        out[f"locations_{k}"] = int((x == k).sum())
    out[f"locations_{top}plus"] = int((x >= top).sum())
    return out


def location_table(crimes: pd.DataFrame, period: Period, groups: dict | None = None) -> pd.DataFrame:
    """:func:`repeat_location_summary` for all crime and each crime group (index ``subset``).

    Parameters
    ----------
    crimes : DataFrame
        Crimes with ``month``, ``longitude``, ``latitude``, ``crime_type``.
    period : Period
        The assessment period.
    groups : dict, optional
        Crime group name -> crime types.

    Returns
    -------
    DataFrame

    Examples
    --------
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

    Parameters
    ----------
    points : DataFrame
        :func:`location_counts`.
    n : int
        How many points.

    Returns
    -------
    DataFrame
        rank, location, lsoa_code, lsoa_name, crimes, top_crime_type (those present).

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"longitude": [0, 1, 2], "latitude": [0, 1, 2], "crimes": [5, 2, 1],
    ...     "location": ["On or near A", "On or near B", "On or near C"], "lsoa_code": ["L1", "L2", "L3"],
    ...     "lsoa_name": ["X 001A", "X 002A", "X 003A"], "top_crime_type": ["Theft", "Burglary", "Robbery"]})
    >>> top_locations(p)[["rank", "location", "crimes"]].values.tolist()
    [[1, 'On or near A', 5], [2, 'On or near B', 2]]
    """
    require_columns(points, ["crimes"], "crimes per location")
    t = points[points["crimes"] >= 2].head(n).copy()
    t.insert(0, "rank", np.arange(1, len(t) + 1, dtype="int64"))
    cols = ["rank"] + [c for c in ("location", "lsoa_code", "lsoa_name", "crimes", "top_crime_type") if c in t]
    return t[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# the repeat-victims analysis
# ---------------------------------------------------------------------------------------------
@dataclass
class VictimsResult:
    """Everything chapter 4's repeat-victim sections publish (no identifiers anywhere; data only)."""

    period_label: str
    area: str = ""
    lookback_days: int = 365
    windows: tuple = (7, 30, 90, 365)
    min_count: int = 5
    available: bool = False
    reason: str | None = None                    # why not available: NO_VICTIMS_LINK, ...
    table: pd.DataFrame | None = None            # published repeat_victims table
    distribution: pd.DataFrame | None = None     # published distribution
    undated_pairs: int = 0                       # pairs in the period with no offence date (all crime)
    curves: dict = field(default_factory=dict)   # subset -> cumulative share of repeats (aggregate)
    front_loaded: bool | None = None             # all crime (None: no repeats)
    within_30: float | None = None               # all crime: share of look-back repeats within 30 days
    locations: pd.DataFrame | None = None        # repeat-location summary (proxy)
    top_locations: pd.DataFrame | None = None
    headlines: dict = field(default_factory=dict)
    withheld: list = field(default_factory=list)  # Withheld records, in the order they arose
    audit: dict = field(default_factory=dict)    # table -> disclosure-audit outcome (see disclosure_audit)


HEADLINE_KEYS = ["victims.victims", "victims.repeat_victims", "victims.repeat_rate", "victims.repeat_pair_share",
                 "victims.repeat_rate_lookback", "victims.pairs", "victims.da_victims", "victims.da_repeat_victims",
                 "victims.da_repeat_rate", "victims.da_repeat_rate_lookback"]


def empty_headlines(windows=(7, 30, 90, 365)) -> dict:
    """Every headline key of the repeat-victim sections, all None (a figure that cannot be computed is null).

    Parameters
    ----------
    windows : iterable of int
        The time-to-repeat windows (``victims.repeat_within.<d>``).

    Returns
    -------
    dict

    Examples
    --------
    >>> empty_headlines([7])["victims.repeat_within.7"] is None
    True
    """
    h = {k: None for k in HEADLINE_KEYS}
    for w in windows:
        h[f"victims.repeat_within.{w}"] = None
    for k in ("victims.repeat_locations", "victims.repeat_location_crime_share"):
        h[k] = None
    return h


def analyse(ds) -> VictimsResult:
    """Compute chapter 4's repeat victims (ASB callers: :func:`analyse_asb`) for a Dataset.

    Everything returned is publishable: counts below ``config.disclosure.min_count`` are shown as
    "<N" and rates depending on them are None; no table holds a victim id.  Without a victims
    link the victim sections are left out (``result.reason``) and their headlines are None; with
    police.uk-style map points the repeat-location proxy is computed instead.

    Parameters
    ----------
    ds : Dataset
        The loaded data and config.

    Returns
    -------
    VictimsResult

    Examples
    --------
    >>> result = analyse(run.dataset)  # doctest: +SKIP
    >>> result.headlines["victims.repeat_rate"]  # doctest: +SKIP
    0.171
    """
    res = _settings(ds)
    res.reason = _missing_input(ds)
    if res.reason is None:
        raw, dist, gaps = repeat_table(ds.victims, ds.crimes, ds.period, ds.config.crime_groups,
                                       res.lookback_days, res.windows)
        if raw.loc[ALL_CRIME, "victims"] == 0:
            res.reason = NO_VICTIMS_IN_PERIOD
        else:
            fam = _publish(res, raw, dist, ds)
            _time_to_repeat(res, gaps)
            _headlines(res)
            _verify(res, fam)
    if not res.available:
        _repeat_locations(res, ds)
    return res


def _settings(ds) -> VictimsResult:
    vc = ds.config.victims
    windows = tuple(int(w) for w in vc.repeat_windows)
    return VictimsResult(period_label=ds.period.label, area=ds.area, lookback_days=int(vc.lookback_days),
                         windows=windows, min_count=ds.config.disclosure.min_count,
                         headlines=empty_headlines(windows))


def _missing_input(ds) -> str | None:
    """Why repeat victims cannot be measured (a reason code), or None."""
    victims, crimes = ds.victims, ds.crimes
    if victims is None or "victim_id" not in victims.columns or not victims["victim_id"].notna().any():
        return NO_VICTIMS_LINK
    has_ids = (ds.record_level and crimes is not None and "crime_id" in crimes.columns
               and bool(crimes["crime_id"].notna().any()))
    return None if has_ids else NO_CRIME_REFERENCES


def _publish(res: VictimsResult, raw: pd.DataFrame, dist: pd.DataFrame, ds) -> VictimsFamily:
    """Suppression, then the disclosure audit, into ``res``; returns the audited family."""
    res.available = True
    res.undated_pairs = int(raw.loc[ALL_CRIME, "undated_pairs"])
    table, withheld = publishable_table(raw, res.windows, res.min_count)
    res.withheld.extend(withheld)
    pub_dist, k = publishable_distribution(dist, res.min_count)
    if k:
        res.withheld.append(Withheld("distribution", cells=k))
    # disclosure audit: no hidden count may be worked out from everything published together
    fam = victims_family(table, pub_dist, raw, ds, res.windows, res.lookback_days, res.min_count)
    res.audit = {name: v.as_dict() for name, v in protect(fam).items()}
    if fam.log:
        res.withheld.append(Withheld("audit", labels=tuple(fam.hidden_labels())))
    res.table, res.distribution = fam.table, fam.dist
    return fam


def _time_to_repeat(res: VictimsResult, gaps: dict) -> None:
    """The time-to-repeat curves (subsets with at least min_count repeats) and the all-crime shape."""
    for name, g in gaps.items():
        if int((g <= res.lookback_days).sum()) >= res.min_count:
            res.curves[name] = repeats.repeat_curve(g, res.lookback_days)
    g_all = gaps[ALL_CRIME]
    res.front_loaded = repeats.front_loaded(g_all, res.lookback_days)
    res.within_30 = repeats.time_to_repeat(g_all, [30], res.lookback_days)["within_30"]


def _count_or_none(v):
    return None if v is None or isinstance(v, str) else int(v)


def _float_or_none(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def _headlines(res: VictimsResult) -> None:
    """The summary.json figures: the published all-crime and domestic-abuse rows."""
    h, table = res.headlines, res.table
    r = table.loc[ALL_CRIME]
    h["victims.victims"] = _count_or_none(r["victims"])
    h["victims.repeat_victims"] = _count_or_none(r["repeat_victims"])
    h["victims.pairs"] = _count_or_none(r["pairs"])
    h["victims.repeat_rate"] = _float_or_none(r["repeat_rate"])
    h["victims.repeat_pair_share"] = _float_or_none(r["repeat_pair_share"])
    h["victims.repeat_rate_lookback"] = _float_or_none(r["lookback_rate"])
    for w in res.windows:
        h[f"victims.repeat_within.{w}"] = _float_or_none(r[f"within_{w}"])
    if DOMESTIC_ABUSE in table.index:
        d = table.loc[DOMESTIC_ABUSE]
        h["victims.da_victims"] = _count_or_none(d["victims"])
        h["victims.da_repeat_victims"] = _count_or_none(d["repeat_victims"])
        h["victims.da_repeat_rate"] = _float_or_none(d["repeat_rate"])
        h["victims.da_repeat_rate_lookback"] = _float_or_none(d["lookback_rate"])


def _verify(res, fam) -> None:
    """The headlines repeat the audited tables' figures: audit them with everything else."""
    fam.headlines = res.headlines
    verify(fam)
    res.audit = {name: v.as_dict() for name, v in fam.outcome.items()}


def _repeat_locations(res: VictimsResult, ds) -> None:
    """The police.uk proxy: map points with two or more crimes, when the crimes carry points."""
    crimes = ds.crimes
    if crimes is None or not {"longitude", "latitude"} <= set(crimes.columns) \
            or not bool(crimes["longitude"].notna().any()):
        return
    cur = ds.crimes_in(ds.period)
    if not len(cur) or not cur["longitude"].notna().any():
        return
    res.locations = location_table(crimes, ds.period, ds.config.crime_groups)
    res.top_locations = top_locations(location_counts(crimes, ds.period), n=int(ds.config.victims.top_locations))
    a = res.locations.loc[ALL_CRIME]
    res.headlines["victims.repeat_locations"] = int(a["repeat_locations"])
    res.headlines["victims.repeat_location_crime_share"] = _float_or_none(a["repeat_location_crime_share"])


# ---------------------------------------------------------------------------------------------
# repeat ASB callers
# ---------------------------------------------------------------------------------------------
def period_calls(asb: pd.DataFrame, period: Period | None = None) -> pd.DataFrame:
    """ASB incidents with a date (in ``period`` when given), each incident reference once.

    Keeps the table's index; adds ``day``, the calendar date (time of day dropped).

    Parameters
    ----------
    asb : DataFrame
        ASB incidents: ``incident_id``, ``datetime`` (and ``caller_id``).
    period : Period, optional
        The period the calls must fall in.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> a = pd.DataFrame({"incident_id": ["i1", "i1", "i2", "i3"], "caller_id": ["K", "K", None, "K"],
    ...     "datetime": pd.to_datetime(["2024-03-01 10:00", "2024-03-01 10:00", "2024-04-01 08:00", "2023-12-31 23:00"])})
    >>> period_calls(a, calendar_year(2024))["incident_id"].tolist()
    ['i1', 'i2']
    """
    require_columns(asb, ["incident_id", "datetime"], "ASB incidents")
    a = asb[asb["datetime"].notna()].copy()
    a["day"] = pd.to_datetime(a["datetime"]).dt.normalize()
    if period is not None:
        if not isinstance(period, Period):
            raise AssessmentError(f"period: expected an assessment Period, found {type(period).__name__}")
        a = a[(a["day"] >= period.start) & (a["day"] <= period.end_date)]
    has_ref = a["incident_id"].notna()
    a = a[~(has_ref & a["incident_id"].astype("string").duplicated())]
    return a


def caller_calls(asb: pd.DataFrame, period: Period | None = None) -> pd.DataFrame:
    """:func:`period_calls` that have a caller reference (INTERNAL: holds caller_id).

    Parameters
    ----------
    asb : DataFrame
        ASB incidents: ``incident_id``, ``datetime``, ``caller_id``.
    period : Period, optional
        The period the calls must fall in.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"incident_id": ["i1", "i2"], "caller_id": ["K", None],
    ...                   "datetime": pd.to_datetime(["2024-03-01", "2024-04-01"])})
    >>> caller_calls(a)["incident_id"].tolist()
    ['i1']
    """
    require_columns(asb, ["incident_id", "datetime", "caller_id"], "ASB incidents")
    a = period_calls(asb, period)
    return a[calls_stats.has_caller(a["caller_id"])]


def caller_summary(asb: pd.DataFrame, period: Period, repeat_calls: int = 10, window_weeks: int = 24) -> dict:
    """Repeat callers in ``period`` and their share of the period's calls (aggregates only).

    Parameters
    ----------
    asb : DataFrame
        ASB incidents.
    period : Period
        The period.
    repeat_calls, window_weeks : int
        The repeat-caller rule: ``repeat_calls`` or more calls within ``window_weeks`` weeks.

    Returns
    -------
    dict
        period (its label), calls (all ASB calls in the period), calls_with_caller, callers,
        repeat_callers, repeat_caller_calls (all their calls in the period),
        repeat_caller_call_share = repeat_caller_calls ÷ calls_with_caller,
        repeat_caller_share_all_calls = repeat_caller_calls ÷ calls,
        repeat_caller_share = repeat_callers ÷ callers.

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> d = pd.Timestamp("2024-01-01") + pd.to_timedelta(range(0, 12), unit="D")
    >>> a = pd.DataFrame({"incident_id": [f"i{k}" for k in range(14)],
    ...                   "caller_id": ["A"] * 12 + ["B", None], "datetime": list(d) + [d[0], d[0]]})
    >>> s = caller_summary(a, calendar_year(2024))
    >>> s["calls"], s["callers"], s["repeat_callers"], s["repeat_caller_calls"], s["repeat_caller_call_share"]
    (14, 2, 1, 12, 0.9230769230769231)
    """
    def share(num, den):
        return None if den == 0 else num / den

    calls = period_calls(asb, period)
    with_caller = calls[calls_stats.has_caller(calls["caller_id"])] if "caller_id" in calls else calls.iloc[0:0]
    rep = calls_stats.repeat_callers(with_caller, repeat_calls, window_weeks) if len(with_caller) else pd.Index([])
    rc = int(with_caller["caller_id"].astype("string").isin(rep).sum()) if len(with_caller) else 0
    callers = int(with_caller["caller_id"].nunique()) if len(with_caller) else 0
    return {"period": period.label, "calls": int(len(calls)), "calls_with_caller": int(len(with_caller)),
            "callers": callers, "repeat_callers": int(len(rep)), "repeat_caller_calls": rc,
            "repeat_caller_call_share": share(rc, len(with_caller)),
            "repeat_caller_share_all_calls": share(rc, len(calls)),
            "repeat_caller_share": share(int(len(rep)), callers)}


def covers(asb: pd.DataFrame, period: Period) -> bool:
    """True when ASB calls exist in the first and last month of ``period`` or beyond on both sides.

    Parameters
    ----------
    asb : DataFrame
        ASB incidents (``datetime``).
    period : Period
        The period.

    Returns
    -------
    bool

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> a = pd.DataFrame({"datetime": pd.to_datetime(["2023-01-05", "2023-12-30"])})
    >>> covers(a, calendar_year(2023)), covers(a, calendar_year(2022))
    (True, False)
    """
    d = pd.to_datetime(asb["datetime"]).dropna()
    if d.empty:
        return False
    return bool(d.min() < period.start + pd.DateOffset(months=1) and d.max() >= period.end)


def publishable(summaries: list[dict], min_count: int = 5) -> tuple[pd.DataFrame, list[Withheld]]:
    """The published ``repeat_asb_callers`` table: one row per period, small caller counts as "<N".

    A repeat-caller count of 1 … min_count−1 is shown as "<min_count" and the two shares and
    repeat_caller_calls depending on it are blank; caller totals below the threshold likewise.

    Parameters
    ----------
    summaries : list of dict
        :func:`caller_summary` per period, oldest first.
    min_count : int
        The disclosure threshold.

    Returns
    -------
    tuple
        (table, withheld): one :class:`Withheld` (``repeat_callers``) per period whose repeat
        callers are hidden.

    Examples
    --------
    >>> out, withheld = publishable([{"period": "2024/25", "calls": 900, "calls_with_caller": 800, "callers": 300,
    ...     "repeat_callers": 3, "repeat_caller_calls": 40, "repeat_caller_call_share": 0.05,
    ...     "repeat_caller_share_all_calls": 0.044, "repeat_caller_share": 0.01}])
    >>> out.iloc[0][["repeat_callers", "repeat_caller_calls", "repeat_caller_call_share"]].tolist()
    ['<5', '[c]', <NA>]
    >>> withheld
    [Withheld(kind='repeat_callers', where='2024/25', windows=(), cells=0, labels=())]

    (40 calls by fewer than 5 callers: the calls are hidden too, as ``"[c]"`` since they are
    not themselves fewer than 5, because with the callers' share they would reveal the count.)
    """
    label = f"<{min_count}"
    rows, withheld = [], []
    for s in summaries:
        r = dict(s)
        small_rep = is_small(s["repeat_callers"], min_count)
        small_callers = is_small(s["callers"], min_count)
        if small_callers:
            r["callers"] = label
        if small_rep or small_callers:
            r["repeat_callers"] = hidden_mark(s["repeat_callers"], min_count)
            r["repeat_caller_calls"] = hidden_mark(s["repeat_caller_calls"], min_count)
            r["repeat_caller_call_share"] = None
            r["repeat_caller_share_all_calls"] = None
            r["repeat_caller_share"] = None
            withheld.append(Withheld("repeat_callers", str(s["period"])))
        rows.append(r)
    cols = ["period", "calls", "calls_with_caller", "callers", "repeat_callers", "repeat_caller_calls",
            "repeat_caller_call_share", "repeat_caller_share_all_calls", "repeat_caller_share"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("repeat_caller_call_share", "repeat_caller_share_all_calls", "repeat_caller_share"):
        out[c] = out[c].astype("Float64")
    return out, withheld


@dataclass
class ASBResult:
    """What the repeat-callers section publishes (aggregates only; data only)."""

    period_label: str = ""
    repeat_calls: int = 10
    window_weeks: int = 24
    min_count: int = 5
    available: bool = False
    reason: str | None = None                    # why not available: NO_ASB_FILE, ...
    table: pd.DataFrame | None = None            # published repeat_asb_callers table (oldest period first)
    withheld: list = field(default_factory=list)  # Withheld records
    headlines: dict = field(default_factory=dict)
    audit: dict = field(default_factory=dict)    # table -> disclosure-audit outcome (see disclosure_audit)


def empty_asb_headlines() -> dict:
    """The ASB headline keys, all None.

    Returns
    -------
    dict

    Examples
    --------
    >>> sorted(empty_asb_headlines())
    ['victims.asb_callers', 'victims.asb_calls', 'victims.repeat_caller_call_share', 'victims.repeat_callers']
    """
    return {"victims.asb_calls": None, "victims.asb_callers": None, "victims.repeat_callers": None,
            "victims.repeat_caller_call_share": None}


def analyse_asb(ds) -> ASBResult:
    """Repeat ASB callers for a Dataset: the current period, and the previous one when the data cover it.

    No ASB input, or ASB data with no caller references (police.uk ASB rows), leaves the section
    out (``result.reason``) with null headlines.

    Parameters
    ----------
    ds : Dataset
        The loaded data and config.

    Returns
    -------
    ASBResult

    Examples
    --------
    >>> result = analyse_asb(run.dataset)  # doctest: +SKIP
    >>> result.headlines["victims.repeat_callers"]  # doctest: +SKIP
    41
    """
    res = _asb_settings(ds)
    res.reason = _asb_missing_input(ds)
    if res.reason is None:
        summaries = _asb_summaries(ds, res)
        if summaries[-1]["calls"] == 0:
            res.reason = NO_CALLS_IN_PERIOD
        else:
            fam = _asb_publish(res, summaries)
            _asb_headlines(res, summaries[-1])
            _verify(res, fam)
    return res


def _asb_settings(ds) -> ASBResult:
    cfg = ds.config.asb
    return ASBResult(period_label=ds.period.label, repeat_calls=cfg.repeat_calls, window_weeks=cfg.window_weeks,
                     min_count=ds.config.disclosure.min_count, headlines=empty_asb_headlines())


def _asb_missing_input(ds) -> str | None:
    """Why repeat callers cannot be measured (a reason code), or None."""
    asb = ds.asb
    if asb is None or len(asb) == 0:
        return NO_ASB_FILE
    if "caller_id" not in asb.columns or not calls_stats.has_caller(asb["caller_id"]).any():
        return NO_CALLER_REFERENCES
    return None


def _asb_summaries(ds, res: ASBResult) -> list[dict]:
    """:func:`caller_summary` of the period, after that of the previous one when the data cover it."""
    cur = caller_summary(ds.asb, ds.period, res.repeat_calls, res.window_weeks)
    if cur["calls"] == 0:
        return [cur]
    prev = ds.period.previous()
    if covers(ds.asb, prev):
        return [caller_summary(ds.asb, prev, res.repeat_calls, res.window_weeks), cur]
    return [cur]


def _asb_publish(res: ASBResult, summaries: list[dict]) -> ASBFamily:
    """Suppression, then the disclosure audit, into ``res``; returns the audited family."""
    table, withheld = publishable(summaries, res.min_count)
    # disclosure audit: no hidden count may be worked out from everything published together
    fam = ASBFamily(table, res.min_count, res.repeat_calls, res.window_weeks)
    res.audit = {name: v.as_dict() for name, v in protect(fam).items()}
    if fam.log:
        withheld.append(Withheld("audit", labels=tuple(fam.hidden_labels())))
    res.available = True
    res.table = fam.table
    res.withheld = withheld
    return fam


def _asb_headlines(res: ASBResult, cur: dict) -> None:
    """The summary.json figures: the period's calls and its published row."""
    row = res.table.iloc[-1].to_dict()
    h = res.headlines
    h["victims.asb_calls"] = int(cur["calls"])
    h["victims.asb_callers"] = _count_or_none(row["callers"])
    h["victims.repeat_callers"] = _count_or_none(row["repeat_callers"])
    v = row["repeat_caller_call_share"]
    h["victims.repeat_caller_call_share"] = None if v is None or v is pd.NA else float(v)
