"""Where the queue pane's rows come from: one models.queue view per rebuild.

A rebuild (a new ``generation``) builds a fresh view: models.queue's own cache cannot see a write
made through another thread's connection, and the pane's workers each have their own. The pages
of one rebuild share that view, so paging continues its walk instead of starting again.
"""

from __future__ import annotations

import threading

from models.queue import QueueView


def queue_fetcher(app):
    """``fetch(offset, limit, now, generation)`` for the queue pane (QueueTable)."""
    lock = threading.Lock()  # page workers may overlap; a view walks one page at a time
    current: dict[str, object] = {"generation": None, "view": None}

    def fetch(offset: int, limit: int, now, generation: int):
        with lock:
            if current["generation"] != generation:
                current["view"] = QueueView(app.rep, now=now, settings=app.settings)
                current["generation"] = generation
            view = current["view"]
            return view.page(offset, limit), len(view)

    return fetch
