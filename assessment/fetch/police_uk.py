"""``assessment fetch police-uk``: one force's street files, month by month, from the police.uk archive.

data.police.uk publishes every force's street, outcomes and stop-and-search files as monthly
archive zips, ``/data/archive/YYYY-MM.zip``; each holds ``YYYY-MM/YYYY-MM-<force>-street.csv`` (and
the rest) for the months up to its own (36 in the recent ones; the oldest archives span more).  The
archive page ``/data/archive/`` lists them as links to ``/data/archive/YYYY-MM.zip``, with an MD5
each (as the public scrapers of that page read it: ``katehayes/dpukarchive`` collects the
``/YYYY-MM.zip`` links of the page; the archive files are served from Amazon S3, which serves ranges).

For each month asked for, the archive chosen is the **newest** one that holds the force's file: the
archives whose name is the month or later are tried newest first among those whose assumed 36-month
span covers the month, then the older ones nearest first (they may span more); an archive that does
not hold the member is passed over for the next one.  Only the archive's month is taken from the
page: the URL is always built here (``<base>/data/archive/YYYY-MM.zip``), never taken from a link.

Each archive is read with HTTP range requests (:class:`~assessment.fetch.http.RangeFile`): the end
record and central directory (about 0.5 MB for a 1.7 GB archive), then only the members needed.  A
server that does not serve ranges gets one full download into ``DEST/.fetch/`` (kept until the
fetch completes, so an interrupted run reuses it), which is read the same way.

Hostile input: the written file's name is built from the month and the force (``--force`` must be a
police.uk slug such as ``metropolitan`` or ``south-yorkshire``), so a member's path (``../``, an
absolute path) can never choose where anything is written; only a member named exactly
``YYYY-MM/YYYY-MM-<force>-street.csv`` (or without the folder) is used.  An encrypted member, an
unsupported compression (Deflate64), a member over :data:`MAX_MEMBER` bytes uncompressed, a CRC
mismatch, more than :data:`MAX_ENTRIES` entries, or a full download over :data:`MAX_ARCHIVE` bytes stop
the fetch with one line.  The CSVs are checked by the police.uk loader when the report runs.

Example
-------
>>> months_between("2023-11", "2024-02")
['2023-11', '2023-12', '2024-01', '2024-02']
>>> parse_listing('<a href="/data/archive/2024-12.zip">Dec</a> <a href="/data/archive/latest.zip">'
...               '<a href="/data/archive/2025-01.zip">')
['2024-12', '2025-01']
>>> candidates("2022-06", ["2019-01", "2022-05", "2023-01", "2025-01", "2026-01"])
['2025-01', '2023-01', '2026-01']
"""
from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import FetchError
from .http import Http
from .manifest import Manifest, write_config

DEFAULT_URL = "https://data.police.uk"
ENV_URL = "ASSESSMENT_POLICE_UK_URL"
ARCHIVE_PATH = "/data/archive/"
#: months an archive is assumed to span (its own and the 35 before): the order archives are tried in
ASSUMED_SPAN = 36
#: the largest street file accepted (uncompressed); a Met month is about 25 MB
MAX_MEMBER = 1 << 30
#: the largest archive downloaded whole (servers without ranges); a recent archive is about 1.7 GB
MAX_ARCHIVE = 16 << 30
#: the most entries an archive's central directory may list (a recent one: about 4,600)
MAX_ENTRIES = 500_000
MAX_MONTHS = 240
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
FORCE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_LINK = re.compile(r"""href\s*=\s*["']?[^"'\s>]*?(\d{4}-(?:0[1-9]|1[0-2]))\.zip["'\s>]""", re.IGNORECASE)
HINT = f"--base-url URL or {ENV_URL}=URL"


def _month_index(m: str) -> int:
    y, mo = m.split("-")
    return int(y) * 12 + int(mo) - 1


def check_month(value: str, what: str) -> str:
    if not isinstance(value, str) or not MONTH_RE.match(value.strip()):
        raise FetchError(f"{what}: expected a month as YYYY-MM (e.g. 2024-04), found {value!r}")
    return value.strip()


def months_between(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` (YYYY-MM), both included."""
    a, b = _month_index(start), _month_index(end)
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(a, b + 1)]


def parse_listing(html: str) -> list[str]:
    """The months of the ``YYYY-MM.zip`` archives the archive page links to, oldest first."""
    return sorted({m.group(1) for m in _LINK.finditer(html)})


def candidates(month: str, archives: list[str]) -> list[str]:
    """The archives to try for ``month``, in order (see the module docstring)."""
    later = [a for a in archives if a >= month]
    inside = sorted((a for a in later if _month_index(a) - _month_index(month) < ASSUMED_SPAN), reverse=True)
    outside = sorted(a for a in later if a not in inside)
    return inside + outside


def street_name(month: str, force: str) -> str:
    return f"{month}-{force}-street.csv"


def base_url(given: str | None, env: str = ENV_URL, default: str = DEFAULT_URL) -> str:
    url = (given or os.environ.get(env) or default).strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", url):
        raise FetchError(f"--base-url / {env}: expected an http:// or https:// address, found {url!r}")
    return url


@dataclass
class Result:
    """What a fetch did."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    modes: dict = field(default_factory=dict)       # archive -> "ranges" | "full download"
    config: Path | None = None


class _Opened:
    """An archive opened for reading: ``zf``, the :class:`RangeFile` (ranges) or None (full download)."""

    def __init__(self, zf, rf, mode):
        self.zf, self.rf, self.mode = zf, rf, mode

    def close(self):
        self.zf.close()
        if self.rf is not None:
            self.rf.close()


def open_archive(http: Http, url: str, spool: Path, label: str) -> _Opened:
    """Open the zip at ``url`` with range requests, or download it whole into ``spool``."""
    rf = http.open_ranges(url)
    mode = "ranges"
    if rf is None:
        mode = "full download"
        if not (spool.is_file() and zipfile.is_zipfile(spool)):
            spool.parent.mkdir(parents=True, exist_ok=True)
            http.download(url, spool, limit=MAX_ARCHIVE, label=label)
        src = spool
    else:
        src = rf
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        if rf is None:
            spool.unlink(missing_ok=True)
        raise FetchError(f"{url}: expected a zip archive, found something else ({str(e)[:80]})") from None
    if len(zf.infolist()) > MAX_ENTRIES:
        zf.close()
        raise FetchError(f"{url}: a zip listing {len(zf.infolist()):,} entries (more than {MAX_ENTRIES:,}): "
                         "not a police.uk archive")
    return _Opened(zf, rf, mode)


def find_member(zf: zipfile.ZipFile, month: str, force: str) -> zipfile.ZipInfo | None:
    """The archive's street file for ``month`` and ``force``: exactly ``YYYY-MM/<name>`` or ``<name>``."""
    want = street_name(month, force)
    exact = {f"{month}/{want}", want}
    for info in zf.infolist():
        if info.filename in exact and not info.is_dir():
            return info
    return None


def extract(opened: _Opened, info: zipfile.ZipInfo, dest: Path, http: Http, label: str) -> str:
    """Write the member to ``dest`` (via ``.part``); its SHA-256.  The checks of the module docstring."""
    import hashlib
    if info.flag_bits & 0x1:
        raise FetchError(f"{label}: the member {info.filename!r} is encrypted")
    if info.compress_type not in ZIP_METHODS:
        raise FetchError(f"{label}: the member {info.filename!r} is compressed with method {info.compress_type} "
                         "(e.g. Deflate64), which Python cannot read")
    if info.file_size > MAX_MEMBER:
        raise FetchError(f"{label}: the member {info.filename!r} claims {info.file_size:,} bytes uncompressed, "
                         f"more than the {MAX_MEMBER:,} accepted (a zip bomb?)")
    if opened.rf is not None:
        head = 30 + len(info.filename.encode("utf-8")) + len(info.extra) + 1024
        opened.rf.window(info.header_offset, info.header_offset + head + info.compress_size)
    part = dest.with_name(dest.name + ".part")
    h = hashlib.sha256()
    bar = http.bar(dest.name, total=info.file_size)
    try:
        with opened.zf.open(info) as src, open(part, "wb") as out:
            written = 0
            while True:
                chunk = src.read(1 << 20)
                if not chunk:
                    break
                written += len(chunk)
                if written > MAX_MEMBER:
                    raise FetchError(f"{label}: the member {info.filename!r} is larger than it says")
                out.write(chunk)
                h.update(chunk)
                bar.update(len(chunk))
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError) as e:
        part.unlink(missing_ok=True)
        raise FetchError(f"{label}: the member {info.filename!r} cannot be read ({str(e)[:80]})") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        bar.close()
    os.replace(part, dest)
    return h.hexdigest()


def falls_within(path: Path) -> str | None:
    """The force's name ("Falls within") in the file's first row that has one."""
    import csv
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            for i, row in enumerate(csv.DictReader(f)):
                v = (row.get("Falls within") or "").strip()
                if v:
                    return v[:100]
                if i > 1000:
                    break
    except (OSError, csv.Error):
        return None
    return None


def fetch_police_uk(force: str, start: str, end: str, dest: Path, base: str | None = None,
                    http: Http | None = None, log: Callable[[str], None] = print) -> Result:
    """Write ``DEST/YYYY-MM-<force>-street.csv`` for every month from ``start`` to ``end``; see the module
    docstring.  Months no archive holds are listed in the result (and the command says so)."""
    force = (force or "").strip().lower()
    if not FORCE_RE.match(force) or len(force) > 60:
        raise FetchError(f"--force: expected a police.uk force slug such as metropolitan or south-yorkshire "
                         f"(lower case, hyphens), found {force!r}")
    start, end = check_month(start, "--from"), check_month(end, "--to")
    if start > end:
        raise FetchError(f"--from {start} is after --to {end}")
    months = months_between(start, end)
    if len(months) > MAX_MONTHS:
        raise FetchError(f"--from/--to: {len(months)} months; at most {MAX_MONTHS} in one fetch")
    root = base_url(base)
    http = http or Http(hint=HINT)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    m = Manifest.load(dest)
    res = Result()
    todo = []
    for mo in months:
        (res.skipped if m.verified(street_name(mo, force)) else todo).append(mo)
    if res.skipped:
        log(f"{len(res.skipped)} month(s) already here and verified (SHA-256): skipped")
    if todo:
        listing = root + ARCHIVE_PATH
        archives = parse_listing(http.get_bytes(listing, limit=8 << 20).decode("utf-8", "replace"))
        if not archives:
            raise FetchError(f"{listing}: expected a page linking the archives (YYYY-MM.zip), found none")
        tried: dict[str, set] = {mo: set() for mo in todo}
        spool_dir = dest / ".fetch"
        while todo:
            plan: dict[str, list[str]] = {}
            for mo in todo:
                left = [a for a in candidates(mo, archives) if a not in tried[mo]]
                if left:
                    plan.setdefault(left[0], []).append(mo)
                else:
                    res.missing.append(mo)
            todo = []
            for a in sorted(plan, reverse=True):
                url = f"{root}{ARCHIVE_PATH}{a}.zip"
                opened = open_archive(http, url, spool_dir / f"{a}.zip", f"{a}.zip")
                res.modes[a] = opened.mode
                try:
                    for mo in sorted(plan[a]):
                        info = find_member(opened.zf, mo, force)
                        if info is None:
                            tried[mo].add(a)
                            todo.append(mo)
                            continue
                        name = street_name(mo, force)
                        digest = extract(opened, info, dest / name, http, f"{a}.zip")
                        m.record(name, kind="police_uk", url=url, sha256=digest, member=info.filename,
                                 archive=f"{a}.zip", month=mo, force=force, crc32=f"{info.CRC:08x}")
                        if not m.area.get("force_name"):
                            fw = falls_within(dest / name)
                            if fw:
                                m.area["force_name"] = fw
                        m.area["force"] = force
                        m.save()
                        res.written.append(name)
                        log(f"wrote {name} ({info.file_size:,} bytes) from {a}.zip ({opened.mode})")
                finally:
                    opened.close()
        shutil.rmtree(spool_dir, ignore_errors=True)
    res.missing.sort()
    m.save()
    res.config = write_config(m) if m.of_kind("police_uk") else None
    return res
