"""``?``: every key of the screen underneath, as the keymap has made them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..commands import key_actions


class HelpScreen(ModalScreen[None]):
    """A table of keys, actions and binding ids (the ids are what the keymap setting names)."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help_close"),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self._actions = key_actions(under)

    def compose(self) -> ComposeResult:
        table = Table(expand=True, box=None, padding=(0, 1), show_edge=False)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Does")
        table.add_column(Text("Id (for [keymap])"), style="dim", no_wrap=True)
        for action in self._actions:
            # Textual's own keys have no id: the keymap cannot move them.
            keymap_id = action.id if action.remappable else ""
            table.add_row(action.key_text, action.description, keymap_id)
        with VerticalScroll(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "Esc closes · remap in config.toml [keymap]"
            yield Static(table, id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
