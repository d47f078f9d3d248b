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

from bench.bench_drill import PERSON, _HumanClock, build_app, person  # noqa: E402


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
        await desks(app.services, Path(tmp), PERSON[0])


def complete_draft(catalog):
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus
    from clerk.catalog.model import Delivery

    code = "370112-JYTY-003"  # 教师资格认定, every material received
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(code).entries}
    who = Applicant(ApplicantKind.PERSON, "赵六", "11010519491231002X", "13912345678", "济南市历下区泉城路1号")
    return IntakeDraft(code, who, Delivery.EMS, {}, marks)


async def desks(services, tmp: Path, name: str) -> None:
    """The fallback queue, the EMS station and the dashboard, each as its role signs in."""
    from clerk.domain.intake import Outcome
    from clerk.domain.views import Decision
    from clerk.domain.accounts import Role
    from clerk.tui.app import ClerkApp
    from clerk.tui.state import WindowState

    cases = services.cases
    for clerk_id, who, role in (("2001", "兜底", Role.FALLBACK), ("3001", "邮件", Role.MAILROOM),
                                ("9001", "主任", Role.SUPERVISOR)):
        cases.add_user(None, clerk_id, who, role, "clerk123")
    for n, (clerk_id, shot_name) in enumerate((("2001", "08-fallback-queue"), ("3001", "09-mail-queue"),
                                              ("9001", "10-dashboard"))):
        if clerk_id == "3001":  # a result going out by EMS: a complete case, approved
            number = cases.submit(cases.authenticate("1001", "clerk123"), 7, complete_draft(services.catalog),
                                  Outcome.ACCEPT).number
            services.desk.record_decision(cases.authenticate("9001", "clerk123"), 1, number, Decision.APPROVED)
        app = ClerkApp(services, state=WindowState(tmp / f"desk{n}"), key_clock=_HumanClock())
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press(*clerk_id, "enter", *"clerk123", "enter", "7", "enter")
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            for field in app.screen.query("Input"):
                field.cursor_blink = False
            await pilot.pause()
            app.save_screenshot(f"{shot_name}.svg", str(HERE))


if __name__ == "__main__":
    asyncio.run(main())
