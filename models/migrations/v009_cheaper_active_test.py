"""The queue's partial indexes again, with "active" written as the two closed statuses left out.

``status IN ('lead', 'prospect', 'customer')`` made SQLite build a small look-up table each time
a statement ran: every insert or update of a lead paid for it once per partial index (six), and
an import of 100k leads spent more time there than in writing the rows. ``status NOT IN ('lost',
'do_not_contact')`` is tested by two comparisons and selects the same leads (a status is always
one of the five). ``models.queue.ACTIVE`` must stay textually identical to ``ACTIVE`` below for
SQLite to use these indexes (tests check it).
"""

import peewee

from models.migrations.v003_queue_indexes import RANK
from models.migrations.v008_queue_pair_indexes import PAIR

VERSION = 9

OPEN = "status NOT IN ('lost', 'do_not_contact')"
ACTIVE = f"{OPEN} AND exhausted = 0"
EXHAUSTED = f"{OPEN} AND exhausted = 1"

STATEMENTS = [
    f"CREATE INDEX lead_queue_rank ON lead ({RANK}, id, next_touch_at, zone, industry,"
    f" call_window, channel, owner_id) WHERE {ACTIVE} AND next_touch_fixed = 0",
    f"CREATE INDEX lead_queue_callback ON lead (next_touch_at, id, owner_id)"
    f" WHERE {ACTIVE} AND next_touch_fixed = 1",
    f"CREATE INDEX lead_queue_due ON lead (next_touch_at, zone, industry, call_window, channel,"
    f" owner_id, next_touch_fixed, id) WHERE {ACTIVE}",
    f"CREATE INDEX lead_exhausted ON lead (id, owner_id) WHERE {EXHAUSTED}",
    f"CREATE INDEX lead_queue_pair ON lead ({PAIR}, next_touch_at, id, owner_id)"
    f" WHERE {ACTIVE} AND next_touch_fixed = 0",
    f"CREATE INDEX lead_queue_pair_rank ON lead ({PAIR}, {RANK}, id, next_touch_at, owner_id)"
    f" WHERE {ACTIVE} AND next_touch_fixed = 0",
]


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql("DROP INDEX IF EXISTS " + statement.split()[2])
        db.execute_sql(statement)
