"""The loaders on the real open data in ../shared/data/real (skipped when it is absent).

Each total and per-LSOA count is checked against an independent pandas computation on the raw
files, and the accounting must reconcile (read = used + Σ excluded).
"""
import glob
from pathlib import Path

import pandas as pd
import pytest

from assessment.config import Config, load_config
from assessment.loaders import load_dataset

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
pytestmark = pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real is not present")


def reconciles(ds):
    for name, s in ds.accounting.to_summary().items():
        assert s["read"] == s["used"] + sum(s["excluded"].values()), name


def test_haringey_mps_2024():
    ds = load_dataset(load_config(ROOT / "examples" / "haringey-mps-2024.yml"), 2024)
    assert ds.period.label == "2024/25"
    raw = pd.read_csv(REAL / "mps_recorded_crime" / "mps_lsoa_level_crime_202402_202602_haringey.csv")
    months = [str(m) for m in list(range(202404, 202413)) + [202501, 202502, 202503]]
    expected = raw.groupby("lsoa_code")[months].sum().sum(axis=1)
    cur = ds.crimes_in(ds.period)
    got = cur.groupby("lsoa_code")["count"].sum()
    assert int(got.sum()) == int(expected.sum())
    pd.testing.assert_series_equal(got.sort_index().astype("int64"), expected[expected > 0].sort_index().astype("int64"),
                                   check_names=False, check_index_type=False)
    # whole file read; the window kept 2024-02 .. 2025-03 (earliest month in the data to period end)
    s = ds.accounting.to_summary()["crimes"]
    assert s["read"] == len(raw) == 3_200          # the file's rows (was the sum of its month cells, 53,771)
    reconciles(ds)
    assert len(ds.lsoas) == 147 and ds.lsoas["ward_name"].notna().all()
    assert int(ds.population.sum()) == 262_413          # mid-2022, the latest at or before 2024
    assert ds.boundary_attribution.startswith("Contains National Statistics data")


def test_haringey_burglary_police_uk_2023_vintage_switch():
    ds = load_dataset(load_config(ROOT / "examples" / "haringey-burglary-policeuk.yml"), 2023)
    files = sorted(glob.glob(str(REAL / "police_uk" / "metropolitan_burglary_haringey" / "*.csv")))
    raw = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    period = raw[(raw["Month"] >= "2023-04") & (raw["Month"] <= "2024-03")]
    cur = ds.crimes_in(ds.period)
    # police.uk republishes some crimes twice in a month (same Crime ID, different outcome):
    # each crime is counted once, and the repeats are the 'duplicate crime id' exclusions
    assert len(cur) == period["Crime ID"].nunique()
    s = ds.accounting.to_summary()["crimes"]
    assert s["read"] == len(raw)
    assert s["used"] + s["excluded"].get("duplicate crime id", 0) == len(raw[raw["Month"] <= "2024-03"])
    reconciles(ds)

    # independent per-LSOA count via the ONS lookup: unchanged/merged codes map exactly; split
    # 2011 LSOAs (E01002080, E01033085) are assigned by a geopandas spatial join of their points
    import geopandas as gpd
    lk = pd.read_csv(REAL / "lookups" / "ons_lsoa11_to_lsoa21_to_lad22_exactfit_haringey.csv")
    b = gpd.read_file(REAL / "boundaries" / "haringey_lsoa2021_gen20_wgs84.geojson").to_crs(27700)
    uniq = period.drop_duplicates("Crime ID").copy()
    n_succ = lk.groupby("LSOA11CD")["LSOA21CD"].nunique()
    single = lk[lk["LSOA11CD"].map(n_succ) == 1].set_index("LSOA11CD")["LSOA21CD"]
    code21 = set(lk["LSOA21CD"])
    uniq["lsoa21"] = uniq["LSOA code"].where(uniq["LSOA code"].isin(code21), uniq["LSOA code"].map(single))
    split = uniq["LSOA code"].isin(n_succ[n_succ > 1].index) & ~uniq["LSOA code"].isin(code21)
    if split.any():
        pts = gpd.GeoDataFrame(uniq[split], geometry=gpd.points_from_xy(uniq.loc[split, "Longitude"],
                                                                        uniq.loc[split, "Latitude"]), crs=4326).to_crs(27700)
        succ = lk[lk["LSOA11CD"].isin(uniq.loc[split, "LSOA code"])]
        cand = b[b["LSOA21CD"].isin(succ["LSOA21CD"])][["LSOA21CD", "geometry"]]
        joined = gpd.sjoin_nearest(pts, cand, how="left")
        joined = joined[~joined.index.duplicated()]
        # a point must go to a successor of its own 2011 LSOA
        ok = [r in set(succ.loc[succ["LSOA11CD"] == c, "LSOA21CD"]) for r, c in zip(joined["LSOA21CD"], joined["LSOA code"])]
        assert all(ok)
        uniq.loc[split, "lsoa21"] = joined["LSOA21CD"]
    expected = uniq.groupby("lsoa21").size()
    got = cur.groupby("lsoa_code").size()
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False, check_index_type=False)
    assert any("split between 2011 and 2021 assigned to a 2021 LSOA by point in polygon" in n for n in ds.notes)
    assert set(cur["lsoa_code"]) <= set(b["LSOA21CD"])


def test_south_yorkshire_rolling_by_force():
    ds = load_dataset(load_config(ROOT / "examples" / "south-yorkshire-rolling.yml"), to="2021-09")
    assert ds.period.label == "12 months to Sep 2021"
    files = sorted(glob.glob(str(REAL / "police_uk" / "south_yorkshire_full_gz" / "*.csv.gz")))
    raw = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    assert ds.accounting.to_summary()["crimes"]["read"] == len(raw) == 169_496
    sy = raw[(raw["Falls within"] == "South Yorkshire Police") & raw["LSOA code"].notna()]
    asb = sy["Crime type"].eq("Anti-social behaviour") & sy["Crime ID"].isna()
    crimes = sy[~asb].drop_duplicates("Crime ID")
    cur = ds.crimes_in(ds.period)
    assert len(cur) == len(crimes)
    assert len(ds.asb) == int(asb.sum())
    pd.testing.assert_series_equal(cur.groupby("lsoa_code").size().sort_index(),
                                   crimes.groupby("LSOA code").size().sort_index(),
                                   check_names=False, check_index_type=False)
    reconciles(ds)
    assert ds.boundaries is None and ds.population is None
    # the four districts are the comparison areas
    assert {"Barnsley", "Doncaster", "Rotherham", "Sheffield"} <= set(ds.all_areas["area"])


def test_london_mps_file_selected_by_prefix_fills_all_areas():
    cfg = Config.model_validate({
        "area": {"name": "Haringey", "lsoa_name_prefix": "Haringey"},
        "inputs": {"crime_counts": str(REAL / "mps_recorded_crime" / "mps_lsoa_level_crime_202402_202602_london.csv.gz"),
                   "population": str(REAL / "population" / "ons_sape_lsoa21_population_density_mid2011_mid2022_london.csv")}})
    ds = load_dataset(cfg, 2024)
    har = pd.read_csv(REAL / "mps_recorded_crime" / "mps_lsoa_level_crime_202402_202602_haringey.csv")
    months = [str(m) for m in list(range(202404, 202413)) + [202501, 202502, 202503]]
    assert int(ds.crimes_in(ds.period)["count"].sum()) == int(har[months].to_numpy().sum())
    aa = ds.all_areas[ds.period.contains(ds.all_areas["month"])]
    assert aa["area"].nunique() == 32   # the 32 MPS boroughs (the City of London has its own force)
    assert int(aa.loc[aa["area"] == "Haringey", "count"].sum()) == int(har[months].to_numpy().sum())
    assert int(ds.all_areas_population["Haringey"]) == 262_413
    reconciles(ds)
