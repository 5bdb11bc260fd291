"""The harm weights (§3.10, ``inputs.harm_weights``): crime type or offence code -> weight.

A CSV with a ``weight`` column and a key column: ``crime_type`` (matched to the crime data's crime
types, case and surrounding spaces ignored) or ``offence_code`` (the Home Office offence code, as
the ONS Crime Severity Score publishes its weights; matched to the extract's ``offence_code``).
When the file has both, offence codes are used where the crime data hold them.  Its source is
named in the config (``harm.source``): weights with no named source are not used.

Each weight is a number of 0 or more; a key may appear once.  A bad file stops the run with one
line (file, row or column, what was expected).  The weights are a published reference table, not
personal data: a bad cell's value is quoted.

Example
-------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "w.csv"
>>> _ = p.write_text("Crime type,Weight\\nBurglary,30.5\\nShoplifting, 2\\n")
>>> w = read_harm_weights(p)
>>> w.attrs["key"], w["key"].tolist(), w["weight"].tolist()
('crime_type', ['Burglary', 'Shoplifting'], [30.5, 2.0])
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from .common import find_column, parse_number, read_csv, strip

#: the key columns a weights file may have, in the order they are preferred when the data hold them
KEYS = {"offence_code": ("offence_code", "home_office_code", "ho_code", "offence_code_ho"),
        "crime_type": ("crime_type", "offence_type", "crime_category", "offence")}


def read_harm_weights(path: Path, notes: list | None = None) -> pd.DataFrame:
    """Read and check the harm weights file.

    Parameters
    ----------
    path : Path
        The CSV.
    notes : list, optional
        Where reading notes go (e.g. a file that is not UTF-8).

    Returns
    -------
    DataFrame
        ``key`` (string, as written, spaces stripped) and ``weight`` (float), one row per key;
        ``attrs["key"]`` is ``"offence_code"`` or ``"crime_type"`` (which the keys are) and
        ``attrs["crime_type"]``, when the file has both columns, the crime-type weights as a second
        DataFrame of the same form (used for crimes without an offence code).

    Raises
    ------
    InputError
        No weight column, no key column, a weight that is not a number of 0 or more, a blank key,
        or a key given twice.
    """
    df = read_csv(path, notes=notes)
    orig = df.attrs["original"]
    wcol = find_column(df, "weight", "harm_weight", "severity_weight", "css_weight")
    found = {k: find_column(df, *aliases) for k, aliases in KEYS.items()}
    if wcol is None or not any(found.values()):
        what = "a column named weight" if wcol is None else "a column named crime_type or offence_code"
        raise InputError(path, "columns", what, found="columns " + ", ".join(orig.get(c, c) for c in df.columns))
    weight = parse_number(df[wcol], path, orig.get(wcol, wcol), "a weight: a number of 0 or more",
                          blank_ok=False, personal=False)
    neg = weight < 0
    if neg.any():
        row = int(neg.to_numpy().nonzero()[0][0]) + 2
        raise InputError(path, f"row {row}, column '{orig.get(wcol, wcol)}'", "a weight of 0 or more",
                         found=f"{weight[neg].iloc[0]:g}")
    tables = {}
    for key, col in found.items():
        if col is None:
            continue
        k = strip(df[col])
        sel = k.notna()
        if not sel.any():
            continue
        t = pd.DataFrame({"key": k[sel].astype("string"), "weight": weight[sel].astype("float64")})
        folded = t["key"].str.casefold()
        dup = folded.duplicated()
        if dup.any():
            row = int(dup.to_numpy().nonzero()[0][0])
            raise InputError(path, f"row {int(t.index[row]) + 2}, column '{orig.get(col, col)}'",
                             f"each {key.replace('_', ' ')} once", found=f"{t['key'].iloc[row]!r} again")
        tables[key] = t.reset_index(drop=True)
    if not tables:
        raise InputError(path, "", "a crime type or offence code on each row", found="none")
    keys = [k for k in KEYS if k in tables]
    out = tables[keys[0]]
    out.attrs["key"] = keys[0]
    # for the record accounting: the file's rows, and those with no key in any key column (not used)
    keyed = pd.concat([strip(df[c]).notna() for c in found.values() if c is not None], axis=1).any(axis=1)
    out.attrs["rows"], out.attrs["unkeyed"] = int(len(df)), int((~keyed).sum())
    if len(keys) > 1:
        out.attrs["crime_type"] = tables["crime_type"]
    return out
