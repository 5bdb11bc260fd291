"""summary.json: names are values (never key paths), a published JSON Schema, and the run refusing a
summary that does not validate."""
from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from assessment import summary as sm
from assessment.accounting import Accounting
from assessment.chapters import crime_in_the_area as volumes
from assessment.chapters.summary import trace_table
from assessment.config import Config
from assessment.dataset import CRIME_COLUMNS, Dataset, conform
from assessment.periods import financial_year
from assessment.summary import SummaryError, build_summary, get, item_path
from assessment.words import summary as nar

DOTTED = "Theft from shops (inc. shoplifting)"                      # the reviewer's name: a "." inside
PUNCT = 'Criminal damage & arson [incl. "graffiti"]: misc. / other'  # "." plus brackets, quotes, ":", "/", "&"


def dataset(types: dict, groups: dict | None = None) -> Dataset:
    """A one-LSOA record-level dataset: ``types`` maps crime type -> (previous, current) counts."""
    rows = []
    for t, (prev, cur) in types.items():
        rows += [{"month": pd.Timestamp("2023-04-01"), "crime_type": t, "lsoa_code": "E01000001"}] * prev
        rows += [{"month": pd.Timestamp("2025-03-01"), "crime_type": t, "lsoa_code": "E01000001"}] * cur
    crimes = conform(pd.DataFrame(rows), CRIME_COLUMNS)
    cfg = Config.model_validate({"area": {"name": "Testham"}, "crime_groups": groups or {}})
    return Dataset(config=cfg, period=financial_year(2024), crimes=crimes, accounting=Accounting())


def run_summary(tmp_path, ds) -> dict:
    """Chapter 1's headlines through Run.headline, merged and validated as the runner does."""
    from assessment.render import write_summary
    from assessment.workbook import Run
    run = Run(dataset=ds, out_dir=tmp_path, chapter="volumes")
    run.headline(volumes.analyse(ds).headlines)
    write_summary(tmp_path, ds)
    return json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))


# -- names with "." and other punctuation ----------------------------------------------------------
def test_crime_types_with_dots_and_punctuation_stay_whole(tmp_path):
    # the dotted name falls most (-60); the punctuated one rises most (+45); Burglary rises a little
    ds = dataset({DOTTED: (400, 340), PUNCT: (100, 145), "Burglary": (200, 210)},
                 groups={"Shop theft (inc. shoplifting)": [DOTTED], "Damage & arson [misc.]": [PUNCT]})
    s = run_summary(tmp_path, ds)
    assert s["schema_version"] == sm.SCHEMA_VERSION
    # one object per type, the names whole, figures beside them
    by_type = {d["name"]: d for d in s["crime"]["by_type"]}
    assert set(by_type) == {DOTTED, PUNCT, "Burglary"}
    assert by_type[DOTTED] == {"name": DOTTED, "current": 340, "previous": 400, "change": -60,
                               "change_pct": pytest.approx(-0.15), "baseline": None, "change_vs_baseline_pct": None}
    assert by_type[PUNCT]["change"] == 45
    assert [g["name"] for g in s["crime"]["by_group"]] == ["Shop theft (inc. shoplifting)", "Damage & arson [misc.]"]
    # the split keys the reviewer found are gone: every key in crime is an identifier
    assert all(sm.KEY_PART.match(k) for k in s["crime"])
    assert "Theft from shops (inc" not in json.dumps(s["crime"]).replace(json.dumps(DOTTED)[1:-1], "")
    # paths address them, whatever their punctuation
    assert get(s, item_path("crime.by_type", DOTTED, "change")) == -60
    assert get(s, item_path("crime.by_type", PUNCT, "previous")) == 100
    assert get(s, item_path("crime.by_group", "Damage & arson [misc.]", "current")) == 145


def test_key_findings_name_the_right_crime_types(tmp_path):
    ds = dataset({DOTTED: (400, 340), PUNCT: (100, 145), "Burglary": (200, 210)})
    s = run_summary(tmp_path, ds)
    found = nar.key_findings(s)
    by_type = next(f for f in found if f.sentence.startswith("By crime type"))
    # 45/100 = 45.0%; 60/400 = 15.0%
    assert by_type.sentence == ('By crime type, criminal damage & arson [incl. "graffiti"]: misc. / other rose most, '
                                "up 45 offences (45.0%); theft from shops (inc. shoplifting) fell most, down 60 "
                                "offences (15.0%).")
    assert set(by_type.names) == {PUNCT, DOTTED}
    # every key behind the sentence resolves in summary.json, and the trace table shows the values
    for k in by_type.keys:
        assert get(s, k) is not None, k
    t = trace_table([by_type], s)
    values = json.loads(t.loc[0, "values"])
    assert values[item_path("crime.by_type", DOTTED, "change")] == -60


def test_group_named_with_a_dot_is_not_named_again_by_type():
    s = build_summary([{
        "crime.by_group": [{"name": DOTTED, "current": 340, "previous": 400, "composite": False}],
        "crime.by_type": [{"name": DOTTED, "current": 340, "previous": 400},
                          {"name": "Burglary", "current": 150, "previous": 200}]}])
    got = [f.sentence for f in nar.key_findings(s)]
    assert got == ["Among the priority crimes, theft from shops (inc. shoplifting) fell most, down 60 offences (15.0%).",
                   "By crime type, burglary fell most, down 50 offences (25.0%)."]


# -- key paths -------------------------------------------------------------------------------------
def test_headline_refuses_a_name_in_a_key(tmp_path):
    from assessment.workbook import Run
    run = Run(dataset=dataset({"Burglary": (1, 1)}), out_dir=tmp_path, chapter="volumes")
    with pytest.raises(SummaryError, match="is not a path of lower-case identifiers"):
        run.headline({f"crime.by_type.{DOTTED}.current": 340})
    assert not (tmp_path / "_summary").exists()
    with pytest.raises(SummaryError):
        build_summary([{"hotspots.emerging.New hot spot": 1}])


def test_paths_select_named_items_and_free_text_keys():
    s = {"crime": {"by_type": [{"name": 'A "quoted". name [x]', "current": 3}, {"name": "B", "current": 4}]},
         "records": {"crimes": {"excluded": {"outside the area": 7}}}}
    p = item_path("crime.by_type", 'A "quoted". name [x]', "current")
    assert p == 'crime.by_type[name="A \\"quoted\\". name [x]"].current'
    assert sm.parse_path(p)[2] == ("name", 'A "quoted". name [x]')
    assert get(s, p) == 3 and get(s, 'crime.by_type[name="B"]') == {"name": "B", "current": 4}
    assert get(s, 'records.crimes.excluded["outside the area"]') == 7
    assert get(s, 'crime.by_type[name="C"].current', "absent") == "absent"
    assert get(s, "crime.by_type.B.current", "absent") == "absent"          # a list is not a map of names
    for bad in ("crime..total", "crime.", 'crime[name="x"', "crime[name=x]", ""):
        with pytest.raises(ValueError):
            sm.parse_path(bad)
        assert get(s, bad, "absent") == "absent"
    assert sm.missing_reason(s, "crime.by_type.B.current") == \
        'crime.by_type is a list of named figures: select one as crime.by_type[name="B"]'


def test_a_performance_target_reads_a_named_figure():
    from types import SimpleNamespace

    from assessment import targets
    from assessment.chapters import performance as perf
    s = build_summary([{"crime.by_group": [{"name": "Burglary (inc. attempts)", "current": 812, "previous": 790}]}])
    ind = targets.parse_targets([{"name": "Burglary", "measure": "summary", "baseline": 800, "target": 780,
                               "direction": "lower", "key": item_path("crime.by_group", "Burglary (inc. attempts)",
                                                                      "current")}], "t.yml", {})[0]
    ds = SimpleNamespace(config=Config.model_validate({"area": {"name": "T"}}))
    assert perf.measured(ind, ds, financial_year(2024), s) == (812.0, "")
    old = dataclasses.replace(ind, key="crime.by_group.Burglary (inc. attempts).current")
    v, why = perf.measured(old, ds, financial_year(2024), s)
    assert v is None and why.startswith("crime.by_group is a list of named figures")
    from assessment.errors import InputError
    with pytest.raises(InputError, match="a summary.json path"):
        targets.parse_targets([{"name": "X", "measure": "summary", "baseline": 1, "target": 1, "direction": "lower",
                             "key": 'crime.by_group[name="unclosed'}], "t.yml", {})


# -- the schema ------------------------------------------------------------------------------------
def valid_summary() -> dict:
    s = build_summary([{
        "period.label": "2024/25", "period.start": "2024-04-01", "period.end": "2025-03-31", "area.name": "T",
        "crime.total": 10, "crime.previous_total": 8, "crime.change": 2, "crime.change_pct": 0.25,
        "crime.by_type": [{"name": DOTTED, "current": 10, "previous": 8, "change": 2, "change_pct": 0.25}],
        "crime.by_group": [{"name": "G", "current": 10, "previous": 8, "change": 2, "change_pct": 0.25,
                            "crime_types": [DOTTED], "composite": False}],
        "hotspots.emerging.years": 5, "hotspots.emerging.categories": [{"name": "New hot spot", "lsoas": 1}],
        "offenders.offenders": None, "comparison.by_category": [{"name": "Theft", "rank": 2, "tied": False}]}],
        records={"crimes": {"read": 12, "used": 10, "excluded": {"outside the area": 2}}})
    return s


def test_schema_is_published_versioned_and_valid():
    import jsonschema
    schema = sm.schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)
    assert schema["$id"].endswith(":" + sm.SCHEMA_VERSION)
    assert schema["properties"]["schema_version"] == {"const": sm.SCHEMA_VERSION,
                                                      "description": schema["properties"]["schema_version"]["description"]}
    sm.validate(valid_summary())


@pytest.mark.parametrize("change, message", [
    (lambda s: s["crime"].update({"by_type": {"Theft from shops (inc": {" shoplifting)": {"current": 1}}}}),
     r"at crime\.by_type: .* is not of type 'array', 'null'"),
    (lambda s: s["crime"].update({"Theft from shops (inc": 1}), r"at crime: .* does not match"),
    (lambda s: s["hotspots"].update({"gini": 1.5}), r"at hotspots\.gini: 1\.5 is greater than the maximum of 1"),
    (lambda s: s["crime"].update({"total": float("nan")}), r"at crime\.total: a figure is not a finite number"),
    (lambda s: s["crime"]["by_type"].append(dict(s["crime"]["by_type"][0])),
     r"at crime\.by_type: the name 'Theft from shops \(inc\. shoplifting\)' appears twice"),
    (lambda s: s.update({"schema_version": "0.9"}), r"at schema_version: '1\.0\.0' was expected"),
    (lambda s: s["crime"]["by_group"][0].pop("composite"), r"at crime\.by_group\[0\]: 'composite' is a required"),
    (lambda s: s.pop("records"), r"'records' is a required property"),
])
def test_a_summary_that_breaks_the_schema_fails_with_one_line(change, message):
    s = valid_summary()
    change(s)
    with pytest.raises(SummaryError, match=message) as e:
        sm.validate(s)
    assert "\n" not in str(e.value) and str(e.value).startswith("summary.json does not match its schema")


def test_the_runner_refuses_a_summary_that_does_not_validate(tmp_path):
    from assessment.render import write_summary
    ds = dataset({"Burglary": (1, 1)})
    (tmp_path / "_summary").mkdir()
    (tmp_path / "_summary" / "hotspots.json").write_text(json.dumps({"hotspots.top10_share": 1.2}))
    with pytest.raises(SummaryError, match=r"at hotspots\.top10_share: 1\.2 is greater than the maximum of 1"):
        write_summary(tmp_path, ds)
