"""``callq`` with no command: checks the terminal, opens (or creates the demo) database, runs the
workstation."""

from __future__ import annotations

import os
import sys

from models.db import resolve_target
from models.errors import CallqError


def run_workstation(ctx) -> int:
    """Open the full-screen workstation; refuses without a terminal (Textual would spin)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty() and sys.stderr.isatty()):
        raise CallqError(
            "the workstation needs a terminal on stdin, stdout and stderr; "
            "for scripts use the subcommands (callq --help)"
        )
    first_run = (
        not ctx.args.db
        and not os.environ.get("CALLQ_DB")
        and not os.path.exists(resolve_target(None))
    )
    db = ctx.open()
    notice = None
    if first_run:
        from models.demo import build_demo

        made = build_demo(rep=ctx.rep, now=ctx.now)
        notice = (
            f"First run: {db.database} holds {made} demo leads. "
            "Use --db PATH for a database of your own."
        )
    from tui.app import make_app

    app = make_app(ctx, notice=notice)
    app.run(mouse=not ctx.args.no_mouse)
    return app.return_code or 0
