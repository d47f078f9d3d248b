"""A window process for the kill test (imported by spawned processes).

``serve`` signs in as window 1 and serves visits of the simulated day (intake,
supplements, decisions, mail, ratings — ``bench.hall_window``) until killed,
or ``limit`` visits and then exits: 0 without errors, 3 with any.
"""

from __future__ import annotations

import random
import sys


def serve(url: str, seed: int, ready, limit: int | None = None) -> None:
    from bench.hall_window import CALENDAR, CATALOG, Window, WindowResult
    from clerk.calendar import WorkCalendar
    from clerk.cases.desk import DeskService
    from clerk.cases.service import CaseService
    from clerk.catalog import load_catalog
    from clerk.store.engine import Store

    service = CaseService(Store(url), load_catalog(CATALOG), WorkCalendar.load(CALENDAR), hall_code="SF")
    result = WindowResult(1)
    window = Window(service, DeskService(service), 1, random.Random(seed), result)
    ready.set()
    done = 0
    while limit is None or done < limit:
        window.visit()
        done += 1
    while window.later:
        window.later.pop(0)()
    for error in result.errors:
        print(error, file=sys.stderr)
    sys.exit(3 if result.errors else 0)
