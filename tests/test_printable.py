"""Text reaching the rep's terminal stays text: control characters (an escape that clears the
screen, a bell, an OSC that retitles the window) are refused where names and notes come in, and
tabs or line breaks in one-line fields become spaces."""

from __future__ import annotations

import pytest

from models.benefits import add_benefit
from models.errors import FieldError
from models.leads import add_lead, edit_lead, get_lead
from models.notes import add_note, get_draft, notes_for, publish_draft, save_draft
from models.schema import Lead, Note
from models.status import change_status

ESCAPE = "\x1b[2J\x1b]0;pwned\x07"
NY = {"zone": "America/New_York"}


def test_a_name_with_an_escape_is_refused_and_nothing_is_written(db, now):
    with pytest.raises(FieldError) as raised:
        add_lead({"name": f"Evil{ESCAPE} Guy", **NY}, now=now)
    assert raised.value.field == "name"
    assert "holds an escape (U+001B) at character 5" in raised.value.reason
    assert Lead.select().count() == 0


@pytest.mark.parametrize("field", ["company", "title"])
def test_company_and_title_are_checked_on_edit_too(db, now, field):
    lead = add_lead({"name": "Ana Silva", **NY}, now=now)
    with pytest.raises(FieldError, match=r"holds a bell \(U\+0007\)"):
        edit_lead(lead.id, {field: "Silva\x07Bistro"}, now=now)
    assert getattr(get_lead(lead.id), field) == ""


def test_tabs_and_line_breaks_in_one_line_fields_become_spaces(db, now):
    lead = add_lead(
        {"name": " Ana\tSilva\r\n", "company": "Silva\nBistro", "title": "Owner\t", **NY}, now=now
    )
    assert (lead.name, lead.company, lead.title) == ("Ana Silva", "Silva Bistro", "Owner")


def test_notes_keep_their_lines_and_refuse_escapes(db, rep, now):
    lead = add_lead({"name": "Ana Silva", **NY}, now=now)
    note = add_note(lead.id, "first line\r\n\tsecond line", author=rep, now=now)
    assert note.body == "first line\n\tsecond line"
    with pytest.raises(FieldError, match="text: holds an escape"):
        add_note(lead.id, f"call back {ESCAPE}", author=rep, now=now)
    assert [n.body for n in notes_for(lead.id)] == ["first line\n\tsecond line"]


def test_a_draft_with_an_escape_is_kept_but_not_published(db, rep, now):
    lead = add_lead({"name": "Ana Silva", **NY}, now=now)
    save_draft(lead.id, f"pasted {ESCAPE}", author=rep, now=now)  # nothing typed is lost
    with pytest.raises(FieldError, match="holds an escape"):
        publish_draft(lead.id, author=rep, now=now)
    assert get_draft(lead.id, rep).body == f"pasted {ESCAPE}"
    assert Note.select().where(Note.is_draft == False).count() == 0  # noqa: E712


def test_benefit_statements_and_status_reasons_are_checked(db, rep, now):
    with pytest.raises(FieldError, match="text: holds an escape"):
        add_benefit(f"Saves time {ESCAPE}", author=rep, now=now)
    lead = add_lead({"name": "Ana Silva", **NY}, now=now)
    with pytest.raises(FieldError, match="reason: holds a delete"):
        change_status(lead, "lost", reason="budget\x7f", rep=rep, now=now)
    assert get_lead(lead.id).status == "lead"


def test_purchase_timing_is_checked(db, rep, now):
    from models.pipeline import qualify

    lead = add_lead({"name": "Ana Silva", **NY}, now=now)
    with pytest.raises(FieldError, match="timing: holds an escape"):
        qualify(lead.id, timing=f"Q3{ESCAPE}", rep=rep, now=now)
    assert get_lead(lead.id).purchase_timing is None


def test_the_command_line_refuses_an_escape_with_the_field_named(cli):
    result = cli("lead", "add", f"Evil{ESCAPE}", "--zone", "UTC")
    assert result.code == 1
    assert "name: holds an escape (U+001B) at character 5" in result.err
    assert "\x1b" not in result.err  # the message names the character, it does not echo it
    assert cli("lead", "list", "--json").json == []


def test_an_imported_row_with_an_escape_is_reported_by_line_and_column(cli, tmp_path):
    sheet = tmp_path / "leads.csv"
    sheet.write_text(
        "Name,Company,Phone\n"
        'Ana Silva,"Silva\tBistro",+12125550134\n'
        f"Evil{ESCAPE},Acme,+12125550135\n"
    )
    refused = cli("import", sheet)
    assert refused.code == 1
    assert f"{sheet}:3: Name: holds an escape (U+001B) at character 5" in refused.out
    assert cli("lead", "list", "--json").json == []
    done = cli("import", sheet, "--skip-invalid")
    assert done.code == 0 and "imported 1" in done.out and "rejected 1" in done.out
    (lead,) = cli("lead", "list", "--json").json
    assert (lead["name"], lead["company"]) == ("Ana Silva", "Silva Bistro")
