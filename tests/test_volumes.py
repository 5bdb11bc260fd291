"""Chapter 1 figures against hand-computed values."""
import math

import pandas as pd
import pytest

from assessment.accounting import Accounting
from assessment.chapters import crime_in_the_area as chapter
from assessment.config import Config
from assessment.dataset import Dataset
from assessment.periods import financial_year, total
from assessment.stats.change import pct_change, rate_per_1000
from assessment.words import crime_in_the_area as words


def _rows(month, crime_type, n):
    return [{"month": pd.Timestamp(month), "crime_type": crime_type, "count": 1}] * n


@pytest.fixture
def crimes():
    rows = []
    rows += _rows("2020-04-01", "Burglary", 12) + _rows("2021-03-01", "Burglary", 8)   # baseline 2020/21: 20
    rows += _rows("2023-04-01", "Burglary", 10) + _rows("2023-12-01", "Robbery", 4)    # previous 2023/24
    rows += _rows("2024-04-01", "Burglary", 7) + _rows("2024-09-01", "Burglary", 5)    # current 2024/25: 12
    rows += _rows("2024-10-01", "Robbery", 2) + _rows("2025-03-01", "Shoplifting", 5)
    return pd.DataFrame(rows)


def test_compare_periods_by_type_with_baseline(crimes):
    t = chapter.compare_periods(crimes, financial_year(2024), baseline=financial_year(2020))
    assert t.index.tolist() == ["Burglary", "Shoplifting", "Robbery"]  # by current count
    b = t.loc["Burglary"]
    assert (b["previous"], b["current"], b["change"], b["baseline"]) == (10, 12, 2, 20)
    assert b["change_pct"] == pytest.approx(0.2)
    assert b["change_vs_baseline_pct"] == pytest.approx(-0.4)
    r = t.loc["Robbery"]
    assert (r["previous"], r["current"], r["change"]) == (4, 2, -2)
    assert r["change_pct"] == pytest.approx(-0.5)
    assert math.isnan(r["change_vs_baseline_pct"])  # baseline 0: no percentage
    s = t.loc["Shoplifting"]
    assert (s["previous"], s["current"]) == (0, 5) and math.isnan(s["change_pct"])


def test_uncovered_previous_year_is_na_not_zero(crimes):
    recent = crimes[crimes["month"] >= "2024-04-01"]
    t = chapter.compare_periods(recent, financial_year(2024), baseline=financial_year(2020))
    assert t["previous"].isna().all() and t["baseline"].isna().all()


def test_groups_sum_their_types_and_empty_group_is_zero(crimes):
    g = chapter.by_group(crimes, {"Acquisitive": ["Burglary", "Robbery"], "Cycle": ["Bicycle theft"]},
                         financial_year(2024), baseline=financial_year(2020))
    a = g.loc["Acquisitive"]
    assert (a["previous"], a["current"], a["change"], a["baseline"]) == (14, 14, 0, 20)
    assert a["change_pct"] == 0.0 and a["change_vs_baseline_pct"] == pytest.approx(-0.3)
    c = g.loc["Cycle"]
    assert (c["previous"], c["current"], c["change"]) == (0, 0, 0)


def test_totals_rates_and_monthly(crimes):
    p = financial_year(2024)
    assert total(crimes, p) == 19 and total(crimes, p.previous()) == 14
    assert pct_change(19, 14) == pytest.approx(5 / 14)
    assert rate_per_1000(19, 2000) == pytest.approx(9.5)
    assert math.isnan(rate_per_1000(19, 0))
    m = chapter.monthly_counts(crimes, p.start, p.end)
    assert len(m) == 12 and m.sum() == 19 and m.iloc[0] == 7 and m.iloc[1] == 0 and m.iloc[-1] == 5


def test_published_counts_are_summed_not_counted():
    c = pd.DataFrame({"month": pd.to_datetime(["2024-04-01", "2025-03-01"]), "crime_type": ["Burglary"] * 2,
                      "count": [41, 9]})
    assert total(c, financial_year(2024)) == 50


def test_analyse_headlines_and_sentence(crimes):
    cfg = Config.model_validate({"area": {"name": "Testham"}, "baseline_year": 2020,
                                 "crime_groups": {"Acquisitive": ["Burglary", "Robbery"]}})
    ds = Dataset(config=cfg, period=financial_year(2024), crimes=crimes, accounting=Accounting(),
                 population=pd.Series([1200, 800], index=["E1", "E2"]))
    r = chapter.analyse(ds)
    h = r.headlines
    assert h["crime.total"] == 19 and h["crime.previous_total"] == 14 and h["crime.change"] == 5
    assert h["crime.change_pct"] == pytest.approx(5 / 14)
    assert h["crime.rate_per_1000"] == pytest.approx(9.5)
    # names are values: one object per group / type (see assessment.summary)
    acq = next(g for g in h["crime.by_group"] if g["name"] == "Acquisitive")
    assert acq["current"] == 14 and acq["crime_types"] == ["Burglary", "Robbery"] and acq["composite"] is False
    burglary = next(t for t in h["crime.by_type"] if t["name"] == "Burglary")
    assert burglary["change_vs_baseline_pct"] == pytest.approx(-0.4)
    assert h["period.label"] == "2024/25" and h["period.end"] == "2025-03-31"
    assert words.sentence(r) == ("Total recorded crime in Testham rose 35.7% in 2024/25 compared with the previous "
                                 "12 months (5 more offences, 19 in all).")
    # the chart title states the change as the sentence does, to one decimal place (was "rose 36%")
    assert words.trend_title(r) == "Recorded crime rose 35.7% in 2024/25 (+5)"
    assert words.types_title(r) == "Shoplifting rose most among crime types (+5 crimes)"
    # trend: five years back from 2024/25 starts April 2020 (data start), 60 months
    assert len(r.monthly) == 60 and r.monthly.sum() == 20 + 14 + 19


def test_sentences_for_falls_and_no_previous():
    assert words.headline_sentence("X", 90, 100, "2024/25").startswith("Total recorded crime in X fell 10.0%")
    assert words.headline_sentence("X", 90, None, "2024/25") == "90 crimes were recorded in X in 2024/25."


def test_chart_title_labels_and_summary_round_the_change_alike():
    # 15,985 -> 16,580: +595 = +3.722...%: "3.7%" in the chart title, the bar labels, the sentence and the
    # executive summary (the chart title said "rose 4%")
    c = pd.DataFrame({"month": pd.to_datetime(["2023-04-01", "2025-03-01"]), "crime_type": ["Theft"] * 2,
                      "count": [15985, 16580]})
    cfg = Config.model_validate({"area": {"name": "Testham"}})
    r = chapter.analyse(Dataset(config=cfg, period=financial_year(2024), crimes=c, accounting=Accounting()))
    assert words.trend_title(r) == "Recorded crime rose 3.7% in 2024/25 (+595)"
    assert "rose 3.7% in 2024/25" in words.sentence(r)
    from assessment.summary import build_summary
    from assessment.words import summary as narrative
    assert "rose 3.7% in 2024/25" in narrative.total_crime(build_summary([r.headlines]))[0].sentence
    import matplotlib
    matplotlib.use("Agg")
    from assessment.figures import crime_in_the_area as figures
    fig = figures.change_figure(r.types)
    assert [t.get_text() for t in fig.axes[0].texts] == ["+595 (+3.7%)"]
    # a fall: the same rule, with a minus sign, and the table cell formatter agrees
    t = pd.DataFrame({"change": [-15], "change_pct": [-0.0089]}, index=["Public order"])
    assert [x.get_text() for x in figures.change_figure(t).axes[0].texts] == ["−15 (−0.9%)"]
    assert words.DISPLAY_FORMATS["% change"](-0.0089) == "−0.9%"


def test_composite_groups():
    groups = {"Burglary": ["Burglary"], "Robbery": ["Robbery"], "Theft from the person": ["Theft from the person"],
              "Vehicle crime": ["Vehicle crime"], "Shoplifting": ["Shoplifting"],
              "Neighbourhood crime": ["Burglary", "Robbery", "Theft from the person", "Vehicle crime"],
              "Acquisitive": ["Burglary", "Robbery", "Fraud"],     # Fraud is in no other group: not a union
              "Copy of burglary": ["Burglary"]}                    # the same types as one group: not a union
    assert chapter.composite_groups(groups) == {"Neighbourhood crime"}
    assert chapter.composite_groups({"A": ["x"], "B": ["x", "y"]}) == set()   # one part only
