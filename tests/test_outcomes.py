"""Outcomes: each rule, cadence, tenacity (cap, spacing, rotation), do-not-contact, preview,
undo, and the user's rule file."""

from __future__ import annotations

import datetime as dt

import pytest

from models.blocks import running_block
from models.errors import CallqError
from models.leads import add_lead, lead_as_dict
from models.outcomes import load_rules, log_outcome, preview_outcome, undo_last_touch
from models.queue import build_queue
from models.schema import Lead, StatusChange, TimeBlock, Touch
from models.settings import Settings
from models.status import status_history
from models.variants import add_variant
from models.windows import is_open, window_for
from tests.conftest import NOW  # Monday 23 Nov 2026 14:00 UTC = 09:00 New York

NY = "America/New_York"


def lead(rep, **fields) -> Lead:
    values = {"name": fields.pop("name", "Ana Silva"), "zone": fields.pop("zone", NY)}
    for key in ("industry", "source", "channel", "call_window", "cadence_days"):
        if key in fields:
            values[key] = fields.pop(key)
    made = add_lead(values, owner=rep, now=NOW)
    if fields:
        Lead.update(**fields).where(Lead.id == made.id).execute()
    return Lead.get_by_id(made.id)


def fresh(row: Lead) -> Lead:
    return Lead.get_by_id(row.id)


def local(instant, zone=NY) -> str:
    return instant.in_timezone(zone).format("ddd HH:mm")


def test_every_required_outcome_has_a_rule():
    rules = load_rules()
    required = {"no_answer", "voicemail", "busy", "wrong_number", "callback", "connected"}
    assert required | {"meeting", "not_interested", "dnc"} <= set(rules)
    assert rules["no_answer"].attempt and not rules["no_answer"].conversation
    assert rules["callback"].needs_date
    assert rules["dnc"].status == "do_not_contact"


def test_no_answer_counts_an_attempt_and_schedules_a_spaced_rotated_retry(db, rep):
    row = lead(rep)
    result = log_outcome(row.id, "no_answer", rep=rep, now=NOW, note="rang out")
    after = fresh(row)
    assert after.attempts == 1 and not after.exhausted
    # A day later, but at another hour of their day than the one just tried (09:xx).
    assert local(after.next_touch_at) == "Tue 10:00"
    assert result.next_touch_at == after.next_touch_at and not after.next_touch_fixed
    touch = Touch.get_by_id(result.touch_id)
    assert (touch.outcome, touch.note, touch.rep_id) == ("no_answer", "rang out", rep.id)
    assert touch.next_touch_at == after.next_touch_at and touch.undo_state
    assert after.last_contacted_at == NOW


def test_voicemail_and_busy_follow_their_delays(db, rep):
    a, b = lead(rep), lead(rep, name="Ben")
    log_outcome(a.id, "voicemail", rep=rep, now=NOW)
    assert fresh(a).next_touch_at.in_timezone(NY).format("ddd") == "Wed"
    log_outcome(b.id, "busy", rep=rep, now=NOW)
    assert local(fresh(b).next_touch_at) == "Mon 11:00"  # 2 h gap; office hours allow it


def test_attempt_gap_setting_spaces_attempts(db, rep):
    row = lead(rep)
    log_outcome(row.id, "busy", rep=rep, now=NOW, settings=Settings(attempt_gap_minutes=300))
    assert fresh(row).next_touch_at - NOW >= dt.timedelta(minutes=300)


def test_wrong_number_is_not_an_attempt(db, rep):
    row = lead(rep, attempts=2)
    log_outcome(row.id, "wrong_number", rep=rep, now=NOW)
    assert fresh(row).attempts == 2


def test_attempts_rotate_across_the_prospects_day(db, rep):
    row = lead(rep, industry="restaurant")  # 09–11 and 14–17 their time
    now = NOW
    hours = []
    for _ in range(5):
        log_outcome(row.id, "no_answer", rep=rep, now=now)
        now = fresh(row).next_touch_at
        hours.append(now.in_timezone(NY).hour)
        assert is_open(window_for("restaurant", None), NY, now)
    # 09:00 was tried first; then each untried hour of their window in turn; with every hour
    # tried, any hour but the one just tried.
    assert hours == [10, 14, 15, 16, 9]


def test_a_lead_is_not_dropped_before_the_cap_and_is_exhausted_at_it(db, rep):
    row = lead(rep)
    now = NOW
    for n in range(1, 8):
        result = log_outcome(row.id, "no_answer", rep=rep, now=now)
        assert not result.exhausted and result.next_touch_at is not None, n
        now = result.next_touch_at
    result = log_outcome(row.id, "no_answer", rep=rep, now=now)
    after = fresh(row)
    assert result.exhausted and after.exhausted and after.attempts == 8
    assert after.next_touch_at is None
    assert "exhausted after 8" in result.plan.reason
    assert row.id not in [e.lead_id for e in build_queue(rep, now=now.add(days=1))]
    # A conversation brings it back with a clean slate.
    log_outcome(row.id, "connected", rep=rep, now=now.add(days=1))
    after = fresh(row)
    assert (after.attempts, after.exhausted) == (0, False)


def test_the_cap_is_a_setting(db, rep):
    row = lead(rep, attempts=2)
    result = log_outcome(row.id, "no_answer", rep=rep, now=NOW, settings=Settings(attempt_cap=3))
    assert result.exhausted


def test_callback_needs_a_time_and_keeps_it_exactly(db, rep):
    row = lead(rep, zone="Europe/Berlin", attempts=3)
    with pytest.raises(CallqError, match="give the time they asked for"):
        log_outcome(row.id, "callback", rep=rep, now=NOW)
    assert Touch.select().count() == 0 and fresh(row).attempts == 3  # nothing written
    result = log_outcome(row.id, "callback", rep=rep, now=NOW, at="tomorrow 19:45")
    after = fresh(row)
    # 19:45 on their clock in Berlin (outside office hours: the prospect chose it).
    assert after.next_touch_at.in_timezone("Europe/Berlin").format("ddd HH:mm") == "Tue 19:45"
    assert after.next_touch_fixed and after.attempts == 0
    assert result.plan.fixed and "kept exactly" in result.plan.reason


def test_callback_time_in_the_reps_zone(db, rep):
    row = lead(rep, zone="Europe/Berlin")
    log_outcome(row.id, "callback", rep=rep, now=NOW, at="tomorrow 10:00", at_zone="rep")
    assert local(fresh(row).next_touch_at) == "Tue 10:00"


def test_a_callback_in_the_past_is_refused(db, rep):
    row = lead(rep)
    with pytest.raises(CallqError, match="in the past"):
        log_outcome(row.id, "callback", rep=rep, now=NOW, at="today 08:00")


def test_connected_follows_the_agreed_cadence_on_the_agreed_channel(db, rep):
    row = lead(rep, cadence_days=14, channel="text", attempts=4)
    result = log_outcome(row.id, "connected", rep=rep, now=NOW)
    after = fresh(row)
    assert after.next_touch_at == NOW.add(days=14)  # Mon 7 Dec 09:00 their time: in the window
    assert result.plan.channel == "text" and result.ask_referral
    assert after.attempts == 0
    assert "every 14 days by text" in result.plan.reason


def test_a_cadence_that_lands_on_a_weekend_moves_into_the_window(db, rep):
    row = lead(rep, cadence_days=5)  # Monday + 5 = Saturday
    log_outcome(row.id, "connected", rep=rep, now=NOW)
    assert local(fresh(row).next_touch_at) == "Mon 09:00"


def test_a_pending_callback_survives_a_missed_early_call(db, rep):
    promised = NOW.add(days=2)
    row = lead(rep, next_touch_at=promised, next_touch_fixed=True)
    log_outcome(row.id, "no_answer", rep=rep, now=NOW)
    after = fresh(row)
    assert after.next_touch_at == promised and after.next_touch_fixed
    log_outcome(row.id, "connected", rep=rep, now=NOW.add(hours=1))  # they picked up after all
    assert not fresh(row).next_touch_fixed


def test_meeting_asks_for_a_referral_and_keeps_the_lead(db, rep):
    row = lead(rep)
    result = log_outcome(row.id, "meeting", rep=rep, now=NOW, at="thu 15:00")
    assert result.ask_referral and fresh(row).status == "lead"
    assert local(fresh(row).next_touch_at) == "Thu 15:00"


def test_not_interested_marks_the_lead_lost_and_takes_it_out(db, rep):
    row = lead(rep)
    result = log_outcome(row.id, "not_interested", rep=rep, now=NOW)
    after = fresh(row)
    assert after.status == "lost" and after.next_touch_at is None
    assert result.plan.status_changed
    (change,) = status_history(row.id)
    assert (change.from_status, change.to_status, change.reason) == (
        "lead",
        "lost",
        "outcome: not_interested",
    )
    assert build_queue(rep, now=NOW) == []


def test_dnc_takes_the_lead_out_and_refuses_every_later_call(db, rep):
    row = lead(rep)
    log_outcome(row.id, "dnc", rep=rep, now=NOW)
    assert fresh(row).status == "do_not_contact"
    assert build_queue(rep, now=NOW, include_all=True) == []
    touches = Touch.select().count()
    with pytest.raises(CallqError, match="do-not-contact list; nothing logged"):
        log_outcome(row.id, "no_answer", rep=rep, now=NOW.add(days=1))
    with pytest.raises(CallqError, match="do-not-contact"):
        preview_outcome(row.id, "connected", rep=rep, now=NOW)
    assert Touch.select().count() == touches


def test_preview_shows_exactly_what_logging_does_and_writes_nothing(db, rep):
    row = lead(rep, industry="restaurant", attempts=2)
    before = lead_as_dict(fresh(row))
    for outcome, at in [("no_answer", None), ("callback", "fri 10:00"), ("connected", None)]:
        plan = preview_outcome(row.id, outcome, rep=rep, now=NOW, at=at)
        assert lead_as_dict(fresh(row)) == before and Touch.select().count() == 0
        result = log_outcome(row.id, outcome, rep=rep, now=NOW, at=at)
        assert result.plan == plan
        undo_last_touch(rep, now=NOW)


def test_touch_is_attributed_to_the_running_block(db, rep):
    block = TimeBlock.create(
        rep=rep, category="calling", planned_minutes=60, started_at=NOW.subtract(minutes=10)
    )
    assert running_block(rep).id == block.id
    row = lead(rep)
    add_variant("B", now=NOW)
    result = log_outcome(row.id, "no_answer", rep=rep, now=NOW, variant="B", channel="call")
    touch = Touch.get_by_id(result.touch_id)
    assert touch.block_id == block.id == result.block_id and touch.variant == "B"


def test_undo_restores_the_lead_exactly(db, rep):
    row = lead(rep, attempts=7, likelihood=60)
    before = lead_as_dict(fresh(row))
    log_outcome(row.id, "no_answer", rep=rep, now=NOW)  # the eighth: exhausted
    assert fresh(row).exhausted
    undone = undo_last_touch(rep, now=NOW)
    assert undone.outcome == "no_answer" and undone.lead_id == row.id
    assert lead_as_dict(fresh(row)) == before
    assert Touch.select().count() == 0


def test_undo_takes_back_a_status_change_too(db, rep):
    row = lead(rep)
    log_outcome(row.id, "dnc", rep=rep, now=NOW)
    undo_last_touch(rep, now=NOW)
    assert fresh(row).status == "lead" and StatusChange.select().count() == 0


def test_undo_refuses_when_there_is_nothing_or_a_later_touch(db, rep):
    from models.reps import current_rep

    with pytest.raises(CallqError, match="nothing to undo"):
        undo_last_touch(rep, now=NOW)
    row = lead(rep)
    log_outcome(row.id, "no_answer", rep=rep, now=NOW)
    ben = current_rep("ben", now=NOW)
    log_outcome(row.id, "connected", rep=ben, now=NOW.add(hours=3))
    with pytest.raises(CallqError, match="has a later touch"):
        undo_last_touch(rep, now=NOW)
    assert Touch.select().count() == 2


def test_unknown_outcome_lists_the_choices(db, rep):
    row = lead(rep)
    with pytest.raises(CallqError, match="unknown outcome 'maybe'; choose one of: no_answer"):
        log_outcome(row.id, "maybe", rep=rep, now=NOW)
    log_outcome(row.id, "No-Answer", rep=rep, now=NOW)  # spelled as people type it


def test_user_rules_change_a_delay_and_add_an_outcome(db, rep, private_home):
    path = private_home / ".config" / "callq" / "outcomes.toml"
    path.parent.mkdir(parents=True)
    path.write_text(
        '[outcomes.voicemail]\ndelay = "4d"\n'
        '[outcomes.gatekeeper]\nlabel = "Gatekeeper"\nnext = "delay"\ndelay = "3h"\n'
        "attempt = true\n"
    )
    row = lead(rep)
    log_outcome(row.id, "voicemail", rep=rep, now=NOW)
    assert fresh(row).next_touch_at.in_timezone(NY).format("ddd") == "Fri"
    log_outcome(row.id, "gatekeeper", rep=rep, now=NOW.add(days=4))
    assert fresh(row).attempts == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[outcomes.voicemail]\ndelay = "2 fortnights"\n', r"outcomes\.voicemail\.delay"),
        ('[outcomes.busy]\nnext = "later"\n', r"outcomes\.busy\.next: 'later' is not one of"),
        ('[outcomes.busy]\nstatus = "won"\n', r"outcomes\.busy\.status: 'won'"),
        ("[outcomes.busy]\nattempt = 1\n", r"outcomes\.busy\.attempt: give true or false"),
        ("[outcomes.busy]\ncolour = 'red'\n", "unknown field 'colour'"),
        ("[outcomes.busy\n", r"outcomes\.toml: .*line 1"),
    ],
)
def test_a_bad_rule_file_names_the_file_and_field(private_home, text, message):
    path = private_home / ".config" / "callq" / "outcomes.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(CallqError, match=message) as caught:
        load_rules()
    assert str(path) in str(caught.value)
