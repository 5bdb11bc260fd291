"""Ward polygons (``inputs.ward_boundaries``, issue 17) for the ward-level hot spots and maps.

The ONS ward boundaries as published (``WD24CD``, ``WD24NM``; any year suffix) or a plain
``ward_code, ward_name``; GeoPackage, GeoJSON or Shapefile in any CRS, read into EPSG:27700.
Every feature is accounted (input ``ward_boundaries``): the area's wards are used, the others
excluded as outside the area; a feature with no code, a repeated code or an empty geometry is an
excluded row with its reason.

Example
-------
>>> import geopandas as gpd, shapely, tempfile, pathlib
>>> from assessment.accounting import Accounting
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> gpd.GeoDataFrame({"WD24CD": ["E05000001", "E05000002"], "WD24NM": ["North", "South"]},
...                  geometry=[shapely.box(530000, 180000, 531000, 181000), shapely.box(531000, 180000, 532000, 181000)],
...                  crs=27700).to_file(d / "w.gpkg")
>>> acc = Accounting()
>>> w = load_ward_boundaries(d / "w.gpkg", acc, [], area=["E05000001"])
>>> w["ward_name"].to_dict(), acc.to_summary()["ward_boundaries"]["excluded"]
({'E05000001': 'North'}, {'outside the area': 1})
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from .common import find_column, norm_name, strip
from .geography import _read_boundary_layer, check_crs, check_polygons


def load_ward_boundaries(path: Path, acc, notes: list, area=None):
    """The ward polygons indexed by ``ward_code`` (``ward_name``, geometry), EPSG:27700; only the
    codes in ``area`` (all when None).  One line (:class:`~assessment.errors.InputError`) for a file
    without a ward code column, or that is not polygons in Great Britain."""
    import geopandas as gpd  # heavy: only when a boundary file is read

    gdf = _read_boundary_layer(Path(path), None, notes)
    cols = {norm_name(c): c for c in gdf.columns if c != gdf.geometry.name}
    probe = pd.DataFrame(columns=list(cols))
    code = find_column(probe, "ward_code", "wardcode", pattern=r"wd\d\dcd")
    name = find_column(probe, "ward_name", "wardname", pattern=r"wd\d\dnm")
    if code is None:
        raise InputError(path, "column 'WD24CD'", "a ward code column (WD24CD or ward_code)",
                         found="columns " + ", ".join(cols.values()))
    if len(gdf) == 0:
        raise InputError(path, "", "ward polygons", found="no features")
    check_polygons(gdf, path, gdf[cols[code]])
    if gdf.crs is None:
        gdf = gdf.set_crs(27700 if abs(gdf.total_bounds[0]) > 180 else 4326)
        notes.append(f"{Path(path).name}: no coordinate reference system; assumed EPSG:{gdf.crs.to_epsg()} "
                     "from the coordinates")
    check_crs(gdf, path)
    acc.read("ward_boundaries", len(gdf))
    gdf = gdf.to_crs(27700)
    out = gpd.GeoDataFrame({"ward_code": strip(gdf[cols[code]].astype("str")),
                            "ward_name": strip(gdf[cols[name]].astype("str")) if name else pd.NA},
                           geometry=gdf.geometry.values, crs=27700)
    empty = (out.geometry.isna() | out.geometry.is_empty).to_numpy()
    acc.exclude("ward_boundaries", "empty geometry", int(empty.sum()))
    out = out[~empty]
    nocode = out["ward_code"].isna().to_numpy()
    acc.exclude("ward_boundaries", "no ward code", int(nocode.sum()))
    out = out[~nocode]
    dup = out["ward_code"].duplicated().to_numpy()
    acc.exclude("ward_boundaries", "duplicate ward code", int(dup.sum()))
    out = out[~dup]
    if area is not None:
        inside = out["ward_code"].isin(list(area)).to_numpy()
        acc.exclude("ward_boundaries", "outside the area", int((~inside).sum()))
        out = out[inside]
    acc.use("ward_boundaries", len(out))
    if out.empty:
        raise InputError(path, f"column '{cols[code]}'", "the area's ward codes", found="none of them")
    out = out.set_index("ward_code").sort_index()
    out["geometry"] = out.geometry.make_valid()
    return out


def area_wards(sel, wards, universe, cfg) -> list | None:
    """The area's ward codes: those of the count rows kept, and of the area's LSOAs in the ward
    lookup; None (every ward of the file) when neither says."""
    codes = set()
    if "ward_code" in sel.crimes:
        codes |= set(sel.crimes["ward_code"].dropna())
    if wards is not None and universe is not None:
        codes |= set(wards.loc[wards["lsoa_code"].isin(universe), "ward_code"].dropna())
    elif wards is not None and cfg.area.lad_code:
        codes |= set(wards.loc[wards["lad_code"].str.casefold() == cfg.area.lad_code.strip().casefold(),
                               "ward_code"].dropna())
    return sorted(codes) or None
