"""Counted time in prospecting blocks: what counts, the intervals it makes, totals per category
over a span, and the end-of-block summary.

A block counts from its start to its end, or, while it runs, to now; but a block whose heartbeat
is older than :data:`STALE_AFTER_SECONDS` has *crashed* (callq stopped running) and counts only
to that last heartbeat. Pauses (``paused``) and the gap before a crashed block was resumed
(``not_running``) never count. Starting, pausing and stopping blocks is :mod:`models.blocks`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pendulum

from . import clock
from .activity import TouchCounts, count_touches
from .catalog import BLOCK_CATEGORIES
from .days import day_span, local_day
from .leads import iso
from .reps import rep_zone
from .schema import BlockPause, Rep, TimeBlock, Touch
from .settings import Settings, load_settings

STALE_AFTER_SECONDS = 90  # a heartbeat older than this: callq stopped running (a crash)

PAUSED = "paused"
NOT_RUNNING = "not_running"


def is_crashed(block: TimeBlock, now: dt.datetime) -> bool:
    """Whether the block's keeper stopped beating: callq has not been running since then."""
    return (
        block.ended_at is None
        and block.heartbeat_at is not None
        and (now - block.heartbeat_at).total_seconds() > STALE_AFTER_SECONDS
    )


def counted_until(block: TimeBlock, now: dt.datetime) -> pendulum.DateTime:
    """The instant up to which the block's time may count, seen at ``now``."""
    if block.ended_at is not None:
        return block.ended_at
    if is_crashed(block, now):
        return block.heartbeat_at
    return max(clock.to_utc(now), block.started_at)


# --- counted time over a span ----------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A stretch of counted time in one block."""

    block_id: int
    category: str
    start: pendulum.DateTime
    end: pendulum.DateTime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def clip(self, start: dt.datetime, end: dt.datetime) -> Interval | None:
        lo, hi = max(self.start, start), min(self.end, end)
        return Interval(self.block_id, self.category, lo, hi) if lo < hi else None


def counted_intervals(
    block: TimeBlock, pauses: Iterable[BlockPause], now: dt.datetime
) -> list[Interval]:
    """The block's counted time at ``now``: start to end (or crash, or now) minus its pauses."""
    until = counted_until(block, now)
    out, cursor = [], block.started_at
    for pause in sorted(pauses, key=lambda p: p.started_at):
        pause_from = min(pause.started_at, until)
        if pause_from > cursor:
            out.append(Interval(block.id, block.category, cursor, pause_from))
        cursor = max(cursor, min(pause.ended_at or until, until))
    if until > cursor:
        out.append(Interval(block.id, block.category, cursor, until))
    return out


def blocks_between(rep: Rep, start: dt.datetime, end: dt.datetime) -> list[TimeBlock]:
    """The rep's blocks that overlap [start, end), running ones included, oldest first."""
    return list(
        TimeBlock.select()
        .where(
            (TimeBlock.rep == rep)
            & (TimeBlock.started_at < end)
            & (TimeBlock.ended_at.is_null() | (TimeBlock.ended_at > start))
        )
        .order_by(TimeBlock.started_at, TimeBlock.id)
    )


def intervals_between(
    rep: Rep, start: dt.datetime, end: dt.datetime, *, now=None
) -> list[Interval]:
    """The rep's counted time inside [start, end), clipped to it, in time order."""
    now = clock.resolve(now)
    blocks = blocks_between(rep, start, end)
    pauses: dict[int, list[BlockPause]] = {b.id: [] for b in blocks}
    if blocks:
        for pause in BlockPause.select().where(BlockPause.block.in_(list(pauses))):
            pauses[pause.block_id].append(pause)
    out = []
    for block in blocks:
        for interval in counted_intervals(block, pauses[block.id], now):
            clipped = interval.clip(start, end)
            if clipped is not None:
                out.append(clipped)
    return out


def seconds_by_category(
    rep: Rep, start: dt.datetime, end: dt.datetime, *, now=None
) -> dict[str, int]:
    """Counted seconds per category inside [start, end); every category present, zero or not."""
    return sum_by_category(intervals_between(rep, start, end, now=now))


def sum_by_category(intervals: Iterable[Interval]) -> dict[str, int]:
    """Seconds per category in ``intervals``; every category present, zero or not."""
    totals = dict.fromkeys(BLOCK_CATEGORIES, 0.0)
    for interval in intervals:
        totals[interval.category] = totals.get(interval.category, 0.0) + interval.seconds
    return {category: int(seconds) for category, seconds in totals.items()}


# --- the end-of-block summary ----------------------------------------------------------------


@dataclass(frozen=True)
class BlockSummary:
    """What one block came to: its time, honestly counted, its touches, and the day so far."""

    block_id: int
    category: str
    started_at: pendulum.DateTime
    ended_at: pendulum.DateTime | None
    end_reason: str | None
    planned_seconds: int
    counted_seconds: int
    paused_seconds: int
    not_running_seconds: int
    counts: TouchCounts
    today: pendulum.Date
    today_seconds: dict[str, int] = field(default_factory=dict)

    @property
    def over_seconds(self) -> int:
        return max(0, self.counted_seconds - self.planned_seconds)

    def as_dict(self) -> dict:
        return {
            "id": self.block_id,
            "category": self.category,
            "started_at": iso(self.started_at),
            "ended_at": iso(self.ended_at),
            "end_reason": self.end_reason,
            "planned_minutes": self.planned_seconds // 60,
            "counted_seconds": self.counted_seconds,
            "over_seconds": self.over_seconds,
            "paused_seconds": self.paused_seconds,
            "not_running_seconds": self.not_running_seconds,
            **self.counts.as_dict(),
            "today": {
                "date": self.today.isoformat(),
                "minutes": minutes_dict(self.today_seconds),
            },
        }


def block_summary(
    block: TimeBlock | int, *, now=None, settings: Settings | None = None
) -> BlockSummary:
    """Sum up a block (ended or still running): counted time, touches logged in it, and the
    rep's minutes by category on the day it ended (or today)."""
    now = clock.resolve(now)
    settings = settings or load_settings()
    if not isinstance(block, TimeBlock):
        block = TimeBlock.get_by_id(block)
    pauses = list(block.pauses)
    until = counted_until(block, now)
    counted = sum(i.seconds for i in counted_intervals(block, pauses, now))
    away = {PAUSED: 0.0, NOT_RUNNING: 0.0}
    for pause in pauses:
        end = min(pause.ended_at or until, until)
        if end > pause.started_at:
            away[pause.reason] = (
                away.get(pause.reason, 0.0) + (end - pause.started_at).total_seconds()
            )
    zone = rep_zone(block.rep, settings.rep_zone)
    day = local_day(zone, until)
    start, end = day_span(zone, day)
    return BlockSummary(
        block_id=block.id,
        category=block.category,
        started_at=block.started_at,
        ended_at=block.ended_at,
        end_reason=block.end_reason,
        planned_seconds=block.planned_minutes * 60,
        counted_seconds=int(counted),
        paused_seconds=int(away[PAUSED]),
        not_running_seconds=int(away[NOT_RUNNING]),
        counts=count_touches(Touch.block == block),
        today=day,
        today_seconds=seconds_by_category(block.rep, start, end, now=now),
    )


def minutes_dict(seconds: dict[str, int]) -> dict[str, float]:
    """Seconds per category as minutes with one decimal, for machine-readable output."""
    return {category: round(value / 60, 1) for category, value in seconds.items()}
