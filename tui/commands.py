"""Every action of the screen in the command palette (ctrl+p), found from the live bindings, so
the palette, the help screen and the footer always agree with the keymap."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

# Textual's own plumbing, not actions a rep looks for.
HIDDEN_ACTIONS = {"command_palette", "help_quit", "maximize", "minimize", "focus_next"}


@dataclass(frozen=True)
class KeyAction:
    """One action and every key currently bound to it."""

    id: str
    description: str
    keys: tuple[str, ...]
    action: str
    node: DOMNode
    remappable: bool  # the binding has an id, which the keymap setting can name

    @property
    def key_text(self) -> str:
        return " ".join(self.keys)


def key_actions(screen: Screen) -> list[KeyAction]:
    """The actions reachable from ``screen`` now, each with its keys as the rep would press them."""
    app = screen.app
    found: dict[tuple[int, str], dict] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        slot = (id(active.node), binding.id or binding.action)
        entry = found.setdefault(
            slot,
            {
                "id": binding.id or binding.action,
                "description": binding.description,
                "keys": [],
                "action": binding.action,
                "node": active.node,
                "remappable": binding.id is not None,
            },
        )
        display = app.get_key_display(binding)
        if display not in entry["keys"]:
            entry["keys"].append(display)
    return [KeyAction(**{**entry, "keys": tuple(entry["keys"])}) for entry in found.values()]


class WorkstationCommands(Provider):
    """Each action bound to a key on the current screen, runnable from the palette."""

    def _actions(self) -> list[KeyAction]:
        return [a for a in key_actions(self.screen) if a.action not in HIDDEN_ACTIONS]

    async def discover(self) -> Hits:
        for action in self._actions():
            yield DiscoveryHit(
                action.description, partial(self._run, action), help=f"key: {action.key_text}"
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in self._actions():
            score = max(matcher.match(action.description), matcher.match(action.id) * 0.9)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(action.description),
                    partial(self._run, action),
                    help=f"key: {action.key_text}",
                )

    async def _run(self, action: KeyAction) -> None:
        await action.node.run_action(action.action)
