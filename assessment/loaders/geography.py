"""Geography: LSOA boundaries, the LSOA -> ward -> local authority lookup, the ONS
LSOA 2011 -> 2021 lookup, and harmonising LSOA codes to one vintage (§3.7).

LSOA codes come in two vintages (2011 and 2021) and police.uk switched during
2023.  :class:`Harmoniser` converts every code to the boundary file's vintage:

* codes already of the target vintage are kept;
* a code of the other vintage on a record with a point is placed by point in
  polygon, in the area's LSOA polygon containing the point (the loaders'
  :mod:`~.pipeline` does this before the lookup is used);
* the other codes of the other vintage with exactly one successor (unchanged, or
  merged LSOAs) are converted exactly with the ONS lookup;
* codes with several successors (split LSOAs) go to the successor nearest the
  record's point (a point outside the area's polygons), otherwise to the first
  successor in code order — and each way of assigning is counted in the
  data-quality notes.

Example
-------
>>> lk = pd.DataFrame({"lsoa11": ["E01000001", "E01000002", "E01000002"],
...                    "lsoa21": ["E01000001", "E01099001", "E01099002"], "chgind": ["U", "S", "S"]})
>>> h = Harmoniser(2021, lk)
>>> codes, stats = h.harmonise(pd.Series(["E01000001", "E01000002", "E01099001"]))
>>> codes.tolist(), stats["split_first"]
(['E01000001', 'E01099001', 'E01099001'], 1)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from ..errors import InputError, one_line, quote
from .common import (
    GB_EASTING,
    GB_LAT,
    GB_LON,
    GB_NORTHING,
    find_column,
    isin,
    norm_name,
    problem,
    read_csv,
    require,
    strip,
    valid_lsoa,
)

ONS_ATTRIBUTION = ("Contains National Statistics data © Crown copyright and database right; "
                   "contains OS data © Crown copyright and database right")

_CODE_ALIASES = ("lsoa_code", "lsoa21cd", "lsoa11cd", "lsoa_2021_code", "lsoa_2011_code", "lsoa21_code",
                 "lsoa11_code", "lsoa")
_NAME_ALIASES = ("lsoa_name", "lsoa21nm", "lsoa11nm", "lsoa_2021_name", "lsoa_2011_name", "lsoa21_name",
                 "lsoa11_name")


def vintage_of_column(name: str | None) -> int | None:
    """2021 for ``LSOA21CD``-style names, 2011 for ``LSOA11CD``, else None.

    >>> vintage_of_column("LSOA21CD"), vintage_of_column("LSOA 2011 Code"), vintage_of_column("code")
    (2021, 2011, None)
    """
    n = norm_name(name or "")
    if re.search(r"(^|[^0-9])(20)?21([^0-9]|$)", n) and "lsoa" in n:
        return 2021
    if re.search(r"(^|[^0-9])(20)?11([^0-9]|$)", n) and "lsoa" in n:
        return 2011
    return None


def vintage_by_lookup(codes, lookup: pd.DataFrame | None) -> int | None:
    """Guess a code list's vintage from the lookup: the vintage with more codes found only in it."""
    if lookup is None:
        return None
    codes = pd.Index(pd.Series(codes).dropna().unique())
    only11 = set(lookup["lsoa11"]) - set(lookup["lsoa21"])
    only21 = set(lookup["lsoa21"]) - set(lookup["lsoa11"])
    n11, n21 = codes.isin(list(only11)).sum(), codes.isin(list(only21)).sum()
    if n21 > n11:
        return 2021
    if n11 > n21:
        return 2011
    return None


# -- LSOA 2011 -> 2021 lookup ------------------------------------------------------------
def load_lsoa_lookup(path: Path, acc, notes: list) -> pd.DataFrame:
    """The ONS LSOA (2011) to LSOA (2021) lookup -> lsoa11, lsoa21, chgind, name11, name21.

    Accepts the ONS file as published (``LSOA11CD, LSOA11NM, LSOA21CD, LSOA21NM, CHGIND, ...``).
    Rows with a malformed code are excluded ("malformed LSOA code").

    Example
    -------
    >>> import tempfile, pathlib
    >>> from assessment.accounting import Accounting
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "lk.csv"
    >>> _ = p.write_text("LSOA11CD,LSOA21CD,CHGIND\\nE01000001,E01000001,U\\nE01000002,E01099001,S\\n")
    >>> load_lsoa_lookup(p, Accounting(), [])[["lsoa11", "lsoa21", "chgind"]].values.tolist()
    [['E01000001', 'E01000001', 'U'], ['E01000002', 'E01099001', 'S']]
    """
    df = read_csv(path, notes=notes)
    cols = require(df, path, {"lsoa11": ("lsoa11cd", "lsoa11_code", "lsoa_2011_code"),
                              "lsoa21": ("lsoa21cd", "lsoa21_code", "lsoa_2021_code")}, df.attrs["original"])
    out = pd.DataFrame({"lsoa11": strip(df[cols["lsoa11"]]), "lsoa21": strip(df[cols["lsoa21"]])})
    c = find_column(df, "chgind", "change_indicator")
    out["chgind"] = strip(df[c]).str.upper() if c else pd.NA
    n11 = find_column(df, "lsoa11nm", "lsoa_2011_name")
    n21 = find_column(df, "lsoa21nm", "lsoa_2021_name")
    out["name11"] = strip(df[n11]) if n11 else pd.NA
    out["name21"] = strip(df[n21]) if n21 else pd.NA
    acc.read("lsoa_lookup", len(out))
    ok = valid_lsoa(out["lsoa11"]) & valid_lsoa(out["lsoa21"])
    acc.exclude("lsoa_lookup", "malformed LSOA code", int((~ok).sum()))
    out = out[ok].drop_duplicates(["lsoa11", "lsoa21"])
    acc.exclude("lsoa_lookup", "duplicate row", int(ok.sum()) - len(out))
    acc.use("lsoa_lookup", len(out))
    return out.reset_index(drop=True)


# -- harmonisation -------------------------------------------------------------------------
@dataclass
class Harmoniser:
    """Converts LSOA codes to the ``target`` vintage (2011 or 2021) with the ONS lookup.

    ``boundaries`` (a GeoDataFrame indexed by code, EPSG:27700, of the target
    vintage) lets split LSOAs be assigned by point-in-polygon.
    """

    target: int | None
    lookup: pd.DataFrame | None = None
    boundaries: object | None = None
    _map: dict = field(default_factory=dict, init=False)
    _target_codes: frozenset = field(default=frozenset(), init=False)

    def __post_init__(self):
        if self.target is None or self.lookup is None:
            return
        src, tgt = ("lsoa11", "lsoa21") if self.target == 2021 else ("lsoa21", "lsoa11")
        target_codes = set(self.lookup[tgt])
        if self.boundaries is not None:
            target_codes |= set(self.boundaries.index)
        self._target_codes = frozenset(target_codes)
        pairs = self.lookup[~self.lookup[src].isin(target_codes)][[src, tgt]].sort_values([src, tgt])
        self._map = pairs.groupby(src)[tgt].agg(list).to_dict()

    @property
    def active(self) -> bool:
        return bool(self._map)

    def successors(self, code: str) -> list:
        """Target-vintage codes for ``code`` (``[code]`` when it needs no conversion)."""
        return self._map.get(code, [code])

    def converts(self, codes, into=None) -> np.ndarray:
        """True where a code is of the other vintage (one the lookup converts); with ``into``
        (target-vintage codes, e.g. the area's LSOAs), only where a successor is among them.

        >>> lk = pd.DataFrame({"lsoa11": ["E01000001", "E01000002", "E01000005"],
        ...                    "lsoa21": ["E01099001", "E01099002", "E01099005"]})
        >>> Harmoniser(2021, lk).converts(["E01000001", "E01000005", "E01099001"], into={"E01099001"}).tolist()
        [True, False, False]
        """
        if not self._map:
            return np.zeros(len(codes), dtype=bool)
        keys = set(self._map) if into is None else {c for c, s in self._map.items() if not set(s).isdisjoint(into)}
        return isin(pd.Series(codes), keys)

    def harmonise(self, codes: pd.Series, x=None, y=None) -> tuple[pd.Series, dict]:
        """Harmonised codes (same index) and counts: ``exact``, ``split_nearest``, ``split_first``.

        ``x``/``y`` are EPSG:27700 coordinates (NaN where unknown), used only for split LSOAs:
        the successor nearest the point (``split_nearest``).  The loaders place a record with a
        point in the area's polygons before this (point in polygon); what reaches it with a point
        lies outside them.
        """
        stats = {"exact": 0, "split_nearest": 0, "split_first": 0}
        if not self._map or len(codes) == 0:
            return codes, stats
        single = {k: v[0] for k, v in self._map.items() if len(v) == 1}
        multi = {k: v for k, v in self._map.items() if len(v) > 1}
        out = codes.copy()
        is_single = codes.isin(list(single)).to_numpy()
        if is_single.any():
            out[is_single] = codes[is_single].map(single)
            stats["exact"] = int(is_single.sum())
        is_multi = codes.isin(list(multi)).to_numpy()
        if is_multi.any():
            sub = codes[is_multi]
            chosen = sub.map(lambda c: multi[c][0])
            if x is not None and self.boundaries is not None:
                xs = pd.Series(np.asarray(x, dtype="float64"), index=codes.index)[is_multi]
                ys = pd.Series(np.asarray(y, dtype="float64"), index=codes.index)[is_multi]
                has_xy = xs.notna() & ys.notna()
                if has_xy.any():
                    chosen[has_xy] = self._nearest_successor(sub[has_xy], xs[has_xy], ys[has_xy], multi)
                stats["split_nearest"] = int(has_xy.sum())
                stats["split_first"] = int((~has_xy).sum())
            else:
                stats["split_first"] = int(len(sub))
            out[is_multi] = chosen
        return out, stats

    def _nearest_successor(self, codes, xs, ys, multi) -> pd.Series:
        geoms = self.boundaries.geometry
        rows = pd.DataFrame({"row": codes.index, "code": codes.to_numpy(), "x": xs.to_numpy(), "y": ys.to_numpy()})
        rows["cand"] = rows["code"].map(multi)
        rows = rows.explode("cand")
        have = rows["cand"].isin(geoms.index)
        dist = np.full(len(rows), np.inf)
        if have.any():
            pts = shapely.points(rows.loc[have, "x"].to_numpy(), rows.loc[have, "y"].to_numpy())
            polys = geoms.reindex(rows.loc[have, "cand"]).to_numpy()
            dist[have.to_numpy()] = shapely.distance(pts, polys)
        rows["dist"] = dist
        rows["order"] = np.arange(len(rows))
        best = rows.sort_values(["row", "dist", "order"]).drop_duplicates("row")
        return pd.Series(best["cand"].to_numpy(), index=best["row"].to_numpy()).reindex(codes.index)

    def translate_table(self, df: pd.DataFrame, code: str = "lsoa_code") -> pd.DataFrame:
        """A per-LSOA attribute table (e.g. the ward lookup) moved to the target vintage.

        Each row goes to every successor of its code; where several rows land on one
        code the first is kept.
        """
        if not self._map:
            return df
        out = df.copy()
        out[code] = out[code].map(lambda c: self._map.get(c, [c]))
        out = out.explode(code)
        return out.drop_duplicates(code).reset_index(drop=True)


# -- point in polygon ---------------------------------------------------------------------
def place_points(x, y, boundaries) -> pd.Series:
    """LSOA code of the boundary polygon containing each point (EPSG:27700); <NA> outside.

    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"geometry": [shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)]},
    ...                      index=pd.Index(["E01000001", "E01000002"], name="lsoa_code"), crs=27700)
    >>> place_points(np.array([5.0, 15.0, 50.0]), np.array([5.0, 5.0, 5.0]), g).tolist()
    ['E01000001', 'E01000002', <NA>]
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    out = np.full(len(x), None, dtype=object)
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.any():
        pts = shapely.points(x[ok], y[ok])
        inp, tree = boundaries.sindex.query(pts, predicate="intersects")
        order = np.lexsort((tree, inp))
        inp, tree = inp[order], tree[order]
        first = np.unique(inp, return_index=True)[1]
        idx_ok = np.flatnonzero(ok)
        out[idx_ok[inp[first]]] = np.asarray(boundaries.index)[tree[first]]
    return pd.Series(out, dtype="string")


# -- boundaries -----------------------------------------------------------------------------
def _reader_error(e: Exception, path) -> str:
    """The GDAL/pyogrio reason, short: without the file's path (already named) or GDAL's advice.

    >>> _reader_error(Exception("'/d/b.geojson' not recognized as being in a supported file format.; "
    ...                         "It might help to specify the correct driver"), "/d/b.geojson")
    'not recognized as being in a supported file format'
    """
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    text = text.replace(f"'{path}' ", "").replace(str(path), Path(str(path)).name)
    return text.split(";")[0].strip().rstrip(".")[:120]


# -- boundary sanity: polygons, a CRS that fits Great Britain, no overlaps ---------------------------
#: two LSOA polygons overlapping by more than this share of the smaller one's area stop the run
#: (generalised boundaries have slivers far smaller than this)
OVERLAP_SHARE = 0.01

_SET_CRS = "set the right CRS with ogr2ogr -a_srs EPSG:{e} or GeoPandas set_crs({e}, allow_override=True)"


def check_polygons(gdf, path, codes) -> None:
    """Stop unless every (non-empty) feature is a Polygon or MultiPolygon: points (LSOA
    centroids) or lines give no areas to place crimes in or to find neighbours with.

    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"c": ["E01000001", "E01000002"]},
    ...                      geometry=[shapely.box(0, 0, 1, 1), shapely.Point(5, 5)], crs=27700)
    >>> try:
    ...     check_polygons(g, "b.gpkg", g["c"])
    ... except InputError as e:
    ...     print(e)
    b.gpkg: geometry: expected LSOA polygons (Polygon or MultiPolygon features), found 1 Point feature(s), first 'E01000002' (feature 2): a file of LSOA centroids or lines? Use the LSOA boundary polygons
    """
    g = gdf.geometry
    present = ~(g.isna() | g.is_empty).to_numpy()
    kinds = g.geom_type.to_numpy(dtype=object)
    bad = present & ~np.isin(kinds, ["Polygon", "MultiPolygon"])
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        types = ", ".join(sorted(set(kinds[bad])))
        raise InputError(path, "geometry", "LSOA polygons (Polygon or MultiPolygon features)",
                         found=f"{int(bad.sum())} {types} feature(s), first {quote(codes.iloc[first])} "
                               f"(feature {first + 1}): a file of LSOA centroids or lines? Use the LSOA boundary polygons")


def _extent(b) -> str:
    return f"x {b[0]:,.6g} to {b[2]:,.6g}, y {b[1]:,.6g} to {b[3]:,.6g}"


def check_crs(gdf, path) -> None:
    """Stop unless the coordinates fit Great Britain in the file's coordinate reference system.

    Coordinates in degrees labelled with a projected CRS (e.g. longitude/latitude in a file that
    says EPSG:27700) or in metres labelled EPSG:4326 would be reprojected into nonsense: crimes
    fall outside every polygon, neighbours are wrong and maps get a scale bar of centimetres.
    The line says which CRS the coordinates look like and how to set it.

    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(-0.1, 51.5, -0.09, 51.51)], crs=27700)
    >>> try:
    ...     check_crs(g, "b.gpkg")
    ... except InputError as e:
    ...     print(e)
    b.gpkg: coordinate reference system EPSG:27700: expected coordinates in Great Britain in metres (easting 0 to 700,000, northing 0 to 1,300,000), found x -0.1 to -0.09, y 51.5 to 51.51, which look like longitude/latitude in degrees: set the right CRS with ogr2ogr -a_srs EPSG:4326 or GeoPandas set_crs(4326, allow_override=True)
    """
    g = gdf.geometry
    g = g[~(g.isna() | g.is_empty).to_numpy()]
    if g.empty:
        return
    b = g.total_bounds
    crs = gdf.crs
    name = f"EPSG:{crs.to_epsg()}" if crs.to_epsg() else one_line(crs.name, 60)
    where = f"coordinate reference system {name}"
    degrees = -180 <= b[0] and b[2] <= 180 and -90 <= b[1] and b[3] <= 90
    if crs.is_geographic:
        if GB_LON[0] <= b[0] and b[2] <= GB_LON[1] and GB_LAT[0] <= b[1] and b[3] <= GB_LAT[1]:
            return
        hint = (f"which look like metres (British National Grid): {_SET_CRS.format(e=27700)}" if not degrees
                else "outside Great Britain (longitude and latitude swapped?): set the right CRS with "
                     "ogr2ogr -a_srs or GeoPandas set_crs")
        raise InputError(path, where, "longitude and latitude in degrees in Great Britain",
                         found=f"{_extent(b)}, {hint}")
    expected = (f"coordinates in Great Britain in metres (easting {GB_EASTING[0]:,.0f} to {GB_EASTING[1]:,.0f}, "
                f"northing {GB_NORTHING[0]:,.0f} to {GB_NORTHING[1]:,.0f})")
    if degrees:   # in a projected CRS: within 180 m of its origin (for EPSG:27700, the sea off Scilly)
        raise InputError(path, where, expected, found=f"{_extent(b)}, which look like longitude/latitude in "
                         f"degrees: {_SET_CRS.format(e=4326)}")
    try:
        from pyproj import Transformer  # heavy: pyproj only when coordinates are converted
        bng = (b if crs.to_epsg() == 27700
               else Transformer.from_crs(crs, 27700, always_xy=True).transform_bounds(*b))
    except Exception:  # noqa: BLE001 - a CRS pyproj cannot transform: the extent check fails below
        bng = (np.nan,) * 4
    inside = (np.all(np.isfinite(bng)) and GB_EASTING[0] <= bng[0] and bng[2] <= GB_EASTING[1]
              and GB_NORTHING[0] <= bng[1] and bng[3] <= GB_NORTHING[1])
    if not inside:
        raise InputError(path, where, expected.replace("in metres", "once reprojected to EPSG:27700"),
                         found=f"{_extent(b)}, outside Great Britain in {name}: set the right CRS with "
                               "ogr2ogr -a_srs or GeoPandas set_crs")


def check_overlaps(gdf, path) -> None:
    """Stop (:func:`~.common.problem`) when two LSOA polygons overlap by more than
    :data:`OVERLAP_SHARE` of the smaller one's area: a point would be placed in one of them
    arbitrarily (one polygon taking its neighbour's crimes) and neighbours would not be those
    the methods describe.  Shared edges and slivers of generalised boundaries are fine.

    ``gdf`` is indexed by LSOA code, in EPSG:27700 (the area's polygons: see ``load_dataset``).

    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10),
    ...                                shapely.box(15, 0, 25, 10)],
    ...                      index=pd.Index(["E01000001", "E01000002", "E01000003"], name="lsoa_code"), crs=27700)
    >>> try:
    ...     check_overlaps(g, "b.gpkg")
    ... except InputError as e:
    ...     print(e)
    b.gpkg: expected LSOA polygons that do not overlap, found E01000002 and E01000003 overlapping by 50% of the smaller one's area: a file mixing 2011 and 2021 LSOAs, or another geography's polygons? Use one vintage's LSOA boundaries, one polygon per LSOA
    """
    if gdf is None or len(gdf) < 2:
        return
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    try:
        a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
        keep = a < b
        a, b = a[keep], b[keep]
        inner = shapely.relate_pattern(geoms[a], geoms[b], "2********")   # interiors meet: not just an edge
        a, b = a[inner], b[inner]
        if not len(a):
            return
        share = shapely.area(shapely.intersection(geoms[a], geoms[b])) / np.minimum(
            shapely.area(geoms[a]), shapely.area(geoms[b]))
    except shapely.errors.GEOSException:   # geometry GEOS cannot intersect: nothing to conclude
        return
    big = np.flatnonzero(share > OVERLAP_SHARE)
    if not len(big):
        return
    worst = big[np.argmax(share[big])]
    codes = np.asarray(gdf.index)
    more = f" (and {len(big) - 1} more pair{'s' if len(big) > 2 else ''})" if len(big) > 1 else ""
    problem(InputError(path, "", "LSOA polygons that do not overlap",
                       found=f"{codes[a[worst]]} and {codes[b[worst]]} overlapping by {share[worst]:.0%} of the "
                             f"smaller one's area{more}: a file mixing 2011 and 2021 LSOAs, or another geography's "
                             "polygons? Use one vintage's LSOA boundaries, one polygon per LSOA"))


@dataclass
class BoundaryFile:
    """The loaded boundary file: ``gdf`` indexed by lsoa_code (lsoa_name, geometry), EPSG:27700."""

    gdf: object
    vintage: int | None
    code_column: str
    lad: pd.Series | None = None
    file: Path | None = None
    #: features left out for an empty geometry: lsoa_code, lsoa_name (and lad_code when given)
    empty: pd.DataFrame | None = None


def load_boundaries(cfg, acc, notes: list, lookup: pd.DataFrame | None = None) -> BoundaryFile:
    """Read the LSOA boundary file (GeoPackage, GeoJSON or Shapefile; any CRS) -> EPSG:27700.

    The code column is ``boundaries.code_column`` or LSOA21CD / LSOA11CD / lsoa_code;
    the name column ``boundaries.name_column`` or LSOA21NM / LSOA11NM / lsoa_name.
    Invalid geometries are repaired (``shapely.make_valid``) and counted in the
    notes; empty geometries, blank and duplicate codes are counted exclusions.  Points or
    lines instead of polygons (:func:`check_polygons`) and coordinates that do not fit Great
    Britain in the file's CRS (:func:`check_crs`) stop with one line; overlapping polygons
    are checked on the area's polygons (:func:`check_overlaps`, from ``load_dataset``).

    Example
    -------
    >>> from assessment.config import Config
    >>> from assessment.accounting import Accounting
    >>> import geopandas as gpd, shapely, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> gpd.GeoDataFrame({"LSOA21CD": ["E01000001"], "LSOA21NM": ["Testham 001A"]},
    ...                  geometry=[shapely.box(530000, 180000, 531000, 181000)], crs=27700).to_file(d / "b.gpkg")
    >>> cfg = Config.model_validate({"area": {"name": "Testham"}, "inputs": {"boundaries": str(d / "b.gpkg")}})
    >>> b = load_boundaries(cfg, Accounting(), [])
    >>> b.vintage, b.gdf.index.tolist(), b.gdf.crs.to_epsg()
    (2021, ['E01000001'], 27700)
    """
    path = cfg.inputs.boundaries
    gdf = _read_boundary_layer(path, cfg.boundaries.layer, notes)
    cols = _BoundaryColumns.find(gdf, cfg.boundaries, path)
    gdf = _check_boundary_geometry(gdf, path, cols.code, acc, notes)
    out = _boundary_frame(gdf, cols)
    out, empty_rows = _drop_unusable_features(out, path, acc)
    malformed = ~valid_lsoa(out["lsoa_code"])
    if malformed.all():
        problem(InputError(path, f"column '{cols.code}'", "LSOA codes such as E01001962",
                           found=f"{quote(out['lsoa_code'].iloc[0])} in every feature (is boundaries.code_column right?)"))
    vintage = vintage_of_column(cols.code) or vintage_by_lookup(out["lsoa_code"], lookup)
    return _boundary_file(out, empty_rows, vintage, cols.code, path)


def _read_boundary_layer(path: Path, layer: str | None, notes: list):
    """The boundary file's layer (``boundaries.layer``, else the first: noted when there are several)."""
    import geopandas as gpd  # heavy: geopandas only when a boundary file is read

    try:
        import pyogrio  # heavy: with geopandas, only when a boundary file is read
        layers = [line[0] for line in pyogrio.list_layers(path)]
    except Exception as e:  # noqa: BLE001 - any reader failure is a bad input
        raise InputError(path, "", "a GeoPackage, GeoJSON or Shapefile of LSOA polygons",
                         found=f"a file that cannot be read ({_reader_error(e, path)})") from None
    if layer is not None and layer not in layers:
        raise InputError(path, f"layer '{layer}'", "the layer named in boundaries.layer",
                         found="layers " + ", ".join(layers))
    if layer is None and len(layers) > 1:
        notes.append(f"{path.name}: {len(layers)} layers; used the first, {quote(layers[0])} (set boundaries.layer to choose)")
    try:
        return gpd.read_file(path, layer=layer or (layers[0] if layers else None))
    except Exception as e:  # noqa: BLE001
        raise InputError(path, "", "a GeoPackage, GeoJSON or Shapefile of LSOA polygons",
                         found=f"a file that cannot be read ({_reader_error(e, path)})") from None


@dataclass
class _BoundaryColumns:
    """The boundary file's LSOA code, LSOA name and local authority code columns (as in the file)."""

    code: str
    name: str | None
    lad: str | None

    @classmethod
    def find(cls, gdf, options, path: Path) -> _BoundaryColumns:
        """The columns named in the config (``boundaries.code_column``, ``name_column``), else found by
        their usual names; a code column that is not there stops with one line."""
        cols = {norm_name(c): c for c in gdf.columns if c != gdf.geometry.name}
        probe = pd.DataFrame(columns=list(cols))
        if options.code_column:
            code_col = find_column(probe, options.code_column)
            if code_col is None:
                raise InputError(path, f"column '{options.code_column}'", "the LSOA code column named in "
                                 "boundaries.code_column", found="columns " + ", ".join(cols.values()))
        else:
            code_col = find_column(probe, *_CODE_ALIASES, pattern=r"lsoa\d\dcd")
            if code_col is None:
                raise InputError(path, "column 'LSOA21CD'", "an LSOA code column (LSOA21CD, LSOA11CD or lsoa_code; "
                                 "or set boundaries.code_column)", found="columns " + ", ".join(cols.values()))
        if options.name_column:
            name_col = find_column(probe, options.name_column)
            if name_col is None:
                raise InputError(path, f"column '{options.name_column}'", "the LSOA name column named in "
                                 "boundaries.name_column", found="columns " + ", ".join(cols.values()))
        else:
            name_col = find_column(probe, *_NAME_ALIASES, pattern=r"lsoa\d\dnm")
        lad_col = find_column(probe, "lad_code", pattern=r"lad\d\dcd")
        return cls(code=cols[code_col], name=cols[name_col] if name_col else None,
                   lad=cols[lad_col] if lad_col else None)


def _check_boundary_geometry(gdf, path: Path, code_column: str, acc, notes: list):
    """Polygons in Great Britain (stops with one line otherwise, before the features are accounted);
    the features read; the layer in EPSG:27700 (a file without a CRS: guessed from the coordinates, noted)."""
    n = len(gdf)
    if n == 0:
        acc.read("boundaries", n)
        raise InputError(path, "", "LSOA polygons", found="no features")
    # a file that is not LSOA polygons in Great Britain stops before its features are accounted
    check_polygons(gdf, path, gdf[code_column])
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        guess = 4326 if (-180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90) else 27700
        gdf = gdf.set_crs(guess)
        notes.append(f"{path.name}: no coordinate reference system; assumed EPSG:{guess} from the coordinates")
    check_crs(gdf, path)
    acc.read("boundaries", n)
    if gdf.crs.to_epsg() != 27700:
        gdf = gdf.to_crs(27700)
    return gdf


def _boundary_frame(gdf, cols: _BoundaryColumns):
    """``lsoa_code``, ``lsoa_name`` (and ``lad_code``) and the geometry, in EPSG:27700."""
    import geopandas as gpd  # heavy: geopandas only when a boundary file is read

    out = gpd.GeoDataFrame({
        "lsoa_code": strip(gdf[cols.code].astype("str")),
        "lsoa_name": strip(gdf[cols.name].astype("str")) if cols.name else pd.Series(pd.NA, index=gdf.index, dtype="str"),
    }, geometry=gdf.geometry.values, crs=27700)
    if cols.lad:
        out["lad_code"] = strip(gdf[cols.lad].astype("str"))
    return out


def _drop_unusable_features(out, path: Path, acc):
    """Exclude (counted) the features with an empty geometry, no code or a repeated code; repair
    invalid geometries (noted).  Returns the features kept and those left out for an empty geometry."""
    empty = out.geometry.isna() | out.geometry.is_empty
    acc.exclude("boundaries", "empty geometry", int(empty.sum()))
    empty_rows = pd.DataFrame(out.loc[empty.to_numpy()].drop(columns="geometry"))
    out = out[~empty]
    nocode = out["lsoa_code"].isna()
    acc.exclude("boundaries", "no LSOA code", int(nocode.sum()))
    out = out[~nocode]
    dup = out["lsoa_code"].duplicated()
    acc.exclude("boundaries", "duplicate LSOA code", int(dup.sum()))
    out = out[~dup]
    invalid = ~out.geometry.is_valid
    if invalid.any():
        fixed = shapely.make_valid(out.geometry[invalid].to_numpy(), method="structure", keep_collapsed=False)
        out.loc[invalid, "geometry"] = fixed
        msg = f"{int(invalid.sum())} invalid geometr{'y' if invalid.sum() == 1 else 'ies'} repaired (shapely make_valid)"
        acc.note("boundaries", f"{path.name}: {msg}")   # copied into the dataset's notes by load_dataset
    if len(out) == 0:
        raise InputError(path, "", "LSOA polygons", found="no feature with both an LSOA code and a geometry")
    return out, empty_rows


def _boundary_file(out, empty_rows: pd.DataFrame, vintage, code_column: str, path: Path) -> BoundaryFile:
    """The polygons indexed by LSOA code, the local authority codes apart, and the empty-geometry
    features whose (valid) code has no polygon."""
    out = out.set_index("lsoa_code")
    out.index.name = "lsoa_code"
    lad = out.pop("lad_code") if "lad_code" in out else None
    if lad is not None:
        lad.name = "lad_code"
    out = out.set_geometry("geometry")
    empty_rows = empty_rows[valid_lsoa(empty_rows["lsoa_code"]).to_numpy() & ~empty_rows["lsoa_code"].isin(out.index)]
    return BoundaryFile(gdf=out, vintage=vintage, code_column=code_column, lad=lad, file=path,
                        empty=empty_rows.reset_index(drop=True))


def boundary_attribution(codes, synthetic: bool) -> str:
    """The ONS/OS attribution, when the codes are real ONS codes and the data are not synthetic.

    >>> boundary_attribution(pd.Index(["E01001962"]), False)[:40]
    'Contains National Statistics data © Crow'
    >>> boundary_attribution(pd.Index(["E01001962"]), True)
    ''
    """
    if synthetic or codes is None or len(codes) == 0:
        return ""
    real = pd.Series(pd.Index(codes).astype(str)).str.match(r"^[EW]0[1-9]\d{6}$")
    return ONS_ATTRIBUTION if real.mean() > 0.5 else ""


# -- ward lookup -----------------------------------------------------------------------------
def load_wards(path: Path, acc, notes: list) -> pd.DataFrame:
    """The LSOA -> ward (-> local authority) lookup -> lsoa_code, ward_code, ward_name, lad_code, lad_name.

    Accepts the ONS lookup as published (``LSOA21CD, WD24CD, WD24NM, LAD24CD, LAD24NM``
    — any year suffix) or a plain ``lsoa_code, ward_code, ward_name``.  The
    frame's ``attrs["vintage"]`` is the LSOA vintage of its code column.

    Example
    -------
    >>> import tempfile, pathlib
    >>> from assessment.accounting import Accounting
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.csv"
    >>> _ = p.write_text("LSOA21CD,WD24CD,WD24NM,LAD24CD\\nE01000001,E05000001,North,E09000001\\n")
    >>> w = load_wards(p, Accounting(), [])
    >>> w[["lsoa_code", "ward_code", "ward_name", "lad_code"]].values.tolist(), w.attrs["vintage"]
    ([['E01000001', 'E05000001', 'North', 'E09000001']], 2021)
    """
    df = read_csv(path, notes=notes)
    orig = df.attrs["original"]
    lsoa = find_column(df, *_CODE_ALIASES, pattern=r"lsoa\d\dcd")
    wcode = find_column(df, "ward_code", "wardcode", "wd_code", pattern=r"wd\d\dcd")
    wname = find_column(df, "ward_name", "wardname", "wd_name", pattern=r"wd\d\dnm")
    missing = [(n, e) for n, e, c in (("lsoa_code", "LSOA21CD or lsoa_code", lsoa),
                                      ("ward_code", "WD24CD or ward_code", wcode),
                                      ("ward_name", "WD24NM or ward_name", wname)) if c is None]
    if missing:
        raise InputError(path, "column " + ", ".join(f"'{m[0]}'" for m in missing),
                         "; ".join(f"a column named {m[1]}" for m in missing),
                         found="columns " + ", ".join(orig.get(c, c) for c in df.columns))
    lad = find_column(df, "lad_code", "local_authority_code", pattern=r"lad\d\dcd")
    ladn = find_column(df, "lad_name", "local_authority_name", pattern=r"lad\d\dnm")
    out = pd.DataFrame({"lsoa_code": strip(df[lsoa]), "ward_code": strip(df[wcode]), "ward_name": strip(df[wname]),
                        "lad_code": strip(df[lad]) if lad else pd.NA, "lad_name": strip(df[ladn]) if ladn else pd.NA})
    acc.read("wards", len(out))
    bad = ~valid_lsoa(out["lsoa_code"])
    acc.exclude("wards", "malformed LSOA code", int(bad.sum()))
    out = out[~bad]
    dup = out["lsoa_code"].duplicated()
    acc.exclude("wards", "duplicate LSOA code", int(dup.sum()))
    out = out[~dup].reset_index(drop=True)
    out.attrs["vintage"] = vintage_of_column(orig.get(lsoa, lsoa))
    out.attrs["file"] = str(path)
    return out
