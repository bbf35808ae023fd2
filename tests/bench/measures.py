"""The measures P1–P7, each beside a baseline measured in the same run.

P1/P2/P4/P7 compare callq with the hello-world DataTable app (``hello_app``); P3/P5/P6 compare
callq's domain functions with raw sqlite3 doing the least the same job needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

from .generate import NOW, REP, REP_ZONE
from .harness import ROOT, Row, Target, measured, size_label

START_TIMEOUT_S = 120
DOWN = "down"  # the "next lead" key: the arrow (j too, in callq), sent as ESC [ B under a pty


@dataclass
class Plan:
    """What to run: how many times, on which databases, quietly or not."""

    runs: int  # repetitions of the expensive measures (process starts, pty sessions)
    samples: int  # repetitions of the cheap ones (queue rebuilds, keystrokes, outcomes)
    dbs: dict[int, Path]  # size → a working copy of the generated database
    csv: dict[int, Path]  # rows → a CSV file to import
    workdir: Path
    warmup: bool = True
    settle: float = 0.3
    quiet: float = 0.25  # pty: this long without output means the screen is done
    log: callable = print


def child_env(workdir: Path) -> dict[str, str]:
    """The environment for callq and the baseline: private home, fixed rep zone, no devtools."""
    home = workdir / "home"
    home.mkdir(mode=0o700, exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CALLQ_", "TEXTUAL", "NO_COLOR", "PYTEST", "COLUMNS", "LINES"))
        and k != "PYTHONDONTWRITEBYTECODE"  # callq starts from its bytecode, as installed
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        CALLQ_REP_ZONE=REP_ZONE,
        TERM="xterm-256color",
        COLORTERM="truecolor",
        PYTHONPATH=str(ROOT),
    )
    return env


# --- P1, P2: a fresh process per start -----------------------------------------------------


def spawn_start(kind: str, db: Path | None, plan: Plan) -> tuple[float, float]:
    """Start ``kind`` (callq or hello) in a fresh process; seconds to the first queue frame and
    the process's peak resident memory in MiB."""
    cmd = [sys.executable, "-m", "tests.bench.probe", "start", kind, "--now", NOW.isoformat()]
    cmd += ["--rep", REP, "--settle", str(plan.settle)]
    if db is not None:
        cmd += ["--db", str(db)]
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=child_env(plan.workdir), stdout=subprocess.PIPE, stderr=err
        )
        ready_to_read, _, _ = select.select([proc.stdout], [], [], START_TIMEOUT_S)
        if not ready_to_read:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"{kind} did not show its queue within {START_TIMEOUT_S} s")
        line = proc.stdout.readline()
        ready = time.perf_counter()
        rest = proc.stdout.read().decode(errors="replace").strip().splitlines()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        report = json.loads(line) if line.strip() else {}
        if rest:
            report.update(json.loads(rest[-1]))
        if proc.returncode != 0 or "ready" not in report:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-5:]
            why = report.get("error") or f"exit {proc.returncode}"
            raise RuntimeError(f"{kind} start failed: {why}: {' | '.join(tail)}")
    return ready - started, _peak_mib(report, usage)


def _peak_mib(report: dict, usage) -> float:
    """The child's own high-water mark (see ``probe.peak_kib``), else ``ru_maxrss`` (KiB)."""
    return (report.get("peak_kib") or usage.ru_maxrss) / 1024


def p1_p2(plan: Plan) -> list[Row]:
    sizes = sorted(plan.dbs)
    hello_t, hello_m = [], []
    callq_t = {s: [] for s in sizes}
    callq_m = {s: [] for s in sizes}
    if plan.warmup:  # the first start of each pays for cold .pyc and page caches
        spawn_start("hello", None, plan)
        for size in sizes:
            spawn_start("callq", plan.dbs[size], plan)
    for _ in range(plan.runs):  # interleaved, so drift on a shared box hits both alike
        t, m = spawn_start("hello", None, plan)
        hello_t.append(t * 1000)
        hello_m.append(m)
        for size in sizes:
            t, m = spawn_start("callq", plan.dbs[size], plan)
            callq_t[size].append(t * 1000)
            callq_m[size].append(m)
    rows = []
    for size in sizes:
        label = size_label(size)
        rows.append(
            measured(
                Row("P1", "start → interactive queue", label, "ms",
                    baseline_name="hello DataTable", target=Target("ratio", "<=", 1.3, "≤ 1.30×")),
                callq_t[size], hello_t,
            )
        )  # fmt: skip
    for size in sizes:
        rows.append(
            measured(
                Row("P2", "peak memory at start", size_label(size), "MiB",
                    baseline_name="hello DataTable", target=Target("ratio", "<=", 1.5, "≤ 1.50×")),
                callq_m[size], hello_m,
            )
        )  # fmt: skip
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for measure, title, series in (
            ("P1", "start", callq_t),
            ("P2", "memory", callq_m),
        ):
            growth = Row(
                measure,
                f"{title} growth {size_label(small)} → {size_label(large)}",
                "",
                "×",
                value=_median(series[large]) / _median(series[small]),
                target=Target("value", "<=", 1.1, "≤ 1.10× (flat)"),
                note="callq at the larger size over callq at the smaller, same run",
            )
            rows.append(growth)
    return rows


def _median(values):
    from statistics import median

    return median(values)


# --- P4: keystroke → next lead rendered -----------------------------------------------------


def build_app(kind: str, db: Path | None):
    from .probe import build_app as build

    return build(kind, str(db) if db else None, NOW.isoformat(), REP)


async def _keystrokes(app, presses: int, warmup: int) -> tuple[list[float], list[int]]:
    """Press "next lead" ``presses`` times; per press, ms from the key to the last frame it
    caused, and the bytes those frames held."""
    from .screen import cursor_key, lead_shown, queue_marker, record

    record(app)
    latencies, sizes = [], []
    async with app.run_test(headless=False, size=(80, 24)) as pilot:
        deadline = time.monotonic() + 60
        while queue_marker(app) is None:
            if time.monotonic() > deadline:
                raise RuntimeError("the queue never filled")
            await asyncio.sleep(0.01)
        await pilot.pause()
        driver = app._driver
        for i in range(presses + warmup):
            before = cursor_key(app)
            mark = len(driver.frames)
            pressed = time.perf_counter()
            await pilot.press(DOWN)
            await app.workers.wait_for_complete()
            await pilot.pause()
            for _ in range(100):  # at most ~2 s for the detail pane's worker
                if lead_shown(app):
                    break
                await app.workers.wait_for_complete()
                await pilot.pause()
            else:
                raise RuntimeError("the next lead's details never appeared")
            if cursor_key(app) == before:
                break  # the end of the queue
            frames = driver.frames[mark:]
            if not frames:
                raise RuntimeError("a keystroke painted nothing")
            if i >= warmup:
                latencies.append((frames[-1][0] - pressed) * 1000)
                sizes.append(sum(n for _, n in frames))
    if not latencies:
        raise RuntimeError("the queue had no next lead to move to")
    return latencies, sizes


def p4(plan: Plan) -> list[Row]:
    warmup = 2 if plan.warmup else 0
    hello, hello_bytes = asyncio.run(_keystrokes(build_app("hello", None), plan.samples, warmup))
    rows = []
    for size in sorted(plan.dbs):
        try:
            app = build_app("callq", plan.dbs[size])
            callq, callq_bytes = asyncio.run(_keystrokes(app, plan.samples, warmup))
        finally:
            from models.db import close_database

            close_database()
        rows.append(
            measured(
                Row("P4", "keystroke → next lead rendered", size_label(size), "ms",
                    baseline_name="hello DataTable", target=Target("value", "<=", 16, "≤ 16 ms"),
                    note=f"in-process frames: {_median(callq_bytes):,.0f} B/key callq, "
                    f"{_median(hello_bytes):,.0f} B/key hello"),
                callq, hello,
            )
        )  # fmt: skip
    return rows


# --- P7: bytes to a real terminal per keystroke ---------------------------------------------


def _drain(fd: int, quiet: float, limit: float, first: float = 0.0) -> bytes:
    """Read ``fd`` until it has been silent for ``quiet`` seconds (or ``limit`` passed); the
    first byte may take up to ``first`` seconds (a busy machine is slow to answer a key)."""
    out = bytearray()
    end = time.monotonic() + limit
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], quiet if out else max(quiet, first))
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError as exc:  # EIO: the child closed its side
            if exc.errno == errno.EIO:
                break
            raise
        if not chunk:
            break
        out += chunk
    return bytes(out)


def pty_keystroke_bytes(argv: list[str], plan: Plan, presses: int) -> list[int]:
    """Run ``argv`` in an 80×24 pseudo-terminal, wait for its first screen, press "next lead"
    ``presses`` times and count the bytes each press wrote to the terminal."""
    env = child_env(plan.workdir)
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal before the app asks for it
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            os.chdir(ROOT)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    counts = []
    try:
        if not _drain(fd, 2 * plan.quiet, 60, first=START_TIMEOUT_S):  # the first screen
            raise RuntimeError(f"{argv[-1]}: nothing on screen within {START_TIMEOUT_S} s")
        for _ in range(presses):
            os.write(fd, b"\x1b[B")
            counts.append(len(_drain(fd, plan.quiet, 10, first=5)))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        _drain(fd, 0.2, 3)
        if not _reaped(pid, 5):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    if 0 in counts:
        raise RuntimeError(f"{argv[-1]}: a keystroke wrote nothing (the cursor did not move?)")
    return counts


def _reaped(pid: int, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return True
        time.sleep(0.05)
    return False


def callq_command(db: Path) -> list[str]:
    script = Path(sys.executable).with_name("callq")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]
    return argv + ["--db", str(db), "--now", NOW.isoformat(), "--rep", REP]


def p7(plan: Plan) -> list[Row]:
    presses = max(1, plan.samples // 3)
    hello = pty_keystroke_bytes([sys.executable, "-m", "tests.bench.hello_app"], plan, presses)
    rows = []
    for size in sorted(plan.dbs):
        callq = pty_keystroke_bytes(callq_command(plan.dbs[size]), plan, presses)
        rows.append(
            measured(
                Row("P7", "terminal bytes per next-lead key", size_label(size), "B",
                    baseline_name="hello DataTable", target=Target("value", "<=", 4096, "≤ 4 KB")),
                [float(n) for n in callq], [float(n) for n in hello],
            )
        )  # fmt: skip
    return rows


# --- P3, P5, P6: the domain against raw sqlite3 ---------------------------------------------


QUEUE_PAGE = 100  # the rows the workstation asks for at a time (tui/widgets/queue_table.py)


def p3(plan: Plan) -> list[Row]:
    from . import subjects

    bench = subjects.queue_bench()  # the queue's own measuring functions, on our databases
    rows = []
    for size in sorted(plan.dbs):
        result = bench.bench_queue(plan.dbs[size], NOW, rounds=plan.samples, page=QUEUE_PAGE)
        limit = 5 if size <= 100_000 else 20
        rows.append(
            Row("P3", "queue rebuild (first page, due + callable now)", size_label(size), "ms",
                value=result["rebuild_ms"], baseline=result["sqlite3_first_page_ms"],
                runs=result["rebuild_runs_ms"], baseline_runs=result["sqlite3_first_page_runs_ms"],
                baseline_name="sqlite3 first page",
                target=Target("value", "<=", limit, f"≤ {limit} ms"),
                note=f"median of {plan.samples}; cold {result['cold_rebuild_ms']} ms, "
                f"next page {result['next_page_ms']} ms, counts {result['counts_ms']} ms")
        )  # fmt: skip
    return rows


def p5(plan: Plan) -> list[Row]:
    from . import subjects

    log_outcome, build_queue = subjects.outcomes(), subjects.queue()
    rows = []
    for size in sorted(plan.dbs):
        from .generate import working_copy

        db = working_copy(plan.dbs[size], plan.workdir / f"p5-{size}")
        logged = _log_and_refresh(db, log_outcome, build_queue, plan.samples)
        raw = _raw_log_and_refresh(db, plan.samples)
        rows.append(
            measured(
                Row("P5", "log an outcome + queue refresh", size_label(size), "ms",
                    baseline_name="sqlite3 write + first page",
                    target=Target("value", "<=", 10, "≤ 10 ms")),
                logged, raw,
            )
        )  # fmt: skip
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return rows


def _log_and_refresh(db: Path, log_outcome, build_queue, samples: int) -> list[float]:
    """Log no-answer on the lead at the head of the queue, then rebuild the queue's first page,
    as the workstation does after an outcome key."""
    from models.db import close_database, open_database
    from models.schema import Rep
    from models.settings import Settings

    open_database(db)
    try:
        rep = Rep.get(Rep.name == REP)
        settings = Settings(rep_zone=REP_ZONE)
        times = []
        for i in range(samples + 1):
            head = build_queue(rep, now=NOW, settings=settings, limit=QUEUE_PAGE)
            if not head:
                break
            started = time.perf_counter()
            log_outcome(head[0].lead_id, "no_answer", rep=rep, now=NOW, settings=settings)
            build_queue(rep, now=NOW, settings=settings, limit=QUEUE_PAGE)
            if i:  # the first pays for loading the outcome rules
                times.append((time.perf_counter() - started) * 1000)
    finally:
        close_database()
    if not times:
        raise RuntimeError("the queue was empty: nothing to log an outcome on")
    return times


def _raw_log_and_refresh(db: Path, samples: int) -> list[float]:
    """The least the same job needs in raw sqlite3: insert the touch, move the lead on, and read
    the first page of due leads in time order."""
    import sqlite3

    from models.fields import to_db
    from models.queue import ACTIVE

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA synchronous = normal")
    stamp, later = to_db(NOW), to_db(NOW.add(days=1))
    # Open, not exhausted leads in time order: the planner walks lead_queue_due for both.
    page = (
        "SELECT id, name, company, phone, zone, next_touch_at, attempts FROM lead"
        f" WHERE {ACTIVE} AND next_touch_at <= ? ORDER BY next_touch_at LIMIT ?"
    )
    head = (
        f"SELECT id FROM lead WHERE {ACTIVE} AND next_touch_at IS NOT NULL"
        " ORDER BY next_touch_at LIMIT 1"
    )
    times = []
    try:
        for _ in range(samples):
            lead_id = con.execute(head).fetchone()[0]  # due now or later today
            started = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT INTO touch (lead_id, channel, outcome, started_at, note)"
                " VALUES (?, 'call', 'no_answer', ?, '')",
                (lead_id, stamp),
            )
            con.execute(
                "UPDATE lead SET attempts = attempts + 1, next_touch_at = ?, last_contacted_at = ?,"
                " updated_at = ? WHERE id = ?",
                (later, stamp, stamp, lead_id),
            )
            con.execute("COMMIT")
            con.execute(page, (stamp, QUEUE_PAGE)).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        con.close()
    return times


def _run_measured(cmd: list[str], plan: Plan, timeout: float = 3600) -> tuple[dict, float]:
    """Run a probe; its one-line JSON report and its peak resident memory in MiB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(plan.workdir), stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        lines = out.read().decode(errors="replace").strip().splitlines()
        report = json.loads(lines[-1]) if lines else {}
        if proc.returncode != 0 or "error" in report or not report:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-5:]
            why = report.get("error") or f"exit {proc.returncode}"
            raise RuntimeError(f"{' '.join(cmd[3:5])} failed: {why}: {' | '.join(tail)}")
    return report, _peak_mib(report, usage)


def import_run(kind: str, csv_path: Path, rows: int, plan: Plan) -> tuple[float, float]:
    """Import ``csv_path`` into a new database in a fresh process: rows/s and peak MiB."""
    cmd = [sys.executable, "-m", "tests.bench.probe", "import", kind, "--csv", str(csv_path)]
    report, peak = _run_measured([*cmd, "--rows", str(rows)], plan)
    return report["rows"] / report["seconds"], peak


def p6(plan: Plan) -> list[Row]:
    from . import subjects

    subjects.import_bench()  # the importer and its benchmark functions (issue 7)
    rows = []
    memory = {}
    for count in sorted(plan.csv):
        path = plan.csv[count]
        # As many runs as the other measures (the median of three moved with one slow run of
        # this noisy machine); a 1M-row import is for memory, once.
        runs = plan.runs if count == min(plan.csv) else 1
        callq, raw = [], []
        for _ in range(max(1, runs)):
            callq.append(import_run("callq", path, count, plan))
            raw.append(import_run("raw", path, count, plan))
        label = size_label(count)
        if count == min(plan.csv):
            rows.append(
                measured(
                    Row("P6", "CSV import throughput", f"{label} rows", "rows/s",
                        baseline_name="sqlite3 executemany",
                        target=Target("value", ">=", 50_000, "≥ 50k rows/s")),
                    [r for r, _ in callq], [r for r, _ in raw],
                )
            )  # fmt: skip
        memory[count] = [m for _, m in callq]
        rows.append(
            measured(
                Row("P6", "CSV import peak memory", f"{label} rows", "MiB",
                    baseline_name="sqlite3 executemany"),
                memory[count], [m for _, m in raw],
            )
        )  # fmt: skip
    if len(memory) > 1:
        small, large = min(memory), max(memory)
        rows.append(
            Row("P6", f"import memory growth {size_label(small)} → {size_label(large)} rows", "",
                "×", value=_median(memory[large]) / _median(memory[small]),
                target=Target("value", "<=", 1.1, "≤ 1.10× (flat)"))
        )  # fmt: skip
    return rows


MEASURES = {
    "P1": (p1_p2, "start → interactive queue, and P2 its peak memory"),
    "P3": (p3, "queue rebuild (due + callable now)"),
    "P4": (p4, "keystroke → next lead rendered"),
    "P5": (p5, "logging an outcome (write, reschedule, queue refresh)"),
    "P6": (p6, "CSV import throughput"),
    "P7": (p7, "terminal bytes per next-lead keystroke"),
}
ALIASES = {"P2": "P1"}
SUBJECTS = {
    "P1": ["P1", "P2"],
    "P3": ["P3"],
    "P4": ["P4"],
    "P5": ["P5"],
    "P6": ["P6"],
    "P7": ["P7"],
}
