"""The idle lock: a window left alone covers the visit; its clerk opens it, another signs her out."""

from __future__ import annotations

import pytest

from tests.support.screen import screen_text, settle

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
SIZE = (120, 36)
NAME, ID_NUMBER, PHONE = "王小五", "11010519491231002X", "13812345678"


@pytest.fixture
def backend():
    return "sqlite"


class IdleClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now

    def wait(self, minutes: float) -> None:
        self.now += minutes * 60


async def _type(pilot, text):
    await pilot.press(*list(text))


async def _half_entered_visit(app, pilot):
    from textual.widgets import Input

    await pilot.press("f2", *list("T-GGWS-001"), "enter")
    await settle(pilot)
    await pilot.press("f3")
    await _type(pilot, NAME)
    await pilot.press("enter")
    await _type(pilot, ID_NUMBER)
    await pilot.press("enter")
    await _type(pilot, PHONE)
    await settle(pilot)
    assert app.screen.query_one("#applicant-name", Input).value == NAME


async def _unlock_as(pilot, clerk_id, password):
    from textual.widgets import Input

    screen = pilot.app.screen
    screen.query_one("#lock-clerk", Input).value = clerk_id
    screen.query_one("#lock-password", Input).focus()
    await _type(pilot, password)
    await pilot.press("enter")
    await settle(pilot)
    await settle(pilot)  # a hand-over lands after the seat is taken (clerk.tui.seats)


async def test_idle_lock_covers_the_visit_and_its_clerk_opens_it_where_she_left_off(make_app, users):
    from textual.widgets import Input

    from clerk.tui.screens.intake import IntakeScreen
    from clerk.tui.screens.lock import LockScreen
    from clerk.tui.widgets.banner import Banner

    clock = IdleClock()
    app = make_app(idle_clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.signed_in(users["window"], 5)
        await settle(pilot)
        await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
        await _half_entered_visit(app, pilot)
        intake = app.screen
        clock.wait(9.9)
        app.check_idle_lock()
        await pilot.pause()
        assert not app.locked  # typing keeps it open; 9.9 minutes is not yet 10
        clock.wait(0.2)
        app.check_idle_lock()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        shown = screen_text(app)
        assert any("第 5 窗口已锁定（长时间无操作）" in line for line in shown.splitlines())  # not "第 5" alone
        assert "␊" not in shown  # a new line, not the sign for one
        for secret in (NAME, ID_NUMBER, PHONE, "T-GGWS-001"):
            assert secret not in shown
        await pilot.press("f5", "f12", "ctrl+p")  # nothing opens over a locked window
        await settle(pilot)
        assert isinstance(app.screen, LockScreen) and app.is_running
        await _unlock_as(pilot, "w01", "wrong-password")
        assert isinstance(app.screen, LockScreen) and app.screen.query_one(Banner).level == "error"
        await _unlock_as(pilot, "w01", "secret1")
        assert app.screen is intake and isinstance(intake, IntakeScreen) and not app.locked
        assert intake.query_one("#applicant-name", Input).value == NAME and intake.item is not None


async def test_another_clerk_signs_the_first_out_and_her_visit_waits_for_her(make_app, users, tmp_path):
    from textual.widgets import Input

    from clerk.tui.screens.lock import LockScreen

    clock = IdleClock()
    app = make_app(idle_clock=clock, state_dir=tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.signed_in(users["window"], 5)
        await settle(pilot)
        await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
        await _half_entered_visit(app, pilot)
        clock.wait(11)
        app.check_idle_lock()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await _unlock_as(pilot, "w02", "secret1")
        assert app.user.id == "w02" and not app.locked
        assert app.screen.query_one("#applicant-name", Input).value == ""
        assert NAME not in screen_text(app) and app.screen.item is None
        assert len(list((tmp_path / "state" / "open").glob("*.json"))) == 1  # hers only: the next clerk's form is empty
        # the next clerk leaves; the first one signs in again and finds her visit
        app.action_sign_out()
        await settle(pilot)
        app.signed_in(users["window"], 5)
        await settle(pilot)
        await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
        assert app.screen.query_one("#applicant-name", Input).value == NAME
        assert app.screen.query_one("#applicant-id", Input).value == ID_NUMBER
    assert len(list((tmp_path / "state" / "open").glob("*.json"))) == 1  # her visit, open again: one copy
