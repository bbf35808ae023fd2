"""``callq import FILE``: preview the mapping, validate every row, write all or nothing."""

from __future__ import annotations

import shutil
import sys
import time

from models.errors import CallqError
from models.import_formats import FIELDS
from models.importing import (
    DUPLICATE_POLICIES,
    ImportOptions,
    delete_mapping,
    plan_import,
    run_import,
    save_mapping,
    saved_mappings,
)

from . import PROG
from ._text import wrap

PROBLEMS_SHOWN = 200  # on a terminal; --json and a pipe get every one


def register(sub) -> None:
    cmd = sub.add_parser(
        "import",
        help="import leads from a CSV or vCard file (all or nothing by default)",
        description="Import leads from CSV (Google Contacts, Outlook, HubSpot, Salesforce, "
        "LinkedIn, callq's own export, or any sheet with a header row) or vCard 3.0/4.0. "
        "The mapping of columns to fields is shown first. Any invalid row means nothing is "
        "written, unless --skip-invalid.",
    )
    cmd.add_argument("file", nargs="?", help="the file to import")
    cmd.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="take FIELD from COLUMN ('A|B': first non-empty; 'FIELD=' ignores it). "
        f"Fields: {', '.join(FIELDS)}",
    )
    cmd.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="FIELD:WORD=VALUE",
        help="read WORD in FIELD (industry, source, status, channel) as VALUE, "
        "e.g. industry:Banking=office",
    )
    cmd.add_argument("--mapping", metavar="NAME", help="use the mapping saved as NAME")
    cmd.add_argument("--save-mapping", metavar="NAME", help="save this file's mapping as NAME")
    cmd.add_argument(
        "--duplicates",
        choices=list(DUPLICATE_POLICIES),
        default="skip",
        help="same phone or email as a lead already there or earlier in the file: "
        "skip (default), update it, or keep both",
    )
    cmd.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows; copy the invalid ones unchanged to FILE.rejects.EXT",
    )
    cmd.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    cmd.add_argument("--preview", action="store_true", help="show the mapping only; read no rows")
    cmd.add_argument("--region", metavar="CC", help="region for numbers without a country code")
    cmd.add_argument(
        "--default-zone", metavar="ZONE", help="zone for rows with neither a zone nor a phone"
    )
    cmd.add_argument("--encoding", help="the file's encoding (default: detected)")
    cmd.add_argument("--delimiter", help="comma, semicolon, tab or pipe (default: detected)")
    cmd.add_argument("--list-mappings", action="store_true", help="list saved mappings")
    cmd.add_argument("--delete-mapping", metavar="NAME", help="delete a saved mapping")
    cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    cmd.set_defaults(handler=cmd_import)


def cmd_import(ctx) -> int:
    args = ctx.args
    if args.list_mappings or args.delete_mapping:
        return _mappings(ctx)
    if not args.file:
        raise CallqError("import: give the FILE to import (callq import --help)")
    ctx.open()
    options = ImportOptions(
        region=(args.region or ctx.settings.default_region).upper(),
        duplicates=args.duplicates,
        skip_invalid=args.skip_invalid,
        dry_run=args.dry_run,
        encoding=args.encoding,
        delimiter=args.delimiter,
        overrides=args.map,
        values=args.value,
        mapping_name=args.mapping,
        default_zone=args.default_zone,
        sources=ctx.sources,
    )
    plan = plan_import(args.file, options)
    if args.save_mapping:
        save_mapping(args.save_mapping, plan.mapping, now=ctx.now)
    if not args.json:
        on_terminal = sys.stdout.isatty()
        for line in plan.describe():
            indent = " " * (len(line) - len(line.lstrip()) + 2)
            print(wrap(line, "", indent) if on_terminal else line)
        if args.save_mapping:
            print(f"saved the mapping as {args.save_mapping!r}")
    if args.preview:
        if args.json:
            ctx.emit_json({"plan": plan.as_dict()})
        return 0
    try:
        with _ProgressBar(plan.path.name) as bar:
            report = run_import(plan, options, owner=ctx.rep, now=ctx.now, progress=bar.update)
    except KeyboardInterrupt:
        # The import writes in one transaction, rolled back on the way out.
        print(f"{PROG}: import of {plan.path} stopped (ctrl+c): nothing imported", file=sys.stderr)
        raise
    try:
        if args.json:
            ctx.emit_json({"plan": plan.as_dict(), "report": report.as_dict()})
        else:
            _print_report(report)
        if report.errors and not args.skip_invalid:
            first = next(p for p in report.problems if p.kind == "error")
            more = report.errors - 1
            raise CallqError(
                f"{plan.path}:{first.line}: {first.column}: {first.reason}"
                + (f" (and {more} more {'problem' if more == 1 else 'problems'})" if more else "")
                + ("; nothing imported" if not args.dry_run else "")
                + " (--skip-invalid imports the valid rows)"
            )
    finally:
        report.problems.close()
    return 0


def _print_report(report) -> None:
    limit = PROBLEMS_SHOWN if sys.stdout.isatty() else None
    for shown, problem in enumerate(report.problems):
        if limit is not None and shown >= limit:
            print(f"… and {len(report.problems) - shown} more (--json lists every one)")
            break
        label = {"error": "", "warning": "warning: ", "duplicate": "duplicate: "}[problem.kind]
        line = f"{report.plan.path}:{problem.line}: {problem.column}: {label}{problem.reason}"
        print(wrap(line, "", "  ") if limit is not None else line)
    prefix = "dry run: " if report.dry_run else ""
    if not report.written and not report.dry_run:
        prefix = "nothing written: "
    summary = prefix + report.summary()
    print(wrap(summary, "", "  ") if sys.stdout.isatty() else summary)
    if report.rejects_file:
        print(f"rejected rows, unchanged: {report.rejects_file}")


def _mappings(ctx) -> int:
    ctx.open()
    if ctx.args.delete_mapping:
        delete_mapping(ctx.args.delete_mapping)
        if not ctx.args.json:
            print(f"deleted mapping {ctx.args.delete_mapping!r}")
        return 0
    found = saved_mappings()
    if ctx.args.json:
        ctx.emit_json({name: {"columns": m.columns, "values": m.values} for name, m in found})
        return 0
    if not found:
        print("no saved mappings (callq import FILE --map … --save-mapping NAME)")
    for name, mapping in found:
        print(name)
        for line in mapping.describe():
            print("  " + line)
    return 0


def bar_line(label: str, done: int, total: int, rows: int, rate: float, columns: int) -> str:
    """The progress line, narrower than the terminal (a line as wide would wrap): the file's
    name is shortened to leave the bar at least ten marks, and the figures come whole."""
    fraction = done / total if total else 1.0
    figures = f" {fraction:4.0%} {rows:,} rows {rate:,.0f}/s"
    room = columns - 1 - len(figures) - 3  # the bar's brackets and the space before them
    width = max(0, min(30, max(10, room - len(label)), room))
    if len(label) > room - width:
        keep = room - width - 1
        label = label[:keep] + "…" if keep > 0 else ""
    filled = int(width * fraction)
    line = f"{label} [{'#' * filled}{'.' * (width - filled)}]{figures}"
    return line.lstrip()[: max(0, columns - 1)]


class _ProgressBar:
    """A progress bar on stderr for long files: only on a terminal, only after a moment."""

    DELAY = 0.5

    def __init__(self, label: str):
        self.label = label
        self.started = time.monotonic()
        self.live = sys.stderr.isatty()
        self.shown = False

    def __enter__(self):
        return self

    def update(self, done: int, total: int, rows: int) -> None:
        if not self.live:
            return
        elapsed = time.monotonic() - self.started
        if elapsed < self.DELAY:
            return
        columns = shutil.get_terminal_size().columns
        line = bar_line(self.label, done, total, rows, rows / elapsed, columns)
        sys.stderr.write(f"\r{line}\x1b[K")  # over the last one, whatever its length
        sys.stderr.flush()
        self.shown = True

    def __exit__(self, *exc) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
