"""Referrals and the endless chain: linking, refusing cycles, asks, what a chain is worth."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.errors import CallqError, FieldError
from models.leads import add_lead, edit_lead, get_lead
from models.pipeline import set_status
from models.referrals import (
    add_referral,
    asks_for,
    record_ask,
    referral_chain,
    referral_stats,
    referred_through,
)
from models.schema import Lead, ReferralAsk, Touch
from models.sources import known_sources

PHONES = iter(f"+1212555{n:04d}" for n in range(100, 10_000))


def _lead(name, now, **kw):
    return add_lead({"name": name, "phone": next(PHONES), **kw}, now=now)


def _referral(referrer, name, now, **kw):
    return add_referral(referrer.id, {"name": name, "phone": next(PHONES), **kw}, now=now)


def _customer(lead, value, now):
    set_status(lead.id, "customer", value=value, now=now)


@pytest.fixture
def chain(db, now):
    """Ana (customer) → Ben, Dan; Ben → Cleo (customer 250); Cleo → Eve (customer 100), Fay."""
    ana = _lead("Ana", now)
    _customer(ana, 1000, now)
    ben = _referral(ana, "Ben", now)
    dan = _referral(ana, "Dan", now)
    cleo = _referral(ben, "Cleo", now)
    eve = _referral(cleo, "Eve", now)
    fay = _referral(cleo, "Fay", now)
    _customer(cleo, "250", now)
    _customer(eve, "100.50", now)
    set_status(fay.id, "lost", reason="no budget", now=now)
    return {lead.name: lead for lead in (ana, ben, dan, cleo, eve, fay)}


def test_chain_counts_and_value_across_three_generations(chain):
    stats = referral_stats(chain["Ana"].id)
    assert [(g.generation, g.leads, g.customers, g.value) for g in stats.generations] == [
        (1, 2, 0, Decimal("0.00")),
        (2, 1, 1, Decimal("250.00")),
        (3, 2, 1, Decimal("100.50")),
    ]
    assert (stats.direct.leads, stats.direct.customers, stats.direct.value) == (2, 0, 0)
    assert (stats.chain.leads, stats.chain.customers, stats.chain.value) == (
        5,
        2,
        Decimal("350.50"),
    )
    # Each lead in the chain has its own counts: Cleo referred two, one became a customer.
    cleo = referral_stats(chain["Cleo"].id)
    assert (cleo.direct.leads, cleo.direct.customers, cleo.direct.value) == (
        2,
        1,
        Decimal("100.50"),
    )
    assert referral_stats(chain["Eve"].id).generations == []


def test_a_lost_customer_no_longer_counts_its_value(chain, now):
    set_status(chain["Cleo"].id, "lost", reason="went bust", now=now)
    assert referral_stats(chain["Ana"].id).chain.value == Decimal("100.50")


def test_chain_order_puts_each_referrer_before_its_referrals(chain):
    order = [(lead.name, generation) for lead, generation in referral_chain(chain["Ana"].id)]
    assert order == [("Ben", 1), ("Cleo", 2), ("Eve", 3), ("Fay", 3), ("Dan", 1)]
    assert [lead.name for lead in referred_through(chain["Eve"].id)] == ["Cleo", "Ben", "Ana"]


def test_a_referral_is_linked_and_sourced_from_its_referrer(chain, now):
    assert get_lead(chain["Ben"].id).referred_by_id == chain["Ana"].id
    assert chain["Ben"].source == "referral"  # Ana is a customer
    assert chain["Cleo"].source == "endless_chain"  # Ben is not (yet)
    explicit = _referral(chain["Dan"], "Gus", now, source="networking")
    assert explicit.source == "networking" and explicit.referred_by_id == chain["Dan"].id


def test_adding_a_referral_records_that_one_was_obtained(chain):
    (ask,) = asks_for(chain["Ana"].id)  # two referrals in one conversation: one ask
    assert ask.result == "obtained"


@pytest.mark.parametrize(
    ("who", "referrer", "message"),
    [
        ("Ana", "Ana", "cannot have referred itself"),
        ("Ana", "Eve", "referral cycle"),
        ("Ben", "Cleo", "referral cycle"),
        ("Ben", 999, "no lead with id 999"),
    ],
)
def test_self_referral_cycles_and_unknown_referrers_are_refused(chain, now, who, referrer, message):
    referrer_id = referrer if isinstance(referrer, int) else chain[referrer].id
    before = {lead.id: lead.referred_by_id for lead in Lead.select()}
    with pytest.raises(FieldError, match=message) as caught:
        edit_lead(chain[who].id, {"title": "Owner"}, referred_by=referrer_id, now=now)
    assert caught.value.field == "referred_by"
    assert {lead.id: lead.referred_by_id for lead in Lead.select()} == before
    assert get_lead(chain[who].id).title == ""  # the whole edit was refused


def test_a_cycle_message_shows_the_path(chain, now):
    with pytest.raises(FieldError, match=r"\(5 ← 4 ← 2 ← 1\)"):
        edit_lead(chain["Ana"].id, {}, referred_by=chain["Eve"].id, now=now)


def test_moving_and_clearing_a_referrer(chain, now):
    edit_lead(chain["Fay"].id, {}, referred_by=chain["Dan"].id, now=now)
    assert referral_stats(chain["Dan"].id).direct.leads == 1
    edit_lead(chain["Fay"].id, {}, referred_by=None, now=now)
    assert get_lead(chain["Fay"].id).referred_by_id is None


def test_a_referral_from_an_unknown_lead_creates_nothing(db, now):
    with pytest.raises(CallqError, match="no lead with id 42"):
        add_referral(42, {"name": "Gus", "phone": next(PHONES)}, now=now)
    assert Lead.select().count() == 0 and ReferralAsk.select().count() == 0


def test_a_bad_referred_lead_creates_nothing(chain, now):
    count = Lead.select().count()
    with pytest.raises(FieldError, match="source"):
        _referral(chain["Dan"], "Gus", now, source="carrier pigeon")
    assert Lead.select().count() == count
    assert asks_for(chain["Dan"].id) == []


def test_own_sources_extend_the_shipped_list(db, now):
    sources = known_sources({"Trade-Press": "Trade press article"})
    lead = add_lead(
        {"name": "Ana", "phone": next(PHONES), "source": "trade press"}, sources=sources, now=now
    )
    assert lead.source == "trade_press" and "cold_call" in sources
    with pytest.raises(FieldError, match="unknown value 'trade press'"):
        _lead("Ben", now, source="trade press")  # not without the user's list
    with pytest.raises(CallqError, match=r"config.toml: sources.9x"):
        known_sources({"9x": "Nine"}, where="config.toml")
    with pytest.raises(CallqError, match="give the source a label"):
        known_sources({"fair": ""})


def _touch(lead, at, outcome="connected"):
    return Touch.create(lead=lead, outcome=outcome, started_at=at, ended_at=at.add(minutes=4))


def test_one_ask_per_conversation(db, rep, now):
    ana = _lead("Ana", now)
    talk = _touch(ana, now)
    record_ask(ana.id, "declined", touch_id=talk.id, rep=rep, now=now.add(minutes=5))
    # Then she thinks of someone: the same conversation now obtained a referral.
    _referral(ana, "Ben", now.add(minutes=6))
    (ask,) = asks_for(ana.id)
    assert (ask.result, ask.touch_id) == ("obtained", talk.id)
    # A week later, a new conversation is a new ask.
    week = now.add(days=7)
    record_ask(ana.id, "skipped", now=week)
    assert [a.result for a in asks_for(ana.id)] == ["skipped", "obtained"]
    assert referral_stats(ana.id).asks == {"obtained": 1, "declined": 0, "skipped": 1}


def test_bad_asks_are_refused(db, now):
    ana, ben = _lead("Ana", now), _lead("Ben", now)
    bens_touch = _touch(ben, now)
    with pytest.raises(FieldError, match="choose one of: obtained, declined, skipped"):
        record_ask(ana.id, "maybe", now=now)
    with pytest.raises(FieldError, match=f"lead {ana.id} has no touch {bens_touch.id}"):
        record_ask(ana.id, "declined", touch_id=bens_touch.id, now=now)
    assert ReferralAsk.select().count() == 0
