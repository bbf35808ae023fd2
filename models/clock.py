"""The one place callq reads the real clock and parses the times people type.

Domain functions take ``now=None`` and call :func:`resolve` so tests and ``--now`` control time.
"""

from __future__ import annotations

import datetime as dt

import pendulum

from .errors import CallqError

UTC = pendulum.UTC


def utcnow() -> pendulum.DateTime:
    """The real clock, in UTC."""
    return pendulum.now(UTC)


def resolve(now: dt.datetime | None) -> pendulum.DateTime:
    """``now`` as an aware pendulum datetime in UTC; the real clock when ``None``."""
    if now is None:
        return utcnow()
    return to_utc(now)


def to_utc(value: dt.datetime) -> pendulum.DateTime:
    """Convert an aware datetime to pendulum UTC; a naive one is an error, never guessed."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"naive datetime {value!r}: give a time zone (callq never guesses)")
    if isinstance(value, pendulum.DateTime) and value.tzinfo is UTC:
        return value
    # astimezone honours ``fold`` (the repeated hour when clocks go back); pendulum.instance
    # alone would drop it.
    utc = dt.datetime.astimezone(value, dt.UTC)
    return pendulum.instance(utc, tz=UTC)


def parse_instant(text: str, *, zone: str | None = None, what: str = "time") -> pendulum.DateTime:
    """Parse an ISO-8601 instant typed by a person, in UTC.

    A value without an offset is read in ``zone`` when one is given; otherwise it is an error.
    """
    try:
        parsed = pendulum.parse(text, tz=None, exact=True)
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        raise CallqError(f"{what}: {text!r} is not an ISO-8601 date-time ({exc})") from None
    if isinstance(parsed, pendulum.Date) and not isinstance(parsed, pendulum.DateTime):
        parsed = pendulum.datetime(parsed.year, parsed.month, parsed.day, tz=None)
    if not isinstance(parsed, pendulum.DateTime):
        raise CallqError(f"{what}: {text!r} is not a date-time")
    if parsed.tzinfo is None:
        if zone is None:
            raise CallqError(f"{what}: {text!r} has no UTC offset; add one, e.g. {text}Z")
        parsed = in_zone(parsed, zone)
    return parsed.in_timezone(UTC)


def in_zone(naive: dt.datetime, zone: str) -> pendulum.DateTime:
    """A wall-clock time read in ``zone`` (a time in a DST gap moves forward, as clocks do)."""
    return pendulum.datetime(
        naive.year,
        naive.month,
        naive.day,
        naive.hour,
        naive.minute,
        naive.second,
        naive.microsecond,
        tz=zone,
    )
