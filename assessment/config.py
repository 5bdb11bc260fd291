"""The config file ``assessment.yml`` (§8.1).

Paths are relative to the config file's folder.  Unknown keys are an error
(a typo such as ``crime_group:`` would otherwise be silently ignored).  Every
key is documented in the README; defaults are the field defaults below.

Example
-------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "crimes.csv").write_text("crime_id,offence_date,crime_type,lsoa_code\\n")
>>> _ = (d / "a.yml").write_text("area: {name: Testham}\\ninputs: {crimes: crimes.csv}\\n")
>>> cfg = load_config(d / "a.yml")
>>> cfg.area.name, cfg.inputs.crimes.name, cfg.disclosure.min_count
('Testham', 'crimes.csv', 5)
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError

CONFIG_NAME = "assessment.yml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Area(_Strict):
    name: str = Field(description="Name of the area, used in titles (e.g. Haringey).")
    lsoa_name_prefix: Optional[str] = Field(None, description="Select police.uk / MPS rows whose LSOA name starts with this (e.g. 'Haringey').")
    force: Optional[str] = Field(None, description="Select police.uk rows by 'Falls within' (e.g. 'South Yorkshire Police'); no boundary file needed.")
    lad_code: Optional[str] = Field(None, description="Local authority code; selects LSOAs from the ward lookup (e.g. E09000014).")


class Inputs(_Strict):
    police_uk: Optional[Path] = None
    crime_counts: Optional[Path] = None
    crimes: Optional[Path] = None
    victims: Optional[Path] = None
    offenders: Optional[Path] = None
    asb: Optional[Path] = None
    population: Optional[Path] = None
    boundaries: Optional[Path] = None
    wards: Optional[Path] = None
    lsoa_lookup: Optional[Path] = None
    targets: Optional[Path] = None


class Boundaries(_Strict):
    code_column: Optional[str] = Field(None, description="LSOA code column of the boundary file; default LSOA21CD or LSOA11CD, whichever exists.")
    name_column: Optional[str] = None
    layer: Optional[str] = None


class Disclosure(_Strict):
    min_count: int = Field(5, ge=1, description="Counts from victim/offender records below this are published as '<N'.")


class Hotspots(_Strict):
    permutations: int = Field(999, ge=0)
    seed: int = 20240401
    fdr: bool = True
    top_n: int = 10
    emerging_min_years: int = 5


class Offenders(_Strict):
    prolific_threshold: int = Field(5, ge=1, description="An offender linked to at least this many crimes in the 12 months is 'prolific'.")
    shares: list[float] = [0.01, 0.05, 0.10, 0.20]


class Victims(_Strict):
    lookback_days: int = 365
    repeat_windows: list[int] = [7, 30, 90, 365]


class ASB(_Strict):
    repeat_calls: int = 10
    window_weeks: int = 24


class Performance(_Strict):
    rag_scheme: Literal["three", "four"] = "three"
    amber_threshold: float = 0.10
    comparators: list[str] = []
    area_column: Optional[str] = None


class Config(_Strict):
    """The whole config.  ``path`` and ``root`` are set by :func:`load_config`."""

    area: Area
    period: Literal["financial", "calendar"] = "financial"
    inputs: Inputs = Inputs()
    boundaries: Boundaries = Boundaries()
    crime_groups: dict[str, list[str]] = {}
    baseline_year: Optional[int] = Field(None, description="Year for '% change vs baseline' (default: 4 years before the assessment year).")
    trend_years: int = Field(5, ge=1)
    synthetic: bool = Field(False, description="True for the demo data: every page says the data are synthetic.")
    source: Optional[str] = Field(None, description="Source line under tables and charts; default from the inputs.")
    disclosure: Disclosure = Disclosure()
    hotspots: Hotspots = Hotspots()
    offenders: Offenders = Offenders()
    victims: Victims = Victims()
    asb: ASB = ASB()
    performance: Performance = Performance()
    demo: bool = Field(False, description="True for the bundled demo: missing demo files are generated on first use.")

    path: Optional[Path] = Field(None, exclude=True)

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @field_validator("crime_groups")
    @classmethod
    def _groups_nonempty(cls, v):
        for name, types in v.items():
            if not types:
                raise ValueError(f"crime group {name!r} lists no crime types")
        return v


def find_config(start: Path | None = None) -> Path:
    """Find ``assessment.yml`` in ``start`` (default: cwd) or a parent folder."""
    here = Path(start or Path.cwd()).resolve()
    for d in [here, *here.parents]:
        if (d / CONFIG_NAME).exists():
            return d / CONFIG_NAME
    raise ConfigError(f"no {CONFIG_NAME} found in {here} or any parent folder; pass --config")


def load_config(path: str | Path | None = None, check_files: bool = True) -> Config:
    """Read and validate a config file; resolve input paths against its folder.

    Raises :class:`ConfigError` with one line for a missing file, bad YAML, an
    unknown or mistyped key, or (``check_files``) an input that does not exist.
    """
    path = Path(path) if path else find_config()
    if not path.exists():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise ConfigError(f"{path}: {where}: not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of keys (area:, inputs:, ...)")
    try:
        cfg = Config.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (see the README for the keys)"
        raise ConfigError(f"{path}: key '{loc}': {msg}") from None
    cfg.path = path.resolve()
    for name in Inputs.model_fields:
        p = getattr(cfg.inputs, name)
        if p is not None:
            p = (cfg.root / p).resolve() if not p.is_absolute() else p
            setattr(cfg.inputs, name, p)
            if check_files and not p.exists() and not cfg.demo:
                raise ConfigError(f"{path}: inputs.{name}: file not found: {p}")
    if check_files and not any(getattr(cfg.inputs, k) for k in ("police_uk", "crime_counts", "crimes")) and not cfg.demo:
        raise ConfigError(f"{path}: inputs: expected one of police_uk, crime_counts or crimes")
    return cfg
