"""A callback: the time the prospect asked for, typed as people say it ("tomorrow 10:30",
"fri 9am", "+3d"), read on a clock the dialog names — theirs by default, yours with ctrl+t."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from models.errors import CallqError
from models.outcomes import LEAD_ZONE, REP_ZONE
from models.when import parse_when

from .. import text


class CallbackDialog(ModalScreen[tuple[str, str] | None]):
    """Dismisses (what was typed, ``"lead"`` or ``"rep"``): the zone it was read in."""

    BINDINGS = [
        Binding("ctrl+t,f2", "switch_zone", "Their time / your time", id="callback_zone"),
        Binding("escape", "cancel", "Cancel", id="callback_cancel"),
    ]

    whose: reactive[str] = reactive(LEAD_ZONE)

    def __init__(self, entry, label: str = "Callback") -> None:
        super().__init__()
        self.entry = entry
        self.label = label
        self.when = None

    def compose(self) -> ComposeResult:
        with Vertical(id="callback-dialog", classes="dialog") as dialog:
            dialog.border_title = Content(f"{self.label} — {self.entry.name}")
            dialog.border_subtitle = "Enter saves · ctrl+t their/your time · Esc cancels"
            yield Static("When did they ask you to call?", id="callback-question")
            yield Static(id="callback-zone")
            yield Input(placeholder="tomorrow 10:30 · fri 9am · +3d", id="callback-when")
            yield Static(id="callback-result")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._show_zone()

    @property
    def zone(self) -> str:
        return self.entry.zone if self.whose == LEAD_ZONE else self.app.zone

    def watch_whose(self) -> None:
        if self.is_mounted:
            self._show_zone()
            self._read(self.query_one(Input).value)

    def _show_zone(self) -> None:
        now = self.app.now().in_timezone(self.zone).format("ddd HH:mm")
        who = "THEIR time" if self.whose == LEAD_ZONE else "YOUR time"
        self.query_one("#callback-zone", Static).update(
            Text.assemble("Read in ", (f"{who}: {self.zone}", "bold"), f" (now {now} there)")
        )

    @on(Input.Changed, "#callback-when")
    def _changed(self, event: Input.Changed) -> None:
        self._read(event.value)

    def _read(self, typed: str) -> None:
        result = self.query_one("#callback-result", Static)
        self.when = None
        if not typed.strip():
            result.update("")
            return
        try:
            # Pure arithmetic on the clock, no database: fine on the UI thread as one types.
            self.when = parse_when(typed, zone=self.zone, now=self.app.now())
        except CallqError as exc:
            result.update(Text(str(exc), style="bold"))
            return
        now = self.app.now()
        if self.when <= now:
            result.update(Text(f"{text.when(self.when, self.zone, now)} has passed", style="bold"))
            self.when = None
            return
        result.update(
            Text.assemble(
                ("→ ", "bold"),
                text.both_zones(self.when, self.app.zone, self.entry.zone, now, zones=True),
            )
        )

    @on(Input.Submitted, "#callback-when")
    def _submitted(self, event: Input.Submitted) -> None:
        self._read(event.value)
        if self.when is None:
            self.app.bell()
            if not event.value.strip():
                self.query_one("#callback-result", Static).update(
                    Text("Type when they asked to be called, e.g. tomorrow 10:30", style="bold")
                )
            return
        self.dismiss((event.value.strip(), self.whose))

    def action_switch_zone(self) -> None:
        self.whose = REP_ZONE if self.whose == LEAD_ZONE else LEAD_ZONE

    def action_cancel(self) -> None:
        self.dismiss(None)
