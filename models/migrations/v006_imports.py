"""Saved import mappings and the record of import runs.

Adds ``import_mapping`` (a named column mapping a rep can reuse) and ``import_run`` (what each
import read, wrote and refused).
"""

import peewee

from models.fields import UTCDateTimeField

VERSION = 6


def apply(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

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
