"""UI fixtures: a fixed demo database (seeded, fixed clock) and the real app built by make_app."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from models.db import close_database, open_database
from models.demo import build_demo
from models.reps import current_rep
from tests.conftest import NOW
from tui.app import make_app
from tui.cli import parse_args
from tui.cli.context import Context

DEMO_LEADS = 60


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """One demo database per test run; each test gets its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_database(path)
    build_demo(leads=DEMO_LEADS, rep=current_rep("ana", now=NOW), now=NOW, seed=7)
    close_database()
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path):
    target = tmp_path / "data"
    target.mkdir(mode=0o700)
    path = target / "callq.db"
    shutil.copy(demo_template, path)
    path.chmod(0o600)
    return path


def context(db_path, *options: str) -> Context:
    args = parse_args(["--db", str(db_path), "--now", NOW.isoformat(), "--rep", "ana", *options])
    ctx = Context(args)
    ctx.open()
    return ctx


@pytest.fixture
def app(demo_db):
    """The workstation on the demo database, at the fixed clock."""
    return make_app(context(demo_db))


@pytest.fixture
def config_file(private_home):
    path = private_home / ".config" / "callq" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


async def until(pilot, condition, timeout: float = 5.0) -> None:
    """Let the app run until ``condition()`` holds (workers post back asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {condition.__doc__ or condition}")
        await pilot.pause(0.01)


async def ready(pilot) -> None:
    """Wait until the queue is loaded and the lead at the cursor is shown."""
    screen = pilot.app.screen
    await until(pilot, lambda: screen.query("#queue") and screen.queue.loaded)
    await until(
        pilot,
        lambda: (
            screen.detail.card is not None and screen.detail.card.lead.id == screen.entry.lead_id
        ),
    )


def screen_text(app) -> str:
    """What the terminal shows now, as plain text lines (the top screen, dialogs included)."""
    screen = app.screen
    # Textual lays out on its next update tick; a test looks between ticks, so lay out first.
    screen._on_timer_update()
    strips = screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)
