"""Introduction/offer variants, and the rotation that gives each a fair share of leads.

A lead is assigned one variant at its first touch that records one, and keeps it (so the
reports compare variants lead by lead). New leads go to the active variant with the fewest
leads so far (ties: the oldest variant), so every variant gets a fair share — a variant added
later catches up first.
"""

from __future__ import annotations

import re
from typing import Any

import peewee

from . import clock
from .db import write_transaction
from .errors import FieldError, NotFound
from .leads import iso
from .schema import Lead, Touch, Variant

KEEP: Any = object()  # leave this field as it is
NAME = re.compile(r"^[\w][\w .\-]{0,39}$")
MAX_SCRIPT = 2000


def _clean_name(name: str) -> str:
    text = " ".join(str(name or "").split())
    if not NAME.match(text):
        raise FieldError(
            "name", f"{name!r}: a variant name is 1 to 40 letters, digits, spaces, '.', '-', '_'"
        )
    return text


def _clean_script(script: str | None) -> str:
    text = (script or "").strip()
    if len(text) > MAX_SCRIPT:
        raise FieldError("script", f"at most {MAX_SCRIPT} characters")
    return text


def find_variant(name: str) -> Variant | None:
    """The variant called ``name`` (any case), retired or not."""
    return Variant.get_or_none(peewee.fn.LOWER(Variant.name) == str(name).strip().lower())


def get_variant(name: str) -> Variant:
    """The variant called ``name``, or :class:`NotFound`."""
    variant = find_variant(name)
    if variant is None:
        raise NotFound(f"no variant called {name!r}")
    return variant


def add_variant(name: str, script: str | None = None, *, now=None) -> Variant:
    """Add a variant to the rotation."""
    now = clock.resolve(now)
    name, script = _clean_name(name), _clean_script(script)
    with write_transaction():
        twin = find_variant(name)
        if twin is not None:
            state = "" if twin.active else " (retired; `variant edit` can bring it back)"
            raise FieldError("name", f"a variant called {twin.name!r} exists{state}")
        return Variant.create(name=name, script=script, created_at=now)


def edit_variant(name: str, *, script: Any = KEEP, active: Any = KEEP) -> Variant:
    """Change a variant's script, or take it out of (``active=False``) or back into rotation.

    Names are not changed: touches record the name, and the reports group by it.
    """
    new_script = _clean_script(script) if script is not KEEP else KEEP
    with write_transaction():
        variant = get_variant(name)
        if new_script is not KEEP:
            variant.script = new_script
        if active is not KEEP:
            variant.active = bool(active)
        variant.save()
    return variant


def active_variants() -> list[Variant]:
    """The variants in rotation, oldest first."""
    return list(Variant.select().where(Variant.active == True).order_by(Variant.id))  # noqa: E712


def next_variant(lead: Lead) -> Variant | None:
    """The variant to use on ``lead``: its own when it has one in rotation, else the active
    variant with the fewest leads (the oldest on a tie); ``None`` when there are none."""
    rotation = active_variants()
    if not rotation:
        return None
    if lead.variant:
        own = next((v for v in rotation if v.name.lower() == lead.variant.lower()), None)
        if own is not None:
            return own
    return min(rotation, key=lambda v: (v.leads_assigned, v.id))


def variant_for_touch(lead: Lead, name: str | None = None) -> str | None:
    """The variant a touch on ``lead`` records: ``name`` when the rep chose one, else the
    rotation's pick. The first such touch assigns the lead its variant for good.

    The caller holds the write transaction (the touch is written in the same one).
    """
    if name is not None and str(name).strip():
        chosen = find_variant(name)
        if chosen is None:
            raise FieldError("variant", f"no variant called {name!r} (see `callq variant list`)")
        if not chosen.active:
            raise FieldError("variant", f"variant {chosen.name!r} is retired")
    else:
        chosen = next_variant(lead)
        if chosen is None:
            return None
    own = lead.variant and find_variant(lead.variant)
    if not own or not own.active:
        lead.variant = chosen.name
        Lead.update(variant=chosen.name).where(Lead.id == lead.id).execute()
        Variant.update(leads_assigned=Variant.leads_assigned + 1).where(
            Variant.id == chosen.id
        ).execute()
    return chosen.name


def release_variant(name: str | None) -> None:
    """Give back one lead's share of ``name`` (undoing the touch that assigned it)."""
    if name:
        Variant.update(leads_assigned=Variant.leads_assigned - 1).where(
            (peewee.fn.LOWER(Variant.name) == name.lower()) & (Variant.leads_assigned > 0)
        ).execute()


def variant_rows() -> list[dict]:
    """Every variant with its leads and touches so far, oldest first."""
    touches = dict(
        Touch.select(Touch.variant, peewee.fn.COUNT(Touch.id))
        .where(Touch.variant.is_null(False))
        .group_by(Touch.variant)
        .tuples()
    )
    return [
        variant_as_dict(v, touches=touches.get(v.name, 0))
        for v in Variant.select().order_by(Variant.id)
    ]


def variant_as_dict(variant: Variant, touches: int | None = None) -> dict:
    data = {
        "name": variant.name,
        "script": variant.script,
        "active": variant.active,
        "leads": variant.leads_assigned,
        "created_at": iso(variant.created_at),
    }
    if touches is not None:
        data["touches"] = touches
    return data
