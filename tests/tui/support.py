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
    a scanner 3 ms apart (tests switch with ``scanner()``), or each key after a
    delay drawn from a distribution (``device()`` 5–20 ms, ``person()`` 120–250 ms)."""

    def __init__(self) -> None:
        import random

        self.now, self.step = 1000.0, 0.15
        self.spread: tuple[float, float] | None = None
        self.random = random.Random(13)

    def __call__(self) -> float:
        self.now += self.random.uniform(*self.spread) if self.spread else self.step
        return self.now

    def device(self) -> None:
        """A card reader, QR reader or scanner in keyboard mode: 5–20 ms a key."""
        self.now += 1.0
        self.spread = (0.005, 0.020)

    def person(self) -> None:
        """A clerk at the keyboard: 120–250 ms a key."""
        self.spread = (0.120, 0.250)

    def scanner(self) -> None:
        self.now += 1.0  # the clerk paused before picking up the scanner
        self.step, self.spread = 0.003, None

    def human(self) -> None:
        self.step, self.spread = 0.15, None


def screen_text(app) -> str:
    """What the clerk sees, as plain text (the screen's cells, no colours)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True,
                      color_system=None, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def region_text(app, widget) -> str:
    """What the clerk sees inside ``widget``'s region, lines joined and spaces dropped (a reason may wrap)."""
    from rich.cells import get_character_cell_size

    region = widget.region
    lines = screen_text(app).splitlines()[region.y : region.y + region.height]
    found = []
    for line in lines:
        cells, column = [], 0
        for char in line:
            if region.x <= column < region.x + region.width:
                cells.append(char)
            column += get_character_cell_size(char)
        found.append("".join(cells))
    return "".join("".join(found).replace("│", "").split())


def key_event(key: str, at: float):
    """A key as the terminal driver makes it, stamped with its arrival time ``at``."""
    from textual import events
    from textual.keys import _character_to_key

    name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
    event = events.Key(name, key if len(key) == 1 else None)
    event.time = at  # Message.time: set by the driver's input thread when the key arrived
    return event


async def arrive(pilot, keys, *, gap: float = 0.010, busy: float = 0.0) -> None:
    """Keys arriving ``gap`` seconds apart (their event times), as a scanner types them.

    ``busy`` = 0: all of them wait in the queue together (a UI thread that got to them late).
    ``busy`` > 0: each is handed over ``busy`` seconds after the one before (a loaded UI
    thread taking them one by one, late); their arrival times stay ``gap`` apart.
    """
    import asyncio
    import time

    app, start = pilot.app, time.monotonic()
    for n, key in enumerate(keys):
        event = key_event(key, start + n * gap)
        event.set_sender(app)
        app.post_message(event)
        if busy:
            await asyncio.sleep(busy)
    await pilot.pause()
