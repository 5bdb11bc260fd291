from pathlib import Path

import pytest

from assessment.config import find_config, load_config
from assessment.errors import ConfigError


def _write(tmp_path, text, files=("crimes.csv",)):
    for f in files:
        (tmp_path / f).write_text("x\n")
    p = tmp_path / "assessment.yml"
    p.write_text(text)
    return p


def test_paths_resolved_against_config_folder_and_defaults(tmp_path):
    p = _write(tmp_path, "area: {name: Testham}\ninputs: {crimes: crimes.csv}\n")
    cfg = load_config(p)
    assert cfg.inputs.crimes == (tmp_path / "crimes.csv").resolve()
    assert cfg.period == "financial" and cfg.disclosure.min_count == 5
    # the significance rule's defaults (issue 12): 9,999 permutations, classes on the FDR-adjusted p
    assert cfg.hotspots.permutations == 9999 and cfg.hotspots.fdr is True and cfg.trend_years == 5


def test_unknown_key_is_named(tmp_path):
    p = _write(tmp_path, "area: {name: T}\ninputs: {crimes: crimes.csv}\ncrime_group: {}\n")
    with pytest.raises(ConfigError, match="key 'crime_group': unknown key"):
        load_config(p)


def test_missing_input_file_is_named(tmp_path):
    p = _write(tmp_path, "area: {name: T}\ninputs: {crimes: nothere.csv}\n", files=())
    with pytest.raises(ConfigError, match="inputs.crimes: file not found"):
        load_config(p)


def test_no_crime_input(tmp_path):
    p = _write(tmp_path, "area: {name: T}\ninputs: {}\n")
    with pytest.raises(ConfigError, match="expected one of police_uk, crime_counts or crimes"):
        load_config(p)


def test_bad_yaml_gives_line(tmp_path):
    p = _write(tmp_path, "area: {name: T\ninputs: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(p)


def test_wrong_type(tmp_path):
    p = _write(tmp_path, "area: {name: T}\ninputs: {crimes: crimes.csv}\ndisclosure: {min_count: lots}\n")
    with pytest.raises(ConfigError, match="disclosure.min_count"):
        load_config(p)


def test_find_config_searches_parents(tmp_path, monkeypatch):
    p = _write(tmp_path, "area: {name: T}\ninputs: {crimes: crimes.csv}\n")
    sub = tmp_path / "notebooks"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert find_config() == p.resolve()


def test_every_config_key_is_documented_in_the_readme_with_its_default():
    """§8.1: every key in the README, with its default; a new option cannot go undocumented."""
    import re

    from assessment.config import Config
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_.]+)` \| ([^|]*) \|", readme, re.M))

    def keys(model, prefix=""):
        for name, f in model.model_fields.items():
            if f.exclude:
                continue
            if hasattr(f.annotation, "model_fields"):
                yield from keys(f.annotation, f"{prefix}{name}.")
            else:
                yield f"{prefix}{name}", f.default

    missing = [k for k, _ in keys(Config) if k not in rows]
    assert not missing, f"config keys not in the README table: {missing}"
    for key, default in keys(Config):
        if isinstance(default, bool):
            assert f"`{str(default).lower()}`" in rows[key], (key, default, rows[key])
        elif isinstance(default, (int, float)) and not isinstance(default, bool):
            shown = {str(default), f"{default:g}", f"{default:.2f}"}
            assert any(re.search(rf"(?<![\d.]){re.escape(x)}(?![\d.])", rows[key]) for x in shown), (key, default, rows[key])


# -- issue 12: every config problem at once; files that are not what they should be ----------------------
def test_every_key_problem_is_listed_with_the_key_meant(tmp_path):
    from assessment.config import ConfigProblems
    p = _write(tmp_path, "area: {name: T, nmae: T}\ninputs: {crimes: crimes.csv, victim: v.csv}\n"
                         "crime_group: {}\nhotspots: {permutation: 9}\ndisclosure: {min_count: lots}\nzzz: 1\n")
    with pytest.raises(ConfigProblems) as e:
        load_config(p)
    assert [line.replace(str(p), "a.yml") for line in e.value.problems] == [
        "a.yml: key 'area.nmae': unknown key (did you mean 'area.name'?)",
        "a.yml: key 'inputs.victim': unknown key (did you mean 'inputs.victims'?)",
        "a.yml: key 'disclosure.min_count': Input should be a valid integer, unable to parse string as an integer",
        "a.yml: key 'hotspots.permutation': unknown key (did you mean 'hotspots.permutations'?)",
        "a.yml: key 'crime_group': unknown key (did you mean 'crime_groups'?)",
        "a.yml: key 'zzz': unknown key (see the README for the keys)",
    ]
    assert str(e.value).endswith("(did you mean 'area.name'?) (and 5 more problems in the config: "
                                 "assessment validate lists them all)")


def test_an_alias_bomb_config_is_refused_at_once(tmp_path):
    import time
    levels = "".join(f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 9)}]\n" for c in "bcdefghi")
    p = _write(tmp_path, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + levels +
               "area: {name: T}\ninputs: {crimes: crimes.csv}\ncrime_groups: {Lol: *i}\n")
    t0 = time.perf_counter()
    with pytest.raises(ConfigError, match=r"assessment\.yml: expected plain YAML, found aliases \(\*name\) that "
                                          r"expand to more than 100,000 values"):
        load_config(p)
    assert time.perf_counter() - t0 < 2
    ok = p   # a few aliases are fine
    ok.write_text("area: {name: T}\ninputs: {crimes: crimes.csv}\ncrime_groups: {A: &g [Burglary], B: *g}\n")
    assert load_config(ok).crime_groups == {"A": ["Burglary"], "B": ["Burglary"]}   # ... and used


@pytest.mark.parametrize("encoding, found", [("utf-16", "UTF-16 text"), ("utf-32", "UTF-32 text"),
                                             ("cp1252", "a byte that is not UTF-8 on line 1")])
def test_a_config_that_is_not_utf8_is_one_line(tmp_path, encoding, found):
    p = _write(tmp_path, "")
    p.write_text("area: {name: Bristol Caf\u00e9}\ninputs: {crimes: crimes.csv}\n", encoding=encoding)
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert str(e.value).startswith(f"{p}: expected UTF-8 text, found {found}")
    assert str(e.value).endswith("save it as UTF-8 (in Notepad: File > Save as, Encoding: UTF-8)")
    p.write_text("\ufeffarea: {name: Bristol Caf\u00e9}\ninputs: {crimes: crimes.csv}\n", encoding="utf-8")
    assert load_config(p).area.name == "Bristol Caf\u00e9"   # UTF-8 with a byte-order mark is fine


def test_a_folder_given_as_the_config_or_an_input_file_is_one_line(tmp_path):
    p = _write(tmp_path, "area: {name: T}\ninputs: {crimes: crimes.csv, population: pop}\n")
    (tmp_path / "pop").mkdir()
    with pytest.raises(ConfigError, match=r"inputs\.population: expected a file, found a folder: .*pop; name the file inside it"):
        load_config(p)
    with pytest.raises(ConfigError, match=r"expected a config file, found a folder; give the file itself \(e\.g\. .*assessment\.yml\)"):
        load_config(tmp_path)
    (tmp_path / "pu").mkdir()
    p.write_text("area: {name: T}\ninputs: {police_uk: pu}\n")   # police.uk: a folder is what is expected
    assert load_config(p).inputs.police_uk == (tmp_path / "pu").resolve()
