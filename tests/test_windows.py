"""Call windows on the prospect's wall clock: parsing, presets, weekends and DST in both
hemispheres, and a property test that the open/closed answers never miss or invent a minute."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import CallqError, FieldError
from models.windows import (
    is_open,
    load_presets,
    next_close,
    next_open,
    parse_window,
    schedule,
    window_for,
)

NY, SYD = "America/New_York", "Australia/Sydney"


def test_spec_is_read_and_written_canonically():
    window = parse_window("Mon-Fri 8:00-11:00, 14:00-17:00")
    assert window.spec == "mon-fri 08:00-11:00,14:00-17:00"
    assert window.days[0] == ((480, 660), (840, 1020)) and window.days[5] == ()
    assert parse_window("weekdays 09:00-12:00; sat 10-12").spec == (
        "mon-fri 09:00-12:00; sat 10:00-12:00"
    )
    assert parse_window("09:00-17:00").spec == "mon-sun 09:00-17:00"


def test_a_range_past_midnight_continues_on_the_next_day():
    window = parse_window("fri 22:00-02:00")
    assert window.days[4] == ((1320, 1440),) and window.days[5] == ((0, 120),)
    saturday_1am = pendulum.datetime(2026, 11, 28, 1, 0, tz=NY)
    assert is_open(window, NY, saturday_1am)
    assert not is_open(window, NY, saturday_1am.add(hours=1))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("mon-fry 09:00-17:00", "unknown day 'fry'"),
        ("mon 9:75-10:00", "not a time"),
        ("mon 25:00-26:00", "not a time"),
        ("mon 09:00", "not a range"),
        ("mon", "has no hours"),
        ("mon 09:00-09:00", "is empty"),
        ("", "empty call window"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec, message):
    with pytest.raises(FieldError, match=message) as caught:
        parse_window(spec)
    assert caught.value.field == "call_window"


def test_shipped_presets_cover_every_industry():
    presets = load_presets()
    assert {"office", "restaurant", "stock_broker", "retail", "early_trades"} <= set(
        presets.windows
    )
    restaurant = presets.windows["restaurant"]
    monday = pendulum.datetime(2026, 11, 23, tz=NY)
    # Not around lunch (11–14) or dinner service (17–20).
    assert not is_open(restaurant, NY, monday.at(12, 0))
    assert not is_open(restaurant, NY, monday.at(18, 30))
    assert is_open(restaurant, NY, monday.at(10, 0))
    broker = presets.windows["stock_broker"]
    assert is_open(broker, NY, monday.at(8, 0)) and is_open(broker, NY, monday.at(17, 0))
    assert not is_open(broker, NY, monday.at(12, 0))
    assert window_for("construction", None).name == "early_trades"
    assert window_for("no_such_industry", None).name == "office"


def test_user_file_replaces_a_preset_and_remaps_an_industry(private_home):
    path = private_home / ".config" / "callq" / "windows.toml"
    path.parent.mkdir(parents=True)
    path.write_text(
        '[presets.office]\nhours = "mon-thu 10:00-16:00"\n'
        '[presets.dental]\nhours = "mon-fri 07:00-08:00"\ndescription = "before patients"\n'
        '[industries]\nhealthcare = "dental"\n'
    )
    presets = load_presets()
    assert presets.windows["office"].spec == "mon-thu 10:00-16:00"
    assert window_for("healthcare", None).spec == "mon-fri 07:00-08:00"
    assert presets.windows["restaurant"].name == "restaurant"  # untouched presets stay


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[presets.office]\nhours = "mon-fry 9-5"\n', r"presets\.office\.hours: .*unknown day"),
        ('[industries]\nretail = "nope"\n', r"industries\.retail: no preset named 'nope'"),
        ("[presets.office\n", r"windows\.toml: .*line 1"),
        ('[presets.office]\nhours = "mon 9-17"\ncolour = "red"\n', "unknown field 'colour'"),
    ],
)
def test_bad_user_file_names_file_and_field(private_home, text, message):
    path = private_home / ".config" / "callq" / "windows.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(CallqError, match=message):
        load_presets()


def test_weekend_waits_for_monday():
    office = load_presets().windows["office"]
    saturday_noon = pendulum.datetime(2026, 11, 28, 12, 0, tz="Europe/Berlin")
    assert not is_open(office, "Europe/Berlin", saturday_noon)
    opens = next_open(office, "Europe/Berlin", saturday_noon)
    assert opens == pendulum.datetime(2026, 11, 30, 9, 0, tz="Europe/Berlin")
    assert opens.timezone_name == "UTC"


def test_spring_forward_window_opens_when_the_clocks_jump():
    # New York skips 02:00–03:00 on Sunday 8 March 2026.
    window = parse_window("sun 02:30-04:00")
    start = pendulum.datetime(2026, 3, 8, 0, 0, tz=NY)
    opens = next_open(window, NY, start)
    assert opens.in_timezone(NY).format("HH:mm Z") == "03:00 -04:00"
    assert next_close(window, NY, opens).in_timezone(NY).format("HH:mm") == "04:00"


def test_fall_back_repeated_hour_is_open_both_times():
    # New York repeats 01:00–02:00 on Sunday 1 November 2026.
    window = parse_window("sun 01:15-01:45")
    first_pass_late = pendulum.datetime(2026, 11, 1, 1, 50, tz=NY, fold=0)
    assert first_pass_late.utcoffset() == dt.timedelta(hours=-4)
    again = next_open(window, NY, first_pass_late)
    assert again - first_pass_late == dt.timedelta(minutes=25)  # 01:15 on the second pass
    assert again.in_timezone(NY).utcoffset() == dt.timedelta(hours=-5)


def test_southern_hemisphere_dst_days():
    office = parse_window("daily 02:00-03:30")
    # Sydney: forward 4 Oct 2026 02:00 → 03:00 (02:xx never happens), back 5 Apr 2026 03:00 → 02:00.
    spring = pendulum.datetime(2026, 10, 4, 1, 0, tz=SYD)
    opens = next_open(office, SYD, spring)
    assert opens.in_timezone(SYD).format("MM-DD HH:mm Z") == "10-04 03:00 +11:00"
    autumn = pendulum.datetime(2026, 4, 5, 1, 0, tz=SYD)
    opens = next_open(office, SYD, autumn)
    closes = next_close(office, SYD, opens)
    # 02:00 AEDT to 03:30 AEST spans 2 h 30 min of real time that day.
    assert closes - opens == dt.timedelta(hours=2, minutes=30)


# -- the property: nobody outside their window is "open", nobody inside is missed ------------

ZONES = [
    NY,
    "Europe/London",
    "Europe/Berlin",
    SYD,
    "Pacific/Auckland",
    "America/Santiago",
    "Australia/Lord_Howe",  # a half-hour DST shift
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
]
# DST change days of those zones in 2026, both hemispheres.
DST_DAYS = [
    dt.datetime(2026, 3, 8),
    dt.datetime(2026, 3, 29),
    dt.datetime(2026, 4, 5),
    dt.datetime(2026, 4, 4),
    dt.datetime(2026, 9, 6),
    dt.datetime(2026, 9, 27),
    dt.datetime(2026, 10, 4),
    dt.datetime(2026, 10, 25),
    dt.datetime(2026, 11, 1),
]


def _wall_open(window, zone, instant) -> bool:
    """The definition, computed independently: the minute on the local wall clock."""
    utc = dt.datetime(*instant.utctimetuple()[:6], tzinfo=dt.UTC)  # a plain stdlib instant
    local = utc.astimezone(zoneinfo.ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    return any(a <= minute < b for a, b in window.days[local.weekday()])


ranges = st.tuples(st.integers(0, 47), st.integers(1, 16)).map(
    lambda r: (
        f"{r[0] // 2:02d}:{r[0] % 2 * 30:02d}-{(r[0] + r[1]) // 2 % 24:02d}:"
        f"{(r[0] + r[1]) % 2 * 30:02d}"
    )
)
windows = st.builds(
    lambda days, hours: parse_window(f"{days} {','.join(hours)}"),
    st.sampled_from(["daily", "mon-fri", "sat,sun", "sun", "mon,wed,fri", "fri-mon"]),
    st.lists(ranges, min_size=1, max_size=3),
)
instants = st.one_of(
    st.builds(
        lambda day, minutes: pendulum.instance(day, tz="UTC").add(minutes=minutes),
        st.sampled_from(DST_DAYS),
        st.integers(-36 * 60, 36 * 60),
    ),
    st.datetimes(
        min_value=dt.datetime(2025, 1, 1),
        max_value=dt.datetime(2028, 1, 1),
        timezones=st.just(dt.UTC),
    ).map(pendulum.instance),
)


@settings(max_examples=80, deadline=None)
@given(window=windows, zone=st.sampled_from(ZONES), instant=instants)
def test_open_and_next_open_never_invent_or_miss_a_minute(window, zone, instant):
    instant = instant.replace(second=0, microsecond=0)
    assert is_open(window, zone, instant) == _wall_open(window, zone, instant)
    opens = next_open(window, zone, instant)
    assert opens is not None and opens >= instant
    assert _wall_open(window, zone, opens)
    # Every minute before it is closed (the next opening is never missed).
    step = instant
    while step < opens:
        assert not _wall_open(window, zone, step), (step, opens)
        step = step.add(minutes=1)
    if opens > instant:
        assert not _wall_open(window, zone, opens.subtract(seconds=1))
    closes = next_close(window, zone, opens)
    if closes is not None:
        assert not _wall_open(window, zone, closes)
        assert _wall_open(window, zone, closes.subtract(seconds=1))


@settings(max_examples=40, deadline=None)
@given(window=windows, zone=st.sampled_from(ZONES), instant=instants)
def test_a_pairs_schedule_agrees_with_the_wall_clock(window, zone, instant):
    sched = schedule(window, zone, instant)  # maybe an earlier one from the cache
    assert sched.covers(instant.timestamp())
    assert sched.end - instant.timestamp() >= 2 * 86_400  # the rest of the rep's day and more
    for minutes in range(0, 3 * 24 * 60, 17):
        at = instant.add(minutes=minutes)
        if sched.covers(at.timestamp()):
            assert sched.open_at(at.timestamp()) == _wall_open(window, zone, at), at
