"""Chapter 3 — who drives crime: prolific offenders (§5.3).

Small verbs over the canonical ``offenders`` link (crime_id, offender_id, age,
sex, home_lsoa) and ``crimes`` table (see :mod:`assessment.dataset`).  Only
crimes whose month falls in the assessment period count.  Offender ids are used
to count and rank, and never leave this module in anything the chapter
publishes: :func:`analyse` returns tables without them, and
:meth:`assessment.workbook.Run.table` refuses any table that holds one.

Example
-------
>>> import pandas as pd
>>> from assessment.periods import financial_year
>>> crimes = pd.DataFrame({"crime_id": ["c1", "c2", "c3", "c4"],
...                        "month": pd.to_datetime(["2024-05-01"] * 4),
...                        "crime_type": ["Burglary"] * 4, "count": [1, 1, 1, 1]})
>>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3", "c3"], "offender_id": ["A", "A", "A", "B"]})
>>> per = crimes_per_offender(links, crimes, financial_year(2024))
>>> per["crimes"].tolist(), per["rank"].tolist()
([3, 1], [1, 2])
>>> t = concentration(period_links(links, crimes, financial_year(2024)), all_crimes=4, shares=[0.5])
>>> t[["offenders", "crimes", "linked_crimes", "share_linked", "share_all"]].to_dict("records")
[{'offenders': 1, 'crimes': 3, 'linked_crimes': 3, 'share_linked': 1.0, 'share_all': 0.75}]
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .disclosure import SECONDARY, is_hidden, is_small, primary_label, suppress, suppress_value
from .disclosure_audit import OffendersFamily, protect, verify
from .errors import AssessmentError, require_columns
from .periods import Period
from .rounding import PCT, pct

# the statistics are assessment.stats's; their old names here are the same objects (re-exported):
# group_size is the one "top p% of n" rule, top_k; _check_share its check of p
from .stats.concentration import check_share as _check_share
from .stats.concentration import gini, share_key
from .stats.concentration import top_k as group_size

METHODS = r"""
### Prolific offenders (chapter 3)

* **Offenders and linked crimes.** The offenders link names, for each crime, the offenders
  (suspects, accused or charged, as the police extract defines them) linked to it. Only crimes
  whose month falls in the assessment period count. An offender is credited **once for each
  distinct crime** they are linked to (a crime listed twice for the same offender counts once).
  *Linked crimes* are the distinct crimes in the period with at least one linked offender. Links
  whose crime is not in the crimes data, or outside the period, are left out and counted in the
  chapter's notes.
* **Ranking and ties.** Offenders are ranked by crimes in the period, most first; offenders with
  the same number of crimes are ordered by their (pseudonymised) offender reference, in plain text
  order. That order is arbitrary — it has nothing to do with offending — but it is reproducible:
  the same data always give the same ranking and the same figures.
* **Top p% of offenders** = the first ⌈p × N⌉ offenders in that ranking, where N is the number of
  offenders linked to at least one crime in the period (so the top 1% of 250 offenders is 3
  offenders). The number in each group is a function of N, which is published, so it is not
  suppressed.
* **Share of crime.** For each p (1%, 5%, 10% and 20% by default) the *crimes* of the group are
  the distinct crimes linked to **at least one** offender in the group (a crime committed jointly
  with someone outside the group still counts). Two shares are given, and every table and
  sentence says which:
  - share of **offender-linked crime** = group crimes ÷ linked crimes;
  - share of **all recorded crime** = group crimes ÷ all crimes recorded in the area in the period
    (the way partnership papers usually quote it: "the top 1% of offenders are responsible for 4%
    of all crime"). Most crimes have no known offender, so this share is much lower.
* **Concentration curve and Gini.** The curve plots, for the k most prolific offenders
  (k = 1 … N), the share of offenders k/N against the share of offender-linked crimes linked to
  at least one of them. When no crime has more than one offender it is the Lorenz curve of crimes
  per offender drawn from the top. The **Gini coefficient** of crimes per offender x₁ ≤ … ≤ xₙ is
  G = Σᵢ (2i − n − 1)·xᵢ ÷ (n·Σᵢ xᵢ) — half the mean absolute difference between two offenders'
  counts divided by the mean (Gini 1912; Cowell, *Measuring Inequality*, 3rd ed. 2011, §2.2).
  G = 0 when every offender has the same number of crimes and approaches 1 when one offender has
  nearly all of them. It describes concentration among *known* offenders only.
* **Prolific offenders** are those linked to at least `offenders.prolific_threshold` (default 5)
  distinct crimes in the 12-month period; their share of crime uses both denominators as above.
* **Crime-type mix.** Linked crimes are split into those linked to at least one of the top 10%
  (`offenders.mix_share`) and the rest; each group's crimes are shared out by crime type.
* **Where offenders live.** Each offender's home is the home LSOA on their most recent linked
  crime in the period (by month, offence date, then crime reference) that has one; it is placed
  in a ward with the area's LSOA-to-ward lookup. Home LSOAs not in the area are counted as
  "outside the area" and not mapped; offenders with no home LSOA as "not recorded". Each ward's
  share is of all offenders linked to crimes in the period.
* **Age and sex.** An offender's age is the age recorded on their earliest linked crime in the
  period that has one (their age when first linked in the year); ages below 0 or above 120 are
  treated as not recorded. Sex is the value recorded most often on their links (ties in
  alphabetical order). Shares are of all offenders in the period.
* **Disclosure control.** Counts of offenders, and of crimes counted from offender records, below
  `disclosure.min_count` are shown as "<5" in the ward, crime-mix and age/sex tables and the map,
  with secondary suppression where a total would reveal a suppressed cell; a share whose count is
  suppressed is left blank. The chapter's tables, the prolific-offender figures and the headline
  figures are then audited together (see Disclosure control below) — totals, shares, the order
  rows are listed in, and the crimes of the top 1%, 5%, 10%, 20% and of the prolific offenders,
  which never fall as the group grows — and where a hidden count could still be worked out more
  is hidden (the next-smallest count of the column, or the prolific offenders' shares of crime).
  No offender reference appears in any output.
"""

NOT_RECORDED = "Not recorded"
OUTSIDE = "Outside the area"
#: what a section says when the chapter has no offender data for the period
NOT_AVAILABLE = "Not available: there are no offender data for this period (see the start of this chapter)."


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------
def _require(df, columns, what: str) -> None:
    require_columns(df, columns, what)


def _has(df, column) -> bool:
    """True when ``column`` exists in ``df`` and holds at least one value."""
    return df is not None and column in df.columns and bool(df[column].notna().any())


# ---------------------------------------------------------------------------------------------
# links and ranking
# ---------------------------------------------------------------------------------------------
def period_links(offenders: pd.DataFrame, crimes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Distinct (crime, offender) links for crimes whose month falls in ``period``.

    Links with no crime or offender reference are dropped, as are links to crimes not in
    ``crimes`` or outside the period (see :func:`link_quality` for how many).  A pair listed
    more than once is kept once (its first row).  The result keeps the link table's index
    and its optional columns (age, sex, home_lsoa), and adds the crime's ``crime_type``,
    ``month`` and ``date`` (when present).

    Example
    -------
    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> crimes = pd.DataFrame({"crime_id": ["c1", "c2"], "month": pd.to_datetime(["2024-02-01", "2023-02-01"]),
    ...                        "crime_type": ["Robbery", "Burglary"]})
    >>> links = pd.DataFrame({"crime_id": ["c1", "c1", "c2", "c9"], "offender_id": ["A", "A", "A", "B"]})
    >>> period_links(links, crimes, calendar_year(2024))[["crime_id", "offender_id", "crime_type"]].values.tolist()
    [['c1', 'A', 'Robbery']]
    """
    _require(offenders, ["crime_id", "offender_id"], "offenders link")
    _require(crimes, ["crime_id", "month"], "crimes")
    if not isinstance(period, Period):
        raise AssessmentError(f"period: expected an assessment Period, found {type(period).__name__}")
    keep = [c for c in ("crime_id", "month", "date", "crime_type") if c in crimes.columns]
    c = crimes.loc[period.contains(crimes["month"]) & crimes["crime_id"].notna(), keep].copy()
    c["crime_id"] = c["crime_id"].astype("string")
    c = c.drop_duplicates("crime_id")
    o = offenders[offenders["crime_id"].notna() & offenders["offender_id"].notna()].copy()
    o["crime_id"] = o["crime_id"].astype("string")
    o["offender_id"] = o["offender_id"].astype("string")
    o = o.drop(columns=[k for k in keep if k != "crime_id" and k in o.columns])
    o = o.drop_duplicates(["crime_id", "offender_id"])
    idx_name = o.index.name or "_row"
    m = o.rename_axis(idx_name).reset_index().merge(c, on="crime_id", how="inner", validate="many_to_one")
    m = m.set_index(idx_name)
    m.index.name = offenders.index.name
    return m


def link_quality(offenders: pd.DataFrame, crimes: pd.DataFrame, period: Period) -> dict:
    """How many link rows were used for ``period`` and why the others were not.

    Returns ``{"rows", "no_reference", "duplicate", "crime_not_found", "other_period", "used"}``
    (rows = the sum of the rest).

    Example
    -------
    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> crimes = pd.DataFrame({"crime_id": ["c1", "c2"], "month": pd.to_datetime(["2024-02-01", "2023-02-01"])})
    >>> links = pd.DataFrame({"crime_id": ["c1", "c1", "c2", "c9", None], "offender_id": ["A", "A", "A", "B", "C"]})
    >>> link_quality(links, crimes, calendar_year(2024))
    {'rows': 5, 'no_reference': 1, 'duplicate': 1, 'crime_not_found': 1, 'other_period': 1, 'used': 1}
    """
    _require(offenders, ["crime_id", "offender_id"], "offenders link")
    _require(crimes, ["crime_id", "month"], "crimes")
    rows = len(offenders)
    o = offenders[offenders["crime_id"].notna() & offenders["offender_id"].notna()]
    no_ref = rows - len(o)
    pairs = pd.DataFrame({"crime_id": o["crime_id"].astype("string"), "offender_id": o["offender_id"].astype("string")})
    dup = int(pairs.duplicated().sum())
    pairs = pairs.drop_duplicates()
    known = crimes.loc[crimes["crime_id"].notna()].drop_duplicates("crime_id")
    known = known.set_index(known["crime_id"].astype("string"))["month"]
    in_data = pairs["crime_id"].isin(known.index)
    months = pairs.loc[in_data, "crime_id"].map(known)
    in_period = period.contains(months)
    used = int(in_period.sum())
    return {"rows": int(rows), "no_reference": int(no_ref), "duplicate": dup,
            "crime_not_found": int((~in_data).sum()), "other_period": int(in_data.sum()) - used, "used": used}


def rank_offenders(counts: pd.Series) -> pd.DataFrame:
    """Rank offenders by crimes (most first), ties broken by offender reference (text order).

    ``counts`` is indexed by offender_id.  Returns a frame indexed by offender_id, in rank
    order, with ``crimes`` and ``rank`` (1 … N).  The tie rule is arbitrary but reproducible.

    Example
    -------
    >>> import pandas as pd
    >>> rank_offenders(pd.Series({"B": 2, "A": 2, "C": 5, "A10": 2}))["rank"].to_dict()
    {'C': 1, 'A': 2, 'A10': 3, 'B': 4}
    """
    if not isinstance(counts, pd.Series):
        raise AssessmentError(f"crimes per offender: expected a Series indexed by offender, found {type(counts).__name__}")
    t = pd.DataFrame({"offender_id": pd.Index(counts.index).astype("string"),
                      "crimes": np.asarray(counts.values, dtype="int64")})
    t = t.sort_values(["crimes", "offender_id"], ascending=[False, True], kind="mergesort")
    t["rank"] = np.arange(1, len(t) + 1, dtype="int64")
    return t.set_index("offender_id")


def crimes_per_offender(offenders: pd.DataFrame, crimes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Distinct crimes in ``period`` per offender, ranked (most first; ties by offender reference).

    INTERNAL ONLY: the result is indexed by offender_id and must never be published.

    Formula: crimesᵢ = |{distinct crime_id in the period linked to offender i}|.

    Example
    -------
    >>> import pandas as pd
    >>> from assessment.periods import calendar_year
    >>> crimes = pd.DataFrame({"crime_id": ["c1", "c2", "c3"], "month": pd.to_datetime(["2024-01-01"] * 3)})
    >>> links = pd.DataFrame({"crime_id": ["c1", "c1", "c2", "c3", "c3"],
    ...                       "offender_id": ["B", "B", "B", "A", "B"]})
    >>> crimes_per_offender(links, crimes, calendar_year(2024)).to_dict("index")
    {'B': {'crimes': 3, 'rank': 1}, 'A': {'crimes': 1, 'rank': 2}}
    """
    return per_offender_from_links(period_links(offenders, crimes, period))


def per_offender_from_links(links: pd.DataFrame) -> pd.DataFrame:
    """:func:`crimes_per_offender` from links already restricted by :func:`period_links`.

    >>> import pandas as pd
    >>> per_offender_from_links(pd.DataFrame({"crime_id": ["c1", "c2"], "offender_id": ["X", "X"]}))["crimes"].tolist()
    [2]
    """
    _require(links, ["crime_id", "offender_id"], "offender links")
    pairs = links[["crime_id", "offender_id"]].drop_duplicates()
    counts = pairs.groupby("offender_id", sort=False)["crime_id"].size()
    return rank_offenders(counts)


def top_offenders(per_offender: pd.DataFrame, p: float) -> pd.Index:
    """The offender ids of the top ``p`` (fraction) of offenders: the first ⌈p·N⌉ in rank order.

    ``per_offender`` is :func:`crimes_per_offender`'s ranked table.  Ties at the boundary are
    broken by offender reference (text order), as in :func:`rank_offenders`.

    Example
    -------
    >>> import pandas as pd
    >>> per = rank_offenders(pd.Series({"A": 1, "B": 4, "C": 4, "D": 2}))
    >>> top_offenders(per, 0.5).tolist()
    ['B', 'C']
    >>> top_offenders(per, 0.25).tolist()
    ['B']
    """
    _require(per_offender, ["crimes", "rank"], "crimes per offender")
    ordered = per_offender.sort_values("rank")
    return ordered.index[:group_size(len(ordered), p)]


def crime_best_rank(links: pd.DataFrame, per_offender: pd.DataFrame) -> pd.Series:
    """For each linked crime, the best (lowest) rank among its offenders.

    A crime is linked to the top k offenders exactly when its best rank is ≤ k, so the
    number of crimes linked to the top k is ``(best_rank <= k).sum()``.  Indexed by crime_id.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c1", "c2"], "offender_id": ["A", "B", "B"]})
    >>> per = rank_offenders(pd.Series({"A": 1, "B": 2}))
    >>> crime_best_rank(links, per).to_dict()
    {'c1': 1, 'c2': 1}
    """
    _require(links, ["crime_id", "offender_id"], "offender links")
    _require(per_offender, ["rank"], "crimes per offender")
    r = links["offender_id"].astype("string").map(per_offender["rank"])
    if r.isna().any():
        raise AssessmentError("offender links: some offenders are missing from the ranked table "
                              "(rank the same links with crimes_per_offender)")
    return r.astype("int64").groupby(links["crime_id"].to_numpy()).min().rename("best_rank")


def crimes_linked_to_top(best_rank: pd.Series, k: int) -> int:
    """Distinct crimes linked to at least one of the ``k`` highest-ranked offenders.

    >>> import pandas as pd
    >>> crimes_linked_to_top(pd.Series([1, 1, 2, 3]), 2)
    3
    """
    return int((best_rank <= k).sum())


def _share(num, den):
    return None if den is None or den == 0 or num is None else num / den


def _pct_label(p: float) -> str:
    return f"{p * 100:g}%"


def concentration(links: pd.DataFrame, all_crimes: int | None, shares=(0.01, 0.05, 0.10, 0.20),
                  per_offender: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of crime linked to the top p% of offenders, for each p in ``shares``.

    ``links`` are :func:`period_links`; ``all_crimes`` is every crime recorded in the area and
    period (the sum of ``count``), or None when unknown.  Returns one row per p (index ``p``)
    with columns:

    * ``group`` — "Top 1%" …;
    * ``offenders`` — ⌈p·N⌉, the offenders in the group (N = offenders with a linked crime);
    * ``crimes`` — distinct crimes linked to at least one offender in the group;
    * ``linked_crimes`` — the "linked" denominator: distinct crimes with at least one offender;
    * ``share_linked`` = crimes ÷ linked_crimes;
    * ``all_crimes`` — the "all" denominator: all recorded crimes in the area and period;
    * ``share_all`` = crimes ÷ all_crimes.

    Example
    -------
    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3", "c4", "c4"],
    ...                       "offender_id": ["A", "A", "A", "B", "C"]})
    >>> t = concentration(links, all_crimes=10, shares=[0.34, 1.0])
    >>> t[["offenders", "crimes", "share_linked", "share_all"]].to_dict("list")
    {'offenders': [2, 3], 'crimes': [4, 4], 'share_linked': [1.0, 1.0], 'share_all': [0.4, 0.4]}
    """
    per = per_offender if per_offender is not None else per_offender_from_links(links)
    best = crime_best_rank(links, per)
    n, linked = len(per), len(best)
    rows = []
    for p in shares:
        p = _check_share(p)
        k = group_size(n, p)
        c = crimes_linked_to_top(best, k)
        rows.append({"p": p, "group": f"Top {_pct_label(p)}", "offenders": k, "crimes": c,
                     "linked_crimes": linked, "share_linked": _share(c, linked),
                     "all_crimes": all_crimes, "share_all": _share(c, all_crimes)})
    t = pd.DataFrame(rows, columns=["p", "group", "offenders", "crimes", "linked_crimes", "share_linked",
                                    "all_crimes", "share_all"]).set_index("p")
    return t


def ties_at_boundary(per_offender: pd.DataFrame, p: float) -> int:
    """Offenders outside the top ``p`` with as many crimes as the last offender inside it.

    Non-zero means the tie rule decided who is in the group (the share of crime may depend on
    it, since tied offenders' crimes can differ).

    >>> import pandas as pd
    >>> ties_at_boundary(rank_offenders(pd.Series({"A": 3, "B": 2, "C": 2, "D": 2, "E": 1})), 0.4)
    2
    """
    _require(per_offender, ["crimes", "rank"], "crimes per offender")
    ordered = per_offender.sort_values("rank")
    k = group_size(len(ordered), p)
    if k == 0 or k >= len(ordered):
        return 0
    last = ordered["crimes"].iloc[k - 1]
    return int((ordered["crimes"].iloc[k:] == last).sum())


def concentration_curve(links: pd.DataFrame, per_offender: pd.DataFrame | None = None) -> pd.DataFrame:
    """Points of the concentration (Lorenz) curve, most prolific offenders first.

    Row k (0 … N): ``offenders_share`` = k/N, ``crimes_share`` = distinct crimes linked to at
    least one of the k highest-ranked offenders ÷ linked crimes.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3"], "offender_id": ["A", "A", "B"]})
    >>> concentration_curve(links).round(3).values.tolist()
    [[0.0, 0.0], [0.5, 0.667], [1.0, 1.0]]
    """
    per = per_offender if per_offender is not None else per_offender_from_links(links)
    best = crime_best_rank(links, per)
    n, linked = len(per), len(best)
    counts = np.bincount(best.to_numpy(), minlength=n + 1)[: n + 1]
    cum = np.cumsum(counts)
    k = np.arange(n + 1)
    return pd.DataFrame({"offenders_share": k / n if n else k * 0.0,
                         "crimes_share": cum / linked if linked else cum * 0.0})


def prolific(links: pd.DataFrame, all_crimes: int | None, threshold: int,
             per_offender: pd.DataFrame | None = None) -> dict:
    """Offenders linked to at least ``threshold`` distinct crimes in the period, and their crimes.

    Returns ``{"threshold", "offenders", "offenders_share", "crimes", "share_linked", "share_all"}``
    where crimes = distinct crimes linked to at least one prolific offender, share_linked =
    crimes ÷ linked crimes, share_all = crimes ÷ all recorded crimes.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3"], "offender_id": ["A", "A", "B"]})
    >>> prolific(links, all_crimes=6, threshold=2)
    {'threshold': 2, 'offenders': 1, 'offenders_share': 0.5, 'crimes': 2, 'share_linked': 0.6666666666666666, 'share_all': 0.3333333333333333}
    """
    if not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise AssessmentError(f"prolific threshold: expected a whole number of crimes, 1 or more, found {threshold!r}")
    per = per_offender if per_offender is not None else per_offender_from_links(links)
    best = crime_best_rank(links, per)
    k = int((per["crimes"] >= threshold).sum())  # ranked by crimes, so these are exactly the top k
    c = crimes_linked_to_top(best, k)
    return {"threshold": int(threshold), "offenders": k, "offenders_share": _share(k, len(per)), "crimes": c,
            "share_linked": _share(c, len(best)), "share_all": _share(c, all_crimes)}


def crime_mix(links: pd.DataFrame, p: float = 0.10, per_offender: pd.DataFrame | None = None) -> pd.DataFrame:
    """Crime types of crimes linked to the top ``p`` of offenders against the rest of linked crimes.

    A linked crime belongs to the *top* group if at least one of its offenders is in the top
    ``p``, otherwise to *the rest*.  Columns: ``top_crimes``, ``top_share`` (of the top group's
    crimes), ``rest_crimes``, ``rest_share``; indexed by crime_type, largest top group first.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3", "c4"], "offender_id": ["A", "A", "B", "C"],
    ...                       "crime_type": ["Burglary", "Theft", "Theft", "Robbery"]})
    >>> crime_mix(links, p=0.2)[["top_crimes", "top_share", "rest_crimes", "rest_share"]].to_dict("index")["Theft"]
    {'top_crimes': 1, 'top_share': 0.5, 'rest_crimes': 1, 'rest_share': 0.5}
    """
    _require(links, ["crime_id", "offender_id", "crime_type"], "offender links")
    per = per_offender if per_offender is not None else per_offender_from_links(links)
    best = crime_best_rank(links, per)
    k = group_size(len(per), p)
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


# ---------------------------------------------------------------------------------------------
# who the offenders are: age, sex, home
# ---------------------------------------------------------------------------------------------
def _ordered(links: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ("month", "date", "crime_id") if c in links.columns]
    return links.sort_values(cols, kind="mergesort", na_position="last") if cols else links


def normalise_sex(values: pd.Series) -> pd.Series:
    """Male, Female or Other from the usual codes; anything else (unknown, blank, or a value
    that is not a sex at all, such as an id typed into the wrong column) -> NA.

    Only these three labels are ever published, so no free text from a personal file can
    become a table row.

    >>> import pandas as pd
    >>> normalise_sex(pd.Series(["M", "female", " F ", "U", None, "Other", "non-binary", "OFF-1234567"])).tolist()
    ['Male', 'Female', 'Female', <NA>, <NA>, 'Other', 'Other', <NA>]
    """
    s = values.astype("string").str.strip()
    low = s.str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    out[low.isin(["m", "male", "man", "boy"])] = "Male"
    out[low.isin(["f", "female", "woman", "girl"])] = "Female"
    out[low.isin(["o", "other", "non-binary", "nonbinary", "non binary", "intersex", "i", "indeterminate",
                  "another", "self-described", "prefer to self-describe"])] = "Other"
    return out


def offender_attributes(links: pd.DataFrame) -> pd.DataFrame:
    """One row per offender (INTERNAL, indexed by offender_id): age, sex and home LSOA in the period.

    * ``age`` — on their earliest linked crime (by month, date, crime reference) that has an age;
      ages below 0 or above 120 count as not recorded;
    * ``sex`` — the value recorded most often (ties: alphabetical);
    * ``home_lsoa`` — on their most recent linked crime that has one.
    Columns absent from the links give NA.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2"], "offender_id": ["A", "A"],
    ...     "month": pd.to_datetime(["2024-05-01", "2024-04-01"]), "age": [21, 20],
    ...     "sex": ["M", "M"], "home_lsoa": ["E01000002", "E01000001"]})
    >>> offender_attributes(links).to_dict("index")
    {'A': {'age': 20, 'sex': 'Male', 'home_lsoa': 'E01000002'}}
    """
    _require(links, ["crime_id", "offender_id"], "offender links")
    o = _ordered(links)
    ids = pd.Index(o["offender_id"].astype("string").unique(), name="offender_id")
    out = pd.DataFrame(index=ids)
    if "age" in o:
        age = pd.to_numeric(o["age"], errors="coerce")
        ok = age.notna() & (age >= 0) & (age <= 120)
        out["age"] = age[ok].groupby(o.loc[ok, "offender_id"].astype("string")).first().reindex(ids).astype("Int64")
    else:
        out["age"] = pd.Series(pd.NA, index=ids, dtype="Int64")
    if "sex" in o:
        sex = normalise_sex(o["sex"])
        d = pd.DataFrame({"offender_id": o["offender_id"].astype("string"), "sex": sex}).dropna()
        if len(d):
            c = d.groupby(["offender_id", "sex"]).size().rename("n").reset_index()
            c = c.sort_values(["offender_id", "n", "sex"], ascending=[True, False, True], kind="mergesort")
            out["sex"] = c.drop_duplicates("offender_id").set_index("offender_id")["sex"].reindex(ids).astype("string")
        else:
            out["sex"] = pd.Series(pd.NA, index=ids, dtype="string")
    else:
        out["sex"] = pd.Series(pd.NA, index=ids, dtype="string")
    if "home_lsoa" in o:
        h = o["home_lsoa"].astype("string").str.strip().replace("", pd.NA)
        ok = h.notna()
        out["home_lsoa"] = h[ok].groupby(o.loc[ok, "offender_id"].astype("string")).last().reindex(ids).astype("string")
    else:
        out["home_lsoa"] = pd.Series(pd.NA, index=ids, dtype="string")
    return out


def age_band_labels(bands) -> list[str]:
    """Labels for age bands given their lower bounds.

    >>> age_band_labels([10, 16, 25, 35, 45, 55])
    ['10–15', '16–24', '25–34', '35–44', '45–54', '55+']
    """
    bands = list(bands)
    if not bands or any(b >= a for b, a in zip(bands, bands[1:])):
        raise AssessmentError(f"age bands: expected increasing lower bounds such as [10, 16, 25], found {bands}")
    return [f"{lo}–{hi - 1}" for lo, hi in zip(bands, bands[1:])] + [f"{bands[-1]}+"]


def age_band(ages: pd.Series, bands=(10, 16, 25, 35, 45, 55)) -> pd.Series:
    """The age band of each age (lower bounds ``bands``); under the first bound -> 'Under 10'.

    >>> import pandas as pd
    >>> age_band(pd.Series([9, 10, 15, 16, 24, 25, 60, None], dtype="Int64")).tolist()
    ['Under 10', '10–15', '10–15', '16–24', '16–24', '25–34', '55+', <NA>]
    """
    labels = age_band_labels(bands)
    bands = list(bands)
    a = pd.to_numeric(ages, errors="coerce").astype("Float64")
    pos = np.searchsorted(np.asarray(bands, dtype=float), a.fillna(-1).to_numpy(dtype=float), side="right") - 1
    out = pd.Series([labels[i] if i >= 0 else f"Under {bands[0]}" for i in pos], index=ages.index, dtype="string")
    out[a.isna()] = pd.NA
    return out


def age_sex_breakdown(attributes: pd.DataFrame, bands=(10, 16, 25, 35, 45, 55)) -> pd.DataFrame:
    """Offenders by age band and by sex (a long table: breakdown, group, offenders, share).

    Each breakdown lists every group (age bands in order, zeros included; "Under 10" only when
    it occurs), then "Not recorded"; share = offenders ÷ all offenders.  A breakdown whose
    column is entirely missing is left out.

    >>> import pandas as pd
    >>> a = pd.DataFrame({"age": pd.array([17, 20, 40, None], dtype="Int64"),
    ...                   "sex": pd.array(["Male", "Male", "Female", None], dtype="string")})
    >>> t = age_sex_breakdown(a)
    >>> t[t["offenders"] > 0][["breakdown", "group", "offenders"]].values.tolist()
    [['Age band', '16–24', 2], ['Age band', '35–44', 1], ['Age band', 'Not recorded', 1], ['Sex', 'Female', 1], ['Sex', 'Male', 2], ['Sex', 'Not recorded', 1]]
    """
    n = len(attributes)
    blocks = []
    if _has(attributes, "age"):
        labels = [f"Under {list(bands)[0]}"] + age_band_labels(bands)
        b = age_band(attributes["age"], bands)
        c = b.value_counts().reindex(labels, fill_value=0)
        c = c[(c > 0) | (c.index != labels[0])]  # show "Under 10" only when it occurs
        blocks.append(_block("Age band", c, int(b.isna().sum()), n))
    if _has(attributes, "sex"):
        s = attributes["sex"]
        c = s.value_counts()
        order = [x for x in ("Female", "Male") if x in c.index] + sorted(x for x in c.index if x not in ("Female", "Male"))
        blocks.append(_block("Sex", c.reindex(order), int(s.isna().sum()), n))
    if not blocks:
        return pd.DataFrame(columns=["breakdown", "group", "offenders", "share"])
    return pd.concat(blocks, ignore_index=True)


def _block(name, counts: pd.Series, missing: int, n: int) -> pd.DataFrame:
    groups = [str(g) for g in counts.index] + [NOT_RECORDED]
    vals = [int(v) for v in counts.values] + [missing]
    t = pd.DataFrame({"breakdown": name, "group": groups, "offenders": vals})
    t["share"] = t["offenders"] / n if n else np.nan
    return t


def peak_age_band(breakdown: pd.DataFrame) -> str | None:
    """The age band with the most offenders (first band on a tie); None without ages.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"breakdown": ["Age band"] * 3, "group": ["10–15", "16–24", "Not recorded"],
    ...                   "offenders": [3, 9, 20]})
    >>> peak_age_band(t)
    '16–24'
    """
    a = breakdown[(breakdown["breakdown"] == "Age band") & ~breakdown["group"].isin([NOT_RECORDED, "Total"])]
    a = a[pd.to_numeric(a["offenders"], errors="coerce").notna()]
    if a.empty or pd.to_numeric(a["offenders"]).max() <= 0:
        return None
    return str(a.loc[pd.to_numeric(a["offenders"]).idxmax(), "group"])


def offenders_by_ward(attributes: pd.DataFrame, lsoas: pd.DataFrame) -> pd.DataFrame:
    """Offenders by ward of their home LSOA, plus 'Outside the area' and 'Not recorded'.

    ``lsoas`` is the dataset's LSOA table (indexed by lsoa_code, with ward_code and ward_name).
    Every ward of the area is listed (0 when none live there), largest first, then the two
    extra rows.  share = offenders ÷ all offenders (``len(attributes)``).

    >>> import pandas as pd
    >>> lsoas = pd.DataFrame({"ward_code": ["W1", "W1", "W2"], "ward_name": ["North", "North", "South"]},
    ...                      index=pd.Index(["L1", "L2", "L3"], name="lsoa_code"))
    >>> a = pd.DataFrame({"home_lsoa": pd.array(["L1", "L2", "L3", "X9", None], dtype="string")})
    >>> offenders_by_ward(a, lsoas)[["ward_name", "offenders", "share"]].values.tolist()
    [['North', 2, 0.4], ['South', 1, 0.2], ['Outside the area', 1, 0.2], ['Not recorded', 1, 0.2]]
    """
    _require(attributes, ["home_lsoa"], "offender attributes")
    _require(lsoas, ["ward_code", "ward_name"], "LSOA table")
    n = len(attributes)
    lk = lsoas[["ward_code", "ward_name"]].copy()
    lk.index = lk.index.astype("string").str.strip()
    lk = lk[lk["ward_code"].notna() | lk["ward_name"].notna()]
    lk["ward_code"] = lk["ward_code"].astype("string").fillna(lk["ward_name"].astype("string"))
    lk["ward_name"] = lk["ward_name"].astype("string").fillna(lk["ward_code"])
    home = attributes["home_lsoa"].astype("string").str.strip()
    known = home.notna()
    inside = known & home.isin(lk.index)
    ward = home[inside].map(lk["ward_code"])
    wards = lk.drop_duplicates("ward_code").set_index("ward_code")["ward_name"]
    counts = ward.value_counts().reindex(wards.index, fill_value=0)
    t = pd.DataFrame({"ward_code": wards.index.astype("string"), "ward_name": wards.values,
                      "offenders": counts.values.astype("int64")})
    t = t.sort_values(["offenders", "ward_name"], ascending=[False, True], kind="mergesort")
    extra = pd.DataFrame({"ward_code": pd.array([pd.NA, pd.NA], dtype="string"),
                          "ward_name": [OUTSIDE, NOT_RECORDED],
                          "offenders": [int((known & ~inside).sum()), int((~known).sum())]})
    t = pd.concat([t, extra], ignore_index=True)
    t["share"] = t["offenders"] / n if n else np.nan
    return t


# ---------------------------------------------------------------------------------------------
# disclosure
# ---------------------------------------------------------------------------------------------
def _published_total(n: int, min_count: int):
    """A table's total of offenders as published: ``"<5"`` when it is itself below the threshold.

    >>> _published_total(3, 5), _published_total(12, 5)
    ('<5', 12)
    """
    return primary_label(min_count) if is_small(n, min_count) else n


def suppress_counts(table: pd.DataFrame, counts: list[str], shares: dict | None = None, min_count: int = 5,
                    total: bool = True) -> tuple[pd.DataFrame, int]:
    """:func:`assessment.disclosure.suppress` on ``counts``; blank each share whose count was suppressed.

    ``shares`` maps share column -> its count column.  Returns (table, cells suppressed).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"n": [20, 3, 9], "share": [0.625, 0.09375, 0.28125]})
    >>> out, k = suppress_counts(t, ["n"], {"share": "n"}, min_count=5)
    >>> out["n"].tolist(), out["share"].isna().tolist(), k
    ([20, '<5', '[c]'], [False, True, True], 2)
    """
    out, k = suppress(table, counts, min_count=min_count, total=total)
    for s, c in (shares or {}).items():
        hidden = out[c].astype(object).map(is_hidden)
        out[s] = out[s].astype("Float64").mask(hidden.to_numpy(dtype=bool))
    return out, k


# ---------------------------------------------------------------------------------------------
# sentences
# ---------------------------------------------------------------------------------------------
def _pct(x) -> str:
    """A share in a sentence, chart label or title: the report's one rule (1 decimal place, see
    :mod:`assessment.rounding`), so the chapter and the executive summary state the same figure alike."""
    return pct(x)


def concentration_sentence(table: pd.DataFrame, label: str) -> str:
    """'In 2024/25 the top 1% of offenders (3 people) were linked to 9.0% of offender-linked crimes
    and 2.0% of all recorded crime; ...'.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"group": ["Top 1%"], "offenders": [3], "share_linked": [0.09], "share_all": [0.02]},
    ...                  index=pd.Index([0.01], name="p"))
    >>> concentration_sentence(t, "2024/25")
    'In 2024/25 the top 1% of offenders (3 offenders) were linked to 9.0% of offender-linked crimes and 2.0% of all recorded crime.'
    """
    parts = []
    for _i, (p, r) in enumerate(table.iterrows()):
        who = f"the top {_pct_label(p)} of offenders ({int(r['offenders']):,} offender{'s' if r['offenders'] != 1 else ''})"
        if pd.isna(r["share_linked"]):
            parts.append(f"{who}: figures suppressed (fewer than the disclosure threshold)")
            continue
        s = f"{who} were linked to {_pct(r['share_linked'])} of offender-linked crimes"
        if pd.notna(r["share_all"]):
            s += f" and {_pct(r['share_all'])} of all recorded crime"
        parts.append(s)
    if not parts:
        return ""
    return f"In {label} " + "; ".join(parts) + "."


def common_offences_sentence(mix: pd.DataFrame, p: float = 0.10, n: int = 3) -> str:
    """'Common offences committed by the most prolific offenders (the top 10%) include ...'.

    ``mix`` is the published :func:`crime_mix` table (suppressed cells skipped).

    >>> import pandas as pd
    >>> m = pd.DataFrame({"top_crimes": [40, 30, 10], "top_share": [0.5, 0.375, 0.125]},
    ...                  index=["Burglary", "Theft from motor vehicle", "Robbery"])
    >>> common_offences_sentence(m, n=2)
    'Common offences committed by the most prolific offenders (the top 10%) include burglary (50.0% of their linked crimes) and theft from motor vehicle (37.5%).'
    """
    m = mix[pd.to_numeric(mix["top_share"], errors="coerce").notna()]
    m = m[m.index.astype(str) != NOT_RECORDED]
    m = m.reindex(pd.to_numeric(m["top_share"]).sort_values(ascending=False, kind="mergesort").index).head(n)
    if m.empty:
        return ""
    items = [f"{_lower_first(str(t))} ({_pct(float(s))}{' of their linked crimes' if i == 0 else ''})"
             for i, (t, s) in enumerate(zip(m.index, m["top_share"]))]
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f"Common offences committed by the most prolific offenders (the top {_pct_label(p)}) include {listed}."


def _lower_first(s: str) -> str:
    # "Burglary" -> "burglary", but keep acronyms such as "ASB" or "MOPAC"
    return s if len(s) > 1 and s[:2].isupper() else s[:1].lower() + s[1:]


def wards_sentence(wards: pd.DataFrame, n: int = 5) -> str:
    """'North (40.0%), South (20.0%) ... house the highest numbers of offenders.'

    ``wards`` is the published :func:`offenders_by_ward` table; suppressed wards and the
    'outside' / 'not recorded' rows are skipped.

    >>> import pandas as pd
    >>> w = pd.DataFrame({"ward_name": ["North", "South", "Outside the area"], "offenders": [8, 6, 2],
    ...                   "share": [0.5, 0.375, 0.125]})
    >>> wards_sentence(w)
    'North (50.0%) and South (37.5%) house the highest numbers of offenders.'
    """
    w = wards[~wards["ward_name"].isin([OUTSIDE, NOT_RECORDED, "Total"])]
    w = w[pd.to_numeric(w["offenders"], errors="coerce").fillna(0) > 0]
    w = w[pd.to_numeric(w["share"], errors="coerce").notna()].head(n)
    if w.empty:
        return ""
    items = [f"{name} ({_pct(float(s))})" for name, s in zip(w["ward_name"], w["share"])]
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    verb = "houses" if len(items) == 1 else "house"
    return f"{listed} {verb} the highest numbers of offenders."


# ---------------------------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------------------------
def lorenz_figure(curve: pd.DataFrame, table: pd.DataFrame | None = None, gini_value: float | None = None):
    """The concentration curve with the top-p% groups marked and labelled, and the equality line.

    Each group is marked at its actual share of offenders (⌈p·N⌉/N, which is above p when N is
    small) so the marks sit on the curve; groups that coincide share one label.
    """
    import matplotlib.pyplot as plt

    from .figures.style import PALETTE
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    ax.plot(curve["offenders_share"] * 100, curve["crimes_share"] * 100, color=PALETTE[0], lw=2.2,
            label="Offenders ranked from most to fewest crimes")
    ax.plot([0, 100], [0, 100], color=PALETTE[4], lw=1, ls="--", label="Equal shares (every offender alike)")
    n = len(curve) - 1
    if table is not None and n > 0:
        points: dict = {}
        for p, r in table.iterrows():
            if pd.isna(r["share_linked"]):
                continue
            points.setdefault(int(r["offenders"]), []).append((p, float(r["share_linked"])))
        for k, items in points.items():
            x, y = k / n * 100, items[0][1] * 100
            ax.plot(x, y, "o", color=PALETTE[2], ms=6)
            names = " and ".join(_pct_label(p) for p, _ in items)
            ax.annotate(f"Top {names}: {_pct(items[0][1])}", (x, y), xytext=(8, -4), textcoords="offset points",
                        fontsize=8.5, va="top")
        ax.plot([], [], "o", color=PALETTE[2], ms=6, label="Top 1%, 5%, 10%, 20% of offenders")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 101)
    ax.set_xlabel("Share of offenders (%), most prolific first")
    ax.set_ylabel("Share of offender-linked crimes (%)")
    ax.grid(axis="both")
    if gini_value is not None and not math.isnan(gini_value):
        ax.text(98, 4, f"Gini = {gini_value:.2f}", ha="right", fontsize=9)
    ax.legend(loc="lower right", bbox_to_anchor=(1, 0.08), fontsize=8.5)
    fig.tight_layout()
    return fig


def crime_mix_figure(mix: pd.DataFrame, p: float = 0.10, n: int = 10):
    """Paired horizontal bars: share of each crime type for the top ``p`` (solid) and the rest (hatched).

    ``mix`` is the published table; types whose shares are suppressed are left out.
    """
    import matplotlib.pyplot as plt

    from .figures.style import PALETTE
    m = mix.copy()
    for c in ("top_share", "rest_share"):
        m[c] = pd.to_numeric(m[c], errors="coerce")
    m = m[m["top_share"].notna() | m["rest_share"].notna()]
    m = m.reindex((m["top_share"].fillna(0) + m["rest_share"].fillna(0)).sort_values(ascending=False).index).head(n)
    m = m.iloc[::-1]
    y = np.arange(len(m))
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(m) + 1.4))
    h = 0.38
    ax.barh(y + h / 2, m["top_share"].fillna(0) * 100, height=h, color=PALETTE[0],
            label=f"Top {_pct_label(p)} of offenders")
    ax.barh(y - h / 2, m["rest_share"].fillna(0) * 100, height=h, color=PALETTE[1], hatch="//",
            edgecolor="white", label="Other offenders")
    for yy, (a, b) in enumerate(zip(m["top_share"], m["rest_share"])):
        if pd.notna(a):
            ax.annotate(_pct(float(a)), (a * 100, yy + h / 2), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        if pd.notna(b):
            ax.annotate(_pct(float(b)), (b * 100, yy - h / 2), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
    ax.set_yticks(y, [str(i) for i in m.index])
    ax.set_xlabel("Share of the group's offender-linked crimes (%)")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    top = np.nanmax(np.r_[m["top_share"].fillna(0).to_numpy(), m["rest_share"].fillna(0).to_numpy(), 0.01]) * 100
    ax.set_xlim(0, top * 1.18)
    ax.legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


def ward_polygons(boundaries, lsoas: pd.DataFrame):
    """Ward polygons: the LSOA boundaries dissolved by the lookup's ``ward_code``.

    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=27700,
    ...                      index=pd.Index(["L1", "L2"], name="lsoa_code"))
    >>> w = ward_polygons(b, pd.DataFrame({"ward_code": ["W1", "W1"]}, index=b.index))
    >>> w["ward_code"].tolist(), float(w.area.iloc[0])
    (['W1'], 2.0)
    """
    _require(lsoas, ["ward_code"], "LSOA table")
    g = boundaries[["geometry"]].join(lsoas[["ward_code"]].astype({"ward_code": "string"}), how="inner")
    g = g[g["ward_code"].notna()]
    return g.dissolve(by="ward_code").reset_index()


def ward_map(wards: pd.DataFrame, boundaries, lsoas: pd.DataFrame, min_count: int = 5,
             attribution: str | None = None, label_top: int = 5):
    """Choropleth of offenders by home ward, from the *published* ward table.

    Ward polygons are the LSOA boundaries dissolved by ward (:func:`ward_polygons`), classed by
    Fisher–Jenks natural breaks with :func:`assessment.figures.maps.choropleth` (a plain geopandas
    fallback when that module is absent); the ``label_top`` wards with most offenders are named.
    Suppressed wards are hatched and not coloured, so the map discloses no more than the table:
    a ward below the threshold ("<5") is drawn as "Fewer than 5", a ward hidden only so that a
    total cannot reveal another ("[c]", secondary suppression — its count may be large) has a
    class of its own.  Returns None when every ward is suppressed (nothing to map).
    """
    from matplotlib.patches import Patch

    g = ward_polygons(boundaries, lsoas)
    w = wards[wards["ward_code"].notna()][["ward_code", "ward_name", "offenders"]].copy()
    w["ward_code"] = w["ward_code"].astype("string")
    g = g.merge(w, on="ward_code", how="left")
    hidden = g["offenders"].map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    secondary = (g["offenders"].astype(object) == SECONDARY).to_numpy(dtype=bool)
    small_label = f"Fewer than {min_count} (not shown)"
    secondary_label = f"Hidden so that totals cannot reveal a count below {min_count} ([c])"
    g["Offenders"] = pd.to_numeric(g["offenders"].where(~hidden), errors="coerce").astype(float)
    g = g.drop(columns=["offenders"])
    shown = g[~hidden & g["Offenders"].notna()]
    if shown.empty:
        return None
    try:
        from .figures.maps import choropleth  # absent maps: the plain fallback below draws (tested)
    except ImportError:
        choropleth = None
    if choropleth is not None:
        k = int(min(5, shown["Offenders"].nunique()))
        return choropleth(g, "Offenders", scheme="NaturalBreaks", k=k, label_top=label_top,
                          label_column="ward_name", legend_title="Offenders living in the ward",
                          attribution=attribution or "", missing_label=small_label,
                          missing_groups={secondary_label: secondary})
    fig, ax = _ward_map_fallback(shown, label_top, attribution)
    if hidden.any():
        leg = ax.get_legend()
        handles = []
        for mask, hatch, label in ((hidden & ~secondary, "..", small_label), (secondary, "xx", secondary_label)):
            if mask.any():
                g[mask].plot(ax=ax, facecolor="white", hatch=hatch, edgecolor="#555555", linewidth=0.5)
                handles.append(Patch(facecolor="white", hatch=hatch, edgecolor="#555555", label=label))
        ax.legend(handles=handles, loc="upper right", fontsize=8)
        if leg is not None:
            ax.add_artist(leg)
    return fig


def _ward_map_fallback(shown, label_top: int, attribution: str | None):
    import mapclassify
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from .figures.style import SEQUENTIAL
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.set_axis_off()
    if len(shown):
        vals = shown["Offenders"].to_numpy()
        uniq = np.unique(vals)
        bins = uniq if len(uniq) <= 5 else mapclassify.FisherJenks(vals, k=5).bins
        cls = np.searchsorted(bins, vals, side="left")
        colors = plt.get_cmap(SEQUENTIAL)(np.linspace(0.15, 0.9, len(bins)))
        shown.plot(ax=ax, color=[colors[c] for c in cls], edgecolor="#555555", linewidth=0.5)
        handles, _lo = [], None
        for i, hi in enumerate(bins):
            lo_i = vals.min() if i == 0 else np.floor(bins[i - 1]) + 1
            text = f"{hi:,.0f}" if len(uniq) <= 5 or lo_i >= hi else f"{lo_i:,.0f}–{hi:,.0f}"
            handles.append(Patch(facecolor=colors[i], edgecolor="#555555", label=text))
        ax.legend(handles=handles, title="Offenders living in the ward", loc="lower left", fontsize=8,
                  bbox_to_anchor=(0, -0.12))
        top = shown.sort_values(["Offenders", "ward_name"], ascending=[False, True]).head(label_top)
        for _, r in top.iterrows():
            pt = r.geometry.representative_point()
            ax.annotate(str(r["ward_name"]), (pt.x, pt.y), ha="center", fontsize=8,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8})
    if attribution:
        ax.annotate(attribution, (1, -0.02), xycoords="axes fraction", ha="right", va="top", fontsize=7)
    return fig, ax


# ---------------------------------------------------------------------------------------------
# the whole chapter
# ---------------------------------------------------------------------------------------------
@dataclass
class OffendersResult:
    """Everything chapter 3 publishes (no offender ids), computed once by :func:`analyse`."""

    available: bool
    period_label: str
    headlines: dict
    notes: dict = field(default_factory=dict)
    suppressed: list = field(default_factory=list)
    offenders: int | None = None
    linked_crimes: int | None = None
    all_crimes: int | None = None
    concentration: pd.DataFrame | None = None
    concentration_title: str = ""
    concentration_sentence: str = ""
    ties_note: str = ""
    curve: pd.DataFrame | None = None
    gini: float | None = None
    lorenz_title: str = ""
    prolific: dict | None = None
    prolific_sentence: str = ""
    mix: pd.DataFrame | None = None
    mix_share: float = 0.10
    mix_title: str = ""
    mix_sentence: str = ""
    wards: pd.DataFrame | None = None
    wards_title: str = ""
    wards_sentence: str = ""
    age_sex: pd.DataFrame | None = None
    age_sex_title: str = ""
    age_sex_sentence: str = ""
    link_quality: dict | None = None
    link_note: str = ""
    audit: dict = field(default_factory=dict)    # table -> disclosure-audit outcome (see disclosure_audit)

    def note(self, section: str) -> str:
        """The one-line note for a section that is left out ('' when it is shown)."""
        return self.notes.get(section, "")


def empty_headlines(shares=(0.01, 0.05, 0.10, 0.20)) -> dict:
    """Every headline key of the chapter, all ``None`` (a figure that cannot be computed is null).

    >>> sorted(empty_headlines([0.01]))[:4]
    ['offenders.all_crimes', 'offenders.gini', 'offenders.linked_crimes', 'offenders.offenders']
    """
    h = {"offenders.offenders": None, "offenders.linked_crimes": None, "offenders.all_crimes": None,
         "offenders.gini": None, "offenders.prolific": None, "offenders.prolific_threshold": None,
         "offenders.prolific_share.linked": None, "offenders.prolific_share.all": None,
         "offenders.top_wards": None, "offenders.outside_area": None, "offenders.peak_age_band": None,
         "offenders.top_mix_types": None}
    for p in sorted(set(list(shares) + [0.01, 0.05, 0.10, 0.20])):
        k = share_key(p)
        h[f"offenders.top_count.{k}"] = None
        h[f"offenders.top_share.{k}.linked"] = None
        h[f"offenders.top_share.{k}.all"] = None
    return h


def analyse(ds) -> OffendersResult:
    """Compute chapter 3 for a :class:`~assessment.dataset.Dataset`.

    Everything returned is publishable: counts below ``config.disclosure.min_count`` are
    suppressed (with secondary suppression) in the ward, crime-mix and age/sex tables; headline
    counts below it are ``None``; no table holds an offender id.  Sections whose inputs are
    missing (no offenders link, no home_lsoa, no age, no sex) are left out with a note in
    ``result.notes``.

    Example
    -------
    >>> result = analyse(run.dataset)  # doctest: +SKIP
    >>> result.headlines["offenders.top_share.1.linked"]  # doctest: +SKIP
    0.094
    """
    cfg = ds.config.offenders
    min_count = ds.config.disclosure.min_count
    period = ds.period
    shares = list(cfg.shares)
    headlines = empty_headlines(shares)
    res = OffendersResult(available=False, period_label=period.label, headlines=headlines, mix_share=cfg.mix_share)
    offenders = ds.offenders
    all_crimes = int(ds.crimes_in(period)["count"].sum()) if ds.crimes is not None and len(ds.crimes) else 0
    res.all_crimes = all_crimes
    headlines["offenders.all_crimes"] = all_crimes
    if offenders is None or not _has(offenders, "offender_id"):
        res.notes["all"] = ("No offenders link was supplied (police.uk and published-count data hold no offender "
                            "information), so this chapter is left out; its headline figures are null.")
        return res
    if not ds.record_level or "crime_id" not in ds.crimes.columns or ds.crimes["crime_id"].isna().all():
        res.notes["all"] = ("The crime data have no crime references to join the offenders link to, so this "
                            "chapter is left out; its headline figures are null.")
        return res
    links = period_links(offenders, ds.crimes, period)
    q = link_quality(offenders, ds.crimes, period)
    res.link_quality = q
    res.link_note = _link_note(q, period.label)
    if links.empty:
        res.notes["all"] = (f"No offender is linked to a crime in {period.label}, so there are no offender "
                            "figures for this period; its headline figures are null.")
        return res
    res.available = True
    per = per_offender_from_links(links)
    n = len(per)
    linked = int(links["crime_id"].nunique())
    res.offenders, res.linked_crimes = n, linked
    headlines["offenders.offenders"] = suppress_value(n, min_count)
    headlines["offenders.linked_crimes"] = suppress_value(linked, min_count)

    # concentration -------------------------------------------------------------------------
    conc = concentration(links, all_crimes, shares, per_offender=per)
    published, k = suppress_counts(conc, ["crimes"], {"share_linked": "crimes", "share_all": "crimes"},
                                   min_count=min_count, total=False)
    if k:
        res.suppressed.append(f"offender concentration: {k} group crime count(s) below {min_count} and their shares")
    tied = [(_pct_label(p)) for p in shares if ties_at_boundary(per, p) > 0]
    if tied:
        res.ties_note = (f"At the {', '.join(tied)} boundar{'ies' if len(tied) > 1 else 'y'} some offenders just outside "
                         "the group had as many crimes as the last offender inside it; who is in the group was decided "
                         "by the tie rule (offender reference order — arbitrary but reproducible).")

    # curve and Gini ------------------------------------------------------------------------
    res.curve = concentration_curve(links, per)
    res.gini = gini(per["crimes"])
    headlines["offenders.gini"] = None if math.isnan(res.gini) else res.gini

    # prolific ------------------------------------------------------------------------------
    pr = prolific(links, all_crimes, cfg.prolific_threshold, per_offender=per)
    pub = dict(pr)
    pub["offenders"] = suppress_value(pr["offenders"], min_count)
    pub["crimes"] = suppress_value(pr["crimes"], min_count)
    if pub["offenders"] is None:
        pub["offenders_share"] = None
    if pub["crimes"] is None:
        pub["share_linked"] = pub["share_all"] = None
    if pub["offenders"] is None and pr["offenders"] > 0:
        res.suppressed.append(f"number of prolific offenders (below {min_count})")

    # crime mix -----------------------------------------------------------------------------
    mix_pub = None
    if _has(links, "crime_type"):
        mix = crime_mix(links, cfg.mix_share, per_offender=per)
        mix_pub, k = suppress_counts(mix, ["top_crimes", "rest_crimes"],
                                     {"top_share": "top_crimes", "rest_share": "rest_crimes"},
                                     min_count=min_count, total=True)
        if k:
            res.suppressed.append(f"offender crime mix: {k} crime-type count(s) (below {min_count}, or hidden so a "
                                  "total cannot reveal one)")
    else:
        res.notes["mix"] = "The crime data hold no crime types, so the crime-type mix is not shown."

    # who they are --------------------------------------------------------------------------
    attrs = offender_attributes(links)
    wards_pub = None
    if not _has(links, "home_lsoa"):
        res.notes["wards"] = "The offenders link has no home LSOA, so where offenders live is not shown."
    elif ds.lsoas is None or not (_has(ds.lsoas, "ward_code") or _has(ds.lsoas, "ward_name")):
        res.notes["wards"] = ("No LSOA-to-ward lookup was supplied (inputs.wards), so offenders cannot be placed in "
                              "wards and where offenders live is not shown.")
    else:
        wards = offenders_by_ward(attrs, ds.lsoas)
        wpub, k = suppress_counts(wards, ["offenders"], {"share": "offenders"}, min_count=min_count, total=True)
        if k:
            res.suppressed.append(f"offenders by ward: {k} count(s) (below {min_count}, or hidden so the total cannot "
                                  "reveal one)")
        total_row = pd.DataFrame({"ward_code": pd.array([pd.NA], dtype="string"), "ward_name": ["Total"],
                                  "offenders": [_published_total(n, min_count)], "share": [1.0]})
        wards_pub = pd.concat([wpub, total_row], ignore_index=True)

    if not _has(links, "age"):
        res.notes["age"] = "The offenders link has no ages, so the age breakdown is not shown."
    if not _has(links, "sex"):
        res.notes["sex"] = "The offenders link has no sex recorded, so the breakdown by sex is not shown."
    bd = age_sex_breakdown(attrs, cfg.age_bands)
    age_sex_pub = None
    if len(bd):
        parts, total_k = [], 0
        for name, block in bd.groupby("breakdown", sort=False):
            b, k = suppress_counts(block.reset_index(drop=True), ["offenders"], {"share": "offenders"},
                                   min_count=min_count, total=True)
            total_k += k
            parts.append(pd.concat([b, pd.DataFrame({"breakdown": [name], "group": ["Total"],
                                                     "offenders": [_published_total(n, min_count)],
                                                     "share": [1.0]})], ignore_index=True))
        if total_k:
            res.suppressed.append(f"offenders by age band and sex: {total_k} count(s) (below {min_count}, or hidden so "
                                  "a total cannot reveal one)")
        age_sex_pub = pd.concat(parts, ignore_index=True)

    # disclosure audit: no hidden count may be worked out from everything published together ----
    fam = OffendersFamily(published, pub, mix_pub, wards_pub, age_sex_pub,
                          n=headlines["offenders.offenders"], min_count=min_count, mix_share=cfg.mix_share,
                          mix_group=group_size(n, cfg.mix_share),
                          small={"prolific": _small_count(pr["offenders"], min_count),
                                 "prolific_crimes": _small_count(pr["crimes"], min_count)})
    res.audit = {k: v.as_dict() for k, v in protect(fam).items()}
    if fam.log:
        res.suppressed.append("hidden as well, because with the other published figures they would have let a "
                              "reader work out a hidden count (disclosure audit): " + "; ".join(fam.hidden_labels()))
    published, pub, mix_pub, wards_pub, age_sex_pub = fam.concentration, fam.prolific, fam.mix, fam.wards, fam.age_sex

    # what is published, written from the audited tables ---------------------------------------
    res.concentration = published
    for p, r in published.iterrows():
        key = share_key(p)
        headlines[f"offenders.top_count.{key}"] = int(r["offenders"])
        headlines[f"offenders.top_share.{key}.linked"] = None if pd.isna(r["share_linked"]) else float(r["share_linked"])
        headlines[f"offenders.top_share.{key}.all"] = None if pd.isna(r["share_all"]) else float(r["share_all"])
    res.concentration_sentence = concentration_sentence(published, period.label)
    res.concentration_title = _concentration_title(published)
    res.lorenz_title = _lorenz_title(published, res.gini)

    res.prolific = pub
    headlines["offenders.prolific"] = pub["offenders"]
    headlines["offenders.prolific_threshold"] = pr["threshold"]
    headlines["offenders.prolific_share.linked"] = pub["share_linked"]
    headlines["offenders.prolific_share.all"] = pub["share_all"]
    res.prolific_sentence = _prolific_sentence(pub, pr, period.label, min_count)

    if mix_pub is not None:
        res.mix = mix_pub
        res.mix_sentence = common_offences_sentence(mix_pub, cfg.mix_share)
        res.mix_title = _mix_title(mix_pub, cfg.mix_share)
        top_types = [str(t) for t in pd.to_numeric(mix_pub["top_share"], errors="coerce").dropna()
                     .sort_values(ascending=False, kind="mergesort").index[:3]]
        headlines["offenders.top_mix_types"] = top_types or None

    if wards_pub is not None:
        res.wards = wards_pub
        wpub = wards_pub[~((wards_pub["ward_name"] == "Total") & wards_pub["ward_code"].isna())]
        res.wards_sentence = wards_sentence(wpub, cfg.top_wards)
        res.wards_title = _wards_title(wpub)
        top = wpub[~wpub["ward_name"].isin([OUTSIDE, NOT_RECORDED])]
        top = top[pd.to_numeric(top["share"], errors="coerce").notna() & (pd.to_numeric(top["offenders"], errors="coerce") > 0)]
        headlines["offenders.top_wards"] = [str(x) for x in top["ward_name"].head(cfg.top_wards)] or None
        out_row = wpub[wpub["ward_name"] == OUTSIDE]["offenders"].iloc[0]
        headlines["offenders.outside_area"] = out_row if not isinstance(out_row, str) else None

    if age_sex_pub is not None:
        res.age_sex = age_sex_pub
        peak = peak_age_band(res.age_sex)
        headlines["offenders.peak_age_band"] = peak
        res.age_sex_sentence, res.age_sex_title = _age_sex_text(res.age_sex, peak)

    # the headlines are the audited tables' figures: audit them with everything else
    fam.headlines = headlines
    verify(fam)
    res.audit = {k: v.as_dict() for k, v in fam.outcome.items()}
    return res


def _small_count(v, min_count: int) -> bool:
    return is_small(v, min_count)


def _link_note(q: dict, label: str) -> str:
    s = f"{q['used']:,} offender–crime links are to crimes in {label}"
    bits = []
    if q["other_period"]:
        bits.append(f"{q['other_period']:,} link(s) to crimes in other years of the data")
    if q["crime_not_found"]:
        bits.append(f"{q['crime_not_found']:,} link(s) to crimes not in the crimes data")
    if q["duplicate"]:
        bits.append(f"{q['duplicate']:,} repeated link(s) (the same offender and crime listed again)")
    if q["no_reference"]:
        bits.append(f"{q['no_reference']:,} link(s) with no crime or offender reference")
    if bits:
        s += "; not used in this chapter: " + "; ".join(bits)
    return s + ". Rows excluded when the offenders file was loaded are listed in the data-quality appendix."


def _concentration_title(t: pd.DataFrame) -> str:
    ok = t[pd.notna(t["share_linked"])]
    if ok.empty:
        return "Share of crime linked to the most prolific offenders"
    p = 0.10 if 0.10 in ok.index else ok.index[min(len(ok) - 1, 2)]
    r = ok.loc[p]
    s = f"The top {_pct_label(p)} of offenders were linked to {_pct(r['share_linked'])} of offender-linked crimes"
    if pd.notna(r["share_all"]):
        s += f" ({_pct(r['share_all'])} of all recorded crime)"
    return s


def _lorenz_title(t: pd.DataFrame, g: float) -> str:
    ok = t[pd.notna(t["share_linked"])]
    if 0.2 in ok.index:
        return (f"One in five offenders is linked to {_pct(ok.loc[0.2, 'share_linked'])} of offender-linked crimes "
                f"(Gini {g:.2f})")
    return f"Offender-linked crime is concentrated among a few offenders (Gini {g:.2f})"


def _prolific_sentence(pub: dict, raw: dict, label: str, min_count: int) -> str:
    t = raw["threshold"]
    if raw["offenders"] == 0:
        return f"No offender was linked to {t} or more crimes in {label}."
    if pub["offenders"] is None:
        who = f"Fewer than {min_count} offenders"
    else:
        who = f"{pub['offenders']:,} offenders ({_pct(pub['offenders_share'])} of all offenders)"
    s = f"{who} were linked to {t} or more crimes in {label} (the 'prolific' threshold)"
    if pub["share_linked"] is not None:
        s += (f"; between them they were linked to {_pct(pub['share_linked'])} of offender-linked crimes"
              + (f" and {_pct(pub['share_all'])} of all recorded crime" if pub["share_all"] is not None else ""))
    return s + "."


def _mix_title(mix: pd.DataFrame, p: float) -> str:
    m = mix.copy()
    m["top_share"] = pd.to_numeric(m["top_share"], errors="coerce")
    m["rest_share"] = pd.to_numeric(m["rest_share"], errors="coerce")
    m = m.dropna(subset=["top_share", "rest_share"])
    m = m[m.index.astype(str) != NOT_RECORDED]
    if m.empty:
        return f"Crime types of the top {_pct_label(p)} of offenders and the rest"
    diff = (m["top_share"] - m["rest_share"]).sort_values(ascending=False, kind="mergesort")
    t = diff.index[0]
    if diff.iloc[0] <= 0:
        return f"The top {_pct_label(p)} of offenders commit a similar mix of crimes to other offenders"
    return (f"{t} makes up {_pct(m.loc[t, 'top_share'])} of crimes linked to the top {_pct_label(p)} of offenders, "
            f"against {_pct(m.loc[t, 'rest_share'])} for other offenders")


def _wards_title(w: pd.DataFrame) -> str:
    ok = w[~w["ward_name"].isin([OUTSIDE, NOT_RECORDED])]
    ok = ok[pd.to_numeric(ok["share"], errors="coerce").notna() & (pd.to_numeric(ok["offenders"], errors="coerce") > 0)]
    if ok.empty:
        return "Offenders by ward of home address"
    r = ok.iloc[0]
    return f"More offenders live in {r['ward_name']} than in any other ward ({_pct(float(r['share']))} of offenders)"


def _age_sex_text(t: pd.DataFrame, peak: str | None) -> tuple[str, str]:
    bits, title = [], "Offenders by age band and sex"
    if peak is not None:
        r = t[(t["breakdown"] == "Age band") & (t["group"] == peak)].iloc[0]
        bits.append(f"The peak offending age band is {peak}: {_pct(float(r['share']))} of offenders were aged {peak} "
                    "when first linked to a crime in the period.")
        title = f"Offenders aged {peak} are the largest age group ({_pct(float(r['share']))})"
    s = t[(t["breakdown"] == "Sex") & t["group"].isin(["Male", "Female"])]
    s = s[pd.to_numeric(s["share"], errors="coerce").notna()]
    if len(s):
        bits.append(" ".join(f"{_pct(float(r['share']))} of offenders are recorded as {str(r['group']).lower()}."
                             for _, r in s.iterrows()))
    return " ".join(bits), title


def concentration_display(t: pd.DataFrame) -> pd.DataFrame:
    """The concentration table as published, each column naming its denominator.

    >>> import pandas as pd
    >>> t = concentration(pd.DataFrame({"crime_id": ["c1"], "offender_id": ["A"]}), 4, [0.1])
    >>> list(concentration_display(t).columns)[:3]
    ['Top share of offenders', 'Offenders in group', 'Crimes linked to the group']
    """
    d = t.reset_index()
    d["p"] = d["p"].map(lambda p: f"Top {_pct_label(p)}")
    d = d.drop(columns=["group"])
    return d.rename(columns={
        "p": "Top share of offenders", "offenders": "Offenders in group", "crimes": "Crimes linked to the group",
        "linked_crimes": "Offender-linked crimes (linked denominator)",
        "share_linked": "Share of offender-linked crimes",
        "all_crimes": "All recorded crimes (all denominator)", "share_all": "Share of all recorded crime"})


def concentration_csv(t: pd.DataFrame) -> pd.DataFrame:
    """The concentration table for ``tables/offender_concentration.csv`` (machine-friendly names).

    Columns: p, group, offenders_in_group, crimes, share_linked, linked_denominator,
    share_all, all_denominator, plus the denominators' definitions.
    """
    d = t.reset_index().rename(columns={"offenders": "offenders_in_group", "linked_crimes": "linked_denominator",
                                        "all_crimes": "all_denominator"})
    d["linked_denominator_is"] = "distinct crimes in the period with at least one linked offender"
    d["all_denominator_is"] = "all recorded crimes in the area in the period"
    return d[["p", "group", "offenders_in_group", "crimes", "share_linked", "linked_denominator",
              "linked_denominator_is", "share_all", "all_denominator", "all_denominator_is"]]


# ---------------------------------------------------------------------------------------------
# publishing (what the notebook shows and writes; none of it holds an offender id)
# ---------------------------------------------------------------------------------------------
def _int_or_label(v):
    return v if isinstance(v, str) or v is None or (not isinstance(v, str) and pd.isna(v)) else int(v)


def published_tables(result: OffendersResult) -> dict:
    """The chapter's tables: name -> {"csv", "display", "title", "formats", "note"}.

    ``csv`` is written to ``tables/<name>.csv`` (machine-friendly column names); ``display``
    is shown in the report (readable names stating each denominator).  Tables whose section
    is left out are absent.  Names: offender_concentration, offender_crime_mix,
    offender_wards, offender_age_sex.
    """
    out = {}
    pct = PCT
    if result.concentration is not None:
        disp = concentration_display(result.concentration)
        out["offender_concentration"] = {
            "csv": concentration_csv(result.concentration), "display": disp, "title": result.concentration_title,
            "formats": {"Share of offender-linked crimes": pct, "Share of all recorded crime": pct},
            "note": ("Crimes linked to the group: distinct crimes linked to at least one offender in the group. "
                     "Linked denominator: distinct crimes in the period with at least one linked offender. "
                     "All denominator: all crimes recorded in the area in the period. " + result.ties_note).strip()}
    if result.mix is not None:
        p = _pct_label(result.mix_share)
        csv = result.mix.reset_index()
        disp = csv.rename(columns={"crime_type": "Crime type", "top_crimes": f"Crimes linked to the top {p}",
                                   "top_share": f"Share of the top {p}'s crimes",
                                   "rest_crimes": "Crimes linked only to other offenders",
                                   "rest_share": "Share of other offenders' crimes"})
        out["offender_crime_mix"] = {
            "csv": csv, "display": disp, "title": result.mix_title,
            "formats": {f"Share of the top {p}'s crimes": pct, "Share of other offenders' crimes": pct},
            "note": (f"A crime linked to at least one offender in the top {p} counts in the top group, otherwise in "
                     "'other offenders'. Shares are of each group's offender-linked crimes.")}
    if result.wards is not None:
        csv = result.wards.copy()
        disp = csv.rename(columns={"ward_code": "Ward code", "ward_name": "Ward", "offenders": "Offenders living there",
                                   "share": "Share of all offenders"})
        out["offender_wards"] = {
            "csv": csv, "display": disp, "title": result.wards_title, "formats": {"Share of all offenders": pct},
            "note": ("Ward of each offender's most recent home LSOA in the period. 'Outside the area': a home LSOA "
                     "that is not in the area; 'Not recorded': no home LSOA.")}
    if result.age_sex is not None:
        csv = result.age_sex.copy()
        disp = csv.rename(columns={"breakdown": "Breakdown", "group": "Group", "offenders": "Offenders",
                                   "share": "Share of all offenders"})
        out["offender_age_sex"] = {"csv": csv, "display": disp, "title": result.age_sex_title,
                                   "formats": {"Share of all offenders": pct},
                                   "note": "Age when first linked to a crime in the period."}
    return out


def publish_table(run, result: OffendersResult, name: str) -> None:
    """Write ``tables/<name>.csv`` and show the readable table (both checked for identifiers by ``run``)."""
    t = published_tables(result).get(name)
    if t is None:
        return
    run.table(t["csv"], name, title=t["title"], show=False, audit=result.audit.get(name))
    run.table(t["display"], None, title=t["title"], formats=t["formats"], note=t["note"])


def suppression_text(result: OffendersResult, min_count: int) -> str:
    """What was suppressed in this chapter and why (one paragraph for the report).

    >>> r = OffendersResult(available=True, period_label="2024/25", headlines={}, suppressed=["offenders by ward: 2 count(s)"])
    >>> suppression_text(r, 5)
    'Disclosure control: counts below 5 — of offenders, or of crimes in tables built from offender records — are shown as "<5" (with the matching share left blank), and where a total would let a reader work one out, the next-smallest count is hidden too. Suppressed in this chapter: offenders by ward: 2 count(s).'
    """
    head = (f"Disclosure control: counts below {min_count} — of offenders, or of crimes in tables built from "
            f'offender records — are shown as "<{min_count}" (with the matching share left blank), and where a '
            "total would let a reader work one out, the next-smallest count is hidden too.")
    if not result.suppressed:
        return head + " Nothing needed to be suppressed in this chapter."
    return head + " Suppressed in this chapter: " + "; ".join(result.suppressed) + "."
