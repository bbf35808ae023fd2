"""Benchmark databases of 100k and 1M leads, fast, through the real schema; and import CSV files.

The database is opened with :func:`models.db.open_database` (so migrations and pragmas are the
real ones) and filled with ``executemany`` in big batches inside one write transaction. Columns
the generator does not know (added by a later migration) get their model default; a NOT NULL
column without one stops the generator with a message saying where to teach it.

Generated files are cached under ``tests/bench/cache/`` keyed by size, schema version, a
fingerprint of the tables' columns and the generator version, so reruns cost a file copy.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import random
import shutil
import time
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import pendulum

from models import migrations
from models.db import close_database, open_database, write_transaction
from models.paths import ensure_private_dir, ensure_private_file
from models.schema import ALL_MODELS, Lead, Note, Rep, StatusChange, TimeBlock, Touch
from models.windows import check_window

from . import data

GENERATOR_VERSION = 3  # 3: databases as callq now makes them, with 8 KiB pages
CACHE_DIR = Path(__file__).resolve().parent / "cache"
# Monday 23 November 2026, 14:00 UTC: 09:00 in New York, 15:00 in Berlin, 01:00 (Tue) in Sydney.
NOW = pendulum.datetime(2026, 11, 23, 14, 0, tz="UTC")
REP = "bench"
REP_ZONE = "America/New_York"
BATCH = 20_000
DAY = 86_400


def schema_key() -> str:
    """The schema version and a short fingerprint of every table's columns."""
    shape = ";".join(
        f"{m._meta.table_name}:{','.join(f.column_name for f in m._meta.sorted_fields)}"
        for m in ALL_MODELS
    )
    digest = hashlib.sha1(shape.encode()).hexdigest()[:8]
    return f"s{migrations.latest_version()}-{digest}"


def cache_name(size: int) -> str:
    return f"leads-{size}-{schema_key()}-g{GENERATOR_VERSION}.db"


def cached_database(size: int, cache_dir: Path = CACHE_DIR, *, log=None) -> Path:
    """The cached database of ``size`` leads, generated first if this schema has none yet."""
    ensure_private_dir(cache_dir)
    path = cache_dir / cache_name(size)
    if path.exists():
        return path
    for stale in cache_dir.glob(f"leads-{size}-*.db*"):
        stale.unlink()  # an older schema's file: a 1M database is a gigabyte
    partial = cache_dir / f".partial-{os.getpid()}-{path.name}"
    started = time.perf_counter()
    try:
        stats = generate_database(partial, size)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        raise
    partial.rename(path)
    if log:
        took = time.perf_counter() - started
        counts = ", ".join(f"{n:,} {table}" for table, n in stats.items())
        log(f"generated {path.name} in {took:.1f} s ({counts})")
    return path


def working_copy(source: Path, directory: Path) -> Path:
    """A private copy of a cached database to run against (measures write to it)."""
    ensure_private_dir(directory)
    target = directory / source.name
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    return target


# --- the database ---------------------------------------------------------------------------


class _Stamp:
    """Epoch seconds → the stored UTC text form, fast (a cache per minute)."""

    def __init__(self):
        self._minutes: dict[int, str] = {}
        self._seconds = [f"{s:02d}.000000" for s in range(60)]

    def __call__(self, epoch: int) -> str:
        minute, second = divmod(epoch, 60)
        prefix = self._minutes.get(minute)
        if prefix is None:
            when = dt.datetime.fromtimestamp(minute * 60, dt.UTC)
            prefix = self._minutes[minute] = when.strftime("%Y-%m-%d %H:%M:")
        return prefix + self._seconds[second]


class _Bulk:
    """``INSERT`` for a model: the columns the generator gives, then every other column's
    default, so a column added by a later migration does not break generation."""

    def __init__(self, conn, model, given: list[str]):
        fields = {f.name: f for f in model._meta.sorted_fields}
        missing = [n for n in given if n not in fields]
        if missing:
            raise RuntimeError(f"{model.__name__} has no field(s) {missing}: update the generator")
        rest = [f for f in model._meta.sorted_fields if f.name not in given and not f.primary_key]
        defaults = []
        for field in rest:
            default = field.default() if callable(field.default) else field.default
            if default is None and not field.null:
                raise RuntimeError(
                    f"{model._meta.table_name}.{field.column_name} is NOT NULL without a default: "
                    "teach tests/bench/generate.py to fill it"
                )
            defaults.append(None if default is None else field.db_value(default))
        columns = [fields[n].column_name for n in given] + [f.column_name for f in rest]
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f'"{c}"' for c in columns)
        self.sql = f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES ({marks})'
        self.defaults = tuple(defaults)
        self.conn = conn  # a sqlite3 connection (peewee's own, or a raw one for a baseline)
        self.count = 0

    def insert(self, rows: Iterable[tuple]) -> None:
        tail = self.defaults
        batch = [row + tail for row in rows]
        self.conn.executemany(self.sql, batch)
        self.count += len(batch)


def _weighted(pairs):
    values = [v for v, _ in pairs]
    cum, total = [], 0
    for _, weight in pairs:
        total += weight
        cum.append(total)
    return values, cum


def _ascii(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


LEAD_FIELDS = [
    "id", "name", "company", "title", "phone", "email", "zone", "industry", "source", "owner",
    "status", "q_need", "q_afford", "q_authority", "likelihood", "cadence_days", "channel",
    "next_touch_at", "next_touch_fixed", "attempts", "exhausted", "last_contacted_at",
    "created_at", "updated_at", "call_window",
]  # fmt: skip
TOUCH_FIELDS = [
    "lead", "rep", "channel", "outcome", "started_at", "ended_at", "variant", "note",
    "next_touch_at",
]  # fmt: skip
NOTE_FIELDS = ["lead", "kind", "body", "author", "is_draft", "created_at", "updated_at"]
CHANGE_FIELDS = ["lead", "from_status", "to_status", "reason", "rep", "changed_at"]
BLOCK_FIELDS = [
    "rep", "category", "planned_minutes", "started_at", "ended_at", "heartbeat_at",
    "paused_seconds", "end_reason",
]  # fmt: skip
STATUS_PATHS = {
    "lead": [],
    "prospect": [("lead", "prospect")],
    "customer": [("lead", "prospect"), ("prospect", "customer")],
    "lost": [("lead", "lost")],
    "do_not_contact": [("lead", "do_not_contact")],
}


def generate_database(path: Path, size: int, *, now=NOW, seed: int = 8) -> dict[str, int]:
    """Create ``path`` holding ``size`` leads with notes, touches, status history and blocks.

    Deterministic for a given size, seed and ``now``. Returns rows written per table.
    """
    db = open_database(path)
    try:
        db.execute_sql("PRAGMA cache_size = -262144")  # 256 MiB while loading: index inserts
        with write_transaction(db):
            rep = Rep.create(name=REP, zone=REP_ZONE, created_at=now.subtract(days=800))
            stats = _fill(db, size, rep.id, int(now.timestamp()), random.Random(seed))
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        close_database()
    return stats


def _fill(db, size: int, rep_id: int, now: int, rng: random.Random) -> dict[str, int]:
    stamp = _Stamp()
    conn = db.connection()
    leads = _Bulk(conn, Lead, LEAD_FIELDS)
    touches = _Bulk(conn, Touch, TOUCH_FIELDS)
    notes = _Bulk(conn, Note, NOTE_FIELDS)
    changes = _Bulk(conn, StatusChange, CHANGE_FIELDS)
    blocks = _Bulk(conn, TimeBlock, BLOCK_FIELDS)
    blocks.insert(_blocks(rep_id, now, stamp))

    place_cum = list(_accumulate(data.PLACE_WEIGHTS))
    # The zone's UTC offset now, to put past touches in the prospect's working hours.
    offsets = [
        int(pendulum.from_timestamp(now, tz=zone).utcoffset().total_seconds())
        for zone, _, _ in data.PLACES
    ]
    statuses, status_cum = _weighted(data.STATUSES)
    channels, channel_cum = _weighted(data.CHANNELS)
    cadences, cadence_cum = _weighted(data.CADENCES)
    outcomes, outcome_cum = _weighted(data.OUTCOMES)
    # Stored as callq stores what a rep types: checked and in canonical form.
    own_windows = [check_window(text) for text in data.OWN_WINDOWS]
    first_ascii = {n: _ascii(n) for n in data.FIRST}
    last_ascii = {n: _ascii(n) for n in data.LAST}
    choices, rand, randrange = rng.choices, rng.random, rng.randrange
    n_places = len(data.PLACES)

    for start in range(1, size + 1, BATCH):
        count = min(BATCH, size + 1 - start)
        place_idx = choices(range(n_places), cum_weights=place_cum, k=count)
        status_k = choices(statuses, cum_weights=status_cum, k=count)
        channel_k = choices(channels, cum_weights=channel_cum, k=count)
        cadence_k = choices(cadences, cum_weights=cadence_cum, k=count)
        lead_rows, touch_rows, note_rows, change_rows = [], [], [], []
        for j in range(count):
            lead_id = start + j
            p = place_idx[j]
            zone, prefix, digits = data.PLACES[p]
            first, last = rng.choice(data.FIRST), rng.choice(data.LAST)
            industry = rng.choice(data.INDUSTRY_KEYS)
            company = f"{rng.choice(data.LAST)} {rng.choice(data.COMPANY_WORDS[industry])}"
            status = status_k[j]
            cadence = cadence_k[j]
            created = now - randrange(7 * DAY, 720 * DAY)
            # Touch history: a few attempts per lead, more for the ones worked longest.
            n_touches = min(int(rand() * rand() * 12), (now - created) // (2 * DAY))
            day_start = created
            attempts, last_touch = 0, None
            offset = offsets[p]
            for k in range(n_touches):
                day_start += randrange(DAY, max(2, cadence) * DAY)
                local_day = (day_start + offset) // DAY * DAY - offset
                when = local_day + randrange(8 * 3600, 18 * 3600)
                if when >= now - 3600:
                    break
                outcome = choices(outcomes, cum_weights=outcome_cum)[0]
                talked = outcome in data.TALKED
                attempts = 0 if talked else attempts + 1
                touch_rows.append(
                    (
                        lead_id,
                        rep_id,
                        "call" if k % 5 else channel_k[j],
                        outcome,
                        stamp(when),
                        stamp(when + (randrange(60, 900) if talked else randrange(15, 45))),
                        rng.choice(data.VARIANTS),
                        "",
                        None,
                    )
                )
                last_touch = when
            active = status in ("lead", "prospect")
            due = None
            fixed = False
            if active or status == "customer":
                roll = rand()
                if not active:
                    due = now + randrange(DAY, 90 * DAY)
                elif roll < 0.03:  # overdue: a backlog of up to two weeks
                    due = now - randrange(3600, 14 * DAY)
                elif roll < 0.05:  # due earlier today
                    due = now - randrange(0, 5 * 3600)
                elif roll < 0.08:  # due later today
                    due = now + randrange(0, 9 * 3600)
                else:
                    due = now + randrange(DAY, (2 * cadence + 2) * DAY)
                    fixed = roll > 0.96  # a callback time the prospect gave
            exhausted = active and attempts >= 8
            created_s = stamp(created)
            lead_rows.append(
                (
                    lead_id,
                    f"{first} {last}",
                    company,
                    rng.choice(data.TITLES),
                    prefix + str(randrange(10**digits)).zfill(digits),
                    f"{first_ascii[first]}.{last_ascii[last]}{lead_id}@{rng.choice(data.DOMAINS)}",
                    zone,
                    industry,
                    rng.choice(data.SOURCE_KEYS),
                    rep_id,
                    status,
                    "yes" if status != "lead" else "unknown",
                    "yes" if status in ("prospect", "customer") else "unknown",
                    "yes" if status in ("prospect", "customer") else "unknown",
                    rng.choice(data.LIKELIHOOD),
                    cadence,
                    channel_k[j],
                    None if due is None else stamp(due),
                    fixed,
                    attempts,
                    exhausted,
                    None if last_touch is None else stamp(last_touch),
                    created_s,
                    stamp(last_touch or created),
                    rng.choice(own_windows) if rand() < 0.015 else None,
                )
            )
            roll = rand()
            if roll < 0.6:
                note_rows.append(
                    (lead_id, "benefit", rng.choice(data.BENEFITS), rep_id, False, created_s,
                     created_s)
                )  # fmt: skip
            if roll > 0.7:
                note_rows.append(
                    (lead_id, "general", rng.choice(data.GENERAL), rep_id, False, created_s,
                     created_s)
                )  # fmt: skip
            if rand() < 0.15:
                note_rows.append(
                    (lead_id, "objection", rng.choice(data.OBJECTIONS), rep_id, False, created_s,
                     created_s)
                )  # fmt: skip
            changed = created
            for from_status, to_status in STATUS_PATHS[status]:
                changed += randrange(DAY, 30 * DAY)
                change_rows.append(
                    (lead_id, from_status, to_status, "", rep_id, stamp(min(changed, now - 60)))
                )
        leads.insert(lead_rows)
        touches.insert(touch_rows)
        notes.insert(note_rows)
        changes.insert(change_rows)
    return {
        "leads": leads.count,
        "touches": touches.count,
        "notes": notes.count,
        "status changes": changes.count,
        "time blocks": blocks.count,
    }


def _accumulate(weights):
    total = 0
    for weight in weights:
        total += weight
        yield total


def _blocks(rep_id: int, now: int, stamp) -> list[tuple]:
    """A calling and a research block on each weekday of the last 90 days (New York mornings)."""
    rows = []
    for days_ago in range(1, 91):
        day = pendulum.from_timestamp(now - days_ago * DAY, tz=REP_ZONE)
        if day.day_of_week in (pendulum.SATURDAY, pendulum.SUNDAY):
            continue
        nine = int(day.replace(hour=9, minute=0, second=0, microsecond=0).timestamp())
        rows.append(
            (rep_id, "calling", 60, stamp(nine), stamp(nine + 3720), stamp(nine + 3720), 0, "done")
        )
        start = nine + 4 * 3600
        rows.append(
            (rep_id, "research", 30, stamp(start), stamp(start + 1800), None, 0, "done")
        )  # fmt: skip
    return rows


# --- import files ---------------------------------------------------------------------------

CSV_HEADER = ["First Name", "Last Name", "Company", "Title", "Phone", "Email", "Industry", "Source"]


def csv_places() -> list[tuple[str, str, int]]:
    """Places whose numbers name exactly their zone, so an import can suggest it from the phone,
    with room for a million distinct numbers."""
    from models.phones import suggest_zone

    places = []
    for zone, prefix, digits in data.PLACES:
        if prefix.startswith("+1"):  # NANP: area code + 7 digits, exchange 200-999
            prefix, digits = prefix[:5], 7
        if suggest_zone(prefix + "2" * digits) == zone:
            places.append((zone, prefix, digits))
    return places


def csv_rows(count: int, *, seed: int = 9) -> Iterator[list[str]]:
    """``count`` valid, distinct lead rows as a generic spreadsheet export writes them."""
    import phonenumbers

    rng = random.Random(seed)
    places = csv_places()
    serial = [0] * len(places)
    industries = list(data.COMPANY_WORDS)
    for i in range(count):
        p = i % len(places)
        zone, prefix, digits = places[p]
        serial[p] += 1
        if prefix.startswith("+1"):
            number = prefix + str(2_000_000 + serial[p] * 7 % 8_000_000)
            parsed = phonenumbers.parse(number)
            phone = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        else:
            phone = prefix + str(serial[p] * 37 % 10**digits).zfill(digits)
        first, last = rng.choice(data.FIRST), rng.choice(data.LAST)
        industry = rng.choice(industries)
        yield [
            first,
            last,
            f"{rng.choice(data.LAST)} {rng.choice(data.COMPANY_WORDS[industry])}",
            rng.choice(data.TITLES),
            phone,
            f"{_ascii(first)}.{_ascii(last)}.{i}@{rng.choice(data.DOMAINS)}",
            industry.replace("_", " ").title(),
            rng.choice(data.SOURCE_KEYS),
        ]


def cached_csv(count: int, cache_dir: Path = CACHE_DIR) -> Path:
    """A CSV file of ``count`` lead rows (UTF-8, comma, header), generated once."""
    ensure_private_dir(cache_dir)
    path = cache_dir / f"import-{count}-g{GENERATOR_VERSION}.csv"
    if not path.exists():
        partial = cache_dir / f".partial-{os.getpid()}-{path.name}"
        ensure_private_file(partial)
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_HEADER)
            writer.writerows(csv_rows(count))
        partial.rename(path)
    return path
