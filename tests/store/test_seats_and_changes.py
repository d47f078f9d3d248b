"""Seats (one clerk, one window), the change watcher and the timeouts, on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest

from clerk.domain.accounts import Role
from clerk.domain.intake import Outcome
from clerk.services.seats import SeatService, SeatTaken
from tests.support.drafts import hygiene
from tests.support.tickets import watch


def test_a_second_sign_in_is_told_where_and_may_take_over(service, clock):
    seats = SeatService(service.store, clock)
    clerk = service.add_user(None, "1001", "李梅", Role.WINDOW, "secret1")
    first = seats.take(clerk, 1, machine="pc-01")
    assert seats.check(first.token) is None
    with pytest.raises(SeatTaken) as taken:
        seats.take(clerk, 6, machine="pc-06")
    assert "第 1 窗口" in str(taken.value) and "pc-01" in str(taken.value)
    assert seats.check(first.token) is None  # asking took nothing away

    clock.advance(minutes=3)
    second = seats.take(clerk, 6, machine="pc-06", take_over=True)
    lost = seats.check(first.token)
    assert lost is not None and "第 6 窗口" in lost.text() and "pc-06" in lost.text()
    assert seats.check(second.token) is None
    assert [(s.clerk_id, s.window, s.machine) for s in seats.seats()] == [("1001", 6, "pc-06")]


def test_a_seat_without_heartbeat_goes_stale_and_is_taken_without_a_question(service, clock):
    from datetime import timedelta

    seats = SeatService(service.store, clock, stale_after=timedelta(minutes=3))
    clerk = service.add_user(None, "1001", "李梅", Role.WINDOW, "secret1")
    first = seats.take(clerk, 1, machine="pc-01")
    clock.advance(minutes=2)
    assert seats.heartbeat(first.token) is None  # alive
    clock.advance(minutes=2)  # 4 minutes since the seat was taken, 2 since its heartbeat
    assert [s.stale for s in seats.seats()] == [False]
    with pytest.raises(SeatTaken):
        seats.take(clerk, 6, machine="pc-06")
    clock.advance(minutes=1, seconds=30)  # the window at pc-01 was killed: no heartbeat for 3.5 minutes
    (shown,) = seats.seats()
    assert shown.stale and shown.window == 1
    second = seats.take(clerk, 6, machine="pc-06")  # no question for a stale seat
    assert second.window == 6 and [s.stale for s in seats.seats()] == [False]
    lost = seats.heartbeat(first.token)  # should pc-01 come back, it learns where the seat went
    assert lost is not None and "第 6 窗口" in lost.text()
    assert seats.check(second.token) is None


def test_the_same_place_again_needs_no_question_and_sign_out_frees_the_seat(service, clock):
    seats = SeatService(service.store, clock)
    clerk = service.add_user(None, "1001", "李梅", Role.WINDOW, "secret1")
    boss = service.add_user(None, "9001", "钱主任", Role.SUPERVISOR, "secret1")
    first = seats.take(clerk, 1, machine="pc-01")
    again = seats.take(clerk, 1, machine="pc-01")  # the window restarted after a crash
    assert again.token != first.token and seats.check(again.token) is None
    seats.take(boss, None, machine="pc-boss", app="supervisor")
    assert sorted((s.clerk_id, s.window) for s in seats.seats()) == [("1001", 1), ("9001", None)]
    seats.release(again.token)
    assert seats.check(again.token) is not None
    assert seats.take(clerk, 6, machine="pc-06").window == 6  # free: no question


def test_the_watcher_sees_a_commit_of_another_connection(service):
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    polls, stop, thread = watch(service.store)
    try:
        assert polls.wait_for_count(3, timeout=10), "the watcher did not poll"
        assert all(ok for _, _, ok in polls.seen)
        assert not any(changed for _, changed, _ in polls.seen[1:])  # settled, nothing changed yet
        start, saved = polls.count(), time.monotonic()
        service.submit(clerk, 1, hygiene(), Outcome.ACCEPT)
        seen = polls.first_after(start, changed=True, timeout=5.0)
        assert seen is not None, "the watcher never reported the commit"
        assert seen[0] - saved < 1.0
    finally:
        stop.set()
        thread.join(5)


def test_statement_and_lock_timeouts_come_from_the_settings(store):
    from clerk.store.engine import Store

    timed = Store(store.url, statement_timeout=2.5)
    try:
        with timed.connection(write=False) as conn:
            if timed.is_sqlite:
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 2500
            else:
                assert conn.exec_driver_sql("SHOW statement_timeout").scalar_one() == "2500ms"
                assert conn.exec_driver_sql("SHOW lock_timeout").scalar_one() == "2500ms"
    finally:
        timed.dispose()


@pytest.mark.postgres
def test_a_lock_held_too_long_is_an_outage_not_a_hang(pg_server):
    from clerk.store.engine import Store
    from clerk.store.errors import StoreUnavailable
    from clerk.store.migrate import upgrade

    name = pg_server.create_database()
    store, holder = Store(pg_server.url(name), statement_timeout=1.0), Store(pg_server.url(name))
    try:
        upgrade(holder)
        with holder.connection() as conn:
            conn.exec_driver_sql("LOCK TABLE case_counters IN ACCESS EXCLUSIVE MODE")
            began = time.monotonic()
            with pytest.raises(StoreUnavailable):
                with store.connection() as other:
                    other.exec_driver_sql("SELECT * FROM case_counters")
            assert time.monotonic() - began < 5
    finally:
        store.dispose()
        holder.dispose()
        pg_server.drop_database(name)
