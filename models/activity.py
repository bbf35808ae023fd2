"""What a set of touches adds up to: calls, conversations, meetings and the connect rate.

The one place that says which outcomes count as a conversation or a meeting.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from .schema import Touch

# Outcomes where the rep spoke with someone who can decide (or told them when to call back).
CONVERSATION_OUTCOMES = frozenset({"connected", "callback", "meeting", "not_interested"})
MEETING_OUTCOMES = frozenset({"meeting"})


def is_conversation(outcome: str) -> bool:
    """Whether a touch with this outcome was a conversation (a connect)."""
    return outcome in CONVERSATION_OUTCOMES


def is_meeting(outcome: str) -> bool:
    """Whether a touch with this outcome booked a meeting."""
    return outcome in MEETING_OUTCOMES


@dataclass(frozen=True)
class TouchCounts:
    """Touches in some span of work: every touch, the calls among them, and what came of them."""

    touches: int = 0
    calls: int = 0
    conversations: int = 0
    call_conversations: int = 0
    meetings: int = 0

    @property
    def connect_rate(self) -> float | None:
        """Calls that became conversations, as a share of calls; None before the first call."""
        return self.call_conversations / self.calls if self.calls else None

    def as_dict(self) -> dict:
        return {
            "touches": self.touches,
            "calls": self.calls,
            "conversations": self.conversations,
            "meetings": self.meetings,
            "connect_rate": None if self.connect_rate is None else round(self.connect_rate, 3),
        }


def count_touches(where: peewee.Expression) -> TouchCounts:
    """Count the touches matching ``where`` (one grouped query)."""
    rows = (
        Touch.select(Touch.channel, Touch.outcome, peewee.fn.COUNT(Touch.id).alias("n"))
        .where(where)
        .group_by(Touch.channel, Touch.outcome)
        .tuples()
    )
    touches = calls = conversations = call_conversations = meetings = 0
    for channel, outcome, n in rows:
        touches += n
        talked = is_conversation(outcome)
        if channel == "call":
            calls += n
            call_conversations += n if talked else 0
        conversations += n if talked else 0
        meetings += n if is_meeting(outcome) else 0
    return TouchCounts(touches, calls, conversations, call_conversations, meetings)
