"""A batch reads its crime input once and hands each run its part (issue 18, assessment.loaders.shared).

The record accounting of a run that gets the hand-off must be exactly that of a run reading the
whole file: the rows of other areas are accounted from the shared summary.  The expected counts
below are worked out by hand from the small MPS table written here.
"""
from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest

from assessment import batch
from assessment.config import load_config
from assessment.loaders import load_dataset
from assessment.loaders.shared import SharedInput

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
LONDON = Path(__file__).resolve().parents[1] / "examples" / "london-comparison.yml"

MONTHS = [f"2023{m:02d}" for m in range(1, 13)] + [f"2024{m:02d}" for m in range(1, 13)] + ["202501", "202502", "202503"]

# (lsoa_code, lsoa_name, borough, major, minor): every row has 1 crime in each month column
ROWS = [
    ("E01000001", "Aham 001A", "E09000001", "BURGLARY", "RES BURGLARY OF A HOME"),
    ("E01000001", "Aham 001A", "E09000001", "THEFT", "THEFT FROM THE PERSON"),
    ("E01000001", "Aham 001A", "E09000001", "THEFT", "THEFT FROM THE PERSON"),      # duplicate (A)
    ("E01000002", "Aham 001B", "E09000001", "THEFT", "THEFT FROM THE PERSON"),
    ("E01000011", "Beeton 001A", "E09000002", "BURGLARY", "RES BURGLARY OF A HOME"),
    ("E01000011", "Beeton 001A", "E09000002", "THEFT", "THEFT FROM THE PERSON"),
    ("E01000012", "Beeton 001B", "E09000002", "THEFT", "BICYCLE THEFT"),           # a type only Beeton has
    ("", "Beeton 001C", "E09000002", "THEFT", "THEFT FROM THE PERSON"),            # no code (B)
    ("E0100BAD", "Beeton 001D", "E09000002", "THEFT", "THEFT FROM THE PERSON"),    # malformed code (B)
    ("E01000021", "Ceeford 001A", "E09000003", "BURGLARY", "RES BURGLARY OF A HOME"),
    ("E01000021", "Ceeford 001A", "E09000003", "BURGLARY", "RES BURGLARY OF A HOME"),  # duplicate (C)
    ("E01000022", "Ceeford 001B", "E09000003", "THEFT", "THEFT FROM THE PERSON"),
]


def _write(tmp_path: Path) -> Path:
    lines = ["lsoa_code,lsoa_name,borough,major_category,minor_category," + ",".join(MONTHS)]
    for i, r in enumerate(ROWS):
        cells = ["1"] * len(MONTHS)
        if i == 3:
            cells[5] = ""        # a blank cell: read as 0, noted
        lines.append(",".join(r) + "," + ",".join(cells))
    (tmp_path / "mps.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = tmp_path / "assessment.yml"
    cfg.write_text("area:\n  name: Aham\n  lsoa_name_prefix: Aham\nperiod: financial\n"
                   "inputs:\n  crime_counts: mps.csv\n"
                   "crime_groups:\n  Burglary: [RES BURGLARY OF A HOME]\n", encoding="utf-8")
    return cfg


def _config(path: Path, area: str):
    cfg = load_config(path)
    cfg.area.name = cfg.area.lsoa_name_prefix = area
    return cfg


def _same(a, b) -> None:
    """Two datasets are the same: crimes, all-areas counts, LSOAs, notes, scope and the accounting."""
    pd.testing.assert_frame_equal(a.crimes, b.crimes)
    pd.testing.assert_frame_equal(a.all_areas, b.all_areas)
    pd.testing.assert_frame_equal(a.lsoas, b.lsoas)
    assert a.notes == b.notes
    assert a.scope == b.scope and a.source == b.source and a.period == b.period
    for part in ("reads", "uses", "exclusions", "notes"):
        assert getattr(a.accounting, part) == getattr(b.accounting, part), part
    # the same reasons in the same order (the data-quality table lists them so)
    assert [list(v) for v in a.accounting.exclusions.values()] == [list(v) for v in b.accounting.exclusions.values()]


@pytest.mark.parametrize("area", ["Aham", "Beeton", "Ceeford"])
def test_a_run_given_its_part_loads_exactly_what_a_run_reading_the_file_loads(tmp_path, area):
    path = _write(tmp_path)
    shared = SharedInput.read(load_config(path))
    cfg = _config(path, area)
    part = shared.for_run(cfg, 2024)
    _same(load_dataset(_config(path, area), 2024), load_dataset(cfg, 2024, shared=part))


def test_the_accounting_from_the_shared_summary_is_exact_by_hand(tmp_path):
    path = _write(tmp_path)
    shared = SharedInput.read(load_config(path))
    # Aham: 4 rows of its own (one a duplicate); the other 8 rows are another area's: 6 with a valid
    # code (outside the area), 1 with no code (no location), 1 malformed
    part = shared.for_run(_config(path, "Aham"), 2024)
    assert part.summarised == 8
    assert len(part.src.raw.rows) == 4 + 3 and sorted(part.src.raw.rows["_w"]) == [1, 1, 1, 1, 1, 1, 6]
    acc = load_dataset(_config(path, "Aham"), 2024, shared=part).accounting
    assert acc.reads["crimes"] == 12 and acc.uses["crimes"] == 3
    assert dict(acc.exclusions["crimes"]) == {"no location": 1, "malformed LSOA code": 1, "outside the area": 6,
                                              "duplicate row (same area and category)": 1}
    # Beeton's own bad rows are its own: 5 rows, 2 without a usable code; the 7 others are outside
    acc = load_dataset(_config(path, "Beeton"), 2024, shared=shared.for_run(_config(path, "Beeton"), 2024)).accounting
    assert acc.uses["crimes"] == 3
    assert dict(acc.exclusions["crimes"]) == {"no location": 1, "malformed LSOA code": 1, "outside the area": 7}


def test_the_hand_off_keeps_what_needs_the_whole_file(tmp_path):
    path = _write(tmp_path)
    shared = SharedInput.read(load_config(path))
    part = shared.for_run(_config(path, "Aham"), 2024)
    # the crime types of every row (BICYCLE THEFT is only Beeton's), the reading notes, the months
    assert "BICYCLE THEFT" in part.src.types and "BICYCLE THEFT" not in set(part.src.raw.rows.loc[
        part.src.raw.rows["_w"] == 1, "crime_type"])
    assert any("blank count cell" in n for n in part.notes)
    # the comparison counts: every area, April 2024 - March 2025 window columns (12 + the trend years)
    (window, counts), = part.src.all_areas.items()
    by_area = counts.groupby("area")["count"].sum()
    # one crime per row and month; duplicates count once; rows without a code still have an area
    months = len(window)
    assert by_area.to_dict() == {"Aham": 3 * months - 1, "Beeton": 5 * months, "Ceeford": 2 * months}
    # small enough to send to a worker: the area's rows, not the file's
    assert len(pickle.dumps(part)) < len(pickle.dumps(shared))


def test_share_inputs_gives_every_job_its_part_and_leaves_unshared_inputs_alone(tmp_path):
    path = _write(tmp_path)
    jobs = [batch.Job(str(path), 2024, str(tmp_path / a), a) for a in ("Aham", "Beeton")]
    assert batch.share_inputs(jobs, progress=lambda _: None) == 2
    assert [j.shared.summarised for j in jobs] == [8, 7]
    # a missing input: every run reads (and reports) it itself
    (tmp_path / "mps.csv").unlink()
    jobs = [batch.Job(str(path), 2024, str(tmp_path / a), a) for a in ("Aham", "Beeton")]
    assert batch.share_inputs(jobs, progress=lambda _: None) == 0 and all(j.shared is None for j in jobs)
    # the demo's record-level input is not shared; neither is a batch of one run
    demo = Path(__file__).resolve().parents[1] / "assessment.yml"
    assert batch.share_inputs([batch.Job(str(demo), 2024, str(tmp_path / "d"), None)] * 2) == 0


@pytest.mark.skipif(not (REAL / "mps_recorded_crime").exists(), reason="real data not present")
@pytest.mark.parametrize("area", ["Haringey", "Westminster"])
def test_real_london_file_a_borough_given_its_part_loads_exactly_the_same(area):
    shared = SharedInput.read(load_config(LONDON))
    cfg = _config(LONDON, area)
    part = shared.for_run(cfg, 2024)
    full = load_dataset(_config(LONDON, area), 2024)
    _same(full, load_dataset(cfg, 2024, shared=part))
    assert full.accounting.reads["crimes"] == part.summarised + int((part.src.raw.rows["_w"] == 1).sum())
