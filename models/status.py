"""A lead's status along lead → prospect → customer (or lost, do-not-contact), with history."""

from __future__ import annotations

from . import clock
from .catalog import STATUSES, check_choice
from .printable import one_line
from .schema import Lead, Rep, StatusChange


def change_status(
    lead: Lead, to_status: str, *, reason: str = "", rep: Rep | None = None, now=None
) -> StatusChange | None:
    """Move ``lead`` to ``to_status`` and record the change; ``None`` when it already is there.

    A move to ``lost`` keeps ``reason`` as the lead's lost reason; a move away clears it (the
    history keeps it). The caller owns the transaction (see
    :func:`models.db.write_transaction`) and saves nothing else of the lead: this saves the
    status itself.
    """
    now = clock.resolve(now)
    to_status = check_choice(to_status, STATUSES, "status")
    reason = one_line(reason or "", "reason")
    if lead.status == to_status:
        return None
    change = StatusChange.create(
        lead=lead,
        from_status=lead.status,
        to_status=to_status,
        reason=reason,
        rep=rep,
        changed_at=now,
    )
    lost_reason = (reason or None) if to_status == "lost" else None
    lead.status, lead.lost_reason, lead.updated_at = to_status, lost_reason, now
    Lead.update(status=to_status, lost_reason=lost_reason, updated_at=now).where(
        Lead.id == lead.id
    ).execute()
    return change


def status_history(lead_id: int) -> list[StatusChange]:
    """A lead's status changes, oldest first."""
    return list(
        StatusChange.select()
        .where(StatusChange.lead == lead_id)
        .order_by(StatusChange.changed_at, StatusChange.id)
    )
