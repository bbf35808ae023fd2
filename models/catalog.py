"""The words of the trade, as fixed lists: statuses, sources, channels, industries, note kinds.

Stored values are the short keys; labels are what people read.
"""

from __future__ import annotations

STATUSES = {
    "lead": "Lead (not yet qualified)",
    "prospect": "Prospect (qualified)",
    "customer": "Customer",
    "lost": "Lost",
    "do_not_contact": "Do not contact",
}

# Where a lead came from (the prospecting method's sources of leads).
SOURCES = {
    "referral": "Referral from a satisfied customer",
    "endless_chain": "Endless chain",
    "networking": "Networking",
    "centre_of_influence": "Centre of influence",
    "social_media": "Social media",
    "internet": "Other internet",
    "advertising": "Ads, direct mail, catalogue, publicity",
    "shows": "Shows and fairs",
    "webinars": "Webinars and seminars",
    "lists": "Lists and directories",
    "databases": "Databases and data mining",
    "cold_call": "Cold call",
    "spotter": "Spotter",
    "telemarketing": "Telemarketing",
    "sales_letter": "Sales letter",
    "own_firm": "Own firm, friends, family",
    "other": "Other",
}

CHANNELS = {"call": "Call", "text": "Text message", "email": "Email"}

NOTE_KINDS = {"benefit": "Benefit statement", "general": "General", "objection": "Objection"}

BLOCK_CATEGORIES = {"research": "Research", "calling": "Calling", "follow_up": "Follow-up"}

QUALIFICATION_ANSWERS = ("yes", "no", "unknown")

# Industry → the call-window preset its prospects keep (presets live in the windows rules).
INDUSTRIES = {
    "office": "office",
    "restaurant": "restaurant",
    "stock_broker": "stock_broker",
    "retail": "retail",
    "healthcare": "office",
    "manufacturing": "office",
    "construction": "early_trades",
    "real_estate": "office",
    "education": "office",
    "hospitality": "restaurant",
    "software": "office",
    "logistics": "office",
}

DEFAULT_INDUSTRY = "office"


def check_choice(value: str, choices, what: str) -> str:
    """Return ``value`` normalised if it is one of ``choices``, else raise a clear error."""
    from .errors import FieldError

    key = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in choices:
        raise FieldError(what, f"unknown value {value!r}; choose one of: {', '.join(choices)}")
    return key
