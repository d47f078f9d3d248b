"""Quitting: ctrl+q asks with a visit open, the half-entered visit survives the
process, ctrl+c and Textual's own widgets say nothing in English."""

from __future__ import annotations

import re

import pytest

from .support import CLERK_ID, CLERK_PASSWORD, screen_text
from .test_scan_and_lookup import TEACHER
from .visit import pick, settle, sign_in

pytestmark = pytest.mark.asyncio
ENGLISH = re.compile(r"[A-Za-z]{4,}")  # a word of four letters or more (keys like ctrl, esc are shorter or allowed)
ALLOWED = {"ctrl", "clerk", "JYTY"}


def english_words(app) -> set[str]:
    return {w for w in ENGLISH.findall(screen_text(app)) if w not in ALLOWED}


async def test_ctrl_q_with_a_visit_open_asks_and_esc_goes_back(make_app, tmp_path):
    app = make_app(state_dir=tmp_path / "state")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press(*"张三")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert type(app.screen).__name__ == "QuitScreen"
        assert "尚未办结" in screen_text(app) and "张三" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "IntakeScreen"
        assert app.screen.query_one("#applicant-name").value == "张三"
        await pilot.press("ctrl+q", "enter")
        await pilot.pause()
    assert app.return_code == 0  # quit after the question


async def test_ctrl_q_with_nothing_open_quits_at_once(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_half_entered_visit_comes_back_after_the_process_dies(make_app, tmp_path):
    state_dir = tmp_path / "state"
    first = make_app(state_dir=state_dir)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press(*"张三", "enter", *"11010519491231002X", "f4", "1", "1")
        await settle(pilot)
        marks = dict(first.screen.marks)
        # the process dies here: no quit, no question, nothing saved on the way out
        assert list((state_dir / "open").glob("*.json"))
    second = make_app(state_dir=state_dir)
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*CLERK_ID, "enter", *CLERK_PASSWORD, "enter")  # the window is remembered
        await settle(pilot)
        intake = second.screen
        assert intake.item is not None and intake.item.code == TEACHER
        assert intake.query_one("#applicant-name").value == "张三"
        assert intake.query_one("#applicant-id").value == "11010519491231002X"
        assert intake.marks == marks
        assert "已恢复上次未办结的办件" in intake.query_one("#banner").text
        await pilot.press("ctrl+n", "ctrl+n")  # cleared (asked, then confirmed): nothing to restore next time
        await settle(pilot)
        assert not list((state_dir / "open").glob("*.json"))


async def test_ctrl_c_says_how_to_quit_in_chinese(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert "退出请按 ctrl+q" in app.screen.query_one("#banner").text
        assert not english_words(app)


async def test_the_command_palette_and_footer_are_in_chinese(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        assert not english_words(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert not english_words(app), english_words(app)
        await pilot.press(*"zzzz")
        await pilot.pause(0.7)  # the palette says "no matches" after its own half-second countdown
        assert "没有匹配的操作" in screen_text(app)
        await pilot.press("escape")


async def test_an_open_dropdown_says_how_to_close_it_in_chinese(make_app, staff):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one("#complaint-category").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "收起列表" in screen_text(app)
        assert "Dismiss" not in screen_text(app)
