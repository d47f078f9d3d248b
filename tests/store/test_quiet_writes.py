"""Live screens are told of a commit only when it changed something (PostgreSQL NOTIFY)."""

from __future__ import annotations

import pytest

from clerk.domain.accounts import Role
from clerk.domain.intake import Outcome
from clerk.store.engine import CHANGES_CHANNEL
from tests.support.drafts import hygiene

pytestmark = pytest.mark.postgres


@pytest.fixture
def listener(service):
    import psycopg

    from clerk.store.changes import ChangeWatcher

    if service.store.is_sqlite:
        pytest.skip("NOTIFY is PostgreSQL's; SQLite's data_version counts commits only")
    conn = psycopg.connect(autocommit=True, **ChangeWatcher(service.store)._conninfo())
    conn.execute(f"LISTEN {CHANGES_CHANNEL}")

    def heard() -> int:
        return len(list(conn.notifies(timeout=0.3)))

    try:
        yield heard
    finally:
        conn.close()


def test_a_write_session_that_changed_nothing_notifies_nobody(service, listener):
    from clerk.store.tables import ClerkAccount

    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    listener()  # the account's own notification
    with service.store.session(write=True) as session:  # read in a write session, change nothing
        session.get(ClerkAccount, "w01")
    assert listener() == 0
    service.submit(clerk, 1, hygiene(), Outcome.ACCEPT)
    assert listener() == 1


def test_a_seat_heartbeat_wakes_no_live_screen(service, listener, clock):
    from clerk.services.seats import SeatService

    seats = SeatService(service.store, clock)
    seat = seats.take(service.add_user(None, "w02", "李四", Role.WINDOW, "secret1"), 2, machine="pc-02")
    listener()
    clock.advance(seconds=30)
    assert seats.heartbeat(seat.token) is None
    assert listener() == 0
    assert seats.seats()[0].seen_at == clock.now
