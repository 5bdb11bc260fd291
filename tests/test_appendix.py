"""The data-quality appendix: every note on the inputs is printed once."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from assessment.config import Config
from assessment.loaders import load_dataset
from assessment.words import appendix

F = Path(__file__).resolve().parent / "fixtures" / "loaders"


def _bullets(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.startswith("* ")]


def test_each_input_note_is_printed_once(tmp_path):
    # a bow-tie polygon (repaired, with a note) and ONS population estimates (a note on the year used)
    g = json.loads((F / "lsoa_bng.geojson").read_text())
    g["features"][2]["geometry"]["coordinates"] = [[[532000, 180000], [533000, 181000], [533000, 180000],
                                                    [532000, 181000], [532000, 180000]]]
    (tmp_path / "lsoa.geojson").write_text(json.dumps(g))
    shutil.copy(F / "crimes.csv", tmp_path / "crimes.csv")
    cfg = Config.model_validate({"area": {"name": "Testham"}, "inputs": {
        "crimes": str(tmp_path / "crimes.csv"), "boundaries": str(tmp_path / "lsoa.geojson"),
        "population": str(F / "population_ons_wide.csv")}})
    ds = load_dataset(cfg, 2024)
    lines = _bullets(appendix.quality_notes(ds))
    assert len(lines) == len(set(lines))
    text = "\n".join(lines)
    assert text.count("invalid geometry repaired") == 1, lines        # was printed twice, worded two ways
    assert text.count("mid-2022 estimates") == 1, lines                # was printed as **population** and population:
    assert "* **boundaries**: lsoa.geojson: 1 invalid geometry repaired (shapely make_valid)" in lines
    # `assessment validate` still has every note (it prints ds.notes)
    assert any("lsoa.geojson: 1 invalid geometry repaired" in n for n in ds.notes)
    assert any("mid-2022 estimates" in n for n in ds.notes)
