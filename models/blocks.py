"""Prospecting time blocks (research, calling, follow-up): start, pause, resume, stop, recover
after a crash, and the running block's state as the screen shows it.

Only working time counts. Pauses do not, and neither does time when callq was not running: a
block the workstation shows carries a heartbeat (every :data:`HEARTBEAT_SECONDS`); once that is
older than :data:`models.block_time.STALE_AFTER_SECONDS` the block has *crashed* and its time
stops at the last heartbeat until the rep resumes it (the gap is kept as "not running") or ends
it there. A block started from the command line has no heartbeat: the rep said when it started
and says when it stops. Every duration comes from stored UTC instants; the counting itself
(intervals, totals per category, the end-of-block summary) is :mod:`models.block_time`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee
import pendulum

from . import clock
from .block_time import NOT_RUNNING, PAUSED, BlockSummary, block_summary, counted_until, is_crashed
from .block_time import blocks_between as blocks_between  # re-exported: a block's API is here
from .block_time import seconds_by_category as seconds_by_category
from .catalog import BLOCK_CATEGORIES, check_choice
from .db import write_transaction
from .errors import CallqError, FieldError
from .leads import iso
from .plans import due_planned_block
from .reps import rep_zone
from .schema import BlockPause, Rep, TimeBlock
from .settings import Settings, load_settings

HEARTBEAT_SECONDS = 15  # how often the workstation calls heartbeat() while it shows a block
MAX_BLOCK_MINUTES = 720


class NoBlockRunning(CallqError):
    """The rep has no block to pause, resume or stop."""


class BlockCrashed(CallqError):
    """The running block lost its heartbeat; the rep must resume it or end it first."""

    def __init__(self, message: str, state: BlockState):
        super().__init__(message)
        self.state = state


def running_block(rep: Rep | None) -> TimeBlock | None:
    """The rep's block that has started and not ended (paused or crashed or not), if any."""
    if rep is None:
        return None
    return (
        TimeBlock.select()
        .where((TimeBlock.rep == rep) & TimeBlock.ended_at.is_null())
        .order_by(TimeBlock.started_at.desc())
        .first()
    )


def is_live(block: TimeBlock, now: dt.datetime) -> bool:
    """Whether the block is being timed at ``now``: a touch logged then belongs to it.

    A paused block is live (the rep is still at it). A crashed one is not: its time stopped at
    the last heartbeat, and stays stopped there whether the rep ends it there or resumes it (the
    gap is left out), so a touch logged after that lies outside the block either way; counting it
    in would make the block's summary claim work its clock does not. Nor is a block that had not
    started by ``now`` (a ``--now`` in the past) or had ended.
    """
    return block.ended_at is None and block.started_at <= now and not is_crashed(block, now)


# --- what the screen shows -------------------------------------------------------------------


@dataclass(frozen=True)
class BlockState:
    """A running block as the rep sees it at one instant."""

    block_id: int
    category: str
    started_at: pendulum.DateTime
    planned_seconds: int
    counted_seconds: int  # counted time: pauses and time callq was not running left out
    paused_since: pendulum.DateTime | None
    crashed_at: pendulum.DateTime | None  # the last heartbeat, when callq stopped running

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    @property
    def crashed(self) -> bool:
        return self.crashed_at is not None

    @property
    def over(self) -> bool:
        """Run past its planned length (that is allowed; it is shown)."""
        return self.counted_seconds > self.planned_seconds

    @property
    def over_seconds(self) -> int:
        return max(0, self.counted_seconds - self.planned_seconds)

    @property
    def remaining_seconds(self) -> int:
        return max(0, self.planned_seconds - self.counted_seconds)

    def as_dict(self) -> dict:
        return {
            "id": self.block_id,
            "category": self.category,
            "started_at": iso(self.started_at),
            "planned_minutes": self.planned_seconds // 60,
            "counted_seconds": self.counted_seconds,
            "remaining_seconds": self.remaining_seconds,
            "over_seconds": self.over_seconds,
            "over": self.over,
            "paused": self.paused,
            "paused_since": iso(self.paused_since),
            "crashed": self.crashed,
            "last_heartbeat_at": iso(self.crashed_at),
        }


def state_of(block: TimeBlock, now: dt.datetime) -> BlockState:
    """The block's state at ``now``, from its stored instants (no pause rows needed)."""
    until = counted_until(block, now)
    gross = (until - block.started_at).total_seconds()
    open_pause = 0.0
    if block.paused_at is not None and block.paused_at < until:
        open_pause = (until - block.paused_at).total_seconds()
    elapsed = max(0, int(gross - block.paused_seconds - open_pause))
    return BlockState(
        block_id=block.id,
        category=block.category,
        started_at=block.started_at,
        planned_seconds=block.planned_minutes * 60,
        counted_seconds=elapsed,
        paused_since=block.paused_at,
        crashed_at=block.heartbeat_at if is_crashed(block, now) else None,
    )


def block_state(rep: Rep, *, now=None) -> BlockState | None:
    """The rep's running block at ``now`` (category, elapsed, planned, paused, over), or None."""
    now = clock.resolve(now)
    block = running_block(rep)
    return None if block is None else state_of(block, now)


def crashed_block(rep: Rep, *, now=None) -> BlockState | None:
    """The rep's block that lost its heartbeat (callq stopped running), if there is one."""
    state = block_state(rep, now=now)
    return state if state is not None and state.crashed else None


# --- starting, pausing, resuming, stopping ---------------------------------------------------


def default_minutes(category: str, settings: Settings) -> int:
    """The planned length of a new block of ``category`` from the settings."""
    minutes = settings.block_minutes.get(category)
    if minutes is None:
        minutes = Settings().block_minutes[category]
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not 1 <= minutes <= MAX_BLOCK_MINUTES
    ):
        raise CallqError(
            f"settings: block_minutes.{category} must be a whole number of minutes "
            f"from 1 to {MAX_BLOCK_MINUTES}, not {minutes!r}"
        )
    return minutes


def check_minutes(minutes) -> int:
    """A planned length typed by a person: whole minutes, 1 to 12 hours."""
    try:
        value = int(minutes)
    except (TypeError, ValueError):
        raise FieldError("minutes", f"{minutes!r} is not a whole number of minutes") from None
    if isinstance(minutes, float) and minutes != value:
        raise FieldError("minutes", f"{minutes!r} is not a whole number of minutes")
    if not 1 <= value <= MAX_BLOCK_MINUTES:
        raise FieldError("minutes", f"{value} is out of range (1 to {MAX_BLOCK_MINUTES})")
    return value


def start_block(
    rep: Rep,
    category: str,
    minutes: int | None = None,
    *,
    now=None,
    settings: Settings | None = None,
    heartbeat: bool = False,
) -> TimeBlock:
    """Start a block of ``category`` for ``minutes`` (default: a due plan's remaining time, else
    the settings' length). One running block per rep: another running one is an error.

    ``heartbeat=True`` when the caller keeps the block alive with :func:`heartbeat` (the
    workstation); then a crash stops its clock at the last heartbeat.
    """
    now = clock.resolve(now)
    settings = settings or load_settings()
    category = check_choice(category, BLOCK_CATEGORIES, "category")
    if minutes is not None:
        minutes = check_minutes(minutes)
    with write_transaction():
        current = running_block(rep)
        if current is not None:
            raise _busy(current, now, settings)
        previous = (
            TimeBlock.select()
            .where((TimeBlock.rep == rep) & (TimeBlock.ended_at > now))
            .order_by(TimeBlock.ended_at.desc())
            .first()
        )
        if previous is not None:  # a start set in the past would count that time twice
            zone = _zone(rep, settings)
            raise CallqError(
                f"{_hm(now, now, zone)} is before the end of the {_label(previous)} block "
                f"({_hm(previous.ended_at, now, zone)}); blocks cannot overlap"
            )
        if minutes is None:
            due = due_planned_block(rep, now=now, settings=settings)
            if due is not None and due.category == category:
                minutes = due.remaining_minutes(now)
            else:
                minutes = default_minutes(category, settings)
        try:
            return TimeBlock.create(
                rep=rep,
                category=category,
                planned_minutes=minutes,
                started_at=now,
                heartbeat_at=now if heartbeat else None,
            )
        except peewee.IntegrityError:
            # Another callq of this rep started one between our check and insert.
            raise CallqError("another block was started at the same moment; look again") from None


def pause_block(rep: Rep, *, now=None, settings: Settings | None = None) -> TimeBlock:
    """Pause the running block: from now until resumed, time is not counted."""
    now = clock.resolve(now)
    settings = settings or load_settings()
    with write_transaction():
        block = _running(rep)
        zone = _zone(rep, settings)
        if is_crashed(block, now):
            raise _crashed(block, now, zone)
        if block.paused_at is not None:
            raise CallqError(
                f"the {_label(block)} block is already paused "
                f"(since {_hm(block.paused_at, now, zone)})"
            )
        _check_not_before(block, now, zone)
        BlockPause.create(block=block, started_at=now, reason=PAUSED)
        block.paused_at = now
        _beat(block, now)
        block.save()
        return block


def resume_block(
    rep: Rep, *, now=None, settings: Settings | None = None, heartbeat: bool = False
) -> TimeBlock:
    """Resume the paused block; a crashed block resumes from now, the gap left uncounted
    (``heartbeat`` as for :func:`start_block`: who keeps it alive from now on)."""
    now = clock.resolve(now)
    settings = settings or load_settings()
    with write_transaction():
        block = _running(rep)
        zone = _zone(rep, settings)
        if is_crashed(block, now):
            return _resume_crashed(block, now, zone, heartbeat)
        if block.paused_at is None:
            raise CallqError(f"the {_label(block)} block is not paused")
        _check_not_before(block, now, zone)
        _close_pause(block, now)
        _beat(block, now)
        block.save()
        return block


def stop_block(rep: Rep, *, now=None, settings: Settings | None = None) -> BlockSummary:
    """End the running block now (early or over its plan) and sum it up.

    A crashed block ends at its last heartbeat: time after it is never counted.
    """
    now = clock.resolve(now)
    settings = settings or load_settings()
    with write_transaction():
        block = _running(rep)
        if is_crashed(block, now):
            _end(block, block.heartbeat_at, "crashed")
        else:
            _check_not_before(block, now, _zone(rep, settings))
            _end(block, now, "stopped")
    return block_summary(block, now=now, settings=settings)


def recover_block(
    rep: Rep,
    choice: str,
    *,
    now=None,
    settings: Settings | None = None,
    heartbeat: bool = False,
) -> TimeBlock | BlockSummary:
    """The rep's answer for a crashed block: ``"resume"`` it from now (the time callq was not
    running is left out), or ``"end"`` it at its last heartbeat (returns its summary).

    ``heartbeat`` as for :func:`start_block`: True when the caller keeps the resumed block alive.
    """
    now = clock.resolve(now)
    settings = settings or load_settings()
    choice = check_choice(choice, ("resume", "end"), "choice")
    with write_transaction():
        block = _running(rep)
        if not is_crashed(block, now):
            raise CallqError(f"the {_label(block)} block has not crashed; nothing to recover")
        if choice == "resume":
            return _resume_crashed(block, now, _zone(rep, settings), heartbeat)
        _end(block, block.heartbeat_at, "crashed")
    return block_summary(block, now=now, settings=settings)


def heartbeat(rep: Rep, *, now=None) -> BlockState | None:
    """The workstation is alive and showing the rep's block: keep it counting.

    A block started elsewhere is adopted. A crashed block is left crashed (a laptop that slept
    is not working time): the state returned says so, for the screen to ask resume or end.
    """
    now = clock.resolve(now)
    if running_block(rep) is None:
        return None  # nothing to keep alive: no need to take the write lock every few seconds
    with write_transaction():
        block = running_block(rep)
        if block is None:
            return None
        if not is_crashed(block, now) and (block.heartbeat_at is None or block.heartbeat_at < now):
            block.heartbeat_at = now
            block.save(only=[TimeBlock.heartbeat_at])
        return state_of(block, now)


def release_block(rep: Rep, *, now=None) -> TimeBlock | None:
    """The workstation closes on purpose and leaves the block running: from now on the wall
    clock times it, as for a block started from the command line."""
    now = clock.resolve(now)
    with write_transaction():
        block = running_block(rep)
        if block is None or is_crashed(block, now):
            return block
        block.heartbeat_at = None
        block.save(only=[TimeBlock.heartbeat_at])
        return block


def _running(rep: Rep) -> TimeBlock:
    block = running_block(rep)
    if block is None:
        raise NoBlockRunning("no block is running")
    return block


def _beat(block: TimeBlock, now: dt.datetime) -> None:
    """Any change made while the block is kept alive is a sign of life too."""
    if block.heartbeat_at is not None:
        block.heartbeat_at = max(block.heartbeat_at, now)


def _close_pause(block: TimeBlock, at: dt.datetime) -> None:
    at = max(at, block.paused_at)
    (
        BlockPause.update(ended_at=at)
        .where((BlockPause.block == block) & BlockPause.ended_at.is_null())
        .execute()
    )
    block.paused_seconds += int((at - block.paused_at).total_seconds())
    block.paused_at = None


def _resume_crashed(block: TimeBlock, now: dt.datetime, zone: str, heartbeat: bool) -> TimeBlock:
    _check_not_before(block, now, zone)
    if block.paused_at is not None:
        _close_pause(block, now)  # the pause already covers the time callq was away
    else:
        gap_from = block.heartbeat_at
        BlockPause.create(block=block, started_at=gap_from, ended_at=now, reason=NOT_RUNNING)
        block.paused_seconds += int((now - gap_from).total_seconds())
    # Without a keeper (the command line) the wall clock times it from here, as if started here.
    block.heartbeat_at = now if heartbeat else None
    block.save()
    return block


def _end(block: TimeBlock, at: dt.datetime, reason: str) -> None:
    if block.paused_at is not None:
        _close_pause(block, at)
    block.ended_at = max(at, block.started_at)
    block.end_reason = reason
    block.save()


def _last_change(block: TimeBlock) -> pendulum.DateTime:
    latest = (
        BlockPause.select()
        .where((BlockPause.block == block) & BlockPause.ended_at.is_null(False))
        .order_by(BlockPause.ended_at.desc())
        .first()
    )
    candidates = [block.started_at, block.paused_at, latest and latest.ended_at]
    return max(c for c in candidates if c is not None)


def _check_not_before(block: TimeBlock, now: dt.datetime, zone: str) -> None:
    """A clock set before the block's last change (``--now`` in scripts) would count backwards."""
    last = _last_change(block)
    if now < last:
        raise CallqError(
            f"{_hm(now, now, zone)} is before the {_label(block)} block's last change "
            f"({_hm(last, now, zone)}); check --now"
        )


def _busy(block: TimeBlock, now: dt.datetime, settings: Settings) -> CallqError:
    zone = _zone(block.rep, settings)
    if is_crashed(block, now):
        return _crashed(block, now, zone)
    state = state_of(block, now)
    paused = ", paused" if state.paused else ""
    return CallqError(
        f"a {_label(block)} block is already running (started {_hm(block.started_at, now, zone)},"
        f" {state.counted_seconds // 60} min counted{paused}); stop it before starting another"
    )


def _crashed(block: TimeBlock, now: dt.datetime, zone: str) -> BlockCrashed:
    return BlockCrashed(
        f"the {_label(block)} block started {_hm(block.started_at, now, zone)} stopped being "
        f"timed at {_hm(block.heartbeat_at, now, zone)}, when callq stopped running; "
        "resume it or end it there first",
        state_of(block, now),
    )


def _label(block: TimeBlock) -> str:
    return BLOCK_CATEGORIES.get(block.category, block.category).lower()


def _zone(rep: Rep, settings: Settings) -> str:
    return rep_zone(rep, settings.rep_zone)


def _hm(instant: dt.datetime, now: dt.datetime, zone: str) -> str:
    """An instant as the rep reads it: "09:41", or "Mon 23 Nov 09:41" when not today."""
    local = pendulum.instance(instant).in_timezone(zone)
    if local.date() == pendulum.instance(now).in_timezone(zone).date():
        return local.format("HH:mm")
    return local.format("ddd D MMM HH:mm")
