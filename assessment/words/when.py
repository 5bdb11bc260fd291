"""Chapter 6's words: when crime happens — months, days and hours, the night-time economy.

Every sentence states what the result holds; figures go through :mod:`assessment.rounding`.

>>> month_name(7), weekday_name(5), hour_span(22)
('July', 'Saturday', '22:00–22:59')
"""
from __future__ import annotations

import calendar

import pandas as pd

from ..chapters.when import (
    ALL_CRIME,
    NO_DATES,
    NO_TIMED_VIOLENCE,
    NO_TIMES,
    NO_VIOLENCE,
    NightResult,
    WhenResult,
    group_summary,
    hot_spots,
    window_hours_share,
)
from ..rounding import count, pct

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def month_name(m) -> str:
    return calendar.month_name[int(m)]


def weekday_name(d) -> str:
    return WEEKDAYS[int(d)]


def hour_span(h) -> str:
    """The hour ``h`` as the clock times it covers: 22 -> '22:00–22:59'."""
    return f"{int(h):02d}:00–{int(h):02d}:59"


def _list(items: list) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def night_window(night: NightResult) -> str:
    """'20:00 to 04:00 on Friday and Saturday nights'.

    >>> night_window(NightResult("Violence", [], start=20, end=4, nights=[4, 5]))
    '20:00 to 04:00 on Friday and Saturday nights'
    """
    nights = _list([WEEKDAYS[d] for d in sorted(night.nights)])
    return f"{night.start:02d}:00 to {night.end:02d}:00 on {nights} night{'s' if len(night.nights) > 1 else ''}"


# -- the opening and what is not covered ------------------------------------------------------
def opening(res: WhenResult) -> str:
    parts = ["by month of the year against the same months of the earlier years"]
    if "days" not in res.reasons:
        parts.append("by day of the week" + ("" if "hours" in res.reasons else " and hour"))
    if res.night is not None:
        parts.append("violence in the night-time economy")
    return f"This chapter shows crime in {res.period.label} " + _list(parts) + "."


REASONS = {
    NO_DATES: ("The crime data give each crime's month but not its day or time of day (police.uk and published "
               "counts hold months only), so crime by day of the week and hour, and night-time-economy violence, "
               "cannot be shown.", ["inputs.crimes"]),
    NO_TIMES: ("The crime extract gives no time of day (an offence_time column, or times in offence_date), so crime "
               "by hour and night-time-economy violence cannot be shown.", ["inputs.crimes"]),
    NO_VIOLENCE: ("No crime group or crime type is violence against the person (a crime group named 'Violence…', "
                  "or when.violence_group), so night-time-economy violence cannot be shown.",
                  ["crime_groups", "when.violence_group"]),
    NO_TIMED_VIOLENCE: ("No violent crime in the period has a time of day, so night-time-economy violence cannot "
                        "be shown.", ["inputs.crimes"]),
}


def not_covered(res: WhenResult, section: str) -> tuple[str | None, list] | None:
    """Why a section ('days', 'hours', 'night') has no figures (a sentence, config keys), or None.

    The sections missing for one reason carry the same sentence (the report merges them into one
    line of its "Not covered this year" box); the hours, a part of the days' section, carry none
    when the days are missing too.

    >>> r = WhenResult(period=None, groups=[], monthly=pd.DataFrame(),
    ...                reasons={"days": NO_DATES, "hours": NO_DATES, "night": NO_DATES})
    >>> not_covered(r, "days")[0][:39], not_covered(r, "hours"), not_covered(r, "night") == not_covered(r, "days")
    ("The crime data give each crime's month ", (None, []), True)
    """
    reason = res.reasons.get(section)
    if reason is None:
        return None
    if section == "hours" and res.reasons.get("days") == reason:
        return None, []
    return REASONS[reason]


# -- 1. months ------------------------------------------------------------------------------
def _years(res: WhenResult) -> int:
    t = res.profile()
    return int(t["years"].max()) if len(t) else 0


def months_sentence(res: WhenResult) -> str:
    """The peak month and the months significantly above their usual level (all crime)."""
    t = res.profile()
    peak = res.peak_month()
    if peak is None:
        return f"No crime was recorded in {res.period.label}."
    n = int(t.loc[t["month"] == peak, "count"].iloc[0])
    s = f"Crime was highest in {month_name(peak)} ({count(n)} crimes)."
    years = _years(res)
    if years == 0:
        return s + (" The data hold no earlier year, so no month can be compared with its usual level.")
    above = t[t["above"]]
    earlier = f"the previous {years} years" if years > 1 else "the previous year"
    test = (f"exact Poisson test against the same month of {earlier}, "
            f"Holm-adjusted for the 12 months, {pct(res.alpha)} level")
    if len(above) == 0:
        return s + f" No month was significantly above its usual level ({test})."
    if len(above) == len(t):
        return s + (f" Every month was significantly above its usual level ({test}): crime was higher all year, "
                    f"by {pct(above['ratio'].min() - 1)} to {pct(above['ratio'].max() - 1)}, not only in some months.")
    named = [f"{month_name(r.month)} ({pct(r.ratio - 1, signed=True)})" for r in above.itertuples()]
    n = "One month was" if len(above) == 1 else f"{len(above)} months were"
    return s + f" {n} significantly above the usual level ({test}): {_list(named)}."


def monthly_title(res: WhenResult, group: str = ALL_CRIME) -> str:
    peak = res.peak_month(group)
    what = "Crime" if group == ALL_CRIME else group
    if peak is None:
        return f"{what} by month, {res.period.label}"
    return f"{what} by month, {res.period.label}: highest in {month_name(peak)}"


MONTHLY_ALT = ("Bar chart of crimes in each month of the period, with the usual level (the average of the same month "
               "in the earlier years) as a line; months significantly above it are dark and starred")


def monthly_table_title(res: WhenResult) -> str:
    return f"Crimes in each month of {res.period.label} against the usual level"


def monthly_display(res: WhenResult, group: str = ALL_CRIME) -> pd.DataFrame:
    t = res.profile(group)
    return pd.DataFrame({"Month": [month_name(m) for m in t["month"]],
                         res.period.base_label: t["count"].to_numpy(),
                         "Usual level": t["usual"].to_numpy(),
                         "This year ÷ usual": t["ratio"].to_numpy(),
                         "Significantly above usual": ["Yes" if a else "" for a in t["above"]]})


MONTHLY_FORMATS = {"Usual level": lambda v: "–" if pd.isna(v) else f"{v:,.1f}",
                   "This year ÷ usual": lambda v: "–" if pd.isna(v) else f"{v:.2f}"}


def monthly_note(res: WhenResult) -> str:
    years = _years(res)
    earlier = f"the previous {years} years" if years != 1 else "the previous year"
    return (f"Usual level: the average of the same month in {earlier} the data cover. Significantly above: the month's count is above its usual level beyond chance "
            f"(exact conditional Poisson test, Holm-adjusted over the 12 months, {pct(res.alpha)} level).")


def groups_display(res: WhenResult) -> pd.DataFrame:
    """One row per crime group: peak month, months above usual, and peak day, hour and hour of the week."""
    g = group_summary(res)
    out = pd.DataFrame({"Crime group": g["crime_group"], "Crimes": g["crimes"],
                        "Highest month": [month_name(m) if m else "–" for m in g["peak_month"]],
                        "Months significantly above usual": [", ".join(calendar.month_abbr[m] for m in ms) or "none"
                                                             for ms in g["months_above"]]})
    if "days" not in res.reasons:
        out["Busiest day"] = [weekday_name(d) if d is not None and d == d else "–" for d in g["peak_weekday"]]
    if "hours" not in res.reasons:
        out["Busiest hour of the week"] = [f"{WEEKDAYS_SHORT[c[0]]} {c[1]:02d}:00" if c else "–" for c in g["peak_cell"]]
    return out


GROUPS_TITLE = "When each crime group peaks"


# -- 2. days and hours ----------------------------------------------------------------------------
def timed_sentence(res: WhenResult) -> str:
    """How many crimes have a date and a time (rows without a time count towards days, not hours)."""
    s = (f"Of the {count(res.dated)} crimes with an offence date in {res.period.label}, {count(res.timed)} "
         f"({pct(res.timed_share)}) have a time of day.")
    if res.untimed:
        s += (f" The other {count(res.untimed)} count towards their day of the week but not towards any hour.")
    if res.crimes > res.dated:
        s += f" {count(res.crimes - res.dated)} crimes with no offence date are in neither."
    return s


def peaks_sentence(res: WhenResult) -> str:
    d, h, cell = res.peak_weekday(), res.peak_hour(), res.peak_cell()
    days = res.by_weekday[res.by_weekday["crime_group"] == ALL_CRIME].set_index("weekday")["count"]
    s = f"Crime was highest on {weekday_name(d)}s ({count(days[d])} crimes)" if d is not None else "No crime had a date"
    if h is not None:
        s += f"; by time of day, at {hour_span(h)} ({count(res.hours()[h])} crimes)"
        s += f". The busiest hour of the week was {weekday_name(cell[0])} {hour_span(cell[1])} ({count(cell[2])} crimes)"
    return s + "."


def heatmap_title(res: WhenResult, group: str = ALL_CRIME) -> str:
    cell = res.peak_cell(group)
    what = "Crime" if group == ALL_CRIME else group
    if cell is None:
        return f"{what} by day of the week and hour, {res.period.label}"
    return (f"{what} by day of the week and hour, {res.period.label}: busiest {weekday_name(cell[0])} "
            f"{hour_span(cell[1])}")


GROUP_HEATMAPS_TITLE = "Each crime group by day of the week and hour (darker = more crime; the busiest hour outlined)"
HEATMAP_ALT = ("Heatmap of crimes by day of the week (rows, Monday to Sunday) and hour of the day (columns, 0 to 23); "
               "darker cells have more crime and the busiest cell is outlined")


# -- 3. night-time economy ----------------------------------------------------------------------
def night_sentence(res: WhenResult) -> str:
    n = res.night
    s = (f"{count(n.in_window)} violent crimes ({n.name}: {pct(n.share)} of the {count(n.timed)} with a time of day) "
         f"happened in the night-time economy window, {night_window(n)}. The window is {n.window_hours} of the "
         f"week's 168 hours ({pct(window_hours_share(n))}): violence spread evenly over the week would put "
         f"{pct(window_hours_share(n))} of it there.")
    if n.crimes > n.timed:
        s += f" {count(n.crimes - n.timed)} violent crimes without a time of day are not counted in either."
    return s


def night_hotspots_sentence(res: WhenResult) -> str:
    n = res.night
    if not n.has_geometry:
        return "No boundary file: the night-time-economy hot spots cannot be found."
    hs = hot_spots(n.table)
    if len(hs) == 0:
        return "No LSOA is a hot spot of night-time-economy violence (Getis–Ord Gi*, as in chapter 2)."
    names = [str(x) for x in hs["lsoa_name"].fillna(pd.Series(hs.index, index=hs.index)).head(5)]
    more = f" and {len(hs) - 5} more" if len(hs) > 5 else ""
    return (f"{len(hs)} LSOA{'s are' if len(hs) > 1 else ' is a'} hot spot{'s' if len(hs) > 1 else ''} of "
            f"night-time-economy violence (Getis–Ord Gi*, as in chapter 2): {_list(names[:5]) if not more else ', '.join(names[:5])}{more}.")


def night_map_title(res: WhenResult) -> str:
    return f"Night-time-economy violence by LSOA, {res.period.label}"


def night_hot_title(res: WhenResult) -> str:
    hs = hot_spots(res.night.table)
    return f"Hot spots of night-time-economy violence, {res.period.label}: {len(hs)} LSOA{'s' if len(hs) != 1 else ''}"


NIGHT_MAP_ALT = "Map of violent crimes in the night-time-economy window by LSOA, darker for more"
NIGHT_HOT_ALT = "Map of Getis-Ord Gi* hot and cold spots of night-time-economy violence by LSOA; hot spots red and hatched"
NIGHT_TABLE_TITLE = "The LSOAs with most night-time-economy violence"


def night_display(top: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"LSOA": top.index, "LSOA name": top["lsoa_name"].to_numpy(), "Ward": top["ward"].to_numpy(),
                         "Crimes": top["count"].to_numpy(), "Hot spot": top["gi_class"].fillna("").to_numpy()})


# -- the methods appendix --------------------------------------------------------------------------
def methods(alpha: float, start: int, end: int, nights: list) -> str:
    """The chapter's methods section for the appendix, with the run's settings."""
    window = night_window(NightResult("Violence", [], start=start, end=end, nights=list(nights)))
    return f"""
### When crime happens (chapter 6)

* **Months against their usual level.** Each month of the period is compared with the same calendar
  month in every earlier year the data cover (a month with no data at all, or with less than a
  quarter of the median month's crime — a part month at the start of a published table — is a
  gap, not a zero):
  the *usual level* is their average, the *ratio* this year's count ÷ the usual level. A month is
  **significantly above** its usual level when a one-sided exact conditional Poisson test (the
  month's count against the earlier years' total: given their sum, the count is binomial with
  probability 1 ÷ (years + 1) if the rate has not changed) gives a p-value that, Holm-adjusted over
  the period's 12 months (for each crime group separately), is at most {pct(alpha)}
  (`when.alpha`). Seasonality that recurs every year gives ratios near 1; a year higher overall
  makes every month significant. The highest month is the one with most crime (ties: the
  earliest). Works on monthly data (police.uk, published counts) too.
* **Day of the week and hour** need a record-level extract with offence dates; hours need times
  (`offence_time` as HH:MM, or a time written in the date column, `offence_datetime`), in UK local
  time. A crime with a date but no time counts towards its day but not towards any hour; the report
  says how many. A time that is not a time of day is counted as no time (and noted). A date written
  without a time is not taken as midnight; a time of 00:00 is taken as written (some systems write
  00:00 for an unknown time: check the 00:00 column of the heatmaps). The day is the offence date's
  weekday (Monday = 0 in `tables/day_hour.csv`); the busiest day counts every crime with a date, the
  busiest hour and the busiest hour of the week only crimes with a time.
* **Night-time-economy violence**: violence against the person (the crime group named in
  `when.violence_group`; by default the first crime group whose name starts with "Violence", else
  the crime types whose names do) between {window} (`when.nte_start`, `when.nte_end`,
  `when.nte_nights`). The early hours belong to the previous evening's night: 02:00 on a Saturday
  is Friday night. Its share is of the violent crimes with a time of day. Its LSOA counts, map and
  hot spots use chapter 2's rules (Getis–Ord Gi*, the same permutations and significance rule).
"""


def board_methods(start: int, end: int, nights: list) -> str:
    """Chapter 6 in plain words, for the board's methods (:func:`assessment.words.appendix.board_methods`).

    >>> board_methods(20, 4, [4, 5]).splitlines()[0]
    '### When crime happens'
    """
    window = night_window(NightResult("Violence", [], start=start, end=end, nights=list(nights)))
    return f"""### When crime happens

Each month is compared with the same month in the earlier years; a month is called **significantly
above** its usual level only when chance is an unlikely explanation, allowing for all 12 months being
tested. Days and hours come from the crime records' dates and times, where the records have them.
**Night-time-economy violence** is violence against the person between {window}."""
