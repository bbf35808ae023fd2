"""Rule tables kept as TOML: the copy shipped beside these modules, with the user's copy of the
same name in the config directory (:func:`models.paths.config_dir`) laid over it.

Used by the call windows (``windows.toml``) and the outcome rules (``outcomes.toml``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import CallqError
from .paths import config_dir


def user_file(name: str) -> Path:
    """Where the user's copy of the rule file ``name`` lives."""
    return config_dir() / name


def file_stamp(path: Path) -> int | None:
    """The file's modification time (a cache key), or None when there is no such file."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def read_layers(name: str, path: str, stamp: int | None, what: str) -> list[tuple[dict, str]]:
    """The shipped table and, when ``stamp`` says it exists, the user's file at ``path``, each
    with the name to put in front of an error about it."""
    # Beside this module (callq is installed as files, never zipped): importlib.resources
    # would cost the workstation's start a few milliseconds to find the same file.
    shipped = (Path(__file__).parent / name).read_text(encoding="utf-8")
    found = [(tomllib.loads(shipped), f"{name} (shipped)")]
    if stamp is not None:
        try:
            found.append((tomllib.loads(Path(path).read_text(encoding="utf-8")), path))
        except tomllib.TOMLDecodeError as exc:
            raise CallqError(f"{path}: {exc}") from None
        except OSError as exc:
            raise CallqError(f"{path}: cannot read {what} ({exc.strerror})") from None
    return found
