"""Today's queue: who is callable now in their own zone, the order and its reasons, paging, and a
property test against the definition over random zones, windows and instants (DST days too)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import queue
from models.catalog import STATUSES
from models.db import close_database, open_database
from models.leads import add_lead
from models.migrations import v003_queue_indexes, v008_queue_pair_indexes, v009_cheaper_active_test
from models.queue import (
    ACTIVE,
    EXHAUSTED,
    PAIR_SQL,
    RANK_SQL,
    QueueView,
    build_queue,
    queue_counts,
    queue_page,
    queue_view,
)
from models.reps import current_rep
from models.schema import Lead
from models.settings import Settings
from models.windows import is_open, next_open, window_for
from tests.conftest import NOW  # Monday 23 Nov 2026 14:00 UTC: 09:00 NY, 15:00 Berlin, 23:00 Tokyo

NY = "America/New_York"


def lead(rep, name="Ana", *, due=NOW, **fields) -> Lead:
    """A lead owned by ``rep``; ``due`` and any stored field set as given."""
    values = {"name": name, "zone": fields.pop("zone", NY)}
    for key in ("industry", "source", "channel", "call_window"):
        if key in fields:
            values[key] = fields.pop(key)
    made = add_lead(values, owner=rep, now=NOW)
    Lead.update(next_touch_at=due, **fields).where(Lead.id == made.id).execute()
    return Lead.get_by_id(made.id)


def ids(entries) -> list[int]:
    return [e.lead_id for e in entries]


def test_groups_come_in_order_callbacks_overdue_due_later(db, rep):
    later = lead(rep, "Later today", due=NOW.add(hours=3))
    due = lead(rep, "Due this morning", due=NOW.subtract(minutes=30))
    overdue = lead(rep, "Overdue", due=NOW.subtract(days=2))
    callback = lead(rep, "Callback", due=NOW.subtract(minutes=5), next_touch_fixed=True)
    closed = lead(rep, "Tokyo at night", zone="Asia/Tokyo", due=NOW.subtract(hours=1))
    tomorrow = lead(rep, "Tomorrow", due=NOW.add(days=1, hours=2))
    entries = build_queue(rep, now=NOW)
    assert ids(entries) == [callback.id, overdue.id, due.id, later.id, closed.id]
    assert [e.group for e in entries] == ["callback", "overdue", "due", "later", "later"]
    assert [e.callable_now for e in entries] == [True, True, True, False, False]
    assert tomorrow.id not in ids(entries)
    assert entries[1].overdue and not entries[2].overdue


def test_a_closed_window_says_when_it_opens_in_both_zones(db, rep):
    tokyo = lead(rep, "Hiro", zone="Asia/Tokyo", due=NOW.subtract(hours=1))
    (entry,) = build_queue(rep, now=NOW)
    assert entry.lead_id == tokyo.id and not entry.callable_now
    # Office hours open 09:00 Tuesday in Tokyo = 00:00 UTC = 19:00 Monday in New York.
    assert entry.callable_from == pendulum.datetime(2026, 11, 24, 0, 0, tz="UTC")
    assert entry.callable_from_local().format("ddd HH:mm") == "Tue 09:00"
    assert entry.callable_from_rep().format("ddd HH:mm") == "Mon 19:00"
    assert entry.callable_from_text == "Tue 09:00 theirs, 19:00 yours"
    assert entry.local_time_text == "Mon 23:00"
    assert entry.why == "opens Tue 09:00 theirs, 19:00 yours (office)"


def test_industry_presets_and_a_leads_own_window(db, rep):
    # 09:00 in New York: restaurants take calls 09–11, stock brokers are at the market open.
    restaurant = lead(rep, "Bistro", industry="restaurant", due=NOW.subtract(hours=1))
    broker = lead(rep, "Broker", industry="stock_broker", due=NOW.subtract(hours=1))
    own = lead(rep, "Own", call_window="mon 08:30-09:30", industry="stock_broker")
    entries = {e.lead_id: e for e in build_queue(rep, now=NOW)}
    assert entries[restaurant.id].callable_now
    assert not entries[broker.id].callable_now
    assert entries[broker.id].callable_from_local().format("HH:mm") == "16:30"
    assert entries[own.id].callable_now
    assert entries[own.id].window == "own hours mon 08:30-09:30"


def test_email_leads_are_callable_at_any_hour(db, rep):
    email = lead(rep, "Mail", zone="Asia/Tokyo", channel="email", due=NOW.subtract(hours=1))
    (entry,) = build_queue(rep, now=NOW)
    assert entry.lead_id == email.id and entry.callable_now


def test_dnc_lost_and_other_reps_leads_never_appear(db, rep):
    lead(rep, "DNC", status="do_not_contact")
    lead(rep, "Lost", status="lost")
    other = current_rep("ben", now=NOW)
    lead(other, "Ben's")
    mine = lead(rep, "Mine")
    customer = lead(rep, "Customer on a cadence", status="customer")
    unowned = lead(rep, "Unowned", owner=None)
    assert set(ids(build_queue(rep, now=NOW))) == {mine.id, customer.id, unowned.id}


def test_exhausted_leads_leave_the_queue_but_stay_visible(db, rep):
    tired = lead(rep, "Tired", exhausted=True, attempts=8)
    fresh = lead(rep, "Fresh")
    assert ids(build_queue(rep, now=NOW)) == [fresh.id]
    assert queue_counts(rep, now=NOW).exhausted == 1
    everything = build_queue(rep, now=NOW, include_all=True)
    assert everything[-1].lead_id == tired.id and everything[-1].group == "exhausted"
    assert "8 unanswered attempts" in everything[-1].why


def test_include_all_adds_upcoming_leads_in_time_order(db, rep):
    soon = lead(rep, "Soon", due=NOW.add(days=2))
    sooner = lead(rep, "Sooner", due=NOW.add(days=1, hours=3))
    today = lead(rep, "Today")
    entries = build_queue(rep, now=NOW, include_all=True)
    assert ids(entries) == [today.id, sooner.id, soon.id]
    assert entries[1].group == "upcoming" and entries[1].callable_from is not None
    assert len(queue_view(rep, now=NOW, include_all=True)) == 3


def test_score_explains_the_order_within_a_group(db, rep):
    cold = lead(rep, "Cold", source="cold_call", due=NOW.subtract(hours=2))
    warm = lead(rep, "Warm", source="referral", likelihood=80, due=NOW.subtract(hours=1))
    tried = lead(rep, "Tried", attempts=5, due=NOW.subtract(hours=2))
    entries = build_queue(rep, now=NOW)
    assert ids(entries) == [warm.id, cold.id, tried.id]
    assert entries[0].why == "overdue 1 h +1 · likelihood 80% +16 · referral +12"
    assert entries[0].score == pytest.approx(29)
    assert entries[2].why == "overdue 2 h +2 · 5 attempts -5"
    assert entries[0].score > entries[1].score > entries[2].score


def test_callbacks_wait_for_their_time_and_ignore_the_window(db, rep):
    at_night = lead(
        rep, "Asked for late", zone="Asia/Tokyo", next_touch_fixed=True, due=NOW.add(hours=2)
    )
    (entry,) = build_queue(rep, now=NOW)
    assert not entry.callable_now and entry.callable_from == NOW.add(hours=2)
    assert entry.why.startswith("callback promised for Tue 01:00 theirs")
    (entry,) = build_queue(rep, now=NOW.add(hours=2))
    assert entry.lead_id == at_night.id and entry.group == "callback" and entry.callable_now


def test_pages_continue_the_same_order(db, rep):
    zones = [NY, "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles", "Australia/Sydney"]
    for i in range(40):
        lead(rep, f"L{i}", zone=zones[i % 5], due=NOW.subtract(hours=i * 7), likelihood=i % 100)
    whole = build_queue(rep, now=NOW)
    pages = [build_queue(rep, now=NOW, offset=o, limit=7) for o in range(0, 42, 7)]
    assert ids(whole) == [i for page in pages for i in ids(page)]
    assert len(whole) == 40 == queue_counts(rep, now=NOW).total
    counts = queue_counts(rep, now=NOW)
    assert counts.callable_now == sum(e.callable_now for e in whole)
    assert counts.overdue == sum(e.group == "overdue" for e in whole)


def test_a_page_comes_with_the_queues_length(db, rep):
    for i in range(5):
        lead(rep, f"L{i}", due=NOW.subtract(hours=i))
    lead(rep, "Tomorrow", due=NOW.add(days=1, hours=1))
    entries, total = queue_page(rep, now=NOW, offset=3, limit=2)
    assert total == 5 and ids(entries) == ids(build_queue(rep, now=NOW))[3:5]
    assert queue_page(rep, now=NOW, include_all=True, limit=1)[1] == 6


def test_a_view_is_reused_until_the_data_changes(db, rep):
    lead(rep, "One")
    first = queue_view(rep, now=NOW)
    assert queue_view(rep, now=NOW) is first
    lead(rep, "Two")
    assert queue_view(rep, now=NOW) is not first


def test_the_walk_uses_the_rank_index(db):
    plan = db.execute_sql(
        f"EXPLAIN QUERY PLAN SELECT id FROM lead INDEXED BY lead_queue_rank WHERE {ACTIVE}"
        f" AND next_touch_fixed = 0"
        f" ORDER BY {RANK_SQL}, id LIMIT 5"
    ).fetchall()
    assert "lead_queue_rank" in str(plan) and "TEMP B-TREE" not in str(plan)


def test_the_pair_walks_use_their_indexes(db):
    where = f"{ACTIVE} AND next_touch_fixed = 0"
    for index, order in (("lead_queue_pair", "next_touch_at"), ("lead_queue_pair_rank", RANK_SQL)):
        plan = db.execute_sql(
            f"EXPLAIN QUERY PLAN SELECT id FROM lead INDEXED BY {index} WHERE {PAIR_SQL} = ?"
            f" AND {where} ORDER BY {order}, id LIMIT 5",
            ("Asia/Tokyo|office",),
        ).fetchall()
        assert index in str(plan) and "TEMP B-TREE" not in str(plan)


def test_the_queue_reads_its_index_expressions_as_the_migrations_froze_them():
    # SQLite uses an expression index only for the same expression: a change here needs a new
    # migration with new indexes, not an edit.
    assert RANK_SQL == v003_queue_indexes.RANK == v008_queue_pair_indexes.RANK
    assert PAIR_SQL == v008_queue_pair_indexes.PAIR
    frozen = v009_cheaper_active_test
    assert (ACTIVE, EXHAUSTED) == (frozen.ACTIVE, frozen.EXHAUSTED)


def test_the_queue_takes_exactly_the_open_statuses():
    # ACTIVE names the closed statuses: a new status would be in the queue unless added there.
    closed = {"lost", "do_not_contact"}
    assert ACTIVE.startswith("status NOT IN ('lost', 'do_not_contact') AND")
    assert set(STATUSES) - closed == {"lead", "prospect", "customer"}


SUNDAY_NIGHT = pendulum.datetime(2026, 11, 22, 3, 0, tz=NY).in_timezone("UTC")  # 08:00 UTC


def test_off_hours_the_queue_lists_leads_in_the_order_their_windows_open(db, rep):
    now = SUNDAY_NIGHT  # Sunday 03:00 in New York: no office, shop or kitchen is open anywhere
    at = SUNDAY_NIGHT.subtract  # due before now: waiting for their window
    ny_office = lead(rep, "NY office", due=at(days=3))  # opens Mon 09:00 theirs = 14:00 UTC
    tokyo = lead(rep, "Tokyo", zone="Asia/Tokyo", due=at(hours=1))  # Mon 09:00 = 00:00 UTC
    sydney = lead(rep, "Sydney", zone="Australia/Sydney", due=at(days=2))  # 09:00 = Sun 22:00
    auckland = lead(rep, "Auckland", zone="Pacific/Auckland", due=at(days=1))  # 09:00 = 20:00
    # Trades start early: Mon 06:30 in Auckland = Sun 17:30 UTC. Same opening: due, then id.
    trades = [
        lead(rep, f"Site {n}", zone="Pacific/Auckland", industry="construction", due=due)
        for n, due in enumerate([at(hours=2), at(days=4), at(hours=2)])
    ]
    # Due later today: an email when it falls due, a callback at the time the prospect gave,
    # and a lead whose own window (open now, in London) has closed by the time it is due.
    email = lead(rep, "Mail", zone="Asia/Tokyo", channel="email", due=now.add(hours=2))
    callback = lead(rep, "Callback", next_touch_fixed=True, due=now.add(hours=4))
    own = dict(zone="Europe/London", call_window="daily 07:00-08:30")
    london_later = lead(rep, "London later", due=now.add(hours=1), **own)  # Mon 07:00
    london_now = lead(rep, "London now", due=at(hours=5), **own)
    tomorrow = lead(rep, "Tomorrow", zone="Pacific/Auckland", due=now.add(days=1))

    entries = build_queue(rep, now=now)
    assert ids(entries) == [
        london_now.id,
        email.id,
        callback.id,
        trades[1].id,
        trades[0].id,
        trades[2].id,
        auckland.id,
        sydney.id,
        tokyo.id,
        london_later.id,
        ny_office.id,
    ]
    assert tomorrow.id not in ids(entries)
    assert [e.group for e in entries] == ["overdue"] + ["later"] * 10
    opens = [e.callable_from.format("ddd HH:mm") for e in entries[1:]]
    assert opens == [
        "Sun 10:00",
        "Sun 12:00",
        "Sun 17:30",
        "Sun 17:30",
        "Sun 17:30",
        "Sun 20:00",
        "Sun 22:00",
        "Mon 00:00",
        "Mon 07:00",
        "Mon 14:00",
    ]
    assert entries[4].why == "opens Mon 06:30 theirs, 12:30 yours (early_trades)"
    # Page by page, the same order.
    for size in (1, 2, 3):
        pages = [build_queue(rep, now=now, offset=o, limit=size) for o in range(0, 12, size)]
        assert [i for page in pages for i in ids(page)] == ids(entries)


# -- the property: the SQL filter agrees with the definition ----------------------------------

ZONES = [
    NY,
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Tokyo",
]
DST_DAYS = [
    dt.datetime(2026, 3, 8, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, tzinfo=dt.UTC),
    dt.datetime(2026, 4, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 9, 27, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 4, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
]
OWN_WINDOWS = [None, None, None, "mon-fri 02:00-03:30", "daily 22:00-01:00", "sun 01:00-02:30"]

leads_strategy = st.lists(
    st.tuples(
        st.sampled_from(ZONES),
        st.sampled_from(["office", "restaurant", "stock_broker", "retail", "construction"]),
        st.sampled_from(OWN_WINDOWS),
        st.integers(-72 * 60, 30 * 60),  # due, minutes from now
        st.sampled_from(["call", "call", "text", "email"]),
    ),
    min_size=1,
    max_size=25,
)
nows = st.builds(
    lambda day, minutes: pendulum.instance(day).add(minutes=minutes),
    st.sampled_from(DST_DAYS),
    st.integers(-30 * 60, 30 * 60),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=leads_strategy, now=nows)
def test_nobody_outside_their_window_is_callable_and_nobody_inside_is_missed(
    tmp_path_factory, rows, now
):
    open_database(tmp_path_factory.mktemp("prop") / "q.db")
    try:
        rep = current_rep("ana", now=now)
        made = {}
        for zone, industry, own, minutes, channel in rows:
            fields = {"name": "x", "zone": zone, "industry": industry, "channel": channel}
            if own:
                fields["call_window"] = own
            new = add_lead(fields, owner=rep, now=now)
            Lead.update(next_touch_at=now.add(minutes=minutes)).where(Lead.id == new.id).execute()
            made[new.id] = Lead.get_by_id(new.id)
        view = QueueView(rep, now=now, settings=Settings(rep_zone=NY))
        entries = view.page(0, None)
        expected = {
            i
            for i, row in made.items()
            if row.next_touch_at <= now
            and (
                row.channel == "email"
                or is_open(window_for(row.industry, row.call_window), row.zone, now)
            )
        }
        assert {e.lead_id for e in entries if e.callable_now} == expected
        eot = now.in_timezone(NY).add(days=1).start_of("day")
        due_today = {i for i, row in made.items() if row.next_touch_at < eot}
        assert {e.lead_id for e in entries} == due_today
        for entry in entries:
            if entry.callable_now:
                continue
            row = made[entry.lead_id]
            start = max(now, row.next_touch_at)
            assert entry.callable_from >= start
            if row.channel != "email":
                window = window_for(row.industry, row.call_window)
                assert is_open(window, row.zone, entry.callable_from)
                assert not is_open(window, row.zone, entry.callable_from.subtract(seconds=1)) or (
                    entry.callable_from == start
                )
        later = [e.callable_from for e in entries if e.group == "later"]
        assert later == sorted(later)
        assert view.counts().callable_now == len(expected)
    finally:
        close_database()


# -- the property: the order, page by page, whichever way the queue reads it -----------------

ordered_leads = st.lists(
    st.tuples(
        st.sampled_from(ZONES[:6]),
        st.sampled_from(["office", "restaurant", "construction"]),
        st.sampled_from(OWN_WINDOWS),
        st.integers(-72 * 4, 30 * 4).map(lambda quarters: quarters * 15),  # ties on purpose
        st.sampled_from(["call", "call", "email"]),
        st.booleans(),  # a callback time the prospect gave
        st.sampled_from([None, 40, 80]),
        st.sampled_from(["cold_call", "referral"]),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=30,
)
# Read every way: the rank walk, the walk giving up after a row, and pair by pair at once.
READINGS = [{}, {"SCAN_FACTOR": 0, "SCAN_EXTRA": 1, "FEW_OPEN": 0}, {"FEW_OPEN": 10_000}]


def _expected_order(made, ranks, now, sot, eot) -> list[int]:
    """Today's queue by its definition (module doc), from the leads as stored."""
    groups: dict[str, list] = {"callback": [], "overdue": [], "due": [], "later": []}
    for i, row in made.items():
        due = row.next_touch_at
        if due >= eot:
            continue
        window = window_for(row.industry, row.call_window)
        if row.next_touch_fixed:
            if due <= now:
                groups["callback"].append((due, i))
            else:
                groups["later"].append((due, due, i))
        elif due <= now and (row.channel == "email" or is_open(window, row.zone, now)):
            groups["overdue" if due < sot else "due"].append((ranks[i], i))
        else:
            start = max(due, now)
            opens = start if row.channel == "email" else next_open(window, row.zone, start)
            groups["later"].append((opens or pendulum.datetime(9999, 1, 1), due, i))
    return [key[-1] for group in groups.values() for key in sorted(group)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ordered_leads, now=nows, size=st.integers(1, 4))
def test_pages_follow_the_definition_however_the_queue_reads(tmp_path_factory, rows, now, size):
    open_database(tmp_path_factory.mktemp("order") / "q.db")
    try:
        rep = current_rep("ana", now=now)
        made = {}
        for zone, industry, own, minutes, channel, fixed, likelihood, source, tries in rows:
            fields = {"name": "x", "zone": zone, "industry": industry, "channel": channel}
            fields["source"] = source
            if own:
                fields["call_window"] = own
            new = add_lead(fields, owner=rep, now=now)
            Lead.update(
                next_touch_at=now.add(minutes=minutes),
                next_touch_fixed=fixed,
                likelihood=likelihood,
                attempts=tries,
            ).where(Lead.id == new.id).execute()
            made[new.id] = Lead.get_by_id(new.id)
        ranks = dict(Lead._meta.database.execute_sql(f"SELECT id, {RANK_SQL} FROM lead"))
        sot = now.in_timezone(NY).start_of("day")
        eot = sot.add(days=1)
        expected = _expected_order(made, ranks, now, sot, eot)
        for reading in READINGS:
            saved = {name: getattr(queue, name) for name in reading}
            try:
                for name, value in reading.items():
                    setattr(queue, name, value)
                whole = QueueView(rep, now=now, settings=Settings(rep_zone=NY))
                assert ids(whole.page(0, None)) == expected, reading
                view = QueueView(rep, now=now, settings=Settings(rep_zone=NY))
                pages = [view.page(o, size) for o in range(0, len(expected) + size, size)]
                assert [i for page in pages for i in ids(page)] == expected, reading
            finally:
                for name, value in saved.items():
                    setattr(queue, name, value)
    finally:
        close_database()
