"""Lines that cost fewer bytes over SSH: every change of style in a line is a full escape
sequence (about 40 bytes in 24-bit colour), so runs that look the same are sent as one."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

# Attributes a space shows: a blank run with any of them is drawn as it is, never merged.
_SHOWN_ON_BLANKS = ("underline", "underline2", "strike", "overline", "reverse")


def _blank_safe(style: Style | None) -> bool:
    return style is None or not (style.link or any(getattr(style, a) for a in _SHOWN_ON_BLANKS))


def _blank(text: str) -> bool:
    return not text.strip(" ")


def _looks_same(blank: Style | None, other: Style | None) -> bool:
    """Whether spaces drawn in ``blank`` look the same drawn in ``other``: only the background
    (and attributes such as underline) show on a space, never the colour of the text."""
    if not (_blank_safe(blank) and _blank_safe(other)):
        return False
    return (blank.bgcolor if blank else None) == (other.bgcolor if other else None)


def compact(strip: Strip) -> Strip:
    """``strip`` drawn the same with fewer style changes: neighbours of one style are joined,
    and a run of spaces takes its neighbour's style when it would look no different."""
    out: list[Segment] = []
    for segment in strip:
        text, style, control = segment
        if control:
            out.append(segment)
            continue
        if not text:
            continue
        if out and not out[-1].control:
            last_text, last_style, _ = out[-1]
            if last_style == style or (_blank(text) and _looks_same(style, last_style)):
                out[-1] = Segment(last_text + text, last_style)
                continue
            if _blank(last_text) and _looks_same(last_style, style):
                out[-1] = Segment(last_text + text, style)
                continue
        out.append(segment)
    return Strip(out, strip.cell_length)
