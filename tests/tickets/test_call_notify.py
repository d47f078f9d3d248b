"""A call tells the live screens once, inside its own statement (PostgreSQL ``pg_notify``);
a call that finds nobody, or is refused, tells nobody."""

from __future__ import annotations

import pytest

from clerk.domain.queueing import TicketError
from clerk.store.engine import CHANGES_CHANNEL
from tests.support.tickets import printed

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_call_notifies_once_and_an_empty_or_refused_one_not_at_all(tickets, clerks):
    import psycopg

    from clerk.store.changes import ChangeWatcher

    conn = psycopg.connect(autocommit=True, **ChangeWatcher(tickets.store)._conninfo())
    conn.execute(f"LISTEN {CHANGES_CHANNEL}")

    def heard() -> int:
        return len(list(conn.notifies(timeout=0.3)))

    try:
        assert tickets.call_next(clerks["window"], 7).current is None  # nobody waiting
        assert heard() == 0
        printed(tickets)
        heard()  # the take and the print
        called = tickets.call_next(clerks["window"], 7).current
        assert called is not None
        assert heard() == 1
        with pytest.raises(TicketError, match="尚未办结"):
            tickets.call_next(clerks["window"], 7)
        assert heard() == 0
        assert tickets.window_status(7).current.number == called.number
    finally:
        conn.close()
