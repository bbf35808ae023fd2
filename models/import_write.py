"""Writing an import's checked rows: duplicates found by phone and email (in the file or the
database) and handled by the chosen policy (:mod:`models.import_duplicates`), leads and notes
inserted in chunks, the indexes the import does not read set aside for a big import
(:mod:`models.import_indexes`), referrals linked at the end."""

from __future__ import annotations

import contextlib
import operator
import sqlite3
from typing import TYPE_CHECKING

from .fields import to_db
from .import_check import Findings, Row
from .import_duplicates import report_duplicates, sort_out
from .import_indexes import RARE_ROW_INDEXES, SetAside
from .import_keys import KnownKeys
from .import_rejects import RejectsFile
from .import_report import ImportReport, Problem
from .schema import Lead, Rep, database

if TYPE_CHECKING:
    from .import_plan import ImportOptions
    from .import_sheet import PackedRows

DEFER_INDEXES_FROM = 5000  # rows: smaller imports keep every index up to date as they go
# The page cache while importing (KiB; the connection's own is 2 MiB): it holds most of the
# phone and email index pages that a 100k-lead import looks duplicates up in and adds to (a
# quarter fewer page reads than with 2 MiB), and rebuilt indexes are sorted in it. A fixed
# size, so memory stays flat however many leads there are.
IMPORT_CACHE_KIB = 4000

# The lead columns a row of a common sheet can set (the rest are the same for every row).
COMMON_COLUMNS = (
    "name",
    "company",
    "title",
    "phone",
    "phone_raw",
    "email",
    "zone",
    "industry",
    "source",
)
PHONE, EMAIL = COMMON_COLUMNS.index("phone"), COMMON_COLUMNS.index("email")  # in a packed lead
_KEYS = operator.itemgetter(PHONE, EMAIL)
# The lead table's columns an import writes: all but the referrer (linked at the end, once every
# row is in) and the introduction variant (assigned by rotation at the first touch).
LEAD_COLUMNS = tuple(
    f.column_name for f in Lead._meta.sorted_fields if f.name not in ("referred_by", "variant")
)


class Writer:
    """Writes validated rows in chunks: duplicates found in SQL by the phone and email indexes
    (rows of earlier chunks are already in the table), leads and notes by executemany."""

    def __init__(
        self,
        report: ImportReport,
        options: ImportOptions,
        owner: Rep | None,
        now,
        *,
        every_column: bool = True,
    ):
        self.report = report
        self.policy = options.duplicates
        self.keep_rejects = options.skip_invalid and not options.dry_run
        self.rejects = RejectsFile(report)
        self.owner_id = owner.id if owner is not None else None
        self.now = now
        self.now_db = to_db(now)
        self._cursor = None
        self._cache_before: int | None = None  # the connection's page cache, put back by close()
        self._next_id = 0
        self._first_new_id = 0
        self.set_aside = SetAside()  # the indexes a big import drops and builds again
        self._known: KnownKeys | None = None  # for a big import: the phones and emails met
        self._every_column = every_column
        self._authors: dict[str, int] = {}  # note authors named in the file → rep ids
        base = {column: None for column in LEAD_COLUMNS}
        for column in LEAD_COLUMNS:
            name = column.removesuffix("_id")
            model_field = Lead._meta.fields.get(name)
            if model_field is not None and model_field.default is not None:
                default = model_field.default
                base[column] = int(default) if isinstance(default, bool) else default
        base.update(
            owner_id=self.owner_id,
            next_touch_at=self.now_db,
            created_at=self.now_db,
            updated_at=self.now_db,
        )
        # Columns no row of this file can set are the same for every lead: they go into the
        # statement as constants, compiled once, instead of being bound on every row (binding
        # twenty unchanging values costs about as much as the rest of the insert).
        bound = [c for c in LEAD_COLUMNS if c != "id" and (every_column or c in COMMON_COLUMNS)]
        constant = [c for c in LEAD_COLUMNS if c != "id" and c not in bound]
        self._defaults = {c: base[c] for c in bound}
        self._bound_values = operator.itemgetter(*bound)
        self._insert_lead = (
            f"INSERT INTO lead (id, {', '.join(bound + constant)}) VALUES "
            f"(?, {', '.join('?' * len(bound))}"
            + "".join(f", {_sql_literal(base[c])}" for c in constant)
            + ")"
        )
        # Packed rows (a common sheet's): the columns a row may leave out get their defaults in
        # SQL, and the ids are the table's next ones, as SQLite gives them. A checked sheet gives
        # "" for no phone as written: binding None costs sqlite3 a look-up on every row.
        given = ", ".join(
            "nullif(?, '')"
            if c == "phone_raw"
            else "?"
            if base[c] is None
            else f"coalesce(?, {_sql_literal(base[c])})"
            for c in COMMON_COLUMNS
        )
        rest = [c for c in LEAD_COLUMNS if c != "id" and c not in COMMON_COLUMNS]
        self._insert_packed_sql = (
            f"INSERT INTO lead ({', '.join(COMMON_COLUMNS + tuple(rest))}) VALUES ({given}"
            + "".join(f", {_sql_literal(base[c])}" for c in rest)
            + ")"
        )

    def start(self) -> None:
        self._cursor = database.obj.cursor()
        cursor = self._cursor
        self._cache_before = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        # Which line each new lead came from, for "same phone as line N": kept as runs (an
        # entry only where a lead's line stops following the previous lead's by one), so a
        # clean file adds a handful of entries, not one a row.
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_line "
            "(lead_id INTEGER PRIMARY KEY, line INTEGER NOT NULL)"
        )
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_referrer "
            "(lead_id INTEGER PRIMARY KEY, line INTEGER NOT NULL, referrer TEXT NOT NULL)"
        )
        cursor.execute("DELETE FROM temp.import_line")
        cursor.execute("DELETE FROM temp.import_referrer")
        self._next_id = cursor.execute("SELECT coalesce(max(id), 0) FROM lead").fetchone()[0] + 1
        self._first_new_id = self._next_id
        self._line_offset = None  # line minus id of the lead inserted last

    def expect(self, expected: int) -> None:
        """Get ready for about ``expected`` new leads. When they at least match the table:
        remember the table's phones and emails (a row first in the file with its own then
        needs no look-up), and drop the secondary indexes that the import does not read:
        rebuilding them once costs less than keeping them row by row. It reads phone, and
        email only when a row may repeat one: the email index, the dearest to keep (a third
        of the insert), is built again when the first such row comes, which a clean file never
        brings. Inside the write transaction: a rollback puts them back as they were."""
        cursor = self._cursor
        existing = self._existing_leads(cursor)
        if expected < max(DEFER_INDEXES_FROM, existing):
            return
        self._known = KnownKeys(cursor, table_empty=not existing)
        kept = ["lead_phone"] if self._every_column else ["lead_phone", *RARE_ROW_INDEXES]
        self.set_aside.drop(cursor, kept)

    def restore_indexes(self) -> None:
        """Build again, exactly as they were, the indexes :meth:`expect` dropped."""
        self.set_aside.build_all(self._cursor)

    @staticmethod
    def _existing_leads(cursor) -> int:
        return cursor.execute("SELECT count(*) FROM lead").fetchone()[0]

    def take(self, found: Findings) -> None:
        """Add what checking found to the report, in order; refused rows' text (when kept) goes
        into the rejects file."""
        report = self.report
        report.read += found.read
        report.rejected += found.rejected
        add = report.problems.add
        for problem in found.problems:
            add(problem)
        if not self.keep_rejects or not found.rejects:
            return
        self.rejects.write(found.rejects)

    def write(self, rows: list[Row]) -> None:
        """Write a chunk of rows, in the file's order."""
        cursor = self._cursor
        if self._known is not None:
            rows_to_check = self._known.maybe_duplicates(rows)
            if not rows_to_check:
                self._insert(cursor, rows)
                return
        else:
            rows_to_check = rows
        self._write(cursor, rows, rows_to_check)

    def write_packed(self, packed: PackedRows) -> None:
        """Write a chunk of packed rows, in the file's order: as they come when no phone or
        email may repeat one met before, else row by row with the possible duplicates looked
        up."""
        known = self._known
        keys = list(map(_KEYS, packed.leads)) if known is not None else []
        if known is None or known.repeats_in_file(keys):
            rows = packed.rows()
            self._write(self._cursor, rows, rows)
            return
        # No phone or email met earlier in the file: only the table's may be the same.
        in_table = known.in_table(keys)
        if in_table:
            rows = packed.rows()
            self._write(self._cursor, rows, [rows[i] for i in in_table])
        else:
            self._insert_packed(self._cursor, packed)

    def _write(self, cursor, rows: list[Row], rows_to_check: list[Row]) -> None:
        """Write ``rows``, looking up the phones and emails of ``rows_to_check`` (the rest are
        known to be new) among the leads already written."""
        if any(row.lead.get("email") for row in rows_to_check):
            self.set_aside.build(cursor, "lead_email")  # read next
        found = sort_out(cursor, rows, rows_to_check, self.policy)
        if found.duplicates:
            report_duplicates(
                cursor, self.report, self.policy, found.duplicates, self._first_new_id
            )
        self._insert(cursor, found.inserts)
        for lead_id, row in found.updates:
            self._update(cursor, lead_id, row)

    def _insert(self, cursor, rows: list[Row]) -> None:
        if not rows:
            return
        defaults = self._defaults
        bound_values = self._bound_values
        params = []
        lines = []
        referrers = []
        notes = []
        next_id = self._next_id
        offset = self._line_offset
        for row in rows:
            params.append((next_id, *bound_values({**defaults, **row.lead})))
            if row.line - next_id != offset:
                offset = row.line - next_id
                lines.append((next_id, row.line))
            if row.referrer:
                referrers.append((next_id, row.line, row.referrer))
            for kind, body, author, created in row.notes:
                notes.append((next_id, kind, body, self._author(author), 0, created, created))
            next_id += 1
        cursor.executemany(self._insert_lead, params)
        cursor.executemany("INSERT INTO temp.import_line VALUES (?, ?)", lines)
        self._insert_extras(cursor, referrers, notes)
        self._next_id = next_id
        self._line_offset = offset
        self.report.imported += len(rows)

    def _author(self, author: int | str | None) -> int | None:
        """A note's author: a rep id, or the name the file gives (the rep is added if new)."""
        if not isinstance(author, str):
            return author
        found = self._authors.get(author)
        if found is None:
            rep = Rep.get_or_none(Rep.name == author) or Rep.create(
                name=author, created_at=self.now
            )
            found = self._authors[author] = rep.id
        return found

    @staticmethod
    def _insert_extras(cursor, referrers: list[tuple], notes: list[tuple]) -> None:
        if referrers:
            cursor.executemany("INSERT INTO temp.import_referrer VALUES (?, ?, ?)", referrers)
        if notes:
            cursor.executemany(
                "INSERT INTO note (lead_id, kind, body, author_id, is_draft, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                notes,
            )

    def _insert_packed(self, cursor, packed: PackedRows) -> None:
        leads = packed.leads
        if not leads:
            return
        first = self._next_id
        cursor.executemany(self._insert_packed_sql, leads)
        self._next_id = first + len(leads)
        last = cursor.execute("SELECT max(id) FROM lead").fetchone()[0]
        if last != self._next_id - 1:  # SQLite gives a new row the largest id plus one
            raise RuntimeError(f"import: leads got ids up to {last}, not {self._next_id - 1}")
        offset = self._line_offset
        lines = []
        for index, line in packed.lines:
            if line - first - index != offset:
                offset = line - first - index
                lines.append((first + index, line))
        cursor.executemany("INSERT INTO temp.import_line VALUES (?, ?)", lines)
        self._line_offset = offset
        referrers = []
        notes = []
        for index, (line, row_notes, referrer) in packed.extras.items():
            if referrer:
                referrers.append((first + index, line, referrer))
            for kind, body, author, created in row_notes:
                author = self._author(author)
                notes.append((first + index, kind, body, author, 0, created, created))
        self._insert_extras(cursor, referrers, notes)
        self.report.imported += len(leads)

    def _update(self, cursor, lead_id: int, row: Row) -> None:
        changes = {k: v for k, v in row.lead.items() if k in LEAD_COLUMNS and k != "id"}
        if "phone" in changes:
            changes["phone_raw"] = None
        changes["updated_at"] = self.now_db
        assignments = ", ".join(f"{k} = ?" for k in changes)
        cursor.execute(f"UPDATE lead SET {assignments} WHERE id = ?", [*changes.values(), lead_id])
        have = set(
            cursor.execute(
                "SELECT kind, body FROM note WHERE lead_id = ? AND is_draft = 0", (lead_id,)
            ).fetchall()
        )
        for kind, body, author, created in row.notes:
            if (kind, body) not in have:
                cursor.execute(
                    "INSERT INTO note (lead_id, kind, body, author_id, is_draft, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
                    (lead_id, kind, body, self._author(author), created, created),
                )
        if row.referrer:
            cursor.execute(
                "INSERT OR REPLACE INTO temp.import_referrer VALUES (?, ?, ?)",
                (lead_id, row.line, row.referrer),
            )

    def finish(self) -> None:
        """Link each new lead to the lead who referred it, now that every row is in."""
        cursor = self._cursor
        if cursor.execute(
            "SELECT 1 FROM temp.import_referrer WHERE instr(referrer, '@') LIMIT 1"
        ).fetchone():
            self.set_aside.build(cursor, "lead_email")  # referrers are looked up by their email
        referrers = database.obj.cursor()  # read one table while the other is written
        referrers.execute("SELECT lead_id, line, referrer FROM temp.import_referrer")
        for lead_id, line, referrer in referrers:
            column = "email" if "@" in referrer else "phone"
            found = cursor.execute(
                f"SELECT min(id) FROM lead WHERE {column} = ? AND id != ?", (referrer, lead_id)
            ).fetchone()[0]
            if found is None:
                self.report.problems.add(
                    Problem(
                        line,
                        "referred_by",
                        f"no lead with {column} {referrer}; left empty",
                        "warning",
                    )
                )
                continue
            cursor.execute("UPDATE lead SET referred_by_id = ? WHERE id = ?", (found, lead_id))
        cursor.execute("DELETE FROM temp.import_line")
        cursor.execute("DELETE FROM temp.import_referrer")

    def close(self) -> None:
        if self._cache_before is not None:
            with contextlib.suppress(sqlite3.Error):  # never hide the error that ended the run
                self._cursor.execute(f"PRAGMA cache_size = {int(self._cache_before)}")
            self._cache_before = None
        self.rejects.close()


def _sql_literal(value) -> str:
    """A constant of our own (a default, an id, a timestamp) as SQL text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | int):
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"
