"""SIGKILL a window process at random points of its work; the store stays whole.

A spawned window process serves visits in a loop (intake of every kind,
supplements, decisions, mail, ratings); it is killed with SIGKILL after a
random delay, several times.  Afterwards no case is half-written (each has
its intake event, notices and deadlines), the serials of the day have no hole
(a rolled-back intake gives its number back), the audit chain verifies, SQLite
passes its integrity check — and a restarted window carries on.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal

import pytest

from bench.hall_checks import check_store
from tests.faults.window_child import serve

KILLS = 4


def _count(store) -> int:
    from sqlalchemy import func, select

    from clerk.store.tables import CaseRow

    with store.session(write=False) as session:
        return session.execute(select(func.count()).select_from(CaseRow)).scalar_one()


@pytest.fixture(scope="module")
def loaded():
    from bench.hall_window import CALENDAR, CATALOG
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog

    return load_catalog(CATALOG), WorkCalendar.load(CALENDAR)


@pytest.mark.slow
def test_killed_windows_leave_no_half_written_case(store, hall_users, loaded):
    # fork: the child starts with the catalog already loaded (a spawned one needs seconds);
    # it opens its own Store, so no connection is shared with this process.
    context = multiprocessing.get_context("fork")
    rng = random.Random(8)
    for round_ in range(KILLS):
        ready = context.Event()
        child = context.Process(target=serve, args=(store.url, round_, ready, None, *loaded), daemon=True)
        child.start()
        assert ready.wait(60), "the window process did not start"
        ready.clear()
        child.join(rng.uniform(0.2, 1.0))  # let it work, then pull the plug mid-whatever
        assert child.is_alive(), f"the window process ended by itself (exit code {child.exitcode})"
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
    killed_with = _count(store)
    assert killed_with > 0, "no case was committed before the kills: the test proves nothing"
    assert check_store(store, visits=True) == []

    # The window restarts and carries on where the day stands.
    ready = context.Event()
    child = context.Process(target=serve, args=(store.url, 99, ready, 8, *loaded))
    child.start()
    child.join(120)
    assert child.exitcode == 0, "the restarted window hit errors (see its stderr)"
    assert _count(store) >= killed_with + 8
    assert check_store(store, visits=True) == []
