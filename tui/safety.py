"""Nothing lost on a dropped connection: SIGHUP and SIGTERM save the draft being typed and the
running block, then the app exits cleanly (Textual handles neither signal by itself)."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from textual.app import App

SIGNALS = (signal.SIGHUP, signal.SIGTERM)


def install_signal_handlers(app: App) -> None:
    """Route SIGHUP/SIGTERM into the app's event loop: save, then exit."""
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        loop.add_signal_handler(signum, _on_signal, app, signum)


def _on_signal(app: App, signum: int) -> None:
    # The terminal may already be gone (SIGHUP): exit without asking it anything; the app's
    # exit() runs save_everything first.
    app.exit(0)


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
