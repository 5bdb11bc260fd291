"""benchmarks/run.py's ratio reporting (issue 18), without running a benchmark (they take minutes:
``benchmarks/run.py --ratios demo,batch``; see benchmarks/README.md)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def _module():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_step_timings_are_read_from_a_run_log(tmp_path):
    log = tmp_path / "run.log"
    log.write_text("Run\n---\n  x\n\nTimings (seconds)\n-----------------\n  config and inputs      1.01\n"
                   "  chapter notebooks     31.20\n    02_hotspots.ipynb   12.37\n  PDF                   12.95\n\n"
                   "Chapter notebooks\n  02_hotspots.ipynb   99\n", encoding="utf-8")
    assert _module()._steps(log) == {"config and inputs": 1.01, "chapter notebooks": 31.2,
                                     "02_hotspots.ipynb": 12.37, "PDF": 12.95}
    assert _module()._steps(tmp_path / "missing.log") == {}


def test_the_ratio_table_puts_each_figure_beside_its_baseline():
    mod = _module()
    ratios = {"demo": {"workbook": "demo", "baseline": "trivial", "goal": 4.0,
                       "median": {"trivial": 2.5, "demo": 30.0, "demo (before)": 50.0},
                       "ratio": 12.0, "ratio_before": 20.0,
                       "what": {"trivial": "trivial run", "demo": "demo run", "demo (before)": "demo run"}}}
    table = mod.ratio_table(ratios).splitlines()
    assert table[2] == "| demo run vs trivial run | 30.0 s | 2.5 s | 12.0 | <= 4 | **no** | 50.0 s | 20.0 |"
    # the commands: the batch is the 32 boroughs with --jobs 2 on the real MPS London file
    argv = mod.COMMANDS["batch"][1](mod.ROOT, Path("/tmp/w"))
    assert argv[argv.index("--jobs") + 1] == "2" and len(argv[argv.index("--areas") + 1].split(",")) == 32
    assert argv[argv.index("--config") + 1].endswith("london-comparison.yml")
    assert mod.RATIOS == {"demo": ("demo", "trivial", 4.0), "batch": ("batch", "borough", 10.0)}
