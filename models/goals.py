"""Daily goals (calls, conversations, calling minutes) with live progress, and the week: actual
minutes per category against the planned schedule, and how well the plan was kept.

Days and weeks are the rep's own (local midnight to local midnight, Monday to Sunday).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pendulum

from . import clock
from .activity import TouchCounts, count_touches
from .block_time import intervals_between, minutes_dict, sum_by_category
from .days import day_span, local_day, week_span, week_start
from .db import write_transaction
from .errors import FieldError
from .plans import Occurrence, occurrences
from .reps import rep_zone
from .schema import Rep, Touch
from .settings import Settings, load_settings

GOALS = ("calls", "conversations", "calling_minutes")
KEPT_SHARE = 0.8  # a planned block counts as kept when this share of it was worked on plan


def goals_for(rep: Rep, settings: Settings) -> dict[str, int]:
    """The rep's daily goals: their own where set, else the settings' (read afresh, so a goal
    changed elsewhere shows at once)."""
    rep = Rep.get_by_id(rep.id)
    return {
        name: getattr(rep, f"goal_{name}")
        if getattr(rep, f"goal_{name}") is not None
        else getattr(settings, f"goal_{name}")
        for name in GOALS
    }


def set_goals(rep: Rep, **goals: int | None) -> Rep:
    """Set the rep's own daily goals (``calls=50``); ``None`` goes back to the settings."""
    for name, value in goals.items():
        if name not in GOALS:
            raise FieldError(name, f"not a goal; goals are {', '.join(GOALS)}")
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000
        ):
            raise FieldError(name, f"{value!r} is not a whole number from 0 to 10000")
    with write_transaction():
        for name, value in goals.items():
            setattr(rep, f"goal_{name}", value)
        Rep.update({f"goal_{name}": value for name, value in goals.items()}).where(
            Rep.id == rep.id
        ).execute()
    return rep


@dataclass(frozen=True)
class Progress:
    """Done so far against a goal."""

    done: float
    goal: int

    @property
    def fraction(self) -> float:
        """0 to 1 (capped), for a progress bar; a goal of 0 is met."""
        return 1.0 if self.goal <= 0 else min(1.0, self.done / self.goal)

    @property
    def met(self) -> bool:
        return self.done >= self.goal

    def as_dict(self) -> dict:
        return {"done": self.done, "goal": self.goal, "met": self.met}


@dataclass(frozen=True)
class GoalProgress:
    """Today against the rep's daily goals, live (a running block counts up to now)."""

    day: pendulum.Date
    zone: str
    calls: Progress
    conversations: Progress
    calling_minutes: Progress
    counts: TouchCounts
    seconds: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "zone": self.zone,
            "calls": self.calls.as_dict(),
            "conversations": self.conversations.as_dict(),
            "calling_minutes": self.calling_minutes.as_dict(),
            "meetings": self.counts.meetings,
            "touches": self.counts.touches,
            "connect_rate": self.counts.as_dict()["connect_rate"],
            "minutes": minutes_dict(self.seconds),
        }


def _zone(rep: Rep, settings: Settings) -> str:
    return rep_zone(rep, settings.rep_zone)


def _touches_between(rep: Rep, start: dt.datetime, end: dt.datetime) -> TouchCounts:
    return count_touches(
        (Touch.rep == rep) & (Touch.started_at >= start) & (Touch.started_at < end)
    )


def goal_progress(rep: Rep, *, now=None, settings: Settings | None = None) -> GoalProgress:
    """The rep's day so far against their goals."""
    now = clock.resolve(now)
    settings = settings or load_settings()
    zone = _zone(rep, settings)
    day = local_day(zone, now)
    start, end = day_span(zone, day)
    counts = _touches_between(rep, start, end)
    seconds = sum_by_category(intervals_between(rep, start, end, now=now))
    goals = goals_for(rep, settings)
    return GoalProgress(
        day=day,
        zone=zone,
        calls=Progress(counts.calls, goals["calls"]),
        conversations=Progress(counts.conversations, goals["conversations"]),
        calling_minutes=Progress(round(seconds["calling"] / 60, 1), goals["calling_minutes"]),
        counts=counts,
        seconds=seconds,
    )


@dataclass(frozen=True)
class CategoryWeek:
    """One category over a week: what was done, what was planned, and how much on plan."""

    actual_seconds: int = 0
    planned_seconds: int = 0
    planned_to_date_seconds: int = 0  # the part of planned windows already begun
    on_plan_seconds: int = 0  # actual time of this category inside its planned windows

    @property
    def adherence(self) -> float | None:
        """Share of the planned time so far that was worked on plan; None with nothing due yet."""
        if not self.planned_to_date_seconds:
            return None
        return min(1.0, self.on_plan_seconds / self.planned_to_date_seconds)

    def as_dict(self) -> dict:
        return {
            "actual_minutes": round(self.actual_seconds / 60, 1),
            "planned_minutes": round(self.planned_seconds / 60, 1),
            "planned_to_date_minutes": round(self.planned_to_date_seconds / 60, 1),
            "on_plan_minutes": round(self.on_plan_seconds / 60, 1),
            "adherence": None if self.adherence is None else round(self.adherence, 3),
        }


@dataclass(frozen=True)
class PlannedDay:
    """One planned block on one day and what became of it."""

    occurrence: Occurrence
    on_plan_seconds: int
    status: str  # upcoming, due, under_way, kept, partial, missed

    def as_dict(self, zone: str) -> dict:
        return {
            **self.occurrence.as_dict(zone),
            "on_plan_minutes": round(self.on_plan_seconds / 60, 1),
            "status": self.status,
        }


@dataclass(frozen=True)
class WeekSummary:
    """A week of the rep's time: minutes per category per day, against the plan."""

    start: pendulum.Date
    zone: str
    days: list[tuple[pendulum.Date, dict[str, int]]]
    categories: dict[str, CategoryWeek]
    planned: list[PlannedDay]
    counts: TouchCounts

    @property
    def adherence(self) -> float | None:
        """Over all categories: on-plan time as a share of planned time so far."""
        due = sum(c.planned_to_date_seconds for c in self.categories.values())
        done = sum(c.on_plan_seconds for c in self.categories.values())
        return None if not due else min(1.0, done / due)

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.start.add(days=6).isoformat(),
            "zone": self.zone,
            "days": [{"date": d.isoformat(), "minutes": minutes_dict(s)} for d, s in self.days],
            "categories": {name: c.as_dict() for name, c in self.categories.items()},
            "adherence": None if self.adherence is None else round(self.adherence, 3),
            "planned": [p.as_dict(self.zone) for p in self.planned],
            **self.counts.as_dict(),
        }


def week_summary(
    rep: Rep, *, now=None, settings: Settings | None = None, week_of: dt.date | None = None
) -> WeekSummary:
    """The week holding ``week_of`` (default: today) in the rep's zone, counted up to ``now``."""
    now = clock.resolve(now)
    settings = settings or load_settings()
    zone = _zone(rep, settings)
    monday = week_start(week_of or local_day(zone, now))
    start, end = week_span(zone, monday)
    intervals = intervals_between(rep, start, end, now=now)

    days = []
    for offset in range(7):
        day = monday.add(days=offset)
        lo, hi = day_span(zone, day)
        days.append((day, sum_by_category(i for i in (x.clip(lo, hi) for x in intervals) if i)))

    actual = sum_by_category(intervals)
    planned_s, to_date, on_plan_s = Counter(), Counter(), Counter()
    planned = []
    for occ in occurrences(rep, start, end, zone=zone):
        on_plan = sum(
            clipped.seconds
            for interval in intervals
            if interval.category == occ.category
            and (clipped := interval.clip(occ.start, occ.end)) is not None
        )
        planned_s[occ.category] += occ.planned_seconds
        to_date[occ.category] += max(0.0, (min(now, occ.end) - occ.start).total_seconds())
        on_plan_s[occ.category] += on_plan
        planned.append(PlannedDay(occ, int(on_plan), _status(occ, on_plan, now)))
    categories = {
        name: CategoryWeek(
            actual.get(name, 0), int(planned_s[name]), int(to_date[name]), int(on_plan_s[name])
        )
        for name in {**actual, **planned_s}
    }
    counts = _touches_between(rep, start, end)
    return WeekSummary(monday, zone, days, categories, planned, counts)


def _status(occ: Occurrence, on_plan: float, now: dt.datetime) -> str:
    if now < occ.start:
        return "upcoming"
    if now < occ.end:
        return "due" if on_plan == 0 else "under_way"
    if on_plan >= KEPT_SHARE * occ.planned_seconds:
        return "kept"
    return "partial" if on_plan > 0 else "missed"
