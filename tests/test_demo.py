"""The synthetic demo borough (§9): determinism, the planted truths, the file schemas (§3).

The truths in ``truth.json`` are recomputed here from the generated CSVs with
deliberately plain, independent code (loops, Counters, brute-force windows),
so a mistake in the generator's own bookkeeping cannot pass unnoticed.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from assessment import demo

ROOT = Path(__file__).resolve().parents[1]
POLICE_UK_TYPES = {"Violence and sexual offences", "Public order", "Shoplifting", "Other theft", "Vehicle crime",
                   "Criminal damage and arson", "Burglary", "Robbery", "Theft from the person", "Bicycle theft",
                   "Drugs", "Possession of weapons", "Other crime"}
HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context"


# -- fixtures: one demo made by two processes racing ensure_demo, one made by generate() ---------------
_RACE = """
import sys, json
from pathlib import Path
from types import SimpleNamespace
from assessment.demo import ensure_demo
print(json.dumps(ensure_demo(SimpleNamespace(demo=True, root=Path(sys.argv[1])))))
"""


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory):
    """Two processes call ensure_demo on the same empty folder at once: exactly one generates."""
    root = tmp_path_factory.mktemp("demo-a")
    procs = [subprocess.Popen([sys.executable, "-c", _RACE, str(root)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
    generated = sorted(json.loads(out.strip().splitlines()[-1]) for out, _ in outs)
    assert generated == [False, True], generated
    assert demo.is_current(root)
    return root


@pytest.fixture(scope="session")
def truth(demo_root):
    return json.loads((demo_root / "data/demo/truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def crimes(demo_root):
    c = pd.read_csv(demo_root / "data/demo/crimes.csv", dtype=str, keep_default_na=False)
    c["date"] = pd.to_datetime(c["offence_date"], format="%Y-%m-%d")
    c["fy"] = c["date"].dt.year - (c["date"].dt.month < 4)
    return c


@pytest.fixture(scope="session")
def offenders(demo_root):
    return pd.read_csv(demo_root / "data/demo/offenders.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def victims(demo_root):
    return pd.read_csv(demo_root / "data/demo/victims.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def asb(demo_root):
    return pd.read_csv(demo_root / "data/demo/asb.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def lsoas(demo_root):
    import geopandas as gpd
    return gpd.read_file(demo_root / "maps/demo/lsoa.gpkg")


@pytest.fixture(scope="session")
def queen(lsoas):
    from libpysal.weights import Queen
    return Queen.from_dataframe(lsoas.set_index("LSOA21CD"), use_index=True, silence_warnings=True)


def _files(root: Path) -> dict:
    out = {}
    for sub in ("data/demo", "maps/demo"):
        for p in sorted((root / sub).rglob("*")):
            if p.is_file():
                out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


# -- determinism and ensure_demo -------------------------------------------------------------------
def test_same_seed_gives_byte_identical_files(demo_root):
    """Two builds with the demo's seed, in different folders and processes — this session's (the
    race above) and the project's own (``ensure_demo``, as ``make report`` makes it) — are byte for
    byte the same."""
    demo.ensure_demo(SimpleNamespace(demo=True, root=ROOT))
    a, b = _files(demo_root), _files(ROOT)
    assert sorted(a) == sorted(b)
    different = [k for k in a if a[k] != b[k]]
    assert different == []
    # every file except truth.json is listed in truth.json with its size and hash
    truth = json.loads(a["data/demo/truth.json"])
    assert set(truth["files"]) == set(a) - {"data/demo/truth.json"}
    assert truth["geography"]["lsoas"] == 150 and truth["geography"]["wards"] == 20
    assert sum(k.startswith("data/demo/police-uk/") for k in a) == 72
    assert not list(demo_root.glob("data/.demo-build-*")), "the build folder was not cleaned up"


def test_ensure_demo_regenerates_only_when_stale(demo_root):
    cfg = SimpleNamespace(demo=True, root=demo_root)
    assert demo.ensure_demo(cfg) is False                       # current: nothing to do
    assert demo.ensure_demo(SimpleNamespace(demo=False, root=demo_root / "nowhere")) is False
    tp = demo_root / "data/demo/truth.json"
    original = tp.read_bytes()
    try:
        t = json.loads(original)
        t["generator_version"] = demo.GENERATOR_VERSION - 1      # written by an older generator
        tp.write_text(json.dumps(t))
        assert not demo.is_current(demo_root)
    finally:
        tp.write_bytes(original)
    assert demo.is_current(demo_root)
    gw = demo_root / "maps/demo/lsoa_wards.csv"
    data = gw.read_bytes()
    try:
        gw.write_bytes(data[:-10])                               # a truncated file
        assert not demo.is_current(demo_root)
    finally:
        gw.write_bytes(data)


# -- geography -------------------------------------------------------------------------------------------
def test_geography_island_and_contiguity(lsoas, queen, truth):
    assert len(lsoas) == 150 and lsoas.crs.to_epsg() == 27700
    assert lsoas.geometry.is_valid.all()
    assert queen.islands == [truth["geography"]["island"]]
    card = pd.Series(queen.cardinalities)
    sensible = card.between(4, 8).mean()
    assert sensible >= 0.85, card.value_counts().sort_index().to_dict()
    # the generator's own queen rule (no libpysal) agrees with libpysal's
    mine = demo._queen(lsoas)
    assert {k: sorted(v) for k, v in queen.neighbors.items()} == mine
    # polygons tile without overlaps: the union's area equals the sum of the areas
    assert abs(lsoas.geometry.union_all().area - lsoas.area.sum()) < 1.0


def test_codes_and_wards(demo_root, lsoas):
    codes = lsoas["LSOA21CD"].tolist()
    assert codes == [f"E019{k:05d}" for k in range(1, 151)]         # outside every real LSOA range
    assert all(re.fullmatch(r"Demoborough \d{3}[A-E]", n) for n in lsoas["LSOA21NM"])
    wards = pd.read_csv(demo_root / "maps/demo/lsoa_wards.csv", dtype=str, keep_default_na=False)
    assert list(wards.columns) == ["LSOA21CD", "LSOA21NM", "LSOA21NMW", "WD24CD", "WD24NM", "WD24NMW",
                                   "LAD24CD", "LAD24NM", "LAD24NMW", "ObjectId"]
    assert wards["LSOA21CD"].tolist() == codes
    assert wards["WD24CD"].nunique() == 20 and set(wards["WD24NM"]) == set(demo.WARD_NAMES)
    assert wards["WD24CD"].str.fullmatch(r"E059\d{5}").all() and set(wards["LAD24CD"]) == {"E06900001"}
    assert wards.groupby("WD24CD").size().between(3, 15).all()


def test_planted_clusters_are_contiguous_queen_blocks(truth, queen):
    clusters = truth["hotspots"]["clusters"]
    assert [c["pattern"] for c in clusters] == ["persistent", "emerging", "diminishing"]
    seen = set()
    for c in clusters:
        core, members, ring = c["core"], set(c["members"]), set(c["ring"])
        assert members == {core, *queen.neighbors[core]}            # core + its queen neighbours
        assert 6 <= len(members) <= 10
        # contiguous: every member is reachable from the core through members
        todo, reached = [core], {core}
        while todo:
            for n in queen.neighbors[todo.pop()]:
                if n in members and n not in reached:
                    reached.add(n)
                    todo.append(n)
        assert reached == members
        assert ring == set().union(*(set(queen.neighbors[m]) for m in members)) - members
        assert not (members | ring) & seen                           # clusters and rings do not overlap
        seen |= members | ring
    assert truth["geography"]["island"] not in seen
    assert truth["geography"]["town_centre"][0] == clusters[0]["core"]
    assert truth["geography"]["town_centre"][1] in clusters[0]["members"]


def test_planted_patterns_show_in_the_counts(truth, crimes):
    """Members' yearly counts follow the planted multipliers (ratio to the median LSOA)."""
    years = truth["period"]["years"]
    counts = crimes.groupby(["fy", "lsoa_code"]).size().unstack(fill_value=0)
    med = counts.median(axis=1)
    by = {c["pattern"]: c for c in truth["hotspots"]["clusters"]}
    ratio = {p: [counts.loc[2019 + i, by[p]["members"]].mean() / med[2019 + i] for i in range(6)] for p in by}
    assert all(r > 2.5 for r in ratio["persistent"])
    assert all(r < 1.5 for r in ratio["emerging"][:4]) and ratio["emerging"][4] > 2.5
    assert ratio["emerging"][5] > ratio["emerging"][4]
    # fading: the planted multiplier falls 6% a year, less than the year-to-year noise of a
    # ratio of Poisson means to a median, so test the trend, not every single step
    tau = stats.kendalltau(range(6), ratio["diminishing"]).statistic
    assert tau <= -0.6 and ratio["diminishing"][0] > 1.25 * ratio["diminishing"][5]
    assert ratio["diminishing"][5] > 2.5                                                 # but still hot
    for p in by:
        assert list(by[p]["multipliers_by_year"]) == years


def test_town_centre_has_the_highest_rates(demo_root, truth, crimes):
    pop = pd.read_csv(demo_root / "data/demo/population.csv", dtype={"lsoa_code": str}).set_index("lsoa_code")["population"]
    town = truth["geography"]["town_centre"]
    assert (pop[town] < 1000).all()
    others = pop.drop(town)
    assert others.between(1200, 2500).all()
    rate = crimes[crimes["fy"] == 2024].groupby("lsoa_code").size() / pop * 1000
    assert set(rate.nlargest(2).index) == set(town)


# -- crimes -----------------------------------------------------------------------------------------------------
def test_crimes_schema_and_points_inside_their_lsoa(crimes, lsoas):
    import shapely
    assert list(crimes.columns[:7]) == ["crime_id", "offence_date", "crime_type", "lsoa_code", "easting",
                                        "northing", "domestic_abuse"]
    assert crimes["crime_id"].is_unique and crimes["crime_id"].str.fullmatch(r"DB\d{6}").all()
    assert crimes["offence_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert crimes["date"].min() >= pd.Timestamp("2019-04-01") and crimes["date"].max() <= pd.Timestamp("2025-03-31")
    assert set(crimes["crime_type"]) == POLICE_UK_TYPES
    assert set(crimes["domestic_abuse"]) == {"true", "false"}
    geom = lsoas.set_index("LSOA21CD").geometry
    assert crimes["lsoa_code"].isin(geom.index).all()
    inside = shapely.contains_xy(np.asarray(geom.loc[crimes["lsoa_code"]].values),
                                 crimes["easting"].astype(float), crimes["northing"].astype(float))
    assert inside.all()
    per_year = crimes.groupby("fy").size()
    assert per_year.between(12000, 20000).all(), per_year.to_dict()
    share = crimes["crime_type"].value_counts(normalize=True)
    assert 0.30 <= share["Violence and sexual offences"] <= 0.40
    viol = crimes[crimes["crime_type"] == "Violence and sexual offences"]
    assert 0.12 <= (viol["domestic_abuse"] == "true").mean() <= 0.18


def test_truth_crime_totals_and_planted_change(truth, crimes):
    for y, label in enumerate(truth["period"]["years"]):
        c = crimes[crimes["fy"] == 2019 + y]
        real = truth["crime"]["realised"][label]
        assert real["total"] == len(c)
        assert real["by_type"] == {t: int((c["crime_type"] == t).sum()) for t in demo.TYPES}
        assert real["domestic_abuse"] == int((c["domestic_abuse"] == "true").sum())
        assert truth["crime"]["realised_by_lsoa"][label] == {
            k: int(v) for k, v in c.groupby("lsoa_code").size().reindex(sorted(truth["crime"]["realised_by_lsoa"][label]), fill_value=0).items()}
    exp = truth["crime"]["expected"]
    assert exp["2024/25"]["by_type"]["Shoplifting"] == pytest.approx(1.2 * exp["2023/24"]["by_type"]["Shoplifting"], rel=1e-6)
    real = truth["crime"]["realised"]
    change = real["2024/25"]["by_type"]["Shoplifting"] / real["2023/24"]["by_type"]["Shoplifting"] - 1
    # Poisson counts of ~1,400: the realised change is within 0.2 +/- 3 standard errors (~0.06)
    assert 0.12 < change < 0.28


# -- offenders ----------------------------------------------------------------------------------------------
def _shares_by_hand(crimes, offenders, fy):
    """Top p% shares, written out longhand (the definitions in truth.json)."""
    in_year = set(crimes.loc[crimes["fy"] == fy, "crime_id"])
    per = defaultdict(set)
    for cid, oid in zip(offenders["crime_id"], offenders["offender_id"]):
        if cid in in_year:
            per[oid].add(cid)
    ranked = sorted(per, key=lambda o: (-len(per[o]), o))
    linked = set().union(*per.values())
    out = {}
    for p in (1, 5, 10, 20):
        k = math.ceil(p * len(ranked) / 100)                        # exact: p*N is an integer product
        assert k == -(-p * len(ranked) // 100)
        top = set().union(*(per[o] for o in ranked[:k]))
        out[str(p)] = (k, len(top), len(top) / len(linked), len(top) / len(in_year))
    return len(ranked), len(linked), len(in_year), out


def test_offender_shares_match_an_independent_count(truth, crimes, offenders):
    for y, label in enumerate(truth["period"]["years"]):
        n, linked, total, shares = _shares_by_hand(crimes, offenders, 2019 + y)
        t = truth["offenders"]["realised"][label]
        assert (t["offenders"], t["linked_crimes"], t["all_crimes"]) == (n, linked, total)
        for p, (k, c, s_linked, s_all) in shares.items():
            got = t["top_share"][p]
            assert (got["offenders"], got["crimes"]) == (k, c)
            assert got["linked"] == pytest.approx(s_linked, abs=1e-12)
            assert got["all"] == pytest.approx(s_all, abs=1e-12)
    top = truth["offenders"]["realised"]["2024/25"]["top_share"]
    assert 0.10 <= top["1"]["linked"] <= 0.15                       # the planted heavy tail
    assert 0.35 <= top["10"]["linked"] <= 0.45


def test_offender_ties_are_broken_by_id(truth, crimes, offenders):
    """At the top-20% cut there are ties on crimes; the cut takes the lower offender ids."""
    in_year = set(crimes.loc[crimes["fy"] == 2024, "crime_id"])
    per = Counter(offenders.loc[offenders["crime_id"].isin(in_year)].drop_duplicates(["crime_id", "offender_id"])["offender_id"])
    k = truth["offenders"]["realised"]["2024/25"]["top_share"]["20"]["offenders"]
    ranked = sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))
    cut = ranked[k - 1][1]
    tied = sorted(o for o, v in per.items() if v == cut)
    assert len(tied) > 1 and ranked[k - 1][0] in tied             # the cut falls inside a tie
    inside = [o for o, _ in ranked[:k] if per[o] == cut]
    assert inside == tied[:len(inside)]


def test_offenders_schema_and_profile(offenders, crimes):
    assert list(offenders.columns) == ["crime_id", "offender_id", "age", "sex", "home_lsoa"]
    assert offenders["offender_id"].str.fullmatch(r"OFF-\d{6}").all()
    assert offenders["crime_id"].isin(set(crimes["crime_id"])).all()
    assert not offenders.duplicated(["crime_id", "offender_id"]).any()
    assert offenders["home_lsoa"].str.fullmatch(r"(E019\d{5})?").all()
    outside = offenders["home_lsoa"].str.startswith("E01909")
    assert 0.03 < outside.mean() < 0.15                              # some live outside the borough
    assert set(offenders["sex"]) == {"Male", "Female"}
    share_linked = offenders["crime_id"].nunique() / len(crimes)
    assert 0.35 <= share_linked <= 0.45
    assert (offenders.groupby("crime_id").size() == 2).any()        # co-offending
    ages = pd.to_numeric(offenders.drop_duplicates("offender_id")["age"], errors="coerce").dropna()
    bands = pd.cut(ages, [0, 16, 25, 35, 45, 120], right=False).value_counts()
    assert bands.idxmax().left == 16                                 # 16-24 is the peak age band


# -- victims ------------------------------------------------------------------------------------------------------
def test_repeat_victim_rates_match_an_independent_count(truth, crimes, victims):
    c = crimes.set_index("crime_id")
    v = victims.join(c[["fy", "domestic_abuse", "date"]], on="crime_id")
    for label, sub in (("all", v), ("domestic_abuse", v[v["domestic_abuse"] == "true"])):
        year = sub[sub["fy"] == 2024]
        per = Counter()
        for vid, cids in year.groupby("victim_id")["crime_id"]:
            per[vid] = len(set(cids))
        rep = sum(1 for n in per.values() if n >= 2)
        t = truth["victims"]["realised"]["2024/25"][label]
        assert (t["victims"], t["repeat_victims"]) == (len(per), rep)
        assert t["repeat_rate"] == pytest.approx(rep / len(per), abs=1e-12)
        # look-back by hand: previous crime of the same victim (in this subset) within 365 days
        repeats = 0
        for _vid, g in sub.sort_values(["date", "crime_id"]).groupby("victim_id"):
            prev = None
            for d, fy in zip(g["date"], g["fy"]):
                if fy == 2024 and prev is not None and (d - prev).days <= 365:
                    repeats += 1
                prev = d
        assert t["lookback_repeat_pairs"] == repeats
    da = truth["victims"]["realised"]["2024/25"]["domestic_abuse"]["repeat_rate"]
    allr = truth["victims"]["realised"]["2024/25"]["all"]["repeat_rate"]
    assert 0.22 <= da <= 0.35 and da > 2 * allr                     # DA victims repeat more


def test_victims_have_the_planted_edge_cases(truth, crimes, victims):
    assert list(victims.columns) == ["crime_id", "victim_id", "age", "sex"]
    assert victims["victim_id"].str.fullmatch(r"VIC-\d{6}").all()
    c = crimes.set_index("crime_id")
    assert set(c.loc[victims["crime_id"], "crime_type"]) == set(demo.VICTIM_TYPES)
    assert (victims.groupby("crime_id").size() == 2).any()          # crimes with two victims
    t = truth["victims"]["realised"]["2024/25"]["all"]
    assert t["same_day_repeat_pairs"] > 0                           # a victim twice on one day
    assert t["lookback_repeats_with_previous_crime_before_year"] > 0
    ttr = t["time_to_repeat"]
    assert ttr["30"] > 0.5 and ttr["7"] < ttr["30"] < ttr["90"] <= ttr["365"] == 1.0   # front-loaded


# -- ASB -------------------------------------------------------------------------------------------------------------
def _repeat_callers_by_hand(asb, start: date, end: date):
    days = defaultdict(list)
    for cid, dt in zip(asb["caller_id"], asb["datetime"]):
        d = date.fromisoformat(dt[:10])
        if cid and start <= d <= end:
            days[cid].append(d)
    out = set()
    for cid, ds in days.items():
        ds.sort()
        for first in ds:                                    # any window [first, first + 167 days]
            if sum(1 for d in ds if first <= d <= first + timedelta(days=167)) >= 10:
                out.add(cid)
                break
    return out


def test_repeat_callers_and_their_edge_cases(truth, asb):
    assert list(asb.columns) == ["incident_id", "datetime", "caller_id", "lsoa_code"]
    assert asb["incident_id"].is_unique
    assert asb["datetime"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").all()
    assert asb["caller_id"].str.fullmatch(r"(CALL-\d{6})?").all()
    assert (asb["caller_id"] == "").any()                           # anonymous calls
    for y, label in enumerate(truth["period"]["years"]):
        found = _repeat_callers_by_hand(asb, date(2019 + y, 4, 1), date(2020 + y, 3, 31))
        assert truth["asb"]["realised"][label]["repeat_callers"] == len(found)
    found = _repeat_callers_by_hand(asb, date(2024, 4, 1), date(2025, 3, 31))
    planted = {p["kind"]: p for p in truth["asb"]["planted_callers"] if p["year"] == "2024/25"}
    assert {"edge_in_167_days", "near_miss_9_calls", "near_miss_25_weeks", "edge_out_168_days"} <= set(planted)
    for _kind, p in planted.items():
        calls = sorted(asb.loc[asb["caller_id"] == p["caller_id"], "datetime"])
        assert len(calls) == p["calls"]
        span = (date.fromisoformat(calls[-1][:10]) - date.fromisoformat(calls[0][:10])).days
        assert span == p["span_days"]
        assert (p["caller_id"] in found) == p["counted"]
    assert planted["edge_in_167_days"]["counted"] and planted["edge_in_167_days"]["span_days"] == 167
    assert not planted["edge_out_168_days"]["counted"] and planted["edge_out_168_days"]["span_days"] == 168
    assert planted["near_miss_9_calls"]["calls"] == 9 and not planted["near_miss_9_calls"]["counted"]
    assert planted["near_miss_25_weeks"]["span_days"] == 175 and not planted["near_miss_25_weeks"]["counted"]
    # datetime-based rules agree at the edges: the 168-day caller's calls are more than 168 x 24 h apart
    e = sorted(asb.loc[asb["caller_id"] == planted["edge_out_168_days"]["caller_id"], "datetime"])
    assert pd.Timestamp(e[-1]) - pd.Timestamp(e[0]) > pd.Timedelta(days=168)
    e = sorted(asb.loc[asb["caller_id"] == planted["edge_in_167_days"]["caller_id"], "datetime"])
    assert pd.Timestamp(e[-1]) - pd.Timestamp(e[0]) < pd.Timedelta(days=167)


# -- population, police.uk -------------------------------------------------------------------------------------
def test_population_schema(demo_root, lsoas):
    pop = pd.read_csv(demo_root / "data/demo/population.csv", dtype={"lsoa_code": str})
    assert list(pop.columns) == ["lsoa_code", "population"]
    assert pop["lsoa_code"].tolist() == lsoas["LSOA21CD"].tolist()
    assert pop["population"].dtype.kind == "i" and (pop["population"] > 0).all()


def test_police_uk_export(demo_root, crimes, asb, truth):
    files = sorted((demo_root / "data/demo/police-uk").glob("*-demo-street.csv.gz"))
    assert [f.name[:7] for f in files] == truth["period"]["police_uk_months"]
    assert len(files) == 72
    rows = []
    for f in files:
        text = gzip.decompress(f.read_bytes()).decode("utf-8")
        assert text.splitlines()[0] == HEADER
        r = list(csv.DictReader(io.StringIO(text)))
        assert {x["Month"] for x in r} == {f.name[:7]}
        rows += r
    df = pd.DataFrame(rows)
    assert len(df) == len(crimes) + len(asb)
    crime_rows = df[df["Crime ID"] != ""]
    assert crime_rows["Crime ID"].str.fullmatch(r"[0-9a-f]{64}").all() and crime_rows["Crime ID"].is_unique
    assert len(crime_rows) == len(crimes)
    asb_rows = df[df["Crime ID"] == ""]
    assert set(asb_rows["Crime type"]) == {"Anti-social behaviour"} and len(asb_rows) == len(asb)
    assert set(df["Reported by"]) == set(df["Falls within"]) == {"Demoborough Police (synthetic)"}
    assert df["Location"].str.startswith("On or near ").all()
    assert df["Longitude"].str.fullmatch(r"-\d\.\d{6}").all() and df["Latitude"].str.fullmatch(r"5\d\.\d{6}").all()
    # the same crimes: counts by month, LSOA and type agree with the extract
    a = crime_rows.groupby(["Month", "LSOA code", "Crime type"]).size()
    b = crimes.assign(Month=crimes["offence_date"].str[:7]).groupby(["Month", "lsoa_code", "crime_type"]).size()
    b.index.names = a.index.names
    assert a.sort_index().equals(b.sort_index())
    # anonymised map points: a limited set per LSOA, so repeat locations exist
    points = df.groupby("LSOA code")[["Longitude", "Latitude"]].nunique()
    assert points["Longitude"].max() <= 40
    top = crime_rows[crime_rows["Month"].str[:4] == "2024"].groupby(["Longitude", "Latitude"]).size()
    assert top.max() >= 20


# -- labelling ---------------------------------------------------------------------------------------------------
def test_everything_says_synthetic(demo_root, truth, lsoas):
    assert truth["synthetic"] is True and truth["seed"] == demo.DEFAULT_SEED
    assert truth["generator_version"] == demo.GENERATOR_VERSION
    for readme in ("data/demo/README.md", "maps/demo/README.md"):
        text = (demo_root / readme).read_text(encoding="utf-8")
        assert "SYNTHETIC — generated by `assessment demo`, not real data" in text
    assert truth["note"].startswith("SYNTHETIC") and "synthetic" in truth["area"]["name"]
    assert lsoas["LSOA21NM"].str.startswith("Demoborough ").all()
    for key in ("offender_shares", "repeat_victims", "repeat_asb_callers"):
        assert len(truth["definitions"][key]) > 100


def test_demo_config(tmp_path):
    from assessment.config import load_config
    cfg = load_config(ROOT / "assessment.yml", check_files=False)
    assert cfg.synthetic and cfg.demo and "synthetic" in cfg.area.name.lower()
    assert cfg.period == "financial" and cfg.disclosure.min_count == 5
    # the demo states the significance rule's defaults (issue 12): FDR-adjusted classes, 9,999 permutations
    assert (cfg.hotspots.fdr, cfg.hotspots.permutations, cfg.hotspots.max_permutations, cfg.hotspots.seed) == \
        (True, 9999, 99999, 20240401)
    assert cfg.inputs.crimes == ROOT / "data/demo/crimes.csv"
    assert cfg.inputs.boundaries == ROOT / "maps/demo/lsoa.gpkg"
    assert cfg.inputs.targets == ROOT / "data/demo-targets.yml"
    used = set().union(*cfg.crime_groups.values())
    assert used <= POLICE_UK_TYPES


def test_the_loaders_read_the_demo_without_exclusions(demo_root, tmp_path, crimes):
    """The project's own loaders take every demo file as it is (no row excluded but by period)."""
    from assessment.config import load_config
    from assessment.loaders import load_dataset
    text = (ROOT / "assessment.yml").read_text(encoding="utf-8")
    text = text.replace("data/demo/", f"{demo_root}/data/demo/").replace("maps/demo/", f"{demo_root}/maps/demo/")
    text = text.replace("data/demo-targets.yml", f"{ROOT}/data/demo-targets.yml").replace("demo: true", "demo: false")
    (tmp_path / "a.yml").write_text(text, encoding="utf-8")
    ds = load_dataset(load_config(tmp_path / "a.yml"), 2024)
    acc = ds.accounting.to_summary()
    assert ds.period.label == "2024/25"
    for name in ("crimes", "victims", "offenders", "asb"):
        assert set(acc[name]["excluded"]) <= {"before the data window", "crime outside the area or data window"}, acc[name]
    assert acc["crimes"]["read"] == len(crimes)
    assert int(ds.crimes_in(ds.period)["count"].sum()) == int((crimes["fy"] == 2024).sum())
    assert len(ds.lsoas) == 150 and ds.lsoas["ward_name"].notna().all() and ds.population.sum() > 200_000
