"""Emergency-department assault attendances (§3.9, the ISTV minimum dataset; the Cardiff Model)
and the ONS postcode directory that places them.

Since 2014 type-1 emergency departments in England share the *Information Sharing to Tackle
Violence* (ISTV) minimum dataset with community safety partnerships: the date and time of the
incident (and of arrival), where it happened (free text, sometimes a postcode or a venue) and the
primary means of assault; many add the number of assailants, the relationship to the assailant,
whether it was reported to the police, age band and sex.  One row is one attendance.

Every attendance is a record about a patient: the file is personal data.  A message about it
names the row and the column, never a cell value (see :mod:`.common`); ``attendance_id`` is used
to find repeated rows and is listed among the run's identifiers, which no output may hold
(:func:`assessment.disclosure.identifiers`, :mod:`assessment.leaks`).

Where an attendance happened, first that applies: a well-formed ``lsoa_code``; the LSOA of its
``postcode`` in the postcode lookup (``inputs.postcode_lookup``); its point (easting/northing or
longitude/latitude) in the boundary polygons.  An attendance with none of these is *unmatched*:
kept (it counts in the totals, the means of assault, the time of day and the reporting to police)
but left off the map, and counted.  Then the rows go through the selection every record input
goes through (:func:`~.pipeline.select_rows`): the data window, LSOA codes harmonised to the
boundary vintage, ``outside the area`` (an LSOA not among the area's), ``duplicate attendance id``.

Example
-------
>>> import tempfile, pathlib
>>> from assessment.accounting import Accounting
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "pc.csv").write_text("pcds,lsoa21cd\\nDM1 1AA,E01000001\\nDM1 2BB,E01000002\\n")
>>> lookup = load_postcode_lookup(d / "pc.csv", Accounting(), [], 2021)
>>> lookup.to_dict()
{'DM11AA': 'E01000001', 'DM12BB': 'E01000002'}
>>> _ = (d / "ed.csv").write_text("attendance_id,incident_datetime,location,postcode,reported_to_police\\n"
...                               "A1,2024-05-03 23:40,High St,dm1 1aa,N\\nA2,2024-06-01,Park,ZZ9 9ZZ,unknown\\n")
>>> notes = []
>>> f = read_ed_assaults(d / "ed.csv", notes, lookup)
>>> f["lsoa_code"].tolist(), f["has_time"].tolist(), f["reported"].tolist()
(['E01000001', <NA>], [True, False], ['no', 'unknown'])
>>> notes
['ed.csv: 1 postcode(s) not in the postcode lookup, first in row 3: those attendances are unmatched unless they have coordinates']
"""
from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import ED_COLUMNS, conform
from ..errors import InputError
from .common import bad_row, find_column, norm_name, parse_date, read_csv, require, strip, valid_lsoa
from .extract import add_coordinates
from .pipeline import select_rows

INPUT = "ed_assaults"

#: the columns of the ED file (canonical name -> accepted names, as ISTV exports and EDs spell them)
ATTENDANCE_ID = ("attendance_id", "attendance", "attendance_number", "attendance_ref", "ed_attendance_id",
                 "patient_attendance_id")
INCIDENT = ("incident_datetime", "incident_date_time", "incident_date", "date_of_incident", "assault_datetime",
            "assault_date", "date_time_of_incident")
INCIDENT_TIME = ("incident_time", "time_of_incident", "assault_time")
ARRIVAL = ("arrival_datetime", "arrival_date_time", "arrival_date", "date_of_arrival", "attendance_datetime",
           "attendance_date")
LOCATION = ("location", "incident_location", "location_of_incident", "specific_location", "assault_location")
LOCATION_TYPE = ("location_type", "type_of_location", "location_category")
MEANS = ("means", "means_of_assault", "primary_means_of_assault", "weapon", "mechanism")
REPORTED = ("reported_to_police", "reported", "police_informed", "reported_to_the_police")

#: what the reported-to-police column may say: yes, no, or not known (blank is not known)
REPORTED_YES = {"y", "yes", "true", "1", "reported", "t"}
REPORTED_NO = {"n", "no", "false", "0", "not reported", "f", "not_reported"}
REPORTED_UNKNOWN = {"u", "unknown", "not known", "not_known", "dk", "don't know", "dont know", "declined",
                    "not asked", "not stated", "n/k", "nk", "-"}

#: a UK postcode, spaces removed (``DM11AA``)
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_TIME_PART = re.compile(r"\d{1,2}:\d{2}")
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")

#: the postcode lookup's columns: the ONS Postcode Directory (ONSPD) and the National Statistics
#: Postcode Lookup (NSPL) name them so
PCDS = ("pcds", "pcd", "pcd7", "pcd8", "pcd2", "postcode")
LSOA21 = ("lsoa21cd", "lsoa21")
LSOA11 = ("lsoa11cd", "lsoa11")


def normalise_postcode(s: pd.Series) -> pd.Series:
    """Upper case, spaces removed: ``" dm1 1aa"`` -> ``"DM11AA"``.

    >>> normalise_postcode(pd.Series([" dm1 1aa", "DM1  1AA", None])).tolist()
    ['DM11AA', 'DM11AA', <NA>]
    """
    out = s.astype("string").str.upper().str.replace(r"\s+", "", regex=True)
    return out.mask(out == "")


# -- the postcode lookup ----------------------------------------------------------------------------
def _header(path: Path) -> list[str]:
    """The header row of a CSV (plain or gzip), without reading the rest: the ONSPD has 2.7 million rows."""
    import gzip
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            first = f.readline()
    except OSError:
        raise InputError(path, "", "a CSV file (or a gzip-compressed CSV)", found="a file that cannot be read") from None
    if not first.strip():
        raise InputError(path, "", "a header row and data rows", found="an empty file")
    text = first.decode("utf-8-sig", errors="replace")
    return next(csv.reader(io.StringIO(text)))


def load_postcode_lookup(path: Path, acc, notes: list, target: int | None) -> pd.Series:
    """The postcode lookup as a Series: normalised postcode -> LSOA code (of the boundary file's
    vintage where the file has both; 2021 by default).

    Reads only the postcode and LSOA columns.  A public file: a bad value may be quoted.  Rows
    with no LSOA code (Scotland, Northern Ireland, the Channel Islands) or a code that is not an
    England or Wales LSOA are counted as ``not an England or Wales LSOA``; a postcode listed twice
    as ``duplicate postcode`` (the first row is used); every other row is used.
    """
    path = Path(path)
    header = _header(path)
    names = {norm_name(c): c for c in header}
    frame = pd.DataFrame(columns=list(names))
    pc = find_column(frame, *PCDS)
    l21, l11 = find_column(frame, *LSOA21), find_column(frame, *LSOA11)
    lsoa = (l11 or l21) if target == 2011 else (l21 or l11)
    if pc is None or lsoa is None:
        missing = ([] if pc else ["pcds"]) + ([] if lsoa else ["lsoa21cd or lsoa11cd"])
        raise InputError(path, "columns " + ", ".join(f"'{m}'" for m in missing),
                         "the ONS postcode directory's columns pcds and lsoa21cd (or lsoa11cd)",
                         found="columns " + ", ".join(header[:12]) + (", ..." if len(header) > 12 else ""))
    try:
        df = pd.read_csv(path, usecols=[names[pc], names[lsoa]], dtype=str, keep_default_na=False,
                         na_values=[""], encoding="utf-8-sig", encoding_errors="replace")
    except (ValueError, pd.errors.ParserError) as e:
        raise InputError(path, "", "a CSV file", found=f"text that cannot be read as CSV ({str(e).splitlines()[0][:80]})") from None
    if df.empty:
        raise InputError(path, "", "at least one data row under the header", found="only the header row")
    key = normalise_postcode(df[names[pc]])
    code = strip(df[names[lsoa]]).str.upper()
    acc.read("postcode_lookup", len(df))
    bad = (key.isna() | ~valid_lsoa(code)).to_numpy()
    acc.exclude("postcode_lookup", "not an England or Wales LSOA (or no postcode)", int(bad.sum()))
    key, code = key[~bad], code[~bad]
    dup = key.duplicated().to_numpy()
    acc.exclude("postcode_lookup", "duplicate postcode", int(dup.sum()))
    acc.use("postcode_lookup", int((~dup).sum()))
    vintage = "2011" if lsoa in LSOA11 else "2021"
    acc.note("postcode_lookup", f"{path.name}: postcodes placed in {vintage} LSOAs (column {names[lsoa]})")
    out = pd.Series(code[~dup].to_numpy(), index=pd.Index(key[~dup].to_numpy(), name="postcode"), name="lsoa_code")
    return out.astype("string")


# -- the ED attendances -----------------------------------------------------------------------------
def _text(df: pd.DataFrame, aliases) -> pd.Series:
    col = find_column(df, *aliases)
    if col is None:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    s = strip(df[col]).astype("string")
    return s.str.replace(r"\s+", " ", regex=True)


def parse_reported(s: pd.Series, file, column: str, notes: list) -> pd.Series:
    """Reported to the police: ``yes`` / ``no`` / ``unknown`` (blank is unknown).  A value that says
    none of these is ``unknown``, with a note naming its first row (never the value: personal data).

    >>> notes = []
    >>> parse_reported(pd.Series(["Y", "no", None, "Not known", "A1234"]), "ed.csv", "reported", notes).tolist()
    ['yes', 'no', 'unknown', 'unknown', 'unknown']
    >>> notes
    ["ed.csv: 1 'reported' value(s) not yes, no or not known read as not known, first in row 6"]
    """
    low = strip(s).astype("string").str.lower().str.strip()
    yes, no = low.isin(REPORTED_YES).to_numpy(), low.isin(REPORTED_NO).to_numpy()
    known_unknown = (low.isna() | low.isin(REPORTED_UNKNOWN)).to_numpy()
    other = ~(yes | no | known_unknown)
    if other.any():
        notes.append(f"{Path(str(file)).name}: {int(other.sum())} '{column}' value(s) not yes, no or not known read "
                     f"as not known, first {bad_row(low, other, personal=True)}")
    return pd.Series(np.select([yes, no], ["yes", "no"], "unknown"), index=s.index, dtype="string")


def _assailants(df: pd.DataFrame, file, notes: list) -> pd.Series:
    col = find_column(df, "assailants", "number_of_assailants", "no_of_assailants", "assailant_count")
    if col is None:
        return pd.Series(pd.NA, index=df.index, dtype="Int64")
    raw = strip(df[col])
    num = pd.to_numeric(raw, errors="coerce")
    bad = (raw.notna() & (num.isna() | (num < 0) | (num > 100) | (num != np.floor(num)))).to_numpy()
    if bad.any():
        notes.append(f"{Path(str(file)).name}: {int(bad.sum())} assailants value(s) not a number of people (0-100) "
                     f"left blank, first {bad_row(raw, bad, personal=True)}")
    return num.where(~bad).round().astype("Int64")


def _when(df: pd.DataFrame, file, notes: list) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(the incident's date-time, else the arrival's; whether the incident's time of day is known;
    the raw date text, for 'no date')."""
    orig = df.attrs.get("original", {})
    inc, arr = find_column(df, *INCIDENT), find_column(df, *ARRIVAL)
    if inc is None and arr is None:
        require(df, file, {"incident_datetime": INCIDENT}, orig, personal=True)
    empty = pd.Series(pd.NA, index=df.index, dtype="string")
    raw_inc = strip(df[inc]) if inc else empty
    raw_arr = strip(df[arr]) if arr else empty
    d_inc = parse_date(raw_inc, file, orig.get(inc, inc), personal=True) if inc else pd.Series(pd.NaT, index=df.index)
    d_arr = parse_date(raw_arr, file, orig.get(arr, arr), personal=True) if arr else pd.Series(pd.NaT, index=df.index)
    has_time = raw_inc.str.contains(_TIME_PART).fillna(False).astype(bool) & d_inc.notna()
    tcol = find_column(df, *INCIDENT_TIME)
    if tcol:
        t = strip(df[tcol])
        ok = t.str.match(_TIME).fillna(False).astype(bool)
        bad = (t.notna() & ~ok).to_numpy()
        if bad.any():
            notes.append(f"{Path(str(file)).name}: {int(bad.sum())} {orig.get(tcol, tcol)} value(s) not a time of day "
                         f"(HH:MM) left blank, first {bad_row(t, bad, personal=True)}")
        add = ok & d_inc.notna() & ~has_time
        if add.any():
            hm = t[add].str.split(":", expand=True)
            d_inc = d_inc.copy()
            d_inc[add] = d_inc[add] + pd.to_timedelta(hm[0].astype(int), unit="h") + pd.to_timedelta(hm[1].astype(int), unit="m")
            has_time = has_time | add
    when = d_inc.where(d_inc.notna(), d_arr)
    fell_back = (d_inc.isna() & d_arr.notna()).to_numpy()
    if inc and fell_back.any():
        notes.append(f"{Path(str(file)).name}: {int(fell_back.sum())} attendance(s) with no incident date dated by "
                     "their arrival (their time of day is not used)")
    raw = raw_inc.where(raw_inc.notna(), raw_arr)
    return when.astype("datetime64[ns]"), has_time, raw


def read_ed_assaults(path: Path, notes: list, lookup: pd.Series | None = None) -> pd.DataFrame:
    """Read the ED file into the pipeline's columns (``lsoa_code`` placed by code or postcode;
    ``_x``/``_y`` from coordinates; ``_date_problem``; ``_w``) and the chapter's (see
    :data:`~assessment.dataset.ED_COLUMNS`).

    Bad dates stop the run with one line naming the row (never the value); a malformed LSOA code,
    postcode or reported-to-police value is a note, and the row is kept (unmatched, or not known).
    """
    path = Path(path)
    df = read_csv(path, notes=notes)
    orig = df.attrs["original"]
    cols = require(df, path, {"attendance_id": ATTENDANCE_ID}, orig, personal=True)
    when, has_time, raw_date = _when(df, path, notes)
    code = _text(df, ("lsoa_code", "lsoa", "lsoa21cd", "lsoa11cd", "incident_lsoa")).str.upper()
    bad_code = (code.notna() & ~valid_lsoa(code)).to_numpy()
    if bad_code.any():
        notes.append(f"{path.name}: {int(bad_code.sum())} lsoa_code value(s) not an LSOA code ignored, first "
                     f"{bad_row(code, bad_code, personal=True)}")
        code = code.mask(bad_code)
    pc_col = find_column(df, "postcode", "incident_postcode", "location_postcode", "post_code")
    if pc_col is not None:
        pc = normalise_postcode(strip(df[pc_col]))
        need = code.isna() & pc.notna()
        malformed = (need & ~pc.str.match(POSTCODE).fillna(False).astype(bool)).to_numpy()
        if malformed.any():
            notes.append(f"{path.name}: {int(malformed.sum())} postcode(s) not a UK postcode, first "
                         f"{bad_row(pc, malformed, personal=True)}: those attendances are unmatched unless they have "
                         "coordinates")
        need = need.to_numpy() & ~malformed
        if need.any() and lookup is None:
            notes.append(f"{path.name}: {int(need.sum())} attendance(s) placed only by a postcode cannot be placed "
                         "without a postcode lookup (inputs.postcode_lookup, the ONS postcode directory)")
        elif need.any():
            found = pc.map(lookup).astype("string")
            miss = need & found.isna().to_numpy()
            if miss.any():
                notes.append(f"{path.name}: {int(miss.sum())} postcode(s) not in the postcode lookup, first "
                             f"{bad_row(pc, miss, personal=True)}: those attendances are unmatched unless they have "
                             "coordinates")
            code = code.where(~need, found)
    out = pd.DataFrame({
        "attendance_id": strip(df[cols["attendance_id"]]).astype("string"),
        "datetime": when,
        "month": when.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]"),
        "has_time": pd.Series(has_time.to_numpy(), index=df.index, dtype="boolean"),
        "lsoa_code": code,
        "lsoa_name": pd.Series(pd.NA, index=df.index, dtype="string"),
        "location": _text(df, LOCATION),
        "location_type": _text(df, LOCATION_TYPE),
        "means": _text(df, MEANS),
        "assailants": _assailants(df, path, notes),
        "relationship": _text(df, ("relationship", "relationship_to_assailant", "assailant_relationship")),
        "age_band": _text(df, ("age_band", "age_group", "ageband")),
        "sex": _text(df, ("sex", "gender")),
    })
    rep = find_column(df, *REPORTED)
    out["reported"] = (parse_reported(df[rep], path, orig.get(rep, rep), notes) if rep
                       else pd.Series("unknown", index=df.index, dtype="string"))
    out["_date_problem"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out.loc[raw_date.isna().to_numpy(), "_date_problem"] = "no date"
    out.loc[(raw_date.notna() & when.isna()).to_numpy(), "_date_problem"] = "bad date"
    out = add_coordinates(out, df, path)
    xy_bad = out["_xy_bad"].notna() & out["lsoa_code"].isna()
    if xy_bad.any():   # kept as unmatched, not excluded: the attendance happened, somewhere
        notes.append(f"{path.name}: {int(xy_bad.sum())} attendance(s) with coordinates outside Great Britain (or "
                     f"latitude and longitude swapped) are unmatched, first {bad_row(out['_xy_bad'], xy_bad, personal=True)}")
    out = out.drop(columns=["_xy_bad"])
    out["_w"] = np.int64(1)
    return out


def load_ed_assaults(path: Path, ctx, lookup: pd.Series | None = None) -> pd.DataFrame:
    """Read, place and select the ED attendances; every row accounted under ``ed_assaults``.

    ``ctx`` is the run's selection :class:`~.pipeline.Context`; attendances with no place are
    kept (unmatched, ``lsoa_code`` NA) and counted in a note.  Returns the canonical columns
    (:data:`~assessment.dataset.ED_COLUMNS`).
    """
    frame = read_ed_assaults(path, ctx.notes, lookup)
    ctx.acc.read(INPUT, len(frame))
    keep = dataclasses.replace(ctx, keep_unlocated=True)
    kept = select_rows(frame, INPUT, keep, id_col="attendance_id", dup_reason="duplicate attendance id",
                       outside_reason="outside the area")
    ctx.acc.use(INPUT, len(kept))
    blank_id = int(kept["attendance_id"].isna().sum())
    if blank_id:
        ctx.acc.note(INPUT, f"{blank_id} attendance(s) with no attendance id kept (they cannot be checked for "
                     "repeated rows)")
    unmatched = int(kept["lsoa_code"].isna().sum())
    if unmatched:
        ctx.acc.note(INPUT, f"{unmatched} attendance(s) in the data window with no LSOA (no LSOA code, no postcode in "
                     "the postcode lookup, no coordinates): in the totals, not on the map")
    return conform(kept, ED_COLUMNS)
