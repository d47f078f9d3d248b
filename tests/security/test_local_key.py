"""What a window seals for itself (kept visits, serve tickets) needs no copy of the hall key.

On PostgreSQL the database seals the audit chain and ``clerk setup`` tells a window it
needs no hall key file.  Seen at merge: such a window could then keep no visit (the
kept-visit seal asked for the hall key file), so a store outage lost the visit on screen.
"""

from __future__ import annotations

import stat
from dataclasses import replace

import pytest

from clerk.domain.intake import Outcome
from clerk.store.hallkey import ensure_hall_key, load_hall_key, local_key, window_key_path
from clerk.tui.app import ClerkApp
from clerk.tui.services import Services
from clerk.tui.state import PendingVisit, WindowState, key_id
from tests.support.drafts import hygiene


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def settings(settings, tmp_path):
    """This window's settings: its key folder starts empty (the store's own key is elsewhere)."""
    return replace(settings, key_file=tmp_path / "keys" / "hall.key")


def _window(settings, clock, catalog, calendar, service, tmp_path) -> ClerkApp:
    services = Services(settings, clock=clock, catalog=catalog, calendar=calendar, cases=service)
    return ClerkApp(services, state=WindowState(tmp_path / "state"))


def test_a_window_without_the_hall_key_file_keeps_visits_under_its_own_key(
        settings, clock, catalog, calendar, service, tmp_path):
    hall_key_file = settings.effective_key_file
    assert not hall_key_file.exists()
    app = _window(settings, clock, catalog, calendar, service, tmp_path)
    kept = app.state.keep(PendingVisit("w01", 3, hygiene(), Outcome.ACCEPT))
    own = window_key_path(settings)
    assert own.exists() and stat.S_IMODE(own.stat().st_mode) == 0o600
    assert not hall_key_file.exists()  # never a hall key the store does not know
    assert [visit.key for visit in app.state.pending()] == [kept.key]
    # the next start of the app on this machine reads it back with the same key
    again = _window(settings, clock, catalog, calendar, service, tmp_path)
    assert [visit.key for visit in again.state.pending()] == [kept.key]
    assert again.state.hall_key_id() == key_id(load_hall_key(settings, own))


def test_a_machine_with_the_hall_key_file_keeps_using_it(settings, clock, catalog, calendar, service, tmp_path):
    """Visits kept by an earlier release were sealed under the hall key: still readable after the upgrade."""
    ensure_hall_key(settings)
    earlier = WindowState(tmp_path / "state", key=lambda: load_hall_key(settings))
    kept = earlier.keep(PendingVisit("w01", 3, hygiene(), Outcome.ACCEPT))
    app = _window(settings, clock, catalog, calendar, service, tmp_path)
    assert [visit.key for visit in app.state.pending()] == [kept.key]
    assert local_key(settings) == load_hall_key(settings)
    assert not window_key_path(settings).exists()
