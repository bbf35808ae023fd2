"""Database work in Textual thread workers: peewee opens one connection per thread, so each
worker closes its own when it is done instead of leaving one per finished thread."""

from __future__ import annotations

import contextlib

from models.db import close_database


@contextlib.contextmanager
def db_thread():
    """Run a worker's database calls, then close that thread's connection."""
    try:
        yield
    finally:
        close_database()
