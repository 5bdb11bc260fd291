"""Chapter 4, the victim profile: repeat and other victims by age band and sex (issue 15).

Every victim linked to a crime in the period counts once, in the age band of their age at their
first crime of the period and under their sex as first recorded (blank: "Not recorded").  A
*repeat victim* is a victim of two or more distinct crimes in the period (the rule of
:mod:`assessment.chapters.victims`).  Counts of people go through the disclosure gate: a count of
1 … min_count−1 is shown as "<N", and the interval audit of
:mod:`assessment.disclosure_audit` (each column sums to a published total: repeat victims, and
victims − repeat victims) hides the next-smallest count of a column as "[c]" until no hidden cell
can be worked out.  Victim ids are used to count and never leave this module.

Example
-------
>>> import pandas as pd
>>> from assessment.periods import calendar_year
>>> crimes = pd.DataFrame({"crime_id": ["c1", "c2", "c3"], "month": pd.to_datetime(["2024-01-01"] * 3),
...                        "crime_type": ["Burglary"] * 3})
>>> links = pd.DataFrame({"crime_id": ["c1", "c2", "c3"], "victim_id": ["A", "A", "B"], "age": [30, 31, 70],
...                       "sex": ["Female", "Female", None]})
>>> profile_counts(links, crimes, calendar_year(2024), [0, 16, 65])[["age_band", "sex", "repeat_victims", "other_victims"]].values.tolist()
[['16-64', 'Female', 1, 0], ['65+', 'Not recorded', 0, 1]]
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..disclosure import SECONDARY, is_hidden, suppress
from ..disclosure_audit import System, audit
from ..periods import Period
from .victims import in_period, victim_pairs

NOT_RECORDED = "Not recorded"
#: lower bounds of the victim age bands (0-15, 16-24, 25-34, 35-44, 45-54, 55-64, 65+)
AGE_BANDS = (0, 16, 25, 35, 45, 55, 65)
NO_AGES = "no_ages"
TABLE = "victim_profile"


def band_labels(bands) -> list[str]:
    """``[0, 16, 65]`` -> ``['0-15', '16-64', '65+']``."""
    b = [int(x) for x in bands]
    return [f"{lo}-{hi - 1}" for lo, hi in zip(b, b[1:])] + [f"{b[-1]}+"]


def age_band(age: pd.Series, bands) -> pd.Series:
    """The band label of each age (``Not recorded`` when missing or below the first band).

    Examples
    --------
    >>> age_band(pd.Series([3, 16, 80, None], dtype="Int64"), [0, 16, 65]).tolist()
    ['0-15', '16-64', '65+', 'Not recorded']
    """
    labels = band_labels(bands)
    a = pd.to_numeric(age, errors="coerce").astype(float)
    idx = np.searchsorted(np.asarray(bands, dtype=float), a.to_numpy(), side="right") - 1
    out = [labels[i] if (v == v and i >= 0) else NOT_RECORDED for v, i in zip(a.to_numpy(), idx)]
    return pd.Series(out, index=age.index, dtype="object")


def profile_counts(victims: pd.DataFrame, crimes: pd.DataFrame, period: Period, bands) -> pd.DataFrame:
    """Repeat and other victims of the period by age band and sex (unsuppressed; no ids).

    Returns
    -------
    DataFrame
        age_band, sex, repeat_victims, other_victims; bands in order ("Not recorded" last), sexes
        alphabetically ("Not recorded" last); only combinations with a victim.
    """
    pairs = victim_pairs(victims, crimes)
    year = in_period(pairs, period)
    extra = [c for c in ("age", "sex") if c in victims.columns]
    info = victims.loc[year.index, extra] if extra else pd.DataFrame(index=year.index)
    y = year.assign(**{c: info[c] for c in extra})
    y = y.sort_values(["victim_id", "month", "crime_id"], kind="mergesort")
    n = y.groupby("victim_id")["crime_id"].nunique()
    first = y.drop_duplicates("victim_id").set_index("victim_id")
    age = first["age"] if "age" in first else pd.Series(pd.NA, index=first.index)
    sex = y.dropna(subset=["sex"]).drop_duplicates("victim_id").set_index("victim_id")["sex"] if "sex" in y \
        else pd.Series(dtype="object")
    v = pd.DataFrame({"age_band": age_band(age.astype("Int64"), bands),
                      "sex": sex.reindex(first.index).astype("object").fillna(NOT_RECORDED).astype(str).str.strip()
                      .replace("", NOT_RECORDED),
                      "repeat": n.reindex(first.index).to_numpy() >= 2}, index=first.index)
    g = v.groupby(["age_band", "sex"])["repeat"].agg(repeat_victims="sum", victims="size").reset_index()
    g["other_victims"] = g["victims"] - g["repeat_victims"]
    order = {b: i for i, b in enumerate(band_labels(bands) + [NOT_RECORDED])}
    g["_b"] = g["age_band"].map(order)
    g["_s"] = g["sex"].map(lambda s: (s == NOT_RECORDED, s))
    g = g.sort_values(["_b", "_s"], kind="mergesort")
    return g[["age_band", "sex", "repeat_victims", "other_victims"]].astype(
        {"repeat_victims": "int64", "other_victims": "int64"}).reset_index(drop=True)


def _system(table: pd.DataFrame, totals: dict, min_count: int) -> System:
    s = System(min_count)
    for col, tot in totals.items():
        s.publish(f"T|{col}", tot, f"total {col}")
        terms = {f"T|{col}": 1.0}
        for i, v in table[col].items():
            key = f"{col}|{i}"
            s.figure(key, v, TABLE, f"{table.at[i, 'age_band']}, {table.at[i, 'sex']}: {col}")
            terms[key] = -1.0
        s.eq(terms, 0.0, f"{col} sum to the total")
    return s


def publishable(table: pd.DataFrame, min_count: int = 5) -> tuple[pd.DataFrame, int]:
    """Suppress small counts, then hide more ("[c]", smallest first) until the audit finds no
    hidden cell that can be worked out from the column totals.  Returns (table, cells hidden).

    Examples
    --------
    >>> t = pd.DataFrame({"age_band": ["a", "b", "c"], "sex": ["F"] * 3,
    ...                   "repeat_victims": [1, 1, 20], "other_victims": [40, 30, 20]})
    >>> out, n = publishable(t)
    >>> out["repeat_victims"].tolist(), n     # two 1s summing to 2 would give each away: 20 goes too
    (['<5', '<5', '[c]'], 3)
    """
    raw = table.copy()
    totals = {c: int(raw[c].sum()) for c in ("repeat_victims", "other_victims")}
    out, _ = suppress(raw, list(totals), min_count=min_count, total=True)
    for _ in range(4 * len(out) + 4):
        res = audit(_system(out, totals, min_count))
        bad = res[~res["protected"]] if len(res) else res
        if not len(bad):
            break
        col = str(bad["cell"].iloc[0]).split("|")[0]
        shown = [i for i, v in out[col].items() if not is_hidden(v) and raw.at[i, col] > 0]
        if not shown:
            break
        i = min(shown, key=lambda j: (raw.at[j, col], j))
        c = out[col].astype(object)
        c[i] = SECONDARY
        out[col] = c
    n = int(sum(out[c].map(is_hidden).sum() for c in totals))
    return out, n


@dataclass
class ProfileResult:
    """The victim profile as published (no ids)."""

    available: bool = False
    reason: str | None = None
    table: pd.DataFrame | None = None
    hidden: int = 0
    not_recorded_age: int = 0
    headlines: dict = field(default_factory=dict)


def analyse(ds, victims_result=None) -> ProfileResult:
    """The victim profile for a Dataset: needs the victims link with ages or sexes.

    Parameters
    ----------
    ds : Dataset
    victims_result : VictimsResult, optional
        Chapter 4's result: when it is not available (no victims link), neither is the profile.
    """
    res = ProfileResult()
    v = ds.victims
    if victims_result is not None and not victims_result.available:
        res.reason = victims_result.reason
        return res
    if v is None or not any(c in v.columns and v[c].notna().any() for c in ("age", "sex")):
        res.reason = NO_AGES
        return res
    raw = profile_counts(v, ds.crimes, ds.period, AGE_BANDS)
    if raw.empty:
        res.reason = NO_AGES
        return res
    res.table, res.hidden = publishable(raw, ds.config.disclosure.min_count)
    res.available = True
    na = raw["age_band"] == NOT_RECORDED
    res.not_recorded_age = int(raw.loc[na, ["repeat_victims", "other_victims"]].to_numpy().sum())
    return res
