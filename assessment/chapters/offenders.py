"""Chapter 3 — who drives crime: prolific offenders (§5.3).

:func:`analyse` takes a :class:`~assessment.dataset.Dataset` and returns an :class:`OffendersResult`:
the chapter's published tables, the data of its figures and its headline figures, all after
disclosure control — data only (the sentences are :mod:`assessment.words.offenders`, the figures
:mod:`assessment.figures.offenders`, the statistics :mod:`assessment.stats.offenders`).

Here are the chapter's own steps: the canonical ``offenders`` link (crime_id, offender_id, age,
sex, home_lsoa) restricted to the crimes of the assessment period (:func:`period_links`,
:func:`link_quality`), who the offenders are (:func:`offender_attributes`, :func:`age_sex_breakdown`,
:func:`offenders_by_ward`) and disclosure control.  Offender ids are used to count and rank and never
leave this module in anything the chapter publishes: the result holds no table with one, and
:meth:`assessment.workbook.Run.table` refuses any table that holds one.

Example
-------
>>> import pandas as pd
>>> from assessment.periods import financial_year
>>> from assessment.stats import offenders as offender_stats
>>> crimes = pd.DataFrame({"crime_id": ["c1", "c2", "c3", "c4"],
...                        "month": pd.to_datetime(["2024-05-01"] * 3 + ["2023-05-01"])})
>>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3", "c4"], "offender_id": ["A", "A", "B", "B"]})
>>> offender_stats.crimes_per_offender(period_links(links, crimes, financial_year(2024)))["crimes"].to_dict()
{'A': 2, 'B': 1}
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..disclosure import is_hidden, is_small, primary_label, suppress, suppress_value
from ..disclosure_audit import OffendersFamily, protect, verify
from ..errors import AssessmentError, require_columns
from ..periods import Period
from ..stats import offenders as offender_stats
from ..stats.concentration import gini, share_key, top_k
from ..stats.offenders import NOT_RECORDED, SHARES

__all__ = ["OffendersResult", "analyse", "empty_headlines", "period_links", "link_quality", "normalise_sex",
           "offender_attributes", "age_band_labels", "age_band", "age_sex_breakdown", "peak_age_band",
           "offenders_by_ward", "suppress_counts", "ward_rows", "concentration_csv", "published_tables", "NOT_RECORDED",
           "OUTSIDE", "TABLES"]

#: the ward-table row of offenders whose home LSOA is not in the area
OUTSIDE = "Outside the area"
#: the chapter's published tables, in report order (``tables/<name>.csv``)
TABLES = ("offender_concentration", "offender_crime_mix", "offender_wards", "offender_age_sex")


def _has(df, column) -> bool:
    """True when ``column`` exists in ``df`` and holds at least one value."""
    return df is not None and column in df.columns and bool(df[column].notna().any())


# ---------------------------------------------------------------------------------------------
# the links of the period
# ---------------------------------------------------------------------------------------------
def period_links(offenders: pd.DataFrame, crimes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Distinct (crime, offender) links for crimes whose month falls in ``period``.

    Links with no crime or offender reference are dropped, as are links to crimes not in
    ``crimes`` or outside the period (see :func:`link_quality` for how many).  A pair listed
    more than once is kept once (its first row).

    Parameters
    ----------
    offenders : DataFrame
        The offenders link (crime_id, offender_id and optionally age, sex, home_lsoa).
    crimes : DataFrame
        The crimes (crime_id, month and optionally date, crime_type).
    period : Period
        The assessment period.

    Returns
    -------
    DataFrame
        The link table's index and columns, plus the crime's ``crime_type``, ``month`` and
        ``date`` (when present).

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
    require_columns(offenders, ["crime_id", "offender_id"], "offenders link")
    require_columns(crimes, ["crime_id", "month"], "crimes")
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

    Parameters
    ----------
    offenders, crimes, period
        As :func:`period_links`.

    Returns
    -------
    dict
        ``{"rows", "no_reference", "duplicate", "crime_not_found", "other_period", "used"}``
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
    require_columns(offenders, ["crime_id", "offender_id"], "offenders link")
    require_columns(crimes, ["crime_id", "month"], "crimes")
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

    Parameters
    ----------
    values : Series
        The sex recorded on each link.

    Returns
    -------
    Series of string
        Same index.

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

    Parameters
    ----------
    links : DataFrame
        :func:`period_links`.

    Returns
    -------
    DataFrame
        Indexed by offender_id: ``age`` (Int64), ``sex`` and ``home_lsoa`` (string).

    >>> import pandas as pd
    >>> links = pd.DataFrame({"crime_id": ["c1", "c2"], "offender_id": ["A", "A"],
    ...     "month": pd.to_datetime(["2024-05-01", "2024-04-01"]), "age": [21, 20],
    ...     "sex": ["M", "M"], "home_lsoa": ["E01000002", "E01000001"]})
    >>> offender_attributes(links).to_dict("index")
    {'A': {'age': 20, 'sex': 'Male', 'home_lsoa': 'E01000002'}}
    """
    require_columns(links, ["crime_id", "offender_id"], "offender links")
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

    Parameters
    ----------
    bands : sequence of int
        Increasing lower bounds.

    Returns
    -------
    list of str

    >>> age_band_labels([10, 16, 25, 35, 45, 55])
    ['10–15', '16–24', '25–34', '35–44', '45–54', '55+']
    """
    bands = list(bands)
    if not bands or any(b >= a for b, a in zip(bands, bands[1:])):
        raise AssessmentError(f"age bands: expected increasing lower bounds such as [10, 16, 25], found {bands}")
    return [f"{lo}–{hi - 1}" for lo, hi in zip(bands, bands[1:])] + [f"{bands[-1]}+"]


def age_band(ages: pd.Series, bands=(10, 16, 25, 35, 45, 55)) -> pd.Series:
    """The age band of each age (lower bounds ``bands``); under the first bound -> 'Under 10'.

    Parameters
    ----------
    ages : Series
        Ages (missing allowed).
    bands : sequence of int
        Increasing lower bounds.

    Returns
    -------
    Series of string
        Same index; NA for a missing age.

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

    Parameters
    ----------
    attributes : DataFrame
        :func:`offender_attributes`.
    bands : sequence of int
        Lower bounds of the age bands.

    Returns
    -------
    DataFrame

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

    Parameters
    ----------
    breakdown : DataFrame
        :func:`age_sex_breakdown`, as published (hidden counts are skipped).

    Returns
    -------
    str or None

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

    Every ward of the area is listed (0 when none live there), largest first (equal counts by
    ward name), then the two extra rows.  share = offenders ÷ all offenders (``len(attributes)``).

    Parameters
    ----------
    attributes : DataFrame
        :func:`offender_attributes` (``home_lsoa``).
    lsoas : DataFrame
        The dataset's LSOA table (indexed by lsoa_code, with ward_code and ward_name).

    Returns
    -------
    DataFrame
        ``ward_code``, ``ward_name``, ``offenders``, ``share``.

    >>> import pandas as pd
    >>> lsoas = pd.DataFrame({"ward_code": ["W1", "W1", "W2"], "ward_name": ["North", "North", "South"]},
    ...                      index=pd.Index(["L1", "L2", "L3"], name="lsoa_code"))
    >>> a = pd.DataFrame({"home_lsoa": pd.array(["L1", "L2", "L3", "X9", None], dtype="string")})
    >>> offenders_by_ward(a, lsoas)[["ward_name", "offenders", "share"]].values.tolist()
    [['North', 2, 0.4], ['South', 1, 0.2], ['Outside the area', 1, 0.2], ['Not recorded', 1, 0.2]]
    """
    require_columns(attributes, ["home_lsoa"], "offender attributes")
    require_columns(lsoas, ["ward_code", "ward_name"], "LSOA table")
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

    Parameters
    ----------
    table : DataFrame
        The table to publish.
    counts : list of str
        Its count columns.
    shares : dict, optional
        Share column -> its count column.
    min_count : int
        The disclosure threshold.
    total : bool
        Whether a column total is published (secondary suppression).

    Returns
    -------
    (DataFrame, int)
        The table and the number of cells suppressed.

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
# the result
# ---------------------------------------------------------------------------------------------
@dataclass
class OffendersResult:
    """Everything chapter 3 publishes (no offender ids), computed once by :func:`analyse`: data only.

    ``left_out`` says which sections are not shown and why, as reason codes: ``"all"`` ->
    ``"no_link"`` | ``"no_crime_references"`` | ``"no_links_in_period"``; ``"mix"`` ->
    ``"no_crime_types"``; ``"wards"`` -> ``"no_home_lsoa"`` | ``"no_ward_lookup"``; ``"age"`` ->
    ``"no_age"``; ``"sex"`` -> ``"no_sex"``.  ``suppressed`` maps each table (and
    ``"prolific_offenders"``) to the cells its disclosure control hid, in the order they were
    hidden; ``audit_hidden`` names what the disclosure audit hid as well.  ``tied_shares`` are the
    top shares whose boundary the tie rule decided.
    """

    available: bool
    period_label: str
    headlines: dict
    min_count: int = 5
    left_out: dict = field(default_factory=dict)
    suppressed: dict = field(default_factory=dict)
    audit_hidden: list = field(default_factory=list)
    offenders: int | None = None
    linked_crimes: int | None = None
    all_crimes: int | None = None
    concentration: pd.DataFrame | None = None
    tied_shares: list = field(default_factory=list)
    curve: pd.DataFrame | None = None
    gini: float | None = None
    prolific: dict | None = None
    mix: pd.DataFrame | None = None
    mix_share: float = 0.10
    wards: pd.DataFrame | None = None
    top_wards: int = 5
    age_sex: pd.DataFrame | None = None
    link_quality: dict | None = None
    audit: dict = field(default_factory=dict)    # table -> disclosure-audit outcome (see disclosure_audit)


def empty_headlines(shares=SHARES) -> dict:
    """Every headline key of the chapter, all ``None`` (a figure that cannot be computed is null).

    Parameters
    ----------
    shares : sequence of float
        The configured top shares (the default four are always included).

    Returns
    -------
    dict

    >>> sorted(empty_headlines([0.01]))[:4]
    ['offenders.all_crimes', 'offenders.gini', 'offenders.linked_crimes', 'offenders.offenders']
    """
    h = {"offenders.offenders": None, "offenders.linked_crimes": None, "offenders.all_crimes": None,
         "offenders.gini": None, "offenders.prolific": None, "offenders.prolific_threshold": None,
         "offenders.prolific_share.linked": None, "offenders.prolific_share.all": None,
         "offenders.top_wards": None, "offenders.outside_area": None, "offenders.peak_age_band": None,
         "offenders.top_mix_types": None}
    for p in sorted(set(list(shares) + list(SHARES))):
        k = share_key(p)
        h[f"offenders.top_count.{k}"] = None
        h[f"offenders.top_share.{k}.linked"] = None
        h[f"offenders.top_share.{k}.all"] = None
    return h


# ---------------------------------------------------------------------------------------------
# the whole chapter
# ---------------------------------------------------------------------------------------------
def analyse(ds) -> OffendersResult:
    """Compute chapter 3 for a :class:`~assessment.dataset.Dataset`.

    Everything returned is publishable: counts below ``config.disclosure.min_count`` are
    suppressed (with secondary suppression) in the ward, crime-mix and age/sex tables; headline
    counts below it are ``None``; no table holds an offender id.  Sections whose inputs are
    missing (no offenders link, no home_lsoa, no age, no sex) are left out, with a reason code in
    ``result.left_out``.

    Parameters
    ----------
    ds : Dataset
        The run's data and config.

    Returns
    -------
    OffendersResult

    Example
    -------
    >>> result = analyse(run.dataset)  # doctest: +SKIP
    >>> result.headlines["offenders.top_share.1.linked"]  # doctest: +SKIP
    0.094
    """
    res = _start(ds)
    links = _links(ds, res)
    if links is None:
        return res
    per = _offenders(links, res)
    concentration = _concentration(links, per, ds, res)
    prolific, small = _prolific(links, per, ds, res)
    mix = _mix(links, per, res)
    attributes = offender_attributes(links)
    wards, age_sex = _wards(attributes, links, ds, res), _age_sex(attributes, links, ds, res)
    family = OffendersFamily(concentration, prolific, mix, wards, age_sex, n=res.headlines["offenders.offenders"],
                             min_count=res.min_count, mix_share=res.mix_share,
                             mix_group=top_k(res.offenders, res.mix_share), small=small)
    _protect(family, res)
    _publish(family, res)
    _verify(family, res)
    return res


# -- the steps of analyse, in order ---------------------------------------------------------------
def _start(ds) -> OffendersResult:
    """The result before any offender is counted: the settings it needs, all crimes, null headlines."""
    cfg = ds.config.offenders
    res = OffendersResult(available=False, period_label=ds.period.label, headlines=empty_headlines(list(cfg.shares)),
                          min_count=ds.config.disclosure.min_count, mix_share=cfg.mix_share, top_wards=cfg.top_wards)
    res.all_crimes = int(ds.crimes_in(ds.period)["count"].sum()) if ds.crimes is not None and len(ds.crimes) else 0
    res.headlines["offenders.all_crimes"] = res.all_crimes
    return res


def _links(ds, res: OffendersResult) -> pd.DataFrame | None:
    """The links of the period, or None (and the reason in ``res.left_out["all"]``) when there are none."""
    offenders = ds.offenders
    if offenders is None or not _has(offenders, "offender_id"):
        res.left_out["all"] = "no_link"
        return None
    if not ds.record_level or "crime_id" not in ds.crimes.columns or ds.crimes["crime_id"].isna().all():
        res.left_out["all"] = "no_crime_references"
        return None
    links = period_links(offenders, ds.crimes, ds.period)
    res.link_quality = link_quality(offenders, ds.crimes, ds.period)
    if links.empty:
        res.left_out["all"] = "no_links_in_period"
        return None
    res.available = True
    return links


def _offenders(links: pd.DataFrame, res: OffendersResult) -> pd.DataFrame:
    """Crimes per offender, ranked; the offender and linked-crime counts and the Gini coefficient."""
    per = offender_stats.crimes_per_offender(links)
    res.offenders, res.linked_crimes = len(per), int(links["crime_id"].nunique())
    res.headlines["offenders.offenders"] = suppress_value(res.offenders, res.min_count)
    res.headlines["offenders.linked_crimes"] = suppress_value(res.linked_crimes, res.min_count)
    res.curve = offender_stats.concentration_curve(links, per)
    res.gini = gini(per["crimes"])
    res.headlines["offenders.gini"] = None if math.isnan(res.gini) else res.gini
    return per


def _concentration(links, per, ds, res: OffendersResult) -> pd.DataFrame:
    """The top-p% table with small group crime counts (and their shares) hidden; the tied boundaries."""
    shares = list(ds.config.offenders.shares)
    table = offender_stats.concentration_table(links, res.all_crimes, shares, per_offender=per)
    published, k = suppress_counts(table, ["crimes"], {"share_linked": "crimes", "share_all": "crimes"},
                                   min_count=res.min_count, total=False)
    if k:
        res.suppressed["offender_concentration"] = k
    res.tied_shares = [p for p in shares if offender_stats.ties_at_boundary(per, p) > 0]
    return published


def _prolific(links, per, ds, res: OffendersResult) -> tuple[dict, dict]:
    """The prolific-offender figures as published, and which of the raw counts are small (for the audit)."""
    pr = offender_stats.prolific(links, res.all_crimes, ds.config.offenders.prolific_threshold, per_offender=per)
    m = res.min_count
    pub = dict(pr)
    pub["offenders"] = suppress_value(pr["offenders"], m)
    pub["crimes"] = suppress_value(pr["crimes"], m)
    if pub["offenders"] is None:
        pub["offenders_share"] = None
    if pub["crimes"] is None:
        pub["share_linked"] = pub["share_all"] = None
    if pub["offenders"] is None and pr["offenders"] > 0:
        res.suppressed["prolific_offenders"] = 1
    res.headlines["offenders.prolific_threshold"] = pr["threshold"]
    return pub, {"prolific": is_small(pr["offenders"], m), "prolific_crimes": is_small(pr["crimes"], m)}


def _mix(links, per, res: OffendersResult) -> pd.DataFrame | None:
    """The crime-type mix of the top group and the rest, small counts hidden (None without crime types)."""
    if not _has(links, "crime_type"):
        res.left_out["mix"] = "no_crime_types"
        return None
    mix = offender_stats.crime_mix(links, res.mix_share, per_offender=per)
    published, k = suppress_counts(mix, ["top_crimes", "rest_crimes"],
                                   {"top_share": "top_crimes", "rest_share": "rest_crimes"},
                                   min_count=res.min_count, total=True)
    if k:
        res.suppressed["offender_crime_mix"] = k
    return published


def _wards(attributes, links, ds, res: OffendersResult) -> pd.DataFrame | None:
    """Offenders by home ward with a total row, small counts hidden (None without homes or a ward lookup)."""
    if not _has(links, "home_lsoa"):
        res.left_out["wards"] = "no_home_lsoa"
        return None
    if ds.lsoas is None or not (_has(ds.lsoas, "ward_code") or _has(ds.lsoas, "ward_name")):
        res.left_out["wards"] = "no_ward_lookup"
        return None
    wards = offenders_by_ward(attributes, ds.lsoas)
    published, k = suppress_counts(wards, ["offenders"], {"share": "offenders"}, min_count=res.min_count, total=True)
    if k:
        res.suppressed["offender_wards"] = k
    total_row = pd.DataFrame({"ward_code": pd.array([pd.NA], dtype="string"), "ward_name": ["Total"],
                              "offenders": [_published_total(res.offenders, res.min_count)], "share": [1.0]})
    return pd.concat([published, total_row], ignore_index=True)


def _age_sex(attributes, links, ds, res: OffendersResult) -> pd.DataFrame | None:
    """Offenders by age band and by sex, each block with a total row, small counts hidden."""
    if not _has(links, "age"):
        res.left_out["age"] = "no_age"
    if not _has(links, "sex"):
        res.left_out["sex"] = "no_sex"
    breakdown = age_sex_breakdown(attributes, ds.config.offenders.age_bands)
    if not len(breakdown):
        return None
    parts, hidden = [], 0
    for name, block in breakdown.groupby("breakdown", sort=False):
        b, k = suppress_counts(block.reset_index(drop=True), ["offenders"], {"share": "offenders"},
                               min_count=res.min_count, total=True)
        hidden += k
        parts.append(pd.concat([b, pd.DataFrame({"breakdown": [name], "group": ["Total"],
                                                 "offenders": [_published_total(res.offenders, res.min_count)],
                                                 "share": [1.0]})], ignore_index=True))
    if hidden:
        res.suppressed["offender_age_sex"] = hidden
    return pd.concat(parts, ignore_index=True)


def _protect(family: OffendersFamily, res: OffendersResult) -> None:
    """The disclosure audit: hide more wherever a hidden count could be worked out from the rest."""
    res.audit = {k: v.as_dict() for k, v in protect(family).items()}
    res.audit_hidden = list(family.hidden_labels()) if family.log else []


def _publish(family: OffendersFamily, res: OffendersResult) -> None:
    """The audited tables into the result, and the headline figures read from them."""
    h = res.headlines
    res.concentration = family.concentration
    for p, r in family.concentration.iterrows():
        key = share_key(p)
        h[f"offenders.top_count.{key}"] = int(r["offenders"])
        h[f"offenders.top_share.{key}.linked"] = None if pd.isna(r["share_linked"]) else float(r["share_linked"])
        h[f"offenders.top_share.{key}.all"] = None if pd.isna(r["share_all"]) else float(r["share_all"])
    res.prolific = pub = family.prolific
    h["offenders.prolific"] = pub["offenders"]
    h["offenders.prolific_share.linked"] = pub["share_linked"]
    h["offenders.prolific_share.all"] = pub["share_all"]
    if family.mix is not None:
        res.mix = family.mix
        top_types = [str(t) for t in pd.to_numeric(res.mix["top_share"], errors="coerce").dropna()
                     .sort_values(ascending=False, kind="mergesort").index[:3]]
        h["offenders.top_mix_types"] = top_types or None
    if family.wards is not None:
        res.wards = family.wards
        wards = ward_rows(res.wards)
        top = wards[~wards["ward_name"].isin([OUTSIDE, NOT_RECORDED])]
        top = top[pd.to_numeric(top["share"], errors="coerce").notna()
                  & (pd.to_numeric(top["offenders"], errors="coerce") > 0)]
        h["offenders.top_wards"] = [str(x) for x in top["ward_name"].head(res.top_wards)] or None
        out = wards[wards["ward_name"] == OUTSIDE]["offenders"].iloc[0]
        h["offenders.outside_area"] = out if not isinstance(out, str) else None
    if family.age_sex is not None:
        res.age_sex = family.age_sex
        h["offenders.peak_age_band"] = peak_age_band(res.age_sex)


def _verify(family: OffendersFamily, res: OffendersResult) -> None:
    """The final audit of everything published together, headlines included (raises if any hidden
    count could still be worked out)."""
    family.headlines = res.headlines
    verify(family)
    res.audit = {k: v.as_dict() for k, v in family.outcome.items()}


# ---------------------------------------------------------------------------------------------
# what is published (no offender id in any of it)
# ---------------------------------------------------------------------------------------------
def ward_rows(wards: pd.DataFrame) -> pd.DataFrame:
    """The published ward table without its total row (the wards, outside the area, not recorded).

    Parameters
    ----------
    wards : DataFrame
        ``OffendersResult.wards``.

    Returns
    -------
    DataFrame

    >>> import pandas as pd
    >>> w = pd.DataFrame({"ward_code": pd.array(["W1", pd.NA], dtype="string"), "ward_name": ["North", "Total"]})
    >>> ward_rows(w)["ward_name"].tolist()
    ['North']
    """
    return wards[~((wards["ward_name"] == "Total") & wards["ward_code"].isna())]


def concentration_csv(t: pd.DataFrame) -> pd.DataFrame:
    """The concentration table for ``tables/offender_concentration.csv`` (machine-friendly names).

    Parameters
    ----------
    t : DataFrame
        ``OffendersResult.concentration``.

    Returns
    -------
    DataFrame
        Columns: p, group, offenders_in_group, crimes, share_linked, linked_denominator,
        share_all, all_denominator, plus the denominators' definitions.

    >>> import pandas as pd
    >>> from assessment.stats.offenders import concentration_table
    >>> t = concentration_table(pd.DataFrame({"crime_id": ["c1"], "offender_id": ["A"]}), 4, [0.1])
    >>> concentration_csv(t)[["p", "offenders_in_group", "crimes", "all_denominator"]].values.tolist()
    [[0.1, 1.0, 1.0, 4.0]]
    """
    d = t.reset_index().rename(columns={"offenders": "offenders_in_group", "linked_crimes": "linked_denominator",
                                        "all_crimes": "all_denominator"})
    d["linked_denominator_is"] = "distinct crimes in the period with at least one linked offender"
    d["all_denominator_is"] = "all recorded crimes in the area in the period"
    return d[["p", "group", "offenders_in_group", "crimes", "share_linked", "linked_denominator",
              "linked_denominator_is", "share_all", "all_denominator", "all_denominator_is"]]


def published_tables(result: OffendersResult) -> dict:
    """The chapter's tables as written to ``tables/<name>.csv`` (machine-friendly column names).

    Tables whose section is left out are absent.  Their readable versions, titles and notes are
    :func:`assessment.words.offenders.table_text`.

    Parameters
    ----------
    result : OffendersResult

    Returns
    -------
    dict
        name -> DataFrame, names from :data:`TABLES` in report order.
    """
    out = {}
    if result.concentration is not None:
        out["offender_concentration"] = concentration_csv(result.concentration)
    if result.mix is not None:
        out["offender_crime_mix"] = result.mix.reset_index()
    if result.wards is not None:
        out["offender_wards"] = result.wards.copy()
    if result.age_sex is not None:
        out["offender_age_sex"] = result.age_sex.copy()
    return out
