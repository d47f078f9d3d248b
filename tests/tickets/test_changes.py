"""Every ticket write tells live screens: a call reaches a board's watcher within 1 s."""

from __future__ import annotations

import time

from tests.support.tickets import printed, watch


def test_a_call_and_a_take_wake_the_board(tickets, clerks):
    printed(tickets)
    polls, stop, thread = watch(tickets.store)
    try:
        assert polls.wait_for_count(3, timeout=10), "the watcher did not poll"
        assert all(ok for _, _, ok in polls.seen)
        start, called = polls.count(), time.monotonic()
        tickets.call_next(clerks["window"], 7)
        returned = polls.count()
        seen = polls.first_after(start, changed=True, timeout=1.0)
        assert seen is not None and seen[0] - called < 1.0, polls.seen[start:]
        # a poll after the call returned that saw nothing new: the call's commits are all seen
        assert polls.first_after(max(returned, polls.seen.index(seen) + 1), changed=False, timeout=5.0)
        start, taken = polls.count(), time.monotonic()
        tickets.take("A")
        seen = polls.first_after(start, changed=True, timeout=1.0)
        assert seen is not None and seen[0] - taken < 1.0, polls.seen[start:]
    finally:
        stop.set()
        thread.join(5)
