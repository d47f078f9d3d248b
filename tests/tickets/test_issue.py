"""Issuing a ticket at the kiosk: printed -> counted; printer or store down -> no ticket."""

from __future__ import annotations

import pytest

from clerk.domain.errors import StoreUnavailable
from clerk.domain.queueing import TicketError, TicketState
from clerk.integration.tickets import issue_ticket
from tests.support.tickets import FailingPrinter, PaperPrinter


def test_a_printed_ticket_counts(tickets, hall_settings, clerks):
    paper = PaperPrinter()
    ticket = issue_ticket(tickets, paper, hall_settings, "A", id_number="110101199001010015")
    assert ticket.state is TicketState.WAITING and ticket.number == "A001"
    (path, title), = paper.sent
    assert title == "号票 A001" and path.read_bytes().startswith(b"%PDF")
    assert tickets.call_next(clerks["window"], 7).current.number == "A001"


def test_printer_out_of_paper_counts_no_ticket(tickets, hall_settings, clerks):
    with pytest.raises(TicketError, match=r"号票未能打印（打印机缺纸，请装纸后重试），本次取号不计"):
        issue_ticket(tickets, FailingPrinter(), hall_settings, "A")
    assert {q.prefix: q.waiting for q in tickets.queue_status()}["A"] == 0
    assert tickets.call_next(clerks["window"], 7).current is None
    assert tickets.get(1).state is TicketState.VOID


def test_store_down_at_the_kiosk_prints_nothing(hall_settings, tmp_path, hall_clock):
    from clerk.services.tickets import TicketService
    from clerk.store.engine import Store

    down = Store("postgresql+psycopg://clerk@127.0.0.1:9/clerk", settings=hall_settings)
    down.statement_timeout = 1.0
    paper = PaperPrinter()
    with pytest.raises(StoreUnavailable):
        issue_ticket(TicketService(down, hall_settings, None, hall_clock), paper, hall_settings, "A")
    assert paper.sent == []


def test_a_ticket_left_pending_by_a_dead_kiosk_stops_counting(store, hall_settings, catalog, hall_clock):
    from dataclasses import replace

    from clerk.domain.queueing import QueueSpec
    from clerk.services.tickets import TicketService

    settings = replace(hall_settings, queues=(QueueSpec("A", "综合受理", daily_cap=1),))
    service = TicketService(store, settings, catalog, hall_clock)
    stuck = service.take("A")  # the kiosk died before printing
    with pytest.raises(TicketError, match="今日号源已取完"):
        service.take("A")
    hall_clock.advance(minutes=11)
    assert service.take("A").number == "A002"  # the refused take gave its serial back
    assert service.get(stuck.id).state is TicketState.VOID


def test_a_ticket_pdf_is_as_private_as_every_notice(tickets, hall_settings):
    """It names the queue and, for a ticket taken with an ID card, belongs to that person's visit."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        paper = PaperPrinter()
        issue_ticket(tickets, paper, hall_settings, "A", id_number="110101199001010015")
    finally:
        os.umask(old)
    (path, _), = paper.sent
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
