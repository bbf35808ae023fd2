"""The lifecycle on a touch: the referral prompt after the right outcomes only, the variant and
benefit statement a touch records, and undo putting all of it back."""

from __future__ import annotations

from collections import Counter

import pytest

from models.benefits import add_benefit, retire_benefit
from models.errors import FieldError
from models.leads import add_lead, get_lead
from models.outcomes import load_rules, log_outcome, undo_last_touch
from models.referrals import asks_for, record_ask
from models.schema import Touch, Variant
from models.variants import add_variant

PHONES = iter(f"+1212555{n:04d}" for n in range(100, 10_000))


def _lead(rep, now, name="Ana Silva"):
    return add_lead({"name": name, "phone": next(PHONES)}, owner=rep, now=now)


def _log(lead, outcome, rep, now, **kw):
    rule = load_rules()[outcome]
    at = now.add(days=2) if rule.needs_date else None
    return log_outcome(lead.id, outcome, rep=rep, now=now, at=at, **kw)


def test_the_referral_prompt_follows_conversations_and_meetings_only(db, rep, now):
    prompted = {
        outcome for outcome in load_rules() if _log(_lead(rep, now), outcome, rep, now).ask_referral
    }
    assert prompted == {"connected", "meeting"}
    assert {"no_answer", "voicemail", "busy", "not_interested", "dnc"} <= set(load_rules())


def test_the_prompt_follows_the_users_rule_table(db, rep, now, private_home):
    config = private_home / ".config" / "callq"
    config.mkdir(parents=True)
    (config / "outcomes.toml").write_text(
        "[outcomes.callback]\nask_referral = true\n[outcomes.connected]\nask_referral = false\n"
    )
    assert _log(_lead(rep, now), "callback", rep, now).ask_referral
    assert not _log(_lead(rep, now), "connected", rep, now).ask_referral


def test_answering_the_prompt_records_the_ask_on_that_touch(db, rep, now):
    lead = _lead(rep, now)
    result = _log(lead, "connected", rep, now)
    record_ask(lead.id, "declined", rep=rep, now=now.add(minutes=1))
    (ask,) = asks_for(lead.id)
    assert (ask.touch_id, ask.result) == (result.touch_id, "declined")


def test_a_new_customer_by_outcome_also_prompts(db, rep, now, private_home):
    config = private_home / ".config" / "callq"
    config.mkdir(parents=True)
    (config / "outcomes.toml").write_text(
        '[outcomes.won]\nlabel = "Won the deal"\nnext = "cadence"\nconversation = true\n'
        'status = "customer"\nask_referral = true\n'
    )
    lead = _lead(rep, now)
    result = _log(lead, "won", rep, now)
    assert result.ask_referral and get_lead(lead.id).status == "customer"


def test_logging_rotates_variants_fairly_and_each_lead_keeps_its_own(db, rep, now):
    for name in ("A", "B", "C"):
        add_variant(name, now=now)
    leads = [_lead(rep, now, f"Lead {i}") for i in range(9)]
    first = [_log(lead, "no_answer", rep, now).variant for lead in leads]
    assert Counter(first) == {"A": 3, "B": 3, "C": 3}
    later = now.add(days=1)
    assert [_log(lead, "connected", rep, later).variant for lead in leads] == first
    touches = Counter(t.variant for t in Touch.select())
    assert touches == {"A": 6, "B": 6, "C": 6}


def test_undo_gives_back_the_variant_the_touch_assigned(db, rep, now):
    add_variant("A", now=now)
    lead = _lead(rep, now)
    assert _log(lead, "no_answer", rep, now).variant == "A"
    assert Variant.get(Variant.name == "A").leads_assigned == 1
    undo_last_touch(rep, now=now)
    assert get_lead(lead.id).variant is None
    assert Variant.get(Variant.name == "A").leads_assigned == 0
    # A second touch's undo leaves the assignment alone: the first touch made it.
    _log(lead, "no_answer", rep, now)
    _log(lead, "no_answer", rep, now.add(hours=3))
    undo_last_touch(rep, now=now)
    assert get_lead(lead.id).variant == "A"
    assert Variant.get(Variant.name == "A").leads_assigned == 1


def test_the_touch_records_the_benefit_statement_used(db, rep, now):
    statement = add_benefit("Saves an hour a night on bookings", now=now)
    lead = _lead(rep, now)
    result = _log(lead, "connected", rep, now, benefit=statement.id)
    assert Touch.get_by_id(result.touch_id).benefit.body == statement.body
    assert result.benefit_id == statement.id


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"benefit": 99}, "benefit: no benefit statement with id 99"),
        ({"benefit": "retired"}, "removed from the library"),
        ({"variant": "Z"}, "variant: no variant called 'Z'"),
    ],
)
def test_a_bad_statement_or_variant_logs_nothing(db, rep, now, kwargs, message):
    if kwargs.get("benefit") == "retired":
        kwargs = {"benefit": retire_benefit(add_benefit("Old pitch", now=now).id, now=now).id}
    lead = _lead(rep, now)
    with pytest.raises(FieldError, match=message):
        _log(lead, "connected", rep, now, **kwargs)
    assert Touch.select().count() == 0
    assert (get_lead(lead.id).last_contacted_at, get_lead(lead.id).variant) == (None, None)


def test_an_outcome_that_loses_the_lead_keeps_the_reason_and_undo_clears_it(db, rep, now):
    lead = _lead(rep, now)
    _log(lead, "not_interested", rep, now)
    lost = get_lead(lead.id)
    assert (lost.status, lost.lost_reason) == ("lost", "outcome: not_interested")
    undo_last_touch(rep, now=now)
    back = get_lead(lead.id)
    assert (back.status, back.lost_reason) == ("lead", None)
