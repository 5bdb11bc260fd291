"""Chapter 7 — harm and near repeats: harm-weighted hot spots and near-repeat (Knox) tests.

:func:`analyse` computes everything the chapter shows for one :class:`~assessment.dataset.Dataset`
and returns a :class:`HarmChapter` holding data only: :func:`analyse_near_repeats` (a Knox table
per configured crime type, :mod:`assessment.stats.near_repeat`) and :func:`analyse_harm` (harm per
LSOA and ward from the harm weights, their concentration and Getis–Ord Gi* beside the counts',
:mod:`assessment.stats.harm`, :mod:`~assessment.stats.concentration`,
:mod:`~assessment.stats.gistar`).  Its sentences and labels are :mod:`assessment.words.harm`, its
charts :mod:`assessment.figures.harm`.

Headline keys written to ``summary.json`` (``null`` when the inputs cannot give the figure):

==============================================  ===============================================
key                                             meaning
==============================================  ===============================================
``near_repeat.<type>.name``                     the crime type (``<type>``: :func:`type_key` of it)
``near_repeat.<type>.crimes``                   crimes of the type in the period with a date and a point
``near_repeat.<type>.same_place_ratio``         observed ÷ expected pairs at the same place in the
                                                first time band
``near_repeat.<type>.near_ratio``               the same in the closest non-zero distance band
                                                (1-100 m by default) × the first time band (0-7 days)
``near_repeat.<type>.p``                        the p-value of that near cell
``near_repeat.<type>.pairs``                    the observed pairs in that near cell
``harm.total``                                  the harm of the period's crimes placed in an LSOA
``harm.top10_lsoas`` / ``harm.top10_share``     the ``hotspots.top_n`` LSOAs with most harm, their share
``harm.gini``                                   the Gini coefficient of harm over LSOAs
``harm.hot_spots_95``                           LSOAs that are Gi* harm hot spots at 95% or higher
``harm.hot_not_count``                          codes of the harm hot spots that are not count hot spots
``harm.weighted_crimes`` / ``unweighted_crimes``  crimes with / without a harm weight
==============================================  ===============================================

Example
-------
>>> type_keys(["Burglary", "Theft from the person", "burglary"])
['burglary', 'theft_from_the_person', 'burglary_2']
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import lsoa_counts, lsoa_universe
from ..periods import Period
from ..significance import SignificanceRule
from ..stats.concentration import gini, top_areas, top_share
from ..stats.gistar import HOT_AT, count_classes, gistar, no_geometry, queen_weights
from ..stats.harm import fold, harm_by_area, hot_not_count, weigh
from ..stats.near_repeat import KnoxResult, knox
from ..stats.rates import rates as area_rates

#: why a near-repeat test (or the whole section) is absent; :mod:`assessment.words.harm` words them
NO_RECORDS = "no_records"          # the crime input is published counts, not one row per crime
NO_DATES = "no_dates"              # the crime data give the month only (police.uk)
NO_POINTS = "no_points"            # no crime has coordinates
TOO_FEW = "too_few"                # fewer than two crimes of the type with a date and a point
#: why the harm section is absent
NO_WEIGHTS = "no_weights"          # no inputs.harm_weights
NO_MATCH = "no_match"              # no crime of the period has a weight


# -- near repeats --------------------------------------------------------------------------------
def type_keys(names) -> list[str]:
    """The summary key part of each crime type: lower case, runs of other characters as ``_``;
    a repeat gets ``_2``, ``_3``, ... and a name with no letter or digit ``type_<n>``.

    Parameters
    ----------
    names : iterable of str

    Returns
    -------
    list of str
        Each matching ``^[a-z0-9_]+$`` (:data:`assessment.summary.KEY_PART`), all different.

    Examples
    --------
    >>> type_keys(["Theft (inc. shoplifting)", "—", "Robbery"])
    ['theft_inc_shoplifting', 'type_2', 'robbery']
    """
    out: list[str] = []
    for n, name in enumerate(names, start=1):
        base = re.sub(r"[^a-z0-9]+", "_", str(name).casefold()).strip("_") or f"type_{n}"
        key, k = base, 1
        while key in out:
            k += 1
            key = f"{base}_{k}"
        out.append(key)
    return out


@dataclass
class NearRepeatResult:
    """One crime type's Knox test (data only): ``knox`` is None when ``reason`` says why not."""

    crime_type: str
    key: str
    crimes: int = 0                 # crimes of the type in the period with a date and a point
    missing: int = 0                # crimes of the type in the period without a date or a point
    knox: KnoxResult | None = None
    reason: str | None = None

    def near(self) -> dict | None:
        """The near cell: the closest non-zero distance band × the first time band."""
        return None if self.knox is None else _cell(self.knox, 1, 0)

    def same_place(self) -> dict | None:
        """The same-place cell × the first time band."""
        return None if self.knox is None else _cell(self.knox, 0, 0)

    def window(self) -> dict | None:
        """The first two non-zero distance bands × the first two time bands, taken together
        (by default: within 200 m, not at the same place, and within 14 days)."""
        if self.knox is None:
            return None
        dist = range(1, min(3, len(self.knox.distance_bands) + 1))
        times = range(0, min(2, len(self.knox.time_bands)))
        return {**self.knox.window(dist, times), "distance": self.knox.distance_bands[len(dist) - 1],
                "days": self.knox.time_bands[len(times) - 1]}


def _cell(k: KnoxResult, d: int, t: int) -> dict:
    row = k.cell(d, t)
    return {"distance_band": row["distance_band"], "time_band": row["time_band"], "observed": int(row["observed"]),
            "expected": float(row["expected"]), "ratio": _num(row["ratio"]), "p": float(row["p"])}


@dataclass
class NearRepeatsResult:
    """The near-repeat section (data only); ``reason`` is set when no type could be tested."""

    period: Period
    results: list = field(default_factory=list)
    reason: str | None = None
    permutations: int = 999

    @property
    def tested(self) -> list:
        return [r for r in self.results if r.knox is not None]

    def table(self) -> pd.DataFrame:
        """``tables/near_repeat.csv``: crime_type, distance_band, time_band, observed, expected, ratio, p."""
        cols = ["crime_type", "distance_band", "time_band", "observed", "expected", "ratio", "p"]
        frames = [r.knox.table.assign(crime_type=r.crime_type)[cols] for r in self.tested]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Dates as whole days since 1970-01-01.

    >>> day_numbers(pd.Series(pd.to_datetime(["1970-01-02 00:00", "2024-04-01 13:00"]))).tolist()
    [1, 19814]
    """
    d = pd.to_datetime(dates).dt.normalize()
    return ((d - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)


def analyse_near_repeats(ds) -> NearRepeatsResult:
    """A Knox table for each crime type of ``near_repeat.crime_types``, on the period's crimes.

    Parameters
    ----------
    ds : Dataset
        Its crimes need ``date`` (the offence date) and ``easting``/``northing`` (metres).

    Returns
    -------
    NearRepeatsResult
        ``reason`` :data:`NO_RECORDS`, :data:`NO_DATES` or :data:`NO_POINTS` when nothing can be
        tested; else one :class:`NearRepeatResult` per crime type (:data:`TOO_FEW` for a type with
        fewer than two crimes that have a date and a point).
    """
    cfg = ds.config.near_repeat
    res = NearRepeatsResult(period=ds.period, permutations=cfg.permutations)
    cur = ds.crimes_in(ds.period)
    res.reason = _near_reason(ds, cur)
    if res.reason is not None:
        return res
    folded = fold(cur["crime_type"])
    for name, key in zip(cfg.crime_types, type_keys(cfg.crime_types)):
        sub = cur[(folded == fold([name])[0]).to_numpy()]
        ok = (sub["date"].notna() & sub["easting"].notna() & sub["northing"].notna()).to_numpy()
        r = NearRepeatResult(crime_type=name, key=key, crimes=int(ok.sum()), missing=int((~ok).sum()))
        if r.crimes < 2:
            r.reason = TOO_FEW
        else:
            s = sub[ok]
            r.knox = knox(s["easting"].to_numpy(), s["northing"].to_numpy(), day_numbers(s["date"]),
                          distance_bands=cfg.distance_bands, time_bands=cfg.time_bands,
                          permutations=cfg.permutations, seed=cfg.seed)
        res.results.append(r)
    return res


def _near_reason(ds, cur: pd.DataFrame) -> str | None:
    if not ds.record_level or (cur["count"] != 1).any():
        return NO_RECORDS
    if "date" not in cur or cur["date"].isna().all():
        return NO_DATES
    if "easting" not in cur or cur["easting"].isna().all():
        return NO_POINTS
    return None


# -- harm ----------------------------------------------------------------------------------------
@dataclass
class HarmResult:
    """The harm section (data only); ``table`` is None when ``reason`` says why not."""

    period: Period
    reason: str | None = None
    table: pd.DataFrame | None = None      # per LSOA, indexed by lsoa_code, most harm first
    wards: pd.DataFrame | None = None
    unweighted: pd.DataFrame | None = None  # crime_type, crimes: types with no weight
    weighted_crimes: int = 0
    unweighted_crimes: int = 0
    key: str = "crime_type"                # what the weights are keyed by
    source: str = ""
    synthetic: bool = False
    top_n: int = 10
    has_geometry: bool = False
    rule: SignificanceRule = SignificanceRule()
    by_type: pd.DataFrame | None = None    # crime_type, crimes, weight, harm, share_of_harm

    @property
    def total(self) -> float:
        return float(self.table["harm"].sum()) if self.table is not None else float("nan")

    def top(self) -> pd.DataFrame:
        """The ``top_n`` LSOAs with most harm (ties by code)."""
        return self.table.loc[top_areas(self.table["harm"], min(self.top_n, len(self.table))).index]

    def hot_not_count(self) -> pd.DataFrame:
        """The LSOAs that are harm hot spots (any confidence) but not count hot spots."""
        return self.table[self.table["harm_not_count"]] if self.has_geometry else self.table.iloc[0:0]

    def publishable(self) -> pd.DataFrame:
        """``tables/lsoa_harm.csv``: lsoa_code, count, harm, harm_rate_per_1000, gi_z, gi_p, gi_class
        (the issue's contract, in that order), then gi_p_fdr, count_gi_class, harm_not_count,
        lsoa_name, ward_code, ward."""
        cols = ["lsoa_code", "count", "harm", "harm_rate_per_1000", "gi_z", "gi_p", "gi_class", "gi_p_fdr",
                "count_gi_class", "harm_not_count", "lsoa_name", "ward_code", "ward"]
        t = self.table.reset_index()
        return t[[c for c in cols if c in t]]


def crime_weights(crimes: pd.DataFrame, weights: pd.DataFrame) -> pd.Series:
    """Each crime's harm weight: by offence code when the weights are keyed by it (crime type for a
    crime with no code, when the file also has crime-type weights), else by crime type.

    Parameters
    ----------
    crimes : DataFrame
        crime_type and, optionally, offence_code.
    weights : DataFrame
        :func:`assessment.loaders.harm_weights.read_harm_weights`'s table (key, weight; attrs).

    Returns
    -------
    Series of float, indexed like ``crimes`` (NaN: no weight)

    Examples
    --------
    >>> w = pd.DataFrame({"key": ["Burglary"], "weight": [30.0]}); w.attrs["key"] = "crime_type"
    >>> crime_weights(pd.DataFrame({"crime_type": ["burglary", "Drugs"]}), w).tolist()
    [30.0, nan]
    """
    table = pd.Series(weights["weight"].to_numpy(dtype=float), index=weights["key"].astype(str))
    key = weights.attrs.get("key", "crime_type")
    if key == "offence_code":
        codes = crimes["offence_code"] if "offence_code" in crimes else pd.Series(pd.NA, index=crimes.index)
        out = weigh(codes.astype("string"), table)
        by_type = weights.attrs.get("crime_type")
        if by_type is not None:
            tw = pd.Series(by_type["weight"].to_numpy(dtype=float), index=by_type["key"].astype(str))
            out = out.fillna(weigh(crimes["crime_type"].astype("string"), tw))
        return out
    return weigh(crimes["crime_type"].astype("string"), table)


def analyse_harm(ds, boundaries=None, weights=None, rule: SignificanceRule | None = None) -> HarmResult:
    """Harm per LSOA and ward, its concentration and Gi* beside the counts'.

    Parameters
    ----------
    ds : Dataset
        Its ``harm_weights`` (None: :data:`NO_WEIGHTS`), crimes, LSOAs, population, boundaries.
    boundaries, weights : optional
        LSOA polygons or their queen weights (default: ``ds.boundaries``).
    rule : SignificanceRule, optional
        The Gi* rule (default: the config's ``hotspots`` settings, so harm and counts are tested
        exactly as chapter 2 tests counts).

    Returns
    -------
    HarmResult
    """
    cfg = ds.config
    rule = rule if rule is not None else SignificanceRule.from_config(cfg.hotspots)
    res = HarmResult(period=ds.period, source=str(cfg.harm.source or ""), synthetic=bool(cfg.harm.synthetic),
                     top_n=cfg.hotspots.top_n, rule=rule)
    if ds.harm_weights is None:
        res.reason = NO_WEIGHTS
        return res
    res.key = ds.harm_weights.attrs.get("key", "crime_type")
    lsoas = ds.lsoa_frame()
    universe = lsoa_universe(lsoas)
    cur = ds.crimes_in(ds.period)
    cur = cur[cur["lsoa_code"].notna()]
    w = crime_weights(cur, ds.harm_weights)
    has = w.notna()
    res.weighted_crimes = int(cur.loc[has, "count"].sum())
    res.unweighted_crimes = int(cur.loc[~has, "count"].sum())
    res.unweighted = (cur[~has].groupby("crime_type")["count"].sum().sort_values(ascending=False)
                      .rename("crimes").reset_index())
    if res.weighted_crimes == 0:
        res.reason = NO_MATCH
        return res
    harm_rows = (w.fillna(0.0) * cur["count"].astype(float))
    res.by_type = _by_type(cur[has], w[has])
    counts = lsoa_counts(cur, universe)
    harm = harm_by_area(cur["lsoa_code"], harm_rows, universe)
    meta = lsoas.reindex(universe) if isinstance(lsoas, pd.DataFrame) else pd.DataFrame(index=universe)
    t = pd.DataFrame(index=universe)
    t["lsoa_name"] = meta["lsoa_name"].astype("string") if "lsoa_name" in meta else pd.NA
    t["ward_code"] = meta["ward_code"].astype("string") if "ward_code" in meta else pd.NA
    t["ward"] = meta["ward_name"].astype("string") if "ward_name" in meta else pd.NA
    t["count"] = counts
    t["harm"] = harm
    pop = _population(ds)
    t["harm_rate_per_1000"] = area_rates(harm, pop) if pop is not None else np.nan
    if boundaries is None and weights is None:
        boundaries = ds.boundaries
    if weights is None and boundaries is not None and set(boundaries.index) >= set(universe):
        weights = queen_weights(boundaries.reindex(universe))
    res.has_geometry = weights is not None
    kw = dict(permutations=rule.permutations, seed=cfg.hotspots.seed, fdr=rule.fdr,
              max_permutations=rule.max_permutations)
    if res.has_geometry:
        gh = gistar(harm, weights=weights, **kw)
        gc = gistar(counts, weights=weights, **kw)
    else:
        gh, gc = no_geometry(harm), no_geometry(counts)
    t["gi_z"], t["gi_p"], t["gi_p_fdr"], t["gi_class"] = gh["gi_z"], gh["gi_p"], gh["gi_p_fdr"], gh["gi_class"]
    t["count_gi_class"] = gc["gi_class"]
    t["harm_not_count"] = hot_not_count(t["gi_class"], t["count_gi_class"]) if res.has_geometry else False
    order = sorted(range(len(t)), key=lambda i: (-float(t["harm"].iloc[i]), str(t.index[i])))
    res.table = t.iloc[order]
    res.wards = ward_harm(res.table)
    return res


def _by_type(cur: pd.DataFrame, w: pd.Series) -> pd.DataFrame:
    """Crimes, weight and harm by crime type (weighted crimes only), most harm first."""
    d = pd.DataFrame({"crime_type": cur["crime_type"].astype(str).to_numpy(), "crimes": cur["count"].to_numpy(),
                      "harm": (w * cur["count"].astype(float)).to_numpy()})
    g = d.groupby("crime_type").agg(crimes=("crimes", "sum"), harm=("harm", "sum")).reset_index()
    g["weight_per_crime"] = g["harm"] / g["crimes"]
    total = g["harm"].sum()
    g["share_of_harm"] = g["harm"] / total if total > 0 else np.nan
    g["share_of_crimes"] = g["crimes"] / g["crimes"].sum()
    return g.sort_values(["harm", "crime_type"], ascending=[False, True]).reset_index(drop=True)


def _population(ds):
    if ds.population is not None and len(ds.population):
        return ds.population
    if ds.lsoas is not None and "population" in ds.lsoas and ds.lsoas["population"].notna().any():
        return ds.lsoas["population"]
    return None


def ward_harm(table: pd.DataFrame) -> pd.DataFrame:
    """Ward totals of the harm table: LSOAs, crimes, harm, share of harm, harm hot-spot LSOAs.

    Parameters
    ----------
    table : DataFrame
        :attr:`HarmResult.table`.

    Returns
    -------
    DataFrame
        ward_code, ward, lsoas, count, harm, share_of_harm, harm_per_crime, hot_lsoas (harm hot spots
        at any confidence); most harm first; empty without a ward lookup.

    Examples
    --------
    >>> t = pd.DataFrame({"ward_code": ["W1", "W1", "W2"], "ward": ["North", "North", "South"],
    ...                   "count": [2, 1, 4], "harm": [60.0, 30.0, 10.0], "gi_class": ["Not significant"] * 3},
    ...                  index=pd.Index(list("ABC"), name="lsoa_code"))
    >>> ward_harm(t)[["ward_code", "harm", "share_of_harm", "harm_per_crime"]].values.tolist()
    [['W1', 90.0, 0.9, 30.0], ['W2', 10.0, 0.1, 2.5]]
    """
    cols = ["ward_code", "ward", "lsoas", "count", "harm", "share_of_harm", "harm_per_crime", "hot_lsoas"]
    if "ward_code" not in table or table["ward_code"].isna().all():
        return pd.DataFrame(columns=cols)
    t = table.assign(ward_code=table["ward_code"].fillna("Unknown"), ward=table["ward"].fillna("Unknown ward"))
    g = t.groupby("ward_code", sort=False)
    out = pd.DataFrame({"ward": g["ward"].first(), "lsoas": g.size(), "count": g["count"].sum().astype("int64"),
                        "harm": g["harm"].sum()})
    total = out["harm"].sum()
    out["share_of_harm"] = out["harm"] / total if total > 0 else np.nan
    out["harm_per_crime"] = out["harm"] / out["count"].where(out["count"] > 0)
    out["hot_lsoas"] = t["gi_class"].isin(HOT_AT[0.90]).groupby(t["ward_code"], sort=False).sum().astype("int64")
    out = out.reset_index().sort_values(["harm", "ward_code"], ascending=[False, True]).reset_index(drop=True)
    return out[cols]


# -- the chapter -----------------------------------------------------------------------------------
@dataclass
class HarmChapter:
    """Everything chapter 7 shows (data only)."""

    period: Period
    near: NearRepeatsResult
    harm: HarmResult
    headlines: dict = field(default_factory=dict)


def analyse(ds) -> HarmChapter:
    """Compute chapter 7 for a :class:`~assessment.dataset.Dataset`: near repeats, then harm.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    HarmChapter
    """
    res = HarmChapter(period=ds.period, near=analyse_near_repeats(ds), harm=analyse_harm(ds))
    res.headlines = headlines(res, ds.config.near_repeat.crime_types)
    return res


def _num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def headlines(res: HarmChapter, crime_types=()) -> dict:
    """The chapter's summary.json keys (see the module docstring); every configured crime type has
    its ``near_repeat.<type>`` keys, null where it could not be tested.

    Parameters
    ----------
    res : HarmChapter
    crime_types : list of str
        ``near_repeat.crime_types`` (for the keys of types that could not be tested).

    Returns
    -------
    dict
    """
    h: dict = {}
    by_name = {r.crime_type: r for r in res.near.results}
    for name, key in zip(crime_types, type_keys(crime_types)):
        r = by_name.get(name)
        near = r.near() if r is not None else None
        same = r.same_place() if r is not None else None
        h[f"near_repeat.{key}.name"] = str(name)
        h[f"near_repeat.{key}.crimes"] = r.crimes if r is not None and res.near.reason is None else None
        h[f"near_repeat.{key}.same_place_ratio"] = same["ratio"] if same else None
        h[f"near_repeat.{key}.near_ratio"] = near["ratio"] if near else None
        h[f"near_repeat.{key}.p"] = near["p"] if near else None
        h[f"near_repeat.{key}.pairs"] = near["observed"] if near else None
    hr = res.harm
    t = hr.table
    if t is None:
        h.update({"harm.total": None, "harm.top10_lsoas": None, "harm.top10_share": None, "harm.gini": None})
        return h
    total = float(t["harm"].sum())
    top = hr.top()
    h.update({
        "harm.total": total,
        "harm.top10_lsoas": [str(i) for i in top.index] if total > 0 else [],
        "harm.top10_share": float(top["harm"].sum() / total) if total > 0 else None,
        "harm.gini": _num(gini(t["harm"])),
        "harm.top_share_10pct": _num(top_share(t["harm"], 0.10)),
        "harm.hot_spots_95": count_classes(t["gi_class"], 0.95) if hr.has_geometry else None,
        "harm.hot_not_count": [str(i) for i in hr.hot_not_count().index] if hr.has_geometry else None,
        "harm.weighted_crimes": hr.weighted_crimes,
        "harm.unweighted_crimes": hr.unweighted_crimes,
        "harm.synthetic_weights": hr.synthetic,
    })
    return h
