"""Every ticket write tells live screens: a call reaches a board's watcher within 1 s."""

from __future__ import annotations

import time

from tests.support.tickets import printed, watch


def _wait_for_change(polls, since: float, limit: float = 5.0) -> float | None:
    while time.monotonic() < since + limit:
        seen = [at for at, changed, _ in polls if changed and at >= since]
        if seen:
            return seen[0]
        time.sleep(0.02)
    return None


def test_a_call_and_a_take_wake_the_board(tickets, clerks):
    printed(tickets)
    polls, stop, thread = watch(tickets.store)
    try:
        deadline = time.monotonic() + 10
        while len(polls) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert polls and all(ok for _, _, ok in polls)
        called = time.monotonic()
        tickets.call_next(clerks["window"], 7)
        seen = _wait_for_change(polls, called)
        assert seen is not None and seen - called < 1.0
        time.sleep(0.5)  # let the watcher settle after the call
        taken = time.monotonic()
        tickets.take("A")
        seen = _wait_for_change(polls, taken)
        assert seen is not None and seen - taken < 1.0
    finally:
        stop.set()
        thread.join(5)
