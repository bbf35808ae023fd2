"""``python -m tests.bench`` (``make bench``): generate the databases, run P1–P7 beside their
baselines, print the table, write the JSON, and with ``--readme`` refresh README's Performance.

    make bench                              # 100k leads, the usual repetitions
    make bench ARGS="--sizes 100k,1m"       # also 1M leads (the first run generates ~1 GB)
    make bench ARGS="--only P3,P5 --samples 200"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import generate, harness
from .harness import NotLanded, Row
from .measures import MEASURES, SUBJECTS, Plan


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="100k", help="lead counts, e.g. 100k,1m (default 100k)")
    parser.add_argument("--runs", type=int, default=5, help="process starts / pty sessions each")
    parser.add_argument("--samples", type=int, default=30, help="rebuilds, keystrokes, outcomes")
    parser.add_argument("--only", help="measures to run, e.g. P1,P3 (P2 comes with P1)")
    parser.add_argument("--import-rows", default="100k", help="rows in the P6 CSV file")
    parser.add_argument("--cache", type=Path, default=generate.CACHE_DIR, help="generated files")
    parser.add_argument("--results", type=Path, default=harness.RESULTS_DIR, help="JSON output")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument(
        "--readme-from", type=Path, metavar="JSON", help="write a saved run's table into README"
    )
    parser.add_argument(
        "--tiny", action="store_true", help="a seconds-long smoke run (tiny sizes, one of each)"
    )
    return parser


def main(argv: list[str] | None = None, out=None) -> int:
    args = build_parser().parse_args(argv)
    out = out or sys.stdout
    if args.readme_from:  # a finished run's JSON into README, without measuring again
        harness.update_readme(harness.readme_block(json.loads(args.readme_from.read_text())))
        print(f"README: {harness.README}", file=out)
        return 0

    def log(message: str) -> None:
        print(message, file=out, flush=True)

    if args.tiny:
        sizes, import_rows = [300], 300
    else:
        sizes = sorted({harness.parse_size(s) for s in args.sizes.split(",") if s.strip()})
        import_rows = harness.parse_size(args.import_rows)
    wanted = _wanted(args.only)
    started = dt.datetime.now(dt.UTC)
    info = harness.machine()
    log(f"callq benchmark on {harness.machine_line(info)}")

    harness.compile_sources()
    workdir = Path(tempfile.mkdtemp(prefix="callq-bench-"))
    try:
        dbs = {}
        for size in sizes:
            cached = generate.cached_database(size, args.cache, log=log)
            dbs[size] = generate.working_copy(cached, workdir / f"db-{size}")
        csv = {}
        if "P6" in wanted:
            counts = {import_rows}
            if not args.tiny and max(sizes) >= 1_000_000:
                counts.add(1_000_000)  # the memory of a 1M-row import, beside 100k rows
            csv = {n: generate.cached_csv(n, args.cache) for n in sorted(counts)}
        plan = Plan(
            runs=1 if args.tiny else args.runs,
            samples=3 if args.tiny else args.samples,
            dbs=dbs,
            csv=csv,
            workdir=workdir,
            warmup=not args.tiny,
            settle=0.0 if args.tiny else 0.3,
            quiet=0.1 if args.tiny else 0.25,
            log=log,
        )
        rows: list[Row] = []
        for key in wanted:
            function, title = MEASURES[key]
            began = time.perf_counter()
            log(f"{key}: {title} …")
            try:
                rows += function(plan)
            except NotLanded as missing:
                rows += [Row(m, title, "", "", not_measured=str(missing)) for m in SUBJECTS[key]]
            except Exception as exc:  # a broken measure is reported, and the others still run
                traceback.print_exc(file=sys.stderr)
                rows += [
                    Row(m, title, "", "", not_measured=f"failed: {exc}") for m in SUBJECTS[key]
                ]
            log(f"{key}: done in {time.perf_counter() - began:.1f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    text = harness.table(rows)
    log("")
    log(text)
    results = {
        "started": started.isoformat(timespec="seconds"),
        "machine": info,
        "sizes": sizes,
        "import_rows": import_rows,
        "runs": plan.runs,
        "samples": plan.samples,
        "tiny": args.tiny,
        "schema": generate.schema_key(),
        "rows": [row.as_dict() for row in rows],
    }
    path = harness.write_json(results, args.results)
    log(f"\nresults: {path}")
    if args.readme:
        harness.update_readme(harness.readme_block(results))
        log(f"README: {harness.README}")
    failed = [r for r in rows if r.not_measured.startswith("failed")]
    return 1 if failed else 0


def _wanted(only: str | None) -> list[str]:
    if not only:
        return list(MEASURES)
    keys = []
    for name in only.upper().replace(" ", "").split(","):
        key = {"P2": "P1"}.get(name, name)
        if key not in MEASURES:
            raise SystemExit(f"unknown measure {name!r}; choose from P1–P7")
        if key not in keys:
            keys.append(key)
    return keys


if __name__ == "__main__":
    sys.exit(main())
