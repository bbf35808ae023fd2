"""How the screen writes things: times in the rep's and the prospect's zones, durations, phone
numbers, cells cut to a width. Pure functions, shared by the widgets and dialogs."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

from rich.cells import cell_len, set_cell_size

from models.phones import national


def fit(value: str, width: int) -> str:
    """``value`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(value) > width:
        return set_cell_size(value, width - 1) + "…"
    return set_cell_size(value, width)


def phone(e164: str | None) -> str:
    return national(e164) if e164 else "—"


def when(instant, zone: str, now=None) -> str:
    """An instant in ``zone``, short when it is today there: 'Mon 23 Nov 09:00' or '09:00'."""
    if instant is None:
        return "—"
    local = instant.in_timezone(zone)
    if now is not None and local.date() == now.in_timezone(zone).date():
        return "today " + local.format("HH:mm")
    return local.format("ddd D MMM HH:mm")


def both_zones(instant, rep_zone: str, lead_zone: str, now=None, *, zones: bool = False) -> str:
    """'Tue 24 Nov 10:00 yours · 16:00 theirs' — one instant on both clocks (with ``zones``,
    each clock names its zone)."""
    if instant is None:
        return "—"
    mine, theirs = instant.in_timezone(rep_zone), instant.in_timezone(lead_zone)
    mine_text = when(instant, rep_zone, now)
    if mine.utcoffset() == theirs.utcoffset():
        if zones:
            return f"{mine_text}, the same on your clock ({rep_zone}) and theirs ({lead_zone})"
        return f"{mine_text} (theirs too)"
    theirs_text = theirs.format("HH:mm" if theirs.date() == mine.date() else "ddd D MMM HH:mm")
    if zones:
        return f"{mine_text} your time ({rep_zone}) · {theirs_text} their time ({lead_zone})"
    return f"{mine_text} yours · {theirs_text} theirs"


def ago(instant, now) -> str:
    """'2 hours ago', 'in 3 days'."""
    if instant is None:
        return "—"
    span = instant.diff_for_humans(now, absolute=True)
    return f"{span} ago" if instant <= now else f"in {span}"


def duration(seconds: float | int | None) -> str:
    """'0:42', '12:05', '1:02:03'."""
    if seconds is None:
        return "—"
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def callable_state(entry: Any, now, rep_zone: str) -> str:
    """'call now', 'from 14:00' (their time), or the day it opens."""
    if entry.callable_now:
        channel = getattr(entry, "channel", "call")
        return "call now" if channel == "call" else f"{channel} now"
    opens = entry.callable_from
    if opens is None:
        return "closed"
    local = opens.in_timezone(entry.zone)
    if local.date() == now.in_timezone(entry.zone).date():
        return "from " + local.format("HH:mm")
    return local.format("ddd HH:mm")


def wall_clock(now, zone: str) -> str:
    """'09:14' on the wall clock of ``zone`` (cached per zone and minute: the queue asks a lot)."""
    return _wall_clock(int(now.timestamp()) // 60, zone)


@functools.lru_cache(maxsize=4096)
def _wall_clock(minute: int, zone: str) -> str:
    return dt.datetime.fromtimestamp(minute * 60, zoneinfo.ZoneInfo(zone)).strftime("%H:%M")
