"""One time type: instants stored as UTC, read back as pendulum, never silently shifted."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.clock import parse_instant, to_utc
from models.errors import CallqError
from models.schema import Lead, Rep
from tests.conftest import NOW


def _lead_due(at) -> Lead:
    return Lead.create(name="Ana", zone="UTC", next_touch_at=at, created_at=NOW, updated_at=NOW)


@pytest.mark.parametrize(
    ("zone", "wall_clocks"),
    [
        # New York: spring forward 8 Mar 2026 02:00, fall back 1 Nov 2026 02:00.
        (
            "America/New_York",
            [(2026, 3, 8, 1, 59), (2026, 3, 8, 3, 0), (2026, 11, 1, 1, 30), (2026, 11, 1, 2, 30)],
        ),
        # Sydney (southern hemisphere): back 5 Apr 2026 03:00, forward 4 Oct 2026 02:00.
        (
            "Australia/Sydney",
            [(2026, 4, 5, 2, 30), (2026, 4, 5, 3, 30), (2026, 10, 4, 1, 59), (2026, 10, 4, 3, 0)],
        ),
    ],
)
def test_utc_round_trip_across_dst(db, zone, wall_clocks):
    for fold in (0, 1):
        for wall in wall_clocks:
            local = pendulum.datetime(*wall, tz=zone, fold=fold)
            lead = _lead_due(local)
            back = Lead.get_by_id(lead.id).next_touch_at
            # The same instant (== is always False inside a DST fold, by PEP 495).
            assert back.timestamp() == local.timestamp()
            assert back.utcoffset() == dt.timedelta(0)  # handed back in UTC
            assert back.in_timezone(zone).hour == local.hour


def test_stored_text_is_utc_without_offset(db):
    _lead_due(pendulum.datetime(2026, 7, 1, 9, 0, tz="Europe/Berlin"))
    raw = db.execute_sql("SELECT next_touch_at FROM lead").fetchone()[0]
    assert raw == "2026-07-01 07:00:00.000000"


def test_naive_datetime_is_refused_not_shifted(db):
    with pytest.raises(ValueError, match="naive"):
        _lead_due(dt.datetime(2026, 11, 23, 9, 0))
    assert Lead.select().count() == 0


def test_stdlib_aware_datetime_is_accepted(db):
    stamp = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    lead = _lead_due(stamp)
    assert Lead.get_by_id(lead.id).next_touch_at == pendulum.datetime(2026, 11, 23, 14, tz="UTC")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.datetimes(
            min_value=dt.datetime(1990, 1, 1),
            max_value=dt.datetime(2090, 1, 1),
            timezones=st.sampled_from(
                [dt.UTC, dt.timezone(dt.timedelta(hours=14)), dt.timezone(dt.timedelta(hours=-11))]
            ),
        ),
        min_size=2,
        max_size=6,
    )
)
def test_stored_order_is_time_order(tmp_path_factory, instants):
    from models.db import close_database, open_database

    open_database(tmp_path_factory.mktemp("order") / "t.db")
    try:
        Rep.create(name="x", created_at=NOW)
        for at in instants:
            _lead_due(at)
        by_sql = [lead.next_touch_at for lead in Lead.select().order_by(Lead.next_touch_at)]
        assert by_sql == sorted(to_utc(at) for at in instants)
    finally:
        close_database()


def test_parse_instant_reads_a_bare_time_in_the_given_zone():
    at = parse_instant("2026-11-23T09:30", zone="America/New_York")
    assert at == pendulum.datetime(2026, 11, 23, 14, 30, tz="UTC")
    assert parse_instant("2026-11-23T09:30+01:00") == pendulum.datetime(2026, 11, 23, 8, 30)
    with pytest.raises(CallqError, match="no UTC offset"):
        parse_instant("2026-11-23T09:30")
    with pytest.raises(CallqError, match="not an ISO-8601"):
        parse_instant("next tuesday-ish")
