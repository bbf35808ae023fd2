"""Import benchmark: a realistic CSV through ``callq import``'s engine, against raw sqlite3
``executemany`` of the same rows, measured in the same run; peak memory at 100k and 1M rows.

    .venv/bin/python -m tests.bench.bench_import            # 100k rows, 3 runs, memory 100k/1M
    .venv/bin/python -m tests.bench.bench_import --rows 20000 --no-memory

``bench_import(rows, repeats)`` is the plain function the benchmarks runner calls.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (how numbers are written, zone given or not): a territory's area codes and a few abroad.
AREAS = ["212", "646", "718", "415", "312", "617", "720", "206", "305", "404", "512", "303"]
ABROAD = ["+44 20 7946 {:04d}", "+49 30 9018{:04d}", "+33 1 42 68 {:04d}", "+61 2 9374 {:04d}"]
INDUSTRIES = ["restaurant", "office", "retail", "healthcare", "construction", "software"]
SOURCES = ["referral", "lists", "cold call", "Trade Show", "networking", "web"]


def write_csv(path: Path, rows: int) -> None:
    """A generic lead sheet: names, companies, phones in several styles, emails, industries."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["First Name", "Last Name", "Company", "Phone", "Email", "Title", "Industry", "Source"]
        )
        for i in range(rows):
            style = i % 10
            area = AREAS[i % len(AREAS)]
            exchange = 200 + (i // 10_000) % 700
            sub = i % 10_000
            if style < 4:
                phone = f"({area}) {exchange}-{sub:04d}"
            elif style < 7:
                phone = f"+1 {area} {exchange} {sub:04d}"
            elif style < 9:
                phone = f"{area}-{exchange}-{sub:04d}"
            else:
                phone = ABROAD[i % len(ABROAD)].format(sub)
            out.writerow(
                [
                    f"First{i}",
                    f"Last{i}",
                    f"Company {i % 5000}",
                    phone,
                    f"lead{i}@example{i % 97}.com",
                    "Owner",
                    INDUSTRIES[i % len(INDUSTRIES)],
                    SOURCES[i % len(SOURCES)],
                ]
            )


def time_callq(csv_path: Path, workdir: Path) -> float:
    """Seconds for plan + validated import into a fresh callq database."""
    from models.db import close_database, open_database
    from models.importing import ImportOptions, plan_import, run_import

    db = workdir / f"callq-{time.monotonic_ns()}.db"
    open_database(db)
    try:
        start = time.perf_counter()
        options = ImportOptions()
        plan = plan_import(csv_path, options)
        report = run_import(plan, options)
        elapsed = time.perf_counter() - start
        assert report.written and report.errors == 0, report.summary()
        return elapsed
    finally:
        close_database()


def time_raw_sqlite(csv_path: Path, workdir: Path) -> float:
    """Seconds for csv.reader + sqlite3 executemany of the same rows, no validation."""
    db = workdir / f"raw-{time.monotonic_ns()}.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=wal")
    con.execute(
        "CREATE TABLE lead (id INTEGER PRIMARY KEY, first TEXT, last TEXT, company TEXT,"
        " phone TEXT, email TEXT, title TEXT, industry TEXT, source TEXT)"
    )
    con.execute("CREATE INDEX lead_phone ON lead (phone)")
    con.execute("CREATE INDEX lead_email ON lead (email)")
    start = time.perf_counter()
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        with con:
            while chunk := [row for _, row in zip(range(1000), reader, strict=False)]:
                con.executemany(
                    "INSERT INTO lead (first, last, company, phone, email, title, industry,"
                    " source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    chunk,
                )
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def peak_memory_mib(rows: int) -> float:
    """Peak resident memory of a fresh process importing ``rows`` rows."""
    code = (
        "import resource, sys, tempfile\n"
        "from pathlib import Path\n"
        "from tests.bench.bench_import import write_csv, time_callq\n"
        "work = Path(tempfile.mkdtemp())\n"
        f"write_csv(work / 'leads.csv', {rows})\n"
        "time_callq(work / 'leads.csv', work)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def bench_import(rows: int = 100_000, repeats: int = 3, memory: bool = True) -> dict:
    """Medians of ``repeats`` runs: callq's import vs raw executemany; peak memory 100k vs 1M."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / "leads.csv"
        write_csv(path, rows)
        callq, raw = [], []
        for _ in range(repeats):
            raw.append(time_raw_sqlite(path, work))
            callq.append(time_callq(path, work))
    result = {
        "rows": rows,
        "callq_seconds": statistics.median(callq),
        "callq_rows_per_second": rows / statistics.median(callq),
        "raw_sqlite_seconds": statistics.median(raw),
        "raw_sqlite_rows_per_second": rows / statistics.median(raw),
        "ratio_to_raw": statistics.median(callq) / statistics.median(raw),
        "target_rows_per_second": 50_000,
    }
    if memory:
        small, large = peak_memory_mib(100_000), peak_memory_mib(1_000_000)
        result |= {"peak_mib_100k": small, "peak_mib_1m": large, "memory_ratio": large / small}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true")
    args = parser.parse_args()
    print(json.dumps(bench_import(args.rows, args.repeats, not args.no_memory), indent=2))


if __name__ == "__main__":
    main()
