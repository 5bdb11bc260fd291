"""The channel-wide identifier gate (issue 11): whatever route an id takes into a file — a
sentence, a printed line, a warning, a traceback — the run stops before publishing it, and a
failed run's kept notebooks and its error line hold no identifier."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from test_render import _area

from assessment import leaks
from assessment.dataset import Dataset
from assessment.disclosure import DisclosureError
from assessment.errors import AssessmentError
from assessment.render import run_assessment

VICTIM = "VIC-244893"
OFFENDER = "OFF 77 A"  # an id with a space: searched for as a phrase


def test_numeric_and_short_ids_are_not_searched_in_text():
    ids = leaks.searchable(["1", "2", "244893", "AB", VICTIM, OFFENDER])
    assert ids.tokens == {VICTIM} and ids.phrases == (OFFENDER,)
    assert leaks.found_in("244893 crimes in 2 wards", ids) == 0


@pytest.mark.parametrize("text", [f"first '{VICTIM}' in row 4", f"({VICTIM}).", f"<td>{VICTIM}</td>",
                                  f'"victim": "{VICTIM}"', f"id={VICTIM},", f"{OFFENDER} again",
                                  VICTIM.replace("-", "&#45;")])
def test_an_identifier_is_found_wherever_it_sits_in_text(text):
    ids = leaks.searchable([VICTIM, OFFENDER])
    assert leaks.found_in(text, ids) == 1
    assert leaks.found_in(leaks.scrub(text, ids), ids) == 0 or "&#45;" in text


def test_a_longer_token_that_contains_an_id_is_not_a_hit():
    ids = leaks.searchable([VICTIM])
    assert leaks.found_in("VIC-2448931 and XVIC-244893", ids) == 0


def _leaky_notebooks(folder: Path, how: str) -> Path:
    folder.mkdir()
    code = {
        "text": "run.text('Most victimised: ' + run.dataset.victims['victim_id'].iloc[0])",
        "print": "print(run.dataset.victims['victim_id'].iloc[0])",
        "raise": "raise ValueError('bad victim ' + run.dataset.victims['victim_id'].iloc[0])",
    }[how]
    nb = new_notebook(cells=[
        new_markdown_cell("# 1. Leaky"),
        new_code_cell("year = None\nconfig = None\nto = None\nout_dir = None", metadata={"tags": ["parameters"]}),
        new_code_cell("from assessment import workbook\n"
                      "run = workbook.open_run(config, year, to=to, out_dir=out_dir, chapter='leaky')"),
        new_code_cell(code),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "01_leaky.ipynb")
    return folder


def _dataset_with_victims(tmp_path):
    cfg, ds = _area(tmp_path / "area")
    victims = pd.DataFrame({"crime_id": ["C-0000", "C-0001"], "victim_id": [VICTIM, "VIC-1000001"],
                            "age": pd.array([30, 40], dtype="Int64"), "sex": ["Female", "Male"]})
    return cfg, Dataset(**{**ds.__dict__, "victims": victims})


@pytest.mark.parametrize("how", ["text", "print"])
def test_a_run_whose_output_would_hold_an_identifier_publishes_nothing(tmp_path, how):
    cfg, ds = _dataset_with_victims(tmp_path)
    out = tmp_path / "report"
    with pytest.raises(DisclosureError) as e:
        run_assessment(cfg, out_dir=out, dataset=ds, notebooks_dir=_leaky_notebooks(tmp_path / "nb", how),
                       log=lambda *a: None)
    assert "notebooks/01_leaky.ipynb" in str(e.value)
    assert VICTIM not in str(e.value)
    assert not out.exists()
    left = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".ipynb", ".html", ".csv", ".json", ".log")
            and "nb" not in p.parts and "area" not in p.parts]
    assert left == []


def test_a_failed_run_keeps_its_notebooks_without_identifiers(tmp_path):
    cfg, ds = _dataset_with_victims(tmp_path)
    out = tmp_path / "report"
    with pytest.raises(AssessmentError) as e:
        run_assessment(cfg, out_dir=out, dataset=ds, notebooks_dir=_leaky_notebooks(tmp_path / "nb", "raise"),
                       log=lambda *a: None)
    line = str(e.value)
    assert "cell 4: ValueError: bad victim [identifier]" in line and VICTIM not in line
    failed = tmp_path / "report.failed"
    assert failed.exists()
    for p in failed.rglob("*"):
        if p.is_file():
            assert VICTIM not in p.read_text(encoding="utf-8", errors="replace"), p
