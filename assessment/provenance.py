"""Provenance: which files, config and package versions produced a report (§7, issue 7).

Example
-------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = p.write_text("a\\n1\\n2\\n")
>>> sha256(p)[:12], count_rows(p)
('d4fa155a0784', 2)
"""
from __future__ import annotations

import gzip
import hashlib
import os
import platform
import zipfile
from importlib import metadata
from pathlib import Path

import pandas as pd

from .config import input_paths

PACKAGES = ["csp-assessment", "pandas", "numpy", "geopandas", "shapely", "pyogrio", "libpysal", "esda",
            "mapclassify", "scipy", "matplotlib", "papermill", "nbconvert", "weasyprint", "pyarrow"]


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def count_rows(path: Path) -> int | None:
    """Data rows (lines less the header) of a CSV (plain or .gz); None for other formats."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith(".csv.gz"):
        opener = gzip.open
    elif name.endswith(".csv"):
        opener = open
    else:
        return None
    with opener(path, "rb") as f:
        data = f.read()
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    return max(lines - 1, 0)


def display_path(path, root, climb: bool = True) -> str:
    """A path as the outputs show it, never absolute: relative to ``root`` (the config file's folder),
    as the config would name it (``../data/x.csv`` for a file beside that folder); only the file's
    name when there is no relative path (another drive), when the path is not known, or (``climb``
    false, for the output folder) when the path is not inside ``root``.

    >>> display_path("/srv/csp/data/crimes.csv", "/srv/csp")
    'data/crimes.csv'
    >>> display_path("/srv/shared/real/pop.csv", "/srv/csp/examples")
    '../../shared/real/pop.csv'
    >>> display_path("/srv/csp", "/srv/csp"), display_path("/x/report.pdf", None)
    ('.', 'report.pdf')
    >>> display_path("/srv/csp/reports/2024-25", "/srv/csp", climb=False), display_path("/tmp/r/2024-25", "/srv/csp", climb=False)
    ('reports/2024-25', '2024-25')
    """
    p = Path(path)
    if root is None:
        return p.name
    try:
        rel = os.path.relpath(p, Path(root))
    except ValueError:   # another drive (Windows)
        return p.name
    rel = Path(rel).as_posix()
    if not climb and (rel == ".." or rel.startswith("../")):
        return p.name
    return rel


def config_text(config) -> str:
    """The config file's text as the outputs quote it: an input given by an absolute path is shown
    relative to the config file's folder (:func:`display_path`), so no output names a local
    folder; '' for a config built in code."""
    if config.path is None or not Path(config.path).exists():
        return ""
    text = Path(config.path).read_text(encoding="utf-8-sig")
    for name in type(config.inputs).model_fields:
        for p in input_paths(config.inputs, name):
            if p.is_absolute() and str(p) in text:
                text = text.replace(str(p), display_path(p, config.root))
    return text


def _files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return [path]


def inputs_table(config) -> pd.DataFrame:
    """One row per input file named by the config: input, file (relative to the config file's folder,
    :func:`display_path`), rows, bytes, sha256."""
    rows = []
    for name in type(config.inputs).model_fields:
        for f in (f for p in input_paths(config.inputs, name) if p.exists() for f in _files(p)):
            rel = display_path(f, config.root)
            n = count_rows(f)
            if n is None and zipfile.is_zipfile(f):
                n = None
            rows.append({"input": name, "file": rel, "rows": n, "bytes": f.stat().st_size,
                         "sha256": sha256(f)})
    t = pd.DataFrame(rows, columns=["input", "file", "rows", "bytes", "sha256"])
    t["rows"] = t["rows"].astype("Int64")   # a file without rows (a GeoPackage) is blank, not NaN -> 87,841.0
    return t


def format_rows(n) -> str:
    """A row count for the log: '87,841', or '' for a file without rows (NA, None or NaN).

    >>> format_rows(87841), format_rows(pd.NA), format_rows(None), format_rows(float("nan"))
    ('87,841', '', '', '')
    """
    return "" if n is None or pd.isna(n) else f"{int(n):,}"


def input_lines(config) -> list[str]:
    """``run.log``'s input-file lines: input, file, rows (blank for a file that is not a CSV — a
    boundary GeoPackage or GeoJSON, a targets YAML), bytes and SHA-256, one line per file.

    A file that cannot be read gets a line saying why; the others are still listed.
    """
    lines = []
    try:
        t = inputs_table(config)
    except Exception as e:  # noqa: BLE001 - the log must still be written
        return [f"  (could not list the input files: {type(e).__name__}: {e})"]
    for row in t.itertuples(index=False):
        try:
            lines.append(f"  {row.input:<12} {row.file}  rows={format_rows(row.rows)}  bytes={int(row.bytes):,}  "
                         f"sha256={row.sha256}")
        except Exception as e:  # noqa: BLE001
            lines.append(f"  {row.input:<12} {row.file}  (could not be described: {type(e).__name__}: {e})")
    return lines


def versions() -> pd.DataFrame:
    """Python and package versions used for the run."""
    rows = [{"package": "python", "version": platform.python_version()}]
    for p in PACKAGES:
        try:
            rows.append({"package": p, "version": metadata.version(p)})
        except metadata.PackageNotFoundError:
            pass
    return pd.DataFrame(rows)
