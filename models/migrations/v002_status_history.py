"""Status history and the visible 'exhausted' state of a lead.

Adds the ``status_change`` table and ``lead.exhausted`` (false for every existing lead).
"""

import peewee

from models.fields import UTCDateTimeField
from models.migrations import add_column, frozen_base

VERSION = 2


def apply(db: peewee.Database) -> None:
    add_column(db, "lead", "exhausted", peewee.BooleanField(), "0")

    Base = frozen_base(db)

    class Lead(Base):
        pass

    class Rep(Base):
        pass

    class StatusChange(Base):
        lead = peewee.ForeignKeyField(Lead, on_delete="CASCADE")
        from_status = peewee.CharField()
        to_status = peewee.CharField()
        reason = peewee.CharField(default="")
        rep = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        changed_at = UTCDateTimeField()

    db.create_tables([StatusChange])
