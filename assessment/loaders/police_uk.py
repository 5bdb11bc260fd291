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
from .common import parse_month, read_csv, require, strip

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
    opener: object      # callable returning bytes
    duplicate: bool = False
    rows: int = 0


@dataclass
class PoliceUkRaw:
    """All rows of every street file (not yet filtered), with what the files cover."""

    frame: pd.DataFrame
    files: list = field(default_factory=list)
    source: Path | None = None

    @property
    def last_month(self) -> pd.Timestamp:
        return self.frame["month"].max()

    @property
    def first_month(self) -> pd.Timestamp:
        return self.frame["month"].min()

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
                files.append(StreetFile(str(p), m.group(1), m.group(2).lower(), (lambda p=p: p)))
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = sorted(n for n in zf.namelist() if STREET_RE.match(Path(n).name))
        for n in names:
            m = STREET_RE.match(Path(n).name)

            def opener(n=n):
                with zipfile.ZipFile(path) as z:
                    data = z.read(n)
                if n.lower().endswith(".gz"):
                    import gzip
                    data = gzip.decompress(data)
                return data
            files.append(StreetFile(f"{path.name}:{n}", m.group(1), m.group(2).lower(), opener))
    else:
        m = STREET_RE.match(path.name)
        if m:
            files.append(StreetFile(str(path), m.group(1), m.group(2).lower(), (lambda p=path: p)))
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


def read_police_uk(path: Path, notes: list) -> PoliceUkRaw:
    """Read every street file into one frame (see the module docstring).

    Columns: crime_id, month, crime_type, lsoa_code, lsoa_name, longitude,
    latitude, location, _force ("Falls within"), _asb (ASB row), _dupfile
    (row of a duplicate month file), _file (file label).
    """
    path = Path(path)
    files = list_street_files(path)
    frames = []
    for f in files:
        src = f.opener()
        df = read_csv(src, file=f.label, notes=notes)
        cols = require(df, f.label, _REQUIRED, df.attrs["original"])
        loc = "location" if "location" in df.columns else None
        out = pd.DataFrame({
            "crime_id": strip(df[cols["crime_id"]]),
            "month": parse_month(df[cols["month"]], f.label, df.attrs["original"][cols["month"]]),
            "crime_type": strip(df[cols["crime_type"]]),
            "lsoa_code": strip(df[cols["lsoa_code"]]),
            "lsoa_name": strip(df[cols["lsoa_name"]]),
            "longitude": pd.to_numeric(df[cols["longitude"]], errors="coerce").astype("float64"),
            "latitude": pd.to_numeric(df[cols["latitude"]], errors="coerce").astype("float64"),
            "location": strip(df[loc]) if loc else pd.Series(pd.NA, index=df.index, dtype="str"),
            "_force": strip(df[cols["falls_within"]]),
        })
        out["_dupfile"] = f.duplicate
        out["_file"] = f.label
        f.rows = len(out)
        frames.append(out)
    frame = pd.concat(frames, ignore_index=True)
    frame["_asb"] = (frame["crime_type"].str.casefold() == ASB_TYPE).fillna(False).astype(bool) & frame["crime_id"].isna()
    frame["_w"] = np.int64(1)
    return PoliceUkRaw(frame=frame, files=files, source=path)


def missing_months(raw: PoliceUkRaw, period, forces: set | None = None) -> list[pd.Timestamp]:
    """Months of ``period`` with no street file (for the forces used; all forces if None).

    A month is missing when no force in use has a file for it.
    """
    fm = raw.file_months()
    use = [k for k in fm if forces is None or k in forces] or list(fm)
    have = set().union(*(fm[k] for k in use)) if use else set()
    return [m for m in period.month_starts() if m not in have]
