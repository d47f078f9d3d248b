"""The dashboard started by `clerk serve` for a browser that signed in at the gate skips its own sign-in."""

from __future__ import annotations

import pytest

from clerk.tui.supervisor import SupervisorApp

pytestmark = [pytest.mark.asyncio, pytest.mark.parametrize("backend", ["sqlite"])]


async def _settle(pilot) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.fixture
def app_with(service, catalog, calendar, clock, tmp_path, hall, dashboard):
    from clerk.config import Settings
    from clerk.store.hallkey import ensure_hall_key, load_hall_key
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    settings = Settings.defaults(home=tmp_path)
    ensure_hall_key(settings)

    def build(ticket: str) -> SupervisorApp:
        services = Services(settings, clock=clock, catalog=catalog, calendar=calendar, cases=service,
                            dashboard=dashboard)
        return SupervisorApp(services, state=WindowState(tmp_path / "state"), refresh_seconds=3600, ticket=ticket)

    return build, load_hall_key(settings)


async def test_a_valid_ticket_opens_the_dashboard(app_with):
    from clerk.tui.serveticket import make_ticket

    build, key = app_with
    app = build(make_ticket(key, "s01"))
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen" and app.user.id == "s01"


@pytest.mark.parametrize("how", ["forged", "expired", "window clerk", "disabled"])
async def test_anything_else_leaves_the_sign_in_screen(app_with, service, how):
    from clerk.tui.serveticket import make_ticket

    build, key = app_with
    ticket = {
        "forged": lambda: make_ticket(b"x" * 32, "s01"),
        "expired": lambda: make_ticket(key, "s01", now=0),
        "window clerk": lambda: make_ticket(key, "w03"),
        "disabled": lambda: make_ticket(key, "s01"),
    }[how]()
    if how == "disabled":
        service.accounts.set_active(None, "s01", False)  # no administrator here: the first-setup path
    app = build(ticket)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        assert type(app.screen).__name__ == "SignInScreen" and app.user is None
