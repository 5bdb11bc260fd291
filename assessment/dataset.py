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
    =================  ===============  =========================================

``victims``:   crime_id, victim_id (string), age (Int64), sex (string)
``offenders``: crime_id, offender_id (string), age (Int64), sex (string), home_lsoa (string)
``asb``:       incident_id, datetime (datetime64), caller_id (string, may be NA), lsoa_code,
               plus month; police.uk ASB rows land here with caller_id NA.
``population``: Series indexed by lsoa_code, residents in the assessment year (latest
               estimate at or before it).
``lsoas``:     DataFrame indexed by lsoa_code: lsoa_name, ward_code, ward_name, population —
               the area's LSOA universe (from the boundary file, else the ward lookup, else
               the LSOAs seen in the data).
``boundaries``: GeoDataFrame indexed by lsoa_code (lsoa_name, geometry), EPSG:27700; None
               when no boundary file is configured.
``all_areas``: when the crime input covers more than the assessed area (e.g. all London):
               DataFrame of area, month, crime_type, major_category, count, with
               ``all_areas_population`` a Series indexed by area.  None otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd

from .accounting import Accounting
from .config import Config
from .periods import Period
from .scope import Scope

CRIME_COLUMNS = {
    "crime_id": "string",
    "month": "datetime64[ns]",
    "date": "datetime64[ns]",
    "crime_type": "string",
    "major_category": "string",
    "lsoa_code": "string",
    "lsoa_name": "string",
    "count": "int64",
    "domestic_abuse": "boolean",
    "longitude": "float64",
    "latitude": "float64",
    "location": "string",
}
VICTIM_COLUMNS = {"crime_id": "string", "victim_id": "string", "age": "Int64", "sex": "string"}
OFFENDER_COLUMNS = {"crime_id": "string", "offender_id": "string", "age": "Int64", "sex": "string",
                    "home_lsoa": "string"}
ASB_COLUMNS = {"incident_id": "string", "datetime": "datetime64[ns]", "month": "datetime64[ns]",
               "caller_id": "string", "lsoa_code": "string"}


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
    victims: Optional[pd.DataFrame] = None
    offenders: Optional[pd.DataFrame] = None
    asb: Optional[pd.DataFrame] = None
    population: Optional[pd.Series] = None
    lsoas: Optional[pd.DataFrame] = None
    boundaries: Optional["object"] = None  # geopandas.GeoDataFrame
    all_areas: Optional[pd.DataFrame] = None
    all_areas_population: Optional[pd.Series] = None
    source: str = ""
    boundary_attribution: str = ""
    record_level: bool = True
    notes: list = field(default_factory=list)
    #: what the crime figures count, in words (:mod:`assessment.scope`)
    scope: Scope = field(default_factory=Scope)

    @property
    def area(self) -> str:
        return self.config.area.name

    def crimes_in(self, period: Period) -> pd.DataFrame:
        """The crime rows whose month falls in ``period``."""
        return self.crimes[period.contains(self.crimes["month"])]
