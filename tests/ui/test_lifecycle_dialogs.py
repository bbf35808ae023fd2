"""Editing the lead lifecycle from the workstation: the benefit-statement picker (type to
filter, Enter inserts, the next touch records it)."""

from __future__ import annotations

import pytest

from models.leads import get_lead, touches_for
from models.schema import Note
from tests.ui.conftest import ready, screen_text, until
from tui.dialogs.benefit_picker import BenefitPicker

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
