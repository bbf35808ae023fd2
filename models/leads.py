"""Leads: validating what people type or import, adding, editing, finding, listing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import clock
from .catalog import CHANNELS, DEFAULT_INDUSTRY, INDUSTRIES, SOURCES, STATUSES, check_choice
from .db import write_transaction
from .errors import FieldError, NotFound
from .phones import check_zone, national, normalise_phone, suggest_zone
from .printable import one_line
from .schema import Lead, Rep
from .windows import check_window

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Fields a person may set on a lead through add/edit/import, in display order.
EDITABLE = (
    "name",
    "company",
    "title",
    "phone",
    "email",
    "zone",
    "industry",
    "source",
    "cadence_days",
    "channel",
    "call_window",
)


def clean_lead_fields(
    raw: dict[str, Any],
    *,
    region: str = "US",
    partial: bool = False,
    sources: Mapping[str, str] | None = None,
) -> dict:
    """Validate and normalise lead fields; raise :class:`FieldError` naming the first bad one.

    With ``partial`` (an edit) only the given fields are checked and a missing zone is not
    suggested. ``sources`` is the list a source must come from (default: the shipped one;
    :func:`models.sources.known_sources` adds the user's own).
    """
    out: dict[str, Any] = {}
    for key in raw:
        if key not in EDITABLE:
            raise FieldError(key, "not a lead field")
    if "name" in raw or not partial:
        name = one_line(str(raw.get("name") or ""), "name")
        if not name:
            raise FieldError("name", "a lead needs a name")
        out["name"] = name
    for key in ("company", "title"):
        if key in raw:
            out[key] = one_line(str(raw[key] or ""), key)
    if raw.get("phone"):
        out["phone"] = normalise_phone(str(raw["phone"]), region)
    elif "phone" in raw:
        out["phone"] = None
    if raw.get("email"):
        email = str(raw["email"]).strip()
        if not EMAIL.match(email):
            raise FieldError("email", f"{email!r} is not an email address")
        out["email"] = email.lower()
    elif "email" in raw:
        out["email"] = None
    if raw.get("zone"):
        out["zone"] = check_zone(str(raw["zone"]))
    elif not partial:
        out["zone"] = _zone_from_phone(out.get("phone"))
    if raw.get("industry") or not partial:
        out["industry"] = check_choice(
            raw.get("industry") or DEFAULT_INDUSTRY, INDUSTRIES, "industry"
        )
    if raw.get("source") or not partial:
        out["source"] = check_choice(raw.get("source") or "other", sources or SOURCES, "source")
    if raw.get("cadence_days") is not None:
        out["cadence_days"] = _cadence(raw["cadence_days"])
    if raw.get("channel"):
        out["channel"] = check_choice(str(raw["channel"]), CHANNELS, "channel")
    if "call_window" in raw:
        out["call_window"] = check_window(raw["call_window"])
    return out


def _zone_from_phone(phone: str | None) -> str:
    if not phone:
        raise FieldError("zone", "no zone given and no phone number to suggest one from")
    zone = suggest_zone(phone)
    if zone is None:
        raise FieldError(
            "zone", f"cannot tell the time zone of {phone} (several or none fit); give one"
        )
    return zone


def _cadence(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise FieldError("cadence_days", f"{value!r} is not a whole number of days") from None
    if not 1 <= days <= 365:
        raise FieldError("cadence_days", f"{days} is out of range (1 to 365 days)")
    return days


def add_lead(
    fields: dict[str, Any],
    *,
    owner: Rep | None = None,
    referred_by: int | None = None,
    region: str = "US",
    sources: Mapping[str, str] | None = None,
    now=None,
) -> Lead:
    """Validate ``fields`` and create the lead, due for a first touch now."""
    now = clock.resolve(now)
    clean = clean_lead_fields(fields, region=region, sources=sources)
    with write_transaction():
        referrer = check_referrer(None, referred_by) if referred_by is not None else None
        return Lead.create(
            **clean,
            owner=owner,
            referred_by=referrer,
            next_touch_at=now,
            created_at=now,
            updated_at=now,
        )


KEEP = object()  # edit_lead's referred_by: leave the referrer as it is


def edit_lead(
    lead_id: int,
    fields: dict[str, Any],
    *,
    region: str = "US",
    sources: Mapping[str, str] | None = None,
    referred_by: Any = KEEP,
    now=None,
) -> Lead:
    """Change the given fields of a lead; nothing changes if any of them is bad.

    ``referred_by`` names the lead who referred this one (``None`` clears it); a lead cannot
    refer itself, nor be referred by someone in its own referral chain.
    """
    now = clock.resolve(now)
    clean = clean_lead_fields(fields, region=region, partial=True, sources=sources)
    with write_transaction():
        lead = get_lead(lead_id)
        if referred_by is not KEEP:
            referrer = None if referred_by is None else check_referrer(lead.id, referred_by)
            clean["referred_by"] = referrer
        for key, value in clean.items():
            setattr(lead, key, value)
        lead.updated_at = now
        lead.save()
    return lead


def check_referrer(lead_id: int | None, referrer_id: int) -> Lead:
    """The referrer for lead ``lead_id`` (``None``: a new lead), refusing self-referral, an
    unknown id and a cycle (the referrer was itself referred, down the chain, by this lead)."""
    if lead_id is not None and referrer_id == lead_id:
        raise FieldError("referred_by", f"lead {lead_id} cannot have referred itself")
    referrer = Lead.get_or_none(Lead.id == referrer_id)
    if referrer is None:
        raise FieldError("referred_by", f"no lead with id {referrer_id}")
    if lead_id is None:
        return referrer
    chain = [referrer.id]
    step = referrer
    while step.referred_by_id is not None and step.referred_by_id not in chain:
        chain.append(step.referred_by_id)
        if step.referred_by_id == lead_id:
            path = " ← ".join(str(i) for i in chain)
            raise FieldError(
                "referred_by",
                f"lead {referrer_id} was referred through lead {lead_id} ({path}); "
                "that would make a referral cycle",
            )
        step = Lead.get_by_id(step.referred_by_id)
    return referrer


def get_lead(lead_id: int) -> Lead:
    """The lead with this id, or :class:`NotFound`."""
    lead = Lead.get_or_none(Lead.id == lead_id)
    if lead is None:
        raise NotFound(f"no lead with id {lead_id}")
    return lead


def list_leads(
    *, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Lead], int]:
    """A page of leads in id order, and how many match in all."""
    query = Lead.select()
    if status:
        query = query.where(Lead.status == check_choice(status, STATUSES, "status"))
    total = query.count()
    return list(query.order_by(Lead.id).limit(limit).offset(offset)), total


def lead_as_dict(lead: Lead) -> dict[str, Any]:
    """A lead as plain data (JSON output, exports); instants as ISO-8601 UTC."""
    return {
        "id": lead.id,
        "name": lead.name,
        "company": lead.company,
        "title": lead.title,
        "phone": lead.phone,
        "phone_national": national(lead.phone),
        "email": lead.email,
        "zone": lead.zone,
        "industry": lead.industry,
        "source": lead.source,
        "referred_by": lead.referred_by_id,
        "owner": lead.owner.name if lead.owner_id else None,
        "status": lead.status,
        "deal_value": money(lead.deal_value),
        "lost_reason": lead.lost_reason,
        "variant": lead.variant,
        "qualification": {
            "need": lead.q_need,
            "afford": lead.q_afford,
            "authority": lead.q_authority,
            "approachable": lead.q_approachable,
            "eligible": lead.q_eligible,
            "likelihood": lead.likelihood,
            "timing": lead.purchase_timing,
        },
        "cadence_days": lead.cadence_days,
        "channel": lead.channel,
        "call_window": lead.call_window,
        "next_touch_at": iso(lead.next_touch_at),
        "attempts": lead.attempts,
        "exhausted": lead.exhausted,
        "last_contacted_at": iso(lead.last_contacted_at),
        "created_at": iso(lead.created_at),
        "updated_at": iso(lead.updated_at),
    }


def money(value) -> float | None:
    """A deal value for machine-readable output (a JSON number)."""
    return None if value is None else float(Decimal(value).quantize(Decimal("0.01")))


def iso(value) -> str | None:
    """An instant as ISO-8601 in UTC with a Z, for machine-readable output."""
    return None if value is None else value.in_timezone("UTC").format("YYYY-MM-DDTHH:mm:ss[Z]")


def touches_for(lead_id: int, limit: int = 50) -> list:
    """A lead's touches, newest first."""
    from .schema import Touch

    return list(
        Touch.select()
        .where(Touch.lead == lead_id)
        .order_by(Touch.started_at.desc(), Touch.id.desc())
        .limit(limit)
    )


def touch_as_dict(touch) -> dict[str, Any]:
    duration = None
    if touch.ended_at is not None:
        duration = int((touch.ended_at - touch.started_at).total_seconds())
    return {
        "id": touch.id,
        "lead": touch.lead_id,
        "channel": touch.channel,
        "outcome": touch.outcome,
        "started_at": iso(touch.started_at),
        "duration_seconds": duration,
        "variant": touch.variant,
        "note": touch.note,
        "next_touch_at": iso(touch.next_touch_at),
    }
