"""Importing a lead file from the workstation: choose the file, read how callq maps its columns,
check every row (the report), then import, with a progress bar and a summary at the end.

The check is a dry run of the real import, so what the rep confirms is exactly what will be
written; both run in a thread worker that reports progress back as messages. Dismisses the
final :class:`models.importing.ImportReport` when leads were written, else ``None``.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, ProgressBar, Static

from models.errors import CallqError
from models.importing import (
    DUPLICATE_POLICIES,
    ImportOptions,
    ImportPlan,
    ImportReport,
    plan_import,
    run_import,
)

from ..workers import db_thread

PROBLEMS_SHOWN = 200  # the CLI's --json lists every one
IMPORTABLE = (".csv", ".tsv", ".txt", ".vcf", ".vcard")
PROGRESS_EVERY = 0.1  # seconds between progress messages
STAGE_KEYS = {
    "file": "Enter checks the file · → or Tab completes · Esc closes",
    "busy": "Esc stops (nothing is written)",
    "checked": "Esc closes",
    "done": "Enter or Esc closes",
}


class PathSuggester(Suggester):
    """Completes a path from the files there: a lone match whole, several as far as they agree
    (lead files first when they do not)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        folder, partial = os.path.split(os.path.expanduser(value))
        try:
            entries = [e for e in os.scandir(folder or ".") if e.name.startswith(partial)]
        except OSError:
            return None
        if not partial.startswith("."):
            entries = [e for e in entries if not e.name.startswith(".")]
        if not entries:
            return None
        names = sorted(
            (e.name + ("/" if e.is_dir() else "") for e in entries),
            key=lambda name: (not name.lower().endswith(IMPORTABLE + ("/",)), name),
        )
        common = os.path.commonprefix(names)
        chosen = common if len(names) == 1 or len(common) > len(partial) else names[0]
        return value + chosen[len(partial) :]


class ImportDialog(ModalScreen[ImportReport | None]):
    """The import, one step after another: file, check, import, summary."""

    BINDINGS = [
        Binding("escape", "close", "Close (or stop a run)", id="import_close"),
        Binding("tab", "complete", "Complete the path", id="import_complete", show=False),
        Binding("enter", "import", "Import", id="import_confirm"),
        Binding("s", "import_valid", "Import the valid rows", id="import_valid"),
        Binding("d", "duplicates", "Duplicates: skip, update or keep", id="import_duplicates"),
        Binding("f", "choose_file", "Choose another file", id="import_file"),
    ]

    stage: reactive[str] = reactive("file", init=False)

    class Planned(Message):
        def __init__(self, plan: ImportPlan) -> None:
            super().__init__()
            self.plan = plan

    class Progressed(Message):
        def __init__(self, done: int, total: int, rows: int) -> None:
            super().__init__()
            self.done, self.total, self.rows = done, total, rows

    class Finished(Message):
        def __init__(self, report: ImportReport) -> None:
            super().__init__()
            self.report = report

    class Failed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self._path = path
        self.plan: ImportPlan | None = None
        self.checked: ImportReport | None = None  # the dry run the rep is looking at
        self.report: ImportReport | None = None  # the real run, once done
        self.duplicates = "skip"
        self._stop = threading.Event()
        self._started = 0.0
        self._doing = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog") as dialog:
            dialog.border_title = "Import leads"
            yield Input(
                self._path,
                placeholder="path to a CSV or vCard file",
                suggester=PathSuggester(),
                compact=True,
                id="import-path",
            )
            yield Static(id="import-status")
            yield ProgressBar(id="import-progress", show_eta=False)
            with VerticalScroll(id="import-scroll"):
                yield Static(id="import-body")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self._show_stage()
        self._say(f"Relative paths start at {Path.cwd()}.")
        self.query_one(Input).focus()

    # -- what the rep sees --------------------------------------------------------------------

    def watch_stage(self) -> None:
        self._show_stage()
        self.refresh_bindings()

    def _show_stage(self) -> None:
        dialog = self.query_one("#import-dialog")
        if self.stage == "checked" and self.checked is not None:
            dialog.border_subtitle = self._checked_keys(self.checked)
        else:
            dialog.border_subtitle = STAGE_KEYS.get(self.stage, "")
        path = self.query_one(Input)
        path.disabled = self.stage != "file"
        if self.stage == "file":
            path.focus()
        else:
            self.query_one("#import-scroll").focus()

    def _checked_keys(self, report: ImportReport) -> str:
        keys = []
        if not report.errors and report.imported + report.updated:
            keys.append("Enter imports")
        if report.errors and report.imported + report.updated:
            keys.append("s imports the valid rows")
        keys += ["d duplicates", "f file", "Esc closes"]
        return " · ".join(keys)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Each key only where it means something (so the footer and help tell the truth)."""
        report = self.checked
        if action == "complete":
            return self.stage == "file"
        if action == "import":
            if self.stage == "done":
                return True
            ready = self.stage == "checked" and report is not None and not report.errors
            return ready and report.imported + report.updated > 0
        if action == "import_valid":
            return (
                self.stage == "checked"
                and report is not None
                and bool(report.errors)
                and report.imported + report.updated > 0
            )
        if action in ("duplicates", "choose_file"):
            return self.stage == "checked"
        return True

    def _say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.set_class(error, "-error")
        status.update(Text(message))

    def _body(self, lines: list[Text | str]) -> None:
        texts = [Text(line) if isinstance(line, str) else line for line in lines]
        self.query_one("#import-body", Static).update(Text("\n").join(texts))
        self.query_one("#import-scroll").scroll_home(animate=False)

    # -- choosing the file ----------------------------------------------------------------------

    def action_complete(self) -> None:
        self.query_one(Input).action_cursor_right()

    @on(Input.Submitted, "#import-path")
    def _chosen(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self._say("Type the path of the file to import.", error=True)
            return
        self.stage = "busy"
        self._stop.clear()
        self._say(f"Reading {path}…")
        self._plan(path, self._options())

    def action_choose_file(self) -> None:
        self.stage = "file"
        self._say("Choose another file.")

    def _options(self, **changes) -> ImportOptions:
        app = self.app
        return ImportOptions(
            region=app.settings.default_region.upper(),
            duplicates=self.duplicates,
            sources=app.ctx.sources,
            **changes,
        )

    @work(thread=True, exclusive=True, group="import")
    def _plan(self, path: str, options: ImportOptions) -> None:
        try:
            with db_thread():
                plan = plan_import(path, options)
        except CallqError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Planned(plan))

    def on_import_dialog_planned(self, message: Planned) -> None:
        if self._stop.is_set():  # Esc while the file was being read
            self.stage = "file"
            self._say("Stopped.")
            return
        self.plan = message.plan
        self.checked = None
        self._check()

    # -- checking and importing ---------------------------------------------------------------

    def _check(self) -> None:
        """The report: a dry run of exactly the import the rep would confirm."""
        self._start(self._options(dry_run=True))

    def action_duplicates(self) -> None:
        policies = list(DUPLICATE_POLICIES)
        self.duplicates = policies[(policies.index(self.duplicates) + 1) % len(policies)]
        self._check()

    def action_import(self) -> None:
        if self.stage == "done":
            self.dismiss(self.report if self.report and self.report.written else None)
            return
        self._start(self._options())

    def action_import_valid(self) -> None:
        self._start(self._options(skip_invalid=True))

    def _start(self, options: ImportOptions) -> None:
        if self.plan is None:
            return
        self.stage = "busy"
        self._stop.clear()
        self._started = time.monotonic()
        bar = self.query_one(ProgressBar)
        bar.update(total=max(self.plan.path.stat().st_size, 1), progress=0)
        bar.display = True
        self._doing = "Checking" if options.dry_run else "Importing"
        self._say(f"{self._doing} {self.plan.path.name}…")
        self._run(self.plan, options)

    @work(thread=True, exclusive=True, group="import")
    def _run(self, plan: ImportPlan, options: ImportOptions) -> None:
        last = 0.0

        def progress(done: int, total: int, rows: int) -> None:
            nonlocal last
            if self._stop.is_set():
                raise _Stopped
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or done >= total:
                last = now
                self.post_message(self.Progressed(done, total, rows))

        app = self.app
        try:
            with db_thread():
                report = run_import(plan, options, owner=app.rep, now=app.now(), progress=progress)
        except _Stopped:
            self.post_message(self.Failed("Stopped: nothing was written."))
            return
        except CallqError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Finished(report))

    def on_import_dialog_progressed(self, message: Progressed) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)
        elapsed = time.monotonic() - self._started
        rate = f", {message.rows / elapsed:,.0f} a second" if elapsed > 0.5 else ""
        self._say(f"{self._doing} {self.plan.path.name}: {message.rows:,} rows{rate}…")

    def on_import_dialog_finished(self, message: Finished) -> None:
        report = message.report
        self.query_one(ProgressBar).display = False
        if report.dry_run:
            self.checked = report
            self.stage = "checked"
            self._show_check(report)
        else:
            self.report = report
            self.stage = "done"
            self._show_result(report)
        report.problems.close()

    def on_import_dialog_failed(self, message: Failed) -> None:
        self.query_one(ProgressBar).display = False
        back = "checked" if self.checked is not None and self.plan is not None else "file"
        if back == "file":
            self.plan = None
        self.stage = back
        self._say(message.error, error=True)

    def _show_check(self, report: ImportReport) -> None:
        plan = report.plan
        policy = (
            f"Duplicates (same phone or email): {DUPLICATE_POLICIES[report.duplicates_policy]}."
            " d changes this."
        )
        counts = (
            f"{report.read:,} rows: {report.imported:,} to import, {report.updated:,} to update, "
            f"{report.duplicates:,} duplicates to skip, {report.rejected:,} rejected"
        )
        if report.errors:
            valid = report.imported + report.updated
            self._say(
                f"{report.rejected:,} rows cannot be imported; as the file stands nothing is "
                + (f"written (s imports the {valid:,} valid ones)." if valid else "written."),
                error=True,
            )
        elif report.imported + report.updated:
            self._say(f"Ready: Enter imports {report.imported + report.updated:,} leads.")
        else:
            self._say("Nothing to import: every row is already here.")
        lines: list[Text | str] = [Text(counts, style="bold"), policy]
        # What stops the import comes first; the mapping when there is nothing to fix.
        if report.errors:
            lines += self._problem_lines(report) + [""] + plan.describe()
        else:
            lines += [""] + plan.describe() + self._problem_lines(report)
        self._body(lines)

    def _show_result(self, report: ImportReport) -> None:
        name = report.plan.path.name
        if report.written:
            count = report.imported + report.updated
            leads, are = ("lead", "is") if count == 1 else ("leads", "are")
            self._say(f"Done: {count:,} {leads} from {name} {are} in.")
        else:
            self._say(f"Nothing written: {name} has rows that cannot be imported.", error=True)
        lines: list[Text | str] = [
            Text("Summary", style="bold"),
            f"  read                    {report.read:>10,}",
            f"  imported                {report.imported:>10,}",
            f"  updated                 {report.updated:>10,}",
            f"  skipped as duplicates   {report.duplicates:>10,}",
            f"  rejected                {report.rejected:>10,}",
        ]
        if report.kept_duplicates:
            lines.append(f"  kept though duplicates  {report.kept_duplicates:>10,}")
        if report.rejects_file:
            lines += ["", f"The rejected rows, unchanged, are in {report.rejects_file}"]
        lines += self._problem_lines(report)
        self._body(lines)

    def _problem_lines(self, report: ImportReport) -> list[Text | str]:
        if not len(report.problems):
            return []
        lines: list[Text | str] = ["", Text("Problems (line · column · reason)", style="bold")]
        label = {"error": "", "warning": "warning: ", "duplicate": "duplicate: "}
        style = {"error": "bold", "warning": "", "duplicate": "dim"}
        for shown, problem in enumerate(report.problems):
            if shown >= PROBLEMS_SHOWN:
                lines.append(
                    f"… and {len(report.problems) - shown:,} more "
                    f"(callq import {report.plan.path} --dry-run --json lists every one)"
                )
                break
            lines.append(
                Text(
                    f"line {problem.line} · {problem.column} · {label[problem.kind]}"
                    f"{problem.reason}",
                    style=style[problem.kind],
                )
            )
        return lines

    # -- leaving --------------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.stage == "busy":
            self._stop.set()  # the worker stops at its next chunk and rolls back
            self._say("Stopping…")
            return
        self.dismiss(self.report if self.report and self.report.written else None)


class _Stopped(Exception):
    """The rep stopped a run: raised inside the import, which rolls back."""
