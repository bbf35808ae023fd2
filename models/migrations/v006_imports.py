"""Saved import mappings and the record of import runs.

Adds ``import_mapping`` (a named column mapping a rep can reuse) and ``import_run`` (what each
import read, wrote and refused).
"""

import peewee

from models.fields import UTCDateTimeField
from models.migrations import frozen_base

VERSION = 6


def apply(db: peewee.Database) -> None:
    Base = frozen_base(db)

    class Rep(Base):
        pass

    class ImportMapping(Base):
        name = peewee.CharField(unique=True)
        spec = peewee.TextField()
        created_at = UTCDateTimeField()
        updated_at = UTCDateTimeField()

    class ImportRun(Base):
        rep = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        path = peewee.TextField()
        format = peewee.CharField()
        policy = peewee.CharField()
        started_at = UTCDateTimeField()
        finished_at = UTCDateTimeField()
        rows_read = peewee.IntegerField()
        imported = peewee.IntegerField()
        updated = peewee.IntegerField()
        duplicates = peewee.IntegerField()
        rejected = peewee.IntegerField()
        problems = peewee.IntegerField()

    db.create_tables([ImportMapping, ImportRun])
