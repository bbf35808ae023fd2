"""The session timer: the running prospecting block ticking live, and today's goal progress.

The block's time comes from models.blocks (pauses and time callq was not running are left out);
while this pane shows a block it sends the heartbeat that keeps it counting.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from models.catalog import BLOCK_CATEGORIES

from .. import text
from ..workers import db_thread

# (goal, label): short, so the three fit one line at 80 columns
GOALS = [("calls", "calls"), ("conversations", "connects"), ("calling_minutes", "calling")]


class SessionTimer(Vertical):
    """Line one: the block (or what to start). Line two: today against the goals."""

    state: reactive[Any | None] = reactive(None, always_update=True, init=False)

    class Loaded(Message):
        def __init__(self, state, progress, due, error: str = "") -> None:
            super().__init__()
            self.state, self.progress, self.due, self.error = state, progress, due, error

    class Crashed(Message):
        """The block lost its heartbeat: callq was not running. The screen asks what to do."""

        def __init__(self, state) -> None:
            super().__init__()
            self.state = state

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.progress = None
        self.due = None
        self._loaded_at = None  # the app's clock when ``state`` was read
        self._asked_crash: int | None = None
        self._shown: dict[str, object] = {"#block-line": "…"}
        self._beating = False  # the heartbeat interval runs from the first reading

    def compose(self) -> ComposeResult:
        with Horizontal(id="block-row"):
            # What shows until the block is read: set here, not on mount, where each change
            # would cost the first screen another full layout and paint.
            yield Static("…", id="block-line")
            bar = ProgressBar(id="block-bar", total=1, show_eta=False, show_percentage=False)
            bar.display = False
            yield bar
        with Horizontal(id="goal-row"):
            yield Static("Today", id="goal-title")
            for key, _ in GOALS:
                yield Static(id=f"goal-{key}-label", classes="goal-label")
                yield ProgressBar(
                    id=f"goal-{key}",
                    total=1,
                    show_eta=False,
                    show_percentage=False,
                    classes="goal-bar",
                )

    def start(self) -> None:
        """Read the block and goals, then tick every second and beat every 15 (the screen calls
        this once the queue is on screen: the queue comes first)."""
        self.reload()
        self.set_interval(1, self._tick)

    @work(thread=True, exclusive=True, group="timer")
    def reload(self) -> None:
        """Heartbeat the block and read today's progress (after an outcome, a start, a stop)."""
        # Imported here, in the worker, the first time: not by the first screen's start-up.
        from models.blocks import heartbeat
        from models.goals import goal_progress
        from models.plans import due_planned_block

        app = self.app
        now = app.now()
        try:
            with db_thread():
                state = heartbeat(app.rep, now=now)
                progress = goal_progress(app.rep, now=now, settings=app.settings)
                due = None if state else due_planned_block(app.rep, now=now, settings=app.settings)
        except Exception as exc:
            self.post_message(self.Loaded(None, None, None, str(exc)))
            return
        self.post_message(self.Loaded(state, progress, due))

    def on_session_timer_loaded(self, message: Loaded) -> None:
        message.stop()
        if not self._beating:
            from models.blocks import HEARTBEAT_SECONDS  # loaded by the worker already

            self._beating = True
            self.set_interval(HEARTBEAT_SECONDS, self.reload)
        if message.error:
            self._set("#block-line", f"Timer: {message.error}")
            return
        self.progress, self.due = message.progress, message.due
        self._loaded_at = self.app.now()
        self.state = message.state
        state = message.state
        if state is not None and state.crashed and self._asked_crash != state.block_id:
            self._asked_crash = state.block_id
            self.post_message(self.Crashed(state))

    def watch_state(self) -> None:
        self._tick()

    def live_elapsed(self) -> int:
        """Counted seconds of the running block now: the stored count plus time since read."""
        state = self.state
        if state is None:
            return 0
        if state.paused or state.crashed or self._loaded_at is None:
            return state.counted_seconds
        return state.counted_seconds + int((self.app.now() - self._loaded_at).total_seconds())

    def _set(self, selector: str, content: str) -> None:
        """Update a label only when its text changes: each update costs the screen a layout."""
        if self._shown.get(selector) != content:
            self._shown[selector] = content
            self.query_one(selector, Static).update(content)

    def _bar(self, selector: str, total: float, progress: float) -> None:
        if self._shown.get(selector) != (total, progress):
            self._shown[selector] = (total, progress)
            self.query_one(selector, ProgressBar).update(total=total, progress=progress)

    def _tick(self) -> None:
        if not self.is_mounted:
            return
        bar = self.query_one("#block-bar", ProgressBar)
        state = self.state
        if state is None:
            bar.display = False
            if self.due is not None:
                label = BLOCK_CATEGORIES.get(self.due.category, self.due.category)
                zone = self.app.zone
                span = (
                    f"{self.due.start.in_timezone(zone).format('HH:mm')}–"
                    f"{self.due.end.in_timezone(zone).format('HH:mm')}"
                )
                self._set("#block-line", f"Planned now: {label} {span} — t starts it")
            else:
                self._set("#block-line", "No block running — t starts one")
        else:
            label = BLOCK_CATEGORIES.get(state.category, state.category)
            elapsed = self.live_elapsed()
            planned = state.planned_seconds
            if state.crashed:
                stopped = state.crashed_at.in_timezone(self.app.zone).format("HH:mm")
                mark, tail = "!", f" stopped at {stopped} (callq was closed) — t resume or end"
            elif state.paused:
                mark, tail = "‖", " paused — p resumes"
            else:
                mark, tail = "●", ""
            over = f" +{text.duration(elapsed - planned)} over" if elapsed > planned else ""
            self._set(
                "#block-line",
                f"{mark} {label} {text.duration(elapsed)} / {text.duration(planned)}{over}{tail}",
            )
            bar.display = True
            self._bar("#block-bar", max(planned, 1), min(elapsed, planned))
        self._show_goals()

    def _show_goals(self) -> None:
        progress = self.progress
        if progress is None:
            return
        state = self.state
        live_calling = 0.0
        if state is not None and state.category == "calling" and self._loaded_at is not None:
            live_calling = (self.live_elapsed() - state.counted_seconds) / 60
        for key, label in GOALS:
            item = getattr(progress, key)
            done = item.done + (live_calling if key == "calling_minutes" else 0)
            unit = " min" if key == "calling_minutes" else ""
            self._set(f"#goal-{key}-label", f"{label} {int(done)}/{item.goal}{unit}")
            self._bar(f"#goal-{key}", max(item.goal, 1), min(int(done), max(item.goal, 1)))

    def forget(self) -> None:
        """The block was stopped or handed to the wall clock: stop keeping it alive."""
        self.state = None

    def save_now(self) -> None:
        """The app is going (SIGHUP, SIGTERM, quit): record that the block was alive until now,
        so a restart knows exactly when counting stopped."""
        if self.state is not None:  # a block was read, so models.blocks is loaded
            from models.blocks import heartbeat

            heartbeat(self.app.rep, now=self.app.now())
