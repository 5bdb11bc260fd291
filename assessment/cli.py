"""The ``assessment`` command: run, validate, batch, commentary, demo, fetch.

Every error the user can cause is printed as one line (``error: ...``) with exit
status 2 — including a bad ``--year`` (2024, 2024/25, 2024-25 and 2024/2025 are read) or
``--to``, both at once, a period the data do not fully cover without ``--allow-partial``,
and an ``--out`` that is a file, is read-only, is not this tool's
report folder, or is being written by another run; an unexpected internal error is
one line too, with exit status 1 (set ``ASSESSMENT_DEBUG=1`` to see the traceback).
A run stopped by SIGTERM, SIGHUP or Ctrl-C cleans up (no dataset copy is left in the
temporary folder) and exits with 128 + the signal number.
Each command imports the modules it needs when it runs, so ``assessment --help`` and a bad
argument answer at once, without loading pandas or the workbook.

Example
-------
::

    assessment run --year 2024                 # 2024/25 with ./assessment.yml (or --year 2024/25)
    assessment run --to 2021-09 --config examples/south-yorkshire-rolling.yml
    assessment run --year 2020/21 --allow-partial --config ...   # a year the data hold only part of
    assessment validate --config my-borough.yml
    assessment batch --years 2022-2024 --jobs 2
    assessment batch --years 2024 --areas all --scheduler tcp://10.0.0.5:8786   # every authority, on a Dask cluster
    assessment commentary --year 2024          # commentary-2024-25.md to fill in (never overwrites a file)
    assessment demo                            # (re)generate the synthetic demo borough
    assessment fetch police-uk --force metropolitan --from 2020-04 --to 2025-03 --dest data/raw/haringey
    assessment fetch ons --lad E09000014 --dest data/raw/haringey   # boundaries, wards, population
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import AssessmentError, ConfigError, one_line
from .outdir import RunInterrupted

PARTIAL_HELP = ("run a period the data do not fully cover; the report then says 'N of 12 months' "
                "on the cover, in every title naming the period and in summary.json")


def _check_period_args(a) -> None:
    """A bad --year or --to, or both, is one line before the config or the data are read."""
    from .periods import parse_year, rolling  # heavy (pandas): only when a command runs, not for --help
    if a.year is not None and a.to is not None:
        raise ConfigError("--year and --to: give one or the other (--year 2024 for 2024/25, "
                          "--to 2025-03 for the 12 months to March 2025)")
    if a.year is not None:
        parse_year(a.year)
    if a.to is not None:
        rolling(a.to)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assessment", description="Strategic assessment workbook for community safety partnerships.")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run the whole assessment: HTML, PDF, tables, summary.json")
    r.add_argument("--year", help="assessment year: 2024 or 2024/25 (= 2024/25); default: the latest year "
                                  "with all its months in the data")
    r.add_argument("--to", help="rolling 12 months ending this month (YYYY-MM) instead of a year")
    r.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="in-year progress: quarter of the year (1-4)")
    r.add_argument("--config", type=Path, help="config file (default: assessment.yml here or in a parent folder)")
    r.add_argument("--out", type=Path, help="output folder (default: reports/<period>/ beside the config)")
    r.add_argument("--allow-partial", action="store_true", help=PARTIAL_HELP)
    r.add_argument("--kernels", type=int, choices=[1, 2, 3, 4], help="chapters run in this many kernels at once "
                   "(default: 2 when the machine has a core to spare, else 1); the report is the same")

    v = sub.add_parser("validate", help="check the inputs without running; lists every problem found")
    v.add_argument("--config", type=Path)
    v.add_argument("--year", help="assessment year: 2024 or 2024/25")
    v.add_argument("--to", help="rolling 12 months ending this month (YYYY-MM)")
    v.add_argument("--allow-partial", action="store_true", help=PARTIAL_HELP)

    b = sub.add_parser("batch", help="run several years (and areas) in parallel, with an index.html")
    b.add_argument("--years", required=True, help="e.g. 2020-2024 or 2021,2023")
    b.add_argument("--areas", help="comma-separated area names (LSOA-name prefixes, e.g. Haringey,Camden); all: every "
                                   "local authority in the LSOA -> LAD lookup (inputs.wards); force:NAME: those of one "
                                   "police force area (the lookup's PFA23NM column)")
    b.add_argument("--jobs", type=int, default=1, help="parallel runs (processes)")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a dask.distributed cluster: the scheduler's address (e.g. tcp://10.0.0.5:8786); every "
                        "worker needs the package and the config, inputs and --out at the same paths (docs/dask.md)")
    b.add_argument("--config", type=Path)
    b.add_argument("--out", type=Path, help="output folder (default: reports/batch/ beside the config)")
    b.add_argument("--allow-partial", action="store_true", help=PARTIAL_HELP)

    c = sub.add_parser("commentary", help="write a commentary file to fill in, prefilled with the year's figures as "
                                          "prompts (never overwrites a file; see data/COMMENTARY.md)")
    c.add_argument("--year", help="assessment year: 2024 or 2024/25")
    c.add_argument("--to", help="rolling 12 months ending this month (YYYY-MM) instead of a year")
    c.add_argument("--config", type=Path, help="config file (default: assessment.yml here or in a parent folder)")
    c.add_argument("--out", type=Path, help="the file to write (default: the config's inputs.commentary, else "
                                            "commentary-<period>.md beside the config); an existing file is never "
                                            "overwritten")
    c.add_argument("--report", type=Path, help="take the figures from this report folder (default: reports/<period>/ "
                                               "beside the config if it holds the period's summary.json, else the "
                                               "assessment is run for the period in a temporary folder)")
    c.add_argument("--allow-partial", action="store_true", help=PARTIAL_HELP)

    f = sub.add_parser("fetch", help="download public data (police.uk, ONS) into a folder, with a ready config "
                                     "and a provenance file (see docs/fetch.md)")
    fsub = f.add_subparsers(dest="source", required=True)
    fp = fsub.add_parser("police-uk", help="one force's street files, month by month, from the police.uk archive")
    fp.add_argument("--force", required=True, help="police.uk force slug, e.g. metropolitan, south-yorkshire")
    fp.add_argument("--from", dest="start", required=True, help="first month (YYYY-MM)")
    fp.add_argument("--to", dest="end", required=True, help="last month (YYYY-MM)")
    fo = fsub.add_parser("ons", help="LSOA boundaries, LSOA -> ward -> LAD lookup and mid-year populations of a "
                                     "local authority")
    fo.add_argument("--lad", required=True, help="local authority code, e.g. E09000014 (Haringey)")
    fo.add_argument("--nomis-url", help="Nomis API root for the populations (default https://www.nomisweb.co.uk/api/v01; "
                                        "or ASSESSMENT_NOMIS_URL)")
    fo.add_argument("--population-years", type=int, default=6, help="mid-year estimates to fetch, latest first (default 6)")
    fo.add_argument("--lookup-service", help="ONS lookup feature service (default LSOA21_WD24_LAD24_EW_LU)")
    fo.add_argument("--boundary-service", help="ONS LSOA boundary feature service (default "
                                               "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5)")
    for x, env in ((fp, "ASSESSMENT_POLICE_UK_URL"), (fo, "ASSESSMENT_ONS_URL")):
        x.add_argument("--dest", type=Path, required=True, help="folder to write into (made if missing)")
        x.add_argument("--base-url", help=f"a mirror or proxy of the source (or set {env})")
        x.add_argument("--retries", type=int, default=4, help="retries of a failed request, with back-off (default 4)")
        x.add_argument("--quiet", action="store_true", help="no progress bar")

    d = sub.add_parser("demo", help="(re)generate the synthetic demo borough in data/demo and maps/demo")
    d.add_argument("--root", type=Path, default=None, help="project folder to write into (default: the folder of assessment.yml)")
    d.add_argument("--seed", type=int, default=None)
    return p


def _cmd_run(a) -> int:
    from .render import run_assessment  # heavy (the whole workbook): only for `run`, not for --help
    _check_period_args(a)
    out = run_assessment(a.config, year=a.year, to=a.to, out_dir=a.out, quarter=a.quarter,
                         allow_partial=a.allow_partial, kernels=a.kernels)
    print(f"wrote {out}")
    return 0


def _cmd_validate(a) -> int:
    from .config import ConfigProblems, load_config  # heavy (pydantic): only for `validate`
    from .validate import validate  # heavy (pandas, the loaders): only for `validate`
    _check_period_args(a)
    try:
        cfg = load_config(a.config, check_files=False)
    except ConfigProblems as e:   # every unknown or mistyped key, one line each
        problems = [one_line(p) for p in e.problems]
    else:
        problems = validate(cfg, year=a.year, to=a.to, allow_partial=a.allow_partial)
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 2
    print("inputs OK")
    return 0


def _cmd_batch(a) -> int:
    from .areas import parse_areas
    from .batch import parse_years, run_batch  # heavy (the whole workbook): only for `batch`
    from .config import load_config
    years = parse_years(a.years)
    areas = parse_areas(a.areas, load_config(a.config).inputs.wards) if a.areas else None
    results = run_batch(a.config, years, areas=areas, jobs=a.jobs, out_root=a.out,
                        progress=lambda line: print(line, flush=True), allow_partial=a.allow_partial,
                        scheduler=a.scheduler)
    return min(sum(not r.ok for r in results), 125)   # exit status: the number of failed runs


def _cmd_commentary(a) -> int:
    from .scaffold import write_scaffold  # heavy (the whole workbook, when it runs the period): only for `commentary`
    _check_period_args(a)
    if a.year is None and a.to is None:
        raise ConfigError("commentary: give the period: --year 2024 (for 2024/25) or --to 2025-03")
    path = write_scaffold(a.config, year=a.year, to=a.to, out=a.out, report=a.report, allow_partial=a.allow_partial,
                          log=lambda line: print(line, flush=True))
    print(f"wrote {path}: write under its headings (the prompts are notes, never shown); a run shows it when "
          "the config names it, inputs: {commentary: ...} (see data/COMMENTARY.md)")
    return 0


def _cmd_demo(a) -> int:
    from . import demo  # heavy (pandas, geopandas): only for `demo`
    if a.root is None:
        from .config import find_config  # heavy (pydantic): only for `demo`
        try:
            root = find_config().parent
        except AssessmentError:
            root = Path.cwd()
    else:
        root = a.root
    kw = {} if a.seed is None else {"seed": a.seed}
    info = demo.generate(root, **kw)
    print(f"wrote the synthetic demo borough under {root}")
    if isinstance(info, dict):
        for k, v in info.items():
            if isinstance(v, (int, str)):
                print(f"  {k}: {v}")
    return 0


def _cmd_fetch(a) -> int:
    from .fetch.http import Http  # only for `fetch` (standard library and tqdm)
    if a.source == "police-uk":
        from .fetch.police_uk import HINT, fetch_police_uk
        http = Http(retries=a.retries, progress=not a.quiet, hint=HINT)
        res = fetch_police_uk(a.force, a.start, a.end, a.dest, base=a.base_url, http=http)
        missing = res.missing
    else:
        from .fetch.ons import BOUNDARY_SERVICE, HINT, LOOKUP_SERVICE, fetch_ons
        http = Http(retries=a.retries, progress=not a.quiet, hint=HINT)
        res = fetch_ons(a.lad, a.dest, base=a.base_url, nomis=a.nomis_url, years=a.population_years,
                        lookup_service=a.lookup_service or LOOKUP_SERVICE,
                        boundary_service=a.boundary_service or BOUNDARY_SERVICE, http=http)
        missing = []
    print(f"{len(res.written)} file(s) written, {len(res.skipped)} already complete; "
          f"{http.stats.bytes:,} bytes in {http.stats.requests} request(s)")
    if res.config:
        print(f"wrote {res.config} and {res.config.parent / 'provenance.json'}")
    if missing:
        print(f"error: no police.uk archive holds the {a.force} street file for {len(missing)} month(s): "
              f"{', '.join(missing[:6])}{' ...' if len(missing) > 6 else ''}", file=sys.stderr)
        return 2
    return 0


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    cmd = {"run": _cmd_run, "validate": _cmd_validate, "demo": _cmd_demo, "batch": _cmd_batch,
           "commentary": _cmd_commentary, "fetch": _cmd_fetch}[args.command]
    try:
        return cmd(args)
    except AssessmentError as e:
        print(f"error: {one_line(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        if isinstance(e, RunInterrupted):
            print(f"error: {e}", file=sys.stderr)
            return e.exit_status
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        if os.environ.get("ASSESSMENT_DEBUG"):
            raise
        print(f"error: unexpected {type(e).__name__}: {one_line(e, 300)} (set ASSESSMENT_DEBUG=1 for details)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
