"""Opening the database: private files, pragmas, migrations that keep every row, refusals."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time

import peewee
import pytest

from models import migrations
from models.db import close_database, open_database, write_transaction
from models.errors import CallqError
from models.schema import ALL_MODELS, Lead, Rep
from tests.conftest import NOW


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_database_is_private_to_its_owner(db_path):
    old = os.umask(0o022)  # a typical shared box
    try:
        open_database(db_path)
        Rep.create(name="ana", created_at=NOW)  # forces the WAL file into being
        assert _mode(db_path) == 0o600
        assert _mode(db_path.parent) == 0o700
        assert _mode(f"{db_path}-wal") == 0o600
    finally:
        os.umask(old)


def test_pragmas_wal_foreign_keys_and_busy_timeout(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 10_000


def test_a_new_database_has_8_kib_pages_and_an_old_one_keeps_its_own(db, db_path, tmp_path):
    assert db.execute_sql("PRAGMA page_size").fetchone()[0] == 8192
    old = tmp_path / "old" / "callq.db"
    old.parent.mkdir(mode=0o700)
    legacy = peewee.SqliteDatabase(str(old), pragmas={"journal_mode": "wal"})
    with legacy.atomic():
        migrations.migrate(legacy, target=1)
    legacy.close()
    close_database()
    reopened = open_database(old)
    assert reopened.execute_sql("PRAGMA page_size").fetchone()[0] == 4096
    assert migrations.schema_version(reopened) == migrations.latest_version()


def test_default_location_is_the_user_data_dir(private_home):
    db = open_database(None)
    assert db.database == str(private_home / ".local" / "share" / "callq" / "callq.db")


def test_callq_db_environment_variable_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLQ_DB", str(tmp_path / "env.db"))
    assert open_database(None).database == str(tmp_path / "env.db")


def _columns(db, table) -> set[str]:
    return {c.name for c in db.get_columns(table)}


def test_migrated_schema_matches_the_models(db):
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert _columns(db, table) == {f.column_name for f in model._meta.sorted_fields}, table


def test_database_created_at_version_1_opens_with_every_row_intact(db_path):
    db_path.parent.mkdir(mode=0o700)
    db = peewee.SqliteDatabase(str(db_path))
    with db.atomic():
        migrations.migrate(db, target=1)
    assert migrations.schema_version(db) == 1
    stamp = "2026-03-29 00:30:00.000000"
    db.execute_sql("INSERT INTO rep (name, created_at) VALUES ('ana', ?)", (stamp,))
    for i in range(3):
        db.execute_sql(
            "INSERT INTO lead (name, company, title, phone, zone, industry, source, owner_id,"
            " status, q_need, q_afford, q_authority, q_approachable, q_eligible, cadence_days,"
            " channel,"
            " next_touch_at, next_touch_fixed, attempts, created_at, updated_at) VALUES"
            " (?, 'Acme', '', ?, 'Europe/Berlin', 'office', 'referral', 1, 'prospect', 'yes',"
            " 'yes', 'unknown', 'yes', 'no', 14, 'email', ?, 0, ?, ?, ?)",
            (f"Lead {i}", f"+4930901820{i}", stamp, i, stamp, stamp),
        )
    db.execute_sql(
        "INSERT INTO note (lead_id, kind, body, author_id, is_draft, created_at, updated_at)"
        " VALUES (1, 'benefit', 'Saves two days a month', 1, 1, ?, ?)",
        (stamp, stamp),
    )
    db.close()

    open_database(db_path)
    assert migrations.schema_version(Lead._meta.database) == migrations.latest_version()
    leads = list(Lead.select().order_by(Lead.id))
    assert [(lead.name, lead.attempts, lead.status, lead.cadence_days) for lead in leads] == [
        ("Lead 0", 0, "prospect", 14),
        ("Lead 1", 1, "prospect", 14),
        ("Lead 2", 2, "prospect", 14),
    ]
    assert leads[0].next_touch_at.isoformat() == "2026-03-29T00:30:00+00:00"
    assert leads[0].q_eligible == "no" and leads[0].channel == "email"
    assert not any(lead.exhausted for lead in leads)  # the column v2 added, defaulted
    assert leads[0].notes[0].body == "Saves two days a month" and leads[0].notes[0].is_draft


def test_reopening_runs_no_migration_twice(db_path):
    open_database(db_path)
    Rep.create(name="ana", created_at=NOW)
    close_database()
    db = open_database(db_path)
    assert Rep.select().count() == 1
    assert migrations.schema_version(db) == migrations.latest_version()


def _refused(path, match):
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(CallqError, match=match):
        open_database(path)
    after = path.read_bytes() if path.exists() else None
    assert before == after, "a refused file must be left exactly as it was"


def test_a_text_file_is_not_a_callq_database(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("name,phone\nAna,+1 212 555 0100\n")
    _refused(path, "not a callq database")


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO photos (name) VALUES ('cat.jpg')")
    con.commit()
    con.close()
    _refused(path, "not a callq database")


def test_a_newer_schema_is_refused(db_path):
    db = open_database(db_path)
    db.execute_sql("PRAGMA user_version = 999")
    close_database()
    _refused(db_path, "newer callq")


def test_unwritable_directory_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(CallqError, match="not writable"):
        open_database(locked / "callq.db")


def test_a_directory_is_not_a_database(tmp_path):
    with pytest.raises(CallqError, match="is a directory"):
        open_database(tmp_path)


def test_path_under_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CallqError, match="cannot create"):
        open_database(blocker / "callq.db")


def test_write_transaction_waits_for_another_writer_instead_of_failing(db):
    """Two writers that read then write: the second waits for the lock, both land."""
    rep = Rep.create(name="ana", created_at=NOW)
    Lead.create(name="Ana", zone="UTC", owner=rep, created_at=NOW, updated_at=NOW)
    errors = []
    holding = threading.Event()

    def slow_writer():
        try:
            with write_transaction():
                lead = Lead.get_by_id(1)
                holding.set()
                time.sleep(0.4)
                lead.attempts += 1
                lead.save()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    holding.wait(5)
    with write_transaction():
        lead = Lead.get_by_id(1)
        lead.attempts += 1
        lead.save()
    thread.join()
    assert errors == []
    assert Lead.get_by_id(1).attempts == 2


def test_a_full_disk_undoes_the_whole_import_and_says_so(db, tmp_path):
    from models.importing import ImportOptions, plan_import, run_import

    sheet = tmp_path / "leads.csv"
    sheet.write_text("Name,Phone\n" + "".join(f"Lead {i},+1212555{i:04d}\n" for i in range(3000)))
    pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.execute_sql(f"PRAGMA max_page_count = {pages + 10}")  # the disk fills up midway
    options = ImportOptions(default_zone="UTC")
    with pytest.raises(CallqError, match=r"the disk is full; free some space.*nothing was written"):
        run_import(plan_import(sheet, options), options, now=NOW)
    db.execute_sql("PRAGMA max_page_count = 4294967294")
    assert Lead.select().count() == 0


def test_a_write_sqlite_undid_by_itself_reports_why_not_the_failed_rollback(db):
    # On a full disk SQLite rolls the transaction back itself; peewee's ROLLBACK then fails
    # with "no transaction is active", which must not hide the reason.
    reason = r"the disk is full.*\(SQLite: database or disk is full\)"
    with pytest.raises(CallqError, match=reason), write_transaction():
        Rep.create(name="ben", created_at=NOW)
        db.execute_sql("ROLLBACK")
        raise sqlite3.OperationalError("database or disk is full")
    assert not Rep.select().where(Rep.name == "ben").exists()
    with write_transaction():  # the connection is usable again
        Rep.create(name="cleo", created_at=NOW)
    assert Rep.select().where(Rep.name == "cleo").exists()


def test_a_programming_error_in_a_write_is_not_dressed_up(db):
    with pytest.raises(peewee.OperationalError, match="no such table"), write_transaction():
        db.execute_sql("SELECT * FROM no_such_table")
