"""Chapter 4's words: repeat victims and repeat ASB callers.

The methods text (:func:`methods`, :func:`asb_methods`, with this run's settings; :data:`METHODS`
and :data:`ASB_METHODS` with the defaults), every sentence, title and note of the chapter as a
function of its results (:class:`~assessment.chapters.victims.VictimsResult`,
:class:`~assessment.chapters.victims.ASBResult`), the readable versions of its tables and what
the disclosure rules withheld, in words.  Shares are worded by :func:`assessment.rounding.pct`,
the report's one rule.

Example
-------
>>> import pandas as pd
>>> t = pd.DataFrame({"repeat_rate": [0.17, 0.266]}, index=pd.Index(["All crime", "Domestic abuse"], name="subset"))
>>> table_title(t)
'Domestic abuse victims are the most likely to be victimised again: 26.6% were repeat victims, against 17.0% for all crime'
"""
from __future__ import annotations

import pandas as pd

from ..chapters.victims import (
    ALL_CRIME,
    BANDS,
    DOMESTIC_ABUSE,
    NO_ASB_FILE,
    NO_CALLER_REFERENCES,
    NO_CALLS_IN_PERIOD,
    NO_CRIME_REFERENCES,
    NO_VICTIMS_IN_PERIOD,
    NO_VICTIMS_LINK,
    ASBResult,
    VictimsResult,
    Withheld,
    empty_subsets,
)
from ..rounding import PCT, pct
from ..stats.repeat_calls import window_days

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

_ASB_METHODS = r"""
### Repeat anti-social behaviour callers (chapter 4)

* **Calls.** Each ASB incident with a caller reference and a date is one call; an incident
  reference listed twice counts once. Only calls whose date falls in the assessment period count
  (windows do not reach back into the previous year, so a caller's status in one year does not
  depend on calls made in another, and years can be compared).
* **Sliding 24-week window.** A window is any run of {days} consecutive calendar days
  ({weeks} weeks), starting on any day — not calendar blocks. The time of day is ignored: calls on
  day 0 and on day {last} are in the same window; a call on day {days} is not.
* **Repeat caller** = a caller with {calls} or more calls in at least one such window inside the
  period (`asb.repeat_calls` and `asb.window_weeks` in the config). (The busiest window for a caller can always be taken to start on the day of one of
  their calls, so each call's day is tried as a start: the number of the caller's calls on days
  t … t+{last} is found by binary search over the caller's sorted call days.)
* **Share of calls** = calls in the period made by repeat callers (all their calls in the period,
  not just those in their busiest window) ÷ ASB calls in the period **with a caller reference**
  (calls with none cannot be attributed to anyone). The share of all ASB calls, with or without
  a caller reference, is shown too. A blank caller reference counts as none.
* **Disclosure control.** Callers are people: a number of repeat callers below
  `disclosure.min_count` is shown as "<{min_count}", their calls as "[c]", and the shares depending on
  them are left blank. The table and the headline figures are audited together (see Disclosure
  control below: a repeat caller made {calls} or more calls, every other caller at least one), and
  where the hidden numbers could still be worked out the number of callers is hidden too. No
  caller reference appears in any output.
"""


def methods(lookback_days: int = 365, windows=(7, 30, 90, 365), min_count: int = 5) -> str:
    """The repeat-victims methods text with the configured look-back, windows and disclosure
    threshold filled in.

    Parameters
    ----------
    lookback_days : int
        ``victims.lookback_days``.
    windows : iterable of int
        ``victims.repeat_windows``.
    min_count : int
        ``disclosure.min_count``.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> "at most 365 days earlier" in methods()
    True
    """
    ws = [int(w) for w in windows]
    listed = ", ".join(str(w) for w in ws[:-1]) + (" and " if len(ws) > 1 else "") + str(ws[-1]) if ws else "–"
    return _METHODS.format(lookback=lookback_days, windows=listed, quarter=int(round(lookback_days / 4)),
                          min_count=min_count)


def asb_methods(repeat_calls: int = 10, window_weeks: int = 24, min_count: int = 5) -> str:
    """The repeat-callers methods text with the configured rule filled in.

    Parameters
    ----------
    repeat_calls : int
        ``asb.repeat_calls``.
    window_weeks : int
        ``asb.window_weeks``.
    min_count : int
        ``disclosure.min_count``.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> "on day 167 are in the same window; a call on day 168 is not" in asb_methods()
    True
    """
    d = window_days(window_weeks)
    return _ASB_METHODS.format(days=d, weeks=window_weeks, last=d - 1, calls=repeat_calls, min_count=min_count)


#: the repeat-victims methods text with the default settings
METHODS = methods()
#: the repeat-callers methods text with the default settings
ASB_METHODS = asb_methods()

#: the crimes-per-victim table's title and note, the charts' alternative texts, the table notes
DISTRIBUTION_TABLE_TITLE = "Victims by the number of crimes against them in the 12 months"
DISTRIBUTION_TABLE_NOTE = ("Each row counts only that group's crimes: a victim of one burglary and one robbery is a "
                           "victim of one crime in each row.")
REPEAT_TABLE_NOTE = ("Repeats within d days: share of look-back repeats that came at most d days after the victim's "
                     "previous crime. Each row counts only that group's crimes.")
DISTRIBUTION_ALT = ("Bar chart of the share of victims with 1, 2, 3, 4 and 5 or more crimes, for all crime and "
                    "domestic abuse")
TIME_TO_REPEAT_ALT = "Cumulative share of repeats by days since the previous crime, against an even-spread line"
TOP_LOCATIONS_TITLE = "The map points with most crimes (proxy for repeat victimisation)"
#: what a section says when it is left out
NO_VICTIMS_SECTION = "Left out: there is no victims link to measure repeat victimisation from (see above)."
NO_VICTIMS_LINK_TEXT = "Left out: there is no victims link."
LOCATIONS_NOT_NEEDED = "Not needed: the victims link measures repeat victimisation directly."
NO_MAP_POINTS = "Left out: the crime data have no map points."


# ---------------------------------------------------------------------------------------------
# numbers in words
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


# ---------------------------------------------------------------------------------------------
# repeat victims: sentences and notes
# ---------------------------------------------------------------------------------------------
def headline_sentence(table: pd.DataFrame, label: str, area: str, lookback_days: int = 365) -> str:
    """The chapter's opening sentences from the published table.

    Parameters
    ----------
    table : DataFrame
        The published repeat-victims table.
    label : str
        The period's label.
    area : str
        The area's name.
    lookback_days : int
        The look-back, in days.

    Returns
    -------
    str
        "" when the table has no all-crime row.

    Examples
    --------
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


def sentence(result: VictimsResult) -> str:
    """The chapter's opening sentences (:func:`headline_sentence` of the result), "" when the
    repeat-victim measures are left out.

    Parameters
    ----------
    result : VictimsResult

    Returns
    -------
    str
    """
    if not result.available:
        return ""
    return headline_sentence(result.table, result.period_label, result.area, result.lookback_days)


def notes(result: VictimsResult) -> dict:
    """The chapter's notes: why the measures are left out (``"victims"``), that no crime is
    flagged as domestic abuse (``"domestic_abuse"``), the undated pairs (``"undated"``).

    Parameters
    ----------
    result : VictimsResult

    Returns
    -------
    dict
        Key -> sentence; only the notes that apply.

    Examples
    --------
    >>> from assessment.chapters.victims import VictimsResult
    >>> notes(VictimsResult("2024/25", reason="no_victims_in_period"))["victims"]
    'No victim is linked to a crime in 2024/25, so there are no repeat-victim figures for this period; its headline figures are null.'
    """
    out = {}
    if not result.available:
        if result.reason in (NO_VICTIMS_LINK, NO_CRIME_REFERENCES):
            why = ("No victims link was supplied (police.uk and published-count data hold no victims)"
                   if result.reason == NO_VICTIMS_LINK
                   else "The crime data have no crime references to join the victims link to")
            out["victims"] = f"{why}, so repeat victimisation is not measured; its headline figures are null."
        elif result.reason == NO_VICTIMS_IN_PERIOD:
            out["victims"] = (f"No victim is linked to a crime in {result.period_label}, so there are no "
                              "repeat-victim figures for this period; its headline figures are null.")
        return out
    if DOMESTIC_ABUSE not in result.table.index:
        out["domestic_abuse"] = ("No crime in the data is flagged as domestic abuse, so the domestic "
                                 "abuse measures are left out; their headline figures are null.")
    if result.undated_pairs:
        out["undated"] = (f"{result.undated_pairs:,} victim–crime pair(s) in {result.period_label} have no offence "
                          "date (month only) and are left out of the look-back and time-to-repeat measures.")
    return out


def opening(result: VictimsResult) -> str:
    """What the chapter opens with: :func:`sentence`, or why the measures are left out.

    Parameters
    ----------
    result : VictimsResult

    Returns
    -------
    str
    """
    return sentence(result) if result.available else notes(result)["victims"]


def lookback_sentence(table: pd.DataFrame, lookback_days: int = 365) -> str:
    """Compare the in-year and look-back measures for all crime and domestic abuse.

    Parameters
    ----------
    table : DataFrame
        The published repeat-victims table.
    lookback_days : int
        The look-back, in days.

    Returns
    -------
    str

    Examples
    --------
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


def too_few_repeats(min_count: int) -> str:
    """What the time-to-repeat section says when no subset has enough repeats to chart.

    Examples
    --------
    >>> too_few_repeats(5)
    'Too few repeats (fewer than 5) to chart the time to repeat.'
    """
    return f"Too few repeats (fewer than {min_count}) to chart the time to repeat."


def table_title(table: pd.DataFrame) -> str:
    """A title stating the finding of the repeat-victims table: which subset has the highest
    published repeat-victim rate, against all crime.

    Parameters
    ----------
    table : DataFrame
        The published repeat-victims table.

    Returns
    -------
    str

    Examples
    --------
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


def distribution_title(dist: pd.DataFrame) -> str:
    """A title stating the finding of the crimes-per-victim chart (published shares only).

    Parameters
    ----------
    dist : DataFrame
        The published distribution.

    Returns
    -------
    str

    Examples
    --------
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


def time_to_repeat_title(within_30, front_loaded, lookback_days: int = 365) -> str:
    """'Repeats are front-loaded: 42.0% of repeats within 365 days came within 30 days of the previous crime'.

    Parameters
    ----------
    within_30 : float or None
        The share of look-back repeats (all crime) within 30 days of the previous crime; None when
        there are no repeats.
    front_loaded : bool or None
        :func:`assessment.stats.repeats.front_loaded` of the same repeats.
    lookback_days : int
        The look-back, in days.

    Returns
    -------
    str

    Examples
    --------
    >>> time_to_repeat_title(0.75, True)
    'Repeats are front-loaded: 75.0% of repeats within 365 days came within 30 days of the previous crime'
    >>> time_to_repeat_title(None, None)
    'No victim was a victim again within the look-back period'
    """
    if within_30 is None:
        return "No victim was a victim again within the look-back period"
    lead = "Repeats are front-loaded" if front_loaded else "Repeats are not front-loaded"
    return f"{lead}: {pct(within_30)} of repeats within {lookback_days} days came within 30 days of the previous crime"


def repeat_title(result: VictimsResult) -> str:
    """The time-to-repeat chart's title (:func:`time_to_repeat_title` of the result), "" when the
    repeat-victim measures are left out.

    Parameters
    ----------
    result : VictimsResult

    Returns
    -------
    str
    """
    if not result.available:
        return ""
    return time_to_repeat_title(result.within_30, result.front_loaded, result.lookback_days)


def empty_subsets_note(table: pd.DataFrame) -> str | None:
    """'No victim is linked to vehicle crime or shoplifting ...', or None.

    Parameters
    ----------
    table : DataFrame
        The published repeat-victims table.

    Returns
    -------
    str or None

    Examples
    --------
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


# ---------------------------------------------------------------------------------------------
# readable versions of the tables (the CSVs keep the stable column names)
# ---------------------------------------------------------------------------------------------
def display_table(table: pd.DataFrame, windows=(7, 30, 90, 365)) -> pd.DataFrame:
    """The published repeat-victims table with readable column names, groups without victims
    left out (see :func:`empty_subsets_note`).

    Parameters
    ----------
    table : DataFrame
        The published repeat-victims table.
    windows : iterable of int
        The time-to-repeat windows.

    Returns
    -------
    DataFrame
    """
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
    """Display formats for :func:`display_table` (shares as percentages).

    Parameters
    ----------
    windows : iterable of int
        The time-to-repeat windows.

    Returns
    -------
    dict
        Column -> format.
    """
    return {"Repeat-victim rate": PCT, "Share of pairs: repeat victims": PCT, "Look-back repeat rate": PCT,
            **{f"Repeats within {w} days": PCT for w in windows}}


def distribution_display(dist: pd.DataFrame, skip=()) -> pd.DataFrame:
    """The crimes-per-victim distribution as one row per subset, one column per band (victims),
    with hidden cells kept as published ("<5", "[c]").

    Parameters
    ----------
    dist : DataFrame
        The published distribution.
    skip : iterable of str
        Subsets to leave out (:func:`~assessment.chapters.victims.empty_subsets`).

    Returns
    -------
    DataFrame

    Examples
    --------
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


# ---------------------------------------------------------------------------------------------
# repeat locations
# ---------------------------------------------------------------------------------------------
def location_sentence(table: pd.DataFrame, label: str) -> str:
    """'In 2024/25, 1,234 map points had two or more crimes (repeat locations — a proxy ...)'.

    Parameters
    ----------
    table : DataFrame
        The repeat-locations table.
    label : str
        The period's label.

    Returns
    -------
    str

    Examples
    --------
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


def locations_title(table: pd.DataFrame) -> str:
    """Finding title for the repeat-locations table.

    Parameters
    ----------
    table : DataFrame
        The repeat-locations table.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"repeat_locations": [120], "repeat_location_crime_share": [0.578]},
    ...                  index=pd.Index(["All crime"], name="subset"))
    >>> locations_title(t)
    'Map points with two or more crimes account for 57.8% of crime (a proxy for repeat victimisation)'
    """
    r = table.loc[ALL_CRIME]
    return (f"Map points with two or more crimes account for {_pct(r['repeat_location_crime_share'])} of crime "
            "(a proxy for repeat victimisation)")


#: display formats of the repeat-locations table
LOCATION_FORMATS = {"repeat_location_crime_share": "{:.1%}"}


# ---------------------------------------------------------------------------------------------
# what was withheld
# ---------------------------------------------------------------------------------------------
def withheld_lines(withheld: list[Withheld], min_count: int = 5) -> list[str]:
    """What the repeat-victim disclosure rules withheld, one line each.

    Parameters
    ----------
    withheld : list of Withheld
        ``VictimsResult.withheld`` (or the second value of
        :func:`~assessment.chapters.victims.publishable_table`).
    min_count : int
        The disclosure threshold.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from assessment.chapters.victims import Withheld
    >>> withheld_lines([Withheld("repeat_rate", "Robbery"), Withheld("within", "Robbery", windows=(7, 30))])
    ['Robbery: fewer than 5 repeat victims, so the repeat-victim rate and share of pairs are not published', 'Robbery: share of repeats within 7, 30 days not published (fewer than 5 repeats)']
    """
    out = []
    for w in withheld:
        if w.kind == "repeat_rate":
            out.append(f"{w.where}: fewer than {min_count} repeat victims, so the repeat-victim rate and "
                       "share of pairs are not published")
        elif w.kind == "lookback_rate":
            out.append(f"{w.where}: fewer than {min_count} look-back repeats, so the look-back rate is not published")
        elif w.kind == "within":
            out.append(f"{w.where}: share of repeats within {', '.join(str(d) for d in w.windows)} days not published "
                       f"(fewer than {min_count} repeats)")
        elif w.kind == "distribution":
            out.append(f"crimes-per-victim distribution: {w.cells} count(s) hidden — shown as "
                       f'"<{min_count}" when below {min_count}, or "[c]" when hidden so that a '
                       "published total cannot reveal another")
        elif w.kind == "audit":
            out.append("hidden as well, because with the other published figures they would have let "
                       "a reader work out a hidden count (disclosure audit), with the shares and rates "
                       "resting on them: " + "; ".join(w.labels))
        else:
            raise ValueError(f"unknown withheld figure {w.kind!r}")
    return out


def suppressed(result: VictimsResult) -> list[str]:
    """:func:`withheld_lines` of the result.

    Parameters
    ----------
    result : VictimsResult

    Returns
    -------
    list of str
    """
    return withheld_lines(result.withheld, result.min_count)


def suppression_text(suppressed: list, min_count: int = 5, personal: bool = True) -> str:
    """What was suppressed and why, as markdown (a sentence when nothing was).

    Parameters
    ----------
    suppressed : list of str
        The lines (:func:`suppressed`, :func:`asb_suppressed`).
    min_count : int
        The disclosure threshold.
    personal : bool
        Whether the chapter published anything from victim or caller records.

    Returns
    -------
    str

    Examples
    --------
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


def chapter_suppression_text(result: VictimsResult, calls: ASBResult) -> str:
    """The chapter's "What was suppressed" section, for both results.

    Parameters
    ----------
    result : VictimsResult
    calls : ASBResult

    Returns
    -------
    str
    """
    return suppression_text(suppressed(result) + asb_suppressed(calls), result.min_count,
                            personal=result.available or calls.available)


# ---------------------------------------------------------------------------------------------
# repeat ASB callers
# ---------------------------------------------------------------------------------------------
#: readable column names for the published repeat-callers table
ASB_DISPLAY_NAMES = {"period": "Period", "calls": "ASB calls", "calls_with_caller": "Calls with a caller reference",
                     "callers": "Callers", "repeat_callers": "Repeat callers",
                     "repeat_caller_calls": "Calls by repeat callers",
                     "repeat_caller_call_share": "Share of calls with a caller reference",
                     "repeat_caller_share_all_calls": "Share of all calls", "repeat_caller_share": "Share of callers"}


def asb_display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The published repeat-callers table with readable column names (the CSV keeps the stable ones).

    Parameters
    ----------
    table : DataFrame
        The published repeat-callers table.

    Returns
    -------
    DataFrame
    """
    return table.rename(columns=ASB_DISPLAY_NAMES)


def asb_display_formats() -> dict:
    """Display formats for :func:`asb_display_table` (shares as percentages).

    Returns
    -------
    dict
    """
    return {ASB_DISPLAY_NAMES[c]: PCT for c in ("repeat_caller_call_share", "repeat_caller_share_all_calls",
                                                "repeat_caller_share")}


def asb_row_sentence(row: dict, repeat_calls: int = 10, window_weeks: int = 24) -> str:
    """'In 2024/25, 37 callers made 10 or more calls within a 24-week period ...'.

    Parameters
    ----------
    row : dict
        A row of the published repeat-callers table.
    repeat_calls, window_weeks : int
        The repeat-caller rule.

    Returns
    -------
    str

    Examples
    --------
    >>> print(asb_row_sentence({"period": "2024/25", "calls": 5200, "calls_with_caller": 5000, "callers": 2100,
    ...                         "repeat_callers": 37, "repeat_caller_calls": 610, "repeat_caller_call_share": 0.122}))
    In 2024/25, 37 of 2,100 ASB callers were repeat callers (10 or more calls within a 24-week period); they made 610 of the 5,000 ASB calls with a caller reference (12.2%).
    """
    rc = row["repeat_callers"]
    if isinstance(rc, str):
        return (f"In {row['period']}, fewer than {rc.lstrip('<')} ASB callers made {repeat_calls} or more calls within a "
                f"{window_weeks}-week period (the exact number is not published).")
    callers = "" if isinstance(row["callers"], str) else f" of {int(row['callers']):,}"
    s = (f"In {row['period']}, {int(rc):,}{callers} ASB callers were repeat callers ({repeat_calls} or more "
         f"calls within a {window_weeks}-week period); they made {int(row['repeat_caller_calls']):,}")
    if isinstance(row["calls_with_caller"], str):  # hidden by the disclosure audit
        return s + " ASB calls."
    return s + (f" of the {int(row['calls_with_caller']):,} ASB calls with a caller reference "
                f"({_pct(row['repeat_caller_call_share'])}).")


def asb_sentence(result: ASBResult) -> str:
    """The repeat-callers section's sentence: the period's row (:func:`asb_row_sentence`), then
    the previous period's number when both are published; "" when the section is left out.

    Parameters
    ----------
    result : ASBResult

    Returns
    -------
    str
    """
    if not result.available:
        return ""
    table = result.table
    row = table.iloc[-1].to_dict()
    s = asb_row_sentence(row, result.repeat_calls, result.window_weeks)
    if len(table) == 2:
        p = table.iloc[0]
        if not isinstance(p["repeat_callers"], str) and not isinstance(row["repeat_callers"], str):
            s += f" In {p['period']} there were {int(p['repeat_callers']):,}."
    return s


def asb_title(result: ASBResult) -> str:
    """The repeat-callers table's title: the first clause of :func:`asb_sentence`.

    Parameters
    ----------
    result : ASBResult

    Returns
    -------
    str
    """
    return asb_sentence(result).split(";")[0]


def asb_note(result: ASBResult) -> str:
    """Why the repeat-callers section is left out ("" when it is not).

    Parameters
    ----------
    result : ASBResult

    Returns
    -------
    str

    Examples
    --------
    >>> from assessment.chapters.victims import ASBResult
    >>> asb_note(ASBResult(period_label="2024/25", reason="no_calls_in_period"))
    'No ASB call is dated in 2024/25, so repeat ASB callers are not measured; their headline figures are null.'
    """
    if result.reason == NO_ASB_FILE:
        return "No ASB incident file was supplied, so repeat ASB callers are not measured; their headline figures are null."
    if result.reason == NO_CALLER_REFERENCES:
        return ("The ASB data hold no caller references (police.uk ASB records have none), so repeat ASB callers "
                "are not measured; their headline figures are null.")
    if result.reason == NO_CALLS_IN_PERIOD:
        return (f"No ASB call is dated in {result.period_label}, so repeat ASB callers are not measured; their "
                "headline figures are null.")
    return ""


def asb_left_out(result: ASBResult) -> str:
    """What the repeat-callers section says when it is left out.

    Parameters
    ----------
    result : ASBResult

    Returns
    -------
    str
    """
    return "Left out. " + asb_note(result)


def asb_withheld_lines(withheld: list[Withheld], min_count: int = 5) -> list[str]:
    """What the repeat-caller disclosure rules withheld, one line each.

    Parameters
    ----------
    withheld : list of Withheld
        ``ASBResult.withheld`` (or the second value of
        :func:`~assessment.chapters.victims.publishable`).
    min_count : int
        The disclosure threshold.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from assessment.chapters.victims import Withheld
    >>> asb_withheld_lines([Withheld("repeat_callers", "2024/25")])
    ['2024/25: fewer than 5 repeat ASB callers, so their number and share of calls are not published']
    """
    out = []
    for w in withheld:
        if w.kind == "repeat_callers":
            out.append(f"{w.where}: fewer than {min_count} repeat ASB callers, so their number and share "
                       "of calls are not published")
        elif w.kind == "audit":
            out.append("hidden as well, because with the other published figures they would have let a reader work "
                       "out a hidden count (disclosure audit), with the shares resting on them: "
                       + "; ".join(w.labels))
        else:
            raise ValueError(f"unknown withheld figure {w.kind!r}")
    return out


def asb_suppressed(result: ASBResult) -> list[str]:
    """:func:`asb_withheld_lines` of the result.

    Parameters
    ----------
    result : ASBResult

    Returns
    -------
    list of str
    """
    return asb_withheld_lines(result.withheld, result.min_count)


# ---------------------------------------------------------------------------------------------
# not covered this year
# ---------------------------------------------------------------------------------------------
#: why the repeat-victim sections are not covered, by ``VictimsResult.reason``: the words of the
#: report's "Not covered this year" box and the config keys that would bring them in
VICTIMS_NOT_COVERED = {
    NO_VICTIMS_LINK: ("no victims link was supplied (police.uk data and published counts hold no victims)",
                      ["inputs.victims"]),
    NO_CRIME_REFERENCES: ("the crime data have no crime references to join a victims link to (a record-level "
                          "crime extract has them)", ["inputs.crimes"]),
    NO_VICTIMS_IN_PERIOD: ("no victim in the victims link is linked to a crime in {label}", []),
}
#: the same for the repeat-caller section, by ``ASBResult.reason``
ASB_NOT_COVERED = {
    NO_ASB_FILE: ("no ASB incident file was supplied", ["inputs.asb"]),
    NO_CALLER_REFERENCES: ("the ASB data hold no caller references (police.uk ASB records have none)", []),
    NO_CALLS_IN_PERIOD: ("no ASB call is dated in {label}", []),
}
#: the same for the repeat-location proxy (police.uk map points), when there are no victims
NO_POINTS_NOT_COVERED = "the crime data have no map points for the repeat-location proxy (police.uk data have them)"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _why(table: dict, reason: str | None, label: str) -> tuple[str, list[str]]:
    text, keys = table.get(reason, (reason or "not measured", []))
    return text.format(label=label), list(keys)


def victims_not_covered(result: VictimsResult) -> tuple[str, list[str]] | None:
    """Why the repeat-victim sections are not covered (a sentence, config keys), or None when they are.

    Parameters
    ----------
    result : VictimsResult

    Returns
    -------
    (str, list of str) or None

    >>> victims_not_covered(VictimsResult("2024/25", reason=NO_VICTIMS_LINK))
    ('No victims link was supplied (police.uk data and published counts hold no victims).', ['inputs.victims'])
    """
    if result.available:
        return None
    text, keys = _why(VICTIMS_NOT_COVERED, result.reason, result.period_label)
    return _sentence(text), keys


def asb_not_covered(calls: ASBResult) -> tuple[str, list[str]] | None:
    """Why the repeat-caller section is not covered (a sentence, config keys), or None when it is.

    >>> asb_not_covered(ASBResult(period_label="2024/25", reason=NO_CALLS_IN_PERIOD))
    ('No ASB call is dated in 2024/25.', [])
    """
    if calls.available:
        return None
    text, keys = _why(ASB_NOT_COVERED, calls.reason, calls.period_label)
    return _sentence(text), keys


def locations_not_covered(result: VictimsResult) -> tuple[str, list[str]] | None:
    """Why the repeat-location section is not covered, or None when it is shown or not needed
    (with a victims link, repeat victims are measured directly: :func:`locations_needed`)."""
    if result.locations is not None or result.available:
        return None
    return _sentence(NO_POINTS_NOT_COVERED), []


def locations_needed(result: VictimsResult) -> bool:
    """False when the victims link measures repeat victimisation directly and the repeat-location
    proxy is left out of the report without a word."""
    return not (result.available and result.locations is None)


def not_covered(result: VictimsResult, calls: ASBResult) -> tuple[str, list[str]] | None:
    """Why chapter 4 as a whole is not covered this year — no victims, no ASB calls and no map
    points — and the config keys that would bring it in; None when any of its sections is shown.

    Parameters
    ----------
    result : VictimsResult
    calls : ASBResult

    Returns
    -------
    (str, list of str) or None

    >>> r = VictimsResult("2024/25", reason=NO_VICTIMS_LINK)
    >>> text, keys = not_covered(r, ASBResult(period_label="2024/25", reason=NO_ASB_FILE))
    >>> print(text)
    No victims link was supplied (police.uk data and published counts hold no victims); no ASB incident file was supplied; and the crime data have no map points for the repeat-location proxy (police.uk data have them).
    >>> keys
    ['inputs.victims', 'inputs.asb']
    """
    if result.available or calls.available or result.locations is not None:
        return None
    victims, v_keys = _why(VICTIMS_NOT_COVERED, result.reason, result.period_label)
    asb, a_keys = _why(ASB_NOT_COVERED, calls.reason, calls.period_label)
    return _sentence(f"{victims}; {asb}; and {NO_POINTS_NOT_COVERED}"), v_keys + a_keys
