"""Checking a common sheet a chunk of records at a time, column by column.

A common sheet's rows (name, company, title, phone, email, zone, industry, source, notes) are
mostly clean, and a clean row's check comes down to a few look-ups in answers already worked
out. Here each column of a chunk is read in one pass, and the clean rows go straight into the
tuples the writer inserts (:class:`PackedRows`). Any row that is not plainly
clean (a problem to report, an empty first column with another to fall back on, a referrer, a
stray cell) is checked whole by :meth:`models.import_check.RowChecker.check`, as every row of
other files is, so its problems and messages are exactly the same.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from .import_check import GOOGLE_SEPARATOR, Row, RowChecker
from .import_write import COMMON_COLUMNS
from .leads import EMAIL as EMAIL_SHAPE
from .printable import has_control

Record = tuple[int, list[str], str | None]  # (line, cells, text as written when kept)


@dataclass(slots=True)
class PackedRows:
    """A chunk of checked rows of a common sheet as the writer inserts them, packed where they
    were checked (the process checking them, :mod:`models.import_feed`): one tuple a lead, so
    the writer binds them as they come."""

    # The COMMON_COLUMNS values; None or "" where the row gives none ("" for no company, title
    # or phone as written: binding None costs sqlite3 a look-up on every row).
    leads: list[tuple]
    lines: list[tuple[int, int]]  # (index, line) where a lead's line stops following by one
    extras: dict[int, tuple]  # index → (line, notes, referrer) for rows giving either

    def rows(self) -> list[Row]:
        """The rows as the checker made them."""
        runs = iter(self.lines)
        upcoming = next(runs, None)
        offset = 0
        rows = []
        for index, values in enumerate(self.leads):
            if upcoming is not None and upcoming[0] == index:
                offset = upcoming[1] - index
                upcoming = next(runs, None)
            lead = {c: v for c, v in zip(COMMON_COLUMNS, values, strict=True) if v}
            extra = self.extras.get(index)
            if extra is None:
                rows.append(Row(index + offset, lead, (), None))
            else:
                rows.append(Row(extra[0], lead, extra[1], extra[2]))
        return rows


class SheetChecker:
    """Checks a common sheet's records into packed rows."""

    def __init__(self, checker: RowChecker, pick, width: int):
        self.checker = checker
        self.pick = pick  # the cells → (values, columns) of a row checked whole
        self.width = width
        self._at = {name: i for i, name in enumerate(pick.names)}  # field → place in picks
        self._fallbacks = [self._at[name] for name, _ in pick.fallbacks]
        self._joined_notes = pick.notes is not None  # several notes columns: rows checked whole
        self._notes_column = pick.columns.get("notes", "notes")

    def packed(self, records: Sequence[Record]) -> PackedRows:
        """The chunk's rows that pass, packed; what checking found goes to the checker."""
        width = self.width
        kept = []
        for record in records:
            cells = record[1]
            if not "".join(cells).strip():
                continue  # a blank line or a row of empty cells holds no lead
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            kept.append(record)
        self.checker.found.read += len(kept)
        whole: set[int] = set()  # rows checked by RowChecker.check
        whole.update(i for i, record in enumerate(kept) if len(record[1]) != width)
        columns = self._columns(kept)
        leads, notes = self._read(columns, len(kept), whole)
        return self._pack(kept, leads, notes, whole)

    def _columns(self, kept: list[Record]) -> list[tuple[str, ...]]:
        first = self.pick.first
        picked = [first(record[1]) for record in kept]
        return list(zip(*picked, strict=True)) if picked else [() for _ in self._at]

    def _read(self, columns, n: int, whole: set[int]) -> tuple[list[tuple], dict[int, list]]:
        """Each lead's COMMON_COLUMNS values (the rows in ``whole``, and those added to it, are
        left to be checked whole) and the notes of those giving any."""
        at = self._at
        checker = self.checker
        blank = [""] * n

        def column(name: str):
            return columns[at[name]] if name in at else None

        for index in self._fallbacks:
            whole.update(i for i, value in enumerate(columns[index]) if not value)
        if self._joined_notes:
            whole.update(range(n))
        if "referred_by" in at:
            whole.update(i for i, value in enumerate(column("referred_by")) if value)

        texts = [values for key in _ONE_LINE if (values := column(key)) is not None]
        if has_control(list(itertools.chain.from_iterable(texts))):  # rare: found row by row
            for values in texts:
                whole.update(i for i, value in enumerate(values) if has_control([value]))
        names = self._names(column, n)
        whole.update(i for i, name in enumerate(names) if not name)
        companies, titles = (
            [v.strip() for v in values] if values is not None else blank
            for values in (column("company"), column("title"))
        )
        phones, phone_zones = self._phones(column("phone"), n, whole)
        emails = self._emails(column("email"), n, whole)
        zones = self._zones(column("zone"), phones, phone_zones, n, whole)
        industries = self._words("industry", column("industry"), checker.default_industry, n, whole)
        sources = self._words("source", column("source"), checker.default_source, n, whole)
        notes = {}
        if "notes" in at and not self._joined_notes:
            for i, value in enumerate(column("notes")):
                if value and i not in whole:
                    errors: list = []
                    found = checker.notes_of(value, self._notes_column, errors)
                    if errors:
                        whole.add(i)
                    elif found:
                        notes[i] = found
        leads = list(
            zip(
                names,
                companies,
                titles,
                phones,
                blank,
                emails,
                zones,
                industries,
                sources,
                strict=True,
            )
        )
        return leads, notes

    def _names(self, column, n: int) -> list[str]:
        names = column("name")
        if names is not None:
            return [value.strip() for value in names]  # an empty one: checked whole
        firsts = column("first_name") or [""] * n
        lasts = column("last_name") or [""] * n
        return [f"{a.strip()} {b.strip()}".strip() for a, b in zip(firsts, lasts, strict=True)]

    def _phones(self, texts, n: int, whole: set[int]) -> tuple[list, list]:
        if texts is None:
            return [None] * n, [None] * n
        texts = [text.strip() for text in texts]
        if GOOGLE_SEPARATOR in "\n".join(texts):  # several numbers in a cell: checked whole
            whole.update(i for i, text in enumerate(texts) if GOOGLE_SEPARATOR in text)
        given = [i for i, text in enumerate(texts) if text and i not in whole]
        readings = self.checker.phones.read_many([texts[i] for i in given])
        whole.update(i for i, reading in zip(given, readings, strict=True) if reading[2])
        if len(given) == n:
            return [reading[0] for reading in readings], [reading[1] for reading in readings]
        phones, zones = [None] * n, [None] * n
        for i, (e164, zone, _) in zip(given, readings, strict=True):
            phones[i], zones[i] = e164, zone
        return phones, zones

    def _emails(self, values, n: int, whole: set[int]) -> list:
        if values is None:
            return [None] * n
        # Several emails in a cell (Google's " ::: ") hold spaces: not an email's shape either.
        stripped = [value.strip() for value in values]
        shaped = list(map(EMAIL_SHAPE.match, stripped))
        # An empty cell gives no email; one that is not an email's shape is reported.
        whole.update(
            i for i, (text, ok) in enumerate(zip(stripped, shaped, strict=True)) if text and not ok
        )
        return [text.lower() if ok else None for text, ok in zip(stripped, shaped, strict=True)]

    def _zones(self, given, phones, phone_zones, n: int, whole: set[int]) -> list:
        checker = self.checker
        default = checker.default_zone
        zones = []
        for i in range(n):
            value = given[i] if given is not None else None
            if value and value.strip():
                zone, problem = checker.zone_answer(value)
                if problem is not None:
                    whole.add(i)
                zones.append(zone)
            elif phones[i] is not None:
                zone = phone_zones[i]
                if zone is None:
                    whole.add(i)  # no guess for this number: reported
                zones.append(zone)
            elif default:
                zones.append(default)
            else:
                whole.add(i)
                zones.append(None)
        return zones

    def _words(self, key: str, values, default: str | None, n: int, whole: set[int]) -> list:
        """The stored words of an industry or source column (None: the writer's default)."""
        values = [value or default for value in values] if values is not None else [default] * n
        answers = list(map(self.checker.answers(key).get, values))
        for i, answer in enumerate(answers):
            if answer is None:  # a word not met yet, or no word
                answers[i] = self.checker.word(key, values[i]) if values[i] else (None, None)
        whole.update(i for i, (_, problem) in enumerate(answers) if problem is not None)
        return [word for word, _ in answers]

    def _pack(self, kept, leads, notes, whole: set[int]) -> PackedRows:
        if not whole:  # every row clean: the leads as read
            lines = [record[0] for record in kept]
            runs = [(i, line) for i, line in enumerate(lines) if not i or line - lines[i - 1] != 1]
            extras = {i: (lines[i], found, None) for i, found in notes.items()}
            return PackedRows(leads, runs, extras)
        checker = self.checker
        packed: list[tuple] = []
        lines = []
        extras = {}
        offset = None
        for i, (line, cells, raw) in enumerate(kept):
            if i in whole:
                if len(cells) > self.width:
                    checker.reject(
                        line,
                        "(row)",
                        f"{len(cells)} cells but the header has {self.width} "
                        "(a stray delimiter or quote?)",
                        raw,
                    )
                    continue
                values, columns = self.pick(cells)
                row = checker.check(line, values, columns, raw)
                if row is None:
                    continue
                lead = tuple(map(row.lead.get, COMMON_COLUMNS))
                if row.notes or row.referrer:
                    extras[len(packed)] = (line, row.notes, row.referrer)
            else:
                lead = leads[i]
                if i in notes:
                    extras[len(packed)] = (line, notes[i], None)
            if line - len(packed) != offset:
                offset = line - len(packed)
                lines.append((len(packed), line))
            packed.append(lead)
        return PackedRows(packed, lines, extras)


# Text columns a row gives as one line: one with a control character (a line break, an escape)
# is checked whole, which reports it or makes it one line.
_ONE_LINE = ("name", "first_name", "last_name", "company", "title")
