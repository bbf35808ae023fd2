"""``callq queue``, ``log``, ``undo`` and ``backlog`` from the shell, and the backlog spread."""

from __future__ import annotations

import pytest

from models.backlog import spread_backlog, working_days
from models.db import open_database
from models.leads import add_lead
from models.reps import current_rep
from models.schema import Lead, Touch
from tests.conftest import NOW  # Monday 23 Nov 2026 14:00 UTC = 09:00 New York

NY = "America/New_York"


def seed(db_path, rows):
    """Leads owned by ana: (name, zone, industry, minutes from NOW to their next touch)."""
    open_database(db_path)
    rep = current_rep("ana", now=NOW)
    made = []
    for name, zone, industry, minutes in rows:
        lead = add_lead({"name": name, "zone": zone, "industry": industry}, owner=rep, now=NOW)
        Lead.update(next_touch_at=NOW.add(minutes=minutes)).where(Lead.id == lead.id).execute()
        made.append(lead.id)
    return made


def test_queue_lists_callable_now_and_when_the_rest_opens(cli, db_path):
    seed(
        db_path,
        [
            ("Ana Silva", NY, "restaurant", -60 * 30),
            ("Hiro Ito", "Asia/Tokyo", "office", -60),
            ("Ben Young", NY, "office", 120),
        ],
    )
    result = cli("queue")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "ana · Mon 23 Nov 09:00 America/New_York · 1 callable now · 2 later today"
    assert "Ana Silva" in lines[2] and " now " in lines[2] and "overdue" in lines[2]
    assert "Ben Young" in lines[3] and "11:00" in lines[3]
    assert "Hiro Ito" in lines[4] and "19:00" in lines[4] and "Tue 09:00 theirs" in lines[4]


def test_queue_json_has_every_field_a_script_needs(cli, db_path):
    seed(db_path, [("Hiro Ito", "Asia/Tokyo", "office", -60)])
    (entry,) = cli("queue", "--json").json
    assert entry["id"] == 1 and entry["zone"] == "Asia/Tokyo"
    assert entry["local_time"] == "2026-11-23T23:00+09:00"
    assert entry["callable_now"] is False and entry["due"] == "2026-11-23T13:00:00Z"
    assert entry["callable_from"] == "2026-11-24T00:00:00Z"
    assert entry["callable_from_local"] == "2026-11-24T09:00+09:00"
    assert entry["callable_from_rep"] == "2026-11-23T19:00-05:00"
    assert {"name", "company", "phone", "attempts", "score", "why", "exhausted"} <= set(entry)


def test_queue_all_and_an_empty_queue(cli, db_path):
    seed(db_path, [("Later", NY, "office", 60 * 48)])
    assert "Nothing due today" in cli("queue").out
    (entry,) = cli("queue", "--all", "--json").json
    assert entry["group"] == "upcoming"


def test_log_prints_the_next_touch_first(cli, db_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    seed(db_path, [("Ana Silva", NY, "office", 0), ("Ben Ito", NY, "office", 0)])
    assert cli("variant", "add", "A").code == 0
    result = cli("log", "1", "no_answer", "--note", "rang out", "--variant", "A")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    # Too wide for 80 columns on one line: why goes on the next, under when.
    assert lines[:3] == [
        "next touch: Tue 24 Nov 10:00 theirs (Tue 10:00 yours) by call",
        "            no answer: next attempt 25 h later",
        "logged no_answer on lead 1 (touch 1): attempt 1 of 8",
    ]
    assert max(map(len, lines)) <= 80
    monkeypatch.setenv("COLUMNS", "120")
    wide = cli("log", "2", "no_answer").out.splitlines()[0]
    assert wide == (
        "next touch: Tue 24 Nov 10:00 theirs (Tue 10:00 yours) by call"
        " — no answer: next attempt 25 h later"
    )
    touch = Touch.get_by_id(1)
    assert (touch.note, touch.variant) == ("rang out", "A")


def test_log_callback_with_plain_time_in_either_zone(cli, db_path):
    seed(db_path, [("Elif", "Europe/Berlin", "office", 0)])
    data = cli("log", "1", "callback", "--at", "tomorrow 16:30", "--json").json
    assert data["next_touch_at"] == "2026-11-24T15:30:00Z" and data["next_touch_fixed"]
    assert cli("undo").code == 0
    data = cli("log", "1", "callback", "--at", "tomorrow 9am", "--at-zone", "rep", "--json").json
    assert data["next_touch_at"] == "2026-11-24T14:00:00Z"


def test_connected_prompts_for_a_referral(cli, db_path):
    seed(db_path, [("Ana", NY, "office", 0)])
    out = cli("log", "1", "connected").out
    assert "Ask Ana for a referral" in out and "attempts reset" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["log", "1", "callback"], "callback: give the time they asked for (--at)"),
        (["log", "1", "maybe"], "unknown outcome 'maybe'"),
        (["log", "99", "no_answer"], "no lead with id 99"),
        (["log", "1", "callback", "--at", "someday"], "when: cannot read 'someday'"),
        (["log", "1", "no_answer", "--channel", "fax"], "channel: unknown value 'fax'"),
        (["undo"], "nothing to undo"),
        (["backlog", "--days", "0"], "--days: 0 is out of range"),
    ],
)
def test_mistakes_exit_1_with_one_line_and_change_nothing(cli, db_path, argv, message):
    seed(db_path, [("Ana", NY, "office", 0)])
    before = Lead.get_by_id(1).next_touch_at
    result = cli(*argv)
    assert result.code == 1 and result.out == ""
    assert result.err.count("\n") == 1 and message in result.err
    assert Touch.select().count() == 0 and Lead.get_by_id(1).next_touch_at == before


def test_logging_a_dnc_lead_is_refused(cli, db_path):
    seed(db_path, [("Ana", NY, "office", 0)])
    assert cli("log", "1", "dnc").code == 0
    result = cli("log", "1", "no_answer")
    assert result.code == 1 and "do-not-contact list; nothing logged" in result.err
    assert "Nothing due today" in cli("queue").out


def test_undo_puts_the_lead_back(cli, db_path):
    seed(db_path, [("Ana", NY, "office", 0)])
    cli("log", "1", "not_interested")
    result = cli("undo")
    assert result.code == 0 and "undid not_interested on lead 1" in result.out
    assert Lead.get_by_id(1).status == "lead"


# -- the backlog ------------------------------------------------------------------------------


def test_working_days_skip_the_weekend():
    friday = NOW.add(days=4)
    assert [d.strftime("%a") for d in working_days(friday, 3)] == ["Fri", "Mon", "Tue"]


def test_backlog_spreads_overdue_leads_evenly_best_first(db, rep):
    ids = []
    for i in range(10):
        lead = add_lead({"name": f"L{i}", "zone": NY}, owner=rep, now=NOW)
        Lead.update(next_touch_at=NOW.subtract(days=3), likelihood=i * 10).where(
            Lead.id == lead.id
        ).execute()
        ids.append(lead.id)
    promised = add_lead({"name": "Promise", "zone": NY}, owner=rep, now=NOW)
    Lead.update(next_touch_at=NOW.subtract(days=2), next_touch_fixed=True).where(
        Lead.id == promised.id
    ).execute()
    today = add_lead({"name": "Today", "zone": NY}, owner=rep, now=NOW)

    dry = spread_backlog(rep, days=3, now=NOW, apply=False)
    assert dry.moved == 10 and Lead.get_by_id(ids[0]).next_touch_at == NOW.subtract(days=3)

    plan = spread_backlog(rep, days=3, now=NOW)
    assert [(d.strftime("%a %d"), n) for d, n in plan.days] == [
        ("Mon 23", 3),
        ("Tue 24", 3),
        ("Wed 25", 4),
    ]
    due = {i: Lead.get_by_id(i).next_touch_at.in_timezone(NY) for i in ids}
    # The most likely buyers stay today; nobody is overdue any more.
    assert {due[i].day for i in ids[-3:]} == {23} and {due[i].day for i in ids[:4]} == {25}
    assert all(d.format("HH:mm") == "00:00" for d in due.values())
    assert Lead.get_by_id(promised.id).next_touch_at == NOW.subtract(days=2)
    assert Lead.get_by_id(today.id).next_touch_at == NOW


def test_backlog_command(cli, db_path):
    seed(db_path, [(f"L{i}", NY, "office", -60 * 24 * 5) for i in range(5)])
    result = cli("backlog", "--days", "2")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "moved 5 overdue lead(s) over 2 working day(s):",
        "  Mon 23 Nov  2",
        "  Tue 24 Nov  3",
    ]
    assert cli("backlog", "--days", "2", "--json").json["moved"] == 0
