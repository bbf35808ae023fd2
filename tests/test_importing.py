"""Importing leads: every recognised export, encodings and delimiters, broken rows, duplicates,
all or nothing, rejects, round trips, and a fuzz test that nothing is imported unreported."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.catalog import SOURCES
from models.errors import CallqError
from models.exporting import export_to_file
from models.fields import to_db
from models.importing import ImportOptions, plan_import, run_import
from models.leads import add_lead, lead_as_dict
from models.notes import add_note, notes_for
from models.queue import ACTIVE
from models.schema import ImportRun, Lead, Note
from tests.conftest import NOW

DATA = Path(__file__).parent / "data" / "import"


def run(path, rep=None, **options):
    opts = ImportOptions(**options)
    plan = plan_import(path, opts)
    return plan, run_import(plan, opts, owner=rep, now=NOW)


def leads() -> dict[str, Lead]:
    return {lead.name: lead for lead in Lead.select()}


def problems(report, kind="error"):
    return [(p.line, p.column, p.reason) for p in report.problems if p.kind == kind]


@pytest.mark.parametrize(
    ("name", "format", "expected"),
    [
        (
            "google_contacts.csv",
            "Google Contacts",
            {
                "Ana Silva": ("+12125550123", "America/New_York", "Silva Bistro", "Owner"),
                "Ben Becker": (None, None, "Becker Maschinenbau GmbH", "Einkaufsleiter"),
            },
        ),
        (
            "google_contacts_legacy.csv",
            "Google Contacts (older Google CSV)",
            {
                "Chloé Dubois": ("+33142685300", "Europe/Paris", "Dubois Avocats", "Associée"),
            },
        ),
        (
            "outlook.csv",
            "Outlook",
            {
                "Dev Patel": (
                    "+442079460958",
                    "Europe/London",
                    "Patel & Partners LLP",
                    "Managing Partner",
                ),
                "Elif Kaya": (
                    "+13125550142",
                    "America/Chicago",
                    "Kaya Dental Care",
                    "Practice Manager",
                ),
            },
        ),
        (
            "hubspot.csv",
            "HubSpot",
            {
                "Farid Haddad": (
                    "+17205550111",
                    "America/Denver",
                    "Haddad Logistics",
                    "Head of Operations",
                ),
                "Grace Wright": (
                    "+14155550177",
                    "America/Los_Angeles",
                    "Wright Home Store",
                    "Owner",
                ),
            },
        ),
        (
            "salesforce.csv",
            "Salesforce",
            {
                "Hiro Ito": ("+81335842601", "Asia/Tokyo", "Ito Plastics KK", "Purchasing Manager"),
                "Ines Rossi": ("+390648211234", "Europe/Rome", "Rossi Costruzioni", "CFO"),
            },
        ),
        (
            "salesforce_dataloader.csv",
            "Salesforce (Data Loader)",
            {
                "Jonas Johansson": (
                    "+46812345678",
                    "Europe/Stockholm",
                    "Johansson Systems AB",
                    "IT Lead",
                ),
            },
        ),
        (
            "generic.csv",
            "generic sheet",
            {
                "Maya Nakamura": (
                    "+12125550150",
                    "America/New_York",
                    "Nakamura Noodle Bar",
                    "Owner",
                ),
                "Nikhil Varga": (
                    "+12125550160",
                    "America/New_York",
                    "Varga Capital Partners",
                    "Managing Partner",
                ),
            },
        ),
        (
            "contacts_v3.vcf",
            "vCard",
            {
                "Olga Olsen": ("+4722123456", "Europe/Oslo", "Olsen Accounting", "Partner"),
                "Pedro Quinn": ("+16175550133", "America/New_York", "Quinn Roofing", ""),
            },
        ),
        (
            "contacts_v4.vcf",
            "vCard",
            {
                "Rosa Silva": ("+551134567890", "America/Sao_Paulo", "Silva Dental", "Owner"),
            },
        ),
    ],
)
def test_each_recognised_export_imports(db, rep, name, format, expected):
    plan, report = run(DATA / name, rep, region="DE" if name == "google_contacts.csv" else "US")
    assert plan.mapping.format == format
    assert report.errors == 0, list(report.problems)
    assert report.written and report.imported == len(expected)
    found = leads()
    for lead_name, (phone, zone, company, title) in expected.items():
        lead = found[lead_name]
        if phone:
            assert (lead.phone, lead.zone) == (phone, zone)
        assert (lead.company, lead.title) == (company, title)
        assert lead.owner_id == rep.id and lead.next_touch_at == NOW


def test_google_takes_the_first_of_several_values_and_keeps_multiline_notes(db, rep):
    run(DATA / "google_contacts.csv", rep, region="DE")
    ana = leads()["Ana Silva"]
    assert ana.phone == "+12125550123"  # "+1 212-555-0123 ::: +1 212-555-0199"
    assert notes_for(ana.id)[0].body == "Met at the food show.\nWants a demo after lunch service."
    assert leads()["Ben Becker"].phone == "+4930901820"  # national number, region DE


def test_outlook_title_is_the_job_title_not_mr(db, rep):
    plan, _ = run(DATA / "outlook.csv", rep)
    assert plan.mapping.columns["title"] == ["Job Title"]
    assert plan.mapping.columns["phone"][0] == "Business Phone"
    assert leads()["Elif Kaya"].phone == "+13125550142"  # from Company Main Phone


def test_sources_and_industries_in_other_tools_words(db, rep):
    run(DATA / "hubspot.csv", rep)
    run(DATA / "salesforce.csv", rep)
    found = leads()
    assert (found["Farid Haddad"].source, found["Farid Haddad"].industry) == (
        "referral",
        "logistics",
    )
    assert found["Grace Wright"].source == "internet"
    assert (found["Hiro Ito"].source, found["Hiro Ito"].industry) == ("shows", "manufacturing")


def test_linkedin_header_below_its_notes_and_source_social_media(db, rep):
    plan, report = run(DATA / "linkedin_connections.csv", rep, default_zone="Europe/London")
    assert plan.header_line == 4 and plan.mapping.format == "LinkedIn connections"
    assert report.imported == 2
    kemi = leads()["Kemi Adeyemi"]
    assert (kemi.source, kemi.title, kemi.zone) == (
        "social_media",
        "Director of Operations",
        "Europe/London",
    )
    assert "linkedin.com/in/kemi-adeyemi" in notes_for(kemi.id)[0].body


def test_linkedin_without_a_zone_is_reported_per_row(db, rep):
    _, report = run(DATA / "linkedin_connections.csv", rep)
    assert not report.written and Lead.select().count() == 0
    assert [(line, col) for line, col, _ in problems(report)] == [(5, "zone"), (6, "zone")]


GENERIC = (
    "First Name,Last Name,Company,Phone,Email,Notes\r\n"
    'José,Núñez,Café Müller,+34 911 23 45 67,jose@cafe.example,"Línea uno\r\nLínea dos"\r\n'
    "Zoë,Öberg,Åkerlund AB,+46 8 123 456 78,zoe@akerlund.example,\r\n"
)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_encodings_and_delimiters(db, rep, tmp_path, encoding, delimiter):
    rows = list(csv.reader(io.StringIO(GENERIC, newline="")))
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "leads.csv"
    path.write_bytes(text.getvalue().encode(encoding))
    _, report = run(path, rep)
    assert report.errors == 0 and report.imported == 2, list(report.problems)
    jose = leads()["José Núñez"]
    assert (jose.company, jose.phone, jose.zone) == ("Café Müller", "+34911234567", "Europe/Madrid")
    assert notes_for(jose.id)[0].body == "Línea uno\nLínea dos"
    assert leads()["Zoë Öberg"].company == "Åkerlund AB"


def test_windows_1252_far_into_a_file_is_detected(db, rep, tmp_path):
    body = "Name,Phone,Zone\n" + "".join(f"Lead {i},,UTC\n" for i in range(5000))
    body += "Renée Müller,,Europe/Berlin\n"
    path = tmp_path / "late.csv"
    path.write_bytes(body.encode("cp1252"))
    plan, report = run(path, rep)
    assert plan.encoding.codec == "cp1252"
    assert "Renée Müller" in leads()


BROKEN = (
    "Name,Phone,Email,Zone,Industry,Source\n"
    "Good Lead,+12125550101,good@example.com,,office,referral\n"  # 2
    ",+12125550102,,,,\n"  # 3: no name
    "Bad Email,+12125550103,not-an-email,,,\n"  # 4
    "Bad Zone,+12125550104,,Mars/Olympus,,\n"  # 5
    "Offset Zone,+12125550105,,+03:00,,\n"  # 6
    "Ambiguous,+18005550106,,,,\n"  # 7: toll-free fits every US zone
    "Unreadable Phone,12,,,,\n"  # 8: kept as written, but then no zone
    "Unknown Industry,+12125550108,,,alchemy,\n"  # 9
    "Unknown Source,+12125550109,,,,carrier pigeon\n"  # 10
    "Too Many,+12125550110,,,,,extra\n"  # 11
    '"Multi\nLine Name",+12125550111,nope@,,,\n'  # 12-13
    "Last Good,+12125550112,,,,\n"  # 14
)


def test_every_broken_row_is_reported_and_nothing_is_written(db, rep, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN)
    Lead.create(name="Already here", zone="UTC", created_at=NOW, updated_at=NOW)
    before = [lead_as_dict(lead) for lead in Lead.select()]
    _, report = run(path, rep)
    found = problems(report)
    assert (3, "Name", "no name") in found
    assert (4, "Email", "'not-an-email' is not an email address") in found
    lines = {line for line, _, _ in found}
    assert lines == {3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
    columns = {line: col for line, col, _ in found}
    assert columns[5] == columns[6] == "Zone" and columns[7] == "Phone"
    assert columns[9] == "Industry" and columns[10] == "Source" and columns[11] == "(row)"
    assert any("kept as written" in reason for _, _, reason in problems(report, "warning"))
    assert not report.written and report.rejected == 10
    assert [lead_as_dict(lead) for lead in Lead.select()] == before  # untouched
    assert ImportRun.select().count() == 0


def test_skip_invalid_writes_the_rest_and_copies_rejects_unchanged(db, rep, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(BROKEN.replace("\n", "\r\n").encode("utf-8-sig"))
    _, report = run(path, rep, skip_invalid=True)
    assert report.written and report.imported == 2 and report.rejected == 10
    assert set(leads()) == {"Good Lead", "Last Good"}
    rejects = report.rejects_file
    assert rejects == tmp_path / "broken.rejects.csv"
    assert stat.S_IMODE(os.stat(rejects).st_mode) == 0o600
    original = BROKEN.replace("\n", "\r\n").splitlines(keepends=True)
    expected = [original[0]] + [
        line for line in original if not line.startswith(("Good Lead", "Last Good"))
    ][1:]
    assert rejects.read_bytes() == "".join(expected).encode("utf-8-sig")
    # The fixed rejects file imports like any other.
    _, again = run(rejects, rep, skip_invalid=True)
    assert again.rejected == 10 and again.rejects_file == tmp_path / "broken.rejects.rejects.csv"


def test_dry_run_writes_nothing_but_counts(db, rep, tmp_path):
    _, report = run(DATA / "generic.csv", rep, dry_run=True)
    assert report.imported == 2 and not report.written
    assert Lead.select().count() == 0


DUPES = (
    "Name,Phone,Email,Title\n"
    "Ana Silva,+12125550123,ana@silva.example,Owner\n"  # 2: same phone as the database
    "Ben Becker,+12125550124,BEN@becker.example,\n"  # 3: new
    "Ben Again,,ben@becker.example,CFO\n"  # 4: same email as line 3
    "Cara Chen,+12125550125,,\n"  # 5: new
)


@pytest.mark.parametrize(
    ("policy", "names", "counts"),
    [
        ("skip", {"Ana Silva", "Ben Becker", "Cara Chen"}, (2, 0, 2)),
        ("update", {"Ana Silva", "Ben Again", "Cara Chen"}, (2, 2, 0)),
        ("keep", {"Ana Silva", "Ben Becker", "Ben Again", "Cara Chen"}, (4, 0, 0)),
    ],
)
def test_duplicates_in_file_and_database(db, rep, tmp_path, policy, names, counts):
    existing = add_lead({"name": "Ana Silva", "phone": "+12125550123"}, now=NOW)
    path = tmp_path / "dupes.csv"
    path.write_text(DUPES)
    _, report = run(path, rep, duplicates=policy, default_zone="UTC")
    assert (report.imported, report.updated, report.duplicates) == counts
    assert {lead.name for lead in Lead.select()} >= names
    dupes = [(p.line, p.reason) for p in report.problems if p.kind == "duplicate"]
    assert [line for line, _ in dupes] == [2, 4]
    assert f"lead {existing.id}" in dupes[0][1] and "line 3" in dupes[1][1]
    if policy == "update":
        assert Lead.get_by_id(existing.id).title == "Owner"
        assert Lead.get(Lead.email == "ben@becker.example").title == "CFO"


def test_duplicates_across_chunks_are_found(db, rep, tmp_path, monkeypatch):
    import models.import_feed as import_feed

    monkeypatch.setattr(import_feed, "CHUNK_ROWS", 3)
    rows = [f"Lead {i},+1212555{i:04d}\n" for i in range(10)] + ["Again,+12125550001\n"]
    path = tmp_path / "chunks.csv"
    path.write_text("Name,Phone\n" + "".join(rows))
    _, report = run(path, rep)
    assert report.imported == 10 and report.duplicates == 1
    assert "line 3" in next(p.reason for p in report.problems if p.kind == "duplicate")


def _workbook(path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as book:  # the parts of an .xlsx a reader looks for first
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    return path


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("leads.xlsx", _workbook, r"a spreadsheet workbook \(\.xlsx\), not a CSV file; save the"),
        ("leads.zip", lambda p: p.write_bytes(b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 40),
         r"a \.zip file \(application/zip\), not text; callq imports CSV and vCard"),
        ("leads.csv", lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj\n"), r"a \.pdf file"),
    ],
)  # fmt: skip
def test_a_workbook_or_other_binary_file_is_named_for_what_it_is(db, tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    with pytest.raises(CallqError, match=rf"{name}: {message}"):
        plan_import(path)
    assert Lead.select().count() == 0


def test_text_starting_like_a_binary_signature_is_still_read_as_csv(db, rep, tmp_path):
    # "BM" opens a bitmap, "MZ" a program and "ID3" an MP3 to a signature check alone.
    path = tmp_path / "no_header.csv"
    path.write_text("BMW Group\nMZ Holdings\nID3 Media\n")
    _, report = run(path, rep, overrides=["name=BMW Group"], default_zone="UTC")
    assert report.imported == 2 and {lead.name for lead in Lead.select()} == {
        "MZ Holdings",
        "ID3 Media",
    }


def test_map_and_saved_mapping(db, rep, tmp_path, cli):
    path = tmp_path / "odd.csv"
    path.write_text("Who,Digits,Sector,Where\nAna,+12125550123,Banking,\n")
    with pytest.raises(CallqError, match="no column for the lead's name"):
        plan_import(path)
    opts = dict(
        overrides=["name=Who", "phone=Digits", "industry=Sector"],
        values=["industry:banking=office"],
    )
    _, report = run(path, rep, **opts)
    assert report.imported == 1 and leads()["Ana"].industry == "office"
    result = cli(
        "import",
        path,
        "--map",
        "name=Who",
        "--map",
        "phone=Digits",
        "--save-mapping",
        "odd",
        "--preview",
    )
    assert result.code == 0 and "name            ← Who" in result.out
    with pytest.raises(CallqError, match="no column 'Nope'"):
        plan_import(path, ImportOptions(overrides=["email=Nope"]))


def test_fatal_file_errors_name_the_file(db, tmp_path):
    with pytest.raises(CallqError, match="no such file"):
        plan_import(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CallqError, match="empty"):
        plan_import(empty)
    junk = tmp_path / "junk.csv"
    junk.write_text("hello world\nthis is not a lead list\n")
    with pytest.raises(CallqError, match="junk.csv: no column for the lead's name"):
        plan_import(junk)


def test_undecodable_bytes_mid_file_abort_with_the_line(db, rep, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"Name,Zone\nAna,UTC\nBen \x81,UTC\n")
    with pytest.raises(CallqError, match=r"mixed.csv: line 3"):
        run(path, rep, encoding="cp1252")
    assert Lead.select().count() == 0


def test_broken_vcard_is_reported_and_others_still_checked(db, rep, tmp_path):
    path = tmp_path / "cards.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Good One\nTEL:+12125550101\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:No End\nthis line has no colon\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bad Mail\nEMAIL:nope\nTEL:+12125550102\nEND:VCARD\n"
    )
    _, report = run(path, rep, skip_invalid=True)
    assert [(line, col) for line, col, _ in problems(report)] == [(9, "vCard"), (11, "EMAIL")]
    assert set(leads()) == {"Good One"}
    assert report.rejects_file.read_text().count("BEGIN:VCARD") == 2


def _rich_database(rep):
    ana = add_lead(
        {
            "name": "Ana Silva",
            "company": "Silva Bistro",
            "phone": "+12125550123",
            "email": "ana@silva.example",
            "industry": "restaurant",
            "source": "shows",
            "cadence_days": 14,
            "channel": "text",
            "call_window": "mon-fri 15:00-17:00",
        },
        owner=rep,
        now=NOW,
    )
    ben = add_lead(
        {"name": 'Ben, "the" Becker', "phone": "+4930901820", "title": "CFO;\nIT"},
        owner=rep,
        referred_by=ana.id,
        now=NOW.subtract(days=3),
    )
    toll = add_lead(
        {"name": "Toll Free", "phone": "+18005550199", "zone": "America/Chicago"}, now=NOW
    )
    add_note(ana.id, "Saves an hour a night, on bookings", kind="benefit", author=rep, now=NOW)
    add_note(ana.id, "Line one\nline two; three", author=rep, now=NOW.add(minutes=1))
    Lead.update(
        status="prospect",
        q_need="yes",
        likelihood=70,
        deal_value="1200.50",
        attempts=2,
        next_touch_fixed=True,
        purchase_timing="Q1",
        last_contacted_at=NOW.subtract(days=1),
    ).where(Lead.id == ana.id).execute()
    Lead.update(
        phone=None,
        phone_raw="555-CALL-NOW",
        status="lost",
        next_touch_at=None,
        lost_reason="went with a competitor",
    ).where(Lead.id == toll.id).execute()
    return ben


def _snapshot():
    out = []
    for lead in Lead.select().order_by(Lead.name):
        data = lead_as_dict(lead)
        data.pop("id"), data.pop("updated_at")
        data["referred_by"] = lead.referred_by.name if lead.referred_by_id else None
        data["deal_value"] = str(lead.deal_value) if lead.deal_value is not None else None
        data["phone_raw"] = lead.phone_raw
        data["notes"] = sorted(
            (n.kind, n.body, n.author.name, str(n.created_at))
            for n in Note.select().where(Note.lead == lead.id)
        )
        out.append(data)
    return out


@pytest.mark.parametrize("fmt", ["csv", "vcard"])
def test_export_then_import_gives_the_same_leads(tmp_path, rep, fmt):
    from models.db import close_database, open_database

    _rich_database(rep)
    before = _snapshot()
    out = tmp_path / f"leads.{'vcf' if fmt == 'vcard' else 'csv'}"
    assert export_to_file(fmt, out, now=NOW) == 3
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    close_database()
    open_database(tmp_path / "fresh.db")
    _, report = run(out, None)
    assert report.errors == 0 and report.imported == 3, list(report.problems)
    assert _snapshot() == before


def test_ical_export_has_the_scheduled_touches(db, rep, tmp_path):
    import icalendar

    _rich_database(rep)
    out = tmp_path / "touches.ics"
    assert export_to_file("ical", out, now=NOW) == 2  # the lost lead has no touch
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Text Ana Silva (Silva Bistro)", 'Call Ben, "the" Becker'}
    ana = events["Text Ana Silva (Silva Bistro)"]
    assert ana.decoded("dtstart") == NOW
    assert "+1 212-555-0123" in str(ana["description"])


def test_json_export_streams_every_lead_with_notes(db, rep, tmp_path):
    _rich_database(rep)
    out = tmp_path / "leads.json"
    export_to_file("json", out, now=NOW)
    data = json.loads(out.read_text())
    assert len(data) == 3 and data[0]["notes"][0]["body"].startswith("Saves an hour")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(blob=st.binary(max_size=400))
def test_random_bytes_never_crash_or_import_unreported(tmp_path_factory, blob):
    _fuzz(tmp_path_factory, b"Name,Phone,Email,Zone\n" + blob)


CELLS = st.text(alphabet=st.sampled_from(list('ab,;"\n\r +1234567890@.é/')), max_size=12)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELLS, max_size=6), max_size=8))
def test_random_csv_never_crashes_or_imports_unreported(tmp_path_factory, rows):
    text = io.StringIO(newline="")
    csv.writer(text).writerows([["Name", "Phone", "Email", "Zone"], *rows])
    _fuzz(tmp_path_factory, text.getvalue().encode("utf-8"))


def _fuzz(tmp_path_factory, data: bytes) -> None:
    from models.db import close_database, open_database

    folder = tmp_path_factory.mktemp("fuzz")
    open_database(folder / "f.db")
    try:
        path = folder / "in.csv"
        path.write_bytes(data)
        try:
            _, report = run(path, None, skip_invalid=True, default_zone="UTC")
        except CallqError:
            assert Lead.select().count() == 0  # refused whole: nothing written
            return
        rows = Lead.select().count()
        assert rows == report.imported
        assert report.read == report.imported + report.rejected + report.duplicates
        assert report.rejected == sum(
            1 for _ in {p.line for p in report.problems if p.kind == "error"}
        )
    finally:
        close_database()


def test_cli_bad_file_exit_1_one_line_and_database_untouched(cli, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN)
    assert cli("demo", "--leads", "5").code == 0
    before = cli("lead", "list", "--json").out
    result = cli("import", path)
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert f"{path}:3: Name: no name" in result.err and "nothing imported" in result.err
    assert f"{path}:4: Email: 'not-an-email' is not an email address" in result.out
    assert cli("lead", "list", "--json").out == before
    report = cli("import", path, "--json", "--dry-run").json["report"]
    assert len([p for p in report["problems"] if p["kind"] == "error"]) == 10


def test_cli_import_then_export_round_trip(cli, tmp_path):
    result = cli("import", DATA / "outlook.csv")
    assert result.code == 0, result.err
    assert "recognised as: Outlook" in result.out and "imported 2" in result.out
    out = tmp_path / "out.csv"
    assert cli("export", "--format", "csv", "--out", out).code == 0
    assert out.read_text().startswith("name,company,title,phone")
    again = cli("import", out, "--json").json["report"]
    assert again["skipped_duplicates"] == 2 and again["imported"] == 0


def test_duplicates_name_their_line_across_chunks_after_long_and_skipped_rows(
    db, rep, tmp_path, monkeypatch
):
    import models.import_feed as import_feed

    monkeypatch.setattr(import_feed, "CHUNK_ROWS", 2)
    path = tmp_path / "lines.csv"
    path.write_text(
        "Name,Phone,Notes\n"
        'Ana,+12125550101,"two\nlines"\n'  # 2-3
        "\n"  # 4: blank, skipped
        "Ben,+12125550102,\n"  # 5
        ",+12125550109,\n"  # 6: no name, rejected
        "Cara,+12125550103,\n"  # 7
        "Again Ana,+12125550101,\n"  # 8
        "Again Ben,+12125550102,\n"  # 9
        "Again Cara,+12125550103,\n"  # 10
    )
    _, report = run(path, rep, skip_invalid=True)
    dupes = {p.line: p.reason for p in report.problems if p.kind == "duplicate"}
    assert "as line 2:" in dupes[8] and "as line 5:" in dupes[9] and "as line 7:" in dupes[10]


def test_update_changes_only_what_the_row_gives(db, rep, tmp_path):
    existing = add_lead(
        {"name": "Ana Silva", "phone": "+12125550123", "industry": "restaurant", "source": "shows"},
        now=NOW,
    )
    path = tmp_path / "update.csv"
    path.write_text("Name,Phone,Title\nAna Silva,+12125550123,Owner\n")
    _, report = run(path, rep, duplicates="update")
    assert report.updated == 1
    ana = Lead.get_by_id(existing.id)
    assert (ana.title, ana.industry, ana.source) == ("Owner", "restaurant", "shows")


def test_the_users_own_sources_are_known(db, rep, tmp_path):
    path = tmp_path / "sources.csv"
    path.write_text("Name,Phone,Source\nAna,+12125550123,Trade press\nBen,+12125550124,Pigeon\n")
    _, report = run(path, rep, sources={**SOURCES, "trade_press": "Trade press"})
    assert [(line, col) for line, col, _ in problems(report)] == [(3, "Source")]
    _, report = run(path, rep, sources={**SOURCES, "trade_press": "Trade press"}, skip_invalid=True)
    assert leads()["Ana"].source == "trade_press"


def _indexes():
    from models.schema import database

    return database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    ).fetchall()


def _cache_size():
    from models.schema import database

    return database.execute_sql("PRAGMA cache_size").fetchone()[0]


@pytest.mark.parametrize("broken", [False, True])
def test_a_big_import_rebuilds_the_indexes_it_set_aside(db, rep, tmp_path, monkeypatch, broken):
    import models.import_feed as import_feed
    import models.import_write as import_write

    monkeypatch.setattr(import_feed, "CHUNK_ROWS", 10)
    monkeypatch.setattr(import_write, "DEFER_INDEXES_FROM", 5)
    set_aside = set()
    expect = import_write.Writer.expect

    def spy(writer, expected):
        expect(writer, expected)
        set_aside.update(name for name, _ in writer.set_aside.dropped)

    monkeypatch.setattr(import_write.Writer, "expect", spy)
    before = _indexes()
    cache = _cache_size()
    rows = [f"Lead {i},+1212{2_000_000 + i},UTC\n" for i in range(50)]
    if broken:
        rows.append("Bad,+12125550100,Mars/Olympus\n")
    path = tmp_path / "many.csv"
    path.write_text("Name,Phone,Zone\n" + "".join(rows))
    _, report = run(path, rep)
    assert report.written is not broken
    assert "lead_queue_due" in set_aside and "lead_phone" not in set_aside
    # No row of a common sheet enters these (their columns are not in it): kept, not rebuilt.
    assert not set_aside & set(import_write.RARE_ROW_INDEXES)
    assert _indexes() == before  # rebuilt as they were, or never gone (rolled back)
    assert _cache_size() == cache  # the import's bigger page cache was the import's alone
    assert Lead.select().count() == (0 if broken else 50)
    if not broken:  # the rebuilt indexes answer for every new lead
        from models.schema import database

        due = database.execute_sql(
            f"SELECT count(*) FROM lead INDEXED BY lead_queue_due WHERE {ACTIVE}"
            " AND next_touch_at = ?",
            (to_db(NOW),),
        ).fetchone()[0]
        assert due == 50


def test_the_indexes_a_common_sheet_keeps_are_those_its_rows_cannot_enter(db):
    from models.import_write import COMMON_COLUMNS, RARE_ROW_INDEXES

    where = {name: sql.split(" WHERE ", 1)[-1] for name, sql in _indexes() if sql}
    for name in RARE_ROW_INDEXES:
        needs = [c for c in ("exhausted = 1", "next_touch_fixed = 1", "call_window IS NOT NULL")
                 if c in where[name]]  # fmt: skip
        assert needs, f"{name}: {where[name]}"
    assert not {"exhausted", "next_touch_fixed", "call_window"} & set(COMMON_COLUMNS)


def test_an_import_keeps_to_the_parameters_sqlite_allows(db, rep, tmp_path):
    # Duplicates are looked up many phones to a statement; an old SQLite allowed 999.
    import sqlite3

    from models.schema import database

    connection = database.connection()
    before = connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 25)
    try:
        path = tmp_path / "many.csv"
        rows = "".join(f"Lead {i},+1212{2_000_000 + i},UTC,Note {i}\n" for i in range(40))
        twice = "Lead 3 again,+12122000003,UTC,Again\n"  # same phone as line 5
        path.write_text("Name,Phone,Zone,Notes\n" + rows + twice)
        _, report = run(path, rep)
    finally:
        connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
    assert report.imported == 40 and Lead.select().count() == 40
    assert sorted(n.body for n in Note.select()) == sorted(f"Note {i}" for i in range(40))
    assert [(line, why) for line, _, why in problems(report, "duplicate")] == [
        (42, "same phone +12122000003 as line 5: skipped")
    ]
