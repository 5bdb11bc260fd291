"""Chapter 6, when crime happens: the statistics against hand counts, the extract's times, and the
demo's planted patterns (a July peak, Friday/Saturday late-evening violence) recovered from the data."""
from __future__ import annotations

import json
from math import comb

import pandas as pd
import pytest
from conftest import ROOT, needs_real

from assessment.chapters import when
from assessment.config import Config, load_config
from assessment.errors import ConfigError
from assessment.loaders import load_dataset
from assessment.loaders.extract import parse_extract
from assessment.stats import temporal
from assessment.summary import build_summary, validate
from assessment.words import when as words

DEMO = ROOT / "data" / "demo"
MAPS = ROOT / "maps" / "demo"


# -- statistics ---------------------------------------------------------------------------------
def _binom_sf(x, n, p):
    return sum(comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(x, n + 1))


@pytest.mark.parametrize("x,s,k", [(30, 40, 2), (12, 30, 4), (0, 5, 1), (9, 0, 3)])
def test_the_month_test_is_the_binomial_tail_worked_out_by_hand(x, s, k):
    assert temporal.exact_rate_test(x, s, k) == pytest.approx(_binom_sf(x, x + s, 1 / (k + 1)), rel=1e-9)


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 (m = 3): 3 x 0.01 = 0.03; max(0.03, 2 x 0.03) = 0.06; max(0.06, 1 x 0.04) = 0.06
    assert temporal.holm([0.04, 0.01, 0.03]).tolist() == pytest.approx([0.06, 0.03, 0.06])
    assert temporal.holm([0.9, 0.8]).tolist() == pytest.approx([1.0, 1.0])  # 2 x 0.8 capped at 1; monotone
    assert temporal.holm([0.5, 0.1]).tolist() == pytest.approx([0.5, 0.2])


def test_monthly_profile_uses_only_the_months_the_data_cover():
    idx = pd.to_datetime(["2022-04-01", "2023-04-01", "2024-04-01", "2022-05-01", "2024-05-01"])
    counts = pd.Series([10, 14, 30, 6, 6], index=idx)       # May 2023 is a gap, not a zero
    t = temporal.monthly_profile(counts, pd.to_datetime(["2024-04-01", "2024-05-01"]), alpha=0.05)
    assert t["usual"].tolist() == [12.0, 6.0] and t["years"].tolist() == [2, 1]
    assert t["ratio"].tolist() == [2.5, 1.0]
    p_april = _binom_sf(30, 54, 1 / 3)
    p_may = _binom_sf(6, 12, 1 / 2)
    assert t["p"].tolist() == pytest.approx([p_april, p_may])
    assert t["p_holm"].tolist() == pytest.approx([2 * p_april, max(2 * p_april, p_may)])
    assert t["above"].tolist() == [True, False]


def test_monthly_profile_reaches_back_to_the_first_year_the_data_cover():
    """Seven years with gaps: each month's history is every earlier year's same month that is covered,
    counted here directly from the series (year by year, back past the first)."""
    import numpy as np
    rng = np.random.default_rng(7)
    idx = pd.date_range("2018-01-01", "2025-03-01", freq="MS")
    counts = pd.Series(rng.poisson(40, len(idx)).astype(float), index=idx).drop(pd.to_datetime(
        ["2019-07-01", "2021-07-01", "2022-11-01", "2018-04-01"]))
    months = pd.date_range("2024-04-01", "2025-03-01", freq="MS")
    t = temporal.monthly_profile(counts, months)
    for row, m in zip(t.itertuples(), months):
        history = [counts[d] for d in (pd.Timestamp(m.year - j, m.month, 1) for j in range(1, 30)) if d in counts.index]
        assert row.years == len(history) and row.usual == pytest.approx(np.mean(history)), m
    assert t.loc[3, "years"] == 4 and t.loc[0, "years"] == 5   # July: 2019 and 2021 missing; April: 2018 missing


@pytest.mark.parametrize("date,hour,inside", [
    ("2024-04-05", 20, True),    # Friday 20:00
    ("2024-04-05", 19, False),   # Friday 19:59
    ("2024-04-06", 3, True),     # Saturday 03:00: still Friday night
    ("2024-04-06", 4, False),    # Saturday 04:00: closed
    ("2024-04-06", 23, True),    # Saturday night
    ("2024-04-07", 2, True),     # Sunday 02:00: Saturday night
    ("2024-04-07", 21, False),   # Sunday evening is not a window night
    ("2024-04-08", 1, False),    # Monday 01:00: Sunday night
    ("2024-04-05", 2, False),    # Friday 02:00: Thursday night
])
def test_the_night_window_gives_the_early_hours_to_the_previous_evening(date, hour, inside):
    got = temporal.in_night_window(pd.to_datetime(pd.Series([date])), pd.Series([hour], dtype="Int64"))
    assert got.tolist() == [inside]


def test_a_window_within_one_evening_and_untimed_rows():
    d = pd.to_datetime(pd.Series(["2024-04-03"] * 4))   # a Wednesday
    h = pd.Series([17, 18, 22, None], dtype="Int64")
    assert temporal.in_night_window(d, h, start=18, end=22, nights=[2]).tolist() == [False, True, False, False]


def test_rows_without_a_time_count_towards_days_not_hours():
    d = pd.to_datetime(pd.Series(["2024-04-01", "2024-04-01", "2024-04-02", None]))
    cells, days = temporal.day_hour(d, pd.Series([9, None, 9, 9], dtype="Int64"))
    assert len(cells) == 168 and cells["count"].sum() == 2
    assert cells.set_index(["weekday", "hour"]).loc[(0, 9), "count"] == 1
    assert days.tolist() == [2, 1, 0, 0, 0, 0, 0]


# -- the extract's times --------------------------------------------------------------------------
HEAD = "crime_id,{date},crime_type,lsoa_code{time}\n"


def _extract(tmp_path, header, rows):
    p = tmp_path / "crimes.csv"
    p.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    notes = []
    return parse_extract(p, notes), notes


def test_offence_datetime_gives_hours_and_a_bare_date_gives_none(tmp_path):
    f, notes = _extract(tmp_path, HEAD.format(date="offence_datetime", time=""), [
        "C1,2024-04-05 23:10,Burglary,E01000001", "C2,2024-04-05,Burglary,E01000001",
        "C3,06/04/2024 00:30,Burglary,E01000001", "C4,2024-04-05T22:30:00Z,Burglary,E01000001"])
    assert f["hour"].tolist() == [23, pd.NA, 0, 23]    # 22:30 UTC is 23:30 BST
    assert f["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-04-05", "2024-04-05", "2024-04-06", "2024-04-05"]
    assert notes == []


def test_offence_date_and_offence_time_and_bad_times_counted_not_quoted(tmp_path):
    f, notes = _extract(tmp_path, HEAD.format(date="offence_date", time=",offence_time"), [
        "C1,2024-04-05,Burglary,E01000001,21:45", "C2,2024-04-05,Burglary,E01000001,",
        "C3,2024-04-05,Burglary,E01000001,25:00", "C4,2024-04-05,Burglary,E01000001,Jane Smith 07700900123",
        "C5,2024-04-05,Burglary,E01000001,7:05:09"])
    assert f["hour"].tolist() == [21, pd.NA, pd.NA, pd.NA, 7]
    assert len(f) == 5                                    # no row dropped: a bad time is no time
    assert len(notes) == 1 and notes[0].startswith("2 rows of column 'offence_time' are not a time of day")
    assert "Jane" not in notes[0] and "25:00" not in notes[0]


# -- the demo: planted patterns recovered ------------------------------------------------------------
@pytest.fixture(scope="module")
def truth():
    from assessment.demo import ensure_demo
    ensure_demo(load_config(ROOT / "assessment.yml"))
    return json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))["when"]


@pytest.fixture(scope="module")
def demo_ds(truth):
    return load_dataset(load_config(ROOT / "assessment.yml"), 2024)


@pytest.fixture(scope="module")
def res(demo_ds):
    return when.analyse(demo_ds, maps=False)


@pytest.fixture(scope="module")
def raw():
    c = pd.read_csv(DEMO / "crimes.csv", dtype=str, keep_default_na=False)
    c["date"] = pd.to_datetime(c["offence_date"])
    c["hour"] = pd.to_numeric(c["offence_time"].str[:2], errors="coerce")
    c["fy"] = c["date"].dt.year - (c["date"].dt.month < 4)
    return c


def test_the_planted_july_peak_and_the_month_counts(res, truth, raw):
    real = truth["realised"]["2024/25"]
    assert truth["planted"]["seasonal_peak_month"] == 7
    assert res.headlines["patterns.peak_month"] == real["peak_month"] == 7
    t = res.profile().set_index("month")
    assert {str(m): int(n) for m, n in t["count"].items()} == real["by_month"]
    # usual level of July by hand: the Julys of the earlier years in the data window (2020/21 to 2023/24)
    julys = raw[(raw["date"].dt.month == 7) & raw["fy"].between(2020, 2023)].groupby("fy").size()
    assert t.loc[7, "usual"] == pytest.approx(julys.mean()) and t.loc[7, "years"] == 4
    assert t.loc[7, "ratio"] == pytest.approx(real["by_month"]["7"] / julys.mean())


def test_the_planted_friday_saturday_late_evening_violence_peak(res, truth, raw):
    planted = truth["planted"]["violence_peak_cell"]
    assert planted["weekday"] in (4, 5) and 20 <= planted["hour"] <= 23    # Friday/Saturday late evening
    vg = "Violence and sexual offences"
    wd, hr, n = res.peak_cell(vg)
    # the busiest cell found is in the planted Friday/Saturday late evening, within an hour of the planted
    # most likely cell (neighbouring late-evening hours are planted almost as busy: sampling decides)
    assert wd == planted["weekday"] and abs(hr - planted["hour"]) <= 1 and 20 <= hr <= 23
    real = truth["realised"]["2024/25"]["violence_peak_cell"]
    assert (wd, hr, n) == (real["weekday"], real["hour"], real["crimes"])
    hand = raw[(raw["fy"] == 2024) & (raw["crime_type"] == vg) & (raw["date"].dt.weekday == wd) & (raw["hour"] == hr)]
    assert n == len(hand)


def test_day_hour_and_the_day_and_hour_peaks_against_a_hand_count(res, truth, raw):
    real = truth["realised"]["2024/25"]
    cur = raw[raw["fy"] == 2024]
    dh = when.published_day_hour(res)
    assert list(dh.columns) == ["crime_group", "weekday", "hour", "count"]
    allc = dh[dh["crime_group"] == when.ALL_CRIME].set_index(["weekday", "hour"])["count"]
    hand = cur.dropna(subset=["hour"]).groupby([cur["date"].dt.weekday, "hour"]).size()
    assert allc[allc > 0].to_dict() == {(int(a), int(b)): int(v) for (a, b), v in hand.items()}
    assert res.headlines["patterns.peak_weekday"] == real["peak_weekday"]
    assert res.headlines["patterns.peak_hour"] == real["peak_hour"]
    untimed = int((cur["offence_time"] == "").sum())
    assert res.untimed == untimed == real["crimes"] - real["timed"] and untimed > 0
    assert res.headlines["patterns.timed_share"] == pytest.approx(real["timed"] / real["crimes"])
    assert f"The other {untimed:,} count towards their day of the week but not towards any hour" in \
        words.timed_sentence(res)


def test_night_time_economy_violence_share_against_a_hand_count(res, truth, raw):
    real = truth["realised"]["2024/25"]
    v = raw[(raw["fy"] == 2024) & (raw["crime_type"] == "Violence and sexual offences") & raw["hour"].notna()]
    wd = v["date"].dt.weekday
    hand = ((v["hour"] >= 20) & wd.isin([4, 5])) | ((v["hour"] < 4) & wd.isin([5, 6]))
    assert res.night.in_window == int(hand.sum()) == real["nte_violence"]
    assert res.night.timed == len(v)
    assert res.headlines["patterns.nte_violence_share"] == pytest.approx(hand.mean())
    assert "20:00 to 04:00 on Friday and Saturday nights" in words.night_sentence(res)


def test_the_headlines_validate_against_the_schema(res):
    s = build_summary([res.headlines, {"period.label": "2024/25", "period.start": "2024-04-01",
                                       "period.end": "2025-03-31", "area.name": "X"}],
                      records={})
    validate(s)
    assert set(s["patterns"]) >= {"peak_month", "peak_weekday", "peak_hour", "nte_violence_share", "timed_share"}


def test_the_contract_table_columns(res):
    assert list(when.published_monthly(res).columns) == ["crime_group", "month", "count", "usual", "ratio"]
    assert set(when.published_day_hour(res)["weekday"]) == set(range(7))


def test_night_time_hot_spots_reuse_chapter_twos_table(demo_ds):
    r = when.analyse(demo_ds)
    t = r.night.table
    assert int(t["count"].sum()) == r.night.in_window
    assert {"gi_z", "gi_class", "previous_count"} <= set(t.columns) and t["previous_count"].sum() > 0
    hs = when.hot_spots(t)
    assert len(hs) > 0 and hs["gi_class"].str.startswith("Hot spot").all()


# -- police.uk (months only) and a window set in the config -----------------------------------------
def test_police_uk_gives_the_months_and_says_why_days_and_hours_are_absent(tmp_path, truth):
    cfg = tmp_path / "a.yml"
    cfg.write_text(f"area: {{name: Demoborough}}\nsynthetic: true\ninputs:\n  police_uk: {DEMO / 'police-uk'}\n"
                   f"  boundaries: {MAPS / 'lsoa.gpkg'}\n  wards: {MAPS / 'lsoa_wards.csv'}\n", encoding="utf-8")
    r = when.analyse(load_dataset(load_config(cfg), 2024), maps=False)
    h = r.headlines
    assert h["patterns.peak_month"] == 7
    assert {str(m): int(n) for m, n in r.profile().set_index("month")["count"].items()} == \
        truth["realised"]["2024/25"]["by_month"]
    assert h["patterns.peak_weekday"] is None and h["patterns.peak_hour"] is None
    assert h["patterns.timed_share"] is None and h["patterns.nte_violence_share"] is None
    line, keys = words.not_covered(r, "days")
    assert "police.uk" in line and keys == ["inputs.crimes"]
    assert words.not_covered(r, "hours") == (None, []) and words.not_covered(r, "night") == (line, keys)


def test_the_window_is_configurable_and_checked():
    cfg = Config.model_validate({"area": {"name": "X"}, "when": {"nte_start": 22, "nte_end": 6, "nte_nights": [5]}})
    assert words.night_window(when.NightResult("V", [], start=cfg.when.nte_start, end=cfg.when.nte_end,
                                               nights=cfg.when.nte_nights)) == "22:00 to 06:00 on Saturday night"
    assert when.NightResult("V", [], start=22, end=6, nights=[5]).window_hours == 8
    with pytest.raises(Exception, match="nte_end"):
        Config.model_validate({"area": {"name": "X"}, "when": {"nte_start": 4, "nte_end": 4}})


def test_an_unknown_violence_group_is_one_line(tmp_path):
    (tmp_path / "c.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\n", encoding="utf-8")
    (tmp_path / "a.yml").write_text("area: {name: T}\ninputs: {crimes: c.csv}\nwhen: {violence_group: Fights}\n",
                                    encoding="utf-8")
    with pytest.raises(ConfigError, match="violence_group 'Fights' is not one of the crime_groups"):
        load_config(tmp_path / "a.yml")


def test_violence_types_default_to_names_starting_violence():
    cfg = Config.model_validate({"area": {"name": "X"}})
    assert when.violence_types(cfg, ["Violence with injury", "Burglary", "VIOLENCE WITHOUT INJURY"]) == \
        ("Violence", ["VIOLENCE WITHOUT INJURY", "Violence with injury"])
    assert when.violence_types(cfg, ["Burglary"]) is None


# -- real data: monthly only ---------------------------------------------------------------------------
@needs_real
def test_real_mps_counts_give_the_months_not_days_and_skip_the_part_first_month():
    ds = load_dataset(load_config(ROOT / "examples" / "haringey-mps-2024.yml"), 2024)
    r = when.analyse(ds, maps=False)
    t = r.profile().set_index("month")
    cur = ds.crimes_in(ds.period).groupby(ds.crimes["month"].dt.month)["count"].sum()
    assert t["count"].astype(int).to_dict() == cur.astype(int).to_dict()
    assert r.headlines["patterns.peak_month"] == int(cur.idxmax())
    # the table's first column (Feb 2024) holds 2 crimes: a part month, not February's usual level
    assert pd.isna(t.loc[2, "usual"]) and t.loc[3, "years"] == 1
    assert r.headlines["patterns.peak_weekday"] is None and r.reasons["days"] == when.NO_DATES
