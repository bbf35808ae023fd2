"""Today's queue: who to call now, who next, and why.

Order (each group walks an index, so the first page of 100k leads costs what a page costs):

1. ``callback`` — callbacks the prospect asked for, once their time has come (window ignored:
   the prospect chose the time); earliest promise first.
2. ``overdue`` — due before the rep's today began and callable now; best score first.
3. ``due`` — due today by now and callable now; best score first.
4. ``later`` — due today but not callable yet (window closed, or due later today), in the order
   they become callable ("callable from 14:00").
With ``include_all``: 5. ``upcoming`` (due after today) and 6. ``exhausted`` (attempts used up).

Callable now: the lead's call window (its own, else its industry's preset) is open on the
prospect's wall clock, decided once per distinct (zone, window) pair, then filtered in SQL.
Email leads are callable any time. ``lost`` and ``do_not_contact`` leads never appear.

Score, in points (1 point = 1 hour): hours overdue + likelihood/5 + a bonus for warm sources
(referral 12, endless chain 10, centre of influence 8, networking 4, shows/webinars 2) − one per
unanswered attempt (up to 24). Its SQL form, :data:`RANK_SQL`, is indexed (migration v003).
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import threading
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pendulum

from . import clock
from .phones import national
from .reps import rep_zone
from .schema import Rep, database
from .settings import Settings, load_settings
from .windows import (
    DAY,
    Presets,
    Schedule,
    Window,
    _first,
    _zone,
    load_presets,
    schedule,
    window_for,
)

ACTIVE_STATUSES = ("lead", "prospect", "customer")
ACTIVE = "status IN ('lead', 'prospect', 'customer') AND exhausted = 0"
EXHAUSTED = "status IN ('lead', 'prospect', 'customer') AND exhausted = 1"
OWNED = "(owner_id = ? OR owner_id IS NULL)"

SOURCE_BONUS_HOURS = {
    "referral": 12,
    "endless_chain": 10,
    "centre_of_influence": 8,
    "networking": 4,
    "shows": 2,
    "webinars": 2,
}
LIKELIHOOD_DIVISOR = 5  # likelihood 80 % → +16 points
ATTEMPT_PENALTY_CAP = 24

# Must read exactly as in migration v003 (SQLite matches index expressions by their text).
RANK_SQL = (
    "((julianday(next_touch_at) - 2440587.5) * 1440.0"
    " - IFNULL(likelihood, 0) * 12"
    " - (CASE source WHEN 'referral' THEN 720 WHEN 'endless_chain' THEN 600"
    " WHEN 'centre_of_influence' THEN 480 WHEN 'networking' THEN 240"
    " WHEN 'shows' THEN 120 WHEN 'webinars' THEN 120 ELSE 0 END)"
    " + MIN(attempts, 24) * 60)"
)
MAX_BONUS_MINUTES = 100 * 12 + 720
MAX_PENALTY_MINUTES = ATTEMPT_PENALTY_CAP * 60
EPOCH_SQL = "((julianday(next_touch_at) - 2440587.5) * 86400.0)"
OPEN_SQL = (
    "(channel = 'email' OR (zone, COALESCE(call_window, industry)) IN"
    " (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)))"
)
GROUPS = ("callback", "overdue", "due", "later", "upcoming", "exhausted")
LATER_HORIZONS = (1, 4, 12)  # hours ahead, read in turn before the rest of today
CHUNK = 256
FAR = 1e18


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One lead in the queue, with what the rep needs to decide: call now, or when.

    Instants are kept as epoch seconds (cheap to build by the page); the properties hand them
    back as pendulum datetimes, and the ``*_text`` fields are ready to show.
    """

    lead_id: int
    name: str
    company: str
    phone: str | None  # E.164
    phone_display: str  # national format
    zone: str
    channel: str
    status: str
    group: str  # one of GROUPS
    overdue: bool  # due before the rep's today began
    callable_now: bool
    attempts: int
    exhausted: bool
    callback: bool  # a time the prospect gave
    score: float
    why: str
    window: str  # which call window applies, as a person reads it
    rep_zone: str
    local_time_text: str  # the prospect's wall clock now, e.g. "Mon 15:20"
    callable_from_text: str  # "" when callable now, else "Mon 14:00 theirs, 08:00 yours"
    due_ts: float | None
    callable_from_ts: float | None  # None when callable now (or never)
    now_ts: float

    @property
    def due(self) -> pendulum.DateTime | None:
        """The next touch, UTC."""
        return _utc(self.due_ts)

    @property
    def callable_from(self) -> pendulum.DateTime | None:
        """When the lead becomes callable, UTC; None when callable now."""
        return _utc(self.callable_from_ts)

    @property
    def local_time(self) -> pendulum.DateTime:
        """The prospect's wall clock at the queue's ``now``."""
        return _utc(self.now_ts).in_timezone(self.zone)

    def callable_from_local(self) -> pendulum.DateTime | None:
        """When the lead becomes callable, on the prospect's clock."""
        found = self.callable_from
        return found and found.in_timezone(self.zone)

    def callable_from_rep(self) -> pendulum.DateTime | None:
        """When the lead becomes callable, on the rep's clock."""
        found = self.callable_from
        return found and found.in_timezone(self.rep_zone)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``: instants in UTC (``Z``) plus both local readings."""
        cf_lead, cf_rep = self.callable_from_local(), self.callable_from_rep()
        return {
            "id": self.lead_id,
            "name": self.name,
            "company": self.company,
            "phone": self.phone,
            "phone_display": self.phone_display,
            "zone": self.zone,
            "local_time": self.local_time.format("YYYY-MM-DDTHH:mmZ"),
            "channel": self.channel,
            "status": self.status,
            "group": self.group,
            "due": _iso(self.due),
            "overdue": self.overdue,
            "callable_now": self.callable_now,
            "callable_from": _iso(self.callable_from),
            "callable_from_local": cf_lead and cf_lead.format("YYYY-MM-DDTHH:mmZ"),
            "callable_from_rep": cf_rep and cf_rep.format("YYYY-MM-DDTHH:mmZ"),
            "attempts": self.attempts,
            "exhausted": self.exhausted,
            "callback": self.callback,
            "score": round(self.score, 1),
            "why": self.why,
            "window": self.window,
        }


@dataclass(frozen=True)
class QueueCounts:
    """How many leads are in each part of today's queue (and exhausted, beside it)."""

    callback: int
    overdue: int
    due: int
    later: int
    exhausted: int

    @property
    def callable_now(self) -> int:
        return self.callback + self.overdue + self.due

    @property
    def total(self) -> int:
        """Everything due today: the length of the default queue."""
        return self.callable_now + self.later


def _iso(value: pendulum.DateTime | None) -> str | None:
    return None if value is None else value.format("YYYY-MM-DDTHH:mm:ss[Z]")


# ---------------------------------------------------------------------------------------------
# Window state per (zone, window) pair


@dataclass
class _Pairs:
    """Open-now state of every (zone, window key) pair in the database, valid for a while."""

    presets: Presets
    start: float
    until: float  # the first instant at which some pair opens or closes
    schedules: dict[tuple[str, str], Schedule]
    open_json: str
    table: list[list[Any]]
    _table_json: str | None = None

    def schedule_for(self, zone: str, industry: str | None, call_window: str | None, now: float):
        found = self.schedules.get((zone, call_window or industry or ""))
        if found is None or not found.covers(now):
            found = schedule(window_for(industry, call_window, self.presets), zone, now)
        return found

    def first_opening(self, now: float) -> float | None:
        """The first instant after ``now`` at which some closed pair opens."""
        found = [sched.next_open(now) for sched in self.schedules.values()]
        return min((t for t in found if t is not None and t > now), default=None)

    def opening_between(self, now: float, ts: float) -> list[list[str]]:
        """The pairs closed at ``now`` whose window opens before ``ts``."""
        found = []
        for (zone, wkey), sched in self.schedules.items():
            opens = sched.next_open(now)
            if opens is not None and now < opens < ts:
                found.append([zone, wkey])
        return found

    @property
    def table_json(self) -> str:
        """Each pair's next open intervals, for ordering the not-yet-callable tail in SQL."""
        if self._table_json is None:
            self._table_json = json.dumps(self.table)
        return self._table_json


def _distinct(column: str) -> list[str]:
    """Distinct values of an indexed column, by skipping through the index (cheap at 1M rows)."""
    sql = (
        f"WITH RECURSIVE v(x) AS (SELECT MIN({column}) FROM lead UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM lead WHERE {column} > v.x) FROM v"
        " WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"
    )
    return [row[0] for row in database.execute_sql(sql)]


_PAIRS: dict[tuple, _Pairs] = {}


def _pairs(presets: Presets, now: float) -> _Pairs:
    """Decide open/closed once per distinct (zone, window) pair; reused until one flips."""
    zones = tuple(_distinct("zone"))
    industries = tuple(_distinct("industry"))
    overrides = tuple(
        database.execute_sql(
            "SELECT DISTINCT call_window, zone FROM lead INDEXED BY lead_own_window"
            " WHERE call_window IS NOT NULL"
        ).fetchall()
    )
    key = (id(presets), zones, industries, overrides)
    cached = _PAIRS.get(key)
    if cached is not None and cached.start <= now < cached.until:
        return cached
    combos = [(z, i, None) for z in zones for i in industries]
    combos += [(z, None, w) for w, z in overrides]
    schedules: dict[tuple[str, str], Schedule] = {}
    opened: list[list[str]] = []
    table: list[list[Any]] = []
    until = now + DAY
    for zone, industry, call_window in combos:
        try:
            sched = schedule(window_for(industry, call_window, presets), zone, now)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue  # a zone this system does not know: never callable, never crashes
        wkey = call_window or industry
        schedules[(zone, wkey)] = sched
        flip = sched.next_flip(now)
        until = min(until, flip)
        if sched.open_at(now):
            opened.append([zone, wkey])
        row: list[Any] = [f"{zone}|{wkey}"]
        for opens, closes in _intervals_ahead(sched, now + 2 * DAY + 7200):
            row += [_text(opens), _text(closes)]  # as stored text: compared without parsing
        table.append(row)
    width = max((len(row) for row in table), default=1)
    for row in table:
        row += [NEVER] * (width - len(row))
    made = _Pairs(presets, now, until, schedules, json.dumps(opened), table)
    if len(_PAIRS) > 16:
        _PAIRS.clear()
    _PAIRS[key] = made
    return made


def _intervals_ahead(sched: Schedule, horizon: float) -> list[tuple[float, float]]:
    """The pair's open intervals starting before ``horizon``, and then the next one after them
    (looked up past the schedule's end if need be), so any time before ``horizon`` finds its
    next opening in the list."""
    found = [(o, c) for o, c in zip(sched.opens, sched.closes, strict=True) if o < horizon]
    later = [(o, c) for o, c in zip(sched.opens, sched.closes, strict=True) if o >= horizon]
    if later:
        found.append(later[0])
    elif not found or found[-1][1] != float("inf"):
        after = _first(sched.window, sched.zone, sched.end, True)
        if after is not None:
            found.append((after, FAR))
    return found


# ---------------------------------------------------------------------------------------------
# The queue as a lazily walked, ordered list of lead ids


@dataclass
class _Walk:
    group: str
    done: bool = False
    last: tuple = ()  # keyset: the sort key and id of the last row taken
    taken: int = 0


class QueueView:
    """Today's queue for one rep at one instant, built page by page.

    The first page walks only as far as it needs; later pages continue the walk where it
    stopped. Use one view to page through a snapshot (the screen's table); build a new one when
    time moves on or data changes (:func:`build_queue` caches the last few views for you).
    """

    def __init__(
        self,
        rep: Rep | None,
        *,
        now: dt.datetime | None = None,
        settings: Settings | None = None,
        include_all: bool = False,
        presets: Presets | None = None,
    ):
        self.now = clock.resolve(now)
        self.settings = settings or load_settings()
        self.rep = rep
        self.rep_zone = rep_zone(rep, self.settings.rep_zone)
        self.include_all = include_all
        self.presets = presets or load_presets()
        local = self.now.in_timezone(self.rep_zone)
        self.start_of_today = local.start_of("day").in_timezone("UTC")
        self.end_of_today = local.add(days=1).start_of("day").in_timezone("UTC")
        self._now_ts = self.now.timestamp()
        self._sot_ts = self.start_of_today.timestamp()
        self._now_db = _db(self.now)
        self._sot_db = _db(self.start_of_today)
        self._eot_db = _db(self.end_of_today)
        self._rep_id = rep.id if rep is not None else -1
        self._pairs = _pairs(self.presets, self._now_ts)
        groups = GROUPS if include_all else GROUPS[:4]
        self._walks = [_Walk(group) for group in groups]
        self._ids: list[int] = []
        self._group_of: list[str] = []
        self._counts: QueueCounts | None = None
        self._lock = threading.Lock()  # one walk at a time (a screen pages from worker threads)

    # -- public --------------------------------------------------------------------------------

    def page(self, offset: int = 0, limit: int | None = 50) -> list[QueueEntry]:
        """Entries ``offset`` … ``offset + limit`` of the queue, in order (``None``: all)."""
        want = None if limit is None else offset + limit
        with self._lock:
            self._walk_to(want)
            stop = len(self._ids) if want is None else min(want, len(self._ids))
            ids, groups = self._ids[offset:stop], self._group_of[offset:stop]
        return self._entries(ids, groups)

    def counts(self) -> QueueCounts:
        """How many leads are in each group (counted in SQL, once per view)."""
        with self._lock:
            if self._counts is None:
                self._counts = self._count()
            return self._counts

    def __len__(self) -> int:
        """Leads in this view: today's queue, plus upcoming and exhausted with ``include_all``."""
        n = self.counts().total
        if self.include_all:
            n += self._count_upcoming() + self.counts().exhausted
        return n

    # -- walking -------------------------------------------------------------------------------

    def _walk_to(self, want: int | None) -> None:
        for walk in self._walks:
            while not walk.done and (want is None or len(self._ids) < want):
                size = None if want is None else max(CHUNK, want - len(self._ids))
                rows = self._fetch(walk, size)
                self._ids.extend(row[0] for row in rows)
                self._group_of.extend([walk.group] * len(rows))
                walk.taken += len(rows)
                if size is None or len(rows) < size:
                    walk.done = True
                elif rows:
                    walk.last = (*rows[-1][1:], rows[-1][0])
            if want is not None and len(self._ids) >= want:
                return

    def _fetch(self, walk: _Walk, size: int | None) -> list[tuple]:
        limit = -1 if size is None else size
        rep = self._rep_id
        if walk.group == "callback":
            after_at, after_id = walk.last[:2] if walk.last else ("", 0)
            return _run(
                "SELECT id, next_touch_at FROM lead INDEXED BY lead_queue_callback WHERE"
                f" {ACTIVE} AND next_touch_fixed = 1 AND next_touch_at <= ? AND {OWNED}"
                " AND next_touch_at >= ? AND (next_touch_at > ? OR id > ?)"
                " ORDER BY next_touch_at, id LIMIT ?",
                (self._now_db, rep, after_at, after_at, after_id, limit),
            )
        if walk.group in ("overdue", "due"):
            now_min = self._now_ts / 60
            sot_min = self.start_of_today.timestamp() / 60
            if walk.group == "overdue":
                low, high = -FAR, sot_min + MAX_PENALTY_MINUTES
                time_cond, times = "next_touch_at < ?", (self._sot_db,)
            else:
                low, high = sot_min - MAX_BONUS_MINUTES, now_min + MAX_PENALTY_MINUTES
                time_cond, times = (
                    "next_touch_at >= ? AND next_touch_at <= ?",
                    (
                        self._sot_db,
                        self._now_db,
                    ),
                )
            after_rank, after_id = walk.last[:2] if walk.last else (low, 0)
            return _run(
                f"SELECT id, {RANK_SQL} FROM lead INDEXED BY lead_queue_rank"
                f" WHERE {ACTIVE} AND next_touch_fixed = 0"
                f" AND {RANK_SQL} >= ? AND {RANK_SQL} <= ? AND {time_cond} AND {OWNED}"
                f" AND {OPEN_SQL} AND ({RANK_SQL} > ? OR id > ?)"
                f" ORDER BY {RANK_SQL}, id LIMIT ?",
                (after_rank, high, *times, rep, self._pairs.open_json, after_rank, after_id, limit),
            )
        if walk.group == "later":
            rows = self._later(None if size is None else walk.taken + size)
            return rows[walk.taken :] if size is None else rows[walk.taken : walk.taken + size]
        if walk.group == "upcoming":
            after_at, after_id = walk.last[:2] if walk.last else ("", 0)
            return _run(
                f"SELECT id, IFNULL(next_touch_at, '9999') FROM lead WHERE {ACTIVE} AND {OWNED}"
                " AND (next_touch_at >= ? OR next_touch_at IS NULL)"
                " AND (IFNULL(next_touch_at, '9999') > ? OR"
                " (IFNULL(next_touch_at, '9999') = ? AND id > ?))"
                " ORDER BY IFNULL(next_touch_at, '9999'), id LIMIT ?",
                (rep, self._eot_db, after_at, after_at, after_id, limit),
            )
        after_id = walk.last[-1] if walk.last else 0
        return _run(  # exhausted: the rep decides what happens to them (recycle or lost)
            f"SELECT id, id FROM lead INDEXED BY lead_exhausted WHERE {EXHAUSTED} AND {OWNED}"
            " AND id > ? ORDER BY id LIMIT ?",
            (rep, after_id, limit),
        )

    def _later(self, need: int | None) -> list[tuple]:
        """Due today, not callable now, in the order they become callable.

        Read in widening horizons (the next hour, four hours, twelve, then all of today): a row
        becomes callable no earlier than its due time, so each horizon reads only the rows that
        can open before it, and each result starts with the previous one.
        """
        rows = getattr(self, "_later_rows", None)
        step = getattr(self, "_later_step", -1)
        while rows is None or (step < len(LATER_HORIZONS) and (need is None or len(rows) < need)):
            step += 1
            hours = LATER_HORIZONS[step] if step < len(LATER_HORIZONS) else None
            rows = self._later_within(hours)
        self._later_rows, self._later_step = rows, step
        return rows

    def _later_within(self, hours: float | None) -> list[tuple]:
        table = self._pairs.table
        pairs_width = max(1, max((len(row) for row in table), default=1) // 2)
        columns = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(1 + 2 * pairs_width))
        names = ", ".join(
            ["k"] + [f"{k}{i}" for i in range(1, pairs_width + 1) for k in ("o", "c")]
        )
        now = f"'{self._now_db}'"
        steps = " ".join(
            f"WHEN l.t < p.c{i} THEN MAX(l.t, p.o{i})" for i in range(1, pairs_width + 1)
        )
        open_now = f"(p.o1 <= {now} AND {now} < p.c1)"
        # Count the horizon from the first opening ahead (at night that is hours away).
        first = self._pairs.first_opening(self._now_ts)
        until = None if hours is None else max(self._now_ts, first or self._now_ts) + hours * 3600
        if until is None:
            horizon, cf_limit, soon = self._eot_db, "~", None  # all due today, even never open
        else:
            horizon = min(self._eot_db, _text(until))
            cf_limit = _text(until)
            soon = json.dumps(self._pairs.opening_between(self._now_ts, until))
        row_sql = (
            "SELECT id, zone || '|' || COALESCE(call_window, industry) AS k, channel,"
            f" next_touch_fixed AS fixed, next_touch_at, MAX(next_touch_at, {now}) AS t FROM lead"
        )
        if soon is None:
            sources = [
                (
                    f"{row_sql} INDEXED BY lead_queue_due WHERE {ACTIVE} AND next_touch_at < ?"
                    f" AND {OWNED}",
                    [horizon, self._rep_id],
                )
            ]
        else:
            # Due later, before the horizon; and due already, waiting for a window that opens
            # before it (read from the covering index, never from the table).
            sources = [
                (
                    f"{row_sql} INDEXED BY lead_queue_due WHERE {ACTIVE} AND next_touch_at > ?"
                    f" AND next_touch_at < ? AND {OWNED}",
                    [self._now_db, horizon, self._rep_id],
                ),
                (
                    f"{row_sql} INDEXED BY lead_queue_due WHERE {ACTIVE} AND next_touch_at <= ?"
                    f" AND next_touch_fixed = 0 AND channel != 'email' AND {OWNED}"
                    " AND (zone, COALESCE(call_window, industry)) IN"
                    " (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')"
                    " FROM json_each(?))",
                    [self._now_db, self._rep_id, soon],
                ),
            ]
        if soon is not None:
            return self._later_rows_within(sources, _text(until))
        parts = []
        for source, source_params in sources:
            sql = (
                f"WITH p({names}) AS MATERIALIZED (SELECT {columns} FROM json_each(?)),"
                f" l AS ({source}),"
                " c AS (SELECT l.id, l.next_touch_at, CASE WHEN l.fixed = 1 THEN l.next_touch_at"
                " WHEN l.channel = 'email' OR p.k IS NULL THEN l.t"
                f" ELSE (CASE {steps} ELSE l.t END) END AS cf"
                " FROM l LEFT JOIN p ON p.k = l.k"
                " WHERE NOT ("
                "   (l.fixed = 1 AND l.next_touch_at <= ?)"
                f"  OR (l.fixed = 0 AND l.next_touch_at <= ? AND (l.channel = 'email'"
                f" OR {open_now})))) SELECT cf, next_touch_at, id FROM c WHERE cf < ?"
                " ORDER BY cf, next_touch_at, id"
            )
            params = [self._pairs.table_json, *source_params, self._now_db, self._now_db]
            parts.append(_run(sql, [*params, cf_limit]))
        return [(row[2], row[0]) for row in heapq.merge(*parts)]

    def _later_rows_within(self, sources, limit: str) -> list[tuple]:
        """The few rows that can open before a near horizon, their opening found per pair (the
        same answer as the SQL, which would scan every pair for each of them)."""
        found = []
        now = self._now_db
        for source, source_params in sources:
            for lead_id, key, channel, fixed, due, t in _run(source, source_params):
                if fixed:
                    if due <= now:
                        continue  # a callback whose time has come is callable
                    cf = due
                elif channel == "email":
                    if due <= now:
                        continue
                    cf = t
                else:
                    sched = self._pairs.schedules.get(tuple(key.split("|", 1)))
                    if sched is None:
                        cf = t
                    else:
                        opens = sched.next_open(_epoch(t)) if sched.covers(_epoch(t)) else None
                        if opens is None:
                            opens = _first(sched.window, sched.zone, _epoch(t), True)
                        cf = NEVER if opens is None else _text(opens)
                        if due <= now and cf == now:
                            continue  # open now: callable, not later
                if cf < limit:
                    found.append((cf, due, lead_id))
        found.sort()
        return [(lead_id, cf) for cf, _, lead_id in found]

    # -- counting ------------------------------------------------------------------------------

    def _count(self) -> QueueCounts:
        rep = self._rep_id
        (callback,) = _run(
            "SELECT count(*) FROM lead INDEXED BY lead_queue_callback"
            f" WHERE {ACTIVE} AND next_touch_fixed = 1"
            f" AND next_touch_at <= ? AND {OWNED}",
            (self._now_db, rep),
        )[0]
        (total,) = _run(
            f"SELECT count(*) FROM lead INDEXED BY lead_queue_due WHERE {ACTIVE}"
            f" AND next_touch_at < ? AND {OWNED}",
            (self._eot_db, rep),
        )[0]
        callable_sql = (
            f"SELECT count(*) FROM lead INDEXED BY lead_queue_due WHERE {ACTIVE}"
            f" AND next_touch_fixed = 0 AND next_touch_at >= ? AND next_touch_at <= ?"
            f" AND {OWNED} AND {OPEN_SQL}"
        )
        opened = self._pairs.open_json
        (overdue,) = _run(callable_sql, ("", self._sot_db, rep, opened))[0]
        # "< start of today" as "<= the instant just before": one statement for both counts
        (due,) = _run(callable_sql, (self._sot_db, self._now_db, rep, opened))[0]
        overdue -= _run(
            f"SELECT count(*) FROM lead INDEXED BY lead_queue_due WHERE {ACTIVE}"
            f" AND next_touch_fixed = 0 AND next_touch_at = ? AND {OWNED} AND {OPEN_SQL}",
            (self._sot_db, rep, opened),
        )[0][0]
        (exhausted,) = _run(
            f"SELECT count(*) FROM lead INDEXED BY lead_exhausted WHERE {EXHAUSTED} AND {OWNED}",
            (rep,),
        )[0]
        return QueueCounts(callback, overdue, due, total - callback - overdue - due, exhausted)

    def _count_upcoming(self) -> int:
        return _run(
            f"SELECT count(*) FROM lead WHERE {ACTIVE} AND {OWNED}"
            " AND (next_touch_at >= ? OR next_touch_at IS NULL)",
            (self._rep_id, self._eot_db),
        )[0][0]

    # -- entries -------------------------------------------------------------------------------

    def _entries(self, ids: list[int], groups: list[str]) -> list[QueueEntry]:
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = {
            row[0]: _LeadRow(*row)
            for row in _run(f"SELECT {_LeadRow.COLUMNS} FROM lead WHERE id IN ({marks})", ids)
        }
        return [self._entry(rows[i], g) for i, g in zip(ids, groups, strict=True) if i in rows]

    def _entry(self, lead: _LeadRow, group: str) -> QueueEntry:
        now = self._now_ts
        due = lead.due_ts
        sched = self._pairs.schedule_for(lead.zone, lead.industry, lead.call_window, now)
        callable_now = group in ("callback", "overdue", "due")
        callable_from = None
        if not callable_now and group in ("later", "upcoming") and due is not None:
            start = max(now, due)
            if lead.fixed or lead.channel == "email":
                callable_from = start
            else:
                callable_from = sched.next_open(start) if sched.covers(start) else None
                if callable_from is None:
                    window = window_for(lead.industry, lead.call_window, self.presets)
                    callable_from = _first(window, lead.zone, start, True)
        score, parts = score_parts(lead, now)
        tz = _zone(lead.zone)
        cf_text = ""
        if callable_from is not None:
            there = dt.datetime.fromtimestamp(callable_from, tz).strftime("%a %H:%M")
            here = dt.datetime.fromtimestamp(callable_from, _zone(self.rep_zone))
            cf_text = f"{there} theirs, {here.strftime('%H:%M')} yours"
        return QueueEntry(
            lead_id=lead.id,
            name=lead.name,
            company=lead.company,
            phone=lead.phone,
            phone_display=national(lead.phone) or (lead.phone_raw or ""),
            zone=lead.zone,
            channel=lead.channel,
            status=lead.status,
            group=group,
            overdue=due is not None and due < self._sot_ts,
            callable_now=callable_now,
            attempts=lead.attempts,
            exhausted=bool(lead.exhausted),
            callback=bool(lead.fixed),
            score=score,
            why=_why(lead, group, now, parts, cf_text, callable_from, sched.window),
            window=sched.window.describe(),
            rep_zone=self.rep_zone,
            local_time_text=dt.datetime.fromtimestamp(now, tz).strftime("%a %H:%M"),
            callable_from_text=cf_text,
            due_ts=due,
            callable_from_ts=callable_from,
            now_ts=now,
        )


@dataclass(frozen=True, slots=True)
class _LeadRow:
    """The columns a queue entry shows, read in one query for the whole page."""

    COLUMNS = (
        "id, name, company, phone, phone_raw, zone, industry, call_window, channel, status,"
        " next_touch_at, next_touch_fixed, attempts, exhausted, likelihood, source"
    )
    id: int
    name: str
    company: str
    phone: str | None
    phone_raw: str | None
    zone: str
    industry: str
    call_window: str | None
    channel: str
    status: str
    next_touch_at: str | None
    fixed: int
    attempts: int
    exhausted: int
    likelihood: int | None
    source: str

    @property
    def due_ts(self) -> float | None:
        if self.next_touch_at is None:
            return None
        return dt.datetime.fromisoformat(self.next_touch_at).replace(tzinfo=dt.UTC).timestamp()


def score_parts(lead, now: float | dt.datetime) -> tuple[float, list[tuple[str, float]]]:
    """A lead's score and its parts as (reason, points): the queue's order, explained.

    ``lead`` is a Lead (or anything with ``next_touch_at``, ``likelihood``, ``source`` and
    ``attempts``); 1 point is one hour overdue.
    """
    now_ts = now if isinstance(now, float | int) else now.timestamp()
    due = getattr(lead, "due_ts", None)
    if due is None and isinstance(lead.next_touch_at, dt.datetime):
        due = lead.next_touch_at.timestamp()
    parts: list[tuple[str, float]] = []
    if due is not None:
        hours = (now_ts - due) / 3600
        if hours >= 1 / 60:
            parts.append((f"overdue {_span(hours)}", hours))
        elif hours <= -1 / 60:
            parts.append((f"due in {_span(-hours)}", hours))
    if lead.likelihood:
        parts.append((f"likelihood {lead.likelihood}%", lead.likelihood / LIKELIHOOD_DIVISOR))
    bonus = SOURCE_BONUS_HOURS.get(lead.source)
    if bonus:
        parts.append((lead.source.replace("_", " "), bonus))
    if lead.attempts:
        plural = "s" if lead.attempts > 1 else ""
        parts.append((f"{lead.attempts} attempt{plural}", -min(lead.attempts, ATTEMPT_PENALTY_CAP)))
    return sum(points for _, points in parts), parts


def _span(hours: float) -> str:
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{round(hours)} h"
    return f"{round(hours / 24)} d"


def _why(lead, group, now, parts, cf_text, callable_from, window: Window) -> str:
    if group == "callback":
        at = dt.datetime.fromtimestamp(lead.due_ts, _zone(lead.zone)).strftime("%a %H:%M")
        return f"callback promised for {at} their time"
    if group in ("overdue", "due"):
        return " · ".join(f"{text} {value:+.0f}" for text, value in parts) or "new lead"
    if group == "exhausted":
        return f"{lead.attempts} unanswered attempts: recycle or mark lost"
    if callable_from is None:
        return "no next touch scheduled" if lead.due_ts is None else "call window never opens"
    if lead.fixed:
        return f"callback promised for {cf_text}"
    if callable_from - max(now, lead.due_ts) > 30:
        return f"opens {cf_text} ({window.describe()})"
    return f"due {cf_text}"


def _db(value: dt.datetime) -> str:
    from .fields import to_db

    return to_db(value)


NEVER = "9999-12-31 23:59:59.999999"


def _text(ts: float) -> str:
    """An epoch instant in the stored text form (fixed width: text order is time order)."""
    if ts >= FAR or ts == float("inf"):
        return NEVER
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _epoch(text: str) -> float:
    """The stored text form of an instant as epoch seconds."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


def _utc(ts: float | None) -> pendulum.DateTime | None:
    return None if ts is None else pendulum.from_timestamp(ts, tz=pendulum.UTC)


def _run(sql: str, params: Iterable) -> list[tuple]:
    return database.execute_sql(sql, tuple(params)).fetchall()


# ---------------------------------------------------------------------------------------------
# Entry points


_VIEWS: dict[tuple, tuple[tuple, QueueView]] = {}


def _data_token() -> tuple:
    """Changes whenever any connection commits to the database (ours or another process's)."""
    db = database.obj
    conn = db.connection()
    version = conn.execute("PRAGMA data_version").fetchone()[0]
    return (id(db), db.database, version, conn.total_changes)


def queue_view(
    rep: Rep | None,
    *,
    now: dt.datetime | None = None,
    settings: Settings | None = None,
    include_all: bool = False,
) -> QueueView:
    """The queue at ``now`` as a pageable view; the same arguments on unchanged data give the
    same view back (so paging continues the walk instead of starting again)."""
    now = clock.resolve(now)
    settings = settings or load_settings()
    presets = load_presets()
    key = (
        rep.id if rep is not None else None,
        now.timestamp(),
        include_all,
        settings.rep_zone,
        id(presets),
    )
    token = _data_token()
    found = _VIEWS.get(key)
    if found is not None and found[0] == token:
        return found[1]
    view = QueueView(rep, now=now, settings=settings, include_all=include_all, presets=presets)
    if len(_VIEWS) > 8:
        _VIEWS.clear()
    _VIEWS[key] = (token, view)
    return view


def build_queue(
    rep: Rep | None,
    *,
    now: dt.datetime | None = None,
    settings: Settings | None = None,
    include_all: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[QueueEntry]:
    """Today's queue for ``rep`` in order (see the module doc), from ``offset``, at most
    ``limit`` entries (``None``: all). Paging with the same ``now`` reuses the walk."""
    view = queue_view(rep, now=now, settings=settings, include_all=include_all)
    return view.page(offset, limit)


def queue_page(
    rep: Rep | None,
    *,
    now: dt.datetime | None = None,
    settings: Settings | None = None,
    include_all: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[QueueEntry], int]:
    """One page of the queue and how many entries the whole queue has (for a paged table)."""
    view = queue_view(rep, now=now, settings=settings, include_all=include_all)
    return view.page(offset, limit), len(view)


def queue_counts(
    rep: Rep | None, *, now: dt.datetime | None = None, settings: Settings | None = None
) -> QueueCounts:
    """How many leads are callable now, later today, and exhausted (cheap; no entries built)."""
    return queue_view(rep, now=now, settings=settings).counts()
