"""Robust reading of analysts' CSV files, and the value parsers every loader shares.

Everything here turns a messy input into either clean columns or one clear
line (:class:`~assessment.errors.InputError`) naming the file, the row or
column, and what was expected.

* Column names are matched case-insensitively, with surrounding spaces
  stripped, and with spaces, underscores and hyphens treated alike
  (``"LSOA code"``, ``"lsoa_code"`` and ``" LSOA-Code "`` are one column).
* A UTF-8 byte-order mark (Excel's "CSV UTF-8") is ignored; a file that is not
  UTF-8 is read as Windows-1252 (Excel's "CSV") and a note says so.
* Rows are numbered as a spreadsheet shows them: the header is row 1, the
  first data row is row 2.
* A message about a file holding personal data — victims, offenders, ASB incidents
  (caller ids), the record-level crime extract (crime ids) — never quotes a cell
  value, only its row and column: every parser takes ``personal`` (default ``True``,
  so a new input is treated as personal until its loader says otherwise).  Messages
  about public or aggregate files (police.uk, MPS counts, population, boundaries,
  ward lookups) quote the first bad value with :func:`~assessment.errors.quote`.

Examples
--------
>>> norm_name("  LSOA Code ")
'lsoa_code'
>>> s = pd.Series(["2024-04", "2024-13"])
>>> try:
...     parse_month(s, "x.csv", "Month", personal=False)
... except InputError as e:
...     print(e)
x.csv: column 'Month': expected a month as YYYY-MM, found '2024-13' in row 3
>>> try:
...     parse_date(pd.Series(["2024-04-01", "VIC-244893"]), "victims.csv", "date")
... except InputError as e:
...     print(e)
victims.csv: column 'date': expected a date (YYYY-MM-DD or DD/MM/YYYY), found something else in row 3
"""
from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, one_line, quote
from ..errors import collect_problems as collect_problems  # re-exported: they lived here before assessment.errors
from ..errors import collecting as collecting
from ..errors import problem as problem

#: a well-formed LSOA code (2011 or 2021): E01 or W01 and six digits
LSOA_PATTERN = r"^[EW]01\d{6}$"

#: Great Britain (with a margin): longitude/latitude and British National Grid bounds
GB_LON = (-8.8, 2.0)
GB_LAT = (49.8, 61.0)
GB_EASTING = (0.0, 700_000.0)
GB_NORTHING = (0.0, 1_300_000.0)

#: the longest column name shown in a "found columns ..." message
QUOTE_NAME = 40

#: the years a date or month may fall in (pandas' datetime64[ns] ends in 2262; anything outside
#: these years is a typing or export error in crime data)
DATE_YEARS = (1900, 2100)

#: the largest whole number read as a count of crimes in one cell or the residents of one LSOA:
#: an LSOA has about 1,000-3,000 residents, and the busiest London LSOA records about 1,100 crimes
#: of one type in a month
MAX_COUNT = 100_000

# -- names ----------------------------------------------------------------------------
def norm_name(name) -> str:
    """A column name as matched: lower case, stripped, spaces/underscores/hyphens as ``_``.

    >>> norm_name("\\ufeffCrime ID"), norm_name("Mid-2022: Population")
    ('crime_id', 'mid_2022:_population')
    """
    s = str(name).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s_\-]+", "_", s)


def find_column(df: pd.DataFrame, *aliases: str, pattern: str | None = None) -> str | None:
    """The first column of ``df`` (already normalised names) matching an alias or regex.

    >>> find_column(pd.DataFrame(columns=["lsoa21cd", "x"]), "lsoa_code", pattern=r"lsoa\\d\\dcd")
    'lsoa21cd'
    """
    cols = list(df.columns)
    for a in aliases:
        a = norm_name(a)
        if a in cols:
            return a
    if pattern:
        for c in cols:
            if re.fullmatch(pattern, c):
                return c
    return None


def require(df: pd.DataFrame, file, spec: dict, original: dict | None = None, personal: bool = False) -> dict:
    """Resolve required columns: ``spec`` maps canonical name -> aliases (tuple).

    Returns {canonical: column}.  Raises one :class:`InputError` listing every
    missing column and the columns that were found.

    ``personal``: the file holds personal identifiers (victims, offenders, ASB callers).
    When none of the required columns is found, the header row is probably missing and
    the "column names" are the first row's values — so they are not shown.

    >>> try:
    ...     require(pd.DataFrame(columns=["c01", "v001"]), "v.csv", {"crime_id": ("crime_id",)}, personal=True)
    ... except InputError as e:
    ...     print(e)
    v.csv: row 1: expected a header row naming the columns crime_id, found a row that names none of them (is the header row missing?)

    >>> df = pd.DataFrame(columns=["crime_id", "month"])
    >>> try:
    ...     require(df, "c.csv", {"crime_id": ("crime_id",), "crime_type": ("crime_type", "offence")})
    ... except InputError as e:
    ...     print(e)
    c.csv: column 'crime_type': expected a column named crime_type (or offence), found columns crime_id, month
    """
    out, missing = {}, []
    for canon, aliases in spec.items():
        col = find_column(df, *aliases)
        if col is None:
            missing.append((canon, aliases))
        else:
            out[canon] = col
    if missing and personal and not out:
        raise InputError(file, "row 1", "a header row naming the columns " + ", ".join(spec),
                         found="a row that names none of them (is the header row missing?)")
    if missing:
        shown = [one_line((original or {}).get(c, c), limit=QUOTE_NAME) for c in df.columns]
        names = ", ".join(f"'{c}'" for c, _ in missing)
        expect = "; ".join(
            f"a column named {a[0]}" + (f" (or {', '.join(a[1:])})" if len(a) > 1 else "") for _, a in missing)
        raise InputError(file, f"column {names}" if len(missing) == 1 else f"columns {names}", expect,
                         found="columns " + ", ".join(str(c) for c in shown))
    return out


# -- reading ---------------------------------------------------------------------------
def read_csv(source, file=None, notes: list | None = None, usecols=None) -> pd.DataFrame:
    """Read a CSV (path, ``.gz`` path, bytes or file object) with every column as text.

    Column names are normalised with :func:`norm_name`; the original names are
    kept in ``df.attrs["original"]`` (normalised -> as written).  Empty cells
    become missing values; nothing else (not even ``NA``) does.

    Raises :class:`InputError` for an empty file or a file with only a header.

    >>> df = read_csv(io.BytesIO("\\ufeffCrime ID , Month\\nabc,2024-01\\n".encode()), file="x.csv")
    >>> list(df.columns), df.attrs["original"]["crime_id"]
    (['crime_id', 'month'], 'Crime ID')
    """
    file = file if file is not None else source
    if isinstance(source, (str, Path)):
        p = Path(source)
        raw = p.read_bytes()
        if p.name.lower().endswith(".gz"):
            try:
                raw = gzip.decompress(raw)
            except OSError:
                raise InputError(file, "", "a gzip-compressed CSV", found="a file that is not gzip") from None
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = source.read()
    if not raw.strip():
        raise InputError(file, "", "a header row and data rows", found="an empty file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        if notes is not None:
            notes.append(f"{Path(str(file)).name}: not UTF-8; read as Windows-1252 (Excel 'CSV') text")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
                         skipinitialspace=False, engine="c", usecols=None)
    except pd.errors.EmptyDataError:
        raise InputError(file, "", "a header row and data rows", found="an empty file") from None
    except pd.errors.ParserError as e:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        if m:
            raise InputError(file, f"row {m.group(2)}", f"the same number of fields as the header ({m.group(1)})",
                             found=m.group(3)) from None
        raise InputError(file, "", "a CSV file", found=f"text that cannot be read as CSV ({str(e).split(':')[-1].strip()})") from None
    if not isinstance(df.index, pd.RangeIndex):
        n_head = len(df.columns)
        raise InputError(file, "row 2", f"the same number of fields as the header ({n_head})",
                         found=f"{n_head + df.index.nlevels}")
    original = {}
    cols = []
    for c in df.columns:
        n = norm_name(c)
        original.setdefault(n, str(c).replace("\ufeff", "").strip())
        cols.append(n)
    df.columns = cols
    df = df.loc[:, ~pd.Index(cols).duplicated()]
    if usecols is not None:
        df = df[[c for c in df.columns if c in set(usecols)]]
    if len(df) == 0:
        raise InputError(file, "", "at least one data row under the header", found="only the header row")
    df.attrs["original"] = original
    df.attrs["file"] = str(file)
    return df


def original_name(df: pd.DataFrame, col: str) -> str:
    """The column's name as the file wrote it."""
    return df.attrs.get("original", {}).get(col, col)


# -- value errors ------------------------------------------------------------------------
def first_bad(values: pd.Series, bad, personal: bool = True) -> str:
    """Where the first bad value is (spreadsheet numbering) and how many more there are —
    quoting the value only when the file holds no personal data.

    >>> v = pd.Series(["1", "OFF-1234567", "y"])
    >>> first_bad(v, [False, True, True]), first_bad(v, [False, True, False], personal=False)
    ('something else in row 3 (and 1 more row)', "'OFF-1234567' in row 3")
    """
    idx = np.flatnonzero(np.asarray(bad, dtype=bool))
    first, n = int(idx[0]), len(idx)
    found = f"{'something else' if personal else quote(values.iloc[first])} in row {first + 2}"
    if n > 1:
        found += f" (and {n - 1} more row{'s' if n > 2 else ''})"
    return found


def bad_values_error(file, column: str, values: pd.Series, bad: pd.Series, expected: str,
                     hint: str = "", personal: bool = True) -> InputError:
    """One line naming the first bad row (spreadsheet numbering) and how many more there are.

    ``personal``: the file holds personal data, so the bad value is not shown (see
    :func:`first_bad`).

    >>> v = pd.Series(["1", "x", "y"])
    >>> str(bad_values_error("p.csv", "population", v, v.str.isalpha(), "a whole number", personal=False))
    "p.csv: column 'population': expected a whole number, found 'x' in row 3 (and 1 more row)"
    >>> str(bad_values_error("crimes.csv", "easting", v, v.str.isalpha(), "a number"))
    "crimes.csv: column 'easting': expected a number, found something else in row 3 (and 1 more row)"
    """
    found = first_bad(values, bad, personal)
    if hint:
        found += f" — {hint}"
    return InputError(file, f"column '{column}'", expected, found=found)


def strip(s: pd.Series) -> pd.Series:
    """Strip surrounding spaces; blank strings become missing."""
    s = s.astype("str").str.strip()
    return s.mask(s == "")


# -- parsers -----------------------------------------------------------------------------
_MONTH_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


def _first_row(bad) -> int:
    """Position of the first True of a mask (for ordering several problems of one column)."""
    idx = np.flatnonzero(np.asarray(bad, dtype=bool))
    return int(idx[0]) if len(idx) else -1


def _report(found: list) -> None:
    """Hand the problems of one column to :func:`problem`, the one of the first bad row first
    (outside :func:`collect_problems` that one is raised)."""
    for _, err in sorted((f for f in found if f[0] >= 0), key=lambda f: f[0]):
        problem(err)


def _years_out_of_range(year: pd.Series) -> pd.Series:
    lo, hi = DATE_YEARS
    return (year.notna() & ((year < lo) | (year > hi))).fillna(False).astype(bool)


def parse_month(s: pd.Series, file, column: str, personal: bool = True) -> pd.Series:
    """``YYYY-MM`` (police.uk's Month) -> first day of the month.  Bad values: InputError
    (quoting the first one unless ``personal``); so is a month before 1900 or after 2100.

    Inside :func:`collect_problems` bad values become NaT (counted as "bad date").

    >>> parse_month(pd.Series(["2024-04"]), "x.csv", "Month").dt.strftime("%Y-%m-%d").tolist()
    ['2024-04-01']
    >>> try:
    ...     parse_month(pd.Series(["2024-04", "2304-04"]), "x.csv", "Month", personal=False)
    ... except InputError as e:
    ...     print(e)
    x.csv: column 'Month': expected a month between 1900 and 2100, found '2304-04' in row 3
    """
    s = strip(s)
    ok = s.str.match(_MONTH_RE).fillna(False).astype(bool)
    bad = ~ok & s.notna()
    far = ok & _years_out_of_range(pd.to_numeric(s.str[:4].where(ok), errors="coerce"))
    ok &= ~far
    _report([(_first_row(bad), bad_values_error(file, column, s, bad, "a month as YYYY-MM", personal=personal)
              if bad.any() else None),
             (_first_row(far), bad_values_error(file, column, s, far, "a month between 1900 and 2100",
                                                personal=personal) if far.any() else None)])
    out = pd.to_datetime(s.where(ok) + "-01", format="%Y-%m-%d", errors="coerce")
    return out.astype("datetime64[ns]")


_ISO_DATE = r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
_UK_DATE = r"^\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$"
_SERIAL = r"^\d{5}(\.\d+)?$"


def parse_date(s: pd.Series, file, column: str, personal: bool = True) -> pd.Series:
    """A date (or date-time) column -> datetime64, in UK local time.  Accepted: ``YYYY-MM-DD``
    (ISO, with an optional time and UTC offset) and ``DD/MM/YYYY`` (UK, with an optional
    ``HH:MM[:SS]``).

    A time without an offset is UK local time (Europe/London) and is kept as written, whatever
    other rows carry; a value with an explicit offset (``+01:00``, ``Z``) is converted to UK local
    time — only that value.

    Anything else — an impossible date (``31/04/2024``), a month number 13, an
    Excel serial number (``45383``), a US ``MM/DD/YYYY`` that cannot be a UK date, a date
    before 1900 or after 2100 — raises :class:`InputError` naming the first bad row and how
    many there are (inside :func:`collect_problems`: NaT, counted as "bad date").  Blank cells
    are NaT (the loaders exclude them as "no date").  The first bad value is quoted only
    when not ``personal``; the hints (Excel serial number, US-style date) say what the
    value looks like without showing it.

    >>> parse_date(pd.Series(["2024-04-30", "01/05/2024 13:00"]), "x", "d").astype(str).tolist()
    ['2024-04-30 00:00:00', '2024-05-01 13:00:00']
    >>> parse_date(pd.Series(["2024-06-30 23:30", "2024-06-30T22:30:00Z"]), "x", "d").astype(str).tolist()
    ['2024-06-30 23:30:00', '2024-06-30 23:30:00']
    >>> try:
    ...     parse_date(pd.Series(["45383"]), "crimes.csv", "offence_date")
    ... except InputError as e:
    ...     print(e)
    crimes.csv: column 'offence_date': expected a date (YYYY-MM-DD or DD/MM/YYYY), found something else in row 2 — an Excel serial number: format the column as a date before saving
    >>> try:
    ...     parse_date(pd.Series(["2024-04-01", "01/01/2300"]), "crimes.csv", "offence_date")
    ... except InputError as e:
    ...     print(e)
    crimes.csv: column 'offence_date': expected a date between 1900 and 2100, found something else in row 3
    """
    s = strip(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    iso = s.str.match(_ISO_DATE).fillna(False).astype(bool)
    uk = s.str.match(_UK_DATE).fillna(False).astype(bool)
    # the year first: a date outside DATE_YEARS never reaches pandas (datetime64[ns] ends in 2262)
    year = pd.to_numeric(s.str[:4].where(iso), errors="coerce").fillna(
        pd.to_numeric(s.str.extract(r"^\d{1,2}/\d{1,2}/(\d{4})", expand=False).where(uk), errors="coerce"))
    far = (iso | uk) & _years_out_of_range(year)
    iso &= ~far
    uk &= ~far
    if iso.any():
        sub = s[iso]
        aware = sub.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$").fillna(False).astype(bool)
        naive = sub[~aware]
        if len(naive):
            out[naive.index] = pd.to_datetime(naive, format="ISO8601", errors="coerce").astype("datetime64[ns]")
        if aware.any():
            d = pd.to_datetime(sub[aware], format="ISO8601", errors="coerce", utc=True)
            out[d.index] = d.dt.tz_convert("Europe/London").dt.tz_localize(None).astype("datetime64[ns]")
    if uk.any():
        sub = s[uk]
        d = pd.Series(pd.NaT, index=sub.index, dtype="datetime64[ns]")
        for fmt in ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"):
            todo = d.isna()
            if not todo.any():
                break
            d[todo] = pd.to_datetime(sub[todo], format=fmt, errors="coerce").astype("datetime64[ns]")
        out[uk] = d
    bad = out.isna() & s.notna() & ~far
    found = []
    if bad.any():
        first = s[bad].iloc[0]
        hint = ""
        if re.fullmatch(_SERIAL, first):
            hint = "an Excel serial number: format the column as a date before saving"
        elif (m := re.match(r"^(\d{1,2})/(\d{1,2})/\d{4}", first)) and int(m.group(1)) <= 12 < int(m.group(2)) <= 31:
            hint = "a US-style month-first date: write it DD/MM/YYYY or YYYY-MM-DD"
        found.append((_first_row(bad), bad_values_error(file, column, s, bad, "a date (YYYY-MM-DD or DD/MM/YYYY)",
                                                        hint=hint, personal=personal)))
    if far.any():
        found.append((_first_row(far), bad_values_error(file, column, s, far, "a date between 1900 and 2100",
                                                        personal=personal)))
    _report(found)
    return out


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def parse_flag(s: pd.Series, file, column: str, personal: bool = True) -> pd.Series:
    """A yes/no flag (true/false, yes/no, y/n, 1/0, any case) -> boolean; blank -> False.
    Anything else: InputError (quoting the first one unless ``personal``).

    >>> parse_flag(pd.Series(["Y", "no", None, "TRUE", "0"]), "x", "da").tolist()
    [True, False, False, True, False]
    """
    raw = strip(s)
    s = raw.str.lower()
    t = s.isin(_TRUE)
    f = s.isin(_FALSE) | s.isna()
    bad = ~(t | f)
    if bad.any():
        problem(bad_values_error(file, column, raw, bad, "true/false, yes/no, Y/N or 1/0", personal=personal))
    return pd.Series(t.to_numpy(), index=s.index, dtype="boolean")


def parse_number(s: pd.Series, file, column: str, expected: str = "a number",
                 integer: bool = False, blank_ok: bool = True, personal: bool = True) -> pd.Series:
    """Numbers, with thousands separators (``"1,563"``) and spaces allowed -> float64.

    Non-numeric values — and ``inf``, ``nan`` written as text — raise :class:`InputError`
    (first bad row and how many; the value quoted unless ``personal``); inside
    :func:`collect_problems` they become NaN.  Counts and populations are read by the
    stricter :func:`parse_count`.

    >>> parse_number(pd.Series(["1,563", " 12 ", None]), "p.csv", "population").tolist()
    [1563.0, 12.0, nan]
    """
    raw = strip(s)
    cleaned = raw.str.replace(r"[,\s£]", "", regex=True)
    num = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = (num.isna() | ~np.isfinite(num)) & raw.notna()
    if integer:
        bad |= num.notna() & (num != np.round(num))
    if not blank_ok:
        bad |= raw.isna()
    if bad.any():
        problem(bad_values_error(file, column, raw.fillna("(blank)"), bad, expected, personal=personal))
        num = num.where(~bad)
    return num


#: a whole number as a count or population may be written: plain, with comma (or space) thousands
#: separators, optionally with a zero decimal part (``1678``, ``1,678``, ``1 678``, ``1678.0``)
_WHOLE = r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+)(?:\.0+)?$"
#: ``1.678``, ``12.345.678``: a dot as thousands separator, or a decimal point? (ambiguous)
_DOT_GROUPS = r"^[+-]?\d{1,3}(?:\.\d{3})+$"
_SCIENTIFIC = r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$"
_DECIMAL = r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)?\.\d+$"
_NOT_FINITE = r"^[+-]?(?:inf|infinity|nan)$"
_SEPARATORS = r"^[+-]?[\d][\d,. ]*$"

#: (pattern, hint) for values that are not a whole number, in the order they are tried
_COUNT_HINTS = (
    (_DOT_GROUPS, "a dot as thousands separator or a decimal point? write whole numbers without a dot "
                  "(1678 or 1,678)"),
    (_SCIENTIFIC, "a number in scientific notation: format the column as a whole number before saving"),
    (_NOT_FINITE, "not a finite number"),
    (_DECIMAL, "not a whole number"),
    (_SEPARATORS, "separators in the wrong place: write whole numbers as 1678 or 1,678"),
)


def parse_count(s: pd.Series, file, column: str, expected: str, *, negative: str | None = None,
                too_large: str | None = None, maximum: int = MAX_COUNT, bounded=None,
                blank_ok: bool = True, personal: bool = True) -> pd.Series:
    """Whole numbers of 0 or more (counts, populations) read strictly -> float64 (NaN for blanks).

    Accepted: ``1678``, ``1,678`` (comma thousands separators), ``1 678`` and ``1678.0``.
    Everything else stops with one line naming the file, column and first row (the value quoted
    unless ``personal``), with a hint: ``1.678`` (a dot as thousands separator, or a decimal
    point? — ambiguous), ``1,678.5`` (not a whole number), ``1e19`` (scientific notation),
    ``inf`` / ``nan`` (not finite), ``16,78`` (separators in the wrong place).  A negative
    value stops with ``negative`` as what was expected, and a value above ``maximum`` (only
    where ``bounded`` is True, when given) with ``too_large``.  Inside
    :func:`collect_problems` every problem is recorded and the bad values become NaN.

    >>> parse_count(pd.Series(["1,678", "12", " 1 500 ", "900.0", None]), "p.csv", "population", "a count").tolist()
    [1678.0, 12.0, 1500.0, 900.0, nan]
    >>> try:
    ...     parse_count(pd.Series(["1500", "1.678"]), "p.csv", "population", "a population", personal=False)
    ... except InputError as e:
    ...     print(e)
    p.csv: column 'population': expected a population, found '1.678' in row 3 — a dot as thousands separator or a decimal point? write whole numbers without a dot (1678 or 1,678)
    >>> try:
    ...     parse_count(pd.Series(["1e19"]), "mps.csv", "202404", "a count of crimes", personal=False)
    ... except InputError as e:
    ...     print(e)
    mps.csv: column '202404': expected a count of crimes, found '1e19' in row 2 — a number in scientific notation: format the column as a whole number before saving
    """
    raw = strip(s)
    num = pd.Series(np.nan, index=raw.index, dtype="float64")
    present = raw.notna()
    plain = raw.str.fullmatch(r"\d{1,9}").fillna(False).astype(bool)   # nearly every cell: no regex below
    if plain.any():
        num[plain] = pd.to_numeric(raw[plain]).astype("float64")
    rest = present & ~plain
    bad = pd.Series(False, index=raw.index)
    found = []
    if rest.any():
        sub = raw[rest].str.replace("\u00a0", " ", regex=False).str.replace("\u202f", " ", regex=False)
        ok = sub.str.fullmatch(_WHOLE).fillna(False).astype(bool)
        if ok.any():
            cleaned = sub[ok].str.replace(r"[, ]", "", regex=True)
            num[cleaned.index] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
        left = pd.Series(False, index=raw.index)
        left[sub[~ok].index] = True
        bad |= left
        shown = raw.fillna("(blank)")
        for pattern, hint in _COUNT_HINTS:
            if not left.any():
                break
            m = pd.Series(False, index=raw.index)
            m[left] = raw[left].str.fullmatch(pattern, case=False).fillna(False).astype(bool).to_numpy()
            if m.any():
                found.append((_first_row(m), bad_values_error(file, column, shown, m, expected, hint=hint,
                                                              personal=personal)))
                left &= ~m
        if left.any():
            found.append((_first_row(left), bad_values_error(file, column, shown, left, expected,
                                                             personal=personal)))
    if not blank_ok and (~present).any():
        blank = ~present
        bad |= blank
        found.append((_first_row(blank), bad_values_error(file, column, raw.fillna("(blank)"), blank, expected,
                                                          personal=False)))   # shows '(blank)', no value
    neg = (num < 0).fillna(False).astype(bool)
    if neg.any():
        bad |= neg
        found.append((_first_row(neg), bad_values_error(file, column, raw, neg, negative or expected,
                                                        personal=personal)))
    big = (num > maximum).fillna(False).astype(bool)
    if bounded is not None:
        big &= pd.Series(np.asarray(bounded, dtype=bool), index=raw.index)
    if big.any():
        bad |= big
        found.append((_first_row(big), bad_values_error(file, column, raw, big,
                                                        too_large or f"{expected} of at most {maximum:,}",
                                                        personal=personal)))
    _report(found)
    return num.where(~bad)


def parse_age(s: pd.Series, file, column: str, notes: list | None = None, personal: bool = True) -> pd.Series:
    """Ages in years (0-120) -> Int64; anything else is left blank, with a note naming the
    first such row (and quoting its value only when not ``personal``).

    >>> notes = []
    >>> parse_age(pd.Series(["34", "VIC-244893", "150", None]), "v.csv", "age", notes).tolist()
    [34, <NA>, <NA>, <NA>]
    >>> notes
    ['v.csv: 2 age value(s) not an age in whole years (0-120) left blank, first in row 3']
    """
    raw = strip(s)
    num = pd.to_numeric(raw.str.replace(",", "", regex=False), errors="coerce")
    bad = raw.notna() & (num.isna() | (num < 0) | (num > 120) | (num != np.floor(num)))
    if bad.any() and notes is not None:
        notes.append(f"{Path(str(file)).name}: {int(bad.sum())} {one_line(column, QUOTE_NAME)} value(s) not an "
                     f"age in whole years (0-120) left blank, first {bad_row(raw, bad, personal)}")
    return num.where(~bad).round().astype("Int64")


def bad_row(values: pd.Series, bad, personal: bool = True) -> str:
    """``in row 3`` (personal data) or ``'x' in row 3``: the first bad row, for a note.

    >>> bad_row(pd.Series(["E01000001", "CR-99999"]), [False, True]), bad_row(pd.Series(["x"]), [True], False)
    ('in row 3', "'x' in row 2")
    """
    first = int(np.flatnonzero(np.asarray(bad, dtype=bool))[0])
    return f"in row {first + 2}" if personal else f"{quote(values.iloc[first])} in row {first + 2}"


def isin(s: pd.Series, values) -> np.ndarray:
    """``s.isin(values)`` as a numpy mask, by hashing (fast for large sets of text ids).

    pandas' arrow-backed strings check membership value by value in Python, which is
    slow for tens of thousands of ids.

    >>> isin(pd.Series(["a", "b", None]), {"b", "c"}).tolist()
    [False, True, False]
    """
    vals = pd.Index(pd.unique(np.asarray(list(values) if isinstance(values, (set, frozenset)) else values,
                                         dtype=object)))
    if len(vals) == 0:
        return np.zeros(len(s), dtype=bool)
    return vals.get_indexer(s.to_numpy(dtype=object)) >= 0


def valid_lsoa(codes: pd.Series) -> pd.Series:
    """True where a code is a well-formed LSOA code (``E01`` or ``W01`` and six digits).

    >>> valid_lsoa(pd.Series(["E01001962", "E1001962", None])).tolist()
    [True, False, False]
    """
    return codes.str.match(LSOA_PATTERN).fillna(False).astype(bool)


def area_of_lsoa_name(names: pd.Series) -> pd.Series:
    """The area part of an LSOA name: ``"Haringey 001A"`` -> ``"Haringey"``.

    >>> area_of_lsoa_name(pd.Series(["Barking and Dagenham 016A", "City of London 001F"])).tolist()
    ['Barking and Dagenham', 'City of London']
    """
    uniq = pd.Series(names.dropna().unique())
    areas = uniq.astype("str").str.replace(r"\s+\d{3}[A-Z]$", "", regex=True).str.strip()
    return names.map(dict(zip(uniq, areas))).astype("str")


def starts_with_area(names: pd.Series, prefix: str) -> pd.Series:
    """True where an LSOA name is ``<prefix> 001A``-style (case-insensitive; the whole area name).

    >>> starts_with_area(pd.Series(["Haringey 001A", "Haringeyish 001A", None]), "haringey").tolist()
    [True, False, False]
    """
    p = prefix.strip().casefold()
    n = names.astype("str").str.casefold()
    return (n.str.startswith(p + " ") | (n == p)).fillna(False).astype(bool)


def gb_lonlat(lon: pd.Series, lat: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Masks: (inside Great Britain, latitude/longitude swapped) for WGS84 points.

    >>> ok, swapped = gb_lonlat(pd.Series([-0.1, 51.5, 10.0]), pd.Series([51.5, -0.1, 10.0]))
    >>> ok.tolist(), swapped.tolist()
    ([True, False, False], [False, True, False])
    """
    ok = lon.between(*GB_LON) & lat.between(*GB_LAT)
    swapped = ~ok & lat.between(*GB_LON) & lon.between(*GB_LAT)
    return ok.fillna(False).astype(bool), swapped.fillna(False).astype(bool)


def gb_grid(e: pd.Series, n: pd.Series) -> pd.Series:
    """True where easting/northing lie inside the British National Grid's extent."""
    return (e.between(*GB_EASTING) & n.between(*GB_NORTHING)).fillna(False).astype(bool)


def lonlat_to_bng(lon: pd.Series, lat: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude/latitude -> British National Grid (EPSG:27700) easting, northing.

    >>> x, y = lonlat_to_bng(pd.Series([-0.1]), pd.Series([51.5]))
    >>> round(float(x[0]) / 1000), round(float(y[0]) / 1000)
    (532, 180)
    """
    from pyproj import Transformer  # heavy: pyproj only when coordinates are converted
    t = Transformer.from_crs(4326, 27700, always_xy=True)
    x, y = t.transform(lon.to_numpy(dtype="float64"), lat.to_numpy(dtype="float64"))
    return np.asarray(x), np.asarray(y)


def month_label(ts) -> str:
    """``Apr 2024``."""
    return pd.Timestamp(ts).strftime("%b %Y")
