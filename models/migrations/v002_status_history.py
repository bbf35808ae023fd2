"""Status history and the visible 'exhausted' state of a lead.

Adds the ``status_change`` table and ``lead.exhausted`` (false for every existing lead).
"""

import peewee

from models.fields import UTCDateTimeField
from models.migrations import add_column

VERSION = 2


def apply(db: peewee.Database) -> None:
    add_column(db, "lead", "exhausted", peewee.BooleanField(), "0")

    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

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
