"""Small things a clerk sees all day: the header clock follows the time, ctrl+n
leaves nothing of the last visit, the delivery row keeps one order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .support import FIXED_NOW
from .visit import pick, settle, sign_in

pytestmark = pytest.mark.asyncio


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


async def test_the_header_clock_follows_the_time(make_app, clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        header = app.screen.query_one("#intake-header")
        assert "10:00" in str(header.content)
        clock.now = FIXED_NOW + timedelta(minutes=47)
        app.screen.tick_header()  # what the screen's timer does every few seconds
        await pilot.pause()
        assert "10:47" in str(header.content)
        clock.now = FIXED_NOW + timedelta(minutes=48)
        await pilot.press("f3", "x")  # and every change of the visit
        await pilot.pause()
        assert "10:48" in str(header.content)


async def test_the_delivery_row_keeps_one_order_and_ctrl_n_resets_it(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        delivery = app.screen.query_one("#delivery")
        await pick(pilot, "370112-MZJ-004")  # offers 窗口领取 first, then EMS
        assert delivery.options == ["EMS邮寄", "窗口领取"] and delivery.value == "窗口领取"
        await pick(pilot, "370112-MZJ-003")  # offers EMS first
        assert delivery.options == ["EMS邮寄", "窗口领取"] and delivery.value == "EMS邮寄"
        await pick(pilot, "370112-MZJ-001")  # 窗口领取 only
        assert delivery.options == ["窗口领取"]
        await pilot.press("f4", "down")
        await pilot.pause()
        assert str(app.screen.query_one("#material-detail").content)
        await pilot.press("ctrl+n")  # a half-entered visit: asks first, clears nothing
        await pilot.pause()
        assert app.screen.item is not None and "再按一次 ctrl+n 清空" in app.screen.query_one("#banner").text
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert delivery.options == ["EMS邮寄", "窗口领取"] and delivery.value == "EMS邮寄"
        assert str(app.screen.query_one("#material-detail").content) == ""
        assert app.screen.query_one("#search-input").value == ""


async def test_what_a_library_prints_while_the_window_runs_still_reaches_stderr(make_app, capfd):
    """Textual hands captured output to ``App._print``: the app's print worker must not take it."""
    import sys

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        print("某个库的警告", file=sys.stderr)
        await settle(pilot)
    assert "某个库的警告" in capfd.readouterr().err
