"""``callq export --format csv|json|vcard|ical [--out FILE]``."""

from __future__ import annotations

import os
import sys

from models.exporting import FORMATS, export, export_to_file


def register(sub) -> None:
    cmd = sub.add_parser(
        "export",
        help="export leads (CSV, JSON, vCard) or scheduled touches (iCal)",
        description="Export every lead with its fields and notes (csv, json, vcard) or the "
        "scheduled touches as calendar events (ical). CSV and vCard re-import with nothing "
        "lost. Files are written readable by you only (0600).",
    )
    cmd.add_argument(
        "--format",
        choices=list(FORMATS),
        default="csv",
        help="; ".join(f"{k}: {v}" for k, v in FORMATS.items()),
    )
    cmd.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    cmd.set_defaults(handler=cmd_export)


def cmd_export(ctx) -> int:
    args = ctx.args
    ctx.open()
    if args.out:
        count = export_to_file(args.format, args.out, now=ctx.now)
        what = "touches" if args.format == "ical" else "leads"
        print(f"exported {count} {what} to {args.out}", file=sys.stderr)
        return 0
    try:
        export(args.format, sys.stdout, now=ctx.now)
        sys.stdout.flush()
    except BrokenPipeError:  # `callq export | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
