"""F5 is the case lookup on every screen; the desks refresh with F11 (or by themselves)."""

from __future__ import annotations

import pytest

from .test_roles import sign_in_as
from .visit import settle

SCREENS = {
    "ctrl+g": "FallbackScreen",
    # ctrl+r (results) is the back office's: a supervisor no longer records decisions
    "ctrl+y": "MailScreen",
    "ctrl+o": "RatingScreen",
    "ctrl+s": "ComplaintsScreen",
    "ctrl+t": "IntakeScreen",
}


@pytest.mark.asyncio
@pytest.mark.slow
async def test_f5_opens_the_lookup_on_every_screen(make_app, staff):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "9001")
        assert type(app.screen).__name__ == "DashboardScreen"
        for go, name in [(None, "DashboardScreen"), *SCREENS.items()]:
            if go:
                await pilot.press(go)
                await settle(pilot)
            assert type(app.screen).__name__ == name
            await pilot.press("f5")
            await settle(pilot)
            assert type(app.screen).__name__ == "LookupScreen", name
            await pilot.press("escape")
            await settle(pilot)
            assert type(app.screen).__name__ == name


def test_no_screen_binds_f5_but_the_app():
    from clerk.tui.app import ClerkApp
    from clerk.tui.screens.help import key_map_rows

    rows = key_map_rows({}, ClerkApp)
    owners = [(where, ident) for where, key, _, ident in rows if "f5" in key.split(" / ")]
    assert owners == [("全局", "clerk.lookup")]
    refresh = {ident: key for _, key, _, ident in rows if ident.endswith(".refresh")}
    assert refresh and all("f3" in key for key in refresh.values())
    # F11 is the session's message history on every screen: no screen takes it over
    assert [ident for _, key, _, ident in rows if "f11" in key.split(" / ")] == ["clerk.history"]
