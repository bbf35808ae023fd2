"""Importing leads from CSV and vCard files without losing or mangling a row silently.

:func:`plan_import` reads only the head of a file: its encoding, kind, delimiter, header and the
mapping of columns to lead fields, for the preview. :func:`run_import` then streams the file:
each row is validated (every problem reported with line, column and reason), checked for
duplicates (same E.164 phone or email, in the file or the database) and written in chunks inside
one write transaction. By default any invalid row means nothing is written; with
``skip_invalid`` the valid rows land and the rejected ones are copied, unchanged, into a rejects
file beside the input. Memory stays flat however long the file: rows are never all held, and the
problem list spills to a temporary file.

This module is the entry point; the work is done by role: :mod:`models.import_plan` (options,
the plan, saved mappings), :mod:`models.import_rows` (reading records),
:mod:`models.import_check` (validating rows), :mod:`models.import_sheet` (a common sheet's,
a chunk at a time), :mod:`models.import_feed` (checking them in a second process),
:mod:`models.import_write` (writing them), :mod:`models.import_rejects` (the rejects file) and
:mod:`models.import_report` (what a run found).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from . import clock
from .db import write_transaction
from .errors import CallqError, FieldError
from .import_check import RowChecker, carries_rare_fields
from .import_feed import checked_chunks
from .import_plan import (
    DUPLICATE_POLICIES,
    ImportOptions,
    ImportPlan,
    delete_mapping,
    load_mapping,
    plan_import,
    save_mapping,
    saved_mappings,
)
from .import_report import ImportReport, Problem, ProblemLog
from .import_rows import csv_rows, vcard_rows
from .import_write import Writer
from .phones import check_zone
from .schema import ImportRun, Rep

__all__ = [
    "DUPLICATE_POLICIES",
    "ImportOptions",
    "ImportPlan",
    "ImportReport",
    "Problem",
    "ProblemLog",
    "delete_mapping",
    "load_mapping",
    "plan_import",
    "run_import",
    "save_mapping",
    "saved_mappings",
]

Progress = Callable[[int, int, int], None]  # (bytes read, file size, rows read)


def run_import(
    plan: ImportPlan,
    options: ImportOptions | None = None,
    *,
    owner: Rep | None = None,
    now=None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the planned file; returns the report. The database is either fully written (the
    valid rows) or untouched: a fatal error raises :class:`CallqError` and writes nothing."""
    options = options or ImportOptions()
    now = clock.resolve(now)
    if options.duplicates not in DUPLICATE_POLICIES:
        raise CallqError(
            f"--duplicates: {options.duplicates!r}; choose one of: {', '.join(DUPLICATE_POLICIES)}"
        )
    default_zone = None
    if options.default_zone:
        try:
            default_zone = check_zone(options.default_zone)
        except FieldError as exc:
            raise CallqError(f"--default-zone: {exc.reason}") from None
    report = ImportReport(plan, options.duplicates, options.dry_run, options.skip_invalid)
    keep_text = options.skip_invalid and not options.dry_run
    rare = carries_rare_fields(plan.mapping)
    writer = Writer(report, options, owner, now, every_column=rare)
    checker = RowChecker(
        plan.mapping,
        options.region,
        default_zone,
        owner_id=writer.owner_id,
        now=now,
        sources=options.sources,
    )
    total = plan.path.stat().st_size
    try:
        with write_transaction():
            writer.start()
            if plan.kind == "vcard":
                records = vcard_rows(plan, checker)
            else:
                records = csv_rows(plan, checker, keep_text)
            writer.rejects.header, writer.rejects.encoding = records.header_text, plan.encoding
            # Closed on the way out, so an error here also stops a process checking them.
            chunks = checked_chunks(records, checker, size=total)
            with contextlib.closing(chunks):
                first = True
                for chunk in chunks:
                    if first:
                        # A file that adds at least as many leads as the table holds: build
                        # the indexes the import does not read once at the end instead of
                        # row by row.
                        read = max(chunk.position, 1)
                        writer.expect(chunk.found.read * total // read)
                    first = False
                    writer.take(chunk.found)
                    if isinstance(chunk.rows, list):
                        writer.write(chunk.rows)
                    else:
                        writer.write_packed(chunk.rows)
                    if progress is not None:
                        progress(chunk.position, total, report.read)
            writer.finish()
            if progress is not None:
                progress(total, total, report.read)
            failed = report.errors and not options.skip_invalid
            if options.dry_run or failed:
                raise _RollBack
            ImportRun.create(
                rep=owner,
                path=str(plan.path),
                format=plan.mapping.format,
                policy=options.duplicates,
                started_at=now,
                finished_at=now,
                rows_read=report.read,
                imported=report.imported,
                updated=report.updated,
                duplicates=report.duplicates,
                rejected=report.rejected,
                problems=len(report.problems),
            )
            writer.restore_indexes()
            writer.rejects.keep()
            report.problems.flush()
            report.written = True
    except _RollBack:
        writer.rejects.discard()
    except BaseException:
        writer.rejects.discard()
        raise
    finally:
        writer.close()
    return report


class _RollBack(Exception):
    """Leave the transaction without writing (a dry run, or invalid rows)."""
