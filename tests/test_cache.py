"""The columnar cache (issue 8): parsed once into partitioned Parquet, invalidated when a source changes."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pytest

from assessment import cache as cache_mod
from assessment.cache import Cache
from assessment.columnar import duplicated, group_count
from assessment.loaders import police_uk

HEAD = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
        "Crime type,Last outcome category,Context\n")


def _rows(month, force, n, start=0):
    lines = []
    for i in range(start, start + n):
        cid = "" if i % 4 == 0 else f"{force[:2]}{month}{i:05d}"
        ctype = "Anti-social behaviour" if cid == "" else ("Burglary" if i % 3 else "Robbery")
        lines.append(f"{cid},{month},{force},{force},-0.{100 + i % 50},51.{500 + i % 40},On or near X,"
                     f"E0100{i % 7:04d},Testham 00{i % 7}A,{ctype},,\n")
    return "".join(lines)


@pytest.fixture()
def folder(tmp_path):
    """Two forces x three months of street files."""
    src = tmp_path / "police-uk"
    for month in ("2024-03", "2024-04", "2024-05"):
        for force, n in (("Alpha Police", 30), ("Beta Police", 20)):
            d = src / month
            d.mkdir(parents=True, exist_ok=True)
            slug = force.split()[0].lower()
            (d / f"{month}-{slug}-street.csv").write_text(HEAD + _rows(month, force, n), encoding="utf-8")
    return src


@pytest.fixture()
def counters():
    before = dict(cache_mod.stats)

    def delta():
        return {k: cache_mod.stats[k] - before[k] for k in before}
    return delta


def test_first_read_writes_partitioned_parquet_second_read_gives_the_identical_frame(folder, tmp_path, counters):
    store = Cache(tmp_path / "cache")
    raw1 = police_uk.read_police_uk(folder, [], cache=store)
    first = raw1.frame
    assert counters() == {"parquet_reads": 0, "parses": 6, "writes": 6}
    files = store.files("police_uk")
    assert len(files) == 6
    parts = sorted(f.relative_to(tmp_path / "cache" / "police_uk").parent.as_posix() for f in files)
    assert parts[0] == "force=alpha/file_month=2024-03" and parts[-1] == "force=beta/file_month=2024-05"

    raw2 = police_uk.read_police_uk(folder, [], cache=store)
    second = raw2.frame
    assert counters()["parses"] == 6 and counters()["parquet_reads"] == 6   # nothing parsed again
    pd.testing.assert_frame_equal(first, second)
    assert len(second) == 150 and second["_asb"].sum() == 39
    # and the cached frame is the frame the parser gives without any cache
    uncached = police_uk.read_police_uk(folder, []).frame
    pd.testing.assert_frame_equal(second, uncached)


def test_touching_or_changing_a_source_file_invalidates_only_its_entry(folder, tmp_path, counters):
    store = Cache(tmp_path / "cache")
    _ = police_uk.read_police_uk(folder, [], cache=store).frame
    f = folder / "2024-04" / "2024-04-alpha-street.csv"
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))    # touched: same bytes, new mtime
    before = counters()["parses"]
    _ = police_uk.read_police_uk(folder, [], cache=store).frame
    assert counters()["parses"] == before + 1

    # changed content, same size and mtime restored: the size+mtime stamp alone cannot see it,
    # so change the size as an editor would
    f.write_text(HEAD + _rows("2024-04", "Alpha Police", 31), encoding="utf-8")
    raw = police_uk.read_police_uk(folder, [], cache=store)
    assert counters()["parses"] == before + 2
    assert len(raw.frame) == 151
    assert len(store.files("police_uk")) == 6            # the entry was replaced, not added


def test_a_year_and_a_force_read_only_their_partitions(folder, tmp_path, counters):
    store = Cache(tmp_path / "cache")
    _ = police_uk.read_police_uk(folder, [], cache=store).frame
    raw = police_uk.read_police_uk(folder, [], cache=store)       # a fresh run: everything in the cache
    start = counters()["parquet_reads"]
    frame, skipped = raw.frame_within("2024-04-01", "2025-03-01")
    assert counters()["parquet_reads"] - start == 4           # 2 forces x April, May; March not read
    assert sorted(frame["month"].dt.strftime("%Y-%m").unique()) == ["2024-04", "2024-05"]
    assert sorted(f.month for f in skipped) == ["2024-03", "2024-03"]

    start = counters()["parquet_reads"]
    t = raw.table_within("2024-03-01", "2024-05-01", columns=["lsoa_code", "crime_type"], forces={"beta"})
    assert counters()["parquet_reads"] - start == 3           # Beta's three months only
    assert t.num_rows == 60 and t.column_names == ["lsoa_code", "crime_type"]
    t = raw.table_within("2024-05-01", "2024-05-01", columns=["lsoa_code"],
                         filter=pc.field("lsoa_code") == "E01000003")
    assert t.num_rows == 3 + 4 and set(t.column("lsoa_code").to_pylist()) == {"E01000003"}


def test_cache_off_and_clear(folder, tmp_path, counters, monkeypatch):
    monkeypatch.setenv("ASSESSMENT_CACHE", "0")
    assert cache_mod.cache_dir(tmp_path) is None
    monkeypatch.delenv("ASSESSMENT_CACHE")
    monkeypatch.setenv("ASSESSMENT_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_mod.cache_dir(tmp_path) == tmp_path / "elsewhere"
    store = Cache(tmp_path / "elsewhere")
    _ = police_uk.read_police_uk(folder, [], cache=store).frame
    assert store.clear() == 6
    assert not (tmp_path / "elsewhere").exists()
    _ = police_uk.read_police_uk(folder, [], cache=store).frame    # parsed again after clearing
    assert counters()["parses"] == 12


def test_a_file_with_a_problem_is_not_cached(tmp_path, counters):
    d = tmp_path / "p"
    d.mkdir()
    (d / "2024-04-alpha-street.csv").write_text(HEAD + _rows("2024-04", "Alpha Police", 5), encoding="utf-8")
    (d / "2024-05-alpha-street.csv").write_text(HEAD + "x,2024-13,A,A,0,51,L,E01000001,T 001A,Burglary,,\n",
                                                encoding="utf-8")
    store = Cache(tmp_path / "cache")
    from assessment.errors import InputError
    with pytest.raises(InputError, match="2024-13"):
        police_uk.read_police_uk(d, [], cache=store)
    assert [f.parent.name for f in store.files("police_uk")] == ["file_month=2024-04"]


def test_fast_parser_gives_the_general_parsers_frame(folder):
    f = folder / "2024-04" / "2024-04-alpha-street.csv"
    fast = police_uk._parse_fast(f)
    assert fast is not None
    orig = police_uk._parse_fast
    try:
        police_uk._parse_fast = lambda src: None     # force the general path
        general = police_uk.parse_street_file(f, str(f), [])
    finally:
        police_uk._parse_fast = orig
    pd.testing.assert_frame_equal(fast, general)
    # it declines what it is not sure of, and the general reader then decides
    odd = folder / "odd-street.csv"
    odd.write_bytes((HEAD + _rows("2024-04", "Alpha Police", 3)).encode("cp1252") + "x,2024-04,Caf\xe9,A,0,51,L,E01000001,T 001A,Burglary,,\n".encode("cp1252"))
    assert police_uk._parse_fast(odd) is None


def test_columnar_helpers_match_pandas():
    rng = np.random.default_rng(3)
    s = pd.Series(rng.choice(["a", "b", "c", None], size=500).tolist(), dtype="str")
    assert duplicated(s).tolist() == s.duplicated().tolist()
    df = pd.DataFrame({"k": s, "m": rng.integers(0, 3, 500)})
    want = df.groupby(["k", "m"], dropna=False).size().rename("count").reset_index()
    got = group_count({"k": df["k"], "m": df["m"]}, ["k", "m"])
    # fixed-width ids (police.uk's 64 hex digits) take the hashing path; the answer is the same
    ids = pd.Series([None if i % 9 == 0 else f"{i % 37:064x}" for i in range(3000)], dtype="str")
    assert duplicated(ids).tolist() == ids.duplicated().tolist()
    assert duplicated(ids.iloc[5:]).tolist() == ids.iloc[5:].duplicated().tolist()
    assert got["count"].tolist() == want["count"].tolist()
    assert got["k"].fillna("<na>").tolist() == want["k"].fillna("<na>").tolist()
    assert got["m"].tolist() == want["m"].tolist()
