"""The disclosure audit (issue 11): hidden cells must not be recoverable from what is published.

Each recovery below is worked out by hand, then checked with an attacker written here from scratch
(scipy's linprog on the relations of one subset or one table, not the module's model), then with
:mod:`assessment.disclosure_audit`, before and after the protection.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from assessment import disclosure_audit as DA
from assessment.chapters import offenders as O
from assessment.chapters import victims as V
from assessment.config import Area, Config, Disclosure
from assessment.dataset import CRIME_COLUMNS, VICTIM_COLUMNS, Dataset, conform
from assessment.periods import financial_year
from assessment.words import victims as W

FY = financial_year(2024)
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
BANDS = ["1", "2", "3", "4", "5+"]


# ---------------------------------------------------------------------------------------------
# an attacker written from scratch: one subset's distribution against its repeat_victims row
# ---------------------------------------------------------------------------------------------
def _num(v):
    if v is None or v is pd.NA or isinstance(v, str):
        return None
    f = float(v)
    return None if math.isnan(f) else f


def attack_subset(row: dict, dist: pd.DataFrame, min_count: int = 5, most: int = 10**6) -> dict:
    """Whole-number range of every hidden victims cell of one subset's distribution, given the
    subset's published victims V, repeat victims R, pairs P and share of pairs, the bands'
    published counts and shares, and what the marks say ("<5": 1..4; a victims "[c]": 5 or more).

    Variables x1..x5+, p1..p5+; relations V = Σx, R = Σ_{k≥2} x, P = Σp, P − p1 = share·P,
    p_k = k·x_k (k < 5), 5·x5 ≤ p5 ≤ most·x5, share_k·V = x_k.
    """
    d = dist.set_index("crimes_per_victim")
    n = 10  # x1..x5, p1..p5
    lo, hi = [0.0] * n, [None] * n
    a_eq, b_eq, a_ub, b_ub = [], [], [], []

    def eq(coef, rhs):
        r = np.zeros(n)
        for i, c in coef.items():
            r[i] = c
        a_eq.append(r), b_eq.append(rhs)

    V_, R_, P_ = _num(row["victims"]), _num(row["repeat_victims"]), _num(row["pairs"])
    share = _num(row.get("repeat_pair_share"))
    for i, b in enumerate(BANDS):
        for j, col in ((i, "victims"), (5 + i, "pairs")):
            v = d.loc[b, col]
            if _num(v) is not None:
                lo[j] = hi[j] = _num(v)
            elif v == f"<{min_count}":
                lo[j], hi[j] = 1, min_count - 1
            elif v == "[c]":
                lo[j] = min_count if col == "victims" else 1
        if i < 4:
            eq({5 + i: 1, i: -(i + 1)}, 0)
        s = _num(d.loc[b, "share"])
        if s is not None and V_ is not None:
            eq({i: 1}, s * V_)
    r = np.zeros(n)
    r[4], r[9] = 5, -1
    a_ub.append(r), b_ub.append(0)                       # p5 ≥ 5·x5
    r = np.zeros(n)
    r[9], r[4] = 1, -most
    a_ub.append(r), b_ub.append(0)                       # no pairs in an empty 5+ band
    if V_ is not None:
        eq({i: 1 for i in range(5)}, V_)
    if R_ is not None:
        eq({i: 1 for i in range(1, 5)}, R_)
    if P_ is not None:
        eq({5 + i: 1 for i in range(5)}, P_)
        if share is not None:
            eq({5 + i: 1 for i in range(1, 5)}, share * P_)
    kw = dict(A_eq=np.array(a_eq) if a_eq else None, b_eq=np.array(b_eq) if b_eq else None,
              A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=list(zip(lo, hi)), integrality=np.ones(n))
    out = {}
    for i, b in enumerate(BANDS):
        if isinstance(d.loc[b, "victims"], str):
            c = np.zeros(n)
            c[i] = 1
            low, high = linprog(c, **kw), linprog(-c, **kw)
            assert low.status == 0 and high.status == 0
            out[b] = (round(low.fun), round(-high.fun))
    return out


# ---------------------------------------------------------------------------------------------
# the "Hate crime" example of the issue, by hand
# ---------------------------------------------------------------------------------------------
def _hate_crime_dataset():
    """10 victims of hate crime in 2024/25: 7 victims of one crime, 3 of two -> 13 pairs."""
    crimes, links = [], []
    k = 0
    for v in range(10):
        for _ in range(2 if v < 3 else 1):
            k += 1
            crimes.append((f"h{k:02d}", f"2024-{5 + k % 6:02d}-{1 + k:02d}", "Hate crime"))
            links.append((f"h{k:02d}", f"VIC-{v}"))
    c = pd.DataFrame(crimes, columns=["crime_id", "date", "crime_type"])
    c["date"] = pd.to_datetime(c["date"])
    c["month"] = c["date"].dt.to_period("M").dt.to_timestamp()
    c["domestic_abuse"] = False
    c["lsoa_code"] = "E01000001"
    c["longitude"] = np.nan
    c["latitude"] = np.nan
    cfg = Config(area=Area(name="Testham"), crime_groups={"Hate crime": ["Hate crime"]},
                 disclosure=Disclosure(min_count=5))
    return Dataset(config=cfg, period=FY, crimes=conform(c, CRIME_COLUMNS),
                   victims=conform(pd.DataFrame(links, columns=["crime_id", "victim_id"]), VICTIM_COLUMNS))


def test_hate_crime_cells_are_recovered_under_the_suppression_rules_alone():
    ds = _hate_crime_dataset()
    raw, dist, _ = V.repeat_table(ds.victims, ds.crimes, FY, ds.config.crime_groups)
    table, _ = V.publishable_table(raw, min_count=5)
    pub, _ = V.publishable_distribution(dist, 5)
    row = table.loc["Hate crime"]
    d = pub[pub["subset"] == "Hate crime"]
    # what the rules publish: victims 10, pairs 13, repeat victims "<5"; bands 1 "[c]", 2 "<5", 3..5+ zero
    assert (row["victims"], row["pairs"], row["repeat_victims"]) == (10, 13, "<5")
    assert d["victims"].tolist() == ["[c]", "<5", 0, 0, 0]
    # by hand: x1 + x2 = 10 and x1 + 2·x2 = 13, so x2 = 3 and x1 = 7
    assert attack_subset(row.to_dict(), d) == {"1": (7, 7), "2": (3, 3)}
    # the module's audit finds the same
    fam = V.victims_family(table, pub, raw, ds, (7, 30, 90, 365), 365, 5)
    res = DA.audit(fam.system()).set_index("cell")
    assert (res.loc["Hate crime|x2", "low"], res.loc["Hate crime|x2", "high"]) == (3, 3)
    assert res.loc["Hate crime|x2", "protected"] == False  # noqa: E712
    assert res.loc["All crime|R", ["low", "high"]].tolist() == [3, 3]   # all crime is the same crimes


def test_hate_crime_cells_are_not_recoverable_after_the_audit():
    ds = _hate_crime_dataset()
    res = V.analyse(ds)
    assert res.audit["repeat_victim_distribution"]["determined_before"] >= 2
    assert res.audit["repeat_victim_distribution"]["determined_after"] == 0
    assert res.audit["repeat_victims"]["determined_after"] == 0
    # every hidden cell left: at least two whole values, by the module's audit of the publication ...
    fam = V.victims_family(res.table, res.distribution, V.repeat_table(ds.victims, ds.crimes, FY,
                           ds.config.crime_groups)[0], ds, (7, 30, 90, 365), 365, 5)
    fam.headlines = res.headlines
    audited = DA.audit(fam.system())
    assert len(audited) and (audited["high"] - audited["low"] >= 1).all()
    # ... and by the attacker written here, for whatever of the distribution is still published
    for name in ("All crime", "Hate crime"):
        d = res.distribution[res.distribution["subset"] == name]
        if d["victims"].notna().any():
            for band, (lo, hi) in attack_subset(res.table.loc[name].to_dict(), d).items():
                assert hi - lo >= 1, (name, band, lo, hi)
    # the audit hid the pairs of hate crime — and of all crime, which is the same crimes here, so
    # its pairs would give them away — leaving by hand: x1 + x2 = 10 victims, x1 "[c]" (5 or more),
    # x2 "<5": x2 = repeat victims is 1..4, the most the mark allows
    assert res.table.loc["Hate crime", "pairs"] == "[c]" and res.table.loc["All crime", "pairs"] == "[c]"
    r = audited.set_index("cell")
    assert r.loc["Hate crime|R", ["low", "high"]].tolist() == [1, 4]
    assert r.loc["Hate crime|x2", ["low", "high"]].tolist() == [1, 4]
    assert any("disclosure audit" in s and "Hate crime: victim–crime pairs" in s for s in W.suppressed(res))


# ---------------------------------------------------------------------------------------------
# the demo: every hidden distribution cell recovered before, none after
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    from assessment.config import load_config
    from assessment.demo import ensure_demo
    from assessment.loaders import load_dataset
    cfg = load_config(ROOT / "assessment.yml")
    ensure_demo(cfg)
    ds = load_dataset(cfg, year=2024)
    raw, dist, _ = V.repeat_table(ds.victims, ds.crimes, ds.period, ds.config.crime_groups)
    return ds, raw, dist, V.analyse(ds)


def test_demo_distribution_was_recoverable_under_the_suppression_rules(demo):
    ds, raw, dist, _ = demo
    table, _ = V.publishable_table(raw, min_count=5)
    pub, k = V.publishable_distribution(dist, 5)
    truth = dist.set_index(["subset", "crimes_per_victim"])["victims"]
    hidden = 0
    for name in table.index:
        d = pub[pub["subset"] == name]
        got = attack_subset(table.loc[name].to_dict(), d)
        for band, (lo, hi) in got.items():
            hidden += 1
            assert lo == hi == truth[(name, band)], (name, band, lo, hi)   # recovered exactly
    assert hidden == 10 and k == 20          # 10 victims cells (and their 10 pairs cells), every one
    # e.g. burglary: 1160 victims, 54 repeat, 1225 pairs, share of pairs 119/1225; bands 1 = 1106,
    # 2 = 45, 4 = 0: x3 + x5 = 9 and 3·x3 + p5 = 29 with p5 ≥ 5·x5 -> x5 ≤ 1 -> x5 = 1, x3 = 8
    assert (truth[("Burglary", "3")], truth[("Burglary", "5+")]) == (8, 1)
    fam = V.victims_family(table, pub, raw, ds, (7, 30, 90, 365), 365, 5)
    res = DA.audit(fam.system())
    assert len(res) == 20 and not res["protected"].any()


def test_demo_distribution_is_protected_after_the_audit(demo):
    ds, raw, dist, res = demo
    a = res.audit["repeat_victim_distribution"]
    assert (a["determined_before"], a["determined_after"]) == (20, 0)
    assert a["extra"] >= 1 and a["audited"] >= 10
    fam = V.victims_family(res.table, res.distribution, raw, ds, (7, 30, 90, 365), 365, 5)
    fam.headlines = res.headlines
    audited = DA.audit(fam.system())
    assert len(audited) == a["audited"] + res.audit["repeat_victims"]["audited"]
    assert (audited["high"] - audited["low"] >= 1).all()
    truth = dist.set_index(["subset", "crimes_per_victim"])["victims"]
    checked = 0
    for name in res.table.index:
        d = res.distribution[res.distribution["subset"] == name]
        if not d["victims"].notna().any():
            continue                         # withdrawn: not published at all
        for band, (lo, hi) in attack_subset(res.table.loc[name].to_dict(), d).items():
            assert hi - lo >= 1 and lo <= truth[(name, band)] <= hi, (name, band, lo, hi)
            checked += 1
    assert checked >= 5
    # the big subsets are untouched
    assert res.distribution[res.distribution["subset"] == "All crime"]["victims"].tolist() == [7473, 383, 168, 56, 46]
    assert res.headlines["victims.victims"] == 8126 and res.headlines["victims.repeat_victims"] == 653


# ---------------------------------------------------------------------------------------------
# offenders: a secondary "[c]" that is 5 with a primary of 1 is pinned by the total
# ---------------------------------------------------------------------------------------------
def _wards(counts: dict) -> pd.DataFrame:
    t = pd.DataFrame({"ward_code": pd.array([f"W{i}" for i in range(len(counts))], dtype="string"),
                      "ward_name": list(counts), "offenders": list(counts.values())})
    t = pd.concat([t, pd.DataFrame({"ward_code": pd.array([pd.NA, pd.NA], dtype="string"),
                                    "ward_name": [O.OUTSIDE, O.NOT_RECORDED], "offenders": [0, 0]})],
                  ignore_index=True)
    n = int(t["offenders"].sum())
    t["share"] = t["offenders"] / n
    pub, _ = O.suppress_counts(t, ["offenders"], {"share": "offenders"}, min_count=5, total=True)
    total = pd.DataFrame({"ward_code": pd.array([pd.NA], dtype="string"), "ward_name": ["Total"],
                          "offenders": [n], "share": [1.0]})
    return pd.concat([pub, total], ignore_index=True), n


def test_ward_secondary_cell_pinned_by_its_mark_and_the_total_then_protected():
    # sorted as published: North 20, East 8, South 5, West 1 (34 offenders)
    pub, n = _wards({"North": 20, "East": 8, "South": 5, "West": 1})
    assert pub["offenders"].tolist()[:4] == [20, 8, "[c]", "<5"]
    # by hand: South + West = 34 − 20 − 8 = 6, South ("[c]", not small) ≥ 5, West ≥ 1: 5 and 1
    fam = DA.OffendersFamily(wards=pub, n=n)
    res = DA.audit(fam.system()).set_index("label")
    assert res.loc["South: offenders", ["low", "high"]].tolist() == [5, 5]
    assert res.loc["West: offenders", ["low", "high"]].tolist() == [1, 1]
    out = DA.protect(fam)
    assert out["offender_wards"].determined_before == 2 and out["offender_wards"].extra == 1
    assert fam.wards["offenders"].tolist()[:4] == [20, "[c]", "[c]", "<5"]   # East, the next smallest, too
    # by hand: East + South + West = 14, East ≥ South ≥ West (the order rows are published in),
    # East, South ≥ 5, West 1..4: West 1..4, South 5..6, East 5..8
    res = DA.verify(fam).set_index("label")
    assert res.loc["West: offenders", ["low", "high"]].tolist() == [1, 4]
    assert res.loc["South: offenders", ["low", "high"]].tolist() == [5, 6]
    assert res.loc["East: offenders", ["low", "high"]].tolist() == [5, 8]
    assert fam.wards["share"].isna().tolist()[:4] == [False, True, True, True]


# ---------------------------------------------------------------------------------------------
# ASB: 40 calls with a caller from 31 callers leave room for one repeat caller only
# ---------------------------------------------------------------------------------------------
def test_repeat_callers_pinned_by_calls_and_callers_then_protected():
    s = {"period": "2024/25", "calls": 60, "calls_with_caller": 40, "callers": 31, "repeat_callers": 1,
         "repeat_caller_calls": 10, "repeat_caller_call_share": 0.25, "repeat_caller_share_all_calls": 1 / 6,
         "repeat_caller_share": 1 / 31}
    table, _ = V.publishable([s], 5)
    assert table.iloc[0][["callers", "repeat_callers", "repeat_caller_calls"]].tolist() == [31, "<5", "[c]"]
    # by hand: a repeat caller made 10+ calls and every other caller at least 1, so
    # 10·R ≤ C ≤ 40 − (31 − R): 9·R ≤ 9 -> R = 1, C = 10
    fam = DA.ASBFamily(table, 5, 10, 24)
    res = DA.audit(fam.system()).set_index("cell")
    assert res.loc["2024/25|R", ["low", "high"]].tolist() == [1, 1]
    assert res.loc["2024/25|C", ["low", "high"]].tolist() == [10, 10]
    DA.protect(fam)
    assert fam.table.iloc[0]["callers"] == "[c]"
    # callers hidden (5 or more): 9·R ≤ 40 − K ≤ 35 -> R 1..3
    res = DA.verify(fam).set_index("cell")
    assert res.loc["2024/25|R", ["low", "high"]].tolist() == [1, 3]


def test_a_headline_repeating_a_hidden_count_is_caught():
    s = {"period": "2024/25", "calls": 900, "calls_with_caller": 800, "callers": 300, "repeat_callers": 3,
         "repeat_caller_calls": 40, "repeat_caller_call_share": 0.05, "repeat_caller_share_all_calls": 40 / 900,
         "repeat_caller_share": 0.01}
    table, _ = V.publishable([s], 5)
    fam = DA.ASBFamily(table, 5, 10, 24)
    assert DA.audit(fam.system())["protected"].all()
    fam.headlines = {"victims.repeat_callers": 3}
    with pytest.raises(DA.AuditError, match="repeat callers"):
        DA.verify(fam)


# ---------------------------------------------------------------------------------------------
# the rule, the marks and the ledger
# ---------------------------------------------------------------------------------------------
def test_protection_rule_and_what_marks_say():
    s = DA.System(min_count=5)
    s.publish("T", 9)
    s.hide("a", "<5", "t", "a")
    s.hide("b", "[c]", "t", "b")
    s.eq({"T": 1, "a": -1, "b": -1})
    r = DA.audit(s).set_index("cell")
    # a + b = 9, a 1..4, b ≥ 5: a 1..4, b 5..8 — four values each
    assert r.loc["a", ["low", "high"]].tolist() == [1, 4] and r.loc["b", ["low", "high"]].tolist() == [5, 8]
    assert r["protected"].all()
    # with min_count 2 the mark "<2" is itself the value 1: nothing left to protect
    s2 = DA.System(min_count=2)
    s2.hide("a", "<2", "t", "a")
    r2 = DA.audit(s2).iloc[0]
    assert (r2["low"], r2["high"], r2["protected"]) == (1, 1, True)
    # a wider protection rule: a span of 4 for b (5..8 spans 3); a "<5" cell is never asked to
    # span more than its mark (1..4)
    r4 = DA.audit(s, protection=4).set_index("cell")
    assert not r4.loc["b", "protected"] and r4.loc["a", "protected"]


def test_inconsistent_publication_is_refused():
    s = DA.System(min_count=5)
    s.publish("T", 9)
    s.publish("a", 5)
    s.publish("b", 5)
    s.eq({"T": 1, "a": -1, "b": -1}, why="T = a + b")
    with pytest.raises(DA.AuditError, match="T = a \\+ b"):
        DA.audit(s)


def test_the_ledger_lists_each_tables_audit(tmp_path):
    from assessment.disclosure import ledger_table, record
    record(tmp_path, "victims", "repeat_victim_distribution", "t", {"primary": 3, "secondary": 15},
           audit={"audited": 18, "determined_before": 20, "extra": 5, "determined_after": 0})
    record(tmp_path, "offenders", "offender_wards", "w", {"primary": 0, "secondary": 0})
    led = ledger_table(tmp_path).set_index("Table")
    r = led.loc["repeat_victim_distribution.csv"]
    assert r[["Hidden cells audited", "Determinable before the audit", "Hidden further by the audit",
              "Determinable now", "Audit"]].tolist() == [18, 20, 5, 0, "passed"]
    assert led.loc["offender_wards.csv", "Audit"] == "not audited"
    from assessment.words.appendix import suppression_text
    text = suppression_text(led.reset_index())
    assert "Under the suppression rules alone, 20 hidden cells could have been worked out, so 5 further" in text
    assert "none of the 18 cells hidden now can be worked out" in text and "Not audited: offender_wards.csv" in text


def test_subset_structure_of_the_demo_groups():
    groups = {"Burglary": {"Burglary"}, "Robbery": {"Robbery"}, "Theft from the person": {"Theft from the person"},
              "Vehicle crime": {"Vehicle crime"},
              "Neighbourhood crime": {"Burglary", "Robbery", "Theft from the person", "Vehicle crime"}}
    nested, parts = DA.subset_structure({"All crime": None, "Domestic abuse": "flag", **groups},
                                        {"Burglary", "Robbery", "Theft from the person", "Vehicle crime", "Drugs"})
    assert ("Domestic abuse", "All crime") in nested and ("Burglary", "Neighbourhood crime") in nested
    assert ("Domestic abuse", "Burglary") not in nested
    assert ("Neighbourhood crime", ["Burglary", "Robbery", "Theft from the person", "Vehicle crime"], True) in parts
    assert ("All crime", ["Neighbourhood crime"], False) in parts      # drugs are in no group
