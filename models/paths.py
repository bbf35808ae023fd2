"""Where callq keeps its files, and how it creates them on a shared box (0700 dirs, 0600 files).

Nothing here touches the disk at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "callq"


def data_dir() -> Path:
    """The user's data directory for callq (e.g. ~/.local/share/callq)."""
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    """The user's configuration directory for callq (e.g. ~/.config/callq)."""
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def default_db_path() -> Path:
    """The database used when neither ``--db`` nor ``CALLQ_DB`` names one."""
    return data_dir() / "callq.db"


def settings_path() -> Path:
    """The settings file (TOML); ``CALLQ_CONFIG`` overrides."""
    override = os.environ.get("CALLQ_CONFIG")
    return Path(override) if override else config_dir() / "config.toml"


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) readable by the owner only."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for directory in reversed(missing):
        directory.mkdir(mode=0o700)
        os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask


def ensure_private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 unless it exists; True when it was created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    os.chmod(path, 0o600)
    return True
