"""The note editor: benefit statement, general note or objection, autosaved as a draft while the
rep types, so a dropped connection loses at most the last half second."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from models.catalog import NOTE_KINDS
from models.notes import discard_draft, get_draft, publish_draft, save_draft

from ..workers import db_thread

AUTOSAVE_SECONDS = 0.5  # after the first unsaved keystroke; keeps within the one-second promise
KINDS = list(NOTE_KINDS)


class NoteEditor(ModalScreen[bool]):
    """Dismisses ``True`` when a note was saved, ``False`` when closed with the draft kept."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", id="note_save"),
        Binding("ctrl+t", "next_kind", "Change kind", id="note_kind"),
        Binding("escape", "close", "Close (draft kept)", id="note_close"),
    ]

    kind: reactive[str] = reactive("general")
    status: reactive[str] = reactive("")

    class DraftLoaded(Message):
        def __init__(self, body: str | None, kind: str | None, saved_at) -> None:
            super().__init__()
            self.body, self.kind, self.saved_at = body, kind, saved_at

    class DraftSaved(Message):
        def __init__(self, body: str, kind: str, then: str = "") -> None:
            super().__init__()
            self.body, self.kind, self.then = body, kind, then

    class Failed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, lead_id: int, lead_name: str, *, kind: str = "general") -> None:
        super().__init__()
        self.lead_id = lead_id
        self.lead_name = lead_name
        self.set_reactive(NoteEditor.kind, kind)
        self._saved: tuple[str, str] | None = None  # what the database holds
        self._timer: Timer | None = None
        self._saving = False
        self._then = ""  # what to do once the write in flight is done: "", "close", "publish"
        self._loaded = False  # the stored draft has been read (no autosave before it has)
        self._pending = ""  # save or close asked for before it had

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog") as dialog:
            dialog.border_title = Content(f"Note on {self.lead_name}")
            dialog.border_subtitle = "ctrl+s save · ctrl+t kind · Esc close (draft kept)"
            yield Static(id="note-kind")
            # Typing starts at once: what is typed before the draft has been read is kept and
            # put after it (a fast typist presses n and goes straight on).
            yield TextArea(id="note-body", soft_wrap=True, show_line_numbers=False)
            yield Static(id="note-status")

    def on_mount(self) -> None:
        self.watch_kind(self.kind)
        self.status = "Loading…"
        self._load_draft()

    @property
    def loaded(self) -> bool:
        """Whether the stored draft has been read (and put before anything typed meanwhile)."""
        return self._loaded

    @property
    def body(self) -> str:
        return self.query_one("#note-body", TextArea).text

    def watch_kind(self, kind: str) -> None:
        labels = [
            f"[reverse]● {NOTE_KINDS[k]}[/]" if k == kind else f"○ {NOTE_KINDS[k]}" for k in KINDS
        ]
        for label in self.query("#note-kind").results(Static):
            label.update("Kind: " + " ".join(labels))
        self._changed()

    def watch_status(self, status: str) -> None:
        for label in self.query("#note-status").results(Static):
            label.update(Text(status))

    # -- loading ------------------------------------------------------------------------------

    @work(thread=True, group="note-draft")
    def _load_draft(self) -> None:
        app = self.app
        try:
            with db_thread():
                draft = get_draft(self.lead_id, app.rep)
        except Exception as exc:
            self.post_message(self.Failed(str(exc)))
            return
        if draft is None:
            self.post_message(self.DraftLoaded(None, None, None))
        else:
            self.post_message(self.DraftLoaded(draft.body, draft.kind, draft.updated_at))

    def on_note_editor_draft_loaded(self, message: DraftLoaded) -> None:
        area = self.query_one("#note-body", TextArea)
        typed = area.text  # before the draft arrived
        if message.body is not None:
            area.load_text(_after(message.body, typed))
            self.kind = message.kind or self.kind
            self._saved = (message.body, self.kind)
            when = message.saved_at.in_timezone(self.app.zone).format("ddd HH:mm:ss")
            self.status = f"Restored your unsaved draft (last saved {when})."
            area.move_cursor(area.document.end)
        else:
            self._saved = None
            self.status = "New note. Autosaved as you type."
        self._loaded = True
        area.focus()
        if self._pending:  # ctrl+s or Esc pressed before the draft was in
            self._finish(self._pending)
        else:
            self._changed()  # what was typed meanwhile is saved like the rest

    # -- autosave -----------------------------------------------------------------------------

    @on(TextArea.Changed, "#note-body")
    def _text_changed(self) -> None:
        self._changed()

    def _changed(self) -> None:
        if not self._loaded:
            return
        if self._timer is None and not self._saving:
            self._timer = self.set_timer(AUTOSAVE_SECONDS, self._autosave)

    def _dirty(self) -> bool:
        current = (self.body, self.kind)
        if self._saved is None:
            return bool(self.body.strip())
        return current != self._saved

    def _autosave(self, then: str = "") -> None:
        self._timer = None
        if self._saving:
            self._then = then or self._then
            return
        if not self._dirty() and not then:
            return
        self._saving = True
        self._then = then
        self._write(self.body, self.kind, then)

    @work(thread=True, group="note-write")
    def _write(self, body: str, kind: str, then: str) -> None:
        app = self.app
        try:
            with db_thread():
                if then == "publish":
                    save_draft(self.lead_id, body, kind=kind, author=app.rep, now=app.now())
                    publish_draft(self.lead_id, author=app.rep, now=app.now())
                elif body.strip():
                    save_draft(self.lead_id, body, kind=kind, author=app.rep, now=app.now())
                else:  # emptied on purpose: no draft left behind
                    discard_draft(self.lead_id, author=app.rep)
        except Exception as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.DraftSaved(body, kind, then))

    def on_note_editor_draft_saved(self, message: DraftSaved) -> None:
        self._saving = False
        self._saved = (message.body, message.kind) if message.body.strip() else None
        then = message.then or self._then
        self._then = ""
        if then == "publish" and message.then == "publish":
            self.dismiss(True)
            return
        if then:  # a close or save asked for while this write was in flight
            self._finish(then)
            return
        stamp = self.app.now().in_timezone(self.app.zone).format("HH:mm:ss")
        self.status = f"Draft saved {stamp}."
        if self._dirty():
            self._changed()

    def on_note_editor_failed(self, message: Failed) -> None:
        self._saving = False
        self.status = f"Not saved: {message.error}"
        self.notify(message.error, title="Note not saved", severity="error")

    # -- keys ---------------------------------------------------------------------------------

    def action_next_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]

    def action_save(self) -> None:
        if not self.body.strip():
            self.notify("The note is empty: type it, or Esc to close.", severity="warning")
            return
        self._finish("publish")

    def action_close(self) -> None:
        self._finish("close")

    def _finish(self, then: str) -> None:
        if not self._loaded:
            self._pending = then
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._saving:
            self._then = then
            return
        if then == "publish":
            self._saving = True
            self._write(self.body, self.kind, "publish")
        elif self._dirty():
            self._saving = True
            self._write(self.body, self.kind, "close")
        else:
            self.dismiss(False)

    def save_now(self) -> None:
        """Write the draft at once (SIGHUP/SIGTERM/quit): the process is about to go."""
        app = self.app
        if not self._loaded:  # typed before the stored draft was read: keep both
            stored = get_draft(self.lead_id, app.rep)
            if stored is not None:
                self.query_one("#note-body", TextArea).load_text(_after(stored.body, self.body))
            self._loaded = True
        if not self._dirty():
            return
        if self.body.strip():
            save_draft(self.lead_id, self.body, kind=self.kind, author=app.rep, now=app.now())
            self._saved = (self.body, self.kind)
        else:
            discard_draft(self.lead_id, author=app.rep)
            self._saved = None


def _after(draft: str, typed: str) -> str:
    """The restored draft with what was typed before it had been read, on a line of its own."""
    if typed and draft and not draft.endswith("\n"):
        return f"{draft}\n{typed}"
    return draft + typed
