"""Constants, the key clock and the screen-as-text helper shared by the window tests."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console

# 2026-03-10 10:00 in Beijing: a Tuesday in a year with a published schedule.
FIXED_NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
CLERK_ID, CLERK_PASSWORD, CLERK_NAME = "w07", "demo1234", "王小红"


class KeyClock:
    """Time as the scanner detector sees it: a human types 150 ms apart,
    a scanner 3 ms apart (tests switch with ``scanner()``)."""

    def __init__(self) -> None:
        self.now, self.step = 1000.0, 0.15

    def __call__(self) -> float:
        self.now += self.step
        return self.now

    def scanner(self) -> None:
        self.now += 1.0  # the clerk paused before picking up the scanner
        self.step = 0.003

    def human(self) -> None:
        self.step = 0.15


def screen_text(app) -> str:
    """What the clerk sees, as plain text (the screen's cells, no colours)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True,
                      color_system=None, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()
