"""Referrals and the endless chain: who referred whom, asking for referrals, what a chain is worth.

A lead names who referred it (``Lead.referred_by``). Adding a referral from any lead creates the
new lead already linked. After a good conversation or a new customer, callq prompts the rep to
ask for a referral and records the answer (:func:`record_ask`). For every lead: how many leads
it referred, how many of them became customers, and their total deal value — directly and down
every generation of the chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import peewee

from . import clock
from .db import write_transaction
from .errors import FieldError
from .leads import add_lead, get_lead, iso, money
from .schema import Lead, ReferralAsk, Rep, Touch

ASK_RESULTS = {
    "obtained": "asked for a referral and got one",
    "declined": "asked for a referral; none given",
    "skipped": "did not ask for a referral",
}

# An ask with no touch named joins the lead's touch (or ask) this recent: one conversation.
ASK_WINDOW_HOURS = 12

# Referral chains are acyclic (edits refuse cycles); the depth cap guards the query anyway.
MAX_GENERATIONS = 64


@dataclass
class Generation:
    """One generation of a referral chain: 1 is the people this lead referred directly."""

    generation: int
    leads: int = 0
    customers: int = 0
    value: Decimal = Decimal("0.00")

    def as_dict(self) -> dict:
        return {
            "generation": self.generation,
            "leads": self.leads,
            "customers": self.customers,
            "value": money(self.value),
        }


@dataclass
class ReferralStats:
    """What a lead's referrals are worth, directly and across the whole chain."""

    lead: Lead
    generations: list[Generation] = field(default_factory=list)
    asks: dict[str, int] = field(default_factory=dict)

    @property
    def direct(self) -> Generation:
        return next((g for g in self.generations if g.generation == 1), Generation(1))

    @property
    def chain(self) -> Generation:
        total = Generation(0)
        for g in self.generations:
            total.leads += g.leads
            total.customers += g.customers
            total.value += g.value
        return total

    def as_dict(self) -> dict:
        def totals(g: Generation) -> dict:
            return {"leads": g.leads, "customers": g.customers, "value": money(g.value)}

        return {
            "lead": self.lead.id,
            "name": self.lead.name,
            "status": self.lead.status,
            "referred_by": self.lead.referred_by_id,
            "direct": totals(self.direct),
            "chain": totals(self.chain),
            "generations": [g.as_dict() for g in self.generations],
            "asks": self.asks,
        }


def add_referral(
    referrer_id: int,
    fields: dict[str, Any],
    *,
    owner: Rep | None = None,
    touch_id: int | None = None,
    region: str = "US",
    sources: Mapping[str, str] | None = None,
    now=None,
) -> Lead:
    """Create the lead that ``referrer_id`` referred, already linked, and record that the
    referral was obtained (on ``touch_id``, or the referrer's conversation of the last hours).

    The source defaults to ``referral`` when the referrer is a customer and ``endless_chain``
    otherwise.
    """
    now = clock.resolve(now)
    fields = dict(fields)
    with write_transaction():
        referrer = get_lead(referrer_id)
        if not fields.get("source"):
            fields["source"] = "referral" if referrer.status == "customer" else "endless_chain"
        lead = add_lead(
            fields, owner=owner, referred_by=referrer.id, region=region, sources=sources, now=now
        )
        record_ask(referrer.id, "obtained", touch_id=touch_id, rep=owner, now=now)
    return lead


def record_ask(
    lead_id: int,
    result: str,
    *,
    touch_id: int | None = None,
    rep: Rep | None = None,
    now=None,
) -> ReferralAsk:
    """Record whether a referral was asked for and given: ``obtained``, ``declined``, ``skipped``.

    One record per conversation: a second answer for the same touch (or, with no touch named,
    within :data:`ASK_WINDOW_HOURS`) replaces the first, so asking, then adding three referred
    leads, counts as one ask that obtained.
    """
    now = clock.resolve(now)
    key = str(result).strip().lower().replace(" ", "_")
    if key not in ASK_RESULTS:
        raise FieldError("result", f"{result!r}: choose one of: {', '.join(ASK_RESULTS)}")
    with write_transaction():
        lead = get_lead(lead_id)
        touch = _conversation(lead, touch_id, now)
        since = now.subtract(hours=ASK_WINDOW_HOURS)
        query = ReferralAsk.select().where(ReferralAsk.lead == lead)
        if touch is not None:
            query = query.where(ReferralAsk.touch == touch)
        else:
            query = query.where(ReferralAsk.touch.is_null() & (ReferralAsk.asked_at >= since))
        ask = query.order_by(ReferralAsk.asked_at.desc()).first()
        if ask is None:
            return ReferralAsk.create(lead=lead, touch=touch, rep=rep, result=key, asked_at=now)
        ask.result, ask.rep, ask.asked_at = key, rep or ask.rep, now
        ask.save()
        return ask


def _conversation(lead: Lead, touch_id: int | None, now) -> Touch | None:
    """The touch an ask belongs to: the one named, else the lead's touch of the last hours."""
    if touch_id is not None:
        touch = Touch.get_or_none(Touch.id == touch_id)
        if touch is None or touch.lead_id != lead.id:
            raise FieldError("touch", f"lead {lead.id} has no touch {touch_id}")
        return touch
    since = now.subtract(hours=ASK_WINDOW_HOURS)
    return (
        Touch.select()
        .where((Touch.lead == lead) & (Touch.started_at >= since) & (Touch.started_at <= now))
        .order_by(Touch.started_at.desc(), Touch.id.desc())
        .first()
    )


def asks_for(lead_id: int) -> list[ReferralAsk]:
    """A lead's referral asks, newest first."""
    return list(
        ReferralAsk.select()
        .where(ReferralAsk.lead == lead_id)
        .order_by(ReferralAsk.asked_at.desc(), ReferralAsk.id.desc())
    )


def ask_as_dict(ask: ReferralAsk) -> dict:
    return {
        "id": ask.id,
        "lead": ask.lead_id,
        "touch": ask.touch_id,
        "result": ask.result,
        "asked": ask.result != "skipped",
        "obtained": ask.result == "obtained",
        "rep": ask.rep.name if ask.rep_id else None,
        "at": iso(ask.asked_at),
    }


def _chain_cte(lead_id: int):
    """The leads down ``lead_id``'s referral chain, with their generation (1 = direct)."""
    first = Lead.select(Lead.id, peewee.Value(1).alias("generation")).where(
        Lead.referred_by == lead_id
    )
    chain = first.cte("chain", recursive=True, columns=("id", "generation"))
    child = Lead.alias()
    deeper = (
        child.select(child.id, chain.c.generation + 1)
        .join(chain, on=(child.referred_by == chain.c.id))
        .where(chain.c.generation < MAX_GENERATIONS)
    )
    return chain.union_all(deeper)


def referral_stats(lead_id: int) -> ReferralStats:
    """How many leads ``lead_id`` referred, how many became customers, and their value — per
    generation of the chain (its asks counted by result)."""
    lead = get_lead(lead_id)
    chain = _chain_cte(lead.id)
    is_customer = Lead.status == "customer"
    rows = (
        Lead.select(
            chain.c.generation,
            peewee.fn.COUNT(Lead.id),
            peewee.fn.SUM(peewee.Case(None, [(is_customer, 1)], 0)),
            peewee.fn.SUM(peewee.Case(None, [(is_customer, Lead.deal_value)], 0)),
        )
        .join(chain, on=(Lead.id == chain.c.id))
        .group_by(chain.c.generation)
        .order_by(chain.c.generation)
        .with_cte(chain)
        .tuples()
    )
    generations = [
        Generation(gen, leads, customers or 0, _decimal(value))
        for gen, leads, customers, value in rows
    ]
    asks = dict.fromkeys(ASK_RESULTS, 0)
    counted = (
        ReferralAsk.select(ReferralAsk.result, peewee.fn.COUNT(ReferralAsk.id))
        .where(ReferralAsk.lead == lead)
        .group_by(ReferralAsk.result)
        .tuples()
    )
    for result, count in counted:
        asks[result] = count
    return ReferralStats(lead, generations, asks)


def referral_chain(lead_id: int, limit: int = 200) -> list[tuple[Lead, int]]:
    """The leads down ``lead_id``'s chain with their generation, in chain order (a referrer
    before the leads it referred), at most ``limit``."""
    get_lead(lead_id)
    chain = _chain_cte(lead_id)
    rows = (
        Lead.select(Lead, chain.c.generation.alias("generation"))
        .join(chain, on=(Lead.id == chain.c.id))
        .order_by(chain.c.generation, Lead.id)
        .with_cte(chain)
        .limit(limit)
        .objects()  # the generation lands on the Lead itself
    )
    found = [(lead, lead.generation) for lead in rows]
    children: dict[int | None, list[tuple[Lead, int]]] = {}
    for lead, generation in found:
        children.setdefault(lead.referred_by_id, []).append((lead, generation))
    ordered: list[tuple[Lead, int]] = []

    def walk(parent: int) -> None:
        for lead, generation in children.get(parent, []):
            ordered.append((lead, generation))
            walk(lead.id)

    walk(lead_id)
    return ordered


def referred_through(lead_id: int) -> list[Lead]:
    """Who referred ``lead_id``, then who referred them, up to the start of the chain."""
    lead = get_lead(lead_id)
    path: list[Lead] = []
    seen = {lead.id}
    while lead.referred_by_id is not None and lead.referred_by_id not in seen:
        lead = Lead.get_by_id(lead.referred_by_id)
        seen.add(lead.id)
        path.append(lead)
    return path


def _decimal(value) -> Decimal:
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(Decimal("0.01"))
