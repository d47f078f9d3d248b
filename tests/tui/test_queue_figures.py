"""The supervisor's 排队叫号 screen (q on the dashboard): measured waits per queue and window, and
the alert when someone has waited longer than ``wait_alert_minutes``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.screen import screen_text

from .support import CLERK_ID, FIXED_NOW
from .test_roles import sign_in_as
from .visit import settle


@pytest.mark.asyncio
async def test_a_long_wait_is_flagged_and_handling_times_are_shown(make_app, case_service, settings, catalog,
                                                                   clock, staff):
    from clerk.services.tickets import TicketService

    tickets = TicketService(case_service.store, settings, catalog, clock)
    early = FIXED_NOW - timedelta(minutes=60)
    for _ in range(3):  # one called and finished at 7, one called at 3, one still waiting
        taken = tickets.take("A", now=early)
        tickets.mark_printed(taken.id, now=early)
    clerk = case_service.account(CLERK_ID)
    tickets.call_next(clerk, 7, now=FIXED_NOW - timedelta(minutes=10))
    tickets.link_cases(clerk, 7, [], now=FIXED_NOW - timedelta(minutes=4))
    tickets.pause(clerk, 5, "午休")
    open_now = tickets.call_next(staff["fallback"], 3, now=FIXED_NOW - timedelta(minutes=2)).current
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "9001")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        text = screen_text(app)
    assert "等候超过 45 分钟：A 综合受理（60 分钟）" in text
    assert "7 号" in text and "6 分" in text  # handling: called 10 min ago, finished 4 min ago
    assert "暂停（午休）" in text
    assert f"接待 {open_now.number}" in text  # a window serving someone shows whom
