"""Chapter 8: violence seen by hospitals — emergency-department assault attendances (the Cardiff
Model, §5.5) beside police-recorded violence.

:func:`analyse` returns a :class:`HospitalResult` of data only, in named steps:

1. the attendances of the period (:func:`period_attendances`); ``total`` counts them all,
   ``unmatched`` those with no LSOA (no code, no postcode in the lookup, no point);
2. by LSOA against police-recorded violence against the person (:func:`police_violence`, the
   crime types or major categories of ``hospital.police_violence``): Spearman's rank correlation
   over the area's LSOAs (:func:`assessment.stats.correlation.spearman`) and the LSOAs the
   hospitals see but the police do not (:func:`assessment.stats.correlation.high_low`: the top
   ``hospital.high_ed_share`` of LSOAs for ED assaults, the bottom ``hospital.low_police_share``
   for police-recorded violence, at least ``disclosure.min_count`` ED assaults);
3. the profile (:func:`profile`): reported to the police, means of assault, location type, day of
   the week and time of day — each a partition of the attendances, a free-text category held by
   fewer than ``disclosure.min_count`` attendances merged into "Other";
4. the top locations (:func:`top_locations`): venues and streets with at least
   ``disclosure.min_count`` attendances; homes and addresses with a house number never;
5. disclosure control (:func:`publish`): counts 1 … min_count − 1 shown as "<5", secondary
   suppression, and the disclosure audit (:class:`~assessment.disclosure_audit.PartitionFamily`)
   over the LSOA table, the profile and the totals published with them.

Attendances are records about patients: ``attendance_id`` is never in a result, and every
published count below the threshold is hidden.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import lsoa_counts
from ..disclosure import is_hidden, suppress
from ..disclosure_audit import AuditError, Partition, PartitionFamily, protect, verify
from ..stats import correlation

__all__ = ["HospitalResult", "analyse", "period_attendances", "police_violence", "profile", "top_locations",
           "publish", "BREAKDOWNS", "OTHER", "NOT_RECORDED", "TIME_BANDS", "DAYS"]

#: the profile's breakdowns, in report order: (key, label)
BREAKDOWNS = (("reported", "Reported to the police"), ("means", "Means of assault"),
              ("location_type", "Location type"), ("day", "Day of the week"), ("time", "Time of day"))
REPORTED_LABELS = {"no": "Not reported", "yes": "Reported", "unknown": "Not known"}
OTHER = "Other (each fewer than {n})"
NOT_RECORDED = "Not recorded"
TIME_UNKNOWN = "Time not known"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: four-hour bands of the time of day
TIME_BANDS = tuple(f"{h:02d}:00–{h + 3:02d}:59" for h in range(0, 24, 4))

#: a location type that is a home: its locations are never listed
HOME = re.compile(r"home|dwelling|residen|domestic|private (?:address|house|property)|house|flat\b", re.I)
#: a location that starts with a house or flat number ("12 Acacia Avenue", "Flat 3, ..."): an address
ADDRESS = re.compile(r"^\s*(?:flat|apartment|apt|unit|no\.?)?\s*\d+[a-z]?\b", re.I)


@dataclass
class HospitalResult:
    """What chapter 8 publishes (all tables already through disclosure control)."""

    available: bool
    reason: str | None = None                  # why not, when not available
    min_count: int = 5
    total: int | None = None                   # attendances in the period
    unmatched: int | None = None               # ... with no LSOA
    lsoa: pd.DataFrame | None = None           # lsoa_code, ed_assaults, police_violence (published)
    police_available: bool = False             # the crime input has police-recorded violence by LSOA
    correlation: dict = field(default_factory=dict)   # rho, p, n (LSOA level)
    gap: pd.DataFrame | None = None            # the LSOAs the hospitals see and the police do not
    gap_rule: dict = field(default_factory=dict)
    profile: pd.DataFrame | None = None        # breakdown, category, attendances, share (published)
    reported: dict = field(default_factory=dict)   # yes / no / unknown counts (for the sentence)
    not_reported_share: float | None = None
    top_locations: pd.DataFrame | None = None  # location, location_type, attendances
    hidden: int = 0                            # cells hidden by disclosure control
    withdrawn: list = field(default_factory=list)   # partitions left blank: "lsoa" or a breakdown
    audit: dict = field(default_factory=dict)  # table -> disclosure-audit outcome
    headlines: dict = field(default_factory=dict)


# -- the steps ----------------------------------------------------------------------------------------
def period_attendances(ed: pd.DataFrame, period) -> pd.DataFrame:
    """The attendances whose incident (else arrival) month is in ``period``."""
    return ed[period.contains(ed["month"]).fillna(False).to_numpy(dtype=bool)]


def police_violence(crimes: pd.DataFrame, universe, period, names) -> pd.Series:
    """Police-recorded violence by LSOA in ``period``: the rows whose crime type or major category
    is one of ``names`` (case-insensitive), counted over ``universe``.

    >>> from assessment.periods import financial_year
    >>> c = pd.DataFrame({"lsoa_code": ["A", "A", "B"], "count": [1, 2, 4], "month": pd.to_datetime(["2024-05-01"] * 3),
    ...                   "crime_type": ["Violence with injury", "Burglary", "Common assault"],
    ...                   "major_category": [None, None, "VIOLENCE AGAINST THE PERSON"]})
    >>> police_violence(c, ["A", "B", "C"], financial_year(2024), ["Violence with injury",
    ...                 "Violence against the person"]).to_dict()
    {'A': 1, 'B': 4, 'C': 0}
    """
    wanted = {n.strip().casefold() for n in names}
    ct = crimes["crime_type"].astype("string").str.strip().str.casefold().isin(wanted).fillna(False)
    major = crimes["major_category"] if "major_category" in crimes else pd.Series(pd.NA, index=crimes.index)
    mc = major.astype("string").str.strip().str.casefold().isin(wanted).fillna(False)
    return lsoa_counts(crimes[(ct | mc).to_numpy(dtype=bool)], universe, period).rename("police_violence")


def _merge_small(values: pd.Series, min_count: int) -> pd.Series:
    """Free-text categories: blank -> "Not recorded"; the spelling most used for each category
    (compared without case or extra spaces); a category of fewer than ``min_count`` attendances
    -> "Other (each fewer than N)", so a rare label (a name, a reference typed in) is never shown."""
    v = values.astype("string").str.strip()
    key = v.str.casefold()
    spelling = (pd.DataFrame({"k": key, "v": v}).dropna().groupby(["k", "v"]).size().reset_index(name="n")
                .sort_values(["k", "n", "v"], ascending=[True, False, True]).drop_duplicates("k")
                .set_index("k")["v"])
    out = key.map(spelling).astype("string")
    n = out.value_counts()
    small = n[n < min_count].index
    out = out.mask(out.isin(small), OTHER.format(n=min_count))
    return out.fillna(NOT_RECORDED)


def profile(ed: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """The attendances by each breakdown of :data:`BREAKDOWNS` (every breakdown a partition of
    the attendances): columns breakdown, category, attendances (true counts), share.

    Examples
    --------
    >>> ed = pd.DataFrame({"reported": ["no", "no", "yes", "unknown"], "means": ["Fist", "fist ", None, "Bottle"],
    ...     "location_type": ["Street"] * 4, "has_time": [True, True, False, True],
    ...     "datetime": pd.to_datetime(["2024-05-03 23:40", "2024-05-04 01:10", "2024-05-06 00:00",
    ...                                 "2024-05-10 13:00"])})
    >>> p = profile(ed, min_count=2)
    >>> p[p["breakdown"] == "means"][["category", "attendances"]].values.tolist()
    [['Fist', 2], ['Other (each fewer than 2)', 1], ['Not recorded', 1]]
    >>> p[p["breakdown"] == "time"].set_index("category")["attendances"].loc[["00:00–03:59", "Time not known"]].tolist()
    [1, 1]
    """
    rows = []
    n = len(ed)

    def add(key, counts: pd.Series, order):
        for cat in order:
            rows.append({"breakdown": key, "category": cat, "attendances": int(counts.get(cat, 0))})

    rep = ed["reported"].map(REPORTED_LABELS).fillna("Not known")
    add("reported", rep.value_counts(), list(REPORTED_LABELS.values()))
    for key in ("means", "location_type"):
        cats = _merge_small(ed[key], min_count)
        c = cats.value_counts()
        tail = [OTHER.format(n=min_count), NOT_RECORDED]
        order = sorted((k for k in c.index if k not in tail), key=lambda k: (-c[k], k)) + [t for t in tail if t in c.index]
        add(key, c, order)
    dt = pd.to_datetime(ed["datetime"])
    day = pd.Series(np.asarray(DAYS, dtype=object)[dt.dt.dayofweek.to_numpy()], index=ed.index)
    add("day", day.value_counts(), list(DAYS))
    known = ed["has_time"].fillna(False).to_numpy(dtype=bool)
    band = pd.Series(TIME_UNKNOWN, index=ed.index, dtype=object)
    band[known] = np.asarray(TIME_BANDS, dtype=object)[(dt[known].dt.hour // 4).to_numpy()]
    add("time", band.value_counts(), list(TIME_BANDS) + [TIME_UNKNOWN])
    out = pd.DataFrame(rows, columns=["breakdown", "category", "attendances"])
    out["share"] = out["attendances"] / n if n else np.nan
    return out


def top_locations(ed: pd.DataFrame, min_count: int, most: int, type_labels: pd.Series | None = None) -> pd.DataFrame:
    """Venues and streets with at least ``min_count`` attendances, most first (at most ``most``).

    A location is its text compared without case, punctuation at its ends or extra spaces, shown
    in its most used spelling.  Never listed: a location whose type is a home (:data:`HOME`), a
    location that starts with a house or flat number (:data:`ADDRESS`: an address), a blank one.
    ``type_labels`` (aligned with ``ed``): the location type as the profile publishes it (rare
    types merged), the most common for each location.

    Examples
    --------
    >>> ed = pd.DataFrame({"location": ["The Anchor, Quay St"] * 3 + ["12 Elm Road"] * 3 + ["Park"],
    ...                    "location_type": ["Licensed premises"] * 3 + ["Street"] * 3 + ["Home"]})
    >>> top_locations(ed, min_count=3, most=5).values.tolist()
    [['The Anchor, Quay St', 'Licensed premises', 3]]
    """
    loc = ed["location"].astype("string").str.strip().str.replace(r"\s+", " ", regex=True)
    ltype = ed["location_type"].astype("string")
    ok = loc.notna() & (loc != "")
    ok &= ~ltype.str.contains(HOME).fillna(False)
    ok &= ~loc.str.contains(ADDRESS).fillna(False)
    sub = pd.DataFrame({"loc": loc[ok], "type": (type_labels if type_labels is not None else ltype)[ok]})
    cols = ["location", "location_type", "attendances"]
    if sub.empty:
        return pd.DataFrame(columns=cols)
    sub["key"] = sub["loc"].str.casefold().str.strip(" .,;:-")
    counts = sub.groupby("key").size()
    keep = counts[counts >= min_count]
    if keep.empty:
        return pd.DataFrame(columns=cols)
    first = lambda s: s.value_counts().sort_index().sort_values(ascending=False, kind="stable").index[0]  # noqa: E731
    sub = sub[sub["key"].isin(keep.index)]
    name = sub.groupby("key")["loc"].agg(first)
    kind = sub.fillna({"type": NOT_RECORDED}).groupby("key")["type"].agg(first)
    out = pd.DataFrame({"location": name, "location_type": kind, "attendances": keep.astype("int64")})
    out = out.sort_values(["attendances", "location"], ascending=[False, True]).head(most)
    return out.reset_index(drop=True)[cols]


def publish(lsoa: pd.DataFrame, prof: pd.DataFrame, total: int, unmatched: int, min_count: int):
    """Disclosure control of the LSOA table and the profile: primary and secondary suppression
    (:func:`~assessment.disclosure.suppress`, per partition), then the disclosure audit with the
    totals (:class:`~assessment.disclosure_audit.PartitionFamily`), partition by partition.  Returns
    (lsoa, profile, audit outcome by table, cells hidden, the partitions withdrawn: ``"lsoa"`` or a
    breakdown whose hidden counts could not be protected, its counts left blank).

    Examples
    --------
    Four LSOAs, 15 attendances of which 2 unmatched, so 13 in the LSOAs: with C (6) and D (5)
    shown, the two "<5" cells sum to 2 and must be 1 and 1.  Hiding D as well leaves A + B ≤ 2
    (D is at least 5): still 1 and 1; hiding C too leaves A + B = 13 − C − D ≤ 3, so each may be
    1 or 2 — protected.

    >>> lsoa = pd.DataFrame({"lsoa_code": ["A", "B", "C", "D"], "ed_assaults": [1, 1, 6, 5],
    ...                      "police_violence": [0, 4, 2, 9]})
    >>> prof = pd.DataFrame({"breakdown": ["day", "day"], "category": ["Mon", "Tue"], "attendances": [8, 7],
    ...                      "share": [8 / 15, 7 / 15]})
    >>> pub, _, audit, hidden, withdrawn = publish(lsoa, prof, total=15, unmatched=2, min_count=5)
    >>> pub["ed_assaults"].tolist(), hidden, audit["ed_assaults_lsoa"]["extra"]
    (['<5', '<5', '[c]', '[c]'], 4, 2)
    """
    lsoa_pub, _ = suppress(lsoa, ["ed_assaults"], min_count, total=True)
    parts = []
    for _key, g in prof.groupby("breakdown", sort=False):
        s, _ = suppress(g, ["attendances"], min_count, total=True)
        parts.append(s)
    prof_pub = pd.concat(parts) if parts else prof.copy()
    prof_pub["attendances"] = prof_pub["attendances"].astype(object)
    prof_pub["share"] = prof_pub["share"].astype(object)
    prof_pub.loc[prof_pub["attendances"].map(is_hidden), "share"] = None
    prof_pub = prof_pub.reset_index(drop=True)
    totals = {"total": total, "unmatched": unmatched}
    # the partitions meet only in published totals, so each is audited on its own; one that cannot be
    # protected (a breakdown with two non-zero categories, one small) is withdrawn: its counts left blank
    outcome: dict = {}
    withdrawn: list = []
    lsoa_out, lsoa_ok = _audit_partition("ed_assaults_lsoa", lsoa_pub, "ed_assaults", None, "lsoa_code",
                                         {"total": 1, "unmatched": -1}, totals, min_count, outcome)
    if not lsoa_ok:
        withdrawn.append("lsoa")
    parts = []
    for key, g in prof_pub.groupby("breakdown", sort=False):
        out, ok = _audit_partition("ed_assaults_profile", g, "attendances", "share", "category", {"total": 1},
                                   totals, min_count, outcome)
        if not ok:
            withdrawn.append(key)
        parts.append(out)
    prof_out = pd.concat(parts).reset_index(drop=True) if parts else prof_pub
    hidden = int(lsoa_out["ed_assaults"].map(is_hidden).sum() + prof_out["attendances"].map(is_hidden).sum())
    return lsoa_out, prof_out, {k: v for k, v in outcome.items()}, hidden, withdrawn


def _audit_partition(table: str, frame: pd.DataFrame, count: str, share: str | None, label: str, total: dict,
                     totals: dict, min_count: int, outcome: dict) -> tuple[pd.DataFrame, bool]:
    """One partition through the disclosure audit: (its published rows, True), or — when a hidden
    count cannot be protected — (its rows with every count and share blank, False).  Adds the
    audit's figures to ``outcome[table]``."""
    fam = PartitionFamily({table: frame}, {table: count}, {table: share},
                          [Partition(table, list(frame.index), total, "")], totals, label={table: label},
                          min_count=min_count)
    agg = outcome.setdefault(table, {"audited": 0, "determined_before": 0, "extra": 0, "determined_after": 0})
    try:
        protect(fam)
        verify(fam)
    except AuditError:
        out = frame.copy()
        out[count] = pd.Series([None] * len(out), index=out.index, dtype=object)
        if share:
            out[share] = None
        return out, False
    for k, v in fam.outcome[table].as_dict().items():
        agg[k] += v
    return fam.frames[table], True


# -- the chapter ---------------------------------------------------------------------------------------
def analyse(ds) -> HospitalResult:
    """Chapter 8 for the dataset ``ds`` (see the module docstring for the steps)."""
    cfg = ds.config
    m = int(cfg.disclosure.min_count)
    h = cfg.hospital
    res = HospitalResult(available=False, min_count=m)
    ed = getattr(ds, "ed_assaults", None)
    res.headlines = {"ed_assaults.total": None, "ed_assaults.not_reported_share": None,
                     "ed_assaults.police_rank_correlation": None, "ed_assaults.unmatched": None}
    if ed is None:
        res.reason = "no_input"
        return res
    ed = period_attendances(ed, ds.period)
    total = len(ed)
    if total < m:
        res.reason = "too_few"
        return res
    res.available = True
    res.total = total
    res.unmatched = int(ed["lsoa_code"].isna().sum())
    # -- by LSOA, beside police-recorded violence
    universe = ds.lsoa_frame().index.astype(str)
    extra = sorted(set(ed["lsoa_code"].dropna().astype(str)) - set(universe))
    universe = pd.Index(list(universe) + extra, name="lsoa_code")
    ed_lsoa = ed.dropna(subset=["lsoa_code"]).groupby("lsoa_code").size().reindex(universe, fill_value=0)
    police = police_violence(ds.crimes, universe, ds.period, h.police_violence)
    res.police_available = bool(ds.crimes["lsoa_code"].notna().any()) and int(police.sum()) > 0
    raw = pd.DataFrame({"lsoa_code": universe.astype(str), "ed_assaults": ed_lsoa.to_numpy(dtype="int64"),
                        "police_violence": police.to_numpy(dtype="int64")})
    res.gap_rule = {"high": h.high_ed_share, "low": h.low_police_share, "min": m}
    flagged = pd.Index([])
    if res.police_available:
        res.correlation = correlation.spearman(raw.set_index("lsoa_code")["ed_assaults"],
                                               raw.set_index("lsoa_code")["police_violence"])
        flags = correlation.high_low(raw.set_index("lsoa_code")["ed_assaults"],
                                     raw.set_index("lsoa_code")["police_violence"],
                                     high=h.high_ed_share, low=h.low_police_share, min_high=m)
        flagged = flags[flags].index
    # -- the profile, the top locations
    prof = profile(ed, m)
    type_labels = _merge_small(ed["location_type"], m)
    res.top_locations = top_locations(ed, m, h.top_locations, type_labels)
    # -- disclosure control
    lsoa_pub, prof_pub, res.audit, res.hidden, res.withdrawn = publish(raw, prof, total, res.unmatched, m)
    res.lsoa, res.profile = lsoa_pub, prof_pub
    res.gap = _gap_table(raw, lsoa_pub, flagged, ds, h)
    rep = prof_pub[prof_pub["breakdown"] == "reported"].set_index("category")["attendances"]
    res.reported = {k: rep.get(v) for k, v in REPORTED_LABELS.items()}
    yes, no = res.reported["yes"], res.reported["no"]
    if not is_hidden(yes) and not is_hidden(no) and yes is not None and no is not None:
        res.not_reported_share = correlation.known_share(no, yes)
    rho = res.correlation.get("rho")
    res.headlines = {"ed_assaults.total": total, "ed_assaults.unmatched": res.unmatched,
                     "ed_assaults.not_reported_share": res.not_reported_share,
                     "ed_assaults.police_rank_correlation": None if rho is None else round(rho, 3),
                     "ed_assaults.police_gap_lsoas": [str(c) for c in res.gap["lsoa_code"]] if res.police_available
                     else None}
    return res


def _gap_table(raw: pd.DataFrame, pub: pd.DataFrame, flagged, ds, h) -> pd.DataFrame:
    """The flagged LSOAs, most ED assaults first, with their names, wards, both counts as published
    and their percentile ranks."""
    r = raw.set_index("lsoa_code")
    ranks_ed = correlation.percentile_ranks(r["ed_assaults"])
    ranks_pol = correlation.percentile_ranks(r["police_violence"])
    lsoas = ds.lsoa_frame()
    names = lsoas["lsoa_name"] if "lsoa_name" in lsoas else pd.Series(dtype="string")
    wards = lsoas["ward_name"] if "ward_name" in lsoas else pd.Series(dtype="string")
    shown = pub.set_index("lsoa_code")["ed_assaults"]
    codes = sorted(flagged, key=lambda c: (-int(r.at[c, "ed_assaults"]), int(r.at[c, "police_violence"]), c))
    out = pd.DataFrame({
        "lsoa_code": pd.Series(codes, dtype="string"),
        "lsoa_name": pd.Series([names.get(c) for c in codes], dtype="string"),
        "ward_name": pd.Series([wards.get(c) for c in codes], dtype="string"),
        "ed_assaults": pd.Series([shown.get(c) for c in codes], dtype=object),
        "police_violence": pd.Series([int(r.at[c, "police_violence"]) for c in codes], dtype="int64"),
        "ed_percentile": pd.Series([float(ranks_ed[c]) for c in codes], dtype="float64"),
        "police_percentile": pd.Series([float(ranks_pol[c]) for c in codes], dtype="float64"),
    })
    return out
