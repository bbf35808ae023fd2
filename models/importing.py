"""Importing leads from CSV and vCard files without losing or mangling a row silently.

:func:`plan_import` reads only the head of a file: its encoding, kind, delimiter, header and the
mapping of columns to lead fields, for the preview. :func:`run_import` then streams the file:
each row is validated (every problem reported with line, column and reason), checked for
duplicates (same E.164 phone or email, in the file or the database) and written in chunks inside
one write transaction. By default any invalid row means nothing is written; with
``skip_invalid`` the valid rows land and the rejected ones are copied, unchanged, into a rejects
file beside the input. Memory stays flat however long the file: rows are never all held, and the
problem list spills to a temporary file.
"""

from __future__ import annotations

import itertools
import json
import operator
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from . import clock
from .catalog import (
    INDUSTRIES,
    NOTE_KINDS,
    QUALIFICATION_ANSWERS,
    SOURCES,
    STATUSES,
    check_choice,
)
from .db import write_transaction
from .errors import CallqError, FieldError
from .fields import to_db
from .import_files import (
    DELIMITER_NAMES,
    CsvSource,
    Encoding,
    check_encoding_name,
    create_private,
    detect_encoding,
    open_csv,
    open_text,
    read_head,
    rejects_path,
    sniff_delimiter,
    sniff_kind,
    vcards,
)
from .import_formats import (
    FIELDS,
    INDUSTRY_WORDS,
    SOURCE_WORDS,
    Mapping,
    apply_overrides,
    check_usable,
    detect_mapping,
    header_score,
)
from .leads import EMAIL, clean_lead_fields
from .phone_templates import PhoneReader
from .phones import check_zone
from .schema import ImportMapping, ImportRun, Lead, Rep, database

DUPLICATE_POLICIES = {
    "skip": "skip the row (the lead already there stays as it is)",
    "update": "update the lead already there with the row's non-empty fields",
    "keep": "keep both",
}
CHUNK_ROWS = 1000
DEFER_INDEXES_FROM = 5000  # rows: smaller imports keep every index up to date as they go
SORT_CACHE_KIB = -4000  # the page cache (and so the sorter) while indexes are built again
GOOGLE_SEPARATOR = " ::: "  # Google Contacts puts several values in one cell this way

# The lead table's columns an import writes, in order (referred_by is resolved at the end).
LEAD_COLUMNS = tuple(
    [
        "id",
        "name",
        "company",
        "title",
        "phone",
        "phone_raw",
        "email",
        "zone",
        "industry",
        "source",
        "owner_id",
        "status",
        "q_need",
        "q_afford",
        "q_authority",
        "q_approachable",
        "q_eligible",
        "likelihood",
        "purchase_timing",
        "deal_value",
        "lost_reason",
        "cadence_days",
        "channel",
        "call_window",
        "next_touch_at",
        "next_touch_fixed",
        "attempts",
        "exhausted",
        "last_contacted_at",
        "created_at",
        "updated_at",
    ]
)
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
# Fields that callq's own export (and few sheets) carry; checked only when mapped.
RARE_FIELDS = set(FIELDS) - set(
    [
        "name",
        "first_name",
        "last_name",
        "company",
        "title",
        "phone",
        "email",
        "zone",
        "industry",
        "source",
        "notes",
        "referred_by",
    ]
)
_TIMES = ("next_touch_at", "last_contacted_at", "created_at")
_FLAGS = ("next_touch_fixed", "exhausted")
_QUESTIONS = ("q_need", "q_afford", "q_authority", "q_approachable", "q_eligible")
_TEXTS = ("purchase_timing", "lost_reason")


class Problem(NamedTuple):
    """One thing wrong (or worth knowing) about one row."""

    line: int
    column: str
    reason: str
    kind: str = "error"  # error (row not imported), warning (imported), duplicate

    def as_dict(self) -> dict:
        return self._asdict()


class ProblemLog:
    """Every problem of a run in the order found; past the first thousands they wait in a
    temporary file, so a million bad rows do not fill memory."""

    def __init__(self, keep: int = 5000):
        self.keep = keep
        self._first: list[Problem] = []
        self._spill = None
        self.counts = {"error": 0, "warning": 0, "duplicate": 0}

    def add(self, problem: Problem) -> None:
        self.counts[problem.kind] += 1
        if len(self._first) < self.keep:
            self._first.append(problem)
            return
        if self._spill is None:
            self._spill = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self._spill.write(json.dumps(problem.as_dict()) + "\n")

    def __iter__(self) -> Iterator[Problem]:
        yield from self._first
        if self._spill is not None:
            self._spill.seek(0)
            for line in self._spill:
                yield Problem(**json.loads(line))
            self._spill.seek(0, os.SEEK_END)

    def __len__(self) -> int:
        return sum(self.counts.values())

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None


@dataclass
class ImportOptions:
    """How to read and write: everything the command line and the dialog can choose."""

    region: str = "US"
    duplicates: str = "skip"
    skip_invalid: bool = False
    dry_run: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    overrides: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    mapping_name: str | None = None
    save_mapping: str | None = None
    default_zone: str | None = None
    sources: dict[str, str] | None = None  # the known sources (default: the shipped list)


@dataclass
class ImportPlan:
    """What callq makes of a file before importing it (the preview)."""

    path: Path
    kind: str  # csv or vcard
    encoding: Encoding
    delimiter: str | None
    header: list[str]
    header_line: int
    mapping: Mapping

    @property
    def unmapped(self) -> list[str]:
        used = {c for cols in self.mapping.columns.values() for c in cols}
        return [c for c in self.header if c.strip() and c.strip() not in used]

    def describe(self) -> list[str]:
        """The preview, as lines."""
        if self.kind == "vcard":
            what = f"vCard file, {self.encoding.label}"
        else:
            what = (
                f"CSV file, {self.encoding.label}, {DELIMITER_NAMES[self.delimiter]}-separated, "
                f"header on line {self.header_line}"
            )
        lines = [f"{self.path}: {what}", f"recognised as: {self.mapping.format}"]
        lines += ["  " + line for line in self.mapping.describe()]
        if self.unmapped:
            lines.append("  not imported: " + ", ".join(self.unmapped))
        return lines

    def as_dict(self) -> dict:
        return {
            "file": str(self.path),
            "kind": self.kind,
            "encoding": self.encoding.label,
            "delimiter": self.delimiter,
            "header_line": self.header_line,
            "format": self.mapping.format,
            "columns": self.mapping.columns,
            "defaults": self.mapping.defaults,
            "values": self.mapping.values,
            "unmapped": self.unmapped,
        }


@dataclass
class ImportReport:
    """What a run read, wrote and refused; ``problems`` lists every one."""

    plan: ImportPlan
    duplicates_policy: str
    dry_run: bool
    skip_invalid: bool
    read: int = 0
    imported: int = 0
    updated: int = 0
    duplicates: int = 0  # skipped as duplicates
    kept_duplicates: int = 0  # duplicates imported anyway (policy keep)
    rejected: int = 0
    written: bool = False
    rejects_file: Path | None = None
    problems: ProblemLog = field(default_factory=ProblemLog)

    @property
    def errors(self) -> int:
        return self.problems.counts["error"]

    def summary(self) -> str:
        verb = "would import" if not self.written else "imported"
        text = (
            f"read {self.read}, {verb} {self.imported}, updated {self.updated}, "
            f"skipped as duplicates {self.duplicates}, rejected {self.rejected}"
        )
        if self.kept_duplicates:
            text += f" (kept {self.kept_duplicates} duplicates)"
        return text

    def as_dict(self) -> dict:
        return {
            "file": str(self.plan.path),
            "format": self.plan.mapping.format,
            "dry_run": self.dry_run,
            "written": self.written,
            "duplicates_policy": self.duplicates_policy,
            "read": self.read,
            "imported": self.imported,
            "updated": self.updated,
            "skipped_duplicates": self.duplicates,
            "kept_duplicates": self.kept_duplicates,
            "rejected": self.rejected,
            "rejects_file": str(self.rejects_file) if self.rejects_file else None,
            "problems": [p.as_dict() for p in self.problems],
        }


Progress = Callable[[int, int, int], None]  # (bytes read, file size, rows read)


def plan_import(path: str | os.PathLike, options: ImportOptions | None = None) -> ImportPlan:
    """Read the head of ``path`` and decide how to import it; raises :class:`CallqError` with
    the file named when it cannot be read."""
    options = options or ImportOptions()
    path = Path(path).expanduser()
    if not path.exists():
        raise CallqError(f"{path}: no such file")
    if path.is_dir():
        raise CallqError(f"{path}: is a directory, not a file")
    if not os.access(path, os.R_OK):
        raise CallqError(f"{path}: not readable by you")
    if path.stat().st_size == 0:
        raise CallqError(f"{path}: the file is empty")
    encoding = check_encoding_name(options.encoding) if options.encoding else detect_encoding(path)
    head = read_head(path, encoding)
    if sniff_kind(path, head) == "vcard":
        mapping = Mapping("vCard", {name: [label] for name, label in VCARD_FIELDS.items()})
        return ImportPlan(path, "vcard", encoding, None, [], 1, mapping)
    delimiter = _delimiter(options.delimiter) or sniff_delimiter(head, header_score)
    try:
        source = open_csv(path, encoding, delimiter, _is_header, keep_text=False)
    except CallqError as exc:
        if "no header row" not in str(exc):
            raise
        # No header callq knows: the first row names the columns; --map says what they hold.
        source = open_csv(path, encoding, delimiter, _not_blank, keep_text=False)
    source.close()
    header = [c.strip() for c in source.header]
    if options.mapping_name:
        base = load_mapping(options.mapping_name)
        missing = [c for cols in base.columns.values() for c in cols if c not in header]
        if missing:
            raise CallqError(
                f"{path}: saved mapping {options.mapping_name!r} uses columns this file lacks: "
                + ", ".join(repr(c) for c in missing)
            )
    else:
        base = detect_mapping(header)
    mapping = apply_overrides(base, header, options.overrides, options.values)
    check_usable(mapping, path)
    return ImportPlan(path, "csv", encoding, delimiter, header, source.header_line, mapping)


def _is_header(cells: list[str], line: int) -> bool:
    return header_score(cells) > 0


def _not_blank(cells: list[str], line: int) -> bool:
    return bool("".join(cells).strip())


def _delimiter(given: str | None) -> str | None:
    if given is None:
        return None
    named = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|", "\\t": "\t"}
    value = named.get(given.lower(), given)
    if value not in DELIMITER_NAMES:
        raise CallqError(f"--delimiter: {given!r}; use comma, semicolon, tab or pipe")
    return value


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
    writer = _Writer(report, options, owner, now, every_column=carries_rare_fields(plan.mapping))
    checker = _RowChecker(plan.mapping, options.region, default_zone, writer, options.sources)
    total = plan.path.stat().st_size
    try:
        with write_transaction():
            writer.start()
            if plan.kind == "vcard":
                records = _vcard_rows(plan, checker)
            else:
                records = _csv_rows(plan, checker, keep_text)
            rows = iter(records)
            first = True
            while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
                if first and len(chunk) == CHUNK_ROWS:
                    # A file that adds at least as many leads as the table holds: build the
                    # indexes the import does not read once at the end instead of row by row.
                    read = max(records.position(), 1)
                    writer.defer_indexes(expected=len(chunk) * total // read)
                first = False
                writer.write(chunk)
                if progress is not None:
                    progress(records.position(), total, report.read)
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
            report.written = True
    except _RollBack:
        writer.discard_rejects()
    except BaseException:
        writer.discard_rejects()
        raise
    finally:
        writer.close()
    return report


class _RollBack(Exception):
    """Leave the transaction without writing (a dry run, or invalid rows)."""


@dataclass(slots=True)
class _Row:
    """One validated row, ready to write."""

    line: int
    lead: dict[str, Any]  # the lead columns the row gives (what an update may change)
    notes: list[tuple[str, str, Any, str]] | tuple  # (kind, body, author id, created_at)
    referrer: str | None


_NO_NOTES = ()


def carries_rare_fields(mapping: Mapping) -> bool:
    """Whether rows may set lead columns beyond the common ones (callq's own export does)."""
    return mapping.format == "vCard" or bool(set(mapping.columns) & RARE_FIELDS)


class _Records:
    """Rows from a source, with the source's read position for progress."""

    def __init__(self, rows: Iterator, position: Callable[[], int]):
        self._rows = rows
        self.position = position

    def __iter__(self):
        return self._rows


def _csv_rows(plan: ImportPlan, checker: _RowChecker, keep_text: bool) -> _Records:
    source: CsvSource = open_csv(
        plan.path,
        plan.encoding,
        plan.delimiter,
        lambda cells, line: line == plan.header_line,
        keep_text=keep_text,
    )
    checker.writer.rejects_header = source.header_text
    checker.writer.rejects_encoding = plan.encoding
    pick = _CellPicker(source.header, plan.mapping)
    width = len(source.header)
    report = checker.writer.report
    check = checker.check

    def rows():
        try:
            for line, cells, raw in source.records():
                if not "".join(cells).strip():
                    continue  # a blank line or a row of empty cells holds no lead
                report.read += 1
                if len(cells) != width:
                    if len(cells) > width:
                        checker.reject(
                            line,
                            "(row)",
                            f"{len(cells)} cells but the header has {width} "
                            "(a stray delimiter or quote?)",
                            raw,
                        )
                        continue
                    cells += [""] * (width - len(cells))
                values, columns = pick(cells)
                row = check(line, values, columns, raw)
                if row is not None:
                    yield row
        finally:
            source.close()

    return _Records(rows(), source.position)


class _CellPicker:
    """Takes a record's cells to ``(values, columns)``: for each mapped field the first non-empty
    of its columns (notes: all of them), and the column it came from. Worked out once per file,
    so a record costs one ``itemgetter`` call and a ``zip`` in the common case."""

    def __init__(self, header: list[str], mapping: Mapping):
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            index.setdefault(name.strip(), i)
        sources = {name: [(c, index[c]) for c in cols] for name, cols in mapping.columns.items()}
        self.names = tuple(sources)
        firsts = [cols[0][1] for cols in sources.values()]
        if len(firsts) == 1:  # itemgetter of one index gives the cell, not a tuple
            self.first = lambda cells: (cells[firsts[0]],)
        else:
            self.first = operator.itemgetter(*firsts)
        self.columns = {name: cols[0][0] for name, cols in sources.items()}
        # Fields with more than one column: the others are looked at when the first is empty.
        self.fallbacks = [
            (name, cols[1:]) for name, cols in sources.items() if len(cols) > 1 and name != "notes"
        ]
        notes = sources.get("notes", [])
        self.notes = notes if len(notes) > 1 else None

    def __call__(self, cells: list[str]) -> tuple[dict[str, str], dict[str, str]]:
        # Same lengths by construction; strict=True would cost a third of this call.
        values = dict(zip(self.names, self.first(cells)))  # noqa: B905
        columns = self.columns
        for name, others in self.fallbacks:
            if not values[name]:
                for column, i in others:
                    if cells[i]:
                        values[name] = cells[i]
                        columns = {**columns, name: column}
                        break
        if self.notes is not None:
            parts = [(c, cells[i].strip()) for c, i in self.notes if cells[i].strip()]
            if len(parts) == 1:
                values["notes"] = parts[0][1]
                columns = {**columns, "notes": parts[0][0]}
            else:
                values["notes"] = "\n".join(f"{c}: {v}" for c, v in parts)
        return values, columns


def _vcard_rows(plan: ImportPlan, checker: _RowChecker) -> _Records:
    handle = open_text(plan.path, plan.encoding)
    checker.writer.rejects_header = ""
    checker.writer.rejects_encoding = plan.encoding
    report = checker.writer.report

    def rows():
        try:
            for card in vcards(handle, plan.path):
                report.read += 1
                if card.problem is not None:
                    checker.reject(card.line, "vCard", card.problem, card.text)
                    continue
                values, columns = _card_values(card.card)
                row = checker.check(card.line, values, columns, card.text)
                if row is not None:
                    yield row
        finally:
            handle.close()

    def position() -> int:
        try:
            return handle.buffer.tell()
        except (OSError, ValueError):
            return 0

    return _Records(rows(), position)


# vCard properties → fields (X-CALLQ-* carry the rest, as callq's export writes them).
VCARD_FIELDS = {
    "name": "FN (else N)",
    "company": "ORG",
    "title": "TITLE",
    "phone": "TEL (preferred first)",
    "email": "EMAIL (preferred first)",
    "zone": "X-CALLQ-ZONE, else TZ when an IANA name",
    "notes": "NOTE",
}
TEL_PREFERENCE = ("pref", "work", "main", "cell", "mobile", "voice")


def vcard_property(name: str) -> str:
    return "X-CALLQ-" + name.upper().replace("_", "-")


def unescape_x(value: str) -> str:
    """Undo :func:`models.exporting.escape_x` (newlines and backslashes in X-CALLQ values)."""
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _card_values(card) -> tuple[dict[str, str], dict[str, str]]:
    contents = card.contents
    values: dict[str, str] = {}
    columns: dict[str, str] = {}

    def first(name: str):
        lines = contents.get(name)
        return lines[0] if lines else None

    fn = first("fn")
    n = first("n")
    if fn is not None and str(fn.value).strip():
        values["name"], columns["name"] = str(fn.value), "FN"
    elif n is not None:
        given = getattr(n.value, "given", "") or ""
        family = getattr(n.value, "family", "") or ""
        if isinstance(given, list):
            given = " ".join(given)
        if isinstance(family, list):
            family = " ".join(family)
        values["name"], columns["name"] = f"{given} {family}".strip(), "N"
    org = first("org")
    if org is not None:
        value = org.value
        values["company"] = (value[0] if isinstance(value, list) and value else str(value)) or ""
        columns["company"] = "ORG"
    title = first("title")
    if title is not None:
        values["title"], columns["title"] = str(title.value), "TITLE"
    for prop, name in (("tel", "phone"), ("email", "email")):
        lines = contents.get(prop, [])
        if lines:
            chosen = min(lines, key=_preference)
            value = str(chosen.value).strip()
            if value.lower().startswith("tel:"):
                value = value[4:]
            values[name], columns[name] = value, prop.upper()
    notes = []
    for line in contents.get("note", []):
        params = line.params
        notes.append(
            {
                "kind": (params.get("X-CALLQ-KIND") or ["general"])[0],
                "body": str(line.value),
                "author": (params.get("X-CALLQ-AUTHOR") or [None])[0],
                "created_at": (params.get("X-CALLQ-CREATED") or [None])[0],
            }
        )
    if notes:
        values["notes"], columns["notes"] = json.dumps(notes), "NOTE"
    for name in FIELDS:
        prop = vcard_property(name)
        lines = contents.get(prop.lower())
        if lines:
            values[name], columns[name] = unescape_x(str(lines[0].value)), prop
    if any(name.startswith("x-callq-") for name in contents):
        # callq's own export leaves out what is empty: no next touch means none is scheduled.
        columns.setdefault("next_touch_at", vcard_property("next_touch_at"))
    tz = first("tz")
    if "zone" not in values and tz is not None and "/" in str(tz.value):
        values["zone"], columns["zone"] = str(tz.value), "TZ"
    return values, columns


def _preference(line) -> int:
    types = [t.lower() for value in line.params.get("TYPE", []) for t in value.split(",")]
    if line.params.get("PREF"):
        return 0
    for rank, kind in enumerate(TEL_PREFERENCE):
        if kind in types:
            return rank
    return len(TEL_PREFERENCE)


class _RowChecker:
    """Validates rows into lead columns, remembering answers it has already worked out (a zone,
    an industry or source word, the shape of a phone number), so a clean row costs a few
    dictionary look-ups."""

    def __init__(
        self,
        mapping: Mapping,
        region: str,
        default_zone: str | None,
        writer: _Writer,
        sources: dict[str, str] | None = None,
    ):
        self.mapping = mapping
        self.region = region
        self.default_zone = default_zone
        self.writer = writer
        self.phones = PhoneReader(region)
        self.sources = sources or SOURCES
        self._industries: dict[str, tuple[str | None, str | None]] = {}
        self._sources: dict[str, tuple[str | None, str | None]] = {}
        self._zones: dict[str, tuple[str | None, str | None]] = {}
        self._reps: dict[str, int] = {}
        self.default_industry = mapping.defaults.get("industry")
        self.default_source = mapping.defaults.get("source")
        self.rare = carries_rare_fields(mapping)

    def reject(self, line: int, column: str, reason: str, raw: str | None) -> None:
        self.writer.report.problems.add(Problem(line, column, reason))
        self.writer.reject(raw)

    def check(
        self, line: int, values: dict[str, str], columns: dict[str, str], raw: str | None
    ) -> _Row | None:
        """The row as lead columns, or ``None`` when it has errors (each one is reported).
        Only what the row gives is set; the writer fills in the defaults."""
        errors: list[tuple[str, str]] = []
        get = values.get

        name = (get("name") or "").strip()
        if not name:
            name = f"{(get('first_name') or '').strip()} {(get('last_name') or '').strip()}".strip()
            if not name:
                column = columns.get("name") or columns.get("first_name") or "name"
                errors.append((column, "no name"))
        lead: dict[str, Any] = {"name": name}
        value = get("company")
        if value:
            lead["company"] = value.strip()
        value = get("title")
        if value:
            lead["title"] = value.strip()

        phone = get("phone")
        phone = phone.strip() if phone else ""
        if not phone:
            phone = (get("phone_raw") or "").strip()
        e164 = phone_zone = None
        if phone:
            if GOOGLE_SEPARATOR in phone:
                phone = phone.split(GOOGLE_SEPARATOR, 1)[0]
            e164, phone_zone, problem = self.phones.read(phone)
            if problem is None:
                lead["phone"] = e164
            else:
                lead["phone_raw"] = phone.strip()
                self.writer.report.problems.add(
                    Problem(
                        line,
                        columns.get("phone", "phone"),
                        problem + "; kept as written",
                        "warning",
                    )
                )

        value = get("email")
        if value:
            if GOOGLE_SEPARATOR in value:
                value = value.split(GOOGLE_SEPARATOR, 1)[0]
            value = value.strip()
            if EMAIL.match(value):
                lead["email"] = value.lower()
            else:
                errors.append((columns["email"], f"{value!r} is not an email address"))

        value = get("zone")
        if value and value.strip():
            found = self._zones.get(value) or self._zone(value)
            if found[1] is not None:
                errors.append((columns["zone"], found[1]))
            lead["zone"] = found[0]
        elif e164 is not None:
            if phone_zone is None:
                errors.append(
                    (
                        columns.get("phone", "phone"),
                        f"cannot tell the time zone of {e164} (several or none fit); "
                        "give it in a zone column (--map zone=Column)",
                    )
                )
            lead["zone"] = phone_zone
        elif self.default_zone:
            lead["zone"] = self.default_zone
        else:
            reason = "no zone, and no phone number to suggest one from"
            if phone:
                reason = "no zone, and the phone number cannot be read to suggest one"
            errors.append(("zone", reason + " (give --default-zone or map a zone column)"))

        value = get("industry") or self.default_industry
        if value:
            word, problem = self._industries.get(value) or self._choice("industry", value)
            if problem is not None:
                errors.append((columns.get("industry", "industry"), problem))
            elif word is not None:
                lead["industry"] = word
        value = get("source") or self.default_source
        if value:
            word, problem = self._sources.get(value) or self._choice("source", value)
            if problem is not None:
                errors.append((columns.get("source", "source"), problem))
            elif word is not None:
                lead["source"] = word

        if self.rare:  # fields that callq's own export (and few sheets) carry
            self._rare(values, columns, lead, errors)
        value = get("notes")
        notes = self._notes(value, columns.get("notes", "notes"), errors) if value else _NO_NOTES
        value = get("referred_by")
        referrer = self._referrer(value, columns, errors) if value else None

        if errors:
            problems = self.writer.report.problems
            for column, reason in errors:
                problems.add(Problem(line, column, reason))
            self.writer.reject(raw)
            return None
        return _Row(line, lead, notes, referrer)

    def _zone(self, value: str) -> tuple[str | None, str | None]:
        try:
            found = (check_zone(value), None)
        except FieldError as exc:
            found = (None, exc.reason)
        self._zones[value] = found
        return found

    def _choice(self, key: str, value: str) -> tuple[str | None, str | None]:
        """(the stored word, None), (None, why not), or (None, None) for a blank cell."""
        choices, words, cache = {
            "industry": (INDUSTRIES, INDUSTRY_WORDS, self._industries),
            "source": (self.sources, SOURCE_WORDS, self._sources),
        }[key]
        text = value.strip()
        if not text:
            found = (None, None)
        else:
            text = self.mapping.values.get(key, {}).get(text.lower(), text)
            text = words.get(text.lower(), text)
            try:
                found = (check_choice(text, choices, key), None)
            except FieldError:
                found = (
                    None,
                    f"{value.strip()!r} is not a known {key}; choose one of: "
                    f"{', '.join(choices)} (or translate it: --value {key}:'{value.strip()}'=…)",
                )
        cache[value] = found
        return found

    def _rare(self, values, columns, lead, errors) -> None:
        plain = {k: values[k] for k in ("cadence_days", "channel", "call_window") if values.get(k)}
        if "channel" in plain:
            plain["channel"] = self.mapping.values.get("channel", {}).get(
                plain["channel"].strip().lower(), plain["channel"]
            )
        for key, value in plain.items():
            try:
                lead.update(clean_lead_fields({key: value}, partial=True))
            except FieldError as exc:
                errors.append((columns.get(key, key), exc.reason))
        status = values.get("status")
        if status:
            status = self.mapping.values.get("status", {}).get(status.strip().lower(), status)
            self._set_choice(lead, errors, columns, "status", status, STATUSES)
        for key in _QUESTIONS:
            if values.get(key):
                self._set_choice(lead, errors, columns, key, values[key], QUALIFICATION_ANSWERS)
        for key in _TEXTS:
            if values.get(key):
                lead[key] = values[key].strip()
        for key in _TIMES:
            if key not in columns:
                continue  # not in this file: the default stands
            text = (values.get(key) or "").strip()
            if not text:
                if key == "next_touch_at":
                    lead[key] = None  # callq's export says: no touch scheduled
                continue
            try:
                lead[key] = to_db(clock.parse_instant(text, what=key))
            except CallqError as exc:
                errors.append((columns[key], str(exc).split(": ", 1)[-1]))
        for key in _FLAGS:
            if values.get(key):
                flag = values[key].strip().lower()
                if flag in ("1", "true", "yes", "y"):
                    lead[key] = 1
                elif flag in ("0", "false", "no", "n"):
                    lead[key] = 0
                else:
                    errors.append((columns.get(key, key), f"{values[key]!r} is not yes or no"))
        for key, low, high in (("attempts", 0, 10_000), ("likelihood", 0, 100)):
            if values.get(key):
                try:
                    number = int(values[key])
                except ValueError:
                    errors.append((columns.get(key, key), f"{values[key]!r} is not a whole number"))
                    continue
                if not low <= number <= high:
                    errors.append(
                        (columns.get(key, key), f"{number} is out of range ({low}-{high})")
                    )
                lead[key] = number
        if values.get("deal_value"):
            try:
                lead["deal_value"] = str(
                    Decimal(values["deal_value"].strip()).quantize(Decimal("0.01"))
                )
            except InvalidOperation:
                errors.append(
                    (
                        columns.get("deal_value", "deal_value"),
                        f"{values['deal_value']!r} is not an amount",
                    )
                )
        if values.get("owner"):
            lead["owner_id"] = self._rep(values["owner"].strip())

    def _set_choice(self, lead, errors, columns, key, value, choices) -> None:
        try:
            lead[key] = check_choice(value, choices, key)
        except FieldError as exc:
            errors.append((columns.get(key, key), exc.reason))

    def _rep(self, name: str) -> int:
        found = self._reps.get(name)
        if found is None:
            rep = Rep.get_or_none(Rep.name == name) or Rep.create(
                name=name, created_at=self.writer.now
            )
            found = self._reps[name] = rep.id
        return found

    def _notes(self, text: str | None, column: str, errors) -> list:
        if not text or not text.strip():
            return []
        author = self.writer.owner_id
        created = self.writer.now_db
        stripped = text.strip()
        if stripped.startswith("[{"):
            try:
                items = json.loads(stripped)
            except ValueError:
                items = None
            if isinstance(items, list) and all(isinstance(i, dict) and "body" in i for i in items):
                notes = []
                for item in items:
                    kind = str(item.get("kind") or "general")
                    if kind not in NOTE_KINDS:
                        errors.append((column, f"note kind {kind!r} unknown"))
                        continue
                    at = created
                    if item.get("created_at"):
                        try:
                            at = to_db(clock.parse_instant(str(item["created_at"]), what="note"))
                        except CallqError as exc:
                            errors.append((column, str(exc)))
                    who = self._rep(str(item["author"])) if item.get("author") else author
                    notes.append((kind, str(item["body"]), who, at))
                return notes
        return [("general", stripped.replace("\r\n", "\n"), author, created)]

    def _referrer(self, text: str | None, columns, errors) -> str | None:
        if not text or not text.strip():
            return None
        text = text.strip()
        if "@" in text:
            return text.lower()
        reading = self.phones.read(text)
        if reading.problem is not None:
            errors.append((columns.get("referred_by", "referred_by"), reading.problem))
            return None
        return reading.e164


class _Writer:
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
        self.owner_id = owner.id if owner is not None else None
        self.now = now
        self.now_db = to_db(now)
        self.rejects_header = ""
        self.rejects_encoding: Encoding | None = None
        self._rejects = None
        self._cursor = None
        self._next_id = 0
        self._first_new_id = 0
        self._deferred: list[tuple[str, str]] = []  # (name, CREATE statement) of dropped indexes
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

    def start(self) -> None:
        self._cursor = database.obj.cursor()
        cursor = self._cursor
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

    def defer_indexes(self, expected: int) -> None:
        """Drop the lead table's secondary indexes that the import does not read (it reads
        phone and email, for duplicates) when about ``expected`` new leads at least match the
        table: rebuilding them once costs less than keeping them row by row. Inside the write
        transaction: a rollback puts them back as they were."""
        cursor = self._cursor
        if expected < max(DEFER_INDEXES_FROM, self._existing_leads(cursor)):
            return
        self._deferred = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead'"
            " AND sql IS NOT NULL AND name NOT IN ('lead_phone', 'lead_email') ORDER BY name"
        ).fetchall()
        for name, _ in self._deferred:
            cursor.execute('DROP INDEX "{}"'.format(name.replace('"', '""')))

    def restore_indexes(self) -> None:
        """Build again, exactly as they were, the indexes :meth:`defer_indexes` dropped."""
        if not self._deferred:
            return
        cursor = self._cursor
        # SQLite sorts in memory up to the page cache's size: a small cache while building
        # keeps memory flat however many leads there are.
        cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {SORT_CACHE_KIB}")
        try:
            for _, sql in self._deferred:
                cursor.execute(sql)
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
        self._deferred = []

    @staticmethod
    def _existing_leads(cursor) -> int:
        return cursor.execute("SELECT count(*) FROM lead").fetchone()[0]

    def reject(self, raw: str | None) -> None:
        self.report.rejected += 1
        if not self.keep_rejects or raw is None:
            return
        if self._rejects is None:
            self.report.rejects_file = rejects_path(self.report.plan.path)
            codec = self.rejects_encoding.codec if self.rejects_encoding else "utf-8"
            self._rejects = create_private(self.report.rejects_file, encoding=codec, newline="")
            self._rejects.write(self.rejects_header)
        self._rejects.write(raw)

    def write(self, rows: list[_Row]) -> None:
        """Write a chunk of rows, in the file's order."""
        cursor = self._cursor
        phones = {row.lead.get("phone") for row in rows}
        emails = {row.lead.get("email") for row in rows}
        by_phone = self._existing(cursor, "phone", phones)
        by_email = self._existing(cursor, "email", emails)
        seen_phone: dict[str, _Row] = {}
        seen_email: dict[str, _Row] = {}
        inserts: list[_Row] = []
        updates: list[tuple[int, _Row]] = []
        duplicates: list[tuple[_Row, str, _Row | None, int | None]] = []
        policy = self.policy
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
                duplicates.append((row, what, earlier or None, lead_id or None))
                if policy == "skip":
                    continue
                if policy == "update":
                    if earlier:
                        _merge(earlier, row)
                    else:
                        updates.append((lead_id, row))
                    continue
            inserts.append(row)
            if phone:
                seen_phone.setdefault(phone, row)
            if email:
                seen_email.setdefault(email, row)
        if duplicates:
            self._report_duplicates(cursor, duplicates)
        self._insert(cursor, inserts)
        for lead_id, row in updates:
            self._update(cursor, lead_id, row)

    def _report_duplicates(self, cursor, duplicates) -> None:
        """One problem per duplicate row, naming what it matched: an earlier line of the file
        (looked up in one query for rows of earlier chunks) or a lead already there."""
        ours = {i for _, _, e, i in duplicates if e is None and i >= self._first_new_id}
        lines = self._lines_of(cursor, sorted(ours)) if ours else {}
        outcome, counter = {
            "skip": ("skipped", "duplicates"),
            "update": ("updated it", "updated"),
            "keep": ("kept both", "kept_duplicates"),
        }[self.policy]
        add = self.report.problems.add
        for row, what, earlier, lead_id in duplicates:
            if earlier is not None:
                target = f"line {earlier.line}"
            elif lead_id in lines:
                target = f"line {lines[lead_id]}"
            else:
                target = f"lead {lead_id}"
            add(Problem(row.line, "(row)", f"same {what} as {target}: {outcome}", "duplicate"))
        setattr(self.report, counter, getattr(self.report, counter) + len(duplicates))

    def _existing(self, cursor, column: str, keys: set[str | None]) -> dict[str, int]:
        keys.discard(None)
        if not keys:
            return {}
        marks = ", ".join("?" * len(keys))
        found = cursor.execute(
            f"SELECT {column}, min(id) FROM lead WHERE {column} IN ({marks}) GROUP BY {column}",
            list(keys),
        )
        return dict(found.fetchall())

    def _lines_of(self, cursor, lead_ids: list[int]) -> dict[int, int]:
        """The file's line for each of these new leads (from the runs in ``import_line``)."""
        wanted = ", ".join(["(?)"] * len(lead_ids))
        found = cursor.execute(
            f"WITH wanted(id) AS (VALUES {wanted}) "
            "SELECT id, (SELECT line + wanted.id - lead_id FROM temp.import_line "
            "WHERE lead_id <= wanted.id ORDER BY lead_id DESC LIMIT 1) FROM wanted",
            lead_ids,
        )
        return dict(found.fetchall())

    def _insert(self, cursor, rows: list[_Row]) -> None:
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
                notes.append((next_id, kind, body, author, 0, created, created))
            next_id += 1
        cursor.executemany(self._insert_lead, params)
        cursor.executemany("INSERT INTO temp.import_line VALUES (?, ?)", lines)
        if referrers:
            cursor.executemany("INSERT INTO temp.import_referrer VALUES (?, ?, ?)", referrers)
        if notes:
            cursor.executemany(
                "INSERT INTO note (lead_id, kind, body, author_id, is_draft, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                notes,
            )
        self._next_id = next_id
        self._line_offset = offset
        self.report.imported += len(rows)

    def _update(self, cursor, lead_id: int, row: _Row) -> None:
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
                    (lead_id, kind, body, author, created, created),
                )
        if row.referrer:
            cursor.execute(
                "INSERT OR REPLACE INTO temp.import_referrer VALUES (?, ?, ?)",
                (lead_id, row.line, row.referrer),
            )

    def finish(self) -> None:
        """Link each new lead to the lead who referred it, now that every row is in."""
        cursor = self._cursor
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

    def discard_rejects(self) -> None:
        if self._rejects is not None:
            self._rejects.close()
            self._rejects = None
            if self.report.rejects_file is not None:
                self.report.rejects_file.unlink(missing_ok=True)
                self.report.rejects_file = None

    def close(self) -> None:
        if self._rejects is not None:
            self._rejects.close()
            self._rejects = None


def _merge(earlier: _Row, row: _Row) -> None:
    """A later row of the file updates an earlier one not yet written."""
    earlier.lead.update(row.lead)
    have = {(kind, body) for kind, body, _, _ in earlier.notes}
    earlier.notes = [*earlier.notes, *(n for n in row.notes if (n[0], n[1]) not in have)]
    earlier.referrer = row.referrer or earlier.referrer


def _sql_literal(value) -> str:
    """A constant of our own (a default, an id, a timestamp) as SQL text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | int):
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"


def save_mapping(name: str, mapping: Mapping, *, now=None) -> None:
    """Keep ``mapping`` under ``name`` (replacing one of that name)."""
    now = clock.resolve(now)
    name = name.strip()
    if not name:
        raise CallqError("--save-mapping: give the mapping a name")
    existing = ImportMapping.get_or_none(ImportMapping.name == name)
    if existing is None:
        ImportMapping.create(name=name, spec=mapping.to_json(), created_at=now, updated_at=now)
    else:
        existing.spec, existing.updated_at = mapping.to_json(), now
        existing.save()


def load_mapping(name: str) -> Mapping:
    found = ImportMapping.get_or_none(ImportMapping.name == name)
    if found is None:
        names = [m.name for m in ImportMapping.select().order_by(ImportMapping.name)]
        known = ", ".join(names) if names else "none saved yet (use --save-mapping NAME)"
        raise CallqError(f"--mapping: no saved mapping {name!r}; saved: {known}")
    return Mapping.from_json(name, found.spec)


def saved_mappings() -> list[tuple[str, Mapping]]:
    """Every saved mapping, by name."""
    return [
        (m.name, Mapping.from_json(m.name, m.spec))
        for m in ImportMapping.select().order_by(ImportMapping.name)
    ]


def delete_mapping(name: str) -> None:
    with write_transaction():
        deleted = ImportMapping.delete().where(ImportMapping.name == name).execute()
    if not deleted:
        raise CallqError(f"no saved mapping {name!r}")
