"""Where the queue pane's rows come from: one models.queue view per rebuild.

A rebuild (a new ``generation``) builds a fresh view: models.queue's own cache cannot see a write
made through another thread's connection, and the pane's workers each have their own. The pages
of one rebuild share that view, so paging continues its walk instead of starting again.

The first rebuild gets a head start: :meth:`QueueSource.head_start` reads the first page in a
thread of its own while the screen is still being built, so the queue can be in the first frame
the rep sees instead of a "Loading…" that a worker replaces a frame later.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import Future

from models.queue import QueueView

from ..workers import db_thread

FIRST = 1  # the generation of the queue pane's first rebuild
HEAD_START_WAIT = 0.5  # seconds


class QueueSource:
    """``source(offset, limit, now, generation)`` for the queue pane (QueueTable)."""

    def __init__(self, rep, settings) -> None:
        self._rep, self._settings = rep, settings
        self._lock = threading.Lock()  # page workers may overlap; a view walks one page at a time
        self._generation: int | None = None
        self._view: QueueView | None = None
        self._head: tuple[int, int, Future] | None = None  # (offset, limit, its result)

    def head_start(self, now, limit: int, wait: float = HEAD_START_WAIT) -> None:
        """Read entries 0 … ``limit`` of the first rebuild now, in a thread, at ``now``; wait
        for it up to ``wait`` seconds (a thread racing Textual's start-up for the interpreter
        would take several times longer than it does alone). A database slower than that keeps
        reading while the screen is built, and the pane shows "Loading…" until it is done."""
        result: Future = Future()
        self._head = (0, limit, result)

        def read() -> None:
            try:
                with db_thread():
                    result.set_result(self._read(0, limit, now, FIRST, count=False))
                    # Then the count, kept by the view for the pane to ask for: in this thread's
                    # connection, not a new one that would need pages of its own.
                    self._read(0, 0, now, FIRST)
            except BaseException as exc:  # handed to whoever asks for the page
                if not result.done():
                    result.set_exception(exc)

        threading.Thread(target=read, name="queue-head-start", daemon=True).start()
        with contextlib.suppress(TimeoutError, Exception):
            result.exception(timeout=wait)

    def ready(self, offset: int, limit: int, generation: int):
        """The head start's (entries, total or None) when it read exactly this and is done;
        else None (without waiting)."""
        head = self._head
        if head is None or generation != FIRST or head[:2] != (offset, limit):
            return None
        if not head[2].done() or head[2].exception() is not None:
            return None
        self._head = None
        return head[2].result()

    def __call__(self, offset: int, limit: int, now, generation: int):
        head = self._head
        if head is not None and generation == FIRST and head[:2] == (offset, limit):
            self._head = None
            try:
                return head[2].result()  # waits while the head start is still reading
            except Exception:
                pass  # read again below: an error that is real comes back from there
        return self._read(offset, limit, now, generation)

    def _read(self, offset: int, limit: int, now, generation: int, *, count: bool = True):
        """The entries and the count (None without ``count``: the pane asks for it later)."""
        with self._lock:
            if self._generation != generation:
                self._view = QueueView(self._rep, now=now, settings=self._settings)
                self._generation = generation
            entries = self._view.page(offset, limit) if limit else []
            return entries, len(self._view) if count else None
