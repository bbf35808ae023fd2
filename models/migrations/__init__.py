"""Schema versions and the migrations between them; they run on open and never drop data.

Each module ``vNNN_*.py`` here holds ``VERSION`` and ``apply(db)``. A migration describes the
schema as it was at that version (frozen), never by importing today's models, so an old file
always walks the same path to the present. SQLite keeps the version in ``PRAGMA user_version``
and marks the file as callq's with ``PRAGMA application_id``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType

import peewee

APPLICATION_ID = 0x63616C71  # "calq"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    module: ModuleType

    def apply(self, db: peewee.Database) -> None:
        self.module.apply(db)


def all_migrations() -> list[Migration]:
    """Every migration shipped, in version order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("v"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        doc = (module.__doc__ or info.name).strip().splitlines()[0]
        found.append(Migration(module.VERSION, doc, module))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version: {versions}")
    return found


def latest_version() -> int:
    return all_migrations()[-1].version


def schema_version(db: peewee.Database) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def application_id(db: peewee.Database) -> int:
    return db.execute_sql("PRAGMA application_id").fetchone()[0]


def migrate(db: peewee.Database, target: int | None = None) -> list[Migration]:
    """Bring ``db`` up to ``target`` (default: the latest); returns the migrations applied.

    The caller holds a write transaction, so a failing step leaves the file as it was.
    """
    current = schema_version(db)
    applied = []
    for migration in all_migrations():
        if migration.version <= current or (target is not None and migration.version > target):
            continue
        before = _row_counts(db)
        migration.apply(db)
        lost = {t: (n, _row_count(db, t)) for t, n in before.items() if _row_count(db, t) < n}
        if lost:
            raise RuntimeError(f"migration {migration.version} would lose rows: {lost}")
        db.execute_sql(f"PRAGMA user_version = {int(migration.version)}")
        applied.append(migration)
    if applied or application_id(db) != APPLICATION_ID:
        db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    return applied


def frozen_base(db: peewee.Database) -> type[peewee.Model]:
    """The base class for a migration's frozen models, bound to ``db``."""

    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    return Base


def _row_count(db: peewee.Database, table: str) -> int:
    if table not in db.get_tables():
        return 0
    return db.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _row_counts(db: peewee.Database) -> dict[str, int]:
    return {table: _row_count(db, table) for table in db.get_tables()}


def add_column(
    db: peewee.Database, table: str, column: str, field: peewee.Field, default_sql: str
) -> None:
    """Add a NOT NULL column with a default in one ALTER TABLE.

    Peewee's migrator rebuilds the table for NOT NULL on SQLite, and dropping the old table
    cascades deletes into child rows when foreign keys are on: never use it for that.
    """
    types = db.get_context_options()["field_types"]
    ddl_type = types.get(field.field_type, field.field_type)
    db.execute_sql(
        f'ALTER TABLE "{table}" ADD COLUMN "{column}" {ddl_type} NOT NULL DEFAULT {default_sql}'
    )
