"""One settings object: defaults, overridden by the TOML settings file, then by the environment.

Each field's docstring is in its ``metadata["doc"]``; ``callq`` prints them for ``--help``-style
listings and the README documents them.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CallqError
from .paths import settings_path


def _doc(text: str, default: Any = dataclasses.MISSING, **kw):
    if callable(default) and not isinstance(default, (str, int, float, bool)):
        return field(default_factory=default, metadata={"doc": text}, **kw)
    return field(default=default, metadata={"doc": text}, **kw)


@dataclass
class Settings:
    """callq's settings. File: ``~/.config/callq/config.toml``; env: ``CALLQ_<NAME>``."""

    default_region: str = _doc(
        "Region (ISO 3166 code) for phone numbers written without a country code.", "US"
    )
    rep_zone: str | None = _doc(
        "The rep's IANA time zone for 'today' and displayed times; default: the system's.", None
    )
    attempt_cap: int = _doc(
        "Unanswered attempts since the last conversation before a lead is 'exhausted'.", 8
    )
    attempt_gap_minutes: int = _doc("Least time between two call attempts on one lead.", 120)
    block_minutes: dict[str, int] = _doc(
        "Planned length of a new time block, per category.",
        lambda: {"research": 30, "calling": 60, "follow_up": 30},
    )
    goal_calls: int = _doc("Daily goal: call attempts.", 40)
    goal_conversations: int = _doc("Daily goal: conversations (connects).", 8)
    goal_calling_minutes: int = _doc("Daily goal: minutes spent in calling blocks.", 90)
    theme: str = _doc(
        "Screen theme; 'terminal' uses the terminal's own palette (ANSI colours).",
        "textual-dark",
    )
    keymap: dict[str, str] = _doc(
        "Key remapping: binding id → keys, e.g. { next_lead = 'down,j' }.", lambda: {}
    )
    dial_command: str | None = _doc(
        "Command run with the lead's number to dial it, e.g. 'linphonecsh dial {phone}'.", None
    )
    sources: dict[str, str] = _doc(
        "Lead sources added to (or relabelling) the shipped list: key → label.", lambda: {}
    )
    qualify_required: list[str] = _doc(
        "Questions that must be 'yes' for a lead to become a prospect by itself; [] = by choice.",
        lambda: ["need", "afford", "authority", "approachable", "eligible"],
    )
    qualify_min_likelihood: int = _doc(
        "Least likelihood of buying (0-100) for automatic promotion; 0 = no minimum.", 0
    )


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Settings from the file at ``path`` (default location when None) and ``environ``."""
    path = path or settings_path()
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    if path.exists():
        try:
            with path.open("rb") as handle:
                values = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise CallqError(f"{path}: {exc}") from None
        except OSError as exc:
            raise CallqError(f"{path}: cannot read settings ({exc.strerror})") from None
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    for name in values:
        if name not in fields:
            import difflib  # only for this message: not on every start

            close = difflib.get_close_matches(name, fields, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise CallqError(f"{path}: unknown setting {name!r}{hint}")
    settings = Settings(**{k: v for k, v in values.items() if k in fields})
    for name, f in fields.items():
        raw = environ.get(f"CALLQ_{name.upper()}")
        if raw is None or isinstance(getattr(settings, name), dict):
            continue
        setattr(settings, name, _coerce(raw, f, f"CALLQ_{name.upper()}"))
    for name, f in fields.items():
        _check_type(getattr(settings, name), f, str(path))
    return settings


def _coerce(raw: str, f: dataclasses.Field, where: str) -> Any:
    if f.type in ("int", int):
        try:
            return int(raw)
        except ValueError:
            raise CallqError(f"{where}: {f.name} must be a whole number, not {raw!r}") from None
    if f.type.startswith("list"):
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def _check_type(value: Any, f: dataclasses.Field, where: str) -> None:
    expected = {"int": int, "str": str, "str | None": (str, type(None))}.get(f.type)
    if f.type.startswith("dict"):
        expected = dict
    elif f.type.startswith("list"):
        expected = list
    if expected and (
        not isinstance(value, expected) or isinstance(value, bool) and expected is int
    ):
        raise CallqError(f"{where}: setting {f.name} has the wrong type ({value!r})")
    if f.type == "dict[str, str]":
        for key, item in value.items():
            if not isinstance(item, str):
                raise CallqError(f"{where}: {f.name}.{key} must be text in quotes, not {item!r}")
