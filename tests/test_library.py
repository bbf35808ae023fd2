"""The benefit-statement library (the picker's filter) and the variant rotation's fairness."""

from __future__ import annotations

from collections import Counter

import pytest

from models.benefits import (
    add_benefit,
    benefit_choices,
    edit_benefit,
    filter_benefits,
    retire_benefit,
    search_benefits,
    use_benefit,
)
from models.db import write_transaction
from models.errors import FieldError, NotFound
from models.leads import add_lead, get_lead
from models.notes import notes_for
from models.schema import BenefitStatement, Lead, Touch, Variant
from models.variants import (
    add_variant,
    edit_variant,
    next_variant,
    variant_for_touch,
    variant_rows,
)


@pytest.fixture
def library(db, rep, now):
    made = [
        add_benefit("Saves an hour a night on bookings", industry="restaurant", now=now),
        add_benefit(
            "Fills the quiet Tuesday covers", industry="restaurant", product="Promo", now=now
        ),
        add_benefit(
            "Trade confirmations before the opening bell", industry="stock_broker", now=now
        ),
        add_benefit("No new hardware: runs on the phones you have", now=now),
        add_benefit("Menus in the café's own words", industry="restaurant", now=now),
    ]
    return {s.id: s for s in made}


def _bodies(statements):
    return [s.body for s in statements]


def test_the_picker_shows_the_industrys_own_then_the_general_ones(library):
    found = search_benefits("", industry="restaurant")
    assert len(found) == 4 and "opening bell" not in " ".join(_bodies(found))
    assert found[-1].body.startswith("No new hardware")  # general statements after the industry's


def test_typing_filters_by_every_word_in_any_order_case_and_accent(library):
    assert _bodies(search_benefits("HOUR night", industry="restaurant")) == [
        "Saves an hour a night on bookings"
    ]
    assert _bodies(search_benefits("cafe")) == ["Menus in the café's own words"]
    assert _bodies(search_benefits("promo")) == ["Fills the quiet Tuesday covers"]  # product
    assert search_benefits("hour bell") == []
    assert len(search_benefits("   ")) == 5  # nothing typed: everything


def test_filtering_needs_no_database_once_loaded(library, db):
    choices = benefit_choices("restaurant")
    db.close()  # the screen filters per keystroke without a query
    try:
        assert [c.statement.body for c in filter_benefits(choices, "tues")] == [
            "Fills the quiet Tuesday covers"
        ]
    finally:
        db.connect()


def test_most_used_statements_come_first(library, now):
    lead = add_lead({"name": "Ana", "phone": "+12125550123", "industry": "restaurant"}, now=now)
    menus = next(s for s in library.values() if s.body.startswith("Menus"))
    for _ in range(2):
        Touch.create(lead=lead, outcome="connected", started_at=now, benefit=menus)
    choices = benefit_choices("restaurant")
    assert (choices[0].statement.id, choices[0].uses) == (menus.id, 2)


def test_product_narrows_to_its_own_and_the_general_ones(library):
    assert _bodies(search_benefits(industry="restaurant", product="promo")) == [
        "Fills the quiet Tuesday covers",  # this industry and this product
        "Saves an hour a night on bookings",  # this industry, any product
        "Menus in the café's own words",
        "No new hardware: runs on the phones you have",  # any industry, any product
    ]
    assert _bodies(search_benefits(industry="stock_broker", product="promo")) == [
        "Trade confirmations before the opening bell",
        "No new hardware: runs on the phones you have",
    ]


def test_using_a_statement_writes_one_benefit_note(library, rep, now):
    lead = add_lead({"name": "Ana", "phone": "+12125550123"}, now=now)
    statement = next(iter(library.values()))
    note, new = use_benefit(lead.id, statement.id, author=rep, now=now)
    assert new and (note.kind, note.body, note.author.name) == ("benefit", statement.body, "ana")
    again, new = use_benefit(lead.id, statement.id, author=rep, now=now)
    assert not new and again.id == note.id
    assert [n.body for n in notes_for(lead.id)] == [statement.body]


def test_removed_statements_leave_the_picker_but_keep_their_history(library, now):
    lead = add_lead({"name": "Ana", "phone": "+12125550123"}, now=now)
    statement = next(iter(library.values()))
    touch = Touch.create(lead=lead, outcome="connected", started_at=now, benefit=statement)
    retire_benefit(statement.id, now=now)
    assert statement.body not in _bodies(search_benefits(""))
    assert Touch.get_by_id(touch.id).benefit.body == statement.body
    with pytest.raises(FieldError, match="removed from the library"):
        use_benefit(lead.id, statement.id, now=now)


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("   ", {}, "empty"),
        ("x" * 501, {}, "fits in 500"),
        ("Works offline", {"industry": "alchemy"}, "unknown value 'alchemy'"),
        ("saves an HOUR a night on bookings", {"industry": "restaurant"}, "already in the library"),
    ],
)
def test_bad_statements_are_refused_and_nothing_is_written(library, text, kwargs, message):
    with pytest.raises(FieldError, match=message):
        add_benefit(text, **kwargs)
    assert BenefitStatement.select().count() == len(library)


def test_editing_a_statement_is_all_or_nothing(library, now):
    first = next(iter(library.values()))
    edit_benefit(first.id, text="Saves two hours a night", product="Booker", now=now)
    with pytest.raises(FieldError):
        edit_benefit(first.id, text="Something else", industry="alchemy", now=now)
    stored = BenefitStatement.get_by_id(first.id)
    assert (stored.body, stored.product) == ("Saves two hours a night", "Booker")
    with pytest.raises(NotFound):
        edit_benefit(999, text="x")


# Variants


def _leads(count, now):
    return [
        Lead.create(name=f"Lead {i}", zone="UTC", created_at=now, updated_at=now)
        for i in range(count)
    ]


def _first_touch(lead, name=None):
    with write_transaction():
        return variant_for_touch(lead, name)


def test_rotation_gives_each_variant_a_fair_share_of_leads(db, now):
    for name in ("A", "B", "C"):
        add_variant(name, now=now)
    leads = _leads(30, now)
    used = [_first_touch(lead) for lead in leads]
    assert Counter(used) == {"A": 10, "B": 10, "C": 10}
    assert used[:6] == ["A", "B", "C", "A", "B", "C"]
    # Every lead keeps its variant on later touches.
    assert [_first_touch(lead) for lead in leads] == used
    assert {row["name"]: row["leads"] for row in variant_rows()} == {"A": 10, "B": 10, "C": 10}


def test_a_variant_added_later_catches_up(db, now):
    add_variant("A", now=now)
    add_variant("B", now=now)
    for lead in _leads(10, now):
        _first_touch(lead)
    add_variant("C", now=now)
    used = Counter(_first_touch(lead) for lead in _leads(8, now))
    assert used == {"C": 6, "A": 1, "B": 1}
    assert {v.name: v.leads_assigned for v in Variant.select()} == {"A": 6, "B": 6, "C": 6}


def test_retired_variants_leave_the_rotation_and_their_leads_move(db, now):
    add_variant("A", now=now)
    add_variant("B", now=now)
    first, second = _leads(2, now)
    assert (_first_touch(first), _first_touch(second)) == ("A", "B")
    edit_variant("a", active=False)
    assert next_variant(get_lead(first.id)).name == "B"
    assert _first_touch(get_lead(first.id)) == "B" and get_lead(first.id).variant == "B"
    with pytest.raises(FieldError, match="retired"):
        _first_touch(second, "A")


def test_the_reps_choice_is_recorded_and_the_lead_keeps_its_own(db, now):
    add_variant("A", now=now)
    add_variant("B", now=now)
    (lead,) = _leads(1, now)
    assert _first_touch(lead, "b") == "B" and get_lead(lead.id).variant == "B"
    assert _first_touch(get_lead(lead.id), "A") == "A"  # this touch used A ...
    assert get_lead(lead.id).variant == "B"  # ... the lead stays in B's share
    with pytest.raises(FieldError, match="no variant called 'Z'"):
        _first_touch(lead, "Z")


def test_no_variants_no_rotation(db, now):
    (lead,) = _leads(1, now)
    assert next_variant(lead) is None and _first_touch(lead) is None
    assert get_lead(lead.id).variant is None


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "1 to 40"), ("x" * 41, "1 to 40"), ("a", "called 'A' exists"), ("!", "1 to 40")],
)
def test_bad_variant_names_are_refused(db, now, name, message):
    add_variant("A", script="Hi, I help restaurants fill quiet nights", now=now)
    with pytest.raises(FieldError, match=message):
        add_variant(name, now=now)
    assert Variant.select().count() == 1
