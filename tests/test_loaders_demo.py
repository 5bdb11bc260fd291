"""The loaders on the synthetic demo borough: the record-level extract and the same crimes in
police.uk form give the same counts, equal to an independent count of crimes.csv."""

import pandas as pd
import pytest
from conftest import DEMO_CONFIG

from assessment.config import load_config
from assessment.loaders import load_dataset

demo = pytest.importorskip("assessment.demo")

CONFIG = """area: {{name: Demoborough}}
synthetic: true
inputs:
  {crime}
  population: {base}/data/demo/population.csv
  boundaries: {base}/maps/demo/lsoa.gpkg
  wards: {base}/maps/demo/lsoa_wards.csv
{links}"""
LINKS = "  victims: {base}/data/demo/victims.csv\n  offenders: {base}/data/demo/offenders.csv\n  asb: {base}/data/demo/asb.csv\n"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """Two configs, in a folder of their own, reading the project's demo (made by ``ensure_demo`` as
    ``make report`` makes it: the same generator and seed as a fresh copy, without a second build)."""
    demo.ensure_demo(load_config(DEMO_CONFIG))
    base = DEMO_CONFIG.parent.as_posix()
    r = tmp_path_factory.mktemp("demo")
    links = LINKS.format(base=base)
    (r / "extract.yml").write_text(CONFIG.format(crime=f"crimes: {base}/data/demo/crimes.csv", links=links, base=base))
    (r / "policeuk.yml").write_text(CONFIG.format(crime=f"police_uk: {base}/data/demo/police-uk", links="", base=base))
    return r


def test_extract_and_police_uk_forms_agree(root):
    ex = load_dataset(load_config(root / "extract.yml"), 2024)
    pu = load_dataset(load_config(root / "policeuk.yml"), 2024)
    raw = pd.read_csv(DEMO_CONFIG.parent / "data/demo/crimes.csv", dtype=str)
    month = pd.to_datetime(raw["offence_date"]).dt.to_period("M").dt.to_timestamp()
    cur = raw[(month >= "2024-04-01") & (month <= "2025-03-01")]
    expected = cur.groupby("lsoa_code").size().sort_index()
    for ds in (ex, pu):
        got = ds.crimes_in(ds.period).groupby("lsoa_code")["count"].sum().sort_index()
        pd.testing.assert_series_equal(got.astype("int64"), expected.astype("int64"),
                                       check_names=False, check_index_type=False)
        for name, s in ds.accounting.to_summary().items():
            assert s["read"] == s["used"] + sum(s["excluded"].values()), name
        assert ds.source.startswith("Source: SYNTHETIC demo data") and ds.boundary_attribution == ""
        assert len(ds.lsoas) == 150 and ds.lsoas.notna().all().all()
    # every link to a crime kept is used; the rest are links to crimes before the data window
    assert set(ex.accounting.exclusions["victims"]) <= {"crime outside the area or data window"}
    assert ex.victims["crime_id"].isin(ex.crimes["crime_id"]).all()
    assert ex.asb["caller_id"].notna().any() and pu.asb["caller_id"].isna().all()
