"""The session timer pane: starting, pausing, stopping a block; goals; recovery after a crash."""

from __future__ import annotations

from models.blocks import running_block, start_block
from models.reps import current_rep
from tests.conftest import NOW
from tests.ui.conftest import context, ready, screen_text, until
from tui.app import make_app


async def test_start_pause_resume_and_stop_a_block(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        await until(pilot, lambda: "No block running" in screen_text(app))
        await pilot.press("t")
        await until(pilot, lambda: app.screen is not workstation)
        assert "Calling (60 min)" in screen_text(app)
        await pilot.press("c")
        await until(pilot, lambda: workstation.timer.state is not None)
        assert "● Calling 0:00 / 1:00:00" in screen_text(app)
        assert running_block(app.rep).category == "calling"
        await pilot.press("p")
        await until(pilot, lambda: workstation.timer.state.paused)
        assert "paused" in screen_text(app)
        await pilot.press("p")
        await until(pilot, lambda: not workstation.timer.state.paused)
        await pilot.press("t")
        await until(pilot, lambda: app.screen is not workstation)
        assert "Stop the block?" in screen_text(app)
        await pilot.press("s")
        await until(pilot, lambda: workstation.timer.state is None)
        assert running_block(app.rep) is None
        assert "No block running" in screen_text(app)


async def test_goals_show_todays_progress(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: app.screen.timer.progress is not None)
        text = screen_text(app)
        assert "calls " in text and "/40" in text
        assert "connects " in text and "/8" in text
        assert "calling 0/90 min" in text


async def test_a_crashed_block_is_resumed_or_ended_honestly(demo_db):
    from models.db import close_database, open_database

    open_database(demo_db)
    rep = current_rep("ana")
    start_block(rep, "calling", now=NOW.subtract(hours=2), heartbeat=True)
    close_database()
    app = make_app(context(demo_db))  # two hours later: the heartbeat is long stale
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Your block stopped counting" in screen_text(app))
        assert "End it at 07:00" in screen_text(app)  # 09:00 New York, less two hours
        await pilot.press("e")
        await until(pilot, lambda: running_block(app.rep) is None)


async def test_quit_with_a_running_block_asks_and_can_leave_it_running(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        await pilot.press("t", "c")
        await until(pilot, lambda: workstation.timer.state is not None)
        await pilot.press("q")
        await until(pilot, lambda: "Quit callq" in screen_text(app))
        await pilot.press("l")
        await until(pilot, lambda: app._exit_renderables is not None or not app.is_running)
    block = running_block(app.rep)
    assert block is not None and block.heartbeat_at is None  # timed by the wall clock now
