"""The lead indexes a big import sets aside, and builds again exactly as they were.

Keeping a secondary index up to date row by row costs more than building it once at the end, so
an import that adds at least as many leads as the table holds drops the indexes it does not
read, inside its write transaction (a rollback puts them back), and builds them again before it
commits. One it reads later (the email index, when a row may repeat an email) is built again
just before.
"""

from __future__ import annotations

# Partial indexes that only a lead given ``exhausted``, ``next_touch_fixed`` or a call window
# enters. A common sheet cannot set those columns: its rows never enter these indexes, so they
# are kept (rebuilding one reads the whole table) instead of set aside.
RARE_ROW_INDEXES = ("lead_exhausted", "lead_queue_callback", "lead_own_window")


class SetAside:
    """The lead indexes dropped for a big import: their names and CREATE statements."""

    def __init__(self):
        self.dropped: list[tuple[str, str]] = []

    def drop(self, cursor, keep: list[str]) -> None:
        """Drop every secondary index of the lead table but those in ``keep``."""
        self.dropped = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead'"
            f" AND sql IS NOT NULL AND name NOT IN ({', '.join('?' * len(keep))}) ORDER BY name",
            keep,
        ).fetchall()
        for name, _ in self.dropped:
            cursor.execute('DROP INDEX "{}"'.format(name.replace('"', '""')))

    def build(self, cursor, name: str) -> None:
        """Build ``name`` again now, if it was dropped (before it is read)."""
        for i, (dropped, sql) in enumerate(self.dropped):
            if dropped == name:
                cursor.execute(sql)
                del self.dropped[i]
                return

    def build_all(self, cursor) -> None:
        """Build every dropped index again. SQLite sorts in memory up to the page cache's size,
        then in temporary files: memory stays flat however many leads there are."""
        for _, sql in self.dropped:
            cursor.execute(sql)
        self.dropped = []
