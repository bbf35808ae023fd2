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

Nights and weekends: with few pairs open, the callable groups read each open pair's leads in
score order, and the tail reads each pair's leads in time order, entering a closed pair only
when the page reaches its opening time (:class:`_Merge`), so a rebuild touches at most
(pairs × page) rows however many leads wait for a window (indexes of migration v008).

Score, in points (1 point = 1 hour): hours overdue + likelihood/5 + a bonus for warm sources
(referral 12, endless chain 10, centre of influence 8, networking 4, shows/webinars 2) − one per
unanswered attempt (up to 24). Its SQL form, :data:`RANK_SQL`, is indexed (migration v003).
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import itertools
import json
import threading
import zoneinfo
from collections import deque
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

# In the queue: every status but the closed ones. Written as in the partial indexes (migration 9)
# so that SQLite uses them.
ACTIVE = "status NOT IN ('lost', 'do_not_contact') AND exhausted = 0"
EXHAUSTED = "status NOT IN ('lost', 'do_not_contact') AND exhausted = 1"
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
# A lead's (zone, call window) pair as one key; email leads, callable at any hour, are pair ''.
# Must read exactly as in migration v008 (indexed as an expression, like RANK_SQL).
PAIR_SQL = (
    "(CASE channel WHEN 'email' THEN '' ELSE zone || '|' || COALESCE(call_window, industry) END)"
)
EMAIL_PAIR = ""
GROUPS = ("callback", "overdue", "due", "later", "upcoming", "exhausted")
FAR = 1e18
INF = float("inf")
MAX_ID = 2**63 - 1
READ_FIRST = 32  # rows a merged stream reads at first; then as many as it has read so far
SCAN_FACTOR, SCAN_EXTRA = 4, 64  # the rank walk reads at most 4 rows per lead wanted (+64)
FEW_OPEN = 8  # at most one pair in 8 open: read the callable groups pair by pair at once


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
    phone_raw: str | None  # as given, when it could not be normalised
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
    def phone_display(self) -> str:
        """The number as it is written in its own country (formatted when first shown: a page
        of entries is built long before most of its numbers are on screen)."""
        return national(self.phone) or (self.phone_raw or "")

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
    """Open-now state of every (zone, window key) pair in the database, valid for a while.

    ``keys`` maps each pair's key as :data:`PAIR_SQL` computes it to its schedule (None when
    this system does not know the zone or cannot read the window: such leads are never callable
    and wait in the tail). Between ``start`` and ``until`` no pair opens or closes, so the open
    keys and each closed pair's next opening hold for every instant in between.
    """

    presets: Presets
    start: float
    until: float  # the first instant at which some pair opens or closes
    schedules: dict[tuple[str, str], Schedule]
    keys: dict[str, Schedule | None]
    open_keys: list[str]  # open now, and EMAIL_PAIR (callable at any hour)
    open_json: str  # the same, for json_each()
    closed: list[tuple[tuple[float], str]]  # ((next opening,), key), soonest first; inf: never

    def schedule_for(self, zone: str, industry: str | None, call_window: str | None, now: float):
        found = self.schedules.get((zone, call_window or industry or ""))
        if found is None or not found.covers(now):
            found = schedule(window_for(industry, call_window, self.presets), zone, now)
        return found

    def callable_from(self, key: str, ts: float) -> float:
        """When a lead of pair ``key`` due at ``ts`` (not before now) becomes callable."""
        if key == EMAIL_PAIR:
            return ts
        sched = self.keys.get(key)
        if sched is None:
            return ts
        found = _next_open(sched, ts)
        return INF if found is None else found


def _next_open(sched: Schedule, ts: float) -> float | None:
    """The first open instant at or after ``ts``, looked up past the schedule's end if need be."""
    found = sched.next_open(ts) if sched.covers(ts) else None
    if found is None:
        found = _first(sched.window, sched.zone, ts, True)
    return found


def _distinct(column: str) -> list[str]:
    """Distinct values of an indexed column, by skipping through the index (cheap at 1M rows)."""
    sql = (
        f"WITH RECURSIVE v(x) AS (SELECT MIN({column}) FROM lead WHERE {column} IS NOT NULL"
        " UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM lead WHERE {column} > v.x) FROM v"
        " WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"
    )
    return [row[0] for row in database.execute_sql(sql)]


_PAIRS: dict[tuple, _Pairs] = {}


def _pairs(presets: Presets, now: float) -> _Pairs:
    """Decide open/closed once per distinct (zone, window) pair; reused until one flips."""
    zones = tuple(_distinct("zone"))
    industries = tuple(_distinct("industry"))
    own_windows = tuple(_distinct("call_window"))  # a handful, found through lead_own_window
    key = (id(presets), zones, industries, own_windows)
    cached = _PAIRS.get(key)
    if cached is not None and cached.start <= now < cached.until:
        return cached
    combos = [(z, i, None) for z in zones for i in industries]
    combos += [(z, None, w) for z in zones for w in own_windows]
    schedules: dict[tuple[str, str], Schedule] = {}
    keys: dict[str, Schedule | None] = {}
    open_keys = [EMAIL_PAIR]
    closed: list[tuple[tuple[float], str]] = []
    until = now + DAY
    for zone, industry, call_window in combos:
        wkey = call_window or industry
        pair = f"{zone}|{wkey}"
        try:
            sched = schedule(window_for(industry, call_window, presets), zone, now)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            keys[pair] = None  # a zone this system does not know: never callable, never crashes
            continue
        schedules[(zone, wkey)] = keys[pair] = sched
        until = min(until, sched.next_flip(now))
        if sched.open_at(now):
            open_keys.append(pair)
        else:
            opens = _next_open(sched, now)
            closed.append(((INF if opens is None else opens,), pair))
    closed.sort()
    made = _Pairs(presets, now, until, schedules, keys, open_keys, json.dumps(open_keys), closed)
    if len(_PAIRS) > 16:
        _PAIRS.clear()
    _PAIRS[key] = made
    return made


# ---------------------------------------------------------------------------------------------
# The queue as a lazily walked, ordered list of lead ids


@dataclass
class _Walk:
    group: str
    done: bool = False
    last: tuple = ()  # keyset: the sort key and id of the last row taken
    taken: int = 0
    source: Any = None  # the merge behind overdue, due and later


class _Stream:
    """One ordered source of rows (a pair's leads, the callbacks), read on by keyset.

    ``fetch(after, limit)`` returns ``(rows, after)``: up to ``limit`` rows as (merge key,
    value) past ``after``, and the keyset to continue from.
    """

    __slots__ = ("_fetch", "after", "rows", "done", "read")

    def __init__(self, fetch, after: tuple):
        self._fetch = fetch
        self.after = after
        self.rows: deque[tuple] = deque()
        self.done = False
        self.read = 0

    def read_on(self, limit: int | None) -> None:
        rows, self.after = self._fetch(self.after, -1 if limit is None else limit)
        self.rows.extend(rows)
        self.read += len(rows)
        self.done = limit is None or len(rows) < limit


class _Merge:
    """Rows of many ordered streams in one order, reading each stream only as far as needed.

    A stream enters with a lower bound on its keys and is read (a few rows first, more each time
    it keeps coming first) only when that bound reaches the front, so a stream whose rows all
    come after the page is never read, and none reads much more than the page. Streams known by
    a bound alone wait in ``waiting`` (sorted by bound) and are made by ``enter`` only when their
    bound is next: a rebuild at night costs the few pairs that open first, not every pair.
    """

    def __init__(self, waiting: list[tuple] = (), enter=None) -> None:
        self._heap: list[tuple] = []
        self._seq = itertools.count()
        self._waiting = waiting  # (bound, name), sorted
        self._next = 0
        self._enter = enter

    def add(self, bound: tuple, stream: _Stream) -> None:
        """Enter ``stream``: none of its rows sorts before ``bound`` (a key or a key's prefix)."""
        heapq.heappush(self._heap, (bound, next(self._seq), stream, None))

    def take(self, n: int | None) -> list[tuple]:
        """The next ``n`` values in key order (``None``: all of them)."""
        out: list[tuple] = []
        heap, waiting = self._heap, self._waiting
        while n is None or len(out) < n:
            if self._next < len(waiting) and (not heap or waiting[self._next][0] <= heap[0][0]):
                bound, name = waiting[self._next]
                self._next += 1
                self.add(bound, self._enter(name))
                continue
            if not heap:
                break
            key, _, stream, value = heapq.heappop(heap)
            if value is None:  # its bound came first: read the stream on from there
                left = None if n is None else n - len(out)
                stream.read_on(None if left is None else min(left, max(READ_FIRST, stream.read)))
            else:
                out.append(value)
            if stream.rows:
                row_key, row_value = stream.rows.popleft()
                heapq.heappush(heap, (row_key, next(self._seq), stream, row_value))
            elif not stream.done:
                heapq.heappush(heap, (key, next(self._seq), stream, None))
        return out


class _Ranked:
    """A callable group (overdue or due) in score order.

    In the day most pairs are open and one walk over the rank index finds callable leads
    densely. At night it would wade through leads whose windows are closed, so when few pairs are
    open, or when the walk has read ``SCAN_FACTOR`` rows per lead wanted without filling the
    page, the group is read pair by pair instead: each open pair's leads in score order from
    ``lead_queue_pair_rank``, merged, touching at most (open pairs × page) rows.
    """

    def __init__(self, view: QueueView, group: str):
        self.view = view
        now_min, sot_min = view._now_ts / 60, view._sot_ts / 60
        if group == "overdue":
            low, self.high = -FAR, sot_min + MAX_PENALTY_MINUTES
            self.time_cond, self.times = "next_touch_at < ?", (view._sot_db,)
        else:
            low, self.high = sot_min - MAX_BONUS_MINUTES, now_min + MAX_PENALTY_MINUTES
            self.time_cond = "next_touch_at >= ? AND next_touch_at <= ?"
            self.times = (view._sot_db, view._now_db)
        self.where = (
            f"{ACTIVE} AND next_touch_fixed = 0 AND {RANK_SQL} >= ? AND {RANK_SQL} <= ?"
            f" AND {self.time_cond} AND {OWNED} AND ({RANK_SQL} > ? OR id > ?)"
        )
        self.after = (low, 0)  # keyset: every lead up to here has been looked at
        self.merge: _Merge | None = None
        pairs = view._pairs
        if len(pairs.open_keys) * FEW_OPEN <= len(pairs.keys):
            self._by_pair()

    def _params(self, after: tuple) -> tuple:
        return (after[0], self.high, *self.times, self.view._rep_id, after[0], after[1])

    def take(self, n: int | None) -> list[tuple]:
        """The next ``n`` callable leads as (id, rank)."""
        rows = self._scan(n) if self.merge is None else []
        if self.merge is not None and (n is None or len(rows) < n):
            rows += self.merge.take(None if n is None else n - len(rows))
        return rows

    def _scan(self, n: int | None) -> list[tuple]:
        params = self._params(self.after)
        budget = -1 if n is None else n * SCAN_FACTOR + SCAN_EXTRA
        rows = _run(
            f"SELECT id, r FROM (SELECT id, {RANK_SQL} AS r, {PAIR_SQL} AS k"
            f" FROM lead INDEXED BY lead_queue_rank WHERE {self.where}"
            f" ORDER BY {RANK_SQL}, id LIMIT ?) WHERE k IN (SELECT value FROM json_each(?))"
            " LIMIT ?",
            (*params, budget, self.view._pairs.open_json, -1 if n is None else n),
        )
        if rows:
            self.after = (rows[-1][1], rows[-1][0])
        if n is not None and len(rows) == n:
            return rows
        last = None
        if budget != -1:  # was the budget spent, or the group?
            last = _run(
                f"SELECT {RANK_SQL}, id FROM lead INDEXED BY lead_queue_rank WHERE {self.where}"
                f" ORDER BY {RANK_SQL}, id LIMIT 1 OFFSET ?",
                (*params, budget - 1),
            )
        if last:
            self.after = last[0]
            self._by_pair()
        else:
            self.merge = _Merge()  # nothing left
        return list(rows)

    def _by_pair(self) -> None:
        """Merge the open pairs from here on, each entered at its first lead's rank."""
        heads = _run(
            f"SELECT j.value, (SELECT {RANK_SQL} FROM lead INDEXED BY lead_queue_pair_rank"
            f" WHERE {PAIR_SQL} = j.value AND {self.where} ORDER BY {RANK_SQL}, id LIMIT 1)"
            " FROM json_each(?) AS j",
            (*self._params(self.after), self.view._pairs.open_json),
        )
        self.merge = _Merge()
        for key, head in heads:
            if head is not None:
                self.merge.add((head,), _Stream(functools.partial(self._read, key), self.after))

    def _read(self, key: str, after: tuple, limit: int) -> tuple[list[tuple], tuple]:
        rows = _run(
            f"SELECT id, {RANK_SQL} FROM lead INDEXED BY lead_queue_pair_rank"
            f" WHERE {PAIR_SQL} = ? AND {self.where} ORDER BY {RANK_SQL}, id LIMIT ?",
            (key, *self._params(after), limit),
        )
        if rows:
            after = (rows[-1][1], rows[-1][0])
        return [((rank, lead_id), (lead_id, rank)) for lead_id, rank in rows], after


class _Later:
    """Due today and not callable now, in the order they become callable (then due, id).

    Within one pair, a later due time never opens earlier, so each pair read in time order from
    ``lead_queue_pair`` is already in the queue's order; the pairs are merged. A closed pair
    enters at its next opening (nothing of it opens sooner) and is not read until the page
    reaches that time; an open pair's leads due later today enter at their first lead. So the
    first page reads the few pairs that open first, not every lead waiting overnight.
    """

    def __init__(self, view: QueueView):
        self.view = view
        pairs = view._pairs
        now, now_db = view._now_ts, view._now_db
        start = ("", 0)  # everything due, even long ago
        past_now = (now_db, MAX_ID)  # only what is due after now (before that is callable)
        self.merge = _Merge(
            pairs.closed, lambda key: _Stream(functools.partial(self._read, key), start)
        )
        for key, sched in pairs.keys.items():
            if sched is None:  # a zone or window this system cannot read: waits from now
                self.merge.add((now,), _Stream(functools.partial(self._read, key), start))
        heads = _run(
            "SELECT j.value, (SELECT next_touch_at FROM lead INDEXED BY lead_queue_pair"
            f" WHERE {PAIR_SQL} = j.value AND {ACTIVE} AND next_touch_fixed = 0"
            f" AND next_touch_at > ? AND next_touch_at < ? AND {OWNED}"
            " ORDER BY next_touch_at, id LIMIT 1) FROM json_each(?) AS j",
            (now_db, view._eot_db, view._rep_id, pairs.open_json),
        )
        for key, head in heads:
            if head is not None:
                bound = (pairs.callable_from(key, max(_epoch(head), now)),)
                self.merge.add(bound, _Stream(functools.partial(self._read, key), past_now))
        self.merge.add((now,), _Stream(self._read_callbacks, past_now))

    def take(self, n: int | None) -> list[tuple]:
        """The next ``n`` leads as (id, callable-from epoch; inf when the window never opens)."""
        return self.merge.take(n)

    def _read(self, key: str, after: tuple, limit: int) -> tuple[list[tuple], tuple]:
        view = self.view
        rows = _run(
            f"SELECT id, next_touch_at FROM lead INDEXED BY lead_queue_pair WHERE {PAIR_SQL} = ?"
            f" AND {ACTIVE} AND next_touch_fixed = 0 AND next_touch_at < ? AND {OWNED}"
            " AND next_touch_at >= ? AND (next_touch_at > ? OR id > ?)"
            " ORDER BY next_touch_at, id LIMIT ?",
            (key, view._eot_db, view._rep_id, after[0], after[0], after[1], limit),
        )
        now, opens = view._now_ts, view._pairs.callable_from
        found = []
        for lead_id, due in rows:
            cf = opens(key, max(_epoch(due), now))
            found.append(((cf, due, lead_id), (lead_id, cf)))
        return found, (rows[-1][1], rows[-1][0]) if rows else after

    def _read_callbacks(self, after: tuple, limit: int) -> tuple[list[tuple], tuple]:
        """Callbacks promised for later today: callable at the time given, window or not."""
        view = self.view
        rows = _run(
            "SELECT id, next_touch_at FROM lead INDEXED BY lead_queue_callback WHERE"
            f" {ACTIVE} AND next_touch_fixed = 1 AND next_touch_at < ? AND {OWNED}"
            " AND next_touch_at >= ? AND (next_touch_at > ? OR id > ?)"
            " ORDER BY next_touch_at, id LIMIT ?",
            (view._eot_db, view._rep_id, after[0], after[0], after[1], limit),
        )
        found = [((_epoch(due), due, lead_id), (lead_id, _epoch(due))) for lead_id, due in rows]
        return found, (rows[-1][1], rows[-1][0]) if rows else after


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
                size = None if want is None else want - len(self._ids)
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
        if walk.group in ("overdue", "due", "later"):
            if walk.source is None:
                walk.source = _Later(self) if walk.group == "later" else _Ranked(self, walk.group)
            return walk.source.take(size)
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
        # Callable: only the open pairs' ranges are counted (at night that is next to nothing).
        opened = self._pairs.open_json

        def count_callable(times: str, *params) -> int:
            return _run(
                f"SELECT count(*) FROM lead INDEXED BY lead_queue_pair WHERE {PAIR_SQL} IN"
                f" (SELECT value FROM json_each(?)) AND {ACTIVE} AND next_touch_fixed = 0"
                f" AND {times} AND {OWNED}",
                (opened, *params, rep),
            )[0][0]

        overdue = count_callable("next_touch_at < ?", self._sot_db)
        due = count_callable(
            "next_touch_at >= ? AND next_touch_at <= ?", self._sot_db, self._now_db
        )
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
                callable_from = _next_open(sched, start)
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
            phone_raw=lead.phone_raw,
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
            local_time_text=_wall_clock(now, lead.zone),
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
        return _epoch(self.next_touch_at)


@functools.lru_cache(maxsize=4096)
def _epoch(stored: str | None) -> float | None:
    """A stored UTC instant as epoch seconds (a page asks for each several times)."""
    if stored is None:
        return None
    return dt.datetime.fromisoformat(stored).replace(tzinfo=dt.UTC).timestamp()


@functools.lru_cache(maxsize=1024)
def _wall_clock(now: float, zone: str) -> str:
    """'Mon 15:20': the clock in ``zone`` at ``now`` (the same for every lead there)."""
    return dt.datetime.fromtimestamp(now, _zone(zone)).strftime("%a %H:%M")


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
