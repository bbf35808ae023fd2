"""A realistic demo database: leads across industries, continents and sources, with history.

Deterministic for a given seed and ``now``, so screenshots and tests are repeatable.
"""

from __future__ import annotations

import random
import unicodedata

import pendulum

from . import clock
from .db import write_transaction
from .demo_lifecycle import add_lifecycle_demo
from .phones import suggest_zone
from .schema import Lead, Note, Rep, Touch

# (phone prefix in E.164, digits to add, zone when the number alone is ambiguous)
PLACES = [
    ("+1212555", 4, None),
    ("+1312555", 4, None),
    ("+1720555", 4, None),
    ("+1415555", 4, None),
    ("+1416555", 4, None),
    ("+1617555", 4, None),
    ("+4420794", 5, None),
    ("+49309018", 3, None),
    ("+3314268", 4, None),
    ("+6129374", 4, None),
    ("+8133584", 4, None),
    ("+5511987", 6, None),
    ("+9198765", 5, "Asia/Kolkata"),
    ("+2711555", 4, None),
    ("+656234", 4, None),
    ("+649302", 4, None),
    ("+3491123", 4, None),
    ("+3120794", 4, None),
]

FIRST = [
    "Ana",
    "Ben",
    "Chloé",
    "Dev",
    "Elif",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Liam",
    "Maya",
    "Nikhil",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Alvarez",
    "Becker",
    "Chen",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Haddad",
    "Ito",
    "Johansson",
    "Kowalski",
    "Lopez",
    "Mbeki",
    "Nakamura",
    "O'Brien",
    "Patel",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Wright",
    "Young",
    "Zimmermann",
]

INDUSTRY_COMPANIES = {
    "restaurant": ["Bistro", "Trattoria", "Grill House", "Noodle Bar", "Brasserie"],
    "stock_broker": ["Capital Partners", "Securities", "Brokerage", "Wealth Desk"],
    "retail": ["Outfitters", "Home Store", "Market", "Boutique"],
    "office": ["Consulting", "Legal LLP", "Accounting", "Design Studio"],
    "healthcare": ["Dental Care", "Physio Clinic", "Family Practice"],
    "manufacturing": ["Tooling", "Plastics", "Machining"],
    "construction": ["Builders", "Roofing", "Renovations"],
    "software": ["Labs", "Systems", "Cloud"],
}
TITLES = [
    "Owner",
    "Office Manager",
    "Head of Operations",
    "Purchasing Manager",
    "Managing Partner",
    "General Manager",
    "CFO",
    "IT Lead",
]
SOURCES = [
    "referral",
    "referral",
    "endless_chain",
    "networking",
    "centre_of_influence",
    "social_media",
    "internet",
    "shows",
    "webinars",
    "lists",
    "databases",
    "cold_call",
    "cold_call",
    "spotter",
]
BENEFITS = [
    "Cuts month-end close from five days to two: ask about their current close.",
    "Saves a front-of-house hour a night by taking bookings off the phone.",
    "Clients get trade confirmations before the open: fewer morning calls.",
    "Stock counts in minutes, not an evening; fewer lost sales from empty shelves.",
    "No new hardware: runs on the phones the team already carries.",
]
OBJECTIONS = [
    "Happy with current supplier (contract ends in spring).",
    "Budget frozen until next quarter.",
    "Wants a reference in the same trade.",
]
OUTCOMES = ["no_answer", "no_answer", "voicemail", "busy", "connected", "callback"]


def build_demo(*, leads: int = 60, rep: Rep, now=None, seed: int = 7) -> int:
    """Fill the (empty or not) database with ``leads`` demo leads; returns how many were made."""
    now = clock.resolve(now)
    rng = random.Random(seed)
    with write_transaction():
        made = []
        for i in range(leads):
            made.append(_demo_lead(rng, i, rep, now))
        for lead in made:
            _demo_history(rng, lead, rep, now)
        add_lifecycle_demo(made, rep, now, seed)
    return len(made)


def _demo_lead(rng: random.Random, i: int, rep: Rep, now: pendulum.DateTime) -> Lead:
    prefix, digits, zone = rng.choice(PLACES)
    phone = prefix + "".join(str(rng.randrange(10)) for _ in range(digits))
    zone = zone or suggest_zone(phone) or "UTC"
    industry = rng.choice(list(INDUSTRY_COMPANIES))
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = f"{rng.choice(LAST)} {rng.choice(INDUSTRY_COMPANIES[industry])}"
    # About a third overdue (up to two weeks), most due today, some later this month.
    roll = rng.random()
    if roll < 0.35:
        due = now.subtract(hours=rng.randrange(1, 24 * 14))
    elif roll < 0.8:
        due = now.add(minutes=rng.randrange(0, 8 * 60))
    else:
        due = now.add(days=rng.randrange(1, 20), hours=rng.randrange(0, 8))
    created = now.subtract(days=rng.randrange(3, 90))
    return Lead.create(
        name=f"{first} {last}",
        company=company,
        title=rng.choice(TITLES),
        phone=phone,
        email=f"{_ascii(first)}.{_ascii(last)}{i}@example.com",
        zone=zone,
        industry=industry,
        source=rng.choice(SOURCES),
        owner=rep,
        likelihood=rng.choice([None, 20, 40, 60, 80]),
        cadence_days=rng.choice([7, 7, 14, 30]),
        channel=rng.choice(["call", "call", "call", "email", "text"]),
        next_touch_at=due,
        attempts=0,
        created_at=created,
        updated_at=created,
    )


def _ascii(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _demo_history(rng: random.Random, lead: Lead, rep: Rep, now: pendulum.DateTime) -> None:
    if rng.random() < 0.7:
        Note.create(
            lead=lead,
            kind="benefit",
            body=rng.choice(BENEFITS),
            author=rep,
            created_at=lead.created_at,
            updated_at=lead.created_at,
        )
    if rng.random() < 0.25:
        Note.create(
            lead=lead,
            kind="objection",
            body=rng.choice(OBJECTIONS),
            author=rep,
            created_at=lead.created_at,
            updated_at=lead.created_at,
        )
    attempts = 0
    when = lead.created_at
    for _ in range(rng.randrange(0, 5)):
        when = when.add(days=rng.randrange(1, 6), hours=rng.randrange(0, 6))
        if when >= now:
            break
        outcome = rng.choice(OUTCOMES)
        talked = outcome in ("connected", "callback")
        attempts = 0 if talked else attempts + 1
        Touch.create(
            lead=lead,
            rep=rep,
            channel="call",
            outcome=outcome,
            started_at=when,
            ended_at=when.add(seconds=rng.randrange(20, 600) if talked else 30),
            variant=rng.choice(["A", "B"]),
        )
        lead.last_contacted_at = when
    lead.attempts = attempts
    lead.save()
