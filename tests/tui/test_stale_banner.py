"""The banner F10 leaves follows the visit: fixed data takes the reason away at once."""

from __future__ import annotations

import pytest

from .test_scan_and_lookup import TEACHER
from .visit import PERSON, pick, settle, sign_in

pytestmark = pytest.mark.asyncio


async def test_the_incomplete_applicant_banner_updates_and_clears_as_the_data_is_fixed(make_app):
    name, id_number, phone, address = PERSON
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press(*name, "f10")
        await settle(pilot)
        banner = app.screen.query_one("#banner")
        assert "申请人信息不完整" in banner.text and "身份证号码" in banner.text
        await pilot.press("f3", "enter", *id_number)
        await pilot.pause()
        assert "身份证号码" not in banner.text  # fixed: that reason is gone
        assert "申请人信息不完整" in banner.text and "联系电话" in banner.text  # what is still missing
        await pilot.press("enter", *phone, "enter", *address)
        await pilot.pause()
        assert "申请人信息不完整" not in banner.text


async def test_the_printing_outcome_replaces_the_saving_message(make_app, case_service):
    from .visit import applicant, finish

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        await pilot.press("f4", "a")
        await finish(pilot, 1)
        await settle(pilot)
        (summary,) = case_service.find(PERSON[0])
        lines = app.screen.query_one("#banner").lines
        assert [line.text.count(summary.number) for line in lines] == [1], [line.text for line in lines]
        assert "正在打印" not in lines[0].text and "通知书" in lines[0].text
