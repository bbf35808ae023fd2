"""Child processes the benchmark starts fresh, so each start (or import) and its memory are
measured alone.

``python -m tests.bench.probe start callq|hello [--db PATH]`` runs the app (headless: a
recording driver at 80×24 instead of a terminal) and prints one JSON line the moment the queue's
first row has been painted; it then lets the app settle briefly and exits. The parent times the
whole start from spawn to that line and reads the child's peak memory from ``wait4``.

``python -m tests.bench.probe import callq|raw --csv FILE --db PATH`` imports a CSV file into a
new database and prints the rows and seconds the import took.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

SETTLE_S = 0.3  # keep running this long after the first queue frame, so background loads count


def build_app(kind: str, db: str | None, now: str, rep: str):
    """The app as its command line builds it: callq through its CLI's own context."""
    if kind == "hello":
        from tests.bench.hello_app import HelloApp

        return HelloApp()
    from tui.app import make_app
    from tui.cli import build_parser
    from tui.cli.context import Context

    args = build_parser().parse_args(["--db", db, "--now", now, "--rep", rep])
    ctx = Context(args)
    ctx.open()
    return make_app(ctx)


def start(kind: str, db: str | None, now: str, rep: str, settle: float) -> int:
    from tests.bench.screen import RecordingDriver, queue_marker, record

    app = build_app(kind, db, now, rep)
    record(app)
    seen = []

    def on_write(data: str) -> None:
        if seen and seen[0] is True:
            return
        marker = queue_marker(app)
        if marker is None:
            return
        seen.append(data)
        if marker in "".join(seen[-3:]):
            seen[:] = [True]
            _report({"ready": time.perf_counter(), "marker": marker})
            if settle > 0:
                app.set_timer(settle, app.exit)
            else:
                app.call_later(app.exit)

    RecordingDriver.listener = staticmethod(on_write)
    app.run(size=(80, 24))
    if not seen or seen[0] is not True:
        _report({"error": "the queue never appeared on screen"})
        return 1
    _report({"peak_kib": peak_kib()})
    return 0


def peak_kib() -> int | None:
    """This process's peak resident memory (VmHWM) in KiB.

    Not ``ru_maxrss`` as the parent's ``wait4`` sees it: on Linux that is at least the parent's
    size when it forked (the high-water mark survives into the child), so a child of a big
    benchmark process would look as big as its parent."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def import_csv(kind: str, csv_path: str, db_path: str) -> int:
    """Import ``csv_path`` into a new database at ``db_path``: with callq's importer (validation,
    E.164, zone suggestion, duplicates) or, as the baseline, raw sqlite3 ``executemany`` of the
    same rows as they stand. Reports rows and seconds (the import alone, not the start-up)."""
    from models.db import close_database, open_database

    from .generate import NOW, REP

    open_database(db_path)
    if kind == "callq":
        from models.importing import plan_import, run_import
        from models.reps import current_rep

        rep = current_rep(REP, now=NOW)
        started = time.perf_counter()
        report = run_import(plan_import(csv_path), owner=rep, now=NOW)
        took = time.perf_counter() - started
        close_database()
        if not report.written:
            _report({"error": f"nothing written: {report.summary()}"})
            return 1
        rows = report.imported
    else:
        close_database()  # the schema is made; from here on it is sqlite3 alone
        rows, took = _import_raw(csv_path, db_path)
    _report({"rows": rows, "seconds": took, "peak_kib": peak_kib()})
    return 0


def _import_raw(csv_path: str, db_path: str) -> tuple[int, float]:
    import csv
    import sqlite3

    from models.fields import to_db
    from models.schema import Lead

    from .generate import NOW, Bulk

    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode = wal")
    con.execute("PRAGMA synchronous = normal")
    given = ["name", "company", "title", "phone", "email", "zone", "industry", "source"]
    bulk = Bulk(con, Lead, [*given, "created_at", "updated_at"])
    stamp = to_db(NOW)
    started = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch = []
        for first, last, company, title, phone, email, industry, source in reader:
            batch.append(
                (f"{first} {last}", company, title, phone, email, "UTC", industry, source, stamp,
                 stamp)
            )  # fmt: skip
            if len(batch) == 10_000:
                bulk.insert(batch)
                batch = []
        bulk.insert(batch)
    con.execute("COMMIT")
    took = time.perf_counter() - started
    con.close()
    return bulk.count, took


def _report(data: dict) -> None:
    # Textual captures sys.stdout while it runs; the parent reads the real one.
    os.write(1, (json.dumps(data) + "\n").encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.probe")
    sub = parser.add_subparsers(dest="what", required=True)
    p_start = sub.add_parser("start")
    p_start.add_argument("kind", choices=["callq", "hello"])
    p_start.add_argument("--db")
    p_start.add_argument("--now", default="2026-11-23T14:00:00Z")
    p_start.add_argument("--rep", default="bench")
    p_start.add_argument("--settle", type=float, default=SETTLE_S)
    p_import = sub.add_parser("import")
    p_import.add_argument("kind", choices=["callq", "raw"])
    p_import.add_argument("--csv", required=True)
    p_import.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    if args.what == "import":
        return import_csv(args.kind, args.csv, args.db)
    return start(args.kind, args.db, args.now, args.rep, args.settle)


if __name__ == "__main__":
    sys.exit(main())
