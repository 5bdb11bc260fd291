"""How much ``assessment fetch police-uk`` downloads with HTTP ranges and without, against a local server.

Builds a police.uk-shaped archive (36 months x 43 forces x street/outcomes/stop-and-search = 4,644
members, as a recent archive has), serves it on 127.0.0.1 with and without range support, fetches 12
months of one force both ways and prints bytes received, requests and wall time.  Nothing leaves the
machine.  Run:  python benchmarks/fetch_local.py [--member-kb 400] [--force-mb 6]
"""
from __future__ import annotations

import argparse
import io
import os
import random
import tempfile
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from assessment.fetch.http import Http
from assessment.fetch.police_uk import fetch_police_uk, months_between

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
          "Last outcome category,Context\r\n")


def street(month: str, size: int, rng: random.Random) -> bytes:
    rows, n = [HEADER], len(HEADER)
    types = ["Burglary", "Robbery", "Vehicle crime", "Shoplifting", "Violence and sexual offences"]
    while n < size:
        row = (f"{rng.getrandbits(256):064x},{month},Metropolitan Police Service,Metropolitan Police Service,"
               f"{-0.1 - rng.random() / 10:.6f},{51.5 + rng.random() / 10:.6f},On or near Some Street,"
               f"E0100{rng.randrange(1000, 9999)},Haringey 0{rng.randrange(10, 99)}A,{rng.choice(types)},"
               "Under investigation,\r\n")
        rows.append(row)
        n += len(row)
    return "".join(rows).encode()


def build(path: Path, member_kb: int, force_mb: float) -> None:
    rng = random.Random(2024)
    ms = months_between("2021-07", "2024-06")
    forces = ["metropolitan"] + [f"force-{i:02d}" for i in range(42)]
    with zipfile.ZipFile(path, "w") as z:
        for m in ms:
            for f in forces:
                for series in ("street", "outcomes", "stop-and-search"):
                    name = f"{m}/{m}-{f}-{series}.csv"
                    if f == "metropolitan" and series == "street":
                        z.writestr(zipfile.ZipInfo(name), street(m, int(force_mb * 1e6), rng), zipfile.ZIP_DEFLATED)
                    else:   # other members: incompressible bytes of the same order as real ones (stored)
                        z.writestr(zipfile.ZipInfo(name), os.urandom(member_kb * 1024), zipfile.ZIP_STORED)


def serve(data: dict, ranges: bool) -> ThreadingHTTPServer:
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            body = data.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            rng = self.headers.get("Range")
            start, end, status = 0, len(body) - 1, 200
            if ranges and rng:
                a, _, b = rng[6:].partition("-")
                start, end = (len(body) - int(b), len(body) - 1) if a == "" else (int(a), min(int(b or len(body) - 1), len(body) - 1))
                status = 206
            self.send_response(status)
            self.send_header("Content-Length", str(end - start + 1))
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
            self.end_headers()
            try:
                self.wfile.write(memoryview(body)[start:end + 1])
            except (BrokenPipeError, ConnectionResetError):
                pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--member-kb", type=int, default=400, help="size of every other member (KiB)")
    ap.add_argument("--force-mb", type=float, default=6.0, help="size of the force's monthly street file (MB)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        build(tmp / "2024-06.zip", a.member_kb, a.force_mb)
        zbytes = (tmp / "2024-06.zip").read_bytes()
        with zipfile.ZipFile(io.BytesIO(zbytes)) as z:
            infos = z.infolist()
        print(f"archive: {len(zbytes):,} bytes, {len(infos):,} members (built in {time.perf_counter() - t:.1f} s)")
        data = {"/data/archive/": b'<a href="/data/archive/2024-06.zip">2024-06</a>', "/data/archive/2024-06.zip": zbytes}
        for ranges in (True, False):
            srv = serve(data, ranges)
            http = Http(retries=2, backoff=0.1, progress=False)
            t = time.perf_counter()
            res = fetch_police_uk("metropolitan", "2023-07", "2024-06", tmp / f"out-{ranges}",
                                  base=f"http://127.0.0.1:{srv.server_address[1]}", http=http, log=lambda s: None)
            dt = time.perf_counter() - t
            written = sum((tmp / f"out-{ranges}" / n).stat().st_size for n in res.written)
            print(f"{'ranges' if ranges else 'no ranges (full download)'}: {http.stats.bytes:,} bytes received in "
                  f"{http.stats.requests} requests, {dt:.2f} s; {len(res.written)} files, {written:,} bytes written")
            srv.shutdown()
            srv.server_close()


if __name__ == "__main__":
    main()
