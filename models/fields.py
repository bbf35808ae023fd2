"""The one time type: a Peewee field that stores UTC and hands back pendulum datetimes."""

from __future__ import annotations

import datetime as dt

import peewee
import pendulum

from .clock import UTC, to_utc

# Fixed width, no offset: text compares in time order, and both SQLite and PostgreSQL read it.
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class UTCDateTimeField(peewee.Field):
    """An instant, stored as UTC text of fixed width; read back as a pendulum UTC datetime.

    Naive datetimes are refused rather than silently read in some local zone.
    """

    field_type = "DATETIME"

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            # Already in storage form (e.g. a bound query parameter built by callq).
            return value
        if not isinstance(value, dt.datetime):
            raise TypeError(f"{self.name}: expected a datetime, got {type(value).__name__}")
        return to_utc(value).strftime(_FORMAT)

    def python_value(self, value):
        if value is None:
            return None
        if isinstance(value, dt.datetime):  # PostgreSQL hands back naive UTC datetimes
            naive = value.replace(tzinfo=None)
        else:
            naive = dt.datetime.fromisoformat(value)
        return pendulum.instance(naive.replace(tzinfo=dt.UTC), tz=UTC)


def to_db(value: dt.datetime) -> str:
    """The stored form of an instant, for comparisons written by hand."""
    return to_utc(value).strftime(_FORMAT)
