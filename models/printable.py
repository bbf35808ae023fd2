"""Text kept printable. callq writes names, companies and notes to the rep's terminal; a control
character among them (an escape, a bell) would reach it as a command, not as text: clear the
screen, retitle the window, worse on some terminals. So such text is refused where it comes in:
typed, imported or edited, with the field and the character named."""

from __future__ import annotations

import re

from .errors import FieldError

# C0 and C1 controls and DEL; tabs and line breaks are each field's own business (below).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMES = {0x00: "a NUL", 0x07: "a bell", 0x08: "a backspace", 0x1B: "an escape", 0x7F: "a delete"}


def one_line(value: str, field: str) -> str:
    """``value`` stripped, as one line: tabs and line breaks (a quoted cell may hold them)
    become spaces; any other control character is refused."""
    text = value.strip()
    if _CONTROL_IN_LINE.search(text) is None:
        return text
    text = " ".join(re.split(r"[\t\n\r]+", text))
    _refuse_control(text, field)
    return text


def lines(value: str, field: str) -> str:
    """``value`` as text of several lines (a note): CRLF and CR become LF, tabs stay; any other
    control character is refused."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_control(text, field)
    return text


def has_control(values: list[str]) -> bool:
    """Whether any of ``values`` holds a control character, line breaks and tabs included (one
    pass over a column of a chunk)."""
    return _CONTROL_IN_LINE.search("".join(values)) is not None


def _refuse_control(text: str, field: str) -> None:
    found = _CONTROL.search(text)
    if found is not None:
        code = ord(found.group())
        named = _NAMES.get(code, "a control character")
        raise FieldError(
            field,
            f"holds {named} (U+{code:04X}) at character {found.start() + 1}; "
            "callq keeps text printable",
        )
