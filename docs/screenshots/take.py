"""Regenerate the README screenshots: ``.venv/bin/python docs/screenshots/take.py``.

Drives the app headless at 120×36 on a temporary store (the same set-up as
bench/bench_drill.py) and saves SVGs next to this file.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from bench.bench_drill import PERSON, build_app, person  # noqa: E402


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        async with app.run_test(size=(120, 36)) as pilot:

            async def settle() -> None:
                await app.workers.wait_for_complete()
                await pilot.pause()
                for field in app.screen.query("Input"):
                    field.cursor_blink = False
                await pilot.pause()

            async def shot(name: str) -> None:
                await settle()
                app.save_screenshot(f"{name}.svg", str(HERE))

            await settle()
            await pilot.press(*"1001")
            await shot("01-sign-in")
            await pilot.press("enter", *"clerk123", "enter", "7", "enter")
            await settle()
            await pilot.press(*"wsxk")
            await shot("02-item-search")
            await pilot.press("escape", "ctrl+a", "ctrl+k", *"fszlxk", "enter")
            await settle()
            await pilot.press(*person(PERSON), "f4", "1", "1", "2", "down", "4")
            await settle()
            await shot("03-tolerate-date")
            await pilot.press("enter", "a")
            await shot("04-intake")
            await pilot.press("f10")
            await settle()
            await pilot.press("1")
            await shot("05-confirm")
            await pilot.press("f10")
            await settle()
            await pilot.press("f5", *PERSON[0], "enter")
            await shot("06-lookup")
            await pilot.press("escape", "f1")
            await shot("07-help")


if __name__ == "__main__":
    asyncio.run(main())
