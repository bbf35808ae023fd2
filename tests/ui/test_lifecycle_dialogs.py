"""Editing the lead lifecycle from the workstation: the benefit-statement picker (type to
filter, Enter inserts, the next touch records it), the referral ask after a conversation and
the referred lead's form."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.leads import get_lead, touches_for
from models.schema import Lead, Note, ReferralAsk
from tests.ui.conftest import ready, screen_text, until
from tui.dialogs.benefit_picker import BenefitPicker
from tui.dialogs.choice import ChoiceDialog
from tui.dialogs.outcome import OutcomeDialog
from tui.dialogs.qualify import QualifyDialog
from tui.dialogs.referral import ReferralForm
from tui.dialogs.status import StatusDialog

SIZES = [(80, 24), (160, 48)]


def _benefit_notes(lead_id: int) -> list[str]:
    return [
        n.body
        for n in Note.select().where(
            (Note.lead == lead_id) & (Note.kind == "benefit") & (Note.is_draft == False)  # noqa: E712
        )
    ]


async def _picker(pilot) -> BenefitPicker:
    await pilot.press("s")
    await until(pilot, lambda: isinstance(pilot.app.screen, BenefitPicker))
    picker = pilot.app.screen
    await until(pilot, lambda: picker.choices is not None)
    return picker


@pytest.mark.parametrize("size", SIZES)
async def test_picker_filters_inserts_and_the_next_touch_records_it(app, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        workstation = app.screen
        entry = workstation.queue.entry
        industry = get_lead(entry.lead_id).industry
        picker = await _picker(pilot)
        fits = [c.statement for c in picker.choices]
        assert fits and all(s.industry in (industry, None) for s in fits)
        assert "No new hardware" in screen_text(app)  # a statement for any industry
        await pilot.press(*"NAMED pers")  # any case, words in any place
        await until(pilot, lambda: len(picker.shown) == 1)
        assert "1 of" in screen_text(app)
        chosen = picker.shown[0].statement
        assert chosen.body.startswith("A named person answers")
        before = _benefit_notes(entry.lead_id)
        assert chosen.body not in before
        await pilot.press("enter")
        await until(pilot, lambda: chosen.body in _benefit_notes(entry.lead_id))
        assert len(_benefit_notes(entry.lead_id)) == len(before) + 1
        await until(pilot, lambda: "A named person answers" in screen_text(app))  # in the detail
        # The next outcome logged on this lead records the statement used.
        await pilot.press("1")
        await until(pilot, lambda: app.screen is not workstation)
        await until(pilot, lambda: app.screen.plan is not None)
        count = len(touches_for(entry.lead_id))
        await pilot.press("enter")
        await until(pilot, lambda: len(touches_for(entry.lead_id)) == count + 1)
        newest = max(touches_for(entry.lead_id), key=lambda t: t.id)
        assert newest.benefit_id == chosen.id


@pytest.mark.parametrize("size", SIZES)
async def test_picker_with_no_match_says_so_and_inserts_nothing(app, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        entry = app.screen.queue.entry
        before = _benefit_notes(entry.lead_id)
        picker = await _picker(pilot)
        await pilot.press(*"zzqx")
        await until(pilot, lambda: picker.shown == [])
        assert "No statement holds 'zzqx'" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is picker  # nothing to insert: the picker stays open
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not picker)
        assert _benefit_notes(entry.lead_id) == before


def _referred(lead_id: int) -> list:
    return list(Lead.select().where(Lead.referred_by == lead_id))


def _asks(lead_id: int) -> list[tuple[str, int | None]]:
    return [(a.result, a.touch_id) for a in ReferralAsk.select().where(ReferralAsk.lead == lead_id)]


async def _log_spoke(pilot, workstation) -> tuple:
    """Log "spoke" (a conversation, which asks for a referral) on the lead at the cursor."""
    entry = workstation.queue.entry
    count = len(touches_for(entry.lead_id))
    await pilot.press("6")
    await until(pilot, lambda: isinstance(pilot.app.screen, OutcomeDialog))
    await until(pilot, lambda: pilot.app.screen.plan is not None)
    await pilot.press("enter")
    await until(pilot, lambda: len(touches_for(entry.lead_id)) == count + 1)
    await until(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
    await pilot.pause()
    touch = max(touches_for(entry.lead_id), key=lambda t: t.id)
    return entry, touch


@pytest.mark.parametrize("size", SIZES)
async def test_referral_asked_after_a_conversation_creates_the_linked_lead(app, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        workstation = app.screen
        entry, touch = await _log_spoke(pilot, workstation)
        shown = screen_text(app)
        assert "Ask for a referral" in shown and "they named someone" in shown
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ReferralForm))
        form = app.screen
        before = _referred(entry.lead_id)
        # Bad input: a clear message, the form stays, nothing is written.
        await pilot.press("enter", "enter", "enter")  # through every field, empty
        assert "Name: who did they refer?" in screen_text(app)
        await pilot.press(*"Dana Whitfield", "enter", *"Whitfield Bakery", "enter", *"12")
        await pilot.press("enter")
        await until(pilot, lambda: "Not saved: phone:" in screen_text(app))
        assert "'12' is not a valid phone number" in screen_text(app)
        assert app.screen is form and _referred(entry.lead_id) == before
        assert _asks(entry.lead_id) == [] or all(r != "obtained" for r, _ in _asks(entry.lead_id))
        # Good input: the new lead, linked, and the ask recorded on the conversation.
        await pilot.press(*["backspace"] * 2, *"415 555 0142", "enter")
        await until(pilot, lambda: app.screen is workstation)
        made = [lead for lead in _referred(entry.lead_id) if lead not in before]
        assert [(m.name, m.company, m.phone) for m in made] == [
            ("Dana Whitfield", "Whitfield Bakery", "+14155550142")
        ]
        assert ("obtained", touch.id) in _asks(entry.lead_id)


async def test_referral_declined_is_recorded_and_no_prompt_after_no_answer(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        entry, touch = await _log_spoke(pilot, workstation)
        await pilot.press("d")
        await until(pilot, lambda: ("declined", touch.id) in _asks(entry.lead_id))
        assert app.screen is workstation
        # No answer is not a conversation: no prompt.
        await ready(pilot)
        other = workstation.queue.entry
        count = len(touches_for(other.lead_id))
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, OutcomeDialog))
        await until(pilot, lambda: app.screen.plan is not None)
        await pilot.press("enter")
        await until(pilot, lambda: len(touches_for(other.lead_id)) == count + 1)
        await pilot.pause(0.2)
        assert app.screen is workstation


async def test_r_adds_a_referral_from_any_lead(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        entry = app.screen.queue.entry
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReferralForm))
        await pilot.press(*"Lee Moss", "enter", "enter", *"+1 416 555 0199", "enter")
        await until(pilot, lambda: any(m.name == "Lee Moss" for m in _referred(entry.lead_id)))


async def _qualify_dialog(pilot) -> QualifyDialog:
    await pilot.press("a")
    await until(pilot, lambda: isinstance(pilot.app.screen, QualifyDialog))
    dialog = pilot.app.screen
    await until(pilot, lambda: len(dialog.query(".question")) == 5)
    await pilot.pause()
    return dialog


def _a_plain_lead(workstation) -> int:
    """Move the cursor to a lead whose status is still ``lead``; its id."""
    queue = workstation.queue
    for index in range(queue.total):
        entry = queue.entry_at(index)
        if entry is not None and get_lead(entry.lead_id).status == "lead":
            queue.move_to(index)
            return entry.lead_id
    raise AssertionError("no plain lead in the demo queue")


@pytest.mark.parametrize("size", SIZES)
async def test_qualify_all_yes_promotes_to_prospect(app, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        lead_id = _a_plain_lead(app.screen)
        await ready(pilot)
        dialog = await _qualify_dialog(pilot)
        assert "Is there a want or need?" in screen_text(app)
        await pilot.press("y", "y", "y", "y", "y")  # each answer moves to the next row
        likelihood = dialog.query_one("#qualify-likelihood")
        assert likelihood.has_focus
        likelihood.value = ""
        await pilot.press(*"70", "tab", *"next quarter", "enter")
        await until(pilot, lambda: get_lead(lead_id).status == "prospect")
        lead = get_lead(lead_id)
        assert (lead.likelihood, lead.purchase_timing) == (70, "next quarter")
        assert {lead.q_need, lead.q_afford, lead.q_authority} == {"yes"}


@pytest.mark.parametrize("size", SIZES)
async def test_qualify_likelihood_140_is_refused_and_nothing_changes(app, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        lead_id = _a_plain_lead(app.screen)
        await ready(pilot)
        before = get_lead(lead_id)
        dialog = await _qualify_dialog(pilot)
        await pilot.press("n", "y", "y", "y", "y")
        dialog.query_one("#qualify-likelihood").value = ""
        await pilot.press(*"140", "enter")
        await until(pilot, lambda: "140 is out of range (0 to 100)" in screen_text(app))
        assert "likelihood" in screen_text(app)
        assert app.screen is dialog
        after = get_lead(lead_id)
        assert (after.q_need, after.likelihood, after.status) == (
            before.q_need,
            before.likelihood,
            before.status,
        )
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not dialog)


async def _status_dialog(pilot, key: str) -> StatusDialog:
    await pilot.press("m")
    await until(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, StatusDialog))
    await pilot.pause()
    return pilot.app.screen


@pytest.mark.parametrize("size", SIZES)
async def test_customer_needs_a_good_deal_value_then_asks_for_a_referral(app, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        lead_id = _a_plain_lead(app.screen)
        await ready(pilot)
        dialog = await _status_dialog(pilot, "c")
        await pilot.press(*"12k", "enter")
        await until(pilot, lambda: "'12k' is not an amount" in screen_text(app))
        assert app.screen is dialog and get_lead(lead_id).status == "lead"
        await pilot.press("backspace", *"000.50", "enter")
        await until(pilot, lambda: get_lead(lead_id).status == "customer")
        assert get_lead(lead_id).deal_value == Decimal("12000.50")
        # A new customer: the moment to ask for a referral.
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("s")
        await until(pilot, lambda: [r for r, _ in _asks(lead_id)] == ["skipped"])


@pytest.mark.parametrize("size", SIZES)
async def test_lost_needs_a_reason(app, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        lead_id = _a_plain_lead(app.screen)
        await ready(pilot)
        dialog = await _status_dialog(pilot, "l")
        await pilot.press("enter")
        await until(pilot, lambda: "reason: say why the lead was lost" in screen_text(app))
        assert app.screen is dialog and get_lead(lead_id).status == "lead"
        await pilot.press(*"went with a competitor", "enter")
        await until(pilot, lambda: get_lead(lead_id).status == "lost")
        assert get_lead(lead_id).lost_reason == "went with a competitor"
