"""Adding and editing leads: validation of every field, zone suggestion, nothing half-written."""

from __future__ import annotations

import pytest

from models.errors import CallqError, FieldError
from models.leads import add_lead, edit_lead, get_lead, list_leads
from models.notes import add_note, get_draft, notes_for, publish_draft, save_draft
from models.reps import current_rep
from models.schema import Lead, Note

GOOD = {"name": "Ana Silva", "company": "Silva Bistro", "phone": "+12125550123"}


def test_add_lead_stores_e164_and_suggests_the_zone(db, rep, now):
    lead = add_lead({**GOOD, "phone": "(212) 555-0123"}, owner=rep, now=now)
    stored = get_lead(lead.id)
    assert stored.phone == "+12125550123"
    assert stored.zone == "America/New_York"
    assert stored.next_touch_at == now  # due for a first touch at once
    assert stored.owner.name == "ana"


def test_default_region_reads_national_numbers(db, now):
    lead = add_lead({**GOOD, "phone": "030 901820"}, region="DE", now=now)
    assert (lead.phone, lead.zone) == ("+4930901820", "Europe/Berlin")


def test_given_zone_wins_and_is_canonicalised(db, now):
    lead = add_lead({**GOOD, "zone": "europe/berlin"}, now=now)
    assert lead.zone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "needs a name"),
        ("phone", "12", "not a valid phone number"),
        ("phone", "call me", "not a phone number"),
        ("email", "ana@", "not an email address"),
        ("zone", "Mars/Olympus", "not an IANA time zone"),
        ("zone", "+03:00", "not an IANA time zone"),
        ("industry", "alchemy", "unknown value"),
        ("source", "carrier pigeon", "unknown value"),
        ("cadence_days", "weekly", "not a whole number"),
        ("cadence_days", 0, "out of range"),
        ("channel", "fax", "unknown value"),
    ],
)
def test_bad_field_is_named_and_nothing_is_written(db, now, field, value, message):
    with pytest.raises(FieldError, match=message) as caught:
        add_lead({**GOOD, field: value}, now=now)
    assert caught.value.field == field
    assert Lead.select().count() == 0


def test_ambiguous_phone_gets_no_guessed_zone(db, now):
    # A US toll-free number belongs to no single zone.
    with pytest.raises(FieldError, match="cannot tell the time zone"):
        add_lead({**GOOD, "phone": "+18005550199"}, now=now)
    lead = add_lead({**GOOD, "phone": "+18005550199", "zone": "America/Chicago"}, now=now)
    assert lead.zone == "America/Chicago"


def test_edit_changes_only_given_fields_and_all_or_nothing(db, now):
    lead = add_lead(GOOD, now=now)
    edit_lead(lead.id, {"title": "Owner", "cadence_days": 14}, now=now.add(hours=1))
    again = get_lead(lead.id)
    assert (again.title, again.cadence_days, again.phone) == ("Owner", 14, "+12125550123")
    assert again.updated_at == now.add(hours=1)
    with pytest.raises(FieldError):
        edit_lead(lead.id, {"title": "CEO", "email": "nope"}, now=now)
    assert get_lead(lead.id).title == "Owner"


def test_unknown_lead_id(db):
    with pytest.raises(CallqError, match="no lead with id 99"):
        get_lead(99)


def test_list_pages_and_counts(db, now):
    for i in range(5):
        add_lead({**GOOD, "name": f"Lead {i}"}, now=now)
    page, total = list_leads(limit=2, offset=2)
    assert total == 5 and [lead.name for lead in page] == ["Lead 2", "Lead 3"]


def test_notes_benefits_first_and_drafts_kept_apart(db, rep, now):
    lead = add_lead(GOOD, now=now)
    add_note(lead.id, "Met at the trade show", author=rep, now=now)
    add_note(lead.id, "Saves an hour a night on bookings", kind="benefit", author=rep, now=now)
    save_draft(lead.id, "Half a thou", author=rep, now=now)
    save_draft(lead.id, "Half a thought, then the line dropped", author=rep, now=now.add(seconds=1))
    assert [n.kind for n in notes_for(lead.id)] == ["benefit", "general"]
    assert Note.select().where(Note.is_draft == True).count() == 1  # noqa: E712
    assert get_draft(lead.id, rep).body == "Half a thought, then the line dropped"
    publish_draft(lead.id, author=rep, now=now)
    assert get_draft(lead.id, rep) is None
    assert len(notes_for(lead.id)) == 3


def test_each_author_finds_their_own_draft_on_a_lead(db, rep, now):
    lead = add_lead(GOOD, now=now)
    other = add_lead({**GOOD, "name": "Someone Else"}, now=now)
    ben = current_rep("ben", now=now)
    save_draft(lead.id, "Ana's half-typed note", author=rep, now=now)
    save_draft(lead.id, "Ben's, typed later", author=ben, now=now.add(minutes=5))
    save_draft(lead.id, "Nobody's (a script's) draft", author=None, now=now.add(minutes=9))
    save_draft(other.id, "Ana, on another lead", author=rep, now=now.add(minutes=1))
    assert get_draft(lead.id, rep).body == "Ana's half-typed note"
    assert get_draft(lead.id, ben).body == "Ben's, typed later"
    assert get_draft(lead.id, None).body == "Nobody's (a script's) draft"
    assert get_draft(other.id, ben) is None


def test_empty_note_is_refused(db, now):
    lead = add_lead(GOOD, now=now)
    with pytest.raises(FieldError, match="empty"):
        add_note(lead.id, "   ", now=now)


def test_status_change_is_recorded(db, rep, now):
    from models.status import change_status, status_history

    lead = add_lead(GOOD, now=now)
    change_status(lead, "prospect", reason="five yeses", rep=rep, now=now)
    assert change_status(lead, "prospect", rep=rep, now=now) is None  # no-op, no history row
    assert get_lead(lead.id).status == "prospect"
    assert [(c.from_status, c.to_status, c.reason) for c in status_history(lead.id)] == [
        ("lead", "prospect", "five yeses")
    ]
