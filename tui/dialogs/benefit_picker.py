"""The benefit-statement picker: the library's statements that fit the lead, filtered as the rep
types. They are loaded once, in a worker; each keystroke filters them in memory. Enter picks the
highlighted one (↑/↓ move), Esc cancels. Dismisses the statement picked, or ``None``."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from models.benefits import benefit_choices, filter_benefits
from models.leads import get_lead

from ..workers import db_thread


class BenefitPicker(ModalScreen):
    """Pick a library statement for the lead ``lead_id``."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="benefit_pick_cancel"),
        Binding("down", "move(1)", "Next statement", id="benefit_pick_down", show=False),
        Binding("up", "move(-1)", "Previous statement", id="benefit_pick_up", show=False),
    ]

    class Loaded(Message):
        def __init__(self, choices: list, error: str = "") -> None:
            super().__init__()
            self.choices, self.error = choices, error

    def __init__(self, lead_id: int, name: str) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.name_ = name
        self.choices: list | None = None
        self.shown: list = []

    def compose(self) -> ComposeResult:
        with Vertical(id="benefit-dialog", classes="dialog") as dialog:
            dialog.border_title = Content(f"Benefit statement — {self.name_}")
            dialog.border_subtitle = "type to filter · ↑↓ choose · Enter inserts · Esc cancels"
            yield Input(placeholder="type words to filter", id="benefit-filter")
            yield OptionList(id="benefit-options")
            yield Static("Loading the library…", id="benefit-status")

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False  # typing stays in the filter
        self.query_one(Input).focus()
        self._load()

    @work(thread=True, exclusive=True, group="benefit-load")
    def _load(self) -> None:
        try:
            with db_thread():
                lead = get_lead(self.lead_id)
                choices = benefit_choices(lead.industry)
        except Exception as exc:  # CallqError, or the lead vanished meanwhile
            self.post_message(self.Loaded([], str(exc)))
            return
        self.post_message(self.Loaded(choices))

    def on_benefit_picker_loaded(self, message: Loaded) -> None:
        if message.error:
            self.query_one("#benefit-status", Static).update(
                Text(f"Cannot load the library: {message.error}", style="bold")
            )
            return
        self.choices = message.choices
        self._show(self.query_one(Input).value)

    @on(Input.Changed, "#benefit-filter")
    def _filter(self, event: Input.Changed) -> None:
        if self.choices is not None:
            self._show(event.value)

    def _show(self, typed: str) -> None:
        self.shown = filter_benefits(self.choices or [], typed)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(
                Text.assemble(
                    choice.statement.body,
                    (f"  ({choice.statement.product})" if choice.statement.product else "", "dim"),
                    (f"  used {choice.uses}×" if choice.uses else "", "dim"),
                )
            )
            for choice in self.shown
        )
        if self.shown:
            options.highlighted = 0
        status = self.query_one("#benefit-status", Static)
        total = len(self.choices or [])
        if not total:
            status.update(
                "The library has no statement for this lead's industry yet "
                '(callq benefit add "…" --industry …).'
            )
        elif not self.shown:
            status.update(Text(f"No statement holds {typed.strip()!r}; of {total} in the library."))
        else:
            status.update(f"{len(self.shown)} of {total}")

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            at = options.highlighted if options.highlighted is not None else 0
            options.highlighted = max(0, min(len(self.shown) - 1, at + step))

    @on(Input.Submitted, "#benefit-filter")
    def _pick(self, event: Input.Submitted) -> None:
        event.stop()
        at = self.query_one(OptionList).highlighted
        if not self.shown or at is None:
            self.notify("No statement to insert: change the filter.", severity="warning")
            return
        self.dismiss(self.shown[at].statement)

    def action_cancel(self) -> None:
        self.dismiss(None)
