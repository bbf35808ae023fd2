"""Big imports. A common sheet checked in a second process while this one writes gives the same
report, leads and rejects as one checked here; a failure there is reported with its line, and
the process never outlives the import nor is forked from a process with threads. Rows first in
the file with their phone and email are not looked up, and the duplicates found are those a
small import finds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import models.import_feed as import_feed
from models.db import close_database, open_database
from models.errors import CallqError
from models.importing import ImportOptions, plan_import, run_import
from models.schema import Lead
from tests.conftest import NOW

_FORKS: list[int] = []
_COUNTING = [False]


def _count_fork() -> None:
    if _COUNTING[0]:
        _FORKS.append(os.getpid())


os.register_at_fork(before=_count_fork)  # the hook stays for the session; it counts only here


@pytest.fixture
def forks(monkeypatch):
    """The forks this test made; any file counts as big."""
    assert threading.active_count() == 1, (
        f"threads left by an earlier test: {threading.enumerate()}"
    )
    monkeypatch.setattr(import_feed, "FORK_FROM_BYTES", 0)
    monkeypatch.setattr(import_feed, "CHUNK_ROWS", 7)  # many chunks, one row at a time would do
    _FORKS.clear()
    _COUNTING[0] = True
    yield _FORKS
    _COUNTING[0] = False
    with pytest.raises(ChildProcessError):  # no checking process left behind, not even a zombie
        os.waitpid(-1, os.WNOHANG)


def _sheet(path, rows=60):
    lines = ["First Name,Last Name,Phone,Email,Industry,Time Zone,Notes"]
    for i in range(rows):
        phone = f"+1 212 555 {i:04d}"
        email = f"lead{i}@example.com"
        industry, zone = "restaurant", ""
        if i % 11 == 3:
            email = "not-an-email"  # refused
        if i % 13 == 5:
            phone, zone = "call the front desk", "America/New_York"  # kept, with a warning
        if i % 17 == 8:
            phone = "+1 212 555 0001"  # the same phone as the second row
        if i % 19 == 9:
            industry = "Wizardry"  # refused
        lines.append(f'Ana{i},Silva,{phone},{email},{industry},{zone},"met at the fair\nline two"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(db_path, path, **options):
    open_database(db_path)
    try:
        opts = ImportOptions(**options)
        report = run_import(plan_import(path, opts), opts, now=NOW)
        stored = [
            (lead.id, lead.name, lead.phone, lead.phone_raw, lead.email, lead.zone)
            for lead in Lead.select().order_by(Lead.id)
        ]
        return report, stored
    finally:
        close_database()


def _as_compared(report):
    found = report.as_dict()
    found["rejects"] = report.rejects_file.read_bytes() if report.rejects_file else None
    found.pop("rejects_file")
    return found


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"skip_invalid": True},
        {"skip_invalid": True, "duplicates": "keep"},
        {"skip_invalid": True, "duplicates": "update"},
    ],
)
def test_checked_elsewhere_the_import_is_the_same(tmp_path, forks, monkeypatch, options):
    sheet = _sheet(tmp_path / "sheet.csv")
    monkeypatch.setattr(import_feed, "FORK_FROM_BYTES", 1 << 60)
    here, stored_here = _import(tmp_path / "here.db", sheet, **options)
    if here.rejects_file:
        here.rejects_file = here.rejects_file.rename(tmp_path / "here.rejects.csv")
    assert not forks
    monkeypatch.setattr(import_feed, "FORK_FROM_BYTES", 0)
    there, stored_there = _import(tmp_path / "there.db", sheet, **options)
    assert len(forks) == 1
    assert _as_compared(there) == _as_compared(here)
    assert stored_there == stored_here
    assert there.rejected == 8 and there.problems.counts["warning"] == 5
    assert there.problems.counts["duplicate"] == 3
    assert bool(stored_there) is bool(options)  # all or nothing unless told to skip invalid


@pytest.mark.parametrize("elsewhere", [False, True])
def test_an_unreadable_line_far_into_the_file_stops_the_import(
    tmp_path, forks, monkeypatch, elsewhere
):
    if not elsewhere:
        monkeypatch.setattr(import_feed, "FORK_FROM_BYTES", 1 << 60)
    sheet = _sheet(tmp_path / "sheet.csv", rows=1000)  # past the head the plan reads
    with sheet.open("ab") as out:
        out.write(b"Bea,Braun,+1 212 555 0999,bea@example.com,restaurant,,not in cp1252: \x81\n")
    with pytest.raises(CallqError, match=r"sheet.csv: line 2002: bytes that are not Windows-1252"):
        _import(tmp_path / "callq.db", sheet, skip_invalid=True, encoding="cp1252")
    assert len(forks) == elsewhere
    open_database(tmp_path / "callq.db")
    try:
        assert Lead.select().count() == 0
    finally:
        close_database()
    assert not (tmp_path / "sheet.rejects.csv").exists()


def test_a_failing_writer_stops_the_checking_process(tmp_path, forks):
    sheet = _sheet(tmp_path / "sheet.csv", rows=200)
    seen = []

    def progress(position, total, read):
        seen.append(read)
        if len(seen) == 2:
            raise KeyboardInterrupt  # the rep pressed ctrl+c

    open_database(tmp_path / "callq.db")
    try:
        opts = ImportOptions(skip_invalid=True)
        with pytest.raises(KeyboardInterrupt):
            run_import(plan_import(sheet, opts), opts, now=NOW, progress=progress)
        assert Lead.select().count() == 0
    finally:
        close_database()
    assert len(forks) == 1 and seen == [7, 14]
    assert not (tmp_path / "sheet.rejects.csv").exists()


def test_never_forked_from_a_process_with_threads(tmp_path, forks):
    # The workstation imports in a worker thread: a fork then could copy a lock held by
    # another thread, and the copy would wait on it for ever.
    sheet = _sheet(tmp_path / "sheet.csv")
    reports = []
    worker = threading.Thread(target=lambda: reports.append(_import(tmp_path / "t.db", sheet)[0]))
    worker.start()
    worker.join()
    assert not forks
    assert reports[0].read == 60 and reports[0].rejected == 8


def _with_duplicates(path):
    """Rows that match leads already there (by phone, by email), earlier rows of the file
    (chunks apart), and a phone that an update gives a lead before a later row has it."""
    lines = ["Name,Phone,Email,Time Zone"]
    for i in range(40):
        lines.append(f"Lead {i},+1 212 555 {i:04d},lead{i}@example.com,")
    lines += [
        "Old Phone,+1 312 555 0001,,",  # the phone of a lead already there
        "Old Email,,old@example.com,UTC",  # the email of a lead already there
        "Again,+1 212 555 0003,,",  # line 5's phone, chunks later
        "Again Mail,,LEAD7@example.com,UTC",  # line 9's email
        "New Phone,+1 212 555 0999,old@example.com,",  # updates the old lead: a new phone
        "Newer,+1 212 555 0999,,",  # the phone the update gave
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("policy", ["skip", "update", "keep"])
def test_a_big_import_finds_the_duplicates_a_small_one_does(tmp_path, forks, monkeypatch, policy):
    import models.import_write as import_write
    from models.leads import add_lead

    sheet = _with_duplicates(tmp_path / "sheet.csv")
    results = []
    for big, elsewhere in ((False, False), (True, False), (True, True)):
        monkeypatch.setattr(import_write, "DEFER_INDEXES_FROM", 1 if big else 1 << 60)
        monkeypatch.setattr(import_feed, "FORK_FROM_BYTES", 0 if elsewhere else 1 << 60)
        db_path = tmp_path / f"{big}-{elsewhere}.db"
        open_database(db_path)
        try:
            add_lead({"name": "Old", "phone": "+13125550001", "zone": "UTC"}, now=NOW)
            add_lead({"name": "Old Mail", "email": "old@example.com", "zone": "UTC"}, now=NOW)
        finally:
            close_database()
        report, stored = _import(db_path, sheet, duplicates=policy)
        results.append((report.as_dict() | {"file": None}, stored))
    assert len(forks) == 1
    assert results[1] == results[0] and results[2] == results[0]
    duplicates = [p for p in results[0][0]["problems"] if p["kind"] == "duplicate"]
    assert [d["line"] for d in duplicates][:5] == [42, 43, 44, 45, 46]
    assert "lead 1" in duplicates[0]["reason"] and "line 5" in duplicates[2]["reason"]


def test_a_big_clean_import_looks_nothing_up(tmp_path, monkeypatch):
    # Its rows are the first with their phone and email: no duplicate look-up is needed.
    import models.import_write as import_write
    from models.leads import add_lead
    from models.schema import database

    monkeypatch.setattr(import_feed, "CHUNK_ROWS", 7)
    monkeypatch.setattr(import_write, "DEFER_INDEXES_FROM", 1)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Name,Phone,Email\n"
        + "".join(f"Lead {i},+1 212 555 {i:04d},lead{i}@example.com\n" for i in range(60))
    )
    for existing in (0, 3):
        open_database(tmp_path / f"{existing}.db")
        try:
            for i in range(existing):
                add_lead({"name": f"Old {i}", "phone": f"+1312555{i:04d}", "zone": "UTC"}, now=NOW)
            statements = []
            database.connection().set_trace_callback(statements.append)
            opts = ImportOptions()
            report = run_import(plan_import(sheet, opts), opts, now=NOW)
            database.connection().set_trace_callback(None)
        finally:
            close_database()
        assert report.imported == 60
        assert not [s for s in statements if "min(id)" in s]


def test_ctrl_c_at_the_command_line_says_nothing_was_imported(tmp_path):
    # The real command in its own process group, interrupted as a terminal's ctrl+c does: every
    # process of the group (the importer and the process checking its rows) gets SIGINT.
    sheet = tmp_path / "leads.csv"
    with sheet.open("w", encoding="utf-8") as out:
        out.write("First Name,Last Name,Phone,Email,Industry\n")
        for i in range(150_000):
            phone = f"+1 212 {200 + i // 10_000} {i % 10_000:04d}"
            out.write(f"Ana{i},Silva,{phone},a{i}@x.com,retail\n")
    db = tmp_path / "data" / "callq.db"
    env = {**os.environ, "HOME": str(tmp_path)}
    command = [sys.executable, "-m", "tui.cli", "--db", str(db), "import", str(sheet)]
    importer = subprocess.Popen(
        command, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    children = Path(f"/proc/{importer.pid}/task/{importer.pid}/children")
    checking = ""
    for _ in range(1000):  # until the checking process is there: the rows are being written
        checking = children.read_text().strip() if children.exists() else ""
        if checking or importer.poll() is not None:
            break
        time.sleep(0.01)
    assert checking, "the import never started checking in a second process"
    os.killpg(importer.pid, signal.SIGINT)
    out, err = importer.communicate(timeout=60)
    assert importer.returncode == 130
    assert f"callq: import of {sheet} stopped (ctrl+c): nothing imported" in err.decode()
    assert "Traceback" not in err.decode()
    assert not Path(f"/proc/{checking}").exists()
    open_database(db)
    try:
        assert Lead.select().count() == 0
    finally:
        close_database()


def test_a_note_author_new_to_the_database_is_added_by_the_writer(tmp_path, forks):
    """A sheet's notes may be callq's own JSON naming their author. The process checking rows
    never touches the database (its copy of the connection is not its own): the writer looks
    the author up, or adds them, as it would for a file checked here."""
    from models.schema import Note, Rep

    sheet = tmp_path / "sheet.csv"
    note = '"[{""body"": ""Asked for pricing"", ""kind"": ""objection"", ""author"": ""zed""}]"'
    sheet.write_text(
        "Name,Phone,Notes\n"
        + "".join(f"Ana{i},+1 212 555 {i:04d},{note if i % 5 == 1 else ''}\n" for i in range(20)),
        encoding="utf-8",
    )
    open_database(tmp_path / "callq.db")
    try:
        report = run_import(plan_import(sheet, ImportOptions()), ImportOptions(), now=NOW)
        assert report.imported == 20 and len(forks) == 1
        notes = list(Note.select().order_by(Note.id))
        assert [(n.lead.name, n.kind, n.body) for n in notes] == [
            (f"Ana{i}", "objection", "Asked for pricing") for i in (1, 6, 11, 16)
        ]
        (zed,) = Rep.select().where(Rep.name == "zed")
        assert {n.author_id for n in notes} == {zed.id}
    finally:
        close_database()


def test_a_big_import_builds_the_email_index_when_it_first_needs_it(tmp_path, monkeypatch):
    """A big import sets the email index aside (a third of the insert's cost) until a row may
    repeat an email or a referrer is named by one; a clean file builds it once at the end."""
    import models.import_write as import_write
    from models.schema import database

    monkeypatch.setattr(import_feed, "CHUNK_ROWS", 7)
    monkeypatch.setattr(import_write, "DEFER_INDEXES_FROM", 1)
    rows = [f"Lead {i},+1 212 555 {i:04d},lead{i}@example.com,\n" for i in range(40)]
    rows[30] = "Again,+1 212 555 0999,LEAD3@example.com,\n"  # line 5's email, chunks later
    rows[35] = "Referred,+1 212 555 0998,new35@example.com,lead12@example.com\n"
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Name,Phone,Email,Referred By\n" + "".join(rows), encoding="utf-8")
    clean = tmp_path / "clean.csv"
    clean.write_text("Name,Phone,Email\n" + "".join(r.rsplit(",", 1)[0] + "\n" for r in rows[:30]))
    referred = tmp_path / "referred.csv"  # no email repeats: built for the referrer's look-up
    referred.write_text("Name,Phone,Email,Referred By\n" + "".join(rows[:30] + rows[35:]))
    for path, duplicates in ((sheet, 1), (clean, 0), (referred, 0)):
        open_database(tmp_path / f"{path.stem}.db")
        try:
            statements = []
            database.connection().set_trace_callback(statements.append)
            opts = ImportOptions(overrides=["referred_by=Referred By"] if path != clean else [])
            report = run_import(plan_import(path, opts), opts, now=NOW)
            database.connection().set_trace_callback(None)
            built = [
                i for i, s in enumerate(statements) if s.startswith('CREATE INDEX "lead_email"')
            ]
            assert len(built) == 1 and report.duplicates == duplicates
            if path != clean:  # built before the first look-up by email, kept up to date
                looked_up = [i for i, s in enumerate(statements) if "WHERE email" in s]
                assert built[0] < looked_up[0]
                assert Lead.get(Lead.name == "Referred").referred_by.email == "lead12@example.com"
            if path == sheet:
                (problem,) = [p for p in report.problems if p.kind == "duplicate"]
                assert problem.line == 32
                assert "same email lead3@example.com as line 5" in problem.reason
            else:  # after the last row
                assert built[0] > max(
                    i for i, s in enumerate(statements) if "INSERT INTO lead" in s
                )
            assert database.execute_sql(
                "SELECT count(*) FROM sqlite_master WHERE name = 'lead_email'"
            ).fetchone() == (1,)
        finally:
            close_database()


def test_a_big_import_stores_blank_cells_as_a_small_one_does(tmp_path, forks, monkeypatch):
    """A checked sheet packs "" for no company, title or phone as written: stored as an empty
    company and title and no phone as written. A cell of spaces is empty: no email to refuse,
    nothing for the update policy to overwrite."""
    import models.import_write as import_write
    from models.leads import add_lead

    sheet = tmp_path / "sheet.csv"
    rows = [f"Lead {i},,   ,+1 212 555 {i:04d},  ,UTC\n" for i in range(30)]
    rows.append("Kept Title,Acme,  ,+1 312 555 0001, ,UTC\n")  # an existing lead's phone
    sheet.write_text("Name,Company,Title,Phone,Email,Zone\n" + "".join(rows), encoding="utf-8")
    stored = []
    for big in (False, True):
        monkeypatch.setattr(import_write, "DEFER_INDEXES_FROM", 1 if big else 1 << 60)
        open_database(tmp_path / f"{big}.db")
        try:
            add_lead(
                {"name": "Old", "title": "CFO", "phone": "+13125550001", "email": "old@example.com",
                 "zone": "UTC"}
            )  # fmt: skip
            opts = ImportOptions(duplicates="update")
            report = run_import(plan_import(sheet, opts), opts, now=NOW)
            assert report.imported == 30 and report.updated == 1 and not report.errors
            stored.append(
                [
                    (lead.name, lead.company, lead.title, lead.email, lead.phone_raw)
                    for lead in Lead.select()
                ]
            )
        finally:
            close_database()
    assert stored[1] == stored[0]
    # The blank title and email left as they were.
    assert stored[0][0] == ("Kept Title", "Acme", "CFO", "old@example.com", None)
    assert {lead[1:] for lead in stored[0][1:]} == {("", "", None, None)}
