"""What a set of touches adds up to: calls, conversations, meetings and the connect rate.

The one place that says how touches are counted. A conversation is what the outcome rule table
(``models.outcomes``, user-editable) marks ``conversation = true``; a meeting is a ``meeting``.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from .schema import Touch

MEETING_OUTCOMES = frozenset({"meeting"})


def conversation_outcomes() -> frozenset[str]:
    """The outcomes the rule table in force counts as a conversation (a connect)."""
    # Imported here: models.outcomes imports models.blocks, whose counting imports this module.
    from .outcomes import load_rules

    return frozenset(name for name, rule in load_rules().items() if rule.conversation)


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
    talks = conversation_outcomes()
    touches = calls = conversations = call_conversations = meetings = 0
    for channel, outcome, n in rows:
        touches += n
        talked = outcome in talks
        if channel == "call":
            calls += n
            call_conversations += n if talked else 0
        conversations += n if talked else 0
        meetings += n if outcome in MEETING_OUTCOMES else 0
    return TouchCounts(touches, calls, conversations, call_conversations, meetings)
