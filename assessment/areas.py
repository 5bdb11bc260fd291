"""Which areas a batch runs (issue 18, item 4): ``assessment batch --areas ...``.

* ``--areas "Haringey,Camden"`` — those areas (each an LSOA-name prefix: a run per area);
* ``--areas all`` — every local authority in the config's LSOA -> ward -> local authority lookup
  (``inputs.wards``, ONS's ``LSOA21CD, WD24CD, WD24NM, LAD24CD, LAD24NM``): for a lookup of England
  and Wales, all 318 authorities (the community safety partnerships, one per authority; a merged
  CSP is run as its authorities);
* ``--areas "force:South Yorkshire Police"`` — the local authorities of one police force area,
  from a police force area column of the same lookup (``PFA23NM``, as in ONS's "LAD to CSP to
  PFA" lookup joined on by local authority code).

Every area named by the lookup is a local authority name; ONS names every LSOA ``<authority>
<3 digits><letter>`` (``Barnsley 001A``), so the name selects the authority's LSOAs as an
``area.lsoa_name_prefix`` does.  A lookup without the column needed, or a force it does not
name, stops with one line (:class:`~assessment.errors.ConfigError`).

Example
-------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "lookup.csv"
>>> _ = p.write_text("LSOA21CD,LAD24CD,LAD24NM,PFA23NM\\n"
...                  "E01007321,E08000016,Barnsley,South Yorkshire\\nE01007322,E08000016,Barnsley,South Yorkshire\\n"
...                  "E01007500,E08000019,Sheffield,South Yorkshire\\nE01011000,E08000035,Leeds,West Yorkshire\\n")
>>> lookup_areas(p), lookup_areas(p, force="south yorkshire")
(['Barnsley', 'Leeds', 'Sheffield'], ['Barnsley', 'Sheffield'])
"""
from __future__ import annotations

from pathlib import Path

from .errors import AssessmentError, ConfigError, one_line
from .loaders.common import find_column, read_csv, strip

#: ``--areas`` for every local authority of the lookup
ALL = "all"
#: ``--areas force:<name>`` for the local authorities of one police force area
FORCE = "force:"


def parse_areas(text: str | None, lookup: Path | None) -> list[str] | None:
    """``--areas`` -> the area of each run (``None``: the config's own area).

    ``lookup`` is the config's ``inputs.wards`` (read only for ``all`` and ``force:``).

    >>> parse_areas(" Haringey, Camden,, ", None), parse_areas(None, None)
    (['Haringey', 'Camden'], None)
    """
    if text is None:
        return None
    spec = text.strip()
    if spec.casefold() == ALL:
        return lookup_areas(_need(lookup, "--areas all"))
    if spec.casefold().startswith(FORCE):
        force = spec[len(FORCE):].strip()
        if not force:
            raise ConfigError('--areas force: name the police force area, e.g. --areas "force:South Yorkshire"')
        return lookup_areas(_need(lookup, f"--areas {spec}"), force=force)
    areas = [x.strip() for x in spec.split(",") if x.strip()]
    if not areas:
        raise ConfigError("--areas: expected area names (Haringey,Camden), all, or force:<police force area>")
    return areas


def _need(lookup: Path | None, what: str) -> Path:
    if lookup is None:
        raise ConfigError(f"{what}: needs the LSOA -> local authority lookup in the config (inputs.wards: ONS's "
                          "LSOA21CD, WD24CD, WD24NM, LAD24CD, LAD24NM)")
    return Path(lookup)


def lookup_areas(path: Path, force: str | None = None) -> list[str]:
    """The local authority names in the lookup at ``path`` (of one police force area if ``force``),
    sorted, each once."""
    path = Path(path)
    what = f"--areas force:{force}" if force else "--areas all"
    try:
        df = read_csv(path)
    except AssessmentError as e:
        raise ConfigError(f"{what}: {one_line(e)}") from e
    except OSError as e:
        raise ConfigError(f"{what}: cannot read {path}: {e.strerror or e}") from e
    original = df.attrs.get("original", {})
    name = find_column(df, "lad_name", "local_authority_name", pattern=r"lad\d\dnm")
    if name is None:
        raise ConfigError(f"{what}: {path.name} has no local authority name column (LAD24NM or lad_name); found "
                          + ", ".join(original.get(c, c) for c in df.columns))
    names = strip(df[name])
    if force:
        pfa = find_column(df, "pfa_name", "police_force_area", "force", pattern=r"pfa\d\dnm")
        if pfa is None:
            raise ConfigError(f"{what}: {path.name} has no police force area column (PFA23NM or force): join ONS's "
                              "LAD to CSP to PFA lookup to it by LAD code, or list the areas")
        forces = strip(df[pfa])
        keep = (forces.str.casefold() == force.casefold()).fillna(False).astype(bool)
        if not keep.any():
            known = sorted(set(forces.dropna()))
            raise ConfigError(f"{what}: no police force area of that name in {path.name}; it names {len(known)}: "
                              + one_line(", ".join(known[:12]) + (", ..." if len(known) > 12 else ""), 400))
        names = names[keep.to_numpy()]
    out = sorted(set(names.dropna()))
    if not out:
        raise ConfigError(f"{what}: {path.name} names no local authority")
    return out
