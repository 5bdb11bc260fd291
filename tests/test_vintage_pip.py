"""LSOA codes of the other vintage: point in polygon where the record has a point, the ONS lookup
only for the rest (PRODUCT.md §3; issue 12, item 4).

A hand-made case whose answer is known: four 1 km squares of 2021 LSOAs (British National Grid)

    E01000003 | E01000004        y 181000-182000
    ----------+----------
    E01000001 | E01000002        y 180000-181000
    x 530000-531000 | 531000-532000

and an ONS-style lookup: 2011 E01000090 split into E01000003 and E01000004; 2011 E01000091 and
E01000092 merged into E01000001; 2011 E01000080 became E01000099, an LSOA of another area.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from assessment.config import Config
from assessment.loaders import load_dataset
from assessment.loaders.geography import Harmoniser

SQUARES = {"E01000001": (530000, 180000), "E01000002": (531000, 180000),
           "E01000003": (530000, 181000), "E01000004": (531000, 181000)}

#: crime_id, 2011/2021 code, easting, northing -> the LSOA it must end in (None: excluded), and why
ROWS = [
    ("K01", "E01000090", 531500, 181500, "E01000004"),   # split, point in E01000004: point in polygon
    ("K02", "E01000090", 530500, 181500, "E01000003"),   # split, point in E01000003: point in polygon
    ("K03", "E01000090", None, None, "E01000003"),       # split, no point: the lookup's first successor
    ("K04", "E01000091", 530500, 180500, "E01000001"),   # merged, point in E01000001: point in polygon
    ("K05", "E01000091", 531500, 180500, "E01000002"),   # merged, point in E01000002: the point wins
    ("K06", "E01000091", None, None, "E01000001"),       # merged, no point: the lookup, exactly
    ("K07", "E01000090", 540000, 181500, "E01000004"),   # split, point outside every square: nearest successor
    ("K08", "E01000092", 525000, 180500, "E01000001"),   # merged, point outside every square: the lookup
    ("K09", "E01000001", 531500, 181500, "E01000001"),   # a 2021 code is kept, whatever its point
    ("K10", "E01000080", 530500, 180500, None),          # another area's code: not pulled in by its point
]


@pytest.fixture()
def area(tmp_path):
    gdf = gpd.GeoDataFrame({"LSOA21CD": list(SQUARES), "LSOA21NM": [f"Testham 00{i}A" for i in range(1, 5)]},
                           geometry=[shapely.box(x, y, x + 1000, y + 1000) for x, y in SQUARES.values()], crs=27700)
    gdf.to_file(tmp_path / "lsoa.gpkg")
    pd.DataFrame({"LSOA11CD": ["E01000090", "E01000090", "E01000091", "E01000092", "E01000080"],
                  "LSOA21CD": ["E01000003", "E01000004", "E01000001", "E01000001", "E01000099"],
                  "CHGIND": ["S", "S", "M", "M", "U"]}).to_csv(tmp_path / "lookup.csv", index=False)
    crimes = pd.DataFrame([{"crime_id": c, "offence_date": "2024-06-01", "crime_type": "Burglary", "lsoa_code": code,
                            "easting": x, "northing": y} for c, code, x, y, _ in ROWS])
    crimes.to_csv(tmp_path / "crimes.csv", index=False)
    return tmp_path


def _config(d, lookup=True):
    inputs = {"crimes": str(d / "crimes.csv"), "boundaries": str(d / "lsoa.gpkg")}
    if lookup:
        inputs["lsoa_lookup"] = str(d / "lookup.csv")
    return Config.model_validate({"area": {"name": "Testham"}, "inputs": inputs})


def test_points_are_placed_by_polygon_and_the_lookup_serves_the_rest(area):
    ds = load_dataset(_config(area), 2024)
    got = ds.crimes.set_index("crime_id")["lsoa_code"].to_dict()
    assert got == {c: want for c, _, _, _, want in ROWS if want is not None}
    s = ds.accounting.to_summary()["crimes"]
    assert (s["read"], s["used"], s["excluded"]) == (10, 9, {"LSOA code not in the boundary file": 1})
    notes = ds.accounting.notes["crimes"]
    # how many records were placed each way (K10's code converts exactly, then is outside the area)
    for line in ["2 record(s) with 2011 LSOA codes placed in a 2021 LSOA by point in polygon",           # K04, K05
                 "2 record(s) on LSOAs split between 2011 and 2021 assigned to a 2021 LSOA by point in polygon",  # K01, K02
                 "1 of the records placed by point in polygon fell in an LSOA the ONS lookup does not list",      # K05
                 "2 record(s) with 2011 LSOA codes have a point outside the area's LSOA polygons: converted with "
                 "the ONS lookup instead",                                                                        # K07, K08
                 "3 record(s) with 2011 LSOA codes converted to 2021 codes exactly with the ONS lookup",          # K06, K08, K10
                 "1 record(s) on LSOAs split between 2011 and 2021, with a point outside the area's polygons, "
                 "assigned to the successor LSOA nearest the point",                                              # K07
                 "1 record(s) on LSOAs split between 2011 and 2021 without coordinates assigned to the first "
                 "successor LSOA"]:                                                                               # K03
        assert any(n.startswith(line) for n in notes), (line, notes)
    assert len(notes) == 7, notes


def test_without_the_lookup_a_point_still_places_a_police_uk_row(tmp_path):
    # police.uk form: the LSOA name says the row is in the area although its 2011 code is not in the
    # 2021 boundary file; one row has a point, the other none
    gdf = gpd.GeoDataFrame({"LSOA21CD": list(SQUARES), "LSOA21NM": [f"Testham 00{i}A" for i in range(1, 5)]},
                           geometry=[shapely.box(x, y, x + 1000, y + 1000) for x, y in SQUARES.values()], crs=27700)
    gdf.to_file(tmp_path / "lsoa.gpkg")
    from pyproj import Transformer
    lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(531500, 181500)
    d = tmp_path / "pu"
    d.mkdir()
    (d / "2024-06-test-street.csv").write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
        "Last outcome category,Context\n"
        f"p1,2024-06,T,T,{lon:.6f},{lat:.6f},On or near A,E01000090,Testham 009X,Burglary,,\n"
        "p2,2024-06,T,T,,,On or near B,E01000090,Testham 009X,Burglary,,\n"
        f"p3,2024-06,T,T,{lon:.6f},{lat:.6f},On or near A,E01000004,Testham 004A,Robbery,,\n")
    cfg = Config.model_validate({"area": {"name": "Testham"},
                                 "inputs": {"police_uk": str(d), "boundaries": str(tmp_path / "lsoa.gpkg")}})
    ds = load_dataset(cfg, 2024)
    assert ds.crimes.set_index("crime_id")["lsoa_code"].to_dict() == {"p1": "E01000004", "p3": "E01000004"}
    s = ds.accounting.to_summary()["crimes"]
    assert s["excluded"] == {"LSOA code of another vintage (no inputs.lsoa_lookup)": 1}
    assert "1 record(s) with 2011 LSOA codes placed in a 2021 LSOA by point in polygon (the polygon containing the " \
           "record's point)" in ds.accounting.notes["crimes"]


def test_harmoniser_converts_only_codes_it_maps():
    lk = pd.DataFrame({"lsoa11": ["E01000090", "E01000090", "E01000080"],
                       "lsoa21": ["E01000003", "E01000004", "E01000099"]})
    h = Harmoniser(2021, lk)
    codes = ["E01000090", "E01000080", "E01000003", "E01000001"]
    assert h.converts(codes).tolist() == [True, True, False, False]
    assert h.converts(codes, into=set(SQUARES)).tolist() == [True, False, False, False]
