"""Two calls from the same window at the same moment (a double press, two terminals): one ticket open."""

from __future__ import annotations

import threading

from clerk.domain.errors import ServiceError
from clerk.domain.queueing import TicketState
from tests.support.tickets import printed


def test_one_window_never_holds_two_open_tickets(store, tickets, clerks):
    from clerk.services.tickets import TicketService
    from clerk.store.engine import Store

    for _ in range(24):
        printed(tickets)
    shared = Store(store.url, pool_size=4, settings=tickets.settings)
    service = TicketService(shared, tickets.settings, None, tickets.clock)
    refusals: list[str] = []
    try:
        for _ in range(10):
            start = threading.Barrier(2)

            def press() -> None:
                start.wait()
                try:
                    service.call_next(clerks["window"], 7)
                except ServiceError as exc:
                    refusals.append(str(exc))

            threads = [threading.Thread(target=press) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            day = tickets.today()
            open_now = [t for t in tickets.times(day) if t.state is TicketState.CALLED and t.window == 7]
            assert len(open_now) == 1, open_now
            tickets.link_cases(clerks["window"], 7, [])
    finally:
        shared.dispose()
    assert len(refusals) == 10 and all("本窗口" in r for r in refusals)
