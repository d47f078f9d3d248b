"""Command palette entries (ctrl+p) for every clerk action with a binding id."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widget import Widget

from clerk.identity.text import printable

if TYPE_CHECKING:
    from clerk.tui.app import ClerkApp

#: Binding-id prefixes that belong to clerk (Textual's own bindings are left out).
PREFIXES = ("clerk.", "intake.", "checklist.", "lookup.", "signin.", "fallback.", "decision.", "mail.", "rating.",
            "dashboard.", "complaints.", "appointments.", "queue_figures.", "pages.")


_KEY_NAMES = {"backslash": "\\", "escape": "esc", "plus": "+", "minus": "−", "equals_sign": "=", "space": "空格",
              "enter": "回车"}


def key_display(keys: str) -> str:
    """``ctrl+backslash,escape`` as a clerk reads it: ``ctrl+\\ / esc``."""
    shown = []
    for key in keys.split(","):
        parts = key.strip().split("+")
        shown.append("+".join(_KEY_NAMES.get(p, p) for p in parts))
    return " / ".join(shown)


#: what runs an action: the app, a screen or a widget
ActionNode = App[Any] | Widget


def clerk_actions(screen: Screen[Any]) -> list[tuple[str, str, ActionNode, str]]:
    """(title, key, node, action) for the app, the screen and its widgets."""
    app = cast("ClerkApp", screen.app)  # the palette is the window app's (``ClerkApp.COMMANDS``)
    found: list[tuple[str, str, ActionNode, str]] = []
    seen: set[str] = set()
    nodes: list[ActionNode] = [app, screen, *screen.query("*")]
    for node in nodes:
        for binding in getattr(type(node), "BINDINGS", []):
            if not binding.id or not binding.id.startswith(PREFIXES) or binding.id in seen:
                continue
            seen.add(binding.id)
            key = key_display(app.keymap.get(binding.id, binding.key))
            found.append((binding.description, key, node, binding.action))
    return found


class ClerkCommands(Provider):
    async def discover(self) -> Hits:
        for title, key, node, action in clerk_actions(self.screen):
            yield DiscoveryHit(Text(printable(f"{title}（{key}）")), partial(node.run_action, action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, key, node, action in clerk_actions(self.screen):
            text = printable(f"{title}（{key}）")  # keys come from the hall's config file
            score = matcher.match(f"{text} {action}")
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(node.run_action, action))
