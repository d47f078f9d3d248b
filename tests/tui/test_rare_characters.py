"""A character no notice font has (生僻字 beyond every font of the chain) is named under its
field the moment it is typed, and the confirmation says the notice cannot be printed instead
of promising it (#30 item 4).  Characters the shipped fonts have (䶮, 𠀀) raise nothing."""

from __future__ import annotations

import pytest

from .support import region_text, screen_text
from .visit import PERSON, applicant, pick, settle, sign_in

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

TEACHER = "370112-JYTY-003"  # 承诺件: accepting it prints a 承诺件通知书
NO_FONT = "\U00030000"  # CJK Extension G: neither the shipped fonts nor fonts-hanazono have it


async def test_typing_a_character_no_font_has_is_named_at_once(make_app):
    from textual.widgets import Input, Static

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("f3", "李", "䶮", "\U00020000")  # in the shipped rare-name font
        await pilot.pause()
        warning = app.screen.query_one("#name-glyphs", Static)
        assert app.screen.query_one("#applicant-name", Input).value == "李䶮\U00020000"
        assert not warning.display
        await pilot.press(NO_FONT)  # one key, no worker: the next frame shows it
        await pilot.pause()
        assert warning.display
        assert f"✖“{NO_FONT}”（U+30000）本机字体无法打印，通知书打不出" in region_text(app, warning)
        await pilot.press("backspace")
        await pilot.pause()
        assert not warning.display  # gone with the character


async def test_an_address_no_font_can_print_is_named_and_the_confirmation_promises_no_paper(
        make_app, case_service):
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        name, id_number, phone, address = PERSON
        await applicant(pilot, (name, id_number, phone, address + NO_FONT))
        warning = app.screen.query_one("#address-glyphs", Static)
        assert warning.display
        assert f"✖“{NO_FONT}”（U+30000）本机字体无法打印" in region_text(app, warning)
        await pilot.press("f4", "a", "f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        from textual.containers import Vertical
        from textual.widgets import Footer

        # what the dialog and its footer say: no promise of a paper anywhere
        text = region_text(app, app.screen.query_one(Vertical)) + region_text(app, app.screen.query_one(Footer))
        assert "将打印" not in text and "打印" not in text.replace("无法打印", "")
        assert "请核对，确认后保存（通知书无法打印）" in text and "F10或回车：确认并保存" in text
        assert "确认并保存" in region_text(app, app.screen.query_one(Footer))
        assert "无法打印：承诺件通知书" in text and f"“{NO_FONT}”" in text
        await pilot.press("escape")
        await settle(pilot)
        assert case_service.find(name) == []
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("f10")  # the footer's 确认并保存: the case is saved all the same
        await settle(pilot)
        assert [c.applicant_name for c in case_service.find(name)] == [name]


async def test_a_refusal_reason_no_font_can_print_is_named_as_it_is_typed(make_app, case_service):
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot, PERSON)
        await pilot.press("f10")
        await settle(pilot)
        outcomes = [str(o.prompt) for o in app.screen.query_one("#outcomes").options]
        await pilot.press(str(next(i for i, o in enumerate(outcomes, 1) if "不予受理" in o)))
        await pilot.press("不", "符", "合", NO_FONT)
        await pilot.pause()
        warning = app.screen.query_one("#reason-glyphs", Static)
        assert warning.display
        assert f"不予受理理由中的“{NO_FONT}”（U+30000）本机字体无法打印" in region_text(app, warning)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert "将打印" not in text and "无法打印：不予受理通知书" in text
