"""The demo's lead lifecycle: a benefit-statement library, two variants, qualified prospects,
customers with deal values, referral chains and referral asks.

Runs after :func:`models.demo.build_demo` made its leads, inside the same transaction, with its
own random stream (so the leads themselves stay what they were for a given seed). The work is
bounded: at most :data:`MAX_LEADS` leads are qualified or linked, whatever the demo's size.
"""

from __future__ import annotations

import random
from decimal import Decimal

import peewee
import pendulum

from .pipeline import QUESTIONS
from .schema import BenefitStatement, Lead, ReferralAsk, Rep, Touch, Variant
from .status import change_status

MAX_LEADS = 400

LIBRARY = [
    ("restaurant", "", "Takes bookings off the phone: an hour back every service."),
    ("restaurant", "Promo", "Fills the quiet Tuesday and Wednesday covers with regulars."),
    ("stock_broker", "", "Clients get their trade confirmations before the opening bell."),
    ("stock_broker", "", "Fewer morning calls: clients see positions themselves."),
    ("retail", "", "Stock counts in minutes, not an evening; no empty shelves on Saturday."),
    ("office", "", "Cuts month-end close from five days to two."),
    ("healthcare", "", "Fewer no-shows: patients confirm by text the day before."),
    ("construction", "", "Quotes out the same day, from the van."),
    ("software", "", "On-call handovers without the 2 a.m. phone tree."),
    (None, "", "No new hardware: runs on the phones the team already carries."),
    (None, "Support", "A named person answers, in your time zone, within the hour."),
]

VARIANTS = [
    ("A", "Hi, this is {rep}. I help owners like you win back an hour a day. Two minutes?"),
    ("B", "Hi, {rep} here — quick question: how do you handle bookings on a busy night?"),
]

TIMINGS = ["this month", "next quarter", "Q1 2027", "after the season", None]


def add_lifecycle_demo(made: list[Lead], rep: Rep, now: pendulum.DateTime, seed: int = 7) -> None:
    """Give the demo leads ``made`` their lifecycle (the caller holds the transaction)."""
    rng = random.Random(seed * 1_000_003 + 6)
    for industry, product, body in LIBRARY:
        BenefitStatement.create(
            body=body,
            industry=industry,
            product=product,
            author=rep,
            created_at=now.subtract(days=30),
            updated_at=now.subtract(days=30),
        )
    _variants(rep, now)
    sample = made[:MAX_LEADS]
    _qualify(rng, sample, rep, now)
    _referrals(rng, sample, rep, now)


def _variants(rep: Rep, now: pendulum.DateTime) -> None:
    for name, script in VARIANTS:
        Variant.create(
            name=name,
            script=script.format(rep=rep.name),
            created_at=now.subtract(days=90),
        )
    # Each lead keeps the variant of its first touch, as the rotation would have done.
    first = (
        Touch.select(Touch.variant)
        .where((Touch.lead == Lead.id) & Touch.variant.is_null(False))
        .order_by(Touch.started_at, Touch.id)
        .limit(1)
    )
    Lead.update(variant=first).execute()
    Touch.update(variant=Lead.select(Lead.variant).where(Lead.id == Touch.lead)).where(
        Touch.variant.is_null(False)
    ).execute()
    counts = dict(
        Lead.select(Lead.variant, peewee.fn.COUNT(Lead.id))
        .where(Lead.variant.is_null(False))
        .group_by(Lead.variant)
        .tuples()
    )
    for name, count in counts.items():
        Variant.update(leads_assigned=count).where(Variant.name == name).execute()


def _qualify(rng: random.Random, leads: list[Lead], rep: Rep, now) -> None:
    talked = set(
        Touch.select(Touch.lead)
        .where(
            Touch.lead.in_([lead.id for lead in leads])
            & Touch.outcome.in_(["connected", "callback"])
        )
        .scalars()
    )
    for lead in leads:
        if lead.id not in talked and rng.random() > 0.3:
            continue
        for column, _ in QUESTIONS.values():
            setattr(lead, column, rng.choices(["yes", "no", "unknown"], [14, 1, 2])[0])
        lead.purchase_timing = rng.choice(TIMINGS)
        lead.likelihood = lead.likelihood or rng.choice([30, 50, 70, 90])
        at = min(lead.created_at.add(days=rng.randrange(1, 5)), now)
        if all(getattr(lead, column) == "yes" for column, _ in QUESTIONS.values()):
            change_status(lead, "prospect", reason="qualified: all five yes", rep=rep, now=at)
            # No lost leads: the demo's queue keeps every lead it made.
            if rng.random() < 0.45:
                lead.deal_value = Decimal(rng.choice([1500, 4000, 8000, 12000, 25000]))
                won = min(at.add(days=rng.randrange(2, 20)), now)
                change_status(lead, "customer", rep=rep, now=won)
        lead.save()


def _referrals(rng: random.Random, leads: list[Lead], rep: Rep, now) -> None:
    """Link referral-sourced leads to earlier leads, customers first: chains several deep."""
    referrers: list[Lead] = []
    for lead in leads:
        if lead.source in ("referral", "endless_chain") and referrers:
            customers = [r for r in referrers if r.status == "customer"]
            pool = customers if lead.source == "referral" and customers else referrers
            referrer = rng.choice(pool[-8:])
            lead.referred_by = referrer
            lead.save()
            ReferralAsk.create(lead=referrer, rep=rep, result="obtained", asked_at=lead.created_at)
        referrers.append(lead)
    conversations = (
        Touch.select()
        .where(Touch.lead.in_([lead.id for lead in leads]) & (Touch.outcome == "connected"))
        .order_by(Touch.id)
    )
    for touch in conversations:
        if rng.random() < 0.5:
            result = rng.choice(["declined", "declined", "skipped", "obtained"])
            ReferralAsk.create(
                lead=touch.lead_id, touch=touch, rep=rep, result=result, asked_at=touch.ended_at
            )
