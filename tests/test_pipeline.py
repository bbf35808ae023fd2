"""Qualification and the pipeline: promotion by the rule or by choice, closing, history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.errors import CallqError, FieldError
from models.leads import add_lead, get_lead
from models.pipeline import PromotionRule, parse_value, qualify, set_status
from models.settings import Settings
from models.status import status_history

ALL_YES = dict.fromkeys(("need", "afford", "authority", "approachable", "eligible"), "yes")


@pytest.fixture
def lead(db, rep, now):
    return add_lead({"name": "Ana Silva", "phone": "+12125550123"}, owner=rep, now=now)


def _history(lead_id):
    return [(c.from_status, c.to_status, c.reason) for c in status_history(lead_id)]


def test_four_yes_and_an_unknown_stay_a_lead_the_fifth_yes_promotes(lead, rep, now):
    result = qualify(lead.id, {**ALL_YES, "eligible": "unknown"}, likelihood=60, rep=rep, now=now)
    assert (get_lead(lead.id).status, result.passes, result.change) == ("lead", False, None)
    assert result.unmet == ["eligible: unknown"]

    later = now.add(minutes=5)
    result = qualify(lead.id, {"eligible": "y"}, timing="Q1 2027", rep=rep, now=later)
    stored = get_lead(lead.id)
    assert (stored.status, stored.likelihood, stored.purchase_timing) == ("prospect", 60, "Q1 2027")
    assert (stored.q_need, stored.q_eligible) == ("yes", "yes")
    assert result.change.changed_at == later and result.change.rep.name == "ana"
    assert _history(lead.id) == [("lead", "prospect", "qualified: all five yes")]


def test_promotion_by_choice_records_what_was_missing(lead, rep, now):
    result = qualify(lead.id, {"need": "yes", "authority": "no"}, promote=True, rep=rep, now=now)
    assert get_lead(lead.id).status == "prospect"
    (row,) = _history(lead.id)
    assert row[:2] == ("lead", "prospect")
    assert row[2].startswith("promoted by choice") and "authority: no" in row[2]
    assert not result.passes


def test_keep_lead_overrides_a_passing_checklist(lead, now):
    result = qualify(lead.id, ALL_YES, promote=False, now=now)
    assert result.passes and result.change is None
    assert get_lead(lead.id).status == "lead" and _history(lead.id) == []
    # Asked again without the override, the rule promotes it.
    assert qualify(lead.id, {}, now=now).change.to_status == "prospect"


def test_the_rule_is_configurable(lead, now):
    settings = Settings(qualify_required=["need", "afford"], qualify_min_likelihood=50)
    rule = PromotionRule.from_settings(settings)
    result = qualify(lead.id, {"need": "yes", "afford": "yes"}, likelihood=40, rule=rule, now=now)
    assert result.unmet == ["likelihood: 40 < 50"] and get_lead(lead.id).status == "lead"
    result = qualify(lead.id, likelihood=50, rule=rule, now=now)
    assert get_lead(lead.id).status == "prospect"
    assert _history(lead.id)[0][2] == "qualified: need, afford yes, likelihood 50"


def test_an_empty_rule_promotes_only_by_choice(lead, now):
    rule = PromotionRule.from_settings(Settings(qualify_required=[]))
    assert qualify(lead.id, ALL_YES, rule=rule, now=now).change is None
    assert get_lead(lead.id).status == "lead"
    assert qualify(lead.id, promote=True, rule=rule, now=now).change.to_status == "prospect"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (Settings(qualify_required=["need", "budget"]), "unknown question 'budget'"),
        (Settings(qualify_min_likelihood=101), "not between 0 and 100"),
    ],
)
def test_a_bad_rule_in_the_settings_is_named(settings, message):
    with pytest.raises(CallqError, match=message):
        PromotionRule.from_settings(settings, where="config.toml")


def test_a_prospect_whose_answers_turn_is_not_demoted_but_says_why(lead, now):
    qualify(lead.id, ALL_YES, now=now)
    result = qualify(lead.id, {"need": "no"}, now=now)
    assert get_lead(lead.id).status == "prospect" and result.unmet == ["need: no"]


@pytest.mark.parametrize(
    ("answers", "kwargs", "field", "message"),
    [
        ({}, {"likelihood": 140}, "likelihood", "out of range"),
        ({}, {"likelihood": "likely"}, "likelihood", "not a whole number"),
        ({"need": "maybe"}, {}, "need", "not an answer"),
        ({"budget": "yes"}, {}, "budget", "not a question"),
        ({}, {"timing": "x" * 81}, "timing", "at most 80"),
    ],
)
def test_bad_qualification_changes_nothing(lead, now, answers, kwargs, field, message):
    before = get_lead(lead.id)
    with pytest.raises(FieldError, match=message) as caught:
        qualify(lead.id, {**ALL_YES, **answers}, **kwargs, now=now.add(hours=1))
    assert caught.value.field == field
    after = get_lead(lead.id)
    assert (after.q_need, after.likelihood, after.status) == ("unknown", None, "lead")
    assert after.updated_at == before.updated_at and _history(lead.id) == []


def test_a_do_not_contact_lead_is_not_promoted_by_choice(lead, now):
    set_status(lead.id, "do_not_contact", now=now)
    with pytest.raises(CallqError, match="do_not_contact"):
        qualify(lead.id, ALL_YES, promote=True, now=now)
    assert get_lead(lead.id).q_need == "unknown"  # the whole call rolled back


def test_prospect_to_customer_with_value_and_the_history(lead, rep, now):
    qualify(lead.id, ALL_YES, rep=rep, now=now)
    move = set_status(lead.id, "customer", value="12,000", rep=rep, now=now.add(days=3))
    assert move.ask_referral and move.change.to_status == "customer"
    stored = get_lead(lead.id)
    assert (stored.status, stored.deal_value) == ("customer", Decimal("12000.00"))
    # A later value replaces it without another status change, and asks for nothing.
    again = set_status(lead.id, "customer", value="15000.50", now=now.add(days=40))
    assert (again.change, again.updated, again.ask_referral) == (None, ["deal_value"], False)
    assert get_lead(lead.id).deal_value == Decimal("15000.50")
    assert [row[:2] for row in _history(lead.id)] == [
        ("lead", "prospect"),
        ("prospect", "customer"),
    ]


def test_lost_needs_a_reason_and_a_revived_lead_forgets_it(lead, now):
    with pytest.raises(FieldError, match="say why"):
        set_status(lead.id, "lost", now=now)
    assert get_lead(lead.id).status == "lead"
    set_status(lead.id, "lost", reason="chose a competitor", now=now)
    assert get_lead(lead.id).lost_reason == "chose a competitor"
    set_status(lead.id, "lead", now=now.add(days=90))
    assert get_lead(lead.id).lost_reason is None
    assert _history(lead.id)[0] == ("lead", "lost", "chose a competitor")


@pytest.mark.parametrize(
    ("status", "kwargs", "message"),
    [
        ("customer", {}, "needs a deal value"),
        ("customer", {"value": "-5"}, "zero or more"),
        ("customer", {"value": "12000.505"}, "more than two decimals"),
        ("customer", {"value": "lots"}, "not an amount"),
        ("prospect", {"value": "100"}, "goes with status customer"),
        ("won", {}, "unknown value 'won'"),
    ],
)
def test_bad_status_moves_change_nothing(lead, now, status, kwargs, message):
    with pytest.raises(FieldError, match=message):
        set_status(lead.id, status, now=now, **kwargs)
    stored = get_lead(lead.id)
    assert (stored.status, stored.deal_value) == ("lead", None) and _history(lead.id) == []


def test_leaving_do_not_contact_needs_a_reason(lead, now):
    set_status(lead.id, "do_not_contact", now=now)
    with pytest.raises(FieldError, match="asked not to be contacted"):
        set_status(lead.id, "lead", now=now)
    set_status(lead.id, "lead", reason="called us back", now=now)
    assert get_lead(lead.id).status == "lead"


def test_parse_value_reads_thousands_separators():
    assert parse_value("1,250,000.50") == Decimal("1250000.50")
    assert parse_value(12000) == Decimal("12000.00")
    with pytest.raises(FieldError):
        parse_value("12.000,00")


def test_the_rule_reads_from_the_settings_file_and_environment(tmp_path):
    from models.settings import load_settings

    path = tmp_path / "config.toml"
    path.write_text("qualify_required = ['need', 'authority']\nqualify_min_likelihood = 30\n")
    rule = PromotionRule.from_settings(load_settings(path, environ={}))
    assert rule == PromotionRule(("need", "authority"), 30)
    env = {"CALLQ_QUALIFY_REQUIRED": "need, afford"}
    assert load_settings(path, environ=env).qualify_required == ["need", "afford"]
    path.write_text("qualify_required = 'need'\n")
    with pytest.raises(CallqError, match="qualify_required has the wrong type"):
        load_settings(path, environ={})


def test_a_database_from_before_the_lifecycle_keeps_every_row(db_path, now):
    import peewee

    from models import migrations
    from models.db import open_database
    from models.schema import Touch

    db_path.parent.mkdir(mode=0o700)
    old = peewee.SqliteDatabase(str(db_path), pragmas={"foreign_keys": 1})
    with old.atomic():
        migrations.migrate(old, target=4)
    stamp = "2026-11-20 10:00:00.000000"
    old.execute_sql(
        "INSERT INTO lead (name, company, title, zone, industry, source, status, q_need,"
        " q_afford, q_authority, q_approachable, q_eligible, cadence_days, channel,"
        " next_touch_fixed, attempts, exhausted, created_at, updated_at) VALUES ('Ana', '', '',"
        " 'UTC', 'office', 'referral', 'prospect', 'yes', 'yes', 'yes', 'yes', 'yes', 7, 'call',"
        " 0, 0, 0, ?, ?)",
        (stamp, stamp),
    )
    old.execute_sql(
        "INSERT INTO touch (lead_id, channel, outcome, started_at, variant, note)"
        " VALUES (1, 'call', 'connected', ?, 'A', '')",
        (stamp,),
    )
    old.close()
    open_database(db_path)
    lead = get_lead(1)
    assert (lead.status, lead.q_need, lead.variant) == ("prospect", "yes", None)
    touch = Touch.get_by_id(1)
    assert (touch.variant, touch.benefit_id) == ("A", None)
    # The new tables work, and the touch can point at a statement.
    from models.benefits import add_benefit

    statement = add_benefit("Saves an hour a night", now=now)
    Touch.update(benefit=statement).execute()
    assert Touch.get_by_id(1).benefit.body == "Saves an hour a night"


def test_a_lost_lead_can_get_a_better_reason_without_a_new_history_row(lead, now):
    set_status(lead.id, "lost", reason="no budget", now=now)
    move = set_status(lead.id, "lost", reason="no budget until 2028", now=now)
    assert (move.change, move.updated) == (None, ["lost_reason"])
    assert get_lead(lead.id).lost_reason == "no budget until 2028"
    assert len(_history(lead.id)) == 1
