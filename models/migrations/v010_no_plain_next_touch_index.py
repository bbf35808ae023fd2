"""Drop ``lead_next_touch_at``, the plain index on the next touch that version 1 created.

The queue reads the next touch through its own partial indexes (versions 3, 8 and 9), which
lead with it or with a rank made from it; no statement callq runs needs this one: the calendar
export reads every scheduled lead and sorts faster without it, and counting leads uses the
owner index instead. Yet every new or rescheduled lead updated it, and a big import rebuilt
it (a tenth of the rebuild).
"""

import peewee

VERSION = 10


def apply(db: peewee.Database) -> None:
    db.execute_sql("DROP INDEX IF EXISTS lead_next_touch_at")
