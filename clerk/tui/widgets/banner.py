"""A one-line banner for errors and confirmations, in Chinese, on every screen."""

from __future__ import annotations

from typing import Literal

from textual.widgets import Static

from clerk.identity.text import printable

Level = Literal["error", "warning", "info", "ok"]

BANNER_LIMIT = 600
_ICONS = {"error": "✖", "warning": "⚠", "info": "ℹ", "ok": "✔"}


class Banner(Static):
    """Hidden while empty; ``show`` replaces the text and the colour."""

    DEFAULT_CSS = """
    Banner { display: none; height: auto; padding: 0 1; }
    Banner.-shown { display: block; }
    Banner.-error { background: $error; color: $text; text-style: bold; }
    Banner.-warning { background: $warning; color: $text; }
    Banner.-info { background: $primary; color: $text; }
    Banner.-ok { background: $success; color: $text; }
    """

    def __init__(self, id: str | None = "banner") -> None:
        super().__init__("", id=id, markup=False)
        self.level: Level | None = None
        self.text = ""

    def show(self, text: str, level: Level = "error") -> None:
        self.remove_class("-error", "-warning", "-info", "-ok")
        self.add_class("-shown", f"-{level}")
        self.level, self.text = level, text
        # literal text (markup=False), controls made visible: banners quote names and scans;
        # no space after the icon: a long text wraps after the icon, not before it
        self.update(printable(f"{_ICONS[level]}{text}", BANNER_LIMIT))

    def clear(self) -> None:
        self.remove_class("-shown")
        self.level, self.text = None, ""
        self.update("")
