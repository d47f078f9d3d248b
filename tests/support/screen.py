"""What the clerk sees of a running app, as plain text."""

from __future__ import annotations

import io

from rich.console import Console


def screen_text(app) -> str:
    """The screen's cells as text (no colours); a control character would show up here."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True,
                      color_system=None, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def settle(pilot) -> None:
    """Wait until the workers are done and their messages handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
