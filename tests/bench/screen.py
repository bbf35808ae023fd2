"""Watching an app paint: a driver that records every frame, and what "the queue is on screen"
and "the next lead is on screen" mean, for callq and the baseline alike."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual import events
from textual.driver import Driver
from textual.geometry import Size

QUEUE_ID = "queue"


class RecordingDriver(Driver):
    """A terminal driver that renders everything a real terminal gets and keeps, instead of
    writing it, when each frame was written and how many bytes it held."""

    listener: Callable[[str], None] | None = None

    def __init__(self, app, *, debug=False, mouse=True, size=None):
        super().__init__(app, debug=debug, mouse=mouse, size=size or (80, 24))
        self.frames: list[tuple[float, int]] = []

    def write(self, data: str) -> None:
        self.frames.append((time.perf_counter(), len(data.encode("utf-8", "replace"))))
        if self.listener is not None:
            self.listener(data)

    def start_application_mode(self) -> None:
        loop = asyncio.get_running_loop()
        size = Size(*self._size)
        asyncio.run_coroutine_threadsafe(
            self._app._post_message(events.Resize(size, size)), loop=loop
        )

    def disable_input(self) -> None:
        pass

    def stop_application_mode(self) -> None:
        pass


def record(app) -> None:
    """Make ``app`` paint through a :class:`RecordingDriver` (call before running it)."""
    app.driver_class = RecordingDriver


def queue_widget(app):
    """The queue on screen (a widget with id ``queue``), or None before it is mounted."""
    try:
        return app.screen.query_one(f"#{QUEUE_ID}")
    except Exception:
        return None


def queue_marker(app) -> str | None:
    """Text that is on screen once the queue's first row is painted; None while it is empty."""
    table = queue_widget(app)
    if table is None:
        return None
    if hasattr(table, "row_count"):  # a DataTable (the baseline)
        if not table.row_count:
            return None
        cell = table.get_row_at(0)[0]
        text = getattr(cell, "plain", str(cell))
    else:  # callq's paged queue
        if not getattr(table, "loaded", False) or not table.total:
            return None
        first = table.entry_at(0)
        text = first.name if first is not None else ""
    return text.strip()[:8] or None


def cursor_key(app):
    """Where the queue's cursor is: its row and that row's lead (or row key)."""
    table = queue_widget(app)
    if table is None:
        return None
    if hasattr(table, "row_count"):
        if not table.row_count:
            return None
        row = table.cursor_row
        return row, table.coordinate_to_cell_key((row, 0)).row_key.value
    entry = table.entry
    return table.cursor, getattr(entry, "lead_id", None)


def lead_shown(app) -> bool:
    """Whether the lead at the cursor is fully on screen: the detail pane (where there is one)
    shows that lead, not the one before or a placeholder."""
    try:
        detail = app.screen.query_one("#detail")
    except Exception:
        return True  # the baseline has no detail pane
    key = cursor_key(app)
    card = getattr(detail, "card", None)
    lead = getattr(card, "lead", None)
    return key is not None and lead is not None and lead.id == key[1]
