"""Assessment periods (§4): financial years, calendar years, rolling 12 months.

A :class:`Period` is a half-open month range ``[start, end]`` of whole months
(police.uk data is monthly).  ``end`` is the first day of the last month in
the period; :attr:`Period.end_date` is the last day.

Examples
--------
>>> p = financial_year(2024)
>>> p.label, str(p.start.date()), str(p.end_date.date())
('2024/25', '2024-04-01', '2025-03-31')
>>> p.previous().label
'2023/24'
>>> rolling("2021-09").label
'12 months to Sep 2021'
>>> calendar_year(2023).slug
'2023'

A period the data do not fully cover says so in its label, wherever the label is shown
(the cover, every title and sentence naming the period, ``summary.json``):

>>> p = financial_year(2020).with_coverage(pd.date_range("2020-10-01", "2021-09-01", freq="MS"))
>>> p.label, p.complete, p.months_with_data, p.base_label
('2020/21 (6 of 12 months)', False, 6, '2020/21')
>>> parse_year("2024/25"), parse_year("2024-2025"), parse_year(2024)
(2024, 2024, 2024)
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pandas as pd

from .errors import ConfigError, one_line


@dataclass(frozen=True)
class Period:
    """Twelve (or ``months``) whole months starting at ``start``.

    Attributes
    ----------
    start : pd.Timestamp
        First day of the first month.
    months : int
        Length in months (12 for every assessment period).
    kind : {"financial", "calendar", "rolling"}
    """

    start: pd.Timestamp
    kind: str = "financial"
    months: int = 12
    #: months of the period the data hold (None: not known - a period made in code, not by the loaders)
    months_with_data: int | None = field(default=None, compare=False)
    #: first days of the months of the period the data do not hold
    missing: tuple = field(default=(), compare=False)

    @property
    def end(self) -> pd.Timestamp:
        """First day of the last month."""
        return self.start + pd.DateOffset(months=self.months - 1)

    @property
    def end_date(self) -> pd.Timestamp:
        """Last day of the period."""
        return self.start + pd.DateOffset(months=self.months) - pd.Timedelta(days=1)

    @property
    def year(self) -> int:
        """The year the period is named by (2024 for 2024/25)."""
        return self.start.year if self.kind != "rolling" else self.end.year

    @property
    def complete(self) -> bool | None:
        """True when the data hold every month of the period, False when not, None when not known."""
        return None if self.months_with_data is None else self.months_with_data >= self.months

    @property
    def label(self) -> str:
        """Human label: ``2024/25``, ``2024`` or ``12 months to Sep 2021`` — with ``(6 of 12 months)``
        after it when the data hold only some of the period's months (see :meth:`with_coverage`)."""
        if self.months_with_data is not None and 0 < self.months_with_data < self.months:
            return f"{self.base_label} ({self.months_with_data} of {self.months} months)"
        return self.base_label

    @property
    def base_label(self) -> str:
        """The label without the part-period note: ``2024/25``, ``2024`` or ``12 months to Sep 2021``."""
        if self.kind == "financial":
            return f"{self.start.year}/{(self.start.year + 1) % 100:02d}"
        if self.kind == "calendar":
            return f"{self.start.year}"
        return f"12 months to {self.end.strftime('%b %Y')}"

    @property
    def slug(self) -> str:
        """File-name-safe label: ``2024-25``, ``2024`` or ``12m-to-2021-09``."""
        if self.kind == "financial":
            return f"{self.start.year}-{(self.start.year + 1) % 100:02d}"
        if self.kind == "calendar":
            return f"{self.start.year}"
        return f"12m-to-{self.end.strftime('%Y-%m')}"

    def month_starts(self) -> pd.DatetimeIndex:
        """The first day of each month in the period."""
        return pd.date_range(self.start, periods=self.months, freq="MS")

    def contains(self, dates) -> pd.Series | bool:
        """True where ``dates`` (Timestamp or Series of datetimes) fall inside the period."""
        end_excl = self.start + pd.DateOffset(months=self.months)
        return (dates >= self.start) & (dates < end_excl)

    def shift(self, years: int) -> Period:
        """The same period ``years`` years later (negative: earlier)."""
        return Period(self.start + pd.DateOffset(years=years), self.kind, self.months)

    def previous(self) -> Period:
        """The same period a year earlier ("previous 12 months")."""
        return self.shift(-1)

    def quarter(self, q: int) -> Period:
        """Quarter ``q`` (1-4) of the period, as a 3-month period."""
        if q not in (1, 2, 3, 4):
            raise ConfigError(f"--quarter: expected 1, 2, 3 or 4, found {q}")
        return Period(self.start + pd.DateOffset(months=3 * (q - 1)), self.kind, 3)

    def with_coverage(self, data_months: Iterable) -> Period:
        """This period, knowing which of its months the data hold (``data_months``: month starts)."""
        have = {pd.Timestamp(m).to_period("M").to_timestamp() for m in data_months}
        missing = tuple(m for m in self.month_starts() if m not in have)
        return replace(self, months_with_data=self.months - len(missing), missing=missing)

    def to_dict(self) -> dict:
        """The ``period`` keys of ``summary.json``; with the coverage when the loaders set it:
        ``months`` (12), ``months_with_data``, ``complete`` and ``missing_months`` (``YYYY-MM``)."""
        d = {"label": self.label, "start": str(self.start.date()), "end": str(self.end_date.date()),
             "kind": self.kind}
        if self.months_with_data is not None:
            d.update(months=self.months, months_with_data=self.months_with_data, complete=bool(self.complete),
                     missing_months=[m.strftime("%Y-%m") for m in self.missing])
        return d


def financial_year(year: int) -> Period:
    """1 April ``year`` to 31 March ``year + 1`` (labelled ``2024/25``)."""
    return Period(pd.Timestamp(year=int(year), month=4, day=1), "financial")


def calendar_year(year: int) -> Period:
    """1 January to 31 December ``year``."""
    return Period(pd.Timestamp(year=int(year), month=1, day=1), "calendar")


def rolling(to: str) -> Period:
    """The 12 months ending with month ``to`` (``"YYYY-MM"``), e.g. ``rolling("2021-09")``."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}", str(to).strip()):
            raise ValueError(to)
        end = pd.Period(str(to).strip(), freq="M").to_timestamp()
        if not YEARS[0] <= end.year <= YEARS[1]:
            raise ValueError(to)
    except (ValueError, TypeError, OverflowError):
        raise ConfigError(f"--to: expected a month as YYYY-MM (e.g. 2025-03 for the 12 months to March 2025), "
                          f"found {one_line(to, 40)!r}") from None
    return Period(end - pd.DateOffset(months=11), "rolling")


#: the years an assessment period can be in
YEARS = (1900, 2100)


def parse_year(value, kind: str | None = None) -> int:
    """``--year`` as analysts write it: ``2024``, ``2024/25``, ``2024-25`` or ``2024/2025`` -> 2024.

    The second part must be the year after the first; a financial-year form is refused when
    ``kind`` is ``"calendar"``.  Anything else is one line (:class:`ConfigError`).

    >>> parse_year("2024/25"), parse_year(" 2024 "), parse_year("1999/00")
    (2024, 2024, 1999)
    >>> parse_year("2024/26")
    Traceback (most recent call last):
    ...
    assessment.errors.ConfigError: --year: in 2024/26 the second year must be the year after the first (2024/25)
    """
    if isinstance(value, bool):
        raise ConfigError(f"--year: expected a year such as 2024 or 2024/25, found {value!r}")
    if isinstance(value, int):
        y, text, second = value, str(value), None
    else:
        text = one_line(value, 40).strip()
        m = re.fullmatch(r"(\d{1,6})(?:\s*[/-]\s*(\d{2}|\d{4}))?", text)
        if not m:
            raise ConfigError(f"--year: expected a year such as 2024 or 2024/25, found {text!r}")
        y, second = int(m.group(1)), m.group(2)
    if not YEARS[0] <= y <= YEARS[1]:
        raise ConfigError(f"--year: expected a year between {YEARS[0]} and {YEARS[1]} (e.g. 2024 or 2024/25), "
                          f"found {text!r}")
    if second is not None:
        want = f"{(y + 1) % 100:02d}" if len(second) == 2 else str(y + 1)
        if second != want:
            raise ConfigError(f"--year: in {text} the second year must be the year after the first "
                              f"({y}/{(y + 1) % 100:02d})")
        if kind == "calendar":
            raise ConfigError(f"--year: {text} is a financial year, but the config has period: calendar; "
                              f"give --year {y} (or set period: financial)")
    return y


def make_period(kind: str, year: int | str | None = None, to: str | None = None) -> Period:
    """Build the assessment period from the config's ``period`` and ``--year``/``--to``
    (``year`` as :func:`parse_year` reads it; not both)."""
    if to is not None and year is not None:
        raise ConfigError("--year and --to: give one or the other (--year 2024 for 2024/25, "
                          "--to 2025-03 for the 12 months to March 2025)")
    if to is not None:
        return rolling(to)
    if year is None:
        raise ConfigError("no assessment year: give --year or --to")
    if kind in ("financial", "calendar"):
        y = parse_year(year, kind)
        return financial_year(y) if kind == "financial" else calendar_year(y)
    raise ConfigError(f"period: expected 'financial' or 'calendar', found {kind!r}")


def latest_complete(kind: str, last_month: pd.Timestamp) -> Period:
    """The latest complete financial/calendar year whose last month is at or before ``last_month``.

    >>> latest_complete("financial", pd.Timestamp("2025-03-01")).label
    '2024/25'
    >>> latest_complete("financial", pd.Timestamp("2025-02-01")).label
    '2023/24'
    """
    last_month = pd.Timestamp(last_month).to_period("M").to_timestamp()
    if kind == "calendar":
        y = last_month.year if last_month.month == 12 else last_month.year - 1
        return calendar_year(y)
    y = last_month.year - 1 if last_month.month >= 3 else last_month.year - 2
    return financial_year(y)


def trend_window(period: Period, years: int) -> Period:
    """The ``years`` consecutive periods ending with ``period``, as one long Period."""
    start = period.start - pd.DateOffset(years=years - 1)
    return Period(start, period.kind, period.months + 12 * (years - 1))


# -- which months the data hold --------------------------------------------------------------
def _month(m) -> pd.Timestamp:
    return pd.Timestamp(m).to_period("M").to_timestamp()


def latest_full(kind: str, data_months: Iterable) -> Period | None:
    """The latest financial/calendar year (``kind``) or, for ``"rolling"``, 12 consecutive months,
    with every month in ``data_months``; None when there is none.

    >>> m = pd.date_range("2020-10-01", "2021-09-01", freq="MS")
    >>> latest_full("financial", m) is None, latest_full("rolling", m).label
    (True, '12 months to Sep 2021')
    >>> latest_full("financial", pd.date_range("2022-03-01", "2025-02-01", freq="MS")).label
    '2023/24'
    """
    have = {_month(m) for m in data_months}
    if not have:
        return None
    last, first = max(have), min(have)
    if kind == "rolling":
        end = last
        while end - pd.DateOffset(months=11) >= first:
            p = rolling(end.strftime("%Y-%m"))
            if all(m in have for m in p.month_starts()):
                return p
            end = end - pd.DateOffset(months=1)
        return None
    make = financial_year if kind == "financial" else calendar_year
    for y in range(last.year, first.year - 2, -1):
        p = make(y)
        if p.end <= last and p.start >= first and all(m in have for m in p.month_starts()):
            return p
    return None


def resolve_period(cfg, year=None, to=None, last_month=None, data_months=None) -> Period:
    """The assessment period from ``year``/``to``, or the latest complete year in the data.

    With ``data_months`` (the months the crime data hold) the default is the latest year with
    every one of its months in them — or, when there is none, the latest year that has ended
    by ``last_month`` and has some data (else the year ``last_month`` is in) — and the period
    returned knows its coverage (:meth:`~assessment.periods.Period.with_coverage`): its label
    says "(6 of 12 months)" when the data do not hold all of it.  ``cfg`` is the run's
    :class:`~assessment.config.Config`; only its ``period`` kind is read.
    """
    if year is None and to is None:
        full = latest_full(cfg.period, data_months) if data_months is not None else None
        if full is not None:
            return full.with_coverage(data_months)
        if last_month is None:
            raise ValueError("no year given and no data to pick the latest complete year from")
        p = latest_complete(cfg.period, last_month)
        if data_months is None:
            return p
        p = p.with_coverage(data_months)
        if not p.months_with_data:   # the latest year that has ended holds nothing: the year of the last month
            last = pd.Timestamp(last_month)
            y = last.year - (1 if cfg.period == "financial" and last.month < 4 else 0)
            p = make_period(cfg.period, year=y).with_coverage(data_months)
        return p
    p = make_period(cfg.period, year=year, to=to)
    return p.with_coverage(data_months) if data_months is not None else p


def month_ranges(months: Iterable) -> str:
    """Months as runs: ``Apr – Sep 2020``, ``Nov 2020 – Feb 2021``, ``Sep 2024``, joined by commas.

    >>> month_ranges(pd.to_datetime(["2020-04-01", "2020-05-01", "2020-06-01", "2020-12-01", "2021-01-01", "2021-06-01"]))
    'Apr – Jun 2020, Dec 2020 – Jan 2021, Jun 2021'
    """
    ms = sorted({_month(m) for m in months})
    runs: list[list] = []
    for m in ms:
        if runs and runs[-1][1] + pd.DateOffset(months=1) == m:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    out = []
    for a, b in runs:
        if a == b:
            out.append(a.strftime("%b %Y"))
        elif a.year == b.year:
            out.append(f"{a:%b} – {b:%b %Y}")
        else:
            out.append(f"{a:%b %Y} – {b:%b %Y}")
    return ", ".join(out)


def partial_message(period: Period, data_months: Iterable, default: bool = False) -> str:
    """The one line that stops a run whose period the data do not fully cover: the missing months,
    the latest complete rolling 12 months (``--to YYYY-MM``), and ``--allow-partial``.

    ``default``: the period was chosen because no whole year is in the data (no --year or --to).

    >>> m = pd.date_range("2020-10-01", "2021-09-01", freq="MS")
    >>> p = financial_year(2020).with_coverage(m)
    >>> print(partial_message(p, m))
    2020/21 is not complete in the data: no data for Apr – Sep 2020 (the data cover Oct 2020 – Sep 2021); give --to 2021-09 for the latest complete 12 months, or add --allow-partial to report 2020/21 from 6 of its 12 months
    """
    have = sorted({_month(m) for m in data_months})
    cover = f"{have[0]:%b %Y} – {have[-1]:%b %Y}" if have else "no months"
    full = latest_full("rolling", have)
    if default:
        what = {"financial": "financial year", "calendar": "calendar year"}.get(period.kind, "12 months")
        head = f"no complete {what} in the data (they cover {cover})"
    else:
        head = (f"{period.base_label} is not complete in the data: no data for {month_ranges(period.missing)} "
                f"(the data cover {cover})")
    options = []
    if full is not None:
        options.append(f"give --to {full.end:%Y-%m} for the latest complete 12 months")
    options.append(f"add --allow-partial to report {period.base_label} from {period.months_with_data} of its "
                   f"{period.months} months")
    return f"{head}; " + ", or ".join(options)


# -- does the data cover a period? ------------------------------------------------------------------
def _sum(frame: pd.DataFrame) -> int:
    return int(frame["count"].sum()) if len(frame) else 0


def covers(crimes, period: Period) -> bool:
    """True when the data's months span the whole ``period`` (first and last month present or beyond)
    — and, with a span from ``coverage(crimes, period)``, ``period`` is not a year with no data.

    >>> import pandas as pd
        >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-04-01", "2025-03-01"]), "count": [1, 1]})
    >>> covers(c, financial_year(2024)), covers(c, financial_year(2023))
    (True, False)
    """
    gaps = ()
    if isinstance(crimes, tuple):
        lo, hi, *rest = crimes
        gaps = rest[0] if rest else ()
    elif crimes.empty:
        return False
    else:
        lo, hi = crimes["month"].min(), crimes["month"].max()
    return bool(lo <= period.start and hi >= period.end and period.start not in gaps)


def coverage(crimes: pd.DataFrame, period: Period | None = None) -> tuple:
    """(first month, last month) of the data, for :func:`covers` on subsets of it.

    With ``period``, a third item: the starts of the years before ``period`` (whole years, as
    :meth:`~assessment.periods.Period.shift` gives them) with no crime at all although the data
    begin earlier — a gap in the data (a missing extract), not zero crime (the loaders note it),
    so :func:`covers` is False for them and no change is computed against them.

    >>> import pandas as pd
        >>> c = pd.DataFrame({"month": pd.to_datetime(["2022-04-01", "2024-05-01"]), "count": [1, 1]})
    >>> span = coverage(c, financial_year(2024))
    >>> covers(span, financial_year(2023)), covers(span, financial_year(2022))
    (False, True)
    """
    lo, hi = crimes["month"].min(), crimes["month"].max()
    if period is None:
        return (lo, hi)
    gaps, k = set(), 1
    while (p := period.shift(-k)).start > lo:
        if total(crimes, p) == 0:
            gaps.add(p.start)
        k += 1
    return (lo, hi, frozenset(gaps))


def total(crimes: pd.DataFrame, period: Period) -> int:
    """Number of crimes in ``period``.

    >>> import pandas as pd
        >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2025-01-01"]), "count": [3, 1]})
    >>> total(c, calendar_year(2024))
    3
    """
    return _sum(crimes[period.contains(crimes["month"])])
