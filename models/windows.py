"""Call windows: when a prospect is glad to take a call, on their own wall clock.

A window is written as text, e.g. ``"mon-fri 08:00-11:00,14:00-17:00; sat 10:00-12:00"``.
Presets per industry ship in ``windows.toml`` beside this module; a user file of the same name in
the config directory (:func:`models.paths.config_dir`) replaces or adds presets. A lead's own
``call_window`` overrides its industry's preset.

:func:`is_open`, :func:`next_open` and :func:`next_close` answer for an instant in any zone; they
follow the zone's own daylight-saving changes (a window that opens inside a skipped hour opens when
the clocks jump; a repeated hour is open both times). :func:`schedule` lists the open intervals of
one (zone, window) pair over a few days: the queue decides "open now" once per pair with it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import pendulum

from .catalog import DEFAULT_INDUSTRY, INDUSTRIES
from .errors import CallqError, FieldError
from .rulefiles import file_stamp, read_layers, user_file

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_WORDS = {
    "daily": tuple(range(7)),
    "everyday": tuple(range(7)),
    "weekdays": tuple(range(5)),
    "weekends": (5, 6),
}
_LONG_DAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?$")
_UTC = dt.UTC
DAY = 86_400
HORIZON_DAYS = 9  # every window with an open minute opens within a week; two days to spare

Intervals = tuple[tuple[int, int], ...]  # minutes of the day, [start, end), end <= 1440


@dataclass(frozen=True)
class Window:
    """When calls are welcome, per weekday (Monday first), in minutes of the local day."""

    spec: str  # canonical text, e.g. "mon-fri 09:00-17:00"
    days: tuple[Intervals, ...]
    name: str | None = None  # the preset's name; None for a lead's own window
    description: str = ""

    def describe(self) -> str:
        """How a person reads it: the preset's name, or the lead's own hours."""
        return self.name or f"own hours {self.spec}"


@dataclass(frozen=True)
class Presets:
    """The call-window presets in force, and which preset each industry keeps."""

    windows: dict[str, Window]
    industries: dict[str, str]
    sources: tuple[str, ...] = ()

    def for_industry(self, industry: str | None) -> Window:
        """The preset an industry's prospects keep (the default industry's when unknown)."""
        name = self.industries.get(industry or "") or self.industries.get(DEFAULT_INDUSTRY)
        return self.windows.get(name) or self.windows[next(iter(self.windows))]


# ---------------------------------------------------------------------------------------------
# Parsing


@functools.lru_cache(maxsize=4096)
def parse_window(text: str, name: str | None = None, description: str = "") -> Window:
    """Parse a window spec; :class:`FieldError` (field ``call_window``) says what is wrong."""
    spec = " ".join(str(text).lower().split())
    if not spec:
        raise FieldError("call_window", "empty call window")
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for clause in (c.strip() for c in spec.split(";")):
        if not clause:
            continue
        head, _, rest = clause.partition(" ")
        if _looks_like_time_range(head):
            day_set, ranges = tuple(range(7)), clause
        else:
            day_set, ranges = _parse_days(head, text), rest
        if not ranges.strip():
            raise FieldError("call_window", f"{text!r}: {head!r} has no hours (e.g. 09:00-17:00)")
        for part in ranges.replace(" ", "").split(","):
            if not part:
                continue
            start, end = _parse_range(part, text)
            for day in day_set:
                if end > start:
                    days[day].append((start, end))
                else:  # past midnight: the rest of this day and the start of the next
                    days[day].append((start, 1440))
                    if end:
                        days[(day + 1) % 7].append((0, end))
    merged = tuple(_merge(d) for d in days)
    if not any(merged):
        raise FieldError("call_window", f"{text!r}: the window is never open")
    return Window(spec=_canonical(merged), days=merged, name=name, description=description)


def check_window(text: str | None) -> str | None:
    """A lead's call-window override, validated and written canonically (None stays None)."""
    if text is None or not str(text).strip():
        return None
    return parse_window(str(text)).spec


def _looks_like_time_range(token: str) -> bool:
    return bool(re.match(r"^\d", token))


def _parse_days(token: str, text: str) -> tuple[int, ...]:
    if token in DAY_WORDS:
        return DAY_WORDS[token]
    found: list[int] = []
    for part in token.split(","):
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = _day(first, text), _day(last, text)
            span = (b - a) % 7
            found.extend((a + i) % 7 for i in range(span + 1))
        else:
            found.append(_day(part, text))
    return tuple(dict.fromkeys(found))


def _day(word: str, text: str) -> int:
    word = word.strip()
    if word[:3] in DAY_NAMES and (len(word) == 3 or word in _LONG_DAYS or word[:3] == word):
        return DAY_NAMES.index(word[:3])
    if word in _LONG_DAYS:
        return _LONG_DAYS[word]
    raise FieldError(
        "call_window", f"{text!r}: unknown day {word!r} (use mon, tue, … sun, daily, weekdays)"
    )


def _parse_range(part: str, text: str) -> tuple[int, int]:
    first, sep, last = part.partition("-")
    if not sep:
        raise FieldError("call_window", f"{text!r}: {part!r} is not a range like 09:00-17:00")
    start, end = _minute(first, text), _minute(last, text)
    if start == 1440:
        raise FieldError("call_window", f"{text!r}: a range cannot start at 24:00")
    if start == end:
        raise FieldError("call_window", f"{text!r}: {part!r} is empty")
    return start, end


def _minute(token: str, text: str) -> int:
    match = _TIME.match(token)
    if not match:
        raise FieldError("call_window", f"{text!r}: {token!r} is not a time like 09:30")
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise FieldError("call_window", f"{text!r}: {token!r} is not a time of day")
    return hour * 60 + minute


def _merge(ranges: list[tuple[int, int]]) -> Intervals:
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _canonical(days: tuple[Intervals, ...]) -> str:
    """Group equal days into runs: "mon-fri 09:00-17:00; sat 10:00-12:00"."""
    clauses: list[str] = []
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and days[j + 1] == days[i]:
            j += 1
        if days[i]:
            label = DAY_NAMES[i] if i == j else f"{DAY_NAMES[i]}-{DAY_NAMES[j]}"
            hours = ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in days[i])
            clauses.append(f"{label} {hours}")
        i = j + 1
    return "; ".join(clauses)


# ---------------------------------------------------------------------------------------------
# Presets: shipped defaults, overridden by the user's file


def user_windows_path() -> Path:
    """The user's own call-window file (presets and industry map)."""
    return user_file("windows.toml")


def load_presets(path: Path | None = None) -> Presets:
    """The shipped presets with the user's file (``path``, default the config dir) laid over."""
    path = path or user_windows_path()
    return _load_presets(str(path), file_stamp(path))


@functools.lru_cache(maxsize=8)
def _load_presets(path: str, stamp: int | None) -> Presets:
    windows: dict[str, Window] = {}
    industries = dict(INDUSTRIES)
    layers = read_layers("windows.toml", path, stamp, "call windows")
    for data, where in layers:
        _apply_presets(data, where, windows, industries)
    for industry, preset in industries.items():
        if preset not in windows:
            raise CallqError(
                f"{layers[-1][1]}: industries.{industry}: no preset named {preset!r}"
                f" (have: {', '.join(windows)})"
            )
    return Presets(windows=windows, industries=industries, sources=tuple(w for _, w in layers))


def _apply_presets(data: dict, where: str, windows: dict, industries: dict) -> None:
    unknown = set(data) - {"presets", "industries"}
    if unknown:
        raise CallqError(f"{where}: unknown table {sorted(unknown)[0]!r} (presets, industries)")
    for name, body in (data.get("presets") or {}).items():
        if not isinstance(body, dict) or not isinstance(body.get("hours"), str):
            raise CallqError(f"{where}: presets.{name}.hours: give the hours as text")
        extra = set(body) - {"hours", "description"}
        if extra:
            raise CallqError(f"{where}: presets.{name}: unknown field {sorted(extra)[0]!r}")
        try:
            windows[name] = parse_window(body["hours"], name, str(body.get("description", "")))
        except FieldError as exc:
            raise CallqError(f"{where}: presets.{name}.hours: {exc.reason}") from None
    for industry, preset in (data.get("industries") or {}).items():
        if not isinstance(preset, str):
            raise CallqError(f"{where}: industries.{industry}: give a preset name as text")
        industries[industry] = preset


def window_for(industry: str | None, call_window: str | None, presets: Presets | None = None):
    """The window a lead keeps: its own override, else its industry's preset.

    An override that no longer parses falls back to the preset (and says so in ``name``).
    """
    presets = presets or load_presets()
    if call_window:
        try:
            return parse_window(call_window)
        except FieldError:
            base = presets.for_industry(industry)
            return Window(base.spec, base.days, f"{base.name} (own hours unreadable)")
    return presets.for_industry(industry)


# ---------------------------------------------------------------------------------------------
# Open or closed at an instant


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _ts(instant: dt.datetime) -> float:
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: give a time zone")
    return instant.timestamp()


def _instant(ts: float) -> pendulum.DateTime:
    return pendulum.from_timestamp(ts, tz=pendulum.UTC)


def _open_at(window: Window, tz: zoneinfo.ZoneInfo, ts: float) -> bool:
    local = dt.datetime.fromtimestamp(ts, tz)
    minute = local.hour * 60 + local.minute
    return any(a <= minute < b for a, b in window.days[local.weekday()])


def is_open(window: Window, zone: str, instant: dt.datetime) -> bool:
    """Whether the prospect's wall clock in ``zone`` is inside ``window`` at ``instant``."""
    return _open_at(window, _zone(zone), _ts(instant))


def next_open(window: Window, zone: str, instant: dt.datetime) -> pendulum.DateTime | None:
    """The first instant at or after ``instant`` when the window is open (``instant`` itself if
    it is open then); None only for a window that never opens."""
    found = _first(window, zone, _ts(instant), True)
    return None if found is None else _instant(found)


def next_close(window: Window, zone: str, instant: dt.datetime) -> pendulum.DateTime | None:
    """The first instant at or after ``instant`` when the window is closed; None if never."""
    found = _first(window, zone, _ts(instant), False)
    return None if found is None else _instant(found)


def _first(window: Window, zone: str, ts: float, want: bool) -> float | None:
    """Earliest time >= ts whose open state is ``want``.

    The state only changes where the wall clock crosses a range's edge or jumps (a UTC-offset
    change), so those are the only candidates to test.
    """
    tz = _zone(zone)
    if _open_at(window, tz, ts) == want:
        return ts
    start = dt.datetime.fromtimestamp(ts, tz).date()
    moves = _transitions_between(zone, ts, ts + HORIZON_DAYS * DAY)
    best: float | None = None
    found_on: int | None = None
    for offset in range(-1, HORIZON_DAYS + 1):
        if found_on is not None and offset > found_on + 1:
            break  # a day later cannot come earlier (the extra day covers clocks going back)
        day = start + dt.timedelta(days=offset)
        for candidate in _edges(window, tz, day, want):
            earlier = candidate > ts and (best is None or candidate < best)
            if earlier and _open_at(window, tz, candidate) == want:
                best = candidate
                found_on = offset if found_on is None else found_on
    for move in moves:  # the wall clock can also jump into (or out of) the window
        if ts < move and (best is None or move < best) and _open_at(window, tz, move) == want:
            best = move
            break
    return best


def _edges(window: Window, tz: zoneinfo.ZoneInfo, day: dt.date, opening: bool) -> list[float]:
    """Instants at which the wall clock reaches a range's start (or end) on ``day``."""
    out = []
    for start, end in window.days[day.weekday()]:
        minute = start if opening else end
        when = dt.datetime(day.year, day.month, day.day, tzinfo=tz) + dt.timedelta(minutes=minute)
        for fold in (0, 1):
            wall = when.replace(fold=fold)
            ts = wall.timestamp()
            back = dt.datetime.fromtimestamp(ts, tz)
            if back.replace(tzinfo=None) == wall.replace(tzinfo=None):  # skipped times: no edge
                out.append(ts)
    return out


def _transitions_between(zone: str, a: float, b: float) -> list[float]:
    """Instants in [a, b] at which the zone's UTC offset changes."""
    moves = _span_transitions(zone, int(a // DAY), int(b // DAY) + 1)
    return list(moves[bisect.bisect_left(moves, a) : bisect.bisect_right(moves, b)])


@functools.lru_cache(maxsize=4096)
def _span_transitions(zone: str, first_day: int, last_day: int) -> tuple[float, ...]:
    """Offset changes between the starts of two UTC days (days since the epoch).

    Only the few days asked for are scanned, in half-day steps (no zone changes its offset
    twice within twelve hours), and each change is pinned to the second by bisection.
    """
    tz = _zone(zone)

    def offset(ts: float) -> dt.timedelta | None:
        return dt.datetime.fromtimestamp(ts, tz).utcoffset()

    found = []
    t, end = float(first_day * DAY), float(last_day * DAY)
    before = offset(t)
    while t < end:
        nxt = min(t + DAY / 2, end)
        after = offset(nxt)
        if after != before:
            lo, hi = t, nxt  # offset(lo) is the old one, offset(hi) the new one
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset(mid) == before:
                    lo = mid
                else:
                    hi = mid
            found.append(float(hi))
            before = after
        t = nxt
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# A pair's open intervals over the next days: what the queue computes once per (zone, window)


@dataclass(frozen=True)
class Schedule:
    """Open intervals of one window in one zone, as epoch seconds, from ``start`` to ``end``."""

    window: Window
    zone: str
    start: float
    end: float
    opens: tuple[float, ...] = field(repr=False)
    closes: tuple[float, ...] = field(repr=False)  # math.inf for an interval still open at end

    def open_at(self, ts: float) -> bool:
        i = bisect.bisect_right(self.opens, ts) - 1
        return i >= 0 and ts < self.closes[i]

    def next_open(self, ts: float) -> float | None:
        """First open time >= ts, inside the horizon (None beyond it)."""
        i = bisect.bisect_right(self.opens, ts) - 1
        if i >= 0 and ts < self.closes[i]:
            return ts
        if i + 1 < len(self.opens):
            return self.opens[i + 1]
        return None

    def covers(self, ts: float) -> bool:
        return self.start <= ts < self.end

    def next_flip(self, ts: float) -> float:
        """When the open state next changes after ``ts`` (at most a day after ``start``)."""
        limit = self.start + DAY
        i = bisect.bisect_right(self.opens, ts) - 1
        if i >= 0 and ts < self.closes[i]:
            return min(self.closes[i], limit)
        if i + 1 < len(self.opens):
            return min(self.opens[i + 1], limit)
        return limit


SCHEDULE_DAYS = 3


def schedule(window: Window, zone: str, instant: dt.datetime | float) -> Schedule:
    """The pair's open intervals from ``instant`` for :data:`SCHEDULE_DAYS` days (cached: the
    same pair asked again within the first day reuses it)."""
    ts = instant if isinstance(instant, float | int) else _ts(instant)
    key = (window.spec, zone)
    cached = _SCHEDULES.get(key)
    if cached is not None and cached.start <= ts < cached.end - (SCHEDULE_DAYS - 1) * DAY:
        return cached
    made = _build_schedule(window, zone, float(ts))
    if len(_SCHEDULES) > 20_000:
        _SCHEDULES.clear()
    _SCHEDULES[key] = made
    return made


_SCHEDULES: dict[tuple[str, str], Schedule] = {}


def _build_schedule(window: Window, zone: str, ts: float) -> Schedule:
    end = ts + SCHEDULE_DAYS * DAY
    if not _transitions_between(zone, ts - DAY, end + DAY):
        return _steady_schedule(window, zone, ts, end)
    opens: list[float] = []
    closes: list[float] = []
    t = _first(window, zone, ts, True)
    while t is not None and t < end:
        c = _first(window, zone, t, False)
        opens.append(t)
        closes.append(float("inf") if c is None else c)
        if c is None:
            break
        t = _first(window, zone, c, True)
    return Schedule(window, zone, ts, end, tuple(opens), tuple(closes))


def _steady_schedule(window: Window, zone: str, ts: float, end: float) -> Schedule:
    """The common case, no clock change near: local time is UTC plus a fixed offset."""
    offset = dt.datetime.fromtimestamp(ts, _zone(zone)).utcoffset().total_seconds()
    first_day = int((ts + offset) // DAY) - 1
    opens: list[float] = []
    closes: list[float] = []
    for day in range(first_day, first_day + SCHEDULE_DAYS + 3):
        base = day * DAY - offset
        for a, b in window.days[(day + 3) % 7]:  # 1 January 1970 was a Thursday
            s, e = base + a * 60, base + b * 60
            if e <= ts or s >= end:
                continue
            if closes and closes[-1] == s:
                closes[-1] = e  # runs on past midnight
            else:
                opens.append(s)
                closes.append(e)
    return Schedule(window, zone, ts, end, tuple(opens), tuple(closes))
