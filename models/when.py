"""Times as people type them for a callback: "tomorrow 10:30", "fri 9am", "+3d", "in 2 hours".

Read in a stated zone (the prospect's or the rep's); the result is an instant in UTC. The CLI's
``--at`` and the screen's callback dialog both use :func:`parse_when`.

Accepted forms (case does not matter):

- ISO-8601: ``2026-11-27T10:30`` (read in the zone), ``2026-11-27T10:30-05:00`` (as given)
- a date, with an optional time: ``2026-11-27 10:30``, ``27 nov 10:30``, ``nov 27``
- a day word, with an optional time: ``today 15:00``, ``tomorrow 10:30``, ``fri 9am``,
  ``next mon 14:15`` (a weekday means the next such day; today only if the time is still ahead)
- a time alone: ``10:30``, ``9am``, ``4.15pm``, ``noon`` (today, or tomorrow if already past)
- an offset from now: ``+3d``, ``+2h``, ``+90m``, ``+1w``, ``+1d4h``, ``in 3 days``, ``in 2 hours``

A day without a time means :data:`DEFAULT_TIME` (09:00) on that day.
"""

from __future__ import annotations

import datetime as dt
import re

import pendulum

from . import clock
from .errors import CallqError

DEFAULT_TIME = (9, 0)
WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
UNITS = {
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "week": "weeks",
    "weeks": "weeks",
}
_OFFSET = re.compile(r"(\d+)\s*([a-z]+)")
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a|p)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ZONED = re.compile(r"(z|[+-]\d{2}:?\d{2})$")


def parse_when(text: str, *, zone: str, now: dt.datetime | None = None) -> pendulum.DateTime:
    """The instant ``text`` names, read on the wall clock of ``zone``, in UTC.

    Raises :class:`CallqError` saying what could not be read; never guesses a zone.
    """
    now = clock.resolve(now)
    raw = " ".join(str(text).strip().lower().split())
    if not raw:
        raise CallqError("when: empty time; try 'tomorrow 10:30', 'fri 9am' or '+3d'")
    if raw.startswith("+") or raw.startswith("in "):
        return _offset(raw, text, now)
    with_offset = re.match(r"^\d{4}-\d{2}-\d{2} \d", raw) and re.search(_ZONED, raw)
    if re.match(r"^\d{4}-\d{2}-\d{2}t", raw) or with_offset:
        return clock.parse_instant(text.strip(), zone=zone, what="when")
    local_now = now.in_timezone(zone)
    words = raw.replace(",", " ").split()
    day, rest, explicit_day = _day(words, local_now, text)
    hour, minute = _time(" ".join(rest), text) if rest else DEFAULT_TIME
    target = day
    if not explicit_day:
        candidate = clock.in_zone(dt.datetime(day.year, day.month, day.day, hour, minute), zone)
        if candidate <= now:
            target = day + dt.timedelta(days=1)
    elif explicit_day == "weekday":
        candidate = clock.in_zone(dt.datetime(day.year, day.month, day.day, hour, minute), zone)
        if candidate <= now:
            target = day + dt.timedelta(days=7)
    at = clock.in_zone(dt.datetime(target.year, target.month, target.day, hour, minute), zone)
    return at.in_timezone("UTC")


def _offset(raw: str, text: str, now: pendulum.DateTime) -> pendulum.DateTime:
    body = raw[1:] if raw.startswith("+") else raw[3:]
    parts = _OFFSET.findall(body)
    if not parts or _OFFSET.sub("", body).strip():
        raise CallqError(f"when: {text!r} is not an offset like +3d, +2h, +1d4h or 'in 2 hours'")
    amounts: dict[str, int] = {}
    for number, unit in parts:
        name = UNITS.get(unit)
        if name is None:
            raise CallqError(f"when: {text!r}: unknown unit {unit!r} (use m, h, d or w)")
        amounts[name] = amounts.get(name, 0) + int(number)
    return now.add(**amounts)


def _day(words: list[str], local_now: pendulum.DateTime, text: str):
    """The date named at the start of ``words``; returns (date, remaining words, kind)."""
    today = local_now.date()
    first = words[0]
    if first == "today":
        return today, words[1:], "day"
    if first in ("tomorrow", "tmrw", "tmw"):
        return today + dt.timedelta(days=1), words[1:], "day"
    if first == "next" and len(words) > 1 and words[1] in WEEKDAYS:
        ahead = (WEEKDAYS[words[1]] - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=ahead), words[2:], "day"
    if first in WEEKDAYS:
        ahead = (WEEKDAYS[first] - today.weekday()) % 7
        return today + dt.timedelta(days=ahead), words[1:], "weekday"
    iso = _ISO_DATE.match(first)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]), text), words[1:], "day"
    if len(words) > 1:
        named = _month_day(words[0], words[1], today, text)
        if named is not None:
            return named, words[2:], "day"
    return today, words, None


def _month_day(a: str, b: str, today: dt.date, text: str) -> dt.date | None:
    if a.isdigit() and b in MONTHS:
        day, month = int(a), MONTHS[b]
    elif a in MONTHS and b.isdigit():
        day, month = int(b), MONTHS[a]
    else:
        return None
    found = _date(today.year, month, day, text)
    return found if found >= today else _date(today.year + 1, month, day, text)


def _date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CallqError(f"when: {text!r}: {exc}") from None


def _time(words: str, text: str) -> tuple[int, int]:
    words = words.replace(" ", "") if re.match(r"^\d", words) else words
    if words in ("noon", "midday"):
        return 12, 0
    if words.startswith("at"):
        words = words[2:].strip()
    match = _TIME.match(words)
    if not match:
        raise CallqError(
            f"when: cannot read {text!r}; try 'tomorrow 10:30', 'fri 9am', '+3d' or an ISO time"
        )
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise CallqError(f"when: {text!r}: {hour}{half} is not a time")
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise CallqError(f"when: {text!r}: {hour}:{minute:02d} is not a time of day")
    return hour, minute
