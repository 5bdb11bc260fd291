"""The fetch folder's provenance file and ready config.

``provenance.json`` lists every file ``assessment fetch`` wrote into the folder: its source URL (and,
for a police.uk street file, the archive and the zip member), when it was retrieved (UTC), its size
and SHA-256.  A rerun skips a file whose size and SHA-256 still match (resuming an interrupted
fetch); anything else is fetched again.

``assessment.yml`` is written from what the folder holds (police.uk files, ONS boundaries, lookup
and population), so that ``assessment validate`` and ``assessment run`` work on it at once.  A
config the user wrote, or edited since this module wrote it (its SHA-256 is kept in the provenance
file), is never overwritten: the ready config then goes to ``assessment.fetched.yml``.

Example
-------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> m = Manifest.load(d)
>>> _ = (d / "a.csv").write_bytes(b"x,y\\n1,2\\n")
>>> m.record("a.csv", kind="police_uk", url="http://example.invalid/a.zip", member="a.csv")
>>> m.save(); Manifest.load(d).verified("a.csv"), m.files["a.csv"]["size"]
(True, 8)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import __version__

PROVENANCE = "provenance.json"
CONFIG = "assessment.yml"
FALLBACK_CONFIG = "assessment.fetched.yml"
MARK = "# Written by `assessment fetch`"

#: police.uk crime types of the usual priority groups (a group is written when the data hold its types)
POLICE_UK_GROUPS = {
    "Violence and sexual offences": ["Violence and sexual offences"],
    "Burglary": ["Burglary"],
    "Robbery": ["Robbery"],
    "Theft from the person": ["Theft from the person"],
    "Vehicle crime": ["Vehicle crime"],
    "Criminal damage and arson": ["Criminal damage and arson"],
    "Shoplifting": ["Shoplifting"],
    "Neighbourhood crime": ["Burglary", "Robbery", "Theft from the person", "Vehicle crime"],
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Manifest:
    """``provenance.json`` of a fetch folder (``files``: name -> record; ``area``: what was fetched for)."""

    folder: Path
    files: dict = field(default_factory=dict)
    area: dict = field(default_factory=dict)
    config_sha256: str | None = None     # the config as this module last wrote it

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """The folder's manifest; an unreadable or odd one counts as empty (its files are fetched again)."""
        m = cls(Path(folder))
        try:
            raw = json.loads((m.folder / PROVENANCE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return m
        if isinstance(raw, dict):
            files = raw.get("files")
            if isinstance(files, dict):
                m.files = {k: v for k, v in files.items() if isinstance(k, str) and _SAFE_NAME.match(k)
                           and isinstance(v, dict) and isinstance(v.get("sha256"), str)
                           and isinstance(v.get("size"), int)}
            if isinstance(raw.get("config_sha256"), str):
                m.config_sha256 = raw["config_sha256"]
            if isinstance(raw.get("area"), dict):
                m.area = {k: v for k, v in raw["area"].items() if isinstance(v, (str, int))}
        return m

    def verified(self, name: str) -> bool:
        """True when ``name`` is in the folder with the size and SHA-256 recorded for it."""
        rec = self.files.get(name)
        p = self.folder / name
        if not rec or not p.is_file() or p.stat().st_size != rec["size"]:
            return False
        return sha256_file(p) == rec["sha256"]

    def record(self, name: str, kind: str, url: str, sha256: str | None = None, **extra) -> None:
        """Record ``name`` (already written in the folder)."""
        p = self.folder / name
        self.files[name] = {"kind": kind, "url": url, "retrieved": now(), "size": p.stat().st_size,
                            "sha256": sha256 or sha256_file(p), **extra}

    def of_kind(self, kind: str) -> list[str]:
        return sorted(n for n, r in self.files.items() if r.get("kind") == kind and (self.folder / n).is_file())

    def save(self) -> None:
        data = {"written_by": f"assessment fetch (csp-assessment {__version__})",
                "note": "every file assessment fetch wrote here: source URL, retrieval time (UTC), size in "
                        "bytes and SHA-256; a rerun skips a file whose size and SHA-256 still match",
                "area": self.area, "config_sha256": self.config_sha256, "files": dict(sorted(self.files.items()))}
        tmp = self.folder / (PROVENANCE + ".part")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, self.folder / PROVENANCE)


def police_crime_types(folder: Path, names: list[str], limit: int = 20_000) -> set[str]:
    """The crime types in the police.uk files (the first ``limit`` rows of each; it stops once every type of
    :data:`POLICE_UK_GROUPS` is seen), to write only the groups the data hold."""
    import csv
    wanted = {t for types in POLICE_UK_GROUPS.values() for t in types}
    types: set[str] = set()
    for n in names:
        try:
            with open(folder / n, encoding="utf-8-sig", errors="replace", newline="") as f:
                for i, row in enumerate(csv.DictReader(f)):
                    if i >= limit:
                        break
                    t = (row.get("Crime type") or "").strip()
                    if t:
                        types.add(t)
        except (OSError, csv.Error):
            continue
        if wanted <= types:
            break
    return types


def config_for(m: Manifest) -> tuple[dict, list[str]]:
    """The config (a dict) for what the folder holds, and the comment lines to go above it."""
    police = m.of_kind("police_uk")
    boundaries = m.of_kind("boundaries")
    wards = m.of_kind("wards")
    population = m.of_kind("population")
    area: dict = {}
    if m.area.get("lad_name") or m.area.get("force_name"):
        area["name"] = str(m.area.get("lad_name") or m.area.get("force_name"))
    else:
        area["name"] = "My area"
    if boundaries or wards:
        if m.area.get("lad_code"):
            area["lad_code"] = str(m.area["lad_code"])
    elif police and m.area.get("force_name"):
        area["force"] = str(m.area["force_name"])   # the force's whole area ("Falls within")
    inputs: dict = {}
    if police:
        inputs["police_uk"] = "."
    if boundaries:
        inputs["boundaries"] = boundaries[0]
    if population:
        inputs["population"] = population[0]
    if wards:
        inputs["wards"] = wards[0]
    cfg: dict = {"area": area, "period": "financial", "inputs": inputs}
    if police:
        present = police_crime_types(m.folder, police)
        groups = {g: t for g, t in POLICE_UK_GROUPS.items() if all(x in present for x in t)}
        if groups:
            cfg["crime_groups"] = groups
    months = sorted(str(m.files[n].get("month", "")) for n in police)
    comments = [MARK + f" (csp-assessment {__version__}) on {now()[:10]}; provenance.json lists the",
                "# source, size and SHA-256 of every file here.  Edit freely: once edited, a new fetch writes",
                f"# {FALLBACK_CONFIG} instead of overwriting it.  Every key is described in the README."]
    if police:
        comments.append(f"# police.uk street files: {months[0]} to {months[-1]} ({len(police)} months).")
        comments.append("#   assessment validate --config THIS_FILE   then   assessment run --config THIS_FILE "
                        f"--to {months[-1]}")
    if not police:
        comments.append("# No crime input yet: add one (assessment fetch police-uk ... --dest this folder, or "
                        "inputs.crime_counts / inputs.crimes).")
    return cfg, comments


def write_config(m: Manifest) -> Path:
    """Write the ready config into the folder; returns its path (see the module docstring)."""
    cfg, comments = config_for(m)
    target = m.folder / CONFIG
    if target.exists() and not (target.is_file() and sha256_file(target) == m.config_sha256):
        target = m.folder / FALLBACK_CONFIG      # the user's own config (or one they edited): left alone
    text = "\n".join(comments) + "\n" + yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)
    tmp = target.with_name(target.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    if target.name == CONFIG:
        m.config_sha256 = sha256_file(target)
        m.save()
    return target
