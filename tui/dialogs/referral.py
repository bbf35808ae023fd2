"""A referred lead, typed in while the referrer is still on the line: name, company (optional),
phone. Enter moves to the next field and saves on the phone; the new lead is created already
linked to its referrer (and the ask recorded as obtained). A bad value keeps the dialog open,
says which field and why, and saves nothing. Dismisses the new lead's name, or ``None``."""

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

from models.errors import CallqError
from models.referrals import add_referral

from ..workers import db_thread

FIELDS = [("name", "Name"), ("company", "Company (optional)"), ("phone", "Phone")]


class ReferralForm(ModalScreen):
    """Create the lead that ``referrer_id`` referred (on the touch ``touch_id``, if any)."""

    BINDINGS = [
        Binding("ctrl+s,f2", "save", "Save the referred lead", id="referral_save"),
        Binding("escape", "cancel", "Cancel", id="referral_cancel"),
    ]

    class Saved(Message):
        def __init__(self, name: str = "", error: str = "") -> None:
            super().__init__()
            self.name, self.error = name, error

    def __init__(self, referrer_id: int, referrer_name: str, touch_id: int | None = None) -> None:
        super().__init__()
        self.referrer_id = referrer_id
        self.referrer_name = referrer_name
        self.touch_id = touch_id
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="referral-dialog", classes="dialog") as dialog:
            dialog.border_title = Content(f"Referred by {self.referrer_name}")
            dialog.border_subtitle = "Enter next field / saves · ctrl+s saves · Esc cancels"
            for key, label in FIELDS:
                yield Label(label)
                yield Input(id=f"referral-{key}")
            yield Static("Who else should you talk to?", id="referral-status")

    def on_mount(self) -> None:
        self.query_one("#referral-name", Input).focus()

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#referral-{key}", Input).value.strip() for key, _ in FIELDS}

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "referral-phone":
            self.action_save()
        else:
            self.focus_next(Input)

    def _problem(self, text: str) -> None:
        self.query_one("#referral-status", Static).update(Text(text, style="bold"))

    def action_save(self) -> None:
        if self.saving:
            return
        fields = self.values()
        if not fields["name"]:
            self._problem("Name: who did they refer? A lead needs a name.")
            self.query_one("#referral-name", Input).focus()
            return
        if not fields["phone"]:
            self._problem("Phone: a number to call them on is needed.")
            self.query_one("#referral-phone", Input).focus()
            return
        if not fields["company"]:
            del fields["company"]
        self.saving = True
        self._problem("Saving…")
        self._save(fields)

    @work(thread=True, exclusive=True, group="referral-save")
    def _save(self, fields: dict[str, str]) -> None:
        app = self.app
        try:
            with db_thread():
                lead = add_referral(
                    self.referrer_id,
                    fields,
                    owner=app.rep,
                    touch_id=self.touch_id,
                    region=app.settings.default_region,
                    sources=app.ctx.sources,
                    now=app.now(),
                )
        except CallqError as exc:
            self.post_message(self.Saved(error=str(exc)))
            return
        self.post_message(self.Saved(name=lead.name))

    def on_referral_form_saved(self, message: Saved) -> None:
        self.saving = False
        if message.error:
            self._problem(f"Not saved: {message.error}")
            return
        self.dismiss(message.name)

    def action_cancel(self) -> None:
        self.dismiss(None)
