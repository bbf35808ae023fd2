"""Qualify a lead: the five questions (y / n / u on the row at the cursor, ↑ ↓ or Tab to move),
the likelihood of buying (0–100) and the timing of purchase. ctrl+s (or Enter in a text field)
saves through :func:`models.pipeline.qualify`; a bad value says which field and why and saves
nothing. Dismisses the :class:`Qualification`, or ``None`` on Esc."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from models.errors import CallqError
from models.leads import get_lead
from models.pipeline import QUESTIONS, PromotionRule, answers_of, parse_likelihood, qualify

from ..workers import db_thread

MARKS = {"yes": ("yes", "bold green"), "no": ("no", "bold red"), "unknown": ("?", "dim")}


class QuestionRow(Static, can_focus=True):
    """One question and its answer; y / n / u answer it and move on."""

    BINDINGS = [
        Binding("y", "answer('yes')", "Yes", id="qualify_yes"),
        Binding("n", "answer('no')", "No", id="qualify_no"),
        Binding("u", "answer('unknown')", "Unknown", id="qualify_unknown"),
        Binding("down", "app.focus_next", "Next field", id="qualify_next", show=False),
        Binding("up", "app.focus_previous", "Previous field", id="qualify_previous", show=False),
    ]

    def __init__(self, key: str, answer: str) -> None:
        super().__init__(id=f"qualify-{key}", classes="question")
        self.key = key
        self.answer = answer

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        word, style = MARKS[self.answer]
        self.update(Text.assemble((f"{word:>3} ", style), QUESTIONS[self.key][1]))

    def action_answer(self, answer: str) -> None:
        self.answer = answer
        self._draw()
        self.screen.focus_next()


class QualifyDialog(ModalScreen):
    """The qualification of the lead ``lead_id``, edited and saved in one go."""

    BINDINGS = [
        Binding("ctrl+s,f2", "save", "Save the qualification", id="qualify_save"),
        Binding("escape", "cancel", "Cancel", id="qualify_cancel"),
    ]

    class Loaded(Message):
        def __init__(self, lead=None, error: str = "") -> None:
            super().__init__()
            self.lead, self.error = lead, error

    class Saved(Message):
        def __init__(self, result=None, error: str = "") -> None:
            super().__init__()
            self.result, self.error = result, error

    def __init__(self, lead_id: int, name: str) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.lead_name = name
        self.lead = None
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="qualify-dialog", classes="dialog") as dialog:
            dialog.border_title = Content(f"Qualify — {self.lead_name}")
            dialog.border_subtitle = "y/n/u answer · ↑↓ Tab move · ctrl+s saves · Esc cancels"
            yield Vertical(id="qualify-questions")
            with Horizontal(id="qualify-fields"):
                yield Label("Likelihood % ")
                yield Input(id="qualify-likelihood", placeholder="0–100")
                yield Label(" Timing ")
                yield Input(id="qualify-timing", placeholder="e.g. next quarter")
            yield Static("Loading…", id="qualify-status")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="qualify-load")
    def _load(self) -> None:
        try:
            with db_thread():
                lead = get_lead(self.lead_id)
        except CallqError as exc:
            self.post_message(self.Loaded(error=str(exc)))
            return
        self.post_message(self.Loaded(lead))

    def on_qualify_dialog_loaded(self, message: Loaded) -> None:
        if message.error:
            self._say(f"Cannot load the lead: {message.error}")
            return
        lead = self.lead = message.lead
        answers = answers_of(lead)
        rows = [QuestionRow(key, answers[key] or "unknown") for key in QUESTIONS]
        self.query_one("#qualify-questions").mount_all(rows)
        if lead.likelihood is not None:
            self.query_one("#qualify-likelihood", Input).value = str(lead.likelihood)
        self.query_one("#qualify-timing", Input).value = lead.purchase_timing or ""
        self._say(f"Status: {lead.status}. All five yes makes a lead a prospect.")
        self.call_after_refresh(rows[0].focus)

    def _say(self, text: str, *, bold: bool = False) -> None:
        self.query_one("#qualify-status", Static).update(Text(text, style="bold" if bold else ""))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self.lead is None or self.saving:
            return
        likelihood = self.query_one("#qualify-likelihood", Input).value
        try:
            parse_likelihood(likelihood)  # said here at once; qualify() checks it again
        except CallqError as exc:
            self._say(f"Not saved: {exc}", bold=True)
            self.query_one("#qualify-likelihood", Input).focus()
            return
        answers = {row.key: row.answer for row in self.query(QuestionRow)}
        timing = self.query_one("#qualify-timing", Input).value
        self.saving = True
        self._save(answers, likelihood, timing)

    @work(thread=True, exclusive=True, group="qualify-save")
    def _save(self, answers: dict, likelihood: str, timing: str) -> None:
        app = self.app
        try:
            rule = PromotionRule.from_settings(app.settings)
            with db_thread():
                result = qualify(
                    self.lead_id,
                    answers,
                    likelihood=likelihood,
                    timing=timing,
                    rule=rule,
                    rep=app.rep,
                    now=app.now(),
                )
        except CallqError as exc:
            self.post_message(self.Saved(error=str(exc)))
            return
        self.post_message(self.Saved(result))

    def on_qualify_dialog_saved(self, message: Saved) -> None:
        self.saving = False
        if message.error:
            self._say(f"Not saved: {message.error}", bold=True)
            return
        self.dismiss(message.result)

    def action_cancel(self) -> None:
        self.dismiss(None)
