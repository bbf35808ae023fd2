"""The rep's days and weeks as spans of UTC instants: local midnight to local midnight.

A day is 23 or 25 hours long when the clocks change; these spans are what "today" and "this
week" mean for totals, so they are computed from wall-clock dates in the rep's zone.
"""

from __future__ import annotations

import datetime as dt

import pendulum

from .clock import in_zone


def local_day(zone: str, instant: dt.datetime) -> pendulum.Date:
    """The date it is in ``zone`` at ``instant``."""
    return pendulum.instance(instant).in_timezone(zone).date()


def day_span(zone: str, day: dt.date) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """``day`` in ``zone`` as [start, end) in UTC."""
    return _midnight(zone, day), _midnight(zone, day + dt.timedelta(days=1))


def week_start(day: dt.date) -> pendulum.Date:
    """The Monday of ``day``'s week (ISO weeks)."""
    monday = day - dt.timedelta(days=day.weekday())
    return pendulum.date(monday.year, monday.month, monday.day)


def week_span(zone: str, day: dt.date) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """The week (Monday to Sunday) holding ``day``, in ``zone``, as [start, end) in UTC."""
    monday = week_start(day)
    return _midnight(zone, monday), _midnight(zone, monday + dt.timedelta(days=7))


def wall_clock(zone: str, day: dt.date, minute: int) -> pendulum.DateTime:
    """``minute`` minutes after midnight on ``day`` by the clock on the wall in ``zone``, in UTC.

    A wall-clock time skipped when the clocks go forward moves forward, as the clocks do.
    """
    naive = dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=minute)
    return in_zone(naive, zone).in_timezone("UTC")


def _midnight(zone: str, day: dt.date) -> pendulum.DateTime:
    return wall_clock(zone, day, 0)
