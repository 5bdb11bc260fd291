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

import difflib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError
from .significance import DEFAULT_FDR, DEFAULT_MAX_PERMUTATIONS, DEFAULT_PERMUTATIONS
from .yamlfile import read_yaml

CONFIG_NAME = "assessment.yml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Area(_Strict):
    name: str = Field(description="Name of the area, used in titles (e.g. Haringey).")
    lsoa_name_prefix: str | None = Field(None, description="Select police.uk / MPS rows whose LSOA name starts with this (e.g. 'Haringey').")
    force: str | None = Field(None, description="Select police.uk rows by 'Falls within' (e.g. 'South Yorkshire Police'); no boundary file needed.")
    lad_code: str | None = Field(None, description="Local authority code; selects LSOAs from the ward lookup (e.g. E09000014).")


class Inputs(_Strict):
    police_uk: Path | None = None
    crime_counts: Path | list[Path] | None = Field(None, description="MPS published counts: one file, or a list of files (LSOA- and ward-level, historical and current) read as one series (see assessment.loaders.counts).")
    crimes: Path | None = None
    victims: Path | None = None
    offenders: Path | None = None
    asb: Path | None = None
    population: Path | None = None
    boundaries: Path | None = None
    wards: Path | None = None
    ward_boundaries: Path | None = Field(None, description="Ward polygons (e.g. the ONS 2024 ward boundaries, WD24CD/WD24NM) for the ward-level hot spots and maps.")
    lsoa_lookup: Path | None = None
    targets: Path | None = None
    commentary: Path | None = None
    imd: Path | None = Field(None, description="English Indices of Deprivation file (IMD rank and decile by LSOA): "
                             "the 2019 IMD on 2011 LSOAs (harmonised through inputs.lsoa_lookup) or a 2025 IMD "
                             "on 2021 LSOAs (read directly).")
    harm_weights: Path | None = None
    ed_assaults: Path | None = None
    postcode_lookup: Path | None = None


def input_paths(inputs: Inputs, name: str) -> list[Path]:
    """The files named by ``inputs.<name>``: [] when absent, one or more (``crime_counts`` may be a list).

    >>> input_paths(Inputs(crime_counts=["a.csv", "b.csv"]), "crime_counts"), input_paths(Inputs(), "crimes")
    ([PosixPath('a.csv'), PosixPath('b.csv')], [])
    """
    p = getattr(inputs, name)
    if p is None:
        return []
    return [Path(x) for x in p] if isinstance(p, list) else [Path(p)]


class Boundaries(_Strict):
    code_column: str | None = Field(None, description="LSOA code column of the boundary file; default LSOA21CD or LSOA11CD, whichever exists.")
    name_column: str | None = None
    layer: str | None = None


class Disclosure(_Strict):
    min_count: int = Field(5, ge=1, description="Counts from victim/offender records below this are published as '<N'.")


class Hotspots(_Strict):
    permutations: int = Field(DEFAULT_PERMUTATIONS, ge=0, description="Conditional permutations for every LSOA's Gi* p-value (0 = normal approximation).")
    max_permutations: int = Field(DEFAULT_MAX_PERMUTATIONS, ge=0, description="Most permutations for an LSOA whose class is borderline (more are drawn until its class is settled); at or below `permutations` turns this off.")
    seed: int = Field(20240401, description="Seed of the Gi* permutations, so a rerun gives the same p-values.")
    fdr: bool = Field(DEFAULT_FDR, description="Classify hot/cold spots on the Benjamini-Hochberg (false discovery rate) adjusted p-values (true, the default) or on the unadjusted permutation p-values (false); both are always published, and the report's wording follows this.")
    top_n: int = Field(10, ge=1, description="How many LSOAs the 'top LSOAs' table, share and headline use.")
    emerging_min_years: int = Field(5, ge=3, description="Years the emerging-hotspot classes are designed for; fewer gets a plain warning (at least 3 are needed to classify).")
    shares: list[float] = Field([0.01, 0.05, 0.10, 0.20], description="Top shares of LSOAs (fractions) for the concentration table.")
    emerging_alpha: float = Field(0.10, gt=0, lt=1, description="A year is a hot/cold spot for an LSOA when its Gi* p-value is at most this (0.10 = 90% confidence).")
    trend_alpha: float = Field(0.05, gt=0, lt=1, description="Mann-Kendall trend significance level for intensifying/diminishing.")
    map_scheme: str = Field("NaturalBreaks", description="mapclassify scheme for the count and rate maps (NaturalBreaks, Quantiles, EqualInterval, ...).")
    map_classes: int = Field(5, ge=2, le=9, description="Number of classes on the count and rate maps.")
    label_top: int = Field(5, ge=0, description="Label this many LSOAs with most crime on the maps.")

    @field_validator("shares")
    @classmethod
    def _hotspot_shares(cls, v):
        for p in v:
            if not 0 < p <= 1:
                raise ValueError(f"expected fractions between 0 and 1 (0.01 = top 1%), found {p}")
        return v


class Offenders(_Strict):
    prolific_threshold: int = Field(5, ge=1, description="An offender linked to at least this many crimes in the 12 months is 'prolific'.")
    shares: list[float] = Field([0.01, 0.05, 0.10, 0.20], description="Top shares of offenders (fractions, e.g. 0.01 = top 1%) for the concentration table.")
    mix_share: float = Field(0.10, gt=0, le=1, description="The 'most prolific' group whose crime-type mix is compared with the rest (0.10 = top 10%).")
    age_bands: list[int] = Field([10, 16, 25, 35, 45, 55], description="Lower bounds of the offender age bands (10 -> 10-15, ..., 55 -> 55+).")
    top_wards: int = Field(5, ge=1, description="How many wards the 'where offenders live' sentence names.")

    @field_validator("shares")
    @classmethod
    def _shares_fractions(cls, v):
        for p in v:
            if not 0 < p <= 1:
                raise ValueError(f"expected fractions between 0 and 1 (0.01 = top 1%), found {p}")
        return v

    @field_validator("age_bands")
    @classmethod
    def _bands_increasing(cls, v):
        if not v or any(b >= a for b, a in zip(v, v[1:])) or v[0] < 0:
            raise ValueError(f"expected increasing non-negative ages (e.g. [10, 16, 25, 35, 45, 55]), found {v}")
        return v


class Victims(_Strict):
    lookback_days: int = 365
    repeat_windows: list[int] = [7, 30, 90, 365]
    top_locations: int = Field(10, ge=1, description="How many map points the repeat-locations table lists (police.uk proxy, used when there is no victims link).")


class ASB(_Strict):
    repeat_calls: int = 10
    window_weeks: int = 24


#: what police-recorded violence against the person is called in the crime inputs (police.uk, MPS major
#: and minor categories, Home Office subgroups): matched case-insensitively on crime type or major category
POLICE_VIOLENCE = ["Violence and sexual offences", "Violence against the person", "Violence with injury",
                   "Violence without injury"]


class Hospital(_Strict):
    police_violence: list[str] = Field(POLICE_VIOLENCE, description="Crime types or major categories counted as police-recorded violence against the person, beside the ED assaults (case-insensitive).")
    high_ed_share: float = Field(0.20, gt=0, lt=1, description="An LSOA is 'seen by hospitals, not the police' when it is among this top fraction of LSOAs for ED assaults ...")
    low_police_share: float = Field(0.50, gt=0, lt=1, description="... and among this bottom fraction of LSOAs for police-recorded violence (and has at least disclosure.min_count ED assaults).")
    top_locations: int = Field(10, ge=1, description="The most locations (venues, streets) the top-locations table lists; only locations with at least disclosure.min_count attendances are listed, never a home.")
class When(_Strict):
    """Chapter 6 (when crime happens): the month test and the night-time-economy window."""

    alpha: float = Field(0.05, gt=0, lt=1, description="A month is significantly above its usual level when its Holm-adjusted one-sided p-value (exact conditional Poisson test against the same month of the previous years) is at most this.")
    nte_start: int = Field(20, ge=0, le=23, description="Hour the night-time-economy window opens (20 = 20:00), on the evening of each night in `nte_nights`.")
    nte_end: int = Field(4, ge=0, le=23, description="Hour it closes (4 = 04:00); when below `nte_start`, the next morning (00:00-04:00 belongs to the previous evening's night).")
    nte_nights: list[int] = Field([4, 5], description="The nights in the window, by the weekday of their evening (0 = Monday ... 4 = Friday, 5 = Saturday).")
    violence_group: str | None = Field(None, description="The crime group (`crime_groups`) that is violence against the person; default: the first crime group whose name starts with 'Violence', else the crime types whose name starts with 'Violence'.")

    @field_validator("nte_nights")
    @classmethod
    def _nights(cls, v):
        if not v or any(not 0 <= d <= 6 for d in v) or len(set(v)) != len(v):
            raise ValueError(f"expected distinct weekdays 0 (Monday) to 6 (Sunday), e.g. [4, 5] for Friday and Saturday nights, found {v}")
        return v

    @field_validator("nte_end")
    @classmethod
    def _not_empty(cls, v, info):
        if v == info.data.get("nte_start"):
            raise ValueError("the window closes at the hour it opens: expected nte_end different from nte_start")
        return v


class Performance(_Strict):
    rag_scheme: Literal["three", "four"] = Field("three", description="'three' (On target / Up to 10% off target / Missing target by more than 10%) or 'four' (Green / Amber-Green / Amber-Red / Red).")
    amber_threshold: float = Field(0.10, gt=0, description="How far (a fraction of the target) an indicator may miss its target and still be amber; beyond it is red.")
    amber_green_threshold: float | None = Field(None, gt=0, description="Four-level scheme: misses up to this fraction are Amber-Green, beyond it Amber-Red (default: half of amber_threshold).")
    no_change_band: float = Field(0.0, ge=0, description="Direction of travel: a change smaller than this fraction of last year's value is 'no change' (0 = only an identical value).")
    comparators: list[str] = Field([], description="The comparator ('most similar') group: names of other areas in a multi-area crime input.")
    comparison_by: Literal["major_category", "crime_type"] = Field("major_category", description="Compare areas by MPS major category or by crime type.")
    comparison_label: str | None = Field(None, description="What the areas are, for sentences such as '8th highest of the 32 London boroughs' (e.g. 'London boroughs').")
    area_column: str | None = None


class NearRepeat(_Strict):
    crime_types: list[str] = Field(["Burglary"], description="Crime types tested for near repeats, each on its own (needs a record-level extract with offence dates and coordinates).")
    distance_bands: list[int] = Field([100, 200, 400, 800], description="Upper edges of the distance bands in metres (after the 'same place' band; pairs further apart than the last are 'more than').")
    time_bands: list[int] = Field([7, 14, 30, 60], description="Upper edges of the time bands in days (0-7, 8-14, ...; pairs further apart than the last are 'more than').")
    permutations: int = Field(999, ge=19, description="Monte Carlo permutations of the offence dates for the expected pairs and p-values (the Near Repeat Calculator's default is 999).")
    seed: int = Field(20240401, description="Seed of the permutations, so a rerun gives the same expected pairs and p-values.")

    @field_validator("distance_bands", "time_bands")
    @classmethod
    def _increasing(cls, v):
        if not v or v[0] <= 0 or any(b >= a for b, a in zip(v, v[1:])):
            raise ValueError(f"expected increasing whole numbers above 0 (e.g. [100, 200, 400, 800]), found {v}")
        return v

    @field_validator("crime_types")
    @classmethod
    def _types_nonempty(cls, v):
        if not v:
            raise ValueError("expected at least one crime type (e.g. [Burglary])")
        return v


class Harm(_Strict):
    source: str | None = Field(None, description="Where the harm weights come from (e.g. 'ONS Crime Severity Score weights, year ending March 2024'): printed under every harm figure; required with inputs.harm_weights.")
    synthetic: bool = Field(False, description="True when the weights are made up (the demo's): the report says so beside every harm figure.")


class Config(_Strict):
    """The whole config.  ``path`` and ``root`` are set by :func:`load_config`."""

    area: Area
    period: Literal["financial", "calendar"] = "financial"
    inputs: Inputs = Inputs()
    boundaries: Boundaries = Boundaries()
    crime_groups: dict[str, list[str]] = {}
    baseline_year: int | None = Field(None, description="Year for '% change vs baseline' (default: 4 years before the assessment year).")
    trend_years: int = Field(5, ge=1)
    synthetic: bool = Field(False, description="True for the demo data: every page says the data are synthetic.")
    source: str | None = Field(None, description="Source line under tables and charts; default from the inputs.")
    scope: str | None = Field(None, description="What the crime input counts, for the headlines (e.g. 'recorded burglary'); default from the inputs: 'recorded crime', 'recorded <type>' when the data hold one crime type, 'recorded crime geocoded to an LSOA' for MPS LSOA-level counts.")
    disclosure: Disclosure = Disclosure()
    hotspots: Hotspots = Hotspots()
    offenders: Offenders = Offenders()
    victims: Victims = Victims()
    asb: ASB = ASB()
    performance: Performance = Performance()
    near_repeat: NearRepeat = NearRepeat()
    harm: Harm = Harm()
    hospital: Hospital = Hospital()
    when: When = When()
    demo: bool = Field(False, description="True for the bundled demo: missing demo files are generated on first use.")

    path: Path | None = Field(None, exclude=True)

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

    @field_validator("when")
    @classmethod
    def _violence_group_known(cls, v, info):
        groups = info.data.get("crime_groups") or {}
        if v.violence_group is not None and v.violence_group not in groups:
            raise ValueError(f"violence_group {v.violence_group!r} is not one of the crime_groups "
                             f"({', '.join(map(repr, groups)) or 'none configured'})")
        return v


def find_config(start: Path | None = None) -> Path:
    """Find ``assessment.yml`` in ``start`` (default: cwd) or a parent folder."""
    here = Path(start or Path.cwd()).resolve()
    for d in [here, *here.parents]:
        if (d / CONFIG_NAME).exists():
            return d / CONFIG_NAME
    raise ConfigError(f"no {CONFIG_NAME} found in {here} or any parent folder; pass --config")


class ConfigProblems(ConfigError):
    """Every problem found in a config file (``problems``, one line each).  As a message it is the
    first problem, and how many more there are (``assessment validate`` lists them all)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        more = len(self.problems) - 1
        super().__init__(self.problems[0] + (f" (and {more} more problem{'s' if more > 1 else ''} in the "
                                             "config: assessment validate lists them all)" if more else ""))


#: inputs that may be a folder (a folder of police.uk files; a boundary folder such as a shapefile's)
FOLDER_INPUTS = ("police_uk", "boundaries")
#: inputs that may be missing when the config is read: the commentary file, which ``assessment commentary``
#: writes for a config that names it already.  A run checks it before loading the data (one line, exit 2;
#: see :mod:`assessment.commentary`), and ``assessment validate`` lists it when it is missing.
LATER_INPUTS = ("commentary",)


def _model_at(loc) -> type | None:
    """The config model (section) holding the key at ``loc`` (a pydantic error location)."""
    model = Config
    for part in loc[:-1]:
        f = model.model_fields.get(part) if isinstance(part, str) else None
        ann = getattr(f, "annotation", None)
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def _problem_lines(path, e: ValidationError) -> list[str]:
    """One line per pydantic error; an unknown key with its nearest known key (difflib)."""
    lines = []
    for err in e.errors():
        loc = ".".join(str(x) for x in err["loc"])
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            model = _model_at(err["loc"])
            known = [k for k in (model.model_fields if model else ()) if k != "path"]
            near = difflib.get_close_matches(str(err["loc"][-1]), known, n=1, cutoff=0.6)
            prefix = ".".join(str(x) for x in err["loc"][:-1])
            msg = (f"unknown key (did you mean '{prefix + '.' if prefix else ''}{near[0]}'?)" if near
                   else "unknown key (see the README for the keys)")
        line = f"{path}: key '{loc}': {msg}"
        if line not in lines:
            lines.append(line)
    return lines


def load_config(path: str | Path | None = None, check_files: bool = True) -> Config:
    """Read and validate a config file; resolve input paths against its folder.

    Raises :class:`ConfigError` with one line for a missing file, a folder, text that is not
    UTF-8, bad YAML (aliases are bounded: see :mod:`assessment.yamlfile`), or (``check_files``)
    an input that does not exist (but for :data:`LATER_INPUTS`) or is a folder where a file is expected; and
    :class:`ConfigProblems` for unknown or mistyped keys — every one of them, an unknown key
    with the nearest known key (``did you mean ...?``).
    """
    path = Path(path) if path else find_config()
    raw = read_yaml(path, "config file", name=str(path))
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of keys (area:, inputs:, ...)")
    try:
        cfg = Config.model_validate(raw)
    except ValidationError as e:
        raise ConfigProblems(_problem_lines(path, e)) from None
    cfg.path = path.resolve()
    for name in Inputs.model_fields:
        given = getattr(cfg.inputs, name)
        if isinstance(given, list) and not given:
            raise ConfigError(f"{path}: inputs.{name}: expected a file or a list of files, found an empty list")
        resolved = []
        for p in input_paths(cfg.inputs, name):
            p = (cfg.root / p).resolve() if not p.is_absolute() else p
            resolved.append(p)
            if check_files and not p.exists() and not cfg.demo and name not in LATER_INPUTS:
                raise ConfigError(f"{path}: inputs.{name}: file not found: {p}")
            if check_files and name not in FOLDER_INPUTS and p.is_dir():
                raise ConfigError(folder_problem(path, name, p))
        if resolved:
            setattr(cfg.inputs, name, resolved if isinstance(given, list) else resolved[0])
    if cfg.inputs.harm_weights is not None and not (cfg.harm.source or "").strip():
        raise ConfigError(f"{path}: harm.source: expected the source of the harm weights in inputs.harm_weights "
                          "(e.g. 'ONS Crime Severity Score weights, 2024'); weights with no named source are not used")
    if check_files and not any(getattr(cfg.inputs, k) for k in ("police_uk", "crime_counts", "crimes")) and not cfg.demo:
        raise ConfigError(f"{path}: inputs: expected one of police_uk, crime_counts or crimes")
    return cfg


def folder_problem(path, name: str, p: Path) -> str:
    """The line for ``inputs.<name>`` naming a folder where a file is expected."""
    return f"{path}: inputs.{name}: expected a file, found a folder: {p}; name the file inside it"
