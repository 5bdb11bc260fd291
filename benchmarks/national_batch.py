"""A national batch on the synthetic national year (issue 18, item 4): every authority of one or more forces, or all.

    .venv/bin/python benchmarks/national_batch.py --areas "force:Synthshire 01 Police" --jobs 2
    .venv/bin/python benchmarks/national_batch.py --areas "force:Synthshire 01 Police" --dask 2
    .venv/bin/python benchmarks/national_batch.py --areas all --jobs 2          # all 318 (hours on 2 cores)

The data are ``synth.build("national", ...)``: 35,000 LSOAs in 318 authorities of 43 forces and
6.5 million police.uk rows in 2024/25 (generated once into ``benchmarks/.data/national``; the
LSOA -> ward -> LAD lookup there carries each authority's force, ``PFA23NM``).  The batch is the
real command, ``assessment batch --years 2024 --areas ...``, with the project's default rules
(the Gi* significance rule included), run either with ``--jobs N`` local processes or with
``--dask N``: a local ``dask scheduler`` and N ``dask worker`` processes (``--nthreads 1``,
no nanny) and ``--scheduler``.  A first, unmeasured run of one authority fills the Parquet
cache (``--cache``, shared by every run), as a team would once per year of data.

Measured: the wall time of the batch, the time of each run (its log's last line), and the
memory of every process of the batch — the command, its workers, their notebook kernels, and
with ``--dask`` the scheduler and the workers — sampled every half second: the peak of their
sum (what the machine must hold) and the largest single process.  Results go to
``benchmarks/results/national-batch-<timestamp>.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data" / "national"
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))    # the test suite's real-cluster helper

YEAR = 2024


def config() -> Path:
    """The national data (built once) and a config over them with the project's default rules."""
    import synth
    synth.build("national", DATA, years=1, first_year=YEAR, rows_per_year=6_500_000)
    lines = (DATA / "assessment.yml").read_text(encoding="utf-8").splitlines()
    keep = []
    for line in lines:
        if line.startswith("hotspots:"):
            break                                   # the benchmark stage's 999 permutations: not here
        keep.append(line)
    p = DATA / "batch.yml"
    p.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return p


class Sampler(threading.Thread):
    """Every ``interval`` s: the resident memory of the processes under ``roots`` (and their children)."""

    def __init__(self, roots, interval: float = 0.5):
        super().__init__(daemon=True)
        self.roots, self.interval = roots, interval
        self.peak_sum = self.peak_one = 0
        self.stop = threading.Event()

    def run(self):
        import psutil
        while not self.stop.is_set():
            procs = []
            for pid in list(self.roots):
                try:
                    p = psutil.Process(pid)
                    procs += [p, *p.children(recursive=True)]
                except psutil.Error:
                    pass
            rss = []
            for p in procs:
                try:
                    rss.append(p.memory_info().rss)
                except psutil.Error:
                    pass
            if rss:
                self.peak_sum = max(self.peak_sum, sum(rss))
                self.peak_one = max(self.peak_one, max(rss))
            self.stop.wait(self.interval)


def run(cfg: Path, areas: str, out: Path, env: dict, jobs: int = 1, scheduler: str | None = None,
        extra_roots=()) -> dict:
    cmd = [sys.executable, "-m", "assessment", "batch", "--config", str(cfg), "--years", str(YEAR),
           "--areas", areas, "--out", str(out)] + (["--scheduler", scheduler] if scheduler else ["--jobs", str(jobs)])
    t0 = time.perf_counter()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0 = ru.ru_utime + ru.ru_stime
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = Sampler([proc.pid, *extra_roots])
    sampler.start()
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        print("   ", lines[-1], flush=True)
    proc.wait()
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru.ru_utime + ru.ru_stime - cpu0     # the batch and every process it waited for (not Dask workers)
    sampler.stop.set()
    sampler.join()
    runs = []
    for log in sorted((out / "logs").glob("*.log")):
        text = log.read_text(encoding="utf-8", errors="replace").rstrip().splitlines()
        m = re.match(r"\s*([\d.]+) s\s+(.*)", text[-1]) if text else None
        runs.append({"log": log.name, "seconds": float(m[1]) if m else None, "ok": bool(m and m[2] == "ok")})
    ok = [r["seconds"] for r in runs if r["ok"]]
    return {"command": " ".join(cmd[1:]), "exit": proc.returncode, "wall_s": round(wall, 1), "runs": len(runs),
            "ok": len(ok), "run_s_median": round(statistics.median(ok), 1) if ok else None,
            "run_s_max": round(max(ok), 1) if ok else None,
            "wall_per_run_s": round(wall / max(len(runs), 1), 1), "cpu_s": round(cpu, 1),
            "peak_sum_mib": round(sampler.peak_sum / 2**20), "peak_process_mib": round(sampler.peak_one / 2**20),
            "last_line": lines[-1] if lines else ""}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--areas", default="force:Synthshire 01 Police")
    ap.add_argument("--jobs", type=int, default=2, help="local processes (without --dask)")
    ap.add_argument("--dask", type=int, default=0, metavar="N", help="run on a local Dask cluster of N workers")
    ap.add_argument("--cache", type=Path, default=HERE / ".data" / "national-cache")
    ap.add_argument("--out", type=Path, default=HERE / ".data" / "national-batch")
    a = ap.parse_args(argv)
    load_before = os.getloadavg()   # the machine is shared: say how busy it was
    cfg = config()
    env = {**os.environ, "ASSESSMENT_CACHE_DIR": str(a.cache)}
    from assessment.areas import parse_areas
    areas = parse_areas(a.areas, DATA / "maps" / "lsoa_wards.csv")
    print(f"{len(areas)} authorities: {', '.join(areas[:10])}{' ...' if len(areas) > 10 else ''}")
    warm = a.out.with_name(a.out.name + "-warm")
    if not (a.cache / "police_uk").is_dir():
        print("filling the cache (one run, not measured) ...", flush=True)
        shutil.rmtree(warm, ignore_errors=True)
        run(cfg, areas[0], warm, env, jobs=1)
    shutil.rmtree(a.out, ignore_errors=True)
    if a.dask:
        import psutil
        from test_batch_dask import dask_cluster
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu0 = ru.ru_utime + ru.ru_stime
        os.environ["ASSESSMENT_CACHE_DIR"] = str(a.cache)        # the workers' environment
        with dask_cluster(a.out.with_name(a.out.name + "-cluster"), workers=a.dask) as address:
            me = psutil.Process()
            cluster = [c.pid for c in me.children() if "dask" in " ".join(c.cmdline())]
            res = run(cfg, a.areas, a.out, env, scheduler=address, extra_roots=cluster)
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        res["cpu_s"] = round(ru.ru_utime + ru.ru_stime - cpu0, 1)   # now with the workers (waited for at teardown)
        res["engine"] = f"local Dask cluster: a scheduler and {a.dask} workers (--nthreads 1, no nanny)"
    else:
        res = run(cfg, a.areas, a.out, env, jobs=a.jobs)
        res["engine"] = f"--jobs {a.jobs} (local processes)"
    import assessment
    res.update(areas=a.areas, authorities=len(areas), cpus=os.cpu_count(), python=platform.python_version(),
               version=assessment.__version__, load_before=load_before, load_after=os.getloadavg(),
               when=time.strftime("%Y-%m-%d %H:%M:%S"))
    RESULTS.mkdir(exist_ok=True)
    p = RESULTS / f"national-batch-{time.strftime('%Y%m%d-%H%M%S')}.json"
    p.write_text(json.dumps(res, indent=1), encoding="utf-8")
    print(json.dumps(res, indent=1))
    print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
