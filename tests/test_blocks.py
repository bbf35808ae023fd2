"""Time blocks on a real database with a controlled clock: what counts, what never does."""

from __future__ import annotations

import peewee
import pendulum
import pytest

from models import migrations
from models.blocks import (
    HEARTBEAT_SECONDS,
    BlockCrashed,
    NoBlockRunning,
    block_state,
    block_summary,
    crashed_block,
    heartbeat,
    pause_block,
    recover_block,
    release_block,
    resume_block,
    running_block,
    seconds_by_category,
    start_block,
    stop_block,
)
from models.db import close_database, open_database
from models.errors import CallqError, FieldError
from models.outcomes import log_outcome
from models.reps import current_rep
from models.schema import Lead, TimeBlock, Touch
from models.settings import Settings

ZONE = "America/New_York"
SETTINGS = Settings(rep_zone=ZONE)


def ny(*args) -> pendulum.DateTime:
    """A wall-clock time in New York (the rep's zone), as the UTC instant it is."""
    return pendulum.datetime(*args, tz=ZONE).in_timezone("UTC")


MON_9 = ny(2026, 11, 23, 9, 0)


def keep_alive(rep, start, end):
    """The workstation beating every HEARTBEAT_SECONDS from ``start`` to ``end``."""
    at = start
    while at <= end:
        heartbeat(rep, now=at)
        at = at.add(seconds=HEARTBEAT_SECONDS)


def test_pauses_are_not_counted(rep):
    start_block(rep, "calling", now=MON_9, settings=SETTINGS)
    pause_block(rep, now=MON_9.add(minutes=10), settings=SETTINGS)
    state = block_state(rep, now=MON_9.add(minutes=20))
    assert (state.counted_seconds, state.paused) == (10 * 60, True)
    assert state.paused_since == MON_9.add(minutes=10)
    resume_block(rep, now=MON_9.add(minutes=25), settings=SETTINGS)
    pause_block(rep, now=MON_9.add(minutes=40), settings=SETTINGS)
    resume_block(rep, now=MON_9.add(minutes=41), settings=SETTINGS)
    summary = stop_block(rep, now=MON_9.add(minutes=60), settings=SETTINGS)
    assert summary.counted_seconds == (60 - 15 - 1) * 60
    assert summary.paused_seconds == 16 * 60 and summary.not_running_seconds == 0
    assert summary.today_seconds["calling"] == 44 * 60


def test_stop_while_paused_counts_up_to_the_pause(rep):
    start_block(rep, "research", now=MON_9, settings=SETTINGS)
    pause_block(rep, now=MON_9.add(minutes=12), settings=SETTINGS)
    summary = stop_block(rep, now=MON_9.add(minutes=50), settings=SETTINGS)
    assert summary.counted_seconds == 12 * 60
    assert running_block(rep) is None


def test_planned_length_from_settings_and_overrun_shown_not_stopped(rep):
    settings = Settings(rep_zone=ZONE, block_minutes={"calling": 45, "research": 20})
    block = start_block(rep, "calling", now=MON_9, settings=settings)
    assert block.planned_minutes == 45
    state = block_state(rep, now=MON_9.add(minutes=30))
    assert (state.over, state.remaining_seconds, state.over_seconds) == (False, 15 * 60, 0)
    state = block_state(rep, now=MON_9.add(minutes=52))
    assert (state.over, state.remaining_seconds, state.over_seconds) == (True, 0, 7 * 60)
    summary = stop_block(rep, now=MON_9.add(minutes=52), settings=settings)
    assert (summary.counted_seconds, summary.over_seconds) == (52 * 60, 7 * 60)
    assert (
        start_block(rep, "follow-up", now=MON_9.add(hours=1), settings=settings).planned_minutes
        == 30
    )


def test_stop_early_is_not_over(rep):
    start_block(rep, "follow_up", 30, now=MON_9, settings=SETTINGS)
    summary = stop_block(rep, now=MON_9.add(minutes=5), settings=SETTINGS)
    assert (summary.counted_seconds, summary.over_seconds, summary.end_reason) == (
        300,
        0,
        "stopped",
    )


def test_one_running_block_per_rep(rep):
    start_block(rep, "calling", now=MON_9, settings=SETTINGS)
    with pytest.raises(CallqError, match="a calling block is already running"):
        start_block(rep, "research", now=MON_9.add(minutes=1), settings=SETTINGS)
    other = current_rep("ben", now=MON_9)
    start_block(other, "research", now=MON_9.add(minutes=2), settings=SETTINGS)
    assert TimeBlock.select().count() == 2
    # The database itself refuses a second running block for one rep.
    with pytest.raises(peewee.IntegrityError):
        TimeBlock.create(rep=rep, category="research", planned_minutes=5, started_at=MON_9)


def test_bad_input_changes_nothing(rep):
    with pytest.raises(FieldError, match="category: unknown value 'sleep'"):
        start_block(rep, "sleep", now=MON_9, settings=SETTINGS)
    for minutes in (0, -5, 721, "ten"):
        with pytest.raises(FieldError, match="minutes"):
            start_block(rep, "calling", minutes, now=MON_9, settings=SETTINGS)
    with pytest.raises(NoBlockRunning, match="no block is running"):
        stop_block(rep, now=MON_9, settings=SETTINGS)
    with pytest.raises(NoBlockRunning):
        pause_block(rep, now=MON_9, settings=SETTINGS)
    assert TimeBlock.select().count() == 0
    start_block(rep, "calling", now=MON_9, settings=SETTINGS)
    with pytest.raises(CallqError, match="not paused"):
        resume_block(rep, now=MON_9.add(minutes=1), settings=SETTINGS)
    pause_block(rep, now=MON_9.add(minutes=2), settings=SETTINGS)
    with pytest.raises(CallqError, match="already paused"):
        pause_block(rep, now=MON_9.add(minutes=3), settings=SETTINGS)
    with pytest.raises(CallqError, match="before the calling block's last change"):
        resume_block(rep, now=MON_9.add(minutes=1), settings=SETTINGS)
    stop_block(rep, now=MON_9.add(minutes=4), settings=SETTINGS)
    broken = Settings(rep_zone=ZONE, block_minutes={"research": 0})
    with pytest.raises(CallqError, match="settings: block_minutes.research"):
        start_block(rep, "research", now=MON_9.add(minutes=5), settings=broken)
    assert TimeBlock.select().count() == 1


def test_crash_then_resume_leaves_the_gap_out(rep):
    start_block(rep, "calling", now=MON_9, settings=SETTINGS, heartbeat=True)
    keep_alive(rep, MON_9, MON_9.add(minutes=40))  # then the SSH connection drops
    last_beat = MON_9.add(minutes=40)
    assert crashed_block(rep, now=last_beat.add(seconds=60)) is None  # a late beat is not a crash
    later = ny(2026, 11, 23, 10, 30)
    crashed = crashed_block(rep, now=later)
    assert crashed is not None and crashed.crashed_at == last_beat
    assert crashed.counted_seconds == 40 * 60  # not 90: callq was not running
    # The next start offers the choice instead of starting another block.
    with pytest.raises(BlockCrashed, match="stopped being timed at 09:40") as refused:
        start_block(rep, "research", now=later, settings=SETTINGS)
    assert refused.value.state.block_id == crashed.block_id
    # A heartbeat from a workstation that comes back does not count the gap either.
    assert heartbeat(rep, now=later).crashed
    recover_block(rep, "resume", now=later, settings=SETTINGS)
    assert crashed_block(rep, now=later) is None
    keep_alive(rep, later, later.add(minutes=30))
    summary = stop_block(rep, now=later.add(minutes=30), settings=SETTINGS)
    assert summary.counted_seconds == 70 * 60
    assert summary.not_running_seconds == 50 * 60
    assert summary.end_reason == "stopped"


def test_crash_then_end_at_the_last_heartbeat(rep):
    start_block(rep, "calling", now=MON_9, settings=SETTINGS, heartbeat=True)
    keep_alive(rep, MON_9, MON_9.add(minutes=25))
    next_morning = ny(2026, 11, 24, 8, 30)
    summary = recover_block(rep, "end", now=next_morning, settings=SETTINGS)
    assert summary.ended_at == MON_9.add(minutes=25)
    assert (summary.counted_seconds, summary.end_reason) == (25 * 60, "crashed")
    assert summary.today.isoformat() == "2026-11-23"  # the day it ended, not the day it was ended
    assert seconds_by_category(rep, MON_9, next_morning, now=next_morning)["calling"] == 25 * 60
    assert start_block(rep, "research", now=next_morning, settings=SETTINGS)


def test_stopping_a_crashed_block_ends_it_at_the_last_heartbeat(rep):
    start_block(rep, "calling", now=MON_9, settings=SETTINGS, heartbeat=True)
    keep_alive(rep, MON_9, MON_9.add(minutes=10))
    summary = stop_block(rep, now=MON_9.add(hours=3), settings=SETTINGS)
    assert (summary.ended_at, summary.counted_seconds) == (MON_9.add(minutes=10), 600)


def test_crash_while_paused_counts_only_until_the_pause(rep):
    start_block(rep, "calling", now=MON_9, settings=SETTINGS, heartbeat=True)
    keep_alive(rep, MON_9, MON_9.add(minutes=30))
    pause_block(rep, now=MON_9.add(minutes=30), settings=SETTINGS)
    keep_alive(rep, MON_9.add(minutes=30), MON_9.add(minutes=45))
    assert crashed_block(rep, now=MON_9.add(hours=2)).paused
    summary = recover_block(rep, "end", now=MON_9.add(hours=2), settings=SETTINGS)
    assert summary.counted_seconds == 30 * 60
    assert summary.ended_at == MON_9.add(minutes=45)


def test_a_block_without_heartbeat_runs_by_the_wall_clock_until_adopted(rep):
    start_block(rep, "research", now=MON_9, settings=SETTINGS)  # from the command line
    assert crashed_block(rep, now=MON_9.add(hours=2)) is None
    assert block_state(rep, now=MON_9.add(hours=2)).counted_seconds == 2 * 3600
    # The workstation opens and keeps it alive; when it closes on purpose it hands it back.
    keep_alive(rep, MON_9.add(hours=2), MON_9.add(hours=2, minutes=5))
    assert crashed_block(rep, now=MON_9.add(hours=3)) is not None
    recover_block(rep, "resume", now=MON_9.add(hours=3), settings=SETTINGS)
    release_block(rep, now=MON_9.add(hours=3))
    assert crashed_block(rep, now=MON_9.add(hours=5)) is None
    with pytest.raises(CallqError, match="has not crashed"):
        recover_block(rep, "end", now=MON_9.add(hours=5), settings=SETTINGS)


def log(rep, at, outcome, channel="call"):
    """Log an outcome the way the screen and ``callq log`` do, on a lead of its own."""
    lead = Lead.create(name="Ana", zone="America/Chicago", created_at=at, updated_at=at)
    given = at.add(days=1) if outcome == "callback" else None
    result = log_outcome(
        lead.id, outcome, rep=rep, now=at, at=given, channel=channel, settings=SETTINGS
    )
    return Touch.get_by_id(result.touch_id)


def test_touches_belong_to_the_block_they_were_logged_in(rep):
    before = log(rep, MON_9.subtract(minutes=5), "no_answer")
    assert before.block_id is None
    block = start_block(rep, "calling", now=MON_9, settings=SETTINGS)
    assert log(rep, MON_9.add(seconds=10), "busy").block_id == block.id
    for minute, outcome in enumerate(
        ["no_answer", "voicemail", "connected", "busy", "meeting", "not_interested", "no_answer"]
    ):
        log(rep, MON_9.add(minutes=minute + 1), outcome)
    log(rep, MON_9.add(minutes=9), "callback", channel="email")
    pause_block(rep, now=MON_9.add(minutes=10), settings=SETTINGS)
    log(rep, MON_9.add(minutes=11), "no_answer")  # paused is still the same block
    resume_block(rep, now=MON_9.add(minutes=12), settings=SETTINGS)
    first = stop_block(rep, now=MON_9.add(minutes=20), settings=SETTINGS)
    start_block(rep, "follow_up", now=MON_9.add(minutes=30), settings=SETTINGS)
    log(rep, MON_9.add(minutes=31), "connected")
    second = stop_block(rep, now=MON_9.add(minutes=40), settings=SETTINGS)

    counts = first.counts
    assert (counts.touches, counts.calls, counts.conversations, counts.meetings) == (10, 9, 4, 1)
    assert counts.connect_rate == 3 / 9  # connected, meeting, not interested out of 9 calls
    assert (second.counts.touches, second.counts.conversations) == (1, 1)
    assert second.today_seconds == {"research": 0, "calling": 18 * 60, "follow_up": 10 * 60}
    again = block_summary(first.block_id, now=MON_9.add(hours=1), settings=SETTINGS)
    assert again.counts == counts and again.counted_seconds == 18 * 60


def test_a_touch_logged_after_a_crash_is_not_counted_in_the_block(rep):
    block = start_block(rep, "calling", now=MON_9, settings=SETTINGS, heartbeat=True)
    keep_alive(rep, MON_9, MON_9.add(minutes=30))  # then the workstation dies at 09:30
    inside = log(rep, MON_9.add(minutes=20), "connected")
    assert inside.block_id == block.id
    # At 09:40 the rep logs a call from the shell: the block's clock stopped at 09:30.
    lead = Lead.create(name="Bo", zone="America/Chicago", created_at=MON_9, updated_at=MON_9)
    result = log_outcome(
        lead.id, "no_answer", rep=rep, now=MON_9.add(minutes=40), settings=SETTINGS
    )
    assert result.block_id is None and result.crashed_block_id == block.id
    assert Touch.get_by_id(result.touch_id).block_id is None
    # Ended at its last heartbeat, the block holds only what happened inside it.
    summary = recover_block(rep, "end", now=MON_9.add(hours=1), settings=SETTINGS)
    assert summary.ended_at == MON_9.add(minutes=30)
    assert (summary.counts.touches, summary.counts.conversations) == (1, 1)
    in_block = Touch.select().where(Touch.block == block.id)
    assert all(t.started_at <= summary.ended_at for t in in_block)


def test_after_a_crash_and_resume_touches_count_again_but_not_those_in_the_gap(rep):
    block = start_block(rep, "calling", now=MON_9, settings=SETTINGS, heartbeat=True)
    keep_alive(rep, MON_9, MON_9.add(minutes=10))
    assert log(rep, MON_9.add(minutes=5), "busy").block_id == block.id
    assert log(rep, MON_9.add(minutes=30), "busy").block_id is None  # callq not running
    recover_block(rep, "resume", now=MON_9.add(minutes=40), settings=SETTINGS, heartbeat=True)
    keep_alive(rep, MON_9.add(minutes=40), MON_9.add(minutes=45))
    assert log(rep, MON_9.add(minutes=41), "busy").block_id == block.id
    summary = stop_block(rep, now=MON_9.add(minutes=45), settings=SETTINGS)
    assert summary.counts.touches == 2
    assert (summary.counted_seconds, summary.not_running_seconds) == (15 * 60, 30 * 60)


def test_a_paused_block_still_takes_its_touches_and_a_later_block_not_earlier_ones(rep):
    block = start_block(rep, "calling", now=MON_9, settings=SETTINGS)
    pause_block(rep, now=MON_9.add(minutes=5), settings=SETTINGS)
    assert log(rep, MON_9.add(minutes=6), "busy").block_id == block.id
    # A touch logged with a clock set before the block began is not the block's.
    assert log(rep, MON_9.subtract(minutes=30), "busy").block_id is None


def test_opening_an_older_file_with_two_running_blocks_keeps_both_rows(db_path):
    db_path.parent.mkdir(mode=0o700)
    db = peewee.SqliteDatabase(str(db_path))
    with db.atomic():
        migrations.migrate(db, target=2)
    db.execute_sql(
        "INSERT INTO rep (name, created_at) VALUES ('ana', '2026-11-23 14:00:00.000000')"
    )
    for started in ("2026-11-23 13:00:00.000000", "2026-11-23 14:00:00.000000"):
        db.execute_sql(
            "INSERT INTO time_block (rep_id, category, planned_minutes, started_at,"
            " heartbeat_at, paused_seconds) VALUES (1, 'calling', 60, ?, ?, 0)",
            (started, started),
        )
    db.close()
    open_database(db_path)
    blocks = list(TimeBlock.select().order_by(TimeBlock.id))
    assert [b.ended_at is None for b in blocks] == [False, True]
    assert blocks[0].end_reason == "duplicate"
    close_database()


def test_a_block_cannot_start_inside_an_earlier_one(rep):
    start_block(rep, "research", now=MON_9, settings=SETTINGS)
    stop_block(rep, now=MON_9.add(minutes=30), settings=SETTINGS)
    with pytest.raises(
        CallqError, match=r"09:20 is before the end of the research block \(09:30\)"
    ):
        start_block(rep, "calling", now=MON_9.add(minutes=20), settings=SETTINGS)
    assert start_block(rep, "calling", now=MON_9.add(minutes=30), settings=SETTINGS)


def test_conversations_are_what_the_outcome_rules_say(rep, private_home):
    rules = private_home / ".config" / "callq" / "outcomes.toml"
    rules.parent.mkdir(parents=True)
    rules.write_text(
        "[outcomes.callback]\nconversation = false\n\n"
        '[outcomes.gatekeeper]\nlabel = "Gatekeeper"\nnext = "delay"\ndelay = "1d"\n'
        "attempt = true\n\n"
        '[outcomes.demo_given]\nlabel = "Gave a demo"\nnext = "cadence"\n'
        "conversation = true\n"
    )
    start_block(rep, "calling", now=MON_9, settings=SETTINGS)
    for minute, outcome in enumerate(["callback", "gatekeeper", "demo_given", "connected"]):
        log(rep, MON_9.add(minutes=minute), outcome)
    counts = stop_block(rep, now=MON_9.add(minutes=10), settings=SETTINGS).counts
    assert (counts.calls, counts.conversations, counts.connect_rate) == (4, 2, 0.5)
