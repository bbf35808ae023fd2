"""Logging outcomes from the workstation: the plan shown before saving, the cursor moving on,
callbacks typed as people say them, and undo."""

from __future__ import annotations

from models.leads import get_lead, touches_for
from models.outcomes import load_rules
from tests.conftest import NOW
from tests.ui.conftest import ready, screen_text, until
from tui.screens.workstation import OUTCOME_KEYS


async def _dialog(pilot, workstation):
    await until(pilot, lambda: pilot.app.screen is not workstation)
    return pilot.app.screen


async def test_every_outcome_key_shows_the_plan_then_logs_and_moves_on(app):
    rules = load_rules()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        workstation = app.screen
        for key, outcome, _, _ in OUTCOME_KEYS:
            if rules[outcome].needs_date:
                continue
            lead = workstation.queue.entry
            after = workstation.queue.entry_at(workstation.queue.cursor + 1)
            await pilot.press(key)
            dialog = await _dialog(pilot, workstation)
            await until(pilot, lambda d=dialog: d.plan is not None)
            shown = screen_text(app)
            assert rules[outcome].label in shown
            assert "Next touch" in shown
            if dialog.plan.next_touch_at is not None:
                assert "your time" in shown and f"their time ({lead.zone})" in shown
            before = len(touches_for(lead.lead_id))
            await pilot.press("enter")
            await until(pilot, lambda lid=lead.lead_id, n=before: len(touches_for(lid)) == n + 1)
            if rules[outcome].ask_referral:  # a conversation: callq asks about a referral
                await until(pilot, lambda: app.screen is not workstation)
                await pilot.press("escape")
                await until(pilot, lambda: app.screen is workstation)
            await until(pilot, lambda a=after: workstation.queue.entry.lead_id == a.lead_id)
            await ready(pilot)
            assert touches_for(lead.lead_id, limit=1)[0].outcome == outcome
            assert workstation.detail.card.lead.id == after.lead_id


async def test_escape_cancels_an_outcome_and_nothing_is_written(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        lead = workstation.queue.entry
        before = len(touches_for(lead.lead_id))
        await pilot.press("1")
        dialog = await _dialog(pilot, workstation)
        await until(pilot, lambda: dialog.plan is not None)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is workstation)
        await pilot.pause(0.1)
        assert len(touches_for(lead.lead_id)) == before
        assert workstation.queue.entry.lead_id == lead.lead_id


async def test_callback_dialog_reads_plain_input_in_their_zone(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        lead = workstation.queue.entry
        await pilot.press("5")
        dialog = await _dialog(pilot, workstation)
        assert f"THEIR time: {lead.zone}" in screen_text(app)
        await pilot.press(*"tomorrow 10:30")
        await pilot.pause()
        expected = NOW.in_timezone(lead.zone).add(days=1).at(10, 30)
        assert dialog.when == expected.in_timezone("UTC")
        assert "→ Tue 24 Nov 10:30" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is workstation)
        await until(
            pilot,
            lambda: (
                len(touches_for(lead.lead_id))
                and touches_for(lead.lead_id, 1)[0].outcome == "callback"
            ),
        )
        saved = get_lead(lead.lead_id)
        assert saved.next_touch_at == expected.in_timezone("UTC")
        assert saved.next_touch_fixed


async def test_callback_bad_input_says_what_is_wrong_and_saves_nothing(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        lead = workstation.queue.entry
        before = len(touches_for(lead.lead_id))
        await pilot.press("5")
        dialog = await _dialog(pilot, workstation)
        await pilot.press(*"someday soon")
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.screen is dialog  # still asking
        assert dialog.when is None
        assert "when:" in screen_text(app)
        # Switch to the rep's clock and give a time that works there.
        await pilot.press("ctrl+t")
        assert f"YOUR time: {app.zone}" in screen_text(app)
        for _ in "someday soon":
            await pilot.press("backspace")
        await pilot.press(*"+3d")
        await pilot.pause()
        assert dialog.when == NOW.add(days=3)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is workstation)
        assert len(touches_for(lead.lead_id)) == before


async def test_undo_puts_the_last_outcome_back(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        lead = workstation.queue.entry
        original = get_lead(lead.lead_id)
        before = len(touches_for(lead.lead_id))
        await pilot.press("1")
        dialog = await _dialog(pilot, workstation)
        await until(pilot, lambda: dialog.plan is not None)
        await pilot.press("enter")
        await until(pilot, lambda: len(touches_for(lead.lead_id)) == before + 1)
        await until(pilot, lambda: workstation.queue.entry.lead_id != lead.lead_id)
        total = workstation.queue.total
        assert workstation.queue.index_of(lead.lead_id) is None  # called: out of today's queue
        await pilot.press("u")
        await until(pilot, lambda: len(touches_for(lead.lead_id)) == before)
        await until(pilot, lambda: workstation.queue.entry.lead_id == lead.lead_id)
        assert workstation.queue.total == total + 1
        restored = get_lead(lead.lead_id)
        assert restored.next_touch_at == original.next_touch_at
        assert restored.attempts == original.attempts
        await ready(pilot)
        assert any("Undone: no answer" in note.message for note in app._notifications)


async def test_an_outcome_the_database_refuses_keeps_the_lead_and_says_why(demo_db, monkeypatch):
    """Another program holds the database past the busy timeout (shortened here): the outcome
    is not logged, the rep is told why, and the cursor stays on the lead to try again."""
    import sqlite3

    import models.db
    from tests.ui.conftest import context
    from tui.app import make_app

    monkeypatch.setitem(models.db.PRAGMAS, "busy_timeout", 200)
    app = make_app(context(demo_db))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        lead = workstation.queue.entry
        before = touches_for(lead.lead_id)
        other = sqlite3.connect(demo_db)
        other.execute("BEGIN IMMEDIATE")  # another callq writing, for longer than we wait
        try:
            await pilot.press("1")
            dialog = await _dialog(pilot, workstation)
            await until(pilot, lambda: dialog.plan is not None)
            await pilot.press("enter")
            await until(pilot, lambda: any("Not done" in n.title for n in app._notifications))
        finally:
            other.rollback()
            other.close()
        (refused,) = [n.message for n in app._notifications if n.title == "Not done"]
        assert "database is locked" in refused and "nothing was written" in refused
        await until(pilot, lambda: workstation.queue.loaded)
        await pilot.pause(0.2)
        assert workstation.queue.entry.lead_id == lead.lead_id
        assert touches_for(lead.lead_id) == before
