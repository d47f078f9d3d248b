"""The ticket kiosk (``clerk kiosk``): a ticket by key or touch, 绿色通道, an item search that
picks the queue, appointment check-in; a printer out of paper or a store that does not answer
leaves a clear message and no ticket."""

from __future__ import annotations

import pytest

from tests.support.screen import screen_text
from tests.support.tickets import FailingPrinter, PaperPrinter

from .support import CLERK_ID, FIXED_NOW
from .visit import settle, typed

ELDER = "11010519491231002X"  # born 1949: 76 on the test day


@pytest.fixture
def hall(case_service, settings, catalog):
    from clerk.services.appointments import AppointmentService
    from clerk.services.tickets import TicketService
    from clerk.tui.services import Services

    def build(printer=None):
        """The kiosk's services; window 7 (serving A and Z, the default) is signed in."""
        from clerk.services.seats import SeatService

        clock = lambda: FIXED_NOW  # noqa: E731
        store = case_service.store
        SeatService(store, clock).take(case_service.account(CLERK_ID), 7)
        return Services(settings, clock=clock, store=store, catalog=catalog,
                        tickets=TicketService(store, settings, catalog, clock),
                        appointments=AppointmentService(store, settings, clock),
                        ticket_printer=printer or PaperPrinter())

    return build


async def press_digit(pilot, digit: str) -> None:
    """A finger on the keypad: one digit, then nothing (the kiosk waits to tell it from a card reader)."""
    from clerk.tui.kiosk import BURST_WAIT

    await pilot.press(digit)
    await pilot.pause(BURST_WAIT * 2)
    await settle(pilot)


def _waiting(hall, prefix: str) -> int:
    return next(q.waiting for q in hall.tickets.queue_status() if q.prefix == prefix)


@pytest.mark.asyncio
async def test_a_ticket_by_its_digit_is_printed_counted_and_shown(hall):
    from clerk.tui.kiosk import KioskApp, TicketShown

    services = hall()
    app = KioskApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "1  A 综合受理" in screen_text(app)
        await press_digit(pilot, "1")
        assert isinstance(app.screen, TicketShown)
        assert "您的号码：A001" in screen_text(app)
        big = str(app.screen.query_one("#ticket-number").content).splitlines()
        assert "█" in big[-3] and big[-2:] == ["", "您的号码：A001"]  # a line between the big number and its caption
        assert services.ticket_printer.sent and "A001" in services.ticket_printer.sent[0][1]
        await pilot.press("enter")
        await settle(pilot)
        assert "等候 1 人" in screen_text(app)
    assert _waiting(services, "A") == 1


@pytest.mark.asyncio
async def test_a_queue_no_signed_in_window_serves_promises_no_wait(hall):
    from clerk.tui.kiosk import KioskApp, TicketShown

    services = hall()  # window 7 serves A and Z; no window serves C (社保医保)
    app = KioskApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "等候 0 人" in text and "暂无窗口办理此类业务" in text
        await press_digit(pilot, "3")
        assert isinstance(app.screen, TicketShown)
        shown = screen_text(app)
        assert "您的号码：C001" in shown and "暂无窗口办理此类业务" in shown and "预计等候" not in shown


@pytest.mark.asyncio
async def test_green_channel_by_the_door_and_by_the_id_of_a_person_over_70(hall):
    from clerk.domain.queueing import Priority
    from clerk.tui.kiosk import KioskApp

    services = hall()
    app = KioskApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")  # 残疾人
        await press_digit(pilot, "1")
        await pilot.press("enter")
        await pilot.press("f4", *typed(ELDER))
        await pilot.press("f2")  # leave the ID field: digits pick a queue again
        app.set_focus(None)
        await press_digit(pilot, "1")
        await pilot.press("enter")
        await settle(pilot)
        # the ID is gone once the ticket is out: the next person never sees it
        assert app.query_one("#kiosk-id").value == ""
    first, second = app.issued
    assert first.priority is Priority.DISABILITY
    assert second.priority is Priority.ELDERLY and second.id_number_masked.endswith("002X")


@pytest.mark.asyncio
async def test_an_item_search_picks_its_queue(hall, catalog):
    from clerk.tui.kiosk import KioskApp

    services = hall()
    app = KioskApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *typed("370112-WSJK-006"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    (ticket,) = app.issued
    assert ticket.queue == services.tickets.queue_for_item("370112-WSJK-006")


@pytest.mark.asyncio
async def test_printer_out_of_paper_says_so_and_counts_no_ticket(hall):
    from clerk.tui.kiosk import KioskApp, TicketShown

    services = hall(FailingPrinter())
    app = KioskApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_digit(pilot, "1")
        assert not isinstance(app.screen, TicketShown)
        text = screen_text(app)
        assert "未能取号" in text and "打印机缺纸" in text
        assert app.issued == [] and not app.busy
    assert _waiting(services, "A") == 0


@pytest.mark.asyncio
async def test_store_down_says_so_and_prints_nothing(settings, catalog, tmp_path):
    from dataclasses import replace

    from clerk.config import Settings
    from clerk.tui.kiosk import KioskApp
    from clerk.tui.services import Services

    down = replace(settings, database_url="postgresql+psycopg://nobody@127.0.0.1:9/none",
                   statement_timeout_seconds=1)
    printer = PaperPrinter()
    app = KioskApp(Services(down, clock=lambda: FIXED_NOW, catalog=catalog, ticket_printer=printer))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "暂时无法取号" in screen_text(app)
        app.queues = []  # no buttons: the search still tries, and is refused clearly
        await pilot.press("f2", *typed("370112-WSJK-006"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "未能取号" in screen_text(app)
    assert printer.sent == [] and app.issued == []


@pytest.mark.asyncio
async def test_appointment_check_in_prints_a_priority_ticket(hall, case_service):
    from clerk.domain.queueing import Priority
    from clerk.tui.kiosk import KioskApp

    from .support import CLERK_ID

    services = hall()
    clerk = case_service.account(CLERK_ID)
    booked = services.appointments.add(clerk, "A", FIXED_NOW.date(), "上午", "张三", ELDER, "13812345678")
    app = KioskApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3", *typed("NOPE99"), "enter")
        await settle(pilot)
        assert "预约签到未成功" in screen_text(app)
        await pilot.press("f3", *typed(booked.code), "enter")
        await settle(pilot)
        assert "您的号码" in screen_text(app)
    (ticket,) = app.issued
    assert ticket.priority is Priority.APPOINTMENT


@pytest.mark.asyncio
async def test_an_id_number_left_on_the_kiosk_is_forgotten_when_nobody_touches_it(hall):
    from clerk.tui.kiosk import IDLE_SECONDS, KioskApp

    now = [100.0]
    app = KioskApp(hall(), idle_clock=lambda: now[0], idle_check=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4", *typed(ELDER), "f6")
        field = app.query_one("#kiosk-id")
        assert field.value == ELDER and app.lane == "disability"
        now[0] += IDLE_SECONDS - 1
        await pilot.pause(0.2)
        assert field.value == ELDER  # not yet
        now[0] += 2
        for _ in range(100):
            if not field.value:
                break
            await pilot.pause(0.05)
        assert field.value == "" and app.lane == "none" and app.issued == []


@pytest.mark.asyncio
async def test_an_id_card_reader_typing_while_nothing_is_focused_fills_the_id_and_takes_no_ticket(hall, key_clock):
    from clerk.domain.queueing import Priority
    from clerk.tui.kiosk import KioskApp

    services = hall()
    app = KioskApp(services, key_clock=key_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        key_clock.device()  # 5–20 ms a key, as a reader types
        await pilot.press(*typed(ELDER), "enter")
        key_clock.person()
        await settle(pilot)
        assert app.query_one("#kiosk-id").value == ELDER
        assert app.issued == [] and services.ticket_printer.sent == []
        assert "已读取身份证号" in screen_text(app)
        await press_digit(pilot, "1")
    (ticket,) = app.issued
    assert ticket.priority is Priority.ELDERLY

