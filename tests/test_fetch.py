"""``assessment fetch`` (issue 17), offline: every request goes to a local HTTP server on 127.0.0.1
serving zips and answers built here (with and without range support, dropping connections, 404/500).

Checked: files written byte-identical to the archive members; provenance SHA-256s; the newest archive
holding a month is the one used; resuming skips complete files and refetches damaged ones; a server
without ranges gets one full download; a dropped connection is resumed; hostile member names and
sizes; the ready config passes ``assessment validate``; offline / 404 / 500 give one line, exit 2.
"""
from __future__ import annotations

import hashlib
import io
import json
import socket
import threading
import urllib.parse
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from assessment import cli
from assessment.config import load_config
from assessment.fetch import FetchError
from assessment.fetch import police_uk as pf
from assessment.fetch.http import Http
from assessment.fetch.manifest import FALLBACK_CONFIG, Manifest
from assessment.fetch.ons import fetch_ons
from assessment.fetch.police_uk import fetch_police_uk

FIXTURES = Path(__file__).parent / "fixtures" / "loaders" / "police_uk"
HEADER = (FIXTURES / "2024-04-test-street.csv").read_text(encoding="utf-8").splitlines()[0]
FORCE = "testforce"
POINTS = {"E01000001": (-0.120969, 51.508369, "Testham 001A"), "E01000002": (-0.106568, 51.508137, "Testham 001B"),
          "E01000003": (-0.092168, 51.507904, "Testham 001C")}
TYPES = ["Burglary", "Robbery", "Vehicle crime", "Shoplifting", "Violence and sexual offences"]
LAD = "E09000099"


def street_csv(month: str, variant: str, force_name: str = "Test Police") -> bytes:
    """A small police.uk street file for ``month``; ``variant`` changes its rows (old vs new archive)."""
    lines = [HEADER]
    n = 6 if variant == "new" else 5
    for i in range(n):
        code = sorted(POINTS)[i % 3]
        lon, lat, name = POINTS[code]
        lines.append(f"{month}-{variant}-{i},{month},{force_name},{force_name},{lon},{lat},On or near A Street,"
                     f"{code},{name},{TYPES[i % len(TYPES)]},,")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def months(a, b):
    return pf.months_between(a, b)


def make_zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def archive(ms: list[str], variant: str, filler: int = 0) -> tuple[bytes, dict]:
    """An archive zip holding ``ms`` for FORCE (and other forces' files, ``filler`` bytes each), and its
    FORCE members by month."""
    members, ours = {}, {}
    for m in ms:
        for other in ("other-force", "another-force"):
            members[f"{m}/{m}-{other}-street.csv"] = street_csv(m, variant, "Other Police") + b"x" * filler
            members[f"{m}/{m}-{other}-outcomes.csv"] = b"Crime ID,Month\r\n" + b"y" * filler
        data = street_csv(m, variant)
        members[f"{m}/{m}-{FORCE}-street.csv"] = data
        members[f"{m}/{m}-{FORCE}-stop-and-search.csv"] = b"Type,Date\r\n" + b"z" * filler
        ours[m] = data
    return make_zip(members, zipfile.ZIP_STORED if filler else zipfile.ZIP_DEFLATED), ours


LISTING = b"""<html><body><h1>Archive</h1><table>
<tr><td><a href="/data/archive/latest.zip">Latest</a></td></tr>
<tr><td><a href="/data/archive/2024-06.zip">June 2024</a></td><td>July 2021 - June 2024</td><td>0123456789abcdef0123456789abcdef</td></tr>
<tr><td><a href='/data/archive/2023-12.zip'>December 2023</a></td></tr>
<tr><td><a href="https://elsewhere.invalid/data/archive/2010-01.zip">an old one</a></td></tr>
</table></body></html>"""


# -- the local server -------------------------------------------------------------------------------
class Server:
    """A threading HTTP server on 127.0.0.1: ``routes`` path -> bytes or callable(query) -> (status, bytes)."""

    def __init__(self):
        self.routes: dict = {}
        self.ranges = True
        self.drop: dict[str, int] = {}      # path -> how many more responses to cut mid-body
        self.fail: dict[str, list] = {}     # path -> statuses to answer first (e.g. [500])
        self.log: list[tuple] = []          # (path, range header, status, body bytes sent)
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                owner.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def sent(self, prefix: str = "") -> int:
        return sum(b for p, _r, _s, b in self.log if p.startswith(prefix))

    def handle(self, h):
        parsed = urllib.parse.urlsplit(h.path)
        path, query = parsed.path, urllib.parse.parse_qs(parsed.query)
        rng = h.headers.get("Range")
        with self.lock:
            fails = self.fail.get(path)
            status = fails.pop(0) if fails else None
        if status:
            self._send(h, status, b"server error", path, rng)
            return
        route = self.routes.get(path)
        if route is None:
            self._send(h, 404, b"not found", path, rng)
            return
        body = route(query) if callable(route) else route
        if isinstance(body, tuple):
            self._send(h, body[0], body[1], path, rng)
            return
        start, end, status = 0, len(body) - 1, 200
        if rng and self.ranges and rng.startswith("bytes="):
            a, _, b = rng[6:].partition("-")
            if a == "":
                start, end = max(0, len(body) - int(b)), len(body) - 1
            else:
                start, end = int(a), min(int(b) if b else len(body) - 1, len(body) - 1)
            status = 206
        payload = body[start:end + 1]
        with self.lock:
            cut = self.drop.get(path, 0) > 0 and len(payload) > 10
            if cut:
                self.drop[path] -= 1
        h.send_response(status)
        h.send_header("Content-Length", str(len(payload)))
        h.send_header("ETag", '"' + hashlib.md5(body).hexdigest() + '"')
        if status == 206:
            h.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
        if self.ranges:
            h.send_header("Accept-Ranges", "bytes")
        h.end_headers()
        out = payload[:len(payload) // 2] if cut else payload
        h.wfile.write(out)
        h.wfile.flush()
        self.log.append((path, rng, status, len(out)))
        if cut:   # drop the connection mid-body
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, h, status, body, path, rng):
        h.send_response(status)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
        self.log.append((path, rng, status, len(body)))


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def police(server):
    """The archive page and two archives: 2023-12 (Jan-Dec 2023, 'old' rows) and 2024-06 (Jul 2023 -
    Jun 2024, 'new' rows)."""
    old, old_members = archive(months("2023-01", "2023-12"), "old")
    new, new_members = archive(months("2023-07", "2024-06"), "new")
    server.routes.update({"/data/archive/": LISTING, "/data/archive/2023-12.zip": old,
                          "/data/archive/2024-06.zip": new})
    return {"old": old_members, "new": new_members}


def http(**kw):
    return Http(retries=kw.pop("retries", 3), backoff=0.0, progress=False, **kw)


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


# -- police.uk ------------------------------------------------------------------------------------------
def test_police_uk_files_are_the_members_of_the_newest_archive_holding_them(server, police, tmp_path):
    h = http()
    res = fetch_police_uk(FORCE, "2023-04", "2024-03", tmp_path, base=server.url, http=h, log=lambda s: None)
    assert res.missing == [] and len(res.written) == 12 and res.modes == {"2024-06": "ranges", "2023-12": "ranges"}
    prov = json.loads((tmp_path / "provenance.json").read_text(encoding="utf-8"))["files"]
    for m in months("2023-04", "2024-03"):
        name = f"{m}-{FORCE}-street.csv"
        # Jul 2023 on are in both archives: the newer one's rows; Apr-Jun 2023 only in the older one
        want = police["new"][m] if m >= "2023-07" else police["old"][m]
        assert (tmp_path / name).read_bytes() == want
        rec = prov[name]
        assert rec["sha256"] == sha(want) and rec["size"] == len(want)
        assert rec["archive"] == ("2024-06.zip" if m >= "2023-07" else "2023-12.zip")
        assert rec["url"] == f"{server.url}/data/archive/{rec['archive']}"
        assert rec["member"] == f"{m}/{name}" and rec["retrieved"].endswith("Z")
    # nothing but street files, the config and the provenance file; no leftovers
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith("street.csv")) == \
        ["assessment.yml", "provenance.json"]
    # each (small) archive is read with one range request: its last 64 KiB hold it all
    for path in ("/data/archive/2023-12.zip", "/data/archive/2024-06.zip"):
        assert [r for p, r, _s, _b in server.log if p == path] == ["bytes=-65536"]


def test_ranges_read_a_small_part_of_a_large_archive_and_full_download_reads_it_all(server, tmp_path):
    big, ours = archive(months("2023-01", "2024-06"), "new", filler=20_000)
    server.routes.update({"/data/archive/": LISTING, "/data/archive/2024-06.zip": big})
    h = http()
    res = fetch_police_uk(FORCE, "2024-01", "2024-03", tmp_path / "r", base=server.url, http=h, log=lambda s: None)
    ranged = h.stats.bytes - len(LISTING)           # bytes received from the archive
    assert res.modes == {"2024-06": "ranges"}
    server.ranges = False
    h = http()
    res = fetch_police_uk(FORCE, "2024-01", "2024-03", tmp_path / "f", base=server.url, http=h, log=lambda s: None)
    full = h.stats.bytes - len(LISTING)
    assert res.modes == {"2024-06": "full download"}
    assert full == len(big)          # one whole download (the answer to the range request is closed unread)
    assert ranged < len(big) / 20    # the central directory and three small members
    for m in months("2024-01", "2024-03"):
        name = f"{m}-{FORCE}-street.csv"
        assert (tmp_path / "r" / name).read_bytes() == (tmp_path / "f" / name).read_bytes() == ours[m]
    assert not (tmp_path / "f" / ".fetch").exists()    # the downloaded archive is removed at the end


def test_a_dropped_connection_is_resumed(server, police, tmp_path):
    server.drop["/data/archive/2024-06.zip"] = 2     # the tail and the next range are cut mid-body
    h = http()
    res = fetch_police_uk(FORCE, "2024-01", "2024-02", tmp_path, base=server.url, http=h, log=lambda s: None)
    assert h.stats.retries == 2 and len(res.written) == 2
    for m in ("2024-01", "2024-02"):
        assert (tmp_path / f"{m}-{FORCE}-street.csv").read_bytes() == police["new"][m]


def test_a_dropped_full_download_is_restarted_without_ranges(server, police, tmp_path):
    server.ranges = False
    server.drop["/data/archive/2024-06.zip"] = 2   # the answer to the range request (not read), then the download
    h = http()
    fetch_police_uk(FORCE, "2024-01", "2024-01", tmp_path, base=server.url, http=h, log=lambda s: None)
    assert h.stats.retries == 1
    assert (tmp_path / f"2024-01-{FORCE}-street.csv").read_bytes() == police["new"]["2024-01"]


def test_a_rerun_skips_verified_files_and_refetches_damaged_ones(server, police, tmp_path):
    fetch_police_uk(FORCE, "2023-10", "2024-03", tmp_path, base=server.url, http=http(), log=lambda s: None)
    server.log.clear()
    res = fetch_police_uk(FORCE, "2023-10", "2024-03", tmp_path, base=server.url, http=http(), log=lambda s: None)
    assert res.written == [] and len(res.skipped) == 6 and server.log == []     # no request at all
    (tmp_path / f"2023-11-{FORCE}-street.csv").unlink()
    damaged = tmp_path / f"2024-02-{FORCE}-street.csv"
    damaged.write_bytes(damaged.read_bytes()[:-5] + b"XXXXX")                  # same size, other bytes
    (tmp_path / f"2024-03-{FORCE}-street.csv.part").write_bytes(b"half a file")   # an interrupted write
    res = fetch_police_uk(FORCE, "2023-10", "2024-03", tmp_path, base=server.url, http=http(), log=lambda s: None)
    assert sorted(res.written) == [f"2023-11-{FORCE}-street.csv", f"2024-02-{FORCE}-street.csv"]
    assert len(res.skipped) == 4
    assert damaged.read_bytes() == police["new"]["2024-02"]
    assert Manifest.load(tmp_path).verified(damaged.name)


def test_a_month_no_archive_holds_is_reported_and_exits_2(server, police, tmp_path, capsys):
    code = cli.main(["fetch", "police-uk", "--force", FORCE, "--from", "2024-05", "--to", "2024-08",
                     "--dest", str(tmp_path), "--base-url", server.url, "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == [f"error: no police.uk archive holds the {FORCE} street file for 2 month(s): "
                                 "2024-07, 2024-08"]
    assert (tmp_path / f"2024-06-{FORCE}-street.csv").read_bytes() == police["new"]["2024-06"]


def test_hostile_member_names_and_sizes(server, tmp_path, monkeypatch):
    good = street_csv("2024-01", "new")
    evil = make_zip({"../../2024-01-testforce-street.csv": b"evil", "/abs/2024-01-testforce-street.csv": b"evil",
                     "2024-01/../2024-01-testforce-street.csv": b"evil", "2024-01/2024-01-testforce-street.csv": good})
    server.routes.update({"/data/archive/": b'<a href="/data/archive/2024-01.zip">', "/data/archive/2024-01.zip": evil})
    dest = tmp_path / "dest"
    fetch_police_uk(FORCE, "2024-01", "2024-01", dest, base=server.url, http=http(), log=lambda s: None)
    assert (dest / "2024-01-testforce-street.csv").read_bytes() == good
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["dest", "2024-01-testforce-street.csv",
                                                                  "assessment.yml", "provenance.json"])
    # only traversal names: no member is used
    server.routes["/data/archive/2024-01.zip"] = make_zip({"../2024-01/2024-01-testforce-street.csv": b"evil"})
    res = fetch_police_uk(FORCE, "2024-01", "2024-01", tmp_path / "d2", base=server.url, http=http(), log=lambda s: None)
    assert res.missing == ["2024-01"] and not list((tmp_path / "d2").glob("*street*"))
    # a member larger than the cap (a zip bomb: 2 MB of zeros in a few KB)
    server.routes["/data/archive/2024-01.zip"] = make_zip({"2024-01/2024-01-testforce-street.csv": b"\0" * 2_000_000})
    monkeypatch.setattr(pf, "MAX_MEMBER", 1_000_000)
    with pytest.raises(FetchError, match=r"claims 2,000,000 bytes uncompressed, more than the 1,000,000 accepted"):
        fetch_police_uk(FORCE, "2024-01", "2024-01", tmp_path / "d3", base=server.url, http=http(), log=lambda s: None)
    assert not list((tmp_path / "d3").glob("*street*"))
    # not a zip at all
    server.routes["/data/archive/2024-01.zip"] = b"<html>maintenance</html>" * 100
    with pytest.raises(FetchError, match=r"2024-01.zip: expected a zip archive, found something else"):
        fetch_police_uk(FORCE, "2024-01", "2024-01", tmp_path / "d4", base=server.url, http=http(), log=lambda s: None)


@pytest.mark.parametrize("args, message", [
    (["--force", "../etc", "--from", "2024-01", "--to", "2024-02"], "--force: expected a police.uk force slug"),
    (["--force", "metropolitan", "--from", "2024-13", "--to", "2024-02"], "--from: expected a month as YYYY-MM"),
    (["--force", "metropolitan", "--from", "2024-03", "--to", "2024-02"], "--from 2024-03 is after --to 2024-02"),
    (["--force", "metropolitan", "--from", "2024-01", "--to", "2024-02", "--base-url", "ftp://x"],
     "--base-url / ASSESSMENT_POLICE_UK_URL: expected an http:// or https:// address"),
])
def test_bad_arguments_are_one_line(args, message, tmp_path, capsys):
    code = cli.main(["fetch", "police-uk", *args, "--dest", str(tmp_path / "d")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("error: " + message)


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_offline_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSESSMENT_POLICE_UK_URL", f"http://127.0.0.1:{_free_port()}")   # nothing listens
    code = cli.main(["fetch", "police-uk", "--force", FORCE, "--from", "2024-01", "--to", "2024-01",
                     "--dest", str(tmp_path), "--retries", "0", "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "/data/archive/: cannot connect (" in err[0] and "after 1 try; are you offline?" in err[0]
    assert "--base-url URL or ASSESSMENT_POLICE_UK_URL=URL" in err[0] and "Traceback" not in err[0]


def test_404_and_500_are_one_line_and_500_is_retried(server, police, tmp_path, capsys):
    server.fail["/data/archive/"] = [500, 500]
    code = cli.main(["fetch", "police-uk", "--force", FORCE, "--from", "2024-01", "--to", "2024-01",
                     "--dest", str(tmp_path / "a"), "--base-url", server.url, "--retries", "1", "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == [f"error: {server.url}/data/archive/: the server answered 500 Internal Server Error "
                                 "after 2 tries; the server has a problem: try again later"]
    server.fail["/data/archive/"] = [500]      # once: the retry gets the page
    h = http(retries=2)
    fetch_police_uk(FORCE, "2024-01", "2024-01", tmp_path / "b", base=server.url, http=h, log=lambda s: None)
    assert h.stats.retries == 1
    del server.routes["/data/archive/2024-06.zip"]
    del server.routes["/data/archive/2023-12.zip"]
    code = cli.main(["fetch", "police-uk", "--force", FORCE, "--from", "2024-02", "--to", "2024-02",
                     "--dest", str(tmp_path / "c"), "--base-url", server.url, "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"error: {server.url}/data/archive/2024-06.zip: the server answered 404 Not Found")


# -- ONS --------------------------------------------------------------------------------------------
def _square(lon, lat):
    w, hgt = 0.0072, 0.008
    return {"type": "Polygon", "coordinates": [[[lon - w, lat - hgt], [lon + w, lat - hgt], [lon + w, lat + hgt],
                                                [lon - w, lat + hgt], [lon - w, lat - hgt]]]}


LOOKUP_ROWS = [{"LSOA21CD": c, "LSOA21NM": POINTS[c][2], "WD24CD": f"E0500000{i}", "WD24NM": ward,
                "LAD24CD": LAD, "LAD24NM": "Testham"}
               for i, (c, ward) in enumerate(zip(sorted(POINTS), ["North", "South", "South"]), 1)]
POP = {("E01000001", 2022): 1563, ("E01000002", 2022): 1200, ("E01000003", 2022): 1410,
       ("E01000001", 2023): 1570, ("E01000002", 2023): 1190, ("E01000003", 2023): 1433}


@pytest.fixture
def ons(server):
    arc = "/services/LSOA21_WD24_LAD24_EW_LU/FeatureServer/0/query"
    bnd = "/services/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5/FeatureServer/0/query"
    asked = {"lookup": [], "boundaries": [], "nomis": []}

    def lookup(q):
        asked["lookup"].append(q)
        offset, count = int(q["resultOffset"][0]), int(q["resultRecordCount"][0])
        rows = LOOKUP_ROWS if q["where"] == [f"LAD24CD='{LAD}'"] else []
        page = rows[offset:offset + 2]     # a server whose page is 2 features: paging is needed
        more = offset + 2 < len(rows)
        assert count == 2000
        return json.dumps({"features": [{"attributes": r} for r in page], "exceededTransferLimit": more}).encode()

    def boundaries(q):
        asked["boundaries"].append(q)
        codes = [c.strip("'") for c in q["where"][0].removeprefix("LSOA21CD IN (").removesuffix(")").split(",")]
        assert q["outSR"] == ["4326"] and q["f"] == ["geojson"]
        feats = [{"type": "Feature", "properties": {"LSOA21CD": c, "LSOA21NM": POINTS[c][2], "Shape__Area": 1.5},
                  "geometry": _square(*POINTS[c][:2])} for c in codes if c in POINTS]
        return json.dumps({"type": "FeatureCollection", "features": feats}).encode()

    def nomis(q):
        asked["nomis"].append(q)
        assert q["geography"] == [f"{LAD}TYPE151"] and q["c_age"] == ["200"] and q["gender"] == ["0"]
        lines = ["DATE,GEOGRAPHY_CODE,GEOGRAPHY_NAME,OBS_VALUE,RECORD_COUNT"]
        lines += [f"{y},{c},{POINTS[c][2]},{v},{len(POP)}" for (c, y), v in sorted(POP.items())]
        return ("\n".join(lines) + "\n").encode()

    server.routes.update({arc: lookup, bnd: boundaries, "/nomis/dataset/NM_2014_1.data.csv": nomis})
    return asked


def test_ons_files_provenance_and_a_config_that_validates(server, police, ons, tmp_path, capsys):
    dest = tmp_path / "area"
    code = cli.main(["fetch", "police-uk", "--force", FORCE, "--from", "2023-04", "--to", "2024-03",
                     "--dest", str(dest), "--base-url", server.url, "--quiet"])
    assert code == 0
    cfg = yaml.safe_load((dest / "assessment.yml").read_text(encoding="utf-8"))
    assert cfg["area"] == {"name": "Test Police", "force": "Test Police"} and cfg["inputs"] == {"police_uk": "."}
    assert set(cfg["crime_groups"]) == {"Violence and sexual offences", "Burglary", "Robbery", "Vehicle crime",
                                        "Shoplifting"}   # the groups whose crime types the data hold
    capsys.readouterr()
    assert cli.main(["validate", "--config", str(dest / "assessment.yml")]) == 0
    assert capsys.readouterr().out.strip().endswith("inputs OK")

    code = cli.main(["fetch", "ons", "--lad", LAD, "--dest", str(dest), "--base-url", server.url + "/services",
                     "--nomis-url", server.url + "/nomis", "--quiet"])
    assert code == 0
    assert len(ons["lookup"]) == 2 and len(ons["boundaries"]) == 1 and len(ons["nomis"]) == 1
    assert ons["nomis"][0]["date"] == ["latestMINUS5-latest"]
    lookup = (dest / "lsoa-ward-lad-lookup.csv").read_text(encoding="utf-8").splitlines()
    assert lookup[0] == "LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM"
    assert lookup[1:] == [",".join(r.values()) for r in LOOKUP_ROWS]
    pop = (dest / "population.csv").read_text(encoding="utf-8").splitlines()
    assert pop[0] == "lsoa_code,lsoa_name,year,population"
    assert pop[1] == "E01000001,Testham 001A,2022,1563" and len(pop) == 1 + len(POP)
    fc = json.loads((dest / "lsoa-boundaries.geojson").read_text(encoding="utf-8"))
    assert [f["properties"] for f in fc["features"]] == [{"LSOA21CD": c, "LSOA21NM": POINTS[c][2]} for c in sorted(POINTS)]
    assert fc["features"][0]["geometry"] == _square(*POINTS["E01000001"][:2])
    prov = json.loads((dest / "provenance.json").read_text(encoding="utf-8"))
    for name in ("lsoa-ward-lad-lookup.csv", "lsoa-boundaries.geojson", "population.csv"):
        data = (dest / name).read_bytes()
        assert prov["files"][name]["sha256"] == sha(data) and prov["files"][name]["size"] == len(data)
        assert prov["files"][name]["url"].startswith(server.url)
    assert prov["area"]["lad_code"] == LAD and prov["area"]["lad_name"] == "Testham"

    cfg = yaml.safe_load((dest / "assessment.yml").read_text(encoding="utf-8"))
    assert cfg["area"] == {"name": "Testham", "lad_code": LAD}
    assert cfg["inputs"] == {"police_uk": ".", "boundaries": "lsoa-boundaries.geojson",
                             "population": "population.csv", "wards": "lsoa-ward-lad-lookup.csv"}
    loaded = load_config(dest / "assessment.yml")
    assert loaded.inputs.boundaries == dest / "lsoa-boundaries.geojson"
    capsys.readouterr()
    code = cli.main(["validate", "--config", str(dest / "assessment.yml")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.strip().endswith("inputs OK")

    # a rerun asks nothing; an edited config is left alone (the new one goes beside it)
    for k in ons:
        ons[k].clear()
    (dest / "assessment.yml").write_text((dest / "assessment.yml").read_text(encoding="utf-8") + "# my note\n",
                                         encoding="utf-8")
    res = fetch_ons(LAD, dest, base=server.url + "/services", nomis=server.url + "/nomis", http=http(),
                    log=lambda s: None)
    assert res.written == [] and len(res.skipped) == 3 and not any(ons.values())
    assert res.config.name == FALLBACK_CONFIG
    assert (dest / "assessment.yml").read_text(encoding="utf-8").endswith("# my note\n")


def test_ons_hostile_answers_are_one_line(server, ons, tmp_path):
    bad = dict(LOOKUP_ROWS[0], LSOA21CD="../../etc")
    server.routes["/services/LSOA21_WD24_LAD24_EW_LU/FeatureServer/0/query"] = \
        json.dumps({"features": [{"attributes": bad}]}).encode()
    with pytest.raises(FetchError, match=r"feature 1: expected an LSOA code \(E01 and 6 digits\), found '../../etc'"):
        fetch_ons(LAD, tmp_path, base=server.url + "/services", nomis=server.url + "/nomis", http=http())
    server.routes["/services/LSOA21_WD24_LAD24_EW_LU/FeatureServer/0/query"] = \
        json.dumps({"error": {"code": 400, "message": "Invalid URL\nParameters"}}).encode()
    with pytest.raises(FetchError, match=r"the service answered error 400: Invalid URL Parameters \(is the service"):
        fetch_ons(LAD, tmp_path, base=server.url + "/services", nomis=server.url + "/nomis", http=http())
    with pytest.raises(FetchError, match=r"--lad: expected a local authority code"):
        fetch_ons("Haringey", tmp_path, base=server.url, http=http())
