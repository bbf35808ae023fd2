"""The backlog: overdue leads spread evenly over the next working days, most important first.

A rep back from a week away faces hundreds of overdue leads; calling them all today is not a plan.
:func:`spread_backlog` gives each overdue lead (due before today began; promised callbacks stay
where they are) a new next touch at the start of one of the next ``days`` working days (Monday
to Friday on the rep's clock, today included when it is one). The best-scored leads come first,
so today's share is the most promising part. The lead's call window still decides when on that
day it becomes callable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pendulum

from . import clock
from .db import write_transaction
from .errors import CallqError
from .fields import to_db
from .queue import ACTIVE, OWNED, RANK_SQL
from .reps import rep_zone
from .schema import Rep, database
from .settings import Settings, load_settings

WORKING_DAYS = (0, 1, 2, 3, 4)  # Monday to Friday
MAX_DAYS = 60


@dataclass(frozen=True)
class BacklogPlan:
    """How many overdue leads go to each working day (rep's local dates)."""

    days: list[tuple[dt.date, int]]
    applied: bool

    @property
    def moved(self) -> int:
        return sum(n for _, n in self.days)


def working_days(start: pendulum.DateTime, count: int) -> list[dt.date]:
    """The next ``count`` working days from ``start``'s date (included if it is one)."""
    found: list[dt.date] = []
    day = start.date()
    while len(found) < count:
        if day.weekday() in WORKING_DAYS:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def spread_backlog(
    rep: Rep | None,
    *,
    days: int,
    now: dt.datetime | None = None,
    settings: Settings | None = None,
    apply: bool = True,
) -> BacklogPlan:
    """Spread the rep's overdue leads evenly over ``days`` working days (see the module doc).

    With ``apply=False`` nothing is written: the plan says what would happen.
    """
    if not 1 <= days <= MAX_DAYS:
        raise CallqError(f"--days: {days} is out of range (1 to {MAX_DAYS} working days)")
    now = clock.resolve(now)
    settings = settings or load_settings()
    zone = rep_zone(rep, settings.rep_zone)
    local = now.in_timezone(zone)
    start_of_today = local.start_of("day")
    targets = working_days(local, days)
    rep_id = rep.id if rep is not None else -1
    with write_transaction():
        ids = [
            row[0]
            for row in database.execute_sql(
                f"SELECT id FROM lead INDEXED BY lead_queue_rank WHERE {ACTIVE}"
                f" AND next_touch_fixed = 0 AND next_touch_at < ? AND {OWNED}"
                f" ORDER BY {RANK_SQL}, id",
                (to_db(start_of_today), rep_id),
            )
        ]
        plan: list[tuple[dt.date, int]] = []
        updates: list[tuple[str, str, int]] = []
        stamp = to_db(now)
        for i, day in enumerate(targets):
            share = ids[i * len(ids) // days : (i + 1) * len(ids) // days]
            plan.append((day, len(share)))
            begins = pendulum.datetime(day.year, day.month, day.day, tz=zone)
            due = to_db(max(begins, start_of_today))
            updates.extend((due, stamp, lead_id) for lead_id in share)
        if apply and updates:
            database.cursor().executemany(
                "UPDATE lead SET next_touch_at = ?, updated_at = ? WHERE id = ?", updates
            )
    return BacklogPlan(days=plan, applied=apply)
