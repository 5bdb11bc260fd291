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

    # independent per-LSOA count: 2021 codes are kept; every row with a code of the other vintage
    # (2011 codes E01002080, E01033085 of split LSOAs) has a point, so it is placed by a geopandas
    # spatial join of its point with the 2021 polygons (issue 12: point in polygon where coordinates
    # exist; the ONS lookup only for rows without)
    import geopandas as gpd
    lk = pd.read_csv(REAL / "lookups" / "ons_lsoa11_to_lsoa21_to_lad22_exactfit_haringey.csv")
    b = gpd.read_file(REAL / "boundaries" / "haringey_lsoa2021_gen20_wgs84.geojson").to_crs(27700)
    window = raw[raw["Month"] <= "2024-03"].copy()            # the data window: Mar 2022 - Mar 2024
    other = ~window["LSOA code"].isin(set(b["LSOA21CD"]))
    assert int(other.sum()) == 70 and window.loc[other, ["Longitude", "Latitude"]].notna().all().all()
    pts = gpd.GeoDataFrame(window[other], geometry=gpd.points_from_xy(window.loc[other, "Longitude"],
                                                                      window.loc[other, "Latitude"]), crs=4326).to_crs(27700)
    joined = gpd.sjoin(pts, b[["LSOA21CD", "geometry"]], how="left", predicate="within")
    assert joined.index.is_unique and joined["LSOA21CD"].notna().all()
    window["lsoa21"] = window["LSOA code"]
    window.loc[other, "lsoa21"] = joined["LSOA21CD"]
    uniq = window[window["Month"] >= "2023-04"].drop_duplicates("Crime ID")
    expected = uniq.groupby("lsoa21").size()
    got = cur.groupby("lsoa_code").size()
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False, check_index_type=False)
    # every row of the window with a 2011 code is placed (the reviewer's 70), none excluded
    assert "LSOA code of another vintage (no inputs.lsoa_lookup)" not in s["excluded"]
    assert ("crimes: 70 record(s) on LSOAs split between 2011 and 2021 assigned to a 2021 LSOA by point "
            "in polygon") in ds.notes
    # the points near a border that fall outside their 2011 LSOA's successors are counted in a note
    succ = lk.groupby("LSOA11CD")["LSOA21CD"].agg(set)
    off = sum(c not in succ[o] for o, c in zip(joined["LSOA code"], joined["LSOA21CD"]))
    assert off == 4
    assert (f"crimes: {off} of the records placed by point in polygon fell in an LSOA the ONS lookup does not list "
            "as a successor of their code (a point near an LSOA border)") in ds.notes
    assert set(cur["lsoa_code"]) <= set(b["LSOA21CD"])


def test_haringey_burglary_without_the_lookup_places_the_other_vintage_by_point():
    """The reviewer's case: without inputs.lsoa_lookup the 70 rows with 2011 codes used to be excluded
    ("LSOA code of another vintage"); every one has a point, so each is placed by point in polygon,
    and the area's counts are those of the run with the lookup."""
    cfg = load_config(ROOT / "examples" / "haringey-burglary-policeuk.yml")
    with_lookup = load_dataset(cfg, 2023)
    cfg.inputs.lsoa_lookup = None
    ds = load_dataset(cfg, 2023)
    files = sorted(glob.glob(str(REAL / "police_uk" / "metropolitan_burglary_haringey" / "*.csv")))
    raw = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    window = raw[raw["Month"] <= "2024-03"]
    s = ds.accounting.to_summary()["crimes"]
    assert s["used"] == window["Crime ID"].nunique() and set(s["excluded"]) == {"after the assessment period",
                                                                                  "duplicate crime id"}
    reconciles(ds)
    assert "crimes: 70 record(s) with 2011 LSOA codes placed in a 2021 LSOA by point in polygon (the polygon " \
           "containing the record's point)" in ds.notes
    pd.testing.assert_frame_equal(ds.crimes, with_lookup.crimes)


def test_south_yorkshire_rolling_by_force():
    ds = load_dataset(load_config(ROOT / "examples" / "south-yorkshire-rolling.yml"), to="2021-09")
    assert ds.period.label == "12 months to Sep 2021"
    files = sorted(glob.glob(str(REAL / "police_uk" / "south_yorkshire_full_gz" / "*.csv.gz")))
    raw = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    assert ds.accounting.to_summary()["crimes"]["read"] == len(raw) == 169_496
    sy = raw[raw["Falls within"] == "South Yorkshire Police"]
    asb = sy["Crime type"].eq("Anti-social behaviour") & sy["Crime ID"].isna()
    # the force's crimes are every distinct crime id, with a location or not (issue 12: the 'No
    # Location' crimes used to be left out of the total, 133,264 instead of 138,775)
    crimes = sy[~asb].drop_duplicates("Crime ID")
    cur = ds.crimes_in(ds.period)
    assert len(cur) == len(crimes) == sy["Crime ID"].nunique() == 138_775
    pd.testing.assert_series_equal(cur.groupby("crime_type").size().sort_index(),
                                   crimes.groupby("Crime type").size().sort_index(),
                                   check_names=False, check_index_type=False)
    nolocation = crimes["LSOA code"].isna()
    assert int(cur["lsoa_code"].isna().sum()) == int(nolocation.sum()) == 5_511
    assert (crimes.loc[nolocation, "Location"] == "No Location").all()
    # ASB rows with a location are the ASB incidents; the 3 with none cannot be placed
    assert len(ds.asb) == int((asb & sy["LSOA code"].notna()).sum())
    s = ds.accounting.to_summary()["crimes"]
    assert s["excluded"] == {"no location": int((asb & sy["LSOA code"].isna()).sum())}
    assert "crimes: 5,511 crime(s) with no location (police.uk 'No Location') are the force's: counted in the totals " \
           "and by crime type, left out of the analyses by LSOA (they cannot be mapped)" in ds.notes
    pd.testing.assert_series_equal(cur.groupby("lsoa_code").size().sort_index(),
                                   crimes.groupby("LSOA code").size().sort_index(),
                                   check_names=False, check_index_type=False)
    reconciles(ds)
    # chapter 1's total and chapter 2's LSOA counts
    from assessment import dataset
    from assessment.chapters import crime_in_the_area as volumes
    v = volumes.analyse(ds)
    assert (v.current, v.headlines["crime.no_location"]) == (138_775, 5_511)
    assert int(dataset.lsoa_counts(ds.crimes, ds.lsoas, ds.period).sum()) == 138_775 - 5_511
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
