import pandas as pd
import pytest

from assessment.errors import ConfigError
from assessment.periods import calendar_year, financial_year, latest_complete, make_period, rolling, trend_window


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


# -- issue 12: --year as analysts write it; a period knows how much of it the data hold -----------------
@pytest.mark.parametrize("text", ["2024", "2024/25", "2024-25", "2024/2025", "2024-2025", " 2024 / 25 ", 2024])
def test_parse_year_reads_the_ways_analysts_write_a_year(text):
    from assessment.periods import parse_year
    assert parse_year(text) == 2024
    assert make_period("financial", text).label == "2024/25"


@pytest.mark.parametrize("text, says", [
    ("0", "--year: expected a year between 1900 and 2100 (e.g. 2024 or 2024/25), found '0'"),
    ("99999", "--year: expected a year between 1900 and 2100 (e.g. 2024 or 2024/25), found '99999'"),
    ("2024/26", "--year: in 2024/26 the second year must be the year after the first (2024/25)"),
    ("2024/2026", "--year: in 2024/2026 the second year must be the year after the first (2024/25)"),
    ("twenty24", "--year: expected a year such as 2024 or 2024/25, found 'twenty24'"),
    ("2024/25/26", "--year: expected a year such as 2024 or 2024/25, found '2024/25/26'"),
    ("2024\x1b[31m", "--year: expected a year such as 2024 or 2024/25, found '2024[31m'"),
])
def test_parse_year_refuses_with_one_line(text, says):
    from assessment.periods import parse_year
    with pytest.raises(ConfigError) as e:
        parse_year(text)
    assert str(e.value) == says


def test_a_financial_year_form_with_a_calendar_config_is_refused():
    with pytest.raises(ConfigError, match="2024/25 is a financial year, but the config has period: calendar"):
        make_period("calendar", "2024/25")
    assert make_period("calendar", "2024").label == "2024"


@pytest.mark.parametrize("to", ["garbage", "2024-13", "2024-00", "0000-01", "9999-01", "2024-1", ""])
def test_bad_to_is_one_line(to):
    with pytest.raises(ConfigError, match=r"^--to: expected a month as YYYY-MM"):
        rolling(to)


def test_year_and_to_together_are_refused():
    with pytest.raises(ConfigError, match="--year and --to: give one or the other"):
        make_period("financial", 2024, to="2025-03")


def test_coverage_labels_a_part_year_and_keeps_the_period_equal():
    months = pd.date_range("2020-10-01", "2021-09-01", freq="MS")
    p = financial_year(2020).with_coverage(months)
    assert (p.label, p.base_label, p.slug) == ("2020/21 (6 of 12 months)", "2020/21", "2020-21")
    assert (p.months_with_data, p.complete) == (6, False)
    assert [m.strftime("%Y-%m") for m in p.missing] == ["2020-04", "2020-05", "2020-06", "2020-07", "2020-08", "2020-09"]
    assert p == financial_year(2020) and p.previous().label == "2019/20"   # coverage is not identity
    assert p.to_dict() == {"label": "2020/21 (6 of 12 months)", "start": "2020-04-01", "end": "2021-03-31",
                           "kind": "financial", "months": 12, "months_with_data": 6, "complete": False,
                           "missing_months": ["2020-04", "2020-05", "2020-06", "2020-07", "2020-08", "2020-09"]}
    full = rolling("2021-09").with_coverage(months)
    assert (full.label, full.complete, full.to_dict()["missing_months"]) == ("12 months to Sep 2021", True, [])
    # made in code, coverage unknown: the old keys only
    assert financial_year(2020).complete is None and "complete" not in financial_year(2020).to_dict()


def test_latest_full_year_needs_every_month():
    from assessment.periods import latest_full
    months = pd.date_range("2020-10-01", "2021-09-01", freq="MS")
    assert latest_full("financial", months) is None and latest_full("calendar", months) is None
    assert latest_full("rolling", months).label == "12 months to Sep 2021"
    gap = months.delete(3)   # Jan 2021 missing: no 12 consecutive months
    assert latest_full("rolling", gap) is None
    long = pd.date_range("2022-03-01", "2025-02-01", freq="MS")
    assert latest_full("financial", long).label == "2023/24" and latest_full("calendar", long).label == "2024"
    assert latest_full("financial", long.delete(20)).label == "2022/23"   # Nov 2023 missing


def test_partial_message_names_the_months_and_what_to_do():
    from assessment.periods import partial_message
    months = pd.date_range("2020-10-01", "2021-09-01", freq="MS")
    p = financial_year(2020).with_coverage(months)
    assert partial_message(p, months, default=True) == (
        "no complete financial year in the data (they cover Oct 2020 – Sep 2021); give --to 2021-09 for the "
        "latest complete 12 months, or add --allow-partial to report 2020/21 from 6 of its 12 months")
    r = rolling("2022-03").with_coverage(months)
    assert partial_message(r, months) == (
        "12 months to Mar 2022 is not complete in the data: no data for Oct 2021 – Mar 2022 (the data cover "
        "Oct 2020 – Sep 2021); give --to 2021-09 for the latest complete 12 months, or add --allow-partial to "
        "report 12 months to Mar 2022 from 6 of its 12 months")
