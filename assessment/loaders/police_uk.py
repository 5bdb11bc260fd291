"""police.uk street-level crime files (§3.1).

``inputs.police_uk`` is a folder (searched with its sub-folders, as police.uk's
archive unpacks into ``2024-01/2024-01-metropolitan-street.csv``) or the
downloaded archive zip.  Street files are those named
``YYYY-MM-<force>-street.csv`` (or ``.csv.gz``); outcomes and stop-and-search
files beside them are ignored.  Both LF and CRLF line endings are read.

Two files for the same month and force (e.g. a file copied twice, or both
``.csv`` and ``.csv.gz``) must not double count: the first in path order is
used and the other's rows are excluded as "duplicate month file".

Example
-------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> head = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\\n"
>>> _ = (d / "2024-04-test-street.csv").write_text(head + "a1,2024-04,T,T,-0.1,51.5,On or near X,E01000001,Testham 001A,Burglary,,\\n")
>>> raw = read_police_uk(d, [])
>>> len(raw.frame), raw.last_month.strftime("%Y-%m"), raw.frame["crime_type"].tolist()
(1, '2024-04', ['Burglary'])
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .common import gb_lonlat, lonlat_to_bng, parse_month, read_csv, require, strip

STREET_RE = re.compile(r"^(\d{4}-\d{2})-(.+)-street\.csv(\.gz)?$", re.IGNORECASE)
ASB_TYPE = "anti-social behaviour"

_REQUIRED = {
    "crime_id": ("crime_id",),
    "month": ("month",),
    "falls_within": ("falls_within",),
    "longitude": ("longitude",),
    "latitude": ("latitude",),
    "lsoa_code": ("lsoa_code",),
    "lsoa_name": ("lsoa_name",),
    "crime_type": ("crime_type",),
}


@dataclass
class StreetFile:
    label: str          # path shown to the user
    month: str          # YYYY-MM from the file name
    force: str          # force slug from the file name
    opener: object      # callable returning a path or bytes
    duplicate: bool = False
    rows: int = 0
    source: Path | None = None     # the file on disk (the zip for a zip member)
    member: str | None = None      # the zip member's name
    stamp: dict | None = None      # the source version (size + mtime, or a zip member's size + CRC)
    entry: object = None           # its :class:`~assessment.cache.Entry`

    def parse(self, notes: list) -> pd.DataFrame:
        """Parse the file (see :func:`parse_street_file`)."""
        return parse_street_file(self.opener(), self.label, notes)

    def frame(self, columns=None) -> pd.DataFrame:
        """The parsed rows (from the cache when it holds them)."""
        return self.entry.load(self.parse, summarise, columns=columns)

    @property
    def summary(self) -> dict:
        """rows, asb_rows, nat_rows, first and last month (``YYYY-MM-DD`` or None)."""
        if self.entry.meta is None:
            self.frame()
        return self.entry.meta


@dataclass
class PoliceUkRaw:
    """Every street file found, parsed (or held in the cache) but not yet filtered.

    ``frame`` is all rows of every file; :meth:`frame_within` only the files a
    data window needs, with the files it left out (their rows are accounted
    from the cache's row summary, without reading them).
    """

    files: list = field(default_factory=list)
    source: Path | None = None

    @property
    def frame(self) -> pd.DataFrame:
        return self._assemble(self.files)

    @property
    def last_month(self) -> pd.Timestamp:
        m = [f.summary["last"] for f in self.files if f.summary["last"]]
        return pd.Timestamp(max(m)) if m else pd.NaT

    @property
    def first_month(self) -> pd.Timestamp:
        m = [f.summary["first"] for f in self.files if f.summary["first"]]
        return pd.Timestamp(min(m)) if m else pd.NaT

    def frame_within(self, start, end) -> tuple[pd.DataFrame, list]:
        """(rows of the files with a month in ``[start, end]`` — or with a row without a
        month —, the files left out).  Every row of a file left out lies outside the window."""
        start, end = pd.Timestamp(start).strftime("%Y-%m-%d"), pd.Timestamp(end).strftime("%Y-%m-%d")
        keep, skip = [], []
        for f in self.files:
            s = f.summary
            outside = (s["nat_rows"] == 0 and s["rows"] > 0 and (s["last"] < start or s["first"] > end))
            (skip if outside else keep).append(f)
        return self._assemble(keep), skip

    def _assemble(self, files) -> pd.DataFrame:
        frames = []
        for f in files:
            out = f.frame().copy()
            out["_dupfile"] = f.duplicate
            out["_file"] = f.label
            frames.append(out)
        if not frames:   # no file in the window: an empty frame with the columns
            out = self.files[0].frame().iloc[:0].copy()
            out["_dupfile"] = pd.Series(dtype=bool)
            out["_file"] = pd.Series(dtype="str")
            frames.append(out)
        frame = pd.concat(frames, ignore_index=True)
        frame["_w"] = np.int64(1)
        return frame

    def file_months(self) -> dict:
        """{force slug: set of months (Timestamps) with a street file}."""
        out: dict = {}
        for f in self.files:
            out.setdefault(f.force, set()).add(pd.Timestamp(f.month + "-01"))
        return out


def list_street_files(path: Path) -> list[StreetFile]:
    """The street files of a folder tree or zip, in path order, duplicates flagged."""
    files: list[StreetFile] = []
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            m = STREET_RE.match(p.name)
            if m and p.is_file():
                files.append(StreetFile(str(p), m.group(1), m.group(2).lower(), (lambda p=p: p), source=p))
    elif zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                infos = sorted((i for i in zf.infolist() if STREET_RE.match(Path(i.filename).name)),
                               key=lambda i: i.filename)
        except (zipfile.BadZipFile, OSError) as e:
            raise InputError(path, "", "a zip archive of police.uk street files",
                             found=f"a damaged zip ({e})") from None
        for info in infos:
            n = info.filename
            m = STREET_RE.match(Path(n).name)

            def opener(n=n):
                try:
                    with zipfile.ZipFile(path) as z:
                        data = z.read(n)
                except (zipfile.BadZipFile, OSError, EOFError) as e:
                    raise InputError(f"{path.name}:{n}", "", "a readable zip member",
                                     found=f"a damaged one ({e})") from None
                if n.lower().endswith(".gz"):
                    import gzip
                    try:
                        data = gzip.decompress(data)
                    except (OSError, EOFError):
                        raise InputError(f"{path.name}:{n}", "", "a gzip-compressed CSV",
                                         found="a file that is not gzip") from None
                return data
            files.append(StreetFile(f"{path.name}:{n}", m.group(1), m.group(2).lower(), opener, source=path,
                                    member=n, stamp={"size": info.file_size, "crc": info.CRC}))
    elif path.suffix.lower() == ".zip":
        raise InputError(path, "", "a zip archive of police.uk street files",
                         found="a file that is not a readable zip (damaged or not fully downloaded?)")
    else:
        m = STREET_RE.match(path.name)
        if m:
            files.append(StreetFile(str(path), m.group(1), m.group(2).lower(), (lambda p=path: p), source=path))
        else:
            raise InputError(path, "", "a folder or zip of police.uk street files (YYYY-MM-<force>-street.csv)",
                             found="a single file not named like one")
    if not files:
        raise InputError(path, "", "police.uk street files named YYYY-MM-<force>-street.csv (or .csv.gz)",
                         found="none in this " + ("folder" if path.is_dir() else "zip"))
    seen = set()
    for f in files:
        key = (f.month, f.force)
        f.duplicate = key in seen
        seen.add(key)
    return files


def parse_street_file(src, label: str, notes: list) -> pd.DataFrame:
    """One street file -> the pipeline's columns: crime_id, month, crime_type, lsoa_code,
    lsoa_name, longitude, latitude, location, _force ("Falls within"), _asb (ASB row),
    _x, _y (British National Grid of points inside Great Britain, else NaN).

    >>> head = "Crime ID,Month,Falls within,Longitude,Latitude,LSOA code,LSOA name,Crime type\\n"
    >>> df = parse_street_file((head + ",2024-04,T,-0.1,51.5,E01000001,T 001A,Anti-social behaviour\\n").encode(), "x.csv", [])
    >>> df["_asb"].tolist(), round(float(df["_x"].iloc[0]) / 1000)
    ([True], 532)
    """
    df = read_csv(src, file=label, notes=notes)
    cols = require(df, label, _REQUIRED, df.attrs["original"])
    loc = "location" if "location" in df.columns else None
    lon = pd.to_numeric(df[cols["longitude"]], errors="coerce").astype("float64")
    lat = pd.to_numeric(df[cols["latitude"]], errors="coerce").astype("float64")
    out = pd.DataFrame({
        "crime_id": strip(df[cols["crime_id"]]),
        "month": parse_month(df[cols["month"]], label, df.attrs["original"][cols["month"]]),
        "crime_type": strip(df[cols["crime_type"]]),
        "lsoa_code": strip(df[cols["lsoa_code"]]),
        "lsoa_name": strip(df[cols["lsoa_name"]]),
        "longitude": lon,
        "latitude": lat,
        "location": strip(df[loc]) if loc else pd.Series(pd.NA, index=df.index, dtype="str"),
        "_force": strip(df[cols["falls_within"]]),
    })
    out["_asb"] = (out["crime_type"].str.casefold() == ASB_TYPE).fillna(False).astype(bool) & out["crime_id"].isna()
    ok, _ = gb_lonlat(lon, lat)
    x = np.full(len(out), np.nan)
    y = np.full(len(out), np.nan)
    okv = ok.to_numpy()
    if okv.any():
        x[okv], y[okv] = lonlat_to_bng(lon[ok], lat[ok])
    out["_x"], out["_y"] = x, y
    return out


def summarise(df: pd.DataFrame) -> dict:
    """The row summary kept with a cached file: rows, asb_rows, nat_rows, first, last month."""
    m = df["month"].dropna()
    return {"rows": int(len(df)), "asb_rows": int(df["_asb"].sum()), "nat_rows": int(df["month"].isna().sum()),
            "first": m.min().strftime("%Y-%m-%d") if len(m) else None,
            "last": m.max().strftime("%Y-%m-%d") if len(m) else None}


def read_police_uk(path: Path, notes: list, cache=None) -> PoliceUkRaw:
    """Find every street file and parse it — or find it in the cache (:mod:`assessment.cache`).

    The rows themselves are read when asked for (:attr:`PoliceUkRaw.frame`,
    :meth:`PoliceUkRaw.frame_within`); the notes a file's parsing made (e.g. "not
    UTF-8") are added to ``notes`` in file order.
    """
    from ..cache import NO_CACHE
    cache = cache or NO_CACHE
    path = Path(path)
    files = list_street_files(path)
    for f in files:
        f.entry = cache.entry("police_uk", f.source, f.member, f.stamp)
        if not f.entry.probe():
            f.frame()
        f.rows = f.summary["rows"]
        notes.extend(n for n in f.entry.notes if n not in notes)
    return PoliceUkRaw(files=files, source=path)


def missing_months(raw: PoliceUkRaw, period, forces: set | None = None) -> list[pd.Timestamp]:
    """Months of ``period`` with no street file (for the forces used; all forces if None).

    A month is missing when no force in use has a file for it.
    """
    fm = raw.file_months()
    use = [k for k in fm if forces is None or k in forces] or list(fm)
    have = set().union(*(fm[k] for k in use)) if use else set()
    return [m for m in period.month_starts() if m not in have]
