"""Worker for the multi-process intake test (imported by spawned processes)."""

from __future__ import annotations


def intake_worker(url: str, catalog_dir: str, window: int, count: int, start_event) -> list[str]:
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog
    from clerk.domain.accounts import Role
    from clerk.domain.errors import IntakeError
    from clerk.domain.intake import Outcome
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store
    from tests.support.drafts import hygiene

    service = CaseService(Store(url), load_catalog(catalog_dir), WorkCalendar({}))
    try:  # the services act only for a stored, active account
        user = service.add_user(None, f"w{window:02d}", f"窗口{window}", Role.WINDOW, "secret1")
    except IntakeError:
        user = service.account(f"w{window:02d}")
    start_event.wait(30)
    numbers = [service.submit(user, window, hygiene(), Outcome.ACCEPT).number for _ in range(count)]
    service.store.dispose()
    return numbers
