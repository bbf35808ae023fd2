"""``lead_queue_due`` keeps only what counting the day's leads reads: the due time and the owner.

Version 3 made it cover zone, industry, call window, channel, the fixed flag and the id too,
for a walk of the not-yet-callable tail that version 8 moved to ``lead_queue_pair``. What is left
is the queue's count of every open lead due before the day ends, which reads the due time and
the owner (the index's WHERE holds the rest). The same plans, a third of the entry: every lead
write updates a smaller index, and a big import rebuilds it in about half the time.
"""

import peewee

from models.migrations.v009_cheaper_active_test import ACTIVE

VERSION = 11

STATEMENT = f"CREATE INDEX lead_queue_due ON lead (next_touch_at, owner_id) WHERE {ACTIVE}"


def apply(db: peewee.Database) -> None:
    db.execute_sql("DROP INDEX IF EXISTS lead_queue_due")
    db.execute_sql(STATEMENT)
