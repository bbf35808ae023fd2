"""An import's duplicates: rows whose E.164 phone or email is an earlier row's of the file or a
lead's already there, sorted out by the chosen policy (skip them, update the lead, or keep both)
and reported with what each matched: a line of the file or a lead."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from .import_check import Row
from .import_report import ImportReport, Problem

# (the row, "phone …" or "email …", the earlier row of this chunk it repeats, the lead it repeats)
Duplicate = tuple[Row, str, Row | None, int | None]


@dataclass
class SortedOut:
    """A chunk's rows by what becomes of them."""

    inserts: list[Row] = field(default_factory=list)
    updates: list[tuple[int, Row]] = field(default_factory=list)  # (lead id, the row)
    duplicates: list[Duplicate] = field(default_factory=list)


def sort_out(cursor, rows: list[Row], rows_to_check: list[Row], policy: str) -> SortedOut:
    """The chunk's rows in the file's order, by policy: the phones and emails of
    ``rows_to_check`` (the rest are known to be new) are looked up among the leads already
    written, and every row's among the chunk's rows before it."""
    by_phone = _existing(cursor, "phone", {row.lead.get("phone") for row in rows_to_check})
    by_email = _existing(cursor, "email", {row.lead.get("email") for row in rows_to_check})
    seen_phone: dict[str, Row] = {}
    seen_email: dict[str, Row] = {}
    found = SortedOut()
    for row in rows:
        lead = row.lead
        phone, email = lead.get("phone"), lead.get("email")
        if (phone and (phone in by_phone or phone in seen_phone)) or (
            email and (email in by_email or email in seen_email)
        ):
            lead_id = (phone and by_phone.get(phone)) or (email and by_email.get(email))
            earlier = (phone and seen_phone.get(phone)) or (email and seen_email.get(email))
            same_phone = phone and (phone in by_phone or phone in seen_phone)
            what = f"phone {phone}" if same_phone else f"email {email}"
            found.duplicates.append((row, what, earlier or None, lead_id or None))
            if policy == "skip":
                continue
            if policy == "update":
                if earlier:
                    _merge(earlier, row)
                else:
                    found.updates.append((lead_id, row))
                continue
        found.inserts.append(row)
        if phone:
            seen_phone.setdefault(phone, row)
        if email:
            seen_email.setdefault(email, row)
    return found


def report_duplicates(
    cursor, report: ImportReport, policy: str, duplicates: list[Duplicate], first_new_id: int
) -> None:
    """One problem per duplicate row, naming what it matched: an earlier line of the file
    (looked up in one query for rows of earlier chunks: leads from ``first_new_id`` on are this
    import's) or a lead already there."""
    ours = {i for _, _, e, i in duplicates if e is None and i >= first_new_id}
    lines = _lines_of(cursor, sorted(ours)) if ours else {}
    outcome, counter = {
        "skip": ("skipped", "duplicates"),
        "update": ("updated it", "updated"),
        "keep": ("kept both", "kept_duplicates"),
    }[policy]
    add = report.problems.add
    for row, what, earlier, lead_id in duplicates:
        if earlier is not None:
            target = f"line {earlier.line}"
        elif lead_id in lines:
            target = f"line {lines[lead_id]}"
        else:
            target = f"lead {lead_id}"
        add(Problem(row.line, "(row)", f"same {what} as {target}: {outcome}", "duplicate"))
    setattr(report, counter, getattr(report, counter) + len(duplicates))


def _existing(cursor, column: str, keys: set[str | None]) -> dict[str, int]:
    keys.discard(None)
    found: dict[str, int] = {}
    for batch in _batches(cursor, list(keys)):
        marks = ", ".join("?" * len(batch))
        found.update(
            cursor.execute(
                f"SELECT {column}, min(id) FROM lead WHERE {column} IN ({marks}) GROUP BY {column}",
                batch,
            ).fetchall()
        )
    return found


def _lines_of(cursor, lead_ids: list[int]) -> dict[int, int]:
    """The file's line for each of these new leads (from the runs in ``import_line``)."""
    found: dict[int, int] = {}
    for batch in _batches(cursor, lead_ids):
        wanted = ", ".join(["(?)"] * len(batch))
        found.update(
            cursor.execute(
                f"WITH wanted(id) AS (VALUES {wanted}) "
                "SELECT id, (SELECT line + wanted.id - lead_id FROM temp.import_line "
                "WHERE lead_id <= wanted.id ORDER BY lead_id DESC LIMIT 1) FROM wanted",
                batch,
            ).fetchall()
        )
    return found


def _batches(cursor, items: list):
    """``items`` in runs one statement can bind: SQLite's limit is 32766 parameters since 3.32
    and 999 before."""
    per = max(1, cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    for start in range(0, len(items), per):
        yield items[start : start + per]


def _merge(earlier: Row, row: Row) -> None:
    """A later row of the file updates an earlier one not yet written."""
    earlier.lead.update(row.lead)
    have = {(kind, body) for kind, body, _, _ in earlier.notes}
    earlier.notes = [*earlier.notes, *(n for n in row.notes if (n[0], n[1]) not in have)]
    earlier.referrer = row.referrer or earlier.referrer
