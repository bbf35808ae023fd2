"""Indexes for the queue at night: each call-window pair's due leads, by time and by score.

A pair is a lead's zone and call window (its own, else its industry's); email leads, callable at
any hour, form the pair ``''``. When few windows are open, the queue reads the open pairs' leads
in score order and the closed pairs' leads in time order, pair by pair, instead of walking every
due lead. Both expressions below are frozen as they were at version 8: ``models.queue.PAIR_SQL``
and ``models.queue.RANK_SQL`` must stay textually identical for SQLite to use the indexes (tests
check it).
"""

import peewee

VERSION = 8

ACTIVE = "status IN ('lead', 'prospect', 'customer') AND exhausted = 0"

PAIR = "(CASE channel WHEN 'email' THEN '' ELSE zone || '|' || COALESCE(call_window, industry) END)"

RANK = (
    "((julianday(next_touch_at) - 2440587.5) * 1440.0"
    " - IFNULL(likelihood, 0) * 12"
    " - (CASE source WHEN 'referral' THEN 720 WHEN 'endless_chain' THEN 600"
    " WHEN 'centre_of_influence' THEN 480 WHEN 'networking' THEN 240"
    " WHEN 'shows' THEN 120 WHEN 'webinars' THEN 120 ELSE 0 END)"
    " + MIN(attempts, 24) * 60)"
)

STATEMENTS = [
    # A pair's leads by due time: the not-yet-callable tail, in the order its rows open.
    f"CREATE INDEX lead_queue_pair ON lead ({PAIR}, next_touch_at, id, owner_id)"
    f" WHERE {ACTIVE} AND next_touch_fixed = 0",
    # A pair's leads by score: the callable groups when only a few pairs are open.
    f"CREATE INDEX lead_queue_pair_rank ON lead ({PAIR}, {RANK}, id, next_touch_at, owner_id)"
    f" WHERE {ACTIVE} AND next_touch_fixed = 0",
]


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
