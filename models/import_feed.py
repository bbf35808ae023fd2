"""An import's checked rows, chunk by chunk, for the writer.

Checking a row is pure Python and writing it is mostly SQLite, so for a big common sheet the
rows are read and checked in a second process while this one writes the chunks already
checked: on two cores the two overlap. The second process is forked (it starts at once, with
everything already imported) and only from a process with no other thread, such as the command
line: a thread holding a lock at the fork would leave the copy stuck. It sends each chunk
through a pipe and never touches the database, whose connection it inherits unused and never
closes. Everywhere else the rows are checked here: in the workstation (its threads), for callq's
own export (an owner is looked up, or added, in the database) and for vCards.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import pickle
import signal
import struct
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .errors import CallqError
from .import_check import Findings, Row, RowChecker
from .import_rows import Records
from .import_sheet import PackedRows

CHUNK_ROWS = 1000  # records read, checked, then written at a time
# A smaller file is checked here: starting the second process costs more than it saves.
FORK_FROM_BYTES = 1 << 20
_LENGTH = struct.Struct("<Q")  # each message: its length, then its pickle
# Container objects allocated between collections of the youngest generation in the second
# process (Python's default is 700): a chunk's rows are young objects that live until it is sent.
CHILD_YOUNG_COLLECTION = 20_000


@dataclass(slots=True)
class Chunk:
    """Up to CHUNK_ROWS records: the rows that passed (checked here) or the same packed for the
    writer (checked in the second process), what checking them found, and how far into the
    file they end."""

    rows: list[Row] | PackedRows
    found: Findings
    position: int  # bytes of the file read


def checked_chunks(records: Records, checker: RowChecker, *, size: int) -> Iterator[Chunk]:
    """The records in chunks, checked in a second process when they are a common sheet's
    (they come packed, and need nothing from the database to be checked), the file is big
    enough, and this process can safely fork."""
    if records.packs and size >= FORK_FROM_BYTES and _can_fork():
        return _checked_in_child(records, checker)
    return _checked_here(records, checker)


def _can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def _checked_here(records: Records, checker: RowChecker) -> Iterator[Chunk]:
    found = checker.found
    if records.packs:
        for packed in records.packed(CHUNK_ROWS):
            yield Chunk(packed, found.take(), records.position())
        return
    items = iter(records)
    while batch := list(itertools.islice(items, CHUNK_ROWS)):
        rows = [row for row in batch if row is not None]
        yield Chunk(rows, found.take(), records.position())


def _checked_in_child(records: Records, checker: RowChecker) -> Iterator[Chunk]:
    # A generator: the child starts with the first chunk asked for, and closing this stops it.
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reading)
        _child(records, checker, writing)  # never returns
    os.close(writing)
    records.close()  # the child reads the file; this copy of it is not needed
    yield from _receive_chunks(pid, reading)


def _child(records: Records, checker: RowChecker, writing: int) -> None:
    """Check every record and send the chunks; then leave at once, running no clean-up of the
    parent's (its database connection, buffered output, exit handlers)."""
    # The objects copied from the parent are never garbage here: collections skip them (a full
    # one would walk them all, and copy every page they are on), and the rows, which live
    # until their chunk is sent, are not walked over and over: a sixth of its time, measured.
    gc.freeze()
    gc.set_threshold(CHILD_YOUNG_COLLECTION, *gc.get_threshold()[1:])
    status = 1
    try:
        with open(writing, "wb") as out:
            try:
                for chunk in _checked_here(records, checker):
                    _send(out, ("chunk", chunk.rows, chunk.found, chunk.position))
                _send(out, ("end",))
                status = 0
            except BaseException as exc:  # noqa: BLE001 - any failure goes to the parent
                _send(out, ("error", _portable(exc)))
    finally:
        os._exit(status)


def _receive_chunks(pid: int, reading: int) -> Iterator[Chunk]:
    finished = False
    try:
        with open(reading, "rb") as incoming:
            while True:
                message = _receive(incoming)
                if message is None:
                    _, status = os.waitpid(pid, 0)
                    finished = True
                    raise CallqError(
                        "import: the process checking the rows stopped unexpectedly "
                        f"({_how_it_ended(status)}); nothing was written"
                    )
                if message[0] == "end":
                    return
                if message[0] == "error":
                    raise message[1]
                _, packed, found, position = message
                yield Chunk(packed, found, position)
    finally:
        if not finished:
            # Done, or the writer stopped early (an error, a dry run's end): either way the
            # child is not needed any more.
            _stop(pid)


def _send(out: BinaryIO, message: tuple) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_LENGTH.pack(len(data)))
    out.write(data)
    out.flush()


def _receive(incoming: BinaryIO) -> tuple | None:
    head = incoming.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    data = incoming.read(length)
    if len(data) < length:
        return None
    return pickle.loads(data)


def _portable(exc: BaseException) -> BaseException:
    """``exc`` as the parent can raise it: itself when it survives pickling (a CallqError
    naming the line, say), else an error carrying its traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any exception that cannot make the trip
        text = "".join(traceback.format_exception(exc))
        return RuntimeError(f"import: checking the rows failed:\n{text}")
    return exc


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
