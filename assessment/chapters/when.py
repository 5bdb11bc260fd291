"""Chapter 6 — when crime happens: the months of the year against their usual level, day of week ×
hour, and violence in the night-time economy (issue 15, items 1-3).

:func:`analyse` returns a :class:`WhenResult` holding data only; the sentences are
:mod:`assessment.words.when`, the charts :mod:`assessment.figures.when` (heatmaps) and
:mod:`assessment.figures.maps` (the night-time-economy maps).  The statistics are
:mod:`assessment.stats.temporal`'s; the night-time-economy LSOA table and its Getis–Ord Gi* hot
spots are chapter 2's (:func:`assessment.chapters.hotspots.lsoa_table`, under the same
:class:`~assessment.significance.SignificanceRule`), so a hot spot means the same in both chapters.

What each input can give
    * every crime input (police.uk, MPS counts, an extract): the month profile;
    * a record-level extract (offence dates): crimes by day of the week;
    * an extract with times (``offence_time``, or ``offence_datetime``): by hour, the day × hour
      heatmaps and the night-time-economy window.  A crime with a date but no time counts towards
      its day, not towards any hour (``untimed``).

Headline keys written to ``summary.json`` (``null`` when the inputs cannot give the figure):

==================================  =================================================================
key                                 meaning
==================================  =================================================================
``patterns.peak_month``             calendar month (1-12) of the period with most crime (all crime)
``patterns.peak_weekday``           weekday (0 = Monday) with most crime, every crime with a date
``patterns.peak_hour``              hour (0-23) with most crime, crimes with a time
``patterns.nte_violence_share``     violence in the night-time window ÷ violence with a time
``patterns.timed_share``            crimes with a time ÷ crimes with a date
``patterns.months_above``           the months (1-12) significantly above their usual level (all crime)
``patterns.nte_violence``           violent crimes in the night-time window
==================================  =================================================================

Example
-------
>>> import pandas as pd
>>> from assessment.config import Config
>>> cfg = Config.model_validate({"area": {"name": "X"}, "crime_groups": {"Violence": ["Violence with injury"]}})
>>> violence_types(cfg, ["Burglary", "Violence with injury"])
('Violence', ['Violence with injury'])
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..significance import SignificanceRule
from ..stats import temporal
from . import hotspots

ALL_CRIME = hotspots.ALL_CRIME
#: why a section has no figures (the words module words them)
NO_DATES = "no_dates"
NO_TIMES = "no_times"
NO_VIOLENCE = "no_violence"
NO_TIMED_VIOLENCE = "no_timed_violence"


@dataclass
class NightResult:
    """Violence in the night-time-economy window (:func:`night_time_economy`)."""

    name: str                              # the violence group's name (or "Violence" for the types)
    types: list                            # its crime types
    crimes: int = 0                        # violent crimes in the period
    timed: int = 0                         # of which with a time
    in_window: int = 0                     # of which in the window
    start: int = 20
    end: int = 4
    nights: list = field(default_factory=lambda: [4, 5])
    table: pd.DataFrame | None = None      # lsoa_table of the window's violence (count, rate, Gi*)
    has_geometry: bool = False
    rule: SignificanceRule = SignificanceRule()

    @property
    def share(self) -> float | None:
        return self.in_window / self.timed if self.timed else None

    @property
    def window_hours(self) -> int:
        """Hours of the week inside the window (e.g. 16 of 168 for 20:00-04:00 on two nights)."""
        per_night = (self.end - self.start) % 24
        return per_night * len(self.nights)


@dataclass
class WhenResult:
    """Everything chapter 6 shows (data only)."""

    period: object
    groups: list                           # "All crime" and the configured crime groups, in order
    monthly: pd.DataFrame                  # crime_group, month, count, usual, ratio, years, p, p_holm, above
    alpha: float = 0.05
    crimes: int = 0                        # crimes in the period (all crime)
    dated: int = 0                         # of which with an offence date
    timed: int = 0                         # of which with a time too
    day_hour: pd.DataFrame | None = None   # crime_group, weekday, hour, count (crimes with a time)
    by_weekday: pd.DataFrame | None = None  # crime_group, weekday, count (every crime with a date)
    night: NightResult | None = None
    reasons: dict = field(default_factory=dict)   # section -> why it has no figures (NO_* above)
    headlines: dict = field(default_factory=dict)

    @property
    def untimed(self) -> int:
        return self.dated - self.timed

    @property
    def timed_share(self) -> float | None:
        return self.timed / self.dated if self.dated else None

    def profile(self, group: str = ALL_CRIME) -> pd.DataFrame:
        """The month profile of one crime group."""
        return self.monthly[self.monthly["crime_group"] == group]

    def peak_month(self, group: str = ALL_CRIME) -> int | None:
        t = self.profile(group)
        m = temporal.peak(t.set_index("month")["count"]) if len(t) else None
        return None if m is None else int(m)

    def months_above(self, group: str = ALL_CRIME) -> list:
        t = self.profile(group)
        return [int(m) for m in t.loc[t["above"], "month"]]

    def peak_weekday(self, group: str = ALL_CRIME) -> int | None:
        if self.by_weekday is None:
            return None
        t = self.by_weekday[self.by_weekday["crime_group"] == group]
        d = temporal.peak(t.set_index("weekday")["count"])
        return None if d is None else int(d)

    def hours(self, group: str = ALL_CRIME) -> pd.Series:
        """Crimes with a time by hour 0-23 (empty without times)."""
        if self.day_hour is None:
            return pd.Series(dtype="int64")
        t = self.day_hour[self.day_hour["crime_group"] == group]
        return t.groupby("hour")["count"].sum()

    def peak_hour(self, group: str = ALL_CRIME) -> int | None:
        h = temporal.peak(self.hours(group))
        return None if h is None else int(h)

    def cells(self, group: str = ALL_CRIME) -> pd.DataFrame:
        """The 7 × 24 grid (weekday rows, hour columns) of one group."""
        t = self.day_hour[self.day_hour["crime_group"] == group]
        return t.pivot(index="weekday", columns="hour", values="count")

    def peak_cell(self, group: str = ALL_CRIME) -> tuple | None:
        """(weekday, hour, crimes) of the busiest hour of the week (ties: the earliest)."""
        if self.day_hour is None:
            return None
        t = self.day_hour[self.day_hour["crime_group"] == group].reset_index(drop=True)
        i = temporal.peak(t["count"])
        return None if i is None else (int(t.at[i, "weekday"]), int(t.at[i, "hour"]), int(t.at[i, "count"]))


# -- the steps --------------------------------------------------------------------------------
def group_types(ds) -> dict:
    """"All crime" (None: every type) and each configured crime group's types, in config order."""
    return {ALL_CRIME: None, **{name: list(types) for name, types in ds.config.crime_groups.items()}}


def _select(crimes: pd.DataFrame, types) -> pd.DataFrame:
    return crimes if types is None else crimes[crimes["crime_type"].isin(types)]


#: a month holding less than this share of the median month's crime (all crime) is a part month of the
#: data (e.g. the first month of a published table, nearly empty), not a usual level: a gap
PART_MONTH = 0.25


def covered_months(crimes: pd.DataFrame) -> pd.DatetimeIndex:
    """The months the crime data hold: a month with no row at all, or with less than
    :data:`PART_MONTH` of the median month's crime, is a gap, not a zero.

    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"]),
    ...                   "count": [2, 2119, 2123, 2360]})
    >>> [m.strftime("%Y-%m") for m in covered_months(c)]
    ['2024-03', '2024-04', '2024-05']
    """
    per = crimes.groupby("month")["count"].sum()
    if per.empty:
        return pd.DatetimeIndex([])
    return pd.DatetimeIndex(sorted(per.index[per >= PART_MONTH * per.median()]))


def period_months(period) -> pd.DatetimeIndex:
    """The first days of the period's months."""
    return pd.date_range(period.start, periods=period.months, freq="MS")


def monthly_profiles(ds, groups: dict, alpha: float) -> pd.DataFrame:
    """:func:`~assessment.stats.temporal.monthly_profile` of all crime and each group, stacked."""
    covered = covered_months(ds.crimes)
    months = period_months(ds.period)
    frames = []
    for name, types in groups.items():
        sub = _select(ds.crimes, types)
        counts = sub.groupby("month")["count"].sum().reindex(covered, fill_value=0)
        t = temporal.monthly_profile(counts, months, alpha=alpha)
        frames.append(t.assign(crime_group=name))
    out = pd.concat(frames, ignore_index=True)
    out["count"] = out["count"].round().astype("Int64")    # a count; <NA> for a month the data do not cover
    return out[["crime_group", "month", "count", "usual", "ratio", "years", "p", "p_holm", "above"]]


def day_hour_tables(current: pd.DataFrame, groups: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Day × hour (crimes with a time) and day (every crime with a date) for all crime and each group."""
    cells, days = [], []
    for name, types in groups.items():
        sub = _select(current, types)
        c, d = temporal.day_hour(sub["date"], sub["hour"], sub["count"])
        cells.append(c.assign(crime_group=name))
        days.append(d.rename("count").reset_index().assign(crime_group=name))
    cells = pd.concat(cells, ignore_index=True)[["crime_group", "weekday", "hour", "count"]]
    days = pd.concat(days, ignore_index=True)[["crime_group", "weekday", "count"]]
    return cells, days


def violence_types(cfg, types_in_data) -> tuple[str, list] | None:
    """The crime types that are violence against the person, and what to call them.

    ``when.violence_group`` when set; else the first crime group whose name starts with
    "Violence"; else the crime types of the data whose name starts with "violence" (any case:
    police.uk "Violence and sexual offences", "Violence with injury", ...); None when there are none.
    """
    g = cfg.when.violence_group
    if g is not None:
        return g, list(cfg.crime_groups[g])
    for name, types in cfg.crime_groups.items():
        if str(name).casefold().startswith("violence"):
            return name, list(types)
    found = sorted({str(t) for t in types_in_data if str(t).casefold().startswith("violence")})
    return ("Violence", found) if found else None


def night_time_economy(ds, current: pd.DataFrame, lsoa_kw: dict | None = None) -> NightResult | str:
    """Violence in the night-time window (``when.nte_*``): counts, share and, by LSOA, chapter 2's
    table with Gi* hot spots.  A reason (``NO_VIOLENCE``, ``NO_TIMED_VIOLENCE``) when it cannot be
    shown."""
    w = ds.config.when
    v = violence_types(ds.config, ds.crimes["crime_type"].dropna().unique())
    if v is None:
        return NO_VIOLENCE
    name, types = v
    viol = current[current["crime_type"].isin(types)]
    timed = viol[viol["hour"].notna() & viol["date"].notna()]
    res = NightResult(name=name, types=types, crimes=int(viol["count"].sum()), timed=int(timed["count"].sum()),
                      start=w.nte_start, end=w.nte_end, nights=list(w.nte_nights))
    if res.timed == 0:
        return NO_TIMED_VIOLENCE
    inside = temporal.in_night_window(timed["date"], timed["hour"], w.nte_start, w.nte_end, w.nte_nights)
    res.in_window = int(timed.loc[inside, "count"].sum())
    if lsoa_kw is not None:
        # every year's night-time violence: the LSOA table compares the period with the previous 12 months
        every = ds.crimes[ds.crimes["crime_type"].isin(types) & ds.crimes["hour"].notna() & ds.crimes["date"].notna()]
        night = every[temporal.in_night_window(every["date"], every["hour"], w.nte_start, w.nte_end, w.nte_nights)]
        res.table = hotspots.lsoa_table(night, lsoa_kw.pop("lsoas"), ds.period, **lsoa_kw)
        res.has_geometry = lsoa_kw.get("weights") is not None
        res.rule = SignificanceRule.from_config(ds.config.hotspots)
    return res


def _lsoa_settings(ds) -> dict:
    """Chapter 2's settings for an LSOA table (boundaries, weights, population, Gi* rule)."""
    rule = SignificanceRule.from_config(ds.config.hotspots)
    lsoas = ds.lsoa_frame()
    boundaries, weights = hotspots._geometry(ds, lsoas)
    return dict(lsoas=lsoas, boundaries=boundaries, population=hotspots._population(ds),
                previous=hotspots._has_previous(ds), permutations=rule.permutations, seed=ds.config.hotspots.seed,
                fdr=rule.fdr, weights=weights, max_permutations=rule.max_permutations)


def analyse(ds, maps: bool = True) -> WhenResult:
    """Compute chapter 6 for a :class:`~assessment.dataset.Dataset`.

    ``maps=False`` leaves out the night-time-economy LSOA table (and its Gi* permutations).
    """
    alpha = ds.config.when.alpha
    groups = group_types(ds)
    current = ds.crimes_in(ds.period)
    res = WhenResult(period=ds.period, groups=list(groups), monthly=monthly_profiles(ds, groups, alpha), alpha=alpha,
                     crimes=int(current["count"].sum()))
    dated = current[current["date"].notna()]
    res.dated = int(dated["count"].sum())
    res.timed = int(dated.loc[dated["hour"].notna(), "count"].sum())
    if res.dated == 0:
        res.reasons["days"] = res.reasons["hours"] = res.reasons["night"] = NO_DATES
    else:
        res.day_hour, res.by_weekday = day_hour_tables(dated, groups)
        if res.timed == 0:
            res.reasons["hours"] = res.reasons["night"] = NO_TIMES
        else:
            night = night_time_economy(ds, dated, _lsoa_settings(ds) if maps else None)
            if isinstance(night, str):
                res.reasons["night"] = night
            else:
                res.night = night
    res.headlines = headlines(res)
    return res


def published_monthly(res: WhenResult) -> pd.DataFrame:
    """``tables/monthly_profile.csv``: crime_group, month, count, usual, ratio."""
    return res.monthly[["crime_group", "month", "count", "usual", "ratio"]].reset_index(drop=True)


def published_day_hour(res: WhenResult) -> pd.DataFrame:
    """``tables/day_hour.csv``: crime_group, weekday (0 = Monday), hour, count — crimes with a time."""
    return res.day_hour[["crime_group", "weekday", "hour", "count"]].reset_index(drop=True)


def group_summary(res: WhenResult) -> pd.DataFrame:
    """One row per crime group: crimes, peak month, months above usual, and (with dates and times)
    peak weekday, peak hour and the busiest hour of the week."""
    rows = []
    for g in res.groups:
        cell = res.peak_cell(g) if res.timed else None
        rows.append({"crime_group": g, "crimes": int(res.profile(g)["count"].sum()), "peak_month": res.peak_month(g),
                     "months_above": res.months_above(g), "peak_weekday": res.peak_weekday(g),
                     "peak_hour": res.peak_hour(g) if res.timed else None,
                     "peak_cell": cell})
    return pd.DataFrame(rows)


def headlines(res: WhenResult) -> dict:
    """The chapter's summary.json keys (see the module docstring)."""
    n = res.night
    return {
        "patterns.peak_month": res.peak_month(),
        "patterns.months_above": res.months_above(),
        "patterns.peak_weekday": res.peak_weekday() if res.dated else None,
        "patterns.peak_hour": res.peak_hour() if res.timed else None,
        "patterns.timed_share": res.timed_share,
        "patterns.nte_violence_share": n.share if n is not None else None,
        "patterns.nte_violence": n.in_window if n is not None else None,
    }


def night_top(res: WhenResult, n: int = 10) -> pd.DataFrame:
    """The LSOAs with most night-time-economy violence (largest first)."""
    t = res.night.table
    return t[t["count"] > 0].head(n)


def hot_spots(table: pd.DataFrame) -> pd.DataFrame:
    """The hot-spot LSOAs of an LSOA table (Gi* class starting 'Hot spot')."""
    if table is None or "gi_class" not in table:
        return table.iloc[0:0] if table is not None else pd.DataFrame()
    return table[table["gi_class"].astype(str).str.startswith("Hot spot")]


def window_hours_share(night: NightResult) -> float:
    """The window's share of the week's 168 hours (what the share of violence would be if violence
    were spread evenly over the week)."""
    return night.window_hours / 168.0

