"""Issue 15, items 4-8: ASB and domestic-abuse volumes, the victim profile, crime by IMD decile and ward
profiles.  Every figure is checked against a hand count (pandas, in the test) or the demo's planted truth."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REAL, ROOT, needs_real

from assessment.accounting import Accounting
from assessment.chapters import asb_da, deprivation, victim_profile, ward_profiles
from assessment.chapters import victims as V
from assessment.loaders.deprivation import harmonise, load_imd
from assessment.periods import financial_year
from assessment.stats import deprivation as dep
from assessment.templating import render
from assessment.words import deprivation as dep_words


# -- statistics by hand --------------------------------------------------------------------------------
def test_decile_rates_ratio_and_share_by_hand():
    crimes = pd.Series({"A": 30, "B": 10, "C": 6, "D": 4, "E": 0})
    residents = pd.Series({"A": 1000, "B": 1000, "C": 2000, "D": 1000, "E": 1000})
    deciles = pd.Series({"A": 1, "B": 2, "C": 2, "D": 7, "E": None})   # E: no decile, left out
    t = dep.decile_table(crimes, residents, deciles)
    assert t.index.tolist() == [1, 2, 7]
    assert t["crimes"].tolist() == [30, 16, 4] and t["lsoas"].tolist() == [1, 2, 1]
    assert t["rate_per_1000"].tolist() == pytest.approx([30.0, 16 / 3000 * 1000, 4.0])
    assert dep.rate_ratio(t) == pytest.approx(30.0 / 4.0)                 # decile 1 over decile 7
    assert dep.share_most_deprived(crimes, deciles) == pytest.approx(46 / 50)
    # a decile with an LSOA missing its residents has no rate; then no ratio
    t2 = dep.decile_table(crimes, residents.drop("D"), deciles)
    assert np.isnan(t2.loc[7, "rate_per_1000"]) and dep.rate_ratio(t2) is None


def test_imd_split_merged_and_unchanged_lsoas(tmp_path):
    p = tmp_path / "imd.csv"
    p.write_text("LSOA code (2011),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n"
                 "E01000001,100,1\nE01000002,5000,2\nE01000003,7000,3\nE01000004,30000,10\nE01000009,20000,7\n"
                 "E0100000X,1,1\n")
    lk = pd.DataFrame({"lsoa11": ["E01000001", "E01000002", "E01000002", "E01000003", "E01000004"],
                       "lsoa21": ["E01000001", "E01090001", "E01090002", "E01090003", "E01090003"]})
    acc = Accounting()
    t = load_imd(p, pd.Index(["E01000001", "E01090001", "E01090002", "E01090003", "E01099999"]), lk, acc, [])
    assert t["imd_method"].to_dict() == {"E01000001": "direct", "E01090001": "split", "E01090002": "split",
                                         "E01090003": "merged"}
    assert t.loc["E01090001", "imd_decile"] == 2 and t.loc["E01090002", "imd_decile"] == 2   # parts inherit
    assert t.loc["E01090003", "imd_rank"] == (7000 + 30000) / 2                               # mean of parents
    # 18,500 is nearest E01000009's rank 20,000 (decile 7) among the file's ranks
    assert t.loc["E01090003", "imd_decile"] == 7
    assert "E01099999" not in t.index                                                         # no figure
    f = acc.to_frame().query("input == 'imd'")
    assert int(f["read"].iloc[0]) == 6 and int(f["used"].iloc[0]) == 4
    assert dict(zip(f["reason"], f["rows"])) == {"malformed LSOA code": 1, "outside the area": 1}


def test_imd_2025_on_2021_lsoas_read_directly_and_bad_file_one_line(tmp_path):
    imd = pd.DataFrame({"lsoa_code": ["E01090001"], "imd_rank": [10.0], "imd_decile": pd.array([1], dtype="Int64")})
    assert harmonise(imd, ["E01090001"])["imd_method"].tolist() == ["direct"]
    p = tmp_path / "bad.csv"
    p.write_text("code,score\nE01000001,3\n")
    from assessment.errors import InputError
    with pytest.raises(InputError, match="an LSOA code column"):
        load_imd(p, None, None, Accounting(), [])


# -- the demo: planted truths ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo files (repository copy when current, else generated) loaded for 2024/25."""
    from assessment import demo as D
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    root = ROOT
    if not D.is_current(root):
        root = tmp_path_factory.mktemp("demo")
        D.generate(root)
    d = root / "data" / "demo"
    cfg = tmp_path_factory.mktemp("cfg") / "assessment.yml"
    cfg.write_text("\n".join([
        "area: {name: Demo borough}", "synthetic: true", "inputs:",
        *[f"  {k}: {root / v}" for k, v in (("crimes", "data/demo/crimes.csv"), ("victims", "data/demo/victims.csv"),
                                             ("asb", "data/demo/asb.csv"), ("population", "data/demo/population.csv"),
                                             ("boundaries", "maps/demo/lsoa.gpkg"), ("wards", "maps/demo/lsoa_wards.csv"),
                                             ("imd", "data/demo/imd.csv"))],
        "hotspots: {permutations: 999, max_permutations: 0}"]) + "\n")
    ds = load_dataset(load_config(cfg), year=2024)
    truth = json.loads((d / "truth.json").read_text())
    crimes = pd.read_csv(d / "crimes.csv", dtype={"crime_id": "string"})
    crimes["offence_date"] = pd.to_datetime(crimes["offence_date"])
    asb = pd.read_csv(d / "asb.csv", dtype="string")
    asb["datetime"] = pd.to_datetime(asb["datetime"])
    return ds, truth, crimes, asb, d


FY = [(f"{y}/{str(y + 1)[-2:]}", pd.Timestamp(f"{y}-04-01"), pd.Timestamp(f"{y + 1}-03-31")) for y in range(2020, 2025)]


def test_demo_deprivation_recovers_the_planted_gradient(demo):
    ds, truth, *_ = demo
    res = deprivation.analyse(ds)
    real = truth["deprivation"]["realised"]["2024/25"]
    t = res.table.set_index("imd_decile")
    for d, r in real["by_decile"].items():
        assert (t.loc[int(d), "crimes"], t.loc[int(d), "lsoas"], t.loc[int(d), "population"]) == (
            r["crimes"], r["lsoas"], r["population"]), d
        assert t.loc[int(d), "rate_per_1000"] == pytest.approx(r["rate_per_1000"], rel=1e-12)
    assert res.headlines["deprivation.rate_ratio"] == pytest.approx(real["rate_ratio"], rel=1e-12)
    assert res.headlines["deprivation.share_most_deprived_20pct"] == pytest.approx(real["share_most_deprived_20pct"])
    # the planted gradient: within 15% of the generator's expected ratio, falling with the decile
    expected = truth["deprivation"]["generating"]["expected_rate_ratio_last_year"]
    assert res.rate_ratio == pytest.approx(expected, rel=0.15) and res.rate_ratio > 3
    rho = pd.Series(t.index).corr(pd.Series(t["rate_per_1000"].to_numpy()), method="spearman")
    assert rho < -0.8


def test_demo_asb_trend_equals_a_hand_count(demo):
    ds, truth, _, asb, _ = demo
    res = asb_da.analyse_asb(ds)
    by_hand = [int(((asb["datetime"] >= s) & (asb["datetime"] < e + pd.Timedelta(days=1))).sum()) for _, s, e in FY]
    assert res.trend["period"].tolist() == [f for f, _, _ in FY]
    assert res.trend["count"].tolist() == by_hand
    h = res.headlines
    assert (h["asb.total"], h["asb.previous_total"]) == (by_hand[-1], by_hand[-2])
    assert h["asb.change_pct"] == pytest.approx(by_hand[-1] / by_hand[-2] - 1)
    # by LSOA: the hand count of the year's incidents per LSOA, and Gi* from chapter 2's rule
    s, e = FY[-1][1], FY[-1][2] + pd.Timedelta(days=1)
    per = asb[(asb["datetime"] >= s) & (asb["datetime"] < e)].groupby("lsoa_code").size()
    assert res.lsoa["count"].reindex(per.index).tolist() == per.tolist()
    from assessment.stats.gistar import GI_CLASSES, HOT_AT
    assert res.has_geometry and set(res.lsoa["gi_class"].astype(str)) <= set(GI_CLASSES)
    assert h["asb.hot_spots_95"] == int(res.lsoa["gi_class"].isin(HOT_AT[0.95]).sum())


def test_demo_domestic_abuse_trend_equals_a_hand_count(demo):
    ds, truth, crimes, *_ = demo
    res = asb_da.analyse_da(ds)
    rows = []
    for f, s, e in FY:
        c = crimes[(crimes["offence_date"] >= s) & (crimes["offence_date"] <= e)]
        da = c["domestic_abuse"].astype(str).str.lower().eq("true")
        vi = c["crime_type"].eq("Violence and sexual offences")
        rows.append((int(da.sum()), int(vi.sum()), int((da & vi).sum())))
        assert int(da.sum()) == truth["crime"]["realised"][f]["domestic_abuse"]
    t = res.trend
    assert list(zip(t["count"], t["violence"], t["da_violence"])) == rows
    h = res.headlines
    assert (h["domestic_abuse.total"], h["domestic_abuse.previous_total"]) == (rows[-1][0], rows[-2][0])
    assert h["domestic_abuse.share_of_violence"] == pytest.approx(rows[-1][2] / rows[-1][1])
    # the demo plants 15% of violence as domestic abuse
    assert h["domestic_abuse.share_of_violence"] == pytest.approx(truth["crime"]["domestic_abuse_share"]
                                                                  ["Violence and sexual offences"], abs=0.02)


def test_demo_victim_profile_equals_a_hand_count_and_is_disclosure_safe(demo):
    ds, truth, crimes, _, d = demo
    vi = pd.read_csv(d / "victims.csv", dtype={"crime_id": "string", "victim_id": "string", "sex": "string"})
    s, e = FY[-1][1], FY[-1][2]
    c = crimes[(crimes["offence_date"] >= s) & (crimes["offence_date"] <= e)][["crime_id", "offence_date"]]
    m = vi.merge(c, on="crime_id").sort_values(["victim_id", "offence_date", "crime_id"], kind="mergesort")
    per = m.groupby("victim_id")["crime_id"].nunique()
    first = m.drop_duplicates("victim_id").set_index("victim_id")
    bands = pd.cut(first["age"], [0, 16, 25, 35, 45, 55, 65, 200], right=False,
                   labels=["0-15", "16-24", "25-34", "35-44", "45-54", "55-64", "65+"]).astype(object)
    hand = pd.DataFrame({"band": bands.fillna("Not recorded"), "sex": first["sex"].fillna("Not recorded"),
                         "rep": per.reindex(first.index) >= 2})
    got = victim_profile.profile_counts(ds.victims, ds.crimes, ds.period, victim_profile.AGE_BANDS)
    for _, r in got.iterrows():
        sub = hand[(hand["band"] == r["age_band"]) & (hand["sex"] == r["sex"])]
        assert (r["repeat_victims"], r["other_victims"]) == (int(sub["rep"].sum()), int((~sub["rep"]).sum()))
    assert got["repeat_victims"].sum() == truth["victims"]["realised"]["2024/25"]["all"]["repeat_victims"]
    assert got[["repeat_victims", "other_victims"]].to_numpy().sum() == truth["victims"]["realised"]["2024/25"]["all"]["victims"]
    # published: no count 1-4, and the audit can pin down no hidden cell
    res = victim_profile.analyse(ds, V.analyse(ds))
    for col in ("repeat_victims", "other_victims"):
        assert not res.table[col].map(lambda v: not isinstance(v, str) and 0 < v < 5).any()


def test_victim_profile_audit_hides_what_arithmetic_would_reveal():
    t = pd.DataFrame({"age_band": ["0-15", "16-24", "65+"], "sex": ["Female"] * 3,
                      "repeat_victims": [1, 6, 30], "other_victims": [50, 60, 70]})
    out, n = victim_profile.publishable(t)
    # one "<5" alone would be total - shown: the next smallest (6) goes too, as "[c]"; then 1 + 6 = 7 with
    # "<5" in 1..4 and "[c]" >= 5 would still allow only 1 + 6 (or 2 + 5): protected
    assert out["repeat_victims"].tolist()[:2] == ["<5", "[c]"] and n == 2
    from assessment.chapters.victim_profile import _system
    from assessment.disclosure_audit import audit
    r = audit(_system(out, {"repeat_victims": 37, "other_victims": 180}, 5))
    assert r["protected"].all()


def test_demo_ward_profiles_equal_hand_counts(demo):
    ds, truth, crimes, asb, _ = demo
    dres = deprivation.analyse(ds)
    res = ward_profiles.analyse(ds, dres.deciles)
    lk = pd.Series(truth["geography"]["wards_of_lsoas"])
    s, e = FY[-1][1], FY[-1][2]
    cur = crimes[(crimes["offence_date"] >= s) & (crimes["offence_date"] <= e)]
    by_ward = cur.groupby(cur["lsoa_code"].map(lk)).size()
    t = res.table.set_index("ward_code")
    assert t["crimes"].to_dict() == by_ward.to_dict()
    a = asb[(asb["datetime"] >= s) & (asb["datetime"] < e + pd.Timedelta(days=1))]
    assert t["asb_incidents"].astype(int).to_dict() == a.groupby(a["lsoa_code"].map(lk)).size().to_dict()
    dec = pd.Series(truth["deprivation"]["deciles_by_lsoa"])
    assert t["most_deprived_20pct_lsoas"].astype(int).to_dict() == (dec <= 2).groupby(lk).sum().to_dict()
    w0 = t.index[0]
    top = cur[cur["lsoa_code"].map(lk) == w0]["crime_type"].value_counts()
    top = sorted(top.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    assert t.loc[w0, "top_crime_types"] == "; ".join(k for k, _ in top)
    pop = pd.Series(truth["geography"]["population"]["by_lsoa"])
    assert t.loc[w0, "rate_per_1000"] == pytest.approx(by_ward[w0] / pop.groupby(lk).sum()[w0] * 1000)


def test_ward_profile_block_escapes_names():
    html = render("ward_profiles.html", title="Wards <b>", source="src", note=None,
                  wards=[{"name": "<script>alert(1)</script>", "code": "W1", "lines": [("Crimes", "1 & 2")]}])
    assert "<script>" not in html and "&lt;script&gt;" in html and "1 &amp; 2" in html
    assert "sa-screen-only" in html


def test_not_covered_without_inputs():
    from types import SimpleNamespace
    ds = SimpleNamespace(imd=None, asb=None)
    assert deprivation.analyse(ds).reason == deprivation.NO_IMD
    assert deprivation.analyse(ds).headlines["deprivation.rate_ratio"] is None
    assert dep_words.not_covered(deprivation.analyse(ds))[1] == ["inputs.imd"]


# -- real data: Haringey police.uk burglary with the 2019 IMD on 2011 LSOAs -------------------------------------
@needs_real
def test_real_haringey_deprivation_against_pandas(tmp_path):
    import yaml

    from assessment.config import load_config
    from assessment.loaders import load_dataset
    src = yaml.safe_load((ROOT / "examples" / "haringey-burglary-policeuk.yml").read_text())
    for k, v in src["inputs"].items():
        src["inputs"][k] = str((ROOT / "examples" / v).resolve())
    src["inputs"]["imd"] = str(REAL / "deprivation" / "imd2019_file1_lsoa11_england.csv")
    (tmp_path / "a.yml").write_text(yaml.safe_dump(src))
    ds = load_dataset(load_config(tmp_path / "a.yml"), year=2023)
    res = deprivation.analyse(ds)
    # independently: IMD File 1 and the ONS lookup with pandas; a split 2011 LSOA's parts take its decile
    imd = pd.read_csv(REAL / "deprivation" / "imd2019_file1_lsoa11_england.csv")
    imd = imd.set_index("LSOA code (2011)")["Index of Multiple Deprivation (IMD) Decile"]
    lk = pd.read_csv(REAL / "lookups" / "ons_lsoa11_to_lsoa21_to_lad22_exactfit_haringey.csv")
    assert set(lk["CHGIND"]) <= {"U", "S"}                       # Haringey: no merges
    dec21 = lk.assign(d=lk["LSOA11CD"].map(imd)).set_index("LSOA21CD")["d"]
    fy = financial_year(2023)
    c = ds.crimes[fy.contains(ds.crimes["month"]) & ds.crimes["lsoa_code"].notna()]
    per = c.groupby("lsoa_code")["count"].sum().reindex(dec21.index, fill_value=0)
    pop = ds.population.reindex(dec21.index)
    hand = pd.DataFrame({"crimes": per.groupby(dec21).sum(), "population": pop.groupby(dec21).sum()})
    hand["rate"] = hand["crimes"] / hand["population"] * 1000
    t = res.table.set_index("imd_decile")
    assert t.index.tolist() == hand.index.tolist()
    assert t["crimes"].tolist() == hand["crimes"].tolist()
    assert t["rate_per_1000"].to_numpy() == pytest.approx(hand["rate"].to_numpy(), rel=1e-12)
    assert res.rate_ratio == pytest.approx(hand["rate"].iloc[0] / hand["rate"].iloc[-1])
    assert res.share_20 == pytest.approx(hand.loc[[1, 2], "crimes"].sum() / hand["crimes"].sum())
    assert res.methods == {"direct": 143, "split": 4} and res.lsoas_without == 0
    assert Path(REAL).exists()
