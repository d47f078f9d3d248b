"""The appointments screen (ctrl+b): the day's list, booking with F6, cancelling with F8; bad input
gets the service's Chinese refusal and writes nothing."""

from __future__ import annotations

import pytest

from tests.support.screen import screen_text

from .support import FIXED_NOW
from .visit import settle, sign_in, typed

PERSON_ID = "11010519491231002X"


@pytest.mark.asyncio
@pytest.mark.slow
async def test_book_list_and_cancel_an_appointment_of_the_day(make_app, case_service, settings, clock):
    from clerk.domain.queueing import AppointmentState
    from clerk.services.appointments import AppointmentService

    appointments = AppointmentService(case_service.store, settings, clock)
    day = FIXED_NOW.astimezone().date()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert "这一天没有预约" in screen_text(app)

        # a bad ID number: refused in Chinese, nothing booked
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("tab", "tab", *typed("张三"), "tab", *typed("110105194912310021"), "tab",
                          *typed("13812345678"), "enter")
        await settle(pilot)
        assert appointments.list(day) == []
        from clerk.tui.screens.appointments import AppointmentsScreen
        from clerk.tui.widgets.banner import Banner

        assert isinstance(app.screen, AppointmentsScreen)
        said = " ".join(line.text for line in app.screen.query_one(Banner).lines)
        assert "身份证" in said and "已预约" not in said

        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("tab", "tab", *typed("张三"), "tab", *typed(PERSON_ID), "tab", *typed("13812345678"),
                          "enter")
        await settle(pilot)
        (booked,) = appointments.list(day)
        text = screen_text(app)
        assert booked.code in text and "1101**********002X" in text and PERSON_ID not in text

        await pilot.press("f8")
        await settle(pilot)
        assert "已取消预约" in screen_text(app)
    assert appointments.list(day)[0].state is AppointmentState.CANCELLED
