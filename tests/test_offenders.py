"""Chapter 3 (prolific offenders) against hand-worked answers and the demo's planted truth.

The hand-made table (financial year 2024/25, i.e. April 2024 - March 2025)
------------------------------------------------------------------------
Twelve offenders O01..O12 and crimes K01..K40 in the period, plus K00 (March 2024,
outside the period).  Links (crime: offender), distinct crimes per offender:

    O01: K01 K02 K03 K04 K05 K06 (+ K01 listed twice, + K00 outside the period)  -> 6
    O02: K06 K07 K08 K09       (K06 shared with O01)                              -> 4
    O03: K10 K11 K12 K13                                                          -> 4  (ties O02)
    O04: K14 K15 K16                                                              -> 3
    O05: K17 K18 / O06: K19 K20 / O07: K21 K22                                     -> 2 each
    O08: K23 / O09: K24 / O10: K25 / O11: K26 / O12: K26 (K26 shared)             -> 1 each
    O13: K99 (not in the crimes data) and one link with no offender reference: ignored.

N = 12 offenders; linked crimes = K01..K26 = 26 distinct; all recorded crimes in the
period = K01..K40 = 40 (K27..K40 have no offender).  Credits = 6+4+4+3+2+2+2+1*5 = 28.

Ranking (crimes desc, then offender reference asc): O01, O02, O03, O04, O05, O06, O07,
O08, O09, O10, O11, O12 — O02 beats O03 on the tie because "O02" < "O03".

Top p% = ceil(p * 12):
    1%:  ceil(0.12) = 1 -> {O01}           crimes K01..K06 = 6   6/26, 6/40 = 0.15
    5%:  ceil(0.60) = 1 -> {O01}           6                     6/26, 0.15
    10%: ceil(1.20) = 2 -> {O01, O02}      K01..K09 = 9 (K06 once)  9/26, 9/40 = 0.225
         (had the tie gone to O03: 6 + 4 = 10 — the tie rule matters)
    20%: ceil(2.40) = 3 -> {O01, O02, O03} K01..K13 = 13          13/26 = 0.5, 13/40 = 0.325
Ties at the boundary: 10%: O03 (4 crimes, like O02) is just outside -> 1; 1%, 5%, 20%: 0.

Gini of [1,1,1,1,1,2,2,2,3,4,4,6] (ascending, n = 12, sum 28): coefficients 2i-13 =
-11,-9,-7,-5,-3,-1,1,3,5,7,9,11; Σ = -11-9-7-5-3 -2 +2 +6 +15 +28 +36 +66 = 116;
G = 116 / (12 * 28) = 116/336 = 0.3452380952...

Prolific (threshold 5): O01 only -> 1 offender (1/12), crimes 6 -> 6/26, 6/40.
Threshold 4: O01, O02, O03 -> 3 offenders, 13 crimes -> 0.5, 0.325.

Crime types: K01-K04 Burglary, K05-K06 Theft from motor vehicle, K07 Burglary,
K08-K09 Shoplifting, K10-K12 Shoplifting, K13 Burglary, K14-K20 Violence and sexual
offences, K21-K26 Criminal damage and arson, K27-K40 (unlinked) Other theft.
Top 10% = K01..K09: Burglary 5, TFMV 2, Shoplifting 2 (9): 5/9, 2/9, 2/9.
Rest = K10..K26 (17): Shoplifting 3, Burglary 1, Violence 7, Criminal damage 6.

Homes (latest linked crime in the period with a home; same month, so crime ref order):
O01 has L1 on K01-K05, L3 on K06 (its latest), L4 on K00 (outside the period) -> L3 South.
O02 L1, O03 L1, O04 L2, O07 L2, O11 L1 -> North (L1, L2) = 5; O01, O05 L3, O06 L3 ->
South (L3) = 3; O12 L4 -> East = 1; O08 'E01999999', O09 'E01999998' -> outside the area = 2;
O10 none -> not recorded = 1.  Shares of 12: 5/12, 3/12, 1/12, 2/12, 1/12.

Ages (on the earliest linked crime in the period with an age): O01 17 (K01; 18 on K06;
16 on K00, outside), O02 19, O03 22, O04 30, O05 15, O06 40, O07 24, O08 25, O09 none,
O10 60, O11 150 (not valid -> not recorded), O12 9.
Bands: Under 10: 1 (O12), 10-15: 1 (O05), 16-24: 4 (O01 O02 O03 O07), 25-34: 2 (O04 O08),
35-44: 1 (O06), 45-54: 0, 55+: 1 (O10), Not recorded: 2 (O09 O11).  Peak: 16-24 (4/12).
Sex (most often recorded; ties alphabetical): O01 M x5, F x1 -> Male; O02 M,M,F,F -> tie
-> Female; O03 F, O04 'Female', O05 M, O06 'U' (unknown), O07 M, O08 'male', O09 none,
O10 F, O11 M, O12 none.  Male: O01 O05 O07 O08 O11 = 5; Female: O02 O03 O04 O10 = 4;
Not recorded: O06 O09 O12 = 3.
"""
import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from assessment.chapters import offenders as off
from assessment.config import Config
from assessment.dataset import OFFENDER_COLUMNS, Dataset, conform
from assessment.disclosure import check_publishable
from assessment.errors import AssessmentError, InputError
from assessment.figures import offenders as figures
from assessment.periods import financial_year
from assessment.stats import concentration
from assessment.stats import offenders as stats
from assessment.words import offenders as words
from assessment.workbook import Run

P = financial_year(2024)
ROOT = Path(__file__).resolve().parents[1]

TYPES = {**{f"K{i:02d}": "Burglary" for i in (1, 2, 3, 4, 7, 13)},
         "K05": "Theft from motor vehicle", "K06": "Theft from motor vehicle",
         **{f"K{i:02d}": "Shoplifting" for i in (8, 9, 10, 11, 12)},
         **{f"K{i:02d}": "Violence and sexual offences" for i in range(14, 21)},
         **{f"K{i:02d}": "Criminal damage and arson" for i in range(21, 27)},
         **{f"K{i:02d}": "Other theft" for i in range(27, 41)}}

# (crime, offender, age, sex, home_lsoa)
LINKS = [
    ("K01", "O01", 17, "M", "L1"), ("K02", "O01", 17, "M", "L1"), ("K03", "O01", 17, "M", "L1"),
    ("K04", "O01", 17, "M", "L1"), ("K05", "O01", 18, "M", "L1"), ("K06", "O01", 18, "F", "L3"),
    ("K01", "O01", 17, "M", "L1"),                      # the same link twice: credited once
    ("K00", "O01", 16, "M", "L4"),                      # crime outside the period
    ("K06", "O02", 19, "M", "L1"), ("K07", "O02", 19, "M", "L1"), ("K08", "O02", 19, "F", "L1"),
    ("K09", "O02", 19, "F", "L1"),
    ("K10", "O03", 22, "F", "L1"), ("K11", "O03", 22, "F", "L1"), ("K12", "O03", 22, "F", "L1"),
    ("K13", "O03", 22, "F", "L1"),
    ("K14", "O04", 30, "Female", "L2"), ("K15", "O04", 30, "Female", "L2"), ("K16", "O04", 30, "Female", "L2"),
    ("K17", "O05", 15, "M", "L3"), ("K18", "O05", 15, "M", "L3"),
    ("K19", "O06", 40, "U", "L3"), ("K20", "O06", 40, "U", "L3"),
    ("K21", "O07", 24, "M", "L2"), ("K22", "O07", 24, "M", "L2"),
    ("K23", "O08", 25, "male", "E01999999"),
    ("K24", "O09", None, None, "E01999998"),
    ("K25", "O10", 60, "F", None),
    ("K26", "O11", 150, "M", "L1"),
    ("K26", "O12", 9, None, "L4"),
    ("K99", "O13", 33, "M", "L1"),                      # crime not in the crimes data
    ("K27", None, 20, "M", "L1"),                       # no offender reference
]
IDS = [f"O{i:02d}" for i in range(1, 14)]


def _crimes():
    ids = [f"K{i:02d}" for i in range(0, 41)]
    months = ["2024-03-01"] + ["2024-06-01"] * 40
    return pd.DataFrame({"crime_id": pd.array(ids, dtype="string"), "month": pd.to_datetime(months),
                         "date": pd.NaT, "crime_type": pd.array([TYPES.get(i, "Burglary") for i in ids], dtype="string"),
                         "lsoa_code": "L1", "count": 1})


def _links(columns=("age", "sex", "home_lsoa")):
    df = pd.DataFrame(LINKS, columns=["crime_id", "offender_id", "age", "sex", "home_lsoa"])
    df = df.drop(columns=[c for c in ("age", "sex", "home_lsoa") if c not in columns])
    return conform(df, OFFENDER_COLUMNS)


def _per(links=None):
    """Crimes per offender in the period (the chapter's links, the statistics' count)."""
    return stats.crimes_per_offender(off.period_links(_links() if links is None else links, _crimes(), P))


def _publish(run, r, name):
    """What the notebook does for each table: tables/<name>.csv and the readable table."""
    run.table_pair(name, off.published_tables(r)[name], words.table_text(r, name), audit=r.audit.get(name))


def _words(r):
    """The sentences and notes the notebook writes for an available result ``r``."""
    return SimpleNamespace(
        concentration_sentence=words.concentration_sentence(r.concentration, r.period_label),
        prolific_sentence=words.prolific_sentence(r), ties_note=words.ties_note(r), link_note=words.link_note(r),
        mix_sentence=words.common_offences_sentence(r.mix, r.mix_share),
        wards_sentence=words.wards_sentence(r.wards, r.top_wards),
        suppressed=words.suppressed_items(r), notes=words.notes(r))


def _lsoas():
    return pd.DataFrame({"lsoa_name": ["A 001", "A 002", "A 003", "A 004"],
                         "ward_code": ["W1", "W1", "W2", "W3"], "ward_name": ["North", "North", "South", "East"],
                         "population": [1500, 1500, 1500, 1500]},
                        index=pd.Index(["L1", "L2", "L3", "L4"], name="lsoa_code"))


def _ds(min_count=1, threshold=5, offenders="default", lsoas="default"):
    cfg = Config(area={"name": "Testham"}, disclosure={"min_count": min_count},
                 offenders={"prolific_threshold": threshold})
    return Dataset(config=cfg, period=P, crimes=_crimes(),
                   offenders=_links() if isinstance(offenders, str) else offenders,
                   lsoas=_lsoas() if isinstance(lsoas, str) else lsoas)


# --- the verbs ---------------------------------------------------------------------------------
def test_crimes_per_offender_credits_distinct_crimes_in_period_and_ranks_ties_by_reference():
    per = _per()
    assert per.index.tolist() == IDS[:12]                      # O13 (crime not in data) is not an offender
    assert per["crimes"].tolist() == [6, 4, 4, 3, 2, 2, 2, 1, 1, 1, 1, 1]
    assert per["rank"].tolist() == list(range(1, 13))
    assert per.loc["O02", "rank"] < per.loc["O03", "rank"]     # tie: "O02" < "O03"


def test_link_quality_counts_every_row():
    q = off.link_quality(_links(), _crimes(), P)
    # 32 rows: 1 no reference, 1 duplicate, 1 crime not found (K99), 1 other period (K00), 28 used
    assert q == {"rows": 32, "no_reference": 1, "duplicate": 1, "crime_not_found": 1, "other_period": 1, "used": 28}


def test_top_offenders_and_group_sizes():
    per = _per()
    assert stats.top_offenders(per, 0.01).tolist() == ["O01"]
    assert stats.top_offenders(per, 0.05).tolist() == ["O01"]
    assert stats.top_offenders(per, 0.10).tolist() == ["O01", "O02"]
    assert stats.top_offenders(per, 0.20).tolist() == ["O01", "O02", "O03"]
    assert [stats.ties_at_boundary(per, p) for p in (0.01, 0.05, 0.10, 0.20)] == [0, 0, 1, 0]


def test_concentration_hand_worked():
    links = off.period_links(_links(), _crimes(), P)
    t = stats.concentration_table(links, all_crimes=40)
    assert t["offenders"].tolist() == [1, 1, 2, 3]
    assert t["crimes"].tolist() == [6, 6, 9, 13]
    assert t["linked_crimes"].tolist() == [26] * 4 and t["all_crimes"].tolist() == [40] * 4
    assert t["share_linked"].tolist() == pytest.approx([6 / 26, 6 / 26, 9 / 26, 0.5])
    assert t["share_all"].tolist() == pytest.approx([0.15, 0.15, 0.225, 0.325])


def test_gini_and_curve_hand_worked():
    per = _per()
    assert concentration.gini(per["crimes"]) == pytest.approx(116 / 336)
    # brute force definition: sum |xi - xj| / (2 n^2 mean)
    x = per["crimes"].tolist()
    assert concentration.gini(x) == pytest.approx(sum(abs(a - b) for a in x for b in x) / (2 * 12 ** 2 * (28 / 12)))
    curve = stats.concentration_curve(off.period_links(_links(), _crimes(), P), per)
    assert len(curve) == 13 and curve.iloc[0].tolist() == [0.0, 0.0] and curve.iloc[-1].tolist() == [1.0, 1.0]
    # k = 1, 2, 3 offenders: 6, 9, 13 of 26 crimes
    assert curve["crimes_share"].iloc[1:4].tolist() == pytest.approx([6 / 26, 9 / 26, 13 / 26])


def test_prolific_thresholds():
    links = off.period_links(_links(), _crimes(), P)
    assert stats.prolific(links, 40, 5) == pytest.approx(
        {"threshold": 5, "offenders": 1, "offenders_share": 1 / 12, "crimes": 6,
         "share_linked": 6 / 26, "share_all": 0.15})
    r = stats.prolific(links, 40, 4)
    assert (r["offenders"], r["crimes"], r["share_linked"], r["share_all"]) == (3, 13, 0.5, 0.325)


def test_crime_mix_top_10_vs_rest():
    m = stats.crime_mix(off.period_links(_links(), _crimes(), P), 0.10)
    assert m.index.tolist() == ["Burglary", "Shoplifting", "Theft from motor vehicle",
                                "Violence and sexual offences", "Criminal damage and arson"]
    assert m["top_crimes"].tolist() == [5, 2, 2, 0, 0]
    assert m["rest_crimes"].tolist() == [1, 3, 0, 7, 6]
    assert m["top_share"].tolist() == pytest.approx([5 / 9, 2 / 9, 2 / 9, 0, 0])
    assert m["rest_share"].tolist() == pytest.approx([1 / 17, 3 / 17, 0, 7 / 17, 6 / 17])


def test_attributes_age_sex_home():
    a = off.offender_attributes(off.period_links(_links(), _crimes(), P))
    assert a.loc["O01"].tolist() == [17, "Male", "L3"]       # earliest age, modal sex, latest home
    assert a.loc["O02", "sex"] == "Female"                    # M,M,F,F tie -> alphabetical
    assert pd.isna(a.loc["O11", "age"]) and pd.isna(a.loc["O06", "sex"]) and pd.isna(a.loc["O10", "home_lsoa"])


def test_wards_and_age_sex_breakdowns():
    a = off.offender_attributes(off.period_links(_links(), _crimes(), P))
    w = off.offenders_by_ward(a, _lsoas())
    assert w["ward_name"].tolist() == ["North", "South", "East", "Outside the area", "Not recorded"]
    assert w["offenders"].tolist() == [5, 3, 1, 2, 1]
    assert w["share"].tolist() == pytest.approx([5 / 12, 3 / 12, 1 / 12, 2 / 12, 1 / 12])
    b = off.age_sex_breakdown(a)
    ages = b[b["breakdown"] == "Age band"].set_index("group")["offenders"].to_dict()
    assert ages == {"Under 10": 1, "10–15": 1, "16–24": 4, "25–34": 2, "35–44": 1, "45–54": 0, "55+": 1,
                    "Not recorded": 2}
    sexes = b[b["breakdown"] == "Sex"].set_index("group")["offenders"].to_dict()
    assert sexes == {"Female": 4, "Male": 5, "Not recorded": 3}
    assert off.peak_age_band(b) == "16–24"


def test_input_checks_say_what_is_wrong():
    with pytest.raises(InputError, match="offender_id"):
        _per(pd.DataFrame({"crime_id": ["K01"]}))
    with pytest.raises(AssessmentError, match="between 0 and 1"):
        concentration.top_k(10, 5)
    with pytest.raises(AssessmentError, match="non-negative"):
        concentration.gini([1, -2])


# --- the whole chapter -----------------------------------------------------------------------------
def test_analyse_headlines_and_sentences_unsuppressed():
    r = off.analyse(_ds(min_count=1))
    h, w = r.headlines, _words(r)
    assert r.available and (h["offenders.offenders"], h["offenders.linked_crimes"], h["offenders.all_crimes"]) == (12, 26, 40)
    for key, lk, al in (("1", 6 / 26, 0.15), ("5", 6 / 26, 0.15), ("10", 9 / 26, 0.225), ("20", 0.5, 0.325)):
        assert h[f"offenders.top_share.{key}.linked"] == pytest.approx(lk)
        assert h[f"offenders.top_share.{key}.all"] == pytest.approx(al)
    assert h["offenders.gini"] == pytest.approx(116 / 336)
    assert (h["offenders.prolific"], h["offenders.prolific_threshold"]) == (1, 5)
    assert h["offenders.prolific_share.all"] == pytest.approx(0.15)
    assert h["offenders.top_wards"] == ["North", "South", "East"] and h["offenders.outside_area"] == 2
    assert h["offenders.peak_age_band"] == "16–24"
    assert h["offenders.top_mix_types"] == ["Burglary", "Shoplifting", "Theft from motor vehicle"]
    # shares to one decimal place, as the executive summary states them (6/26 = 23.1%, 9/26 = 34.6%, 9/40 = 22.5%)
    assert w.concentration_sentence.startswith(
        "In 2024/25 the top 1% of offenders (1 offender) were linked to 23.1% of offender-linked crimes and 15.0% of all "
        "recorded crime;")
    assert ("the top 10% of offenders (2 offenders) were linked to 34.6% of offender-linked crimes and 22.5% of all"
            in w.concentration_sentence)
    # wards 5/12, 3/12, 1/12; mix 5/9, 2/9, 2/9
    assert w.wards_sentence == "North (41.7%), South (25.0%) and East (8.3%) house the highest numbers of offenders."
    assert w.mix_sentence == ("Common offences committed by the most prolific offenders (the top 10%) include burglary "
                              "(55.6% of their linked crimes), shoplifting (22.2%) and theft from motor vehicle (22.2%).")
    assert "10%" in w.ties_note and "1%" not in w.ties_note
    assert w.link_note.startswith("28 offender–crime links are to crimes in 2024/25; not used in this chapter: "
                                  "1 link(s) to crimes in other years of the data; 1 link(s) to crimes not in the "
                                  "crimes data; 1 repeated link(s)")
    assert w.suppressed == [] and w.notes == {}


def test_analyse_suppresses_small_counts_with_threshold_5():
    r = off.analyse(_ds(min_count=5))
    said = _words(r)
    w = r.wards.set_index("ward_name")
    # North 5 stays; South 3, East 1, outside 2, not recorded 1 are all below 5
    assert w["offenders"].tolist() == [5, "<5", "<5", "<5", "<5", 12]
    assert w["share"].isna().tolist() == [False, True, True, True, True, False]
    assert said.wards_sentence == "North (41.7%) houses the highest numbers of offenders."
    assert r.headlines["offenders.outside_area"] is None
    # mix: top [5,2,2,0,0] -> the two 2s; rest [1,3,0,7,6] -> 1 and 3
    assert r.mix["top_crimes"].tolist() == [5, "<5", "<5", 0, 0]
    assert r.mix["rest_crimes"].tolist() == ["<5", "<5", 0, 7, 6]
    # prolific: 1 offender -> suppressed.  Its 6 crimes' shares are hidden too (disclosure audit): the
    # top 1 offender is linked to 6 crimes and the top 2 to 9 (offender_concentration), so a share of
    # 6/40 for the prolific group would mean exactly 1 prolific offender
    assert r.headlines["offenders.prolific"] is None and r.headlines["offenders.prolific_share.all"] is None
    assert said.prolific_sentence.startswith("Fewer than 5 offenders were linked to 5 or more crimes")
    assert r.audit["offender_concentration"]["determined_before"] == 1
    # age: all bands below 5 except 16-24 (4 is below 5 too) -> everything but zeros and totals
    ages = r.age_sex[r.age_sex["breakdown"] == "Age band"]["offenders"].tolist()
    assert ages == ["<5", "<5", "<5", "<5", "<5", 0, "<5", "<5", 12]
    sexes = r.age_sex[r.age_sex["breakdown"] == "Sex"]["offenders"].tolist()
    assert sexes == ["<5", 5, "<5", 12]   # Female 4 primary; Male 5 stays (two cells already hidden)
    assert r.headlines["offenders.peak_age_band"] is None   # every band hidden: no peak is published
    assert len(said.suppressed) == 5 and "offenders by ward: 4" in said.suppressed[2]
    assert said.suppressed[4].endswith("(disclosure audit): the prolific offenders' shares of crime")
    # headline totals above the threshold are published
    assert r.headlines["offenders.offenders"] == 12 and r.headlines["offenders.top_share.20.all"] == pytest.approx(0.325)


def test_missing_optional_columns_leave_sections_out_with_a_note():
    r = off.analyse(_ds(offenders=_links(columns=())))
    assert r.available and r.headlines["offenders.top_share.10.linked"] == pytest.approx(9 / 26)
    assert r.wards is None and r.age_sex is None
    notes = words.notes(r)
    assert set(notes) == {"wards", "age", "sex"} and "no home LSOA" in notes["wards"]
    assert r.headlines["offenders.top_wards"] is None and r.headlines["offenders.peak_age_band"] is None
    assert set(off.published_tables(r)) == {"offender_concentration", "offender_crime_mix"}
    # ages but no sex and no ward lookup
    r = off.analyse(_ds(offenders=_links(columns=("age", "home_lsoa")), lsoas=None))
    notes = words.notes(r)
    assert set(notes) == {"wards", "sex"} and "ward lookup" in notes["wards"]
    assert r.age_sex["breakdown"].unique().tolist() == ["Age band"]


def test_no_offenders_link_gives_null_headlines():
    r = off.analyse(_ds(offenders=None))
    assert not r.available and "No offenders link" in words.notes(r)["all"]
    for k in ("offenders.offenders", "offenders.linked_crimes", "offenders.gini",
              *[f"offenders.top_share.{p}.{d}" for p in (1, 5, 10, 20) for d in ("linked", "all")]):
        assert k in r.headlines and r.headlines[k] is None
    assert off.published_tables(r) == {}


def test_published_tables_hold_no_offender_ids(tmp_path):
    ds = _ds(min_count=1)
    r = off.analyse(ds)
    run = Run(dataset=ds, out_dir=tmp_path, chapter="offenders")
    for name in off.published_tables(r):
        _publish(run, r, name)
    run.headline(r.headlines)
    written = sorted(p.name for p in (tmp_path / "tables").glob("*.csv"))
    assert written == ["offender_age_sex.csv", "offender_concentration.csv", "offender_crime_mix.csv",
                       "offender_wards.csv"]
    text = "\n".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    for oid in IDS:
        assert oid not in text
    for name, csv in off.published_tables(r).items():
        check_publishable(csv, ds)
        check_publishable(words.table_text(r, name)["display"], ds)
    conc = pd.read_csv(tmp_path / "tables" / "offender_concentration.csv")
    assert conc["crimes"].tolist() == [6, 6, 9, 13] and conc["all_denominator"].tolist() == [40] * 4
    assert {"share_linked", "share_all", "linked_denominator_is", "all_denominator_is"} <= set(conc.columns)


def test_figures_draw(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    r = off.analyse(_ds(min_count=1))
    fig = figures.lorenz_figure(r.curve, r.concentration, r.gini)
    assert len(fig.axes) == 1
    fig = figures.crime_mix_figure(r.mix, 0.10)
    assert len(fig.axes[0].patches) == 10       # 5 crime types x 2 groups


# --- the demo borough: shares equal the generator's planted truth ------------------------------------
@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    """The repo's demo (data/demo, maps/demo) when generated, else a fresh one in a temporary folder."""
    if (ROOT / "data" / "demo" / "truth.json").exists() and (ROOT / "maps" / "demo" / "lsoa.gpkg").exists():
        return ROOT
    demo = pytest.importorskip("assessment.demo")
    root = tmp_path_factory.mktemp("demo")
    demo.generate(root)
    return root


@pytest.fixture(scope="module")
def demo_run(demo_root, tmp_path_factory):
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    cfg = tmp_path_factory.mktemp("democfg") / "assessment.yml"
    d, m = (demo_root / "data" / "demo").as_posix(), (demo_root / "maps" / "demo").as_posix()
    cfg.write_text(f"area: {{name: Demo borough (synthetic)}}\nsynthetic: true\ninputs:\n"
                   f"  crimes: {d}/crimes.csv\n  offenders: {d}/offenders.csv\n  population: {d}/population.csv\n"
                   f"  boundaries: {m}/lsoa.gpkg\n  wards: {m}/lsoa_wards.csv\n")
    ds = load_dataset(load_config(cfg), year=2024)
    truth = json.loads((demo_root / "data" / "demo" / "truth.json").read_text())
    return ds, off.analyse(ds), truth["offenders"]["realised"]["2024/25"]


def test_demo_shares_equal_planted_truth(demo_run):
    ds, r, truth = demo_run
    h = r.headlines
    assert (h["offenders.offenders"], h["offenders.linked_crimes"], h["offenders.all_crimes"]) == \
        (truth["offenders"], truth["linked_crimes"], truth["all_crimes"])
    assert h["offenders.gini"] == pytest.approx(truth["gini"], abs=1e-12)
    for p in ("1", "5", "10", "20"):
        want = truth["top_share"][p]
        assert h[f"offenders.top_count.{p}"] == want["offenders"]
        assert h[f"offenders.top_share.{p}.linked"] == pytest.approx(want["linked"], abs=1e-12)
        assert h[f"offenders.top_share.{p}.all"] == pytest.approx(want["all"], abs=1e-12)
    # the generator's heavy tail: the top 20% are linked to more than a fifth of linked crime, and so on
    assert 0.01 < h["offenders.top_share.1.linked"] < h["offenders.top_share.20.linked"] < 1


def test_demo_crime_mix_matches_truth(demo_run):
    from assessment.demo import ACQUISITIVE
    ds, r, truth = demo_run
    links = off.period_links(ds.offenders, ds.crimes, ds.period)
    mix = stats.crime_mix(links, 0.10)
    top = mix.loc[mix.index.isin(ACQUISITIVE), "top_share"].sum()
    rest = mix.loc[mix.index.isin(ACQUISITIVE), "rest_share"].sum()
    assert top == pytest.approx(truth["top10_acquisitive_share"], abs=1e-12)
    assert rest == pytest.approx(truth["rest_acquisitive_share"], abs=1e-12)


def test_demo_offender_ids_never_published(demo_run, tmp_path):
    ds, r, _ = demo_run
    run = Run(dataset=ds, out_dir=tmp_path, chapter="offenders")
    for name in off.published_tables(r):
        _publish(run, r, name)
    run.headline(r.headlines)
    ids = set(ds.offenders["offender_id"].dropna().astype(str))
    assert len(ids) > 1000
    import re
    for path in tmp_path.rglob("*"):
        if path.is_file():
            tokens = set(re.findall(r"[A-Za-z0-9_-]+", path.read_text(encoding="utf-8")))
            assert not tokens & ids, path.name
    assert r.wards is not None and (r.wards["ward_name"] == "Outside the area").any()


# --- the notebook, end to end on the hand-made table written as input files -------------------------
def _write_inputs(d: Path) -> Path:
    import geopandas as gpd
    from shapely.geometry import box
    codes = {"L1": "E01000001", "L2": "E01000002", "L3": "E01000003", "L4": "E01000004"}
    c = _crimes()
    pd.DataFrame({"crime_id": c["crime_id"], "offence_date": ["2024-03-15"] + ["2024-06-15"] * 40,
                  "crime_type": c["crime_type"], "lsoa_code": "E01000001"}).to_csv(d / "crimes.csv", index=False)
    links = pd.DataFrame(LINKS, columns=["crime_id", "offender_id", "age", "sex", "home_lsoa"])
    links["offender_id"] = links["offender_id"].map(lambda v: None if pd.isna(v) else f"PSEUDO-{v}")
    links["home_lsoa"] = links["home_lsoa"].map(lambda v: codes.get(v, v))
    links["age"] = links["age"].astype("Int64")
    links.to_csv(d / "offenders.csv", index=False)
    lk = _lsoas().reset_index()
    lk["lsoa_code"] = lk["lsoa_code"].map(codes)
    lk[["lsoa_code", "ward_code", "ward_name"]].to_csv(d / "wards.csv", index=False)
    gpd.GeoDataFrame({"LSOA21CD": list(codes.values())}, crs=27700,
                     geometry=[box(530000 + 1000 * (i % 2), 180000 + 1000 * (i // 2),
                                   531000 + 1000 * (i % 2), 181000 + 1000 * (i // 2)) for i in range(4)]
                     ).to_file(d / "lsoa.gpkg", driver="GPKG")
    (d / "assessment.yml").write_text("area: {name: Testham}\ninputs: {crimes: crimes.csv, offenders: offenders.csv, "
                                      "wards: wards.csv, boundaries: lsoa.gpkg}\ndisclosure: {min_count: 2}\n")
    return d / "assessment.yml"


def test_notebook_runs_and_no_output_holds_an_offender_id(tmp_path):
    pm = pytest.importorskip("papermill")
    cfg = _write_inputs(tmp_path)
    out = tmp_path / "out"
    pm.execute_notebook(str(ROOT / "notebooks" / "03_offenders.ipynb"), str(tmp_path / "03.ipynb"),
                        parameters={"year": 2024, "config": str(cfg), "out_dir": str(out)},
                        cwd=str(ROOT), progress_bar=False, log_output=False)
    summary = json.loads((out / "_summary" / "offenders.json").read_text())
    assert summary["offenders.top_share.20.linked"] == pytest.approx(0.5)
    assert summary["offenders.top_share.10.all"] == pytest.approx(0.225)
    assert summary["offenders.gini"] == pytest.approx(116 / 336)
    assert (out / "tables" / "offender_wards.csv").read_text().splitlines()[3] == "W3,East,<2,"
    files = [tmp_path / "03.ipynb", *out.rglob("*")]
    text = "\n".join(p.read_text(encoding="utf-8") for p in files if p.is_file())
    assert "PSEUDO-" not in text
    nb = json.loads((tmp_path / "03.ipynb").read_text())
    assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_totals_below_the_threshold_are_hidden_and_the_gate_accepts_every_table():
    """12 offenders with min_count 13: the ward and age/sex totals are themselves small counts."""
    from assessment.disclosure import check_publishable
    ds = _ds(min_count=13)
    r = off.analyse(ds)
    assert r.wards.set_index("ward_name").loc["Total", "offenders"] == "<13"
    assert (r.age_sex[r.age_sex["group"] == "Total"]["offenders"] == "<13").all()
    assert r.headlines["offenders.offenders"] is None
    for name, csv in off.published_tables(r).items():
        check_publishable(csv, ds, name=name, min_count=13)   # would raise on a small count


def test_ward_map_does_not_draw_a_secondary_suppressed_ward_as_fewer_than_five(monkeypatch):
    """A ward hidden as "[c]" (secondary suppression: 66 offenders, hidden so the total cannot reveal a
    small ward) has a legend class of its own; only the "<5" ward is "Fewer than 5"."""
    import geopandas as gpd
    import matplotlib
    from shapely.geometry import box
    matplotlib.use("Agg")
    codes = ["L1", "L2", "L3", "L4", "L5"]
    boundaries = gpd.GeoDataFrame(geometry=[box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(5)], crs=27700,
                                  index=pd.Index(codes, name="lsoa_code"))
    lsoas = pd.DataFrame({"ward_code": ["W1", "W2", "W3", "W4", "W5"],
                          "ward_name": ["North", "South", "East", "West", "Centre"]}, index=boundaries.index)
    wards = pd.DataFrame({"ward_code": ["W1", "W2", "W3", "W4", "W5"],
                          "ward_name": ["North", "South", "East", "West", "Centre"],
                          "offenders": [120, "<5", "[c]", 80, 70]})
    fig = figures.ward_map(wards, boundaries, lsoas, min_count=5)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Fewer than 5 (not shown) (1)" in legend                     # South only
    assert "Hidden so that totals cannot reveal a count below 5 ([c]) (1)" in legend   # East, on its own
    classes = [t for t in legend if not t.startswith(("Fewer", "Hidden"))]
    assert sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in classes) == 3   # North, West, Centre coloured
    # the fallback drawing (without assessment.figures.maps) keeps the two apart too
    import sys

    import matplotlib.pyplot as plt
    monkeypatch.setitem(sys.modules, "assessment.figures.maps", None)
    fig = figures.ward_map(wards, boundaries, lsoas, min_count=5)
    hidden = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert hidden == ["Fewer than 5 (not shown)", "Hidden so that totals cannot reveal a count below 5 ([c])"]
    plt.close("all")
