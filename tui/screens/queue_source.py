"""Where the queue pane's rows come from: models.queue, one view per rebuild.

Every page of one rebuild is read at the same ``now``, so models.queue hands back the same view
and paging continues its walk instead of starting again.
"""

from __future__ import annotations

from models.queue import queue_view


def queue_fetcher(app):
    """``fetch(offset, limit, now)`` for :class:`~tui.widgets.queue_table.QueueTable`."""

    def fetch(offset: int, limit: int, now):
        view = queue_view(app.rep, now=now, settings=app.settings)
        return view.page(offset, limit), len(view)

    return fetch
