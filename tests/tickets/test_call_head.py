"""``call_next`` reads only the head of the calling order: it still calls exactly in
``call_order`` of every waiting ticket, past the head, and past tickets other windows hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from clerk.domain.queueing import Priority, call_order
from clerk.services.ticket_calls import HEAD
from tests.support.tickets import printed


def _expected_order(tickets, numbers_waiting, now, window):
    views = [tickets.get(t) for t in numbers_waiting]
    max_wait = timedelta(minutes=tickets.settings.priority_max_wait_minutes)
    return [v.number for v in call_order(views, now, max_wait, tickets.window_queues(window))]


def _crowded_hall(tickets, clerks, hall_clock):
    """More than HEAD tickets in one group, priority and ordinary, two queues, some overdue,
    some transferred to window 7; returns the ids still waiting."""
    ids = [printed(tickets, "A").id for _ in range(12)]  # these will have waited too long
    hall_clock.advance(minutes=20)
    for i in range(HEAD + 30):
        ids.append(printed(tickets, "A", priority=Priority.PREGNANCY if i % 2 else Priority.NONE).id)
        ids.append(printed(tickets, "Z" if i % 3 else "A").id)
    for _ in range(3):  # C is not window 7's queue: only the transfer brings these here
        printed(tickets, "C")
        moved = tickets.call_next(clerks["window2"], 3).current
        tickets.transfer(clerks["window2"], 3, to_window=7)
        ids.append(moved.id)
    hall_clock.advance(minutes=15)  # the first twelve now waited 35 minutes
    return ids


@pytest.mark.slow
def test_calls_follow_the_whole_calling_order_past_the_head(store, hall_settings, catalog, hall_clock, clerks):
    from clerk.services.tickets import TicketService

    settings = replace(hall_settings, window_queues={7: ("A", "Z"), 3: ("C",)})
    tickets = TicketService(store, settings, catalog, hall_clock)
    waiting = _crowded_hall(tickets, clerks, hall_clock)
    expected = _expected_order(tickets, waiting, hall_clock.now, 7)
    assert len(expected) > 2 * HEAD
    called = []
    while (ticket := tickets.call_next(clerks["window"], 7).current) is not None:
        called.append(ticket.number)
        tickets.link_cases(clerks["window"], 7, [])
    assert called == expected


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.slow
def test_a_head_held_by_other_windows_is_skipped(store, hall_settings, catalog, hall_clock, clerks):
    """Other windows hold (row-lock) the whole head: the window calls the first ticket after it."""
    from sqlalchemy import text

    from clerk.services.tickets import TicketService

    settings = replace(hall_settings, window_queues={7: ("A", "Z"), 3: ("C",)})
    tickets = TicketService(store, settings, catalog, hall_clock)
    waiting = _crowded_hall(tickets, clerks, hall_clock)
    expected = _expected_order(tickets, waiting, hall_clock.now, 7)
    held = [tickets.get(t).id for t in waiting if tickets.get(t).number in expected[:HEAD]]
    with store.connection(write=True) as other:
        other.execute(text("SELECT id FROM tickets WHERE id = ANY(:ids) FOR UPDATE"), {"ids": held})
        ticket = tickets.call_next(clerks["window"], 7).current
    assert ticket.number == expected[HEAD]
