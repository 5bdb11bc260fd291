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

import gzip
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.dataset as pads

from ..cache import NO_CACHE
from ..errors import InputError
from .common import gb_lonlat, lonlat_to_bng, norm_name, parse_month, read_csv, require, strip

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
class FileSummary:
    """What a run handed a batch's police.uk rows needs of a street file (:mod:`.shared`): its
    name, month, force and row summary, without the file itself (picklable, a few hundred bytes)."""

    label: str
    month: str
    force: str
    duplicate: bool
    summary: dict


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
        """The rows of ``files`` as one frame, with ``_dupfile``, ``_file`` (categorical) and ``_w``.

        The files are read as Arrow tables (from the Parquet cache when it holds them)
        and concatenated before one conversion to pandas: far less copying than
        converting and concatenating file by file, and no second copy kept per file.
        """
        for f in files:
            if f.entry.frame is None and not f.entry.probe():
                f.frame()
        tables = _read_tables([f.entry for f in files])
        labels = [f.label for f in files]
        dups = [f.duplicate for f in files]
        if not tables:   # no file in the window: an empty frame with the columns
            f = self.files[0]
            if f.entry.frame is None and not f.entry.probe():
                f.frame()
            tables.append(f.entry.read_table().slice(0, 0))
        table = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
        frame = table.to_pandas()
        sizes = np.array([t.num_rows for t in tables[:len(labels)]], dtype=np.int64)
        frame["_dupfile"] = np.repeat(np.array(dups, dtype=bool), sizes) if labels else np.zeros(0, bool)
        cats = list(dict.fromkeys(labels))          # file labels are paths: unique in practice
        which = np.array([cats.index(lab) for lab in labels], dtype=np.int32)
        codes = np.repeat(which, sizes) if labels else np.zeros(0, np.int32)
        frame["_file"] = pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype="str"))
        frame["_w"] = np.int64(1)
        return frame

    def table_within(self, start, end, columns=None, forces=None, filter=None):
        """A :class:`pyarrow.Table` of the rows of the (non-duplicate) files with a month in
        ``[start, end]`` — of ``forces`` only (slugs, e.g. ``{"metropolitan"}``) when given —
        reading only ``columns`` and, with ``filter`` (a ``pyarrow.compute`` expression such
        as ``pc.field("lsoa_code").isin(codes)``), only the matching rows.

        This is the cache's columnar read: aggregations at scale run on it with
        ``pyarrow`` (``Table.group_by``) instead of a pandas frame of every row.
        """
        start, end = pd.Timestamp(start).strftime("%Y-%m-%d"), pd.Timestamp(end).strftime("%Y-%m-%d")
        tables = []
        for f in self.files:
            s = f.summary
            if f.duplicate or (forces is not None and f.force not in forces):
                continue
            if s["rows"] == 0 or (s["nat_rows"] == 0 and (s["last"] < start or s["first"] > end)):
                continue
            if f.entry.frame is None and f.entry.probe():
                t = (pads.dataset(f.entry.file, format="parquet").to_table(columns=columns, filter=filter)
                     if filter is not None else f.entry.read_table(columns))
            else:
                t = f.entry.read_table(columns)
                if filter is not None:
                    t = t.filter(filter)
            tables.append(t)
        if not tables:
            return pa.table({c: pa.array([], pa.string()) for c in (columns or ["lsoa_code"])})
        return pa.concat_tables(tables, promote_options="permissive")

    def summaries(self) -> PoliceUkRaw:
        """A copy whose files are :class:`FileSummary` (no opener, no cache entry): enough for the
        months and notes of a run that is handed its rows (:mod:`.shared`), not for reading them."""
        return PoliceUkRaw([FileSummary(f.label, f.month, f.force, f.duplicate, dict(f.summary)) for f in self.files],
                           self.source)

    def file_months(self) -> dict:
        """{force slug: set of months (Timestamps) with a street file}."""
        out: dict = {}
        for f in self.files:
            out.setdefault(f.force, set()).add(pd.Timestamp(f.month + "-01"))
        return out


def _read_tables(entries) -> list:
    """Each entry's rows as an Arrow table, in order; Parquet files are read two at a time
    (pyarrow releases the GIL while it decodes), which nearly halves a year's re-read."""
    if len(entries) < 4:
        return [e.read_table() for e in entries]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda e: e.read_table(), entries))


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
        _check_zip_members(path, infos)
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


#: zip compression methods Python reads: stored, deflate, bzip2, lzma
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ZIP_METHOD_NAMES = {9: "Deflate64 (method 9)", 6: "Implode (method 6)", 93: "Zstandard (method 93)",
                     95: "XZ (method 95)", 98: "PPMd (method 98)", 99: "AES encryption (method 99)"}


def _check_zip_members(path: Path, infos) -> None:
    """One line, before any file is read, for a zip this tool cannot open: a password-protected
    (encrypted) member, or one compressed with a method Python does not read (Windows Explorer
    writes Deflate64 for large files)."""
    for info in infos:
        name = Path(info.filename).name
        if info.flag_bits & 0x1 or info.compress_type == 99:
            raise InputError(path, "", "a zip archive without a password",
                             found=f"{name} encrypted; unzip it with its password and set inputs.police_uk "
                                   "to the unzipped folder")
        if info.compress_type not in ZIP_METHODS:
            method = _ZIP_METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise InputError(path, "", "a zip archive compressed with Deflate (the usual method)",
                             found=f"{name} compressed with {method}, which cannot be read here; unzip it "
                                   "(e.g. with 7-Zip or Windows Explorer) and set inputs.police_uk to the "
                                   "unzipped folder")


def parse_street_file(src, label: str, notes: list) -> pd.DataFrame:
    """One street file -> the pipeline's columns: crime_id, month, crime_type, lsoa_code,
    lsoa_name, longitude, latitude, location, _force ("Falls within"), _asb (ASB row),
    _x, _y (British National Grid of points inside Great Britain, else NaN).

    A well-formed file (UTF-8, police.uk's header, every month ``YYYY-MM``, ...) is read
    by :func:`_parse_fast` (pyarrow's multi-threaded CSV reader, about 5x faster); any
    file it is not sure of is read by the general reader, which gives the same frame and
    reports every problem the same way.

    >>> head = "Crime ID,Month,Falls within,Longitude,Latitude,LSOA code,LSOA name,Crime type\\n"
    >>> df = parse_street_file((head + ",2024-04,T,-0.1,51.5,E01000001,T 001A,Anti-social behaviour\\n").encode(), "x.csv", [])
    >>> df["_asb"].tolist(), round(float(df["_x"].iloc[0]) / 1000)
    ([True], 532)
    """
    fast = _parse_fast(src)
    if fast is not None:
        return fast
    df = read_csv(src, file=label, notes=notes)
    cols = require(df, label, _REQUIRED, df.attrs["original"])
    loc = "location" if "location" in df.columns else None
    lon = pd.to_numeric(df[cols["longitude"]], errors="coerce").astype("float64")
    lat = pd.to_numeric(df[cols["latitude"]], errors="coerce").astype("float64")
    out = pd.DataFrame({
        "crime_id": strip(df[cols["crime_id"]]),
        "month": parse_month(df[cols["month"]], label, df.attrs["original"][cols["month"]], personal=False),
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


# -- the fast path ---------------------------------------------------------------------
#: whitespace Python's str.strip removes but pyarrow's ASCII trim does not: such a file takes the general path
_ODD_SPACE = "[\\x{1c}-\\x{1f}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]"
_ODD_EDGE = f"^{_ODD_SPACE}|{_ODD_SPACE}$"
_ASCII_SPACE = " \t\r\n\x0b\x0c"


def _bng_transformer():
    global _TRANSFORMER
    try:
        return _TRANSFORMER
    except NameError:
        from pyproj import Transformer  # heavy: pyproj only when coordinates are converted
        _TRANSFORMER = Transformer.from_crs(4326, 27700, always_xy=True)
        return _TRANSFORMER


def _parse_fast(src):
    """:func:`parse_street_file` for a well-formed file with pyarrow, or None to take the general path.

    Gives exactly the general path's frame (the tests compare the two on every sample
    file); it declines — returns None — on anything unusual: not UTF-8, a header
    without police.uk's columns or with repeated ones, ragged rows, a month not
    ``YYYY-MM``, unusual whitespace, and so on.
    """
    read = _fast_table(src)
    if read is None:
        return None
    table, names = read
    cols = _fast_columns(table, names)
    if cols is None:
        return None
    return _fast_frame(table, cols)


def _fast_table(src):
    """The file as a pyarrow table of strings and its (normalised) column names, or None: not bytes
    or a path, not UTF-8, a header not police.uk's (quoted, repeated or missing columns), ragged,
    or no rows."""
    try:
        if isinstance(src, (str, Path)):
            p = Path(src)
            raw = p.read_bytes()
            if p.name.lower().endswith(".gz"):
                raw = gzip.decompress(raw)
        elif isinstance(src, bytes):
            raw = src
        else:
            return None
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        head = raw[:raw.find(b"\n")] if b"\n" in raw else raw
        names = [norm_name(c) for c in head.decode("utf-8").rstrip("\r").split(",")]
        if '"' in head.decode("utf-8") or len(set(names)) != len(names) or not set(_REQUIRED) <= set(names):
            return None
        table = pcsv.read_csv(io.BytesIO(raw), read_options=pcsv.ReadOptions(column_names=names, skip_rows=1),
                              parse_options=pcsv.ParseOptions(newlines_in_values=False),
                              convert_options=pcsv.ConvertOptions(
                                  column_types={n: pa.string() for n in names}, null_values=[""],
                                  strings_can_be_null=True, quoted_strings_can_be_null=True))
    except Exception:  # noqa: BLE001 - the general path reads (or reports) it
        return None
    if table.num_rows == 0:
        return None
    return table, names


def _fast_text(table, name: str):
    """A text column trimmed as :func:`~.common.strip` does, blanks null; unusual whitespace raises."""
    col = table.column(name)
    if pc.any(pc.match_substring_regex(col, _ODD_EDGE)).as_py():
        raise ValueError("unusual whitespace")
    col = pc.utf8_trim(col, _ASCII_SPACE)
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def _fast_columns(table, names: list) -> dict | None:
    """The text columns, and ``month`` as timestamps; None when a column has unusual whitespace or a
    month is not ``YYYY-MM`` of 1900-2100 (the general path reports them)."""
    try:
        cols = {k: _fast_text(table, k) for k in ("crime_id", "month", "crime_type", "lsoa_code", "lsoa_name",
                                                   "falls_within")}
        cols["location"] = _fast_text(table, "location") if "location" in names else None
        month = cols["month"]
        # a month of 1900-2100 (others take the general path, which reports them)
        ok = pc.match_substring_regex(month, r"^(19\d\d|20\d\d|2100)-(0[1-9]|1[0-2])$")
        if not pc.all(pc.or_kleene(ok, pc.is_null(month))).as_py():
            return None
        cols["month"] = pc.strptime(pc.binary_join_element_wise(month, "-01", ""), format="%Y-%m-%d", unit="ns")
    except Exception:  # noqa: BLE001
        return None
    return cols


def _fast_number(table, name: str) -> np.ndarray:
    """A coordinate column as float64 (what is not a number: NaN)."""
    col = table.column(name)
    try:
        return pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(col.to_pandas(), errors="coerce").to_numpy(dtype="float64")


def _fast_str(arr) -> pd.Series:
    return pd.Series(arr.to_pandas() if hasattr(arr, "to_pandas") else arr).astype("str")


def _fast_frame(table, cols: dict) -> pd.DataFrame:
    """The pipeline's columns (see :func:`parse_street_file`) from the fast path's columns."""
    n = table.num_rows
    lon = pd.Series(_fast_number(table, "longitude"), dtype="float64")
    lat = pd.Series(_fast_number(table, "latitude"), dtype="float64")
    out = pd.DataFrame({
        "crime_id": _fast_str(cols["crime_id"]),
        "month": pd.Series(cols["month"].to_pandas()).astype("datetime64[ns]"),
        "crime_type": _fast_str(cols["crime_type"]),
        "lsoa_code": _fast_str(cols["lsoa_code"]),
        "lsoa_name": _fast_str(cols["lsoa_name"]),
        "longitude": lon,
        "latitude": lat,
        "location": (_fast_str(cols["location"]) if cols["location"] is not None
                     else pd.Series(pd.NA, index=range(n), dtype="str")),
        "_force": _fast_str(cols["falls_within"]),
    })
    types = out["crime_type"]
    asb_type = {t: str(t).casefold() == ASB_TYPE for t in types.dropna().unique()}
    out["_asb"] = types.map(asb_type).fillna(False).astype(bool).to_numpy() & out["crime_id"].isna().to_numpy()
    ok_xy, _ = gb_lonlat(lon, lat)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    okv = ok_xy.to_numpy()
    if okv.any():
        bx, by = _bng_transformer().transform(lon.to_numpy()[okv], lat.to_numpy()[okv])
        x[okv], y[okv] = bx, by
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
    cache = cache or NO_CACHE
    path = Path(path)
    files = list_street_files(path)
    for f in files:
        f.entry = cache.entry("police_uk", f.source, f.member, f.stamp,
                              partition={"force": f.force, "file_month": f.month})
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
