"""Chapter 1 — crime in the area: volumes, change and rates (§5.1).

Small verbs over the canonical ``crimes`` table (see :mod:`assessment.dataset`).
Every count sums the ``count`` column, so record-level extracts (one row per
crime), police.uk rows and published count cells are treated alike.

Example
-------
>>> import pandas as pd
>>> from assessment.periods import financial_year
>>> crimes = pd.DataFrame({
...     "month": pd.to_datetime(["2023-04-01", "2024-05-01", "2024-06-01", "2025-03-01"]),
...     "crime_type": ["Burglary", "Burglary", "Burglary", "Robbery"],
...     "count": [1, 1, 1, 1]})
>>> t = compare_periods(crimes, financial_year(2024))
>>> t.loc["Burglary", ["previous", "current", "change"]].tolist()
[1, 2, 1]
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .periods import Period, coverage, covers, total
from .rounding import PCT_CHANGE, signed_count, signed_pct
from .rounding import pct as fmt_pct
from .scope import Scope

#: how chapter 1's tables show their columns (percentages by the report's one rule, see assessment.rounding)
DISPLAY_FORMATS = {"% change": PCT_CHANGE, "% change vs baseline": PCT_CHANGE, "Rate per 1,000 residents": "{:.2f}"}

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


def pct_change(current, previous):
    """Percentage change as a fraction (0.07 for +7%); NaN when ``previous`` is 0 or missing.

    >>> pct_change(107, 100)
    0.07
    >>> import math; math.isnan(pct_change(5, 0))
    True
    """
    if previous is None or current is None:
        return float("nan")
    try:
        if pd.isna(previous) or pd.isna(current) or previous == 0:
            return float("nan")
    except TypeError:
        return float("nan")
    return round((current - previous) / previous, 12)


def monthly_counts(crimes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Crimes per month from ``start`` to ``end`` (month starts), zeros for empty months.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]), "count": [1, 1, 2]})
    >>> monthly_counts(c, pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01")).tolist()
    [1, 0, 3]
    """
    idx = pd.date_range(start, end, freq="MS", name="month")
    s = crimes.groupby("month")["count"].sum()
    return s.reindex(idx, fill_value=0).astype("int64").rename("crimes")


def rolling_12(monthly: pd.Series) -> pd.Series:
    """Rolling 12-month total (NaN until twelve months exist).

    >>> import pandas as pd
    >>> s = pd.Series(range(1, 14), index=pd.date_range("2023-01-01", periods=13, freq="MS"))
    >>> rolling_12(s).dropna().tolist()
    [78.0, 90.0]
    """
    return monthly.rolling(12, min_periods=12).sum().rename("rolling_12")


def compare_periods(crimes: pd.DataFrame, period: Period, by: str = "crime_type",
                    baseline: Period | None = None, span: tuple | None = None) -> pd.DataFrame:
    """Counts by ``by`` in the previous and current 12 months (and a baseline year).

    Columns: previous, current, change, change_pct (fraction), and when ``baseline`` is
    given and covered by the data: baseline, change_vs_baseline_pct.  Sorted by current
    count, largest first.  Index: the ``by`` values.  A period the data do not cover
    (``span``: the data's first and last month, default those of ``crimes``) gives NA,
    not a misleading zero.
    """
    span = span if span is not None else (coverage(crimes) if len(crimes) else None)
    prev = period.previous()
    cur = crimes[period.contains(crimes["month"])].groupby(by)["count"].sum()
    pre = crimes[prev.contains(crimes["month"])].groupby(by)["count"].sum()
    t = pd.DataFrame({"previous": pre, "current": cur}).fillna(0).astype("int64")
    if span is None or not covers(span, prev):
        t["previous"] = pd.NA
    t = _changes(t)
    if baseline is not None:
        if span is not None and covers(span, baseline):
            base = crimes[baseline.contains(crimes["month"])].groupby(by)["count"].sum()
            t["baseline"] = base.reindex(t.index).fillna(0).astype("int64")
            t["change_vs_baseline_pct"] = [pct_change(c, b) for c, b in zip(t["current"], t["baseline"])]
        else:
            t["baseline"] = pd.NA
            t["change_vs_baseline_pct"] = np.nan
    t.index.name = by
    return t.sort_values(["current", "previous"], ascending=False, na_position="last")


def _changes(t: pd.DataFrame) -> pd.DataFrame:
    t = t.copy()
    t["change"] = t["current"] - t["previous"]
    t["change_pct"] = [pct_change(c, p) for c, p in zip(t["current"], t["previous"])]
    return t


def by_group(crimes: pd.DataFrame, groups: dict[str, list[str]], period: Period,
             baseline: Period | None = None, span: tuple | None = None) -> pd.DataFrame:
    """Counts per configured crime group (sum of the group's crime types), as :func:`compare_periods`.

    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-05-01"] * 3),
    ...                   "crime_type": ["Burglary", "Robbery", "Shoplifting"], "count": [1, 1, 1]})
    >>> by_group(c, {"Acquisitive": ["Burglary", "Robbery"]}, financial_year(2024))["current"].tolist()
    [2]
    """
    frames = []
    span = span if span is not None else (coverage(crimes) if len(crimes) else None)
    for name, types in groups.items():
        sub = crimes[crimes["crime_type"].isin(types)]
        zero = pd.DataFrame({"month": [period.start], "count": [0], "crime_type": [""]})
        sub = pd.concat([sub, zero]) if sub.empty else sub  # a group with no crimes is a row of zeros
        t = compare_periods(sub.assign(group=name), period, by="group", baseline=baseline, span=span)
        frames.append(t.reindex([name]))
    if not frames:
        return pd.DataFrame(columns=["previous", "current", "change", "change_pct"])
    out = pd.concat(frames)
    out.index.name = "crime_group"
    return out


def rate_per_1000(count, population) -> float:
    """Crimes per 1,000 residents; NaN when the population is missing or not positive.

    >>> rate_per_1000(414, 10_000)
    41.4
    """
    if population is None or pd.isna(population) or population <= 0:
        return float("nan")
    return round(count / population * 1000, 10)


def add_rates(table: pd.DataFrame, population) -> pd.DataFrame:
    """Add ``rate_per_1000`` (current count) to a comparison table."""
    t = table.copy()
    t["rate_per_1000"] = [rate_per_1000(c, population) for c in t["current"]]
    return t


def biggest_changes(table: pd.DataFrame, n: int = 3, min_previous: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` largest rises and falls by count (types with at least ``min_previous`` last year)."""
    t = table.dropna(subset=["previous"])
    t = t[t["previous"].astype(float) >= min_previous]
    rises = t[t["change"] > 0].sort_values("change", ascending=False).head(n)
    falls = t[t["change"] < 0].sort_values("change").head(n)
    return rises, falls


def headline_sentence(area: str, current: int, previous, label: str, scope: Scope | None = None) -> str:
    """The opening sentence of the chapter, from the totals; ``scope`` says what was counted
    (:mod:`assessment.scope`; default all recorded crime).

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


def scope_sentences(result) -> list[str]:
    """Chapter 1's sentences on what the totals count: the scope's note (MPS LSOA-level counts
    hold only geocoded crime), and how many crimes have no location (in the totals, not mapped)."""
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


def trend_figure(monthly: pd.Series, title_area: str = ""):
    """Monthly counts (bars) with the rolling 12-month total (line, right axis)."""
    import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn

    from .figures.style import PALETTE, thousands  # plots loads matplotlib: only when a figure is drawn
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.bar(monthly.index, monthly.values, width=20, color=PALETTE[0], alpha=0.85, label="Crimes per month")
    ax.set_ylabel("Crimes per month")
    thousands(ax)
    roll = rolling_12(monthly)
    if roll.notna().any():
        ax2 = ax.twinx()
        ax2.plot(roll.index, roll.values, color=PALETTE[3], lw=2.2, ls="--", label="Rolling 12-month total")
        ax2.set_ylabel("Rolling 12-month total")
        ax2.spines["right"].set_visible(True)
        ax2.grid(False)
        thousands(ax2)
        _lo, hi = roll.min(), roll.max()
        ax2.set_ylim(0, hi * 1.15 if hi > 0 else 1)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, loc="upper left", ncols=2, fontsize=9)
    else:
        ax.legend(loc="upper left", fontsize=9)
    ax.set_ylim(0, monthly.max() * 1.3 if monthly.max() > 0 else 1)
    ax.set_xlabel("")
    fig.tight_layout()
    return fig


def change_figure(table: pd.DataFrame, label_col: str | None = None, n: int = 12):
    """Horizontal bars of change against the previous 12 months, rises and falls labelled."""
    import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn

    from .figures.style import PALETTE  # plots loads matplotlib: only when a figure is drawn
    t = table.dropna(subset=["change"]).copy()
    t = t.reindex(t["change"].abs().sort_values(ascending=False).index).head(n).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(t) + 1.2))
    colors = [PALETTE[2] if v > 0 else PALETTE[1] for v in t["change"]]
    hatches = ["//" if v > 0 else "" for v in t["change"]]
    bars = ax.barh([str(i) for i in t.index], t["change"].astype(float), color=colors)
    for b, h in zip(bars, hatches):
        b.set_hatch(h)
        b.set_edgecolor("white")
    for y, (v, p) in enumerate(zip(t["change"], t["change_pct"])):
        txt = signed_count(v) + (f" ({signed_pct(p)})" if pd.notna(p) else "")
        ax.annotate(txt, (v, y), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=8.5)
    ax.axvline(0, color="#3D3D3D", lw=0.8)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    lim = max(abs(t["change"].astype(float)).max(), 1) * 1.45
    ax.set_xlim(-lim, lim)
    ax.set_xlabel("Change in number of crimes (rises hatched)")
    fig.tight_layout()
    return fig


def display_table(table: pd.DataFrame, population=None) -> pd.DataFrame:
    """The comparison table as published: readable column names, rates where population is known."""
    t = table.copy()
    if population is not None:
        t = add_rates(t, population)
    names = {"previous": "Previous 12 months", "current": "Current 12 months", "change": "Change",
             "change_pct": "% change", "baseline": "Baseline year", "change_vs_baseline_pct": "% change vs baseline",
             "rate_per_1000": "Rate per 1,000 residents"}
    t = t.rename(columns=names)
    return t


def is_nan(v) -> bool:
    try:
        return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
    except TypeError:
        return False


def baseline_period(config, period: Period) -> Period:
    """The baseline year's period: ``config.baseline_year``, else four years before the assessment year."""
    year = config.baseline_year if config.baseline_year is not None else period.year - 4
    return period.shift(year - period.year)


class VolumesResult:
    """Everything chapter 1 shows, computed once by :func:`analyse`."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def _finding(table: pd.DataFrame, what: str) -> str:
    rises, falls = biggest_changes(table, n=1, min_previous=0)
    if not rises.empty and (falls.empty or abs(rises["change"].iloc[0]) >= abs(falls["change"].iloc[0])):
        r = rises.iloc[0]
        return f"{rises.index[0]} rose most among {what} ({int(r['change']):+,} crimes)"
    if not falls.empty:
        f = falls.iloc[0]
        return f"{falls.index[0]} fell most among {what} ({int(f['change']):+,} crimes)"
    return f"{what.capitalize()}: current and previous 12 months"


def analyse(ds) -> VolumesResult:
    """Compute chapter 1 for a :class:`~assessment.dataset.Dataset`: totals, tables, trend, headlines."""
    period = ds.period
    crimes = ds.crimes
    span = coverage(crimes, period) if len(crimes) else None
    baseline = baseline_period(ds.config, period)
    current = total(crimes, period)
    prev_ok = span is not None and covers(span, period.previous())
    previous = total(crimes, period.previous()) if prev_ok else None
    change = current - previous if previous is not None else None
    population = float(ds.population.sum()) if ds.population is not None and len(ds.population) else None
    rate = rate_per_1000(current, population)
    types = compare_periods(crimes, period, "crime_type", baseline=baseline, span=span)
    groups = (by_group(crimes, ds.config.crime_groups, period, baseline=baseline, span=span)
              if ds.config.crime_groups else None)
    start = max(crimes["month"].min(), period.start - pd.DateOffset(years=ds.config.trend_years - 1)) if len(crimes) else period.start
    monthly = monthly_counts(crimes[crimes["month"] <= period.end], start, period.end)
    years_shown = len(monthly) / 12
    pct = pct_change(current, previous)
    scope = getattr(ds, "scope", None) or Scope()
    cur = crimes[period.contains(crimes["month"])]
    no_location = int(cur.loc[cur["lsoa_code"].isna(), "count"].sum()) if "lsoa_code" in cur and len(cur) else 0
    if previous is None:
        trend_title = f"{scope.count_phrase(current)} in {period.label}"
    elif change > 0:
        trend_title = f"{scope.title} rose {fmt_pct(pct)} in {period.label} ({change:+,})"
    elif change < 0:
        trend_title = f"{scope.title} fell {fmt_pct(abs(pct))} in {period.label} ({change:+,})"
    else:
        trend_title = f"{scope.title} was unchanged in {period.label}"
    headlines = {
        "period.label": period.label, "period.start": str(period.start.date()),
        "period.end": str(period.end_date.date()), "area.name": ds.area,
        "crime.total": current, "crime.previous_total": previous, "crime.change": change,
        "crime.change_pct": None if is_nan(pct) else pct,
        "crime.population": population, "crime.rate_per_1000": None if is_nan(rate) else rate,
        "crime.baseline_label": baseline.label if covers(span, baseline) else None if span else None,
        "crime.no_location": no_location,
        **scope.headlines(),
    }
    # names are values, never key paths (see assessment.summary): one object per type / group
    headlines["crime.by_type"] = [_row_item(name, row) for name, row in types.iterrows()]
    if groups is not None:
        cfg_groups = ds.config.crime_groups
        composites = composite_groups(cfg_groups)
        headlines["crime.by_group"] = [
            {**_row_item(name, row), "crime_types": [str(t) for t in cfg_groups.get(name, [])],
             "composite": name in composites}
            for name, row in groups.iterrows()]
    return VolumesResult(period=period, current=current, previous=previous, change=change, pct=pct,
                         population=population, rate=rate, types=types, groups=groups, monthly=monthly,
                         baseline=baseline, years_shown=years_shown, trend_title=trend_title,
                         types_title=_finding(types, "crime types"),
                         groups_title=_finding(groups, "the priority crimes") if groups is not None else "",
                         sentence=headline_sentence(ds.area, current, previous, period.label, scope),
                         scope=scope, no_location=no_location, headlines=headlines)


def _row_item(name, row: pd.Series) -> dict:
    """One crime type's or group's figures for summary.json: ``{"name": ..., "current": ..., ...}``."""
    out = {"name": str(name)}
    for k in ("current", "previous", "change", "change_pct", "baseline", "change_vs_baseline_pct"):
        if k in row.index:
            v = row[k]
            out[k] = None if is_nan(v) else (float(v) if "pct" in k else int(v))
    return out


def composite_groups(groups: dict) -> set:
    """The crime groups that are composites: a group whose crime types are exactly the union of
    the types of two or more *other* groups (each a proper part of it), e.g. "Neighbourhood crime"
    = Burglary + Robbery + Theft from the person + Vehicle crime.  A composite counts offences
    the other groups count already, so it is not counted again in "all N priority crimes rose".

    >>> composite_groups({"Burglary": ["Burglary"], "Robbery": ["Robbery"], "Theft": ["Theft"],
    ...                   "Neighbourhood": ["Burglary", "Robbery"], "Acquisitive": ["Burglary", "Theft", "Fraud"]})
    {'Neighbourhood'}
    """
    sets = {n: frozenset(map(str, t)) for n, t in groups.items()}
    out = set()
    for name, types in sets.items():
        parts = [t for n, t in sets.items() if n != name and t and t < types]
        if len(parts) >= 2 and frozenset().union(*parts) == types:
            out.add(name)
    return out


def rate_sentence(result: VolumesResult, area: str) -> str:
    """'That is a rate of 41.4 crimes per 1,000 residents.' or why there is none."""
    if result.population is None or is_nan(result.rate):
        return "No population figures were supplied, so rates per 1,000 residents are not shown."
    scope = getattr(result, "scope", None) or Scope()
    return (f"That is {scope.rate_phrase(result.rate)} "
            f"({result.population:,.0f} residents in {area}).")
