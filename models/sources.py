"""Where leads come from: the shipped list (``catalog.SOURCES``) plus the user's own sources.

The settings file's ``[sources]`` table adds sources (``trade_press = "Trade press"``) or gives a
shipped one another label. Shipped keys cannot be removed: existing leads use them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .catalog import SOURCES
from .errors import CallqError

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def source_key(text: str) -> str:
    """A source as typed (``Trade press``, ``trade-press``) in its stored form (``trade_press``)."""
    return str(text).strip().lower().replace("-", "_").replace(" ", "_")


def known_sources(extra: Mapping[str, str] | None = None, *, where: str = "settings") -> dict:
    """The shipped sources, then the user's ``extra`` ones (key → label), in that order.

    A bad key or an empty label is a :class:`CallqError` naming ``where`` and the entry.
    """
    merged = dict(SOURCES)
    for raw_key, label in (extra or {}).items():
        key = source_key(raw_key)
        if not KEY.match(key):
            raise CallqError(
                f"{where}: sources.{raw_key}: a source key is a word of letters, digits and _"
                " (at most 40), starting with a letter"
            )
        if not isinstance(label, str) or not label.strip():
            raise CallqError(f"{where}: sources.{raw_key}: give the source a label (text)")
        merged[key] = label.strip()
    return merged


def source_rows(sources: Mapping[str, str]) -> list[dict]:
    """The sources as plain rows, marking which came with callq."""
    return [
        {"key": key, "label": label, "shipped": key in SOURCES} for key, label in sources.items()
    ]
