"""Snapshots of the hall's ticket screens: the kiosk and the board at 80×24, the board at a TV's
160×45, and the intake screen with a called ticket in its header at 80×24.

Deterministic like ``test_snapshots``: the fixed clock, a fresh store, no user config.  Update with
``pytest tests/tui/test_snapshots_tickets.py --snapshot-update`` after looking at the new pictures.
"""

from __future__ import annotations

import pytest

from tests.support.tickets import PaperPrinter, printed

from .support import FIXED_NOW
from .test_snapshots import _steady
from .visit import settle, sign_in

NARROW, TV = (80, 24), (160, 45)


@pytest.fixture
def called_hall(case_service, settings, catalog):
    """Four tickets taken, two called (windows 3 and 7), window 5 paused for lunch, the clerk seated at 8."""
    from clerk.services.seats import SeatService
    from clerk.services.tickets import TicketService
    from clerk.tui.services import Services

    from .support import CLERK_ID

    clock = lambda: FIXED_NOW  # noqa: E731
    tickets = TicketService(case_service.store, settings, catalog, clock)
    for _ in range(3):
        printed(tickets, "A")
    printed(tickets, "B")
    clerk = case_service.account(CLERK_ID)
    tickets.call_next(clerk, 3)
    tickets.call_next(clerk, 7)
    tickets.pause(clerk, 5, "午休")
    SeatService(case_service.store, clock).take(clerk, 8)  # signed in at 8 (A, Z); no window serves B
    return Services(settings, clock=clock, store=case_service.store, catalog=catalog, tickets=tickets,
                    ticket_printer=PaperPrinter())


def test_board_narrow(snap_compare, called_hall):
    from clerk.tui.board import BoardApp

    assert snap_compare(BoardApp(called_hall, watch=False), terminal_size=NARROW, run_before=settle)


def test_board_on_a_tv(snap_compare, called_hall):
    from clerk.tui.board import BoardApp

    assert snap_compare(BoardApp(called_hall, watch=False), terminal_size=TV, run_before=settle)


def test_kiosk_narrow(snap_compare, called_hall):
    from clerk.tui.kiosk import KioskApp

    assert snap_compare(KioskApp(called_hall), terminal_size=NARROW, run_before=_steady)


def test_kiosk_ticket_printed(snap_compare, called_hall):
    from clerk.tui.kiosk import KioskApp

    async def run_before(pilot):
        await settle(pilot)
        from clerk.tui.kiosk import BURST_WAIT

        await pilot.press("2")
        await pilot.pause(BURST_WAIT * 2)
        await settle(pilot)

    assert snap_compare(KioskApp(called_hall, result_seconds=600), terminal_size=NARROW, run_before=run_before)


def test_intake_with_a_called_ticket(snap_compare, make_app, called_hall):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot, "8")
        await pilot.press("f7")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)
