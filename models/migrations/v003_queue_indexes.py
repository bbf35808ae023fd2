"""Indexes for today's queue: callable leads walked in score order, callbacks, due leads, zones.

The rank expression below is frozen here as it was at version 3; ``models.queue.RANK_SQL`` must
stay textually identical for SQLite to use the index (tests check it).
"""

import peewee

VERSION = 3

ACTIVE = "status IN ('lead', 'prospect', 'customer') AND exhausted = 0"

RANK = (
    "((julianday(next_touch_at) - 2440587.5) * 1440.0"
    " - IFNULL(likelihood, 0) * 12"
    " - (CASE source WHEN 'referral' THEN 720 WHEN 'endless_chain' THEN 600"
    " WHEN 'centre_of_influence' THEN 480 WHEN 'networking' THEN 240"
    " WHEN 'shows' THEN 120 WHEN 'webinars' THEN 120 ELSE 0 END)"
    " + MIN(attempts, 24) * 60)"
)

STATEMENTS = [
    # Callable leads in score order (a rank in minutes: lower is sooner), with what the filter
    # needs so the walk never reads the table.
    f"CREATE INDEX lead_queue_rank ON lead ({RANK}, id, next_touch_at, zone, industry,"
    f" call_window, channel, owner_id) WHERE {ACTIVE} AND next_touch_fixed = 0",
    # Callbacks the prospect asked for, in time order.
    f"CREATE INDEX lead_queue_callback ON lead (next_touch_at, id, owner_id)"
    f" WHERE {ACTIVE} AND next_touch_fixed = 1",
    # Everything due, by time: counts and the not-yet-callable tail.
    f"CREATE INDEX lead_queue_due ON lead (next_touch_at, zone, industry, call_window, channel,"
    f" owner_id, next_touch_fixed, id) WHERE {ACTIVE}",
    # Leads that used up their attempts: visible, out of the queue, waiting for a decision.
    "CREATE INDEX lead_exhausted ON lead (id, owner_id)"
    " WHERE status IN ('lead', 'prospect', 'customer') AND exhausted = 1",
    # The distinct zones and industries, found by skipping through these.
    "CREATE INDEX lead_zone ON lead (zone)",
    "CREATE INDEX lead_industry ON lead (industry)",
    # Leads with their own call window.
    "CREATE INDEX lead_own_window ON lead (call_window, zone) WHERE call_window IS NOT NULL",
]


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
