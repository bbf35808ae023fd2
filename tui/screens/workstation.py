"""The workstation: the queue, the lead at the cursor, and the session timer, on one screen.

Every key is a binding with an id (remappable through the keymap setting); every database call
runs in a thread worker that posts its result back here.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from models import clock
from models.errors import CallqError
from models.notes import drafts_for

from ..widgets.lead_detail import LeadDetail
from ..widgets.queue_table import QueueTable
from ..widgets.session_timer import SessionTimer
from ..workers import db_thread
from .block_actions import BlockActions
from .lead_actions import LeadActions
from .outcome_actions import OutcomeActions

# The models behind the actions (outcomes, blocks, benefits, referrals) are imported where they
# are used, mostly in the worker that runs the write: loading them would cost the first screen
# ~25 ms and ~1 MiB before the rep has pressed anything (the first such key pays ~10 ms, once).
# The actions live in the mixins (outcome_actions, lead_actions, block_actions): keep them lazy.

# The shipped outcomes (models/outcomes.toml) on digits; ``l`` lists every outcome, the rep's own
# included. (key, outcome, description, in the footer)
OUTCOME_KEYS = [
    ("1", "no_answer", "No answer", True),
    ("2", "voicemail", "Voicemail", True),
    ("3", "busy", "Busy", False),
    ("4", "wrong_number", "Wrong number", False),
    ("5", "callback", "Callback", True),
    ("6", "connected", "Spoke", True),
    ("7", "meeting", "Meeting booked", False),
    ("8", "not_interested", "Not interested", False),
    ("9", "dnc", "Do not contact", False),
]


class WorkstationScreen(OutcomeActions, LeadActions, BlockActions, Screen):
    """Work the queue: move, read, log, write notes, time the block.

    The screen holds the queue, the cursor, the bindings and the messages; the actions behind
    the keys live in the mixins, by role.
    """

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    AUTO_FOCUS = "#queue"

    BINDINGS = [
        Binding("down,j", "next_lead", "Next lead", id="next_lead"),
        *(
            Binding(key, f"log('{outcome}')", label, id=f"outcome_{outcome}", show=shown)
            for key, outcome, label, shown in OUTCOME_KEYS
        ),
        Binding("l", "pick_outcome", "Log outcome…", id="log_outcome", show=False),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("up,k", "previous_lead", "Previous lead", id="previous_lead", show=False),
        Binding("pagedown", "page_down", "Page down", id="page_down", show=False),
        Binding("pageup", "page_up", "Page up", id="page_up", show=False),
        Binding("home", "first_lead", "First lead", id="first_lead", show=False),
        Binding("end", "last_lead", "Last lead", id="last_lead", show=False),
        Binding("enter", "open_lead", "Open", id="open_lead", show=False),
        Binding("escape", "close_lead", "Back to the queue", id="close_lead", show=False),
        Binding("n", "note('general')", "Note", id="note"),
        Binding("b", "note('benefit')", "Benefit statement", id="benefit_note", show=False),
        Binding("o", "note('objection')", "Objection note", id="objection_note", show=False),
        Binding("c", "copy_phone", "Copy number", id="copy_phone", show=False),
        Binding("d", "dial", "Dial", id="dial", show=False),
        Binding("t", "block", "Block start/stop", id="block", show=False),
        Binding("q", "quit", "Quit", id="quit", show=False),
        Binding("p", "pause_block", "Pause/resume block", id="pause_block", show=False),
        Binding("ctrl+r", "refresh", "Refresh queue", id="refresh", show=False),
        Binding("i", "import_leads", "Import leads from a file", id="import_leads", show=False),
        Binding("s", "pick_benefit", "Pick a benefit statement", id="pick_benefit", show=False),
        Binding("r", "add_referral", "Add a lead they referred", id="add_referral", show=False),
        Binding("a", "qualify", "Qualify the lead", id="qualify", show=False),
        Binding("m", "move_status", "Change the lead's status", id="move_status", show=False),
    ]

    entry: reactive[Any | None] = reactive(None, always_update=True, init=False, repaint=False)

    class Dialled(Message):
        def __init__(self, error: str = "") -> None:
            super().__init__()
            self.error = error

    class Written(Message):
        """A write done in a worker: what to tell the rep, or what went wrong."""

        def __init__(self, text: str = "", error: str = "", then=None) -> None:
            super().__init__()
            self.text, self.error, self.then = text, error, then

    class DraftsFound(Message):
        def __init__(self, drafts: list[tuple[int, str]]) -> None:
            super().__init__()
            self.drafts = drafts  # (lead id, name), newest first

    def __init__(self) -> None:
        super().__init__()
        self._arrived: dict[int, object] = {}
        self._undone: int | None = None
        self._benefits: dict[int, int] = {}  # lead id → library statement picked for its touch

    def compose(self) -> ComposeResult:
        app = self.app
        # The breakpoint class for the size we start at, set before anything is styled: set by
        # the first resize instead, it would restyle the whole screen before its first frame.
        width = app.size.width
        for minimum, name in self.HORIZONTAL_BREAKPOINTS:
            self.set_class(width >= minimum and name == self._breakpoint(width), name)
        yield SessionTimer(id="timer")
        with Horizontal(id="panes"):
            queue = QueueTable(app.queue_source(), now=app.now, zone=app.zone, id="queue")
            queue.border_title = "Queue"
            yield queue
            detail = LeadDetail(rep=app.rep, rep_zone=app.zone, now=app.now, id="detail")
            detail.border_title = "Lead"
            yield detail
        yield Footer(compact=True, show_command_palette=False)

    def _breakpoint(self, width: int) -> str:
        """The class of the widest breakpoint ``width`` reaches (as Textual picks it)."""
        return [name for minimum, name in self.HORIZONTAL_BREAKPOINTS if width >= minimum][-1]

    def on_mount(self) -> None:
        queue = self.query_one(QueueTable)
        self.watch(queue, "cursor", self._follow_cursor, init=False)
        self._started = False

    @property
    def queue(self) -> QueueTable:
        return self.query_one(QueueTable)

    @property
    def detail(self) -> LeadDetail:
        return self.query_one(LeadDetail)

    @property
    def timer(self) -> SessionTimer:
        return self.query_one(SessionTimer)

    # -- the lead at the cursor ---------------------------------------------------------------

    def _follow_cursor(self, index: int | None = None) -> None:
        """Show the lead at the queue's cursor. Called from the cursor's watcher, so the new
        lead is drawn in the same frame as the moved cursor."""
        queue = self.queue
        entry = queue.entry
        if entry is not None and entry.lead_id not in self._arrived:
            # When the rep came to this lead: the start of the call, for the touch's duration.
            self._arrived = {entry.lead_id: self.app.now()}
        if entry != self.entry or entry is None:
            self.entry = entry
        around = [queue.entry_at(queue.cursor + step) for step in (1, 2, -1)]
        self.detail.prefetch([e for e in around if e is not None])
        total = queue.total
        more = "" if queue.counted else "+"  # counted a moment after the first rows arrive
        place = f"{queue.cursor + 1} of {total}{more}" if total else "empty"
        queue.show_place(place)

    @on(QueueTable.Highlighted)
    def _highlighted(self, message: QueueTable.Highlighted) -> None:
        if not self._started:
            # The queue is in: once it is painted, the lead and the rest, which would only
            # have slowed it down.
            self._started = True
            self.call_after_refresh(self._start_the_rest)
            return
        self._follow_cursor()

    def _start_the_rest(self) -> None:
        self._follow_cursor()
        self.timer.start()
        self._find_drafts()
        # Call windows open on the minute: rebuild on each minute's turn, from the next one.
        now = self.app.now() if not self.app.fixed_clock else clock.utcnow()
        to_next = 60.05 - now.second - now.microsecond / 1e6
        self.set_timer(to_next, self._every_minute)

    @on(QueueTable.Failed)
    def _queue_failed(self, message: QueueTable.Failed) -> None:
        self.notify(message.error, title="Queue not loaded", severity="error")

    def watch_entry(self, entry: Any | None) -> None:
        self.detail.entry = entry

    @property
    def current(self) -> Any | None:
        """The entry under the cursor right now. Keys act on this, not on ``entry``: a key
        pressed right after a move may arrive before the move's message has been handled."""
        return self.queue.entry

    def _every_minute(self) -> None:
        self._minute()
        self.set_interval(60, self._minute)

    def _minute(self) -> None:
        """Their local times move and call windows open: rebuild, keeping the cursor's lead."""
        self.detail.forget()  # someone else (the CLI, a colleague) may have written meanwhile
        self.queue.reload()

    # -- moving -------------------------------------------------------------------------------

    def action_next_lead(self) -> None:
        self.queue.action_cursor_down()

    def action_previous_lead(self) -> None:
        self.queue.action_cursor_up()

    def action_page_down(self) -> None:
        self.queue.action_page_down()

    def action_page_up(self) -> None:
        self.queue.action_page_up()

    def action_first_lead(self) -> None:
        self.queue.action_first()

    def action_last_lead(self) -> None:
        self.queue.action_last()

    def action_open_lead(self) -> None:
        if self.current is not None:
            self.maximize(self.detail)
            self.detail.focus()

    def action_close_lead(self) -> None:
        self.minimize()
        self.queue.focus()

    def action_refresh(self) -> None:
        self.detail.forget()
        self.queue.reload()

    def action_import_leads(self) -> None:
        from ..dialogs.import_file import ImportDialog

        def done(report) -> None:
            if report is not None:
                self.notify(f"Import: {report.summary()}.")
                self.queue.reload()

        self.app.push_screen(ImportDialog(), done)

    # -- drafts and crashed blocks, found at start-up -------------------------------------------

    @work(thread=True, group="drafts")
    def _find_drafts(self) -> None:
        with db_thread():
            found = [(draft.lead_id, draft.lead.name) for draft in drafts_for(self.app.rep)]
        if found:
            self.post_message(self.DraftsFound(found))

    def on_workstation_screen_drafts_found(self, message: DraftsFound) -> None:
        """After a crash or a dropped connection: back to the note being written."""
        lead_id, name = message.drafts[0]
        where = self.queue.index_of(lead_id)
        if where is not None and self.queue.cursor == 0:
            self.queue.move_to(where)  # only when the rep has not moved yet
        others = len(message.drafts) - 1
        more = f" (and drafts on {others} more lead{'s' if others > 1 else ''})" if others else ""
        hint = "n goes on writing it" if where is not None else "open that lead and press n"
        self.notify(
            f"Your unsaved note on {name} is kept{more}: {hint}.",
            title="Draft restored",
            timeout=10,
        )

    # Here, not in BlockActions: @on handlers are collected only from Textual classes' bodies.
    @on(SessionTimer.Crashed)
    def _crashed(self, message: SessionTimer.Crashed) -> None:
        self._ask_recovery(message.state)

    # -- writes -------------------------------------------------------------------------------

    def _write(self, operation, success: str = "", then=None) -> None:
        """Run a domain write in a worker; tell the rep how it went; then ``then()``."""
        self._run_write(operation, success, then)

    @work(thread=True, group="writes")
    def _run_write(self, operation, success: str, then) -> None:
        try:
            with db_thread():
                result = operation()
        except CallqError as exc:
            self.post_message(self.Written(error=str(exc), then=then))
            return
        message = result if isinstance(result, str) else success
        self.post_message(self.Written(text=message, then=then))

    def on_workstation_screen_written(self, message: Written) -> None:
        if message.error:
            self.notify(message.error, title="Not done", severity="error")
        elif message.text:
            self.notify(message.text)
        if message.then is not None:
            message.then()

    # -- saving on the way out ----------------------------------------------------------------

    def save_now(self) -> None:
        """Nothing of the queue is unsaved; the running block records it was alive."""
        self.query_one(SessionTimer).save_now()
