"""tables/hotspots.gpkg: the published tables with their polygons, for QGIS / ArcGIS (Run.geopackage)."""
from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box

from assessment import leaks
from assessment.disclosure import DisclosureError
from assessment.errors import AssessmentError
from assessment.figures.maps import ward_boundaries
from assessment.periods import financial_year
from assessment.workbook import Run


def dataset(victim_ids=()):
    """A stand-in Dataset: what Run.geopackage reads (the period, and the ids the gate looks for)."""
    victims = pd.DataFrame({"victim_id": list(victim_ids)}) if victim_ids else None
    return type("DS", (), {"config": None, "period": financial_year(2024), "victims": victims, "offenders": None,
                           "asb": None})()


def lsoas():
    codes = [f"E0100000{i}" for i in range(4)]
    return gpd.GeoDataFrame({"lsoa_name": [f"Town 00{i}A" for i in range(4)],
                             "ward_code": ["W1", "W1", "W2", "W2"], "ward_name": ["North", "North", "South", "South"]},
                            geometry=[box(500000 + i * 500, 180000, 500500 + i * 500, 180500) for i in range(4)],
                            index=pd.Index(codes, name="lsoa_code"), crs=27700)


def lsoa_table():
    # the published order (most crime first) and one LSOA the boundary file lacks
    return pd.DataFrame({"lsoa_code": ["E01000002", "E01000000", "E09999999", "E01000001", "E01000003"],
                         "lsoa_name": ["Town 002A", "Town 000A", "Elsewhere 001A", "Town 001A", "Town 003A"],
                         "count": [9, 7, 5, 3, 0], "rate_per_1000": [6.0, 4.5, np.nan, 2.0, 0.0],
                         "previous_count": pd.array([8, pd.NA, 5, 1, 0], dtype="Int64"),
                         "gi_class": ["Hot spot – 95% confidence", "Not significant", "Not tested – no boundary file",
                                      "Not significant", "Cold spot – 90% confidence"]})


def ward_table():
    return pd.DataFrame({"ward_code": ["W2", "W1"], "ward": ["South", "North"], "lsoas": [2, 2], "count": [9, 10]})


def write(tmp_path, ds=None, layers=None):
    b = lsoas()
    run = Run(dataset=ds or dataset(), out_dir=tmp_path, chapter="hotspots")
    return run.geopackage("hotspots", layers if layers is not None else {
        "lsoa_hotspots": (lsoa_table(), b), "ward_rollup": (ward_table(), ward_boundaries(b, b))})


def test_layers_crs_rows_and_columns_are_the_tables(tmp_path):
    path = write(tmp_path)
    assert path == tmp_path / "tables" / "hotspots.gpkg" and path.exists()
    assert pyogrio.list_layers(path).tolist() == [["lsoa_hotspots", "Polygon"], ["ward_rollup", "Polygon"]]
    g = gpd.read_file(path, layer="lsoa_hotspots")
    assert g.crs.to_epsg() == 27700
    t = lsoa_table()
    assert list(g.columns) == list(t.columns) + ["geometry"]
    assert g["lsoa_code"].tolist() == t["lsoa_code"].tolist()               # the table's rows, in its order
    assert g["count"].tolist() == [9, 7, 5, 3, 0]
    assert g["gi_class"].tolist() == t["gi_class"].tolist()                  # text (an en dash) kept as is
    assert np.isnan(g["rate_per_1000"].iloc[2]) and g["previous_count"].isna().tolist() == [False, True, False,
                                                                                               False, False]
    # each row has its own LSOA's polygon; the LSOA the boundary file lacks has none
    assert g.geometry.iloc[0].equals(box(501000, 180000, 501500, 180500))
    assert g.geometry.iloc[2] is None
    w = gpd.read_file(path, layer="ward_rollup")
    assert w.crs.to_epsg() == 27700 and w["ward_code"].tolist() == ["W2", "W1"]
    assert w.area.tolist() == [500000.0, 500000.0]                           # two 500 m squares dissolved
    assert w.geometry.iloc[1].equals(box(500000, 180000, 501000, 180500))


def test_other_crs_is_projected_to_british_national_grid(tmp_path):
    b = lsoas()
    path = write(tmp_path, layers={"lsoa_hotspots": (lsoa_table(), b.to_crs(4326))})
    g = gpd.read_file(path, layer="lsoa_hotspots")
    assert g.crs.to_epsg() == 27700
    assert np.allclose(g.geometry.iloc[0].bounds, (501000, 180000, 501500, 180500), atol=0.01)


def test_layers_without_a_table_or_polygons_are_left_out(tmp_path):
    b = lsoas()
    path = write(tmp_path, layers={"lsoa_hotspots": (lsoa_table(), b), "ward_rollup": (ward_table(), None),
                                   "emerging_hotspots": (None, b)})
    assert [name for name, _ in pyogrio.list_layers(path)] == ["lsoa_hotspots"]
    assert write(tmp_path / "none", layers={"ward_rollup": (None, None)}) is None
    assert not (tmp_path / "none" / "tables").exists()


def test_a_second_write_replaces_the_file_and_is_byte_identical(tmp_path):
    first = write(tmp_path)
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    again = write(tmp_path)                          # not appended: the same rows, the same bytes
    assert len(gpd.read_file(again, layer="lsoa_hotspots")) == 5
    assert hashlib.sha256(again.read_bytes()).hexdigest() == digest
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None      # the run's date option is undone


def test_the_disclosure_gate_refuses_identifiers_before_writing(tmp_path):
    b = lsoas()
    with pytest.raises(DisclosureError, match="GeoPackage layer 'lsoa_hotspots'.*identifier column"):
        write(tmp_path, layers={"lsoa_hotspots": (lsoa_table().assign(victim_id="V1"), b)})
    named = lsoa_table()
    named.loc[1, "lsoa_name"] = "VIC-2001"
    with pytest.raises(DisclosureError, match="personal identifiers"):
        write(tmp_path, ds=dataset(["VIC-2001", "VIC-2002"]), layers={"lsoa_hotspots": (named, b)})
    assert not (tmp_path / "tables" / "hotspots.gpkg").exists()


def test_a_table_without_the_polygons_key_is_one_clear_error(tmp_path):
    with pytest.raises(AssessmentError, match="expected a column 'lsoa_code'"):
        write(tmp_path, layers={"lsoa_hotspots": (lsoa_table().drop(columns="lsoa_code"), lsoas())})


def test_the_leak_scan_reads_a_geopackage(tmp_path):
    ids = leaks.searchable({"VIC-2001"})
    clean = write(tmp_path)
    assert leaks.scan_folder(tmp_path, ids) == []
    assert "Town 002A" in leaks.sqlite_text(clean) and "lsoa_hotspots" in leaks.sqlite_text(clean)
    # a file written behind the gate's back, with an identifier in a text value: found, and deleted by a scrub
    g = lsoas().reset_index()
    g.loc[3, "lsoa_name"] = "VIC-2001"
    g.to_file(tmp_path / "tables" / "other.gpkg", layer="x", driver="GPKG", engine="pyogrio")
    assert leaks.scan_folder(tmp_path, ids) == [("tables/other.gpkg", 1)]
    assert leaks.scrub_folder(tmp_path, ids) == ["tables/other.gpkg"]
    assert not (tmp_path / "tables" / "other.gpkg").exists() and clean.exists()
    # a damaged file is read as bytes
    (tmp_path / "tables" / "broken.gpkg").write_bytes(b"not a database VIC-2001")
    assert leaks.scan_folder(tmp_path, ids) == [("tables/broken.gpkg", 1)]


@pytest.mark.slow
def test_the_demo_run_publishes_the_hotspot_layers(demo_run):
    path = demo_run / "tables" / "hotspots.gpkg"
    layers = pyogrio.list_layers(path)
    assert [name for name, _ in layers] == ["lsoa_hotspots", "ward_rollup", "emerging_hotspots"]
    csv = {name: pd.read_csv(demo_run / "tables" / f"{name}.csv", encoding="utf-8-sig")
           for name in ("lsoa_hotspots", "ward_hotspots", "emerging_hotspots")}
    frames = {name: gpd.read_file(path, layer=name) for name, _ in layers}
    for g in frames.values():
        assert g.crs.to_epsg() == 27700
        assert g.geometry.notna().all() and g.is_valid.all()
    for layer, table in (("lsoa_hotspots", "lsoa_hotspots"), ("emerging_hotspots", "emerging_hotspots")):
        g, t = frames[layer], csv[table]
        assert len(g) == len(t) and list(g.columns) == list(t.columns) + ["geometry"]
        assert g["lsoa_code"].tolist() == t["lsoa_code"].tolist()
    # the ward roll-up (machine names, as the chapter's ward table): the rows and values of the ward CSV,
    # whether the CSV heads its columns with those names or with the report's labels (words.ward_display)
    from assessment.words.hotspots import ward_display
    g, t = frames["ward_rollup"].drop(columns="geometry"), csv["ward_hotspots"]
    assert len(g) == len(t) == 20
    shown = g if set(t.columns) <= set(g.columns) else ward_display(g.set_index("ward_code"))
    assert set(t.columns) <= set(shown.columns) and {"ward_code", "ward", "count", "rate_per_1000"} <= set(g.columns)
    for c in t.columns:
        x, y = shown[c], t[c]
        if pd.api.types.is_numeric_dtype(y):
            assert np.allclose(x.astype(float), y.astype(float), equal_nan=True), c
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), c
    lsoa_area = frames["lsoa_hotspots"].area.sum()
    assert abs(frames["ward_rollup"].area.sum() - lsoa_area) < 1e-6 * lsoa_area
    assert frames["ward_rollup"]["lsoas"].sum() == len(frames["lsoa_hotspots"]) == 150
