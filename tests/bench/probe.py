"""Child processes the benchmark starts fresh, so each start and its memory are measured alone.

``python -m tests.bench.probe start callq|hello [--db PATH]`` runs the app (headless: a
recording driver at 80×24 instead of a terminal) and prints one JSON line the moment the queue's
first row has been painted; it then lets the app settle briefly and exits. The parent times the
whole start from spawn to that line and reads the child's peak memory from ``wait4``.
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
    args = parser.parse_args(argv)
    return start(args.kind, args.db, args.now, args.rep, args.settle)


if __name__ == "__main__":
    sys.exit(main())
