"""Fixtures of the security tests: accounts, a window app on the (parametrised) store."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def settings(tmp_path, hall_key_file):
    from clerk.config import Settings

    return Settings.defaults(key_file=hall_key_file, home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'unused.db'}",
                   receipts_dir=tmp_path / "receipts")


@pytest.fixture
def make_app(settings, service, catalog, calendar, clock, tmp_path):
    """A ClerkApp on the test store, with its own state folder."""
    from clerk.tui.app import ClerkApp
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    def build(*, state_dir=None, settings_=None, **kwargs):
        from clerk.store.hallkey import ensure_hall_key

        ensure_hall_key(settings_ or settings)
        services = Services(settings_ or settings, clock=clock, catalog=catalog, calendar=calendar, cases=service)
        kwargs.setdefault("retry_interval", 0.01)
        return ClerkApp(services, state=WindowState(state_dir or tmp_path / "state"), **kwargs)

    return build
