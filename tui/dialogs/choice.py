"""A question with a few answers, each on its own key: starting, stopping or recovering a block,
quitting with a block running. Dismisses the chosen value, or ``None`` on Esc."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ChoiceDialog(ModalScreen[str | None]):
    """``choices``: (key, label, value). The keys are shown beside their answers."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice_cancel")]

    def __init__(self, title: str, body: str, choices: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-dialog", classes="dialog") as dialog:
            dialog.border_title = self._title
            dialog.border_subtitle = "Esc cancels"
            if self._body:
                yield Static(Text(self._body), id="choice-body")
            for key, label, _ in self._choices:
                line = Text.assemble((f" {key} ", "reverse bold"), " ", label)
                yield Static(line, classes="choice")

    def on_key(self, event: events.Key) -> None:
        for key, _, value in self._choices:
            if event.key == key or event.character == key:
                event.stop()
                self.dismiss(value)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)
