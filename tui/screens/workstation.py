"""The workstation: the queue, the lead at the cursor, and the session timer, on one screen.

Every key is a binding with an id (remappable through the keymap setting); every database call
runs in a thread worker that posts its result back here.
"""

from __future__ import annotations

import shlex
import subprocess
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
from models.catalog import BLOCK_CATEGORIES, STATUSES
from models.errors import CallqError
from models.leads import get_lead
from models.notes import drafts_for

from .. import text
from ..widgets.lead_detail import LeadDetail
from ..widgets.queue_table import QueueTable
from ..widgets.session_timer import SessionTimer
from ..workers import db_thread

# The models behind the actions (outcomes, blocks, benefits, referrals) are imported where they
# are used, mostly in the worker that runs the write: loading them would cost the first screen
# ~25 ms and ~1 MiB before the rep has pressed anything (the first such key pays ~10 ms, once).

# The shipped outcomes (models/outcomes.toml) on digits; ``l`` lists every outcome, the rep's own
# included. (key, outcome, description, in the footer)
MAX_CALL_SECONDS = 2 * 3600

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


class WorkstationScreen(Screen):
    """Work the queue: move, read, log, write notes, time the block."""

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

    # -- outcomes -----------------------------------------------------------------------------

    def action_log(self, outcome: str) -> None:
        """Log ``outcome`` on the lead at the cursor, after showing what it will schedule."""
        from ..dialogs.callback import CallbackDialog
        from ..dialogs.outcome import OutcomeDialog

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return
        from models.outcomes import load_rules

        rules = load_rules()
        rule = rules.get(outcome)
        if rule is None:
            self.notify(f"No outcome {outcome!r} in the outcome rules.", severity="error")
            return
        after = self.queue.entry_at(self.queue.cursor + 1)
        next_lead = getattr(after, "lead_id", None)
        started = self._arrived.get(entry.lead_id)

        if rule.needs_date:

            def given(answer: tuple[str, str] | None) -> None:
                if answer is not None:
                    self._log(entry, rule, next_lead, started, at=answer[0], at_zone=answer[1])

            self.app.push_screen(CallbackDialog(entry, rule.label), given)
            return

        def confirmed(save: bool | None) -> None:
            if save:
                self._log(entry, rule, next_lead, started)

        self.app.push_screen(OutcomeDialog(entry, outcome, rule.label), confirmed)

    def action_pick_outcome(self) -> None:
        from models.outcomes import load_rules

        from ..dialogs.choice import ChoiceDialog

        if self.current is None:
            self.notify("No lead selected.", severity="warning")
            return
        keys = "123456789abcdefghijkmoprstvwxyz"
        choices = [
            (keys[i], rule.label, name) for i, (name, rule) in enumerate(load_rules().items())
        ]
        self.app.push_screen(
            ChoiceDialog("Log an outcome", self.current.name, choices),
            lambda name: name and self.action_log(name),
        )

    def _log(self, entry, rule, next_lead, started, *, at=None, at_zone=None) -> None:
        from models.outcomes import LEAD_ZONE, log_outcome

        app = self.app
        benefit = self._benefits.get(entry.lead_id)
        logged: dict[str, Any] = {}

        def log() -> str:
            now = app.now()
            began = started if started is not None and started <= now else None
            if began is not None and (now - began).total_seconds() > MAX_CALL_SECONDS:
                began = None  # the lead sat on screen, nobody was on the phone that long
            result = log_outcome(
                entry.lead_id,
                rule.name,
                rep=app.rep,
                now=now,
                at=at,
                at_zone=at_zone or LEAD_ZONE,
                started_at=began,
                settings=app.settings,
                benefit=benefit,
            )
            self._benefits.pop(entry.lead_id, None)
            logged.update(touch_id=result.touch_id, ask=result.plan.ask_referral)
            plan = result.plan
            told = f"{rule.label}: {entry.name}. Next: {plan.next_touch_text()}. u undoes."
            if plan.next_touch_at is None:
                told = f"{rule.label}: {entry.name} leaves the queue. u undoes."
            return told

        def after() -> None:
            self.detail.forget()
            self.queue.reload(keep_lead=next_lead)
            self.timer.reload()
            if logged.get("ask"):
                self._ask_referral(entry, logged["touch_id"])

        self._write(log, then=after)

    def _ask_referral(self, entry, touch_id: int | None) -> None:
        """After a good conversation: did they give a name? Recorded on that touch."""
        from models.referrals import record_ask

        from ..dialogs.choice import ChoiceDialog

        app = self.app

        def answer(result: str | None) -> None:
            if result == "obtained":
                self._referral_form(entry.lead_id, entry.name, touch_id)
            elif result is not None:
                said = {"declined": "asked, none given", "skipped": "not asked"}[result]
                self._write(
                    lambda: record_ask(
                        entry.lead_id, result, touch_id=touch_id, rep=app.rep, now=app.now()
                    ),
                    f"Referral on {entry.name}: {said}.",
                )

        self.app.push_screen(
            ChoiceDialog(
                "Ask for a referral",
                f"A good conversation with {entry.name}: who else should you talk to?",
                [
                    ("o", "Asked, and they named someone: add the lead", "obtained"),
                    ("d", "Asked, and they declined", "declined"),
                    ("s", "Did not ask this time", "skipped"),
                ],
            ),
            answer,
        )

    def action_qualify(self) -> None:
        from ..dialogs.qualify import QualifyDialog

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return

        def saved(result) -> None:
            if result is None:
                return
            if result.change is not None:
                self.notify(f"{entry.name} is now a prospect ({result.change.reason}).")
            elif result.unmet:
                self.notify(f"Qualification saved; not a prospect yet: {'; '.join(result.unmet)}.")
            else:
                self.notify(f"Qualification saved on {entry.name}.")
            self.detail.reload()

        self.app.push_screen(QualifyDialog(entry.lead_id, entry.name), saved)

    def action_move_status(self) -> None:
        """Prospect, customer (with its deal value), lost (with its reason)…"""
        from ..dialogs.choice import ChoiceDialog
        from ..dialogs.status import StatusDialog

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return

        def moved(move) -> None:
            if move is None:
                return
            label = STATUSES[move.lead.status].lower()
            said = f"{entry.name} is now {label}." if move.change else "Nothing changed."
            self.notify(said if move.change or not move.updated else f"{entry.name}: updated.")
            self.detail.forget()
            self.queue.reload()
            if move.ask_referral:
                self._ask_referral(entry, None)

        def chosen(to_status: str | None) -> None:
            if to_status is not None:
                self.app.push_screen(StatusDialog(entry.lead_id, entry.name, to_status), moved)

        keys = {"lead": "e", "prospect": "p", "customer": "c", "lost": "l", "do_not_contact": "x"}
        self.app.push_screen(
            ChoiceDialog(
                "Change the status",
                f"Move {entry.name} to:",
                [(keys[status], label, status) for status, label in STATUSES.items()],
            ),
            chosen,
        )

    def action_add_referral(self) -> None:
        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return
        self._referral_form(entry.lead_id, entry.name, None)

    def _referral_form(self, referrer_id: int, referrer_name: str, touch_id: int | None) -> None:
        from ..dialogs.referral import ReferralForm

        def saved(name: str | None) -> None:
            if name:
                self.notify(f"{name} added, referred by {referrer_name}: due for a first call.")
                self.detail.forget()
                self.queue.reload()

        self.app.push_screen(ReferralForm(referrer_id, referrer_name, touch_id), saved)

    def action_undo(self) -> None:
        from models.outcomes import undo_last_touch

        app = self.app

        def undo() -> str:
            done = undo_last_touch(app.rep, now=app.now())
            self._undone = done.lead_id
            name = get_lead(done.lead_id).name
            return f"Undone: {done.outcome.replace('_', ' ')} on {name}; the lead is as it was."

        def after() -> None:
            self.queue.reload(keep_lead=self._undone)
            self.timer.reload()
            self.detail.reload()

        self._write(undo, then=after)

    # -- notes --------------------------------------------------------------------------------

    def action_note(self, kind: str) -> None:
        from ..dialogs.note_editor import NoteEditor

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.notify(f"Note saved on {entry.name}.")
            self.detail.reload()

        self.app.push_screen(NoteEditor(entry.lead_id, entry.name, kind=kind), done)

    def action_pick_benefit(self) -> None:
        """Insert a library statement into the lead's benefit notes; the next touch records it."""
        from models.benefits import use_benefit

        from ..dialogs.benefit_picker import BenefitPicker

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return
        app = self.app

        def picked(statement) -> None:
            if statement is None:
                return
            benefit_id = statement.id

            def use() -> str:
                _, new = use_benefit(entry.lead_id, benefit_id, author=app.rep, now=app.now())
                self._benefits[entry.lead_id] = benefit_id
                where = "added to" if new else "already in"
                return f"Benefit statement {where} {entry.name}'s notes; the next touch records it."

            self._write(use, then=self.detail.reload)

        self.app.push_screen(BenefitPicker(entry.lead_id, entry.name), picked)

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

    # -- time blocks --------------------------------------------------------------------------

    @property
    def timer(self) -> SessionTimer:
        return self.query_one(SessionTimer)

    def action_block(self) -> None:
        from ..dialogs.choice import ChoiceDialog

        state = self.timer.state
        if state is not None and state.crashed:
            self._ask_recovery(state)
            return
        if state is None:
            minutes = self.app.settings.block_minutes
            choices = [
                (key, f"{BLOCK_CATEGORIES[cat]} ({minutes.get(cat, 30)} min)", cat)
                for key, cat in (("c", "calling"), ("r", "research"), ("f", "follow_up"))
            ]
            due = self.timer.due
            body = "What kind of prospecting block?"
            if due is not None:
                body += f" Planned now: {BLOCK_CATEGORIES[due.category].lower()}."
            self.app.push_screen(ChoiceDialog("Start a block", body, choices), self._start_block)
            return
        label = BLOCK_CATEGORIES.get(state.category, state.category).lower()
        counted = text.duration(self.timer.live_elapsed())
        self.app.push_screen(
            ChoiceDialog(
                "Stop the block?",
                f"The {label} block has counted {counted}.",
                [("s", "Stop it now", "stop")],
            ),
            self._stop_block,
        )

    def _start_block(self, category: str | None) -> None:
        from models.blocks import start_block

        if category is None:
            return
        app = self.app
        label = BLOCK_CATEGORIES[category]
        self._write(
            lambda: start_block(
                app.rep, category, now=app.now(), settings=app.settings, heartbeat=True
            ),
            f"{label} block started.",
            then=self.timer.reload,
        )

    def _stop_block(self, choice: str | None) -> None:
        from models.blocks import stop_block

        if choice != "stop":
            return
        app = self.app

        def stop():
            summary = stop_block(app.rep, now=app.now(), settings=app.settings)
            return f"Block stopped: {summary.counted_seconds // 60} min counted."

        self._write(stop, then=self.timer.reload)

    def action_pause_block(self) -> None:
        from models.blocks import pause_block, resume_block

        state = self.timer.state
        app = self.app
        if state is None:
            self.notify("No block is running (t starts one).", severity="warning")
        elif state.crashed:
            self._ask_recovery(state)
        elif state.paused:
            self._write(
                lambda: resume_block(app.rep, now=app.now(), settings=app.settings, heartbeat=True),
                "Block resumed.",
                then=self.timer.reload,
            )
        else:
            self._write(
                lambda: pause_block(app.rep, now=app.now(), settings=app.settings),
                "Block paused: time is not counted until p resumes it.",
                then=self.timer.reload,
            )

    @on(SessionTimer.Crashed)
    def _crashed(self, message: SessionTimer.Crashed) -> None:
        self._ask_recovery(message.state)

    def _ask_recovery(self, state) -> None:
        from models.blocks import recover_block

        from ..dialogs.choice import ChoiceDialog

        zone = self.app.zone
        label = BLOCK_CATEGORIES.get(state.category, state.category).lower()
        stopped = state.crashed_at.in_timezone(zone).format("HH:mm")
        app = self.app

        def answer(choice: str | None) -> None:
            if choice is None:
                return
            self._write(
                lambda: recover_block(
                    app.rep, choice, now=app.now(), settings=app.settings, heartbeat=True
                ),
                "Block resumed from now." if choice == "resume" else f"Block ended at {stopped}.",
                then=self.timer.reload,
            )

        self.app.push_screen(
            ChoiceDialog(
                "Your block stopped counting",
                f"The {label} block stopped being timed at {stopped}, when callq closed "
                f"({text.duration(state.counted_seconds)} counted). The time since is not work.",
                [("r", "Resume it from now", "resume"), ("e", f"End it at {stopped}", "end")],
            ),
            answer,
        )

    def action_quit(self) -> None:
        """Quit; a running block is stopped or left running on the wall clock, as the rep says."""
        from models.blocks import release_block, stop_block

        from ..dialogs.choice import ChoiceDialog

        state = self.timer.state
        if state is None or state.paused or state.crashed:
            self.app.exit(0)  # a paused block stays paused; a crashed one is asked about later
            return
        app = self.app
        label = BLOCK_CATEGORIES.get(state.category, state.category).lower()

        def leave() -> None:
            self.timer.forget()  # no heartbeat on the way out: the block is no longer ours
            app.exit(0)

        def answer(choice: str | None) -> None:
            if choice == "stop":
                self._write(
                    lambda: stop_block(app.rep, now=app.now(), settings=app.settings), then=leave
                )
            elif choice == "leave":
                self._write(lambda: release_block(app.rep, now=app.now()), then=leave)

        self.app.push_screen(
            ChoiceDialog(
                "Quit callq",
                f"Your {label} block is running ({text.duration(self.timer.live_elapsed())}).",
                [
                    ("s", "Stop the block and quit", "stop"),
                    ("l", "Leave it running (timed by the clock) and quit", "leave"),
                ],
            ),
            answer,
        )

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

    # -- phone --------------------------------------------------------------------------------

    def action_copy_phone(self) -> None:
        entry = self.current
        if entry is None or not entry.phone:
            self.notify("This lead has no phone number.", severity="warning")
            return
        # OSC 52: the terminal (local, even over SSH) puts it on the clipboard.
        self.app.copy_to_clipboard(entry.phone)
        self.notify(f"Copied {entry.phone} to the clipboard.")

    def action_dial(self) -> None:
        entry = self.current
        command = self.app.settings.dial_command
        if not command:
            self.notify(
                "No dial_command in your settings (e.g. dial_command = "
                "'linphonecsh dial {phone}'). c copies the number instead.",
                severity="warning",
            )
            return
        if entry is None or not entry.phone:
            self.notify("This lead has no phone number.", severity="warning")
            return
        self.notify(f"Dialling {entry.phone}…")
        self._dial(command, entry.phone)

    @work(thread=True, group="dial")
    def _dial(self, command: str, number: str) -> None:
        argv = [part.replace("{phone}", number) for part in shlex.split(command)]
        if not any("{phone}" in part for part in shlex.split(command)):
            argv.append(number)
        try:
            done = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            self.post_message(self.Dialled(f"{argv[0]}: {exc}"))
            return
        error = ""
        if done.returncode:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
            error = f"{argv[0]} exited {done.returncode} {tail[0]}".strip()
        self.post_message(self.Dialled(error))

    def on_workstation_screen_dialled(self, message: Dialled) -> None:
        if message.error:
            self.notify(message.error, title="Dial failed", severity="error")

    # -- saving on the way out ----------------------------------------------------------------

    def save_now(self) -> None:
        """Nothing of the queue is unsaved; the running block records it was alive."""
        self.query_one(SessionTimer).save_now()
