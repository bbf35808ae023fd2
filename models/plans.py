"""Recurring planned blocks ("calling 09:00–10:30 Mon–Fri"): adding, listing, removing, their
occurrences in a span of days, and the one that is due now.

Plan times are wall-clock times in the rep's zone, so "09:00" stays 09:00 across DST changes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import pendulum

from . import clock
from .catalog import BLOCK_CATEGORIES, check_choice
from .days import local_day, wall_clock
from .db import write_transaction
from .errors import FieldError, NotFound
from .leads import iso
from .reps import rep_zone
from .schema import PlannedBlock, Rep, TimeBlock
from .settings import Settings, load_settings

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_SETS = {
    "weekdays": "12345",
    "weekends": "67",
    "weekend": "67",
    "daily": "1234567",
    "everyday": "1234567",
    "every_day": "1234567",
}
TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
DASH = re.compile(r"\s*[-–—]\s*")


def parse_days(text: str) -> str:
    """Days typed by a person ("mon-fri", "mon,wed,fri", "weekdays", "daily") as ISO weekday
    digits ("12345")."""
    key = DASH.sub("-", str(text).strip().lower())
    if key.replace(" ", "_") in DAY_SETS:
        return DAY_SETS[key.replace(" ", "_")]
    days: set[int] = set()
    for part in re.split(r"[,\s]+", key):
        if not part:
            continue
        ends = DASH.split(part)
        if len(ends) == 1:
            days.add(_day(ends[0], text))
        elif len(ends) == 2:
            first, last = _day(ends[0], text), _day(ends[1], text)
            day = first
            days.add(day)
            while day != last:  # "fri-mon" wraps over the weekend
                day = day % 7 + 1
                days.add(day)
        else:
            raise FieldError("days", f"{text!r}: {part!r} is not a day or a range of days")
    if not days:
        raise FieldError("days", "no days given; e.g. mon-fri, mon,wed,fri, weekdays or daily")
    return "".join(str(d) for d in sorted(days))


def _day(word: str, text: str) -> int:
    if len(word) >= 2:
        for number, name in enumerate(DAY_NAMES, start=1):
            if name.startswith(word):
                return number
    raise FieldError("days", f"{text!r}: {word!r} is not a day of the week (mon … sun)")


def format_days(weekdays: str) -> str:
    """ISO weekday digits as people write them: "Mon–Fri", "Mon, Wed, Fri", "every day"."""
    numbers = sorted({int(d) for d in weekdays})
    if len(numbers) == 7:
        return "every day"
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = []
    for run in runs:
        names = [DAY_NAMES[n - 1][:3].title() for n in run]
        parts.append(f"{names[0]}–{names[-1]}" if len(run) >= 3 else ", ".join(names))
    return ", ".join(parts)


def parse_span(text: str) -> tuple[int, int]:
    """A local time span "09:00-10:30" as (start minute after midnight, length in minutes)."""
    ends = DASH.split(str(text).strip())
    if len(ends) != 2:
        raise FieldError("time", f"{text!r} is not a span like 09:00-10:30")
    start, end = (_minute(e, text) for e in ends)
    if end <= start:
        raise FieldError(
            "time", f"{text!r}: the end is not after the start (a plan cannot cross midnight)"
        )
    return start, end - start


def _minute(word: str, text: str) -> int:
    match = TIME.match(word)
    if match:
        hours, minutes = int(match[1]), int(match[2])
        if (hours < 24 and minutes < 60) or (hours, minutes) == (24, 0):
            return hours * 60 + minutes
    raise FieldError("time", f"{text!r}: {word!r} is not a time of day like 09:00")


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def describe(plan: PlannedBlock) -> str:
    """A plan as the rep wrote it: "calling 09:00–10:30 Mon–Fri"."""
    end = plan.start_minute + plan.minutes
    return f"{plan.category} {_hhmm(plan.start_minute)}–{_hhmm(end)} {format_days(plan.weekdays)}"


def plan_as_dict(plan: PlannedBlock) -> dict:
    return {
        "id": plan.id,
        "category": plan.category,
        "start": _hhmm(plan.start_minute),
        "end": _hhmm(plan.start_minute + plan.minutes),
        "minutes": plan.minutes,
        "days": [DAY_NAMES[int(d) - 1][:3] for d in plan.weekdays],
        "description": describe(plan),
    }


def add_plan(
    rep: Rep, category: str, span: str, days: str = "mon-fri", *, now=None
) -> PlannedBlock:
    """Plan a recurring block, e.g. ``add_plan(rep, "calling", "09:00-10:30", "mon-fri")``.

    A plan that overlaps another of the rep's plans on a shared day is refused.
    """
    now = clock.resolve(now)
    category = check_choice(category, BLOCK_CATEGORIES, "category")
    start, minutes = parse_span(span)
    weekdays = parse_days(days)
    with write_transaction():
        for other in list_plans(rep):
            shared = set(other.weekdays) & set(weekdays)
            if (
                shared
                and start < other.start_minute + other.minutes
                and other.start_minute < start + minutes
            ):
                raise FieldError(
                    "time", f"overlaps plan {other.id} ({describe(other)}); remove that one first"
                )
        return PlannedBlock.create(
            rep=rep,
            category=category,
            weekdays=weekdays,
            start_minute=start,
            minutes=minutes,
            created_at=now,
        )


def list_plans(rep: Rep) -> list[PlannedBlock]:
    """The rep's current plans, in the order of the day."""
    return list(
        PlannedBlock.select()
        .where((PlannedBlock.rep == rep) & PlannedBlock.removed_at.is_null())
        .order_by(PlannedBlock.start_minute, PlannedBlock.id)
    )


def remove_plan(rep: Rep, plan_id: int, *, now=None) -> PlannedBlock:
    """Stop planning this block from now on (past weeks keep it for their adherence)."""
    now = clock.resolve(now)
    with write_transaction():
        plan = PlannedBlock.get_or_none(
            (PlannedBlock.id == plan_id)
            & (PlannedBlock.rep == rep)
            & PlannedBlock.removed_at.is_null()
        )
        if plan is None:
            raise NotFound(f"no plan with id {plan_id}")
        plan.removed_at = now
        plan.save()
        return plan


@dataclass(frozen=True)
class Occurrence:
    """One day's instance of a plan, as UTC instants."""

    plan_id: int
    category: str
    day: pendulum.Date
    start: pendulum.DateTime
    end: pendulum.DateTime
    description: str

    @property
    def key(self) -> tuple[int, str]:
        """Stable across calls: lets the screen remember an occurrence the rep said no to."""
        return (self.plan_id, self.day.isoformat())

    @property
    def planned_seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    def remaining_minutes(self, now: dt.datetime) -> int:
        """Whole minutes left in the planned window at ``now`` (at least one)."""
        return max(1, math.ceil((self.end - now).total_seconds() / 60))

    def as_dict(self, zone: str) -> dict:
        return {
            "plan": self.plan_id,
            "category": self.category,
            "date": self.day.isoformat(),
            "start": iso(self.start),
            "end": iso(self.end),
            "local_start": self.start.in_timezone(zone).format("HH:mm"),
            "local_end": self.end.in_timezone(zone).format("HH:mm"),
            "planned_minutes": self.planned_seconds // 60,
            "description": self.description,
        }


def occurrences(rep: Rep, start: dt.datetime, end: dt.datetime, *, zone: str) -> list[Occurrence]:
    """The rep's planned blocks falling in [start, end), including plans since removed, each
    counted only on days it was in force."""
    plans = list(
        PlannedBlock.select().where(
            (PlannedBlock.rep == rep)
            & (PlannedBlock.created_at < end)
            & (PlannedBlock.removed_at.is_null() | (PlannedBlock.removed_at > start))
        )
    )
    out = []
    day, last = local_day(zone, start), local_day(zone, end)
    while day <= last:
        for plan in plans:
            if str(day.isoweekday()) not in plan.weekdays:
                continue
            occ_start = wall_clock(zone, day, plan.start_minute)
            occ_end = wall_clock(zone, day, plan.start_minute + plan.minutes)
            in_force = plan.created_at < occ_end and (
                plan.removed_at is None or plan.removed_at > occ_start
            )
            if in_force and occ_start < end and occ_end > start and occ_end > occ_start:
                out.append(
                    Occurrence(plan.id, plan.category, day, occ_start, occ_end, describe(plan))
                )
        day = day.add(days=1)
    out.sort(key=lambda o: o.start)
    return out


def due_planned_block(rep: Rep, *, now=None, settings: Settings | None = None) -> Occurrence | None:
    """The planned block the rep should be in now and is not: its window has begun, and no
    block of its category has run in it yet. The screen prompts to start it."""
    now = clock.resolve(now)
    settings = settings or load_settings()
    zone = rep_zone(rep, settings.rep_zone)
    for occ in occurrences(rep, now, now.add(microseconds=1), zone=zone):
        if not occ.start <= now < occ.end:
            continue
        worked = (
            TimeBlock.select()
            .where(
                (TimeBlock.rep == rep)
                & (TimeBlock.category == occ.category)
                & (TimeBlock.started_at <= now)
                & (TimeBlock.ended_at.is_null() | (TimeBlock.ended_at > occ.start))
            )
            .exists()
        )
        if not worked:
            return occ
    return None
