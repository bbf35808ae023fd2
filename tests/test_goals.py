"""Goals, the week and the planned schedule, in the rep's own days: across midnight and DST."""

from __future__ import annotations

import pendulum
import pytest

from models.blocks import pause_block, resume_block, start_block, stop_block
from models.days import day_span, week_span
from models.errors import FieldError, NotFound
from models.goals import goal_progress, set_goals, week_summary
from models.plans import (
    add_plan,
    due_planned_block,
    format_days,
    list_plans,
    parse_days,
    parse_span,
    remove_plan,
)
from models.reps import current_rep
from models.schema import Touch
from models.settings import Settings
from tests.test_blocks import SETTINGS, ZONE, log, ny


def _block(rep, category, start, end):
    start_block(rep, category, now=start, settings=SETTINGS)
    return stop_block(rep, now=end, settings=SETTINGS)


def test_goal_progress_is_live_and_in_the_reps_day(rep):
    # 23:30 on Sunday in New York is already Monday in UTC: it belongs to Sunday.
    log(rep, ny(2026, 11, 22, 23, 30), "connected")
    start_block(rep, "calling", now=ny(2026, 11, 23, 9, 0), settings=SETTINGS)
    for minute, outcome in enumerate(["no_answer", "connected", "meeting", "voicemail"]):
        log(rep, ny(2026, 11, 23, 9, minute + 1), outcome)
    log(rep, ny(2026, 11, 23, 9, 6), "callback", channel="text")

    progress = goal_progress(rep, now=ny(2026, 11, 23, 9, 45), settings=SETTINGS)
    assert progress.day.isoformat() == "2026-11-23"
    assert (progress.calls.done, progress.calls.goal) == (4, 40)
    assert (progress.conversations.done, progress.conversations.goal) == (3, 8)
    assert (progress.calling_minutes.done, progress.calling_minutes.goal) == (45, 90)
    assert progress.calling_minutes.fraction == 0.5 and not progress.calling_minutes.met
    assert progress.counts.meetings == 1 and progress.counts.connect_rate == 0.5
    # The running block keeps counting: an hour later the minutes goal is nearer.
    later = goal_progress(rep, now=ny(2026, 11, 23, 10, 15), settings=SETTINGS)
    assert later.calling_minutes.done == 75

    set_goals(rep, calls=4, calling_minutes=60)
    mine = goal_progress(rep, now=ny(2026, 11, 23, 10, 15), settings=SETTINGS)
    assert (mine.calls.goal, mine.calls.met, mine.conversations.goal) == (4, True, 8)
    assert mine.calling_minutes.met
    set_goals(rep, calls=None)
    settings = Settings(rep_zone=ZONE, goal_calls=25)
    assert goal_progress(rep, now=ny(2026, 11, 23, 10, 15), settings=settings).calls.goal == 25
    with pytest.raises(FieldError, match="calls"):
        set_goals(rep, calls=-1)


def test_weekly_totals_split_at_the_reps_midnight(rep):
    # Sunday 22:30 → Monday 01:00 New York: 90 minutes on Sunday (last week), 60 on Monday.
    _block(rep, "research", ny(2026, 11, 22, 22, 30), ny(2026, 11, 23, 1, 0))
    # Monday 23:00 → Tuesday 00:30, paused 23:50–00:10.
    start_block(rep, "calling", now=ny(2026, 11, 23, 23, 0), settings=SETTINGS)
    pause_block(rep, now=ny(2026, 11, 23, 23, 50), settings=SETTINGS)
    resume_block(rep, now=ny(2026, 11, 24, 0, 10), settings=SETTINGS)
    stop_block(rep, now=ny(2026, 11, 24, 0, 30), settings=SETTINGS)

    week = week_summary(rep, now=ny(2026, 11, 25, 12, 0), settings=SETTINGS)
    assert week.start.isoformat() == "2026-11-23"
    by_day = {day.isoformat(): seconds for day, seconds in week.days}
    assert by_day["2026-11-23"] == {"research": 3600, "calling": 50 * 60, "follow_up": 0}
    assert by_day["2026-11-24"] == {"research": 0, "calling": 20 * 60, "follow_up": 0}
    assert week.categories["calling"].actual_seconds == 70 * 60
    assert week.categories["research"].actual_seconds == 3600
    last = week_summary(
        rep, now=ny(2026, 11, 25, 12, 0), settings=SETTINGS, week_of=pendulum.date(2026, 11, 22)
    )
    assert last.start.isoformat() == "2026-11-16"
    assert last.categories["research"].actual_seconds == 90 * 60
    # The same blocks seen from Tokyo fall on other days: the rep's zone decides.
    tokyo = week_summary(rep, now=ny(2026, 11, 25, 12, 0), settings=Settings(rep_zone="Asia/Tokyo"))
    assert {d.isoformat(): s["research"] for d, s in tokyo.days}["2026-11-23"] == 150 * 60


def test_a_dst_change_counts_real_minutes(rep):
    # New York falls back on Sunday 1 November 2026 at 02:00: that day has 25 hours.
    start, end = day_span(ZONE, pendulum.date(2026, 11, 1))
    assert (end - start).total_seconds() == 25 * 3600
    # 00:30 → 03:30 on the wall clock is four real hours of work.
    summary = _block(rep, "calling", ny(2026, 11, 1, 0, 30), ny(2026, 11, 1, 3, 30))
    assert summary.counted_seconds == 4 * 3600
    week = week_summary(rep, now=ny(2026, 11, 2, 12, 0), settings=SETTINGS, week_of=start.date())
    assert week.start.isoformat() == "2026-10-26"
    assert dict((d.isoformat(), s) for d, s in week.days)["2026-11-01"]["calling"] == 4 * 3600


def test_spring_forward_counts_one_real_hour(rep):
    # New York springs forward on 8 March 2026: 01:30 → 03:30 on the wall clock is one hour.
    summary = _block(rep, "research", ny(2026, 3, 8, 1, 30), ny(2026, 3, 8, 3, 30))
    assert summary.counted_seconds == 3600
    spring = week_summary(
        rep, now=ny(2026, 3, 9), settings=SETTINGS, week_of=pendulum.date(2026, 3, 8)
    )
    assert spring.days[-1][1]["research"] == 3600
    week_start, week_end = week_span(ZONE, pendulum.date(2026, 3, 8))
    assert (week_end - week_start).total_seconds() == 7 * 86400 - 3600


def test_plans_follow_the_wall_clock_across_dst(rep):
    add_plan(rep, "calling", "09:00-10:30", "mon-fri", now=ny(2026, 10, 1))
    week = week_summary(
        rep, now=ny(2026, 11, 8), settings=SETTINGS, week_of=pendulum.date(2026, 10, 26)
    )
    starts = [p.occurrence.start for p in week.planned]
    assert [s.in_timezone(ZONE).format("ddd HH:mm") for s in starts][:1] == ["Mon 09:00"]
    assert starts[0].hour == 13  # EDT
    after = week_summary(
        rep, now=ny(2026, 11, 8), settings=SETTINGS, week_of=pendulum.date(2026, 11, 2)
    )
    assert after.planned[0].occurrence.start.hour == 14  # EST: still 09:00 on the wall
    assert all(p.occurrence.planned_seconds == 90 * 60 for p in after.planned)


def test_weekly_adherence_planned_versus_actual(rep):
    add_plan(rep, "calling", "09:00-10:30", "mon-fri", now=ny(2026, 11, 20))
    add_plan(rep, "research", "08:00-08:30", "mon,wed", now=ny(2026, 11, 20))
    _block(rep, "calling", ny(2026, 11, 23, 8, 55), ny(2026, 11, 23, 10, 30))  # kept (90 on plan)
    # Research first, then half an hour of calling: only calling counts for the calling plan.
    _block(rep, "research", ny(2026, 11, 24, 9, 0), ny(2026, 11, 24, 9, 30))
    _block(rep, "calling", ny(2026, 11, 24, 9, 30), ny(2026, 11, 24, 10, 0))  # partial (30)
    _block(rep, "research", ny(2026, 11, 25, 8, 0), ny(2026, 11, 25, 8, 30))  # kept
    # Wednesday's calling is missed. Thursday the calling plan goes; Friday is no longer planned.
    remove_plan(rep, 1, now=ny(2026, 11, 26, 7, 0))

    week = week_summary(rep, now=ny(2026, 11, 28, 12, 0), settings=SETTINGS)
    calling, research = week.categories["calling"], week.categories["research"]
    assert calling.planned_seconds == 3 * 90 * 60
    assert calling.on_plan_seconds == (90 + 30) * 60
    assert calling.actual_seconds == (95 + 30) * 60
    assert calling.adherence == pytest.approx(120 / 270)
    assert (research.planned_seconds, research.on_plan_seconds) == (60 * 60, 30 * 60)
    statuses = [
        (p.occurrence.day.format("ddd"), p.occurrence.category, p.status) for p in week.planned
    ]
    assert statuses == [
        ("Mon", "research", "missed"),
        ("Mon", "calling", "kept"),
        ("Tue", "calling", "partial"),
        ("Wed", "research", "kept"),
        ("Wed", "calling", "missed"),
    ]
    assert week.adherence == pytest.approx((120 + 30) / (270 + 60))
    # Mid-week, only the planned time already begun is due.
    tuesday = week_summary(rep, now=ny(2026, 11, 24, 9, 45), settings=SETTINGS)
    assert tuesday.categories["calling"].planned_to_date_seconds == (90 + 45) * 60
    assert [p.status for p in tuesday.planned][2:4] == ["under_way", "upcoming"]


def test_due_planned_block_prompts_once_per_window(rep):
    add_plan(rep, "calling", "09:00-10:30", "weekdays", now=ny(2026, 11, 20))
    assert due_planned_block(rep, now=ny(2026, 11, 23, 8, 59), settings=SETTINGS) is None
    due = due_planned_block(rep, now=ny(2026, 11, 23, 9, 10), settings=SETTINGS)
    assert (due.category, due.remaining_minutes(ny(2026, 11, 23, 9, 10))) == ("calling", 80)
    # Research running over into calling time: still prompted to switch.
    start_block(rep, "research", now=ny(2026, 11, 23, 8, 0), settings=SETTINGS)
    assert due_planned_block(rep, now=ny(2026, 11, 23, 9, 10), settings=SETTINGS) is not None
    stop_block(rep, now=ny(2026, 11, 23, 9, 12), settings=SETTINGS)
    # Starting the planned category without a length plans it to the window's end.
    block = start_block(rep, "calling", now=ny(2026, 11, 23, 9, 12), settings=SETTINGS)
    assert block.planned_minutes == 78
    assert due_planned_block(rep, now=ny(2026, 11, 23, 9, 20), settings=SETTINGS) is None
    stop_block(rep, now=ny(2026, 11, 23, 9, 40), settings=SETTINGS)
    assert due_planned_block(rep, now=ny(2026, 11, 23, 9, 50), settings=SETTINGS) is None
    assert due_planned_block(rep, now=ny(2026, 11, 28, 9, 10), settings=SETTINGS) is None  # Sat
    assert due_planned_block(rep, now=ny(2026, 11, 30, 9, 10), settings=SETTINGS).key == (
        1,
        "2026-11-30",
    )
    other = current_rep("ben", now=ny(2026, 11, 20))
    assert due_planned_block(other, now=ny(2026, 11, 30, 9, 10), settings=SETTINGS) is None


def test_plan_input_is_checked(rep):
    assert parse_days("mon-fri") == "12345" == parse_days("Weekdays")
    assert parse_days("mon,wed,fri") == "135" and parse_days("fri-mon") == "1567"
    assert parse_days("Sat – Sun") == "67" and parse_days("daily") == "1234567"
    assert format_days("12345") == "Mon–Fri" and format_days("135") == "Mon, Wed, Fri"
    assert format_days("1567") == "Mon, Fri–Sun" and format_days("1234567") == "every day"
    assert parse_span("9:00–10:30") == (540, 90) and parse_span("22:00-24:00") == (1320, 120)
    for span in ("10:30-09:00", "9-10", "25:00-26:00", "09:00"):
        with pytest.raises(FieldError, match="time"):
            parse_span(span)
    for days in ("funday", "m", "mon-", ""):
        with pytest.raises(FieldError, match="days"):
            parse_days(days)
    add_plan(rep, "calling", "09:00-10:30", now=ny(2026, 11, 20))
    with pytest.raises(FieldError, match="overlaps plan 1"):
        add_plan(rep, "research", "10:00-11:00", "fri", now=ny(2026, 11, 20))
    add_plan(rep, "research", "10:00-11:00", "sat", now=ny(2026, 11, 20))
    assert [p.id for p in list_plans(rep)] == [1, 2]
    with pytest.raises(NotFound, match="no plan with id 9"):
        remove_plan(rep, 9)
    remove_plan(rep, 1)
    with pytest.raises(NotFound):
        remove_plan(rep, 1)
    assert [p.id for p in list_plans(rep)] == [2]
    assert Touch.select().count() == 0
