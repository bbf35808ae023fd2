"""The session timer: the running prospecting block, ticking live, and today's goal progress."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from models.blocks import running_block
from models.catalog import BLOCK_CATEGORIES

from .. import text
from ..workers import db_thread


class SessionTimer(Horizontal):
    """One line for the block, one for the goals."""

    class Loaded(Message):
        def __init__(self, block) -> None:
            super().__init__()
            self.block = block

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.block = None

    def compose(self) -> ComposeResult:
        yield Static(id="block-line")

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(1, self._tick)

    @work(thread=True, exclusive=True, group="timer")
    def reload(self) -> None:
        with db_thread():
            block = running_block(self.app.rep)
        self.post_message(self.Loaded(block))

    def on_session_timer_loaded(self, message: Loaded) -> None:
        self.block = message.block
        self._tick()

    def _tick(self) -> None:
        line = self.query_one("#block-line", Static)
        block = self.block
        if block is None:
            line.update("No block running — t starts one.")
            return
        elapsed = (self.app.now() - block.started_at).total_seconds() - block.paused_seconds
        label = BLOCK_CATEGORIES.get(block.category, block.category)
        line.update(
            f"● {label}  {text.duration(elapsed)} / {text.duration(block.planned_minutes * 60)}"
        )

    def save_now(self) -> None:
        """Record that the block was alive until now (issue 5's heartbeat)."""
