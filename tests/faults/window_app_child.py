"""A whole window app (Textual, headless under Pilot) in its own process, for the hung-server test.

``first_window`` signs in, fills a visit, and once the parent froze the
server confirms it (F10), presses F10 again, reports what the banner said and
waits to be killed.  ``restarted_window`` starts on the same machine state while
the server still hangs, signs in (and reports the outage message it got),
signs in again once the parent thawed the server, and reports once the kept
visit has been resolved (its pending file gone).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path


def _app(url: str, root: Path, catalog, calendar):
    from clerk.config import Settings
    from clerk.tui.app import ClerkApp
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    settings = Settings.defaults(home=root / "home", database_url=url, receipts_dir=root / "receipts",
                       statement_timeout_seconds=1.0, key_file=Path(os.environ["CLERK_KEY_FILE"]))
    services = Services(settings, catalog=catalog, calendar=calendar)
    return ClerkApp(services, state=WindowState(root / "state"), retry_interval=0.3)


async def _until(pilot, condition, seconds: float) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def first_window(url: str, root: str, catalog, calendar, ready, frozen, report) -> None:
    from tests.tui.visit import applicant, finish, pick, settle, sign_in  # noqa: F401

    async def main() -> None:
        app = _app(url, Path(root), catalog, calendar)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await sign_in(pilot)
            await pick(pilot, "370112-JYTY-003")
            await applicant(pilot)
            await pilot.press("f4", "a", "f10")
            await settle(pilot)
            await pilot.press("1")
            await settle(pilot)  # the confirmation is up
            ready.set()
            frozen.wait(30)
            await pilot.press("f10")  # confirm: the save starts and hangs
            await pilot.pause()
            await pilot.press("f10")  # again, impatient
            await pilot.pause()
            report.put(app.screen.query_one("#banner").text)
            await asyncio.sleep(3600)  # killed here

    asyncio.run(main())


def restarted_window(url: str, root: str, catalog, calendar, report, thawed) -> None:
    from tests.tui.visit import CLERK_PASSWORD, settle, sign_in, typed

    async def main() -> None:
        app = _app(url, Path(root), catalog, calendar)
        pending = Path(root) / "state" / "pending"
        loop = asyncio.get_running_loop()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            report.put(("pending at start", len(list(pending.glob("*.json")))))
            began = loop.time()
            await sign_in(pilot)  # the server still hangs: told so within the timeouts
            report.put(("sign-in while hung", loop.time() - began, app.user is None,
                        app.screen.query_one("#banner").text))
            thawed.wait(60)
            await pilot.press(*typed(CLERK_PASSWORD), "enter")  # again, as a clerk would
            await settle(pilot)
            await settle(pilot)
            resolved = await _until(pilot, lambda: not list(pending.glob("*.json")), 60)
            report.put(("resolved", resolved, app.screen.query_one("#banner").text))

    asyncio.run(main())
