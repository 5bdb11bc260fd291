"""The chapter notebooks as an analyst meets them: committed without outputs, parameterised the
papermill way, and each runs on its own (no `assessment run`) on the demo data."""
from __future__ import annotations

import json

import nbformat
import pytest
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_chapter_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert names[0] == "00_summary.ipynb" and "02_hotspots.ipynb" in names and names[-1] == "90_appendix.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_with_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip the outputs before committing"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for name in ("year", "config", "to", "out_dir"):
        assert f"{name} = None" in params[0].source
    # thin: no cell defines a function or a class (logic lives in the assessment package)
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in code for line in c.source.splitlines())


@pytest.fixture(scope="module")
def demo_ready():
    from assessment.config import load_config
    from assessment.demo import ensure_demo
    ensure_demo(load_config(ROOT / "assessment.yml"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_directly_with_papermill_from_the_notebooks_folder(path, demo_ready, tmp_path):
    """As `papermill notebooks/<chapter>.ipynb out.ipynb -p year 2023` would, from the folder
    JupyterLab starts a kernel in: the config is found in a parent folder by default."""
    import papermill as pm
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(path), str(out), parameters={"year": 2023, "out_dir": str(tmp_path / "reports")},
                        cwd=str(ROOT / "notebooks"), progress_bar=False, log_output=False)
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [o for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    shown = "".join(json.dumps(o.get("data", {})) for o in outputs)
    assert "2023/24" in shown       # the parameter reached the chapter
    if path.stem != "00_summary":   # the summary reads the other chapters' results in a full run
        assert "SYNTHETIC" in shown.upper() or path.stem in ("90_appendix",)
