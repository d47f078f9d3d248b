"""End-to-end update latency: a window saves a case, the fallback desk shows it.

    .venv/bin/python -m bench.bench_live [--samples 10] [--backends sqlite,postgresql]

The desk is the real window app (headless, 120×36) signed in as a fallback
clerk; each sample forks a window process that saves one incomplete visit
through ``CaseService.submit`` and reports the wall-clock time of its commit.
The latency is from that commit until the desk's queue table holds the case
number: watcher poll (PostgreSQL ``LISTEN/NOTIFY``; SQLite ``PRAGMA
data_version`` every second), the queue query in a worker, and the redraw.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.hall_window import CALENDAR, CATALOG

CODE = "370112-JYTY-003"
PASSWORDS = {"w07": "window123", "2001": "desk1234"}


def _save(url: str, catalog, calendar, serial: int, report) -> None:
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome
    from clerk.services.cases import CaseService
    from clerk.services.visits import new_visit_key
    from clerk.store.engine import Store

    service = CaseService(Store(url), catalog, calendar, hall_code="SF")
    entries = catalog.checklist(CODE, {}).entries
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, e.material.copies) for e in entries}
    marks[entries[0].material.key] = MaterialMark(MaterialStatus.MISSING)
    who = Applicant(ApplicantKind.PERSON, f"申请人{serial}", "11010519491231002X", "13812345678", "济南市历城区山大路1号")
    view = service.submit(service.account("w07"), 7, IntakeDraft(CODE, who, Delivery.PICKUP, {}, marks),
                          Outcome.FALLBACK, visit_key=new_visit_key())
    report.put((view.number, time.time()))
    service.store.dispose()


async def _measure(url: str, samples: int, catalog, calendar, home: Path) -> list[float]:
    from clerk.config import get_settings
    from clerk.tui.app import ClerkApp
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    settings = replace(get_settings(), home=home, database_url=url, receipts_dir=home / "receipts",
                       key_file=Path(os.environ["CLERK_KEY_FILE"]))
    app = ClerkApp(Services(settings, catalog=catalog, calendar=calendar), state=WindowState(home / "state"))
    context = multiprocessing.get_context("fork")
    latencies: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.5)
        app.screen.query_one("#window").value = "9"
        await pilot.press(*"2001", "enter", *PASSWORDS["2001"], "enter")
        for _ in range(200):
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "FallbackScreen":
                break
        await pilot.pause(2.0)  # the watcher has its baseline
        if type(app.screen).__name__ != "FallbackScreen":
            found = app.screen.query("#banner")
            raise SystemExit(f"the desk did not sign in: {found.first().text if found else app.screen}")
        table = app.screen.query_one("#fallback-queue")
        for serial in range(samples):
            report = context.Queue()
            child = context.Process(target=_save, args=(url, catalog, calendar, serial, report))
            child.start()
            number, committed = report.get(timeout=60)
            while number not in {str(k.value) for k in table.rows}:
                await pilot.pause(0.005)
            latencies.append(time.time() - committed)
            child.join(30)
            await pilot.pause(0.3 + (serial % 4) * 0.25)  # commits land at different points of the poll
    return latencies


def run(url: str, samples: int) -> list[float]:
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog
    from clerk.domain.accounts import Role
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    catalog, calendar = load_catalog(CATALOG), WorkCalendar.load(CALENDAR)
    store = Store(url)
    upgrade(store)
    service = CaseService(store, catalog, calendar, hall_code="SF")
    service.add_user(None, "w07", "王小红", Role.WINDOW, PASSWORDS["w07"])
    service.add_user(None, "2001", "王兜底", Role.FALLBACK, PASSWORDS["2001"])
    store.dispose()
    with tempfile.TemporaryDirectory(prefix="clerk-bench-live-") as home:
        return asyncio.run(_measure(url, samples, catalog, calendar, Path(home)))


def main(argv: list[str] | None = None) -> int:
    from bench.bench_store import postgres_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    from bench.timing import throwaway_hall_key

    throwaway_hall_key()  # the throw-away stores' audit chain (and the sign-in) need a hall key
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    print("| backend | samples | median | max |\n|---|---|---|---|")
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="clerk-bench-live-db-") as folder:
                found = run(f"sqlite:///{folder}/clerk.db", args.samples)
        else:
            with postgres_server() as url:
                found = run(url, args.samples)
        print(f"| {backend} | {len(found)} | {statistics.median(found) * 1000:.0f} ms | {max(found) * 1000:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
