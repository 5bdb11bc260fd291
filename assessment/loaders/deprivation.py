"""The English Indices of Deprivation (``inputs.imd``): IMD rank and decile by LSOA.

Two published forms are read as they come:

* the **2019 IMD on 2011 LSOAs** (MHCLG's File 1, ``LSOA code (2011)``, ``Index of Multiple
  Deprivation (IMD) Rank``, ``... Decile``; or the GLA's "ID 2019 for London" extract, whose code
  column is ``geography code``).  Where the area's LSOAs are 2021 LSOAs, the figures are moved onto
  them through the ONS LSOA 2011 → 2021 lookup (``inputs.lsoa_lookup``), by :func:`harmonise`:

  - an LSOA unchanged between 2011 and 2021 (same code) keeps its figures (``direct``);
  - a 2011 LSOA **split** into several 2021 LSOAs gives each part its own rank and decile
    (``split``: deprivation was measured for the whole, and each part inherits it);
  - several 2011 LSOAs **merged** into one 2021 LSOA (or an irregular change, several parents) give it
    the mean of their ranks, and the decile of the LSOA in the IMD file whose rank is nearest that
    mean (``merged``; with no rank column, the mean of their deciles rounded down, towards the more
    deprived);
* a **2025 IMD on 2021 LSOAs** (``LSOA code (2021)``): read directly.

An area LSOA that is neither in the file nor reached through the lookup has no deprivation figure:
the chapter counts its crimes separately and says how many LSOAs that is.

Example
-------
>>> import tempfile, pathlib
>>> from assessment.accounting import Accounting
>>> p = pathlib.Path(tempfile.mkdtemp()) / "imd.csv"
>>> _ = p.write_text("LSOA code (2011),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\\n"
...                  "E01000001,100,1\\nE01000002,30000,10\\nE01000003,200,1\\n")
>>> lk = pd.DataFrame({"lsoa11": ["E01000001", "E01000002", "E01000002"], "lsoa21": ["E01000001", "E01099001", "E01099002"]})
>>> t = load_imd(p, pd.Index(["E01000001", "E01099001", "E01099002"]), lk, Accounting(), [])
>>> t[["imd_decile", "imd_method"]].values.tolist()
[[1, 'direct'], [10, 'split'], [10, 'split']]
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .common import find_column, read_csv, strip, valid_lsoa

#: the input's name in the record accounting
INPUT = "imd"
DIRECT, SPLIT, MERGED = "direct", "split", "merged"

_CODE = ("lsoa_code_(2011)", "lsoa_code_(2021)", "lsoa_code", "lsoa11cd", "lsoa21cd", "geography_code",
         "lsoa_2011_code", "lsoa_2021_code")
_RANK = r"(index_of_multiple_deprivation|imd).*rank.*|imd_rank"
_DECILE = r"(index_of_multiple_deprivation|imd).*decile.*|imd_decile"


def read_imd(path: Path, notes: list | None = None) -> tuple[pd.DataFrame, dict]:
    """The IMD file as read: lsoa_code, imd_rank (float, NaN without a rank column), imd_decile (Int64).

    Rows with a malformed LSOA code or a decile that is not a whole number 1–10 are left out and
    counted (the second value: reason -> rows).  A file with no LSOA code or no IMD decile column
    is one :class:`~assessment.errors.InputError`.

    Parameters
    ----------
    path : Path
        The IMD CSV.
    notes : list, optional
        Reading notes (e.g. a file that is not UTF-8).

    Returns
    -------
    (DataFrame, dict)

    Examples
    --------
    >>> import io
    >>> t, bad = read_imd(io.BytesIO(b"geography code,IMD Decile\\nE01000001,3\\nE01000002,11\\n"))
    >>> t["imd_decile"].tolist(), bad
    ([3], {'IMD decile not a whole number 1-10': 1})
    """
    df = read_csv(path, file=getattr(path, "name", path), notes=notes)
    code = find_column(df, *_CODE, pattern=r"lsoa.*(code|cd).*")
    decile = find_column(df, pattern=_DECILE)
    rank = find_column(df, pattern=_RANK)
    if code is None or decile is None:
        missing = "an LSOA code column (e.g. 'LSOA code (2011)')" if code is None else \
            "an IMD decile column (e.g. 'Index of Multiple Deprivation (IMD) Decile')"
        raise InputError(path, "header", missing, found="columns " + ", ".join(
            str(df.attrs.get("original", {}).get(c, c)) for c in df.columns[:8]))
    out = pd.DataFrame({"lsoa_code": strip(df[code])})
    dec = pd.to_numeric(strip(df[decile]), errors="coerce")
    out["imd_decile"] = dec
    out["imd_rank"] = pd.to_numeric(strip(df[rank]), errors="coerce").astype(float) if rank else np.nan
    bad = {}
    ok_code = valid_lsoa(out["lsoa_code"])
    if (~ok_code).any():
        bad["malformed LSOA code"] = int((~ok_code).sum())
    ok_dec = ok_code & dec.between(1, 10) & (dec == dec.round())
    if (ok_code & ~ok_dec).any():
        bad["IMD decile not a whole number 1-10"] = int((ok_code & ~ok_dec).sum())
    out = out[ok_dec].copy()
    dup = out["lsoa_code"].duplicated()
    if dup.any():
        bad["duplicate LSOA code"] = int(dup.sum())
        out = out[~dup]
    out["imd_decile"] = out["imd_decile"].astype("Int64")
    return out.reset_index(drop=True), bad


def nearest_rank_decile(ranks: np.ndarray, deciles: np.ndarray, rank: float) -> int:
    """The decile of the LSOA whose rank is nearest ``rank`` (ties: the lower rank, more deprived).

    Examples
    --------
    >>> nearest_rank_decile(np.array([10.0, 20.0, 30.0]), np.array([1, 2, 3]), 24.0)
    2
    """
    i = int(np.argmin(np.abs(ranks - rank) + ranks * 1e-12))
    return int(deciles[i])


def harmonise(imd: pd.DataFrame, universe, lookup: pd.DataFrame | None = None) -> pd.DataFrame:
    """IMD rank and decile for each LSOA of ``universe`` (see the module docstring for the rule).

    Parameters
    ----------
    imd : DataFrame
        :func:`read_imd`'s table.
    universe : sequence of str
        The area's LSOA codes.
    lookup : DataFrame, optional
        The ONS lookup as :func:`assessment.loaders.geography.load_lsoa_lookup` reads it
        (``lsoa11``, ``lsoa21``).

    Returns
    -------
    DataFrame
        indexed by lsoa_code (the LSOAs of ``universe`` with a figure, in its order): imd_rank,
        imd_decile, imd_method, imd_parents (the IMD file's codes it came from, ``;``-separated).

    Examples
    --------
    >>> imd = pd.DataFrame({"lsoa_code": ["A11", "B11", "C11"], "imd_rank": [100.0, 300.0, 9000.0],
    ...                     "imd_decile": pd.array([1, 1, 3], dtype="Int64")})
    >>> lk = pd.DataFrame({"lsoa11": ["A11", "B11"], "lsoa21": ["M21", "M21"]})
    >>> harmonise(imd, ["M21", "C11", "Z21"], lk)[["imd_rank", "imd_decile", "imd_method"]].values.tolist()
    [[200.0, 1, 'merged'], [9000.0, 3, 'direct']]
    """
    by_code = imd.set_index("lsoa_code")
    parents, children = {}, {}
    if lookup is not None and len(lookup):
        lk = lookup[["lsoa11", "lsoa21"]].dropna().drop_duplicates()
        parents = lk.groupby("lsoa21")["lsoa11"].agg(list).to_dict()
        children = lk.groupby("lsoa11")["lsoa21"].agg(list).to_dict()
    ranked = imd.dropna(subset=["imd_rank"]).sort_values("imd_rank")
    ranks, deciles = ranked["imd_rank"].to_numpy(float), ranked["imd_decile"].to_numpy(int)
    rows = []
    for code in [str(c) for c in universe]:
        if code in by_code.index:
            r = by_code.loc[code]
            rows.append((code, float(r["imd_rank"]), int(r["imd_decile"]), DIRECT, code))
            continue
        ps = sorted(p for p in parents.get(code, ()) if p in by_code.index)
        if not ps:
            continue
        if len(ps) == 1:
            r = by_code.loc[ps[0]]
            method = SPLIT if len(children.get(ps[0], ())) > 1 else DIRECT
            rows.append((code, float(r["imd_rank"]), int(r["imd_decile"]), method, ps[0]))
            continue
        sub = by_code.loc[ps]
        rank = float(sub["imd_rank"].mean()) if sub["imd_rank"].notna().all() else np.nan
        if not np.isnan(rank) and len(ranks):
            dec = nearest_rank_decile(ranks, deciles, rank)
        else:
            dec = int(np.floor(sub["imd_decile"].astype(float).mean()))
        rows.append((code, rank, dec, MERGED, ";".join(ps)))
    out = pd.DataFrame(rows, columns=["lsoa_code", "imd_rank", "imd_decile", "imd_method", "imd_parents"])
    out["imd_decile"] = out["imd_decile"].astype("Int64")
    out["imd_rank"] = out["imd_rank"].astype(float)
    return out.set_index("lsoa_code")


def load_imd(path: Path, universe, lookup: pd.DataFrame | None, acc, notes: list) -> pd.DataFrame:
    """Read ``inputs.imd`` and give every LSOA of the area its figures (:func:`harmonise`), accounted.

    Rows read = rows used (an area LSOA's own row, or a 2011 parent of one) + rows excluded
    (malformed, or outside the area).  The LSOAs of the area with no figure are noted.

    Parameters
    ----------
    path : Path
        The IMD CSV.
    universe : sequence of str, or None
        The area's LSOA codes (None: every row of the file, read directly).
    lookup : DataFrame or None
        The ONS LSOA 2011 → 2021 lookup.
    acc : Accounting
    notes : list

    Returns
    -------
    DataFrame
        :func:`harmonise`'s table.
    """
    imd, bad = read_imd(path, notes)
    acc.read(INPUT, len(imd) + sum(bad.values()))
    for reason, n in bad.items():
        acc.exclude(INPUT, reason, n)
    if universe is None:
        universe = imd["lsoa_code"].tolist()
    out = harmonise(imd, universe, lookup)
    used_codes = set()
    for p in out["imd_parents"]:
        used_codes.update(p.split(";"))
    used = int(imd["lsoa_code"].isin(used_codes).sum())
    acc.use(INPUT, used)
    acc.exclude(INPUT, "outside the area", len(imd) - used)
    missing = len(pd.Index(universe)) - len(out)
    if missing:
        acc.note(INPUT, f"{missing} of the area's {len(pd.Index(universe))} LSOAs have no deprivation figure "
                 "(not in the IMD file, nor reached through the LSOA 2011 -> 2021 lookup)")
    methods = out["imd_method"].value_counts()
    if methods.get(SPLIT, 0) or methods.get(MERGED, 0):
        acc.note(INPUT, f"2011 LSOAs moved onto 2021 LSOAs: {int(methods.get(SPLIT, 0))} part(s) of split LSOAs "
                 f"take their 2011 LSOA's figures; {int(methods.get(MERGED, 0))} merged LSOA(s) take the mean rank "
                 "of their 2011 LSOAs")
    return out
