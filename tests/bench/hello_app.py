"""The baseline for P1, P2, P4 and P7: a hello-world Textual app with a DataTable.

A header, a table of 200 static rows shaped like a queue (name, company, phone, zone) and a
footer; the cursor row moves with the arrow keys. Run it with ``python -m tests.bench.hello_app``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

ROWS = [
    (f"Hello Lead {i:03d}", f"Company {i % 37:02d} Ltd", f"(212) 555-{i:04d}", "America/New_York")
    for i in range(200)
]


class HelloApp(App):
    """Hello, world, with a DataTable."""

    TITLE = "hello"
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="queue", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Company", "Phone", "Zone")
        table.add_rows(ROWS)
        table.focus()


if __name__ == "__main__":
    HelloApp().run()
