"""``callq block``, ``callq goals`` and ``callq plan``: shapes, one-line errors, exit codes."""

from __future__ import annotations

import pytest

from models.blocks import start_block
from models.db import close_database, open_database
from models.reps import current_rep
from models.settings import Settings
from tests.cli_helpers import run_cli
from tests.test_blocks import keep_alive, ny

STATE_KEYS = {
    "id",
    "category",
    "started_at",
    "planned_minutes",
    "counted_seconds",
    "remaining_seconds",
    "over_seconds",
    "over",
    "paused",
    "paused_since",
    "crashed",
    "last_heartbeat_at",
}
SUMMARY_KEYS = {
    "id",
    "category",
    "started_at",
    "ended_at",
    "end_reason",
    "planned_minutes",
    "counted_seconds",
    "over_seconds",
    "paused_seconds",
    "not_running_seconds",
    "touches",
    "calls",
    "conversations",
    "meetings",
    "connect_rate",
    "today",
}


@pytest.fixture
def at(capsys, db_path):
    """``at("09:30", "block", "start", "calling")``: callq as ana on Monday 23 Nov 2026 (NY)."""

    def run(when, *argv):
        return run_cli(
            capsys, "--db", db_path, "--now", f"2026-11-23T{when}", "--rep", "ana", *argv
        )

    return run


def _one_line_error(result, message):
    assert result.code == 1, result
    assert result.err.startswith(f"callq: {message}") and result.err.count("\n") == 1, result.err
    assert result.out == ""


def test_a_block_from_start_to_stop(at):
    started = at("09:00", "block", "start", "calling", "--minutes", "45", "--json")
    assert started.code == 0, started.err
    assert set(started.json) == STATE_KEYS
    assert (started.json["category"], started.json["planned_minutes"]) == ("calling", 45)
    assert started.json["started_at"] == "2026-11-23T14:00:00Z"

    assert at("09:20", "block", "pause").out.startswith("paused: calling block")
    status = at("09:30", "block", "status", "--json").json
    assert set(status) == {"block", "due_plan"} and status["due_plan"] is None
    assert (status["block"]["paused"], status["block"]["counted_seconds"]) == (True, 1200)
    assert at("09:35", "block", "resume").code == 0
    text = at("10:05", "block", "status").out
    assert "calling block, started 09:00: 50:00 of 45:00 counted, over by 5 min" in text

    stopped = at("10:05", "block", "stop", "--json")
    assert set(stopped.json) == SUMMARY_KEYS
    assert (stopped.json["counted_seconds"], stopped.json["over_seconds"]) == (3000, 300)
    assert stopped.json["paused_seconds"] == 900 and stopped.json["end_reason"] == "stopped"
    assert stopped.json["today"] == {
        "date": "2026-11-23",
        "minutes": {"research": 0.0, "calling": 50.0, "follow_up": 0.0},
    }
    assert at("10:06", "block", "status", "--json").json == {"block": None, "due_plan": None}
    assert at("10:06", "block", "status").out == "no block running\n"


def test_stop_prints_the_summary(at):
    at("09:00", "block", "start", "follow-up")
    out = at("09:20", "block", "stop").out.splitlines()
    assert out[0] == "stopped follow-up block at 09:20: 20 min of 30 min planned"
    assert out[1] == "  touches 0 · calls 0 · conversations 0 · meetings 0 · connect rate -"
    assert out[2] == "  today: research 0 min · calling 0 min · follow-up 20 min"


def test_block_errors_are_one_line_and_change_nothing(at):
    _one_line_error(at("09:00", "block", "stop"), "no block is running")
    _one_line_error(at("09:00", "block", "pause"), "no block is running")
    _one_line_error(at("09:00", "block", "start", "sleeping"), "category: unknown value")
    _one_line_error(at("09:00", "block", "start", "calling", "--minutes", "0"), "minutes:")
    assert at("09:00", "block", "start", "calling").code == 0
    _one_line_error(
        at("09:10", "block", "start", "research"),
        "a calling block is already running (started 09:00, 10 min counted)",
    )
    _one_line_error(at("09:10", "block", "resume"), "the calling block is not paused")
    _one_line_error(at("08:00", "block", "stop"), "08:00 is before the calling block's last")
    _one_line_error(at("09:11", "block", "recover", "end"), "the calling block has not crashed")
    status = at("09:12", "block", "status", "--json").json["block"]
    assert (status["category"], status["counted_seconds"]) == ("calling", 720)
    assert at("09:12", "block", "recover", "maybe").code == 2
    assert at("09:12", "block").code == 2


def test_after_a_crash_start_offers_resume_or_end(at, db_path):
    # The workstation kept a block alive until 09:30, then the connection dropped.
    open_database(db_path)
    rep = current_rep("ana")
    settings = Settings(rep_zone="America/New_York")
    start_block(rep, "calling", now=ny(2026, 11, 23, 9, 0), settings=settings, heartbeat=True)
    keep_alive(rep, ny(2026, 11, 23, 9, 0), ny(2026, 11, 23, 9, 30))
    close_database()

    status = at("10:00", "block", "status", "--json").json["block"]
    assert status["crashed"] and status["last_heartbeat_at"] == "2026-11-23T14:30:00Z"
    assert status["counted_seconds"] == 1800
    assert "callq stopped running at 09:30" in at("10:00", "block", "status").out
    refused = at("10:00", "block", "start", "research")
    _one_line_error(refused, "the calling block started 09:00 stopped being timed at 09:30")
    assert "callq block recover resume" in refused.err
    ended = at("10:00", "block", "recover", "end", "--json").json
    assert ended["ended_at"] == "2026-11-23T14:30:00Z" and ended["end_reason"] == "crashed"
    assert ended["counted_seconds"] == 1800
    assert at("10:01", "block", "start", "research").code == 0


def test_log_while_the_block_has_crashed_says_it_is_not_counted_there(at, db_path):
    open_database(db_path)
    rep = current_rep("ana")
    settings = Settings(rep_zone="America/New_York")
    start_block(rep, "calling", now=ny(2026, 11, 23, 9, 0), settings=settings, heartbeat=True)
    keep_alive(rep, ny(2026, 11, 23, 9, 0), ny(2026, 11, 23, 9, 30))
    close_database()
    assert at("09:40", "lead", "add", "Bo Li", "--zone", "America/Chicago").code == 0

    logged = at("09:45", "log", "1", "no_answer")
    assert logged.code == 0, logged.err
    lines = logged.out.splitlines()
    assert lines[-2] == "not in your calling block: callq stopped timing it at 09:30"
    assert (
        lines[-1]
        == "  callq block recover resume (keeps going from now) or callq block recover end"
    )
    assert all(len(line) <= 80 for line in lines[-2:])
    data = at("09:46", "log", "1", "busy", "--json").json
    assert (data["block"], data["crashed_block"]) == (None, 1)


def test_resume_after_a_crash_from_the_command_line(at, db_path):
    open_database(db_path)
    rep = current_rep("ana")
    settings = Settings(rep_zone="America/New_York")
    start_block(rep, "calling", now=ny(2026, 11, 23, 9, 0), settings=settings, heartbeat=True)
    close_database()
    assert at("09:40", "block", "recover", "resume").out.startswith("resumed: calling block")
    out = at("10:00", "block", "stop").out
    assert "20 min of 1 h 0 min planned" in out
    assert "not counted: 40 min while callq was not running" in out


def test_goals_json_today_and_week(at):
    assert at("07:00", "plan", "add", "calling", "09:00-10:30", "mon-fri").code == 0
    at("09:00", "block", "start", "calling")
    result = at("09:30", "goals", "--json")
    assert result.code == 0, result.err
    data = result.json
    assert set(data) == {"rep", "today", "week"} and data["rep"] == "ana"
    today = data["today"]
    assert set(today) == {
        "date",
        "zone",
        "calls",
        "conversations",
        "calling_minutes",
        "meetings",
        "touches",
        "connect_rate",
        "minutes",
    }
    assert today["calling_minutes"] == {"done": 30.0, "goal": 90, "met": False}
    assert today["calls"] == {"done": 0, "goal": 40, "met": False}
    week = data["week"]
    assert (week["start"], week["end"], week["zone"]) == (
        "2026-11-23",
        "2026-11-29",
        "America/New_York",
    )
    assert len(week["days"]) == 7 and week["days"][0]["minutes"]["calling"] == 30.0
    assert week["categories"]["calling"] == {
        "actual_minutes": 30.0,
        "planned_minutes": 450.0,
        "planned_to_date_minutes": 30.0,
        "on_plan_minutes": 30.0,
        "adherence": 1.0,
    }
    assert [p["status"] for p in week["planned"]][:2] == ["under_way", "upcoming"]
    assert week["planned"][0]["local_start"] == "09:00"
    text = at("09:30", "goals").out
    assert "calling minutes    30 / 90" in text and "kept to plan: 100%" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    last_week = at("09:30", "goals", "--week", "2026-11-18", "--json").json["week"]
    assert last_week["start"] == "2026-11-16" and last_week["planned"] == []


def test_goals_set(at):
    result = at("09:00", "goals", "set", "--calls", "60", "--calling-minutes", "120", "--json")
    assert (result.json["calls"]["goal"], result.json["calling_minutes"]["goal"]) == (60, 120)
    assert at("09:00", "goals", "--json").json["today"]["calls"]["goal"] == 60
    at("09:00", "goals", "set", "--calls", "default")
    assert at("09:00", "goals", "--json").json["today"]["calls"]["goal"] == 40
    _one_line_error(at("09:00", "goals", "set", "--calls", "-3"), "calls:")
    _one_line_error(at("09:00", "goals", "set"), "goals set: give at least one")
    assert at("09:00", "goals", "set", "--calls", "many").code == 2


def test_plans_from_the_command_line(at):
    added = at("07:00", "plan", "add", "calling", "09:00–10:30", "mon-fri", "--json")
    assert added.json == {
        "id": 1,
        "category": "calling",
        "start": "09:00",
        "end": "10:30",
        "minutes": 90,
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "description": "calling 09:00–10:30 Mon–Fri",
    }
    _one_line_error(at("07:00", "plan", "add", "research", "10:00-09:00"), "time:")
    _one_line_error(at("07:00", "plan", "add", "research", "08:00-09:30"), "time: overlaps plan 1")
    _one_line_error(at("07:00", "plan", "add", "research", "08:00-09:00", "moonday"), "days:")
    assert at("07:00", "plan", "list").out == "   1  calling 09:00–10:30 Mon–Fri\n"

    status = at("09:10", "block", "status")
    assert "planned now: calling 09:00–10:30 Mon–Fri, until 10:30" in status.out
    due = at("09:10", "block", "status", "--json").json["due_plan"]
    assert (due["plan"], due["local_end"]) == (1, "10:30")
    started = at("09:10", "block", "start", "calling")
    assert started.out == (
        "started calling block at 09:10, planned 80 min to 10:30 (calling 09:00–10:30 Mon–Fri)\n"
    )
    assert at("09:11", "block", "status", "--json").json["due_plan"] is None

    assert at("09:12", "plan", "remove", "1").out == "removed plan 1: calling 09:00–10:30 Mon–Fri\n"
    assert at("09:12", "plan", "list", "--json").json == []
    _one_line_error(at("09:12", "plan", "remove", "1"), "no plan with id 1")


def test_block_list_shows_the_days_blocks(at, capsys, db_path):
    at("09:00", "block", "start", "calling", "--minutes", "45")
    at("10:05", "block", "stop")
    at("23:30", "block", "start", "research")
    listed = at("23:50", "block", "list", "--json").json
    assert [(b["category"], b["counted_seconds"], b["ended_at"]) for b in listed] == [
        ("calling", 3900, "2026-11-23T15:05:00Z"),
        ("research", 1200, None),
    ]
    assert set(listed[0]) == SUMMARY_KEYS - {"today"}
    text = at("23:50", "block", "list").out.splitlines()
    assert text[0] == "Mon 23 Nov (America/New_York)"
    assert text[1] == "  09:00–10:05   calling    65/45 min, over 20   calls 0 · conv 0 · meet 0"
    assert text[2].split()[:3] == ["23:30–now", "research", "20/30"]
    # The next day lists the block that ran across midnight too (the stop is a correction,
    # made with --now).
    tuesday = run_cli(
        capsys, "--db", db_path, "--now", "2026-11-24T00:20", "--rep", "ana", "block", "stop"
    )
    assert tuesday.code == 0
    next_day = run_cli(
        capsys,
        "--db",
        db_path,
        "--now",
        "2026-11-24T12:00",
        "--rep",
        "ana",
        "block",
        "list",
        "--json",
    ).json
    assert [(b["category"], b["counted_seconds"]) for b in next_day] == [("research", 3000)]
    _one_line_error(at("23:50", "block", "list", "--date", "someday"), "--date:")


def test_at_sets_when_it_happened(at):
    assert at("12:00", "block", "start", "calling", "--at", "09:00").code == 0
    assert at("12:00", "block", "pause", "--at", "09:45").code == 0
    assert at("12:00", "block", "resume", "--at", "2026-11-23T10:00").code == 0
    stopped = at("12:00", "block", "stop", "--at", "11:00", "--json").json
    assert stopped["ended_at"] == "2026-11-23T16:00:00Z"
    assert (stopped["counted_seconds"], stopped["paused_seconds"]) == (105 * 60, 15 * 60)
    _one_line_error(at("12:00", "block", "start", "research", "--at", "12:30"), "--at: 12:30 is in")
    _one_line_error(
        at("12:00", "block", "start", "research", "--at", "10:30"),
        "10:30 is before the end of the calling block (11:00)",
    )
    _one_line_error(at("12:00", "block", "start", "research", "--at", "noonish"), "--at:")
    assert at("12:00", "block", "list", "--json").json[0]["id"] == 1
    assert len(at("12:00", "block", "list", "--json").json) == 1
