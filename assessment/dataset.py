"""The loaded, validated inputs of one run: the contract between loaders and chapters.

Every loader turns its input format into the canonical tables below; every
chapter reads only these.  All tables are already restricted to the area and
to the data window (the trend years up to the end of the assessment period),
and LSOA codes are harmonised to the boundary file's vintage.

``crimes`` (one row per crime, or per published count cell)
    =================  ===============  =========================================
    column             dtype            meaning
    =================  ===============  =========================================
    crime_id           string           police / police.uk id; <NA> for counts
    month              datetime64[ns]   first day of the month of the offence
    date               datetime64[ns]   offence date; NaT when only the month is known
    hour               Int64            hour of the offence (0-23, UK time); <NA> when the input gives
                                        no time (police.uk, MPS, a record without one)
    crime_type         string           police.uk crime type, extract type, or MPS minor category
    major_category     string           MPS major category / <NA>
    lsoa_code          string           harmonised LSOA code; <NA> for a crime with no location of
                                        an area selected by force (in totals, not in LSOA analyses)
    lsoa_name          string           LSOA name / <NA>
    count              int64            1 per record; the cell value for published counts
    domestic_abuse     boolean          flag from the extract; False when not supplied
    longitude          float64          WGS84, police.uk snap point / NaN
    latitude           float64
    location           string           police.uk street description ("On or near ...") / <NA>
    easting            float64          British National Grid (EPSG:27700) metres: the extract's point,
                                        or the police.uk snap point projected / NaN
    northing           float64
    offence_code       string           Home Office offence code from the extract / <NA>
    =================  ===============  =========================================

``victims``:   crime_id, victim_id (string), age (Int64), sex (string)
``offenders``: crime_id, offender_id (string), age (Int64), sex (string), home_lsoa (string)
``asb``:       incident_id, datetime (datetime64), caller_id (string, may be NA), lsoa_code,
               plus month; police.uk ASB rows land here with caller_id NA.
``ed_assaults``: attendance_id (string), datetime (incident, else arrival), month, has_time (boolean:
               the time of day is known), lsoa_code (NA: unmatched), location, location_type, means,
               reported (``yes``/``no``/``unknown``), assailants (Int64), relationship, age_band, sex —
               ED assault attendances (the ISTV minimum dataset), None without ``inputs.ed_assaults``.
``population``: Series indexed by lsoa_code, residents in the assessment year (latest
               estimate at or before it; its year is ``population_year``).
``lsoas``:     DataFrame indexed by lsoa_code: lsoa_name, ward_code, ward_name, population —
               the area's LSOA universe (from the boundary file, else the ward lookup, else
               the LSOAs seen in the data).
``harm_weights``: DataFrame (key, weight) from ``inputs.harm_weights``, its ``attrs["key"]``
               ``crime_type`` or ``offence_code``; None when no weights file is configured.
``boundaries``: GeoDataFrame indexed by lsoa_code (lsoa_name, geometry), EPSG:27700; None
               when no boundary file is configured.
``lsoa_crimes``, ``count_levels``, ``ward_boundaries``, ``ward_names`` (MPS published counts, issue 17):
               ``count_levels`` are the levels of the count files (``("lsoa",)``, ``("ward",)`` or
               both; ``()`` for record-level inputs).  Ward-level counts carry a ``ward_code``
               column in ``crimes`` and no LSOA code; ``lsoa_crimes`` are the LSOA-level files'
               counts when ward-level files supply the series (None otherwise) — see
               :meth:`Dataset.by_lsoa`.  ``ward_boundaries``: GeoDataFrame indexed by ward_code
               (ward_name, geometry), EPSG:27700, from ``inputs.ward_boundaries``; ``ward_names``:
               Series ward_code -> ward name as the count files spell it.
``imd``:       DataFrame indexed by lsoa_code (the area's LSOAs that have a deprivation figure):
               imd_rank (float), imd_decile (Int64, 1 = most deprived 10% of England's LSOAs),
               imd_method ("direct", "split", "merged"); None without ``inputs.imd``
               (:mod:`assessment.loaders.deprivation`).
``all_areas``: when the crime input covers more than the assessed area (e.g. all London):
               DataFrame of area, month, crime_type, major_category, count, with
               ``all_areas_population`` a Series indexed by area.  None otherwise.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .accounting import Accounting
from .config import Config
from .errors import AssessmentError, require_columns
from .periods import Period
from .scope import Scope

CRIME_COLUMNS = {
    "crime_id": "string",
    "month": "datetime64[ns]",
    "date": "datetime64[ns]",
    "hour": "Int64",
    "crime_type": "string",
    "major_category": "string",
    "lsoa_code": "string",
    "lsoa_name": "string",
    "count": "int64",
    "domestic_abuse": "boolean",
    "longitude": "float64",
    "latitude": "float64",
    "location": "string",
    "easting": "float64",
    "northing": "float64",
    "offence_code": "string",
}
VICTIM_COLUMNS = {"crime_id": "string", "victim_id": "string", "age": "Int64", "sex": "string"}
OFFENDER_COLUMNS = {"crime_id": "string", "offender_id": "string", "age": "Int64", "sex": "string",
                    "home_lsoa": "string"}
ASB_COLUMNS = {"incident_id": "string", "datetime": "datetime64[ns]", "month": "datetime64[ns]",
               "caller_id": "string", "lsoa_code": "string"}

ED_COLUMNS = {"attendance_id": "string", "datetime": "datetime64[ns]", "month": "datetime64[ns]",
              "has_time": "boolean", "lsoa_code": "string", "location": "string", "location_type": "string",
              "means": "string", "reported": "string", "assailants": "Int64", "relationship": "string",
              "age_band": "string", "sex": "string"}


def empty_frame(columns: dict) -> pd.DataFrame:
    """An empty table with the canonical columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def conform(df: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """Return ``df`` with exactly the canonical columns (missing ones filled with NA) and dtypes."""
    out = pd.DataFrame(index=df.index)
    for c, t in columns.items():
        if c in df:
            out[c] = df[c].astype(t)
        elif t == "int64":
            out[c] = pd.Series(1, index=df.index, dtype="int64")
        elif t == "float64":
            out[c] = pd.Series(np.nan, index=df.index, dtype="float64")
        elif t == "boolean":
            out[c] = pd.Series(False, index=df.index, dtype="boolean")
        else:
            out[c] = pd.Series(pd.NA if t != "datetime64[ns]" else pd.NaT, index=df.index).astype(t)
    return out.reset_index(drop=True)


@dataclass
class Dataset:
    """Everything a chapter needs for one run (see the module docstring for the columns)."""

    config: Config
    period: Period
    crimes: pd.DataFrame
    accounting: Accounting = field(default_factory=Accounting)
    victims: pd.DataFrame | None = None
    offenders: pd.DataFrame | None = None
    asb: pd.DataFrame | None = None
    ed_assaults: pd.DataFrame | None = None
    population: pd.Series | None = None
    lsoas: pd.DataFrame | None = None
    boundaries: object | None = None  # geopandas.GeoDataFrame
    all_areas: pd.DataFrame | None = None
    all_areas_population: pd.Series | None = None
    source: str = ""
    boundary_attribution: str = ""
    record_level: bool = True
    notes: list = field(default_factory=list)
    #: what the crime figures count, in words (:mod:`assessment.scope`)
    scope: Scope = field(default_factory=Scope)
    #: the year of the population estimate (ONS mid-year), None when the population input does not say
    population_year: int | None = None
    #: MPS counts: the LSOA-level counts when ward-level files supply the series (see by_lsoa)
    lsoa_crimes: pd.DataFrame | None = None
    #: MPS counts: the levels of the count files ("lsoa", "ward"); () for record-level inputs
    count_levels: tuple = ()
    #: ward polygons indexed by ward_code (ward_name, geometry), EPSG:27700 (inputs.ward_boundaries)
    ward_boundaries: object | None = None
    #: ward_code -> ward name, as the ward-level count files spell them
    ward_names: pd.Series | None = None

    def by_lsoa(self) -> pd.DataFrame | None:
        """The crimes counted by LSOA, for the analyses by LSOA (hot spots): :attr:`crimes`, unless
        ward-level count files supply the series — then the LSOA-level files' counts
        (:attr:`lsoa_crimes`), or None when no file is at LSOA level.

        >>> import pandas as pd
        >>> from assessment.config import Config
        >>> from assessment.periods import financial_year
        >>> cfg = Config.model_validate({"area": {"name": "X"}})
        >>> c = pd.DataFrame({"month": pd.to_datetime(["2024-04-01"]), "count": [3]})
        >>> Dataset(cfg, financial_year(2024), c, count_levels=("ward",)).by_lsoa() is None
        True
        >>> len(Dataset(cfg, financial_year(2024), c).by_lsoa())
        1
        """
        if "ward" not in self.count_levels:
            return self.crimes
        return self.lsoa_crimes

    @property
    def ward_level(self) -> bool:
        """True when ward-level count files are among the inputs (crimes carry ward codes)."""
        return "ward" in self.count_levels
    #: the Index of Multiple Deprivation by LSOA (see the module docstring), None without inputs.imd
    imd: pd.DataFrame | None = None
    #: the harm weights (:mod:`assessment.loaders.harm_weights`), None without ``inputs.harm_weights``
    harm_weights: pd.DataFrame | None = None

    @property
    def area(self) -> str:
        return self.config.area.name

    def crimes_in(self, period: Period) -> pd.DataFrame:
        """The crime rows whose month falls in ``period``."""
        return self.crimes[period.contains(self.crimes["month"])]

    def lsoa_frame(self) -> pd.DataFrame:
        """The area's LSOAs, indexed by ``lsoa_code``: :attr:`lsoas` when the loaders built it, else
        the boundary file's LSOAs (with their names), else the LSOAs seen in the crime data."""
        if self.lsoas is not None and len(self.lsoas):
            return self.lsoas
        if self.boundaries is not None:
            return pd.DataFrame({"lsoa_name": self.boundaries.get("lsoa_name")}, index=self.boundaries.index)
        codes = sorted(self.crimes["lsoa_code"].dropna().astype(str).unique())
        return pd.DataFrame(index=pd.Index(codes, name="lsoa_code"))


# -- the area's LSOAs: shared by the chapters that count crime by LSOA (hotspots, emerging) --------
def lsoa_universe(lsoas) -> pd.Index:
    """The LSOA codes of the area, from a DataFrame/Series indexed by code or a list of codes."""
    if isinstance(lsoas, (pd.DataFrame, pd.Series)):
        idx = pd.Index(lsoas.index)
    else:
        idx = pd.Index(list(lsoas))
    if idx.hasnans:
        raise AssessmentError("the area's LSOA list has a missing LSOA code")
    if idx.has_duplicates:
        dup = idx[idx.duplicated()][0]
        raise AssessmentError(f"the area's LSOA list has LSOA code {dup!r} more than once")
    return pd.Index(idx.astype(str), name="lsoa_code")


def lsoa_counts(crimes: pd.DataFrame, lsoas, period: Period | None = None,
                crime_types: Iterable[str] | None = None) -> pd.Series:
    """Crimes per LSOA over the area's whole LSOA universe (LSOAs with no crime count 0).

    Sums the ``count`` column, so record-level extracts (1 per row) and published count
    cells (the cell's value) are treated alike.

    Parameters
    ----------
    crimes : DataFrame
        The canonical crimes table (``lsoa_code``, ``count``; ``month`` when ``period`` is
        given; ``crime_type`` when ``crime_types`` is given).
    lsoas : DataFrame indexed by lsoa_code, or list of codes
        The area's LSOAs (``Dataset.lsoas``).  A crime row whose LSOA is not among them is an
        error (the loaders exclude or harmonise such rows before a chapter sees them); a row
        with no LSOA (a crime with no location, kept for an area selected by force) is not counted.
    period : Period, optional
        Only rows whose month falls in it; all rows when omitted.
    crime_types : list of str, optional
        Only these crime types (e.g. a crime group's types).

    Returns
    -------
    Series ``count`` (int64) indexed by ``lsoa_code`` in the universe's order.

    Example
    -------
    >>> import pandas as pd
    >>> from assessment.periods import financial_year
    >>> c = pd.DataFrame({"lsoa_code": ["A", "A", "B", "B"], "count": [2, 1, 5, 1],
    ...                   "crime_type": ["Burglary", "Robbery", "Burglary", "Burglary"],
    ...                   "month": pd.to_datetime(["2024-04-01", "2024-05-01", "2023-06-01", "2025-03-01"])})
    >>> lsoa_counts(c, ["A", "B", "C"], financial_year(2024)).to_dict()
    {'A': 3, 'B': 1, 'C': 0}
    >>> lsoa_counts(c, ["A", "B", "C"], crime_types=["Burglary"]).to_dict()
    {'A': 2, 'B': 6, 'C': 0}
    """
    universe = lsoa_universe(lsoas)
    need = ["lsoa_code", "count"] + (["month"] if period is not None else []) + \
        (["crime_type"] if crime_types is not None else [])
    require_columns(crimes, need, "crimes")
    sub = crimes
    if period is not None:
        sub = sub[period.contains(sub["month"])]
    if crime_types is not None:
        sub = sub[sub["crime_type"].isin(list(crime_types))]
    codes = sub["lsoa_code"].astype("string")
    located = codes.notna()          # crimes with no location (an area selected by force) are not mapped
    sub, codes = sub[located], codes[located]
    unknown = ~codes.isin(universe)
    if unknown.any():
        examples = ", ".join(sorted(codes[unknown].fillna("<missing>").unique().tolist())[:3])
        raise AssessmentError(f"crimes: {int(unknown.sum())} rows have an LSOA code that is not one of the "
                              f"area's {len(universe)} LSOAs (e.g. {examples}); expected the loaders to "
                              "exclude or harmonise them")
    s = sub.assign(lsoa_code=codes).groupby("lsoa_code")["count"].sum()
    out = s.reindex(universe, fill_value=0).astype("int64")
    out.index.name = "lsoa_code"
    return out.rename("count")
