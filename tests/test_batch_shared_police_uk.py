"""A batch reads police.uk street files once and hands each run its part (issue 18, item 4).

A national batch ran every authority on all 6.5 million rows of England and Wales, each run
reading and accounting for all of them.  Now the batch reads them once
(:class:`~assessment.loaders.shared.SharedInput`); each run gets its area's rows, every row whose
fate depends on the area (codes of the other vintage, names of the area), and one row for each
group of other rows that leave the selection in the same way, weighing as many rows as it stands
for.  The run's dataset — crimes, accounting (the same reasons in the same order), notes,
all-areas counts — must be exactly that of a run reading every file.

The hand-made folder below has two areas of two 2021 LSOAs each, and every kind of row the
selection treats on its own: another force's rows, rows with no location or a malformed code,
ASB rows, a blank crime type, a duplicate crime id, 2011 codes (a split with a point, a merge
without), a duplicate month file, a file holding another month's rows, and rows before the
data window.
"""
from __future__ import annotations

import gzip
import pickle
import shutil
from concurrent.futures import Executor, Future
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from test_batch_shared import _same

from assessment import batch
from assessment.config import load_config
from assessment.errors import AssessmentError
from assessment.loaders import load_dataset
from assessment.loaders import shared as shared_module
from assessment.loaders.shared import SharedInput

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"

SQUARES = {"E01000001": ("Aham 001A", 530000, 180000), "E01000002": ("Aham 001B", 531000, 180000),
           "E01000003": ("Beeton 001A", 530000, 181000), "E01000004": ("Beeton 001B", 531000, 181000)}
HEAD = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context"
TO_WGS84 = Transformer.from_crs(27700, 4326, always_xy=True)


def _row(cid, month, code, name, xy=None, kind="Burglary", force="Testshire Police"):
    lon, lat = TO_WGS84.transform(*xy) if xy else ("", "")
    return f"{cid},{month},{force},{force},{lon},{lat},On or near X,{code},{name},{kind},,"


def _month_rows(month: str) -> list[str]:
    m = month.replace("-", "")
    return [
        _row(f"a{m}", month, "E01000001", "Aham 001A", (530500, 180500)),
        _row(f"b{m}", month, "E01000003", "Beeton 001A", (530500, 181500)),
        _row(f"c{m}", month, "E01000004", "Beeton 001B", (531500, 181500), kind="Robbery"),
        _row(f"s{m}", month, "E01000090", "Beeton 001C", (531500, 181500)),   # 2011 split code, point in E01000004
        _row(f"m{m}", month, "E01000091", "Aham 001C"),                       # 2011 merged code, no point
        _row(f"n{m}", month, "", "", kind="Vehicle crime"),                   # no location
    ]


def _write(d: Path) -> Path:
    """The folder, the boundary file, the lookup and the config (areas chosen by name)."""
    pu = d / "police-uk"
    months = [str(p) for p in pd.period_range("2024-04", "2025-03", freq="M")]
    for month in ["2022-05", *months]:
        rows = _month_rows(month)
        if month == "2024-05":
            rows += [_row("x1", month, "E0100BAD", "Beeton 001A"),                  # malformed code
                     _row("x2", month, "E01000001", "Aham 001A", force="Other Police"),  # another force's row
                     _row("", month, "E01000002", "Aham 001B", kind="Anti-social behaviour"),
                     _row("", month, "E01000003", "Beeton 001A", kind="Anti-social behaviour"),
                     _row("x3", month, "E01000004", "Beeton 001B", kind=""),          # blank crime type
                     _row("a202405", month, "E01000001", "Aham 001A"),                # duplicate crime id
                     _row("x4", month, "E01000003", "Aham 001D")]                     # Beeton's code, an Aham name
        if month == "2025-02":
            rows += [_row("x5", "2025-01", "E01000003", "Beeton 001A"),              # a row of another month
                     _row("x6", "2025-01", "E01000002", "Aham 001B")]
        f = pu / month / f"{month}-testshire-street.csv"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(HEAD + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dup = pu / "2024-06" / "2024-06-testshire-street.csv"
    (dup.parent / (dup.name + ".gz")).write_bytes(gzip.compress(dup.read_bytes()))   # the same month twice
    gpd.GeoDataFrame({"LSOA21CD": list(SQUARES), "LSOA21NM": [v[0] for v in SQUARES.values()]},
                     geometry=[shapely.box(x, y, x + 1000, y + 1000) for _, x, y in SQUARES.values()],
                     crs=27700).to_file(d / "lsoa.gpkg")
    pd.DataFrame({"LSOA11CD": ["E01000090", "E01000090", "E01000091", "E01000092"],
                  "LSOA21CD": ["E01000003", "E01000004", "E01000001", "E01000001"],
                  "CHGIND": ["S", "S", "M", "M"]}).to_csv(d / "lookup.csv", index=False)
    cfg = d / "assessment.yml"
    cfg.write_text("area:\n  name: Aham\n  lsoa_name_prefix: Aham\nperiod: financial\nsynthetic: true\n"
                   "inputs:\n  police_uk: police-uk\n  boundaries: lsoa.gpkg\n  lsoa_lookup: lookup.csv\n"
                   "crime_groups:\n  Burglary: [Burglary]\n", encoding="utf-8")
    return cfg


def _config(path: Path, area: str | None, lookup: bool = True, force: str | None = None):
    cfg = load_config(path)
    cfg.area.name = area or force
    cfg.area.lsoa_name_prefix = area
    cfg.area.force = force
    if not lookup:
        cfg.inputs.lsoa_lookup = None
    return cfg


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSESSMENT_CACHE_DIR", str(tmp_path / "cache"))
    return _write(tmp_path)


@pytest.mark.parametrize("lookup", [True, False], ids=["lookup", "no-lookup"])
@pytest.mark.parametrize("area,force", [("Aham", None), ("Beeton", None), (None, "Testshire Police")])
def test_a_run_given_its_part_loads_exactly_what_a_run_reading_every_file_loads(folder, area, force, lookup,
                                                                                monkeypatch):
    shared = SharedInput.read(_config(folder, "Aham", lookup))
    if force:
        # a whole force keeps every row: when they are many, its run reads them itself
        monkeypatch.setattr(shared_module, "WHOLE_AT_MOST", 90)
        assert shared.for_run(_config(folder, area, lookup, force), 2024) is None
        monkeypatch.setattr(shared_module, "WHOLE_AT_MOST", 100)     # 93 rows in the window
    part = shared.for_run(_config(folder, area, lookup, force), 2024)
    # a force's whole area: every LSOA of the boundary file is its own, as are its no-location rows
    assert part is not None and (part.summarised > 0) == (force is None)
    full = load_dataset(_config(folder, area, lookup, force), 2024)
    _same(full, load_dataset(_config(folder, area, lookup, force), 2024, shared=part))
    assert full.accounting.reads["crimes"] == int(part.src.frame["_w"].sum()) + sum(
        f.summary["rows"] for f in part.src.skipped)


def test_one_shared_input_reads_the_geography_files_once_for_all_its_runs(folder, monkeypatch):
    """The batch's process works out every run's LSOAs from the boundary file, the lookup and the
    ward lookup: it reads each file once (0.55 s of a national run's 0.9 s part was reading the
    national boundary file again), and each run's part is still exactly a full read's."""
    from assessment import loaders
    calls = {"boundaries": 0, "lookup": 0}
    real_b, real_l = loaders.load_boundaries, loaders.load_lsoa_lookup

    def counted(name, real):
        def read(*args, **kw):
            calls[name] += 1
            return real(*args, **kw)
        return read

    shared = SharedInput.read(_config(folder, "Aham"))
    monkeypatch.setattr(shared_module, "WHOLE_AT_MOST", 100)
    monkeypatch.setattr(loaders, "load_boundaries", counted("boundaries", real_b))
    monkeypatch.setattr(loaders, "load_lsoa_lookup", counted("lookup", real_l))
    runs = [("Aham", None), ("Beeton", None), (None, "Testshire Police"), ("Aham", None)]
    parts = [shared.for_run(_config(folder, a, True, f), 2024) for a, f in runs]
    assert calls == {"boundaries": 1, "lookup": 1}
    monkeypatch.setattr(loaders, "load_boundaries", real_b)
    monkeypatch.setattr(loaders, "load_lsoa_lookup", real_l)
    for (area, force), part in zip(runs, parts):     # each of the four, Aham's second part too
        cfg = _config(folder, area, True, force)
        _same(load_dataset(cfg, 2024), load_dataset(_config(folder, area, True, force), 2024, shared=part))


def test_the_grouped_rows_by_hand(folder):
    # Aham with the lookup, the data window April 2020 - March 2025: 14 files (May 2022, the 12
    # months, June's second file).  2011 codes go whole (they are harmonised and counted in the
    # notes), and so do the rows on Aham's codes; the others leave the selection as "outside the
    # area" (a valid code), "no location" or "malformed LSOA code", grouped by file, month and kind
    shared = SharedInput.read(_config(folder, "Aham"))
    part = shared.for_run(_config(folder, "Aham"), 2024)
    f = part.src.frame
    # per file: Beeton's two rows (a burglary and a robbery: one group) and the no-location row;
    # May: the malformed code, Beeton's ASB row, the blank type, and Beeton's code on an Aham name
    # (with the lookup, the name is not looked at); February: a row of January (a group of its own)
    assert part.summarised == 14 * 3 + 4 + 1
    assert len(f) == 14 * 6 + 7 + 2 - part.summarised + (14 * 2 + 2 + 1)     # one row per group
    assert sorted(f.loc[f["_w"] > 1, "_w"]) == [2] * 13 + [4]
    assert int(f["_w"].sum()) == 14 * 6 + 7 + 2                               # every row of the window
    # every row on Aham's codes and every 2011 code, whole (with its crime id)
    n = f["lsoa_code"].value_counts()
    assert (n["E01000001"], n["E01000002"], n["E01000090"], n["E01000091"]) == (14 + 2, 2, 14, 14)
    assert f.loc[f["lsoa_code"].isin(["E01000001", "E01000090"]), "_w"].eq(1).all()
    # without the lookup, Beeton's code on an Aham name goes whole: the run excludes it as "LSOA code
    # of another vintage" (see test_a_run_given_its_part_...[no-lookup])
    part = shared.for_run(_config(folder, "Aham", lookup=False), 2024)
    assert "Aham 001D" in set(part.src.frame.loc[part.src.frame["_w"] == 1, "lsoa_name"])
    # what needs every row is worked out once: the crime types of all rows, the counts by area
    assert {"Robbery", "Vehicle crime"} <= set(part.src.types)
    (window, counts), = part.src.all_areas.items()
    assert set(counts["area"]) == {"Aham", "Beeton"}
    assert any("named for Feb 2025 but 2 of its 8 rows are for Jan 2025" in n for n in part.src.handed.file_notes)
    # small enough to send to a worker, and it holds no reader of the files
    assert len(pickle.dumps(part)) < 200_000


def test_a_run_whose_window_differs_is_refused_one_line(folder):
    shared = SharedInput.read(_config(folder, "Aham"))
    part = shared.for_run(_config(folder, "Aham"), 2024)
    with pytest.raises(AssessmentError, match="not of this run's months"):
        load_dataset(_config(folder, "Aham"), to="2025-02", shared=part)


def test_what_is_not_shared(folder, tmp_path):
    # linked victims or offenders are checked against every crime id read: each run reads the files
    cfg = _config(folder, "Aham")
    cfg.inputs.victims = tmp_path / "victims.csv"
    assert SharedInput.read(cfg) is None
    # an area without codes to select by (no boundary file): the run reads the files itself
    shared = SharedInput.read(_config(folder, "Aham"))
    cfg = _config(folder, "Aham")
    cfg.inputs.boundaries = None
    assert shared.for_run(cfg, 2024) is None
    # an area the boundary file does not have: its own run reports it
    jobs = [batch.Job(str(folder), 2024, str(tmp_path / a), a) for a in ("Aham", "Ceeford")]
    assert batch.share_inputs(jobs, progress=lambda _: None) == 1
    assert jobs[0].shared is not None and jobs[1].shared is None


@pytest.mark.skipif(not (REAL / "police_uk" / "south_yorkshire_full_gz").exists()
                    or not (REAL / "police_uk" / "city_of_london_full").exists(), reason="real data not present")
@pytest.mark.parametrize("area", ["City of London", "Westminster"])
def test_real_files_two_forces_a_london_area_given_its_part_loads_exactly_the_same(tmp_path, monkeypatch, area):
    # real police.uk files of two forces in one folder (City of London and South Yorkshire, whose
    # months overlap from October 2020), the real London 2021 boundaries and 2011 -> 2021 lookup:
    # the City's rows carry 2011 codes, South Yorkshire's are another area's, with no-location rows
    monkeypatch.setenv("ASSESSMENT_CACHE_DIR", str(tmp_path / "cache"))
    pu = tmp_path / "police-uk"
    for name in ("city_of_london_full", "south_yorkshire_full_gz"):
        shutil.copytree(REAL / "police_uk" / name, pu / name)
    cfg_path = tmp_path / "assessment.yml"
    cfg_path.write_text(
        f"area:\n  name: {area}\n  lsoa_name_prefix: {area}\nperiod: financial\n"
        f"inputs:\n  police_uk: police-uk\n  boundaries: {REAL / 'boundaries' / 'london_lsoa2021_gen20_bng.gpkg'}\n"
        f"  lsoa_lookup: {REAL / 'lookups' / 'ons_lsoa11_to_lsoa21_to_lad22_exactfit_london.csv'}\n"
        "crime_groups:\n  Burglary: [Burglary]\n", encoding="utf-8")
    shared = SharedInput.read(load_config(cfg_path))
    part = shared.for_run(load_config(cfg_path), to="2021-09")
    full = load_dataset(load_config(cfg_path), to="2021-09")
    _same(full, load_dataset(load_config(cfg_path), to="2021-09", shared=part))
    assert part.summarised > 50_000 and len(part.src.frame) < part.summarised / 2


class _Recorder(Executor):
    """An executor that runs nothing: it records what each job was handed when it was submitted."""

    def __init__(self, shared_windows):
        self.seen, self.windows = [], shared_windows

    def submit(self, fn, job):
        self.seen.append((job.area, job.year, job.shared is not None, self.windows()))
        fut = Future()
        fut.set_result(batch.JobResult(job, False, 0.0, error="not run"))
        return fut


def test_a_batch_hands_out_parts_year_by_year_just_before_each_run(folder, tmp_path, monkeypatch):
    made = []
    real = SharedInput.read

    def read(cfg):
        made.append(real(cfg))
        return made[-1]

    monkeypatch.setattr(SharedInput, "read", read)
    rec = _Recorder(lambda: [k[1].year for k in made[0]._windows] if made else None)
    results = batch.run_batch(folder, [2023, 2024], areas=["Aham", "Beeton"], out_root=tmp_path / "out",
                              executor=rec, progress=lambda _: None)
    # submitted year by year (one data window's rows held at a time), reported in (area, year) order
    assert [(a, y) for a, y, _, _ in rec.seen] == [("Aham", 2023), ("Beeton", 2023), ("Aham", 2024), ("Beeton", 2024)]
    assert all(handed for _, _, handed, _ in rec.seen)
    assert [w for *_, w in rec.seen] == [[2024], [2024], [2025], [2025]]    # the window's last month's year
    assert [(r.job.area, r.job.year) for r in results] == [("Aham", 2023), ("Aham", 2024), ("Beeton", 2023),
                                                           ("Beeton", 2024)]
    assert all(r.job.shared is None for r in results)     # each part let go once its run is done
