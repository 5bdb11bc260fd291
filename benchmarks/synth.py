"""Synthetic police.uk data at London and national scale, for the benchmarks.

Everything here is SYNTHETIC and seeded: the same arguments give the same files.

* :func:`make_geography` — LSOA-like polygons (a Voronoi tessellation of jittered points
  in British National Grid), grouped into local-authority areas ("boroughs") and wards;
  LSOA names follow the ONS pattern ``<area> 001A`` so that ``area.lsoa_name_prefix``
  selects a borough.  London: 4,994 LSOAs (the 2021 count) in the 32 boroughs and the
  City; national: 35,000 LSOAs in 43 force areas of about 8 authorities each.
* :func:`write_police_uk` — one street CSV per force per month, exactly in police.uk's
  form (12 columns, 64-hex-digit crime ids, an empty id on ASB rows, the national
  crime-type mix, outcome categories, "On or near ..." locations, WGS84 coordinates),
  with a heavy-tailed spread of crime over LSOAs and planted hot spots.
* :func:`write_support_files` — the boundary GeoPackage (LSOA21CD, LSOA21NM), the ward
  lookup and residents per LSOA, and a config for one borough.

Run ``python benchmarks/synth.py --help`` to write a data set by hand; ``run.py``
calls it and keeps the files under ``benchmarks/.data/`` (ignored by git).
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

LONDON_BOROUGHS = [
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon", "Ealing",
    "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering",
    "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth",
    "Lewisham", "Merton", "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton",
    "Tower Hamlets", "Waltham Forest", "Wandsworth", "Westminster",
]
CITY = "City of London"

#: police.uk crime types and their approximate share of rows (England and Wales, with ASB)
CRIME_MIX = {
    "Anti-social behaviour": 0.20, "Violence and sexual offences": 0.30, "Public order": 0.07,
    "Criminal damage and arson": 0.065, "Other theft": 0.06, "Shoplifting": 0.06, "Vehicle crime": 0.055,
    "Burglary": 0.04, "Drugs": 0.03, "Theft from the person": 0.02, "Bicycle theft": 0.01,
    "Robbery": 0.015, "Other crime": 0.015, "Possession of weapons": 0.01,
}
OUTCOMES = [
    "Investigation complete; no suspect identified", "Unable to prosecute suspect", "Status update unavailable",
    "Court result unavailable", "Under investigation", "Offender given a caution", "Local resolution",
    "Awaiting court outcome", "Further investigation is not in the public interest",
    "Action to be taken by another organisation", "Formal action is not in the public interest",
]
STREETS = [f"{a} {b}" for a in ("Acorn", "Beech", "Cedar", "Elm", "Hazel", "Larch", "Maple", "Oak", "Rowan",
                                 "Willow", "Alder", "Birch", "Holly", "Juniper", "Poplar", "Spruce", "Yew",
                                 "Ash", "Laurel", "Myrtle")
           for b in ("Street", "Road", "Lane", "Close", "Avenue", "Place", "Grove", "Way", "Gardens", "Court")]
STREETS += ["Supermarket", "Shopping Area", "Petrol Station", "Parking Area", "Nightclub", "Sports/Recreation Area",
            "Further/Higher Educational Building", "Hospital", "Police Station", "Conference/Exhibition Centre"]


_HEX = np.array([f"{i:02x}".encode() for i in range(256)], dtype="S2")


@dataclass
class Geography:
    """LSOA codes, names, area (borough), ward and force of every synthetic LSOA, with polygons."""
    lsoas: pd.DataFrame          # lsoa_code, lsoa_name, area, ward_code, ward_name, force, x, y, lon, lat, weight
    gdf: object                  # GeoDataFrame indexed by lsoa_code (EPSG:27700)


def _tessellation(n: int, half_w: float, half_h: float, cx: float, cy: float, rng):
    """``n`` Voronoi cells of jittered points inside an ellipse (BNG metres)."""
    import shapely
    from shapely.geometry import MultiPoint
    pts = []
    while sum(len(p) for p in pts) < n:
        p = rng.uniform(-1, 1, size=(n, 2))
        pts.append(p[(p ** 2).sum(axis=1) <= 1])
    p = np.concatenate(pts)[:n] * [half_w, half_h] + [cx, cy]
    envelope = shapely.Point(cx, cy).buffer(1.0, quad_segs=32)
    envelope = shapely.affinity.scale(envelope, half_w * 1.08, half_h * 1.08, origin=(cx, cy))
    cells = shapely.voronoi_polygons(MultiPoint(p), extend_to=envelope)
    # voronoi_polygons does not return cells in input order: match them back to their points
    polys = np.array(cells.geoms, dtype=object)
    tree = shapely.STRtree(polys)
    idx = tree.query(shapely.points(p), predicate="intersects")
    order = np.full(n, -1)
    order[idx[0]] = idx[1]
    geoms = shapely.intersection(polys[order], envelope)
    return p, geoms


def make_geography(kind: str = "london", seed: int = 8) -> Geography:
    """The synthetic LSOAs of ``kind`` ("london": 4,994 in 33 areas; "national": 35,000 in 43 forces)."""
    import geopandas as gpd
    from pyproj import Transformer
    from scipy.cluster.vq import kmeans2
    rng = np.random.default_rng(seed)
    if kind == "london":
        n, half_w, half_h, cx, cy = 4994, 26000.0, 20000.0, 530000.0, 180000.0
    elif kind == "national":
        n, half_w, half_h, cx, cy = 35000, 180000.0, 260000.0, 420000.0, 330000.0
    else:
        raise ValueError(f"kind: expected london or national, found {kind!r}")
    pts, geoms = _tessellation(n, half_w, half_h, cx, cy, rng)
    if kind == "london":
        # the City: the 6 LSOAs nearest the centre; the 32 boroughs: k-means of the rest
        d = np.hypot(pts[:, 0] - cx, pts[:, 1] - cy)
        city = np.argsort(d)[:6]
        rest = np.setdiff1d(np.arange(n), city)
        _, lab = kmeans2(pts[rest], 32, seed=seed, minit="++")
        area = np.empty(n, dtype=object)
        area[city] = CITY
        area[rest] = np.array(LONDON_BOROUGHS, dtype=object)[lab]
        force = np.where(area == CITY, "City of London Police", "Metropolitan Police Service")
    else:
        _, flab = kmeans2(pts, 43, seed=seed, minit="++")
        force = np.array([f"Synthshire {i + 1:02d} Police" for i in range(43)], dtype=object)[flab]
        area = np.empty(n, dtype=object)
        for f in range(43):
            m = np.flatnonzero(flab == f)
            k = max(2, round(len(m) / 110))     # about 110 LSOAs per authority
            _, alab = kmeans2(pts[m], k, seed=seed + f, minit="++")
            area[m] = [f"Synthborough {f + 1:02d}{chr(65 + a % 26)}{a // 26 or ''}" for a in alab]
    df = pd.DataFrame({"area": area, "force": force, "x": pts[:, 0], "y": pts[:, 1]})
    # LSOA codes and names: numbered within the area from north to south, like ONS
    df = df.sort_values(["area", "y"], ascending=[True, False], kind="stable").reset_index()
    df["seq"] = df.groupby("area").cumcount() + 1
    df["lsoa_code"] = [f"E01{900000 + i if kind == 'london' else 100000 + i:06d}" for i in range(len(df))]
    df["lsoa_name"] = [f"{a} {s:03d}{'ABCDE'[s % 5]}" for a, s in zip(df["area"], df["seq"])]
    # wards: about 8 LSOAs each, k-means within the area
    wc = np.empty(len(df), dtype=object)
    wn = np.empty(len(df), dtype=object)
    for a, sub in df.groupby("area"):
        k = max(1, round(len(sub) / 8))
        if k > 1:
            _, wl = kmeans2(sub[["x", "y"]].to_numpy(), k, seed=seed, minit="++")
        else:
            wl = np.zeros(len(sub), int)
        ai = sorted(df["area"].unique()).index(a)
        wc[sub.index] = [f"E05{ai:03d}{w:03d}" for w in wl]
        wn[sub.index] = [f"{a} ward {w + 1}" for w in wl]
    df["ward_code"], df["ward_name"] = wc, wn
    lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(df["x"].to_numpy(), df["y"].to_numpy())
    df["lon"], df["lat"] = lon, lat
    # crime intensity: heavy-tailed (lognormal), planted hot-spot clusters, busier near the centre
    w = rng.lognormal(0.0, 0.7, len(df))
    hot = rng.choice(len(df), size=max(3, len(df) // 150), replace=False)
    for h in hot:
        near = np.hypot(df["x"] - df.at[h, "x"], df["y"] - df.at[h, "y"]) < (1200 if kind == "london" else 2500)
        w[near.to_numpy()] *= 3.0
    centre = np.hypot(df["x"] - cx, df["y"] - cy) / max(half_w, half_h)
    df["weight"] = w * (1.6 - centre.clip(0, 1))
    gdf = gpd.GeoDataFrame({"LSOA21CD": df["lsoa_code"].to_numpy(), "LSOA21NM": df["lsoa_name"].to_numpy()},
                           geometry=list(geoms[df["index"].to_numpy()]), crs=27700)
    gdf.index = pd.Index(df["lsoa_code"].to_numpy(), name="lsoa_code")
    return Geography(lsoas=df.drop(columns=["index", "seq"]), gdf=gdf)


def _slug(force: str) -> str:
    s = force.lower().replace(" police service", "").replace(" police", "")
    return "-".join(s.split())


def write_police_uk(geo: Geography, folder: Path, months: list[str], rows_per_month: int, seed: int = 11,
                    growth: float = 0.02) -> dict:
    """One ``YYYY-MM/YYYY-MM-<force>-street.csv`` per force and month; returns rows and bytes written."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    folder = Path(folder)
    lsoas = geo.lsoas
    types = np.array(list(CRIME_MIX), dtype=object)
    tp = np.array(list(CRIME_MIX.values()))
    tp = tp / tp.sum()
    streets = np.array([f"On or near {s}" for s in STREETS], dtype=object)
    outcomes = np.array(OUTCOMES, dtype=object)
    total_rows = total_bytes = 0
    forces = sorted(lsoas["force"].unique())
    for mi, month in enumerate(months):
        rng = np.random.default_rng([seed, mi])
        season = 1 + 0.06 * np.sin(2 * np.pi * (int(month[5:]) - 4) / 12)
        trend = (1 + growth) ** (mi / 12)
        n_month = rng.poisson(rows_per_month * season * trend)
        p = lsoas["weight"].to_numpy() / lsoas["weight"].sum()
        which = np.searchsorted(np.cumsum(p), rng.random(n_month), side="right").clip(0, len(p) - 1)
        (folder / month).mkdir(parents=True, exist_ok=True)
        for force in forces:
            sel = which[lsoas["force"].to_numpy()[which] == force]
            n = len(sel)
            if n == 0:
                continue
            sel.sort()
            L = lsoas.iloc[sel]
            ctype = types[np.searchsorted(np.cumsum(tp), rng.random(n), side="right").clip(0, len(tp) - 1)]
            asb = ctype == "Anti-social behaviour"
            raw = np.frombuffer(rng.bytes(32 * n), dtype=np.uint8).reshape(n, 32)
            ids = _HEX[raw].view("S64").ravel().astype(str).astype(object)   # 64 hex digits, as police.uk
            ids[asb] = None
            outc = outcomes[rng.integers(0, len(outcomes), n)].astype(object)
            outc[asb] = None
            lon = L["lon"].to_numpy() + rng.normal(0, 0.0012, n)
            lat = L["lat"].to_numpy() + rng.normal(0, 0.0008, n)
            table = pa.table({
                "Crime ID": pa.array(ids, pa.string()),
                "Month": pa.array(np.full(n, month, dtype=object), pa.string()),
                "Reported by": pa.array(np.full(n, force, dtype=object), pa.string()),
                "Falls within": pa.array(np.full(n, force, dtype=object), pa.string()),
                "Longitude": pa.array(np.char.mod("%.6f", lon).astype(object), pa.string()),
                "Latitude": pa.array(np.char.mod("%.6f", lat).astype(object), pa.string()),
                "Location": pa.array(streets[rng.integers(0, len(streets), n)], pa.string()),
                "LSOA code": pa.array(L["lsoa_code"].to_numpy(), pa.string()),
                "LSOA name": pa.array(L["lsoa_name"].to_numpy(), pa.string()),
                "Crime type": pa.array(ctype, pa.string()),
                "Last outcome category": pa.array(outc, pa.string()),
                "Context": pa.array([None] * n, pa.string()),
            })
            path = folder / month / f"{month}-{_slug(force)}-street.csv"
            with open(path, "wb") as fh:   # police.uk's header is not quoted either
                fh.write((",".join(table.column_names) + "\n").encode())
                pcsv.write_csv(table, fh, pcsv.WriteOptions(quoting_style="none", include_header=False))
            total_rows += n
            total_bytes += path.stat().st_size
    return {"rows": total_rows, "bytes": total_bytes, "files": len(months) * len(forces)}


def financial_months(first_year: int, years: int) -> list[str]:
    """``YYYY-MM`` of ``years`` financial years from April ``first_year``."""
    return [str(p)[:7] for p in pd.period_range(f"{first_year}-04", periods=12 * years, freq="M")]


def write_support_files(geo: Geography, folder: Path, borough: str = "Haringey", seed: int = 5) -> Path:
    """Boundaries, wards and population for the synthetic LSOAs, and a config for ``borough``."""
    folder = Path(folder)
    (folder / "maps").mkdir(parents=True, exist_ok=True)
    geo.gdf.reset_index(drop=True).to_file(folder / "maps" / "lsoa.gpkg", driver="GPKG", layer="lsoa")
    L = geo.lsoas
    # the ONS layout (LSOA -> ward -> local authority), with the police force area as ONS's LAD -> CSP -> PFA
    # lookup gives it: what `assessment batch --areas all` and `--areas "force:<name>"` read
    lads = sorted(L["area"].unique())
    pd.DataFrame({"LSOA21CD": L["lsoa_code"], "WD24CD": L["ward_code"], "WD24NM": L["ward_name"],
                  "LAD24CD": L["area"].map({a: f"E0{8 if len(lads) > 40 else 9}{9000 + i:06d}" for i, a in enumerate(lads)}),
                  "LAD24NM": L["area"], "PFA23NM": L["force"]}).to_csv(folder / "maps" / "lsoa_wards.csv", index=False)
    rng = np.random.default_rng(seed)
    pd.DataFrame({"lsoa_code": L["lsoa_code"], "population": rng.normal(1650, 250, len(L)).round().astype(int).clip(900)}
                 ).to_csv(folder / "population.csv", index=False)
    write_config(folder, borough)
    return folder


def write_config(folder: Path, borough: str, name: str = "assessment.yml") -> Path:
    """A config for one synthetic borough over the files in ``folder``."""
    groups = {
        "Violence and sexual offences": ["Violence and sexual offences"], "Burglary": ["Burglary"],
        "Robbery": ["Robbery"], "Theft from the person": ["Theft from the person"],
        "Vehicle crime": ["Vehicle crime"], "Criminal damage and arson": ["Criminal damage and arson"],
        "Shoplifting": ["Shoplifting"],
        "Neighbourhood crime": ["Burglary", "Robbery", "Theft from the person", "Vehicle crime"],
    }
    lines = [
        "# SYNTHETIC benchmark data (benchmarks/synth.py); none of it is real.",
        "area:", f"  name: {borough} (synthetic)", f"  lsoa_name_prefix: {borough}",
        "synthetic: true", "period: financial",
        "inputs:", "  police_uk: police-uk", "  population: population.csv",
        "  boundaries: maps/lsoa.gpkg", "  wards: maps/lsoa_wards.csv",
        "crime_groups:",
    ] + [f"  {k}: {json.dumps(v)}" for k, v in groups.items()] + [
        "hotspots:", "  permutations: 999", "  seed: 20240401",
    ]
    p = Path(folder) / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def build(kind: str, folder: Path, years: int, first_year: int, rows_per_year: int, log=print) -> dict:
    """Write a whole data set (idempotent: a folder with a matching ``synth.json`` is kept)."""
    folder = Path(folder)
    spec = {"kind": kind, "years": years, "first_year": first_year, "rows_per_year": rows_per_year, "version": 4}
    stamp = folder / "synth.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("spec") == spec:
        return json.loads(stamp.read_text())
    t0 = time.perf_counter()
    import shutil
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    geo = make_geography(kind)
    log(f"  {kind}: {len(geo.lsoas):,} synthetic LSOAs in {geo.lsoas['area'].nunique()} areas, "
        f"{geo.lsoas['force'].nunique()} force(s)")
    write_support_files(geo, folder)
    info = write_police_uk(geo, folder / "police-uk", financial_months(first_year, years), rows_per_year // 12)
    info = {"spec": spec, **info, "lsoas": len(geo.lsoas), "areas": sorted(geo.lsoas["area"].unique()),
            "seconds": round(time.perf_counter() - t0, 1)}
    stamp.write_text(json.dumps(info, indent=1))
    log(f"  wrote {info['rows']:,} rows in {info['files']} files ({info['bytes'] / 2**20:,.0f} MiB) "
        f"in {info['seconds']:.0f} s")
    return info


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kind", choices=["london", "national"], default="london")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--years", type=int, default=5)
    p.add_argument("--first-year", type=int, default=2020)
    p.add_argument("--rows-per-year", type=int, default=1_100_000)
    a = p.parse_args(argv)
    build(a.kind, a.out, a.years, a.first_year, a.rows_per_year)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
