"""Times typed for a callback, read in a stated zone."""

from __future__ import annotations

import pendulum
import pytest

from models.errors import CallqError
from models.when import parse_when
from tests.conftest import NOW  # Monday 23 Nov 2026 14:00 UTC = 09:00 in New York

NY = "America/New_York"


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("tomorrow 10:30", "2026-11-24 10:30"),
        ("fri 9am", "2026-11-27 09:00"),
        ("Friday 4.15pm", "2026-11-27 16:15"),
        ("mon 10am", "2026-11-23 10:00"),  # today, still ahead
        ("mon 8am", "2026-11-30 08:00"),  # today's has passed: next Monday
        ("next mon 14:15", "2026-11-30 14:15"),
        ("10:30", "2026-11-23 10:30"),
        ("8:00", "2026-11-24 08:00"),  # already past today
        ("noon", "2026-11-23 12:00"),
        ("today 15:00", "2026-11-23 15:00"),
        ("+3d", "2026-11-26 09:00"),
        ("+1d4h", "2026-11-24 13:00"),
        ("in 2 hours", "2026-11-23 11:00"),
        ("27 nov 10:30", "2026-11-27 10:30"),
        ("nov 27", "2026-11-27 09:00"),
        ("2026-11-27", "2026-11-27 09:00"),
        ("2026-11-27 10:30", "2026-11-27 10:30"),
        ("2026-11-27T10:30", "2026-11-27 10:30"),
        ("2026-11-27T10:30-08:00", "2026-11-27 13:30"),
    ],
)
def test_plain_input_in_the_stated_zone(text, local):
    at = parse_when(text, zone=NY, now=NOW)
    assert at.timezone_name == "UTC"
    assert at.in_timezone(NY).format("YYYY-MM-DD HH:mm") == local


def test_the_same_words_mean_different_instants_in_different_zones():
    ny = parse_when("tomorrow 10:30", zone=NY, now=NOW)
    tokyo = parse_when("tomorrow 10:30", zone="Asia/Tokyo", now=NOW)
    assert tokyo.in_timezone("Asia/Tokyo").format("MM-DD HH:mm") == "11-24 10:30"  # 23:00 there now
    assert ny != tokyo


def test_a_time_in_a_skipped_hour_moves_forward_like_the_clock():
    before = pendulum.datetime(2026, 3, 7, 12, tz=NY)
    at = parse_when("tomorrow 02:30", zone=NY, now=before)
    assert at.in_timezone(NY).format("HH:mm") == "03:30"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soonish", "cannot read"),
        ("+3x", "unknown unit"),
        ("+", "not an offset"),
        ("25:00", "not a time of day"),
        ("13pm", "is not a time"),
        ("2026-02-30", "out of range"),
        ("", "empty"),
    ],
)
def test_unreadable_times_say_so(text, message):
    with pytest.raises(CallqError, match=message):
        parse_when(text, zone=NY, now=NOW)
