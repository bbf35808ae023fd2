"""The Textual application: thin. It holds the context, applies theme and keymap, installs the
signal handlers, and pushes the workstation screen; the work lives in screens/ and widgets/."""

from __future__ import annotations

import pendulum
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from models import clock

from .safety import hang_up_safe, install_signal_handlers, save_everything
from .screens.queue_source import QueueSource
from .theme import apply_theme
from .widgets.queue_table import PAGE


class CallqApp(App[int]):
    """callq's workstation."""

    TITLE = "callq"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {lambda: _workstation_commands()}
    BINDINGS = [
        Binding("question_mark,f1", "help", "Keys", id="help"),
        Binding("ctrl+p", "command_palette", "Commands", id="command_palette", show=False),
        Binding(
            "ctrl+q",
            "quit",
            "Quit, even while typing",
            id="quit_anywhere",
            show=False,
            priority=True,
        ),
    ]

    def __init__(self, ctx, notice: str | None = None):
        super().__init__()
        self.ctx = ctx
        self.notice = notice
        self.settings = ctx.settings
        self.rep = ctx.rep
        self.zone = ctx.zone
        self.fixed_clock = bool(ctx.args.now)
        apply_theme(self, self.settings.theme)
        self.set_keymap(self.settings.keymap)
        # The queue's first page is read while Textual builds the screen, not after.
        self._first_source: QueueSource | None = QueueSource(self.rep, self.settings)
        self._first_source.head_start(self.now(), PAGE)

    def now(self) -> pendulum.DateTime:
        """The app's clock: frozen at ``--now`` when given, else the real one."""
        return self.ctx.now if self.fixed_clock else clock.utcnow()

    def queue_source(self) -> QueueSource:
        """Where the queue pane reads its rows: the first asker gets the one read ahead."""
        source, self._first_source = self._first_source, None
        return source or QueueSource(self.rep, self.settings)

    def get_driver_class(self):
        return hang_up_safe(super().get_driver_class())

    def get_default_screen(self) -> Screen:
        """The workstation is the app's base screen: pushed on top of an empty one instead, it
        is built while Textual holds back painting at start-up, and its first frame is drawn
        twice."""
        from .screens.workstation import WorkstationScreen

        return WorkstationScreen()

    def on_mount(self) -> None:
        install_signal_handlers(self)
        if self.notice:
            self.notify(self.notice, timeout=10)
        if self.settings.keymap:
            self._check_keymap()

    def _check_keymap(self) -> None:
        from models.paths import settings_path

        from .keymap import unknown_ids

        unknown = unknown_ids(self.settings.keymap)
        if unknown:
            names = ", ".join(unknown)
            self.notify(
                f"{settings_path()} [keymap]: no key has the id {names}; ? lists the ids",
                severity="warning",
                timeout=15,
            )

    def notify(self, message, *, title="", severity="information", timeout=None, markup=True):
        """Notifications are plain text: they carry names, notes and paths a person typed, which
        Textual's markup would drop ("[CFO]") or fail on ("[/]")."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help(self) -> None:
        from .dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        """ctrl+q, from anywhere: save the draft being typed and the running block, then quit."""
        self.exit(0)

    def exit(self, result=None, return_code: int = 0, message=None) -> None:
        """Every way out saves first: the draft being typed and the running block's heartbeat."""
        save_everything(self)
        super().exit(result, return_code, message)


def _workstation_commands():
    # Imported when the palette first opens: the palette's machinery is not needed to start.
    from .commands import WorkstationCommands

    return WorkstationCommands


def make_app(ctx, notice: str | None = None) -> CallqApp:
    """The one factory for the CLI and the tests."""
    return CallqApp(ctx, notice=notice)
