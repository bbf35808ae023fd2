"""Nothing lost on a dropped connection: SIGHUP and SIGTERM save the draft being typed and the
running block, then the app exits cleanly (Textual handles neither signal by itself).

And nothing left behind: once the connection is gone, every write to the terminal fails. Textual's
output thread dies on the first failure and, with nothing draining its bounded queue, the app
blocks for ever on its way out (a process per dropped connection, left on the shared box). Here
a gone terminal swallows what is written, and a shutdown that still sticks is cut short once
everything is saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading

from textual.app import App
from textual.driver import Driver

SIGNALS = (signal.SIGHUP, signal.SIGTERM)
EXIT_GRACE_SECONDS = 5.0  # after saving, how long Textual gets to restore the terminal and end


class _Terminal:
    """The terminal as Textual's output thread writes to it; once writing fails (the connection
    is gone), later writes are dropped instead of raising in that thread."""

    def __init__(self, file) -> None:
        self._file = file
        self.gone = False

    def write(self, text: str) -> None:
        if not self.gone:
            try:
                self._file.write(text)
            except OSError:
                self.gone = True

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except OSError:
                self.gone = True

    def __getattr__(self, name: str):
        return getattr(self._file, name)


def hang_up_safe(driver_class: type[Driver]) -> type[Driver]:
    """``driver_class`` (Textual's driver for this terminal) writing through :class:`_Terminal`;
    other drivers (Windows, tests, benchmarks) are returned as they are."""
    from textual.drivers.linux_driver import LinuxDriver

    if driver_class is not LinuxDriver:
        return driver_class

    class HangUpSafeDriver(LinuxDriver):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._file = _Terminal(self._file)

    return HangUpSafeDriver


def install_signal_handlers(app: App) -> None:
    """Route SIGHUP/SIGTERM into the app's event loop: save, then exit."""
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        loop.add_signal_handler(signum, _on_signal, app, signum)


def _on_signal(app: App, signum: int) -> None:
    # The terminal may already be gone (SIGHUP): exit without asking it anything. The app's
    # exit() saves everything first, before it returns; then the process has a few seconds.
    app.exit(0)
    stopper = threading.Timer(EXIT_GRACE_SECONDS, os._exit, args=(0,))
    stopper.daemon = True
    stopper.start()


def save_everything(app: App) -> None:
    """Ask every screen on the stack that holds unsaved state to write it now.

    This runs on the UI thread on purpose: the app is about to exit, so there is no typing to
    keep responsive, and the write must be finished before the process goes.
    """
    for screen in reversed(app.screen_stack):
        save_now = getattr(screen, "save_now", None)
        if save_now is not None:
            with contextlib.suppress(Exception):
                save_now()
