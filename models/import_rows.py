"""Reading an import's records: CSV rows and vCards as (values, columns) per lead field, handed
to the row checker with their line, and the read position for progress."""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .import_encoding import open_text
from .import_files import CsvSource, open_csv, vcards
from .import_formats import FIELDS, Mapping
from .import_sheet import SheetChecker

if TYPE_CHECKING:
    from .import_check import Row, RowChecker
    from .import_plan import ImportPlan
    from .import_sheet import PackedRows


class Records:
    """A source's records as the checker makes them, one item per record read: the row, or
    ``None`` when it was refused (the checker's findings say why). A common sheet's come a
    chunk at a time instead, packed for the writer (:meth:`packed`). With the source's read
    position, for progress, and the text of its header, for the rejects file."""

    def __init__(
        self,
        rows: Iterator[Row | None],
        position: Callable[[], int],
        header_text: str,
        close: Callable[[], None],
        chunks: Callable[[int], Iterator[PackedRows]] | None = None,
    ):
        self._rows = rows
        self.position = position
        self.header_text = header_text
        self._close = close
        self._chunks = chunks
        self._packed: Iterator[PackedRows] | None = None

    def __iter__(self):
        return self._rows

    @property
    def packs(self) -> bool:
        """Whether the records come packed, a chunk at a time."""
        return self._chunks is not None

    def packed(self, size: int) -> Iterator[PackedRows]:
        """The rows of up to ``size`` records at a time, packed (a common sheet's)."""
        self._packed = self._chunks(size)
        return self._packed

    def close(self) -> None:
        """Stop reading (a generator never started would leave its file open)."""
        self._rows.close()
        if self._packed is not None:
            self._packed.close()
        self._close()


def csv_rows(plan: ImportPlan, checker: RowChecker, keep_text: bool) -> Records:
    """The file's data records as ``checker`` makes them: blank rows skipped, a row with more
    cells than the header refused, the mapped cells of the rest checked (``keep_text``: with
    each row's text as written, for the rejects file)."""
    source: CsvSource = open_csv(
        plan.path,
        plan.encoding,
        plan.delimiter,
        lambda cells, line: line == plan.header_line,
        keep_text=keep_text,
    )
    pick = _CellPicker(source.header, plan.mapping)
    width = len(source.header)
    found = checker.found
    check = checker.check

    def rows():
        try:
            for line, cells, raw in source.records():
                if not "".join(cells).strip():
                    continue  # a blank line or a row of empty cells holds no lead
                found.read += 1
                if len(cells) != width:
                    if len(cells) > width:
                        checker.reject(
                            line,
                            "(row)",
                            f"{len(cells)} cells but the header has {width} "
                            "(a stray delimiter or quote?)",
                            raw,
                        )
                        yield None
                        continue
                    cells += [""] * (width - len(cells))
                values, columns = pick(cells)
                yield check(line, values, columns, raw)
        finally:
            source.close()

    if checker.rare:
        return Records(rows(), source.position, source.header_text, source.close)
    sheet = SheetChecker(checker, pick, width)

    def chunks(size: int) -> Iterator[PackedRows]:
        try:
            records = source.records()
            while batch := list(itertools.islice(records, size)):
                yield sheet.packed(batch)
        finally:
            source.close()

    return Records(rows(), source.position, source.header_text, source.close, chunks)


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


def vcard_rows(plan: ImportPlan, checker: RowChecker) -> Records:
    """The file's cards as ``checker`` makes them; a card vobject cannot read is refused."""
    handle = open_text(plan.path, plan.encoding)
    found = checker.found

    def rows():
        try:
            for card in vcards(handle, plan.path):
                found.read += 1
                if card.problem is not None:
                    checker.reject(card.line, "vCard", card.problem, card.text)
                    yield None
                    continue
                values, columns = _card_values(card.card)
                yield checker.check(card.line, values, columns, card.text)
        finally:
            handle.close()

    def position() -> int:
        try:
            return handle.buffer.tell()
        except (OSError, ValueError):
            return 0

    return Records(rows(), position, "", handle.close)


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
