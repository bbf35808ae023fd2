"""Before an outcome is saved: what it will schedule (the next touch on both clocks), what it
does to attempts and status, and whether to ask for a referral. Enter saves, Esc cancels."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from models.catalog import STATUSES
from models.outcomes import preview_outcome

from .. import text
from ..workers import db_thread


def plan_summary(plan, now, *, attempt_cap: int) -> Group:
    """The next touch and its consequences, as the rep reads them (shared with the callback)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    if plan.next_touch_at is None:
        grid.add_row("Next touch", Text("none: the lead leaves the queue", style="bold"))
    else:
        grid.add_row(
            "Next touch",
            Text(text.when(plan.next_touch_at, plan.rep_zone, now) + " your time", style="bold"),
        )
        grid.add_row(
            "",
            text.when(plan.next_touch_at, plan.lead_zone, now) + f" their time ({plan.lead_zone})",
        )
        grid.add_row(
            "By", plan.channel + ("  (the time they gave, kept exactly)" if plan.fixed else "")
        )
    if plan.reason:
        grid.add_row("Why", plan.reason)
    grid.add_row("Attempts", f"{plan.attempts} of {attempt_cap} since the last conversation")
    if plan.status_changed:
        grid.add_row("Status", f"→ {STATUSES.get(plan.status, plan.status)}")
    lines = [grid]
    if plan.exhausted:
        lines.append(Text("Attempts exhausted: the lead leaves the queue, marked.", style="bold"))
    if plan.ask_referral:
        lines.append(
            Text("A good conversation: ask them who else you should talk to.", style="bold")
        )
    return Group(*lines)


class OutcomeDialog(ModalScreen[bool]):
    """Shows the plan for ``outcome`` on the lead; dismisses True to save it."""

    BINDINGS = [
        Binding("enter,y", "save", "Save", id="outcome_save"),
        Binding("escape,n", "cancel", "Cancel", id="outcome_cancel"),
    ]

    class Previewed(Message):
        def __init__(self, plan, error: str = "") -> None:
            super().__init__()
            self.plan, self.error = plan, error

    def __init__(self, entry, outcome: str, label: str) -> None:
        super().__init__()
        self.entry = entry
        self.outcome = outcome
        self.label = label
        self.plan = None

    def compose(self) -> ComposeResult:
        with Vertical(id="outcome-dialog", classes="dialog") as dialog:
            dialog.border_title = Content(f"{self.label} — {self.entry.name}")
            dialog.border_subtitle = "Enter saves · Esc cancels"
            yield Static("Working out the next touch…", id="outcome-plan")

    def on_mount(self) -> None:
        self._preview()

    @work(thread=True, exclusive=True, group="outcome-preview")
    def _preview(self) -> None:
        app = self.app
        try:
            with db_thread():
                plan = preview_outcome(
                    self.entry.lead_id,
                    self.outcome,
                    rep=app.rep,
                    now=app.now(),
                    settings=app.settings,
                )
        except Exception as exc:  # CallqError, or the lead vanished meanwhile
            self.post_message(self.Previewed(None, str(exc)))
            return
        self.post_message(self.Previewed(plan))

    def on_outcome_dialog_previewed(self, message: Previewed) -> None:
        body = self.query_one("#outcome-plan", Static)
        if message.plan is None:
            body.update(Text(f"Cannot log this: {message.error}", style="bold"))
            return
        self.plan = message.plan
        body.update(
            plan_summary(message.plan, self.app.now(), attempt_cap=self.app.settings.attempt_cap)
        )

    def action_save(self) -> None:
        if self.plan is not None:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
