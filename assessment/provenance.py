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
import platform
import zipfile
from importlib import metadata
from pathlib import Path

import pandas as pd

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


def _files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return [path]


def inputs_table(config) -> pd.DataFrame:
    """One row per input file named by the config: input, file, rows, bytes, sha256."""
    rows = []
    for name in type(config.inputs).model_fields:
        p = getattr(config.inputs, name)
        if p is None or not Path(p).exists():
            continue
        for f in _files(p):
            try:
                rel = f.relative_to(config.root)
            except ValueError:
                rel = f
            n = count_rows(f)
            if n is None and zipfile.is_zipfile(f):
                n = None
            rows.append({"input": name, "file": str(rel), "rows": n, "bytes": f.stat().st_size,
                         "sha256": sha256(f)})
    t = pd.DataFrame(rows, columns=["input", "file", "rows", "bytes", "sha256"])
    t["rows"] = t["rows"].astype("Int64")   # a file without rows (a GeoPackage) is blank, not NaN -> 87,841.0
    return t


def versions() -> pd.DataFrame:
    """Python and package versions used for the run."""
    rows = [{"package": "python", "version": platform.python_version()}]
    for p in PACKAGES:
        try:
            rows.append({"package": p, "version": metadata.version(p)})
        except metadata.PackageNotFoundError:
            pass
    return pd.DataFrame(rows)
