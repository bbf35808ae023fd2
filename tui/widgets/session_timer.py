"""The session timer: the running prospecting block ticking live, and today's goal progress.

The block's time comes from models.blocks (pauses and time callq was not running are left out);
while this pane shows a block it sends the heartbeat that keeps it counting.

Two lines drawn by one widget (no child widgets to lay out): the first second of the
workstation is spent on the queue, and a tick repaints the one line that changed.
"""

from __future__ import annotations

from typing import Any

from rich.progress_bar import ProgressBar
from rich.segment import Segment
from textual import work
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from models.catalog import BLOCK_CATEGORIES

from .. import text
from ..strips import compact
from ..workers import db_thread

# (goal, label, cells for its label): short, so the three fit one line at 80 columns
GOALS = [
    ("calls", "calls", 13),
    ("conversations", "connects", 14),
    ("calling_minutes", "calling", 18),
]
WIDE = 120  # from this many columns the bars are long
BLOCK_BAR, GOAL_BAR, NARROW_GOAL_BAR = 12, 12, 6

# A line is a list of cells: (text, cells, component class) or ("bar", total, done, cells). A
# text cell 0 cells wide takes what the others leave.
Cell = tuple


def _width(cell: Cell) -> int:
    return cell[3] if len(cell) == 4 else cell[1]


class SessionTimer(Widget):
    """Line one: the block (or what to start). Line two: today against the goals."""

    COMPONENT_CLASSES = {
        "session-timer--muted",
        "session-timer--bar-back",
        "session-timer--bar",
        "session-timer--bar-done",
    }

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
        self._beating = False  # the heartbeat interval runs from the first reading
        self._content: list[list[Cell]] = [[("…", 0, "")], []]  # what each line shows
        self._strips: dict[tuple[int, int], Strip] = {}  # (line, width) → drawn

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
            self._show(0, [(f"Timer: {message.error}", 0, "")])
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

    def _tick(self) -> None:
        if not self.is_mounted:
            return
        state = self.state
        if state is None:
            if self.due is not None:
                label = BLOCK_CATEGORIES.get(self.due.category, self.due.category)
                zone = self.app.zone
                span = (
                    f"{self.due.start.in_timezone(zone).format('HH:mm')}–"
                    f"{self.due.end.in_timezone(zone).format('HH:mm')}"
                )
                self._show(0, [(f"Planned now: {label} {span} — t starts it", 0, "")])
            else:
                self._show(0, [("No block running — t starts one", 0, "")])
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
            line = f"{mark} {label} {text.duration(elapsed)} / {text.duration(planned)}{over}{tail}"
            bar = ("bar", max(planned, 1), min(elapsed, planned), BLOCK_BAR)
            self._show(0, [(line, 0, ""), (" ", 1, ""), bar])
        self._show_goals()

    def _show_goals(self) -> None:
        progress = self.progress
        if progress is None:
            return
        state = self.state
        live_calling = 0.0
        if state is not None and state.category == "calling" and self._loaded_at is not None:
            live_calling = (self.live_elapsed() - state.counted_seconds) / 60
        bar = GOAL_BAR if self.size.width >= WIDE else NARROW_GOAL_BAR
        cells: list[Cell] = [("Today ", 6, "session-timer--muted")]
        for key, label, width in GOALS:
            item = getattr(progress, key)
            done = item.done + (live_calling if key == "calling_minutes" else 0)
            unit = " min" if key == "calling_minutes" else ""
            goal = max(item.goal, 1)
            cells += [
                (f"{label} {int(done)}/{item.goal}{unit}", width, ""),
                ("bar", goal, min(int(done), goal), bar),
                ("  ", 2, ""),
            ]
        self._show(1, cells)

    # -- drawing ------------------------------------------------------------------------------

    def _show(self, y: int, cells: list[Cell]) -> None:
        """Put ``cells`` on line ``y``, repainting that line only, and only if it changed."""
        if self._content[y] != cells:
            self._content[y] = cells
            self._strips = {key: s for key, s in self._strips.items() if key[0] != y}
            self.refresh(Region(0, y, self.size.width, 1))

    def on_resize(self) -> None:
        self._strips.clear()
        self._show_goals()  # the bars' length depends on the width

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y >= len(self._content):
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get((y, width))
        if strip is None:
            strip = self._strips[(y, width)] = self._draw(self._content[y], width)
        return strip

    def _draw(self, cells: list[Cell], width: int) -> Strip:
        base = self.rich_style
        console = self.app.console
        segments: list[Segment] = []
        for cell in cells:
            if len(cell) == 4:
                _, total, done, cells_wide = cell
                style = self.get_component_rich_style  # blended with the background
                meter = ProgressBar(
                    total=total,
                    completed=done,
                    width=cells_wide,
                    style=style("session-timer--bar-back"),
                    complete_style=style("session-timer--bar"),
                    finished_style=style("session-timer--bar-done"),
                )
                options = console.options.update_width(cells_wide)
                segments += console.render_lines(meter, options, style=base, pad=True)[0]
                continue
            value, cells_wide, name = cell
            if cells_wide == 0:
                cells_wide = max(width - sum(_width(other) for other in cells), 0)
            style = self.get_component_rich_style(name) if name else base
            segments.append(Segment(text.fit(value, cells_wide), style))
        strip = Strip(segments).extend_cell_length(width, base).crop(0, width)
        return compact(strip)

    def forget(self) -> None:
        """The block was stopped or handed to the wall clock: stop keeping it alive."""
        self.state = None

    def save_now(self) -> None:
        """The app is going (SIGHUP, SIGTERM, quit): record that the block was alive until now,
        so a restart knows exactly when counting stopped."""
        if self.state is not None:  # a block was read, so models.blocks is loaded
            from models.blocks import heartbeat

            heartbeat(self.app.rep, now=self.app.now())
