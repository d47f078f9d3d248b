"""Regenerate the README screenshots: ``.venv/bin/python docs/screenshots/take.py``.

Fills a temporary store with ``clerk demo``'s day (2026-11-20, 300 visits),
then drives the app headless at 120×36 on that store with the hall clock at
17:20 that day, and rasterises each screen to a PNG next to this file (see
raster.py: every character drawn in its own cell box with a CJK font, so the
pictures look the same in every browser).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))

from raster import Fonts, rasterise  # noqa: E402

from bench.bench_drill import PERSON, _HumanClock, person  # noqa: E402

DAY = date(2026, 11, 20)
VISITS = 300
SIZE = (120, 36)
SHOT_TIME = datetime.combine(DAY, time(17, 20), ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def demo_settings(tmp: Path):
    from clerk.config import Settings
    from clerk.ops.demo import fill_day

    # The built-in defaults, not this machine's clerk.toml or CLERK_* (hall name, queues, keys):
    # the pictures must come out the same everywhere.
    settings = Settings.defaults(home=tmp, database_url=f"sqlite:///{tmp / 'clerk.db'}",
                                 receipts_dir=tmp / "receipts", font_path="STSong-Light")
    from clerk.store.hallkey import ensure_hall_key

    ensure_hall_key(settings)  # a throw-away hall key for the demo store's audit chain
    summary = fill_day(settings, DAY, VISITS)
    print("\n".join(summary.lines()))
    _first_sign_ins(settings)
    return settings


#: The password the pictured accounts chose at their first sign-in (the demo's clerk123 must be replaced).
PASSWORD = "Demo#2026"


def _first_sign_ins(settings) -> None:
    from clerk.store.engine import Store
    from clerk.store.signin import SignIn

    store = Store.from_settings(settings)
    try:
        for clerk_id in ("1001", "2001", "3001", "4001", "9001"):
            SignIn(store, lambda: SHOT_TIME).authenticate(clerk_id, "clerk123", new_password=PASSWORD)
    finally:
        store.dispose()


def make_app(settings, state: Path):
    from clerk.tui.app import ClerkApp
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    return ClerkApp(Services(settings, clock=lambda: SHOT_TIME), state=WindowState(state), key_clock=_HumanClock())


async def settle(app, pilot) -> None:
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()
    for field in app.screen.query("Input"):
        field.cursor_blink = False
    await pilot.pause()


async def window_shots(settings, tmp: Path, fonts: Fonts) -> None:
    app = make_app(settings, tmp / "state")

    async with app.run_test(size=SIZE) as pilot:
        async def shot(name: str) -> None:
            await settle(app, pilot)
            print("wrote", rasterise(app, HERE / f"{name}.png", fonts).name)

        await settle(app, pilot)
        await pilot.press(*"1001")
        await shot("01-sign-in")
        await pilot.press("enter", *PASSWORD, "enter", "1", "enter")
        await settle(app, pilot)
        await pilot.press(*"wsxk")
        await shot("02-item-search")
        await pilot.press("escape", "ctrl+a", "ctrl+k", *"fszlxk", "enter")
        await settle(app, pilot)
        await pilot.press(*person(PERSON), "f4", "1", "1", "2", "down", "4")
        await shot("03-tolerate-date")
        await pilot.press("enter", "a")
        await shot("04-intake")
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("1")
        await shot("05-confirm")
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("f5", *PERSON[0], "enter")
        await shot("06-lookup")
        await pilot.press("escape", "f1")
        await shot("07-help")


async def desk_shots(settings, tmp: Path, fonts: Fonts) -> None:
    """The fallback queue, the EMS station, the dashboard and the back office's 告知承诺核查, each as
    its role signs in (``go``: the key that opens the screen after signing in)."""
    for n, (clerk_id, name, go) in enumerate((("2001", "08-fallback-queue", ""), ("3001", "09-mail-queue", ""),
                                              ("9001", "10-dashboard", ""), ("4001", "13-verifications", "ctrl+z"))):
        app = make_app(settings, tmp / f"desk{n}")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press(*clerk_id, "enter", *PASSWORD, "enter", "7", "enter")
            await settle(app, pilot)
            if go:
                await pilot.press(go)
                await settle(app, pilot)
            await settle(app, pilot)
            print("wrote", rasterise(app, HERE / f"{name}.png", fonts).name)


HALL_TIME = datetime.combine(DAY, time(10, 20), ZoneInfo("Asia/Shanghai")).astimezone(UTC)


async def hall_shots(settings, fonts: Fonts) -> None:
    """The ticket kiosk and the hall display, after a morning's tickets and a few calls."""
    from clerk.domain.accounts import ClerkUser, Role
    from clerk.domain.queueing import Priority
    from clerk.tui.board import BoardApp
    from clerk.tui.services import Services
    from clerk.tui.kiosk import KioskApp

    class Paper:  # the kiosk's printer: the PDF is kept, nothing is sent
        name = "kiosk"

        def send(self, path, title=""):
            pass

    hall = Services(settings, clock=lambda: HALL_TIME, ticket_printer=Paper())
    tickets = hall.tickets
    for queue, count in (("A", 14), ("B", 5), ("C", 6), ("Z", 2)):
        for i in range(count):
            taken = tickets.take(queue, priority=Priority.DISABILITY if (queue, i) == ("A", 3) else Priority.NONE)
            tickets.mark_printed(taken.id)
    for window, clerk_id in ((1, "1001"), (3, "1002"), (7, "2001")):
        tickets.call_next(ClerkUser(clerk_id, clerk_id, Role.WINDOW if clerk_id < "2" else Role.FALLBACK), window)
    for app, name, size in ((KioskApp(hall), "11-kiosk", SIZE), (BoardApp(hall, watch=False), "12-board", SIZE)):
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            print("wrote", rasterise(app, HERE / f"{name}.png", fonts).name)


async def main() -> None:
    fonts = Fonts()
    print("fonts:", *fonts.names)
    with tempfile.TemporaryDirectory() as tmp:
        settings = demo_settings(Path(tmp))
        await window_shots(settings, Path(tmp), fonts)
        await desk_shots(settings, Path(tmp), fonts)
        await hall_shots(settings, fonts)


if __name__ == "__main__":
    asyncio.run(main())
