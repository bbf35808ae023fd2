"""callq in a real terminal: tmux for the screen a rep sees, a pty for how the process ends.

A dropped SSH connection is a hang-up: tmux kill-session closes the terminal and sends SIGHUP.
"""

from __future__ import annotations

import contextlib
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.db import close_database, open_database
from models.notes import drafts_for
from models.reps import current_rep

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

CALLQ = [sys.executable, "-m", "tui.cli"]


class Tmux:
    """A private tmux server (its own socket: other tmux users on the box are not disturbed)."""

    def __init__(self, socket: Path):
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, check=False
        )
        return done.stdout

    def start(self, name: str, command: list[str]) -> None:
        self.run(
            "new-session", "-d", "-s", name, "-x", "80", "-y", "24", " ".join(map(_quote, command))
        )

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def pid(self, name: str) -> int:
        """The process in the session's pane (tmux starts the command itself there)."""
        return int(self.run("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def keys(self, name: str, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", name, *(["-l"] if literal else []), *keys)

    def wait_for(self, name: str, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen(name)
            if text in shown:
                return shown
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen(name)}")


def _quote(part: str) -> str:
    import shlex

    return shlex.quote(part)


@pytest.fixture
def tmux(tmp_path):
    server = Tmux(tmp_path / "tmux.sock")
    yield server
    server.run("kill-server")


def _wait(condition, timeout: float = 10.0, what="") -> None:
    """Wait for ``condition``; ``what`` (text, or a function giving it) explains a timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out: {what() if callable(what) else what}")
        time.sleep(0.05)


def _running(pid: int) -> bool:
    """Whether ``pid`` is still a live process (a zombie waiting for tmux to reap it is not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def _draft_body(db_path) -> str | None:
    open_database(db_path)
    try:
        drafts = drafts_for(current_rep("ana"))
        return drafts[0].body if drafts else None
    finally:
        close_database()


def _running_block(db_path):
    from models.blocks import running_block

    open_database(db_path)
    try:
        return running_block(current_rep("ana"))
    finally:
        close_database()


def test_hang_up_keeps_the_draft_and_it_comes_back_on_reopen(tmux, demo_db):
    command = [*CALLQ, "--db", str(demo_db), "--rep", "ana", "--now", "2026-11-23T14:00Z"]
    tmux.start("rep", command)
    tmux.wait_for("rep", "─ 1 of ")
    tmux.keys("rep", "t")
    tmux.wait_for("rep", "Start a block")
    tmux.keys("rep", "c")
    tmux.wait_for("rep", "● Calling")
    tmux.keys("rep", "n")
    tmux.wait_for("rep", "Note on")
    tmux.keys("rep", "Asked for pricing by email", literal=True)
    _wait(
        lambda: _draft_body(demo_db) == "Asked for pricing by email",
        what=lambda: f"autosave; draft {_draft_body(demo_db)!r}; screen:\n{tmux.screen('rep')}",
    )
    tmux.keys("rep", " before Friday", literal=True)
    tmux.wait_for("rep", "before Friday")
    tmux.run("kill-session", "-t", "rep")  # the terminal is gone: SIGHUP
    _wait(lambda: _draft_body(demo_db) == "Asked for pricing by email before Friday", 5, "draft")

    block = _running_block(demo_db)
    assert block is not None and block.ended_at is None and block.category == "calling"

    tmux.start("again", command)
    shown = tmux.wait_for("again", "Unsaved general draft")
    assert "Asked for pricing" in shown
    tmux.wait_for("again", "● Calling")  # the block goes on
    tmux.keys("again", "n")
    shown = tmux.wait_for("again", "Restored your unsaved draft")
    assert "Asked for pricing by email before Friday" in shown

    # The connection drops again, with the editor open and the block ticking: callq must end,
    # not linger on the box (Textual's output thread used to die on the gone terminal and the
    # app then blocked for ever on its way out).
    pid = tmux.pid("again")
    tmux.run("kill-session", "-t", "again")
    _wait(lambda: not _running(pid), 10, f"callq (pid {pid}) to end after the hang-up")


def _in_pty(demo_db):
    """callq in a new 80×24 pseudo-terminal: (process, the terminal's master end)."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    os.set_blocking(master, False)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [*CALLQ, "--db", str(demo_db), "--rep", "ana", "--now", "2026-11-23T14:00Z"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    return proc, master


def _reader(master: int, output: bytearray):
    """``read()``: what the terminal has shown so far (``output`` gathers it)."""

    def read() -> bytes:
        with contextlib.suppress(OSError):  # nothing to read yet, or the terminal has closed
            output.extend(os.read(master, 65536))
        return bytes(output)

    return read


def _open_the_note_editor(master: int, read) -> None:
    _wait(lambda: b"Benefit" in read(), 15, "the screen")
    os.write(master, b"n")
    _wait(lambda: b"New note" in read(), 10, "the editor")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_signals_save_and_exit_cleanly(demo_db, signum):
    proc, master = _in_pty(demo_db)
    output = bytearray()
    read = _reader(master, output)
    try:
        _open_the_note_editor(master, read)
        os.write(master, b"Signal test")
        time.sleep(0.2)
        proc.send_signal(signum)
        _wait(lambda: (read(), proc.poll())[1] is not None, 10, "exit")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert proc.returncode == 0
    assert b"Traceback" not in output
    assert _draft_body(demo_db) == "Signal test"


def test_a_terminal_that_is_gone_does_not_keep_callq_running(demo_db):
    """The connection drops while the note editor is open (its cursor blinking, the timer
    ticking): the screen's writes now fail. The hang-up that follows must still save the draft
    and end the process, not leave it behind on the shared box."""
    proc, master = _in_pty(demo_db)
    try:
        _open_the_note_editor(master, _reader(master, bytearray()))
        os.write(master, b"Line dropped")
        _wait(lambda: _draft_body(demo_db) == "Line dropped", 10, "autosave")
        os.close(master)  # the terminal is gone; every frame written from now on fails
        master = None
        time.sleep(3)  # blinks, ticks and repaints pile up meanwhile
        proc.send_signal(signal.SIGHUP)
        _wait(lambda: proc.poll() is not None, 10, "callq to end after the hang-up")
    finally:
        if proc.poll() is None:
            proc.kill()
        if master is not None:
            os.close(master)
    assert _draft_body(demo_db) == "Line dropped"


def test_an_import_report_wraps_between_words_in_80_columns(tmux, tmp_path):
    """A person reads the report in an 80-column terminal: long problems, the summary and the
    error wrap at spaces, each later line indented, never in the middle of a word."""
    sheet = Path(__file__).parents[1] / "data" / "import" / "linkedin_connections.csv"
    command = [*CALLQ, "--db", str(tmp_path / "callq.db"), "import", str(sheet)]
    script = " ".join(map(_quote, command)) + "; echo EXIT=$?; sleep 30"
    tmux.start("cli", ["sh", "-c", script])
    rows = tmux.wait_for("cli", "EXIT=").rstrip().splitlines()
    assert rows[-1] == "EXIT=1"
    report = rows[rows.index("  notes           ← URL + Connected On") + 1 : -1]
    starts = (str(sheet), "nothing written: ", "callq: ", "  ")
    assert report and all(row.startswith(starts) and len(row) <= 80 for row in report), report
    text = " ".join(row.strip() for row in report)
    assert "no phone number to suggest one from (give --default-zone or map a zone column)" in text
    assert "skipped as duplicates 0, rejected 2" in text
    assert "(and 1 more problem); nothing imported" in text
