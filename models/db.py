"""Opening the database: SQLite with its pragmas, private files, migrations on open.

``open_database`` is the one entry point for the CLI, the screen and the tests.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import peewee

from . import migrations
from .errors import CallqError
from .paths import default_db_path, ensure_private_dir, ensure_private_file
from .schema import database

SQLITE_MAGIC = b"SQLite format 3\x00"

PRAGMAS = {
    # A new database's page size (an existing one keeps its own: WAL files cannot change it).
    # Twice SQLite's default: a 100k-lead import ran about 5% faster (its index rebuild 13%),
    # and the queue's measures (P3-P5) were unchanged.
    "page_size": 8192,
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 15_000,  # ms: a second callq on the same file waits, it does not fail
    "synchronous": "normal",  # safe with WAL; a power cut may lose the last commit, never corrupt
    "cache_size": -2_000,  # KiB per connection (each worker thread has its own)
}


def resolve_target(target: str | os.PathLike | None) -> str:
    """The database to open: ``target``, else ``CALLQ_DB``, else the default data file."""
    if target:
        return str(target)
    return os.environ.get("CALLQ_DB") or str(default_db_path())


def open_database(target: str | os.PathLike | None = None) -> peewee.Database:
    """Open (creating if needed) the callq database at ``target`` and bring its schema up to date.

    Raises :class:`CallqError` with a one-line reason when the path cannot hold a database or the
    file is not a callq database; in that case nothing on disk is changed.
    """
    target = resolve_target(target)
    if "://" in target:
        raise CallqError(f"{target}: only SQLite files are supported for now (give a path)")
    path = Path(target).expanduser()
    db = _open_sqlite(path)
    database.initialize(db)
    return db


def close_database() -> None:
    """Close this thread's connection, if one is open."""
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()


# What SQLite says when the machine, not callq, stops a write → what the rep can do about it.
_REFUSED_WRITES = {
    "database or disk is full": "the disk is full; free some space and try again",
    "disk I/O error": "the disk reported an I/O error",
    "attempt to write a readonly database": "the database file is read-only",
    "database is locked": "another program kept the database busy for over 15 s; try again",
}


@contextlib.contextmanager
def write_transaction(db: peewee.Database | None = None):
    """A transaction for read-then-write work: IMMEDIATE on SQLite, so it waits for the lock
    up front instead of failing midway when another process writes. A write the machine
    refuses (a full disk) is undone whole and raised as a :class:`CallqError` saying why."""
    db = db or database.obj
    if isinstance(db, peewee.SqliteDatabase):
        atomic = db.atomic(lock_type="IMMEDIATE")
    else:
        atomic = db.atomic()
    try:
        with atomic:
            yield atomic
    except (sqlite3.OperationalError, peewee.OperationalError) as exc:
        # SQLite rolls back by itself on a full disk, so peewee's own ROLLBACK then fails
        # ("no transaction is active"): the first error of the chain is the one that matters.
        first = exc
        while isinstance(first.__context__, (sqlite3.Error, peewee.PeeweeException)):
            first = first.__context__
        why = _REFUSED_WRITES.get(str(first))
        if why is None:
            raise
        raise CallqError(f"{db.database}: {why} (SQLite: {first}); nothing was written") from None


def _open_sqlite(path: Path) -> peewee.SqliteDatabase:
    if path.is_dir():
        raise CallqError(f"{path}: is a directory, not a database file")
    created_file = False
    if path.exists():
        _check_is_sqlite(path)
        if not os.access(path, os.R_OK | os.W_OK):
            raise CallqError(f"{path}: database file is not readable and writable by you")
    else:
        parent = path.parent
        if parent.exists() and not parent.is_dir():
            raise CallqError(f"{parent}: is not a directory; cannot create the database there")
        try:
            ensure_private_dir(parent)
        except OSError as exc:
            raise CallqError(
                f"{parent}: cannot create the database directory ({exc.strerror})"
            ) from None
        if not os.access(parent, os.W_OK | os.X_OK):
            raise CallqError(f"{parent}: directory is not writable; choose another --db path")
        try:
            created_file = ensure_private_file(path)
        except OSError as exc:
            raise CallqError(f"{path}: cannot create the database ({exc.strerror})") from None

    if not created_file:
        _check_is_callq(path)  # before the pragmas, which would rewrite another program's file
    db = peewee.SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)
    try:
        db.connect()
        newer = migrations.schema_version(db)
        if newer > migrations.latest_version():
            raise CallqError(
                f"{path}: written by a newer callq (schema {newer}); upgrade callq to open it"
            )
        if newer < migrations.latest_version() or migrations.application_id(db) == 0:
            with write_transaction(db):
                migrations.migrate(db)
    except CallqError:
        db.close()
        if created_file:
            _remove_quietly(path)
        raise
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        db.close()
        if created_file:
            _remove_quietly(path)
        raise CallqError(f"{path}: cannot open the database ({exc})") from None
    return db


def _check_is_sqlite(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise CallqError(f"{path}: cannot read ({exc.strerror})") from None
    if head and head != SQLITE_MAGIC:
        raise CallqError(f"{path}: not a callq database (not an SQLite file)")


def _check_is_callq(path: Path) -> None:
    """Refuse an SQLite file that another program made, reading it without writing a byte."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise CallqError(f"{path}: cannot open the database ({exc})") from None
    if app_id != migrations.APPLICATION_ID and (app_id != 0 or tables):
        raise CallqError(f"{path}: not a callq database (an SQLite file of another program)")


def _remove_quietly(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
