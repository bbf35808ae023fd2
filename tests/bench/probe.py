"""Child processes the benchmark starts fresh, so each start (or import) and its memory are
measured alone.

``python -m tests.bench.probe start callq|hello [--db PATH]`` runs the app (headless: a
recording driver at 80×24 instead of a terminal) and prints one JSON line the moment the queue's
first row has been painted; it then lets the app settle briefly and exits. The parent times the
whole start from spawn to that line and reads the child's peak memory from ``wait4``.

``python -m tests.bench.probe import callq|raw --csv FILE --rows N`` imports a CSV file into a
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
    from tui.cli import parse_args
    from tui.cli.context import Context

    args = parse_args(["--db", db, "--now", now, "--rep", rep])
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


def import_csv(kind: str, csv_path: str, rows: int) -> int:
    """Import ``csv_path`` with the import benchmark's own functions (tests/bench/bench_import.py,
    issue 7): callq's importer (validation, E.164, zone suggestion, duplicates) into a fresh
    callq database, or raw sqlite3 ``executemany`` of the same rows. Reports the seconds the
    import alone took and this process's peak memory."""
    import tempfile
    from pathlib import Path

    from tests.bench.bench_import import time_callq, time_raw_sqlite

    timed = time_callq if kind == "callq" else time_raw_sqlite
    with tempfile.TemporaryDirectory() as work:
        took = timed(Path(csv_path), Path(work))
    _report({"rows": rows, "seconds": took, "peak_kib": peak_kib()})
    return 0


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
    p_import.add_argument("--rows", type=int, required=True)
    args = parser.parse_args(argv)
    if args.what == "import":
        return import_csv(args.kind, args.csv, args.rows)
    return start(args.kind, args.db, args.now, args.rep, args.settle)


if __name__ == "__main__":
    sys.exit(main())
