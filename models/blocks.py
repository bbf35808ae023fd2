"""Prospecting time blocks (research, calling, follow-up)."""

from __future__ import annotations

from .schema import Rep, TimeBlock


def running_block(rep: Rep | None) -> TimeBlock | None:
    """The rep's block that has started and not ended (paused or not), if any."""
    if rep is None:
        return None
    return (
        TimeBlock.select()
        .where((TimeBlock.rep == rep) & TimeBlock.ended_at.is_null())
        .order_by(TimeBlock.started_at.desc())
        .first()
    )
