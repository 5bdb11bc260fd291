import pandas as pd
import pytest

from assessment.disclosure import DisclosureError, check_publishable, suppress


class _DS:
    victims = pd.DataFrame({"victim_id": ["VIC-1", "VIC-2"]})
    offenders = pd.DataFrame({"offender_id": ["OFF-9"]})
    asb = None


def test_primary_and_secondary_suppression():
    t = pd.DataFrame({"ward": list("ABCD"), "n": [20, 3, 0, 7]})
    out, k = suppress(t, ["n"], min_count=5)
    # 3 is primary; being the only suppressed cell, the next smallest non-zero (7) goes too,
    # marked [c] (it is not fewer than 5); 0 stays
    assert out["n"].tolist() == [20, "<5", 0, "[c]"] and k == 2


def test_no_secondary_when_two_cells_already_suppressed():
    t = pd.DataFrame({"n": [1, 2, 9, 12]})
    out, k = suppress(t, ["n"], min_count=5)
    assert out["n"].tolist() == ["<5", "<5", 9, 12] and k == 2


def test_no_secondary_without_total():
    out, k = suppress(pd.DataFrame({"n": [3, 9]}), ["n"], min_count=5, total=False)
    assert out["n"].tolist() == ["<5", 9] and k == 1


def test_identifier_column_refused():
    with pytest.raises(DisclosureError, match="identifier column"):
        check_publishable(pd.DataFrame({"offender_id": ["x"]}), None)


def test_identifier_value_refused():
    with pytest.raises(DisclosureError, match="personal identifiers"):
        check_publishable(pd.DataFrame({"who": ["VIC-2"]}), _DS())
    check_publishable(pd.DataFrame({"who": ["Ward A"]}), _DS())  # fine


# ---------------------------------------------------------------------------------------------
# numeric pseudonyms (issue 11, problem 2): ids 1..N must not collide with counts or band labels
# ---------------------------------------------------------------------------------------------
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


class _NumericDS:
    victims = pd.DataFrame({"victim_id": [str(i) for i in range(1, 501)]})
    offenders = pd.DataFrame({"offender_id": [str(i) for i in range(1, 301)]})
    asb = None


def test_counts_and_band_labels_are_not_numeric_pseudonyms():
    ds = _NumericDS()
    dist = pd.DataFrame({"subset": ["All crime"] * 5, "crimes_per_victim": ["1", "2", "3", "4", "5+"],
                         "victims": [412, 3, "[c]", 0, "<5"], "share": [0.95, None, None, 0.0, None],
                         "pairs": [412, 6, "[c]", 0, "[c]"]})
    check_publishable(dist, ds)        # "3", 412 and band "1" are not victims 3, 412 and 1
    check_publishable(dist.set_index("subset"), ds)
    check_publishable(pd.DataFrame({"ward": ["North"], "offenders": [17]}).set_index("ward"), ds)


def test_text_holding_an_id_is_still_refused():
    ds = _NumericDS()
    ds.victims = pd.DataFrame({"victim_id": ["VIC-244893", "VIC-1"]})
    with pytest.raises(DisclosureError, match="column 'note' holds personal identifiers"):
        check_publishable(pd.DataFrame({"n": [3], "note": ["VIC-244893"]}), ds)
    # a string id is refused even in a count column or a band-label column ...
    with pytest.raises(DisclosureError, match="column 'victims' holds"):
        check_publishable(pd.DataFrame({"victims": [12, "<5", "VIC-244893"]}, dtype=object), ds)
    with pytest.raises(DisclosureError, match="column 'crimes_per_victim' holds"):
        check_publishable(pd.DataFrame({"crimes_per_victim": ["1", "VIC-1"], "victims": [5, 6]}), ds)
    # ... and in a text index
    with pytest.raises(DisclosureError, match="the index holds"):
        check_publishable(pd.DataFrame({"n": [3]}, index=pd.Index(["VIC-1"], name="who")), ds)
    with pytest.raises(DisclosureError, match="the index holds"):
        check_publishable(pd.DataFrame({"n": [3]}, index=pd.MultiIndex.from_tuples([("A", "VIC-1")])), ds)
    # a numeric pseudonym written as text in a text column from the data is refused too
    with pytest.raises(DisclosureError, match="column 'ward' holds"):
        check_publishable(pd.DataFrame({"ward": ["North", "17"], "offenders": [9, 8]}), _NumericDS())


def _numeric_demo(tmp_path):
    """The demo's inputs with every victim, offender and caller id replaced by 1..N integers."""
    from assessment.config import load_config
    d = ROOT / "data" / "demo"
    if not (d / "truth.json").exists():
        from assessment.demo import generate
        generate(tmp_path / "gen")
        d = tmp_path / "gen" / "data" / "demo"
    maps = d.parent.parent / "maps" / "demo"
    for name, col in (("victims", "victim_id"), ("offenders", "offender_id"), ("asb", "caller_id")):
        t = pd.read_csv(d / f"{name}.csv", dtype={col: "string"})
        codes, _ = pd.factorize(t[col])
        t[col] = pd.array([c + 1 if c >= 0 else pd.NA for c in codes], dtype="Int64")
        t.to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "assessment.yml").write_text(
        "area: {name: Numbertown}\nsynthetic: true\ninputs:\n"
        f"  crimes: {d / 'crimes.csv'}\n  victims: victims.csv\n  offenders: offenders.csv\n  asb: asb.csv\n"
        f"  boundaries: {maps / 'lsoa.gpkg'}\n  wards: {maps / 'lsoa_wards.csv'}\n"
        "crime_groups: {Burglary: [Burglary], Robbery: [Robbery], Theft from the person: [Theft from the person]}\n")
    return load_config(tmp_path / "assessment.yml")


def test_numeric_pseudonyms_end_to_end(tmp_path):
    from assessment.chapters import offenders, victims
    from assessment.disclosure import identifiers
    from assessment.loaders import load_dataset
    from assessment.words import offenders as offender_words
    from assessment.words import victims as words
    from assessment.workbook import Run
    ds = load_dataset(_numeric_demo(tmp_path), year=2024)
    ids = identifiers(ds)
    assert len(ids) > 1000 and all(i.isdigit() for i in ids)
    v, o, a = victims.analyse(ds), offenders.analyse(ds), victims.analyse_asb(ds)
    assert v.available and o.available and a.available
    # the collisions the old check refused on: band labels 1..4 and counts are numbers that are also ids
    assert set(v.distribution["crimes_per_victim"]) & ids
    assert {str(x) for x in v.table["victims"] if not isinstance(x, str)} & ids
    out = tmp_path / "out"
    for chapter, _publish in (("victims", None), ("offenders", None)):
        run = Run(dataset=ds, out_dir=out, chapter=chapter)
        if chapter == "victims":
            run.headline({**v.headlines, **a.headlines})
            run.table(v.table, "repeat_victims", title="t", index=True, show=False)
            run.table(words.display_table(v.table), None, title="t", index=True, show=False)
            run.table(v.distribution, "repeat_victim_distribution", title="t", show=False)
            run.table(words.distribution_display(v.distribution), None, title="t", index=True, show=False)
            run.table(a.table, "repeat_asb_callers", title="t", show=False)
            run.table(words.asb_display_table(a.table), None, title="t", show=False)
        else:
            run.headline(o.headlines)
            for name, csv in offenders.published_tables(o).items():
                run.table(csv, name, title="t", show=False)
                run.table(offender_words.table_text(o, name)["display"], None, title="t", show=False)
    written = sorted(p.name for p in (out / "tables").glob("*.csv"))
    assert written == ["offender_age_sex.csv", "offender_concentration.csv", "offender_crime_mix.csv",
                       "offender_wards.csv", "repeat_asb_callers.csv", "repeat_victim_distribution.csv",
                       "repeat_victims.csv"]
    # the figures are the demo's own: numeric ids change nothing but the ids
    assert v.headlines["victims.victims"] == 8126 and o.headlines["offenders.offenders"] == 3234
