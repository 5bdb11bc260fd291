"""A columnar cache of parsed crime files: each source file is parsed once into Parquet.

Reading a year of police.uk CSVs means decoding and parsing text every run
(about 2 s for a force's 170,000 rows; far more for London).  The loaders
instead keep, for every source file, its **parsed rows** (the frame the
loader's parser returns, before any area selection or validation, so the
record accounting is unchanged) as one Parquet file:

* one Parquet file per source file (one police.uk file per force and month, or
  one record-level extract), named after the source's path (and zip member);
* partitioned Hive-style: police.uk entries live under
  ``police_uk/force=<force>/file_month=<YYYY-MM>/``, so that a year reads 12 month
  partitions, a force only its own folder, and any tool that reads Parquet
  datasets (e.g. ``pyarrow.dataset.dataset(folder, partitioning="hive")``) sees
  ``force`` and ``file_month`` as columns (``file_month``: the month in the file's
  name, as ``month`` is already a column of the rows);
  within a file the rows keep the source's order, and a read can ask for only
  some columns (:meth:`Entry.read_table`);
* the file's schema metadata records the source's size and modification time
  (``st_size``, ``st_mtime_ns``; for a member of a zip, its size and CRC-32),
  the cache format version, the notes the parser made (e.g. "read as
  Windows-1252"), and a small summary of the rows (count, first and last
  month, ASB rows) — so a loader can tell which files a period needs from
  the metadata alone, and read only those;
* when the source changes (size or mtime), the entry no longer matches and the
  file is parsed again and the entry replaced; a file whose parsing reported
  a problem is never cached.

Where: ``<config folder>/.cache/assessment/`` (git ignores ``.cache/``), or
the folder named by the environment variable ``ASSESSMENT_CACHE_DIR`` (a config
built in code, without a file, is cached only there).
``ASSESSMENT_CACHE=0`` turns the cache off (every file is parsed every time).
Deleting the folder is always safe (:meth:`Cache.clear` does it): the next run
parses the sources again.

Example
-------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> src = d / "x.csv"
>>> _ = src.write_text("a\\n1\\n")
>>> store = Cache(d / "cache")
>>> calls = []
>>> def parse(notes):
...     calls.append(1)
...     return pd.DataFrame({"a": [1]})
>>> e = store.entry("demo", src)
>>> e.load(parse)["a"].tolist(), e.load(parse)["a"].tolist(), len(calls)
([1], [1], 1)
>>> store.entry("demo", src).load(parse)["a"].tolist(), len(calls)   # a new entry reads the Parquet file
([1], 1)
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import collect_problems, collecting, problem

#: bump when a parser's output changes, so old entries are not reused
CACHE_VERSION = 5

#: environment variables
ENV_DIR = "ASSESSMENT_CACHE_DIR"
ENV_ENABLED = "ASSESSMENT_CACHE"

_META_KEY = b"assessment"

#: counters for tests and benchmarks: parquet files read, sources parsed, entries written
stats = {"parquet_reads": 0, "parses": 0, "writes": 0}
_STATS_LOCK = threading.Lock()


def _count(key: str) -> None:
    with _STATS_LOCK:   # entries are read from two threads at once (loaders.police_uk)
        stats[key] += 1


def enabled() -> bool:
    """False when ``ASSESSMENT_CACHE`` is ``0``, ``false``, ``no`` or ``off``.

    >>> import os
    >>> os.environ["ASSESSMENT_CACHE"] = "0"; enabled()
    False
    >>> del os.environ["ASSESSMENT_CACHE"]; enabled()
    True
    """
    return os.environ.get(ENV_ENABLED, "1").strip().lower() not in {"0", "false", "no", "off"}


def cache_dir(root: Path | None) -> Path | None:
    """The cache folder for a config in ``root``: ``$ASSESSMENT_CACHE_DIR``, else
    ``<root>/.cache/assessment``; ``None`` when the cache is off.

    >>> import os
    >>> cache_dir(Path("/data/borough")).as_posix()
    '/data/borough/.cache/assessment'
    """
    if not enabled():
        return None
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser()
    return Path(root or Path.cwd()) / ".cache" / "assessment"


def for_config(cfg) -> Cache | None:
    """The :class:`Cache` of a :class:`~assessment.config.Config` (``None`` when off).

    A config built in code (no config file, so no config folder) is cached only
    when ``ASSESSMENT_CACHE_DIR`` names a folder.
    """
    if getattr(cfg, "path", None) is None and not os.environ.get(ENV_DIR):
        return None
    d = cache_dir(cfg.root)
    return Cache(d) if d is not None else None


@dataclass
class Entry:
    """One source file's slot in the cache (or an in-memory slot when the cache is off).

    ``load(parse)`` returns the parsed frame: from memory, else from the Parquet file
    when it matches the source, else by calling ``parse(notes)`` (and storing the result).
    ``meta`` (after :meth:`probe` or :meth:`load`) holds the row summary the loader
    stored with :meth:`load`'s ``summarise``.
    """

    kind: str
    source: Path
    member: str | None = None
    stamp: dict = field(default_factory=dict)
    file: Path | None = None          # the Parquet file (None: no cache)
    frame: pd.DataFrame | None = None
    meta: dict | None = None
    notes: list = field(default_factory=list)
    written: bool = False                # this entry's Parquet file was written by this process

    def probe(self) -> bool:
        """True when a matching Parquet file exists; loads its metadata (``meta``, ``notes``)."""
        if self.meta is not None:
            return True
        if self.file is None or not self.file.exists():
            return False
        try:
            md = pq.read_schema(self.file).metadata or {}
            info = json.loads(md.get(_META_KEY, b"{}"))
        except Exception:  # noqa: BLE001 - a damaged entry is simply parsed again
            return False
        if info.get("version") != CACHE_VERSION or info.get("stamp") != self.stamp:
            return False
        self.meta, self.notes = info.get("summary", {}), info.get("notes", [])
        return True

    def load(self, parse: Callable[[list], pd.DataFrame],
             summarise: Callable[[pd.DataFrame], dict] | None = None, columns=None) -> pd.DataFrame:
        """The parsed frame (see the class docstring).  ``columns``: read only these from Parquet."""
        if self.frame is not None:
            return self.frame if columns is None else self.frame[list(columns)]
        if self.probe():
            try:
                table = pq.read_table(self.file, columns=list(columns) if columns is not None else None)
                _count("parquet_reads")
                df = table.to_pandas()
                if columns is None:
                    self.frame = df
                return df
            except Exception:  # noqa: BLE001 - unreadable entry: parse the source again
                self.meta = None
        notes: list = []
        _count("parses")
        if collecting():
            with collect_problems() as found:
                df = parse(notes)
            for e in found:
                problem(e)
            clean = not found
        else:
            df = parse(notes)
            clean = True
        self.frame, self.notes = df, notes
        self.meta = summarise(df) if summarise else {}
        if clean and self.file is not None:
            self._write(df)
        return df if columns is None else df[list(columns)]

    def read_table(self, columns=None, keep: bool = False):
        """The parsed rows as a :class:`pyarrow.Table` (only ``columns`` when given).

        Read from the Parquet file when it matches the source (nothing is kept in
        memory), else parsed (see :meth:`load`).  ``keep=True`` holds a parsed frame
        in memory even when it was written to the cache.
        """
        if self.frame is None and self.probe():
            try:
                t = pq.read_table(self.file, columns=list(columns) if columns is not None else None)
                _count("parquet_reads")
                return t
            except Exception:  # noqa: BLE001 - unreadable entry: parsed again below
                self.meta = None
        if self.frame is None:
            raise LookupError("read_table: no parsed rows; call load(parse) first")
        df = self.frame if columns is None else self.frame[list(columns)]
        t = pa.Table.from_pandas(df, preserve_index=False)
        if not keep and self.written:
            self.frame = None   # written: later reads come from the Parquet file
        return t

    def _write(self, df: pd.DataFrame) -> None:
        try:
            table = pa.Table.from_pandas(df, preserve_index=False)
            info = {"version": CACHE_VERSION, "stamp": self.stamp, "source": str(self.source),
                    "member": self.member, "kind": self.kind, "summary": self.meta, "notes": self.notes}
            table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                                   _META_KEY: json.dumps(info, default=str).encode()})
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            os.close(fd)
            try:
                pq.write_table(table, tmp)
                os.replace(tmp, self.file)   # atomic: a parallel run never sees half a file
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            _count("writes")
            self.written = True
        except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
            pass


class Cache:
    """The cache folder.  ``Cache(None)`` is a cache that keeps nothing (every entry parses)."""

    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder is not None else None

    def entry(self, kind: str, source: Path, member: str | None = None, stamp: dict | None = None,
              partition: dict | None = None) -> Entry:
        """The slot of ``source`` (and ``member`` of a zip).  ``stamp`` identifies the source's
        version (default: its size and mtime in nanoseconds); ``partition`` (e.g.
        ``{"force": "metropolitan", "file_month": "2024-04"}``) the Hive-style sub-folders
        ``force=metropolitan/file_month=2024-04/`` the entry is written in."""
        source = Path(source)
        if stamp is None:
            st = source.stat()
            stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
        file = None
        if self.folder is not None:
            ident = f"{kind}|{source.resolve()}|{member or ''}"
            h = hashlib.sha1(ident.encode()).hexdigest()[:20]
            stem = Path(member).name if member else source.name
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)[:60]
            sub = Path(*[f"{k}={_part(v)}" for k, v in partition.items()]) if partition else Path()
            file = self.folder / kind / sub / f"{safe}.{h}.parquet"
        return Entry(kind=kind, source=source, member=member, stamp=stamp, file=file)


    def files(self, kind: str | None = None) -> list[Path]:
        """Every Parquet file in the cache (of ``kind``), sorted."""
        if self.folder is None:
            return []
        base = self.folder / kind if kind else self.folder
        return sorted(base.rglob("*.parquet")) if base.exists() else []

    def clear(self) -> int:
        """Delete the cache folder; returns the number of Parquet files removed."""
        n = len(self.files())
        if self.folder is not None and self.folder.exists():
            shutil.rmtree(self.folder)
        return n


def _part(value) -> str:
    """A partition value safe as a folder name: ``"City of London"`` -> ``"city-of-london"``."""
    text = str(value).strip().lower()
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text) or "_"


NO_CACHE = Cache(None)
