"""28 windows calling at once, on SQLite and PostgreSQL: every ticket is called exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace

import pytest

from clerk.domain.queueing import Priority, TicketState
from tests.support.tickets import printed

WINDOWS, TICKETS = 28, 140


@pytest.mark.slow
def test_28_windows_call_every_ticket_exactly_once(store, hall_settings, catalog, hall_clock, clerks):
    from clerk.services.tickets import TicketService
    from clerk.store.engine import Store

    settings = replace(hall_settings, window_queues={w: ("A", "C") for w in range(1, WINDOWS + 1)})
    taker = TicketService(store, settings, catalog, hall_clock)
    issued = [printed(taker, "A" if i % 3 else "C", priority=Priority.PREGNANCY if i % 7 == 0 else Priority.NONE)
              for i in range(TICKETS)]
    shared = Store(store.url, pool_size=WINDOWS + 2, settings=settings)
    service = TicketService(shared, settings, catalog, hall_clock)
    start = threading.Barrier(WINDOWS)
    calls: dict[int, list[str]] = {w: [] for w in range(1, WINDOWS + 1)}
    errors: list[BaseException] = []

    def window(number: int) -> None:
        try:
            start.wait()
            while (ticket := service.call_next(clerks["window"], number).current) is not None:
                assert ticket.window == number and ticket.state is TicketState.CALLED
                calls[number].append(ticket.number)
                service.link_cases(clerks["window"], number, [])
        except BaseException as exc:  # reported below, with the window
            errors.append(exc)

    threads = [threading.Thread(target=window, args=(w,)) for w in range(1, WINDOWS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    shared.dispose()
    assert not errors, errors[:3]
    called = Counter(n for numbers in calls.values() for n in numbers)
    assert sorted(called) == sorted(t.number for t in issued)
    assert set(called.values()) == {1}
    assert sum(1 for numbers in calls.values() if numbers) > 1  # the work was really shared
    assert all(taker.get(t.id).state is TicketState.DONE for t in issued)
