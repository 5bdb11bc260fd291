"""``assessment fetch ons``: a local authority's LSOA boundaries, LSOA → ward → LAD lookup and mid-year
populations, into the fetch folder.

Sources (Open Government Licence v3; the boundaries contain OS data © Crown copyright):

* the lookup — ONS Open Geography Portal, the ArcGIS REST feature service
  ``LSOA21_WD24_LAD24_EW_LU`` (``<base>/<service>/FeatureServer/0/query``, ``where=LAD24CD='E09000014'``,
  ``f=json``, paged with ``resultOffset``/``resultRecordCount`` while the answer says
  ``exceededTransferLimit``), written as ``lsoa-ward-lad-lookup.csv`` with the ONS columns
  (``LSOA21CD, LSOA21NM, WD24CD, WD24NM, LAD24CD, LAD24NM``);
* the boundaries — the feature service ``Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5``
  (generalised, clipped), queried for the lookup's LSOAs (``where=LSOA21CD IN (...)``, 100 codes a
  request, ``outSR=4326``, ``f=geojson``), written as ``lsoa-boundaries.geojson`` (WGS84, the features'
  ``LSOA21CD``, ``LSOA21NM`` and polygon only);
* the populations — ONS small-area population estimates (2021-based, dataset ``NM_2014_1``) from
  Nomis, the ONS-run API: ``<nomis>/dataset/NM_2014_1.data.csv?geography=<LAD>TYPE151`` (the LAD's
  2021 LSOAs) ``&date=latestMINUS5-latest&gender=0&c_age=200&measures=20100`` (all persons, all ages,
  the six latest mid-years), written as ``population.csv`` (``lsoa_code, lsoa_name, year, population``,
  the long layout the population loader reads).

The service names change when ONS republishes (V5, WD25 ...): ``--lookup-service`` and
``--boundary-service`` take another; the ward/LAD field names follow the lookup service's name
(``WD25``/``LAD25`` for ``LSOA21_WD25_LAD25_EW_LU``).  ``--base-url`` (or ``ASSESSMENT_ONS_URL``) replaces
``https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services``, ``--nomis-url`` (or
``ASSESSMENT_NOMIS_URL``) ``https://www.nomisweb.co.uk/api/v01``.

Every value written is checked: codes must be ONS codes of the right kind (``E01``/``W01`` + 6 digits
for an LSOA, ``E05``/``W05`` for a ward), the LAD the one asked for, a boundary a polygon of one of the
lookup's LSOAs, a population a whole number from 0 to 100,000; an ArcGIS error answer (HTTP 200 with
``{"error": ...}``) is one line.

Example
-------
>>> query_url("https://example.invalid/services", "SVC", {"where": "LAD24CD='E09000014'", "f": "json"})
"https://example.invalid/services/SVC/FeatureServer/0/query?where=LAD24CD%3D'E09000014'&f=json"
>>> vintage("LSOA21_WD25_LAD25_EW_LU_v2")
'25'
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import one_line
from . import FetchError
from .http import Http
from .manifest import Manifest, write_config
from .police_uk import base_url

DEFAULT_ONS_URL = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"
DEFAULT_NOMIS_URL = "https://www.nomisweb.co.uk/api/v01"
ENV_ONS = "ASSESSMENT_ONS_URL"
ENV_NOMIS = "ASSESSMENT_NOMIS_URL"
LOOKUP_SERVICE = "LSOA21_WD24_LAD24_EW_LU"
BOUNDARY_SERVICE = "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5"
POPULATION_DATASET = "NM_2014_1"
LOOKUP_FILE = "lsoa-ward-lad-lookup.csv"
BOUNDARY_FILE = "lsoa-boundaries.geojson"
POPULATION_FILE = "population.csv"
PAGE = 2000
CODES_PER_REQUEST = 100
MAX_PAGES = 200
MAX_RESPONSE = 256 << 20
NOMIS_PAGE = 25_000
MAX_POPULATION = 100_000
LAD_RE = re.compile(r"^[EW]0[6-9]\d{6}$")
LSOA_RE = re.compile(r"^[EW]01\d{6}$")
WARD_RE = re.compile(r"^[EW]05\d{6}$")
SERVICE_RE = re.compile(r"^[A-Za-z0-9_]{1,200}$")
HINT = f"--base-url URL or {ENV_ONS}=URL (Nomis: --nomis-url or {ENV_NOMIS})"


def query_url(root: str, service: str, params: dict) -> str:
    """The ArcGIS REST query URL of ``service`` (layer 0)."""
    return f"{root}/{service}/FeatureServer/0/query?" + urllib.parse.urlencode(params, safe=",'()*")


def vintage(service: str) -> str:
    """The ward/LAD year of a lookup service's name (``WD24`` -> ``'24'``)."""
    m = re.search(r"WD(\d\d)", service)
    if not m:
        raise FetchError(f"--lookup-service: expected a name with the ward year (e.g. {LOOKUP_SERVICE}), "
                         f"found {service!r}")
    return m.group(1)


def _json(http: Http, url: str) -> dict:
    body = http.get_bytes(url, limit=MAX_RESPONSE)
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise FetchError(f"{url}: expected a JSON answer, found something else") from None
    if not isinstance(data, dict):
        raise FetchError(f"{url}: expected a JSON object, found {type(data).__name__}")
    if isinstance(data.get("error"), dict):   # ArcGIS reports errors with HTTP 200
        err = data["error"]
        raise FetchError(f"{url}: the service answered error {err.get('code', '?')}: "
                         f"{one_line(err.get('message', ''), 120)} (is the service name right? "
                         "--lookup-service / --boundary-service)")
    return data


def _paged(http: Http, root: str, service: str, params: dict, features_of=lambda d: d.get("features")):
    """Every feature of a paged ArcGIS query, and the URLs asked."""
    out, urls = [], []
    for _page in range(MAX_PAGES):    # the server may send fewer than asked (its maxRecordCount): go on from there
        url = query_url(root, service, {**params, "resultOffset": len(out), "resultRecordCount": PAGE})
        data = _json(http, url)
        urls.append(url)
        feats = features_of(data)
        if not isinstance(feats, list):
            raise FetchError(f"{url}: expected a list of features, found none")
        out.extend(feats)
        more = data.get("exceededTransferLimit") or (data.get("properties") or {}).get("exceededTransferLimit")
        if not feats or (not more and len(feats) < PAGE):
            return out, urls
    raise FetchError(f"{service}: more than {MAX_PAGES} pages of answers")


@dataclass
class OnsResult:
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    lsoas: int = 0
    config: Path | None = None


def _text(v, limit: int = 100) -> str:
    return one_line("" if v is None else v, limit).strip()


def fetch_lookup(http: Http, root: str, service: str, lad: str) -> tuple[list[dict], list[str], str]:
    """The lookup rows of ``lad`` (checked), the URLs asked, and the year suffix."""
    yy = vintage(service)
    fields = ["LSOA21CD", "LSOA21NM", f"WD{yy}CD", f"WD{yy}NM", f"LAD{yy}CD", f"LAD{yy}NM"]
    feats, urls = _paged(http, root, service, {"where": f"LAD{yy}CD='{lad}'", "outFields": ",".join(fields),
                                               "returnGeometry": "false", "orderByFields": "LSOA21CD", "f": "json"})
    rows, seen = [], set()
    for i, f in enumerate(feats, 1):
        a = f.get("attributes") if isinstance(f, dict) else None
        if not isinstance(a, dict):
            raise FetchError(f"{service}: feature {i}: expected attributes, found none")
        row = {k: _text(a.get(k)) for k in fields}
        if not LSOA_RE.match(row["LSOA21CD"]):
            raise FetchError(f"{service}: feature {i}: expected an LSOA code (E01 and 6 digits), "
                             f"found {row['LSOA21CD'][:20]!r}")
        if not WARD_RE.match(row[f"WD{yy}CD"]):
            raise FetchError(f"{service}: feature {i}: expected a ward code (E05 and 6 digits), "
                             f"found {row[f'WD{yy}CD'][:20]!r}")
        if row[f"LAD{yy}CD"] != lad:
            raise FetchError(f"{service}: feature {i}: expected local authority {lad}, "
                             f"found {row[f'LAD{yy}CD'][:20]!r}")
        if row["LSOA21CD"] not in seen:
            seen.add(row["LSOA21CD"])
            rows.append(row)
    if not rows:
        raise FetchError(f"{service}: no LSOAs for local authority {lad} (is it a 20{yy} local authority code, "
                         "e.g. E09000014 for Haringey?)")
    return rows, urls, yy


def fetch_boundaries(http: Http, root: str, service: str, codes: list[str]) -> tuple[dict, list[str]]:
    """A GeoJSON FeatureCollection of the LSOAs ``codes`` (checked), and the URLs asked."""
    want = set(codes)
    got: dict[str, dict] = {}
    urls: list[str] = []
    for i in range(0, len(codes), CODES_PER_REQUEST):
        chunk = codes[i:i + CODES_PER_REQUEST]
        where = "LSOA21CD IN (" + ",".join(f"'{c}'" for c in chunk) + ")"
        feats, u = _paged(http, root, service, {"where": where, "outFields": "LSOA21CD,LSOA21NM",
                                                "returnGeometry": "true", "outSR": "4326", "f": "geojson"})
        urls.extend(u)
        for j, f in enumerate(feats, 1):
            props = f.get("properties") if isinstance(f, dict) else None
            geom = f.get("geometry") if isinstance(f, dict) else None
            code = _text((props or {}).get("LSOA21CD"))
            if code not in want:
                raise FetchError(f"{service}: feature {j}: expected one of the area's LSOAs, found {code[:20]!r}")
            if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon") \
                    or not isinstance(geom.get("coordinates"), list):
                raise FetchError(f"{service}: {code}: expected a polygon, found "
                                 f"{(geom or {}).get('type', 'no geometry') if isinstance(geom, dict) else 'none'}")
            got.setdefault(code, {"type": "Feature",
                                  "properties": {"LSOA21CD": code, "LSOA21NM": _text(props.get("LSOA21NM"))},
                                  "geometry": {"type": geom["type"], "coordinates": geom["coordinates"]}})
    missing = [c for c in codes if c not in got]
    if missing:
        raise FetchError(f"{service}: no boundary for {len(missing)} of the area's {len(codes)} LSOAs "
                         f"(first {missing[0]}): a different LSOA vintage? (--boundary-service)")
    return {"type": "FeatureCollection", "features": [got[c] for c in codes]}, urls


def fetch_population(http: Http, nomis: str, lad: str, codes: set[str], years: int) -> tuple[list[list], list[str], str]:
    """Rows ``[lsoa_code, lsoa_name, year, population]`` of the area's LSOAs, the URLs, the SHA-256 of the answers."""
    date = "latest" if years <= 1 else f"latestMINUS{years - 1}-latest"
    rows, urls, digest = [], [], hashlib.sha256()
    offset, expected = 0, None
    for _ in range(MAX_PAGES):
        params = {"geography": f"{lad}TYPE151", "date": date, "gender": "0", "c_age": "200", "measures": "20100",
                  "select": "date,geography_code,geography_name,obs_value,record_count",
                  "RecordLimit": NOMIS_PAGE, "RecordOffset": offset}
        url = f"{nomis}/dataset/{POPULATION_DATASET}.data.csv?" + urllib.parse.urlencode(params, safe=",")
        body = http.get_bytes(url, limit=MAX_RESPONSE)
        urls.append(url)
        digest.update(body)
        try:
            reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
            page = list(reader)
        except (UnicodeDecodeError, csv.Error):
            raise FetchError(f"{url}: expected a CSV answer, found something else") from None
        cols = {c.upper() for c in (reader.fieldnames or [])}
        if not {"DATE", "GEOGRAPHY_CODE", "OBS_VALUE"} <= cols:
            raise FetchError(f"{url}: expected the columns DATE, GEOGRAPHY_CODE, OBS_VALUE, found "
                             f"{', '.join(sorted(cols))[:120] or 'none'} (is the LAD code right?)")
        for i, r in enumerate(page, 2):
            r = {k.upper(): v for k, v in r.items() if isinstance(k, str)}
            code, year, value = _text(r.get("GEOGRAPHY_CODE")), _text(r.get("DATE")), _text(r.get("OBS_VALUE"))
            if not LSOA_RE.match(code):
                raise FetchError(f"{url}: row {i}: expected an LSOA code, found {code[:20]!r}")
            if not re.fullmatch(r"(19|20)\d\d", year):
                raise FetchError(f"{url}: row {i}: expected a year (e.g. 2022), found {year[:20]!r}")
            if not value.isdigit() or int(value) > MAX_POPULATION:
                raise FetchError(f"{url}: row {i}: expected a population (a whole number from 0 to "
                                 f"{MAX_POPULATION:,}), found {value[:20]!r}")
            if expected is None and _text(r.get("RECORD_COUNT")).isdigit():
                expected = int(_text(r.get("RECORD_COUNT")))
            if not codes or code in codes:
                rows.append([code, _text(r.get("GEOGRAPHY_NAME")), int(year), int(value)])
        offset += len(page)
        if not page or expected is None or offset >= expected:
            break
    if not rows:
        raise FetchError(f"{nomis}: no population estimates for the LSOAs of {lad}")
    return rows, urls, digest.hexdigest()


def _write_text(path: Path, text: str) -> None:
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8", newline="")
    part.replace(path)


def fetch_ons(lad: str, dest: Path, base: str | None = None, nomis: str | None = None, years: int = 6,
              lookup_service: str = LOOKUP_SERVICE, boundary_service: str = BOUNDARY_SERVICE,
              http: Http | None = None, log: Callable[[str], None] = print) -> OnsResult:
    """Fetch the lookup, boundaries and populations of local authority ``lad``; see the module docstring."""
    lad = (lad or "").strip().upper()
    if not LAD_RE.match(lad):
        raise FetchError(f"--lad: expected a local authority code such as E09000014 (Haringey), found {lad!r}")
    for name, s in (("--lookup-service", lookup_service), ("--boundary-service", boundary_service)):
        if not SERVICE_RE.match(s or ""):
            raise FetchError(f"{name}: expected a service name (letters, digits, _), found {s!r}")
    if not 1 <= years <= 20:
        raise FetchError(f"--population-years: expected 1 to 20, found {years}")
    root = base_url(base, ENV_ONS, DEFAULT_ONS_URL)
    nomis_root = base_url(nomis, ENV_NOMIS, DEFAULT_NOMIS_URL)
    http = http or Http(hint=HINT)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    m = Manifest.load(dest)
    res = OnsResult()
    same_area = m.area.get("lad_code") == lad

    def done(name):
        ok = same_area and m.verified(name)
        if ok:
            res.skipped.append(name)
        return ok

    if done(LOOKUP_FILE):
        with open(dest / LOOKUP_FILE, encoding="utf-8", newline="") as f:
            lookup = list(csv.DictReader(f))
    else:
        lookup, urls, yy = fetch_lookup(http, root, lookup_service, lad)
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(lookup[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(lookup)
        _write_text(dest / LOOKUP_FILE, buf.getvalue())
        m.area.update(lad_code=lad, lad_name=next(iter(r[f"LAD{yy}NM"] for r in lookup)) or lad)
        m.record(LOOKUP_FILE, kind="wards", url=urls[0], requests=len(urls), service=lookup_service)
        m.save()
        res.written.append(LOOKUP_FILE)
        log(f"wrote {LOOKUP_FILE} ({len(lookup)} LSOAs of {m.area['lad_name']})")
    codes = sorted({r.get("LSOA21CD", "") for r in lookup if LSOA_RE.match(r.get("LSOA21CD", ""))})
    res.lsoas = len(codes)
    if not done(BOUNDARY_FILE):
        fc, urls = fetch_boundaries(http, root, boundary_service, codes)
        _write_text(dest / BOUNDARY_FILE, json.dumps(fc, separators=(",", ":")) + "\n")
        m.record(BOUNDARY_FILE, kind="boundaries", url=urls[0], requests=len(urls), service=boundary_service)
        m.save()
        res.written.append(BOUNDARY_FILE)
        log(f"wrote {BOUNDARY_FILE} ({len(fc['features'])} LSOA polygons)")
    if not done(POPULATION_FILE):
        rows, urls, source_sha = fetch_population(http, nomis_root, lad, set(codes), years)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["lsoa_code", "lsoa_name", "year", "population"])
        w.writerows(sorted(rows, key=lambda r: (r[2], r[0])))
        _write_text(dest / POPULATION_FILE, buf.getvalue())
        m.record(POPULATION_FILE, kind="population", url=urls[0], requests=len(urls), source_sha256=source_sha,
                 derived="Nomis columns GEOGRAPHY_CODE, GEOGRAPHY_NAME, DATE, OBS_VALUE written as lsoa_code, "
                         "lsoa_name, year, population; the area's LSOAs only")
        m.save()
        res.written.append(POPULATION_FILE)
        years_got = sorted({r[2] for r in rows})
        log(f"wrote {POPULATION_FILE} (mid-{years_got[0]} to mid-{years_got[-1]}, {len({r[0] for r in rows})} LSOAs)")
    m.area.setdefault("lad_code", lad)
    m.save()
    res.config = write_config(m)
    return res
