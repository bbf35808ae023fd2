"""Where the queue's rows come from.

TEMPORARY until models.queue lands: leads in id order, due or not, with nothing worked out about
call windows. Replace with models.queue.build_queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.leads import list_leads


@dataclass(frozen=True)
class Entry:
    lead_id: int
    name: str
    company: str
    phone: str | None
    zone: str
    attempts: int
    overdue: bool
    callable_now: bool
    callable_from: object = None
    why: str = ""


def queue_fetcher(app):
    def fetch(offset: int, limit: int, now):
        leads, total = list_leads(limit=limit, offset=offset)
        entries = [
            Entry(
                lead.id,
                lead.name,
                lead.company,
                lead.phone,
                lead.zone,
                lead.attempts,
                lead.next_touch_at is not None and lead.next_touch_at < now,
                True,
            )
            for lead in leads
        ]
        return entries, total

    return fetch
