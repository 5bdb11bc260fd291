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
    from pathlib import Path

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
