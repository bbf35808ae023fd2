"""``callq source list``: where leads come from (the shipped list plus your own)."""

from __future__ import annotations

from models.sources import source_rows


def register(sub) -> None:
    src = sub.add_parser("source", help="lead sources: the shipped list plus your own")
    verbs = src.add_subparsers(dest="verb", metavar="VERB", required=True)
    ls = verbs.add_parser(
        "list",
        help="every source a lead may have",
        description="Add your own sources in the settings file: [sources] trade_press = "
        '"Trade press article"',
    )
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)


def cmd_list(ctx) -> int:
    rows = source_rows(ctx.sources)
    if ctx.args.json:
        ctx.emit_json(rows)
        return 0
    for row in rows:
        mark = "" if row["shipped"] else "  (yours)"
        print(f"{row['key']:<22}{row['label']}{mark}")
    return 0
