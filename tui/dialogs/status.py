"""Move a lead along the pipeline: a customer needs its deal value, a lost lead its reason (any
other move takes an optional reason). Enter saves through :func:`models.pipeline.set_status`; a
bad value says which field and why, keeps the dialog open and saves nothing. Dismisses the
:class:`StatusMove`, or ``None`` on Esc."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from models.catalog import STATUSES
from models.errors import CallqError
from models.pipeline import parse_value, set_status

from ..workers import db_thread


class StatusDialog(ModalScreen):
    """Move the lead ``lead_id`` to ``to_status``."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="status_cancel")]

    class Saved(Message):
        def __init__(self, move=None, error: str = "") -> None:
            super().__init__()
            self.move, self.error = move, error

    def __init__(self, lead_id: int, name: str, to_status: str) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.lead_name = name
        self.to_status = to_status
        self.saving = False

    @property
    def asks_value(self) -> bool:
        return self.to_status == "customer"

    def compose(self) -> ComposeResult:
        with Vertical(id="status-dialog", classes="dialog") as dialog:
            dialog.border_title = Content(f"{self.lead_name} → {STATUSES[self.to_status]}")
            dialog.border_subtitle = "Enter saves · Esc cancels"
            if self.asks_value:
                yield Label("Deal value (e.g. 12000 or 12,000.50)")
            elif self.to_status == "lost":
                yield Label("Why was it lost?")
            else:
                yield Label("Reason (optional)")
            yield Input(id="status-input")
            yield Static("", id="status-message")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _say(self, text: str) -> None:
        self.query_one("#status-message", Static).update(Text(text, style="bold"))

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        event.stop()
        if self.saving:
            return
        typed = event.value.strip()
        try:
            if self.asks_value:
                parse_value(typed)  # said at once; set_status checks it again
            elif self.to_status == "lost" and not typed:
                raise CallqError("reason: say why the lead was lost")
        except CallqError as exc:
            self._say(f"Not saved: {exc}")
            return
        self.saving = True
        self._write(typed)

    @work(thread=True, exclusive=True, group="status-save")
    def _write(self, typed: str) -> None:
        app = self.app
        value, reason = (typed, "") if self.asks_value else (None, typed)
        try:
            with db_thread():
                move = set_status(
                    self.lead_id,
                    self.to_status,
                    value=value,
                    reason=reason,
                    rep=app.rep,
                    now=app.now(),
                )
        except CallqError as exc:
            self.post_message(self.Saved(error=str(exc)))
            return
        self.post_message(self.Saved(move))

    def on_status_dialog_saved(self, message: Saved) -> None:
        self.saving = False
        if message.error:
            self._say(f"Not saved: {message.error}")
            return
        self.dismiss(message.move)

    def action_cancel(self) -> None:
        self.dismiss(None)
