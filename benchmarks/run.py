"""Benchmarks at London and national scale (issue 8).  One command:

    .venv/bin/python benchmarks/run.py                 # London stages + the demo (about 6 minutes)
    .venv/bin/python benchmarks/run.py --batch         # + 32 boroughs x 1 year, HTML + PDF, --jobs 2
    .venv/bin/python benchmarks/run.py --national      # + a national year (35,000 LSOAs, 6.5M rows)
    .venv/bin/python benchmarks/run.py --only gi_fresh --repeat 5 --profile
    .venv/bin/python benchmarks/run.py --only gi_rule,gi_rule_clustered   # the significance rule's cost
    .venv/bin/python benchmarks/run.py --ratios demo,batch                # the issue-18 goals, as ratios
    .venv/bin/python benchmarks/run.py --ratios demo --before /tmp/old    # ... and the code in /tmp/old beside it

Ratios (``--ratios``, issue 18).  Absolute times depend on the machine and on what else it is doing;
a ratio of two commands timed in turns in the same session does much less.  Each ratio times a
whole command (a fresh process, as a user runs it) against its baseline, in turns — baseline,
workbook, the ``--before`` code if given — ``--repeat`` times, and reports medians:
``demo`` is the full demo assessment (``assessment run``, HTML + PDF) against a trivial papermill
run (a notebook importing pandas, geopandas and matplotlib), goal <= 4; ``batch`` is the 32
London boroughs x 1 year with ``--jobs 2`` on the real MPS London LSOA file
(``examples/london-comparison.yml``) against one borough's single run on the same file, goal <= 10.

Synthetic police.uk data (``benchmarks/synth.py``) are generated once into
``benchmarks/.data/`` (ignored by git; delete it to regenerate).  Every stage runs in a
FRESH Python process (so imports, and any JIT compilation, are paid as in a new kernel),
``--repeat`` times; the report gives the median wall time, the peak memory (the largest
resident set of the process or any child, e.g. the notebook kernel) and, beside each
stage, the same work written the obvious way with pandas (``read_csv`` of every file,
``groupby``) timed in the same run, as a ratio (baseline time / workbook time: above 1
means the workbook is faster).  Results go to ``benchmarks/results/<timestamp>.json``
and are printed as a Markdown table; ``--profile`` adds a cProfile summary per stage
under ``benchmarks/results/``.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

YEAR = 2024                      # the assessment year (2024/25) of the London data (Apr 2020 - Mar 2025)
BOROUGH = "Haringey"


# -- the stages (each runs in its own process: python run.py --stage NAME) -------------------
def _london():
    return DATA / "london"


def _year_files(folder: Path, year: int = YEAR) -> list[Path]:
    from synth import financial_months
    months = set(financial_months(year, 1))
    return sorted(p for p in (folder / "police-uk").rglob("*-street.csv") if p.name[:7] in months)


def stage_ingest(cache_dir: str, **_):
    """First ingest of one London year: parse every street file of the year into the Parquet cache."""
    from assessment.cache import Cache
    from assessment.loaders import police_uk
    shutil.rmtree(cache_dir, ignore_errors=True)
    raw = police_uk.read_police_uk(_only_year(_london()), [], cache=Cache(Path(cache_dir)))
    frame, _ = raw.frame_within(f"{YEAR}-04-01", f"{YEAR + 1}-03-01")
    return {"rows": len(frame)}


def _only_year(folder: Path) -> Path:
    """A folder of symlinks to one year's files (so a stage reads exactly one year)."""
    d = Path(tempfile.gettempdir()) / f"sa-bench-year-{YEAR}"
    if not d.exists():
        d.mkdir()
        for p in _year_files(folder):
            (d / p.name).symlink_to(p)
    return d


def stage_reread(cache_dir: str, **_):
    """Cached re-read of one London year: the same call once the cache holds every file."""
    from assessment.cache import Cache
    from assessment.loaders import police_uk
    raw = police_uk.read_police_uk(_only_year(_london()), [], cache=Cache(Path(cache_dir)))
    frame, _ = raw.frame_within(f"{YEAR}-04-01", f"{YEAR + 1}-03-01")
    return {"rows": len(frame)}


def stage_aggregate(cache_dir: str, **_):
    """Crimes per LSOA and crime type for all London LSOAs, one year, from the cache (pyarrow group_by)."""
    from assessment.cache import Cache
    from assessment.columnar import group_count
    from assessment.loaders import police_uk
    raw = police_uk.read_police_uk(_only_year(_london()), [], cache=Cache(Path(cache_dir)))
    t = raw.table_within(f"{YEAR}-04-01", f"{YEAR + 1}-03-01", columns=["lsoa_code", "crime_type"])
    counts = group_count({"lsoa_code": t.column("lsoa_code"), "crime_type": t.column("crime_type")},
                         ["lsoa_code", "crime_type"])
    return {"rows": t.num_rows, "groups": len(counts)}


def baseline_read(**_):
    """The obvious way: pandas read_csv of every file of the year, concatenated."""
    import pandas as pd
    frame = pd.concat([pd.read_csv(p) for p in _year_files(_london())], ignore_index=True)
    return {"rows": len(frame)}


def baseline_aggregate(**_):
    """The obvious way: read_csv of every file, then groupby LSOA code and crime type."""
    import pandas as pd
    frame = pd.concat([pd.read_csv(p) for p in _year_files(_london())], ignore_index=True)
    counts = frame.groupby(["LSOA code", "Crime type"]).size()
    return {"rows": len(frame), "groups": len(counts)}


def _gi(kind: str, obvious: bool):
    """Gi* with 999 permutations on every LSOA of ``kind``, timed inside this fresh process."""
    t0 = time.perf_counter()
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    g = gpd.read_file(DATA / kind / "maps" / "lsoa.gpkg").set_index("LSOA21CD")
    g.index.name = "lsoa_code"
    rng = np.random.default_rng(1)
    y = pd.Series(rng.poisson(200, len(g)), index=g.index)
    t1 = time.perf_counter()
    if obvious:
        import esda
        from libpysal.weights import Queen
        w = Queen.from_dataframe(g, use_index=True, silence_warnings=True)
        t2 = time.perf_counter()
        r = esda.G_Local(y.reindex(w.id_order).to_numpy(float), w, transform="B", star=True, permutations=999,
                         seed=20240401, n_jobs=1)
        hot = int(((r.p_sim < 0.05) & (r.Zs > 0)).sum())
    else:
        from assessment.stats import gistar
        w = gistar.queen_weights(g)
        t2 = time.perf_counter()
        # 999 permutations, classes on the unadjusted p: this row's setting since issue 8 (the default
        # significance rule's cost is the gi_rule rows)
        r = gistar.gistar(y, weights=w, permutations=999, seed=20240401, fdr=False)
        hot = int(r["gi_class"].isin(gistar.HOT_AT[0.95]).sum())
    t3 = time.perf_counter()
    return {"lsoas": len(g), "hot95": hot, "read_s": round(t1 - t0, 3), "weights_s": round(t2 - t1, 3),
            "gi_s": round(t3 - t2, 3)}


def stage_gi_fresh(**_):
    """Gi* (999 permutations) on all 4,994 London LSOAs in a fresh process: read, weights, Gi*."""
    return _gi("london", obvious=False)


def baseline_gi_fresh(**_):
    """The obvious way: libpysal Queen + esda G_Local directly."""
    return _gi("london", obvious=True)


def _london_counts(g, w, pattern: str):
    """Crime counts for the London LSOAs: ``iid`` Poisson(200) (as the gi_fresh stage), or
    ``clustered``: Poisson with a mean of 100 x a lognormal risk (sigma 0.6) averaged over each
    LSOA and its queen neighbours, so neighbouring LSOAs are alike, as crime is."""
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(1)
    if pattern == "iid":
        return pd.Series(rng.poisson(200, len(g)), index=g.index)
    ids = list(w.id_order)
    pos = {c: i for i, c in enumerate(ids)}
    r = rng.lognormal(0.0, 0.6, len(ids))
    smooth = np.array([np.mean([r[pos[c]]] + [r[pos[n]] for n in w.neighbors[c]]) for c in ids])
    return pd.Series(rng.poisson(100 * smooth), index=pd.Index(ids, name="lsoa_code")).reindex(g.index)


def _gi_rule(pattern: str, default_rule: bool):
    """Gi* on the 4,994 London LSOAs in a fresh process under the default significance rule
    (9,999 permutations, classes on the BH-adjusted p, up to 99,999 for a borderline LSOA) or, as
    the baseline, the old default (999 permutations, classes on the unadjusted p, no refinement)."""
    t0 = time.perf_counter()
    import geopandas as gpd

    from assessment.significance import SignificanceRule
    from assessment.stats import gistar
    g = gpd.read_file(_london() / "maps" / "lsoa.gpkg").set_index("LSOA21CD")
    g.index.name = "lsoa_code"
    t1 = time.perf_counter()
    w = gistar.queen_weights(g)
    y = _london_counts(g, w, pattern)
    t2 = time.perf_counter()
    rule = SignificanceRule() if default_rule else SignificanceRule(fdr=False, permutations=999, max_permutations=0)
    r = gistar.gistar(y, weights=w, permutations=rule.permutations, seed=20240401, fdr=rule.fdr,
                      max_permutations=rule.max_permutations)
    t3 = time.perf_counter()
    return {"lsoas": len(g), "permutations": rule.permutations, "fdr": int(rule.fdr),
            "hot95": gistar.count_classes(r["gi_class"], 0.95), "hot99": gistar.count_classes(r["gi_class"], 0.99),
            "refined": int((r["gi_permutations"] > rule.permutations).sum()),
            "read_s": round(t1 - t0, 3), "weights_s": round(t2 - t1, 3), "gi_s": round(t3 - t2, 3)}


def stage_gi_rule(**_):
    """Gi* under the default significance rule (9,999 permutations, FDR classes, borderline LSOAs
    refined) on the 4,994 London LSOAs, iid Poisson(200) counts."""
    return _gi_rule("iid", default_rule=True)


def baseline_gi_rule(**_):
    """The same with the old default: 999 permutations, classes on the unadjusted p."""
    return _gi_rule("iid", default_rule=False)


def stage_gi_rule_clustered(**_):
    """As gi_rule, on spatially clustered counts (more LSOAs near a threshold: more refinement)."""
    return _gi_rule("clustered", default_rule=True)


def baseline_gi_rule_clustered(**_):
    """As baseline_gi_rule, on the clustered counts."""
    return _gi_rule("clustered", default_rule=False)


def _run_report(config: Path, out: Path, year: int = YEAR):
    from assessment.render import run_assessment
    t = {}
    run_assessment(config, year=year, out_dir=out, log=lambda *a, **k: None)
    log = (out / "run.log").read_text()
    for line in log.splitlines():
        parts = line.strip().rsplit(None, 1)
        if len(parts) == 2 and parts[0] in ("config and inputs", "chapter notebooks", "HTML", "PDF"):
            t[parts[0].replace(" ", "_") + "_s"] = float(parts[1])
    shutil.rmtree(out, ignore_errors=True)
    return t


def stage_borough(out: str, **_):
    """One borough (Haringey) of the London data, end to end: all chapters, HTML + PDF (warm cache)."""
    return _run_report(_london() / "assessment.yml", Path(out))


def baseline_borough(**_):
    """The obvious way, computation only (no report): read_csv of every file of the five years, the
    borough's rows, counts per LSOA and year, Gi* of the assessment year."""
    import esda
    import geopandas as gpd
    import pandas as pd
    from libpysal.weights import Queen
    files = sorted((_london() / "police-uk").rglob("*-street.csv"))
    frame = pd.concat([pd.read_csv(p) for p in files], ignore_index=True)
    b = frame[frame["LSOA name"].str.startswith(BOROUGH + " ", na=False)]
    b = b.assign(year=pd.to_datetime(b["Month"]).dt.to_period("Q-MAR").dt.qyear - 1)
    counts = b.groupby(["LSOA code", "year"]).size().unstack(fill_value=0)
    g = gpd.read_file(_london() / "maps" / "lsoa.gpkg")
    g = g[g["LSOA21NM"].str.startswith(BOROUGH + " ")].set_index("LSOA21CD")
    w = Queen.from_dataframe(g, use_index=True, silence_warnings=True)
    y = counts.reindex(w.id_order).fillna(0)[YEAR].to_numpy(float)
    esda.G_Local(y, w, transform="B", star=True, permutations=999, seed=1, n_jobs=1)
    return {"rows": len(frame), "borough_rows": len(b)}


def stage_demo(out: str, **_):
    """The demo assessment end to end (all chapters, HTML + PDF)."""
    return _run_report(ROOT / "assessment.yml", Path(out))


def stage_batch(out: str, jobs: int = 2, **_):
    """32 boroughs x 1 year, HTML + PDF each, with --jobs 2 (one process per run)."""
    from synth import LONDON_BOROUGHS

    from assessment.batch import run_batch
    res = run_batch(_london() / "assessment.yml", [YEAR], areas=LONDON_BOROUGHS, jobs=jobs, out_root=Path(out),
                    progress=lambda line: print(line, file=sys.stderr, flush=True))
    shutil.rmtree(out, ignore_errors=True)
    return {"runs": len(res), "failed": sum(not r.ok for r in res),
            "median_run_s": round(statistics.median(r.seconds for r in res), 1)}


def stage_national(cache_dir: str, **_):
    """A national year: ingest (cold cache) and every LSOA statistic on 35,000 LSOAs: counts and
    rates per LSOA and crime type, concentration (top shares, Gini, generalised Gini), Gi* (999)."""
    import geopandas as gpd
    import pandas as pd

    from assessment.cache import Cache
    from assessment.chapters import hotspots
    from assessment.columnar import group_count
    from assessment.loaders import police_uk
    from assessment.stats import gistar
    t = {}
    t0 = time.perf_counter()
    shutil.rmtree(cache_dir, ignore_errors=True)
    raw = police_uk.read_police_uk(DATA / "national" / "police-uk", [], cache=Cache(Path(cache_dir)))
    t["ingest_s"] = round(time.perf_counter() - t0, 2)
    t1 = time.perf_counter()
    tab = raw.table_within(f"{YEAR}-04-01", f"{YEAR + 1}-03-01", columns=["lsoa_code", "crime_type", "_asb"])
    by_type = group_count({"lsoa_code": tab.column("lsoa_code"), "crime_type": tab.column("crime_type")},
                          ["lsoa_code", "crime_type"])
    g = gpd.read_file(DATA / "national" / "maps" / "lsoa.gpkg").set_index("LSOA21CD")
    g.index.name = "lsoa_code"
    pop = pd.read_csv(DATA / "national" / "population.csv").set_index("lsoa_code")["population"]
    counts = by_type.groupby("lsoa_code")["count"].sum().reindex(g.index, fill_value=0)
    rates = (counts / pop.reindex(g.index) * 1000).rename("rate_per_1000")
    conc = hotspots.concentration(counts)
    t["counts_s"] = round(time.perf_counter() - t1, 2)
    t2 = time.perf_counter()
    w = gistar.queen_weights(g)
    t["weights_s"] = round(time.perf_counter() - t2, 2)
    t3 = time.perf_counter()
    gi = gistar.gistar(counts, weights=w, permutations=999, seed=20240401, fdr=False)   # as measured since issue 8
    t["gi_s"] = round(time.perf_counter() - t3, 2)
    return {**t, "rows": tab.num_rows, "lsoas": len(g), "gini": round(float(conc["gini"]), 3),
            "hot95": int(gi["gi_class"].isin(gistar.HOT_AT[0.95]).sum()), "max_rate": round(float(rates.max()), 1)}


def baseline_national(**_):
    """The obvious way: read_csv of every national file, groupby LSOA and crime type."""
    import pandas as pd
    files = sorted((DATA / "national" / "police-uk").rglob("*-street.csv"))
    frame = pd.concat([pd.read_csv(p) for p in files], ignore_index=True)
    counts = frame.groupby(["LSOA code", "Crime type"]).size()
    return {"rows": len(frame), "groups": len(counts)}


STAGES = {
    # name: (function, baseline or None, target seconds or None, target memory GiB or None, what)
    "ingest": (stage_ingest, baseline_read, 5.0, 2.0, "First ingest, one London year (1.1M rows, 24 files)"),
    "reread": (stage_reread, baseline_read, 0.5, 2.0, "Cached re-read, one London year"),
    "aggregate": (stage_aggregate, baseline_aggregate, None, 2.0, "LSOA x crime-type counts, one London year"),
    "gi_fresh": (stage_gi_fresh, baseline_gi_fresh, 1.0, 2.0, "Gi* (999 perm.) on 4,994 LSOAs, fresh process"),
    "gi_rule": (stage_gi_rule, baseline_gi_rule, None, 2.0,
                "Gi*, default rule (9,999 perm., FDR, refined) vs 999 perm., 4,994 LSOAs, iid counts"),
    "gi_rule_clustered": (stage_gi_rule_clustered, baseline_gi_rule_clustered, None, 2.0,
                          "Gi*, default rule vs 999 perm., 4,994 LSOAs, clustered counts"),
    "borough": (stage_borough, baseline_borough, None, None, "One borough end to end, HTML + PDF (5 years read)"),
    "demo": (stage_demo, None, 20.0, None, "Demo assessment end to end, HTML + PDF"),
    "batch": (stage_batch, None, 360.0, None, "32 boroughs x 1 year, HTML + PDF, --jobs 2"),
    "national": (stage_national, baseline_national, 30.0, 4.0, "National year: ingest + every LSOA statistic"),
}
DEFAULT = ["ingest", "reread", "aggregate", "gi_fresh", "gi_rule", "gi_rule_clustered", "borough", "demo"]


# -- ratios: whole commands against their baselines, timed in turns (issue 18) -----------------
TRIVIAL_SOURCE = "import pandas\nimport geopandas\nimport matplotlib\nimport matplotlib.pyplot as plt\n"
LONDON_MPS = ROOT / "examples" / "london-comparison.yml"


def _trivial_notebook(work: Path) -> Path:
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(TRIVIAL_SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = work / "trivial.ipynb"
    nbformat.write(nb, path)
    return path


def _boroughs() -> str:
    from synth import LONDON_BOROUGHS
    return ",".join(LONDON_BOROUGHS)


#: name -> (what, command builder (tree, work) -> argv)
COMMANDS = {
    "trivial": ("trivial papermill run (imports pandas, geopandas, matplotlib)",
                lambda tree, work: [sys.executable, "-m", "papermill", "--no-progress-bar", "-k", "python3",
                                    str(work / "trivial.ipynb"), str(work / "trivial-out.ipynb")]),
    "demo": ("demo assessment, HTML + PDF (assessment run)",
             lambda tree, work: [sys.executable, "-m", "assessment", "run", "--config", str(tree / "assessment.yml"),
                                 "--out", str(work / "demo")]),
    "borough": ("one borough (Haringey) 2024/25, real MPS London LSOA file, HTML + PDF",
                lambda tree, work: [sys.executable, "-m", "assessment", "run", "--config", str(LONDON_MPS),
                                    "--year", str(YEAR), "--out", str(work / "borough")]),
    "batch": ("32 London boroughs x 2024/25, real MPS London LSOA file, --jobs 2",
              lambda tree, work: [sys.executable, "-m", "assessment", "batch", "--config", str(LONDON_MPS),
                                  "--years", str(YEAR), "--areas", _boroughs(), "--jobs", "2",
                                  "--out", str(work / "batch")]),
}
#: ratio -> (workbook command, baseline command, goal: workbook / baseline at most)
RATIOS = {"demo": ("demo", "trivial", 4.0), "batch": ("batch", "borough", 10.0)}


def _steps(run_log: Path) -> dict:
    """The step timings of a report's ``run.log`` (inputs, each chapter, HTML, PDF), in seconds."""
    steps, on = {}, False
    for line in run_log.read_text(encoding="utf-8").splitlines() if run_log.exists() else []:
        if line.startswith("Timings"):
            on = True
        elif on and not line.strip():
            break
        elif on and not line.startswith("-"):
            name, _, value = line.strip().rpartition(" ")
            try:
                steps[name.strip()] = float(value)
            except ValueError:
                pass
    return steps


def _time_command(name: str, tree: Path, work: Path, steps: list | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system, of the process and every process it waited for:
    kernels, batch workers) of one run of ``COMMANDS[name]`` with the package of ``tree`` first
    on the path (a report's step timings from its run.log appended to ``steps``)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")])))
    cmd = COMMANDS[name][1](tree, work)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=tree, env=env)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if p.returncode != 0:
        raise SystemExit(f"{name} ({tree}) failed:\n{(p.stderr or p.stdout)[-3000:]}")
    if steps is not None and name in ("demo", "borough"):
        steps.append(_steps(work / name / "run.log"))
    for out in ("demo", "borough", "batch"):
        shutil.rmtree(work / out, ignore_errors=True)
    return wall, cpu


def measure_ratios(names: list[str], repeat: int, before: Path | None = None) -> dict:
    """Each ratio's commands timed in turns (baseline, workbook, the ``before`` code), ``repeat`` times."""
    work = Path(tempfile.mkdtemp(prefix="sa-ratio-"))
    _trivial_notebook(work)
    trees = {"now": ROOT, **({"before": before.resolve()} if before else {})}
    for tree in trees.values():   # the demo data made once per tree, not timed
        subprocess.run([sys.executable, "-m", "assessment", "demo", "--config", str(tree / "assessment.yml")],
                       capture_output=True, cwd=tree, env=dict(os.environ, PYTHONPATH=os.pathsep.join(
                           filter(None, [str(tree), os.environ.get("PYTHONPATH")]))))
    out = {}
    for r in names:
        wb, base, goal = RATIOS[r]
        times = {base: [], wb: [], **({f"{wb} (before)": []} if before else {})}
        cpu = {k: [] for k in times}
        steps = {k: [] for k in times}
        turns = [(base, ROOT), (wb, ROOT)] + ([(f"{wb} (before)", trees["before"])] if before else [])
        for i in range(repeat):
            loads = []
            for key, tree in turns:
                loads.append(os.getloadavg()[0])
                w, c = _time_command(key.split(" ")[0], tree, work, steps[key])
                times[key].append(w)
                cpu[key].append(c)
            print(f"  {r} round {i + 1}/{repeat}: " + ", ".join(f"{k} {v[-1]:.1f} s (cpu {cpu[k][-1]:.1f} s)"
                                                               for k, v in times.items())
                  + f"; load average {', '.join(f'{x:.1f}' for x in loads)}", flush=True)
        med = {k: statistics.median(v) for k, v in times.items()}
        med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
        entry = {"workbook": wb, "baseline": base, "goal": goal, "runs": times, "median": med, "steps": steps,
                 "cpu_runs": cpu, "median_cpu": med_cpu, "ratio": med[wb] / med[base],
                 "ratio_cpu": med_cpu[wb] / med_cpu[base], "what": {k: COMMANDS[k.split(" ")[0]][0] for k in times}}
        if before:
            entry["ratio_before"] = med[f"{wb} (before)"] / med[base]
            entry["ratio_cpu_before"] = med_cpu[f"{wb} (before)"] / med_cpu[base]
        out[r] = entry
    shutil.rmtree(work, ignore_errors=True)
    return out


def ratio_table(ratios: dict) -> str:
    """The Markdown tables of the ratios (each command beside its baseline, medians): wall time, then CPU time."""
    lines = ["| ratio (wall time) | workbook (median) | baseline (median) | workbook ÷ baseline | goal | met? | "
             "before (median) | before ÷ baseline |", "|---|---|---|---|---|---|---|---|"]
    lines += [_ratio_row(e, "median", "ratio", goal=True) for e in ratios.values()]
    lines += ["", "| ratio (CPU time: user + system, every process) | workbook (median) | baseline (median) | "
              "workbook ÷ baseline | before (median) | before ÷ baseline |", "|---|---|---|---|---|---|"]
    lines += [_ratio_row(e, "median_cpu", "ratio_cpu") for e in ratios.values() if "median_cpu" in e]
    return "\n".join(lines)


def _ratio_row(e: dict, median: str, ratio: str, goal: bool = False) -> str:
    """One row of :func:`ratio_table`: the medians ``e[median]`` and the ratio ``e[ratio]`` (with the goal)."""
    wb, base = e["workbook"], e["baseline"]
    b = e[median].get(f"{wb} (before)")
    met = f" <= {e['goal']:g} | {'yes' if e[ratio] <= e['goal'] else '**no**'} |" if goal else ""
    return (f"| {e['what'][wb]} vs {e['what'][base]} | {e[median][wb]:.1f} s | {e[median][base]:.1f} s | "
            f"{e[ratio]:.1f} |{met} {'' if b is None else format(b, '.1f') + ' s'} | "
            f"{'' if b is None else format(e[ratio + '_before'], '.1f')} |")


def _peak_mib() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(me, kids) / 1024, 0)   # Linux: KiB


#: stages that need only the synthetic London polygons, not the police.uk files
GEOGRAPHY_ONLY = {"gi_fresh", "gi_rule", "gi_rule_clustered"}

#: stages timed after the libraries are imported (the import time is reported as import_s):
#: what they measure is reading and counting, which a run pays after its imports anyway
PREIMPORT = {"ingest", "reread", "aggregate", "national"}


def child(name: str, baseline: bool, args: dict, profile: bool) -> None:
    fn = STAGES[name][1] if baseline else STAGES[name][0]
    t0 = time.perf_counter()
    imp = {}
    if name in PREIMPORT:
        names = ["pandas", "pyarrow.compute", "pyarrow.csv", "pyarrow.parquet"]
        if not baseline:
            names += ["assessment.cache", "assessment.columnar", "assessment.loaders.police_uk"]
        for module in names:
            importlib.import_module(module)
        imp = {"import_s": round(time.perf_counter() - t0, 3)}
        t0 = time.perf_counter()
    if profile:
        import cProfile
        import io
        import pstats
        pr = cProfile.Profile()
        pr.enable()
        info = fn(**args)
        pr.disable()
        s = io.StringIO()
        pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(40)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"profile-{name}{'-baseline' if baseline else ''}.txt").write_text(s.getvalue())
    else:
        info = fn(**args)
    print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mib": _peak_mib(), **imp, **(info or {})}))


def measure(name: str, baseline: bool, repeat: int, args: dict, profile: bool = False) -> dict:
    runs = []
    for i in range(repeat):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", name, "--args", json.dumps(args)]
        if baseline:
            cmd.append("--baseline")
        if profile and i == 0:
            cmd.append("--profile")
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            raise SystemExit(f"stage {name}{' (baseline)' if baseline else ''} failed:\n{p.stderr[-3000:]}")
        r = json.loads(p.stdout.strip().splitlines()[-1])
        r["process_s"] = wall
        runs.append(r)
        print(f"  {name}{' baseline' if baseline else ''} run {i + 1}/{repeat}: {r['seconds']:.2f} s "
              f"(process {wall:.2f} s), peak {r['peak_mib']:.0f} MiB", flush=True)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], (int, float))}
    return {"median": med, "runs": runs}


def machine() -> dict:
    import importlib.metadata as md
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    mem = next((int(ln.split()[1]) for ln in open("/proc/meminfo") if ln.startswith("MemTotal")), 0)
    pk = {}
    for name in ("pandas", "pyarrow", "numpy", "geopandas", "shapely", "libpysal", "esda", "matplotlib",
                 "papermill", "weasyprint", "numba"):
        try:
            pk[name] = md.version(name)
        except md.PackageNotFoundError:
            pk[name] = "not installed"
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem / 2**20, 1),
            "python": platform.python_version(), "os": platform.platform(), "packages": pk}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmarks at London and national scale (see the module docstring).")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--args", default="{}", help=argparse.SUPPRESS)
    ap.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--profile", action="store_true", help="write a cProfile summary of each stage's first run")
    ap.add_argument("--only", help="comma-separated stages: " + ", ".join(STAGES))
    ap.add_argument("--batch", action="store_true", help="also run the 32-borough batch (about 15 minutes)")
    ap.add_argument("--national", action="store_true", help="also run the national year (generates ~1.4 GB once)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per stage (median reported); default 3")
    ap.add_argument("--no-baseline", action="store_true", help="skip the pandas baselines")
    ap.add_argument("--ratios", help="comma-separated ratios instead of the stages: " + ", ".join(RATIOS))
    ap.add_argument("--before", type=Path, help="with --ratios: also time the workbook commands with the package "
                    "in this folder (e.g. `git archive` of an older commit), in the same turns")
    a = ap.parse_args(argv)
    if a.stage:
        child(a.stage, a.baseline, json.loads(a.args), a.profile)
        return 0
    if a.ratios:
        names = a.ratios.split(",")
        unknown = [n for n in names if n not in RATIOS]
        if unknown:
            print(f"error: unknown ratio(s) {', '.join(unknown)}; expected {', '.join(RATIOS)}", file=sys.stderr)
            return 2
        results = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                   "load_average": os.getloadavg(), "ratios": measure_ratios(names, a.repeat, a.before)}
        results["load_average_after"] = os.getloadavg()
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"ratios-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(results, indent=1))
        print()
        print(ratio_table(results["ratios"]))
        print(f"\nload average {results['load_average']} before, {results['load_average_after']} after; "
              f"results: {path}")
        return 0

    import synth
    names = a.only.split(",") if a.only else DEFAULT + (["batch"] if a.batch else []) + (["national"] if a.national else [])
    unknown = [n for n in names if n not in STAGES]
    if unknown:
        print(f"error: unknown stage(s) {', '.join(unknown)}; expected {', '.join(STAGES)}", file=sys.stderr)
        return 2
    print("generating the synthetic data (once; kept in benchmarks/.data/) ...", flush=True)
    if set(names) <= GEOGRAPHY_ONLY and not (_london() / "synth.json").exists():
        if not (_london() / "maps" / "lsoa.gpkg").exists():     # the polygons only (a full build replaces them)
            synth.write_support_files(synth.make_geography("london"), _london())
    else:
        synth.build("london", _london(), years=5, first_year=YEAR - 4, rows_per_year=1_100_000)
    if "national" in names:
        synth.build("national", DATA / "national", years=1, first_year=YEAR, rows_per_year=6_500_000)
    work = Path(tempfile.mkdtemp(prefix="sa-bench-"))
    shared_cache = str(work / "cache")
    results = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "stages": {}}
    print(json.dumps(results["machine"], indent=1))
    # the London config's own cache (.cache/ beside it) is warmed once for the end-to-end stages
    if any(n in names for n in ("borough", "batch")):
        print("warming the London cache for the end-to-end stages ...", flush=True)
        subprocess.run([sys.executable, "-c", "from assessment.config import load_config; from assessment.loaders "
                        f"import load_dataset; load_dataset(load_config({str(_london() / 'assessment.yml')!r}), year={YEAR})"],
                       check=True, cwd=ROOT)
    for n in names:
        fn, base, target, mem_target, what = STAGES[n]
        print(f"{n}: {what}", flush=True)
        args = {"cache_dir": shared_cache, "out": str(work / f"out-{n}")}
        if n == "reread" or n == "aggregate":
            if not Path(shared_cache).exists():
                measure("ingest", False, 1, args)
        rep = 1 if n == "batch" else (min(a.repeat, 2) if n == "national" else a.repeat)
        entry = {"what": what, "target_s": target, "target_mem_gib": mem_target, "workbook": measure(n, False, rep, args, a.profile)}
        if base is not None and not a.no_baseline:
            entry["baseline"] = measure(n, True, rep, args)
            entry["ratio"] = round(entry["baseline"]["median"]["seconds"] / entry["workbook"]["median"]["seconds"], 2)
        results["stages"][n] = entry
    shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1))
    print()
    print(table(results))
    print(f"\nresults: {path}")
    return 0


def table(results: dict) -> str:
    """The Markdown table of a results file (as in benchmarks/README.md)."""
    lines = ["| stage | workbook (median) | peak memory | baseline (median) | ratio | target | met? |",
             "|---|---|---|---|---|---|---|"]
    for _n, e in results["stages"].items():
        w = e["workbook"]["median"]
        b = e.get("baseline", {}).get("median")
        t, m = e.get("target_s"), e.get("target_mem_gib")
        ok = []
        if t is not None:
            ok.append("yes" if w["seconds"] <= t else "**no**")
        if m is not None:
            ok.append("yes" if w["peak_mib"] <= m * 1024 else "**no** (memory)")
        tgt = " / ".join(x for x in ((f"< {t:g} s" if t else ""), (f"< {m:g} GiB" if m else "")) if x) or "–"
        lines.append(f"| {e['what']} | {w['seconds']:.2f} s | {w['peak_mib']:,.0f} MiB | "
                     f"{'' if b is None else format(b['seconds'], '.2f') + ' s'} | {e.get('ratio', '–')} | {tgt} | "
                     f"{', '.join(ok) or '–'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
