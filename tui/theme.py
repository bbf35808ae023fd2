"""Themes: Textual's own, plus 'terminal', which draws with the terminal's own palette."""

from __future__ import annotations

import dataclasses

from textual.app import App
from textual.theme import BUILTIN_THEMES

from models.errors import CallqError

# The terminal's own colours (ANSI names), so callq looks like the rest of the rep's terminal.
TERMINAL = dataclasses.replace(BUILTIN_THEMES["ansi-dark"], name="terminal")


def apply_theme(app: App, name: str) -> None:
    """Register callq's themes and select ``name``; an unknown name is a settings error."""
    app.register_theme(TERMINAL)
    if name not in app.available_themes:
        choices = ", ".join(sorted(app.available_themes))
        raise CallqError(f"settings: theme {name!r} is unknown; choose one of: {choices}")
    app.theme = name
