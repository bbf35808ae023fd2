"""The phones and emails a big import has met, so that most rows need no duplicate look-up.

Bloom filters (rbloom), a fixed 2.4 MB each however many keys: the table's phones and emails
when the import began, and those of the file's rows so far. A Bloom filter may wrongly answer
"there" (1% at two million keys, fewer below), never wrongly "not there": a row whose phone and
email neither has is surely no duplicate, and a wrong "there" only costs a look-up.

The writer keeps both, so the process checking a common sheet's rows (:mod:`models.import_feed`),
the slower side of a big import, does not spend its time on them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from rbloom import Bloom

from .import_check import Row

_CAPACITY = 2_000_000
_WRONG_THERE = 0.01


class FileKeys:
    """The phones and emails of the file's rows so far."""

    def __init__(self):
        self._seen = Bloom(_CAPACITY, _WRONG_THERE)

    def repeats(self, keys: Iterable[str]) -> bool:
        """Whether some of these phones and emails may have been met before (in the file, or
        earlier among ``keys``); all of them are then remembered."""
        keys = list(keys)
        seen = self._seen
        again = len(set(keys)) < len(keys) or any(map(seen.__contains__, keys))
        seen.update(keys)
        return again

    def maybe_duplicates(self, rows: list[Row], table) -> list[Row]:
        """The rows whose phone or email may be an earlier row's or in ``table`` (in order);
        every row's keys are then remembered."""
        seen = self._seen
        maybe = []
        for row in rows:
            lead = row.lead
            phone, email = lead.get("phone"), lead.get("email")
            if (phone is not None and (phone in seen or phone in table)) or (
                email is not None and (email in seen or email in table)
            ):
                maybe.append(row)
            if phone is not None:
                seen.add(phone)
            if email is not None:
                seen.add(email)
        return maybe


class KnownKeys:
    """The table's phones and emails (read from their indexes; none for an empty table) and
    the file's, added row by row."""

    def __init__(self, cursor, *, table_empty: bool):
        self._table: Bloom | frozenset = frozenset() if table_empty else _table_keys(cursor)
        self._file = FileKeys()

    def maybe_duplicates(self, rows: list[Row]) -> list[Row]:
        """The rows whose phone or email may be an earlier row's or a lead's of the table (in
        order); every row's keys are then remembered."""
        return self._file.maybe_duplicates(rows, self._table)

    def repeats_in_file(self, keys: list[tuple[str | None, str | None]]) -> bool:
        """Whether a phone or email of these (phone, email) pairs may be an earlier row's of
        the file, or repeat among them; all of them are then remembered."""
        return self._file.repeats(filter(None, itertools.chain.from_iterable(keys)))

    def in_table(self, keys: Iterable[tuple[str | None, str | None]]) -> list[int]:
        """Which (phone, email) pairs (by place) may have their phone or email among the
        table's leads."""
        table = self._table
        if not table:
            return []
        return [
            i
            for i, (phone, email) in enumerate(keys)
            if (phone is not None and phone in table) or (email is not None and email in table)
        ]


def _table_keys(cursor) -> Bloom:
    keys = Bloom(_CAPACITY, _WRONG_THERE)
    for column in ("phone", "email"):
        keys.update(
            key
            for (key,) in cursor.execute(f"SELECT {column} FROM lead WHERE {column} IS NOT NULL")
        )
    return keys
