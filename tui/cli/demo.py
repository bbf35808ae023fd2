"""``callq demo``: a realistic demo database."""

from __future__ import annotations

from models.demo import build_demo
from models.errors import CallqError


def register(sub) -> None:
    demo = sub.add_parser("demo", help="fill the database with realistic demo leads")
    demo.add_argument("--leads", type=int, default=60, help="how many leads (default 60)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    demo.add_argument("--json", action="store_true")
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(ctx) -> int:
    if not 1 <= ctx.args.leads <= 2_000_000:
        raise CallqError(f"--leads: {ctx.args.leads} is out of range (1 to 2000000)")
    db = ctx.open()
    made = build_demo(leads=ctx.args.leads, rep=ctx.rep, now=ctx.now, seed=ctx.args.seed)
    if ctx.args.json:
        ctx.emit_json({"database": db.database, "leads": made})
    else:
        print(f"demo: {made} leads in {db.database}")
    return 0
