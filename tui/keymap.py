"""The keymap setting checked against the binding ids callq defines, so a mistyped id is named
instead of silently doing nothing. Only a keymap that is set costs the look: it imports every
screen, dialog and widget to read their bindings."""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

_PACKAGES = ("tui.screens", "tui.dialogs", "tui.widgets")


def binding_ids() -> set[str]:
    """Every binding id of callq's app, screens, dialogs and widgets."""
    importlib.import_module("tui.app")
    for name in _PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{name}.{module.name}")
    ids = set()
    classes = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        if cls.__module__.startswith("tui."):
            bindings = cls.__dict__.get("BINDINGS", ())
            ids.update(b.id for b in bindings if isinstance(b, Binding) and b.id)
    return ids


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    """The ids ``keymap`` names that no binding of callq has, in the order given."""
    if not keymap:
        return []
    known = binding_ids()
    return [name for name in keymap if name not in known]
