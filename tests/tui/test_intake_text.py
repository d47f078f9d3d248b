"""At the window, a name pasted with a directional mark, a separator, a BOM or a tag character is
dropped at the keyboard; one that reaches the field another way (a returning applicant's stored
data) is named on F10 (field and code point) and nothing is saved (the rule: clerk.characters)."""

from __future__ import annotations

import pytest

from .visit import PERSON, applicant, pick, settle, sign_in

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

TEACHER = "370112-JYTY-003"
HIDDEN = {"\u200e": "U+200E", "\u200f": "U+200F", "\u2028": "U+2028", "\ufeff": "U+FEFF", "\U000e0041": "U+E0041"}


async def test_pasted_is_dropped_and_f10_names_the_field_and_the_character(make_app, case_service):
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot, PERSON)
        name = app.screen.query_one("#applicant-name", Input)
        banner = app.screen.query_one("#banner")
        for ch, code in HIDDEN.items():
            name.value = ""
            name.focus()
            name.insert_text_at_cursor(f"张{ch}三")  # what a paste does
            await pilot.pause()
            assert name.value == ""  # dropped whole, as a paste with ESC is
            name.value = f"张{ch}三"  # filled from elsewhere (a returning applicant's row)
            await pilot.press("f10")
            await settle(pilot)
            assert "申请人信息不完整" in banner.text and "申请人名称含有" in banner.text and code in banner.text
            assert ch not in banner.text
        assert case_service.find("张三") == []
