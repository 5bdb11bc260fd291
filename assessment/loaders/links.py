"""Victims and offenders links (§3.3, §3.4) and ASB incidents (§3.5).

Links join people to crimes.  A link is used only when its crime is in the
assessment's crimes table; otherwise it is excluded as "crime not in the
crimes table" (the crime id appears nowhere in the crime input) or "crime
outside the area or data window" (the crime was read but excluded).  The same
(crime, person) pair twice is a "duplicate link"; a blank person id is "no
victim id" / "no offender id"; a placeholder id (``0``, ``UNKNOWN``, ``N/A``, ...; see
:func:`~.plausibility.placeholder_ids`) is "placeholder victim id (not a person)" /
"placeholder offender id (not a person)".  One id linked to an implausible share of the
crimes is noted (:func:`~.plausibility.dominant_ids`).  An ASB incident whose caller id is a
placeholder is kept, without a caller.

Example
-------
>>> import tempfile, pathlib
>>> from assessment.accounting import Accounting
>>> p = pathlib.Path(tempfile.mkdtemp()) / "victims.csv"
>>> _ = p.write_text("crime_id,victim_id,age\\nC1,V1,34\\nC1,V1,34\\nC9,V2,\\nC2,V3,51\\n")
>>> acc = Accounting()
>>> v = load_links(p, "victims", acc, [], all_ids={"C1", "C2"}, used_ids={"C1"})
>>> v["victim_id"].tolist(), acc.to_summary()["victims"]["excluded"]
(['V1'], {'crime not in the crimes table': 1, 'crime outside the area or data window': 1, 'duplicate link': 1})
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import ASB_COLUMNS, OFFENDER_COLUMNS, VICTIM_COLUMNS, conform
from .common import bad_row, find_column, isin, parse_age, parse_date, read_csv, require, strip, valid_lsoa
from .extract import add_coordinates, has_location_columns
from .plausibility import dominant_ids, placeholder_ids

_PERSON = {"victims": ("victim_id", ("victim_id", "victim", "person_id", "victim_ref")),
           "offenders": ("offender_id", ("offender_id", "offender", "person_id", "suspect_id", "nominal_id"))}


def load_links(path: Path, kind: str, acc, notes: list, all_ids: set, used_ids: set, harm=None) -> pd.DataFrame:
    """Read a victims or offenders link file (``kind`` = "victims" / "offenders").

    ``all_ids``: every crime id in the crime input; ``used_ids``: those in the crimes
    table (sets or arrays).  Returns the canonical columns (:data:`~assessment.dataset.VICTIM_COLUMNS`
    or ``OFFENDER_COLUMNS``).
    """
    person, aliases = _PERSON[kind]
    df = read_csv(path, notes=notes)
    orig = df.attrs["original"]
    cols = require(df, path, {"crime_id": ("crime_id", "crime_reference", "crime_ref"), person: aliases}, orig,
                   personal=True)
    out = pd.DataFrame({"crime_id": strip(df[cols["crime_id"]]), person: strip(df[cols[person]])})
    age = find_column(df, "age", "age_at_offence", "age_at_crime")
    # victims and offenders files hold personal data: messages give rows and columns, never cell values
    out["age"] = (parse_age(df[age], path, orig[age], notes, personal=True) if age
                  else pd.Series(pd.NA, index=df.index, dtype="Int64"))
    sex = find_column(df, "sex", "gender")
    out["sex"] = strip(df[sex]) if sex else pd.Series(pd.NA, index=df.index, dtype="str")
    if kind == "offenders":
        home = find_column(df, "home_lsoa", "home_lsoa_code", "residence_lsoa", "home_lsoa21cd")
        h = strip(df[home]).str.upper() if home else pd.Series(pd.NA, index=df.index, dtype="str")
        bad = h.notna() & ~valid_lsoa(h)
        if bad.any():
            notes.append(f"{path.name}: {int(bad.sum())} home_lsoa value(s) not an LSOA code left blank, "
                         f"first {bad_row(h, bad, personal=True)}")
            h = h.mask(bad)
        if harm is not None and harm.active and h.notna().any():
            new, _ = harm.harmonise(h[h.notna()])
            h.loc[h.notna()] = new.to_numpy()
        out["home_lsoa"] = h

    acc.read(kind, len(out))

    def drop(frame, mask, reason):
        mask = np.asarray(mask, dtype=bool)
        acc.exclude(kind, reason, int(mask.sum()))
        return frame[~mask]

    out = drop(out, out["crime_id"].isna(), "no crime id")
    out = drop(out, out[person].isna(), f"no {person.replace('_', ' ')}")
    # an id such as 0, UNKNOWN or N/A is not a person: left out of the analysis, counted
    ph = placeholder_ids(out[person])
    if ph.any():
        notes.append(f"{path.name}: {int(ph.sum()):,} link(s) with a placeholder {person.replace('_', ' ')} (a "
                     f"stand-in for 'unknown', not a person) left out of the {kind[:-1]} analysis, first in row "
                     f"{int(out.index[ph][0]) + 2}")
    out = drop(out, ph, f"placeholder {person.replace('_', ' ')} (not a person)")
    out = drop(out, ~isin(out["crime_id"], all_ids), "crime not in the crimes table")
    out = drop(out, ~isin(out["crime_id"], used_ids), "crime outside the area or data window")
    out = drop(out, out.duplicated(["crime_id", person]), "duplicate link")
    acc.use(kind, len(out))
    note = dominant_ids(out[person], out["crime_id"], path, kind[:-1],
                        extra=" (or an organisation, such as a shop)" if kind == "victims" else "")
    if note:
        notes.append(note)
    return conform(out, VICTIM_COLUMNS if kind == "victims" else OFFENDER_COLUMNS)


def read_asb(path: Path, notes: list) -> pd.DataFrame:
    """Read ASB incidents into the pipeline's columns: incident_id, datetime, month, caller_id,
    lsoa_code (+ coordinates when given instead of an LSOA code).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "asb.csv"
    >>> _ = p.write_text("incident_id,datetime,caller_id,lsoa_code\\nA1,2024-04-01 22:15,K1,E01000001\\n")
    >>> read_asb(p, [])[["incident_id", "caller_id"]].values.tolist()
    [['A1', 'K1']]
    """
    df = read_csv(path, notes=notes)
    orig = df.attrs["original"]
    cols = require(df, path, {"incident_id": ("incident_id", "incident", "id", "reference"),
                              "datetime": ("datetime", "date_time", "incident_datetime", "date", "incident_date")}, orig,
                   personal=True)
    if not has_location_columns(df):
        require(df, path, {"lsoa_code": ("lsoa_code",)}, orig, personal=True)
    raw_dt = strip(df[cols["datetime"]])
    dt = parse_date(raw_dt, path, orig[cols["datetime"]], personal=True)   # caller ids: values never quoted
    caller = find_column(df, "caller_id", "caller", "caller_ref")
    lsoa = find_column(df, "lsoa_code", "lsoa", "lsoa21cd", "lsoa11cd")
    out = pd.DataFrame({
        "incident_id": strip(df[cols["incident_id"]]),
        "datetime": dt,
        "month": dt.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]"),
        "caller_id": strip(df[caller]) if caller else pd.Series(pd.NA, index=df.index, dtype="str"),
        "lsoa_code": strip(df[lsoa]).str.upper() if lsoa else pd.Series(pd.NA, index=df.index, dtype="str"),
        "lsoa_name": pd.Series(pd.NA, index=df.index, dtype="str"),
    })
    # a caller id such as 0 or UNKNOWN is not a person: the incident is kept, without a caller
    out["_caller_placeholder"] = placeholder_ids(out["caller_id"])
    out.loc[out["_caller_placeholder"], "caller_id"] = pd.NA
    out["_date_problem"] = pd.Series(pd.NA, index=out.index, dtype="str")
    out.loc[raw_dt.isna(), "_date_problem"] = "no date"
    out.loc[raw_dt.notna() & dt.isna(), "_date_problem"] = "bad date"
    out = add_coordinates(out, df, path)
    out["_w"] = np.int64(1)
    return out


def asb_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The canonical ASB table (:data:`~assessment.dataset.ASB_COLUMNS`)."""
    return conform(df, ASB_COLUMNS)
