"""Which column holds what: the exports callq recognises, generic sheets, and the user's own
mappings (``--map field=Column``, saved by name).

A mapping says, for each lead field, which columns feed it (the first non-empty one wins; notes
collect them all), which values a field gets when the file gives none, and how the file's own
words translate into callq's lists (``Trade Show`` → ``shows``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .errors import CallqError

# The fields an import can fill, with what a person reads in the mapping preview.
FIELDS = {
    "name": "full name",
    "first_name": "first name (joined with the last name)",
    "last_name": "last name",
    "company": "company",
    "title": "job title",
    "phone": "phone (stored as E.164)",
    "email": "email",
    "zone": "IANA time zone (else suggested from the phone)",
    "industry": "industry",
    "source": "where the lead came from",
    "notes": "notes (several columns are joined)",
    "cadence_days": "days between touches",
    "channel": "call, text or email",
    "call_window": "call-window override",
    "status": "lead, prospect, customer, lost, do_not_contact",
    "owner": "the rep who owns the lead",
    "referred_by": "phone or email of the lead who referred this one",
    "next_touch_at": "next touch due (ISO-8601)",
    "next_touch_fixed": "next touch is a time the prospect gave",
    "attempts": "unanswered attempts since the last conversation",
    "exhausted": "attempts exhausted",
    "last_contacted_at": "last contacted (ISO-8601)",
    "created_at": "created (ISO-8601)",
    "q_need": "qualification: want or need",
    "q_afford": "qualification: ability to pay",
    "q_authority": "qualification: authority to buy",
    "q_approachable": "qualification: approachable",
    "q_eligible": "qualification: eligible to buy",
    "likelihood": "likelihood of buying (0-100)",
    "purchase_timing": "timing of purchase",
    "deal_value": "deal value",
    "lost_reason": "why it was lost",
    "phone_raw": "the phone as written, when it could not be read",
}

# Columns of callq's own CSV export, in order: every field, so a re-import loses nothing.
CALLQ_COLUMNS = [f for f in FIELDS if f not in ("first_name", "last_name")]

# Words other tools use for callq's sources and industries (compared case-insensitively).
SOURCE_WORDS = {
    "referral": "referral",
    "referrals": "referral",
    "partner referral": "referral",
    "external referral": "referral",
    "word of mouth": "referral",
    "customer referral": "referral",
    "employee referral": "own_firm",
    "networking": "networking",
    "social media": "social_media",
    "paid social": "social_media",
    "linkedin": "social_media",
    "web": "internet",
    "website": "internet",
    "organic search": "internet",
    "paid search": "internet",
    "direct traffic": "internet",
    "advertisement": "advertising",
    "ads": "advertising",
    "public relations": "advertising",
    "other campaigns": "advertising",
    "direct mail": "advertising",
    "trade show": "shows",
    "trade shows": "shows",
    "seminar - internal": "webinars",
    "seminar - partner": "webinars",
    "webinar": "webinars",
    "seminar": "webinars",
    "purchased list": "lists",
    "list": "lists",
    "directory": "lists",
    "database": "databases",
    "cold call": "cold_call",
    "cold calling": "cold_call",
    "email marketing": "sales_letter",
    "offline sources": "other",
}
INDUSTRY_WORDS = {
    "restaurants": "restaurant",
    "food service": "restaurant",
    "brokerage": "stock_broker",
    "stock brokerage": "stock_broker",
    "retail trade": "retail",
    "health care": "healthcare",
    "hospital & health care": "healthcare",
    "technology": "software",
    "computer software": "software",
    "information technology and services": "software",
    "transportation": "logistics",
    "shipping": "logistics",
    "logistics and supply chain": "logistics",
    "real estate": "real_estate",
    "hotels": "hospitality",
    "education management": "education",
}


@dataclass
class Mapping:
    """Where each lead field comes from in a file's columns."""

    format: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def describe(self) -> list[str]:
        """The mapping as a person reads it, one field a line."""
        lines = []
        for name in FIELDS:
            if name in self.columns:
                joiner = " + " if name == "notes" else " | "
                lines.append(f"{name:<15} ← {joiner.join(self.columns[name])}")
            elif name in self.defaults:
                lines.append(f"{name:<15} = {self.defaults[name]} (for every row)")
        for name, table in self.values.items():
            for word, value in table.items():
                lines.append(f"{name:<15} {word!r} means {value!r}")
        return lines

    def to_json(self) -> str:
        return json.dumps(
            {"columns": self.columns, "defaults": self.defaults, "values": self.values}
        )

    @classmethod
    def from_json(cls, name: str, text: str) -> Mapping:
        data = json.loads(text)
        return cls(f"saved mapping {name!r}", data["columns"], data["defaults"], data["values"])


@dataclass(frozen=True)
class Preset:
    """A known export: the columns that identify it and where each field comes from."""

    name: str
    signature: frozenset[str]
    columns: dict[str, list[str]]
    defaults: dict[str, str] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()  # columns generic words would misread


def _preset(name, signature, columns, defaults=None, ignore=()) -> Preset:
    return Preset(name, frozenset(signature), columns, defaults or {}, frozenset(ignore))


PRESETS = [
    _preset(
        "callq export",
        ["name", "phone", "email", "zone", "industry", "source", "status", "cadence_days"],
        {f: [f] for f in CALLQ_COLUMNS},
    ),
    _preset(
        "Google Contacts",
        [
            "First Name",
            "Last Name",
            "Organization Name",
            "Organization Title",
            "Labels",
            "E-mail 1 - Value",
            "Phone 1 - Value",
        ],
        {
            "first_name": ["First Name"],
            "last_name": ["Last Name"],
            "company": ["Organization Name"],
            "title": ["Organization Title"],
            "phone": ["Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value"],
            "email": ["E-mail 1 - Value", "E-mail 2 - Value"],
            "notes": ["Notes"],
        },
    ),
    _preset(
        "Google Contacts (older Google CSV)",
        [
            "Name",
            "Given Name",
            "Family Name",
            "Group Membership",
            "E-mail 1 - Value",
            "Phone 1 - Value",
            "Organization 1 - Name",
        ],
        {
            "name": ["Name"],
            "first_name": ["Given Name"],
            "last_name": ["Family Name"],
            "company": ["Organization 1 - Name"],
            "title": ["Organization 1 - Title"],
            "phone": ["Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value"],
            "email": ["E-mail 1 - Value", "E-mail 2 - Value"],
            "notes": ["Notes"],
        },
    ),
    _preset(
        "Outlook",
        [
            "First Name",
            "Last Name",
            "E-mail Address",
            "Business Phone",
            "Mobile Phone",
            "Job Title",
            "Company",
            "Home Phone",
        ],
        {
            "first_name": ["First Name"],
            "last_name": ["Last Name"],
            "company": ["Company"],
            "title": ["Job Title"],  # Outlook's "Title" is Mr/Ms
            "phone": [
                "Business Phone",
                "Mobile Phone",
                "Primary Phone",
                "Company Main Phone",
                "Business Phone 2",
                "Home Phone",
                "Other Phone",
            ],
            "email": ["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"],
            "notes": ["Notes"],
        },
        ignore=["Title"],  # Mr, Ms, Dr
    ),
    _preset(
        "HubSpot",
        [
            "Record ID",
            "First Name",
            "Last Name",
            "Email",
            "Phone Number",
            "Company Name",
            "Lifecycle Stage",
            "Contact owner",
        ],
        {
            "first_name": ["First Name"],
            "last_name": ["Last Name"],
            "company": ["Company Name"],
            "title": ["Job Title"],
            "phone": ["Phone Number", "Mobile Phone Number"],
            "email": ["Email"],
            "industry": ["Industry"],
            "source": ["Original Source"],
        },
    ),
    _preset(
        "Salesforce",
        [
            "First Name",
            "Last Name",
            "Company",
            "Lead Source",
            "Lead Status",
            "Lead Owner",
            "Title",
            "Email",
        ],
        {
            "first_name": ["First Name"],
            "last_name": ["Last Name"],
            "company": ["Company", "Account Name"],
            "title": ["Title"],
            "phone": ["Phone", "Mobile"],
            "email": ["Email"],
            "industry": ["Industry"],
            "source": ["Lead Source"],
            "notes": ["Description"],
        },
    ),
    _preset(
        "Salesforce (Data Loader)",
        ["Id", "FirstName", "LastName", "Company", "LeadSource", "Status", "OwnerId", "Email"],
        {
            "first_name": ["FirstName"],
            "last_name": ["LastName"],
            "company": ["Company"],
            "title": ["Title"],
            "phone": ["Phone", "MobilePhone"],
            "email": ["Email"],
            "industry": ["Industry"],
            "source": ["LeadSource"],
            "notes": ["Description"],
        },
    ),
    _preset(
        "LinkedIn connections",
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
        {
            "first_name": ["First Name"],
            "last_name": ["Last Name"],
            "company": ["Company"],
            "title": ["Position"],
            "email": ["Email Address"],
            "notes": ["URL", "Connected On"],
        },
        {"source": "social_media"},
    ),
]

# Generic sheets: header words (lower case, letters and digits only) for each field.
GENERIC_WORDS = {
    "name": ["name", "fullname", "contactname", "contact", "displayname"],
    "first_name": ["firstname", "givenname", "first", "forename"],
    "last_name": ["lastname", "surname", "familyname", "last"],
    "company": [
        "company",
        "companyname",
        "organization",
        "organisation",
        "organizationname",
        "account",
        "accountname",
        "business",
        "employer",
        "firm",
    ],
    "title": ["title", "jobtitle", "position", "role"],
    "phone": [
        "phone",
        "phonenumber",
        "telephone",
        "tel",
        "mobile",
        "mobilephone",
        "cell",
        "cellphone",
        "workphone",
        "businessphone",
        "directphone",
        "phone1",
    ],
    "email": ["email", "emailaddress", "mail", "workemail", "email1"],
    "zone": ["zone", "timezone", "tz", "ianazone"],
    "industry": ["industry", "sector", "vertical"],
    "source": ["source", "leadsource", "origin"],
    "notes": ["notes", "note", "comments", "comment", "description"],
    "cadence_days": ["cadence", "cadencedays"],
    "channel": ["channel", "preferredchannel"],
    "call_window": ["callwindow"],
}


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def header_score(cells: list[str]) -> int:
    """How strongly ``cells`` look like a header callq knows (0: not a header)."""
    present = {c.strip() for c in cells}
    best = max(len(p.signature & present) for p in PRESETS)
    if best >= 3:
        return best
    return 1 if len(_generic_columns(cells)) >= 2 and _has_identity(_generic_columns(cells)) else 0


def _has_identity(columns: dict[str, list[str]]) -> bool:
    return ("name" in columns or "first_name" in columns or "last_name" in columns) and (
        "phone" in columns or "email" in columns or "company" in columns
    )


def _generic_columns(header: list[str]) -> dict[str, list[str]]:
    words = {word: name for name, found in GENERIC_WORDS.items() for word in found}
    columns: dict[str, list[str]] = {}
    for cell in header:
        name = words.get(_squash(cell))
        if name is not None and cell.strip():
            columns.setdefault(name, []).append(cell.strip())
    if "notes" in columns:
        columns["notes"] = columns["notes"][:1]
    return columns


def detect_mapping(header: list[str]) -> Mapping:
    """The mapping for a file with this header: a known export's (when most of its telltale
    columns are there), topped up with generic words for fields it does not cover."""
    present = {c.strip() for c in header}
    generic = _generic_columns(header)
    best = max(PRESETS, key=lambda p: len(p.signature & present) / len(p.signature))
    if len(best.signature & present) * 4 < len(best.signature) * 3:
        return Mapping("generic sheet", generic)
    columns = {name: [c for c in cols if c in present] for name, cols in best.columns.items()}
    columns = {k: v for k, v in columns.items() if v}
    used = {c for cols in columns.values() for c in cols} | best.ignore
    for name, cols in generic.items():
        if name not in columns and name not in best.defaults:
            free = [c for c in cols if c not in used]
            if free:
                columns[name] = free
    return Mapping(best.name, columns, dict(best.defaults))


def apply_overrides(
    mapping: Mapping, header: list[str], overrides: list[str], values: list[str]
) -> Mapping:
    """``--map field=Column`` (``field=`` unmaps) and ``--value field:Word=value`` on top of
    ``mapping``; an unknown field or column is an error naming what exists."""
    present = {c.strip(): c.strip() for c in header}
    folded = {c.strip().lower(): c.strip() for c in header}
    columns = {k: list(v) for k, v in mapping.columns.items()}
    for spec in overrides:
        name, sep, column = spec.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep:
            raise CallqError(f"--map {spec!r}: write field=Column, e.g. phone='Work Phone'")
        if name not in FIELDS:
            raise CallqError(f"--map {spec!r}: unknown field {name!r}; fields: {', '.join(FIELDS)}")
        wanted = [c.strip() for c in column.split("|") if c.strip()]
        if not wanted:
            columns.pop(name, None)
            continue
        found = []
        for want in wanted:
            real = present.get(want) or folded.get(want.lower())
            if real is None:
                shown = ", ".join(repr(c) for c in header if c.strip())
                raise CallqError(f"--map {spec!r}: no column {want!r}; the file has: {shown}")
            found.append(real)
        columns[name] = found
    table = {k: dict(v) for k, v in mapping.values.items()}
    for spec in values:
        target, sep, rest = spec.partition(":")
        word, sep2, value = rest.partition("=")
        target = target.strip().lower()
        if not (sep and sep2) or target not in ("industry", "source", "status", "channel"):
            raise CallqError(
                f"--value {spec!r}: write field:Word=value, e.g. industry:Banking=office "
                "(fields: industry, source, status, channel)"
            )
        table.setdefault(target, {})[word.strip().lower()] = value.strip()
    return Mapping(mapping.format, columns, dict(mapping.defaults), table)


def check_usable(mapping: Mapping, path) -> None:
    """A mapping that cannot give a lead a name is refused before anything is read."""
    if not ({"name", "first_name", "last_name"} & set(mapping.columns)):
        raise CallqError(
            f"{path}: no column for the lead's name ({mapping.format}); "
            "map one with --map name=Column (or first_name=… last_name=…)"
        )
