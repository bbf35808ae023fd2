"""Time blocks: pause history, recurring planned blocks, one running block per rep.

Adds ``block_pause`` and ``planned_block``, and a unique index on running blocks (``ended_at``
empty) per rep. Should a file hold two running blocks for one rep, the older ones are ended at
their last sign of life first, so the index can exist and no row is lost.
"""

import peewee

from models.fields import UTCDateTimeField
from models.migrations import frozen_base

VERSION = 4


def apply(db: peewee.Database) -> None:
    Base = frozen_base(db)

    class Rep(Base):
        pass

    class TimeBlock(Base):
        pass

    class BlockPause(Base):
        block = peewee.ForeignKeyField(TimeBlock, on_delete="CASCADE")
        started_at = UTCDateTimeField()
        ended_at = UTCDateTimeField(null=True)
        reason = peewee.CharField(default="paused")

    class PlannedBlock(Base):
        rep = peewee.ForeignKeyField(Rep, on_delete="CASCADE")
        category = peewee.CharField()
        weekdays = peewee.CharField()
        start_minute = peewee.IntegerField()
        minutes = peewee.IntegerField()
        created_at = UTCDateTimeField()
        removed_at = UTCDateTimeField(null=True)

    db.create_tables([BlockPause, PlannedBlock])
    db.execute_sql(
        "UPDATE time_block SET ended_at = COALESCE(heartbeat_at, started_at),"
        " end_reason = 'duplicate' WHERE ended_at IS NULL AND id NOT IN"
        " (SELECT max(id) FROM time_block WHERE ended_at IS NULL GROUP BY rep_id)"
    )
    db.execute_sql(
        "CREATE UNIQUE INDEX time_block_one_running_per_rep ON time_block (rep_id)"
        " WHERE ended_at IS NULL"
    )
    db.execute_sql("CREATE INDEX time_block_rep_started ON time_block (rep_id, started_at)")
