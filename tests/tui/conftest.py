"""Fixtures for driving the window app: a real catalog, calendar and store
(SQLite in tmp), a fixed clock, an isolated state folder and no user config."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from clerk.config import Settings
from clerk.shipped import shipped_path

from .support import CLERK_ID, CLERK_NAME, CLERK_PASSWORD, FIXED_NOW, KeyClock


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No user config, state or data dir of the machine leaks into a test."""
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(scope="session")
def catalog():
    from clerk.catalog import load_catalog

    found = load_catalog(shipped_path("catalog"))
    found.prepare_search()
    return found


@pytest.fixture(scope="session")
def calendar():
    from clerk.calendar import WorkCalendar

    return WorkCalendar.load(shipped_path("calendar"))


@pytest.fixture
def settings(tmp_path, hall_key_file) -> Settings:
    return Settings.defaults(
        key_file=hall_key_file,  # the run's hall key: sign-ins and saves append keyed audit events
        home=tmp_path / "home",
        database_url=f"sqlite:///{tmp_path / 'clerk.db'}",
        receipts_dir=tmp_path / "receipts",
    )


@pytest.fixture
def clock():
    return lambda: FIXED_NOW


@pytest.fixture
def case_service(settings, catalog, calendar, clock, store_templates, tmp_path):
    from clerk.domain.accounts import Role
    from clerk.services.cases import CaseService

    store = store_templates.sqlite_store(tmp_path / "clerk.db")  # settings.database_url's file
    service = CaseService(store, catalog, calendar, clock, hall_code=settings.hall.code, timezone=settings.timezone)
    service.add_user(None, CLERK_ID, CLERK_NAME, Role.WINDOW, CLERK_PASSWORD)
    yield service
    store.dispose()


@pytest.fixture
def key_clock():
    return KeyClock()


@pytest.fixture
def make_app(settings, catalog, calendar, case_service, clock, key_clock, tmp_path):
    """Build a ClerkApp on the test store; keyword arguments override pieces."""
    from clerk.tui.app import ClerkApp
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    counter = itertools.count()

    def build(*, cases=None, printer=None, settings_=None, state_dir: Path | None = None, **kwargs):
        services = Services(
            settings_ or settings,
            clock=clock,
            catalog=catalog,
            calendar=calendar,
            cases=cases or case_service,
            printer=printer,
        )
        from clerk.store.hallkey import ensure_hall_key

        ensure_hall_key(settings_ or settings)  # kept visits are sealed under it
        state = WindowState(state_dir or tmp_path / f"state{next(counter)}")
        kwargs.setdefault("retry_interval", 0.01)
        kwargs.setdefault("key_clock", key_clock)  # None: the keys' own arrival times (their events' time)
        return ClerkApp(services, state=state, **kwargs)

    return build


STAFF_PASSWORD = "clerk123"


@pytest.fixture
def staff(case_service):
    """The desk accounts of the demo hall (the window clerk comes from ``case_service``)."""
    from clerk.domain.accounts import Role

    make = lambda i, n, r: case_service.add_user(None, i, n, r, STAFF_PASSWORD)  # noqa: E731
    return {
        "fallback": make("2001", "王兜底", Role.FALLBACK),
        "mail": make("3001", "赵邮", Role.MAILROOM),
        "boss": make("9001", "钱主任", Role.SUPERVISOR),
        "office": make("4001", "孙丽", Role.BACKOFFICE),
    }
