"""Chapter 1 in words: its sentences, chart and table titles, table labels and methods text.

Every function states what the chapter's result (:class:`~assessment.chapters.crime_in_the_area.
CrimeInTheAreaResult`) holds; numbers are written by :mod:`assessment.rounding`.

Example
-------
>>> headline_sentence("Testham", 90, 100, "2024/25")
'Total recorded crime in Testham fell 10.0% in 2024/25 compared with the previous 12 months (10 fewer offences, 90 in all).'
"""
from __future__ import annotations

import pandas as pd

from ..chapters.crime_in_the_area import CrimeInTheAreaResult, is_nan
from ..rounding import PCT_CHANGE
from ..rounding import pct as fmt_pct
from ..scope import Scope
from .common import pretty_category
from .labels import year_labels

#: how chapter 1's tables show their columns (percentages by the report's one rule, see assessment.rounding)
DISPLAY_FORMATS = {"% change": PCT_CHANGE, "% change vs baseline": PCT_CHANGE, "Rate per 1,000 residents": "{:.2f}"}

#: the published tables' column labels (the chapter's tables have machine column names)
COLUMN_LABELS = {"previous": "Previous 12 months", "current": "Current 12 months", "change": "Change",
                 "change_pct": "% change", "baseline": "Baseline year", "change_vs_baseline_pct": "% change vs baseline",
                 "rate_per_1000": "Rate per 1,000 residents"}

#: what the priority-crimes section says when the config names no crime groups
NO_GROUPS_NOTE = "No crime groups are configured (`crime_groups` in the config), so there is no priority-crime table."

#: the trend chart's and the change chart's alt text
TREND_ALT = "Bar chart of crimes per month with a dashed line for the rolling 12-month total"
CHANGE_ALT = "Bar chart of the change in each crime type against the previous 12 months"

METHODS = r"""
### Volumes, change and rates (chapter 1)

* **Counts** are the number of recorded crimes whose month falls in the period. For published
  count tables (MPS) each cell's value is added; for police.uk and record-level extracts each row
  is one crime. Anti-social behaviour is not a notifiable crime and is not in the totals.
* **What is counted** is named in every headline: "total recorded crime" when the crime input
  holds all crime; "recorded burglary" (say) when it holds a single crime type, as police.uk files
  filtered to burglary do; "recorded crime geocoded to an LSOA" for the MPS LSOA-level counts,
  which hold only the crimes the MPS could place in an LSOA (its ward-level counts are higher); or
  what the config's `scope` says.
* **Crimes with no location** (police.uk "No Location" rows) belong to an area selected by police
  force (`area.force`): they are in its totals and crime-type tables, but cannot be mapped, so the
  analyses by LSOA leave them out. For any other area they cannot be placed in it and are counted
  as excluded ("no location") in the data-quality table.
* **Current 12 months** is the assessment period; **previous 12 months** is the same period one
  year earlier. **Change** = current − previous; **% change** = change ÷ previous × 100 (shown as
  "–" when the previous count is zero).
* **% change vs baseline** compares the current count with the count in the baseline year
  (`baseline_year` in the config, by default four years before the assessment year), only when the
  data cover the whole baseline year.
* **Crime groups** (the partnership's priority crimes) are the sums of the crime types listed for
  each group in the config; a crime type may belong to more than one group. Every type a group
  names must be a crime type of the data (checked when the inputs are loaded), so no group counts
  zero for a misspelling. A group whose crime
  types are exactly those of two or more other groups together (for example neighbourhood crime =
  burglary + robbery + theft from the person + vehicle crime) is a *composite*: its offences are
  counted in those groups already, so it is not counted again when the summary says how many
  priority crimes rose or fell.
* **Rate per 1,000 residents** = count ÷ resident population × 1,000, using the ONS mid-year
  estimate for the latest year at or before the assessment year. Residential rates overstate risk
  in town centres, where many people visit but few live.
* **Trend**: monthly counts over up to five years, with the rolling 12-month total (each month's
  value is the sum of that month and the eleven before it; shown only once twelve months exist).
"""


# -- sentences ----------------------------------------------------------------------------------------
def headline_sentence(area: str, current: int, previous, label: str, scope: Scope | None = None) -> str:
    """The opening sentence of the chapter, from the totals.

    Parameters
    ----------
    area : str
        The area's name.
    current, previous : int
        Crimes in the period and in the previous 12 months (None: not covered by the data).
    label : str
        The period's label ('2024/25').
    scope : Scope, optional
        What was counted (:mod:`assessment.scope`; default all recorded crime).

    Returns
    -------
    str

    >>> headline_sentence("Testham", 32_038, 29_942, "2024/25")
    'Total recorded crime in Testham rose 7.0% in 2024/25 compared with the previous 12 months (2,096 more offences, 32,038 in all).'
    >>> from assessment.scope import detect
    >>> headline_sentence("Testham", 1_000, 1_050, "2023/24", detect(None, "police_uk", ["Burglary"]))
    'Recorded burglary in Testham fell 4.8% in 2023/24 compared with the previous 12 months (50 fewer offences, 1,000 in all).'
    """
    scope = scope or Scope()
    if previous is None or pd.isna(previous) or previous == 0:
        return f"{scope.count_phrase(current)} in {area} in {label}."
    change = current - previous
    pct = fmt_pct(abs(change) / previous)
    if change > 0:
        return (f"{scope.total} in {area} rose {pct} in {label} compared with the previous "
                f"12 months ({change:,} more offences, {current:,} in all).")
    if change < 0:
        return (f"{scope.total} in {area} fell {pct} in {label} compared with the previous "
                f"12 months ({-change:,} fewer offences, {current:,} in all).")
    return f"{scope.total} in {area} was unchanged in {label} at {current:,} offences."


def sentence(result: CrimeInTheAreaResult) -> str:
    """The chapter's opening sentence (:func:`headline_sentence` of the result's totals).

    Parameters
    ----------
    result : CrimeInTheAreaResult

    Returns
    -------
    str
    """
    return headline_sentence(result.area, result.current, result.previous, result.period.label, result.scope)


def rate_sentence(result: CrimeInTheAreaResult, area: str) -> str:
    """'That is a rate of 41.4 crimes per 1,000 residents.' or why there is none.

    Parameters
    ----------
    result : CrimeInTheAreaResult
    area : str
        The area's name.

    Returns
    -------
    str
    """
    if result.population is None or is_nan(result.rate):
        return "No population figures were supplied, so rates per 1,000 residents are not shown."
    scope = getattr(result, "scope", None) or Scope()
    return (f"That is {scope.rate_phrase(result.rate)} "
            f"({population_phrase(result.population, area, getattr(result, 'population_year', None))}).")


def population_phrase(population: float, area: str, year: int | None) -> str:
    """The population figure with the year of its estimate.

    >>> population_phrase(262413, "Haringey", 2022)
    '262,413 residents in Haringey, ONS mid-2022 estimate'
    >>> population_phrase(1500, "Testham", None)
    '1,500 residents in Testham; the population file does not say which year it estimates'
    """
    if year is None:
        return f"{population:,.0f} residents in {area}; the population file does not say which year it estimates"
    return f"{population:,.0f} residents in {area}, ONS mid-{year} estimate"


def scope_sentences(result) -> list[str]:
    """Chapter 1's sentences on what the totals count: the scope's note (MPS LSOA-level counts
    hold only geocoded crime), and how many crimes have no location (in the totals, not mapped).

    Parameters
    ----------
    result : CrimeInTheAreaResult

    Returns
    -------
    list of str
    """
    out = []
    scope = getattr(result, "scope", None) or Scope()
    if scope.note:
        out.append(scope.note)
    n = getattr(result, "no_location", 0) or 0
    if n:
        out.append(f"{n:,} of these {scope.unit} ({n / result.current:.1%}) have no location in the data (police.uk "
                   "'No Location'): they are in the totals and the crime-type tables but cannot be mapped, so the "
                   "analyses by LSOA leave them out.")
    return out


def opening(result: CrimeInTheAreaResult, area: str) -> str:
    """The chapter's opening paragraph: the headline, the rate and what the totals count.

    Parameters
    ----------
    result : CrimeInTheAreaResult
    area : str
        The area's name.

    Returns
    -------
    str
    """
    return " ".join([sentence(result), rate_sentence(result, area), *scope_sentences(result)])


# -- titles ---------------------------------------------------------------------------------------------
def trend_title(result: CrimeInTheAreaResult) -> str:
    """The trend chart's title, stating the change as the opening sentence does.

    Parameters
    ----------
    result : CrimeInTheAreaResult

    Returns
    -------
    str
        'Recorded crime rose 3.7% in 2024/25 (+595)'.
    """
    scope, label, change = result.scope or Scope(), result.period.label, result.change
    if result.previous is None:
        return f"{scope.count_phrase(result.current)} in {label}"
    if change > 0:
        return f"{scope.title} rose {fmt_pct(result.pct)} in {label} ({change:+,})"
    if change < 0:
        return f"{scope.title} fell {fmt_pct(abs(result.pct))} in {label} ({change:+,})"
    return f"{scope.title} was unchanged in {label}"


def _finding(largest: tuple | None, what: str, table: pd.DataFrame | None = None, label: str = "") -> str:
    """The title of a comparison table: what changed most; without a previous year to compare
    with, the largest of the current 12 months (never "current and previous" when there is no
    previous)."""
    if largest is not None:
        name, change = largest
        return f"{pretty_category(name)} {'rose' if change > 0 else 'fell'} most among {what} ({change:+,} crimes)"
    if table is not None and len(table) and "previous" in table and table["previous"].isna().all():
        name, current = table["current"].idxmax(), int(table["current"].max())
        of = "any crime type" if what == "crime types" else "the priority crime groups"
        return f"{pretty_category(name)} had the most crimes of {of} in {label} ({current:,})"
    return f"{what[:1].upper()}{what[1:]}: current and previous 12 months"


def types_title(result: CrimeInTheAreaResult) -> str:
    """The crime-type table's (and change chart's) title: the type that changed most (the largest,
    when the data hold no previous 12 months).

    Parameters
    ----------
    result : CrimeInTheAreaResult

    Returns
    -------
    str
        'Shoplifting rose most among crime types (+5 crimes)'.
    """
    return _finding(result.largest_type_change, "crime types", result.types, result.period.label)


def groups_title(result: CrimeInTheAreaResult) -> str:
    """The priority-crime table's title: the group that changed most ('' with no groups).

    Parameters
    ----------
    result : CrimeInTheAreaResult

    Returns
    -------
    str
    """
    if result.groups is None:
        return ""
    return _finding(result.largest_group_change, "the priority crimes", result.groups, result.period.label)


_NUMBER_WORDS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven", 8: "Eight", 9: "Nine", 10: "Ten"}


def trend_heading(monthly: pd.Series) -> str:
    """The trend section's heading, stating the span the chart covers (whole years when it is whole
    years, else the months).

    Parameters
    ----------
    monthly : Series
        ``result.monthly``: crimes per month, indexed by month.

    Returns
    -------
    str

    >>> import pandas as pd
    >>> trend_heading(pd.Series(0, index=pd.date_range("2020-04-01", "2025-03-01", freq="MS")))
    'Five-year trend'
    >>> trend_heading(pd.Series(0, index=pd.date_range("2024-02-01", "2025-03-01", freq="MS")))
    'Trend over 14 months (February 2024 to March 2025)'
    """
    n = len(monthly)
    if n == 0:
        return "Trend"
    if n % 12 == 0 and n // 12 in _NUMBER_WORDS:
        return f"{_NUMBER_WORDS[n // 12]}-year trend"
    first, last = monthly.index[0], monthly.index[-1]
    return f"Trend over {n} month{'s' if n != 1 else ''} ({first:%B %Y} to {last:%B %Y})"


def trend_section(result: CrimeInTheAreaResult, trend_years: int = 5) -> str:
    """The trend section: its heading (:func:`trend_heading`) and what the chart shows, with why it
    is shorter than ``trend_years`` years when the data start later.

    Parameters
    ----------
    result : CrimeInTheAreaResult
    trend_years : int
        The years a trend is meant to cover (``trend_years`` in the config).

    Returns
    -------
    str
        Markdown.
    """
    text = (f"## {trend_heading(result.monthly)}\n\nMonthly recorded crime, with the rolling 12-month total. A rising "
            "rolling line means each 12 months has had more crime than the 12 months before it.")
    n = len(result.monthly)
    if 0 < n < 12 * trend_years:
        text += (f" The data begin in {result.monthly.index[0]:%B %Y}, so the chart covers {n} months rather than "
                 f"{_NUMBER_WORDS.get(trend_years, str(trend_years)).lower()} years.")
        if n < 12:
            text += " The rolling 12-month total needs twelve months, so it is not shown."
    return text


def groups_intro(result: CrimeInTheAreaResult) -> str:
    """The sentence introducing the priority-crime table, naming the baseline year.

    Parameters
    ----------
    result : CrimeInTheAreaResult

    Returns
    -------
    str
    """
    return "The partnership's priority crime groups: " + _comparisons(result) + "."


def _comparisons(result: CrimeInTheAreaResult) -> str:
    """What chapter 1's tables compare the current 12 months with (what is missing, and why, is
    :func:`table_note`)."""
    base = result.baseline.label
    has_base = result.headlines.get("crime.baseline_label") is not None
    if result.previous is not None and has_base:
        return f"the current 12 months against the previous 12 months and the baseline year, {base}"
    if result.previous is not None:
        return "the current 12 months against the previous 12 months"
    if has_base:
        return f"the current 12 months against the baseline year, {base}"
    return "the current 12 months"


# -- tables ---------------------------------------------------------------------------------------------
def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """A chapter table as published: readable column names (:data:`COLUMN_LABELS`).

    Parameters
    ----------
    table : DataFrame
        ``result.types_table`` or ``result.groups_table``.

    Returns
    -------
    DataFrame

    >>> import pandas as pd
    >>> list(display_table(pd.DataFrame(columns=["current", "change_pct", "rate_per_1000"])).columns)
    ['Current 12 months', '% change', 'Rate per 1,000 residents']
    """
    return table.rename(columns=COLUMN_LABELS)


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """A chapter table as the report shows it (:func:`display_table`), without the comparisons
    the data cannot make: the previous 12 months' columns when the data do not cover them, the
    baseline's when they do not cover the baseline year (every value blank).

    Parameters
    ----------
    table : DataFrame
        ``result.types_table`` or ``result.groups_table``.

    Returns
    -------
    DataFrame

    >>> import pandas as pd
    >>> t = pd.DataFrame({"previous": [pd.NA], "current": [5], "change": [pd.NA], "change_pct": [float("nan")],
    ...                   "baseline": [3], "change_vs_baseline_pct": [0.667]})
    >>> list(shown_table(t).columns)
    ['Current 12 months', 'Baseline year', '% change vs baseline']
    """
    t = display_table(table)
    drop = []
    for first, cols in (("Previous 12 months", ["Previous 12 months", "Change", "% change"]),
                        ("Baseline year", ["Baseline year", "% change vs baseline"])):
        if first in t and t[first].isna().all():
            drop += [c for c in cols if c in t]
    return t.drop(columns=drop)


def table_labels(result: CrimeInTheAreaResult) -> dict:
    """The labels naming the baseline year in chapter 1's tables ("Baseline (2020/21)").

    Parameters
    ----------
    result : CrimeInTheAreaResult

    Returns
    -------
    dict
        Column -> label, for :meth:`assessment.workbook.Run.table`.
    """
    return year_labels(result.baseline.label)


def table_note(result: CrimeInTheAreaResult) -> str | None:
    """Why a comparison is missing from chapter 1's tables (None when all are there).

    Parameters
    ----------
    result : CrimeInTheAreaResult

    Returns
    -------
    str or None
    """
    has_base = result.headlines.get("crime.baseline_label") is not None
    base = result.baseline.label
    if result.previous is None and not has_base:
        return (f"The data cover neither the previous 12 months nor the baseline year ({base}), so the table shows "
                "the current 12 months only.")
    if result.previous is None:
        return "The data do not cover the previous 12 months, so there is no change against them."
    if not has_base:
        return f"The data do not cover the baseline year ({base}), so there is no comparison with it."
    return None


def pretty_index(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its crime type or group names in sentence case, for a chart.

    >>> import pandas as pd
    >>> pretty_index(pd.DataFrame({"change": [1]}, index=["THEFT FROM THE PERSON"])).index.tolist()
    ['Theft from the person']
    """
    t = table.copy()
    t.index = pd.Index([pretty_category(i) if isinstance(i, str) else i for i in t.index], name=t.index.name)
    return t
