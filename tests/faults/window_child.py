"""A window process for the kill test (imported by spawned processes).

``serve`` signs in as window 1 and serves visits of the simulated day (intake,
supplements, decisions, mail, ratings — ``bench.hall_window``) until killed,
or ``limit`` visits and then exits: 0 without errors, 3 with any.  Under the
fork start method the parent passes its loaded catalog and calendar, so a
(re)started window is serving within milliseconds.
"""

from __future__ import annotations

import random
import sys


def serve(url: str, seed: int, ready, limit: int | None = None, catalog=None, calendar=None) -> None:
    from bench.hall_window import CALENDAR, CATALOG, Window, WindowResult
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog
    from clerk.services.cases import CaseService
    from clerk.services.desk import DeskService
    from clerk.store.engine import Store

    catalog = catalog or load_catalog(CATALOG)
    calendar = calendar or WorkCalendar.load(CALENDAR)
    service = CaseService(Store(url), catalog, calendar, hall_code="SF")
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
