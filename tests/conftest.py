"""Shared fixtures: every test gets its own data and config directories and a fixed clock."""

from __future__ import annotations

import os

import pendulum
import pytest

from models.db import close_database, open_database
from models.reps import current_rep

# Monday 23 November 2026, 14:00 UTC: 09:00 in New York, 15:00 in Berlin, 01:00 (Tue) in Sydney.
NOW = pendulum.datetime(2026, 11, 23, 14, 0, tz="UTC")


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """Point every user directory at the test's temp dir; no test touches the real ones."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in [k for k in os.environ if k.startswith("CALLQ_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CALLQ_REP_ZONE", "America/New_York")
    yield home
    close_database()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "callq.db"


@pytest.fixture
def db(db_path):
    """A fresh callq database file, open and migrated."""
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def rep(db):
    return current_rep("ana", now=NOW)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def cli(capsys, db_path):
    """``cli('lead', 'list')`` runs callq on the test database at the fixed clock."""
    from tests.cli_helpers import run_cli

    def run(*argv, db=None):
        return run_cli(
            capsys, "--db", db or db_path, "--now", NOW.isoformat(), "--rep", "ana", *argv
        )

    return run
