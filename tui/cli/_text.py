"""Printing for a terminal: long text wrapped to its width, with a hanging indent."""

from __future__ import annotations

import shutil
import textwrap


def columns() -> int:
    """The terminal's width (80 when there is none), at least 40."""
    return max(shutil.get_terminal_size((80, 24)).columns, 40)


def wrap(text: str, first: str, rest: str | None = None) -> str:
    """``text`` wrapped to the terminal (80 columns when there is none), starting after
    ``first``; later lines are indented as wide as ``first`` unless ``rest`` says otherwise."""
    return textwrap.fill(
        text,
        width=columns(),
        initial_indent=first,
        subsequent_indent=" " * len(first) if rest is None else rest,
        break_on_hyphens=False,
    )
