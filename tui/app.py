"""The Textual application: thin; it holds the context and pushes the workstation screen."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from models.leads import list_leads
from models.phones import national


class CallqApp(App):
    """callq's workstation."""

    TITLE = "callq"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, ctx, notice: str | None = None):
        super().__init__()
        self.ctx = ctx
        self.notice = notice

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="queue", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Company", "Phone", "Zone")
        leads, _ = list_leads(limit=200)
        for lead in leads:
            table.add_row(lead.name, lead.company, national(lead.phone), lead.zone, key=lead.id)
        if self.notice:
            self.notify(self.notice, timeout=10)


def make_app(ctx, notice: str | None = None) -> CallqApp:
    """The one factory for the CLI and the tests."""
    return CallqApp(ctx, notice=notice)
