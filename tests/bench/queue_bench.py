"""Benchmarks of the queue (issue 3): rebuild, paging, counts and logging an outcome, each beside
a raw sqlite3 baseline measured in the same run on the same file.

Plain functions for the benchmark harness::

    from tests.bench.queue_bench import bench_queue, bench_log_outcome, make_database
    make_database(path, 100_000, now)          # 100k leads in 40+ zones, every preset
    bench_queue(path, now)                     # read-only
    bench_log_outcome(copy_of_path, now)       # writes (then undoes): give it a copy

Or from the shell: ``python -m tests.bench.queue_bench 100000`` (prints medians in ms).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pendulum

NOW = pendulum.datetime(2026, 11, 23, 14, 0, tz="UTC")  # Monday, 09:00 in New York

ZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Toronto", "America/Sao_Paulo", "America/Mexico_City", "America/Bogota",
    "America/Lima", "America/Santiago", "America/Argentina/Buenos_Aires", "America/Halifax",
    "America/Anchorage", "Pacific/Honolulu", "America/St_Johns", "Europe/London",
    "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam",
    "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Istanbul", "Europe/Moscow",
    "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "Africa/Cairo", "Asia/Dubai",
    "Asia/Kolkata", "Asia/Kathmandu", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo",
    "Asia/Seoul", "Asia/Jakarta", "Australia/Sydney", "Australia/Perth", "Australia/Adelaide",
    "Pacific/Auckland", "Australia/Lord_Howe",
]  # fmt: skip
INDUSTRIES = ["office", "restaurant", "stock_broker", "retail", "construction", "healthcare",
              "software", "hospitality", "real_estate", "manufacturing"]  # fmt: skip
SOURCES = ["referral", "cold_call", "lists", "networking", "endless_chain", "internet"]
OWN_WINDOWS = ["mon-fri 08:00-10:00", "tue,thu 15:00-18:00", "daily 07:00-08:30"]


def make_database(path: str | Path, leads: int, now=NOW, seed: int = 3) -> Path:
    """A callq database with ``leads`` leads owned by one rep: a third overdue (up to two
    weeks), most due today, the rest later; 1 % with their own call window."""
    from models.db import close_database, open_database
    from models.fields import to_db

    path = Path(path)
    open_database(path)
    close_database()
    rng = random.Random(seed)
    con = sqlite3.connect(path)
    stamp = to_db(now)
    con.execute("INSERT OR IGNORE INTO rep (name, created_at) VALUES ('bench', ?)", (stamp,))
    rep_id = con.execute("SELECT id FROM rep WHERE name = 'bench'").fetchone()[0]
    base = now.timestamp()
    rows = []
    for i in range(leads):
        roll = rng.random()
        if roll < 0.35:
            due = base - rng.randrange(3600, 14 * 86400)
        elif roll < 0.8:
            due = base + rng.randrange(0, 8 * 3600)
        else:
            due = base + rng.randrange(86400, 20 * 86400)
        rows.append(
            (
                f"Lead {i}",
                f"Company {i % 997}",
                f"+1212555{i % 10000:04d}",
                rng.choice(ZONES),
                rng.choice(INDUSTRIES),
                rng.choice(SOURCES),
                rep_id,
                rng.choice([None, 20, 40, 60, 80]),
                rng.choice(OWN_WINDOWS) if rng.random() < 0.01 else None,
                to_db(pendulum.from_timestamp(due)),
                rng.randrange(0, 6),
                stamp,
            )
        )
    con.executemany(
        "INSERT INTO lead (name, company, phone, zone, industry, source, owner_id, likelihood,"
        " call_window, next_touch_at, attempts, created_at, updated_at, title, status, q_need,"
        " q_afford, q_authority, q_approachable, q_eligible, cadence_days, channel,"
        " next_touch_fixed, exhausted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 'lead',"
        " 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 7, 'call', 0, 0)",
        [(*row, row[-1]) for row in rows],
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return path


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def _time(fn, rounds: int) -> list[float]:
    out = []
    for i in range(rounds):
        started = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - started)
    return out


def _rep():
    from models.schema import Lead, Rep

    owner = Lead.select(Lead.owner).where(Lead.owner.is_null(False)).limit(1).scalar()
    return Rep.get_by_id(owner) if owner else Rep.select().first()


def bench_queue(db_path: str | Path, now=NOW, *, rounds: int = 30, page: int = 50) -> dict:
    """Medians (ms) of: a fresh queue rebuild (first page of ``page`` entries, a new view at a
    new instant each round), the next page, the counts, and a cold rebuild (window caches
    emptied); beside raw sqlite3 reading the first ``page`` open due leads in time order."""
    from models import queue, windows
    from models.db import close_database, open_database
    from models.fields import to_db
    from models.queue import ACTIVE
    from models.settings import Settings

    open_database(db_path)
    try:
        rep = _rep()
        settings = Settings(rep_zone="America/New_York")
        leads = queue.database.execute_sql("SELECT count(*) FROM lead").fetchone()[0]

        def rebuild(i):
            queue.QueueView(rep, now=now.add(seconds=i), settings=settings).page(0, page)

        rebuild(0)  # warm the statement cache and the per-pair window states
        warm = _time(rebuild, rounds)
        view = queue.QueueView(rep, now=now, settings=settings)
        view.page(0, page)
        next_page = _time(lambda i: view.page(page * (i + 1), page), rounds)

        def counts(i):
            queue.QueueView(rep, now=now.add(seconds=i), settings=settings).counts()

        count = _time(counts, max(5, rounds // 3))

        def cold(i):
            windows._SCHEDULES.clear()
            queue._PAIRS.clear()
            rebuild(i)

        cold_times = _time(cold, max(5, rounds // 3))
    finally:
        close_database()

    con = sqlite3.connect(db_path)
    stamp = to_db(now)

    def raw(i):
        con.execute(  # open, not exhausted leads in time order (through lead_queue_due)
            f"SELECT id, name, company, phone, zone FROM lead WHERE {ACTIVE}"
            " AND next_touch_at <= ? ORDER BY next_touch_at LIMIT ?",
            (stamp, page),
        ).fetchall()

    raw(0)
    baseline = _time(raw, rounds)
    con.close()
    result = {
        "leads": leads,
        "rebuild_ms": _median_ms(warm),
        "next_page_ms": _median_ms(next_page),
        "counts_ms": _median_ms(count),
        "cold_rebuild_ms": _median_ms(cold_times),
        "sqlite3_first_page_ms": _median_ms(baseline),
    }
    result["rebuild_vs_sqlite3"] = round(result["rebuild_ms"] / result["sqlite3_first_page_ms"], 1)
    result["rebuild_runs_ms"] = [round(t * 1000, 4) for t in warm]
    result["sqlite3_first_page_runs_ms"] = [round(t * 1000, 4) for t in baseline]
    return result


def bench_log_outcome(db_path: str | Path, now=NOW, *, rounds: int = 30) -> dict:
    """Median (ms) of logging ``no_answer`` on a due lead (one transaction: touch, reschedule,
    undo state), beside raw sqlite3 doing an UPDATE and an INSERT in one transaction. The
    touches are undone afterwards; still, give it a copy of a database you care about."""
    from models.db import close_database, open_database
    from models.fields import to_db
    from models.outcomes import log_outcome, undo_last_touch
    from models.schema import Lead
    from models.settings import Settings

    open_database(db_path)
    try:
        rep = _rep()
        settings = Settings(rep_zone="America/New_York")
        ids = [
            row.id
            for row in Lead.select(Lead.id)
            .where((Lead.status == "lead") & (Lead.next_touch_at <= now))
            .order_by(Lead.id)
            .limit(rounds + 1)
        ]
        logged = _time(
            lambda i: log_outcome(ids[i], "no_answer", rep=rep, now=now, settings=settings),
            min(rounds, len(ids)),
        )
        for _ in range(len(logged)):
            undo_last_touch(rep, now=now)
    finally:
        close_database()

    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=normal")
    stamp = to_db(now)

    def raw(i):
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "INSERT INTO touch (lead_id, channel, outcome, started_at, note) VALUES"
            " (?, 'call', 'bench', ?, '')",
            (ids[i], stamp),
        )
        con.execute("UPDATE lead SET attempts = attempts WHERE id = ?", (ids[i],))
        con.execute("COMMIT")

    baseline = _time(raw, min(rounds, len(ids)))
    con.execute("DELETE FROM touch WHERE outcome = 'bench'")
    con.close()
    result = {"log_outcome_ms": _median_ms(logged), "sqlite3_write_ms": _median_ms(baseline)}
    result["log_vs_sqlite3"] = round(result["log_outcome_ms"] / result["sqlite3_write_ms"], 1)
    result["log_outcome_runs_ms"] = [round(t * 1000, 4) for t in logged]
    result["sqlite3_write_runs_ms"] = [round(t * 1000, 4) for t in baseline]
    return result


def main(argv: list[str]) -> int:
    size = int(argv[0]) if argv else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        started = time.perf_counter()
        make_database(path, size)
        print(f"made {size} leads in {time.perf_counter() - started:.1f} s")
        print(bench_queue(path))
        print(bench_log_outcome(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
