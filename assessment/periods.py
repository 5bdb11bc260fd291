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
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import ConfigError


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
    def label(self) -> str:
        """Human label: ``2024/25``, ``2024`` or ``12 months to Sep 2021``."""
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

    def contains(self, dates) -> "pd.Series | bool":
        """True where ``dates`` (Timestamp or Series of datetimes) fall inside the period."""
        end_excl = self.start + pd.DateOffset(months=self.months)
        return (dates >= self.start) & (dates < end_excl)

    def shift(self, years: int) -> "Period":
        """The same period ``years`` years later (negative: earlier)."""
        return Period(self.start + pd.DateOffset(years=years), self.kind, self.months)

    def previous(self) -> "Period":
        """The same period a year earlier ("previous 12 months")."""
        return self.shift(-1)

    def quarter(self, q: int) -> "Period":
        """Quarter ``q`` (1-4) of the period, as a 3-month period."""
        if q not in (1, 2, 3, 4):
            raise ConfigError(f"--quarter: expected 1, 2, 3 or 4, found {q}")
        return Period(self.start + pd.DateOffset(months=3 * (q - 1)), self.kind, 3)

    def to_dict(self) -> dict:
        return {"label": self.label, "start": str(self.start.date()), "end": str(self.end_date.date()),
                "kind": self.kind}


def financial_year(year: int) -> Period:
    """1 April ``year`` to 31 March ``year + 1`` (labelled ``2024/25``)."""
    return Period(pd.Timestamp(year=int(year), month=4, day=1), "financial")


def calendar_year(year: int) -> Period:
    """1 January to 31 December ``year``."""
    return Period(pd.Timestamp(year=int(year), month=1, day=1), "calendar")


def rolling(to: str) -> Period:
    """The 12 months ending with month ``to`` (``"YYYY-MM"``), e.g. ``rolling("2021-09")``."""
    import re
    try:
        if not re.fullmatch(r"\d{4}-\d{2}", str(to).strip()):
            raise ValueError(to)
        end = pd.Period(str(to).strip(), freq="M").to_timestamp()
    except (ValueError, TypeError):
        raise ConfigError(f"--to: expected a month as YYYY-MM, found {to!r}") from None
    return Period(end - pd.DateOffset(months=11), "rolling")


def make_period(kind: str, year: int | None = None, to: str | None = None) -> Period:
    """Build the assessment period from the config's ``period`` and ``--year``/``--to``."""
    if to is not None:
        return rolling(to)
    if year is None:
        raise ConfigError("no assessment year: give --year or --to")
    if kind == "financial":
        return financial_year(int(year))
    if kind == "calendar":
        return calendar_year(int(year))
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
