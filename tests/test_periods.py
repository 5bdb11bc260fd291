import pandas as pd
import pytest

from assessment.errors import ConfigError
from assessment.periods import (calendar_year, financial_year, latest_complete, make_period, rolling,
                                trend_window)


def test_financial_year_bounds_and_label():
    p = financial_year(2024)
    assert p.label == "2024/25"
    assert p.slug == "2024-25"
    assert p.start == pd.Timestamp("2024-04-01")
    assert p.end == pd.Timestamp("2025-03-01")
    assert p.end_date == pd.Timestamp("2025-03-31")
    assert list(p.month_starts()[[0, -1]]) == [pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-01")]


def test_financial_year_1999_label_wraps_century():
    assert financial_year(1999).label == "1999/00"


def test_contains_is_half_open_on_whole_months():
    p = financial_year(2024)
    s = pd.Series(pd.to_datetime(["2024-03-31", "2024-04-01", "2025-03-31T23:59:00", "2025-04-01"], format="ISO8601"))
    assert p.contains(s).tolist() == [False, True, True, False]


def test_previous_and_shift():
    assert financial_year(2024).previous() == financial_year(2023)
    assert calendar_year(2020).shift(3) == calendar_year(2023)


def test_rolling_12_months_to_september():
    p = rolling("2021-09")
    assert p.start == pd.Timestamp("2020-10-01")
    assert p.end_date == pd.Timestamp("2021-09-30")
    assert p.label == "12 months to Sep 2021"
    assert p.slug == "12m-to-2021-09"
    assert p.previous().start == pd.Timestamp("2019-10-01")


def test_rolling_bad_month_is_one_line():
    with pytest.raises(ConfigError, match="expected a month as YYYY-MM"):
        rolling("Sept 2021")


@pytest.mark.parametrize("last, label", [("2025-03-01", "2024/25"), ("2025-02-01", "2023/24"),
                                         ("2025-12-01", "2024/25"), ("2026-01-01", "2024/25")])
def test_latest_complete_financial(last, label):
    assert latest_complete("financial", pd.Timestamp(last)).label == label


def test_latest_complete_calendar():
    assert latest_complete("calendar", pd.Timestamp("2024-12-01")).label == "2024"
    assert latest_complete("calendar", pd.Timestamp("2024-11-01")).label == "2023"


def test_quarters_of_financial_year():
    p = financial_year(2024)
    assert p.quarter(1).start == pd.Timestamp("2024-04-01")
    assert p.quarter(4).end_date == pd.Timestamp("2025-03-31")
    with pytest.raises(ConfigError):
        p.quarter(5)


def test_trend_window_five_years():
    w = trend_window(financial_year(2024), 5)
    assert w.start == pd.Timestamp("2020-04-01") and w.end_date == pd.Timestamp("2025-03-31")


def test_make_period():
    assert make_period("calendar", 2023).label == "2023"
    assert make_period("financial", None, to="2021-09").kind == "rolling"
    with pytest.raises(ConfigError):
        make_period("weekly", 2023)
